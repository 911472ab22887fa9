//! The companies pages: the list (`/app/companies`), the "Add a company" form
//! (`/app/companies/new`) and a company's page (`/app/companies/{id}`) with its people and
//! editing in the page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crm_core::bulk::BulkScope;
use crm_core::companies::{
    CompaniesPage, CompaniesQuery, Company, CompanyField, CompanyPerson, CompanyRecord, SORTS,
};

use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::records::{Kind, ListQuery, ListSort, RecordField};

use super::api::{list_companies, load_company};
use crate::form::{FormMessages, TextField};
use crate::layout::{loaded, loading};
use crate::opportunities::RelatedOpportunitiesSection;
use crate::records::{
    AddButton, AddNote, DeleteRecord, EditableField, ExistingRecords, ListFilter, ListNotices,
    ListPages, ListSearch, ListTable, MergeNotices, NewRecordPage, PhoneField, RecordPage,
    RecordTitle, RestoredNotice, Selection, TagsField, TickCell, Timeline, bulk_notice,
    owner_choices, tag_choices,
};
use crate::tasks::RecordTasks;

/// `/app/companies`: the workspace's companies, searched, filtered and sorted as the URL says.
#[component]
pub fn CompaniesListPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| {
        url.with(|q| CompaniesQuery {
            q: q.get("q").unwrap_or_default(),
            sort: q.get("sort").unwrap_or_default(),
            tag: q.get("tag").unwrap_or_default(),
            owner: q.get("owner").unwrap_or_default(),
            after: q.get("after").unwrap_or_default(),
            before: q.get("before").unwrap_or_default(),
        })
    });
    let data = Resource::new_blocking(
        move || query.get(),
        |query| async move {
            list_companies(query)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let (on_done, notice) = bulk_notice(Kind::Companies.plural(), query, move || data.refetch());
    view! {
        <Title text="Companies"/>
        <Meta name="robots" content="noindex"/>
        <div class="page companies">
            <div class="list__head">
                <h1>"Companies"</h1>
                <a class="list__aside" href="/app/duplicates">"Possible duplicates"</a>
                <a class="button" href="/app/companies/new">"Add a company"</a>
            </div>
            {notice}
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let query = query.get();
                    loaded(data.await, move |page| {
                        view! { <CompaniesList page query on_done/> }.into_any()
                    })
                })}
            </Transition>
        </div>
    }
}

#[component]
fn CompaniesList(
    page: CompaniesPage,
    query: CompaniesQuery,
    on_done: Callback<String>,
) -> impl IntoView {
    let CompaniesPage {
        rows,
        place,
        tags,
        members,
        problem,
        search_note,
    } = page;
    let selection = Selection::new(
        Kind::Companies,
        rows.iter().map(|row| row.id.uuid()),
        members.clone(),
        on_done,
    )
    .beyond_page(
        BulkScope::Companies(query.clone()),
        &place,
        problem.is_none(),
    );
    let selected = selection.selected;
    let filtered = query.is_filtered();
    let clear_href = filtered.then_some("/app/companies");
    let links = query.page_links(&place);
    let has_problem = problem.is_some();
    let sort = ListSort::choose(&query.sort, &SORTS);
    let caption = sort.caption(if filtered {
        "Companies matching the search and filters"
    } else {
        "Every company in this workspace"
    });
    let empty_message = rows.is_empty().then_some(if filtered {
        "No companies match this search and these filters."
    } else {
        "No companies yet. Add the first one with \u{201c}Add a company\u{201d}."
    });
    let sort = sort.in_url(&SORTS).to_owned();
    let CompaniesQuery {
        q,
        tag: chosen_tag,
        owner: chosen_owner,
        ..
    } = query;
    view! {
        <div class="list__filters" role="search" aria-label="Search and filter companies">
            <Form method="GET" action="/app/companies">
                <ListSearch prefix="companies" value=q hint="Part of a name, web domain, phone number or place." problem=has_problem/>
                <ListFilter prefix="companies" name="sort" label="Sort by" choices=ListSort::choices(&SORTS) chosen=sort/>
                <ListFilter prefix="companies" name="tag" label="Tag" choices=tag_choices(tags) chosen=chosen_tag/>
                <ListFilter prefix="companies" name="owner" label="Owner" choices=owner_choices(members) chosen=chosen_owner/>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="companies" problem note=search_note clear_href/>
        <ListTable prefix="companies" caption headers=HEADERS empty=empty_message selection>
            {rows.into_iter().map(|row| view! {
                <tr>
                    <TickCell selected id=row.id.uuid() name=row.name.clone()/>
                    <th scope="row">
                        <a href=format!("/app/companies/{}", row.id)>{row.name}</a>
                    </th>
                    <td>{row.domain.unwrap_or_default()}</td>
                    <td>{row.place}</td>
                    <td>{row.people}</td>
                    <td>{row.tags.join(", ")}</td>
                    <td>{row.owner.unwrap_or_default()}</td>
                </tr>
            }).collect_view()}
        </ListTable>
        <ListPages links summary=place.summary()/>
    }
}

/// `/app/companies/new`: a plain form POST, so it works before (and without) the WASM.
#[component]
pub fn NewCompanyPage() -> impl IntoView {
    view! {
        <NewRecordPage
            title="Add a company"
            class="companies-new"
            list_href="/app/companies"
            list_name="companies"
            form=|state| view! { <NewCompanyForm state/> }
        />
    }
}

/// The list's columns.
const HEADERS: &[&str] = &["Name", "Web domain", "Place", "People", "Tags", "Owner"];

const NEW_FORM: &str = "new-company";

#[component]
fn NewCompanyForm(state: FormState) -> impl IntoView {
    view! {
        <form id=NEW_FORM class="account__form" method="post" action="/app/companies/new" novalidate>
            <FormMessages form_id=NEW_FORM state=state.clone()/>
            <ExistingRecords form_id=NEW_FORM state=state.clone() noun="this company"/>
            <p class="field__hint">
                "People whose company has this name become its people; they can be added later too."
            </p>
            <TextField form_id=NEW_FORM state=state.clone() name="name" label="Name" autocomplete="off" maxlength=100/>
            <TextField form_id=NEW_FORM state=state.clone() name="domain" label="Web domain (optional)" autocomplete="off" hint="Like example.com." maxlength=253/>
            <PhoneField form_id=NEW_FORM state=state.clone()/>
            <TextField form_id=NEW_FORM state=state.clone() name="city" label="City (optional)" autocomplete="off" maxlength=200/>
            <TextField form_id=NEW_FORM state=state.clone() name="country" label="Country (optional)" autocomplete="off" maxlength=200/>
            <TagsField form_id=NEW_FORM state=state.clone()/>
            <AddButton state label="Add this company"/>
        </form>
    }
}

/// `/app/companies/{id}`: a company, each field editable in the page, its people and its
/// timeline.
#[component]
pub fn CompanyPage() -> impl IntoView {
    view! {
        <RecordPage
            class="company"
            list_href="/app/companies"
            list_name="companies"
            not_found="Company not found"
            load=load_company
            show=|record, created| view! { <CompanyView record created/> }
        />
    }
}

#[component]
fn CompanyView(record: CompanyRecord, created: bool) -> impl IntoView {
    let CompanyRecord {
        company,
        people,
        people_count,
        timeline,
        members,
        opportunities,
        merge,
    } = record;
    let id = company.id;
    let company = RwSignal::new(company);
    let timeline = RwSignal::new(timeline);
    let members = StoredValue::new(members);
    let restored = RwSignal::new(false);
    let title = move || company.with(|c: &Company| c.name.clone());
    view! {
        <RecordTitle record=company text=|c: &Company| c.name.clone()/>
        <h1>{title}</h1>
        {created.then(|| view! {
            <p class="form-notice form-notice--ok" role="status">"Company added."</p>
        })}
        <MergeNotices kind=Kind::Companies kept=id.to_string() merge/>
        <RestoredNotice restored/>
        <section aria-labelledby="details-title">
            <h2 id="details-title">"Details"</h2>
            <dl class="record__fields">
                {CompanyField::ALL
                    .into_iter()
                    .map(|field| view! {
                        <EditableField id=id.to_string() field record=company timeline members restored/>
                    })
                    .collect_view()}
            </dl>
        </section>
        <CompanyPeople people count=people_count/>
        <RelatedOpportunitiesSection
            related=opportunities
            noun="this company"
            all_href=company.with_untracked(|c| crm_core::opportunities::OpportunitiesQuery {
                q: c.name.clone(),
                ..Default::default()
            }.href())
        />
        <RecordTasks kind=Kind::Companies record=id.uuid() timeline/>
        <AddNote kind=Kind::Companies id=id.to_string() timeline/>
        <Timeline timeline label=|name| CompanyField::parse(name).map(RecordField::label) noun="this company"/>
        <DeleteRecord
            kind=Kind::Companies
            id=id.to_string()
            name=Signal::derive(title)
            noun="company"
            explained="Deleting a company removes its details, tags, notes and activity from this workspace. Its people, leads and opportunities stay, without the link to it."
            what="Its details, tags, notes and activity"
            list_href="/app/companies"
            owner=Signal::derive(move || company.with(|c: &Company| c.owner.as_ref().map(|owner| owner.id)))
        />
    }
}

/// The people who work at the company, by name.
#[component]
fn CompanyPeople(people: Vec<CompanyPerson>, count: i64) -> impl IntoView {
    let shown = people.len();
    view! {
        <section aria-labelledby="company-people-title" class="company__people">
            <h2 id="company-people-title">"People"</h2>
            {if people.is_empty() {
                view! {
                    <p class="record__empty">
                        "No people work at this company yet. Everyone whose company is this company's name is listed here."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <ul class="company__people-list">
                        {people.into_iter().map(|person| view! {
                            <li>
                                <a href=format!("/app/people/{}", person.id)>{person.name}</a>
                                {(!person.job_title.is_empty()).then(|| format!(", {}", person.job_title))}
                            </li>
                        }).collect_view()}
                    </ul>
                    {(count > shown as i64).then(|| view! {
                        <p>{format!("The first {shown} of {count} people, by last name.")}</p>
                    })}
                }
                .into_any()
            }}
        </section>
    }
}
