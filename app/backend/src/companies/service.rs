//! What members do with companies, decided on the server in the session's workspace only: add
//! one, change one field with conflict detection (a new name follows to its people), read its
//! page and a list page.

use crm_core::companies::{
    CompaniesPage, CompaniesQuery, Company, CompanyField, CompanyRecord, Domain, NewCompanyFields,
};
use crm_core::records::{
    EditableRecord, Kind, MemberOption, NewRecordFields, RecordField, TimelineEvent, choose_owner,
    conflict_message, owner_filter,
};

use crm_core::country::Country;
use crm_core::duplicates::MatchReason;
use crm_core::error::AppError;
use crm_core::forms::FieldProblem;
use crm_core::ids::{CompanyId, WorkspaceId};
use crm_core::phone::PhoneNumber;
use crm_core::text::parse_tags;

use super::db;
use crate::accounts::service::Outcome;
use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::db::{members, record_event, timeline};
use crate::records::duplicates::{self, Added};
use crate::records::search::Search;

/// Sets `field` of `company` from what was typed, as stored (a domain and a phone number
/// normalised), or says what is wrong with it.
fn apply(
    company: &mut Company,
    field: CompanyField,
    raw: &str,
    members: &[MemberOption],
    home: Option<Country>,
) -> Result<(), String> {
    field.check(raw)?;
    let value = raw.trim();
    match field {
        CompanyField::Domain => {
            company.domain = if value.is_empty() {
                None
            } else {
                Some(Domain::parse(value)?.as_str().to_owned())
            };
        }
        CompanyField::Phone => {
            company.phone = if value.is_empty() {
                None
            } else {
                Some(PhoneNumber::parse(value, home)?.to_string())
            };
        }
        CompanyField::Tags => company.tags = parse_tags(value)?,
        CompanyField::Owner => company.owner = choose_owner(value, members)?.cloned(),
        other => company.set(other, value.to_owned(), members),
    }
    Ok(())
}

fn name_taken(name: &str) -> String {
    format!(
        "A company called \u{201c}{}\u{201d} is already in this workspace. Use another name, or open that company.",
        name.trim()
    )
}

/// Adds a company to the session's workspace, owned by the member who adds it. The workspace's
/// people whose company name is its name become its people.
///
/// Before anything is stored, the workspace's companies of the same name (folded), domain or
/// phone number are looked for in the same transaction: one of the same name refuses the new one
/// (a workspace holds one company of each name); others the member has not yet been shown
/// (`fields.add_anyway`) are answered instead of storing anything.
pub async fn create(
    db: &Db,
    session: &CurrentSession,
    fields: &NewCompanyFields,
) -> Result<Outcome<Added<CompanyId>>, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut company = Company {
        owner: Some(MemberOption {
            id: session.viewer.member_id,
            name: String::new(),
        }),
        ..Company::new(CompanyId::random(), String::new())
    };
    let mut problems = Vec::new();
    for &field in NewCompanyFields::FIELDS {
        if let Err(message) = apply(
            &mut company,
            field,
            fields.value(field),
            &[],
            session.viewer.workspace_country,
        ) {
            problems.push(FieldProblem::new(field.name(), message));
        }
    }
    if !problems.is_empty() {
        return Ok(Outcome::Invalid(problems));
    }
    let mut tx = db.begin_write().await?;
    // Two members adding the same company at once: the second sees the first.
    db.take_turns(&mut tx, &format!("add companies {workspace}"))
        .await?;
    let matched = super::duplicates::matching(
        &mut tx,
        workspace,
        &company.name,
        company.domain.as_deref(),
        company.phone.as_deref(),
    )
    .await?;
    let same_name = matched
        .iter()
        .any(|matched| matched.reason == MatchReason::Name);
    // The one of the same name is shown even after "add anyway": it cannot be added beside it.
    let acknowledged = if same_name {
        Vec::new()
    } else {
        duplicates::acknowledged(&fields.add_anyway)
    };
    let existing = duplicates::existing(Kind::Companies, matched, &acknowledged);
    if !existing.is_empty() {
        let problems = if same_name {
            vec![FieldProblem::new("name", name_taken(&company.name))]
        } else {
            Vec::new()
        };
        return Ok(Outcome::Done(Added::Exists { existing, problems }));
    }
    let now = db.now_millis();
    db::insert(&mut tx, workspace, &company, now).await?;
    record_event(
        &mut *tx,
        workspace,
        company.id,
        session.viewer.member_id,
        &TimelineEvent::Created,
        now,
    )
    .await?;
    let linked = db::link_people_named(&mut tx, workspace, company.id, &company.name).await?;
    tx.commit().await?;
    tracing::info!(company_id = %company.id, workspace_id = %workspace, linked, "company created");
    Ok(Outcome::Done(Added::New(company.id)))
}

/// A company's page: the company, its people, its timeline and the workspace's members.
pub async fn record(
    db: &Db,
    workspace: WorkspaceId,
    home: Option<Country>,
    id: CompanyId,
) -> Result<CompanyRecord, AppError> {
    let mut conn = db.pool().acquire().await?;
    record_in(&mut conn, workspace, home, id).await
}

/// [`record`], read on a connection; its phone number as people write it in `home`.
async fn record_in(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    home: Option<Country>,
    id: CompanyId,
) -> Result<CompanyRecord, AppError> {
    let mut company = db::load(conn, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    company.phone = company.phone.map(|phone| PhoneNumber::shown(&phone, home));
    let (people, people_count) = db::people_of(conn, workspace, id).await?;
    let merge =
        crate::records::db::merge_to_undo(conn, workspace, &id.to_string(), company.version)
            .await?;
    Ok(CompanyRecord {
        company,
        people,
        people_count,
        timeline: timeline(conn, workspace, id).await?,
        members: members(&mut *conn, workspace).await?,
        opportunities: crate::opportunities::db::involving(
            conn,
            workspace,
            crate::opportunities::db::Involving::Company(id),
        )
        .await?,
        merge,
    })
}

/// An edit of one field, as the page sends it.
#[derive(Clone, Debug)]
pub struct CompanyEdit {
    pub company: CompanyId,
    pub field: CompanyField,
    pub value: String,
    /// The field's value when the member began to edit it.
    pub base: String,
    /// The company's version the page had.
    pub version: i64,
}

/// Saves one field. When the company changed since the page loaded, the save goes ahead only if
/// this field still holds what the member started from; otherwise it is refused with the other
/// value, and nothing is overwritten. A new name is also written on the company's people, each
/// change in their timelines.
pub async fn save_field(
    db: &Db,
    session: &CurrentSession,
    edit: &CompanyEdit,
) -> Result<CompanyRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let actor = session.viewer.member_id;
    let field = edit.field;
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "companies", &edit.company.to_string())
        .await?;
    let members = members(&mut *tx, workspace).await?;
    let stored = db::load(&mut tx, workspace, edit.company)
        .await?
        .ok_or(AppError::NotFound)?;
    let home = session.viewer.workspace_country;
    let shown = |value: String| PhoneNumber::shown_if(field == CompanyField::Phone, value, home);
    let mut company = stored.clone();
    apply(&mut company, field, &edit.value, &members, home)
        .map_err(|message| AppError::validation(field.name(), message))?;
    if field == CompanyField::Tags {
        let spelled = crate::records::db::spell_tags(
            &mut tx,
            crate::records::db::Kind::Companies,
            workspace,
            &company.tags,
        )
        .await?;
        company.tags = crate::records::db::same_tags_as_stored(spelled, &stored.tags);
    }
    // The page had the value as shown (a phone number in national form) or, from before, stored.
    if stored.version != edit.version
        && stored.value(field) != edit.base
        && shown(stored.value(field)) != edit.base
    {
        return Err(AppError::Conflict(conflict_message(
            field.label(),
            &shown(stored.display(field)),
        )));
    }
    if company.value(field) == stored.value(field) {
        // Nothing changed: no write, no event.
        return record_in(&mut tx, workspace, home, edit.company).await;
    }
    let renamed = field == CompanyField::Name;
    if renamed
        && crate::records::db::company_named(&mut tx, workspace, &company.name)
            .await?
            .is_some_and(|other| other != company.id)
    {
        return Err(AppError::validation("name", name_taken(&company.name)));
    }
    let now = db.now_millis();
    if !db::update(&mut tx, workspace, &company, stored.version, now).await? {
        return Err(AppError::Conflict(
            "Someone saved this company at the same moment. Reload the page to see their change, then edit again."
                .to_owned(),
        ));
    }
    record_event(
        &mut *tx,
        workspace,
        company.id,
        actor,
        &TimelineEvent::Changed {
            field: field.name().to_owned(),
            old: shown(stored.display(field)),
            new: shown(company.display(field)),
        },
        now,
    )
    .await?;
    if renamed {
        crate::opportunities::db::company_named_now(
            &mut tx,
            workspace,
            &company.id.to_string(),
            &company.name,
        )
        .await?;
        for person in db::people_ids(&mut tx, workspace, company.id).await? {
            crate::people::db::set_company_name(
                &mut tx,
                workspace,
                person,
                &company.name,
                actor,
                now,
            )
            .await?;
        }
    }
    let record = record_in(&mut tx, workspace, home, edit.company).await?;
    tx.commit().await?;
    tracing::info!(company_id = %edit.company, workspace_id = %workspace, field = field.name(), "company changed");
    Ok(record)
}

/// One page of the companies list with its tags and members. A query that cannot be used (a
/// damaged page link, an unknown owner, an over-long search) is answered without that part and a
/// message saying why.
pub async fn list_page(
    db: &Db,
    workspace: WorkspaceId,
    query: &CompaniesQuery,
) -> Result<CompaniesPage, AppError> {
    let mut query = query.clone();
    let mut problem = crate::records::db::searchable(&mut query.q);
    let members = members(db.pool(), workspace).await?;
    let owner = owner_filter(&query.owner, &members, "companies").unwrap_or_else(|message| {
        query.owner.clear();
        problem = Some(message);
        None
    });
    let (rows, place) = match db::list(db, workspace, &query, owner).await {
        Err(AppError::Validation { message, .. }) => {
            query.after.clear();
            query.before.clear();
            problem = Some(message);
            db::list(db, workspace, &query, owner).await?
        }
        other => other?,
    };
    Ok(CompaniesPage {
        rows,
        place,
        tags: db::workspace_tags(db, workspace).await?,
        members,
        problem,
        search_note: Search::from_query(&query.q).note(
            "companies",
            "name",
            "names, domains, phone numbers and places",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company() -> Company {
        Company::new(CompanyId::random(), "Acme".to_owned())
    }

    #[test]
    fn a_typed_domain_and_phone_are_stored_normalised() {
        let mut acme = company();
        apply(
            &mut acme,
            CompanyField::Domain,
            "https://www.Acme.example/",
            &[],
            None,
        )
        .unwrap();
        apply(
            &mut acme,
            CompanyField::Phone,
            "+44 20 7946 0958",
            &[],
            None,
        )
        .unwrap();
        assert_eq!(acme.domain.as_deref(), Some("acme.example"));
        assert_eq!(acme.phone.as_deref(), Some("+442079460958"));
        apply(&mut acme, CompanyField::Domain, "  ", &[], None).unwrap();
        assert_eq!(acme.domain, None);
    }

    #[test]
    fn an_owner_who_is_not_a_member_is_refused() {
        let mut acme = company();
        assert_eq!(
            apply(
                &mut acme,
                CompanyField::Owner,
                "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
                &[],
                None
            ),
            Err("Choose an owner from the workspace's members.".to_owned())
        );
    }
}
