//! Phone numbers: the browser checks what it can of the characters ([`check_phone_form`]); the
//! server parses them with libphonenumber's metadata (too large to ship to the browser) and stores
//! them in E.164 ([`PhoneNumber`]).

#[cfg(feature = "server")]
use std::fmt;

pub const PHONE_NEEDS_COUNTRY: &str =
    "Enter the number with its country code, like +44 20 7946 0958.";
pub const PHONE_INVALID: &str =
    "This is not a valid phone number. Check the digits and the country code.";

/// What the browser can check of a phone number: its characters, an international prefix (`+` or
/// `00`), and 6 to 15 digits (E.164's limit). The server then checks it against libphonenumber's
/// numbering plans ([`PhoneNumber`]).
pub fn check_phone_form(raw: &str) -> Result<(), &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter a phone number.");
    }
    if raw.chars().count() > 30
        || !raw
            .chars()
            .all(|c| c.is_ascii_digit() || " .-()/+".contains(c))
        || raw.char_indices().any(|(i, c)| c == '+' && i > 0)
    {
        return Err("Use only digits, spaces and + - ( ) . / in a phone number.");
    }
    if !(raw.starts_with('+') || raw.starts_with("00")) {
        return Err(PHONE_NEEDS_COUNTRY);
    }
    let digits = raw
        .trim_start_matches("00")
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if !(6..=15).contains(&digits) {
        return Err(PHONE_INVALID);
    }
    Ok(())
}

/// A valid phone number in E.164 form (`+442079460958`).
#[cfg(feature = "server")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(String);

#[cfg(feature = "server")]
impl PhoneNumber {
    /// Parses a number as typed: it must carry its country code (a leading `+`, or `00`), since
    /// a workspace's people live in many countries. The error says how to fix it.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        check_phone_form(raw)?;
        let raw = raw.trim();
        let international = match raw.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => raw.to_owned(),
        };
        let number = phonenumber::parse(None, &international).map_err(|_| PHONE_INVALID)?;
        if !phonenumber::is_valid(&number) {
            return Err(PHONE_INVALID);
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "server")]
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::PhoneNumber;

    #[test]
    fn numbers_written_in_different_ways_normalise_to_the_same_e164() {
        for written in [
            "+44 20 7946 0958",
            "+44 (0)20 7946-0958",
            "0044 20 7946 0958",
        ] {
            assert_eq!(
                PhoneNumber::parse(written).map(|p| p.to_string()),
                Ok("+442079460958".to_owned()),
                "{written}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+41 44 668 18 00").unwrap().as_str(),
            "+41446681800"
        );
    }

    #[test]
    fn a_number_without_its_country_code_is_refused_with_how_to_fix_it() {
        assert_eq!(
            PhoneNumber::parse("020 7946 0958"),
            Err("Enter the number with its country code, like +44 20 7946 0958.")
        );
    }

    #[test]
    fn impossible_numbers_and_letters_are_refused() {
        assert!(PhoneNumber::parse("+44 12").is_err());
        assert!(PhoneNumber::parse("+1 555 CALL NOW").is_err());
        assert!(PhoneNumber::parse(&"1".repeat(40)).is_err());
    }
}
