//! The member's profile: its fields and their rules, shared by the server, which decides, and the
//! browser, which checks each field as it is typed with the very same rules.

use serde::{Deserialize, Serialize};

use super::PersonName;
use crate::forms::FieldProblem;
use crate::time::Locale;

/// The profile as edited. Names match the HTML form's, so the plain POST and the server function
/// read the same shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub job_title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub mailing_address: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub language: String,
    /// The stored version the edit started from; a save from an older one is refused.
    #[serde(default)]
    pub version: i64,
}

/// The fields of the profile form, in page order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProfileField {
    Name,
    JobTitle,
    Phone,
    MailingAddress,
    TimeZone,
    Language,
}

pub use crate::time::zones::TIME_ZONES;

pub const JOB_TITLE_MAX_CHARS: usize = 100;
pub const ADDRESS_MAX_CHARS: usize = 500;

impl ProfileField {
    pub const ALL: [ProfileField; 6] = [
        Self::Name,
        Self::JobTitle,
        Self::Phone,
        Self::MailingAddress,
        Self::TimeZone,
        Self::Language,
    ];

    /// The form field's `name`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::JobTitle => "job_title",
            Self::Phone => "phone",
            Self::MailingAddress => "mailing_address",
            Self::TimeZone => "time_zone",
            Self::Language => "language",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }

    /// The field's label on the page.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::JobTitle => "Job title",
            Self::Phone => "Phone",
            Self::MailingAddress => "Mailing address",
            Self::TimeZone => "Time zone",
            Self::Language => "Language",
        }
    }

    pub fn input_id(self) -> String {
        format!("profile-{}", self.name().replace('_', "-"))
    }

    pub fn error_id(self) -> String {
        format!("{}-error", self.input_id())
    }

    pub fn value(self, fields: &ProfileFields) -> &str {
        match self {
            Self::Name => &fields.name,
            Self::JobTitle => &fields.job_title,
            Self::Phone => &fields.phone,
            Self::MailingAddress => &fields.mailing_address,
            Self::TimeZone => &fields.time_zone,
            Self::Language => &fields.language,
        }
    }

    pub fn set(self, fields: &mut ProfileFields, value: String) {
        match self {
            Self::Name => fields.name = value,
            Self::JobTitle => fields.job_title = value,
            Self::Phone => fields.phone = value,
            Self::MailingAddress => fields.mailing_address = value,
            Self::TimeZone => fields.time_zone = value,
            Self::Language => fields.language = value,
        }
    }

    /// What is wrong with this field's value, if anything.
    pub fn check(self, fields: &ProfileFields) -> Option<String> {
        let value = self.value(fields).trim();
        let problem: Option<&str> = match self {
            Self::Name => PersonName::parse(value).err(),
            Self::JobTitle => {
                if value.chars().count() > JOB_TITLE_MAX_CHARS {
                    Some("Use at most 100 characters for your job title.")
                } else if value.chars().any(char::is_control) {
                    Some("Your job title cannot contain line breaks.")
                } else {
                    None
                }
            }
            Self::Phone => check_phone(value).err(),
            Self::MailingAddress => {
                if value.chars().count() > ADDRESS_MAX_CHARS {
                    Some("Use at most 500 characters for your mailing address.")
                } else if value
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r')
                {
                    Some("Your mailing address cannot contain control characters.")
                } else {
                    None
                }
            }
            Self::TimeZone => (!value.is_empty() && !TIME_ZONES.contains(&value))
                .then_some("Choose a time zone from the list."),
            Self::Language => (!value.is_empty() && Locale::parse(value).is_none())
                .then_some("Choose a language from the list."),
        };
        problem.map(str::to_owned)
    }
}

/// A phone number as people write it: digits with spaces, dots, dashes, brackets and a leading
/// plus; 6 to 15 digits (the E.164 maximum). Empty is fine: the field is optional.
pub fn check_phone(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Ok(());
    }
    let allowed = value
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || " .-()/".contains(c) || (c == '+' && i == 0));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(6..=15).contains(&digits) {
        return Err("Enter a phone number like +41 44 668 18 00, or leave it empty.");
    }
    Ok(())
}

impl ProfileFields {
    /// Every problem, in page order.
    pub fn problems(&self) -> Vec<FieldProblem> {
        ProfileField::ALL
            .into_iter()
            .filter_map(|field| {
                field
                    .check(self)
                    .map(|message| FieldProblem::new(field.name(), message))
            })
            .collect()
    }

    /// The same profile with surrounding spaces removed, as it is stored.
    pub fn trimmed(&self) -> Self {
        Self {
            name: self.name.trim().to_owned(),
            job_title: self.job_title.trim().to_owned(),
            phone: self.phone.trim().to_owned(),
            mailing_address: self.mailing_address.trim().replace("\r\n", "\n"),
            time_zone: self.time_zone.trim().to_owned(),
            language: self.language.trim().to_owned(),
            version: self.version,
        }
    }

    /// Whether the editable values equal another's (the version aside).
    pub fn same_values(&self, other: &Self) -> bool {
        Self {
            version: 0,
            ..self.trimmed()
        } == Self {
            version: 0,
            ..other.trimmed()
        }
    }

    /// Brings back an unsaved draft over what is stored now. `base` is what was stored when the
    /// draft was started (drafts kept before it was recorded have none). A field changed only
    /// in the draft keeps the draft's value; one changed only since, by another tab or device,
    /// keeps the stored value; one changed in both keeps the draft's value and is returned as a
    /// conflict, so that the page shows both before anything is saved. The result carries the
    /// stored version: saving it replaces what is stored, knowingly.
    pub fn merge_draft(
        draft: &Self,
        base: Option<&Self>,
        stored: &Self,
    ) -> (Self, Vec<DraftConflict>) {
        let mut merged = stored.clone();
        let mut conflicts = Vec::new();
        let unchanged_since = base.is_some_and(|b| b.version == stored.version)
            || (base.is_none() && draft.version == stored.version);
        for field in ProfileField::ALL {
            let yours = field.value(draft).trim();
            let theirs = field.value(stored).trim();
            let started = base.map(|b| field.value(b).trim());
            let you_changed = started.is_none_or(|started| yours != started);
            let they_changed = !unchanged_since && started.is_none_or(|started| theirs != started);
            if you_changed {
                field.set(&mut merged, field.value(draft).to_owned());
                if they_changed && yours != theirs {
                    conflicts.push(DraftConflict {
                        field,
                        theirs: theirs.to_owned(),
                        yours: yours.to_owned(),
                    });
                }
            }
        }
        merged.version = stored.version;
        (merged, conflicts)
    }

    /// The values as form values (for a page answering a plain POST).
    pub fn to_values(&self) -> Vec<(String, String)> {
        ProfileField::ALL
            .into_iter()
            .map(|field| (field.name().to_owned(), field.value(self).to_owned()))
            .chain([("version".to_owned(), self.version.to_string())])
            .collect()
    }

    /// Reads form values back.
    pub fn from_values(values: &[(String, String)]) -> Self {
        let mut fields = Self::default();
        for (name, value) in values {
            if let Some(field) = ProfileField::parse(name) {
                field.set(&mut fields, value.clone());
            } else if name == "version" {
                fields.version = value.parse().unwrap_or_default();
            }
        }
        fields
    }
}

/// A field of a restored draft that was also changed elsewhere since the draft was started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftConflict {
    pub field: ProfileField,
    /// What is stored now.
    pub theirs: String,
    /// What the draft holds.
    pub yours: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ProfileFields {
        ProfileFields {
            name: "Ada Lovelace".into(),
            job_title: "Analyst".into(),
            phone: "+44 20 7946 0958".into(),
            mailing_address: "12 St James's Square\nLondon".into(),
            time_zone: "Europe/London".into(),
            language: "en-GB".into(),
            version: 3,
        }
    }

    #[test]
    fn a_draft_over_an_unchanged_profile_comes_back_whole_with_no_conflict() {
        let base = valid();
        let draft = ProfileFields {
            job_title: "Chief Analyst".into(),
            ..base.clone()
        };
        let (merged, conflicts) = ProfileFields::merge_draft(&draft, Some(&base), &base);
        assert_eq!(merged, draft);
        assert!(conflicts.is_empty());
    }

    #[test]
    fn a_draft_keeps_changes_made_elsewhere_to_other_fields_and_names_the_fields_changed_in_both() {
        let base = valid();
        // Typed here: the job title and the phone.
        let draft = ProfileFields {
            job_title: "Chief Analyst".into(),
            phone: "+41 44 668 18 00".into(),
            ..base.clone()
        };
        // Saved meanwhile in another tab: the phone and the time zone.
        let stored = ProfileFields {
            phone: "+44 20 7946 0000".into(),
            time_zone: "Europe/Paris".into(),
            version: base.version + 1,
            ..base.clone()
        };
        let (merged, conflicts) = ProfileFields::merge_draft(&draft, Some(&base), &stored);
        assert_eq!(merged.job_title, "Chief Analyst", "changed here only");
        assert_eq!(
            merged.time_zone, "Europe/Paris",
            "changed elsewhere only: not undone"
        );
        assert_eq!(
            merged.phone, "+41 44 668 18 00",
            "changed in both: yours, shown"
        );
        assert_eq!(merged.version, stored.version);
        assert_eq!(
            conflicts,
            vec![DraftConflict {
                field: ProfileField::Phone,
                theirs: "+44 20 7946 0000".into(),
                yours: "+41 44 668 18 00".into(),
            }]
        );
    }

    #[test]
    fn a_draft_without_its_starting_point_over_a_newer_profile_shows_every_difference() {
        let draft = ProfileFields {
            job_title: "Chief Analyst".into(),
            ..valid()
        };
        let stored = ProfileFields {
            name: "Ada King".into(),
            version: 4,
            ..valid()
        };
        let (merged, conflicts) = ProfileFields::merge_draft(&draft, None, &stored);
        assert_eq!(merged.job_title, "Chief Analyst");
        assert_eq!(merged.name, "Ada Lovelace");
        let fields: Vec<ProfileField> = conflicts.iter().map(|c| c.field).collect();
        assert_eq!(fields, vec![ProfileField::Name, ProfileField::JobTitle]);
    }

    #[test]
    fn a_complete_profile_has_no_problems_and_optional_fields_may_be_empty() {
        assert!(valid().problems().is_empty());
        let minimal = ProfileFields {
            name: "Ada".into(),
            ..ProfileFields::default()
        };
        assert!(minimal.problems().is_empty());
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (ProfileField::Name, ""),
            (ProfileField::JobTitle, "line\nbreak"),
            (ProfileField::Phone, "call me"),
            (ProfileField::Phone, "12"),
            (ProfileField::TimeZone, "Mars/Olympus_Mons"),
            (ProfileField::Language, "tlh"),
            // Offered once, but it changed nothing: no longer a choice.
            (ProfileField::Language, "de"),
        ];
        for (field, value) in cases {
            let mut fields = valid();
            field.set(&mut fields, value.to_owned());
            let problems = fields.problems();
            assert_eq!(problems.len(), 1, "{field:?} {value:?}");
            assert_eq!(problems[0].field, field.name());
        }
        let mut long = valid();
        long.mailing_address = "x".repeat(501);
        assert_eq!(long.problems()[0].field, "mailing_address");
    }

    #[test]
    fn form_values_round_trip_with_the_version() {
        let fields = valid();
        assert_eq!(ProfileFields::from_values(&fields.to_values()), fields);
    }

    #[test]
    fn spaces_around_values_do_not_count_as_a_change() {
        let mut edited = valid();
        edited.name = "  Ada Lovelace ".into();
        edited.version = 9;
        assert!(edited.same_values(&valid()));
        edited.job_title = "Engineer".into();
        assert!(!edited.same_values(&valid()));
    }
}
