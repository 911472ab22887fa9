//! The tasks pages: `/app/tasks`, and the "Tasks" section of a record's page. A task is ticked
//! done (or open again) where it is listed; the change shows at once and goes back if the server
//! refuses it.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crm_core::tasks::{
    TITLE_MAX_CHARS, Task, TaskBulkAction, TaskList, TasksQuery, check_due, check_title,
};

use crm_core::error::AppError;
use crm_core::ids::MemberId;
use crm_core::records::{Kind, ListQuery, MemberOption, TimelineEntry};

use super::api::{add_task, bulk_tasks, list_tasks, record_tasks, set_task_done};
use crate::layout::{focus_by_id, loaded, loading, use_clock, use_hydrated};
use crate::records::ListPages;
use crate::records::api::record_timeline;
use crate::records::{
    BulkProblem, CONFIRM_CANCEL_ID, ConfirmDeletion, ListFilter, ListNotices, ListSearch,
    MemberChoice, bulk_notice, chosen_member, fixed_choices, gone_meanwhile, tick,
};

/// `/app/tasks`: open (or done) tasks, everyone's or the viewer's, as the URL says.
#[component]
pub fn TasksPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| {
        url.with(|q| TasksQuery {
            q: q.get("q").unwrap_or_default(),
            sort: q.get("sort").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            assignee: q.get("assignee").unwrap_or_default(),
            after: q.get("after").unwrap_or_default(),
            before: q.get("before").unwrap_or_default(),
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
    let (on_done, notice) = bulk_notice("tasks", query, move || data.refetch());
    // Back from a task's page after deleting it.
    let deleted = move || url.with(|q| q.get("deleted").is_some());
    view! {
        <Title text="Tasks"/>
        <Meta name="robots" content="noindex"/>
        <div class="page tasks">
            <h1>"Tasks"</h1>
            {move || deleted().then(|| view! {
                <p class="form-notice form-notice--ok" role="status">"Task deleted."</p>
            })}
            {notice}
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let query = query.get();
                    loaded(data.await, move |list| view! { <TasksView list query on_done/> }.into_any())
                })}
            </Transition>
        </div>
    }
}

#[component]
fn TasksView(list: TaskList, query: TasksQuery, on_done: Callback<String>) -> impl IntoView {
    let TaskList {
        tasks,
        place,
        problem,
        search_note,
        members,
        viewer,
    } = list;
    let links = query.page_links(&place);
    let done = query.done();
    let mine = query.mine();
    let newest = query.newest();
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
    let selected = RwSignal::new(Vec::<uuid::Uuid>::new());
    let on_page =
        Signal::derive(move || tasks.with(|tasks| tasks.iter().map(|t| t.id.uuid()).collect()));
    // A task added here joins the list when it is the kind of task the list shows.
    let shows = query.clone();
    let on_added = Callback::new(move |task: Task| {
        if shows.shows(&task, viewer) {
            tasks.update(|tasks| tasks.insert(0, task));
        }
    });
    // Returned as AnyView, as TaskItem, TaskForm, TaskBulkActions and a record's tasks are: with
    // the selection boxes, the list's and a record page's view types nested too deep for the
    // compiler's default query depth.
    view! {
        <div class="tasks__filters" role="search" aria-label="Search and filter tasks">
            <Form method="GET" action="/app/tasks">
                <ListSearch prefix="tasks" value=query.q hint="Part of a task's title." problem=has_problem/>
                <ListFilter prefix="tasks" name="sort" label="Sort by" choices=fixed_choices(&[("", if done { "Latest done" } else { "Soonest due" }), ("newest", "Newest first")]) chosen=(if newest { "newest" } else { "" }).to_owned()/>
                <ListFilter prefix="tasks" name="status" label="Show" choices=fixed_choices(&[("open", "Open tasks"), ("done", "Done tasks")]) chosen=(if done { "done" } else { "open" }).to_owned()/>
                <ListFilter prefix="tasks" name="assignee" label="Assigned to" choices=fixed_choices(&[("", "Anyone"), ("me", "Me")]) chosen=(if mine { "me" } else { "" }).to_owned()/>
                <button type="submit" class="button">"Show"</button>
            </Form>
        </div>
        <ListNotices prefix="tasks" problem note=search_note clear_href/>
        <TaskForm members=members.clone() viewer about=None on_added/>
        <h2 id="tasks-caption">{caption}</h2>
        {move || tasks.with(Vec::is_empty).then(|| view! {
            <p class="tasks__empty">{empty_message}</p>
        })}
        {move || tasks.with(|tasks| !tasks.is_empty()).then(|| view! {
            <TaskBulkActions selected on_page members=members.clone() done on_done/>
        })}
        <ul class="tasks__list" aria-labelledby="tasks-caption">
            <For each=move || tasks.get() key=|task| task.id let:task>
                <TaskItem task show_about=true on_change=Callback::new(|_| ()) selected/>
            </For>
        </ul>
        <ListPages links summary=place.summary()/>
    }
    .into_any()
}

/// One task with its "done" box, its due day (and whether it is overdue, in words), who it is
/// for and, in the workspace's list, whom it is about and a box that selects it for a bulk action.
#[component]
pub fn TaskItem(
    task: Task,
    show_about: bool,
    on_change: Callback<Task>,
    /// The tasks ticked for a bulk action, where the list offers them.
    #[prop(optional)]
    selected: Option<RwSignal<Vec<uuid::Uuid>>>,
) -> impl IntoView {
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
    let due = task.due_label(&use_clock());
    let assignee = assignee.map_or_else(|| "Nobody".to_owned(), |member| member.name);
    let select = selected.map(|selected| {
        let row = id.uuid();
        view! {
            <label class="task__select js-only">
                <input
                    type="checkbox"
                    disabled=move || !ready.get()
                    prop:checked=move || selected.with(|s| s.contains(&row))
                    on:change:target=move |ev| tick(selected, row, ev.target().checked())
                />
                "Select "
                <span class="visually-hidden">{title.clone()}</span>
            </label>
        }
    });
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
                {title.clone()}
            </label>
            " "
            <a href=task.href() class="task__edit">
                "Edit"
                <span class="visually-hidden">{format!(" the task {title}")}</span>
            </a>
            {select}
            <span class="task__meta">
                {move || overdue.get().then(|| view! { <strong class="task__overdue">"Overdue"</strong> " " })}
                {format!("Due: {due}")}
                " \u{b7} "
                {format!("For: {assignee}")}
                {(show_about).then(|| about.map(|about| view! {
                    " \u{b7} About "
                    // A person is named alone; "the company Acme", "the lead Alan Turing".
                    {(about.kind != Kind::People).then(|| format!("the {} ", about.kind.noun()))}
                    <a href=about.href()>{about.name.clone()}</a>
                }))}
            </span>
            {move || error.get().map(|message| view! {
                <p id=format!("task-{id}-error") class="field__error" role="alert">{message}</p>
            })}
        </li>
    }
    .into_any()
}

/// What a bulk action on tasks says when none is ticked.
const SELECT_FIRST: &str = "Select at least one task first, with its \u{201c}Select\u{201d} box.";

/// Assign, tick done (in the open list) or open again (in the done list), or delete the tasks
/// ticked in the list. A deletion asks first, in the page; the outcome goes to `on_done`.
#[component]
fn TaskBulkActions(
    selected: RwSignal<Vec<uuid::Uuid>>,
    /// The tasks on the page, for the box that ticks them all.
    on_page: Signal<Vec<uuid::Uuid>>,
    members: Vec<MemberOption>,
    /// Whether the list is of done tasks.
    done: bool,
    on_done: Callback<String>,
) -> impl IntoView {
    // "" until a member is chosen; "-" is "nobody".
    let assignee = RwSignal::new(String::new());
    // The problem, and whether it is about the choice of member.
    let problem = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let members = StoredValue::new(members);
    let count = move || selected.with(Vec::len);
    let ready = use_hydrated();
    let idle = move || ready.get() && !busy.get();
    let run = move |action: TaskBulkAction, value: String, name: String| {
        if busy.get_untracked() {
            return;
        }
        let ids: Vec<String> =
            selected.with_untracked(|s| s.iter().map(ToString::to_string).collect());
        if ids.is_empty() {
            problem.set(Some((false, SELECT_FIRST.to_owned())));
            return;
        }
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match bulk_tasks(ids, action, value).await {
                Ok(outcome) => on_done.run(action.message(outcome, &name)),
                Err(error) => {
                    busy.set(false);
                    confirming.set(false);
                    let about_assignee = error.field() == Some("assignee");
                    let message = match error {
                        AppError::NotFound => gone_meanwhile("tasks"),
                        other => other.to_string(),
                    };
                    if about_assignee {
                        focus_by_id("tasks-bulk-assignee");
                    }
                    problem.set(Some((about_assignee, message)));
                }
            }
        });
    };
    let assign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen =
            members.with_value(|members| chosen_member(members, &assignee.get_untracked()));
        let Some((value, name)) = chosen else {
            problem.set(Some((true, "Choose whom to assign them to.".to_owned())));
            focus_by_id("tasks-bulk-assignee");
            return;
        };
        run(TaskBulkAction::Assign, value, name);
    };
    let (tick_action, tick_label) = if done {
        (TaskBulkAction::Reopen, "Open again")
    } else {
        (TaskBulkAction::Done, "Mark done")
    };
    let ask = move |_| {
        if count() == 0 {
            problem.set(Some((false, SELECT_FIRST.to_owned())));
            return;
        }
        problem.set(None);
        confirming.set(true);
        request_animation_frame(|| focus_by_id(CONFIRM_CANCEL_ID));
    };
    let cancel = move || {
        confirming.set(false);
        request_animation_frame(|| focus_by_id("tasks-bulk-delete"));
    };
    let assignee_problem = move || problem.with(|p| p.as_ref().is_some_and(|(on, _)| *on));
    let all_ticked = move || {
        on_page.with(|page| {
            !page.is_empty() && selected.with(|s| page.iter().all(|id| s.contains(id)))
        })
    };
    view! {
        <section class="list__bulk js-only" aria-labelledby="tasks-bulk-title">
            <h2 id="tasks-bulk-title" class="list__bulk-title">"Change the selected tasks"</h2>
            <p class="list__bulk-count" aria-live="polite">
                {move || match count() {
                    0 => "No task selected. Tick the tasks to change with their \u{201c}Select\u{201d} boxes.".to_owned(),
                    1 => "1 task selected.".to_owned(),
                    n => format!("{n} tasks selected."),
                }}
            </p>
            <div class="list__bulk-actions">
                <div class="field field--checkbox">
                    <input
                        type="checkbox"
                        id="tasks-tick-all"
                        disabled=move || !ready.get()
                        prop:checked=all_ticked
                        on:change:target=move |ev| {
                            selected.set(if ev.target().checked() { on_page.get_untracked() } else { Vec::new() });
                        }
                    />
                    <label for="tasks-tick-all">"Select every task on this page"</label>
                </div>
                <form class="list__bulk-form" on:submit=assign>
                    <MemberChoice
                        id="tasks-bulk-assignee"
                        label="Assign to"
                        members=members.get_value()
                        choice=assignee
                        invalid=Signal::derive(assignee_problem)
                        problem_id="tasks-bulk-problem"
                    />
                    <button type="submit" class="button" disabled=move || !idle()>"Assign"</button>
                </form>
                <button
                    type="button"
                    class="button"
                    disabled=move || !idle()
                    on:click=move |_| run(tick_action, String::new(), String::new())
                >
                    {tick_label}
                </button>
                <button
                    type="button"
                    id="tasks-bulk-delete"
                    class="button button--danger"
                    disabled=move || !idle()
                    on:click=ask
                >
                    "Delete\u{2026}"
                </button>
            </div>
            {move || confirming.get().then(|| {
                let n = match count() {
                    1 => "1 task".to_owned(),
                    n => format!("{n} tasks"),
                };
                view! {
                    <ConfirmDeletion
                        title=format!("Delete {n}?")
                        what="Their titles, due dates and places in timelines"
                        confirm=format!("Delete {n}")
                        busy
                        on_confirm=Callback::new(move |()| {
                            run(TaskBulkAction::Delete, String::new(), String::new());
                        })
                        on_cancel=Callback::new(move |()| cancel())
                    />
                }
            })}
            <BulkProblem id="tasks-bulk-problem" message=Signal::derive(move || problem.get().map(|(_, message)| message))/>
        </section>
    }
    .into_any()
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
    .into_any()
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
    .into_any()
}
