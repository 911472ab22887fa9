//! What members do with tasks, in the session's workspace only: add one (about one of the
//! workspace's records, for one of its members), tick it done or open again, list them, and
//! assign, tick or delete many at once.

use crm_core::tasks::{
    PAGE_SIZE, Task, TaskAbout, TaskBulkAction, TaskField, TaskList, TaskPage, TasksQuery,
    check_due, check_title,
};

use crm_core::error::AppError;
use crm_core::ids::{MemberId, TaskId, WorkspaceId};
use crm_core::records::{BulkOutcome, EditableRecord, ListPlace, RecordField, conflict_message};
use crm_core::time::CalendarDate;

use super::db::{self, NewTask};
use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::db::PageAt;

/// Today in the member's time zone, by the database's clock: what is overdue for them.
fn today(db: &Db, session: &CurrentSession) -> CalendarDate {
    session.viewer.clock.today(db.now_millis())
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
    let task = db::load(&mut tx, workspace, id, today(db, session))
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
    let task = db::load(&mut tx, workspace, id, today(db, session))
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
    let filter = db::Filter {
        backend: db.backend(),
        done: query.done(),
        assignee: query.mine().then_some(session.viewer.member_id),
        newest: query.newest(),
        search: &q,
    };
    let mut conn = db.pool().acquire().await?;
    let today = today(db, session);
    let page = match PageAt::from_query(&query.after, &query.before) {
        Ok(at) => db::list(&mut conn, workspace, &filter, &at, PAGE_SIZE, today).await,
        Err(problem) => Err(problem),
    };
    let (tasks, place, link_problem) = match page {
        Ok((tasks, place)) => (tasks, place, None),
        Err(AppError::Validation { message, .. }) => {
            let (tasks, place) = db::list(
                &mut conn,
                workspace,
                &filter,
                &PageAt::First,
                PAGE_SIZE,
                today,
            )
            .await?;
            (tasks, place, Some(message))
        }
        Err(other) => return Err(other),
    };
    let problems: Vec<String> = [link_problem, search_problem]
        .into_iter()
        .flatten()
        .collect();
    Ok(TaskList {
        tasks,
        place,
        problem: (!problems.is_empty()).then(|| problems.join(" ")),
        search_note: crate::records::search::Search::from_query(&q)
            .note("tasks", "title", "titles"),
        members: crate::records::db::members(&mut *conn, workspace).await?,
        viewer: session.viewer.member_id,
    })
}

/// The tasks about one of the workspace's records, for its page.
pub async fn about(db: &Db, session: &CurrentSession, record: &str) -> Result<TaskList, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut conn = db.pool().acquire().await?;
    let record = record_of(&mut conn, workspace, record).await?;
    Ok(TaskList {
        tasks: db::about(&mut *conn, workspace, record, today(db, session)).await?,
        place: ListPlace::default(),
        problem: None,
        search_note: None,
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

/// A task's page. An id that is not one of the workspace's tasks is "not found".
pub async fn page(db: &Db, session: &CurrentSession, id: &str) -> Result<TaskPage, AppError> {
    let workspace = session.viewer.workspace_id;
    let id = TaskId::parse(id.trim()).ok_or(AppError::NotFound)?;
    let mut conn = db.pool().acquire().await?;
    let task = db::load(&mut conn, workspace, id, today(db, session))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(TaskPage {
        task,
        members: crate::records::db::members(&mut *conn, workspace).await?,
    })
}

/// An edit of one of a task's fields, as its page sends it.
#[derive(Clone, Debug)]
pub struct TaskEdit {
    pub task: String,
    pub field: TaskField,
    pub value: String,
    /// The field's value when the member began to edit it.
    pub base: String,
    /// The task's version the page had.
    pub version: i64,
}

/// Saves one field of a task, as a record's field is saved: when the task changed since the page
/// read it, the save goes ahead only if this field still holds what the member started from;
/// otherwise it is refused with the other value, and nothing is overwritten. Any member may edit
/// any of the workspace's tasks.
pub async fn save_field(
    db: &Db,
    session: &CurrentSession,
    edit: &TaskEdit,
) -> Result<TaskPage, AppError> {
    let workspace = session.viewer.workspace_id;
    let id = TaskId::parse(edit.task.trim()).ok_or(AppError::NotFound)?;
    let field = edit.field;
    let invalid = |message: String| AppError::validation(field.name(), message);
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "tasks", &id.to_string()).await?;
    let today = today(db, session);
    let stored = db::load(&mut tx, workspace, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    // Read once: an assignee is checked against them, and the answer lists them.
    let members = crate::records::db::members(&mut *tx, workspace).await?;
    let mut task = stored.clone();
    match field {
        TaskField::Title => task.title = check_title(&edit.value).map_err(invalid)?,
        TaskField::Due => task.due_on = check_due(&edit.value).map_err(invalid)?,
        TaskField::Assignee => {
            task.assignee = match edit.value.trim() {
                "" => None,
                raw => Some(
                    members
                        .iter()
                        .find(|m| m.id.to_string() == raw)
                        .cloned()
                        .ok_or_else(|| {
                            invalid("Choose someone from the workspace's members.".to_owned())
                        })?,
                ),
            };
        }
        TaskField::About => {
            field.check(&edit.value).map_err(invalid)?;
            task.about = match edit.value.trim() {
                "" => None,
                raw => {
                    let gone = || {
                        invalid(
                            "That record is no longer in the workspace. Find it again, or choose \
                             nothing in particular."
                                .to_owned(),
                        )
                    };
                    let id = crate::records::service::parse_id(raw).map_err(|_| gone())?;
                    let kind = crate::records::db::kind_of(&mut tx, workspace, &id.to_string())
                        .await
                        .map_err(|error| match error {
                            AppError::NotFound => gone(),
                            other => other,
                        })?;
                    Some(TaskAbout {
                        kind,
                        id,
                        name: String::new(),
                    })
                }
            };
        }
    }
    if stored.version != edit.version && stored.value(field) != edit.base {
        return Err(AppError::Conflict(conflict_message(
            field.label(),
            &stored.display(field),
        )));
    }
    if task.value(field) != stored.value(field) {
        if !db::update(&mut tx, workspace, &task, stored.version).await? {
            return Err(AppError::internal("a locked task changed under its edit"));
        }
        tracing::info!(task_id = %id, workspace_id = %workspace, field = field.name(), "task changed");
    }
    let task = db::load(&mut tx, workspace, id, today)
        .await?
        .ok_or_else(|| AppError::internal("a task just saved is not there"))?;
    tx.commit().await?;
    Ok(TaskPage { task, members })
}

/// Deletes one of the workspace's tasks (any member may, as in the list's bulk action); with it
/// go its entries in the timeline of the record it was about. "Not found" when it is not one of
/// them (deleted meanwhile).
pub async fn delete(db: &Db, session: &CurrentSession, id: &str) -> Result<(), AppError> {
    let workspace = session.viewer.workspace_id;
    let id = TaskId::parse(id.trim()).ok_or(AppError::NotFound)?;
    let ids = [id.to_string()];
    let mut tx = db.begin_write().await?;
    if db::delete_all(&mut tx, workspace, &ids).await? != 1 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(task_id = %id, workspace_id = %workspace, "task deleted");
    Ok(())
}

/// Records of any kind whose name (or e-mail address, or other searched detail) holds `q`, for a
/// task to be about: at most five of each kind. Two letters find the records whose name starts
/// with them.
pub async fn find_about(
    db: &Db,
    session: &CurrentSession,
    q: &str,
) -> Result<Vec<TaskAbout>, AppError> {
    let mut q = q.trim().to_owned();
    if let Some(message) = crate::records::db::searchable(&mut q) {
        return Err(AppError::validation("q", message));
    }
    crm_core::tasks::check_find_about(&q).map_err(|message| AppError::validation("q", message))?;
    let search = crate::records::search::Search::from_query(&q);
    let mut conn = db.pool().acquire().await?;
    db::find_records(
        &mut conn,
        db.backend(),
        session.viewer.workspace_id,
        &search,
        5,
    )
    .await
}
