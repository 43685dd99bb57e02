//! The sessions list and a session's page with its attendance.

use relais_schema::{DocumentId, SessionKind};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::ConsoleError;
use crate::filter::{Filter, Limit, Scope};
use crate::records::contacts::display_name;
use crate::records::cursor::Cursor;
use crate::records::search::Search;
use crate::records::{split_list, DateSort, Page};

/// What the sessions list shows.
#[derive(Debug, Clone, Default)]
pub struct SessionQuery {
    /// Search in topic and place.
    pub search: Option<Search>,
    /// Only this kind.
    pub kind: Option<SessionKind>,
    /// Order (by start).
    pub sort: DateSort,
    /// Page size.
    pub limit: Limit,
    /// Continue after this row.
    pub cursor: Option<String>,
}

/// A row of the sessions list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    /// Id.
    pub id: String,
    /// Agency.
    pub agency_id: String,
    /// Kind.
    pub kind: String,
    /// Topic.
    pub topic: String,
    /// Start.
    pub starts_at: String,
    /// Place.
    pub place: Option<String>,
    /// Marked present.
    pub present: u64,
    /// Marked absent.
    pub absent: u64,
    /// Marked at all (present, absent or excused).
    pub registered: u64,
}

macro_rules! list_columns {
    () => {
        "SELECT s.doc_id, s.agency_id, s.kind, s.topic, s.starts_at, s.place,
                ifnull((SELECT k.present FROM console_attendance_counts k WHERE k.session_id = s.doc_id), 0),
                ifnull((SELECT k.absent FROM console_attendance_counts k WHERE k.session_id = s.doc_id), 0),
                ifnull((SELECT k.registered FROM console_attendance_counts k WHERE k.session_id = s.doc_id), 0)
         FROM sessions s WHERE"
    };
}

/// ?1 scope, ?2..?3 range of starts_at, ?4 agent, ?5 kind, ?6 pattern.
macro_rules! list_filter {
    () => {
        " s.agency_id IN (SELECT value FROM json_each(?1)) AND s.starts_at >= ?2 AND s.starts_at < ?3
          AND (?4 = '' OR s.created_by = ?4) AND (?5 = '' OR s.kind = ?5)
          AND (?6 IS NULL OR s.topic LIKE ?6 ESCAPE '\\' OR s.place LIKE ?6 ESCAPE '\\') "
    };
}

fn list_sql(sort: DateSort, after: bool) -> &'static str {
    match (sort, after) {
        (DateSort::Date, false) => concat!(
            list_columns!(),
            list_filter!(),
            "ORDER BY s.starts_at, s.doc_id LIMIT ?7"
        ),
        (DateSort::Date, true) => concat!(
            list_columns!(),
            list_filter!(),
            "AND (s.starts_at, s.doc_id) > (?8, ?9) ORDER BY s.starts_at, s.doc_id LIMIT ?7"
        ),
        (DateSort::DateDesc, false) => concat!(
            list_columns!(),
            list_filter!(),
            "ORDER BY s.starts_at DESC, s.doc_id DESC LIMIT ?7"
        ),
        (DateSort::DateDesc, true) => concat!(
            list_columns!(),
            list_filter!(),
            "AND (s.starts_at, s.doc_id) < (?8, ?9) ORDER BY s.starts_at DESC, s.doc_id DESC LIMIT ?7"
        ),
    }
}

fn session_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(SessionRow {
        id: r.get(0)?,
        agency_id: r.get(1)?,
        kind: r.get(2)?,
        topic: r.get(3)?,
        starts_at: r.get(4)?,
        place: r.get(5)?,
        present: count(r.get(6)?),
        absent: count(r.get(7)?),
        registered: count(r.get(8)?),
    })
}

/// A page of the sessions list.
pub fn list_sessions(
    conn: &Connection,
    filter: &Filter,
    query: &SessionQuery,
) -> Result<Page<SessionRow>, ConsoleError> {
    let sort = query.sort;
    let cursor = query
        .cursor
        .as_deref()
        .map(|text| Cursor::decode(text, sort.as_str(), 2))
        .transpose()?;
    let pattern = query.search.as_ref().map(Search::pattern);
    let kind = query.kind.map(|k| k.as_str()).unwrap_or_default();
    let (scope, from, to, agent) = (
        filter.scope.as_json(),
        filter.range.lower(),
        filter.range.upper(),
        filter.agent_text(),
    );
    let limit = query.limit.get();
    let mut stmt = conn.prepare_cached(list_sql(sort, cursor.is_some()))?;
    let rows = match &cursor {
        None => stmt
            .query_map(params![scope, from, to, agent, kind, pattern, limit + 1], session_row)?
            .collect::<Result<Vec<_>, _>>()?,
        Some(c) => stmt
            .query_map(
                params![scope, from, to, agent, kind, pattern, limit + 1, c.part(0), c.part(1)],
                session_row,
            )?
            .collect::<Result<Vec<_>, _>>()?,
    };
    let total: i64 = conn
        .prepare_cached(concat!("SELECT COUNT(*) FROM sessions s WHERE", list_filter!()))?
        .query_row(params![scope, from, to, agent, kind, pattern], |r| r.get(0))?;
    Ok(Page::from_rows(rows, limit, total, |row| {
        Cursor::after(sort.as_str(), vec![row.starts_at.clone(), row.id.clone()])
    }))
}

/// Every projected field of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionDetail {
    /// Id.
    pub id: String,
    /// Agency.
    pub agency_id: String,
    /// Who recorded it.
    pub created_by: String,
    /// When recorded.
    pub created_at: String,
    /// Kind.
    pub kind: String,
    /// Topic.
    pub topic: String,
    /// Start.
    pub starts_at: String,
    /// End.
    pub ends_at: Option<String>,
    /// Place.
    pub place: Option<String>,
    /// Facilitators (user ids).
    pub facilitators: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// A person marked in a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceRow {
    /// The contact.
    pub contact_id: String,
    /// Their name (empty when the contact is not in the projection, e.g. merged away).
    pub name: String,
    /// present, absent or excused.
    pub status: String,
    /// Who marked it.
    pub marked_by: Option<String>,
    /// When.
    pub marked_at: Option<String>,
}

/// A session's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionPage {
    /// The fields.
    pub session: SessionDetail,
    /// Everyone marked, by name.
    pub attendance: Vec<AttendanceRow>,
}

/// A session's page, if the session exists in `scope`.
pub fn session_page(conn: &Connection, scope: &Scope, id: DocumentId) -> Result<Option<SessionPage>, ConsoleError> {
    let id = id.to_string();
    let session = conn
        .prepare_cached(
            "SELECT doc_id, agency_id, created_by, created_at, kind, topic, starts_at, ends_at, place, facilitators,
                    notes
             FROM sessions WHERE doc_id = ?1 AND agency_id IN (SELECT value FROM json_each(?2))",
        )?
        .query_row(params![id, scope.as_json()], |r| {
            Ok(SessionDetail {
                id: r.get(0)?,
                agency_id: r.get(1)?,
                created_by: r.get(2)?,
                created_at: r.get(3)?,
                kind: r.get(4)?,
                topic: r.get(5)?,
                starts_at: r.get(6)?,
                ends_at: r.get(7)?,
                place: r.get(8)?,
                facilitators: split_list(r.get(9)?),
                notes: r.get(10)?,
            })
        })
        .optional()?;
    let Some(session) = session else { return Ok(None) };
    let mut attendance = conn
        .prepare_cached(
            "SELECT a.contact_id, c.given_name, c.family_name, c.alias, a.status, a.marked_by, a.marked_at
             FROM attendance a LEFT JOIN contacts c ON c.doc_id = a.contact_id WHERE a.session_id = ?1",
        )?
        .query_map([&id], |r| {
            let (given, family, alias): (Option<String>, Option<String>, Option<String>) =
                (r.get(1)?, r.get(2)?, r.get(3)?);
            Ok(AttendanceRow {
                contact_id: r.get(0)?,
                name: display_name(given.as_deref(), family.as_deref(), alias.as_deref()),
                status: r.get(4)?,
                marked_by: r.get(5)?,
                marked_at: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    attendance.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.contact_id.cmp(&b.contact_id))
    });
    Ok(Some(SessionPage { session, attendance }))
}
