//! Answering a plain form POST with a page: the app rendered whole (the answer is for browsers
//! that may run no JavaScript) with extra context, such as what was typed and what is wrong.

use crate::context::SiteState;
use crate::form::PostedForm;
use crate::shell;
use axum::body::Body;
use axum::extract::{Form, FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use crm_backend::accounts::session::CurrentSession;
use crm_core::forms::FormState;
use leptos::prelude::provide_context;
use serde::de::DeserializeOwned;

/// The member whose session the request carries (loaded by the session middleware), if any.
pub fn session_of(parts: &Parts) -> Option<CurrentSession> {
    parts.extensions.get::<CurrentSession>().cloned()
}

/// Reads a posted form; a damaged body reads as an empty form, which is then answered with
/// field errors like any incomplete one.
pub async fn read_form<T: DeserializeOwned + Default>(
    state: &SiteState,
    request: Request,
) -> (Parts, T) {
    let (parts, body) = request.into_parts();
    let form = Form::<T>::from_request(Request::from_parts(parts.clone(), body), state)
        .await
        .map(|Form(form)| form)
        .unwrap_or_default();
    (parts, form)
}

/// The page at the request's path again, showing `form` (what was typed and what is wrong),
/// with `status`.
pub async fn form_again(
    state: SiteState,
    parts: Parts,
    status: StatusCode,
    form: FormState,
) -> Response {
    let posted = PostedForm(form);
    page_with_context(state, parts, status, move || {
        provide_context(posted.clone())
    })
    .await
}

/// Renders the page at the request's path with `provide` run in its context, and answers with
/// `status`. Such answers are never cached; a 429 says when to come back.
pub async fn page_with_context(
    state: SiteState,
    parts: Parts,
    status: StatusCode,
    provide: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let options = state.leptos.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            crate::context::provide_render_context(&state.app);
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
    // The database was busy (`AppError::Busy`): the same form may be sent again shortly.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from(crm_core::error::RETRY_AFTER_BUSY_SECS),
        );
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
