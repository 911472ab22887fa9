//! Lists paged both ways, through the real router on each backend: every list (people,
//! companies, leads, opportunities, tasks) walked forward to its end, then each "Previous page"
//! link asked for at once, which must answer exactly the page before it, numbered as it was; each
//! page says where it stands ("51–100 of 2,400"), with an exact count read from the kept counts
//! when the list is not narrowed, and a count that stops at 1,000 when it is.

use std::pin::Pin;
use std::task::Poll;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::people::{api, api_ok};
use crate::support::TestApp;
use crate::support::browser::{CHROME_ON_LINUX, Client, sign_up_and_log_in};
use crate::tasks::add_task;
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.92",
    user_agent: CHROME_ON_LINUX,
};

/// A list's query fields ("query[sort]", "newest").
type Fields<'a> = [(&'a str, &'a str)];

/// One page as the list's server function answered it: its rows' ids and where it stands.
#[derive(Clone, Debug, PartialEq)]
struct Page {
    ids: Vec<String>,
    first: u64,
    shown: u64,
    total: Value,
    previous: Option<String>,
    next: Option<String>,
}

async fn page(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    (rows, fields): (&str, &[(&str, &str)]),
    cursor: (&str, &str),
) -> Page {
    let mut query = fields.to_vec();
    query.push(cursor);
    let body = api_ok(app, endpoint, &query, cookie).await;
    let page: Value = serde_json::from_str(&body).expect("json");
    assert!(page["problem"].is_null(), "{}: {body}", app.label());
    Page {
        ids: page[rows]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["id"].as_str().expect("id").to_owned())
            .collect(),
        first: page["first"].as_u64().expect("first"),
        shown: page["shown"].as_u64().expect("shown"),
        total: page["total"].clone(),
        previous: page["previous"].as_str().map(str::to_owned),
        next: page["next"].as_str().map(str::to_owned),
    }
}

/// Walks a list forward to its end, then asks for every page's previous page at once: each is
/// exactly the page before it. Returns the pages in order.
async fn walk_both_ways(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    list: (&str, &[(&str, &str)]),
) -> Vec<Page> {
    let mut pages = vec![page(app, cookie, endpoint, list, ("query[after]", "")).await];
    while let Some(next) = pages.last().and_then(|last| last.next.clone()) {
        pages.push(page(app, cookie, endpoint, list, ("query[after]", &next)).await);
    }
    let label = format!("{} {endpoint} {:?}", app.label(), list.1);
    assert!(pages.len() >= 2, "{label}: {} pages", pages.len());
    assert_eq!(
        pages[0].previous, None,
        "{label}: nothing before the first page"
    );
    let mut position = 1;
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(
            page.first, position,
            "{label}: page {i} starts at {position}"
        );
        assert_eq!(page.shown, page.ids.len() as u64, "{label}");
        assert!(page.shown > 0 && page.shown <= 50, "{label}");
        assert!(
            i == 0 || page.previous.is_some(),
            "{label}: page {i} has a previous page"
        );
        position += page.shown;
    }
    let all: Vec<&String> = pages.iter().flat_map(|page| &page.ids).collect();
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "{label}: each row once");

    // Every "Previous page" at once.
    let earlier = all_in_flight(
        pages[1..]
            .iter()
            .map(|later| {
                let before = later.previous.clone().expect("previous");
                async move { page(app, cookie, endpoint, list, ("query[before]", &before)).await }
            })
            .collect(),
    )
    .await;
    for (i, back) in earlier.iter().enumerate() {
        let forward = &pages[i];
        assert_eq!(
            back.ids,
            forward.ids,
            "{label}: the page before page {}",
            i + 1
        );
        assert_eq!(
            (back.first, back.shown),
            (forward.first, forward.shown),
            "{label}"
        );
        assert_eq!(back.total, forward.total, "{label}");
        assert_eq!(back.previous.is_some(), i > 0, "{label}: page {i} back");
        assert!(back.next.is_some(), "{label}");
    }
    pages
}

/// Runs the requests with all of them in flight together (interleaved on the test's thread, each
/// with its own database connection), answering their outputs in order.
async fn all_in_flight<F: Future>(requests: Vec<F>) -> Vec<F::Output> {
    let mut requests: Vec<Pin<Box<F>>> = requests.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = requests.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (request, output) in requests.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match request.as_mut().poll(cx) {
                    Poll::Ready(answer) => *output = Some(answer),
                    Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|output| output.expect("answered"))
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> u64 {
    let n: i64 = sqlx::query_scalar(sql)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    n as u64
}

#[backend_test]
async fn every_list_pages_back_to_exactly_the_rows_before_and_says_where_it_stands(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    let seeded = crm_backend::seed::seed_people(&app.state.db, workspace, 2_400, 11)
        .await
        .expect("seeded");
    for n in 0..130 {
        let due = format!("2027-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
        let due = if n % 5 == 0 { String::new() } else { due };
        let (status, body) = add_task(&app, &ada, &format!("Task {n:03}"), &due, "", "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Some done, for the done list.
    let open = api_ok(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    let open: Value = serde_json::from_str(&open).expect("json");
    let ids: Vec<String> = open["tasks"].as_array().expect("tasks")[..20]
        .iter()
        .map(|task| task["id"].as_str().expect("id").to_owned())
        .collect();
    for id in &ids {
        let (status, body) = api(
            &app,
            "/api/tasks/set-done",
            &[("id", id), ("done", "true")],
            &ada,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let people = count(&app, "SELECT COUNT(*) FROM people").await;
    assert_eq!(people, 2_400);
    let lists: [(&str, &str, &Fields, u64); 9] = [
        ("/api/people/list", "rows", &[], people),
        (
            "/api/people/list",
            "rows",
            &[("query[sort]", "Newest")],
            people,
        ),
        ("/api/companies/list", "rows", &[], seeded.companies as u64),
        (
            "/api/companies/list",
            "rows",
            &[("query[sort]", "newest")],
            seeded.companies as u64,
        ),
        ("/api/leads/list", "rows", &[], seeded.leads as u64),
        (
            "/api/leads/list",
            "rows",
            &[("query[sort]", "name")],
            seeded.leads as u64,
        ),
        (
            "/api/opportunities/list",
            "rows",
            &[],
            seeded.opportunities as u64,
        ),
        (
            "/api/tasks/list",
            "tasks",
            &[("query[status]", "open")],
            110,
        ),
        (
            "/api/tasks/list",
            "tasks",
            &[("query[status]", "open"), ("query[sort]", "newest")],
            110,
        ),
    ];
    for (endpoint, rows, fields, total) in lists {
        let pages = walk_both_ways(&app, &ada, endpoint, (rows, fields)).await;
        // Three pages at least: the page before the last is read backwards past a full page.
        assert!(pages.len() >= 3, "{} {endpoint} {fields:?}", app.label());
        let shown: u64 = pages.iter().map(|page| page.shown).sum();
        assert_eq!(shown, total, "{} {endpoint} {fields:?}", app.label());
        for page in &pages {
            assert_eq!(
                page.total,
                json!({ "Exact": total }),
                "{} {endpoint}: the kept count",
                app.label()
            );
        }
    }
    // The done list: 20 of 130, read as all minus open. Fewer than three pages: one page.
    let done = page(
        &app,
        &ada,
        "/api/tasks/list",
        ("tasks", &[("query[status]", "done")]),
        ("query[after]", ""),
    )
    .await;
    assert_eq!(
        (done.first, done.shown, done.total.clone()),
        (1, 20, json!({ "Exact": 20 }))
    );
    assert_eq!((done.previous, done.next), (None, None));

    // Narrowed lists count what matches, up to 1,000. Every seeded address is at one of a few
    // domains, so "example" matches most people: more than 1,000.
    let broad = page(
        &app,
        &ada,
        "/api/people/list",
        ("rows", &[("query[q]", "example")]),
        ("query[after]", ""),
    )
    .await;
    let matching = count(
        &app,
        "SELECT COUNT(*) FROM people WHERE search_text LIKE '%example%'",
    )
    .await;
    assert!(matching > 1_000, "{matching}");
    assert_eq!(broad.total, json!({ "MoreThan": 1000 }), "{}", app.label());
    // A narrow search is counted exactly, and the count is the real one.
    let narrow = page(
        &app,
        &ada,
        "/api/tasks/list",
        (
            "tasks",
            &[("query[status]", "open"), ("query[q]", "Task 1")],
        ),
        ("query[after]", ""),
    )
    .await;
    let matching = count(
        &app,
        "SELECT COUNT(*) FROM tasks WHERE done_at IS NULL AND title LIKE 'Task 1%'",
    )
    .await;
    assert_eq!(
        narrow.total,
        json!({ "Exact": matching }),
        "{}",
        app.label()
    );
    assert_eq!(narrow.shown, matching.min(50));
    let pages = walk_both_ways(
        &app,
        &ada,
        "/api/leads/list",
        ("rows", &[("query[status]", "new")]),
    )
    .await;
    let matching = count(&app, "SELECT COUNT(*) FROM leads WHERE status = 'new'").await;
    let expected = if matching > 1_000 {
        json!({ "MoreThan": 1000 })
    } else {
        json!({ "Exact": matching })
    };
    assert_eq!(pages[0].total, expected, "{}", app.label());
}

#[backend_test]
async fn a_previous_page_link_that_no_longer_fits_shows_the_first_page(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    crm_backend::seed::seed_people(&app.state.db, workspace, 120, 3)
        .await
        .expect("seeded");
    let list = ("rows", &[][..]);
    let first = page(&app, &ada, "/api/people/list", list, ("query[after]", "")).await;
    let second = page(
        &app,
        &ada,
        "/api/people/list",
        list,
        ("query[after]", first.next.as_deref().expect("a link")),
    )
    .await;
    let third = page(
        &app,
        &ada,
        "/api/people/list",
        list,
        ("query[after]", second.next.as_deref().expect("a link")),
    )
    .await;
    assert_eq!(
        (third.first, third.shown, third.next.clone()),
        (101, 20, None)
    );

    // Most of the people before the third page are deleted: going back from it finds fewer
    // than a page before it, and shows the list's first page, numbered from 1.
    sqlx::query("DELETE FROM people WHERE id IN (SELECT id FROM people ORDER BY sort_name, id LIMIT 90 OFFSET 10)")
        .execute(app.state.db.pool())
        .await
        .expect("delete");
    let back = page(
        &app,
        &ada,
        "/api/people/list",
        list,
        ("query[before]", third.previous.as_deref().expect("a link")),
    )
    .await;
    assert_eq!((back.first, back.shown), (1, 30), "{}", app.label());
    assert_eq!(back.previous, None);
    assert_eq!(back.total, json!({ "Exact": 30 }));

    // A damaged link, or both directions at once, shows the first page with the reason.
    for cursor in [("query[before]", "not-a-cursor"), ("query[before]", "00")] {
        let (status, body) = api(&app, "/api/people/list", &[cursor], &ada).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body.contains("This page link is no longer valid."),
            "{}: {body}",
            app.label()
        );
        assert!(body.contains(r#""first":1"#), "{body}");
    }
    let (status, body) = api(
        &app,
        "/api/people/list",
        &[
            ("query[after]", third.previous.as_deref().expect("a link")),
            ("query[before]", third.previous.as_deref().expect("a link")),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("This page link is no longer valid."),
        "{body}"
    );
}

/// A field of a list's query, as the page's script sends it.
type Field<'a> = (&'a str, &'a str);

/// The ids of the workspace's people a condition on `people p` (and `person_tags t`) names, in
/// the list's order by name: what the list must show, read without any of its indexes' tricks.
async fn expected_people(
    app: &TestApp,
    workspace: &str,
    condition: &str,
    binds: &[&str],
) -> Vec<String> {
    let sql = format!(
        "SELECT p.id FROM people p WHERE p.workspace_id = $1 AND {condition}
         ORDER BY p.sort_name, p.id"
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql).bind(workspace);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_all(app.state.db.pool()).await.expect(&sql)
}

#[backend_test]
async fn a_list_starts_from_its_narrowest_filter_and_shows_the_same_rows_whichever_it_starts_from(
    app: TestApp,
) {
    let label = app.label();
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    crm_backend::seed::seed_people(&app.state.db, workspace, 2_600, 17)
        .await
        .expect("seeded");
    let workspace = workspace.to_string();
    // Another workspace beside it, whose people match the same searches and tags.
    let _ = sign_up_and_log_in(&app, "mallory@example.com", "Difference Works", CLIENT).await;
    let theirs = crm_backend::seed::workspace_named(&app.state.db, "Difference Works")
        .await
        .expect("workspace");
    crm_backend::seed::seed_people(&app.state.db, theirs, 600, 18)
        .await
        .expect("seeded");
    let owner = crate::support::member_id(&app, "ada@example.com").await;
    // One person's e-mail address: a term the search's index finds once.
    let email: String =
        sqlx::query_scalar("SELECT email FROM people WHERE workspace_id = $1 ORDER BY id LIMIT 1")
            .bind(&workspace)
            .fetch_one(app.state.db.pool())
            .await
            .expect("an address");
    let rare = email.to_lowercase();
    let tagged = "EXISTS (SELECT 1 FROM person_tags t WHERE t.person_id = p.id AND t.tag = $2)";
    let cases: Vec<(Vec<Field>, String, Vec<&str>)> = vec![
        // Every person matches: the list walks in its order, testing each row.
        (
            vec![("query[q]", "example")],
            "p.search_text LIKE $2".into(),
            vec!["%example%"],
        ),
        // A few hundred carry the tag: the list starts from the tag, in any case typed.
        (
            vec![("query[tag]", "CUSTOMER")],
            tagged.into(),
            vec!["customer"],
        ),
        // A common search with a tag: from the tag, the search tested on each of its rows.
        (
            vec![("query[q]", "example"), ("query[tag]", "customer")],
            format!("p.search_text LIKE $3 AND {tagged}"),
            vec!["customer", "%example%"],
        ),
        // A common search by owner: the owner's walk, in order.
        (
            vec![("query[q]", "example"), ("query[owner]", owner.as_str())],
            "p.search_text LIKE $2 AND p.owner_id = $3".into(),
            vec!["%example%", owner.as_str()],
        ),
    ];
    for (fields, condition, binds) in &cases {
        let pages = walk_both_ways(&app, &ada, "/api/people/list", ("rows", fields)).await;
        let shown: Vec<String> = pages.iter().flat_map(|page| page.ids.clone()).collect();
        let expected = expected_people(&app, &workspace, condition, binds).await;
        assert!(
            expected.len() > 50,
            "{label} {fields:?}: {} rows",
            expected.len()
        );
        assert_eq!(shown, expected, "{label} {fields:?}");
    }
    // A rare term: from the search's index; one page.
    let fields = [("query[q]", rare.as_str())];
    let page = page(
        &app,
        &ada,
        "/api/people/list",
        ("rows", &fields),
        ("query[after]", ""),
    )
    .await;
    let expected = expected_people(
        &app,
        &workspace,
        "p.search_text LIKE $2",
        &[&format!("%{rare}%")],
    )
    .await;
    assert!(
        !expected.is_empty() && expected.len() <= 50,
        "{label}: {}",
        expected.len()
    );
    assert_eq!(page.ids, expected, "{label}: {rare}");
    assert_eq!(page.total, json!({ "Exact": expected.len() }), "{label}");
}

/// Every id the list holds for a search, in the list's order, read from the table itself.
async fn expected_ids(app: &TestApp, term: &str, owner: Option<&str>, newest: bool) -> Vec<String> {
    let order = if newest {
        "created_at DESC, id DESC"
    } else {
        "sort_name, id"
    };
    let owned = if owner.is_some() {
        " AND owner_id = $2"
    } else {
        ""
    };
    sqlx::query_scalar(&format!(
        "SELECT id FROM people WHERE search_text LIKE $1{owned} ORDER BY {order}"
    ))
    .bind(format!("%{term}%"))
    .bind(owner.unwrap_or_default())
    .fetch_all(app.state.db.pool())
    .await
    .expect("ids")
}

#[backend_test]
async fn a_searched_list_pages_through_exactly_its_matches_whether_the_term_is_common_rare_or_sorts_late(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    crm_backend::seed::seed_people(&app.state.db, workspace, 6_000, 7)
        .await
        .expect("seeded");
    let owner: String = sqlx::query_scalar("SELECT id FROM members WHERE email = $1")
        .bind("ada@example.com")
        .fetch_one(app.state.db.pool())
        .await
        .expect("owner");
    // "example" is in every address: its pages are found by walking the list's order (the
    // first three pages and back are compared). "zhang" sorts last: its matches come after more
    // than 5,000 others, beyond the walk, and are read from the search's index (every page). A
    // first name is spread thinly through the order, fewer than a page within the walk.
    let cases: [(&str, Option<&str>, bool, bool); 5] = [
        ("example", None, false, false),
        ("example", None, true, false),
        ("example", Some(&owner), false, false),
        ("zhang", None, false, true),
        ("anna", None, false, true),
    ];
    for (term, owner, newest, every_page) in cases {
        let mut fields = vec![("query[q]", term)];
        if let Some(owner) = owner {
            fields.push(("query[owner]", owner));
        }
        if newest {
            fields.push(("query[sort]", "Newest"));
        }
        let label = format!("{} {term} {owner:?} newest {newest}", app.label());
        let expected = expected_ids(&app, term, owner, newest).await;
        assert!(expected.len() > 50, "{label}: more than a page");
        let list = ("rows", fields.as_slice());
        let first = page(&app, &ada, "/api/people/list", list, ("query[after]", "")).await;
        let total = if expected.len() > 1_000 {
            json!({ "MoreThan": 1000 })
        } else {
            json!({ "Exact": expected.len() })
        };
        assert_eq!(first.total, total, "{label}: counted");
        let shown: Vec<String> = if every_page {
            let pages = walk_both_ways(&app, &ada, "/api/people/list", list).await;
            pages.into_iter().flat_map(|page| page.ids).collect()
        } else {
            let mut pages =
                vec![page(&app, &ada, "/api/people/list", list, ("query[after]", "")).await];
            for _ in 0..2 {
                let next = pages
                    .last()
                    .and_then(|p| p.next.clone())
                    .expect("a next page");
                pages.push(
                    page(
                        &app,
                        &ada,
                        "/api/people/list",
                        list,
                        ("query[after]", &next),
                    )
                    .await,
                );
            }
            let before = pages[2].previous.clone().expect("a previous page");
            let back = page(
                &app,
                &ada,
                "/api/people/list",
                list,
                ("query[before]", &before),
            )
            .await;
            assert_eq!(back.ids, pages[1].ids, "{label}: the page before the third");
            assert_eq!(back.first, 51, "{label}");
            let shown: Vec<String> = pages.into_iter().flat_map(|page| page.ids).collect();
            assert_eq!(shown.len(), 150, "{label}");
            shown
        };
        assert_eq!(
            shown,
            expected[..shown.len()],
            "{label}: every match once, in order"
        );
        if every_page {
            assert_eq!(shown.len(), expected.len(), "{label}: every match");
        }
    }
}
