//! Rows of cells from a CSV file as spreadsheets and address books write it: the delimiter (`,`
//! `;` or tab, or Excel's `sep=` first line) found from the header; fields in double quotes may
//! hold the delimiter, line breaks and doubled quotes; lines end in CRLF or LF.
//!
//! A row that cannot be read is that row's [`Rejected`], and reading goes on: a quoted field
//! never closed (within [`RECORD_LINES_MAX`] lines) rejects the row it starts, and the lines it
//! took are read again as rows of their own, so one stray quote costs one row, not the file.

use std::collections::VecDeque;
use std::io::{self, Read};

use crate::contact::Rejected;
use crate::text::Lines;

/// A quoted field may hold at most this many line breaks: a note can be long, and a stray quote
/// must not swallow the rest of the file.
pub const RECORD_LINES_MAX: usize = 1_000;
/// A row may be at most this many characters long.
pub const RECORD_CHARS_MAX: usize = 1 << 20;
/// A header may name at most this many columns.
pub const COLUMNS_MAX: usize = 500;

/// One row: its cells in the header's order (a short row is padded with empty cells) and the line
/// it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Why a file has no rows to read at all.
#[derive(Debug, PartialEq, Eq)]
pub enum NoTable {
    Empty,
    TooManyColumns(usize),
}

impl NoTable {
    pub fn message(&self) -> String {
        match self {
            Self::Empty => "The file is empty: it has no header row and no contacts.".to_owned(),
            Self::TooManyColumns(count) => format!(
                "The header row has {count} columns; at most {COLUMNS_MAX} can be imported. \
                 Is this a spreadsheet of contacts?"
            ),
        }
    }
}

/// A CSV file being read: its header, then its rows one at a time.
pub struct Table<R> {
    lines: Lines<R>,
    delimiter: char,
    headers: Vec<String>,
    /// Lines read once but to be read again (after a row whose quote never closed).
    again: VecDeque<(usize, String)>,
}

impl<R: Read> Table<R> {
    /// Reads the header (the first line that is not blank) and finds the delimiter in it.
    pub fn open(mut lines: Lines<R>) -> io::Result<Result<Self, NoTable>> {
        let mut line = String::new();
        let mut delimiter = None;
        loop {
            if !lines.next_line(&mut line)? {
                return Ok(Err(NoTable::Empty));
            }
            // Excel's own hint, written when it is asked to: "sep=;".
            if delimiter.is_none()
                && let Some(sep) = line.trim().strip_prefix("sep=")
                && let [c] = sep.chars().collect::<Vec<_>>()[..]
            {
                delimiter = Some(c);
                continue;
            }
            if !line.trim().is_empty() {
                break;
            }
        }
        let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(&line));
        let mut table = Self {
            lines,
            delimiter,
            headers: Vec::new(),
            again: VecDeque::new(),
        };
        let first = (table.lines.number(), line);
        let headers = match table.record(first)? {
            Ok(row) => row.cells,
            // A header that opens a quote and never closes it is read as it stands.
            Err(_) => Vec::new(),
        };
        if headers.len() > COLUMNS_MAX {
            return Ok(Err(NoTable::TooManyColumns(headers.len())));
        }
        table.headers = headers.into_iter().map(|h| h.trim().to_owned()).collect();
        Ok(Ok(table))
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn delimiter(&self) -> char {
        self.delimiter
    }

    /// The next row, or the reason it cannot be read; `None` at the end of the file. Rows whose
    /// cells are all blank are passed over (spreadsheets end with them).
    pub fn next_row(&mut self) -> io::Result<Option<Result<Row, Rejected>>> {
        loop {
            let Some(first) = self.physical()? else {
                return Ok(None);
            };
            if first.1.trim().is_empty() {
                continue;
            }
            let mut row = match self.record(first)? {
                Ok(row) => row,
                Err(rejected) => return Ok(Some(Err(rejected))),
            };
            if row.cells.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let columns = self.headers.len();
            if row.cells.len() > columns {
                if row.cells[columns..]
                    .iter()
                    .any(|cell| !cell.trim().is_empty())
                {
                    let delimiter = match self.delimiter {
                        '\t' => "tab".to_owned(),
                        other => format!("\"{other}\""),
                    };
                    return Ok(Some(Err(Rejected {
                        line: row.line,
                        reason: format!(
                            "This row has {} fields where the header has {columns}: a value \
                             holding the delimiter ({delimiter}) must be in double quotes.",
                            row.cells.len()
                        ),
                    })));
                }
                row.cells.truncate(columns);
            }
            row.cells.resize(columns, String::new());
            return Ok(Some(Ok(row)));
        }
    }

    /// The next line, from those to read again first.
    fn physical(&mut self) -> io::Result<Option<(usize, String)>> {
        if let Some(line) = self.again.pop_front() {
            return Ok(Some(line));
        }
        let mut line = String::new();
        Ok(self
            .lines
            .next_line(&mut line)?
            .then(|| (self.lines.number(), line)))
    }

    /// One record from its first line, taking further lines while a quoted field is open.
    fn record(&mut self, first: (usize, String)) -> io::Result<Result<Row, Rejected>> {
        let start = first.0;
        let mut parser = Fields::new(self.delimiter);
        let mut taken = vec![first];
        let mut chars = 0;
        let reason = loop {
            let text = &taken.last().expect("one line at least").1;
            chars += text.len();
            match parser.line(text) {
                Ok(true) => {
                    return Ok(Ok(Row {
                        line: start,
                        cells: parser.cells,
                    }));
                }
                Ok(false) => {}
                Err(Malformed) => {
                    break "A value in double quotes is followed by more text before the next \
                           delimiter (a quote in this row or just before it is not closed): the \
                           row was not imported.";
                }
            }
            let next = if taken.len() > RECORD_LINES_MAX || chars > RECORD_CHARS_MAX {
                None
            } else {
                self.physical()?
            };
            match next {
                Some(line) => taken.push(line),
                None => {
                    break "A value in double quotes that starts on this line is never closed: \
                           the row was not imported.";
                }
            }
        };
        let again = taken.len() > 1;
        // Read the lines after the first again, as rows of their own.
        for line in taken.into_iter().skip(1).rev() {
            self.again.push_front(line);
        }
        Ok(Err(Rejected {
            line: start,
            reason: if again {
                format!("{reason} The lines after it were read as rows of their own.")
            } else {
                reason.to_owned()
            },
        }))
    }
}

/// The delimiter a header line uses: whichever of `,` `;` and tab it has most of outside quotes
/// (a comma if none).
pub fn detect_delimiter(header: &str) -> char {
    let mut counts = [(',', 0), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in header.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && let Some(count) = counts.iter_mut().find(|(d, _)| *d == c) {
            count.1 += 1;
        }
    }
    counts
        .iter()
        .rev()
        .max_by_key(|(_, count)| *count)
        .filter(|(_, count)| *count > 0)
        .map_or(',', |(d, _)| *d)
}

/// The fields of one record, fed a line at a time.
struct Fields {
    delimiter: char,
    cells: Vec<String>,
    cell: String,
    /// Inside double quotes (across lines, for a value holding a line break).
    quoted: bool,
}

/// A closing quote followed by more than a delimiter or the line's end (`"a"b,`): the record
/// cannot be read as written, most often because a quote earlier on was never closed.
struct Malformed;

impl Fields {
    fn new(delimiter: char) -> Self {
        Self {
            delimiter,
            cells: Vec::new(),
            cell: String::new(),
            quoted: false,
        }
    }

    fn end_cell(&mut self) {
        self.cells.push(std::mem::take(&mut self.cell));
    }

    /// Reads one line; whether the record ends with it (no quote left open). Outside quotes a
    /// value runs to the next delimiter as it stands (a quote inside it is kept as text).
    fn line(&mut self, line: &str) -> Result<bool, Malformed> {
        let width = self.delimiter.len_utf8();
        let mut rest = line;
        loop {
            if self.quoted {
                let Some(at) = rest.find('"') else {
                    self.cell.push_str(rest);
                    self.cell.push('\n');
                    return Ok(false);
                };
                self.cell.push_str(&rest[..at]);
                rest = &rest[at + 1..];
                if let Some(after) = rest.strip_prefix('"') {
                    self.cell.push('"');
                    rest = after;
                    continue;
                }
                self.quoted = false;
                if rest.is_empty() {
                    self.end_cell();
                    return Ok(true);
                }
                if !rest.starts_with(self.delimiter) {
                    return Err(Malformed);
                }
                self.end_cell();
                rest = &rest[width..];
            } else if let Some(after) = rest.strip_prefix('"') {
                self.quoted = true;
                rest = after;
            } else {
                match rest.find(self.delimiter) {
                    Some(at) => {
                        self.cell.push_str(&rest[..at]);
                        self.end_cell();
                        rest = &rest[at + width..];
                    }
                    None => {
                        self.cell.push_str(rest);
                        self.end_cell();
                        return Ok(true);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::text::detect;

    /// The header and every row (or rejection) of a file.
    pub(crate) fn read(bytes: &[u8]) -> (Vec<String>, Vec<Result<Row, Rejected>>) {
        let mut file = Cursor::new(bytes.to_vec());
        let encoding = detect(&mut file).expect("in memory");
        let mut table = Table::open(Lines::new(file, encoding))
            .expect("in memory")
            .expect("a table");
        let mut rows = Vec::new();
        while let Some(row) = table.next_row().expect("in memory") {
            rows.push(row);
        }
        (table.headers().to_vec(), rows)
    }

    fn cells(rows: &[Result<Row, Rejected>]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.as_ref().expect("a row").cells.clone())
            .collect()
    }

    #[test]
    fn the_delimiter_is_whichever_the_header_uses_outside_quotes() {
        assert_eq!(detect_delimiter("Name,E-mail,Phone"), ',');
        assert_eq!(detect_delimiter("Name;E-mail;\"Phone, main\""), ';');
        assert_eq!(detect_delimiter("Name\tE-mail\tNotes; more"), '\t');
        assert_eq!(detect_delimiter("Name"), ',');
    }

    #[test]
    fn quoted_fields_keep_delimiters_line_breaks_and_doubled_quotes() {
        let file = "Name,Notes,Phone\r\n\"King, Ada\",\"Line one\r\nsaid \"\"hi\"\"\r\n\",123\r\nBob,,\r\n";
        let (headers, rows) = read(file.as_bytes());
        assert_eq!(headers, ["Name", "Notes", "Phone"]);
        assert_eq!(
            cells(&rows),
            [
                vec![
                    "King, Ada".to_owned(),
                    "Line one\nsaid \"hi\"\n".to_owned(),
                    "123".to_owned()
                ],
                vec!["Bob".to_owned(), String::new(), String::new()],
            ]
        );
        assert_eq!(rows[0].as_ref().map(|r| r.line), Ok(2));
        assert_eq!(rows[1].as_ref().map(|r| r.line), Ok(5));
    }

    #[test]
    fn semicolons_and_excels_sep_line_are_understood() {
        let (headers, rows) = read("sep=;\nName;Company\nZoë;\"Acme; Inc\"\n".as_bytes());
        assert_eq!(headers, ["Name", "Company"]);
        assert_eq!(
            cells(&rows),
            [vec!["Zoë".to_owned(), "Acme; Inc".to_owned()]]
        );
    }

    #[test]
    fn an_unclosed_quote_rejects_its_row_and_the_rows_after_it_are_kept() {
        let file = "Name,Notes\nAda,ok\nBob,\"never closed\nCy,fine\nDee,also fine\n";
        let (_, rows) = read(file.as_bytes());
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0],
            Ok(Row {
                line: 2,
                cells: vec!["Ada".into(), "ok".into()]
            })
        );
        let rejected = rows[1].as_ref().expect_err("Bob's quote never closes");
        assert_eq!(rejected.line, 3);
        assert!(
            rejected.reason.contains("never closed"),
            "{}",
            rejected.reason
        );
        assert_eq!(
            rows[2],
            Ok(Row {
                line: 4,
                cells: vec!["Cy".into(), "fine".into()]
            })
        );
        assert_eq!(
            rows[3],
            Ok(Row {
                line: 5,
                cells: vec!["Dee".into(), "also fine".into()]
            })
        );
    }

    #[test]
    fn text_after_a_closing_quote_rejects_the_row_and_the_next_row_is_read_as_written() {
        // Row 3 opens a quote that the next row's quote closes: row 3 alone is rejected.
        let file =
            "Name,Notes\nAda,\"a\"b\nBob,\"never closed\nCy,\"Met at noon\nthen left\"\nDee,ok\n";
        let (_, rows) = read(file.as_bytes());
        let reasons: Vec<(usize, bool)> = rows
            .iter()
            .map(|row| match row {
                Ok(row) => (row.line, true),
                Err(rejected) => (rejected.line, false),
            })
            .collect();
        assert_eq!(reasons, [(2, false), (3, false), (4, true), (6, true)]);
        let rejected = rows[1].as_ref().expect_err("Bob's quote is closed by Cy's");
        assert!(
            rejected.reason.contains("followed by more text"),
            "{}",
            rejected.reason
        );
        assert_eq!(
            cells(&rows[2..]),
            [
                vec!["Cy".to_owned(), "Met at noon\nthen left".to_owned()],
                vec!["Dee".to_owned(), "ok".to_owned()],
            ]
        );
    }

    #[test]
    fn a_row_with_more_values_than_columns_is_rejected_and_blank_rows_are_passed_over() {
        let file = "Name,E-mail\nAda,ada@example.com,extra\n,,\n\nBob,bob@example.com,\nCy\n";
        let (_, rows) = read(file.as_bytes());
        let rejected = rows[0].as_ref().expect_err("three values, two columns");
        assert_eq!(rejected.line, 2);
        assert!(
            rejected.reason.contains("3 fields where the header has 2"),
            "{}",
            rejected.reason
        );
        assert_eq!(
            cells(&rows[1..]),
            [
                vec!["Bob".to_owned(), "bob@example.com".to_owned()],
                vec!["Cy".to_owned(), String::new()],
            ]
        );
    }

    #[test]
    fn a_file_of_blank_lines_has_no_table() {
        let mut file = Cursor::new(b"\n \r\n".to_vec());
        let encoding = detect(&mut file).expect("in memory");
        assert!(matches!(
            Table::open(Lines::new(file, encoding)),
            Ok(Err(NoTable::Empty))
        ));
    }
}
