//! Server functions of the policy pages. All are public reads: the policy is for everyone.

use leptos::prelude::*;

use crm_core::error::AppError;
use crm_core::policy::{Comparison, PolicyVersion, VersionSummary};

/// The version in force now.
#[server(prefix = "/api", endpoint = "policy/current")]
pub async fn current_policy() -> Result<PolicyVersion, AppError> {
    let state = crate::context::state()?;
    crm_backend::policy::db::current(&state.db, state.db.now_millis()).await
}

/// Every published version, newest first.
#[server(prefix = "/api", endpoint = "policy/versions")]
pub async fn policy_versions() -> Result<Vec<VersionSummary>, AppError> {
    let state = crate::context::state()?;
    crm_backend::policy::db::list(&state.db, state.db.now_millis()).await
}

/// One version's whole text.
#[server(prefix = "/api", endpoint = "policy/version")]
pub async fn get_policy_version(version: i64) -> Result<PolicyVersion, AppError> {
    let state = crate::context::state()?;
    crm_backend::policy::db::find(&state.db, version, state.db.now_millis()).await
}

/// What changed from one version to another (either order).
#[server(prefix = "/api", endpoint = "policy/compare")]
pub async fn compare_policy_versions(from: i64, to: i64) -> Result<Comparison, AppError> {
    let state = crate::context::state()?;
    let now = state.db.now_millis();
    if from == to {
        return Err(AppError::validation(
            "to",
            "Choose two different versions to compare.",
        ));
    }
    let old = crm_backend::policy::db::find(&state.db, from, now).await?;
    let new = crm_backend::policy::db::find(&state.db, to, now).await?;
    Ok(Comparison {
        diff: crm_core::policy::diff::compare(&old.document, &new.document),
        from: old.summary,
        to: new.summary,
    })
}
