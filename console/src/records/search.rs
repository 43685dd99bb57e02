//! Search text of the record lists, parsed once.

use std::str::FromStr;

use crate::error::ConsoleError;

/// Longest search text accepted, in characters.
const MAX_CHARS: usize = 100;

/// What a person typed in a list's search box: 1 to 100 characters, trimmed.
///
/// It matches a name, alias, topic or place containing it (`LIKE`, so
/// letters of the Latin alphabet match either case), and, when it looks like
/// a phone number (at least 3 digits, nothing but digits, spaces, `+`, `-`,
/// `.`, parentheses), a phone number containing its digits without leading
/// zeros (`06 12` finds `+33612…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search(String);

impl FromStr for Search {
    type Err = ConsoleError;
    fn from_str(s: &str) -> Result<Search, ConsoleError> {
        let text = s.trim();
        if text.is_empty() || text.chars().count() > MAX_CHARS {
            return Err(ConsoleError::Invalid(format!(
                "q: the search text has 1 to {MAX_CHARS} characters"
            )));
        }
        Ok(Search(text.to_string()))
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Search {
    /// The `LIKE` pattern (escape character `\`) matching text containing the search.
    pub fn pattern(&self) -> String {
        format!("%{}%", escape(&self.0))
    }

    /// The `LIKE` pattern for phone numbers, when the search looks like one.
    pub fn phone_pattern(&self) -> Option<String> {
        let phone_like = self
            .0
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'));
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        let significant = digits.trim_start_matches('0');
        (phone_like && digits.len() >= 3 && !significant.is_empty()).then(|| format!("%{significant}%"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_typed_by_a_person_are_matched_literally() {
        let search: Search = " 50%_off\\ ".parse().expect("search");
        assert_eq!(search.pattern(), "%50\\%\\_off\\\\%");
        assert_eq!(search.phone_pattern(), None);
    }

    #[test]
    fn a_local_phone_number_matches_the_international_form() {
        let search: Search = "06 12 34".parse().expect("search");
        assert_eq!(search.phone_pattern().as_deref(), Some("%61234%"));
        assert_eq!("ab".parse::<Search>().expect("search").phone_pattern(), None);
    }

    #[test]
    fn empty_or_overlong_searches_are_refused() {
        assert!("   ".parse::<Search>().is_err());
        assert!("x".repeat(101).parse::<Search>().is_err());
    }
}
