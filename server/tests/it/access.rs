//! Without a session, the logged-in CRM's server functions answer nothing: every one of them
//! answers 401 (or, when the request does not even carry its arguments, a client error), never a
//! success, a redirect or a server error.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

/// The server functions that strangers may call: the public site's (consent, the demo form, the
/// policy and its versions) and the pages before logging in (sign-up, links from e-mails,
/// invitations).
const PUBLIC: [&str; 11] = [
    "/api/accounts/form",
    "/api/accounts/link",
    "/api/accounts/signup-form",
    "/api/consent/gpc",
    "/api/consent/save",
    "/api/demo/form",
    "/api/policy/compare",
    "/api/policy/current",
    "/api/policy/version",
    "/api/policy/versions",
    "/api/workspace/invitation",
];

/// Logged-in functions without arguments: an empty body is all they take, so nothing but the
/// missing session can refuse them.
const WITHOUT_ARGUMENTS: [&str; 6] = [
    "/api/accounts/me",
    "/api/accounts/sessions",
    "/api/accounts/profile",
    "/api/workspace/settings",
    "/api/dashboard/summary",
    "/api/opportunities/stages",
];

async fn post_without_session(app: &TestApp, path: &str) -> (StatusCode, String) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .expect("request");
    let response = app.request(request).await;
    let status = response.status();
    (status, body_text(response).await)
}

#[backend_test]
async fn without_a_session_every_server_function_of_the_crm_answers_401_and_gives_nothing_away(
    app: TestApp,
) {
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(_, method)| *method == Method::POST)
        .map(|(path, _)| path)
        .filter(|path| !PUBLIC.contains(path))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert!(
        paths.len() >= 40,
        "every registered server function is tried: {paths:?}"
    );
    for path in WITHOUT_ARGUMENTS {
        assert!(
            paths.contains(&path),
            "{path} is a registered server function"
        );
    }
    let mut wrong = Vec::new();
    for path in paths {
        let (status, body) = post_without_session(&app, path).await;
        let expected = if WITHOUT_ARGUMENTS.contains(&path) {
            status == StatusCode::UNAUTHORIZED
        } else {
            status == StatusCode::UNAUTHORIZED
                || status == StatusCode::BAD_REQUEST
                || status == StatusCode::UNPROCESSABLE_ENTITY
        };
        if !expected {
            wrong.push(format!("{path}: {status} {body}"));
        }
        // The error and nothing else (the page words it: "Please log in to continue.").
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(body, r#""Unauthorized""#, "{path}");
        }
    }
    assert!(
        wrong.is_empty(),
        "{}: answered without a session: {wrong:#?}",
        app.label()
    );
}
