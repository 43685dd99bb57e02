//! Why a document does not follow the record layout of `docs/records.md`.
//!
//! A document that fails validation is kept but not projected: the sync
//! crate quarantines it with this error's text as the reason, and the device
//! is told. The path says where the problem is, in the notation of
//! `docs/records.md` (`consent.at`, `follow_ups[2].kind`,
//! `attendance.<contact id>.status`).

/// A field of a record document that is missing, of the wrong Automerge type
/// or holds a value outside its vocabulary or format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{path}: {problem}")]
pub struct ValidationError {
    /// Where the problem is, from the root map: `given_name`, `consent.at`,
    /// `follow_ups[2].kind`.
    pub path: String,
    /// What is wrong, in lowercase: `expected int, got str`.
    pub problem: String,
}

impl ValidationError {
    /// An error about the field at `path`.
    pub fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// A required field is absent (or `null`).
    pub(crate) fn missing(path: impl Into<String>) -> Self {
        Self::new(path, "required field is missing")
    }

    /// A field holds an Automerge value of another type than the layout says.
    pub(crate) fn wrong_type(path: impl Into<String>, expected: &str, found: &str) -> Self {
        Self::new(path, format!("expected {expected}, got {found}"))
    }
}

/// `value` quoted for an error message, cut short so that a huge value does not
/// make a huge message.
pub(crate) fn quoted(value: &str) -> String {
    const LIMIT: usize = 64;
    if value.chars().count() <= LIMIT {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(LIMIT).collect();
        format!("{cut:?}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_displays_its_path_then_its_problem() {
        let error = ValidationError::new(
            "follow_ups[2].kind",
            "expected one of call, visit, meeting, message, other, got \"phonecall\"",
        );
        assert_eq!(
            error.to_string(),
            "follow_ups[2].kind: expected one of call, visit, meeting, message, other, got \"phonecall\""
        );
    }

    #[test]
    fn a_long_value_is_cut_short_in_messages() {
        let long = "x".repeat(1000);
        assert!(quoted(&long).chars().count() < 80);
        assert_eq!(quoted("ab"), "\"ab\"");
    }
}
