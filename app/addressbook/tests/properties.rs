//! Property tests of the readers: any bytes in, no panic and rows in file order; every row or
//! card written is read back equal, in every encoding, delimiter and line end a file may have.

use std::io::Cursor;

use crm_addressbook::columns::Mapping;
use crm_addressbook::csv::{Row, Table};
use crm_addressbook::text::{Lines, detect};
use crm_addressbook::vcard::Cards;
use crm_addressbook::write::{CsvLayout, CsvWriter, vcard};
use crm_addressbook::{Contact, Kind, PostalAddress, Rejected, Typed};
use proptest::prelude::*;

/// The headers and each row, or why it was rejected.
type Read = (Vec<String>, Vec<Result<Row, Rejected>>);

fn rows_of(bytes: &[u8]) -> Option<Read> {
    let mut file = Cursor::new(bytes.to_vec());
    let encoding = detect(&mut file).expect("in memory");
    let mut table = Table::open(Lines::new(file, encoding))
        .expect("in memory")
        .ok()?;
    let mut rows = Vec::new();
    while let Some(row) = table.next_row().expect("in memory") {
        rows.push(row);
    }
    Some((table.headers().to_vec(), rows))
}

fn cards_of(bytes: &[u8]) -> Vec<Result<Contact, Rejected>> {
    let mut file = Cursor::new(bytes.to_vec());
    let encoding = detect(&mut file).expect("in memory");
    let mut cards = Cards::new(Lines::new(file, encoding));
    let mut all = Vec::new();
    while let Some(card) = cards.next_card().expect("in memory") {
        all.push(card);
    }
    all
}

fn line_of<T>(item: &Result<T, Rejected>, line: impl Fn(&T) -> usize) -> usize {
    match item {
        Ok(ok) => line(ok),
        Err(rejected) => rejected.line,
    }
}

/// Bytes that look a little like the files: delimiters, quotes, line ends, vCard words.
fn file_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b" ".to_vec()),
        Just(b"=".to_vec()),
        Just(b"=C3=A9".to_vec()),
        Just(b"BEGIN:VCARD\r\n".to_vec()),
        Just(b"END:VCARD\r\n".to_vec()),
        Just(b"N:a;b;c;;\r\n".to_vec()),
        Just(b"TEL;CELL:1\r\n".to_vec()),
        Just(b"item1.X-ABLabel:x\r\n".to_vec()),
        Just(b"ENCODING=QUOTED-PRINTABLE:".to_vec()),
        Just(b"AGENT:\r\n".to_vec()),
        Just(b"sep=;\n".to_vec()),
        Just(b"\\".to_vec()),
        Just(vec![0xff, 0xfe]),
        Just(vec![0xef, 0xbb, 0xbf]),
        Just(vec![0]),
        Just("é".as_bytes().to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
        "[a-zA-Z0-9@.]{1,8}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(pieces, 0..200).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_read_as_csv_never_panic_and_rows_come_in_file_order(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        file_like_bytes(),
    ]) {
        if let Some((headers, rows)) = rows_of(&bytes) {
            let mut last = 0;
            for row in &rows {
                let line = line_of(row, |r| r.line);
                prop_assert!(line > last, "line {line} after {last}");
                last = line;
                if let Ok(row) = row {
                    prop_assert_eq!(row.cells.len(), headers.len());
                }
            }
        }
    }

    #[test]
    fn any_bytes_read_as_vcard_never_panic_and_cards_come_in_file_order(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        file_like_bytes(),
    ]) {
        let mut last = 0;
        for card in cards_of(&bytes) {
            let line = line_of(&card, |c| c.line);
            prop_assert!(line > last, "line {line} after {last}");
            last = line;
        }
    }
}

/// How a test file is encoded.
#[derive(Clone, Copy, Debug)]
enum Written {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

fn encode(text: &str, written: Written) -> Vec<u8> {
    let utf16 = |big: bool| {
        let mut bytes = Vec::new();
        for unit in std::iter::once(0xFEFF).chain(text.encode_utf16()) {
            bytes.extend_from_slice(&if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    };
    match written {
        Written::Utf8 => text.as_bytes().to_vec(),
        Written::Utf8Bom => [&[0xef, 0xbb, 0xbf][..], text.as_bytes()].concat(),
        Written::Utf16Le => utf16(false),
        Written::Utf16Be => utf16(true),
        Written::Windows1252 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            assert!(
                !unmappable,
                "the generator keeps to Windows-1252's characters"
            );
            bytes.into_owned()
        }
    }
}

/// A cell's text: letters people's names have (accents, the euro sign, all in Windows-1252),
/// the delimiters, quotes, a line break, spaces, and the characters that start formulas.
fn cell() -> impl Strategy<Value = String> {
    "[a-zA-Zéüß€ ,;\t\"\n'=+@.-]{0,12}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_row_written_is_read_back_equal_in_every_encoding_delimiter_and_line_end(
        columns in 1usize..6,
        rows in prop::collection::vec(prop::collection::vec(cell(), 6), 1..30),
        firsts in prop::collection::vec("[a-zA-Zé€]{1,6}", 30),
        delimiter in prop::sample::select(vec![',', ';', '\t']),
        crlf in any::<bool>(),
        written in prop::sample::select(vec![Written::Utf8, Written::Utf8Bom, Written::Utf16Le, Written::Utf16Be, Written::Windows1252]),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let headers: Vec<String> = (0..columns).map(|i| format!("Column{i}")).collect();
        // Each row's first cell is not blank (a row of blank cells is passed over).
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .zip(firsts)
            .map(|(mut row, first)| {
                row.truncate(columns);
                row[0] = first;
                row
            })
            .collect();
        let quote = |cell: &str| {
            if cell.contains([',', ';', '\t', '"', '\n']) || cell.starts_with('"') {
                format!("\"{}\"", cell.replace('"', "\"\"").replace('\n', end))
            } else {
                cell.to_owned()
            }
        };
        let mut text = headers.join(&delimiter.to_string());
        text.push_str(end);
        for row in &rows {
            let cells: Vec<String> = row.iter().map(|c| quote(c)).collect();
            text.push_str(&cells.join(&delimiter.to_string()));
            text.push_str(end);
        }
        let bytes = encode(&text, written);
        // Windows-1252 bytes that happen to be valid UTF-8 ("é€€" is E9 80 80, which UTF-8
        // reads as one character) cannot be told from UTF-8, and are read as UTF-8.
        prop_assume!(!matches!(written, Written::Windows1252) || std::str::from_utf8(&bytes).is_err());
        let (read_headers, read) = rows_of(&bytes).expect("a table");
        prop_assert_eq!(read_headers, headers);
        let read: Vec<Vec<String>> = read
            .into_iter()
            .map(|row| row.map(|r| r.cells).map_err(|e| e.reason))
            .collect::<Result<_, _>>()
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(read, rows);
    }
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Zé€ ,;:\\\\'\"=+@-]{0,10}".prop_map(|s| s.trim().to_owned())
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Zé]{1,8}"
}

fn kind(phone: bool) -> impl Strategy<Value = Kind> {
    let mut kinds = vec![Kind::Work, Kind::Home, Kind::Other, Kind::Unstated];
    if phone {
        kinds.push(Kind::Mobile);
    }
    prop::sample::select(kinds)
}

fn contact() -> impl Strategy<Value = Contact> {
    let names = (word(), text(), word(), text(), text());
    let reach = (
        prop::collection::vec(("[a-z.]{1,8}@[a-z]{1,8}\\.example", kind(false)), 0..3),
        prop::collection::vec(("\\+[1-9][0-9]{6,12}", kind(true)), 0..3),
    );
    let address = (
        kind(false),
        word(),
        text(),
        text(),
        "[A-Z0-9 ]{0,8}",
        text(),
    )
        .prop_map(
            |(kind, street, city, region, postal_code, country)| PostalAddress {
                kind,
                street,
                city,
                region,
                postal_code: postal_code.trim().to_owned(),
                country,
            },
        );
    let rest = (
        prop::collection::vec(address, 0..3),
        text(),
        text(),
        prop::collection::btree_set("[a-z]{1,6}", 0..4),
        "[a-zA-Z .,;\n]{0,40}",
    );
    (names, reach, rest).prop_map(
        |(
            (given, middle, family, prefix, suffix),
            (emails, phones),
            (addresses, company, job_title, tags, notes),
        )| {
            let typed = |list: Vec<(String, Kind)>| {
                list.into_iter()
                    .map(|(value, kind)| Typed { value, kind })
                    .collect()
            };
            Contact {
                line: 0,
                full_name: String::new(),
                given_name: given,
                middle_name: middle,
                family_name: family,
                prefix,
                suffix,
                emails: typed(emails),
                phones: typed(phones),
                addresses,
                company,
                job_title,
                tags: tags.into_iter().collect(),
                notes: notes.trim().to_owned(),
            }
        },
    )
}

/// A contact as it reads back: the line it was found on and its whole name are the file's.
fn comparable(mut contact: Contact) -> Contact {
    contact.line = 0;
    contact.full_name = String::new();
    contact
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn contacts_written_as_vcard_are_read_back_equal(contacts in prop::collection::vec(contact(), 1..8)) {
        let mut file = Vec::new();
        for contact in &contacts {
            vcard(&mut file, contact).expect("in memory");
        }
        let read: Vec<Contact> = cards_of(&file)
            .into_iter()
            .map(|card| card.map(comparable).map_err(|e| e.reason))
            .collect::<Result<_, _>>()
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(read, contacts);
    }

    #[test]
    fn contacts_written_as_csv_are_read_back_equal_through_the_guessed_mapping(contacts in prop::collection::vec(contact(), 1..8)) {
        let layout = CsvLayout { emails: 3, phones: 3, addresses: 3 };
        let mut writer = CsvWriter::new(Vec::new(), layout, &[]).expect("in memory");
        for contact in &contacts {
            writer.row(contact, &[]).expect("in memory");
        }
        let file = writer.into_inner();
        let (headers, rows) = rows_of(&file).expect("a table");
        let mapping = Mapping::guess(&headers);
        prop_assert!(!mapping.as_strings().iter().any(|f| f == "skip"), "{:?}", mapping.as_strings());
        let read: Vec<Contact> = rows
            .into_iter()
            .map(|row| row.map(|r| comparable(mapping.contact(&r))).map_err(|e| e.reason))
            .collect::<Result<_, _>>()
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(read, contacts);
    }
}
