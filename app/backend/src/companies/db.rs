//! Company queries. Every one names the workspace, which comes from the session.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crm_core::companies::{
    COMPANY_PEOPLE_MAX, CompaniesQuery, Company, CompanyPerson, CompanyRow, SORTS, name_key,
};

use crm_core::error::AppError;
use crm_core::ids::{CompanyId, MemberId, PersonId, WorkspaceId};
use crm_core::people::full_name;
use crm_core::records::{ListPlace, ListSort, MemberOption};

use crate::db::{Db, Statement};
use crate::records::db::{
    COUNT_MATCHING, KeysetOrder, Kind, Matching, PageAt, list_total, read_page, replace_tags,
};
use crate::records::search::Search;

/// Rows per list page.
pub const PAGE_SIZE: usize = 50;

/// The text the search box looks in: name, domain, phone digits and place, in lower case.
pub fn search_text(
    name: &str,
    domain: Option<&str>,
    phone: Option<&str>,
    city: &str,
    country: &str,
) -> String {
    let digits: String = phone
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    crm_core::text::fold_words(&[name, domain.unwrap_or_default(), &digits, city, country])
}

fn search_text_of(company: &Company) -> String {
    search_text(
        &company.name,
        company.domain.as_deref(),
        company.phone.as_deref(),
        &company.city,
        &company.country,
    )
}

/// Binds a company's stored columns, in order, as $1 to $11 of an INSERT or UPDATE.
fn bind_columns<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    company: &'q Company,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&company.name)
        .bind(company.domain.as_deref())
        .bind(company.phone.as_deref())
        .bind(&company.street)
        .bind(&company.city)
        .bind(&company.region)
        .bind(&company.postal_code)
        .bind(&company.country)
        .bind(company.owner.as_ref().map(|o| o.id))
        .bind(name_key(&company.name))
        .bind(search_text_of(company))
}

/// Stores a new company (the caller has checked that its name is free) with its tags.
pub async fn insert(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: &Company,
    now: i64,
) -> Result<(), AppError> {
    let insert = sqlx::query(
        "INSERT INTO companies (name, domain, phone, street, city, region, postal_code, country,
                                owner_id, sort_name, search_text, id, workspace_id, created_at,
                                updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
    );
    bind_columns(insert, company)
        .bind(company.id)
        .bind(workspace)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    replace_tags(conn, Kind::Companies, workspace, company.id, &company.tags).await
}

/// Stores a company deleted by a merge again, as it was (same id, version and times; with its
/// tags).
pub async fn restore(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: &Company,
) -> Result<(), AppError> {
    let insert = sqlx::query(
        "INSERT INTO companies (name, domain, phone, street, city, region, postal_code, country,
                                owner_id, sort_name, search_text, id, workspace_id, created_at,
                                updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    );
    bind_columns(insert, company)
        .bind(company.id)
        .bind(workspace)
        .bind(company.created_at)
        .bind(company.updated_at)
        .bind(company.version)
        .execute(&mut *conn)
        .await?;
    replace_tags(conn, Kind::Companies, workspace, company.id, &company.tags).await
}

/// Stores every field of a company read with `load` and changed since, if its version is still
/// `version`; answers whether it was.
pub async fn update(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: &Company,
    version: i64,
    now: i64,
) -> Result<bool, AppError> {
    let update = sqlx::query(
        "UPDATE companies SET name = $1, domain = $2, phone = $3, street = $4, city = $5,
                region = $6, postal_code = $7, country = $8, owner_id = $9, sort_name = $10,
                search_text = $11, updated_at = $12, version = version + 1
         WHERE workspace_id = $13 AND id = $14 AND version = $15",
    );
    let updated = bind_columns(update, company)
        .bind(now)
        .bind(workspace)
        .bind(company.id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    replace_tags(conn, Kind::Companies, workspace, company.id, &company.tags).await?;
    Ok(true)
}

/// One company of the workspace, or `None` (also for another workspace's company).
pub async fn load(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: CompanyId,
) -> Result<Option<Company>, AppError> {
    let row = sqlx::query(
        "SELECT c.id, c.name, c.domain, c.phone, c.street, c.city, c.region, c.postal_code,
                c.country, c.owner_id, m.name AS owner_name, c.created_at, c.updated_at,
                c.version
         FROM companies c LEFT JOIN members m ON m.id = c.owner_id
         WHERE c.workspace_id = $1 AND c.id = $2",
    )
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut company = company_from(&row)?;
    company.tags = sqlx::query_scalar(
        "SELECT tag FROM company_tags WHERE workspace_id = $1 AND company_id = $2 ORDER BY tag",
    )
    .bind(workspace)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(company))
}

fn company_from(row: &AnyRow) -> Result<Company, AppError> {
    let owner_id: Option<String> = row.try_get("owner_id")?;
    let owner_name: Option<String> = row.try_get("owner_name")?;
    let owner = match (owner_id, owner_name) {
        (Some(id), Some(name)) => Some(MemberOption {
            id: id.parse::<MemberId>()?,
            name,
        }),
        _ => None,
    };
    Ok(Company {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        domain: row.try_get("domain")?,
        phone: row.try_get("phone")?,
        street: row.try_get("street")?,
        city: row.try_get("city")?,
        region: row.try_get("region")?,
        postal_code: row.try_get("postal_code")?,
        country: row.try_get("country")?,
        tags: Vec::new(),
        owner,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

/// The company's people by name (at most [`COMPANY_PEOPLE_MAX`]) and how many it has.
pub async fn people_of(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: CompanyId,
) -> Result<(Vec<CompanyPerson>, i64), AppError> {
    let rows = sqlx::query(
        "SELECT id, first_name, last_name, job_title FROM people
         WHERE workspace_id = $1 AND company_id = $2 ORDER BY sort_name, id LIMIT $3",
    )
    .bind(workspace)
    .bind(company)
    .bind(COMPANY_PEOPLE_MAX as i64)
    .fetch_all(&mut *conn)
    .await?;
    let people = rows
        .iter()
        .map(|row| {
            let first: String = row.try_get("first_name")?;
            let last: String = row.try_get("last_name")?;
            Ok(CompanyPerson {
                id: row.try_get("id")?,
                name: full_name(&first, &last),
                job_title: row.try_get("job_title")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let count = if people.len() < COMPANY_PEOPLE_MAX {
        people.len() as i64
    } else {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND company_id = $2",
        )
        .bind(workspace)
        .bind(company)
        .fetch_one(&mut *conn)
        .await?
    };
    Ok((people, count))
}

/// Links the workspace's people whose company name is `name` (without case) and who work at no
/// known company yet to `company`.
pub async fn link_people_named(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: CompanyId,
    name: &str,
) -> Result<u64, AppError> {
    let linked = sqlx::query(
        "UPDATE people SET company_id = $1
         WHERE workspace_id = $2 AND company_id IS NULL AND lower(company_name) = lower($3)",
    )
    .bind(company)
    .bind(workspace)
    .bind(name.trim())
    .execute(&mut *conn)
    .await?;
    Ok(linked.rows_affected())
}

/// The people who work at `company`: their ids, for a rename to follow.
pub async fn people_ids(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    company: CompanyId,
) -> Result<Vec<PersonId>, AppError> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM people WHERE workspace_id = $1 AND company_id = $2")
            .bind(workspace)
            .bind(company)
            .fetch_all(&mut *conn)
            .await?;
    ids.iter()
        .map(|id| {
            PersonId::parse(id)
                .ok_or_else(|| AppError::internal("a stored person id is not a UUID"))
        })
        .collect()
}

/// How the list is ordered for `sort`, by the index that holds that order
/// (`companies_workspace_name`, `companies_workspace_created`).
fn order(sort: ListSort) -> KeysetOrder {
    match sort {
        ListSort::Newest => KeysetOrder::newest_first("c.created_at", "c.id"),
        ListSort::Name | ListSort::CloseDate => KeysetOrder::ascending("c.sort_name", "c.id"),
    }
}

/// What the list's search and filters match (the owner a member id checked by the caller).
pub async fn matching(
    db: &Db,
    workspace: WorkspaceId,
    query: &CompaniesQuery,
    owner: Option<MemberId>,
) -> Result<Matching, AppError> {
    let search = Search::from_query(&query.q);
    let backend = db.backend();
    // The tag as the workspace spells it, in whatever case it was asked for.
    let tag = match query.tag.as_str() {
        "" => String::new(),
        typed => crate::records::db::spelling_of(db.pool(), Kind::Companies, workspace, typed)
            .await?
            .unwrap_or_else(|| typed.to_owned()),
    };
    let narrowed = !matches!(search, Search::None) || !tag.is_empty() || owner.is_some();
    Ok(Matching::new(
        "c",
        narrowed,
        move |statement: &mut Statement<'static>, join: &str| {
            statement
                .push(" FROM companies c")
                .push(join)
                .push(" WHERE c.workspace_id = ")
                .push_bind(workspace);
            search.push_condition(statement, backend, "companies", "c");
            if !tag.is_empty() {
                statement
                .push(
                    " AND EXISTS (SELECT 1 FROM company_tags t
                              WHERE t.company_id = c.id AND t.workspace_id = c.workspace_id AND t.tag = ",
                )
                .push_bind(tag.clone())
                .push(")");
            }
            if let Some(owner) = owner {
                statement.push(" AND c.owner_id = ").push_bind(owner);
            }
        },
    ))
}

/// One page of the list, in the order the query asks for, and where it stands (positions, how
/// many match, the cursors of the pages around it). The owner filter is a member id checked by
/// the caller.
pub async fn list(
    db: &Db,
    workspace: WorkspaceId,
    query: &CompaniesQuery,
    owner: Option<MemberId>,
) -> Result<(Vec<CompanyRow>, ListPlace), AppError> {
    let at = PageAt::from_query(&query.after, &query.before)?;
    let order = order(ListSort::choose(&query.sort, &SORTS));
    let matching = matching(db, workspace, query, owner).await?;
    let filtered = |statement: &mut Statement<'static>| matching.push(statement, "");
    // The page is chosen first; only its rows are then counted and joined.
    let page = |at: &PageAt| -> Result<Statement<'static>, AppError> {
        let order_by = order.order_by_at(at);
        let mut statement = Statement::new(&format!(
            "SELECT c.id, c.name, c.domain, c.city, c.country, c.sort_key, m.name AS owner_name,
                    (SELECT COUNT(*) FROM people p
                     WHERE p.workspace_id = c.workspace_id AND p.company_id = c.id) AS people
             FROM (SELECT c.*, {key} AS sort_key",
            key = order.key,
        ));
        filtered(&mut statement);
        order.condition(at, &mut statement)?;
        statement.push(&format!(
            " ORDER BY {order_by} LIMIT {}) c
             LEFT JOIN members m ON m.id = c.owner_id
             ORDER BY {order_by}",
            PAGE_SIZE + 1,
        ));
        Ok(statement)
    };
    let mut conn = db.pool().acquire().await?;
    let (rows, arranged) = read_page(&mut conn, &at, PAGE_SIZE, &order, page).await?;
    let mut companies = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: CompanyId = row.try_get("id")?;
        let city: String = row.try_get("city")?;
        let country: String = row.try_get("country")?;
        companies.push(CompanyRow {
            id,
            name: row.try_get("name")?,
            domain: row.try_get("domain")?,
            place: [city, country]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            people: row.try_get("people")?,
            tags: Vec::new(),
            owner: row.try_get("owner_name")?,
        });
    }
    if !companies.is_empty() {
        let mut statement =
            Statement::new("SELECT company_id, tag FROM company_tags WHERE workspace_id = ");
        statement
            .push_bind(workspace)
            .push(" AND company_id IN (")
            .push_bind_list(companies.iter().map(|company| company.id))
            .push(") ORDER BY tag");
        for row in statement.query()?.fetch_all(&mut *conn).await? {
            let id: CompanyId = row.try_get("company_id")?;
            if let Some(company) = companies.iter_mut().find(|c| c.id == id) {
                company.tags.push(row.try_get("tag")?);
            }
        }
    }
    let counted = matching.narrowed.then(|| {
        let mut statement = Statement::new(COUNT_MATCHING);
        filtered(&mut statement);
        statement
    });
    let total = list_total(&mut conn, workspace, "companies", &arranged, counted).await?;
    Ok((companies, arranged.of(total)))
}

/// The workspace's company tags, for the filter (at most 500).
pub async fn workspace_tags(db: &Db, workspace: WorkspaceId) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT tag FROM company_tags WHERE workspace_id = $1 ORDER BY tag LIMIT 500",
    )
    .bind(workspace)
    .fetch_all(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_is_searched_by_name_domain_phone_digits_and_place() {
        assert_eq!(
            search_text(
                "Analytical Engines",
                Some("engines.example"),
                Some("+442079460958"),
                "London",
                "United Kingdom"
            ),
            "analytical engines engines.example 442079460958 london united kingdom"
        );
        assert_eq!(name_key("  ACME Ltd "), "acme ltd");
    }
}
