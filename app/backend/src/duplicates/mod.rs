//! The "Possible duplicates" page: the pairs of people and of companies in the session's
//! workspace that share an e-mail address, a phone number, a name and company, or a domain.
//! Above the features whose records it pairs, as bulk jobs are.

use crm_core::duplicates::DuplicatesPage;
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;
use crm_core::records::Kind;

use crate::db::Db;
use crate::records::duplicates::pairs;

/// The workspace's likely pairs, the first [`DuplicatesPage::SHOWN`] of each kind, read in one
/// transaction so that people and companies are seen at one moment.
pub async fn page(db: &Db, workspace: WorkspaceId) -> Result<DuplicatesPage, AppError> {
    let shown = DuplicatesPage::SHOWN;
    let mut tx = db.pool().begin().await?;
    let (people, more_people_groups) =
        crate::people::duplicates::groups(&mut tx, workspace, shown).await?;
    let (companies, more_company_groups) =
        crate::companies::duplicates::groups(&mut tx, workspace, shown).await?;
    tx.commit().await?;
    let (people, more_people) = pairs(Kind::People, people, shown);
    let (companies, more_companies) = pairs(Kind::Companies, companies, shown);
    Ok(DuplicatesPage {
        people,
        more_people: more_people || more_people_groups,
        companies,
        more_companies: more_companies || more_company_groups,
    })
}
