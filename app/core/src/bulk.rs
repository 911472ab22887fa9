//! A bulk action on every record a list matches, not only the rows ticked on one page: the list's
//! search and filters it applies to (its scope), and the job that applies it in the background,
//! a batch at a time, with the progress the list shows while it runs.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::companies::CompaniesQuery;
use crate::leads::LeadsQuery;
use crate::opportunities::OpportunitiesQuery;
use crate::people::PeopleQuery;
use crate::records::{BulkAction, Kind, thousands};

/// The records a bulk action over "all matching" applies to: a list's search and filters, as
/// they stand in its URL. Where the list stands (its page cursors) plays no part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkScope {
    People(PeopleQuery),
    Companies(CompaniesQuery),
    Leads(LeadsQuery),
    Opportunities(OpportunitiesQuery),
}

impl BulkScope {
    /// The kind of records the scope is a list of.
    pub fn kind(&self) -> Kind {
        match self {
            Self::People(_) => Kind::People,
            Self::Companies(_) => Kind::Companies,
            Self::Leads(_) => Kind::Leads,
            Self::Opportunities(_) => Kind::Opportunities,
        }
    }

    /// The same search and filters, from the list's first page: a job walks every match, and
    /// the page the member was reading says nothing about which.
    pub fn without_place(mut self) -> Self {
        let (after, before) = match &mut self {
            Self::People(q) => (&mut q.after, &mut q.before),
            Self::Companies(q) => (&mut q.after, &mut q.before),
            Self::Leads(q) => (&mut q.after, &mut q.before),
            Self::Opportunities(q) => (&mut q.after, &mut q.before),
        };
        after.clear();
        before.clear();
        self
    }
}

/// How far a bulk job has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobState {
    /// Waiting for a server to take it.
    Queued,
    /// A server is applying it, a batch at a time.
    Running,
    /// Every match was walked.
    Done,
    /// Stopped by a problem (its message says which); the batches before it stay applied.
    Failed,
    /// Stopped by the member; the batches before it stay applied.
    Cancelled,
}

impl JobState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Running,
            Self::Done,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|state| state.as_str() == stored)
    }

    /// Whether it still runs, or will.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// A bulk action over every record a list matched, as its progress is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkJob {
    pub id: Uuid,
    pub kind: Kind,
    pub action: BulkAction,
    /// The tag added or the new owner's name ("nobody"); empty for a deletion.
    pub label: String,
    pub state: JobState,
    /// How many records matched when it started.
    pub total: i64,
    /// How many of them it has walked so far.
    pub done: i64,
    /// How many of those it changed (the others already had the tag or the owner).
    pub changed: i64,
    /// Why it failed, for the member.
    pub problem: Option<String>,
}

impl BulkJob {
    /// "Adding the tag “vip” to 12,408 people", "Deleting 12,408 people": what it does.
    pub fn title(&self) -> String {
        let all = self.kind.count(self.total.max(self.done));
        match self.action {
            BulkAction::AddTag => format!("Adding the tag \u{201c}{}\u{201d} to {all}", self.label),
            BulkAction::SetOwner => format!("Handing {all} over to {}", self.label),
            BulkAction::Delete => format!("Deleting {all}"),
        }
    }

    /// The largest value of its progress bar: the matches counted at the start, or more when
    /// records added since were walked too.
    pub fn size(&self) -> i64 {
        self.total.max(self.done)
    }

    /// "4,200 of 12,408 done.": where it stands while it runs.
    pub fn progress(&self) -> String {
        match self.state {
            JobState::Queued => "Waiting to start.".to_owned(),
            _ => format!(
                "{} of {} done.",
                thousands(u64::try_from(self.done).unwrap_or(0)),
                thousands(u64::try_from(self.size()).unwrap_or(0))
            ),
        }
    }

    /// The sentence the list shows once it has stopped: what it did, and why it stopped early.
    pub fn message(&self) -> String {
        let changed = self.kind.count(self.changed);
        let unchanged = (self.done - self.changed).max(0);
        let did = match self.action {
            BulkAction::AddTag if unchanged > 0 => format!(
                "Added the tag \u{201c}{}\u{201d} to {changed}. {} already had it.",
                self.label,
                thousands(u64::try_from(unchanged).unwrap_or(0))
            ),
            BulkAction::AddTag => {
                format!("Added the tag \u{201c}{}\u{201d} to {changed}.", self.label)
            }
            BulkAction::SetOwner if unchanged > 0 => format!(
                "{changed} {} now owned by {}. {} already {}.",
                if self.changed == 1 { "is" } else { "are" },
                self.label,
                thousands(u64::try_from(unchanged).unwrap_or(0)),
                if unchanged == 1 { "was" } else { "were" }
            ),
            BulkAction::SetOwner => format!(
                "{changed} {} now owned by {}.",
                if self.changed == 1 { "is" } else { "are" },
                self.label
            ),
            BulkAction::Delete => format!("Deleted {changed}."),
        };
        match self.state {
            JobState::Cancelled => {
                format!("Stopped before the end, as you asked. {did} The rest were not changed.")
            }
            JobState::Failed => format!(
                "Stopped before the end: {} {did} The rest were not changed.",
                self.problem.as_deref().unwrap_or("something went wrong.")
            ),
            _ => did,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(action: BulkAction, state: JobState, total: i64, done: i64, changed: i64) -> BulkJob {
        BulkJob {
            id: Uuid::nil(),
            kind: Kind::People,
            action,
            label: match action {
                BulkAction::AddTag => "vip".to_owned(),
                BulkAction::SetOwner => "Grace Hopper".to_owned(),
                BulkAction::Delete => String::new(),
            },
            state,
            total,
            done,
            changed,
            problem: None,
        }
    }

    #[test]
    fn a_running_job_says_how_far_it_has_got_in_thousands() {
        let running = job(BulkAction::AddTag, JobState::Running, 12_408, 4_200, 4_100);
        assert_eq!(running.progress(), "4,200 of 12,408 done.");
        assert_eq!(
            running.title(),
            "Adding the tag \u{201c}vip\u{201d} to 12,408 people"
        );
        let waiting = job(BulkAction::Delete, JobState::Queued, 3, 0, 0);
        assert_eq!(waiting.progress(), "Waiting to start.");
        assert_eq!(waiting.title(), "Deleting 3 people");
    }

    #[test]
    fn records_added_while_it_ran_grow_its_size_instead_of_passing_the_end() {
        let grown = job(BulkAction::SetOwner, JobState::Running, 100, 104, 104);
        assert_eq!(grown.size(), 104);
        assert_eq!(grown.progress(), "104 of 104 done.");
    }

    #[test]
    fn a_finished_job_says_what_it_changed_and_what_already_was() {
        let tagged = job(BulkAction::AddTag, JobState::Done, 1_500, 1_500, 1_480);
        assert_eq!(
            tagged.message(),
            "Added the tag \u{201c}vip\u{201d} to 1,480 people. 20 already had it."
        );
        let handed = job(BulkAction::SetOwner, JobState::Done, 2, 2, 1);
        assert_eq!(
            handed.message(),
            "1 person is now owned by Grace Hopper. 1 already was."
        );
        let deleted = job(BulkAction::Delete, JobState::Done, 1_201, 1_201, 1_201);
        assert_eq!(deleted.message(), "Deleted 1,201 people.");
    }

    #[test]
    fn a_job_stopped_early_says_why_and_that_the_rest_are_unchanged() {
        let cancelled = job(BulkAction::Delete, JobState::Cancelled, 1_000, 400, 400);
        assert_eq!(
            cancelled.message(),
            "Stopped before the end, as you asked. Deleted 400 people. The rest were not changed."
        );
        let mut failed = job(BulkAction::SetOwner, JobState::Failed, 1_000, 200, 200);
        failed.problem = Some("Grace Hopper is no longer a member of this workspace.".to_owned());
        assert_eq!(
            failed.message(),
            "Stopped before the end: Grace Hopper is no longer a member of this workspace. 200 \
             people are now owned by Grace Hopper. The rest were not changed."
        );
    }

    #[test]
    fn a_scope_forgets_the_page_it_was_chosen_on() {
        let scope = BulkScope::People(PeopleQuery {
            q: "ada".to_owned(),
            after: "abc".to_owned(),
            before: "def".to_owned(),
            ..PeopleQuery::default()
        });
        let BulkScope::People(query) = scope.without_place() else {
            panic!("the scope changed kind");
        };
        assert_eq!(
            (
                query.q.as_str(),
                query.after.as_str(),
                query.before.as_str()
            ),
            ("ada", "", "")
        );
    }

    #[test]
    fn job_states_read_back_as_stored() {
        for state in [
            JobState::Queued,
            JobState::Running,
            JobState::Done,
            JobState::Failed,
            JobState::Cancelled,
        ] {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("paused"), None);
    }
}
