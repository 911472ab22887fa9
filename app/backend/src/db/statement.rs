//! Statements whose SQL depends on the data (a list of ids, several rows in one `INSERT`): each
//! value is bound where its placeholder is written, so no placeholder number is counted by hand.
//!
//! sqlx's own `QueryBuilder` does the same for one engine, but through the `Any` driver it writes
//! `?` for every placeholder (`AnyArguments` keeps the trait's default), which PostgreSQL refuses.
//! This one writes `$1`, `$2`, … which both engines accept.

use std::fmt::Write as _;

use sqlx::any::AnyArguments;
use sqlx::error::BoxDynError;
use sqlx::query::Query;
use sqlx::{Any, Arguments, Encode, Type};

use crm_core::error::AppError;

/// SQL written in pieces with its values bound on the way. Written once, run once.
#[derive(Default)]
pub struct Statement<'q> {
    sql: String,
    arguments: AnyArguments<'q>,
    /// Placeholders written so far (the next is `$count + 1`).
    count: usize,
    /// The first value that could not be encoded: the statement then does not run.
    error: Option<BoxDynError>,
    taken: bool,
}

impl<'q> Statement<'q> {
    /// A statement that begins with `sql`.
    pub fn new(sql: &str) -> Self {
        Self {
            sql: sql.to_owned(),
            ..Self::default()
        }
    }

    /// Appends SQL as it is: names from the code, never text from a request.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        self.count += 1;
        // (Writing to a String cannot fail.)
        let _ = write!(self.sql, "${}", self.count);
        if let Err(error) = self.arguments.add(value)
            && self.error.is_none()
        {
            self.error = Some(error);
        }
        self
    }

    /// Appends one placeholder per value, separated by commas (for `IN (…)`), binding each.
    pub fn push_bind_list<T, I>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// Appends one parenthesised row per item, separated by commas (for `VALUES …`): `row` binds
    /// the item's values through the [`Row`] it is given.
    pub fn push_rows<I, F>(&mut self, items: I, mut row: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(&mut Row<'_, 'q>, I::Item),
    {
        for (i, item) in items.into_iter().enumerate() {
            self.sql.push_str(if i > 0 { ", (" } else { "(" });
            row(
                &mut Row {
                    statement: self,
                    first: true,
                },
                item,
            );
            self.sql.push(')');
        }
        self
    }

    /// The SQL as written so far.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The values bound so far, as sqlx holds them (`BigInt(7)`, `Text("a")`): for tests.
    #[cfg(test)]
    pub(crate) fn bound(&self) -> Vec<String> {
        self.arguments
            .values
            .0
            .iter()
            .map(|value| format!("{value:?}"))
            .collect()
    }

    /// The query to run. A value that could not be encoded, or a second call, is an error instead.
    pub fn query(&mut self) -> Result<Query<'_, Any, AnyArguments<'_>>, AppError> {
        if let Some(error) = self.error.take() {
            return Err(sqlx::Error::Encode(error).into());
        }
        if std::mem::replace(&mut self.taken, true) {
            return Err(AppError::internal("a statement was run twice"));
        }
        let arguments = std::mem::take(&mut self.arguments);
        Ok(sqlx::query_with(&self.sql, arguments))
    }
}

/// One row of a multi-row `VALUES`, being written: its values are separated by commas.
pub struct Row<'s, 'q> {
    statement: &'s mut Statement<'q>,
    first: bool,
}

impl<'q> Row<'_, 'q> {
    /// Binds the row's next value.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        if !std::mem::replace(&mut self.first, false) {
            self.statement.sql.push_str(", ");
        }
        self.statement.push_bind(value);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_values_are_bound() {
        let mut statement = Statement::new("UPDATE t SET a = ");
        statement
            .push_bind(1_i64)
            .push(" WHERE w = ")
            .push_bind("w")
            .push(" AND id IN (")
            .push_bind_list(["x", "y", "z"])
            .push(")");
        assert_eq!(
            statement.sql(),
            "UPDATE t SET a = $1 WHERE w = $2 AND id IN ($3, $4, $5)"
        );
        assert_eq!(
            statement.bound(),
            [
                "BigInt(1)",
                "Text(\"w\")",
                "Text(\"x\")",
                "Text(\"y\")",
                "Text(\"z\")"
            ]
        );
    }

    #[test]
    fn rows_are_parenthesised_and_separated() {
        let mut statement = Statement::new("INSERT INTO t (a, b) VALUES ");
        statement.push_rows([("x", 1_i64), ("y", 2)], |row, (a, b)| {
            row.bind(a).bind(b);
        });
        assert_eq!(
            statement.sql(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }

    #[test]
    fn an_empty_list_writes_no_placeholder() {
        let mut statement = Statement::new("SELECT 1 WHERE 0 IN (");
        statement.push_bind_list(Vec::<String>::new()).push(")");
        assert_eq!(statement.sql(), "SELECT 1 WHERE 0 IN ()");
    }

    #[test]
    fn a_statement_cannot_be_run_twice() {
        let mut statement = Statement::new("SELECT ");
        statement.push_bind(1_i64);
        assert!(statement.query().is_ok());
        assert!(matches!(statement.query(), Err(AppError::Internal)));
    }
}
