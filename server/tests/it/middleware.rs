use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::{get, post};
use tower::ServiceExt;

use crate::support::{TestApp, body_text, test_config, test_leptos_options};
use crm_test_macros::backend_test;

#[backend_test]
async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in ["/", "/no/such/page", "/healthz", "/readyz", "/robots.txt"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin", "{path}");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{path}");
        assert!(
            !headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
            "plain http has no HSTS"
        );
    }
}

#[tokio::test]
async fn https_sites_send_strict_transport_security() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = test_config(
        "sqlite://unused.db",
        data_dir.path(),
        &[("SITE_URL", "https://crm.example.com")],
    );
    let router = server::apply_middleware(
        Router::new().route("/", get(|| async { "hi" })),
        &config,
        &test_leptos_options(&config),
    );
    let response = router
        .oneshot(Request::get("/").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .expect("ascii")
            .starts_with("max-age=")
    );
}

#[backend_test]
async fn each_response_gets_a_fresh_request_id_and_a_client_supplied_one_is_ignored(app: TestApp) {
    let request = Request::get("/healthz")
        .header("x-request-id", "attacker <script> controlled")
        .body(Body::empty())
        .expect("request");
    let first = app.request(request).await;
    let id = first.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(id, "attacker <script> controlled");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let second = app.get("/healthz").await;
    assert_ne!(
        second.headers()["x-request-id"].to_str().expect("ascii"),
        id
    );
}

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

#[tokio::test]
async fn a_panicking_handler_gets_a_500_page_and_the_server_keeps_serving() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = test_config("sqlite://unused.db", data_dir.path(), &[]);
    let routes = Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "still here" }));
    let router = server::apply_middleware(routes, &config, &test_leptos_options(&config));

    let response = router
        .clone()
        .oneshot(Request::get("/boom").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    );
    let html = body_text(response).await;
    assert!(html.contains("<h1>Something went wrong</h1>"));
    assert!(
        !html.contains("a bug in a handler"),
        "the panic message stays on the server"
    );

    let response = router
        .oneshot(Request::get("/fine").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_text(response).await, "still here");
}

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = test_config("sqlite://unused.db", data_dir.path(), &[]);
    let routes = Router::new().route(
        "/echo",
        post(|body: String| async move { body.len().to_string() }),
    );
    let router = server::apply_middleware(routes, &config, &test_leptos_options(&config));

    let small = router
        .clone()
        .oneshot(
            Request::post("/echo")
                .body(Body::from("x".repeat(1024)))
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(small.status(), StatusCode::OK);

    let huge = vec![b'x'; 3 * 1024 * 1024];
    let response = router
        .oneshot(
            Request::post("/echo")
                .header(header::CONTENT_LENGTH, huge.len())
                .body(Body::from(huge))
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
