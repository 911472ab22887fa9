//! The merge and its undo as plain form posts (they work before, and without, the WASM). A
//! merge done leads to the survivor's page; refused, the merge page again says why. An undo
//! leads to the person who is back, or to the survivor's page saying why it could not be done.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crm_core::duplicates::MergeFields;
use crm_core::error::AppError;
use crm_core::forms::{FormNotice, FormState};

use crate::context::SiteState;
use crate::form_answer::{form_again, read_form, session_of};

/// `POST /app/people/merge?keep=…&merge=…`.
pub async fn post_merge_people(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<MergeFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return Redirect::to("/login?next=/app/duplicates").into_response();
    };
    match crm_backend::merge::merge_people(&state.db, &session, &fields).await {
        Ok(kept) => Redirect::to(&format!("/app/people/{kept}?merged=1")).into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // Logged where it happened; each error's text is written for the member (an
            // internal one says only that it failed on our side).
            let form = FormState {
                notice: Some(FormNotice::error(error.to_string())),
                ..FormState::default()
            };
            form_again(state, parts, status, form).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UndoFields {
    merge: String,
    /// The survivor, whose page says why an undo was refused.
    kept: String,
}

/// `POST /app/merges/undo`.
pub async fn post_undo_merge(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<UndoFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return Redirect::to("/login?next=/app/duplicates").into_response();
    };
    let back = crm_core::ids::PersonId::parse(&fields.kept)
        .map(|kept| format!("/app/people/{kept}"))
        .unwrap_or_else(|| "/app/duplicates".to_owned());
    match crm_backend::merge::undo(&state.db, &session, &fields.merge).await {
        Ok(merged) => Redirect::to(&format!("/app/people/{merged}?unmerged=1")).into_response(),
        Err(AppError::Conflict(_)) => Redirect::to(&format!("{back}?undo=stale")).into_response(),
        Err(AppError::NotAllowed(_)) => {
            Redirect::to(&format!("{back}?undo=not-allowed")).into_response()
        }
        Err(AppError::NotFound) => Redirect::to(&format!("{back}?undo=unknown")).into_response(),
        Err(_) => Redirect::to(&format!("{back}?undo=failed")).into_response(),
    }
}
