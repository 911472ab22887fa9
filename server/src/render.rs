//! Answering a plain form POST with a page: the app rendered whole (the answer is for browsers
//! that may run no JavaScript) with extra context, such as what was typed and what is wrong.

use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// Renders the page at the request's path with `provide` run in its context, and answers with
/// `status`. Such answers are never cached; a 429 says when to come back.
pub async fn page_with_context(
    state: AppState,
    parts: Parts,
    status: StatusCode,
    provide: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let options = state.config.leptos.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            crate::provide_render_context(&state);
            provide();
        },
        move || shell(options.clone()),
    );
    let mut response = render(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if status == StatusCode::TOO_MANY_REQUESTS {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
