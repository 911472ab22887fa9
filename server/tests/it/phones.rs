//! Phone numbers as people type them, through the real router on each backend: a workspace's
//! country, guessed at sign-up from the browser's languages and changed by its owner and admins
//! only; numbers typed as dialled there stored in E.164 and shown in national form, others in
//! international form, on people (main and further numbers), companies and leads; a number that
//! cannot be one refused with the reason.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::companies::{add_company, stored};
use crate::leads::add_lead;
use crate::people::{ada_and_mallory, add_person, api, api_ok};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, PASSWORD, get_page, invite_and_join, location, post_form,
};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.82",
    user_agent: CHROME_ON_LINUX,
};

/// The workspace's country as stored (`None` for none) for the member with this session.
async fn country_of(app: &TestApp, cookie: &str) -> Option<String> {
    let settings: Value =
        serde_json::from_str(&api_ok(app, "/api/workspace/settings", &[], cookie).await)
            .expect("json");
    settings["country"].as_str().map(str::to_owned)
}

/// Posts the settings' country form; answers the status and where it leads.
async fn set_country(app: &TestApp, cookie: &str, code: &str) -> (StatusCode, String) {
    let response = post_form(
        app,
        "/app/settings/workspace/country",
        &[("country", code)],
        Some(cookie),
        CLIENT,
    )
    .await;
    let status = response.status();
    let target = location(&response);
    (
        status,
        if target.is_empty() {
            body_text(response).await
        } else {
            target
        },
    )
}

fn json(status: StatusCode, body: &str, label: &str) -> Value {
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    serde_json::from_str(body).expect("json")
}

#[backend_test]
async fn the_sign_up_form_chooses_the_country_of_the_browsers_languages_and_the_workspace_keeps_it(
    app: TestApp,
) {
    let label = app.label();
    let page_with = |languages: &'static str| {
        let app = &app;
        async move {
            let request = Request::get("/signup")
                .header(header::ACCEPT, "text/html")
                .header(header::ACCEPT_LANGUAGE, languages)
                .body(Body::empty())
                .expect("request");
            body_text(app.request(request).await).await
        }
    };
    let british = page_with("en-GB,en;q=0.9").await;
    assert!(
        british.contains(r#"value="GB" selected"#),
        "{label}: {british}"
    );
    let unplaced = page_with("fr").await;
    assert!(
        unplaced.contains(r#"value="" selected"#) && unplaced.matches(" selected").count() == 1,
        "{label}: no country is guessed from a bare language: {unplaced}"
    );
    assert!(unplaced.contains("None (numbers need their country code)"));

    // What is posted is kept; a code that is not a country is refused with the form kept.
    let signup = |email: &'static str, country: &'static str| {
        let app = &app;
        async move {
            post_form(
                app,
                "/signup",
                &[
                    ("name", "Nora National"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("workspace_name", "Nora Numbers"),
                    ("country", country),
                    ("age", "on"),
                    ("policy", "on"),
                ],
                None,
                CLIENT,
            )
            .await
        }
    };
    let refused = signup("nora@example.com", "XX").await;
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{label}"
    );
    let page = body_text(refused).await;
    assert!(
        page.contains("Choose the workspace&#x27;s country from the list.")
            || page.contains("Choose the workspace's country from the list."),
        "{label}: {page}"
    );
    let workspaces: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE name = 'Nora Numbers'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
    assert_eq!(
        workspaces, 0,
        "{label}: nothing is created by a refused sign-up"
    );
    assert_eq!(
        signup("nora@example.com", "gb").await.status(),
        StatusCode::SEE_OTHER
    );
    let country: Option<String> =
        sqlx::query_scalar("SELECT country FROM workspaces WHERE name = 'Nora Numbers'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("country");
    assert_eq!(country.as_deref(), Some("GB"), "{label}");
}

#[backend_test]
async fn numbers_typed_as_dialled_in_the_workspaces_country_are_stored_in_e164_and_shown_in_national_form(
    app: TestApp,
) {
    let label = app.label();
    let (ada, mallory) = ada_and_mallory(&app).await;
    // Without a country, a national number needs its country code.
    let (status, body) = api(
        &app,
        "/api/people/save-field",
        &[
            (
                "id",
                &add_person(&app, &ada, &[("first_name", "Early")]).await,
            ),
            ("field", "Phone"),
            ("value", "020 7946 0958"),
            ("base", ""),
            ("version", "1"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
    assert!(
        body.contains("Enter the number with its country code"),
        "{label}: {body}"
    );
    assert!(
        body.contains("An admin can set the workspace"),
        "{label}: {body}"
    );

    assert_eq!(
        set_country(&app, &ada, "GB").await,
        (
            StatusCode::SEE_OTHER,
            "/app/settings/workspace?done=country".to_owned()
        ),
        "{label}"
    );
    assert_eq!(country_of(&app, &ada).await.as_deref(), Some("GB"));
    assert_eq!(
        country_of(&app, &mallory).await,
        None,
        "{label}: only Ada's workspace"
    );

    // People: the main number and a further one.
    let grace = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("phone", "020 7946 0958"),
        ],
    )
    .await;
    assert_eq!(
        stored(&app, "people", "phone", &grace).await.as_deref(),
        Some("+442079460958"),
        "{label}"
    );
    let (status, body) = api(
        &app,
        "/api/people/add-contact",
        &[
            ("id", &grace),
            ("kind", "MobilePhone"),
            ("value", "07400 123456"),
        ],
        &ada,
    )
    .await;
    let record = json(status, &body, label);
    assert_eq!(record["person"]["phone"], "020 7946 0958", "{label}");
    assert_eq!(
        record["person"]["contacts"][0]["value"], "07400 123456",
        "{label}"
    );
    let further: String =
        sqlx::query_scalar("SELECT value FROM person_contacts WHERE person_id = $1")
            .bind(&grace)
            .fetch_one(app.state.db.pool())
            .await
            .expect("contact");
    assert_eq!(further, "+447400123456", "{label}");
    let list = api_ok(&app, "/api/people/list", &[("query[q]", "Hopper")], &ada).await;
    assert!(
        list.contains(r#""phone":"020 7946 0958""#),
        "{label}: {list}"
    );

    // Saved from the page, which had the national form, after another field changed meanwhile:
    // the same number, so not a conflict; a Swiss number keeps its country code when shown.
    let (status, _) = api(
        &app,
        "/api/people/save-field",
        &[
            ("id", &grace),
            ("field", "JobTitle"),
            ("value", "Admiral"),
            ("base", ""),
            ("version", "2"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}");
    let (status, body) = api(
        &app,
        "/api/people/save-field",
        &[
            ("id", &grace),
            ("field", "Phone"),
            ("value", "+41 44 668 18 00"),
            ("base", "020 7946 0958"),
            ("version", "2"),
        ],
        &ada,
    )
    .await;
    let record = json(status, &body, label);
    assert_eq!(record["person"]["phone"], "+41 44 668 18 00", "{label}");
    let page = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    assert!(
        page.contains(
            "changed phone from \u{201c}020 7946 0958\u{201d} to \u{201c}+41 44 668 18 00\u{201d}"
        ),
        "{label}: {page}"
    );

    // Companies and leads alike.
    let acme = add_company(&app, &ada, &[("name", "Acme"), ("phone", "0121 234 5678")]).await;
    assert_eq!(
        stored(&app, "companies", "phone", &acme).await.as_deref(),
        Some("+441212345678")
    );
    let company = api_ok(&app, "/api/companies/load", &[("id", &acme)], &ada).await;
    assert!(
        company.contains(r#""phone":"0121 234 5678""#),
        "{label}: {company}"
    );
    let lead = add_lead(
        &app,
        &ada,
        &[
            ("name", "Alan Turing"),
            ("email", "alan@acme.example"),
            ("company_name", "Acme"),
            ("source", "Referral"),
            ("phone", "+1 415 555 2671"),
        ],
    )
    .await;
    let shown = api_ok(&app, "/api/leads/load", &[("id", &lead)], &ada).await;
    assert!(
        shown.contains(r#""phone":"+1 415-555-2671""#),
        "{label}: {shown}"
    );

    // Mallory's workspace has no country: the same stored number is shown internationally.
    let hers = add_person(
        &app,
        &mallory,
        &[("first_name", "Marie"), ("phone", "+44 20 7946 0958")],
    )
    .await;
    let record = api_ok(&app, "/api/people/load", &[("id", &hers)], &mallory).await;
    assert!(
        record.contains(r#""phone":"+44 20 7946 0958""#),
        "{label}: {record}"
    );
}

#[backend_test]
async fn a_number_that_cannot_be_one_is_refused_with_the_reason_and_nothing_changes(app: TestApp) {
    let label = app.label();
    let (ada, _) = ada_and_mallory(&app).await;
    set_country(&app, &ada, "GB").await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("phone", "020 7946 0958")],
    )
    .await;
    for (typed, reason) in [
        (
            "020 7946",
            "This is too short for a phone number in United Kingdom: check the digits.",
        ),
        (
            "020 7946 0958 12345",
            "This is too long for a phone number in United Kingdom: check the digits.",
        ),
        (
            "+44 20 79",
            "This is too short for a phone number in United Kingdom: check the digits.",
        ),
        (
            "+999 1234 5678",
            "No country has this country code: check the digits after the +.",
        ),
        (
            "020 CALL NOW",
            "Use only digits, spaces and + - ( ) . / in a phone number.",
        ),
    ] {
        let (status, body) = api(
            &app,
            "/api/people/save-field",
            &[
                ("id", &grace),
                ("field", "Phone"),
                ("value", typed),
                ("base", "020 7946 0958"),
                ("version", "1"),
            ],
            &ada,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{label} {typed}: {body}"
        );
        assert!(body.contains(reason), "{label} {typed}: {body}");
        assert_eq!(
            stored(&app, "people", "phone", &grace).await.as_deref(),
            Some("+442079460958"),
            "{label} {typed}"
        );
    }
    // The add form says the same beside the field, and keeps what was typed.
    let response = post_form(
        &app,
        "/app/companies/new",
        &[("name", "Short Ltd"), ("phone", "020 7946")],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{label}"
    );
    let page = body_text(response).await;
    assert!(
        page.contains("This is too short for a phone number in United Kingdom"),
        "{label}: {page}"
    );
    assert!(page.contains("value=\"020 7946\""), "{label}");
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn only_the_owner_and_admins_change_the_workspaces_country_and_changes_at_once_leave_one(
    app: TestApp,
) {
    let label = app.label();
    let (ada, mallory) = ada_and_mallory(&app).await;
    let bob = invite_and_join(&app, &ada, "bob@example.com", "admin", "Bob Admin", CLIENT).await;
    let cat = invite_and_join(
        &app,
        &ada,
        "cat@example.com",
        "member",
        "Cat Member",
        CLIENT,
    )
    .await;
    set_country(&app, &ada, "GB").await;

    // A member may not; a code that is not a country is refused; a visitor is sent to log in.
    let (status, _) = set_country(&app, &cat, "US").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
    let (status, body) = set_country(&app, &bob, "Narnia").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    assert!(body.contains("Choose the workspace"), "{label}: {body}");
    let response = post_form(
        &app,
        "/app/settings/workspace/country",
        &[("country", "US")],
        None,
        CLIENT,
    )
    .await;
    assert!(location(&response).starts_with("/login"), "{label}");
    assert_eq!(
        country_of(&app, &ada).await.as_deref(),
        Some("GB"),
        "{label}"
    );
    // The settings page shows a member the country, and no form to change it.
    let page = body_text(get_page(&app, "/app/settings/workspace", Some(&cat)).await).await;
    assert!(
        page.contains("Workspace&#x27;s country: United Kingdom")
            || page.contains("Workspace's country: United Kingdom"),
        "{label}: {page}"
    );
    assert!(!page.contains("/app/settings/workspace/country"), "{label}");

    // The owner and an admin change it at once, several times: it ends as one of their choices,
    // and every member's next request reads that one.
    let app = Arc::new(app);
    let mut changes = Vec::new();
    for (cookie, code) in [
        (&ada, "US"),
        (&bob, "CH"),
        (&ada, "FR"),
        (&bob, ""),
        (&ada, "DE"),
        (&bob, "IE"),
    ] {
        let (app, cookie) = (app.clone(), cookie.clone());
        changes.push(tokio::spawn(async move {
            set_country(&app, &cookie, code).await
        }));
    }
    for change in changes {
        let (status, target) = change.await.expect("a change");
        assert_eq!(
            (status, target.as_str()),
            (
                StatusCode::SEE_OTHER,
                "/app/settings/workspace?done=country"
            ),
            "{label}"
        );
    }
    let chosen = country_of(&app, &ada).await;
    assert!(
        [
            None,
            Some("US"),
            Some("CH"),
            Some("FR"),
            Some("DE"),
            Some("IE")
        ]
        .contains(&chosen.as_deref()),
        "{label}: {chosen:?}"
    );
    assert_eq!(country_of(&app, &bob).await, chosen, "{label}");
    assert_eq!(country_of(&app, &cat).await, chosen, "{label}");
    assert_eq!(
        country_of(&app, &mallory).await,
        None,
        "{label}: another workspace is untouched"
    );
}
