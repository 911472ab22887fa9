//! The people of a workspace: members and their roles, invitations, removal, ownership transfer,
//! and switching between one's workspaces.
//!
//! Every function takes the caller's session and works in the session's workspace only: an id
//! from another workspace is simply not found, and says nothing about that workspace.

use std::net::IpAddr;

use sqlx::Row;
use uuid::Uuid;

use crm_core::accounts::{AGE_REQUIRED, POLICY_REQUIRED, PersonName, check_new_password, ticked};
use crm_core::country::Country;
use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::forms::FieldProblem;
use crm_core::ids::{MemberId, WorkspaceId};
use crm_core::workspaces::{InvitationView, PendingInvitation, Role, TeamMember, WorkspaceChoice};

use crate::accounts::db::{self as members, NewMember};
use crate::accounts::service::Outcome;
use crate::accounts::session::{self, CurrentSession, Device, NewSession};
use crate::accounts::{password, tokens};
use crate::mail::Email;
use crate::rate_limit::{Decision, RateLimit};
use crate::state::AppState;

/// How long an invitation works.
pub const INVITATION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Invitations one member may send per hour.
pub const INVITES_PER_MEMBER: RateLimit = RateLimit {
    bucket: "invite",
    max_attempts: 30,
    window_ms: 60 * 60 * 1000,
};

fn parse_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw).ok_or_else(|| AppError::internal(format!("stored role is unknown: {raw}")))
}

/// The members of the session's workspace, owner first, then by name.
pub async fn members_of(
    state: &AppState,
    session: &CurrentSession,
) -> Result<Vec<TeamMember>, AppError> {
    let rows = sqlx::query(
        "SELECT m.id, m.name, m.email, m.email_verified_at, ms.role
         FROM memberships ms JOIN members m ON m.id = ms.member_id
         WHERE ms.workspace_id = $1
         ORDER BY CASE ms.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.name, m.id",
    )
    .bind(session.viewer.workspace_id)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let role: String = row.try_get("role")?;
            let verified: Option<i64> = row.try_get("email_verified_at")?;
            Ok(TeamMember {
                member_id: id.parse()?,
                name: row.try_get("name")?,
                email: row.try_get("email")?,
                role: parse_role(&role)?,
                email_verified: verified.is_some(),
            })
        })
        .collect()
}

/// The session's workspace's invitations that can still be accepted.
pub async fn pending_invitations(
    state: &AppState,
    session: &CurrentSession,
) -> Result<Vec<PendingInvitation>, AppError> {
    let rows = sqlx::query(
        "SELECT id, email, role, expires_at FROM invitations
         WHERE workspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
         ORDER BY created_at, id",
    )
    .bind(session.viewer.workspace_id)
    .bind(state.db.now_millis())
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let role: String = row.try_get("role")?;
            Ok(PendingInvitation {
                id: Uuid::parse_str(&id).map_err(AppError::internal)?,
                email: row.try_get("email")?,
                role: parse_role(&role)?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .collect()
}

/// Every workspace the session's member belongs to.
pub async fn workspaces_of(
    state: &AppState,
    session: &CurrentSession,
) -> Result<Vec<WorkspaceChoice>, AppError> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, ms.role FROM memberships ms JOIN workspaces w ON w.id = ms.workspace_id
         WHERE ms.member_id = $1 ORDER BY w.name, w.id",
    )
    .bind(session.viewer.member_id)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let role: String = row.try_get("role")?;
            Ok(WorkspaceChoice {
                id: id.parse()?,
                name: row.try_get("name")?,
                role: parse_role(&role)?,
            })
        })
        .collect()
}

/// The invitation form as posted.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct InviteFields {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

fn link(state: &AppState, path: &str) -> String {
    format!(
        "{}{path}",
        state.config.site_url.as_str().trim_end_matches('/')
    )
}

/// Invites an address to the session's workspace with a role. Owners and admins with a confirmed
/// address only. A new invitation to the same address replaces the pending one.
pub async fn invite(
    state: &AppState,
    session: &CurrentSession,
    fields: &InviteFields,
) -> Result<Outcome<()>, AppError> {
    let viewer = &session.viewer;
    if !viewer.role.manages_members() {
        return Err(AppError::Forbidden);
    }
    if !viewer.email_verified {
        return Ok(Outcome::Invalid(vec![FieldProblem::new(
            "email",
            "Confirm your own e-mail address before inviting anyone: follow the link we sent you.",
        )]));
    }
    let now = state.db.now_millis();
    let mut problems = Vec::new();
    let email = EmailAddress::parse(&fields.email)
        .map_err(|m| problems.push(FieldProblem::new("email", m)))
        .ok();
    let role = match fields.role.as_str() {
        "admin" => Some(Role::Admin),
        "member" => Some(Role::Member),
        _ => {
            problems.push(FieldProblem::new("role", "Choose Admin or Member."));
            None
        }
    };
    let (Some(email), Some(role)) = (email, role) else {
        return Ok(Outcome::Invalid(problems));
    };
    let key = members::email_key(&email);
    let already: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM memberships ms JOIN members m ON m.id = ms.member_id
         WHERE ms.workspace_id = $1 AND m.email_key = $2",
    )
    .bind(viewer.workspace_id)
    .bind(&key)
    .fetch_optional(state.db.pool())
    .await?;
    if already.is_some() {
        return Ok(Outcome::Invalid(vec![FieldProblem::new(
            "email",
            "This person is already a member of the workspace.",
        )]));
    }
    let limit = INVITES_PER_MEMBER
        .hit(
            &state.db,
            state.config.secret_key.expose(),
            &viewer.member_id.to_string(),
            now,
        )
        .await?;
    if limit == Decision::Limited {
        return Ok(Outcome::RateLimited);
    }
    let secret = tokens::generate();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1
         WHERE workspace_id = $2 AND email_key = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(viewer.workspace_id)
    .bind(&key)
    .execute(&mut *tx)
    .await?;
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, workspace_id, email, email_key, role, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(tokens::hash(&secret))
    .bind(viewer.workspace_id)
    .bind(email.as_str())
    .bind(&key)
    .bind(role.as_str())
    .bind(viewer.member_id)
    .bind(now)
    .bind(now + INVITATION_LIFETIME_MS)
    .execute(&mut *tx)
    .await?;
    let mail = Email {
        to: email.clone(),
        reply_to: EmailAddress::parse(&viewer.email).ok(),
        subject: format!(
            "{} invites you to {} on Candor CRM",
            viewer.name, viewer.workspace_name
        ),
        text: format!(
            "Hello,\n\n\
             {inviter} invites you to join the workspace \"{workspace}\" on Candor CRM as {role}.\n\n\
             To accept, open this link within 7 days:\n\n\
             {link}\n\n\
             If you do not want to join, ignore this e-mail; the invitation expires by itself.\n",
            inviter = viewer.name,
            workspace = viewer.workspace_name,
            role = role.label().to_lowercase(),
            link = link(state, &format!("/invitations/{secret}")),
        ),
    };
    crate::mail::enqueue(&mut *tx, &state.config, &mail, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(invitation_id = %id, workspace_id = %viewer.workspace_id, "invitation sent");
    Ok(Outcome::Done(()))
}

/// Revokes a pending invitation of the session's workspace.
pub async fn revoke(
    state: &AppState,
    session: &CurrentSession,
    invitation: Uuid,
) -> Result<(), AppError> {
    if !session.viewer.role.manages_members() {
        return Err(AppError::Forbidden);
    }
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1
         WHERE id = $2 AND workspace_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(state.db.now_millis())
    .bind(invitation.to_string())
    .bind(session.viewer.workspace_id)
    .execute(state.db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tracing::info!(invitation_id = %invitation, "invitation revoked");
    Ok(())
}

/// Revokes the open invitations a member sent to a workspace (when they leave it or may no longer
/// invite); returns how many.
async fn revoke_sent_by<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    workspace: WorkspaceId,
    member: MemberId,
    now: i64,
) -> Result<u64, AppError> {
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1
         WHERE workspace_id = $2 AND invited_by = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(workspace)
    .bind(member)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// The role of a member of the session's workspace; `NotFound` for anyone else.
async fn role_in_workspace(
    state: &AppState,
    session: &CurrentSession,
    member: MemberId,
) -> Result<Role, AppError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE workspace_id = $1 AND member_id = $2",
    )
    .bind(session.viewer.workspace_id)
    .bind(member)
    .fetch_optional(state.db.pool())
    .await?;
    parse_role(&role.ok_or(AppError::NotFound)?)
}

/// Removes a member from the session's workspace; their access ends at once (their sessions in
/// it end). Owners remove anyone but themselves; admins remove members.
pub async fn remove(
    state: &AppState,
    session: &CurrentSession,
    member: MemberId,
) -> Result<(), AppError> {
    let viewer = &session.viewer;
    let target = role_in_workspace(state, session, member).await?;
    let allowed = match viewer.role {
        Role::Owner => member != viewer.member_id,
        Role::Admin => target == Role::Member,
        Role::Member | Role::Operator => false,
    };
    if !allowed || target == Role::Owner {
        return Err(AppError::Forbidden);
    }
    let workspace = viewer.workspace_id.to_string();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND member_id = $2")
        .bind(&workspace)
        .bind(member)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE workspace_id = $1 AND member_id = $2")
        .bind(&workspace)
        .bind(member)
        .execute(&mut *tx)
        .await?;
    let revoked =
        revoke_sent_by(&mut *tx, viewer.workspace_id, member, state.db.now_millis()).await?;
    tx.commit().await?;
    tracing::info!(member_id = %member, workspace_id = %viewer.workspace_id, invitations_revoked = revoked, "member removed");
    Ok(())
}

/// Changes a member's role between admin and member. Owner only.
/// Sets the workspace's home country from its code ("GB"; empty for none): owners and admins only.
pub async fn set_country(
    state: &AppState,
    session: &CurrentSession,
    code: &str,
) -> Result<(), AppError> {
    if !session.viewer.role.manages_members() {
        return Err(AppError::Forbidden);
    }
    let country =
        match code.trim() {
            "" => None,
            code => Some(Country::parse(code).ok_or_else(|| {
                AppError::validation("country", crm_core::accounts::COUNTRY_UNKNOWN)
            })?),
        };
    crate::workspaces::db::set_country(state.db.pool(), session.viewer.workspace_id, country)
        .await?;
    tracing::info!(
        workspace_id = %session.viewer.workspace_id,
        country = country.map_or("none", Country::code),
        "workspace country changed"
    );
    Ok(())
}

pub async fn change_role(
    state: &AppState,
    session: &CurrentSession,
    member: MemberId,
    role: &str,
) -> Result<(), AppError> {
    if session.viewer.role != Role::Owner {
        return Err(AppError::Forbidden);
    }
    let role = match role {
        "admin" => Role::Admin,
        "member" => Role::Member,
        _ => return Err(AppError::validation("role", "Choose Admin or Member.")),
    };
    let target = role_in_workspace(state, session, member).await?;
    if target == Role::Owner {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND member_id = $3")
        .bind(role.as_str())
        .bind(session.viewer.workspace_id)
        .bind(member)
        .execute(&mut *tx)
        .await?;
    // Invitations speak for whoever sent them: a member who may no longer invite no longer
    // vouches for the ones still open.
    let revoked = if role.manages_members() {
        0
    } else {
        revoke_sent_by(
            &mut *tx,
            session.viewer.workspace_id,
            member,
            state.db.now_millis(),
        )
        .await?
    };
    tx.commit().await?;
    tracing::info!(member_id = %member, role = role.as_str(), invitations_revoked = revoked, "role changed");
    Ok(())
}

/// Hands the workspace to another member, who must have confirmed their address; the previous
/// owner becomes an admin. Owner only.
pub async fn transfer_ownership(
    state: &AppState,
    session: &CurrentSession,
    member: MemberId,
) -> Result<(), AppError> {
    let viewer = &session.viewer;
    if viewer.role != Role::Owner || member == viewer.member_id {
        return Err(AppError::Forbidden);
    }
    role_in_workspace(state, session, member).await?;
    let target = members::find(state.db.pool(), member)
        .await?
        .ok_or(AppError::NotFound)?;
    if !target.email_verified {
        return Err(AppError::Conflict(
            "This member has not confirmed their e-mail address yet, so the workspace cannot be handed to them.".to_owned(),
        ));
    }
    let workspace = viewer.workspace_id.to_string();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE memberships SET role = 'admin' WHERE workspace_id = $1 AND member_id = $2")
        .bind(&workspace)
        .bind(viewer.member_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE memberships SET role = 'owner' WHERE workspace_id = $1 AND member_id = $2")
        .bind(&workspace)
        .bind(member)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(workspace_id = %viewer.workspace_id, new_owner = %member, "ownership transferred");
    Ok(())
}

/// Moves the session to another workspace of the same member.
pub async fn switch(
    state: &AppState,
    session: &CurrentSession,
    workspace: WorkspaceId,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE sessions SET workspace_id = $1
         WHERE secret_hash = $2
           AND EXISTS (SELECT 1 FROM memberships WHERE workspace_id = $1 AND member_id = $3)",
    )
    .bind(workspace)
    .bind(&session.secret_hash)
    .bind(session.viewer.member_id)
    .execute(state.db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A usable invitation found by its link's secret.
struct Invitation {
    id: String,
    workspace: WorkspaceId,
    workspace_name: String,
    invited_by: String,
    email: String,
    email_key: String,
    role: Role,
}

async fn find_usable(
    state: &AppState,
    secret: &str,
    now: i64,
) -> Result<Option<Invitation>, AppError> {
    if !tokens::well_formed(secret) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT i.id, i.workspace_id, w.name AS workspace_name, m.name AS invited_by, i.email, i.email_key, i.role
         FROM invitations i
         JOIN workspaces w ON w.id = i.workspace_id
         JOIN members m ON m.id = i.invited_by
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2",
    )
    .bind(tokens::hash(secret))
    .bind(now)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let workspace: String = row.try_get("workspace_id")?;
    let role: String = row.try_get("role")?;
    Ok(Some(Invitation {
        id: row.try_get("id")?,
        workspace: workspace.parse()?,
        workspace_name: row.try_get("workspace_name")?,
        invited_by: row.try_get("invited_by")?,
        email: row.try_get("email")?,
        email_key: row.try_get("email_key")?,
        role: parse_role(&role)?,
    }))
}

/// What the invitation page shows.
pub async fn view(
    state: &AppState,
    secret: &str,
    session: Option<&CurrentSession>,
) -> Result<InvitationView, AppError> {
    let now = state.db.now_millis();
    let viewer_email = session.map(|s| s.viewer.email.clone());
    let Some(invitation) = find_usable(state, secret, now).await? else {
        return Ok(InvitationView {
            usable: false,
            workspace_name: String::new(),
            invited_by: String::new(),
            email: String::new(),
            role: Role::Member,
            viewer_email,
            account_exists: false,
            form: Default::default(),
            policy_version: None,
        });
    };
    let account_exists: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM members WHERE email_key = $1")
            .bind(&invitation.email_key)
            .fetch_optional(state.db.pool())
            .await?;
    let policy_version = match crate::policy::db::current(&state.db, now).await {
        Ok(policy) => Some(policy.summary.version),
        Err(AppError::NotFound) => None,
        Err(other) => return Err(other),
    };
    Ok(InvitationView {
        usable: true,
        workspace_name: invitation.workspace_name,
        invited_by: invitation.invited_by,
        email: invitation.email,
        role: invitation.role,
        viewer_email,
        account_exists: account_exists.is_some(),
        form: Default::default(),
        policy_version,
    })
}

/// Marks an invitation accepted, once: `false` when another request accepted it first.
async fn mark_accepted<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Why an invitation could not be accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum AcceptProblem {
    /// Unknown, used, revoked or expired.
    Spent,
    /// Logged in as someone else than the invited address.
    OtherAccount,
    /// The invited address has an account: log in to accept.
    AccountExists,
}

/// Accepts an invitation as the logged-in member, whose address must be the invited one. The
/// session moves to the workspace joined.
pub async fn accept_as_member(
    state: &AppState,
    session: &CurrentSession,
    secret: &str,
) -> Result<Result<(), AcceptProblem>, AppError> {
    let now = state.db.now_millis();
    let Some(invitation) = find_usable(state, secret, now).await? else {
        return Ok(Err(AcceptProblem::Spent));
    };
    if session.viewer.email.to_lowercase() != invitation.email_key {
        return Ok(Err(AcceptProblem::OtherAccount));
    }
    let member = session.viewer.member_id;
    let mut tx = state.db.begin_write().await?;
    if !mark_accepted(&mut *tx, &invitation.id, now).await? {
        return Ok(Err(AcceptProblem::Spent));
    }
    sqlx::query(
        "INSERT INTO memberships (workspace_id, member_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, member_id) DO NOTHING",
    )
    .bind(invitation.workspace)
    .bind(member)
    .bind(invitation.role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // The link reached this address, which is therefore confirmed.
    members::mark_verified(&mut *tx, member, &session.viewer.email, now).await?;
    sqlx::query("UPDATE sessions SET workspace_id = $1 WHERE secret_hash = $2")
        .bind(invitation.workspace)
        .bind(&session.secret_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(member_id = %member, workspace_id = %invitation.workspace, "invitation accepted");
    Ok(Ok(()))
}

/// The new-account form on an invitation page, as posted.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct JoinFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub age: Option<String>,
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub policy_version: String,
    /// The browser's time zone and language, filled in by the page (see `SignupFields`).
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub language: String,
}

impl JoinFields {
    /// What is sent back to the page: everything but the password.
    pub fn echo(&self) -> Vec<(String, String)> {
        let mut values = vec![
            ("name".to_owned(), self.name.clone()),
            ("time_zone".to_owned(), self.time_zone.clone()),
            ("language".to_owned(), self.language.clone()),
        ];
        for (name, value) in [("age", &self.age), ("policy", &self.policy)] {
            if ticked(value) {
                values.push((name.to_owned(), "on".to_owned()));
            }
        }
        values
    }
}

/// The answer to the new-account form of an invitation.
#[derive(Debug)]
pub enum JoinOutcome {
    Joined(NewSession),
    Invalid(Vec<FieldProblem>),
    Refused(AcceptProblem),
    RateLimited,
}

/// Posts of an invitation's new-account form per invitation link.
pub const JOIN_POSTS_PER_LINK: RateLimit = RateLimit {
    bucket: "join-post-link",
    max_attempts: 10,
    window_ms: 60 * 60 * 1000,
};

/// Creates an account for the invited address (confirmed by the link itself), with the legal-age
/// and policy records, joins the workspace and logs in. Every cheap check (the link's shape, the
/// rate limits, the invitation, the fields, whether the address has an account) comes before
/// the costly password hash.
pub async fn join_with_new_account(
    state: &AppState,
    client: Option<IpAddr>,
    device: &Device,
    secret: &str,
    fields: &JoinFields,
) -> Result<JoinOutcome, AppError> {
    let now = state.db.now_millis();
    if !tokens::well_formed(secret) {
        return Ok(JoinOutcome::Refused(AcceptProblem::Spent));
    }
    for (limit, key) in [
        (
            crate::accounts::service::LINK_POSTS_PER_IP,
            crate::client_ip::rate_limit_key(client),
        ),
        (JOIN_POSTS_PER_LINK, secret.to_owned()),
    ] {
        let decision = limit
            .hit(&state.db, state.config.secret_key.expose(), &key, now)
            .await?;
        if decision == Decision::Limited {
            tracing::info!(
                bucket = limit.bucket,
                "invitation post refused by the rate limit"
            );
            return Ok(JoinOutcome::RateLimited);
        }
    }
    let Some(invitation) = find_usable(state, secret, now).await? else {
        return Ok(JoinOutcome::Refused(AcceptProblem::Spent));
    };
    let mut problems = Vec::new();
    let name = PersonName::parse(&fields.name)
        .map_err(|m| problems.push(FieldProblem::new("name", m)))
        .ok();
    if let Err(message) = check_new_password(&fields.password)
        .and_then(|()| password::check_new(&fields.password, Some(&invitation.email)))
    {
        problems.push(FieldProblem::new("password", message));
    }
    if !ticked(&fields.age) {
        problems.push(FieldProblem::new("age", AGE_REQUIRED));
    }
    if !ticked(&fields.policy) {
        problems.push(FieldProblem::new("policy", POLICY_REQUIRED));
    }
    let Some(name) = name.filter(|_| problems.is_empty()) else {
        return Ok(JoinOutcome::Invalid(problems));
    };
    let email = EmailAddress::parse(&invitation.email)
        .map_err(|_| AppError::internal("a stored invitation address does not parse"))?;
    let account_exists: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM members WHERE email_key = $1")
            .bind(&invitation.email_key)
            .fetch_optional(state.db.pool())
            .await?;
    if account_exists.is_some() {
        return Ok(JoinOutcome::Refused(AcceptProblem::AccountExists));
    }
    let password_hash = password::hash(&state.passwords, fields.password.clone()).await?;
    let policy_version = crate::policy::db::shown_or_current(
        &state.db,
        fields.policy_version.trim().parse().ok(),
        now,
    )
    .await?;
    let mut tx = state.db.begin_write().await?;
    if !mark_accepted(&mut *tx, &invitation.id, now).await? {
        return Ok(JoinOutcome::Refused(AcceptProblem::Spent));
    }
    let member = match members::insert(
        &mut *tx,
        &NewMember {
            name: &name,
            email: &email,
            password_hash: Some(&password_hash),
            age_confirmed_at: Some(now),
            time_zone: crm_core::time::zones::listed(&fields.time_zone),
            locale: crm_core::time::Locale::parse(&fields.language),
        },
        now,
    )
    .await
    {
        Ok(member) => member,
        Err(AppError::Conflict(_)) => {
            return Ok(JoinOutcome::Refused(AcceptProblem::AccountExists));
        }
        Err(other) => return Err(other),
    };
    members::mark_verified(&mut *tx, member, email.as_str(), now).await?;
    members::add_membership(&mut *tx, invitation.workspace, member, invitation.role, now).await?;
    members::record_policy_acceptance(&mut *tx, member, policy_version, now).await?;
    let new = session::create(&mut *tx, member, invitation.workspace, device, now).await?;
    tx.commit().await?;
    tracing::info!(member_id = %member, workspace_id = %invitation.workspace, "invited member joined with a new account");
    Ok(JoinOutcome::Joined(new))
}
