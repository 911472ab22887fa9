//! Roles inside the CRM, as a matrix of role and action through the real router on each backend:
//! owners and admins change the pipeline and delete any record; members edit what they see and
//! delete only the records they own. Every refusal is a 403 with a message that says who may, and
//! changes nothing.

use axum::http::StatusCode;

use crate::links::invite_and_join;
use crate::people::{add_person, api, bulk_of};
use crate::support::TestApp;
use crate::support::browser::{CHROME_ON_LINUX, Client, sign_up_and_log_in};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.70",
    user_agent: CHROME_ON_LINUX,
};

/// Ada owns the workspace; Bob is an admin and Cat a member in it.
struct Team {
    ada: String,
    bob: String,
    cat: String,
}

async fn team(app: &TestApp) -> Team {
    let ada = sign_up_and_log_in(app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let bob = invite_and_join(app, &ada, "bob@example.com", "admin").await;
    let cat = invite_and_join(app, &ada, "cat@example.com", "member").await;
    Team { ada, bob, cat }
}

async fn exists(app: &TestApp, id: &str) -> bool {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(app.state.db.pool())
        .await
        .expect("query");
    found.is_some()
}

async fn delete(app: &TestApp, cookie: &str, id: &str) -> (StatusCode, String) {
    api(
        app,
        "/api/records/delete",
        &[("kind", "People"), ("id", id)],
        cookie,
    )
    .await
}

#[backend_test]
async fn each_role_deletes_the_records_it_may_and_is_told_who_may_delete_the_others(app: TestApp) {
    let Team { ada, bob, cat } = team(&app).await;
    let label = app.label();
    // Each person is owned by whoever added them.
    let adas = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    let cats = add_person(
        &app,
        &cat,
        &[("first_name", "Alan"), ("last_name", "Turing")],
    )
    .await;
    let cats_second = add_person(
        &app,
        &cat,
        &[("first_name", "Joan"), ("last_name", "Clarke")],
    )
    .await;
    let more_of_adas = add_person(
        &app,
        &ada,
        &[("first_name", "Mary"), ("last_name", "Kenneth")],
    )
    .await;
    let yet_more = add_person(
        &app,
        &ada,
        &[("first_name", "Kathleen"), ("last_name", "Booth")],
    )
    .await;

    // A member, another member's person: refused, with who may, and nothing deleted.
    let (status, body) = delete(&app, &cat, &adas).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{label}: {body}");
    assert!(
        body.contains("Only the workspace's owner and admins, and the member who owns this person"),
        "{body}"
    );
    assert!(exists(&app, &adas).await);
    // A member, in bulk, their own and another's: refused as a whole.
    let (status, body) = bulk_of(&app, &cat, "People", &[&cats, &adas], "Delete", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{label}: {body}");
    assert!(
        body.contains("You can delete only the people you own, and 1 of the 2 selected is owned by someone else"),
        "{body}"
    );
    assert!(exists(&app, &cats).await && exists(&app, &adas).await);

    // A member, their own: deleted, one and in bulk.
    let (status, body) = delete(&app, &cat, &cats).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(!exists(&app, &cats).await);
    let (status, body) = bulk_of(&app, &cat, "People", &[&cats_second], "Delete", "").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(!exists(&app, &cats_second).await);

    // An admin, the owner's person; the owner, in bulk.
    let (status, body) = delete(&app, &bob, &adas).await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(!exists(&app, &adas).await);
    let (status, body) = bulk_of(
        &app,
        &ada,
        "People",
        &[&more_of_adas, &yet_more],
        "Delete",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(!exists(&app, &more_of_adas).await && !exists(&app, &yet_more).await);
}

#[backend_test]
async fn a_member_edits_any_record_they_see_but_only_owners_and_admins_change_the_pipeline(
    app: TestApp,
) {
    let Team { ada, bob, cat } = team(&app).await;
    let label = app.label();
    let pipeline: serde_json::Value = {
        let (status, body) = api(&app, "/api/opportunities/stages", &[], &cat).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        serde_json::from_str(&body).expect("json")
    };
    assert_eq!(
        pipeline["may_change"], false,
        "the page offers a member no changes"
    );
    let stages = &pipeline["stages"];
    let first = stages[0]["id"].as_str().expect("id").to_owned();
    let first_name = stages[0]["name"].as_str().expect("name").to_owned();
    let second_name = stages[1]["name"].as_str().expect("name").to_owned();

    let refusal =
        "Only the workspace's owner and admins can rename or reorder the pipeline's stages.";
    for (what, endpoint, fields) in [
        (
            "rename",
            "/api/opportunities/rename-stage",
            vec![("stage", first.as_str()), ("name", "Prospect")],
        ),
        (
            "reorder",
            "/api/opportunities/reorder-stage",
            vec![("stage", first.as_str()), ("direction", "Later")],
        ),
    ] {
        let (status, body) = api(&app, endpoint, &fields, &cat).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a member may not {what} on {label}: {body}"
        );
        assert!(body.contains(refusal), "{body}");
    }
    let (_, body) = api(&app, "/api/opportunities/stages", &[], &cat).await;
    let unchanged: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        unchanged["stages"][0]["name"],
        first_name.as_str(),
        "{label}"
    );
    let (_, body) = api(&app, "/api/opportunities/stages", &[], &bob).await;
    let for_admin: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(for_admin["may_change"], true);

    // The admin renames; the owner reorders.
    let (status, body) = api(
        &app,
        "/api/opportunities/rename-stage",
        &[("stage", &first), ("name", "Prospect")],
        &bob,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    let (status, body) = api(
        &app,
        "/api/opportunities/reorder-stage",
        &[("stage", &first), ("direction", "Later")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    let reordered: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(reordered[0]["name"], second_name.as_str());
    assert_eq!(reordered[1]["name"], "Prospect");

    // A member edits a record another member owns.
    let adas = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    let (status, body) = api(
        &app,
        "/api/people/save-field",
        &[
            ("id", &adas),
            ("field", "JobTitle"),
            ("value", "Rear Admiral"),
            ("base", ""),
            ("version", "1"),
        ],
        &cat,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
}
