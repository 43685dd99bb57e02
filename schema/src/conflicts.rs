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
    // One actor's changes are totally ordered (each follows its predecessor),
    // so a document written by one actor has no concurrent values: skip the
    // walk, which costs as much as reading the record.
    if doc.stats().num_actors < 2 {
        return Vec::new();
    }
    let mut found = Conflicts { doc, list: Vec::new() };
    found.in_map(&ROOT, "", MapAs::Contents);
    if let Some(consent) = winning_object(doc, &ROOT, "consent", ObjType::Map) {
        found.in_map(&consent, "consent", MapAs::Contents);
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
            found.in_map(&item, &format!("follow_ups[{name}]"), MapAs::Contents);
        }
    }
    if let Some(attendance) = winning_object(doc, &ROOT, "attendance", ObjType::Map) {
        found.in_map(&attendance, "attendance", MapAs::Status);
        for contact in doc.keys(&attendance) {
            if let Some(entry) = winning_object(doc, &attendance, &contact, ObjType::Map) {
                found.in_map(&entry, &format!("attendance.{contact}"), MapAs::Contents);
            }
        }
    }
    let mut conflicts = found.list;
    conflicts.sort_by(|a, b| a.field.cmp(&b.field));
    conflicts
}

/// The conflicts found so far in a document.
struct Conflicts<'d, D> {
    doc: &'d D,
    list: Vec<FieldConflict>,
}

impl<D: ReadDoc> Conflicts<'_, D> {
    /// Looks for conflicts in every key of the map `obj` found at `path`.
    fn in_map(&mut self, obj: &ObjId, path: &str, map_as: MapAs) {
        // One pass over the map says which keys hold several values; only
        // those are read again with `get_all`.
        let conflicting: Vec<String> = self
            .doc
            .map_range(obj, ..)
            .filter(|item| item.conflict)
            .map(|item| item.key.into_owned())
            .collect();
        for key in conflicting {
            let field = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            self.at_key(obj, &key, field, map_as);
        }
    }

    fn at_key(&mut self, obj: &ObjId, key: &str, field: String, map_as: MapAs) {
        let doc = self.doc;
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
        self.list.push(FieldConflict { field, values });
    }
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
    let is_set = entries.iter().all(|(_, v)| matches!(v, Some(ScalarValue::Boolean(_))));
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

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::AutoCommit;

    use super::*;
    use crate::contact::{Consent, Contact, FollowUp};
    use crate::fixtures::{self, TestResult};
    use crate::ids::{DocumentId, FollowUpId, UserId};
    use crate::session::{Attendance, Session};
    use crate::vocabulary::{AttendanceStatus, FollowUpKind};
    use crate::write::{add_follow_up, mark_attendance, set_consent, set_str, set_text, write_contact, write_session};

    fn actor(byte: u8) -> ActorId {
        ActorId::from([byte; 16])
    }

    /// A contact document on two phones (actors 1 and 2).
    fn contact_on_two_phones(contact: &Contact) -> Result<(AutoCommit, AutoCommit), automerge::AutomergeError> {
        let mut phone_a = fixtures::doc_with_actor(1);
        write_contact(&mut phone_a, contact)?;
        let phone_b = fixtures::fork_with_actor(&mut phone_a, 2);
        Ok((phone_a, phone_b))
    }

    fn exactly_one_winner(conflict: &FieldConflict) -> Result<&ConflictValue, Box<dyn std::error::Error>> {
        let winners: Vec<&ConflictValue> = conflict.values.iter().filter(|v| v.winner).collect();
        match winners.as_slice() {
            [winner] => Ok(winner),
            _ => Err(format!("{} winners in {conflict:?}", winners.len()).into()),
        }
    }

    #[test]
    fn a_freshly_written_record_has_no_conflicts() -> TestResult {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &fixtures::full_contact()?)?;
        set_str(&mut doc, "city", "Villeurbanne")?;
        assert_eq!(field_conflicts(&doc), vec![]);
        Ok(())
    }

    #[test]
    fn concurrent_edits_of_a_field_leave_one_winner_which_is_what_the_record_reads() -> TestResult {
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&fixtures::full_contact()?)?;

        set_str(&mut phone_a, "family_name", "Diallo-Sow")?;
        set_str(&mut phone_b, "family_name", "Sow")?;
        phone_a.merge(&mut phone_b)?;

        let conflicts = field_conflicts(&phone_a);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "family_name");
        let winner = exactly_one_winner(&conflicts[0])?;
        assert_eq!(
            Contact::from_doc(&phone_a)?.family_name.as_deref(),
            Some(winner.value.as_str())
        );
        let mut actors: Vec<&ActorId> = conflicts[0].values.iter().map(|v| &v.actor).collect();
        actors.sort();
        assert_eq!(actors, vec![&actor(1), &actor(2)]);
        let mut values: Vec<&str> = conflicts[0].values.iter().map(|v| v.value.as_str()).collect();
        values.sort();
        assert_eq!(values, vec!["Diallo-Sow", "Sow"]);
        Ok(())
    }

    #[test]
    fn every_replica_reports_the_same_conflicts_in_the_same_order() -> TestResult {
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&fixtures::full_contact()?)?;
        set_str(&mut phone_a, "city", "Lyon 9e")?;
        set_str(&mut phone_b, "city", "Vaulx-en-Velin")?;
        set_str(&mut phone_a, "alias", "Mina D.")?;
        set_str(&mut phone_b, "alias", "Minou")?;

        phone_a.merge(&mut phone_b)?;
        phone_b.merge(&mut phone_a)?;

        let on_a = field_conflicts(&phone_a);
        assert_eq!(on_a, field_conflicts(&phone_b));
        let fields: Vec<&str> = on_a.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec!["alias", "city"]);
        for conflict in &on_a {
            assert!(conflict.values[0].winner, "winner first in {conflict:?}");
        }
        Ok(())
    }

    #[test]
    fn writing_the_field_again_resolves_the_conflict() -> TestResult {
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&fixtures::full_contact()?)?;
        set_str(&mut phone_a, "city", "Lyon")?;
        set_str(&mut phone_b, "city", "Bron")?;
        phone_a.merge(&mut phone_b)?;

        set_str(&mut phone_a, "city", "Bron")?;

        assert_eq!(field_conflicts(&phone_a), vec![]);
        Ok(())
    }

    #[test]
    fn the_same_value_set_on_two_phones_is_not_a_conflict() -> TestResult {
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&fixtures::full_contact()?)?;
        set_str(&mut phone_a, "stage", "registered")?;
        set_str(&mut phone_b, "stage", "registered")?;
        phone_a.merge(&mut phone_b)?;
        assert_eq!(field_conflicts(&phone_a), vec![]);
        Ok(())
    }

    #[test]
    fn a_consent_field_conflict_is_named_under_consent() -> TestResult {
        let contact = fixtures::full_contact()?;
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&contact)?;
        let withdrawn = Consent {
            given: false,
            at: Some("2026-11-30T08:00:00Z".to_owned()),
            ..contact.consent.clone()
        };
        let confirmed = Consent {
            at: Some("2026-11-30T09:30:00Z".to_owned()),
            ..contact.consent
        };

        set_consent(&mut phone_a, &withdrawn)?;
        set_consent(&mut phone_b, &confirmed)?;
        phone_a.merge(&mut phone_b)?;

        let conflicts = field_conflicts(&phone_a);
        let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec!["consent.at"]);
        let winner = exactly_one_winner(&conflicts[0])?;
        let read = Contact::from_doc(&phone_a)?.consent;
        assert_eq!(read.at.as_deref(), Some(winner.value.as_str()));
        // Only one phone changed `given`, so its change stands without a conflict.
        assert!(!read.given);
        Ok(())
    }

    #[test]
    fn a_follow_up_field_conflict_is_named_by_the_follow_up_id() -> TestResult {
        let contact = fixtures::full_contact()?;
        let id = contact.follow_ups[0].id;
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&contact)?;
        let item = |doc: &AutoCommit| -> Result<ObjId, Box<dyn std::error::Error>> {
            let Some((_, list)) = doc.get(ROOT, "follow_ups")? else {
                return Err("no list".into());
            };
            let Some((_, item)) = doc.get(&list, 0)? else {
                return Err("no item".into());
            };
            Ok(item)
        };
        let item_a = item(&phone_a)?;
        phone_a.put(&item_a, "kind", "visit")?;
        let item_b = item(&phone_b)?;
        phone_b.put(&item_b, "kind", "message")?;
        phone_a.merge(&mut phone_b)?;

        let conflicts = field_conflicts(&phone_a);

        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, format!("follow_ups[{id}].kind"));
        let winner = exactly_one_winner(&conflicts[0])?;
        assert_eq!(Contact::from_doc(&phone_a)?.follow_ups[0].kind.as_str(), winner.value);
        Ok(())
    }

    #[test]
    fn follow_ups_appended_on_two_phones_are_both_kept_without_conflict() -> TestResult {
        let contact = fixtures::minimal_contact();
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&contact)?;
        let call = FollowUp {
            id: FollowUpId::random(),
            at: "2026-12-01".to_owned(),
            kind: FollowUpKind::Call,
            note: Some("pas de réponse".to_owned()),
            by: Some(UserId::random()),
        };
        let meeting = FollowUp {
            id: FollowUpId::random(),
            kind: FollowUpKind::Meeting,
            note: None,
            ..call.clone()
        };

        add_follow_up(&mut phone_a, &call)?;
        add_follow_up(&mut phone_b, &meeting)?;
        phone_a.merge(&mut phone_b)?;

        let mut ids: Vec<FollowUpId> = Contact::from_doc(&phone_a)?.follow_ups.iter().map(|f| f.id).collect();
        ids.sort();
        let mut expected = vec![call.id, meeting.id];
        expected.sort();
        assert_eq!(ids, expected);
        assert_eq!(field_conflicts(&phone_a), vec![]);
        Ok(())
    }

    #[test]
    fn text_created_on_two_phones_is_reported_by_content() -> TestResult {
        let contact = fixtures::minimal_contact();
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&contact)?;
        set_text(&mut phone_a, "notes", "cherche un CAP")?;
        set_text(&mut phone_b, "notes", "parle peul")?;
        phone_a.merge(&mut phone_b)?;

        let conflicts = field_conflicts(&phone_a);

        assert_eq!(conflicts.len(), 1);
        let winner = exactly_one_winner(&conflicts[0])?;
        assert_eq!(Contact::from_doc(&phone_a)?.notes, Some(winner.value.clone()));
        Ok(())
    }

    fn session_on_two_phones() -> Result<(AutoCommit, AutoCommit), automerge::AutomergeError> {
        let session = Session {
            attendance: Vec::new(),
            ..fixtures::session()
        };
        let mut phone_a = fixtures::doc_with_actor(1);
        write_session(&mut phone_a, &session)?;
        let phone_b = fixtures::fork_with_actor(&mut phone_a, 2);
        Ok((phone_a, phone_b))
    }

    fn mark(contact_id: DocumentId, status: AttendanceStatus) -> Attendance {
        Attendance {
            contact_id,
            status,
            by: Some(UserId::random()),
            at: Some("2026-12-02T09:10:00Z".to_owned()),
        }
    }

    #[test]
    fn an_attendance_entry_created_on_two_phones_is_reported_by_status() -> TestResult {
        let (mut phone_a, mut phone_b) = session_on_two_phones()?;
        let karim = DocumentId::random();

        mark_attendance(&mut phone_a, &mark(karim, AttendanceStatus::Present))?;
        mark_attendance(&mut phone_b, &mark(karim, AttendanceStatus::Absent))?;
        phone_a.merge(&mut phone_b)?;

        let conflicts = field_conflicts(&phone_a);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, format!("attendance.{karim}"));
        let mut statuses: Vec<&str> = conflicts[0].values.iter().map(|v| v.value.as_str()).collect();
        statuses.sort();
        assert_eq!(statuses, vec!["absent", "present"]);
        let winner = exactly_one_winner(&conflicts[0])?;
        assert_eq!(Session::from_doc(&phone_a)?.attendance[0].status.as_str(), winner.value);
        Ok(())
    }

    #[test]
    fn an_existing_attendance_mark_changed_on_two_phones_is_a_status_conflict() -> TestResult {
        let (mut phone_a, _) = session_on_two_phones()?;
        let karim = DocumentId::random();
        mark_attendance(&mut phone_a, &mark(karim, AttendanceStatus::Present))?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);

        mark_attendance(
            &mut phone_a,
            &Attendance {
                by: None,
                at: None,
                ..mark(karim, AttendanceStatus::Excused)
            },
        )?;
        mark_attendance(
            &mut phone_b,
            &Attendance {
                by: None,
                at: None,
                ..mark(karim, AttendanceStatus::Absent)
            },
        )?;
        phone_a.merge(&mut phone_b)?;

        let conflicts = field_conflicts(&phone_a);
        let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec![format!("attendance.{karim}.status")]);
        let winner = exactly_one_winner(&conflicts[0])?;
        let read = Session::from_doc(&phone_a)?;
        assert_eq!(read.attendance.len(), 1);
        assert_eq!(read.attendance[0].status.as_str(), winner.value);
        assert_eq!((read.attendance[0].by, read.attendance[0].at.as_deref()), (None, None));
        Ok(())
    }

    #[test]
    fn the_winner_is_the_value_get_returns_and_the_last_of_get_all() -> TestResult {
        let (mut phone_a, mut phone_b) = contact_on_two_phones(&fixtures::minimal_contact())?;
        set_str(&mut phone_a, "city", "Lyon")?;
        set_str(&mut phone_b, "city", "Bron")?;
        phone_a.merge(&mut phone_b)?;

        let all = phone_a.get_all(ROOT, "city")?;
        let shown = phone_a.get(ROOT, "city")?.ok_or("no city")?;
        let last = all.last().ok_or("no values")?;

        assert_eq!(last.1, shown.1);
        let conflict = &field_conflicts(&phone_a)[0];
        assert_eq!(
            exactly_one_winner(conflict)?.value,
            shown.0.as_str().ok_or("not a str")?
        );
        Ok(())
    }
}
