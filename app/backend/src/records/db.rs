//! The queries every kind of record shares: timelines (with the tasks about a record), owners,
//! tags, deleting a record of any kind, and how records link to each other (a company by its
//! name, a person by an e-mail address). Every one names the workspace, which comes from the
//! session.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

pub use crm_core::records::Kind;

use crm_core::error::AppError;
use crm_core::ids::NoteId;
use crm_core::ids::{CompanyId, MemberId, PersonId, WorkspaceId};
use crm_core::leads::RecordLink;
use crm_core::people::full_name;
use crm_core::records::{
    ConversionRole, ListPlace, MemberOption, MergeRole, NOTE_DELETED_EVENT, TimelineEntry,
    TimelineEvent, Total,
};
use crm_core::time::CalendarDate;

use crate::config::Backend;
use crate::db::Statement;

/// The most recent entries a timeline shows.
const TIMELINE_MAX: i64 = 200;

/// Records an event in a record's timeline. A conversion names the other record as its subject.
pub async fn record_event<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    record: impl std::fmt::Display,
    actor: MemberId,
    event: &TimelineEvent,
    now: i64,
) -> Result<(), AppError> {
    let subject = match event {
        TimelineEvent::Converted { id, .. } | TimelineEvent::Merged { id, .. } => Some(id.as_str()),
        _ => None,
    };
    record_event_about(executor, workspace, record, actor, event, subject, now).await
}

/// The `field` of a merge's event: this prefix, then the record's part in it (`merge:kept`, for
/// people), or the kind and the part (`merge:companies:kept`).
const MERGE_EVENT: &str = "merge:";

fn merge_field(kind: Kind, role: MergeRole) -> String {
    match kind {
        Kind::People => format!("{MERGE_EVENT}{}", role.as_str()),
        other => format!("{MERGE_EVENT}{}:{}", other.plural(), role.as_str()),
    }
}

/// The kind and part of a merge's event from its `field` after [`MERGE_EVENT`].
fn merge_of(field: &str) -> Option<(Kind, MergeRole)> {
    let (kind, role) = match field.split_once(':') {
        Some((kind, role)) => (Kind::ALL.into_iter().find(|k| k.plural() == kind)?, role),
        None => (Kind::People, field),
    };
    Some((kind, MergeRole::parse(role)?))
}

/// Records an event in a record's timeline that names another record, `subject` (the person
/// added to an opportunity's people): deleting that record takes the event out again
/// ([`forget_in_timelines`]).
pub async fn record_event_about<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    record: impl std::fmt::Display,
    actor: MemberId,
    event: &TimelineEvent,
    subject: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let merge = match event {
        TimelineEvent::Merged { kind, role, .. } => merge_field(*kind, *role),
        _ => String::new(),
    };
    let (kind, field, old, new) = match event {
        TimelineEvent::Created => ("created", None, None, None),
        TimelineEvent::NoteDeleted => ("changed", Some(NOTE_DELETED_EVENT), None, None),
        TimelineEvent::Note { .. }
        | TimelineEvent::TaskAdded { .. }
        | TimelineEvent::TaskDone { .. } => {
            return Err(AppError::internal(
                "notes and tasks are kept in their own tables, not as events",
            ));
        }
        TimelineEvent::Changed { field, old, new } => (
            "changed",
            Some(field.as_str()),
            Some(old.as_str()),
            Some(new.as_str()),
        ),
        TimelineEvent::Converted { role, id, name } => (
            "converted",
            Some(role.as_str()),
            Some(id.as_str()),
            Some(name.as_str()),
        ),
        // Stored as a change of a field no record has, as a deleted note is.
        TimelineEvent::Merged { id, name, .. } => (
            "changed",
            Some(merge.as_str()),
            Some(id.as_str()),
            Some(name.as_str()),
        ),
    };
    sqlx::query(
        "INSERT INTO record_events (id, workspace_id, record_id, at, actor_id, kind, field,
                                    old_value, new_value, subject_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(workspace)
    .bind(record.to_string())
    .bind(now)
    .bind(actor)
    .bind(kind)
    .bind(field)
    .bind(old)
    .bind(new)
    .bind(subject)
    .execute(executor)
    .await?;
    Ok(())
}

/// Takes records being deleted (`records`) out of the other timelines that name them: a person's
/// joining or leaving an opportunity's people goes from its timeline, and a conversion keeps its
/// entry without the other record's name or link (the page says "since deleted").
pub async fn forget_in_timelines(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<(), AppError> {
    if records.is_empty() {
        return Ok(());
    }
    for sql in [
        "DELETE FROM record_events WHERE kind = 'changed' AND workspace_id = ",
        "UPDATE record_events SET old_value = '', new_value = '', subject_id = NULL
         WHERE kind = 'converted' AND workspace_id = ",
    ] {
        let mut statement = Statement::new(sql);
        statement
            .push_bind(workspace)
            .push(" AND subject_id IN (")
            .push_bind_list(records.iter().map(String::as_str))
            .push(")");
        statement.query()?.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records one event in each of several records' timelines, in one statement.
pub async fn record_events<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    actor: MemberId,
    events: &[(String, TimelineEvent)],
    now: i64,
) -> Result<(), AppError> {
    if events.is_empty() {
        return Ok(());
    }
    let mut changes = Vec::with_capacity(events.len());
    for (record, event) in events {
        let TimelineEvent::Changed { field, old, new } = event else {
            return Err(AppError::internal(
                "only changes are recorded several at once",
            ));
        };
        changes.push((record, field, old, new));
    }
    let mut statement = Statement::new(
        "INSERT INTO record_events (id, workspace_id, record_id, at, actor_id, kind, field,
                                    old_value, new_value)
         VALUES ",
    );
    statement.push_rows(changes, |row, (record, field, old, new)| {
        row.bind(uuid::Uuid::new_v4().to_string())
            .bind(workspace)
            .bind(record.as_str())
            .bind(now)
            .bind(actor)
            .bind("changed")
            .bind(field.as_str())
            .bind(old.as_str())
            .bind(new.as_str());
    });
    statement.query()?.execute(executor).await?;
    Ok(())
}

/// The workspace's members, for owner lists.
pub async fn members<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
) -> Result<Vec<MemberOption>, AppError> {
    let rows = sqlx::query(
        "SELECT m.id, m.name FROM memberships ms JOIN members m ON m.id = ms.member_id
         WHERE ms.workspace_id = $1 ORDER BY m.name, m.id",
    )
    .bind(workspace)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            Ok(MemberOption {
                id: id.parse()?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// A record's timeline, newest first.
pub async fn timeline(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    record: impl std::fmt::Display + Copy,
) -> Result<Vec<TimelineEntry>, AppError> {
    let rows = sqlx::query(
        "SELECT e.at, e.kind, e.field, e.old_value, e.new_value, m.name AS actor
         FROM record_events e LEFT JOIN members m ON m.id = e.actor_id
         WHERE e.workspace_id = $1 AND e.record_id = $2
         ORDER BY e.at DESC, e.id DESC LIMIT $3",
    )
    .bind(workspace)
    .bind(record.to_string())
    .bind(TIMELINE_MAX)
    .fetch_all(&mut *conn)
    .await?;
    let mut entries = rows
        .iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let field = row
                .try_get::<Option<String>, _>("field")?
                .unwrap_or_default();
            let old = row
                .try_get::<Option<String>, _>("old_value")?
                .unwrap_or_default();
            let new = row
                .try_get::<Option<String>, _>("new_value")?
                .unwrap_or_default();
            let event = match kind.as_str() {
                "created" => TimelineEvent::Created,
                "converted" => TimelineEvent::Converted {
                    role: ConversionRole::parse(&field).ok_or_else(|| {
                        AppError::internal("a stored conversion event has an unknown role")
                    })?,
                    id: old,
                    name: new,
                },
                _ if field == NOTE_DELETED_EVENT => TimelineEvent::NoteDeleted,
                _ if field.starts_with(MERGE_EVENT) => {
                    let (kind, role) = merge_of(&field[MERGE_EVENT.len()..]).ok_or_else(|| {
                        AppError::internal("a stored merge event has an unknown role")
                    })?;
                    TimelineEvent::Merged {
                        kind,
                        role,
                        id: old,
                        name: new,
                    }
                }
                _ => TimelineEvent::Changed { field, old, new },
            };
            Ok(TimelineEntry {
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                event,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let notes = sqlx::query(
        "SELECT n.id, n.created_at, n.edited_at, n.body, n.author_id, m.name AS author
         FROM notes n LEFT JOIN members m ON m.id = n.author_id
         WHERE n.workspace_id = $1 AND n.record_id = $2
         ORDER BY n.created_at DESC, n.id DESC LIMIT $3",
    )
    .bind(workspace)
    .bind(record.to_string())
    .bind(TIMELINE_MAX)
    .fetch_all(&mut *conn)
    .await?;
    for row in &notes {
        entries.push(TimelineEntry {
            at: row.try_get("created_at")?,
            actor: row.try_get("author")?,
            event: TimelineEvent::Note {
                id: row.try_get("id")?,
                body: row.try_get("body")?,
                author: row.try_get("author_id")?,
                edited_at: row.try_get("edited_at")?,
            },
        });
    }
    entries.extend(task_entries(&mut *conn, workspace, &record.to_string()).await?);
    // Newest first; a stable sort keeps each source's own order among equal times.
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.at));
    entries.truncate(TIMELINE_MAX as usize);
    Ok(entries)
}

/// A record's timeline entries from its tasks: each one added, and each one done.
async fn task_entries<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    record: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let rows = sqlx::query(
        "SELECT t.title, t.due_on, t.created_at, t.done_at,
                c.name AS created_by_name, d.name AS done_by_name
         FROM tasks t
         LEFT JOIN members c ON c.id = t.created_by
         LEFT JOIN members d ON d.id = t.done_by
         WHERE t.workspace_id = $1 AND t.record_id = $2
         ORDER BY t.created_at DESC LIMIT 200",
    )
    .bind(workspace)
    .bind(record)
    .fetch_all(executor)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let title: String = row.try_get("title")?;
        entries.push(TimelineEntry {
            at: row.try_get("created_at")?,
            actor: row.try_get("created_by_name")?,
            event: TimelineEvent::TaskAdded {
                title: title.clone(),
                due: row
                    .try_get::<Option<String>, _>("due_on")?
                    .and_then(|raw| CalendarDate::parse(&raw)),
            },
        });
        if let Some(at) = row.try_get::<Option<i64>, _>("done_at")? {
            entries.push(TimelineEntry {
                at,
                actor: row.try_get("done_by_name")?,
                event: TimelineEvent::TaskDone { title },
            });
        }
    }
    Ok(entries)
}

/// The records' table of a kind, named as their list is; table names come from here, never from a
/// request.
fn table(kind: Kind) -> &'static str {
    kind.plural()
}

/// The table of a kind's tags and its record column.
fn tag_table(kind: Kind) -> Result<(&'static str, &'static str), AppError> {
    match kind {
        Kind::People => Ok(("person_tags", "person_id")),
        Kind::Companies => Ok(("company_tags", "company_id")),
        Kind::Leads | Kind::Opportunities => {
            Err(AppError::internal("leads and opportunities have no tags"))
        }
    }
}

/// Whether `record` is one of the workspace's records of `kind`.
pub async fn exists(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    record: &str,
) -> Result<bool, AppError> {
    let found: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {} WHERE workspace_id = $1 AND id = $2",
        table(kind)
    ))
    .bind(workspace)
    .bind(record)
    .fetch_one(&mut *conn)
    .await?;
    Ok(found == 1)
}

/// Deletes people of the workspace with their tags, notes, tasks and timelines (which hold old
/// values of their details), the leads they were converted from (which hold the same details),
/// and their names in other records' timelines; answers how many were deleted.
pub async fn delete_people(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    people: &[PersonId],
) -> Result<usize, AppError> {
    if people.is_empty() {
        return Ok(0);
    }
    // `{table} WHERE workspace_id = … AND {column} IN (…the people…)`
    let about_them = |table: &str, column: &str| {
        let mut statement = Statement::new(table);
        statement
            .push(" WHERE workspace_id = ")
            .push_bind(workspace)
            .push(" AND ")
            .push(column)
            .push(" IN (")
            .push_bind_list(people.iter().copied())
            .push(")");
        statement
    };
    let ids: Vec<String> = people.iter().map(ToString::to_string).collect();
    let leads: Vec<String> = about_them("SELECT id FROM leads", "person_id")
        .query()?
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?;
    for lead in &leads {
        delete(&mut *conn, Kind::Leads, workspace, lead).await?;
    }
    forget_in_timelines(&mut *conn, workspace, &ids).await?;
    let mut deleted = 0;
    for (table, column) in [
        // Their tasks too: the titles often name them.
        ("DELETE FROM tasks", "record_id"),
        ("DELETE FROM person_tags", "person_id"),
        ("DELETE FROM record_events", "record_id"),
        ("DELETE FROM person_contacts", "person_id"),
        ("DELETE FROM person_addresses", "person_id"),
        ("DELETE FROM notes", "record_id"),
        // What a merge keeps for its undo names both people.
        ("DELETE FROM merges", "kept_id"),
        ("DELETE FROM merges", "merged_id"),
        ("DELETE FROM different_pairs", "first_id"),
        ("DELETE FROM different_pairs", "second_id"),
        ("DELETE FROM people", "id"),
    ] {
        deleted = about_them(table, column)
            .query()?
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    usize::try_from(deleted).map_err(|_| AppError::internal("more people deleted than exist"))
}

/// The merge into a person or company that can still be undone: the last one, if the record
/// has not changed since (its version is the one the merge left).
pub async fn merge_to_undo(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    record: &str,
    version: i64,
) -> Result<Option<crm_core::duplicates::MergeNotice>, AppError> {
    let row = sqlx::query(
        "SELECT id, merged_name FROM merges
         WHERE workspace_id = $1 AND kept_id = $2 AND kept_version = $3 AND undone_at IS NULL
         ORDER BY at DESC LIMIT 1",
    )
    .bind(workspace)
    .bind(record)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(crm_core::duplicates::MergeNotice {
            id: row.try_get("id")?,
            merged_name: row.try_get("merged_name")?,
        })
    })
    .transpose()
}

/// The company of this name in the workspace (names compare without case), if there is one: how
/// a person, lead or opportunity is linked to a company by the name typed for it.
pub async fn company_named(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    name: &str,
) -> Result<Option<CompanyId>, AppError> {
    let key = crm_core::companies::name_key(name);
    if key.is_empty() {
        return Ok(None);
    }
    Ok(
        sqlx::query_scalar("SELECT id FROM companies WHERE workspace_id = $1 AND sort_name = $2")
            .bind(workspace)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The workspace's person with this e-mail address (compared without case), as their main
/// address or one of their further ones, if there is one; the one added first when several share
/// it.
pub async fn person_with_email(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    email: &str,
) -> Result<Option<(PersonId, RecordLink)>, AppError> {
    // Without ORDER BY: SQLite would then walk the workspace in creation order instead of using
    // the (workspace_id, lower(email)) indexes. The few people sharing an address are ordered
    // here.
    let rows = sqlx::query(
        "SELECT id, first_name, last_name, created_at FROM people
         WHERE workspace_id = $1 AND lower(email) = lower($2)
         UNION
         SELECT p.id, p.first_name, p.last_name, p.created_at
         FROM person_contacts c JOIN people p ON p.id = c.person_id AND p.workspace_id = c.workspace_id
         WHERE c.workspace_id = $1 AND c.channel = 'email' AND lower(c.value) = lower($2)",
    )
    .bind(workspace)
    .bind(email.trim())
    .fetch_all(&mut *conn)
    .await?;
    let mut first: Option<(i64, String, &AnyRow)> = None;
    for row in &rows {
        let key = (
            row.try_get::<i64, _>("created_at")?,
            row.try_get::<String, _>("id")?,
        );
        if first
            .as_ref()
            .is_none_or(|(at, id, _)| key < (*at, id.clone()))
        {
            first = Some((key.0, key.1, row));
        }
    }
    let Some((_, id, row)) = first else {
        return Ok(None);
    };
    let person: PersonId = row.try_get("id")?;
    let name = full_name(
        &row.try_get::<String, _>("first_name")?,
        &row.try_get::<String, _>("last_name")?,
    );
    Ok(Some((person, RecordLink { id, name })))
}

/// "Not found" unless `record` is one of the workspace's records of `kind`.
async fn ensure_found(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    record: &str,
) -> Result<(), AppError> {
    if exists(conn, kind, workspace, record).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Which kind of the workspace's records `record` is; "not found" when it is none of them (ids
/// are UUIDs, so it is at most one).
pub async fn kind_of(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    record: &str,
) -> Result<Kind, AppError> {
    for kind in Kind::ALL {
        if exists(conn, kind, workspace, record).await? {
            return Ok(kind);
        }
    }
    Err(AppError::NotFound)
}

/// Deletes one of the workspace's records of `kind` (a company, lead or opportunity) with what
/// belongs to it: its timeline, notes, tasks and tags, and its links to people. Records that
/// pointed at it keep their own details and lose only the link. Answers "not found" (and changes
/// nothing) when the id is not one of the workspace's records of that kind.
pub async fn delete(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    record: &str,
) -> Result<(), AppError> {
    ensure_found(&mut *conn, kind, workspace, record).await?;
    if kind == Kind::Companies {
        // Its opportunities are no longer found by its name.
        let named: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, name FROM opportunities WHERE workspace_id = $1 AND company_id = $2",
        )
        .bind(workspace)
        .bind(record)
        .fetch_all(&mut *conn)
        .await?;
        for (opportunity, name) in named {
            sqlx::query(
                "UPDATE opportunities SET search_text = $1 WHERE workspace_id = $2 AND id = $3",
            )
            .bind(crm_core::opportunities::search_text(&name, ""))
            .bind(workspace)
            .bind(opportunity)
            .execute(&mut *conn)
            .await?;
        }
    }
    // The foreign keys would unlink these too; saying so here keeps it true on any database.
    let unlink: &[&str] = match kind {
        Kind::People => {
            return Err(AppError::internal(
                "people are deleted by delete_people, with their contacts",
            ));
        }
        Kind::Companies => &[
            "DELETE FROM company_tags WHERE workspace_id = $1 AND company_id = $2",
            "UPDATE people SET company_id = NULL WHERE workspace_id = $1 AND company_id = $2",
            "UPDATE leads SET company_id = NULL WHERE workspace_id = $1 AND company_id = $2",
            "UPDATE opportunities SET company_id = NULL WHERE workspace_id = $1 AND company_id = $2",
            // What a merge keeps for its undo holds both companies' details.
            "DELETE FROM merges WHERE workspace_id = $1 AND kept_id = $2",
            "DELETE FROM merges WHERE workspace_id = $1 AND merged_id = $2",
            "DELETE FROM different_pairs WHERE workspace_id = $1 AND first_id = $2",
            "DELETE FROM different_pairs WHERE workspace_id = $1 AND second_id = $2",
        ],
        Kind::Leads => {
            &["UPDATE opportunities SET lead_id = NULL WHERE workspace_id = $1 AND lead_id = $2"]
        }
        Kind::Opportunities => {
            &["DELETE FROM opportunity_people WHERE workspace_id = $1 AND opportunity_id = $2"]
        }
    };
    forget_in_timelines(&mut *conn, workspace, &[record.to_owned()]).await?;
    let shared = [
        "DELETE FROM tasks WHERE workspace_id = $1 AND record_id = $2",
        "DELETE FROM notes WHERE workspace_id = $1 AND record_id = $2",
        "DELETE FROM record_events WHERE workspace_id = $1 AND record_id = $2",
    ];
    let own = format!(
        "DELETE FROM {} WHERE workspace_id = $1 AND id = $2",
        table(kind)
    );
    for sql in unlink.iter().copied().chain(shared).chain([own.as_str()]) {
        sqlx::query(sql)
            .bind(workspace)
            .bind(record)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// "Not found" unless every one of `records` is one of the workspace's records of `kind`: one that
/// is not (deleted meanwhile, or another workspace's) makes a whole bulk action fail, and nothing
/// changes.
pub async fn ensure_all_found(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<(), AppError> {
    ensure_all_in(conn, table(kind), workspace, records).await
}

/// How many of the workspace's records of `kind` among `records` are not owned by `member`
/// (another member's, or nobody's).
pub async fn count_not_owned_by(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    member: MemberId,
    records: &[String],
) -> Result<usize, AppError> {
    let mut statement = Statement::new(&format!(
        "SELECT COUNT(*) FROM {} WHERE workspace_id = ",
        table(kind)
    ));
    statement
        .push_bind(workspace)
        .push(" AND (owner_id IS NULL OR owner_id <> ")
        .push_bind(member)
        .push(") AND id IN (")
        .push_bind_list(records.iter().map(String::as_str))
        .push(")");
    let count: i64 = statement.query()?.fetch_one(&mut *conn).await?.try_get(0)?;
    usize::try_from(count).map_err(AppError::internal)
}

/// Locks the workspace's records of `kind` among `records` in the order of their ids, before a
/// bulk change touches them (see [`lock_in_order`]).
pub async fn lock_records_in_order(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    kind: Kind,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<(), AppError> {
    lock_in_order(conn, backend, table(kind), workspace, records).await
}

/// On PostgreSQL, locks the workspace's rows of `table` (a name from the code) among `records`
/// in the order of their ids, before a bulk change touches them: two bulk changes of
/// overlapping selections then wait for each other instead of deadlocking (a multi-row UPDATE
/// locks rows in the order it meets them, which can differ between transactions as rows move).
/// SQLite writes one transaction at a time and needs none.
pub(crate) async fn lock_in_order(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    table: &'static str,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<(), AppError> {
    if backend != Backend::Postgres || records.is_empty() {
        return Ok(());
    }
    let mut statement = Statement::new(&format!("SELECT id FROM {table} WHERE workspace_id = "));
    statement
        .push_bind(workspace)
        .push(" AND id IN (")
        .push_bind_list(records.iter().map(String::as_str))
        .push(") ORDER BY id FOR UPDATE");
    statement.query()?.fetch_all(&mut *conn).await?;
    Ok(())
}

/// "Not found" unless every one of `rows` is a row of the workspace's in `table` (a name from the
/// code, never from a request).
pub(crate) async fn ensure_all_in(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<(), AppError> {
    let mut statement = Statement::new(&format!(
        "SELECT COUNT(*) FROM {table} WHERE workspace_id = "
    ));
    statement
        .push_bind(workspace)
        .push(" AND id IN (")
        .push_bind_list(records.iter().map(String::as_str))
        .push(")");
    let found: i64 = statement.query()?.fetch_one(&mut *conn).await?.try_get(0)?;
    if usize::try_from(found).ok() == Some(records.len()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The tags of these records, as (record, tag), ordered by tag.
pub async fn tags_of<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: Kind,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let (table, column) = tag_table(kind)?;
    // Sorted here, not in SQL: an ORDER BY tag would lead SQLite to walk the workspace's whole
    // tag index in tag order instead of looking up these records by the primary key.
    let mut statement = Statement::new(&format!(
        "SELECT {column} AS record_id, tag FROM {table} WHERE workspace_id = "
    ));
    statement
        .push_bind(workspace)
        .push(&format!(" AND {column} IN ("))
        .push_bind_list(records.iter().map(String::as_str))
        .push(")");
    let mut tags = statement
        .query()?
        .fetch_all(executor)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("record_id")?, row.try_get("tag")?)))
        .collect::<Result<Vec<(String, String)>, AppError>>()?;
    tags.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(tags)
}

/// Adds `tag` to each of these records (which lack it).
pub async fn add_tag(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    records: &[String],
    tag: &str,
) -> Result<(), AppError> {
    if records.is_empty() {
        return Ok(());
    }
    let (table, column) = tag_table(kind)?;
    let mut insert = Statement::new(&format!(
        "INSERT INTO {table} ({column}, workspace_id, tag) VALUES "
    ));
    insert.push_rows(records, |row, record| {
        row.bind(record.as_str()).bind(workspace).bind(tag);
    });
    insert.query()?.execute(&mut *conn).await?;
    Ok(())
}

/// The name of one of the workspace's records, as its page's heading shows it.
pub async fn name_of(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    record: &str,
) -> Result<String, AppError> {
    let name = match kind {
        Kind::People => "TRIM(first_name || ' ' || last_name)",
        Kind::Companies | Kind::Leads | Kind::Opportunities => "name",
    };
    let found: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {name} FROM {} WHERE workspace_id = $1 AND id = $2",
        table(kind)
    ))
    .bind(workspace)
    .bind(record)
    .fetch_optional(&mut *conn)
    .await?;
    found.ok_or(AppError::NotFound)
}

/// Each of these records' owner (id and name, empty for nobody), for a bulk change of owner.
pub async fn owners_of(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    records: &[String],
) -> Result<Vec<(String, Option<String>, String)>, AppError> {
    let mut statement = Statement::new(&format!(
        "SELECT r.id, r.owner_id, m.name AS owner_name
         FROM {} r LEFT JOIN members m ON m.id = r.owner_id
         WHERE r.workspace_id = ",
        table(kind),
    ));
    statement
        .push_bind(workspace)
        .push(" AND r.id IN (")
        .push_bind_list(records.iter().map(String::as_str))
        .push(")");
    statement
        .query()?
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                row.try_get("owner_id")?,
                row.try_get::<Option<String>, _>("owner_name")?
                    .unwrap_or_default(),
            ))
        })
        .collect()
}

/// Marks records changed by a bulk action: a new version each (an edit open in someone's page is
/// then checked for conflicts) and the time, and, with `owner`, their new owner (`Some(None)`
/// for nobody).
pub async fn touch_many(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    records: &[String],
    owner: Option<Option<MemberId>>,
    now: i64,
) -> Result<(), AppError> {
    if records.is_empty() {
        return Ok(());
    }
    let mut statement = Statement::new(&format!(
        "UPDATE {} SET version = version + 1, updated_at = ",
        table(kind)
    ));
    statement.push_bind(now);
    if let Some(owner) = owner {
        statement.push(", owner_id = ").push_bind(owner);
    }
    statement
        .push(" WHERE workspace_id = ")
        .push_bind(workspace)
        .push(" AND id IN (")
        .push_bind_list(records.iter().map(String::as_str))
        .push(")");
    statement.query()?.execute(&mut *conn).await?;
    Ok(())
}

/// Sets a record's tags to exactly `tags`.
/// `tags` as the workspace spells them: each in the spelling it was first written in, whatever
/// the case it was typed in now ("VIP" where "vip" exists is "vip"), a new one recorded as typed;
/// each once. Two members adding a new tag at the same moment get one spelling (the row's key is
/// the tag in lower case).
pub async fn spell_tags(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    tags: &[String],
) -> Result<Vec<String>, AppError> {
    let mut spelled: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        sqlx::query(
            "INSERT INTO tag_spellings (workspace_id, kind, tag_key, tag) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, kind, tag_key) DO NOTHING",
        )
        .bind(workspace)
        .bind(kind.plural())
        .bind(tag.to_lowercase())
        .bind(tag)
        .execute(&mut *conn)
        .await?;
        let tag = spelling_of(&mut *conn, kind, workspace, tag)
            .await?
            .ok_or_else(|| AppError::internal("a tag's spelling just recorded is not there"))?;
        if !spelled.contains(&tag) {
            spelled.push(tag);
        }
    }
    Ok(spelled)
}

/// `spelled`, or `stored` when they are the same tags in another order: a record's tags are a
/// set, and saving them in another order changes nothing.
pub fn same_tags_as_stored(spelled: Vec<String>, stored: &[String]) -> Vec<String> {
    let mut sorted = spelled.clone();
    sorted.sort();
    let mut before = stored.to_vec();
    before.sort();
    if sorted == before { before } else { spelled }
}

/// How the workspace spells a tag typed in any case; `None` when no record has had it.
pub async fn spelling_of<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: Kind,
    workspace: WorkspaceId,
    tag: &str,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT tag FROM tag_spellings WHERE workspace_id = $1 AND kind = $2 AND tag_key = $3",
    )
    .bind(workspace)
    .bind(kind.plural())
    .bind(tag.to_lowercase())
    .fetch_optional(executor)
    .await?)
}

/// Replaces a record's tags with `tags`, as the workspace spells them ([`spell_tags`]).
pub async fn replace_tags(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    record: impl std::fmt::Display,
    tags: &[String],
) -> Result<(), AppError> {
    let (table, column) = tag_table(kind)?;
    let record = record.to_string();
    let tags = spell_tags(&mut *conn, kind, workspace, tags).await?;
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE workspace_id = $1 AND {column} = $2"
    ))
    .bind(workspace)
    .bind(&record)
    .execute(&mut *conn)
    .await?;
    for tag in &tags {
        sqlx::query(&format!(
            "INSERT INTO {table} ({column}, workspace_id, tag) VALUES ($1, $2, $3)"
        ))
        .bind(&record)
        .bind(workspace)
        .bind(tag)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Writes a note on a record, which must be one of the workspace's records of that kind.
pub async fn add_note(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    record: &str,
    author: MemberId,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    ensure_found(&mut *conn, kind, workspace, record).await?;
    sqlx::query(
        "INSERT INTO notes (id, workspace_id, record_id, author_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(workspace)
    .bind(record)
    .bind(author)
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A note as its edit and deletion see it.
pub struct StoredNote {
    pub record: String,
    pub author: Option<MemberId>,
    pub body: String,
}

/// One of the workspace's notes; `None` when it is not one of them (deleted meanwhile, or another
/// workspace's).
pub async fn note(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    note: NoteId,
) -> Result<Option<StoredNote>, AppError> {
    let row = sqlx::query(
        "SELECT record_id, author_id, body FROM notes WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace)
    .bind(note)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(StoredNote {
            record: row.try_get("record_id")?,
            author: row.try_get("author_id")?,
            body: row.try_get("body")?,
        })
    })
    .transpose()
}

/// Replaces a note's text, if it still holds `base`; answers whether it did.
pub async fn edit_note(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    note: NoteId,
    base: &str,
    body: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE notes SET body = $1, edited_at = $2
         WHERE workspace_id = $3 AND id = $4 AND body = $5",
    )
    .bind(body)
    .bind(now)
    .bind(workspace)
    .bind(note)
    .bind(base)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a note, its text with it; answers whether it was there.
pub async fn delete_note(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    note: NoteId,
) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM notes WHERE workspace_id = $1 AND id = $2")
        .bind(workspace)
        .bind(note)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A search box's text cut to what is accepted, with the message to show when it was too long.
pub fn searchable(q: &mut String) -> Option<String> {
    (q.chars().count() > crm_core::people::QUERY_MAX_CHARS).then(|| {
        q.clear();
        format!(
            "Search for at most {} characters. The list below is not searched.",
            crm_core::people::QUERY_MAX_CHARS
        )
    })
}

/// A row of a list, as a page link names it: its sort key, its id, and its position in the list
/// (from 0) when the link was made, which numbers the rows of the pages beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: String,
    pub position: u64,
}

impl Cursor {
    /// The cursor a list's page link carries: none for the first page, or the error of a
    /// damaged link (which the list answers from its first page, with the message).
    pub fn after(raw: &str) -> Result<Option<Self>, AppError> {
        if raw.is_empty() {
            return Ok(None);
        }
        Self::decode(raw).map(Some).ok_or_else(page_link_expired)
    }

    pub fn encode(&self) -> String {
        hex::encode(format!("{}\n{}\n{}", self.position, self.key, self.id))
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let bytes = hex::decode(raw).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (position, rest) = text.split_once('\n')?;
        let (key, id) = rest.rsplit_once('\n')?;
        uuid::Uuid::parse_str(id).ok()?;
        Some(Self {
            key: key.to_owned(),
            id: id.to_owned(),
            position: position.parse().ok()?,
        })
    }
}

/// Which page of a list a request asks for: the first, the page after a row ("Next page") or
/// the page before one ("Previous page").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageAt {
    First,
    After(Cursor),
    Before(Cursor),
}

impl PageAt {
    /// The page a list's URL asks for (`after=` or `before=`, never both); a damaged link is an
    /// error, which the list answers from its first page with the message.
    pub fn from_query(after: &str, before: &str) -> Result<Self, AppError> {
        let decode = |raw: &str| Cursor::decode(raw).ok_or_else(page_link_expired);
        match (after.is_empty(), before.is_empty()) {
            (true, true) => Ok(Self::First),
            (false, true) => decode(after).map(Self::After),
            (true, false) => decode(before).map(Self::Before),
            (false, false) => Err(page_link_expired()),
        }
    }

    /// Whether the page is read backwards from its cursor.
    pub fn backward(&self) -> bool {
        matches!(self, Self::Before(_))
    }

    pub fn cursor(&self) -> Option<&Cursor> {
        match self {
            Self::First => None,
            Self::After(cursor) | Self::Before(cursor) => Some(cursor),
        }
    }

    /// A page's rows in list order and where the page stands, from the rows a query read for
    /// this page: at most `size + 1`, in the query's order (backwards for a page before a row).
    /// `None` when a page before a row found fewer than a page's rows before it: the rows have
    /// moved since the link was made (some were deleted or the positions drifted), and the
    /// list's first page is what to show instead.
    pub fn arrange<R>(
        &self,
        mut rows: Vec<R>,
        size: usize,
        cursor_of: impl Fn(&R) -> Result<(String, String), AppError>,
    ) -> Result<Option<(Vec<R>, Arranged)>, AppError> {
        let more = rows.len() > size;
        rows.truncate(size);
        let shown = rows.len() as u64;
        let first = match self {
            Self::First => 0,
            Self::After(cursor) => cursor.position + 1,
            Self::Before(_) if !more => return Ok(None),
            Self::Before(cursor) => {
                rows.reverse();
                cursor.position.saturating_sub(shown)
            }
        };
        let at = |row: &R, position: u64| -> Result<String, AppError> {
            let (key, id) = cursor_of(row)?;
            Ok(Cursor { key, id, position }.encode())
        };
        let earlier = match self {
            Self::First => false,
            Self::After(_) => true,
            Self::Before(_) => more,
        };
        let later = match self {
            Self::First | Self::After(_) => more,
            Self::Before(_) => true,
        };
        let previous = match rows.first() {
            Some(row) if earlier => Some(at(row, first)?),
            _ => None,
        };
        let next = match rows.last() {
            Some(row) if later => Some(at(row, first + shown - 1)?),
            _ => None,
        };
        Ok(Some((
            rows,
            Arranged {
                first: if shown == 0 { 0 } else { first + 1 },
                shown,
                previous,
                next,
            },
        )))
    }
}

/// A list's first page arranged, for a list that falls back to it (a first page always
/// arranges).
pub fn first_page<R>(
    rows: Vec<R>,
    size: usize,
    cursor_of: impl Fn(&R) -> Result<(String, String), AppError>,
) -> Result<(Vec<R>, Arranged), AppError> {
    PageAt::First
        .arrange(rows, size, cursor_of)?
        .ok_or_else(|| AppError::internal("a first page always arranges"))
}

/// Where an arranged page stands: its first row's position (from 1, 0 when it is empty), how
/// many rows it shows, and the cursors of the pages before and after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arranged {
    pub first: u64,
    pub shown: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Arranged {
    /// The page's place in a list of `total` rows.
    pub fn of(self, total: Option<Total>) -> ListPlace {
        ListPlace {
            first: self.first,
            shown: self.shown,
            total: total.filter(|_| self.shown > 0),
            previous: self.previous,
            next: self.next,
        }
    }
}

/// Reads the page `at` asks for with the statement `page` builds for it, and arranges it; a page
/// before a row that finds fewer than a page before it reads the first page instead.
pub async fn read_page(
    conn: &mut sqlx::AnyConnection,
    at: &PageAt,
    size: usize,
    order: &KeysetOrder,
    page: impl Fn(&PageAt) -> Result<Statement<'static>, AppError>,
) -> Result<(Vec<AnyRow>, Arranged), AppError> {
    let rows = page(at)?.query()?.fetch_all(&mut *conn).await?;
    if let Some(arranged) = at.arrange(rows, size, |row| order.key_of(row))? {
        return Ok(arranged);
    }
    let rows = page(&PageAt::First)?.query()?.fetch_all(&mut *conn).await?;
    first_page(rows, size, |row| order.key_of(row))
}

/// How many rows a list holds, for a page that shows some: the kept count of `kind` when
/// nothing narrows the list, else the rows `matching` selects (its `FROM … WHERE …`), counted up
/// to [`COUNT_AT_MOST`]. A list that fits on its page is counted by the page itself (a filter
/// that few rows match is often the slowest to count: the whole list is read to find them).
/// `None` for an empty page.
pub async fn list_total(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    kind: &str,
    page: &Arranged,
    matching: Option<Statement<'_>>,
) -> Result<Option<Total>, AppError> {
    if page.shown == 0 {
        return Ok(None);
    }
    if page.previous.is_none() && page.next.is_none() {
        return Ok(Some(Total::Exact(page.shown)));
    }
    Ok(Some(match matching {
        Some(statement) => count_matching(conn, statement).await?,
        None => kept_count(conn, workspace, kind).await?,
    }))
}

/// Up to how many matching rows a filtered list counts: beyond, the page says "more than 1,000".
/// Unfiltered lists read their kept count ([`kept_count`]) instead, exact at any size.
pub const COUNT_AT_MOST: u64 = 1_000;

/// How many rows the SQL `matching` selects (`FROM … WHERE …` of a list's filters, no order),
/// counting at most [`COUNT_AT_MOST`] + 1 of them.
pub async fn count_matching(
    conn: &mut sqlx::AnyConnection,
    mut statement: Statement<'_>,
) -> Result<Total, AppError> {
    statement.push(&format!(" LIMIT {}) matching", COUNT_AT_MOST + 1));
    let n: i64 = statement.query()?.fetch_one(&mut *conn).await?.try_get(0)?;
    let n = u64::try_from(n).unwrap_or(0);
    Ok(if n > COUNT_AT_MOST {
        Total::MoreThan(COUNT_AT_MOST)
    } else {
        Total::Exact(n)
    })
}

/// Writes ` FROM … WHERE …` of a list's filters, with a join after the list's table.
type FromWhere = Box<dyn Fn(&mut Statement<'static>, &str) + Send + Sync>;

/// What a list's search and filters match: the list's table under its `alias` ("p"), and a
/// function that writes ` FROM … WHERE …` of them (with a join after the table). A page of the
/// list, its count and a bulk job over every match are all read through it, so they never
/// disagree about which records a list holds.
pub struct Matching {
    pub alias: &'static str,
    /// Whether a search or filter narrows the list (else it holds every record of its kind).
    pub narrowed: bool,
    from_where: FromWhere,
}

impl Matching {
    pub fn new(
        alias: &'static str,
        narrowed: bool,
        from_where: impl Fn(&mut Statement<'static>, &str) + Send + Sync + 'static,
    ) -> Self {
        Self {
            alias,
            narrowed,
            from_where: Box::new(from_where),
        }
    }

    /// Pushes ` FROM … WHERE …`, with `join` (" LEFT JOIN members m ON …", or "") after the
    /// list's table; more conditions may follow with ` AND …`.
    pub fn push(&self, statement: &mut Statement<'static>, join: &str) {
        (self.from_where)(statement, join);
    }

    /// A statement counting every match, however many (for a bulk job's size, not for a page
    /// view: a list counts its page views with [`count_matching`]'s ceiling).
    pub fn count_all(&self) -> Statement<'static> {
        let mut statement = Statement::new("SELECT COUNT(*)");
        self.push(&mut statement, "");
        statement
    }
}

/// The start of [`count_matching`]'s statement, to which a list adds its `FROM … WHERE …`.
pub const COUNT_MATCHING: &str = "SELECT COUNT(*) FROM (SELECT 1 AS one ";

/// A workspace's kept count of a kind of record (`record_counts`, moved by triggers in each
/// change's transaction): exact, and one row read however many there are.
pub async fn kept_count(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    kind: &str,
) -> Result<Total, AppError> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT n FROM record_counts WHERE workspace_id = $1 AND kind = $2")
            .bind(workspace)
            .bind(kind)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Total::Exact(
        n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
    ))
}

/// One order of a list in SQL, for keyset pagination: by `key` (an expression on the list's
/// table that one of its indexes holds, written as the index writes it), then by `id`, both
/// ascending or both descending. A query selects the key `AS sort_key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeysetOrder {
    pub key: &'static str,
    pub id: &'static str,
    pub descending: bool,
    /// Whether the key is a number (a time), bound and read as one.
    pub numeric: bool,
}

impl KeysetOrder {
    /// By a text key (a name, a day), then the id, both ascending.
    pub const fn ascending(key: &'static str, id: &'static str) -> Self {
        Self {
            key,
            id,
            descending: false,
            numeric: false,
        }
    }

    /// By a creation time (milliseconds), the latest first, then the id.
    pub const fn newest_first(created_at: &'static str, id: &'static str) -> Self {
        Self {
            key: created_at,
            id,
            descending: true,
            numeric: true,
        }
    }

    /// The ORDER BY list.
    pub fn order_by(&self) -> String {
        self.order_by_at(&PageAt::First)
    }

    /// The ORDER BY list that reads the page `at` asks for: the list's order, or the reverse
    /// for a page before a row.
    pub fn order_by_at(&self, at: &PageAt) -> String {
        let direction = if self.descending != at.backward() {
            " DESC"
        } else {
            ""
        };
        format!("{}{direction}, {}{direction}", self.key, self.id)
    }

    /// Appends the condition (starting with AND) that starts a page after `cursor`; a cursor of
    /// another order is an expired page link.
    pub fn after(&self, cursor: &Cursor, statement: &mut Statement<'_>) -> Result<(), AppError> {
        self.beyond(cursor, false, statement)
    }

    /// Appends the condition (starting with AND, or nothing for the first page) that chooses
    /// the rows of the page `at` asks for.
    pub fn condition(&self, at: &PageAt, statement: &mut Statement<'_>) -> Result<(), AppError> {
        match at {
            PageAt::First => Ok(()),
            PageAt::After(cursor) => self.beyond(cursor, false, statement),
            PageAt::Before(cursor) => self.beyond(cursor, true, statement),
        }
    }

    /// The rows after `cursor` in the list's order, or before it (`backward`).
    fn beyond(
        &self,
        cursor: &Cursor,
        backward: bool,
        statement: &mut Statement<'_>,
    ) -> Result<(), AppError> {
        let numeric = if self.numeric {
            Some(cursor.key.parse::<i64>().map_err(|_| page_link_expired())?)
        } else {
            None
        };
        let bind_key = |statement: &mut Statement<'_>| {
            match numeric {
                Some(key) => statement.push_bind(key),
                None => statement.push_bind(cursor.key.clone()),
            };
        };
        let (bound, comparison) = if self.descending != backward {
            ("<=", "<")
        } else {
            (">=", ">")
        };
        // The first bound says the same as the pair does, on the key alone: SQLite starts its
        // index range from it when the key is an expression (`lower(l.name)`), where it would
        // otherwise read the index from the workspace's first row and filter.
        statement.push(&format!(" AND {} {bound} ", self.key));
        bind_key(statement);
        statement.push(&format!(" AND ({}, {}) {comparison} (", self.key, self.id));
        bind_key(statement);
        statement.push(", ").push_bind(cursor.id.clone()).push(")");
        Ok(())
    }

    /// The sort key and id of a row read with its `sort_key` and `id`, for its cursor.
    pub fn key_of(&self, row: &sqlx::any::AnyRow) -> Result<(String, String), AppError> {
        let key = if self.numeric {
            row.try_get::<i64, _>("sort_key")?.to_string()
        } else {
            row.try_get::<String, _>("sort_key")?
        };
        Ok((key, row.try_get::<String, _>("id")?))
    }
}

/// The error of a page link that no longer fits its list.
pub fn page_link_expired() -> AppError {
    AppError::validation(
        "after",
        "This page link is no longer valid. The list starts again from its first page.",
    )
}

/// Escapes LIKE's wildcards (with `\` as the escape character).
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_event_reads_back_with_its_kind_and_part_and_one_stored_before_companies_is_a_persons()
     {
        for kind in [Kind::People, Kind::Companies] {
            for role in MergeRole::ALL {
                let field = merge_field(kind, role);
                assert!(field.starts_with(MERGE_EVENT), "{field}");
                assert_eq!(merge_of(&field[MERGE_EVENT.len()..]), Some((kind, role)));
            }
        }
        assert_eq!(merge_of("kept"), Some((Kind::People, MergeRole::Kept)));
        assert_eq!(merge_of("companies:nothing"), None);
        assert_eq!(merge_of("planets:kept"), None);
    }

    #[test]
    fn a_cursor_reads_back_and_a_damaged_one_does_not() {
        let cursor = Cursor {
            key: "lovelace ada".to_owned(),
            id: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
            position: 49,
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("zz"), None);
        assert_eq!(Cursor::decode(&hex::encode("no newline")), None);
    }

    #[test]
    fn a_keyset_order_starts_a_page_after_its_cursor_in_its_direction() {
        let cursor = Cursor {
            key: "1700000000000".to_owned(),
            id: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
            position: 49,
        };
        let newest = KeysetOrder::newest_first("l.created_at", "l.id");
        let mut statement = Statement::new("WHERE l.workspace_id = ");
        statement.push_bind("workspace");
        newest.after(&cursor, &mut statement).unwrap();
        assert_eq!(
            statement.sql(),
            "WHERE l.workspace_id = $1 AND l.created_at <= $2 AND (l.created_at, l.id) < ($3, $4)"
        );
        // A time is compared as a number.
        assert_eq!(
            statement.bound()[1..],
            [
                "BigInt(1700000000000)",
                "BigInt(1700000000000)",
                "Text(\"6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10\")"
            ]
        );
        assert_eq!(newest.order_by(), "l.created_at DESC, l.id DESC");

        let by_name = KeysetOrder::ascending("lower(l.name)", "l.id");
        let mut statement = Statement::default();
        by_name.after(&cursor, &mut statement).unwrap();
        assert_eq!(
            statement.sql(),
            " AND lower(l.name) >= $1 AND (lower(l.name), l.id) > ($2, $3)"
        );
        assert_eq!(statement.bound()[0], "Text(\"1700000000000\")");
        assert_eq!(by_name.order_by(), "lower(l.name), l.id");

        // The page before the cursor: the other way, read in the reverse order.
        let before = PageAt::Before(cursor.clone());
        let mut statement = Statement::default();
        newest.condition(&before, &mut statement).unwrap();
        assert_eq!(
            statement.sql(),
            " AND l.created_at >= $1 AND (l.created_at, l.id) > ($2, $3)"
        );
        assert_eq!(newest.order_by_at(&before), "l.created_at, l.id");
        let mut statement = Statement::default();
        by_name.condition(&before, &mut statement).unwrap();
        assert_eq!(
            statement.sql(),
            " AND lower(l.name) <= $1 AND (lower(l.name), l.id) < ($2, $3)"
        );
        assert_eq!(
            by_name.order_by_at(&before),
            "lower(l.name) DESC, l.id DESC"
        );
        let mut statement = Statement::default();
        by_name.condition(&PageAt::First, &mut statement).unwrap();
        assert_eq!(statement.sql(), "");
    }

    fn key_of(row: &u64) -> Result<(String, String), AppError> {
        Ok((
            format!("{row:03}"),
            format!("00000000-0000-4000-8000-{row:012}"),
        ))
    }

    fn decoded(cursor: &Option<String>) -> Option<(String, u64)> {
        cursor
            .as_deref()
            .and_then(Cursor::decode)
            .map(|cursor| (cursor.key, cursor.position))
    }

    #[test]
    fn a_page_is_arranged_in_list_order_with_the_cursors_and_positions_around_it() {
        // Rows 0 to 9 of a list, pages of 3.
        let first = PageAt::First
            .arrange(vec![0, 1, 2, 3], 3, key_of)
            .unwrap()
            .unwrap();
        assert_eq!(first.0, [0, 1, 2]);
        assert_eq!((first.1.first, first.1.shown), (1, 3));
        assert_eq!(first.1.previous, None);
        assert_eq!(decoded(&first.1.next), Some(("002".to_owned(), 2)));

        // After row 2: rows 3 to 5, positions 4 to 6.
        let after = Cursor::decode(first.1.next.as_deref().unwrap()).unwrap();
        let second = PageAt::After(after)
            .arrange(vec![3, 4, 5, 6], 3, key_of)
            .unwrap()
            .unwrap();
        assert_eq!(second.0, [3, 4, 5]);
        assert_eq!((second.1.first, second.1.shown), (4, 3));
        assert_eq!(decoded(&second.1.previous), Some(("003".to_owned(), 3)));
        assert_eq!(decoded(&second.1.next), Some(("005".to_owned(), 5)));

        // Before row 6 (read backwards: 5, 4, 3, 2): rows 3 to 5 again, in list order.
        let before = Cursor::decode(
            &Cursor {
                key: "006".into(),
                id: key_of(&6).unwrap().1,
                position: 6,
            }
            .encode(),
        )
        .unwrap();
        let back = PageAt::Before(before)
            .arrange(vec![5, 4, 3, 2], 3, key_of)
            .unwrap()
            .unwrap();
        assert_eq!(back.0, [3, 4, 5]);
        assert_eq!((back.1.first, back.1.shown), (4, 3));
        assert_eq!(decoded(&back.1.previous), Some(("003".to_owned(), 3)));
        assert_eq!(decoded(&back.1.next), Some(("005".to_owned(), 5)));

        // The last page has no next one.
        let last = PageAt::After(Cursor {
            key: "008".into(),
            id: key_of(&8).unwrap().1,
            position: 8,
        })
        .arrange(vec![9], 3, key_of)
        .unwrap()
        .unwrap();
        assert_eq!((last.1.first, last.1.shown, last.1.next), (10, 1, None));
        assert!(last.1.previous.is_some());

        // Back from row 2 finds fewer than a page before it: the first page is shown instead.
        let short = PageAt::Before(Cursor {
            key: "002".into(),
            id: key_of(&2).unwrap().1,
            position: 2,
        })
        .arrange(vec![1, 0], 3, key_of)
        .unwrap();
        assert_eq!(short, None);
        // And an empty list is an empty first page.
        let empty = PageAt::First
            .arrange(Vec::<u64>::new(), 3, key_of)
            .unwrap()
            .unwrap();
        assert_eq!(
            (empty.1.first, empty.1.shown, empty.1.previous, empty.1.next),
            (0, 0, None, None)
        );
    }

    #[test]
    fn a_page_link_asks_for_one_page_and_a_damaged_one_is_refused() {
        let cursor = Cursor {
            key: "k".into(),
            id: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".into(),
            position: 0,
        };
        let raw = cursor.encode();
        assert_eq!(PageAt::from_query("", ""), Ok(PageAt::First));
        assert_eq!(
            PageAt::from_query(&raw, ""),
            Ok(PageAt::After(cursor.clone()))
        );
        assert_eq!(PageAt::from_query("", &raw), Ok(PageAt::Before(cursor)));
        assert!(PageAt::from_query(&raw, &raw).is_err(), "both at once");
        assert!(PageAt::from_query("zz", "").is_err());
        // A link made before positions were carried.
        assert!(
            PageAt::from_query(
                &hex::encode("lovelace ada\n6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10"),
                ""
            )
            .is_err()
        );
    }

    #[test]
    fn a_time_order_takes_a_page_link_of_another_order_for_an_expired_one() {
        let by_name = Cursor {
            key: "lovelace ada".to_owned(),
            id: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
            position: 49,
        };
        let newest = KeysetOrder::newest_first("c.created_at", "c.id");
        let refused = newest
            .after(&by_name, &mut Statement::default())
            .unwrap_err();
        assert!(matches!(refused, AppError::Validation { field, .. } if field == "after"));
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
