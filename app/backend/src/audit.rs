//! The workspace's audit trail (`audit_events`): who did what that a workspace must be able to
//! account for, such as every export of its records. Rows are only added. An event names its
//! actor by id (the trail shows their name while they are a member) and keeps its details as
//! JSON; it holds no more personal data than the action itself did (an export's search, as
//! typed).

use sqlx::Row;

use crm_core::error::AppError;
use crm_core::ids::{MemberId, WorkspaceId};

use crate::db::Db;

/// One event of the trail, as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    /// The actor's name; `None` once they have left the product.
    pub actor: Option<String>,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
    pub at: i64,
}

/// Adds an event to the workspace's trail.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    actor: MemberId,
    (action, subject): (&str, &str),
    detail: &serde_json::Value,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_events (id, workspace_id, actor_id, action, subject, detail, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(workspace)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The workspace's latest events, newest first.
pub async fn recent(
    db: &Db,
    workspace: WorkspaceId,
    limit: i64,
) -> Result<Vec<AuditEvent>, AppError> {
    let rows = sqlx::query(
        "SELECT a.actor_id, m.name AS actor, a.action, a.subject, a.detail, a.at
         FROM audit_events a LEFT JOIN members m ON m.id = a.actor_id
         WHERE a.workspace_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2",
    )
    .bind(workspace)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let detail: String = row.try_get("detail")?;
            Ok(AuditEvent {
                actor: row.try_get("actor")?,
                actor_id: row.try_get("actor_id")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                detail: serde_json::from_str(&detail)
                    .map_err(|_| AppError::internal("a stored audit event's detail is not JSON"))?,
                at: row.try_get("at")?,
            })
        })
        .collect()
}
