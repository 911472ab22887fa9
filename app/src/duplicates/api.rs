//! The server function of the "Possible duplicates" page. Members of the session's workspace
//! only; no workspace id comes from the browser.

use leptos::prelude::*;

use crm_core::duplicates::{DuplicatesPage, MergePage};
use crm_core::error::AppError;
use crm_core::records::Kind;

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

/// The merge page for two of the workspace's people or companies (`kind`): the fields on which
/// they differ, both values, and what moves. "Not found" unless both are the workspace's.
#[server(prefix = "/api", endpoint = "duplicates/merge-preview")]
pub async fn merge_preview(kind: Kind, keep: String, merge: String) -> Result<MergePage, AppError> {
    as_member(|session, state| async move {
        let workspace = session.viewer.workspace_id;
        crm_backend::merge::preview(&state.db, workspace, kind, &keep, &merge).await
    })
    .await
}
