//! The people list at scale: with 100,000 people in one workspace, how long the list's server
//! function takes for the first page, a page deep in the list, filtered lists and searches (and,
//! over the same data, the companies and leads lists, the opportunities list and board, the
//! dashboard's counts and pipeline, and the open tasks), on
//! SQLite and (when `TEST_DATABASE_URL` is set) PostgreSQL. Prints p50 and p95 per case and
//! backend; asserts nothing about speed (the budget is 50 ms at p95, docs/PERFORMANCE.md).
//!
//! Run with `scripts/bench`, or:
//!   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p server --bench people_lists
//! `PEOPLE` (default 100000) and `RUNS` (default 200) change the size and the samples per case.

use std::time::{Duration, Instant};

use crm_backend::db::Db;
use crm_backend::db::testing::TestDatabase;
use crm_backend::people::service::list_page;
use crm_core::companies::{CompaniesPage, CompaniesQuery};
use crm_core::ids::WorkspaceId;
use crm_core::leads::{LeadsPage, LeadsQuery};
use crm_core::opportunities::{Board, CurrencyPipeline, OpportunitiesPage, OpportunitiesQuery};
use crm_core::people::{PeoplePage, PeopleQuery};
use crm_core::records::ListSort;
use crm_core::time::CalendarDate;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A workspace with three members, to own the seeded people in turn.
async fn workspace(db: &Db) -> WorkspaceId {
    let workspace = uuid::Uuid::new_v4().to_string();
    let now = db.now_millis();
    sqlx::query(
        "INSERT INTO workspaces (id, name, kind, created_at) VALUES ($1, 'Bench', 'customer', $2)",
    )
    .bind(&workspace)
    .bind(now)
    .execute(db.pool())
    .await
    .expect("workspace");
    for name in ["Ada Owner", "Bob Seller", "Cy Support"] {
        let member = uuid::Uuid::new_v4().to_string();
        let email = format!("{}@bench.example", member);
        sqlx::query(
            "INSERT INTO members (id, name, email, email_key, created_at, updated_at)
             VALUES ($1, $2, $3, $3, $4, $4)",
        )
        .bind(&member)
        .bind(name)
        .bind(&email)
        .bind(now)
        .execute(db.pool())
        .await
        .expect("member");
        sqlx::query(
            "INSERT INTO memberships (workspace_id, member_id, role, created_at)
             VALUES ($1, $2, 'member', $3)",
        )
        .bind(&workspace)
        .bind(&member)
        .bind(now)
        .execute(db.pool())
        .await
        .expect("membership");
    }
    workspace.parse().expect("id")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Times `call` `runs` times after one warm-up call (so every sample finds the same warm
/// caches) and prints p50, p95 and the slowest; `rows` says how many rows the answer held.
async fn measure<T, F, Fut>(label: &str, runs: usize, rows: fn(&T) -> usize, call: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let first = call().await;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let answer = call().await;
        samples.push(started.elapsed());
        std::hint::black_box(answer);
    }
    samples.sort();
    println!(
        "  {label:<44} {:>3} rows  p50 {:>6.2} ms  p95 {:>6.2} ms  max {:>6.2} ms",
        rows(&first),
        percentile(&samples, 0.50),
        percentile(&samples, 0.95),
        percentile(&samples, 1.0),
    );
}

async fn bench(database: TestDatabase, people: usize, runs: usize) {
    let db = &database.db;
    println!(
        "{} with {people} people in one workspace, {runs} runs per case:",
        database.label()
    );
    let workspace = workspace(db).await;
    let started = Instant::now();
    crm_backend::seed::seed_people(db, workspace, people, 42)
        .await
        .expect("seed");
    // (On PostgreSQL the seed ends with VACUUM ANALYZE, as autovacuum would soon after.)
    println!("  seeded in {:.1} s", started.elapsed().as_secs_f64());

    // The cursor of a page about half way down: walked to once, then measured.
    let mut deep = PeopleQuery::default();
    for _ in 0..(people / 2 / crm_backend::people::db::PAGE_SIZE) {
        match list_page(db, workspace, None, &deep)
            .await
            .expect("walk")
            .place
            .next
        {
            Some(next) => deep.after = next,
            None => break,
        }
    }
    let owner = crm_backend::people::db::members(db.pool(), workspace)
        .await
        .expect("members")[1]
        .id
        .to_string();
    let cases = [
        ("first page, by name", PeopleQuery::default()),
        (
            "first page, newest first",
            PeopleQuery {
                sort: ListSort::Newest,
                ..PeopleQuery::default()
            },
        ),
        ("a page half way down (keyset)", deep),
        (
            "filtered by tag",
            PeopleQuery {
                tag: "vip".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "filtered by owner and tag, newest first",
            PeopleQuery {
                owner,
                tag: "partner".to_owned(),
                sort: ListSort::Newest,
                ..PeopleQuery::default()
            },
        ),
        (
            "search: part of a last name (\"ovela\")",
            PeopleQuery {
                q: "ovela".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: part of an e-mail (\"a.sil\")",
            PeopleQuery {
                q: "a.sil".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: phone digits (\"7700 912\")",
            PeopleQuery {
                q: "7700 912".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: company (\"quartz lab\")",
            PeopleQuery {
                q: "quartz lab".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: two letters (\"lo\")",
            PeopleQuery {
                q: "lo".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: one letter (\"m\")",
            PeopleQuery {
                q: "m".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: a term in every address (\"example\")",
            PeopleQuery {
                q: "example".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: accented, typed with the accents (\"lövelace\")",
            PeopleQuery {
                q: "lövelace".to_owned(),
                ..PeopleQuery::default()
            },
        ),
        (
            "search: no match (\"zzzqx\")",
            PeopleQuery {
                q: "zzzqx".to_owned(),
                ..PeopleQuery::default()
            },
        ),
    ];
    for (label, query) in &cases {
        measure(
            label,
            runs,
            |page: &PeoplePage| page.rows.len(),
            move || async move { list_page(db, workspace, None, query).await.expect("list") },
        )
        .await;
    }
    // The companies the seeded people work at, and the dashboard's counts over all of them.
    for (label, q, sort) in [
        ("companies: first page", "", ""),
        ("companies: first page, newest first", "", "newest"),
        ("companies: search (\"labs\")", "labs", ""),
        ("companies: search, two letters (\"qu\")", "qu", ""),
    ] {
        let query = &CompaniesQuery {
            q: q.to_owned(),
            sort: sort.to_owned(),
            ..CompaniesQuery::default()
        };
        measure(
            label,
            runs,
            |page: &CompaniesPage| page.rows.len(),
            move || async move {
                crm_backend::companies::service::list_page(db, workspace, query)
                    .await
                    .expect("companies")
            },
        )
        .await;
    }
    // The leads seeded beside them (one for every ten people): newest first, one status, a
    // search (which scans the workspace's leads).
    for (label, query) in [
        ("leads: first page, newest first", LeadsQuery::default()),
        (
            "leads: first page by name",
            LeadsQuery {
                sort: "name".to_owned(),
                ..LeadsQuery::default()
            },
        ),
        (
            "leads: one status",
            LeadsQuery {
                status: "qualified".to_owned(),
                ..LeadsQuery::default()
            },
        ),
        (
            "leads: search, two letters (\"be\")",
            LeadsQuery {
                q: "be".to_owned(),
                ..LeadsQuery::default()
            },
        ),
        (
            "leads: search (\"becker\")",
            LeadsQuery {
                q: "becker".to_owned(),
                ..LeadsQuery::default()
            },
        ),
    ] {
        let query = &query;
        measure(
            label,
            runs,
            |page: &LeadsPage| page.rows.len(),
            move || async move {
                crm_backend::leads::service::list_page(db, workspace, query)
                    .await
                    .expect("leads")
            },
        )
        .await;
    }
    // The opportunities seeded beside them (one for every twenty people): the list, a stage of
    // it, a search, the board and the dashboard's open pipeline.
    let stages = crm_backend::opportunities::service::stages(db, workspace)
        .await
        .expect("stages");
    for (label, query) in [
        ("opportunities: first page", OpportunitiesQuery::default()),
        (
            "opportunities: first page by name",
            OpportunitiesQuery {
                sort: "name".to_owned(),
                ..OpportunitiesQuery::default()
            },
        ),
        (
            "opportunities: one stage, newest first",
            OpportunitiesQuery {
                sort: "newest".to_owned(),
                stage: stages[3].id.to_string(),
                ..OpportunitiesQuery::default()
            },
        ),
        (
            "opportunities: one stage",
            OpportunitiesQuery {
                stage: stages[3].id.to_string(),
                ..OpportunitiesQuery::default()
            },
        ),
        (
            "opportunities: search (\"renewal\")",
            OpportunitiesQuery {
                q: "renewal".to_owned(),
                ..OpportunitiesQuery::default()
            },
        ),
    ] {
        let query = &query;
        measure(
            label,
            runs,
            |page: &OpportunitiesPage| page.rows.len(),
            move || async move {
                crm_backend::opportunities::service::list_page(db, workspace, query)
                    .await
                    .expect("opportunities")
            },
        )
        .await;
    }
    measure(
        "opportunities: the board (6 stages)",
        runs,
        |board: &Board| board.columns.iter().map(|c| c.cards.len()).sum(),
        move || async move {
            crm_backend::opportunities::service::board(db, workspace)
                .await
                .expect("board")
        },
    )
    .await;
    measure(
        "dashboard: the open pipeline by stage",
        runs,
        |charts: &Vec<CurrencyPipeline>| charts.iter().map(|c| c.stages.len()).sum(),
        move || async move {
            let mut conn = db.pool().acquire().await.expect("connection");
            crm_backend::opportunities::db::open_value(&mut conn, workspace)
                .await
                .expect("pipeline")
        },
    )
    .await;
    let today = CalendarDate::from_millis(db.now_millis());
    measure(
        "dashboard: the workspace's counts",
        runs,
        |_: &crm_backend::dashboard::db::Counts| 5,
        move || async move {
            crm_backend::dashboard::db::counts(db.pool(), workspace, today)
                .await
                .expect("counts")
        },
    )
    .await;
    // Tasks about the seeded records of every kind (one for every ten people): the first page
    // of the open ones, each with the name of what it is about.
    seed_tasks(db, workspace, people / 10).await;
    let open_tasks = |search: &'static str| crm_backend::tasks::db::Filter {
        backend: db.backend(),
        done: false,
        assignee: None,
        newest: false,
        search,
    };
    // Half way down the list, as its page links lead there.
    let first = crm_backend::records::db::PageAt::First;
    let (_, halfway) = {
        let mut conn = db.pool().acquire().await.expect("connection");
        crm_backend::tasks::db::list(
            &mut conn,
            workspace,
            &open_tasks(""),
            &first,
            people / 20,
            today,
        )
        .await
        .expect("tasks")
    };
    let halfway =
        crm_backend::records::db::PageAt::from_query(&halfway.next.expect("a next page"), "")
            .expect("cursor");
    let open = open_tasks("");
    for (label, filter, at) in [
        ("tasks: first page of open tasks", open, &first),
        (
            "tasks: first page of open tasks, newest first",
            crm_backend::tasks::db::Filter {
                newest: true,
                ..open
            },
            &first,
        ),
        ("tasks: a page half way down the open tasks", open, &halfway),
        // A search that only a few titles match, so that most of the open tasks are looked at.
        (
            "tasks: search, part of a title (\"up 777\")",
            open_tasks("up 777"),
            &first,
        ),
        (
            "tasks: search, two letters (\"fo\")",
            open_tasks("fo"),
            &first,
        ),
    ] {
        let filter = &filter;
        measure(
            label,
            runs,
            |(tasks, _): &(Vec<crm_core::tasks::Task>, crm_core::records::ListPlace)| tasks.len(),
            move || async move {
                let size = crm_core::tasks::PAGE_SIZE;
                let mut conn = db.pool().acquire().await.expect("connection");
                crm_backend::tasks::db::list(&mut conn, workspace, filter, at, size, today)
                    .await
                    .expect("tasks")
            },
        )
        .await;
    }
    database.cleanup().await;
}

/// `count` open tasks about the workspace's people, companies, leads and opportunities in turn,
/// due on days spread over a year.
async fn seed_tasks(db: &Db, workspace: WorkspaceId, count: usize) {
    let mut kinds = Vec::new();
    for table in ["people", "companies", "leads", "opportunities"] {
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM {table} WHERE workspace_id = $1 ORDER BY id LIMIT $2"
        ))
        .bind(workspace.to_string())
        .bind(i64::try_from(count).expect("count"))
        .fetch_all(db.pool())
        .await
        .expect("ids");
        kinds.push(ids);
    }
    let records = (0..count)
        .flat_map(|i| kinds.iter().filter_map(move |ids| ids.get(i)))
        .take(count);
    let now = db.now_millis();
    let mut tx = db.pool().begin().await.expect("transaction");
    for (i, record) in records.enumerate() {
        sqlx::query(
            "INSERT INTO tasks (id, workspace_id, title, search_text, due_on, record_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(workspace.to_string())
        .bind(format!("Follow up {i}"))
        .bind(format!("follow up {i}"))
        .bind(format!("2027-{:02}-{:02}", i % 12 + 1, i % 28 + 1))
        .bind(record)
        .bind(now + i64::try_from(i).expect("index"))
        .execute(&mut *tx)
        .await
        .expect("task");
    }
    tx.commit().await.expect("commit");
}

#[tokio::main]
async fn main() {
    let people = env_number("PEOPLE", 100_000);
    let runs = env_number("RUNS", 200);
    bench(TestDatabase::sqlite().await, people, runs).await;
    match TestDatabase::postgres().await {
        Some(pg) => bench(pg, people, runs).await,
        None => println!("PostgreSQL skipped: set TEST_DATABASE_URL to measure it too."),
    }
}
