//! Exports through the real router on each backend: a list's people (its search and filters, in
//! its order, every match however many) downloaded as CSV and vCard, read back by the import's
//! own readers; no other workspace's people; a session needed and a filter that cannot be read
//! refused; every export in the workspace's audit trail, a download abandoned part-way recorded
//! as unfinished; several exports at once.

use std::io::Cursor;

use axum::body::{Body, HttpBody};
use axum::http::{Response, StatusCode, header};
use crm_addressbook::columns::Mapping;
use crm_addressbook::csv::Table;
use crm_addressbook::text::{Lines, detect};
use crm_addressbook::vcard::Cards;
use crm_addressbook::{Contact, Kind};

use crate::people::{ada_and_mallory, add_person, api, api_ok};
use crate::support::browser::get_page;
use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

/// The rows of a CSV export as contacts, with each row's own columns after them by header.
fn csv_rows(bytes: &[u8]) -> Vec<(Contact, Vec<(String, String)>)> {
    assert!(
        bytes.starts_with(&[0xef, 0xbb, 0xbf]),
        "a byte-order mark for Excel"
    );
    let mut file = Cursor::new(bytes.to_vec());
    let encoding = detect(&mut file).expect("in memory");
    let mut table = Table::open(Lines::new(file, encoding))
        .expect("in memory")
        .expect("a header");
    let headers = table.headers().to_vec();
    let mapping = Mapping::guess(&headers);
    let mut rows = Vec::new();
    while let Some(row) = table.next_row().expect("in memory") {
        let row = row.expect("every row reads");
        let own: Vec<(String, String)> = headers
            .iter()
            .zip(&row.cells)
            .zip(&mapping.fields)
            .filter(|(_, field)| field.as_string() == "skip")
            .map(|((header, cell), _)| (header.clone(), cell.clone()))
            .collect();
        rows.push((mapping.contact(&row), own));
    }
    rows
}

fn vcard_cards(bytes: &[u8]) -> Vec<Contact> {
    let mut file = Cursor::new(bytes.to_vec());
    let encoding = detect(&mut file).expect("in memory");
    let mut cards = Cards::new(Lines::new(file, encoding));
    let mut all = Vec::new();
    while let Some(card) = cards.next_card().expect("in memory") {
        all.push(card.expect("every card reads"));
    }
    all
}

/// Downloads an export; the status, the headers that matter, and the body.
async fn download(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String, String, Vec<u8>) {
    let response = get_page(app, path, cookie).await;
    let status = response.status();
    let header_of = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (kind, disposition) = (
        header_of(header::CONTENT_TYPE),
        header_of(header::CONTENT_DISPOSITION),
    );
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .expect("the whole body");
    (status, kind, disposition, bytes.to_vec())
}

fn names(contacts: &[Contact]) -> Vec<String> {
    contacts
        .iter()
        .map(|c| format!("{} {}", c.given_name, c.family_name))
        .collect()
}

/// The workspace's export events: (format, filter's q and tag, rows, finished), oldest first.
async fn exports_recorded(
    app: &TestApp,
    workspace: &str,
) -> Vec<(String, String, String, i64, bool)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail FROM audit_events a JOIN workspaces w ON w.id = a.workspace_id
         WHERE w.name = $1 ORDER BY a.at, a.id",
    )
    .bind(workspace)
    .fetch_all(app.state.db.pool())
    .await
    .expect("the trail");
    rows.into_iter()
        .map(|(action, detail)| {
            assert_eq!(action, "export");
            let detail: serde_json::Value = serde_json::from_str(&detail).expect("JSON");
            (
                detail["format"].as_str().unwrap_or_default().to_owned(),
                detail["filter"]["q"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                detail["filter"]["tag"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                detail["rows"].as_i64().unwrap_or(-1),
                detail["finished"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

#[backend_test]
async fn a_lists_people_export_as_csv_and_vcard_with_its_search_and_filters_and_nobody_elses(
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
            ("job_title", "Analyst"),
            ("email", "ada@engines.example"),
            ("phone", "+44 20 7946 0958"),
            ("tags", "vip, mathematics"),
        ],
    )
    .await;
    let babbage = add_person(
        &app,
        &ada,
        &[
            ("first_name", "Charles"),
            ("last_name", "Babbage"),
            ("tags", "vip"),
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
        &[("first_name", "Mallory"), ("last_name", "Mole")],
    )
    .await;
    // Babbage's further e-mail address, mailing address and two notes.
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
    let address = [
        ("id", babbage.as_str()),
        ("address[kind]", "home"),
        ("address[street]", "1 Dorset Street"),
        ("address[city]", "London"),
        ("address[region]", ""),
        ("address[postal_code]", "W1U 4EG"),
        ("address[country]", "United Kingdom"),
    ];
    let (status, body) = api(&app, "/api/people/add-address", &address, &ada).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for note in [
        "Met at the Royal Society, 1833.",
        "Owes us a \"difference engine\"; ask in March.",
    ] {
        api_ok(
            &app,
            "/api/records/add-note",
            &[("kind", "People"), ("id", &babbage), ("body", note)],
            &ada,
        )
        .await;
    }

    // Everyone, by last name, as CSV.
    let (status, kind, disposition, bytes) =
        download(&app, "/app/people/export.csv", Some(&ada)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert!(
        disposition.starts_with("attachment; filename=\"people-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let rows = csv_rows(&bytes);
    let contacts: Vec<Contact> = rows.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(
        names(&contacts),
        ["Charles Babbage", "Grace Hopper", "Ada Lovelace"]
    );
    let ada_row = &contacts[2];
    assert_eq!(ada_row.emails[0].value, "ada@engines.example");
    assert_eq!(ada_row.phones[0].value, "+442079460958");
    assert_eq!(
        (ada_row.company.as_str(), ada_row.job_title.as_str()),
        ("Analytical Engines", "Analyst")
    );
    assert_eq!(ada_row.tags, ["mathematics", "vip"]);
    let charles = &contacts[0];
    assert_eq!(charles.emails.len(), 1, "no main address, one further one");
    assert_eq!(
        (charles.emails[0].value.as_str(), charles.emails[0].kind),
        ("cb@home.example", Kind::Home)
    );
    assert_eq!(charles.addresses.len(), 1);
    assert_eq!(
        (
            charles.addresses[0].street.as_str(),
            charles.addresses[0].postal_code.as_str(),
            charles.addresses[0].kind
        ),
        ("1 Dorset Street", "W1U 4EG", Kind::Home)
    );
    assert_eq!(
        charles.notes,
        "Met at the Royal Society, 1833.\n\nOwes us a \"difference engine\"; ask in March."
    );
    let own = |i: usize, header: &str| {
        rows[i]
            .1
            .iter()
            .find(|(h, _)| h == header)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(own(2, "Candor ID"), lovelace);
    assert!(!own(2, "Owner").is_empty(), "the owner's name");
    assert_eq!(own(2, "Marketing permission"), "Not asked yet");
    assert_eq!(own(2, "Added").len(), 10, "a date: {}", own(2, "Added"));

    // The tag's people only, and a search's.
    let (_, _, _, bytes) = download(&app, "/app/people/export.csv?tag=vip", Some(&ada)).await;
    let tagged: Vec<Contact> = csv_rows(&bytes).into_iter().map(|(c, _)| c).collect();
    assert_eq!(names(&tagged), ["Charles Babbage", "Ada Lovelace"]);
    let (_, kind, disposition, bytes) =
        download(&app, "/app/people/export.vcf?q=grace", Some(&ada)).await;
    assert_eq!(kind, "text/vcard; charset=utf-8");
    assert!(disposition.ends_with(".vcf\""), "{disposition}");
    assert_eq!(names(&vcard_cards(&bytes)), ["Grace Hopper"]);
    // Everyone as vCard: the same people, the same details.
    let (_, _, _, bytes) = download(&app, "/app/people/export.vcf", Some(&ada)).await;
    let cards = vcard_cards(&bytes);
    assert_eq!(
        names(&cards),
        ["Charles Babbage", "Grace Hopper", "Ada Lovelace"]
    );
    let strip = |mut c: Contact| {
        c.line = 0;
        c.full_name.clear();
        c
    };
    let from_csv: Vec<Contact> = contacts.into_iter().map(strip).collect();
    let from_vcard: Vec<Contact> = cards.into_iter().map(strip).collect();
    assert_eq!(from_vcard, from_csv);

    // Mallory's export is hers alone.
    let (_, _, _, bytes) = download(&app, "/app/people/export.csv", Some(&mallory)).await;
    let theirs: Vec<Contact> = csv_rows(&bytes).into_iter().map(|(c, _)| c).collect();
    assert_eq!(names(&theirs), ["Mallory Mole"]);

    // Each export is in its workspace's trail: format, filter, rows, finished.
    let s = |text: &str| text.to_owned();
    assert_eq!(
        exports_recorded(&app, "Workspace A").await,
        [
            (s("csv"), s(""), s(""), 3, true),
            (s("csv"), s(""), s("vip"), 2, true),
            (s("vcf"), s("grace"), s(""), 1, true),
            (s("vcf"), s(""), s(""), 3, true),
        ]
    );
    assert_eq!(
        exports_recorded(&app, "Workspace B").await,
        [(s("csv"), s(""), s(""), 1, true)]
    );

    // Compressed on the way, as browsers ask for it: the stream ends once, whole (the
    // compression layer asks a body for more after its end, which must answer "ended").
    let request = axum::http::Request::get("/app/people/export.vcf")
        .header(header::COOKIE, ada.as_str())
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let zipped = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("the whole body");
    assert!(zipped.starts_with(&[0x1f, 0x8b]), "gzip");

    // The list's order and page do not narrow an export.
    let (status, _, _, bytes) = download(
        &app,
        "/app/people/export.csv?tag=vip&sort=newest&after=junk",
        Some(&ada),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let tagged: Vec<Contact> = csv_rows(&bytes).into_iter().map(|(c, _)| c).collect();
    assert_eq!(names(&tagged), ["Charles Babbage", "Ada Lovelace"]);

    // The list offers both files for what it shows.
    let page = body_text(get_page(&app, "/app/people?tag=vip", Some(&ada)).await).await;
    assert!(
        page.contains(r#"href="/app/people/export.csv?tag=vip""#),
        "{page}"
    );
    assert!(page.contains(r#"href="/app/people/export.vcf?tag=vip""#));
    app.cleanup().await;
}

#[backend_test]
async fn an_export_needs_a_session_and_refuses_a_filter_it_cannot_read(app: TestApp) {
    let (ada, _) = ada_and_mallory(&app).await;
    add_person(
        &app,
        &ada,
        &[("first_name", "Ada"), ("last_name", "Lovelace")],
    )
    .await;
    let response = get_page(&app, "/app/people/export.csv", None).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        crate::support::browser::location(&response),
        "/login?next=/app/people/export.csv"
    );
    let (status, _, _, body) =
        download(&app, "/app/people/export.csv?owner=nobody", Some(&ada)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        String::from_utf8_lossy(&body),
        "Choose an owner from the list."
    );
    let (status, _, _, _) = download(&app, "/app/people/export.csv?q=one&q=two", Some(&ada)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Nothing was exported, so nothing is in the trail.
    assert!(exports_recorded(&app, "Workspace A").await.is_empty());
    app.cleanup().await;
}

/// The ids in a CSV export's "Candor ID" column.
fn exported_ids(bytes: &[u8]) -> Vec<String> {
    csv_rows(bytes)
        .into_iter()
        .map(|(_, own)| {
            own.into_iter()
                .find(|(h, _)| h == "Candor ID")
                .map(|(_, id)| id)
                .expect("an id")
        })
        .collect()
}

#[backend_test]
async fn thousands_of_people_export_whole_in_batches_and_several_exports_run_at_once(app: TestApp) {
    let (ada, _) = ada_and_mallory(&app).await;
    let db = &app.state.db;
    let workspace = crm_backend::seed::workspace_named(db, "Workspace A")
        .await
        .expect("seeded");
    crm_backend::seed::seed_people(db, workspace, 2_345, 7)
        .await
        .expect("seeded");
    let mut stored: Vec<String> =
        sqlx::query_scalar("SELECT id FROM people WHERE workspace_id = $1")
            .bind(workspace.to_string())
            .fetch_all(db.pool())
            .await
            .expect("ids");
    stored.sort();
    let (csv, vcard, again) = tokio::join!(
        download(&app, "/app/people/export.csv", Some(&ada)),
        download(&app, "/app/people/export.vcf", Some(&ada)),
        download(&app, "/app/people/export.csv", Some(&ada)),
    );
    for (status, _, _, _) in [&csv, &vcard, &again] {
        assert_eq!(*status, StatusCode::OK);
    }
    let mut ids = exported_ids(&csv.3);
    assert_eq!(ids.len(), 2_345);
    assert_eq!(
        exported_ids(&again.3),
        ids,
        "the same rows in the same order"
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids, stored, "every person once, nobody else");
    assert_eq!(vcard_cards(&vcard.3).len(), 2_345);
    let recorded = exports_recorded(&app, "Workspace A").await;
    assert_eq!(recorded.len(), 3);
    assert!(
        recorded
            .iter()
            .all(|(_, _, _, rows, finished)| *rows == 2_345 && *finished),
        "{recorded:?}"
    );
    app.cleanup().await;
}

#[backend_test]
async fn a_download_abandoned_part_way_is_recorded_as_unfinished(app: TestApp) {
    let (ada, _) = ada_and_mallory(&app).await;
    let db = &app.state.db;
    let workspace = crm_backend::seed::workspace_named(db, "Workspace A")
        .await
        .expect("seeded");
    crm_backend::seed::seed_people(db, workspace, 3_000, 11)
        .await
        .expect("seeded");
    let response: Response<Body> = get_page(&app, "/app/people/export.csv", Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    // Read the first chunk only, then go away.
    let first = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx))
        .await
        .expect("a first chunk")
        .expect("readable");
    assert!(first.data_ref().is_some_and(|data| !data.is_empty()));
    drop(body);
    let mut recorded = Vec::new();
    for _ in 0..100 {
        recorded = exports_recorded(&app, "Workspace A").await;
        if !recorded.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(recorded.len(), 1, "the export is in the trail");
    let (_, _, _, rows, finished) = &recorded[0];
    assert!(!finished, "it did not finish");
    assert!(
        *rows > 0 && *rows < 3_000,
        "{rows} rows went out before it stopped"
    );
    app.cleanup().await;
}
