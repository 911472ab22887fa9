//! Workspaces through the real router: invitations, roles, removal, ownership, switching, the
//! profile and sessions pages, and a matrix in which a member of one workspace aims every action
//! at another workspace's ids and gets nothing.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};

use crate::support::browser::{
    self, Client, FIREFOX_ON_LINUX, PASSWORD, encode, get_page, link_path, location, mail_to,
    post_form, session_cookie, session_set_cookie, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text, member_id};
use crm_core::accounts::notices;
use crm_test_macros::backend_test;

/// Firefox at one address.
const CLIENT: Client = Client {
    ip: "198.51.100.40",
    user_agent: FIREFOX_ON_LINUX,
};

/// A form POST from Firefox at one address.
async fn post(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Response<Body> {
    post_form(app, path, fields, cookie, CLIENT).await
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> Response<Body> {
    get_page(app, path, Some(cookie)).await
}

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(app.state.db.pool())
        .await
        .expect("query")
}

/// Signs up, confirms the address and logs in; returns the session cookie.
async fn owner(app: &TestApp, email: &str, workspace: &str) -> String {
    sign_up_and_log_in(app, email, workspace, CLIENT).await
}

/// Invites `email` as `role` and has them join with a new account; returns their cookie.
async fn invite_and_join(app: &TestApp, owner: &str, email: &str, role: &str) -> String {
    browser::invite_and_join(app, owner, email, role, "Bob Builder", CLIENT).await
}

#[backend_test]
async fn an_invited_person_joins_with_a_new_account_through_a_link_that_works_once(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let bob = invite_and_join(&app, &ada, "bob@example.com", "member").await;
    let home = body_text(get(&app, "/app", &bob).await).await;
    assert!(home.contains("Analytical Engines"), "{}", app.label());
    assert!(home.contains("member of this workspace"));
    assert!(
        !home.contains("Please confirm your e-mail address"),
        "the link confirmed it"
    );
    let path = link_path(
        mail_to(&app, "bob@example.com").await.last().expect("mail"),
        "/invitations/",
    );
    let again = browser::join(&app, &path, "Eve", PASSWORD, CLIENT).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM members WHERE email <> $1", "").await,
        2
    );
}

#[backend_test]
async fn an_existing_member_accepts_and_can_switch_between_workspaces(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let bob = owner(&app, "bob@example.com", "Builders Ltd").await;
    post(
        &app,
        "/app/settings/workspace/invite",
        &[("email", "BOB@example.com"), ("role", "admin")],
        Some(&ada),
    )
    .await;
    let path = link_path(
        mail_to(&app, "BOB@example.com")
            .await
            .last()
            .expect("invitation"),
        "/invitations/",
    );
    // Logged in as someone else, the invitation is refused.
    let refused = post(&app, &path, &[("action", "accept")], Some(&ada)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{}", app.label());
    let accepted = post(&app, &path, &[("action", "accept")], Some(&bob)).await;
    assert_eq!(location(&accepted), "/app");
    assert!(
        body_text(get(&app, "/app", &bob).await)
            .await
            .contains("Analytical Engines")
    );

    let settings = body_text(get(&app, "/app/settings/workspace", &bob).await).await;
    assert!(settings.contains("Your workspaces"));
    let own: String = sqlx::query_scalar("SELECT id FROM workspaces WHERE name = $1")
        .bind("Builders Ltd")
        .fetch_one(app.state.db.pool())
        .await
        .expect("workspace");
    let switched = post(
        &app,
        "/app/workspace/switch",
        &[("workspace_id", &own)],
        Some(&bob),
    )
    .await;
    assert_eq!(location(&switched), "/app");
    assert!(
        body_text(get(&app, "/app", &bob).await)
            .await
            .contains("Bob&#x27;s Builders")
            || body_text(get(&app, "/app", &bob).await)
                .await
                .contains("Builders Ltd")
    );
}

#[backend_test]
async fn an_unconfirmed_owner_cannot_invite_and_members_cannot_manage(app: TestApp) {
    post(
        &app,
        "/signup",
        &[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("workspace_name", "AE"),
            ("age", "on"),
            ("policy", "on"),
        ],
        None,
    )
    .await;
    let unconfirmed = session_cookie(
        &post(
            &app,
            "/login",
            &[("email", "ada@example.com"), ("password", PASSWORD)],
            None,
        )
        .await,
    );
    let refused = post(
        &app,
        "/app/settings/workspace/invite",
        &[("email", "bob@example.com"), ("role", "member")],
        Some(&unconfirmed),
    )
    .await;
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    assert!(
        body_text(refused)
            .await
            .contains("Confirm your own e-mail address")
    );
    assert!(mail_to(&app, "bob@example.com").await.is_empty());

    let grace = owner(&app, "grace@example.com", "Compilers").await;
    let bob = invite_and_join(&app, &grace, "bob@example.com", "member").await;
    let by_member = post(
        &app,
        "/app/settings/workspace/invite",
        &[("email", "eve@example.com"), ("role", "admin")],
        Some(&bob),
    )
    .await;
    assert_eq!(by_member.status(), StatusCode::FORBIDDEN);
    let grace_id = member_id(&app, "grace@example.com").await;
    let remove_owner = post(
        &app,
        "/app/settings/workspace/remove",
        &[("member_id", &grace_id)],
        Some(&bob),
    )
    .await;
    assert_eq!(remove_owner.status(), StatusCode::FORBIDDEN);
}

#[backend_test]
async fn removing_a_member_ends_their_access_at_once(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let bob = invite_and_join(&app, &ada, "bob@example.com", "member").await;
    assert_eq!(get(&app, "/app", &bob).await.status(), StatusCode::OK);
    let bob_id = member_id(&app, "bob@example.com").await;
    let removed = post(
        &app,
        "/app/settings/workspace/remove",
        &[("member_id", &bob_id)],
        Some(&ada),
    )
    .await;
    assert_eq!(
        location(&removed),
        "/app/settings/workspace?done=removed",
        "{}",
        app.label()
    );
    let after = get(&app, "/app", &bob).await;
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the session no longer opens the app"
    );
    // With no workspace left, logging in does not get in either, and says why to the member who
    // knows the password (and only to them).
    let login = post(
        &app,
        "/login",
        &[("email", "bob@example.com"), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(login.status(), StatusCode::FORBIDDEN, "{}", app.label());
    assert!(session_set_cookie(&login).is_none());
    assert!(body_text(login).await.contains(notices::NO_WORKSPACE));
    let guess = post(
        &app,
        "/login",
        &[("email", "bob@example.com"), ("password", "a wrong guess!")],
        None,
    )
    .await;
    assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(guess).await.contains(notices::LOGIN_FAILED));
}

#[backend_test]
async fn roles_change_and_ownership_is_handed_over_by_the_owner_only(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let bob = invite_and_join(&app, &ada, "bob@example.com", "member").await;
    let bob_id = member_id(&app, "bob@example.com").await;
    let ada_id = member_id(&app, "ada@example.com").await;
    let promoted = post(
        &app,
        "/app/settings/workspace/role",
        &[("member_id", &bob_id), ("role", "admin")],
        Some(&ada),
    )
    .await;
    assert_eq!(
        location(&promoted),
        "/app/settings/workspace?done=role",
        "{}",
        app.label()
    );
    let by_admin = post(
        &app,
        "/app/settings/workspace/transfer",
        &[("member_id", &bob_id)],
        Some(&bob),
    )
    .await;
    assert_eq!(by_admin.status(), StatusCode::FORBIDDEN);
    let handed = post(
        &app,
        "/app/settings/workspace/transfer",
        &[("member_id", &bob_id)],
        Some(&ada),
    )
    .await;
    assert_eq!(
        location(&handed),
        "/app/settings/workspace?done=transferred"
    );
    let roles: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.email, ms.role FROM memberships ms JOIN members m ON m.id = ms.member_id ORDER BY m.email",
    )
    .fetch_all(app.state.db.pool())
    .await
    .expect("roles");
    assert_eq!(
        roles,
        vec![
            ("ada@example.com".into(), "admin".into()),
            ("bob@example.com".into(), "owner".into())
        ]
    );
    // The new owner may now remove the old one.
    let removed = post(
        &app,
        "/app/settings/workspace/remove",
        &[("member_id", &ada_id)],
        Some(&bob),
    )
    .await;
    assert_eq!(location(&removed), "/app/settings/workspace?done=removed");
}

#[backend_test]
async fn a_member_of_one_workspace_reaches_nothing_of_another(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Workspace A").await;
    let mallory = owner(&app, "mallory@example.com", "Workspace B").await;
    let bob = invite_and_join(&app, &ada, "bob@example.com", "member").await;
    post(
        &app,
        "/app/settings/workspace/invite",
        &[("email", "carol@example.com"), ("role", "member")],
        Some(&ada),
    )
    .await;
    let ada_id = member_id(&app, "ada@example.com").await;
    let bob_id = member_id(&app, "bob@example.com").await;
    let invitation: String =
        sqlx::query_scalar("SELECT id FROM invitations WHERE email = 'carol@example.com'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("invitation");
    let workspace_a: String =
        sqlx::query_scalar("SELECT id FROM workspaces WHERE name = 'Workspace A'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("workspace");
    let bob_session: String = sqlx::query_scalar("SELECT id FROM sessions WHERE member_id = $1")
        .bind(&bob_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("session");
    let before: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT workspace_id, member_id, role FROM memberships ORDER BY workspace_id, member_id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .expect("memberships");

    let attempts: [(&str, Vec<(&str, &str)>); 7] = [
        (
            "/app/settings/workspace/remove",
            vec![("member_id", &bob_id)],
        ),
        (
            "/app/settings/workspace/remove",
            vec![("member_id", &ada_id)],
        ),
        (
            "/app/settings/workspace/role",
            vec![("member_id", &bob_id), ("role", "admin")],
        ),
        (
            "/app/settings/workspace/transfer",
            vec![("member_id", &bob_id)],
        ),
        (
            "/app/settings/workspace/revoke",
            vec![("invitation_id", &invitation)],
        ),
        (
            "/app/workspace/switch",
            vec![("workspace_id", &workspace_a)],
        ),
        (
            "/app/settings/sessions/end",
            vec![("session_id", &bob_session)],
        ),
    ];
    for (path, fields) in attempts {
        let response = post(&app, path, &fields, Some(&mallory)).await;
        let status = response.status();
        let body = body_text(response).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::SEE_OTHER,
            "{path}: {status} on {}",
            app.label()
        );
        for secret in [
            "Workspace A",
            "bob@example.com",
            "carol@example.com",
            "Bob Builder",
        ] {
            assert!(!body.contains(secret), "{path} hinted at {secret}");
        }
    }
    let after: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT workspace_id, member_id, role FROM memberships ORDER BY workspace_id, member_id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .expect("memberships");
    assert_eq!(before, after, "nothing changed");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE revoked_at IS NULL AND email = $1",
            "carol@example.com"
        )
        .await,
        1
    );
    assert_eq!(
        get(&app, "/app", &bob).await.status(),
        StatusCode::OK,
        "Bob's session stands"
    );
    // Reads: Mallory's pages and server functions show only Workspace B.
    for page in [
        "/app",
        "/app/settings/workspace",
        "/app/settings/sessions",
        "/app/settings/profile",
    ] {
        let body = body_text(get(&app, page, &mallory).await).await;
        for secret in [
            "Workspace A",
            "bob@example.com",
            "carol@example.com",
            "ada@example.com",
        ] {
            assert!(!body.contains(secret), "{page} showed {secret}");
        }
    }
    for endpoint in [
        "/api/workspace/settings",
        "/api/accounts/sessions",
        "/api/accounts/profile",
        "/api/accounts/me",
    ] {
        let request = Request::post(endpoint)
            .header(header::COOKIE, &mallory)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .expect("request");
        let response = app.request(request).await;
        assert_eq!(response.status(), StatusCode::OK, "{endpoint}");
        let body = body_text(response).await;
        for secret in [
            "Workspace A",
            "bob@example.com",
            "carol@example.com",
            "ada@example.com",
        ] {
            assert!(!body.contains(secret), "{endpoint} showed {secret}: {body}");
        }
    }
    // The profile saver takes no member id at all: it saves the session's member only.
    let saved = post(
        &app,
        "/app/settings/profile",
        &[
            ("name", "Mallory M"),
            ("job_title", "Intruder"),
            ("version", "1"),
        ],
        Some(&mallory),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM members WHERE job_title = $1",
            "Intruder"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM members WHERE name = $1",
            "Mallory M"
        )
        .await,
        1
    );
    let _ = ada;
}

#[backend_test]
async fn the_profile_saves_without_javascript_and_refuses_an_edit_from_an_older_version(
    app: TestApp,
) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let fields = [
        ("name", "Ada King"),
        ("job_title", "Analyst"),
        ("phone", "+44 20 7946 0958"),
        ("mailing_address", "12 St James's Square\r\nLondon"),
        ("time_zone", "Europe/London"),
        ("language", "en-GB"),
        ("version", "1"),
    ];
    let saved = post(&app, "/app/settings/profile", &fields, Some(&ada)).await;
    assert_eq!(
        location(&saved),
        "/app/settings/profile?saved=details",
        "{}",
        app.label()
    );
    let page = body_text(get(&app, "/app/settings/profile", &ada).await).await;
    assert!(page.contains("value=\"Ada King\"") && page.contains("Analyst"));
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM members WHERE mailing_address = $1",
            "12 St James's Square\nLondon"
        )
        .await,
        1
    );

    // The same form again, from version 1: someone else saved in between.
    let stale = post(&app, "/app/settings/profile", &fields, Some(&ada)).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(body_text(stale).await.contains("changed in another tab"));

    let invalid = post(
        &app,
        "/app/settings/profile",
        &[("name", ""), ("phone", "call me"), ("version", "2")],
        Some(&ada),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body_text(invalid).await;
    assert!(html.contains("Enter your name.") && html.contains("Enter a phone number like"));
    assert!(html.contains("value=\"call me\""), "what was typed is kept");
}

#[backend_test]
async fn the_profile_server_function_names_the_field_at_fault(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let request = Request::post("/api/accounts/profile/save")
        .header(header::COOKIE, &ada)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(encode(&[
            ("fields[name]", "Ada"),
            ("fields[phone]", "12"),
            ("fields[version]", "1"),
        ])))
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let body = body_text(response).await;
    assert!(body.contains("\"field\":\"phone\""), "{body}");
    let get = Request::get("/api/accounts/profile/save")
        .header(header::COOKIE, &ada)
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        app.request(get).await.status(),
        StatusCode::METHOD_NOT_ALLOWED,
        "a change never goes by GET"
    );
}

#[backend_test]
async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions(app: TestApp) {
    let here = owner(&app, "ada@example.com", "Analytical Engines").await;
    let elsewhere = session_cookie(
        &post(
            &app,
            "/login",
            &[("email", "ada@example.com"), ("password", PASSWORD)],
            None,
        )
        .await,
    );
    let wrong = post(
        &app,
        "/app/settings/profile/password",
        &[
            ("current_password", "not it at all"),
            ("new_password", "quiet meadow lantern"),
        ],
        Some(&here),
    )
    .await;
    assert_eq!(
        wrong.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    assert!(
        body_text(wrong)
            .await
            .contains("That is not your current password.")
    );
    let changed = post(
        &app,
        "/app/settings/profile/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "quiet meadow lantern"),
        ],
        Some(&here),
    )
    .await;
    assert_eq!(location(&changed), "/app/settings/profile?saved=password");
    assert_eq!(get(&app, "/app", &here).await.status(), StatusCode::OK);
    assert_eq!(
        get(&app, "/app", &elsewhere).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        mail_to(&app, "ada@example.com")
            .await
            .iter()
            .any(|m| m.contains("Your Candor CRM password was changed"))
    );
}

#[backend_test]
async fn an_e_mail_change_waits_for_the_new_address_and_tells_the_old_one(app: TestApp) {
    let ada = owner(&app, "ada@example.com", "Analytical Engines").await;
    let asked = post(
        &app,
        "/app/settings/profile/email",
        &[
            ("new_email", "ada.king@example.org"),
            ("current_password", PASSWORD),
        ],
        Some(&ada),
    )
    .await;
    assert_eq!(
        location(&asked),
        "/app/settings/profile?saved=email",
        "{}",
        app.label()
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM members WHERE email = $1",
            "ada@example.com"
        )
        .await,
        1
    );
    assert!(
        mail_to(&app, "ada@example.com")
            .await
            .iter()
            .any(|m| m.contains("ada.king@example.org"))
    );
    let path = link_path(
        &mail_to(&app, "ada.king@example.org").await[0],
        "/verify-email/",
    );
    assert_eq!(
        location(&post(&app, &path, &[], None).await),
        "/email-verified"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM members WHERE email = $1",
            "ada.king@example.org"
        )
        .await,
        1
    );
    assert!(
        mail_to(&app, "ada@example.com")
            .await
            .iter()
            .any(|m| m.contains("was changed"))
    );
    let login = post(
        &app,
        "/login",
        &[("email", "ada.king@example.org"), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
}

#[backend_test]
async fn the_sessions_page_lists_devices_and_ends_one(app: TestApp) {
    let here = owner(&app, "ada@example.com", "Analytical Engines").await;
    let elsewhere = session_cookie(
        &post(
            &app,
            "/login",
            &[("email", "ada@example.com"), ("password", PASSWORD)],
            None,
        )
        .await,
    );
    let page = body_text(get(&app, "/app/settings/sessions", &here).await).await;
    assert!(page.contains("Firefox on Linux"), "{}", app.label());
    assert!(page.contains("198.51.100.40"));
    assert!(page.contains("(this browser)"));
    let secret = elsewhere.trim_start_matches("candor_session=");
    let other: String = sqlx::query_scalar("SELECT id FROM sessions WHERE secret_hash = $1")
        .bind(crm_backend::accounts::tokens::hash(secret))
        .fetch_one(app.state.db.pool())
        .await
        .expect("session");
    let ended = post(
        &app,
        "/app/settings/sessions/end",
        &[("session_id", &other)],
        Some(&here),
    )
    .await;
    assert_eq!(location(&ended), "/app/settings/sessions?done=ended");
    assert_eq!(
        get(&app, "/app", &elsewhere).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(get(&app, "/app", &here).await.status(), StatusCode::OK);
}
