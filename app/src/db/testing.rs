//! Fresh, migrated databases for tests, on every backend this machine offers.
//!
//! SQLite always (a file in a temporary folder: an in-memory database would give each pooled
//! connection its own empty database). PostgreSQL when `TEST_DATABASE_URL` is set: each test gets
//! its own schema, dropped by [`TestDatabase::cleanup`]; schemas left by crashed runs are dropped
//! after an hour.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Db;
use crate::config::{Backend, DatabaseUrl};

/// A database made for one test.
pub struct TestDatabase {
    pub db: Db,
    pub url: DatabaseUrl,
    schema: Option<String>,
    dir: Option<PathBuf>,
}

impl TestDatabase {
    /// "sqlite" or "postgres", for assertion messages.
    pub fn label(&self) -> &'static str {
        self.db.backend().name()
    }

    /// Drops the PostgreSQL schema or deletes the SQLite folder.
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(schema) = &self.schema
            && let Some(admin) = admin_url()
            && let Ok(db) = Db::connect(&admin).await
        {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(db.pool())
                .await;
            db.close().await;
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
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

/// A fresh, migrated SQLite database in its own temporary folder.
pub async fn sqlite() -> TestDatabase {
    let dir = std::env::temp_dir().join(format!("crm-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    let url = DatabaseUrl::parse(&format!("sqlite://{}/crm.db", dir.display())).expect("valid URL");
    let db = Db::connect(&url).await.expect("open SQLite");
    db.migrate().await.expect("migrate SQLite");
    TestDatabase {
        db,
        url,
        schema: None,
        dir: Some(dir),
    }
}

/// A fresh, migrated PostgreSQL schema, or `None` when `TEST_DATABASE_URL` is not set.
pub async fn postgres() -> Option<TestDatabase> {
    let admin = admin_url()?;
    let now = super::now_millis();
    let schema = format!("crm_test_{now}_{}", uuid::Uuid::new_v4().simple());
    let admin_db = Db::connect(&admin)
        .await
        .expect("connect to TEST_DATABASE_URL");
    drop_stale_schemas(&admin_db, now).await;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(admin_db.pool())
        .await
        .expect("create a test schema");
    admin_db.close().await;

    let separator = if admin.as_str().contains('?') {
        '&'
    } else {
        '?'
    };
    let url = DatabaseUrl::parse(&format!(
        "{}{separator}options[search_path]={schema}",
        admin.as_str()
    ))
    .expect("valid URL");
    let db = Db::connect(&url).await.expect("connect to the test schema");
    db.migrate().await.expect("migrate PostgreSQL");
    Some(TestDatabase {
        db,
        url,
        schema: Some(schema),
        dir: None,
    })
}

async fn drop_stale_schemas(admin: &Db, now: i64) {
    let Ok(names) = sqlx::query_scalar::<_, String>(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'crm\\_test\\_%'",
    )
    .fetch_all(admin.pool())
    .await
    else {
        return;
    };
    for name in names {
        let created = name
            .strip_prefix("crm_test_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|ms| ms.parse::<i64>().ok());
        if created.is_some_and(|created| now - created > 60 * 60 * 1000) {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .execute(admin.pool())
                .await;
        }
    }
}

/// SQLite, plus PostgreSQL when `TEST_DATABASE_URL` is set. Says once per process when
/// PostgreSQL is skipped, so a run never passes quietly on one backend.
pub async fn each_backend() -> Vec<TestDatabase> {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let mut all = vec![sqlite().await];
    match postgres().await {
        Some(pg) => all.push(pg),
        None => {
            if !WARNED.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "note: TEST_DATABASE_URL is not set; PostgreSQL cases skipped, SQLite only"
                );
            }
        }
    }
    all
}
