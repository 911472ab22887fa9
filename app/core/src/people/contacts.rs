//! More ways to reach a person: e-mail addresses and phone numbers beyond the main ones, each with
//! its type, and mailing addresses. The browser checks what it can; the server checks again, and
//! normalises phone numbers (`crate::phone`).

use serde::{Deserialize, Serialize};

use crate::ids::{AddressId, ContactId};
use crate::phone::check_phone_form;

/// At most this many further e-mail addresses and phone numbers per person.
pub const CONTACTS_MAX: usize = 10;
/// At most this many mailing addresses per person.
pub const ADDRESSES_MAX: usize = 5;

/// Whether a contact is an e-mail address or a phone number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Email,
    Phone,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }
}

/// The type of an e-mail address or phone number (mobile is for phones only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactKind {
    #[default]
    Work,
    Personal,
    Mobile,
}

impl ContactKind {
    pub const ALL: [Self; 3] = [Self::Work, Self::Personal, Self::Mobile];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Work => "work",
            Self::Personal => "personal",
            Self::Mobile => "mobile",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Work => "Work",
            Self::Personal => "Personal",
            Self::Mobile => "Mobile",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Whether an e-mail address (`Channel::Email`) or a phone number can be of this type.
    pub fn fits(self, channel: Channel) -> bool {
        channel == Channel::Phone || self != Self::Mobile
    }
}

/// What the "Type" menu of the "Add" form offers: a channel with a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactType {
    WorkEmail,
    PersonalEmail,
    WorkPhone,
    PersonalPhone,
    MobilePhone,
}

impl ContactType {
    pub const ALL: [Self; 5] = [
        Self::WorkEmail,
        Self::PersonalEmail,
        Self::WorkPhone,
        Self::PersonalPhone,
        Self::MobilePhone,
    ];

    pub fn channel(self) -> Channel {
        match self {
            Self::WorkEmail | Self::PersonalEmail => Channel::Email,
            Self::WorkPhone | Self::PersonalPhone | Self::MobilePhone => Channel::Phone,
        }
    }

    pub fn kind(self) -> ContactKind {
        match self {
            Self::WorkEmail | Self::WorkPhone => ContactKind::Work,
            Self::PersonalEmail | Self::PersonalPhone => ContactKind::Personal,
            Self::MobilePhone => ContactKind::Mobile,
        }
    }

    /// The type of a stored contact; `None` for a combination no form can make.
    pub fn of(channel: Channel, kind: ContactKind) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.channel() == channel && t.kind() == kind)
    }

    /// The menu's option value, also what the server function receives.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkEmail => "WorkEmail",
            Self::PersonalEmail => "PersonalEmail",
            Self::WorkPhone => "WorkPhone",
            Self::PersonalPhone => "PersonalPhone",
            Self::MobilePhone => "MobilePhone",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::WorkEmail => "Work e-mail",
            Self::PersonalEmail => "Personal e-mail",
            Self::WorkPhone => "Work phone",
            Self::PersonalPhone => "Personal phone",
            Self::MobilePhone => "Mobile phone",
        }
    }

    /// What the browser can check before sending; the server checks again.
    pub fn check(self, raw: &str) -> Result<(), String> {
        let raw = raw.trim();
        match self.channel() {
            Channel::Email if raw.is_empty() => Err("Enter the e-mail address to add.".to_owned()),
            Channel::Email => crate::email_address::EmailAddress::parse(raw)
                .map(|_| ())
                .map_err(str::to_owned),
            Channel::Phone => check_phone_form(raw).map_err(str::to_owned),
        }
    }
}

/// One of a person's further e-mail addresses or phone numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPoint {
    pub id: ContactId,
    pub kind: ContactType,
    /// An e-mail address as validated, or a phone number in E.164.
    pub value: String,
}

impl ContactPoint {
    /// "Work e-mail: ada@example.com", as the timeline keeps it.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.kind.label(), self.value)
    }
}

/// The type of a mailing address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressKind {
    #[default]
    Work,
    Home,
    Other,
}

impl AddressKind {
    pub const ALL: [Self; 3] = [Self::Work, Self::Home, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Work => "work",
            Self::Home => "home",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Work => "Work",
            Self::Home => "Home",
            Self::Other => "Other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

pub const STREET_MAX_CHARS: usize = 200;
pub const PLACE_MAX_CHARS: usize = 100;
pub const POSTAL_CODE_MAX_CHARS: usize = 20;
pub const COUNTRY_MAX_CHARS: usize = 60;

/// A mailing address as the "Add an address" form holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressFields {
    pub kind: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// A field of the address form: its name (also the input's) and label.
pub const ADDRESS_FIELDS: [(&str, &str); 5] = [
    ("street", "Street and number"),
    ("city", "City"),
    ("region", "Region, state or county"),
    ("postal_code", "Postal code"),
    ("country", "Country"),
];

impl AddressFields {
    pub fn value(&self, name: &str) -> &str {
        match name {
            "kind" => &self.kind,
            "street" => &self.street,
            "city" => &self.city,
            "region" => &self.region,
            "postal_code" => &self.postal_code,
            "country" => &self.country,
            _ => "",
        }
    }

    pub fn set(&mut self, name: &str, value: String) {
        match name {
            "kind" => self.kind = value,
            "street" => self.street = value,
            "city" => self.city = value,
            "region" => self.region = value,
            "postal_code" => self.postal_code = value,
            "country" => self.country = value,
            _ => {}
        }
    }

    /// Every problem, as (field name, what to fix), in the form's order; the browser shows them
    /// all, the server answers with the first.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if AddressKind::parse(self.kind.trim()).is_none() {
            problems.push(("kind", "Choose work, home or other.".to_owned()));
        }
        for (name, label) in ADDRESS_FIELDS {
            let value = self.value(name).trim();
            let max = match name {
                "street" => STREET_MAX_CHARS,
                "postal_code" => POSTAL_CODE_MAX_CHARS,
                "country" => COUNTRY_MAX_CHARS,
                _ => PLACE_MAX_CHARS,
            };
            let problem = if value.chars().any(char::is_control) {
                Some("Remove the line breaks and control characters.".to_owned())
            } else if value.is_empty() && matches!(name, "street" | "city" | "country") {
                Some(format!("Enter the {}.", label.to_lowercase()))
            } else if value.chars().count() > max {
                Some(format!(
                    "Use at most {max} characters for the {}.",
                    label.to_lowercase()
                ))
            } else if name == "postal_code"
                && !value
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
            {
                Some("Use only letters, digits, spaces and hyphens in a postal code.".to_owned())
            } else if name == "country"
                && !value.is_empty()
                && !value.chars().any(char::is_alphabetic)
            {
                Some("Write the country's name, such as Switzerland.".to_owned())
            } else {
                None
            };
            if let Some(problem) = problem {
                problems.push((name, problem));
            }
        }
        problems
    }

    /// The address, trimmed, when it has no problem.
    pub fn parse(&self) -> Result<NewAddress, (&'static str, String)> {
        if let Some(problem) = self.problems().into_iter().next() {
            return Err(problem);
        }
        let kind = AddressKind::parse(self.kind.trim()).unwrap_or_default();
        let text = |value: &str| value.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(NewAddress {
            kind,
            street: text(&self.street),
            city: text(&self.city),
            region: text(&self.region),
            postal_code: text(&self.postal_code),
            country: text(&self.country),
        })
    }
}

/// A mailing address about to be stored, already checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAddress {
    pub kind: AddressKind,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// One of a person's mailing addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: AddressId,
    pub kind: AddressKind,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl Address {
    /// The address's lines as a letter shows them: the street, then the postal code with the
    /// city and the region, then the country.
    pub fn lines(&self) -> Vec<String> {
        let place = [
            self.postal_code.as_str(),
            self.city.as_str(),
            self.region.as_str(),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        [self.street.clone(), place, self.country.clone()]
            .into_iter()
            .filter(|line| !line.is_empty())
            .collect()
    }

    /// "Home: 12 Rue Neuve, 1201 Genève, Switzerland", as the timeline keeps it.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.kind.label(), self.lines().join(", "))
    }
}

/// Which of a person's lists an item is removed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonList {
    Contacts,
    Addresses,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(street: &str, city: &str, postal_code: &str, country: &str) -> AddressFields {
        AddressFields {
            kind: "home".to_owned(),
            street: street.to_owned(),
            city: city.to_owned(),
            region: String::new(),
            postal_code: postal_code.to_owned(),
            country: country.to_owned(),
        }
    }

    #[test]
    fn every_contact_type_is_one_channel_and_kind_and_parses_back() {
        for kind in ContactType::ALL {
            assert_eq!(ContactType::parse(kind.as_str()), Some(kind));
            assert_eq!(ContactType::of(kind.channel(), kind.kind()), Some(kind));
            assert!(kind.kind().fits(kind.channel()));
        }
        assert_eq!(ContactType::of(Channel::Email, ContactKind::Mobile), None);
        assert!(!ContactKind::Mobile.fits(Channel::Email));
    }

    #[test]
    fn a_contact_is_checked_as_an_email_address_or_a_phone_number_by_its_type() {
        assert!(ContactType::WorkEmail.check("ada@example.com").is_ok());
        assert_eq!(
            ContactType::PersonalEmail.check("  "),
            Err("Enter the e-mail address to add.".to_owned())
        );
        assert!(ContactType::WorkEmail.check("+41 44 668 18 00").is_err());
        assert!(ContactType::MobilePhone.check("+41 79 123 45 67").is_ok());
        assert!(ContactType::MobilePhone.check("ada@example.com").is_err());
        // Its characters only: a national number is the workspace's country's to read.
        assert!(ContactType::WorkPhone.check("079 123 45 67").is_ok());
        assert!(ContactType::WorkPhone.check("079 CALL ME").is_err());
    }

    #[test]
    fn an_address_needs_a_street_a_city_and_a_country_and_says_what_is_missing() {
        let problems = address(" ", "", "", "").problems();
        let fields: Vec<&str> = problems.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["street", "city", "country"]);
        assert_eq!(problems[0].1, "Enter the street and number.");
        assert!(
            address("Rue Neuve 12", "Genève", "", "Switzerland")
                .problems()
                .is_empty()
        );
    }

    #[test]
    fn an_address_refuses_overlong_parts_odd_postal_codes_control_characters_and_unknown_types() {
        let long = address(&"x".repeat(201), "Genève", "1201", "Switzerland");
        assert_eq!(long.problems()[0].0, "street");
        assert!(long.problems()[0].1.contains("at most 200"));
        let odd = address("Rue Neuve 12", "Genève", "12<01>", "Switzerland");
        assert_eq!(odd.problems()[0].0, "postal_code");
        let hostile = address("Rue\u{0}Neuve", "Genève", "1201", "Switzerland");
        assert_eq!(
            hostile.problems()[0].1,
            "Remove the line breaks and control characters."
        );
        let digits = address("Rue Neuve 12", "Genève", "1201", "1234");
        assert_eq!(digits.problems()[0].0, "country");
        let mut unknown = address("Rue Neuve 12", "Genève", "1201", "Switzerland");
        unknown.kind = "castle".to_owned();
        assert_eq!(unknown.problems()[0].0, "kind");
    }

    #[test]
    fn an_address_is_trimmed_and_written_as_a_letter_shows_it() {
        let parsed = address("  Rue   Neuve 12 ", "Genève", " 1201 ", "Switzerland")
            .parse()
            .expect("valid");
        assert_eq!(parsed.street, "Rue Neuve 12");
        let stored = Address {
            id: AddressId::parse("00000000-0000-4000-8000-000000000001").expect("id"),
            kind: parsed.kind,
            street: parsed.street,
            city: parsed.city,
            region: parsed.region,
            postal_code: parsed.postal_code,
            country: parsed.country,
        };
        assert_eq!(
            stored.lines(),
            ["Rue Neuve 12", "1201 Genève", "Switzerland"]
        );
        assert_eq!(
            stored.describe(),
            "Home: Rue Neuve 12, 1201 Genève, Switzerland"
        );
    }
}
