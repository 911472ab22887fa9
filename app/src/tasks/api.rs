//! Server functions of the tasks. Each checks the session and works in the session's workspace
//! only; errors answer with their own HTTP status (401, 404, 422).

use leptos::prelude::*;

use crm_core::error::AppError;
use crm_core::records::BulkOutcome;
use crm_core::records::Saved;
use crm_core::tasks::{Task, TaskAbout, TaskBulkAction, TaskField, TaskList, TaskPage, TasksQuery};

use crate::records::RecordApi;

#[cfg(feature = "ssr")]
use crate::member::as_member;

/// The tasks list at `/app/tasks`.
#[server(prefix = "/api", endpoint = "tasks/list")]
pub async fn list_tasks(query: TasksQuery) -> Result<TaskList, AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::list_page(&state.db, &session, &query).await
    })
    .await
}

/// The tasks about a record (a person, company, lead or opportunity), for its page.
#[server(prefix = "/api", endpoint = "tasks/about")]
pub async fn record_tasks(record: String) -> Result<TaskList, AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::about(&state.db, &session, &record).await
    })
    .await
}

/// Adds a task (`about` is the id of a person, company, lead or opportunity, or empty); answers
/// with the task as stored.
#[server(prefix = "/api", endpoint = "tasks/add")]
pub async fn add_task(
    title: String,
    due_on: String,
    assignee: String,
    about: String,
) -> Result<Task, AppError> {
    as_member(|session, state| async move {
        let fields = crm_backend::tasks::service::TaskFields {
            title,
            due_on,
            assignee,
            about,
        };
        crm_backend::tasks::service::add(&state.db, &session, &fields).await
    })
    .await
}

/// Ticks a task done, or open again.
#[server(prefix = "/api", endpoint = "tasks/set-done")]
pub async fn set_task_done(id: String, done: bool) -> Result<Task, AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::set_done(&state.db, &session, &id, done).await
    })
    .await
}

/// A bulk action on the tasks ticked in the list (`value` is the member id to assign them to, or
/// empty for nobody). Every id must be one of this workspace's tasks, or nothing changes and the
/// answer is 404.
#[server(prefix = "/api", endpoint = "tasks/bulk")]
pub async fn bulk_tasks(
    // Absent when none is selected (a form sends no key for an empty list): refused below with
    // a message, not as an unreadable request.
    #[server(default)] ids: Vec<String>,
    action: TaskBulkAction,
    value: String,
) -> Result<BulkOutcome, AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::bulk(&state.db, &session, &ids, action, &value).await
    })
    .await
}

/// A task's page. An id that is not one of this workspace's tasks is "not found".
#[server(prefix = "/api", endpoint = "tasks/load")]
pub async fn load_task(id: String) -> Result<TaskPage, AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::page(&state.db, &session, &id).await
    })
    .await
}

/// Saves one field edited on a task's page; answers with the task as now stored.
#[server(prefix = "/api", endpoint = "tasks/save-field")]
pub async fn save_task_field(
    id: String,
    field: TaskField,
    value: String,
    base: String,
    version: i64,
) -> Result<TaskPage, AppError> {
    as_member(|session, state| async move {
        let edit = crm_backend::tasks::service::TaskEdit {
            task: id,
            field,
            value,
            base,
            version,
        };
        crm_backend::tasks::service::save_field(&state.db, &session, &edit).await
    })
    .await
}

/// Deletes a task, for good.
#[server(prefix = "/api", endpoint = "tasks/delete")]
pub async fn delete_task(id: String) -> Result<(), AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::delete(&state.db, &session, &id).await
    })
    .await
}

/// The records (of any kind) whose name holds `q`, for a task to be about.
#[server(prefix = "/api", endpoint = "tasks/find-about")]
pub async fn find_task_about(q: String) -> Result<Vec<TaskAbout>, AppError> {
    as_member(|session, state| async move {
        crm_backend::tasks::service::find_about(&state.db, &session, &q).await
    })
    .await
}

impl RecordApi for Task {
    async fn save(
        id: String,
        field: TaskField,
        value: String,
        base: String,
        version: i64,
    ) -> Result<Saved<Self>, AppError> {
        let page = save_task_field(id, field, value, base, version).await?;
        Ok(Saved {
            record: page.task,
            timeline: Vec::new(),
        })
    }

    async fn reload(id: String) -> Result<Saved<Self>, AppError> {
        let page = load_task(id).await?;
        Ok(Saved {
            record: page.task,
            timeline: Vec::new(),
        })
    }
}
