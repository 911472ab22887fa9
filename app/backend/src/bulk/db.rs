//! The `bulk_jobs` table: a job's row, its claim by one server, and its progress.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use uuid::Uuid;

use crm_core::bulk::{BulkJob, JobState};
use crm_core::error::AppError;
use crm_core::ids::{MemberId, WorkspaceId};
use crm_core::records::{BulkAction, Kind};
use crm_core::workspaces::Role;

use crate::db::Backend;

/// A job as stored, with what a batch needs beyond what the member is shown.
#[derive(Clone, Debug)]
pub struct StoredJob {
    pub shown: BulkJob,
    pub workspace: WorkspaceId,
    pub member: MemberId,
    /// The action's value: the tag, or the new owner's member id.
    pub value: String,
    /// The list's search and filters, as JSON.
    pub scope: String,
}

/// The name a kind is stored by.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::People => "People",
        Kind::Companies => "Companies",
        Kind::Leads => "Leads",
        Kind::Opportunities => "Opportunities",
    }
}

fn parse_kind(stored: &str) -> Option<Kind> {
    Kind::ALL
        .into_iter()
        .find(|kind| kind_name(*kind) == stored)
}

/// The name an action is stored by.
pub fn action_name(action: BulkAction) -> &'static str {
    match action {
        BulkAction::AddTag => "AddTag",
        BulkAction::SetOwner => "SetOwner",
        BulkAction::Delete => "Delete",
    }
}

fn parse_action(stored: &str) -> Option<BulkAction> {
    [BulkAction::AddTag, BulkAction::SetOwner, BulkAction::Delete]
        .into_iter()
        .find(|action| action_name(*action) == stored)
}

const COLUMNS: &str = "id, workspace_id, member_id, kind, action, value, label, scope, state, \
                       total, done, changed, problem";

fn stored_job(row: &AnyRow) -> Result<StoredJob, AppError> {
    let id: String = row.try_get("id")?;
    let kind: String = row.try_get("kind")?;
    let action: String = row.try_get("action")?;
    let state: String = row.try_get("state")?;
    Ok(StoredJob {
        shown: BulkJob {
            id: Uuid::parse_str(&id).map_err(AppError::internal)?,
            kind: parse_kind(&kind)
                .ok_or_else(|| AppError::internal("a stored kind is unknown"))?,
            action: parse_action(&action)
                .ok_or_else(|| AppError::internal("a stored bulk action is unknown"))?,
            label: row.try_get("label")?,
            state: JobState::parse(&state)
                .ok_or_else(|| AppError::internal("a stored job state is unknown"))?,
            total: row.try_get("total")?,
            done: row.try_get("done")?,
            changed: row.try_get("changed")?,
            problem: row.try_get("problem")?,
        },
        workspace: row.try_get("workspace_id")?,
        member: row.try_get("member_id")?,
        value: row.try_get("value")?,
        scope: row.try_get("scope")?,
    })
}

/// Stores a new job, waiting for a server.
pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    job: &StoredJob,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO bulk_jobs (id, workspace_id, member_id, kind, action, value, label, scope,
                                state, total, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(job.shown.id.to_string())
    .bind(job.workspace)
    .bind(job.member)
    .bind(kind_name(job.shown.kind))
    .bind(action_name(job.shown.action))
    .bind(job.value.as_str())
    .bind(job.shown.label.as_str())
    .bind(job.scope.as_str())
    .bind(job.shown.state.as_str())
    .bind(job.shown.total)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// One of the member's jobs in the workspace, by id.
pub async fn load<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    member: MemberId,
    id: Uuid,
) -> Result<Option<StoredJob>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bulk_jobs WHERE id = $1 AND workspace_id = $2 AND member_id = $3"
    ))
    .bind(id.to_string())
    .bind(workspace)
    .bind(member)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(stored_job).transpose()
}

/// The member's jobs on one kind of list that still run or wait, oldest first.
pub async fn active_of<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    member: MemberId,
    kind: Kind,
) -> Result<Vec<StoredJob>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bulk_jobs
         WHERE workspace_id = $1 AND member_id = $2 AND kind = $3
           AND state IN ('queued', 'running')
         ORDER BY created_at, id"
    ))
    .bind(workspace)
    .bind(member)
    .bind(kind_name(kind))
    .fetch_all(executor)
    .await?;
    rows.iter().map(stored_job).collect()
}

/// How many of the member's jobs in the workspace still run or wait, on any list.
pub async fn count_active<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    member: MemberId,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM bulk_jobs
         WHERE workspace_id = $1 AND member_id = $2 AND state IN ('queued', 'running')",
    )
    .bind(workspace)
    .bind(member)
    .fetch_one(executor)
    .await?)
}

/// Stops one of the member's jobs that still runs or waits; answers whether it did.
pub async fn cancel<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    member: MemberId,
    id: Uuid,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE bulk_jobs SET state = 'cancelled', finished_at = $1, updated_at = $1
         WHERE id = $2 AND workspace_id = $3 AND member_id = $4
           AND state IN ('queued', 'running')",
    )
    .bind(now)
    .bind(id.to_string())
    .bind(workspace)
    .bind(member)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The oldest job that waits, or runs under a lease that has run out (its server stopped), or
/// is already this runner's.
pub async fn next_waiting<'e>(
    executor: impl Executor<'e, Database = Any>,
    runner: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM bulk_jobs
         WHERE state IN ('queued', 'running')
           AND (runner IS NULL OR runner = $1 OR lease_until < $2)
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(runner)
    .bind(now)
    .fetch_optional(executor)
    .await?)
}

/// Claims the job for `runner` until `now + lease`, if nobody else holds it: a compare-and-set
/// that two servers racing for one job cannot both win. Answers whether it was claimed.
pub async fn claim<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    runner: &str,
    now: i64,
    lease: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE bulk_jobs SET state = 'running', runner = $1, lease_until = $2, updated_at = $3
         WHERE id = $4 AND state IN ('queued', 'running')
           AND (runner IS NULL OR runner = $1 OR lease_until < $3)",
    )
    .bind(runner)
    .bind(now + lease)
    .bind(now)
    .bind(id)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A job this runner holds and that still runs, as a batch begins: read (and on PostgreSQL
/// locked) in the batch's transaction, so a cancel or another server's claim waits for the batch
/// or stops it before it starts. Answers the job and the largest id walked so far.
pub async fn hold(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    id: &str,
    runner: &str,
) -> Result<Option<(StoredJob, String)>, AppError> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, last_id FROM bulk_jobs
         WHERE id = $1 AND runner = $2 AND state = 'running'{lock}"
    ))
    .bind(id)
    .bind(runner)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some((stored_job(&row)?, row.try_get("last_id")?))),
        None => Ok(None),
    }
}

/// The job as a batch begins, before its transaction: `None` when this runner no longer holds it.
pub async fn held<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    runner: &str,
) -> Result<Option<StoredJob>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM bulk_jobs WHERE id = $1 AND runner = $2 AND state = 'running'"
    ))
    .bind(id)
    .bind(runner)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(stored_job).transpose()
}

/// Counts a batch in, in its transaction: the records walked and changed, the last id walked,
/// and a renewed lease.
pub async fn advance(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    walked: usize,
    changed: usize,
    last_id: &str,
    now: i64,
    lease: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE bulk_jobs SET done = done + $1, changed = changed + $2, last_id = $3,
                              lease_until = $4, updated_at = $5
         WHERE id = $6",
    )
    .bind(i64::try_from(walked).map_err(AppError::internal)?)
    .bind(i64::try_from(changed).map_err(AppError::internal)?)
    .bind(last_id)
    .bind(now + lease)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends a job that is still running: done, or failed with the member's message.
pub async fn finish<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    state: JobState,
    problem: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE bulk_jobs SET state = $1, problem = $2, finished_at = $3, updated_at = $3,
                              runner = NULL, lease_until = NULL
         WHERE id = $4 AND state = 'running'",
    )
    .bind(state.as_str())
    .bind(problem)
    .bind(now)
    .bind(id)
    .execute(executor)
    .await?;
    Ok(())
}

/// The member's role in the workspace now, if they are still one of its members.
pub async fn role_of<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    member: MemberId,
) -> Result<Option<Role>, AppError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE workspace_id = $1 AND member_id = $2",
    )
    .bind(workspace)
    .bind(member)
    .fetch_optional(executor)
    .await?;
    role.map(|role| {
        Role::parse(&role).ok_or_else(|| AppError::internal("a stored role is unknown"))
    })
    .transpose()
}
