use axum::http::StatusCode;

use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const ORIGINAL: &str = crm_backend::policy::db::ORIGINAL_POLICY;

#[backend_test]
async fn the_privacy_page_shows_the_revision_date_contents_and_all_eleven_sections(app: TestApp) {
    let response = app.get("/privacy").await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    let html = body_text(response).await;
    assert!(
        html.contains("<title>Privacy policy · Candor CRM</title>"),
        "{}",
        app.label()
    );
    assert!(html.contains("Date of Last Revision: "));
    assert!(html.contains(r#"<time datetime="2018-05-25">May 25, 2018</time>"#));
    assert!(html.contains(r#"id="highlights""#));
    for n in 1..=11 {
        assert!(
            html.contains(&format!(r##"href="#section-{n}""##)),
            "contents link to section {n}"
        );
        assert!(
            html.contains(&format!(r#"id="section-{n}""#)),
            "section {n} has its anchor"
        );
    }
    assert!(html.contains("11. How Can You Contact Us?"));
    assert!(html.contains(crm_core::product::PRIVACY_EMAIL));
    assert!(!html.contains("Copper"));
}

#[backend_test]
async fn the_versions_page_lists_the_seeded_version_and_compares_after_a_new_one(app: TestApp) {
    let html = body_text(app.get("/privacy/versions").await).await;
    assert!(html.contains("Version 1"), "{}", app.label());
    assert!(html.contains("In force"));
    assert!(html.contains("There is only one version so far"));

    let today = crm_core::time::CalendarDate::from_millis(app.state.db.now_millis());
    let edited = ORIGINAL
        .replace("effective: 2018-05-25", &format!("effective: {today}"))
        .replace(
            "We collect your resume or C.V. when you apply for a job with us.",
            "We never sell personal data.",
        );
    crm_backend::policy::db::publish(&app.state.db, &edited, true, app.state.db.now_millis())
        .await
        .expect("publish");

    let html = body_text(app.get("/privacy/versions").await).await;
    assert!(html.contains("Version 2"));
    assert!(html.contains("Significant"));
    assert!(html.contains(r#"<label for="compare-from">"#));
    assert!(html.contains(r#"action="/privacy/versions/compare""#));

    let response = app.get("/privacy/versions/compare?from=1&to=2").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body_text(response).await;
    assert!(html.contains("Changes from version 1 to version 2"));
    assert!(
        html.contains("1 sentence added, 1 sentence removed."),
        "{html}"
    );
    assert!(html.contains("<ins>We never sell personal data.</ins>"));
    assert!(
        html.contains(
            "<del>We collect your resume or C.V. when you apply for a job with us.</del>"
        )
    );

    // The new version is in force today; version 1 is still readable as published.
    let html = body_text(app.get("/privacy").await).await;
    assert!(html.contains("We never sell personal data."));
    let html = body_text(app.get("/privacy/versions/1").await).await;
    assert!(html.contains("We collect your resume or C.V."));
    assert!(html.contains(r#"<meta name="robots" content="noindex""#));
}

#[backend_test]
async fn unknown_versions_and_incomplete_comparisons_get_clear_answers(app: TestApp) {
    for path in [
        "/privacy/versions/99",
        "/privacy/versions/not-a-number",
        "/privacy/versions/compare?from=1&to=99",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{}: {path}",
            app.label()
        );
        assert!(
            body_text(response)
                .await
                .contains("There is no such version"),
            "{path}"
        );
    }
    for path in [
        "/privacy/versions/compare",
        "/privacy/versions/compare?from=1&to=1",
        "/privacy/versions/compare?from=x&to=1",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {path}",
            app.label()
        );
        assert!(body_text(response).await.contains("Choose"), "{path}");
    }
}
