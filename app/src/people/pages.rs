//! The people pages: the list (`/app/people`), the "Add a person" form (`/app/people/new`) and a
//! person's page (`/app/people/{id}`) with editing in the page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use super::api::{add_person_note, bulk_people, list_people, load_person};
use super::contacts_pages::{PersonAddresses, PersonContacts, applier};
use super::model::{
    BulkAction, MemberOption, PeoplePage, PeopleQuery, PeopleSort, Person, PersonField, PersonId,
    PersonRecord, TAG_MAX_CHARS, people_count,
};
use crate::accounts::form::{FormMessages, TextField};
use crate::accounts::model::FormState;
use crate::error::AppError;
use crate::layout::{focus_by_id, loaded, loading, use_hydrated};
use crate::opportunities::RelatedOpportunitiesSection;
use crate::records::{
    AddNote, CONFIRM_CANCEL_ID, ConfirmDeletion, DeleteRecord, EditableField, Kind, ListNotices,
    ListPages, ListSearch, NewRecordPage, PhoneField, RecordField, RecordPage, RestoredNotice,
    TagsField, Timeline,
};
use crate::tasks::RecordTasks;

fn query_from_url(q: &leptos_router::params::ParamsMap) -> PeopleQuery {
    PeopleQuery {
        q: q.get("q").unwrap_or_default(),
        sort: PeopleSort::parse(&q.get("sort").unwrap_or_default()),
        tag: q.get("tag").unwrap_or_default(),
        owner: q.get("owner").unwrap_or_default(),
        after: q.get("after").unwrap_or_default(),
    }
}

fn list_href(query: &PeopleQuery) -> String {
    let query = query.to_query_string();
    if query.is_empty() {
        "/app/people".to_owned()
    } else {
        format!("/app/people?{query}")
    }
}

/// `/app/people`: the workspace's people, searched, filtered and sorted as the URL says.
#[component]
pub fn PeopleListPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| url.with(query_from_url));
    let data = Resource::new_blocking(
        move || query.get(),
        |query| async move {
            list_people(query)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    // What the last bulk action did, shown with the list it was done on.
    let notice = RwSignal::new(None::<(PeopleQuery, String)>);
    let on_done = Callback::new(move |message: String| {
        notice.set(Some((query.get_untracked(), message)));
        data.refetch();
        request_animation_frame(|| focus_by_id("people-notice"));
    });
    view! {
        <Title text="People"/>
        <Meta name="robots" content="noindex"/>
        <div class="page people">
            <div class="list__head">
                <h1>"People"</h1>
                <a class="button" href="/app/people/new">"Add a person"</a>
            </div>
            <div role="status">
                {move || {
                    notice
                        .get()
                        .filter(|(on, _)| *on == query.get())
                        .map(|(_, message)| view! {
                            <p id="people-notice" class="form-notice form-notice--ok" tabindex="-1">
                                {message}
                            </p>
                        })
                }}
            </div>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let query = query.get();
                    loaded(data.await, move |page| {
                        view! { <PeopleList page query on_done/> }.into_any()
                    })
                })}
            </Transition>
        </div>
    }
}

#[component]
fn PeopleList(page: PeoplePage, query: PeopleQuery, on_done: Callback<String>) -> impl IntoView {
    let PeoplePage {
        rows,
        next,
        tags,
        members,
        problem,
    } = page;
    let owners = members.clone();
    let ready = use_hydrated();
    // The rows ticked for a bulk action; a new page of the list starts with none.
    let selected = RwSignal::new(Vec::<PersonId>::new());
    let on_page: Vec<PersonId> = rows.iter().map(|row| row.id).collect();
    let all_ticked = {
        let on_page = on_page.clone();
        move || selected.with(|s| on_page.iter().all(|id| s.contains(id)))
    };
    let tick_all = move |on: bool| selected.set(if on { on_page.clone() } else { Vec::new() });
    let searched = !query.q.trim().is_empty();
    let caption = if query.is_filtered() {
        "People matching the search and filters"
    } else {
        "Everyone in this workspace"
    };
    let empty = rows.is_empty();
    let next_href = next.map(|after| {
        list_href(&PeopleQuery {
            after,
            ..query.clone()
        })
    });
    let first_href = (!query.after.is_empty()).then(|| list_href(&query.first_page()));
    let clear_href = query.is_filtered().then_some("/app/people");
    let filtered = searched || query.is_filtered();
    let has_problem = problem.is_some();
    let PeopleQuery {
        q,
        sort,
        tag: chosen_tag,
        owner: chosen_owner,
        ..
    } = query;
    view! {
        <div class="list__filters" role="search" aria-label="Search and filter people">
            <Form method="GET" action="/app/people">
                <ListSearch prefix="people" value=q hint="Part of a name, e-mail address, phone number or company." problem=has_problem/>
                <div class="field">
                    <label for="people-tag">"Tag"</label>
                    <select id="people-tag" name="tag">
                        <option value="" selected=chosen_tag.is_empty()>"Any tag"</option>
                        {tags.into_iter().map(|tag| {
                            let selected = tag == chosen_tag;
                            view! { <option value=tag.clone() selected=selected>{tag.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="people-owner">"Owner"</label>
                    <select id="people-owner" name="owner">
                        <option value="" selected=chosen_owner.is_empty()>"Anyone"</option>
                        {members.into_iter().map(|member| {
                            let id = member.id.to_string();
                            let selected = id == chosen_owner;
                            view! { <option value=id selected=selected>{member.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="people-sort">"Sort by"</label>
                    <select id="people-sort" name="sort">
                        <option value="name" selected=sort == PeopleSort::Name>"Last name"</option>
                        <option value="newest" selected=sort == PeopleSort::Newest>"Newest first"</option>
                    </select>
                </div>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="people" problem clear_href/>
        {if empty {
            view! {
                <p class="list__empty" role="status">
                    {if filtered {
                        "No people match this search and these filters."
                    } else {
                        "No people yet. Add the first one with \u{201c}Add a person\u{201d}."
                    }}
                </p>
            }
            .into_any()
        } else {
            view! {
                <BulkActions selected members=owners on_done/>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="people-caption">
                    <table class="list__table">
                        <caption id="people-caption">{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="people__tick js-only">
                                    <input
                                        type="checkbox"
                                        id="people-tick-all"
                                        aria-label="Select everyone on this page"
                                        disabled=move || !ready.get()
                                        prop:checked=all_ticked
                                        on:change:target=move |ev| tick_all(ev.target().checked())
                                    />
                                </th>
                                <th scope="col">"Name"</th>
                                <th scope="col">"E-mail"</th>
                                <th scope="col">"Phone"</th>
                                <th scope="col">"Company"</th>
                                <th scope="col">"Tags"</th>
                                <th scope="col">"Owner"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.clone() key=|row| row.id let:row>
                                <tr>
                                    <td class="people__tick js-only">
                                        <input
                                            type="checkbox"
                                            aria-label=format!("Select {}", row.name)
                                            disabled=move || !ready.get()
                                            prop:checked=move || selected.with(|s| s.contains(&row.id))
                                            on:change:target=move |ev| {
                                                let on = ev.target().checked();
                                                selected.update(|s| {
                                                    s.retain(|id| *id != row.id);
                                                    if on {
                                                        s.push(row.id);
                                                    }
                                                });
                                            }
                                        />
                                    </td>
                                    <th scope="row">
                                        <A href=format!("/app/people/{}", row.id)>{row.name.clone()}</A>
                                    </th>
                                    <td>{row.email.clone().unwrap_or_default()}</td>
                                    <td>{row.phone.clone().unwrap_or_default()}</td>
                                    <td>{row.company_name.clone()}</td>
                                    <td>{row.tags.join(", ")}</td>
                                    <td>{row.owner.clone().unwrap_or_default()}</td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <ListPages first=first_href next=next_href/>
    }
}

/// Tag, hand over or delete the people ticked in the list. A deletion asks first, in the page;
/// the outcome is announced above the list, which is then read again.
#[component]
fn BulkActions(
    selected: RwSignal<Vec<PersonId>>,
    members: Vec<MemberOption>,
    on_done: Callback<String>,
) -> impl IntoView {
    let tag = RwSignal::new(String::new());
    // "" until an owner is chosen; "-" is "nobody".
    let owner = RwSignal::new(String::new());
    // The control a problem belongs to ("tag", "owner" or "" for the selection), and the message.
    let problem = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let members = StoredValue::new(members);
    let count = move || selected.with(Vec::len);
    let ready = use_hydrated();
    let idle = move || ready.get() && !busy.get();

    let run = move |action: BulkAction, value: String, label: String| {
        if busy.get_untracked() {
            return;
        }
        let ids: Vec<String> =
            selected.with_untracked(|s| s.iter().map(ToString::to_string).collect());
        if ids.is_empty() {
            problem.set(Some((
                String::new(),
                "Select at least one person first, with the boxes in the first column.".to_owned(),
            )));
            return;
        }
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match bulk_people(ids, action, value).await {
                Ok(outcome) => on_done.run(outcome.message(action, &label)),
                Err(error) => {
                    busy.set(false);
                    confirming.set(false);
                    let field = error.field().unwrap_or_default().to_owned();
                    let message = match error {
                        AppError::NotFound => "Some of the selected people are no longer in this \
                            workspace; someone may have deleted them. Nothing was changed: reload \
                            the list and select again."
                            .to_owned(),
                        other => other.to_string(),
                    };
                    match field.as_str() {
                        "tag" => focus_by_id("bulk-tag"),
                        "owner" => focus_by_id("bulk-owner"),
                        _ => {}
                    }
                    problem.set(Some((field, message)));
                }
            }
        });
    };
    let add_tag = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = tag.get_untracked().trim().to_owned();
        if typed.is_empty() {
            problem.set(Some(("tag".to_owned(), "Type the tag to add.".to_owned())));
            focus_by_id("bulk-tag");
            return;
        }
        run(BulkAction::AddTag, typed.clone(), typed);
    };
    let set_owner = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = owner.get_untracked();
        let (value, label) = match chosen.as_str() {
            "" => {
                problem.set(Some((
                    "owner".to_owned(),
                    "Choose the new owner.".to_owned(),
                )));
                focus_by_id("bulk-owner");
                return;
            }
            "-" => (String::new(), "nobody".to_owned()),
            id => (
                id.to_owned(),
                members.with_value(|members| {
                    members
                        .iter()
                        .find(|m| m.id.to_string() == id)
                        .map(|m| m.name.clone())
                        .unwrap_or_default()
                }),
            ),
        };
        run(BulkAction::SetOwner, value, label);
    };
    let ask = move |_| {
        if count() == 0 {
            problem.set(Some((
                String::new(),
                "Select at least one person first, with the boxes in the first column.".to_owned(),
            )));
            return;
        }
        problem.set(None);
        confirming.set(true);
        request_animation_frame(|| focus_by_id(CONFIRM_CANCEL_ID));
    };
    let cancel = move || {
        confirming.set(false);
        request_animation_frame(|| focus_by_id("bulk-delete"));
    };
    let problem_of = move |control: &'static str| {
        move || problem.with(|p| p.as_ref().is_some_and(|(field, _)| field == control))
    };
    view! {
        <section class="people__bulk js-only" aria-labelledby="bulk-title">
            <h2 id="bulk-title" class="people__bulk-title">"Change the selected people"</h2>
            <p class="people__bulk-count" aria-live="polite">
                {move || match count() {
                    0 => "Nobody selected. Tick the people to change in the first column.".to_owned(),
                    n => format!("{} selected.", people_count(n)),
                }}
            </p>
            <div class="people__bulk-actions">
                <form class="people__bulk-form" on:submit=add_tag>
                    <div class="field">
                        <label for="bulk-tag">"Tag to add"</label>
                        <input
                            id="bulk-tag"
                            type="text"
                            disabled=move || !ready.get()
                            autocomplete="off"
                            maxlength=TAG_MAX_CHARS.to_string()
                            prop:value=move || tag.get()
                            aria-invalid=move || problem_of("tag")().then_some("true")
                            aria-describedby=move || problem_of("tag")().then_some("bulk-problem")
                            on:input:target=move |ev| tag.set(ev.target().value())
                        />
                    </div>
                    <button type="submit" class="button" disabled=move || !idle()>"Add tag"</button>
                </form>
                <form class="people__bulk-form" on:submit=set_owner>
                    <div class="field">
                        <label for="bulk-owner">"New owner"</label>
                        <select
                            id="bulk-owner"
                            disabled=move || !ready.get()
                            aria-invalid=move || problem_of("owner")().then_some("true")
                            aria-describedby=move || problem_of("owner")().then_some("bulk-problem")
                            on:change:target=move |ev| owner.set(ev.target().value())
                        >
                            <option value="">"Choose\u{2026}"</option>
                            <option value="-">"Nobody"</option>
                            {members.get_value().into_iter().map(|member| {
                                view! { <option value=member.id.to_string()>{member.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button" disabled=move || !idle()>"Change owner"</button>
                </form>
                <button
                    type="button"
                    id="bulk-delete"
                    class="button button--danger"
                    disabled=move || !idle()
                    on:click=ask
                >
                    "Delete\u{2026}"
                </button>
            </div>
            {move || confirming.get().then(|| {
                let n = count();
                view! {
                    <ConfirmDeletion
                        title=format!("Delete {}?", people_count(n))
                        what="Their details, tags and activity"
                        confirm=format!("Delete {}", people_count(n))
                        busy
                        on_confirm=Callback::new(move |()| {
                            run(BulkAction::Delete, String::new(), String::new());
                        })
                        on_cancel=Callback::new(move |()| cancel())
                    />
                }
            })}
            {move || problem.get().map(|(_, message)| view! {
                <p id="bulk-problem" class="field__error" role="alert">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            })}
        </section>
    }
}

/// `/app/people/new`: a plain form POST, so it works before (and without) the WASM.
#[component]
pub fn NewPersonPage() -> impl IntoView {
    view! {
        <NewRecordPage
            title="Add a person"
            class="people-new"
            list_href="/app/people"
            list_name="people"
            form=|state| view! { <NewPersonForm state/> }
        />
    }
}

const NEW_FORM: &str = "new-person";

#[component]
fn NewPersonForm(state: FormState) -> impl IntoView {
    view! {
        <form id=NEW_FORM class="account__form" method="post" action="/app/people/new" novalidate>
            <FormMessages form_id=NEW_FORM state=state.clone()/>
            <TextField form_id=NEW_FORM state=state.clone() name="first_name" label="First name" autocomplete="off"/>
            <TextField form_id=NEW_FORM state=state.clone() name="last_name" label="Last name (optional)" autocomplete="off"/>
            <TextField form_id=NEW_FORM state=state.clone() name="job_title" label="Job title (optional)" autocomplete="off" maxlength=200/>
            <TextField form_id=NEW_FORM state=state.clone() name="company_name" label="Company (optional)" autocomplete="off" maxlength=200/>
            <TextField form_id=NEW_FORM state=state.clone() name="email" label="E-mail (optional)" kind="email" autocomplete="off" maxlength=254/>
            <PhoneField form_id=NEW_FORM state=state.clone()/>
            <TagsField form_id=NEW_FORM state/>
            <button type="submit" class="button">"Add this person"</button>
        </form>
    }
}

/// `/app/people/{id}`: a person, each field editable in the page, and their timeline.
#[component]
pub fn PersonPage() -> impl IntoView {
    view! {
        <RecordPage
            class="person"
            list_href="/app/people"
            list_name="people"
            not_found="Person not found"
            load=load_person
            show=|record, created| view! { <PersonView record created/> }
        />
    }
}

#[component]
fn PersonView(record: PersonRecord, created: bool) -> impl IntoView {
    let PersonRecord {
        person,
        timeline,
        members,
        opportunities,
    } = record;
    let id = person.id;
    let person = RwSignal::new(person);
    let timeline = RwSignal::new(timeline);
    let members = StoredValue::new(members);
    let title = move || person.with(Person::full_name);
    let restored = RwSignal::new(false);
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <p class="record__subtitle">
            {move || {
                let (job_title, name, company) = person
                    .with(|p| (p.job_title.clone(), p.company_name.clone(), p.company_id));
                let separator = (!job_title.is_empty() && !name.is_empty()).then_some(", ");
                let company = (!name.is_empty()).then(|| match company {
                    Some(company) => view! {
                        <A href=format!("/app/companies/{company}")>{name}</A>
                    }
                    .into_any(),
                    None => name.into_any(),
                });
                view! { {job_title}{separator}{company} }
            }}
        </p>
        {created.then(|| view! {
            <p class="form-notice form-notice--ok" role="status">"Person added."</p>
        })}
        <RestoredNotice restored/>
        <section aria-labelledby="details-title" class="person__details">
            <h2 id="details-title">"Details"</h2>
            <dl class="record__fields">
                {PersonField::ALL
                    .into_iter()
                    .map(|field| view! {
                        <EditableField id=id.to_string() field record=person timeline members restored/>
                    })
                    .collect_view()}
            </dl>
        </section>
        <PersonContacts person apply=applier(person, timeline)/>
        <PersonAddresses person apply=applier(person, timeline)/>
        <RelatedOpportunitiesSection related=opportunities noun="this person"/>
        <RecordTasks kind=Kind::People record=id.uuid() timeline/>
        <AddNote id=id.to_string() timeline send=add_person_note/>
        <Timeline timeline label=|name| PersonField::parse(name).map(RecordField::label) noun="this person"/>
        <DeleteRecord
            id=id.to_string()
            name=Signal::derive(title)
            noun="person"
            explained="Deleting a person removes their details, tags and activity from this workspace."
            what="Their details, tags and activity"
            list_href="/app/people"
            delete=delete_person
        />
    }
}

/// Deletes one person: what "Delete this person" on their page does.
async fn delete_person(id: String) -> Result<(), AppError> {
    bulk_people(vec![id], BulkAction::Delete, String::new())
        .await
        .map(|_| ())
}
