//! The Request-a-Demo form: a plain POST to `/demo` (sent by the browser, or by the page script
//! without a reload). Accepted requests are redirected to `/demo/thanks` (so a reload does not
//! send twice); anything else renders the page again with what was typed, each problem beside its
//! field, and the right status (422, or 429 for the rate limit). The page script checks the form
//! as the visitor types with `/demo/check`.

use crate::context::SiteState;
use crate::demo::{FormNotice, PostedDemoForm};
use axum::extract::{Form, FromRequest, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use crm_backend::demo::service::{Outcome, Submission, submit};
use crm_core::demo::{DemoField, DemoFields, problems};
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

pub async fn post_demo(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let client = crm_backend::client_ip::client_ip(&parts, state.config.trusted_proxy_hops);
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
    crate::form_answer::page_with_context(state, parts, status, move || {
        provide_context(posted.clone())
    })
    .await
}

/// The form as the page script sends it to be checked: what is typed, and which fields to
/// report on (`check`, their names separated by commas).
#[derive(Debug, Default, Deserialize)]
struct CheckForm {
    #[serde(flatten)]
    fields: DemoFields,
    #[serde(default)]
    check: String,
}

/// `POST /demo/check`, the page script's check as the visitor types: `/demo` as a POST would
/// render it, showing the problems of the fields named in `check` only. Nothing is stored, no
/// limit is counted and no stamp is looked at (the form's real POST does all of that): it only
/// applies the form's rules, which are the server's alone.
pub async fn post_check(State(state): State<SiteState>, request: Request) -> Response {
    let (mut parts, form): (_, CheckForm) = crate::form_answer::read_form(&state, request).await;
    let which: Vec<DemoField> = form
        .check
        .split(',')
        .filter_map(|name| DemoField::from_name(name.trim()))
        .collect();
    let posted = PostedDemoForm {
        errors: problems(&form.fields, &which),
        fields: form.fields,
        notice: None,
    };
    parts.uri = Uri::from_static("/demo");
    crate::form_answer::page_with_context(state, parts, StatusCode::OK, move || {
        provide_context(posted.clone())
    })
    .await
}
