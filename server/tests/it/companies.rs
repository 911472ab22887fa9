//! Companies through the real router on each backend: adding one (one per name in a workspace),
//! its domain and phone normalised, its people found by their company name and following it
//! when it is renamed, editing in the page with conflict detection, search and pages, and a
//! matrix in which a member of another workspace aims every companies endpoint at this
//! workspace's ids and gets nothing.

use axum::http::StatusCode;

use crate::people::{ada_and_mallory, add_person, api, api_ok, created_minutes_apart, every_page};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, location, post_form, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.78",
    user_agent: CHROME_ON_LINUX,
};

/// Adds a company with the form; returns its id.
pub(crate) async fn add_company(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> String {
    add_record(app, cookie, "/app/companies", fields, CLIENT).await
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
        "/api/companies/save-field",
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

/// One column of one row, which must exist.
pub(crate) async fn stored(app: &TestApp, table: &str, column: &str, id: &str) -> Option<String> {
    sqlx::query_scalar(&format!("SELECT {column} FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("row")
}

/// The companies list's first page for this search, as the page's script asks for it.
async fn search(app: &TestApp, cookie: &str, q: &str) -> String {
    search_with(app, cookie, &[("query[q]", q)]).await
}

/// The companies list's first page for these query fields.
async fn search_with(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> String {
    let (status, body) = api(app, "/api/companies/list", fields, cookie).await;
    assert_eq!(status, StatusCode::OK, "{fields:?}: {body}");
    body
}

#[backend_test]
async fn a_company_added_with_the_form_is_stored_normalised_and_gathers_the_people_who_work_there(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let grace = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("company_name", "navy labs"),
        ],
    )
    .await;
    let id = add_company(
        &app,
        &ada,
        &[
            ("name", " Navy Labs "),
            ("domain", "https://www.Navy-Labs.example/about"),
            ("phone", "+44 20 7946 0958"),
            ("city", "London"),
            ("country", "United Kingdom"),
            ("tags", "navy, research"),
        ],
    )
    .await;
    assert_eq!(
        stored(&app, "companies", "domain", &id).await.as_deref(),
        Some("navy-labs.example"),
        "{}",
        app.label()
    );
    assert_eq!(
        stored(&app, "companies", "phone", &id).await.as_deref(),
        Some("+442079460958")
    );
    // Grace, whose company was typed before it existed, is one of its people; someone added
    // afterwards with that company joins too.
    assert_eq!(
        stored(&app, "people", "company_id", &grace)
            .await
            .as_deref(),
        Some(id.as_str())
    );
    let alan = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Alan"),
            ("last_name", "Turing"),
            ("company_name", "NAVY LABS"),
        ],
    )
    .await;
    assert_eq!(
        stored(&app, "people", "company_id", &alan).await.as_deref(),
        Some(id.as_str())
    );

    let page =
        body_text(get_page(&app, &format!("/app/companies/{id}?created=1"), Some(&ada)).await)
            .await;
    for shown in [
        "Navy Labs",
        "Company added.",
        "navy-labs.example",
        // Stored in E.164, shown in international form (the workspace has no country).
        "+44 20 7946 0958",
        "Grace Hopper",
        "Alan Turing",
        &format!("/app/people/{grace}"),
        "Owner of Analytical Engines added this company.",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    // A person's page links to their company.
    let person = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    assert!(person.contains(&format!("/app/companies/{id}")), "{person}");
    // The list shows it with its people counted.
    let (status, body) = api(&app, "/api/companies/list", &[("query[q]", "")], &ada).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("\"name\":\"Navy Labs\"") && body.contains("\"people\":2"),
        "{body}"
    );
}

#[backend_test]
async fn the_form_refuses_a_missing_or_taken_name_and_a_bad_domain_or_phone_and_keeps_what_was_typed(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let response = post_form(
        &app,
        "/app/companies/new",
        &[
            ("name", "  "),
            ("domain", "ada@example.com"),
            ("phone", "020 7946 0958"),
            ("city", "Bristol"),
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
        "Enter the company",
        "Enter the domain only, like example.com, not an e-mail address.",
        "Enter the number with its country code",
        "value=\"Bristol\"",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }

    add_company(&app, &ada, &[("name", "Acme")]).await;
    let response = post_form(
        &app,
        "/app/companies/new",
        &[("name", "ACME ")],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body_text(response).await;
    assert!(
        page.contains("A company called \u{201c}ACME\u{201d} is already in this workspace."),
        "{page}"
    );
    let companies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM companies")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(companies, 1);
}

#[backend_test]
async fn an_edit_in_the_page_is_saved_logged_a_stale_edit_is_refused_and_a_new_name_follows_to_its_people(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    let grace = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("company_name", "Navy Labs"),
        ],
    )
    .await;

    let (status, body) = save(&app, &ada, &id, "City", "Arlington", "", "1").await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(body.contains("\"version\":2"), "{body}");

    // A page loaded at version 1 changes the same field: refused with the value it would
    // overwrite; another field it may still change.
    let (status, body) = save(&app, &ada, &id, "City", "Boston", "", "1").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("Someone else changed city to \u{201c}Arlington\u{201d}"),
        "{body}"
    );
    assert_eq!(
        stored(&app, "companies", "city", &id).await.as_deref(),
        Some("Arlington")
    );
    let (status, body) = save(&app, &ada, &id, "Domain", "navy.example", "", "1").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Invalid values are refused beside their field, in words.
    for (field, value, message) in [
        ("Domain", "navy", "Enter a domain like example.com."),
        ("Phone", "555-0199", "country code"),
        ("Name", "", "Enter the company"),
        (
            "Owner",
            "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
            "Choose an owner from the workspace",
        ),
    ] {
        let (status, body) = save(&app, &ada, &id, field, value, "", "3").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(body.contains(message), "{field}: {body}");
    }
    let (status, _) = save(&app, &ada, &id, "WorkspaceId", "x", "", "3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no such field");

    // Another company cannot take its name.
    let other = add_company(&app, &ada, &[("name", "Harvard Mark")]).await;
    let (status, body) = save(&app, &ada, &other, "Name", "navy labs", "", "1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("is already in this workspace"), "{body}");

    // Renamed, it stays Grace's company, and her page and timeline say so.
    let (status, body) = save(&app, &ada, &id, "Name", "Naval Research Lab", "", "3").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&app, "people", "company_name", &grace)
            .await
            .as_deref(),
        Some("Naval Research Lab")
    );
    let person = api_ok(&app, "/api/people/load", &[("id", &grace)], &ada).await;
    assert!(
        person.contains(
            "\"field\":\"company_name\",\"old\":\"Navy Labs\",\"new\":\"Naval Research Lab\""
        ),
        "{person}"
    );
    // And the person is found by the new name.
    let found = api_ok(
        &app,
        "/api/people/list",
        &[("query[q]", "naval research")],
        &ada,
    )
    .await;
    assert!(found.contains("Hopper"), "{found}");

    let record = api_ok(&app, "/api/companies/load", &[("id", &id)], &ada).await;
    for change in [
        "\"field\":\"city\",\"old\":\"\",\"new\":\"Arlington\"",
        "\"field\":\"domain\",\"old\":\"\",\"new\":\"navy.example\"",
        "\"field\":\"name\",\"old\":\"Navy Labs\",\"new\":\"Naval Research Lab\"",
    ] {
        assert!(record.contains(change), "{change}: {record}");
    }
    // A person whose company name changes away leaves it.
    let (status, _) = api(
        &app,
        "/api/people/save-field",
        &[
            ("id", &grace),
            ("field", "Company"),
            ("value", "Freelance"),
            ("base", "Naval Research Lab"),
            ("version", "2"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored(&app, "people", "company_id", &grace).await, None);
}

#[backend_test]
async fn search_finds_companies_by_part_of_a_name_domain_phone_or_place_filters_by_owner_and_pages_through_all_by_name_or_newest(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    add_company(
        &app,
        &ada,
        &[
            ("name", "Analytical Engines"),
            ("domain", "engines.example"),
            ("phone", "+44 20 7946 0958"),
            ("city", "London"),
        ],
    )
    .await;
    add_company(
        &app,
        &ada,
        &[("name", "Difference Ltd"), ("city", "Cambridge")],
    )
    .await;
    for q in ["lytical", "ENGINES.EX", "7946", "london"] {
        let body = search(&app, &ada, q).await;
        assert!(
            body.contains("Analytical Engines") && !body.contains("Difference"),
            "{q}: {body}"
        );
    }
    let body = search(&app, &ada, "100%_").await;
    assert!(
        body.contains("\"rows\":[]"),
        "LIKE's wildcards are searched as text: {body}"
    );

    // 60 more: two pages of 50, each company once, in name order.
    let companies: Vec<String> = (0..60).map(|n| format!("Company {n:02}")).collect();
    for name in &companies {
        add_company(&app, &ada, &[("name", name)]).await;
    }
    created_minutes_apart(&app, "companies", "name", &companies).await;
    let names_in = |sort: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let fields = [("query[sort]", sort)];
            every_page(app, ada, "/api/companies/list", &fields, ("rows", "name"))
                .await
                .0
        }
    };
    let names = names_in("").await;
    assert_eq!(names.len(), 62, "{}", app.label());
    let mut sorted = names.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(names, sorted);

    // Newest first: the two added today, then the sixty from the latest back.
    let newest = names_in("newest").await;
    assert_eq!(newest.len(), 62, "{}", app.label());
    let mut first_two = newest[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, ["Analytical Engines", "Difference Ltd"]);
    let expected: Vec<String> = companies.into_iter().rev().collect();
    assert_eq!(newest[2..], expected[..]);
    // An order the list does not offer shows it by name.
    assert_eq!(names_in("close").await, names);

    // By owner: Ada's (whoever adds a company owns it), nobody else's, or a message.
    sqlx::query("UPDATE companies SET owner_id = NULL WHERE name = 'Difference Ltd'")
        .execute(app.state.db.pool())
        .await
        .expect("owner");
    let me = crate::support::member_id(&app, "ada@example.com").await;
    let fields = [("query[owner]", me.as_str())];
    let (owned, _) = every_page(&app, &ada, "/api/companies/list", &fields, ("rows", "name")).await;
    assert_eq!(owned.len(), 61, "{}", app.label());
    assert!(!owned.contains(&"Difference Ltd".to_owned()));
    let stranger = [("query[owner]", "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10")];
    let body = search_with(&app, &ada, &stranger).await;
    assert!(
        body.contains(
            "That owner is not a member of this workspace. The list below shows every owner's companies."
        ),
        "{body}"
    );
    let (everyone, _) = every_page(
        &app,
        &ada,
        "/api/companies/list",
        &stranger,
        ("rows", "name"),
    )
    .await;
    assert_eq!(everyone.len(), 62, "the list shows every owner's");
    let (status, body) = api(&app, "/api/companies/list", &[("query[after]", "zz")], &ada).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("This page link is no longer valid"), "{body}");
}

#[backend_test]
async fn a_member_of_another_workspace_can_neither_see_nor_change_this_workspaces_companies(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let id = add_company(
        &app,
        &ada,
        &[("name", "Navy Labs"), ("domain", "navy.example")],
    )
    .await;

    let page = get_page(&app, &format!("/app/companies/{id}"), Some(&mallory)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "{}", app.label());
    assert!(!body_text(page).await.contains("Navy Labs"));
    let (status, body) = api(&app, "/api/companies/load", &[("id", &id)], &mallory).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Navy"));
    let (status, _) = save(&app, &mallory, &id, "Name", "Pwned", "Navy Labs", "1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        stored(&app, "companies", "name", &id).await.as_deref(),
        Some("Navy Labs")
    );
    for q in ["", "navy", "navy.example"] {
        let body = search(&app, &mallory, q).await;
        assert!(!body.contains("Navy"), "{q:?}: {body}");
    }
    // Mallory may use the same name in her own workspace, and her people never join Ada's
    // company.
    let theirs = add_company(&app, &mallory, &[("name", "Navy Labs")]).await;
    assert_ne!(theirs, id);
    let eve = add_person(
        &app,
        &mallory,
        &[("first_name", "Eve"), ("company_name", "Navy Labs")],
    )
    .await;
    assert_eq!(
        stored(&app, "people", "company_id", &eve).await.as_deref(),
        Some(theirs.as_str())
    );
    let (status, record) = api(&app, "/api/companies/load", &[("id", &id)], &ada).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert!(
        record.contains("Navy Labs"),
        "Ada's company loads: {record}"
    );
    assert!(!record.contains("Eve"), "{record}");

    // Without a session: nothing, and the form asks to log in.
    let (status, _) = api(
        &app,
        "/api/companies/list",
        &[("query[q]", "")],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = save(
        &app,
        "candor_session=forged",
        &id,
        "Name",
        "Pwned",
        "Navy Labs",
        "1",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = post_form(
        &app,
        "/app/companies/new",
        &[("name", "Evil")],
        None,
        CLIENT,
    )
    .await;
    assert_eq!(location(&response), "/login?next=/app/companies/new");
}

#[backend_test]
async fn the_seed_adds_each_company_once_and_its_people_work_there(app: TestApp) {
    sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    let first = crm_backend::seed::seed_people(&app.state.db, workspace, 300, 7)
        .await
        .expect("seeded");
    let again = crm_backend::seed::seed_people(&app.state.db, workspace, 10, 8)
        .await
        .expect("seeded again");
    assert!(first.companies > 100, "{first:?}");
    assert_eq!(
        again.companies,
        0,
        "{}: the companies are reused",
        app.label()
    );
    let pool = app.state.db.pool();
    let companies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM companies")
        .fetch_one(pool)
        .await
        .expect("count");
    assert_eq!(companies, first.companies as i64);
    // Every seeded person works at the company their company name names.
    let unlinked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people p LEFT JOIN companies c ON c.id = p.company_id
             WHERE c.id IS NULL OR c.name <> p.company_name",
    )
    .fetch_one(pool)
    .await
    .expect("count");
    assert_eq!(unlinked, 0);
}

#[backend_test]
async fn a_note_on_a_company_goes_into_its_timeline_and_a_bad_or_foreign_note_is_refused(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let id = add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    let (status, body) = api(
        &app,
        "/api/records/add-note",
        &[
            ("kind", "Companies"),
            ("id", &id),
            ("body", " Visited their lab. "),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(
        body.contains(r#""body":"Visited their lab.","author":""#)
            && body.contains(r#""edited_at":null"#),
        "{body}"
    );
    let page = body_text(get_page(&app, &format!("/app/companies/{id}"), Some(&ada)).await).await;
    assert!(
        page.contains("Owner of Workspace A wrote a note:") && page.contains("Visited their lab."),
        "{page}"
    );

    let (status, body) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "Companies"), ("id", &id), ("body", " ")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Write the note first."), "{body}");
    // Another workspace's member, a company's id sent as a person's, no session: nothing.
    let (status, _) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "Companies"), ("id", &id), ("body", "pwned")],
        &mallory,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "People"), ("id", &id), ("body", "pwned")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api(
        &app,
        "/api/records/add-note",
        &[("kind", "Companies"), ("id", &id), ("body", "pwned")],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let notes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notes WHERE record_id = $1")
        .bind(&id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(notes, 1);
}
