//! What every kind of record (a person, a company) shares: its typed id, how a field is edited in
//! the page, the members an owner is chosen from, and the entries of its activity timeline.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::{MemberId, NoteId};
use crate::workspaces::Role;

/// A list's state as its URL holds it (`/app/leads?q=&status=&after=` or `&before=`): search,
/// filters and the page cursor, so that back, forward, reload and shared links show the same list.
pub trait ListQuery: Clone {
    /// The list's path ("/app/leads").
    const PATH: &'static str;

    /// The query string's parameters in order; empty ones are left out of the URL.
    fn parameters(&self) -> Vec<(&'static str, &str)>;

    /// The cursor of the row after which this page starts ("" unless it is a page after one,
    /// reached by "Next page").
    fn after(&self) -> &str;

    /// The cursor of the row before which this page ends ("" unless it is a page before one,
    /// reached by "Previous page").
    fn before(&self) -> &str;

    /// The same list at another page: after the cursor `after`, before the cursor `before`, or
    /// its first page when both are empty.
    fn at_page(&self, after: String, before: String) -> Self;

    /// The list's URL, leaving out defaults.
    fn href(&self) -> String {
        let query = self
            .parameters()
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| format!("{name}={}", crate::text::percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            Self::PATH.to_owned()
        } else {
            format!("{}?{query}", Self::PATH)
        }
    }

    /// Whether this is a page other than the first.
    fn is_later_page(&self) -> bool {
        !self.after().is_empty() || !self.before().is_empty()
    }

    /// The links under a page of the list: to its first page (when not on it), to the page
    /// before it and to the page after it (when there are such pages: `place` says).
    fn page_links(&self, place: &ListPlace) -> PageLinks {
        PageLinks {
            first: self
                .is_later_page()
                .then(|| self.at_page(String::new(), String::new()).href()),
            previous: place
                .previous
                .clone()
                .map(|before| self.at_page(String::new(), before).href()),
            next: place
                .next
                .clone()
                .map(|after| self.at_page(after, String::new()).href()),
        }
    }
}

/// The links to other pages of a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageLinks {
    pub first: Option<String>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// How many rows of a list match: exactly, or more than a number (where counting stops, so that
/// a broad search never counts a whole workspace on each page view).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Total {
    Exact(u64),
    MoreThan(u64),
}

/// Where a page of a list stands: the position of its first row (from 1), how many rows it
/// shows, how many match, and the cursors of the pages before and after it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPlace {
    pub first: u64,
    pub shown: u64,
    /// `None` where the list was not counted (an empty page).
    pub total: Option<Total>,
    /// The cursor for the page before this one, when there is one.
    pub previous: Option<String>,
    /// The cursor for the page after this one, when there is one.
    pub next: Option<String>,
}

impl ListPlace {
    /// "1–50 of 12,408", "51–100 of more than 1,000", "3 of 3"; empty for an empty page.
    pub fn summary(&self) -> String {
        if self.shown == 0 {
            return String::new();
        }
        let last = self.first + self.shown - 1;
        let span = if self.shown == 1 {
            thousands(self.first)
        } else {
            format!("{}\u{2013}{}", thousands(self.first), thousands(last))
        };
        match self.total {
            Some(Total::Exact(n)) => format!("{span} of {}", thousands(n.max(last))),
            Some(Total::MoreThan(n)) if last > n => {
                format!("{span} of more than {}", thousands(last))
            }
            Some(Total::MoreThan(n)) => format!("{span} of more than {}", thousands(n)),
            None => span,
        }
    }
}

/// A count with thousands separated by commas: "12,408".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// An order a list offers, by its value in the URL (`?sort=newest`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListSort {
    /// By name, A to Z.
    #[default]
    Name,
    /// Most recently added first.
    Newest,
    /// Soonest to close first (opportunities).
    CloseDate,
}

impl ListSort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Newest => "newest",
            Self::CloseDate => "close",
        }
    }

    /// How the sort control names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Newest => "Newest first",
            Self::CloseDate => "Closing soonest",
        }
    }

    /// How a list's caption says its order.
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Name => "by name",
            Self::Newest => "newest first",
            Self::CloseDate => "soonest to close first",
        }
    }

    /// A list's caption: what its rows are, then their order.
    pub fn caption(self, rows: &str) -> String {
        format!("{rows}, {}", self.phrase())
    }

    /// The order `raw` names if the list offers it (`offered`, its default first), else the
    /// list's default: a hand-edited or outdated link still shows the list.
    pub fn choose(raw: &str, offered: &[Self]) -> Self {
        offered
            .iter()
            .copied()
            .find(|sort| sort.as_str() == raw)
            .or_else(|| offered.first().copied())
            .unwrap_or(Self::Name)
    }

    /// The value the URL carries for this order: none for the list's default, so that the
    /// plain list's address stays plain.
    pub fn in_url(self, offered: &[Self]) -> &'static str {
        if offered.first() == Some(&self) {
            ""
        } else {
            self.as_str()
        }
    }

    /// The sort control's choices: value in the URL and label, the default first.
    pub fn choices(offered: &[Self]) -> Vec<(String, String)> {
        offered
            .iter()
            .map(|sort| (sort.in_url(offered).to_owned(), sort.label().to_owned()))
            .collect()
    }
}

/// The fields of an "Add" form (`/app/people/new` and the others), as typed.
pub trait NewRecordFields {
    type Field: RecordField;

    /// The form's fields, in page order.
    const FIELDS: &'static [Self::Field];

    /// What was typed in `field`.
    fn value(&self, field: Self::Field) -> &str;

    /// What was typed, to show the form again after a refusal.
    fn to_values(&self) -> Vec<(String, String)> {
        Self::FIELDS
            .iter()
            .map(|&field| (field.name().to_owned(), self.value(field).to_owned()))
            .collect()
    }
}

/// How a field is edited in the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldInput {
    Text {
        kind: &'static str,
        autocomplete: &'static str,
        max_chars: usize,
    },
    /// A choice from fixed options: (stored value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A choice among the workspace's members.
    Member,
}

/// A field of a record that can be edited in the page. The server maps each to its column; no
/// column name ever comes from the browser.
pub trait RecordField:
    Copy + Eq + std::fmt::Debug + Send + Sync + Serialize + DeserializeOwned + 'static
{
    /// The form field's name, also stored in the timeline.
    fn name(self) -> &'static str;
    fn label(self) -> &'static str;
    fn input(self) -> FieldInput;
    /// A hint shown under the input while editing.
    fn hint(self) -> Option<&'static str>;
    /// What the browser can check before sending; the server checks again.
    fn check(self, value: &str) -> Result<(), String>;
}

/// A record as its page edits it, field by field, with the version that detects conflicts.
pub trait EditableRecord: Clone + Send + Sync + 'static {
    type Field: RecordField;
    /// The start of its element ids ("person" gives `person-email`).
    const KIND: &'static str;
    /// The local-storage key of its unsaved edits.
    const DRAFT_KEY: &'static str;

    fn version(&self) -> i64;
    /// The field's value as its input holds it (the stored value for choices).
    fn value(&self, field: Self::Field) -> String;
    /// The field's value as the page shows it (and as timelines record it).
    fn display(&self, field: Self::Field) -> String;
    /// The field's value as the page shows it to a member: [`Self::display`], with dates in the
    /// member's language.
    fn shown(&self, field: Self::Field, _clock: &crate::time::Wallclock) -> String {
        self.display(field)
    }
    /// Sets a field from its input's value, as the page does at once when a member saves (and
    /// undoes if the server refuses). `members` names a new owner.
    fn set(&mut self, field: Self::Field, value: String, members: &[MemberOption]);
}

/// A record as the server answered a save or a reload, with its timeline.
pub struct Saved<R> {
    pub record: R,
    pub timeline: Vec<TimelineEntry>,
}

/// The message of a save refused because someone else changed the field meanwhile: their value,
/// so that the member replaces it knowingly or not at all.
pub fn conflict_message(label: &str, theirs: &str) -> String {
    let theirs = if theirs.is_empty() {
        "an empty value".to_owned()
    } else {
        format!("\u{201c}{theirs}\u{201d}")
    };
    format!(
        "Someone else changed {} to {theirs} while you were editing. Your change was not saved; \
         edit again to replace their value.",
        label.to_lowercase()
    )
}

/// The longest note, in characters: a page of text.
pub const NOTE_MAX_CHARS: usize = 5_000;

/// A note as stored: trimmed, with Windows line ends made plain, or what is wrong with it.
pub fn check_note(raw: &str) -> Result<String, String> {
    let body = raw.replace("\r\n", "\n").trim().to_owned();
    if body.is_empty() {
        return Err("Write the note first.".to_owned());
    }
    let chars = body.chars().count();
    if chars > NOTE_MAX_CHARS {
        return Err(format!(
            "A note can be at most {NOTE_MAX_CHARS} characters long; this one has {chars}."
        ));
    }
    if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("A note cannot contain control characters.".to_owned());
    }
    Ok(body)
}

/// The kinds of records a workspace keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    People,
    Companies,
    Leads,
    Opportunities,
}

impl Kind {
    pub const ALL: [Self; 4] = [
        Self::People,
        Self::Companies,
        Self::Leads,
        Self::Opportunities,
    ];

    /// "people", "companies": the name of their list's path (and of their table).
    pub fn plural(self) -> &'static str {
        match self {
            Self::People => "people",
            Self::Companies => "companies",
            Self::Leads => "leads",
            Self::Opportunities => "opportunities",
        }
    }

    /// The address of one of them: `/app/companies/{id}`.
    pub fn href(self, id: impl std::fmt::Display) -> String {
        format!("/app/{}/{id}", self.plural())
    }

    /// "person", "company": one of them, as sentences name it.
    pub fn noun(self) -> &'static str {
        match self {
            Self::People => "person",
            Self::Companies => "company",
            Self::Leads => "lead",
            Self::Opportunities => "opportunity",
        }
    }

    /// "1 person", "3 companies".
    pub fn count(self, n: i64) -> String {
        if n == 1 {
            format!("1 {}", self.noun())
        } else {
            format!("{} {}", thousands(n.unsigned_abs()), self.plural())
        }
    }

    /// Whether they carry tags (leads and opportunities do not).
    pub fn has_tags(self) -> bool {
        matches!(self, Self::People | Self::Companies)
    }

    /// What deleting some of them removes for good, as the question before it says.
    pub fn deleted_with_them(self) -> &'static str {
        if self == Self::People {
            "Their details, tags, notes, tasks, activity and the leads they came from"
        } else if self.has_tags() {
            "Their details, tags, notes, tasks and activity"
        } else {
            "Their details, notes, tasks and activity"
        }
    }
}

/// At most this many records in one bulk action: a page of a list is 50.
pub const BULK_MAX: usize = 200;

/// What a bulk action on the selected rows of a list does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    /// Adds one tag (the action's value) to each selected record that lacks it.
    AddTag,
    /// Makes the member whose id is the value (or nobody, for an empty value) the owner.
    SetOwner,
    /// Deletes the selected records with their tags, notes, tasks and timelines.
    Delete,
}

/// What a bulk action did: how many records were selected and how many of them it changed (the
/// others already had the tag or the owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub selected: usize,
    pub changed: usize,
}

impl BulkOutcome {
    /// The sentence the list shows afterwards. `value` is the tag added or the new owner's name
    /// ("nobody" when the owner was cleared).
    pub fn message(&self, kind: Kind, action: BulkAction, value: &str) -> String {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let changed = kind.count(count(self.changed));
        let unchanged = self.selected.saturating_sub(self.changed);
        if unchanged == 0 || action == BulkAction::Delete {
            return match action {
                BulkAction::AddTag => {
                    format!("Added the tag \u{201c}{value}\u{201d} to {changed}.")
                }
                BulkAction::SetOwner => {
                    format!("{changed} {} now owned by {value}.", be(self.changed))
                }
                BulkAction::Delete => format!("Deleted {changed}."),
            };
        }
        match action {
            BulkAction::AddTag => format!(
                "Added the tag \u{201c}{value}\u{201d} to {changed}. {unchanged} already had it."
            ),
            BulkAction::SetOwner => format!(
                "{changed} {} now owned by {value}. {unchanged} already {}.",
                be(self.changed),
                if unchanged == 1 { "was" } else { "were" }
            ),
            BulkAction::Delete => format!("Deleted {changed}."),
        }
    }
}

/// "is" or "are", for this many.
fn be(n: usize) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

/// The owner a member chose among the workspace's members: `None` for an empty value (nobody).
pub fn choose_owner<'m>(
    value: &str,
    members: &'m [MemberOption],
) -> Result<Option<&'m MemberOption>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    members
        .iter()
        .find(|m| m.id.to_string() == value)
        .map(Some)
        .ok_or_else(|| "Choose an owner from the workspace's members.".to_owned())
}

/// The owner a list's filter names (`?owner=`): anyone for an empty value, else one of the
/// workspace's members, or the message saying that the list shows every owner's `records`
/// instead.
pub fn owner_filter(
    raw: &str,
    members: &[MemberOption],
    records: &str,
) -> Result<Option<MemberId>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    members
        .iter()
        .find(|m| m.id.to_string() == raw)
        .map(|m| Some(m.id))
        .ok_or_else(|| {
            format!(
                "That owner is not a member of this workspace. The list below shows every \
                 owner's {records}."
            )
        })
}

/// A workspace member, as shown in owner lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOption {
    pub id: MemberId,
    pub name: String,
}

/// The timeline's name of a person added to (or removed from) an opportunity.
pub const PEOPLE_EVENT: &str = "people";
/// The timeline's field name for a further e-mail address or phone number added or removed.
pub const CONTACTS_EVENT: &str = "contacts";
/// The timeline's field name for a mailing address added or removed.
pub const ADDRESSES_EVENT: &str = "addresses";
/// The timeline's field name of a note deleted (stored as a change with no values).
pub const NOTE_DELETED_EVENT: &str = "note_deleted";

/// Whether `viewer` may edit a note by `author`: only its author.
pub fn may_edit_note(author: Option<MemberId>, viewer: MemberId) -> bool {
    author == Some(viewer)
}

/// Whether `viewer` (in `role`) may delete a note by `author`: its author, and the workspace's
/// owner and admins (a note about the wrong person must be removable when its author has left).
pub fn may_delete_note(author: Option<MemberId>, viewer: MemberId, role: Role) -> bool {
    author == Some(viewer) || role.runs_workspace()
}

/// The list a "changed" event with this field name adds an item to or removes one from, as the
/// timeline says it ("added “Grace Hopper” to the people of this opportunity"); `None` for a plain
/// field. The item is the event's new value when added, its old value when removed.
pub fn list_field_phrase(field: &str) -> Option<&'static str> {
    match field {
        PEOPLE_EVENT => Some("the people of"),
        CONTACTS_EVENT => Some("the further e-mail addresses and phone numbers of"),
        ADDRESSES_EVENT => Some("the mailing addresses of"),
        _ => None,
    }
}

/// What happened to a record, for its timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineEvent {
    Created,
    Changed {
        field: String,
        old: String,
        new: String,
    },
    /// A note written on the record: by `author` (`None` once they have left), edited last at
    /// `edited_at` (by its author: no one else may).
    Note {
        id: NoteId,
        body: String,
        author: Option<MemberId>,
        edited_at: Option<i64>,
    },
    /// A note was deleted: its text went with it; the timeline keeps only who deleted it, when.
    NoteDeleted,
    /// A task about the record was added, due on `due` (written in the reader's language).
    TaskAdded {
        title: String,
        due: Option<crate::time::CalendarDate>,
    },
    /// A task about the record was ticked done.
    TaskDone {
        title: String,
    },
    /// A lead was converted: this record is what it became, or the lead itself. `id` and `name`
    /// are the other record's.
    Converted {
        role: ConversionRole,
        id: String,
        name: String,
    },
    /// Two people or two companies (`kind`) were merged, or a merge undone: `id` and `name` are
    /// the other record's.
    Merged {
        kind: Kind,
        role: MergeRole,
        id: String,
        name: String,
    },
}

/// The part a record played in a merge, as its timeline tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MergeRole {
    /// This person stayed; the other (named) was merged into them.
    Kept,
    /// This person was merged into the other (named), who stayed.
    MergedInto,
    /// The merge of the other (named) into this person was undone.
    UndoneKept,
    /// The merge of this person into the other (named) was undone: they are back.
    UndoneMerged,
}

impl MergeRole {
    pub const ALL: [Self; 4] = [
        Self::Kept,
        Self::MergedInto,
        Self::UndoneKept,
        Self::UndoneMerged,
    ];

    /// As stored in the timeline's `field` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::MergedInto => "merged_into",
            Self::UndoneKept => "undone_kept",
            Self::UndoneMerged => "undone_merged",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// What the timeline says after who did it, around the other record's name: "Ada merged"
    /// Augusta King " into this person." (`noun`: "this person", "this company").
    pub fn sentence(self, noun: &str) -> (String, String) {
        match self {
            Self::Kept => ("merged".to_owned(), format!(" into {noun}.")),
            Self::MergedInto => (format!("merged {noun} into"), ".".to_owned()),
            Self::UndoneKept => ("undid the merge of".to_owned(), format!(" into {noun}.")),
            Self::UndoneMerged => (format!("undid the merge of {noun} into"), ".".to_owned()),
        }
    }
}

/// The part a record played in a lead's conversion, as its timeline tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConversionRole {
    /// On the lead: it became this new person.
    IntoPerson,
    /// On the lead: its e-mail address matched this person, who was linked instead.
    MatchedPerson,
    /// On the lead: this company was added from it.
    IntoCompany,
    /// On the lead: this opportunity was opened from it.
    IntoOpportunity,
    /// On a new person, company or opportunity: it was added from this lead.
    FromLead,
    /// On an existing person: this lead was converted into them.
    MatchedLead,
}

impl ConversionRole {
    pub const ALL: [Self; 6] = [
        Self::IntoPerson,
        Self::MatchedPerson,
        Self::IntoCompany,
        Self::IntoOpportunity,
        Self::FromLead,
        Self::MatchedLead,
    ];

    /// As stored in the event's field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IntoPerson => "into_person",
            Self::MatchedPerson => "matched_person",
            Self::IntoCompany => "into_company",
            Self::IntoOpportunity => "into_opportunity",
            Self::FromLead => "from_lead",
            Self::MatchedLead => "matched_lead",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// The page of the other record.
    pub fn href(self, id: &str) -> String {
        match self {
            Self::IntoPerson | Self::MatchedPerson => format!("/app/people/{id}"),
            Self::IntoCompany => format!("/app/companies/{id}"),
            Self::IntoOpportunity => format!("/app/opportunities/{id}"),
            Self::FromLead | Self::MatchedLead => format!("/app/leads/{id}"),
        }
    }
}

/// One entry of a record's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    /// Who did it; `None` when that member has since left.
    pub actor: Option<String>,
    pub event: TimelineEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_filter_names_one_of_the_members_or_says_the_list_shows_everyones() {
        let ada = MemberOption {
            id: MemberId::random(),
            name: "Ada".to_owned(),
        };
        let members = [ada.clone()];
        assert_eq!(owner_filter("", &members, "leads"), Ok(None));
        assert_eq!(
            owner_filter(&ada.id.to_string(), &members, "leads"),
            Ok(Some(ada.id))
        );
        assert_eq!(
            owner_filter(&MemberId::random().to_string(), &members, "companies"),
            Err(
                "That owner is not a member of this workspace. The list below shows every \
                 owner's companies."
                    .to_owned()
            )
        );
        assert!(owner_filter("someone", &members, "leads").is_err());
    }

    #[test]
    fn a_list_sort_is_one_the_list_offers_and_its_default_stays_out_of_the_url() {
        let offered = [ListSort::Newest, ListSort::Name];
        assert_eq!(ListSort::choose("name", &offered), ListSort::Name);
        assert_eq!(ListSort::choose("", &offered), ListSort::Newest);
        // Offered by another list, or made up: the list's default.
        assert_eq!(ListSort::choose("close", &offered), ListSort::Newest);
        assert_eq!(ListSort::choose("NAME", &offered), ListSort::Newest);
        assert_eq!(ListSort::Newest.in_url(&offered), "");
        assert_eq!(ListSort::Name.in_url(&offered), "name");
        assert_eq!(
            ListSort::choices(&offered),
            vec![
                (String::new(), "Newest first".to_owned()),
                ("name".to_owned(), "Name".to_owned())
            ]
        );
    }

    #[test]
    fn a_bulk_message_counts_the_records_changed_and_those_already_so() {
        let outcome = |selected, changed| BulkOutcome { selected, changed };
        let (tag, owner, delete) = (BulkAction::AddTag, BulkAction::SetOwner, BulkAction::Delete);
        let said = [
            (
                outcome(3, 3),
                Kind::People,
                tag,
                "vip",
                "Added the tag \u{201c}vip\u{201d} to 3 people.",
            ),
            (
                outcome(2, 1),
                Kind::People,
                tag,
                "vip",
                "Added the tag \u{201c}vip\u{201d} to 1 person. 1 already had it.",
            ),
            (
                outcome(3, 2),
                Kind::People,
                owner,
                "Ada",
                "2 people are now owned by Ada. 1 already was.",
            ),
            (
                outcome(2, 1),
                Kind::People,
                owner,
                "nobody",
                "1 person is now owned by nobody. 1 already was.",
            ),
            (
                outcome(4, 1),
                Kind::People,
                owner,
                "Ada",
                "1 person is now owned by Ada. 3 already were.",
            ),
            (outcome(3, 3), Kind::People, delete, "", "Deleted 3 people."),
            (
                outcome(2, 1),
                Kind::Companies,
                tag,
                "partner",
                "Added the tag \u{201c}partner\u{201d} to 1 company. 1 already had it.",
            ),
            (
                outcome(3, 3),
                Kind::Opportunities,
                owner,
                "Ada",
                "3 opportunities are now owned by Ada.",
            ),
            (outcome(2, 1), Kind::Leads, delete, "", "Deleted 1 lead."),
        ];
        for (outcome, kind, action, value, sentence) in said {
            assert_eq!(outcome.message(kind, action, value), sentence);
        }
    }

    #[test]
    fn counts_name_one_record_in_the_singular_and_others_in_the_plural() {
        assert_eq!(Kind::People.count(1), "1 person");
        assert_eq!(Kind::People.count(0), "0 people");
        assert_eq!(Kind::Companies.count(1), "1 company");
        assert_eq!(Kind::Opportunities.count(12), "12 opportunities");
    }

    #[test]
    fn an_owner_is_one_of_the_members_or_nobody() {
        let ada = MemberOption {
            id: "6d1f6a8e-8c43-4a55-9a0d-000000000007".parse().unwrap(),
            name: "Ada".to_owned(),
        };
        let members = [ada.clone()];
        assert_eq!(choose_owner("", &members), Ok(None));
        assert_eq!(
            choose_owner(&format!(" {} ", ada.id), &members),
            Ok(Some(&ada))
        );
        assert_eq!(
            choose_owner("6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10", &members),
            Err("Choose an owner from the workspace's members.".to_owned())
        );
    }

    #[test]
    fn a_conflict_names_the_field_and_the_other_value() {
        assert_eq!(
            conflict_message("Phone", ""),
            "Someone else changed phone to an empty value while you were editing. Your change \
             was not saved; edit again to replace their value."
        );
        assert!(conflict_message("Name", "Acme").contains("\u{201c}Acme\u{201d}"));
    }

    #[test]
    fn a_note_is_trimmed_and_an_empty_overlong_or_binary_one_is_refused() {
        assert_eq!(
            check_note("  Met at the fair.\r\nCall in May. ").as_deref(),
            Ok("Met at the fair.\nCall in May.")
        );
        assert_eq!(check_note(" \n "), Err("Write the note first.".to_owned()));
        assert!(check_note(&"a".repeat(NOTE_MAX_CHARS)).is_ok());
        assert_eq!(
            check_note(&"a".repeat(NOTE_MAX_CHARS + 1)),
            Err("A note can be at most 5000 characters long; this one has 5001.".to_owned())
        );
        assert!(check_note("a\u{0}b").is_err());
    }

    #[test]
    fn a_page_says_where_it_stands_in_the_list() {
        let place = |first, shown, total| ListPlace {
            first,
            shown,
            total,
            ..ListPlace::default()
        };
        assert_eq!(
            place(1, 50, Some(Total::Exact(12_408))).summary(),
            "1\u{2013}50 of 12,408"
        );
        assert_eq!(
            place(51, 50, Some(Total::MoreThan(1_000))).summary(),
            "51\u{2013}100 of more than 1,000"
        );
        assert_eq!(place(3, 1, Some(Total::Exact(3))).summary(), "3 of 3");
        assert_eq!(place(0, 0, None).summary(), "");
        // A count read before rows were added never reads less than the page shows.
        assert_eq!(
            place(1001, 50, Some(Total::MoreThan(1_000))).summary(),
            "1,001\u{2013}1,050 of more than 1,050"
        );
        assert_eq!(
            place(1, 2, Some(Total::Exact(1))).summary(),
            "1\u{2013}2 of 2"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
