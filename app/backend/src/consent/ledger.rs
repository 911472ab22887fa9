//! The consent ledger: every cookie decision appended as a row, never updated or deleted (the
//! database refuses both), and the per-day counts the operators' chart shows.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crm_core::consent::{Action, Choices, ConsentId, DayCounts, Source};
use crm_core::error::AppError;

use crate::db::Db;

/// One decision, as appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
    pub consent_id: ConsentId,
    /// The member who decided, when logged in (accounts arrive with the accounts feature).
    pub member_id: Option<String>,
    pub action: Action,
    pub choices: Choices,
    pub gpc: bool,
    pub policy_revision: String,
    pub source: Source,
    pub decided_at: i64,
}

/// SHA-256 (hex) of the text shown where a decision was made.
pub fn text_hash(source: Source) -> String {
    hex::encode(Sha256::digest(source.text_shown().as_bytes()))
}

/// Appends one decision.
pub async fn append(db: &Db, entry: &LedgerEntry) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO consent_ledger (consent_id, member_id, action, preferences, analytics,
             marketing, gpc, policy_revision, text_hash, source, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.consent_id.as_str())
    .bind(entry.member_id.as_deref())
    .bind(entry.action.key())
    .bind(i64::from(entry.choices.preferences))
    .bind(i64::from(entry.choices.analytics))
    .bind(i64::from(entry.choices.marketing))
    .bind(i64::from(entry.gpc))
    .bind(&entry.policy_revision)
    .bind(text_hash(entry.source))
    .bind(entry.source.key())
    .bind(entry.decided_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// One consent id's decisions, oldest first: what that browser agreed to, over time.
pub async fn history(db: &Db, consent_id: &ConsentId) -> Result<Vec<LedgerRow>, AppError> {
    let rows = sqlx::query(
        "SELECT action, preferences, analytics, marketing, gpc, policy_revision, text_hash,
                source, decided_at
         FROM consent_ledger WHERE consent_id = $1 ORDER BY decided_at, id",
    )
    .bind(consent_id.as_str())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LedgerRow {
                action: row.try_get("action")?,
                choices: Choices {
                    preferences: row.try_get::<i64, _>("preferences")? == 1,
                    analytics: row.try_get::<i64, _>("analytics")? == 1,
                    marketing: row.try_get::<i64, _>("marketing")? == 1,
                },
                gpc: row.try_get::<i64, _>("gpc")? == 1,
                policy_revision: row.try_get("policy_revision")?,
                text_hash: row.try_get("text_hash")?,
                source: row.try_get("source")?,
                decided_at: row.try_get("decided_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// A ledger row as read back (action and source as their stored keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    pub action: String,
    pub choices: Choices,
    pub gpc: bool,
    pub policy_revision: String,
    pub text_hash: String,
    pub source: String,
    pub decided_at: i64,
}

/// Decisions per UTC day and action since `since` (milliseconds): `(day number since the epoch,
/// action key, count)`, for the operators' chart.
pub async fn decisions_per_day(db: &Db, since: i64) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT decided_at / 86400000 AS day, action, COUNT(*) AS decisions
         FROM consent_ledger WHERE decided_at >= $1
         GROUP BY decided_at / 86400000, action
         ORDER BY day, action",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?)
}

/// The operators' chart of decisions: one line per UTC day from `first_day` to `last_day` (day
/// numbers since the epoch), the count per action, and a bar per day scaled to the busiest day.
pub fn render_report(counts: &[(i64, String, i64)], first_day: i64, last_day: i64) -> String {
    use std::fmt::Write;
    const BAR: usize = 40;
    let per_day = |day: i64, action: Action| {
        counts
            .iter()
            .find(|(d, a, _)| *d == day && a == action.key())
            .map_or(0, |(_, _, n)| *n)
    };
    let total = |day: i64| Action::ALL.iter().map(|&a| per_day(day, a)).sum::<i64>();
    let busiest = (first_day..=last_day).map(total).max().unwrap_or(0).max(1);
    let mut out = String::from("Cookie decisions per day (UTC), by action\n");
    let _ = write!(out, "{:<10}", "day");
    for action in Action::ALL {
        let _ = write!(out, " {:>10}", action.key());
    }
    out.push_str("  total\n");
    for day in first_day..=last_day {
        let date = civil_date(day);
        let _ = write!(out, "{date:<10}");
        for action in Action::ALL {
            let _ = write!(out, " {:>10}", per_day(day, action));
        }
        let day_total = total(day);
        let width = usize::try_from(day_total * BAR as i64 / busiest).unwrap_or(0);
        let _ = writeln!(out, "  {day_total:>5} {}", "#".repeat(width));
    }
    out
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (proleptic Gregorian calendar).
pub fn civil_date(days: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Turns `(day, action key, count)` rows into one entry per day from `first_day` to `last_day`,
/// days without decisions included.
pub fn per_day(rows: &[(i64, String, i64)], first_day: i64, last_day: i64) -> Vec<DayCounts> {
    (first_day..=last_day)
        .map(|day| DayCounts {
            date: civil_date(day),
            counts: Action::ALL
                .iter()
                .map(|action| {
                    rows.iter()
                        .find(|(d, a, _)| *d == day && a == action.key())
                        .map_or(0, |(_, _, n)| *n)
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    const DAY: i64 = 86_400_000;

    fn entry(action: Action, decided_at: i64) -> LedgerEntry {
        LedgerEntry {
            consent_id: ConsentId::parse("0123456789abcdef0123456789abcdef").expect("id"),
            member_id: None,
            action,
            choices: Choices::ALL,
            gpc: false,
            policy_revision: crm_core::storage::REVISION.to_owned(),
            source: Source::Banner,
            decided_at,
        }
    }

    #[backend_test]
    async fn decisions_are_appended_and_counted_per_day_and_action(database: TestDatabase) {
        let db = &database.db;
        let day = 20_000 * DAY;
        append(db, &entry(Action::AcceptAll, day + 5))
            .await
            .expect("append");
        append(db, &entry(Action::AcceptAll, day + 6))
            .await
            .expect("append");
        append(db, &entry(Action::Withdraw, day + DAY + 1))
            .await
            .expect("append");
        append(db, &entry(Action::RejectAll, day - 1))
            .await
            .expect("append");
        let counts = decisions_per_day(db, day).await.expect("counts");
        assert_eq!(
            counts,
            [
                (20_000, "accept_all".to_owned(), 2),
                (20_001, "withdraw".to_owned(), 1)
            ],
            "{}",
            database.label()
        );
        let history = history(db, &entry(Action::Gpc, 0).consent_id)
            .await
            .expect("history");
        assert_eq!(history.len(), 4);
        assert_eq!(history[0].action, "reject_all");
        assert_eq!(history[0].text_hash, text_hash(Source::Banner));
        assert_eq!(history[0].text_hash.len(), 64);
    }

    #[backend_test]
    async fn the_ledger_refuses_to_be_rewritten_or_emptied(database: TestDatabase) {
        let db = &database.db;
        append(db, &entry(Action::AcceptAll, 1))
            .await
            .expect("append");
        let mut statements = vec![
            "UPDATE consent_ledger SET action = 'reject_all'",
            "DELETE FROM consent_ledger",
        ];
        if db.backend() == crate::config::Backend::Postgres {
            // Row triggers do not fire on TRUNCATE; SQLite has no TRUNCATE.
            statements.push("TRUNCATE consent_ledger");
        }
        for statement in statements {
            assert!(
                sqlx::query(statement).execute(db.pool()).await.is_err(),
                "{statement} on {}",
                database.label()
            );
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consent_ledger")
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(count, 1);
    }

    #[test]
    fn the_report_shows_every_day_with_its_counts_and_a_bar_scaled_to_the_busiest() {
        let counts = [
            (20_000, "accept_all".to_owned(), 3),
            (20_000, "gpc".to_owned(), 1),
            (20_002, "withdraw".to_owned(), 2),
        ];
        let report = render_report(&counts, 20_000, 20_002);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines.len(), 5, "{report}");
        assert!(lines[1].contains("accept_all") && lines[1].contains("withdraw"));
        assert!(lines[2].starts_with("2024-10-04"), "{report}");
        assert!(
            lines[2].ends_with(&format!("4 {}", "#".repeat(40))),
            "{report}"
        );
        assert!(
            lines[3].starts_with("2024-10-05") && lines[3].ends_with("    0 "),
            "{report}"
        );
        assert!(
            lines[4].ends_with(&format!("2 {}", "#".repeat(20))),
            "{report}"
        );
    }

    #[test]
    fn day_numbers_become_calendar_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_786), "2026-11-29");
    }

    #[test]
    fn the_banner_and_the_settings_are_hashed_as_different_texts() {
        assert_eq!(text_hash(Source::Banner), text_hash(Source::NoJsForm));
        assert_eq!(text_hash(Source::Dialog), text_hash(Source::SettingsPage));
        assert_ne!(text_hash(Source::Banner), text_hash(Source::Dialog));
    }

    #[test]
    fn every_day_in_the_range_gets_a_row_with_counts_in_action_order() {
        let rows = vec![
            (20_786, "reject_all".to_owned(), 3),
            (20_786, "gpc".to_owned(), 1),
            (20_788, "accept_all".to_owned(), 2),
        ];
        let days = per_day(&rows, 20_786, 20_788);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].date, "2026-11-29");
        assert_eq!(days[0].counts, vec![0, 3, 0, 0, 1]);
        assert_eq!(days[1].total(), 0);
        assert_eq!(days[2].counts, vec![2, 0, 0, 0, 0]);
    }
}
