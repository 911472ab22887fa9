//! Fresh, migrated databases for tests, on every backend this machine offers.
//!
//! - **SQLite** always: a file in a temporary folder (an in-memory database would give each pooled
//!   connection its own empty database), copied from a template that this process migrated once.
//! - **PostgreSQL** when `TEST_DATABASE_URL` is set: a database of its own per test, created from a
//!   template database that this process migrated once (`CREATE DATABASE ... TEMPLATE`).
//!
//! A test names its backend: `#[crm_test_macros::backend_test]` runs an async test once per
//! backend, as two tests whose names end in `_sqlite` and `_postgres`, building the fixture with
//! [`TestDatabase::sqlite`] and [`TestDatabase::postgres`] (or the server tests' `TestApp`, which
//! wraps one). Clean-up happens when the fixture is dropped, so a failing assertion (a panic) does
//! not leave a database behind; test and template databases left by a killed run are dropped
//! by the next run after an hour.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::OnceCell;

use super::Db;
use crate::config::{Backend, DatabaseUrl};

/// Test databases and templates are named `crm_test_<unix millis>_<random>`, so that a later
/// run can tell how old a leftover is.
const PREFIX: &str = "crm_test_";
/// Leftovers older than this belong to a run that was killed.
const STALE_MS: i64 = 60 * 60 * 1000;

/// A database made for one test. Dropping it closes its connections and deletes it.
pub struct TestDatabase {
    pub db: Db,
    pub url: DatabaseUrl,
    /// What to delete on drop.
    leftover: Option<Leftover>,
}

enum Leftover {
    /// A SQLite database's folder.
    Folder(PathBuf),
    /// A PostgreSQL database, by name.
    Database(String),
}

impl TestDatabase {
    /// A fresh, migrated SQLite database in its own temporary folder.
    pub async fn sqlite() -> Self {
        static TEMPLATE: OnceCell<PathBuf> = OnceCell::const_new();
        let template = TEMPLATE.get_or_init(sqlite_template).await;
        let dir = temp_folder("crm-test");
        let file = dir.join("crm.db");
        std::fs::copy(template, &file).expect("copy the SQLite template");
        let db = connect_sqlite(&file).await;
        TestDatabase {
            url: db.1,
            db: db.0,
            leftover: Some(Leftover::Folder(dir)),
        }
    }

    /// A fresh, migrated PostgreSQL database, or `None` when `TEST_DATABASE_URL` is not set
    /// (which it says once per process, so that a run never passes quietly on one backend).
    pub async fn postgres() -> Option<Self> {
        static WARNED: AtomicBool = AtomicBool::new(false);
        let Some(admin) = admin_url() else {
            if !WARNED.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "note: TEST_DATABASE_URL is not set; the PostgreSQL cases (tests named \
                     `..._postgres`) pass without running, SQLite only"
                );
            }
            return None;
        };
        static TEMPLATE: OnceCell<String> = OnceCell::const_new();
        let template = TEMPLATE.get_or_init(|| postgres_template(&admin)).await;
        let name = fresh_name();
        let admin_db = Db::connect(&admin)
            .await
            .expect("connect to TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(admin_db.pool())
            .await
            .expect("create a test database from the template");
        admin_db.close().await;
        let url = database_url(&admin, &name);
        let db = Db::connect(&url)
            .await
            .expect("connect to the test database");
        Some(TestDatabase {
            db,
            url,
            leftover: Some(Leftover::Database(name)),
        })
    }

    /// "sqlite" or "postgres", for assertion messages.
    pub fn label(&self) -> &'static str {
        self.db.backend().name()
    }

    /// Closes the connections and deletes the database now (dropping it does the same).
    pub async fn cleanup(mut self) {
        self.db.close().await;
        if let Some(leftover) = self.leftover.take() {
            delete(leftover).await;
        }
    }
}

impl Drop for TestDatabase {
    /// Deletes the database even when the test panicked. Runs on a thread of its own, which can
    /// wait for PostgreSQL whether or not this thread is inside an async runtime.
    fn drop(&mut self) {
        let Some(leftover) = self.leftover.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(delete(leftover));
        })
        .join();
    }
}

async fn delete(leftover: Leftover) {
    match leftover {
        Leftover::Folder(dir) => {
            let _ = std::fs::remove_dir_all(dir);
        }
        Leftover::Database(name) => {
            if let Some(admin) = admin_url()
                && let Ok(db) = Db::connect(&admin).await
            {
                // FORCE: a pool that was dropped without closing may still hold connections.
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(db.pool())
                    .await;
                db.close().await;
            }
        }
    }
}

fn admin_url() -> Option<DatabaseUrl> {
    let raw = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())?;
    let url = DatabaseUrl::parse(&raw).unwrap_or_else(|m| panic!("TEST_DATABASE_URL: {m}"));
    assert_eq!(
        url.backend(),
        Backend::Postgres,
        "TEST_DATABASE_URL must be a postgres:// URL"
    );
    Some(url)
}

/// `crm_test_<unix millis>_<random>`: unique, and dated for the clean-up of leftovers.
fn fresh_name() -> String {
    format!(
        "{PREFIX}{}_{}",
        super::system_millis(),
        uuid::Uuid::new_v4().simple()
    )
}

fn temp_folder(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    dir
}

async fn connect_sqlite(file: &Path) -> (Db, DatabaseUrl) {
    let url = DatabaseUrl::parse(&format!("sqlite://{}", file.display())).expect("valid URL");
    let db = Db::connect(&url).await.expect("open SQLite");
    (db, url)
}

/// Migrates a SQLite database once per process, and writes it out whole with `VACUUM INTO`:
/// a file that holds everything by itself (nothing left in a write-ahead log), which each test
/// copies.
async fn sqlite_template() -> PathBuf {
    sweep_stale_folders();
    let dir = temp_folder("crm-template");
    let (db, _) = connect_sqlite(&dir.join("migrated.db")).await;
    db.migrate().await.expect("migrate the SQLite template");
    let template = dir.join("template.db");
    sqlx::query(&format!("VACUUM INTO '{}'", template.display()))
        .execute(db.pool())
        .await
        .expect("write the SQLite template");
    db.close().await;
    template
}

/// Deletes the SQLite folders (test databases and templates) that killed runs left behind.
fn sweep_stale_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    let stale = std::time::Duration::from_millis(STALE_MS.unsigned_abs());
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with("crm-test-") || name.starts_with("crm-template-")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > stale);
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Migrates a PostgreSQL database once per process, which each test's database copies. First
/// drops what killed runs left behind.
async fn postgres_template(admin: &DatabaseUrl) -> String {
    let admin_db = Db::connect(admin)
        .await
        .expect("connect to TEST_DATABASE_URL");
    drop_stale_databases(&admin_db).await;
    let name = fresh_name();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin_db.pool())
        .await
        .expect("create the template database");
    admin_db.close().await;
    let db = Db::connect(&database_url(admin, &name))
        .await
        .expect("connect to the template database");
    db.migrate().await.expect("migrate the PostgreSQL template");
    // Nobody may be connected to a template while it is copied.
    db.close().await;
    name
}

/// The admin URL with another database name.
fn database_url(admin: &DatabaseUrl, name: &str) -> DatabaseUrl {
    let mut url = url::Url::parse(admin.as_str()).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    DatabaseUrl::parse(url.as_str()).expect("valid URL")
}

async fn drop_stale_databases(admin: &Db) {
    let Ok(names) = sqlx::query_scalar::<_, String>(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'crm\\_test\\_%'",
    )
    .fetch_all(admin.pool())
    .await
    else {
        return;
    };
    let now = super::system_millis();
    for name in names {
        let created = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|ms| ms.parse::<i64>().ok());
        if created.is_some_and(|created| now - created > STALE_MS) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await;
        }
    }
}
