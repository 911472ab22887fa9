//! People exported as CSV (every field the product keeps of them, with their owner, source,
//! lawful basis and marketing permission) or vCard 4.0, in the list's order (by name).

use std::collections::HashMap;

use sqlx::Row;
use tokio::sync::mpsc;

use crm_addressbook::write::{CsvLayout, CsvWriter, vcard};
use crm_addressbook::{Contact, Kind as CardKind, PostalAddress, Typed};
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;
use crm_core::people::{LawfulBasis, MarketingPermission, PeopleQuery, full_name};
use crm_core::time::CalendarDate;

use super::{BATCH, Download, Format, Gone, Sink};
use crate::accounts::session::CurrentSession;
use crate::db::{Backend, Db, Statement};
use crate::records::db::Matching;

/// The columns a CSV export has after each person's contact details.
const EXTRA: [&str; 7] = [
    "Owner",
    "Source",
    "Lawful basis",
    "Lawful basis evidence",
    "Marketing permission",
    "Added",
    "Candor ID",
];

/// Starts exporting the people the list's `query` matches (its search and filters; its page is
/// ignored: every match is exported). A filter that cannot be read is refused here, before any
/// byte is sent.
pub async fn start(
    db: &Db,
    session: &CurrentSession,
    query: &PeopleQuery,
    format: Format,
) -> Result<Download, AppError> {
    let workspace = session.viewer.workspace_id;
    let member = session.viewer.member_id;
    let matching = crate::people::db::matching(db, workspace, query).await?;
    let (sender, chunks) = mpsc::channel(2);
    let today = CalendarDate::from_millis(db.now_millis());
    let file_name = format!("people-{today}.{}", format.extension());
    let db = db.clone();
    let filter = serde_json::json!({
        "q": query.q,
        "tag": query.tag,
        "owner": query.owner,
    });
    tokio::spawn(async move {
        let mut sink = Sink::new(sender);
        let outcome = write(&db, workspace, &matching, format, &mut sink).await;
        let (rows, finished) = match &outcome {
            Ok(rows) => (*rows, true),
            Err(Stop::Gone(rows) | Stop::Failed(rows)) => (*rows, false),
        };
        let detail = serde_json::json!({
            "format": format.extension(),
            "filter": filter,
            "rows": rows,
            "finished": finished,
        });
        // Recorded before the last bytes go out: a download that finished is in the trail.
        let recorded = async {
            let mut conn = db.pool().acquire().await?;
            crate::audit::record(
                &mut conn,
                workspace,
                member,
                ("export", "people"),
                &detail,
                db.now_millis(),
            )
            .await
        }
        .await;
        tracing::info!(%workspace, rows, finished, "people exported");
        match (outcome, recorded) {
            (Ok(_), Ok(())) => {
                let _ = sink.flush().await;
            }
            (Err(Stop::Gone(_)), _) => {}
            (_, Err(_)) | (Err(Stop::Failed(_)), _) => sink.fail().await,
        }
    });
    Ok(Download {
        file_name,
        content_type: format.content_type(),
        chunks,
    })
}

/// Why an export stopped before its end, with the rows written until then.
enum Stop {
    Gone(u64),
    Failed(u64),
}

/// Writes every matching person into `sink` (all but the last, unfilled chunk sent); how many.
async fn write(
    db: &Db,
    workspace: WorkspaceId,
    matching: &Matching,
    format: Format,
    sink: &mut Sink,
) -> Result<u64, Stop> {
    let mut rows = 0;
    let failed = |rows: u64| {
        move |error: AppError| {
            tracing::error!(%workspace, ?error, "a people export failed");
            Stop::Failed(rows)
        }
    };
    // One snapshot for the whole file: people added, changed or deleted meanwhile do not make
    // it skip or repeat anyone.
    let mut tx = db.pool().begin().await.map_err(|e| failed(0)(e.into()))?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(|e| failed(0)(e.into()))?;
    }
    let layout = layout(&mut tx, workspace).await.map_err(failed(0))?;
    let mut csv = match format {
        Format::Csv => Some(
            CsvWriter::new(Vec::new(), layout, &EXTRA)
                .map_err(|e| failed(0)(AppError::internal(e)))?,
        ),
        Format::Vcard => None,
    };
    let mut after: Option<(String, String)> = None;
    loop {
        let batch = next_batch(&mut tx, workspace, matching, after.as_ref())
            .await
            .map_err(failed(rows))?;
        let Some(last) = batch.last() else { break };
        after = Some((last.sort_name.clone(), last.id.clone()));
        let full = batch.len() as i64 == BATCH;
        for person in batch {
            let extra = person.extra();
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            let written = match csv.as_mut() {
                Some(csv) => csv.row(&person.contact, &extra),
                None => vcard(&mut sink.buffer, &person.contact),
            };
            written.map_err(|e| failed(rows)(AppError::internal(e)))?;
            rows += 1;
        }
        if let Some(csv) = csv.as_mut() {
            sink.buffer.append(csv.get_mut());
        }
        sink.flush_full().await.map_err(|Gone| Stop::Gone(rows))?;
        if !full {
            break;
        }
    }
    if let Some(mut csv) = csv {
        sink.buffer.append(csv.get_mut());
    }
    let _ = tx.rollback().await;
    Ok(rows)
}

/// As many e-mail, phone and address columns as the person with the most has (a main e-mail
/// address and phone number, and the further ones), at least one of each.
async fn layout(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
) -> Result<CsvLayout, AppError> {
    let further = sqlx::query(
        "SELECT channel, MAX(n) AS most FROM (
             SELECT person_id, channel, COUNT(*) AS n FROM person_contacts
             WHERE workspace_id = $1 GROUP BY person_id, channel
         ) c GROUP BY channel",
    )
    .bind(workspace)
    .fetch_all(&mut *conn)
    .await?;
    let most = |channel: &str| -> Result<usize, AppError> {
        for row in &further {
            if row.try_get::<String, _>("channel")? == channel {
                return Ok(usize::try_from(row.try_get::<i64, _>("most")?).unwrap_or(0));
            }
        }
        Ok(0)
    };
    let addresses: Option<i64> = sqlx::query(
        "SELECT MAX(n) FROM (
             SELECT person_id, COUNT(*) AS n FROM person_addresses
             WHERE workspace_id = $1 GROUP BY person_id
         ) a",
    )
    .bind(workspace)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(CsvLayout {
        emails: 1 + most("email")?,
        phones: 1 + most("phone")?,
        addresses: usize::try_from(addresses.unwrap_or(0)).unwrap_or(0).max(1),
    })
}

/// A person as exported: their contact details and the product's own fields.
struct Exported {
    id: String,
    sort_name: String,
    contact: Contact,
    owner: Option<String>,
    source: String,
    lawful_basis: Option<String>,
    lawful_basis_evidence: String,
    marketing_permission: String,
    created_at: i64,
}

impl Exported {
    fn extra(&self) -> [String; 7] {
        [
            self.owner.clone().unwrap_or_default(),
            self.source.clone(),
            self.lawful_basis
                .as_deref()
                .and_then(LawfulBasis::parse)
                .map_or("", LawfulBasis::label)
                .to_owned(),
            self.lawful_basis_evidence.clone(),
            MarketingPermission::parse(&self.marketing_permission)
                .map_or("", MarketingPermission::label)
                .to_owned(),
            CalendarDate::from_millis(self.created_at).to_string(),
            self.id.clone(),
        ]
    }
}

/// The kind of a stored e-mail address or phone number (`work`, `personal`, `mobile`).
fn card_kind(stored: &str) -> CardKind {
    match stored {
        "work" => CardKind::Work,
        "personal" | "home" => CardKind::Home,
        "mobile" => CardKind::Mobile,
        "other" => CardKind::Other,
        _ => CardKind::Unstated,
    }
}

/// The next [`BATCH`] people the list matches after `after` (its sort name and id), in the
/// list's order, with their further contacts, addresses, tags and notes.
async fn next_batch(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    matching: &Matching,
    after: Option<&(String, String)>,
) -> Result<Vec<Exported>, AppError> {
    let mut statement = Statement::new(
        "SELECT p.id, p.sort_name, p.first_name, p.last_name, p.job_title, p.company_name,
                p.email, p.email_kind, p.phone, p.phone_kind, p.source, p.lawful_basis,
                p.lawful_basis_evidence, p.marketing_permission, p.created_at,
                m.name AS owner_name",
    );
    matching.push(&mut statement, " LEFT JOIN members m ON m.id = p.owner_id");
    if let Some((sort_name, id)) = after {
        statement
            .push(" AND (p.sort_name > ")
            .push_bind(sort_name.clone())
            .push(" OR (p.sort_name = ")
            .push_bind(sort_name.clone())
            .push(" AND p.id > ")
            .push_bind(id.clone())
            .push("))");
    }
    statement.push(&format!(" ORDER BY p.sort_name, p.id LIMIT {BATCH}"));
    let rows = statement.query()?.fetch_all(&mut *conn).await?;
    let mut people = Vec::with_capacity(rows.len());
    for row in &rows {
        let first: String = row.try_get("first_name")?;
        let last: String = row.try_get("last_name")?;
        let mut contact = Contact {
            full_name: full_name(&first, &last),
            given_name: first,
            family_name: last,
            company: row.try_get("company_name")?,
            job_title: row.try_get("job_title")?,
            ..Contact::default()
        };
        if let Some(email) = row.try_get::<Option<String>, _>("email")? {
            let kind = card_kind(&row.try_get::<String, _>("email_kind")?);
            contact.emails.push(Typed { value: email, kind });
        }
        if let Some(phone) = row.try_get::<Option<String>, _>("phone")? {
            let kind = card_kind(&row.try_get::<String, _>("phone_kind")?);
            contact.phones.push(Typed { value: phone, kind });
        }
        people.push(Exported {
            id: row.try_get("id")?,
            sort_name: row.try_get("sort_name")?,
            contact,
            owner: row.try_get("owner_name")?,
            source: row.try_get("source")?,
            lawful_basis: row.try_get("lawful_basis")?,
            lawful_basis_evidence: row.try_get("lawful_basis_evidence")?,
            marketing_permission: row.try_get("marketing_permission")?,
            created_at: row.try_get("created_at")?,
        });
    }
    if people.is_empty() {
        return Ok(people);
    }
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let at: HashMap<String, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    // Further e-mail addresses and phone numbers, oldest first.
    let select = "SELECT person_id AS owner, channel, kind, value FROM person_contacts";
    for (i, row) in of_batch(conn, select, "person_id", workspace, &ids, &at).await? {
        let typed = Typed {
            value: row.try_get("value")?,
            kind: card_kind(&row.try_get::<String, _>("kind")?),
        };
        match row.try_get::<String, _>("channel")?.as_str() {
            "email" => people[i].contact.emails.push(typed),
            _ => people[i].contact.phones.push(typed),
        }
    }
    let select = "SELECT person_id AS owner, kind, street, city, region, postal_code, country
                  FROM person_addresses";
    for (i, row) in of_batch(conn, select, "person_id", workspace, &ids, &at).await? {
        people[i].contact.addresses.push(PostalAddress {
            kind: card_kind(&row.try_get::<String, _>("kind")?),
            street: row.try_get("street")?,
            city: row.try_get("city")?,
            region: row.try_get("region")?,
            postal_code: row.try_get("postal_code")?,
            country: row.try_get("country")?,
        });
    }
    for (id, tag) in crate::records::db::tags_of(
        &mut *conn,
        crate::records::db::Kind::People,
        workspace,
        &ids,
    )
    .await?
    {
        if let Some(&i) = at.get(&id) {
            people[i].contact.tags.push(tag);
        }
    }
    // Notes, oldest first, one after another.
    let select = "SELECT record_id AS owner, body FROM notes";
    for (i, row) in of_batch(conn, select, "record_id", workspace, &ids, &at).await? {
        let notes = &mut people[i].contact.notes;
        if !notes.is_empty() {
            notes.push_str("\n\n");
        }
        notes.push_str(&row.try_get::<String, _>("body")?);
    }
    Ok(people)
}

/// The rows `select` (a `SELECT … FROM table` naming its person as `owner`) reads for the batch's
/// people, oldest first, each with its person's place in the batch.
async fn of_batch(
    conn: &mut sqlx::AnyConnection,
    select: &str,
    person_column: &str,
    workspace: WorkspaceId,
    ids: &[String],
    at: &HashMap<String, usize>,
) -> Result<Vec<(usize, sqlx::any::AnyRow)>, AppError> {
    let mut statement = Statement::new(select);
    statement
        .push(" WHERE workspace_id = ")
        .push_bind(workspace)
        .push(&format!(" AND {person_column} IN ("))
        .push_bind_list(ids.iter().cloned())
        .push(") ORDER BY created_at, id");
    let mut rows = Vec::new();
    for row in statement.query()?.fetch_all(&mut *conn).await? {
        if let Some(&i) = at.get(&row.try_get::<String, _>("owner")?) {
            rows.push((i, row));
        }
    }
    Ok(rows)
}
