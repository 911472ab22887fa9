//! Sessions on the wire: the middleware that finds the request's session (which server functions
//! then read through the app's `member` module) and guards the logged-in part of the site.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::session;
use super::session::CurrentSession;
use crate::state::AppState;

/// Around every request: puts the session, when the cookie opens a valid one, in the request's
/// extensions; sends visitors without one from `/app` pages to the log-in page (and members with
/// one from the log-in and sign-up pages to the app); removes a cookie whose session has ended;
/// keeps pages with a member's data out of every cache, and every other page out of shared ones.
pub async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let now = state.db.now_millis();
    let mut ended = false;
    if let Some(secret) =
        session::secret_from(request.headers(), state.config.is_https()).map(str::to_owned)
    {
        match session::load(&state.db, &secret, now).await {
            Ok(Some(current)) => {
                request.extensions_mut().insert(current);
            }
            Ok(None) => ended = true,
            // Logged where it happened; this request goes on as a visitor's.
            Err(_) => {}
        }
    }
    let logged_in = request.extensions().get::<CurrentSession>().is_some();
    let mut response = match guard(request.method(), request.uri(), logged_in) {
        Some(redirect) => redirect,
        None => next.run(request).await,
    };
    let secure = state.config.is_https();
    let headers = response.headers_mut();
    if ended {
        headers.append(header::SET_COOKIE, session::clear_cookie(secure));
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        if logged_in {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        } else if !headers.contains_key(header::CACHE_CONTROL) {
            // Every page's HTML depends on the visitor's consent cookie and `Sec-GPC` (the banner,
            // the analytics script): no shared cache may keep it, and a browser asks again.
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            );
        }
        headers.append(header::VARY, HeaderValue::from_static("Cookie, Sec-GPC"));
    }
    response
}

/// Where a page request must go instead, if anywhere.
fn guard(method: &Method, uri: &Uri, logged_in: bool) -> Option<Response> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return None;
    }
    let path = uri.path();
    let in_app = path == "/app" || path.starts_with("/app/");
    if in_app && !logged_in {
        let target = uri.path_and_query().map_or(path, |pq| pq.as_str());
        let next = crm_core::consent::encode_query_value(target);
        return Some(Redirect::to(&format!("/login?next={next}")).into_response());
    }
    if logged_in && matches!(path, "/login" | "/signup") {
        return Some(Redirect::to("/app").into_response());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(response: Option<Response>) -> Option<String> {
        response.map(|r| {
            r.headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        })
    }

    #[test]
    fn app_pages_send_visitors_to_log_in_and_come_back_afterwards() {
        let uri: Uri = "/app/settings/profile?tab=1".parse().unwrap();
        assert_eq!(
            target(guard(&Method::GET, &uri, false)).as_deref(),
            Some("/login?next=/app/settings/profile%3Ftab%3D1")
        );
        assert_eq!(target(guard(&Method::GET, &uri, true)), None);
        let apple: Uri = "/apple".parse().unwrap();
        assert_eq!(target(guard(&Method::GET, &apple, false)), None);
    }

    #[test]
    fn members_skip_the_log_in_and_sign_up_pages_and_posts_are_never_redirected() {
        let login: Uri = "/login".parse().unwrap();
        assert_eq!(
            target(guard(&Method::GET, &login, true)).as_deref(),
            Some("/app")
        );
        assert_eq!(target(guard(&Method::GET, &login, false)), None);
        let app: Uri = "/app".parse().unwrap();
        assert_eq!(target(guard(&Method::POST, &app, false)), None);
    }
}
