//! Contacts written out: as CSV in UTF-8 with a byte-order mark (so Excel opens it right) whose
//! header the import recognises, and as vCard 4.0. Both write one contact at a time into any
//! `Write`, so an export streams in constant memory.

use std::io::{self, Write};

use crate::contact::{Contact, Kind, PostalAddress, Typed};

/// How many e-mail addresses, phone numbers and addresses a CSV export has columns for (the most
/// any exported contact has; the header is written before the first row).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvLayout {
    pub emails: usize,
    pub phones: usize,
    pub addresses: usize,
}

/// Writes CSV: the header (with the caller's own columns after the contact's) on creation, then
/// a row per contact.
pub struct CsvWriter<W> {
    out: W,
    layout: CsvLayout,
    line: String,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the byte-order mark and the header. `extra` names columns of the caller's own
    /// (owner, lawful basis, dates), written after the contact's in each row.
    pub fn new(mut out: W, layout: CsvLayout, extra: &[&str]) -> io::Result<Self> {
        let mut header: Vec<String> = [
            "First Name",
            "Middle Name",
            "Last Name",
            "Name Prefix",
            "Name Suffix",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
        header.extend([
            "Organization Name".to_owned(),
            "Organization Title".to_owned(),
        ]);
        for n in 1..=layout.emails {
            header.push(format!("E-mail {n} - Type"));
            header.push(format!("E-mail {n} - Value"));
        }
        for n in 1..=layout.phones {
            header.push(format!("Phone {n} - Type"));
            header.push(format!("Phone {n} - Value"));
        }
        for n in 1..=layout.addresses {
            for part in ["Type", "Street", "City", "Region", "Postal Code", "Country"] {
                header.push(format!("Address {n} - {part}"));
            }
        }
        header.extend(["Labels".to_owned(), "Notes".to_owned()]);
        header.extend(extra.iter().map(|h| (*h).to_owned()));
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = Self {
            out,
            layout,
            line: String::new(),
        };
        writer.write_cells(header.iter().map(String::as_str))?;
        Ok(writer)
    }

    /// One contact's row, with the caller's own values after it. Values beyond the layout's
    /// counts are not written: size the layout to the contacts.
    pub fn row(&mut self, contact: &Contact, extra: &[&str]) -> io::Result<()> {
        let mut cells: Vec<&str> = vec![
            &contact.given_name,
            &contact.middle_name,
            &contact.family_name,
            &contact.prefix,
            &contact.suffix,
            &contact.company,
            &contact.job_title,
        ];
        push_typed(&mut cells, &contact.emails, self.layout.emails);
        push_typed(&mut cells, &contact.phones, self.layout.phones);
        for n in 0..self.layout.addresses {
            match contact.addresses.get(n) {
                Some(a) => cells.extend([
                    kind_label(a.kind),
                    &a.street,
                    &a.city,
                    &a.region,
                    &a.postal_code,
                    &a.country,
                ]),
                None => cells.extend(["", "", "", "", "", ""]),
            }
        }
        let tags = contact.tags.join(" ::: ");
        cells.push(&tags);
        cells.push(&contact.notes);
        cells.extend(extra);
        self.write_cells(cells.into_iter())
    }

    fn write_cells<'a>(&mut self, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            push_csv_cell(&mut self.line, cell);
        }
        self.line.push_str("\r\n");
        self.out.write_all(self.line.as_bytes())
    }

    /// What it writes into (an export takes the bytes written so far out of a `Vec`).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// A type column and a value column for each of the first `count` values.
fn push_typed<'a>(cells: &mut Vec<&'a str>, list: &'a [Typed], count: usize) {
    for n in 0..count {
        match list.get(n) {
            Some(one) => {
                cells.push(kind_label(one.kind));
                cells.push(&one.value);
            }
            None => cells.extend(["", ""]),
        }
    }
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Work => "Work",
        Kind::Home => "Home",
        Kind::Mobile => "Mobile",
        Kind::Other => "Other",
        Kind::Unstated => "",
    }
}

/// A cell, quoted when it holds a comma, a quote, a line break or spaces at its ends; a value a
/// spreadsheet would run as a formula (`=`, `@`, or `+` and `-` not starting a number) gets a
/// leading `'`, which the import takes off again ([`crate::columns::unprotect`]).
fn push_csv_cell(line: &mut String, cell: &str) {
    let guarded = crate::columns::needs_guard(cell);
    let quote = guarded
        || cell.contains([',', '"', '\n', '\r'])
        || cell.starts_with(char::is_whitespace)
        || cell.ends_with(char::is_whitespace);
    if quote {
        line.push('"');
    }
    if guarded {
        line.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            line.push('"');
        }
        line.push(c);
    }
    if quote {
        line.push('"');
    }
}

/// Writes one contact as a vCard 4.0 card.
pub fn vcard<W: Write>(out: &mut W, contact: &Contact) -> io::Result<()> {
    let mut card = String::new();
    card.push_str("BEGIN:VCARD\r\nVERSION:4.0\r\n");
    let (first, last) = contact.first_and_last();
    let full = if contact.full_name.trim().is_empty() {
        [first.as_str(), last.as_str()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        contact.full_name.clone()
    };
    // FN is required; a contact known by its e-mail address alone is named by it.
    let full = if full.is_empty() {
        contact
            .emails
            .first()
            .map_or_else(String::new, |e| e.value.clone())
    } else {
        full
    };
    property(&mut card, "FN", &escape(&full));
    let n = [
        &contact.family_name,
        &contact.given_name,
        &contact.middle_name,
        &contact.prefix,
        &contact.suffix,
    ]
    .map(|part| escape(part))
    .join(";");
    property(&mut card, "N", &n);
    for email in &contact.emails {
        property(
            &mut card,
            &format!("EMAIL{}", vcard_type(email.kind, false)),
            &escape(&email.value),
        );
    }
    for phone in &contact.phones {
        let uri = phone
            .value
            .trim_start_matches('+')
            .chars()
            .all(|c| c.is_ascii_digit())
            && !phone.value.is_empty();
        let value = if uri {
            format!("tel:{}", phone.value)
        } else {
            escape(&phone.value)
        };
        let name = format!(
            "TEL{}{}",
            if uri { ";VALUE=uri" } else { "" },
            vcard_type(phone.kind, true)
        );
        property(&mut card, &name, &value);
    }
    for address in &contact.addresses {
        property(
            &mut card,
            &format!("ADR{}", vcard_type(address.kind, false)),
            &adr(address),
        );
    }
    if !contact.company.is_empty() {
        property(&mut card, "ORG", &escape(&contact.company));
    }
    if !contact.job_title.is_empty() {
        property(&mut card, "TITLE", &escape(&contact.job_title));
    }
    if !contact.tags.is_empty() {
        let tags: Vec<String> = contact.tags.iter().map(|t| escape(t)).collect();
        property(&mut card, "CATEGORIES", &tags.join(","));
    }
    if !contact.notes.is_empty() {
        property(&mut card, "NOTE", &escape(&contact.notes));
    }
    card.push_str("END:VCARD\r\n");
    out.write_all(card.as_bytes())
}

fn adr(address: &PostalAddress) -> String {
    [
        "",
        "",
        &address.street,
        &address.city,
        &address.region,
        &address.postal_code,
        &address.country,
    ]
    .map(escape)
    .join(";")
}

fn vcard_type(kind: Kind, phone: bool) -> &'static str {
    match kind {
        Kind::Work => ";TYPE=work",
        Kind::Home => ";TYPE=home",
        Kind::Mobile if phone => ";TYPE=cell",
        Kind::Mobile => ";TYPE=x-mobile",
        Kind::Other => ";TYPE=x-other",
        Kind::Unstated => "",
    }
}

/// A text value escaped as vCard 4.0 asks (`\\`, `\,`, `\;`, line breaks as `\n`).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' | '\r' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// A property line folded at 75 bytes (never inside a character), each further line starting
/// with a space.
fn property(card: &mut String, name: &str, value: &str) {
    let line = format!("{name}:{value}");
    let mut width = 0;
    for c in line.chars() {
        let bytes = c.len_utf8();
        if width + bytes > 75 {
            card.push_str("\r\n ");
            width = 1;
        }
        card.push(c);
        width += bytes;
    }
    card.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be_and_formulas_are_guarded() {
        let mut line = String::new();
        for cell in [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            " padded",
            "=SUM(A1)",
            "@cmd",
            "-2+3",
            "+44 20 7946 0958",
            "-",
        ] {
            push_csv_cell(&mut line, cell);
            line.push('|');
        }
        assert_eq!(
            line,
            "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\" padded\"|\"'=SUM(A1)\"|\"'@cmd\"|\"'-2+3\"|+44 20 7946 0958|-|"
        );
    }

    #[test]
    fn long_vcard_lines_fold_at_75_bytes_between_characters() {
        let mut card = String::new();
        property(&mut card, "NOTE", &"é".repeat(100));
        for line in card.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} bytes", line.len());
        }
        let unfolded = card.replace("\r\n ", "");
        assert_eq!(unfolded, format!("NOTE:{}\r\n", "é".repeat(100)));
    }
}
