//! Phone numbers, parsed on the server with libphonenumber's metadata (too large to ship to the
//! browser, which only checks the characters) and stored in E.164.

use std::fmt;

use super::model::{PHONE_INVALID, check_phone_form};

/// A valid phone number in E.164 form (`+442079460958`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(String);

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

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
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
