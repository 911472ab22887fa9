//! Cards from a vCard file, as address books write them:
//! - 2.1: `ENCODING=QUOTED-PRINTABLE` (or bare `QUOTED-PRINTABLE`) with soft line breaks,
//!   `CHARSET=`, types written bare (`TEL;CELL;PREF:`);
//! - 3.0: `TYPE=` lists and repeats, `item1.` groups labelled by `item1.X-ABLabel`, escaped `\,`
//!   `\;` `\n`;
//! - 4.0: `tel:` URIs (`VALUE=uri`), quoted parameters;
//!
//! and in every version folded lines, several cards per file, photos and other binary values
//! passed over. A card that cannot be read (the file ends inside it, or the next begins before
//! it ends) is that card's [`Rejected`]; the cards around it are read as usual.

use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_8};

use crate::columns::is_everyone_group;
use crate::contact::{Contact, Kind, PostalAddress, Rejected, Typed};
use crate::text::Lines;

/// A vCard file being read, card by card.
pub struct Cards<R> {
    lines: Lines<R>,
    /// Lines to read before the file's next, last first: the line read to see whether it
    /// continues the one before, and a card's BEGIN read again.
    peeked: Vec<(usize, String)>,
    /// Lines read and done with, whose buffers are filled again.
    spare: Vec<String>,
}

/// What the reader does after a property.
enum Step {
    Next,
    Ended(Box<Card>),
    /// A card began inside the one that began on this line.
    Unended(usize),
}

impl<R: Read> Cards<R> {
    pub fn new(lines: Lines<R>) -> Self {
        Self {
            lines,
            peeked: Vec::new(),
            spare: Vec::new(),
        }
    }

    /// The next card, or the reason it cannot be read; `None` at the end of the file.
    pub fn next_card(&mut self) -> io::Result<Option<Result<Contact, Rejected>>> {
        let mut card: Option<Card> = None;
        // How deep inside a card nested in this one (2.1's AGENT) the reader is.
        let mut nested = 0;
        let mut after_agent = false;
        while let Some((line, text)) = self.property()? {
            let step = match Property::parse(&text) {
                None => Step::Next,
                Some(property)
                    if property.is("BEGIN")
                        && property.raw_value.trim().eq_ignore_ascii_case("VCARD") =>
                {
                    if nested > 0 || (after_agent && card.is_some()) {
                        nested += 1;
                        Step::Next
                    } else if let Some(open) = card.take() {
                        Step::Unended(open.line)
                    } else {
                        card = Some(Card::new(line));
                        Step::Next
                    }
                }
                Some(property)
                    if property.is("END")
                        && property.raw_value.trim().eq_ignore_ascii_case("VCARD") =>
                {
                    if nested > 0 {
                        nested -= 1;
                        Step::Next
                    } else {
                        card.take()
                            .map_or(Step::Next, |done| Step::Ended(Box::new(done)))
                    }
                }
                Some(property) => {
                    after_agent = property.is("AGENT") && property.raw_value.trim().is_empty();
                    if nested == 0
                        && let Some(open) = card.as_mut()
                    {
                        open.add(&property);
                    }
                    Step::Next
                }
            };
            match step {
                Step::Next => self.spare.push(text),
                Step::Ended(done) => {
                    self.spare.push(text);
                    return Ok(Some(Ok(done.finish())));
                }
                Step::Unended(start) => {
                    // Read this line again as the next card's first.
                    self.peeked.push((line, text));
                    return Ok(Some(Err(Rejected {
                        line: start,
                        reason: "This card has no END:VCARD before the next card begins: it was \
                                 not imported."
                            .to_owned(),
                    })));
                }
            }
        }
        Ok(card.map(|open| {
            Err(Rejected {
                line: open.line,
                reason: "The file ends inside this card (it has no END:VCARD): it was not \
                         imported."
                    .to_owned(),
            })
        }))
    }

    fn physical(&mut self) -> io::Result<Option<(usize, String)>> {
        if let Some(line) = self.peeked.pop() {
            return Ok(Some(line));
        }
        let mut text = self.spare.pop().unwrap_or_default();
        if self.lines.next_line(&mut text)? {
            Ok(Some((self.lines.number(), text)))
        } else {
            self.spare.push(text);
            Ok(None)
        }
    }

    /// The next logical line: folded lines unfolded (a line that starts with a space or tab
    /// continues the one before), and a quoted-printable value's soft line breaks (`=` at a
    /// line's end) joined.
    fn property(&mut self) -> io::Result<Option<(usize, String)>> {
        let Some((line, mut text)) = self.physical()? else {
            return Ok(None);
        };
        while let Some((next_line, next)) = self.physical()? {
            if next.starts_with([' ', '\t']) && !text.is_empty() {
                text.push_str(&next[1..]);
                self.spare.push(next);
            } else if text.ends_with('=') && is_quoted_printable(&text) {
                text.pop();
                // A soft line break before a blank line ends the value (Android writes them).
                if next.trim().is_empty() {
                    break;
                }
                text.push_str(&next);
                self.spare.push(next);
            } else {
                self.peeked.push((next_line, next));
                break;
            }
        }
        Ok(Some((line, text)))
    }
}

/// Whether a property line's parameters say its value is quoted-printable.
fn is_quoted_printable(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    line[..colon]
        .to_ascii_uppercase()
        .contains("QUOTED-PRINTABLE")
}

/// One property: `group.NAME;PARAM=VALUE;BARE:value`, borrowed from its line.
#[derive(Debug)]
struct Property<'a> {
    group: Option<&'a str>,
    /// As written (names and types are compared without regard to case).
    name: &'a str,
    /// Every TYPE (2.1's bare parameters count as types).
    types: Vec<&'a str>,
    quoted_printable: bool,
    binary: bool,
    charset: Option<&'a str>,
    raw_value: &'a str,
}

impl<'a> Property<'a> {
    fn parse(line: &'a str) -> Option<Self> {
        let colon = first_outside_quotes(line, ':')?;
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let mut parts = split_all_outside_quotes(head, ';').into_iter();
        let full_name = parts.next()?.trim();
        let (group, name) = match full_name.rsplit_once('.') {
            Some((group, name)) => (Some(group), name),
            None => (None, full_name),
        };
        if name.is_empty() {
            return None;
        }
        let mut property = Self {
            group,
            name,
            types: Vec::new(),
            quoted_printable: false,
            binary: false,
            charset: None,
            raw_value: value,
        };
        let encoding = |property: &mut Self, value: &str| {
            if value.eq_ignore_ascii_case("quoted-printable") {
                property.quoted_printable = true;
            } else if value.eq_ignore_ascii_case("base64") || value.eq_ignore_ascii_case("b") {
                property.binary = true;
            }
        };
        for param in parts {
            let (key, values) = param.split_once('=').unwrap_or(("TYPE", param));
            let (key, values) = (key.trim(), values.trim().trim_matches('"'));
            if key.eq_ignore_ascii_case("TYPE") {
                for one in values.split(',') {
                    let one = one.trim().trim_matches('"');
                    if one.eq_ignore_ascii_case("quoted-printable")
                        || one.eq_ignore_ascii_case("base64")
                        || one.eq_ignore_ascii_case("b")
                    {
                        encoding(&mut property, one);
                    } else if !one.is_empty() {
                        property.types.push(one);
                    }
                }
            } else if key.eq_ignore_ascii_case("ENCODING") {
                encoding(&mut property, values);
            } else if key.eq_ignore_ascii_case("CHARSET") {
                property.charset = Some(values);
            } else if key.eq_ignore_ascii_case("VALUE") && values.eq_ignore_ascii_case("binary") {
                property.binary = true;
            }
        }
        Some(property)
    }

    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The value as text: quoted-printable decoded in its charset (UTF-8 when none is named).
    fn text(&self) -> std::borrow::Cow<'_, str> {
        if !self.quoted_printable {
            return std::borrow::Cow::Borrowed(self.raw_value);
        }
        let bytes = decode_quoted_printable(self.raw_value);
        let encoding = self
            .charset
            .and_then(|label| Encoding::for_label(label.as_bytes()))
            .unwrap_or(UTF_8);
        std::borrow::Cow::Owned(encoding.decode_without_bom_handling(&bytes).0.into_owned())
    }
}

/// The byte offset of the first `separator` outside double quotes.
fn first_outside_quotes(text: &str, separator: char) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            return Some(i);
        }
    }
    None
}

/// The byte offsets of `separator` outside double quotes.
fn split_outside_quotes(text: &str, separator: char) -> Vec<usize> {
    let mut quoted = false;
    let mut at = Vec::new();
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            at.push(i);
        }
    }
    at
}

fn split_all_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for at in split_outside_quotes(text, separator) {
        parts.push(&text[start..at]);
        start = at + separator.len_utf8();
    }
    parts.push(&text[start..]);
    parts
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(pair) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(pair)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// A value's components, still escaped: split at each `separator` that is not escaped.
fn split_raw(value: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == separator {
            parts.push(&value[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&value[start..]);
    parts
}

/// A value's components, each unescaped.
fn components(value: &str, separator: char) -> Vec<String> {
    split_raw(value, separator)
        .into_iter()
        .map(unescape)
        .collect()
}

/// A text value unescaped: `\n` a line break, `\,` `\;` `\:` `\\` the character.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A card as it is being read: values with the group they were written in, whose label may come
/// later in the card.
struct Card {
    line: usize,
    contact: Contact,
    /// (group, kind from the types) of each e-mail address, phone and address, in order.
    emails: Vec<(Option<String>, Typed)>,
    phones: Vec<(Option<String>, Typed)>,
    addresses: Vec<(Option<String>, PostalAddress)>,
    labels: Vec<(String, Kind)>,
}

impl Card {
    fn new(line: usize) -> Self {
        Self {
            line,
            contact: Contact {
                line,
                ..Contact::default()
            },
            emails: Vec::new(),
            phones: Vec::new(),
            addresses: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn add(&mut self, property: &Property) {
        if property.binary {
            return;
        }
        let text = property.text();
        let contact = &mut self.contact;
        const KEPT: [&str; 10] = [
            "FN",
            "N",
            "EMAIL",
            "TEL",
            "ADR",
            "ORG",
            "TITLE",
            "NOTE",
            "CATEGORIES",
            "X-ABLABEL",
        ];
        let Some(name) = KEPT.iter().find(|name| property.is(name)) else {
            return;
        };
        let group = property.group.map(str::to_ascii_lowercase);
        match *name {
            "FN" => contact.full_name = unescape(&text).trim().to_owned(),
            "N" => {
                // Each part may be a list ("Richter,James"): its items joined by spaces.
                let parts = split_raw(&text, ';');
                let part = |i: usize| {
                    parts.get(i).map_or(String::new(), |p| {
                        components(p, ',')
                            .iter()
                            .map(|w| w.trim())
                            .filter(|w| !w.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                };
                contact.family_name = part(0);
                contact.given_name = part(1);
                contact.middle_name = part(2);
                contact.prefix = part(3);
                contact.suffix = part(4);
            }
            "EMAIL" => {
                let value = unescape(&text)
                    .trim()
                    .trim_start_matches("mailto:")
                    .to_owned();
                if !value.is_empty() {
                    let kind = kind_of(&property.types, false);
                    self.emails.push((group.clone(), Typed { value, kind }));
                }
            }
            "TEL" => {
                let value = telephone(&unescape(&text));
                if !value.is_empty() {
                    let kind = kind_of(&property.types, true);
                    self.phones.push((group.clone(), Typed { value, kind }));
                }
            }
            "ADR" => {
                let parts = components(&text, ';');
                let part = |i: usize| parts.get(i).map_or(String::new(), |p| p.trim().to_owned());
                let street = [part(0), part(1), part(2)]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                let address = PostalAddress {
                    kind: kind_of(&property.types, false),
                    street,
                    city: part(3),
                    region: part(4),
                    postal_code: part(5),
                    country: part(6),
                };
                if !address.is_empty() {
                    self.addresses.push((group, address));
                }
            }
            "ORG" => {
                contact.company = components(&text, ';')
                    .into_iter()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
            }
            "TITLE" => contact.job_title = unescape(&text).trim().to_owned(),
            "NOTE" => {
                let note = unescape(&text);
                let note = note.trim();
                if !note.is_empty() {
                    if !contact.notes.is_empty() {
                        contact.notes.push_str("\n\n");
                    }
                    contact.notes.push_str(note);
                }
            }
            "CATEGORIES" => {
                for tag in components(&text, ',') {
                    let tag = tag.trim();
                    if !tag.is_empty()
                        && !is_everyone_group(tag)
                        && !contact.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
                    {
                        contact.tags.push(tag.to_owned());
                    }
                }
            }
            "X-ABLABEL" => {
                if let (Some(group), Some(kind)) = (&group, Kind::from_label(&unescape(&text))) {
                    self.labels.push((group.clone(), kind));
                }
            }
            _ => {}
        }
    }

    fn finish(self) -> Contact {
        let mut contact = self.contact;
        let labelled = |group: &Option<String>, kind: Kind| {
            group
                .as_ref()
                .and_then(|g| self.labels.iter().find(|(name, _)| name == g))
                .map_or(kind, |(_, label)| *label)
        };
        contact.emails = self
            .emails
            .iter()
            .map(|(group, typed)| Typed {
                value: typed.value.clone(),
                kind: labelled(group, typed.kind),
            })
            .collect();
        contact.phones = self
            .phones
            .iter()
            .map(|(group, typed)| Typed {
                value: typed.value.clone(),
                kind: labelled(group, typed.kind),
            })
            .collect();
        contact.addresses = self
            .addresses
            .iter()
            .map(|(group, address)| PostalAddress {
                kind: labelled(group, address.kind),
                ..address.clone()
            })
            .collect();
        contact
    }
}

/// A value's kind from its types: for phones a fax or pager is "other" and a mobile wins over
/// work or home; then work, home, anything else named.
fn kind_of(types: &[&str], phone: bool) -> Kind {
    let kinds: Vec<Kind> = types.iter().filter_map(|t| Kind::from_label(t)).collect();
    if phone
        && types
            .iter()
            .any(|t| t.eq_ignore_ascii_case("fax") || t.eq_ignore_ascii_case("pager"))
    {
        return Kind::Other;
    }
    let order: &[Kind] = if phone {
        &[Kind::Mobile, Kind::Work, Kind::Home, Kind::Other]
    } else {
        &[Kind::Work, Kind::Home, Kind::Mobile, Kind::Other]
    };
    order
        .iter()
        .copied()
        .find(|kind| kinds.contains(kind))
        .unwrap_or(Kind::Unstated)
}

/// A phone number from a TEL value: 4.0's `tel:+1-555-0100;ext=12` as "+1-555-0100 ext. 12".
fn telephone(value: &str) -> String {
    let value = value.trim();
    let value = value
        .strip_prefix("tel:")
        .or_else(|| value.strip_prefix("TEL:"))
        .unwrap_or(value);
    let mut parts = value.split(';');
    let number = parts.next().unwrap_or_default().trim().to_owned();
    match parts.find_map(|p| p.strip_prefix("ext=")) {
        Some(ext) if !ext.is_empty() => format!("{number} ext. {ext}"),
        _ => number,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::text::detect;

    pub(crate) fn cards(bytes: &[u8]) -> Vec<Result<Contact, Rejected>> {
        let mut file = Cursor::new(bytes.to_vec());
        let encoding = detect(&mut file).expect("in memory");
        let mut cards = Cards::new(Lines::new(file, encoding));
        let mut all = Vec::new();
        while let Some(card) = cards.next_card().expect("in memory") {
            all.push(card);
        }
        all
    }

    fn one(bytes: &[u8]) -> Contact {
        let mut all = cards(bytes);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0).expect("a card")
    }

    #[test]
    fn a_version_2_1_card_with_quoted_printable_soft_breaks_and_bare_types_is_read() {
        let card = one(
            b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=\r\n=C3=AB;;;\r\n\
              TEL;CELL;PREF:+44 7700 900123\r\nTEL;WORK;FAX:+44 20 7946 0000\r\nEMAIL;PREF;INTERNET:zoe@example.com\r\n\
              NOTE;QUOTED-PRINTABLE:line one=0D=0Aline two\r\nEND:VCARD\r\n",
        );
        assert_eq!(
            (card.given_name.as_str(), card.family_name.as_str()),
            ("Zoë", "Müller")
        );
        assert_eq!(
            card.phones,
            [
                Typed {
                    value: "+44 7700 900123".into(),
                    kind: Kind::Mobile
                },
                Typed {
                    value: "+44 20 7946 0000".into(),
                    kind: Kind::Other
                },
            ]
        );
        assert_eq!(
            card.emails,
            [Typed {
                value: "zoe@example.com".into(),
                kind: Kind::Unstated
            }]
        );
        assert_eq!(card.notes, "line one\r\nline two");
    }

    #[test]
    fn a_charset_other_than_utf8_is_decoded_in_it() {
        let card = one(b"BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Jos=E9 Garc=EDa\nEND:VCARD\n");
        assert_eq!(card.full_name, "José García");
    }

    #[test]
    fn a_version_3_card_with_groups_labels_escapes_and_folded_lines_is_read() {
        let card = one(
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:King;Ada;Augusta\\, Countess;;\r\nFN:Ada King\r\nORG:Analytical Engines;R&D\r\n\
              item1.EMAIL;type=INTERNET;type=pref:ada@example.com\r\nitem1.X-ABLabel:_$!<Work>!$_\r\n\
              item2.TEL:+1 212 555 0100\r\nitem2.X-ABLabel:AssistantPhone\r\nTEL;TYPE=HOME,VOICE:+1 212 555 0199\r\n\
              item3.ADR;type=HOME:;;1 Main St\\nFloor 2;New York;NY;10001;USA\r\n\
              NOTE:Met at the \\\"fair\\\"\\, twice\\; long no\r\n te folded\r\nCATEGORIES:Clients,VIP,My Contacts\r\n\
              PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n AAgAAYdpAAQAAAABA\r\nEND:VCARD\r\n",
        );
        assert_eq!(card.middle_name, "Augusta, Countess");
        assert_eq!(card.company, "Analytical Engines");
        assert_eq!(
            card.emails,
            [Typed {
                value: "ada@example.com".into(),
                kind: Kind::Work
            }]
        );
        assert_eq!(
            card.phones,
            [
                Typed {
                    value: "+1 212 555 0100".into(),
                    kind: Kind::Other
                },
                Typed {
                    value: "+1 212 555 0199".into(),
                    kind: Kind::Home
                },
            ]
        );
        assert_eq!(card.addresses[0].street, "1 Main St\nFloor 2");
        assert_eq!(card.addresses[0].postal_code, "10001");
        assert_eq!(card.addresses[0].kind, Kind::Home);
        assert_eq!(card.notes, "Met at the \"fair\", twice; long note folded");
        assert_eq!(card.tags, ["Clients", "VIP"]);
    }

    #[test]
    fn a_version_4_card_with_tel_uris_and_quoted_parameters_is_read() {
        let card = one(
            b"BEGIN:VCARD\nVERSION:4.0\nFN:Bo Li\nN:Li;Bo;;;\nTEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-555-555-5555;ext=5555\n\
              EMAIL;TYPE=home:bo@example.com\nEND:VCARD\n",
        );
        assert_eq!(
            card.phones,
            [Typed {
                value: "+1-555-555-5555 ext. 5555".into(),
                kind: Kind::Work
            }]
        );
        assert_eq!(
            card.emails,
            [Typed {
                value: "bo@example.com".into(),
                kind: Kind::Home
            }]
        );
    }

    #[test]
    fn a_card_never_ended_is_rejected_and_the_next_card_is_read() {
        let all =
            cards(b"BEGIN:VCARD\nFN:One\nBEGIN:VCARD\nFN:Two\nEND:VCARD\nBEGIN:VCARD\nFN:Three\n");
        assert_eq!(all.len(), 3);
        let first = all[0].as_ref().expect_err("one has no end");
        assert_eq!(first.line, 1);
        assert!(
            first.reason.contains("no END:VCARD before the next card"),
            "{}",
            first.reason
        );
        assert_eq!(
            all[1].as_ref().map(|c| (c.line, c.full_name.as_str())),
            Ok((3, "Two"))
        );
        let last = all[2].as_ref().expect_err("three has no end");
        assert_eq!(last.line, 6);
        assert!(last.reason.contains("file ends inside"), "{}", last.reason);
    }

    #[test]
    fn a_card_nested_in_an_agent_is_not_a_card_of_its_own() {
        let all = cards(b"BEGIN:VCARD\nFN:Boss\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nEND:VCARD\nTEL:+44 20 7946 0958\nEND:VCARD\n");
        assert_eq!(all.len(), 1);
        let card = all[0].as_ref().expect("one card");
        assert_eq!(card.full_name, "Boss");
        assert_eq!(card.phones.len(), 1);
    }
}
