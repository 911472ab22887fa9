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

/// A write to `path` with the session cookie and the given headers saying where it comes from;
/// returns the status.
async fn write_from(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    cookie: &str,
    headers: &[(&str, &str)],
) -> StatusCode {
    let mut builder = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = crate::support::browser::encode(fields);
    app.request(builder.body(Body::from(body)).expect("request"))
        .await
        .status()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

#[backend_test]
async fn writes_with_the_session_are_refused_from_another_origin_or_when_they_say_nowhere(
    app: TestApp,
) {
    use crate::support::browser::{CHROME_ON_LINUX, Client, add_record, sign_up_and_log_in};

    let client = Client {
        ip: "198.51.100.30",
        user_agent: CHROME_ON_LINUX,
    };
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", client).await;
    let grace = add_record(
        &app,
        &ada,
        "/app/people",
        &[("first_name", "Grace"), ("last_name", "Hopper")],
        client,
    )
    .await;
    let site = app.state.config.site_url.origin().ascii_serialization();
    let other_scheme = site.replacen("http://", "https://", 1);
    let other_port = format!("{site}1");
    // A form of the CRM and a server function, each refused four ways and taken one way.
    let person = [("first_name", "Ada"), ("last_name", "Lovelace")];
    let note = [
        ("kind", "People"),
        ("id", grace.as_str()),
        ("body", "Met at the conference."),
    ];
    for (path, fields, table) in [
        ("/app/people/new", &person[..], "people"),
        ("/api/records/add-note", &note[..], "notes"),
    ] {
        let before = count(&app, table).await;
        for (why, headers) in [
            ("another site", vec![("sec-fetch-site", "cross-site")]),
            ("another scheme", vec![("origin", other_scheme.as_str())]),
            ("another port", vec![("origin", other_port.as_str())]),
            ("nowhere", vec![]),
        ] {
            assert_eq!(
                write_from(&app, path, fields, &ada, &headers).await,
                StatusCode::FORBIDDEN,
                "{path} from {why} on {}",
                app.label()
            );
        }
        assert_eq!(
            count(&app, table).await,
            before,
            "nothing was written by {path}"
        );
        // An older browser that sends only Origin, this site's.
        let taken = write_from(&app, path, fields, &ada, &[("origin", site.as_str())]).await;
        assert!(
            taken.is_success() || taken.is_redirection(),
            "{path}: {taken} on {}",
            app.label()
        );
        assert_eq!(
            count(&app, table).await,
            before + 1,
            "{path} on {}",
            app.label()
        );
    }
}
