//! Merging two people through the real router on each backend: the page's choices, the merge
//! with every kind of row moving to the survivor, the old address leading to them, the undo that
//! puts every row back, the refusals (changed since, not theirs, another workspace's), and two
//! merges of one pair at the same moment.

use axum::http::StatusCode;
use serde_json::Value;

use crate::people::{ada_and_mallory, add_person, api, api_ok};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, invite_and_join, location, post_form,
};
use crate::support::{TestApp, body_text};
use crm_core::records::Kind;
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.79",
    user_agent: CHROME_ON_LINUX,
};

async fn load(app: &TestApp, cookie: &str, id: &str) -> Value {
    let body = api_ok(app, "/api/people/load", &[("id", id)], cookie).await;
    serde_json::from_str(&body).expect("json")
}

async fn preview(app: &TestApp, cookie: &str, keep: &str, merge: &str) -> (StatusCode, String) {
    preview_of(app, cookie, Kind::People, keep, merge).await
}

/// The merge page's server function for two records of `kind`.
pub(crate) async fn preview_of(
    app: &TestApp,
    cookie: &str,
    kind: Kind,
    keep: &str,
    merge: &str,
) -> (StatusCode, String) {
    let kind = format!("{kind:?}");
    api(
        app,
        "/api/duplicates/merge-preview",
        &[("kind", &kind), ("keep", keep), ("merge", merge)],
        cookie,
    )
    .await
}

async fn merge(
    app: &TestApp,
    cookie: &str,
    keep: &str,
    merged: &str,
    choices: &[(&str, &str)],
) -> (StatusCode, String) {
    merge_of(app, cookie, Kind::People, (keep, merged), choices).await
}

/// Posts the merge form of two records of `kind` as the page would, the versions read now;
/// returns the answer's status and its `Location` (or page).
pub(crate) async fn merge_of(
    app: &TestApp,
    cookie: &str,
    kind: Kind,
    (keep, merged): (&str, &str),
    choices: &[(&str, &str)],
) -> (StatusCode, String) {
    let (status, body) = preview_of(app, cookie, kind, keep, merged).await;
    if status != StatusCode::OK {
        return (status, body);
    }
    let page: Value = serde_json::from_str(&body).expect("json");
    let kept_version = page["kept_version"].to_string();
    let merged_version = page["merged_version"].to_string();
    let mut fields = vec![
        ("keep", keep),
        ("merge", merged),
        ("kept_version", kept_version.as_str()),
        ("merged_version", merged_version.as_str()),
    ];
    fields.extend_from_slice(choices);
    let path = format!("/app/{}/merge?keep={keep}&merge={merged}", kind.plural());
    let response = post_form(app, &path, &fields, Some(cookie), CLIENT).await;
    let status = response.status();
    let target = location(&response);
    if target.is_empty() {
        (status, body_text(response).await)
    } else {
        (status, target)
    }
}

async fn undo(app: &TestApp, cookie: &str, merge: &str, kept: &str) -> String {
    undo_of(app, cookie, Kind::People, merge, kept).await
}

/// Posts "Undo the merge" from the page of `kept`, a record of `kind`; answers where it leads.
pub(crate) async fn undo_of(
    app: &TestApp,
    cookie: &str,
    kind: Kind,
    merge: &str,
    kept: &str,
) -> String {
    let response = post_form(
        app,
        "/app/merges/undo",
        &[("merge", merge), ("kept", kept), ("kind", kind.plural())],
        Some(cookie),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    location(&response)
}

pub(crate) async fn scalar(app: &TestApp, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

pub(crate) async fn strings(app: &TestApp, sql: &str, id: &str) -> Vec<String> {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("rows")
}

/// Everything that names a person, for comparing before a merge and after its undo.
async fn holdings(app: &TestApp, id: &str) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for sql in [
        "SELECT value FROM person_contacts WHERE person_id = $1 ORDER BY value",
        "SELECT city FROM person_addresses WHERE person_id = $1 ORDER BY city",
        "SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag",
        "SELECT body FROM notes WHERE record_id = $1 ORDER BY body",
        "SELECT title FROM tasks WHERE record_id = $1 ORDER BY title",
        "SELECT opportunity_id FROM opportunity_people WHERE person_id = $1 ORDER BY opportunity_id",
        "SELECT id FROM leads WHERE person_id = $1 ORDER BY id",
        "SELECT id FROM record_events WHERE record_id = $1 ORDER BY id",
        "SELECT first_name || '|' || job_title || '|' || COALESCE(email, '') || '|' || COALESCE(phone, '') || '|' || version FROM people WHERE id = $1",
    ] {
        all.push(strings(app, sql, id).await);
    }
    all
}

#[backend_test]
async fn two_people_merge_into_one_with_everything_they_hold_and_the_merge_is_undone_exactly(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let kept = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("company_name", "Analytical Engines"),
            ("email", "ada@engines.example"),
            ("phone", "+44 20 7946 0958"),
            ("tags", "vip"),
        ],
    )
    .await;
    let merged = add_record(
        &app,
        &ada,
        "/app/people",
        &[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("company_name", "analytical engines"),
            ("job_title", "Countess"),
            ("email", "countess@home.example"),
            ("phone", "+41 79 123 45 67"),
            ("tags", "VIP, Customer"),
            ("add_anyway", &kept),
        ],
        CLIENT,
    )
    .await;
    // What the second one holds: a further address the first has as her main one, a mailing
    // address, a note, a task, two opportunities (one with both), and a lead converted into her.
    api_ok(
        &app,
        "/api/people/add-contact",
        &[
            ("id", &merged),
            ("kind", "WorkEmail"),
            ("value", "ADA@engines.example"),
        ],
        &ada,
    )
    .await;
    api_ok(
        &app,
        "/api/people/add-address",
        &[
            ("id", &merged),
            ("address[kind]", "home"),
            ("address[street]", "12 St James's Square"),
            ("address[city]", "London"),
            ("address[region]", ""),
            ("address[postal_code]", "SW1Y 4JH"),
            ("address[country]", "United Kingdom"),
        ],
        &ada,
    )
    .await;
    api_ok(
        &app,
        "/api/records/add-note",
        &[
            ("kind", "People"),
            ("id", &merged),
            ("body", "Wrote the first program."),
        ],
        &ada,
    )
    .await;
    let (status, body) =
        crate::tasks::add_task(&app, &ada, "Send the notes", "", "", &merged).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let only_hers = crate::opportunities::add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Engine plans"),
            ("amount", "100"),
            ("close_on", "2027-03-31"),
        ],
    )
    .await;
    let both = crate::opportunities::add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Engine build"),
            ("amount", "200"),
            ("close_on", "2027-03-31"),
        ],
    )
    .await;
    for (opportunity, email) in [
        (&only_hers, "countess@home.example"),
        (&both, "countess@home.example"),
        (&both, "ada@engines.example"),
    ] {
        api_ok(
            &app,
            "/api/opportunities/add-person",
            &[("id", opportunity.as_str()), ("email", email)],
            &ada,
        )
        .await;
    }
    let lead = crate::leads::add_lead(
        &app,
        &ada,
        &[
            ("name", "Countess"),
            ("email", "countess@home.example"),
            ("source", "Website"),
        ],
    )
    .await;
    let (status, body) = api(
        &app,
        "/api/leads/convert",
        &[
            ("id", &lead),
            ("version", "1"),
            ("choice[add_company]", "false"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert_eq!(
        strings(&app, "SELECT person_id FROM leads WHERE id = $1", &lead).await,
        [merged.as_str()]
    );
    let kept_before = holdings(&app, &kept).await;
    let merged_before = holdings(&app, &merged).await;
    let people_count = |app: &TestApp| {
        let pool = app.state.db.pool().clone();
        async move {
            let kept: i64 = sqlx::query_scalar(
                "SELECT n FROM record_counts rc JOIN workspaces w ON w.id = rc.workspace_id
                 WHERE w.name = 'Workspace A' AND rc.kind = 'people'",
            )
            .fetch_one(&pool)
            .await
            .expect("kept count");
            let real: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM people p JOIN workspaces w ON w.id = p.workspace_id
                 WHERE w.name = 'Workspace A'",
            )
            .fetch_one(&pool)
            .await
            .expect("count");
            (kept, real)
        }
    };
    assert_eq!(people_count(&app).await, (2, 2), "{}", app.label());

    // The page: only the fields that differ, the survivor's value first.
    let (status, body) = preview(&app, &ada, &kept, &merged).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    let page: Value = serde_json::from_str(&body).expect("json");
    let choice = |name: &str| {
        page["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| {
                (
                    c["kept"].as_str().expect("kept").to_owned(),
                    c["merged"].as_str().expect("merged").to_owned(),
                    c["chosen"].as_str().expect("chosen").to_owned(),
                )
            })
    };
    let owned = |(a, b, c): (&str, &str, &str)| Some((a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(
        choice("job_title"),
        owned(("", "Countess", "Merged")),
        "{}",
        app.label()
    );
    assert_eq!(
        choice("email"),
        owned((
            "ada@engines.example (Work)",
            "countess@home.example (Work)",
            "Kept"
        ))
    );
    assert_eq!(
        choice("company_name"),
        owned(("Analytical Engines", "analytical engines", "Kept"))
    );
    assert!(choice("phone").is_some());
    for same in ["first_name", "last_name", "owner", "source", "lawful_basis"] {
        assert_eq!(
            choice(same),
            None,
            "{}: {same} is the same, no choice",
            app.label()
        );
    }
    let moves = page["moves"].to_string();
    for said in [
        "1 further address or number",
        "1 mailing address",
        "1 note",
        "1 task",
        "2 opportunities",
        "1 lead",
    ] {
        assert!(moves.contains(said), "{}: {said} in {moves}", app.label());
    }

    // Mallory cannot merge Ada's people, nor see them; nobody merges a person with themselves.
    let (status, _) = preview(&app, &mallory, &kept, &merged).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}", app.label());
    let (status, _) = preview(&app, &ada, &kept, &kept).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label());

    // Merged, taking her job title and address as the main one.
    let (status, target) = merge(
        &app,
        &ada,
        &kept,
        &merged,
        &[
            ("job_title", "merged"),
            ("email", "merged"),
            ("phone", "kept"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}: {target}", app.label());
    assert_eq!(target, format!("/app/people/{kept}?merged=1"));
    let record = load(&app, &ada, &kept).await;
    assert_eq!(
        holdings(&app, &kept).await[8][0]
            .rsplit_once('|')
            .map(|(fields, _)| fields.to_owned()),
        Some("Ada|Countess|countess@home.example|+442079460958".to_owned()),
        "{}: her job title and address chosen, the number kept",
        app.label()
    );
    assert_eq!(
        strings(
            &app,
            "SELECT value FROM person_contacts WHERE person_id = $1 ORDER BY value",
            &kept
        )
        .await,
        ["+41791234567", "ada@engines.example"],
        "{}: her main number and the old main address kept as further ones, once each",
        app.label()
    );
    assert_eq!(
        strings(
            &app,
            "SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag",
            &kept
        )
        .await,
        ["Customer", "vip"],
        "{}: each tag once",
        app.label()
    );
    assert_eq!(
        strings(
            &app,
            "SELECT city FROM person_addresses WHERE person_id = $1",
            &kept
        )
        .await,
        ["London"]
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM notes WHERE record_id = $1",
            &kept
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM tasks WHERE record_id = $1",
            &kept
        )
        .await,
        1
    );
    assert_eq!(
        strings(&app, "SELECT opportunity_id FROM opportunity_people WHERE person_id = $1 ORDER BY opportunity_id", &kept).await.len(),
        2,
        "{}: both opportunities, the shared one once",
        app.label()
    );
    assert_eq!(
        strings(&app, "SELECT person_id FROM leads WHERE id = $1", &lead).await,
        [kept.as_str()]
    );
    for table in [
        "people WHERE id",
        "person_contacts WHERE person_id",
        "person_tags WHERE person_id",
        "opportunity_people WHERE person_id",
        "notes WHERE record_id",
        "tasks WHERE record_id",
    ] {
        assert_eq!(
            scalar(&app, &format!("SELECT COUNT(*) FROM {table} = $1"), &merged).await,
            0,
            "{}: nothing left of the other in {table}",
            app.label()
        );
    }
    assert_eq!(
        people_count(&app).await,
        (1, 1),
        "{}: the kept count moved",
        app.label()
    );
    let timeline = record["timeline"].to_string();
    assert!(
        timeline.contains("\"Merged\""),
        "{}: {timeline}",
        app.label()
    );
    assert!(timeline.contains("\"role\":\"Kept\""));
    // Her own history moved too: every entry of both, and the merge.
    let entries = holdings(&app, &kept).await[7].len();
    assert!(merged_before[7].len() >= 3, "{:?}", merged_before[7]);
    assert_eq!(
        entries,
        kept_before[7].len() + merged_before[7].len() + 1,
        "{}",
        app.label()
    );
    // The old address leads to the survivor.
    let response = get_page(&app, &format!("/app/people/{merged}"), Some(&ada)).await;
    assert!(
        response.status().is_redirection(),
        "{}: {}",
        app.label(),
        response.status()
    );
    assert_eq!(location(&response), format!("/app/people/{kept}"));
    let page =
        body_text(get_page(&app, &format!("/app/people/{kept}?merged=1"), Some(&ada)).await).await;
    assert!(page.contains("Merged. Everything of the other person is now here."));
    assert!(page.contains("Ada Lovelace was merged into this person."));
    assert!(page.contains("Undo the merge"));
    // The pair is no longer a possible duplicate.
    let pairs = api_ok(&app, "/api/duplicates/list", &[], &ada).await;
    assert!(!pairs.contains(&merged), "{}", app.label());

    // Undone: both as they were, every row where it was.
    let merge_id = record["merge"]["id"]
        .as_str()
        .expect("an undoable merge")
        .to_owned();
    let target = undo(&app, &ada, &merge_id, &kept).await;
    assert_eq!(
        target,
        format!("/app/people/{merged}?unmerged=1"),
        "{}",
        app.label()
    );
    let mut kept_after = holdings(&app, &kept).await;
    let mut merged_after = holdings(&app, &merged).await;
    // Each timeline gained the merge and its undo (two entries); the survivor's version moved
    // twice; nothing else differs.
    let events = 7;
    let gained = |before: &Vec<String>, after: &mut Vec<String>| {
        let added: Vec<String> = after
            .iter()
            .filter(|e| !before.contains(e))
            .cloned()
            .collect();
        after.retain(|e| before.contains(e));
        added.len()
    };
    assert_eq!(
        gained(&kept_before[events], &mut kept_after[events]),
        2,
        "{}",
        app.label()
    );
    assert_eq!(
        gained(&merged_before[events], &mut merged_after[events]),
        2,
        "{}",
        app.label()
    );
    assert_eq!(
        merged_after,
        merged_before,
        "{}: she is back as she was",
        app.label()
    );
    let version =
        |rows: &Vec<Vec<String>>| rows[8][0].rsplit_once('|').map(|(rest, _)| rest.to_owned());
    assert_eq!(
        version(&kept_after),
        version(&kept_before),
        "{}",
        app.label()
    );
    kept_after[8] = kept_before[8].clone();
    assert_eq!(
        kept_after,
        kept_before,
        "{}: the survivor as before",
        app.label()
    );
    assert_eq!(people_count(&app).await, (2, 2), "{}", app.label());
    assert_eq!(
        strings(&app, "SELECT person_id FROM leads WHERE id = $1", &lead).await,
        [merged.as_str()]
    );
    // Once only.
    assert_eq!(
        undo(&app, &ada, &merge_id, &kept).await,
        format!("/app/people/{kept}?undo=stale"),
        "{}",
        app.label()
    );
    let response = get_page(&app, &format!("/app/people/{merged}"), Some(&ada)).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}: her own page again",
        app.label()
    );
}

#[backend_test]
async fn a_merge_is_refused_when_either_changed_or_is_not_the_members_and_cannot_be_undone_after_a_change(
    app: TestApp,
) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    let bea = invite_and_join(&app, &ada, "bea@example.com", "member", "Bea", CLIENT).await;
    let first = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("email", "grace@navy.example")],
    )
    .await;
    let second = add_record(
        &app,
        &ada,
        "/app/people",
        &[
            ("first_name", "Grace"),
            ("email", "GRACE@navy.example"),
            ("add_anyway", &first),
        ],
        CLIENT,
    )
    .await;
    // Changed after the page was shown: refused, nothing changed.
    let path = format!("/app/people/merge?keep={first}&merge={second}");
    let response = post_form(
        &app,
        &path,
        &[
            ("keep", &first),
            ("merge", &second),
            ("kept_version", "1"),
            ("merged_version", "0"),
        ],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "{}", app.label());
    let page = body_text(response).await;
    assert!(
        page.contains("One of the two people changed since the page was shown."),
        "{}",
        app.label()
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &second).await,
        1
    );
    // Bea owns neither: refused with who may.
    let (status, page) = merge(&app, &bea, &first, &second, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", app.label());
    assert!(page.contains("Only the workspace's owner and admins, and the member who owns both people, can merge them."));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &second).await,
        1
    );

    // Merged, then the survivor edited: the undo is gone from the page and refused.
    let (status, _) = merge(&app, &ada, &first, &second, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.label());
    let record = load(&app, &ada, &first).await;
    let merge_id = record["merge"]["id"].as_str().expect("undoable").to_owned();
    let version = record["person"]["version"].to_string();
    api_ok(
        &app,
        "/api/people/save-field",
        &[
            ("id", &first),
            ("field", "JobTitle"),
            ("value", "Rear admiral"),
            ("base", ""),
            ("version", &version),
        ],
        &ada,
    )
    .await;
    let record = load(&app, &ada, &first).await;
    assert!(
        record["merge"].is_null(),
        "{}: no undo after a change",
        app.label()
    );
    assert_eq!(
        undo(&app, &ada, &merge_id, &first).await,
        format!("/app/people/{first}?undo=stale")
    );
    let page =
        body_text(get_page(&app, &format!("/app/people/{first}?undo=stale"), Some(&ada)).await)
            .await;
    assert!(page.contains("The merge could not be undone: this person has changed since"));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &second).await,
        0
    );
}

#[backend_test]
async fn two_merges_of_one_pair_at_the_same_moment_leave_one_person(app: TestApp) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    for round in 0..3 {
        let email = format!("twin{round}@example.com");
        let first = add_person(
            &app,
            &ada,
            &[
                ("first_name", "Twin"),
                ("last_name", &round.to_string()),
                ("email", &email),
            ],
        )
        .await;
        let second = add_record(
            &app,
            &ada,
            "/app/people",
            &[
                ("first_name", "Twin"),
                ("last_name", &round.to_string()),
                ("email", &email),
                ("add_anyway", &first),
            ],
            CLIENT,
        )
        .await;
        // One member keeps the first, another (the same, in another tab) the second.
        let (a, b) = tokio::join!(
            merge(&app, &ada, &first, &second, &[]),
            merge(&app, &ada, &second, &first, &[]),
        );
        let done = [&a, &b]
            .iter()
            .filter(|(status, _)| *status == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(done, 1, "{} round {round}: {a:?} {b:?}", app.label());
        for (status, _) in [&a, &b] {
            assert!(
                [
                    StatusCode::SEE_OTHER,
                    StatusCode::CONFLICT,
                    StatusCode::NOT_FOUND
                ]
                .contains(status),
                "{} round {round}: {status}",
                app.label()
            );
        }
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE email = $1")
            .bind(&email)
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
        assert_eq!(left, 1, "{} round {round}", app.label());
        let merges: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM merges WHERE kept_id IN ($1, $2)")
                .bind(&first)
                .bind(&second)
                .fetch_one(app.state.db.pool())
                .await
                .expect("merges");
        assert_eq!(merges, 1, "{} round {round}", app.label());
    }
}
