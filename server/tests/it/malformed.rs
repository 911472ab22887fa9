//! Requests the server cannot read are the client's mistake: every server function answers a
//! body that is not UTF-8, or that is not its arguments, with a client error and a short message,
//! never a 500 (which would also be logged as the server's own fault).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::support::browser::{CHROME_ON_LINUX, Client, sign_up_and_log_in};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.44",
    user_agent: CHROME_ON_LINUX,
};

#[backend_test]
async fn every_server_function_answers_an_unreadable_body_with_a_client_error(app: TestApp) {
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(_, method)| *method == Method::POST)
        .map(|(path, _)| path)
        .collect();
    paths.sort_unstable();
    assert!(
        paths.len() >= 50,
        "every registered server function is tried: {paths:?}"
    );
    let bodies: [(&str, &[u8]); 3] = [
        ("bytes that are not UTF-8", b"\xff\xfe\x00id=\xc3\x28&\x80"),
        ("not the function's arguments", b"id[=&&[[]]=%zz&fields[[=1"),
        (
            "JSON where a form is expected",
            br#"{"id": [1, 2, {"x": null}]}"#,
        ),
    ];
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical", CLIENT).await;
    let mut wrong = Vec::new();
    for path in &paths {
        for (what, bytes) in bodies {
            for cookie in [Some(ada.as_str()), None] {
                let mut request = Request::post(*path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header("sec-fetch-site", "same-origin");
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                let response = app
                    .request(request.body(Body::from(bytes.to_vec())).expect("request"))
                    .await;
                let status = response.status();
                let body = body_text(response).await;
                let clear = body.len() < 200
                    && !body.contains("Internal")
                    && !body.contains("deserializ")
                    && !body.contains("utf-8");
                // A function with no arguments may ignore the body and answer as usual; any
                // other answer is a client error with a short message of our own.
                if status.is_server_error() || !clear {
                    wrong.push(format!(
                        "{path} ({what}, {}): {status} {body}",
                        if cookie.is_some() {
                            "logged in"
                        } else {
                            "no session"
                        }
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}: {} answers were not a client error with a short message: {wrong:#?}",
        app.label(),
        wrong.len()
    );
}

#[backend_test]
async fn a_body_that_is_not_utf8_is_answered_422_with_the_message_that_the_request_could_not_be_read(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical", CLIENT).await;
    let request = Request::post("/api/records/add-note")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &ada)
        .body(Body::from(b"kind=People&id=\xff\xfe&body=\x80".to_vec()))
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let body = body_text(response).await;
    assert_eq!(body, r#""BadRequest""#, "{}", app.label());
}
