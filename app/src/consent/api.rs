//! Server functions of the banner and the dialog (with JavaScript). The same decisions made by a
//! plain form POST go to `/consent` (the server's `consent_form`), through the same service.

use leptos::prelude::*;
use server_fn::codec::Json;

use crm_core::consent::{ConsentView, Decision, Source};
use crm_core::error::AppError;

/// Records a choice made in the banner or the dialog; the answer sets the consent cookie and says
/// what is allowed now.
#[server(prefix = "/api", endpoint = "consent/save", input = Json)]
pub async fn save_consent(decision: Decision, source: Source) -> Result<ConsentView, AppError> {
    if !matches!(source, Source::Banner | Source::Dialog) {
        AppError::BadRequest.set_response_status();
        return Err(AppError::BadRequest);
    }
    record(Some((decision, source)))
        .await
        .inspect_err(AppError::set_response_status)
}

/// The browser reports `navigator.globalPrivacyControl`: marketing is refused without asking.
#[server(prefix = "/api", endpoint = "consent/gpc", input = Json)]
pub async fn report_gpc() -> Result<ConsentView, AppError> {
    record(None)
        .await
        .inspect_err(AppError::set_response_status)
}

#[cfg(feature = "ssr")]
async fn record(decision: Option<(Decision, Source)>) -> Result<ConsentView, AppError> {
    use axum::http::header::SET_COOKIE;

    use crm_backend::consent::http::{consent_cookie, gpc_signal, read_record};
    use crm_backend::consent::service;

    let state = crate::context::state()?;
    let parts = use_context::<axum::http::request::Parts>()
        .ok_or_else(|| AppError::internal("the request is missing from the server function"))?;
    let now = state.db.now_millis();
    let previous = read_record(&parts.headers, state.config.secret_key.expose());
    let who = service::Requester::of(&parts, state.config.trusted_proxy_hops);
    let (record, gpc) = match decision {
        Some((decision, source)) => {
            let gpc = gpc_signal(&parts.headers);
            let record =
                service::decide(&state, previous.as_ref(), gpc, decision, source, who, now).await?;
            (record, gpc)
        }
        None => match previous.clone().filter(|r| r.gpc) {
            // Already recorded: nothing to add.
            Some(recorded) => (recorded, true),
            None => match service::record_gpc(&state, previous.as_ref(), who, now).await? {
                Some(recorded) => (recorded, true),
                None => return Err(AppError::RateLimited),
            },
        },
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(
            SET_COOKIE,
            consent_cookie(
                &record,
                state.config.secret_key.expose(),
                state.config.is_https(),
            ),
        );
    }
    Ok(ConsentView::of(Some(&record), gpc, now))
}
