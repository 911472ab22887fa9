//! Server functions of the leads pages. Each checks the session and works in the session's
//! workspace only; no workspace id ever comes from the browser. Errors answer with their own
//! HTTP status (401, 404, 409, 422).

use leptos::prelude::*;

use crm_core::error::AppError;
use crm_core::leads::{Converted, Lead, LeadField, LeadRecord, LeadsPage, LeadsQuery};
use crm_core::records::Saved;

#[cfg(feature = "ssr")]
use crate::member::as_member;

use crate::records::RecordApi;

/// One page of the leads list.
#[server(prefix = "/api", endpoint = "leads/list")]
pub async fn list_leads(query: LeadsQuery) -> Result<LeadsPage, AppError> {
    as_member(|session, state| async move {
        crm_backend::leads::service::list_page(&state.db, session.viewer.workspace_id, &query).await
    })
    .await
}

/// A lead's page. An id that is not one of this workspace's leads is "not found", whether it
/// exists elsewhere or not.
#[server(prefix = "/api", endpoint = "leads/load")]
pub async fn load_lead(id: String) -> Result<LeadRecord, AppError> {
    as_member(|session, state| async move {
        let id = crm_core::ids::LeadId::parse(&id).ok_or(AppError::NotFound)?;
        crm_backend::leads::service::record(
            &state.db,
            session.viewer.workspace_id,
            session.viewer.workspace_country,
            id,
        )
        .await
    })
    .await
}

/// Saves one field edited in the page; answers with the lead as now stored.
#[server(prefix = "/api", endpoint = "leads/save-field")]
pub async fn save_lead_field(
    id: String,
    field: LeadField,
    value: String,
    base: String,
    version: i64,
) -> Result<LeadRecord, AppError> {
    as_member(|session, state| async move {
        let edit = crm_backend::leads::service::LeadEdit {
            lead: crm_core::ids::LeadId::parse(&id).ok_or(AppError::NotFound)?,
            field,
            value,
            base,
            version,
        };
        crm_backend::leads::service::save_field(&state.db, &session, &edit).await
    })
    .await
}

/// Converts a lead into a person (the one with its e-mail address, if there is one) and, when
/// `add_company`, its company; answers with the lead as now stored.
#[server(prefix = "/api", endpoint = "leads/convert")]
pub async fn convert_lead(
    id: String,
    version: i64,
    choice: crm_core::leads::ConversionChoice,
) -> Result<Converted, AppError> {
    as_member(|session, state| async move {
        let conversion = crm_backend::leads::service::Conversion {
            lead: crm_core::ids::LeadId::parse(&id).ok_or(AppError::NotFound)?,
            version,
            add_company: choice.add_company,
            add_opportunity: choice.add_opportunity,
        };
        crm_backend::leads::service::convert(&state.db, &session, &conversion).await
    })
    .await
}

impl RecordApi for Lead {
    async fn save(
        id: String,
        field: LeadField,
        value: String,
        base: String,
        version: i64,
    ) -> Result<Saved<Self>, AppError> {
        let record = save_lead_field(id, field, value, base, version).await?;
        Ok(Saved {
            record: record.lead,
            timeline: record.timeline,
        })
    }

    async fn reload(id: String) -> Result<Saved<Self>, AppError> {
        let record = load_lead(id).await?;
        Ok(Saved {
            record: record.lead,
            timeline: record.timeline,
        })
    }
}
