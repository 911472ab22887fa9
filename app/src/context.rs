//! What the server gives the pages and server functions (server only): the router's state, which
//! is the backend's [`AppState`] with the options the pages are rendered with, and the state as a
//! server function or a server-side render reads it from the Leptos context.

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

use crm_backend::config::ConfigError;
use crm_backend::state::AppState;
use crm_core::error::AppError;

/// The router's state: everything a handler needs, including rendering a page. A handler that
/// only reads the backend takes `State<AppState>`; one that renders takes `State<SiteState>`, and
/// reads the backend through it as through an [`AppState`].
#[derive(Clone, Debug)]
pub struct SiteState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

impl SiteState {
    pub fn new(app: AppState, leptos: LeptosOptions) -> Self {
        Self { app, leptos }
    }
}

impl Deref for SiteState {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.app
    }
}

impl FromRef<SiteState> for AppState {
    fn from_ref(site: &SiteState) -> Self {
        site.app.clone()
    }
}

impl FromRef<SiteState> for LeptosOptions {
    fn from_ref(site: &SiteState) -> Self {
        site.leptos.clone()
    }
}

/// The options the pages are rendered with (cargo-leptos passes them as `LEPTOS_*` variables),
/// serving at `listen_addr`.
pub fn leptos_options(listen_addr: SocketAddr) -> Result<LeptosOptions, ConfigError> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|e| ConfigError::new("LEPTOS_*", e.to_string()))?
        .leptos_options;
    options.site_addr = listen_addr;
    Ok(options)
}

/// The state, from inside a server function or a component rendering on the server.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState is missing from the Leptos context"))
}

/// What every server render needs: the state for server functions, and the request's CSP nonce.
pub fn provide_render_context(state: &AppState) {
    provide_context(state.clone());
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(Nonce::from_value(value));
    }
}

/// The CSP nonce of one request, which the security-headers middleware makes and names in the
/// `Content-Security-Policy`; the Leptos renderer stamps it on the scripts it writes.
#[derive(Clone, Debug)]
pub struct CspNonce(Arc<str>);

impl CspNonce {
    /// 128 random bits, in hex.
    pub fn generate() -> Self {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        Self(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                .into(),
        )
    }

    pub fn value(&self) -> &str {
        &self.0
    }
}
