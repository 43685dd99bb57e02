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
    put_optional_str(tx, &ROOT, "phone", contact.phone.as_ref().map(|v| v.as_str()))?;
    put_set(tx, &ROOT, "languages", contact.languages.iter().map(String::as_str))?;
    put_optional_str(tx, &ROOT, "neighbourhood", contact.neighbourhood.as_deref())?;
    put_optional_str(tx, &ROOT, "city", contact.city.as_deref())?;
    put_optional_str(tx, &ROOT, "education", contact.education.map(|v| v.as_str()))?;
    put_optional_text(tx, &ROOT, "skills", contact.skills.as_deref())?;
    put_set(tx, &ROOT, "interests", contact.interests.iter().map(|v| v.as_str()))?;
    let consent = tx.put_object(ROOT, "consent", ObjType::Map)?;
    put_consent_fields(tx, &consent, &contact.consent)?;
    put_set(tx, &consent, "scope", contact.consent.scope.iter().map(|v| v.as_str()))?;
    put_optional_str(tx, &ROOT, "stage", contact.stage.map(|v| v.as_str()))?;
    let follow_ups = tx.put_object(ROOT, "follow_ups", ObjType::List)?;
    for (index, follow_up) in contact.follow_ups.iter().enumerate() {
        insert_follow_up(tx, &follow_ups, index, follow_up)?;
    }
    put_optional_text(tx, &ROOT, "notes", contact.notes.as_deref())?;
    put_optional_str(
        tx,
        &ROOT,
        "merged_into",
        contact.merged_into.map(|v| v.to_string()).as_deref(),
    )?;
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
    tx.put(ROOT, "women_reached", ScalarValue::counter(visit.women_reached))?;
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
pub fn set_text(tx: &mut impl Transactable, field: &str, value: &str) -> Result<(), AutomergeError> {
    match existing_object(tx, &ROOT, field, ObjType::Text)? {
        Some(text) => tx.update_text(&text, value),
        None => put_text(tx, &ROOT, field, value),
    }
}

/// Adds `member` to the root `set` field `set_field`.
pub fn add_to_set(tx: &mut impl Transactable, set_field: &str, member: &str) -> Result<(), AutomergeError> {
    let set = map_or_create(tx, &ROOT, set_field)?;
    tx.put(&set, member, true)
}

/// Removes `member` from the root `set` field `set_field`.
pub fn remove_from_set(tx: &mut impl Transactable, set_field: &str, member: &str) -> Result<(), AutomergeError> {
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
pub fn add_follow_up(tx: &mut impl Transactable, follow_up: &FollowUp) -> Result<(), AutomergeError> {
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
pub fn mark_attendance(tx: &mut impl Transactable, mark: &Attendance) -> Result<(), AutomergeError> {
    let attendance = map_or_create(tx, &ROOT, "attendance")?;
    let entry = map_or_create(tx, &attendance, &mark.contact_id.to_string())?;
    put_attendance_fields(tx, &entry, mark)?;
    remove_if_absent(tx, &entry, "by", mark.by.is_none())?;
    remove_if_absent(tx, &entry, "at", mark.at.is_none())
}

/// Adds `people` to a visit's `reached` counter and `women` to
/// `women_reached`. Increments from several devices add up.
pub fn add_reached(tx: &mut impl Transactable, people: i64, women: i64) -> Result<(), AutomergeError> {
    increment_counter(tx, "reached", people)?;
    increment_counter(tx, "women_reached", women)
}

fn increment_counter(tx: &mut impl Transactable, field: &str, by: i64) -> Result<(), AutomergeError> {
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

fn put_common(tx: &mut impl Transactable, record_type: RecordType, common: &Common) -> Result<(), AutomergeError> {
    tx.put(ROOT, "type", record_type.as_str())?;
    tx.put(ROOT, "schema", i64::from(common.schema))?;
    tx.put(ROOT, "id", common.id.to_string())?;
    tx.put(ROOT, "agency_id", common.agency_id.to_string())?;
    tx.put(ROOT, "created_by", common.created_by.to_string())?;
    tx.put(ROOT, "created_at", common.created_at.as_str())
}

fn put_consent_fields(tx: &mut impl Transactable, map: &ObjId, consent: &Consent) -> Result<(), AutomergeError> {
    tx.put(map, "given", consent.given)?;
    put_optional_str(tx, map, "at", consent.at.as_deref())?;
    put_optional_str(tx, map, "by", consent.by.map(|v| v.to_string()).as_deref())
}

fn put_attendance_fields(tx: &mut impl Transactable, map: &ObjId, mark: &Attendance) -> Result<(), AutomergeError> {
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
    put_optional_str(tx, &map, "by", follow_up.by.map(|v| v.to_string()).as_deref())
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

fn put_text(tx: &mut impl Transactable, obj: &ObjId, key: &str, value: &str) -> Result<(), AutomergeError> {
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

fn remove_if_absent(tx: &mut impl Transactable, obj: &ObjId, key: &str, absent: bool) -> Result<(), AutomergeError> {
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
fn map_or_create(tx: &mut impl Transactable, obj: &ObjId, key: &str) -> Result<ObjId, AutomergeError> {
    match existing_object(tx, obj, key, ObjType::Map)? {
        Some(map) => Ok(map),
        None => tx.put_object(obj, key, ObjType::Map),
    }
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ReadDoc};
    use proptest::prelude::*;

    use super::*;
    use crate::fixtures::{self, TestResult};
    use crate::ids::{AgencyId, DocumentId, FollowUpId, UserId};
    use crate::vocabulary::{
        AgeBand, ConsentScope, Education, FollowUpKind, Interest, MigrationStatus, SessionKind, Sex,
    };

    fn kind_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<&'static str, AutomergeError> {
        Ok(match doc.get(obj, key)? {
            Some((Value::Object(ObjType::Text), _)) => "text",
            Some((Value::Object(_), _)) => "object",
            Some((Value::Scalar(s), _)) if s.is_str() => "str",
            Some(_) => "other scalar",
            None => "absent",
        })
    }

    #[test]
    fn str_fields_are_scalar_strings_and_free_text_fields_are_text_objects() -> TestResult {
        let contact = fixtures::full_contact()?;
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &contact)?;

        for key in [
            "type",
            "id",
            "given_name",
            "sex",
            "nationality",
            "phone",
            "city",
            "stage",
            "created_at",
        ] {
            assert_eq!(kind_at(&doc, &ROOT, key)?, "str", "{key}");
        }
        assert_eq!(kind_at(&doc, &ROOT, "skills")?, "text");
        assert_eq!(kind_at(&doc, &ROOT, "notes")?, "text");
        let Some((_, list)) = doc.get(ROOT, "follow_ups")? else {
            return Err("no follow-ups".into());
        };
        let Some((_, first)) = doc.get(&list, 0)? else {
            return Err("no follow-up".into());
        };
        assert_eq!(kind_at(&doc, &first, "note")?, "text");
        assert_eq!(kind_at(&doc, &first, "at")?, "str");
        Ok(())
    }

    #[test]
    fn absent_optional_fields_are_not_written() -> TestResult {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &fixtures::minimal_contact())?;
        for key in ["given_name", "sex", "birth_year", "phone", "skills", "notes", "stage"] {
            assert_eq!(kind_at(&doc, &ROOT, key)?, "absent", "{key}");
        }
        Ok(())
    }

    #[test]
    fn languages_added_on_two_phones_are_both_kept() -> TestResult {
        let mut phone_a = fixtures::doc_with_actor(1);
        write_contact(&mut phone_a, &fixtures::minimal_contact())?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);

        add_to_set(&mut phone_a, "languages", "ar")?;
        add_to_set(&mut phone_b, "languages", "fr")?;
        add_to_set(&mut phone_b, "interests", "job_search")?;
        phone_a.merge(&mut phone_b)?;

        let contact = Contact::from_doc(&phone_a)?;
        assert_eq!(contact.languages, ["ar", "fr"].map(String::from).into());
        assert_eq!(contact.interests, [Interest::JobSearch].into());
        Ok(())
    }

    #[test]
    fn a_member_removed_from_a_set_is_gone() -> TestResult {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &fixtures::full_contact()?)?;
        remove_from_set(&mut doc, "languages", "fr")?;
        remove_from_set(&mut doc, "languages", "not there")?;
        assert_eq!(
            Contact::from_doc(&doc)?.languages,
            ["bm", "ff"].map(String::from).into()
        );
        Ok(())
    }

    #[test]
    fn set_text_replaces_the_content_and_turns_a_str_into_text() -> TestResult {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &fixtures::full_contact()?)?;
        set_str(&mut doc, "skills", "maçon")?;

        set_text(&mut doc, "skills", "maçon, carreleur")?;
        set_text(&mut doc, "notes", "")?;

        assert_eq!(kind_at(&doc, &ROOT, "skills")?, "text");
        let contact = Contact::from_doc(&doc)?;
        assert_eq!(contact.skills.as_deref(), Some("maçon, carreleur"));
        assert_eq!(contact.notes.as_deref(), Some(""));
        Ok(())
    }

    #[test]
    fn text_edited_on_two_phones_keeps_both_edits() -> TestResult {
        let mut contact = fixtures::minimal_contact();
        contact.notes = Some("cherche un CAP".to_owned());
        let mut phone_a = fixtures::doc_with_actor(1);
        write_contact(&mut phone_a, &contact)?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);

        set_text(&mut phone_a, "notes", "Urgent : cherche un CAP")?;
        set_text(&mut phone_b, "notes", "cherche un CAP cuisine")?;
        phone_a.merge(&mut phone_b)?;

        assert_eq!(
            Contact::from_doc(&phone_a)?.notes.as_deref(),
            Some("Urgent : cherche un CAP cuisine")
        );
        Ok(())
    }

    #[test]
    fn edits_of_str_fields_and_stage_read_back() -> TestResult {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &fixtures::full_contact()?)?;

        set_stage(&mut doc, Stage::InTraining)?;
        set_str(&mut doc, "city", "Bron")?;
        set_int(&mut doc, "birth_year", 1990)?;
        remove_field(&mut doc, "phone")?;
        remove_field(&mut doc, "never_written")?;

        let contact = Contact::from_doc(&doc)?;
        assert_eq!(contact.stage, Some(Stage::InTraining));
        assert_eq!(contact.city.as_deref(), Some("Bron"));
        assert_eq!(contact.birth_year, Some(1990));
        assert_eq!(contact.phone, None);
        Ok(())
    }

    #[test]
    fn a_follow_up_is_appended_after_the_existing_ones() -> TestResult {
        let contact = fixtures::full_contact()?;
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &contact)?;
        let follow_up = FollowUp {
            id: FollowUpId::random(),
            at: "2026-12-15".to_owned(),
            kind: FollowUpKind::Visit,
            note: Some("inscrit".to_owned()),
            by: None,
        };

        add_follow_up(&mut doc, &follow_up)?;

        let mut expected = contact.follow_ups.clone();
        expected.push(follow_up);
        assert_eq!(Contact::from_doc(&doc)?.follow_ups, expected);
        Ok(())
    }

    #[test]
    fn set_consent_updates_the_existing_consent() -> TestResult {
        let contact = fixtures::full_contact()?;
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &contact)?;
        let consent = Consent {
            given: true,
            at: None,
            by: None,
            scope: [ConsentScope::ShareWithServices].into(),
        };

        set_consent(&mut doc, &consent)?;

        assert_eq!(Contact::from_doc(&doc)?.consent, consent);
        Ok(())
    }

    #[test]
    fn people_reached_can_be_added_to_a_visit_without_counters() -> TestResult {
        let mut doc = AutoCommit::new();
        write_visit(&mut doc, &fixtures::visit())?;
        doc.delete(ROOT, "reached")?;
        doc.put(ROOT, "women_reached", 1_i64)?;

        add_reached(&mut doc, 4, 2)?;
        add_reached(&mut doc, 1, 0)?;

        let visit = Visit::from_doc(&doc)?;
        assert_eq!((visit.reached, visit.women_reached), (5, 3));
        Ok(())
    }

    #[test]
    fn a_session_and_a_visit_survive_save_and_load() -> TestResult {
        let session = fixtures::session();
        let visit = fixtures::visit();
        let (mut a, mut b) = (AutoCommit::new(), AutoCommit::new());
        write_session(&mut a, &session)?;
        write_visit(&mut b, &visit)?;
        assert_eq!(Session::from_doc(&AutoCommit::load(&a.save())?)?, session);
        assert_eq!(Visit::from_doc(&AutoCommit::load(&b.save())?)?, visit);
        Ok(())
    }

    fn date() -> impl Strategy<Value = String> {
        (1900u32..=2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
    }

    fn datetime() -> impl Strategy<Value = String> {
        (date(), 0u32..24, 0u32..60, 0u32..60, proptest::option::of("[0-9]{1,9}")).prop_map(
            |(date, h, m, s, fraction)| match fraction {
                Some(fraction) => format!("{date}T{h:02}:{m:02}:{s:02}.{fraction}Z"),
                None => format!("{date}T{h:02}:{m:02}:{s:02}Z"),
            },
        )
    }

    fn user_id() -> impl Strategy<Value = UserId> {
        any::<[u8; 16]>().prop_map(UserId::from_bytes)
    }

    fn common() -> impl Strategy<Value = Common> {
        (1u32..=5, any::<[u8; 16]>(), any::<[u8; 16]>(), user_id(), datetime()).prop_map(
            |(schema, id, agency, created_by, created_at)| Common {
                schema,
                id: DocumentId::from_bytes(id),
                agency_id: AgencyId::from_bytes(agency),
                created_by,
                created_at,
            },
        )
    }

    fn consent() -> impl Strategy<Value = Consent> {
        (
            any::<bool>(),
            proptest::option::of(datetime()),
            proptest::option::of(user_id()),
            proptest::collection::btree_set(proptest::sample::select(ConsentScope::ALL), 0..3),
        )
            .prop_map(|(given, at, by, scope)| Consent { given, at, by, scope })
    }

    fn follow_up() -> impl Strategy<Value = FollowUp> {
        (
            any::<[u8; 16]>(),
            date(),
            proptest::sample::select(FollowUpKind::ALL),
            proptest::option::of(".{0,30}"),
            proptest::option::of(user_id()),
        )
            .prop_map(|(id, at, kind, note, by)| FollowUp {
                id: FollowUpId::from_bytes(id),
                at,
                kind,
                note,
                by,
            })
    }

    fn contact() -> impl Strategy<Value = Contact> {
        let names = (
            proptest::option::of(".{0,12}"),
            proptest::option::of(".{0,12}"),
            proptest::option::of(".{0,12}"),
        );
        let person = (
            proptest::option::of(proptest::sample::select(Sex::ALL)),
            proptest::option::of(1900u16..=2100),
            proptest::option::of(proptest::sample::select(AgeBand::ALL)),
            proptest::option::of("[A-Z]{2}".prop_filter_map("a country code", |s| s.parse().ok())),
            proptest::option::of(proptest::sample::select(MigrationStatus::ALL)),
            proptest::option::of("\\+?( ?[0-9]){6,20}".prop_filter_map("a phone number", |s| s.parse().ok())),
            proptest::collection::btree_set("[a-z]{2}", 0..4),
        );
        let situation = (
            proptest::option::of(".{0,12}"),
            proptest::option::of(".{0,12}"),
            proptest::option::of(proptest::sample::select(Education::ALL)),
            proptest::option::of(".{0,40}"),
            proptest::collection::btree_set(proptest::sample::select(Interest::ALL), 0..4),
            proptest::option::of(proptest::sample::select(Stage::ALL)),
            proptest::option::of(".{0,40}"),
        );
        (
            common(),
            names,
            person,
            situation,
            consent(),
            proptest::collection::vec(follow_up(), 0..4),
        )
            .prop_map(
                |(
                    common,
                    (given_name, family_name, alias),
                    (sex, birth_year, age_band, nationality, status, phone, languages),
                    (neighbourhood, city, education, skills, interests, stage, notes),
                    consent,
                    follow_ups,
                )| Contact {
                    common,
                    given_name,
                    family_name,
                    alias,
                    sex,
                    birth_year,
                    age_band,
                    nationality,
                    status,
                    phone,
                    languages,
                    neighbourhood,
                    city,
                    education,
                    skills,
                    interests,
                    consent,
                    stage,
                    follow_ups,
                    notes,
                    merged_into: None,
                },
            )
            .prop_filter("a contact has a name", Contact::has_name)
    }

    fn session() -> impl Strategy<Value = Session> {
        let attendance = proptest::collection::btree_map(
            any::<[u8; 16]>().prop_map(DocumentId::from_bytes),
            (
                proptest::sample::select(crate::vocabulary::AttendanceStatus::ALL),
                proptest::option::of(user_id()),
                proptest::option::of(datetime()),
            ),
            0..4,
        )
        .prop_map(|marks| {
            marks
                .into_iter()
                .map(|(contact_id, (status, by, at))| Attendance {
                    contact_id,
                    status,
                    by,
                    at,
                })
                .collect()
        });
        (
            common(),
            proptest::sample::select(SessionKind::ALL),
            ".{0,20}",
            datetime(),
            proptest::option::of(".{0,12}"),
            proptest::collection::btree_set(".{1,12}", 0..3),
            attendance,
            proptest::option::of(".{0,40}"),
        )
            .prop_map(
                |(common, kind, topic, starts_at, place, facilitators, attendance, notes)| Session {
                    common,
                    kind,
                    topic,
                    ends_at: Some(starts_at.clone()),
                    starts_at,
                    place,
                    facilitators,
                    attendance,
                    notes,
                },
            )
    }

    fn visit() -> impl Strategy<Value = Visit> {
        (
            common(),
            date(),
            proptest::collection::btree_set(user_id(), 0..3),
            ".{0,20}",
            proptest::option::of(".{0,12}"),
            (0i64..1000, 0i64..1000),
            proptest::collection::btree_set(proptest::sample::select(Interest::ALL), 0..4),
            proptest::option::of(".{0,40}"),
        )
            .prop_map(
                |(common, date, agents, neighbourhood, place, (a, b), topics, notes)| Visit {
                    common,
                    date,
                    agents,
                    neighbourhood,
                    place,
                    reached: a.max(b),
                    women_reached: a.min(b),
                    topics,
                    notes,
                },
            )
    }

    proptest! {
        #[test]
        fn any_valid_contact_reads_back_exactly_as_written(contact in contact()) {
            let mut doc = AutoCommit::new();
            write_contact(&mut doc, &contact)?;
            let loaded = AutoCommit::load(&doc.save())?;
            prop_assert_eq!(Contact::from_doc(&loaded)?, contact);
        }

        #[test]
        fn any_valid_session_reads_back_exactly_as_written(session in session()) {
            let mut doc = AutoCommit::new();
            write_session(&mut doc, &session)?;
            prop_assert_eq!(Session::from_doc(&doc)?, session);
        }

        #[test]
        fn any_valid_visit_reads_back_exactly_as_written(visit in visit()) {
            let mut doc = AutoCommit::new();
            write_visit(&mut doc, &visit)?;
            prop_assert_eq!(Visit::from_doc(&doc)?, visit);
        }
    }
}
