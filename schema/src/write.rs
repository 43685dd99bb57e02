//! Writing records in the canonical layout of `docs/records.md`, and the
//! edits clients make afterwards.
//!
//! Used by the Rust device simulator, the demo seeder and the tests; the PWA
//! writes the same layout from TypeScript. Every function works on anything
//! [`Transactable`] (an [`automerge::AutoCommit`], a transaction) and leaves
//! committing to the caller.
//!
//! Layout choices that make concurrent edits merge well:
//!
//! - `str` fields are scalar strings, never Text: a name or a date is replaced
//!   as a whole, and concurrent edits conflict visibly instead of interleaving
//!   characters. Only `skills`, `notes` and a follow-up's `note` are Text.
//! - Every container (sets, `consent`, `follow_ups`, `attendance`) is created
//!   when the record is written, so later edits on two devices add to the
//!   same object. A container two devices create concurrently is a conflict:
//!   one wins and the other's contents are hidden, which is why the edit
//!   helpers create one only when the record lacks it.
//!
//! ```
//! use automerge::AutoCommit;
//! use relais_schema::write;
//! # use relais_schema::{AgencyId, Common, DocumentId, UserId, Visit};
//! # let visit = Visit {
//! #     common: Common {
//! #         schema: 1,
//! #         id: DocumentId::random(),
//! #         agency_id: AgencyId::random(),
//! #         created_by: UserId::random(),
//! #         created_at: "2026-11-29T10:15:00Z".to_owned(),
//! #     },
//! #     date: "2026-11-29".to_owned(),
//! #     agents: Default::default(),
//! #     neighbourhood: "La Duchère".to_owned(),
//! #     place: None,
//! #     reached: 0,
//! #     women_reached: 0,
//! #     topics: Default::default(),
//! #     notes: None,
//! # };
//!
//! let mut doc = AutoCommit::new();
//! write::write_visit(&mut doc, &visit)?;
//! let mut other = doc.fork();
//! write::add_reached(&mut doc, 3, 1)?;
//! write::add_reached(&mut other, 4, 2)?;
//! doc.merge(&mut other)?;
//! assert_eq!(Visit::from_doc(&doc)?.reached, 7);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjId, ObjType, ScalarValue, Value, ROOT};

use crate::common::Common;
use crate::contact::{Consent, Contact, FollowUp};
use crate::record_type::RecordType;
use crate::session::{Attendance, Session};
use crate::visit::Visit;
use crate::vocabulary::Stage;

/// Writes `contact` into the root of `tx`.
pub fn write_contact(tx: &mut impl Transactable, contact: &Contact) -> Result<(), AutomergeError> {
    put_common(tx, RecordType::Contact, &contact.common)?;
    put_optional_str(tx, &ROOT, "given_name", contact.given_name.as_deref())?;
    put_optional_str(tx, &ROOT, "family_name", contact.family_name.as_deref())?;
    put_optional_str(tx, &ROOT, "alias", contact.alias.as_deref())?;
    put_optional_str(tx, &ROOT, "sex", contact.sex.map(|v| v.as_str()))?;
    if let Some(year) = contact.birth_year {
        tx.put(ROOT, "birth_year", i64::from(year))?;
    }
    put_optional_str(tx, &ROOT, "age_band", contact.age_band.map(|v| v.as_str()))?;
    put_optional_str(
        tx,
        &ROOT,
        "nationality",
        contact.nationality.as_ref().map(|v| v.as_str()),
    )?;
    put_optional_str(tx, &ROOT, "status", contact.status.map(|v| v.as_str()))?;
    put_optional_str(
        tx,
        &ROOT,
        "phone",
        contact.phone.as_ref().map(|v| v.as_str()),
    )?;
    put_set(
        tx,
        &ROOT,
        "languages",
        contact.languages.iter().map(String::as_str),
    )?;
    put_optional_str(tx, &ROOT, "neighbourhood", contact.neighbourhood.as_deref())?;
    put_optional_str(tx, &ROOT, "city", contact.city.as_deref())?;
    put_optional_str(
        tx,
        &ROOT,
        "education",
        contact.education.map(|v| v.as_str()),
    )?;
    put_optional_text(tx, &ROOT, "skills", contact.skills.as_deref())?;
    put_set(
        tx,
        &ROOT,
        "interests",
        contact.interests.iter().map(|v| v.as_str()),
    )?;
    let consent = tx.put_object(ROOT, "consent", ObjType::Map)?;
    put_consent_fields(tx, &consent, &contact.consent)?;
    put_set(
        tx,
        &consent,
        "scope",
        contact.consent.scope.iter().map(|v| v.as_str()),
    )?;
    put_optional_str(tx, &ROOT, "stage", contact.stage.map(|v| v.as_str()))?;
    let follow_ups = tx.put_object(ROOT, "follow_ups", ObjType::List)?;
    for (index, follow_up) in contact.follow_ups.iter().enumerate() {
        insert_follow_up(tx, &follow_ups, index, follow_up)?;
    }
    put_optional_text(tx, &ROOT, "notes", contact.notes.as_deref())?;
    Ok(())
}

/// Writes `session` into the root of `tx`.
pub fn write_session(tx: &mut impl Transactable, session: &Session) -> Result<(), AutomergeError> {
    put_common(tx, RecordType::Session, &session.common)?;
    tx.put(ROOT, "kind", session.kind.as_str())?;
    tx.put(ROOT, "topic", session.topic.as_str())?;
    tx.put(ROOT, "starts_at", session.starts_at.as_str())?;
    put_optional_str(tx, &ROOT, "ends_at", session.ends_at.as_deref())?;
    put_optional_str(tx, &ROOT, "place", session.place.as_deref())?;
    put_set(
        tx,
        &ROOT,
        "facilitators",
        session.facilitators.iter().map(String::as_str),
    )?;
    let attendance = tx.put_object(ROOT, "attendance", ObjType::Map)?;
    for mark in &session.attendance {
        let entry = tx.put_object(&attendance, mark.contact_id.to_string(), ObjType::Map)?;
        put_attendance_fields(tx, &entry, mark)?;
    }
    put_optional_text(tx, &ROOT, "notes", session.notes.as_deref())?;
    Ok(())
}

/// Writes `visit` into the root of `tx`.
pub fn write_visit(tx: &mut impl Transactable, visit: &Visit) -> Result<(), AutomergeError> {
    put_common(tx, RecordType::Visit, &visit.common)?;
    tx.put(ROOT, "date", visit.date.as_str())?;
    let agents: Vec<String> = visit.agents.iter().map(ToString::to_string).collect();
    put_set(tx, &ROOT, "agents", agents.iter().map(String::as_str))?;
    tx.put(ROOT, "neighbourhood", visit.neighbourhood.as_str())?;
    put_optional_str(tx, &ROOT, "place", visit.place.as_deref())?;
    tx.put(ROOT, "reached", ScalarValue::counter(visit.reached))?;
    tx.put(
        ROOT,
        "women_reached",
        ScalarValue::counter(visit.women_reached),
    )?;
    put_set(tx, &ROOT, "topics", visit.topics.iter().map(|v| v.as_str()))?;
    put_optional_text(tx, &ROOT, "notes", visit.notes.as_deref())?;
    Ok(())
}

/// Sets the root `str` field `field` to `value`.
pub fn set_str(tx: &mut impl Transactable, field: &str, value: &str) -> Result<(), AutomergeError> {
    tx.put(ROOT, field, value)
}

/// Sets the root `int` field `field` to `value`.
pub fn set_int(tx: &mut impl Transactable, field: &str, value: i64) -> Result<(), AutomergeError> {
    tx.put(ROOT, field, value)
}

/// Removes the root field `field` (the value becomes unknown).
pub fn remove_field(tx: &mut impl Transactable, field: &str) -> Result<(), AutomergeError> {
    if tx.get(ROOT, field)?.is_some() {
        tx.delete(ROOT, field)?;
    }
    Ok(())
}

/// Sets the contact's journey stage.
pub fn set_stage(tx: &mut impl Transactable, stage: Stage) -> Result<(), AutomergeError> {
    tx.put(ROOT, "stage", stage.as_str())
}

/// Makes the root `text` field `field` read `value`.
///
/// An existing Text object is edited (a character diff), so a concurrent edit
/// elsewhere in the same text is kept; otherwise a Text object is created.
pub fn set_text(
    tx: &mut impl Transactable,
    field: &str,
    value: &str,
) -> Result<(), AutomergeError> {
    match existing_object(tx, &ROOT, field, ObjType::Text)? {
        Some(text) => tx.update_text(&text, value),
        None => put_text(tx, &ROOT, field, value),
    }
}

/// Adds `member` to the root `set` field `set_field`.
pub fn add_to_set(
    tx: &mut impl Transactable,
    set_field: &str,
    member: &str,
) -> Result<(), AutomergeError> {
    let set = map_or_create(tx, &ROOT, set_field)?;
    tx.put(&set, member, true)
}

/// Removes `member` from the root `set` field `set_field`.
pub fn remove_from_set(
    tx: &mut impl Transactable,
    set_field: &str,
    member: &str,
) -> Result<(), AutomergeError> {
    if let Some(set) = existing_object(tx, &ROOT, set_field, ObjType::Map)? {
        if tx.get(&set, member)?.is_some() {
            tx.delete(&set, member)?;
        }
    }
    Ok(())
}

/// Sets a contact's consent, editing the existing `consent` map field by
/// field (a scope member another device added concurrently is kept unless
/// this edit removes it).
pub fn set_consent(tx: &mut impl Transactable, consent: &Consent) -> Result<(), AutomergeError> {
    let map = map_or_create(tx, &ROOT, "consent")?;
    put_consent_fields(tx, &map, consent)?;
    remove_if_absent(tx, &map, "at", consent.at.is_none())?;
    remove_if_absent(tx, &map, "by", consent.by.is_none())?;
    let scope = map_or_create(tx, &map, "scope")?;
    let members: Vec<String> = tx.keys(&scope).collect();
    for member in members {
        if !consent.scope.iter().any(|s| s.as_str() == member) {
            tx.delete(&scope, member.as_str())?;
        }
    }
    for member in &consent.scope {
        tx.put(&scope, member.as_str(), true)?;
    }
    Ok(())
}

/// Appends `follow_up` to the contact's `follow_ups`.
pub fn add_follow_up(
    tx: &mut impl Transactable,
    follow_up: &FollowUp,
) -> Result<(), AutomergeError> {
    let list = match existing_object(tx, &ROOT, "follow_ups", ObjType::List)? {
        Some(list) => list,
        None => tx.put_object(ROOT, "follow_ups", ObjType::List)?,
    };
    let end = tx.length(&list);
    insert_follow_up(tx, &list, end, follow_up)
}

/// Marks a contact's attendance of the session.
///
/// An existing mark for the contact is updated field by field, so two agents
/// marking the same person edit the same registers and converge to one
/// status.
pub fn mark_attendance(
    tx: &mut impl Transactable,
    mark: &Attendance,
) -> Result<(), AutomergeError> {
    let attendance = map_or_create(tx, &ROOT, "attendance")?;
    let entry = map_or_create(tx, &attendance, &mark.contact_id.to_string())?;
    put_attendance_fields(tx, &entry, mark)?;
    remove_if_absent(tx, &entry, "by", mark.by.is_none())?;
    remove_if_absent(tx, &entry, "at", mark.at.is_none())
}

/// Adds `people` to a visit's `reached` counter and `women` to
/// `women_reached`. Increments from several devices add up.
pub fn add_reached(
    tx: &mut impl Transactable,
    people: i64,
    women: i64,
) -> Result<(), AutomergeError> {
    increment_counter(tx, "reached", people)?;
    increment_counter(tx, "women_reached", women)
}

fn increment_counter(
    tx: &mut impl Transactable,
    field: &str,
    by: i64,
) -> Result<(), AutomergeError> {
    if by == 0 {
        return Ok(());
    }
    let current = match tx.get(ROOT, field)? {
        Some((Value::Scalar(scalar), _)) => match scalar.as_ref() {
            ScalarValue::Counter(_) => None,
            ScalarValue::Int(n) => Some(*n),
            _ => Some(0),
        },
        _ => Some(0),
    };
    match current {
        None => tx.increment(ROOT, field, by),
        // Not a counter yet (absent, or a plain number from an older client).
        Some(start) => tx.put(ROOT, field, ScalarValue::counter(start.saturating_add(by))),
    }
}

fn put_common(
    tx: &mut impl Transactable,
    record_type: RecordType,
    common: &Common,
) -> Result<(), AutomergeError> {
    tx.put(ROOT, "type", record_type.as_str())?;
    tx.put(ROOT, "schema", i64::from(common.schema))?;
    tx.put(ROOT, "id", common.id.to_string())?;
    tx.put(ROOT, "agency_id", common.agency_id.to_string())?;
    tx.put(ROOT, "created_by", common.created_by.to_string())?;
    tx.put(ROOT, "created_at", common.created_at.as_str())
}

fn put_consent_fields(
    tx: &mut impl Transactable,
    map: &ObjId,
    consent: &Consent,
) -> Result<(), AutomergeError> {
    tx.put(map, "given", consent.given)?;
    put_optional_str(tx, map, "at", consent.at.as_deref())?;
    put_optional_str(tx, map, "by", consent.by.map(|v| v.to_string()).as_deref())
}

fn put_attendance_fields(
    tx: &mut impl Transactable,
    map: &ObjId,
    mark: &Attendance,
) -> Result<(), AutomergeError> {
    tx.put(map, "status", mark.status.as_str())?;
    put_optional_str(tx, map, "by", mark.by.map(|v| v.to_string()).as_deref())?;
    put_optional_str(tx, map, "at", mark.at.as_deref())
}

fn insert_follow_up(
    tx: &mut impl Transactable,
    list: &ObjId,
    index: usize,
    follow_up: &FollowUp,
) -> Result<(), AutomergeError> {
    let map = tx.insert_object(list, index, ObjType::Map)?;
    tx.put(&map, "id", follow_up.id.to_string())?;
    tx.put(&map, "at", follow_up.at.as_str())?;
    tx.put(&map, "kind", follow_up.kind.as_str())?;
    put_optional_text(tx, &map, "note", follow_up.note.as_deref())?;
    put_optional_str(
        tx,
        &map,
        "by",
        follow_up.by.map(|v| v.to_string()).as_deref(),
    )
}

fn put_optional_str(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
    value: Option<&str>,
) -> Result<(), AutomergeError> {
    match value {
        Some(value) => tx.put(obj, key, value),
        None => Ok(()),
    }
}

fn put_optional_text(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
    value: Option<&str>,
) -> Result<(), AutomergeError> {
    match value {
        Some(value) => put_text(tx, obj, key, value),
        None => Ok(()),
    }
}

fn put_text(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<(), AutomergeError> {
    let text = tx.put_object(obj, key, ObjType::Text)?;
    tx.splice_text(&text, 0, 0, value)
}

fn put_set<'a>(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
    members: impl IntoIterator<Item = &'a str>,
) -> Result<(), AutomergeError> {
    let set = tx.put_object(obj, key, ObjType::Map)?;
    for member in members {
        tx.put(&set, member, true)?;
    }
    Ok(())
}

fn remove_if_absent(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
    absent: bool,
) -> Result<(), AutomergeError> {
    if absent && tx.get(obj, key)?.is_some() {
        tx.delete(obj, key)?;
    }
    Ok(())
}

/// The object of type `obj_type` at `key`, if there is one.
fn existing_object(
    tx: &impl Transactable,
    obj: &ObjId,
    key: &str,
    obj_type: ObjType,
) -> Result<Option<ObjId>, AutomergeError> {
    Ok(match tx.get(obj, key)? {
        Some((Value::Object(found), id)) if found == obj_type => Some(id),
        _ => None,
    })
}

/// The map at `key`, created if there is none.
fn map_or_create(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
) -> Result<ObjId, AutomergeError> {
    match existing_object(tx, obj, key, ObjType::Map)? {
        Some(map) => Ok(map),
        None => tx.put_object(obj, key, ObjType::Map),
    }
}
