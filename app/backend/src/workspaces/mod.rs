//! Workspaces, the tenant boundary: members belong to workspaces, and all customer data lives in
//! one. The table's queries, below accounts (sign-up creates a workspace) and the team (members
//! and invitations).

pub mod db;
