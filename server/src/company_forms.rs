//! The "Add a company" form without JavaScript (and with it: it is a plain POST either way).
//! Accepted: a redirect to the new company's page. Refused: the form again with what was typed
//! and each problem beside its field.

use app::accounts::model::{FormNotice, FormState, notices};
use app::accounts::service::Outcome;
use app::accounts::session::CurrentSession;
use app::companies::model::NewCompanyFields;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::render::{form_again, read_form};

/// `POST /app/companies/new`.
pub async fn post_new_company(State(state): State<AppState>, request: Request) -> Response {
    let (parts, fields) = read_form::<NewCompanyFields>(&state, request).await;
    let Some(session) = parts.extensions.get::<CurrentSession>().cloned() else {
        return Redirect::to("/login?next=/app/companies/new").into_response();
    };
    let values = fields.to_values();
    let (status, notice, errors) =
        match app::companies::service::create(&state.db, &session, &fields).await {
            Ok(Outcome::Done(id)) => {
                return Redirect::to(&format!("/app/companies/{id}?created=1")).into_response();
            }
            Ok(Outcome::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, None, errors),
            Ok(Outcome::RateLimited) => (
                StatusCode::TOO_MANY_REQUESTS,
                Some(FormNotice::error(notices::RATE_LIMITED)),
                Vec::new(),
            ),
            // Logged where it happened; the member keeps what they typed.
            Err(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(FormNotice::error(notices::UNAVAILABLE)),
                Vec::new(),
            ),
        };
    let form = FormState {
        values,
        errors,
        notice,
    };
    form_again(state, parts, status, form).await
}
