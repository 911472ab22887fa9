//! The "Add a person" form without JavaScript (and with it: it is a plain POST either way).
//! Accepted: a redirect to the new person's page. Refused: the form again with what was typed and
//! each problem beside its field.

use app::accounts::model::{FormNotice, FormState, notices};
use app::accounts::service::Outcome;
use app::accounts::session::CurrentSession;
use app::people::model::NewPersonFields;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::render::{form_again, read_form};

/// `POST /app/people/new`.
pub async fn post_new_person(State(state): State<AppState>, request: Request) -> Response {
    let (parts, fields) = read_form::<NewPersonFields>(&state, request).await;
    let Some(session) = parts.extensions.get::<CurrentSession>().cloned() else {
        return Redirect::to("/login?next=/app/people/new").into_response();
    };
    let values = fields.to_values();
    let (status, form) = match app::people::service::create(&state.db, &session, &fields).await {
        Ok(Outcome::Done(id)) => {
            return Redirect::to(&format!("/app/people/{id}?created=1")).into_response();
        }
        Ok(Outcome::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormState {
                values,
                errors,
                notice: None,
            },
        ),
        Ok(Outcome::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            FormState {
                values,
                errors: Vec::new(),
                notice: Some(FormNotice::error(notices::RATE_LIMITED)),
            },
        ),
        // Logged where it happened; the member keeps what they typed.
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            FormState {
                values,
                errors: Vec::new(),
                notice: Some(FormNotice::error(notices::UNAVAILABLE)),
            },
        ),
    };
    form_again(state, parts, status, form).await
}
