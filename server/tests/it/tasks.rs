//! Tasks through the real router on each backend: added about a person, a company, a lead, an
//! opportunity or about nothing, listed by due day, ticked done and open again, shown in the
//! record's timeline and deleted with it; refused with a message when a field is wrong; out of
//! reach of other workspaces.

use axum::http::StatusCode;

use serde_json::Value;

use crate::deletion::one_of_each;
use crate::people::{
    ada_and_mallory, add_person, api, api_ok, bulk, count, created_minutes_apart, post_bulk,
};
use crate::support::browser::{CHROME_ON_LINUX, Client, get_page, sign_up_and_log_in};
use crate::support::{TestApp, body_text, member_id};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.78",
    user_agent: CHROME_ON_LINUX,
};

/// Adds a task; answers the status and the body (the task as stored, in JSON).
pub(crate) async fn add_task(
    app: &TestApp,
    cookie: &str,
    title: &str,
    due_on: &str,
    assignee: &str,
    about: &str,
) -> (StatusCode, String) {
    api(
        app,
        "/api/tasks/add",
        &[
            ("title", title),
            ("due_on", due_on),
            ("assignee", assignee),
            ("about", about),
        ],
        cookie,
    )
    .await
}

/// The id in a task's JSON.
pub(crate) fn task_id(body: &str) -> String {
    let start = body.find(r#""id":""#).expect("an id") + 6;
    body[start..start + 36].to_owned()
}

#[backend_test]
async fn a_task_about_a_person_is_listed_by_due_day_ticked_done_and_shown_in_their_timeline(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let ada_id = member_id(&app, "ada@example.com").await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;

    let (status, body) = add_task(&app, &ada, "  Call Grace ", "2026-12-24", &ada_id, &grace).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(body.contains(r#""title":"Call Grace""#), "{body}");
    assert!(
        body.contains(r#""due_on":{"year":2026,"month":12,"day":24}"#),
        "{body}"
    );
    assert!(body.contains(r#""name":"Grace Hopper""#), "{body}");
    let call = task_id(&body);
    let (status, body) = add_task(&app, &ada, "Renew the domain", "2001-01-01", "", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains(r#""overdue":true"#) && body.contains(r#""assignee":null"#),
        "{body}"
    );
    let (status, body) = add_task(&app, &ada, "Plan the offsite", "", &ada_id, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Open tasks: the overdue one first, those without a day last; "mine" leaves out the
    // one that is nobody's.
    let (status, body) = api(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let at = |title: &str| {
        body.find(title)
            .unwrap_or_else(|| panic!("{title}: {body}"))
    };
    assert!(at("Renew the domain") < at("Call Grace") && at("Call Grace") < at("Plan the offsite"));
    let mine = api_ok(&app, "/api/tasks/list", &[("query[assignee]", "me")], &ada).await;
    assert!(
        mine.contains("Call Grace") && !mine.contains("Renew the domain"),
        "{mine}"
    );
    let page = body_text(get_page(&app, "/app/tasks", Some(&ada)).await).await;
    assert!(
        page.contains("Call Grace") && page.contains("Overdue"),
        "{page}"
    );

    // Done: out of the open list, in the done one, and in Grace's timeline.
    let (status, body) = api(
        &app,
        "/api/tasks/set-done",
        &[("id", &call), ("done", "true")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#""done":true"#), "{body}");
    let open = api_ok(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    assert!(!open.contains("Call Grace"), "{open}");
    let done = api_ok(&app, "/api/tasks/list", &[("query[status]", "done")], &ada).await;
    assert!(
        done.contains("Call Grace") && !done.contains("Plan the offsite"),
        "{done}"
    );
    let page = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    for shown in [
        "Owner of Analytical Engines added the task \u{201c}Call Grace\u{201d}, due 24 December 2026.",
        "Owner of Analytical Engines ticked the task \u{201c}Call Grace\u{201d} done.",
    ] {
        assert!(
            page.contains(shown),
            "{}: the page lacks {shown}",
            app.label()
        );
    }
    let (status, body) = api(
        &app,
        "/api/tasks/set-done",
        &[("id", &call), ("done", "false")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#""done":false"#), "{body}");

    // The tasks about a person go with them; the others stay.
    let (status, _) = bulk(&app, &ada, &[&grace], "Delete", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM tasks WHERE id = $1", &call).await,
        0
    );
    let open = api_ok(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    assert!(
        open.contains("Renew the domain") && open.contains("Plan the offsite"),
        "{open}"
    );
}

#[backend_test]
async fn a_bad_title_day_or_assignee_is_refused_with_a_message_and_other_workspaces_tasks_are_out_of_reach(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let mallory_id = member_id(&app, "mallory@example.com").await;
    let grace = add_person(&app, &ada, &[("first_name", "Grace")]).await;
    let eve = add_person(&app, &mallory, &[("first_name", "Eve")]).await;

    let long = "x".repeat(201);
    for (title, due, assignee, status, message) in [
        (" ", "", "", 422, "Say what is to be done."),
        (long.as_str(), "", "", 422, "at most 200 characters"),
        ("Call", "2026-02-30", "", 422, "Give the due date as a date"),
        (
            "Call",
            "1999-12-31",
            "",
            422,
            "between the years 2000 and 2100",
        ),
        (
            "Call",
            "",
            mallory_id.as_str(),
            422,
            "Choose someone from the workspace",
        ),
        (
            "Call",
            "",
            "not-a-member",
            422,
            "Choose someone from the workspace",
        ),
    ] {
        let (got, body) = add_task(&app, &ada, title, due, assignee, &grace).await;
        assert_eq!(
            got.as_u16(),
            status,
            "{}: {title:?} {due:?}: {body}",
            app.label()
        );
        assert!(body.contains(message), "{body}");
    }
    // About another workspace's person, or about something that is no person: not found.
    for about in [eve.as_str(), "1 OR 1=1"] {
        let (status, _) = add_task(&app, &ada, "Call", "", "", about).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{about}");
    }
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tasks")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(written, 0, "{}", app.label());

    let (status, body) = add_task(&app, &ada, "Call Grace", "", "", &grace).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let call = task_id(&body);
    for (endpoint, fields) in [
        (
            "/api/tasks/set-done",
            vec![("id", call.as_str()), ("done", "true")],
        ),
        ("/api/tasks/about", vec![("record", grace.as_str())]),
    ] {
        let (status, body) = api(&app, endpoint, &fields, &mallory).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}");
        assert!(!body.contains("Call Grace"), "{body}");
        let (status, _) = api(&app, endpoint, &fields, "candor_session=forged").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    for status in ["open", "done"] {
        let body = api_ok(
            &app,
            "/api/tasks/list",
            &[("query[status]", status)],
            &mallory,
        )
        .await;
        assert!(!body.contains("Call Grace"), "{body}");
    }
    let (status, _) = api(
        &app,
        "/api/tasks/add",
        &[
            ("title", "x"),
            ("due_on", ""),
            ("assignee", ""),
            ("about", ""),
        ],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let done: Option<i64> = sqlx::query_scalar("SELECT done_at FROM tasks WHERE id = $1")
        .bind(&call)
        .fetch_one(app.state.db.pool())
        .await
        .expect("task");
    assert_eq!(done, None);
}

#[backend_test]
async fn a_task_about_a_company_a_lead_or_an_opportunity_is_on_its_page_in_its_timeline_and_goes_with_it(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let [acme, lead, deal] = one_of_each(&app, &ada, "").await;
    let label = app.label();
    for (kind, path, id, title, name) in [
        (
            "Companies",
            "companies",
            &acme,
            "Send the contract",
            "Acme Labs",
        ),
        ("Leads", "leads", &lead, "Call Alan back", "Alan Turing"),
        (
            "Opportunities",
            "opportunities",
            &deal,
            "Draft the proposal",
            "Acme renewal",
        ),
    ] {
        let (status, body) = add_task(&app, &ada, title, "2030-01-15", "", id).await;
        assert_eq!(status, StatusCode::OK, "{label} {kind}: {body}");
        let task: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(task["about"]["kind"], kind, "{body}");
        assert_eq!(task["about"]["id"], id.as_str(), "{body}");
        assert_eq!(task["about"]["name"], name, "{body}");

        // The record's page lists it and tells it in the timeline, as the page reads them.
        let (status, body) = api(&app, "/api/tasks/about", &[("record", id)], &ada).await;
        assert_eq!(status, StatusCode::OK, "{label} {kind}: {body}");
        assert!(body.contains(title), "{body}");
        let (status, body) = api(&app, "/api/records/timeline", &[("id", id)], &ada).await;
        assert_eq!(status, StatusCode::OK, "{label} {kind}: {body}");
        assert!(body.contains("TaskAdded") && body.contains(title), "{body}");
        let page = body_text(get_page(&app, &format!("/app/{path}/{id}"), Some(&ada)).await).await;
        let told = format!("added the task \u{201c}{title}\u{201d}, due 15 January 2030.");
        assert!(page.contains(&told), "{label}: /app/{path} lacks {told}");

        // Out of another workspace's reach, and of a visitor's.
        for (endpoint, field) in [
            ("/api/tasks/about", "record"),
            ("/api/records/timeline", "id"),
        ] {
            let (status, body) = api(&app, endpoint, &[(field, id)], &mallory).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{label} {endpoint}");
            assert!(!body.contains(title), "{body}");
            let (status, _) = api(&app, endpoint, &[(field, id)], "candor_session=forged").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
        }
        let (status, _) = add_task(&app, &mallory, "Steal it", "", "", id).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label} {kind}");
    }
    for (endpoint, field) in [
        ("/api/tasks/about", "record"),
        ("/api/records/timeline", "id"),
    ] {
        for id in [
            "",
            "not-a-uuid",
            "1 OR 1=1",
            "00000000-0000-0000-0000-000000000000",
        ] {
            let (status, _) = api(&app, endpoint, &[(field, id)], &ada).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{label} {endpoint} {id:?}");
        }
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM tasks WHERE title = $1",
            "Steal it"
        )
        .await,
        0
    );

    // The workspace's list names each record and links to its page.
    let page = body_text(get_page(&app, "/app/tasks", Some(&ada)).await).await;
    for href in [
        format!("href=\"/app/companies/{acme}\""),
        format!("href=\"/app/leads/{lead}\""),
        format!("href=\"/app/opportunities/{deal}\""),
    ] {
        assert!(page.contains(&href), "{label}: the tasks list lacks {href}");
    }

    // Deleting a record deletes the tasks about it; the others stay.
    let (status, body) = api(
        &app,
        "/api/records/delete",
        &[("kind", "Companies"), ("id", &acme)],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let open = api_ok(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    assert!(
        !open.contains("Send the contract")
            && open.contains("Call Alan back")
            && open.contains("Draft the proposal"),
        "{label}: {open}"
    );
}

/// Every task of a list (open or "done", searched for `q`), page after page, as the list's links
/// lead; and how many pages.
async fn all_pages(app: &TestApp, cookie: &str, status: &str, q: &str) -> (Vec<String>, usize) {
    all_pages_in(app, cookie, status, q, "").await
}

/// The same, in the order `sort` ("" for the list's own).
async fn all_pages_in(
    app: &TestApp,
    cookie: &str,
    status: &str,
    q: &str,
    sort: &str,
) -> (Vec<String>, usize) {
    let mut titles = Vec::new();
    let mut after = String::new();
    let mut pages = 0;
    loop {
        let (code, body) = api(
            app,
            "/api/tasks/list",
            &[
                ("query[q]", q),
                ("query[sort]", sort),
                ("query[status]", status),
                ("query[after]", &after),
            ],
            cookie,
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(page["problem"], serde_json::Value::Null, "{body}");
        pages += 1;
        for task in page["tasks"].as_array().expect("tasks") {
            titles.push(task["title"].as_str().expect("title").to_owned());
        }
        match page["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => return (titles, pages),
        }
    }
}

#[backend_test]
async fn the_tasks_list_pages_through_every_task_once_in_either_order_and_a_damaged_link_starts_again(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    // 120 open tasks: many on the same days (the order then goes by age), some without a
    // day (they come last).
    let mut expected = Vec::new();
    for n in 0..120 {
        let title = format!("Task {n:03}");
        let due = match n % 4 {
            3 => String::new(),
            day => format!("2027-01-0{}", 3 - day),
        };
        let (status, body) = add_task(&app, &ada, &title, &due, "", "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        expected.push((due.is_empty(), due, n, title));
    }
    let (titles, pages) = all_pages(&app, &ada, "", "").await;
    assert_eq!(pages, 3, "{}", app.label());
    // Each task once, by due day with the undated last (tasks added in the same
    // millisecond may come in either order: their ids decide).
    let key = |title: &String| {
        let (undated, due, _, _) = expected
            .iter()
            .find(|(_, _, _, t)| t == title)
            .expect("added");
        (*undated, due.clone())
    };
    let keys: Vec<_> = titles.iter().map(key).collect();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort();
    assert_eq!(keys, sorted_keys, "{}", app.label());
    let mut seen = titles.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 120);

    // The most recently added first: added a minute apart, so that the order has one
    // answer (the clock is real), over the same three pages.
    let added: Vec<String> = (0..120).map(|n| format!("Task {n:03}")).collect();
    created_minutes_apart(&app, "tasks", "title", &added).await;
    let (newest, pages) = all_pages_in(&app, &ada, "", "", "newest").await;
    let expected_newest: Vec<String> = added.into_iter().rev().collect();
    assert_eq!((newest, pages), (expected_newest, 3), "{}", app.label());

    // Done ones, the latest first, also page through once each.
    let first = api_ok(&app, "/api/tasks/list", &[("query[status]", "")], &ada).await;
    let first: serde_json::Value = serde_json::from_str(&first).expect("json");
    for task in first["tasks"].as_array().expect("tasks").iter().take(60) {
        let id = task["id"].as_str().expect("id");
        let (status, _) = api(
            &app,
            "/api/tasks/set-done",
            &[("id", id), ("done", "true")],
            &ada,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (done, pages) = all_pages(&app, &ada, "done", "").await;
    assert_eq!((done.len(), pages), (50, 1), "the first page held 50");
    let (open, _) = all_pages(&app, &ada, "", "").await;
    assert_eq!(open.len(), 70);
    // Newest first, the done ones are the 50 done above, the latest added first.
    let (done_newest, _) = all_pages_in(&app, &ada, "done", "", "newest").await;
    let mut by_age = done.clone();
    by_age.sort();
    by_age.reverse();
    assert_eq!(done_newest, by_age, "{}", app.label());

    // A damaged link, or one from the other list or order, shows the first page and says
    // why.
    let next = first["next"].as_str().expect("a second page").to_owned();
    for (status, sort, after) in [
        ("", "", "zz"),
        ("done", "", next.as_str()),
        ("", "newest", next.as_str()),
    ] {
        let (code, body) = api(
            &app,
            "/api/tasks/list",
            &[
                ("query[status]", status),
                ("query[sort]", sort),
                ("query[after]", after),
            ],
            &ada,
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert!(body.contains("This page link is no longer valid"), "{body}");
    }
}

#[backend_test]
async fn the_tasks_list_is_searched_by_part_of_a_title_in_any_case_and_pages_through_the_matches(
    app: TestApp,
) {
    let label = app.label();
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    // 60 calls on three days, and tasks whose titles hold what a LIKE pattern would take
    // for a wildcard.
    for n in 0..60 {
        let due = format!("2027-01-0{}", n % 3 + 1);
        let title = format!("Call customer {n:02}");
        let (status, body) = add_task(&app, &ada, &title, &due, "", "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for title in [
        "Recall the 10 percent offer",
        "Refund 100% of order_7",
        "Check order17",
        "E-mail the ÅNGSTRÖM team",
    ] {
        let (status, body) = add_task(&app, &ada, title, "", "", "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Another workspace's call is never found.
    let grace = sign_up_and_log_in(&app, "grace@example.com", "Navy Labs", CLIENT).await;
    let (status, _) = add_task(&app, &grace, "Call customer 99", "", "", "").await;
    assert_eq!(status, StatusCode::OK);

    // Part of a word, in any case: the 60 calls and the recall, over two pages, each once,
    // by due day.
    let (calls, pages) = all_pages(&app, &ada, "", "  CALL ").await;
    assert_eq!((calls.len(), pages), (61, 2), "{label}: {calls:?}");
    let mut once = calls.clone();
    once.sort();
    once.dedup();
    assert_eq!(once.len(), 61, "{label}");
    assert_eq!(
        calls.last().map(String::as_str),
        Some("Recall the 10 percent offer")
    );
    assert!(!calls.contains(&"Call customer 99".to_owned()), "{label}");
    // Letters beyond ASCII match in any case too; % and _ are only themselves.
    for (q, expected) in [
        ("ångström", vec!["E-mail the ÅNGSTRÖM team"]),
        ("00%", vec!["Refund 100% of order_7"]),
        // One or two characters: the start of the title.
        (
            "RE",
            vec!["Recall the 10 percent offer", "Refund 100% of order_7"],
        ),
        ("0%", vec![]),
        ("order_", vec!["Refund 100% of order_7"]),
        ("no such task", vec![]),
    ] {
        let (found, _) = all_pages(&app, &ada, "", q).await;
        assert_eq!(found, expected, "{label}: {q}");
    }

    // Ticked done, a call leaves the open search for the done one.
    let first = api_ok(
        &app,
        "/api/tasks/list",
        &[("query[q]", "customer 07")],
        &ada,
    )
    .await;
    let first: Value = serde_json::from_str(&first).expect("json");
    let id = first["tasks"][0]["id"].as_str().expect("a task").to_owned();
    let (status, _) = api(
        &app,
        "/api/tasks/set-done",
        &[("id", &id), ("done", "true")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (open, _) = all_pages(&app, &ada, "", "customer 07").await;
    let (done, _) = all_pages(&app, &ada, "done", "customer 07").await;
    assert_eq!(
        (open.len(), done),
        (0, vec!["Call customer 07".to_owned()]),
        "{label}"
    );

    // An over-long search is not used: the list says so and shows every open task.
    let long = "call ".repeat(21);
    let (code, body) = api(&app, "/api/tasks/list", &[("query[q]", &long)], &ada).await;
    assert_eq!(code, StatusCode::OK);
    let page: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        page["problem"].as_str(),
        Some("Search for at most 100 characters. The list below is not searched."),
        "{label}"
    );
    assert_eq!(page["tasks"].as_array().map(Vec::len), Some(50), "{label}");
    assert!(page["next"].is_string(), "{label}");

    // The page itself: the search box keeps the words, the heading says it is searched.
    let response = get_page(&app, "/app/tasks?q=%C3%85NGSTR%C3%96M", Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body_text(response).await;
    assert!(
        html.contains("Open tasks matching the search, the soonest due first")
            && html.contains("E-mail the ÅNGSTRÖM team")
            && !html.contains("Call customer 00")
            && html.contains("Clear the search and filters"),
        "{label}"
    );
}

/// A bulk action on these tasks, as the tasks list's script sends it.
async fn bulk_tasks(
    app: &TestApp,
    cookie: &str,
    ids: &[&str],
    action: &str,
    value: &str,
) -> (StatusCode, String) {
    post_bulk(app, "/api/tasks/bulk", &[], ids, action, value, cookie).await
}

/// A task as stored: its assignee and when it was done, with by whom; `None` when it is gone.
async fn stored_task(
    app: &TestApp,
    id: &str,
) -> Option<(Option<String>, Option<i64>, Option<String>)> {
    sqlx::query_as("SELECT assignee_id, done_at, done_by FROM tasks WHERE id = $1")
        .bind(id)
        .fetch_optional(app.state.db.pool())
        .await
        .expect("a task")
}

/// Adds a task with this title and no other detail; answers its id.
async fn quick_task(
    app: &TestApp,
    cookie: &str,
    title: &str,
    assignee: &str,
    about: &str,
) -> String {
    let (status, body) = add_task(app, cookie, title, "", assignee, about).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    task_id(&body)
}

#[backend_test]
async fn selected_tasks_are_assigned_ticked_done_opened_again_and_deleted_at_once_counting_those_already_so(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let ada_id = member_id(&app, "ada@example.com").await;
    let grace = add_person(&app, &ada, &[("first_name", "Grace")]).await;
    let call = quick_task(&app, &ada, "Call Grace", &ada_id, &grace).await;
    let email = quick_task(&app, &ada, "E-mail Alan", "", "").await;
    let plan = quick_task(&app, &ada, "Plan the offsite", "", "").await;
    let all = [call.as_str(), email.as_str(), plan.as_str()];

    // Call Grace is Ada's already: counted, not changed.
    let (status, body) = bulk_tasks(&app, &ada, &all, "Assign", &ada_id).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":3,"changed":2}"#, "{label}");
    for id in all {
        let (assignee, _, _) = stored_task(&app, id).await.expect("kept");
        assert_eq!(assignee.as_deref(), Some(ada_id.as_str()), "{label}");
    }
    // To nobody; an id sent twice counts once.
    let (status, body) = bulk_tasks(&app, &ada, &[&call, &email, &call], "Assign", " ").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    assert_eq!(stored_task(&app, &call).await.expect("kept").0, None);
    assert_eq!(
        stored_task(&app, &plan).await.expect("kept").0,
        Some(ada_id.clone())
    );

    // Done, by Ada; a task done already keeps when and by whom.
    let (status, body) = bulk_tasks(&app, &ada, &[&call, &email], "Done", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    let (_, call_done, done_by) = stored_task(&app, &call).await.expect("kept");
    assert!(call_done.is_some(), "{label}");
    assert_eq!(done_by.as_deref(), Some(ada_id.as_str()), "{label}");
    // A moment later by the server's clock: marking done again must not move when it was done.
    app.state
        .db
        .clock()
        .advance(std::time::Duration::from_secs(60));
    let (status, body) = bulk_tasks(&app, &ada, &[&call, &plan], "Done", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":1}"#, "{label}");
    assert_eq!(stored_task(&app, &call).await.expect("kept").1, call_done);
    let open = api_ok(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    assert!(!open.contains("Plan the offsite"), "{label}: {open}");
    // Ticked done in bulk shows in the timeline of the record the task is about.
    let timeline = api_ok(&app, "/api/records/timeline", &[("id", &grace)], &ada).await;
    assert!(timeline.contains("TaskDone"), "{label}: {timeline}");

    // Open again: only the done ones change.
    let (status, body) = bulk_tasks(&app, &ada, &[&call, &email], "Reopen", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    let (status, body) = bulk_tasks(&app, &ada, &[&call, &plan], "Reopen", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":1}"#, "{label}");
    assert_eq!(
        stored_task(&app, &call).await.expect("kept"),
        (None, None, None)
    );
    let open = api_ok(&app, "/api/tasks/list", &[("query[status]", "open")], &ada).await;
    for title in ["Call Grace", "E-mail Alan", "Plan the offsite"] {
        assert!(open.contains(title), "{label}: {title}: {open}");
    }

    // Deleted for good, with their places in the timeline; Grace stays.
    let (status, body) = bulk_tasks(&app, &ada, &[&call, &plan], "Delete", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    assert_eq!(stored_task(&app, &call).await, None, "{label}");
    assert_eq!(stored_task(&app, &plan).await, None, "{label}");
    assert!(stored_task(&app, &email).await.is_some(), "{label}");
    let timeline = api_ok(&app, "/api/records/timeline", &[("id", &grace)], &ada).await;
    assert!(!timeline.contains("Call Grace"), "{label}: {timeline}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &grace).await,
        1
    );
}

#[backend_test]
async fn a_bulk_action_on_tasks_refuses_bad_input_with_a_message_and_never_reaches_another_workspace(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let label = app.label();
    let mallory_id = member_id(&app, "mallory@example.com").await;
    let ours = quick_task(&app, &ada, "Call Grace", "", "").await;
    let theirs = quick_task(&app, &mallory, "Steal the list", "", "").await;
    let before = (
        stored_task(&app, &ours).await,
        stored_task(&app, &theirs).await,
    );

    // Another workspace's task among ours, or no task at all: nothing changes.
    for action in ["Assign", "Done", "Delete"] {
        for ids in [
            [ours.as_str(), theirs.as_str()],
            [ours.as_str(), "1 OR 1=1"],
        ] {
            let (status, _) = bulk_tasks(&app, &ada, &ids, action, "").await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{label}: {action} {ids:?}");
        }
        // Another workspace's member, or someone without a session, reaches nothing.
        let (status, body) = bulk_tasks(&app, &mallory, &[&ours], action, "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}: {action}");
        assert!(!body.contains("Call Grace"), "{body}");
        let (status, _) = bulk_tasks(&app, "candor_session=forged", &[&ours], action, "").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{label}: {action}");
    }

    let too_many: Vec<String> = (0..201).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    for (ids, action, value, message) in [
        (
            vec![ours.as_str()],
            "Assign",
            mallory_id.as_str(),
            "Choose someone from the workspace's members.",
        ),
        (
            vec![ours.as_str()],
            "Assign",
            "not-a-member",
            "Choose someone from the workspace's members.",
        ),
        (vec![], "Done", "", "Select at least one task first."),
        (
            too_many,
            "Delete",
            "",
            "Select at most 200 tasks at a time.",
        ),
    ] {
        let (status, body) = bulk_tasks(&app, &ada, &ids, action, value).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert!(body.contains(message), "{label}: {message}: {body}");
    }
    let after = (
        stored_task(&app, &ours).await,
        stored_task(&app, &theirs).await,
    );
    assert_eq!(before, after, "{label}");
    assert!(before.0.is_some() && before.1.is_some(), "{label}");
}

/// Saves one field of a task as its page does: from `version`, the field holding `base`.
async fn save_task_field(
    app: &TestApp,
    cookie: &str,
    id: &str,
    field: &str,
    value: &str,
    base: &str,
    version: i64,
) -> (StatusCode, String) {
    api(
        app,
        "/api/tasks/save-field",
        &[
            ("id", id),
            ("field", field),
            ("value", value),
            ("base", base),
            ("version", &version.to_string()),
        ],
        cookie,
    )
    .await
}

/// A task's title, due day, assignee, record and version as stored.
async fn task_row(
    app: &TestApp,
    id: &str,
) -> (String, Option<String>, Option<String>, Option<String>, i64) {
    sqlx::query_as("SELECT title, due_on, assignee_id, record_id, version FROM tasks WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("the task")
}

#[backend_test]
async fn each_field_of_a_task_is_edited_in_place_and_a_stale_edit_of_a_changed_field_is_refused(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let label = app.label();
    let ada_id = member_id(&app, "ada@example.com").await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    let navy = crate::companies::add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    let theirs = add_person(&app, &mallory, &[("first_name", "Eve")]).await;
    let task = quick_task(&app, &ada, "Call Grace", "", &grace).await;

    // Each field, one after the other, each from the version the last answer gave.
    let mut version = 1;
    for (field, value, base, shown) in [
        (
            "Title",
            "  Call Grace about COBOL ",
            "Call Grace",
            r#""title":"Call Grace about COBOL""#,
        ),
        (
            "Due",
            "2026-12-24",
            "",
            r#""due_on":{"year":2026,"month":12,"day":24}"#,
        ),
        (
            "Assignee",
            ada_id.as_str(),
            "",
            r#""name":"Owner of Workspace A""#,
        ),
        (
            "About",
            navy.as_str(),
            grace.as_str(),
            r#""name":"Navy Labs""#,
        ),
        ("Due", "", "2026-12-24", r#""due_on":null"#),
        ("About", "", navy.as_str(), r#""about":null"#),
    ] {
        let (status, body) = save_task_field(&app, &ada, &task, field, value, base, version).await;
        assert_eq!(status, StatusCode::OK, "{field} on {label}: {body}");
        assert!(body.contains(shown), "{field}: {body}");
        version += 1;
        assert!(
            body.contains(&format!(r#""version":{version}"#)),
            "{field}: {body}"
        );
    }
    let (title, due, assignee, record, stored_version) = task_row(&app, &task).await;
    assert_eq!(
        (
            title.as_str(),
            due,
            assignee.as_deref(),
            record,
            stored_version
        ),
        (
            "Call Grace about COBOL",
            None,
            Some(ada_id.as_str()),
            None,
            version
        ),
        "{label}"
    );
    // The search finds it by its new title.
    let found = api_ok(&app, "/api/tasks/list", &[("query[q]", "cobol")], &ada).await;
    assert!(found.contains("Call Grace about COBOL"), "{found}");

    // From an older page: a field changed since is refused with its value; another is saved.
    let (status, body) =
        save_task_field(&app, &ada, &task, "Title", "Call Grace", "Call Grace", 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");
    assert!(
        body.contains("Someone else changed title to \u{201c}Call Grace about COBOL\u{201d}"),
        "{body}"
    );
    let (status, body) = save_task_field(&app, &ada, &task, "Due", "2027-01-04", "", version).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    let (status, body) = save_task_field(
        &app,
        &ada,
        &task,
        "Title",
        "Call Grace today",
        "Call Grace about COBOL",
        2,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a field unchanged since on {label}: {body}"
    );

    // Wrong values: each with its own message, nothing stored.
    let version = task_row(&app, &task).await.4;
    for (field, value, message) in [
        ("Title", " ", "Say what is to be done."),
        (
            "Due",
            "2026-02-30",
            "Give the due date as a date, for example 2026-12-24.",
        ),
        (
            "Due",
            "1999-12-31",
            "Choose a due date between the years 2000 and 2100.",
        ),
        (
            "Assignee",
            "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
            "Choose someone from the workspace's members.",
        ),
        (
            "About",
            "someone",
            "Choose one of the records found, or nothing in particular.",
        ),
        (
            "About",
            theirs.as_str(),
            "That record is no longer in the workspace.",
        ),
    ] {
        let (status, body) = save_task_field(&app, &ada, &task, field, value, "", version).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} {value} on {label}: {body}"
        );
        assert!(body.contains(message), "{field} {value}: {body}");
    }
    assert_eq!(task_row(&app, &task).await.4, version, "{label}");

    // Another workspace, a made-up id, no session: nothing.
    for (cookie, id, expected) in [
        (mallory.as_str(), task.as_str(), StatusCode::NOT_FOUND),
        (
            ada.as_str(),
            "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
            StatusCode::NOT_FOUND,
        ),
        (
            "candor_session=forged",
            task.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
    ] {
        let (status, body) = save_task_field(
            &app,
            cookie,
            id,
            "Title",
            "pwned",
            "Call Grace today",
            version,
        )
        .await;
        assert_eq!(status, expected, "{label}: {body}");
        let (status, _) = api(&app, "/api/tasks/load", &[("id", id)], cookie).await;
        assert_eq!(status, expected, "{label}");
    }
    assert_eq!(task_row(&app, &task).await.0, "Call Grace today");
}

#[backend_test]
async fn a_task_has_a_page_that_shows_its_fields_and_it_is_deleted_from_there(app: TestApp) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let label = app.label();
    let grace = add_person(&app, &ada, &[("first_name", "Grace")]).await;
    let task = quick_task(&app, &ada, "Call Grace", "", &grace).await;

    let response = get_page(&app, &format!("/app/tasks/{task}"), Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::OK, "{label}");
    let page = body_text(response).await;
    for shown in [
        "<title>Call Grace",
        "Due date",
        "Assigned to",
        "Change what it is about",
        "Delete this task",
        &format!(r#"href="/app/people/{grace}""#),
    ] {
        assert!(page.contains(shown), "{label}: the page lacks {shown}");
    }
    let list = body_text(get_page(&app, "/app/tasks", Some(&ada)).await).await;
    assert!(
        list.contains(&format!(r#"href="/app/tasks/{task}""#)),
        "{list}"
    );
    let response = get_page(&app, &format!("/app/tasks/{task}"), Some(&mallory)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{label}");

    let (status, _) = api(&app, "/api/tasks/delete", &[("id", &task)], &mallory).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    let (status, body) = api(&app, "/api/tasks/delete", &[("id", &task)], &ada).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(stored_task(&app, &task).await.is_none());
    let (status, _) = api(&app, "/api/tasks/delete", &[("id", &task)], &ada).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "deleted already: {label}");
    let response = get_page(&app, &format!("/app/tasks/{task}"), Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{label}");
    let page = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    assert!(!page.contains("Call Grace"), "{label}: {page}");
}

#[backend_test]
async fn records_of_every_kind_are_found_by_name_for_a_task_to_be_about_and_only_in_the_workspace(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let label = app.label();
    add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Navarro")],
    )
    .await;
    one_of_each(&app, &ada, "").await;
    add_person(
        &app,
        &mallory,
        &[("first_name", "Grace"), ("last_name", "Elsewhere")],
    )
    .await;

    for (q, kind, name) in [
        (" NAVARRO ", "People", "Grace Navarro"),
        ("acme labs", "Companies", "Acme Labs"),
        ("alan", "Leads", "Alan Turing"),
        ("renewal", "Opportunities", "Acme renewal"),
    ] {
        let found = api_ok(&app, "/api/tasks/find-about", &[("q", q)], &ada).await;
        let found: Value = serde_json::from_str(&found).expect("json");
        let found = found.as_array().expect("a list");
        assert!(
            found
                .iter()
                .any(|record| record["kind"] == kind && record["name"] == name),
            "{q} on {label}: {found:?}"
        );
    }
    let found = api_ok(&app, "/api/tasks/find-about", &[("q", "grace")], &ada).await;
    assert!(
        found.contains("Grace Navarro") && !found.contains("Elsewhere"),
        "{label}: {found}"
    );
    let (status, body) = api(&app, "/api/tasks/find-about", &[("q", "n")], &ada).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    assert!(
        body.contains("Type at least 2 letters of the name."),
        "{body}"
    );
    let none = api_ok(&app, "/api/tasks/find-about", &[("q", "50%_off")], &ada).await;
    assert_eq!(none, "[]", "{label}");
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn members_saving_one_task_at_once_keep_one_value_per_field_and_the_others_are_told(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let task = quick_task(&app, &ada, "Call Grace", "", "").await;
    let app = std::sync::Arc::new(app);
    let mut requests = Vec::new();
    // Six titles from the same page, and a due day beside them.
    for i in 0..7 {
        let (app, ada, task) = (app.clone(), ada.clone(), task.clone());
        requests.push(tokio::spawn(async move {
            let (field, value, base) = if i == 6 {
                ("Due", "2027-01-04".to_owned(), "")
            } else {
                ("Title", format!("Title {i}"), "Call Grace")
            };
            let answer = save_task_field(&app, &ada, &task, field, &value, base, 1).await;
            (field, value, answer)
        }));
    }
    let mut titles = Vec::new();
    for request in requests {
        let (field, value, (status, body)) = request.await.expect("the request");
        match (field, status) {
            ("Due", StatusCode::OK) => {}
            ("Title", StatusCode::OK) => titles.push(value),
            ("Title", StatusCode::CONFLICT) => {
                assert!(body.contains("Someone else changed title"), "{body}");
            }
            _ => panic!("{field} {status} on {}: {body}", app.label()),
        }
    }
    assert_eq!(titles.len(), 1, "{}: {titles:?}", app.label());
    let (title, due, ..) = task_row(&app, &task).await;
    assert_eq!(
        (title, due.as_deref()),
        (titles[0].clone(), Some("2027-01-04")),
        "{}",
        app.label()
    );
}
