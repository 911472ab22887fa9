//! Cookie consent as the server enforces it: the banner until a choice, the plain form POSTs,
//! the server functions, the ledger, Global Privacy Control, withdrawal and the analytics
//! endpoint that stores nothing without consent.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use crm_core::storage;
use sqlx::Row;

use crm_core::consent::{Choices, ConsentId, ConsentRecord, MAX_AGE_MS};
use crm_core::storage::REVISION;

use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

fn with_ip(mut request: Request<Body>) -> Request<Body> {
    let addr: SocketAddr = "198.51.100.20:40000".parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Response<Body> {
    let mut builder = Request::get(path).header(header::ACCEPT, "text/html");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    app.request(with_ip(builder.body(Body::empty()).expect("request")))
        .await
}

async fn post_choice(app: &TestApp, body: &str, headers: &[(&str, &str)]) -> Response<Body> {
    let mut builder = Request::post("/consent")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    app.request(with_ip(
        builder.body(Body::from(body.to_owned())).expect("request"),
    ))
    .await
}

/// The `Set-Cookie` values of a response, as `(name, value, whole header)`.
fn set_cookies(response: &Response<Body>) -> Vec<(String, String, String)> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|text| {
            let (name, rest) = text.split_once('=')?;
            let value = rest.split(';').next().unwrap_or_default();
            Some((name.to_owned(), value.to_owned(), text.to_owned()))
        })
        .collect()
}

fn consent_set_by(response: &Response<Body>) -> ConsentRecord {
    let (_, value, _) = set_cookies(response)
        .into_iter()
        .find(|(name, _, _)| name == "candor_consent")
        .expect("the response stores the choice");
    ConsentRecord::from_cookie_value(&value).expect("a well-formed record")
}

fn cookie_header(record: &ConsentRecord) -> String {
    format!("candor_consent={}", record.to_cookie_value())
}

async fn ledger(app: &TestApp) -> Vec<(String, String, i64, i64, i64)> {
    sqlx::query("SELECT action, source, analytics, marketing, gpc FROM consent_ledger ORDER BY id")
        .fetch_all(app.state.db.pool())
        .await
        .expect("ledger")
        .iter()
        .map(|row| {
            (
                row.get("action"),
                row.get("source"),
                row.get("analytics"),
                row.get("marketing"),
                row.get("gpc"),
            )
        })
        .collect()
}

async fn page_views(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT path FROM page_views ORDER BY id")
        .fetch_all(app.state.db.pool())
        .await
        .expect("page views")
}

fn record(choices: Choices, decided_at: i64) -> ConsentRecord {
    ConsentRecord {
        id: ConsentId::parse("00112233445566778899aabbccddeeff").expect("id"),
        revision: REVISION.to_owned(),
        decided_at: Some(decided_at),
        choices,
        gpc: false,
    }
}

#[backend_test]
async fn a_first_visit_shows_the_banner_with_three_plain_form_buttons_and_no_analytics(
    app: TestApp,
) {
    let response = get_with(&app, "/privacy", &[]).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    assert!(
        set_cookies(&response).is_empty(),
        "nothing is stored before a choice"
    );
    let html = body_text(response).await;
    assert!(
        html.contains(r#"class="consent-banner""#),
        "{}",
        app.label()
    );
    assert!(html.contains(r#"action="/consent""#));
    for (value, label) in [
        ("accept_all", "Accept all"),
        ("reject_all", "Reject all"),
        ("customize", "Customize"),
    ] {
        assert!(
            html.contains(&format!(r#"value="{value}""#)) && html.contains(label),
            "{label}"
        );
    }
    assert!(html.contains(r#"name="return_to" value="/privacy""#));
    assert!(
        !html.contains("/analytics.js"),
        "no analytics before consent"
    );
}

#[backend_test]
async fn accept_all_without_javascript_records_the_choice_and_returns_to_the_page(app: TestApp) {
    let response = post_choice(
        &app,
        "choice=accept_all&source=banner&return_to=%2Fdemo",
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(response.headers()[header::LOCATION], "/demo");
    let (_, _, whole) = set_cookies(&response)
        .into_iter()
        .find(|(name, _, _)| name == "candor_consent")
        .expect("consent cookie");
    assert!(whole.contains("HttpOnly") && whole.contains("SameSite=Lax"));
    assert!(whole.contains(&format!("Max-Age={}", MAX_AGE_MS / 1000)));
    let stored = consent_set_by(&response);
    assert_eq!(stored.choices, Choices::ALL);
    assert_eq!(stored.revision, REVISION);
    assert_eq!(
        ledger(&app).await,
        [("accept_all".into(), "no_js_form".into(), 1, 1, 0)]
    );

    let html =
        body_text(get_with(&app, "/demo", &[("cookie", &cookie_header(&stored))]).await).await;
    assert!(
        !html.contains(r#"class="consent-banner""#),
        "the banner is gone"
    );
    assert!(
        html.contains(r#"src="/analytics.js""#),
        "analytics is rendered"
    );
}

#[backend_test]
async fn reject_all_renders_no_analytics_and_the_endpoint_stores_nothing(app: TestApp) {
    let response = post_choice(&app, "choice=reject_all&source=banner&return_to=%2F", &[]).await;
    let stored = consent_set_by(&response);
    assert_eq!(stored.choices, Choices::NONE);
    let cookie = cookie_header(&stored);
    let html = body_text(get_with(&app, "/", &[("cookie", &cookie)]).await).await;
    assert!(!html.contains("analytics.js") && !html.contains(r#"class="consent-banner""#));

    let view = app
        .request(with_ip(
            Request::post("/api/analytics/page-view")
                .header("cookie", &cookie)
                .header("sec-fetch-site", "same-origin")
                .body(Body::from("/"))
                .expect("request"),
        ))
        .await;
    assert_eq!(view.status(), StatusCode::NO_CONTENT);
    assert!(
        set_cookies(&view).is_empty(),
        "no visit cookie without consent"
    );
    assert!(page_views(&app).await.is_empty(), "{}", app.label());
    assert_eq!(
        ledger(&app).await,
        [("reject_all".into(), "no_js_form".into(), 0, 0, 0)]
    );
}

#[backend_test]
async fn with_analytics_allowed_page_views_are_stored_without_their_query_string(app: TestApp) {
    let cookie = cookie_header(&record(Choices::ALL, app.state.db.now_millis() - 1000));
    let view = app
        .request(with_ip(
            Request::post("/api/analytics/page-view")
                .header("cookie", &cookie)
                .body(Body::from("/demo?email=ada@example.com"))
                .expect("request"),
        ))
        .await;
    assert_eq!(view.status(), StatusCode::NO_CONTENT, "{}", app.label());
    assert!(
        set_cookies(&view)
            .iter()
            .any(|(name, _, whole)| name == "candor_visit" && whole.contains("Max-Age=1800"))
    );
    assert_eq!(page_views(&app).await, ["/demo"]);

    let bad = app
        .request(with_ip(
            Request::post("/api/analytics/page-view")
                .header("cookie", &cookie)
                .body(Body::from("https://elsewhere.example/"))
                .expect("request"),
        ))
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(bad).await.contains("path of a page on this site"));

    let huge = app
        .request(with_ip(
            Request::post("/api/analytics/page-view")
                .header("cookie", &cookie)
                .body(Body::from(format!("/{}", "a".repeat(5000))))
                .expect("request"),
        ))
        .await;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body_text(huge).await.contains("too long"));
    assert_eq!(page_views(&app).await, ["/demo"], "nothing more was stored");
}

#[backend_test]
async fn withdrawing_analytics_on_the_settings_page_deletes_its_cookie_and_is_recorded(
    app: TestApp,
) {
    let accepted = record(Choices::ALL, app.state.db.now_millis() - 1000);
    let cookies = format!(
        "{}; candor_visit=00112233445566778899aabbccddeeff",
        cookie_header(&accepted)
    );
    let settings = body_text(
        get_with(
            &app,
            "/cookies/settings?return_to=%2Fprivacy",
            &[("cookie", &cookies)],
        )
        .await,
    )
    .await;
    assert!(
        settings.contains(r#"name="return_to" value="/privacy""#),
        "{}",
        app.label()
    );
    assert!(settings.contains(r#"id="consent-page-analytics""#));

    let response = post_choice(
        &app,
        "choice=custom&source=settings_page&return_to=%2Fprivacy&preferences=on",
        &[("cookie", &cookies)],
    )
    .await;
    assert_eq!(response.headers()[header::LOCATION], "/privacy");
    let set = set_cookies(&response);
    assert!(
        set.iter().any(|(name, value, whole)| name == "candor_visit"
            && value.is_empty()
            && whole.contains("Max-Age=0")),
        "the analytics cookie is deleted: {set:?}"
    );
    let stored = consent_set_by(&response);
    assert!(stored.choices.preferences && !stored.choices.analytics);
    assert_eq!(
        stored.id, accepted.id,
        "the same consent id keeps its history"
    );
    assert_eq!(
        ledger(&app).await,
        [("withdraw".into(), "settings_page".into(), 0, 0, 0)]
    );
    let html =
        body_text(get_with(&app, "/privacy", &[("cookie", &cookie_header(&stored))]).await).await;
    assert!(
        !html.contains("analytics.js"),
        "its script is no longer rendered"
    );
}

#[backend_test]
async fn a_global_privacy_control_signal_refuses_marketing_without_asking_and_is_recorded_once(
    app: TestApp,
) {
    let response = get_with(&app, "/", &[("sec-gpc", "1")]).await;
    let recorded = consent_set_by(&response);
    assert!(
        recorded.gpc && !recorded.choices.marketing,
        "{}",
        app.label()
    );
    assert_eq!(recorded.decided_at, None, "the visitor has not chosen yet");
    let html = body_text(response).await;
    assert!(html.contains("Global Privacy Control signal honoured"));
    assert!(
        html.contains(r#"class="consent-banner""#),
        "the rest is still asked"
    );
    assert_eq!(ledger(&app).await, [("gpc".into(), "gpc".into(), 0, 0, 1)]);

    // The next page: already recorded, nothing new.
    let cookie = cookie_header(&recorded);
    let again = get_with(&app, "/", &[("sec-gpc", "1"), ("cookie", &cookie)]).await;
    assert!(set_cookies(&again).is_empty());
    assert_eq!(ledger(&app).await.len(), 1);

    // "Accept all" does not override the signal.
    let accepted = post_choice(
        &app,
        "choice=accept_all&source=banner&return_to=%2F",
        &[("sec-gpc", "1"), ("cookie", &cookie)],
    )
    .await;
    let stored = consent_set_by(&accepted);
    assert!(stored.choices.analytics && !stored.choices.marketing && stored.gpc);
    assert_eq!(stored.id, recorded.id);
    let settings = body_text(
        get_with(
            &app,
            "/cookies/settings",
            &[("cookie", &cookie_header(&stored))],
        )
        .await,
    )
    .await;
    assert!(settings.contains("Global Privacy Control signal honoured"));
}

#[backend_test]
async fn the_banner_returns_when_the_policy_revision_changes_or_the_choice_is_six_months_old(
    app: TestApp,
) {
    let now = app.state.db.now_millis();
    let mut earlier = record(Choices::ALL, now - 1000);
    earlier.revision = "2020-01-01".to_owned();
    let old = record(Choices::ALL, now - MAX_AGE_MS - 60_000);
    let fresh = record(Choices::ALL, now - 1000);
    for (label, stored, banner) in [
        ("other revision", &earlier, true),
        ("old", &old, true),
        ("fresh", &fresh, false),
    ] {
        let cookie = format!(
            "{}; candor_visit=00112233445566778899aabbccddeeff",
            cookie_header(stored)
        );
        let response = get_with(&app, "/", &[("cookie", &cookie)]).await;
        let deleted_visit = set_cookies(&response)
            .iter()
            .any(|(name, value, _)| name == "candor_visit" && value.is_empty());
        assert_eq!(
            deleted_visit, banner,
            "{label}: an expired choice allows no analytics cookie"
        );
        let html = body_text(response).await;
        assert_eq!(
            html.contains(r#"class="consent-banner""#),
            banner,
            "{label} on {}",
            app.label()
        );
        assert_eq!(html.contains("analytics.js"), !banner, "{label}");
    }
}

#[backend_test]
async fn customize_without_javascript_leads_to_the_settings_page_and_bad_posts_are_explained(
    app: TestApp,
) {
    let response = post_choice(
        &app,
        "choice=customize&source=banner&return_to=%2Fdemo%3Fa%3D1",
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/cookies/settings?return_to=/demo%3Fa%3D1"
    );
    assert!(
        ledger(&app).await.is_empty(),
        "opening the settings decides nothing"
    );

    let bad = post_choice(&app, "choice=maybe&return_to=%2F", &[]).await;
    assert_eq!(
        bad.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let text = body_text(bad).await;
    assert!(text.contains("We could not read your choice") && text.contains("nothing was changed"));

    let elsewhere = post_choice(
        &app,
        "choice=reject_all&return_to=https%3A%2F%2Fevil.example%2F",
        &[],
    )
    .await;
    assert_eq!(
        elsewhere.headers()[header::LOCATION],
        "/",
        "never sent to another site"
    );
}

#[backend_test]
async fn a_choice_posted_from_another_site_is_refused(app: TestApp) {
    let response = app
        .request(with_ip(
            Request::post("/consent")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from("choice=accept_all"))
                .expect("request"),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "{}", app.label());
    assert!(set_cookies(&response).is_empty());
    assert!(ledger(&app).await.is_empty());
}

#[backend_test]
async fn the_banner_and_dialog_save_through_the_server_function(app: TestApp) {
    let call = |body: &'static str| {
        with_ip(
            Request::post("/api/consent/save")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT, "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .expect("request"),
        )
    };
    let response = app
        .request(call(r#"{"decision":{"Custom":{"preferences":false,"analytics":true,"marketing":false}},"source":"Dialog"}"#))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    let stored = consent_set_by(&response);
    assert!(stored.choices.analytics && !stored.choices.preferences);
    let view: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("json");
    assert_eq!(view["ask"], false);
    assert_eq!(view["choices"]["analytics"], true);
    assert_eq!(
        ledger(&app).await,
        [("custom".into(), "dialog".into(), 1, 0, 0)]
    );

    // Only the banner and the dialog use this function; the form sources are the server's own.
    let refused = app
        .request(call(r#"{"decision":"AcceptAll","source":"SettingsPage"}"#))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ledger(&app).await.len(), 1);
}

#[backend_test]
async fn every_cookie_the_server_sets_is_in_the_registry(app: TestApp) {
    let accepted = cookie_header(&record(Choices::ALL, app.state.db.now_millis() - 1000));
    let mut responses = Vec::new();
    for path in [
        "/",
        "/privacy",
        "/privacy/versions",
        "/cookies",
        "/cookies/settings",
        "/demo",
        "/demo/thanks",
        "/nowhere",
    ] {
        responses.push(get_with(&app, path, &[]).await);
        responses.push(get_with(&app, path, &[("sec-gpc", "1")]).await);
        responses.push(get_with(&app, path, &[("cookie", &accepted)]).await);
    }
    responses.push(post_choice(&app, "choice=accept_all&return_to=%2F", &[]).await);
    responses.push(
        app.request(with_ip(
            Request::post("/api/analytics/page-view")
                .header("cookie", &accepted)
                .body(Body::from("/"))
                .expect("request"),
        ))
        .await,
    );
    let mut seen = 0;
    for response in &responses {
        for (name, _, _) in set_cookies(response) {
            seen += 1;
            assert!(
                storage::cookie(&name).is_some(),
                "{name} is not in the registry"
            );
        }
    }
    assert!(seen >= 3, "the crawl did set cookies ({seen})");
}

#[backend_test]
async fn a_refused_cookie_choice_says_the_network_address_made_too_many_not_this_browser(
    app: TestApp,
) {
    use crm_backend::consent::service::CONSENT_LIMIT;

    let body = "choice=reject_all&source=banner&return_to=%2F";
    for attempt in 0..CONSENT_LIMIT.max_attempts {
        let response = post_choice(&app, body, &[]).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "choice {attempt} on {}",
            app.label()
        );
    }
    let refused = post_choice(&app, body, &[]).await;
    assert_eq!(
        refused.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        app.label()
    );
    assert_eq!(refused.headers()[header::RETRY_AFTER], "900");
    let page = body_text(refused).await;
    assert!(
        page.contains(app::consent::posts::CONSENT_RATE_LIMITED),
        "{page}"
    );
    assert!(!page.contains("This browser has changed"));
}

#[backend_test]
async fn public_pages_follow_the_consent_cookie_and_gpc_so_no_shared_cache_may_keep_them(
    app: TestApp,
) {
    let chose = post_choice(&app, "choice=accept_all&source=banner&return_to=%2F", &[]).await;
    let cookie = cookie_header(&consent_set_by(&chose));
    for path in ["/", "/privacy", "/cookies", "/demo", "/login"] {
        let first_visit = get_with(&app, path, &[]).await;
        let chosen = get_with(&app, path, &[("cookie", &cookie)]).await;
        let gpc = get_with(&app, path, &[("sec-gpc", "1")]).await;
        for (who, response) in [
            ("first visit", &first_visit),
            ("chosen", &chosen),
            ("gpc", &gpc),
        ] {
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "{path} {who} on {}",
                app.label()
            );
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "private, no-cache",
                "{path} {who}"
            );
            let vary: Vec<String> = response
                .headers()
                .get_all(header::VARY)
                .iter()
                .flat_map(|v| v.to_str().expect("ascii").split(','))
                .map(|v| v.trim().to_ascii_lowercase())
                .collect();
            assert!(
                vary.contains(&"cookie".to_owned()) && vary.contains(&"sec-gpc".to_owned()),
                "{path} {who}: Vary {vary:?}"
            );
        }
        // Why: the same address answers differently with and without a choice.
        let banner = r#"class="consent-banner""#;
        assert!(body_text(first_visit).await.contains(banner), "{path}");
        assert!(!body_text(chosen).await.contains(banner), "{path}");
    }
}
