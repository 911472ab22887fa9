//! The Request-a-Demo form, as a browser without JavaScript and as the page script use it.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use sqlx::Row;

use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

/// A form as a person fills it, shown `age_ms` ago.
fn form(app: &TestApp, age_ms: i64, overrides: &[(&str, &str)]) -> String {
    let stamp = crm_backend::demo::stamp::issue(
        app.state.config.secret_key.expose(),
        app.state.db.now_millis() - age_ms,
    );
    let mut fields: Vec<(String, String)> = [
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("company", "Analytical Engines"),
        ("phone", "+44 20 7946 0958"),
        ("team_size", "6-20"),
        ("message", "Show us the pipeline board."),
        ("marketing", "on"),
        ("policy_version", "1"),
        ("website", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fields.push(("stamp".into(), stamp));
    for (key, value) in overrides {
        fields.retain(|(k, _)| k != key);
        if !value.is_empty() || *key == "website" {
            fields.push(((*key).to_owned(), (*value).to_owned()));
        }
    }
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn post_form(app: &TestApp, body: String, ip: &str) -> axum::http::Response<Body> {
    let mut request = Request::post("/demo")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(body))
        .expect("request");
    let addr: SocketAddr = format!("{ip}:40000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(addr));
    app.request(request).await
}

async fn lead_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM leads")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

#[backend_test]
async fn the_demo_page_is_a_form_that_works_without_javascript(app: TestApp) {
    let response = app.get("/demo").await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    let html = body_text(response).await;
    // Rendered in place, not streamed behind a loading placeholder that only a script
    // could replace.
    assert!(!html.contains("Loading the form"), "{}", app.label());
    assert!(html.contains(r#"method="post""#) && html.contains(r#"action="/demo""#));
    for (id, label) in [
        ("demo-name", "Your name"),
        ("demo-email", "Work e-mail"),
        ("demo-company", "Company"),
        ("demo-phone", "Phone"),
        ("demo-team_size", "Team size"),
        ("demo-message", "What would you like to see?"),
    ] {
        assert!(
            html.contains(&format!(r#"<label for="{id}">{label}"#)),
            "label for {id}"
        );
    }
    assert!(
        html.contains(r#"name="stamp""#),
        "the signed fill-time stamp"
    );
    assert!(html.contains(r#"name="website""#), "the honeypot");
    assert!(html.contains(r#"name="policy_version" value="1""#));
    assert!(
        !html.contains(r#"name="marketing" type="checkbox" checked"#),
        "the marketing box starts unticked"
    );
    assert!(html.contains(r#"<a href="/privacy">privacy policy</a>"#));
}

#[backend_test]
async fn an_accepted_request_becomes_a_lead_in_the_vendor_workspace_and_an_email_to_sales(
    app: TestApp,
) {
    let before = app.state.db.now_millis();
    let response = post_form(&app, form(&app, 5_000, &[]), "198.51.100.1").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(response.headers()[header::LOCATION], "/demo/thanks");

    let thanks = body_text(app.get("/demo/thanks").await).await;
    assert!(thanks.contains("Thanks for your interest."));
    assert!(thanks.contains("A product specialist will contact you soon."));

    let row = sqlx::query(
        "SELECT workspace_id, name, email, company_name, status, source, team_size,
                    marketing_consent, marketing_consent_at, policy_version
             FROM leads",
    )
    .fetch_one(app.state.db.pool())
    .await
    .expect("one lead");
    let text = |column: &str| row.get::<String, _>(column);
    assert_eq!(text("workspace_id"), app.state.vendor_workspace.to_string());
    assert_eq!(text("name"), "Ada Lovelace");
    assert_eq!(text("email"), "ada@example.com");
    assert_eq!(text("company_name"), "Analytical Engines");
    assert_eq!(text("status"), "new");
    assert_eq!(text("source"), "Request a Demo");
    assert_eq!(text("team_size"), "6-20");
    assert_eq!(row.get::<i64, _>("marketing_consent"), 1);
    let consent_at: i64 = row.get("marketing_consent_at");
    assert!(consent_at >= before && consent_at <= app.state.db.now_millis());
    assert_eq!(row.get::<i64, _>("policy_version"), 1);

    // The sales e-mail was queued with the lead and is delivered as an .eml file.
    crm_backend::mail::deliver_due(&app.state.db, &app.state.config, app.state.db.now_millis())
        .await
        .expect("delivery");
    let outbox = app.state.config.outbox_dir();
    let files: Vec<_> = std::fs::read_dir(&outbox).expect("outbox folder").collect();
    assert_eq!(files.len(), 1, "{}", app.label());
    let eml = std::fs::read_to_string(files[0].as_ref().expect("entry").path()).expect("eml");
    assert!(eml.contains("To: sales@candor-crm.example"));
    assert!(eml.contains("Reply-To: ada@example.com"));
    assert!(eml.contains("Subject: Demo request: Analytical Engines"));
    assert!(eml.contains("Marketing e-mail: yes"));
}

#[backend_test]
async fn an_unticked_marketing_box_is_recorded_as_a_refusal_with_its_time(app: TestApp) {
    let response = post_form(
        &app,
        form(&app, 5_000, &[("marketing", "")]),
        "198.51.100.2",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (consent, at): (i64, Option<i64>) = {
        let row = sqlx::query("SELECT marketing_consent, marketing_consent_at FROM leads")
            .fetch_one(app.state.db.pool())
            .await
            .expect("lead");
        (
            row.get("marketing_consent"),
            row.get("marketing_consent_at"),
        )
    };
    assert_eq!(consent, 0, "{}", app.label());
    assert!(at.is_some());
}

#[backend_test]
async fn invalid_fields_are_shown_beside_their_inputs_and_nothing_typed_is_lost(app: TestApp) {
    let body = form(
        &app,
        5_000,
        &[("name", ""), ("email", "ada@"), ("team_size", "")],
    );
    let response = post_form(&app, body, "198.51.100.3").await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let html = body_text(response).await;
    assert!(html.contains("Enter your name."));
    assert!(html.contains("Enter an e-mail address like name@example.com."));
    assert!(html.contains("Choose the size of your team."));
    assert!(html.contains("There are 3 problems with the form"));
    assert!(html.contains(r#"id="demo-email-error""#));
    assert!(html.contains(r#"aria-describedby="demo-email-error""#));
    assert!(html.contains(r#"aria-invalid="true""#));
    // What was typed is still there, and focus goes to the first field to fix.
    assert!(html.contains(r#"value="ada@""#));
    assert!(html.contains(r#"value="Analytical Engines""#));
    assert!(html.contains("Show us the pipeline board."));
    let name_input = html.split(r#"id="demo-name""#).nth(1).expect("name input");
    assert!(name_input[..name_input.find('>').expect("tag end")].contains("autofocus"));
    assert_eq!(lead_count(&app).await, 0);
}

#[backend_test]
async fn a_filled_honeypot_looks_like_success_but_stores_nothing(app: TestApp) {
    let body = form(&app, 5_000, &[("website", "http://spam.example")]);
    let response = post_form(&app, body, "198.51.100.4").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(lead_count(&app).await, 0);
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(queued, 0);
}

#[backend_test]
async fn a_form_sent_faster_than_a_person_types_is_refused_and_kept(app: TestApp) {
    let response = post_form(&app, form(&app, 500, &[]), "198.51.100.5").await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let html = body_text(response).await;
    assert!(html.contains("That was quick!"));
    assert!(html.contains(r#"value="Ada Lovelace""#));
    assert_eq!(lead_count(&app).await, 0);

    let forged = form(&app, 5_000, &[("stamp", "1.deadbeef")]);
    let response = post_form(&app, forged, "198.51.100.5").await;
    let html = body_text(response).await;
    assert!(
        html.contains("has expired"),
        "a forged stamp is treated as expired"
    );
    assert_eq!(lead_count(&app).await, 0);
}

#[backend_test]
async fn too_many_requests_from_one_address_get_a_friendly_429_page(app: TestApp) {
    use crm_backend::demo::service::DEMO_LIMIT;
    for _ in 0..DEMO_LIMIT.max_attempts {
        let response = post_form(&app, form(&app, 5_000, &[("name", "")]), "203.0.113.9").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = post_form(&app, form(&app, 5_000, &[]), "203.0.113.9").await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        app.label()
    );
    assert_eq!(response.headers()[header::RETRY_AFTER], "900");
    let html = body_text(response).await;
    assert!(html.contains("please wait 15 minutes"));
    assert!(
        html.contains(r#"value="Ada Lovelace""#),
        "the form keeps what was typed"
    );
    assert_eq!(lead_count(&app).await, 0);

    // Another address is not affected.
    let response = post_form(&app, form(&app, 5_000, &[]), "203.0.113.10").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[backend_test]
async fn an_ipv6_client_is_limited_by_its_64_block_not_by_each_address_in_it(app: TestApp) {
    use crm_backend::demo::service::DEMO_LIMIT;
    // Every request from another address of the same /64, as one client may send them.
    for host in 1..=DEMO_LIMIT.max_attempts {
        let ip = format!("[2001:db8:1:2::{host:x}]");
        let response = post_form(&app, form(&app, 5_000, &[("name", "")]), &ip).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.label()
        );
    }
    let response = post_form(&app, form(&app, 5_000, &[]), "[2001:db8:1:2:ffff::9]").await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        app.label()
    );
    assert_eq!(lead_count(&app).await, 0);

    // The next /64 is another client.
    let response = post_form(&app, form(&app, 5_000, &[]), "[2001:db8:1:3::1]").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
}

/// The page script's check of the form as the visitor has typed it so far.
async fn post_check(app: &TestApp, body: &str) -> axum::http::Response<Body> {
    let mut request = Request::post("/demo/check")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request");
    let addr: SocketAddr = "198.51.100.7:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(addr));
    app.request(request).await
}

#[backend_test]
async fn the_page_scripts_check_shows_the_problems_of_the_checked_fields_only_and_stores_nothing(
    app: TestApp,
) {
    let label = app.label();
    // The e-mail address is wrong and the name and team size are missing; only the e-mail
    // address and the team size were checked (left by the visitor).
    let body =
        "name=&email=ada%40&company=Engines&team_size=&message=Hi&check=email,team_size,nonsense";
    let response = post_check(&app, body).await;
    assert_eq!(response.status(), StatusCode::OK, "{label}");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let html = body_text(response).await;
    assert!(html.contains(r#"id="demo-email-error""#), "{label}");
    assert!(html.contains("Enter an e-mail address like name@example.com."));
    assert!(html.contains(r#"id="demo-team_size-error""#));
    assert!(html.contains("There are 2 problems with the form"));
    assert!(
        !html.contains(r#"id="demo-name-error""#),
        "the name was not checked"
    );
    // What was typed comes back, and the page is the demo page, a document.
    assert!(html.contains(r#"value="Engines""#));
    assert!(html.contains("<title>Request a demo · Candor CRM</title>"));
    assert!(!html.contains("/pkg/crm.js"));

    // Fixed fields have no problem; nothing is stored and no attempt is counted, so the
    // real request is accepted after more checks than the limit allows requests.
    let fixed = "name=Ada&email=ada%40example.com&company=Engines&team_size=6-20&check=name,email,company,team_size";
    for _ in 0..(crm_backend::demo::service::DEMO_LIMIT.max_attempts + 2) {
        let html = body_text(post_check(&app, fixed).await).await;
        assert!(!html.contains("field__error"), "{label}: {html}");
    }
    assert_eq!(lead_count(&app).await, 0, "{label}");
    let response = post_form(&app, form(&app, 5_000, &[]), "198.51.100.7").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{label}");
    assert_eq!(lead_count(&app).await, 1, "{label}");
}

#[backend_test]
async fn hostile_and_oversized_values_are_refused_or_shown_as_text_and_kept(app: TestApp) {
    let long_name = "N".repeat(101);
    let body = form(
        &app,
        5_000,
        &[
            ("name", long_name.as_str()),
            ("company", "Evil\r\nBcc: victim@example.com"),
            ("email", "a@example.com\r\nBcc: victim@example.com"),
            ("message", "</textarea><script>alert(1)</script> & more"),
            ("policy_version", "not a number"),
        ],
    );
    let response = post_form(&app, body, "198.51.100.6").await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let html = body_text(response).await;
    assert!(html.contains("Your name can be at most 100 characters long."));
    assert!(html.contains("The company name cannot contain control characters."));
    assert!(html.contains("Enter an e-mail address like name@example.com."));
    // Markup typed into the form comes back as text, never as markup.
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        !html.contains("</textarea><script>"),
        "the textarea cannot be closed"
    );
    assert!(
        html.contains("&lt;/textarea>&lt;script>alert(1)&lt;/script> &amp; more"),
        "shown as the visitor typed it"
    );
    assert!(html.contains(&format!(r#"value="{long_name}""#)), "kept");
    assert_eq!(lead_count(&app).await, 0);

    // A damaged post (not even form-encoded) is answered with the form's own messages.
    let mut request = Request::post("/demo")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\": 1}"))
        .expect("request");
    request.extensions_mut().insert(ConnectInfo::<SocketAddr>(
        "198.51.100.6:1".parse().expect("addr"),
    ));
    let response = app.request(request).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(response).await.contains("Enter your name."));
}
