//! People: what the pages and server functions exchange about the persons a workspace keeps.

pub mod contacts;

use serde::{Deserialize, Serialize};

use self::contacts::{Address, Channel, ContactKind, ContactPoint};
use crate::ids::{CompanyId, PersonId};
use crate::opportunities::RelatedOpportunities;
use crate::phone::check_phone_form;
use crate::records::{
    EditableRecord, FieldInput, ListSort, MemberOption, NewRecordFields, RecordField, TimelineEntry,
};
use crate::storage::PERSON_DRAFT_KEY;
use crate::text::{NAME_MAX_CHARS, TAGS_MAX_CHARS, TEXT_MAX_CHARS, parse_tags};

/// The lawful basis on which a workspace holds a person's data (GDPR article 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegitimateInterest,
    Other,
}

impl LawfulBasis {
    pub const ALL: [Self; 4] = [
        Self::Consent,
        Self::Contract,
        Self::LegitimateInterest,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consent => "consent",
            Self::Contract => "contract",
            Self::LegitimateInterest => "legitimate_interest",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Consent => "Consent",
            Self::Contract => "Contract",
            Self::LegitimateInterest => "Legitimate interest",
            Self::Other => "Other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|basis| basis.as_str() == raw)
    }
}

/// Whether the person may be sent marketing e-mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarketingPermission {
    Granted,
    Refused,
    Unknown,
}

impl MarketingPermission {
    pub const ALL: [Self; 3] = [Self::Unknown, Self::Granted, Self::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Refused => "refused",
            Self::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Granted => "Granted",
            Self::Refused => "Refused",
            Self::Unknown => "Not asked yet",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}

/// A field of a person that can be edited in the page. The server maps each to its column; no
/// column name ever comes from the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PersonField {
    FirstName,
    LastName,
    JobTitle,
    Company,
    Email,
    EmailType,
    Phone,
    PhoneType,
    Tags,
    Owner,
    Source,
    LawfulBasis,
    LawfulBasisEvidence,
    MarketingPermission,
    MarketingPermissionHow,
}

const LAWFUL_BASIS_CHOICES: &[(&str, &str)] = &[
    ("", "Not recorded"),
    ("consent", "Consent"),
    ("contract", "Contract"),
    ("legitimate_interest", "Legitimate interest"),
    ("other", "Other"),
];

const EMAIL_TYPE_CHOICES: &[(&str, &str)] = &[("work", "Work"), ("personal", "Personal")];

const PHONE_TYPE_CHOICES: &[(&str, &str)] = &[
    ("work", "Work"),
    ("personal", "Personal"),
    ("mobile", "Mobile"),
];

const MARKETING_CHOICES: &[(&str, &str)] = &[
    ("unknown", "Not asked yet"),
    ("granted", "Granted"),
    ("refused", "Refused"),
];

impl PersonField {
    /// In page order.
    pub const ALL: [Self; 15] = [
        Self::FirstName,
        Self::LastName,
        Self::JobTitle,
        Self::Company,
        Self::Email,
        Self::EmailType,
        Self::Phone,
        Self::PhoneType,
        Self::Tags,
        Self::Owner,
        Self::Source,
        Self::LawfulBasis,
        Self::LawfulBasisEvidence,
        Self::MarketingPermission,
        Self::MarketingPermissionHow,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }
}

impl RecordField for PersonField {
    /// The form field's name, also stored in the timeline.
    fn name(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::JobTitle => "job_title",
            Self::Company => "company_name",
            Self::Email => "email",
            Self::EmailType => "email_kind",
            Self::Phone => "phone",
            Self::PhoneType => "phone_kind",
            Self::Tags => "tags",
            Self::Owner => "owner",
            Self::Source => "source",
            Self::LawfulBasis => "lawful_basis",
            Self::LawfulBasisEvidence => "lawful_basis_evidence",
            Self::MarketingPermission => "marketing_permission",
            Self::MarketingPermissionHow => "marketing_permission_how",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::JobTitle => "Job title",
            Self::Company => "Company",
            Self::Email => "E-mail",
            Self::EmailType => "E-mail type",
            Self::Phone => "Phone",
            Self::PhoneType => "Phone type",
            Self::Tags => "Tags",
            Self::Owner => "Owner",
            Self::Source => "Source",
            Self::LawfulBasis => "Lawful basis",
            Self::LawfulBasisEvidence => "Evidence of the lawful basis",
            Self::MarketingPermission => "Marketing e-mail",
            Self::MarketingPermissionHow => "How marketing permission was given",
        }
    }

    fn input(self) -> FieldInput {
        let text = |kind, autocomplete, max_chars| FieldInput::Text {
            kind,
            autocomplete,
            max_chars,
        };
        match self {
            Self::FirstName => text("text", "off", NAME_MAX_CHARS),
            Self::LastName => text("text", "off", NAME_MAX_CHARS),
            Self::JobTitle | Self::Company | Self::Source => text("text", "off", TEXT_MAX_CHARS),
            Self::Email => text(
                "email",
                "off",
                crate::email_address::EmailAddress::MAX_CHARS,
            ),
            Self::Phone => text("tel", "off", 30),
            Self::Tags => text("text", "off", TAGS_MAX_CHARS),
            Self::LawfulBasisEvidence | Self::MarketingPermissionHow => {
                text("text", "off", EVIDENCE_MAX_CHARS)
            }
            Self::EmailType => FieldInput::Choice(EMAIL_TYPE_CHOICES),
            Self::PhoneType => FieldInput::Choice(PHONE_TYPE_CHOICES),
            Self::LawfulBasis => FieldInput::Choice(LAWFUL_BASIS_CHOICES),
            Self::MarketingPermission => FieldInput::Choice(MARKETING_CHOICES),
            Self::Owner => FieldInput::Member,
        }
    }

    /// A hint shown under the input while editing.
    fn hint(self) -> Option<&'static str> {
        match self {
            Self::Phone => Some(
                "As dialled in the workspace's country, or with the country code: +44 20 7946 0958.",
            ),
            Self::Tags => Some("Separate tags with commas."),
            _ => None,
        }
    }

    /// What the browser can check before sending (lengths and required names). The server checks
    /// again, and also what needs its tables (phone numbers, members).
    fn check(self, value: &str) -> Result<(), String> {
        let value = value.trim();
        let too_long = |max: usize, what: &str| {
            (value.chars().count() > max)
                .then(|| format!("Use at most {max} characters for {what}."))
        };
        let problem = match self {
            Self::FirstName | Self::LastName => {
                if value.is_empty() && self == Self::FirstName {
                    Some("Enter a first name.".to_owned())
                } else {
                    too_long(NAME_MAX_CHARS, "a name")
                }
            }
            Self::JobTitle | Self::Company | Self::Source => too_long(TEXT_MAX_CHARS, "this field"),
            Self::LawfulBasisEvidence | Self::MarketingPermissionHow => {
                too_long(EVIDENCE_MAX_CHARS, "this field")
            }
            Self::Email => (!value.is_empty())
                .then(|| crate::email_address::EmailAddress::parse(value).err())
                .flatten()
                .map(str::to_owned),
            Self::Phone => (!value.is_empty())
                .then(|| check_phone_form(value).err())
                .flatten()
                .map(str::to_owned),
            Self::Tags => parse_tags(value).err(),
            Self::EmailType => ContactKind::parse(value)
                .filter(|kind| kind.fits(Channel::Email))
                .is_none()
                .then(|| "Choose work or personal.".to_owned()),
            Self::PhoneType => ContactKind::parse(value)
                .is_none()
                .then(|| "Choose work, personal or mobile.".to_owned()),
            Self::LawfulBasis => (!value.is_empty() && LawfulBasis::parse(value).is_none())
                .then(|| "Choose a lawful basis from the list.".to_owned()),
            Self::MarketingPermission => MarketingPermission::parse(value)
                .is_none()
                .then(|| "Choose granted, refused or not asked yet.".to_owned()),
            Self::Owner => None,
        };
        if value.chars().any(char::is_control) {
            return Err("Remove the line breaks and control characters.".to_owned());
        }
        problem.map_or(Ok(()), Err)
    }
}

pub const EVIDENCE_MAX_CHARS: usize = 500;

/// A person as the record page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub company_name: String,
    /// The workspace's company of that name, when there is one.
    pub company_id: Option<CompanyId>,
    pub email: Option<String>,
    /// The main e-mail address's type (work or personal).
    pub email_kind: ContactKind,
    /// In E.164.
    pub phone: Option<String>,
    pub phone_kind: ContactKind,
    /// Further e-mail addresses and phone numbers, oldest first.
    pub contacts: Vec<ContactPoint>,
    /// Mailing addresses, oldest first.
    pub addresses: Vec<Address>,
    pub tags: Vec<String>,
    pub owner: Option<MemberOption>,
    pub source: String,
    pub lawful_basis: Option<LawfulBasis>,
    pub lawful_basis_at: Option<i64>,
    pub lawful_basis_evidence: String,
    pub marketing_permission: MarketingPermission,
    pub marketing_permission_at: Option<i64>,
    pub marketing_permission_how: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Person {
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

impl EditableRecord for Person {
    type Field = PersonField;
    const KIND: &'static str = "person";
    const DRAFT_KEY: &'static str = PERSON_DRAFT_KEY;

    fn version(&self) -> i64 {
        self.version
    }

    /// The field's value as its input holds it (the stored value for choices).
    fn value(&self, field: PersonField) -> String {
        match field {
            PersonField::FirstName => self.first_name.clone(),
            PersonField::LastName => self.last_name.clone(),
            PersonField::JobTitle => self.job_title.clone(),
            PersonField::Company => self.company_name.clone(),
            PersonField::Email => self.email.clone().unwrap_or_default(),
            PersonField::EmailType => self.email_kind.as_str().to_owned(),
            PersonField::Phone => self.phone.clone().unwrap_or_default(),
            PersonField::PhoneType => self.phone_kind.as_str().to_owned(),
            PersonField::Tags => self.tags.join(", "),
            PersonField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
            PersonField::Source => self.source.clone(),
            PersonField::LawfulBasis => self
                .lawful_basis
                .map(|b| b.as_str().to_owned())
                .unwrap_or_default(),
            PersonField::LawfulBasisEvidence => self.lawful_basis_evidence.clone(),
            PersonField::MarketingPermission => self.marketing_permission.as_str().to_owned(),
            PersonField::MarketingPermissionHow => self.marketing_permission_how.clone(),
        }
    }

    /// Sets a field from its input's value, as the page does at once when a member saves (and
    /// undoes if the server refuses). `members` names a new owner.
    fn set(&mut self, field: PersonField, value: String, members: &[MemberOption]) {
        let optional = |value: String| (!value.is_empty()).then_some(value);
        match field {
            PersonField::FirstName => self.first_name = value,
            PersonField::LastName => self.last_name = value,
            PersonField::JobTitle => self.job_title = value,
            PersonField::Company => self.company_name = value,
            PersonField::Email => self.email = optional(value),
            PersonField::EmailType => {
                self.email_kind = ContactKind::parse(&value).unwrap_or_default()
            }
            PersonField::Phone => self.phone = optional(value),
            PersonField::PhoneType => {
                self.phone_kind = ContactKind::parse(&value).unwrap_or_default()
            }
            PersonField::Tags => self.tags = parse_tags(&value).unwrap_or_default(),
            PersonField::Owner => {
                self.owner = members.iter().find(|m| m.id.to_string() == value).cloned()
            }
            PersonField::Source => self.source = value,
            PersonField::LawfulBasis => self.lawful_basis = LawfulBasis::parse(&value),
            PersonField::LawfulBasisEvidence => self.lawful_basis_evidence = value,
            PersonField::MarketingPermission => {
                self.marketing_permission =
                    MarketingPermission::parse(&value).unwrap_or(MarketingPermission::Unknown);
            }
            PersonField::MarketingPermissionHow => self.marketing_permission_how = value,
        }
    }

    /// The field's value as the page shows it.
    fn display(&self, field: PersonField) -> String {
        match field {
            PersonField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            PersonField::LawfulBasis => self
                .lawful_basis
                .map(|b| b.label().to_owned())
                .unwrap_or_default(),
            PersonField::MarketingPermission => self.marketing_permission.label().to_owned(),
            PersonField::EmailType => self.email_kind.label().to_owned(),
            PersonField::PhoneType => self.phone_kind.label().to_owned(),
            other => self.value(other),
        }
    }
}

pub fn full_name(first: &str, last: &str) -> String {
    if last.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {last}")
    }
}

/// One row of the people list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: PersonId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: String,
    pub tags: Vec<String>,
    pub owner: Option<String>,
}

/// The orders the people list offers, its default (by last name, then first name) first.
pub const SORTS: [ListSort; 2] = [ListSort::Name, ListSort::Newest];

/// What the people list shows, as it stands in the URL (`?q=&sort=&tag=&owner=&after=`), so
/// that back, forward, reload and a shared link show the same list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PeopleQuery {
    /// The search box: part of a name, e-mail address, phone number or company.
    pub q: String,
    pub sort: ListSort,
    /// Only people with this tag ("" for all).
    pub tag: String,
    /// Only people owned by this member ("" for all).
    pub owner: String,
    /// The page after this cursor ("" for the first page); opaque to the browser.
    pub after: String,
    /// The page before this cursor ("Previous page"; "" otherwise); opaque to the browser.
    pub before: String,
}

/// The longest search accepted.
pub const QUERY_MAX_CHARS: usize = 100;

impl crate::records::ListQuery for PeopleQuery {
    const PATH: &'static str = "/app/people";

    fn parameters(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("sort", self.sort.in_url(&SORTS)),
            ("tag", &self.tag),
            ("owner", &self.owner),
            ("after", &self.after),
            ("before", &self.before),
        ]
    }

    fn after(&self) -> &str {
        &self.after
    }

    fn before(&self) -> &str {
        &self.before
    }

    fn at_page(&self, after: String, before: String) -> Self {
        Self {
            after,
            before,
            ..self.clone()
        }
    }
}

impl PeopleQuery {
    /// Whether anything narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.q.trim().is_empty() || !self.tag.is_empty() || !self.owner.is_empty()
    }
}

/// One page of the people list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub rows: Vec<PersonRow>,
    /// Where the page stands in the list, and the cursors of the pages around it.
    #[serde(flatten)]
    pub place: crate::records::ListPlace,
    /// The workspace's tags and members, for the filters.
    pub tags: Vec<String>,
    pub members: Vec<MemberOption>,
    /// What was wrong with the query, shown beside the search box (the list is then unfiltered
    /// by it).
    pub problem: Option<String>,
    /// How a short search was read ("Showing the people whose last name starts with …").
    pub search_note: Option<String>,
}

/// Everything a person's page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub person: Person,
    pub timeline: Vec<TimelineEntry>,
    pub members: Vec<MemberOption>,
    /// The opportunities they are one of the people of.
    pub opportunities: RelatedOpportunities,
    /// The merge into them that can still be undone, if any.
    pub merge: Option<crate::duplicates::MergeNotice>,
}

/// The key two people share when they have the same name at the same company (or the same name
/// and no company), whatever their case and accents: "Jörg Müller at ACME" is "muller jorg", a
/// unit separator, then "acme". Stored with each person (`people.match_key`) and looked up to
/// find a person who may be added twice.
#[cfg(feature = "server")]
pub fn match_key(first: &str, last: &str, company: &str) -> String {
    use crate::text::fold;
    format!(
        "{}\u{1f}{}",
        fold(format!("{} {}", last.trim(), first.trim()).trim()),
        fold(company.trim())
    )
}

/// The fields of the "Add a person" form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPersonFields {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub job_title: String,
    #[serde(default)]
    pub company_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub tags: String,
    /// The ids of the people already stored that the form showed as possibly this one, sent
    /// back when the member adds this person anyway.
    #[serde(default)]
    pub add_anyway: String,
}

impl NewRecordFields for NewPersonFields {
    type Field = PersonField;

    const FIELDS: &'static [PersonField] = &[
        PersonField::FirstName,
        PersonField::LastName,
        PersonField::JobTitle,
        PersonField::Company,
        PersonField::Email,
        PersonField::Phone,
        PersonField::Tags,
    ];

    fn value(&self, field: PersonField) -> &str {
        match field {
            PersonField::FirstName => &self.first_name,
            PersonField::LastName => &self.last_name,
            PersonField::JobTitle => &self.job_title,
            PersonField::Company => &self.company_name,
            PersonField::Email => &self.email,
            PersonField::Phone => &self.phone,
            PersonField::Tags => &self.tags,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_address_leaves_out_defaults_and_encodes_values() {
        use crate::records::ListQuery;
        let query = PeopleQuery {
            q: "Ann & co".to_owned(),
            tag: "vip".to_owned(),
            ..PeopleQuery::default()
        };
        assert_eq!(query.href(), "/app/people?q=Ann%20%26%20co&tag=vip");
        assert_eq!(PeopleQuery::default().href(), "/app/people");
        // A page before a row leaves the page after one out, and the other way round.
        let earlier = PeopleQuery {
            after: "ab".to_owned(),
            ..query.clone()
        }
        .at_page(String::new(), "cd".to_owned());
        assert_eq!(
            earlier.href(),
            "/app/people?q=Ann%20%26%20co&tag=vip&before=cd"
        );
        let place = crate::records::ListPlace {
            previous: Some("01".to_owned()),
            next: Some("02".to_owned()),
            ..Default::default()
        };
        let links = earlier.page_links(&place);
        assert_eq!(
            links.first.as_deref(),
            Some("/app/people?q=Ann%20%26%20co&tag=vip")
        );
        assert_eq!(
            links.previous.as_deref(),
            Some("/app/people?q=Ann%20%26%20co&tag=vip&before=01")
        );
        assert_eq!(
            links.next.as_deref(),
            Some("/app/people?q=Ann%20%26%20co&tag=vip&after=02")
        );
        let first = query.page_links(&crate::records::ListPlace::default());
        assert_eq!(
            first,
            crate::records::PageLinks::default(),
            "the first page links nowhere"
        );
    }

    #[test]
    fn every_field_name_parses_back_to_its_field() {
        for field in PersonField::ALL {
            assert_eq!(PersonField::parse(field.name()), Some(field));
        }
        assert_eq!(PersonField::parse("workspace_id"), None);
    }

    #[test]
    fn a_first_name_is_required_and_control_characters_are_refused() {
        assert!(PersonField::FirstName.check("  ").is_err());
        assert!(PersonField::LastName.check("").is_ok());
        assert!(PersonField::JobTitle.check("a\u{0}b").is_err());
        assert!(PersonField::Email.check("not-an-address").is_err());
        assert!(PersonField::Email.check("").is_ok());
    }

    #[cfg(feature = "server")]
    #[test]
    fn people_of_one_name_at_one_company_share_a_match_key_whatever_their_case_and_accents() {
        let key = match_key("Jörg", "Müller", " ACME Straße ");
        assert_eq!(key, match_key("jorg", "MULLER", "acme strasse"));
        assert_eq!(key, "muller jorg\u{1f}acme strasse");
        assert_ne!(key, match_key("Jörg", "Müller", "Other"));
        assert_ne!(key, match_key("Jörg", "Müller", ""));
        assert_eq!(match_key("Ada", "", ""), match_key(" ada ", "", " "));
        // The separator keeps a name from running into a company.
        assert_ne!(match_key("A", "B", "C D"), match_key("A D", "B", "C"));
    }
}
