//! Consent on the wire: reading the `candor_consent` cookie and the `Sec-GPC` header, writing
//! and expiring cookies, and the middleware that enforces the registry on every response.

use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crm_core::consent::{ConsentId, ConsentRecord, ConsentView};
use crm_core::storage::{CONSENT_COOKIE, REGISTRY, StorageKind};

use crate::config::Environment;
use crate::cookies::{cookie_header, request_cookie, request_cookies};
use crate::state::AppState;

/// How long the consent cookie lives: the six months after which the visitor is asked again.
const CONSENT_MAX_AGE_SECONDS: i64 = crm_core::consent::MAX_AGE_MS / 1000;

const ID_PURPOSE: &[u8] = b"consent-id:";

fn id_mac(secret: &[u8], id: &ConsentId) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(ID_PURPOSE);
    mac.update(id.as_str().as_bytes());
    mac
}

/// The cookie's value: the record, then a signature of its consent id (the first 16 bytes of an
/// HMAC with the server's secret), so that nobody writes ledger rows under another browser's id.
pub fn cookie_value(record: &ConsentRecord, secret: &[u8]) -> String {
    let tag = id_mac(secret, &record.id).finalize().into_bytes();
    format!("{}.{}", record.to_cookie_value(), hex::encode(&tag[..16]))
}

/// A cookie value read back, and whether this server signed its id (with `secret`; `None` reads
/// the choices alone). A value from before ids were signed reads as unsigned.
fn parse_value(value: &str, secret: Option<&[u8]>) -> Option<(ConsentRecord, bool)> {
    if let Some((body, tag)) = value.rsplit_once('.')
        && let Some(record) = ConsentRecord::from_cookie_value(body)
    {
        let signed = secret.is_some_and(|secret| {
            tag.len() == 32
                && hex::decode(tag).is_ok_and(|tag| {
                    id_mac(secret, &record.id)
                        .verify_truncated_left(&tag)
                        .is_ok()
                })
        });
        return Some((record, signed));
    }
    ConsentRecord::from_cookie_value(value).map(|record| (record, false))
}

/// The consent record the request carries, when this server signed its id.
pub fn read_signed(headers: &HeaderMap, secret: &[u8]) -> Option<ConsentRecord> {
    let value = request_cookie(headers, CONSENT_COOKIE)?;
    parse_value(value, Some(secret)).and_then(|(record, signed)| signed.then_some(record))
}

/// The consent record the request carries, if it carries a well-formed one. Its choices stand;
/// an id this server did not sign (forged, or written before ids were signed) is replaced by a
/// fresh one, so a row is never written under an id the browser chose.
pub fn read_record(headers: &HeaderMap, secret: &[u8]) -> Option<ConsentRecord> {
    let value = request_cookie(headers, CONSENT_COOKIE)?;
    let (mut record, signed) = parse_value(value, Some(secret))?;
    if !signed {
        record.id = ConsentId::generate();
    }
    Some(record)
}

/// Whether the request carries a Global Privacy Control signal (`Sec-GPC: 1`).
pub fn gpc_signal(headers: &HeaderMap) -> bool {
    headers
        .get("sec-gpc")
        .is_some_and(|value| value.as_bytes().trim_ascii() == b"1")
}

/// What the page rendered for this request knows about consent.
pub fn view_of(headers: &HeaderMap, now_ms: i64) -> ConsentView {
    let record = request_cookie(headers, CONSENT_COOKIE)
        .and_then(|value| parse_value(value, None))
        .map(|(record, _)| record);
    ConsentView::of(record.as_ref(), gpc_signal(headers), now_ms)
}

/// The `Set-Cookie` value that stores a record, its id signed.
pub fn consent_cookie(record: &ConsentRecord, secret: &[u8], secure: bool) -> HeaderValue {
    cookie_header(
        CONSENT_COOKIE,
        &cookie_value(record, secret),
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
            .and_then(|value| parse_value(value, None))
            .map(|(record, _)| record)
    })
}

/// Enforces the registry on a response's cookies. In production every `Set-Cookie` for a cookie
/// the registry (and so the cookie policy) does not list is removed, and the removal logged as an
/// error: nothing unlisted reaches a visitor. Elsewhere it is left in place and logged, so that
/// the tests that crawl the site see it and fail, instead of a new cookie silently not working
/// until it reaches production.
pub fn strip_unregistered(headers: &mut HeaderMap, environment: Environment) {
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
            name if environment == Environment::Production => {
                tracing::error!(
                    cookie = name.unwrap_or("?"),
                    "a response tried to set a cookie the registry does not list; removed"
                );
            }
            name => {
                tracing::error!(
                    cookie = name.unwrap_or("?"),
                    "a response sets a cookie the registry does not list; list it in app/core/src/storage.rs (production removes it)"
                );
                headers.append(SET_COOKIE, value);
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
    let secret = state.config.secret_key.expose();
    let (parts, body) = request.into_parts();
    let signed = read_signed(&parts.headers, secret);
    let record = read_record(&parts.headers, secret);
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
    strip_unregistered(headers, state.config.environment);

    let set_here = record_set_by(headers);
    let mut in_force = set_here.clone().or(record);
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let newly_signalled = gpc && !in_force.as_ref().is_some_and(|r| r.gpc);
    if newly_signalled && is_page_view && is_html {
        // Recorded once per consent id, and only for an id the browser has kept (its cookie came
        // back signed): a browser that keeps no cookie would otherwise add a row per page view.
        // Until then the cookie says the signal was seen, and the signal is honoured regardless.
        let kept = set_here.is_none().then_some(signed).flatten();
        match kept {
            Some(kept) => {
                match super::service::record_gpc(&state, Some(&kept), who, now).await {
                    Ok(Some(recorded)) => {
                        headers.append(SET_COOKIE, consent_cookie(&recorded, secret, secure));
                        in_force = Some(recorded);
                    }
                    // Rate-limited: the signal is still honoured on this page, and recorded later.
                    Ok(None) => {}
                    Err(_) => {} // logged where it happened; the page is served regardless
                }
            }
            None if !in_force.as_ref().is_some_and(|r| r.gpc_pending) => {
                let seen = super::service::gpc_seen(in_force.as_ref());
                headers.append(SET_COOKIE, consent_cookie(&seen, secret, secure));
                in_force = Some(seen);
            }
            None => {}
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
    fn cookies_the_registry_does_not_list_are_never_sent_in_production() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("_ga=GA1.2; Path=/"));
        headers.append(
            SET_COOKIE,
            cookie_header("candor_visit", "abc", 1800, false),
        );
        let unlisted_and_listed = headers.clone();
        strip_unregistered(&mut headers, Environment::Production);
        let left: Vec<&str> = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(set_cookie_name)
            .collect();
        assert_eq!(left, ["candor_visit"]);

        // In development it stays, for the crawling tests to see.
        let mut headers = unlisted_and_listed;
        strip_unregistered(&mut headers, Environment::Development);
        let left: Vec<&str> = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(set_cookie_name)
            .collect();
        assert_eq!(left, ["_ga", "candor_visit"]);
    }
}
