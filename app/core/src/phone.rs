//! Phone numbers: the browser checks what it can of the characters ([`check_phone_form`]); the
//! server parses them with libphonenumber's metadata (too large to ship to the browser), in the
//! workspace's home country when they are typed as dialled there ("020 7946 0958" in the United
//! Kingdom), stores them in E.164 ([`PhoneNumber`]) and shows them back as people write them
//! ([`PhoneNumber::shown`]): the home country's numbers in national form, the others in
//! international form.

#[cfg(feature = "server")]
use std::fmt;

#[cfg(feature = "server")]
use crate::country::Country;

pub const PHONE_NEEDS_COUNTRY: &str = "Enter the number with its country code, like +44 20 7946 0958. \
     An admin can set the workspace's country in its settings, so that numbers from there can be \
     typed as they are dialled there.";
#[cfg(feature = "server")]
const NO_SUCH_CODE: &str = "No country has this country code: check the digits after the +.";
pub const PHONE_INVALID: &str =
    "This is not a valid phone number. Check the digits and the country code.";

/// What the browser can check of a phone number: its characters, at most one `+` (first), and 4
/// to 17 digits (E.164's 15, and a national trunk prefix or `00` besides). The server then checks
/// it against libphonenumber's numbering plans, in the workspace's country when it has no country
/// code ([`PhoneNumber`]).
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
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    if !(4..=17).contains(&digits) {
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
    /// Parses a number as typed: with its country code (a leading `+`, or `00`), or, when the
    /// workspace has a home country, as it is dialled there. The error says why a number cannot
    /// be one (too short or too long for that country, or no number there starts so) and how to
    /// fix it.
    pub fn parse(raw: &str, home: Option<Country>) -> Result<Self, String> {
        check_phone_form(raw)?;
        let raw = raw.trim();
        let international = raw.starts_with('+') || raw.starts_with("00");
        let (region, text) = if international {
            let text = match raw.strip_prefix("00") {
                Some(rest) => format!("+{rest}"),
                None => raw.to_owned(),
            };
            (None, text)
        } else {
            let home = home.ok_or(PHONE_NEEDS_COUNTRY)?;
            let region = home
                .code()
                .parse::<phonenumber::country::Id>()
                .map_err(|_| PHONE_NEEDS_COUNTRY)?;
            (Some((home, region)), raw.to_owned())
        };
        let place = region.map_or_else(String::new, |(home, _)| format!(" in {}", home.name()));
        let number = phonenumber::parse(region.map(|(_, id)| id), &text).map_err(|error| {
            use phonenumber::ParseError;
            match error {
                // Also said of a known code followed by too few digits to read it by.
                ParseError::InvalidCountryCode => match known_code(&text) {
                    Some(country) => format!(
                        "This is too short for a phone number in {}: check the digits.",
                        country.name()
                    ),
                    None => NO_SUCH_CODE.to_owned(),
                },
                ParseError::TooShortAfterIdd | ParseError::TooShortNsn => {
                    format!("This is too short for a phone number{place}: check the digits.")
                }
                ParseError::TooLong => {
                    format!("This is too long for a phone number{place}: check the digits.")
                }
                _ => PHONE_INVALID.to_owned(),
            }
        })?;
        if phonenumber::is_valid(&number) {
            return Ok(Self(
                number.format().mode(phonenumber::Mode::E164).to_string(),
            ));
        }
        // Why not: the national number's length against what the country's plan allows.
        let country = match region {
            Some((home, _)) => Some(home),
            None => number
                .country()
                .id()
                .and_then(|id| Country::parse(id.as_ref()))
                .or_else(|| known_code(&text)),
        };
        let Some(country) = country else {
            return Err(NO_SUCH_CODE.to_owned());
        };
        let digits = number.national().to_string().len();
        // The lengths of the numbers people are given (landlines and mobiles; the plan's
        // general lengths also count short service and local-only numbers).
        let lengths = phonenumber::metadata::DATABASE
            .by_id(country.code())
            .map(|meta| {
                let kinds = meta.descriptors();
                let mut lengths: Vec<u16> = [kinds.fixed_line(), kinds.mobile()]
                    .into_iter()
                    .flatten()
                    .flat_map(|kind| kind.possible_length().iter().copied())
                    .collect();
                if lengths.is_empty() {
                    lengths = kinds.general().possible_length().to_vec();
                }
                lengths.sort_unstable();
                lengths
            })
            .unwrap_or_default();
        let name = country.name();
        Err(match (lengths.first(), lengths.last()) {
            (Some(&shortest), _) if (digits as u16) < shortest => {
                format!("This is too short for a phone number in {name}: check the digits.")
            }
            (_, Some(&longest)) if (digits as u16) > longest => {
                format!("This is too long for a phone number in {name}: check the digits.")
            }
            _ => format!(
                "No phone number in {name} starts like this: check the digits{}.",
                if international {
                    " and the country code"
                } else {
                    ""
                }
            ),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A field's value as pages show it: a stored phone number (`is_phone`) as people write it
    /// in `home` ([`Self::shown`]), anything else (and an empty value) as it is.
    pub fn shown_if(is_phone: bool, value: String, home: Option<Country>) -> String {
        if is_phone && !value.is_empty() {
            Self::shown(&value, home)
        } else {
            value
        }
    }

    /// A stored number as people write it: the home country's numbers in national form
    /// ("020 7946 0958"), others in international form ("+41 44 668 18 00"); anything that does
    /// not parse as it is.
    pub fn shown(stored: &str, home: Option<Country>) -> String {
        let Ok(number) = phonenumber::parse(None, stored) else {
            return stored.to_owned();
        };
        let national = home.is_some_and(|home| {
            number
                .country()
                .id()
                .is_some_and(|id| id.as_ref().eq_ignore_ascii_case(home.code()))
        });
        let mode = if national {
            phonenumber::Mode::National
        } else {
            phonenumber::Mode::International
        };
        number.format().mode(mode).to_string()
    }
}

/// The country whose calling code begins an international number ("+44 20" → the United
/// Kingdom), when one does and it is the code's main country.
#[cfg(feature = "server")]
fn known_code(international: &str) -> Option<Country> {
    let digits: String = international.chars().filter(char::is_ascii_digit).collect();
    (1..=3.min(digits.len())).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        let regions = phonenumber::metadata::DATABASE.region(&code)?;
        let main = regions
            .iter()
            .find(|region| {
                phonenumber::metadata::DATABASE
                    .by_id(**region)
                    .is_some_and(|meta| meta.is_main_country_for_code())
            })
            .or(regions.first())?;
        Country::parse(main)
    })
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
    use crate::country::{COUNTRIES, Country};

    fn uk() -> Option<Country> {
        Country::parse("GB")
    }

    #[test]
    fn numbers_written_in_different_ways_normalise_to_the_same_e164() {
        for (written, home) in [
            ("+44 20 7946 0958", None),
            ("+44 (0)20 7946-0958", None),
            ("0044 20 7946 0958", None),
            ("020 7946 0958", uk()),
            ("(020) 7946 0958", uk()),
            ("+44 20 7946 0958", Country::parse("US")),
        ] {
            assert_eq!(
                PhoneNumber::parse(written, home).map(|p| p.to_string()),
                Ok("+442079460958".to_owned()),
                "{written}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+41 44 668 18 00", None)
                .unwrap()
                .as_str(),
            "+41446681800"
        );
        assert_eq!(
            PhoneNumber::parse("(415) 555-2671", Country::parse("US"))
                .unwrap()
                .as_str(),
            "+14155552671"
        );
    }

    #[test]
    fn a_number_without_its_country_code_needs_the_workspaces_country() {
        assert_eq!(
            PhoneNumber::parse("020 7946 0958", None),
            Err(super::PHONE_NEEDS_COUNTRY.to_owned())
        );
    }

    #[test]
    fn impossible_numbers_are_refused_with_the_reason() {
        assert_eq!(
            PhoneNumber::parse("020 7946", uk()),
            Err(
                "This is too short for a phone number in United Kingdom: check the digits."
                    .to_owned()
            )
        );
        assert_eq!(
            PhoneNumber::parse("020 7946 0958 1234", uk()),
            Err(
                "This is too long for a phone number in United Kingdom: check the digits."
                    .to_owned()
            )
        );
        assert_eq!(
            PhoneNumber::parse("+44 20 79", None),
            Err(
                "This is too short for a phone number in United Kingdom: check the digits."
                    .to_owned()
            )
        );
        assert!(PhoneNumber::parse("+44 12", None).is_err());
        assert!(PhoneNumber::parse("+1 555 CALL NOW", None).is_err());
        assert!(PhoneNumber::parse(&"1".repeat(40), None).is_err());
        assert_eq!(
            PhoneNumber::parse("+999 1234 5678", None),
            Err("No country has this country code: check the digits after the +.".to_owned())
        );
    }

    #[test]
    fn the_home_countrys_numbers_show_in_national_form_and_others_in_international_form() {
        assert_eq!(PhoneNumber::shown("+442079460958", uk()), "020 7946 0958");
        assert_eq!(PhoneNumber::shown("+41446681800", uk()), "+41 44 668 18 00");
        assert_eq!(
            PhoneNumber::shown("+442079460958", None),
            "+44 20 7946 0958"
        );
        assert_eq!(PhoneNumber::shown("not a number", uk()), "not a number");
        // What is shown is read back as the same number.
        for stored in ["+442079460958", "+41446681800", "+14155552671"] {
            for home in [uk(), Country::parse("US"), None] {
                let shown = PhoneNumber::shown(stored, home);
                assert_eq!(
                    PhoneNumber::parse(&shown, home).map(|p| p.to_string()),
                    Ok(stored.to_owned()),
                    "{shown}"
                );
            }
        }
    }

    #[test]
    fn every_country_in_the_list_has_a_numbering_plan() {
        for (code, name) in COUNTRIES {
            assert!(
                code.parse::<phonenumber::country::Id>().is_ok()
                    && phonenumber::metadata::DATABASE.by_id(*code).is_some(),
                "{code} {name}"
            );
        }
    }
}
