//! Lead queries. Every one names the workspace.

use sqlx::{Any, Executor};

use super::model::{LeadId, LeadSource, LeadStatus};
use crate::email_address::EmailAddress;
use crate::error::AppError;
use crate::workspaces::WorkspaceId;

/// A lead about to be stored.
#[derive(Clone, Debug)]
pub struct NewLead<'a> {
    pub workspace: WorkspaceId,
    pub name: &'a str,
    pub email: &'a EmailAddress,
    pub company_name: &'a str,
    pub phone: Option<&'a str>,
    pub source: LeadSource,
    pub team_size: Option<&'a str>,
    pub message: Option<&'a str>,
    /// The marketing choice, with the time it was made and the policy version shown beside it.
    pub marketing: Option<MarketingChoice>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketingChoice {
    pub consented: bool,
    pub at: i64,
    pub policy_version: i64,
}

/// Stores a new lead with status "new".
pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    lead: &NewLead<'_>,
    now: i64,
) -> Result<LeadId, AppError> {
    let id = LeadId::random();
    sqlx::query(
        "INSERT INTO leads (id, workspace_id, name, email, company_name, phone, status, source,
                            team_size, message, marketing_consent, marketing_consent_at,
                            policy_version, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
    )
    .bind(id.to_string())
    .bind(lead.workspace.to_string())
    .bind(lead.name)
    .bind(lead.email.as_str())
    .bind(lead.company_name)
    .bind(lead.phone)
    .bind(LeadStatus::New.as_str())
    .bind(lead.source.as_str())
    .bind(lead.team_size)
    .bind(lead.message)
    .bind(lead.marketing.map(|m| i64::from(m.consented)))
    .bind(lead.marketing.map(|m| m.at))
    .bind(lead.marketing.map(|m| m.policy_version))
    .bind(now)
    .execute(executor)
    .await?;
    tracing::info!(lead_id = %id, workspace_id = %lead.workspace, source = lead.source.as_str(), "lead created");
    Ok(id)
}
