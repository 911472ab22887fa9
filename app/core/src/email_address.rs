//! E-mail addresses, parsed once where they enter the system.
//!
//! The rules are deliberately practical rather than the whole of RFC 5322: what a person types
//! into a form and what a mail relay will accept. Quoted local parts and IP-literal domains are
//! refused; internationalised domains are accepted.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A syntactically valid e-mail address, trimmed, with the ASCII letters of its domain in lower
/// case.
///
/// Non-ASCII letters in a domain are accepted as they are, without Unicode tables: this code also
/// runs in the browser, where every table would be shipped to every visitor.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest address a mail system must accept (RFC 5321's path limit).
    pub const MAX_CHARS: usize = 254;

    /// Parses what a person typed. The error says how to fix it, without naming a field.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const EXAMPLE: &str = "Enter an e-mail address like name@example.com.";
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("Enter an e-mail address.");
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err("An e-mail address can be at most 254 characters long.");
        }
        let Some((local, domain)) = raw.rsplit_once('@') else {
            return Err(EXAMPLE);
        };
        if !valid_local_part(local) || !valid_domain(domain) {
            return Err(EXAMPLE);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
    };
    let top = labels[labels.len() - 1];
    labels.iter().all(label_ok)
        && (top.starts_with("xn--")
            || (top.chars().count() >= 2
                && top
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || !c.is_ascii())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_their_domain_lower_cased() {
        let email = EmailAddress::parse("  Ada.Lovelace+crm@Example.CO.uk ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace+crm@example.co.uk");
        assert_eq!(email.domain(), "example.co.uk");
        assert!(EmailAddress::parse("o'brien@bücher.de").is_ok());
        assert!(EmailAddress::parse("x@xn--bcher-kva.example").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused_with_an_example() {
        for raw in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada lovelace@example.com",
            "ada@exa mple.com",
            ".ada@example.com",
            "ada.@example.com",
            "a..da@example.com",
            "ada@-example.com",
            "ada@example.c0m",
            "ada@example..com",
            "ada@example.com\r\nBcc: victim@example.com",
            "\"ada\"@example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(raw),
                Err("Enter an e-mail address like name@example.com."),
                "{raw:?} should be refused"
            );
        }
    }

    #[test]
    fn empty_and_overlong_addresses_get_their_own_messages() {
        assert_eq!(EmailAddress::parse("   "), Err("Enter an e-mail address."));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            EmailAddress::parse(&long),
            Err("An e-mail address can be at most 254 characters long.")
        );
    }
}
