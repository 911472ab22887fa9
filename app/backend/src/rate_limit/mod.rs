//! Rate limits kept in the database, so every server instance counts the same attempts.
//!
//! A limit counts attempts per key in fixed windows. Keys are hashed with the server's secret
//! before they are stored: an IP address is personal data, and the table only needs to tell
//! attempts apart, never to say whose they were. Windows older than a day are deleted.

use sha2::{Digest, Sha256};

use crm_core::error::AppError;

use crate::db::Db;

/// How many attempts one key may make per window.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    /// Names the action (`demo`, `login`...), so keys of different actions never mix.
    pub bucket: &'static str,
    pub max_attempts: i64,
    pub window_ms: i64,
}

/// Whether the attempt may go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Limited,
}

/// How long counts are kept.
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

impl RateLimit {
    /// Counts one attempt by `key` at `now` and says whether it is within the limit.
    pub async fn hit(
        &self,
        db: &Db,
        secret: &[u8],
        key: &str,
        now: i64,
    ) -> Result<Decision, AppError> {
        let attempts = self.count(db, secret, key, now).await?;
        Ok(self.decide(attempts))
    }

    /// Whether `attempts` in one window are within the limit.
    pub fn decide(&self, attempts: i64) -> Decision {
        if attempts > self.max_attempts {
            Decision::Limited
        } else {
            Decision::Allowed
        }
    }

    fn window_start(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.window_ms)
    }

    fn key_hash(&self, secret: &[u8], key: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(secret);
        hasher.update(self.bucket.as_bytes());
        hasher.update([0]);
        hasher.update(key.as_bytes());
        hex::encode(hasher.finalize())
    }

    /// Takes back an attempt counted at `now` (with the same `now`), for limits that count only
    /// the attempts that fail: counted before the work, so attempts sent at once cannot all slip
    /// under the limit, and taken back when the work succeeds.
    pub async fn forgive(
        &self,
        db: &Db,
        secret: &[u8],
        key: &str,
        now: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE rate_limit_hits SET attempts = attempts - 1
             WHERE bucket = $1 AND key_hash = $2 AND window_start = $3 AND attempts > 0",
        )
        .bind(self.bucket)
        .bind(self.key_hash(secret, key))
        .bind(self.window_start(now))
        .execute(db.pool())
        .await?;
        Ok(())
    }

    /// Counts one attempt by `key` at `now`; returns the attempts of the window so far, this
    /// one included.
    pub async fn count(
        &self,
        db: &Db,
        secret: &[u8],
        key: &str,
        now: i64,
    ) -> Result<i64, AppError> {
        let window_start = self.window_start(now);
        let key_hash = self.key_hash(secret, key);
        // One statement, so concurrent attempts on several instances never lose a count.
        let attempts: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limit_hits (bucket, key_hash, window_start, attempts)
             VALUES ($1, $2, $3, 1)
             ON CONFLICT (bucket, key_hash, window_start)
             DO UPDATE SET attempts = rate_limit_hits.attempts + 1
             RETURNING attempts",
        )
        .bind(self.bucket)
        .bind(&key_hash)
        .bind(window_start)
        .fetch_one(db.pool())
        .await?;
        if attempts == 1 {
            // The first attempt of a window is a cheap moment to forget old windows.
            sqlx::query("DELETE FROM rate_limit_hits WHERE window_start < $1")
                .bind(now - KEEP_MS)
                .execute(db.pool())
                .await?;
        }
        Ok(attempts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    const LIMIT: RateLimit = RateLimit {
        bucket: "test",
        max_attempts: 3,
        window_ms: 60_000,
    };

    #[backend_test]
    async fn attempts_beyond_the_limit_are_refused_until_the_next_window(test: TestDatabase) {
        let db = &test.db;
        let now = 10 * 60_000;
        for attempt in 1..=3 {
            assert_eq!(
                LIMIT
                    .hit(db, b"secret", "198.51.100.7", now + attempt)
                    .await
                    .unwrap(),
                Decision::Allowed,
                "attempt {attempt} on {}",
                test.label()
            );
        }
        assert_eq!(
            LIMIT
                .hit(db, b"secret", "198.51.100.7", now + 10)
                .await
                .unwrap(),
            Decision::Limited
        );
        // Another address is counted apart; so is the next window.
        assert_eq!(
            LIMIT
                .hit(db, b"secret", "198.51.100.8", now + 10)
                .await
                .unwrap(),
            Decision::Allowed
        );
        assert_eq!(
            LIMIT
                .hit(db, b"secret", "198.51.100.7", now + 60_000)
                .await
                .unwrap(),
            Decision::Allowed
        );
    }

    #[backend_test]
    async fn a_forgiven_attempt_no_longer_counts_toward_the_limit(test: TestDatabase) {
        let db = &test.db;
        let now = 10 * 60_000;
        for _ in 0..10 {
            LIMIT.count(db, b"secret", "ada", now).await.unwrap();
            LIMIT.forgive(db, b"secret", "ada", now).await.unwrap();
        }
        assert_eq!(
            LIMIT.count(db, b"secret", "ada", now).await.unwrap(),
            1,
            "on {}",
            test.label()
        );
    }

    #[backend_test]
    async fn the_address_is_never_stored_and_old_windows_are_forgotten(test: TestDatabase) {
        let db = &test.db;
        LIMIT
            .hit(db, b"secret", "198.51.100.7", 60_000)
            .await
            .unwrap();
        let keys: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM rate_limit_hits")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(keys.len(), 1);
        assert!(!keys[0].contains("198.51"), "stored {:?}", keys[0]);
        // A day later, the first attempt of a new window deletes the old one.
        LIMIT
            .hit(db, b"secret", "203.0.113.1", 60_000 + KEEP_MS + 60_000)
            .await
            .unwrap();
        let windows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(windows, 1, "on {}", test.label());
    }
}
