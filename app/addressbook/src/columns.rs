//! Which field each column of a CSV file holds: guessed from the headers ([`Mapping::guess`]),
//! changed by the member, saved ([`Mapping::as_strings`], [`Mapping::parse`]) and applied to
//! each row ([`Mapping::contact`]).
//!
//! The guess knows the column sets that Google Contacts ("Given Name", "E-mail 1 - Type",
//! "E-mail 1 - Value", "Group Membership"; and its newer "First Name", "Labels"), Outlook ("Title"
//! before "First Name", "Business Phone", "Home Street 2", "Business Country/Region",
//! "Categories") and Apple's exporters write, and the plain names people type ("Email", "Mobile",
//! "Postcode", "Tags"). Columns that go together get one number: Google's "Phone 1 - Type" is
//! the type of "Phone 1 - Value"; Outlook's "Business Street" and "Business City" are one address.

use std::collections::HashMap;

use crate::contact::{Contact, Kind, PostalAddress, Typed};
use crate::csv::Row;

/// A part of a mailing address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Street,
    City,
    Region,
    PostalCode,
    Country,
}

impl Part {
    pub const ALL: [Self; 5] = [
        Self::Street,
        Self::City,
        Self::Region,
        Self::PostalCode,
        Self::Country,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Street => "street",
            Self::City => "city",
            Self::Region => "region",
            Self::PostalCode => "postal-code",
            Self::Country => "country",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Street => "street",
            Self::City => "town or city",
            Self::Region => "state or region",
            Self::PostalCode => "postal code",
            Self::Country => "country",
        }
    }
}

/// What one column holds. Numbers group columns: `Phone { n: 2, .. }` and `PhoneKind { n: 2 }`
/// are one phone number and its type; every `Address { n: 1, .. }` part is one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Skip,
    FullName,
    GivenName,
    MiddleName,
    FamilyName,
    Prefix,
    Suffix,
    Email { n: u8, kind: Kind },
    EmailKind { n: u8 },
    Phone { n: u8, kind: Kind },
    PhoneKind { n: u8 },
    Address { n: u8, kind: Kind, part: Part },
    AddressKind { n: u8 },
    Company,
    JobTitle,
    Tags,
    Notes,
}

const PLAIN: [(Field, &str, &str); 11] = [
    (Field::Skip, "skip", "Do not import"),
    (Field::FullName, "full-name", "Full name"),
    (Field::GivenName, "given-name", "First name"),
    (Field::MiddleName, "middle-name", "Middle name"),
    (Field::FamilyName, "family-name", "Last name"),
    (Field::Prefix, "prefix", "Name prefix (Dr, Ms)"),
    (Field::Suffix, "suffix", "Name suffix (Jr, PhD)"),
    (Field::Company, "company", "Company"),
    (Field::JobTitle, "job-title", "Job title"),
    (Field::Tags, "tags", "Tags"),
    (Field::Notes, "notes", "Notes"),
];

impl Field {
    /// How a mapping stores it: `given-name`, `email:1:work`, `phone-kind:2`,
    /// `address:1:home:city`.
    pub fn as_string(self) -> String {
        let kind = |kind: Kind| kind.as_str();
        match self {
            Self::Email { n, kind: k } => format!("email:{n}:{}", kind(k)),
            Self::EmailKind { n } => format!("email-kind:{n}"),
            Self::Phone { n, kind: k } => format!("phone:{n}:{}", kind(k)),
            Self::PhoneKind { n } => format!("phone-kind:{n}"),
            Self::Address { n, kind: k, part } => {
                format!("address:{n}:{}:{}", kind(k), part.as_str())
            }
            Self::AddressKind { n } => format!("address-kind:{n}"),
            plain => PLAIN
                .iter()
                .find(|(field, _, _)| *field == plain)
                .map_or("skip", |(_, name, _)| name)
                .to_owned(),
        }
    }

    /// The field a stored name names; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        if let Some((field, _, _)) = PLAIN.iter().find(|(_, name, _)| *name == raw) {
            return Some(*field);
        }
        let parts: Vec<&str> = raw.split(':').collect();
        let n = |text: &str| {
            text.parse::<u8>()
                .ok()
                .filter(|n| (1..=NUMBER_MAX).contains(n))
        };
        Some(match parts[..] {
            ["email", number, kind] => Self::Email {
                n: n(number)?,
                kind: Kind::parse(kind)?,
            },
            ["email-kind", number] => Self::EmailKind { n: n(number)? },
            ["phone", number, kind] => Self::Phone {
                n: n(number)?,
                kind: Kind::parse(kind)?,
            },
            ["phone-kind", number] => Self::PhoneKind { n: n(number)? },
            ["address", number, kind, part] => Self::Address {
                n: n(number)?,
                kind: Kind::parse(kind)?,
                part: Part::ALL.into_iter().find(|p| p.as_str() == part)?,
            },
            ["address-kind", number] => Self::AddressKind { n: n(number)? },
            _ => return None,
        })
    }

    /// What the mapping form calls it: "E-mail 2 (work)", "Type of phone 1", "Address 1 (home):
    /// postal code".
    pub fn label(self) -> String {
        let kind = |kind: Kind| match kind {
            Kind::Unstated => String::new(),
            other => format!(" ({})", other.as_str()),
        };
        match self {
            Self::Email { n, kind: k } => format!("E-mail {n}{}", kind(k)),
            Self::EmailKind { n } => format!("Type of e-mail {n}"),
            Self::Phone { n, kind: k } => format!("Phone {n}{}", kind(k)),
            Self::PhoneKind { n } => format!("Type of phone {n}"),
            Self::Address { n, kind: k, part } => {
                format!("Address {n}{}: {}", kind(k), part.label())
            }
            Self::AddressKind { n } => format!("Type of address {n}"),
            plain => PLAIN
                .iter()
                .find(|(field, _, _)| *field == plain)
                .map_or("Do not import", |(_, _, label)| label)
                .to_owned(),
        }
    }
}

/// Numbers of grouped columns go up to this.
pub const NUMBER_MAX: u8 = 20;

/// The field of each column, in the file's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub fields: Vec<Field>,
}

impl Mapping {
    /// The fields the headers name (`Field::Skip` for a header not recognised).
    pub fn guess(headers: &[String]) -> Self {
        let guesses: Vec<Guess> = headers.iter().map(|h| recognise(h)).collect();
        // Outlook writes "Title" (Mr, Dr) beside "Job Title"; alone, "Title" is the job.
        let has_job_title = guesses.iter().any(|g| g.what == What::JobTitle);
        let has_address_parts = |number: Option<u8>| {
            guesses
                .iter()
                .any(|g| matches!(g.what, What::Part(_)) && g.number == number)
        };
        let mut numbers = Numbers::default();
        let fields = guesses
            .iter()
            .enumerate()
            .map(|(column, guess)| match guess.what {
                What::Skip => Field::Skip,
                What::Plain(field) => field,
                What::Title if has_job_title => Field::Prefix,
                What::Title => Field::JobTitle,
                What::JobTitle => Field::JobTitle,
                What::Email => Field::Email {
                    n: numbers.value(Channel::Email, guess.number, column),
                    kind: guess.kind,
                },
                What::EmailKind => match numbers.of_label(Channel::Email, guess.number) {
                    Some(n) => Field::EmailKind { n },
                    None => Field::Skip,
                },
                What::Phone => Field::Phone {
                    n: numbers.value(Channel::Phone, guess.number, column),
                    kind: guess.kind,
                },
                What::PhoneKind => match numbers.of_label(Channel::Phone, guess.number) {
                    Some(n) => Field::PhoneKind { n },
                    None => Field::Skip,
                },
                What::Part(part) => Field::Address {
                    n: numbers.address(guess.number, guess.kind),
                    kind: guess.kind,
                    part,
                },
                // Google's whole address, when the file has no parts of that address.
                What::Formatted if has_address_parts(guess.number) => Field::Skip,
                What::Formatted => Field::Address {
                    n: numbers.address(guess.number, guess.kind),
                    kind: guess.kind,
                    part: Part::Street,
                },
                What::AddressKind => match guess.number {
                    Some(number) => Field::AddressKind {
                        n: numbers.address(Some(number), Kind::Unstated),
                    },
                    None => Field::Skip,
                },
            })
            .collect();
        Self { fields }
    }

    /// The mapping as stored, one name per column.
    pub fn as_strings(&self) -> Vec<String> {
        self.fields.iter().map(|field| field.as_string()).collect()
    }

    /// A stored or submitted mapping for a file of `columns` columns; `Err` names the first
    /// column (from 1) whose field is not one.
    pub fn parse(names: &[String], columns: usize) -> Result<Self, usize> {
        if names.len() != columns {
            return Err(names.len().min(columns) + 1);
        }
        names
            .iter()
            .enumerate()
            .map(|(i, name)| Field::parse(name).ok_or(i + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(|fields| Self { fields })
    }

    /// A row read through the mapping. Several columns of one name field are joined with
    /// spaces, of notes with blank lines; a cell of several e-mail addresses or phone numbers
    /// (Google's "a@x ::: b@y") gives each its own; tags are split at `:::`, `;` and `,`.
    pub fn contact(&self, row: &Row) -> Contact {
        let mut contact = Contact {
            line: row.line,
            ..Contact::default()
        };
        let cell = |column: usize| row.cells.get(column).map_or("", |c| unprotect(c.trim()));
        // The type columns first: a value takes its number's type when its header gave none.
        let mut labels: HashMap<(Channel, u8), Kind> = HashMap::new();
        let mut address_kinds: HashMap<u8, Kind> = HashMap::new();
        for (column, field) in self.fields.iter().enumerate() {
            let kind = || Kind::from_label(cell(column));
            match *field {
                Field::EmailKind { n } => {
                    if let Some(kind) = kind() {
                        labels.insert((Channel::Email, n), kind);
                    }
                }
                Field::PhoneKind { n } => {
                    if let Some(kind) = kind() {
                        labels.insert((Channel::Phone, n), kind);
                    }
                }
                Field::AddressKind { n } => {
                    if let Some(kind) = kind() {
                        address_kinds.insert(n, kind);
                    }
                }
                _ => {}
            }
        }
        let mut addresses: Vec<(u8, PostalAddress)> = Vec::new();
        for (column, field) in self.fields.iter().enumerate() {
            let value = cell(column);
            if value.is_empty() {
                continue;
            }
            match *field {
                Field::Skip
                | Field::EmailKind { .. }
                | Field::PhoneKind { .. }
                | Field::AddressKind { .. } => {}
                Field::FullName => push_words(&mut contact.full_name, value),
                Field::GivenName => push_words(&mut contact.given_name, value),
                Field::MiddleName => push_words(&mut contact.middle_name, value),
                Field::FamilyName => push_words(&mut contact.family_name, value),
                Field::Prefix => push_words(&mut contact.prefix, value),
                Field::Suffix => push_words(&mut contact.suffix, value),
                Field::Company => push_words(&mut contact.company, value),
                Field::JobTitle => push_words(&mut contact.job_title, value),
                Field::Notes => {
                    if !contact.notes.is_empty() {
                        contact.notes.push_str("\n\n");
                    }
                    contact.notes.push_str(value);
                }
                Field::Tags => {
                    for tag in split_tags(value) {
                        if !contact.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                            contact.tags.push(tag);
                        }
                    }
                }
                Field::Email { n, kind } | Field::Phone { n, kind } => {
                    let channel = match field {
                        Field::Email { .. } => Channel::Email,
                        _ => Channel::Phone,
                    };
                    let kind = match kind {
                        Kind::Unstated => labels.get(&(channel, n)).copied().unwrap_or(kind),
                        stated => stated,
                    };
                    let list = match channel {
                        Channel::Email => &mut contact.emails,
                        Channel::Phone => &mut contact.phones,
                    };
                    for one in value.split(":::").map(str::trim).filter(|v| !v.is_empty()) {
                        list.push(Typed {
                            value: one.to_owned(),
                            kind,
                        });
                    }
                }
                Field::Address { n, kind, part } => {
                    let at = match addresses.iter().position(|(m, _)| *m == n) {
                        Some(at) => at,
                        None => {
                            addresses.push((n, PostalAddress::default()));
                            addresses.len() - 1
                        }
                    };
                    let address = &mut addresses[at].1;
                    if address.kind == Kind::Unstated {
                        address.kind = kind;
                    }
                    let text = match part {
                        Part::Street => &mut address.street,
                        Part::City => &mut address.city,
                        Part::Region => &mut address.region,
                        Part::PostalCode => &mut address.postal_code,
                        Part::Country => &mut address.country,
                    };
                    if !text.is_empty() {
                        text.push(if part == Part::Street { '\n' } else { ' ' });
                    }
                    text.push_str(value);
                }
            }
        }
        for (n, mut address) in addresses {
            if address.kind == Kind::Unstated
                && let Some(kind) = address_kinds.get(&n)
            {
                address.kind = *kind;
            }
            if !address.is_empty() {
                contact.addresses.push(address);
            }
        }
        contact
    }
}

/// Whether a spreadsheet would run this value as a formula: it starts with `=`, `@`, a tab or a
/// carriage return, or with `+` or `-` followed by more than digits, spaces and dots (a phone
/// number in E.164 is left as it is); or with a `'` before such a value, so that the `'` the
/// import takes off is always one the export put there.
pub fn needs_guard(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('\'') => needs_guard(&cell[1..]),
        Some('+' | '-') => !cell[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.'),
        _ => false,
    }
}

/// A cell without the `'` an export put before a value that [`needs_guard`].
pub fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

fn push_words(text: &mut String, value: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(value);
}

/// Tags from a cell: Google's "* myContacts ::: Friends" (its group of every contact is not a
/// tag), Outlook's "Clients;VIP", or "a, b".
pub fn split_tags(cell: &str) -> Vec<String> {
    cell.split([';', ','])
        .flat_map(|part| part.split(":::"))
        .map(|tag| tag.trim().trim_start_matches('*').trim())
        .filter(|tag| !tag.is_empty() && !is_everyone_group(tag))
        .map(str::to_owned)
        .collect()
}

/// The group an address book puts every contact in: not a tag anyone chose.
pub fn is_everyone_group(tag: &str) -> bool {
    let tag = tag.trim().trim_start_matches('*').trim();
    tag.eq_ignore_ascii_case("myContacts") || tag.eq_ignore_ascii_case("My Contacts")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Channel {
    Email,
    Phone,
}

/// The numbers given to grouped columns, in the order they first appear.
#[derive(Default)]
struct Numbers {
    /// (channel, the header's own number or the column) → number.
    values: Vec<(Channel, Key, u8)>,
    addresses: Vec<(Key, u8)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    /// The number in the header (Google's "Phone 2 - Value").
    Numbered(u8),
    /// A column of its own ("Business Phone").
    Column(usize),
    /// An address's parts by their kind (Outlook's "Home Street", "Home City").
    Kind(Kind),
}

impl Numbers {
    fn value(&mut self, channel: Channel, number: Option<u8>, column: usize) -> u8 {
        let key = number.map_or(Key::Column(column), Key::Numbered);
        if let Some((_, _, n)) = self
            .values
            .iter()
            .find(|(c, k, _)| *c == channel && *k == key)
        {
            return *n;
        }
        let n = self.next(channel);
        self.values.push((channel, key, n));
        n
    }

    /// The number of a type column: its value's, if the header numbers it.
    fn of_label(&mut self, channel: Channel, number: Option<u8>) -> Option<u8> {
        let number = number?;
        let key = Key::Numbered(number);
        if let Some((_, _, n)) = self
            .values
            .iter()
            .find(|(c, k, _)| *c == channel && *k == key)
        {
            return Some(*n);
        }
        let n = self.next(channel);
        self.values.push((channel, key, n));
        Some(n)
    }

    fn next(&self, channel: Channel) -> u8 {
        let taken = self.values.iter().filter(|(c, _, _)| *c == channel).count();
        u8::try_from(taken + 1)
            .unwrap_or(NUMBER_MAX)
            .min(NUMBER_MAX)
    }

    fn address(&mut self, number: Option<u8>, kind: Kind) -> u8 {
        let key = number.map_or(Key::Kind(kind), Key::Numbered);
        if let Some((_, n)) = self.addresses.iter().find(|(k, _)| *k == key) {
            return *n;
        }
        let n = u8::try_from(self.addresses.len() + 1)
            .unwrap_or(NUMBER_MAX)
            .min(NUMBER_MAX);
        self.addresses.push((key, n));
        n
    }
}

/// What a header says, before columns are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Guess {
    what: What,
    kind: Kind,
    number: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    Skip,
    Plain(Field),
    /// "Title": a name's prefix beside a "Job Title" column (Outlook), else the job.
    Title,
    JobTitle,
    Email,
    EmailKind,
    Phone,
    PhoneKind,
    Part(Part),
    /// Google's "Address 1 - Formatted".
    Formatted,
    AddressKind,
}

/// A header in lower case, each run of other characters one space, "e-mail" as "email".
fn normalise(header: &str) -> String {
    let spaced: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let words = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(" {words} ")
        .replace(" e mail ", " email ")
        .trim()
        .to_owned()
}

fn recognise(header: &str) -> Guess {
    let norm = normalise(header);
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    let has = |word: &str| words.contains(&word);
    let any = |list: &[&str]| list.iter().any(|w| has(w));
    let mut guess = Guess {
        what: What::Skip,
        kind: Kind::Unstated,
        number: None,
    };
    // "Address Line 2" is the second line of one street, not a second address.
    if !has("line") {
        guess.number = words
            .iter()
            .find_map(|w| w.parse::<u8>().ok())
            .filter(|n| (1..=NUMBER_MAX).contains(n));
    }
    if any(&["work", "business", "office", "company"]) {
        guess.kind = Kind::Work;
    } else if any(&["home", "personal", "private"]) {
        guess.kind = Kind::Home;
    } else if any(&["mobile", "cell", "cellular"]) {
        guess.kind = Kind::Mobile;
    } else if any(&[
        "other",
        "fax",
        "pager",
        "car",
        "assistant",
        "callback",
        "radio",
        "telex",
        "isdn",
        "tty",
    ]) {
        guess.kind = Kind::Other;
    }
    let typed = any(&["type", "label"]);
    let plain = |field| What::Plain(field);
    let what = if any(&["email", "mail", "emailaddress"]) {
        if any(&["display", "name"]) || (typed && guess.number.is_none()) {
            What::Skip
        } else if typed {
            What::EmailKind
        } else {
            What::Email
        }
    } else if any(&[
        "phone",
        "tel",
        "telephone",
        "fax",
        "pager",
        "callback",
        "isdn",
        "telex",
        "tty",
        "mobile",
        "cell",
    ]) {
        if typed && guess.number.is_some() {
            What::PhoneKind
        } else if typed {
            What::Skip
        } else {
            What::Phone
        }
    } else if has("address") && typed {
        if guess.number.is_some() {
            What::AddressKind
        } else {
            What::Skip
        }
    } else if has("formatted") {
        What::Formatted
    } else if any(&["street", "po", "extended"]) {
        What::Part(Part::Street)
    } else if any(&["city", "town", "locality"]) {
        What::Part(Part::City)
    } else if any(&["state", "province", "region", "county"]) && !has("country") {
        What::Part(Part::Region)
    } else if any(&["zip", "postcode", "postal"]) || norm.ends_with("post code") {
        What::Part(Part::PostalCode)
    } else if has("country") {
        What::Part(Part::Country)
    } else if has("address") && !any(&["web", "ip", "im"]) {
        What::Part(Part::Street)
    } else {
        // The rest are whole headers, without a kind or a number.
        let bare: String = words
            .iter()
            .filter(|w| w.parse::<u8>().is_err())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        match bare.as_str() {
            "name" | "full name" | "display name" | "contact name" | "contact" | "fn"
            | "formatted name" => plain(Field::FullName),
            "first name" | "given name" | "firstname" | "forename" | "first" | "givenname" => {
                plain(Field::GivenName)
            }
            "middle name" | "additional name" | "middle" | "additional names" | "middlename" => {
                plain(Field::MiddleName)
            }
            "last name" | "family name" | "surname" | "lastname" | "last" | "familyname" => {
                plain(Field::FamilyName)
            }
            "name prefix" | "prefix" | "salutation" | "honorific prefix" => plain(Field::Prefix),
            "name suffix" | "suffix" | "honorific suffix" => plain(Field::Suffix),
            "company" | "organization" | "organisation" | "company name" | "organization name"
            | "organisation name" | "employer" | "account name" => plain(Field::Company),
            "job title" | "jobtitle" | "position" | "role" | "organization title"
            | "organisation title" | "job" => What::JobTitle,
            "title" => What::Title,
            "categories" | "category" | "group membership" | "labels" | "tags" | "groups"
            | "tag" | "group" => plain(Field::Tags),
            "notes" | "note" | "comments" | "comment" | "description" | "remarks" => {
                plain(Field::Notes)
            }
            _ => What::Skip,
        }
    };
    // Google numbers its organisations too ("Organization 1 - Name"): one company only.
    guess.what = match what {
        What::Skip if words.first() == Some(&"organization") && has("name") => {
            plain(Field::Company)
        }
        What::Skip if words.first() == Some(&"organization") && has("title") => What::JobTitle,
        other => other,
    };
    if matches!(
        guess.what,
        What::Plain(_) | What::Title | What::JobTitle | What::Skip
    ) {
        guess.kind = Kind::Unstated;
    }
    // A number groups columns only as Google writes them ("Phone 2 - Type" beside "Phone 2 -
    // Value", "Address 1 - City"); Outlook's "Home Phone 2" is a number of its own and
    // "Business Street 2" the street's second line.
    let grouped = match guess.what {
        What::Email | What::EmailKind | What::Phone | What::PhoneKind => typed || has("value"),
        What::Part(_) | What::Formatted | What::AddressKind => words.first() == Some(&"address"),
        _ => false,
    };
    if !grouped {
        guess.number = None;
    }
    guess
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guessed(headers: &[&str]) -> Vec<String> {
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        Mapping::guess(&headers).as_strings()
    }

    #[test]
    fn google_contacts_columns_are_recognised_with_types_beside_their_values() {
        let headers = [
            "Name",
            "Given Name",
            "Additional Name",
            "Family Name",
            "Name Prefix",
            "Name Suffix",
            "Notes",
            "Group Membership",
            "E-mail 1 - Type",
            "E-mail 1 - Value",
            "E-mail 2 - Type",
            "E-mail 2 - Value",
            "Phone 1 - Type",
            "Phone 1 - Value",
            "Address 1 - Type",
            "Address 1 - Formatted",
            "Address 1 - Street",
            "Address 1 - City",
            "Address 1 - PO Box",
            "Address 1 - Region",
            "Address 1 - Postal Code",
            "Address 1 - Country",
            "Organization 1 - Type",
            "Organization 1 - Name",
            "Organization 1 - Title",
            "Website 1 - Value",
        ];
        assert_eq!(
            guessed(&headers),
            [
                "full-name",
                "given-name",
                "middle-name",
                "family-name",
                "prefix",
                "suffix",
                "notes",
                "tags",
                "email-kind:1",
                "email:1:",
                "email-kind:2",
                "email:2:",
                "phone-kind:1",
                "phone:1:",
                "address-kind:1",
                "skip",
                "address:1::street",
                "address:1::city",
                "address:1::street",
                "address:1::region",
                "address:1::postal-code",
                "address:1::country",
                "skip",
                "company",
                "job-title",
                "skip",
            ]
        );
    }

    #[test]
    fn googles_newer_columns_are_recognised_too() {
        let headers = [
            "First Name",
            "Middle Name",
            "Last Name",
            "Organization Name",
            "Organization Title",
            "Labels",
            "E-mail 1 - Label",
            "E-mail 1 - Value",
            "Phone 1 - Label",
            "Phone 1 - Value",
            "Phone 2 - Label",
            "Phone 2 - Value",
        ];
        assert_eq!(
            guessed(&headers),
            [
                "given-name",
                "middle-name",
                "family-name",
                "company",
                "job-title",
                "tags",
                "email-kind:1",
                "email:1:",
                "phone-kind:1",
                "phone:1:",
                "phone-kind:2",
                "phone:2:",
            ]
        );
    }

    #[test]
    fn outlook_columns_are_recognised_with_their_kinds_and_title_as_a_prefix() {
        let headers = [
            "Title",
            "First Name",
            "Middle Name",
            "Last Name",
            "Suffix",
            "Company",
            "Department",
            "Job Title",
            "Business Street",
            "Business Street 2",
            "Business City",
            "Business State",
            "Business Postal Code",
            "Business Country/Region",
            "Home Street",
            "Home City",
            "Home Postal Code",
            "Business Fax",
            "Business Phone",
            "Business Phone 2",
            "Home Phone",
            "Mobile Phone",
            "Categories",
            "E-mail Address",
            "E-mail Type",
            "E-mail Display Name",
            "E-mail 2 Address",
            "Notes",
        ];
        assert_eq!(
            guessed(&headers),
            [
                "prefix",
                "given-name",
                "middle-name",
                "family-name",
                "suffix",
                "company",
                "skip",
                "job-title",
                "address:1:work:street",
                "address:1:work:street",
                "address:1:work:city",
                "address:1:work:region",
                "address:1:work:postal-code",
                "address:1:work:country",
                "address:2:home:street",
                "address:2:home:city",
                "address:2:home:postal-code",
                "phone:1:work",
                "phone:2:work",
                "phone:3:work",
                "phone:4:home",
                "phone:5:mobile",
                "tags",
                "email:1:",
                "skip",
                "skip",
                "email:2:",
                "notes",
            ]
        );
    }

    #[test]
    fn plain_headers_people_type_are_recognised() {
        let headers = [
            "Email",
            "Mobile",
            "Work phone",
            "Postcode",
            "ZIP",
            "Tags",
            "Title",
            "Address Line 1",
            "Address Line 2",
            "Town",
            "Country",
            "Birthday",
        ];
        assert_eq!(
            guessed(&headers),
            [
                "email:1:",
                "phone:1:mobile",
                "phone:2:work",
                "address:1::postal-code",
                "address:1::postal-code",
                "tags",
                "job-title",
                "address:1::street",
                "address:1::street",
                "address:1::city",
                "address:1::country",
                "skip",
            ]
        );
    }

    #[test]
    fn every_field_is_stored_and_read_back_as_itself() {
        let mut fields = PLAIN.map(|(field, _, _)| field).to_vec();
        for kind in Kind::ALL {
            fields.push(Field::Email { n: 3, kind });
            fields.push(Field::Phone { n: 20, kind });
            for part in Part::ALL {
                fields.push(Field::Address { n: 1, kind, part });
            }
        }
        fields.extend([
            Field::EmailKind { n: 1 },
            Field::PhoneKind { n: 2 },
            Field::AddressKind { n: 4 },
        ]);
        for field in fields {
            assert_eq!(Field::parse(&field.as_string()), Some(field), "{field:?}");
            assert!(!field.label().is_empty());
        }
        for junk in [
            "",
            "email",
            "email:0:",
            "email:21:work",
            "phone:1:fax",
            "address:1:home:moon",
            "x",
        ] {
            assert_eq!(Field::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_mapping_of_the_wrong_length_or_an_unknown_field_names_its_column() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            Mapping::parse(&names(&["skip", "notes"]), 2).map(|m| m.fields.len()),
            Ok(2)
        );
        assert_eq!(Mapping::parse(&names(&["skip", "nope"]), 2), Err(2));
        assert_eq!(Mapping::parse(&names(&["skip"]), 2), Err(2));
    }

    #[test]
    fn a_google_row_becomes_a_contact_with_each_value_typed_by_its_type_column() {
        let headers: Vec<String> = [
            "Name",
            "Given Name",
            "Family Name",
            "Group Membership",
            "E-mail 1 - Type",
            "E-mail 1 - Value",
            "Phone 1 - Type",
            "Phone 1 - Value",
            "Address 1 - Type",
            "Address 1 - Street",
            "Address 1 - City",
            "Organization 1 - Name",
            "Notes",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
        let mapping = Mapping::guess(&headers);
        let cells = [
            "Ada King",
            "Ada",
            "King",
            "* myContacts ::: Friends ::: VIP",
            "* Work",
            "ada@example.com ::: ada@home.example",
            "Mobile",
            "+44 7700 900123",
            "Home",
            "1 Main St",
            "London",
            "Analytical Engines",
            "Likes\nnumbers",
        ];
        let row = Row {
            line: 7,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
        };
        let contact = mapping.contact(&row);
        assert_eq!(contact.line, 7);
        assert_eq!(contact.first_and_last(), ("Ada".into(), "King".into()));
        assert_eq!(contact.tags, ["Friends", "VIP"]);
        assert_eq!(
            contact.emails,
            [
                Typed {
                    value: "ada@example.com".into(),
                    kind: Kind::Work
                },
                Typed {
                    value: "ada@home.example".into(),
                    kind: Kind::Work
                },
            ]
        );
        assert_eq!(
            contact.phones,
            [Typed {
                value: "+44 7700 900123".into(),
                kind: Kind::Mobile
            }]
        );
        assert_eq!(
            contact.addresses,
            [PostalAddress {
                kind: Kind::Home,
                street: "1 Main St".into(),
                city: "London".into(),
                ..PostalAddress::default()
            }]
        );
        assert_eq!(contact.company, "Analytical Engines");
        assert_eq!(contact.notes, "Likes\nnumbers");
    }

    #[test]
    fn outlook_street_lines_join_and_empty_addresses_are_left_out() {
        let headers: Vec<String> = [
            "First Name",
            "Business Street",
            "Business Street 2",
            "Home Street",
            "Categories",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
        let mapping = Mapping::guess(&headers);
        let row = Row {
            line: 2,
            cells: ["Bo", "1 Main St", "Floor 2", "", "Clients;VIP, clients"]
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
        };
        let contact = mapping.contact(&row);
        assert_eq!(contact.addresses.len(), 1);
        assert_eq!(contact.addresses[0].street, "1 Main St\nFloor 2");
        assert_eq!(contact.addresses[0].kind, Kind::Work);
        assert_eq!(contact.tags, ["Clients", "VIP"]);
    }
}
