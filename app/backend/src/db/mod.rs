//! The database: one pool over SQLite or PostgreSQL, chosen at run time by `DATABASE_URL`.
//!
//! Queries go through sqlx's `Any` driver so that one query layer serves both engines. `$1`-style
//! placeholders work on both. The driver decodes only integers, floats and text portably, so the
//! schema follows one convention (see the first migration): ids are UUID text, times are BIGINT
//! milliseconds since the Unix epoch, flags are 0/1 integers. The typed ids of `crm_core::ids`
//! encode and decode as that text, so a query binds them as they are (`.bind(person)`). Where the
//! engines' SQL differs (full-text search, bulk inserts), code branches on [`Db::backend`].

use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{Executor, Row};

mod clock;
mod data_steps;
mod statement;

pub use crate::config::Backend;
use crate::config::DatabaseUrl;
pub use clock::{Clock, system_millis};
pub use statement::Statement;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The shared connection pools and which engine is behind them.
///
/// Reads use `pool`. Every transaction that may write begins through [`Db::begin_write`]: on
/// SQLite that takes the one writer connection, so concurrent writers wait their turn in a fair
/// queue (without holding a reading connection), and begins `IMMEDIATE`, taking the write lock
/// before the first read. A deferred transaction that reads first cannot take the lock later once
/// another writer has moved the database on: SQLite answers `SQLITE_BUSY_SNAPSHOT` at once
/// instead of waiting, which members saw as one failed note in two. On PostgreSQL both are the
/// same pool and a transaction begins as usual.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    writer: AnyPool,
    backend: Backend,
    clock: Clock,
}

/// How long a write waits for its turn (and SQLite's busy timeout for other processes) before
/// the member is told to try again.
const WRITE_WAIT: Duration = Duration::from_secs(5);

/// What `/readyz` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub database_reachable: bool,
    /// Versions of migrations this binary knows but the database has not applied.
    pub pending_migrations: Vec<i64>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.database_reachable && self.pending_migrations.is_empty()
    }
}

/// Creates the SQLite file, and its folder, for this user alone (0600 in a 0700 folder) when it is
/// missing; SQLite gives its `-wal` and `-shm` files the database file's mode.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        crate::config::create_private_dir(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

impl Db {
    /// Opens the pool. For SQLite the file and its folder are created when missing, and each
    /// connection gets WAL, foreign keys, a busy timeout and durable (`FULL`) commits.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        if let Some(path) = url.sqlite_path() {
            create_private_file(path)?;
        }
        let backend = url.backend();
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        match backend {
            Backend::Sqlite => {
                let pool = sqlite_options(options.max_connections(8))
                    .connect(url.as_str())
                    .await?;
                // One connection: SQLite has one writer at a time whatever the pool size, and a
                // queue here is fair where SQLite's busy handler (which polls) is not.
                let writer = sqlite_options(
                    AnyPoolOptions::new()
                        .max_connections(1)
                        .acquire_timeout(WRITE_WAIT),
                )
                .connect(url.as_str())
                .await?;
                Ok(Self {
                    pool,
                    writer,
                    backend,
                    clock: Clock::system(),
                })
            }
            Backend::Postgres => {
                let pool = options
                    .max_connections(16)
                    // A write waiting for a row another transaction holds gives up after the
                    // same five seconds as on SQLite (answered "busy, try again"), instead of
                    // waiting for ever.
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            let wait = WRITE_WAIT.as_millis();
                            conn.execute(format!("SET lock_timeout = {wait}").as_str())
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(url.as_str())
                    .await?;
                Ok(Self {
                    writer: pool.clone(),
                    pool,
                    backend,
                    clock: Clock::system(),
                })
            }
        }
    }

    /// The pool for reads, and for writes of one statement (which SQLite makes wait for the write
    /// lock within its busy timeout).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that may write: the one way every write path begins one. On SQLite
    /// it waits its turn for the writer connection and holds the write lock from the start
    /// (`BEGIN IMMEDIATE`); reads elsewhere go on meanwhile. A wait that runs out is an error
    /// that [`crate::error::AppError`] answers as "busy, try again" (503 with `Retry-After`).
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Makes the transactions that name the same `key` take turns, each reading what the one
    /// before it wrote, where no row exists yet to lock: on PostgreSQL with an advisory lock held
    /// until the transaction ends (keyed by a hash of `key`: two keys may rarely share one and
    /// then wait for each other, never wrongly run together); on SQLite a [`Db::begin_write`]
    /// transaction already holds the database's write lock. Two members adding the same person
    /// at the same moment so see each other instead of both finding nobody.
    pub async fn take_turns(
        &self,
        conn: &mut sqlx::AnyConnection,
        key: &str,
    ) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Makes writers of one record take turns within their transactions, so that each reads
    /// what the one before it wrote: on PostgreSQL it locks the record's row (`FOR UPDATE`) until
    /// the transaction ends; on SQLite a [`Db::begin_write`] transaction already holds the
    /// database's write lock. Without it, two members saving different fields of one record at
    /// the same moment on PostgreSQL read the same version, and the second was refused as a
    /// conflict although nobody had touched its field.
    pub async fn lock_record(
        &self,
        conn: &mut sqlx::AnyConnection,
        table: &'static str,
        id: &str,
    ) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query(&format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Now, in milliseconds since the Unix epoch (UTC), by the clock every service reads.
    pub fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    /// The clock that [`Db::now_millis`] reads, shared by every clone of this handle; tests hold
    /// it and move it on.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies every migration not yet applied, then the data steps not yet done
    /// ([`data_steps`]). Safe to run concurrently from several instances: sqlx takes an advisory
    /// lock on PostgreSQL, and each data step is one transaction that records itself.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        self.migrator().run(&self.pool).await?;
        data_steps::run(self)
            .await
            .map_err(sqlx::migrate::MigrateError::Execute)
    }

    /// Whether the database answers and every migration this binary knows has been applied.
    pub async fn readiness(&self) -> Readiness {
        let reachable = sqlx::query("SELECT 1").execute(&self.pool).await.is_ok();
        if !reachable {
            return Readiness {
                database_reachable: false,
                pending_migrations: self.migrator().iter().map(|m| m.version).collect(),
            };
        }
        let applied: Vec<i64> =
            match sqlx::query("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
            {
                Ok(rows) => rows
                    .iter()
                    .filter_map(|r| r.try_get::<i64, _>(0).ok())
                    .collect(),
                // No migrations table yet: nothing has been applied.
                Err(_) => Vec::new(),
            };
        let pending = self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
            .map(|m| m.version)
            .collect();
        Readiness {
            database_reachable: true,
            pending_migrations: pending,
        }
    }

    /// Closes every connection; used on shutdown so SQLite checkpoints its WAL.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// Every SQLite connection gets WAL, foreign keys, a busy timeout, durable (`FULL`) commits, and
/// `secure_delete`: what is deleted (a note written on the wrong person, an erased record) is
/// overwritten in the file, not left in its free pages.
fn sqlite_options(options: AnyPoolOptions) -> AnyPoolOptions {
    options.after_connect(|conn, _meta| {
        Box::pin(async move {
            let busy_timeout = format!("PRAGMA busy_timeout = {}", WRITE_WAIT.as_millis());
            for pragma in [
                "PRAGMA journal_mode = WAL",
                "PRAGMA foreign_keys = ON",
                busy_timeout.as_str(),
                "PRAGMA synchronous = FULL",
                "PRAGMA secure_delete = ON",
            ] {
                conn.execute(pragma).await?;
            }
            Ok(())
        })
    })
}

#[cfg(any(test, feature = "test-support"))]
pub mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    #[backend_test]
    async fn a_typed_id_is_stored_as_its_uuid_text_and_reads_back_only_from_a_uuid(
        test_db: TestDatabase,
    ) {
        use crm_core::ids::PersonId;
        let db = &test_db.db;
        let id = PersonId::parse("67e55044-10b1-426f-9247-bb680e5fe0c8").expect("a UUID");
        let stored: String = sqlx::query_scalar("SELECT $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("select");
        assert_eq!(stored, "67e55044-10b1-426f-9247-bb680e5fe0c8");
        let read: PersonId = sqlx::query_scalar("SELECT $1")
            .bind(stored)
            .fetch_one(db.pool())
            .await
            .expect("select");
        assert_eq!(read, id);
        let not_an_id = sqlx::query_scalar::<_, PersonId>("SELECT $1")
            .bind("1 OR 1=1")
            .fetch_one(db.pool())
            .await;
        assert!(not_an_id.is_err(), "{}", test_db.label());
    }

    #[backend_test]
    async fn a_migrated_database_is_reachable_with_nothing_pending(test_db: TestDatabase) {
        let readiness = test_db.db.readiness().await;
        assert!(readiness.is_ready(), "{}: {readiness:?}", test_db.label());
    }

    #[tokio::test]
    async fn an_unmigrated_database_reports_every_migration_as_pending() {
        let dir = std::env::temp_dir().join(format!("crm-unmigrated-{}", uuid::Uuid::new_v4()));
        let url = DatabaseUrl::parse(&format!("sqlite://{}/crm.db", dir.display())).expect("url");
        let db = Db::connect(&url).await.expect("open");
        let readiness = db.readiness().await;
        assert!(readiness.database_reachable);
        assert!(!readiness.is_ready());
        assert_eq!(
            readiness.pending_migrations.len(),
            SQLITE_MIGRATIONS.iter().count()
        );
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn sqlite_connections_use_wal_foreign_keys_a_busy_timeout_full_sync_and_secure_delete() {
        let test_db = TestDatabase::sqlite().await;
        let pool = test_db.db.pool();
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .expect("pragma");
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(pool)
            .await
            .expect("pragma");
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(pool)
            .await
            .expect("pragma");
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(pool)
            .await
            .expect("pragma");
        assert_eq!(journal, "wal");
        assert_eq!(foreign_keys, 1);
        assert_eq!(busy, 5000);
        assert_eq!(synchronous, 2, "2 is FULL");
        let secure_delete: i64 = sqlx::query_scalar("PRAGMA secure_delete")
            .fetch_one(pool)
            .await
            .expect("pragma");
        assert_eq!(secure_delete, 1);
        test_db.cleanup().await;
    }

    #[backend_test]
    async fn migrating_twice_changes_nothing(test_db: TestDatabase) {
        test_db.db.migrate().await.expect("second run is a no-op");
        assert!(test_db.db.readiness().await.is_ready());
    }

    #[tokio::test]
    async fn the_sqlite_file_and_its_folder_are_created_on_first_start() {
        let dir = std::env::temp_dir().join(format!("crm-first-start-{}", uuid::Uuid::new_v4()));
        let file = dir.join("nested").join("crm.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", file.display())).expect("url");
        let db = Db::connect(&url).await.expect("open");
        db.migrate().await.expect("migrate");
        assert!(file.exists());
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_sqlite_write_waits_for_the_writer_before_it_and_then_runs() {
        let test_db = TestDatabase::sqlite().await;
        let db = test_db.db.clone();
        let mut first = db.begin_write().await.expect("first writer");
        sqlx::query("CREATE TABLE turns (n BIGINT NOT NULL)")
            .execute(&mut *first)
            .await
            .expect("create");
        let second = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin_write().await?;
                // Reads first, then writes: the shape that failed at once when begun deferred.
                let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM turns")
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO turns (n) VALUES ($1)")
                    .bind(seen + 1)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<i64, sqlx::Error>(seen)
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!second.is_finished(), "the second writer waits its turn");
        sqlx::query("INSERT INTO turns (n) VALUES (1)")
            .execute(&mut *first)
            .await
            .expect("insert");
        first.commit().await.expect("commit");
        let seen = second.await.expect("task").expect("the second writer runs");
        assert_eq!(seen, 1, "it reads what the first wrote");
        test_db.cleanup().await;
    }
}
