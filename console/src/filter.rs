//! The filters every console list and the dashboard share, parsed once.
//!
//! A [`Filter`] is built by the server after access checks: its [`Scope`]
//! holds only agencies the caller may read. In SQL the scope is
//! bound as one JSON array (`agency_id IN (SELECT value FROM json_each(?))`),
//! dates as text bounds: a record's date or datetime `d` is in the range when
//! `from <= d < to + 1 day`, which string comparison gets right for both
//! `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ`.

use std::fmt;
use std::str::FromStr;

use relais_schema::{AgencyId, UserId};
use time::{Date, Duration};

use crate::error::ConsoleError;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(Date);

impl Day {
    /// The day after.
    pub fn next(self) -> Option<Day> {
        self.0.checked_add(Duration::days(1)).map(Day)
    }

    /// The date itself.
    pub fn date(self) -> Date {
        self.0
    }
}

impl FromStr for Day {
    type Err = ConsoleError;
    fn from_str(s: &str) -> Result<Day, ConsoleError> {
        let invalid = || ConsoleError::Invalid(format!("{:?} is not a date (expected YYYY-MM-DD)", truncate(s)));
        if !relais_schema::datetime::is_valid_date(s) {
            return Err(invalid());
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(s, &format).map(Day).map_err(|_| invalid())
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = (self.0.year(), u8::from(self.0.month()), self.0.day());
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

/// An inclusive range of days; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    from: Option<Day>,
    to: Option<Day>,
}

impl DateRange {
    /// The range `from..=to`; refused when `to` is before `from`.
    pub fn new(from: Option<Day>, to: Option<Day>) -> Result<DateRange, ConsoleError> {
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err(ConsoleError::Invalid(format!(
                    "the range ends ({to}) before it starts ({from})"
                )));
            }
        }
        Ok(DateRange { from, to })
    }

    /// Every day.
    pub fn all() -> DateRange {
        DateRange::default()
    }

    /// The lower text bound (inclusive), `""` when open.
    pub fn lower(&self) -> String {
        self.from.map(|d| d.to_string()).unwrap_or_default()
    }

    /// The upper text bound (exclusive): the day after `to`, or one above any date when open.
    pub fn upper(&self) -> String {
        self.to
            .and_then(Day::next)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "~".to_string())
    }
}

/// The agencies a query covers, all of them readable by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(Vec<AgencyId>);

impl Scope {
    /// The scope of `agencies` (empty: nothing matches).
    pub fn new(agencies: Vec<AgencyId>) -> Scope {
        Scope(agencies)
    }

    /// The agencies.
    pub fn agencies(&self) -> &[AgencyId] {
        &self.0
    }

    /// The JSON array bound for `json_each`.
    pub fn as_json(&self) -> String {
        let ids: Vec<String> = self.0.iter().map(|a| a.to_string()).collect();
        serde_json::Value::from(ids).to_string()
    }
}

/// What a dashboard figure or a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Agencies.
    pub scope: Scope,
    /// Days (of creation for contacts, of the start for sessions, of the visit for visits).
    pub range: DateRange,
    /// Only the records this user created.
    pub agent: Option<UserId>,
}

impl Filter {
    /// Everything in `scope`.
    pub fn of(scope: Scope) -> Filter {
        Filter {
            scope,
            range: DateRange::all(),
            agent: None,
        }
    }

    /// The agent bound: the user id, or `""` for every agent (queries test `?4 = '' OR created_by = ?4`).
    pub(crate) fn agent_text(&self) -> String {
        self.agent.map(|a| a.to_string()).unwrap_or_default()
    }
}

/// A bounded page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    /// The default page: 50 rows.
    pub const DEFAULT: Limit = Limit(50);
    /// The largest page: 500 rows.
    pub const MAX: u32 = 500;

    /// The number of rows.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Limit::DEFAULT
    }
}

impl FromStr for Limit {
    type Err = ConsoleError;
    fn from_str(s: &str) -> Result<Limit, ConsoleError> {
        match s.parse::<u32>() {
            Ok(n) if (1..=Limit::MAX).contains(&n) => Ok(Limit(n)),
            _ => Err(ConsoleError::Invalid(format!(
                "limit={:?}: expected a number from 1 to {}",
                truncate(s),
                Limit::MAX
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        s.parse().expect("day")
    }

    #[test]
    fn a_range_covers_whole_days_of_dates_and_datetimes() {
        let range = DateRange::new(Some(day("2026-11-01")), Some(day("2026-11-30"))).expect("range");
        let inside = |d: &str| range.lower().as_str() <= d && d < range.upper().as_str();
        assert!(inside("2026-11-01"));
        assert!(inside("2026-11-01T00:00:00Z"));
        assert!(inside("2026-11-30T23:59:59.999Z"));
        assert!(!inside("2026-12-01"));
        assert!(!inside("2026-10-31T23:59:59Z"));
    }

    #[test]
    fn an_open_range_covers_everything() {
        let range = DateRange::all();
        assert!(range.lower().as_str() <= "0001-01-01" && "9999-12-31T23:59:59Z" < range.upper().as_str());
    }

    #[test]
    fn bad_dates_limits_and_reversed_ranges_are_refused() {
        assert!("2026-02-30".parse::<Day>().is_err());
        assert!("29/11/2026".parse::<Day>().is_err());
        assert!(DateRange::new(Some(day("2026-11-02")), Some(day("2026-11-01"))).is_err());
        assert!("0".parse::<Limit>().is_err());
        assert!("501".parse::<Limit>().is_err());
        assert_eq!("20".parse::<Limit>().expect("limit").get(), 20);
    }
}
