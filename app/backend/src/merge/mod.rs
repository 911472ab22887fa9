//! Merging two records that are one (two people, or two companies): the member keeps one (the
//! survivor), chooses field by field which of the two values it keeps, and everything of the
//! other moves to it. The other is then deleted; its old address leads to the survivor. The
//! merge is in both timelines, and can be undone while the survivor has not changed since: what
//! the merge wrote is kept (`merges`) until then, and undoing puts every row back where it was.
//!
//! Above people, companies, leads, opportunities and tasks, whose rows it moves. What each kind
//! moves is in [`people`] and [`companies`]; this module keeps what they share: the `merges`
//! row, the two timeline entries, the moves by id, and where an old address leads.

pub mod companies;
pub mod people;

use serde::Serialize;
use sqlx::Row;

use crm_core::duplicates::{MergeFields, MergePage};
use crm_core::error::AppError;
use crm_core::ids::{MemberId, WorkspaceId};
use crm_core::records::{Kind, MergeRole, TimelineEvent};

use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::db::record_event;

/// How many merges in a row an old address follows to its survivor.
const FOLLOW_MAX: usize = 8;

/// The merge page for two of the workspace's records of `kind` (people or companies).
pub async fn preview(
    db: &Db,
    workspace: WorkspaceId,
    kind: Kind,
    keep: &str,
    merge: &str,
) -> Result<MergePage, AppError> {
    match kind {
        Kind::People => people::preview(db, workspace, keep, merge).await,
        Kind::Companies => companies::preview(db, workspace, keep, merge).await,
        Kind::Leads | Kind::Opportunities => Err(AppError::NotFound),
    }
}

/// Merges two records of `kind` as the merge page's form says; answers the survivor's id.
pub async fn merge(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    fields: &MergeFields,
) -> Result<String, AppError> {
    match kind {
        Kind::People => Ok(people::merge(db, session, fields).await?.to_string()),
        Kind::Companies => Ok(companies::merge(db, session, fields).await?.to_string()),
        Kind::Leads | Kind::Opportunities => Err(AppError::NotFound),
    }
}

/// A merge as stored, for its undo.
struct Stored {
    kind: Kind,
    kept_id: String,
    merged_id: String,
    /// The survivor's version the merge left: an undo needs it unchanged.
    kept_version: i64,
    /// What the merge wrote ([`people`]'s or [`companies`]' own record of it, in JSON).
    undo: String,
}

/// Undoes a merge of the session's workspace, if the survivor has not changed since: the other
/// record is back with everything that moved; answers its kind and id. Refused (409) when it
/// was undone already or the survivor changed since; 403 for a member who may not.
pub async fn undo(
    db: &Db,
    session: &CurrentSession,
    merge: &str,
) -> Result<(Kind, String), AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    // The merge's row first: a second undo at the same moment waits, then finds it undone.
    db.lock_record(&mut tx, "merges", merge).await?;
    let row = sqlx::query(
        "SELECT kind, kept_id, merged_id, kept_version, undo, undone_at FROM merges
         WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace)
    .bind(merge)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if row.try_get::<Option<i64>, _>("undone_at")?.is_some() {
        return Err(AppError::Conflict(
            "This merge was already undone.".to_owned(),
        ));
    }
    let kind: String = row.try_get("kind")?;
    let stored = Stored {
        kind: Kind::ALL
            .into_iter()
            .find(|k| k.plural() == kind)
            .ok_or_else(|| AppError::internal("a stored merge has an unknown kind"))?,
        kept_id: row.try_get("kept_id")?,
        merged_id: row.try_get("merged_id")?,
        kept_version: row.try_get("kept_version")?,
        undo: row.try_get("undo")?,
    };
    let back = match stored.kind {
        Kind::People => people::undo(db, &mut tx, session, &stored)
            .await?
            .to_string(),
        Kind::Companies => companies::undo(db, &mut tx, session, &stored)
            .await?
            .to_string(),
        Kind::Leads | Kind::Opportunities => {
            return Err(AppError::internal("only people and companies are merged"));
        }
    };
    sqlx::query("UPDATE merges SET undone_at = $1 WHERE workspace_id = $2 AND id = $3")
        .bind(db.now_millis())
        .bind(workspace)
        .bind(merge)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(%workspace, kind = stored.kind.plural(), kept = %stored.kept_id, merged = %stored.merged_id, "merge undone");
    Ok((stored.kind, back))
}

/// Locks the two records of a merge form (people's or companies' rows, `table`) in one order
/// whichever is kept, so that two merges of one pair at once wait for each other instead of each
/// holding one row the other needs.
async fn lock_both(
    db: &Db,
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    fields: &MergeFields,
) -> Result<(), AppError> {
    let mut pair = [&fields.keep, &fields.merge];
    pair.sort();
    for id in pair {
        db.lock_record(&mut *conn, table, id).await?;
    }
    Ok(())
}

/// Refuses a merge of two records of `kind` when either changed since the page showed them
/// (their versions, `(kept, merged)`), or when the member neither runs the workspace nor owns
/// both (their owners).
fn may_merge(
    session: &CurrentSession,
    kind: Kind,
    fields: &MergeFields,
    versions: (i64, i64),
    owners: [Option<MemberId>; 2],
) -> Result<(), AppError> {
    if versions.0.to_string() != fields.kept_version
        || versions.1.to_string() != fields.merged_version
    {
        return Err(AppError::Conflict(format!(
            "One of the two {} changed since the page was shown. Look at them again, then merge.",
            kind.plural()
        )));
    }
    let member = session.viewer.member_id;
    if !session.viewer.role.runs_workspace() && owners.iter().any(|o| *o != Some(member)) {
        return Err(not_allowed(kind, "merge them"));
    }
    Ok(())
}

/// Refuses the undo of a merge of two records of `kind` by a member who neither runs the
/// workspace nor owned both when they were merged (their owners' ids then).
fn may_undo(
    session: &CurrentSession,
    kind: Kind,
    owners: [Option<&str>; 2],
) -> Result<(), AppError> {
    let member = session.viewer.member_id.to_string();
    if session.viewer.role.runs_workspace() || owners.iter().all(|o| *o == Some(member.as_str())) {
        Ok(())
    } else {
        Err(not_allowed(kind, "undo this merge"))
    }
}

/// The refusal of an undo whose survivor changed since the merge.
fn stale(kind: Kind) -> AppError {
    AppError::Conflict(format!(
        "This merge can no longer be undone: the {} has changed since.",
        kind.noun()
    ))
}

/// The refusal of a merge or undo by a member who may not: `what` is "merge them" or "undo
/// this merge".
fn not_allowed(kind: Kind, what: &str) -> AppError {
    AppError::NotAllowed(format!(
        "Only the workspace's owner and admins, and the member who owns both {}, can {what}.",
        kind.plural()
    ))
}

/// Keeps a merge done now by the session's member, for its undo and the old address; answers
/// its id.
async fn keep(
    conn: &mut sqlx::AnyConnection,
    session: &CurrentSession,
    kind: Kind,
    (kept_id, kept_version): (&str, i64),
    (merged_id, merged_name): (&str, &str),
    now: i64,
    undo: &impl Serialize,
) -> Result<String, AppError> {
    let (workspace, actor) = (session.viewer.workspace_id, session.viewer.member_id);
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO merges (id, workspace_id, kind, kept_id, merged_id, merged_name, actor_id,
                             at, kept_version, undo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(workspace)
    .bind(kind.plural())
    .bind(kept_id)
    .bind(merged_id)
    .bind(merged_name)
    .bind(actor)
    .bind(now)
    .bind(kept_version)
    .bind(serde_json::to_string(undo).map_err(|_| AppError::internal("a merge's undo"))?)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Says in both records' timelines, as the session's member's doing, that `merged` went into
/// `kept` (or, `undone`, came back): each `(id, name)`.
async fn tell_both(
    conn: &mut sqlx::AnyConnection,
    session: &CurrentSession,
    kind: Kind,
    (kept, merged): ((&str, &str), (&str, &str)),
    undone: bool,
    now: i64,
) -> Result<(), AppError> {
    let (workspace, actor) = (session.viewer.workspace_id, session.viewer.member_id);
    let (on_kept, on_merged) = if undone {
        (MergeRole::UndoneKept, MergeRole::UndoneMerged)
    } else {
        (MergeRole::Kept, MergeRole::MergedInto)
    };
    for (record, role, (id, name)) in [(kept.0, on_kept, merged), (merged.0, on_merged, kept)] {
        let event = TimelineEvent::Merged {
            kind,
            role,
            id: id.to_owned(),
            name: name.to_owned(),
        };
        record_event(&mut *conn, workspace, record, actor, &event, now).await?;
    }
    Ok(())
}

/// "1 note", "3 notes".
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The rows counted by each of `counts` (`$1` the workspace, `$2` the record), as the merge page
/// says what moves ("3 notes"), each `(sql, one, many)`; none for a count of 0.
async fn counted(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    record: &str,
    counts: &[(&str, &str, &str)],
) -> Result<Vec<String>, AppError> {
    let mut said = Vec::new();
    for &(sql, one, many) in counts {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(workspace)
            .bind(record)
            .fetch_one(&mut *conn)
            .await?;
        if n > 0 {
            said.push(plural(usize::try_from(n).unwrap_or(0), one, many));
        }
    }
    Ok(said)
}

/// The statement that moves one row of `table` to the record `$2` (`$1` the workspace, `$3` the
/// row).
fn move_to(table: &str, column: &str) -> String {
    format!("UPDATE {table} SET {column} = $2 WHERE workspace_id = $1 AND id = $3")
}

/// The ids of the rows `sql` selects (`$1` the workspace, `$2` the record).
async fn ids(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    workspace: WorkspaceId,
    record: &str,
) -> Result<Vec<String>, AppError> {
    let rows = sqlx::query(sql)
        .bind(workspace)
        .bind(record)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(0).map_err(AppError::from))
        .collect()
}

/// Runs `sql` (`$1` the workspace, `$2` the new record, `$3` the row's id) for each id.
async fn each(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    workspace: WorkspaceId,
    to: &str,
    ids: &[String],
) -> Result<(), AppError> {
    for id in ids {
        sqlx::query(sql)
            .bind(workspace)
            .bind(to)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Moves the rows of each `(table, column)` that name `from` to `to`, answering their ids in
/// that order (for the undo, [`move_back`]).
async fn move_all(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    tables: &[(&str, &str)],
    from: &str,
    to: &str,
) -> Result<Vec<Vec<String>>, AppError> {
    let mut moved = Vec::with_capacity(tables.len());
    for (table, column) in tables {
        let rows = ids(
            &mut *conn,
            &format!("SELECT id FROM {table} WHERE workspace_id = $1 AND {column} = $2"),
            workspace,
            from,
        )
        .await?;
        each(&mut *conn, &move_to(table, column), workspace, to, &rows).await?;
        moved.push(rows);
    }
    Ok(moved)
}

/// Moves the rows [`move_all`] moved back to `to`, by id.
async fn move_back(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    tables: &[(&str, &str)],
    moved: &[Vec<String>],
    to: &str,
) -> Result<(), AppError> {
    for ((table, column), rows) in tables.iter().zip(moved) {
        each(&mut *conn, &move_to(table, column), workspace, to, rows).await?;
    }
    Ok(())
}

/// Whether `member` (if any) is still one of the workspace's members.
async fn member_stays(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    member: Option<&str>,
) -> Result<bool, AppError> {
    let Some(member) = member else {
        return Ok(false);
    };
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND member_id = $2",
    )
    .bind(workspace)
    .bind(member)
    .fetch_one(&mut *conn)
    .await?;
    Ok(found == 1)
}

/// Where a person's or company's old address leads: the survivor of the merges it went into
/// (following a survivor merged in turn), or `None` if no merge took it.
pub async fn follow(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    id: &str,
) -> Result<Option<String>, AppError> {
    let mut current = id.to_owned();
    let mut found = None;
    for _ in 0..FOLLOW_MAX {
        let next: Option<String> = sqlx::query_scalar(
            "SELECT kept_id FROM merges
             WHERE workspace_id = $1 AND merged_id = $2 AND undone_at IS NULL",
        )
        .bind(workspace)
        .bind(&current)
        .fetch_optional(&mut *conn)
        .await?;
        match next {
            Some(next) => {
                found = Some(next.clone());
                current = next;
            }
            None => break,
        }
    }
    Ok(found)
}
