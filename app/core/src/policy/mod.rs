//! A policy document as structured content: a title, an effective date, and sections made of
//! paragraphs and lists. Parsed from the small text format of `app/content/*.md`, which is also
//! what `server policy publish FILE` reads:
//!
//! ```text
//! title: Privacy Policy
//! effective: 2018-05-25
//!
//! # Highlights
//!
//! - A list item.
//!
//! # 1. What Personal Data Do We Collect?
//!
//! A paragraph, on one line.
//! ```
//!
//! `{product}`, `{legal_name}`, `{privacy_email}`, `{street}` and `{city_line}` are replaced by the
//! company's details, so the text names the product once, in `company.rs`.

pub mod diff;

use serde::{Deserialize, Serialize};

use crate::product;
use crate::time::CalendarDate;

/// One block of text in a section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

/// A section with its heading and the anchor the table of contents links to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The anchor: `section-4` for "4. What Are Your Choices...", otherwise a slug of the heading.
    pub anchor: String,
    /// The section's number when its heading starts with one ("4. ...").
    pub number: Option<u32>,
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// A whole policy, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    pub title: String,
    /// The date from which this version applies, `YYYY-MM-DD`.
    pub effective: CalendarDate,
    pub sections: Vec<Section>,
}

/// Why a policy text could not be read; `line` is 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PolicyParseError {
    pub line: usize,
    pub message: String,
}

fn substitute(text: &str) -> String {
    text.replace("{product}", product::PRODUCT_NAME)
        .replace("{legal_name}", product::LEGAL_NAME)
        .replace("{privacy_email}", product::PRIVACY_EMAIL)
        .replace("{street}", product::STREET)
        .replace("{city_line}", product::CITY_LINE)
}

fn anchor_for(heading: &str, number: Option<u32>) -> String {
    if let Some(n) = number {
        return format!("section-{n}");
    }
    let slug: String = heading
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    slug.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// "4. What Are Your Choices" -> (Some(4), "What Are Your Choices"); also accepts "7 . Does".
fn split_number(heading: &str) -> (Option<u32>, String) {
    let digits: String = heading.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return (None, heading.to_owned());
    }
    let rest = heading[digits.len()..].trim_start();
    match (rest.strip_prefix('.'), digits.parse()) {
        (Some(rest), Ok(n)) => (Some(n), rest.trim().to_owned()),
        _ => (None, heading.to_owned()),
    }
}

impl PolicyDocument {
    pub const MAX_BYTES: usize = 512 * 1024;

    /// Reads the text format described in the module documentation.
    pub fn parse(text: &str) -> Result<Self, PolicyParseError> {
        let error = |line: usize, message: &str| PolicyParseError {
            line,
            message: message.to_owned(),
        };
        if text.len() > Self::MAX_BYTES {
            return Err(error(1, "the policy is larger than 512 KiB"));
        }
        let mut title = None;
        let mut effective = None;
        let mut sections: Vec<Section> = Vec::new();
        let mut list: Vec<String> = Vec::new();

        fn flush_list(sections: &mut [Section], list: &mut Vec<String>) {
            if !list.is_empty()
                && let Some(section) = sections.last_mut()
            {
                section.blocks.push(Block::List(std::mem::take(list)));
            }
        }

        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.trim();
            if line.chars().any(|c| c.is_control() && c != '\t') {
                return Err(error(line_no, "contains a control character"));
            }
            if line.is_empty() {
                flush_list(&mut sections, &mut list);
                continue;
            }
            if sections.is_empty() && !line.starts_with("# ") {
                if let Some(value) = line.strip_prefix("title:") {
                    title = Some(value.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("effective:") {
                    effective = Some(CalendarDate::parse(value).ok_or_else(|| {
                        error(
                            line_no,
                            "the effective date must be a real date, YYYY-MM-DD",
                        )
                    })?);
                } else {
                    return Err(error(
                        line_no,
                        "expected `title:`, `effective:` or a `# ` section heading before any text",
                    ));
                }
                continue;
            }
            if let Some(heading) = line.strip_prefix("# ") {
                flush_list(&mut sections, &mut list);
                let heading = substitute(heading.trim());
                if heading.is_empty() {
                    return Err(error(line_no, "a section heading is empty"));
                }
                let (number, heading) = split_number(&heading);
                let anchor = anchor_for(&heading, number);
                if sections.iter().any(|s| s.anchor == anchor) {
                    return Err(error(
                        line_no,
                        "two sections have the same heading or number",
                    ));
                }
                sections.push(Section {
                    anchor,
                    number,
                    heading,
                    blocks: Vec::new(),
                });
            } else if let Some(item) = line.strip_prefix("- ") {
                list.push(substitute(item.trim()));
            } else {
                flush_list(&mut sections, &mut list);
                let Some(section) = sections.last_mut() else {
                    return Err(error(line_no, "text before the first section heading"));
                };
                section.blocks.push(Block::Paragraph(substitute(line)));
            }
        }
        flush_list(&mut sections, &mut list);

        let title = title
            .filter(|t| !t.is_empty())
            .ok_or_else(|| error(1, "the `title:` line is missing"))?;
        let effective =
            effective.ok_or_else(|| error(1, "the `effective: YYYY-MM-DD` line is missing"))?;
        if sections.is_empty() {
            return Err(error(1, "the policy has no `# ` sections"));
        }
        if let Some(empty) = sections.iter().find(|s| s.blocks.is_empty()) {
            return Err(error(
                1,
                &format!("the section \"{}\" has no text", empty.heading),
            ));
        }
        Ok(Self {
            title,
            effective,
            sections,
        })
    }

    /// The numbered sections, for the table of contents.
    pub fn numbered_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| s.number.is_some())
    }

    /// Every sentence of the document in reading order, each with its section heading, for
    /// comparing versions.
    pub fn sentences(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for section in &self.sections {
            let heading = section.number.map_or_else(
                || section.heading.clone(),
                |n| format!("{n}. {}", section.heading),
            );
            for block in &section.blocks {
                let texts: Vec<&String> = match block {
                    Block::Paragraph(p) => vec![p],
                    Block::List(items) => items.iter().collect(),
                };
                for text in texts {
                    for sentence in split_sentences(text) {
                        out.push((heading.clone(), sentence));
                    }
                }
            }
        }
        out
    }
}

/// Splits text after `.`, `?` or `!` when a space and a capital letter, a quote or a parenthesis
/// follow. Good enough for policy prose; a few abbreviations ("U.S.", "Inc.", "St.") never end a
/// sentence, so "the U.S. Department" stays whole.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        current.push(c);
        let ends = matches!(c, '.' | '?' | '!')
            && chars.get(i + 1) == Some(&' ')
            && chars
                .get(i + 2)
                .is_some_and(|n| n.is_uppercase() || *n == '"' || *n == '(')
            && !ends_with_abbreviation(&current);
        if ends {
            sentences.push(current.trim().to_owned());
            current.clear();
            i += 1;
        }
        i += 1;
    }
    if !current.trim().is_empty() {
        sentences.push(current.trim().to_owned());
    }
    sentences
}

fn ends_with_abbreviation(text: &str) -> bool {
    const ABBREVIATIONS: [&str; 6] = ["U.S.", "e.g.", "i.e.", "Inc.", "St.", "No."];
    ABBREVIATIONS.iter().any(|a| text.ends_with(a))
}

/// A version as listed: its number, when it applies, and whether the change was significant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: i64,
    pub effective: CalendarDate,
    pub significant: bool,
    /// SHA-256 of the published text, hex.
    pub content_hash: String,
    /// Published, but its effective date has not come yet.
    pub upcoming: bool,
}

/// A version with its whole text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub summary: VersionSummary,
    pub document: PolicyDocument,
}

/// Two versions and what changed between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub from: VersionSummary,
    pub to: VersionSummary,
    pub diff: diff::PolicyDiff,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = include_str!("../../../content/privacy-policy-2018-05-25.md");

    #[test]
    fn the_2018_policy_parses_with_highlights_and_all_eleven_sections() {
        let policy = PolicyDocument::parse(ORIGINAL).expect("the seeded policy is valid");
        assert_eq!(policy.title, "Privacy Policy");
        assert_eq!(policy.effective.to_string(), "2018-05-25");
        assert_eq!(policy.effective.long(), "May 25, 2018");
        assert_eq!(policy.sections[0].heading, "Highlights");
        let numbers: Vec<u32> = policy
            .numbered_sections()
            .filter_map(|s| s.number)
            .collect();
        assert_eq!(numbers, (1..=11).collect::<Vec<_>>());
        let choices = policy
            .sections
            .iter()
            .find(|s| s.number == Some(4))
            .expect("section 4");
        assert_eq!(choices.anchor, "section-4");
        assert_eq!(
            choices.heading,
            "What Are Your Choices Regarding Your Personal Data?"
        );
    }

    #[test]
    fn company_placeholders_are_replaced_everywhere() {
        let policy = PolicyDocument::parse(ORIGINAL).expect("valid");
        let all: String = policy.sentences().into_iter().map(|(_, s)| s).collect();
        assert!(!all.contains('{'), "an unreplaced placeholder is left");
        assert!(all.contains(product::PRIVACY_EMAIL));
        assert!(all.contains(product::LEGAL_NAME));
        assert!(
            !all.contains("Copper"),
            "the policy names this product, not the original company"
        );
    }

    #[test]
    fn lists_and_paragraphs_are_kept_apart() {
        let policy = PolicyDocument::parse(ORIGINAL).expect("valid");
        let uses = policy
            .sections
            .iter()
            .find(|s| s.number == Some(2))
            .expect("section 2");
        assert!(matches!(&uses.blocks[0], Block::Paragraph(_)));
        match &uses.blocks[2] {
            Block::List(items) => assert_eq!(items.len(), 20),
            other => panic!("expected the list of uses, got {other:?}"),
        }
    }

    #[test]
    fn malformed_policies_are_refused_with_the_line_and_the_reason() {
        let cases = [
            ("effective: 2018-05-25\n\n# A\n\nText.", "title"),
            ("title: T\n\n# A\n\nText.", "effective"),
            (
                "title: T\neffective: 2018-02-30\n\n# A\n\nText.",
                "real date",
            ),
            ("title: T\neffective: 2018-05-25\n", "no `# ` sections"),
            (
                "title: T\neffective: 2018-05-25\nStray text\n# A\n\nText.",
                "before any text",
            ),
            (
                "title: T\neffective: 2018-05-25\n\n# A\n\n# B\n\nText.",
                "has no text",
            ),
            (
                "title: T\neffective: 2018-05-25\n\n# 1. A\n\nx\n\n# 1. B\n\ny",
                "same heading",
            ),
        ];
        for (text, expected) in cases {
            let error = PolicyDocument::parse(text).unwrap_err();
            assert!(error.to_string().contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn sentences_split_after_full_stops_but_not_after_abbreviations() {
        let sentences = split_sentences(
            "We help. To learn more, visit the U.S. Department of Commerce's list. Done? Yes.",
        );
        assert_eq!(
            sentences,
            vec![
                "We help.",
                "To learn more, visit the U.S. Department of Commerce's list.",
                "Done?",
                "Yes."
            ]
        );
    }
}
