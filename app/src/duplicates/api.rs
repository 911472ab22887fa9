//! The server function of the "Possible duplicates" page. Members of the session's workspace
//! only; no workspace id comes from the browser.

use leptos::prelude::*;

use crm_core::duplicates::DuplicatesPage;
use crm_core::error::AppError;

#[cfg(feature = "ssr")]
use crate::member::as_member;

/// The workspace's likely pairs of people and of companies.
#[server(prefix = "/api", endpoint = "duplicates/list")]
pub async fn list_duplicates() -> Result<DuplicatesPage, AppError> {
    as_member(|session, state| async move {
        crm_backend::duplicates::page(&state.db, session.viewer.workspace_id).await
    })
    .await
}
