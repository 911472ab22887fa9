//! The workspace forms: invite, revoke, remove, change a role, hand over ownership, switch
//! workspace, and accept an invitation. Plain form POSTs; each change is decided in
//! `crm_backend::team`, in the session's workspace only.

use crate::context::SiteState;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use crm_backend::accounts::service::Outcome;
use crm_backend::accounts::session::CurrentSession;
use crm_backend::accounts::session::{self, Device};
use crm_backend::team::{self, AcceptProblem, InviteFields, JoinFields, JoinOutcome};
use serde::Deserialize;

use crm_core::accounts::notices;
use crm_core::error::AppError;
use crm_core::forms::{FieldProblem, FormNotice, FormState};
use crm_core::ids::MemberId;

use crate::form_answer::{form_again, read_form, session_of};

const SETTINGS: &str = "/app/settings/workspace";

/// The settings page again with an error about the whole page (a refused or failed change).
async fn refused(state: SiteState, mut parts: Parts, error: AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match error {
        AppError::Internal => notices::UNAVAILABLE.to_owned(),
        other => other.to_string(),
    };
    parts.uri = axum::http::Uri::from_static(SETTINGS);
    form_again(
        state,
        parts,
        status,
        FormState::with_notice(FormNotice::error(message)),
    )
    .await
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("{SETTINGS}?done={what}")).into_response()
}

fn log_in_first() -> Response {
    Redirect::to(&format!("/login?next={SETTINGS}")).into_response()
}

/// `POST /app/settings/workspace/invite`.
pub async fn post_invite(State(state): State<SiteState>, request: Request) -> Response {
    let (mut parts, fields) = read_form::<InviteFields>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return log_in_first();
    };
    let values = vec![
        ("email".to_owned(), fields.email.clone()),
        ("role".to_owned(), fields.role.clone()),
    ];
    parts.uri = axum::http::Uri::from_static(SETTINGS);
    match team::invite(&state, &session, &fields).await {
        Ok(Outcome::Done(())) => done("invited"),
        Ok(Outcome::Invalid(errors)) => {
            let form = FormState {
                values,
                errors,
                notice: None,
                existing: Vec::new(),
            };
            form_again(state, parts, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Ok(Outcome::RateLimited) => {
            let form = FormState {
                values,
                errors: Vec::new(),
                notice: Some(FormNotice::error(notices::RATE_LIMITED)),
                existing: Vec::new(),
            };
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => refused(state, parts, error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
struct MemberAction {
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    role: String,
}

#[derive(Debug, Default, Deserialize)]
struct InvitationAction {
    #[serde(default)]
    invitation_id: String,
}

/// `POST /app/settings/workspace/revoke`.
pub async fn post_revoke(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, form) = read_form::<InvitationAction>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return log_in_first();
    };
    let result = match uuid::Uuid::parse_str(form.invitation_id.trim()) {
        Ok(id) => team::revoke(&state, &session, id).await,
        Err(_) => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => done("revoked"),
        Err(error) => refused(state, parts, error).await,
    }
}

/// Runs a change about one member of the workspace and answers with the settings page.
async fn member_change<F, Fut>(
    state: SiteState,
    request: Request,
    what: &str,
    change: F,
) -> Response
where
    F: FnOnce(SiteState, CurrentSession, MemberId, String) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>>,
{
    let (parts, form) = read_form::<MemberAction>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return log_in_first();
    };
    let result = match form.member_id.trim().parse::<MemberId>() {
        Ok(member) => change(state.clone(), session, member, form.role).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => done(what),
        Err(error) => refused(state, parts, error).await,
    }
}

/// `POST /app/settings/workspace/remove`.
pub async fn post_remove(State(state): State<SiteState>, request: Request) -> Response {
    member_change(
        state,
        request,
        "removed",
        |state, session, member, _| async move { team::remove(&state, &session, member).await },
    )
    .await
}

/// `POST /app/settings/workspace/role`.
pub async fn post_role(State(state): State<SiteState>, request: Request) -> Response {
    member_change(
        state,
        request,
        "role",
        |state, session, member, role| async move {
            team::change_role(&state, &session, member, &role).await
        },
    )
    .await
}

/// `POST /app/settings/workspace/transfer`.
pub async fn post_transfer(State(state): State<SiteState>, request: Request) -> Response {
    member_change(
        state,
        request,
        "transferred",
        |state, session, member, _| async move {
            team::transfer_ownership(&state, &session, member).await
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct CountryForm {
    #[serde(default)]
    country: String,
}

/// `POST /app/settings/workspace/country`.
pub async fn post_country(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, form) = read_form::<CountryForm>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return log_in_first();
    };
    match team::set_country(&state, &session, &form.country).await {
        Ok(()) => done("country"),
        Err(error) => refused(state, parts, error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
struct SwitchForm {
    #[serde(default)]
    workspace_id: String,
}

/// `POST /app/workspace/switch`.
pub async fn post_switch(State(state): State<SiteState>, request: Request) -> Response {
    let (parts, form) = read_form::<SwitchForm>(&state, request).await;
    let Some(session) = session_of(&parts) else {
        return log_in_first();
    };
    let result = match form.workspace_id.trim().parse() {
        Ok(workspace) => team::switch(&state, &session, workspace).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to("/app").into_response(),
        Err(error) => refused(state, parts, error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
struct InvitationForm {
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    join: JoinFields,
}

/// `POST /invitations/{token}`: accept as the logged-in member, or join with a new account.
pub async fn post_invitation(
    State(state): State<SiteState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, form) = read_form::<InvitationForm>(&state, request).await;
    let problem_page = |problem: AcceptProblem| {
        let (status, message) = match problem {
            AcceptProblem::Spent => (StatusCode::NOT_FOUND, notices::LINK_INVALID),
            AcceptProblem::OtherAccount => (
                StatusCode::FORBIDDEN,
                "This invitation is for another e-mail address. Log out, then open the link again.",
            ),
            AcceptProblem::AccountExists => (
                StatusCode::CONFLICT,
                "An account with this e-mail address exists now. Log in to accept the invitation.",
            ),
        };
        (status, FormState::with_notice(FormNotice::error(message)))
    };
    if form.action == "accept" {
        let Some(session) = session_of(&parts) else {
            return Redirect::to(&format!("/login?next=/invitations/{token}")).into_response();
        };
        return match team::accept_as_member(&state, &session, &token).await {
            Ok(Ok(())) => Redirect::to("/app").into_response(),
            Ok(Err(problem)) => {
                let (status, form) = problem_page(problem);
                form_again(state, parts, status, form).await
            }
            Err(_) => {
                let form = FormState::with_notice(FormNotice::error(notices::UNAVAILABLE));
                form_again(state, parts, StatusCode::INTERNAL_SERVER_ERROR, form).await
            }
        };
    }
    let client = crm_backend::client_ip::client_ip(&parts, state.config.trusted_proxy_hops);
    let device = Device {
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip_address: client.map(|ip| ip.to_string()),
    };
    match team::join_with_new_account(&state, client, &device, &token, &form.join).await {
        Ok(JoinOutcome::Joined(new)) => {
            let mut response = Redirect::to("/app").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session::cookie(&new, state.db.now_millis(), state.config.is_https()),
            );
            response
        }
        Ok(JoinOutcome::Invalid(errors)) => {
            let form = FormState {
                values: form.join.echo(),
                errors,
                notice: None,
                existing: Vec::new(),
            };
            form_again(state, parts, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Ok(JoinOutcome::Refused(problem)) => {
            let (status, form) = problem_page(problem);
            form_again(state, parts, status, form).await
        }
        Ok(JoinOutcome::RateLimited) => {
            let form = FormState {
                values: form.join.echo(),
                errors: Vec::<FieldProblem>::new(),
                notice: Some(FormNotice::error(notices::RATE_LIMITED)),
                existing: Vec::new(),
            };
            form_again(state, parts, StatusCode::TOO_MANY_REQUESTS, form).await
        }
        Err(error) => {
            let form = FormState {
                values: form.join.echo(),
                errors: Vec::<FieldProblem>::new(),
                notice: Some(FormNotice::error(notices::UNAVAILABLE)),
                existing: Vec::new(),
            };
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            form_again(state, parts, status, form).await
        }
    }
}
