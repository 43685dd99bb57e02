//! The `date` and `datetime` formats of `docs/records.md`, checked by hand.
//!
//! A `date` is `YYYY-MM-DD`; a `datetime` is RFC 3339 in UTC,
//! `YYYY-MM-DDTHH:MM:SS` with an optional fraction of 1 to 9 digits and a
//! final `Z` (what JavaScript's `Date.prototype.toISOString` writes). Both stay
//! strings in records: they are stored, projected and exported as written.

use std::cmp::Ordering;

/// Whether `s` is a real calendar date written `YYYY-MM-DD`.
pub fn is_valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (number(&b[0..4]), number(&b[5..7]), number(&b[8..10])) else {
        return false;
    };
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// Whether `s` is a UTC datetime `YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z` with a real
/// calendar date and time of day.
pub fn is_valid_datetime(s: &str) -> bool {
    split_datetime(s).is_some()
}

/// The order of two valid datetimes in time, or `None` if either is not one.
///
/// Plain string comparison is wrong when fractions differ in length
/// (`10:00:00.5Z` sorts before `10:00:00Z`), so the fraction is compared as a
/// number.
pub fn compare_datetimes(a: &str, b: &str) -> Option<Ordering> {
    let (a_seconds, a_nanos) = split_datetime(a)?;
    let (b_seconds, b_nanos) = split_datetime(b)?;
    Some(a_seconds.cmp(b_seconds).then(a_nanos.cmp(&b_nanos)))
}

/// The `YYYY-MM-DDTHH:MM:SS` part and the fraction in nanoseconds.
fn split_datetime(s: &str) -> Option<(&str, u32)> {
    let seconds = s.get(0..19)?;
    let rest = s.get(19..)?;
    let b = seconds.as_bytes();
    if !is_valid_date(seconds.get(0..10)?) || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (number(&b[11..13])?, number(&b[14..16])?, number(&b[17..19])?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let fraction = rest.strip_suffix('Z')?;
    let nanos = if fraction.is_empty() {
        0
    } else {
        let digits = fraction.strip_prefix('.')?;
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        let value = number(digits.as_bytes())?;
        value * 10u32.pow(9 - digits.len() as u32)
    };
    Some((seconds, nanos))
}

/// The value of a run of ASCII digits (at most 9, so it fits).
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_are_valid_and_impossible_ones_are_not() {
        assert!(is_valid_date("2026-11-29"));
        assert!(is_valid_date("2024-02-29"));
        assert!(is_valid_date("2000-02-29"));
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "26-11-29",
            "2026/11/29",
            "2026-11-29Z",
            "",
            "２０２６-11-29",
        ] {
            assert!(!is_valid_date(bad), "{bad} accepted");
        }
    }

    #[test]
    fn utc_datetimes_with_or_without_a_fraction_are_valid() {
        assert!(is_valid_datetime("2026-11-29T10:15:00Z"));
        assert!(is_valid_datetime("2026-11-29T10:15:00.123Z"));
        assert!(is_valid_datetime("2026-11-29T23:59:59.123456789Z"));
    }

    #[test]
    fn offsets_missing_zones_and_impossible_times_are_not_valid_datetimes() {
        for bad in [
            "2026-11-29T10:15:00",
            "2026-11-29T10:15:00+01:00",
            "2026-11-29 10:15:00Z",
            "2026-11-29T24:00:00Z",
            "2026-11-29T10:60:00Z",
            "2026-11-29T10:15:60Z",
            "2026-11-29T10:15:00.Z",
            "2026-11-29T10:15:00.1234567890Z",
            "2026-02-30T10:15:00Z",
            "2026-11-29T10:15Z",
            "2026-11-29t10:15:00z",
        ] {
            assert!(!is_valid_datetime(bad), "{bad} accepted");
        }
    }

    #[test]
    fn datetimes_compare_in_time_even_when_fractions_differ_in_length() {
        assert_eq!(
            compare_datetimes("2026-11-29T10:00:00.5Z", "2026-11-29T10:00:00Z"),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_datetimes("2026-11-29T10:00:00.50Z", "2026-11-29T10:00:00.5Z"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_datetimes("2026-11-28T23:00:00Z", "2026-11-29T10:00:00Z"),
            Some(Ordering::Less)
        );
        assert_eq!(compare_datetimes("yesterday", "2026-11-29T10:00:00Z"), None);
    }
}
