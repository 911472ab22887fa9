//! Liveness and readiness for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use crm_backend::state::AppState;
use serde_json::json;

/// `/healthz`: the process is up and answering.
pub async fn live() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-store")], "ok")
}

/// `/readyz`: the database answers and every migration this binary knows has been applied.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let readiness = state.db.readiness().await;
    let status = if readiness.is_ready() {
        StatusCode::OK
    } else {
        tracing::warn!(?readiness, "not ready");
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if readiness.is_ready() { "ready" } else { "not ready" },
        "database": if readiness.database_reachable { "reachable" } else { "unreachable" },
        "pending_migrations": readiness.pending_migrations,
    });
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body))
}
