//! People who may be in the workspace twice: those who share an e-mail address (the main one or
//! a further one, without regard to case), a phone number (in E.164) or their name and company
//! (`people.match_key`) with a person about to be added, and such groups among those stored.

use sqlx::Row;

use crm_core::duplicates::{MatchReason, PairSide};
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;

use crate::records::duplicates::{Group, Matched};

/// "Ada Lovelace at Analytical Engines": how a person is named beside a possible twin.
fn title(first: &str, last: &str, company: &str) -> String {
    let name = format!("{first} {last}");
    let name = name.trim();
    if company.trim().is_empty() {
        name.to_owned()
    } else {
        format!("{name} at {}", company.trim())
    }
}

fn reason(code: &str) -> MatchReason {
    match code {
        "email" => MatchReason::Email,
        "phone" => MatchReason::Phone,
        _ => MatchReason::NameAndCompany,
    }
}

/// The workspace's people who share the e-mail address, the phone number (E.164) or the
/// name-and-company key of a person about to be added, each once per reason.
pub async fn matching(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    email: Option<&str>,
    phone: Option<&str>,
    match_key: &str,
) -> Result<Vec<Matched>, AppError> {
    const COLUMNS: &str = "p.id, p.first_name, p.last_name, p.company_name";
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, 'email' AS why FROM people p
          WHERE p.workspace_id = $1 AND lower(p.email) = lower($2)
         UNION
         SELECT {COLUMNS}, 'email' AS why FROM person_contacts c
           JOIN people p ON p.id = c.person_id
          WHERE c.workspace_id = $1 AND lower(c.value) = lower($2) AND c.channel = 'email'
         UNION
         SELECT {COLUMNS}, 'phone' AS why FROM people p
          WHERE p.workspace_id = $1 AND p.phone = $3
         UNION
         SELECT {COLUMNS}, 'phone' AS why FROM person_contacts c
           JOIN people p ON p.id = c.person_id
          WHERE c.workspace_id = $1 AND lower(c.value) = $3 AND c.channel = 'phone'
         UNION
         SELECT {COLUMNS}, 'name' AS why FROM people p
          WHERE p.workspace_id = $1 AND p.match_key = $4
         ORDER BY why, id
         LIMIT 50"
    ))
    .bind(workspace)
    .bind(email)
    .bind(phone)
    .bind(match_key)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Matched {
                id: row.try_get("id")?,
                title: title(
                    row.try_get("first_name")?,
                    row.try_get("last_name")?,
                    row.try_get("company_name")?,
                ),
                reason: reason(row.try_get("why")?),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The groups of the workspace's people who share an e-mail address, a phone number or their
/// name and company: at most `limit` groups for each reason (the first in the order of what they
/// share), each the oldest person first; and whether a reason had more groups than that.
pub async fn groups(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    limit: usize,
) -> Result<(Vec<Group>, bool), AppError> {
    // Each reason's values as (person, shared value); one of them per person and value.
    let shared = [
        (
            "email",
            "SELECT id AS person_id, lower(email) AS k FROM people
              WHERE workspace_id = $1 AND email IS NOT NULL
             UNION
             SELECT person_id, lower(value) AS k FROM person_contacts
              WHERE workspace_id = $1 AND channel = 'email'",
        ),
        (
            "phone",
            "SELECT id AS person_id, phone AS k FROM people
              WHERE workspace_id = $1 AND phone IS NOT NULL
             UNION
             SELECT person_id, value AS k FROM person_contacts
              WHERE workspace_id = $1 AND channel = 'phone'",
        ),
        (
            "name",
            "SELECT id AS person_id, match_key AS k FROM people
              WHERE workspace_id = $1 AND match_key IS NOT NULL",
        ),
    ];
    let mut groups = Vec::new();
    let mut more = false;
    for (why, values) in shared {
        let rows = sqlx::query(&format!(
            "WITH v AS ({values}),
                  s AS (SELECT k FROM v GROUP BY k HAVING COUNT(DISTINCT person_id) > 1
                         ORDER BY k LIMIT $2)
             SELECT v.k, p.id, p.first_name, p.last_name, p.company_name
               FROM v JOIN s ON s.k = v.k JOIN people p ON p.id = v.person_id
              ORDER BY v.k, p.created_at, p.id"
        ))
        .bind(workspace)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await?;
        let mut current: Option<(String, Group)> = None;
        let mut found = 0;
        for row in &rows {
            let key: String = row.try_get("k")?;
            let side = PairSide {
                id: row.try_get("id")?,
                title: title(
                    row.try_get("first_name")?,
                    row.try_get("last_name")?,
                    row.try_get("company_name")?,
                ),
            };
            match &mut current {
                Some((k, group)) if *k == key => group.members.push(side),
                _ => {
                    if let Some((_, group)) = current.take() {
                        groups.push(group);
                    }
                    found += 1;
                    if found > limit {
                        more = true;
                        break;
                    }
                    current = Some((
                        key,
                        Group {
                            reason: reason(why),
                            members: vec![side],
                        },
                    ));
                }
            }
        }
        if let Some((_, group)) = current {
            groups.push(group);
        }
    }
    Ok((groups, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_named_with_their_company_when_they_have_one() {
        assert_eq!(
            title("Ada", "Lovelace", "Analytical Engines"),
            "Ada Lovelace at Analytical Engines"
        );
        assert_eq!(title("Ada", "", " "), "Ada");
    }
}
