//! The conflicts queue: fields where agents recorded different values, and
//! a supervisor's pick written back as a server change.
//!
//! The list reads the `conflicts` projection table. Resolving writes the
//! chosen value anew at the field's key with a server actor: the new
//! operation supersedes every concurrent value, so once it is applied (on
//! the normal apply path, see [`crate::server_edit`]) the document has one
//! value, the projection drops the conflict rows in the same transaction,
//! and phones get the change at their next pull.

use std::collections::BTreeMap;

use automerge::{ActorId, ReadDoc};
use relais_schema::{field_conflicts, AgencyId, DeviceId, DocumentId, RecordType, UserId};
use rusqlite::Connection;
use serde::Serialize;

use relais_sync::protocol::BatchId;

use crate::error::CurationError;
use crate::field_path::FieldPath;
use crate::owned_value::OwnedValue;
use crate::server_edit::{push_corrections, Correction, Corrector};
use crate::stored::load_visible;

/// One conflicting field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictItem {
    /// The record.
    #[serde(serialize_with = "crate::json::display")]
    pub doc_id: DocumentId,
    /// Its agency.
    #[serde(serialize_with = "crate::json::display")]
    pub agency_id: AgencyId,
    /// `contact`, `session` or `visit`.
    #[serde(rename = "type", serialize_with = "crate::json::display")]
    pub doc_type: RecordType,
    /// What a person recognises the record by: a contact's name, a session's
    /// topic and day, a visit's day and neighbourhood.
    pub label: String,
    /// The field's path.
    pub field: String,
    /// Its values, the one shown first.
    pub values: Vec<ConflictValueRow>,
}

/// One value of a conflicting field, and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictValueRow {
    /// The value as a person reads it.
    pub value: String,
    /// Whether every replica shows this one now.
    pub winner: bool,
    /// The actor that wrote it, in hexadecimal.
    pub actor: String,
    /// The device that first sent the actor.
    #[serde(serialize_with = "crate::json::display_option")]
    pub device_id: Option<DeviceId>,
    /// Its user.
    #[serde(serialize_with = "crate::json::display_option")]
    pub user_id: Option<UserId>,
    /// Its user's login name.
    pub username: Option<String>,
}

type ConflictKey = (String, String);

/// Every conflicting field of the records of `agencies`, by record then field.
pub fn list_conflicts(conn: &Connection, agencies: &[AgencyId]) -> Result<Vec<ConflictItem>, CurationError> {
    let mut statement = conn.prepare_cached(
        "SELECT c.doc_id, d.agency_id, d.doc_type, c.field, c.value, c.winner, c.actor, c.device_id, c.user_id,
                u.username,
                CASE d.doc_type
                  WHEN 'contact' THEN trim(coalesce(ct.given_name, '') || ' ' || coalesce(ct.family_name, '')
                                      || CASE WHEN ct.alias IS NOT NULL THEN ' (' || ct.alias || ')' ELSE '' END)
                  WHEN 'session' THEN s.topic || ' — ' || substr(s.starts_at, 1, 10)
                  ELSE v.date || ' — ' || v.neighbourhood
                END
         FROM conflicts c
         JOIN documents d ON d.id = c.doc_id
         LEFT JOIN users u ON u.id = c.user_id
         LEFT JOIN contacts ct ON ct.doc_id = c.doc_id
         LEFT JOIN sessions s ON s.doc_id = c.doc_id
         LEFT JOIN visits v ON v.doc_id = c.doc_id
         WHERE d.agency_id = ?1
         ORDER BY c.doc_id, c.field, c.winner DESC, c.actor, c.value",
    )?;
    let mut items: BTreeMap<ConflictKey, ConflictItem> = BTreeMap::new();
    for agency in agencies {
        let rows = statement.query_map([agency.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                ConflictValueRow {
                    value: r.get(4)?,
                    winner: r.get(5)?,
                    actor: r.get(6)?,
                    device_id: r.get::<_, Option<String>>(7)?.and_then(|d| d.parse().ok()),
                    user_id: r.get::<_, Option<String>>(8)?.and_then(|u| u.parse().ok()),
                    username: r.get(9)?,
                },
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        for row in rows {
            let (doc_id, agency_id, doc_type, field, value, label) = row?;
            let (Ok(id), Ok(agency_id), Ok(doc_type)) = (doc_id.parse(), agency_id.parse(), doc_type.parse()) else {
                continue;
            };
            items
                .entry((doc_id, field.clone()))
                .or_insert_with(|| ConflictItem {
                    doc_id: id,
                    agency_id,
                    doc_type,
                    label: label.unwrap_or_default(),
                    field,
                    values: Vec::new(),
                })
                .values
                .push(value);
        }
    }
    Ok(items.into_values().collect())
}

/// Resolve the conflict on `field` of the record `id` to `value` (one of the
/// values listed for it), as a server change of `user`.
///
/// Runs on the writer (it reads the document and pushes the change with no
/// other write in between).
pub fn resolve_conflict(
    conn: &mut Connection,
    agencies: &[AgencyId],
    user: UserId,
    id: DocumentId,
    field: &str,
    value: &str,
    now: &str,
) -> Result<(), CurationError> {
    let path: FieldPath = field
        .parse()
        .map_err(|e: crate::field_path::InvalidFieldPath| CurationError::Invalid(e.to_string()))?;
    let stored = load_visible(conn, id, agencies)?;
    let conflict = field_conflicts(&stored.doc)
        .into_iter()
        .find(|c| c.field == path.to_string())
        .ok_or_else(|| CurationError::NotFound(format!("conflict on {path} of record {id}")))?;
    let chosen = conflict.values.iter().find(|v| v.value == value).ok_or_else(|| {
        CurationError::Invalid(format!(
            "{value:?} is not one of the values of {path}; choose one of: {}",
            conflict
                .values
                .iter()
                .map(|v| format!("{:?}", v.value))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let (obj, key) = path
        .locate(&stored.doc)
        .ok_or_else(|| CurationError::NotFound(format!("field {path} of record {id}")))?;
    let copied = stored
        .doc
        .get_all(&obj, key.as_str())?
        .into_iter()
        .find_map(|(v, value_id)| match &value_id {
            automerge::ObjId::Id(_, actor, _) if *actor == chosen.actor => {
                Some(OwnedValue::read(&stored.doc, &v, &value_id))
            }
            _ => None,
        })
        .ok_or_else(|| CurationError::NotFound(format!("the chosen value of {path}")))?;
    let by = Corrector {
        user,
        agency: stored.agency,
    };
    let mut correction = Correction::new(id, stored.doc_type, stored.doc, now);
    correction.change(&ActorId::random(), |tx| copied.put(tx, &obj, &key))?;
    push_corrections(conn, by, vec![correction], BatchId::random(), now)
}
