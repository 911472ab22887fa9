//! Secrets handed to a browser or sent by e-mail (session cookies, verification and reset links).
//! Each is 256 random bits; only its SHA-256 is stored, so a copy of the database opens nothing.

use sha2::{Digest, Sha256};
use sqlx::{Any, Executor, Row};

use crm_core::error::AppError;
use crm_core::ids::MemberId;

/// A new random secret from rand's thread-local CSPRNG, as 64 hexadecimal characters.
pub fn generate() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What is stored in place of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether a string has the shape of a secret made by [`generate`]; anything else is refused
/// before it reaches the database.
pub fn well_formed(secret: &str) -> bool {
    secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// What an e-mailed link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    /// Confirms a new address before it replaces the member's current one.
    ChangeEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::ChangeEmail => "change_email",
        }
    }

    /// How long a link works.
    pub fn lifetime_ms(self) -> i64 {
        match self {
            Self::VerifyEmail | Self::ChangeEmail => 48 * 60 * 60 * 1000,
            Self::ResetPassword => 60 * 60 * 1000,
        }
    }
}

/// Issues a link token for a member and the address it is sent to; returns the secret for the
/// link.
pub async fn issue<'e>(
    executor: impl Executor<'e, Database = Any>,
    purpose: Purpose,
    member: MemberId,
    email: &str,
    lifetime_ms: i64,
    now: i64,
) -> Result<String, AppError> {
    let secret = generate();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, purpose, member_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash(&secret))
    .bind(purpose.as_str())
    .bind(member)
    .bind(email)
    .bind(now)
    .bind(now + lifetime_ms)
    .execute(executor)
    .await?;
    Ok(secret)
}

/// Whether a token would be accepted now, without using it (to show a form or an expiry notice).
pub async fn is_usable<'e>(
    executor: impl Executor<'e, Database = Any>,
    purpose: Purpose,
    secret: &str,
    now: i64,
) -> Result<bool, AppError> {
    Ok(find_usable(executor, purpose, secret, now).await?.is_some())
}

/// The member and the address of a token that would be accepted now, without using it.
pub async fn find_usable<'e>(
    executor: impl Executor<'e, Database = Any>,
    purpose: Purpose,
    secret: &str,
    now: i64,
) -> Result<Option<(MemberId, String)>, AppError> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT member_id, email FROM account_tokens
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(hash(secret))
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some((row.try_get("member_id")?, row.try_get("email")?)))
}

/// Uses a token: one statement marks it used if it is unused and unexpired, so two requests
/// racing with the same link cannot both succeed. Returns the member and the address the link
/// was sent to.
pub async fn consume<'e>(
    executor: impl Executor<'e, Database = Any>,
    purpose: Purpose,
    secret: &str,
    now: i64,
) -> Result<Option<(MemberId, String)>, AppError> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let row = sqlx::query(
        "UPDATE account_tokens SET used_at = $1
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING member_id, email",
    )
    .bind(now)
    .bind(hash(secret))
    .bind(purpose.as_str())
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let member: String = row.try_get("member_id")?;
    Ok(Some((member.parse()?, row.try_get("email")?)))
}

/// Retires every unused token of a purpose for a member (a newer link replaces older ones; a
/// completed reset retires the other reset links).
pub async fn retire_all<'e>(
    executor: impl Executor<'e, Database = Any>,
    purpose: Purpose,
    member: MemberId,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE account_tokens SET used_at = $1
         WHERE member_id = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(member)
    .bind(purpose.as_str())
    .execute(executor)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_well_formed_and_stored_only_as_a_hash() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(well_formed(&a));
        assert_ne!(hash(&a), a);
        assert_eq!(hash(&a), hash(&a));
        for bad in [
            "",
            "abc",
            &a.to_uppercase(),
            &format!("{a}0"),
            &a.replace('a', "g"),
        ] {
            assert!(!well_formed(bad) || bad == a, "{bad}");
        }
    }
}
