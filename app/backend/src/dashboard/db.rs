//! The dashboard's counts, each for the session's workspace.

use sqlx::{Any, Executor, Row};

use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;
use crm_core::time::CalendarDate;

/// The workspace's counts.
pub struct Counts {
    pub people: i64,
    pub companies: i64,
    pub opportunities: i64,
    pub open_tasks: i64,
    pub overdue_tasks: i64,
}

/// How many people, companies, opportunities, open tasks and overdue open tasks (due before `today`) the
/// workspace keeps, in one query.
pub async fn counts<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    today: CalendarDate,
) -> Result<Counts, AppError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM people WHERE workspace_id = $1) AS people,
                (SELECT COUNT(*) FROM companies WHERE workspace_id = $1) AS companies,
                (SELECT COUNT(*) FROM opportunities WHERE workspace_id = $1) AS opportunities,
                (SELECT COUNT(*) FROM tasks WHERE workspace_id = $1 AND done_at IS NULL)
                    AS open_tasks,
                (SELECT COUNT(*) FROM tasks
                 WHERE workspace_id = $1 AND done_at IS NULL AND due_on < $2) AS overdue_tasks",
    )
    .bind(workspace)
    .bind(today.to_string())
    .fetch_one(executor)
    .await?;
    Ok(Counts {
        people: row.try_get("people")?,
        companies: row.try_get("companies")?,
        opportunities: row.try_get("opportunities")?,
        open_tasks: row.try_get("open_tasks")?,
        overdue_tasks: row.try_get("overdue_tasks")?,
    })
}
