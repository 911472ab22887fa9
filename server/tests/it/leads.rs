//! Leads through the real router on each backend: adding one by hand (normalised, or refused
//! with what to fix), editing in the page with conflict detection, search, filters and pages,
//! conversion into a new person and company with the marketing choice made on the form, or into
//! the person who already has its e-mail address (without a duplicate), and a matrix in which a
//! member of another workspace aims every leads endpoint at this workspace's ids and gets
//! nothing.

use axum::http::StatusCode;

use crate::companies::add_company;
use crate::people::{ada_and_mallory, add_person, api, api_ok, every_page};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, location, post_form, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.79",
    user_agent: CHROME_ON_LINUX,
};

/// Adds a lead with the form; returns its id.
pub(crate) async fn add_lead(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> String {
    add_record(app, cookie, "/app/leads", fields, CLIENT).await
}

async fn stored(app: &TestApp, table: &str, column: &str, id: &str) -> Option<String> {
    sqlx::query_scalar(&format!("SELECT {column} FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("row")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

/// Gives a lead the marketing choice a public form records: yes or no, made `at`, beside the
/// current policy version.
async fn chose_marketing(app: &TestApp, lead: &str, consented: bool, at: i64) {
    sqlx::query(
        "UPDATE leads SET marketing_consent = $1, marketing_consent_at = $2,
                policy_version = (SELECT MAX(version) FROM policy_versions)
         WHERE id = $3",
    )
    .bind(i64::from(consented))
    .bind(at)
    .bind(lead)
    .execute(app.state.db.pool())
    .await
    .expect("marketing choice");
}

async fn convert(
    app: &TestApp,
    cookie: &str,
    id: &str,
    version: &str,
    add_company: bool,
) -> (StatusCode, String) {
    api(
        app,
        "/api/leads/convert",
        &[
            ("id", id),
            ("version", version),
            (
                "choice[add_company]",
                if add_company { "true" } else { "false" },
            ),
        ],
        cookie,
    )
    .await
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
        "/api/leads/save-field",
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

#[backend_test]
async fn a_lead_added_with_the_form_is_stored_normalised_and_a_bad_one_is_refused_with_what_to_fix(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_lead(
        &app,
        &ada,
        &[
            ("name", " Grace Hopper "),
            ("email", " Grace@Navy.EXAMPLE "),
            ("company_name", "Navy Labs"),
            ("phone", "+44 20 7946 0958"),
            ("source", "Referral"),
        ],
    )
    .await;
    assert_eq!(
        stored(&app, "leads", "email", &id).await.as_deref(),
        Some("Grace@navy.example"),
        "{}",
        app.label()
    );
    assert_eq!(
        stored(&app, "leads", "phone", &id).await.as_deref(),
        Some("+442079460958")
    );
    assert_eq!(
        stored(&app, "leads", "source", &id).await.as_deref(),
        Some("Referral")
    );
    let page =
        body_text(get_page(&app, &format!("/app/leads/{id}?created=1"), Some(&ada)).await).await;
    for shown in [
        "Grace Hopper",
        "Lead added.",
        "Navy Labs",
        "Referral",
        "Convert this lead",
    ] {
        assert!(page.contains(shown), "{shown}");
    }

    let response = post_form(
        &app,
        "/app/leads/new",
        &[
            ("name", ""),
            ("email", "grace@"),
            ("company_name", "Navy Labs"),
            ("phone", "020 7946 0958"),
            ("source", "Cold call"),
        ],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body_text(response).await;
    for message in [
        "Enter the lead's name.",
        "Enter an e-mail address like name@example.com.",
        "country code",
        "Choose one of the sources.",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    assert!(page.contains("value=\"Navy Labs\""), "what was typed stays");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM leads").await, 1);
}

#[backend_test]
async fn an_edit_to_a_lead_is_saved_in_its_timeline_and_a_stale_one_is_refused_with_the_other_value(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_lead(
        &app,
        &ada,
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@navy.example"),
            ("source", "Event"),
        ],
    )
    .await;
    let (status, body) = save(&app, &ada, &id, "Status", "contacted", "new", "1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("\"field\":\"status\",\"old\":\"New\",\"new\":\"Contacted\""),
        "{body}"
    );
    // A page still at version 1 changes the status: refused, with the value it would replace.
    let (status, body) = save(&app, &ada, &id, "Status", "unqualified", "new", "1").await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(body.contains("\u{201c}Contacted\u{201d}"), "{body}");
    // Another field, untouched meanwhile, is saved from the same page.
    let (status, _) = save(&app, &ada, &id, "Phone", "+1 202 555 0143", "", "1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stored(&app, "leads", "phone", &id).await.as_deref(),
        Some("+12025550143")
    );
    // Bad values are refused with what to type, and nothing changes.
    for (field, value, message) in [
        ("Status", "won", "Choose one of the statuses."),
        ("Email", "", "converting a lead matches people by it"),
        ("Phone", "555 0143", "country code"),
    ] {
        let (status, body) = save(&app, &ada, &id, field, value, "", "3").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(body.contains(message), "{field}: {body}");
    }
    assert_eq!(
        stored(&app, "leads", "status", &id).await.as_deref(),
        Some("contacted")
    );
}

#[backend_test]
async fn converting_a_lead_adds_a_person_and_its_company_with_the_marketing_choice_and_tells_each_timeline(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_lead(
        &app,
        &ada,
        &[
            ("name", "Grace Brewster Hopper"),
            ("email", "grace@navy.example"),
            ("company_name", "Navy Labs"),
            ("phone", "+44 20 7946 0958"),
            ("source", "Request a Demo"),
        ],
    )
    .await;
    chose_marketing(&app, &id, true, 1_700_000_000_000).await;
    let before = api_ok(&app, "/api/leads/load", &[("id", &id)], &ada).await;
    assert!(before.contains("\"matching_person\":null"), "{before}");
    assert!(before.contains("\"matching_company\":null"), "{before}");

    let (status, body) = convert(&app, &ada, &id, "1", true).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(body.contains("\"matched\":false"), "{body}");
    let person = stored(&app, "leads", "person_id", &id)
        .await
        .expect("person");
    let company = stored(&app, "leads", "company_id", &id)
        .await
        .expect("company");
    for (column, value) in [
        ("first_name", "Grace"),
        ("last_name", "Brewster Hopper"),
        ("email", "grace@navy.example"),
        ("phone", "+442079460958"),
        ("company_name", "Navy Labs"),
        ("company_id", company.as_str()),
        ("source", "Lead: Request a Demo"),
        ("marketing_permission", "granted"),
    ] {
        assert_eq!(
            stored(&app, "people", column, &person).await.as_deref(),
            Some(value),
            "{column}"
        );
    }
    let how = stored(&app, "people", "marketing_permission_how", &person)
        .await
        .unwrap_or_default();
    assert!(
        how.starts_with("Chosen on the Request a Demo form, beside privacy policy version "),
        "{how}"
    );
    let at: Option<i64> =
        sqlx::query_scalar("SELECT marketing_permission_at FROM people WHERE id = $1")
            .bind(&person)
            .fetch_one(app.state.db.pool())
            .await
            .expect("when");
    assert_eq!(
        at,
        Some(1_700_000_000_000),
        "when she chose, not when converted"
    );
    assert_eq!(
        stored(&app, "companies", "name", &company).await.as_deref(),
        Some("Navy Labs")
    );

    // Each record's timeline tells the conversion, linking the other.
    let lead_page = api_ok(&app, "/api/leads/load", &[("id", &id)], &ada).await;
    assert!(
        lead_page.contains(&format!(
            "\"Converted\":{{\"role\":\"IntoPerson\",\"id\":\"{person}\",\"name\":\"Grace Brewster Hopper\"}}"
        )),
        "{lead_page}"
    );
    assert!(lead_page.contains("\"IntoCompany\""), "{lead_page}");
    let person_page = api_ok(&app, "/api/people/load", &[("id", &person)], &ada).await;
    assert!(
        person_page.contains(&format!(
            "\"Converted\":{{\"role\":\"FromLead\",\"id\":\"{id}\",\"name\":\"Grace Brewster Hopper\"}}"
        )),
        "{person_page}"
    );
    let company_page = api_ok(&app, "/api/companies/load", &[("id", &company)], &ada).await;
    assert!(company_page.contains("\"FromLead\""), "{company_page}");
    assert!(
        company_page.contains("Brewster Hopper"),
        "its person is listed"
    );
    let html = body_text(get_page(&app, &format!("/app/leads/{id}"), Some(&ada)).await).await;
    assert!(
        html.contains("Converted into"),
        "the page says what it became"
    );
    assert!(html.contains(&format!("href=\"/app/people/{person}\"")));

    // Converting twice is refused and adds nobody.
    let (status, body) = convert(&app, &ada, &id, "2", true).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("already converted into Grace Brewster Hopper"),
        "{body}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM companies").await, 1);
}

#[backend_test]
async fn converting_a_lead_links_the_person_with_its_email_address_and_adds_no_duplicate(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let company = add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    let grace = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "grace@navy.example"),
        ],
    )
    .await;
    let id = add_lead(
        &app,
        &ada,
        &[
            ("name", "G. Hopper"),
            ("email", "GRACE@Navy.example"),
            ("company_name", "navy labs"),
            ("phone", "+1 202 555 0143"),
            ("source", "Website"),
        ],
    )
    .await;
    // She said no to marketing e-mail on the form, after nothing was recorded for her.
    chose_marketing(&app, &id, false, 1_700_000_000_000).await;
    let before = api_ok(&app, "/api/leads/load", &[("id", &id)], &ada).await;
    assert!(
        before.contains(&format!(
            "\"matching_person\":{{\"id\":\"{grace}\",\"name\":\"Grace Hopper\"}}"
        )),
        "{before}"
    );
    assert!(
        before.contains(&format!("\"matching_company\":{{\"id\":\"{company}\"")),
        "{before}"
    );

    // A page that has not seen the latest edit does not convert blind.
    let (status, _) = save(&app, &ada, &id, "Status", "qualified", "new", "1").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = convert(&app, &ada, &id, "1", true).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(body.contains("changed since you opened it"), "{body}");
    assert_eq!(stored(&app, "leads", "person_id", &id).await, None);

    let (status, body) = convert(&app, &ada, &id, "2", true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"matched\":true"), "{body}");
    assert_eq!(
        stored(&app, "leads", "person_id", &id).await.as_deref(),
        Some(grace.as_str())
    );
    assert_eq!(
        stored(&app, "leads", "company_id", &id).await.as_deref(),
        Some(company.as_str())
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM people").await,
        1,
        "no duplicate"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM companies").await, 1);
    // Her fields stay as they were; her newer refusal is taken, and her timeline says so.
    assert_eq!(
        stored(&app, "people", "first_name", &grace)
            .await
            .as_deref(),
        Some("Grace")
    );
    assert_eq!(stored(&app, "people", "phone", &grace).await, None);
    assert_eq!(
        stored(&app, "people", "marketing_permission", &grace)
            .await
            .as_deref(),
        Some("refused")
    );
    let person_page = api_ok(&app, "/api/people/load", &[("id", &grace)], &ada).await;
    assert!(person_page.contains("\"MatchedLead\""), "{person_page}");
    assert!(
        person_page.contains(
            "\"field\":\"marketing_permission\",\"old\":\"Not asked yet\",\"new\":\"Refused\""
        ),
        "{person_page}"
    );
    let lead_page = api_ok(&app, "/api/leads/load", &[("id", &id)], &ada).await;
    assert!(lead_page.contains("\"MatchedPerson\""), "{lead_page}");
    assert!(
        !lead_page.contains("\"IntoCompany\""),
        "no company was added"
    );
}

#[backend_test]
async fn a_lead_whose_phone_has_no_country_code_converts_without_it_and_says_so(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_lead(
        &app,
        &ada,
        &[
            ("name", "Alan"),
            ("email", "alan@example.com"),
            ("source", "Other"),
        ],
    )
    .await;
    // As the public demo form keeps it: typed, without a country code.
    sqlx::query("UPDATE leads SET phone = '020 7946 0958' WHERE id = $1")
        .bind(&id)
        .execute(app.state.db.pool())
        .await
        .expect("phone");
    let (status, body) = convert(&app, &ada, &id, "1", false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("\"phone_not_copied\":\"020 7946 0958\""),
        "{body}"
    );
    let person = stored(&app, "leads", "person_id", &id)
        .await
        .expect("person");
    assert_eq!(stored(&app, "people", "phone", &person).await, None);
    assert_eq!(
        stored(&app, "people", "last_name", &person)
            .await
            .as_deref(),
        Some("")
    );
    assert_eq!(
        stored(&app, "leads", "phone", &id).await.as_deref(),
        Some("020 7946 0958"),
        "the lead keeps it"
    );
}

#[backend_test]
async fn search_and_filters_find_leads_by_name_email_company_phone_status_and_owner_and_page_through_all_in_either_order(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let grace = add_lead(
        &app,
        &ada,
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@navy.example"),
            ("company_name", "Navy Labs"),
            ("phone", "+44 20 7946 0958"),
            ("source", "Event"),
        ],
    )
    .await;
    save(&app, &ada, &grace, "Status", "qualified", "new", "1").await;
    add_lead(
        &app,
        &ada,
        &[
            ("name", "Alan Turing"),
            ("email", "alan@bletchley.example"),
            ("source", "Other"),
        ],
    )
    .await;
    let list = |query: Vec<(&'static str, String)>| {
        let app = &app;
        let ada = &ada;
        async move {
            let fields: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, body) = api(app, "/api/leads/list", &fields, ada).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    for q in ["hopp", "NAVY.EX", "navy labs", "7946"] {
        let body = list(vec![("query[q]", q.to_owned())]).await;
        assert!(
            body.contains("Grace Hopper") && !body.contains("Alan"),
            "{q}: {body}"
        );
    }
    let body = list(vec![("query[status]", "qualified".to_owned())]).await;
    assert!(body.contains("Grace") && !body.contains("Alan"), "{body}");
    let body = list(vec![("query[status]", "won".to_owned())]).await;
    assert!(body.contains("There is no such status"), "{body}");
    assert!(body.contains("Alan") && body.contains("Grace"), "{body}");
    let me = crate::support::member_id(&app, "ada@example.com").await;
    let body = list(vec![("query[owner]", me)]).await;
    assert!(body.contains("Alan") && body.contains("Grace"), "{body}");
    let body = list(vec![("query[owner]", "someone".to_owned())]).await;
    assert!(body.contains("not a member of this workspace"), "{body}");

    // 55 more: two pages, each lead once, newest first.
    for n in 0..55 {
        add_lead(
            &app,
            &ada,
            &[
                ("name", &format!("Lead {n:02}")),
                ("email", &format!("lead{n}@example.com")),
                ("source", "Other"),
            ],
        )
        .await;
    }
    // Every page of the list in `sort`, and the link to the second page.
    let names_in = |sort: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let fields = [("query[sort]", sort)];
            let (names, second) =
                every_page(app, ada, "/api/leads/list", &fields, ("rows", "name")).await;
            (names, second.expect("a second page"))
        }
    };
    let (names, _) = names_in("").await;
    assert_eq!(names.len(), 57, "{}", app.label());
    assert_eq!(names[0], "Lead 54", "newest first");
    assert_eq!(names[56], "Grace Hopper");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 57);

    // By name: the same leads, A to Z, over the same two pages.
    let (by_name, second) = names_in("name").await;
    let mut expected = names.clone();
    expected.sort_by_key(|name| name.to_lowercase());
    assert_eq!(by_name, expected, "{}", app.label());
    assert_eq!(by_name[0], "Alan Turing");
    // A page link of the order by name, used in the newest-first list, is an old link.
    let body = list(vec![("query[after]", second)]).await;
    assert!(body.contains("This page link is no longer valid"), "{body}");
    let body = list(vec![("query[after]", "zz".to_owned())]).await;
    assert!(body.contains("This page link is no longer valid"), "{body}");
}

#[backend_test]
async fn a_member_of_another_workspace_can_neither_see_change_nor_convert_this_workspaces_leads(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let id = add_lead(
        &app,
        &ada,
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@navy.example"),
            ("source", "Event"),
        ],
    )
    .await;
    // Mallory has a person with the same address: converting is still Ada's alone.
    add_person(
        &app,
        &mallory,
        &[("first_name", "Eve"), ("email", "grace@navy.example")],
    )
    .await;

    let page = get_page(&app, &format!("/app/leads/{id}"), Some(&mallory)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "{}", app.label());
    assert!(!body_text(page).await.contains("Grace"));
    for (endpoint, fields) in [
        ("/api/leads/load", vec![("id", id.as_str())]),
        (
            "/api/leads/save-field",
            vec![
                ("id", id.as_str()),
                ("field", "Name"),
                ("value", "Pwned"),
                ("base", "Grace Hopper"),
                ("version", "1"),
            ],
        ),
        (
            "/api/leads/convert",
            vec![
                ("id", id.as_str()),
                ("version", "1"),
                ("choice[add_company]", "true"),
            ],
        ),
        (
            "/api/records/add-note",
            vec![
                ("kind", "Leads"),
                ("id", id.as_str()),
                ("body", "Mallory was here"),
            ],
        ),
    ] {
        let (status, body) = api(&app, endpoint, &fields, &mallory).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {body}");
        assert!(!body.contains("Grace"), "{endpoint}: {body}");
    }
    let body = api_ok(&app, "/api/leads/list", &[("query[q]", "grace")], &mallory).await;
    assert!(!body.contains("Grace"), "{body}");
    assert_eq!(
        stored(&app, "leads", "name", &id).await.as_deref(),
        Some("Grace Hopper")
    );
    assert_eq!(stored(&app, "leads", "person_id", &id).await, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notes").await, 0);

    // Without a session: nothing, and the form asks to log in.
    let (status, _) = api(
        &app,
        "/api/leads/convert",
        &[
            ("id", &id),
            ("version", "1"),
            ("choice[add_company]", "false"),
        ],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = post_form(
        &app,
        "/app/leads/new",
        &[("name", "Evil"), ("email", "evil@example.com")],
        None,
        CLIENT,
    )
    .await;
    assert_eq!(location(&response), "/login?next=/app/leads/new");
}

#[backend_test]
async fn the_seed_adds_a_lead_for_every_ten_people_in_every_status_and_an_opportunity_for_every_twenty(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let workspace = crm_backend::seed::workspace_named(&app.state.db, "Analytical Engines")
        .await
        .expect("workspace");
    let report = crm_backend::seed::seed_people(&app.state.db, workspace, 300, 7)
        .await
        .expect("seeded");
    assert_eq!(report.leads, 30, "{}", app.label());
    assert_eq!(report.opportunities, 15);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM opportunities").await, 15);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM opportunities WHERE company_id IS NULL"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM leads").await, 30);
    assert_eq!(
        count(&app, "SELECT COUNT(DISTINCT status) FROM leads").await,
        4
    );
    let name: String = sqlx::query_scalar("SELECT name FROM leads ORDER BY id LIMIT 1")
        .fetch_one(app.state.db.pool())
        .await
        .expect("a lead");
    let (status, body) = api(&app, "/api/leads/list", &[("query[q]", &name)], &ada).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&name), "{name}: {body}");
}
