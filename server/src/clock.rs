//! The current time as the store records it (RFC 3339, UTC, seconds).

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    now.format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Today, as `YYYY-MM-DD`.
pub fn today() -> String {
    now()[..10].to_string()
}
