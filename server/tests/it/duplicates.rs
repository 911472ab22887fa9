//! Duplicates through the real router on each backend: adding a person or a company that shares
//! an e-mail address, a phone number, a name and company, a domain or a name with one already in
//! the workspace shows that one (with a link) before anything is stored, and adds anyway only
//! when asked, for the ones shown; two members adding the same person at the same moment; and
//! the "Possible duplicates" page, which lists the workspace's pairs and no other workspace's.

use axum::http::StatusCode;

use crate::people::{ada_and_mallory, add_person, api, api_ok};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, invite_and_join, post_form,
};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.78",
    user_agent: CHROME_ON_LINUX,
};

/// Posts the "Add" form of `list` (`/app/people`); returns the status and the page.
async fn post_new(
    app: &TestApp,
    cookie: &str,
    list: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = post_form(app, &format!("{list}/new"), fields, Some(cookie), CLIENT).await;
    let status = response.status();
    (status, body_text(response).await)
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.state.db.pool())
        .await
        .expect("count")
}

/// The sentence the form shows for one record that may be the one being added.
fn shown(kind: &str, id: &str, title: &str, why: &str) -> String {
    format!("<a href=\"/app/{kind}/{id}\">{title}</a> already exists: {why}.")
}

#[backend_test]
async fn a_person_who_shares_an_address_a_number_or_a_name_and_company_is_shown_before_saving(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let lovelace = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("company_name", "Analytical Engines"),
            ("email", "Ada@Engines.example"),
            ("phone", "+44 20 7946 0958"),
        ],
    )
    .await;
    let babbage = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Charles"),
            ("last_name", "Babbage"),
            ("email", "charles@engines.example"),
        ],
    )
    .await;
    api_ok(
        &app,
        "/api/people/add-contact",
        &[
            ("id", &babbage),
            ("kind", "PersonalEmail"),
            ("value", "cb@home.example"),
        ],
        &ada,
    )
    .await;
    add_person(
        &app,
        &mallory,
        &[("first_name", "Grace"), ("email", "grace@navy.example")],
    )
    .await;
    let people = count(&app, "people").await;

    // The main address in another case; a number typed with spaces; the name and company in
    // other cases and accents; a further address of someone else.
    let lovelace_as = |why: &str| {
        shown(
            "people",
            &lovelace,
            "Ada Lovelace at Analytical Engines",
            why,
        )
    };
    for (fields, expected) in [
        (
            vec![("first_name", "Augusta"), ("email", "ada@ENGINES.example")],
            lovelace_as("the same e-mail address"),
        ),
        (
            vec![("first_name", "Augusta"), ("phone", "+442079460958")],
            lovelace_as("the same phone number"),
        ),
        (
            vec![
                ("first_name", "ADA"),
                ("last_name", "Lovélace"),
                ("company_name", " analytical engines "),
            ],
            lovelace_as("the same name and company"),
        ),
        (
            vec![("first_name", "Chuck"), ("email", "CB@home.example")],
            shown(
                "people",
                &babbage,
                "Charles Babbage",
                "the same e-mail address",
            ),
        ),
    ] {
        let (status, page) = post_new(&app, &ada, "/app/people", &fields).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {fields:?}", app.label());
        assert!(
            page.contains(&expected),
            "{}: {fields:?} shows {expected}",
            app.label()
        );
        assert!(page.contains("This may already be in the workspace"));
        assert!(page.contains("Add this person anyway"), "{fields:?}");
        for (name, value) in &fields {
            assert!(
                page.contains(&format!("value=\"{}\"", value.replace('"', "&quot;"))),
                "{fields:?}: what was typed in {name} stays"
            );
        }
    }
    assert_eq!(
        count(&app, "people").await,
        people,
        "{}: nothing stored",
        app.label()
    );

    // Nobody in another workspace is a match, either way.
    let (status, _) = post_new(
        &app,
        &ada,
        "/app/people",
        &[("first_name", "Grace"), ("email", "grace@navy.example")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.label());
    let (status, _) = post_new(
        &app,
        &mallory,
        "/app/people",
        &[("first_name", "Ada"), ("email", "ada@engines.example")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.label());

    // Two matches; adding anyway past one of them still shows the other; past both, adds.
    let both = [
        ("first_name", "Augusta"),
        ("email", "charles@engines.example"),
        ("phone", "+44 20 7946 0958"),
    ];
    let (status, page) = post_new(&app, &ada, "/app/people", &both).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(page.contains("These may already be in the workspace"));
    assert!(page.contains(&lovelace_as("the same phone number")));
    assert!(page.contains(&shown(
        "people",
        &babbage,
        "Charles Babbage",
        "the same e-mail address"
    )));
    let mut past_one = both.to_vec();
    past_one.push(("add_anyway", &lovelace));
    let (status, page) = post_new(&app, &ada, "/app/people", &past_one).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(
        !page.contains(&lovelace_as("the same phone number")),
        "{}",
        app.label()
    );
    assert!(page.contains("Charles Babbage"));
    // The form sends back both: the one acknowledged before and the one shown now.
    assert!(
        page.contains(&format!(
            "name=\"add_anyway\" value=\"{lovelace} {babbage}\""
        )),
        "{}: {page}",
        app.label()
    );
    // Something that is not an id acknowledges nothing.
    let mut junk = both.to_vec();
    junk.push(("add_anyway", "'; DROP TABLE people; --"));
    let (status, _) = post_new(&app, &ada, "/app/people", &junk).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    let seen = format!("{lovelace} {babbage}");
    let mut past_both = both.to_vec();
    past_both.push(("add_anyway", &seen));
    let augusta = add_record(&app, &ada, "/app/people", &past_both, CLIENT).await;
    let stored: (String, Option<String>) =
        sqlx::query_as("SELECT first_name, phone FROM people WHERE id = $1")
            .bind(&augusta)
            .fetch_one(app.state.db.pool())
            .await
            .expect("stored");
    assert_eq!(
        stored,
        ("Augusta".to_owned(), Some("+442079460958".to_owned()))
    );

    // Field problems come first: nothing is looked up for a form that must be fixed anyway.
    let (status, page) = post_new(
        &app,
        &ada,
        "/app/people",
        &[("first_name", ""), ("email", "ada@engines.example")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label());
    assert!(!page.contains("already exists"));
}

#[backend_test]
async fn a_company_of_the_same_domain_or_number_is_shown_first_and_one_of_the_same_name_refuses_it(
    app: TestApp,
) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    let engines = add_record(
        &app,
        &ada,
        "/app/companies",
        &[
            ("name", "Analytical Engines"),
            ("domain", "engines.example"),
            ("phone", "+44 20 7946 0000"),
        ],
        CLIENT,
    )
    .await;
    let as_shown = |why: &str| {
        shown(
            "companies",
            &engines,
            "Analytical Engines (engines.example)",
            why,
        )
    };
    let (status, page) = post_new(
        &app,
        &ada,
        "/app/companies",
        &[("name", "Babbage & Co"), ("domain", "ENGINES.example")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(
        page.contains(&as_shown("the same web domain")),
        "{}",
        app.label()
    );
    assert!(page.contains("Add this company anyway"));
    assert!(
        page.contains("value=\"Babbage &amp; Co\""),
        "what was typed stays"
    );
    let (status, page) = post_new(
        &app,
        &ada,
        "/app/companies",
        &[("name", "Difference Ltd"), ("phone", "+442079460000")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", app.label());
    assert!(page.contains(&as_shown("the same phone number")));
    assert_eq!(count(&app, "companies").await, 1, "{}", app.label());

    // A name the workspace already has (in other cases and accents) cannot be added anyway: the
    // field says so, the company is linked, and no "anyway" button is offered.
    for add_anyway in ["", engines.as_str()] {
        let (status, page) = post_new(
            &app,
            &ada,
            "/app/companies",
            &[
                ("name", " analytical ENGINES "),
                ("domain", "other.example"),
                ("add_anyway", add_anyway),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label());
        assert!(page.contains(&as_shown("the same name")), "{}", app.label());
        assert!(
            page.contains("is already in this workspace. Use another name, or open that company.")
        );
        assert!(
            !page.contains("Add this company anyway"),
            "{}: no way past a taken name",
            app.label()
        );
    }

    let babbage = add_record(
        &app,
        &ada,
        "/app/companies",
        &[
            ("name", "Babbage & Co"),
            ("domain", "engines.example"),
            ("add_anyway", &engines),
        ],
        CLIENT,
    )
    .await;
    assert_ne!(babbage, engines);
    assert_eq!(count(&app, "companies").await, 2, "{}", app.label());
}

#[backend_test]
async fn two_members_adding_the_same_person_at_the_same_moment_add_them_once(app: TestApp) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    let bea = invite_and_join(&app, &ada, "bea@example.com", "member", "Bea", CLIENT).await;
    for (round, last_name) in ["Hopper", "Murray", "Brewster"].into_iter().enumerate() {
        let email = format!("grace{round}@navy.example");
        let fields = [
            ("first_name", "Grace"),
            ("last_name", last_name),
            ("email", email.as_str()),
        ];
        let (first, second) = tokio::join!(
            post_new(&app, &ada, "/app/people", &fields),
            post_new(&app, &bea, "/app/people", &fields),
        );
        let mut statuses = [first.0, second.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
            "{} round {round}: one added, the other shown them",
            app.label()
        );
        let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
            .bind(&email)
            .fetch_all(app.state.db.pool())
            .await
            .expect("stored");
        assert_eq!(stored.len(), 1, "{}", app.label());
        let refused = if first.0 == StatusCode::CONFLICT {
            &first.1
        } else {
            &second.1
        };
        assert!(
            refused.contains(&format!(
                "<a href=\"/app/people/{}\">Grace {last_name}</a>",
                stored[0]
            )),
            "{}: the second is shown the first",
            app.label()
        );
    }
}

#[backend_test]
async fn the_possible_duplicates_page_lists_the_workspaces_pairs_and_why(app: TestApp) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let (status, _) = api(&app, "/api/duplicates/list", &[], "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", app.label());
    let empty = body_text(get_page(&app, "/app/duplicates", Some(&ada)).await).await;
    assert!(
        empty.contains("No two people share an e-mail address"),
        "{}",
        app.label()
    );
    assert!(empty.contains("No two companies share a web domain or a phone number."));

    let first = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("company_name", "Engines"),
            ("email", "ada@engines.example"),
        ],
    )
    .await;
    let anyway = |ids: &[&str]| ids.join(" ");
    // The same name and company and the same address: one pair with both reasons.
    let second = add_record(
        &app,
        &ada,
        "/app/people",
        &[
            ("first_name", "ada"),
            ("last_name", "LOVELACE"),
            ("company_name", "engines"),
            ("email", "ADA@engines.example"),
            ("add_anyway", &anyway(&[&first])),
        ],
        CLIENT,
    )
    .await;
    // The same number as a further one of someone else.
    let babbage = add_person(
        &app,
        &ada,
        &[("first_name", "Charles"), ("last_name", "Babbage")],
    )
    .await;
    api_ok(
        &app,
        "/api/people/add-contact",
        &[
            ("id", &babbage),
            ("kind", "MobilePhone"),
            ("value", "+41 79 123 45 67"),
        ],
        &ada,
    )
    .await;
    let third = add_record(
        &app,
        &ada,
        "/app/people",
        &[
            ("first_name", "Chuck"),
            ("phone", "+41791234567"),
            ("add_anyway", &anyway(&[&babbage])),
        ],
        CLIENT,
    )
    .await;
    // A further address that another person has as a further one too.
    let dora = add_person(&app, &ada, &[("first_name", "Dora")]).await;
    for person in [&babbage, &dora] {
        api_ok(
            &app,
            "/api/people/add-contact",
            &[
                ("id", person.as_str()),
                ("kind", "PersonalEmail"),
                ("value", "Shared@Home.example"),
            ],
            &ada,
        )
        .await;
    }
    let engines = add_record(
        &app,
        &ada,
        "/app/companies",
        &[("name", "Engines"), ("domain", "engines.example")],
        CLIENT,
    )
    .await;
    let engines_two = add_record(
        &app,
        &ada,
        "/app/companies",
        &[
            ("name", "Engines Two"),
            ("domain", "engines.example"),
            ("add_anyway", &engines),
        ],
        CLIENT,
    )
    .await;
    // Mallory's workspace holds the same people and companies: none is paired with Ada's.
    for fields in [
        vec![
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("company_name", "Engines"),
            ("email", "ada@engines.example"),
        ],
        vec![("first_name", "Chuck"), ("phone", "+41791234567")],
    ] {
        add_person(&app, &mallory, &fields).await;
    }
    add_record(
        &app,
        &mallory,
        "/app/companies",
        &[("name", "Engines"), ("domain", "engines.example")],
        CLIENT,
    )
    .await;

    let body = api_ok(&app, "/api/duplicates/list", &[], &ada).await;
    let page: serde_json::Value = serde_json::from_str(&body).expect("json");
    let pairs = |kind: &str| -> Vec<(String, String, Vec<String>)> {
        page[kind]
            .as_array()
            .expect("pairs")
            .iter()
            .map(|pair| {
                (
                    pair["first"]["id"].as_str().expect("id").to_owned(),
                    pair["second"]["id"].as_str().expect("id").to_owned(),
                    pair["reasons"]
                        .as_array()
                        .expect("reasons")
                        .iter()
                        .map(|r| r.as_str().expect("reason").to_owned())
                        .collect(),
                )
            })
            .collect()
    };
    let mut people = pairs("people");
    // Babbage's two pairs come in the order of their ids.
    people[1..].sort();
    let mut babbages = vec![
        (babbage.clone(), third.clone(), vec!["Phone".to_owned()]),
        (babbage.clone(), dora.clone(), vec!["Email".to_owned()]),
    ];
    babbages.sort();
    let mut expected = vec![(
        first.clone(),
        second.clone(),
        vec!["Email".to_owned(), "NameAndCompany".to_owned()],
    )];
    expected.extend(babbages);
    assert_eq!(
        people,
        expected,
        "{}: Ada's pairs, oldest first, in the order of their names",
        app.label()
    );
    assert_eq!(
        pairs("companies"),
        vec![(
            engines.clone(),
            engines_two.clone(),
            vec!["Domain".to_owned()]
        )],
        "{}",
        app.label()
    );
    assert_eq!(page["more_people"], false);

    let html = body_text(get_page(&app, "/app/duplicates", Some(&ada)).await).await;
    for expected in [
        format!("<a href=\"/app/people/{first}\">Ada Lovelace at Engines</a>"),
        format!("<a href=\"/app/people/{second}\">ada LOVELACE at engines</a>"),
        "Both have the same e-mail address and the same name and company.".to_owned(),
        format!("<a href=\"/app/people/{third}\">Chuck</a>"),
        "Both have the same phone number.".to_owned(),
        format!("<a href=\"/app/companies/{engines_two}\">Engines Two (engines.example)</a>"),
        "Both have the same web domain.".to_owned(),
    ] {
        assert!(
            html.contains(&expected),
            "{}: the page lacks {expected}",
            app.label()
        );
    }

    // Mallory sees her own pairs only: none.
    let body = api_ok(&app, "/api/duplicates/list", &[], &mallory).await;
    let theirs: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(theirs["people"], serde_json::json!([]), "{}", app.label());
    assert_eq!(
        theirs["companies"],
        serde_json::json!([]),
        "{}",
        app.label()
    );
}

#[backend_test]
async fn people_stored_before_match_keys_get_theirs_once_when_the_server_starts(app: TestApp) {
    let (ada, _mallory) = ada_and_mallory(&app).await;
    let first = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Jürgen"),
            ("last_name", "Müller"),
            ("company_name", "Café"),
        ],
    )
    .await;
    let second = add_record(
        &app,
        &ada,
        "/app/people",
        &[
            ("first_name", "jurgen"),
            ("last_name", "MULLER"),
            ("company_name", "cafe"),
            ("add_anyway", &first),
        ],
        CLIENT,
    )
    .await;
    let pool = app.state.db.pool();
    // As the server stored them before migration 30: no key.
    sqlx::query("UPDATE people SET match_key = NULL")
        .execute(pool)
        .await
        .expect("update");
    let body = api_ok(&app, "/api/duplicates/list", &[], &ada).await;
    assert!(
        !body.contains(&second),
        "{}: no key, no pair yet",
        app.label()
    );
    sqlx::query("DELETE FROM data_steps WHERE name = '2026-12-07 people match keys'")
        .execute(pool)
        .await
        .expect("delete");
    app.state
        .db
        .migrate()
        .await
        .expect("migrate and run the data steps");
    let keys: Vec<Option<String>> =
        sqlx::query_scalar("SELECT match_key FROM people ORDER BY created_at")
            .fetch_all(pool)
            .await
            .expect("keys");
    assert_eq!(
        keys,
        vec![Some("muller jurgen\u{1f}cafe".to_owned()); 2],
        "{}",
        app.label()
    );
    let body = api_ok(&app, "/api/duplicates/list", &[], &ada).await;
    let page: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        page["people"][0]["first"]["id"],
        first.as_str(),
        "{}",
        app.label()
    );
    assert_eq!(page["people"][0]["second"]["id"], second.as_str());
    assert_eq!(
        page["people"][0]["reasons"],
        serde_json::json!(["NameAndCompany"])
    );
}

/// Posts "Not duplicates" for a pair as the page does; answers where it leads.
async fn say_different(
    app: &TestApp,
    cookie: &str,
    kind: &str,
    first: &str,
    second: &str,
) -> String {
    let response = post_form(
        app,
        "/app/duplicates/different",
        &[("kind", kind), ("first", first), ("second", second)],
        Some(cookie),
        CLIENT,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label());
    crate::support::browser::location(&response)
}

#[backend_test]
async fn a_pair_said_to_be_different_is_not_listed_again_and_the_others_still_are(app: TestApp) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let grace = add_person(
        &app,
        &ada,
        &[("first_name", "Grace"), ("email", "grace@navy.example")],
    )
    .await;
    let twin = |also: &str| {
        let also = also.to_owned();
        let (app, ada) = (&app, &ada);
        async move {
            add_record(
                app,
                ada,
                "/app/people",
                &[
                    ("first_name", "Grace"),
                    ("email", "grace@navy.example"),
                    ("add_anyway", &also),
                ],
                CLIENT,
            )
            .await
        }
    };
    let second = twin(&grace).await;
    let third = twin(&format!("{grace} {second}")).await;
    let listed = |page: &str, a: &str, b: &str| page.contains(a) && page.contains(b);
    let page = api_ok(&app, "/api/duplicates/list", &[], &ada).await;
    assert!(listed(&page, &grace, &second) && listed(&page, &grace, &third));

    // Refused: another workspace's member, a kind not merged, junk, a record with itself.
    for (cookie, kind, first, second) in [
        (&mallory, "people", grace.as_str(), second.as_str()),
        (&ada, "leads", grace.as_str(), second.as_str()),
        (&ada, "people", "'; DROP TABLE people; --", second.as_str()),
        (&ada, "people", grace.as_str(), grace.as_str()),
    ] {
        assert_eq!(
            say_different(&app, cookie, kind, first, second).await,
            "/app/duplicates?different=unknown",
            "{}: {kind} {first} {second}",
            app.label()
        );
    }
    let marks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM different_pairs")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(marks, 0, "{}", app.label());

    // Said by two members at the same moment, named either way round: kept once.
    let bea = invite_and_join(&app, &ada, "bea@example.com", "member", "Bea", CLIENT).await;
    let (a, b) = tokio::join!(
        say_different(&app, &ada, "people", &grace, &second),
        say_different(&app, &bea, "people", &second, &grace),
    );
    assert_eq!(a, "/app/duplicates?different=1", "{}", app.label());
    assert_eq!(b, "/app/duplicates?different=1", "{}", app.label());
    let marks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM different_pairs")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(marks, 1, "{}", app.label());
    // Grace and her second are no longer a pair; the third still pairs with Grace, the oldest
    // she may be (the second, with no older one she may be, pairs with none).
    let page: serde_json::Value =
        serde_json::from_str(&api_ok(&app, "/api/duplicates/list", &[], &ada).await).expect("json");
    let mut pairs: Vec<(String, String)> = page["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            let id = |side: &str| p[side]["id"].as_str().expect("id").to_owned();
            (id("first"), id("second"))
        })
        .collect();
    pairs.sort();
    assert_eq!(pairs, [(grace.clone(), third.clone())], "{}", app.label());
    let said = body_text(get_page(&app, "/app/duplicates?different=1", Some(&ada)).await).await;
    assert!(said.contains("Noted: that pair is not listed again."));
    assert!(said.contains("Not duplicates: Grace and Grace"));

    // Deleting one of them deletes what was said about it.
    let (status, body) = api(
        &app,
        "/api/records/delete",
        &[("kind", "People"), ("id", &second)],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let marks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM different_pairs")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(marks, 0, "{}", app.label());
}
