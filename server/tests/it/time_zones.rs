//! Times and days in the member's own zone and language, through the real router on each
//! backend: the browser's zone and language kept at sign-up, every time a page shows written in
//! the member's zone ("7 December 2026, 23:30 GMT", "December 8, 2026, 10:30 AM AEDT"), and
//! "today", "this week" and "overdue" counted in that zone's days, for two members of one
//! workspace reading at once. A language the product cannot write is no longer offered.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::people::{add_person, api, api_ok};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, PASSWORD, get_page, invite, link_path, mail_to, post_form,
    session_cookie, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text};
use crate::tasks::add_task;
use crm_core::time::CalendarDate;
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.91",
    user_agent: CHROME_ON_LINUX,
};

/// Milliseconds at a UTC date and time.
fn at(date: &str, hour: i64, minute: i64) -> i64 {
    CalendarDate::parse(date).expect("date").start_millis() + (hour * 60 + minute) * 60_000
}

/// Signs up as the sign-up page's script would, with the browser's zone and language; confirms
/// the address and logs in; returns the session cookie.
async fn sign_up_from(app: &TestApp, email: &str, time_zone: &str, language: &str) -> String {
    let signup = post_form(
        app,
        "/signup",
        &[
            ("name", "Ada Lovelace"),
            ("email", email),
            ("password", PASSWORD),
            ("workspace_name", "Analytical Engines"),
            ("time_zone", time_zone),
            ("language", language),
            ("age", "on"),
            ("policy", "on"),
        ],
        None,
        CLIENT,
    )
    .await;
    assert_eq!(signup.status(), StatusCode::SEE_OTHER, "{}", app.label());
    let verify = link_path(&mail_to(app, email).await[0], "/verify-email/");
    post_form(app, &verify, &[], None, CLIENT).await;
    let login = post_form(
        app,
        "/login",
        &[("email", email), ("password", PASSWORD)],
        None,
        CLIENT,
    )
    .await;
    session_cookie(&login)
}

/// The member's stored profile (the profile page's data).
async fn profile(app: &TestApp, cookie: &str) -> Value {
    let body = api_ok(app, "/api/accounts/profile", &[], cookie).await;
    serde_json::from_str::<Value>(&body).expect("JSON")["saved"].clone()
}

/// Saves the profile's zone and language from the stored version; answers the status and body.
async fn choose(
    app: &TestApp,
    cookie: &str,
    time_zone: &str,
    language: &str,
) -> (StatusCode, String) {
    let stored = profile(app, cookie).await;
    let version = stored["version"].as_i64().expect("version").to_string();
    let name = stored["name"].as_str().expect("name").to_owned();
    api(
        app,
        "/api/accounts/profile/save",
        &[
            ("fields[name]", &name),
            ("fields[time_zone]", time_zone),
            ("fields[language]", language),
            ("fields[version]", &version),
        ],
        cookie,
    )
    .await
}

#[backend_test]
async fn the_sign_up_keeps_the_browsers_zone_and_language_and_reads_an_unknown_zone_as_utc(
    app: TestApp,
) {
    // The form carries the language of the browser's languages, for the page to send back.
    let page = |languages: &'static str| {
        Request::get("/signup")
            .header(header::ACCEPT_LANGUAGE, languages)
            .body(Body::empty())
            .expect("request")
    };
    let us = body_text(app.request(page("en-US,en;q=0.9")).await).await;
    assert!(
        us.contains(r#"name="language" value="en-US""#),
        "{}",
        app.label()
    );
    let swiss = body_text(app.request(page("de-CH,de;q=0.9")).await).await;
    assert!(
        swiss.contains(r#"name="language" value="en-GB""#),
        "{}",
        app.label()
    );
    assert!(
        swiss.contains(r#"name="time_zone""#),
        "the page has the zone's field"
    );

    let ada = sign_up_from(&app, "ada@example.com", "America/New_York", "en-US").await;
    let stored = profile(&app, &ada).await;
    assert_eq!(stored["time_zone"], "America/New_York", "{}", app.label());
    assert_eq!(stored["language"], "en-US", "{}", app.label());

    // An older name a browser still reports is kept under its current one.
    let bea = sign_up_from(&app, "bea@example.com", "Asia/Calcutta", "en-GB").await;
    assert_eq!(profile(&app, &bea).await["time_zone"], "Asia/Kolkata");

    // Neither is typed by the member: an unknown one does not refuse the sign-up. The zone is
    // then not set (UTC, as the profile says) and the language UK English.
    let cy = sign_up_from(&app, "cy@example.com", "Mars/Olympus_Mons", "tlh").await;
    let stored = profile(&app, &cy).await;
    assert_eq!(stored["time_zone"], "", "{}", app.label());
    assert_eq!(stored["language"], "en-GB", "{}", app.label());
    let page = body_text(get_page(&app, "/app/settings/profile", Some(&cy)).await).await;
    assert!(page.contains("Not set: UTC"), "{}", app.label());
}

#[backend_test]
async fn a_language_the_product_cannot_write_is_refused_and_nothing_is_saved(app: TestApp) {
    let ada = sign_up_from(&app, "ada@example.com", "Europe/London", "en-GB").await;
    let before = profile(&app, &ada).await;
    let (status, body) = choose(&app, &ada, "Europe/Paris", "de").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}: {body}",
        app.label()
    );
    assert!(body.contains("Choose a language from the list."), "{body}");
    let (status, body) = choose(&app, &ada, "Europe/Atlantis", "en-GB").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}: {body}",
        app.label()
    );
    assert!(body.contains("Choose a time zone from the list."), "{body}");
    assert_eq!(profile(&app, &ada).await, before, "nothing saved");
    // The list offers exactly the two languages, and the full list of zones.
    let page = body_text(get_page(&app, "/app/settings/profile", Some(&ada)).await).await;
    assert!(page.contains(r#"<option value="en-US""#) && page.contains("English (United States)"));
    assert!(!page.contains("Deutsch") && !page.contains(r#"value="de""#));
    assert!(
        page.contains(r#"value="America/Argentina/Buenos_Aires""#),
        "{}",
        app.label()
    );
    assert!(page.contains("America/Argentina/Buenos Aires"));
}

#[backend_test]
async fn each_member_reads_times_and_days_in_their_own_zone_and_language_at_once(app: TestApp) {
    // Sunday 6 December 2026, 23:30 UTC: still Sunday in London, Monday morning in Sydney.
    let clock = app.state.db.clock();
    let now = at("2026-12-06", 23, 30);
    clock.set(now);
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let (status, body) = choose(&app, &ada, "Europe/London", "en-GB").await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    // The answer carries the member's new clock, for the pages the browser draws next.
    let saved: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(saved["clock"]["zone"], "Europe/London");
    assert_eq!(saved["clock"]["locale"], "en-GB");

    let path = invite(&app, &ada, "bea@example.com", "member", CLIENT).await;
    let joined = crate::support::browser::join(&app, &path, "Bea", PASSWORD, CLIENT).await;
    let bea = session_cookie(&joined);
    let (status, body) = choose(&app, &bea, "Australia/Sydney", "en-US").await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());

    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    let person = format!("/app/people/{grace}");
    // Due today in London, yesterday in Sydney; due Thursday, after London's week has ended.
    for (title, due) in [
        ("Call Grace", "2026-12-06"),
        ("Send the offer", "2026-12-10"),
    ] {
        let (status, body) = add_task(&app, &ada, title, due, "", "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // Both read the same pages at the same moment.
    let read = |cookie: String| {
        let (app, person) = (&app, person.clone());
        async move {
            let page = body_text(get_page(app, &person, Some(&cookie)).await).await;
            let summary = api_ok(app, "/api/dashboard/summary", &[], &cookie).await;
            let tasks = api_ok(
                app,
                "/api/tasks/list",
                &[("query[status]", "open")],
                &cookie,
            )
            .await;
            let home = body_text(get_page(app, "/app", Some(&cookie)).await).await;
            let sessions = api_ok(app, "/api/accounts/sessions", &[], &cookie).await;
            (page, summary, tasks, home, sessions)
        }
    };
    let (london, sydney) = tokio::join!(read(ada.clone()), read(bea.clone()));

    // The person was added at 23:30 UTC.
    assert!(
        london.0.contains("6 December 2026, 23:30 GMT"),
        "{}: London's timeline: {}",
        app.label(),
        london.0
    );
    assert!(
        sydney.0.contains("December 7, 2026, 10:30 AM AEDT"),
        "{}: Sydney's timeline",
        app.label()
    );
    assert!(
        london.0.contains(r#"datetime="2026-12-06T23:30Z""#),
        "machine-readable in UTC"
    );

    let summary = |json: &str| serde_json::from_str::<Value>(json).expect("JSON");
    let (in_london, in_sydney) = (summary(&london.1), summary(&sydney.1));
    assert_eq!(
        in_london["overdue_tasks"],
        0,
        "{}: due today is not overdue",
        app.label()
    );
    assert_eq!(
        in_sydney["overdue_tasks"],
        1,
        "{}: due yesterday is",
        app.label()
    );
    assert_eq!(
        in_london["week_ends"],
        serde_json::json!({"year": 2026, "month": 12, "day": 6})
    );
    assert_eq!(
        in_sydney["week_ends"],
        serde_json::json!({"year": 2026, "month": 12, "day": 13})
    );
    let titles = |value: &Value| -> Vec<String> {
        value["week"]
            .as_array()
            .expect("week")
            .iter()
            .map(|task| task["title"].as_str().expect("title").to_owned())
            .collect()
    };
    assert_eq!(titles(&in_london), ["Call Grace"], "{}", app.label());
    assert_eq!(
        titles(&in_sydney),
        ["Call Grace", "Send the offer"],
        "{}",
        app.label()
    );

    // The tasks list marks the same task overdue for one and not the other.
    let overdue = |json: &str| -> Vec<bool> {
        serde_json::from_str::<Value>(json).expect("JSON")["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .map(|task| task["overdue"].as_bool().expect("overdue"))
            .collect()
    };
    assert_eq!(overdue(&london.2), [false, false], "{}", app.label());
    assert_eq!(overdue(&sydney.2), [true, false], "{}", app.label());

    // The dashboard writes the week's end and the due days in each one's language.
    assert!(
        london.3.contains("Due by Sunday, 6 December 2026"),
        "{}",
        app.label()
    );
    assert!(
        sydney.3.contains("Due by Sunday, December 13, 2026"),
        "{}",
        app.label()
    );
    assert!(sydney.3.contains("December 10, 2026"), "{}", app.label());

    // Sessions too: Bea's started at 23:30 UTC, half past ten in Sydney.
    assert!(
        sydney.4.contains("December 7, 2026, 10:30 AM AEDT"),
        "{}: {}",
        app.label(),
        sydney.4
    );
    assert!(
        london.4.contains("6 December 2026, 23:30 GMT"),
        "{}: {}",
        app.label(),
        london.4
    );

    // A change of zone takes effect at the member's next request: in June, London is on BST.
    let (status, _) = choose(&app, &ada, "America/New_York", "en-US").await;
    assert_eq!(status, StatusCode::OK);
    let page = body_text(get_page(&app, &person, Some(&ada)).await).await;
    assert!(
        page.contains("December 6, 2026, 6:30 PM EST"),
        "{}",
        app.label()
    );
    let summary =
        serde_json::from_str::<Value>(&api_ok(&app, "/api/dashboard/summary", &[], &ada).await)
            .expect("JSON");
    assert_eq!(summary["overdue_tasks"], 0, "Sunday evening in New York");
}
