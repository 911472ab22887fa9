//! The people pages: the list (`/app/people`), the "Add a person" form (`/app/people/new`) and a
//! person's page (`/app/people/{id}`) with editing in the page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crm_core::bulk::BulkScope;
use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::people::{PeoplePage, PeopleQuery, Person, PersonField, PersonRecord, SORTS};
use crm_core::records::{Kind, ListQuery, ListSort, RecordField};

use super::api::{list_people, load_person};
use super::contacts_pages::{PersonAddresses, PersonContacts, applier};
use crate::form::{FormMessages, TextField};
use crate::layout::{loaded, loading};
use crate::opportunities::RelatedOpportunitiesSection;
use crate::records::{
    AddButton, AddNote, DeleteRecord, EditableField, ExistingRecords, ListFilter, ListNotices,
    ListPages, ListSearch, ListTable, MergeNotices, NewRecordPage, PhoneField, RecordPage,
    RecordTitle, RestoredNotice, Selection, TagsField, TickCell, Timeline, bulk_notice,
    fixed_choices, owner_choices, tag_choices,
};
use crate::tasks::RecordTasks;

fn query_from_url(q: &leptos_router::params::ParamsMap) -> PeopleQuery {
    PeopleQuery {
        q: q.get("q").unwrap_or_default(),
        sort: ListSort::choose(&q.get("sort").unwrap_or_default(), &SORTS),
        tag: q.get("tag").unwrap_or_default(),
        owner: q.get("owner").unwrap_or_default(),
        after: q.get("after").unwrap_or_default(),
        before: q.get("before").unwrap_or_default(),
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
    let (on_done, notice) = bulk_notice(Kind::People.plural(), query, move || data.refetch());
    view! {
        <Title text="People"/>
        <Meta name="robots" content="noindex"/>
        <div class="page people">
            <div class="list__head">
                <h1>"People"</h1>
                <a class="list__aside" href="/app/duplicates">"Possible duplicates"</a>
                <a class="button" href="/app/people/new">"Add a person"</a>
            </div>
            {notice}
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
        place,
        tags,
        members,
        problem,
        search_note,
    } = page;
    let selection = Selection::new(
        Kind::People,
        rows.iter().map(|row| row.id.uuid()),
        members.clone(),
        on_done,
    )
    .beyond_page(BulkScope::People(query.clone()), &place, problem.is_none());
    let selected = selection.selected;
    let searched = !query.q.trim().is_empty();
    let caption = if query.is_filtered() {
        "People matching the search and filters"
    } else {
        "Everyone in this workspace"
    };
    let links = query.page_links(&place);
    // The whole list as it is searched and filtered (not only this page), as a file.
    let list_href = query.at_page(String::new(), String::new()).href();
    let export_href = |extension: &str| {
        format!(
            "/app/people/export.{extension}{}",
            list_href.trim_start_matches("/app/people")
        )
    };
    let (csv_href, vcard_href) = (export_href("csv"), export_href("vcf"));
    let clear_href = query.is_filtered().then_some("/app/people");
    let filtered = searched || query.is_filtered();
    let empty_message = rows.is_empty().then_some(if filtered {
        "No people match this search and these filters."
    } else {
        "No people yet. Add the first one with \u{201c}Add a person\u{201d}."
    });
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
                <ListFilter prefix="people" name="tag" label="Tag" choices=tag_choices(tags) chosen=chosen_tag/>
                <ListFilter prefix="people" name="owner" label="Owner" choices=owner_choices(members) chosen=chosen_owner/>
                <ListFilter prefix="people" name="sort" label="Sort by" choices=fixed_choices(&[("", "Last name"), ("newest", "Newest first")]) chosen=sort.in_url(&SORTS).to_owned()/>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="people" problem note=search_note clear_href/>
        <ListTable prefix="people" caption headers=HEADERS empty=empty_message selection>
            {rows.into_iter().map(|row| view! {
                <tr>
                    <TickCell selected id=row.id.uuid() name=row.name.clone()/>
                    <th scope="row">
                        <a href=format!("/app/people/{}", row.id)>{row.name}</a>
                    </th>
                    <td>{row.email.unwrap_or_default()}</td>
                    <td>{row.phone.unwrap_or_default()}</td>
                    <td>{row.company_name}</td>
                    <td>{row.tags.join(", ")}</td>
                    <td>{row.owner.unwrap_or_default()}</td>
                </tr>
            }).collect_view()}
        </ListTable>
        <ListPages links summary=place.summary()/>
        <p class="list__export">
            {if filtered { "Export the people this search and these filters match: " } else { "Export everyone: " }}
            <a href=csv_href download>"CSV (Excel)"</a>
            " or "
            <a href=vcard_href download>"vCard (address books)"</a>
        </p>
    }
}

/// The list's columns, after the boxes.
const HEADERS: &[&str] = &["Name", "E-mail", "Phone", "Company", "Tags", "Owner"];

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
            <ExistingRecords form_id=NEW_FORM state=state.clone() noun="this person"/>
            <TextField form_id=NEW_FORM state=state.clone() name="first_name" label="First name" autocomplete="off"/>
            <TextField form_id=NEW_FORM state=state.clone() name="last_name" label="Last name (optional)" autocomplete="off"/>
            <TextField form_id=NEW_FORM state=state.clone() name="job_title" label="Job title (optional)" autocomplete="off" maxlength=200/>
            <TextField form_id=NEW_FORM state=state.clone() name="company_name" label="Company (optional)" autocomplete="off" maxlength=200/>
            <TextField form_id=NEW_FORM state=state.clone() name="email" label="E-mail (optional)" kind="email" autocomplete="off" maxlength=254/>
            <PhoneField form_id=NEW_FORM state=state.clone()/>
            <TagsField form_id=NEW_FORM state=state.clone()/>
            <AddButton state label="Add this person"/>
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
        merge,
    } = record;
    let id = person.id;
    let person = RwSignal::new(person);
    let timeline = RwSignal::new(timeline);
    let members = StoredValue::new(members);
    let title = move || person.with(Person::full_name);
    let restored = RwSignal::new(false);
    view! {
        <RecordTitle record=person text=Person::full_name/>
        <h1>{title}</h1>
        <p class="record__subtitle">
            {move || {
                let (job_title, name, company) = person
                    .with(|p| (p.job_title.clone(), p.company_name.clone(), p.company_id));
                let separator = (!job_title.is_empty() && !name.is_empty()).then_some(", ");
                let company = (!name.is_empty()).then(|| match company {
                    Some(company) => view! {
                        <a href=format!("/app/companies/{company}")>{name}</a>
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
        <MergeNotices kind=Kind::People kept=id.to_string() merge/>
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
        <AddNote kind=Kind::People id=id.to_string() timeline/>
        <Timeline timeline label=|name| PersonField::parse(name).map(RecordField::label) noun="this person"/>
        <DeleteRecord
            kind=Kind::People
            id=id.to_string()
            name=Signal::derive(title)
            noun="person"
            explained="Deleting a person removes their details, tags, notes, tasks and activity from this workspace, the leads they were converted from, and their name from the timelines of the opportunities they were part of."
            what="Their details, tags, notes, tasks, activity and the leads they came from"
            list_href="/app/people"
            owner=Signal::derive(move || person.with(|p: &Person| p.owner.as_ref().map(|owner| owner.id)))
        />
    }
}
