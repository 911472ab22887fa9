//! What members do the same way on every kind of record, decided on the server in the session's
//! workspace only.

use crm_core::records::{
    BULK_MAX, BulkAction, BulkOutcome, TimelineEntry, TimelineEvent, check_note, choose_owner,
    may_delete_note, may_edit_note,
};

use crm_core::error::AppError;
use crm_core::ids::{MemberId, NoteId, WorkspaceId};
use crm_core::text::{TAGS_MAX, parse_tags};
use crm_core::workspaces::Role;

use super::db::{self, Kind};
use crate::accounts::session::CurrentSession;
use crate::db::{Backend, Db};

/// A record's id as a page or a URL sent it; anything but a UUID is "not found".
pub fn parse_id(raw: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| AppError::NotFound)
}

/// Writes a note on one of the workspace's records of `kind`; answers with the record's
/// timeline, the note in it. An id that is not one of them is "not found".
pub async fn add_note(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    record: &str,
    body: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let workspace = session.viewer.workspace_id;
    let record = parse_id(record)?.to_string();
    let body = check_note(body).map_err(|message| AppError::validation("note", message))?;
    let mut tx = db.begin_write().await?;
    db::add_note(
        &mut tx,
        kind,
        workspace,
        &record,
        session.viewer.member_id,
        &body,
        db.now_millis(),
    )
    .await?;
    let timeline = db::timeline(&mut tx, workspace, record.as_str()).await?;
    tx.commit().await?;
    tracing::info!(record_id = %record, workspace_id = %workspace, ?kind, "note added");
    Ok(timeline)
}

/// Replaces the text of a note the member wrote, if it still holds `base` (what their edit
/// started from); answers with the timeline of the note's record. Only its author may: anyone
/// else is refused with a message, and a note that is not the workspace's is "not found".
pub async fn edit_note(
    db: &Db,
    session: &CurrentSession,
    note: &str,
    body: &str,
    base: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let workspace = session.viewer.workspace_id;
    let note = NoteId::parse(note.trim()).ok_or(AppError::NotFound)?;
    let body = check_note(body).map_err(|message| AppError::validation("note", message))?;
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "notes", &note.to_string()).await?;
    let stored = db::note(&mut tx, workspace, note)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_edit_note(stored.author, session.viewer.member_id) {
        return Err(AppError::NotAllowed(
            "Only the member who wrote a note can edit it. Add a note of your own instead."
                .to_owned(),
        ));
    }
    if stored.body != body {
        if stored.body != base.replace("\r\n", "\n").trim() {
            return Err(AppError::Conflict(
                "This note was changed in another window while you were editing it. Your \
                 change was not saved; the note now shows the other text. Edit again to replace \
                 it."
                .to_owned(),
            ));
        }
        if !db::edit_note(
            &mut tx,
            workspace,
            note,
            &stored.body,
            &body,
            db.now_millis(),
        )
        .await?
        {
            return Err(AppError::internal("a locked note changed under its edit"));
        }
    }
    let timeline = db::timeline(&mut tx, workspace, stored.record.as_str()).await?;
    tx.commit().await?;
    tracing::info!(note_id = %note, workspace_id = %workspace, "note edited");
    Ok(timeline)
}

/// The timeline of the record a note is on. A note that is not the workspace's is "not found".
pub async fn note_timeline(
    db: &Db,
    session: &CurrentSession,
    note: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let workspace = session.viewer.workspace_id;
    let note = NoteId::parse(note.trim()).ok_or(AppError::NotFound)?;
    let mut conn = db.pool().acquire().await?;
    let stored = db::note(&mut conn, workspace, note)
        .await?
        .ok_or(AppError::NotFound)?;
    db::timeline(&mut conn, workspace, stored.record.as_str()).await
}

/// Deletes a note, its text with it (a note may hold personal data written on the wrong record);
/// the record's timeline keeps that a note was deleted, by whom and when. Its author may, and the
/// workspace's owner and admins. Answers with the record's timeline.
pub async fn delete_note(
    db: &Db,
    session: &CurrentSession,
    note: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let viewer = &session.viewer;
    let workspace = viewer.workspace_id;
    let note = NoteId::parse(note.trim()).ok_or(AppError::NotFound)?;
    let mut tx = db.begin_write().await?;
    db.lock_record(&mut tx, "notes", &note.to_string()).await?;
    let stored = db::note(&mut tx, workspace, note)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_delete_note(stored.author, viewer.member_id, viewer.role) {
        return Err(AppError::NotAllowed(
            "Only the member who wrote a note, and the workspace's owner and admins, can delete \
             it. Nothing was deleted: ask one of them."
                .to_owned(),
        ));
    }
    if !db::delete_note(&mut tx, workspace, note).await? {
        return Err(AppError::NotFound);
    }
    let now = db.now_millis();
    db::record_event(
        &mut *tx,
        workspace,
        &stored.record,
        viewer.member_id,
        &TimelineEvent::NoteDeleted,
        now,
    )
    .await?;
    let timeline = db::timeline(&mut tx, workspace, stored.record.as_str()).await?;
    tx.commit().await?;
    tracing::info!(note_id = %note, workspace_id = %workspace, "note deleted");
    Ok(timeline)
}

/// Deletes one of the workspace's records of `kind` with its timeline, notes, tasks and tags (a
/// person also with their contacts and the leads they were converted from, as a bulk deletion
/// does). An id that is not one of them is "not found", and nothing changes.
pub async fn delete(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    record: &str,
) -> Result<(), AppError> {
    let workspace = session.viewer.workspace_id;
    let record = parse_id(record)?.to_string();
    let mut tx = db.begin_write().await?;
    let ids = std::slice::from_ref(&record);
    // Another workspace's record, or none: "not found" before anything is said of its owner.
    db::ensure_all_found(&mut tx, kind, workspace, ids).await?;
    may_delete(&mut tx, &Actor::of(session), kind, ids).await?;
    if delete_all(&mut tx, kind, workspace, ids).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(record_id = %record, workspace_id = %workspace, ?kind, "record deleted");
    Ok(())
}

/// The timeline of one of the workspace's records of any kind, read again after something added
/// to it elsewhere on its page (a task added or ticked done). An id that is not one of them is
/// "not found".
pub async fn timeline(
    db: &Db,
    session: &CurrentSession,
    record: &str,
) -> Result<Vec<TimelineEntry>, AppError> {
    let workspace = session.viewer.workspace_id;
    let record = parse_id(record)?.to_string();
    let mut conn = db.pool().acquire().await?;
    db::kind_of(&mut conn, workspace, &record).await?;
    db::timeline(&mut conn, workspace, record.as_str()).await
}

/// Parses the ids of a bulk action on a list of `plural` (one is a `noun`): at least one, at most
/// [`BULK_MAX`], each a UUID (an id that is not one is "not found"), each once, in order. Every
/// bulk action changes its records in this one order, so two members' overlapping selections
/// take the records' row locks in the same order on PostgreSQL and wait for each other, instead
/// of each holding what the other needs (a deadlock, which one of them would be refused for).
pub(crate) fn selected_ids(
    noun: &str,
    plural: &str,
    ids: &[String],
) -> Result<Vec<String>, AppError> {
    if ids.is_empty() {
        return Err(AppError::validation(
            "ids",
            format!("Select at least one {noun} first."),
        ));
    }
    if ids.len() > BULK_MAX {
        return Err(AppError::validation(
            "ids",
            format!("Select at most {BULK_MAX} {plural} at a time."),
        ));
    }
    let mut parsed: Vec<String> = Vec::with_capacity(ids.len());
    for raw in ids {
        parsed.push(parse_id(raw)?.to_string());
    }
    parsed.sort_unstable();
    parsed.dedup();
    Ok(parsed)
}

/// The one tag a bulk action adds, as typed.
fn one_tag(kind: Kind, value: &str) -> Result<String, AppError> {
    if !kind.has_tags() {
        return Err(AppError::validation(
            "tag",
            format!("{} have no tags.", capitalised(kind.plural())),
        ));
    }
    let tags = parse_tags(value).map_err(|message| AppError::validation("tag", message))?;
    match <[String; 1]>::try_from(tags) {
        Ok([tag]) => Ok(tag),
        Err(tags) if tags.is_empty() => Err(AppError::validation("tag", "Type the tag to add.")),
        Err(_) => Err(AppError::validation(
            "tag",
            "Add one tag at a time (a tag cannot contain a comma).",
        )),
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Who a change is made as: a member, in a workspace, in a role there. A request's comes from its
/// session; a bulk job's from the member who started it, as they stand when each batch runs.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub workspace: WorkspaceId,
    pub member: MemberId,
    pub role: Role,
}

impl Actor {
    pub fn of(session: &CurrentSession) -> Self {
        Self {
            workspace: session.viewer.workspace_id,
            member: session.viewer.member_id,
            role: session.viewer.role,
        }
    }
}

/// Refuses, with a message that says who may, to delete records the member may not: owners and
/// admins delete any of the workspace's records, members only those they own.
async fn may_delete(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    kind: Kind,
    ids: &[String],
) -> Result<(), AppError> {
    if actor.role.runs_workspace() {
        return Ok(());
    }
    let others =
        db::count_not_owned_by(&mut *conn, kind, actor.workspace, actor.member, ids).await?;
    if others == 0 {
        return Ok(());
    }
    tracing::info!(member_id = %actor.member, ?kind, others, "deletion refused: records owned by others");
    Err(AppError::NotAllowed(if ids.len() == 1 {
        format!(
            "Only the workspace's owner and admins, and the member who owns this {noun}, can delete it. Nothing was deleted: ask one of them.",
            noun = kind.noun()
        )
    } else {
        format!(
            "You can delete only the {plural} you own, and {others} of the {selected} selected {are} owned by someone else or by nobody. Nothing was deleted: leave {them} out, or ask the workspace's owner or an admin.",
            plural = kind.plural(),
            selected = ids.len(),
            are = if others == 1 { "is" } else { "are" },
            them = if others == 1 { "it" } else { "them" },
        )
    }))
}

/// What a bulk action's value stands for, checked before anything changes: the tag to add (as
/// typed), the new owner's name ("nobody"), or nothing for a deletion. The sentence that tells
/// what was done uses it.
pub async fn action_label(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    kind: Kind,
    action: BulkAction,
    value: &str,
) -> Result<String, AppError> {
    match action {
        BulkAction::AddTag => {
            // As the workspace spells it, when it has it already.
            let typed = one_tag(kind, value)?;
            Ok(db::spelling_of(&mut *conn, kind, workspace, &typed)
                .await?
                .unwrap_or(typed))
        }
        BulkAction::SetOwner => {
            let members = db::members(&mut *conn, workspace).await?;
            let owner = choose_owner(value, &members)
                .map_err(|message| AppError::validation("owner", message))?;
            Ok(owner.map_or_else(|| "nobody".to_owned(), |m| m.name.clone()))
        }
        BulkAction::Delete => Ok(String::new()),
    }
}

/// A bulk action on records selected in a list, all in one transaction: every selected record
/// must be one of the workspace's records of `kind`, or nothing changes. Tag and owner changes go
/// into each record's timeline like an edit in its page; a deletion removes the records with
/// what belongs to them, as deleting each on its page does.
pub async fn bulk(
    db: &Db,
    session: &CurrentSession,
    kind: Kind,
    ids: &[String],
    action: BulkAction,
    value: &str,
) -> Result<BulkOutcome, AppError> {
    let workspace = session.viewer.workspace_id;
    let ids = selected_ids(kind.noun(), kind.plural(), ids)?;
    let mut tx = db.begin_write().await?;
    db::ensure_all_found(&mut tx, kind, workspace, &ids).await?;
    let batch = Batch {
        kind,
        action,
        value,
        now: db.now_millis(),
        whole: true,
    };
    let changed = apply(&mut tx, db.backend(), &Actor::of(session), &batch, &ids).await?;
    tx.commit().await?;
    tracing::info!(workspace_id = %workspace, ?kind, ?action, selected = ids.len(), changed, "records changed in bulk");
    Ok(BulkOutcome {
        selected: ids.len(),
        changed,
    })
}

/// One application of a bulk action to some of the workspace's records.
pub struct Batch<'v> {
    pub kind: Kind,
    pub action: BulkAction,
    /// The tag to add, or the new owner's member id (empty for nobody).
    pub value: &'v str,
    pub now: i64,
    /// Whether the batch is the whole action (the ticked rows of a list), or one batch of a job
    /// over every match (whose earlier batches stay applied when this one is refused).
    pub whole: bool,
}

/// Applies a bulk action to `ids` (sorted, each one of the workspace's records of the batch's
/// kind) in the caller's transaction, locking them in order first; answers how many it changed.
/// Tag and owner changes go into each record's timeline like an edit in its page.
pub async fn apply(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    actor: &Actor,
    batch: &Batch<'_>,
    ids: &[String],
) -> Result<usize, AppError> {
    let (kind, workspace) = (batch.kind, actor.workspace);
    db::lock_records_in_order(&mut *conn, backend, kind, workspace, ids).await?;
    match batch.action {
        BulkAction::AddTag => {
            let typed = one_tag(kind, batch.value)?;
            let tag = db::spell_tags(&mut *conn, kind, workspace, &[typed])
                .await?
                .pop()
                .ok_or_else(|| AppError::internal("a tag was spelled as nothing"))?;
            tag_all(conn, actor, batch, ids, &tag).await
        }
        BulkAction::SetOwner => hand_over(conn, actor, batch, ids).await,
        BulkAction::Delete => {
            may_delete(&mut *conn, actor, kind, ids).await?;
            delete_all(conn, kind, workspace, ids).await
        }
    }
}

/// Adds `tag` to those of the records that lack it; answers how many.
async fn tag_all(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    batch: &Batch<'_>,
    ids: &[String],
    tag: &str,
) -> Result<usize, AppError> {
    let (kind, workspace) = (batch.kind, actor.workspace);
    // Every record's tags in one query; those that lack this one get it.
    let tags_of = db::tags_of(&mut *conn, kind, workspace, ids).await?;
    let mut events = Vec::new();
    let mut tagged = Vec::new();
    for id in ids {
        let mut tags: Vec<&str> = tags_of
            .iter()
            .filter(|(record, _)| record == id)
            .map(|(_, tag)| tag.as_str())
            .collect();
        if tags.contains(&tag) {
            continue;
        }
        if tags.len() >= TAGS_MAX {
            let name = db::name_of(&mut *conn, kind, workspace, id).await?;
            let (them, their) = if kind == Kind::People {
                ("them", "their")
            } else {
                ("it", "its")
            };
            let what_now = if batch.whole {
                format!("Nothing was changed: remove one of {their} tags or leave {them} out.")
            } else {
                format!(
                    "Remove one of {their} tags, or narrow the list to leave {them} out, and add the tag again."
                )
            };
            return Err(AppError::validation(
                "tag",
                format!(
                    "{name} already has {TAGS_MAX} tags, the most a {} can have. {what_now}",
                    kind.noun()
                ),
            ));
        }
        let old = tags.join(", ");
        tags.push(tag);
        tags.sort_unstable();
        let event = TimelineEvent::Changed {
            field: "tags".to_owned(),
            old,
            new: tags.join(", "),
        };
        events.push((id.clone(), event));
        tagged.push(id.clone());
    }
    db::add_tag(&mut *conn, kind, workspace, &tagged, tag).await?;
    changed(conn, actor, batch, &tagged, None, &events).await
}

/// Makes the member whose id is the batch's value (nobody, when empty) the owner of those of the
/// records that have another; answers how many.
async fn hand_over(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    batch: &Batch<'_>,
    ids: &[String],
) -> Result<usize, AppError> {
    let (kind, workspace) = (batch.kind, actor.workspace);
    let members = db::members(&mut *conn, workspace).await?;
    let owner = choose_owner(batch.value, &members)
        .map_err(|message| AppError::validation("owner", message))?;
    let owner_id = owner.map(|m| m.id.to_string());
    let mut events = Vec::new();
    let mut handed = Vec::new();
    for (id, current, current_name) in db::owners_of(&mut *conn, kind, workspace, ids).await? {
        if current == owner_id {
            continue;
        }
        let event = TimelineEvent::Changed {
            field: "owner".to_owned(),
            old: current_name,
            new: owner.map(|m| m.name.clone()).unwrap_or_default(),
        };
        events.push((id.clone(), event));
        handed.push(id);
    }
    let owner = Some(owner.map(|m| m.id));
    changed(conn, actor, batch, &handed, owner, &events).await
}

/// Marks records changed by a bulk action (a new version each, and the new owner when it is one)
/// and tells each change in its timeline; answers how many.
async fn changed(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    batch: &Batch<'_>,
    records: &[String],
    owner: Option<Option<MemberId>>,
    events: &[(String, TimelineEvent)],
) -> Result<usize, AppError> {
    let workspace = actor.workspace;
    db::touch_many(&mut *conn, batch.kind, workspace, records, owner, batch.now).await?;
    db::record_events(&mut *conn, workspace, actor.member, events, batch.now).await?;
    Ok(records.len())
}

/// Deletes the records with what belongs to them; answers how many.
async fn delete_all(
    conn: &mut sqlx::AnyConnection,
    kind: Kind,
    workspace: WorkspaceId,
    ids: &[String],
) -> Result<usize, AppError> {
    if kind == Kind::People {
        let people: Vec<_> = ids
            .iter()
            .filter_map(|id| crm_core::ids::PersonId::parse(id))
            .collect();
        return db::delete_people(conn, workspace, &people).await;
    }
    for id in ids {
        db::delete(&mut *conn, kind, workspace, id).await?;
    }
    Ok(ids.len())
}
