//! `/app/tasks/{id}`: one task, each field edited in place as a record's is (with the same
//! version check and unsaved edits kept as drafts), the record it is about chosen by name, ticked
//! done or open again, and deleted.

use leptos::prelude::*;

use crm_core::records::{Kind, TimelineEntry};
use crm_core::tasks::{Task, TaskAbout, TaskField, TaskPage as TaskData};

use super::api::{delete_task, find_task_about, load_task, save_task_field, set_task_done};
use crate::layout::{focus_by_id, use_hydrated};
use crate::records::{
    CONFIRM_CANCEL_ID, ConfirmDeletion, EditableField, RecordPage, RecordTitle, RestoredNotice,
};

/// `/app/tasks/{id}`.
#[component]
pub fn TaskPage() -> impl IntoView {
    view! {
        <RecordPage
            class="task-page"
            list_href="/app/tasks"
            list_name="tasks"
            not_found="Task not found"
            load=load_task
            show=|data, _created| view! { <TaskView data/> }
        />
    }
}

#[component]
fn TaskView(data: TaskData) -> impl IntoView {
    let TaskData { task, members } = data;
    let id = task.id.to_string();
    let task = RwSignal::new(task);
    // A task has no timeline of its own: its changes show in the record it is about.
    let timeline = RwSignal::new(Vec::<TimelineEntry>::new());
    let members = StoredValue::new(members);
    let restored = RwSignal::new(false);
    view! {
        <RecordTitle record=task text=|t: &Task| t.title.clone()/>
        <h1>{move || task.with(|t| t.title.clone())}</h1>
        <RestoredNotice restored/>
        <section aria-labelledby="details-title">
            <h2 id="details-title">"Details"</h2>
            <dl class="record__fields">
                {TaskField::TYPED
                    .into_iter()
                    .map(|field| view! {
                        <EditableField id=id.clone() field record=task timeline members restored/>
                    })
                    .collect_view()}
                <TaskStatus task/>
            </dl>
        </section>
        <ChooseAbout task/>
        <DeleteTask id/>
    }
    .into_any()
}

/// Whether the task is done, with the button that changes it.
#[component]
fn TaskStatus(task: RwSignal<Task>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let ready = use_hydrated();
    let toggle = move |_| {
        if busy.get_untracked() {
            return;
        }
        let (id, done) = task.with_untracked(|t| (t.id.to_string(), t.done));
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match set_task_done(id, !done).await {
                Ok(saved) => task.set(saved),
                Err(problem) => error.set(Some(problem.to_string())),
            }
            busy.set(false);
        });
    };
    let done = move || task.with(|t| t.done);
    view! {
        <div class="record__field">
            <dt id="task-status-label">"Status"</dt>
            <dd>
                <span class="record__value">
                    {move || if done() { "Done" } else if task.with(|t| t.overdue) { "Open, overdue" } else { "Open" }}
                </span>
                " "
                <button
                    type="button"
                    id="task-status-toggle"
                    class="button button--small button--quiet"
                    disabled=move || !ready.get() || busy.get()
                    on:click=toggle
                >
                    {move || if done() { "Open again" } else { "Mark done" }}
                </button>
                {move || error.get().map(|message| view! {
                    <p class="field__error" role="alert">
                        <span class="visually-hidden">"Error: "</span>
                        {message}
                    </p>
                })}
            </dd>
        </div>
    }
}

/// A record as a result and a status say it: "Ada Lovelace (person)", "Acme (company)".
fn about_words(about: &TaskAbout) -> String {
    match about.kind {
        Kind::People => format!("{} (person)", about.name),
        kind => format!("{} ({})", about.name, kind.noun()),
    }
}

/// The record the task is about, and how to choose another (found by name) or none: a search
/// form whose results are buttons, so that the keyboard alone does it.
#[component]
fn ChooseAbout(task: RwSignal<Task>) -> impl IntoView {
    let ready = use_hydrated();
    let choosing = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<TaskAbout>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<String>);

    let search = move || {
        if busy.get_untracked() {
            return;
        }
        let q = query.get_untracked();
        if let Err(message) = crm_core::tasks::check_find_about(&q) {
            found.set(None);
            error.set(Some(message));
            focus_by_id("task-about-q");
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match find_task_about(q).await {
                Ok(records) => found.set(Some(records)),
                Err(problem) => {
                    found.set(None);
                    error.set(Some(problem.to_string()));
                    focus_by_id("task-about-q");
                }
            }
            busy.set(false);
        });
    };
    let choose = move |record: Option<TaskAbout>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (id, base, version) = task.with_untracked(|t| {
            (
                t.id.to_string(),
                t.about
                    .as_ref()
                    .map(|a| a.id.to_string())
                    .unwrap_or_default(),
                t.version,
            )
        });
        let value = record
            .as_ref()
            .map(|r| r.id.to_string())
            .unwrap_or_default();
        leptos::task::spawn_local(async move {
            match save_task_field(id, TaskField::About, value, base, version).await {
                Ok(saved) => {
                    task.set(saved.task);
                    choosing.set(false);
                    found.set(None);
                    query.set(String::new());
                    said.set(Some(match record {
                        Some(record) => format!("The task is now about {}.", about_words(&record)),
                        None => "The task is now about nothing in particular.".to_owned(),
                    }));
                    request_animation_frame(|| focus_by_id("task-about-change"));
                }
                Err(problem) => {
                    if let Ok(page) = load_task(task.with_untracked(|t| t.id.to_string())).await {
                        task.set(page.task);
                    }
                    error.set(Some(problem.to_string()));
                    focus_by_id("task-about-q");
                }
            }
            busy.set(false);
        });
    };
    let current = move || {
        task.with(|t| t.about.clone()).map_or_else(
            || view! { <span class="record__empty">"Nothing in particular"</span> }.into_any(),
            |about| {
                let noun =
                    (about.kind != Kind::People).then(|| format!("the {} ", about.kind.noun()));
                view! { <span>{noun}<a href=about.href()>{about.name.clone()}</a></span> }
                    .into_any()
            },
        )
    };
    let results = move || {
        found.get().map(|records| {
            if records.is_empty() {
                return view! { <p role="status">"No person, company, lead or opportunity has that in its name."</p> }
                    .into_any();
            }
            let count = records.len();
            view! {
                <p role="status" class="visually-hidden">{format!("{count} found.")}</p>
                <ul class="task-about__found" aria-label="Records found">
                    {records.into_iter().map(|record| {
                        let words = about_words(&record);
                        view! {
                            <li>
                                <button type="button" class="button button--small button--quiet"
                                    disabled=move || busy.get()
                                    on:click=move |_| choose(Some(record.clone()))>
                                    {format!("About {words}")}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    };
    let close = move || {
        choosing.set(false);
        found.set(None);
        error.set(None);
        request_animation_frame(|| focus_by_id("task-about-change"));
    };
    view! {
        <section aria-labelledby="task-about-title" class="task-about">
            <h2 id="task-about-title">"About"</h2>
            <p>
                {current}
                " "
                <button
                    type="button"
                    id="task-about-change"
                    class="button button--small button--quiet"
                    aria-expanded=move || if choosing.get() { "true" } else { "false" }
                    disabled=move || !ready.get()
                    on:click=move |_| {
                        choosing.set(true);
                        said.set(None);
                        request_animation_frame(|| focus_by_id("task-about-q"));
                    }
                >
                    "Change what it is about"
                </button>
            </p>
            <p role="status">{move || said.get()}</p>
            {move || choosing.get().then(|| view! {
                <form
                    class="task-about__search"
                    role="search"
                    aria-label="Find the record the task is about"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        search();
                    }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            close();
                        }
                    }
                >
                    <div class="field">
                        <label for="task-about-q">"Name of a person, company, lead or opportunity"</label>
                        <input
                            id="task-about-q"
                            type="search"
                            autocomplete="off"
                            prop:value=move || query.get()
                            aria-invalid=move || error.with(Option::is_some).then_some("true")
                            aria-describedby=move || if error.with(Option::is_some) { "task-about-hint task-about-error" } else { "task-about-hint" }
                            on:input:target=move |ev| query.set(ev.target().value())
                        />
                        <p id="task-about-hint" class="field__hint">"At least two letters. Escape closes the search."</p>
                        {move || error.get().map(|message| view! {
                            <p id="task-about-error" class="field__error" role="alert">
                                <span class="visually-hidden">"Error: "</span>
                                {message}
                            </p>
                        })}
                    </div>
                    <button type="submit" class="button button--small" disabled=move || busy.get()>"Find"</button>
                    " "
                    <button type="button" class="button button--small button--quiet"
                        disabled=move || busy.get()
                        on:click=move |_| choose(None)>
                        "About nothing in particular"
                    </button>
                    " "
                    <button type="button" class="button button--small button--quiet" on:click=move |_| close()>
                        "Cancel"
                    </button>
                    {results}
                </form>
            })}
        </section>
    }
    .into_any()
}

/// "Delete this task…", asked in the page, then done; the tasks list is shown afterwards.
#[component]
fn DeleteTask(id: String) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let ready = use_hydrated();
    let id = StoredValue::new(id);
    // Made when needed, in this component's owner, as the record pages do (see `DeleteRecord`).
    let owner = Owner::current();
    let on_confirm = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let owner = owner.clone();
        leptos::task::spawn_local(async move {
            match delete_task(id.get_value()).await {
                Ok(()) => {
                    if let Some(owner) = &owner {
                        owner.with(|| {
                            leptos_router::hooks::use_navigate()(
                                "/app/tasks?deleted=1",
                                Default::default(),
                            );
                        });
                    }
                }
                Err(error) => {
                    busy.set(false);
                    confirming.set(false);
                    problem.set(Some(error.to_string()));
                    focus_by_id("task-delete");
                }
            }
        });
    });
    let on_cancel = Callback::new(move |()| {
        confirming.set(false);
        request_animation_frame(|| focus_by_id("task-delete"));
    });
    view! {
        <section aria-labelledby="task-delete-title" class="record__delete js-only">
            <h2 id="task-delete-title">"Delete"</h2>
            <p>"Deleting a task removes it, and its place in the activity of the record it is about."</p>
            <button
                type="button"
                id="task-delete"
                class="button button--danger"
                disabled=move || !ready.get()
                on:click=move |_| {
                    confirming.set(true);
                    request_animation_frame(|| focus_by_id(CONFIRM_CANCEL_ID));
                }
            >
                "Delete this task\u{2026}"
            </button>
            {move || confirming.get().then(|| view! {
                <ConfirmDeletion
                    title="Delete this task?".to_owned()
                    what="The task and its place in the activity"
                    confirm="Delete the task".to_owned()
                    busy
                    on_confirm
                    on_cancel
                />
            })}
            {move || problem.get().map(|message| view! {
                <p class="field__error" role="alert">
                    <span class="visually-hidden">"Error: "</span>
                    {message}
                </p>
            })}
        </section>
    }
}
