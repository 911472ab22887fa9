//! What members do with people, decided on the server in the session's workspace only: add a
//! person, change one field with conflict detection, write a note, read a list page, and keep
//! their further addresses and numbers. (Bulk actions are `records::service::bulk`.)

use crm_core::people::contacts::{
    ADDRESSES_MAX, Address, AddressFields, CONTACTS_MAX, Channel, ContactPoint, ContactType,
    NewAddress, PersonList,
};
use crm_core::people::{
    LawfulBasis, MarketingPermission, NewPersonFields, PeoplePage, PeopleQuery, PersonField,
    PersonRecord,
};
use crm_core::records::{
    ADDRESSES_EVENT, CONTACTS_EVENT, EditableRecord, Kind, NewRecordFields, RecordField,
    TimelineEvent, conflict_message,
};

use crm_core::country::Country;
use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::forms::FieldProblem;
use crm_core::ids::{AddressId, ContactId, MemberId, PersonId, WorkspaceId};
use crm_core::phone::PhoneNumber;
use crm_core::text::parse_tags;

use super::db::{self, NewPerson};
use crate::accounts::service::Outcome;
use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::duplicates::{self, Added};
use crate::records::search::Search;

/// The source of a person added with the form.
pub const SOURCE_BY_HAND: &str = "Added by hand";

/// A field's new value as stored, parsed from what was typed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Parsed {
    Text(String),
    Optional(Option<String>),
    Tags(Vec<String>),
    Owner(Option<MemberId>),
}

/// Parses a typed value for `field`, with the message to show beside the field when it is wrong.
fn parse_value(
    field: PersonField,
    raw: &str,
    members: &[MemberId],
    home: Option<Country>,
) -> Result<Parsed, String> {
    field.check(raw)?;
    let value = raw.trim();
    Ok(match field {
        PersonField::Email if value.is_empty() => Parsed::Optional(None),
        PersonField::Email => {
            Parsed::Optional(Some(EmailAddress::parse(value)?.as_str().to_owned()))
        }
        PersonField::Phone if value.is_empty() => Parsed::Optional(None),
        PersonField::Phone => Parsed::Optional(Some(PhoneNumber::parse(value, home)?.to_string())),
        PersonField::Tags => Parsed::Tags(parse_tags(value)?),
        PersonField::LawfulBasis => {
            Parsed::Optional(LawfulBasis::parse(value).map(|basis| basis.as_str().to_owned()))
        }
        PersonField::MarketingPermission => Parsed::Text(
            MarketingPermission::parse(value)
                .unwrap_or(MarketingPermission::Unknown)
                .as_str()
                .to_owned(),
        ),
        PersonField::Owner if value.is_empty() => Parsed::Owner(None),
        PersonField::Owner => {
            let owner = value
                .parse::<MemberId>()
                .ok()
                .filter(|id| members.contains(id))
                .ok_or("Choose an owner from the workspace's members.")?;
            Parsed::Owner(Some(owner))
        }
        _ => Parsed::Text(value.to_owned()),
    })
}

/// Adds a person to the session's workspace, owned by the member who adds them.
///
/// Before anything is stored, the workspace's people who share the new person's e-mail address,
/// phone number or name and company are looked for in the same transaction: if there are any
/// the member has not yet been shown (`fields.add_anyway`), nothing is stored and they are
/// answered instead.
pub async fn create(
    db: &Db,
    session: &CurrentSession,
    fields: &NewPersonFields,
) -> Result<Outcome<Added<PersonId>>, AppError> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for &field in NewPersonFields::FIELDS {
        match parse_value(
            field,
            fields.value(field),
            &[],
            session.viewer.workspace_country,
        ) {
            Ok(value) => parsed.push(value),
            Err(message) => {
                problems.push(FieldProblem::new(field.name(), &message));
                parsed.push(Parsed::Text(String::new()));
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Outcome::Invalid(problems));
    }
    let text = |i: usize| match &parsed[i] {
        Parsed::Text(text) => text.clone(),
        _ => String::new(),
    };
    let optional = |i: usize| match &parsed[i] {
        Parsed::Optional(value) => value.clone(),
        _ => None,
    };
    let person = NewPerson {
        first_name: text(0),
        last_name: text(1),
        job_title: text(2),
        company_name: text(3),
        email: optional(4),
        phone: optional(5),
        tags: match &parsed[6] {
            Parsed::Tags(tags) => tags.clone(),
            _ => Vec::new(),
        },
        owner: Some(session.viewer.member_id),
        source: SOURCE_BY_HAND.to_owned(),
    };
    let workspace = session.viewer.workspace_id;
    let now = db.now_millis();
    let mut tx = db.begin_write().await?;
    // Two members adding the same person at once: the second sees the first.
    db.take_turns(&mut tx, &format!("add people {workspace}"))
        .await?;
    let matched = super::duplicates::matching(
        &mut tx,
        workspace,
        person.email.as_deref(),
        person.phone.as_deref(),
        &crm_core::people::match_key(&person.first_name, &person.last_name, &person.company_name),
    )
    .await?;
    let existing = duplicates::existing(
        Kind::People,
        matched,
        &duplicates::acknowledged(&fields.add_anyway),
    );
    if !existing.is_empty() {
        return Ok(Outcome::Done(Added::Exists {
            existing,
            problems: Vec::new(),
        }));
    }
    let id = db::insert(&mut tx, workspace, &person, now).await?;
    if !person.company_name.is_empty() {
        db::link_company(&mut tx, workspace, id, &person.company_name).await?;
    }
    db::record_event(
        &mut *tx,
        workspace,
        id,
        session.viewer.member_id,
        &TimelineEvent::Created,
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(person_id = %id, workspace_id = %workspace, "person created");
    Ok(Outcome::Done(Added::New(id)))
}

/// A person's page: the person, their timeline, the workspace's members and the opportunities
/// they are part of. Phone numbers are shown as people write them in the workspace's country
/// (`home`).
pub async fn record(
    db: &Db,
    workspace: WorkspaceId,
    home: Option<Country>,
    id: PersonId,
) -> Result<PersonRecord, AppError> {
    let mut conn = db.pool().acquire().await?;
    record_in(&mut conn, workspace, home, id).await
}

/// [`record`], read on a connection (in a transaction, the person as it will be stored).
async fn record_in(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    home: Option<Country>,
    id: PersonId,
) -> Result<PersonRecord, AppError> {
    let mut person = db::load(conn, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    show_phones(&mut person, home);
    Ok(PersonRecord {
        merge: crate::records::db::merge_to_undo(
            conn,
            workspace,
            &person.id.to_string(),
            person.version,
        )
        .await?,
        person,
        timeline: db::timeline(conn, workspace, id).await?,
        members: db::members(&mut *conn, workspace).await?,
        opportunities: crate::opportunities::db::involving(
            conn,
            workspace,
            crate::opportunities::db::Involving::Person(id),
        )
        .await?,
    })
}

/// The person's numbers as people write them in `home` (stored in E.164).
fn show_phones(person: &mut crm_core::people::Person, home: Option<Country>) {
    if let Some(phone) = person.phone.as_mut() {
        *phone = PhoneNumber::shown(phone, home);
    }
    for contact in &mut person.contacts {
        if contact.kind.channel() == Channel::Phone {
            contact.value = PhoneNumber::shown(&contact.value, home);
        }
    }
}

/// A further contact as the page shows it (a number as written in `home`), for its timeline.
fn shown_contact(contact: &ContactPoint, home: Option<Country>) -> ContactPoint {
    let mut shown = contact.clone();
    if shown.kind.channel() == Channel::Phone {
        shown.value = PhoneNumber::shown(&shown.value, home);
    }
    shown
}

/// A field's value as the page shows it: a phone number as written in `home`.
fn shown(field: PersonField, value: String, home: Option<Country>) -> String {
    PhoneNumber::shown_if(field == PersonField::Phone, value, home)
}

/// An edit of one field, as the page sends it.
#[derive(Clone, Debug)]
pub struct FieldEdit {
    pub person: PersonId,
    pub field: PersonField,
    pub value: String,
    /// The field's value when the member began to edit it.
    pub base: String,
    /// The person's version the page had.
    pub version: i64,
}

/// The stored column of a field held in one column of `people` (tags live in their own table,
/// the owner is set apart).
fn column(field: PersonField) -> Option<&'static str> {
    Some(match field {
        PersonField::FirstName => "first_name",
        PersonField::LastName => "last_name",
        PersonField::JobTitle => "job_title",
        PersonField::Company => "company_name",
        PersonField::Email => "email",
        PersonField::EmailType => "email_kind",
        PersonField::Phone => "phone",
        PersonField::PhoneType => "phone_kind",
        PersonField::Tags | PersonField::Owner => return None,
        PersonField::Source => "source",
        PersonField::LawfulBasis => "lawful_basis",
        PersonField::LawfulBasisEvidence => "lawful_basis_evidence",
        PersonField::MarketingPermission => "marketing_permission",
        PersonField::MarketingPermissionHow => "marketing_permission_how",
    })
}

/// Saves one field. When the person changed since the page loaded, the save goes ahead only if
/// this field still holds what the member started from; otherwise it is refused with the other
/// value, and nothing is overwritten.
pub async fn save_field(
    db: &Db,
    session: &CurrentSession,
    edit: &FieldEdit,
) -> Result<PersonRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let field = edit.field;
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "people", &edit.person.to_string())
        .await?;
    // Read once: an owner is checked against them, and the answer lists them.
    let members = db::members(&mut *tx, workspace).await?;
    let member_ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
    let home = session.viewer.workspace_country;
    let parsed = parse_value(field, &edit.value, &member_ids, home)
        .map_err(|message| AppError::validation(field.name(), message))?;
    let mut person = db::load(&mut tx, workspace, edit.person)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = person.value(field);
    // The page had the value as shown (a phone number in national form) or, from before, stored.
    if person.version != edit.version
        && current != edit.base
        && shown(field, current.clone(), home) != edit.base
    {
        return Err(AppError::Conflict(conflict_message(
            field.label(),
            &shown(field, person.display(field), home),
        )));
    }
    let old_display = shown(field, person.display(field), home);
    let now = db.now_millis();
    let stored_before = person.version;
    let mut update = String::from(
        "UPDATE people SET updated_at = $1, version = version + 1, sort_name = $2, search_text = $3",
    );
    let stored_column = || {
        column(field)
            .ok_or_else(|| AppError::internal("a field without a column was parsed as text"))
    };
    let mut extra: Option<Option<String>> = None;
    match &parsed {
        Parsed::Text(text) => {
            person.set(field, text.clone(), &[]);
            update.push_str(&format!(", {} = $6", stored_column()?));
            extra = Some(Some(text.clone()));
        }
        Parsed::Optional(value) => {
            person.set(field, value.clone().unwrap_or_default(), &[]);
            update.push_str(&format!(", {} = $6", stored_column()?));
            extra = Some(value.clone());
        }
        Parsed::Owner(owner) => {
            person.owner = owner.map(|id| crm_core::records::MemberOption {
                id,
                name: String::new(),
            });
            update.push_str(", owner_id = $6");
            extra = Some(owner.map(|id| id.to_string()));
        }
        Parsed::Tags(tags) => {
            let spelled = crate::records::db::spell_tags(
                &mut tx,
                crate::records::db::Kind::People,
                workspace,
                tags,
            )
            .await?;
            person.tags = crate::records::db::same_tags_as_stored(spelled, &person.tags);
        }
    }
    if person.value(field) == current {
        // Nothing changed: no write, no event.
        drop(tx);
        return record(db, workspace, home, edit.person).await;
    }
    match field {
        PersonField::LawfulBasis => update.push_str(", lawful_basis_at = $1"),
        PersonField::MarketingPermission => update.push_str(", marketing_permission_at = $1"),
        _ => {}
    }
    // The optional value is $6; the version and the match key follow it.
    let next = if extra.is_some() { 7 } else { 6 };
    update.push_str(&format!(
        ", match_key = ${} WHERE workspace_id = $4 AND id = $5 AND version = ${next}",
        next + 1
    ));
    let derived = db::derived_for(&person);
    let mut statement = sqlx::query(&update)
        .bind(now)
        .bind(derived.sort_name)
        .bind(derived.search_text)
        .bind(workspace)
        .bind(edit.person);
    if let Some(value) = extra {
        statement = statement.bind(value);
    }
    let updated = statement
        .bind(stored_before)
        .bind(derived.match_key)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "Someone saved this person at the same moment. Reload the page to see their change, then edit again."
                .to_owned(),
        ));
    }
    if let Parsed::Tags(tags) = &parsed {
        db::replace_tags(&mut tx, workspace, edit.person, tags).await?;
    }
    if field == PersonField::Company {
        db::link_company(&mut tx, workspace, edit.person, &person.company_name).await?;
    }
    let saved = db::load(&mut tx, workspace, edit.person)
        .await?
        .ok_or(AppError::NotFound)?;
    db::record_event(
        &mut *tx,
        workspace,
        edit.person,
        session.viewer.member_id,
        &TimelineEvent::Changed {
            field: field.name().to_owned(),
            old: old_display,
            new: shown(field, saved.display(field), home),
        },
        now,
    )
    .await?;
    // The answer is read in the same transaction: the person as saved, with this change in
    // their timeline.
    let answer = record_in(&mut tx, workspace, home, edit.person).await?;
    tx.commit().await?;
    tracing::info!(person_id = %edit.person, workspace_id = %workspace, field = field.name(), "person changed");
    Ok(answer)
}

/// One page of the people list with what its filters offer. A query that cannot be used (a
/// damaged page link, an unknown owner, an over-long search) is answered with the list without
/// that part and a message saying why.
pub async fn list_page(
    db: &Db,
    workspace: WorkspaceId,
    home: Option<Country>,
    query: &PeopleQuery,
) -> Result<PeoplePage, AppError> {
    let mut query = query.clone();
    let mut problem = crate::records::db::searchable(&mut query.q);
    let (rows, place) = match db::list(db, workspace, &query).await {
        Err(AppError::Validation { field, message }) => {
            match field.as_str() {
                "after" => {
                    query.after.clear();
                    query.before.clear();
                }
                _ => query.owner.clear(),
            }
            problem = Some(message);
            db::list(db, workspace, &query).await?
        }
        other => other?,
    };
    let mut rows = rows;
    for row in &mut rows {
        if let Some(phone) = row.phone.as_mut() {
            *phone = PhoneNumber::shown(phone, home);
        }
    }
    Ok(PeoplePage {
        rows,
        place,
        tags: db::workspace_tags(db, workspace).await?,
        members: db::members(db.pool(), workspace).await?,
        problem,
        search_note: Search::from_query(&query.q).note(
            "people",
            "last name",
            "names, e-mail addresses, phone numbers and companies",
        ),
    })
}

/// What a member adds to one of a person's lists.
#[derive(Clone, Debug)]
pub enum NewItem {
    /// A further e-mail address or phone number, as typed.
    Contact {
        kind: ContactType,
        value: String,
    },
    Address(AddressFields),
}

/// A new item, checked and normalised.
enum ParsedItem {
    Contact(ContactType, String),
    Address(NewAddress),
}

/// Adds a further e-mail address or phone number, or a mailing address, to one of the
/// workspace's people, with the addition in their timeline; answers their page as now stored.
/// A value they already have, or one past the limit, is refused with what to do instead.
pub async fn add_item(
    db: &Db,
    session: &CurrentSession,
    id: PersonId,
    item: &NewItem,
) -> Result<PersonRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    // Parsed before anything is read: a refusal needs no person.
    let parsed = match item {
        NewItem::Contact { kind, value } => {
            let value = value.trim();
            kind.check(value)
                .map_err(|message| AppError::validation("value", message))?;
            let stored = match kind.channel() {
                Channel::Email => EmailAddress::parse(value)
                    .map_err(|message| AppError::validation("value", message))?
                    .as_str()
                    .to_owned(),
                Channel::Phone => PhoneNumber::parse(value, session.viewer.workspace_country)
                    .map_err(|message| AppError::validation("value", message))?
                    .to_string(),
            };
            ParsedItem::Contact(*kind, stored)
        }
        NewItem::Address(fields) => ParsedItem::Address(
            fields
                .parse()
                .map_err(|(field, message)| AppError::validation(field, message))?,
        ),
    };
    let mut tx = db.begin_write().await?;
    let mut person = db::load(&mut tx, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = db.now_millis();
    let (field, added) = match parsed {
        ParsedItem::Contact(kind, value) => {
            let main = match kind.channel() {
                Channel::Email => person.email.as_deref(),
                Channel::Phone => person.phone.as_deref(),
            };
            let already = main
                .into_iter()
                .chain(
                    person
                        .contacts
                        .iter()
                        .filter(|c| c.kind.channel() == kind.channel())
                        .map(|c| c.value.as_str()),
                )
                .any(|known| known.eq_ignore_ascii_case(&value));
            if already {
                let what = match kind.channel() {
                    Channel::Email => "e-mail address",
                    Channel::Phone => "phone number",
                };
                return Err(AppError::validation(
                    "value",
                    format!("{} already has this {what}.", person.full_name()),
                ));
            }
            if person.contacts.len() >= CONTACTS_MAX {
                return Err(AppError::validation(
                    "value",
                    format!(
                        "A person can have at most {CONTACTS_MAX} further e-mail addresses and phone numbers. Remove one first."
                    ),
                ));
            }
            let contact = ContactPoint {
                id: db::insert_contact(&mut tx, workspace, id, kind, &value, now).await?,
                kind,
                value,
            };
            let described = shown_contact(&contact, session.viewer.workspace_country).describe();
            person.contacts.push(contact);
            (CONTACTS_EVENT, described)
        }
        ParsedItem::Address(address) => {
            if person.addresses.len() >= ADDRESSES_MAX {
                return Err(AppError::validation(
                    "street",
                    format!(
                        "A person can have at most {ADDRESSES_MAX} mailing addresses. Remove one first."
                    ),
                ));
            }
            let stored = Address {
                id: db::insert_address(&mut tx, workspace, id, &address, now).await?,
                kind: address.kind,
                street: address.street,
                city: address.city,
                region: address.region,
                postal_code: address.postal_code,
                country: address.country,
            };
            let described = stored.describe();
            person.addresses.push(stored);
            (ADDRESSES_EVENT, described)
        }
    };
    let event = TimelineEvent::Changed {
        field: field.to_owned(),
        old: String::new(),
        new: added,
    };
    finish_list_change(tx, session, &person, &event, now).await
}

/// Removes one of a person's further e-mail addresses or phone numbers, or one of their mailing
/// addresses, with the removal in their timeline. An item that is not theirs is "not found".
pub async fn remove_item(
    db: &Db,
    session: &CurrentSession,
    id: PersonId,
    list: PersonList,
    item: &str,
) -> Result<PersonRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    let mut person = db::load(&mut tx, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let item = item.trim();
    let removed = match list {
        PersonList::Contacts => {
            let at = ContactId::parse(item)
                .and_then(|wanted| person.contacts.iter().position(|c| c.id == wanted))
                .ok_or(AppError::NotFound)?;
            shown_contact(
                &person.contacts.remove(at),
                session.viewer.workspace_country,
            )
            .describe()
        }
        PersonList::Addresses => {
            let at = AddressId::parse(item)
                .and_then(|wanted| person.addresses.iter().position(|a| a.id == wanted))
                .ok_or(AppError::NotFound)?;
            person.addresses.remove(at).describe()
        }
    };
    if !db::remove_item(&mut tx, workspace, id, list, item).await? {
        return Err(AppError::NotFound);
    }
    let field = match list {
        PersonList::Contacts => CONTACTS_EVENT,
        PersonList::Addresses => ADDRESSES_EVENT,
    };
    let event = TimelineEvent::Changed {
        field: field.to_owned(),
        old: removed,
        new: String::new(),
    };
    let now = db.now_millis();
    finish_list_change(tx, session, &person, &event, now).await
}

/// The end of a change to one of a person's lists: their search text and version, the event in
/// their timeline, and their page as now stored, read in the same transaction.
async fn finish_list_change(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    session: &CurrentSession,
    person: &crm_core::people::Person,
    event: &TimelineEvent,
    now: i64,
) -> Result<PersonRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    db::refresh(&mut tx, workspace, person, now).await?;
    db::record_event(
        &mut *tx,
        workspace,
        person.id,
        session.viewer.member_id,
        event,
        now,
    )
    .await?;
    let answer = record_in(
        &mut tx,
        workspace,
        session.viewer.workspace_country,
        person.id,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(person_id = %person.id, workspace_id = %workspace, "person's contact details changed");
    Ok(answer)
}
