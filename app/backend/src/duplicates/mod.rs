//! The "Possible duplicates" page: the pairs of people and of companies in the session's
//! workspace that share an e-mail address, a phone number, a name and company, or a domain.
//! Above the features whose records it pairs, as bulk jobs are.

use std::collections::HashSet;

use crm_core::duplicates::DuplicatesPage;
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;
use crm_core::records::Kind;

use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::duplicates::{in_order, pairs};

/// The workspace's likely pairs, the first [`DuplicatesPage::SHOWN`] of each kind, read in one
/// transaction so that people and companies are seen at one moment.
pub async fn page(db: &Db, workspace: WorkspaceId) -> Result<DuplicatesPage, AppError> {
    let shown = DuplicatesPage::SHOWN;
    let mut tx = db.pool().begin().await?;
    let (people, more_people_groups) =
        crate::people::duplicates::groups(&mut tx, workspace, shown).await?;
    let (companies, more_company_groups) =
        crate::companies::duplicates::groups(&mut tx, workspace, shown).await?;
    let different: HashSet<(String, String)> =
        sqlx::query_as("SELECT first_id, second_id FROM different_pairs WHERE workspace_id = $1")
            .bind(workspace)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    tx.commit().await?;
    let (people, more_people) = pairs(Kind::People, people, &different, shown);
    let (companies, more_companies) = pairs(Kind::Companies, companies, &different, shown);
    Ok(DuplicatesPage {
        people,
        more_people: more_people || more_people_groups,
        companies,
        more_companies: more_companies || more_company_groups,
    })
}

/// Records that two of the workspace's people (or companies, `kind`) are different, as a member
/// said from the page: the page no longer lists them as a pair. "Not found" unless both are the
/// workspace's records of that kind; said twice (or at once by two members), kept once.
pub async fn mark_different(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    first: &str,
    second: &str,
) -> Result<(), AppError> {
    let workspace = session.viewer.workspace_id;
    if !matches!(kind, Kind::People | Kind::Companies) {
        return Err(AppError::NotFound);
    }
    let (Ok(first), Ok(second)) = (uuid::Uuid::parse_str(first), uuid::Uuid::parse_str(second))
    else {
        return Err(AppError::NotFound);
    };
    if first == second {
        return Err(AppError::NotFound);
    }
    let (first, second) = (first.to_string(), second.to_string());
    let (first, second) = in_order(&first, &second);
    let mut tx = db.begin_write().await?;
    for id in [first, second] {
        if !crate::records::db::exists(&mut tx, kind, workspace, id).await? {
            return Err(AppError::NotFound);
        }
    }
    sqlx::query(
        "INSERT INTO different_pairs (workspace_id, kind, first_id, second_id, actor_id, at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id, first_id, second_id) DO NOTHING",
    )
    .bind(workspace)
    .bind(kind.plural())
    .bind(first)
    .bind(second)
    .bind(session.viewer.member_id)
    .bind(db.now_millis())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(%workspace, kind = kind.plural(), "a pair marked as different");
    Ok(())
}
