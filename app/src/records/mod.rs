//! What the kinds of records a workspace keeps (people, companies, leads, opportunities) share:
//! typed ids, fields edited in place with conflict detection and local drafts, owners chosen among
//! the members, the activity timeline, and rows of a list ticked and changed at once.

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod posts;
mod remote;
mod selection;

pub use pages::{
    AddButton, AddNote, CONFIRM_CANCEL_ID, ConfirmDeletion, DeleteRecord, EditableField,
    ExistingRecords, ListFilter, ListNotices, ListPages, ListSearch, ListTable, MergeNotices,
    NewRecordPage, PhoneField, RecordPage, RecordTitle, RestoredNotice, TagsField, Timeline,
    fixed_choices, owner_choices, tag_choices,
};
pub use remote::RecordApi;
pub use selection::{
    BulkProblem, MemberChoice, Selection, TickCell, bulk_notice, chosen_member, gone_meanwhile,
    tick,
};
