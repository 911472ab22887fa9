//! The one way into a server function of the logged-in CRM: the member's session and the state,
//! or `Unauthorized`; every error answers with its own HTTP status (and `Retry-After` when it
//! passes). The body works in the session's workspace only: no server function takes a workspace
//! id from the browser.

use std::future::Future;

use crm_core::error::AppError;

use crate::accounts::session::CurrentSession;
use crate::state::{AppState, state};

/// Runs a server function's body for the member whose session sent the request.
///
/// ```ignore
/// #[server(prefix = "/api", endpoint = "tasks/list")]
/// pub async fn list_tasks(query: TasksQuery) -> Result<TaskList, AppError> {
///     as_member(|session, state| async move {
///         super::service::list_page(&state.db, &session, &query).await
///     })
///     .await
/// }
/// ```
pub async fn as_member<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(CurrentSession, AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async {
        let session = crate::accounts::http::require_session()?;
        let state = state()?;
        state.faults.strike();
        body(session, state).await
    }
    .await;
    result.inspect_err(AppError::set_response_status)
}

/// [`as_member`] for the vendor's operators: the member must have the operator role in the
/// operators' workspace, or the answer is `Forbidden`.
pub async fn as_operator<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(CurrentSession, AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    as_member(|session, state| async move {
        if session.viewer.role == crm_core::workspaces::Role::Operator
            && session.viewer.workspace_id == state.vendor_workspace
        {
            body(session, state).await
        } else {
            Err(AppError::Forbidden)
        }
    })
    .await
}
