//! The account flows: sign-up, e-mail verification, log in and out, password reset, and the
//! first operator. Each decides on the server and answers with an outcome the form handlers turn
//! into pages; none says whether an address has an account.

use std::net::IpAddr;

use sqlx::Row;

use crm_core::accounts::{ForgotFields, LoginFields, PersonName, ResetFields, SignupFields};
use crm_core::email_address::EmailAddress;
use crm_core::error::AppError;
use crm_core::forms::FieldProblem;
use crm_core::ids::MemberId;
use crm_core::workspaces::{Role, WorkspaceKind};

use super::db::{self as members, NewMember};
use super::password;
use super::session::{self, CurrentSession, Device, NewSession};
use super::tokens::{self, Purpose};
use crate::mail::Email;
use crate::rate_limit::{Decision, RateLimit};
use crate::state::AppState;

const FIFTEEN_MINUTES: i64 = 15 * 60 * 1000;
const ONE_HOUR: i64 = 60 * 60 * 1000;

/// Failed log-ins per address of the client (an office behind one address shares it, so only
/// failures count: a successful log-in counts nowhere).
pub const LOGIN_FAILURES_PER_IP: RateLimit = RateLimit {
    bucket: "login-fail-ip",
    max_attempts: 30,
    window_ms: FIFTEEN_MINUTES,
};
/// Failed log-ins per account from one client address: the limit that stops one guesser without
/// touching the member, who logs in from elsewhere.
pub const LOGIN_FAILURES_PER_CLIENT_AND_ACCOUNT: RateLimit = RateLimit {
    bucket: "login-fail-client-account",
    max_attempts: 5,
    window_ms: FIFTEEN_MINUTES,
};
/// Failed log-ins per account from anywhere. Never refuses (a stranger could otherwise lock the
/// member out from anywhere): past this many, each failed answer is slowed, progressively.
pub const LOGIN_FAILURES_PER_ACCOUNT: RateLimit = RateLimit {
    bucket: "login-fail-account",
    max_attempts: 5,
    window_ms: FIFTEEN_MINUTES,
};
/// Wrong current passwords in the logged-in member's own forms (e-mail and password change), per
/// member: only their own session can reach it, so no stranger can fill it.
pub const CURRENT_PASSWORD_FAILURES_PER_MEMBER: RateLimit = RateLimit {
    bucket: "current-password-fail",
    max_attempts: 10,
    window_ms: FIFTEEN_MINUTES,
};
/// The slowest a failed log-in is answered.
pub const LOGIN_SLOWDOWN_CAP_MS: u64 = 2_000;

/// How long a failed log-in waits before it is answered, after `failures` failures for the
/// account in the window: nothing up to the limit, then 100 ms doubling with each failure, up to
/// [`LOGIN_SLOWDOWN_CAP_MS`]. A right password is never slowed.
pub fn login_slowdown(failures: i64) -> std::time::Duration {
    let beyond = failures - LOGIN_FAILURES_PER_ACCOUNT.max_attempts;
    if beyond <= 0 {
        return std::time::Duration::ZERO;
    }
    let ms = 100_u64
        .saturating_mul(1 << (beyond - 1).clamp(0, 20))
        .min(LOGIN_SLOWDOWN_CAP_MS);
    std::time::Duration::from_millis(ms)
}

/// Sign-ups per address of the client.
pub const SIGNUP_PER_IP: RateLimit = RateLimit {
    bucket: "signup-ip",
    max_attempts: 10,
    window_ms: ONE_HOUR,
};
/// E-mails about one address that a sign-up may cause (so nobody can flood an inbox through it).
pub const SIGNUP_MAIL_PER_ACCOUNT: RateLimit = RateLimit {
    bucket: "signup-mail",
    max_attempts: 3,
    window_ms: ONE_HOUR,
};
/// Password-reset requests per address of the client.
pub const RESET_PER_IP: RateLimit = RateLimit {
    bucket: "reset-ip",
    max_attempts: 10,
    window_ms: ONE_HOUR,
};
/// Password-reset e-mails per account.
pub const RESET_PER_ADDRESS: RateLimit = RateLimit {
    bucket: "reset-address",
    max_attempts: 3,
    window_ms: ONE_HOUR,
};
/// Posts of the new-password form per reset link (a link is used once; more posts are guesses at
/// what the form accepts, or a flood).
pub const RESET_POSTS_PER_LINK: RateLimit = RateLimit {
    bucket: "reset-post-link",
    max_attempts: 10,
    window_ms: ONE_HOUR,
};
/// Posts of the new-password and invitation forms per address of the client.
pub const LINK_POSTS_PER_IP: RateLimit = RateLimit {
    bucket: "link-post-ip",
    max_attempts: 30,
    window_ms: FIFTEEN_MINUTES,
};
/// New verification links a member may ask for.
pub const RESEND_PER_ACCOUNT: RateLimit = RateLimit {
    bucket: "verify-resend",
    max_attempts: 3,
    window_ms: ONE_HOUR,
};

async fn limited(
    state: &AppState,
    limit: RateLimit,
    key: &str,
    now: i64,
) -> Result<bool, AppError> {
    let decision = limit
        .hit(&state.db, state.config.secret_key.expose(), key, now)
        .await?;
    if decision == Decision::Limited {
        tracing::info!(
            bucket = limit.bucket,
            "account request refused by the rate limit"
        );
    }
    Ok(decision == Decision::Limited)
}

/// Without a socket address (in-process tests) every request shares one key, which only makes
/// the limit stricter.
fn ip_key(client: Option<IpAddr>) -> String {
    crate::client_ip::rate_limit_key(client)
}

fn link(state: &AppState, path: &str) -> String {
    format!(
        "{}{path}",
        state.config.site_url.as_str().trim_end_matches('/')
    )
}

/// The answer to a form.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    /// Fields to fix, in page order.
    Invalid(Vec<FieldProblem>),
    RateLimited,
}

impl<T> Outcome<T> {
    /// The same answer with what was done turned into another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Self::Done(done) => Outcome::Done(f(done)),
            Self::Invalid(problems) => Outcome::Invalid(problems),
            Self::RateLimited => Outcome::RateLimited,
        }
    }
}

/// Signs a person up: a member, their workspace (they own it), their legal-age confirmation and
/// policy acceptance, and an e-mail with a link to verify the address. An address that already
/// has an account gets an e-mail saying so instead, and the form answers exactly as for a new
/// one, in about the same time: nobody learns from the form who has an account.
pub async fn sign_up(
    state: &AppState,
    client: Option<IpAddr>,
    fields: &SignupFields,
) -> Result<Outcome<()>, AppError> {
    let now = state.db.now_millis();
    if limited(state, SIGNUP_PER_IP, &ip_key(client), now).await? {
        return Ok(Outcome::RateLimited);
    }
    let request = match fields.parse() {
        Ok(request) => request,
        Err(problems) => return Ok(Outcome::Invalid(problems)),
    };
    if let Err(message) = password::check_new(&request.password, Some(request.email.as_str())) {
        return Ok(Outcome::Invalid(vec![FieldProblem::new(
            "password", message,
        )]));
    }
    // Hashed whether or not the address is new, so both answers take as long.
    let password_hash = password::hash(&state.passwords, request.password.clone()).await?;
    let policy_version =
        crate::policy::db::shown_or_current(&state.db, request.policy_version, now).await?;

    // Counted before the transaction: on SQLite a second connection cannot write while it is open.
    let key = members::email_key(&request.email);
    let mail_allowed = !limited(state, SIGNUP_MAIL_PER_ACCOUNT, &key, now).await?;
    let mut tx = state.db.begin_write().await?;
    let existing = members::find_by_email(&mut *tx, &request.email).await?;
    let mail = match existing {
        Some(member) => Some(already_registered_email(state, &member.email)?),
        None => {
            let workspace = crate::workspaces::db::create(
                &mut *tx,
                &request.workspace_name,
                WorkspaceKind::Customer,
                request.country,
                now,
            )
            .await?;
            let member = match members::insert(
                &mut *tx,
                &NewMember {
                    name: &request.name,
                    email: &request.email,
                    password_hash: Some(&password_hash),
                    age_confirmed_at: Some(now),
                    time_zone: request.time_zone,
                    locale: Some(request.locale),
                },
                now,
            )
            .await
            {
                Ok(member) => member,
                // Someone signed up with this address a moment ago: they are told by e-mail.
                Err(AppError::Conflict(_)) => {
                    drop(tx);
                    return sign_up_raced(state, &request.email, now).await;
                }
                Err(other) => return Err(other),
            };
            members::add_membership(&mut *tx, workspace.id, member, Role::Owner, now).await?;
            members::record_policy_acceptance(&mut *tx, member, policy_version, now).await?;
            let secret = tokens::issue(
                &mut *tx,
                Purpose::VerifyEmail,
                member,
                request.email.as_str(),
                Purpose::VerifyEmail.lifetime_ms(),
                now,
            )
            .await?;
            tracing::info!(member_id = %member, workspace_id = %workspace.id, "member signed up");
            Some(verification_email(
                state,
                &request.name,
                &request.email,
                &secret,
            ))
        }
    };
    if let Some(mail) = mail
        && mail_allowed
    {
        crate::mail::enqueue(&mut *tx, &state.config, &mail, now).await?;
    }
    tx.commit().await?;
    state.outbox.wake();
    Ok(Outcome::Done(()))
}

async fn sign_up_raced(
    state: &AppState,
    email: &EmailAddress,
    now: i64,
) -> Result<Outcome<()>, AppError> {
    if let Some(member) = members::find_by_email(state.db.pool(), email).await?
        && !limited(
            state,
            SIGNUP_MAIL_PER_ACCOUNT,
            &members::email_key(email),
            now,
        )
        .await?
    {
        let mail = already_registered_email(state, &member.email)?;
        crate::mail::enqueue(state.db.pool(), &state.config, &mail, now).await?;
        state.outbox.wake();
    }
    Ok(Outcome::Done(()))
}

fn parse_stored_email(raw: &str) -> Result<EmailAddress, AppError> {
    EmailAddress::parse(raw)
        .map_err(|_| AppError::internal("a stored member e-mail address does not parse"))
}

fn verification_email(
    state: &AppState,
    name: &PersonName,
    email: &EmailAddress,
    secret: &str,
) -> Email {
    Email {
        to: email.clone(),
        reply_to: None,
        subject: "Confirm your e-mail address for Candor CRM".to_owned(),
        text: format!(
            "Hello {name},\n\n\
             Please confirm that this is your e-mail address by opening this link within 48 hours:\n\n\
             {link}\n\n\
             Until you do, you can use your workspace but not invite anyone to it.\n\n\
             If you did not create a Candor CRM account, you can ignore this e-mail.\n",
            name = name.as_str(),
            link = link(state, &format!("/verify-email/{secret}")),
        ),
    }
}

fn already_registered_email(state: &AppState, stored: &str) -> Result<Email, AppError> {
    Ok(Email {
        to: parse_stored_email(stored)?,
        reply_to: None,
        subject: "You already have a Candor CRM account".to_owned(),
        text: format!(
            "Hello,\n\n\
             Someone, perhaps you, tried to create a Candor CRM account with this e-mail address. \
             You already have one, so nothing was created.\n\n\
             To log in: {login}\n\
             If you forgot your password: {forgot}\n\n\
             If it was not you, you can ignore this e-mail: nothing about your account has changed.\n",
            login = link(state, "/login"),
            forgot = link(state, "/forgot-password"),
        ),
    })
}

/// Sends a new verification link to the logged-in member, retiring older ones.
pub async fn resend_verification(
    state: &AppState,
    current: &CurrentSession,
) -> Result<Outcome<()>, AppError> {
    let now = state.db.now_millis();
    let viewer = &current.viewer;
    if viewer.email_verified {
        return Ok(Outcome::Done(()));
    }
    if limited(
        state,
        RESEND_PER_ACCOUNT,
        &viewer.member_id.to_string(),
        now,
    )
    .await?
    {
        return Ok(Outcome::RateLimited);
    }
    let email = parse_stored_email(&viewer.email)?;
    let name = PersonName::parse(&viewer.name)
        .map_err(|_| AppError::internal("a stored member name does not parse"))?;
    let mut tx = state.db.begin_write().await?;
    tokens::retire_all(&mut *tx, Purpose::VerifyEmail, viewer.member_id, now).await?;
    let secret = tokens::issue(
        &mut *tx,
        Purpose::VerifyEmail,
        viewer.member_id,
        email.as_str(),
        Purpose::VerifyEmail.lifetime_ms(),
        now,
    )
    .await?;
    let mail = verification_email(state, &name, &email, &secret);
    crate::mail::enqueue(&mut *tx, &state.config, &mail, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(member_id = %viewer.member_id, "verification link sent again");
    Ok(Outcome::Done(()))
}

/// Whether a verification or reset link would work now. A verification link may also confirm a
/// new address after an e-mail change.
pub async fn link_is_usable(
    state: &AppState,
    purpose: Purpose,
    secret: &str,
) -> Result<bool, AppError> {
    let now = state.db.now_millis();
    let usable = tokens::is_usable(state.db.pool(), purpose, secret, now).await?;
    if !usable && purpose == Purpose::VerifyEmail {
        return tokens::is_usable(state.db.pool(), Purpose::ChangeEmail, secret, now).await;
    }
    Ok(usable)
}

/// Confirms an address from a verification link. `false` when the link is unknown, used or
/// expired, or the member's address changed since it was sent.
pub async fn verify_email(state: &AppState, secret: &str) -> Result<bool, AppError> {
    let now = state.db.now_millis();
    let mut tx = state.db.begin_write().await?;
    let Some((member, email)) =
        tokens::consume(&mut *tx, Purpose::VerifyEmail, secret, now).await?
    else {
        drop(tx);
        // The same link page confirms a new address after an e-mail change.
        return confirm_email_change(state, secret, now).await;
    };
    let verified = members::mark_verified(&mut *tx, member, &email, now).await?;
    tx.commit().await?;
    if verified {
        tracing::info!(member_id = %member, "e-mail address verified");
    }
    Ok(verified)
}

/// Checks an e-mail address and password and starts a session. Both a wrong address and a wrong
/// password get the same answer ([`LoginOutcome::Failed`]) after the same work.
pub async fn log_in(
    state: &AppState,
    client: Option<IpAddr>,
    device: &Device,
    fields: &LoginFields,
    previous_secret: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let now = state.db.now_millis();
    let mut problems = Vec::new();
    let email = EmailAddress::parse(&fields.email)
        .map_err(|m| problems.push(FieldProblem::new("email", m)))
        .ok();
    if fields.password.is_empty() {
        problems.push(FieldProblem::new("password", "Enter your password."));
    }
    let Some(email) = email.filter(|_| problems.is_empty()) else {
        return Ok(LoginOutcome::Invalid(problems));
    };
    // Each attempt is counted before the password is checked (so attempts sent at once cannot
    // all slip under a limit) and taken back when the password is right: only failures count.
    let secret = state.config.secret_key.expose();
    let ip = ip_key(client);
    let account = members::email_key(&email);
    let pair = format!("{account} from {ip}");
    let counted = [
        (LOGIN_FAILURES_PER_IP, ip.as_str()),
        (LOGIN_FAILURES_PER_CLIENT_AND_ACCOUNT, pair.as_str()),
        (LOGIN_FAILURES_PER_ACCOUNT, account.as_str()),
    ];
    let mut failures = [0_i64; 3];
    for (slot, (limit, key)) in failures.iter_mut().zip(counted) {
        *slot = limit.count(&state.db, secret, key, now).await?;
    }
    let forgive = async || -> Result<(), AppError> {
        for (limit, key) in counted {
            limit.forgive(&state.db, secret, key, now).await?;
        }
        Ok(())
    };
    // The address's and this client's own limits refuse; the account's never does.
    if LOGIN_FAILURES_PER_IP.decide(failures[0]) == Decision::Limited
        || LOGIN_FAILURES_PER_CLIENT_AND_ACCOUNT.decide(failures[1]) == Decision::Limited
    {
        tracing::info!("log-in refused by the rate limit of its client");
        return Ok(LoginOutcome::RateLimited);
    }
    let member = members::find_by_email(state.db.pool(), &email).await?;
    let stored = member.as_ref().and_then(|m| m.password_hash.clone());
    let matches = match password::verify(&state.passwords, fields.password.clone(), stored).await {
        Ok(matches) => matches,
        Err(error) => {
            // Not an attempt that failed: nothing was checked.
            forgive().await?;
            return Err(error);
        }
    };
    let Some(member) = member.filter(|_| matches) else {
        tracing::info!("log-in refused: unknown address or wrong password");
        let slowdown = login_slowdown(failures[2]);
        if !slowdown.is_zero() {
            tokio::time::sleep(slowdown).await;
        }
        return Ok(LoginOutcome::Failed);
    };
    forgive().await?;
    let Some(workspace) = members::first_workspace(state.db.pool(), member.id).await? else {
        // A member with no workspace left (removed from every one) cannot work anywhere; the
        // password was right, so they may be told why.
        tracing::info!(member_id = %member.id, "log-in refused: the member has no workspace");
        return Ok(LoginOutcome::NoWorkspace);
    };
    let mut tx = state.db.begin_write().await?;
    // A fresh session id at every login: a session id planted before login is worth nothing.
    if let Some(previous) = previous_secret {
        session::end(&mut *tx, &tokens::hash(previous)).await?;
    }
    let new = session::create(&mut *tx, member.id, workspace, device, now).await?;
    tx.commit().await?;
    tracing::info!(member_id = %member.id, "member logged in");
    Ok(LoginOutcome::LoggedIn {
        session: new,
        member: member.id,
        next: crm_core::accounts::after_login_path(&fields.next),
    })
}

/// The answer to a log-in form.
#[derive(Debug)]
pub enum LoginOutcome {
    LoggedIn {
        session: NewSession,
        member: MemberId,
        /// Where to go now.
        next: String,
    },
    /// Unknown address or wrong password: one answer for both.
    Failed,
    /// The password is right, but the member belongs to no workspace any more.
    NoWorkspace,
    Invalid(Vec<FieldProblem>),
    RateLimited,
}

/// Ends the session a browser holds.
pub async fn log_out(state: &AppState, secret: &str) -> Result<(), AppError> {
    session::end(state.db.pool(), &tokens::hash(secret)).await?;
    tracing::info!("member logged out");
    Ok(())
}

/// Sends a password-reset link to the address, when it has an account. The answer is the same
/// either way.
pub async fn request_password_reset(
    state: &AppState,
    client: Option<IpAddr>,
    fields: &ForgotFields,
) -> Result<Outcome<()>, AppError> {
    let now = state.db.now_millis();
    let email = match EmailAddress::parse(&fields.email) {
        Ok(email) => email,
        Err(message) => return Ok(Outcome::Invalid(vec![FieldProblem::new("email", message)])),
    };
    if limited(state, RESET_PER_IP, &ip_key(client), now).await? {
        return Ok(Outcome::RateLimited);
    }
    // Counted for every address typed, before it is looked up: an address without an account
    // reaches the limit after as many requests as one with an account, so no answer tells them
    // apart.
    if limited(state, RESET_PER_ADDRESS, &members::email_key(&email), now).await? {
        return Ok(Outcome::RateLimited);
    }
    // The same work for every address: one row for the worker, which decides.
    sqlx::query("INSERT INTO reset_requests (id, email, requested_at) VALUES ($1, $2, $3)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(email.as_str())
        .bind(now)
        .execute(state.db.pool())
        .await?;
    state.outbox.wake();
    tracing::info!("password reset request queued");
    Ok(Outcome::Done(()))
}

/// How long a worker holds a claimed reset request before another may take it over.
const RESET_CLAIM_MS: i64 = 60 * 1000;

/// The worker's half of a password reset: claims the queued requests, sends a link to each
/// address that has an account, and forgets every request. Returns how many it handled.
pub async fn handle_reset_requests(state: &AppState) -> Result<usize, AppError> {
    let now = state.db.now_millis();
    // The outer conditions are checked again on the locked row, so two instances claiming at the
    // same moment never both get a request.
    let rows = sqlx::query(
        "UPDATE reset_requests SET claimed_until = $1
         WHERE id IN (SELECT id FROM reset_requests
                      WHERE claimed_until IS NULL OR claimed_until < $2
                      ORDER BY requested_at LIMIT 50)
           AND (claimed_until IS NULL OR claimed_until < $2)
         RETURNING id, email",
    )
    .bind(now + RESET_CLAIM_MS)
    .bind(now)
    .fetch_all(state.db.pool())
    .await?;
    let mut handled = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        let typed: String = row.try_get("email")?;
        let mut tx = state.db.begin_write().await?;
        if let Ok(email) = EmailAddress::parse(&typed)
            && let Some(member) = members::find_by_email(&mut *tx, &email).await?
        {
            send_reset_link(state, &mut tx, &member, now).await?;
        } else {
            tracing::info!("password reset asked for an address without an account");
        }
        sqlx::query("DELETE FROM reset_requests WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        handled += 1;
    }
    if handled > 0 {
        state.outbox.wake();
    }
    Ok(handled)
}

/// Issues a reset link for a member and queues the e-mail that carries it.
async fn send_reset_link(
    state: &AppState,
    tx: &mut sqlx::AnyConnection,
    member: &members::MemberRow,
    now: i64,
) -> Result<(), AppError> {
    let secret = tokens::issue(
        &mut *tx,
        Purpose::ResetPassword,
        member.id,
        &member.email,
        Purpose::ResetPassword.lifetime_ms(),
        now,
    )
    .await?;
    let mail = Email {
        to: parse_stored_email(&member.email)?,
        reply_to: None,
        subject: "Reset your Candor CRM password".to_owned(),
        text: format!(
            "Hello {name},\n\n\
             To choose a new password, open this link within one hour:\n\n\
             {link}\n\n\
             Choosing a new password logs you out everywhere else.\n\n\
             If you did not ask to reset your password, you can ignore this e-mail: your password \
             stays as it is.\n",
            name = member.name,
            link = link(state, &format!("/reset-password/{secret}")),
        ),
    };
    crate::mail::enqueue(&mut *tx, &state.config, &mail, now).await?;
    tracing::info!(member_id = %member.id, "password reset link sent");
    Ok(())
}

/// The answer to the new-password form.
#[derive(Debug)]
pub enum ResetOutcome {
    /// The password is changed, every other session ended, and this browser logged in.
    Done(NewSession),
    Invalid(Vec<FieldProblem>),
    /// The link is unknown, used or expired, or was sent to an address the member no longer has.
    LinkInvalid,
    RateLimited,
}

/// Sets a new password from a reset link, ends every session of the member, retires their other
/// reset links, and logs this browser in. Following the link also proves the address.
///
/// Every cheap check (the link's shape, the rate limits, the link itself, the password rules) comes
/// before the costly hash, so a post that will be refused never costs one.
pub async fn reset_password(
    state: &AppState,
    client: Option<IpAddr>,
    secret: &str,
    device: &Device,
    fields: &ResetFields,
) -> Result<ResetOutcome, AppError> {
    let now = state.db.now_millis();
    if !tokens::well_formed(secret) {
        return Ok(ResetOutcome::LinkInvalid);
    }
    if limited(state, LINK_POSTS_PER_IP, &ip_key(client), now).await?
        || limited(state, RESET_POSTS_PER_LINK, secret, now).await?
    {
        return Ok(ResetOutcome::RateLimited);
    }
    let Some((member, sent_to)) =
        tokens::find_usable(state.db.pool(), Purpose::ResetPassword, secret, now).await?
    else {
        return Ok(ResetOutcome::LinkInvalid);
    };
    let Some(stored) = members::find(state.db.pool(), member).await? else {
        return Ok(ResetOutcome::LinkInvalid);
    };
    if !stored.email.eq_ignore_ascii_case(&sent_to) {
        // Sent before an e-mail change: the old mailbox no longer speaks for the account.
        return Ok(ResetOutcome::LinkInvalid);
    }
    if let Err(message) = password::check_new(&fields.password, Some(&stored.email)) {
        return Ok(ResetOutcome::Invalid(vec![FieldProblem::new(
            "password", message,
        )]));
    }
    let password_hash = password::hash(&state.passwords, fields.password.clone()).await?;
    let mut tx = state.db.begin_write().await?;
    let Some((member, email)) =
        tokens::consume(&mut *tx, Purpose::ResetPassword, secret, now).await?
    else {
        return Ok(ResetOutcome::LinkInvalid);
    };
    // Checked again in the transaction: the address may have changed while the hash was made.
    let Some(stored) = members::find(&mut *tx, member)
        .await?
        .filter(|stored| stored.email.eq_ignore_ascii_case(&email))
    else {
        tx.commit().await?;
        return Ok(ResetOutcome::LinkInvalid);
    };
    if let Err(message) = password::check_new(&fields.password, Some(&stored.email)) {
        return Ok(ResetOutcome::Invalid(vec![FieldProblem::new(
            "password", message,
        )]));
    }
    members::set_password(&mut *tx, member, &password_hash, now).await?;
    members::mark_verified(&mut *tx, member, &email, now).await?;
    tokens::retire_all(&mut *tx, Purpose::ResetPassword, member, now).await?;
    let ended = session::end_all_for(&mut *tx, member, None).await?;
    let Some(workspace) = members::first_workspace(&mut *tx, member).await? else {
        tx.commit().await?;
        return Ok(ResetOutcome::LinkInvalid);
    };
    let new = session::create(&mut *tx, member, workspace, device, now).await?;
    tx.commit().await?;
    tracing::info!(member_id = %member, sessions_ended = ended, "password reset");
    Ok(ResetOutcome::Done(new))
}

/// Creates an operator in the operators' workspace (or finds the member with that address and
/// makes them one) and returns a one-time link, valid 48 hours, to choose a password.
pub async fn create_operator(state: &AppState, email: &EmailAddress) -> Result<String, AppError> {
    let now = state.db.now_millis();
    let mut tx = state.db.begin_write().await?;
    let member = match members::find_by_email(&mut *tx, email).await? {
        Some(member) => member.id,
        None => {
            let name = PersonName::parse(email.as_str().split('@').next().unwrap_or("Operator"))
                .map_err(|m| AppError::validation("email", m))?;
            members::insert(
                &mut *tx,
                &NewMember {
                    name: &name,
                    email,
                    password_hash: None,
                    age_confirmed_at: None,
                    time_zone: None,
                    locale: None,
                },
                now,
            )
            .await?
        }
    };
    sqlx::query(
        "INSERT INTO memberships (workspace_id, member_id, role, created_at) VALUES ($1, $2, 'operator', $3)
         ON CONFLICT (workspace_id, member_id) DO UPDATE SET role = 'operator'",
    )
    .bind(state.vendor_workspace)
    .bind(member)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tokens::retire_all(&mut *tx, Purpose::ResetPassword, member, now).await?;
    let secret = tokens::issue(
        &mut *tx,
        Purpose::ResetPassword,
        member,
        email.as_str(),
        Purpose::VerifyEmail.lifetime_ms(),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(member_id = %member, "operator created");
    Ok(link(state, &format!("/reset-password/{secret}")))
}

/// The e-mail change form as posted.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct EmailChangeFields {
    #[serde(default)]
    pub new_email: String,
    #[serde(default)]
    pub current_password: String,
}

/// The password change form as posted.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct PasswordChangeFields {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}

/// Checks the logged-in member's current password, within a limit of failures of its own (so the
/// forms cannot be used to guess it, and no stranger's failed log-ins can block them). `Ok(None)`
/// when it is right.
async fn check_current_password(
    state: &AppState,
    current: &CurrentSession,
    password: &str,
    now: i64,
) -> Result<Option<Outcome<()>>, AppError> {
    if password.is_empty() {
        return Ok(Some(Outcome::Invalid(vec![FieldProblem::new(
            "current_password",
            "Enter your current password.",
        )])));
    }
    let limit = CURRENT_PASSWORD_FAILURES_PER_MEMBER;
    let secret = state.config.secret_key.expose();
    let key = current.viewer.member_id.to_string();
    let failures = limit.count(&state.db, secret, &key, now).await?;
    if limit.decide(failures) == Decision::Limited {
        tracing::info!(
            bucket = limit.bucket,
            "current password check refused by the rate limit"
        );
        return Ok(Some(Outcome::RateLimited));
    }
    let stored = members::find(state.db.pool(), current.viewer.member_id)
        .await?
        .and_then(|m| m.password_hash);
    let matches = password::verify(&state.passwords, password.to_owned(), stored).await;
    if !matches.as_ref().is_ok_and(|m| !m) {
        // Right, or not checked at all: either way not a failure.
        limit.forgive(&state.db, secret, &key, now).await?;
    }
    if !matches? {
        return Ok(Some(Outcome::Invalid(vec![FieldProblem::new(
            "current_password",
            "That is not your current password.",
        )])));
    }
    Ok(None)
}

/// Asks to change the member's address: a link to confirm goes to the new address, and the
/// current one is told. The answer is the same whether or not the new address has an account
/// (that account's owner is told instead).
pub async fn request_email_change(
    state: &AppState,
    current: &CurrentSession,
    fields: &EmailChangeFields,
) -> Result<Outcome<()>, AppError> {
    let now = state.db.now_millis();
    let new_email = match EmailAddress::parse(&fields.new_email) {
        Ok(email) => email,
        Err(message) => {
            return Ok(Outcome::Invalid(vec![FieldProblem::new(
                "new_email",
                message,
            )]));
        }
    };
    if members::email_key(&new_email) == current.viewer.email.to_lowercase() {
        return Ok(Outcome::Invalid(vec![FieldProblem::new(
            "new_email",
            "This is already your e-mail address.",
        )]));
    }
    if let Some(refused) =
        check_current_password(state, current, &fields.current_password, now).await?
    {
        return Ok(refused);
    }
    let viewer = &current.viewer;
    let old_email = parse_stored_email(&viewer.email)?;
    let mut tx = state.db.begin_write().await?;
    let taken = members::find_by_email(&mut *tx, &new_email)
        .await?
        .is_some();
    let to_new = if taken {
        already_registered_email(state, new_email.as_str())?
    } else {
        tokens::retire_all(&mut *tx, Purpose::ChangeEmail, viewer.member_id, now).await?;
        let secret = tokens::issue(
            &mut *tx,
            Purpose::ChangeEmail,
            viewer.member_id,
            new_email.as_str(),
            Purpose::ChangeEmail.lifetime_ms(),
            now,
        )
        .await?;
        Email {
            to: new_email.clone(),
            reply_to: None,
            subject: "Confirm your new e-mail address for Candor CRM".to_owned(),
            text: format!(
                "Hello {name},\n\n\
                 To use this address for your Candor CRM account, open this link within 48 hours:\n\n\
                 {link}\n\n\
                 Until then, your account keeps its current address. If you did not ask for this, \
                 ignore this e-mail.\n",
                name = viewer.name,
                link = link(state, &format!("/verify-email/{secret}")),
            ),
        }
    };
    let to_old = Email {
        to: old_email,
        reply_to: None,
        subject: "A change of your Candor CRM e-mail address was requested".to_owned(),
        text: format!(
            "Hello {name},\n\n\
             Someone logged in to your account asked to change its e-mail address to {new}. \
             The change happens only once the new address is confirmed.\n\n\
             If this was not you, change your password now: {forgot}\n",
            name = viewer.name,
            new = new_email,
            forgot = link(state, "/forgot-password"),
        ),
    };
    crate::mail::enqueue(&mut *tx, &state.config, &to_new, now).await?;
    crate::mail::enqueue(&mut *tx, &state.config, &to_old, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(member_id = %viewer.member_id, "e-mail change requested");
    Ok(Outcome::Done(()))
}

/// Applies a confirmed e-mail change; tells the old address. `false` when the link does not
/// work or the address was taken meanwhile.
async fn confirm_email_change(state: &AppState, secret: &str, now: i64) -> Result<bool, AppError> {
    let mut tx = state.db.begin_write().await?;
    let Some((member, new)) = tokens::consume(&mut *tx, Purpose::ChangeEmail, secret, now).await?
    else {
        return Ok(false);
    };
    let Some(stored) = members::find(&mut *tx, member).await? else {
        return Ok(false);
    };
    let new_email = parse_stored_email(&new)?;
    match members::change_email(&mut *tx, member, &new_email, now).await {
        Ok(()) => {}
        Err(AppError::Conflict(_)) => return Ok(false),
        Err(other) => return Err(other),
    }
    // Links sent to the old address stop working with it: a reset link from a mailbox that may
    // be the reason for the change must not reset the password.
    for purpose in [Purpose::ResetPassword, Purpose::VerifyEmail] {
        tokens::retire_all(&mut *tx, purpose, member, now).await?;
    }
    let notice = Email {
        to: parse_stored_email(&stored.email)?,
        reply_to: None,
        subject: "Your Candor CRM e-mail address was changed".to_owned(),
        text: format!(
            "Hello {name},\n\n\
             Your account's e-mail address is now {new}. This address no longer receives its \
             e-mails.\n\n\
             If this was not you, write to us by replying to this e-mail at once.\n",
            name = stored.name,
            new = new_email,
        ),
    };
    crate::mail::enqueue(&mut *tx, &state.config, &notice, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(member_id = %member, "e-mail address changed");
    Ok(true)
}

/// Changes the member's password after checking the current one; ends their other sessions and
/// tells them by e-mail.
pub async fn change_password(
    state: &AppState,
    current: &CurrentSession,
    fields: &PasswordChangeFields,
) -> Result<Outcome<()>, AppError> {
    let now = state.db.now_millis();
    if let Err(message) = password::check_new(&fields.new_password, Some(&current.viewer.email)) {
        return Ok(Outcome::Invalid(vec![FieldProblem::new(
            "new_password",
            message,
        )]));
    }
    if let Some(refused) =
        check_current_password(state, current, &fields.current_password, now).await?
    {
        return Ok(refused);
    }
    let password_hash = password::hash(&state.passwords, fields.new_password.clone()).await?;
    let viewer = &current.viewer;
    let mut tx = state.db.begin_write().await?;
    members::set_password(&mut *tx, viewer.member_id, &password_hash, now).await?;
    let ended =
        session::end_all_for(&mut *tx, viewer.member_id, Some(&current.secret_hash)).await?;
    tokens::retire_all(&mut *tx, Purpose::ResetPassword, viewer.member_id, now).await?;
    let notice = Email {
        to: parse_stored_email(&viewer.email)?,
        reply_to: None,
        subject: "Your Candor CRM password was changed".to_owned(),
        text: format!(
            "Hello {name},\n\n\
             Your password was changed, and every other session of your account was ended.\n\n\
             If this was not you, reset your password now: {forgot}\n",
            name = viewer.name,
            forgot = link(state, "/forgot-password"),
        ),
    };
    crate::mail::enqueue(&mut *tx, &state.config, &notice, now).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(member_id = %viewer.member_id, sessions_ended = ended, "password changed");
    Ok(Outcome::Done(()))
}
