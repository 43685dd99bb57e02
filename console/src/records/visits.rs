//! The outreach visits list and a visit's page.

use relais_schema::DocumentId;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::ConsoleError;
use crate::filter::{Filter, Limit, Scope};
use crate::records::cursor::Cursor;
use crate::records::search::Search;
use crate::records::{split_list, DateSort, Page};

/// What the visits list shows.
#[derive(Debug, Clone, Default)]
pub struct VisitQuery {
    /// Search in neighbourhood and place.
    pub search: Option<Search>,
    /// Order (by date).
    pub sort: DateSort,
    /// Page size.
    pub limit: Limit,
    /// Continue after this row.
    pub cursor: Option<String>,
}

/// A row of the visits list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitRow {
    /// Id.
    pub id: String,
    /// Agency.
    pub agency_id: String,
    /// Date.
    pub date: String,
    /// Neighbourhood.
    pub neighbourhood: String,
    /// Place.
    pub place: Option<String>,
    /// People reached.
    pub reached: i64,
    /// Women among them.
    pub women_reached: i64,
    /// Topics discussed.
    pub topics: Vec<String>,
}

macro_rules! list_columns {
    () => {
        "SELECT v.doc_id, v.agency_id, v.date, v.neighbourhood, v.place, v.reached, v.women_reached, v.topics
         FROM visits v WHERE"
    };
}

/// ?1 scope, ?2..?3 range of date, ?4 agent, ?5 pattern.
macro_rules! list_filter {
    () => {
        " v.agency_id IN (SELECT value FROM json_each(?1)) AND v.date >= ?2 AND v.date < ?3
          AND (?4 = '' OR v.created_by = ?4)
          AND (?5 IS NULL OR v.neighbourhood LIKE ?5 ESCAPE '\\' OR v.place LIKE ?5 ESCAPE '\\') "
    };
}

fn list_sql(sort: DateSort, after: bool) -> &'static str {
    match (sort, after) {
        (DateSort::Date, false) => concat!(list_columns!(), list_filter!(), "ORDER BY v.date, v.doc_id LIMIT ?6"),
        (DateSort::Date, true) => concat!(
            list_columns!(),
            list_filter!(),
            "AND (v.date, v.doc_id) > (?7, ?8) ORDER BY v.date, v.doc_id LIMIT ?6"
        ),
        (DateSort::DateDesc, false) => concat!(
            list_columns!(),
            list_filter!(),
            "ORDER BY v.date DESC, v.doc_id DESC LIMIT ?6"
        ),
        (DateSort::DateDesc, true) => concat!(
            list_columns!(),
            list_filter!(),
            "AND (v.date, v.doc_id) < (?7, ?8) ORDER BY v.date DESC, v.doc_id DESC LIMIT ?6"
        ),
    }
}

fn visit_row(r: &Row<'_>) -> rusqlite::Result<VisitRow> {
    Ok(VisitRow {
        id: r.get(0)?,
        agency_id: r.get(1)?,
        date: r.get(2)?,
        neighbourhood: r.get(3)?,
        place: r.get(4)?,
        reached: r.get(5)?,
        women_reached: r.get(6)?,
        topics: split_list(r.get(7)?),
    })
}

/// A page of the visits list.
pub fn list_visits(conn: &Connection, filter: &Filter, query: &VisitQuery) -> Result<Page<VisitRow>, ConsoleError> {
    let sort = query.sort;
    let cursor = query
        .cursor
        .as_deref()
        .map(|text| Cursor::decode(text, sort.as_str(), 2))
        .transpose()?;
    let pattern = query.search.as_ref().map(Search::pattern);
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
            .query_map(params![scope, from, to, agent, pattern, limit + 1], visit_row)?
            .collect::<Result<Vec<_>, _>>()?,
        Some(c) => stmt
            .query_map(
                params![scope, from, to, agent, pattern, limit + 1, c.part(0), c.part(1)],
                visit_row,
            )?
            .collect::<Result<Vec<_>, _>>()?,
    };
    let total: i64 = conn
        .prepare_cached(concat!("SELECT COUNT(*) FROM visits v WHERE", list_filter!()))?
        .query_row(params![scope, from, to, agent, pattern], |r| r.get(0))?;
    Ok(Page::from_rows(rows, limit, total, |row| {
        Cursor::after(sort.as_str(), vec![row.date.clone(), row.id.clone()])
    }))
}

/// Every projected field of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitDetail {
    /// The list's fields.
    #[serde(flatten)]
    pub row: VisitRow,
    /// Who recorded it.
    pub created_by: String,
    /// When recorded.
    pub created_at: String,
    /// The agents who went (user ids).
    pub agents: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// A visit's page: `{visit}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitPage {
    /// The fields.
    pub visit: VisitDetail,
}

/// A visit's page, if the visit exists in `scope`.
pub fn visit_page(conn: &Connection, scope: &Scope, id: DocumentId) -> Result<Option<VisitPage>, ConsoleError> {
    let visit = conn
        .prepare_cached(
            "SELECT v.doc_id, v.agency_id, v.date, v.neighbourhood, v.place, v.reached, v.women_reached, v.topics,
                    v.created_by, v.created_at, v.agents, v.notes
             FROM visits v WHERE v.doc_id = ?1 AND v.agency_id IN (SELECT value FROM json_each(?2))",
        )?
        .query_row(params![id.to_string(), scope.as_json()], |r| {
            Ok(VisitDetail {
                row: visit_row(r)?,
                created_by: r.get(8)?,
                created_at: r.get(9)?,
                agents: split_list(r.get(10)?),
                notes: r.get(11)?,
            })
        })
        .optional()?;
    Ok(visit.map(|visit| VisitPage { visit }))
}
