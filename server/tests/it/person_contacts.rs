//! A person's further e-mail addresses and phone numbers and their mailing addresses, through the
//! real router on each backend: added with their type (phones in E.164), found by search, shown on
//! the page and removed, each change in the timeline; bad, repeated and excess values refused with
//! what to fix; a lead converting onto a further address; and a member of another workspace who
//! can neither add to nor remove from this workspace's people.

use axum::http::StatusCode;
use serde_json::Value;

use crate::people::{ada_and_mallory, add_person, api, count};
use crate::support::browser::{CHROME_ON_LINUX, Client, add_record, get_page, sign_up_and_log_in};
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.81",
    user_agent: CHROME_ON_LINUX,
};

async fn add_grace(app: &TestApp, cookie: &str) -> String {
    add_person(
        app,
        cookie,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "grace@navy.example"),
            ("phone", "+44 20 7946 0958"),
        ],
    )
    .await
}

async fn add_contact(
    app: &TestApp,
    cookie: &str,
    id: &str,
    kind: &str,
    value: &str,
) -> (StatusCode, String) {
    api(
        app,
        "/api/people/add-contact",
        &[("id", id), ("kind", kind), ("value", value)],
        cookie,
    )
    .await
}

/// The address form's fields, each as `address[name]`.
async fn add_address(
    app: &TestApp,
    cookie: &str,
    id: &str,
    parts: &[(&str, &str)],
) -> (StatusCode, String) {
    let keys: Vec<String> = parts
        .iter()
        .map(|(name, _)| format!("address[{name}]"))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("id", id)];
    fields.extend(
        keys.iter()
            .map(String::as_str)
            .zip(parts.iter().map(|p| p.1)),
    );
    api(app, "/api/people/add-address", &fields, cookie).await
}

const GENEVA: [(&str, &str); 6] = [
    ("kind", "home"),
    ("street", "  Rue   Neuve 12 "),
    ("city", "Genève"),
    ("region", ""),
    ("postal_code", "1201"),
    ("country", "Switzerland"),
];

async fn remove(
    app: &TestApp,
    cookie: &str,
    id: &str,
    list: &str,
    item: &str,
) -> (StatusCode, String) {
    api(
        app,
        "/api/people/remove-item",
        &[("id", id), ("list", list), ("item", item)],
        cookie,
    )
    .await
}

fn json(status: StatusCode, body: &str) -> Value {
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(body).expect("json")
}

/// The names on the people list's first page for this search.
async fn found(app: &TestApp, cookie: &str, q: &str) -> bool {
    let (status, body) = api(app, "/api/people/list", &[("query[q]", q)], cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.contains("Hopper")
}

async fn stored_items(app: &TestApp, id: &str) -> (i64, i64) {
    (
        count(
            app,
            "SELECT COUNT(*) FROM person_contacts WHERE person_id = $1",
            id,
        )
        .await,
        count(
            app,
            "SELECT COUNT(*) FROM person_addresses WHERE person_id = $1",
            id,
        )
        .await,
    )
}

#[backend_test]
async fn further_addresses_and_numbers_are_added_with_their_type_found_by_search_and_removed_each_in_the_timeline(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_grace(&app, &ada).await;
    assert!(!found(&app, &ada, "home.example").await);

    let (status, body) =
        add_contact(&app, &ada, &id, "PersonalEmail", " grace@Home.Example ").await;
    let record = json(status, &body);
    let contact = &record["person"]["contacts"][0];
    assert_eq!(contact["kind"], "PersonalEmail", "{}", app.label());
    assert_eq!(contact["value"], "grace@home.example");
    assert_eq!(record["person"]["version"], 2);
    assert_eq!(
        record["timeline"][0]["event"]["Changed"],
        serde_json::json!({
            "field": "contacts",
            "old": "",
            "new": "Personal e-mail: grace@home.example"
        })
    );
    let (status, body) = add_contact(&app, &ada, &id, "MobilePhone", "0041 79 123 45 67").await;
    let record = json(status, &body);
    // Stored in E.164, shown in international form (the workspace has no country).
    assert_eq!(record["person"]["contacts"][1]["value"], "+41 79 123 45 67");
    assert_eq!(record["person"]["contacts"][1]["kind"], "MobilePhone");

    // Search looks in them as in the main ones: part of the address, the number's digits.
    assert!(found(&app, &ada, "home.example").await);
    assert!(found(&app, &ada, "079 123 45 67").await);
    assert!(found(&app, &ada, "navy").await);

    let personal = record["person"]["contacts"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, body) = remove(&app, &ada, &id, "Contacts", &personal).await;
    let record = json(status, &body);
    assert_eq!(
        record["person"]["contacts"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        record["timeline"][0]["event"]["Changed"]["old"],
        "Personal e-mail: grace@home.example"
    );
    assert!(!found(&app, &ada, "home.example").await);
    // Removed twice: it is no longer there.
    let (status, _) = remove(&app, &ada, &id, "Contacts", &personal).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(stored_items(&app, &id).await, (1, 0));
}

#[backend_test]
async fn a_mailing_address_is_kept_in_its_parts_shown_as_a_letter_shows_it_and_removed(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_grace(&app, &ada).await;
    let (status, body) = add_address(&app, &ada, &id, &GENEVA).await;
    let record = json(status, &body);
    let address = &record["person"]["addresses"][0];
    assert_eq!(address["kind"], "Home", "{}", app.label());
    assert_eq!(address["street"], "Rue Neuve 12");
    assert_eq!(address["postal_code"], "1201");
    assert_eq!(address["region"], "");
    assert_eq!(
        record["timeline"][0]["event"]["Changed"]["new"],
        "Home: Rue Neuve 12, 1201 Genève, Switzerland"
    );
    let page = body_text(get_page(&app, &format!("/app/people/{id}"), Some(&ada)).await).await;
    assert!(page.contains("Mailing addresses"), "{page}");
    assert!(page.contains("<span>1201 Genève</span>"), "{page}");
    assert!(
        page.contains("Remove the home address Rue Neuve 12, 1201 Genève, Switzerland"),
        "{page}"
    );

    let item = address["id"].as_str().expect("id").to_owned();
    let (status, body) = remove(&app, &ada, &id, "Addresses", &item).await;
    let record = json(status, &body);
    assert_eq!(
        record["person"]["addresses"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(stored_items(&app, &id).await, (0, 0));
}

#[backend_test]
async fn bad_repeated_and_excess_contacts_and_addresses_are_refused_with_what_to_fix_and_nothing_is_stored(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_grace(&app, &ada).await;
    for (kind, value, says) in [
        ("WorkEmail", "", "Enter the e-mail address to add."),
        ("WorkEmail", "not an address", "like name@example.com"),
        (
            "WorkEmail",
            &format!("{}@example.com", "a".repeat(250)),
            "at most 254",
        ),
        ("PersonalPhone", "079 123 45 67", "with its country code"),
        ("WorkPhone", "+1 555 CALL NOW", "Use only digits"),
        (
            "WorkPhone",
            "+44 12",
            "too short for a phone number in United Kingdom",
        ),
        (
            "WorkPhone",
            "+44 20 7946 0958 1234",
            "too long for a phone number in United Kingdom",
        ),
        (
            "WorkPhone",
            "+999 1234 5678",
            "No country has this country code",
        ),
        ("WorkPhone", "+41 44\u{0} 668", "Use only digits"),
        // Hers already, as her main address or number (in another case or spelling).
        (
            "PersonalEmail",
            "GRACE@navy.example",
            "Grace Hopper already has this e-mail address.",
        ),
        (
            "MobilePhone",
            "0044 20 7946 0958",
            "Grace Hopper already has this phone number.",
        ),
    ] {
        let (status, body) = add_contact(&app, &ada, &id, kind, value).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind} {value:?}: {body}"
        );
        assert!(body.contains(says), "{kind} {value:?}: {body}");
        assert!(body.contains("\"field\":\"value\""), "{body}");
    }
    // A type the form does not offer is not taken either.
    let (status, body) = add_contact(&app, &ada, &id, "Fax", "+41 44 668 18 00").await;
    assert!(status.is_client_error(), "{status}: {body}");
    assert!(!body.to_lowercase().contains("panic"), "{body}");

    // Ten further ones at most; a repeat of a further one is refused like a main one.
    for n in 0..10 {
        let (status, body) = add_contact(
            &app,
            &ada,
            &id,
            "WorkEmail",
            &format!("grace{n}@navy.example"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{n}: {body}");
    }
    let (status, body) = add_contact(&app, &ada, &id, "WorkEmail", "grace3@NAVY.example").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("already has this e-mail address"), "{body}");
    let (status, body) = add_contact(&app, &ada, &id, "WorkEmail", "grace10@navy.example").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at most 10"), "{body}");

    let with = |name: &str, value: &'static str| -> Vec<(String, &'static str)> {
        GENEVA
            .iter()
            .map(|(n, v)| (n.to_string(), if *n == name { value } else { v }))
            .collect()
    };
    for (name, value, says) in [
        ("street", "   ", "Enter the street and number."),
        ("city", "", "Enter the city."),
        ("country", "", "Enter the country."),
        ("country", "756", "Write the country's name"),
        (
            "postal_code",
            "<script>",
            "Use only letters, digits, spaces and hyphens",
        ),
        ("street", "Rue Neuve\n12", "Remove the line breaks"),
        ("kind", "castle", "Choose work, home or other."),
    ] {
        let parts = with(name, value);
        let parts: Vec<(&str, &str)> = parts.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        let (status, body) = add_address(&app, &ada, &id, &parts).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        assert!(body.contains(says), "{name}: {body}");
        assert!(body.contains(&format!("\"field\":\"{name}\"")), "{body}");
    }
    let long = "x".repeat(201);
    let parts: Vec<(&str, &str)> = GENEVA
        .iter()
        .map(|(n, v)| (*n, if *n == "street" { long.as_str() } else { *v }))
        .collect();
    let (status, body) = add_address(&app, &ada, &id, &parts).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at most 200 characters"), "{body}");
    for _ in 0..5 {
        let (status, body) = add_address(&app, &ada, &id, &GENEVA).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = add_address(&app, &ada, &id, &GENEVA).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at most 5 mailing addresses"), "{body}");
    assert_eq!(stored_items(&app, &id).await, (10, 5));

    // Deleting her deletes them.
    let (status, _) = crate::people::bulk(&app, &ada, &[&id], "Delete", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored_items(&app, &id).await, (0, 0));
}

#[backend_test]
async fn the_main_email_address_and_phone_number_have_a_type_and_an_email_address_is_never_mobile(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_grace(&app, &ada).await;
    let save =
        |field: &'static str, value: &'static str, base: &'static str, version: &'static str| {
            let (app, ada, id) = (&app, &ada, &id);
            async move {
                api(
                    app,
                    "/api/people/save-field",
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
    let (status, body) = save("EmailType", "personal", "work", "1").await;
    let record = json(status, &body);
    assert_eq!(
        record["person"]["email_kind"],
        "Personal",
        "{}",
        app.label()
    );
    assert_eq!(
        record["timeline"][0]["event"]["Changed"],
        serde_json::json!({"field": "email_kind", "old": "Work", "new": "Personal"})
    );
    let (status, body) = save("PhoneType", "mobile", "work", "2").await;
    assert_eq!(json(status, &body)["person"]["phone_kind"], "Mobile");
    let (status, body) = save("EmailType", "mobile", "personal", "3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Choose work or personal."), "{body}");
    let (status, body) = save("PhoneType", "fax", "mobile", "3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Choose work, personal or mobile."), "{body}");
}

#[backend_test]
async fn a_lead_converts_onto_the_person_with_its_address_among_their_further_ones(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", CLIENT).await;
    let id = add_grace(&app, &ada).await;
    let (status, body) =
        add_contact(&app, &ada, &id, "PersonalEmail", "amazing@grace.example").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lead = add_record(
        &app,
        &ada,
        "/app/leads",
        &[
            ("name", "Amazing Grace"),
            ("email", "Amazing@grace.example"),
            ("source", "Event"),
        ],
        CLIENT,
    )
    .await;
    let (status, body) = api(
        &app,
        "/api/leads/convert",
        &[
            ("id", lead.as_str()),
            ("version", "1"),
            ("choice[add_company]", "false"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label());
    assert!(body.contains("\"matched\":true"), "{body}");
    assert!(body.contains(&id), "{body}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM people WHERE id <> $1", &id).await,
        0
    );

    // An opportunity finds her by it too.
    let opportunity = add_record(
        &app,
        &ada,
        "/app/opportunities",
        &[
            ("name", "Pilot"),
            ("amount", "0"),
            ("close_on", "2027-01-15"),
        ],
        CLIENT,
    )
    .await;
    let (status, body) = api(
        &app,
        "/api/opportunities/add-person",
        &[
            ("id", opportunity.as_str()),
            ("email", "AMAZING@grace.example"),
        ],
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Grace Hopper"), "{body}");
}

#[backend_test]
async fn a_member_of_another_workspace_can_neither_add_to_nor_remove_from_this_workspaces_people(
    app: TestApp,
) {
    let (ada, mallory) = ada_and_mallory(&app).await;
    let id = add_grace(&app, &ada).await;
    let (status, body) = add_contact(&app, &ada, &id, "WorkPhone", "+41 44 668 18 00").await;
    let contact = json(status, &body)["person"]["contacts"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, body) = add_address(&app, &ada, &id, &GENEVA).await;
    let address = json(status, &body)["person"]["addresses"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mallorys = add_person(&app, &mallory, &[("first_name", "Eve")]).await;

    let (status, body) = add_contact(&app, &mallory, &id, "WorkEmail", "pwned@example.com").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}: {body}", app.label());
    let (status, _) = add_address(&app, &mallory, &id, &GENEVA).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (person, list, item) in [
        (id.as_str(), "Contacts", contact.as_str()),
        (id.as_str(), "Addresses", address.as_str()),
        // Her own person with Ada's items: not theirs either.
        (mallorys.as_str(), "Contacts", contact.as_str()),
        (mallorys.as_str(), "Addresses", address.as_str()),
    ] {
        let (status, body) = remove(&app, &mallory, person, list, item).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{list}: {body}");
        assert!(
            !body.contains("Hopper") && !body.contains("Neuve"),
            "{body}"
        );
    }
    // Nor can Ada remove one person's item through another of her people.
    let other = add_person(&app, &ada, &[("first_name", "Ada")]).await;
    let (status, _) = remove(&app, &ada, &other, "Contacts", &contact).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(stored_items(&app, &id).await, (1, 1));
    let (status, _) = add_contact(
        &app,
        "candor_session=forged",
        &id,
        "WorkEmail",
        "pwned@example.com",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
