//! Serialising ids and record types by their text form.

use std::fmt::Display;

use serde::Serializer;

/// A value as its `Display` text (ids, record types).
pub fn display<T: Display, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// An optional value as its `Display` text, or `null`.
pub fn display_option<T: Display, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}
