//! A list's search box, read as people mean it and answered from an index on both engines.
//!
//! The text is folded ([`crm_core::text::fold`]: "Müller" is found by "muller"). Three or more
//! characters are looked for anywhere in a record's search text, through a trigram index: an
//! FTS5 table on SQLite (`{table}_search`, keyed by the row's `search_key`), `pg_trgm` on
//! PostgreSQL. One or two characters would match most of a workspace anywhere, so they are the
//! start of the record's name instead (a range on an ordinary index), and the page says so.

use crate::db::{Backend, Statement};
use crate::records::db::escape_like;

/// How a search box's text is looked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    None,
    /// Three or more characters: anywhere in the search text (trigram index).
    Anywhere(String),
    /// One or two characters: the start of the name.
    Prefix(String),
}

impl Search {
    pub fn from_query(q: &str) -> Self {
        let q = crm_core::text::fold(q.trim());
        if q.is_empty() {
            return Self::None;
        }
        // A phone number as people write it ("020 7946-0958", "+44 20"): its digits, without the
        // leading zeros of a trunk or international prefix, which E.164 does not store.
        let phone_like = q.chars().any(|c| c.is_ascii_digit())
            && q.chars()
                .all(|c| c.is_ascii_digit() || " .-()/+".contains(c));
        let text = if phone_like {
            q.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .trim_start_matches('0')
                .to_owned()
        } else {
            q
        };
        match text.chars().count() {
            0 => Self::None,
            1 | 2 => Self::Prefix(text),
            _ => Self::Anywhere(text),
        }
    }

    /// What the page says about a search of one or two characters: which records it shows
    /// (`plural`, whose `name` starts with it) and where three or more are looked for.
    pub fn note(&self, plural: &str, name: &str, anywhere: &str) -> Option<String> {
        match self {
            Self::Prefix(start) => Some(format!(
                "Showing the {plural} whose {name} starts with \u{201c}{start}\u{201d}. Type three \
                 or more letters to search anywhere in {anywhere}."
            )),
            _ => None,
        }
    }

    /// Adds this search's condition (`" AND ..."`) for the rows of `table` (aliased `alias` in
    /// the statement). The anywhere search uses the table's trigram index; the start of the name
    /// a range on the index over the workspace and the name's key ([`name_key`]).
    pub fn push_condition(
        &self,
        statement: &mut Statement<'_>,
        backend: Backend,
        table: &'static str,
        alias: &'static str,
    ) {
        for (sql, value) in self.parts(backend, table, alias) {
            statement.push(&sql);
            if let Some(value) = value {
                statement.push_bind(value);
            }
        }
    }

    /// The same condition as SQL text, each value's placeholder from `bind` (which keeps the
    /// value to bind), for a query not built with a [`Statement`].
    pub fn condition(
        &self,
        backend: Backend,
        table: &'static str,
        alias: &'static str,
        mut bind: impl FnMut(String) -> String,
    ) -> String {
        self.parts(backend, table, alias)
            .into_iter()
            .map(|(sql, value)| match value {
                Some(value) => format!("{sql}{}", bind(value)),
                None => sql,
            })
            .collect()
    }

    /// The condition as SQL pieces, each followed by the value bound after it, if any.
    fn parts(
        &self,
        backend: Backend,
        table: &'static str,
        alias: &'static str,
    ) -> Vec<(String, Option<String>)> {
        match self {
            Self::None => Vec::new(),
            Self::Prefix(start) => {
                // Both engines compare these byte by byte (PostgreSQL through the "C"
                // collation its index is built with), so every text that starts with `start`
                // sorts between it and it followed by the highest code point.
                let column = name_key(table);
                let column = match backend {
                    Backend::Sqlite => format!("{alias}.{column}"),
                    Backend::Postgres => format!("({alias}.{column} COLLATE \"C\")"),
                };
                vec![
                    (format!(" AND {column} >= "), Some(start.clone())),
                    (
                        format!(" AND {column} < "),
                        Some(format!("{start}\u{10FFFF}")),
                    ),
                ]
            }
            Self::Anywhere(text) => match backend {
                Backend::Sqlite => vec![
                    (
                        format!(
                            " AND {alias}.search_key IN (SELECT rowid FROM {table}_search \
                             WHERE {table}_search MATCH "
                        ),
                        Some(fts_phrase(text)),
                    ),
                    (")".to_owned(), None),
                ],
                Backend::Postgres => vec![
                    (
                        format!(" AND {alias}.search_text LIKE "),
                        Some(format!("%{}%", escape_like(text))),
                    ),
                    (" ESCAPE '\\'".to_owned(), None),
                ],
            },
        }
    }
}

/// The column whose start is the record's name, folded, and whose index (after the workspace)
/// answers a search of one or two characters: a person's sort key (last name first; their search
/// text, with every further address, could outgrow an index entry), the others' search text,
/// which begins with the name.
fn name_key(table: &str) -> &'static str {
    if table == "people" {
        "sort_name"
    } else {
        "search_text"
    }
}

/// `text` as one FTS5 string: in double quotes, inner quotes doubled.
pub fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::TestDatabase;
    use crm_test_macros::backend_test;

    /// The plan of a list's query shape with `search` on `table`, as the engine explains it.
    /// On PostgreSQL the search is asked without the workspace's condition: the test's tables are
    /// empty, where every index on the workspace costs the same and the planner may take any of
    /// them and filter; the question is whether an index can answer the search's condition.
    async fn plan(test_db: &TestDatabase, table: &'static str, search: &Search) -> String {
        let backend = test_db.db.backend();
        let mut conn = test_db.db.pool().acquire().await.expect("a connection");
        if backend == Backend::Postgres {
            // The test's tables are nearly empty, where reading them whole is cheapest; what is
            // asked here is whether an index can answer the condition at all.
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .expect("set");
        }
        let mut values = Vec::new();
        let condition = search.condition(backend, table, "r", |value| {
            values.push(value);
            format!("${}", values.len() + 1)
        });
        let explain = match backend {
            Backend::Sqlite => "EXPLAIN QUERY PLAN",
            Backend::Postgres => "EXPLAIN",
        };
        let workspace = match backend {
            Backend::Postgres => "$1 <> ''",
            Backend::Sqlite => "r.workspace_id = $1",
        };
        let sql =
            format!("{explain} SELECT r.id FROM {table} r WHERE {workspace}{condition} LIMIT 51");
        let mut query = sqlx::query(&sql).bind("00000000-0000-0000-0000-000000000000");
        for value in values {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&mut *conn).await.expect("explain");
        rows.iter()
            .map(|row| {
                let column = if backend == Backend::Sqlite {
                    "detail"
                } else {
                    "QUERY PLAN"
                };
                sqlx::Row::try_get::<String, _>(row, column).expect("a plan line")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The index a search of one or two characters on `table` should use.
    fn prefix_index(table: &str) -> String {
        if table == "people" {
            "people_workspace_name".to_owned()
        } else {
            format!("{table}_workspace_search_text")
        }
    }

    #[backend_test]
    async fn every_list_searches_through_an_index_for_any_length_of_text(test_db: TestDatabase) {
        for table in ["people", "companies", "leads", "opportunities", "tasks"] {
            let anywhere = plan(&test_db, table, &Search::from_query("lovelace")).await;
            let prefix = plan(&test_db, table, &Search::from_query("lo")).await;
            match test_db.db.backend() {
                Backend::Sqlite => {
                    assert!(
                        anywhere.contains("VIRTUAL TABLE INDEX"),
                        "{table}: {anywhere}"
                    );
                    assert!(prefix.contains(&prefix_index(table)), "{table}: {prefix}");
                }
                Backend::Postgres => {
                    assert!(
                        anywhere.contains(&format!("{table}_search_trgm")),
                        "{table}: {anywhere}"
                    );
                    let key = if table == "people" {
                        "sort_name"
                    } else {
                        "search_text"
                    };
                    assert!(
                        prefix.lines().any(|line| line.contains("Index Cond")
                            && line.contains(&format!("{key})::text >="))
                            || line.contains("Index Cond") && line.contains(&format!("{key} >="))),
                        "{table}: {prefix}"
                    );
                }
            }
            for (what, plan) in [("anywhere", &anywhere), ("prefix", &prefix)] {
                assert!(
                    !plan.contains("SCAN r") && !plan.contains("Seq Scan"),
                    "{table} {what} on {}: {plan}",
                    test_db.label()
                );
            }
        }
        test_db.cleanup().await;
    }

    #[test]
    fn a_phone_number_typed_nationally_searches_by_its_digits_without_the_trunk_zero() {
        assert_eq!(
            Search::from_query("020 7946-0958"),
            Search::Anywhere("2079460958".to_owned())
        );
        assert_eq!(Search::from_query(" Lo "), Search::Prefix("lo".to_owned()));
        assert_eq!(Search::from_query(" Mü "), Search::Prefix("mu".to_owned()));
        assert_eq!(Search::from_query("   "), Search::None);
    }

    #[test]
    fn one_or_two_letters_say_what_the_list_shows_and_how_to_search_anywhere() {
        assert_eq!(
            Search::from_query("a").note("companies", "name", "names, domains and places"),
            Some(
                "Showing the companies whose name starts with \u{201c}a\u{201d}. Type three or \
                 more letters to search anywhere in names, domains and places."
                    .to_owned()
            )
        );
        assert_eq!(
            Search::from_query("acme").note("companies", "name", "x"),
            None
        );
    }
}
