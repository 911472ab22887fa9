//! What changed between two versions of a policy, sentence by sentence.

use serde::{Deserialize, Serialize};

use super::PolicyDocument;

/// Whether a sentence was kept, added or removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// One sentence of the comparison, under the heading of the section it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub heading: String,
    pub change: Change,
    pub text: String,
}

/// A section that has at least one change, with every sentence of it in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionChanges {
    pub heading: String,
    pub lines: Vec<DiffLine>,
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDiff {
    pub added: usize,
    pub removed: usize,
    /// Only the sections where something changed.
    pub sections: Vec<SectionChanges>,
}

/// Compares two versions with a longest-common-subsequence over their sentences (a sentence that
/// moved to another section counts as removed there and added here).
pub fn compare(old: &PolicyDocument, new: &PolicyDocument) -> PolicyDiff {
    let a = old.sentences();
    let b = new.sentences();
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut lines = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            lines.push(line(&b[j], Change::Same));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            lines.push(line(&b[j], Change::Added));
            j += 1;
        } else {
            lines.push(line(&a[i], Change::Removed));
            i += 1;
        }
    }

    let added = lines.iter().filter(|l| l.change == Change::Added).count();
    let removed = lines.iter().filter(|l| l.change == Change::Removed).count();
    let mut sections: Vec<SectionChanges> = Vec::new();
    for line in lines {
        match sections.last_mut() {
            Some(section) if section.heading == line.heading => section.lines.push(line),
            _ => sections.push(SectionChanges {
                heading: line.heading.clone(),
                lines: vec![line],
            }),
        }
    }
    sections.retain(|s| s.lines.iter().any(|l| l.change != Change::Same));
    PolicyDiff {
        added,
        removed,
        sections,
    }
}

fn line((heading, text): &(String, String), change: Change) -> DiffLine {
    DiffLine {
        heading: heading.clone(),
        change,
        text: text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> PolicyDocument {
        PolicyDocument::parse(&format!("title: T\neffective: 2020-01-01\n\n{body}")).expect("valid")
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let a = doc("# 1. A\n\nOne. Two.");
        let diff = compare(&a, &a);
        assert_eq!((diff.added, diff.removed), (0, 0));
        assert!(diff.sections.is_empty());
    }

    #[test]
    fn an_added_and_a_removed_sentence_are_reported_in_their_section() {
        let old = doc("# 1. A\n\nKeep this. Drop this.\n\n# 2. B\n\nUntouched.");
        let new = doc("# 1. A\n\nKeep this. Add this.\n\n# 2. B\n\nUntouched.");
        let diff = compare(&old, &new);
        assert_eq!((diff.added, diff.removed), (1, 1));
        assert_eq!(diff.sections.len(), 1, "only the changed section is shown");
        let section = &diff.sections[0];
        assert_eq!(section.heading, "1. A");
        let changes: Vec<(Change, &str)> = section
            .lines
            .iter()
            .map(|l| (l.change, l.text.as_str()))
            .collect();
        assert!(changes.contains(&(Change::Same, "Keep this.")));
        assert!(changes.contains(&(Change::Added, "Add this.")));
        assert!(changes.contains(&(Change::Removed, "Drop this.")));
    }

    #[test]
    fn list_items_compare_like_sentences() {
        let old = doc("# 1. A\n\n- one\n- two");
        let new = doc("# 1. A\n\n- one\n- two\n- three");
        let diff = compare(&old, &new);
        assert_eq!((diff.added, diff.removed), (1, 0));
        assert_eq!(
            diff.sections[0].lines.last().map(|l| l.text.as_str()),
            Some("three")
        );
    }
}
