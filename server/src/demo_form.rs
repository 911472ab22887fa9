//! The Request-a-Demo form without JavaScript: a plain POST to `/demo`. Accepted requests are
//! redirected to `/demo/thanks` (so a reload does not send twice); anything else renders the page
//! again with what was typed, each problem beside its field, and the right status (422, or 429
//! for the rate limit).

use app::demo::model::DemoFields;
use app::demo::service::{Outcome, Submission, submit};
use app::demo::{FormNotice, PostedDemoForm};
use app::state::AppState;
use axum::extract::{Form, FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;

/// The form as posted; every field optional, so a damaged post is answered with field errors.
#[derive(Debug, Default, Deserialize)]
struct PostedForm {
    #[serde(flatten)]
    fields: DemoFields,
    #[serde(default)]
    stamp: String,
    #[serde(default)]
    policy_version: String,
    #[serde(default)]
    website: String,
}

pub async fn post_demo(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let client = app::client_ip::client_ip(&parts, state.config.trust_forwarded_for);
    let form = Form::<PostedForm>::from_request(Request::from_parts(parts.clone(), body), &state)
        .await
        .map(|Form(form)| form)
        .unwrap_or_default();
    let submission = Submission {
        fields: form.fields,
        stamp: form.stamp,
        policy_version: form.policy_version.trim().parse().ok(),
        honeypot: form.website,
    };

    let (status, errors, notice) = match submit(&state, client, &submission).await {
        Ok(Outcome::Accepted | Outcome::Discarded) => {
            return Redirect::to("/demo/thanks").into_response();
        }
        Ok(Outcome::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Ok(Outcome::TooFast) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Vec::new(),
            Some(FormNotice::TooFast),
        ),
        Ok(Outcome::Stale) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Vec::new(),
            Some(FormNotice::Stale),
        ),
        Ok(Outcome::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            Vec::new(),
            Some(FormNotice::RateLimited),
        ),
        // Already logged where it happened; the visitor keeps what they typed.
        Err(error) => (
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Vec::new(),
            Some(FormNotice::Unavailable),
        ),
    };
    let posted = PostedDemoForm {
        fields: submission.fields,
        errors,
        notice,
    };
    crate::render::page_with_context(state, parts, status, move || {
        provide_context(posted.clone())
    })
    .await
}
