//! What members do with leads, decided on the server in the session's workspace only: add one,
//! change one field with conflict detection, read its page and a list page, and convert it into a
//! person (matched by e-mail address when they are already here) and, if asked, a company.

use crm_core::leads::{
    Converted, Lead, LeadField, LeadRecord, LeadSource, LeadStatus, LeadsPage, LeadsQuery,
    NewLeadFields, RecordLink, split_name,
};
use crm_core::records::{
    ConversionRole, EditableRecord, MemberOption, NewRecordFields, RecordField, TimelineEvent,
    choose_owner, conflict_message, owner_filter,
};

use crm_core::companies::Company;
use crm_core::country::Country;
use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::forms::FieldProblem;
use crm_core::ids::{CompanyId, LeadId, MemberId, PersonId, WorkspaceId};
use crm_core::people::MarketingPermission;
use crm_core::phone::PhoneNumber;

use super::db::{self, NewLead};
use crate::accounts::service::Outcome;
use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::db::{members, record_event, timeline};
use crate::records::search::Search;

/// Sets `field` of `lead` from what was typed, as stored (an e-mail address and a phone number
/// normalised), or says what is wrong with it.
fn apply(
    lead: &mut Lead,
    field: LeadField,
    raw: &str,
    members: &[MemberOption],
    home: Option<Country>,
) -> Result<(), String> {
    field.check(raw)?;
    let value = raw.trim();
    match field {
        LeadField::Email => lead.email = EmailAddress::parse(value)?.as_str().to_owned(),
        LeadField::Phone if value.is_empty() => lead.phone = None,
        LeadField::Phone => lead.phone = Some(PhoneNumber::parse(value, home)?.to_string()),
        LeadField::Owner => lead.owner = choose_owner(value, members)?.cloned(),
        other => lead.set(other, value.to_owned(), members),
    }
    Ok(())
}

/// Adds a lead to the session's workspace by hand, owned by the member who adds it.
pub async fn create(
    db: &Db,
    session: &CurrentSession,
    fields: &NewLeadFields,
) -> Result<Outcome<LeadId>, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut lead = Lead {
        id: LeadId::random(),
        name: String::new(),
        email: String::new(),
        company_name: String::new(),
        phone: None,
        status: LeadStatus::New,
        source: LeadSource::Other,
        owner: None,
        team_size: None,
        message: None,
        marketing: None,
        created_at: 0,
        updated_at: 0,
        version: 1,
    };
    let mut problems = Vec::new();
    for &field in NewLeadFields::FIELDS {
        if let Err(message) = apply(
            &mut lead,
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
    let email = EmailAddress::parse(&lead.email)
        .map_err(|_| AppError::internal("a checked e-mail address did not parse again"))?;
    let now = db.now_millis();
    let mut tx = db.begin_write().await?;
    let id = db::insert(
        &mut *tx,
        &NewLead {
            workspace,
            name: &lead.name,
            email: &email,
            company_name: &lead.company_name,
            phone: lead.phone.as_deref(),
            source: lead.source,
            owner: Some(session.viewer.member_id),
            team_size: None,
            message: None,
            marketing: None,
        },
        now,
    )
    .await?;
    record_event(
        &mut *tx,
        workspace,
        id,
        session.viewer.member_id,
        &TimelineEvent::Created,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done(id))
}

/// A lead's page: the lead, what it was converted into (or would match), its timeline and the
/// workspace's members.
pub async fn record(
    db: &Db,
    workspace: WorkspaceId,
    home: Option<Country>,
    id: LeadId,
) -> Result<LeadRecord, AppError> {
    let mut conn = db.pool().acquire().await?;
    record_in(&mut conn, workspace, home, id).await
}

/// [`record`], read on a connection; its phone number as people write it in `home`.
async fn record_in(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    home: Option<Country>,
    id: LeadId,
) -> Result<LeadRecord, AppError> {
    let mut lead = db::load(conn, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    lead.phone = lead.phone.map(|phone| PhoneNumber::shown(&phone, home));
    let conversion = db::conversion(conn, workspace, id).await?;
    let (matching_person, matching_company) = if conversion.is_some() {
        (None, None)
    } else {
        let person = crate::records::db::person_with_email(conn, workspace, &lead.email)
            .await?
            .map(|(_, link)| link);
        let company = crate::records::db::company_named(conn, workspace, &lead.company_name)
            .await?
            .map(|id| RecordLink {
                id: id.to_string(),
                name: lead.company_name.trim().to_owned(),
            });
        (person, company)
    };
    Ok(LeadRecord {
        lead,
        conversion,
        matching_person,
        matching_company,
        timeline: timeline(conn, workspace, id).await?,
        members: members(&mut *conn, workspace).await?,
    })
}

/// An edit of one field, as the page sends it.
#[derive(Clone, Debug)]
pub struct LeadEdit {
    pub lead: LeadId,
    pub field: LeadField,
    pub value: String,
    /// The field's value when the member began to edit it.
    pub base: String,
    /// The lead's version the page had.
    pub version: i64,
}

/// Saves one field. When the lead changed since the page loaded, the save goes ahead only if this
/// field still holds what the member started from; otherwise it is refused with the other value,
/// and nothing is overwritten.
pub async fn save_field(
    db: &Db,
    session: &CurrentSession,
    edit: &LeadEdit,
) -> Result<LeadRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let field = edit.field;
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "leads", &edit.lead.to_string())
        .await?;
    let members = members(&mut *tx, workspace).await?;
    let stored = db::load(&mut tx, workspace, edit.lead)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut lead = stored.clone();
    let home = session.viewer.workspace_country;
    let shown = |value: String| PhoneNumber::shown_if(field == LeadField::Phone, value, home);
    apply(&mut lead, field, &edit.value, &members, home)
        .map_err(|message| AppError::validation(field.name(), message))?;
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
    if lead.value(field) == stored.value(field) {
        // Nothing changed: no write, no event.
        return record_in(&mut tx, workspace, home, edit.lead).await;
    }
    let now = db.now_millis();
    if !db::update(&mut tx, workspace, &lead, stored.version, now).await? {
        return Err(AppError::Conflict(
            "Someone saved this lead at the same moment. Reload the page to see their change, then edit again."
                .to_owned(),
        ));
    }
    record_event(
        &mut *tx,
        workspace,
        lead.id,
        session.viewer.member_id,
        &TimelineEvent::Changed {
            field: field.name().to_owned(),
            old: shown(stored.display(field)),
            new: shown(lead.display(field)),
        },
        now,
    )
    .await?;
    let record = record_in(&mut tx, workspace, home, edit.lead).await?;
    tx.commit().await?;
    tracing::info!(lead_id = %edit.lead, workspace_id = %workspace, field = field.name(), "lead changed");
    Ok(record)
}

/// One page of the leads list with the members for its owner filter. A query that cannot be
/// used (a damaged page link, an unknown status or owner, an over-long search) is answered
/// without that part and a message saying why.
pub async fn list_page(
    db: &Db,
    workspace: WorkspaceId,
    query: &LeadsQuery,
) -> Result<LeadsPage, AppError> {
    let mut query = query.clone();
    let mut problem = crate::records::db::searchable(&mut query.q);
    let members = members(db.pool(), workspace).await?;
    let status = match query.status.as_str() {
        "" => None,
        raw => {
            let status = LeadStatus::parse(raw);
            if status.is_none() {
                query.status.clear();
                problem =
                    Some("There is no such status. The list below shows every status.".to_owned());
            }
            status
        }
    };
    let owner = owner_filter(&query.owner, &members, "leads").unwrap_or_else(|message| {
        query.owner.clear();
        problem = Some(message);
        None
    });
    let (rows, place) = match db::list(db, workspace, &query, owner, status).await {
        Err(AppError::Validation { message, .. }) => {
            query.after.clear();
            query.before.clear();
            problem = Some(message);
            db::list(db, workspace, &query, owner, status).await?
        }
        other => other?,
    };
    Ok(LeadsPage {
        rows,
        place,
        members,
        problem,
        search_note: Search::from_query(&query.q).note(
            "leads",
            "name",
            "names, e-mail addresses, companies and phone numbers",
        ),
    })
}

/// What the member asked of a conversion.
#[derive(Clone, Debug)]
pub struct Conversion {
    pub lead: LeadId,
    /// The lead's version the page showed: a lead changed meanwhile is not converted blind.
    pub version: i64,
    /// Also add the lead's company, when no company of that name is here yet.
    pub add_company: bool,
    /// Also open an opportunity with the person (and the company), in the pipeline's first
    /// stage, without an amount yet, expected to close in 30 days.
    pub add_opportunity: bool,
}

/// Converts a lead, in one transaction: the workspace's person with its e-mail address (without
/// case) is linked instead of adding a duplicate; otherwise a person is added from its name,
/// e-mail, phone and company name, with the marketing choice it made and the policy shown then.
/// A newer marketing choice on the lead also replaces an existing person's. The company of its
/// name is linked, or added when asked. The lead stays, with its history, linked to them, and
/// every record's timeline tells the conversion.
pub async fn convert(
    db: &Db,
    session: &CurrentSession,
    conversion: &Conversion,
) -> Result<Converted, AppError> {
    let workspace = session.viewer.workspace_id;
    let actor = session.viewer.member_id;
    let mut tx = db.begin_write().await?;
    let lead = db::load(&mut tx, workspace, conversion.lead)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(done) = db::conversion(&mut tx, workspace, lead.id).await? {
        let into = done
            .person
            .map(|p| format!(" into {}", p.name))
            .unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "This lead was already converted{into}. Reload the page to see it."
        )));
    }
    if lead.version != conversion.version {
        return Err(AppError::Conflict(
            "This lead changed since you opened it. Check the page again (reload it), then convert."
                .to_owned(),
        ));
    }
    let now = db.now_millis();
    let company_name = lead.company_name.trim().to_owned();
    let mut company = crate::records::db::company_named(&mut tx, workspace, &company_name).await?;
    let mut added_company = None;
    if company.is_none() && conversion.add_company && !company_name.is_empty() {
        let new = Company {
            owner: Some(MemberOption {
                id: lead.owner.as_ref().map_or(actor, |o| o.id),
                name: String::new(),
            }),
            ..Company::new(CompanyId::random(), company_name.clone())
        };
        crate::companies::db::insert(&mut tx, workspace, &new, now).await?;
        record_event(
            &mut *tx,
            workspace,
            new.id,
            actor,
            &TimelineEvent::Created,
            now,
        )
        .await?;
        crate::companies::db::link_people_named(&mut tx, workspace, new.id, &new.name).await?;
        company = Some(new.id);
        added_company = Some(new.id);
    }

    let mut phone_not_copied = None;
    let (person, matched) =
        match crate::records::db::person_with_email(&mut tx, workspace, &lead.email).await? {
            Some((person, _)) => (person, true),
            None => {
                let (first_name, last_name) = split_name(&lead.name);
                let home = session.viewer.workspace_country;
                let phone = match lead
                    .phone
                    .as_deref()
                    .map(|raw| PhoneNumber::parse(raw, home))
                {
                    Some(Ok(phone)) => Some(phone.to_string()),
                    Some(Err(_)) => {
                        phone_not_copied = lead.phone.clone();
                        None
                    }
                    None => None,
                };
                let person = crate::people::db::insert(
                    &mut tx,
                    workspace,
                    &crate::people::db::NewPerson {
                        first_name,
                        last_name,
                        job_title: String::new(),
                        company_name: company_name.clone(),
                        email: Some(lead.email.clone()),
                        phone,
                        tags: Vec::new(),
                        owner: Some(lead.owner.as_ref().map_or(actor, |o| o.id)),
                        source: format!("Lead: {}", lead.source.as_str()),
                    },
                    now,
                )
                .await?;
                if !company_name.is_empty() {
                    crate::people::db::link_company(&mut tx, workspace, person, &company_name)
                        .await?;
                }
                record_event(
                    &mut *tx,
                    workspace,
                    person,
                    actor,
                    &TimelineEvent::Created,
                    now,
                )
                .await?;
                (person, false)
            }
        };
    if let Some(choice) = lead.marketing {
        let permission = if choice.consented {
            MarketingPermission::Granted
        } else {
            MarketingPermission::Refused
        };
        let how = format!(
            "Chosen on the {} form, beside privacy policy version {}",
            lead.source.as_str(),
            choice.policy_version
        );
        let made = crate::people::db::MarketingChoiceMade {
            permission,
            at: choice.at,
            how: &how,
        };
        crate::people::db::take_marketing_choice(&mut tx, workspace, person, &made, actor, now)
            .await?;
    }
    if !db::mark_converted(&mut tx, workspace, &lead, person, company, actor, now).await? {
        return Err(AppError::Conflict(
            "Someone converted or changed this lead at the same moment. Reload the page to see it."
                .to_owned(),
        ));
    }

    let person_name = crate::people::db::load(&mut tx, workspace, person)
        .await?
        .map(|p| p.full_name())
        .unwrap_or_default();
    let lead_id = lead.id.to_string();
    let converted = |role, id: String, name: String| TimelineEvent::Converted { role, id, name };
    let (on_lead, on_person) = if matched {
        (ConversionRole::MatchedPerson, ConversionRole::MatchedLead)
    } else {
        (ConversionRole::IntoPerson, ConversionRole::FromLead)
    };
    record_event(
        &mut *tx,
        workspace,
        lead.id,
        actor,
        &converted(on_lead, person.to_string(), person_name),
        now,
    )
    .await?;
    record_event(
        &mut *tx,
        workspace,
        person,
        actor,
        &converted(on_person, lead_id.clone(), lead.name.clone()),
        now,
    )
    .await?;
    if let Some(company) = added_company {
        record_event(
            &mut *tx,
            workspace,
            lead.id,
            actor,
            &converted(
                ConversionRole::IntoCompany,
                company.to_string(),
                company_name.clone(),
            ),
            now,
        )
        .await?;
        record_event(
            &mut *tx,
            workspace,
            company,
            actor,
            &converted(ConversionRole::FromLead, lead_id, lead.name.clone()),
            now,
        )
        .await?;
    }
    let opportunity = if conversion.add_opportunity {
        let name = if company_name.is_empty() {
            lead.name.clone()
        } else {
            company_name.clone()
        };
        let owner = MemberOption {
            id: lead.owner.as_ref().map_or(actor, |o| o.id),
            name: String::new(),
        };
        let from = OpenedFrom {
            name,
            owner,
            company,
            person,
            actor,
            now,
        };
        let opened = open_opportunity(&mut tx, workspace, &lead, from).await?;
        record_event(
            &mut *tx,
            workspace,
            lead.id,
            actor,
            &converted(
                ConversionRole::IntoOpportunity,
                opened.id.to_string(),
                opened.name.clone(),
            ),
            now,
        )
        .await?;
        record_event(
            &mut *tx,
            workspace,
            opened.id,
            actor,
            &converted(
                ConversionRole::FromLead,
                lead.id.to_string(),
                lead.name.clone(),
            ),
            now,
        )
        .await?;
        Some(opened.id)
    } else {
        None
    };
    let record = record_in(
        &mut tx,
        workspace,
        session.viewer.workspace_country,
        lead.id,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(lead_id = %lead.id, person_id = %person, workspace_id = %workspace, matched, company_added = added_company.is_some(), opportunity_opened = opportunity.is_some(), "lead converted");
    Ok(Converted {
        record,
        matched,
        phone_not_copied,
    })
}

/// Opens the opportunity of a conversion: no amount yet, in the pipeline's first stage,
/// expected to close in 30 days, with the person and the company.
async fn open_opportunity(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    lead: &Lead,
    opened: OpenedFrom,
) -> Result<crm_core::opportunities::Opportunity, AppError> {
    use crm_core::ids::OpportunityId;

    use crate::opportunities::{db as opportunities, service};
    const DAY_MS: i64 = 86_400_000;
    let mut opportunity = service::NewOpportunity {
        id: OpportunityId::random(),
        stage: service::first_stage(conn, workspace).await?,
        owner: opened.owner,
        now: opened.now,
    }
    .blank();
    opportunity.name = opened.name;
    opportunity.close_on =
        crm_core::time::CalendarDate::from_millis(opened.now + 30 * DAY_MS).to_string();
    opportunity.company_id = opened.company;
    opportunity.lead_id = Some(lead.id);
    service::insert_new(conn, workspace, &opportunity, opened.actor).await?;
    opportunities::add_person(conn, workspace, opportunity.id, opened.person, opened.now).await?;
    Ok(opportunity)
}

/// What a conversion's opportunity is opened with.
struct OpenedFrom {
    name: String,
    owner: MemberOption,
    company: Option<CompanyId>,
    person: PersonId,
    actor: MemberId,
    now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead() -> Lead {
        Lead {
            id: LeadId::random(),
            name: "Ada Lovelace".to_owned(),
            email: "ada@example.com".to_owned(),
            company_name: String::new(),
            phone: None,
            status: LeadStatus::New,
            source: LeadSource::Other,
            owner: None,
            team_size: None,
            message: None,
            marketing: None,
            created_at: 0,
            updated_at: 0,
            version: 1,
        }
    }

    #[test]
    fn a_typed_email_address_and_phone_are_stored_normalised() {
        let mut ada = lead();
        apply(
            &mut ada,
            LeadField::Email,
            " Ada@Engines.EXAMPLE ",
            &[],
            None,
        )
        .unwrap();
        apply(&mut ada, LeadField::Phone, "+44 20 7946 0958", &[], None).unwrap();
        assert_eq!(ada.email, "Ada@engines.example");
        assert_eq!(ada.phone.as_deref(), Some("+442079460958"));
    }

    #[test]
    fn a_status_outside_the_choices_or_a_stranger_as_owner_is_refused() {
        let mut ada = lead();
        assert_eq!(
            apply(&mut ada, LeadField::Status, "won", &[], None),
            Err("Choose one of the statuses.".to_owned())
        );
        assert_eq!(
            apply(
                &mut ada,
                LeadField::Owner,
                "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10",
                &[],
                None
            ),
            Err("Choose an owner from the workspace's members.".to_owned())
        );
        apply(&mut ada, LeadField::Status, "qualified", &[], None).unwrap();
        assert_eq!(ada.status, LeadStatus::Qualified);
    }
}
