//! `GET /app/people/export.csv` and `/app/people/export.vcf`: the people the list's search and
//! filters match (the query string of the list's own address), downloaded as CSV or vCard.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crm_backend::export::Format;
use crm_core::people::PeopleQuery;

use crate::context::SiteState;
use crate::form_answer::session_of;

/// What an export reads of the list's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ExportQuery {
    q: String,
    tag: String,
    owner: String,
}

/// `GET /app/people/export.csv`.
pub async fn get_people_csv(state: State<SiteState>, request: Request) -> Response {
    export(Format::Csv, state, request).await
}

/// `GET /app/people/export.vcf`.
pub async fn get_people_vcard(state: State<SiteState>, request: Request) -> Response {
    export(Format::Vcard, state, request).await
}

async fn export(format: Format, State(state): State<SiteState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(session) = session_of(&parts) else {
        return Redirect::to("/login?next=/app/people").into_response();
    };
    // The list's search and filters (its order and page do not matter: every match is
    // exported, by name). A damaged query is refused rather than read as no filter, so that an
    // export never holds more than was asked for.
    let query = match Query::<ExportQuery>::try_from_uri(&parts.uri) {
        Ok(Query(ExportQuery { q, tag, owner })) => PeopleQuery {
            q,
            tag,
            owner,
            ..PeopleQuery::default()
        },
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "This export's address is damaged: export again from the people list.",
            )
                .into_response();
        }
    };
    match crm_backend::export::people::start(&state.db, &session, &query, format).await {
        Ok(download) => download.into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // Each error's text is written for the member (an internal one says only that it
            // failed on our side).
            (status, error.to_string()).into_response()
        }
    }
}
