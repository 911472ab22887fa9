//! Small text helpers that every kind of record shares: the lengths of its text fields, tags as
//! people type them, and query values in URLs.

/// The longest a name may be (of a person, a company, a deal).
pub const NAME_MAX_CHARS: usize = 100;
/// The longest a one-line text field may be (a job title, a source).
pub const TEXT_MAX_CHARS: usize = 200;
pub const TAGS_MAX_CHARS: usize = 500;
pub const TAG_MAX_CHARS: usize = 40;
pub const TAGS_MAX: usize = 20;

/// Splits "vip, newsletter" into tags: trimmed, empty ones dropped, duplicates (in any case)
/// once.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > TAG_MAX_CHARS {
            return Err(format!(
                "A tag can be at most {TAG_MAX_CHARS} characters long."
            ));
        }
        // Tags compare without regard to case: the first spelling typed is kept.
        if !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(format!("Use at most {TAGS_MAX} tags."));
    }
    Ok(tags)
}

/// Text as the search boxes compare it, stored and asked alike: lower case, with accents and
/// other marks taken off ("Müller" is "muller", "José" is "jose", "Ångström" is "angstrom"), and
/// the letters that have no mark to take off written as people type them without it ("Straße" is
/// "strasse", "Łódź" is "lodz", "Søren" is "soren", "Æsir" is "aesir").
///
/// Server only: the numbering of these marks is too large a table for the browser.
#[cfg(feature = "server")]
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;

    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        for lower in c.to_lowercase() {
            match lower {
                'ß' => folded.push_str("ss"),
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'þ' => folded.push_str("th"),
                'ø' => folded.push('o'),
                'ł' => folded.push('l'),
                'đ' | 'ð' => folded.push('d'),
                'ı' => folded.push('i'),
                other if !is_combining_mark(other) => folded.push(other),
                _ => {}
            }
        }
    }
    folded
}

/// The non-empty `parts` folded ([`fold`]) and joined by spaces: a record's search text.
#[cfg(feature = "server")]
pub fn fold_words(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| fold(part))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_deduplicated_and_empty_ones_dropped() {
        assert_eq!(
            parse_tags(" vip, newsletter ,,VIP ").unwrap(),
            vec!["vip".to_owned(), "newsletter".to_owned()]
        );
        assert!(parse_tags(&"x".repeat(41)).is_err());
    }

    #[cfg(feature = "server")]
    #[test]
    fn search_text_is_folded_to_lower_case_without_accents_as_people_type_it() {
        for (written, typed) in [
            ("Müller", "muller"),
            ("José", "jose"),
            ("ÅNGSTRÖM", "angstrom"),
            ("Straße", "strasse"),
            ("Łódź", "lodz"),
            ("Søren Kierkegaard", "soren kierkegaard"),
            ("Æsir", "aesir"),
            ("Œuvre", "oeuvre"),
            ("Þór", "thor"),
            ("Đorđe", "dorde"),
            ("İstanbul", "istanbul"),
            ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
            // Already decomposed, as some systems send it: the same.
            ("Jose\u{301}", "jose"),
            ("ada@example.com +44 20", "ada@example.com +44 20"),
            // Scripts without these marks keep their letters, in lower case.
            ("Ελένη", "ελενη"),
            ("Пётр", "петр"),
            ("東京", "東京"),
        ] {
            assert_eq!(fold(written), typed, "{written}");
        }
        assert_eq!(fold_words(&["Zoë", "", "Brontë & Co"]), "zoe bronte & co");
    }

    #[test]
    fn query_values_keep_unreserved_characters_and_encode_the_rest() {
        assert_eq!(percent_encode("Ann & co-op_1.~"), "Ann%20%26%20co-op_1.~");
        assert_eq!(percent_encode("Müller"), "M%C3%BCller");
    }
}
