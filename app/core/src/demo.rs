//! The Request-a-Demo form: its fields, their rules and their messages. The server applies them
//! to every POST, and to the page script's checks as the visitor types.

use serde::{Deserialize, Serialize};

use crate::email_address::EmailAddress;

/// The form as typed, before any checking. Field names match the HTML form's `name`s, as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub team_size: String,
    #[serde(default)]
    pub message: String,
    /// The unticked-by-default box: "on" when ticked, absent otherwise (as browsers send it).
    #[serde(default)]
    pub marketing: Option<String>,
}

impl DemoFields {
    pub fn wants_marketing(&self) -> bool {
        self.marketing.as_deref().is_some_and(|v| !v.is_empty())
    }

    pub fn value(&self, field: DemoField) -> &str {
        match field {
            DemoField::Name => &self.name,
            DemoField::Email => &self.email,
            DemoField::Company => &self.company,
            DemoField::Phone => &self.phone,
            DemoField::TeamSize => &self.team_size,
            DemoField::Message => &self.message,
        }
    }
}

/// The checked fields of the form, in the order they appear on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DemoField {
    Name,
    Email,
    Company,
    Phone,
    TeamSize,
    Message,
}

impl DemoField {
    pub const ALL: [DemoField; 6] = [
        Self::Name,
        Self::Email,
        Self::Company,
        Self::Phone,
        Self::TeamSize,
        Self::Message,
    ];

    /// The form field's `name` (and the id of its input, prefixed `demo-`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Company => "company",
            Self::Phone => "phone",
            Self::TeamSize => "team_size",
            Self::Message => "message",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }

    pub fn input_id(self) -> String {
        format!("demo-{}", self.name())
    }

    pub fn error_id(self) -> String {
        format!("demo-{}-error", self.name())
    }

    /// Checks one field; `None` when it is fine.
    pub fn check(self, fields: &DemoFields) -> Option<String> {
        let value = fields.value(self).trim();
        match self {
            Self::Name => required_text(value, "Enter your name.", 100, "Your name"),
            Self::Email => EmailAddress::parse(value).err().map(|message| {
                if value.is_empty() {
                    "Enter your work e-mail address.".to_owned()
                } else {
                    message.to_owned()
                }
            }),
            Self::Company => {
                required_text(value, "Enter your company's name.", 100, "The company name")
            }
            Self::Phone => check_phone(value),
            Self::TeamSize => TeamSize::parse(value)
                .is_none()
                .then(|| "Choose the size of your team.".to_owned()),
            Self::Message => (value.chars().count() > MESSAGE_MAX_CHARS).then(|| {
                format!(
                    "Keep the message under {MESSAGE_MAX_CHARS} characters (it has {}).",
                    value.chars().count()
                )
            }),
        }
    }
}

/// The longest message accepted.
pub const MESSAGE_MAX_CHARS: usize = 2000;

fn required_text(value: &str, missing: &str, max: usize, what: &str) -> Option<String> {
    if value.is_empty() {
        Some(missing.to_owned())
    } else if value.chars().count() > max {
        Some(format!("{what} can be at most {max} characters long."))
    } else if value.chars().any(char::is_control) {
        Some(format!("{what} cannot contain control characters."))
    } else {
        None
    }
}

/// An optional phone number: digits with the usual separators, 6 to 15 digits (E.164's limit).
fn check_phone(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let plus_ok = value.rfind('+').is_none_or(|i| i == 0);
    if !value.chars().all(allowed) || !plus_ok || !(6..=15).contains(&digits) {
        return Some("Enter a phone number like +44 20 7946 0958, or leave it empty.".to_owned());
    }
    None
}

/// The team-size choices offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TeamSize {
    UpTo5,
    UpTo20,
    UpTo50,
    UpTo200,
    MoreThan200,
}

impl TeamSize {
    pub const ALL: [TeamSize; 5] = [
        Self::UpTo5,
        Self::UpTo20,
        Self::UpTo50,
        Self::UpTo200,
        Self::MoreThan200,
    ];

    /// The value sent by the form and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UpTo5 => "1-5",
            Self::UpTo20 => "6-20",
            Self::UpTo50 => "21-50",
            Self::UpTo200 => "51-200",
            Self::MoreThan200 => "201+",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::UpTo5 => "1 to 5 people",
            Self::UpTo20 => "6 to 20 people",
            Self::UpTo50 => "21 to 50 people",
            Self::UpTo200 => "51 to 200 people",
            Self::MoreThan200 => "More than 200 people",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|size| size.as_str() == raw)
    }
}

/// One field's problem, as shown beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: DemoField,
    pub message: String,
}

/// A demo request that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoRequest {
    pub name: String,
    pub email: EmailAddress,
    pub company: String,
    pub phone: Option<String>,
    pub team_size: TeamSize,
    pub message: Option<String>,
    pub wants_marketing: bool,
}

/// The problems of the fields `which` only, in the order of the form: what the page script asks
/// about the fields a visitor has filled in and left.
pub fn problems(fields: &DemoFields, which: &[DemoField]) -> Vec<FieldError> {
    DemoField::ALL
        .into_iter()
        .filter(|field| which.contains(field))
        .filter_map(|field| {
            field
                .check(fields)
                .map(|message| FieldError { field, message })
        })
        .collect()
}

impl DemoRequest {
    /// Checks every field; on failure, every problem in the order of the form.
    pub fn parse(fields: &DemoFields) -> Result<Self, Vec<FieldError>> {
        let errors = problems(fields, &DemoField::ALL);
        if !errors.is_empty() {
            return Err(errors);
        }
        let optional = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let invariant = || {
            vec![FieldError {
                field: DemoField::Name,
                message: "Check the form and send it again.".to_owned(),
            }]
        };
        Ok(Self {
            name: fields.name.trim().to_owned(),
            email: EmailAddress::parse(&fields.email).map_err(|_| invariant())?,
            company: fields.company.trim().to_owned(),
            phone: optional(&fields.phone),
            team_size: TeamSize::parse(fields.team_size.trim()).ok_or_else(invariant)?,
            message: optional(&fields.message),
            wants_marketing: fields.wants_marketing(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> DemoFields {
        DemoFields {
            name: " Ada Lovelace ".into(),
            email: "ada@example.com".into(),
            company: "Analytical Engines Ltd".into(),
            phone: "+44 20 7946 0958".into(),
            team_size: "6-20".into(),
            message: "We want to see the pipeline.".into(),
            marketing: None,
        }
    }

    #[test]
    fn a_complete_form_parses_into_a_trimmed_request() {
        let request = DemoRequest::parse(&valid()).unwrap();
        assert_eq!(request.name, "Ada Lovelace");
        assert_eq!(request.team_size, TeamSize::UpTo20);
        assert_eq!(request.phone.as_deref(), Some("+44 20 7946 0958"));
        assert!(!request.wants_marketing, "the box is unticked unless sent");
    }

    #[test]
    fn phone_and_message_are_optional() {
        let fields = DemoFields {
            phone: "  ".into(),
            message: String::new(),
            ..valid()
        };
        let request = DemoRequest::parse(&fields).unwrap();
        assert_eq!(request.phone, None);
        assert_eq!(request.message, None);
    }

    #[test]
    fn an_empty_form_lists_every_required_field_in_form_order() {
        let errors = DemoRequest::parse(&DemoFields::default()).unwrap_err();
        let fields: Vec<DemoField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                DemoField::Name,
                DemoField::Email,
                DemoField::Company,
                DemoField::TeamSize
            ]
        );
        assert_eq!(errors[1].message, "Enter your work e-mail address.");
    }

    #[test]
    fn bad_values_get_messages_that_say_how_to_fix_them() {
        let fields = DemoFields {
            email: "ada@".into(),
            phone: "call me".into(),
            team_size: "lots".into(),
            message: "x".repeat(MESSAGE_MAX_CHARS + 1),
            ..valid()
        };
        let errors = DemoRequest::parse(&fields).unwrap_err();
        let message = |field| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        };
        assert_eq!(
            message(DemoField::Email).as_deref(),
            Some("Enter an e-mail address like name@example.com.")
        );
        assert!(
            message(DemoField::Phone)
                .unwrap()
                .starts_with("Enter a phone number")
        );
        assert_eq!(
            message(DemoField::TeamSize).as_deref(),
            Some("Choose the size of your team.")
        );
        assert!(message(DemoField::Message).unwrap().contains("2001"));
    }

    #[test]
    fn phone_numbers_need_six_to_fifteen_digits_and_a_leading_plus_only() {
        for ok in ["020 7946 0958", "+1 (415) 555-0100", "+4915112345678"] {
            assert_eq!(
                DemoField::Phone.check(&DemoFields {
                    phone: ok.into(),
                    ..valid()
                }),
                None,
                "{ok}"
            );
        }
        for bad in ["12345", "1234567890123456", "020+7946", "0800-CALL-NOW"] {
            assert!(
                DemoField::Phone
                    .check(&DemoFields {
                        phone: bad.into(),
                        ..valid()
                    })
                    .is_some(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_check_of_some_fields_reports_their_problems_only_in_form_order() {
        let fields = DemoFields {
            email: "ada@".into(),
            ..DemoFields::default()
        };
        let errors = problems(&fields, &[DemoField::TeamSize, DemoField::Email]);
        let checked: Vec<DemoField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(checked, [DemoField::Email, DemoField::TeamSize]);
        assert_eq!(
            errors[0].message,
            "Enter an e-mail address like name@example.com."
        );
        assert!(problems(&valid(), &DemoField::ALL).is_empty());
        assert!(problems(&fields, &[]).is_empty());
    }

    #[test]
    fn a_ticked_marketing_box_is_recorded() {
        let fields = DemoFields {
            marketing: Some("on".into()),
            ..valid()
        };
        assert!(DemoRequest::parse(&fields).unwrap().wants_marketing);
    }

    #[test]
    fn field_names_round_trip() {
        for field in DemoField::ALL {
            assert_eq!(DemoField::from_name(field.name()), Some(field));
        }
    }
}
