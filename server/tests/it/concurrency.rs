//! A team at work at once, through the real router on each backend: every page with many requests
//! in flight, and every kind of write sent by many writers at once, on the same record and on
//! different ones. Requests run on a multi-threaded runtime, as in the server, so renders and
//! transactions really overlap. A request sent one at a time hides races; these do not.
//!
//! What must hold: no answer is a 5xx and nothing panics; every write acknowledged is stored; a
//! write that clashes with another is answered as a conflict (409), never as a fault.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use serde_json::Value;

use crate::people::{api, count};
use crate::support::browser::{
    CHROME_ON_LINUX, Client, add_record, get_page, location, post_form, sign_up_and_log_in,
};
use crate::support::{TestApp, body_text, kind_name};
use crm_test_macros::backend_test;

const CLIENT: Client = Client {
    ip: "198.51.100.31",
    user_agent: CHROME_ON_LINUX,
};

/// How many requests are in flight at once while the pages are read.
const PAGES_IN_FLIGHT: usize = 32;
/// How many times each page is asked for.
const PAGE_ROUNDS: usize = 8;
/// How many writers write at once.
const WRITERS: usize = 8;

/// The runtime's worker threads carry this name, so the panic counter counts only panics of the
/// requests these tests send.
const WORKER_THREAD: &str = "crm-at-once";
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Runs a test on a multi-threaded runtime like the server's, counting panics on its threads.
fn at_once_runtime<F: Future<Output = ()>>(test: F) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(WORKER_THREAD) {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .thread_name(WORKER_THREAD)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test);
}

/// Runs `jobs` with at most `in_flight` of them at once, each a task of its own; answers their
/// outputs in the jobs' order.
async fn run_all<T, Fut>(in_flight: usize, jobs: Vec<Fut>) -> Vec<T>
where
    T: Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let permits = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = Vec::with_capacity(jobs.len());
    for job in jobs {
        let permits = permits.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.expect("open semaphore");
            job.await
        }));
    }
    let mut outputs = Vec::with_capacity(tasks.len());
    for task in tasks {
        outputs.push(task.await.expect("a request task never panics"));
    }
    outputs
}

/// One record of each kind (and a task about nothing in particular), added by the member with this
/// session: the list's path segment ("people") and the record's id.
pub(crate) async fn one_record_of_each_kind(
    app: &TestApp,
    cookie: &str,
) -> HashMap<&'static str, String> {
    let company = add_record(
        app,
        cookie,
        "/app/companies",
        &[("name", "Analytical Engines")],
        CLIENT,
    )
    .await;
    let person = add_record(
        app,
        cookie,
        "/app/people",
        &[
            ("first_name", "Charles"),
            ("last_name", "Babbage"),
            ("email", "charles@engines.example"),
            ("company_name", "Analytical Engines"),
        ],
        CLIENT,
    )
    .await;
    let lead = add_record(
        app,
        cookie,
        "/app/leads",
        &[
            ("name", "Augusta King"),
            ("email", "augusta@engines.example"),
            ("company_name", "Analytical Engines"),
            ("source", "Referral"),
        ],
        CLIENT,
    )
    .await;
    let opportunity = add_record(
        app,
        cookie,
        "/app/opportunities",
        &[
            ("name", "Difference engine"),
            ("amount", "17000"),
            ("close_on", "2027-03-31"),
            ("company", "Analytical Engines"),
        ],
        CLIENT,
    )
    .await;
    let (status, task) = crate::tasks::add_task(
        app,
        cookie,
        "Order more punched cards",
        "2027-03-01",
        "",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{task}");
    HashMap::from([
        ("people", person),
        ("companies", company),
        ("leads", lead),
        ("opportunities", opportunity),
        ("tasks", crate::tasks::task_id(&task)),
    ])
}

/// Every page route of the router as a path to ask for: a record's page names one of `records`,
/// a link's token is one that was never issued, and a policy version is the first.
pub(crate) fn page_paths(records: &HashMap<&'static str, String>) -> Vec<String> {
    server::page_routes()
        .into_iter()
        .map(|route| {
            let segments: Vec<String> = route
                .split('/')
                .map(|segment| {
                    let name = segment
                        .strip_prefix(':')
                        .or_else(|| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')));
                    match name {
                        None => segment.to_owned(),
                        Some("id") => {
                            let list = route.split('/').nth(2).unwrap_or_default();
                            records
                                .get(list)
                                .unwrap_or_else(|| {
                                    panic!("{route}: add a record of this kind to the test")
                                })
                                .clone()
                        }
                        Some("token") => "never-issued-token".to_owned(),
                        Some("version") => "1".to_owned(),
                        Some(other) => panic!("{route}: no value for :{other} in the test"),
                    }
                })
                .collect();
            segments.join("/")
        })
        .collect()
}

/// What one page load answered.
struct Seen {
    what: String,
    status: StatusCode,
    whole: bool,
}

#[backend_test(runtime = at_once_runtime)]
async fn every_page_answers_without_a_server_error_or_a_panic_with_many_requests_in_flight(
    app: TestApp,
) {
    let panics_before = PANICS.load(Ordering::SeqCst);
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical", CLIENT).await;
    let records = one_record_of_each_kind(&app, &ada).await;
    let paths = page_paths(&records);
    assert!(paths.len() >= 30, "the route list is read whole: {paths:?}");
    let app = Arc::new(app);
    let mut jobs = Vec::new();
    for round in 0..PAGE_ROUNDS {
        for path in &paths {
            // Logged in; and the public pages as a visitor too.
            let visits = if path.starts_with("/app") {
                vec![Some(ada.clone())]
            } else {
                vec![Some(ada.clone()), None]
            };
            for cookie in visits {
                let (app, path) = (app.clone(), path.clone());
                jobs.push(Box::pin(async move {
                    let response = get_page(&app, &path, cookie.as_deref()).await;
                    seen(format!("GET {path}"), response).await
                })
                    as std::pin::Pin<Box<dyn Future<Output = Seen> + Send>>);
            }
        }
        // A record that is not there, of each kind.
        for list in ["people", "companies", "leads", "opportunities"] {
            let app = app.clone();
            let ada = ada.clone();
            let path = format!("/app/{list}/{}", uuid::Uuid::new_v4());
            jobs.push(Box::pin(async move {
                let response = get_page(&app, &path, Some(&ada)).await;
                seen(format!("GET {path}"), response).await
            }));
        }
        // The page after a refused form: the form again, with what to fix.
        let (app, ada) = (app.clone(), ada.clone());
        jobs.push(Box::pin(async move {
            let response = post_form(
                &app,
                "/app/people/new",
                &[
                    ("first_name", ""),
                    ("email", &format!("not-an-address-{round}")),
                ],
                Some(&ada),
                CLIENT,
            )
            .await;
            seen("POST /app/people/new (refused)".to_owned(), response).await
        }));
    }
    let total = jobs.len();
    let outcomes = run_all(PAGES_IN_FLIGHT, jobs).await;
    let app = Arc::into_inner(app).expect("every request is done");
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|seen| seen.status.is_server_error() || !seen.whole)
        .map(|seen| {
            format!(
                "{} answered {} (whole: {})",
                seen.what, seen.status, seen.whole
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{}: {} of {total} requests failed: {failed:#?}",
        app.label(),
        failed.len()
    );
    // Every record page shows its record, and one that is not there says so.
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|seen| {
            let record = records.values().any(|id| seen.what.ends_with(id.as_str()));
            let gone = seen.what.starts_with("GET /app/")
                && !record
                && uuid::Uuid::parse_str(seen.what.rsplit('/').next().unwrap_or_default()).is_ok();
            (record && seen.status != StatusCode::OK)
                || (gone && seen.status != StatusCode::NOT_FOUND)
        })
        .map(|seen| format!("{} answered {}", seen.what, seen.status))
        .collect();
    assert!(wrong.is_empty(), "{}: {wrong:#?}", app.label());
    assert_eq!(
        PANICS.load(Ordering::SeqCst) - panics_before,
        0,
        "{}: no request panics",
        app.label()
    );
}

async fn seen(what: String, response: axum::http::Response<axum::body::Body>) -> Seen {
    let status = response.status();
    let html = if status.is_redirection() {
        String::new()
    } else {
        body_text(response).await
    };
    Seen {
        what,
        status,
        // A rendered page is sent whole; a redirect has no page.
        whole: status.is_redirection() || html.contains("</html>"),
    }
}

/// A write's answer: the status and the body, for the assertion's message.
type Answer = (StatusCode, String);

/// Fails unless every answer is one of `allowed`, naming what was sent and answered otherwise.
fn assert_answers(app: &TestApp, what: &str, answers: &[Answer], allowed: &[StatusCode]) {
    let wrong: Vec<&Answer> = answers
        .iter()
        .filter(|(status, _)| !allowed.contains(status))
        .collect();
    assert!(
        wrong.is_empty(),
        "{}: {what}: {} of {} answers were not {allowed:?}: {wrong:#?}",
        app.label(),
        wrong.len(),
        answers.len()
    );
}

/// Fails unless every answer is a success or a conflict (409); answers which writers' writes
/// were saved.
fn saved_or_refused(app: &TestApp, what: &str, answers: &[Answer]) -> Vec<usize> {
    assert_answers(app, what, answers, &[StatusCode::OK, StatusCode::CONFLICT]);
    (0..answers.len())
        .filter(|writer| answers[*writer].0 == StatusCode::OK)
        .collect()
}

/// Sends the same kind of server-function call from `WRITERS` writers at once; `fields(writer)`
/// says what writer `writer` sends.
async fn writers_at_once(
    app: &Arc<TestApp>,
    cookie: &str,
    endpoint: &str,
    fields: impl Fn(usize) -> Vec<(String, String)>,
) -> Vec<Answer> {
    let jobs = (0..WRITERS)
        .map(|writer| {
            let (app, cookie, endpoint) = (app.clone(), cookie.to_owned(), endpoint.to_owned());
            let fields = fields(writer);
            async move {
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                api(&app, &endpoint, &fields, &cookie).await
            }
        })
        .collect();
    run_all(WRITERS, jobs).await
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[backend_test(runtime = at_once_runtime)]
async fn notes_written_by_many_writers_at_once_are_all_saved_on_every_kind_of_record(app: TestApp) {
    const NOTES_EACH: usize = 5;
    // Half the writers write on one shared record, the others each on a record of their own.
    let Team { ada, shared, own } = team(&app).await;
    let app = Arc::new(app);
    for kind in ["people", "companies", "leads", "opportunities"] {
        let target = |writer: usize| {
            if writer.is_multiple_of(2) {
                shared[kind].clone()
            } else {
                own[writer][kind].clone()
            }
        };
        let jobs: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (app, ada) = (app.clone(), ada.clone());
                let record = target(writer);
                async move {
                    let mut answers = Vec::new();
                    for note in 0..NOTES_EACH {
                        let body = format!("Note {note} from writer {writer}");
                        let fields = [
                            ("kind", kind_name(kind)),
                            ("id", record.as_str()),
                            ("body", body.as_str()),
                        ];
                        answers.push(api(&app, "/api/records/add-note", &fields, &ada).await);
                    }
                    answers
                }
            })
            .collect();
        let answers: Vec<Answer> = run_all(WRITERS, jobs).await.into_iter().flatten().collect();
        assert_answers(
            &app,
            &format!("{kind}/add-note"),
            &answers,
            &[StatusCode::OK],
        );
        let on_shared = count(
            &app,
            "SELECT COUNT(*) FROM notes WHERE record_id = $1",
            &shared[kind],
        )
        .await;
        assert_eq!(
            on_shared,
            (WRITERS / 2 * NOTES_EACH) as i64,
            "{}: every note on the shared {kind} record is kept",
            app.label()
        );
        for writer in (1..WRITERS).step_by(2) {
            let on_own = count(
                &app,
                "SELECT COUNT(*) FROM notes WHERE record_id = $1",
                &target(writer),
            )
            .await;
            assert_eq!(
                on_own,
                NOTES_EACH as i64,
                "{}: {kind} of writer {writer}",
                app.label()
            );
        }
    }
    Arc::into_inner(app)
        .expect("every request is done")
        .cleanup()
        .await;
}

/// The workspace the write tests work in: Ada's session, one record of each kind that every
/// writer shares, and one record of each kind of each writer's own.
struct Team {
    ada: String,
    shared: HashMap<&'static str, String>,
    own: Vec<HashMap<&'static str, String>>,
}

async fn team(app: &TestApp) -> Team {
    let ada = sign_up_and_log_in(app, "ada@example.com", "Analytical", CLIENT).await;
    let shared = one_record_of_each_kind(app, &ada).await;
    let mut own = Vec::new();
    for writer in 0..WRITERS {
        own.push(own_records(app, &ada, writer).await);
    }
    Team { ada, shared, own }
}

/// A person, a company, a lead and an opportunity of the writer's own.
async fn own_records(app: &TestApp, cookie: &str, writer: usize) -> HashMap<&'static str, String> {
    let company = format!("Workshop {writer}");
    HashMap::from([
        (
            "people",
            add_record(
                app,
                cookie,
                "/app/people",
                &[
                    ("first_name", "Writer"),
                    ("last_name", &format!("Number {writer}")),
                    ("email", &format!("writer{writer}@example.com")),
                ],
                CLIENT,
            )
            .await,
        ),
        (
            "companies",
            add_record(app, cookie, "/app/companies", &[("name", &company)], CLIENT).await,
        ),
        (
            "leads",
            add_record(
                app,
                cookie,
                "/app/leads",
                &[
                    ("name", &format!("Lead {writer}")),
                    ("email", &format!("lead{writer}@example.com")),
                    ("source", "Referral"),
                ],
                CLIENT,
            )
            .await,
        ),
        (
            "opportunities",
            add_record(
                app,
                cookie,
                "/app/opportunities",
                &[
                    ("name", &format!("Deal {writer}")),
                    ("amount", "100"),
                    ("close_on", "2027-03-31"),
                ],
                CLIENT,
            )
            .await,
        ),
    ])
}

/// The stored version of a record, as its page would send it back.
async fn version_of(app: &TestApp, table: &str, id: &str) -> String {
    count(
        app,
        &format!("SELECT version FROM {table} WHERE id = $1"),
        id,
    )
    .await
    .to_string()
}

async fn stored_text(app: &TestApp, sql: &str, id: &str) -> String {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("a stored value")
}

#[backend_test(runtime = at_once_runtime)]
async fn field_edits_at_once_are_saved_or_answered_as_conflicts_and_none_is_lost(app: TestApp) {
    let Team { ada, shared, own } = team(&app).await;
    let app = Arc::new(app);
    // Every writer changes the same field of the same person from the same version: one
    // is saved, and every other is refused as a conflict, since each started from the
    // field as it was before that save.
    let person = shared["people"].clone();
    let version = version_of(&app, "people", &person).await;
    let answers = writers_at_once(&app, &ada, "/api/people/save-field", |writer| {
        pairs(&[
            ("id", &person),
            ("field", "JobTitle"),
            ("value", &format!("Title {writer}")),
            ("base", ""),
            ("version", &version),
        ])
    })
    .await;
    let saved = saved_or_refused(&app, "one field, one person", &answers);
    assert_eq!(
        saved.len(),
        1,
        "{}: exactly one of the same edits is saved: {answers:#?}",
        app.label()
    );
    let stored = stored_text(&app, "SELECT job_title FROM people WHERE id = $1", &person).await;
    assert_eq!(stored, format!("Title {}", saved[0]), "{}", app.label());

    // Each writer changes its own person's job title: all saved.
    let mut versions = Vec::new();
    for records in &own {
        versions.push(version_of(&app, "people", &records["people"]).await);
    }
    let answers = writers_at_once(&app, &ada, "/api/people/save-field", |writer| {
        pairs(&[
            ("id", &own[writer]["people"]),
            ("field", "JobTitle"),
            ("value", &format!("Mine {writer}")),
            ("base", ""),
            ("version", &versions[writer]),
        ])
    })
    .await;
    assert_answers(&app, "own person", &answers, &[StatusCode::OK]);
    for (writer, records) in own.iter().enumerate() {
        let stored = stored_text(
            &app,
            "SELECT job_title FROM people WHERE id = $1",
            &records["people"],
        )
        .await;
        assert_eq!(stored, format!("Mine {writer}"), "{}", app.label());
    }

    // Every writer changes a different field of one person from the same page (the same
    // version): nobody else touched each one's field, so every change is saved.
    let grace = add_record(
        &app,
        &ada,
        "/app/people",
        &[("first_name", "Grace"), ("last_name", "Hopper")],
        CLIENT,
    )
    .await;
    let version = version_of(&app, "people", &grace).await;
    let edits = [
        ("FirstName", "Grace", "Amazing Grace", "first_name"),
        ("LastName", "Hopper", "Murray Hopper", "last_name"),
        ("JobTitle", "", "Rear admiral", "job_title"),
        ("Email", "", "grace@navy.example", "email"),
        ("Phone", "", "+1 202 555 0143", "phone"),
        ("Source", "Added by hand", "Conference", "source"),
        (
            "LawfulBasisEvidence",
            "",
            "Contract signed 1943",
            "lawful_basis_evidence",
        ),
        (
            "MarketingPermissionHow",
            "",
            "Asked in person",
            "marketing_permission_how",
        ),
    ];
    assert_eq!(edits.len(), WRITERS);
    let answers = writers_at_once(&app, &ada, "/api/people/save-field", |writer| {
        let (field, base, value, _) = edits[writer];
        pairs(&[
            ("id", &grace),
            ("field", field),
            ("value", value),
            ("base", base),
            ("version", &version),
        ])
    })
    .await;
    assert_answers(
        &app,
        "different fields, one person",
        &answers,
        &[StatusCode::OK],
    );
    for (field, _, value, column) in edits {
        let stored = stored_text(
            &app,
            &format!("SELECT COALESCE({column}, '') FROM people WHERE id = $1"),
            &grace,
        )
        .await;
        let expected = if field == "Phone" {
            "+12025550143"
        } else {
            value
        };
        assert_eq!(stored, expected, "{}: {field} is kept", app.label());
    }

    // The same for a company's, a lead's and an opportunity's name, on the shared record.
    for (kind, table) in [
        ("companies", "companies"),
        ("leads", "leads"),
        ("opportunities", "opportunities"),
    ] {
        let id = shared[kind].clone();
        let current = stored_text(
            &app,
            &format!("SELECT name FROM {table} WHERE id = $1"),
            &id,
        )
        .await;
        let version = version_of(&app, table, &id).await;
        let answers = writers_at_once(&app, &ada, &format!("/api/{kind}/save-field"), |writer| {
            pairs(&[
                ("id", &id),
                ("field", "Name"),
                ("value", &format!("{current} {writer}")),
                ("base", &current),
                ("version", &version),
            ])
        })
        .await;
        let saved = saved_or_refused(&app, &format!("{kind} name"), &answers);
        assert_eq!(saved.len(), 1, "{}: {kind}: {answers:#?}", app.label());
        let stored = stored_text(
            &app,
            &format!("SELECT name FROM {table} WHERE id = $1"),
            &id,
        )
        .await;
        assert_eq!(
            stored,
            format!("{current} {}", saved[0]),
            "{}: {kind}",
            app.label()
        );
    }
    Arc::into_inner(app)
        .expect("every request is done")
        .cleanup()
        .await;
}

/// The id of the workspace's stage with this name.
async fn stage_id(app: &TestApp, cookie: &str, name: &str) -> String {
    let (status, body) = api(app, "/api/opportunities/stages", &[], cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pipeline: Value = serde_json::from_str(&body).expect("json");
    pipeline["stages"]
        .as_array()
        .expect("a list of stages")
        .iter()
        .find(|stage| stage["name"] == name)
        .and_then(|stage| stage["id"].as_str())
        .unwrap_or_else(|| panic!("no stage {name} in {body}"))
        .to_owned()
}

#[backend_test(runtime = at_once_runtime)]
async fn tasks_stage_moves_bulk_actions_and_conversions_at_once_are_saved_or_refused_as_conflicts(
    app: TestApp,
) {
    let Team { ada, shared, own } = team(&app).await;
    let app = Arc::new(app);

    // Tasks: each writer adds two about the shared person; then all are ticked done at once.
    let person = shared["people"].clone();
    for round in 0..2 {
        let answers = writers_at_once(&app, &ada, "/api/tasks/add", |writer| {
            pairs(&[
                ("title", &format!("Call back {writer}.{round}")),
                ("due_on", "2027-01-15"),
                ("assignee", ""),
                ("about", &person),
            ])
        })
        .await;
        assert_answers(&app, "tasks/add", &answers, &[StatusCode::OK]);
    }
    let tasks: i64 = count(
        &app,
        "SELECT COUNT(*) FROM tasks WHERE record_id = $1",
        &person,
    )
    .await;
    assert_eq!(
        tasks,
        2 * WRITERS as i64,
        "{}: every task added is kept",
        app.label()
    );
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM tasks WHERE record_id = $1")
        .bind(&person)
        .fetch_all(app.state.db.pool())
        .await
        .expect("tasks");
    let answers = writers_at_once(&app, &ada, "/api/tasks/set-done", |writer| {
        pairs(&[("id", &ids[writer]), ("done", "true")])
    })
    .await;
    assert_answers(&app, "tasks/set-done", &answers, &[StatusCode::OK]);
    let done: i64 = count(
        &app,
        "SELECT COUNT(*) FROM tasks WHERE record_id = $1 AND done_at IS NOT NULL",
        &person,
    )
    .await;
    assert_eq!(done, WRITERS as i64, "{}", app.label());

    // Stage moves: every writer moves the same opportunity out of "Lead" at once, each to
    // another stage; one move is made and the others are told where it is now.
    let lead_stage = stage_id(&app, &ada, "Lead").await;
    let targets = [
        stage_id(&app, &ada, "Qualified").await,
        stage_id(&app, &ada, "Proposal").await,
        stage_id(&app, &ada, "Negotiation").await,
        stage_id(&app, &ada, "Won").await,
    ];
    let deal = shared["opportunities"].clone();
    let answers = writers_at_once(&app, &ada, "/api/opportunities/move", |writer| {
        pairs(&[
            ("id", &deal),
            ("to", &targets[writer % targets.len()]),
            ("from", &lead_stage),
        ])
    })
    .await;
    // A move to where the card already is succeeds without a change: every success
    // wanted the stage the card ended in.
    let wanted: std::collections::HashSet<&String> =
        saved_or_refused(&app, "opportunities/move", &answers)
            .into_iter()
            .map(|writer| &targets[writer % targets.len()])
            .collect();
    assert_eq!(
        wanted.len(),
        1,
        "{}: one move of the card is made: {answers:#?}",
        app.label()
    );
    let stage = stored_text(
        &app,
        "SELECT stage_id FROM opportunities WHERE id = $1",
        &deal,
    )
    .await;
    assert!(
        wanted.contains(&stage),
        "{}: the card is where the move took it",
        app.label()
    );
    let moves = count(
        &app,
        "SELECT COUNT(*) FROM record_events WHERE record_id = $1 AND field = 'stage'",
        &deal,
    )
    .await;
    assert_eq!(moves, 1, "{}: one move in the timeline", app.label());
    // Each writer moves its own opportunity: all made.
    let answers = writers_at_once(&app, &ada, "/api/opportunities/move", |writer| {
        pairs(&[
            ("id", &own[writer]["opportunities"]),
            ("to", &targets[0]),
            ("from", &lead_stage),
        ])
    })
    .await;
    assert_answers(&app, "own opportunities/move", &answers, &[StatusCode::OK]);

    // Bulk actions: every writer tags an overlapping set of companies at once.
    let companies: Vec<String> = own
        .iter()
        .map(|records| records["companies"].clone())
        .collect();
    let answers = writers_at_once(&app, &ada, "/api/records/bulk", |writer| {
        let mut fields = pairs(&[
            ("kind", "Companies"),
            ("action", "AddTag"),
            ("value", &format!("batch-{writer}")),
        ]);
        for (i, id) in companies.iter().skip(writer / 2).take(4).enumerate() {
            fields.push((format!("ids[{i}]"), id.clone()));
        }
        fields
    })
    .await;
    assert_answers(&app, "records/bulk", &answers, &[StatusCode::OK]);
    let tags: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM company_tags WHERE tag LIKE 'batch-%'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("tags");
    assert_eq!(
        tags,
        4 * WRITERS as i64,
        "{}: every tag added is kept",
        app.label()
    );

    // Conversions: every writer converts the same lead at once; one converts it into one
    // person, the others are refused.
    let lead = shared["leads"].clone();
    let version = version_of(&app, "leads", &lead).await;
    let answers = writers_at_once(&app, &ada, "/api/leads/convert", |_| {
        pairs(&[
            ("id", &lead),
            ("version", &version),
            ("choice[add_company]", "true"),
        ])
    })
    .await;
    let converted = saved_or_refused(&app, "leads/convert", &answers).len();
    assert_eq!(
        converted,
        1,
        "{}: the lead is converted once: {answers:#?}",
        app.label()
    );
    let people: i64 = count(
        &app,
        "SELECT COUNT(*) FROM people WHERE lower(email) = $1",
        "augusta@engines.example",
    )
    .await;
    assert_eq!(people, 1, "{}: one person from one lead", app.label());
    // Each writer converts a lead of its own: all converted.
    let mut versions = Vec::new();
    for records in &own {
        versions.push(version_of(&app, "leads", &records["leads"]).await);
    }
    let answers = writers_at_once(&app, &ada, "/api/leads/convert", |writer| {
        pairs(&[
            ("id", &own[writer]["leads"]),
            ("version", &versions[writer]),
            ("choice[add_company]", "false"),
        ])
    })
    .await;
    assert_answers(&app, "own leads/convert", &answers, &[StatusCode::OK]);
    Arc::into_inner(app)
        .expect("every request is done")
        .cleanup()
        .await;
}

#[backend_test(runtime = at_once_runtime)]
async fn records_added_and_settings_saved_by_many_writers_at_once_are_all_kept(app: TestApp) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical", CLIENT).await;
    let app = Arc::new(app);
    // "Add" forms: every writer adds a person, a company, a lead and an opportunity.
    for (list, fields) in [
        (
            "/app/people",
            vec![("first_name", "Added"), ("last_name", "Person")],
        ),
        ("/app/companies", vec![("name", "Added Company")]),
        (
            "/app/leads",
            vec![
                ("name", "Added Lead"),
                ("email", "added@example.com"),
                ("source", "Referral"),
            ],
        ),
        (
            "/app/opportunities",
            vec![
                ("name", "Added deal"),
                ("amount", "10"),
                ("close_on", "2027-03-31"),
            ],
        ),
    ] {
        let jobs: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (app, ada) = (app.clone(), ada.clone());
                let fields: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| {
                        // Names unique per writer (a company's name is unique).
                        let v = if *k == "name" || *k == "last_name" {
                            format!("{v} {writer}")
                        } else {
                            (*v).to_owned()
                        };
                        ((*k).to_owned(), v)
                    })
                    .collect();
                async move {
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let response =
                        post_form(&app, &format!("{list}/new"), &fields, Some(&ada), CLIENT).await;
                    (response.status(), location(&response))
                }
            })
            .collect();
        let answers = run_all(WRITERS, jobs).await;
        assert_answers(
            &app,
            &format!("{list}/new"),
            &answers,
            &[StatusCode::SEE_OTHER],
        );
        let table = list.trim_start_matches("/app/");
        let added: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE {} LIKE 'Added%'",
            if table == "people" {
                "first_name"
            } else {
                "name"
            }
        ))
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
        assert_eq!(
            added,
            WRITERS as i64,
            "{}: every {table} added is kept",
            app.label()
        );
    }

    // Profile: the same member saves their profile from several pages at once, each from
    // the version it loaded: one is saved, the others are refused as conflicts.
    let answers = writers_at_once(&app, &ada, "/api/accounts/profile/save", |writer| {
        pairs(&[
            ("fields[name]", &format!("Ada {writer}")),
            ("fields[job_title]", "Analyst"),
            ("fields[time_zone]", "Europe/London"),
            ("fields[language]", "en-GB"),
            ("fields[version]", "1"),
        ])
    })
    .await;
    let saved = saved_or_refused(&app, "accounts/profile/save", &answers).len();
    assert_eq!(
        saved,
        1,
        "{}: one save from version 1: {answers:#?}",
        app.label()
    );

    // Workspace settings: invitations sent at once to different addresses are all kept.
    let jobs: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (app, ada) = (app.clone(), ada.clone());
            async move {
                let email = format!("colleague{writer}@example.com");
                let response = post_form(
                    &app,
                    "/app/settings/workspace/invite",
                    &[("email", &email), ("role", "member")],
                    Some(&ada),
                    CLIENT,
                )
                .await;
                (response.status(), location(&response))
            }
        })
        .collect();
    let answers = run_all(WRITERS, jobs).await;
    assert_answers(
        &app,
        "workspace invitations",
        &answers,
        &[StatusCode::SEE_OTHER],
    );
    let invited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations")
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(
        invited,
        WRITERS as i64,
        "{}: every invitation is kept",
        app.label()
    );
    Arc::into_inner(app)
        .expect("every request is done")
        .cleanup()
        .await;
}

#[backend_test(runtime = at_once_runtime)]
async fn further_contacts_people_of_a_deal_task_bulk_actions_and_deletions_at_once_are_all_kept(
    app: TestApp,
) {
    let Team { ada, shared, own } = team(&app).await;
    let app = Arc::new(app);
    let person = shared["people"].clone();

    // Further e-mail addresses on one person, one per writer.
    let answers = writers_at_once(&app, &ada, "/api/people/add-contact", |writer| {
        pairs(&[
            ("id", &person),
            ("kind", "WorkEmail"),
            ("value", &format!("charles.{writer}@engines.example")),
        ])
    })
    .await;
    assert_answers(&app, "people/add-contact", &answers, &[StatusCode::OK]);
    let contacts = count(
        &app,
        "SELECT COUNT(*) FROM person_contacts WHERE person_id = $1",
        &person,
    )
    .await;
    assert_eq!(
        contacts,
        WRITERS as i64,
        "{}: every address is kept",
        app.label()
    );

    // Every writer adds its own person to one opportunity.
    let deal = shared["opportunities"].clone();
    let answers = writers_at_once(&app, &ada, "/api/opportunities/add-person", |writer| {
        pairs(&[
            ("id", &deal),
            ("email", &format!("writer{writer}@example.com")),
        ])
    })
    .await;
    assert_answers(
        &app,
        "opportunities/add-person",
        &answers,
        &[StatusCode::OK],
    );
    let people = count(
        &app,
        "SELECT COUNT(*) FROM opportunity_people WHERE opportunity_id = $1",
        &deal,
    )
    .await;
    assert_eq!(
        people,
        WRITERS as i64,
        "{}: every person added is kept",
        app.label()
    );

    // Tasks ticked done in bulk, in overlapping selections.
    let answers = writers_at_once(&app, &ada, "/api/tasks/add", |writer| {
        pairs(&[
            ("title", &format!("Follow up {writer}")),
            ("due_on", ""),
            ("assignee", ""),
            ("about", &person),
        ])
    })
    .await;
    assert_answers(&app, "tasks/add", &answers, &[StatusCode::OK]);
    let tasks: Vec<String> =
        sqlx::query_scalar("SELECT id FROM tasks WHERE record_id = $1 ORDER BY id")
            .bind(&person)
            .fetch_all(app.state.db.pool())
            .await
            .expect("tasks");
    let answers = writers_at_once(&app, &ada, "/api/tasks/bulk", |writer| {
        let mut fields = Vec::new();
        for (i, id) in tasks.iter().cycle().skip(writer).take(3).enumerate() {
            fields.push((format!("ids[{i}]"), id.clone()));
        }
        fields.push(("action".to_owned(), "Done".to_owned()));
        fields.push(("value".to_owned(), String::new()));
        fields
    })
    .await;
    assert_answers(&app, "tasks/bulk", &answers, &[StatusCode::OK]);
    let open = count(
        &app,
        "SELECT COUNT(*) FROM tasks WHERE record_id = $1 AND done_at IS NULL",
        &person,
    )
    .await;
    assert_eq!(open, 0, "{}: every task ticked is done", app.label());

    // Owners handed over in bulk, in overlapping selections of people.
    let people_ids: Vec<String> = own
        .iter()
        .map(|records| records["people"].clone())
        .collect();
    let answers = writers_at_once(&app, &ada, "/api/records/bulk", |writer| {
        let mut fields = pairs(&[("kind", "People"), ("action", "SetOwner"), ("value", "")]);
        for (i, id) in people_ids.iter().cycle().skip(writer).take(3).enumerate() {
            fields.push((format!("ids[{i}]"), id.clone()));
        }
        fields
    })
    .await;
    assert_answers(&app, "records/bulk SetOwner", &answers, &[StatusCode::OK]);
    for id in &people_ids {
        let owned = count(
            &app,
            "SELECT COUNT(*) FROM people WHERE id = $1 AND owner_id IS NULL",
            id,
        )
        .await;
        assert_eq!(owned, 1, "{}: {id} has no owner now", app.label());
    }

    // Each writer deletes its own company, lead and opportunity at once.
    for (kind, table) in [
        ("companies", "companies"),
        ("leads", "leads"),
        ("opportunities", "opportunities"),
    ] {
        let answers = writers_at_once(&app, &ada, "/api/records/delete", |writer| {
            pairs(&[("kind", kind_name(kind)), ("id", &own[writer][kind])])
        })
        .await;
        assert_answers(&app, &format!("{kind}/delete"), &answers, &[StatusCode::OK]);
        for records in &own {
            let left = count(
                &app,
                &format!("SELECT COUNT(*) FROM {table} WHERE id = $1"),
                &records[kind],
            )
            .await;
            assert_eq!(left, 0, "{}: {kind} deleted", app.label());
        }
    }
    Arc::into_inner(app)
        .expect("every request is done")
        .cleanup()
        .await;
}

#[backend_test(runtime = at_once_runtime)]
async fn a_write_that_waits_too_long_is_answered_503_with_retry_after_and_goes_through_when_sent_again(
    app: TestApp,
) {
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical", CLIENT).await;
    let person = add_record(
        &app,
        &ada,
        "/app/people",
        &[("first_name", "Grace"), ("last_name", "Hopper")],
        CLIENT,
    )
    .await;
    let version = version_of(&app, "people", &person).await;
    let edit = [
        ("id", person.as_str()),
        ("field", "JobTitle"),
        ("value", "Rear admiral"),
        ("base", ""),
        ("version", version.as_str()),
    ];
    // Another writer holds the record (on SQLite, the database) for longer than a write
    // waits.
    let db = &app.state.db;
    let mut holder = db.begin_write().await.expect("a write transaction");
    db.lock_record(&mut holder, "people", &person)
        .await
        .expect("the record's lock");
    let request = axum::http::Request::post("/api/people/save-field")
        .header(axum::http::header::COOKIE, &ada)
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(crate::support::browser::encode(
            &edit,
        )))
        .expect("request");
    let started = std::time::Instant::now();
    let response = app.request(request).await;
    let waited = started.elapsed();
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        app.label()
    );
    assert_eq!(
        response.headers()[axum::http::header::RETRY_AFTER],
        "1",
        "{}",
        app.label()
    );
    assert_eq!(body_text(response).await, r#""Busy""#, "{}", app.label());
    assert!(
        waited >= std::time::Duration::from_secs(4),
        "{}: the write waited its turn before giving up ({waited:?})",
        app.label()
    );
    // The plain "Add" form keeps what was typed and says to try again.
    let form = post_form(
        &app,
        "/app/people/new",
        &[("first_name", "Katherine"), ("last_name", "Johnson")],
        Some(&ada),
        CLIENT,
    )
    .await;
    if app.label() == "sqlite" {
        assert_eq!(form.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(form.headers()[axum::http::header::RETRY_AFTER], "1");
        let html = body_text(form).await;
        assert!(
            html.contains(r#"value="Katherine""#),
            "what was typed is kept"
        );
        assert!(html.contains("Nothing was lost"), "{html}");
    } else {
        // PostgreSQL: only the one record is held; other writes go on.
        assert_eq!(form.status(), StatusCode::SEE_OTHER, "{}", app.label());
    }
    holder.rollback().await.expect("rollback");
    let (status, body) = api(&app, "/api/people/save-field", &edit, &ada).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: sent again, it is saved: {body}",
        app.label()
    );
    let stored = stored_text(&app, "SELECT job_title FROM people WHERE id = $1", &person).await;
    assert_eq!(stored, "Rear admiral", "{}", app.label());
}
