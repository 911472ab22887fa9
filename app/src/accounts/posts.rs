//! The account forms, posted as plain HTML forms (with or without JavaScript). A form that worked
//! redirects (303), so a reload never sends it twice; one that needs fixing is answered with its
//! page again: what was typed (never a password), each problem beside its field, and the right
//! status (422, 401 for a failed log-in, 429 for a rate limit).

use crate::context::SiteState;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use crm_backend::accounts::service::{self, LoginOutcome, Outcome, ResetOutcome};
use crm_backend::accounts::session::CurrentSession;
use crm_backend::accounts::session::{self, Device};

use crm_core::accounts::{ForgotFields, LoginFields, ResetFields, SignupFields, notices};
use crm_core::forms::{FieldProblem, FormNotice, FormState};

use crate::form_answer::{form_again, read_form};

fn client(state: &SiteState, parts: &Parts) -> Option<std::net::IpAddr> {
    crm_backend::client_ip::client_ip(parts, state.config.trusted_proxy_hops)
}

fn device(state: &SiteState, parts: &Parts) -> Device {
    Device {
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip_address: client(state, parts).map(|ip| ip.to_string()),
    }
}

fn invalid(values: Vec<(String, String)>, errors: Vec<FieldProblem>) -> FormState {
    FormState {
        values,
        errors,
        notice: None,
        existing: Vec::new(),
    }
}

fn notice(values: Vec<(String, String)>, message: &str) -> FormState {
    FormState {
        values,
        errors: Vec::new(),
        notice: Some(FormNotice::error(message)),
        existing: Vec::new(),
    }
}

/// Something failed on our side (already logged): the page again, nothing typed lost.
async fn unavailable(
    state: SiteState,
    parts: Parts,
    error: &crm_core::error::AppError,
    values: Vec<(String, String)>,
) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = form_again(state, parts, status, notice(values, notices::UNAVAILABLE)).await;
    // The error says when to come back (the hash ceiling's wait is longer than a busy database's).
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
    }
    response
}

/// A redirect that also stores a new session cookie.
fn redirect_with_session(state: &SiteState, to: &str, session: &session::NewSession) -> Response {
    let now = state.db.now_millis();
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(session, now, state.config.is_https()),
    );
    response
}

/// `POST /signup`.
pub async fn post_signup(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<SignupFields>(&state, request).await;
    let values = fields.echo();
    match service::sign_up(&state, client(&state, &parts), &fields).await {
        Ok(Outcome::Done(())) => Redirect::to("/signup/check-email").into_response(),
        Ok(Outcome::Invalid(errors)) => {
            form_again(
                state,
                parts,
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid(values, errors),
            )
            .await
        }
        Ok(Outcome::RateLimited) => {
            let form = notice(values, notices::RATE_LIMITED);
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => unavailable(state, parts, &error, values).await,
    }
}

/// `POST /login`.
pub async fn post_login(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<LoginFields>(&state, request).await;
    let values = vec![
        ("email".to_owned(), fields.email.clone()),
        ("next".to_owned(), fields.next.clone()),
    ];
    let previous = session::secret_from(&parts.headers, state.config.is_https()).map(str::to_owned);
    let outcome = service::log_in(
        &state,
        client(&state, &parts),
        &device(&state, &parts),
        &fields,
        previous.as_deref(),
    )
    .await;
    match outcome {
        Ok(LoginOutcome::LoggedIn {
            session,
            next,
            member,
        }) => {
            let mut response = redirect_with_session(&state, &next, &session);
            if crm_backend::consent::http::gpc_signal(&parts.headers) {
                let previous = crm_backend::consent::http::read_record(
                    &parts.headers,
                    state.config.secret_key.expose(),
                );
                let now = state.db.now_millis();
                let client = client(&state, &parts);
                match crm_backend::consent::service::record_gpc_on_account(
                    &state,
                    previous.as_ref(),
                    client,
                    member,
                    now,
                )
                .await
                {
                    Ok(Some(record)) => {
                        response.headers_mut().append(
                            header::SET_COOKIE,
                            crm_backend::consent::http::consent_cookie(
                                &record,
                                state.config.secret_key.expose(),
                                state.config.is_https(),
                            ),
                        );
                    }
                    // Already on the account, or rate-limited (recorded at a later login).
                    Ok(None) => {}
                    Err(_) => {} // logged where it happened; the login stands
                }
            }
            response
        }
        Ok(LoginOutcome::Failed) => {
            let form = notice(values, notices::LOGIN_FAILED);
            form_again(state, parts, StatusCode::UNAUTHORIZED, form).await
        }
        Ok(LoginOutcome::NoWorkspace) => {
            let form = notice(values, notices::NO_WORKSPACE);
            form_again(state, parts, StatusCode::FORBIDDEN, form).await
        }
        Ok(LoginOutcome::Invalid(errors)) => {
            form_again(
                state,
                parts,
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid(values, errors),
            )
            .await
        }
        Ok(LoginOutcome::RateLimited) => {
            let form = notice(values, notices::RATE_LIMITED);
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => unavailable(state, parts, &error, values).await,
    }
}

/// `POST /logout`: ends this browser's session and removes its cookie.
pub async fn post_logout(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if let Some(secret) = session::secret_from(&parts.headers, state.config.is_https()) {
        // Logged where it happened; the cookie is removed all the same.
        let _ = service::log_out(&state, secret).await;
    }
    let mut response = Redirect::to("/logout").into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        session::clear_cookie(state.config.is_https()),
    );
    // Unsaved drafts are the member's: the next person on this browser must not find them. The
    // consent choice lives on in its cookie, from which the page script copies it again.
    headers.insert(
        axum::http::HeaderName::from_static("clear-site-data"),
        axum::http::HeaderValue::from_static("\"storage\""),
    );
    response
}

/// `POST /forgot-password`.
pub async fn post_forgot(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, fields) = read_form::<ForgotFields>(&state, request).await;
    let values = vec![("email".to_owned(), fields.email.clone())];
    match service::request_password_reset(&state, client(&state, &parts), &fields).await {
        Ok(Outcome::Done(())) => Redirect::to("/forgot-password/sent").into_response(),
        Ok(Outcome::Invalid(errors)) => {
            form_again(
                state,
                parts,
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid(values, errors),
            )
            .await
        }
        Ok(Outcome::RateLimited) => {
            let form = notice(values, notices::RATE_LIMITED);
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => unavailable(state, parts, &error, values).await,
    }
}

/// `POST /reset-password/{token}`.
pub async fn post_reset(
    State(state): State<SiteState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = read_form::<ResetFields>(&state, request).await;
    let device = device(&state, &parts);
    match service::reset_password(&state, client(&state, &parts), &token, &device, &fields).await {
        Ok(ResetOutcome::Done(session)) => redirect_with_session(&state, "/app", &session),
        Ok(ResetOutcome::Invalid(errors)) => {
            form_again(
                state,
                parts,
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid(Vec::new(), errors),
            )
            .await
        }
        Ok(ResetOutcome::LinkInvalid) => {
            let form = notice(Vec::new(), notices::LINK_INVALID);
            form_again(state, parts, StatusCode::NOT_FOUND, form).await
        }
        Ok(ResetOutcome::RateLimited) => {
            let form = notice(Vec::new(), notices::RATE_LIMITED);
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => unavailable(state, parts, &error, Vec::new()).await,
    }
}

/// `POST /verify-email/{token}`.
pub async fn post_verify(
    State(state): State<SiteState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    match service::verify_email(&state, &token).await {
        Ok(true) => Redirect::to("/email-verified").into_response(),
        Ok(false) => {
            let form = notice(Vec::new(), notices::LINK_INVALID);
            form_again(state, parts, StatusCode::NOT_FOUND, form).await
        }
        Err(error) => unavailable(state, parts, &error, Vec::new()).await,
    }
}

/// `POST /app/verification`: a new verification link for the logged-in member.
pub async fn post_resend_verification(
    State(state): State<SiteState>,
    request: Request,
) -> Response {
    let Some(current) = request.extensions().get::<CurrentSession>().cloned() else {
        return Redirect::to("/login?next=/app").into_response();
    };
    match service::resend_verification(&state, &current).await {
        Ok(Outcome::Done(())) | Ok(Outcome::Invalid(_)) => {
            Redirect::to("/app?verification=sent").into_response()
        }
        Ok(Outcome::RateLimited) => Redirect::to("/app?verification=limited").into_response(),
        // Logged where it happened.
        Err(_) => Redirect::to("/app?verification=failed").into_response(),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct EndSessionForm {
    #[serde(default)]
    session_id: String,
}

/// `POST /app/settings/sessions/end`: ends one of the member's own sessions. Ending this
/// browser's own is logging out.
pub async fn post_end_session(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, form) = read_form::<EndSessionForm>(&state, request).await;
    let Some(current) = parts.extensions.get::<CurrentSession>().cloned() else {
        return Redirect::to("/login?next=/app/settings/sessions").into_response();
    };
    let Ok(id) = uuid::Uuid::parse_str(form.session_id.trim()) else {
        return Redirect::to("/app/settings/sessions?done=gone").into_response();
    };
    match session::end_own(&state.db, &current, id).await {
        Ok(()) if id == current.id => {
            let mut response = Redirect::to("/logout").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session::clear_cookie(state.config.is_https()),
            );
            response
        }
        Ok(()) => Redirect::to("/app/settings/sessions?done=ended").into_response(),
        // Not one of this member's sessions (or already ended): nothing to say about it.
        Err(crm_core::error::AppError::NotFound) => {
            Redirect::to("/app/settings/sessions?done=gone").into_response()
        }
        // Logged where it happened.
        Err(_) => Redirect::to("/app/settings/sessions?done=failed").into_response(),
    }
}

/// The profile's forms are answered with the profile page, naming which form the answer is about.
fn profile_form(
    which: &str,
    mut values: Vec<(String, String)>,
    errors: Vec<FieldProblem>,
    notice: Option<FormNotice>,
) -> FormState {
    values.push(("form".to_owned(), which.to_owned()));
    FormState {
        values,
        errors,
        notice,
        existing: Vec::new(),
    }
}

fn profile_login() -> Response {
    Redirect::to("/login?next=/app/settings/profile").into_response()
}

/// `POST /app/settings/profile`: the details, without JavaScript.
pub async fn post_profile(State(state): State<SiteState>, request: Request) -> Response {
    use crm_core::accounts::profile::ProfileFields;
    let (parts, fields) = read_form::<ProfileFields>(&state, request).await;
    let Some(current) = parts.extensions.get::<CurrentSession>().cloned() else {
        return profile_login();
    };
    let problems = fields.problems();
    if !problems.is_empty() {
        let form = profile_form("details", fields.to_values(), problems, None);
        return form_again(state, parts, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    }
    let now = state.db.now_millis();
    match crm_backend::accounts::db::save_profile(
        state.db.pool(),
        current.viewer.member_id,
        &fields,
        now,
    )
    .await
    {
        Ok(_) => {
            tracing::info!(member_id = %current.viewer.member_id, "profile saved");
            Redirect::to("/app/settings/profile?saved=details").into_response()
        }
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = match error {
                crm_core::error::AppError::Internal => notices::UNAVAILABLE.to_owned(),
                other => other.to_string(),
            };
            let form = profile_form(
                "details",
                fields.to_values(),
                Vec::new(),
                Some(FormNotice::error(message)),
            );
            form_again(state, parts, status, form).await
        }
    }
}

/// Answers one of the profile's smaller forms (e-mail, password).
async fn profile_outcome(
    state: SiteState,
    parts: Parts,
    which: &str,
    values: Vec<(String, String)>,
    outcome: Result<Outcome<()>, crm_core::error::AppError>,
) -> Response {
    match outcome {
        Ok(Outcome::Done(())) => {
            Redirect::to(&format!("/app/settings/profile?saved={which}")).into_response()
        }
        Ok(Outcome::Invalid(errors)) => {
            let form = profile_form(which, values, errors, None);
            form_again(state, parts, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Ok(Outcome::RateLimited) => {
            let form = profile_form(
                which,
                values,
                Vec::new(),
                Some(FormNotice::error(notices::RATE_LIMITED)),
            );
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let form = profile_form(
                which,
                values,
                Vec::new(),
                Some(FormNotice::error(notices::UNAVAILABLE)),
            );
            form_again(state, parts, status, form).await
        }
    }
}

/// `POST /app/settings/profile/email`.
pub async fn post_email_change(State(state): State<SiteState>, request: Request) -> Response {
    let (mut parts, fields) = read_form::<service::EmailChangeFields>(&state, request).await;
    let Some(current) = parts.extensions.get::<CurrentSession>().cloned() else {
        return profile_login();
    };
    let values = vec![("new_email".to_owned(), fields.new_email.clone())];
    let outcome = service::request_email_change(&state, &current, &fields).await;
    parts.uri = axum::http::Uri::from_static("/app/settings/profile");
    profile_outcome(state, parts, "email", values, outcome).await
}

/// `POST /app/settings/profile/password`.
pub async fn post_password_change(State(state): State<SiteState>, request: Request) -> Response {
    let (mut parts, fields) = read_form::<service::PasswordChangeFields>(&state, request).await;
    let Some(current) = parts.extensions.get::<CurrentSession>().cloned() else {
        return profile_login();
    };
    let outcome = service::change_password(&state, &current, &fields).await;
    parts.uri = axum::http::Uri::from_static("/app/settings/profile");
    profile_outcome(state, parts, "password", Vec::new(), outcome).await
}
