//! Opportunity and pipeline queries. Every one names the workspace, which comes from the session.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crm_core::opportunities::{
    BoardColumn, CurrencyPipeline, DEFAULT_STAGES, Money, OpportunitiesQuery, Opportunity,
    OpportunityPerson, OpportunityRow, RELATED_MAX, RelatedOpportunities, SORTS, Stage,
    StageOutcome, StageValue, totals,
};

use crm_core::error::AppError;
use crm_core::ids::{CompanyId, LeadId, MemberId, OpportunityId, PersonId, StageId, WorkspaceId};
use crm_core::opportunities::search_text;
use crm_core::people::full_name;
use crm_core::records::{ListPlace, ListSort, MemberOption};

use crate::db::{Db, Statement};
use crate::records::db::{COUNT_MATCHING, KeysetOrder, Matching, PageAt, list_total, read_page};
use crate::records::search::Search;

/// Rows per list page.
pub const PAGE_SIZE: usize = 50;

fn stage_from(row: &AnyRow, prefix: &str) -> Result<Stage, AppError> {
    let outcome: String = row.try_get(format!("{prefix}outcome").as_str())?;
    Ok(Stage {
        id: row.try_get(format!("{prefix}id").as_str())?,
        name: row.try_get(format!("{prefix}name").as_str())?,
        outcome: StageOutcome::parse(&outcome)
            .ok_or_else(|| AppError::internal("a stored stage has an unknown outcome"))?,
    })
}

/// The workspace's pipeline in order. A workspace that has none yet gets the default stages
/// first (safe when two requests do it at once: the second inserts nothing).
pub async fn stages(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
) -> Result<Vec<Stage>, AppError> {
    let stages = stored_stages(conn, workspace).await?;
    if !stages.is_empty() {
        return Ok(stages);
    }
    for (position, (name, outcome)) in DEFAULT_STAGES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO pipeline_stages (id, workspace_id, name, position, outcome)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(StageId::random())
        .bind(workspace)
        .bind(*name)
        .bind(position as i64)
        .bind(outcome.as_str())
        .execute(&mut *conn)
        .await?;
    }
    stored_stages(conn, workspace).await
}

async fn stored_stages(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
) -> Result<Vec<Stage>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, outcome FROM pipeline_stages WHERE workspace_id = $1
         ORDER BY position, id",
    )
    .bind(workspace)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| stage_from(row, "")).collect()
}

/// Renames a stage; answers whether another stage of the workspace has that name already.
pub async fn rename_stage(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    stage: StageId,
    name: &str,
) -> Result<bool, AppError> {
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pipeline_stages
         WHERE workspace_id = $1 AND lower(name) = lower($2) AND id <> $3",
    )
    .bind(workspace)
    .bind(name)
    .bind(stage)
    .fetch_one(&mut *conn)
    .await?;
    if taken > 0 {
        return Ok(false);
    }
    let renamed =
        sqlx::query("UPDATE pipeline_stages SET name = $1 WHERE workspace_id = $2 AND id = $3")
            .bind(name)
            .bind(workspace)
            .bind(stage)
            .execute(&mut *conn)
            .await?;
    if renamed.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    Ok(true)
}

/// Stores the pipeline's order: `order` holds every stage of the workspace, first to last.
pub async fn reorder_stages(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    order: &[StageId],
) -> Result<(), AppError> {
    for (position, stage) in order.iter().enumerate() {
        sqlx::query("UPDATE pipeline_stages SET position = $1 WHERE workspace_id = $2 AND id = $3")
            .bind(position as i64)
            .bind(workspace)
            .bind(stage)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Binds an opportunity's stored columns, in order, as $1 to $9 of an INSERT or UPDATE.
fn bind_columns<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    opportunity: &'q Opportunity,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&opportunity.name)
        .bind(opportunity.amount.minor)
        .bind(&opportunity.amount.currency)
        .bind(&opportunity.close_on)
        .bind(opportunity.stage.id)
        .bind(opportunity.company_id)
        .bind(opportunity.owner.as_ref().map(|o| o.id))
        .bind(opportunity.lead_id)
        .bind(search_text(&opportunity.name, &opportunity.company_name))
}

/// Writes the company's name (as it is now called) into the search text of its opportunities,
/// after a rename or a merge: a search for the company's name finds them.
pub async fn company_named_now(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: &str,
    name: &str,
) -> Result<(), AppError> {
    let rows = sqlx::query(
        "SELECT id, name FROM opportunities WHERE workspace_id = $1 AND company_id = $2",
    )
    .bind(workspace)
    .bind(company)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let id: String = row.try_get("id")?;
        let own: String = row.try_get("name")?;
        sqlx::query(
            "UPDATE opportunities SET search_text = $1 WHERE workspace_id = $2 AND id = $3",
        )
        .bind(search_text(&own, name))
        .bind(workspace)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Stores a new opportunity.
pub async fn insert(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    opportunity: &Opportunity,
    now: i64,
) -> Result<(), AppError> {
    let insert = sqlx::query(
        "INSERT INTO opportunities (name, amount_minor, currency, close_on, stage_id, company_id,
                                    owner_id, lead_id, search_text, id, workspace_id, created_at,
                                    updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1)",
    );
    bind_columns(insert, opportunity)
        .bind(opportunity.id)
        .bind(workspace)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores every field of an opportunity read with `load` and changed since, if its version is
/// still `version`; answers whether it was.
pub async fn update(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    opportunity: &Opportunity,
    version: i64,
    now: i64,
) -> Result<bool, AppError> {
    let update = sqlx::query(
        "UPDATE opportunities SET name = $1, amount_minor = $2, currency = $3, close_on = $4,
                stage_id = $5, company_id = $6, owner_id = $7, lead_id = $8, search_text = $9,
                updated_at = $10, version = version + 1
         WHERE workspace_id = $11 AND id = $12 AND version = $13",
    );
    let updated = bind_columns(update, opportunity)
        .bind(now)
        .bind(workspace)
        .bind(opportunity.id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// The columns every read of an opportunity takes, with its stage (`s_`), company and owner.
const SELECT: &str = "SELECT o.id, o.name, o.amount_minor, o.currency, o.close_on, o.company_id,
                             o.owner_id, o.lead_id, o.created_at, o.updated_at, o.version,
                             s.id AS s_id, s.name AS s_name, s.outcome AS s_outcome,
                             c.name AS company_name, m.name AS owner_name";
const FROM: &str = "JOIN pipeline_stages s ON s.id = o.stage_id
                    LEFT JOIN companies c ON c.id = o.company_id
                    LEFT JOIN members m ON m.id = o.owner_id";

/// Whose opportunities a record's page lists.
#[derive(Clone, Copy, Debug)]
pub enum Involving {
    /// Those the person is one of the people of.
    Person(PersonId),
    /// Those with the company.
    Company(CompanyId),
}

/// The opportunities a person or a company is part of: the [`RELATED_MAX`] soonest to close,
/// and how many in all.
pub async fn involving(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    whose: Involving,
) -> Result<RelatedOpportunities, AppError> {
    let (condition, id) = match whose {
        Involving::Person(person) => (
            "o.id IN (SELECT opportunity_id FROM opportunity_people
                      WHERE workspace_id = $1 AND person_id = $2)",
            person.to_string(),
        ),
        Involving::Company(company) => ("o.company_id = $2", company.to_string()),
    };
    let rows = sqlx::query(&format!(
        "{SELECT} FROM (SELECT * FROM opportunities o WHERE o.workspace_id = $1 AND {condition}
                        ORDER BY o.close_on, o.id LIMIT {RELATED_MAX}) o {FROM}
         ORDER BY o.close_on, o.id"
    ))
    .bind(workspace)
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    let count: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM opportunities o WHERE o.workspace_id = $1 AND {condition}"
    ))
    .bind(workspace)
    .bind(&id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(RelatedOpportunities {
        rows: rows.iter().map(row_from).collect::<Result<_, _>>()?,
        count,
    })
}

/// One opportunity of the workspace, or `None` (also for another workspace's).
pub async fn load(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: OpportunityId,
) -> Result<Option<Opportunity>, AppError> {
    let row = sqlx::query(&format!(
        "{SELECT} FROM opportunities o {FROM} WHERE o.workspace_id = $1 AND o.id = $2"
    ))
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(opportunity_from).transpose()
}

fn opportunity_from(row: &AnyRow) -> Result<Opportunity, AppError> {
    let owner_id: Option<String> = row.try_get("owner_id")?;
    let owner_name: Option<String> = row.try_get("owner_name")?;
    let owner = match (owner_id, owner_name) {
        (Some(id), Some(name)) => Some(MemberOption {
            id: id.parse::<MemberId>()?,
            name,
        }),
        _ => None,
    };
    let company_id: Option<String> = row.try_get("company_id")?;
    let lead_id: Option<String> = row.try_get("lead_id")?;
    Ok(Opportunity {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        amount: Money {
            minor: row.try_get("amount_minor")?,
            currency: row.try_get("currency")?,
        },
        close_on: row.try_get("close_on")?,
        stage: stage_from(row, "s_")?,
        company_id: company_id.as_deref().and_then(CompanyId::parse),
        company_name: row
            .try_get::<Option<String>, _>("company_name")?
            .unwrap_or_default(),
        owner,
        lead_id: lead_id.as_deref().and_then(LeadId::parse),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

fn row_from(row: &AnyRow) -> Result<OpportunityRow, AppError> {
    Ok(OpportunityRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        amount: Money {
            minor: row.try_get("amount_minor")?,
            currency: row.try_get("currency")?,
        },
        close_on: row.try_get("close_on")?,
        stage: stage_from(row, "s_")?,
        company_name: row
            .try_get::<Option<String>, _>("company_name")?
            .unwrap_or_default(),
        owner: row.try_get("owner_name")?,
    })
}

/// The people an opportunity is with, by name.
pub async fn people_of(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: OpportunityId,
) -> Result<Vec<OpportunityPerson>, AppError> {
    let rows = sqlx::query(
        "SELECT p.id, p.first_name, p.last_name, p.email
         FROM opportunity_people op JOIN people p ON p.id = op.person_id
         WHERE op.workspace_id = $1 AND op.opportunity_id = $2 AND p.workspace_id = $1
         ORDER BY p.sort_name, p.id",
    )
    .bind(workspace)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let first: String = row.try_get("first_name")?;
            let last: String = row.try_get("last_name")?;
            Ok(OpportunityPerson {
                id: row.try_get("id")?,
                name: full_name(&first, &last),
                email: row
                    .try_get::<Option<String>, _>("email")?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Links a person to an opportunity; answers whether they were not linked already.
pub async fn add_person(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: OpportunityId,
    person: PersonId,
    now: i64,
) -> Result<bool, AppError> {
    let added = sqlx::query(
        "INSERT INTO opportunity_people (opportunity_id, person_id, workspace_id, added_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(person)
    .bind(workspace)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Unlinks a person from an opportunity; answers whether they were linked.
pub async fn remove_person(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: OpportunityId,
    person: PersonId,
) -> Result<bool, AppError> {
    let removed = sqlx::query(
        "DELETE FROM opportunity_people
         WHERE workspace_id = $1 AND opportunity_id = $2 AND person_id = $3",
    )
    .bind(workspace)
    .bind(id)
    .bind(person)
    .execute(&mut *conn)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// Makes an opportunity one change newer (after its people changed), so that a page holding the
/// older version reloads before its next edit.
pub async fn touch(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: OpportunityId,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE opportunities SET updated_at = $1, version = version + 1
         WHERE workspace_id = $2 AND id = $3",
    )
    .bind(now)
    .bind(workspace)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A board column's cards (the soonest to close, at most `limit`), how many the stage holds and
/// their value per currency (kept in `pipeline_totals`, not summed here).
pub async fn column(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    stage: &Stage,
    limit: usize,
) -> Result<BoardColumn, AppError> {
    let rows = sqlx::query(&format!(
        "{SELECT} FROM (SELECT * FROM opportunities
                        WHERE workspace_id = $1 AND stage_id = $2
                        ORDER BY close_on, id LIMIT $3) o {FROM}
         ORDER BY o.close_on, o.id"
    ))
    .bind(workspace)
    .bind(stage.id)
    .bind(limit as i64)
    .fetch_all(&mut *conn)
    .await?;
    let cards = rows.iter().map(row_from).collect::<Result<Vec<_>, _>>()?;
    let sums = sqlx::query(
        "SELECT currency, amount_minor AS total, n FROM pipeline_totals
         WHERE workspace_id = $1 AND stage_id = $2 AND n > 0 ORDER BY currency",
    )
    .bind(workspace)
    .bind(stage.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut count = 0;
    let mut amounts = Vec::with_capacity(sums.len());
    for row in &sums {
        count += row.try_get::<i64, _>("n")?;
        amounts.push(Money {
            minor: row.try_get::<i64, _>("total")?,
            currency: row.try_get("currency")?,
        });
    }
    Ok(BoardColumn {
        stage: stage.clone(),
        cards,
        count,
        totals: totals(amounts),
    })
}

/// The open pipeline's value per currency, each with every open stage in the pipeline's order
/// (those without opportunities at zero), the currency with the most opportunities first. The sums
/// are kept (`pipeline_totals`, moved by triggers in each change's transaction), so this reads one
/// row per stage and currency, not the opportunities.
pub async fn open_value(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
) -> Result<Vec<CurrencyPipeline>, AppError> {
    let open: Vec<Stage> = stages(conn, workspace)
        .await?
        .into_iter()
        .filter(|stage| stage.outcome == StageOutcome::Open)
        .collect();
    let rows = sqlx::query(
        "SELECT t.stage_id, t.currency, t.amount_minor AS total, t.n
         FROM pipeline_totals t JOIN pipeline_stages s ON s.id = t.stage_id
         WHERE t.workspace_id = $1 AND s.outcome = 'open' AND t.n > 0",
    )
    .bind(workspace)
    .fetch_all(&mut *conn)
    .await?;
    let mut sums = Vec::with_capacity(rows.len());
    for row in &rows {
        sums.push((
            row.try_get::<StageId, _>("stage_id")?,
            row.try_get::<String, _>("currency")?,
            row.try_get::<i64, _>("total")?,
            row.try_get::<i64, _>("n")?,
        ));
    }
    Ok(pipelines(&open, &sums))
}

/// Arranges `(stage, currency, total, count)` sums into a pipeline per currency.
pub fn pipelines(open: &[Stage], sums: &[(StageId, String, i64, i64)]) -> Vec<CurrencyPipeline> {
    let mut currencies: Vec<(String, i64)> = Vec::new();
    for (_, currency, _, count) in sums {
        match currencies.iter_mut().find(|(c, _)| c == currency) {
            Some((_, n)) => *n += count,
            None => currencies.push((currency.clone(), *count)),
        }
    }
    currencies.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    currencies
        .into_iter()
        .map(|(currency, _)| CurrencyPipeline {
            stages: open
                .iter()
                .map(|stage| {
                    let found = sums
                        .iter()
                        .find(|(id, c, _, _)| *id == stage.id && *c == currency);
                    StageValue {
                        stage: stage.name.clone(),
                        value: Money {
                            minor: found.map_or(0, |f| f.2),
                            currency: currency.clone(),
                        },
                        count: found.map_or(0, |f| f.3),
                    }
                })
                .collect(),
            currency,
        })
        .collect()
}

/// How the list is ordered for `sort`, by the index that holds that order
/// (`opportunities_workspace_close` and the stage and owner ones, `opportunities_workspace_created`,
/// `opportunities_workspace_name`).
fn order(sort: ListSort) -> KeysetOrder {
    match sort {
        ListSort::Newest => KeysetOrder::newest_first("o.created_at", "o.id"),
        ListSort::Name => KeysetOrder::ascending("lower(o.name)", "o.id"),
        ListSort::CloseDate => KeysetOrder::ascending("o.close_on", "o.id"),
    }
}

/// What the list's search and filters match (the stage and owner checked by the caller).
pub fn matching(
    db: &Db,
    workspace: WorkspaceId,
    query: &OpportunitiesQuery,
    stage: Option<StageId>,
    owner: Option<MemberId>,
) -> Matching {
    let search = Search::from_query(&query.q);
    let backend = db.backend();
    let narrowed = !matches!(search, Search::None) || stage.is_some() || owner.is_some();
    Matching::new(
        "o",
        narrowed,
        move |statement: &mut Statement<'static>, join: &str| {
            statement
                .push(" FROM opportunities o")
                .push(join)
                .push(" WHERE o.workspace_id = ")
                .push_bind(workspace);
            search.push_condition(statement, backend, "opportunities", "o");
            if let Some(stage) = stage {
                statement.push(" AND o.stage_id = ").push_bind(stage);
            }
            if let Some(owner) = owner {
                statement.push(" AND o.owner_id = ").push_bind(owner);
            }
        },
    )
}

/// One page of the list, in the order the query asks for (soonest to close first unless it
/// says otherwise), and where it stands (positions, how many match, the cursors of the pages
/// around it).
pub async fn list(
    db: &Db,
    workspace: WorkspaceId,
    query: &OpportunitiesQuery,
    stage: Option<StageId>,
    owner: Option<MemberId>,
) -> Result<(Vec<OpportunityRow>, ListPlace), AppError> {
    let at = PageAt::from_query(&query.after, &query.before)?;
    let order = order(ListSort::choose(&query.sort, &SORTS));
    let matching = matching(db, workspace, query, stage, owner);
    let filtered = |statement: &mut Statement<'static>| matching.push(statement, "");
    // The page is chosen first; only its rows are then joined.
    let page = |at: &PageAt| -> Result<Statement<'static>, AppError> {
        let order_by = order.order_by_at(at);
        let mut statement = Statement::new(&format!(
            "{SELECT}, o.sort_key FROM (SELECT o.*, {key} AS sort_key",
            key = order.key,
        ));
        filtered(&mut statement);
        order.condition(at, &mut statement)?;
        statement.push(&format!(
            " ORDER BY {order_by} LIMIT {}) o {FROM}
             ORDER BY {order_by}",
            PAGE_SIZE + 1,
        ));
        Ok(statement)
    };
    let mut conn = db.pool().acquire().await?;
    let (rows, arranged) = read_page(&mut conn, &at, PAGE_SIZE, &order, page).await?;
    let rows = rows.iter().map(row_from).collect::<Result<Vec<_>, _>>()?;
    let counted = matching.narrowed.then(|| {
        let mut statement = Statement::new(COUNT_MATCHING);
        filtered(&mut statement);
        statement
    });
    let total = list_total(&mut conn, workspace, "opportunities", &arranged, counted).await?;
    Ok((rows, arranged.of(total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_open_stage_is_charted_per_currency_the_busiest_currency_first() {
        let stage = |name: &str| Stage {
            id: StageId::random(),
            name: name.to_owned(),
            outcome: StageOutcome::Open,
        };
        let open = [stage("Lead"), stage("Proposal")];
        let sums = [
            (open[1].id, "EUR".to_owned(), 5_000, 1),
            (open[0].id, "USD".to_owned(), 700, 3),
        ];
        let charts = pipelines(&open, &sums);
        assert_eq!(charts.len(), 2);
        assert_eq!(charts[0].currency, "USD");
        assert_eq!(charts[0].stages[0].value.minor, 700);
        assert_eq!(charts[0].stages[1].count, 0);
        assert_eq!(charts[1].stages[0].value.minor, 0);
        assert_eq!(charts[1].stages[1].stage, "Proposal");
        assert_eq!(charts[1].stages[1].value.minor, 5_000);
        assert!(pipelines(&open, &[]).is_empty());
    }
}
