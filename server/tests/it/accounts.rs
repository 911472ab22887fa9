//! Accounts through the real router, as a browser without JavaScript drives them: sign-up and its
//! neutral answer, e-mail verification, log in and out, sessions and their expiry, password
//! reset, rate limits and cross-site refusal.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use crm_core::accounts::notices;

use crate::support::browser::{
    CHROME_ON_LINUX, Client, encode, get_page as get, link_path, location, mail_to, post_form,
    session_cookie, session_set_cookie,
};
use crate::support::{TestApp, body_text, spawn_app_on};
use crm_test_macros::backend_test;

const PASSWORD: &str = "lantern orbit fiddle";

/// A form POST from Chrome at `ip`.
async fn post(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
    ip: &str,
) -> Response<Body> {
    let client = Client {
        ip,
        user_agent: CHROME_ON_LINUX,
    };
    post_form(app, path, fields, cookie, client).await
}

fn signup_fields<'a>(email: &'a str, overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "Ada Lovelace"),
        ("email", email),
        ("password", PASSWORD),
        ("workspace_name", "Analytical Engines"),
        ("age", "on"),
        ("policy", "on"),
        ("policy_version", "1"),
    ];
    for (key, value) in overrides {
        fields.retain(|(k, _)| k != key);
        if !value.is_empty() {
            fields.push((key, value));
        }
    }
    fields
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

async fn sign_up(app: &TestApp, email: &str) -> Response<Body> {
    post(
        app,
        "/signup",
        &signup_fields(email, &[]),
        None,
        "198.51.100.1",
    )
    .await
}

async fn log_in(app: &TestApp, email: &str, password: &str, ip: &str) -> Response<Body> {
    post(
        app,
        "/login",
        &[("email", email), ("password", password)],
        None,
        ip,
    )
    .await
}

#[backend_test]
async fn signing_up_creates_the_member_their_workspace_and_records_age_and_policy(app: TestApp) {
    let response = sign_up(&app, "ada@example.com").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(location(&response), "/signup/check-email");
    assert!(
        session_set_cookie(&response).is_none(),
        "no session before logging in"
    );

    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM members WHERE age_confirmed_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM memberships ms JOIN workspaces w ON w.id = ms.workspace_id \
                         WHERE ms.role = 'owner' AND w.kind = 'customer' AND w.name = 'Analytical Engines'").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM policy_acceptances WHERE policy_version = 1"
        )
        .await,
        1
    );
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM members")
        .fetch_one(app.state.db.pool())
        .await
        .expect("hash");
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains(PASSWORD));

    let mail = mail_to(&app, "ada@example.com").await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("Confirm your e-mail address"));
    let path = link_path(&mail[0], "/verify-email/");
    let token = path.trim_start_matches("/verify-email/");
    let stored_tokens: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM account_tokens")
        .fetch_all(app.state.db.pool())
        .await
        .expect("tokens");
    assert!(
        !stored_tokens.iter().any(|t| t == token),
        "tokens are stored hashed"
    );
}

#[backend_test]
async fn a_registered_address_gets_the_same_answer_and_its_owner_gets_an_e_mail(app: TestApp) {
    let first = sign_up(&app, "ada@example.com").await;
    let second = post(
        &app,
        "/signup",
        &signup_fields("ADA@example.com", &[("workspace_name", "Impostors")]),
        None,
        "198.51.100.2",
    )
    .await;
    assert_eq!(first.status(), second.status(), "{}", app.label());
    assert_eq!(location(&first), location(&second));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM members").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM workspaces WHERE name = 'Impostors'"
        )
        .await,
        0
    );
    let mail = mail_to(&app, "ada@example.com").await;
    assert_eq!(mail.len(), 2);
    assert!(mail[1].contains("You already have a Candor CRM account"));
    assert!(mail[1].contains("/forgot-password"));
}

#[backend_test]
async fn sign_up_problems_are_named_per_field_and_the_password_is_never_sent_back(app: TestApp) {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("password", "short pass")], "Use at least 12 characters"),
        (&[("password", "qwerty123456")], "one of the most common"),
        (&[("age", "")], "at least 18 years old or of legal age"),
        (&[("policy", "")], "accept the privacy policy"),
        (&[("name", "")], "Enter your name."),
    ];
    for (overrides, message) in cases {
        let response = post(
            &app,
            "/signup",
            &signup_fields("grace@example.com", overrides),
            None,
            "198.51.100.3",
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{overrides:?}"
        );
        let html = body_text(response).await;
        assert!(html.contains(message), "{overrides:?}: {message}");
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(
            html.contains("value=\"grace@example.com\""),
            "what was typed is kept"
        );
        assert!(!html.contains(PASSWORD) && !html.contains("qwerty123456"));
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM members").await, 0);
}

#[backend_test]
async fn a_verification_link_works_once_by_button_and_not_after_it_expires(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    let path = link_path(&mail_to(&app, "ada@example.com").await[0], "/verify-email/");

    // Opening the link (as a mail scanner would) changes nothing.
    let page = get(&app, &path, None).await;
    assert_eq!(page.status(), StatusCode::OK, "{}", app.label());
    assert!(body_text(page).await.contains("Confirm my e-mail address"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM members WHERE email_verified_at IS NULL"
        )
        .await,
        1
    );

    let confirmed = post(&app, &path, &[], None, "198.51.100.4").await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&confirmed), "/email-verified");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM members WHERE email_verified_at IS NOT NULL"
        )
        .await,
        1
    );

    let again = post(&app, &path, &[], None, "198.51.100.4").await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(body_text(again).await.contains(notices::LINK_INVALID));
    let spent = get(&app, &path, None).await;
    assert_eq!(spent.status(), StatusCode::NOT_FOUND);

    // A fresh link that has expired.
    post(
        &app,
        "/signup",
        &signup_fields("grace@example.com", &[]),
        None,
        "198.51.100.5",
    )
    .await;
    let path = link_path(
        &mail_to(&app, "grace@example.com").await[0],
        "/verify-email/",
    );
    sqlx::query("UPDATE account_tokens SET expires_at = 0")
        .execute(app.state.db.pool())
        .await
        .expect("expire");
    let expired = post(&app, &path, &[], None, "198.51.100.4").await;
    assert_eq!(expired.status(), StatusCode::NOT_FOUND);
}

#[backend_test]
async fn a_wrong_password_and_an_unknown_address_get_one_and_the_same_answer(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    let wrong = log_in(&app, "ada@example.com", "not the password", "198.51.100.6").await;
    let unknown = log_in(&app, "nobody@example.com", PASSWORD, "198.51.100.6").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{}", app.label());
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(session_set_cookie(&wrong).is_none());
    let (wrong, unknown) = (body_text(wrong).await, body_text(unknown).await);
    assert!(wrong.contains(notices::LOGIN_FAILED));
    assert!(unknown.contains(notices::LOGIN_FAILED));
    assert!(!wrong.contains("not the password"));
}

#[backend_test]
async fn logging_in_starts_a_database_session_in_a_safe_cookie_and_opens_the_app(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    let visitor = get(&app, "/app", None).await;
    assert_eq!(visitor.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(location(&visitor), "/login?next=/app");

    let response = post(
        &app,
        "/login",
        &[
            ("email", "Ada@Example.com"),
            ("password", PASSWORD),
            ("next", "/app?from=mail"),
        ],
        None,
        "198.51.100.7",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/app?from=mail");
    let line = session_set_cookie(&response).expect("cookie");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Path=/"),
        "{line}"
    );
    assert!(!line.contains("Secure"), "http site: {line}");
    let cookie = session_cookie(&response);
    let secret = cookie.trim_start_matches("candor_session=");
    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM sessions")
        .fetch_one(app.state.db.pool())
        .await
        .expect("session row");
    assert_ne!(stored, secret, "only a hash of the secret is stored");

    let home = get(&app, "/app", Some(&cookie)).await;
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(
        home.headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let html = body_text(home).await;
    assert!(html.contains("Analytical Engines"));
    assert!(
        html.contains("Please confirm your e-mail address"),
        "unverified notice"
    );
    assert!(html.contains("Log out"));

    // Logged in, the log-in page sends to the app.
    let login_page = get(&app, "/login", Some(&cookie)).await;
    assert_eq!(location(&login_page), "/app");
}

#[backend_test]
async fn a_login_replaces_the_session_the_browser_had(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    let first = session_cookie(&log_in(&app, "ada@example.com", PASSWORD, "198.51.100.8").await);
    let second = post(
        &app,
        "/login",
        &[("email", "ada@example.com"), ("password", PASSWORD)],
        Some(&first),
        "198.51.100.8",
    )
    .await;
    let second = session_cookie(&second);
    assert_ne!(first, second, "{}", app.label());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM sessions").await, 1);
    let old = get(&app, "/app", Some(&first)).await;
    assert_eq!(old.status(), StatusCode::SEE_OTHER);
    assert!(
        session_set_cookie(&old).is_some_and(|line| line.contains("Max-Age=0")),
        "the dead cookie is removed"
    );
}

#[backend_test]
async fn logging_out_ends_the_session_at_once(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    let cookie = session_cookie(&log_in(&app, "ada@example.com", PASSWORD, "198.51.100.9").await);
    let out = post(&app, "/logout", &[], Some(&cookie), "198.51.100.9").await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(location(&out), "/logout");
    assert!(session_set_cookie(&out).is_some_and(|line| line.contains("Max-Age=0")));
    // The browser forgets the member's unsaved drafts with the session.
    assert_eq!(out.headers()["clear-site-data"], "\"storage\"");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        get(&app, "/app", Some(&cookie)).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[backend_test]
async fn sessions_end_after_twelve_idle_hours_and_fourteen_days_at_most(app: TestApp) {
    use crm_backend::accounts::session::{ABSOLUTE_MS, IDLE_MS};
    sign_up(&app, "ada@example.com").await;
    let now = app.state.db.now_millis();
    for (last_seen, expires) in [(now - IDLE_MS - 1, now + ABSOLUTE_MS), (now, now - 1)] {
        let cookie =
            session_cookie(&log_in(&app, "ada@example.com", PASSWORD, "198.51.100.10").await);
        assert_eq!(
            get(&app, "/app", Some(&cookie)).await.status(),
            StatusCode::OK
        );
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2")
            .bind(last_seen)
            .bind(expires)
            .execute(app.state.db.pool())
            .await
            .expect("age the session");
        let response = get(&app, "/app", Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM sessions").await,
            0,
            "deleted"
        );
    }
}

#[backend_test]
async fn one_client_guessing_an_account_is_refused_after_five_failures_and_the_member_is_not(
    app: TestApp,
) {
    sign_up(&app, "ada@example.com").await;
    for attempt in 0..5 {
        let response = log_in(&app, "ada@example.com", "wrong password!", "203.0.113.9").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt} on {}",
            app.label()
        );
    }
    // The guesser's sixth try is refused, even with the right password...
    let limited = log_in(&app, "ada@example.com", PASSWORD, "203.0.113.9").await;
    assert_eq!(
        limited.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        app.label()
    );
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
    assert!(session_set_cookie(&limited).is_none());
    assert!(body_text(limited).await.contains(notices::RATE_LIMITED));
    // ...while the member, elsewhere, logs in.
    let member = log_in(&app, "ada@example.com", PASSWORD, "198.51.100.77").await;
    assert_eq!(member.status(), StatusCode::SEE_OTHER, "{}", app.label());
}

#[backend_test]
async fn strangers_failing_to_log_in_from_everywhere_at_once_never_lock_the_member_out(
    app: TestApp,
) {
    use crate::support::RouterOnly;

    sign_up(&app, "ada@example.com").await;
    let member = session_cookie(&log_in(&app, "ada@example.com", PASSWORD, "198.51.100.77").await);
    // The password checks' ceiling is the rate limits' business elsewhere (links.rs): here it
    // lets all forty run, so that every answer is the rate limits' and the password's.
    let mut state = app.state.clone();
    state.passwords =
        crm_backend::accounts::password::HashGate::new(40, std::time::Duration::from_secs(60));
    let router = server::build_router(app::context::SiteState::new(state, app.leptos.clone()));
    // Forty wrong passwords for her account, each from an address of its own, all in flight
    // together: more than any per-account limit used to allow in fifteen minutes.
    let strangers: Vec<_> = (0..40_u8)
        .map(|i| {
            let view = RouterOnly {
                router: router.clone(),
                label: app.label(),
            };
            tokio::spawn(async move {
                view.post_form(
                    "/login",
                    &[
                        ("email", "ada@example.com"),
                        ("password", "wrong password!"),
                    ],
                    &format!("203.0.113.{i}"),
                )
                .await
                .status()
            })
        })
        .collect();
    for stranger in strangers {
        assert_eq!(
            stranger.await.expect("task"),
            StatusCode::UNAUTHORIZED,
            "{}",
            app.label()
        );
    }
    // She logs in with her password from her own address...
    let login = log_in(&app, "ada@example.com", PASSWORD, "198.51.100.78").await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER, "{}", app.label());
    // ...and, logged in, her forms that ask for her current password still take it.
    let changed = post(
        &app,
        "/app/settings/profile/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "quiet meadow lantern"),
        ],
        Some(&member),
        "198.51.100.77",
    )
    .await;
    assert_eq!(
        location(&changed),
        "/app/settings/profile?saved=password",
        "{}",
        app.label()
    );
}

#[backend_test]
async fn an_office_behind_one_address_logs_in_as_often_as_it_likes_and_successes_count_nowhere(
    app: TestApp,
) {
    sign_up(&app, "ada@example.com").await;
    // More log-ins from one address than its limit of failures, all of them right.
    for attempt in 0..35 {
        let response = log_in(&app, "ada@example.com", PASSWORD, "198.51.100.90").await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "log-in {attempt} on {}",
            app.label()
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM rate_limit_hits WHERE bucket LIKE 'login%'"
        )
        .await,
        0,
        "{}",
        app.label()
    );
}

/// What a stranger sees of an answer: its status, the headers that carry meaning, and its body with
/// the address that was typed (echoed in the form) and the request's CSP nonce (each answer has its
/// own, and the page writes it where scripts are named) taken out.
async fn as_a_stranger_sees_it(response: Response<Body>, typed: &str) -> String {
    let status = response.status();
    let headers: Vec<String> = [
        header::LOCATION,
        header::RETRY_AFTER,
        header::CACHE_CONTROL,
        header::CONTENT_TYPE,
        header::SET_COOKIE,
    ]
    .iter()
    .map(|name| {
        let values: Vec<_> = response.headers().get_all(name).iter().collect();
        format!("{name}: {values:?}")
    })
    .collect();
    let nonce = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|csp| csp.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_owned);
    let mut body = body_text(response).await.replace(typed, "<typed>");
    if let Some(nonce) = nonce.filter(|nonce| !nonce.is_empty()) {
        body = body.replace(&nonce, "<nonce>");
    }
    format!("{status}\n{}\n{body}", headers.join("\n"))
}

#[backend_test]
async fn forgot_password_answers_a_registered_and_an_unknown_address_alike_up_to_and_past_the_limit(
    app: TestApp,
) {
    sign_up(&app, "ada@example.com").await;
    // Each request from an address of its own, so only the limit per e-mail address counts.
    for attempt in 1..=5 {
        let known = post(
            &app,
            "/forgot-password",
            &[("email", "ada@example.com")],
            None,
            &format!("198.51.100.{}", 20 + attempt),
        )
        .await;
        let unknown = post(
            &app,
            "/forgot-password",
            &[("email", "nobody@example.com")],
            None,
            &format!("198.51.100.{}", 40 + attempt),
        )
        .await;
        let expected = if attempt <= 3 {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(
            known.status(),
            expected,
            "attempt {attempt}, {}",
            app.label()
        );
        assert_eq!(
            as_a_stranger_sees_it(known, "ada@example.com").await,
            as_a_stranger_sees_it(unknown, "nobody@example.com").await,
            "attempt {attempt}, {}",
            app.label()
        );
    }
    // Three links were sent to the member, none to the unknown address.
    let links = mail_to(&app, "ada@example.com")
        .await
        .iter()
        .filter(|mail| mail.contains("/reset-password/"))
        .count();
    assert_eq!(links, 3, "{}", app.label());
    assert!(mail_to(&app, "nobody@example.com").await.is_empty());
}

#[backend_test]
async fn forgot_password_requests_sent_at_once_are_limited_alike_for_a_registered_and_an_unknown_address(
    app: TestApp,
) {
    use tower::ServiceExt;

    sign_up(&app, "ada@example.com").await;
    // Twelve requests for each address, all in flight together, each from an address of its own.
    let mut tasks = Vec::new();
    for i in 0..24_u8 {
        let email = if i % 2 == 0 {
            "ada@example.com"
        } else {
            "nobody@example.com"
        };
        let mut request = Request::post("/forgot-password")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-site", "same-origin")
            .header(header::USER_AGENT, CHROME_ON_LINUX)
            .body(Body::from(encode(&[("email", email)])))
            .expect("request");
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((
                [198, 51, 100, 100 + i],
                40000,
            ))));
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            let response = router
                .oneshot(request)
                .await
                .expect("the router never fails");
            (email, response.status())
        }));
    }
    let mut answers = std::collections::BTreeMap::<(&str, StatusCode), usize>::new();
    for task in tasks {
        *answers.entry(task.await.expect("no panic")).or_default() += 1;
    }
    let expected = std::collections::BTreeMap::from([
        (("ada@example.com", StatusCode::SEE_OTHER), 3),
        (("ada@example.com", StatusCode::TOO_MANY_REQUESTS), 9),
        (("nobody@example.com", StatusCode::SEE_OTHER), 3),
        (("nobody@example.com", StatusCode::TOO_MANY_REQUESTS), 9),
    ]);
    assert_eq!(answers, expected, "{}", app.label());
    let links = mail_to(&app, "ada@example.com")
        .await
        .iter()
        .filter(|mail| mail.contains("/reset-password/"))
        .count();
    assert_eq!(links, 3, "{}", app.label());
}

#[backend_test]
async fn a_password_reset_works_once_and_ends_every_other_session(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    let other_device =
        session_cookie(&log_in(&app, "ada@example.com", PASSWORD, "198.51.100.11").await);

    // An unknown address gets the same answer, and no e-mail.
    let unknown = post(
        &app,
        "/forgot-password",
        &[("email", "nobody@example.com")],
        None,
        "198.51.100.12",
    )
    .await;
    let known = post(
        &app,
        "/forgot-password",
        &[("email", "ada@example.com")],
        None,
        "198.51.100.12",
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::SEE_OTHER, "{}", app.label());
    assert_eq!(location(&unknown), location(&known));
    assert!(mail_to(&app, "nobody@example.com").await.is_empty());
    let mail = mail_to(&app, "ada@example.com").await;
    let path = link_path(mail.last().expect("reset mail"), "/reset-password/");

    let page = get(&app, &path, None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(body_text(page).await.contains("Choose a new password"));
    let common = post(
        &app,
        &path,
        &[("password", "password1234")],
        None,
        "198.51.100.12",
    )
    .await;
    assert_eq!(common.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let new_password = "quiet meadow lantern";
    let done = post(
        &app,
        &path,
        &[("password", new_password)],
        None,
        "198.51.100.12",
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/app");
    let this_device = session_cookie(&done);
    assert_eq!(
        get(&app, "/app", Some(&this_device)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/app", Some(&other_device)).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM members WHERE email_verified_at IS NOT NULL"
        )
        .await,
        1
    );

    let reused = post(
        &app,
        &path,
        &[("password", "another fine phrase")],
        None,
        "198.51.100.12",
    )
    .await;
    assert_eq!(reused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        log_in(&app, "ada@example.com", PASSWORD, "198.51.100.13")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&app, "ada@example.com", new_password, "198.51.100.13")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[backend_test]
async fn account_forms_posted_from_another_site_are_refused(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    for path in ["/login", "/signup", "/logout", "/forgot-password"] {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(encode(&[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ])))
            .expect("request");
        let response = app.request(request).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{path} on {}",
            app.label()
        );
        assert!(session_set_cookie(&response).is_none());
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_site_is_https() {
    let database = crm_backend::db::testing::TestDatabase::sqlite().await;
    let app = spawn_app_on(database, &[("SITE_URL", "https://crm.example")]).await;
    sign_up(&app, "ada@example.com").await;
    let response = log_in(&app, "ada@example.com", PASSWORD, "198.51.100.14").await;
    let line = session_set_cookie(&response).expect("cookie");
    // The __Host- prefix: Secure, the whole site, no Domain, so no sibling subdomain can plant or
    // shadow it.
    assert!(line.starts_with("__Host-candor_session="), "{line}");
    assert!(
        line.contains("; Secure") && line.contains("; Path=/"),
        "{line}"
    );
    assert!(!line.to_ascii_lowercase().contains("domain="), "{line}");
    let mail = mail_to(&app, "ada@example.com").await;
    assert!(mail[0].contains("https://crm.example/verify-email/"));

    // It opens the app; a plain candor_session cookie (as a sibling subdomain could plant) opens
    // nothing.
    let pair = line.split(';').next().expect("name=value").to_owned();
    let secret = pair.split_once('=').expect("pair").1.to_owned();
    let request = |cookie: String| {
        Request::get("/app")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(app.request(request(pair)).await.status(), StatusCode::OK);
    assert_eq!(
        app.request(request(format!("candor_session={secret}")))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    app.cleanup().await;
}

#[backend_test]
async fn a_new_operator_chooses_a_password_through_a_one_time_link(app: TestApp) {
    let email =
        crm_core::email_address::EmailAddress::parse("ops@candor-crm.example").expect("address");
    let link = crm_backend::accounts::service::create_operator(&app.state, &email)
        .await
        .expect("created");
    let path = link
        .split_once("/reset-password/")
        .map(|(_, token)| format!("/reset-password/{token}"))
        .expect("a reset link");
    // Until then, no password opens the account.
    assert_eq!(
        log_in(&app, "ops@candor-crm.example", PASSWORD, "198.51.100.15")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let done = post(
        &app,
        &path,
        &[("password", PASSWORD)],
        None,
        "198.51.100.15",
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{}", app.label());
    let home = body_text(get(&app, "/app", Some(&session_cookie(&done))).await).await;
    assert!(
        home.contains("Candor CRM operators"),
        "the operators' workspace"
    );
    assert!(home.contains("operator of this workspace"));
    // Running it again makes a new link and no second member.
    crm_backend::accounts::service::create_operator(&app.state, &email)
        .await
        .expect("again");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM members").await, 1);
}

#[backend_test]
async fn a_global_privacy_control_signal_at_login_is_recorded_on_the_account_once(app: TestApp) {
    sign_up(&app, "ada@example.com").await;
    for _ in 0..2 {
        let mut request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header("sec-gpc", "1")
            .body(Body::from(encode(&[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ])))
            .expect("request");
        let addr: SocketAddr = "198.51.100.16:40000".parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(addr));
        let response = app.request(request).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    }
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT l.action, m.email FROM consent_ledger l JOIN members m ON m.id = l.member_id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .expect("ledger");
    assert_eq!(rows, vec![("gpc".to_owned(), "ada@example.com".to_owned())]);
}

#[backend_test]
async fn only_operators_see_the_chart_of_cookie_decisions(app: TestApp) {
    // A decision to count.
    let decision = Request::post("/consent")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("choice=reject_all&return_to=/"))
        .expect("request");
    assert_eq!(app.request(decision).await.status(), StatusCode::SEE_OTHER);

    let email =
        crm_core::email_address::EmailAddress::parse("ops@candor-crm.example").expect("address");
    let link = crm_backend::accounts::service::create_operator(&app.state, &email)
        .await
        .expect("operator");
    let path = format!(
        "/reset-password/{}",
        link.rsplit('/').next().expect("token")
    );
    let operator = session_cookie(
        &post(
            &app,
            &path,
            &[("password", PASSWORD)],
            None,
            "198.51.100.17",
        )
        .await,
    );
    let chart = get(&app, "/app/operator/consent", Some(&operator)).await;
    assert_eq!(chart.status(), StatusCode::OK, "{}", app.label());
    // Without the hydration markers between the cells.
    let html = body_text(chart).await.replace("<!>", "");
    assert!(html.contains("Decisions per day and action"));
    let today =
        crm_backend::consent::ledger::civil_date(app.state.db.now_millis().div_euclid(86_400_000));
    // Today's row: no accept, one rejection, no custom, withdrawal or GPC; total one.
    assert!(
        html.contains(&format!(
            "<th scope=\"row\">{today}</th><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>"
        )),
        "{html}"
    );

    sign_up(&app, "ada@example.com").await;
    let owner = session_cookie(&log_in(&app, "ada@example.com", PASSWORD, "198.51.100.18").await);
    let refused = get(&app, "/app/operator/consent", Some(&owner)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        !body_text(refused)
            .await
            .contains("Decisions per day and action")
    );
    let api = Request::post("/api/operator/consent-chart")
        .header(header::COOKIE, &owner)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.request(api).await.status(), StatusCode::FORBIDDEN);
}

#[backend_test]
async fn forgot_password_does_the_same_work_in_the_request_for_a_registered_and_an_unknown_address(
    app: TestApp,
) {
    sign_up(&app, "ada@example.com").await;
    let tokens_before = count(&app, "SELECT COUNT(*) FROM account_tokens").await;
    let mail_before = count(&app, "SELECT COUNT(*) FROM outbox").await;
    for (email, ip) in [
        ("ada@example.com", "198.51.100.120"),
        ("nobody@example.com", "198.51.100.121"),
    ] {
        let response = post(&app, "/forgot-password", &[("email", email)], None, ip).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{email} on {}",
            app.label()
        );
        // In the request: one queued request, whatever the address; no link, no e-mail yet.
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM account_tokens").await,
            tokens_before,
            "{email}"
        );
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM outbox").await,
            mail_before
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reset_requests").await, 2);

    // The worker decides: a link for the account, nothing for the stranger, and both requests
    // forgotten.
    let handled = crm_backend::accounts::service::handle_reset_requests(&app.state)
        .await
        .expect("handled");
    assert_eq!(handled, 2, "{}", app.label());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reset_requests").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM account_tokens").await,
        tokens_before + 1
    );
    assert_eq!(
        mail_to(&app, "ada@example.com")
            .await
            .iter()
            .filter(|mail| mail.contains("/reset-password/"))
            .count(),
        1
    );
    assert!(mail_to(&app, "nobody@example.com").await.is_empty());
}
