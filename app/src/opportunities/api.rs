//! Server functions of the opportunities pages. Each checks the session and works in the
//! session's workspace only; no workspace id ever comes from the browser. Errors answer with
//! their own HTTP status (401, 404, 409, 422).

use leptos::prelude::*;

use crm_core::opportunities::{
    Board, Direction, OpportunitiesPage, OpportunitiesQuery, Opportunity, OpportunityField,
    OpportunityRecord, PipelineSettings, Stage,
};

use crm_core::error::AppError;
use crm_core::records::Saved;

#[cfg(feature = "ssr")]
use crate::member::as_member;

use crate::records::RecordApi;

#[cfg(feature = "ssr")]
fn opportunity_id(raw: &str) -> Result<crm_core::ids::OpportunityId, AppError> {
    crm_core::ids::OpportunityId::parse(raw).ok_or(AppError::NotFound)
}

#[cfg(feature = "ssr")]
fn stage_id(raw: &str) -> Result<crm_core::ids::StageId, AppError> {
    crm_core::ids::StageId::parse(raw)
        .ok_or_else(|| AppError::validation("stage", "Choose one of this pipeline's stages."))
}

/// One page of the opportunities list.
#[server(prefix = "/api", endpoint = "opportunities/list")]
pub async fn list_opportunities(query: OpportunitiesQuery) -> Result<OpportunitiesPage, AppError> {
    as_member(|session, state| async move {
        crm_backend::opportunities::service::list_page(
            &state.db,
            session.viewer.workspace_id,
            &query,
        )
        .await
    })
    .await
}

/// The pipeline board.
#[server(prefix = "/api", endpoint = "opportunities/board")]
pub async fn opportunities_board() -> Result<Board, AppError> {
    as_member(|session, state| async move {
        crm_backend::opportunities::service::board(&state.db, session.viewer.workspace_id).await
    })
    .await
}

/// An opportunity's page. An id that is not one of this workspace's opportunities is "not
/// found", whether it exists elsewhere or not.
#[server(prefix = "/api", endpoint = "opportunities/load")]
pub async fn load_opportunity(id: String) -> Result<OpportunityRecord, AppError> {
    as_member(|session, state| async move {
        crm_backend::opportunities::service::record(
            &state.db,
            session.viewer.workspace_id,
            opportunity_id(&id)?,
        )
        .await
    })
    .await
}

/// Saves one field edited in the page; answers with the opportunity as now stored.
#[server(prefix = "/api", endpoint = "opportunities/save-field")]
pub async fn save_opportunity_field(
    id: String,
    field: OpportunityField,
    value: String,
    base: String,
    version: i64,
) -> Result<OpportunityRecord, AppError> {
    as_member(|session, state| async move {
        let edit = crm_backend::opportunities::service::OpportunityEdit {
            opportunity: opportunity_id(&id)?,
            field,
            value,
            base,
            version,
        };
        crm_backend::opportunities::service::save_field(&state.db, &session, &edit).await
    })
    .await
}

/// Moves an opportunity to another stage (`from` is the stage the page showed it in).
#[server(prefix = "/api", endpoint = "opportunities/move")]
pub async fn move_opportunity(
    id: String,
    to: String,
    from: String,
) -> Result<OpportunityRecord, AppError> {
    as_member(|session, state| async move {
        let request = crm_backend::opportunities::service::StageMove {
            opportunity: opportunity_id(&id)?,
            to: stage_id(&to)?,
            from: stage_id(&from)?,
        };
        crm_backend::opportunities::service::move_to_stage(&state.db, &session, &request).await
    })
    .await
}

/// Adds the workspace's person with this e-mail address to the opportunity.
#[server(prefix = "/api", endpoint = "opportunities/add-person")]
pub async fn add_opportunity_person(
    id: String,
    email: String,
) -> Result<OpportunityRecord, AppError> {
    as_member(|session, state| async move {
        crm_backend::opportunities::service::add_person(
            &state.db,
            &session,
            opportunity_id(&id)?,
            &email,
        )
        .await
    })
    .await
}

/// Removes a person from the opportunity.
#[server(prefix = "/api", endpoint = "opportunities/remove-person")]
pub async fn remove_opportunity_person(
    id: String,
    person: String,
) -> Result<OpportunityRecord, AppError> {
    as_member(|session, state| async move {
        let person = crm_core::ids::PersonId::parse(&person).ok_or(AppError::NotFound)?;
        crm_backend::opportunities::service::remove_person(
            &state.db,
            &session,
            opportunity_id(&id)?,
            person,
        )
        .await
    })
    .await
}

/// The workspace's pipeline, in order, and whether this member may change it.
#[server(prefix = "/api", endpoint = "opportunities/stages")]
pub async fn pipeline_stages() -> Result<PipelineSettings, AppError> {
    as_member(|session, state| async move {
        let stages =
            crm_backend::opportunities::service::stages(&state.db, session.viewer.workspace_id)
                .await?;
        Ok(PipelineSettings {
            stages,
            may_change: session.viewer.role.runs_workspace(),
        })
    })
    .await
}

/// Renames a stage; answers with the pipeline.
#[server(prefix = "/api", endpoint = "opportunities/rename-stage")]
pub async fn rename_stage(stage: String, name: String) -> Result<Vec<Stage>, AppError> {
    as_member(|session, state| async move {
        let stage = crm_core::ids::StageId::parse(&stage).ok_or(AppError::NotFound)?;
        crm_backend::opportunities::service::rename_stage(&state.db, &session, stage, &name).await
    })
    .await
}

/// Moves a stage one place earlier or later; answers with the pipeline.
#[server(prefix = "/api", endpoint = "opportunities/reorder-stage")]
pub async fn reorder_stage(stage: String, direction: Direction) -> Result<Vec<Stage>, AppError> {
    as_member(|session, state| async move {
        let stage = crm_core::ids::StageId::parse(&stage).ok_or(AppError::NotFound)?;
        crm_backend::opportunities::service::reorder_stage(&state.db, &session, stage, direction)
            .await
    })
    .await
}

impl RecordApi for Opportunity {
    async fn save(
        id: String,
        field: OpportunityField,
        value: String,
        base: String,
        version: i64,
    ) -> Result<Saved<Self>, AppError> {
        let record = save_opportunity_field(id, field, value, base, version).await?;
        Ok(Saved {
            record: record.opportunity,
            timeline: record.timeline,
        })
    }

    async fn reload(id: String) -> Result<Saved<Self>, AppError> {
        let record = load_opportunity(id).await?;
        Ok(Saved {
            record: record.opportunity,
            timeline: record.timeline,
        })
    }
}
