//! The form's time stamp: when the page with the form was made, signed with the server's secret so
//! it cannot be forged. A request sent sooner than a person could fill the form is a bot's.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// No person fills six fields in under three seconds.
pub const MIN_FILL_MS: i64 = 3_000;
/// A form left open longer than a day is stale: the visitor is asked to send it again.
pub const MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

const PURPOSE: &[u8] = b"demo-form-stamp:";

/// What is wrong with a stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StampProblem {
    /// Sent faster than a person could have typed it.
    TooFast,
    /// Missing, malformed, forged, from the future or older than a day.
    Invalid,
}

fn mac(secret: &[u8], issued_at: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(PURPOSE);
    mac.update(issued_at.to_string().as_bytes());
    mac
}

/// A stamp for a form shown now.
pub fn issue(secret: &[u8], now: i64) -> String {
    let tag = mac(secret, now).finalize().into_bytes();
    format!("{now}.{}", hex::encode(tag))
}

/// Checks a stamp sent back with the form.
pub fn check(secret: &[u8], stamp: &str, now: i64) -> Result<(), StampProblem> {
    let (issued, tag) = stamp.split_once('.').ok_or(StampProblem::Invalid)?;
    let issued_at: i64 = issued.parse().map_err(|_| StampProblem::Invalid)?;
    let tag = hex::decode(tag).map_err(|_| StampProblem::Invalid)?;
    mac(secret, issued_at)
        .verify_slice(&tag)
        .map_err(|_| StampProblem::Invalid)?;
    let elapsed = now - issued_at;
    if !(0..=MAX_AGE_MS).contains(&elapsed) {
        return Err(StampProblem::Invalid);
    }
    if elapsed < MIN_FILL_MS {
        return Err(StampProblem::TooFast);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_stamp_checks_once_a_person_could_have_filled_the_form() {
        let stamp = issue(SECRET, 1_000_000);
        assert_eq!(check(SECRET, &stamp, 1_000_000 + MIN_FILL_MS), Ok(()));
        assert_eq!(check(SECRET, &stamp, 1_000_000 + 60_000), Ok(()));
    }

    #[test]
    fn a_form_sent_within_three_seconds_is_too_fast() {
        let stamp = issue(SECRET, 1_000_000);
        assert_eq!(check(SECRET, &stamp, 1_000_500), Err(StampProblem::TooFast));
    }

    #[test]
    fn forged_stale_and_malformed_stamps_are_refused() {
        let stamp = issue(SECRET, 1_000_000);
        let (_, tag) = stamp.split_once('.').unwrap();
        let backdated = format!("1.{tag}");
        assert_eq!(
            check(SECRET, &backdated, 1_000_000),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check(b"another secret of thirty-two bytes", &stamp, 1_010_000),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check(SECRET, &stamp, 1_000_000 + MAX_AGE_MS + 1),
            Err(StampProblem::Invalid)
        );
        assert_eq!(check(SECRET, &stamp, 999_000), Err(StampProblem::Invalid));
        for junk in ["", "abc", "123.", "123.zz", "x.00"] {
            assert_eq!(
                check(SECRET, junk, 1_010_000),
                Err(StampProblem::Invalid),
                "{junk}"
            );
        }
    }
}
