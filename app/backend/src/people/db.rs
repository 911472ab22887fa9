//! People queries. Every one names the workspace, which comes from the session.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crm_core::people::contacts::{
    Address, AddressKind, Channel, ContactKind, ContactPoint, ContactType, NewAddress, PersonList,
};
use crm_core::people::{
    LawfulBasis, MarketingPermission, PeopleQuery, Person, PersonField, PersonRow, full_name,
};

use crm_core::error::AppError;
use crm_core::ids::{AddressId, CompanyId, ContactId, MemberId, PersonId, WorkspaceId};
use crm_core::records::{ListPlace, ListSort, MemberOption, RecordField, TimelineEvent, Total};

use crate::db::{Backend, Db, Statement};
use crate::records::db::{
    Arranged, COUNT_MATCHING, KeysetOrder, Kind, Matching, PageAt, count_matching, escape_like,
    list_total, read_page,
};
pub use crate::records::db::{members, record_event, timeline};
use crate::records::search::{Search, fts_phrase};

/// Rows per list page.
pub const PAGE_SIZE: usize = 50;

/// What is derived from a person's fields on every write (a form, an edit, the seed command),
/// in one place: the list's sort key, the search box's text and the key that finds a person of
/// the same name at the same company ([`match_key`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derived {
    pub sort_name: String,
    pub search_text: String,
    pub match_key: String,
}

/// The list's sort key: the last and first names, folded.
fn sort_name(first: &str, last: &str) -> String {
    crm_core::text::fold(format!("{last} {first}").trim())
}

/// [`Derived`] from a person's own fields (their further contacts left out: see [`derived_for`]).
pub fn derived(
    first: &str,
    last: &str,
    email: Option<&str>,
    phone: Option<&str>,
    company: &str,
) -> Derived {
    let digits: String = phone
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    Derived {
        sort_name: sort_name(first, last),
        search_text: crm_core::text::fold_words(&[
            first,
            last,
            email.unwrap_or_default(),
            &digits,
            company,
        ]),
        match_key: crm_core::people::match_key(first, last, company),
    }
}

/// [`Derived`] for a person as loaded: their further e-mail addresses and phone numbers' digits
/// are searchable too.
pub fn derived_for(person: &Person) -> Derived {
    let mut derived = derived(
        &person.first_name,
        &person.last_name,
        person.email.as_deref(),
        person.phone.as_deref(),
        &person.company_name,
    );
    for contact in &person.contacts {
        let text = match contact.kind.channel() {
            Channel::Email => crm_core::text::fold(&contact.value),
            Channel::Phone => contact.value.chars().filter(char::is_ascii_digit).collect(),
        };
        derived.search_text.push(' ');
        derived.search_text.push_str(&text);
    }
    derived
}

/// A person about to be stored, already parsed.
#[derive(Clone, Debug)]
pub struct NewPerson {
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub company_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    pub owner: Option<MemberId>,
    pub source: String,
}

/// Stores a person with their tags. The creation event is the caller's (the seed makes none).
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: &NewPerson,
    now: i64,
) -> Result<PersonId, AppError> {
    let id = PersonId::random();
    let derived = derived(
        &person.first_name,
        &person.last_name,
        person.email.as_deref(),
        person.phone.as_deref(),
        &person.company_name,
    );
    sqlx::query(
        "INSERT INTO people (id, workspace_id, first_name, last_name, job_title, company_name,
                             email, phone, owner_id, source, lawful_basis_evidence,
                             marketing_permission, marketing_permission_how, sort_name,
                             search_text, match_key, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', 'unknown', '', $11, $12, $13,
                 $14, $14, 1)",
    )
    .bind(id)
    .bind(workspace)
    .bind(&person.first_name)
    .bind(&person.last_name)
    .bind(&person.job_title)
    .bind(&person.company_name)
    .bind(person.email.as_deref())
    .bind(person.phone.as_deref())
    .bind(person.owner)
    .bind(&person.source)
    .bind(derived.sort_name)
    .bind(derived.search_text)
    .bind(derived.match_key)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    replace_tags(&mut *conn, workspace, id, &person.tags).await?;
    Ok(id)
}

/// Sets a person's tags to exactly `tags`.
pub async fn replace_tags(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    tags: &[String],
) -> Result<(), AppError> {
    crate::records::db::replace_tags(conn, Kind::People, workspace, person, tags).await
}

const PERSON_COLUMNS: &str =
    "p.id, p.first_name, p.last_name, p.job_title, p.company_name, p.company_id,
    p.email, p.email_kind, p.phone, p.phone_kind, p.owner_id, m.name AS owner_name, p.source, p.lawful_basis,
    p.lawful_basis_at, p.lawful_basis_evidence, p.marketing_permission,
    p.marketing_permission_at, p.marketing_permission_how, p.created_at, p.updated_at, p.version";

/// One person of the workspace, or `None` (also for another workspace's person).
pub async fn load(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    id: PersonId,
) -> Result<Option<Person>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM people p LEFT JOIN members m ON m.id = p.owner_id
         WHERE p.workspace_id = $1 AND p.id = $2"
    ))
    .bind(workspace)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let tags = tags_of(&mut *conn, workspace, &[id]).await?;
    let mut person = person_from(&row)?;
    person.tags = tags.into_iter().map(|(_, tag)| tag).collect();
    person.contacts = contacts_of(&mut *conn, workspace, id).await?;
    person.addresses = addresses_of(&mut *conn, workspace, id).await?;
    Ok(Some(person))
}

fn person_from(row: &AnyRow) -> Result<Person, AppError> {
    let id: String = row.try_get("id")?;
    let owner_id: Option<String> = row.try_get("owner_id")?;
    let owner_name: Option<String> = row.try_get("owner_name")?;
    let basis: Option<String> = row.try_get("lawful_basis")?;
    let permission: String = row.try_get("marketing_permission")?;
    Ok(Person {
        id: PersonId::parse(&id)
            .ok_or_else(|| AppError::internal("a stored person id is not a UUID"))?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        job_title: row.try_get("job_title")?,
        company_name: row.try_get("company_name")?,
        company_id: row
            .try_get::<Option<String>, _>("company_id")?
            .map(|id| {
                CompanyId::parse(&id)
                    .ok_or_else(|| AppError::internal("a stored company id is not a UUID"))
            })
            .transpose()?,
        email: row.try_get("email")?,
        email_kind: ContactKind::parse(&row.try_get::<String, _>("email_kind")?)
            .unwrap_or_default(),
        phone: row.try_get("phone")?,
        phone_kind: ContactKind::parse(&row.try_get::<String, _>("phone_kind")?)
            .unwrap_or_default(),
        contacts: Vec::new(),
        addresses: Vec::new(),
        tags: Vec::new(),
        owner: match (owner_id, owner_name) {
            (Some(id), Some(name)) => Some(MemberOption {
                id: id.parse()?,
                name,
            }),
            _ => None,
        },
        source: row.try_get("source")?,
        lawful_basis: basis.as_deref().and_then(LawfulBasis::parse),
        lawful_basis_at: row.try_get("lawful_basis_at")?,
        lawful_basis_evidence: row.try_get("lawful_basis_evidence")?,
        marketing_permission: MarketingPermission::parse(&permission)
            .unwrap_or(MarketingPermission::Unknown),
        marketing_permission_at: row.try_get("marketing_permission_at")?,
        marketing_permission_how: row.try_get("marketing_permission_how")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

/// The tags of these people, as (person, tag), ordered by tag.
pub async fn tags_of<'e>(
    executor: impl Executor<'e, Database = Any>,
    workspace: WorkspaceId,
    people: &[PersonId],
) -> Result<Vec<(PersonId, String)>, AppError> {
    let ids: Vec<String> = people.iter().map(ToString::to_string).collect();
    crate::records::db::tags_of(executor, Kind::People, workspace, &ids)
        .await?
        .into_iter()
        .map(|(id, tag)| {
            let id = PersonId::parse(&id)
                .ok_or_else(|| AppError::internal("a stored person id is not a UUID"))?;
            Ok((id, tag))
        })
        .collect()
}

/// How the list is ordered for `sort`, by the index that holds that order.
fn order(sort: ListSort) -> KeysetOrder {
    match sort {
        ListSort::Newest => KeysetOrder::newest_first("p.created_at", "p.id"),
        ListSort::Name | ListSort::CloseDate => KeysetOrder::ascending("p.sort_name", "p.id"),
    }
}

/// What the list's search and filters match. An owner that is not a member id is refused (the
/// page answers without it, with the message).
pub async fn matching(
    db: &Db,
    workspace: WorkspaceId,
    query: &PeopleQuery,
) -> Result<Matching, AppError> {
    Ok(Filters::read(db, workspace, query).await?.matching())
}

/// The list's search and filters as read from its query, and where the list is read from first.
#[derive(Clone)]
struct Filters {
    workspace: WorkspaceId,
    backend: Backend,
    owner: Option<MemberId>,
    /// The tag as the workspace spells it, or empty.
    tag: String,
    search: Search,
    start: Start,
}

impl Filters {
    async fn read(db: &Db, workspace: WorkspaceId, query: &PeopleQuery) -> Result<Self, AppError> {
        let owner = if query.owner.is_empty() {
            None
        } else {
            Some(
                query
                    .owner
                    .parse::<MemberId>()
                    .map_err(|_| AppError::validation("owner", "Choose an owner from the list."))?,
            )
        };
        let search = Search::from_query(&query.q);
        // The tag as the workspace spells it, in whatever case it was asked for.
        let tag = match query.tag.as_str() {
            "" => String::new(),
            typed => crate::records::db::spelling_of(db.pool(), Kind::People, workspace, typed)
                .await?
                .unwrap_or_else(|| typed.to_owned()),
        };
        let start = Start::choose(db, workspace, &search, &tag).await?;
        Ok(Self {
            workspace,
            backend: db.backend(),
            owner,
            tag,
            search,
            start,
        })
    }

    fn narrowed(&self) -> bool {
        !matches!(self.search, Search::None) || !self.tag.is_empty() || self.owner.is_some()
    }

    fn matching(self) -> Matching {
        Matching::new(
            "p",
            self.narrowed(),
            move |statement: &mut Statement<'static>, join: &str| {
                self.push(statement, join, true);
            },
        )
    }

    /// The same filters read from the list's order, the search left out (a walk tests it on
    /// each row it reads): `None` unless the list would start from its search's index.
    fn walked(&self) -> Option<(Self, String)> {
        match (&self.search, self.start) {
            (Search::Anywhere(text), Start::Search) => Some((
                Self {
                    start: Start::Order,
                    ..self.clone()
                },
                format!("%{}%", escape_like(text)),
            )),
            _ => None,
        }
    }

    /// Pushes `FROM … WHERE …` of the filters, with `join` after the table, read from where
    /// `start` says (and the search's condition unless `searched` is false). On SQLite, CROSS
    /// JOIN fixes the order of the tables; on PostgreSQL the narrow part is a subquery that
    /// OFFSET 0 keeps from being merged into the sorted walk.
    fn push(&self, statement: &mut Statement<'static>, join: &str, searched: bool) {
        let Self {
            workspace,
            backend,
            owner,
            tag,
            search,
            start,
        } = self;
        let (workspace, backend, start) = (*workspace, *backend, *start);
        statement.push(" FROM ");
        match (start, search, backend) {
            (Start::Search, Search::Anywhere(_), Backend::Sqlite) => {
                statement.push("people_search s CROSS JOIN people p ON p.search_key = s.rowid");
            }
            (Start::Search, Search::Anywhere(text), Backend::Postgres) => {
                statement
                    .push("(SELECT * FROM people WHERE workspace_id = ")
                    .push_bind(workspace)
                    .push(" AND search_text LIKE ")
                    .push_bind(format!("%{}%", escape_like(text)))
                    .push(" ESCAPE '\\' OFFSET 0) p");
            }
            (Start::Tag, _, Backend::Sqlite) => {
                statement.push("person_tags t CROSS JOIN people p ON p.id = t.person_id");
            }
            (Start::Tag, _, Backend::Postgres) => {
                statement
                    .push(
                        "(SELECT q.* FROM person_tags t JOIN people q ON q.id = t.person_id
                          WHERE t.workspace_id = ",
                    )
                    .push_bind(workspace)
                    .push(" AND t.tag = ")
                    .push_bind(tag.clone())
                    .push(" OFFSET 0) p");
            }
            _ => {
                statement.push("people p");
            }
        }
        statement
            .push(join)
            .push(" WHERE p.workspace_id = ")
            .push_bind(workspace);
        if let Some(owner) = owner {
            statement.push(" AND p.owner_id = ").push_bind(*owner);
        }
        match (start, backend) {
            _ if tag.is_empty() => {}
            (Start::Tag, Backend::Sqlite) => {
                statement
                    .push(" AND t.workspace_id = p.workspace_id AND t.tag = ")
                    .push_bind(tag.clone());
            }
            // Already in the FROM clause.
            (Start::Tag, Backend::Postgres) => {}
            _ => {
                statement
                    .push(
                        " AND EXISTS (SELECT 1 FROM person_tags t
                          WHERE t.person_id = p.id AND t.workspace_id = p.workspace_id AND t.tag = ",
                    )
                    .push_bind(tag.clone())
                    .push(")");
            }
        }
        match (search, start, backend) {
            (Search::None, _, _) => {}
            (Search::Prefix(prefix), _, _) => {
                // A range on the sort key, which its index answers: every key that starts
                // with the prefix sorts between it and it followed by the highest code point
                // (both engines compare these keys byte by byte).
                statement
                    .push(" AND p.sort_name >= ")
                    .push_bind(prefix.clone())
                    .push(" AND p.sort_name < ")
                    .push_bind(format!("{prefix}\u{10FFFF}"));
            }
            (Search::Anywhere(_), _, _) if !searched => {}
            (Search::Anywhere(text), Start::Search, Backend::Sqlite) => {
                // One FTS5 string token: the text in double quotes, inner quotes doubled.
                statement
                    .push(" AND s.people_search MATCH ")
                    .push_bind(fts_phrase(text));
            }
            // Already in the FROM clause.
            (Search::Anywhere(_), Start::Search, Backend::Postgres) => {}
            // A broad search, tested on each row of the walk: the same folded text the
            // trigram index holds, looked for anywhere in it.
            (Search::Anywhere(text), _, _) => {
                statement
                    .push(" AND p.search_text LIKE ")
                    .push_bind(format!("%{}%", escape_like(text)))
                    .push(" ESCAPE '\\'");
            }
        }
    }
}

/// Matches of a tag up to which the list starts from the tag (and sorts its people); beyond, a
/// list without a search walks the workspace's people in list order and tests each row, as the
/// page's rows are then found within a few thousand rows at most.
const NARROW: i64 = 2_000;

/// Where a people list is read from first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// The workspace's people in list order (or by owner), each row tested against the rest.
    Order,
    /// The few people the search's trigram index finds, sorted.
    Search,
    /// The few people who carry the tag, from the tag's index, sorted.
    Tag,
}

impl Start {
    /// The tag when it matches at most [`NARROW`] people and fewer than the search (each counted
    /// only that far, from its own index); else the search's index when there is a search; else
    /// the list's order. A rare tag then reads its few rows instead of testing every person, and
    /// a common search with a rarer tag tests the search on the tag's rows only.
    async fn choose(
        db: &Db,
        workspace: WorkspaceId,
        search: &Search,
        tag: &str,
    ) -> Result<Self, AppError> {
        let at_most = |sql: &str| format!("SELECT COUNT(*) FROM ({sql} LIMIT {}) t", NARROW + 1);
        let tagged = if tag.is_empty() {
            None
        } else {
            let sql = at_most("SELECT 1 FROM person_tags WHERE workspace_id = $1 AND tag = $2");
            Some(
                sqlx::query_scalar::<_, i64>(&sql)
                    .bind(workspace)
                    .bind(tag)
                    .fetch_one(db.pool())
                    .await?,
            )
        };
        let searched = match search {
            // Counted only when a rare tag might start the list instead.
            Search::Anywhere(text) if tagged.is_some_and(|t| t <= NARROW) => {
                let count = match db.backend() {
                    // Every workspace's rows: an upper bound, read from the index alone.
                    Backend::Sqlite => {
                        let sql =
                            at_most("SELECT 1 FROM people_search WHERE people_search MATCH $1");
                        sqlx::query_scalar::<_, i64>(&sql)
                            .bind(fts_phrase(text))
                            .fetch_one(db.pool())
                            .await?
                    }
                    Backend::Postgres => {
                        let sql = at_most(
                            "SELECT 1 FROM people WHERE workspace_id = $2 AND search_text LIKE $1 ESCAPE '\\'",
                        );
                        sqlx::query_scalar::<_, i64>(&sql)
                            .bind(format!("%{}%", escape_like(text)))
                            .bind(workspace)
                            .fetch_one(db.pool())
                            .await?
                    }
                };
                Some(count)
            }
            // A search with no rare tag starts from its index whatever its count.
            Search::Anywhere(_) => Some(NARROW + 1),
            _ => None,
        };
        // A search always starts from its index unless a rarer tag does: walking in list order
        // tests every row before a term's matches when they sort late (a last name in "M":
        // 190 ms at 100,000 people, measured), which no count up to NARROW foresees.
        Ok(match (searched, tagged) {
            (Some(s), Some(t)) if t < s && t <= NARROW => Self::Tag,
            (Some(_), _) => Self::Search,
            (None, Some(t)) if t <= NARROW => Self::Tag,
            (None, _) => Self::Order,
        })
    }
}

/// One page of the list, and where it stands: its rows' positions, how many people match, and
/// the cursors of the pages around it.
pub async fn list(
    db: &Db,
    workspace: WorkspaceId,
    query: &PeopleQuery,
) -> Result<(Vec<PersonRow>, ListPlace), AppError> {
    let at = PageAt::from_query(&query.after, &query.before)?;
    let filters = Filters::read(db, workspace, query).await?;
    let order = order(query.sort);
    let columns = format!(
        "SELECT p.id, p.first_name, p.last_name, p.email, p.phone, p.company_name,
                {key} AS sort_key, m.name AS owner_name",
        key = order.key,
    );
    let mut conn = db.pool().acquire().await?;
    let walked = match filters.walked() {
        Some((walk, like)) => walk_page(&mut conn, &walk, &like, &order, &at, &columns).await?,
        None => None,
    };
    let matching = filters.clone().matching();
    let filtered = |statement: &mut Statement<'static>, join: &str| matching.push(statement, join);
    let page = |at: &PageAt| -> Result<Statement<'static>, AppError> {
        let mut statement = Statement::new(&columns);
        filtered(&mut statement, " LEFT JOIN members m ON m.id = p.owner_id");
        order.condition(at, &mut statement)?;
        // One more than a page: whether it exists tells if there is a page beyond.
        statement.push(&format!(
            " ORDER BY {} LIMIT {}",
            order.order_by_at(at),
            PAGE_SIZE + 1
        ));
        Ok(statement)
    };
    let walked_rows = walked.is_some();
    let (rows, arranged) = match walked {
        Some(walked) => walked,
        None => read_page(&mut conn, &at, PAGE_SIZE, &order, page).await?,
    };

    let mut people = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let first: String = row.try_get("first_name")?;
        let last: String = row.try_get("last_name")?;
        people.push(PersonRow {
            id: PersonId::parse(&id)
                .ok_or_else(|| AppError::internal("a stored person id is not a UUID"))?,
            name: full_name(&first, &last),
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            company_name: row.try_get("company_name")?,
            tags: Vec::new(),
            owner: row.try_get("owner_name")?,
        });
    }
    let ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
    for (id, tag) in tags_of(&mut *conn, workspace, &ids).await? {
        if let Some(person) = people.iter_mut().find(|p| p.id == id) {
            person.tags.push(tag);
        }
    }
    let counted = matching.narrowed.then(|| {
        let mut statement = Statement::new(COUNT_MATCHING);
        filtered(&mut statement, "");
        statement
    });
    // A term that filled its page within the walk is common: it is counted by a walk too.
    let common = if walked_rows {
        walked_total(&mut conn, &filters, &arranged).await?
    } else {
        None
    };
    let total = match common {
        Some(total) => Some(total),
        None => list_total(&mut conn, workspace, "people", &arranged, counted).await?,
    };
    Ok((people, arranged.of(total)))
}

/// At most how many people a search tests in the list's order, from the page's place, before
/// it reads its matches from its index instead: a term that fills its page within them matches
/// at least one person in twenty.
const WALK: usize = 1_000;

/// The page `at` of a searched list found by walking the list's order from the page's place
/// (`walk`: the filters without the search) and testing the search (`like`) on each row, at most
/// [`WALK`] rows: a term most people match (a mail domain, a city) fills its page within a few
/// dozen rows, where its index would find and sort every one of them. `None` when the walk does
/// not fill the page and find one row beyond it (a rare term, or one whose matches sort late,
/// as a last name does): the index answers then.
async fn walk_page(
    conn: &mut sqlx::AnyConnection,
    walk: &Filters,
    like: &str,
    order: &KeysetOrder,
    at: &PageAt,
    columns: &str,
) -> Result<Option<(Vec<AnyRow>, Arranged)>, AppError> {
    let ordered = order.order_by_at(at);
    let mut statement = Statement::new(columns);
    statement.push(" FROM (SELECT p.*");
    walk.push(&mut statement, "", false);
    order.condition(at, &mut statement)?;
    statement
        .push(&format!(
            " ORDER BY {ordered} LIMIT {WALK}) p LEFT JOIN members m ON m.id = p.owner_id
              WHERE p.search_text LIKE "
        ))
        .push_bind(like.to_owned())
        .push(&format!(
            " ESCAPE '\\' ORDER BY {ordered} LIMIT {}",
            PAGE_SIZE + 1
        ));
    let rows = statement.query()?.fetch_all(&mut *conn).await?;
    if rows.len() <= PAGE_SIZE {
        return Ok(None);
    }
    at.arrange(rows, PAGE_SIZE, |row| order.key_of(row))
}

/// At most how many of the filtered people a search's count tests, in no order, before it counts
/// from the search's index instead: more than 1,000 of them match a term that one person in five
/// has. (With 20,000, a last name that one person in sixty has took 36 ms where it took 11
/// without this walk, `scripts/list-bench`: the walk found too few, and the index counted.)
const WALK_COUNT: usize = 5_000;

/// "More than 1,000" for a search so common that more than that many of the first
/// [`WALK_COUNT`] filtered people match it (the index would read and test every match to count
/// that far). `None` for a list on one page, a search not read from its index, or fewer matches
/// in the walk: the list is counted as any other then.
async fn walked_total(
    conn: &mut sqlx::AnyConnection,
    filters: &Filters,
    page: &Arranged,
) -> Result<Option<Total>, AppError> {
    let Some((walk, like)) = filters.walked() else {
        return Ok(None);
    };
    if page.shown == 0 || (page.previous.is_none() && page.next.is_none()) {
        return Ok(None);
    }
    let mut statement = Statement::new(COUNT_MATCHING);
    statement.push(" FROM (SELECT p.search_text");
    walk.push(&mut statement, "", false);
    statement
        .push(&format!(" LIMIT {WALK_COUNT}) p WHERE p.search_text LIKE "))
        .push_bind(like)
        .push(" ESCAPE '\\'");
    Ok(match count_matching(conn, statement).await? {
        more @ Total::MoreThan(_) => Some(more),
        Total::Exact(_) => None,
    })
}

/// The workspace's tags, for the filter (at most 500). Each distinct tag is found by one seek
/// in the tag index (a loose index scan), so this stays fast however many people carry them.
pub async fn workspace_tags(db: &Db, workspace: WorkspaceId) -> Result<Vec<String>, AppError> {
    let tags: Vec<Option<String>> = sqlx::query_scalar(
        "WITH RECURSIVE t (tag, n) AS (
             SELECT (SELECT MIN(tag) FROM person_tags WHERE workspace_id = $1), 1
             UNION ALL
             SELECT (SELECT MIN(tag) FROM person_tags WHERE workspace_id = $1 AND tag > t.tag),
                    t.n + 1
             FROM t WHERE t.tag IS NOT NULL AND t.n < 500
         )
         SELECT tag FROM t WHERE tag IS NOT NULL",
    )
    .bind(workspace)
    .fetch_all(db.pool())
    .await?;
    Ok(tags.into_iter().flatten().collect())
}

/// Sets which of the workspace's companies a person works at: the one named as their company
/// name says (without case), or none.
pub async fn link_company(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    company_name: &str,
) -> Result<(), AppError> {
    let company = crate::records::db::company_named(conn, workspace, company_name).await?;
    sqlx::query("UPDATE people SET company_id = $1 WHERE workspace_id = $2 AND id = $3")
        .bind(company)
        .bind(workspace)
        .bind(person)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes the new name of a company on one of its people, with the change in their timeline (as
/// if `actor` had edited it on their page).
pub async fn set_company_name(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    name: &str,
    actor: MemberId,
    now: i64,
) -> Result<(), AppError> {
    let Some(before) = load(conn, workspace, person).await? else {
        return Ok(());
    };
    if before.company_name == name {
        return Ok(());
    }
    let derived = derived_for(&Person {
        company_name: name.to_owned(),
        ..before.clone()
    });
    sqlx::query(
        "UPDATE people SET company_name = $1, search_text = $2, match_key = $6, updated_at = $3,
                           version = version + 1
         WHERE workspace_id = $4 AND id = $5",
    )
    .bind(name)
    .bind(derived.search_text)
    .bind(now)
    .bind(workspace)
    .bind(person)
    .bind(derived.match_key)
    .execute(&mut *conn)
    .await?;
    record_event(
        &mut *conn,
        workspace,
        person,
        actor,
        &TimelineEvent::Changed {
            field: "company_name".to_owned(),
            old: before.company_name,
            new: name.to_owned(),
        },
        now,
    )
    .await
}

/// A marketing choice a person made elsewhere: what, when, and how (as their page shows it).
#[derive(Clone, Copy, Debug)]
pub struct MarketingChoiceMade<'a> {
    pub permission: MarketingPermission,
    pub at: i64,
    pub how: &'a str,
}

/// Takes a marketing choice a person made elsewhere (on a lead's form), made at `at`: it replaces
/// theirs unless theirs was recorded later, with each change in their timeline. Answers whether it
/// was taken.
pub async fn take_marketing_choice(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    choice: &MarketingChoiceMade<'_>,
    actor: MemberId,
    now: i64,
) -> Result<bool, AppError> {
    let MarketingChoiceMade {
        permission,
        at,
        how,
    } = *choice;
    let Some(before) = load(conn, workspace, person).await? else {
        return Ok(false);
    };
    let newer = before.marketing_permission == MarketingPermission::Unknown
        || before
            .marketing_permission_at
            .is_none_or(|theirs| theirs <= at);
    if !newer
        || (before.marketing_permission == permission && before.marketing_permission_how == how)
    {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE people SET marketing_permission = $1, marketing_permission_at = $2,
                           marketing_permission_how = $3, updated_at = $4, version = version + 1
         WHERE workspace_id = $5 AND id = $6",
    )
    .bind(permission.as_str())
    .bind(at)
    .bind(how)
    .bind(now)
    .bind(workspace)
    .bind(person)
    .execute(&mut *conn)
    .await?;
    let changes = [
        (
            PersonField::MarketingPermission,
            before.marketing_permission.label().to_owned(),
            permission.label().to_owned(),
        ),
        (
            PersonField::MarketingPermissionHow,
            before.marketing_permission_how,
            how.to_owned(),
        ),
    ];
    for (field, old, new) in changes {
        if old != new {
            record_event(
                &mut *conn,
                workspace,
                person,
                actor,
                &TimelineEvent::Changed {
                    field: field.name().to_owned(),
                    old,
                    new,
                },
                now,
            )
            .await?;
        }
    }
    Ok(true)
}

/// A person's further e-mail addresses and phone numbers, oldest first.
pub async fn contacts_of(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
) -> Result<Vec<ContactPoint>, AppError> {
    let rows = sqlx::query(
        "SELECT id, channel, kind, value FROM person_contacts
         WHERE workspace_id = $1 AND person_id = $2 ORDER BY created_at, id",
    )
    .bind(workspace)
    .bind(person)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let channel = match row.try_get::<String, _>("channel")?.as_str() {
                "email" => Channel::Email,
                _ => Channel::Phone,
            };
            let kind = ContactKind::parse(&row.try_get::<String, _>("kind")?).unwrap_or_default();
            Ok(ContactPoint {
                id: ContactId::parse(&row.try_get::<String, _>("id")?)
                    .ok_or_else(|| AppError::internal("a stored contact id is not a UUID"))?,
                kind: ContactType::of(channel, kind)
                    .ok_or_else(|| AppError::internal("a stored contact has an impossible type"))?,
                value: row.try_get("value")?,
            })
        })
        .collect()
}

/// A person's mailing addresses, oldest first.
pub async fn addresses_of(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
) -> Result<Vec<Address>, AppError> {
    let rows = sqlx::query(
        "SELECT id, kind, street, city, region, postal_code, country FROM person_addresses
         WHERE workspace_id = $1 AND person_id = $2 ORDER BY created_at, id",
    )
    .bind(workspace)
    .bind(person)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Address {
                id: AddressId::parse(&row.try_get::<String, _>("id")?)
                    .ok_or_else(|| AppError::internal("a stored address id is not a UUID"))?,
                kind: AddressKind::parse(&row.try_get::<String, _>("kind")?).unwrap_or_default(),
                street: row.try_get("street")?,
                city: row.try_get("city")?,
                region: row.try_get("region")?,
                postal_code: row.try_get("postal_code")?,
                country: row.try_get("country")?,
            })
        })
        .collect()
}

/// Stores a further e-mail address or phone number of a person (already checked and
/// normalised); answers its id.
pub async fn insert_contact(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    kind: ContactType,
    value: &str,
    now: i64,
) -> Result<ContactId, AppError> {
    let id = ContactId::random();
    sqlx::query(
        "INSERT INTO person_contacts (id, workspace_id, person_id, channel, kind, value, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(workspace)
    .bind(person)
    .bind(kind.channel().as_str())
    .bind(kind.kind().as_str())
    .bind(value)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Stores a mailing address of a person (already checked).
pub async fn insert_address(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    address: &NewAddress,
    now: i64,
) -> Result<AddressId, AppError> {
    let id = AddressId::random();
    sqlx::query(
        "INSERT INTO person_addresses (id, workspace_id, person_id, kind, street, city, region,
                                       postal_code, country, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(workspace)
    .bind(person)
    .bind(address.kind.as_str())
    .bind(&address.street)
    .bind(&address.city)
    .bind(&address.region)
    .bind(&address.postal_code)
    .bind(&address.country)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Removes one item of a person's list; answers whether it was theirs (in this workspace).
pub async fn remove_item(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: PersonId,
    list: PersonList,
    item: &str,
) -> Result<bool, AppError> {
    let table = match list {
        PersonList::Contacts => "person_contacts",
        PersonList::Addresses => "person_addresses",
    };
    let removed = sqlx::query(&format!(
        "DELETE FROM {table} WHERE workspace_id = $1 AND person_id = $2 AND id = $3"
    ))
    .bind(workspace)
    .bind(person)
    .bind(item)
    .execute(&mut *conn)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// After one of a person's lists changed: their search text again, and a new version (so that
/// a page still showing the old lists reloads rather than overwriting them).
pub async fn refresh(
    conn: &mut sqlx::AnyConnection,
    workspace: WorkspaceId,
    person: &Person,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE people SET search_text = $1, updated_at = $2, version = version + 1
         WHERE workspace_id = $3 AND id = $4",
    )
    .bind(derived_for(person).search_text)
    .bind(now)
    .bind(workspace)
    .bind(person.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_text_holds_names_address_phone_digits_and_company_in_lower_case() {
        let derived = derived(
            "Ada",
            "Lovelace",
            Some("Ada@Example.com"),
            Some("+442079460958"),
            "Analytical Engines",
        );
        assert_eq!(derived.sort_name, "lovelace ada");
        assert_eq!(
            derived.search_text,
            "ada lovelace ada@example.com 442079460958 analytical engines"
        );
    }
}
