//! Server functions of the companies pages. Each checks the session and works in the session's
//! workspace only; no workspace id ever comes from the browser. Errors answer with their own
//! HTTP status (401, 404, 409, 422).

use leptos::prelude::*;

use crm_core::companies::{CompaniesPage, CompaniesQuery, Company, CompanyField, CompanyRecord};
use crm_core::error::AppError;
use crm_core::records::Saved;

#[cfg(feature = "ssr")]
use crate::member::as_member;

use crate::records::RecordApi;

/// One page of the companies list.
#[server(prefix = "/api", endpoint = "companies/list")]
pub async fn list_companies(query: CompaniesQuery) -> Result<CompaniesPage, AppError> {
    as_member(|session, state| async move {
        crm_backend::companies::service::list_page(&state.db, session.viewer.workspace_id, &query)
            .await
    })
    .await
}

/// A company's page. An id that is not one of this workspace's companies is "not found",
/// whether it exists elsewhere or not.
#[server(prefix = "/api", endpoint = "companies/load")]
pub async fn load_company(id: String) -> Result<CompanyRecord, AppError> {
    as_member(|session, state| async move {
        let id = crm_core::ids::CompanyId::parse(&id).ok_or(AppError::NotFound)?;
        let workspace = session.viewer.workspace_id;
        let home = session.viewer.workspace_country;
        match crm_backend::companies::service::record(&state.db, workspace, home, id).await {
            // Merged into another: the old address leads to the survivor.
            Err(AppError::NotFound) => {
                let survivor = crate::records::api::merged_into(
                    &state,
                    workspace,
                    crm_core::records::Kind::Companies,
                    &id.to_string(),
                )
                .await?;
                let survivor =
                    crm_core::ids::CompanyId::parse(&survivor).ok_or(AppError::NotFound)?;
                crm_backend::companies::service::record(&state.db, workspace, home, survivor).await
            }
            other => other,
        }
    })
    .await
}

/// Saves one field edited in the page; answers with the company as now stored.
#[server(prefix = "/api", endpoint = "companies/save-field")]
pub async fn save_company_field(
    id: String,
    field: CompanyField,
    value: String,
    base: String,
    version: i64,
) -> Result<CompanyRecord, AppError> {
    as_member(|session, state| async move {
        let edit = crm_backend::companies::service::CompanyEdit {
            company: crm_core::ids::CompanyId::parse(&id).ok_or(AppError::NotFound)?,
            field,
            value,
            base,
            version,
        };
        crm_backend::companies::service::save_field(&state.db, &session, &edit).await
    })
    .await
}

impl RecordApi for Company {
    async fn save(
        id: String,
        field: CompanyField,
        value: String,
        base: String,
        version: i64,
    ) -> Result<Saved<Self>, AppError> {
        let record = save_company_field(id, field, value, base, version).await?;
        Ok(Saved {
            record: record.company,
            timeline: record.timeline,
        })
    }

    async fn reload(id: String) -> Result<Saved<Self>, AppError> {
        let record = load_company(id).await?;
        Ok(Saved {
            record: record.company,
            timeline: record.timeline,
        })
    }
}
