//! Server functions the workspace pages load their data with. The changes themselves are plain
//! form POSTs (`server/src/workspace_forms.rs`), which work with and without JavaScript.

use leptos::prelude::*;

use crm_core::error::AppError;
use crm_core::workspaces::{InvitationView, WorkspaceSettings};

/// The members, invitations and workspaces of the logged-in member's current workspace.
#[server(prefix = "/api", endpoint = "workspace/settings")]
pub async fn load_workspace_settings() -> Result<WorkspaceSettings, AppError> {
    use crm_backend::team;
    crate::member::as_member(|session, state| async move {
        let invitations = if session.viewer.role.manages_members() {
            team::pending_invitations(&state, &session).await?
        } else {
            Vec::new()
        };
        Ok(WorkspaceSettings {
            workspace_name: session.viewer.workspace_name.clone(),
            country: session.viewer.workspace_country,
            viewer: session.viewer.member_id,
            viewer_role: session.viewer.role,
            viewer_verified: session.viewer.email_verified,
            members: team::members_of(&state, &session).await?,
            invitations,
            workspaces: team::workspaces_of(&state, &session).await?,
            invite_form: crate::form::posted_form(),
        })
    })
    .await
}

/// What an invitation link shows: to whom, for which workspace, and how to accept.
#[server(prefix = "/api", endpoint = "workspace/invitation")]
pub async fn load_invitation(token: String) -> Result<InvitationView, AppError> {
    let state = crate::context::state()?;
    let session = crate::member::current_session();
    let mut view = crm_backend::team::view(&state, &token, session.as_ref()).await?;
    if let Some(posted) = use_context::<crate::form::PostedForm>() {
        view.form = posted.0;
    }
    Ok(view)
}
