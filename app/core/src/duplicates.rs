//! Records that may be the same person or company twice: why two match, and the "Possible
//! duplicates" page (`/app/duplicates`) that lists such pairs in a workspace.

use serde::{Deserialize, Serialize};

use crate::records::Kind;

/// Why two records may be one: what they share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MatchReason {
    /// An e-mail address (the main one or a further one), without regard to case.
    Email,
    /// A phone number, compared in E.164 whichever way it was typed.
    Phone,
    /// A person's first and last names and their company, folded ("Müller" is "muller"); two
    /// people without a company and of the same name match too.
    NameAndCompany,
    /// A company's web domain.
    Domain,
    /// A company's name, folded (only ever the one asked about: a workspace holds one company
    /// of each name).
    Name,
}

impl MatchReason {
    /// "the same e-mail address": what the two share, as a sentence ends.
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Email => "the same e-mail address",
            Self::Phone => "the same phone number",
            Self::NameAndCompany => "the same name and company",
            Self::Domain => "the same web domain",
            Self::Name => "the same name",
        }
    }

    /// "the same e-mail address and the same phone number": every reason, in this order.
    pub fn phrases(reasons: &[Self]) -> String {
        let mut reasons = reasons.to_vec();
        reasons.sort();
        reasons.dedup();
        let phrases: Vec<&str> = reasons.iter().map(|reason| reason.phrase()).collect();
        match phrases.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// One of the two records of a pair, as the page names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairSide {
    pub id: String,
    /// "Ada Lovelace at Analytical Engines", "Analytical Engines (analytical.example)".
    pub title: String,
}

/// Two records that may be one, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatePair {
    pub kind: Kind,
    /// The one added first.
    pub first: PairSide,
    pub second: PairSide,
    pub reasons: Vec<MatchReason>,
}

impl DuplicatePair {
    /// "Both have the same e-mail address and the same phone number."
    pub fn because(&self) -> String {
        format!("Both have {}.", MatchReason::phrases(&self.reasons))
    }
}

/// The "Possible duplicates" page: the pairs of people and of companies, the first
/// [`DuplicatesPage::SHOWN`] of each kind (`more` says there are others).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatesPage {
    pub people: Vec<DuplicatePair>,
    pub more_people: bool,
    pub companies: Vec<DuplicatePair>,
    pub more_companies: bool,
}

impl DuplicatesPage {
    /// How many pairs of each kind the page shows.
    pub const SHOWN: usize = 50;
}

/// Which of the two records a field's value is taken from when they are merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MergeSide {
    /// The record that stays (the survivor).
    Kept,
    /// The record merged into it, which goes.
    Merged,
}

/// One choice of the merge page: a field on which the two differ (with its type, where it has
/// one), both values as shown, and the one chosen first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeChoice {
    /// The form field's name ("email").
    pub name: String,
    pub label: String,
    pub kept: String,
    pub merged: String,
    pub chosen: MergeSide,
}

/// The merge page (`/app/people/merge?keep=…&merge=…`, `/app/companies/merge?…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergePage {
    pub kind: Kind,
    pub kept: PairSide,
    pub merged: PairSide,
    /// The versions shown: a merge of either changed since is refused.
    pub kept_version: i64,
    pub merged_version: i64,
    pub choices: Vec<MergeChoice>,
    /// What moves from the merged record to the survivor ("3 notes", "1 opportunity").
    pub moves: Vec<String>,
}

/// The merge form as posted: the two records, the versions the page showed, and for each
/// choice (`first_name`, `email`, …) `kept` or `merged` (absent: the survivor's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MergeFields {
    pub keep: String,
    pub merge: String,
    pub kept_version: String,
    pub merged_version: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub company_name: String,
    pub email: String,
    pub phone: String,
    pub owner: String,
    pub source: String,
    pub lawful_basis: String,
    pub marketing_permission: String,
    /// A company's choices (`phone` and `owner` are shared with people's).
    pub name: String,
    pub domain: String,
    pub address: String,
}

impl MergeFields {
    /// The side chosen for the choice named `name`.
    pub fn choice(&self, name: &str) -> MergeSide {
        let value = match name {
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "job_title" => &self.job_title,
            "company_name" => &self.company_name,
            "email" => &self.email,
            "phone" => &self.phone,
            "owner" => &self.owner,
            "source" => &self.source,
            "lawful_basis" => &self.lawful_basis,
            "marketing_permission" => &self.marketing_permission,
            "name" => &self.name,
            "domain" => &self.domain,
            "address" => &self.address,
            _ => "",
        };
        if value == "merged" {
            MergeSide::Merged
        } else {
            MergeSide::Kept
        }
    }
}

/// A merge into a record that can still be undone, for the record's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeNotice {
    pub id: String,
    /// The name of the record merged into this one.
    pub merged_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_said_once_each_in_a_fixed_order() {
        assert_eq!(MatchReason::phrases(&[]), "");
        assert_eq!(
            MatchReason::phrases(&[MatchReason::Phone]),
            "the same phone number"
        );
        assert_eq!(
            MatchReason::phrases(&[MatchReason::Phone, MatchReason::Email, MatchReason::Phone]),
            "the same e-mail address and the same phone number"
        );
        assert_eq!(
            MatchReason::phrases(&[
                MatchReason::NameAndCompany,
                MatchReason::Phone,
                MatchReason::Email
            ]),
            "the same e-mail address, the same phone number and the same name and company"
        );
    }

    #[test]
    fn a_merge_takes_the_survivors_value_unless_the_other_is_chosen() {
        let fields = MergeFields {
            email: "merged".to_owned(),
            phone: "kept".to_owned(),
            first_name: "anything else".to_owned(),
            ..MergeFields::default()
        };
        assert_eq!(fields.choice("email"), MergeSide::Merged);
        assert_eq!(fields.choice("phone"), MergeSide::Kept);
        assert_eq!(fields.choice("first_name"), MergeSide::Kept);
        assert_eq!(fields.choice("last_name"), MergeSide::Kept);
        assert_eq!(fields.choice("no such choice"), MergeSide::Kept);
    }

    #[test]
    fn a_pair_says_what_both_share() {
        let side = |id: &str| PairSide {
            id: id.to_owned(),
            title: "Ada Lovelace".to_owned(),
        };
        let pair = DuplicatePair {
            kind: Kind::People,
            first: side("a"),
            second: side("b"),
            reasons: vec![MatchReason::Email],
        };
        assert_eq!(pair.because(), "Both have the same e-mail address.");
    }
}
