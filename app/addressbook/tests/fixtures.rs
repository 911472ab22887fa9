//! vCard files exported by real address books (`tests/data`): every card is read, and each
//! field the product keeps comes out as the file meant it.

use std::fs::File;

use crm_addressbook::text::{Lines, detect};
use crm_addressbook::vcard::Cards;
use crm_addressbook::{Contact, Kind, Typed};

fn cards(name: &str) -> Vec<Contact> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut file = File::open(&path).expect("the test file is there");
    let encoding = detect(&mut file).expect("readable");
    let mut cards = Cards::new(Lines::new(file, encoding));
    let mut all = Vec::new();
    while let Some(card) = cards.next_card().expect("readable") {
        all.push(card.unwrap_or_else(|rejected| panic!("{name}: {rejected:?}")));
    }
    all
}

fn typed(list: &[Typed]) -> Vec<(&str, Kind)> {
    list.iter().map(|t| (t.value.as_str(), t.kind)).collect()
}

#[test]
fn outlook_2_1_card_gives_names_typed_phones_both_addresses_and_the_mistyped_address_as_written() {
    let all = cards("John_Doe_MS_OUTLOOK.vcf");
    assert_eq!(all.len(), 1);
    let john = &all[0];
    assert_eq!(
        john.first_and_last(),
        ("John Richter James".into(), "Doe".into())
    );
    assert_eq!((john.prefix.as_str(), john.suffix.as_str()), ("Mr.", "Sr."));
    assert_eq!(typed(&john.emails), [("john.doe@ibm.cm", Kind::Unstated)]);
    assert_eq!(
        typed(&john.phones),
        [
            ("(905) 555-1234", Kind::Work),
            ("(905) 666-1234", Kind::Home)
        ]
    );
    assert_eq!(john.addresses.len(), 2);
    assert_eq!(john.addresses[0].kind, Kind::Work);
    assert_eq!(john.addresses[0].street, "Cresent moon drive");
    assert_eq!(john.addresses[0].city, "Albaney");
    assert_eq!(john.addresses[1].kind, Kind::Home);
    assert_eq!(john.addresses[1].country, "United States of America");
    assert_eq!(
        (john.company.as_str(), john.job_title.as_str()),
        ("IBM", "Money Counter")
    );
    assert!(
        john.notes
            .starts_with("THIS SOFTWARE IS PROVIDED BY GEORGE EL-HADDAD")
    );
}

#[test]
fn android_2_1_cards_are_all_read_with_quoted_printable_names_and_soft_breaks() {
    let all = cards("John_Doe_ANDROID.vcf");
    assert_eq!(all.len(), 6);
    assert_eq!(
        typed(&all[0].emails),
        [("john.doe@company.com", Kind::Unstated)]
    );
    assert!(
        all[0].tags.is_empty(),
        "'My Contacts' holds every contact: not a tag"
    );
    assert_eq!(all[1].emails[0].value, "jane.doe@company.com");
    assert_eq!(all[2].family_name, "Ñ Ñ Ñ Ñ");
    assert_eq!(typed(&all[2].phones), [("123456789", Kind::Mobile)]);
    // A name quoted-printable over two lines (a soft line break).
    assert_eq!(all[3].family_name, ["Ñ"; 11].join(" "));
    assert_eq!(all[3].phones.len(), 4);
    assert!(
        all[3].notes.contains("\n\n"),
        "two notes, one after the other"
    );
    assert_eq!(all[4].first_and_last(), ("Ñ Ñ Ñ".into(), "Ñ Ñ".into()));
    assert_eq!(
        typed(&all[4].phones),
        [
            ("123456", Kind::Mobile),
            ("123456", Kind::Work),
            ("123456", Kind::Other)
        ]
    );
    assert_eq!(
        all[4].emails[0],
        Typed {
            value: "bob@company.com".into(),
            kind: Kind::Work
        }
    );
    // A soft line break before a blank line ends the value.
    assert_eq!(all[5].company, "Ñ".repeat(44));
    assert_eq!(all[5].emails[0].value, "henry@company.com");
    let lines: Vec<usize> = all.iter().map(|c| c.line).collect();
    assert_eq!(lines, [1, 6, 11, 18, 36, 71]);
}

#[test]
fn blackberry_card_skips_its_photo() {
    let all = cards("John_Doe_BLACK_BERRY.vcf");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].first_and_last(), ("john".into(), "Doe".into()));
    assert_eq!(all[0].company, "Acme Solutions");
    assert_eq!(typed(&all[0].phones), [("+96123456789", Kind::Mobile)]);
    assert!(all[0].notes.is_empty());
}

#[test]
fn evolution_card_unfolds_long_lines_and_reads_escaped_commas() {
    let all = cards("John_Doe_EVOLUTION.vcf");
    assert_eq!(all.len(), 1);
    let john = &all[0];
    assert_eq!(john.middle_name, "Richter, James");
    assert_eq!(
        typed(&john.phones),
        [("905-666-1234", Kind::Mobile), ("905-555-1234", Kind::Work)]
    );
    assert_eq!(john.tags, ["VIP"]);
    assert!(
        john.notes
            .contains("WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED"),
        "{}",
        john.notes
    );
    assert!(john.notes.contains("SERVICES; LOSS OF USE"));
}

#[test]
fn gmail_card_reads_a_folded_address_with_line_breaks() {
    let all = cards("John_Doe_GMAIL.vcf");
    assert_eq!(all.len(), 1);
    let john = &all[0];
    assert_eq!(typed(&john.emails), [("john.doe@ibm.com", Kind::Home)]);
    assert_eq!(john.addresses.len(), 1);
    assert_eq!(
        john.addresses[0].street,
        "Crescent moon drive\n555-asd\nNice Area, Albaney, New York 12345\nUnited States of America"
    );
    assert!(
        john.notes.ends_with("SUCH DAMAGE.\nFavotire Color: Blue"),
        "{}",
        john.notes
    );
}

#[test]
fn iphone_card_with_doubled_line_ends_groups_and_a_large_photo_is_read() {
    let all = cards("John_Doe_IPHONE.vcf");
    assert_eq!(all.len(), 1);
    let john = &all[0];
    assert_eq!(john.middle_name, "Richter James");
    assert_eq!(john.company, "IBM");
    assert_eq!(john.emails[0].value, "john.doe@ibm.com");
    assert_eq!(john.phones.len(), 7);
    // "item2.TEL" labelled AssistantPhone.
    assert_eq!(typed(&john.phones[6..]), [("905-222-1234", Kind::Other)]);
    assert_eq!(john.addresses.len(), 2);
    assert_eq!(john.addresses[1].street, "Street4\nBuilding 6\nFloor 8");
    assert_eq!(john.addresses[1].kind, Kind::Work);
}

#[test]
fn lotus_notes_and_mac_cards_are_read() {
    let lotus = cards("John_Doe_LOTUS_NOTES.vcf");
    assert_eq!(lotus.len(), 1);
    assert_eq!(
        typed(&lotus[0].emails),
        [
            ("john.doe@ibm.com", Kind::Work),
            ("billy_bob@gmail.com", Kind::Work)
        ]
    );
    assert_eq!(lotus[0].phones[0].value, "+1 (212) 204-34456");
    assert_eq!(lotus[0].addresses[0].postal_code, "NYC887");
    let mac = cards("John_Doe_MAC_ADDRESS_BOOK.vcf");
    assert_eq!(mac.len(), 1);
    assert_eq!(mac[0].middle_name, "Richter,James");
    assert_eq!(mac[0].phones.len(), 7);
    assert_eq!(mac[0].addresses[0].street, "Silicon Alley 5,");
}
