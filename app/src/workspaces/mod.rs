//! Workspaces: the tenant boundary. Members belong to workspaces; all customer data lives in one.

#[cfg(feature = "ssr")]
pub mod db;
pub mod model;

pub use model::{Workspace, WorkspaceId, WorkspaceKind, WorkspaceName};
