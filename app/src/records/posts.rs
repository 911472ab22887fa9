//! The "Add a person", "Add a company", "Add a lead" and "Add an opportunity" forms without JavaScript (and with it:
//! each is a plain POST either way). Accepted: a redirect to the new record's page. Refused: the
//! form again with what was typed and each problem beside its field.

use std::fmt::Display;

use crate::context::SiteState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use crm_backend::accounts::service::Outcome;
use crm_backend::records::duplicates::Added;

use crm_core::accounts::notices;
use crm_core::companies::NewCompanyFields;
use crm_core::error::AppError;
use crm_core::forms::{FormNotice, FormState};
use crm_core::leads::NewLeadFields;
use crm_core::opportunities::NewOpportunityFields;
use crm_core::people::NewPersonFields;
use crm_core::records::NewRecordFields;

use crate::form_answer::{form_again, read_form, session_of};

/// `POST /app/people/new`.
pub async fn post_new_person(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<NewPersonFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return to_login("/app/people/new");
    };
    let outcome = crm_backend::people::service::create(&state.db, &session, &fields).await;
    let values = with_seen(fields.to_values(), &fields.add_anyway);
    answer(state, parts, values, outcome, "/app/people").await
}

/// `POST /app/companies/new`.
pub async fn post_new_company(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<NewCompanyFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return to_login("/app/companies/new");
    };
    let outcome = crm_backend::companies::service::create(&state.db, &session, &fields).await;
    let values = with_seen(fields.to_values(), &fields.add_anyway);
    answer(state, parts, values, outcome, "/app/companies").await
}

/// `POST /app/leads/new`.
pub async fn post_new_lead(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<NewLeadFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return to_login("/app/leads/new");
    };
    let outcome = crm_backend::leads::service::create(&state.db, &session, &fields)
        .await
        .map(|outcome| outcome.map(Added::New));
    answer(state, parts, fields.to_values(), outcome, "/app/leads").await
}

/// `POST /app/opportunities/new`.
pub async fn post_new_opportunity(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<NewOpportunityFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return to_login("/app/opportunities/new");
    };
    let outcome = crm_backend::opportunities::service::create(&state.db, &session, &fields)
        .await
        .map(|outcome| outcome.map(Added::New));
    answer(
        state,
        parts,
        fields.to_values(),
        outcome,
        "/app/opportunities",
    )
    .await
}

/// What was typed, and the ids of the records the form showed before as possibly this one
/// (the form sends them back with the ones it shows next, if the member adds anyway again).
fn with_seen(mut values: Vec<(String, String)>, seen: &str) -> Vec<(String, String)> {
    values.push(("add_anyway".to_owned(), seen.to_owned()));
    values
}

fn to_login(form: &str) -> Response {
    Redirect::to(&format!("/login?next={form}")).into_response()
}

/// The answer to an "Add" form: the new record's page (under `list`), or the form again with
/// what was typed (`values`) and what to fix, or with the records that may already be this one
/// (409: nothing was stored).
async fn answer<Id: Display>(
    state: SiteState,
    parts: Parts,
    values: Vec<(String, String)>,
    outcome: Result<Outcome<Added<Id>>, AppError>,
    list: &str,
) -> Response {
    let mut existing = Vec::new();
    let (status, notice, errors) = match outcome {
        Ok(Outcome::Done(Added::New(id))) => {
            return Redirect::to(&format!("{list}/{id}?created=1")).into_response();
        }
        // Nothing stored: 409 if the member may add it anyway, 422 if a field must change.
        Ok(Outcome::Done(Added::Exists {
            existing: found,
            problems,
        })) => {
            existing = found;
            let status = if problems.is_empty() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, None, problems)
        }
        Ok(Outcome::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, None, errors),
        Ok(Outcome::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(FormNotice::error(notices::RATE_LIMITED)),
            Vec::new(),
        ),
        // Logged where it happened; the member keeps what they typed. A busy database is a
        // 503 that says when to try again.
        Err(error) => (
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Some(FormNotice::error(notices::UNAVAILABLE)),
            Vec::new(),
        ),
    };
    let form = FormState {
        values,
        errors,
        notice,
        existing,
    };
    form_again(state, parts, status, form).await
}
