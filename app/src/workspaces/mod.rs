//! Workspaces as members see them: the settings page (members, invitations, roles, handing the
//! workspace over), the invitation page, and switching between workspaces. The workspace table's
//! queries are below accounts, in `crm_backend::workspaces`.

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod posts;

pub use pages::{InvitationPage, WorkspaceSettingsPage};
