//! Merging a contact recorded twice into one, and undoing it.
//!
//! `merge(survivor, other)` writes server changes (see
//! [`crate::server_edit`]), all pushed in one batch:
//!
//! - on the survivor: every field empty there takes the other's value; a
//!   field where both hold different values gets both, written concurrently
//!   by two server actors, so it becomes an ordinary conflict (the
//!   survivor's value shown) that the supervisor resolves in the queue;
//!   languages and interests are united; the other's follow-ups are
//!   appended (the same ids, so nothing is counted twice);
//! - on every session where the other was marked: the mark moves to the
//!   survivor (unless the survivor has one there already) and the other's
//!   entry is removed;
//! - on the other: `merged_into` names the survivor. The other keeps its
//!   fields; it becomes a redirect that phones follow and that the
//!   projection leaves out of lists, indicators and exports.
//!
//! The `merges` table keeps what the merge changed: the survivor's previous
//! values of the fields it wrote, the set members and follow-ups it added,
//! the marks it moved. Undoing writes new server changes restoring them and
//! clearing `merged_into`; edits made since to other fields stay. A merge
//! (or undo) is recorded in the transaction that applies its changes: it
//! waits in `pending_merges` under the batch's id until the apply path
//! stores that batch (a trigger of migration 0005).

use std::fmt;
use std::str::FromStr;

use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjType, ScalarValue, Value, ROOT};
use relais_schema::write::{self, mark_attendance, remove_field, remove_from_set};
use relais_schema::{
    AgencyId, Attendance, AttendanceStatus, Contact, DocumentId, RecordType, Session, UserId, Vocabulary,
};
use relais_sync::protocol::BatchId;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::duplicates::display_name;
use crate::error::CurationError;
use crate::server_edit::{actor_pair, push_corrections, server_device, Correction, Corrector};
use crate::stored::{load_visible, StoredDocument};

/// The id of a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MergeId(Uuid);

impl MergeId {
    /// A fresh id.
    pub fn random() -> Self {
        MergeId(Uuid::new_v4())
    }
}

impl FromStr for MergeId {
    type Err = CurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 36 {
            return Err(CurationError::NotFound("merge".into()));
        }
        Uuid::parse_str(s)
            .map(MergeId)
            .map_err(|_| CurationError::NotFound("merge".into()))
    }
}

impl fmt::Display for MergeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// A merge as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeSummary {
    /// The merge.
    #[serde(serialize_with = "crate::json::display")]
    pub id: MergeId,
    /// The agency of both contacts.
    #[serde(serialize_with = "crate::json::display")]
    pub agency_id: AgencyId,
    /// The contact that stays.
    #[serde(serialize_with = "crate::json::display")]
    pub survivor: DocumentId,
    /// The contact merged into it.
    #[serde(serialize_with = "crate::json::display")]
    pub other: DocumentId,
    /// Who merged.
    #[serde(serialize_with = "crate::json::display")]
    pub merged_by: UserId,
    /// When.
    pub merged_at: String,
    /// The survivor's name at the time of the merge.
    pub survivor_name: String,
    /// The other's name at the time of the merge.
    pub other_name: String,
    /// Who undid it, if it was undone.
    #[serde(serialize_with = "crate::json::display_option")]
    pub undone_by: Option<UserId>,
    /// When.
    pub undone_at: Option<String>,
    /// The survivor's fields the merge wrote.
    pub fields: Vec<String>,
    /// How many follow-ups it copied to the survivor.
    pub follow_ups: usize,
    /// How many attendance marks it moved.
    pub attendance: usize,
}

/// What a merge changed, to undo it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct UndoRecord {
    /// The survivor's root fields the merge wrote, with their previous values.
    fields: Vec<PreviousField>,
    /// Set members added to the survivor.
    added_to_sets: Vec<SetMember>,
    /// Ids of the follow-ups appended to the survivor.
    follow_ups: Vec<String>,
    /// Attendance marks moved from the other to the survivor.
    attendance: Vec<MovedMark>,
    /// The two names at the time of the merge, for the list of merges (the
    /// other has no projected row while it is merged).
    #[serde(default)]
    names: [String; 2],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PreviousField {
    field: String,
    previous: Option<FieldValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SetMember {
    set: String,
    member: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MovedMark {
    session: String,
    status: String,
    by: Option<String>,
    at: Option<String>,
    /// Whether the merge gave the survivor this mark (it had none there).
    survivor_marked: bool,
}

/// A contact's root field value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
enum FieldValue {
    Str(String),
    Int(i64),
    Text(String),
}

impl FieldValue {
    fn put(&self, tx: &mut impl Transactable, key: &str) -> Result<(), AutomergeError> {
        match self {
            FieldValue::Str(s) => tx.put(ROOT, key, s.as_str()),
            FieldValue::Int(n) => tx.put(ROOT, key, *n),
            FieldValue::Text(text) => {
                let id = tx.put_object(ROOT, key, ObjType::Text)?;
                tx.splice_text(&id, 0, 0, text)
            }
        }
    }

    fn is_text(&self) -> bool {
        matches!(self, FieldValue::Text(_))
    }
}

/// The root fields a merge fills or turns into conflicts, with their values.
fn merged_fields(c: &Contact) -> Vec<(&'static str, Option<FieldValue>)> {
    let str = |v: Option<&str>| v.map(|v| FieldValue::Str(v.to_owned()));
    let text = |v: &Option<String>| v.clone().map(FieldValue::Text);
    vec![
        ("given_name", str(c.given_name.as_deref())),
        ("family_name", str(c.family_name.as_deref())),
        ("alias", str(c.alias.as_deref())),
        ("sex", str(c.sex.map(Vocabulary::as_str))),
        ("birth_year", c.birth_year.map(|y| FieldValue::Int(i64::from(y)))),
        ("age_band", str(c.age_band.map(Vocabulary::as_str))),
        ("nationality", str(c.nationality.as_ref().map(|n| n.as_str()))),
        ("status", str(c.status.map(Vocabulary::as_str))),
        ("phone", str(c.phone.as_ref().map(|p| p.as_str()))),
        ("neighbourhood", str(c.neighbourhood.as_deref())),
        ("city", str(c.city.as_deref())),
        ("education", str(c.education.map(Vocabulary::as_str))),
        ("stage", str(c.stage.map(Vocabulary::as_str))),
        ("skills", text(&c.skills)),
        ("notes", text(&c.notes)),
    ]
}

fn contact_of(stored: &StoredDocument) -> Result<Contact, CurationError> {
    if stored.doc_type != RecordType::Contact {
        return Err(CurationError::Invalid(format!("record {} is not a contact", stored.id)));
    }
    Contact::from_doc(&stored.doc).map_err(|e| {
        CurationError::Refused(format!(
            "contact {} does not validate ({e}); correct it before merging",
            stored.id
        ))
    })
}

/// Merge the contact `other` into `survivor` as `user`; returns the merge's id.
///
/// Runs on the writer: the documents are read and the changes pushed with no
/// other write in between.
pub fn merge_contacts(
    conn: &mut Connection,
    agencies: &[AgencyId],
    user: UserId,
    survivor: DocumentId,
    other: DocumentId,
    now: &str,
) -> Result<MergeId, CurationError> {
    if survivor == other {
        return Err(CurationError::Invalid("a contact cannot be merged into itself".into()));
    }
    let kept = load_visible(conn, survivor, agencies)?;
    let gone = load_visible(conn, other, agencies)?;
    if kept.agency != gone.agency {
        return Err(CurationError::Invalid(
            "the two contacts belong to different agencies".into(),
        ));
    }
    let (kept_contact, gone_contact) = (contact_of(&kept)?, contact_of(&gone)?);
    for (id, contact) in [(survivor, &kept_contact), (other, &gone_contact)] {
        if let Some(into) = contact.merged_into {
            return Err(CurationError::Refused(format!(
                "contact {id} is already merged into {into}"
            )));
        }
    }
    let by = Corrector {
        user,
        agency: kept.agency,
    };
    let mut undo = UndoRecord {
        names: [&kept_contact, &gone_contact]
            .map(|c| display_name(c.given_name.clone(), c.family_name.clone(), c.alias.clone())),
        ..UndoRecord::default()
    };
    let (winner, loser) = actor_pair();

    let mut kept_fix = Correction::new(survivor, RecordType::Contact, kept.doc, now);
    let mut fills = Vec::new();
    let mut scalar_clashes = Vec::new();
    let mut text_clashes = Vec::new();
    for ((field, mine), (_, theirs)) in merged_fields(&kept_contact)
        .into_iter()
        .zip(merged_fields(&gone_contact))
    {
        match (mine, theirs) {
            (_, None) => {}
            (None, Some(theirs)) => fills.push((field, theirs)),
            (Some(mine), Some(theirs)) if mine == theirs => {}
            (Some(mine), Some(theirs)) if mine.is_text() => text_clashes.push((field, mine, theirs)),
            (Some(mine), Some(theirs)) => scalar_clashes.push((field, mine, theirs)),
        }
    }
    // Each group of clashing writes starts from the same state in both
    // actors, so neither write supersedes the other: both values stay, a
    // conflict. `restate` gives the survivor's writes the higher counters,
    // so its values are the ones shown. Texts go one per group, as their
    // lengths would shift the counters of the fields after them.
    if !scalar_clashes.is_empty() {
        kept_fix.concurrent(
            &winner,
            |tx| {
                scalar_clashes
                    .iter()
                    .try_for_each(|(field, mine, _)| restate(tx, field, mine))
            },
            &loser,
            |tx| {
                scalar_clashes
                    .iter()
                    .try_for_each(|(field, _, theirs)| theirs.put(tx, field))
            },
        )?;
    }
    for (field, mine, theirs) in &text_clashes {
        kept_fix.concurrent(
            &winner,
            |tx| restate(tx, field, mine),
            &loser,
            |tx| theirs.put(tx, field),
        )?;
    }
    for (field, mine, _) in scalar_clashes.iter().chain(&text_clashes) {
        undo.fields.push(PreviousField {
            field: (*field).to_owned(),
            previous: Some(mine.clone()),
        });
    }
    for (field, _) in &fills {
        undo.fields.push(PreviousField {
            field: (*field).to_owned(),
            previous: None,
        });
    }
    let languages: Vec<String> = gone_contact
        .languages
        .difference(&kept_contact.languages)
        .cloned()
        .collect();
    let interests: Vec<&str> = gone_contact
        .interests
        .difference(&kept_contact.interests)
        .map(|i| i.as_str())
        .collect();
    undo.added_to_sets.extend(languages.iter().map(|m| SetMember {
        set: "languages".into(),
        member: m.clone(),
    }));
    undo.added_to_sets.extend(interests.iter().map(|m| SetMember {
        set: "interests".into(),
        member: (*m).to_owned(),
    }));
    let known_follow_ups: Vec<_> = kept_contact.follow_ups.iter().map(|f| f.id).collect();
    let new_follow_ups: Vec<_> = gone_contact
        .follow_ups
        .iter()
        .filter(|f| !known_follow_ups.contains(&f.id))
        .cloned()
        .collect();
    undo.follow_ups = new_follow_ups.iter().map(|f| f.id.to_string()).collect();
    kept_fix.change(&winner, |tx| {
        for (field, value) in &fills {
            value.put(tx, field)?;
        }
        for member in &undo.added_to_sets {
            write::add_to_set(tx, &member.set, &member.member)?;
        }
        new_follow_ups.iter().try_for_each(|f| write::add_follow_up(tx, f))
    })?;

    let mut gone_fix = Correction::new(other, RecordType::Contact, gone.doc, now);
    gone_fix.change(&winner, |tx| write::set_str(tx, "merged_into", &survivor.to_string()))?;

    let mut fixes = vec![kept_fix, gone_fix];
    for session_id in sessions_marking(conn, other)? {
        // A session of another agency cannot mark this contact: left alone.
        let stored = match load_visible(conn, session_id, &[by.agency]) {
            Err(CurationError::NotFound(_)) => continue,
            found => found?,
        };
        let Ok(session) = Session::from_doc(&stored.doc) else {
            continue;
        };
        let Some(mark) = session.attendance.iter().find(|m| m.contact_id == other) else {
            continue;
        };
        let survivor_marked = !session.attendance.iter().any(|m| m.contact_id == survivor);
        let moved = Attendance {
            contact_id: survivor,
            ..mark.clone()
        };
        let mut fix = Correction::new(session_id, RecordType::Session, stored.doc, now);
        fix.change(&winner, |tx| {
            if survivor_marked {
                mark_attendance(tx, &moved)?;
            }
            remove_attendance_entry(tx, other)
        })?;
        undo.attendance.push(MovedMark {
            session: session_id.to_string(),
            status: mark.status.as_str().to_owned(),
            by: mark.by.map(|u| u.to_string()),
            at: mark.at.clone(),
            survivor_marked,
        });
        fixes.push(fix);
    }

    let id = MergeId::random();
    let undo_json = serde_json::to_string(&undo).map_err(|e| CurationError::CorruptMerge {
        id: id.to_string(),
        reason: e.to_string(),
    })?;
    let record = Pending {
        id,
        survivor,
        other,
        undo: undo_json,
        undone: false,
    };
    push_recorded(conn, by, fixes, &record, now)?;
    Ok(id)
}

/// A merge (or its undo) to record with its batch of server changes.
struct Pending {
    id: MergeId,
    survivor: DocumentId,
    other: DocumentId,
    undo: String,
    undone: bool,
}

/// Push `fixes` and record `pending` in the same transaction: the row waits
/// in `pending_merges`, and the trigger of migration 0005 moves it into
/// `merges` when the apply path stores the batch (see that migration).
fn push_recorded(
    conn: &mut Connection,
    by: Corrector,
    fixes: Vec<Correction>,
    pending: &Pending,
    now: &str,
) -> Result<(), CurationError> {
    let device = server_device(conn, by.agency, now)?.to_string();
    let batch = BatchId::random();
    // This runs on the writer, so any row of this device still pending is
    // from a batch that never committed.
    conn.execute("DELETE FROM pending_merges WHERE device_id = ?1", [&device])?;
    let (undone_by, undone_at) = match pending.undone {
        true => (Some(by.user.to_string()), Some(now)),
        false => (None, None),
    };
    conn.execute(
        "INSERT INTO pending_merges (device_id, batch_id, id, agency_id, survivor, other, merged_by, merged_at,
                                     undo, undone_by, undone_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            device,
            batch.to_hex(),
            pending.id.to_string(),
            by.agency.to_string(),
            pending.survivor.to_string(),
            pending.other.to_string(),
            by.user.to_string(),
            now,
            pending.undo,
            undone_by,
            undone_at,
        ],
    )?;
    let pushed = push_corrections(conn, by, fixes, batch, now);
    if pushed.is_err() {
        conn.execute(
            "DELETE FROM pending_merges WHERE device_id = ?1 AND batch_id = ?2",
            params![device, batch.to_hex()],
        )?;
    }
    pushed
}

/// Write `value` at `field` anew although the field already holds it.
///
/// Automerge skips a put of the value a key already shows, which would let
/// the concurrent write replace the survivor's value instead of standing
/// beside it. A placeholder first makes the put a real operation, and gives
/// it a higher counter than the concurrent one, so the survivor's value is
/// the one shown.
fn restate(tx: &mut impl Transactable, field: &str, value: &FieldValue) -> Result<(), AutomergeError> {
    tx.put(ROOT, field, ScalarValue::Null)?;
    value.put(tx, field)
}

/// Sessions whose projected attendance marks `contact`.
fn sessions_marking(conn: &Connection, contact: DocumentId) -> Result<Vec<DocumentId>, CurationError> {
    let mut statement =
        conn.prepare_cached("SELECT session_id FROM attendance WHERE contact_id = ?1 ORDER BY session_id")?;
    let ids = statement
        .query_map([contact.to_string()], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids.into_iter().filter_map(|id| id.parse().ok()).collect())
}

fn remove_attendance_entry(tx: &mut impl Transactable, contact: DocumentId) -> Result<(), AutomergeError> {
    if let Some((Value::Object(ObjType::Map), attendance)) = tx.get(ROOT, "attendance")? {
        let key = contact.to_string();
        if tx.get(&attendance, key.as_str())?.is_some() {
            tx.delete(&attendance, key.as_str())?;
        }
    }
    Ok(())
}

struct MergeRow {
    agency: AgencyId,
    survivor: DocumentId,
    other: DocumentId,
    undo: UndoRecord,
    undone: bool,
}

fn load_merge(conn: &Connection, id: MergeId, agencies: &[AgencyId]) -> Result<MergeRow, CurationError> {
    let not_found = || CurationError::NotFound(format!("merge {id}"));
    let row: Option<(String, String, String, String, Option<String>)> = conn
        .query_row(
            "SELECT agency_id, survivor, other, undo, undone_at FROM merges WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let (agency, survivor, other, undo, undone_at) = row.ok_or_else(not_found)?;
    let corrupt = |reason: String| CurationError::CorruptMerge {
        id: id.to_string(),
        reason,
    };
    let agency: AgencyId = agency
        .parse()
        .map_err(|e: relais_schema::InvalidId| corrupt(e.to_string()))?;
    if !agencies.contains(&agency) {
        return Err(not_found());
    }
    Ok(MergeRow {
        agency,
        survivor: survivor
            .parse()
            .map_err(|e: relais_schema::InvalidId| corrupt(e.to_string()))?,
        other: other
            .parse()
            .map_err(|e: relais_schema::InvalidId| corrupt(e.to_string()))?,
        undo: serde_json::from_str(&undo).map_err(|e| corrupt(e.to_string()))?,
        undone: undone_at.is_some(),
    })
}

/// Undo the merge `id` as `user`: restore the survivor's previous values,
/// remove what the merge added to it, put the attendance marks back and
/// clear the other's `merged_into`.
pub fn undo_merge(
    conn: &mut Connection,
    agencies: &[AgencyId],
    user: UserId,
    id: MergeId,
    now: &str,
) -> Result<(), CurationError> {
    let merge = load_merge(conn, id, agencies)?;
    if merge.undone {
        return Err(CurationError::Refused(format!("merge {id} was already undone")));
    }
    let scope = [merge.agency];
    let by = Corrector {
        user,
        agency: merge.agency,
    };
    let actor = automerge::ActorId::random();
    let undo = &merge.undo;

    let kept = load_visible(conn, merge.survivor, &scope)?;
    let mut kept_fix = Correction::new(merge.survivor, RecordType::Contact, kept.doc, now);
    kept_fix.change(&actor, |tx| {
        for field in &undo.fields {
            match &field.previous {
                Some(value) => value.put(tx, &field.field)?,
                None => remove_field(tx, &field.field)?,
            }
        }
        for member in &undo.added_to_sets {
            remove_from_set(tx, &member.set, &member.member)?;
        }
        remove_follow_ups(tx, &undo.follow_ups)
    })?;
    let gone = load_visible(conn, merge.other, &scope)?;
    let mut gone_fix = Correction::new(merge.other, RecordType::Contact, gone.doc, now);
    gone_fix.change(&actor, |tx| remove_field(tx, "merged_into"))?;

    let mut fixes = vec![kept_fix, gone_fix];
    for moved in &undo.attendance {
        let Ok(session_id) = moved.session.parse::<DocumentId>() else {
            continue;
        };
        // An erased session has no mark to put back.
        let stored = match load_visible(conn, session_id, &scope) {
            Err(CurationError::NotFound(_)) => continue,
            found => found?,
        };
        let status = AttendanceStatus::from_name(&moved.status).ok_or_else(|| CurationError::CorruptMerge {
            id: id.to_string(),
            reason: format!("attendance status {:?}", moved.status),
        })?;
        let mark = Attendance {
            contact_id: merge.other,
            status,
            by: moved.by.as_deref().and_then(|u| u.parse().ok()),
            at: moved.at.clone(),
        };
        let mut fix = Correction::new(session_id, RecordType::Session, stored.doc, now);
        fix.change(&actor, |tx| {
            mark_attendance(tx, &mark)?;
            if moved.survivor_marked {
                remove_attendance_entry(tx, merge.survivor)?;
            }
            Ok(())
        })?;
        fixes.push(fix);
    }
    let record = Pending {
        id,
        survivor: merge.survivor,
        other: merge.other,
        undo: String::new(),
        undone: true,
    };
    push_recorded(conn, by, fixes, &record, now)
}

fn remove_follow_ups(tx: &mut impl Transactable, ids: &[String]) -> Result<(), AutomergeError> {
    let Some((Value::Object(ObjType::List), list)) = tx.get(ROOT, "follow_ups")? else {
        return Ok(());
    };
    // From the end, so that earlier indexes stay valid.
    for index in (0..tx.length(&list)).rev() {
        let Some((Value::Object(ObjType::Map), item)) = tx.get(&list, index)? else {
            continue;
        };
        let named = match tx.get(&item, "id")? {
            Some((Value::Scalar(id), _)) => match id.as_ref() {
                ScalarValue::Str(id) => ids.iter().any(|wanted| wanted.as_str() == id.as_str()),
                _ => false,
            },
            _ => false,
        };
        if named {
            tx.delete(&list, index)?;
        }
    }
    Ok(())
}

/// The merges of `agencies`, newest first.
pub fn list_merges(conn: &Connection, agencies: &[AgencyId]) -> Result<Vec<MergeSummary>, CurationError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, survivor, other, merged_by, merged_at, undone_by, undone_at, undo
         FROM merges WHERE agency_id = ?1 ORDER BY merged_at DESC, id",
    )?;
    let mut merges = Vec::new();
    for agency in agencies {
        let rows = statement.query_map([agency.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (id, survivor, other, merged_by, merged_at, undone_by, undone_at, undo) = row?;
            let (Ok(id), Ok(survivor), Ok(other), Ok(merged_by)) =
                (id.parse(), survivor.parse(), other.parse(), merged_by.parse())
            else {
                continue;
            };
            let undo: UndoRecord = serde_json::from_str(&undo).unwrap_or_default();
            merges.push(MergeSummary {
                id,
                agency_id: *agency,
                survivor,
                other,
                merged_by,
                merged_at,
                survivor_name: undo.names[0].clone(),
                other_name: undo.names[1].clone(),
                undone_by: undone_by.and_then(|u| u.parse().ok()),
                undone_at,
                fields: undo.fields.iter().map(|f| f.field.clone()).collect(),
                follow_ups: undo.follow_ups.len(),
                attendance: undo.attendance.len(),
            });
        }
    }
    merges.sort_by(|a, b| b.merged_at.cmp(&a.merged_at));
    Ok(merges)
}
