//! The demo form's server function: the state the page renders the form with. Requests arrive as
//! a plain form POST to `/demo` (the page script sends that same POST), so there is one way in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crm_core::demo::{DemoFields, FieldError};
use crm_core::error::AppError;

/// A message about the whole form rather than one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormNotice {
    /// Sent sooner than a person could have filled it in.
    TooFast,
    /// The form was open for over a day, or its hidden stamp was damaged.
    Stale,
    /// Too many requests from this address.
    RateLimited,
    /// Something failed on our side; nothing was stored.
    Unavailable,
}

/// What the form starts with: a fresh stamp, the policy version it links to and, after a POST
/// that needs fixing (or a check by the page script), what was typed and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoFormState {
    pub stamp: String,
    pub policy_version: Option<i64>,
    pub fields: DemoFields,
    pub errors: Vec<FieldError>,
    pub notice: Option<FormNotice>,
}

/// The state of the form as the server renders it. While rendering the answer to a plain POST,
/// the POST's outcome is in the context and comes back with the form.
#[server(prefix = "/api", endpoint = "demo/form")]
pub async fn demo_form() -> Result<DemoFormState, AppError> {
    let state = crate::context::state()?;
    let now = state.db.now_millis();
    let policy_version = match crm_backend::policy::db::current(&state.db, now).await {
        Ok(policy) => Some(policy.summary.version),
        Err(AppError::NotFound) => None,
        Err(other) => return Err(other),
    };
    let posted = use_context::<super::PostedDemoForm>().unwrap_or_default();
    Ok(DemoFormState {
        stamp: crm_backend::demo::stamp::issue(state.config.secret_key.expose(), now),
        policy_version,
        fields: posted.fields,
        errors: posted.errors,
        notice: posted.notice,
    })
}
