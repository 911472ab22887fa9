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
    let (body, tag) = value.rsplit_once('.').expect("a signed record");
    assert_eq!(tag.len(), 32, "the consent id's signature: {value}");
    ConsentRecord::from_cookie_value(body).expect("a well-formed record")
}

/// The cookie a browser sends back after the server stored `record` (its id signed).
fn cookie_header(app: &TestApp, record: &ConsentRecord) -> String {
    format!(
        "candor_consent={}",
        crm_backend::consent::http::cookie_value(record, app.state.config.secret_key.expose())
    )
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
        gpc_pending: false,
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
        body_text(get_with(&app, "/demo", &[("cookie", &cookie_header(&app, &stored))]).await)
            .await;
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
    let cookie = cookie_header(&app, &stored);
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
    let cookie = cookie_header(
        &app,
        &record(Choices::ALL, app.state.db.now_millis() - 1000),
    );
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
        cookie_header(&app, &accepted)
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
    let html = body_text(
        get_with(
            &app,
            "/privacy",
            &[("cookie", &cookie_header(&app, &stored))],
        )
        .await,
    )
    .await;
    assert!(
        !html.contains("analytics.js"),
        "its script is no longer rendered"
    );
}

#[backend_test]
async fn a_global_privacy_control_signal_refuses_marketing_without_asking_and_is_recorded_once(
    app: TestApp,
) {
    // The first page: honoured at once, and remembered in the cookie as seen.
    let response = get_with(&app, "/", &[("sec-gpc", "1")]).await;
    let seen = consent_set_by(&response);
    assert!(
        seen.gpc_pending && !seen.gpc && !seen.choices.marketing,
        "{}",
        app.label()
    );
    assert_eq!(seen.decided_at, None, "the visitor has not chosen yet");
    let html = body_text(response).await;
    assert!(html.contains("Global Privacy Control signal honoured"));
    assert!(
        html.contains(r#"class="consent-banner""#),
        "the rest is still asked"
    );
    assert!(
        ledger(&app).await.is_empty(),
        "not recorded before the browser shows it kept its consent id"
    );

    // The next page, the cookie kept: recorded, once, under that id.
    let again = get_with(
        &app,
        "/",
        &[("sec-gpc", "1"), ("cookie", &cookie_header(&app, &seen))],
    )
    .await;
    let recorded = consent_set_by(&again);
    assert!(recorded.gpc && !recorded.gpc_pending && recorded.id == seen.id);
    assert_eq!(ledger(&app).await, [("gpc".into(), "gpc".into(), 0, 0, 1)]);
    let ids: Vec<String> = sqlx::query_scalar("SELECT consent_id FROM consent_ledger")
        .fetch_all(app.state.db.pool())
        .await
        .expect("ids");
    assert_eq!(ids, [seen.id.as_str()]);

    // And then: already recorded, nothing new.
    let cookie = cookie_header(&app, &recorded);
    let third = get_with(&app, "/", &[("sec-gpc", "1"), ("cookie", &cookie)]).await;
    assert!(set_cookies(&third).is_empty());
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
            &[("cookie", &cookie_header(&app, &stored))],
        )
        .await,
    )
    .await;
    assert!(settings.contains("Global Privacy Control signal honoured"));
}

#[backend_test]
async fn a_browser_that_keeps_no_cookie_adds_no_gpc_row_per_page_it_views(app: TestApp) {
    for path in ["/", "/privacy", "/cookies", "/demo", "/"] {
        let response = get_with(&app, path, &[("sec-gpc", "1")]).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{path} on {}",
            app.label()
        );
        assert!(
            body_text(response)
                .await
                .contains("Global Privacy Control signal honoured")
        );
    }
    assert!(ledger(&app).await.is_empty(), "{}", app.label());
}

#[backend_test]
async fn a_consent_id_the_server_did_not_sign_never_gets_a_row_under_it(app: TestApp) {
    let someone_elses = record(Choices::NONE, app.state.db.now_millis() - 1000);
    let unsigned = format!("candor_consent={}", someone_elses.to_cookie_value());
    let badly_signed = format!(
        "candor_consent={}",
        crm_backend::consent::http::cookie_value(
            &someone_elses,
            b"not the server's secret key at all"
        )
    );
    for cookie in [&unsigned, &badly_signed] {
        let chose = post_choice(
            &app,
            "choice=reject_all&source=banner&return_to=%2F",
            &[("cookie", cookie)],
        )
        .await;
        let stored = consent_set_by(&chose);
        assert_ne!(stored.id, someone_elses.id, "{cookie} on {}", app.label());
    }
    // Signed by this server, the id is the browser's own and is kept.
    let chose = post_choice(
        &app,
        "choice=reject_all&source=banner&return_to=%2F",
        &[("cookie", &cookie_header(&app, &someone_elses))],
    )
    .await;
    assert_eq!(consent_set_by(&chose).id, someone_elses.id);
    let under_it: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM consent_ledger WHERE consent_id = $1")
            .bind(someone_elses.id.as_str())
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
    assert_eq!(under_it, 1, "{}", app.label());
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
            cookie_header(&app, stored)
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
async fn every_cookie_the_server_sets_on_any_page_logged_out_or_in_is_in_the_registry(
    app: TestApp,
) {
    use crate::concurrency::{one_record_of_each_kind, page_paths};
    use crate::support::browser::{CHROME_ON_LINUX, Client, session_cookie, sign_up_and_log_in};

    let client = Client {
        ip: "198.51.100.21",
        user_agent: CHROME_ON_LINUX,
    };
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", client).await;
    let records = one_record_of_each_kind(&app, &ada).await;
    let paths = page_paths(&records);
    assert!(paths.len() >= 30, "every page route: {paths:?}");
    let accepted = cookie_header(
        &app,
        &record(Choices::ALL, app.state.db.now_millis() - 1000),
    );
    let logged_in = format!("{ada}; {accepted}");
    let mut responses = Vec::new();
    for path in paths
        .iter()
        .map(String::as_str)
        .chain(["/nowhere", "/demo/thanks"])
    {
        responses.push(get_with(&app, path, &[]).await);
        responses.push(get_with(&app, path, &[("sec-gpc", "1")]).await);
        responses.push(get_with(&app, path, &[("cookie", &accepted)]).await);
        responses.push(get_with(&app, path, &[("cookie", &logged_in)]).await);
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
    // Logging in and out set and clear the session.
    let login = crate::support::browser::post_form(
        &app,
        "/login",
        &[
            ("email", "ada@example.com"),
            ("password", crate::support::browser::PASSWORD),
        ],
        None,
        client,
    )
    .await;
    let session = session_cookie(&login);
    responses.push(login);
    responses.push(
        crate::support::browser::post_form(&app, "/logout", &[], Some(&session), client).await,
    );
    let mut seen = std::collections::BTreeSet::new();
    for response in &responses {
        for (name, _, _) in set_cookies(response) {
            assert!(
                storage::cookie(&name).is_some(),
                "{name} is set but not in the registry (and so not in the cookie policy), on {}",
                app.label()
            );
            seen.insert(name);
        }
    }
    for expected in ["candor_consent", "candor_session", "candor_visit"] {
        assert!(
            seen.contains(expected),
            "the crawl saw {expected} set: {seen:?}"
        );
    }
}

#[backend_test]
async fn an_unlisted_cookie_reaches_the_crawl_in_development_and_no_visitor_in_production(
    app: TestApp,
) {
    use axum::routing::get;
    use crm_backend::config::Environment;
    use tower::ServiceExt;

    let with_unlisted = |state: crm_backend::state::AppState| {
        axum::Router::new()
            .route(
                "/",
                get(|| async {
                    (
                        [
                            (header::SET_COOKIE, "_ga=GA1.2.3; Path=/"),
                            (header::CONTENT_TYPE, "text/html"),
                        ],
                        "<p>hello</p>",
                    )
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                state,
                crm_backend::consent::http::enforce,
            ))
    };
    let names = |response: &Response<Body>| -> Vec<String> {
        set_cookies(response)
            .into_iter()
            .map(|(name, _, _)| name)
            .collect()
    };
    let request = || Request::get("/").body(Body::empty()).expect("request");

    let development = with_unlisted(app.state.clone())
        .oneshot(request())
        .await
        .expect("answer");
    assert_eq!(
        names(&development),
        ["_ga"],
        "the crawl would see it, and fail"
    );

    let mut production = app.state.clone();
    let mut config = (*production.config).clone();
    config.environment = Environment::Production;
    production.config = std::sync::Arc::new(config);
    let answer = with_unlisted(production)
        .oneshot(request())
        .await
        .expect("answer");
    assert!(
        names(&answer).is_empty(),
        "no visitor gets it: {:?}",
        names(&answer)
    );
}

/// The texts between the tags of an HTML fragment, trimmed, entities decoded, empty ones left out.
fn texts(html: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut current = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                texts.push(std::mem::take(&mut current));
            }
            '>' => in_tag = false,
            c if !in_tag => current.push(c),
            _ => {}
        }
    }
    texts.push(current);
    texts
        .into_iter()
        .map(|text| {
            text.replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .trim()
                .to_owned()
        })
        .filter(|text| !text.is_empty())
        .collect()
}

#[backend_test]
async fn the_cookie_policy_table_lists_exactly_the_registry_with_every_column(app: TestApp) {
    use crm_core::storage::{Category, REGISTRY};

    let html = body_text(app.get("/cookies").await).await;
    // Every row of every category's table, in the page's order.
    let shown: Vec<Vec<String>> = html
        .split("<tbody")
        .skip(1)
        .map(|table| table.split_once("</tbody>").map_or(table, |(rows, _)| rows))
        .flat_map(|rows| {
            rows.split("<tr")
                .skip(1)
                .map(|row| texts(&format!("<tr{row}")))
        })
        .collect();
    // The registry, category by category, each item with every column.
    let listed: Vec<Vec<String>> = Category::ALL
        .into_iter()
        .flat_map(|category| {
            REGISTRY
                .iter()
                .filter(move |item| item.category == category)
        })
        .map(|item| {
            vec![
                item.name.to_owned(),
                item.kind.label().to_owned(),
                item.purpose.to_owned(),
                item.lifetime.to_owned(),
                item.party.label().to_owned(),
            ]
        })
        .collect();
    assert!(!listed.is_empty());
    assert_eq!(
        shown,
        listed,
        "the table shows the registry, no row more or less, on {}",
        app.label()
    );
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
    let cookie = cookie_header(&app, &consent_set_by(&chose));
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
