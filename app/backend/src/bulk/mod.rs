//! A bulk action over every record a list matches ("all 12,408 matching"), not only the rows
//! ticked on one page. Starting one checks the action and counts the matches, then stores a job;
//! a background worker applies it a batch at a time, each batch in one transaction with the job's
//! progress, as the member who started it (in their role when the batch runs). Tag and owner
//! changes go into each record's timeline as a bulk action on ticked rows does.
//!
//! Exactly one server applies a job: it claims it with a lease that each batch renews. A server
//! that stops leaves its lease to run out; another (or the same, restarted) resumes after the
//! last id walked, so no batch is applied twice or half, and a job is never lost silently.

pub mod db;

use uuid::Uuid;

use crm_core::bulk::{BulkJob, BulkScope, JobState};
use crm_core::error::AppError;
use crm_core::ids::{MemberId, StageId};
use crm_core::leads::LeadStatus;
use crm_core::people::QUERY_MAX_CHARS;
use crm_core::records::{BulkAction, Kind, owner_filter};

use crate::accounts::session::CurrentSession;
use crate::db::{Db, Statement};
use crate::records::db::Matching;
use crate::records::service::{Actor, Batch, action_label, apply};

/// Records walked per batch. Each batch is one transaction: short enough that members' edits
/// meanwhile wait no longer than a list page takes to read.
pub const BATCH: usize = 200;

/// How long a server's claim on a job lasts without a batch; then another server may resume it.
pub const LEASE_MILLIS: i64 = 60_000;

/// Jobs a member may have waiting or running at once, over every list.
pub const ACTIVE_MAX: i64 = 3;

/// How many of the workspace's records a list's search and filters match now, exactly: what
/// "Select all 12,408 matching" says before anything is done.
pub async fn count(db: &Db, session: &CurrentSession, scope: &BulkScope) -> Result<i64, AppError> {
    let matching = resolve(db, &Actor::of(session), scope).await?;
    let mut conn = db.pool().acquire().await?;
    count_all(&mut conn, &matching, None).await
}

/// Starts a bulk action over every record the list's search and filters match. The action and
/// its value are checked first (and for a deletion the member's right to delete every match,
/// and that as many match as they confirmed: `expected`); then the job waits for the worker.
pub async fn start(
    db: &Db,
    session: &CurrentSession,
    scope: BulkScope,
    action: BulkAction,
    value: &str,
    expected: Option<i64>,
) -> Result<BulkJob, AppError> {
    let actor = Actor::of(session);
    let scope = scope.without_place();
    let kind = scope.kind();
    let matching = resolve(db, &actor, &scope).await?;
    let mut conn = db.pool().acquire().await?;
    let label = action_label(&mut conn, actor.workspace, kind, action, value).await?;
    let total = count_all(&mut conn, &matching, None).await?;
    let plural = kind.plural();
    if total == 0 {
        return Err(AppError::validation(
            "ids",
            format!("No {plural} match this list now. Nothing was changed."),
        ));
    }
    if action == BulkAction::Delete {
        if !actor.role.runs_workspace() {
            let others = count_all(&mut conn, &matching, Some(actor.member)).await?;
            if others > 0 {
                tracing::info!(member_id = %actor.member, ?kind, others, "deletion of every match refused: records owned by others");
                return Err(AppError::NotAllowed(format!(
                    "You can delete only the {plural} you own, and {others} of the {total} \
                     matching {are} owned by someone else or by nobody. Nothing was deleted: \
                     narrow the list to your own with the Owner filter, or ask the workspace's \
                     owner or an admin.",
                    others = crm_core::records::thousands(others.unsigned_abs()),
                    total = crm_core::records::thousands(total.unsigned_abs()),
                    are = if others == 1 { "is" } else { "are" },
                )));
            }
        }
        if expected != Some(total) {
            return Err(AppError::Conflict(format!(
                "The list has changed since you chose to delete it: {} match it now. Nothing was \
                 deleted: look at the list again, then delete.",
                kind.count(total)
            )));
        }
    }
    drop(conn);
    let job = db::StoredJob {
        shown: BulkJob {
            id: Uuid::new_v4(),
            kind,
            action,
            label,
            state: JobState::Queued,
            total,
            done: 0,
            changed: 0,
            problem: None,
        },
        workspace: actor.workspace,
        member: actor.member,
        value: value.trim().to_owned(),
        scope: serde_json::to_string(&scope).map_err(AppError::internal)?,
    };
    let mut tx = db.begin_write().await?;
    if db::count_active(&mut *tx, actor.workspace, actor.member).await? >= ACTIVE_MAX {
        return Err(AppError::validation(
            "ids",
            format!(
                "You already have {ACTIVE_MAX} changes to whole lists running. Wait for one of \
                 them to finish, then try again."
            ),
        ));
    }
    db::insert(&mut *tx, &job, db.now_millis()).await?;
    tx.commit().await?;
    tracing::info!(job_id = %job.shown.id, workspace_id = %actor.workspace, ?kind, ?action, total, "bulk job queued");
    Ok(job.shown)
}

/// One of the member's jobs, as it stands. Another member's (or another workspace's) is "not
/// found".
pub async fn job(db: &Db, session: &CurrentSession, id: &str) -> Result<BulkJob, AppError> {
    let actor = Actor::of(session);
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    db::load(db.pool(), actor.workspace, actor.member, id)
        .await?
        .map(|job| job.shown)
        .ok_or(AppError::NotFound)
}

/// The member's jobs on one kind of list that still run or wait: what the list shows the
/// progress of, after a reload too.
pub async fn active(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
) -> Result<Vec<BulkJob>, AppError> {
    let actor = Actor::of(session);
    Ok(
        db::active_of(db.pool(), actor.workspace, actor.member, kind)
            .await?
            .into_iter()
            .map(|job| job.shown)
            .collect(),
    )
}

/// Stops one of the member's jobs before its next batch; the batches before stay applied.
/// Answers the job as it stopped. A job that has already ended is answered as it ended.
pub async fn cancel(db: &Db, session: &CurrentSession, id: &str) -> Result<BulkJob, AppError> {
    let actor = Actor::of(session);
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let mut tx = db.begin_write().await?;
    if db::cancel(&mut *tx, actor.workspace, actor.member, id, db.now_millis()).await? {
        tracing::info!(job_id = %id, workspace_id = %actor.workspace, "bulk job cancelled");
    }
    let job = db::load(&mut *tx, actor.workspace, actor.member, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(job.shown)
}

/// A name for this server process in the jobs it claims: a restarted server is a new runner.
pub fn new_runner() -> String {
    Uuid::new_v4().to_string()
}

/// Applies every job that waits (or whose server stopped), a batch at a time, as `runner` (one
/// id per server process); answers how many batches it applied. A job refused part-way (its
/// member left, the new owner left, a record at its tag limit) ends as failed with the reason.
pub async fn work(db: &Db, runner: &str) -> Result<u64, AppError> {
    let mut batches = 0;
    loop {
        let now = db.now_millis();
        let Some(id) = db::next_waiting(db.pool(), runner, now).await? else {
            return Ok(batches);
        };
        let mut tx = db.begin_write().await?;
        let claimed = db::claim(&mut *tx, &id, runner, now, LEASE_MILLIS).await?;
        tx.commit().await?;
        if !claimed {
            // Another server took it first: it is no longer offered to this one.
            continue;
        }
        loop {
            match run_batch(db, runner, &id).await {
                Ok(true) => {
                    batches += 1;
                    // Let requests waiting for the database have their turn between batches.
                    tokio::task::yield_now().await;
                }
                Ok(false) => break,
                Err(error) => {
                    tracing::error!(job_id = %id, %error, "bulk job stopped by an error");
                    let message = "The server could not finish it. The records changed \
                                   before stay changed; try again for the rest.";
                    db::finish(
                        db.pool(),
                        &id,
                        JobState::Failed,
                        Some(message),
                        db.now_millis(),
                    )
                    .await?;
                    break;
                }
            }
        }
    }
}

/// Applies the next batch of a job this runner holds. Answers whether there may be more: false
/// when the job has ended (walked to the end, failed, cancelled) or another server holds it.
async fn run_batch(db: &Db, runner: &str, id: &str) -> Result<bool, AppError> {
    let Some(job) = db::held(db.pool(), id, runner).await? else {
        return Ok(false);
    };
    let fail = |message: String| async move {
        db::finish(
            db.pool(),
            id,
            JobState::Failed,
            Some(&message),
            db.now_millis(),
        )
        .await?;
        tracing::info!(job_id = %id, "bulk job failed");
        Ok::<bool, AppError>(false)
    };
    let Some(role) = db::role_of(db.pool(), job.workspace, job.member).await? else {
        return fail("The member who started it is no longer in this workspace.".to_owned()).await;
    };
    let actor = Actor {
        workspace: job.workspace,
        member: job.member,
        role,
    };
    let scope: BulkScope = serde_json::from_str(&job.scope).map_err(AppError::internal)?;
    let matching = match resolve(db, &actor, &scope).await {
        Ok(matching) => matching,
        Err(error) => match said(&error) {
            Some(message) => return fail(message).await,
            None => return Err(error),
        },
    };
    let (kind, action) = (job.shown.kind, job.shown.action);
    // A member (not an owner or admin) deletes only what they own: records handed to someone
    // else while the job runs are left.
    let only_owned = action == BulkAction::Delete && !actor.role.runs_workspace();
    let now = db.now_millis();
    let mut tx = db.begin_write().await?;
    // Still this runner's and still running: a cancel or a lapsed lease stops it here.
    let Some((_, last_id)) = db::hold(&mut tx, db.backend(), id, runner).await? else {
        return Ok(false);
    };
    let ids = next_ids(
        &mut tx,
        &matching,
        only_owned.then_some(actor.member),
        &last_id,
    )
    .await?;
    let Some(last) = ids.last() else {
        db::finish(&mut *tx, id, JobState::Done, None, now).await?;
        tx.commit().await?;
        tracing::info!(job_id = %id, workspace_id = %actor.workspace, ?kind, ?action, "bulk job done");
        return Ok(false);
    };
    let batch = Batch {
        kind,
        action,
        value: &job.value,
        now,
        whole: false,
    };
    match apply(&mut tx, db.backend(), &actor, &batch, &ids).await {
        Ok(changed) => {
            db::advance(&mut tx, id, ids.len(), changed, last, now, LEASE_MILLIS).await?;
            tx.commit().await?;
            Ok(true)
        }
        Err(error) => match said(&error) {
            Some(message) => {
                drop(tx);
                fail(message).await
            }
            None => Err(error),
        },
    }
}

/// What a refusal says to the member; `None` for an internal error, which is only logged.
fn said(error: &AppError) -> Option<String> {
    match error {
        AppError::Validation { message, .. }
        | AppError::NotAllowed(message)
        | AppError::Conflict(message) => Some(message.clone()),
        _ => None,
    }
}

/// The next ids (at most [`BATCH`]) after `last_id` that the list matches, in id order; only
/// `owner`'s records when one is given.
async fn next_ids(
    conn: &mut sqlx::AnyConnection,
    matching: &Matching,
    owner: Option<MemberId>,
    last_id: &str,
) -> Result<Vec<String>, AppError> {
    use sqlx::Row;
    let alias = matching.alias;
    let mut statement = Statement::new(&format!("SELECT {alias}.id"));
    matching.push(&mut statement, "");
    if let Some(owner) = owner {
        statement
            .push(&format!(" AND {alias}.owner_id = "))
            .push_bind(owner);
    }
    statement
        .push(&format!(" AND {alias}.id > "))
        .push_bind(last_id.to_owned())
        .push(&format!(" ORDER BY {alias}.id LIMIT {BATCH}"));
    statement
        .query()?
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get::<String, _>(0).map_err(AppError::from))
        .collect()
}

/// How many records match, every one counted; with `not_owned_by`, only those another member or
/// nobody owns.
async fn count_all(
    conn: &mut sqlx::AnyConnection,
    matching: &Matching,
    not_owned_by: Option<MemberId>,
) -> Result<i64, AppError> {
    use sqlx::Row;
    let mut statement = matching.count_all();
    if let Some(member) = not_owned_by {
        let alias = matching.alias;
        statement
            .push(&format!(
                " AND ({alias}.owner_id IS NULL OR {alias}.owner_id <> "
            ))
            .push_bind(member)
            .push(")");
    }
    let row = statement.query()?.fetch_one(&mut *conn).await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// The records a scope names, each part of it checked: a bulk action never reaches further than
/// the list the member saw, so a part the list would leave out (an owner who is not a member, a
/// status or stage that does not exist, an over-long search) refuses the action instead.
async fn resolve(db: &Db, actor: &Actor, scope: &BulkScope) -> Result<Matching, AppError> {
    let workspace = actor.workspace;
    let q = match scope {
        BulkScope::People(query) => &query.q,
        BulkScope::Companies(query) => &query.q,
        BulkScope::Leads(query) => &query.q,
        BulkScope::Opportunities(query) => &query.q,
    };
    if q.chars().count() > QUERY_MAX_CHARS {
        return Err(AppError::validation(
            "q",
            format!(
                "The search is longer than {QUERY_MAX_CHARS} characters, so the list was not \
                 searched by it. Nothing was changed."
            ),
        ));
    }
    let members = crate::records::db::members(db.pool(), workspace).await?;
    let owner = |raw: &str| -> Result<Option<MemberId>, AppError> {
        owner_filter(raw, &members, scope.kind().plural()).map_err(|_| {
            AppError::validation(
                "owner",
                "That owner is not a member of this workspace, so the list is not narrowed to \
                 their records. Nothing was changed.",
            )
        })
    };
    Ok(match scope {
        BulkScope::People(query) => {
            owner(&query.owner)?;
            crate::people::db::matching(db, workspace, query).await?
        }
        BulkScope::Companies(query) => {
            crate::companies::db::matching(db, workspace, query, owner(&query.owner)?).await?
        }
        BulkScope::Leads(query) => {
            let status = match query.status.as_str() {
                "" => None,
                raw => Some(LeadStatus::parse(raw).ok_or_else(|| {
                    AppError::validation(
                        "status",
                        "There is no such status, so the list is not narrowed by it. Nothing was \
                         changed.",
                    )
                })?),
            };
            crate::leads::db::matching(db, workspace, query, owner(&query.owner)?, status)
        }
        BulkScope::Opportunities(query) => {
            let stage = if query.stage.is_empty() {
                None
            } else {
                let mut conn = db.pool().acquire().await?;
                let stages = crate::opportunities::db::stages(&mut conn, workspace).await?;
                let found = StageId::parse(&query.stage)
                    .filter(|id| stages.iter().any(|stage| stage.id == *id));
                Some(found.ok_or_else(|| {
                    AppError::validation(
                        "stage",
                        "That stage is not in this pipeline, so the list is not narrowed by it. \
                         Nothing was changed.",
                    )
                })?)
            };
            crate::opportunities::db::matching(db, workspace, query, stage, owner(&query.owner)?)
        }
    })
}
