//! Bulk actions on the companies, leads and opportunities selected in their lists, through the
//! real router on each backend: a tag added (companies), an owner changed, a deletion, each change
//! in every record's timeline; a refusal changes nothing, and another workspace's member or a
//! visitor without a session changes nothing at all. People have their own tests in `people.rs`.

use axum::http::StatusCode;

use crate::companies::{add_company, stored};
use crate::deletion::{belongings, exists, navy_contract_with, one_of_each};
use crate::leads::add_lead;
use crate::people::{ada_and_mallory, add_person, api, bulk_of, count};
use crate::support::browser::get_page;
use crate::support::{TestApp, body_text, member_id};
use crm_test_macros::backend_test;

async fn company_tags(app: &TestApp, id: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT tag FROM company_tags WHERE company_id = $1 ORDER BY tag")
        .bind(id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("tags")
}

/// The changes of `field` in a record's timeline, as (old, new).
async fn changes(app: &TestApp, id: &str, field: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT COALESCE(old_value, ''), COALESCE(new_value, '') FROM record_events
         WHERE record_id = $1 AND kind = 'changed' AND field = $2 ORDER BY at, id",
    )
    .bind(id)
    .bind(field)
    .fetch_all(app.state.db.pool())
    .await
    .expect("changes")
}

async fn version(app: &TestApp, table: &str, id: &str) -> String {
    stored(app, table, "CAST(version AS TEXT)", id)
        .await
        .expect("a version")
}

#[backend_test]
async fn selected_companies_are_tagged_handed_over_and_deleted_at_once_with_each_change_in_their_timeline(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let acme = add_company(&app, &ada, &[("name", "Acme Labs"), ("tags", "partner")]).await;
    let globex = add_company(&app, &ada, &[("name", "Globex")]).await;
    let initech = add_company(&app, &ada, &[("name", "Initech")]).await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("company_name", "Globex")],
    )
    .await;
    let all = [acme.as_str(), globex.as_str(), initech.as_str()];

    // Acme has the tag already: it is counted, not changed.
    let (status, body) = bulk_of(&app, &ada, "Companies", &all, "AddTag", " partner ").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":3,"changed":2}"#, "{label}");
    for id in all {
        assert_eq!(company_tags(&app, id).await, ["partner"], "{label}");
    }
    assert_eq!(version(&app, "companies", &acme).await, "1", "{label}");
    assert_eq!(version(&app, "companies", &globex).await, "2", "{label}");
    assert_eq!(
        changes(&app, &globex, "tags").await,
        [(String::new(), "partner".to_owned())],
        "{label}"
    );
    assert!(changes(&app, &acme, "tags").await.is_empty(), "{label}");
    let page =
        body_text(get_page(&app, &format!("/app/companies/{globex}"), Some(&ada)).await).await;
    assert!(
        page.contains("Owner of Workspace A changed tags from (empty) to \u{201c}partner\u{201d}."),
        "{label}: {page}"
    );

    // Nobody owns Globex and Initech afterwards (an id sent twice counts once).
    let (status, body) = bulk_of(
        &app,
        &ada,
        "Companies",
        &[&globex, &initech, &globex],
        "SetOwner",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    assert_eq!(stored(&app, "companies", "owner_id", &globex).await, None);
    assert!(stored(&app, "companies", "owner_id", &acme).await.is_some());
    assert_eq!(
        changes(&app, &initech, "owner").await,
        [("Owner of Workspace A".to_owned(), String::new())],
        "{label}"
    );
    let ada_id = member_id(&app, "ada@example.com").await;
    let (status, body) = bulk_of(&app, &ada, "Companies", &all, "SetOwner", &ada_id).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":3,"changed":2}"#, "{label}");
    assert_eq!(
        stored(&app, "companies", "owner_id", &globex).await,
        Some(ada_id.clone())
    );

    // Deleting takes the companies with their tags and timelines; their people stay,
    // without the link.
    let (status, body) = bulk_of(&app, &ada, "Companies", &[&acme, &globex], "Delete", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    for id in [&acme, &globex] {
        assert!(!exists(&app, "companies", id).await, "{label}");
        assert!(company_tags(&app, id).await.is_empty(), "{label}");
        assert_eq!(belongings(&app, id).await, 0, "{label}");
    }
    assert!(exists(&app, "people", &grace).await, "{label}");
    assert_eq!(stored(&app, "people", "company_id", &grace).await, None);
    assert_eq!(company_tags(&app, &initech).await, ["partner"], "{label}");
    let (status, body) = api(&app, "/api/companies/list", &[("query[q]", "")], &ada).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(
        body.contains("Initech") && !body.contains("Globex"),
        "{label}: {body}"
    );

    // A company deleted meanwhile makes the whole action "not found": nothing changes.
    let (status, _) = bulk_of(
        &app,
        &ada,
        "Companies",
        &[&initech, &acme],
        "AddTag",
        "speaker",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    assert_eq!(company_tags(&app, &initech).await, ["partner"], "{label}");
}

#[backend_test]
async fn selected_leads_and_opportunities_are_handed_over_and_deleted_at_once_and_a_tag_is_refused(
    app: TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let [_, alan, renewal] = one_of_each(&app, &ada, "").await;
    let grace = add_lead(
        &app,
        &ada,
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@navy.example"),
            ("source", "Referral"),
        ],
    )
    .await;
    let person = add_person(
        &app,
        &ada,
        &[("first_name", "Edsger"), ("email", "edsger@example.com")],
    )
    .await;
    let navy = navy_contract_with(&app, &ada, "edsger@example.com").await;

    for (kind, table, ids, plural) in [
        ("Leads", "leads", [alan.as_str(), grace.as_str()], "Leads"),
        (
            "Opportunities",
            "opportunities",
            [renewal.as_str(), navy.as_str()],
            "Opportunities",
        ),
    ] {
        // They have no tags: refused with a message, and nothing changes.
        let (status, body) = bulk_of(&app, &ada, kind, &ids, "AddTag", "vip").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert!(
            body.contains(&format!("{plural} have no tags.")),
            "{label}: {body}"
        );
        assert_eq!(version(&app, table, ids[0]).await, "1", "{label} {kind}");

        // Handed over to nobody, each with a new version and in its timeline; a second time
        // changes nothing.
        let mut before = Vec::new();
        for id in ids {
            before.push(
                version(&app, table, id)
                    .await
                    .parse::<i64>()
                    .expect("a number"),
            );
        }
        let (status, body) = bulk_of(&app, &ada, kind, &ids, "SetOwner", "").await;
        assert_eq!(status, StatusCode::OK, "{label} {kind}: {body}");
        assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label} {kind}");
        for (id, before) in ids.into_iter().zip(before) {
            assert_eq!(stored(&app, table, "owner_id", id).await, None, "{label}");
            assert_eq!(
                version(&app, table, id).await,
                (before + 1).to_string(),
                "{label} {kind}"
            );
            assert_eq!(
                changes(&app, id, "owner").await,
                [("Owner of Workspace A".to_owned(), String::new())],
                "{label} {kind}"
            );
        }
        let (status, body) = bulk_of(&app, &ada, kind, &ids, "SetOwner", "").await;
        assert_eq!(status, StatusCode::OK, "{label} {kind}: {body}");
        assert_eq!(body, r#"{"selected":2,"changed":0}"#, "{label} {kind}");

        // An owner from outside the workspace is refused.
        let (status, body) = bulk_of(&app, &ada, kind, &ids, "SetOwner", "not-a-member").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert!(
            body.contains("Choose an owner from the workspace"),
            "{label}: {body}"
        );
    }
    let page = body_text(get_page(&app, &format!("/app/leads/{grace}"), Some(&ada)).await).await;
    assert!(
        page.contains("changed owner from \u{201c}Owner of Workspace A\u{201d} to (empty)."),
        "{label}: {page}"
    );

    // Deleted with what belongs to them; the person on the opportunity stays.
    let (status, body) = bulk_of(&app, &ada, "Leads", &[&alan, &grace], "Delete", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    let (status, body) = bulk_of(
        &app,
        &ada,
        "Opportunities",
        &[&renewal, &navy],
        "Delete",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert_eq!(body, r#"{"selected":2,"changed":2}"#, "{label}");
    for (table, id) in [
        ("leads", &alan),
        ("leads", &grace),
        ("opportunities", &renewal),
        ("opportunities", &navy),
    ] {
        assert!(!exists(&app, table, id).await, "{label}: {table}");
        assert_eq!(belongings(&app, id).await, 0, "{label}: {table}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM opportunity_people WHERE opportunity_id = $1",
            &navy
        )
        .await,
        0,
        "{label}"
    );
    assert!(exists(&app, "people", &person).await, "{label}");
}

#[backend_test]
async fn a_member_of_another_workspace_cannot_tag_hand_over_or_delete_this_workspaces_records_in_bulk(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let label = app.label();
    let [acme, alan, renewal] = one_of_each(&app, &ada, "vip").await;
    let [own_company, own_lead, own_deal] = one_of_each(&app, &mallory, "").await;
    let mallory_id = member_id(&app, "mallory@example.com").await;

    for (kind, theirs, own) in [
        ("Companies", &acme, &own_company),
        ("Leads", &alan, &own_lead),
        ("Opportunities", &renewal, &own_deal),
    ] {
        for (action, value) in [
            ("AddTag", "pwned"),
            ("SetOwner", mallory_id.as_str()),
            ("SetOwner", ""),
            ("Delete", ""),
        ] {
            // Ada's record alone, and hidden among Mallory's own: refused whole.
            for ids in [vec![theirs.as_str()], vec![own.as_str(), theirs.as_str()]] {
                let (status, body) = bulk_of(&app, &mallory, kind, &ids, action, value).await;
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{label}: {kind} {action}: {body}"
                );
                assert!(!body.contains("Acme") && !body.contains("Turing"), "{body}");
            }
            let (status, _) = bulk_of(
                &app,
                "candor_session=forged",
                kind,
                &[theirs],
                action,
                value,
            )
            .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{label}: {kind} {action}");
        }
    }
    // An id of another kind is not found either: a lead is no company.
    let (status, _) = bulk_of(&app, &ada, "Companies", &[&alan], "Delete", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
    // A kind that is not one of the lists is refused.
    let (status, _) = bulk_of(&app, &ada, "Tasks", &[&acme], "Delete", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");

    for (table, id) in [
        ("companies", &acme),
        ("leads", &alan),
        ("opportunities", &renewal),
    ] {
        assert!(exists(&app, table, id).await, "{label}: {table}");
        assert_eq!(version(&app, table, id).await, "1", "{label}: {table}");
        assert!(
            stored(&app, table, "owner_id", id).await.is_some(),
            "{label}: {table}"
        );
    }
    assert_eq!(company_tags(&app, &acme).await, ["vip"], "{label}");
}
