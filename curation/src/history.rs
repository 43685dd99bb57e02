//! A record's history: every change in its document, who made it, from
//! which device, and the fields it set.
//!
//! Built from the document itself, which keeps every change even after the
//! store compacts its log. Each change's operations are decoded and named
//! as readable field paths: `given_name`, `consent.given`, `languages.ar`,
//! `follow_ups[<id>].kind`, `attendance.<contact_id>.status`. A Text field
//! (notes, skills) is shown with its content as of that change. Who made a
//! change comes from the `actors` table (the device that first sent the
//! actor, and its user); when it was made from the change's own timestamp
//! (the device's clock), else from when the server received it.

use std::collections::HashMap;

use automerge::legacy::{ElementId, Key, ObjectId, OpId, OpType};
use automerge::{ActorId, Automerge, Change, ChangeHash, ObjType, ReadDoc, ScalarValue};
use relais_schema::{AgencyId, DeviceId, DocumentId, UserId};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::error::CurationError;
use crate::stored::load_visible;

/// One change of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// When it was made (the device's clock), else when the server received it.
    pub at: Option<String>,
    /// When the server received it, while its log row is kept.
    pub received_at: Option<String>,
    /// The Automerge actor, in hexadecimal.
    pub actor: String,
    /// The device that first sent the actor.
    #[serde(serialize_with = "crate::json::display_option")]
    pub device_id: Option<DeviceId>,
    /// That device's user.
    #[serde(serialize_with = "crate::json::display_option")]
    pub user_id: Option<UserId>,
    /// That user's login name.
    pub username: Option<String>,
    /// The fields it set, in the order it set them.
    pub changes: Vec<FieldChange>,
}

/// A field a change set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field's path.
    pub field: String,
    /// The value it got (`null` when the change removed it; `"+n"` for a
    /// counter increment).
    pub value: serde_json::Value,
}

/// The history of the record `id`, oldest first (each change after those
/// it depends on), if it is stored under one of `agencies`.
pub fn record_history(
    conn: &Connection,
    id: DocumentId,
    agencies: &[AgencyId],
) -> Result<Vec<HistoryEntry>, CurationError> {
    let stored = load_visible(conn, id, agencies)?;
    let received = received_times(conn, id)?;
    let mut authors = Authors::new(conn);
    let changes = stored.doc.get_changes(&[]);
    let decoded: Vec<Option<automerge::ExpandedChange>> = changes.iter().map(decode).collect();
    let tree = ObjectTree::build(&decoded);
    let mut entries = Vec::with_capacity(changes.len());
    for (change, expanded) in changes.iter().zip(&decoded) {
        let author = authors.of(change.actor_id())?;
        entries.push(HistoryEntry {
            at: change_time(change).or_else(|| received.get(&change.hash()).cloned()),
            received_at: received.get(&change.hash()).cloned(),
            actor: change.actor_id().to_hex_string(),
            device_id: author.device,
            user_id: author.user,
            username: author.username,
            changes: match expanded {
                Some(expanded) => tree.fields_set(&stored.doc, change.hash(), expanded),
                None => Vec::new(),
            },
        });
    }
    Ok(entries)
}

/// Automerge panics on a few impossible encodings when expanding a change;
/// one unreadable change must not take the whole history down.
fn decode(change: &Change) -> Option<automerge::ExpandedChange> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| change.decode())).ok()
}

fn change_time(change: &Change) -> Option<String> {
    let stamp = change.timestamp();
    // The web client stamps seconds; tolerate milliseconds.
    let seconds = if stamp > 100_000_000_000 { stamp / 1000 } else { stamp };
    if seconds <= 0 {
        return None;
    }
    let time = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time.format(&format).ok()
}

fn received_times(conn: &Connection, id: DocumentId) -> Result<HashMap<ChangeHash, String>, CurationError> {
    let mut statement =
        conn.prepare_cached("SELECT hash, at FROM log WHERE doc_id = ?1 AND kind = 'change' AND hash IS NOT NULL")?;
    let rows = statement.query_map([id.to_string()], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut times = HashMap::new();
    for row in rows {
        let (hash, at) = row?;
        if let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) {
            times.insert(ChangeHash(hash), at);
        }
    }
    Ok(times)
}

#[derive(Debug, Clone, Default)]
struct Author {
    device: Option<DeviceId>,
    user: Option<UserId>,
    username: Option<String>,
}

/// Who wrote each actor, looked up once per actor.
struct Authors<'c> {
    conn: &'c Connection,
    known: HashMap<ActorId, Author>,
}

impl<'c> Authors<'c> {
    fn new(conn: &'c Connection) -> Self {
        Authors {
            conn,
            known: HashMap::new(),
        }
    }

    fn of(&mut self, actor: &ActorId) -> Result<Author, CurationError> {
        if let Some(author) = self.known.get(actor) {
            return Ok(author.clone());
        }
        let row: Option<(Option<String>, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT a.device_id, a.user_id, u.username FROM actors a
                 LEFT JOIN users u ON u.id = a.user_id WHERE a.actor = ?1",
            )?
            .query_row([actor.to_bytes()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let author = match row {
            Some((device, user, username)) => Author {
                device: device.and_then(|d| d.parse().ok()),
                user: user.and_then(|u| u.parse().ok()),
                username,
            },
            None => Author::default(),
        };
        self.known.insert(actor.clone(), author.clone());
        Ok(author)
    }
}

/// Where every object of the document was created, to name field paths.
struct ObjectTree {
    /// Object → (the object holding it, its key there, its type).
    objects: HashMap<OpId, (ObjectId, Key, ObjType)>,
    /// A follow-up map → its `id`, to name it as `follow_ups[<id>]`.
    item_names: HashMap<OpId, String>,
}

impl ObjectTree {
    fn build(changes: &[Option<automerge::ExpandedChange>]) -> Self {
        let mut tree = ObjectTree {
            objects: HashMap::new(),
            item_names: HashMap::new(),
        };
        for change in changes.iter().flatten() {
            for (index, op) in change.operations.iter().enumerate() {
                let id = OpId(change.start_op.get() + index as u64, change.actor_id.clone());
                match &op.action {
                    OpType::Make(obj_type) => {
                        let key = element_key(op, &id);
                        tree.objects.insert(id, (op.obj.clone(), key, *obj_type));
                    }
                    OpType::Put(ScalarValue::Str(name)) if op.key == Key::Map("id".into()) => {
                        if let ObjectId::Id(obj) = &op.obj {
                            tree.item_names.insert(obj.clone(), name.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        tree
    }

    /// The readable path of an object (empty for the root).
    fn path(&self, obj: &ObjectId) -> String {
        let mut parts = Vec::new();
        let mut current = obj.clone();
        // Bounded: a path is never deeper than the objects that exist.
        for _ in 0..=self.objects.len() {
            let ObjectId::Id(id) = &current else {
                break;
            };
            let Some((parent, key, _)) = self.objects.get(id) else {
                parts.push("?".to_owned());
                break;
            };
            parts.push(self.key_name(key));
            current = parent.clone();
        }
        parts.reverse();
        join_path(&parts)
    }

    fn key_name(&self, key: &Key) -> String {
        match key {
            Key::Map(name) => name.to_string(),
            Key::Seq(ElementId::Id(element)) => {
                format!("[{}]", self.item_names.get(element).map(String::as_str).unwrap_or("…"))
            }
            Key::Seq(ElementId::Head) => "[…]".to_owned(),
        }
    }

    fn type_of(&self, obj: &ObjectId) -> Option<ObjType> {
        match obj {
            ObjectId::Root => Some(ObjType::Map),
            ObjectId::Id(id) => self.objects.get(id).map(|(_, _, t)| *t),
        }
    }

    /// The fields one change set, each once, with its last value in the change.
    fn fields_set(&self, doc: &Automerge, hash: ChangeHash, change: &automerge::ExpandedChange) -> Vec<FieldChange> {
        let mut fields: Vec<FieldChange> = Vec::new();
        for (index, op) in change.operations.iter().enumerate() {
            let own = OpId(change.start_op.get() + index as u64, change.actor_id.clone());
            let set = if self.type_of(&op.obj) == Some(ObjType::Text) {
                // An edit inside a Text: show the whole text as of this change.
                Some((self.path(&op.obj), text_as_of(doc, &op.obj, hash)))
            } else {
                let field = join_path(&[self.path(&op.obj), self.key_name(&element_key(op, &own))]);
                match &op.action {
                    OpType::Put(scalar) => Some((field, scalar_json(scalar))),
                    // Writing the shown value over a conflict is a delete of the
                    // other values: show what the field holds afterwards.
                    OpType::Delete => Some((field, value_as_of(doc, &op.obj, &op.key, hash))),
                    OpType::Increment(by) => Some((field, serde_json::Value::String(format!("{by:+}")))),
                    OpType::Make(ObjType::Text) => Some((field, text_as_of(doc, &ObjectId::Id(own), hash))),
                    // A new map or list shows through the values put into it.
                    OpType::Make(_) | OpType::MarkBegin(_) | OpType::MarkEnd(_) => None,
                }
            };
            if let Some((field, value)) = set {
                match fields.iter_mut().find(|f| f.field == field) {
                    Some(existing) => existing.value = value,
                    None => fields.push(FieldChange { field, value }),
                }
            }
        }
        fields
    }
}

/// The key an operation writes: an insertion into a list creates its own
/// element (its key names the element it follows).
fn element_key(op: &automerge::legacy::Op, own: &OpId) -> Key {
    if op.insert {
        Key::Seq(ElementId::Id(own.clone()))
    } else {
        op.key.clone()
    }
}

fn join_path(parts: &[String]) -> String {
    let mut path = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !path.is_empty() && !part.starts_with('[') {
            path.push('.');
        }
        path.push_str(part);
    }
    path
}

/// The automerge id of a legacy object id.
fn object_id(doc: &Automerge, obj: &ObjectId) -> Option<automerge::ObjId> {
    match obj {
        ObjectId::Root => Some(automerge::ROOT),
        ObjectId::Id(OpId(counter, actor)) => doc.import_obj(&format!("{counter}@{}", actor.to_hex_string())).ok(),
    }
}

/// What the map key `key` of `obj` shows just after the change `hash`.
fn value_as_of(doc: &Automerge, obj: &ObjectId, key: &Key, hash: ChangeHash) -> serde_json::Value {
    let (Some(id), Key::Map(key)) = (object_id(doc, obj), key) else {
        return serde_json::Value::Null;
    };
    match doc.get_at(&id, key.as_str(), &[hash]) {
        Ok(Some((automerge::Value::Scalar(scalar), _))) => scalar_json(&scalar),
        Ok(Some((automerge::Value::Object(ObjType::Text), text))) => doc
            .text_at(&text, &[hash])
            .map(serde_json::Value::String)
            .unwrap_or(serde_json::Value::Null),
        _ => serde_json::Value::Null,
    }
}

fn text_as_of(doc: &Automerge, obj: &ObjectId, hash: ChangeHash) -> serde_json::Value {
    let Some(id) = object_id(doc, obj) else {
        return serde_json::Value::Null;
    };
    doc.text_at(&id, &[hash])
        .map(serde_json::Value::String)
        .unwrap_or(serde_json::Value::Null)
}

fn scalar_json(scalar: &ScalarValue) -> serde_json::Value {
    match scalar {
        ScalarValue::Str(s) => serde_json::Value::String(s.to_string()),
        ScalarValue::Int(n) | ScalarValue::Timestamp(n) => (*n).into(),
        ScalarValue::Uint(n) => (*n).into(),
        ScalarValue::F64(n) => serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into),
        ScalarValue::Counter(c) => i64::from(c).into(),
        ScalarValue::Boolean(b) => (*b).into(),
        ScalarValue::Bytes(b) => format!("{} bytes", b.len()).into(),
        ScalarValue::Unknown { type_code, .. } => format!("unknown value of type {type_code}").into(),
        ScalarValue::Null => serde_json::Value::Null,
    }
}
