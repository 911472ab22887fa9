//! The state every handler and server function shares: one pool, the configuration, and the id of
//! the vendor's own workspace. The app gives it to server functions through Leptos context
//! (`app::context::state`).

use std::sync::Arc;

use crm_core::ids::WorkspaceId;

use crate::config::Config;
use crate::db::Db;
use crate::faults::Faults;
use crate::hash_gate::HashGate;
use crate::mail::OutboxSignal;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The operators' workspace, created on first start.
    pub vendor_workspace: WorkspaceId,
    /// Wakes the e-mail worker when a request has queued mail.
    pub outbox: OutboxSignal,
    /// Wakes the bulk-job worker when a member has started a bulk action over a whole list.
    pub bulk_jobs: crate::wake::Wake,
    /// Faults the tests inject; none in the product.
    pub faults: Faults,
    /// The ceiling on password hashes running at once, shared by every request of the process.
    pub passwords: HashGate,
}
