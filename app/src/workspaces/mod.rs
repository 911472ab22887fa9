//! Workspaces: the tenant boundary. Members belong to workspaces; all customer data lives in one.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod pages;
#[cfg(feature = "ssr")]
pub mod team;

pub use pages::{InvitationPage, WorkspaceSettingsPage};
