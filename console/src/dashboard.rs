//! The indicators dashboard: every figure is one query over the projection.
//!
//! Definitions (also in `docs/console.md`):
//!
//! - **People reached**: contacts whose `created_at` falls in the range,
//!   counted per ISO week (`2026-W47`) and per month (`2026-11`); per
//!   agency (every agency in scope, zeros included) and per agent (the
//!   contact's `created_by`).
//! - **Women**: of those contacts, the ones with `sex = female`, out of all.
//! - **Nationalities, statuses, interests**: the same contacts grouped by
//!   value; contacts without a value are left out of the breakdown.
//! - **Funnel**: a contact counts at every stage it has reached or passed:
//!   `contacted` (every contact, stage or not), `informed`, `registered`,
//!   `in_training_or_accompanied` (`in_training` or `accompanied`),
//!   `employed_or_self_employed` (`employed` or `self_employed`).
//! - **Sessions**: sessions whose `starts_at` falls in the range (`held`),
//!   their attendance rows (`registered`), of which `present` and
//!   `absent` (the rest are `excused`); `attendanceRate` = present /
//!   registered (0 without registrations).
//! - **Visits**: outreach visits whose `date` falls in the range, and the
//!   sums of their `reached` and `women_reached` head counts.
//!
//! The agent filter keeps the records the agent created (`created_by`).
//!
//! Where the contact figures come from: the daily rollups (`daily`,
//! migration `0007_rollups.sql`, kept by triggers in the projection's
//! transaction) whenever they hold the exact answer, which is every figure
//! but the breakdowns and the funnel of one agent's contacts; those, like
//! the reference every rollup figure must equal, are counted over the
//! contact rows ([`contact_rows`]). A figure over every agency and all time
//! then adds up tens of thousands of rollup rows at most instead of
//! grouping every contact.

use std::collections::BTreeMap;

use relais_schema::Stage;
use rusqlite::{params, Connection, Params};
use serde::Serialize;

use crate::error::ConsoleError;
use crate::filter::{Day, Filter};

pub mod contact_rows;
mod daily;

use daily::Field;

/// Every figure of the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// People reached per week and per month.
    pub reached: Reached,
    /// People reached per agency.
    pub by_agency: Vec<NamedCount>,
    /// People reached per agent.
    pub by_agent: Vec<NamedCount>,
    /// Share of women.
    pub women: Women,
    /// People reached by nationality.
    pub nationalities: Vec<CodeCount>,
    /// People reached by migration status.
    pub statuses: Vec<CodeCount>,
    /// People reached by interest.
    pub interests: Vec<CodeCount>,
    /// The journey funnel.
    pub funnel: Vec<FunnelStage>,
    /// Sessions and attendance.
    pub sessions: Sessions,
    /// Outreach visits.
    pub visits: Visits,
}

/// People reached over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reached {
    /// Per ISO week, oldest first.
    pub weekly: Vec<PeriodCount>,
    /// Per month, oldest first.
    pub monthly: Vec<PeriodCount>,
}

/// A count for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCount {
    /// `2026-W47` or `2026-11`.
    pub period: String,
    /// How many.
    pub count: u64,
}

/// A count for an agency or an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedCount {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How many.
    pub count: u64,
}

/// A count for a vocabulary value or a country code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeCount {
    /// The value.
    pub code: String,
    /// How many.
    pub count: u64,
}

/// Women among the people reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Women {
    /// Contacts with `sex = female`.
    pub women: u64,
    /// All contacts.
    pub total: u64,
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelStage {
    /// Its name.
    pub stage: &'static str,
    /// Contacts at this stage or beyond.
    pub count: u64,
}

/// Sessions held and attendance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sessions {
    /// Sessions in the range.
    pub held: u64,
    /// Attendance rows of those sessions.
    pub registered: u64,
    /// Of which present.
    pub present: u64,
    /// Of which absent.
    pub absent: u64,
    /// present / registered, 0 without registrations.
    pub attendance_rate: f64,
}

/// Outreach visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Visits {
    /// Visits in the range.
    pub count: u64,
    /// Sum of their `reached`.
    pub reached: u64,
    /// Sum of their `women_reached`.
    pub women_reached: u64,
}

/// The funnel's stages, in order.
pub const FUNNEL: [&str; 5] = [
    "contacted",
    "informed",
    "registered",
    "in_training_or_accompanied",
    "employed_or_self_employed",
];

/// The funnel position of a recorded stage (an index into [`FUNNEL`]).
pub fn funnel_position(stage: Stage) -> usize {
    match stage {
        Stage::Contacted => 0,
        Stage::Informed => 1,
        Stage::Registered => 2,
        Stage::InTraining | Stage::Accompanied => 3,
        Stage::Employed | Stage::SelfEmployed => 4,
    }
}

/// Every figure for `filter`.
pub fn dashboard(conn: &Connection, filter: &Filter) -> Result<Dashboard, ConsoleError> {
    Ok(Dashboard {
        reached: reached(conn, filter)?,
        by_agency: by_agency(conn, filter)?,
        by_agent: by_agent(conn, filter)?,
        women: women(conn, filter)?,
        nationalities: breakdown(conn, filter, Breakdown::Nationality)?,
        statuses: breakdown(conn, filter, Breakdown::Status)?,
        interests: interests(conn, filter)?,
        funnel: funnel(conn, filter)?,
        sessions: sessions(conn, filter)?,
        visits: visits(conn, filter)?,
    })
}

fn bounds(filter: &Filter) -> (String, String, String, String) {
    (
        filter.scope.as_json(),
        filter.range.lower(),
        filter.range.upper(),
        filter.agent_text(),
    )
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// People reached per ISO week and per month.
pub fn reached(conn: &Connection, filter: &Filter) -> Result<Reached, ConsoleError> {
    periods(daily::per_day(conn, filter)?)
}

/// Counts per day (`YYYY-MM-DD`) folded into ISO weeks and months.
fn periods(days: Vec<(String, u64)>) -> Result<Reached, ConsoleError> {
    let mut weekly: BTreeMap<String, u64> = BTreeMap::new();
    let mut monthly: BTreeMap<String, u64> = BTreeMap::new();
    for (day, n) in days {
        let day: Day = day
            .parse()
            .map_err(|_| ConsoleError::Inconsistent(format!("contact created_at {day:?}")))?;
        let (year, week) = (day.date().to_iso_week_date().0, day.date().iso_week());
        *weekly.entry(format!("{year:04}-W{week:02}")).or_default() += n;
        *monthly.entry(day.to_string()[..7].to_string()).or_default() += n;
    }
    let periods = |map: BTreeMap<String, u64>| {
        map.into_iter()
            .map(|(period, count)| PeriodCount { period, count })
            .collect()
    };
    Ok(Reached {
        weekly: periods(weekly),
        monthly: periods(monthly),
    })
}

fn named_counts(conn: &Connection, sql: &str, params: impl Params) -> Result<Vec<NamedCount>, ConsoleError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params, |r| {
            Ok(NamedCount {
                id: r.get(0)?,
                name: r.get(1)?,
                count: count(r.get(2)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn code_counts(conn: &Connection, sql: &str, params: impl Params) -> Result<Vec<CodeCount>, ConsoleError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params, |r| {
            Ok(CodeCount {
                code: r.get(0)?,
                count: count(r.get(1)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// People reached per agency in scope (zeros included), most first.
pub fn by_agency(conn: &Connection, filter: &Filter) -> Result<Vec<NamedCount>, ConsoleError> {
    daily::by_agency(conn, filter)
}

/// People reached per agent (who created the contact), most first.
pub fn by_agent(conn: &Connection, filter: &Filter) -> Result<Vec<NamedCount>, ConsoleError> {
    daily::by_agent(conn, filter)
}

/// Women among the people reached.
pub fn women(conn: &Connection, filter: &Filter) -> Result<Women, ConsoleError> {
    daily::women(conn, filter)
}

/// A column the people reached are broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// Country code.
    Nationality,
    /// Migration status.
    Status,
}

/// People reached by `column`, most first; contacts without a value are left out.
pub fn breakdown(conn: &Connection, filter: &Filter, column: Breakdown) -> Result<Vec<CodeCount>, ConsoleError> {
    if filter.agent.is_some() {
        return contact_rows::breakdown(conn, filter, column);
    }
    let field = match column {
        Breakdown::Nationality => Field::Nationality,
        Breakdown::Status => Field::Status,
    };
    daily::values(conn, &filter.scope, &filter.range, field)
}

/// People reached by interest (a contact counts once per interest), most first.
pub fn interests(conn: &Connection, filter: &Filter) -> Result<Vec<CodeCount>, ConsoleError> {
    if filter.agent.is_some() {
        return contact_rows::interests(conn, filter);
    }
    daily::values(conn, &filter.scope, &filter.range, Field::Interest)
}

/// The journey funnel: contacts at each stage or beyond.
pub fn funnel(conn: &Connection, filter: &Filter) -> Result<Vec<FunnelStage>, ConsoleError> {
    if filter.agent.is_some() {
        return contact_rows::funnel(conn, filter);
    }
    let total = daily::women(conn, filter)?.total;
    let staged = daily::values(conn, &filter.scope, &filter.range, Field::Stage)?;
    Ok(funnel_of(total, &staged))
}

/// The funnel of `total` contacts of which `staged` have a recorded stage
/// (counts per stage name). Contacts without a stage, or with a name that
/// is not a stage, were contacted.
fn funnel_of(total: u64, staged: &[CodeCount]) -> Vec<FunnelStage> {
    let mut at_position = [0u64; FUNNEL.len()];
    let mut counted = 0;
    for stage in Stage::ALL {
        let n: u64 = staged
            .iter()
            .filter(|s| s.code == stage.as_str())
            .map(|s| s.count)
            .sum();
        at_position[funnel_position(*stage)] += n;
        counted += n;
    }
    at_position[0] += total.saturating_sub(counted);
    // At a stage or beyond: the sums from each position to the end.
    let mut beyond = 0;
    let mut counts = [0u64; FUNNEL.len()];
    for position in (0..FUNNEL.len()).rev() {
        beyond += at_position[position];
        counts[position] = beyond;
    }
    FUNNEL
        .iter()
        .zip(counts)
        .map(|(stage, count)| FunnelStage { stage, count })
        .collect()
}

/// `WHERE` of the sessions a figure counts: ?1 scope, ?2..?3 range of `starts_at`, ?4 agent.
macro_rules! sessions_in_filter {
    () => {
        " s.agency_id IN (SELECT value FROM json_each(?1)) AND s.starts_at >= ?2 AND s.starts_at < ?3
          AND (?4 = '' OR s.created_by = ?4) "
    };
}

/// Sessions held in the range and their attendance.
///
/// Reads the per-session counts of `console_attendance_counts` (kept by
/// triggers on `attendance`): one row per session instead of every mark.
pub fn sessions(conn: &Connection, filter: &Filter) -> Result<Sessions, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let (held, registered, present, absent): (i64, i64, i64, i64) = conn
        .prepare_cached(concat!(
            "SELECT COUNT(*), COALESCE(SUM(k.registered), 0), COALESCE(SUM(k.present), 0),
                    COALESCE(SUM(k.absent), 0)
             FROM sessions s LEFT JOIN console_attendance_counts k ON k.session_id = s.doc_id WHERE",
            sessions_in_filter!()
        ))?
        .query_row(params![scope, from, to, agent], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let (registered, present) = (count(registered), count(present));
    Ok(Sessions {
        held: count(held),
        registered,
        present,
        absent: count(absent),
        attendance_rate: if registered == 0 {
            0.0
        } else {
            present as f64 / registered as f64
        },
    })
}

/// Outreach visits in the range and the people they reached.
pub fn visits(conn: &Connection, filter: &Filter) -> Result<Visits, ConsoleError> {
    let (scope, from, to, agent) = bounds(filter);
    let (n, reached, women): (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(v.reached), 0), COALESCE(SUM(v.women_reached), 0) FROM visits v
             WHERE v.agency_id IN (SELECT value FROM json_each(?1)) AND v.date >= ?2 AND v.date < ?3
               AND (?4 = '' OR v.created_by = ?4)",
        )?
        .query_row(params![scope, from, to, agent], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(Visits {
        count: count(n),
        reached: count(reached),
        women_reached: count(women),
    })
}

/// How many rows the rollup tables of `0007_rollups.sql` differ by from a
/// fresh count of the contact rows (interests joined from
/// `contact_interests`), both ways: zero while the triggers keep them exact.
/// A check for the tests and for an operator after repairing a database by
/// hand (`relais reproject` rebuilds them).
pub fn rollup_rows_off(conn: &Connection) -> Result<i64, ConsoleError> {
    Ok(conn.query_row(
        "WITH fresh_contacts AS (
             SELECT agency_id, substr(created_at, 1, 10), created_by, COUNT(*), SUM(sex IS 'female')
             FROM contacts GROUP BY 1, 2, 3),
         fresh_values AS (
             SELECT agency_id, 'nationality', substr(created_at, 1, 10), nationality, COUNT(*) FROM contacts
             WHERE nationality IS NOT NULL GROUP BY 1, 3, 4
             UNION ALL SELECT agency_id, 'status', substr(created_at, 1, 10), status, COUNT(*) FROM contacts
             WHERE status IS NOT NULL GROUP BY 1, 3, 4
             UNION ALL SELECT agency_id, 'stage', substr(created_at, 1, 10), stage, COUNT(*) FROM contacts
             WHERE stage IS NOT NULL GROUP BY 1, 3, 4
             UNION ALL SELECT c.agency_id, 'interest', substr(c.created_at, 1, 10), i.interest, COUNT(*)
             FROM contact_interests i JOIN contacts c ON c.doc_id = i.doc_id GROUP BY 1, 3, 4)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM fresh_contacts EXCEPT SELECT * FROM console_daily_contacts))
              + (SELECT COUNT(*) FROM (SELECT * FROM console_daily_contacts EXCEPT SELECT * FROM fresh_contacts))
              + (SELECT COUNT(*) FROM (SELECT * FROM fresh_values EXCEPT SELECT * FROM console_daily_values))
              + (SELECT COUNT(*) FROM (SELECT * FROM console_daily_values EXCEPT SELECT * FROM fresh_values))",
        [],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{DateRange, Scope};
    use crate::test_store::{agency, contact, mark, memory_store, session, user, visit, ContactSeed};
    use relais_sync::accounts::Role;

    fn day(s: &str) -> Option<Day> {
        Some(s.parse().expect("day"))
    }

    #[test]
    fn people_reached_are_counted_per_iso_week_and_month_within_the_range() {
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        // 2026-12-31 is a Thursday of ISO week 2026-W53; 2027-01-01 belongs to it too.
        for at in [
            "2026-12-28T09:00:00Z",
            "2026-12-31T23:59:59Z",
            "2027-01-01T00:00:00Z",
            "2027-01-04T08:00:00Z",
        ] {
            contact(&conn, &ContactSeed::new(home, amina, at));
        }
        let filter = Filter {
            scope: Scope::new(vec![home]),
            range: DateRange::new(day("2026-12-29"), day("2027-01-04")).expect("range"),
            agent: None,
        };
        let reached = reached(&conn, &filter).expect("reached");
        let period = |p: &str, count| PeriodCount {
            period: p.into(),
            count,
        };
        assert_eq!(reached.weekly, vec![period("2026-W53", 2), period("2027-W01", 1)]);
        assert_eq!(reached.monthly, vec![period("2026-12", 1), period("2027-01", 2)]);
    }

    #[test]
    fn the_derived_counts_follow_the_projection_when_rows_are_rewritten() {
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        let other = agency(&conn, "Marseille");
        let scope = |a| Filter::of(Scope::new(vec![a]));
        // Interests written before their contact row, as a reprojection in another order would.
        let id = relais_schema::DocumentId::random().to_string();
        conn.execute(
            "INSERT INTO contact_interests (doc_id, interest) VALUES (?1, 'job_search')",
            [&id],
        )
        .expect("interest");
        conn.execute(
            "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, consent_given)
             VALUES (?1, ?2, 1, ?3, '2026-11-02T10:00:00Z', 1)",
            rusqlite::params![id, home.to_string(), amina.to_string()],
        )
        .expect("contact");
        assert_eq!(interests(&conn, &scope(home)).expect("interests")[0].count, 1);
        conn.execute(
            "UPDATE contacts SET agency_id = ?2 WHERE doc_id = ?1",
            rusqlite::params![id, other.to_string()],
        )
        .expect("move");
        assert!(interests(&conn, &scope(home)).expect("interests").is_empty());
        assert_eq!(interests(&conn, &scope(other)).expect("interests")[0].count, 1);
        conn.execute("DELETE FROM contacts WHERE doc_id = ?1", [&id])
            .expect("delete");
        assert!(interests(&conn, &scope(other)).expect("interests").is_empty());

        let held = session(&conn, home, amina, "2026-11-05T14:00:00Z", "CV");
        let a = contact(&conn, &ContactSeed::new(home, amina, "2026-11-02T10:00:00Z"));
        let b = contact(&conn, &ContactSeed::new(home, amina, "2026-11-02T10:00:00Z"));
        mark(&conn, &held, &a, "present");
        mark(&conn, &held, &b, "absent");
        conn.execute("UPDATE attendance SET status = 'present' WHERE contact_id = ?1", [&b])
            .expect("change");
        conn.execute("DELETE FROM attendance WHERE contact_id = ?1", [&a])
            .expect("unmark");
        let figures = sessions(&conn, &scope(home)).expect("sessions");
        assert_eq!((figures.registered, figures.present, figures.absent), (1, 1, 0));
    }

    #[test]
    fn the_funnel_counts_a_contact_at_every_stage_it_reached() {
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        for stage in [
            None,
            Some("contacted"),
            Some("informed"),
            Some("accompanied"),
            Some("self_employed"),
        ] {
            contact(
                &conn,
                &ContactSeed {
                    stage,
                    ..ContactSeed::new(home, amina, "2026-11-02T10:00:00Z")
                },
            );
        }
        let counts: Vec<u64> = funnel(&conn, &Filter::of(Scope::new(vec![home])))
            .expect("funnel")
            .iter()
            .map(|s| s.count)
            .collect();
        assert_eq!(counts, vec![5, 3, 2, 2, 1]);
    }

    #[test]
    fn figures_keep_to_the_agencies_in_scope_and_the_agent() {
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let (karim, _) = user(&conn, "karim", Role::Agent);
        let home = agency(&conn, "Belleville");
        let other = agency(&conn, "Marseille");
        let female = |agency, by, nationality| ContactSeed {
            sex: Some("female"),
            nationality: Some(nationality),
            interests: &["training", "language"],
            ..ContactSeed::new(agency, by, "2026-11-02T10:00:00Z")
        };
        let a = contact(&conn, &female(home, amina, "SN"));
        let b = contact(&conn, &female(home, karim, "ML"));
        contact(&conn, &ContactSeed::new(home, karim, "2026-11-03T10:00:00Z"));
        contact(&conn, &female(other, amina, "SN"));
        let held = session(&conn, home, amina, "2026-11-05T14:00:00Z", "CV");
        mark(&conn, &held, &a, "present");
        mark(&conn, &held, &b, "excused");
        session(&conn, other, amina, "2026-11-05T14:00:00Z", "CV");
        visit(&conn, home, karim, "2026-11-06", 12, 5);
        visit(&conn, other, karim, "2026-11-06", 30, 9);

        let home_only = Filter::of(Scope::new(vec![home]));
        assert_eq!(women(&conn, &home_only).expect("women"), Women { women: 2, total: 3 });
        let nationalities = breakdown(&conn, &home_only, Breakdown::Nationality).expect("breakdown");
        assert_eq!(nationalities.iter().map(|c| c.count).sum::<u64>(), 2);
        let by_interest = interests(&conn, &home_only).expect("interests");
        assert_eq!(
            by_interest
                .iter()
                .map(|c| (c.code.as_str(), c.count))
                .collect::<Vec<_>>(),
            vec![("language", 2), ("training", 2)]
        );
        let held = sessions(&conn, &home_only).expect("sessions");
        assert_eq!((held.held, held.registered, held.present, held.absent), (1, 2, 1, 0));
        assert!((held.attendance_rate - 0.5).abs() < f64::EPSILON);
        assert_eq!(
            visits(&conn, &home_only).expect("visits"),
            Visits {
                count: 1,
                reached: 12,
                women_reached: 5
            }
        );

        let karim_only = Filter {
            agent: Some(karim),
            ..home_only.clone()
        };
        assert_eq!(women(&conn, &karim_only).expect("women"), Women { women: 1, total: 2 });
        assert_eq!(sessions(&conn, &karim_only).expect("sessions").held, 0);
        let by_agent = by_agent(&conn, &home_only).expect("by agent");
        assert_eq!(by_agent[0].name, "karim");
        assert_eq!(by_agent[0].count, 2);

        let both = Filter::of(Scope::new(vec![home, other]));
        let by_agency = by_agency(&conn, &both).expect("by agency");
        assert_eq!(
            by_agency.iter().map(|a| (a.name.as_str(), a.count)).collect::<Vec<_>>(),
            vec![("Belleville", 3), ("Marseille", 1)]
        );
    }

    fn rollup_rows_off(conn: &Connection) -> i64 {
        super::rollup_rows_off(conn).expect("rollups compared")
    }

    /// Every contact figure from the rollups and from the contact rows.
    fn assert_rollups_answer_as_the_rows(conn: &Connection, filter: &Filter) {
        let label = format!("{filter:?}");
        fn both<T>(rollups: Result<T, ConsoleError>, rows: Result<T, ConsoleError>) -> (T, T) {
            (rollups.expect("from the rollups"), rows.expect("from the contact rows"))
        }
        let (a, b) = both(reached(conn, filter), contact_rows::reached(conn, filter));
        assert_eq!(a, b, "{label}");
        let (a, b) = both(by_agency(conn, filter), contact_rows::by_agency(conn, filter));
        assert_eq!(a, b, "{label}");
        let (a, b) = both(by_agent(conn, filter), contact_rows::by_agent(conn, filter));
        assert_eq!(a, b, "{label}");
        let (a, b) = both(women(conn, filter), contact_rows::women(conn, filter));
        assert_eq!(a, b, "{label}");
        for column in [Breakdown::Nationality, Breakdown::Status] {
            let (a, b) = both(
                breakdown(conn, filter, column),
                contact_rows::breakdown(conn, filter, column),
            );
            assert_eq!(a, b, "{label}");
        }
        let (a, b) = both(interests(conn, filter), contact_rows::interests(conn, filter));
        assert_eq!(a, b, "{label}");
        let (a, b) = both(funnel(conn, filter), contact_rows::funnel(conn, filter));
        assert_eq!(a, b, "{label}");
    }

    #[test]
    fn the_rollups_equal_a_fresh_count_through_inserts_updates_and_deletes() {
        // Arrange: contacts of two agencies and three agents over a few days.
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let (karim, _) = user(&conn, "karim", Role::Agent);
        let home = agency(&conn, "Belleville");
        let other = agency(&conn, "Marseille");
        let days = [
            "2026-10-31T23:59:59Z",
            "2026-11-01T00:00:00Z",
            "2026-11-02T10:00:00Z",
            "2026-11-30T18:00:00Z",
        ];
        let mut ids = Vec::new();
        for i in 0..48usize {
            let seed = ContactSeed {
                sex: [Some("female"), Some("male"), None][i % 3],
                nationality: [Some("SN"), Some("ML"), None, Some("SY")][i % 4],
                status: [Some("refugee"), None, Some("migrant")][i % 3],
                stage: [
                    None,
                    Some("informed"),
                    Some("accompanied"),
                    Some("employed"),
                    Some("registered"),
                ][i % 5],
                interests: [&["job_search"][..], &[], &["training", "self_employment"]][i % 3],
                ..ContactSeed::new([home, other][i % 2], [amina, karim][i % 3 % 2], days[i % days.len()])
            };
            ids.push(contact(&conn, &seed));
        }
        assert_eq!(rollup_rows_off(&conn), 0);

        // Act: fields, dates, authors and agencies change in place; interests and contacts go.
        let update = |sql: &str, id: &str| {
            conn.execute(sql, [id]).expect("update");
        };
        for (k, id) in ids.iter().enumerate() {
            match k % 6 {
                0 => update(
                    "UPDATE contacts SET nationality = 'AF', stage = 'self_employed' WHERE doc_id = ?1",
                    id,
                ),
                1 => update(
                    "UPDATE contacts SET created_at = '2026-12-01T08:00:00Z', sex = 'female' WHERE doc_id = ?1",
                    id,
                ),
                2 => update(
                    "UPDATE contacts SET status = NULL, nationality = NULL WHERE doc_id = ?1",
                    id,
                ),
                3 => update("DELETE FROM contact_interests WHERE doc_id = ?1", id),
                4 => update("DELETE FROM contacts WHERE doc_id = ?1", id),
                _ => conn
                    .execute(
                        "UPDATE contacts SET agency_id = ?2, created_by = ?3 WHERE doc_id = ?1",
                        rusqlite::params![id, home.to_string(), karim.to_string()],
                    )
                    .map(|_| ())
                    .expect("move"),
            }
        }

        // Assert: the tables are what a fresh count gives, and so is every figure.
        assert_eq!(rollup_rows_off(&conn), 0);
        let both = Filter::of(Scope::new(vec![home, other]));
        let filters = [
            both.clone(),
            Filter::of(Scope::new(vec![other])),
            Filter {
                range: DateRange::new(day("2026-11-01"), day("2026-11-30")).expect("range"),
                ..both.clone()
            },
            Filter {
                range: DateRange::new(None, day("2026-10-31")).expect("range"),
                ..both.clone()
            },
            Filter {
                agent: Some(karim),
                ..both.clone()
            },
        ];
        for filter in &filters {
            assert_rollups_answer_as_the_rows(&conn, filter);
        }
        assert!(women(&conn, &both).expect("women").total > 0);

        // Emptied, the rollups hold no rows (no buckets left at zero).
        conn.execute_batch("DELETE FROM contact_interests; DELETE FROM contacts;")
            .expect("emptied");
        let rows: i64 = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM console_daily_contacts) + (SELECT COUNT(*) FROM console_daily_values)",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(rows, 0);
    }

    #[test]
    fn the_migration_fills_the_rollups_from_existing_rows() {
        // Arrange: contacts stored before the rollups existed.
        let conn = Connection::open_in_memory().expect("database");
        let (before, rollups) = relais_schema::migrations::MIGRATIONS.split_at(
            relais_schema::migrations::MIGRATIONS
                .iter()
                .position(|sql| sql.contains("CREATE TABLE console_daily_contacts"))
                .expect("the rollups migration"),
        );
        for sql in before {
            conn.execute_batch(sql).expect("migration");
        }
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        for (at, nationality) in [
            ("2026-11-02T10:00:00Z", "SN"),
            ("2026-11-02T11:00:00Z", "SN"),
            ("2026-11-03T09:00:00Z", "ML"),
        ] {
            contact(
                &conn,
                &ContactSeed {
                    sex: Some("female"),
                    nationality: Some(nationality),
                    stage: Some("informed"),
                    interests: &["job_search"],
                    ..ContactSeed::new(home, amina, at)
                },
            );
        }

        // Act
        for sql in rollups {
            conn.execute_batch(sql).expect("migration");
        }

        // Assert
        assert_eq!(rollup_rows_off(&conn), 0);
        let scope = Filter::of(Scope::new(vec![home]));
        assert_eq!(women(&conn, &scope).expect("women"), Women { women: 3, total: 3 });
        assert_rollups_answer_as_the_rows(&conn, &scope);
    }
}
