//! What members do the same way on every kind of record, decided on the server in the session's
//! workspace only.

use super::db::{self, Kind};
use super::model::{TimelineEntry, check_note};
use crate::accounts::session::CurrentSession;
use crate::db::{Db, now_millis};
use crate::error::AppError;

/// A record's id as a page or a URL sent it; anything but a UUID is "not found".
pub fn parse_id(raw: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| AppError::NotFound)
}

/// Writes a note on one of the workspace's records of `kind`; answers with the record's
/// timeline, the note in it. An id that is not one of them is "not found".
pub async fn add_note(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    record: &str,
    body: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let workspace = session.viewer.workspace_id;
    let record = parse_id(record)?.to_string();
    let body = check_note(body).map_err(|message| AppError::validation("note", message))?;
    let mut tx = db.pool().begin().await?;
    db::add_note(
        &mut tx,
        kind,
        workspace,
        &record,
        session.viewer.member_id,
        &body,
        now_millis(),
    )
    .await?;
    let timeline = db::timeline(&mut tx, workspace, record.as_str()).await?;
    tx.commit().await?;
    tracing::info!(record_id = %record, workspace_id = %workspace, ?kind, "note added");
    Ok(timeline)
}

/// Deletes one of the workspace's companies, leads or opportunities with its timeline, notes,
/// tasks and tags. An id that is not one of them is "not found", and nothing changes.
pub async fn delete(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    record: &str,
) -> Result<(), AppError> {
    let workspace = session.viewer.workspace_id;
    let record = parse_id(record)?.to_string();
    let mut tx = db.pool().begin().await?;
    db::delete(&mut tx, kind, workspace, &record).await?;
    tx.commit().await?;
    tracing::info!(record_id = %record, workspace_id = %workspace, ?kind, "record deleted");
    Ok(())
}

/// The timeline of one of the workspace's records of any kind, read again after something added
/// to it elsewhere on its page (a task added or ticked done). An id that is not one of them is
/// "not found".
pub async fn timeline(
    db: &Db,
    session: &CurrentSession,
    record: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let workspace = session.viewer.workspace_id;
    let record = parse_id(record)?.to_string();
    let mut conn = db.pool().acquire().await?;
    db::kind_of(&mut conn, workspace, &record).await?;
    db::timeline(&mut conn, workspace, record.as_str()).await
}
