//! Exports of the projection: contacts, follow-ups, sessions, attendance and
//! visits as CSV, JSON or XLSX, filtered, optionally pseudonymised, logged.
//!
//! Rows are read from the projection tables only (never the CRDT bytes) by one
//! SQLite statement per table, in primary key order so that no sort is
//! needed, and each row goes straight to the output: memory stays flat
//! however many rows there are (an attendance export also holds every
//! contact's names, which grows with the contacts, not the rows). The formats:
//!
//! - **CSV** ([`csv`]): UTF-8 with a byte order mark, a header row, RFC 4180
//!   quoting, CRLF. One table per file (`all` is refused).
//! - **JSON** ([`json`]): an array of objects, one per line; for `all`, an
//!   object whose keys are table names and values such arrays. A streamed
//!   array rather than NDJSON because any JSON reader opens it whole, and the
//!   one-object-per-line layout still lets a script read it line by line.
//! - **XLSX** ([`xlsx`]): one sheet per table, number cells for numbers, ISO text for dates.
//!
//! A pseudonymised export replaces names and phones with stable keyed hashes
//! ([`pseudonym`]) and drops free-text columns, which may name people
//! ([`table::Privacy`]). Every export is logged ([`log`]) before its first row
//! and completed with its row count at the end.
//!
//! Speed: a row costs no allocation per cell (text is borrowed from SQLite
//! and written as it is, quoted only when it must be), and attendance rows
//! find their person's names in a hash map ([`people`]) rather than by a
//! lookup in `contacts` each.
//!
//! ```
//! # use relais_sync::export::{export_to, ExportFilter, ExportFormat, ExportRequest, Selection};
//! # let conn = rusqlite::Connection::open_in_memory().unwrap();
//! # for sql in relais_schema::migrations::MIGRATIONS { conn.execute_batch(sql).unwrap(); }
//! let request = ExportRequest {
//!     selection: "visits".parse().unwrap(),
//!     format: ExportFormat::Csv,
//!     filter: ExportFilter::default(),
//!     pseudonymise: false,
//! };
//! let mut out = Vec::new();
//! let rows = export_to(&conn, &request, None, &mut out).unwrap();
//! assert_eq!(rows, 0);
//! assert!(out.starts_with("\u{feff}id,agency_id,agency,".as_bytes()));
//! ```

pub mod csv;
pub mod filter;
pub mod json;
pub mod log;
pub mod people;
pub mod pseudonym;
pub mod sink;
pub mod table;
pub mod xlsx;

use std::fmt;
use std::io::{BufWriter, Write};
use std::str::FromStr;

use rusqlite::{Connection, Row};

use crate::{Store, StoreError};
use relais_schema::UserId;

pub use filter::{ExportFilter, IsoDate};
pub use pseudonym::PseudonymKey;
pub use sink::{Cell, TableSink};
pub use table::{Column, ColumnKind, ExportTable, Privacy, Selection};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output could not be written (a full disk, a client that went away).
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The XLSX writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(String),
    /// A table, format or filter was refused.
    #[error("{0}")]
    Invalid(String),
    /// A named agency or user does not exist.
    #[error("{0} not found")]
    NotFound(String),
}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::Store(e.into())
    }
}

impl From<serde_json::Error> for ExportError {
    fn from(e: serde_json::Error) -> Self {
        ExportError::Io(e.into())
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// A JSON array of objects.
    Json,
    /// An Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// The format's name and file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    /// The media type of a download.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportFormat {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "xlsx" => Ok(ExportFormat::Xlsx),
            other => Err(ExportError::Invalid(format!(
                "unknown format {other:?} (expected csv, json or xlsx)"
            ))),
        }
    }
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// One table or all.
    pub selection: Selection,
    /// The output format.
    pub format: ExportFormat,
    /// Which rows.
    pub filter: ExportFilter,
    /// Replace names and phones by pseudonyms and drop free text.
    pub pseudonymise: bool,
}

impl ExportRequest {
    /// Refuse combinations that cannot be written, before anything is logged or sent.
    pub fn check(&self) -> Result<(), ExportError> {
        if self.format == ExportFormat::Csv && self.selection == Selection::All {
            return Err(ExportError::Invalid(
                "a CSV file holds one table: export the tables one by one, or use xlsx or json for all".into(),
            ));
        }
        self.filter.check()
    }

    /// A file name for the download, e.g. `relais-contacts-pseudonymised.csv`.
    pub fn file_name(&self) -> String {
        format!(
            "relais-{}{}.{}",
            self.selection.as_str(),
            if self.pseudonymise { "-pseudonymised" } else { "" },
            self.format.as_str()
        )
    }
}

/// Who asks for an export, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    /// The account (none for the command line).
    pub user_id: Option<UserId>,
    /// The username, or `cli`.
    pub who: String,
}

/// Write the export to `out`; returns the number of rows (all tables together).
///
/// `key` must be given when the request is pseudonymised.
pub fn export_to<W: Write>(
    conn: &Connection,
    request: &ExportRequest,
    key: Option<&PseudonymKey>,
    out: W,
) -> Result<u64, ExportError> {
    request.check()?;
    let key = match (request.pseudonymise, key) {
        (false, _) => None,
        (true, Some(key)) => Some(key),
        (true, None) => {
            return Err(ExportError::Invalid(
                "a pseudonymised export needs the pseudonym key".into(),
            ))
        }
    };
    // One snapshot for every statement: the names read apart from the rows
    // (`people`) and each table of an `all` export see the same data.
    let snapshot = conn.unchecked_transaction()?;
    let out = BufWriter::with_capacity(64 << 10, out);
    let tables = request.selection.tables();
    let rows = match request.format {
        ExportFormat::Csv => write_tables(conn, &tables, &request.filter, key, csv::CsvSink::new(out)),
        ExportFormat::Json => write_tables(
            conn,
            &tables,
            &request.filter,
            key,
            json::JsonSink::new(out, request.selection == Selection::All),
        ),
        ExportFormat::Xlsx => write_tables(conn, &tables, &request.filter, key, xlsx::XlsxSink::new(out)),
    }?;
    snapshot.finish()?;
    Ok(rows)
}

/// Export with logging: the log line is written before the first row and
/// completed (row count, or failure) at the end. `now` gives RFC 3339 times.
pub fn export_logged<W: Write>(
    store: &Store,
    request: &ExportRequest,
    requester: &Requester,
    now: &dyn Fn() -> String,
    out: W,
) -> Result<u64, ExportError> {
    request.check()?;
    let key = if request.pseudonymise {
        Some(store.write(|conn| pseudonym::ensure_pseudonym_key(conn))?)
    } else {
        None
    };
    let (logged_request, logged_requester, started) = (request.clone(), requester.clone(), now());
    let log_id = store.write(move |conn| log::log_export_start(conn, &logged_request, &logged_requester, &started))?;
    let outcome = store
        .read(|conn| Ok(export_to(conn, request, key.as_ref(), out)))
        .map_err(ExportError::from)
        .and_then(|result| result);
    let (rows, ended) = (outcome.as_ref().ok().copied(), now());
    store.write(move |conn| log::log_export_end(conn, log_id, rows, &ended))?;
    outcome
}

fn write_tables<S: TableSink>(
    conn: &Connection,
    tables: &[ExportTable],
    filter: &ExportFilter,
    key: Option<&PseudonymKey>,
    mut sink: S,
) -> Result<u64, ExportError> {
    let mut rows = 0;
    for &table in tables {
        rows += write_table(conn, table, filter, key, &mut sink)?;
    }
    sink.finish()?;
    Ok(rows)
}

fn write_table<S: TableSink>(
    conn: &Connection,
    table: ExportTable,
    filter: &ExportFilter,
    key: Option<&PseudonymKey>,
    sink: &mut S,
) -> Result<u64, ExportError> {
    let columns: Vec<&Column> = table
        .columns()
        .iter()
        .filter(|c| key.is_none() || c.privacy != Privacy::Drop)
        .collect();
    let source = table.source();
    let (where_clause, params) = filter.where_clause(&source);
    let select = columns.iter().map(|c| c.sql).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {select} FROM {} {where_clause} ORDER BY {}",
        source.from, source.order
    );
    let people = if columns.iter().any(|c| c.person.is_some()) {
        Some(people::PeopleNames::load(conn, filter)?)
    } else {
        None
    };
    let mut stmt = conn.prepare(&sql)?;
    let mut found = stmt.query(rusqlite::params_from_iter(params))?;
    sink.begin_table(table, &columns)?;
    let mut rows = 0;
    while let Some(row) = found.next()? {
        let mut cells = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            let cell = match column.kind {
                ColumnKind::Integer => row.get::<_, Option<i64>>(i)?.map_or(Cell::Null, Cell::Integer),
                ColumnKind::Text => match person_or_text(borrowed_text(row, i)?, column, people.as_ref()) {
                    None => Cell::Null,
                    Some(text) => match (key, column.privacy) {
                        (Some(key), Privacy::Pseudonymise) => Cell::Text(key.pseudonym(column.name, text).into()),
                        _ => Cell::Text(text.into()),
                    },
                },
            };
            cells.push(cell);
        }
        sink.write_row(&cells)?;
        rows += 1;
    }
    sink.end_table()?;
    Ok(rows)
}

/// Column `i` of `row` as text borrowed from SQLite, without a copy; refused,
/// as `row.get::<_, Option<String>>` refuses it, when it is not text or not UTF-8.
pub(crate) fn borrowed_text<'r>(row: &'r Row<'_>, i: usize) -> Result<Option<&'r str>, rusqlite::Error> {
    let value = row.get_ref(i)?;
    value
        .as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e)))
}

/// The text of a column, or for a person's name column the name of the
/// person whose id it holds (none, as a left join gives, when there is no such person).
fn person_or_text<'a>(
    text: Option<&'a str>,
    column: &Column,
    people: Option<&'a people::PeopleNames>,
) -> Option<&'a str> {
    match (column.person, people) {
        (Some(which), Some(people)) => text.and_then(|id| people.name(id, which)),
        _ => text,
    }
}
