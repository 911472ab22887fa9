//! The merge and its undo as plain form posts (they work before, and without, the WASM). A
//! merge done leads to the survivor's page; refused, the merge page again says why. An undo
//! leads to the person or company that is back, or to the survivor's page saying why it could
//! not be done.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crm_core::duplicates::MergeFields;
use crm_core::error::AppError;
use crm_core::forms::{FormNotice, FormState};
use crm_core::records::Kind;

use crate::context::SiteState;
use crate::form_answer::{form_again, read_form, session_of};

/// `POST /app/people/merge?keep=…&merge=…`.
pub async fn post_merge_people(state: State<SiteState>, request: Request) -> Response {
    post_merge(Kind::People, state, request).await
}

/// `POST /app/companies/merge?keep=…&merge=…`.
pub async fn post_merge_companies(state: State<SiteState>, request: Request) -> Response {
    post_merge(Kind::Companies, state, request).await
}

async fn post_merge(kind: Kind, State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<MergeFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return Redirect::to("/login?next=/app/duplicates").into_response();
    };
    match crm_backend::merge::merge(&state.db, &session, kind, &fields).await {
        Ok(kept) => Redirect::to(&format!("{}?merged=1", kind.href(kept))).into_response(),
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
    /// The survivor, whose page says why an undo was refused, and its kind (`people`,
    /// `companies`).
    kept: String,
    kind: String,
}

/// `POST /app/merges/undo`.
pub async fn post_undo_merge(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<UndoFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return Redirect::to("/login?next=/app/duplicates").into_response();
    };
    // Only an id (a UUID) of a kind merged goes into the address.
    let back = Kind::ALL
        .into_iter()
        .filter(|kind| matches!(kind, Kind::People | Kind::Companies))
        .find(|kind| kind.plural() == fields.kind)
        .zip(uuid::Uuid::parse_str(&fields.kept).ok())
        .map(|(kind, kept)| kind.href(kept))
        .unwrap_or_else(|| "/app/duplicates".to_owned());
    match crm_backend::merge::undo(&state.db, &session, &fields.merge).await {
        Ok((kind, merged)) => {
            Redirect::to(&format!("{}?unmerged=1", kind.href(merged))).into_response()
        }
        Err(AppError::Conflict(_)) => Redirect::to(&format!("{back}?undo=stale")).into_response(),
        Err(AppError::NotAllowed(_)) => {
            Redirect::to(&format!("{back}?undo=not-allowed")).into_response()
        }
        Err(AppError::NotFound) => Redirect::to(&format!("{back}?undo=unknown")).into_response(),
        Err(_) => Redirect::to(&format!("{back}?undo=failed")).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DifferentFields {
    /// `people` or `companies`.
    kind: String,
    first: String,
    second: String,
}

/// `POST /app/duplicates/different`: a pair said to be two different records is not listed
/// again; the page says so, or why it could not be noted.
pub async fn post_mark_different(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<DifferentFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return Redirect::to("/login?next=/app/duplicates").into_response();
    };
    let Some(kind) = Kind::ALL
        .into_iter()
        .find(|kind| kind.plural() == fields.kind)
    else {
        return Redirect::to("/app/duplicates?different=unknown").into_response();
    };
    let done = crm_backend::duplicates::mark_different(
        &state.db,
        &session,
        kind,
        &fields.first,
        &fields.second,
    )
    .await;
    let said = match done {
        Ok(()) => "1",
        Err(AppError::NotFound) => "unknown",
        Err(_) => "failed",
    };
    Redirect::to(&format!("/app/duplicates?different={said}")).into_response()
}
