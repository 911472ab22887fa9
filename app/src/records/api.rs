//! The server functions every kind of record's pages share.

use leptos::prelude::*;

use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::records::{BulkAction, BulkOutcome, Kind, TimelineEntry};

#[cfg(feature = "ssr")]
use crate::member::as_member;

/// What an "Add a person / company / lead" form shows: what was posted and what is wrong, after a
/// refused POST (the server renders that answer itself); empty otherwise. Members only.
#[server(prefix = "/api", endpoint = "records/new-form")]
pub async fn new_record_form() -> Result<FormState, AppError> {
    as_member(|_session, _state| async { Ok(crate::form::posted_form()) }).await
}

/// Writes a note on one of the workspace's records of `kind`; answers with the record's
/// timeline, the note in it. An id that is not one of them is "not found". Members only.
#[server(prefix = "/api", endpoint = "records/add-note")]
pub async fn add_note(
    kind: Kind,
    id: String,
    body: String,
) -> Result<Vec<TimelineEntry>, AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::add_note(&state.db, &session, kind, &id, &body).await
    })
    .await
}

/// Replaces the text of a note the member wrote, if it still holds `base`, the text their edit
/// started from; answers with the timeline of the note's record. Its author only.
#[server(prefix = "/api", endpoint = "records/edit-note")]
pub async fn edit_note(
    id: String,
    body: String,
    base: String,
) -> Result<Vec<TimelineEntry>, AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::edit_note(&state.db, &session, &id, &body, &base).await
    })
    .await
}

/// The timeline of the record a note is on, read again after an edit of the note was refused
/// because it had changed meanwhile.
#[server(prefix = "/api", endpoint = "records/note-timeline")]
pub async fn note_timeline(id: String) -> Result<Vec<TimelineEntry>, AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::note_timeline(&state.db, &session, &id).await
    })
    .await
}

/// Deletes a note, its text with it; answers with the timeline of its record, which says that a
/// note was deleted. Its author, and the workspace's owner and admins.
#[server(prefix = "/api", endpoint = "records/delete-note")]
pub async fn delete_note(id: String) -> Result<Vec<TimelineEntry>, AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::delete_note(&state.db, &session, &id).await
    })
    .await
}

/// Deletes one of the workspace's records of `kind` with what belongs to it (see
/// [`crm_backend::records::service::delete`]). An id that is not one of them is "not found", and nothing
/// changes. Members only.
#[server(prefix = "/api", endpoint = "records/delete")]
pub async fn delete_record(kind: Kind, id: String) -> Result<(), AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::delete(&state.db, &session, kind, &id).await
    })
    .await
}

/// A record's timeline alone (a person's, company's, lead's or opportunity's), read again after
/// something added to it elsewhere on its page: a task added or ticked done.
#[server(prefix = "/api", endpoint = "records/timeline")]
pub async fn record_timeline(id: String) -> Result<Vec<TimelineEntry>, AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::timeline(&state.db, &session, &id).await
    })
    .await
}

/// A bulk action on the records of one kind selected in its list (`value` is the tag to add or the
/// new owner's member id). Every id must be one of this workspace's records of that kind, or
/// nothing changes and the answer is 404.
#[server(prefix = "/api", endpoint = "records/bulk")]
pub async fn bulk_records(
    kind: Kind,
    // Absent when none is selected (a form sends no key for an empty list): refused below with
    // a message, not as an unreadable request.
    #[server(default)] ids: Vec<String>,
    action: BulkAction,
    value: String,
) -> Result<BulkOutcome, AppError> {
    as_member(|session, state| async move {
        crm_backend::records::service::bulk(&state.db, &session, kind, &ids, action, &value).await
    })
    .await
}
