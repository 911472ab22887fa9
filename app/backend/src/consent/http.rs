//! Consent on the wire: reading the `candor_consent` cookie and the `Sec-GPC` header, writing
//! and expiring cookies, and the middleware that enforces the registry on every response.

use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crm_core::consent::{ConsentRecord, ConsentView};
use crm_core::storage::{CONSENT_COOKIE, REGISTRY, StorageKind};

use crate::cookies::{cookie_header, request_cookie, request_cookies};
use crate::state::AppState;

/// How long the consent cookie lives: the six months after which the visitor is asked again.
const CONSENT_MAX_AGE_SECONDS: i64 = crm_core::consent::MAX_AGE_MS / 1000;

/// The consent record the request carries, if it carries a well-formed one.
pub fn read_record(headers: &HeaderMap) -> Option<ConsentRecord> {
    request_cookie(headers, CONSENT_COOKIE).and_then(ConsentRecord::from_cookie_value)
}

/// Whether the request carries a Global Privacy Control signal (`Sec-GPC: 1`).
pub fn gpc_signal(headers: &HeaderMap) -> bool {
    headers
        .get("sec-gpc")
        .is_some_and(|value| value.as_bytes().trim_ascii() == b"1")
}

/// What the page rendered for this request knows about consent.
pub fn view_of(headers: &HeaderMap, now_ms: i64) -> ConsentView {
    ConsentView::of(read_record(headers).as_ref(), gpc_signal(headers), now_ms)
}

/// The `Set-Cookie` value that stores a record.
pub fn consent_cookie(record: &ConsentRecord, secure: bool) -> HeaderValue {
    cookie_header(
        CONSENT_COOKIE,
        &record.to_cookie_value(),
        CONSENT_MAX_AGE_SECONDS,
        secure,
    )
}

/// The cookie's name in a `Set-Cookie` value.
fn set_cookie_name(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    Some(text.split_once('=')?.0.trim())
}

/// The consent record a response stores, if it stores one.
fn record_set_by(headers: &HeaderMap) -> Option<ConsentRecord> {
    headers.get_all(SET_COOKIE).iter().find_map(|value| {
        let text = value.to_str().ok()?;
        let (name, rest) = text.split_once('=')?;
        (name.trim() == CONSENT_COOKIE)
            .then(|| rest.split(';').next().unwrap_or_default().trim())
            .and_then(ConsentRecord::from_cookie_value)
    })
}

/// Removes every `Set-Cookie` for a cookie the registry does not list. Such a cookie would be
/// a bug (the cookie policy would not mention it); it is logged, by name only, and never sent.
pub fn strip_unregistered(headers: &mut HeaderMap) {
    let values: Vec<HeaderValue> = headers.get_all(SET_COOKIE).iter().cloned().collect();
    if values.is_empty() {
        return;
    }
    headers.remove(SET_COOKIE);
    for value in values {
        match set_cookie_name(&value) {
            Some(name) if crm_core::storage::cookie(name).is_some() => {
                headers.append(SET_COOKIE, value);
            }
            name => {
                tracing::error!(
                    cookie = name.unwrap_or("?"),
                    "a response tried to set a cookie the registry does not list; removed"
                );
            }
        }
    }
}

/// The consent middleware, around every request:
/// - removes cookies the registry does not list from the response;
/// - records a Global Privacy Control signal the first time a page is requested with one (marketing
///   refused, without asking), and remembers it in the consent cookie;
/// - deletes, from the browser, the cookies of every category the visitor has not allowed (after a
///   withdrawal, or when a choice has expired).
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let now = state.db.now_millis();
    let (parts, body) = request.into_parts();
    let record = read_record(&parts.headers);
    let gpc = gpc_signal(&parts.headers);
    let carried: Vec<String> = request_cookies(&parts.headers)
        .map(|(name, _)| name.to_owned())
        .collect();
    let is_page_view = parts.method == Method::GET;
    let is_write = !matches!(parts.method, Method::GET | Method::HEAD);
    let who = super::service::Requester::of(&parts, state.config.trusted_proxy_hops);

    let mut response = next.run(Request::from_parts(parts, body)).await;
    let secure = state.config.is_https();
    let headers = response.headers_mut();
    strip_unregistered(headers);

    let mut in_force = record_set_by(headers).or(record);
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let newly_signalled = gpc && !in_force.as_ref().is_some_and(|r| r.gpc);
    if newly_signalled && is_page_view && is_html {
        match super::service::record_gpc(&state, in_force.as_ref(), who, now).await {
            Ok(Some(recorded)) => {
                headers.append(SET_COOKIE, consent_cookie(&recorded, secure));
                in_force = Some(recorded);
            }
            // Rate-limited: the signal is still honoured on this page, and recorded later.
            Ok(None) => {}
            Err(_) => {} // logged where it happened; the page is served regardless
        }
    }

    // Cookies are deleted on pages and on answers to choices, never on static files (which must
    // stay cacheable).
    if !(is_html || is_write || response.status().is_redirection()) {
        return response;
    }
    let headers = response.headers_mut();
    let view = ConsentView::of(in_force.as_ref(), gpc, now);
    for item in REGISTRY {
        if item.kind == StorageKind::Cookie
            && !view.allows(item.category)
            && carried.iter().any(|name| name == item.name)
        {
            headers.append(SET_COOKIE, cookie_header(item.name, "", 0, secure));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_exact_sec_gpc_1_is_a_signal() {
        for (value, expected) in [("1", true), (" 1 ", true), ("0", false), ("yes", false)] {
            let mut headers = HeaderMap::new();
            headers.insert("sec-gpc", HeaderValue::from_static(value));
            assert_eq!(gpc_signal(&headers), expected, "{value:?}");
        }
        assert!(!gpc_signal(&HeaderMap::new()));
    }

    #[test]
    fn cookies_the_registry_does_not_list_are_never_sent() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("_ga=GA1.2; Path=/"));
        headers.append(
            SET_COOKIE,
            cookie_header("candor_visit", "abc", 1800, false),
        );
        strip_unregistered(&mut headers);
        let left: Vec<&str> = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(set_cookie_name)
            .collect();
        assert_eq!(left, ["candor_visit"]);
    }
}
