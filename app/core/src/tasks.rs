//! Tasks as the pages and the server share them: ids, what a valid title and due date are, and
//! what the lists carry.

use serde::{Deserialize, Serialize};

use crate::ids::{MemberId, TaskId};
use crate::records::{
    BulkOutcome, EditableRecord, FieldInput, Kind, ListQuery, MemberOption, RecordField,
};
use crate::storage::TASK_DRAFT_KEY;
use crate::time::CalendarDate;

/// The longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// A title as stored (trimmed), or what is wrong with it.
pub fn check_title(raw: &str) -> Result<String, String> {
    let title = raw.trim();
    if title.is_empty() {
        return Err("Say what is to be done.".to_owned());
    }
    if title.chars().count() > TITLE_MAX_CHARS {
        return Err(format!(
            "A task's title can be at most {TITLE_MAX_CHARS} characters long."
        ));
    }
    if title.chars().any(char::is_control) {
        return Err("A task's title cannot contain control characters.".to_owned());
    }
    Ok(title.to_owned())
}

/// A due date as typed (`YYYY-MM-DD`, what a date field sends); empty is "no due date".
pub fn check_due(raw: &str) -> Result<Option<CalendarDate>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let date =
        CalendarDate::parse(raw).ok_or("Give the due date as a date, for example 2026-12-24.")?;
    if !(2000..=2100).contains(&date.year) {
        return Err("Choose a due date between the years 2000 and 2100.".to_owned());
    }
    Ok(Some(date))
}

/// The record a task is about: a person, a company, a lead or an opportunity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskAbout {
    pub kind: Kind,
    pub id: uuid::Uuid,
    pub name: String,
}

impl TaskAbout {
    /// The record's page.
    pub fn href(&self) -> String {
        self.kind.href(self.id)
    }
}

/// A task as the lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub due_on: Option<CalendarDate>,
    pub assignee: Option<MemberOption>,
    pub about: Option<TaskAbout>,
    pub done: bool,
    /// Open, and due before today (in the zone of the member who asked).
    pub overdue: bool,
    /// One more for each change, so that an edit made from an older copy is checked field by
    /// field before it is saved.
    pub version: i64,
}

impl Task {
    /// "24 December 2026" (as the member's language writes it), "No due date".
    pub fn due_label(&self, clock: &crate::time::Wallclock) -> String {
        self.due_on
            .map_or_else(|| "No due date".to_owned(), |day| clock.date(day))
    }

    /// The task's own page, where each field is edited in place.
    pub fn href(&self) -> String {
        format!("/app/tasks/{}", self.id)
    }
}

/// A field of a task that its page edits in place. The record it is about is changed by
/// choosing another record (the page finds them by name), the others as typed or chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskField {
    Title,
    Due,
    Assignee,
    /// The id of a person, company, lead or opportunity, or empty for nothing in particular.
    About,
}

impl TaskField {
    /// The fields edited with an input of their own, in page order.
    pub const TYPED: [Self; 3] = [Self::Title, Self::Due, Self::Assignee];
}

impl RecordField for TaskField {
    fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Due => "due_on",
            Self::Assignee => "assignee",
            Self::About => "about",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Title => "Title",
            Self::Due => "Due date",
            Self::Assignee => "Assigned to",
            Self::About => "About",
        }
    }

    fn input(self) -> FieldInput {
        match self {
            Self::Title | Self::About => FieldInput::Text {
                kind: "text",
                autocomplete: "off",
                max_chars: TITLE_MAX_CHARS,
            },
            Self::Due => FieldInput::Text {
                kind: "date",
                autocomplete: "off",
                max_chars: 10,
            },
            Self::Assignee => FieldInput::Member,
        }
    }

    fn hint(self) -> Option<&'static str> {
        match self {
            Self::Due => Some("Leave it empty for no due date."),
            _ => None,
        }
    }

    fn check(self, value: &str) -> Result<(), String> {
        match self {
            Self::Title => check_title(value).map(drop),
            Self::Due => check_due(value).map(drop),
            Self::Assignee => Ok(()),
            Self::About => match value.trim() {
                "" => Ok(()),
                raw => uuid::Uuid::parse_str(raw).map(drop).map_err(|_| {
                    "Choose one of the records found, or nothing in particular.".to_owned()
                }),
            },
        }
    }
}

impl EditableRecord for Task {
    type Field = TaskField;
    const KIND: &'static str = "task";
    const DRAFT_KEY: &'static str = TASK_DRAFT_KEY;

    fn version(&self) -> i64 {
        self.version
    }

    fn value(&self, field: TaskField) -> String {
        match field {
            TaskField::Title => self.title.clone(),
            TaskField::Due => self.due_on.map(|due| due.to_string()).unwrap_or_default(),
            TaskField::Assignee => self
                .assignee
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_default(),
            TaskField::About => self
                .about
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_default(),
        }
    }

    fn shown(&self, field: TaskField, clock: &crate::time::Wallclock) -> String {
        match field {
            TaskField::Due => self.due_on.map(|day| clock.date(day)).unwrap_or_default(),
            other => self.display(other),
        }
    }

    fn display(&self, field: TaskField) -> String {
        match field {
            TaskField::Title => self.title.clone(),
            TaskField::Due => self.due_on.map(CalendarDate::long).unwrap_or_default(),
            TaskField::Assignee => self
                .assignee
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            TaskField::About => self
                .about
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        }
    }

    fn set(&mut self, field: TaskField, value: String, members: &[MemberOption]) {
        match field {
            TaskField::Title => self.title = value,
            TaskField::Due => self.due_on = CalendarDate::parse(&value),
            TaskField::Assignee => {
                self.assignee = members.iter().find(|m| m.id.to_string() == value).cloned();
            }
            // Shown once the server has named the record.
            TaskField::About => {}
        }
    }
}

/// The fewest letters a search for the record a task is about may have: one would match half
/// the workspace.
pub const FIND_ABOUT_MIN_CHARS: usize = 2;

/// What is wrong with a search for the record a task is about, if anything.
pub fn check_find_about(q: &str) -> Result<(), String> {
    if q.trim().chars().count() < FIND_ABOUT_MIN_CHARS {
        return Err(format!(
            "Type at least {FIND_ABOUT_MIN_CHARS} letters of the name."
        ));
    }
    Ok(())
}

/// A task's page: the task, the members it can be assigned to, and who is looking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPage {
    pub task: Task,
    pub members: Vec<MemberOption>,
}

/// What the browser compares a task just added with the list's search: the title in lower case.
/// (The server stores and searches the title folded, accents off, with [`crate::text::fold`]; the
/// browser has no table of accents, so a task whose title matches the search only once its
/// accents are folded is shown when the list is next read.)
pub fn search_text(title: &str) -> String {
    title.to_lowercase()
}

/// Which tasks `/app/tasks` shows and in which order; in its URL as
/// `?q=call&sort=newest&status=done&assignee=me`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TasksQuery {
    /// Part of a title ("" for every task).
    pub q: String,
    /// Empty for the list's own order (open tasks the soonest due first, done ones the latest
    /// done first) or "newest" for the most recently added first.
    pub sort: String,
    /// "open" (or empty) or "done".
    pub status: String,
    /// "me" for the viewer's own tasks, empty for everyone's.
    pub assignee: String,
    /// The page after this cursor ("" for the first page); opaque to the browser.
    pub after: String,
    /// The page before this cursor ("Previous page"; "" otherwise); opaque to the browser.
    pub before: String,
}

impl TasksQuery {
    pub fn done(&self) -> bool {
        self.status == "done"
    }

    pub fn mine(&self) -> bool {
        self.assignee == "me"
    }

    /// Whether the most recently added come first.
    pub fn newest(&self) -> bool {
        self.sort == "newest"
    }

    pub fn searched(&self) -> bool {
        !self.q.trim().is_empty()
    }

    /// Searched, or the viewer's only: the page offers a way back to every open task.
    pub fn is_filtered(&self) -> bool {
        self.searched() || self.mine()
    }

    /// What the list is, as its heading says.
    pub fn caption(&self) -> String {
        let which = match (self.mine(), self.done()) {
            (false, false) => "Open tasks",
            (true, false) => "Your open tasks",
            (false, true) => "Done tasks",
            (true, true) => "Your done tasks",
        };
        let matching = if self.searched() {
            " matching the search"
        } else {
            ""
        };
        let order = if self.newest() {
            "the most recently added first"
        } else if self.done() {
            "the latest first"
        } else {
            "the soonest due first"
        };
        format!("{which}{matching}, {order}")
    }

    /// Whether a task `viewer` has just added belongs in this list: an open one, theirs when the
    /// list is theirs, and found by the search.
    pub fn shows(&self, task: &Task, viewer: MemberId) -> bool {
        !self.done()
            && !task.done
            && (!self.mine() || task.assignee.as_ref().is_some_and(|a| a.id == viewer))
            && self.finds(&task.title)
    }
}

impl TasksQuery {
    /// Whether the search finds a title, as the server's search does (three or more letters
    /// anywhere in it, one or two its start), but by lower case alone: the server also folds
    /// accents away (see [`search_text`]).
    fn finds(&self, title: &str) -> bool {
        let q = self.q.trim().to_lowercase();
        let title = search_text(title);
        if q.chars().count() < 3 {
            title.starts_with(&q)
        } else {
            title.contains(&q)
        }
    }
}

impl ListQuery for TasksQuery {
    const PATH: &'static str = "/app/tasks";

    fn parameters(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("sort", &self.sort),
            ("status", &self.status),
            ("assignee", &self.assignee),
            ("after", &self.after),
            ("before", &self.before),
        ]
    }

    fn after(&self) -> &str {
        &self.after
    }

    fn before(&self) -> &str {
        &self.before
    }

    fn at_page(&self, after: String, before: String) -> Self {
        Self {
            after,
            before,
            ..self.clone()
        }
    }
}

/// What a tasks list shows, and what its "Add a task" form offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    /// Where the page stands in the list, and the cursors of the pages around it.
    #[serde(flatten)]
    pub place: crate::records::ListPlace,
    /// What was wrong with the query (a damaged page link), shown above the list.
    pub problem: Option<String>,
    /// How a short search was read ("Showing the people whose last name starts with …").
    pub search_note: Option<String>,
    pub members: Vec<MemberOption>,
    pub viewer: MemberId,
}

/// Tasks per page of the list.
pub const PAGE_SIZE: usize = 50;

/// What a bulk action on the tasks ticked in the list does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskBulkAction {
    /// Assigns each to the member whose id is the action's value (to nobody when it is empty).
    Assign,
    /// Ticks each done.
    Done,
    /// Opens each done one again.
    Reopen,
    /// Deletes each, for good.
    Delete,
}

/// "1 task", "3 tasks".
fn tasks_count(n: usize) -> String {
    if n == 1 {
        "1 task".to_owned()
    } else {
        format!("{n} tasks")
    }
}

impl TaskBulkAction {
    /// The sentence the list shows after the action `outcome` tells of; `assignee` is the name of
    /// the member the tasks were assigned to ("nobody").
    pub fn message(self, outcome: BulkOutcome, assignee: &str) -> String {
        let changed = tasks_count(outcome.changed);
        let unchanged = outcome.selected.saturating_sub(outcome.changed);
        let (was, be) = (
            if unchanged == 1 { "was" } else { "were" },
            if outcome.changed == 1 { "is" } else { "are" },
        );
        let done = match self {
            Self::Assign => format!("{changed} {be} now assigned to {assignee}."),
            Self::Done => format!("Marked {changed} done."),
            Self::Reopen => format!("Opened {changed} again."),
            Self::Delete => return format!("Deleted {changed}."),
        };
        match (unchanged, self) {
            (0, _) => done,
            (_, Self::Assign) => format!("{done} {unchanged} already {was}."),
            (_, Self::Done) => format!("{done} {unchanged} {was} done already."),
            (_, _) => format!("{done} {unchanged} {was} open already."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_trimmed_and_an_empty_long_or_binary_one_is_refused() {
        assert_eq!(check_title("  Call Grace ").as_deref(), Ok("Call Grace"));
        assert_eq!(check_title(" "), Err("Say what is to be done.".to_owned()));
        assert!(check_title(&"a".repeat(TITLE_MAX_CHARS)).is_ok());
        assert!(check_title(&"a".repeat(TITLE_MAX_CHARS + 1)).is_err());
        assert!(check_title("a\nb").is_err());
    }

    #[test]
    fn a_due_date_is_a_real_day_in_a_sensible_year_or_nothing() {
        assert_eq!(check_due(""), Ok(None));
        assert_eq!(
            check_due("2026-12-24"),
            Ok(CalendarDate::parse("2026-12-24"))
        );
        assert!(check_due("2026-02-30").is_err());
        assert!(check_due("24/12/2026").is_err());
        assert_eq!(
            check_due("1999-12-31"),
            Err("Choose a due date between the years 2000 and 2100.".to_owned())
        );
    }

    fn query(q: &str, status: &str, assignee: &str) -> TasksQuery {
        TasksQuery {
            q: q.to_owned(),
            status: status.to_owned(),
            assignee: assignee.to_owned(),
            ..TasksQuery::default()
        }
    }

    #[test]
    fn the_heading_says_whose_tasks_which_ones_whether_searched_and_in_what_order() {
        assert_eq!(
            query("", "", "").caption(),
            "Open tasks, the soonest due first"
        );
        assert_eq!(
            query("  ", "done", "me").caption(),
            "Your done tasks, the latest first"
        );
        assert_eq!(
            query("call", "", "me").caption(),
            "Your open tasks matching the search, the soonest due first"
        );
        let newest = TasksQuery {
            sort: "newest".to_owned(),
            ..query("", "done", "")
        };
        assert_eq!(
            newest.caption(),
            "Done tasks, the most recently added first"
        );
        assert_eq!(newest.href(), "/app/tasks?sort=newest&status=done");
        assert!(!newest.is_filtered(), "an order narrows nothing");
        assert!(!query(" ", "done", "").is_filtered());
        assert!(query("call", "", "").is_filtered() && query("", "", "me").is_filtered());
    }

    #[test]
    fn a_bulk_action_says_how_many_tasks_it_changed_and_how_many_were_so_already() {
        let outcome = |selected, changed| BulkOutcome { selected, changed };
        let said = [
            (
                TaskBulkAction::Assign,
                outcome(3, 3),
                "3 tasks are now assigned to Ada.",
            ),
            (
                TaskBulkAction::Assign,
                outcome(2, 1),
                "1 task is now assigned to Ada. 1 already was.",
            ),
            (TaskBulkAction::Done, outcome(1, 1), "Marked 1 task done."),
            (
                TaskBulkAction::Done,
                outcome(5, 2),
                "Marked 2 tasks done. 3 were done already.",
            ),
            (
                TaskBulkAction::Reopen,
                outcome(2, 1),
                "Opened 1 task again. 1 was open already.",
            ),
            (TaskBulkAction::Delete, outcome(4, 4), "Deleted 4 tasks."),
        ];
        for (action, outcome, sentence) in said {
            assert_eq!(action.message(outcome, "Ada"), sentence, "{action:?}");
        }
    }

    #[test]
    fn a_task_just_added_joins_only_a_list_that_would_show_it() {
        let viewer = MemberId::random();
        let task = |title: &str, assignee: Option<MemberId>| Task {
            id: TaskId::random(),
            title: title.to_owned(),
            due_on: None,
            assignee: assignee.map(|id| MemberOption {
                id,
                name: "Ada".to_owned(),
            }),
            about: None,
            done: false,
            overdue: false,
            version: 1,
        };
        let call = task("Call Ångström Labs", Some(viewer));
        assert!(query("", "", "").shows(&call, viewer));
        assert!(query(" ångSTRÖM ", "", "me").shows(&call, viewer));
        // One or two letters: the start of the title.
        assert!(query("ca", "", "").shows(&call, viewer));
        assert!(!query("ll", "", "").shows(&call, viewer));
        assert!(!query("email", "", "").shows(&call, viewer));
        assert!(!query("", "done", "").shows(&call, viewer));
        let theirs = task("Call Grace", Some(MemberId::random()));
        assert!(!query("", "", "me").shows(&theirs, viewer));
        assert!(!query("", "", "me").shows(&task("Call Alan", None), viewer));
    }
}
