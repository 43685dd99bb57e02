//! Search text of the record lists, parsed once.

use std::str::FromStr;

use crate::error::ConsoleError;

/// Longest search text accepted, in characters.
const MAX_CHARS: usize = 100;

/// Fewest characters a trigram index can look up: a shorter text holds no trigram.
const TRIGRAM: usize = 3;

/// What a person typed in a list's search box: 1 to 100 characters, trimmed,
/// no control characters.
///
/// It matches a name, alias, topic or place containing it (`LIKE`, so
/// letters of the Latin alphabet match either case), and, when it looks like
/// a phone number (at least 3 digits, nothing but digits, spaces, `+`, `-`,
/// `.`, parentheses), a phone number whose digits contain its digits without
/// leading zeros (`06 12` finds `+33612…` and `+33 6 12…`).
///
/// Contacts are looked up in the trigram index `contact_search`
/// ([`trigram_query`](Self::trigram_query)), which holds their names
/// folded as `LIKE` folds them and their phone digits, so it finds exactly
/// the contacts the `LIKE` patterns match; a text or phone number too short
/// for a trigram is matched with the patterns, on the name index's entries
/// and on the text the trigram index stores (for a scope of every agency,
/// on that text alone) rather than on contact rows (`records::contacts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    text: String,
    /// The digits without leading zeros, when the text looks like a phone number.
    phone_digits: Option<String>,
}

impl FromStr for Search {
    type Err = ConsoleError;
    fn from_str(s: &str) -> Result<Search, ConsoleError> {
        let text = s.trim();
        if text.is_empty() || text.chars().count() > MAX_CHARS {
            return Err(ConsoleError::Invalid(format!(
                "q: the search text has 1 to {MAX_CHARS} characters"
            )));
        }
        // No name holds one, and SQLite would read text only up to a NUL.
        if text.chars().any(char::is_control) {
            return Err(ConsoleError::Invalid(
                "q: the search text has no control characters".to_string(),
            ));
        }
        Ok(Search {
            text: text.to_string(),
            phone_digits: phone_digits(text),
        })
    }
}

fn phone_digits(text: &str) -> Option<String> {
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0');
    (phone_like && digits.len() >= 3 && !significant.is_empty()).then(|| significant.to_string())
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

/// An FTS5 string: every character literal, `"` doubled.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

impl Search {
    /// The `LIKE` pattern (escape character `\`) matching text containing the search.
    pub fn pattern(&self) -> String {
        format!("%{}%", escape(&self.text))
    }

    /// The `LIKE` pattern for a phone number's digits, when the search looks like one.
    pub fn phone_pattern(&self) -> Option<String> {
        self.phone_digits.as_ref().map(|digits| format!("%{digits}%"))
    }

    /// The FTS5 query of `contact_search` finding the contacts whose names
    /// contain the text (A–Z in either case, as `LIKE`) or whose phone digits
    /// contain its digits, or `None` when a part is shorter than a trigram
    /// and the index cannot answer.
    pub fn trigram_query(&self) -> Option<String> {
        if self.text.chars().count() < TRIGRAM {
            return None;
        }
        // The index holds names through SQLite's `lower()`, which changes A–Z only.
        let folded = self.text.to_ascii_lowercase();
        let names = format!("{{given_name family_name alias}} : {}", fts_string(&folded));
        match &self.phone_digits {
            None => Some(names),
            Some(digits) if digits.len() >= TRIGRAM => {
                Some(format!("{names} OR phone_digits : {}", fts_string(digits)))
            }
            Some(_) => None,
        }
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

    #[test]
    fn a_search_holding_a_control_character_is_refused() {
        assert!("dia\0llo".parse::<Search>().is_err());
        assert!("dia\tllo".parse::<Search>().is_err());
        assert!(" diallo\n".parse::<Search>().is_ok(), "trimmed first");
    }

    #[test]
    fn the_index_query_holds_the_text_as_one_literal_phrase() {
        let search: Search = r#"Ab"c OR Dé*"#.parse().expect("search");
        assert_eq!(
            search.trigram_query().as_deref(),
            Some(r#"{given_name family_name alias} : "ab""c or dé*""#)
        );
        let phone: Search = "06 12 34".parse().expect("search");
        assert_eq!(
            phone.trigram_query().as_deref(),
            Some(r#"{given_name family_name alias} : "06 12 34" OR phone_digits : "61234""#)
        );
    }

    #[test]
    fn a_text_or_phone_number_shorter_than_a_trigram_has_no_index_query() {
        assert_eq!("al".parse::<Search>().expect("search").trigram_query(), None);
        assert_eq!("حس".parse::<Search>().expect("search").trigram_query(), None);
        assert!("حسن".parse::<Search>().expect("search").trigram_query().is_some());
        // Three digits, but only "12" once the leading zeros are dropped.
        assert_eq!("0 0 12".parse::<Search>().expect("search").trigram_query(), None);
    }
}
