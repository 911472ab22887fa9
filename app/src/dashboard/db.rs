//! The dashboard's counts, each for the session's workspace.

use sqlx::{Any, Executor, Row};

use crate::error::AppError;
use crate::policy::model::PolicyDate;
use crate::workspaces::WorkspaceId;

/// How many people, companies, open tasks and overdue open tasks (due before `today`) the
/// workspace keeps, in one query.
pub async fn counts<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    today: PolicyDate,
) -> Result<(i64, i64, i64, i64), AppError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM people WHERE workspace_id = $1) AS people,
                (SELECT COUNT(*) FROM companies WHERE workspace_id = $1) AS companies,
                (SELECT COUNT(*) FROM tasks WHERE workspace_id = $1 AND done_at IS NULL)
                    AS open_tasks,
                (SELECT COUNT(*) FROM tasks
                 WHERE workspace_id = $1 AND done_at IS NULL AND due_on < $2) AS overdue_tasks",
    )
    .bind(workspace.to_string())
    .bind(today.to_string())
    .fetch_one(executor)
    .await?;
    Ok((
        row.try_get("people")?,
        row.try_get("companies")?,
        row.try_get("open_tasks")?,
        row.try_get("overdue_tasks")?,
    ))
}
