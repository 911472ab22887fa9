//! Server functions the account pages load their data with. The forms themselves are plain POSTs
//! (see `server/src/account_forms.rs`), so they work the same with and without JavaScript.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crm_core::accounts::Viewer;
use crm_core::error::AppError;
use crm_core::forms::FormState;

/// What an account form starts with: empty on a fresh page, or the answer to a POST.
#[server(prefix = "/api", endpoint = "accounts/form")]
pub async fn account_form() -> Result<FormState, AppError> {
    Ok(crate::form::posted_form())
}

/// The sign-up form's state and the privacy policy version it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupFormState {
    pub form: FormState,
    pub policy_version: Option<i64>,
    /// The country code to select at first ("GB"): the region of the browser's first language
    /// that names one, or empty.
    pub country: String,
    /// How the new member's dates will be written, from the browser's languages ("en-US").
    pub language: String,
}

#[server(prefix = "/api", endpoint = "accounts/signup-form")]
pub async fn signup_form() -> Result<SignupFormState, AppError> {
    let state = crate::context::state()?;
    let policy_version =
        match crm_backend::policy::db::current(&state.db, state.db.now_millis()).await {
            Ok(policy) => Some(policy.summary.version),
            Err(AppError::NotFound) => None,
            Err(other) => return Err(other),
        };
    let languages = use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            let languages = parts.headers.get(axum::http::header::ACCEPT_LANGUAGE)?;
            Some(languages.to_str().ok()?.to_owned())
        })
        .unwrap_or_default();
    let country = crm_core::country::Country::from_accept_language(&languages)
        .map(|country| country.code().to_owned())
        .unwrap_or_default();
    Ok(SignupFormState {
        form: crate::form::posted_form(),
        policy_version,
        country,
        language: crm_core::time::Locale::from_accept_language(&languages)
            .tag()
            .to_owned(),
    })
}

/// Whether an e-mailed link still works, to show its form or say that it has expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    VerifyEmail,
    ResetPassword,
}

/// The state of a page opened from an e-mailed link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPageState {
    pub usable: bool,
    pub form: FormState,
    /// Whether the browser is logged in (to offer a new link or the way back to the app).
    pub logged_in: bool,
}

#[server(prefix = "/api", endpoint = "accounts/link")]
pub async fn link_page(kind: LinkKind, token: String) -> Result<LinkPageState, AppError> {
    use crm_backend::accounts::tokens::Purpose;
    let state = crate::context::state()?;
    let purpose = match kind {
        LinkKind::VerifyEmail => Purpose::VerifyEmail,
        LinkKind::ResetPassword => Purpose::ResetPassword,
    };
    let form = crate::form::posted_form();
    // After a POST that found the link spent, the page says so whatever the table says now.
    let spent = form
        .notice
        .as_ref()
        .is_some_and(|n| n.message == crm_core::accounts::notices::LINK_INVALID);
    let usable =
        !spent && crm_backend::accounts::service::link_is_usable(&state, purpose, &token).await?;
    Ok(LinkPageState {
        usable,
        form,
        logged_in: crate::member::current_session().is_some(),
    })
}

/// The logged-in member and their workspace, fresh from the session.
#[server(prefix = "/api", endpoint = "accounts/me")]
pub async fn me() -> Result<Viewer, AppError> {
    crate::member::as_member(|session, _state| async move { Ok(session.viewer) }).await
}

/// The logged-in member's sessions, on every device.
#[server(prefix = "/api", endpoint = "accounts/sessions")]
pub async fn load_sessions() -> Result<Vec<crm_core::accounts::SessionSummary>, AppError> {
    crate::member::as_member(|current, state| async move {
        crm_backend::accounts::session::list_for(&state.db, &current, state.db.now_millis()).await
    })
    .await
}

/// Everything the profile page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePageState {
    pub member_id: crm_core::ids::MemberId,
    /// What the details form starts with: the stored profile, or what a plain POST sent.
    pub details: crm_core::accounts::profile::ProfileFields,
    /// The stored profile (the details as last saved).
    pub saved: crm_core::accounts::profile::ProfileFields,
    pub details_errors: Vec<crm_core::forms::FieldProblem>,
    /// A message about the details form as a whole (a conflict, a failure).
    pub details_notice: Option<String>,
    pub email: String,
    pub email_verified: bool,
    pub email_form: FormState,
    pub password_form: FormState,
}

/// Which of the profile page's forms a plain POST answer is about (a form value named `form`).
#[cfg(feature = "ssr")]
fn posted_for(form: &FormState, which: &str) -> bool {
    form.value("form") == which
}

#[server(prefix = "/api", endpoint = "accounts/profile")]
pub async fn load_profile() -> Result<ProfilePageState, AppError> {
    crate::member::as_member(|current, state| async move {
        let saved =
            crm_backend::accounts::db::load_profile(state.db.pool(), current.viewer.member_id)
                .await?;
        let posted = crate::form::posted_form();
        let (details, details_errors, details_notice) = if posted_for(&posted, "details") {
            (
                crm_core::accounts::profile::ProfileFields::from_values(&posted.values),
                posted.errors.clone(),
                posted.notice.clone().map(|notice| notice.message),
            )
        } else {
            (saved.clone(), Vec::new(), None)
        };
        let pick = |which: &str| {
            if posted_for(&posted, which) {
                posted.clone()
            } else {
                FormState::default()
            }
        };
        Ok(ProfilePageState {
            member_id: current.viewer.member_id,
            details,
            saved,
            details_errors,
            details_notice,
            email: current.viewer.email.clone(),
            email_verified: current.viewer.email_verified,
            email_form: pick("email"),
            password_form: pick("password"),
        })
    })
    .await
}

/// Saves the profile from the page (with JavaScript). The plain form POST runs the same checks.
/// A field's problem comes back as a validation error naming it; an edit from an older version
/// as a conflict.
/// A saved profile, and the member's clock from its time zone and language, for the pages
/// drawn from then on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedProfile {
    pub fields: crm_core::accounts::profile::ProfileFields,
    pub clock: crm_core::time::Wallclock,
}

#[server(prefix = "/api", endpoint = "accounts/profile/save")]
pub async fn save_profile(
    fields: crm_core::accounts::profile::ProfileFields,
) -> Result<SavedProfile, AppError> {
    crate::member::as_member(|current, state| async move {
        if let Some(problem) = fields.problems().into_iter().next() {
            return Err(AppError::validation(problem.field, problem.message));
        }
        let saved = crm_backend::accounts::db::save_profile(
            state.db.pool(),
            current.viewer.member_id,
            &fields,
            state.db.now_millis(),
        )
        .await?;
        tracing::info!(member_id = %current.viewer.member_id, "profile saved");
        let optional = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        let clock = crm_backend::accounts::session::clock_of(
            optional(&saved.time_zone).as_deref(),
            optional(&saved.language).as_deref(),
            state.db.now_millis(),
        );
        Ok(SavedProfile {
            fields: saved,
            clock,
        })
    })
    .await
}
