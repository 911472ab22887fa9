//! The tasks pages: `/app/tasks`, and the "Tasks" section of a record's page. A task is ticked
//! done (or open again) where it is listed; the change shows at once and goes back if the server
//! refuses it.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use super::api::{add_task, list_tasks, record_tasks, set_task_done};
use super::model::{TITLE_MAX_CHARS, Task, TaskList, TasksQuery, check_due, check_title};
use crate::accounts::MemberId;
use crate::error::AppError;
use crate::layout::{focus_by_id, loaded, loading, use_hydrated};
use crate::people::model::{MemberOption, TimelineEntry};
use crate::records::Kind;
use crate::records::ListPages;
use crate::records::ListQuery;
use crate::records::api::record_timeline;
use crate::records::{ListFilter, ListNotices, ListSearch, fixed_choices};

/// `/app/tasks`: open (or done) tasks, everyone's or the viewer's, as the URL says.
#[component]
pub fn TasksPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| {
        url.with(|q| TasksQuery {
            q: q.get("q").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            assignee: q.get("assignee").unwrap_or_default(),
            after: q.get("after").unwrap_or_default(),
        })
    });
    let data = Resource::new_blocking(
        move || query.get(),
        |query| async move {
            list_tasks(query)
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Title text="Tasks"/>
        <Meta name="robots" content="noindex"/>
        <div class="page tasks">
            <h1>"Tasks"</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let query = query.get();
                    loaded(data.await, move |list| view! { <TasksView list query/> }.into_any())
                })}
            </Transition>
        </div>
    }
}

#[component]
fn TasksView(list: TaskList, query: TasksQuery) -> impl IntoView {
    let TaskList {
        tasks,
        next,
        problem,
        members,
        viewer,
    } = list;
    let (first_href, next_href) = query.page_links(next);
    let done = query.done();
    let mine = query.mine();
    let caption = query.caption();
    let clear_href = query.is_filtered().then_some("/app/tasks");
    let has_problem = problem.is_some();
    let empty_message = if query.searched() {
        "No tasks match this search."
    } else if done {
        "No done tasks yet."
    } else {
        "Nothing to do: no open tasks."
    };
    let tasks = RwSignal::new(tasks);
    // A task added here joins the list when it is the kind of task the list shows.
    let shows = query.clone();
    let on_added = Callback::new(move |task: Task| {
        if shows.shows(&task, viewer) {
            tasks.update(|tasks| tasks.insert(0, task));
        }
    });
    view! {
        <div class="tasks__filters" role="search" aria-label="Search and filter tasks">
            <Form method="GET" action="/app/tasks">
                <ListSearch prefix="tasks" value=query.q hint="Part of a task's title." problem=has_problem/>
                <ListFilter prefix="tasks" name="status" label="Show" choices=fixed_choices(&[("open", "Open tasks"), ("done", "Done tasks")]) chosen=(if done { "done" } else { "open" }).to_owned()/>
                <ListFilter prefix="tasks" name="assignee" label="Assigned to" choices=fixed_choices(&[("", "Anyone"), ("me", "Me")]) chosen=(if mine { "me" } else { "" }).to_owned()/>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="tasks" problem clear_href/>
        <TaskForm members viewer about=None on_added/>
        <h2 id="tasks-caption">{caption}</h2>
        {move || tasks.with(Vec::is_empty).then(|| view! {
            <p class="tasks__empty">{empty_message}</p>
        })}
        <ul class="tasks__list" aria-labelledby="tasks-caption">
            <For each=move || tasks.get() key=|task| task.id let:task>
                <TaskItem task show_about=true on_change=Callback::new(|_| ())/>
            </For>
        </ul>
        <ListPages first=first_href next=next_href/>
    }
}

/// One task with its "done" box, its due day (and whether it is overdue, in words), who it is
/// for and, in the workspace's list, whom it is about.
#[component]
pub fn TaskItem(task: Task, show_about: bool, on_change: Callback<Task>) -> impl IntoView {
    let id = task.id;
    let box_id = format!("task-{id}");
    let error_id = format!("task-{id}-error");
    let done = RwSignal::new(task.done);
    let overdue = RwSignal::new(task.overdue);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let ready = use_hydrated();
    let toggle = move |on: bool| {
        if busy.get_untracked() {
            return;
        }
        let before = done.get_untracked();
        done.set(on);
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match set_task_done(id.to_string(), on).await {
                Ok(task) => {
                    done.set(task.done);
                    overdue.set(task.overdue);
                    on_change.run(task);
                }
                Err(problem) => {
                    done.set(before);
                    error.set(Some(problem.to_string()));
                }
            }
            busy.set(false);
        });
    };
    let Task {
        title,
        assignee,
        about,
        ..
    } = task.clone();
    let due = task.due_label();
    let assignee = assignee.map_or_else(|| "Nobody".to_owned(), |member| member.name);
    view! {
        <li class="task" class:task--done=move || done.get()>
            <input
                type="checkbox"
                id=box_id.clone()
                disabled=move || !ready.get()
                prop:checked=move || done.get()
                aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())
                on:change:target=move |ev| toggle(ev.target().checked())
            />
            <label for=box_id class="task__title">
                <span class="visually-hidden">"Done: "</span>
                {title}
            </label>
            <span class="task__meta">
                {move || overdue.get().then(|| view! { <strong class="task__overdue">"Overdue"</strong> " " })}
                {format!("Due: {due}")}
                " \u{b7} "
                {format!("For: {assignee}")}
                {(show_about).then(|| about.map(|about| view! {
                    " \u{b7} About "
                    // A person is named alone; "the company Acme", "the lead Alan Turing".
                    {(about.kind != Kind::People).then(|| format!("the {} ", about.kind.noun()))}
                    <A href=about.href()>{about.name}</A>
                }))}
            </span>
            {move || error.get().map(|message| view! {
                <p id=format!("task-{id}-error") class="field__error" role="alert">{message}</p>
            })}
        </li>
    }
}

/// "Add a task": what, by when and for whom (the viewer unless they choose someone else).
#[component]
fn TaskForm(
    members: Vec<MemberOption>,
    viewer: MemberId,
    about: Option<uuid::Uuid>,
    on_added: Callback<Task>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let assignee = RwSignal::new(viewer.to_string());
    // The field a problem belongs to ("title", "due_on", "assignee" or ""), and the message.
    let problem = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);
    let added = RwSignal::new(None::<String>);
    let ready = use_hydrated();
    let field_problem = move |field: &'static str| {
        move || {
            problem.with(|p| {
                p.as_ref()
                    .filter(|(f, _)| f == field)
                    .map(|(_, message)| message.clone())
            })
        }
    };
    let refuse = move |field: &str, message: String| {
        let input = match field {
            "due_on" => "task-due",
            "assignee" => "task-assignee",
            _ => "task-title",
        };
        problem.set(Some((field.to_owned(), message)));
        focus_by_id(input);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        added.set(None);
        let typed = title.get_untracked();
        if let Err(message) = check_title(&typed) {
            return refuse("title", message);
        }
        if let Err(message) = check_due(&due.get_untracked()) {
            return refuse("due_on", message);
        }
        problem.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = add_task(
                typed,
                due.get_untracked(),
                assignee.get_untracked(),
                about.map(|record| record.to_string()).unwrap_or_default(),
            )
            .await;
            match result {
                Ok(task) => {
                    added.set(Some(format!("Task \u{201c}{}\u{201d} added.", task.title)));
                    title.set(String::new());
                    due.set(String::new());
                    on_added.run(task);
                }
                Err(error) => {
                    let field = error.field().unwrap_or_default().to_owned();
                    refuse(&field, error.to_string());
                }
            }
            busy.set(false);
        });
    };
    let error_view = move |field: &'static str, id: &'static str| {
        move || {
            field_problem(field)().map(|message| {
                view! {
                    <p id=id class="field__error" role="alert">
                        <span class="visually-hidden">"Error: "</span>
                        {message}
                    </p>
                }
            })
        }
    };
    let described =
        move |field: &'static str, id: &'static str| move || field_problem(field)().map(|_| id);
    let invalid = move |field: &'static str| move || field_problem(field)().map(|_| "true");
    view! {
        <section class="task-form js-only" aria-labelledby="task-form-title">
            <h2 id="task-form-title">"Add a task"</h2>
            <form on:submit=submit>
                <div class="task-form__fields">
                    <div class="field task-form__title">
                        <label for="task-title">"What is to be done"</label>
                        <input
                            id="task-title"
                            disabled=move || !ready.get()
                            type="text"
                            autocomplete="off"
                            maxlength=TITLE_MAX_CHARS.to_string()
                            prop:value=move || title.get()
                            aria-invalid=invalid("title")
                            aria-describedby=described("title", "task-title-error")
                            on:input:target=move |ev| title.set(ev.target().value())
                        />
                        {error_view("title", "task-title-error")}
                    </div>
                    <div class="field">
                        <label for="task-due">"Due (optional)"</label>
                        <input
                            id="task-due"
                            disabled=move || !ready.get()
                            type="date"
                            min="2000-01-01"
                            max="2100-12-31"
                            prop:value=move || due.get()
                            aria-invalid=invalid("due_on")
                            aria-describedby=described("due_on", "task-due-error")
                            on:input:target=move |ev| due.set(ev.target().value())
                        />
                        {error_view("due_on", "task-due-error")}
                    </div>
                    <div class="field">
                        <label for="task-assignee">"For"</label>
                        <select
                            id="task-assignee"
                            disabled=move || !ready.get()
                            aria-invalid=invalid("assignee")
                            aria-describedby=described("assignee", "task-assignee-error")
                            on:change:target=move |ev| assignee.set(ev.target().value())
                        >
                            <option value="">"Nobody yet"</option>
                            {members.into_iter().map(|member| {
                                let value = member.id.to_string();
                                let chosen = member.id == viewer;
                                view! { <option value=value selected=chosen>{member.name}</option> }
                            }).collect_view()}
                        </select>
                        {error_view("assignee", "task-assignee-error")}
                    </div>
                    <button type="submit" class="button" disabled=move || busy.get() || !ready.get()>
                        "Add task"
                    </button>
                </div>
                {move || problem.with(|p| {
                    p.as_ref().filter(|(field, _)| field.is_empty()).map(|(_, message)| view! {
                        <p class="field__error" role="alert">{message.clone()}</p>
                    })
                })}
                <p role="status" class="task-form__added">{move || added.get()}</p>
            </form>
        </section>
    }
}

/// The "Tasks" section of a record's page (a person's, company's, lead's or opportunity's): the
/// tasks about it and a form to add one. Adding or ticking one also shows in its timeline.
#[component]
pub fn RecordTasks(
    kind: Kind,
    record: uuid::Uuid,
    timeline: RwSignal<Vec<TimelineEntry>>,
) -> impl IntoView {
    let data = Resource::new(
        move || record,
        |record| async move { record_tasks(record.to_string()).await },
    );
    let refresh_timeline = Callback::new(move |_: Task| {
        leptos::task::spawn_local(async move {
            if let Ok(entries) = record_timeline(record.to_string()).await {
                timeline.set(entries);
            }
        });
    });
    view! {
        <section aria-labelledby="record-tasks-title" class="record__tasks">
            <h2 id="record-tasks-title">"Tasks"</h2>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, move |list| {
                        let tasks = RwSignal::new(list.tasks);
                        let on_added = Callback::new(move |task: Task| {
                            tasks.update(|tasks| tasks.insert(0, task.clone()));
                            refresh_timeline.run(task);
                        });
                        view! {
                            {move || tasks.with(Vec::is_empty).then(|| view! {
                                <p class="record__empty">{format!("No tasks about this {} yet.", kind.noun())}</p>
                            })}
                            <ul class="tasks__list" aria-labelledby="record-tasks-title">
                                <For each=move || tasks.get() key=|task| task.id let:task>
                                    <TaskItem task show_about=false on_change=refresh_timeline/>
                                </For>
                            </ul>
                            <TaskForm
                                members=list.members
                                viewer=list.viewer
                                about=Some(record)
                                on_added
                            />
                        }
                        .into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}
