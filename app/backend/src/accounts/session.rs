//! Sessions: stored in the database (every server instance shares them), found by the hash of the
//! secret in the member's cookie, with an idle and an absolute expiry.

use sqlx::{Any, Executor, Row};
use uuid::Uuid;

use crm_core::accounts::Viewer;
use crm_core::country::Country;
use crm_core::error::AppError;
use crm_core::ids::{MemberId, WorkspaceId};
use crm_core::time::{Locale, Wallclock};
use crm_core::workspaces::Role;

use super::tokens;
use crate::db::Db;

pub use crm_core::storage::SESSION_COOKIE;
/// A session unused for this long ends.
pub const IDLE_MS: i64 = 12 * 60 * 60 * 1000;
/// A session ends this long after login however active it is.
pub const ABSOLUTE_MS: i64 = 14 * 24 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY_MS: i64 = 60 * 1000;
/// What is kept of a user agent.
const USER_AGENT_MAX: usize = 300;

/// The request's session, put in the request's extensions by the session middleware
/// ([`super::http::load_session`]).
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub viewer: Viewer,
    /// The public id of the session (for "this device" in the list of sessions).
    pub id: Uuid,
    pub secret_hash: String,
    pub expires_at: i64,
}

/// Where a login comes from, kept with the session for the member's list of their sessions.
#[derive(Clone, Debug, Default)]
pub struct Device {
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
}

/// A session just made: the secret goes in the cookie, and nowhere else.
#[derive(Debug)]
pub struct NewSession {
    pub secret: String,
    pub expires_at: i64,
}

/// Starts a session for a member in a workspace.
pub async fn create<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    workspace: WorkspaceId,
    device: &Device,
    now: i64,
) -> Result<NewSession, AppError> {
    let secret = tokens::generate();
    let expires_at = now + ABSOLUTE_MS;
    let user_agent = device
        .user_agent
        .as_deref()
        .map(|ua| ua.chars().take(USER_AGENT_MAX).collect::<String>());
    sqlx::query(
        "INSERT INTO sessions (secret_hash, id, member_id, workspace_id, created_at, last_seen_at, expires_at, user_agent, ip_address)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
    )
    .bind(tokens::hash(&secret))
    .bind(Uuid::new_v4().to_string())
    .bind(member)
    .bind(workspace)
    .bind(now)
    .bind(expires_at)
    .bind(user_agent)
    .bind(device.ip_address.as_deref())
    .execute(executor)
    .await?;
    Ok(NewSession { secret, expires_at })
}

/// The session a cookie's secret opens, if it is still valid. The member must still belong to
/// the session's workspace: removing a member ends their access at once. An expired session is
/// deleted; an active one is marked as seen (at most once a minute).
pub async fn load(db: &Db, secret: &str, now: i64) -> Result<Option<CurrentSession>, AppError> {
    if !tokens::well_formed(secret) {
        return Ok(None);
    }
    let secret_hash = tokens::hash(secret);
    let row = sqlx::query(
        "SELECT s.id, s.member_id, s.workspace_id, s.last_seen_at, s.expires_at,
                m.name, m.email, m.email_verified_at, m.time_zone, m.language,
                w.name AS workspace_name,
                w.country AS workspace_country, ms.role
         FROM sessions s
         JOIN members m ON m.id = s.member_id
         JOIN memberships ms ON ms.member_id = s.member_id AND ms.workspace_id = s.workspace_id
         JOIN workspaces w ON w.id = s.workspace_id
         WHERE s.secret_hash = $1",
    )
    .bind(&secret_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if now >= expires_at || now - last_seen_at >= IDLE_MS {
        end(db.pool(), &secret_hash).await?;
        return Ok(None);
    }
    if now - last_seen_at >= TOUCH_EVERY_MS
        && let Err(error) =
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE secret_hash = $2")
                .bind(now)
                .bind(&secret_hash)
                .execute(db.pool())
                .await
    {
        // The session is valid whether or not this is recorded: when other writes hold the
        // database, the member goes on logged in and the next request records it.
        tracing::warn!(%error, "could not record when a session was last used");
    }
    let id: String = row.try_get("id")?;
    let member: String = row.try_get("member_id")?;
    let workspace: String = row.try_get("workspace_id")?;
    let role: String = row.try_get("role")?;
    let verified: Option<i64> = row.try_get("email_verified_at")?;
    Ok(Some(CurrentSession {
        viewer: Viewer {
            member_id: member.parse()?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            email_verified: verified.is_some(),
            workspace_id: workspace.parse()?,
            workspace_name: row.try_get("workspace_name")?,
            // A code no longer in the list (none is ever removed) reads as no country.
            workspace_country: row
                .try_get::<Option<String>, _>("workspace_country")?
                .as_deref()
                .and_then(Country::parse),
            role: Role::parse(&role)
                .ok_or_else(|| AppError::internal(format!("stored role is unknown: {role}")))?,
            clock: clock_of(
                row.try_get::<Option<String>, _>("time_zone")?.as_deref(),
                row.try_get::<Option<String>, _>("language")?.as_deref(),
                now,
            ),
        },
        id: Uuid::parse_str(&id).map_err(AppError::internal)?,
        secret_hash,
        expires_at,
    }))
}

/// A member's clock from their profile's time zone and language as stored (either may be unset:
/// UTC, UK English).
pub fn clock_of(time_zone: Option<&str>, language: Option<&str>, now: i64) -> Wallclock {
    let locale = language.and_then(Locale::parse).unwrap_or_default();
    Wallclock::for_zone(time_zone, locale, now)
}

/// Ends one session, by the hash of its secret.
pub async fn end<'e>(
    executor: impl Executor<'e, Database = Any>,
    secret_hash: &str,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE secret_hash = $1")
        .bind(secret_hash)
        .execute(executor)
        .await?;
    Ok(())
}

/// Ends every session of a member (after a password reset or change), but the one kept, if any.
pub async fn end_all_for<'e>(
    executor: impl Executor<'e, Database = Any>,
    member: MemberId,
    keep_secret_hash: Option<&str>,
) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM sessions WHERE member_id = $1 AND secret_hash <> $2")
        .bind(member)
        .bind(keep_secret_hash.unwrap_or(""))
        .execute(executor)
        .await?;
    Ok(done.rows_affected())
}

/// The session cookie's name on an https site: browsers take a `__Host-` cookie only from this
/// host, `Secure`, for the whole site and without `Domain`, so no sibling subdomain can plant or
/// shadow it.
pub const HOST_SESSION_COOKIE: &str = "__Host-candor_session";

/// The session cookie's name: [`HOST_SESSION_COOKIE`] on https, `candor_session` on plain http
/// (development), where browsers refuse the prefix.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The `Set-Cookie` value that stores a session in the browser until its absolute expiry.
pub fn cookie(session: &NewSession, now: i64, secure: bool) -> axum::http::HeaderValue {
    let max_age = (session.expires_at - now).max(0) / 1000;
    crate::cookies::cookie_header(cookie_name(secure), &session.secret, max_age, secure)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> axum::http::HeaderValue {
    crate::cookies::cookie_header(cookie_name(secure), "", 0, secure)
}

/// The session secret a request carries, if any: on https only in the `__Host-` cookie.
pub fn secret_from(headers: &axum::http::HeaderMap, secure: bool) -> Option<&str> {
    crate::cookies::request_cookie(headers, cookie_name(secure)).filter(|s| !s.is_empty())
}

/// Whether the request carries a session cookie of either name (for refusing writes that do not
/// say where they come from).
pub fn carries_session(headers: &axum::http::HeaderMap) -> bool {
    [SESSION_COOKIE, HOST_SESSION_COOKIE]
        .into_iter()
        .any(|name| crate::cookies::request_cookie(headers, name).is_some_and(|s| !s.is_empty()))
}

/// The member's sessions still in force, the most recently used first.
pub async fn list_for(
    db: &Db,
    current: &CurrentSession,
    now: i64,
) -> Result<Vec<crm_core::accounts::SessionSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT id, user_agent, ip_address, created_at, last_seen_at FROM sessions
         WHERE member_id = $1 AND expires_at > $2 AND last_seen_at > $3
         ORDER BY last_seen_at DESC, id",
    )
    .bind(current.viewer.member_id)
    .bind(now)
    .bind(now - IDLE_MS)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let id = Uuid::parse_str(&id).map_err(AppError::internal)?;
            let user_agent: Option<String> = row.try_get("user_agent")?;
            Ok(crm_core::accounts::SessionSummary {
                id,
                device: crm_core::accounts::describe_user_agent(
                    user_agent.as_deref().unwrap_or(""),
                ),
                ip_address: row.try_get("ip_address")?,
                started: current.viewer.clock.time(row.try_get("created_at")?),
                last_seen: current.viewer.clock.time(row.try_get("last_seen_at")?),
                current: id == current.id,
            })
        })
        .collect()
}

/// Ends one of the member's own sessions by its public id. `NotFound` for anyone else's.
pub async fn end_own(db: &Db, current: &CurrentSession, id: Uuid) -> Result<(), AppError> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND member_id = $2")
        .bind(id.to_string())
        .bind(current.viewer.member_id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
