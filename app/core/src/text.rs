//! Small text helpers that every kind of record shares: the lengths of its text fields, tags as
//! people type them, and query values in URLs.

/// The longest a name may be (of a person, a company, a deal).
pub const NAME_MAX_CHARS: usize = 100;
/// The longest a one-line text field may be (a job title, a source).
pub const TEXT_MAX_CHARS: usize = 200;
pub const TAGS_MAX_CHARS: usize = 500;
pub const TAG_MAX_CHARS: usize = 40;
pub const TAGS_MAX: usize = 20;

/// Splits "vip, newsletter" into tags: trimmed, empty ones dropped, duplicates once.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > TAG_MAX_CHARS {
            return Err(format!(
                "A tag can be at most {TAG_MAX_CHARS} characters long."
            ));
        }
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(format!("Use at most {TAGS_MAX} tags."));
    }
    Ok(tags)
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
            parse_tags(" vip, newsletter ,,vip ").unwrap(),
            vec!["vip".to_owned(), "newsletter".to_owned()]
        );
        assert!(parse_tags(&"x".repeat(41)).is_err());
    }

    #[test]
    fn query_values_keep_unreserved_characters_and_encode_the_rest() {
        assert_eq!(percent_encode("Ann & co-op_1.~"), "Ann%20%26%20co-op_1.~");
        assert_eq!(percent_encode("Müller"), "M%C3%BCller");
    }
}
