//! Keyset cursors: the sort key of the last row of a page, opaque to clients.
//!
//! A page asks for the rows strictly after that key in the list's order, so
//! a deep page costs what the first one does (an index range, not an
//! `OFFSET` that reads and drops every earlier row). The cursor is base64url
//! of a small JSON array `[sort, key…]`; it names its sort so that a cursor
//! from another order is refused instead of silently skipping rows.

use base64::Engine;

use crate::error::ConsoleError;

/// The sort key of the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    sort: String,
    key: Vec<String>,
}

impl Cursor {
    /// The cursor after a row with `key` in the order named `sort`.
    pub fn after(sort: &str, key: Vec<String>) -> Cursor {
        Cursor {
            sort: sort.to_string(),
            key,
        }
    }

    /// The opaque text handed to clients.
    pub fn encode(&self) -> String {
        let mut items = vec![self.sort.clone()];
        items.extend(self.key.iter().cloned());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::Value::from(items).to_string())
    }

    /// Read a client's cursor for the order `sort` with `parts` key parts.
    pub fn decode(text: &str, sort: &str, parts: usize) -> Result<Cursor, ConsoleError> {
        let invalid = || {
            ConsoleError::Invalid("the cursor is not valid for this list and order; start from the first page".into())
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.as_bytes())
            .map_err(|_| invalid())?;
        let items: Vec<String> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        let (first, key) = items.split_first().ok_or_else(invalid)?;
        if first != sort || key.len() != parts {
            return Err(invalid());
        }
        Ok(Cursor {
            sort: sort.to_string(),
            key: key.to_vec(),
        })
    }

    /// Key part `i` (empty when out of range, which `decode` rules out).
    pub fn part(&self, i: usize) -> &str {
        self.key.get(i).map(String::as_str).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_is_refused_for_another_order() {
        let cursor = Cursor::after("name", vec!["Diallo".into(), "Awa".into(), "id".into()]);
        let text = cursor.encode();
        assert_eq!(Cursor::decode(&text, "name", 3).expect("cursor"), cursor);
        assert!(Cursor::decode(&text, "-name", 3).is_err());
        assert!(Cursor::decode(&text, "name", 2).is_err());
        assert!(Cursor::decode("not base64 !", "name", 3).is_err());
    }
}
