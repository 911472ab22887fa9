//! Screens for the vendor's operators, under `/app/operator/`. Only members with the operator
//! role, working in the operators' workspace, may open them; the server checks both on every
//! call.

mod consent_chart;

pub use consent_chart::ConsentChartPage;

#[cfg(feature = "ssr")]
use crm_core::error::AppError;

#[cfg(feature = "ssr")]
use crate::accounts::session::CurrentSession;

/// The session, when it is an operator's in the operators' workspace; `Forbidden` otherwise.
#[cfg(feature = "ssr")]
pub fn require_operator() -> Result<CurrentSession, AppError> {
    use crm_core::workspaces::Role;
    let session = crate::accounts::http::require_session()?;
    let state = crate::state::state()?;
    if session.viewer.role == Role::Operator
        && session.viewer.workspace_id == state.vendor_workspace
    {
        Ok(session)
    } else {
        Err(AppError::Forbidden)
    }
}
