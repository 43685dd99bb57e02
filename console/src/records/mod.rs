//! The record lists (contacts, sessions, visits) and their detail pages.
//!
//! Every list takes a [`Filter`](crate::filter::Filter) (agencies in scope,
//! date range, agent) and its own query (search, filters, order, page size,
//! cursor), and answers a [`Page`]: the rows, how many rows match in all,
//! and the cursor of the next page. Detail pages take the caller's
//! [`Scope`](crate::filter::Scope) and answer `None` alike for an unknown id
//! and for a record of another agency.

pub mod contacts;
pub mod cursor;
pub mod search;
pub mod sessions;
pub mod sql;
pub mod visits;

use std::str::FromStr;

use serde::Serialize;

use crate::error::ConsoleError;
use crate::filter::truncate;
use cursor::Cursor;

/// The order of the sessions and visits lists: by date (a session's start).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateSort {
    /// Oldest first.
    Date,
    /// Newest first (the default).
    #[default]
    DateDesc,
}

impl DateSort {
    /// The name used in queries and cursors.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSort::Date => "date",
            DateSort::DateDesc => "-date",
        }
    }
}

impl FromStr for DateSort {
    type Err = ConsoleError;
    fn from_str(s: &str) -> Result<Self, ConsoleError> {
        match s {
            "date" => Ok(DateSort::Date),
            "-date" => Ok(DateSort::DateDesc),
            other => Err(ConsoleError::Invalid(format!(
                "sort={:?}: expected date or -date",
                truncate(other)
            ))),
        }
    }
}

/// Split a projected comma-joined list.
pub(crate) fn split_list(list: Option<String>) -> Vec<String> {
    list.map(|l| l.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// A page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// How many rows match the filters, on every page.
    pub total: u64,
    /// The cursor of the next page; `None` on the last one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page from up to `limit + 1` rows: the extra row only tells that a next page exists.
    pub(crate) fn from_rows(mut rows: Vec<T>, limit: u32, total: i64, key: impl Fn(&T) -> Cursor) -> Page<T> {
        let limit = limit as usize;
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| key(row).encode())
        } else {
            None
        };
        Page {
            rows,
            total: u64::try_from(total).unwrap_or(0),
            next,
        }
    }

    /// The same page with each row changed by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
            next: self.next,
        }
    }
}
