//! Contact figures added up from the daily rollups of migration
//! `0007_rollups.sql`: `console_daily_contacts` (contacts and women per
//! agency, day and agent) and `console_daily_values` (contacts per agency,
//! field, day and value).
//!
//! A filter's date range is a range of whole days, bound as the same text
//! bounds the contact queries use, and a rollup's `day` is the first ten
//! characters of `created_at`: a contact is in the range exactly when its
//! day is. So the sums here equal the counts over the contact rows
//! ([`super::contact_rows`]), reading at most a few tens of thousands of
//! rollup rows instead of every contact. The per-value rollup has no agent column; its figures take the
//! agencies and days only, and the caller reads the contact rows when an
//! agent is asked for.

use rusqlite::{params, Connection};

use super::{bounds, code_counts, count, named_counts, CodeCount, NamedCount, Women};
use crate::error::ConsoleError;
use crate::filter::{DateRange, Filter, Scope};

/// A field counted per value in `console_daily_values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Nationality,
    Status,
    Stage,
    Interest,
}

impl Field {
    /// Its name in the `field` column.
    fn as_str(self) -> &'static str {
        match self {
            Field::Nationality => "nationality",
            Field::Status => "status",
            Field::Stage => "stage",
            Field::Interest => "interest",
        }
    }
}

/// `WHERE` of the rows of `console_daily_contacts` a figure adds up: ?1
/// scope, ?2..?3 range of days, ?4 agent.
macro_rules! days_in_filter {
    () => {
        " r.agency_id IN (SELECT value FROM json_each(?1)) AND r.day >= ?2 AND r.day < ?3
          AND (?4 = '' OR r.created_by = ?4) "
    };
}

/// Contacts per day (`YYYY-MM-DD`), oldest first; days without any left out.
pub(super) fn per_day(conn: &Connection, filter: &Filter) -> Result<Vec<(String, u64)>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT r.day, SUM(r.contacts) FROM console_daily_contacts r WHERE",
        days_in_filter!(),
        "GROUP BY r.day ORDER BY r.day"
    ))?;
    let days = stmt
        .query_map(params![scope, from, to, agent], |r| {
            Ok((r.get::<_, String>(0)?, count(r.get(1)?)))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(days)
}

/// Contacts per agency in scope (zeros included), most first.
pub(super) fn by_agency(conn: &Connection, filter: &Filter) -> Result<Vec<NamedCount>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    named_counts(
        conn,
        "SELECT a.id, a.name,
                (SELECT COALESCE(SUM(r.contacts), 0) FROM console_daily_contacts r WHERE r.agency_id = a.id
                 AND r.day >= ?2 AND r.day < ?3 AND (?4 = '' OR r.created_by = ?4)) AS n
         FROM agencies a WHERE a.id IN (SELECT value FROM json_each(?1)) ORDER BY n DESC, a.name",
        params![scope, from, to, agent],
    )
}

/// Contacts per agent who created them, most first.
pub(super) fn by_agent(conn: &Connection, filter: &Filter) -> Result<Vec<NamedCount>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    named_counts(
        conn,
        concat!(
            "SELECT g.created_by, COALESCE(u.display_name, g.created_by), g.n FROM
               (SELECT r.created_by, SUM(r.contacts) AS n FROM console_daily_contacts r WHERE",
            days_in_filter!(),
            "GROUP BY r.created_by) g LEFT JOIN users u ON u.id = g.created_by
             ORDER BY g.n DESC, 2"
        ),
        params![scope, from, to, agent],
    )
}

/// Women among the contacts, and all of them.
pub(super) fn women(conn: &Connection, filter: &Filter) -> Result<Women, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let (women, total): (i64, i64) = conn
        .prepare_cached(concat!(
            "SELECT COALESCE(SUM(r.women), 0), COALESCE(SUM(r.contacts), 0) FROM console_daily_contacts r WHERE",
            days_in_filter!()
        ))?
        .query_row(params![scope, from, to, agent], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Women {
        women: count(women),
        total: count(total),
    })
}

/// Contacts of `scope` created within `range` per value of `field`, most
/// first; contacts without a value are left out. Every agent's contacts:
/// this rollup has no agent column.
pub(super) fn values(
    conn: &Connection,
    scope: &Scope,
    range: &DateRange,
    field: Field,
) -> Result<Vec<CodeCount>, ConsoleError> {
    code_counts(
        conn,
        "SELECT r.value AS v, SUM(r.contacts) AS n FROM console_daily_values r
         WHERE r.agency_id IN (SELECT value FROM json_each(?1)) AND r.field = ?4 AND r.day >= ?2 AND r.day < ?3
         GROUP BY v ORDER BY n DESC, v",
        params![scope.as_json(), range.lower(), range.upper(), field.as_str()],
    )
}
