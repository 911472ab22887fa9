//! The state every handler and server function shares: one pool, the configuration, and the id of
//! the vendor's own workspace. Provided to server functions through Leptos context.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;

use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;

use crate::config::Config;
use crate::db::Db;
use crate::faults::Faults;
use crate::mail::OutboxSignal;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The operators' workspace, created on first start.
    pub vendor_workspace: WorkspaceId,
    /// Wakes the e-mail worker when a request has queued mail.
    pub outbox: OutboxSignal,
    /// Faults the tests inject; none in the product.
    pub faults: Faults,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.config.leptos.clone()
    }
}

/// The state, from inside a server function or a component rendering on the server.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState is missing from the Leptos context"))
}
