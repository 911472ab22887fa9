//! The forms behind e-mailed links (password reset, invitations) and the log-in form, as a flood
//! and a mailbox thief would use them: what a refused post costs, how many password hashes run at
//! once, and when a link stops working.

use std::time::Duration;

use app::context::SiteState;
use axum::http::StatusCode;
use crm_backend::accounts::password::{HASH_WAIT, HashGate};
use crm_core::accounts::notices;

use crate::support::browser::{
    self, CHROME_ON_LINUX, Client, PASSWORD, get_page, join, link_path, location, mail_to,
    post_form, sign_up_and_log_in,
};
use crate::support::{RouterOnly, TestApp, body_text, member_id};
use crm_test_macros::backend_test;

fn from(ip: &str) -> Client<'_> {
    Client {
        ip,
        user_agent: CHROME_ON_LINUX,
    }
}

const HOME: Client = Client {
    ip: "198.51.100.60",
    user_agent: CHROME_ON_LINUX,
};

/// Asks for a reset link for `email` and returns its path.
async fn reset_link(app: &TestApp, email: &str) -> String {
    let asked = post_form(app, "/forgot-password", &[("email", email)], None, HOME).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER, "{}", app.label());
    link_path(
        mail_to(app, email)
            .await
            .iter()
            .rev()
            .find(|mail| mail.contains("/reset-password/"))
            .expect("a reset e-mail"),
        "/reset-password/",
    )
}

/// The app again, its router sharing the state but hashing at most `at_once` passwords at a time,
/// others waiting up to `wait` for their turn.
fn with_hash_gate(app: &TestApp, at_once: usize, wait: Duration) -> (axum::Router, HashGate) {
    let mut state = app.state.clone();
    state.passwords = HashGate::new(at_once, wait);
    let gate = state.passwords.clone();
    let router = server::build_router(SiteState::new(state, app.leptos.clone()));
    (router, gate)
}

#[backend_test]
async fn reset_posts_sent_at_once_that_will_be_refused_cost_no_password_hash_and_leave_the_link_working(
    app: TestApp,
) {
    sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", HOME).await;
    let path = reset_link(&app, "ada@example.com").await;
    let started = app.state.passwords.counts().started;

    // Two hundred posts at once, all with a password the rules refuse (the member's own address).
    let posts: Vec<_> = (0..200)
        .map(|_| {
            let app_view = RouterOnly {
                router: app.router.clone(),
                label: app.label(),
            };
            let path = path.clone();
            tokio::spawn(async move {
                let response = app_view
                    .post_form(&path, &[("password", "ada@example.com")], "203.0.113.5")
                    .await;
                let status = response.status();
                (status, body_text(response).await)
            })
        })
        .collect();
    let mut refused_by_rule = 0;
    let mut refused_by_limit = 0;
    for post in posts {
        let (status, body) = post.await.expect("task");
        match status {
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert!(body.contains("Your password cannot be your e-mail address."));
                refused_by_rule += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(body.contains(notices::RATE_LIMITED));
                refused_by_limit += 1;
            }
            other => panic!("{other} on {}", app.label()),
        }
    }
    // Ten posts per link are read; the rest are refused by the limit before anything else.
    assert_eq!(
        (refused_by_rule, refused_by_limit),
        (10, 190),
        "{}",
        app.label()
    );
    assert_eq!(
        app.state.passwords.counts().started,
        started,
        "no refused post made a hash on {}",
        app.label()
    );

    // The flood did not use the link up: it still opens the form. Its posts are spent for the
    // hour, so its owner asks for another link, which works.
    let page = get_page(&app, &path, None).await;
    assert_eq!(page.status(), StatusCode::OK, "{}", app.label());
    assert!(body_text(page).await.contains("Choose a new password"));
    let fresh = reset_link(&app, "ada@example.com").await;
    let done = post_form(
        &app,
        &fresh,
        &[("password", "quiet meadow lantern")],
        None,
        HOME,
    )
    .await;
    assert_eq!(location(&done), "/app", "{}", app.label());
}

#[backend_test]
async fn five_hundred_log_ins_at_once_run_no_more_hashes_together_than_the_ceiling_and_other_pages_still_answer(
    app: TestApp,
) {
    // Ten seconds' wait (the product's is HASH_WAIT, 2 s): the flood outlasts the home page's
    // answer even on a loaded machine, and still ends with requests refused for waiting too long.
    let (router, gate) = with_hash_gate(&app, 1, HASH_WAIT * 5);
    let label = app.label();
    // Five hundred strangers, each from their own address with their own unknown account, so no
    // rate limit stops any of them: every one of them costs a password check.
    let floods: Vec<_> = (0..500)
        .map(|i| {
            let router = router.clone();
            tokio::spawn(async move {
                let ip = format!("10.{}.{}.{}", i / 65_536, (i / 256) % 256, i % 256);
                let email = format!("stranger{i}@example.com");
                let response = RouterOnly { router, label }
                    .post_form(
                        "/login",
                        &[("email", &email), ("password", "a guess of twelve")],
                        &ip,
                    )
                    .await;
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .is_some_and(|v| v == "5");
                (status, retry_after, body_text(response).await)
            })
        })
        .collect();
    // Meanwhile a visitor opens the home page, and it answers while the log-ins still wait.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let home = RouterOnly {
        router: router.clone(),
        label,
    }
    .get("/")
    .await;
    assert_eq!(home.status(), StatusCode::OK, "{label}");
    let unfinished = floods.iter().filter(|f| !f.is_finished()).count();
    assert!(
        unfinished > 0,
        "the home page answered only after the whole flood on {label}"
    );

    let (mut failed, mut overloaded) = (0, 0);
    for flood in floods {
        let (status, retry_after, body) = flood.await.expect("task");
        match status {
            StatusCode::UNAUTHORIZED => {
                assert!(body.contains(notices::LOGIN_FAILED));
                failed += 1;
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(retry_after, "a 503 says when to come back: in 5 s");
                assert!(body.contains(notices::UNAVAILABLE));
                overloaded += 1;
            }
            other => panic!("{other} on {label}"),
        }
    }
    let counts = gate.counts();
    assert_eq!(
        counts.peak_at_once, 1,
        "never more hashes at once than the ceiling: {counts:?} on {label}"
    );
    assert!(failed >= 1, "{counts:?}");
    assert_eq!(failed + overloaded, 500);
    assert_eq!(counts.refused, overloaded as u64, "{counts:?}");
}

#[backend_test]
async fn an_invitation_to_an_address_that_has_an_account_is_refused_before_any_password_hash(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", HOME).await;
    sign_up_and_log_in(
        &app,
        "bob@example.com",
        "Bob's Builders",
        from("198.51.100.61"),
    )
    .await;
    let invited = post_form(
        &app,
        "/app/settings/workspace/invite",
        &[("email", "bob@example.com"), ("role", "member")],
        Some(&ada),
        HOME,
    )
    .await;
    assert_eq!(location(&invited), "/app/settings/workspace?done=invited");
    let path = link_path(
        mail_to(&app, "bob@example.com")
            .await
            .iter()
            .rev()
            .find(|mail| mail.contains("/invitations/"))
            .expect("invitation"),
        "/invitations/",
    );
    let started = app.state.passwords.counts().started;
    let joined = join(
        &app,
        &path,
        "Bob Again",
        "a brand new phrase",
        from("203.0.113.6"),
    )
    .await;
    assert_eq!(joined.status(), StatusCode::CONFLICT, "{}", app.label());
    assert_eq!(app.state.passwords.counts().started, started);
}

#[backend_test]
async fn a_reset_link_sent_before_an_e_mail_change_stops_working_when_the_change_is_confirmed(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", HOME).await;
    // Someone reading the old mailbox asks for a reset link and keeps it.
    let stolen = reset_link(&app, "ada@example.com").await;
    let asked = post_form(
        &app,
        "/app/settings/profile/email",
        &[
            ("new_email", "ada.king@example.org"),
            ("current_password", PASSWORD),
        ],
        Some(&ada),
        HOME,
    )
    .await;
    assert_eq!(location(&asked), "/app/settings/profile?saved=email");
    let confirm = link_path(
        &mail_to(&app, "ada.king@example.org").await[0],
        "/verify-email/",
    );
    let confirmed = post_form(&app, &confirm, &[], None, HOME).await;
    assert_eq!(location(&confirmed), "/email-verified", "{}", app.label());

    let page = get_page(&app, &stolen, None).await;
    assert!(
        body_text(page).await.contains(notices::LINK_INVALID),
        "{}",
        app.label()
    );
    let used = post_form(
        &app,
        &stolen,
        &[("password", "a thief's new phrase")],
        None,
        from("203.0.113.7"),
    )
    .await;
    assert_eq!(used.status(), StatusCode::NOT_FOUND, "{}", app.label());
    // The password is unchanged: the member still logs in with theirs.
    let login = post_form(
        &app,
        "/login",
        &[("email", "ada.king@example.org"), ("password", PASSWORD)],
        None,
        HOME,
    )
    .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
}

#[backend_test]
async fn a_reset_link_works_for_an_hour_and_not_a_moment_longer(app: TestApp) {
    sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", HOME).await;
    let clock = app.state.db.clock();
    let sent = clock.hold();
    let early = reset_link(&app, "ada@example.com").await;
    // A moment later (the test reads the outbox in the order mail was queued).
    clock.set(sent + 1);
    let late = reset_link(&app, "ada@example.com").await;
    assert_ne!(early, late);

    clock.set(sent + 60 * 60 * 1000 - 1);
    let done = post_form(
        &app,
        &early,
        &[("password", "quiet meadow lantern")],
        None,
        HOME,
    )
    .await;
    assert_eq!(location(&done), "/app", "{}", app.label());

    // The other link was retired by the reset; a fresh one expires after its hour.
    let fresh = reset_link(&app, "ada@example.com").await;
    clock.set(sent + 2 * 60 * 60 * 1000);
    for path in [late, fresh] {
        let expired = post_form(
            &app,
            &path,
            &[("password", "another fine phrase")],
            None,
            HOME,
        )
        .await;
        assert_eq!(expired.status(), StatusCode::NOT_FOUND, "{}", app.label());
        assert!(body_text(expired).await.contains(notices::LINK_INVALID));
    }
}

/// Has `email` join the inviter's workspace as `role`; returns their cookie.
pub(crate) async fn invite_and_join(
    app: &TestApp,
    inviter: &str,
    email: &str,
    role: &str,
) -> String {
    browser::invite_and_join(app, inviter, email, role, "Invited Person", HOME).await
}

async fn invite(app: &TestApp, inviter: &str, email: &str, role: &str) -> String {
    browser::invite(app, inviter, email, role, HOME).await
}

async fn invitation_is_open(app: &TestApp, path: &str) -> bool {
    let page = body_text(get_page(app, path, None).await).await;
    !page.contains("This invitation no longer works")
}

#[backend_test]
async fn invitations_sent_by_a_member_who_is_demoted_or_removed_are_revoked_with_them(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", HOME).await;
    let bob = invite_and_join(&app, &ada, "bob@example.com", "admin").await;
    let cat = invite_and_join(&app, &ada, "cat@example.com", "admin").await;
    let by_bob = invite(&app, &bob, "dan@example.com", "member").await;
    let by_cat = invite(&app, &cat, "eve@example.com", "member").await;
    let by_ada = invite(&app, &ada, "fay@example.com", "member").await;
    for path in [&by_bob, &by_cat, &by_ada] {
        assert!(invitation_is_open(&app, path).await, "{}", app.label());
    }

    let demoted = post_form(
        &app,
        "/app/settings/workspace/role",
        &[
            ("member_id", &member_id(&app, "bob@example.com").await),
            ("role", "member"),
        ],
        Some(&ada),
        HOME,
    )
    .await;
    assert_eq!(location(&demoted), "/app/settings/workspace?done=role");
    let removed = post_form(
        &app,
        "/app/settings/workspace/remove",
        &[("member_id", &member_id(&app, "cat@example.com").await)],
        Some(&ada),
        HOME,
    )
    .await;
    assert_eq!(location(&removed), "/app/settings/workspace?done=removed");

    assert!(!invitation_is_open(&app, &by_bob).await, "{}", app.label());
    assert!(!invitation_is_open(&app, &by_cat).await, "{}", app.label());
    assert!(invitation_is_open(&app, &by_ada).await, "{}", app.label());
    let joined = join(&app, &by_bob, "Dan", PASSWORD, HOME).await;
    assert_eq!(joined.status(), StatusCode::NOT_FOUND, "{}", app.label());
}

#[backend_test]
async fn an_invitation_works_for_its_lifetime_and_not_after(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", HOME).await;
    let clock = app.state.db.clock();
    let sent = clock.hold();
    let first = invite(&app, &ada, "bob@example.com", "member").await;
    let second = invite(&app, &ada, "cat@example.com", "member").await;
    let lifetime: i64 = sqlx::query_scalar("SELECT MAX(expires_at - created_at) FROM invitations")
        .fetch_one(app.state.db.pool())
        .await
        .expect("lifetime");
    assert_eq!(lifetime, 7 * 24 * 60 * 60 * 1000, "{}", app.label());

    clock.set(sent + lifetime - 1);
    assert!(invitation_is_open(&app, &first).await);
    clock.set(sent + lifetime);
    assert!(!invitation_is_open(&app, &second).await, "{}", app.label());
    let joined = join(&app, &second, "Cat", PASSWORD, HOME).await;
    assert_eq!(joined.status(), StatusCode::NOT_FOUND, "{}", app.label());
}
