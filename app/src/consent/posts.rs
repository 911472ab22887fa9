//! The cookie choices without JavaScript: the banner's buttons and the settings page post here.
//! A choice is recorded and the visitor goes back to the page they were on (303); "Customize"
//! leads to the settings page.

use crate::context::SiteState;
use axum::extract::{Form, FromRequest, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use crm_backend::consent::http::{consent_cookie, gpc_signal, read_record};
use crm_backend::consent::service::{Requester, decide};
use crm_core::consent::{Choices, Decision, Source, safe_return_path, settings_href};
use crm_core::error::AppError;
use serde::Deserialize;

/// Why a cookie choice was not recorded: the limit counts choices per network address (an office
/// or a household shares one), not per browser.
pub const CONSENT_RATE_LIMITED: &str = "Many cookie choices have come from your network address in the last minutes (several people sharing one connection can cause this), so we paused recording them. Your choice was not saved: until it is, nothing beyond the strictly necessary is used. Please try again in 15 minutes.";

/// The form as posted. A checkbox is present when ticked.
#[derive(Debug, Default, Deserialize)]
struct ConsentForm {
    #[serde(default)]
    choice: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    return_to: String,
    preferences: Option<String>,
    analytics: Option<String>,
    marketing: Option<String>,
}

pub async fn post_consent(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = Form::<ConsentForm>::from_request(Request::from_parts(parts.clone(), body), &state)
        .await
        .map(|Form(form)| form)
        .unwrap_or_default();
    let return_to = safe_return_path(&form.return_to);
    let source = if form.source == "settings_page" {
        Source::SettingsPage
    } else {
        Source::NoJsForm
    };
    let decision = match form.choice.as_str() {
        "accept_all" => Decision::AcceptAll,
        "reject_all" => Decision::RejectAll,
        "custom" => Decision::Custom(Choices {
            preferences: form.preferences.is_some(),
            analytics: form.analytics.is_some(),
            marketing: form.marketing.is_some(),
        }),
        "customize" => return Redirect::to(&settings_href(&return_to)).into_response(),
        _ => {
            return message_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "We could not read your choice",
                "Your cookie choice did not reach us complete, so nothing was changed. Please choose again on the cookie settings page.",
                &settings_href(&return_to),
            );
        }
    };
    let who = Requester::of(&parts, state.config.trusted_proxy_hops);
    let previous = read_record(&parts.headers, state.config.secret_key.expose());
    let now = state.db.now_millis();
    match decide(
        &state,
        previous.as_ref(),
        gpc_signal(&parts.headers),
        decision,
        source,
        who,
        now,
    )
    .await
    {
        Ok(record) => {
            let mut response = Redirect::to(&return_to).into_response();
            response.headers_mut().append(
                SET_COOKIE,
                consent_cookie(
                    &record,
                    state.config.secret_key.expose(),
                    state.config.is_https(),
                ),
            );
            response
        }
        Err(AppError::RateLimited) => {
            let mut response = message_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Please wait a few minutes",
                CONSENT_RATE_LIMITED,
                &return_to,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
            response
        }
        // Logged where it happened.
        Err(_) => message_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "We could not save your choice",
            "Something went wrong on our side and your cookie choice was not saved. Until it is, nothing beyond the strictly necessary is used. Please try again in a moment.",
            &return_to,
        ),
    }
}

/// A short page for the rare answers that are not a redirect.
fn message_page(status: StatusCode, title: &str, text: &str, back: &str) -> Response {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Candor CRM</title><link rel="stylesheet" href="/pkg/crm.css"></head>
<body><main id="main" class="page page--narrow"><h1>{title}</h1><p>{text}</p>
<p><a class="button" href="{back}">Go back</a></p></main></body></html>"#,
        title = escape(title),
        text = escape(text),
        back = escape(back),
    );
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
