//! Lead queries. Every one names the workspace, which comes from the session (or, for the public
//! demo form, is the vendor's).

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use crm_core::leads::{
    Conversion, Lead, LeadRow, LeadSource, LeadStatus, LeadsQuery, MarketingChoice, RecordLink,
    SORTS,
};

use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::ids::{CompanyId, LeadId, MemberId, PersonId, WorkspaceId};
use crm_core::people::full_name;
use crm_core::records::{ListPlace, ListSort, MemberOption};

use crate::db::{Db, Statement};
use crate::records::db::{COUNT_MATCHING, KeysetOrder, Matching, PageAt, list_total, read_page};
use crate::records::search::Search;

/// Rows per list page.
pub const PAGE_SIZE: usize = 50;

/// A lead about to be stored.
#[derive(Clone, Debug)]
pub struct NewLead<'a> {
    pub workspace: WorkspaceId,
    pub name: &'a str,
    pub email: &'a EmailAddress,
    pub company_name: &'a str,
    pub phone: Option<&'a str>,
    pub source: LeadSource,
    pub owner: Option<MemberId>,
    pub team_size: Option<&'a str>,
    pub message: Option<&'a str>,
    /// The marketing choice, with the time it was made and the policy version shown beside it.
    pub marketing: Option<MarketingChoice>,
}

/// The text the search box looks in: name, e-mail, company name and the phone's digits, in
/// lower case.
pub fn search_text(name: &str, email: &str, company_name: &str, phone: Option<&str>) -> String {
    let digits: String = phone
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    crm_core::text::fold_words(&[name, email, company_name, &digits])
}

/// Stores a new lead with status "new".
pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    lead: &NewLead<'_>,
    now: i64,
) -> Result<LeadId, AppError> {
    let id = LeadId::random();
    sqlx::query(
        "INSERT INTO leads (id, workspace_id, name, email, company_name, phone, status, source,
                            team_size, message, marketing_consent, marketing_consent_at,
                            policy_version, owner_id, search_text, created_at, updated_at,
                            version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1)",
    )
    .bind(id)
    .bind(lead.workspace)
    .bind(lead.name)
    .bind(lead.email.as_str())
    .bind(lead.company_name)
    .bind(lead.phone)
    .bind(LeadStatus::New.as_str())
    .bind(lead.source.as_str())
    .bind(lead.team_size)
    .bind(lead.message)
    .bind(lead.marketing.map(|m| i64::from(m.consented)))
    .bind(lead.marketing.map(|m| m.at))
    .bind(lead.marketing.map(|m| m.policy_version))
    .bind(lead.owner)
    .bind(search_text(
        lead.name,
        lead.email.as_str(),
        lead.company_name,
        lead.phone,
    ))
    .bind(now)
    .execute(executor)
    .await?;
    tracing::info!(lead_id = %id, workspace_id = %lead.workspace, source = lead.source.as_str(), "lead created");
    Ok(id)
}

const LEAD_COLUMNS: &str = "l.id, l.name, l.email, l.company_name, l.phone, l.status, l.source,
    l.owner_id, m.name AS owner_name, l.team_size, l.message, l.marketing_consent,
    l.marketing_consent_at, l.policy_version, l.created_at, l.updated_at, l.version";

fn parse_id(raw: &str) -> Result<LeadId, AppError> {
    LeadId::parse(raw).ok_or_else(|| AppError::internal("a stored lead id is not a UUID"))
}

fn lead_from(row: &AnyRow) -> Result<Lead, AppError> {
    let owner_id: Option<String> = row.try_get("owner_id")?;
    let owner_name: Option<String> = row.try_get("owner_name")?;
    let status: String = row.try_get("status")?;
    let source: String = row.try_get("source")?;
    let consented: Option<i64> = row.try_get("marketing_consent")?;
    let consented_at: Option<i64> = row.try_get("marketing_consent_at")?;
    let policy_version: Option<i64> = row.try_get("policy_version")?;
    Ok(Lead {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        company_name: row.try_get("company_name")?,
        phone: row.try_get("phone")?,
        status: LeadStatus::parse(&status)
            .ok_or_else(|| AppError::internal("a stored lead status is unknown"))?,
        source: LeadSource::parse(&source).unwrap_or(LeadSource::Other),
        owner: match (owner_id, owner_name) {
            (Some(id), Some(name)) => Some(MemberOption {
                id: id.parse()?,
                name,
            }),
            _ => None,
        },
        team_size: row.try_get("team_size")?,
        message: row.try_get("message")?,
        marketing: match (consented, consented_at, policy_version) {
            (Some(consented), Some(at), Some(policy_version)) => Some(MarketingChoice {
                consented: consented == 1,
                at,
                policy_version,
            }),
            _ => None,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

/// One lead of the workspace, or `None` (also for another workspace's lead).
pub async fn load(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: LeadId,
) -> Result<Option<Lead>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {LEAD_COLUMNS} FROM leads l LEFT JOIN members m ON m.id = l.owner_id
         WHERE l.workspace_id = $1 AND l.id = $2"
    ))
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(lead_from).transpose()
}

/// What a lead was converted into, if it was.
pub async fn conversion(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: LeadId,
) -> Result<Option<Conversion>, AppError> {
    let row = sqlx::query(
        "SELECT l.converted_at, l.person_id, p.first_name, p.last_name, l.company_id,
                c.name AS company_name, m.name AS converted_by
         FROM leads l
         LEFT JOIN people p ON p.id = l.person_id AND p.workspace_id = l.workspace_id
         LEFT JOIN companies c ON c.id = l.company_id AND c.workspace_id = l.workspace_id
         LEFT JOIN members m ON m.id = l.converted_by
         WHERE l.workspace_id = $1 AND l.id = $2 AND l.converted_at IS NOT NULL",
    )
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let person = match row.try_get::<Option<String>, _>("person_id")? {
        Some(id) => Some(RecordLink {
            id,
            name: full_name(
                &row.try_get::<Option<String>, _>("first_name")?
                    .unwrap_or_default(),
                &row.try_get::<Option<String>, _>("last_name")?
                    .unwrap_or_default(),
            ),
        }),
        None => None,
    };
    let company = match row.try_get::<Option<String>, _>("company_id")? {
        Some(id) => Some(RecordLink {
            id,
            name: row
                .try_get::<Option<String>, _>("company_name")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let opportunity = sqlx::query(
        "SELECT id, name FROM opportunities WHERE workspace_id = $1 AND lead_id = $2
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| -> Result<RecordLink, AppError> {
        Ok(RecordLink {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
        })
    })
    .transpose()?;
    Ok(Some(Conversion {
        person,
        company,
        opportunity,
        at: row.try_get("converted_at")?,
        by: row.try_get("converted_by")?,
    }))
}

/// Stores every editable field of a lead read with `load` and changed since, if its version is
/// still `version`; answers whether it was.
pub async fn update(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    lead: &Lead,
    version: i64,
    now: i64,
) -> Result<bool, AppError> {
    let updated = sqlx::query(
        "UPDATE leads SET name = $1, email = $2, company_name = $3, phone = $4, status = $5,
                source = $6, owner_id = $7, search_text = $8, updated_at = $9,
                version = version + 1
         WHERE workspace_id = $10 AND id = $11 AND version = $12",
    )
    .bind(&lead.name)
    .bind(&lead.email)
    .bind(&lead.company_name)
    .bind(lead.phone.as_deref())
    .bind(lead.status.as_str())
    .bind(lead.source.as_str())
    .bind(lead.owner.as_ref().map(|o| o.id))
    .bind(search_text(
        &lead.name,
        &lead.email,
        &lead.company_name,
        lead.phone.as_deref(),
    ))
    .bind(now)
    .bind(workspace)
    .bind(lead.id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Marks a lead converted into `person` (and `company`), if it is still at the version it was
/// read at and not converted yet; answers whether it was.
pub async fn mark_converted(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    lead: &Lead,
    person: PersonId,
    company: Option<CompanyId>,
    by: MemberId,
    now: i64,
) -> Result<bool, AppError> {
    let updated = sqlx::query(
        "UPDATE leads SET person_id = $1, company_id = $2, converted_at = $3, converted_by = $4,
                updated_at = $3, version = version + 1
         WHERE workspace_id = $5 AND id = $6 AND version = $7 AND converted_at IS NULL",
    )
    .bind(person)
    .bind(company)
    .bind(now)
    .bind(by)
    .bind(workspace)
    .bind(lead.id)
    .bind(lead.version)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// How the list is ordered for `sort`, by the index that holds that order
/// (`leads_workspace_created` and the status and owner ones, `leads_workspace_name`).
fn order(sort: ListSort) -> KeysetOrder {
    match sort {
        ListSort::Name => KeysetOrder::ascending("lower(l.name)", "l.id"),
        ListSort::Newest | ListSort::CloseDate => KeysetOrder::newest_first("l.created_at", "l.id"),
    }
}

/// What the list's search and filters match (the owner a member id checked by the caller).
pub fn matching(
    db: &Db,
    workspace: WorkspaceId,
    query: &LeadsQuery,
    owner: Option<MemberId>,
    status: Option<LeadStatus>,
) -> Matching {
    let search = Search::from_query(&query.q);
    let backend = db.backend();
    let narrowed = !matches!(search, Search::None) || status.is_some() || owner.is_some();
    Matching::new(
        "l",
        narrowed,
        move |statement: &mut Statement<'static>, join: &str| {
            statement
                .push(" FROM leads l")
                .push(join)
                .push(" WHERE l.workspace_id = ")
                .push_bind(workspace);
            search.push_condition(statement, backend, "leads", "l");
            if let Some(status) = status {
                statement
                    .push(" AND l.status = ")
                    .push_bind(status.as_str());
            }
            if let Some(owner) = owner {
                statement.push(" AND l.owner_id = ").push_bind(owner);
            }
        },
    )
}

/// One page of the list, in the order the query asks for (newest first unless it says
/// otherwise), and where it stands (positions, how many match, the cursors of the pages around
/// it). The owner filter is a member id checked by the caller.
pub async fn list(
    db: &Db,
    workspace: WorkspaceId,
    query: &LeadsQuery,
    owner: Option<MemberId>,
    status: Option<LeadStatus>,
) -> Result<(Vec<LeadRow>, ListPlace), AppError> {
    let at = PageAt::from_query(&query.after, &query.before)?;
    let order = order(ListSort::choose(&query.sort, &SORTS));
    let matching = matching(db, workspace, query, owner, status);
    let filtered = |statement: &mut Statement<'static>, join: &str| matching.push(statement, join);
    let page = |at: &PageAt| -> Result<Statement<'static>, AppError> {
        let mut statement = Statement::new(&format!(
            "SELECT l.id, l.name, l.email, l.company_name, l.status, l.source, l.created_at,
                    l.converted_at, {key} AS sort_key, m.name AS owner_name",
            key = order.key,
        ));
        filtered(&mut statement, " LEFT JOIN members m ON m.id = l.owner_id");
        order.condition(at, &mut statement)?;
        statement.push(&format!(
            " ORDER BY {} LIMIT {}",
            order.order_by_at(at),
            PAGE_SIZE + 1
        ));
        Ok(statement)
    };
    let mut conn = db.pool().acquire().await?;
    let (rows, arranged) = read_page(&mut conn, &at, PAGE_SIZE, &order, page).await?;
    let mut leads = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let source: String = row.try_get("source")?;
        leads.push(LeadRow {
            id: parse_id(&id)?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            company_name: row.try_get("company_name")?,
            status: LeadStatus::parse(&status)
                .ok_or_else(|| AppError::internal("a stored lead status is unknown"))?,
            source: LeadSource::parse(&source).unwrap_or(LeadSource::Other),
            owner: row.try_get("owner_name")?,
            created_at: row.try_get("created_at")?,
            converted: row.try_get::<Option<i64>, _>("converted_at")?.is_some(),
        });
    }
    let counted = matching.narrowed.then(|| {
        let mut statement = Statement::new(COUNT_MATCHING);
        filtered(&mut statement, "");
        statement
    });
    let total = list_total(&mut conn, workspace, "leads", &arranged, counted).await?;
    Ok((leads, arranged.of(total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_is_searched_by_name_email_company_and_phone_digits() {
        assert_eq!(
            search_text(
                "Ada Lovelace",
                "Ada@Engines.example",
                "Analytical Engines",
                Some("+44 20 7946 0958")
            ),
            "ada lovelace ada@engines.example analytical engines 442079460958"
        );
        assert_eq!(
            search_text("Ada", "ada@example.com", "", None),
            "ada ada@example.com"
        );
    }
}
