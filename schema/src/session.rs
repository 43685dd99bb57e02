//! A session at the agency and who attended it (`docs/records.md`,
//! "session").
//!
//! Attendance is a map keyed by contact id, so two agents marking different
//! people never touch the same key; the same person marked twice resolves to
//! one status, the other staying visible as a conflict.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use automerge::ReadDoc;

use crate::common::Common;
use crate::datetime::compare_datetimes;
use crate::ids::{DocumentId, UserId};
use crate::read::{self, MapRef};
use crate::record_type::RecordType;
use crate::validation::{quoted, ValidationError};
use crate::vocabulary::{AttendanceStatus, SessionKind};

/// A session record, every field of `docs/records.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The fields every record has (the session's agency is `common.agency_id`).
    pub common: Common,
    /// Information, accompaniment or workshop.
    pub kind: SessionKind,
    /// What the session is about.
    pub topic: String,
    /// When it starts, a UTC `datetime`.
    pub starts_at: String,
    /// When it ends, not before `starts_at`.
    pub ends_at: Option<String>,
    /// Where it takes place.
    pub place: Option<String>,
    /// Who runs it: user ids or names.
    pub facilitators: BTreeSet<String>,
    /// Who was marked, ordered by contact id.
    pub attendance: Vec<Attendance>,
    /// Free notes.
    pub notes: Option<String>,
}

/// The attendance mark of one contact (`attendance.<contact_id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// The contact marked (the key in the `attendance` map).
    pub contact_id: DocumentId,
    /// Present, absent or excused.
    pub status: AttendanceStatus,
    /// The user who marked it.
    pub by: Option<UserId>,
    /// When it was marked, a UTC `datetime`.
    pub at: Option<String>,
}

impl Session {
    /// The session a document holds, or the first field that breaks the layout.
    pub fn from_doc(doc: &impl ReadDoc) -> Result<Self, ValidationError> {
        let common = Common::from_doc(doc, RecordType::Session)?;
        let root = MapRef::root();
        let starts_at = read::required_datetime(doc, &root, "starts_at")?;
        let ends_at = read::optional_datetime(doc, &root, "ends_at")?;
        if let Some(ends_at) = &ends_at {
            if compare_datetimes(ends_at, &starts_at) == Some(Ordering::Less) {
                return Err(ValidationError::new("ends_at", "must not be before starts_at"));
            }
        }
        Ok(Self {
            common,
            kind: read::required_enum(doc, &root, "kind")?,
            topic: read::required_str(doc, &root, "topic")?,
            starts_at,
            ends_at,
            place: read::optional_str(doc, &root, "place")?,
            facilitators: read::set(doc, &root, "facilitators")?.into_iter().collect(),
            attendance: attendance(doc, &root)?,
            notes: read::optional_text(doc, &root, "notes")?,
        })
    }
}

fn attendance(doc: &impl ReadDoc, root: &MapRef) -> Result<Vec<Attendance>, ValidationError> {
    let Some(map) = read::optional_map(doc, root, "attendance")? else {
        return Ok(Vec::new());
    };
    let mut marks = Vec::new();
    for key in doc.keys(map.id()) {
        let path = map.field_path(&key);
        let contact_id = read::parse_uuid(&key).ok_or_else(|| {
            ValidationError::new(
                path,
                format!("expected a contact id (uuid) as key, got {}", quoted(&key)),
            )
        })?;
        // A key holding null is an unmarked contact.
        if let Some(entry) = read::optional_map(doc, &map, &key)? {
            marks.push(Attendance::from_map(doc, contact_id, &entry)?);
        }
    }
    marks.sort_by_key(|mark| mark.contact_id);
    Ok(marks)
}

impl Attendance {
    /// The mark of `contact_id` held by the map `map`.
    pub fn from_map(doc: &impl ReadDoc, contact_id: DocumentId, map: &MapRef) -> Result<Self, ValidationError> {
        Ok(Self {
            contact_id,
            status: read::required_enum(doc, map, "status")?,
            by: read::optional_uuid(doc, map, "by")?,
            at: read::optional_datetime(doc, map, "at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, ROOT};

    use super::*;
    use crate::fixtures::{self, TestResult};
    use crate::write::{mark_attendance, write_session};

    type Edit = fn(&mut AutoCommit) -> TestResult;

    fn written(session: &Session) -> Result<AutoCommit, automerge::AutomergeError> {
        let mut doc = fixtures::doc_with_actor(1);
        write_session(&mut doc, session)?;
        Ok(doc)
    }

    fn attendance_map(doc: &AutoCommit) -> Result<ObjId, Box<dyn std::error::Error>> {
        match doc.get(ROOT, "attendance")? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err("no attendance map".into()),
        }
    }

    fn first_entry(doc: &AutoCommit) -> Result<ObjId, Box<dyn std::error::Error>> {
        let attendance = attendance_map(doc)?;
        let key = doc.keys(&attendance).next().ok_or("no entry")?;
        match doc.get(&attendance, key)? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err("entry is not a map".into()),
        }
    }

    fn mark(contact_id: DocumentId, status: AttendanceStatus, by: UserId) -> Attendance {
        Attendance {
            contact_id,
            status,
            by: Some(by),
            at: Some("2026-12-02T09:10:00Z".to_owned()),
        }
    }

    #[test]
    fn a_session_with_every_field_reads_back_as_written() -> TestResult {
        let session = fixtures::session();
        let doc = written(&session)?;
        assert_eq!(Session::from_doc(&doc)?, session);
        Ok(())
    }

    #[test]
    fn a_session_without_an_end_or_attendance_reads_back_as_written() -> TestResult {
        let session = Session {
            ends_at: None,
            place: None,
            attendance: Vec::new(),
            notes: None,
            ..fixtures::session()
        };
        let doc = written(&session)?;
        assert_eq!(Session::from_doc(&doc)?, session);
        Ok(())
    }

    #[test]
    fn an_end_equal_to_the_start_is_accepted_and_one_before_it_refused() -> TestResult {
        let mut session = fixtures::session();
        session.ends_at = Some("2026-12-02T09:00:00.000Z".to_owned());
        assert!(Session::from_doc(&written(&session)?).is_ok());
        session.ends_at = Some("2026-12-02T08:59:59.999Z".to_owned());
        let error = Session::from_doc(&written(&session)?).expect_err("ends before it starts");
        assert_eq!(error.to_string(), "ends_at: must not be before starts_at");
        Ok(())
    }

    #[test]
    fn each_invalid_field_is_reported_with_its_path() -> TestResult {
        let cases: Vec<(&str, Edit)> = vec![
            ("type", |doc| Ok(doc.put(ROOT, "type", "contact")?)),
            ("kind", |doc| Ok(doc.delete(ROOT, "kind")?)),
            ("kind", |doc| Ok(doc.put(ROOT, "kind", "party")?)),
            ("topic", |doc| Ok(doc.delete(ROOT, "topic")?)),
            ("starts_at", |doc| Ok(doc.delete(ROOT, "starts_at")?)),
            ("starts_at", |doc| Ok(doc.put(ROOT, "starts_at", "2026-12-02")?)),
            ("ends_at", |doc| Ok(doc.put(ROOT, "ends_at", "2026-12-02T25:00:00Z")?)),
            ("place", |doc| Ok(doc.put(ROOT, "place", 2_i64)?)),
            ("facilitators", |doc| Ok(doc.put(ROOT, "facilitators", "Mme Benali")?)),
            ("attendance", |doc| {
                Ok(doc.put_object(ROOT, "attendance", ObjType::List).map(drop)?)
            }),
            ("attendance.karim", |doc| {
                let attendance = attendance_map(doc)?;
                let entry = doc.put_object(attendance, "karim", ObjType::Map)?;
                Ok(doc.put(entry, "status", "present")?)
            }),
            ("attendance.*.status", |doc| {
                Ok(doc.put(first_entry(doc)?, "status", "late")?)
            }),
            (
                "attendance.*.status",
                |doc| Ok(doc.delete(first_entry(doc)?, "status")?),
            ),
            ("attendance.*.by", |doc| {
                Ok(doc.put(first_entry(doc)?, "by", "someone")?)
            }),
            ("attendance.*.at", |doc| Ok(doc.put(first_entry(doc)?, "at", "9h10")?)),
            ("notes", |doc| Ok(doc.put(ROOT, "notes", false)?)),
        ];
        for (path, edit) in cases {
            let session = fixtures::session();
            let mut doc = written(&session)?;
            edit(&mut doc)?;
            let first_contact = session.attendance[0].contact_id.to_string();
            let expected = path.replace('*', &first_contact);
            let error = Session::from_doc(&doc).expect_err(path);
            assert_eq!(error.path, expected, "{error}");
        }
        Ok(())
    }

    #[test]
    fn two_agents_marking_different_contacts_keep_both_marks() -> TestResult {
        let session = Session {
            attendance: Vec::new(),
            ..fixtures::session()
        };
        let mut phone_a = written(&session)?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);
        let (karim, amina) = (DocumentId::random(), DocumentId::random());
        let (agent_a, agent_b) = (UserId::random(), UserId::random());

        mark_attendance(&mut phone_a, &mark(karim, AttendanceStatus::Present, agent_a))?;
        mark_attendance(&mut phone_b, &mark(amina, AttendanceStatus::Absent, agent_b))?;
        phone_a.merge(&mut phone_b)?;

        let mut expected = vec![
            mark(karim, AttendanceStatus::Present, agent_a),
            mark(amina, AttendanceStatus::Absent, agent_b),
        ];
        expected.sort_by_key(|m| m.contact_id);
        assert_eq!(Session::from_doc(&phone_a)?.attendance, expected);
        Ok(())
    }

    #[test]
    fn the_same_contact_marked_on_two_phones_resolves_to_one_status_everywhere() -> TestResult {
        let session = Session {
            attendance: Vec::new(),
            ..fixtures::session()
        };
        let mut phone_a = written(&session)?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);
        let karim = DocumentId::random();

        mark_attendance(&mut phone_a, &mark(karim, AttendanceStatus::Present, UserId::random()))?;
        mark_attendance(&mut phone_b, &mark(karim, AttendanceStatus::Excused, UserId::random()))?;
        phone_a.merge(&mut phone_b)?;
        phone_b.merge(&mut phone_a)?;

        let on_a = Session::from_doc(&phone_a)?.attendance;
        let on_b = Session::from_doc(&phone_b)?.attendance;
        assert_eq!(on_a.len(), 1);
        assert_eq!(on_a, on_b);
        Ok(())
    }
}
