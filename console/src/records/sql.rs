//! A query put together from constant SQL fragments and bound values.
//!
//! Lists leave out the clauses of filters nobody asked for: a clause such as
//! `(?5 = '' OR c.stage = ?5)` would make SQLite read every table row to
//! test it even when the parameter is empty, where the index alone answers
//! the question. Only `&'static str` fragments become SQL; what a client
//! sent is always a bound value.

use rusqlite::types::Value;

/// SQL text and the values of its `?` placeholders, in order.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    /// Start with `fragment`.
    pub fn new(fragment: &'static str) -> Sql {
        Sql {
            text: fragment.to_string(),
            values: Vec::new(),
        }
    }

    /// Append a fragment without placeholders.
    pub fn push(&mut self, fragment: &'static str) -> &mut Sql {
        self.text.push(' ');
        self.text.push_str(fragment);
        self
    }

    /// Append a fragment and the values of its `?` placeholders.
    pub fn bind(&mut self, fragment: &'static str, values: impl IntoIterator<Item = Value>) -> &mut Sql {
        self.push(fragment);
        self.values.extend(values);
        self
    }

    /// The SQL text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bound values.
    pub fn values(&self) -> rusqlite::ParamsFromIter<std::slice::Iter<'_, Value>> {
        rusqlite::params_from_iter(self.values.iter())
    }
}

/// A text value.
pub fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}
