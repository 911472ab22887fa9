//! Two people merged into one: everything of the other moves to the survivor: e-mail
//! addresses and phone numbers (a main one not chosen becomes a further one), mailing
//! addresses, tags, notes, tasks, opportunities, the leads they came from, and timeline entries.

use serde::{Deserialize, Serialize};

use crm_core::duplicates::{MergeChoice, MergeFields, MergePage, MergeSide, PairSide};
use crm_core::error::AppError;
use crm_core::ids::{PersonId, WorkspaceId};
use crm_core::people::contacts::{Channel, ContactKind, ContactType};
use crm_core::people::{Person, PersonField};
use crm_core::records::{EditableRecord, Kind, RecordField};

use super::{
    Stored, counted, each, ids, keep, lock_both, may_merge, may_undo, member_stays, move_all,
    move_back, plural, stale, tell_both,
};
use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::people::db as people;

/// The choices of the merge page, each the form field's name and the person's fields it sets
/// (an address with its type; a lawful basis with its evidence).
const CHOICES: &[(&str, &[PersonField])] = &[
    ("first_name", &[PersonField::FirstName]),
    ("last_name", &[PersonField::LastName]),
    ("job_title", &[PersonField::JobTitle]),
    ("company_name", &[PersonField::Company]),
    ("email", &[PersonField::Email, PersonField::EmailType]),
    ("phone", &[PersonField::Phone, PersonField::PhoneType]),
    ("owner", &[PersonField::Owner]),
    ("source", &[PersonField::Source]),
    (
        "lawful_basis",
        &[PersonField::LawfulBasis, PersonField::LawfulBasisEvidence],
    ),
    (
        "marketing_permission",
        &[
            PersonField::MarketingPermission,
            PersonField::MarketingPermissionHow,
        ],
    ),
];

/// A choice's value as the page shows it ("ada@example.com (work)").
fn shown(person: &Person, fields: &[PersonField]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|&field| person.display(field))
        .filter(|value| !value.is_empty())
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} ({})", rest.join("; ")),
    }
}

/// Whether a person has a value for a choice (its first field).
fn has(person: &Person, fields: &[PersonField]) -> bool {
    fields
        .first()
        .is_some_and(|&field| !person.value(field).is_empty())
}

/// "Ada Lovelace at Analytical Engines".
fn title(person: &Person) -> String {
    if person.company_name.is_empty() {
        person.full_name()
    } else {
        format!("{} at {}", person.full_name(), person.company_name)
    }
}

fn side(person: &Person) -> PairSide {
    PairSide {
        id: person.id.to_string(),
        title: title(person),
    }
}

/// Both people of the session's workspace, or "not found" (one is not, or both are one).
async fn both(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    keep: &str,
    merge: &str,
) -> Result<(Person, Person), AppError> {
    let keep = PersonId::parse(keep).ok_or(AppError::NotFound)?;
    let merge = PersonId::parse(merge).ok_or(AppError::NotFound)?;
    if keep == merge {
        return Err(AppError::validation(
            "merge",
            "A person cannot be merged with themselves.",
        ));
    }
    let kept = people::load(conn, workspace, keep)
        .await?
        .ok_or(AppError::NotFound)?;
    let merged = people::load(conn, workspace, merge)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((kept, merged))
}

/// How many rows of each kind move with a person, as the page says it ("3 notes").
async fn moving(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: &Person,
) -> Result<Vec<String>, AppError> {
    let id = person.id.to_string();
    let mut said = Vec::new();
    let contacts = person.contacts.len();
    if contacts > 0 {
        said.push(plural(
            contacts,
            "further address or number",
            "further addresses and numbers",
        ));
    }
    if !person.addresses.is_empty() {
        said.push(plural(
            person.addresses.len(),
            "mailing address",
            "mailing addresses",
        ));
    }
    if !person.tags.is_empty() {
        said.push(plural(person.tags.len(), "tag", "tags"));
    }
    let counts = [
        (
            "SELECT COUNT(*) FROM notes WHERE workspace_id = $1 AND record_id = $2",
            "note",
            "notes",
        ),
        (
            "SELECT COUNT(*) FROM tasks WHERE workspace_id = $1 AND record_id = $2",
            "task",
            "tasks",
        ),
        (
            "SELECT COUNT(*) FROM opportunity_people WHERE workspace_id = $1 AND person_id = $2",
            "opportunity",
            "opportunities",
        ),
        (
            "SELECT COUNT(*) FROM leads WHERE workspace_id = $1 AND person_id = $2",
            "lead",
            "leads",
        ),
        (
            "SELECT COUNT(*) FROM record_events WHERE workspace_id = $1 AND record_id = $2",
            "timeline entry",
            "timeline entries",
        ),
    ];
    said.extend(counted(conn, workspace, &id, &counts).await?);
    Ok(said)
}

/// The merge page for two of the workspace's people: each field on which they differ with both
/// values (the survivor's chosen first, or the other's where the survivor has none), and what
/// moves.
pub async fn preview(
    db: &Db,
    workspace: WorkspaceId,
    keep: &str,
    merge: &str,
) -> Result<MergePage, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (kept, merged) = both(&mut conn, workspace, keep, merge).await?;
    let choices = CHOICES
        .iter()
        .filter(|(_, fields)| {
            fields
                .iter()
                .any(|&field| kept.value(field) != merged.value(field))
        })
        .map(|&(name, fields)| MergeChoice {
            name: name.to_owned(),
            label: fields[0].label().to_owned(),
            kept: shown(&kept, fields),
            merged: shown(&merged, fields),
            chosen: if has(&kept, fields) || !has(&merged, fields) {
                MergeSide::Kept
            } else {
                MergeSide::Merged
            },
        })
        .collect();
    Ok(MergePage {
        kind: Kind::People,
        moves: moving(&mut conn, workspace, &merged).await?,
        kept: side(&kept),
        merged: side(&merged),
        kept_version: kept.version,
        merged_version: merged.version,
        choices,
    })
}

/// What a merge wrote, kept until it is undone: the other person as they were (with their tags,
/// further addresses and numbers, mailing addresses), the survivor as they were, and the rows
/// that moved or were dropped as already the survivor's.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Undo {
    merged: Option<Person>,
    merged_owner: Option<String>,
    kept: Option<Person>,
    kept_owner: Option<String>,
    /// The other's further addresses and numbers moved to the survivor, by id.
    moved_contacts: Vec<String>,
    /// Further addresses and numbers the survivor gained from the other's main ones, or kept
    /// from their own main ones replaced: deleted by an undo.
    added_contacts: Vec<String>,
    moved_addresses: Vec<String>,
    /// The other's tags that the survivor did not have.
    added_tags: Vec<String>,
    notes: Vec<String>,
    tasks: Vec<String>,
    events: Vec<String>,
    /// Events elsewhere (an opportunity's) that named the other.
    subject_events: Vec<String>,
    /// Opportunities the other was with and the survivor was not (moved), and those both were
    /// with (the other's place dropped).
    opportunities: Vec<String>,
    dropped_opportunities: Vec<String>,
    leads: Vec<String>,
}

/// The rows that move to the survivor whole, by table and the column that names the person
/// (a mailing address; the notes, tasks and timeline entries about them; entries elsewhere that
/// name them; the leads converted into them), in the order of [`Undo::moved`].
const MOVED: [(&str, &str); 6] = [
    ("person_addresses", "person_id"),
    ("notes", "record_id"),
    ("tasks", "record_id"),
    ("record_events", "record_id"),
    ("record_events", "subject_id"),
    ("leads", "person_id"),
];

impl Undo {
    /// The ids moved from each table of [`MOVED`], in its order.
    fn moved(&self) -> Vec<Vec<String>> {
        [
            &self.moved_addresses,
            &self.notes,
            &self.tasks,
            &self.events,
            &self.subject_events,
            &self.leads,
        ]
        .map(Clone::clone)
        .to_vec()
    }

    fn moved_mut(&mut self) -> [&mut Vec<String>; 6] {
        [
            &mut self.moved_addresses,
            &mut self.notes,
            &mut self.tasks,
            &mut self.events,
            &mut self.subject_events,
            &mut self.leads,
        ]
    }
}

/// Merges the other person (`fields.merge`) into the survivor (`fields.keep`), as the page
/// showed them (their versions), taking the values chosen; answers the survivor's id. Members
/// who may delete the other (its owner, the workspace's owner and admins) may merge.
pub async fn merge(
    db: &Db,
    session: &CurrentSession,
    fields: &MergeFields,
) -> Result<PersonId, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    lock_both(db, &mut tx, "people", fields).await?;
    let (kept, merged) = both(&mut tx, workspace, &fields.keep, &fields.merge).await?;
    let owner = |person: &Person| person.owner.as_ref().map(|owner| owner.id);
    may_merge(
        session,
        Kind::People,
        fields,
        (kept.version, merged.version),
        [owner(&kept), owner(&merged)],
    )?;
    let now = db.now_millis();
    let kept_id = kept.id.to_string();
    let merged_id = merged.id.to_string();
    let mut undo = Undo {
        merged: Some(merged.clone()),
        merged_owner: merged.owner.as_ref().map(|o| o.id.to_string()),
        kept: Some(kept.clone()),
        kept_owner: kept.owner.as_ref().map(|o| o.id.to_string()),
        ..Undo::default()
    };

    // The survivor's fields, as chosen.
    let mut result = kept.clone();
    for &(name, person_fields) in CHOICES {
        if fields.choice(name) == MergeSide::Merged {
            for &field in person_fields {
                copy(&mut result, &merged, field);
            }
        }
    }
    // Every main address and number of the two that the survivor no longer has as its main one
    // becomes a further one, unless it already is.
    let mut present: Vec<String> = result
        .contacts
        .iter()
        .map(|c| c.value.to_lowercase())
        .chain(result.email.iter().map(|e| e.to_lowercase()))
        .chain(result.phone.clone())
        .collect();
    let others = merged
        .contacts
        .iter()
        .map(|c| (c.kind, c.value.clone(), Some(c.id.to_string())));
    let mains = [&kept, &merged].into_iter().flat_map(|p| {
        [
            p.email
                .clone()
                .map(|e| (contact_type(Channel::Email, p.email_kind), e, None)),
            p.phone
                .clone()
                .map(|n| (contact_type(Channel::Phone, p.phone_kind), n, None)),
        ]
        .into_iter()
        .flatten()
    });
    for (kind, value, moved) in mains.chain(others) {
        let key = value.to_lowercase();
        if present.contains(&key) {
            continue;
        }
        present.push(key);
        match moved {
            Some(id) => {
                sqlx::query(
                    "UPDATE person_contacts SET person_id = $1 WHERE workspace_id = $2 AND id = $3",
                )
                .bind(&kept_id)
                .bind(workspace)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                undo.moved_contacts.push(id);
            }
            None => {
                let id =
                    people::insert_contact(&mut tx, workspace, kept.id, kind, &value, now).await?;
                undo.added_contacts.push(id.to_string());
            }
        }
    }
    let moved = move_all(&mut tx, workspace, &MOVED, &merged_id, &kept_id).await?;
    for (rows, into) in moved.into_iter().zip(undo.moved_mut()) {
        *into = rows;
    }
    let kept_tags: Vec<String> = kept.tags.iter().map(|t| t.to_lowercase()).collect();
    undo.added_tags = merged
        .tags
        .iter()
        .filter(|tag| !kept_tags.contains(&tag.to_lowercase()))
        .cloned()
        .collect();
    for tag in &undo.added_tags {
        sqlx::query("INSERT INTO person_tags (person_id, workspace_id, tag) VALUES ($1, $2, $3)")
            .bind(&kept_id)
            .bind(workspace)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    result.tags.extend(undo.added_tags.iter().cloned());

    // Opportunities: one both were with keeps the survivor once.
    let with_kept = ids(
        &mut tx,
        "SELECT opportunity_id FROM opportunity_people WHERE workspace_id = $1 AND person_id = $2",
        workspace,
        &kept_id,
    )
    .await?;
    for opportunity in ids(
        &mut tx,
        "SELECT opportunity_id FROM opportunity_people WHERE workspace_id = $1 AND person_id = $2",
        workspace,
        &merged_id,
    )
    .await?
    {
        if with_kept.contains(&opportunity) {
            undo.dropped_opportunities.push(opportunity);
        } else {
            sqlx::query("UPDATE opportunity_people SET person_id = $1 WHERE workspace_id = $2 AND opportunity_id = $3 AND person_id = $4")
                .bind(&kept_id)
                .bind(workspace)
                .bind(&opportunity)
                .bind(&merged_id)
                .execute(&mut *tx)
                .await?;
            undo.opportunities.push(opportunity);
        }
    }

    // The survivor as chosen (searchable by every address and number they now have), then the
    // other gone, with what did not move: their copies of what the survivor already had.
    result.contacts = people::contacts_of(&mut tx, workspace, kept.id).await?;
    write_person(&mut tx, workspace, &result, kept.version + 1, now).await?;
    if result.company_name != kept.company_name {
        people::link_company(&mut tx, workspace, kept.id, &result.company_name).await?;
    }
    sqlx::query("DELETE FROM people WHERE workspace_id = $1 AND id = $2")
        .bind(workspace)
        .bind(&merged_id)
        .execute(&mut *tx)
        .await?;
    keep(
        &mut tx,
        session,
        Kind::People,
        (&kept_id, kept.version + 1),
        (&merged_id, &merged.full_name()),
        now,
        &undo,
    )
    .await?;
    let (kept_name, merged_name) = (kept.full_name(), merged.full_name());
    let both = (
        (kept_id.as_str(), kept_name.as_str()),
        (merged_id.as_str(), merged_name.as_str()),
    );
    tell_both(&mut tx, session, Kind::People, both, false, now).await?;
    tx.commit().await?;
    tracing::info!(%workspace, kept = %kept_id, merged = %merged_id, "people merged");
    Ok(kept.id)
}

fn contact_type(channel: Channel, kind: ContactKind) -> ContactType {
    ContactType::of(channel, kind).unwrap_or(match channel {
        Channel::Email => ContactType::WorkEmail,
        Channel::Phone => ContactType::WorkPhone,
    })
}

/// Sets `field` of `to` as `from` has it, with the time a lawful basis or permission was
/// recorded.
fn copy(to: &mut Person, from: &Person, field: PersonField) {
    match field {
        PersonField::FirstName => to.first_name.clone_from(&from.first_name),
        PersonField::LastName => to.last_name.clone_from(&from.last_name),
        PersonField::JobTitle => to.job_title.clone_from(&from.job_title),
        PersonField::Company => {
            to.company_name.clone_from(&from.company_name);
            to.company_id = from.company_id;
        }
        PersonField::Email => to.email.clone_from(&from.email),
        PersonField::EmailType => to.email_kind = from.email_kind,
        PersonField::Phone => to.phone.clone_from(&from.phone),
        PersonField::PhoneType => to.phone_kind = from.phone_kind,
        PersonField::Tags => {}
        PersonField::Owner => to.owner.clone_from(&from.owner),
        PersonField::Source => to.source.clone_from(&from.source),
        PersonField::LawfulBasis => {
            to.lawful_basis = from.lawful_basis;
            to.lawful_basis_at = from.lawful_basis_at;
        }
        PersonField::LawfulBasisEvidence => {
            to.lawful_basis_evidence
                .clone_from(&from.lawful_basis_evidence);
        }
        PersonField::MarketingPermission => {
            to.marketing_permission = from.marketing_permission;
            to.marketing_permission_at = from.marketing_permission_at;
        }
        PersonField::MarketingPermissionHow => {
            to.marketing_permission_how
                .clone_from(&from.marketing_permission_how);
        }
    }
}

/// A person's own columns in the order [`bind_fields`] binds them, `$1` to `$20`.
const FIELDS: &str = "first_name, last_name, job_title, company_name, company_id, email,
    email_kind, phone, phone_kind, owner_id, source, lawful_basis, lawful_basis_at,
    lawful_basis_evidence, marketing_permission, marketing_permission_at,
    marketing_permission_how, sort_name, search_text, match_key";

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a person's own columns ([`FIELDS`]) to `query`, derived ones included; `company` and
/// `owner` as given (a company or a member may have gone since the person was read).
fn bind_fields<'q>(
    query: Query<'q>,
    person: &'q Person,
    company: Option<String>,
    owner: Option<String>,
) -> Query<'q> {
    let derived = people::derived_for(person);
    query
        .bind(&person.first_name)
        .bind(&person.last_name)
        .bind(&person.job_title)
        .bind(&person.company_name)
        .bind(company)
        .bind(person.email.as_deref())
        .bind(person.email_kind.as_str())
        .bind(person.phone.as_deref())
        .bind(person.phone_kind.as_str())
        .bind(owner)
        .bind(&person.source)
        .bind(person.lawful_basis.map(|b| b.as_str()))
        .bind(person.lawful_basis_at)
        .bind(&person.lawful_basis_evidence)
        .bind(person.marketing_permission.as_str())
        .bind(person.marketing_permission_at)
        .bind(&person.marketing_permission_how)
        .bind(derived.sort_name)
        .bind(derived.search_text)
        .bind(derived.match_key)
}

/// Writes every field of a stored person (their tags, contacts and addresses aside) at
/// `version`.
async fn write_person(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: &Person,
    version: i64,
    now: i64,
) -> Result<(), AppError> {
    let sql = format!(
        "UPDATE people SET ({FIELDS}, updated_at, version) =
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
              $19, $20, $21, $22)
         WHERE workspace_id = $23 AND id = $24"
    );
    let company = person.company_id.map(|id| id.to_string());
    let owner = person.owner.as_ref().map(|o| o.id.to_string());
    bind_fields(sqlx::query(&sql), person, company, owner)
        .bind(now)
        .bind(version)
        .bind(workspace)
        .bind(person.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores a person deleted by a merge again, as they were (same id, version and times; their
/// company linked afterwards).
async fn restore_person(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: &Person,
    owner: Option<&str>,
) -> Result<(), AppError> {
    let sql = format!(
        "INSERT INTO people ({FIELDS}, id, workspace_id, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25)"
    );
    bind_fields(sqlx::query(&sql), person, None, owner.map(str::to_owned))
        .bind(person.id)
        .bind(workspace)
        .bind(person.created_at)
        .bind(person.updated_at)
        .bind(person.version)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Undoes a merge of people ([`super::undo`], which has read and locked the merge's row): the
/// other person is back with everything that moved; answers their id.
pub(super) async fn undo(
    db: &Db,
    tx: &mut sqlx::AnyConnection,
    session: &CurrentSession,
    stored: &Stored,
) -> Result<PersonId, AppError> {
    let workspace = session.viewer.workspace_id;
    let kept_id = stored.kept_id.clone();
    let merged_id = stored.merged_id.clone();
    db.lock_record(&mut *tx, "people", &kept_id).await?;
    let kept_person = PersonId::parse(&kept_id).ok_or(AppError::NotFound)?;
    let Some(now_kept) = people::load(&mut *tx, workspace, kept_person).await? else {
        return Err(stale(Kind::People));
    };
    if now_kept.version != stored.kept_version {
        return Err(stale(Kind::People));
    }
    let undo: Undo = serde_json::from_str(&stored.undo)
        .map_err(|_| AppError::internal("a stored merge's undo does not read"))?;
    let (Some(merged), Some(kept)) = (undo.merged.clone(), undo.kept.clone()) else {
        return Err(AppError::internal("a stored merge lacks its people"));
    };
    may_undo(
        session,
        Kind::People,
        [undo.merged_owner.as_deref(), undo.kept_owner.as_deref()],
    )?;
    let now = db.now_millis();
    let merged_owner = undo.merged_owner.as_deref();
    let merged_owner = if member_stays(&mut *tx, workspace, merged_owner).await? {
        merged_owner
    } else {
        None
    };
    restore_person(&mut *tx, workspace, &merged, merged_owner).await?;
    // Linked again by name: the company they had may have gone since.
    people::link_company(&mut *tx, workspace, merged.id, &merged.company_name).await?;
    for tag in &merged.tags {
        sqlx::query("INSERT INTO person_tags (person_id, workspace_id, tag) VALUES ($1, $2, $3)")
            .bind(&merged_id)
            .bind(workspace)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    for tag in &undo.added_tags {
        sqlx::query(
            "DELETE FROM person_tags WHERE workspace_id = $1 AND person_id = $2 AND tag = $3",
        )
        .bind(workspace)
        .bind(&kept_id)
        .bind(tag)
        .execute(&mut *tx)
        .await?;
    }
    // The other's further addresses and numbers: those that moved come back, those dropped as
    // already the survivor's are stored again.
    for contact in &merged.contacts {
        let id = contact.id.to_string();
        if undo.moved_contacts.contains(&id) {
            sqlx::query(
                "UPDATE person_contacts SET person_id = $1 WHERE workspace_id = $2 AND id = $3",
            )
            .bind(&merged_id)
            .bind(workspace)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        } else {
            people::insert_contact(
                &mut *tx,
                workspace,
                merged.id,
                contact.kind,
                &contact.value,
                now,
            )
            .await?;
        }
    }
    each(
        &mut *tx,
        "DELETE FROM person_contacts WHERE workspace_id = $1 AND person_id = $2 AND id = $3",
        workspace,
        &kept_id,
        &undo.added_contacts,
    )
    .await?;
    move_back(&mut *tx, workspace, &MOVED, &undo.moved(), &merged_id).await?;
    for opportunity in &undo.opportunities {
        sqlx::query("UPDATE opportunity_people SET person_id = $1 WHERE workspace_id = $2 AND opportunity_id = $3 AND person_id = $4")
            .bind(&merged_id)
            .bind(workspace)
            .bind(opportunity)
            .bind(&kept_id)
            .execute(&mut *tx)
            .await?;
    }
    for opportunity in &undo.dropped_opportunities {
        sqlx::query("INSERT INTO opportunity_people (opportunity_id, person_id, workspace_id, added_at) VALUES ($1, $2, $3, $4)")
            .bind(opportunity)
            .bind(&merged_id)
            .bind(workspace)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    // The survivor as before the merge, one version on (without an owner who has left since).
    let mut before = kept.clone();
    before.company_id = None;
    if !member_stays(&mut *tx, workspace, undo.kept_owner.as_deref()).await? {
        before.owner = None;
    }
    write_person(&mut *tx, workspace, &before, now_kept.version + 1, now).await?;
    people::link_company(&mut *tx, workspace, kept_person, &before.company_name).await?;
    let (kept_name, merged_name) = (kept.full_name(), merged.full_name());
    let both = (
        (kept_id.as_str(), kept_name.as_str()),
        (merged_id.as_str(), merged_name.as_str()),
    );
    tell_both(&mut *tx, session, Kind::People, both, true, now).await?;
    Ok(merged.id)
}
