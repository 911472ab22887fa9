//! Server functions of the demo form. Both are public: anyone may ask for a demo.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{DemoFields, FieldError};
use crate::error::AppError;

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

/// What the form starts with: a fresh stamp, the policy version it links to and, after a plain
/// (no-JavaScript) POST that needs fixing, what the visitor typed and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoFormState {
    pub stamp: String,
    pub policy_version: Option<i64>,
    pub fields: DemoFields,
    pub errors: Vec<FieldError>,
    pub notice: Option<FormNotice>,
}

/// The answer to a request sent from the page with JavaScript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemoReply {
    Sent,
    Invalid(Vec<FieldError>),
    Notice(FormNotice),
}

/// The state of the form as the server renders it. While rendering the answer to a plain POST,
/// the POST's outcome is in the context and comes back with the form.
#[server(prefix = "/api", endpoint = "demo/form")]
pub async fn demo_form() -> Result<DemoFormState, AppError> {
    let state = crate::state::state()?;
    let now = crate::db::now_millis();
    let policy_version = match crate::policy::db::current(&state.db, now).await {
        Ok(policy) => Some(policy.summary.version),
        Err(AppError::NotFound) => None,
        Err(other) => return Err(other),
    };
    let posted = use_context::<super::PostedDemoForm>().unwrap_or_default();
    Ok(DemoFormState {
        stamp: super::stamp::issue(state.config.secret_key.expose(), now),
        policy_version,
        fields: posted.fields,
        errors: posted.errors,
        notice: posted.notice,
    })
}

/// Sends a demo request from the page (with JavaScript). The plain form POST to `/demo` runs the
/// same [`super::service::submit`].
#[server(prefix = "/api", endpoint = "demo/request")]
pub async fn request_demo(
    fields: DemoFields,
    stamp: String,
    policy_version: Option<i64>,
    website: String,
) -> Result<DemoReply, AppError> {
    use super::service::{Outcome, Submission, submit};

    let state = crate::state::state()?;
    let client = use_context::<axum::http::request::Parts>()
        .and_then(|parts| crate::client_ip::client_ip(&parts, state.config.trust_forwarded_for));
    let submission = Submission {
        fields,
        stamp,
        policy_version,
        honeypot: website,
    };
    Ok(match submit(&state, client, &submission).await? {
        // A bot that filled the honeypot is told it worked, and learns nothing.
        Outcome::Accepted | Outcome::Discarded => DemoReply::Sent,
        Outcome::Invalid(errors) => DemoReply::Invalid(errors),
        Outcome::TooFast => DemoReply::Notice(FormNotice::TooFast),
        Outcome::Stale => DemoReply::Notice(FormNotice::Stale),
        Outcome::RateLimited => DemoReply::Notice(FormNotice::RateLimited),
    })
}
