//! Which rows an export holds: agencies, an inclusive date range and an agent.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::export::table::Source;
use crate::export::ExportError;
use relais_schema::{AgencyId, UserId};

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoDate {
    year: u16,
    month: u8,
    day: u8,
}

impl FromStr for IsoDate {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ExportError::Invalid(format!("{s:?} is not a date (expected YYYY-MM-DD)"));
        let bytes = s.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(invalid());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, ExportError> {
            let part = &s[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(invalid());
        }
        Ok(IsoDate {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The rows to export. Every part left empty selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// `None`: every agency; `Some`: only these (an empty list selects nothing).
    pub agencies: Option<Vec<AgencyId>>,
    /// First day included (compared with `created_at`, `starts_at`, `at` or `date`).
    pub from: Option<IsoDate>,
    /// Last day included.
    pub to: Option<IsoDate>,
    /// Only rows created (or, for attendance, marked) by this user.
    pub agent: Option<UserId>,
}

impl ExportFilter {
    /// Refuse a range that ends before it starts.
    pub fn check(&self) -> Result<(), ExportError> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                return Err(ExportError::Invalid(format!(
                    "the range ends ({to}) before it starts ({from})"
                )));
            }
        }
        Ok(())
    }

    /// The filters as a JSON object, for the export log.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "agencies": self.agencies.as_ref().map(|a| a.iter().map(|id| id.to_string()).collect::<Vec<_>>()),
            "from": self.from.map(|d| d.to_string()),
            "to": self.to.map(|d| d.to_string()),
            "agent": self.agent.map(|u| u.to_string()),
        })
    }

    /// The condition on `column` that keeps only the filter's agencies, with
    /// its parameters; none when the filter takes every agency.
    pub(crate) fn agency_condition(&self, column: &str) -> Option<(String, Vec<Value>)> {
        let agencies = self.agencies.as_ref()?;
        if agencies.is_empty() {
            return Some(("0".to_string(), Vec::new()));
        }
        let marks = vec!["?"; agencies.len()].join(", ");
        let params = agencies.iter().map(|a| Value::Text(a.to_string())).collect();
        Some((format!("{column} IN ({marks})"), params))
    }

    /// A `WHERE` clause (possibly empty) and its parameters.
    ///
    /// Dates are ISO text, so a day's rows are those whose text is at least
    /// `from` and below `to` followed by `~` (which sorts after every
    /// character of a date or time): the range is inclusive and an index on
    /// the column can serve it.
    pub(crate) fn where_clause(&self, source: &Source) -> (String, Vec<Value>) {
        let mut conditions = Vec::new();
        let mut params = Vec::new();
        if let Some((condition, agencies)) = self.agency_condition(source.agency) {
            conditions.push(condition);
            params.extend(agencies);
        }
        if let Some(from) = self.from {
            conditions.push(format!("{} >= ?", source.date));
            params.push(Value::Text(from.to_string()));
        }
        if let Some(to) = self.to {
            conditions.push(format!("{} < ?", source.date));
            params.push(Value::Text(format!("{to}~")));
        }
        if let Some(agent) = self.agent {
            conditions.push(format!("{} = ?", source.agent));
            params.push(Value::Text(agent.to_string()));
        }
        if conditions.is_empty() {
            (String::new(), params)
        } else {
            (format!("WHERE {}", conditions.join(" AND ")), params)
        }
    }
}

/// The user named by `who`: a user id as the console's agent filter sends it,
/// or a login name as typed on the command line.
pub fn find_user(conn: &Connection, who: &str) -> Result<UserId, ExportError> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM users WHERE id = ?1 UNION ALL SELECT id FROM users WHERE username = ?1 LIMIT 1",
            [who],
            |r| r.get(0),
        )
        .optional()
        .map_err(crate::StoreError::from)?;
    let id = id.ok_or_else(|| ExportError::NotFound(format!("user {who:?}")))?;
    id.parse()
        .map_err(|e: relais_schema::InvalidId| ExportError::Store(crate::StoreError::Inconsistent(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_day_parses_and_prints_the_same() {
        let day: IsoDate = "2026-02-09".parse().expect("a date");
        assert_eq!(day.to_string(), "2026-02-09");
    }

    #[test]
    fn malformed_days_are_refused() {
        for bad in [
            "2026-2-09",
            "2026-13-01",
            "2026-01-32",
            "26-01-01",
            "2026/01/01",
            "２０２６-01-01",
            "",
        ] {
            assert!(bad.parse::<IsoDate>().is_err(), "{bad:?} refused");
        }
    }

    #[test]
    fn a_range_ending_before_it_starts_is_refused() {
        let filter = ExportFilter {
            from: Some("2026-03-01".parse().expect("date")),
            to: Some("2026-02-01".parse().expect("date")),
            ..ExportFilter::default()
        };
        assert!(filter.check().is_err());
    }
}
