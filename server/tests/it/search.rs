//! What the search boxes find, through the real router on each backend: names typed without
//! their accents, with other ones or in another case find the record in every list, and text
//! stored before the server folded it is folded once when the server starts.

use axum::http::StatusCode;

use crate::companies::add_company;
use crate::leads::add_lead;
use crate::opportunities::add_opportunity;
use crate::people::{ada_and_mallory, add_person, api};
use crate::tasks::add_task;
use crm_test_macros::backend_test;

/// The list's answer to a search, which must succeed.
async fn search(app: &crate::support::TestApp, list: &str, q: &str, cookie: &str) -> String {
    let (status, body) = api(
        app,
        &format!("/api/{list}/list"),
        &[("query[q]", q)],
        cookie,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{list} {q} on {}: {body}",
        app.label()
    );
    body
}

#[backend_test]
async fn every_list_finds_a_name_typed_without_its_accents_with_other_ones_or_in_another_case(
    app: crate::support::TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let label = app.label();
    add_person(
        &app,
        &ada,
        &[
            ("first_name", "Jürgen"),
            ("last_name", "Müller"),
            ("email", "jm@example.com"),
        ],
    )
    .await;
    add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    add_person(
        &app,
        &mallory,
        &[("first_name", "Jürgen"), ("last_name", "Müllerin")],
    )
    .await;
    add_company(&app, &ada, &[("name", "Café Ångström")]).await;
    add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    add_lead(
        &app,
        &ada,
        &[
            ("name", "José Núñez"),
            ("email", "jn@example.com"),
            ("source", "Referral"),
        ],
    )
    .await;
    add_lead(
        &app,
        &ada,
        &[
            ("name", "Alan Turing"),
            ("email", "alan@example.com"),
            ("source", "Referral"),
        ],
    )
    .await;
    add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Renovación Łódź"),
            ("amount", "100"),
            ("close_on", "2027-03-31"),
        ],
    )
    .await;
    add_opportunity(
        &app,
        &ada,
        &[
            ("name", "Pilot"),
            ("amount", "100"),
            ("close_on", "2027-03-31"),
        ],
    )
    .await;
    let (status, body) = add_task(&app, &ada, "Call Zoë at Straße 5", "", "", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = add_task(&app, &ada, "Renew the domain", "", "", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    for (list, queries, found, other) in [
        (
            "people",
            &["muller", "MÜLLER", "mûller", "jurgen mu"][..],
            "Müller",
            "Hopper",
        ),
        // One or two letters: the start of the last name, folded too.
        ("people", &["mu", "Mü"][..], "Müller", "Hopper"),
        (
            "companies",
            &["cafe angstrom", "CAFÉ", "ångstrom"][..],
            "Café Ångström",
            "Navy Labs",
        ),
        (
            "leads",
            &["jose nunez", "NÚÑEZ", "josé"][..],
            "José Núñez",
            "Alan Turing",
        ),
        (
            "opportunities",
            &["lodz", "renovacion", "ŁÓDŹ"][..],
            "Renovación Łódź",
            "Pilot",
        ),
        (
            "tasks",
            &["zoe", "ZOË", "strasse", "straße"][..],
            "Call Zoë at Straße 5",
            "Renew",
        ),
    ] {
        for q in queries {
            let body = search(&app, list, q, &ada).await;
            assert!(body.contains(found), "{list} {q} on {label}: {body}");
            assert!(!body.contains(other), "{list} {q} on {label}: {body}");
            assert!(!body.contains("Müllerin"), "another workspace's: {body}");
        }
    }
}

#[backend_test]
async fn search_text_stored_before_it_was_folded_is_folded_once_when_the_server_starts(
    app: crate::support::TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let person = add_person(
        &app,
        &ada,
        &[("first_name", "Jürgen"), ("last_name", "Müller")],
    )
    .await;
    let company = add_company(&app, &ada, &[("name", "Café Ångström")]).await;
    let pool = app.state.db.pool();
    // As the server stored them before: in lower case, accents kept.
    for (sql, id) in [
        (
            "UPDATE people SET search_text = 'jürgen müller', sort_name = 'müller jürgen' WHERE id = $1",
            &person,
        ),
        (
            "UPDATE companies SET search_text = 'café ångström' WHERE id = $1",
            &company,
        ),
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(pool)
            .await
            .expect("update");
    }
    let missed = search(&app, "people", "muller", &ada).await;
    assert!(
        !missed.contains("Müller"),
        "{label}: the old text is not folded yet"
    );
    sqlx::query("DELETE FROM data_steps")
        .execute(pool)
        .await
        .expect("delete");

    app.state
        .db
        .migrate()
        .await
        .expect("migrate and run the data steps");
    let (search_text, sort_name): (String, String) =
        sqlx::query_as("SELECT search_text, sort_name FROM people WHERE id = $1")
            .bind(&person)
            .fetch_one(pool)
            .await
            .expect("the person");
    assert_eq!(
        (search_text.as_str(), sort_name.as_str()),
        ("jurgen muller", "muller jurgen")
    );
    for (list, q, found) in [
        ("people", "muller", "Müller"),
        ("people", "mu", "Müller"),
        ("companies", "cafe", "Café"),
    ] {
        let body = search(&app, list, q, &ada).await;
        assert!(body.contains(found), "{list} {q} on {label}: {body}");
    }
    let steps: Vec<String> = sqlx::query_scalar("SELECT name FROM data_steps ORDER BY name")
        .fetch_all(pool)
        .await
        .expect("the steps");
    assert_eq!(
        steps,
        [
            "2026-12-07 fold search text",
            "2026-12-07 people match keys",
            "2026-12-07 tag spellings"
        ],
        "{label}: each recorded once"
    );
    // A second start finds it done and changes nothing.
    sqlx::query("UPDATE people SET search_text = 'jürgen müller' WHERE id = $1")
        .bind(&person)
        .execute(pool)
        .await
        .expect("update");
    app.state.db.migrate().await.expect("migrate again");
    let kept: String = sqlx::query_scalar("SELECT search_text FROM people WHERE id = $1")
        .bind(&person)
        .fetch_one(pool)
        .await
        .expect("the person");
    assert_eq!(kept, "jürgen müller", "{label}: a step runs once");
}

#[backend_test]
async fn one_or_two_letters_show_the_records_whose_name_starts_with_them_and_the_page_says_so(
    app: crate::support::TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("last_name", "Hopper")],
    )
    .await;
    add_person(
        &app,
        &ada,
        &[
            ("first_name", "Ada"),
            ("last_name", "Thorne"),
            ("email", "hohoho@example.com"),
        ],
    )
    .await;
    add_company(&app, &ada, &[("name", "Navy Labs")]).await;
    add_company(&app, &ada, &[("name", "Banana Inc")]).await;
    for name in ["Nadia Nolan", "Jonas Berg"] {
        let email = format!("{}@example.com", name.split(' ').next().unwrap_or("x"));
        add_lead(
            &app,
            &ada,
            &[("name", name), ("email", &email), ("source", "Referral")],
        )
        .await;
    }
    for name in ["Navy renewal", "Banana pilot"] {
        add_opportunity(
            &app,
            &ada,
            &[
                ("name", name),
                ("amount", "100"),
                ("close_on", "2027-03-31"),
            ],
        )
        .await;
    }
    for title in ["Name the project", "Rename the files"] {
        let (status, body) = add_task(&app, &ada, title, "", "", "").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    for (list, q, found, other, note) in [
        (
            "people",
            "HO",
            "Hopper",
            "Thorne",
            "Showing the people whose last name starts with \u{201c}ho\u{201d}. Type three or more letters to search anywhere in names, e-mail addresses, phone numbers and companies.",
        ),
        (
            "companies",
            "na",
            "Navy Labs",
            "Banana",
            "Showing the companies whose name starts with \u{201c}na\u{201d}.",
        ),
        (
            "leads",
            "Na",
            "Nadia Nolan",
            "Jonas",
            "Showing the leads whose name starts with \u{201c}na\u{201d}.",
        ),
        (
            "opportunities",
            "n",
            "Navy renewal",
            "Banana",
            "Showing the opportunities whose name starts with \u{201c}n\u{201d}.",
        ),
        (
            "tasks",
            "na",
            "Name the project",
            "Rename",
            "Showing the tasks whose title starts with \u{201c}na\u{201d}.",
        ),
    ] {
        let body = search(&app, list, q, &ada).await;
        assert!(body.contains(found), "{list} {q} on {label}: {body}");
        assert!(!body.contains(other), "{list} {q} on {label}: {body}");
        assert!(body.contains(note), "{list} {q} on {label}: {body}");
        // Three letters: anywhere, and no note.
        let body = search(&app, list, &format!("{q}zz"), &ada).await;
        assert!(!body.contains("Showing the"), "{list} on {label}: {body}");
    }
    let page = crate::support::body_text(
        crate::support::browser::get_page(&app, "/app/companies?q=na", Some(&ada)).await,
    )
    .await;
    assert!(
        page.contains("Showing the companies whose name starts with \u{201c}na\u{201d}.")
            && page.contains("Navy Labs")
            && !page.contains("Banana"),
        "{label}"
    );
}

/// The tags stored on a record of `table` ("person_tags" with "person_id"), in order.
async fn tags_of(
    app: &crate::support::TestApp,
    table: &str,
    column: &str,
    id: &str,
) -> Vec<String> {
    sqlx::query_scalar(&format!(
        "SELECT tag FROM {table} WHERE {column} = $1 ORDER BY tag"
    ))
    .bind(id)
    .fetch_all(app.state.db.pool())
    .await
    .expect("tags")
}

#[backend_test]
async fn tags_compare_without_regard_to_case_and_keep_the_spelling_first_written(
    app: crate::support::TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("tags", "VIP, Newsletter, vip")],
    )
    .await;
    assert_eq!(
        tags_of(&app, "person_tags", "person_id", &grace).await,
        ["Newsletter", "VIP"],
        "{label}: one tag for two spellings in one form"
    );
    let alan = add_person(&app, &ada, &[("first_name", "Alan"), ("tags", "vip")]).await;
    assert_eq!(
        tags_of(&app, "person_tags", "person_id", &alan).await,
        ["VIP"],
        "{label}"
    );
    let (status, body) =
        crate::people::bulk(&app, &ada, &[&grace, &alan], "AddTag", "NEWSLETTER").await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(
        body.contains(r#""changed":1"#),
        "Grace had it already: {body}"
    );
    assert_eq!(
        tags_of(&app, "person_tags", "person_id", &alan).await,
        ["Newsletter", "VIP"],
        "{label}"
    );
    // Saving her tags typed in another case changes nothing, and says nothing changed.
    let (status, body) = api(
        &app,
        "/api/people/save-field",
        &[
            ("id", &grace),
            ("field", "Tags"),
            ("value", "vip, newsletter"),
            ("base", "VIP, Newsletter"),
            ("version", "1"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {body}");
    assert!(
        !body.contains(r#""field":"tags""#),
        "no change in the timeline: {body}"
    );
    // The filter, asked in any case, finds both.
    for typed in ["vip", "Vip", "VIP"] {
        let (status, body) = api(&app, "/api/people/list", &[("query[tag]", typed)], &ada).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body.contains("Grace") && body.contains("Alan"),
            "{typed} on {label}: {body}"
        );
    }
    let company = add_company(&app, &ada, &[("name", "Navy Labs"), ("tags", "Partner")]).await;
    let other = add_company(
        &app,
        &ada,
        &[("name", "Acme"), ("tags", "PARTNER, supplier")],
    )
    .await;
    assert_eq!(
        tags_of(&app, "company_tags", "company_id", &other).await,
        ["Partner", "supplier"]
    );
    let (status, body) = api(
        &app,
        "/api/companies/list",
        &[("query[tag]", "partner")],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("Navy Labs") && body.contains("Acme"),
        "{label}: {body}"
    );
    assert_eq!(
        tags_of(&app, "company_tags", "company_id", &company).await,
        ["Partner"]
    );
}

#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn members_adding_one_new_tag_at_once_in_different_cases_get_one_spelling(
    app: crate::support::TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let app = std::sync::Arc::new(app);
    let mut requests = Vec::new();
    for (i, typed) in ["Gold", "GOLD", "gold", "gOLD", "Gold", "GOLD"]
        .into_iter()
        .enumerate()
    {
        let (app, ada) = (app.clone(), ada.clone());
        requests.push(tokio::spawn(async move {
            add_person(
                &app,
                &ada,
                &[("first_name", &format!("Person {i}")), ("tags", typed)],
            )
            .await
        }));
    }
    for request in requests {
        request.await.expect("the request");
    }
    let spellings: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT tag FROM person_tags WHERE lower(tag) = 'gold'")
            .fetch_all(app.state.db.pool())
            .await
            .expect("tags");
    assert_eq!(spellings.len(), 1, "{}: {spellings:?}", app.label());
    let carried: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_tags WHERE tag = $1")
        .bind(&spellings[0])
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(carried, 6, "{}", app.label());
}

#[backend_test]
async fn tags_stored_in_several_spellings_before_are_given_one_when_the_server_starts(
    app: crate::support::TestApp,
) {
    let (ada, _) = ada_and_mallory(&app).await;
    let label = app.label();
    let grace = add_person(&app, &ada, &[("first_name", "Grace")]).await;
    let alan = add_person(&app, &ada, &[("first_name", "Alan")]).await;
    let edsger = add_person(&app, &ada, &[("first_name", "Edsger")]).await;
    let barbara = add_person(&app, &ada, &[("first_name", "Barbara")]).await;
    let pool = app.state.db.pool();
    let workspace: String = sqlx::query_scalar("SELECT workspace_id FROM people WHERE id = $1")
        .bind(&grace)
        .fetch_one(pool)
        .await
        .expect("workspace");
    // As stored before: "vip" on three people, "VIP" on two, and Grace with both.
    for (person, tag) in [
        (&grace, "vip"),
        (&grace, "VIP"),
        (&alan, "vip"),
        (&barbara, "vip"),
        (&edsger, "VIP"),
        (&edsger, "Speaker"),
    ] {
        sqlx::query("INSERT INTO person_tags (person_id, workspace_id, tag) VALUES ($1, $2, $3)")
            .bind(person)
            .bind(&workspace)
            .bind(tag)
            .execute(pool)
            .await
            .expect("insert");
    }
    sqlx::query("DELETE FROM data_steps")
        .execute(pool)
        .await
        .expect("delete");
    app.state
        .db
        .migrate()
        .await
        .expect("migrate and run the data steps");
    for (person, tags) in [
        (&grace, vec!["vip"]),
        (&alan, vec!["vip"]),
        (&edsger, vec!["Speaker", "vip"]),
    ] {
        assert_eq!(
            tags_of(&app, "person_tags", "person_id", person).await,
            tags,
            "{label}"
        );
    }
    let spelled: String = sqlx::query_scalar(
        "SELECT tag FROM tag_spellings WHERE kind = 'people' AND tag_key = 'vip'",
    )
    .fetch_one(pool)
    .await
    .expect("the spelling");
    assert_eq!(spelled, "vip", "{label}: the spelling most people carried");
}
