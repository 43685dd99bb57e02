//! A contact's phone number, as the agent typed it.

use std::fmt;
use std::str::FromStr;

/// Digits with an optional leading `+`, spaces allowed, 6 to 20 digits.
///
/// Kept as written so that a document reads back exactly; [`digits`](Self::digits)
/// gives the spacing-free form to compare numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// A string that is not a phone number. It does not repeat the input: phone
/// numbers are personal data and errors end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected digits with an optional leading +, spaces allowed, 6 to 20 digits")]
pub struct InvalidPhoneNumber;

impl PhoneNumber {
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number without spaces, keeping a leading `+`: `+33 6 12` gives `+33612`.
    pub fn digits(&self) -> String {
        self.0.chars().filter(|c| *c != ' ').collect()
    }
}

impl FromStr for PhoneNumber {
    type Err = InvalidPhoneNumber;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s.strip_prefix('+').unwrap_or(s);
        if !rest.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            return Err(InvalidPhoneNumber);
        }
        let digits = rest.chars().filter(char::is_ascii_digit).count();
        if !(6..=20).contains(&digits) {
            return Err(InvalidPhoneNumber);
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_with_a_plus_and_spaces_is_accepted_as_written() {
        let phone: PhoneNumber = "+33 6 12 34 56 78".parse().expect("valid number");
        assert_eq!(phone.as_str(), "+33 6 12 34 56 78");
        assert_eq!(phone.digits(), "+33612345678");
    }

    #[test]
    fn too_few_or_too_many_digits_are_refused() {
        assert!("12345".parse::<PhoneNumber>().is_err());
        assert!("123456".parse::<PhoneNumber>().is_ok());
        assert!("1".repeat(20).parse::<PhoneNumber>().is_ok());
        assert!("1".repeat(21).parse::<PhoneNumber>().is_err());
        assert!("+ ".parse::<PhoneNumber>().is_err());
    }

    #[test]
    fn letters_dashes_and_a_plus_inside_the_number_are_refused() {
        assert!("06-12-34-56".parse::<PhoneNumber>().is_err());
        assert!("0612345abc".parse::<PhoneNumber>().is_err());
        assert!("06+12345678".parse::<PhoneNumber>().is_err());
    }

    #[test]
    fn the_error_does_not_repeat_the_number() {
        let error = "06-12-34-56".parse::<PhoneNumber>().expect_err("dashes");
        assert!(!error.to_string().contains("06"));
    }
}
