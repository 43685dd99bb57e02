//! The export log: who exported what, when, with which filters, and how many rows.

use rusqlite::{params, Connection};

use crate::export::{ExportRequest, Requester};
use crate::StoreError;
use relais_schema::UserId;

/// One line of the export log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportLogEntry {
    /// Its number.
    pub id: i64,
    /// When the export started.
    pub started_at: String,
    /// When it ended, if it did.
    pub finished_at: Option<String>,
    /// The account that asked (none for the command line).
    pub user_id: Option<UserId>,
    /// The username, or `cli`.
    pub who: String,
    /// A table name or `all`.
    pub tables: String,
    /// csv, json or xlsx.
    pub format: String,
    /// The filters, as JSON text.
    pub filters: String,
    /// Whether names and phones were replaced by pseudonyms.
    pub pseudonymised: bool,
    /// Rows written (set when the export ends).
    pub row_count: Option<i64>,
    /// started, completed or failed.
    pub outcome: String,
}

/// Record that an export starts; returns the log line's id.
pub fn log_export_start(
    conn: &Connection,
    request: &ExportRequest,
    requester: &Requester,
    now: &str,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO exports (started_at, user_id, who, tables, format, filters, pseudonymised, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'started')",
        params![
            now,
            requester.user_id.map(|u| u.to_string()),
            requester.who,
            request.selection.as_str(),
            request.format.as_str(),
            request.filter.to_json().to_string(),
            request.pseudonymise,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Record how an export ended.
pub fn log_export_end(conn: &Connection, id: i64, rows: Option<u64>, now: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE exports SET finished_at = ?2, row_count = ?3, outcome = ?4 WHERE id = ?1",
        params![
            id,
            now,
            rows.map(|r| r as i64),
            if rows.is_some() { "completed" } else { "failed" }
        ],
    )?;
    Ok(())
}

/// The latest `limit` log lines, newest first.
pub fn list_exports(conn: &Connection, limit: u32) -> Result<Vec<ExportLogEntry>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, started_at, finished_at, user_id, who, tables, format, filters, pseudonymised, row_count, outcome
         FROM exports ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok((
            ExportLogEntry {
                id: r.get(0)?,
                started_at: r.get(1)?,
                finished_at: r.get(2)?,
                user_id: None,
                who: r.get(4)?,
                tables: r.get(5)?,
                format: r.get(6)?,
                filters: r.get(7)?,
                pseudonymised: r.get(8)?,
                row_count: r.get(9)?,
                outcome: r.get(10)?,
            },
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (mut entry, user) = row?;
        entry.user_id = user
            .map(|u| u.parse())
            .transpose()
            .map_err(|e: relais_schema::InvalidId| StoreError::Inconsistent(e.to_string()))?;
        Ok(entry)
    })
    .collect()
}
