//! The server function every "Add" page of the CRM shares.

use leptos::prelude::*;

use crate::accounts::model::FormState;
use crate::error::AppError;

/// What an "Add a person / company / lead" form shows: what was posted and what is wrong, after a
/// refused POST (the server renders that answer itself); empty otherwise. Members only.
#[server(prefix = "/api", endpoint = "records/new-form")]
pub async fn new_record_form() -> Result<FormState, AppError> {
    crate::accounts::http::require_session().inspect_err(AppError::set_response_status)?;
    Ok(use_context::<crate::accounts::PostedAccountForm>()
        .map(|posted| posted.0)
        .unwrap_or_default())
}
