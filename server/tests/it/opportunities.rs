//! Opportunities through the real router on each backend: adding one (amount in minor units,
//! close date and company checked, or refused with what to fix), the default pipeline, moving
//! across stages with the move in the timeline and a stale move refused, editing in the page
//! with conflict detection, people added by e-mail address, renaming and reordering stages, the
//! board's value per stage, the list's search and filters, the dashboard's chart, and a matrix
//! in which a member of another workspace aims every endpoint at this workspace's ids and gets
//! nothing.

use axum::http::StatusCode;
use serde_json::Value;

use crate::companies::add_company;
use crate::people::{ada_and_mallory, add_person, api, created_minutes_apart, every_page};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, location, post_form, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text, member_id};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.80",
    user_agent: CHROME_ON_LINUX,
};

/// Adds an opportunity with the form; returns its id.
pub(crate) async fn add_opportunity(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
) -> String {
    add_record(app, cookie, "/app/opportunities", fields, CLIENT).await
}

/// A server function's JSON answer, which must be a success.
async fn call(app: &TestApp, cookie: &str, endpoint: &str, fields: &[(&str, &str)]) -> Value {
    let (status, body) = api(app, endpoint, fields, cookie).await;
    assert_eq!(status, StatusCode::OK, "{} {endpoint}: {body}", app.label());
    serde_json::from_str(&body).expect("json")
}

async fn load(app: &TestApp, cookie: &str, id: &str) -> Value {
    call(app, cookie, "/api/opportunities/load", &[("id", id)]).await
}

/// The pipeline's stages as (id, name), in order.
async fn stages(app: &TestApp, cookie: &str) -> Vec<(String, String)> {
    let pipeline = call(app, cookie, "/api/opportunities/stages", &[]).await;
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().expect("id").to_owned(),
                s["name"].as_str().expect("name").to_owned(),
            )
        })
        .collect()
}

fn stage_id(stages: &[(String, String)], name: &str) -> String {
    stages
        .iter()
        .find(|(_, n)| n == name)
        .unwrap_or_else(|| panic!("no stage {name}"))
        .0
        .clone()
}

async fn move_to(
    app: &TestApp,
    cookie: &str,
    id: &str,
    to: &str,
    from: &str,
) -> (StatusCode, String) {
    api(
        app,
        "/api/opportunities/move",
        &[("id", id), ("to", to), ("from", from)],
        cookie,
    )
    .await
}

async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

#[backend_test]
async fn an_opportunity_added_with_the_form_keeps_its_amount_in_minor_units_and_starts_in_the_first_stage(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let acme = add_company(&app, &ada, &[("name", "Acme")]).await;
    let id = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Acme renewal"),
            ("currency", "USD"),
            ("amount", "12,500.5"),
            ("close_on", "2027-03-31"),
            ("company", "acme"),
        ],
    )
    .await;
    let record = load(&app, &ada, &id).await;
    let opportunity = &record["opportunity"];
    assert_eq!(opportunity["name"], "Acme renewal");
    assert_eq!(opportunity["amount"]["minor"], 1_250_050);
    assert_eq!(opportunity["amount"]["currency"], "USD");
    assert_eq!(opportunity["close_on"], "2027-03-31");
    assert_eq!(opportunity["company_id"], acme.as_str());
    assert_eq!(opportunity["company_name"], "Acme");
    assert_eq!(opportunity["stage"]["name"], "Lead");
    let names: Vec<String> = stages(&app, &ada).await.into_iter().map(|s| s.1).collect();
    assert_eq!(
        names,
        [
            "Lead",
            "Qualified",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    assert_eq!(record["timeline"][0]["event"], "Created");

    let page =
        body_text(get_page(&app, &format!("/app/opportunities/{id}"), Some(&ada)).await).await;
    assert!(page.contains("$12,500.50"), "{page}");
    assert!(page.contains("31 March 2027"), "{page}");
}

#[backend_test]
async fn the_form_refuses_each_bad_field_with_what_to_fix_and_keeps_what_was_typed(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let response = post_form(
        &app,
        "/app/opportunities/new",
        &[
            ("name", " "),
            ("currency", "XYZ"),
            ("amount", "-5"),
            ("close_on", "2027-02-30"),
            ("company", "Nobody Ltd"),
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
        "Enter the opportunity",
        "Choose one of the listed currencies.",
        "Enter a real date as YYYY-MM-DD",
        "No company called \u{201c}Nobody Ltd\u{201d} is in this workspace.",
        "value=\"Nobody Ltd\"",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    let response = post_form(
        &app,
        "/app/opportunities/new",
        &[
            ("name", "Yen deal"),
            ("currency", "JPY"),
            ("amount", "1000.50"),
            ("close_on", "2027-01-01"),
        ],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body_text(response).await;
    assert!(
        page.contains("JPY amounts have no decimal places."),
        "{page}"
    );
    let response = post_form(
        &app,
        "/app/opportunities/new",
        &[
            ("name", "Huge"),
            ("amount", &"9".repeat(40)),
            ("close_on", "2027-01-01"),
        ],
        Some(&ada),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(response)
            .await
            .contains("Enter an amount under 1,000,000,000,000.")
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM opportunities")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(stored, 0);
}

#[backend_test]
async fn moving_across_stages_is_told_in_the_timeline_and_a_move_from_a_stale_stage_is_refused(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Pilot"),
            ("amount", "1000"),
            ("close_on", "2027-01-15"),
        ],
    )
    .await;
    let pipeline = stages(&app, &ada).await;
    let (lead, qualified, proposal) = (
        stage_id(&pipeline, "Lead"),
        stage_id(&pipeline, "Qualified"),
        stage_id(&pipeline, "Proposal"),
    );
    let (status, body) = move_to(&app, &ada, &id, &qualified, &lead).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let record: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(record["opportunity"]["stage"]["name"], "Qualified");
    let moved = &record["timeline"][0]["event"]["Changed"];
    assert_eq!(moved["field"], "stage");
    assert_eq!(moved["old"], "Lead");
    assert_eq!(moved["new"], "Qualified");

    // A second page still shows it in Lead: its move is refused, naming where it is.
    let (status, body) = move_to(&app, &ada, &id, &proposal, &lead).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body.contains("moved this opportunity to \u{201c}Qualified\u{201d}"),
        "{body}"
    );
    assert_eq!(
        load(&app, &ada, &id).await["opportunity"]["stage"]["name"],
        "Qualified"
    );

    // A stage that is not this pipeline's, or no stage at all.
    let (status, body) = move_to(
        &app,
        &ada,
        &id,
        &uuid::Uuid::new_v4().to_string(),
        &qualified,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Choose one of this pipeline"), "{body}");
    let (status, _) = move_to(&app, &ada, &id, "lead", &qualified).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[backend_test]
async fn an_edit_is_saved_in_the_timeline_and_a_stale_one_is_refused_with_the_other_value(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    add_company(&app, &ada, &[("name", "Initech")]).await;
    let id = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Pilot"),
            ("amount", "1000"),
            ("close_on", "2027-01-15"),
        ],
    )
    .await;
    let save =
        |field: &'static str, value: &'static str, base: &'static str, version: &'static str| {
            let (app, ada, id) = (&app, &ada, &id);
            async move {
                api(
                    app,
                    "/api/opportunities/save-field",
                    &[
                        ("id", id.as_str()),
                        ("field", field),
                        ("value", value),
                        ("base", base),
                        ("version", version),
                    ],
                    ada,
                )
                .await
            }
        };
    let (status, body) = save("Amount", "2,500.75", "1000.00", "1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let record: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(record["opportunity"]["amount"]["minor"], 250_075);
    let changed = &record["timeline"][0]["event"]["Changed"];
    assert_eq!(changed["old"], "€1,000.00");
    assert_eq!(changed["new"], "€2,500.75");

    // Another page, still at version 1, changes the amount it saw as 1000.00: refused.
    let (status, body) = save("Amount", "9", "1000.00", "1").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("\u{201c}€2,500.75\u{201d}"), "{body}");
    // ...but a different field it started from untouched goes ahead.
    let (status, body) = save("Company", "initech", "", "1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"company_name\":\"Initech\""), "{body}");

    for (field, value, message) in [
        ("Company", "Umbrella", "No company called"),
        ("CloseOn", "tomorrow", "Enter a real date"),
        ("Amount", "12.345", "Use at most 2 decimal places."),
        ("Currency", "BTC", "Choose one of the listed currencies."),
        ("Name", "", "Enter the opportunity"),
    ] {
        let (status, body) = save(field, value, "", "3").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert!(body.contains(message), "{field}: {body}");
    }
    // A currency without decimals cannot take an amount with cents.
    let (status, body) = save("Currency", "JPY", "EUR", "3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("cannot be written in JPY"), "{body}");
    assert_eq!(
        count(&app, "SELECT version FROM opportunities WHERE id = $1", &id).await,
        3
    );
}

#[backend_test]
async fn people_are_added_by_email_address_once_and_removed_each_change_in_the_timeline(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
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
    let id = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Pilot"),
            ("amount", "0"),
            ("close_on", "2027-01-15"),
        ],
    )
    .await;
    let add = |email: &'static str| {
        let (app, ada, id) = (&app, &ada, &id);
        async move {
            api(
                app,
                "/api/opportunities/add-person",
                &[("id", id.as_str()), ("email", email)],
                ada,
            )
            .await
        }
    };
    let (status, body) = add("GRACE@navy.example").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let record: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(record["people"][0]["name"], "Grace Hopper");
    assert_eq!(
        record["timeline"][0]["event"]["Changed"]["new"],
        "Grace Hopper"
    );
    let (status, _) = add("grace@navy.example").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM opportunity_people WHERE opportunity_id = $1",
            &id
        )
        .await,
        1
    );
    let (status, body) = add("nobody@example.com").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.contains("No one with the address nobody@example.com"),
        "{body}"
    );
    let (status, body) = add("not an address").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("Enter the person's e-mail address"), "{body}");

    let record = call(
        &app,
        &ada,
        "/api/opportunities/remove-person",
        &[("id", &id), ("person", &grace)],
    )
    .await;
    assert_eq!(record["people"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        record["timeline"][0]["event"]["Changed"]["old"],
        "Grace Hopper"
    );
}

#[backend_test]
async fn stages_are_renamed_and_reordered_and_the_board_shows_each_ones_count_and_value(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    for (name, amount, currency) in [
        ("One", "1000", "EUR"),
        ("Two", "250.50", "EUR"),
        ("Three", "99", "USD"),
    ] {
        add_opportunity(
            &app,
            &ada,
            &[
                ("name", name),
                ("amount", amount),
                ("currency", currency),
                ("close_on", "2027-01-15"),
            ],
        )
        .await;
    }
    let pipeline = stages(&app, &ada).await;
    let lead = stage_id(&pipeline, "Lead");
    let renamed = call(
        &app,
        &ada,
        "/api/opportunities/rename-stage",
        &[("stage", &lead), ("name", "  Prospect ")],
    )
    .await;
    assert_eq!(renamed[0]["name"], "Prospect");
    let long = "x".repeat(41);
    for (name, message) in [
        (
            "qualified",
            "Another stage is called \u{201c}qualified\u{201d} already.",
        ),
        ("", "Enter the stage's name."),
        (long.as_str(), "Use at most 40 characters"),
    ] {
        let (status, body) = api(
            &app,
            "/api/opportunities/rename-stage",
            &[("stage", &lead), ("name", name)],
            &ada,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(message), "{message}: {body}");
    }
    let reordered = call(
        &app,
        &ada,
        "/api/opportunities/reorder-stage",
        &[("stage", &lead), ("direction", "Later")],
    )
    .await;
    assert_eq!(reordered[0]["name"], "Qualified");
    assert_eq!(reordered[1]["name"], "Prospect");
    let qualified = stage_id(&pipeline, "Qualified");
    let (status, body) = api(
        &app,
        "/api/opportunities/reorder-stage",
        &[("stage", &qualified), ("direction", "Earlier")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("This stage is first already."), "{body}");

    let board = call(&app, &ada, "/api/opportunities/board", &[]).await;
    let columns = board["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 6);
    assert_eq!(columns[0]["stage"]["name"], "Qualified");
    let prospect = &columns[1];
    assert_eq!(prospect["stage"]["name"], "Prospect");
    assert_eq!(prospect["count"], 3);
    assert_eq!(prospect["cards"].as_array().map(Vec::len), Some(3));
    assert_eq!(prospect["totals"][0]["currency"], "EUR");
    assert_eq!(prospect["totals"][0]["minor"], 125_050);
    assert_eq!(prospect["totals"][1]["minor"], 9_900);

    let page = body_text(get_page(&app, "/app/opportunities/board", Some(&ada)).await).await;
    assert!(
        page.contains("3 opportunities · €1,250.50 and $99.00"),
        "{page}"
    );
    assert!(page.contains("Move to stage"), "{page}");
    let dashboard = body_text(get_page(&app, "/app", Some(&ada)).await).await;
    assert!(dashboard.contains("Open pipeline in EUR by stage: Qualified €0.00 (0 opportunities); Prospect €1,250.50 (2 opportunities)"), "{dashboard}");
    assert!(dashboard.contains("Open pipeline in USD by stage: Qualified $0.00 (0 opportunities); Prospect $99.00 (1 opportunity)"), "{dashboard}");
    assert!(dashboard.contains("<svg"), "{dashboard}");
}

#[backend_test]
async fn the_list_searches_names_and_companies_filters_by_stage_and_owner_and_pages_through_all_in_each_order(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    add_company(&app, &ada, &[("name", "Globex")]).await;
    let globex = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Hammock order"),
            ("amount", "10"),
            ("close_on", "2027-06-01"),
            ("company", "Globex"),
        ],
    )
    .await;
    for day in 1..=55 {
        let close = format!("2027-01-{:02}", (day % 28) + 1);
        let name = format!("Deal {day}");
        add_opportunity(
            &app,
            &ada,
            &[("name", &name), ("amount", "1"), ("close_on", &close)],
        )
        .await;
    }
    let list = |fields: Vec<(&'static str, String)>| {
        let (app, ada) = (&app, &ada);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(app, ada, "/api/opportunities/list", &fields).await
        }
    };
    let found = list(vec![("query[q]", "globe".to_owned())]).await;
    assert_eq!(found["rows"][0]["id"], globex.as_str());
    assert_eq!(found["rows"].as_array().map(Vec::len), Some(1));
    let found = list(vec![("query[q]", "HAMMOCK".to_owned())]).await;
    assert_eq!(found["rows"].as_array().map(Vec::len), Some(1));

    // Every one once, soonest first, over two pages.
    let first = list(vec![("query[q]", String::new())]).await;
    let rows = first["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[0]["close_on"], "2027-01-01");
    let next = first["next"].as_str().expect("next").to_owned();
    let second = list(vec![("query[after]", next)]).await;
    let more = second["rows"].as_array().expect("rows");
    assert_eq!(more.len(), 6);
    assert_eq!(more[5]["id"], globex.as_str());
    assert!(second["next"].is_null());

    // By name and newest first, each over the same two pages.
    let names_in = |sort: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let fields = [("query[sort]", sort)];
            every_page(
                app,
                ada,
                "/api/opportunities/list",
                &fields,
                ("rows", "name"),
            )
            .await
            .0
        }
    };
    let deals: Vec<String> = (1..=55).map(|day| format!("Deal {day}")).collect();
    let by_name = names_in("name").await;
    let mut expected = deals.clone();
    expected.push("Hammock order".to_owned());
    expected.sort_by_key(|name| name.to_lowercase());
    assert_eq!(by_name, expected, "{}", app.label());
    created_minutes_apart(&app, "opportunities", "name", &deals).await;
    let newest = names_in("newest").await;
    let mut expected: Vec<String> = vec!["Hammock order".to_owned()];
    expected.extend(deals.into_iter().rev());
    assert_eq!(newest, expected, "{}", app.label());

    let pipeline = stages(&app, &ada).await;
    let won = stage_id(&pipeline, "Won");
    let lead = stage_id(&pipeline, "Lead");
    let (status, _) = move_to(&app, &ada, &globex, &won, &lead).await;
    assert_eq!(status, StatusCode::OK);
    let in_won = list(vec![("query[stage]", won.clone())]).await;
    assert_eq!(in_won["rows"].as_array().map(Vec::len), Some(1));
    let unknown = list(vec![("query[stage]", "not-a-stage".to_owned())]).await;
    assert!(
        unknown["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("not in this pipeline")
    );
    assert_eq!(unknown["rows"].as_array().map(Vec::len), Some(50));
    let member = member_id(&app, "ada@example.com").await;
    let mine = list(vec![("query[owner]", member)]).await;
    assert_eq!(mine["rows"].as_array().map(Vec::len), Some(50));
    let damaged = list(vec![("query[after]", "zz".to_owned())]).await;
    assert!(
        damaged["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("no longer valid")
    );
    let page = body_text(get_page(&app, "/app/opportunities?q=hammock", Some(&ada)).await).await;
    assert!(page.contains("Hammock order"), "{page}");
    assert!(!page.contains("Deal 1<"), "{page}");
}

#[backend_test]
async fn a_member_of_another_workspace_can_neither_see_move_nor_change_this_workspaces_opportunities(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let id = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Secret deal"),
            ("amount", "5000"),
            ("close_on", "2027-05-01"),
        ],
    )
    .await;
    let ada_stages = stages(&app, &ada).await;
    let lead = stage_id(&ada_stages, "Lead");
    add_person(
        &app,
        &mallory,
        &[("first_name", "Eve"), ("email", "eve@example.com")],
    )
    .await;
    let mallory_stages = stages(&app, &mallory).await;
    let their_won = stage_id(&mallory_stages, "Won");

    let page = get_page(&app, &format!("/app/opportunities/{id}"), Some(&mallory)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "{}", app.label());
    assert!(!body_text(page).await.contains("Secret"));
    for (endpoint, fields) in [
        ("/api/opportunities/load", vec![("id", id.as_str())]),
        (
            "/api/opportunities/save-field",
            vec![
                ("id", id.as_str()),
                ("field", "Name"),
                ("value", "Pwned"),
                ("base", "Secret deal"),
                ("version", "1"),
            ],
        ),
        (
            "/api/opportunities/move",
            vec![
                ("id", id.as_str()),
                ("to", their_won.as_str()),
                ("from", lead.as_str()),
            ],
        ),
        (
            "/api/opportunities/add-person",
            vec![("id", id.as_str()), ("email", "eve@example.com")],
        ),
        (
            "/api/opportunities/remove-person",
            vec![("id", id.as_str()), ("person", id.as_str())],
        ),
        (
            "/api/records/add-note",
            vec![
                ("kind", "Opportunities"),
                ("id", id.as_str()),
                ("body", "Mallory was here"),
            ],
        ),
        (
            "/api/opportunities/rename-stage",
            vec![("stage", lead.as_str()), ("name", "Pwned")],
        ),
        (
            "/api/opportunities/reorder-stage",
            vec![("stage", lead.as_str()), ("direction", "Later")],
        ),
    ] {
        let (status, body) = api(&app, endpoint, &fields, &mallory).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {body}");
        assert!(!body.contains("Secret"), "{endpoint}: {body}");
    }
    // Ada cannot move hers into Mallory's stage either.
    let (status, _) = move_to(&app, &ada, &id, &their_won, &lead).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (endpoint, fields) in [
        ("/api/opportunities/list", vec![("query[q]", "secret")]),
        ("/api/opportunities/board", vec![]),
    ] {
        let (status, body) = api(&app, endpoint, &fields, &mallory).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
        assert!(!body.contains("Secret"), "{endpoint}: {body}");
    }
    let record = load(&app, &ada, &id).await;
    assert_eq!(record["opportunity"]["name"], "Secret deal");
    assert_eq!(record["opportunity"]["stage"]["name"], "Lead");
    assert_eq!(record["people"].as_array().map(Vec::len), Some(0));
    assert_eq!(stages(&app, &ada).await, ada_stages);

    let (status, _) = api(
        &app,
        "/api/opportunities/board",
        &[],
        "candor_session=forged",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = post_form(
        &app,
        "/app/opportunities/new",
        &[("name", "x"), ("amount", "1"), ("close_on", "2027-01-01")],
        None,
        CLIENT,
    )
    .await;
    assert_eq!(location(&response), "/login?next=/app/opportunities/new");
}

#[backend_test]
async fn converting_a_lead_can_open_an_opportunity_with_its_person_and_company_linked_both_ways(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let lead = add_record(
        &app,
        &ada,
        "/app/leads",
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@navy.example"),
            ("company_name", "Navy Labs"),
            ("source", "Event"),
        ],
        CLIENT,
    )
    .await;
    let converted = call(
        &app,
        &ada,
        "/api/leads/convert",
        &[
            ("id", &lead),
            ("version", "1"),
            ("choice[add_company]", "true"),
            ("choice[add_opportunity]", "true"),
        ],
    )
    .await;
    let link = &converted["record"]["conversion"]["opportunity"];
    assert_eq!(link["name"], "Navy Labs", "{}", app.label());
    let id = link["id"].as_str().expect("opportunity id").to_owned();
    let person = converted["record"]["conversion"]["person"]["id"]
        .as_str()
        .expect("person")
        .to_owned();
    let company = converted["record"]["conversion"]["company"]["id"]
        .as_str()
        .expect("company")
        .to_owned();
    let lead_events = converted["record"]["timeline"].to_string();
    assert!(lead_events.contains("IntoOpportunity"), "{lead_events}");

    let record = load(&app, &ada, &id).await;
    let opportunity = &record["opportunity"];
    assert_eq!(opportunity["lead_id"], lead.as_str());
    assert_eq!(opportunity["company_id"], company.as_str());
    assert_eq!(opportunity["amount"]["minor"], 0);
    assert_eq!(opportunity["stage"]["name"], "Lead");
    assert_eq!(record["people"][0]["id"], person.as_str());
    let events = record["timeline"].to_string();
    assert!(
        events.contains("FromLead") && events.contains("Created"),
        "{events}"
    );
    let page = body_text(get_page(&app, &format!("/app/leads/{lead}"), Some(&ada)).await).await;
    assert!(page.contains(&format!("/app/opportunities/{id}")), "{page}");

    // Without the choice, no opportunity is opened.
    let other = add_record(
        &app,
        &ada,
        "/app/leads",
        &[
            ("name", "Alan Turing"),
            ("email", "alan@example.com"),
            ("source", "Event"),
        ],
        CLIENT,
    )
    .await;
    let converted = call(
        &app,
        &ada,
        "/api/leads/convert",
        &[
            ("id", &other),
            ("version", "1"),
            ("choice[add_company]", "false"),
        ],
    )
    .await;
    assert!(converted["record"]["conversion"]["opportunity"].is_null());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM opportunities WHERE lead_id = $1",
            &other
        )
        .await,
        0
    );
}

#[backend_test]
async fn a_persons_and_a_companys_pages_list_their_opportunities_soonest_to_close_first_and_no_one_elses(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let company = add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("email", "grace@navy.example")],
    )
    .await;
    let contract = add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Navy contract"),
            ("amount", "12500"),
            ("close_on", "2027-03-01"),
            ("company", "navy labs"),
        ],
    )
    .await;
    add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Navy pilot"),
            ("amount", "900"),
            ("close_on", "2027-01-15"),
            ("company", "Navy Labs"),
        ],
    )
    .await;
    call(
        &app,
        &ada,
        "/api/opportunities/add-person",
        &[("id", &contract), ("email", "grace@navy.example")],
    )
    .await;
    // Mallory's company of the same name and her deal stay hers.
    add_company(&app, &mallory, &[("name", "Navy Labs")]).await;
    add_opportunity(
        &app,
        &mallory,
        &[
            ("name", "Mallory's deal"),
            ("amount", "1"),
            ("close_on", "2027-01-01"),
            ("company", "Navy Labs"),
        ],
    )
    .await;

    let record = call(&app, &ada, "/api/companies/load", &[("id", &company)]).await;
    let names: Vec<&str> = record["opportunities"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Navy pilot", "Navy contract"], "{}", app.label());
    assert_eq!(record["opportunities"]["count"], 2);
    let page =
        body_text(get_page(&app, &format!("/app/companies/{company}"), Some(&ada)).await).await;
    assert!(
        page.contains("Lead, €12,500.00, expected to close 1 March 2027"),
        "{page}"
    );
    assert!(!page.contains("Mallory"), "{page}");

    let record = call(&app, &ada, "/api/people/load", &[("id", &grace)]).await;
    assert_eq!(record["opportunities"]["count"], 1);
    assert_eq!(record["opportunities"]["rows"][0]["name"], "Navy contract");
    let page = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    assert!(
        page.contains(&format!("/app/opportunities/{contract}")),
        "{page}"
    );

    call(
        &app,
        &ada,
        "/api/opportunities/remove-person",
        &[("id", &contract), ("person", &grace)],
    )
    .await;
    let record = call(&app, &ada, "/api/people/load", &[("id", &grace)]).await;
    assert_eq!(record["opportunities"]["count"], 0);
    let page = body_text(get_page(&app, &format!("/app/people/{grace}"), Some(&ada)).await).await;
    assert!(
        page.contains("No opportunities with this person yet."),
        "{page}"
    );
}
