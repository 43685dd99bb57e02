//! The path of a conflicting field, as the `conflicts` table names it, and
//! where it lives in a document.
//!
//! Paths (see `relais_schema::conflicts`): a root key (`given_name`), a key
//! of the consent map (`consent.given`), a key of a follow-up named by its id
//! (`follow_ups[<id>].kind`), an attendance entry (`attendance.<contact_id>`)
//! or a key of one (`attendance.<contact_id>.status`).

use std::fmt;
use std::str::FromStr;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};

/// A parsed field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldPath {
    /// A key of the root map.
    Root(String),
    /// A key of the `consent` map.
    Consent(String),
    /// A key of the follow-up whose `id` (or, without one, list index) is `item`.
    FollowUp {
        /// The follow-up's id.
        item: String,
        /// The key inside it.
        key: String,
    },
    /// The entry of a contact in a session's `attendance` map.
    AttendanceEntry(String),
    /// A key of a contact's attendance entry.
    AttendanceField {
        /// The contact id (the entry's key).
        contact: String,
        /// The key inside the entry.
        key: String,
    },
}

/// A field path that is not one of the documented forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a field path (given_name, consent.given, follow_ups[<id>].kind, attendance.<contact_id>.status…)"
)]
pub struct InvalidFieldPath(String);

fn plain_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 64 && !key.contains(['.', '[', ']'])
}

impl FromStr for FieldPath {
    type Err = InvalidFieldPath;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidFieldPath(s.chars().take(80).collect());
        if let Some(key) = s.strip_prefix("consent.") {
            return plain_key(key)
                .then(|| FieldPath::Consent(key.to_owned()))
                .ok_or_else(invalid);
        }
        if let Some(rest) = s.strip_prefix("follow_ups[") {
            let (item, key) = rest.split_once("].").ok_or_else(invalid)?;
            return (plain_key(item) && plain_key(key))
                .then(|| FieldPath::FollowUp {
                    item: item.to_owned(),
                    key: key.to_owned(),
                })
                .ok_or_else(invalid);
        }
        if let Some(rest) = s.strip_prefix("attendance.") {
            return match rest.split_once('.') {
                Some((contact, key)) if plain_key(contact) && plain_key(key) => Ok(FieldPath::AttendanceField {
                    contact: contact.to_owned(),
                    key: key.to_owned(),
                }),
                None if plain_key(rest) => Ok(FieldPath::AttendanceEntry(rest.to_owned())),
                _ => Err(invalid()),
            };
        }
        plain_key(s).then(|| FieldPath::Root(s.to_owned())).ok_or_else(invalid)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root(key) => write!(f, "{key}"),
            FieldPath::Consent(key) => write!(f, "consent.{key}"),
            FieldPath::FollowUp { item, key } => write!(f, "follow_ups[{item}].{key}"),
            FieldPath::AttendanceEntry(contact) => write!(f, "attendance.{contact}"),
            FieldPath::AttendanceField { contact, key } => write!(f, "attendance.{contact}.{key}"),
        }
    }
}

impl FieldPath {
    /// The map holding the field in `doc` and the field's key, following the
    /// values every replica shows; `None` when the path leads nowhere.
    pub fn locate(&self, doc: &impl ReadDoc) -> Option<(ObjId, String)> {
        match self {
            FieldPath::Root(key) => Some((ROOT, key.clone())),
            FieldPath::Consent(key) => Some((object_at(doc, &ROOT, "consent", ObjType::Map)?, key.clone())),
            FieldPath::FollowUp { item, key } => {
                let list = object_at(doc, &ROOT, "follow_ups", ObjType::List)?;
                let found = (0..doc.length(&list)).find_map(|index| {
                    let Ok(Some((Value::Object(ObjType::Map), map))) = doc.get(&list, index) else {
                        return None;
                    };
                    let name = match doc.get(&map, "id") {
                        Ok(Some((Value::Scalar(id), _))) => match id.as_ref() {
                            ScalarValue::Str(id) => id.to_string(),
                            _ => index.to_string(),
                        },
                        _ => index.to_string(),
                    };
                    (name == *item).then_some(map)
                })?;
                Some((found, key.clone()))
            }
            FieldPath::AttendanceEntry(contact) => {
                Some((object_at(doc, &ROOT, "attendance", ObjType::Map)?, contact.clone()))
            }
            FieldPath::AttendanceField { contact, key } => {
                let attendance = object_at(doc, &ROOT, "attendance", ObjType::Map)?;
                Some((object_at(doc, &attendance, contact, ObjType::Map)?, key.clone()))
            }
        }
    }
}

fn object_at(doc: &impl ReadDoc, obj: &ObjId, key: &str, obj_type: ObjType) -> Option<ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(found), id))) if found == obj_type => Some(id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_parses_and_prints_back() {
        for path in [
            "given_name",
            "consent.given",
            "follow_ups[7d0c3f8e-2b1a-4c55-9a7e-0b7e3c1d2f44].kind",
            "attendance.7d0c3f8e-2b1a-4c55-9a7e-0b7e3c1d2f44",
            "attendance.7d0c3f8e-2b1a-4c55-9a7e-0b7e3c1d2f44.status",
        ] {
            let parsed: FieldPath = path.parse().expect(path);
            assert_eq!(parsed.to_string(), path);
        }
    }

    #[test]
    fn malformed_paths_are_refused() {
        for path in [
            "",
            "a.b",
            "consent.",
            "follow_ups[x]",
            "follow_ups[].kind",
            "attendance.",
            "x[1]",
        ] {
            assert!(path.parse::<FieldPath>().is_err(), "{path}");
        }
    }
}
