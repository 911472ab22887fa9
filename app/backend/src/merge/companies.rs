//! Two companies merged into one: the other's people (their company name follows the
//! survivor's), opportunities, the leads converted into it, tags, notes, tasks and timeline
//! entries move to the survivor.

use serde::{Deserialize, Serialize};

use crm_core::companies::{Company, CompanyField};
use crm_core::duplicates::{MergeChoice, MergeFields, MergePage, MergeSide, PairSide};
use crm_core::error::AppError;
use crm_core::ids::{CompanyId, PersonId, WorkspaceId};
use crm_core::records::{EditableRecord, Kind};

use super::{
    Stored, counted, each, ids, keep, lock_both, may_merge, may_undo, member_stays, move_all,
    move_back, plural, stale, tell_both,
};
use crate::accounts::session::CurrentSession;
use crate::companies::db as companies;
use crate::db::Db;
use crate::opportunities::db::company_named_now;
use crate::people::db::set_company_name;

/// The choices of the merge page, each the form field's name, its label and the company's
/// fields it sets (a mailing address whole).
const CHOICES: &[(&str, &str, &[CompanyField])] = &[
    ("name", "Name", &[CompanyField::Name]),
    ("domain", "Web domain", &[CompanyField::Domain]),
    ("phone", "Phone", &[CompanyField::Phone]),
    (
        "address",
        "Mailing address",
        &[
            CompanyField::Street,
            CompanyField::City,
            CompanyField::Region,
            CompanyField::PostalCode,
            CompanyField::Country,
        ],
    ),
    ("owner", "Owner", &[CompanyField::Owner]),
];

/// The rows that move to the survivor whole, by table and the column that names the company,
/// in the order of [`Undo::moved`].
const MOVED: [(&str, &str); 6] = [
    ("leads", "company_id"),
    ("opportunities", "company_id"),
    ("notes", "record_id"),
    ("tasks", "record_id"),
    ("record_events", "record_id"),
    ("record_events", "subject_id"),
];

/// A choice's value as the page shows it ("1 High Street, London, N1 1AA, United Kingdom").
fn shown(company: &Company, fields: &[CompanyField]) -> String {
    fields
        .iter()
        .map(|&field| company.display(field))
        .filter(|value| !value.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn has(company: &Company, fields: &[CompanyField]) -> bool {
    fields.iter().any(|&field| !company.value(field).is_empty())
}

fn side(company: &Company) -> PairSide {
    PairSide {
        id: company.id.to_string(),
        title: company.name.clone(),
    }
}

/// Both companies of the session's workspace, or "not found" (one is not, or both are one).
async fn both(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    keep: &str,
    merge: &str,
) -> Result<(Company, Company), AppError> {
    let keep = CompanyId::parse(keep).ok_or(AppError::NotFound)?;
    let merge = CompanyId::parse(merge).ok_or(AppError::NotFound)?;
    if keep == merge {
        return Err(AppError::validation(
            "merge",
            "A company cannot be merged with itself.",
        ));
    }
    let kept = companies::load(conn, workspace, keep)
        .await?
        .ok_or(AppError::NotFound)?;
    let merged = companies::load(conn, workspace, merge)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((kept, merged))
}

/// The merge page for two of the workspace's companies: each field on which they differ with
/// both values (the survivor's chosen first, or the other's where the survivor has none), and
/// what moves.
pub async fn preview(
    db: &Db,
    workspace: WorkspaceId,
    keep: &str,
    merge: &str,
) -> Result<MergePage, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (kept, merged) = both(&mut conn, workspace, keep, merge).await?;
    let choices = CHOICES
        .iter()
        .filter(|(_, _, fields)| {
            fields
                .iter()
                .any(|&field| kept.value(field) != merged.value(field))
        })
        .map(|&(name, label, fields)| MergeChoice {
            name: name.to_owned(),
            label: label.to_owned(),
            kept: shown(&kept, fields),
            merged: shown(&merged, fields),
            chosen: if has(&kept, fields) || !has(&merged, fields) {
                MergeSide::Kept
            } else {
                MergeSide::Merged
            },
        })
        .collect();
    let id = merged.id.to_string();
    let mut moves = Vec::new();
    if !merged.tags.is_empty() {
        moves.push(plural(merged.tags.len(), "tag", "tags"));
    }
    let counts = [
        (
            "SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND company_id = $2",
            "person",
            "people",
        ),
        (
            "SELECT COUNT(*) FROM opportunities WHERE workspace_id = $1 AND company_id = $2",
            "opportunity",
            "opportunities",
        ),
        (
            "SELECT COUNT(*) FROM leads WHERE workspace_id = $1 AND company_id = $2",
            "lead",
            "leads",
        ),
        (
            "SELECT COUNT(*) FROM notes WHERE workspace_id = $1 AND record_id = $2",
            "note",
            "notes",
        ),
        (
            "SELECT COUNT(*) FROM tasks WHERE workspace_id = $1 AND record_id = $2",
            "task",
            "tasks",
        ),
        (
            "SELECT COUNT(*) FROM record_events WHERE workspace_id = $1 AND record_id = $2",
            "timeline entry",
            "timeline entries",
        ),
    ];
    moves.extend(counted(&mut conn, workspace, &id, &counts).await?);
    Ok(MergePage {
        kind: Kind::Companies,
        moves,
        kept: side(&kept),
        merged: side(&merged),
        kept_version: kept.version,
        merged_version: merged.version,
        choices,
    })
}

/// What a company merge wrote, kept until it is undone: both companies as they were (with their
/// tags), and the rows that moved.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Undo {
    merged: Option<Company>,
    merged_owner: Option<String>,
    kept: Option<Company>,
    kept_owner: Option<String>,
    /// The other's tags that the survivor did not have.
    added_tags: Vec<String>,
    /// The other's people, now the survivor's.
    people: Vec<String>,
    /// The people whose company name the merge wrote (the other's, and the survivor's own when
    /// it took the other's name), each with the name they had.
    renamed: Vec<(String, String)>,
    /// The ids moved from each table of [`MOVED`], in its order.
    moved: Vec<Vec<String>>,
}

/// Merges the other company (`fields.merge`) into the survivor (`fields.keep`), as the page
/// showed them (their versions), taking the values chosen; answers the survivor's id. The
/// workspace's owner and admins, and a member who owns both, may merge.
pub async fn merge(
    db: &Db,
    session: &CurrentSession,
    fields: &MergeFields,
) -> Result<CompanyId, AppError> {
    let workspace = session.viewer.workspace_id;
    let mut tx = db.begin_write().await?;
    lock_both(db, &mut tx, "companies", fields).await?;
    let (kept, merged) = both(&mut tx, workspace, &fields.keep, &fields.merge).await?;
    let owner = |company: &Company| company.owner.as_ref().map(|owner| owner.id);
    may_merge(
        session,
        Kind::Companies,
        fields,
        (kept.version, merged.version),
        [owner(&kept), owner(&merged)],
    )?;
    let now = db.now_millis();
    let kept_id = kept.id.to_string();
    let merged_id = merged.id.to_string();
    let mut undo = Undo {
        merged: Some(merged.clone()),
        merged_owner: merged.owner.as_ref().map(|o| o.id.to_string()),
        kept: Some(kept.clone()),
        kept_owner: kept.owner.as_ref().map(|o| o.id.to_string()),
        ..Undo::default()
    };
    let mut result = kept.clone();
    for &(name, _, company_fields) in CHOICES {
        if fields.choice(name) == MergeSide::Merged {
            for &field in company_fields {
                copy(&mut result, &merged, field);
            }
        }
    }
    let kept_tags: Vec<String> = kept.tags.iter().map(|t| t.to_lowercase()).collect();
    undo.added_tags = merged
        .tags
        .iter()
        .filter(|tag| !kept_tags.contains(&tag.to_lowercase()))
        .cloned()
        .collect();
    result.tags.extend(undo.added_tags.iter().cloned());
    result.tags.sort();

    // The other's people work at the survivor, under its name (as a rename writes it, each in
    // their timeline); the survivor's own people too when it takes the other's name.
    undo.people = ids(
        &mut tx,
        "SELECT id FROM people WHERE workspace_id = $1 AND company_id = $2",
        workspace,
        &merged_id,
    )
    .await?;
    each(
        &mut tx,
        "UPDATE people SET company_id = $2 WHERE workspace_id = $1 AND id = $3",
        workspace,
        &kept_id,
        &undo.people,
    )
    .await?;
    undo.moved = move_all(&mut tx, workspace, &MOVED, &merged_id, &kept_id).await?;
    undo.renamed = rename_people(&mut tx, session, &kept_id, &result.name, now).await?;

    // The other goes first (with its tags): the survivor may take its name.
    sqlx::query("DELETE FROM companies WHERE workspace_id = $1 AND id = $2")
        .bind(workspace)
        .bind(&merged_id)
        .execute(&mut *tx)
        .await?;
    if !companies::update(&mut tx, workspace, &result, kept.version, now).await? {
        return Err(AppError::Conflict(
            "Someone saved this company at the same moment. Look at it again, then merge."
                .to_owned(),
        ));
    }
    company_named_now(&mut tx, workspace, &kept_id, &result.name).await?;
    keep(
        &mut tx,
        session,
        Kind::Companies,
        (&kept_id, kept.version + 1),
        (&merged_id, &merged.name),
        now,
        &undo,
    )
    .await?;
    let both = (
        (kept_id.as_str(), kept.name.as_str()),
        (merged_id.as_str(), merged.name.as_str()),
    );
    tell_both(&mut tx, session, Kind::Companies, both, false, now).await?;
    tx.commit().await?;
    tracing::info!(%workspace, kept = %kept_id, merged = %merged_id, "companies merged");
    Ok(kept.id)
}

/// Writes `name` as the company name of the company's people who have another (each change in
/// their timeline); answers who changed, each with the name they had.
async fn rename_people(
    conn: &mut sqlx::AnyConnection,
    session: &CurrentSession,
    company: &str,
    name: &str,
    now: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let workspace = session.viewer.workspace_id;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, company_name FROM people WHERE workspace_id = $1 AND company_id = $2",
    )
    .bind(workspace)
    .bind(company)
    .fetch_all(&mut *conn)
    .await?;
    let mut renamed = Vec::new();
    for (id, had) in rows {
        if had == name {
            continue;
        }
        let person = PersonId::parse(&id).ok_or_else(|| AppError::internal("a person's id"))?;
        set_company_name(conn, workspace, person, name, session.viewer.member_id, now).await?;
        renamed.push((id, had));
    }
    Ok(renamed)
}

/// Sets `field` of `to` as `from` has it.
fn copy(to: &mut Company, from: &Company, field: CompanyField) {
    match field {
        CompanyField::Name => to.name.clone_from(&from.name),
        CompanyField::Domain => to.domain.clone_from(&from.domain),
        CompanyField::Phone => to.phone.clone_from(&from.phone),
        CompanyField::Street => to.street.clone_from(&from.street),
        CompanyField::City => to.city.clone_from(&from.city),
        CompanyField::Region => to.region.clone_from(&from.region),
        CompanyField::PostalCode => to.postal_code.clone_from(&from.postal_code),
        CompanyField::Country => to.country.clone_from(&from.country),
        CompanyField::Tags => {}
        CompanyField::Owner => to.owner.clone_from(&from.owner),
    }
}

/// Undoes a merge of companies ([`super::undo`], which has read and locked the merge's row):
/// the other company is back with everything that moved; answers its id.
pub(super) async fn undo(
    db: &Db,
    tx: &mut sqlx::AnyConnection,
    session: &CurrentSession,
    stored: &Stored,
) -> Result<CompanyId, AppError> {
    let workspace = session.viewer.workspace_id;
    let actor = session.viewer.member_id;
    let (kept_id, merged_id) = (stored.kept_id.as_str(), stored.merged_id.as_str());
    db.lock_record(&mut *tx, "companies", kept_id).await?;
    let kept_company = CompanyId::parse(kept_id).ok_or(AppError::NotFound)?;
    let Some(now_kept) = companies::load(&mut *tx, workspace, kept_company).await? else {
        return Err(stale(Kind::Companies));
    };
    if now_kept.version != stored.kept_version {
        return Err(stale(Kind::Companies));
    }
    let undo: Undo = serde_json::from_str(&stored.undo)
        .map_err(|_| AppError::internal("a stored merge's undo does not read"))?;
    let (Some(mut merged), Some(mut before)) = (undo.merged.clone(), undo.kept.clone()) else {
        return Err(AppError::internal("a stored merge lacks its companies"));
    };
    may_undo(
        session,
        Kind::Companies,
        [undo.merged_owner.as_deref(), undo.kept_owner.as_deref()],
    )?;
    let now = db.now_millis();
    // The survivor as before (its name free again for the other), one version on, without an
    // owner who has left since.
    if !member_stays(&mut *tx, workspace, undo.kept_owner.as_deref()).await? {
        before.owner = None;
    }
    if !companies::update(&mut *tx, workspace, &before, now_kept.version, now).await? {
        return Err(stale(Kind::Companies));
    }
    if !member_stays(&mut *tx, workspace, undo.merged_owner.as_deref()).await? {
        merged.owner = None;
    }
    companies::restore(&mut *tx, workspace, &merged).await?;
    each(
        &mut *tx,
        "UPDATE people SET company_id = $2 WHERE workspace_id = $1 AND id = $3",
        workspace,
        merged_id,
        &undo.people,
    )
    .await?;
    move_back(&mut *tx, workspace, &MOVED, &undo.moved, merged_id).await?;
    // Each person renamed by the merge gets back the name they had, unless it was changed since
    // (the survivor is unchanged, so the name the merge wrote is still its name).
    for (id, had) in &undo.renamed {
        let named: Option<String> = sqlx::query_scalar(
            "SELECT company_name FROM people WHERE workspace_id = $1 AND id = $2",
        )
        .bind(workspace)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let (Some(named), Some(person)) = (named, PersonId::parse(id))
            && named == now_kept.name
        {
            set_company_name(&mut *tx, workspace, person, had, actor, now).await?;
        }
    }
    company_named_now(&mut *tx, workspace, kept_id, &before.name).await?;
    company_named_now(&mut *tx, workspace, merged_id, &merged.name).await?;
    let both = (
        (kept_id, before.name.as_str()),
        (merged_id, merged.name.as_str()),
    );
    tell_both(&mut *tx, session, Kind::Companies, both, true, now).await?;
    Ok(merged.id)
}
