//! Companies that may be in the workspace twice: those that share a name (folded; a workspace
//! holds one company of each name), a web domain or a phone number (in E.164) with a company
//! about to be added, and the groups that share a domain or a number among those stored.

use sqlx::Row;

use crm_core::duplicates::{MatchReason, PairSide};
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;

use crate::records::duplicates::{Group, Matched};

/// "Analytical Engines (analytical.example)": how a company is named beside a possible twin.
fn title(name: &str, domain: Option<&str>) -> String {
    match domain {
        Some(domain) if !domain.is_empty() => format!("{name} ({domain})"),
        _ => name.to_owned(),
    }
}

fn reason(code: &str) -> MatchReason {
    match code {
        "name" => MatchReason::Name,
        "domain" => MatchReason::Domain,
        _ => MatchReason::Phone,
    }
}

/// The workspace's companies that have the name (as [`crm_core::companies::name_key`] folds
/// it), the domain or the phone number of a company about to be added, each once per reason.
pub async fn matching(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    name: &str,
    domain: Option<&str>,
    phone: Option<&str>,
) -> Result<Vec<Matched>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, domain, 'name' AS why FROM companies
          WHERE workspace_id = $1 AND sort_name = $2
         UNION
         SELECT id, name, domain, 'domain' AS why FROM companies
          WHERE workspace_id = $1 AND domain = $3
         UNION
         SELECT id, name, domain, 'phone' AS why FROM companies
          WHERE workspace_id = $1 AND phone = $4
         ORDER BY why DESC, id
         LIMIT 50",
    )
    .bind(workspace)
    .bind(crm_core::companies::name_key(name))
    .bind(domain)
    .bind(phone)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Matched {
                id: row.try_get("id")?,
                title: title(row.try_get("name")?, row.try_get("domain")?),
                reason: reason(row.try_get("why")?),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The groups of the workspace's companies that share a domain or a phone number: at most
/// `limit` groups for each, the oldest company first; and whether there were more.
pub async fn groups(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    limit: usize,
) -> Result<(Vec<Group>, bool), AppError> {
    let mut groups = Vec::new();
    let mut more = false;
    for (why, column) in [("domain", "domain"), ("phone", "phone")] {
        let rows = sqlx::query(&format!(
            "SELECT c.{column} AS k, c.id, c.name, c.domain FROM companies c
              WHERE c.workspace_id = $1 AND c.{column} IN (
                    SELECT {column} FROM companies
                     WHERE workspace_id = $1 AND {column} IS NOT NULL
                     GROUP BY {column} HAVING COUNT(*) > 1 ORDER BY {column} LIMIT $2)
              ORDER BY c.{column}, c.created_at, c.id"
        ))
        .bind(workspace)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await?;
        let mut keys = 0;
        let mut last: Option<String> = None;
        for row in &rows {
            let key: String = row.try_get("k")?;
            let side = PairSide {
                id: row.try_get("id")?,
                title: title(row.try_get("name")?, row.try_get("domain")?),
            };
            if last.as_deref() == Some(key.as_str()) {
                if let Some(group) = groups.last_mut() {
                    let group: &mut Group = group;
                    group.members.push(side);
                }
                continue;
            }
            keys += 1;
            if keys > limit {
                more = true;
                break;
            }
            last = Some(key);
            groups.push(Group {
                reason: reason(why),
                members: vec![side],
            });
        }
    }
    Ok((groups, more))
}
