//! What happens to a demo request, whichever way it arrives (the plain form POST or the server
//! function): rate limit, spam checks, validation, then the lead and the sales e-mail together.

use std::net::IpAddr;

use crm_core::demo::{DemoFields, DemoRequest, FieldError};
use crm_core::error::AppError;
use crm_core::leads::{LeadSource, MarketingChoice};

use super::stamp::{self, StampProblem};
use crate::leads::db::NewLead;
use crate::mail::Email;
use crate::rate_limit::{Decision, RateLimit};
use crate::state::AppState;

/// Requests per address and window. Counted on every attempt, so a bot retrying with changed
/// values is slowed as much as one sending the same request.
pub const DEMO_LIMIT: RateLimit = RateLimit {
    bucket: "demo",
    max_attempts: 8,
    window_ms: 15 * 60 * 1000,
};

/// A submitted form with its hidden fields.
#[derive(Clone, Debug, Default)]
pub struct Submission {
    pub fields: DemoFields,
    /// The signed time the form was shown.
    pub stamp: String,
    /// The privacy policy version the page linked to beside the marketing box.
    pub policy_version: Option<i64>,
    /// The honeypot: hidden from people, filled in by bots.
    pub honeypot: String,
}

/// How a submission ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Stored as a lead; the sales e-mail is queued.
    Accepted,
    /// The honeypot was filled: nothing is stored, and the sender is told it went through.
    Discarded,
    /// One or more fields need fixing; every problem, in form order.
    Invalid(Vec<FieldError>),
    /// Sent sooner than a person could fill the form.
    TooFast,
    /// The form's stamp is missing, forged or over a day old.
    Stale,
    /// Too many attempts from this address.
    RateLimited,
}

/// Decides and, when everything is right, stores the request.
pub async fn submit(
    state: &AppState,
    client: Option<IpAddr>,
    submission: &Submission,
) -> Result<Outcome, AppError> {
    let now = state.db.now_millis();
    let secret = state.config.secret_key.expose();
    let key = crate::client_ip::rate_limit_key(client);
    if DEMO_LIMIT.hit(&state.db, secret, &key, now).await? == Decision::Limited {
        tracing::info!("demo request refused by the rate limit");
        return Ok(Outcome::RateLimited);
    }
    if !submission.honeypot.trim().is_empty() {
        tracing::info!("demo request discarded: the honeypot was filled");
        return Ok(Outcome::Discarded);
    }
    let request = match DemoRequest::parse(&submission.fields) {
        Ok(request) => request,
        Err(errors) => return Ok(Outcome::Invalid(errors)),
    };
    match stamp::check(secret, &submission.stamp, now) {
        Ok(()) => {}
        Err(StampProblem::TooFast) => {
            tracing::info!("demo request refused: sent too fast");
            return Ok(Outcome::TooFast);
        }
        Err(StampProblem::Invalid) => return Ok(Outcome::Stale),
    }

    let policy_version =
        crate::policy::db::shown_or_current(&state.db, submission.policy_version, now).await?;
    let mut tx = state.db.begin_write().await?;
    let lead = crate::leads::db::insert(
        &mut *tx,
        &NewLead {
            workspace: state.vendor_workspace,
            name: &request.name,
            email: &request.email,
            company_name: &request.company,
            phone: request.phone.as_deref(),
            source: LeadSource::RequestADemo,
            owner: None,
            team_size: Some(request.team_size.as_str()),
            message: request.message.as_deref(),
            marketing: Some(MarketingChoice {
                consented: request.wants_marketing,
                at: now,
                policy_version,
            }),
        },
        now,
    )
    .await?;
    let email = sales_email(state, &request, now, policy_version);
    crate::mail::enqueue(&mut *tx, &state.config, &email, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(lead_id = %lead, "demo request accepted");
    Ok(Outcome::Accepted)
}

fn sales_email(state: &AppState, request: &DemoRequest, now: i64, policy_version: i64) -> Email {
    let consent = if request.wants_marketing { "yes" } else { "no" };
    let text = format!(
        "A new demo request arrived through the website.\n\n\
         Name: {name}\n\
         Work e-mail: {email}\n\
         Company: {company}\n\
         Phone: {phone}\n\
         Team size: {team}\n\
         Marketing e-mail: {consent} (chosen {when}, privacy policy version {policy_version})\n\n\
         Message:\n{message}\n\n\
         The lead is in the operators' workspace with source \"Request a Demo\".\n\
         {site}\n",
        name = request.name,
        email = request.email,
        company = request.company,
        phone = request.phone.as_deref().unwrap_or("not given"),
        team = request.team_size.label(),
        when = crm_core::time::utc_time(now),
        message = request.message.as_deref().unwrap_or("(none)"),
        site = state.config.site_url,
    );
    Email {
        to: state.config.sales_inbox.clone(),
        reply_to: Some(request.email.clone()),
        subject: format!("Demo request: {}", request.company),
        text,
    }
}
