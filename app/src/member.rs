//! The member a request comes from, for every feature on the server: the request's session, and
//! the one way into a server function of the logged-in CRM, which gets that session and the state
//! or answers `Unauthorized`, and answers every error with its own HTTP status (and `Retry-After`
//! when it passes). The body works in the session's workspace only: no server function takes a
//! workspace id from the browser.

use std::future::Future;

use crm_core::error::AppError;

use crm_backend::accounts::session::CurrentSession;
use crm_backend::state::AppState;

use crate::context::state;

/// The session of the request being handled, in a server function or while rendering.
pub fn current_session() -> Option<CurrentSession> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
}

/// The session, or `Unauthorized`.
pub fn require_session() -> Result<CurrentSession, AppError> {
    current_session().ok_or(AppError::Unauthorized)
}

/// Runs a server function's body for the member whose session sent the request.
///
/// ```ignore
/// #[server(prefix = "/api", endpoint = "tasks/list")]
/// pub async fn list_tasks(query: TasksQuery) -> Result<TaskList, AppError> {
///     as_member(|session, state| async move {
///         crm_backend::tasks::service::list_page(&state.db, &session, &query).await
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
        let session = require_session()?;
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
