//! Deleting a company, a lead or an opportunity from its page, through the real router on each
//! backend: what belongs to the record (tags, notes, tasks, timeline, links to people) goes with
//! it, the records that pointed at it stay without the link, and neither another workspace's
//! member, nor a visitor without a session, nor a malformed id deletes anything.

use axum::http::StatusCode;

use crate::companies::{add_company, stored};
use crate::leads::add_lead;
use crate::opportunities::add_opportunity;
use crate::people::{ada_and_mallory, add_person, api, api_ok, count};
use crate::support::browser::get_page;
use crate::support::{TestApp, body_text, kind_name};
use crm_test_macros::backend_test;

/// Whether `table` holds a row with this id.
pub(crate) async fn exists(app: &TestApp, table: &str, id: &str) -> bool {
    count(
        app,
        &format!("SELECT COUNT(*) FROM {table} WHERE id = $1"),
        id,
    )
    .await
        == 1
}

/// What belongs to a record besides its own row: notes, tasks and timeline entries.
pub(crate) async fn belongings(app: &TestApp, id: &str) -> i64 {
    count(app, "SELECT COUNT(*) FROM notes WHERE record_id = $1", id).await
        + count(app, "SELECT COUNT(*) FROM tasks WHERE record_id = $1", id).await
        + count(
            app,
            "SELECT COUNT(*) FROM record_events WHERE record_id = $1",
            id,
        )
        .await
}

/// A company (Acme Labs, with `tags`), a lead (Alan Turing, of Acme Labs) and an opportunity
/// (Acme renewal, with Acme Labs), added by the member with this session; returns their ids in
/// that order.
pub(crate) async fn one_of_each(app: &TestApp, cookie: &str, tags: &str) -> [String; 3] {
    let company = add_company(app, cookie, &[("name", "Acme Labs"), ("tags", tags)]).await;
    let lead = add_lead(
        app,
        cookie,
        &[
            ("name", "Alan Turing"),
            ("email", "alan@acme.example"),
            ("company_name", "Acme Labs"),
            ("source", "Referral"),
        ],
    )
    .await;
    let deal = add_opportunity(
        app,
        cookie,
        &[
            ("name", "Acme renewal"),
            ("amount", "100"),
            ("close_on", "2027-03-31"),
            ("company", "Acme Labs"),
        ],
    )
    .await;
    [company, lead, deal]
}

/// The opportunity "Navy contract" with one person, the workspace's person with `email`, added
/// by the member with this session; returns its id.
pub(crate) async fn navy_contract_with(app: &TestApp, cookie: &str, email: &str) -> String {
    let deal = add_opportunity(
        app,
        cookie,
        &[
            ("name", "Navy contract"),
            ("amount", "0"),
            ("close_on", "2027-06-30"),
        ],
    )
    .await;
    let (status, body) = api(
        app,
        "/api/opportunities/add-person",
        &[("id", deal.as_str()), ("email", email)],
        cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    deal
}

/// Writes a note on a record of `kind` ("companies"), as its page does.
async fn note(app: &TestApp, cookie: &str, kind: &str, id: &str) {
    let (status, body) = api(
        app,
        "/api/records/add-note",
        &[
            ("kind", kind_name(kind)),
            ("id", id),
            ("body", "Met at the fair"),
        ],
        cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{} {kind}: {body}", app.label());
}

/// Deletes a record of `kind` ("companies"), as "Delete this company" on its page does.
async fn delete(app: &TestApp, cookie: &str, kind: &str, id: &str) -> (StatusCode, String) {
    api(
        app,
        "/api/records/delete",
        &[("kind", kind_name(kind)), ("id", id)],
        cookie,
    )
    .await
}

#[backend_test]
async fn a_deleted_company_takes_its_tags_notes_and_timeline_and_its_people_leads_and_opportunities_stay_unlinked(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let [acme, lead, deal] = one_of_each(&app, &ada, "vip, fair").await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("company_name", "acme labs")],
    )
    .await;
    note(&app, &ada, "companies", &acme).await;
    let label = app.label();
    assert_eq!(
        stored(&app, "people", "company_id", &grace)
            .await
            .as_deref(),
        Some(acme.as_str()),
        "{label}"
    );
    assert_eq!(
        stored(&app, "opportunities", "company_id", &deal)
            .await
            .as_deref(),
        Some(acme.as_str()),
        "{label}"
    );
    assert_eq!(
        stored(&app, "opportunities", "search_text", &deal)
            .await
            .as_deref(),
        Some("acme renewal acme labs"),
        "{label}"
    );
    assert!(
        belongings(&app, &acme).await >= 2,
        "{label}: its creation and its note"
    );

    let (status, body) = delete(&app, &ada, "companies", &acme).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");

    assert!(!exists(&app, "companies", &acme).await, "{label}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM company_tags WHERE company_id = $1",
            &acme
        )
        .await,
        0,
        "{label}"
    );
    assert_eq!(belongings(&app, &acme).await, 0, "{label}");
    let (status, _) = api(&app, "/api/companies/load", &[("id", &acme)], &ada).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    // The person keeps the company name as typed, without the link.
    assert!(exists(&app, "people", &grace).await, "{label}");
    assert_eq!(
        stored(&app, "people", "company_id", &grace).await,
        None,
        "{label}"
    );
    assert_eq!(
        stored(&app, "people", "company_name", &grace)
            .await
            .as_deref(),
        Some("acme labs"),
        "{label}"
    );
    assert!(exists(&app, "leads", &lead).await, "{label}");
    // The opportunity stays, without the company, and is no longer found by its name.
    assert!(exists(&app, "opportunities", &deal).await, "{label}");
    assert_eq!(
        stored(&app, "opportunities", "company_id", &deal).await,
        None,
        "{label}"
    );
    assert_eq!(
        stored(&app, "opportunities", "search_text", &deal)
            .await
            .as_deref(),
        Some("acme renewal"),
        "{label}"
    );
    let (status, body) = api(&app, "/api/opportunities/load", &[("id", &deal)], &ada).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");

    // Deleted once: a second try finds nothing.
    let (status, _) = delete(&app, &ada, "companies", &acme).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
}

/// What converting the lead Grace Hopper (who has a note) made: she is a person, her company
/// Navy Labs was added, and an opportunity was opened.
struct Converted {
    lead: String,
    person: String,
    company: String,
}

/// Adds the lead Grace Hopper with a note and converts it, adding her company and an opportunity.
async fn grace_converted(app: &TestApp, cookie: &str) -> Converted {
    let lead = add_lead(
        app,
        cookie,
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@navy.example"),
            ("company_name", "Navy Labs"),
            ("source", "Referral"),
        ],
    )
    .await;
    note(app, cookie, "leads", &lead).await;
    let (status, body) = api(
        app,
        "/api/leads/convert",
        &[
            ("id", lead.as_str()),
            ("version", "1"),
            ("choice[add_company]", "true"),
            ("choice[add_opportunity]", "true"),
        ],
        cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    let person = stored(app, "leads", "person_id", &lead)
        .await
        .expect("converted person");
    let company = stored(app, "leads", "company_id", &lead)
        .await
        .expect("converted company");
    Converted {
        lead,
        person,
        company,
    }
}

#[backend_test]
async fn a_deleted_lead_takes_its_notes_and_timeline_and_what_it_was_converted_into_stays(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let Converted {
        lead,
        person,
        company,
    } = grace_converted(&app, &ada).await;
    let deal: String = sqlx::query_scalar("SELECT id FROM opportunities WHERE lead_id = $1")
        .bind(&lead)
        .fetch_one(app.state.db.pool())
        .await
        .expect("the opportunity opened from the lead");

    let (status, body) = delete(&app, &ada, "leads", &lead).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");

    assert!(!exists(&app, "leads", &lead).await, "{label}");
    assert_eq!(belongings(&app, &lead).await, 0, "{label}");
    let (status, _) = api(&app, "/api/leads/load", &[("id", &lead)], &ada).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    assert!(exists(&app, "people", &person).await, "{label}");
    assert!(exists(&app, "companies", &company).await, "{label}");
    assert!(exists(&app, "opportunities", &deal).await, "{label}");
    assert_eq!(
        stored(&app, "opportunities", "lead_id", &deal).await,
        None,
        "{label}"
    );
    // The person's own timeline (their creation by the conversion) is theirs, and stays;
    // the entry that named the lead keeps no name and no link.
    assert!(belongings(&app, &person).await >= 1, "{label}");
    assert_eq!(mentions(&app, &lead).await, 0, "{label}");
    let timeline = api_ok(&app, "/api/records/timeline", &[("id", &person)], &ada).await;
    assert!(
        timeline.contains(r#"{"Converted":{"role":"FromLead","id":"","name":""}}"#),
        "{label}: {timeline}"
    );
    let page = body_text(get_page(&app, &format!("/app/people/{person}"), Some(&ada)).await).await;
    assert!(
        page.contains("added this person by converting the lead (since deleted)."),
        "{label}: {page}"
    );
}

/// How many timeline entries of other records name the record `id` (by id, as their subject or
/// as the other side of a conversion).
async fn mentions(app: &TestApp, id: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM record_events
         WHERE record_id <> $1 AND (subject_id = $1 OR (kind = 'converted' AND old_value = $1))",
        id,
    )
    .await
}

/// The entries of an opportunity's timeline that tell of its people, as (old, new).
async fn people_changes(app: &TestApp, deal: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT old_value, new_value FROM record_events
         WHERE record_id = $1 AND field = 'people' ORDER BY at, id",
    )
    .bind(deal)
    .fetch_all(app.state.db.pool())
    .await
    .expect("people changes")
}

#[backend_test]
async fn a_deleted_person_takes_the_leads_they_came_from_and_their_name_out_of_other_records_timelines(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let Converted {
        lead,
        person: grace,
        company,
    } = grace_converted(&app, &ada).await;
    // Grace, and a namesake of hers, on another opportunity: added, and Grace removed again.
    let namesake = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "hopper@example.org"),
        ],
    )
    .await;
    let navy = navy_contract_with(&app, &ada, "grace@navy.example").await;
    let (status, body) = api(
        &app,
        "/api/opportunities/add-person",
        &[("id", navy.as_str()), ("email", "hopper@example.org")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    let (status, body) = api(
        &app,
        "/api/opportunities/remove-person",
        &[("id", navy.as_str()), ("person", grace.as_str())],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(people_changes(&app, &navy).await.len(), 3, "{label}");
    assert_eq!(
        mentions(&app, &grace).await,
        3,
        "{label}: two on the Navy contract, one on the lead"
    );

    // Deleted from her page ("Delete this person"); the bulk action does the same (people.rs).
    let (status, body) = delete(&app, &ada, "people", &grace).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");

    // Grace, and the lead she came from with its note and timeline, are gone.
    assert!(!exists(&app, "people", &grace).await, "{label}");
    assert!(!exists(&app, "leads", &lead).await, "{label}");
    assert_eq!(belongings(&app, &lead).await, 0, "{label}");
    // No other timeline names her; the namesake's entry stays.
    assert_eq!(mentions(&app, &grace).await, 0, "{label}");
    assert_eq!(
        people_changes(&app, &navy).await,
        [(String::new(), "Grace Hopper".to_owned())],
        "{label}"
    );
    assert_eq!(mentions(&app, &namesake).await, 1, "{label}");
    // What the conversion added stays, its timeline telling of a lead since deleted.
    assert!(exists(&app, "companies", &company).await, "{label}");
    assert_eq!(mentions(&app, &lead).await, 0, "{label}");
    let page =
        body_text(get_page(&app, &format!("/app/companies/{company}"), Some(&ada)).await).await;
    assert!(
        page.contains("added this company by converting the lead (since deleted)."),
        "{label}: {page}"
    );
    assert!(!page.contains("Grace Hopper"), "{label}: {page}");
}

#[backend_test]
async fn a_deleted_opportunity_takes_its_links_to_people_notes_and_timeline_and_its_people_stay(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("email", "grace@navy.example")],
    )
    .await;
    let deal = navy_contract_with(&app, &ada, "grace@navy.example").await;
    let label = app.label();
    note(&app, &ada, "opportunities", &deal).await;

    let (status, body) = delete(&app, &ada, "opportunities", &deal).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");

    assert!(!exists(&app, "opportunities", &deal).await, "{label}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM opportunity_people WHERE opportunity_id = $1",
            &deal
        )
        .await,
        0,
        "{label}"
    );
    assert_eq!(belongings(&app, &deal).await, 0, "{label}");
    assert!(exists(&app, "people", &grace).await, "{label}");
    let (status, body) = api(&app, "/api/people/load", &[("id", &grace)], &ada).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    let record: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(record["opportunities"]["count"], 0, "{label}: {body}");
}

#[backend_test]
async fn neither_another_workspaces_member_nor_a_visitor_nor_a_malformed_id_deletes_a_record_of_any_kind(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let [company, lead, deal] = one_of_each(&app, &ada, "").await;
    let person = add_person(&app, &ada, &[("first_name", "Grace")]).await;
    let label = app.label();
    let records = [
        ("people", &person),
        ("companies", &company),
        ("leads", &lead),
        ("opportunities", &deal),
    ];
    for (kind, id) in records {
        // Mallory's session, aimed at Ada's records: not found, as if they did not exist.
        let (status, body) = delete(&app, &mallory, kind, id).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label} {kind}: {body}");
        // Another kind's id: a company's id is no lead.
        for (other, other_id) in records {
            if other != kind {
                let (status, _) = delete(&app, &ada, kind, other_id).await;
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{label} {kind} with a {other} id"
                );
            }
        }
        // Empty, malformed, hostile and huge ids.
        for bad in [
            String::new(),
            "not-an-id".to_owned(),
            "' OR 1=1 --".to_owned(),
            format!("{id}{}", "0".repeat(10_000)),
        ] {
            let (status, body) = delete(&app, &ada, kind, &bad).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{label} {kind} {:.20}: {body}",
                bad
            );
            assert!(
                !body.contains("sql"),
                "{label}: no internal text reaches the browser: {body}"
            );
        }
        // No session (a forged cookie): asked to log in.
        let (status, _) = delete(&app, "candor_session=forged", kind, id).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{label} {kind}");
    }
    for (kind, id) in records {
        assert!(
            exists(&app, kind, id).await,
            "{label}: Ada's {kind} are all still here"
        );
    }
}
