//! A contact as an address book holds it, before the product checks it: text as the file had it
//! (trimmed), with the line it starts on, so that every problem found later names its line.

/// What kind of address or number a value is, as the file said it (or did not).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    Work,
    Home,
    Mobile,
    Other,
    /// The file said nothing of its kind.
    #[default]
    Unstated,
}

impl Kind {
    pub const ALL: [Self; 5] = [
        Self::Work,
        Self::Home,
        Self::Mobile,
        Self::Other,
        Self::Unstated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Work => "work",
            Self::Home => "home",
            Self::Mobile => "mobile",
            Self::Other => "other",
            Self::Unstated => "",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// The kind a label names, in the words address books use for it: vCard types (`CELL`,
    /// `WORK`, `HOME`, `INTERNET` says nothing), Apple's `_$!<Mobile>!$_` labels, Google's
    /// "* Work" (the star marks the main one) and "Home ::: Mobile" (the first one counts),
    /// Outlook's "Business". `None` for a word that says no kind (`VOICE`, `PREF`, `INTERNET`).
    pub fn from_label(label: &str) -> Option<Self> {
        let label = label.trim().trim_start_matches('*').trim();
        let label = label.split(":::").next().unwrap_or_default().trim();
        let label = label
            .strip_prefix("_$!<")
            .and_then(|rest| rest.strip_suffix(">!$_"))
            .unwrap_or(label);
        const WORDS: [(&str, Option<Kind>); 22] = [
            ("work", Some(Kind::Work)),
            ("business", Some(Kind::Work)),
            ("office", Some(Kind::Work)),
            ("company", Some(Kind::Work)),
            ("company main", Some(Kind::Work)),
            ("main work", Some(Kind::Work)),
            ("home", Some(Kind::Home)),
            ("personal", Some(Kind::Home)),
            ("private", Some(Kind::Home)),
            ("cell", Some(Kind::Mobile)),
            ("mobile", Some(Kind::Mobile)),
            ("iphone", Some(Kind::Mobile)),
            ("cellular", Some(Kind::Mobile)),
            ("handy", Some(Kind::Mobile)),
            ("work mobile", Some(Kind::Mobile)),
            ("home mobile", Some(Kind::Mobile)),
            ("voice", None),
            ("pref", None),
            ("internet", None),
            ("x400", None),
            ("main", None),
            ("msg", None),
        ];
        if label.is_empty() {
            return None;
        }
        WORDS
            .iter()
            .find(|(word, _)| label.eq_ignore_ascii_case(word))
            .map_or(Some(Self::Other), |(_, kind)| *kind)
    }
}

/// An e-mail address or phone number with its kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed {
    pub value: String,
    pub kind: Kind,
}

/// A mailing address in its parts (a part the file did not have is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub kind: Kind,
    /// The street lines, joined by line breaks.
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl PostalAddress {
    pub fn is_empty(&self) -> bool {
        [
            &self.street,
            &self.city,
            &self.region,
            &self.postal_code,
            &self.country,
        ]
        .iter()
        .all(|part| part.trim().is_empty())
    }
}

/// One row of a CSV file or one card of a vCard file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// The line of the file it starts on, counted from 1.
    pub line: usize,
    /// The name as written whole ("Dr Ada King"), where the file had one.
    pub full_name: String,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub prefix: String,
    pub suffix: String,
    pub emails: Vec<Typed>,
    pub phones: Vec<Typed>,
    pub addresses: Vec<PostalAddress>,
    pub company: String,
    pub job_title: String,
    pub tags: Vec<String>,
    pub notes: String,
}

impl Contact {
    /// The first and last name the product stores: the given and family names, or, where the
    /// file had only a whole name, its last word as the last name ("Ada King" → "Ada", "King";
    /// "Cher" → "Cher", "").
    pub fn first_and_last(&self) -> (String, String) {
        let given = join_words(&[&self.given_name, &self.middle_name]);
        let family = self.family_name.trim().to_owned();
        if !given.is_empty() || !family.is_empty() {
            return (given, family);
        }
        let whole = self.full_name.split_whitespace().collect::<Vec<_>>();
        match whole.split_last() {
            None => (String::new(), String::new()),
            Some((only, [])) => ((*only).to_owned(), String::new()),
            Some((last, rest)) => (rest.join(" "), (*last).to_owned()),
        }
    }

    /// Whether nothing at all was read into it.
    pub fn is_empty(&self) -> bool {
        let texts = [
            &self.full_name,
            &self.given_name,
            &self.middle_name,
            &self.family_name,
            &self.company,
            &self.job_title,
            &self.notes,
        ];
        texts.iter().all(|text| text.trim().is_empty())
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.addresses.is_empty()
            && self.tags.is_empty()
    }
}

fn join_words(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A row or card that could not be read, with the line it starts on and why, in words for the
/// member ("A quoted field that starts here is never closed.").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_kinds_in_each_address_books_words() {
        let cases = [
            ("CELL", Some(Kind::Mobile)),
            ("_$!<Mobile>!$_", Some(Kind::Mobile)),
            ("* Work", Some(Kind::Work)),
            ("Home ::: Mobile", Some(Kind::Home)),
            ("Business", Some(Kind::Work)),
            ("INTERNET", None),
            ("pref", None),
            ("_$!<AssistantPhone>!$_", Some(Kind::Other)),
            ("Pager", Some(Kind::Other)),
        ];
        for (label, kind) in cases {
            assert_eq!(Kind::from_label(label), kind, "{label}");
        }
    }

    #[test]
    fn a_whole_name_alone_gives_its_last_word_as_the_last_name() {
        let mut contact = Contact {
            full_name: " Ada  Lovelace King ".into(),
            ..Contact::default()
        };
        assert_eq!(
            contact.first_and_last(),
            ("Ada Lovelace".into(), "King".into())
        );
        contact.full_name = "Cher".into();
        assert_eq!(contact.first_and_last(), ("Cher".into(), String::new()));
        contact.given_name = "Ada".into();
        contact.middle_name = "B.".into();
        assert_eq!(contact.first_and_last(), ("Ada B.".into(), String::new()));
    }
}
