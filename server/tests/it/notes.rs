//! Notes changed after they are written, through the real router on each backend: edited by their
//! author only, deleted by their author or the workspace's owner and admins, the timeline saying
//! which; a deleted note's text gone from the database; a stale edit refused; two members at once
//! getting one outcome; other workspaces out of reach.

use std::sync::Arc;

use axum::http::StatusCode;

use crate::people::{add_person, api, api_ok};
use crate::support::TestApp;
use crate::support::body_text;
use crate::support::browser::{
    CHROME_ON_LINUX, Client, get_page, invite_and_join, sign_up_and_log_in,
};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.81",
    user_agent: CHROME_ON_LINUX,
};

/// Ada owns the workspace, Bob is an admin and Cat and Dan members in it; Mallory has a workspace
/// of her own.
struct Team {
    ada: String,
    bob: String,
    cat: String,
    dan: String,
    mallory: String,
}

async fn team(app: &TestApp) -> Team {
    let ada = sign_up_and_log_in(app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let bob = invite_and_join(app, &ada, "bob@example.com", "admin", "Bob Admin", CLIENT).await;
    let cat = invite_and_join(app, &ada, "cat@example.com", "member", "Cat Member", CLIENT).await;
    let dan = invite_and_join(app, &ada, "dan@example.com", "member", "Dan Member", CLIENT).await;
    let mallory = sign_up_and_log_in(app, "mallory@example.com", "Elsewhere", CLIENT).await;
    Team {
        ada,
        bob,
        cat,
        dan,
        mallory,
    }
}

/// Writes a note on a person as `cookie`; answers the new note's id.
async fn write_note(app: &TestApp, cookie: &str, person: &str, body: &str) -> String {
    let timeline = api_ok(
        app,
        "/api/records/add-note",
        &[("kind", "People"), ("id", person), ("body", body)],
        cookie,
    )
    .await;
    let marker = r#"{"Note":{"id":""#;
    let start = timeline.find(marker).expect("the note in the timeline") + marker.len();
    timeline[start..start + 36].to_owned()
}

async fn stored_note(app: &TestApp, id: &str) -> Option<(String, Option<i64>)> {
    sqlx::query_as("SELECT body, edited_at FROM notes WHERE id = $1")
        .bind(id)
        .fetch_optional(app.state.db.pool())
        .await
        .expect("query")
}

async fn deletions_recorded(app: &TestApp, record: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM record_events WHERE record_id = $1 AND field = 'note_deleted'",
    )
    .bind(record)
    .fetch_one(app.state.db.pool())
    .await
    .expect("count")
}

#[backend_test]
async fn a_note_is_edited_by_its_author_alone_and_the_timeline_says_it_was_edited(app: TestApp) {
    let team = team(&app).await;
    let grace = add_person(&app, &team.cat, &[("first_name", "Grace")]).await;
    let note = write_note(&app, &team.cat, &grace, "Met at the fair.").await;

    // Her own note: saved, with when it was edited.
    let (status, body) = api(
        &app,
        "/api/records/edit-note",
        &[
            ("id", &note),
            ("body", " Met at the fair in May.\r\nCall in June. "),
            ("base", "Met at the fair."),
        ],
        &team.cat,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(
        body.contains(r#""body":"Met at the fair in May.\nCall in June.""#),
        "{body}"
    );
    let (text, edited_at) = stored_note(&app, &note).await.expect("the note");
    assert_eq!(text, "Met at the fair in May.\nCall in June.");
    assert!(edited_at.is_some(), "{}", app.label());
    let page =
        body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&team.cat)).await).await;
    assert!(
        page.contains("Cat Member wrote a note:") && page.contains("(edited "),
        "{}: {page}",
        app.label()
    );

    // Nobody else edits it: not an admin, not the owner, not another member.
    for (who, cookie) in [
        ("owner", &team.ada),
        ("admin", &team.bob),
        ("member", &team.dan),
    ] {
        let (status, body) = api(
            &app,
            "/api/records/edit-note",
            &[
                ("id", &note),
                ("body", "Rewritten by someone else."),
                ("base", "Met at the fair in May.\nCall in June."),
            ],
            cookie,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{who} on {}: {body}",
            app.label()
        );
        assert!(
            body.contains("Only the member who wrote a note can edit it."),
            "{who}: {body}"
        );
    }
    // An edit started from an older text (her other window): refused, nothing overwritten.
    let (status, body) = api(
        &app,
        "/api/records/edit-note",
        &[
            ("id", &note),
            ("body", "From the other window."),
            ("base", "Met at the fair."),
        ],
        &team.cat,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", app.label());
    assert!(
        body.contains("This note was changed in another window while you were editing it."),
        "{body}"
    );
    // An empty or oversized text: refused with the note's own message.
    let (status, body) = api(
        &app,
        "/api/records/edit-note",
        &[
            ("id", &note),
            ("body", " \n "),
            ("base", "Met at the fair in May.\nCall in June."),
        ],
        &team.cat,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Write the note first."), "{body}");
    let long = "a".repeat(5_001);
    let (status, body) = api(
        &app,
        "/api/records/edit-note",
        &[
            ("id", &note),
            ("body", &long),
            ("base", "Met at the fair in May.\nCall in June."),
        ],
        &team.cat,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at most 5000 characters"), "{body}");
    // Another workspace's member, a made-up id, no session.
    for (cookie, id, expected) in [
        (team.mallory.as_str(), note.as_str(), StatusCode::NOT_FOUND),
        (team.cat.as_str(), "not-a-note", StatusCode::NOT_FOUND),
        (
            team.cat.as_str(),
            "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
            StatusCode::NOT_FOUND,
        ),
        (
            "candor_session=forged",
            note.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
    ] {
        let (status, body) = api(
            &app,
            "/api/records/edit-note",
            &[
                ("id", id),
                ("body", "pwned"),
                ("base", "Met at the fair in May.\nCall in June."),
            ],
            cookie,
        )
        .await;
        assert_eq!(status, expected, "{id} on {}: {body}", app.label());
    }
    let (text, _) = stored_note(&app, &note).await.expect("the note");
    assert_eq!(
        text,
        "Met at the fair in May.\nCall in June.",
        "{}",
        app.label()
    );
}

#[backend_test]
async fn a_note_is_deleted_by_its_author_or_an_admin_and_its_text_leaves_the_database(
    app: TestApp,
) {
    let team = team(&app).await;
    let grace = add_person(&app, &team.cat, &[("first_name", "Grace")]).await;
    let secret = "Diagnosed with zq7-marker-condition";
    let wrong = write_note(&app, &team.cat, &grace, secret).await;
    let own = write_note(&app, &team.dan, &grace, "Dan's own note.").await;

    // Another member may not; another workspace does not even see it.
    let (status, body) = api(
        &app,
        "/api/records/delete-note",
        &[("id", &wrong)],
        &team.dan,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{}: {body}", app.label());
    assert!(
        body.contains(
            "Only the member who wrote a note, and the workspace's owner and admins, can delete it."
        ),
        "{body}"
    );
    let (status, _) = api(
        &app,
        "/api/records/delete-note",
        &[("id", &wrong)],
        &team.mallory,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}", app.label());
    assert!(stored_note(&app, &wrong).await.is_some());

    // An admin removes the note written on the wrong person; its author removes her own.
    let (status, body) = api(
        &app,
        "/api/records/delete-note",
        &[("id", &wrong)],
        &team.bob,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(!body.contains(secret), "{body}");
    assert!(body.contains("NoteDeleted"), "{body}");
    let (status, _) = api(&app, "/api/records/delete-note", &[("id", &own)], &team.dan).await;
    assert_eq!(status, StatusCode::OK, "{}", app.label());
    let (status, _) = api(&app, "/api/records/delete-note", &[("id", &own)], &team.dan).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "deleted already: {}",
        app.label()
    );
    assert!(stored_note(&app, &wrong).await.is_none());
    assert_eq!(deletions_recorded(&app, &grace).await, 2, "{}", app.label());

    let page =
        body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&team.ada)).await).await;
    assert!(
        page.contains("Bob Admin deleted a note.") && page.contains("Dan Member deleted a note."),
        "{}: {page}",
        app.label()
    );
    assert!(!page.contains(secret), "{page}");

    // Nowhere in the database's files either (SQLite overwrites what it deletes).
    if app.label() == "sqlite" {
        let pool = app.state.db.pool();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await
            .expect("checkpoint");
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(pool)
                .await
                .expect("the database's file");
        for path in [file.clone(), format!("{file}-wal")] {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "{path} still holds the deleted note's text"
            );
        }
    }
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn a_note_deleted_by_several_members_at_once_is_deleted_and_recorded_once(app: TestApp) {
    let team = team(&app).await;
    let grace = add_person(&app, &team.cat, &[("first_name", "Grace")]).await;
    let note = write_note(&app, &team.cat, &grace, "Written on the wrong person.").await;
    let app = Arc::new(app);
    let mut requests = Vec::new();
    for cookie in [
        &team.ada, &team.bob, &team.cat, &team.ada, &team.bob, &team.cat,
    ] {
        let (app, cookie, note) = (app.clone(), cookie.clone(), note.clone());
        requests.push(tokio::spawn(async move {
            api(&app, "/api/records/delete-note", &[("id", &note)], &cookie).await
        }));
    }
    let mut statuses = Vec::new();
    for request in requests {
        let (status, body) = request.await.expect("the request");
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{status} on {}: {body}",
            app.label()
        );
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{}: {statuses:?}",
        app.label()
    );
    assert_eq!(deletions_recorded(&app, &grace).await, 1, "{}", app.label());
    assert!(stored_note(&app, &note).await.is_none());
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn edits_of_one_note_sent_at_once_from_the_same_text_save_one_and_refuse_the_others(
    app: TestApp,
) {
    let team = team(&app).await;
    let grace = add_person(&app, &team.cat, &[("first_name", "Grace")]).await;
    let note = write_note(&app, &team.cat, &grace, "First draft.").await;
    let app = Arc::new(app);
    let mut requests = Vec::new();
    for i in 0..8 {
        let (app, cookie, note) = (app.clone(), team.cat.clone(), note.clone());
        requests.push(tokio::spawn(async move {
            let body = format!("Version {i}.");
            let answer = api(
                &app,
                "/api/records/edit-note",
                &[("id", &note), ("body", &body), ("base", "First draft.")],
                &cookie,
            )
            .await;
            (body, answer)
        }));
    }
    let mut saved = Vec::new();
    for request in requests {
        let (body, (status, answer)) = request.await.expect("the request");
        match status {
            StatusCode::OK => saved.push(body),
            StatusCode::CONFLICT => {
                assert!(answer.contains("changed in another window"), "{answer}")
            }
            other => panic!("{other} on {}: {answer}", app.label()),
        }
    }
    assert_eq!(saved.len(), 1, "{}: {saved:?}", app.label());
    let (text, _) = stored_note(&app, &note).await.expect("the note");
    assert_eq!(text, saved[0], "{}", app.label());
}
