//! Companies: what the pages and server functions exchange about the organisations a workspace
//! deals with, and what a valid domain is.

use serde::{Deserialize, Serialize};

use crate::ids::{CompanyId, PersonId};
use crate::phone::check_phone_form;
use crate::records::{
    EditableRecord, FieldInput, ListQuery, ListSort, MemberOption, NewRecordFields, RecordField,
    TimelineEntry,
};
use crate::storage::COMPANY_DRAFT_KEY;
use crate::text::{NAME_MAX_CHARS, TAGS_MAX_CHARS, parse_tags};

/// A company's web domain: lower case, without a scheme, `www.`, path or port
/// (`https://www.Example.com/about` is `example.com`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain(String);

impl Domain {
    pub const MAX_CHARS: usize = 253;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const INVALID: &str = "Enter a domain like example.com.";
        let mut text = raw.trim().to_lowercase();
        for scheme in ["https://", "http://"] {
            if let Some(rest) = text.strip_prefix(scheme) {
                text = rest.to_owned();
            }
        }
        if text.contains('@') {
            return Err("Enter the domain only, like example.com, not an e-mail address.");
        }
        let host = text
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or_default()
            .trim_end_matches('.');
        let host = host.strip_prefix("www.").unwrap_or(host);
        if !host.is_ascii() {
            return Err("Write an international domain in its ASCII form, which starts with xn--.");
        }
        if host.is_empty() || host.len() > Self::MAX_CHARS || !host.contains('.') {
            return Err(INVALID);
        }
        let labels_ok = host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        let top = host.rsplit('.').next().unwrap_or_default();
        if !labels_ok || top.bytes().all(|b| b.is_ascii_digit()) {
            return Err(INVALID);
        }
        Ok(Self(host.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A field of a company that can be edited in the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CompanyField {
    Name,
    Domain,
    Phone,
    Street,
    City,
    Region,
    PostalCode,
    Country,
    Tags,
    Owner,
}

impl CompanyField {
    /// In page order.
    pub const ALL: [Self; 10] = [
        Self::Name,
        Self::Domain,
        Self::Phone,
        Self::Street,
        Self::City,
        Self::Region,
        Self::PostalCode,
        Self::Country,
        Self::Tags,
        Self::Owner,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }
}

/// The longest part of an address (street, city, region, postal code, country).
pub const ADDRESS_MAX_CHARS: usize = 200;

impl RecordField for CompanyField {
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Domain => "domain",
            Self::Phone => "phone",
            Self::Street => "street",
            Self::City => "city",
            Self::Region => "region",
            Self::PostalCode => "postal_code",
            Self::Country => "country",
            Self::Tags => "tags",
            Self::Owner => "owner",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Domain => "Web domain",
            Self::Phone => "Phone",
            Self::Street => "Street",
            Self::City => "City",
            Self::Region => "Region",
            Self::PostalCode => "Postal code",
            Self::Country => "Country",
            Self::Tags => "Tags",
            Self::Owner => "Owner",
        }
    }

    fn input(self) -> FieldInput {
        let text = |kind, max_chars| FieldInput::Text {
            kind,
            autocomplete: "off",
            max_chars,
        };
        match self {
            Self::Name => text("text", NAME_MAX_CHARS),
            Self::Domain => text("text", Domain::MAX_CHARS),
            Self::Phone => text("tel", 30),
            Self::Street | Self::City | Self::Region | Self::PostalCode | Self::Country => {
                text("text", ADDRESS_MAX_CHARS)
            }
            Self::Tags => text("text", TAGS_MAX_CHARS),
            Self::Owner => FieldInput::Member,
        }
    }

    fn hint(self) -> Option<&'static str> {
        match self {
            Self::Domain => Some("Like example.com."),
            Self::Phone => Some(
                "As dialled in the workspace's country, or with the country code: +44 20 7946 0958.",
            ),
            Self::Tags => Some("Separate tags with commas."),
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
            Self::Name if value.is_empty() => Some("Enter the company's name.".to_owned()),
            Self::Name => too_long(NAME_MAX_CHARS),
            Self::Domain => (!value.is_empty())
                .then(|| Domain::parse(value).err())
                .flatten()
                .map(str::to_owned),
            Self::Phone => (!value.is_empty())
                .then(|| check_phone_form(value).err())
                .flatten()
                .map(str::to_owned),
            Self::Street | Self::City | Self::Region | Self::PostalCode | Self::Country => {
                too_long(ADDRESS_MAX_CHARS)
            }
            Self::Tags => parse_tags(value).err(),
            Self::Owner => None,
        };
        problem.map_or(Ok(()), Err)
    }
}

/// A company as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: CompanyId,
    pub name: String,
    pub domain: Option<String>,
    /// In E.164.
    pub phone: Option<String>,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub tags: Vec<String>,
    pub owner: Option<MemberOption>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Company {
    /// A company of this name with nothing else known yet, at version 1.
    pub fn new(id: CompanyId, name: String) -> Self {
        Self {
            id,
            name,
            domain: None,
            phone: None,
            street: String::new(),
            city: String::new(),
            region: String::new(),
            postal_code: String::new(),
            country: String::new(),
            tags: Vec::new(),
            owner: None,
            created_at: 0,
            updated_at: 0,
            version: 1,
        }
    }
}

impl EditableRecord for Company {
    type Field = CompanyField;
    const KIND: &'static str = "company";
    const DRAFT_KEY: &'static str = COMPANY_DRAFT_KEY;

    fn version(&self) -> i64 {
        self.version
    }

    fn value(&self, field: CompanyField) -> String {
        match field {
            CompanyField::Name => self.name.clone(),
            CompanyField::Domain => self.domain.clone().unwrap_or_default(),
            CompanyField::Phone => self.phone.clone().unwrap_or_default(),
            CompanyField::Street => self.street.clone(),
            CompanyField::City => self.city.clone(),
            CompanyField::Region => self.region.clone(),
            CompanyField::PostalCode => self.postal_code.clone(),
            CompanyField::Country => self.country.clone(),
            CompanyField::Tags => self.tags.join(", "),
            CompanyField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
        }
    }

    fn display(&self, field: CompanyField) -> String {
        match field {
            CompanyField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            other => self.value(other),
        }
    }

    fn set(&mut self, field: CompanyField, value: String, members: &[MemberOption]) {
        let optional = |value: String| (!value.is_empty()).then_some(value);
        match field {
            CompanyField::Name => self.name = value,
            CompanyField::Domain => {
                self.domain = Domain::parse(&value)
                    .map(|d| d.as_str().to_owned())
                    .ok()
                    .or_else(|| optional(value));
            }
            CompanyField::Phone => self.phone = optional(value),
            CompanyField::Street => self.street = value,
            CompanyField::City => self.city = value,
            CompanyField::Region => self.region = value,
            CompanyField::PostalCode => self.postal_code = value,
            CompanyField::Country => self.country = value,
            CompanyField::Tags => self.tags = parse_tags(&value).unwrap_or_default(),
            CompanyField::Owner => {
                self.owner = members.iter().find(|m| m.id.to_string() == value).cloned();
            }
        }
    }
}

/// One of the people who work at a company, on its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyPerson {
    pub id: PersonId,
    pub name: String,
    pub job_title: String,
}

/// The most people a company's page lists (the people list, filtered, shows them all).
pub const COMPANY_PEOPLE_MAX: usize = 100;

/// Everything a company's page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRecord {
    pub company: Company,
    /// Its people by name, at most [`COMPANY_PEOPLE_MAX`], and how many it has in all.
    pub people: Vec<CompanyPerson>,
    pub people_count: i64,
    pub timeline: Vec<TimelineEntry>,
    pub members: Vec<MemberOption>,
    /// The opportunities with the company.
    pub opportunities: crate::opportunities::RelatedOpportunities,
    /// The merge into it that can still be undone, if any.
    pub merge: Option<crate::duplicates::MergeNotice>,
}

/// One row of the companies list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRow {
    pub id: CompanyId,
    pub name: String,
    pub domain: Option<String>,
    /// "City, Country", or what of it is known.
    pub place: String,
    pub people: i64,
    pub tags: Vec<String>,
    pub owner: Option<String>,
}

/// What the companies list shows, as it stands in the URL (`?q=&tag=&after=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompaniesQuery {
    /// The search box: part of a name, domain, phone number or place.
    pub q: String,
    /// The order: "" for by name, or "newest" (see [`SORTS`]).
    pub sort: String,
    /// Only companies with this tag ("" for all).
    pub tag: String,
    /// Only companies this member owns ("" for all).
    pub owner: String,
    /// The page after this cursor ("" for the first page); opaque to the browser.
    pub after: String,
    /// The page before this cursor ("Previous page"; "" otherwise); opaque to the browser.
    pub before: String,
}

/// The orders the companies list offers, its default first.
pub const SORTS: [ListSort; 2] = [ListSort::Name, ListSort::Newest];

impl CompaniesQuery {
    /// Whether anything narrows the list (an order does not).
    pub fn is_filtered(&self) -> bool {
        !self.q.trim().is_empty() || !self.tag.is_empty() || !self.owner.is_empty()
    }
}

impl ListQuery for CompaniesQuery {
    const PATH: &'static str = "/app/companies";

    fn parameters(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("sort", &self.sort),
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

/// One page of the companies list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompaniesPage {
    pub rows: Vec<CompanyRow>,
    /// Where the page stands in the list, and the cursors of the pages around it.
    #[serde(flatten)]
    pub place: crate::records::ListPlace,
    /// The workspace's company tags, for the filter.
    pub tags: Vec<String>,
    /// The workspace's members, for a change of owner of the selected companies.
    pub members: Vec<MemberOption>,
    /// What was wrong with the query (the list is then shown without that part).
    pub problem: Option<String>,
    /// How a short search was read ("Showing the people whose last name starts with …").
    pub search_note: Option<String>,
}

/// The fields of the "Add a company" form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewCompanyFields {
    pub name: String,
    pub domain: String,
    pub phone: String,
    pub city: String,
    pub country: String,
    pub tags: String,
    /// The ids of the companies already stored that the form showed as possibly this one, sent
    /// back when the member adds this company anyway.
    pub add_anyway: String,
}

impl NewRecordFields for NewCompanyFields {
    type Field = CompanyField;

    const FIELDS: &'static [CompanyField] = &[
        CompanyField::Name,
        CompanyField::Domain,
        CompanyField::Phone,
        CompanyField::City,
        CompanyField::Country,
        CompanyField::Tags,
    ];

    fn value(&self, field: CompanyField) -> &str {
        match field {
            CompanyField::Name => &self.name,
            CompanyField::Domain => &self.domain,
            CompanyField::Phone => &self.phone,
            CompanyField::City => &self.city,
            CompanyField::Country => &self.country,
            CompanyField::Tags => &self.tags,
            _ => "",
        }
    }
}

/// The name as the list sorts it, and as the one-name-per-workspace rule compares it.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_kept_in_lower_case_without_scheme_www_path_or_port() {
        for typed in [
            "example.com",
            " Example.COM ",
            "https://www.example.com/about?x=1",
            "http://example.com:8080",
            "example.com.",
        ] {
            assert_eq!(
                Domain::parse(typed).map(|d| d.0),
                Ok("example.com".to_owned()),
                "{typed}"
            );
        }
        assert_eq!(
            Domain::parse("shop.example.co.uk").map(|d| d.0),
            Ok("shop.example.co.uk".to_owned())
        );
    }

    #[test]
    fn a_domain_that_is_not_one_is_refused_with_what_to_type() {
        assert_eq!(
            Domain::parse("ada@example.com"),
            Err("Enter the domain only, like example.com, not an e-mail address.")
        );
        for bad in [
            "example",
            "exa mple.com",
            "-example.com",
            "example.123",
            "",
            "a..com",
        ] {
            assert_eq!(
                Domain::parse(bad),
                Err("Enter a domain like example.com."),
                "{bad}"
            );
        }
        assert!(Domain::parse("bücher.de").unwrap_err().contains("xn--"));
    }

    #[test]
    fn the_name_is_required_and_every_field_is_checked_before_sending() {
        assert_eq!(
            CompanyField::Name.check("  "),
            Err("Enter the company's name.".to_owned())
        );
        // Its characters only: whether a national number is one is the workspace's country's to say.
        assert!(CompanyField::Phone.check("020 7946 0958").is_ok());
        assert!(CompanyField::Phone.check("020 CALL NOW").is_err());
        assert!(
            CompanyField::City
                .check(&"x".repeat(ADDRESS_MAX_CHARS + 1))
                .is_err()
        );
        assert!(CompanyField::Street.check("1 Main St\nFloor 2").is_err());
        assert_eq!(CompanyField::Domain.check(""), Ok(()));
    }

    #[test]
    fn the_list_query_round_trips_through_its_url() {
        let query = CompaniesQuery {
            q: "acme & co".to_owned(),
            sort: "newest".to_owned(),
            tag: "vip".to_owned(),
            owner: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
            after: String::new(),
            before: String::new(),
        };
        assert_eq!(
            query.href(),
            "/app/companies?q=acme%20%26%20co&sort=newest&tag=vip\
             &owner=6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10"
        );
        assert!(query.is_filtered());
        assert!(
            !CompaniesQuery {
                sort: "newest".to_owned(),
                ..CompaniesQuery::default()
            }
            .is_filtered()
        );
        assert_eq!(CompaniesQuery::default().href(), "/app/companies");
    }
}
