//! Fake opportunities for measurement (`server seed`): one for every twenty people, in every stage
//! of the workspace's pipeline, most in euros, closing from two months ago to six months ahead,
//! each with one of the workspace's companies.

use rand::Rng;
use rand::rngs::StdRng;

use crm_core::error::AppError;
use crm_core::ids::{MemberId, StageId, WorkspaceId};
use crm_core::time::CalendarDate;

use crate::db::Db;
use crate::opportunities::db::stages;
use crm_core::opportunities::search_text;

const KINDS: [&str; 8] = [
    "Renewal",
    "Pilot",
    "Expansion",
    "New licences",
    "Support plan",
    "Onboarding",
    "Upgrade",
    "Training",
];

/// Where the seed draws from.
pub struct SeedSources<'a> {
    pub owners: &'a [Option<MemberId>],
    /// The workspace's companies as (id, name).
    pub companies: &'a [(String, String)],
    pub now: i64,
}

/// Adds `count` fake opportunities; answers how many.
pub async fn seed_opportunities(
    db: &Db,
    workspace: WorkspaceId,
    count: usize,
    sources: &SeedSources<'_>,
    rng: &mut StdRng,
) -> Result<usize, AppError> {
    const ROWS_PER_INSERT: usize = 200;
    const COLUMNS: usize = 12;
    const DAY_MS: i64 = 86_400_000;
    let mut tx = db.begin_write().await?;
    let pipeline: Vec<StageId> = stages(&mut tx, workspace)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut made = 0;
    while made < count {
        let batch = (count - made).min(ROWS_PER_INSERT);
        let mut rows = Vec::with_capacity(batch);
        for i in 0..batch {
            let company = (!sources.companies.is_empty())
                .then(|| &sources.companies[rng.random_range(0..sources.companies.len())]);
            let kind = KINDS[rng.random_range(0..KINDS.len())];
            let name = match company {
                Some((_, company)) => format!("{company} {}", kind.to_lowercase()),
                None => kind.to_owned(),
            };
            let search = search_text(&name, company.map_or("", |c| c.1.as_str()));
            let currency = [
                "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "GBP",
            ][rng.random_range(0..10)];
            // Whole hundreds from 500 to 250,000.
            let amount = rng.random_range(5..=2_500_i64) * 100 * 100;
            let close_on =
                CalendarDate::from_millis(sources.now + rng.random_range(-60..180_i64) * DAY_MS)
                    .to_string();
            let created = sources.now - rng.random_range(60..400_i64) * DAY_MS;
            rows.push((
                name,
                amount,
                currency,
                close_on,
                pipeline[rng.random_range(0..pipeline.len())].to_string(),
                company.map(|c| c.0.clone()),
                sources.owners[(made + i) % sources.owners.len()].map(|m| m.to_string()),
                search,
                created,
            ));
        }
        let values = (0..batch)
            .map(|i| {
                let b = i * COLUMNS;
                let cells = (1..=COLUMNS)
                    .map(|c| format!("${}", b + c))
                    .collect::<Vec<_>>();
                format!("({}, 1)", cells.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO opportunities (id, workspace_id, name, amount_minor, currency, close_on,
                                        stage_id, company_id, owner_id, search_text, created_at,
                                        updated_at, version)
             VALUES {values}"
        );
        let mut insert = sqlx::query(&sql);
        for (name, amount, currency, close_on, stage, company, owner, search, created) in rows {
            insert = insert
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(workspace)
                .bind(name)
                .bind(amount)
                .bind(currency)
                .bind(close_on)
                .bind(stage)
                .bind(company)
                .bind(owner)
                .bind(search)
                .bind(created)
                .bind(created);
        }
        insert.execute(&mut *tx).await?;
        made += batch;
    }
    tx.commit().await?;
    Ok(made)
}
