//! A value copied out of a document, to be written again elsewhere.
//!
//! Resolving a conflict writes the chosen value anew at its key: a new
//! operation whose predecessors are every concurrent value, so it supersedes
//! them all. A Text or a map is copied as a new object with the same content.

use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjId, ObjType, ReadDoc, ScalarValue, Value};

/// A scalar, or an object with its (shown) contents.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedValue {
    /// A scalar.
    Scalar(ScalarValue),
    /// A Text object's content.
    Text(String),
    /// A map's keys and values.
    Map(Vec<(String, OwnedValue)>),
    /// A list's items.
    List(Vec<OwnedValue>),
}

impl OwnedValue {
    /// Copy the value `value` (of object id `id` when it is an object).
    pub fn read(doc: &impl ReadDoc, value: &Value<'_>, id: &ObjId) -> Self {
        match value {
            Value::Scalar(scalar) => OwnedValue::Scalar(scalar.as_ref().clone()),
            Value::Object(ObjType::Text) => OwnedValue::Text(doc.text(id).unwrap_or_default()),
            Value::Object(ObjType::List) => OwnedValue::List(
                (0..doc.length(id))
                    .filter_map(|index| match doc.get(id, index) {
                        Ok(Some((item, item_id))) => Some(OwnedValue::read(doc, &item, &item_id)),
                        _ => None,
                    })
                    .collect(),
            ),
            Value::Object(ObjType::Map | ObjType::Table) => OwnedValue::Map(
                doc.keys(id)
                    .filter_map(|key| match doc.get(id, key.as_str()) {
                        Ok(Some((item, item_id))) => Some((key, OwnedValue::read(doc, &item, &item_id))),
                        _ => None,
                    })
                    .collect(),
            ),
        }
    }

    /// Write the value at `key` of the map `obj`.
    pub fn put(&self, tx: &mut impl Transactable, obj: &ObjId, key: &str) -> Result<(), AutomergeError> {
        match self {
            OwnedValue::Scalar(scalar) => tx.put(obj, key, scalar.clone()),
            OwnedValue::Text(text) => {
                let id = tx.put_object(obj, key, ObjType::Text)?;
                tx.splice_text(&id, 0, 0, text)
            }
            OwnedValue::Map(entries) => {
                let id = tx.put_object(obj, key, ObjType::Map)?;
                entries.iter().try_for_each(|(k, v)| v.put(tx, &id, k))
            }
            OwnedValue::List(items) => {
                let id = tx.put_object(obj, key, ObjType::List)?;
                items
                    .iter()
                    .enumerate()
                    .try_for_each(|(index, v)| v.insert(tx, &id, index))
            }
        }
    }

    fn insert(&self, tx: &mut impl Transactable, list: &ObjId, index: usize) -> Result<(), AutomergeError> {
        match self {
            OwnedValue::Scalar(scalar) => tx.insert(list, index, scalar.clone()),
            OwnedValue::Text(text) => {
                let id = tx.insert_object(list, index, ObjType::Text)?;
                tx.splice_text(&id, 0, 0, text)
            }
            OwnedValue::Map(entries) => {
                let id = tx.insert_object(list, index, ObjType::Map)?;
                entries.iter().try_for_each(|(k, v)| v.put(tx, &id, k))
            }
            OwnedValue::List(items) => {
                let id = tx.insert_object(list, index, ObjType::List)?;
                items.iter().enumerate().try_for_each(|(i, v)| v.insert(tx, &id, i))
            }
        }
    }
}
