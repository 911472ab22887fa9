//! Policy versions in the database: seeding, publishing (append-only), and reading.

use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crm_core::error::AppError;
use crm_core::policy::{PolicyDocument, PolicyVersion, VersionSummary};
use crm_core::time::CalendarDate;

use crate::db::Db;

/// The policy in force when the product was first published; version 1 on every new database.
pub const ORIGINAL_POLICY: &str = include_str!("../../../content/privacy-policy-2018-05-25.md");

/// Why a version could not be published; each says what to change.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the policy text is not valid: {0}")]
    Invalid(#[from] crm_core::policy::PolicyParseError),
    #[error("the effective date {effective} is in the past; use today ({today}) or a later date")]
    Backdated {
        effective: CalendarDate,
        today: CalendarDate,
    },
    #[error(
        "the effective date {effective} is before version {latest}'s ({latest_effective}); versions take effect in order"
    )]
    OutOfOrder {
        effective: CalendarDate,
        latest: i64,
        latest_effective: CalendarDate,
    },
    #[error("this exact text is already published as version {0}")]
    Duplicate(i64),
    #[error(transparent)]
    Database(#[from] AppError),
}

fn hash(content: &str) -> String {
    hex::encode(Sha256::digest(content.as_bytes()))
}

fn summary_from_row(row: &AnyRow, now: i64) -> Result<VersionSummary, AppError> {
    let effective_at: i64 = row.try_get("effective_at")?;
    let significant: i64 = row.try_get("significant")?;
    let content_hash: String = row.try_get("content_hash")?;
    Ok(VersionSummary {
        version: row.try_get("version")?,
        effective: CalendarDate::from_millis(effective_at),
        significant: significant == 1,
        content_hash,
        upcoming: effective_at > now,
    })
}

fn version_from_row(row: &AnyRow, now: i64) -> Result<PolicyVersion, AppError> {
    let summary = summary_from_row(row, now)?;
    let content: String = row.try_get("content")?;
    let document = PolicyDocument::parse(&content).map_err(|e| {
        AppError::internal(format!(
            "stored policy version {} does not parse: {e}",
            summary.version
        ))
    })?;
    Ok(PolicyVersion { summary, document })
}

/// Publishes a new version. The text is parsed first; it takes effect on its `effective:` date,
/// which may not be in the past nor before the latest version's. Nothing already published changes.
pub async fn publish(
    db: &Db,
    content: &str,
    significant: bool,
    now: i64,
) -> Result<VersionSummary, PublishError> {
    let document = PolicyDocument::parse(content)?;
    let today = CalendarDate::from_millis(now);
    if document.effective < today {
        return Err(PublishError::Backdated {
            effective: document.effective,
            today,
        });
    }
    insert(db, content, &document, significant, now).await
}

async fn insert(
    db: &Db,
    content: &str,
    document: &PolicyDocument,
    significant: bool,
    now: i64,
) -> Result<VersionSummary, PublishError> {
    let content_hash = hash(content);
    let mut tx = db.begin_write().await.map_err(AppError::from)?;
    if let Some(existing) =
        sqlx::query_scalar::<_, i64>("SELECT version FROM policy_versions WHERE content_hash = $1")
            .bind(&content_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(AppError::from)?
    {
        return Err(PublishError::Duplicate(existing));
    }
    let latest = sqlx::query(
        "SELECT version, effective_at FROM policy_versions ORDER BY version DESC LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(AppError::from)?;
    let mut next = 1;
    if let Some(latest) = latest {
        let version: i64 = latest.try_get("version").map_err(AppError::from)?;
        let effective_at: i64 = latest.try_get("effective_at").map_err(AppError::from)?;
        if document.effective.start_millis() < effective_at {
            return Err(PublishError::OutOfOrder {
                effective: document.effective,
                latest: version,
                latest_effective: CalendarDate::from_millis(effective_at),
            });
        }
        next = version + 1;
    }
    sqlx::query(
        "INSERT INTO policy_versions (version, effective_at, content, content_hash, significant, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(next)
    .bind(document.effective.start_millis())
    .bind(content)
    .bind(&content_hash)
    .bind(i64::from(significant))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    tracing::info!(version = next, significant, "policy version published");
    Ok(VersionSummary {
        version: next,
        effective: document.effective,
        significant,
        content_hash,
        upcoming: document.effective.start_millis() > now,
    })
}

/// Makes sure version 1 (the 2018-05-25 policy) exists. Runs at every start; idempotent, and
/// safe when several instances start at once (the loser's insert is refused by the primary key).
pub async fn ensure_seeded(db: &Db) -> Result<(), AppError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM policy_versions")
        .fetch_one(db.pool())
        .await?;
    if count > 0 {
        return Ok(());
    }
    let document = PolicyDocument::parse(ORIGINAL_POLICY)
        .map_err(|e| AppError::internal(format!("the bundled policy does not parse: {e}")))?;
    match insert(db, ORIGINAL_POLICY, &document, false, db.now_millis()).await {
        Ok(_) | Err(PublishError::Duplicate(_)) => Ok(()),
        Err(PublishError::Database(AppError::Conflict(_))) => Ok(()),
        Err(PublishError::Database(e)) => Err(e),
        Err(other) => Err(AppError::internal(other)),
    }
}

const COLUMNS: &str = "version, effective_at, content, content_hash, significant";

/// The version in force at `now`: the latest effective one.
pub async fn current(db: &Db, now: i64) -> Result<PolicyVersion, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM policy_versions WHERE effective_at <= $1 \
         ORDER BY effective_at DESC, version DESC LIMIT 1"
    ))
    .bind(now)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    version_from_row(&row, now)
}

/// The version a visitor was shown, when the form says a real one that is in force or was;
/// otherwise the version in force now. Used to record what someone accepted.
pub async fn shown_or_current(db: &Db, claimed: Option<i64>, now: i64) -> Result<i64, AppError> {
    if let Some(version) = claimed {
        match find(db, version, now).await {
            Ok(found) if !found.summary.upcoming => return Ok(version),
            Ok(_) | Err(AppError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(current(db, now).await?.summary.version)
}

/// One version by number.
pub async fn find(db: &Db, version: i64, now: i64) -> Result<PolicyVersion, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM policy_versions WHERE version = $1"
    ))
    .bind(version)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    version_from_row(&row, now)
}

/// Every version, newest first.
pub async fn list(db: &Db, now: i64) -> Result<Vec<VersionSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT version, effective_at, content_hash, significant FROM policy_versions ORDER BY version DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|row| summary_from_row(row, now)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    fn edited(effective: &str) -> String {
        ORIGINAL_POLICY
            .replace("effective: 2018-05-25", &format!("effective: {effective}"))
            .replace(
                "We collect your resume or C.V. when you apply for a job with us.",
                "We never sell personal data.",
            )
    }

    #[backend_test]
    async fn the_2018_policy_is_seeded_once_as_version_one(t: TestDatabase) {
        ensure_seeded(&t.db).await.expect("seed");
        ensure_seeded(&t.db).await.expect("seed again");
        let versions = list(&t.db, t.db.now_millis()).await.expect("list");
        assert_eq!(versions.len(), 1, "{}", t.label());
        assert_eq!(versions[0].version, 1);
        assert_eq!(versions[0].effective.to_string(), "2018-05-25");
        let current = current(&t.db, t.db.now_millis()).await.expect("current");
        assert_eq!(current.document.numbered_sections().count(), 11);
    }

    #[backend_test]
    async fn a_published_version_is_shown_from_its_effective_date_not_before(t: TestDatabase) {
        ensure_seeded(&t.db).await.expect("seed");
        let now = CalendarDate::parse("2026-11-29")
            .expect("date")
            .start_millis()
            + 3_600_000;
        let published = publish(&t.db, &edited("2026-12-01"), true, now)
            .await
            .expect("publish");
        assert_eq!(published.version, 2, "{}", t.label());
        assert!(published.significant);
        assert!(published.upcoming);
        assert_eq!(
            current(&t.db, now).await.expect("current").summary.version,
            1
        );
        let later = CalendarDate::parse("2026-12-01")
            .expect("date")
            .start_millis();
        assert_eq!(
            current(&t.db, later)
                .await
                .expect("current")
                .summary
                .version,
            2
        );
        // The old version reads back unchanged.
        let old = find(&t.db, 1, later).await.expect("version 1");
        assert_eq!(
            old.document,
            PolicyDocument::parse(ORIGINAL_POLICY).expect("valid")
        );
    }

    #[backend_test]
    async fn backdated_out_of_order_duplicate_and_malformed_versions_are_refused(t: TestDatabase) {
        ensure_seeded(&t.db).await.expect("seed");
        let now = CalendarDate::parse("2026-11-29")
            .expect("date")
            .start_millis();
        let error = publish(&t.db, &edited("2026-11-28"), false, now)
            .await
            .unwrap_err();
        assert!(
            matches!(error, PublishError::Backdated { .. }),
            "{}: {error}",
            t.label()
        );

        publish(&t.db, &edited("2026-12-10"), false, now)
            .await
            .expect("publish");
        let error = publish(
            &t.db,
            &edited("2026-12-10").replace("never sell", "do not sell"),
            false,
            now,
        )
        .await
        .expect("same date is fine");
        assert_eq!(error.version, 3);
        let error = publish(
            &t.db,
            &edited("2026-12-05").replace("never", "truly never"),
            false,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, PublishError::OutOfOrder { latest: 3, .. }),
            "{error}"
        );

        let error = publish(&t.db, &edited("2026-12-10"), false, now)
            .await
            .unwrap_err();
        assert!(matches!(error, PublishError::Duplicate(2)), "{error}");

        let error = publish(&t.db, "title: Broken\n", false, now)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("effective"), "{error}");
        assert_eq!(
            list(&t.db, now).await.expect("list").len(),
            3,
            "nothing else was stored"
        );
    }

    #[backend_test]
    async fn the_database_refuses_to_rewrite_or_delete_a_published_version(t: TestDatabase) {
        ensure_seeded(&t.db).await.expect("seed");
        let update =
            sqlx::query("UPDATE policy_versions SET content = 'rewritten' WHERE version = 1")
                .execute(t.db.pool())
                .await;
        assert!(update.is_err(), "{}: an UPDATE went through", t.label());
        let delete = sqlx::query("DELETE FROM policy_versions WHERE version = 1")
            .execute(t.db.pool())
            .await;
        assert!(delete.is_err(), "{}: a DELETE went through", t.label());
        let version = find(&t.db, 1, t.db.now_millis())
            .await
            .expect("still there");
        assert!(version.document.sections.len() > 11);
    }

    #[backend_test]
    async fn unknown_versions_are_not_found(t: TestDatabase) {
        ensure_seeded(&t.db).await.expect("seed");
        assert_eq!(
            find(&t.db, 99, t.db.now_millis()).await.unwrap_err(),
            AppError::NotFound
        );
    }
}
