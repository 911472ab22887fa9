//! The server functions every kind of record's pages share.

use leptos::prelude::*;

use crm_core::bulk::{BulkJob, BulkScope};
use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::records::{BulkAction, BulkOutcome, Kind, TimelineEntry};

#[cfg(feature = "ssr")]
use crate::member::as_member;

/// Where the old address of a person or company merged into another leads (the survivor, whose
/// address the page is redirected to), or "not found" if no merge took it.
#[cfg(feature = "ssr")]
pub async fn merged_into(
    state: &crm_backend::state::AppState,
    workspace: crm_core::ids::WorkspaceId,
    kind: Kind,
    id: &str,
) -> Result<String, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let survivor = crm_backend::merge::follow(&mut conn, workspace, id)
        .await?
        .ok_or(AppError::NotFound)?;
    leptos_axum::redirect(&kind.href(&survivor));
    Ok(survivor)
}

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

/// How many records a list's search and filters match now, counted exactly: what "Select all
/// 12,408 matching" says before a bulk action over them.
#[server(prefix = "/api", endpoint = "records/bulk-count", input = server_fn::codec::Json)]
pub async fn count_matching(scope: BulkScope) -> Result<i64, AppError> {
    as_member(|session, state| async move {
        crm_backend::bulk::count(&state.db, &session, &scope).await
    })
    .await
}

/// Starts a bulk action over every record a list's search and filters match, run in the
/// background (`value` as for [`bulk_records`]; a deletion names how many the member confirmed,
/// `expected`, and is refused if the list has changed since). Answers the job, waiting to start.
#[server(prefix = "/api", endpoint = "records/bulk-start", input = server_fn::codec::Json)]
pub async fn start_bulk_job(
    scope: BulkScope,
    action: BulkAction,
    value: String,
    #[server(default)] expected: Option<i64>,
) -> Result<BulkJob, AppError> {
    as_member(|session, state| async move {
        let job =
            crm_backend::bulk::start(&state.db, &session, scope, action, &value, expected).await?;
        state.bulk_jobs.wake();
        Ok(job)
    })
    .await
}

/// One of the member's bulk jobs, as far as it has got.
#[server(prefix = "/api", endpoint = "records/bulk-job")]
pub async fn job_progress(id: String) -> Result<BulkJob, AppError> {
    as_member(
        |session, state| async move { crm_backend::bulk::job(&state.db, &session, &id).await },
    )
    .await
}

/// The member's bulk jobs on one kind of list that still run or wait (for their progress after
/// a reload).
#[server(prefix = "/api", endpoint = "records/bulk-active")]
pub async fn active_bulk_jobs(kind: Kind) -> Result<Vec<BulkJob>, AppError> {
    as_member(
        |session, state| async move { crm_backend::bulk::active(&state.db, &session, kind).await },
    )
    .await
}

/// Stops one of the member's bulk jobs before its next batch; answers it as it stopped.
#[server(prefix = "/api", endpoint = "records/bulk-cancel")]
pub async fn cancel_bulk_job(id: String) -> Result<BulkJob, AppError> {
    as_member(
        |session, state| async move { crm_backend::bulk::cancel(&state.db, &session, &id).await },
    )
    .await
}
