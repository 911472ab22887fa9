//! Changes to stored data that SQL alone cannot make the same way on both engines, run by
//! [`super::Db::migrate`] after the migrations. Each runs once, in one transaction that also
//! records it in `data_steps`; a server started while another runs it waits for it (SQLite's
//! write lock, a transaction's advisory lock on PostgreSQL) and then finds it done.

use sqlx::Row;

use super::{Backend, Db};

/// The search text of every kind of record (and the people's sort key), folded as the server
/// now folds it ([`crm_core::text::fold`]): "müller" becomes "muller". Rows of ASCII text alone
/// are already folded (they were stored in lower case) and are left alone.
const FOLD_SEARCH_TEXT: &str = "2026-12-07 fold search text";

/// Each table and the columns it keeps folded.
const FOLDED: &[(&str, &str)] = &[
    ("people", "search_text"),
    ("people", "sort_name"),
    ("companies", "search_text"),
    ("leads", "search_text"),
    ("opportunities", "search_text"),
    ("tasks", "search_text"),
];

/// Every tag stored before tags compared without regard to case, given one spelling per
/// workspace and kind of record (`tag_spellings`): the one most records carry (the first in
/// byte order between equals). A record that carried two spellings keeps one tag.
const SPELL_TAGS: &str = "2026-12-07 tag spellings";

/// The key that finds people of the same name at the same company (`people.match_key`, new in
/// migration 30), for every person stored before it.
const MATCH_KEYS: &str = "2026-12-07 people match keys";

type Transaction = sqlx::Transaction<'static, sqlx::Any>;

pub(super) async fn run(db: &Db) -> Result<(), sqlx::Error> {
    for name in [FOLD_SEARCH_TEXT, SPELL_TAGS, MATCH_KEYS] {
        let mut tx = db.begin_write().await?;
        if db.backend() == Backend::Postgres {
            // Instances starting at once take turns (SQLite's write lock does this there).
            sqlx::query("SELECT pg_advisory_xact_lock(7207202612)")
                .execute(&mut *tx)
                .await?;
        }
        let done: Option<i64> =
            sqlx::query_scalar("SELECT done_at FROM data_steps WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        if done.is_some() {
            continue;
        }
        let changed = match name {
            FOLD_SEARCH_TEXT => fold_search_text(&mut tx, db.backend()).await?,
            SPELL_TAGS => spell_tags(&mut tx).await?,
            _ => match_keys(&mut tx).await?,
        };
        sqlx::query(
            "INSERT INTO data_steps (name, done_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(db.now_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(step = name, rows = changed, "data step done");
    }
    Ok(())
}

async fn fold_search_text(tx: &mut Transaction, backend: Backend) -> Result<usize, sqlx::Error> {
    let mut changed = 0_usize;
    for (table, column) in FOLDED {
        // Only the rows with a character outside printable ASCII can change.
        let non_ascii = match backend {
            Backend::Sqlite => format!("{column} GLOB '*[^ -~]*'"),
            Backend::Postgres => format!("{column} ~ '[^ -~]'"),
        };
        let rows = sqlx::query(&format!(
            "SELECT id, {column} AS text FROM {table} WHERE {non_ascii}"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for row in &rows {
            let (id, text): (String, String) = (row.try_get("id")?, row.try_get("text")?);
            let folded = crm_core::text::fold(&text);
            if folded != text {
                sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                    .bind(folded)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

async fn match_keys(tx: &mut Transaction) -> Result<usize, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, first_name, last_name, company_name FROM people WHERE match_key IS NULL",
    )
    .fetch_all(&mut **tx)
    .await?;
    for row in &rows {
        let (id, first, last, company): (String, String, String, String) = (
            row.try_get("id")?,
            row.try_get("first_name")?,
            row.try_get("last_name")?,
            row.try_get("company_name")?,
        );
        sqlx::query("UPDATE people SET match_key = $1 WHERE id = $2")
            .bind(crm_core::people::match_key(&first, &last, &company))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(rows.len())
}

async fn spell_tags(tx: &mut Transaction) -> Result<usize, sqlx::Error> {
    let mut changed = 0_usize;
    for (kind, table, column) in [
        ("people", "person_tags", "person_id"),
        ("companies", "company_tags", "company_id"),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT workspace_id, tag, COUNT(*) AS uses FROM {table} GROUP BY workspace_id, tag"
        ))
        .fetch_all(&mut **tx)
        .await?;
        // (workspace, tag in lower case) -> its spellings with how many records carry each.
        let mut spellings: std::collections::BTreeMap<(String, String), Vec<(String, i64)>> =
            std::collections::BTreeMap::new();
        for row in &rows {
            let (workspace, tag): (String, String) =
                (row.try_get("workspace_id")?, row.try_get("tag")?);
            spellings
                .entry((workspace, tag.to_lowercase()))
                .or_default()
                .push((tag, row.try_get("uses")?));
        }
        for ((workspace, key), mut variants) in spellings {
            // Most carried first; between equals, the first in byte order.
            variants.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            sqlx::query(
                "INSERT INTO tag_spellings (workspace_id, kind, tag_key, tag)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, kind, tag_key) DO NOTHING",
            )
            .bind(&workspace)
            .bind(kind)
            .bind(&key)
            .bind(&variants[0].0)
            .execute(&mut **tx)
            .await?;
            let chosen: String = sqlx::query_scalar(
                "SELECT tag FROM tag_spellings WHERE workspace_id = $1 AND kind = $2 AND tag_key = $3",
            )
            .bind(&workspace)
            .bind(kind)
            .bind(&key)
            .fetch_one(&mut **tx)
            .await?;
            for (variant, _) in variants.iter().filter(|(variant, _)| *variant != chosen) {
                // A record with both spellings keeps the chosen one alone.
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE workspace_id = $1 AND tag = $2 AND {column} IN
                         (SELECT {column} FROM {table} WHERE workspace_id = $1 AND tag = $3)"
                ))
                .bind(&workspace)
                .bind(variant)
                .bind(&chosen)
                .execute(&mut **tx)
                .await?;
                let updated = sqlx::query(&format!(
                    "UPDATE {table} SET tag = $1 WHERE workspace_id = $2 AND tag = $3"
                ))
                .bind(&chosen)
                .bind(&workspace)
                .bind(variant)
                .execute(&mut **tx)
                .await?;
                changed += usize::try_from(updated.rows_affected()).unwrap_or(usize::MAX);
            }
        }
    }
    Ok(changed)
}
