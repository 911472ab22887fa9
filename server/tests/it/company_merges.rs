//! Merging two companies through the real router on each backend: the page's choices, the merge
//! with their people (and their company name), opportunities, leads, tags, notes, tasks and
//! timelines moving to the survivor, the old address leading to it, the undo that puts every row
//! back, the refusals, and merges and undos of one pair at the same moment.

use axum::http::StatusCode;
use serde_json::Value;

use crate::companies::add_company;
use crate::merges::{merge_of, preview_of, scalar, strings, undo_of};
use crate::people::{ada_and_mallory, add_person, api, api_ok};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, invite_and_join, location, post_form,
};
use crate::support::{TestApp, body_text};
use crm_core::records::Kind;
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.81",
    user_agent: CHROME_ON_LINUX,
};

async fn load(app: &TestApp, cookie: &str, id: &str) -> Value {
    let body = api_ok(app, "/api/companies/load", &[("id", id)], cookie).await;
    serde_json::from_str(&body).expect("json")
}

async fn preview(app: &TestApp, cookie: &str, keep: &str, merge: &str) -> (StatusCode, String) {
    preview_of(app, cookie, Kind::Companies, keep, merge).await
}

async fn merge(
    app: &TestApp,
    cookie: &str,
    keep: &str,
    merged: &str,
    choices: &[(&str, &str)],
) -> (StatusCode, String) {
    merge_of(app, cookie, Kind::Companies, (keep, merged), choices).await
}

async fn undo(app: &TestApp, cookie: &str, merge: &str, kept: &str) -> String {
    undo_of(app, cookie, Kind::Companies, merge, kept).await
}

/// The company's own row (every column but its times), for comparing before and after.
const ROW: &str =
    "SELECT name || '|' || COALESCE(domain, '') || '|' || COALESCE(phone, '') || '|' ||
    street || '|' || city || '|' || country || '|' || COALESCE(owner_id, '') || '|' || sort_name ||
    '|' || search_text || '|' || created_at || '|' || version FROM companies WHERE id = $1";

/// Everything that names a company, for comparing before a merge and after its undo: its row,
/// tags, people (with their company name), opportunities (with their search text), leads,
/// notes, tasks and timeline entries.
async fn holdings(app: &TestApp, id: &str) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for sql in [
        ROW,
        "SELECT tag FROM company_tags WHERE company_id = $1 ORDER BY tag",
        "SELECT id || '|' || company_name FROM people WHERE company_id = $1 ORDER BY id",
        "SELECT id || '|' || search_text FROM opportunities WHERE company_id = $1 ORDER BY id",
        "SELECT id FROM leads WHERE company_id = $1 ORDER BY id",
        "SELECT body FROM notes WHERE record_id = $1 ORDER BY body",
        "SELECT title FROM tasks WHERE record_id = $1 ORDER BY title",
        "SELECT id FROM record_events WHERE record_id = $1 ORDER BY id",
    ] {
        all.push(strings(app, sql, id).await);
    }
    all
}

/// Two companies that are one: Analytical Engines (with Ada) and Analytical Engines Ltd (with
/// Charles, a note, a task, an opportunity and a lead converted into it), both at
/// engines.example; answers (kept, merged, ada, opportunity, lead).
async fn two_engines(app: &TestApp, cookie: &str) -> (String, String, String, String, String) {
    let kept = add_company(
        app,
        cookie,
        &[
            ("name", "Analytical Engines"),
            ("domain", "engines.example"),
            ("tags", "vip"),
        ],
    )
    .await;
    let merged = add_company(
        app,
        cookie,
        &[
            ("name", "Analytical Engines Ltd"),
            ("domain", "engines.example"),
            ("phone", "+44 20 7946 0958"),
            ("city", "London"),
            ("country", "United Kingdom"),
            ("tags", "VIP, Customer"),
            ("add_anyway", &kept),
        ],
    )
    .await;
    let ada = add_person(
        app,
        cookie,
        &[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("company_name", "Analytical Engines"),
        ],
    )
    .await;
    add_person(
        app,
        cookie,
        &[
            ("first_name", "Charles"),
            ("last_name", "Babbage"),
            ("company_name", "Analytical Engines Ltd"),
        ],
    )
    .await;
    api_ok(
        app,
        "/api/records/add-note",
        &[
            ("kind", "Companies"),
            ("id", &merged),
            ("body", "Builds the Difference Engine."),
        ],
        cookie,
    )
    .await;
    let (status, body) =
        crate::tasks::add_task(app, cookie, "Call about the engine", "", "", &merged).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let opportunity = crate::opportunities::add_opportunity(
        app,
        cookie,
        &[
            ("name", "Engine plans"),
            ("amount", "100"),
            ("close_on", "2027-03-31"),
            ("company", "Analytical Engines Ltd"),
        ],
    )
    .await;
    let lead = crate::leads::add_lead(
        app,
        cookie,
        &[
            ("name", "Henry Babbage"),
            ("email", "henry@engines.example"),
            ("company_name", "Analytical Engines Ltd"),
            ("source", "Website"),
        ],
    )
    .await;
    let (status, body) = api(
        app,
        "/api/leads/convert",
        &[
            ("id", &lead),
            ("version", "1"),
            ("choice[add_company]", "true"),
        ],
        cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (kept, merged, ada, opportunity, lead)
}

#[backend_test]
async fn two_companies_merge_into_one_with_their_people_and_everything_they_hold_and_the_merge_is_undone_exactly(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let (kept, merged, lovelace, opportunity, lead) = two_engines(&app, &ada).await;
    assert_eq!(
        strings(&app, "SELECT company_id FROM leads WHERE id = $1", &lead).await,
        [merged.as_str()],
        "{}: the lead was converted into the second company",
        app.label()
    );
    let kept_before = holdings(&app, &kept).await;
    let merged_before = holdings(&app, &merged).await;
    assert_eq!(merged_before[2].len(), 2, "Charles and Henry work there");
    // Ada works at the survivor, whose name the merge changes.
    let ada_events = |app: &TestApp| {
        let pool = app.state.db.pool().clone();
        let lovelace = lovelace.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM record_events WHERE record_id = $1")
                .bind(&lovelace)
                .fetch_one(&pool)
                .await
                .expect("events")
        }
    };
    let ada_before = ada_events(&app).await;

    // The page: only the fields that differ, the survivor's value first where it has one.
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
                    c["label"].as_str().expect("label").to_owned(),
                    c["kept"].as_str().expect("kept").to_owned(),
                    c["merged"].as_str().expect("merged").to_owned(),
                    c["chosen"].as_str().expect("chosen").to_owned(),
                )
            })
    };
    let owned = |(a, b, c, d): (&str, &str, &str, &str)| {
        Some((a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned()))
    };
    assert_eq!(
        choice("name"),
        owned((
            "Name",
            "Analytical Engines",
            "Analytical Engines Ltd",
            "Kept"
        ))
    );
    assert_eq!(
        choice("address"),
        owned(("Mailing address", "", "London, United Kingdom", "Merged")),
        "{}: the survivor has none, so the other's is chosen first",
        app.label()
    );
    assert_eq!(choice("phone").map(|c| c.3), Some("Merged".to_owned()));
    assert_eq!(
        choice("domain"),
        None,
        "{}: the same domain, no choice",
        app.label()
    );
    assert_eq!(choice("owner"), None);
    let moves = page["moves"].to_string();
    for said in [
        "2 tags",
        "2 people",
        "1 opportunity",
        "1 lead",
        "1 note",
        "1 task",
    ] {
        assert!(moves.contains(said), "{}: {said} in {moves}", app.label());
    }

    // Another workspace's member sees neither; a company is not merged with itself.
    let (status, _) = preview(&app, &mallory, &kept, &merged).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}", app.label());
    let (status, _) = preview(&app, &ada, &kept, &kept).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label());
    let (status, _) = merge(&app, &mallory, &kept, &merged, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}", app.label());

    // Merged, taking the other's name and address (and its phone, chosen first).
    let (status, target) = merge(
        &app,
        &ada,
        &kept,
        &merged,
        &[
            ("name", "merged"),
            ("address", "merged"),
            ("phone", "merged"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}: {target}", app.label());
    assert_eq!(target, format!("/app/companies/{kept}?merged=1"));
    let row = strings(&app, ROW, &kept).await;
    assert!(
        row[0].starts_with(
            "Analytical Engines Ltd|engines.example|+442079460958||London|United Kingdom|"
        ),
        "{}: {row:?}",
        app.label()
    );
    assert_eq!(
        strings(
            &app,
            "SELECT tag FROM company_tags WHERE company_id = $1 ORDER BY tag",
            &kept
        )
        .await,
        ["Customer", "vip"],
        "{}: each tag once, as the survivor spelled it",
        app.label()
    );
    assert_eq!(
        strings(
            &app,
            "SELECT company_name FROM people WHERE company_id = $1 ORDER BY company_name",
            &kept
        )
        .await,
        ["Analytical Engines Ltd"; 3],
        "{}: all three people work there, under its name",
        app.label()
    );
    assert_eq!(
        strings(
            &app,
            "SELECT company_id FROM opportunities WHERE id = $1",
            &opportunity
        )
        .await,
        [kept.as_str()]
    );
    assert_eq!(
        strings(&app, "SELECT company_id FROM leads WHERE id = $1", &lead).await,
        [kept.as_str()]
    );
    for (sql, n) in [
        ("SELECT COUNT(*) FROM notes WHERE record_id = $1", 1),
        ("SELECT COUNT(*) FROM tasks WHERE record_id = $1", 1),
    ] {
        assert_eq!(scalar(&app, sql, &kept).await, n, "{}: {sql}", app.label());
    }
    for table in [
        "companies WHERE id",
        "company_tags WHERE company_id",
        "people WHERE company_id",
        "opportunities WHERE company_id",
        "leads WHERE company_id",
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
    let counts: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT n FROM record_counts rc JOIN workspaces w ON w.id = rc.workspace_id
                 WHERE w.name = 'Workspace A' AND rc.kind = 'companies'),
                (SELECT COUNT(*) FROM companies c JOIN workspaces w ON w.id = c.workspace_id
                 WHERE w.name = 'Workspace A')",
    )
    .fetch_one(app.state.db.pool())
    .await
    .expect("counts");
    assert_eq!(counts, (1, 1), "{}: the kept count moved", app.label());
    assert_eq!(
        holdings(&app, &kept).await[7].len(),
        kept_before[7].len() + merged_before[7].len() + 1,
        "{}: both histories and the merge",
        app.label()
    );
    // A search for the company's new name finds its opportunity.
    let found = api_ok(
        &app,
        "/api/opportunities/list",
        &[("query[q]", "engines ltd")],
        &ada,
    )
    .await;
    assert!(found.contains("Engine plans"), "{}: {found}", app.label());
    // The old address leads to the survivor, whose page says so.
    let response = get_page(&app, &format!("/app/companies/{merged}"), Some(&ada)).await;
    assert!(response.status().is_redirection(), "{}", app.label());
    assert_eq!(location(&response), format!("/app/companies/{kept}"));
    let page =
        body_text(get_page(&app, &format!("/app/companies/{kept}?merged=1"), Some(&ada)).await)
            .await;
    assert!(page.contains("Merged. Everything of the other company is now here."));
    assert!(page.contains("Analytical Engines Ltd was merged into this company."));
    let timeline = load(&app, &ada, &kept).await["timeline"].to_string();
    assert!(
        timeline.contains(r#""kind":"Companies","name":"Analytical Engines Ltd","role":"Kept""#),
        "{}: {timeline}",
        app.label()
    );
    let pairs = api_ok(&app, "/api/duplicates/list", &[], &ada).await;
    assert!(!pairs.contains(&merged), "{}: {pairs}", app.label());

    // Undone: both as they were, every row where it was.
    let record = load(&app, &ada, &kept).await;
    let merge_id = record["merge"]["id"]
        .as_str()
        .expect("an undoable merge")
        .to_owned();
    assert_eq!(
        undo(&app, &ada, &merge_id, &kept).await,
        format!("/app/companies/{merged}?unmerged=1"),
        "{}",
        app.label()
    );
    let mut kept_after = holdings(&app, &kept).await;
    let mut merged_after = holdings(&app, &merged).await;
    // Each timeline gained the merge and its undo; the survivor's version moved twice; nothing
    // else differs.
    let gained = |before: &Vec<String>, after: &mut Vec<String>| {
        let added = after.iter().filter(|e| !before.contains(e)).count();
        after.retain(|e| before.contains(e));
        added
    };
    assert_eq!(
        gained(&kept_before[7], &mut kept_after[7]),
        2,
        "{}",
        app.label()
    );
    assert_eq!(
        gained(&merged_before[7], &mut merged_after[7]),
        2,
        "{}",
        app.label()
    );
    assert_eq!(
        merged_after,
        merged_before,
        "{}: it is back as it was",
        app.label()
    );
    let without_version =
        |rows: &Vec<Vec<String>>| rows[0][0].rsplit_once('|').map(|(rest, _)| rest.to_owned());
    assert_eq!(without_version(&kept_after), without_version(&kept_before));
    kept_after[0] = kept_before[0].clone();
    assert_eq!(
        kept_after,
        kept_before,
        "{}: the survivor as before",
        app.label()
    );
    assert_eq!(
        ada_events(&app).await,
        ada_before + 2,
        "{}: Ada's timeline says her company name changed and changed back",
        app.label()
    );
    // Once only.
    assert_eq!(
        undo(&app, &ada, &merge_id, &kept).await,
        format!("/app/companies/{kept}?undo=stale"),
        "{}",
        app.label()
    );
    let response = get_page(&app, &format!("/app/companies/{merged}"), Some(&ada)).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}: its own page again",
        app.label()
    );
}

#[backend_test]
async fn a_company_merge_is_refused_when_either_changed_or_is_not_the_members(app: TestApp) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    let bea = invite_and_join(&app, &ada, "bea@example.com", "member", "Bea", CLIENT).await;
    let first = add_company(
        &app,
        &ada,
        &[("name", "Navy Labs"), ("domain", "navy.example")],
    )
    .await;
    let second = add_record(
        &app,
        &ada,
        "/app/companies",
        &[
            ("name", "Naval Laboratories"),
            ("domain", "navy.example"),
            ("add_anyway", &first),
        ],
        CLIENT,
    )
    .await;
    let path = format!("/app/companies/merge?keep={first}&merge={second}");
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
        page.contains("One of the two companies changed since the page was shown."),
        "{}",
        app.label()
    );
    let (status, page) = merge(&app, &bea, &first, &second, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", app.label());
    assert!(page.contains(
        "Only the workspace's owner and admins, and the member who owns both companies, can merge them."
    ));
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM companies WHERE id = $1",
            &second
        )
        .await,
        1
    );

    // Merged, then the survivor renamed: the undo is gone from the page and refused.
    let (status, _) = merge(&app, &ada, &first, &second, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.label());
    let record = load(&app, &ada, &first).await;
    let merge_id = record["merge"]["id"].as_str().expect("undoable").to_owned();
    let version = record["company"]["version"].to_string();
    api_ok(
        &app,
        "/api/companies/save-field",
        &[
            ("id", &first),
            ("field", "City"),
            ("value", "Arlington"),
            ("base", ""),
            ("version", &version),
        ],
        &ada,
    )
    .await;
    assert!(load(&app, &ada, &first).await["merge"].is_null());
    assert_eq!(
        undo(&app, &ada, &merge_id, &first).await,
        format!("/app/companies/{first}?undo=stale")
    );
    let page = body_text(
        get_page(
            &app,
            &format!("/app/companies/{first}?undo=stale"),
            Some(&ada),
        )
        .await,
    )
    .await;
    assert!(page.contains("The merge could not be undone: this company has changed since"));
    // Deleting the survivor deletes what its merge kept (the other's details).
    let (status, body) = api(
        &app,
        "/api/records/delete",
        &[("kind", "Companies"), ("id", &first)],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM merges WHERE kept_id = $1",
            &first
        )
        .await,
        0,
        "{}",
        app.label()
    );
}

#[backend_test]
async fn two_merges_or_two_undos_of_one_pair_of_companies_at_the_same_moment_do_it_once(
    app: TestApp,
) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    for round in 0..3 {
        let domain = format!("twin{round}.example");
        let first = add_company(
            &app,
            &ada,
            &[("name", &format!("Twin {round}")), ("domain", &domain)],
        )
        .await;
        let second = add_record(
            &app,
            &ada,
            "/app/companies",
            &[
                ("name", &format!("Twin {round} Ltd")),
                ("domain", &domain),
                ("add_anyway", &first),
            ],
            CLIENT,
        )
        .await;
        let (a, b) = tokio::join!(
            merge(&app, &ada, &first, &second, &[("name", "merged")]),
            merge(&app, &ada, &second, &first, &[("name", "merged")]),
        );
        let done: Vec<_> = [&a, &b]
            .into_iter()
            .filter(|(status, _)| *status == StatusCode::SEE_OTHER)
            .collect();
        assert_eq!(done.len(), 1, "{} round {round}: {a:?} {b:?}", app.label());
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
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM companies WHERE domain = $1")
            .bind(&domain)
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
        assert_eq!(left, 1, "{} round {round}", app.label());
        // Undone twice at the same moment: once, the other told it was already undone.
        let survivor = if done[0].1.contains(&first) {
            &first
        } else {
            &second
        };
        let merge_id = load(&app, &ada, survivor).await["merge"]["id"]
            .as_str()
            .expect("undoable")
            .to_owned();
        let (x, y) = tokio::join!(
            undo(&app, &ada, &merge_id, survivor),
            undo(&app, &ada, &merge_id, survivor),
        );
        let ends = |end: &str| [&x, &y].iter().filter(|t| t.ends_with(end)).count();
        assert_eq!(
            (ends("?unmerged=1"), ends("?undo=stale")),
            (1, 1),
            "{} round {round}: {x} {y}",
            app.label()
        );
        let back: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM companies WHERE domain = $1")
            .bind(&domain)
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
        assert_eq!(back, 2, "{} round {round}", app.label());
    }
}
