//! What members do with opportunities and the pipeline, decided on the server in the session's
//! workspace only: add one, change one field with conflict detection, move it to another stage,
//! add and remove its people, read its page, the board and a list page, and rename and reorder
//! the stages.

use sqlx::AnyConnection;

use crm_core::opportunities::{
    BOARD_CARDS_MAX, Board, DEFAULT_CURRENCY, Direction, Money, NewOpportunityFields,
    OPPORTUNITY_PEOPLE_MAX, OpportunitiesPage, OpportunitiesQuery, Opportunity, OpportunityField,
    OpportunityRecord, STAGE_EVENT, Stage, check_close_on, check_stage_name,
};
use crm_core::records::{
    EditableRecord, MemberOption, NewRecordFields, PEOPLE_EVENT, RecordField, TimelineEvent,
    choose_owner, conflict_message, owner_filter,
};

use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::forms::FieldProblem;
use crm_core::ids::{OpportunityId, StageId, WorkspaceId};

use super::db;
use crate::accounts::service::Outcome;
use crate::accounts::session::CurrentSession;
use crate::db::Db;
use crate::records::db::{members, record_event, record_event_about, timeline};
use crate::records::search::Search;

/// Sets `field` of `opportunity` from what was typed, as stored, or says what is wrong with it.
/// The company is looked up among the workspace's companies by name.
async fn apply(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    opportunity: &mut Opportunity,
    field: OpportunityField,
    raw: &str,
    members: &[MemberOption],
) -> Result<(), String> {
    field.check(raw)?;
    let value = raw.trim();
    match field {
        OpportunityField::Name => opportunity.name = value.to_owned(),
        OpportunityField::Amount => {
            opportunity.amount = Money::parse(value, &opportunity.amount.currency)?;
        }
        OpportunityField::Currency => {
            let code = Money::currency(value).ok_or("Choose one of the listed currencies.")?;
            opportunity.amount = opportunity.amount.in_currency(code).ok_or_else(|| {
                format!(
                    "{} cannot be written in {code}, which has no decimal places. Change the amount first.",
                    opportunity.amount
                )
            })?;
        }
        OpportunityField::CloseOn => opportunity.close_on = check_close_on(value)?.to_string(),
        OpportunityField::Company if value.is_empty() => {
            opportunity.company_id = None;
            opportunity.company_name = String::new();
        }
        OpportunityField::Company => {
            let found = crate::records::db::company_named(conn, workspace, value)
                .await
                .map_err(|_| "The company could not be looked up. Try again.".to_owned())?;
            let company = found.ok_or_else(|| {
                format!(
                    "No company called \u{201c}{value}\u{201d} is in this workspace. Add it first, or leave this empty."
                )
            })?;
            opportunity.company_id = Some(company);
            // The name as the company has it stored (the member may have typed another case).
            let stored: Option<String> = sqlx::query_scalar(
                "SELECT name FROM companies WHERE workspace_id = $1 AND id = $2",
            )
            .bind(workspace)
            .bind(company)
            .fetch_optional(&mut *conn)
            .await
            .ok()
            .flatten();
            opportunity.company_name = stored.unwrap_or_else(|| value.to_owned());
        }
        OpportunityField::Owner => opportunity.owner = choose_owner(value, members)?.cloned(),
    }
    Ok(())
}

/// Values an opportunity gets from the "Add" form, a conversion or the seed.
pub struct NewOpportunity {
    pub id: OpportunityId,
    pub stage: Stage,
    pub owner: MemberOption,
    pub now: i64,
}

impl NewOpportunity {
    /// An opportunity with nothing typed yet, in the pipeline's first stage.
    pub fn blank(self) -> Opportunity {
        Opportunity {
            id: self.id,
            name: String::new(),
            amount: Money {
                minor: 0,
                currency: DEFAULT_CURRENCY.to_owned(),
            },
            close_on: String::new(),
            stage: self.stage,
            company_id: None,
            company_name: String::new(),
            owner: Some(self.owner),
            lead_id: None,
            created_at: self.now,
            updated_at: self.now,
            version: 1,
        }
    }
}

/// Stores a new opportunity and its "created" event.
pub async fn insert_new(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    opportunity: &Opportunity,
    actor: crm_core::ids::MemberId,
) -> Result<(), AppError> {
    db::insert(conn, workspace, opportunity, opportunity.created_at).await?;
    record_event(
        &mut *conn,
        workspace,
        opportunity.id,
        actor,
        &TimelineEvent::Created,
        opportunity.created_at,
    )
    .await
}

/// The pipeline's first stage (the defaults' "Lead" until the workspace reorders it).
pub async fn first_stage(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
) -> Result<Stage, AppError> {
    db::stages(conn, workspace)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("a pipeline has no stages"))
}

/// Adds an opportunity to the session's workspace, in the pipeline's first stage, owned by the
/// member who adds it.
pub async fn create(
    db: &Db,
    session: &CurrentSession,
    fields: &NewOpportunityFields,
) -> Result<Outcome<OpportunityId>, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    let mut opportunity = NewOpportunity {
        id: OpportunityId::random(),
        stage: first_stage(&mut tx, workspace).await?,
        owner: MemberOption {
            id: session.viewer.member_id,
            name: String::new(),
        },
        now: db.now_millis(),
    }
    .blank();
    let mut problems = Vec::new();
    for &field in NewOpportunityFields::FIELDS {
        let raw = fields.value(field);
        // An unchosen currency is the default one.
        let raw = if field == OpportunityField::Currency && raw.trim().is_empty() {
            DEFAULT_CURRENCY
        } else {
            raw
        };
        if let Err(message) = apply(&mut tx, workspace, &mut opportunity, field, raw, &[]).await {
            problems.push(FieldProblem::new(field.name(), message));
        }
    }
    if !problems.is_empty() {
        return Ok(Outcome::Invalid(problems));
    }
    insert_new(&mut tx, workspace, &opportunity, session.viewer.member_id).await?;
    tx.commit().await?;
    tracing::info!(opportunity_id = %opportunity.id, workspace_id = %workspace, "opportunity created");
    Ok(Outcome::Done(opportunity.id))
}

/// An opportunity's page: the opportunity, its people, the pipeline, its timeline and the
/// workspace's members.
pub async fn record(
    db: &Db,
    workspace: WorkspaceId,
    id: OpportunityId,
) -> Result<OpportunityRecord, AppError> {
    let mut conn = db.pool().acquire().await?;
    record_in(&mut conn, workspace, id).await
}

async fn record_in(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    id: OpportunityId,
) -> Result<OpportunityRecord, AppError> {
    let opportunity = db::load(conn, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(OpportunityRecord {
        opportunity,
        people: db::people_of(conn, workspace, id).await?,
        stages: db::stages(conn, workspace).await?,
        timeline: timeline(conn, workspace, id).await?,
        members: members(&mut *conn, workspace).await?,
    })
}

/// An edit of one field, as the page sends it.
#[derive(Clone, Debug)]
pub struct OpportunityEdit {
    pub opportunity: OpportunityId,
    pub field: OpportunityField,
    pub value: String,
    /// The field's value when the member began to edit it.
    pub base: String,
    /// The opportunity's version the page had.
    pub version: i64,
}

fn saved_meanwhile() -> AppError {
    AppError::Conflict(
        "Someone saved this opportunity at the same moment. Reload the page to see their change, then try again."
            .to_owned(),
    )
}

/// Saves one field. When the opportunity changed since the page loaded, the save goes ahead
/// only if this field still holds what the member started from; otherwise it is refused with
/// the other value, and nothing is overwritten.
pub async fn save_field(
    db: &Db,
    session: &CurrentSession,
    edit: &OpportunityEdit,
) -> Result<OpportunityRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let field = edit.field;
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "opportunities", &edit.opportunity.to_string())
        .await?;
    let members = members(&mut *tx, workspace).await?;
    let stored = db::load(&mut tx, workspace, edit.opportunity)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut opportunity = stored.clone();
    apply(
        &mut tx,
        workspace,
        &mut opportunity,
        field,
        &edit.value,
        &members,
    )
    .await
    .map_err(|message| AppError::validation(field.name(), message))?;
    if stored.version != edit.version && stored.value(field) != edit.base {
        return Err(AppError::Conflict(conflict_message(
            field.label(),
            &stored.display(field),
        )));
    }
    if opportunity.value(field) == stored.value(field) {
        return record_in(&mut tx, workspace, edit.opportunity).await;
    }
    let now = db.now_millis();
    if !db::update(&mut tx, workspace, &opportunity, stored.version, now).await? {
        return Err(saved_meanwhile());
    }
    record_event(
        &mut *tx,
        workspace,
        opportunity.id,
        session.viewer.member_id,
        &TimelineEvent::Changed {
            field: field.name().to_owned(),
            old: stored.display(field),
            new: opportunity.display(field),
        },
        now,
    )
    .await?;
    let record = record_in(&mut tx, workspace, edit.opportunity).await?;
    tx.commit().await?;
    tracing::info!(opportunity_id = %edit.opportunity, workspace_id = %workspace, field = field.name(), "opportunity changed");
    Ok(record)
}

/// A move to another stage, as the board or the page sends it.
#[derive(Clone, Debug)]
pub struct StageMove {
    pub opportunity: OpportunityId,
    pub to: StageId,
    /// The stage the page showed it in.
    pub from: StageId,
}

/// Moves an opportunity to another stage of the workspace's pipeline, with the move in its
/// timeline. If someone moved it meanwhile, nothing happens and the message says where it is.
pub async fn move_to_stage(
    db: &Db,
    session: &CurrentSession,
    request: &StageMove,
) -> Result<OpportunityRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    let stored = db::load(&mut tx, workspace, request.opportunity)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = db::stages(&mut tx, workspace)
        .await?
        .into_iter()
        .find(|stage| stage.id == request.to)
        .ok_or_else(|| AppError::validation("stage", "Choose one of this pipeline's stages."))?;
    if stored.stage.id == target.id {
        return record_in(&mut tx, workspace, request.opportunity).await;
    }
    if stored.stage.id != request.from {
        return Err(AppError::Conflict(format!(
            "Someone else moved this opportunity to \u{201c}{}\u{201d} meanwhile. It was not moved; move it again if you still want to.",
            stored.stage.name
        )));
    }
    let mut moved = stored.clone();
    moved.stage = target;
    let now = db.now_millis();
    if !db::update(&mut tx, workspace, &moved, stored.version, now).await? {
        return Err(saved_meanwhile());
    }
    record_event(
        &mut *tx,
        workspace,
        moved.id,
        session.viewer.member_id,
        &TimelineEvent::Changed {
            field: STAGE_EVENT.to_owned(),
            old: stored.stage.name,
            new: moved.stage.name.clone(),
        },
        now,
    )
    .await?;
    let record = record_in(&mut tx, workspace, request.opportunity).await?;
    tx.commit().await?;
    tracing::info!(opportunity_id = %moved.id, workspace_id = %workspace, "opportunity moved");
    Ok(record)
}

/// Adds the workspace's person with this e-mail address to an opportunity's people.
pub async fn add_person(
    db: &Db,
    session: &CurrentSession,
    id: OpportunityId,
    email: &str,
) -> Result<OpportunityRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let email = EmailAddress::parse(email).map_err(|_| {
        AppError::validation(
            "email",
            "Enter the person's e-mail address, like name@example.com.",
        )
    })?;
    let mut tx = db.begin_write().await?;
    let stored = db::load(&mut tx, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (person, link) =
        crate::records::db::person_with_email(&mut tx, workspace, email.as_str())
            .await?
            .ok_or_else(|| {
                AppError::validation(
                    "email",
                    format!(
                        "No one with the address {} is among this workspace's people. Add them as a person first.",
                        email.as_str()
                    ),
                )
            })?;
    if db::people_of(&mut tx, workspace, id).await?.len() >= OPPORTUNITY_PEOPLE_MAX {
        return Err(AppError::validation(
            "email",
            format!("An opportunity can be with at most {OPPORTUNITY_PEOPLE_MAX} people."),
        ));
    }
    let now = db.now_millis();
    if db::add_person(&mut tx, workspace, stored.id, person, now).await? {
        db::touch(&mut tx, workspace, stored.id, now).await?;
        record_event_about(
            &mut *tx,
            workspace,
            stored.id,
            session.viewer.member_id,
            &TimelineEvent::Changed {
                field: PEOPLE_EVENT.to_owned(),
                old: String::new(),
                new: link.name,
            },
            Some(&person.to_string()),
            now,
        )
        .await?;
    }
    let record = record_in(&mut tx, workspace, id).await?;
    tx.commit().await?;
    tracing::info!(opportunity_id = %id, workspace_id = %workspace, "person added to an opportunity");
    Ok(record)
}

/// Removes a person from an opportunity's people.
pub async fn remove_person(
    db: &Db,
    session: &CurrentSession,
    id: OpportunityId,
    person: crm_core::ids::PersonId,
) -> Result<OpportunityRecord, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    db::load(&mut tx, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = db::people_of(&mut tx, workspace, id)
        .await?
        .into_iter()
        .find(|p| p.id == person)
        .map(|p| p.name);
    if let Some(name) = name {
        let now = db.now_millis();
        db::remove_person(&mut tx, workspace, id, person).await?;
        db::touch(&mut tx, workspace, id, now).await?;
        record_event_about(
            &mut *tx,
            workspace,
            id,
            session.viewer.member_id,
            &TimelineEvent::Changed {
                field: PEOPLE_EVENT.to_owned(),
                old: name,
                new: String::new(),
            },
            Some(&person.to_string()),
            now,
        )
        .await?;
    }
    let record = record_in(&mut tx, workspace, id).await?;
    tx.commit().await?;
    Ok(record)
}

/// The board: a column per stage, in the pipeline's order.
pub async fn board(db: &Db, workspace: WorkspaceId) -> Result<Board, AppError> {
    let mut conn = db.pool().acquire().await?;
    let stages = db::stages(&mut conn, workspace).await?;
    let mut columns = Vec::with_capacity(stages.len());
    for stage in &stages {
        columns.push(db::column(&mut conn, workspace, stage, BOARD_CARDS_MAX).await?);
    }
    Ok(Board { columns })
}

/// One page of the opportunities list. A query that cannot be used (a damaged page link, an
/// over-long search, an unknown stage or owner) is answered without that part and a message.
pub async fn list_page(
    db: &Db,
    workspace: WorkspaceId,
    query: &OpportunitiesQuery,
) -> Result<OpportunitiesPage, AppError> {
    let mut query = query.clone();
    let mut problem = crate::records::db::searchable(&mut query.q);
    let (stages, members) = {
        let mut conn = db.pool().acquire().await?;
        (
            db::stages(&mut conn, workspace).await?,
            members(&mut *conn, workspace).await?,
        )
    };
    let stage = if query.stage.is_empty() {
        None
    } else {
        let found =
            StageId::parse(&query.stage).filter(|id| stages.iter().any(|stage| stage.id == *id));
        if found.is_none() {
            query.stage.clear();
            problem =
                Some("That stage is not in this pipeline. The list shows every stage.".to_owned());
        }
        found
    };
    let owner = owner_filter(&query.owner, &members, "opportunities").unwrap_or_else(|message| {
        query.owner.clear();
        problem = Some(message);
        None
    });
    let (rows, place) = match db::list(db, workspace, &query, stage, owner).await {
        Err(AppError::Validation { message, .. }) => {
            query.after.clear();
            query.before.clear();
            problem = Some(message);
            db::list(db, workspace, &query, stage, owner).await?
        }
        other => other?,
    };
    Ok(OpportunitiesPage {
        rows,
        place,
        stages,
        members,
        problem,
        search_note: Search::from_query(&query.q).note(
            "opportunities",
            "name",
            "names and companies",
        ),
    })
}

/// The workspace's pipeline, in order.
pub async fn stages(db: &Db, workspace: WorkspaceId) -> Result<Vec<Stage>, AppError> {
    let mut conn = db.pool().acquire().await?;
    db::stages(&mut conn, workspace).await
}

/// The pipeline is the whole workspace's: only its owner and admins change it.
fn may_change_pipeline(session: &CurrentSession) -> Result<(), AppError> {
    if session.viewer.role.runs_workspace() {
        return Ok(());
    }
    Err(AppError::NotAllowed(
        "Only the workspace's owner and admins can rename or reorder the pipeline's stages. Ask one of them."
            .to_owned(),
    ))
}

/// Renames one of the workspace's stages. Opportunities in it keep their place; their
/// timelines keep the name the stage had at each move.
pub async fn rename_stage(
    db: &Db,
    session: &CurrentSession,
    stage: StageId,
    name: &str,
) -> Result<Vec<Stage>, AppError> {
    may_change_pipeline(session)?;
    let workspace = session.viewer.workspace_id;
    let name = check_stage_name(name).map_err(|message| AppError::validation("name", message))?;
    let mut tx = db.begin_write().await?;
    let stages = db::stages(&mut tx, workspace).await?;
    if !stages.iter().any(|s| s.id == stage) {
        return Err(AppError::NotFound);
    }
    if !db::rename_stage(&mut tx, workspace, stage, &name).await? {
        return Err(AppError::validation(
            "name",
            format!("Another stage is called \u{201c}{name}\u{201d} already. Choose another name."),
        ));
    }
    let stages = db::stages(&mut tx, workspace).await?;
    tx.commit().await?;
    tracing::info!(workspace_id = %workspace, stage_id = %stage, "stage renamed");
    Ok(stages)
}

/// Moves a stage one place earlier or later in the pipeline.
pub async fn reorder_stage(
    db: &Db,
    session: &CurrentSession,
    stage: StageId,
    direction: Direction,
) -> Result<Vec<Stage>, AppError> {
    may_change_pipeline(session)?;
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    let mut order: Vec<StageId> = db::stages(&mut tx, workspace)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let at = order
        .iter()
        .position(|id| *id == stage)
        .ok_or(AppError::NotFound)?;
    let other = match direction {
        Direction::Earlier => at.checked_sub(1),
        Direction::Later => Some(at + 1).filter(|i| *i < order.len()),
    };
    let Some(other) = other else {
        return Err(AppError::validation(
            "stage",
            match direction {
                Direction::Earlier => "This stage is first already.",
                Direction::Later => "This stage is last already.",
            },
        ));
    };
    order.swap(at, other);
    db::reorder_stages(&mut tx, workspace, &order).await?;
    let stages = db::stages(&mut tx, workspace).await?;
    tx.commit().await?;
    tracing::info!(workspace_id = %workspace, stage_id = %stage, "stage reordered");
    Ok(stages)
}
