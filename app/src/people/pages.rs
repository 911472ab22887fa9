//! The people pages: the list (`/app/people`), the "Add a person" form (`/app/people/new`) and a
//! person's page (`/app/people/{id}`) with editing in the page.

use gloo_storage::Storage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::api::{
    add_person_note, bulk_people, list_people, load_person, new_person_form, save_person_field,
};
use super::model::{
    BulkAction, FieldInput, MemberOption, NOTE_MAX_CHARS, PeoplePage, PeopleQuery, PeopleSort,
    Person, PersonField, PersonId, PersonRecord, TAG_MAX_CHARS, TimelineEntry, TimelineEvent,
    check_note, people_count,
};
use crate::accounts::form::{FormMessages, TextField};
use crate::accounts::model::FormState;
use crate::clock::utc_time;
use crate::error::AppError;
use crate::layout::{error_alert, focus_by_id, loaded, loading, use_hydrated};
use crate::tasks::PersonTasks;

/// Local-storage key of unsaved edits on people's pages.
pub const PERSON_DRAFT_KEY: &str = "candor_person_drafts";

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
            <div class="people__head">
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
    let clear_href = query.is_filtered().then(|| "/app/people".to_owned());
    let filtered = searched || query.is_filtered();
    let described_by = if problem.is_some() {
        "people-q-hint people-problem"
    } else {
        "people-q-hint"
    };
    let PeopleQuery {
        q,
        sort,
        tag: chosen_tag,
        owner: chosen_owner,
        ..
    } = query;
    view! {
        <div class="people__filters" role="search" aria-label="Search and filter people">
            <Form method="GET" action="/app/people">
                <div class="field people__search">
                    <label for="people-q">"Search"</label>
                    <input
                        id="people-q"
                        name="q"
                        type="search"
                        value=q
                        maxlength="100"
                        aria-describedby=described_by
                    />
                    <p id="people-q-hint" class="field__hint">"Part of a name, e-mail address, phone number or company."</p>
                </div>
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
        {problem.map(|message| view! {
            <p id="people-problem" class="form-notice form-notice--error" role="alert">{message}</p>
        })}
        {clear_href.map(|href| view! { <p><a href=href>"Clear the search and filters"</a></p> })}
        {if empty {
            view! {
                <p class="people__empty" role="status">
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
                    <table class="people__table">
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
        <nav class="people__pages" aria-label="Pages of the list">
            {first_href.map(|href| view! { <a href=href>"First page"</a> })}
            {next_href.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
        </nav>
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

/// The id of "Cancel" in [`ConfirmDeletion`], which has the focus when it opens.
const CONFIRM_CANCEL_ID: &str = "confirm-cancel";

/// A deletion asked for in the page before it is done: what goes, that it cannot be undone, the
/// button that deletes and "Cancel" (focused first, as is Escape).
#[component]
fn ConfirmDeletion(
    title: String,
    confirm: String,
    busy: RwSignal<bool>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div
            class="confirm-deletion"
            role="alertdialog"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-text"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    on_cancel.run(());
                }
            }
        >
            <p id="confirm-title" class="confirm-deletion__title">{title}</p>
            <p id="confirm-text">
                "Their details, tags and activity are deleted for good. This cannot be undone."
            </p>
            <button
                type="button"
                class="button button--danger"
                disabled=move || busy.get()
                on:click=move |_| on_confirm.run(())
            >
                {confirm}
            </button>
            " "
            <button
                type="button"
                id=CONFIRM_CANCEL_ID
                class="button button--quiet"
                on:click=move |_| on_cancel.run(())
            >
                "Cancel"
            </button>
        </div>
    }
}

/// `/app/people/new`: a plain form POST, so it works before (and without) the WASM.
#[component]
pub fn NewPersonPage() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            new_person_form()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Title text="Add a person"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow people-new">
            <p><a href="/app/people">"Back to people"</a></p>
            <h1>"Add a person"</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |state| view! { <NewPersonForm state/> }.into_any())
                })}
            </Suspense>
        </div>
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
            <TextField
                form_id=NEW_FORM
                state=state.clone()
                name="phone"
                label="Phone (optional)"
                kind="tel"
                autocomplete="off"
                hint="With the country code, for example +44 20 7946 0958."
                maxlength=30
            />
            <TextField
                form_id=NEW_FORM
                state=state
                name="tags"
                label="Tags (optional)"
                autocomplete="off"
                hint="Separate tags with commas."
                maxlength=500
            />
            <button type="submit" class="button">"Add this person"</button>
        </form>
    }
}

/// `/app/people/{id}`: a person, each field editable in the page, and their timeline.
#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            load_person(id)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let url = use_query_map();
    let created = move || url.with(|q| q.get("created").is_some());
    view! {
        <Meta name="robots" content="noindex"/>
        <div class="page person">
            <p><a href="/app/people">"Back to people"</a></p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let created = created();
                    match data.await {
                        Ok(record) => view! { <PersonView record created/> }.into_any(),
                        Err(error) => view! {
                            <Title text="Person not found"/>
                            <h1>"Person not found"</h1>
                            {error_alert(&error)}
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// An edit not yet saved, kept in local storage so a reload does not lose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct FieldDraft {
    person: PersonId,
    field: PersonField,
    value: String,
    base: String,
}

fn read_drafts() -> Vec<FieldDraft> {
    gloo_storage::LocalStorage::get::<Vec<FieldDraft>>(PERSON_DRAFT_KEY).unwrap_or_default()
}

fn write_draft(draft: FieldDraft) {
    let mut drafts = read_drafts();
    drafts.retain(|d| !(d.person == draft.person && d.field == draft.field));
    drafts.push(draft);
    // A full or disabled storage only means no draft: the page works on.
    let _ = gloo_storage::LocalStorage::set(PERSON_DRAFT_KEY, drafts);
}

fn discard_draft(person: PersonId, field: PersonField) {
    let mut drafts = read_drafts();
    drafts.retain(|d| !(d.person == person && d.field == field));
    if drafts.is_empty() {
        gloo_storage::LocalStorage::delete(PERSON_DRAFT_KEY);
    } else {
        let _ = gloo_storage::LocalStorage::set(PERSON_DRAFT_KEY, drafts);
    }
}

#[component]
fn PersonView(record: PersonRecord, created: bool) -> impl IntoView {
    let PersonRecord {
        person,
        timeline,
        members,
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
        <p class="person__subtitle">
            {move || person.with(|p| {
                [p.job_title.as_str(), p.company_name.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })}
        </p>
        {created.then(|| view! {
            <p class="form-notice form-notice--ok" role="status">"Person added."</p>
        })}
        {move || restored.get().then(|| view! {
            <p class="form-notice form-notice--warning" role="status">
                "We brought back an edit you had not saved. Save it, or press Cancel to discard it."
            </p>
        })}
        <section aria-labelledby="details-title" class="person__details">
            <h2 id="details-title">"Details"</h2>
            <dl class="person__fields">
                {PersonField::ALL
                    .into_iter()
                    .map(|field| view! {
                        <EditableField id field person timeline members restored/>
                    })
                    .collect_view()}
            </dl>
        </section>
        <PersonTasks person=id timeline/>
        <AddNote id timeline/>
        <section aria-labelledby="timeline-title" class="person__timeline">
            <h2 id="timeline-title">"Activity"</h2>
            {move || timeline.with(Vec::is_empty).then(|| view! {
                <p class="person__empty">"No activity recorded yet."</p>
            })}
            <ol class="timeline">
                <For each=move || timeline.get() key=|entry| (entry.at, format!("{:?}", entry.event)) let:entry>
                    <TimelineItem entry/>
                </For>
            </ol>
        </section>
        <DeletePerson id name=Signal::derive(title)/>
    }
}

/// "Delete this person", asked for in the page; afterwards the list is shown.
#[component]
fn DeletePerson(id: PersonId, name: Signal<String>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let ready = use_hydrated();
    // Kept in the arena: the navigate function is neither Send nor Sync, a callback must be.
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let delete = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match bulk_people(vec![id.to_string()], BulkAction::Delete, String::new()).await {
                Ok(_) => navigate.with_value(|go| go("/app/people", Default::default())),
                Err(error) => {
                    busy.set(false);
                    confirming.set(false);
                    problem.set(Some(error.to_string()));
                }
            }
        });
    });
    let cancel = Callback::new(move |()| {
        confirming.set(false);
        request_animation_frame(|| focus_by_id("person-delete"));
    });
    view! {
        <section aria-labelledby="delete-title" class="person__delete js-only">
            <h2 id="delete-title">"Delete"</h2>
            <p>"Deleting a person removes their details, tags and activity from this workspace."</p>
            <button
                type="button"
                id="person-delete"
                class="button button--danger"
                disabled=move || !ready.get()
                on:click=move |_| {
                    confirming.set(true);
                    request_animation_frame(|| focus_by_id(CONFIRM_CANCEL_ID));
                }
            >
                "Delete this person\u{2026}"
            </button>
            {move || confirming.get().then(|| view! {
                <ConfirmDeletion
                    title=format!("Delete {}?", name.get_untracked())
                    confirm="Delete this person".to_owned()
                    busy
                    on_confirm=delete
                    on_cancel=cancel
                />
            })}
            {move || problem.get().map(|message| view! {
                <p class="field__error" role="alert">{message}</p>
            })}
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let who = entry.actor.unwrap_or_else(|| "A former member".to_owned());
    let quoted = |value: &str| {
        if value.is_empty() {
            "(empty)".to_owned()
        } else {
            format!("\u{201c}{value}\u{201d}")
        }
    };
    let (what, note) = match entry.event {
        TimelineEvent::Created => (format!("{who} added this person."), None),
        TimelineEvent::Changed { field, old, new } => {
            let label = PersonField::parse(&field).map_or("a field", PersonField::label);
            (
                format!(
                    "{who} changed {} from {} to {}.",
                    label.to_lowercase(),
                    quoted(&old),
                    quoted(&new)
                ),
                None,
            )
        }
        TimelineEvent::Note { body } => (format!("{who} wrote a note:"), Some(body)),
        TimelineEvent::TaskAdded { title, due } => (
            match due {
                Some(due) => format!("{who} added the task {}, due {due}.", quoted(&title)),
                None => format!("{who} added the task {}.", quoted(&title)),
            },
            None,
        ),
        TimelineEvent::TaskDone { title } => (
            format!("{who} ticked the task {} done.", quoted(&title)),
            None,
        ),
    };
    view! {
        <li class="timeline__entry">
            <span>{what}</span>
            " "
            <span class="timeline__time">{utc_time(entry.at)}</span>
            {note.map(|body| view! { <blockquote class="timeline__note">{body}</blockquote> })}
        </li>
    }
}

/// "Add a note": written into the person's timeline without leaving the page.
#[component]
fn AddNote(id: PersonId, timeline: RwSignal<Vec<TimelineEntry>>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let added = RwSignal::new(false);
    let ready = use_hydrated();
    let send = move || {
        if busy.get_untracked() {
            return;
        }
        let typed = body.get_untracked();
        if let Err(message) = check_note(&typed) {
            error.set(Some(message));
            focus_by_id("note-body");
            return;
        }
        busy.set(true);
        error.set(None);
        added.set(false);
        leptos::task::spawn_local(async move {
            match add_person_note(id.to_string(), typed).await {
                Ok(entries) => {
                    timeline.set(entries);
                    body.set(String::new());
                    added.set(true);
                }
                Err(problem) => {
                    error.set(Some(problem.to_string()));
                    focus_by_id("note-body");
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="note-title" class="person__note js-only">
            <h2 id="note-title">"Add a note"</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                send();
            }>
                <div class="field">
                    <label for="note-body">"Note"</label>
                    <textarea
                        id="note-body"
                        rows="3"
                        disabled=move || !ready.get()
                        maxlength=NOTE_MAX_CHARS.to_string()
                        aria-describedby=move || {
                            if error.with(Option::is_some) { "note-hint note-error" } else { "note-hint" }
                        }
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        prop:value=move || body.get()
                        on:input:target=move |ev| {
                            body.set(ev.target().value());
                            added.set(false);
                        }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                                ev.prevent_default();
                                send();
                            }
                        }
                    ></textarea>
                    <p id="note-hint" class="field__hint">"Ctrl+Enter adds the note too."</p>
                    {move || error.get().map(|message| view! {
                        <p id="note-error" class="field__error" role="alert">
                            <span class="visually-hidden">"Error: "</span>
                            {message}
                        </p>
                    })}
                </div>
                <button type="submit" class="button" disabled=move || busy.get() || !ready.get()>
                    "Add note"
                </button>
                " "
                <span role="status">{move || added.get().then_some("Note added to the activity.")}</span>
            </form>
        </section>
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum EditState {
    Showing,
    Editing,
    Saving,
}

/// One field of a person: shown, and editable in place. Enter (or Save) stores it, Escape (or
/// Cancel) leaves it as it was; the new value shows at once and goes back if the server refuses,
/// with the reason beside the field.
#[component]
fn EditableField(
    id: PersonId,
    field: PersonField,
    person: RwSignal<Person>,
    timeline: RwSignal<Vec<TimelineEntry>>,
    members: StoredValue<Vec<MemberOption>>,
    restored: RwSignal<bool>,
) -> impl IntoView {
    let state = RwSignal::new(EditState::Showing);
    let value = RwSignal::new(String::new());
    let base = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input_id = format!("person-{}", field.name());
    let edit_button_id = format!("person-{}-edit", field.name());
    let error_id = format!("person-{}-error", field.name());
    let hint_id = format!("person-{}-hint", field.name());

    // In the browser, once: an edit a reload would have lost comes back.
    {
        let input_id = input_id.clone();
        Effect::new(move |_| {
            if let Some(draft) = read_drafts()
                .into_iter()
                .find(|d| d.person == id && d.field == field)
            {
                value.set(draft.value);
                base.set(draft.base);
                state.set(EditState::Editing);
                restored.set(true);
                let input_id = input_id.clone();
                request_animation_frame(move || focus_by_id(&input_id));
            }
        });
    }

    let start = {
        let input_id = input_id.clone();
        move |_| {
            let current = person.with_untracked(|p| p.value(field));
            value.set(current.clone());
            base.set(current);
            error.set(None);
            state.set(EditState::Editing);
            let input_id = input_id.clone();
            request_animation_frame(move || focus_by_id(&input_id));
        }
    };
    let finish = {
        let edit_button_id = edit_button_id.clone();
        move || {
            state.set(EditState::Showing);
            error.set(None);
            discard_draft(id, field);
            let edit_button_id = edit_button_id.clone();
            request_animation_frame(move || focus_by_id(&edit_button_id));
        }
    };
    let cancel = {
        let finish = finish.clone();
        move || finish()
    };
    let save = {
        let finish = finish.clone();
        let input_id = input_id.clone();
        move || {
            if state.get_untracked() == EditState::Saving {
                return;
            }
            let typed = value.get_untracked();
            if let Err(message) = field.check(&typed) {
                error.set(Some(message));
                focus_by_id(&input_id);
                return;
            }
            let before = person.get_untracked();
            // Shown at once; put back if the server refuses.
            person.update(|p| {
                members.with_value(|members| p.set(field, typed.trim().to_owned(), members));
            });
            state.set(EditState::Saving);
            let finish = finish.clone();
            let input_id = input_id.clone();
            leptos::task::spawn_local(async move {
                let result = save_person_field(
                    id,
                    field,
                    typed.clone(),
                    base.get_untracked(),
                    before.version,
                )
                .await;
                match result {
                    Ok(record) => {
                        person.set(record.person);
                        timeline.set(record.timeline);
                        restored.set(false);
                        finish();
                    }
                    Err(problem) => {
                        person.set(before);
                        if let AppError::Conflict(_) = problem {
                            // Their value is now the one to replace, knowingly.
                            if let Ok(record) = load_person(id.to_string()).await {
                                base.set(record.person.value(field));
                                person.set(record.person);
                                timeline.set(record.timeline);
                            }
                        }
                        error.set(Some(problem.to_string()));
                        state.set(EditState::Editing);
                        focus_by_id(&input_id);
                    }
                }
            });
        }
    };
    let on_key = {
        let save = save.clone();
        let cancel = cancel.clone();
        move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                save();
            }
            "Escape" => {
                ev.prevent_default();
                cancel();
            }
            _ => {}
        }
    };
    let on_input = move |new: String| {
        value.set(new.clone());
        error.set(None);
        write_draft(FieldDraft {
            person: id,
            field,
            value: new,
            base: base.get_untracked(),
        });
    };
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if field.hint().is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };

    let label_id = format!("person-{}-label", field.name());
    let input = {
        let input_id = input_id.clone();
        let label_id = label_id.clone();
        move || {
            let input_id = input_id.clone();
            let label_id = label_id.clone();
            let on_key = on_key.clone();
            let described_by = described_by.clone();
            match field.input() {
                FieldInput::Text {
                    kind,
                    autocomplete,
                    max_chars,
                } => view! {
                    <input
                        id=input_id
                        aria-labelledby=label_id
                        name=field.name()
                        type=kind
                        autocomplete=autocomplete
                        maxlength=max_chars.to_string()
                        prop:value=move || value.get()
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=described_by
                        on:input:target=move |ev| on_input(ev.target().value())
                        on:keydown=on_key
                    />
                }
                .into_any(),
                choice => {
                    // Fixed choices, or the workspace's members: (stored value, label).
                    let options: Vec<(String, String)> = match choice {
                        FieldInput::Choice(options) => options
                            .iter()
                            .map(|(stored, label)| ((*stored).to_owned(), (*label).to_owned()))
                            .collect(),
                        _ => std::iter::once((String::new(), "Nobody".to_owned()))
                            .chain(
                                members
                                    .get_value()
                                    .into_iter()
                                    .map(|m| (m.id.to_string(), m.name)),
                            )
                            .collect(),
                    };
                    view! {
                    <select
                        id=input_id
                        aria-labelledby=label_id
                        name=field.name()
                        prop:value=move || value.get()
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=described_by
                        on:change:target=move |ev| on_input(ev.target().value())
                        on:keydown=on_key
                    >
                        {options.into_iter().map(|(stored, label)| {
                            let chosen = stored.clone();
                            view! { <option value=stored selected=move || value.get() == chosen>{label}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any()
                }
            }
        }
    };
    let display = move || {
        let shown = person.with(|p| p.display(field));
        if shown.is_empty() {
            view! { <span class="person__empty">"Not set"</span> }.into_any()
        } else {
            view! { <span>{shown}</span> }.into_any()
        }
    };
    // A memo: the switch between shown and edited re-renders only when it flips, not while saving.
    let editing = Memo::new(move |_| state.get() != EditState::Showing);
    let saving = move || state.get() == EditState::Saving;
    let shower = move || {
        let start = start.clone();
        view! {
            <span class="person__value">{display}</span>
            " "
            <button
                type="button"
                id=edit_button_id.clone()
                class="button button--small button--quiet"
                aria-label=format!("Edit {}", field.label().to_lowercase())
                on:click=start
            >
                "Edit"
            </button>
        }
        .into_any()
    };
    let editor = move || {
        let save = save.clone();
        let cancel = cancel.clone();
        let error_id = error_id.clone();
        view! {
            {input()}
            {field.hint().map(|hint| view! { <p id=hint_id.clone() class="field__hint">{hint}</p> })}
            <span class="person__actions">
                <button type="button" class="button button--small" disabled=saving on:click=move |_| save()>
                    {move || if saving() { "Saving\u{2026}" } else { "Save" }}
                </button>
                <button type="button" class="button button--small button--quiet" on:click=move |_| cancel()>
                    "Cancel"
                </button>
            </span>
            {move || error.get().map(|message| view! {
                <p id=error_id.clone() class="field__error" role="alert">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            })}
        }
        .into_any()
    };
    view! {
        <div class="person__field" class:person__field--editing=editing>
            <dt id=label_id>{field.label()}</dt>
            <dd>{move || if editing.get() { editor() } else { shower() }}</dd>
        </div>
    }
}
