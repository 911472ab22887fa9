//! What members do with tasks, in the session's workspace only: add one (about one of the
//! workspace's records, for one of its members), tick it done or open again, list them, and
//! assign, tick or delete many at once.

use crm_core::tasks::{
    PAGE_SIZE, Task, TaskBulkAction, TaskList, TasksQuery, check_due, check_title,
};

use crm_core::error::AppError;
use crm_core::ids::{MemberId, TaskId, WorkspaceId};
use crm_core::records::BulkOutcome;
use crm_core::time::CalendarDate;

use super::db::{self, NewTask};
use crate::accounts::session::CurrentSession;
use crate::db::Db;

/// Today in UTC, by the database's clock, which decides what is overdue.
fn today(db: &Db) -> CalendarDate {
    CalendarDate::from_millis(db.now_millis())
}

/// A task as typed in an "Add a task" form.
#[derive(Clone, Debug, Default)]
pub struct TaskFields {
    pub title: String,
    pub due_on: String,
    /// A member id, or empty for nobody.
    pub assignee: String,
    /// The id of a person, company, lead or opportunity; empty for a task about nothing in
    /// particular.
    pub about: String,
}

/// Adds a task; each field that is wrong is refused with its own message.
pub async fn add(db: &Db, session: &CurrentSession, fields: &TaskFields) -> Result<Task, AppError> {
    let workspace = session.viewer.workspace_id;
    let title =
        check_title(&fields.title).map_err(|message| AppError::validation("title", message))?;
    let due_on =
        check_due(&fields.due_on).map_err(|message| AppError::validation("due_on", message))?;
    let mut tx = db.begin_write().await?;
    let assignee = assignee_of(&mut tx, workspace, &fields.assignee).await?;
    let about = match fields.about.trim() {
        "" => None,
        raw => Some(record_of(&mut tx, workspace, raw).await?),
    };
    let task = NewTask {
        title,
        due_on,
        assignee,
        about,
    };
    let id = db::insert(
        &mut tx,
        workspace,
        &task,
        session.viewer.member_id,
        db.now_millis(),
    )
    .await?;
    let task = db::load(&mut tx, workspace, id, today(db))
        .await?
        .ok_or_else(|| AppError::internal("a task just added is not there"))?;
    tx.commit().await?;
    tracing::info!(task_id = %id, workspace_id = %workspace, "task added");
    Ok(task)
}

/// The member a task is for, from a member id as sent (nobody when it is empty); refused unless
/// it is one of the workspace's members.
async fn assignee_of(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    raw: &str,
) -> Result<Option<MemberId>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let members = crate::records::db::members(&mut *conn, workspace).await?;
    raw.parse::<MemberId>()
        .ok()
        .filter(|id| members.iter().any(|m| m.id == *id))
        .map(Some)
        .ok_or_else(|| {
            AppError::validation("assignee", "Choose someone from the workspace's members.")
        })
}

/// A bulk action on tasks ticked in the list, all in one transaction: every one must be one of
/// the workspace's tasks, or nothing changes. `value` is the member to assign them to (empty for
/// nobody). Answers how many were selected and how many changed (the others were so already).
pub async fn bulk(
    db: &Db,
    session: &CurrentSession,
    ids: &[String],
    action: TaskBulkAction,
    value: &str,
) -> Result<BulkOutcome, AppError> {
    let workspace = session.viewer.workspace_id;
    let ids = crate::records::service::selected_ids("task", "tasks", ids)?;
    let mut tx = db.begin_write().await?;
    db::ensure_all_found(&mut tx, workspace, &ids).await?;
    crate::records::db::lock_in_order(&mut tx, db.backend(), "tasks", workspace, &ids).await?;
    let member = session.viewer.member_id;
    let changed = match action {
        TaskBulkAction::Assign => {
            let assignee = assignee_of(&mut tx, workspace, value).await?;
            db::assign_all(&mut tx, workspace, &ids, assignee).await?
        }
        TaskBulkAction::Done => {
            db::set_done_all(&mut tx, workspace, &ids, true, member, db.now_millis()).await?
        }
        TaskBulkAction::Reopen => {
            db::set_done_all(&mut tx, workspace, &ids, false, member, db.now_millis()).await?
        }
        TaskBulkAction::Delete => db::delete_all(&mut tx, workspace, &ids).await?,
    };
    tx.commit().await?;
    tracing::info!(workspace_id = %workspace, ?action, selected = ids.len(), changed, "tasks changed in bulk");
    Ok(BulkOutcome {
        selected: ids.len(),
        changed,
    })
}

/// Ticks a task done, or open again.
pub async fn set_done(
    db: &Db,
    session: &CurrentSession,
    id: &str,
    done: bool,
) -> Result<Task, AppError> {
    let workspace = session.viewer.workspace_id;
    let id = TaskId::parse(id).ok_or(AppError::NotFound)?;
    let mut tx = db.begin_write().await?;
    if !db::set_done(
        &mut tx,
        workspace,
        id,
        done,
        session.viewer.member_id,
        db.now_millis(),
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    let task = db::load(&mut tx, workspace, id, today(db))
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    tracing::info!(task_id = %id, workspace_id = %workspace, done, "task ticked");
    Ok(task)
}

/// `/app/tasks`: a page of the soonest due open tasks (or the latest done, or either the most
/// recently added first), everyone's or the viewer's, searched by title. A damaged page link shows the first page, and an over-long search
/// the list unsearched, each with a message saying why.
pub async fn list_page(
    db: &Db,
    session: &CurrentSession,
    query: &TasksQuery,
) -> Result<TaskList, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut q = query.q.clone();
    let search_problem = crate::records::db::searchable(&mut q);
    let decoded = match query.after.as_str() {
        "" => Ok(None),
        raw => db::After::decode(raw)
            .map(Some)
            .ok_or_else(crate::records::db::page_link_expired),
    };
    let filter = db::Filter {
        done: query.done(),
        assignee: query.mine().then_some(session.viewer.member_id),
        newest: query.newest(),
        search: &q,
        after: None,
    };
    let page = match decoded {
        Ok(after) => {
            let filter = db::Filter {
                after: after.as_ref(),
                ..filter
            };
            db::list(db.pool(), workspace, &filter, PAGE_SIZE, today(db)).await
        }
        Err(problem) => Err(problem),
    };
    let (tasks, next, link_problem) = match page {
        Ok((tasks, next)) => (tasks, next, None),
        Err(AppError::Validation { message, .. }) => {
            let (tasks, next) =
                db::list(db.pool(), workspace, &filter, PAGE_SIZE, today(db)).await?;
            (tasks, next, Some(message))
        }
        Err(other) => return Err(other),
    };
    let problems: Vec<String> = [link_problem, search_problem]
        .into_iter()
        .flatten()
        .collect();
    Ok(TaskList {
        tasks,
        next,
        problem: (!problems.is_empty()).then(|| problems.join(" ")),
        members: crate::records::db::members(db.pool(), workspace).await?,
        viewer: session.viewer.member_id,
    })
}

/// The tasks about one of the workspace's records, for its page.
pub async fn about(db: &Db, session: &CurrentSession, record: &str) -> Result<TaskList, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut conn = db.pool().acquire().await?;
    let record = record_of(&mut conn, workspace, record).await?;
    Ok(TaskList {
        tasks: db::about(&mut *conn, workspace, record, today(db)).await?,
        next: None,
        problem: None,
        members: crate::records::db::members(&mut *conn, workspace).await?,
        viewer: session.viewer.member_id,
    })
}

/// The id of one of the workspace's records (of any kind), from an id as sent; "not found" when it
/// is not one of them.
async fn record_of(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    raw: &str,
) -> Result<uuid::Uuid, AppError> {
    let id = crate::records::service::parse_id(raw)?;
    crate::records::db::kind_of(conn, workspace, &id.to_string()).await?;
    Ok(id)
}
