//! Recording decisions: the banner, the dialog, the forms without JavaScript and the Global
//! Privacy Control signal all come through here, so each one appends exactly one ledger row.

use std::net::IpAddr;

use crm_core::consent::{Action, ConsentId, ConsentRecord, ConsentView, Decision, Source, resolve};
use crm_core::error::AppError;
use crm_core::ids::MemberId;
use crm_core::storage::REVISION;

use super::ledger::{LedgerEntry, append};
use crate::rate_limit::{Decision as Limit, RateLimit};
use crate::state::AppState;

/// Decisions one address may record per 15 minutes. A person changes their mind a few times at
/// most; the limit keeps a script from filling the ledger.
pub const CONSENT_LIMIT: RateLimit = RateLimit {
    bucket: "consent",
    max_attempts: 60,
    window_ms: 15 * 60 * 1000,
};

/// Who decides: the client's address (for the rate limit) and the member, when logged in, whose
/// id the ledger row then carries.
#[derive(Clone, Copy, Debug, Default)]
pub struct Requester {
    pub client: Option<IpAddr>,
    pub member: Option<MemberId>,
}

impl Requester {
    /// The requester of a request, from its address and session.
    pub fn of(parts: &axum::http::request::Parts, trusted_proxy_hops: usize) -> Self {
        Self {
            client: crate::client_ip::client_ip(parts, trusted_proxy_hops),
            member: parts
                .extensions
                .get::<crate::accounts::session::CurrentSession>()
                .map(|session| session.viewer.member_id),
        }
    }
}

async fn within_limit(
    state: &AppState,
    client: Option<IpAddr>,
    now: i64,
) -> Result<bool, AppError> {
    // Without an address (a proxy's entry that could not be read) the request is counted with
    // every other such request: stricter, never unlimited.
    let decision = CONSENT_LIMIT
        .hit(
            &state.db,
            state.config.secret_key.expose(),
            &crate::client_ip::rate_limit_key(client),
            now,
        )
        .await?;
    Ok(decision == Limit::Allowed)
}

/// Records the visitor's decision and returns the record to store in their cookie.
pub async fn decide(
    state: &AppState,
    previous: Option<&ConsentRecord>,
    gpc_signal: bool,
    decision: Decision,
    source: Source,
    who: Requester,
    now: i64,
) -> Result<ConsentRecord, AppError> {
    if !within_limit(state, who.client, now).await? {
        return Err(AppError::RateLimited);
    }
    let before = ConsentView::of(previous, gpc_signal, now);
    let gpc = before.gpc;
    let (action, choices) = resolve(decision, before.choices, gpc);
    let id = previous.map_or_else(ConsentId::generate, |r| r.id.clone());
    append(
        &state.db,
        &LedgerEntry {
            consent_id: id.clone(),
            member_id: who.member.map(|member| member.to_string()),
            action,
            choices,
            gpc,
            policy_revision: REVISION.to_owned(),
            source,
            decided_at: now,
        },
    )
    .await?;
    tracing::info!(
        action = action.key(),
        source = source.key(),
        "consent decision recorded"
    );
    Ok(ConsentRecord {
        id,
        revision: REVISION.to_owned(),
        decided_at: Some(now),
        choices,
        // The decision's row records the signal, when there is one.
        gpc,
        gpc_pending: false,
    })
}

/// The record to store when a Global Privacy Control signal is seen on a browser whose consent
/// id is not known to be kept yet: marketing refused, the rest as it was, the signal to be
/// recorded when the cookie comes back.
pub fn gpc_seen(previous: Option<&ConsentRecord>) -> ConsentRecord {
    let mut record = previous.cloned().unwrap_or_else(|| ConsentRecord {
        id: ConsentId::generate(),
        revision: REVISION.to_owned(),
        decided_at: None,
        choices: crm_core::consent::Choices::NONE,
        gpc: false,
        gpc_pending: false,
    });
    record.choices.marketing = false;
    record.gpc_pending = !record.gpc;
    record
}

/// Records a Global Privacy Control signal: marketing refused without asking. Anything else the
/// visitor decided stands; if they have not decided yet, the banner still asks about the rest.
/// Returns `None` when this address has recorded too much lately (the signal is honoured all the
/// same, and recorded on a later page).
pub async fn record_gpc(
    state: &AppState,
    previous: Option<&ConsentRecord>,
    who: Requester,
    now: i64,
) -> Result<Option<ConsentRecord>, AppError> {
    if !within_limit(state, who.client, now).await? {
        return Ok(None);
    }
    let current = previous.filter(|r| r.is_current(now));
    let mut choices = current.map_or(crm_core::consent::Choices::NONE, |r| r.choices);
    choices.marketing = false;
    let id = previous.map_or_else(ConsentId::generate, |r| r.id.clone());
    append(
        &state.db,
        &LedgerEntry {
            consent_id: id.clone(),
            member_id: who.member.map(|member| member.to_string()),
            action: Action::Gpc,
            choices,
            gpc: true,
            policy_revision: REVISION.to_owned(),
            source: Source::Gpc,
            decided_at: now,
        },
    )
    .await?;
    tracing::info!("global privacy control signal recorded");
    Ok(Some(ConsentRecord {
        id,
        revision: current.map_or_else(|| REVISION.to_owned(), |r| r.revision.clone()),
        decided_at: current.and_then(|r| r.decided_at),
        choices,
        gpc: true,
        gpc_pending: false,
    }))
}

/// Records, on a member's account, the Global Privacy Control signal their browser sends as they
/// log in, unless the account already has it. Returns the record for the consent cookie when a
/// row was added.
pub async fn record_gpc_on_account(
    state: &AppState,
    previous: Option<&ConsentRecord>,
    client: Option<IpAddr>,
    member: MemberId,
    now: i64,
) -> Result<Option<ConsentRecord>, AppError> {
    let recorded: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM consent_ledger WHERE member_id = $1 AND action = 'gpc' LIMIT 1",
    )
    .bind(member)
    .fetch_optional(state.db.pool())
    .await?;
    if recorded.is_some() {
        return Ok(None);
    }
    let who = Requester {
        client,
        member: Some(member),
    };
    record_gpc(state, previous, who, now).await
}
