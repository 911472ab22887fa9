//! What members do with people, decided on the server in the session's workspace only: add a
//! person, change one field with conflict detection, and read a list page.

use super::db::{self, NewPerson};
use super::model::{
    LawfulBasis, MarketingPermission, NewPersonFields, PeoplePage, PeopleQuery, PersonField,
    PersonId, PersonRecord, QUERY_MAX_CHARS, TimelineEvent, parse_tags,
};
use super::phone::PhoneNumber;
use crate::accounts::MemberId;
use crate::accounts::model::FieldProblem;
use crate::accounts::service::Outcome;
use crate::accounts::session::CurrentSession;
use crate::db::{Db, now_millis};
use crate::email_address::EmailAddress;
use crate::error::AppError;
use crate::workspaces::WorkspaceId;

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
fn parse_value(field: PersonField, raw: &str, members: &[MemberId]) -> Result<Parsed, String> {
    field.check(raw)?;
    let value = raw.trim();
    Ok(match field {
        PersonField::Email if value.is_empty() => Parsed::Optional(None),
        PersonField::Email => {
            Parsed::Optional(Some(EmailAddress::parse(value)?.as_str().to_owned()))
        }
        PersonField::Phone if value.is_empty() => Parsed::Optional(None),
        PersonField::Phone => Parsed::Optional(Some(PhoneNumber::parse(value)?.to_string())),
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
pub async fn create(
    db: &Db,
    session: &CurrentSession,
    fields: &NewPersonFields,
) -> Result<Outcome<PersonId>, AppError> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for field in NewPersonFields::FIELDS {
        match parse_value(field, fields.value(field), &[]) {
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
    let now = now_millis();
    let mut tx = db.pool().begin().await?;
    let id = db::insert(&mut tx, workspace, &person, now).await?;
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
    Ok(Outcome::Done(id))
}

/// A person's page: the person, their timeline and the workspace's members.
pub async fn record(
    db: &Db,
    workspace: WorkspaceId,
    id: PersonId,
) -> Result<PersonRecord, AppError> {
    let mut conn = db.pool().acquire().await?;
    let person = db::load(&mut conn, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PersonRecord {
        person,
        timeline: db::timeline(&mut *conn, workspace, id).await?,
        members: db::members(&mut *conn, workspace).await?,
    })
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
        PersonField::Phone => "phone",
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
    let mut tx = db.pool().begin().await?;
    // Read once: an owner is checked against them, and the answer lists them.
    let members = db::members(&mut *tx, workspace).await?;
    let member_ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
    let parsed = parse_value(field, &edit.value, &member_ids)
        .map_err(|message| AppError::validation(field.name(), message))?;
    let mut person = db::load(&mut tx, workspace, edit.person)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = person.value(field);
    if person.version != edit.version && current != edit.base {
        let theirs = person.display(field);
        let theirs = if theirs.is_empty() {
            "an empty value".to_owned()
        } else {
            format!("\u{201c}{theirs}\u{201d}")
        };
        return Err(AppError::Conflict(format!(
            "Someone else changed {} to {theirs} while you were editing. Your change was not saved; \
             edit again to replace their value.",
            field.label().to_lowercase()
        )));
    }
    let old_display = person.display(field);
    let now = now_millis();
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
            person.owner = owner.map(|id| super::model::MemberOption {
                id,
                name: String::new(),
            });
            update.push_str(", owner_id = $6");
            extra = Some(owner.map(|id| id.to_string()));
        }
        Parsed::Tags(tags) => person.tags = tags.clone(),
    }
    if person.value(field) == current {
        // Nothing changed: no write, no event.
        drop(tx);
        return record(db, workspace, edit.person).await;
    }
    match field {
        PersonField::LawfulBasis => update.push_str(", lawful_basis_at = $1"),
        PersonField::MarketingPermission => update.push_str(", marketing_permission_at = $1"),
        _ => {}
    }
    update.push_str(" WHERE workspace_id = $4 AND id = $5");
    update.push_str(if extra.is_some() {
        " AND version = $7"
    } else {
        " AND version = $6"
    });
    let (sort_name, search_text) = db::derived(
        &person.first_name,
        &person.last_name,
        person.email.as_deref(),
        person.phone.as_deref(),
        &person.company_name,
    );
    let mut statement = sqlx::query(&update)
        .bind(now)
        .bind(sort_name)
        .bind(search_text)
        .bind(workspace.to_string())
        .bind(edit.person.to_string());
    if let Some(value) = extra {
        statement = statement.bind(value);
    }
    let updated = statement.bind(stored_before).execute(&mut *tx).await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "Someone saved this person at the same moment. Reload the page to see their change, then edit again."
                .to_owned(),
        ));
    }
    if let Parsed::Tags(tags) = &parsed {
        db::replace_tags(&mut tx, workspace, edit.person, tags).await?;
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
            new: saved.display(field),
        },
        now,
    )
    .await?;
    // The answer is read in the same transaction: the person as saved, with this change in
    // their timeline.
    let timeline = db::timeline(&mut *tx, workspace, edit.person).await?;
    tx.commit().await?;
    tracing::info!(person_id = %edit.person, workspace_id = %workspace, field = field.name(), "person changed");
    Ok(PersonRecord {
        person: saved,
        timeline,
        members,
    })
}

/// One page of the people list with what its filters offer. A query that cannot be used (a
/// damaged page link, an unknown owner, an over-long search) is answered with the list without
/// that part and a message saying why.
pub async fn list_page(
    db: &Db,
    workspace: WorkspaceId,
    query: &PeopleQuery,
) -> Result<PeoplePage, AppError> {
    let mut query = query.clone();
    let mut problem = None;
    if query.q.chars().count() > QUERY_MAX_CHARS {
        query.q.clear();
        problem = Some(format!(
            "Search for at most {QUERY_MAX_CHARS} characters. The list below is not searched."
        ));
    }
    let (rows, next) = match db::list(db, workspace, &query).await {
        Err(AppError::Validation { field, message }) => {
            match field.as_str() {
                "after" => query.after.clear(),
                _ => query.owner.clear(),
            }
            problem = Some(message);
            db::list(db, workspace, &query).await?
        }
        other => other?,
    };
    Ok(PeoplePage {
        rows,
        next,
        tags: db::workspace_tags(db, workspace).await?,
        members: db::members(db.pool(), workspace).await?,
        problem,
    })
}
