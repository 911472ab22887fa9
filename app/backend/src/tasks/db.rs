//! Tasks in the database. Every query names the workspace.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use crm_core::error::AppError;
use crm_core::ids::{MemberId, TaskId, WorkspaceId};
use crm_core::people::full_name;
use crm_core::records::{Kind, ListPlace, MemberOption, Total};
use crm_core::tasks::{Task, TaskAbout};
use crm_core::text::fold;
use crm_core::time::CalendarDate;

use crate::db::{Backend, Statement};
use crate::records::db::{
    COUNT_AT_MOST, Cursor, PageAt, first_page, kept_count, page_link_expired,
};
use crate::records::search::Search;

const TASK_COLUMNS: &str =
    "t.id, t.title, t.due_on, t.done_at, t.created_at, t.record_id, t.version,
    t.assignee_id, a.name AS assignee_name, p.first_name, p.last_name,
    c.name AS company_name, l.name AS lead_name, o.name AS opportunity_name";

/// What a task row shows beside the task (`tasks t`): its assignee and the record it is about,
/// which is one of the workspace's people, companies, leads or opportunities (ids are UUIDs, so
/// at most one of them matches). The assignee may have left; the record is never gone, as its
/// tasks go with it.
const TASK_JOINS: &str = "LEFT JOIN members a ON a.id = t.assignee_id
    LEFT JOIN people p ON p.workspace_id = t.workspace_id AND p.id = t.record_id
    LEFT JOIN companies c ON c.workspace_id = t.workspace_id AND c.id = t.record_id
    LEFT JOIN leads l ON l.workspace_id = t.workspace_id AND l.id = t.record_id
    LEFT JOIN opportunities o ON o.workspace_id = t.workspace_id AND o.id = t.record_id";

/// The record a task's row names, if any.
fn about_from(row: &AnyRow) -> Result<Option<TaskAbout>, AppError> {
    let Some(id) = row.try_get::<Option<String>, _>("record_id")? else {
        return Ok(None);
    };
    let name = |column: &str| row.try_get::<Option<String>, _>(column);
    let (kind, name) = if let Some(first) = name("first_name")? {
        let last = name("last_name")?.unwrap_or_default();
        (Kind::People, full_name(&first, &last))
    } else if let Some(company) = name("company_name")? {
        (Kind::Companies, company)
    } else if let Some(lead) = name("lead_name")? {
        (Kind::Leads, lead)
    } else if let Some(opportunity) = name("opportunity_name")? {
        (Kind::Opportunities, opportunity)
    } else {
        return Ok(None);
    };
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| AppError::internal("a stored record id is not a UUID"))?;
    Ok(Some(TaskAbout { kind, id, name }))
}

/// Open tasks by due day (those without one last), then by age; done ones newest first. Each
/// ends in the id, so that a page of the list starts exactly after the last one shown. The
/// indexes `tasks_open_order` and `tasks_done_order` hold these orders (the open one word for
/// word, as SQLite matches an indexed expression only when it is written the same way).
const OPEN_KEY: &str =
    "CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, COALESCE(t.due_on, ''), t.created_at, t.id";
const OPEN_ORDER: &str = OPEN_KEY;
const DONE_ORDER: &str = "t.done_at DESC, t.id DESC";
/// Either list, the most recently added first (`tasks_open_created`, `tasks_done_created`).
const NEWEST_ORDER: &str = "t.created_at DESC, t.id DESC";

/// The tasks that meet `condition`, in `order`, at most `limit` (a placeholder): chosen on
/// `tasks` alone, so that an index serves the order and the joins run for the page's rows only,
/// not for every task that matches.
fn select_page(condition: &str, order: &str, limit: &str) -> String {
    format!(
        "SELECT {TASK_COLUMNS}
         FROM (SELECT t.* FROM tasks t WHERE {condition} ORDER BY {order} LIMIT {limit}) t
         {TASK_JOINS}
         ORDER BY {order}"
    )
}

fn task_from(row: &AnyRow, today: CalendarDate) -> Result<Task, AppError> {
    let due_on = row
        .try_get::<Option<String>, _>("due_on")?
        .map(|raw| {
            CalendarDate::parse(&raw)
                .ok_or_else(|| AppError::internal("a stored due date is no date"))
        })
        .transpose()?;
    let done = row.try_get::<Option<i64>, _>("done_at")?.is_some();
    let assignee = match row.try_get::<Option<MemberId>, _>("assignee_id")? {
        Some(id) => Some(MemberOption {
            id,
            name: row
                .try_get::<Option<String>, _>("assignee_name")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Task {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        overdue: !done && due_on.is_some_and(|due| due < today),
        due_on,
        assignee,
        about: about_from(row)?,
        done,
        version: row.try_get("version")?,
    })
}

/// A new task, checked.
pub struct NewTask {
    pub title: String,
    pub due_on: Option<CalendarDate>,
    pub assignee: Option<MemberId>,
    /// One of the workspace's records, checked.
    pub about: Option<uuid::Uuid>,
}

pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    task: &NewTask,
    creator: MemberId,
    now: i64,
) -> Result<TaskId, AppError> {
    let id = TaskId::random();
    sqlx::query(
        "INSERT INTO tasks (id, workspace_id, title, search_text, due_on, assignee_id, record_id,
                            created_by, created_at, done_at, done_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL)",
    )
    .bind(id)
    .bind(workspace)
    .bind(&task.title)
    .bind(fold(&task.title))
    .bind(task.due_on.map(|due| due.to_string()))
    .bind(task.assignee)
    .bind(task.about.map(|record| record.to_string()))
    .bind(creator)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn load(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    id: TaskId,
    today: CalendarDate,
) -> Result<Option<Task>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {TASK_COLUMNS} FROM tasks t {TASK_JOINS} WHERE t.workspace_id = $1 AND t.id = $2"
    ))
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| task_from(&row, today)).transpose()
}

/// Where a page of the tasks list starts: after this task, in the list's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    Open {
        /// No due day (those come last).
        undated: bool,
        due_on: String,
        created_at: i64,
        id: String,
    },
    Done {
        done_at: i64,
        id: String,
    },
    /// In either list sorted newest first.
    Added {
        created_at: i64,
        id: String,
    },
}

impl After {
    /// The cursor of the task `row` (read with `TASK_COLUMNS`) in a list newest first or not.
    fn of(row: &AnyRow, newest: bool) -> Result<Self, AppError> {
        let id: String = row.try_get("id")?;
        if newest {
            return Ok(Self::Added {
                created_at: row.try_get("created_at")?,
                id,
            });
        }
        Ok(match row.try_get::<Option<i64>, _>("done_at")? {
            Some(done_at) => Self::Done { done_at, id },
            None => {
                let due_on: Option<String> = row.try_get("due_on")?;
                Self::Open {
                    undated: due_on.is_none(),
                    due_on: due_on.unwrap_or_default(),
                    created_at: row.try_get("created_at")?,
                    id,
                }
            }
        })
    }

    /// Its sort key and id, as its page link's cursor carries them.
    fn key_and_id(&self) -> (String, String) {
        let key = match self {
            Self::Open {
                undated,
                due_on,
                created_at,
                ..
            } => format!("o|{}|{due_on}|{created_at}", u8::from(*undated)),
            Self::Done { done_at, .. } => format!("d|{done_at}"),
            Self::Added { created_at, .. } => format!("a|{created_at}"),
        };
        let id = match self {
            Self::Open { id, .. } | Self::Done { id, .. } | Self::Added { id, .. } => id.clone(),
        };
        (key, id)
    }

    /// The task a page link's cursor names; `None` for a damaged link.
    pub fn from_cursor(cursor: &Cursor) -> Option<Self> {
        let id = cursor.id.clone();
        let parts: Vec<&str> = cursor.key.split('|').collect();
        match parts.as_slice() {
            ["o", undated @ ("0" | "1"), due_on, created_at] => Some(Self::Open {
                undated: *undated == "1",
                due_on: (*due_on).to_owned(),
                created_at: created_at.parse().ok()?,
                id,
            }),
            ["d", done_at] => Some(Self::Done {
                done_at: done_at.parse().ok()?,
                id,
            }),
            ["a", created_at] => Some(Self::Added {
                created_at: created_at.parse().ok()?,
                id,
            }),
            _ => None,
        }
    }
}

/// Which tasks the list holds: open or done ones, everyone's or one member's, those whose title
/// holds `search` (every one when it is empty), in the list's own order or the most recently
/// added first (`newest`).
#[derive(Clone, Copy)]
pub struct Filter<'a> {
    pub backend: Backend,
    pub done: bool,
    pub assignee: Option<MemberId>,
    pub newest: bool,
    pub search: &'a str,
}

impl Filter<'_> {
    /// Whether anything narrows the list beyond open or done.
    fn narrowed(&self) -> bool {
        self.assignee.is_some() || !matches!(Search::from_query(self.search), Search::None)
    }
}

/// The orders of the lists read backwards, for the page before a task.
const OPEN_ORDER_BACK: &str = "CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END DESC, \
     COALESCE(t.due_on, '') DESC, t.created_at DESC, t.id DESC";
const DONE_ORDER_BACK: &str = "t.done_at, t.id";
const NEWEST_ORDER_BACK: &str = "t.created_at, t.id";

/// A page of the tasks `filter` chooses, the page `at` asks for: at most `limit`, and where it
/// stands (positions, how many match, the cursors of the pages around it).
pub async fn list(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    filter: &Filter<'_>,
    at: &PageAt,
    limit: usize,
    today: CalendarDate,
) -> Result<(Vec<Task>, ListPlace), AppError> {
    let rows = page_rows(&mut *conn, workspace, filter, at, limit).await?;
    let newest = filter.newest;
    let key_of = |row: &AnyRow| After::of(row, newest).map(|after| after.key_and_id());
    let (rows, arranged) = match at.arrange(rows, limit, key_of)? {
        Some(arranged) => arranged,
        None => {
            let rows = page_rows(&mut *conn, workspace, filter, &PageAt::First, limit).await?;
            first_page(rows, limit, key_of)?
        }
    };
    let tasks = rows
        .iter()
        .map(|row| task_from(row, today))
        .collect::<Result<Vec<_>, _>>()?;
    let total = if tasks.is_empty() {
        None
    } else if arranged.previous.is_none() && arranged.next.is_none() {
        // The whole list is on this page.
        Some(Total::Exact(arranged.shown))
    } else if filter.narrowed() {
        let (condition, binds) = conditions(filter, None)?;
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM tasks t WHERE {condition} LIMIT $2) matching"
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql)
            .bind(workspace)
            .bind(i64::try_from(COUNT_AT_MOST + 1).unwrap_or(i64::MAX));
        for value in binds {
            query = query.bind(value);
        }
        let n = u64::try_from(query.fetch_one(&mut *conn).await?).unwrap_or(0);
        Some(if n > COUNT_AT_MOST {
            Total::MoreThan(COUNT_AT_MOST)
        } else {
            Total::Exact(n)
        })
    } else {
        let open = kept_count(&mut *conn, workspace, "open_tasks").await?;
        Some(if filter.done {
            let all = kept_count(&mut *conn, workspace, "tasks").await?;
            match (all, open) {
                (Total::Exact(all), Total::Exact(open)) => Total::Exact(all.saturating_sub(open)),
                (other, _) => other,
            }
        } else {
            open
        })
    };
    Ok((tasks, arranged.of(total)))
}

/// The condition (after `t.workspace_id = $1`, numbered from `$3`) that chooses the tasks of
/// `filter`, beyond the task `at` names when there is one, and the values to bind.
fn conditions(filter: &Filter<'_>, at: Option<&PageAt>) -> Result<(String, Vec<String>), AppError> {
    let Filter {
        backend,
        done,
        assignee,
        newest,
        search,
    } = *filter;
    let status = if done {
        "t.done_at IS NOT NULL"
    } else {
        "t.done_at IS NULL"
    };
    let mut binds: Vec<String> = Vec::new();
    let mut next = |value: String| {
        binds.push(value);
        format!("${}", binds.len() + 2)
    };
    let mut conditions = String::new();
    conditions.push_str(&Search::from_query(search).condition(backend, "tasks", "t", &mut next));
    if let Some(member) = assignee {
        conditions.push_str(&format!(
            " AND t.assignee_id = {}",
            next(member.to_string())
        ));
    }
    let beyond = match at.and_then(PageAt::cursor) {
        Some(cursor) => Some((
            After::from_cursor(cursor).ok_or_else(page_link_expired)?,
            at.is_some_and(PageAt::backward),
        )),
        None => None,
    };
    match (&beyond, done, newest) {
        (
            Some((
                After::Open {
                    undated,
                    due_on,
                    created_at,
                    id,
                },
                backward,
            )),
            false,
            false,
        ) => {
            let undated = u8::from(*undated).to_string();
            conditions.push_str(&format!(
                " AND ({OPEN_KEY}) {} (CAST({} AS INTEGER), {}, CAST({} AS BIGINT), {})",
                if *backward { "<" } else { ">" },
                next(undated),
                next(due_on.clone()),
                next(created_at.to_string()),
                next(id.clone())
            ));
        }
        (Some((After::Done { done_at, id }, backward)), true, false) => {
            conditions.push_str(&format!(
                " AND (t.done_at, t.id) {} (CAST({} AS BIGINT), {})",
                if *backward { ">" } else { "<" },
                next(done_at.to_string()),
                next(id.clone())
            ));
        }
        (Some((After::Added { created_at, id }, backward)), _, true) => {
            conditions.push_str(&format!(
                " AND (t.created_at, t.id) {} (CAST({} AS BIGINT), {})",
                if *backward { ">" } else { "<" },
                next(created_at.to_string()),
                next(id.clone())
            ));
        }
        (None, _, _) => {}
        // A link from another list or order: it does not fit this one.
        (Some(_), _, _) => return Err(page_link_expired()),
    }
    Ok((
        format!("t.workspace_id = $1 AND {status}{conditions}"),
        binds,
    ))
}

/// The rows of the page `at` asks for, in the order it reads them (backwards for a page before
/// a task), one more than `limit` when there are more.
async fn page_rows(
    conn: &mut AnyConnection,
    workspace: WorkspaceId,
    filter: &Filter<'_>,
    at: &PageAt,
    limit: usize,
) -> Result<Vec<AnyRow>, AppError> {
    let backward = at.backward();
    let order = match (filter.newest, filter.done, backward) {
        (true, _, false) => NEWEST_ORDER,
        (true, _, true) => NEWEST_ORDER_BACK,
        (false, true, false) => DONE_ORDER,
        (false, true, true) => DONE_ORDER_BACK,
        (false, false, false) => OPEN_ORDER,
        (false, false, true) => OPEN_ORDER_BACK,
    };
    let (condition, binds) = conditions(filter, Some(at))?;
    let sql = select_page(&condition, order, "$2");
    let mut query = sqlx::query(&sql)
        .bind(workspace)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    for value in binds {
        query = query.bind(value);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

/// The workspace's open tasks due on or before `last_day` (the overdue ones too), the soonest
/// first, at most `limit`.
pub async fn due_by<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    last_day: CalendarDate,
    limit: usize,
    today: CalendarDate,
) -> Result<Vec<Task>, AppError> {
    // Dated tasks only, in the open order's own terms, so that its index serves the range.
    let sql = select_page(
        "t.workspace_id = $1 AND t.done_at IS NULL
         AND (CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END) = 0 AND COALESCE(t.due_on, '') <= $2",
        OPEN_ORDER,
        "$3",
    );
    sqlx::query(&sql)
        .bind(workspace)
        .bind(last_day.to_string())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(executor)
        .await?
        .iter()
        .map(|row| task_from(row, today))
        .collect()
}

/// The tasks about a record: open ones first, by due day; then done ones.
pub async fn about<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    record: uuid::Uuid,
    today: CalendarDate,
) -> Result<Vec<Task>, AppError> {
    let sql = select_page(
        "t.workspace_id = $1 AND t.record_id = $2",
        &format!("(t.done_at IS NOT NULL), {OPEN_ORDER}"),
        "200",
    );
    sqlx::query(&sql)
        .bind(workspace)
        .bind(record.to_string())
        .fetch_all(executor)
        .await?
        .iter()
        .map(|row| task_from(row, today))
        .collect()
}

/// Ticks a task done (by `member`, now) or open again; answers whether it is the workspace's.
pub async fn set_done(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    id: TaskId,
    done: bool,
    member: MemberId,
    now: i64,
) -> Result<bool, AppError> {
    let query = if done {
        sqlx::query(
            "UPDATE tasks SET done_by = CASE WHEN done_at IS NULL THEN $2 ELSE done_by END,
                              version = CASE WHEN done_at IS NULL THEN version + 1 ELSE version END,
                              done_at = COALESCE(done_at, $1)
             WHERE workspace_id = $3 AND id = $4",
        )
        .bind(now)
        .bind(member)
    } else {
        sqlx::query(
            "UPDATE tasks SET done_at = NULL, done_by = NULL,
                              version = CASE WHEN done_at IS NULL THEN version ELSE version + 1 END
             WHERE workspace_id = $1 AND id = $2",
        )
    };
    let result = query.bind(workspace).bind(id).execute(&mut *conn).await?;
    Ok(result.rows_affected() == 1)
}

/// Stores the editable fields of a task read with `load` and changed since, if its version is
/// still `version`; answers whether it was.
pub async fn update(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    task: &Task,
    version: i64,
) -> Result<bool, AppError> {
    let updated = sqlx::query(
        "UPDATE tasks SET title = $1, search_text = $2, due_on = $3, assignee_id = $4,
                record_id = $5, version = version + 1
         WHERE workspace_id = $6 AND id = $7 AND version = $8",
    )
    .bind(&task.title)
    .bind(fold(&task.title))
    .bind(task.due_on.map(|due| due.to_string()))
    .bind(task.assignee.as_ref().map(|a| a.id))
    .bind(task.about.as_ref().map(|a| a.id.to_string()))
    .bind(workspace)
    .bind(task.id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Records of any kind that `search` finds, for a task to be about: at most `per_kind` of each
/// kind, by name. Each kind's search index answers it, as its list's search does.
pub async fn find_records(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    workspace: WorkspaceId,
    search: &Search,
    per_kind: i64,
) -> Result<Vec<TaskAbout>, AppError> {
    let mut found = Vec::new();
    for (kind, name) in [
        (
            Kind::People,
            "CASE WHEN r.last_name = '' THEN r.first_name ELSE r.first_name || ' ' || r.last_name END",
        ),
        (Kind::Companies, "r.name"),
        (Kind::Leads, "r.name"),
        (Kind::Opportunities, "r.name"),
    ] {
        let mut values = Vec::new();
        let condition = search.condition(backend, kind.plural(), "r", |value| {
            values.push(value);
            format!("${}", values.len() + 2)
        });
        let sql = format!(
            "SELECT r.id, {name} AS name FROM {table} r
             WHERE r.workspace_id = $1{condition}
             ORDER BY {name}, r.id LIMIT $2",
            table = kind.plural()
        );
        let mut query = sqlx::query(&sql).bind(workspace).bind(per_kind);
        for value in values {
            query = query.bind(value);
        }
        for row in &query.fetch_all(&mut *conn).await? {
            let id: String = row.try_get("id")?;
            found.push(TaskAbout {
                kind,
                id: uuid::Uuid::parse_str(&id)
                    .map_err(|_| AppError::internal("a stored record id is not a UUID"))?,
                name: row.try_get("name")?,
            });
        }
    }
    Ok(found)
}

/// "Not found" unless every one of `ids` is one of the workspace's tasks: one that is not (deleted
/// meanwhile, or another workspace's) makes a whole bulk action fail, and nothing changes.
pub async fn ensure_all_found(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    ids: &[String],
) -> Result<(), AppError> {
    crate::records::db::ensure_all_in(conn, "tasks", workspace, ids).await
}

/// Assigns those of the tasks `ids` assigned to someone else to `assignee` (nobody when `None`);
/// answers how many.
pub async fn assign_all(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    ids: &[String],
    assignee: Option<MemberId>,
) -> Result<usize, AppError> {
    let assignee = assignee.map(|member| member.to_string());
    let mut statement = Statement::new("UPDATE tasks SET version = version + 1, assignee_id = ");
    statement
        .push_bind(assignee.clone())
        .push(" WHERE COALESCE(assignee_id, '') <> ")
        .push_bind(assignee.unwrap_or_default())
        .push(" AND ");
    on_tasks(conn, statement, workspace, ids).await
}

/// Ticks those of the tasks `ids` that are open done (by `member`, now), or those that are done
/// open again; answers how many.
pub async fn set_done_all(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    ids: &[String],
    done: bool,
    member: MemberId,
    now: i64,
) -> Result<usize, AppError> {
    let statement = if done {
        let mut statement = Statement::new("UPDATE tasks SET version = version + 1, done_at = ");
        statement
            .push_bind(now)
            .push(", done_by = ")
            .push_bind(member)
            .push(" WHERE done_at IS NULL AND ");
        statement
    } else {
        Statement::new(
            "UPDATE tasks SET version = version + 1, done_at = NULL, done_by = NULL
             WHERE done_at IS NOT NULL AND ",
        )
    };
    on_tasks(conn, statement, workspace, ids).await
}

/// Deletes the tasks `ids`, and with them their places in the timelines of the records they were
/// about; answers how many.
pub async fn delete_all(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    ids: &[String],
) -> Result<usize, AppError> {
    on_tasks(
        conn,
        Statement::new("DELETE FROM tasks WHERE "),
        workspace,
        ids,
    )
    .await
}

/// Runs a change (`statement`, which ends where a condition goes) on those of the workspace's
/// tasks `ids`; answers how many it changed.
async fn on_tasks<'q>(
    conn: &mut sqlx::AnyConnection,
    mut statement: Statement<'q>,
    workspace: WorkspaceId,
    ids: &'q [String],
) -> Result<usize, AppError> {
    statement
        .push("workspace_id = ")
        .push_bind(workspace)
        .push(" AND id IN (")
        .push_bind_list(ids.iter().map(String::as_str))
        .push(")");
    let result = statement.query()?.execute(&mut *conn).await?;
    Ok(usize::try_from(result.rows_affected()).unwrap_or(usize::MAX))
}
