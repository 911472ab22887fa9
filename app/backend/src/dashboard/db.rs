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
/// workspace keeps, in one query. All but the overdue ones are kept counts (`record_counts`, which
/// triggers move in the transaction of each change: one row per kind, whatever the workspace's
/// size); the overdue ones are counted on the index of open tasks by due day, reading one entry
/// per overdue task, since "today" moves.
pub async fn counts<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    today: CalendarDate,
) -> Result<Counts, AppError> {
    let row = sqlx::query(
        "SELECT (SELECT n FROM record_counts WHERE workspace_id = $1 AND kind = 'people') AS people,
                (SELECT n FROM record_counts WHERE workspace_id = $1 AND kind = 'companies')
                    AS companies,
                (SELECT n FROM record_counts WHERE workspace_id = $1 AND kind = 'opportunities')
                    AS opportunities,
                (SELECT n FROM record_counts WHERE workspace_id = $1 AND kind = 'open_tasks')
                    AS open_tasks,
                (SELECT COUNT(*) FROM tasks
                 WHERE workspace_id = $1 AND done_at IS NULL AND due_on < $2) AS overdue_tasks",
    )
    .bind(workspace)
    .bind(today.to_string())
    .fetch_one(executor)
    .await?;
    // A workspace always has its counts (a trigger adds them with it); none would mean zero.
    let count = |name: &str| -> Result<i64, AppError> {
        Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0))
    };
    Ok(Counts {
        people: count("people")?,
        companies: count("companies")?,
        opportunities: count("opportunities")?,
        open_tasks: count("open_tasks")?,
        overdue_tasks: count("overdue_tasks")?,
    })
}
