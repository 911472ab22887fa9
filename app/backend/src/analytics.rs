//! The product's own first-party analytics: page views, stored only for visitors who allowed
//! analytics. What is kept is the time, the path (never the query string, which can carry
//! personal data) and a hash of a random visit id that changes every day, so visits can be
//! counted but not followed from one day to the next.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crm_core::error::AppError;
use crm_core::storage::{Category, VISIT_COOKIE};

use crate::consent::http::view_of;
use crate::cookies::{cookie_header, request_cookie};
use crate::db::Db;
use crate::rate_limit::{Decision, RateLimit};
use crate::state::AppState;

/// Page views one address may report per 15 minutes.
pub const PAGE_VIEW_LIMIT: RateLimit = RateLimit {
    bucket: "page_view",
    max_attempts: 300,
    window_ms: 15 * 60 * 1000,
};

/// A visit ends after 30 minutes without a page view.
const VISIT_SECONDS: i64 = 30 * 60;

const DAY_MS: i64 = 86_400_000;

/// The path of a page view, as reported by the script: a path on this site, without its query
/// string or fragment.
pub fn parse_path(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let path = text.split(['?', '#']).next().unwrap_or_default();
    (path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 300
        && path.bytes().all(|b| b.is_ascii_graphic()))
    .then(|| path.to_owned())
}

/// A visit id as the cookie holds it: 32 lower-case hexadecimal digits.
fn parse_visit(value: &str) -> Option<&str> {
    (value.len() == 32
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(value)
}

/// Stores one page view.
pub async fn record(
    db: &Db,
    secret: &[u8],
    path: &str,
    visit: &str,
    now: i64,
) -> Result<(), AppError> {
    let day = now.div_euclid(DAY_MS);
    let visit_hash = {
        let mut hasher = Sha256::new();
        hasher.update(secret);
        hasher.update(b"page-view-visit");
        hasher.update(day.to_be_bytes());
        hasher.update(visit.as_bytes());
        hex::encode(&hasher.finalize()[..16])
    };
    sqlx::query("INSERT INTO page_views (viewed_at, path, visit_hash) VALUES ($1, $2, $3)")
        .bind(now)
        .bind(path)
        .bind(visit_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// `POST /api/analytics/page-view` with the page's path as a plain-text body. Without analytics
/// consent nothing is stored and no cookie is set; the answer is the same 204 either way.
pub async fn page_view(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let now = state.db.now_millis();
    if !view_of(&parts.headers, now).allows(Category::Analytics) {
        return StatusCode::NO_CONTENT.into_response();
    }
    let Ok(body) = axum::body::to_bytes(body, 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The page path is too long.").into_response();
    };
    let body: Bytes = body;
    let Some(path) = parse_path(&body) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "The body must be the path of a page on this site, such as /privacy.",
        )
            .into_response();
    };
    if let Some(client) = crate::client_ip::client_ip(&parts, state.config.trusted_proxy_hops) {
        match PAGE_VIEW_LIMIT
            .hit(
                &state.db,
                state.config.secret_key.expose(),
                &crate::client_ip::rate_limit_key(Some(client)),
                now,
            )
            .await
        {
            Ok(Decision::Allowed) => {}
            Ok(Decision::Limited) => {
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, HeaderValue::from_static("900"))],
                    "Too many page views from this address; please wait a few minutes.",
                )
                    .into_response();
            }
            Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        }
    }
    let visit = request_cookie(&parts.headers, VISIT_COOKIE)
        .and_then(parse_visit)
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    match record(
        &state.db,
        state.config.secret_key.expose(),
        &path,
        &visit,
        now,
    )
    .await
    {
        Ok(()) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().append(
                SET_COOKIE,
                cookie_header(VISIT_COOKIE, &visit, VISIT_SECONDS, state.config.is_https()),
            );
            response
        }
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_this_site_is_counted_and_its_query_is_dropped() {
        assert_eq!(parse_path(b"/privacy"), Some("/privacy".to_owned()));
        assert_eq!(
            parse_path(b"/demo?email=someone@example.com#x"),
            Some("/demo".to_owned())
        );
        for bad in [&b""[..], b"privacy", b"//evil.example/", b"/a b", b"\xff"] {
            assert_eq!(parse_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_visit_cookie_must_look_like_one_we_set() {
        assert!(parse_visit("0123456789abcdef0123456789abcdef").is_some());
        assert!(parse_visit("0123456789ABCDEF0123456789abcdef").is_none());
        assert!(parse_visit("x").is_none());
    }
}
