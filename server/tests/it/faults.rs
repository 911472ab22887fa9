//! Bugs in the product's own code, injected where a member's request is handled (the `Faults` in
//! the server's state, which only tests can arm): a panic in a server function's body, and so in
//! every page that loads its data through one while the server renders it. Each request answers
//! 500 with the generic page, never the panic's text, and without hanging, while many such
//! requests are in flight; and the server goes on serving once the fault is gone.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use crate::support::browser::{CHROME_ON_LINUX, Client, sign_up_and_log_in};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.91",
    user_agent: CHROME_ON_LINUX,
};

/// What the panic says (`crm_backend::faults`); it must never reach a browser.
const PANIC_TEXT: &str = "a fault injected by a test";

/// How many pages and server-function calls are in flight at once while the fault is armed.
const IN_FLIGHT: usize = 16;

/// A page that loads its data through server functions while the server renders it, or a server
/// function called as the browser calls it: the status and the body, or a failure naming the
/// request if there is no answer within a minute.
async fn ask(router: Router, cookie: String, page: bool) -> (StatusCode, String) {
    let request = if page {
        Request::get("/app/tasks")
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
    } else {
        Request::post("/api/tasks/list")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from("query[status]=open"))
    }
    .expect("request");
    let what = if page {
        "GET /app/tasks"
    } else {
        "POST /api/tasks/list"
    };
    let response = tokio::time::timeout(Duration::from_secs(60), router.oneshot(request))
        .await
        .unwrap_or_else(|_| panic!("{what} got no answer within 60 s"))
        .expect("the router never fails");
    let status = response.status();
    (status, format!("{what}: {}", body_text(response).await))
}

/// `IN_FLIGHT` requests at once, pages and server functions alternately, each a task of its own.
async fn many_at_once(router: &Router, cookie: &str) -> Vec<(StatusCode, String)> {
    let tasks: Vec<_> = (0..IN_FLIGHT)
        .map(|i| tokio::spawn(ask(router.clone(), cookie.to_owned(), i % 2 == 0)))
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.expect("a request task never panics"));
    }
    answers
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn a_panic_in_a_server_function_or_a_page_render_answers_500_without_its_text_and_serving_goes_on(
    app: TestApp,
) {
    let label = app.label();
    let cookie = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    for (status, body) in many_at_once(&app.router, &cookie).await {
        assert_eq!(status, StatusCode::OK, "{label}, before the fault: {body}");
    }

    app.state.faults.panic_in_server_functions(true);
    for (status, body) in many_at_once(&app.router, &cookie).await {
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{label}: {body}");
        assert!(
            body.contains("Something went wrong"),
            "{label}, the generic page: {body}"
        );
        assert!(
            !body.contains(PANIC_TEXT),
            "{label}, the panic's text stays on the server"
        );
    }

    app.state.faults.panic_in_server_functions(false);
    for (status, body) in many_at_once(&app.router, &cookie).await {
        assert_eq!(status, StatusCode::OK, "{label}, after the fault: {body}");
    }
}
