//! Fields where concurrent edits left more than one value.
//!
//! A scalar field of an Automerge map is a multi-value register: when two
//! devices set it without seeing each other's edit, both values stay in the
//! document. Every replica shows the same one (Automerge orders the
//! concurrent operations by id and [`ReadDoc::get`] returns the greatest,
//! which is also the last of [`ReadDoc::get_all`]); the others are kept until
//! someone writes the field again. [`field_conflicts`] lists them so that a
//! supervisor can review them (the `conflicts` projection table).
//!
//! Fields walked, with the paths used in the `field` of a conflict:
//!
//! - every key of the root map: `given_name`, `stage`, `notes`…;
//! - the keys of the `consent` map: `consent.given`;
//! - the keys of each follow-up, named by its id: `follow_ups[<id>].kind`;
//! - each attendance entry created twice (two agents marking the same person
//!   offline): `attendance.<contact_id>`, valued by each entry's status; and
//!   the keys of the entry that wins: `attendance.<contact_id>.status`.
//!
//! Set members are not walked: two devices adding the same member is
//! agreement, not a conflict. Likewise a field where every concurrent value
//! is the same (two agents marking someone present) is not reported.

use automerge::{ActorId, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};

/// A field holding more than one distinct value after concurrent edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    /// The field's path: `given_name`, `consent.given`,
    /// `follow_ups[<id>].kind`, `attendance.<contact_id>.status`.
    pub field: String,
    /// Every value, the winner first, then by actor.
    pub values: Vec<ConflictValue>,
}

/// One of the values of a conflicting field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictValue {
    /// The value as a person reads it: a string unquoted, a number, `true` or
    /// `false`, a Text object's content, a set's members joined by `, `, an
    /// attendance entry's status.
    pub value: String,
    /// The actor whose operation wrote the value.
    pub actor: ActorId,
    /// Whether this is the value every replica shows.
    pub winner: bool,
}

/// How to show a map that is one of the values of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MapAs {
    /// Its members (a set) or its `key=value` pairs.
    Contents,
    /// Its `status` (an attendance entry).
    Status,
}

/// The conflicting fields of a record document, ordered by field.
pub fn field_conflicts(doc: &impl ReadDoc) -> Vec<FieldConflict> {
    let mut conflicts = Vec::new();
    for key in doc.keys(ROOT) {
        collect(
            doc,
            &ROOT,
            &key,
            key.clone(),
            MapAs::Contents,
            &mut conflicts,
        );
    }
    if let Some(consent) = winning_object(doc, &ROOT, "consent", ObjType::Map) {
        for key in doc.keys(&consent) {
            collect(
                doc,
                &consent,
                &key,
                format!("consent.{key}"),
                MapAs::Contents,
                &mut conflicts,
            );
        }
    }
    if let Some(follow_ups) = winning_object(doc, &ROOT, "follow_ups", ObjType::List) {
        for index in 0..doc.length(&follow_ups) {
            let Ok(Some((Value::Object(ObjType::Map), item))) = doc.get(&follow_ups, index) else {
                continue;
            };
            let name = match doc.get(&item, "id") {
                Ok(Some((Value::Scalar(id), _))) => match id.as_ref() {
                    ScalarValue::Str(id) => id.to_string(),
                    _ => index.to_string(),
                },
                _ => index.to_string(),
            };
            for key in doc.keys(&item) {
                collect(
                    doc,
                    &item,
                    &key,
                    format!("follow_ups[{name}].{key}"),
                    MapAs::Contents,
                    &mut conflicts,
                );
            }
        }
    }
    if let Some(attendance) = winning_object(doc, &ROOT, "attendance", ObjType::Map) {
        for contact in doc.keys(&attendance) {
            let field = format!("attendance.{contact}");
            collect(
                doc,
                &attendance,
                &contact,
                field.clone(),
                MapAs::Status,
                &mut conflicts,
            );
            if let Some(entry) = winning_object(doc, &attendance, &contact, ObjType::Map) {
                for key in doc.keys(&entry) {
                    collect(
                        doc,
                        &entry,
                        &key,
                        format!("{field}.{key}"),
                        MapAs::Contents,
                        &mut conflicts,
                    );
                }
            }
        }
    }
    conflicts.sort_by(|a, b| a.field.cmp(&b.field));
    conflicts
}

fn collect(
    doc: &impl ReadDoc,
    obj: &ObjId,
    key: &str,
    field: String,
    map_as: MapAs,
    conflicts: &mut Vec<FieldConflict>,
) {
    let Ok(all) = doc.get_all(obj, key) else {
        return;
    };
    if all.len() < 2 {
        return;
    }
    let winner = doc.get(obj, key).ok().flatten().map(|(_, id)| id);
    let mut values: Vec<ConflictValue> = all
        .iter()
        .filter_map(|(value, id)| {
            let ObjId::Id(_, actor, _) = id else {
                return None;
            };
            Some(ConflictValue {
                value: show(doc, value, id, map_as),
                actor: actor.clone(),
                winner: winner.as_ref() == Some(id),
            })
        })
        .collect();
    let Some(first) = values.first() else {
        return;
    };
    if values.iter().all(|v| v.value == first.value) {
        return;
    }
    values.sort_by(|a, b| {
        b.winner
            .cmp(&a.winner)
            .then_with(|| a.actor.cmp(&b.actor))
            .then_with(|| a.value.cmp(&b.value))
    });
    conflicts.push(FieldConflict { field, values });
}

/// The object of `obj_type` that `key` shows, if it holds one.
fn winning_object(doc: &impl ReadDoc, obj: &ObjId, key: &str, obj_type: ObjType) -> Option<ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(found), id))) if found == obj_type => Some(id),
        _ => None,
    }
}

fn show(doc: &impl ReadDoc, value: &Value<'_>, id: &ObjId, map_as: MapAs) -> String {
    match value {
        Value::Scalar(scalar) => show_scalar(scalar),
        Value::Object(ObjType::Text) => doc.text(id).unwrap_or_default(),
        Value::Object(ObjType::List) => format!("list of {}", doc.length(id)),
        Value::Object(ObjType::Map | ObjType::Table) => match map_as {
            MapAs::Status => match doc.get(id, "status") {
                Ok(Some((Value::Scalar(status), _))) => show_scalar(&status),
                _ => String::new(),
            },
            MapAs::Contents => show_map(doc, id),
        },
    }
}

fn show_map(doc: &impl ReadDoc, id: &ObjId) -> String {
    let entries: Vec<(String, Option<ScalarValue>)> = doc
        .keys(id)
        .map(|key| {
            let scalar = match doc.get(id, key.as_str()) {
                Ok(Some((Value::Scalar(s), _))) => Some(s.into_owned()),
                _ => None,
            };
            (key, scalar)
        })
        .collect();
    let is_set = entries
        .iter()
        .all(|(_, v)| matches!(v, Some(ScalarValue::Boolean(_))));
    let shown: Vec<String> = if is_set {
        entries
            .into_iter()
            .filter(|(_, v)| matches!(v, Some(ScalarValue::Boolean(true))))
            .map(|(k, _)| k)
            .collect()
    } else {
        entries
            .into_iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={}", show_scalar(&v)),
                None => format!("{k}=…"),
            })
            .collect()
    };
    shown.join(", ")
}

fn show_scalar(scalar: &ScalarValue) -> String {
    match scalar {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Int(n) | ScalarValue::Timestamp(n) => n.to_string(),
        ScalarValue::Uint(n) => n.to_string(),
        ScalarValue::F64(n) => n.to_string(),
        ScalarValue::Counter(c) => i64::from(c).to_string(),
        ScalarValue::Boolean(b) => b.to_string(),
        ScalarValue::Bytes(b) => format!("{} bytes", b.len()),
        ScalarValue::Unknown { type_code, .. } => format!("unknown value of type {type_code}"),
        ScalarValue::Null => "null".to_owned(),
    }
}
