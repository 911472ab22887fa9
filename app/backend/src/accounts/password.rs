//! Passwords: Argon2id hashes made and checked on the blocking thread pool (a hash takes tens of
//! milliseconds of CPU, which must never stall the async threads), never more at once than the
//! process's [`HashGate`] allows, and the common-password list.

use std::collections::HashSet;
use std::sync::OnceLock;

pub use crate::hash_gate::{HASH_WAIT, HashGate};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crm_core::error::AppError;

/// Passwords people choose most often, 12 characters or longer, in lower case. See
/// `app/data/README.md` for where the list comes from.
const COMMON: &str = include_str!("../../../data/common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().filter(|line| !line.is_empty()).collect())
}

/// Whether the password is on the list of common passwords (case is ignored).
pub fn is_common(password: &str) -> bool {
    common().contains(password.to_lowercase().as_str())
}

/// The message for a refused common password.
pub const COMMON_MESSAGE: &str = "This password is one of the most common ones, so it is easy to guess. Choose another: a few unrelated words work well.";

/// All the rules for a new password: those the browser checks too, the common list, and not the
/// member's own e-mail address.
pub fn check_new(password: &str, email: Option<&str>) -> Result<(), &'static str> {
    crm_core::accounts::check_new_password(password)?;
    if is_common(password) {
        return Err(COMMON_MESSAGE);
    }
    if email.is_some_and(|email| password.trim().eq_ignore_ascii_case(email.trim())) {
        return Err("Your password cannot be your e-mail address.");
    }
    Ok(())
}

/// Argon2id with the parameters OWASP recommends (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// 128 random bits from rand's thread-local CSPRNG (seeded by the operating system), as a salt.
fn new_salt() -> Result<SaltString, AppError> {
    SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| AppError::internal(format!("could not encode a salt ({e})")))
}

/// Hashes a password with a fresh salt, off the async threads, within the gate.
pub async fn hash(gate: &HashGate, password: String) -> Result<String, AppError> {
    gate.run(move || {
        let salt = new_salt()?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(format!("password hashing failed ({e})")))
    })
    .await
}

/// Checks a password against a stored hash, off the async threads, within the gate. With no
/// stored hash (no such account, or one without a password yet) a hash is checked all the same,
/// so that the answer takes as long and says nothing about which accounts exist.
pub async fn verify(
    gate: &HashGate,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    gate.run(move || {
        let (stored, real) = match stored {
            Some(stored) => (stored, true),
            None => (dummy_hash().to_owned(), false),
        };
        let parsed = PasswordHash::new(&stored).map_err(|e| {
            AppError::internal(format!("a stored password hash is malformed ({e})"))
        })?;
        let matches = argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(real && matches)
    })
    .await
}

/// A hash of a random password nobody knows, made once, for [`verify`] without an account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = new_salt().expect("16 random bytes always encode as a salt");
        let secret = uuid::Uuid::new_v4().to_string();
        argon2()
            .hash_password(secret.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .expect("hashing a random password with valid parameters succeeds")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(is_common("qwerty123456"));
        assert!(is_common("QWERTY123456"));
        assert!(!is_common("lantern orbit fiddle"));
        assert_eq!(check_new("Qwerty123456", None), Err(COMMON_MESSAGE));
    }

    #[test]
    fn the_e_mail_address_is_not_a_password() {
        assert!(check_new("ada@example.com", Some("ADA@example.com")).is_err());
        assert!(check_new("lantern orbit fiddle", Some("ada@example.com")).is_ok());
    }

    #[test]
    fn the_bundled_list_is_sorted_lower_case_and_long_enough_to_matter() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert!(lines.len() > 40_000, "{} entries", lines.len());
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() >= 12 && l.to_lowercase() == *l)
        );
        assert!(lines.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[tokio::test]
    async fn a_hash_is_argon2id_salted_and_checks_only_its_own_password() {
        let gate = HashGate::default();
        let first = hash(&gate, "lantern orbit fiddle".into())
            .await
            .expect("hash");
        let second = hash(&gate, "lantern orbit fiddle".into())
            .await
            .expect("hash");
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
        assert!(
            verify(&gate, "lantern orbit fiddle".into(), Some(first.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify(&gate, "lantern orbit fiddles".into(), Some(first))
                .await
                .expect("verify")
        );
        assert!(
            !verify(&gate, "anything".into(), None)
                .await
                .expect("verify")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_the_gate_allows_and_the_others_wait_their_turn() {
        let gate = HashGate::new(2, Duration::from_secs(60));
        let hashes: Vec<_> = (0..12)
            .map(|i| {
                let gate = gate.clone();
                tokio::spawn(async move { hash(&gate, format!("lantern orbit fiddle {i}")).await })
            })
            .collect();
        for handle in hashes {
            handle
                .await
                .expect("task")
                .expect("every hash is made in turn");
        }
        let counts = gate.counts();
        assert_eq!(counts.started, 12);
        assert_eq!(counts.refused, 0);
        assert_eq!(counts.peak_at_once, 2, "{counts:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_that_waits_too_long_for_its_turn_is_refused_as_overloaded_and_says_when_to_come_back()
     {
        let gate = HashGate::new(1, Duration::from_millis(1));
        let checks: Vec<_> = (0..8)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move { verify(&gate, "guess".into(), None).await })
            })
            .collect();
        let mut refused = 0;
        for handle in checks {
            match handle.await.expect("task") {
                Ok(matches) => assert!(!matches),
                Err(error) => {
                    assert_eq!(error, AppError::Overloaded);
                    assert_eq!(error.status_code(), 503);
                    assert!(error.retry_after().is_some());
                    refused += 1;
                }
            }
        }
        let counts = gate.counts();
        assert!(refused >= 1, "{counts:?}");
        assert_eq!(counts.refused, refused);
        assert_eq!(counts.started + counts.refused, 8);
        assert_eq!(counts.peak_at_once, 1);
    }
}
