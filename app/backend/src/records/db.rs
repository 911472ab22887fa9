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
    ConversionRole, MemberOption, NOTE_DELETED_EVENT, TimelineEntry, TimelineEvent,
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
        TimelineEvent::Converted { id, .. } => Some(id.as_str()),
        _ => None,
    };
    record_event_about(executor, workspace, record, actor, event, subject, now).await
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
async fn exists(
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

/// Where a list page starts: after this sort key and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: String,
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
        hex::encode(format!("{}\n{}", self.key, self.id))
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let bytes = hex::decode(raw).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (key, id) = text.rsplit_once('\n')?;
        uuid::Uuid::parse_str(id).ok()?;
        Some(Self {
            key: key.to_owned(),
            id: id.to_owned(),
        })
    }
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
        let direction = if self.descending { " DESC" } else { "" };
        format!("{}{direction}, {}{direction}", self.key, self.id)
    }

    /// Appends the condition (starting with AND) that starts a page after `cursor`; a cursor of
    /// another order is an expired page link.
    pub fn after(&self, cursor: &Cursor, statement: &mut Statement<'_>) -> Result<(), AppError> {
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
        let (bound, comparison) = if self.descending {
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

    /// The cursor of the row with id `id`, read with its `sort_key`.
    pub fn cursor_of(&self, row: &sqlx::any::AnyRow, id: String) -> Result<Cursor, AppError> {
        let key = if self.numeric {
            row.try_get::<i64, _>("sort_key")?.to_string()
        } else {
            row.try_get::<String, _>("sort_key")?
        };
        Ok(Cursor { key, id })
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
    fn a_cursor_reads_back_and_a_damaged_one_does_not() {
        let cursor = Cursor {
            key: "lovelace ada".to_owned(),
            id: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
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
    }

    #[test]
    fn a_time_order_takes_a_page_link_of_another_order_for_an_expired_one() {
        let by_name = Cursor {
            key: "lovelace ada".to_owned(),
            id: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
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
