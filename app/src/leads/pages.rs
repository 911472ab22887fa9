//! The leads pages: the list (`/app/leads`), the "Add a lead" form (`/app/leads/new`) and a
//! lead's page (`/app/leads/{id}`) with editing in the page and conversion.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crm_core::bulk::BulkScope;
use crm_core::leads::{
    Conversion, Converted, Lead, LeadField, LeadRecord, LeadSource, LeadStatus, LeadsPage,
    LeadsQuery, RecordLink, SORTS,
};

use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::records::{Kind, ListQuery, ListSort, RecordField};
use crm_core::time::Wallclock;

use super::api::{convert_lead, list_leads, load_lead};
use crate::form::{FormMessages, TextField, input_id};
use crate::layout::{focus_by_id, loaded, loading, use_clock, use_hydrated};
use crate::records::{
    AddNote, DeleteRecord, EditableField, ListFilter, ListNotices, ListPages, ListSearch,
    ListTable, NewRecordPage, PhoneField, RecordPage, RecordTitle, RestoredNotice, Selection,
    TickCell, Timeline, bulk_notice, owner_choices,
};
use crate::tasks::RecordTasks;

/// `/app/leads`: the workspace's leads (newest first unless sorted otherwise), searched and filtered
/// as the URL says.
#[component]
pub fn LeadsListPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| {
        url.with(|q| LeadsQuery {
            q: q.get("q").unwrap_or_default(),
            sort: q.get("sort").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            owner: q.get("owner").unwrap_or_default(),
            after: q.get("after").unwrap_or_default(),
            before: q.get("before").unwrap_or_default(),
        })
    });
    let data = Resource::new_blocking(
        move || query.get(),
        |query| async move {
            list_leads(query)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let (on_done, notice) = bulk_notice(Kind::Leads.plural(), query, move || data.refetch());
    view! {
        <Title text="Leads"/>
        <Meta name="robots" content="noindex"/>
        <div class="page leads">
            <div class="list__head">
                <h1>"Leads"</h1>
                <a class="button" href="/app/leads/new">"Add a lead"</a>
            </div>
            {notice}
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let query = query.get();
                    loaded(data.await, move |page| view! { <LeadsList page query on_done/> }.into_any())
                })}
            </Transition>
        </div>
    }
}

/// The choices of the status filter: any status, or one of them.
fn status_choices() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Any status".to_owned()))
        .chain(
            LeadStatus::ALL
                .into_iter()
                .map(|status| (status.as_str().to_owned(), status.label().to_owned())),
        )
        .collect()
}

#[component]
fn LeadsList(page: LeadsPage, query: LeadsQuery, on_done: Callback<String>) -> impl IntoView {
    let LeadsPage {
        rows,
        place,
        members,
        problem,
        search_note,
    } = page;
    let selection = Selection::new(
        Kind::Leads,
        rows.iter().map(|row| row.id.uuid()),
        members.clone(),
        on_done,
    )
    .beyond_page(BulkScope::Leads(query.clone()), &place, problem.is_none());
    let selected = selection.selected;
    let filtered = query.is_filtered();
    let clear_href = filtered.then_some("/app/leads");
    let links = query.page_links(&place);
    let clock = use_clock();
    let has_problem = problem.is_some();
    let sort = ListSort::choose(&query.sort, &SORTS);
    let caption = sort.caption(if filtered {
        "Leads matching the search and filters"
    } else {
        "Every lead in this workspace"
    });
    let empty_message = rows.is_empty().then_some(if filtered {
            "No leads match this search and these filters."
        } else {
            "No leads yet. Requests from your website land here; add one by hand with \u{201c}Add a lead\u{201d}."
        });
    let sort = sort.in_url(&SORTS).to_owned();
    let LeadsQuery {
        q,
        status: chosen_status,
        owner: chosen_owner,
        ..
    } = query;
    view! {
        <div class="list__filters" role="search" aria-label="Search and filter leads">
            <Form method="GET" action="/app/leads">
                <ListSearch prefix="leads" value=q hint="Part of a name, e-mail address, company or phone number." problem=has_problem/>
                <ListFilter prefix="leads" name="sort" label="Sort by" choices=ListSort::choices(&SORTS) chosen=sort/>
                <ListFilter prefix="leads" name="status" label="Status" choices=status_choices() chosen=chosen_status/>
                <ListFilter prefix="leads" name="owner" label="Owner" choices=owner_choices(members) chosen=chosen_owner/>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="leads" problem note=search_note clear_href/>
        <ListTable prefix="leads" caption headers=HEADERS empty=empty_message selection>
            {rows.into_iter().map(|row| view! {
                <tr>
                    <TickCell selected id=row.id.uuid() name=row.name.clone()/>
                    <th scope="row">
                        <a href=format!("/app/leads/{}", row.id)>{row.name}</a>
                    </th>
                    <td>{row.email}</td>
                    <td>{row.company_name}</td>
                    <td>
                        {row.status.label()}
                        {row.converted.then_some(", converted")}
                    </td>
                    <td>{row.source.as_str()}</td>
                    <td>{row.owner.unwrap_or_default()}</td>
                    <td>
                        <time datetime=Wallclock::machine(row.created_at)>{clock.time(row.created_at)}</time>
                    </td>
                </tr>
            }).collect_view()}
        </ListTable>
        <ListPages links summary=place.summary()/>
    }
}

/// `/app/leads/new`: a plain form POST, so it works before (and without) the WASM.
#[component]
pub fn NewLeadPage() -> impl IntoView {
    view! {
        <NewRecordPage
            title="Add a lead"
            class="leads-new"
            list_href="/app/leads"
            list_name="leads"
            form=|state| view! { <NewLeadForm state/> }
        />
    }
}

/// The list's columns.
const HEADERS: &[&str] = &[
    "Name", "E-mail", "Company", "Status", "Source", "Owner", "Added",
];

const NEW_FORM: &str = "new-lead";

#[component]
fn NewLeadForm(state: FormState) -> impl IntoView {
    let source_id = input_id(NEW_FORM, "source");
    let chosen = state.value("source");
    let chosen = if chosen.is_empty() {
        LeadSource::Other.as_str().to_owned()
    } else {
        chosen
    };
    let source_error = state.error("source");
    let source_invalid = source_error.is_some();
    view! {
        <form id=NEW_FORM class="account__form" method="post" action="/app/leads/new" novalidate>
            <FormMessages form_id=NEW_FORM state=state.clone()/>
            <TextField form_id=NEW_FORM state=state.clone() name="name" label="Name" autocomplete="off" maxlength=100/>
            <TextField form_id=NEW_FORM state=state.clone() name="email" label="E-mail" kind="email" autocomplete="off" hint="Converting the lead finds the person with this address, if they are here already." maxlength=254/>
            <TextField form_id=NEW_FORM state=state.clone() name="company_name" label="Company (optional)" autocomplete="off" maxlength=200/>
            <PhoneField form_id=NEW_FORM state=state.clone()/>
            <div class="field" class:field--invalid=source_invalid>
                <label for=source_id.clone()>"Source"</label>
                <select
                    id=source_id.clone()
                    name="source"
                    aria-invalid=source_invalid.then_some("true")
                    aria-describedby=source_invalid.then(|| format!("{source_id}-error"))
                >
                    {LeadSource::ALL.into_iter().map(|source| {
                        let selected = source.as_str() == chosen;
                        view! { <option value=source.as_str() selected=selected>{source.as_str()}</option> }
                    }).collect_view()}
                </select>
                {source_error.map(|message| view! {
                    <p id=format!("{source_id}-error") class="field__error">
                        <span class="visually-hidden">"Error: "</span>
                        {message}
                    </p>
                })}
            </div>
            <button type="submit" class="button">"Add this lead"</button>
        </form>
    }
}

/// `/app/leads/{id}`: a lead, each field editable in the page, what it told the form, its
/// conversion and its timeline.
#[component]
pub fn LeadPage() -> impl IntoView {
    view! {
        <RecordPage
            class="lead"
            list_href="/app/leads"
            list_name="leads"
            not_found="Lead not found"
            load=load_lead
            show=|record, created| view! { <LeadView record created/> }
        />
    }
}

#[component]
fn LeadView(record: LeadRecord, created: bool) -> impl IntoView {
    let LeadRecord {
        lead,
        conversion,
        matching_person,
        matching_company,
        timeline,
        members,
    } = record;
    let id = lead.id;
    let facts = FormFacts::of(&lead, &use_clock());
    let lead = RwSignal::new(lead);
    let timeline = RwSignal::new(timeline);
    let members = StoredValue::new(members);
    let restored = RwSignal::new(false);
    let conversion = RwSignal::new(conversion);
    let title = move || lead.with(|l: &Lead| l.name.clone());
    view! {
        <RecordTitle record=lead text=|l: &Lead| l.name.clone()/>
        <h1>{title}</h1>
        {created.then(|| view! {
            <p class="form-notice form-notice--ok" role="status">"Lead added."</p>
        })}
        <RestoredNotice restored/>
        <section aria-labelledby="details-title">
            <h2 id="details-title">"Details"</h2>
            <dl class="record__fields">
                {LeadField::ALL
                    .into_iter()
                    .map(|field| view! {
                        <EditableField id=id.to_string() field record=lead timeline members restored/>
                    })
                    .collect_view()}
            </dl>
        </section>
        {facts.into_view()}
        <Convert id=id.to_string() lead timeline conversion matching_person matching_company/>
        <RecordTasks kind=Kind::Leads record=id.uuid() timeline/>
        <AddNote kind=Kind::Leads id=id.to_string() timeline/>
        <Timeline timeline label=|name| LeadField::parse(name).map(RecordField::label) noun="this lead"/>
        <DeleteRecord
            kind=Kind::Leads
            id=id.to_string()
            name=Signal::derive(title)
            noun="lead"
            explained="Deleting a lead removes its details, its marketing choice, notes and activity from this workspace. A person, company or opportunity it was converted into stays."
            what="Its details, notes and activity"
            list_href="/app/leads"
            owner=Signal::derive(move || lead.with(|l: &Lead| l.owner.as_ref().map(|owner| owner.id)))
        />
    }
}

/// What a lead told the form it came from, kept as given.
struct FormFacts {
    added: String,
    team_size: Option<String>,
    message: Option<String>,
    marketing: Option<String>,
}

impl FormFacts {
    fn of(lead: &Lead, clock: &Wallclock) -> Self {
        Self {
            added: clock.time(lead.created_at),
            team_size: lead.team_size.clone(),
            message: lead.message.clone(),
            marketing: lead.marketing.map(|choice| {
                format!(
                    "{} on {}, beside privacy policy version {}.",
                    if choice.consented {
                        "Yes, chosen"
                    } else {
                        "No, chosen"
                    },
                    clock.time(choice.at),
                    choice.policy_version
                )
            }),
        }
    }

    fn into_view(self) -> impl IntoView {
        view! {
            <section aria-labelledby="form-facts-title">
                <h2 id="form-facts-title">"How it came in"</h2>
                <dl class="record__fields">
                    <div class="record__field">
                        <dt>"Added"</dt>
                        <dd>{self.added}</dd>
                    </div>
                    {self.team_size.map(|size| view! {
                        <div class="record__field"><dt>"Team size"</dt><dd>{size}</dd></div>
                    })}
                    {self.message.map(|message| view! {
                        <div class="record__field"><dt>"Their message"</dt><dd class="lead__message">{message}</dd></div>
                    })}
                    <div class="record__field">
                        <dt>"Marketing e-mail"</dt>
                        <dd>{self.marketing.unwrap_or_else(|| "Not asked.".to_owned())}</dd>
                    </div>
                </dl>
            </section>
        }
    }
}

/// Converting the lead: what will happen (a new person, or the one with its e-mail address; its
/// company linked or added), and afterwards what it became.
#[component]
fn Convert(
    id: String,
    lead: RwSignal<Lead>,
    timeline: RwSignal<Vec<crm_core::records::TimelineEntry>>,
    conversion: RwSignal<Option<Conversion>>,
    matching_person: Option<RecordLink>,
    matching_company: Option<RecordLink>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let ready = use_hydrated();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<Converted>);
    let add_company = RwSignal::new(true);
    let add_opportunity = RwSignal::new(false);
    let matching_person = StoredValue::new(matching_person);
    let matching_company = StoredValue::new(matching_company);
    let convert = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let version = lead.with_untracked(|l| l.version);
        leptos::task::spawn_local(async move {
            let choice = crm_core::leads::ConversionChoice {
                add_company: add_company.get_untracked(),
                add_opportunity: add_opportunity.get_untracked(),
            };
            match convert_lead(id.get_value(), version, choice).await {
                Ok(converted) => {
                    lead.set(converted.record.lead.clone());
                    timeline.set(converted.record.timeline.clone());
                    conversion.set(converted.record.conversion.clone());
                    done.set(Some(converted));
                    request_animation_frame(|| focus_by_id("converted-title"));
                }
                Err(problem) => {
                    error.set(Some(problem.to_string()));
                    request_animation_frame(|| focus_by_id("convert-button"));
                }
            }
            busy.set(false);
        });
    };
    let plan = move || {
        lead.with(|lead| {
            let person = match matching_person.get_value() {
                Some(person) => view! {
                    <p>
                        <a href=format!("/app/people/{}", person.id)>{person.name}</a>
                        {format!(
                            " is already a person here with the e-mail address {}: converting links this lead to them and adds no one new.",
                            lead.email
                        )}
                    </p>
                }
                .into_any(),
                None => view! {
                    <p>
                        {format!(
                            "Converting adds {} as a person, with the lead's e-mail address, phone number and company{}.",
                            lead.name,
                            if lead.marketing.is_some() { ", and the marketing e-mail choice made on the form" } else { "" }
                        )}
                    </p>
                }
                .into_any(),
            };
            let company_name = lead.company_name.trim().to_owned();
            let company = if company_name.is_empty() {
                None
            } else if let Some(company) = matching_company.get_value() {
                Some(view! {
                    <p>
                        "They will work at "
                        <a href=format!("/app/companies/{}", company.id)>{company.name}</a>
                        ", already a company here."
                    </p>
                }
                .into_any())
            } else {
                Some(view! {
                    <div class="field field--checkbox">
                        <input
                            id="convert-add-company"
                            type="checkbox"
                            prop:checked=move || add_company.get()
                            on:change:target=move |ev| add_company.set(ev.target().checked())
                        />
                        <label for="convert-add-company">
                            {format!("Also add the company \u{201c}{company_name}\u{201d}")}
                        </label>
                    </div>
                }
                .into_any())
            };
            view! { {person} {company} }
        })
    };
    move || {
        match conversion.get() {
        Some(conversion) => view! { <ConvertedSection conversion done/> }.into_any(),
        None => view! {
            <section aria-labelledby="convert-title" class="lead__convert">
                <h2 id="convert-title">"Convert"</h2>
                <form on:submit=convert>
                    {plan}
                    <div class="field field--checkbox">
                        <input
                            id="convert-add-opportunity"
                            type="checkbox"
                            prop:checked=move || add_opportunity.get()
                            on:change:target=move |ev| add_opportunity.set(ev.target().checked())
                        />
                        <label for="convert-add-opportunity">
                            "Also open an opportunity, in the pipeline's first stage"
                        </label>
                    </div>
                    <p class="field__hint">
                        "The lead stays, with its history, linked to the person it becomes. An opportunity opened here has no amount yet and is expected to close in 30 days; change both on its page."
                    </p>
                    <button
                        id="convert-button"
                        type="submit"
                        class="button"
                        disabled=move || busy.get() || !ready.get()
                        aria-describedby=move || error.with(Option::is_some).then_some("convert-error")
                    >
                        "Convert this lead"
                    </button>
                    {move || error.get().map(|message| view! {
                        <p id="convert-error" class="field__error" role="alert">
                            <span class="visually-hidden">"Error: "</span>
                            {message}
                        </p>
                    })}
                </form>
            </section>
        }
        .into_any(),
    }
    }
}

/// What the lead became, and, just after converting it, what the conversion did.
#[component]
fn ConvertedSection(conversion: Conversion, done: RwSignal<Option<Converted>>) -> impl IntoView {
    let Conversion {
        person,
        company,
        opportunity,
        at,
        by,
    } = conversion;
    let by = by.unwrap_or_else(|| "a former member".to_owned());
    view! {
        <section aria-labelledby="converted-title" class="lead__converted">
            <h2 id="converted-title" tabindex="-1">"Converted"</h2>
            {move || done.get().map(|done| {
                let what = if done.matched {
                    "Lead converted: it was linked to the person who already had its e-mail address."
                } else {
                    "Lead converted: a new person was added from it."
                };
                view! {
                    <p class="form-notice form-notice--ok" role="status">
                        {what}
                        {done.phone_not_copied.map(|phone| format!(
                            " Its phone number \u{201c}{phone}\u{201d} is not one we could read (it may need its country code), so it was not copied; add it on their page."
                        ))}
                    </p>
                }
            })}
            <p>
                {match person {
                    Some(person) => view! {
                        "Converted into "
                        <a href=format!("/app/people/{}", person.id)>{person.name}</a>
                    }
                    .into_any(),
                    None => view! { "Converted into a person who has since been deleted" }.into_any(),
                }}
                {company.map(|company| view! {
                    ", with the company "
                    <a href=format!("/app/companies/{}", company.id)>{company.name}</a>
                })}
                {format!(", on {} by {by}.", use_clock().time(at))}
            </p>
            {opportunity.map(|opportunity| view! {
                <p>
                    "Its opportunity: "
                    <a href=format!("/app/opportunities/{}", opportunity.id)>{opportunity.name}</a>
                </p>
            })}
        </section>
    }
}
