//! Workspace queries.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crm_core::country::Country;
use crm_core::error::AppError;
use crm_core::ids::WorkspaceId;
use crm_core::workspaces::{Workspace, WorkspaceKind, WorkspaceName};

use crate::db::Db;

/// The vendor workspace's name when start-up creates it.
pub const VENDOR_WORKSPACE_NAME: &str = "Candor CRM operators";

fn from_row(row: &AnyRow) -> Result<Workspace, AppError> {
    let id: String = row.try_get("id")?;
    let name: String = row.try_get("name")?;
    let kind: String = row.try_get("kind")?;
    Ok(Workspace {
        id: id
            .parse()
            .map_err(|_| AppError::internal(format!("stored workspace id is not a UUID: {id}")))?,
        name: WorkspaceName::parse(&name)?,
        kind: WorkspaceKind::parse(&kind).ok_or_else(|| {
            AppError::internal(format!("stored workspace kind is unknown: {kind}"))
        })?,
        created_at: row.try_get("created_at")?,
    })
}

/// Creates a workspace.
pub async fn create<'e>(
    executor: impl Executor<'e, Database = Any>,
    name: &WorkspaceName,
    kind: WorkspaceKind,
    country: Option<Country>,
    now: i64,
) -> Result<Workspace, AppError> {
    let workspace = Workspace {
        id: WorkspaceId::random(),
        name: name.clone(),
        kind,
        created_at: now,
    };
    sqlx::query(
        "INSERT INTO workspaces (id, name, kind, country, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(workspace.id)
    .bind(workspace.name.as_str())
    .bind(kind.as_str())
    .bind(country.map(Country::code))
    .bind(workspace.created_at)
    .execute(executor)
    .await?;
    Ok(workspace)
}

/// Sets the workspace's home country (or none).
pub async fn set_country<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    country: Option<Country>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE workspaces SET country = $1 WHERE id = $2")
        .bind(country.map(Country::code))
        .bind(workspace)
        .execute(executor)
        .await?;
    Ok(())
}

/// Finds a workspace by id.
pub async fn find<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: WorkspaceId,
) -> Result<Option<Workspace>, AppError> {
    let row = sqlx::query("SELECT id, name, kind, created_at FROM workspaces WHERE id = $1")
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Returns the vendor's own workspace, creating it on first start. Several instances may start at
/// once: the unique index lets exactly one insert win, and every instance then reads that one.
pub async fn ensure_vendor_workspace(db: &Db) -> Result<Workspace, AppError> {
    let name = WorkspaceName::parse(VENDOR_WORKSPACE_NAME)?;
    sqlx::query(
        "INSERT INTO workspaces (id, name, kind, created_at) VALUES ($1, $2, 'vendor', $3) \
         ON CONFLICT (kind) WHERE kind = 'vendor' DO NOTHING",
    )
    .bind(WorkspaceId::random())
    .bind(name.as_str())
    .bind(db.now_millis())
    .execute(db.pool())
    .await?;
    let row =
        sqlx::query("SELECT id, name, kind, created_at FROM workspaces WHERE kind = 'vendor'")
            .fetch_one(db.pool())
            .await?;
    from_row(&row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    #[backend_test]
    async fn the_vendor_workspace_is_created_once_however_often_start_up_runs(
        test_db: TestDatabase,
    ) {
        let db = &test_db.db;
        let first = ensure_vendor_workspace(db).await.expect("created");
        let second = ensure_vendor_workspace(db).await.expect("found");
        assert_eq!(first, second, "{}", test_db.label());
        assert_eq!(first.kind, WorkspaceKind::Vendor);
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE kind = 'vendor'")
                .fetch_one(db.pool())
                .await
                .expect("count");
        assert_eq!(count, 1, "{}", test_db.label());
    }

    #[backend_test]
    async fn concurrent_start_ups_agree_on_one_vendor_workspace(test_db: TestDatabase) {
        let db = &test_db.db;
        let (a, b, c) = tokio::join!(
            ensure_vendor_workspace(db),
            ensure_vendor_workspace(db),
            ensure_vendor_workspace(db)
        );
        let (a, b, c) = (a.expect("a"), b.expect("b"), c.expect("c"));
        assert_eq!(a.id, b.id, "{}", test_db.label());
        assert_eq!(b.id, c.id, "{}", test_db.label());
    }

    #[backend_test]
    async fn a_created_workspace_reads_back_exactly_and_unknown_ids_find_nothing(
        test_db: TestDatabase,
    ) {
        let db = &test_db.db;
        let name = WorkspaceName::parse("Acme Bakery — Zürich").expect("valid");
        let swiss = Country::parse("CH");
        let created = create(
            db.pool(),
            &name,
            WorkspaceKind::Customer,
            swiss,
            db.now_millis(),
        )
        .await
        .expect("created");
        let found = find(db.pool(), created.id)
            .await
            .expect("query")
            .expect("exists");
        assert_eq!(found, created, "{}", test_db.label());
        let country: Option<String> =
            sqlx::query_scalar("SELECT country FROM workspaces WHERE id = $1")
                .bind(created.id)
                .fetch_one(db.pool())
                .await
                .expect("country");
        assert_eq!(country.as_deref(), Some("CH"), "{}", test_db.label());
        assert_eq!(
            find(db.pool(), WorkspaceId::random()).await.expect("query"),
            None
        );
    }

    #[backend_test]
    async fn a_second_vendor_workspace_is_refused_as_a_conflict(test_db: TestDatabase) {
        let db = &test_db.db;
        ensure_vendor_workspace(db).await.expect("created");
        let name = WorkspaceName::parse("Impostor").expect("valid");
        let error = create(
            db.pool(),
            &name,
            WorkspaceKind::Vendor,
            None,
            db.now_millis(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, AppError::Conflict(_)),
            "{}: {error:?}",
            test_db.label()
        );
    }
}
