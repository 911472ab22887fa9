//! People through the real router on each backend: adding a person (with and without problems),
//! phone numbers in E.164, editing in the page with conflict detection, the timeline, search by
//! any part of a name, address, phone or company, keyset pages, and a matrix in which a member of
//! another workspace aims every people endpoint at this workspace's ids and gets nothing.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};

use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, encode, get_page, location, post_form, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text, member_id};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.77",
    user_agent: CHROME_ON_LINUX,
};

/// Adds a person with the form; returns their id.
pub(crate) async fn add_person(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> String {
    add_record(app, cookie, "/app/people", fields, CLIENT).await
}

/// Ada and Mallory, logged in, each the owner of a workspace of their own ("Workspace A" and
/// "Workspace B"); returns their session cookies.
pub(crate) async fn ada_and_mallory(app: &TestApp) -> (String, String) {
    let ada = sign_up_and_log_in(app, "ada@example.com", "Workspace A", CLIENT).await;
    let mallory = sign_up_and_log_in(app, "mallory@example.com", "Workspace B", CLIENT).await;
    (ada, mallory)
}

/// Calls a server function as the page's script does; returns the status and the body.
pub(crate) async fn api(
    app: &TestApp,
    endpoint: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> (StatusCode, String) {
    let request = Request::post(endpoint)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(encode(fields)))
        .expect("request");
    let response: Response<Body> = app.request(request).await;
    let status = response.status();
    (status, body_text(response).await)
}

/// Calls a server function that must succeed (200), and returns its body. A test that then
/// asserts that something is absent from the body cannot be satisfied by a failed request.
pub(crate) async fn api_ok(
    app: &TestApp,
    endpoint: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> String {
    let (status, body) = api(app, endpoint, fields, cookie).await;
    assert_eq!(status, StatusCode::OK, "{endpoint} {fields:?}: {body}");
    body
}

/// Every page of the list that the server function `endpoint` answers for these query fields,
/// the cursor added, following `next` to the end: each of its `rows`' `field` ("name") in the
/// order shown, and the cursor of the second page.
pub(crate) async fn every_page(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    fields: &[(&str, &str)],
    (rows, field): (&str, &str),
) -> (Vec<String>, Option<String>) {
    let mut values = Vec::new();
    let mut after = String::new();
    let mut second = None;
    loop {
        let mut query = fields.to_vec();
        query.push(("query[after]", &after));
        let (status, body) = api(app, endpoint, &query, cookie).await;
        assert_eq!(status, StatusCode::OK, "{} {endpoint}: {body}", app.label());
        let page: serde_json::Value = serde_json::from_str(&body).expect("json");
        for row in page[rows].as_array().expect("rows") {
            values.push(row[field].as_str().expect("field").to_owned());
        }
        match page["next"].as_str() {
            Some(next) => {
                second.get_or_insert_with(|| next.to_owned());
                after = next.to_owned();
            }
            None => return (values, second),
        }
    }
}

/// Sets the creation time of the rows of `table` whose `column` is each of `values` a minute
/// apart, in that order: the clock is real, and rows added in the same millisecond would give
/// "newest first" more than one answer.
pub(crate) async fn created_minutes_apart(
    app: &TestApp,
    table: &str,
    column: &str,
    values: &[String],
) {
    let sql = format!("UPDATE {table} SET created_at = $1 WHERE {column} = $2");
    for (n, value) in (0_i64..).zip(values) {
        sqlx::query(&sql)
            .bind(1_700_000_000_000 + n * 60_000)
            .bind(value)
            .execute(app.state.db.pool())
            .await
            .expect("created_at");
    }
}

async fn save(
    app: &TestApp,
    cookie: &str,
    id: &str,
    field: &str,
    value: &str,
    base: &str,
    version: &str,
) -> (StatusCode, String) {
    api(
        app,
        "/api/people/save-field",
        &[
            ("id", id),
            ("field", field),
            ("value", value),
            ("base", base),
            ("version", version),
        ],
        cookie,
    )
    .await
}

/// The names on the list for this search (the list's first page).
async fn search(app: &TestApp, cookie: &str, q: &str) -> String {
    let (status, body) = api(app, "/api/people/list", &[("query[q]", q)], cookie).await;
    assert_eq!(status, StatusCode::OK, "{q}: {body}");
    body
}

async fn stored(app: &TestApp, column: &str, id: &str) -> Option<String> {
    sqlx::query_scalar(&format!("SELECT {column} FROM people WHERE id = $1"))
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("person")
}

#[backend_test]
async fn a_person_added_with_the_form_has_a_page_with_their_details_and_a_timeline(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_person(
        &app,
        &ada,
        &[
            ("first_name", " Grace "),
            ("last_name", "Hopper"),
            ("job_title", "Rear Admiral"),
            ("company_name", "Navy Labs"),
            ("email", "grace@Navy.example"),
            ("phone", "+44 20 7946 0958"),
            ("tags", "vip, speaker, vip"),
        ],
    )
    .await;
    assert_eq!(
        stored(&app, "phone", &id).await.as_deref(),
        Some("+442079460958")
    );
    assert_eq!(
        stored(&app, "email", &id).await.as_deref(),
        Some("grace@navy.example")
    );
    assert_eq!(
        stored(&app, "first_name", &id).await.as_deref(),
        Some("Grace")
    );
    let page =
        body_text(get_page(&app, &format!("/app/people/{id}?created=1"), Some(&ada)).await).await;
    for shown in [
        "Grace Hopper",
        "Rear Admiral",
        "Navy Labs",
        // Stored in E.164, shown in international form (the workspace has no country).
        "+44 20 7946 0958",
        "speaker, vip",
        "Person added.",
        "Owner of Analytical Engines added this person.",
    ] {
        assert!(
            page.contains(shown),
            "{}: the page lacks {shown}",
            app.label()
        );
    }
}

#[backend_test]
async fn the_form_refuses_a_missing_name_and_bad_contact_details_with_messages_and_keeps_what_was_typed(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let response = post_form(
        &app,
        "/app/people/new",
        &[
            ("first_name", "   "),
            ("last_name", "Hopper"),
            ("email", "grace at navy"),
            ("phone", "020 7946 0958"),
            ("tags", &"t".repeat(41)),
        ],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        app.label()
    );
    let page = body_text(response).await;
    for message in [
        "Enter a first name.",
        "Enter an e-mail address like name@example.com.",
        "Enter the number with its country code, like +44 20 7946 0958.",
        "A tag can be at most 40 characters long.",
    ] {
        assert!(page.contains(message), "{}: no {message:?}", app.label());
    }
    assert!(page.contains("value=\"Hopper\""), "what was typed stays");
    assert!(page.contains("value=\"020 7946 0958\""));
    // An impossible number is refused too, not only a number without its country, and the
    // message says why.
    let response = post_form(
        &app,
        "/app/people/new",
        &[("first_name", "Grace"), ("phone", "+44 12")],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert!(
        body_text(response)
            .await
            .contains("This is too short for a phone number in United Kingdom: check the digits.")
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(count, 0, "nothing was stored");
    // A huge post is answered like any other invalid one, not with an internal error.
    let huge = "x".repeat(200_000);
    let response = post_form(
        &app,
        "/app/people/new",
        &[("first_name", &huge)],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert!(
        matches!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE
        ),
        "{}",
        response.status()
    );
}

#[backend_test]
async fn an_edit_in_the_page_is_saved_logged_and_a_stale_edit_of_a_changed_field_is_refused_with_their_value(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;

    let (status, body) = save(&app, &ada, &id, "JobTitle", "Admiral", "", "1").await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(body.contains("\"version\":2"), "{body}");
    assert_eq!(
        stored(&app, "job_title", &id).await.as_deref(),
        Some("Admiral")
    );

    // Someone else, on a page loaded at version 1, changes the same field: refused, with
    // the value they would overwrite, and nothing changes.
    let (status, body) = save(&app, &ada, &id, "JobTitle", "Captain", "", "1").await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(
        body.contains("Someone else changed job title to \u{201c}Admiral\u{201d}"),
        "{body}"
    );
    assert_eq!(
        stored(&app, "job_title", &id).await.as_deref(),
        Some("Admiral")
    );

    // A stale page may still change a field nobody else touched.
    let (status, body) = save(&app, &ada, &id, "Company", "Navy Labs", "", "1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"version\":3"), "{body}");

    // Invalid values are refused beside their field, in words.
    let (status, body) = save(&app, &ada, &id, "Phone", "555-0199", "", "3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("country code"), "{body}");
    let (status, body) = save(
        &app,
        &ada,
        &id,
        "Owner",
        "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
        "",
        "3",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Choose an owner from the workspace"),
        "{body}"
    );
    let (status, _) = save(&app, &ada, &id, "WorkspaceId", "x", "", "3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no such field");

    // The phone is stored in E.164, and the timeline says who changed what.
    let (status, body) = save(&app, &ada, &id, "Phone", "+41 44 668 18 00", "", "3").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&app, "phone", &id).await.as_deref(),
        Some("+41446681800")
    );
    // Recording the lawful basis and the marketing permission also records when.
    let (status, body) = save(
        &app,
        &ada,
        &id,
        "LawfulBasis",
        "legitimate_interest",
        "",
        "4",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = save(
        &app,
        &ada,
        &id,
        "MarketingPermission",
        "refused",
        "unknown",
        "5",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let times: (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT lawful_basis_at, marketing_permission_at FROM people WHERE id = $1")
            .bind(&id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("times");
    assert!(times.0.is_some() && times.1.is_some(), "{times:?}");
    let (status, body) = save(
        &app,
        &ada,
        &id,
        "LawfulBasis",
        "because",
        "legitimate_interest",
        "6",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Choose a lawful basis from the list."),
        "{body}"
    );
    let page = body_text(get_page(&app, &format!("/app/people/{id}"), Some(&ada)).await).await;
    assert!(
        page.contains("changed lawful basis from (empty) to \u{201c}Legitimate interest\u{201d}"),
        "{page}"
    );
    assert!(page.contains(
        "changed marketing e-mail from \u{201c}Not asked yet\u{201d} to \u{201c}Refused\u{201d}"
    ));
    assert!(
        page.contains("changed job title from (empty) to \u{201c}Admiral\u{201d}"),
        "{page}"
    );
    assert!(page.contains("changed phone from (empty) to \u{201c}+41 44 668 18 00\u{201d}"));
}

#[backend_test]
async fn search_finds_people_by_part_of_a_name_email_phone_or_company(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("company_name", "Navy Labs"),
            ("email", "grace.hopper@navy.example"),
            ("phone", "+44 20 7946 0958"),
            ("tags", "vip"),
        ],
    )
    .await;
    add_person(
        &app,
        &ada,
        &[
            ("first_name", "Alan"),
            ("last_name", "Turing"),
            ("company_name", "Bletchley Park"),
        ],
    )
    .await;
    for (q, finds_grace) in [
        ("oppe", true),
        ("GRACE.H", true),
        ("navy.ex", true),
        ("7946 0958", true),
        ("020 7946 0958", true),
        ("avy lab", true),
        ("ho", true),
        ("letchley", false),
        ("100% sure_", false),
        // Quotes and the full-text query language are searched for as text, not obeyed.
        ("\" OR \"grace", false),
        ("grace*", false),
    ] {
        let body = search(&app, &ada, q).await;
        assert_eq!(
            body.contains("Grace Hopper"),
            finds_grace,
            "{}: {q:?} -> {body}",
            app.label()
        );
    }
    assert!(search(&app, &ada, "letchley").await.contains("Alan Turing"));
    let tagged = api_ok(&app, "/api/people/list", &[("query[tag]", "vip")], &ada).await;
    assert!(
        tagged.contains("Grace Hopper") && !tagged.contains("Alan Turing"),
        "{tagged}"
    );
}

#[backend_test]
async fn the_list_pages_through_everyone_once_in_order_and_a_damaged_page_link_starts_again_with_a_message(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    crm_backend::seed::seed_people(&app.state.db, workspace, 130, 7)
        .await
        .expect("seeded");
    for sort in ["Name", "Newest"] {
        let mut seen: Vec<String> = Vec::new();
        let mut after = String::new();
        for _ in 0..5 {
            let (status, body) = api(
                &app,
                "/api/people/list",
                &[("query[sort]", sort), ("query[after]", &after)],
                &ada,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let page: crm_core::people::PeoplePage = serde_json::from_str(&body).expect("json");
            seen.extend(page.rows.iter().map(|r| r.id.to_string()));
            match page.place.next {
                Some(next) => after = next,
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            (seen.len(), unique.len()),
            (130, 130),
            "{} {sort}",
            app.label()
        );
    }
    let (status, body) = api(
        &app,
        "/api/people/list",
        &[("query[after]", "not-a-cursor")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("This page link is no longer valid."),
        "{body}"
    );
    let body = api_ok(
        &app,
        "/api/people/list",
        &[("query[q]", &"a".repeat(500))],
        &ada,
    )
    .await;
    assert!(
        body.contains("Search for at most 100 characters."),
        "{body}"
    );
}

#[backend_test]
async fn a_member_of_another_workspace_can_neither_see_nor_change_this_workspaces_people(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let id = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "grace@navy.example"),
        ],
    )
    .await;

    let page = get_page(&app, &format!("/app/people/{id}"), Some(&mallory)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "{}", app.label());
    assert!(!body_text(page).await.contains("Hopper"));
    let (status, body) = api(&app, "/api/people/load", &[("id", &id)], &mallory).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Hopper"));
    let (status, _) = api(&app, "/api/records/timeline", &[("id", &id)], &mallory).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = api(&app, "/api/records/timeline", &[("id", &id)], &ada).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"event\":\"Created\""), "{body}");
    let (status, _) = save(&app, &mallory, &id, "LastName", "Pwned", "Hopper", "1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        stored(&app, "last_name", &id).await.as_deref(),
        Some("Hopper")
    );
    for q in ["", "Hopper", "grace@navy", "ho"] {
        let body = search(&app, &mallory, q).await;
        assert!(!body.contains("Hopper"), "{q:?}: {body}");
    }
    let list = body_text(get_page(&app, "/app/people?q=Hopper", Some(&mallory)).await).await;
    assert!(
        !list.contains("grace@navy.example") && !list.contains("Grace"),
        "{list}"
    );
    assert!(list.contains("No people match this search"));
    // The owner filter narrows the session's workspace only: Ada's id as owner shows Mallory
    // nothing, and Ada's list offers no member of the other workspace.
    let ada_id = member_id(&app, "ada@example.com").await;
    let (status, body) = api(
        &app,
        "/api/people/list",
        &[("query[owner]", &ada_id)],
        &mallory,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.contains("Hopper") && !body.contains("Owner of Workspace A"),
        "{body}"
    );
    let body = api_ok(&app, "/api/people/list", &[("query[owner]", &ada_id)], &ada).await;
    assert!(
        body.contains("Hopper") && !body.contains("Owner of Workspace B"),
        "{body}"
    );

    // Without a session: nothing, and the pages ask to log in.
    let (status, _) = api(
        &app,
        "/api/people/list",
        &[("query[q]", "")],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = save(
        &app,
        "candor_session=forged",
        &id,
        "LastName",
        "Pwned",
        "Hopper",
        "1",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = post_form(
        &app,
        "/app/people/new",
        &[("first_name", "Eve")],
        None,
        CLIENT,
    )
    .await;
    assert_eq!(location(&response), "/login?next=/app/people/new");
}

/// A bulk action on these people, as the list's script sends it.
pub(crate) async fn bulk(
    app: &TestApp,
    cookie: &str,
    ids: &[&str],
    action: &str,
    value: &str,
) -> (StatusCode, String) {
    bulk_of(app, cookie, "People", ids, action, value).await
}

/// A bulk action on these records of `kind` ("People", "Companies", "Leads", "Opportunities"), as
/// a list's script sends it.
pub(crate) async fn bulk_of(
    app: &TestApp,
    cookie: &str,
    kind: &str,
    ids: &[&str],
    action: &str,
    value: &str,
) -> (StatusCode, String) {
    post_bulk(
        app,
        "/api/records/bulk",
        &[("kind", kind)],
        ids,
        action,
        value,
        cookie,
    )
    .await
}

/// Posts a bulk action (on records or on tasks) to `endpoint` as a list's script sends it:
/// `first`, then `ids[0]`, `ids[1]` and the rest, then the action and its value.
pub(crate) async fn post_bulk(
    app: &TestApp,
    endpoint: &str,
    first: &[(&str, &str)],
    ids: &[&str],
    action: &str,
    value: &str,
    cookie: &str,
) -> (StatusCode, String) {
    let keys: Vec<String> = (0..ids.len()).map(|i| format!("ids[{i}]")).collect();
    let mut fields: Vec<(&str, &str)> = first.to_vec();
    fields.extend(keys.iter().map(String::as_str).zip(ids.iter().copied()));
    fields.push(("action", action));
    fields.push(("value", value));
    api(app, endpoint, &fields, cookie).await
}

pub(crate) async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

async fn tags_of(app: &TestApp, id: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag")
        .bind(id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("tags")
}

#[backend_test]
async fn selected_people_are_tagged_handed_over_and_deleted_at_once_with_each_change_in_their_timeline(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let grace = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("tags", "vip"),
        ],
    )
    .await;
    let alan = add_person(
        &app,
        &ada,
        &[("first_name", "Alan"), ("last_name", "Turing")],
    )
    .await;
    let edsger = add_person(
        &app,
        &ada,
        &[("first_name", "Edsger"), ("last_name", "Dijkstra")],
    )
    .await;
    let everyone = [grace.as_str(), alan.as_str(), edsger.as_str()];

    // Grace has the tag already: she is counted, not changed.
    let (status, body) = bulk(&app, &ada, &everyone, "AddTag", " vip ").await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert_eq!(body, r#"{"selected":3,"changed":2}"#);
    for id in everyone {
        assert_eq!(tags_of(&app, id).await, ["vip"], "{}", app.label());
    }
    assert_eq!(
        stored(&app, "CAST(version AS TEXT)", &grace)
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        stored(&app, "CAST(version AS TEXT)", &alan)
            .await
            .as_deref(),
        Some("2")
    );
    let page = body_text(get_page(&app, &format!("/app/people/{alan}"), Some(&ada)).await).await;
    assert!(
        page.contains(
            "Owner of Analytical Engines changed tags from (empty) to \u{201c}vip\u{201d}."
        ),
        "{}: {page}",
        app.label()
    );

    // Nobody owns Alan and Edsger afterwards, and their timelines say who did it.
    let (status, body) = bulk(&app, &ada, &[&alan, &edsger, &alan], "SetOwner", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#);
    assert_eq!(stored(&app, "owner_id", &alan).await, None);
    assert!(stored(&app, "owner_id", &grace).await.is_some());
    let page = body_text(get_page(&app, &format!("/app/people/{edsger}"), Some(&ada)).await).await;
    assert!(
        page.contains("changed owner from \u{201c}Owner of Analytical Engines\u{201d} to (empty)."),
        "{page}"
    );
    let ada_id = member_id(&app, "ada@example.com").await;
    let (status, body) = bulk(&app, &ada, &everyone, "SetOwner", &ada_id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, r#"{"selected":3,"changed":2}"#);
    assert_eq!(stored(&app, "owner_id", &alan).await, Some(ada_id.clone()));

    // Deleting takes the people, their tags and their timelines, and no one else.
    let (status, body) = bulk(&app, &ada, &[&grace, &alan], "Delete", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#);
    for id in [&grace, &alan] {
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM people WHERE id = $1", id).await,
            0
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM person_tags WHERE person_id = $1",
                id
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM record_events WHERE record_id = $1",
                id
            )
            .await,
            0,
            "{}",
            app.label()
        );
        let page = get_page(&app, &format!("/app/people/{id}"), Some(&ada)).await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(tags_of(&app, &edsger).await, ["vip"]);
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM record_events WHERE record_id = $1",
            &edsger
        )
        .await
            >= 3
    );
    let body = search(&app, &ada, "").await;
    assert!(
        body.contains("Dijkstra") && !body.contains("Turing"),
        "{body}"
    );
    // A person deleted meanwhile makes the whole action "not found": nothing changes.
    let (status, _) = bulk(&app, &ada, &[&edsger, &alan], "AddTag", "speaker").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(tags_of(&app, &edsger).await, ["vip"]);
}

#[backend_test]
async fn a_bulk_action_refuses_a_bad_tag_owner_or_selection_with_a_message_and_changes_nobody(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let many: Vec<String> = (1..=20).map(|i| format!("t{i}")).collect();
    let full = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("tags", &many.join(",")),
        ],
    )
    .await;
    let alan = add_person(&app, &ada, &[("first_name", "Alan")]).await;
    let both = [alan.as_str(), full.as_str()];

    let refused = [
        (&both[..], "AddTag", "", "Type the tag to add."),
        (&both[..], "AddTag", "a, b", "Add one tag at a time"),
        (
            &both[..],
            "AddTag",
            &"x".repeat(41),
            "at most 40 characters",
        ),
        (
            &both[..],
            "AddTag",
            "speaker",
            "Grace Hopper already has 20 tags",
        ),
        (
            &both[..],
            "SetOwner",
            "not-a-member",
            "Choose an owner from the workspace",
        ),
        (
            &both[..],
            "SetOwner",
            "6f1c1b7e-3f0a-4b9e-9a57-000000000000",
            "Choose an owner from the workspace",
        ),
    ];
    for (ids, action, value, message) in refused {
        let (status, body) = bulk(&app, &ada, ids, action, value).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{action} {value:?}: {body}"
        );
        assert!(
            body.contains(message),
            "{}: {action} {value:?}: {body}",
            app.label()
        );
    }
    assert!(tags_of(&app, &alan).await.is_empty(), "{}", app.label());
    assert!(stored(&app, "owner_id", &alan).await.is_some());
    assert_eq!(
        stored(&app, "CAST(version AS TEXT)", &alan)
            .await
            .as_deref(),
        Some("1")
    );

    // No selection, too large a selection, an unknown action, an id that is not one.
    let (status, _) = api(
        &app,
        "/api/records/bulk",
        &[("kind", "People"), ("action", "Delete"), ("value", "")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let too_many: Vec<String> = (0..201).map(|_| alan.clone()).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    let (status, body) = bulk(&app, &ada, &too_many, "Delete", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Select at most 200 people at a time."),
        "{body}"
    );
    let (status, _) = bulk(&app, &ada, &[&alan], "DropTable", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = bulk(&app, &ada, &[&alan, "1 OR 1=1"], "Delete", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &alan).await,
        1
    );
}

#[backend_test]
async fn a_member_of_another_workspace_cannot_tag_hand_over_or_delete_this_workspaces_people(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    let eve = add_person(&app, &mallory, &[("first_name", "Eve")]).await;
    let mallory_id = member_id(&app, "mallory@example.com").await;

    for (action, value) in [
        ("AddTag", "pwned"),
        ("SetOwner", mallory_id.as_str()),
        ("SetOwner", ""),
        ("Delete", ""),
    ] {
        // Ada's person alone, and hidden among Mallory's own: refused whole.
        for ids in [vec![grace.as_str()], vec![eve.as_str(), grace.as_str()]] {
            let (status, body) = bulk(&app, &mallory, &ids, action, value).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{}: {action}", app.label());
            assert!(!body.contains("Hopper"), "{body}");
        }
        let (status, _) = bulk(&app, "candor_session=forged", &[&grace], action, value).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Mallory cannot make herself the owner of her own people in Ada's name either way:
    // Ada is no member of her workspace.
    let ada_id = member_id(&app, "ada@example.com").await;
    let (status, _) = bulk(&app, &mallory, &[&eve], "SetOwner", &ada_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &grace).await,
        1
    );
    assert!(tags_of(&app, &grace).await.is_empty());
    assert!(tags_of(&app, &eve).await.is_empty());
    assert_eq!(
        stored(&app, "CAST(version AS TEXT)", &grace)
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(stored(&app, "owner_id", &eve).await, Some(mallory_id));
}

#[backend_test]
async fn a_note_goes_into_the_persons_timeline_and_an_empty_overlong_or_foreign_note_is_refused(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    let notes = "SELECT COUNT(*) FROM notes WHERE record_id = $1";

    let (status, body) = api(
        &app,
        "/api/records/add-note",
        &[
            ("kind", "People"),
            ("id", &grace),
            ("body", "  Met at the fair.\r\nCall in May. "),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(
        body.contains(r#""body":"Met at the fair.\nCall in May.","author":""#),
        "{body}"
    );
    assert!(body.contains("added") || body.contains("Created"), "{body}");
    let page = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    assert!(
        page.contains("Owner of Workspace A wrote a note:"),
        "{page}"
    );
    assert!(page.contains("Met at the fair.\nCall in May."), "{page}");

    for (typed, message) in [
        (" \n ".to_owned(), "Write the note first."),
        (
            "x".repeat(5_001),
            "at most 5000 characters long; this one has 5001",
        ),
        ("bell\u{7}".to_owned(), "cannot contain control characters"),
    ] {
        let (status, body) = api(
            &app,
            "/api/records/add-note",
            &[("kind", "People"), ("id", &grace), ("body", &typed)],
            &ada,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label());
        assert!(body.contains(message), "{body}");
    }
    assert_eq!(count(&app, notes, &grace).await, 1);

    // Another workspace's member, no session, an id that is not one: nothing is written.
    let (status, body) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "People"), ("id", &grace), ("body", "pwned")],
        &mallory,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("fair"), "{body}");
    let (status, _) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "People"), ("id", &grace), ("body", "pwned")],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "People"), ("id", "1 OR 1=1"), ("body", "x")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, notes, &grace).await, 1);

    // The notes go with the person.
    let (status, _) = bulk(&app, &ada, &[&grace], "Delete", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&app, notes, &grace).await, 0, "{}", app.label());
}

/// The names of the people a search finds (the list's first page).
async fn found(app: &TestApp, cookie: &str, q: &str) -> Vec<String> {
    let body: serde_json::Value =
        serde_json::from_str(&search(app, cookie, q).await).expect("json");
    body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["name"].as_str().expect("name").to_owned())
        .collect()
}

#[backend_test]
async fn search_finds_the_right_people_after_their_rows_are_renumbered_and_the_database_vacuumed(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    for (first, last) in [
        ("Ada", "Lovelace"),
        ("Grace", "Hopper"),
        ("Alan", "Turing"),
        ("Joan", "Clarke"),
    ] {
        add_person(&app, &ada, &[("first_name", first), ("last_name", last)]).await;
    }
    let gone = add_person(
        &app,
        &ada,
        &[("first_name", "Temp"), ("last_name", "Orary")],
    )
    .await;
    let (status, body) = api(
        &app,
        "/api/records/delete",
        &[("kind", "People"), ("id", &gone)],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pool = app.state.db.pool();
    if app.label() == "sqlite" {
        // What a dump and restore does to a table's implicit rowids (and VACUUM may): the rows
        // keep their data and get other numbers, here in reverse order.
        for statement in [
            "UPDATE people SET rowid = -rowid",
            "UPDATE people SET rowid = 1000 + rowid",
        ] {
            sqlx::query(statement).execute(pool).await.expect(statement);
        }
    }
    sqlx::raw_sql("VACUUM").execute(pool).await.expect("vacuum");
    for (q, expected) in [
        ("hopper", vec!["Grace Hopper"]),
        ("lovelace", vec!["Ada Lovelace"]),
        ("turing", vec!["Alan Turing"]),
        ("orary", vec![]),
    ] {
        assert_eq!(
            found(&app, &ada, q).await,
            expected,
            "{q} on {}",
            app.label()
        );
    }
    // A person added after it all is found too, and alone.
    add_person(
        &app,
        &ada,
        &[("first_name", "Mary"), ("last_name", "Kenneth Keller")],
    )
    .await;
    assert_eq!(
        found(&app, &ada, "keller").await,
        vec!["Mary Kenneth Keller"]
    );
    assert_eq!(found(&app, &ada, "clarke").await, vec!["Joan Clarke"]);
}
