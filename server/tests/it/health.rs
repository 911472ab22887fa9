use std::sync::Arc;

use axum::http::StatusCode;
use crm_backend::db::Db;
use crm_backend::state::AppState;
use tower::ServiceExt;

use crate::support::{TestApp, body_text, test_config, test_leptos_options};
use crm_test_macros::backend_test;

#[backend_test]
async fn healthz_answers_ok(app: TestApp) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(body_text(response).await, "ok");
}

#[backend_test]
async fn readyz_is_ready_when_the_database_answers_and_is_migrated(app: TestApp) {
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    let body: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("json");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], "reachable");
    assert_eq!(body["pending_migrations"], serde_json::json!([]));
}

#[tokio::test]
async fn readyz_is_unavailable_while_migrations_are_pending() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/unmigrated.db", data_dir.path().display());
    let config = test_config(&url, data_dir.path(), &[]);
    let leptos = test_leptos_options(&config);
    let db = Db::connect(&config.database_url).await.expect("open");
    let state = AppState {
        db: db.clone(),
        config: Arc::new(config),
        vendor_workspace: "00000000-0000-4000-8000-000000000000"
            .parse()
            .expect("uuid"),
        outbox: Default::default(),
        bulk_jobs: Default::default(),
        faults: Default::default(),
        passwords: Default::default(),
    };
    let router = server::build_router(app::context::SiteState::new(state, leptos));
    let response = router
        .oneshot(
            axum::http::Request::get("/readyz")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("json");
    assert_eq!(body["status"], "not ready");
    assert!(
        !body["pending_migrations"]
            .as_array()
            .expect("array")
            .is_empty()
    );
    db.close().await;
}

#[backend_test]
async fn readyz_is_unavailable_when_the_database_is_gone(app: TestApp) {
    app.state.db.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        app.label()
    );
    let body: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("json");
    assert_eq!(body["database"], "unreachable");
    app.database.cleanup().await;
}
