//! What the kinds of records a workspace keeps (people, companies, leads) share: typed ids, fields edited
//! in place with conflict detection and local drafts, owners chosen among the members, and the
//! activity timeline.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub(crate) use model::record_id;
pub use model::{
    ConversionRole, EditableRecord, FieldInput, Kind, ListQuery, MemberOption, NewRecordFields,
    RecordField, Saved, TimelineEntry, TimelineEvent, conflict_message,
};
pub use pages::{
    AddNote, CONFIRM_CANCEL_ID, ConfirmDeletion, DeleteRecord, EditableField, ListNotices,
    ListPages, ListSearch, ListTable, NewRecordPage, PhoneField, RecordPage, RestoredNotice,
    TagsField, Timeline,
};
