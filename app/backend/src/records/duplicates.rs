//! What finding duplicates shares between people and companies: rows that matched, each with
//! what it shares, gathered into the records an "Add" form shows ([`existing`]) or into the
//! pairs of the "Possible duplicates" page ([`pairs`]). Each feature's SQL finds its own rows.

use std::collections::{HashMap, HashSet};

use crm_core::duplicates::{DuplicatePair, MatchReason, PairSide};
use crm_core::forms::{Existing, FieldProblem};
use crm_core::records::Kind;

/// What an "Add" form that found no problem with its fields leads to.
#[derive(Debug)]
pub enum Added<Id> {
    /// The record is stored.
    New(Id),
    /// Nothing is stored: records already in the workspace hold what was typed. With no
    /// `problems` the member may add theirs anyway (the form sends back the ids it was shown);
    /// with some (a company's name, of which a workspace holds one) they must change a field.
    Exists {
        existing: Vec<Existing>,
        problems: Vec<FieldProblem>,
    },
}

/// How many matching records an "Add" form shows at most.
pub const EXISTING_SHOWN: usize = 5;

/// One stored record that shares something with another, or with what a form was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    pub id: String,
    pub title: String,
    pub reason: MatchReason,
}

/// The records a form shows before saving, one entry per record with every reason it matched
/// for, in the order first found, at most [`EXISTING_SHOWN`]; `acknowledged` ones (the member
/// has seen them and chose to add anyway) are left out.
pub fn existing(kind: Kind, matched: Vec<Matched>, acknowledged: &[String]) -> Vec<Existing> {
    let mut order: Vec<String> = Vec::new();
    let mut found: HashMap<String, (String, Vec<MatchReason>)> = HashMap::new();
    for row in matched {
        if acknowledged.contains(&row.id) {
            continue;
        }
        let entry = found.entry(row.id.clone()).or_insert_with(|| {
            order.push(row.id.clone());
            (row.title, Vec::new())
        });
        entry.1.push(row.reason);
    }
    order
        .into_iter()
        .take(EXISTING_SHOWN)
        .filter_map(|id| {
            let (title, reasons) = found.remove(&id)?;
            Some(Existing {
                href: kind.href(&id),
                id,
                title,
                why: MatchReason::phrases(&reasons),
            })
        })
        .collect()
}

/// The ids a form was sent back with after the member chose to add anyway, as typed in the
/// hidden field (separated by spaces); anything that is not an id is ignored.
pub fn acknowledged(raw: &str) -> Vec<String> {
    raw.split_whitespace()
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .take(EXISTING_SHOWN * 2)
        .map(str::to_owned)
        .collect()
}

/// A group of records sharing one value (an address, a key), the oldest first.
pub struct Group {
    pub reason: MatchReason,
    pub members: Vec<PairSide>,
}

/// Two ids as a pair is kept whichever way it was named: the one that sorts first, first.
pub fn in_order<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The pairs the page lists: in each group each record beside the oldest one it was not said
/// to differ from (`different`, each pair [`in_order`]; merged into it one after another, they
/// leave one), a pair found for several reasons once with all of them, in the order of the first
/// record's title; at most `shown`, and whether there were more.
pub fn pairs(
    kind: Kind,
    groups: Vec<Group>,
    different: &HashSet<(String, String)>,
    shown: usize,
) -> (Vec<DuplicatePair>, bool) {
    let differ = |a: &PairSide, b: &PairSide| {
        let (x, y) = in_order(&a.id, &b.id);
        different.contains(&(x.to_owned(), y.to_owned()))
    };
    let mut order: Vec<(String, String)> = Vec::new();
    let mut found: HashMap<(String, String), DuplicatePair> = HashMap::new();
    for group in groups {
        for (i, second) in group.members.iter().enumerate() {
            let Some(first) = group.members[..i]
                .iter()
                .find(|older| !differ(older, second))
            else {
                continue;
            };
            let key = (first.id.clone(), second.id.clone());
            let pair = found.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                DuplicatePair {
                    kind,
                    first: first.clone(),
                    second: second.clone(),
                    reasons: Vec::new(),
                }
            });
            if !pair.reasons.contains(&group.reason) {
                pair.reasons.push(group.reason);
                pair.reasons.sort();
            }
        }
    }
    let mut pairs: Vec<DuplicatePair> = order
        .into_iter()
        .filter_map(|key| found.remove(&key))
        .collect();
    pairs.sort_by(|a, b| {
        (a.first.title.to_lowercase(), &a.first.id, &a.second.id).cmp(&(
            b.first.title.to_lowercase(),
            &b.first.id,
            &b.second.id,
        ))
    });
    let more = pairs.len() > shown;
    pairs.truncate(shown);
    (pairs, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(id: &str, title: &str) -> PairSide {
        PairSide {
            id: id.to_owned(),
            title: title.to_owned(),
        }
    }

    #[test]
    fn a_record_found_for_two_reasons_is_shown_once_with_both() {
        let ada = "2a1f6c1e-0000-4000-8000-000000000001";
        let other = "2a1f6c1e-0000-4000-8000-000000000002";
        let matched = vec![
            Matched {
                id: ada.into(),
                title: "Ada Lovelace".into(),
                reason: MatchReason::Phone,
            },
            Matched {
                id: other.into(),
                title: "Ada L.".into(),
                reason: MatchReason::Phone,
            },
            Matched {
                id: ada.into(),
                title: "Ada Lovelace".into(),
                reason: MatchReason::Email,
            },
        ];
        let shown = existing(Kind::People, matched.clone(), &[]);
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].title, "Ada Lovelace");
        assert_eq!(shown[0].href, format!("/app/people/{ada}"));
        assert_eq!(
            shown[0].why,
            "the same e-mail address and the same phone number"
        );
        let after = existing(Kind::People, matched, &acknowledged(&format!("{ada} junk")));
        assert_eq!(after.len(), 1, "the acknowledged one is left out");
        assert_eq!(after[0].id, other);
    }

    #[test]
    fn each_group_pairs_its_oldest_with_every_other_and_a_pair_keeps_all_its_reasons() {
        let groups = vec![
            Group {
                reason: MatchReason::Email,
                members: vec![side("1", "Zoe"), side("2", "Zoe Z"), side("3", "Zoe")],
            },
            Group {
                reason: MatchReason::NameAndCompany,
                members: vec![side("1", "Zoe"), side("3", "Zoe")],
            },
            Group {
                reason: MatchReason::Phone,
                members: vec![side("4", "Alan"), side("5", "Alan T")],
            },
        ];
        let (pairs, more) = pairs(Kind::People, groups, &HashSet::new(), 10);
        assert!(!more);
        let listed: Vec<(&str, &str, String)> = pairs
            .iter()
            .map(|p| (p.first.id.as_str(), p.second.id.as_str(), p.because()))
            .collect();
        assert_eq!(
            listed,
            [
                ("4", "5", "Both have the same phone number.".to_owned()),
                ("1", "2", "Both have the same e-mail address.".to_owned()),
                (
                    "1",
                    "3",
                    "Both have the same e-mail address and the same name and company.".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_pair_said_to_differ_is_not_listed_and_each_other_record_pairs_with_the_oldest_it_may_be() {
        let group = || Group {
            reason: MatchReason::Email,
            members: vec![side("1", "Zoe"), side("3", "Zoe"), side("2", "Zoe")],
        };
        let listed = |different: &[(&str, &str)]| {
            let different: HashSet<(String, String)> = different
                .iter()
                .map(|(a, b)| {
                    let (a, b) = in_order(a, b);
                    (a.to_owned(), b.to_owned())
                })
                .collect();
            pairs(Kind::People, vec![group()], &different, 10)
                .0
                .into_iter()
                .map(|p| (p.first.id, p.second.id))
                .collect::<Vec<_>>()
        };
        let ids = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(&[]), ids(&[("1", "2"), ("1", "3")]));
        // Said either way round: the third pairs with the second oldest instead.
        assert_eq!(listed(&[("2", "1")]), ids(&[("1", "3"), ("3", "2")]));
        assert_eq!(listed(&[("1", "3"), ("1", "2")]), ids(&[("3", "2")]));
        assert_eq!(listed(&[("1", "3"), ("1", "2"), ("2", "3")]), ids(&[]));
    }

    #[test]
    fn pairs_beyond_those_shown_are_said_to_exist() {
        let groups = (0..4)
            .map(|i| Group {
                reason: MatchReason::Domain,
                members: vec![side(&format!("{i}a"), "A"), side(&format!("{i}b"), "A")],
            })
            .collect();
        let (pairs, more) = pairs(Kind::Companies, groups, &HashSet::new(), 3);
        assert_eq!(pairs.len(), 3);
        assert!(more);
    }
}
