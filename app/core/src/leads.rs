//! Leads: what the pages and server functions exchange about people who showed interest, before
//! they become people (and companies) of the workspace.

use serde::{Deserialize, Serialize};

use crate::email_address::EmailAddress;
use crate::ids::LeadId;
use crate::phone::check_phone_form;
use crate::records::{
    EditableRecord, FieldInput, ListQuery, ListSort, MemberOption, NewRecordFields, RecordField,
    TimelineEntry,
};
use crate::storage::LEAD_DRAFT_KEY;
use crate::text::{NAME_MAX_CHARS, TEXT_MAX_CHARS};

/// Where a lead is in qualification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Unqualified,
}

impl LeadStatus {
    pub const ALL: [Self; 4] = [
        Self::New,
        Self::Contacted,
        Self::Qualified,
        Self::Unqualified,
    ];

    /// As stored, and as the page's choice sends it: (stored value, label).
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("new", "New"),
        ("contacted", "Contacted"),
        ("qualified", "Qualified"),
        ("unqualified", "Unqualified"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Contacted => "contacted",
            Self::Qualified => "qualified",
            Self::Unqualified => "unqualified",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Contacted => "Contacted",
            Self::Qualified => "Qualified",
            Self::Unqualified => "Unqualified",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }
}

/// How a lead reached the workspace. Stored as its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeadSource {
    /// The public Request-a-Demo form.
    RequestADemo,
    Website,
    Referral,
    Event,
    Outreach,
    Other,
}

impl LeadSource {
    pub const ALL: [Self; 6] = [
        Self::RequestADemo,
        Self::Website,
        Self::Referral,
        Self::Event,
        Self::Outreach,
        Self::Other,
    ];

    /// The page's choice: the stored value is the label.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("Request a Demo", "Request a Demo"),
        ("Website", "Website"),
        ("Referral", "Referral"),
        ("Event", "Event"),
        ("Outreach", "Outreach"),
        ("Other", "Other"),
    ];

    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestADemo => "Request a Demo",
            Self::Website => "Website",
            Self::Referral => "Referral",
            Self::Event => "Event",
            Self::Outreach => "Outreach",
            Self::Other => "Other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|source| source.as_str() == raw)
    }
}

/// The e-mail marketing choice a lead made on a form: yes or no, when, and the privacy policy
/// version shown beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketingChoice {
    pub consented: bool,
    pub at: i64,
    pub policy_version: i64,
}

/// A field of a lead that can be edited in the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LeadField {
    Name,
    Email,
    CompanyName,
    Phone,
    Status,
    Source,
    Owner,
}

impl LeadField {
    /// In page order.
    pub const ALL: [Self; 7] = [
        Self::Name,
        Self::Email,
        Self::CompanyName,
        Self::Phone,
        Self::Status,
        Self::Source,
        Self::Owner,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }
}

impl RecordField for LeadField {
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::CompanyName => "company_name",
            Self::Phone => "phone",
            Self::Status => "status",
            Self::Source => "source",
            Self::Owner => "owner",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Email => "E-mail",
            Self::CompanyName => "Company",
            Self::Phone => "Phone",
            Self::Status => "Status",
            Self::Source => "Source",
            Self::Owner => "Owner",
        }
    }

    fn input(self) -> FieldInput {
        let text = |kind, autocomplete, max_chars| FieldInput::Text {
            kind,
            autocomplete,
            max_chars,
        };
        match self {
            Self::Name => text("text", "off", NAME_MAX_CHARS),
            Self::Email => text("email", "off", EmailAddress::MAX_CHARS),
            Self::CompanyName => text("text", "off", TEXT_MAX_CHARS),
            Self::Phone => text("tel", "off", 30),
            Self::Status => FieldInput::Choice(LeadStatus::OPTIONS),
            Self::Source => FieldInput::Choice(LeadSource::OPTIONS),
            Self::Owner => FieldInput::Member,
        }
    }

    fn hint(self) -> Option<&'static str> {
        match self {
            Self::Phone => Some(
                "As dialled in the workspace's country, or with the country code: +44 20 7946 0958.",
            ),
            Self::Name => Some("Converting the lead makes the first word the first name."),
            _ => None,
        }
    }

    fn check(self, value: &str) -> Result<(), String> {
        let value = value.trim();
        if value.chars().any(char::is_control) {
            return Err("Remove the line breaks and control characters.".to_owned());
        }
        let too_long = |max: usize| {
            (value.chars().count() > max)
                .then(|| format!("Use at most {max} characters for this field."))
        };
        let problem = match self {
            Self::Name if value.is_empty() => Some("Enter the lead's name.".to_owned()),
            Self::Name => too_long(NAME_MAX_CHARS),
            Self::Email if value.is_empty() => Some(
                "Enter the lead's e-mail address: converting a lead matches people by it."
                    .to_owned(),
            ),
            Self::Email => EmailAddress::parse(value).err().map(str::to_owned),
            Self::CompanyName => too_long(TEXT_MAX_CHARS),
            Self::Phone => (!value.is_empty())
                .then(|| check_phone_form(value).err())
                .flatten()
                .map(str::to_owned),
            Self::Status => LeadStatus::parse(value)
                .is_none()
                .then(|| "Choose one of the statuses.".to_owned()),
            Self::Source => LeadSource::parse(value)
                .is_none()
                .then(|| "Choose one of the sources.".to_owned()),
            Self::Owner => None,
        };
        problem.map_or(Ok(()), Err)
    }
}

/// A lead as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: LeadId,
    pub name: String,
    pub email: String,
    pub company_name: String,
    /// In E.164 once edited here; as typed when it came from a public form.
    pub phone: Option<String>,
    pub status: LeadStatus,
    pub source: LeadSource,
    pub owner: Option<MemberOption>,
    /// What the lead told the form, kept as given.
    pub team_size: Option<String>,
    pub message: Option<String>,
    pub marketing: Option<MarketingChoice>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl EditableRecord for Lead {
    type Field = LeadField;
    const KIND: &'static str = "lead";
    const DRAFT_KEY: &'static str = LEAD_DRAFT_KEY;

    fn version(&self) -> i64 {
        self.version
    }

    fn value(&self, field: LeadField) -> String {
        match field {
            LeadField::Name => self.name.clone(),
            LeadField::Email => self.email.clone(),
            LeadField::CompanyName => self.company_name.clone(),
            LeadField::Phone => self.phone.clone().unwrap_or_default(),
            LeadField::Status => self.status.as_str().to_owned(),
            LeadField::Source => self.source.as_str().to_owned(),
            LeadField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
        }
    }

    fn display(&self, field: LeadField) -> String {
        match field {
            LeadField::Status => self.status.label().to_owned(),
            LeadField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            other => self.value(other),
        }
    }

    fn set(&mut self, field: LeadField, value: String, members: &[MemberOption]) {
        match field {
            LeadField::Name => self.name = value,
            LeadField::Email => {
                self.email = EmailAddress::parse(&value)
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or(value);
            }
            LeadField::CompanyName => self.company_name = value,
            LeadField::Phone => self.phone = (!value.is_empty()).then_some(value),
            LeadField::Status => {
                if let Some(status) = LeadStatus::parse(&value) {
                    self.status = status;
                }
            }
            LeadField::Source => {
                if let Some(source) = LeadSource::parse(&value) {
                    self.source = source;
                }
            }
            LeadField::Owner => {
                self.owner = members.iter().find(|m| m.id.to_string() == value).cloned();
            }
        }
    }
}

/// Another record a lead's page links to (its person, its company).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLink {
    pub id: String,
    pub name: String,
}

/// What a lead was converted into, when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// `None` once that person has been deleted.
    pub person: Option<RecordLink>,
    pub company: Option<RecordLink>,
    /// The opportunity opened from it, when one was.
    pub opportunity: Option<RecordLink>,
    pub at: i64,
    /// `None` when that member has since left.
    pub by: Option<String>,
}

/// Everything a lead's page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRecord {
    pub lead: Lead,
    pub conversion: Option<Conversion>,
    /// Before conversion: the workspace's person with the lead's e-mail address (conversion
    /// links to them instead of adding someone new).
    pub matching_person: Option<RecordLink>,
    /// Before conversion: the workspace's company with the lead's company name.
    pub matching_company: Option<RecordLink>,
    pub timeline: Vec<TimelineEntry>,
    pub members: Vec<MemberOption>,
}

/// What a member asks converting a lead to add besides the person.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversionChoice {
    /// Also add the lead's company, when no company of that name is here yet.
    pub add_company: bool,
    /// Also open an opportunity with the person (and company).
    pub add_opportunity: bool,
}

/// What converting a lead did, for the page to say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Converted {
    pub record: LeadRecord,
    /// The person existed already (matched by e-mail address) and was linked, not added.
    pub matched: bool,
    /// The lead's phone number, when it could not be read as an international number and so
    /// was not copied to a new person (the lead keeps it).
    pub phone_not_copied: Option<String>,
}

/// How converting a lead splits its name: the first word is the first name, the rest the last
/// name ("Ada King Lovelace" is "Ada" and "King Lovelace").
pub fn split_name(name: &str) -> (String, String) {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.split_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (name, String::new()),
    }
}

/// One row of the leads list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRow {
    pub id: LeadId,
    pub name: String,
    pub email: String,
    pub company_name: String,
    pub status: LeadStatus,
    pub source: LeadSource,
    pub owner: Option<String>,
    pub created_at: i64,
    pub converted: bool,
}

/// The orders the leads list offers, its default first.
pub const SORTS: [ListSort; 2] = [ListSort::Newest, ListSort::Name];

/// What the leads list shows, as it stands in the URL (`?q=&sort=&status=&owner=&after=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadsQuery {
    /// The search box: part of a name, e-mail address, company name or phone number.
    pub q: String,
    /// The order: "" for newest first, or "name" (see [`SORTS`]).
    pub sort: String,
    /// Only leads with this status ("" for all).
    pub status: String,
    /// Only leads owned by this member ("" for all).
    pub owner: String,
    /// The page after this cursor ("" for the first page); opaque to the browser.
    pub after: String,
    /// The page before this cursor ("Previous page"; "" otherwise); opaque to the browser.
    pub before: String,
}

impl ListQuery for LeadsQuery {
    const PATH: &'static str = "/app/leads";

    fn parameters(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("sort", &self.sort),
            ("status", &self.status),
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

impl LeadsQuery {
    /// Whether anything narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.q.trim().is_empty() || !self.status.is_empty() || !self.owner.is_empty()
    }
}

/// One page of the leads list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadsPage {
    pub rows: Vec<LeadRow>,
    /// Where the page stands in the list, and the cursors of the pages around it.
    #[serde(flatten)]
    pub place: crate::records::ListPlace,
    /// The workspace's members, for the owner filter.
    pub members: Vec<MemberOption>,
    /// What was wrong with the query (the list is then shown without that part).
    pub problem: Option<String>,
    /// How a short search was read ("Showing the people whose last name starts with …").
    pub search_note: Option<String>,
}

/// The fields of the "Add a lead" form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewLeadFields {
    pub name: String,
    pub email: String,
    pub company_name: String,
    pub phone: String,
    pub source: String,
}

impl NewRecordFields for NewLeadFields {
    type Field = LeadField;

    const FIELDS: &'static [LeadField] = &[
        LeadField::Name,
        LeadField::Email,
        LeadField::CompanyName,
        LeadField::Phone,
        LeadField::Source,
    ];

    fn value(&self, field: LeadField) -> &str {
        match field {
            LeadField::Name => &self.name,
            LeadField::Email => &self.email,
            LeadField::CompanyName => &self.company_name,
            LeadField::Phone => &self.phone,
            LeadField::Source => &self.source,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converting_splits_a_name_at_its_first_word() {
        assert_eq!(
            split_name("  Ada   King Lovelace "),
            ("Ada".to_owned(), "King Lovelace".to_owned())
        );
        assert_eq!(split_name("Ada"), ("Ada".to_owned(), String::new()));
    }

    #[test]
    fn a_lead_needs_a_name_and_a_valid_email_address() {
        assert_eq!(
            LeadField::Name.check(" "),
            Err("Enter the lead's name.".to_owned())
        );
        assert!(
            LeadField::Email
                .check("")
                .unwrap_err()
                .contains("matches people")
        );
        assert_eq!(
            LeadField::Email.check("ada@"),
            Err("Enter an e-mail address like name@example.com.".to_owned())
        );
        assert_eq!(LeadField::Email.check("ada@example.com"), Ok(()));
        // Its characters only: whether a national number is one is the workspace's country's to say.
        assert!(LeadField::Phone.check("020 7946 0958").is_ok());
        assert!(LeadField::Phone.check("020 CALL NOW").is_err());
    }

    #[test]
    fn a_status_or_source_must_be_one_of_the_choices() {
        assert_eq!(LeadField::Status.check("qualified"), Ok(()));
        assert_eq!(
            LeadField::Status.check("won"),
            Err("Choose one of the statuses.".to_owned())
        );
        assert_eq!(LeadField::Source.check("Request a Demo"), Ok(()));
        assert!(LeadField::Source.check("Cold call").is_err());
        for (stored, _) in LeadStatus::OPTIONS {
            assert!(LeadStatus::parse(stored).is_some());
        }
        for (stored, _) in LeadSource::OPTIONS {
            assert!(LeadSource::parse(stored).is_some());
        }
    }

    #[test]
    fn the_list_query_round_trips_through_its_url() {
        let query = LeadsQuery {
            q: "ada lovelace".to_owned(),
            sort: "name".to_owned(),
            status: "new".to_owned(),
            ..LeadsQuery::default()
        };
        assert_eq!(
            query.href(),
            "/app/leads?q=ada%20lovelace&sort=name&status=new"
        );
        assert!(query.is_filtered());
        assert_eq!(LeadsQuery::default().href(), "/app/leads");
    }
}
