//! Contact figures counted over the contact rows themselves: the index
//! `contacts_figures` and `console_contact_interests` (migration
//! `0004_console.sql`).
//!
//! The reference the daily rollups must equal (tests compare them), and
//! what the dashboard reads for the breakdowns and the funnel of one
//! agent's contacts, which the rollups do not count.

use relais_schema::{Sex, Stage};
use rusqlite::{params, Connection};

use super::{
    bounds, code_counts, count, funnel_of, named_counts, periods, Breakdown, CodeCount, FunnelStage, NamedCount,
    Reached, Women,
};
use crate::error::ConsoleError;
use crate::filter::Filter;

/// `WHERE` of the contacts a figure counts: ?1 scope, ?2..?3 range, ?4 agent.
macro_rules! contacts_in_filter {
    () => {
        " c.agency_id IN (SELECT value FROM json_each(?1)) AND c.created_at >= ?2 AND c.created_at < ?3
          AND (?4 = '' OR c.created_by = ?4) "
    };
}

/// People reached per ISO week and per month.
pub fn reached(conn: &Connection, filter: &Filter) -> Result<Reached, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT substr(c.created_at, 1, 10) AS day, COUNT(*) FROM contacts c WHERE",
        contacts_in_filter!(),
        "GROUP BY day ORDER BY day"
    ))?;
    let days = stmt
        .query_map(params![scope, from, to, agent], |r| {
            Ok((r.get::<_, String>(0)?, count(r.get(1)?)))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    periods(days)
}

/// People reached per agency in scope (zeros included), most first.
pub fn by_agency(conn: &Connection, filter: &Filter) -> Result<Vec<NamedCount>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    named_counts(
        conn,
        "SELECT a.id, a.name,
                (SELECT COUNT(*) FROM contacts c WHERE c.agency_id = a.id AND c.created_at >= ?2
                 AND c.created_at < ?3 AND (?4 = '' OR c.created_by = ?4)) AS n
         FROM agencies a WHERE a.id IN (SELECT value FROM json_each(?1)) ORDER BY n DESC, a.name",
        params![scope, from, to, agent],
    )
}

/// People reached per agent (who created the contact), most first.
pub fn by_agent(conn: &Connection, filter: &Filter) -> Result<Vec<NamedCount>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    named_counts(
        conn,
        concat!(
            "SELECT g.created_by, COALESCE(u.display_name, g.created_by), g.n FROM
               (SELECT c.created_by, COUNT(*) AS n FROM contacts c WHERE",
            contacts_in_filter!(),
            "GROUP BY c.created_by) g LEFT JOIN users u ON u.id = g.created_by
             ORDER BY g.n DESC, 2"
        ),
        params![scope, from, to, agent],
    )
}

/// Women among the people reached.
pub fn women(conn: &Connection, filter: &Filter) -> Result<Women, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let (women, total): (i64, i64) = conn
        .prepare_cached(concat!(
            "SELECT COALESCE(SUM(c.sex = ?5), 0), COUNT(*) FROM contacts c WHERE",
            contacts_in_filter!()
        ))?
        .query_row(params![scope, from, to, agent, Sex::Female.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(Women {
        women: count(women),
        total: count(total),
    })
}

/// People reached by `column`, most first; contacts without a value are left out.
pub fn breakdown(conn: &Connection, filter: &Filter, column: Breakdown) -> Result<Vec<CodeCount>, ConsoleError> {
    let sql = match column {
        Breakdown::Nationality => concat!(
            "SELECT c.nationality AS v, COUNT(*) AS n FROM contacts c WHERE",
            contacts_in_filter!(),
            "AND c.nationality IS NOT NULL GROUP BY v ORDER BY n DESC, v"
        ),
        Breakdown::Status => concat!(
            "SELECT c.status AS v, COUNT(*) AS n FROM contacts c WHERE",
            contacts_in_filter!(),
            "AND c.status IS NOT NULL GROUP BY v ORDER BY n DESC, v"
        ),
    };
    let (scope, from, to, agent) = bounds(filter);
    code_counts(conn, sql, params![scope, from, to, agent])
}

/// People reached by interest (a contact counts once per interest), most first.
///
/// Reads `console_contact_interests` (the interest rows with their contact's
/// agency, date and author, kept by triggers) so that no contact row is read.
pub fn interests(conn: &Connection, filter: &Filter) -> Result<Vec<CodeCount>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    code_counts(
        conn,
        "SELECT f.interest AS v, COUNT(*) AS n FROM console_contact_interests f
         WHERE f.agency_id IN (SELECT value FROM json_each(?1)) AND f.created_at >= ?2 AND f.created_at < ?3
           AND (?4 = '' OR f.created_by = ?4)
         GROUP BY v ORDER BY n DESC, v",
        params![scope, from, to, agent],
    )
}

/// The journey funnel: contacts at each stage or beyond.
///
/// One pass with a sum per recorded stage (in the order of `Stage::ALL`)
/// rather than a `GROUP BY`, which would sort every contact first.
pub fn funnel(conn: &Connection, filter: &Filter) -> Result<Vec<FunnelStage>, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let [s0, s1, s2, s3, s4, s5, s6] = stages.as_slice() else {
        return Err(ConsoleError::Inconsistent("the funnel query expects 7 stages".into()));
    };
    let sums: Vec<i64> = conn
        .prepare_cached(concat!(
            "SELECT COUNT(*), COALESCE(SUM(c.stage = ?5), 0), COALESCE(SUM(c.stage = ?6), 0),
                    COALESCE(SUM(c.stage = ?7), 0), COALESCE(SUM(c.stage = ?8), 0), COALESCE(SUM(c.stage = ?9), 0),
                    COALESCE(SUM(c.stage = ?10), 0), COALESCE(SUM(c.stage = ?11), 0)
             FROM contacts c WHERE",
            contacts_in_filter!()
        ))?
        .query_row(params![scope, from, to, agent, s0, s1, s2, s3, s4, s5, s6], |r| {
            (0..8).map(|i| r.get::<_, i64>(i)).collect()
        })?;
    let staged: Vec<CodeCount> = stages
        .iter()
        .zip(&sums[1..])
        .map(|(stage, n)| CodeCount {
            code: stage.to_string(),
            count: count(*n),
        })
        .collect();
    Ok(funnel_of(count(sums[0]), &staged))
}
