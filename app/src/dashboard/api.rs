//! The dashboard's server function: the session's workspace only.

use leptos::prelude::*;

use crm_core::dashboard::Summary;
use crm_core::error::AppError;

/// The workspace at a glance, for `/app`.
#[server(prefix = "/api", endpoint = "dashboard/summary")]
pub async fn dashboard_summary() -> Result<Summary, AppError> {
    use crm_core::dashboard::WEEK_TASKS_MAX;

    crate::member::as_member(|session, state| async move {
        let workspace = session.viewer.workspace_id;
        // The member's day, in their zone: what is overdue and what is due this week.
        let today = session.viewer.clock.today(state.db.now_millis());
        let week_ends = today.end_of_week();
        let mut conn = state.db.pool().acquire().await?;
        let counts = crm_backend::dashboard::db::counts(&mut *conn, workspace, today).await?;
        let pipeline = crm_backend::opportunities::db::open_value(&mut conn, workspace).await?;
        let mut week = crm_backend::tasks::db::due_by(
            &mut *conn,
            workspace,
            week_ends,
            WEEK_TASKS_MAX + 1,
            today,
        )
        .await?;
        let more = week.len() > WEEK_TASKS_MAX;
        week.truncate(WEEK_TASKS_MAX);
        Ok(Summary {
            people: counts.people,
            companies: counts.companies,
            opportunities: counts.opportunities,
            pipeline,
            open_tasks: counts.open_tasks,
            overdue_tasks: counts.overdue_tasks,
            week_ends,
            week,
            more,
        })
    })
    .await
}
