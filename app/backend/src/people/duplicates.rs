//! People who may be in the workspace twice: those who share an e-mail address (the main one or
//! a further one, without regard to case), a phone number (in E.164) or their name and company
//! (`people.match_key`) with a person about to be added, and such groups among those stored.

use sqlx::Row;

use crm_core::duplicates::{MatchReason, PairSide};
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;

use crate::db::Statement;
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

/// What people may share, each as the value compared: on `people` (`main`, an expression of
/// its columns with an index of its own) and, for addresses and numbers, on `person_contacts`
/// of that `channel` (compared as `lower(value)`, which `person_contacts_value` indexes).
struct Shared {
    why: &'static str,
    main: &'static str,
    channel: Option<&'static str>,
}

const SHARED: [Shared; 3] = [
    Shared {
        why: "email",
        main: "lower(p.email)",
        channel: Some("email"),
    },
    Shared {
        why: "phone",
        main: "p.phone",
        channel: Some("phone"),
    },
    Shared {
        why: "name",
        main: "p.match_key",
        channel: None,
    },
];

/// The groups of the workspace's people who share an e-mail address, a phone number or their
/// name and company: at most `limit` groups for each reason (the first in the order of what they
/// share), each the oldest person first; and whether a reason had more groups than that.
///
/// Each reason reads its index in order and stops after `limit + 1` shared values (a workspace
/// with few duplicates reads the whole index, never the table), then reads the people of those
/// values only.
pub async fn groups(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    limit: usize,
) -> Result<(Vec<Group>, bool), AppError> {
    let wanted = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let mut groups = Vec::new();
    let mut more = false;
    for shared in &SHARED {
        let main = shared.main;
        // Values two people have as their main ones.
        let mut keys: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {main} AS k FROM people p WHERE p.workspace_id = $1 AND {main} IS NOT NULL
             GROUP BY {main} HAVING COUNT(*) > 1 ORDER BY {main} LIMIT $2"
        ))
        .bind(workspace)
        .bind(wanted)
        .fetch_all(&mut *conn)
        .await?;
        // Further ones that another person has, as a main or a further one.
        if let Some(channel) = shared.channel {
            let further: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT DISTINCT lower(c.value) AS k FROM person_contacts c
                  WHERE c.workspace_id = $1 AND c.channel = '{channel}' AND (
                        EXISTS (SELECT 1 FROM people p
                                 WHERE p.workspace_id = $1 AND {main} = lower(c.value)
                                   AND p.id <> c.person_id)
                     OR EXISTS (SELECT 1 FROM person_contacts d
                                 WHERE d.workspace_id = $1 AND lower(d.value) = lower(c.value)
                                   AND d.person_id <> c.person_id))
                  ORDER BY k LIMIT $2"
            ))
            .bind(workspace)
            .bind(wanted)
            .fetch_all(&mut *conn)
            .await?;
            keys.extend(further);
            keys.sort();
            keys.dedup();
        }
        if keys.len() > limit {
            more = true;
            keys.truncate(limit);
        }
        if keys.is_empty() {
            continue;
        }
        let mut statement = Statement::new(&format!(
            "SELECT {main} AS k, p.id, p.first_name, p.last_name, p.company_name, p.created_at
               FROM people p WHERE p.workspace_id = "
        ));
        statement
            .push_bind(workspace)
            .push(&format!(" AND {main} IN ("))
            .push_bind_list(keys.iter().map(String::as_str))
            .push(")");
        if let Some(channel) = shared.channel {
            statement
                .push(
                    " UNION SELECT lower(c.value) AS k, p.id, p.first_name, p.last_name,
                                   p.company_name, p.created_at
                        FROM person_contacts c JOIN people p ON p.id = c.person_id
                       WHERE c.workspace_id = ",
                )
                .push_bind(workspace)
                .push(&format!(
                    " AND c.channel = '{channel}' AND lower(c.value) IN ("
                ))
                .push_bind_list(keys.iter().map(String::as_str))
                .push(")");
        }
        statement.push(" ORDER BY k, created_at, id");
        let rows = statement.query()?.fetch_all(&mut *conn).await?;
        let mut last: Option<String> = None;
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
            match groups.last_mut() {
                Some(Group { members, .. }) if last.as_deref() == Some(key.as_str()) => {
                    // One person holding the value twice (as a main and a further one) once.
                    if !members.iter().any(|member: &PairSide| member.id == side.id) {
                        members.push(side);
                    }
                }
                _ => {
                    last = Some(key);
                    groups.push(Group {
                        reason: reason(shared.why),
                        members: vec![side],
                    });
                }
            }
        }
    }
    // A value one person holds twice is no pair.
    groups.retain(|group| group.members.len() > 1);
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
