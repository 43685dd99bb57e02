//! A country as an ISO 3166-1 alpha-2 code (a contact's nationality).

use std::fmt;
use std::str::FromStr;

use crate::validation::quoted;

/// Two upper-case ASCII letters: `SY`, `SD`, `ML`.
///
/// Only the shape is checked: the list of assigned codes changes over time and
/// a phone must not refuse a code the server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// A string that is not two upper-case ASCII letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an iso 3166-1 alpha-2 code (two upper-case letters), got {0}")]
pub struct InvalidCountryCode(String);

impl CountryCode {
    /// The code, `SY`.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters, checked by `from_str`.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl FromStr for CountryCode {
    type Err = InvalidCountryCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Self([*a, *b])),
            _ => Err(InvalidCountryCode(quoted(s))),
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_upper_case_letters_are_a_country_code() {
        let code: CountryCode = "SY".parse().expect("valid code");
        assert_eq!(code.as_str(), "SY");
    }

    #[test]
    fn lower_case_three_letters_and_non_ascii_are_refused() {
        for bad in ["sy", "SYR", "S", "", "ÉÉ", "S1"] {
            assert!(bad.parse::<CountryCode>().is_err(), "{bad} accepted");
        }
    }
}
