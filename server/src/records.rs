//! Building record documents the way a phone does, for the demo seeder, the
//! device simulator and the tests.

use std::collections::BTreeSet;

use automerge::AutoCommit;
use relais_schema::write;
use relais_schema::{
    AgencyId, Attendance, AttendanceStatus, Common, Consent, ConsentScope, Contact, DocumentId, Interest, RecordType,
    Session, SessionKind, UserId, Visit, SCHEMA_VERSION,
};
use relais_sync::device::{Device, DeviceError};

/// Who writes: the phone's user and agency.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    /// The user.
    pub user: UserId,
    /// The agency.
    pub agency: AgencyId,
}

fn common(author: Author, id: DocumentId, at: &str) -> Common {
    Common {
        schema: SCHEMA_VERSION,
        id,
        agency_id: author.agency,
        created_by: author.user,
        created_at: at.to_string(),
    }
}

/// A contact with a name, consent given, and nothing else filled.
pub fn blank_contact(author: Author, id: DocumentId, at: &str, given: &str, family: &str) -> Contact {
    Contact {
        common: common(author, id, at),
        given_name: Some(given.to_string()),
        family_name: Some(family.to_string()),
        alias: None,
        sex: None,
        birth_year: None,
        age_band: None,
        nationality: None,
        status: None,
        phone: None,
        languages: BTreeSet::new(),
        neighbourhood: None,
        city: None,
        education: None,
        skills: None,
        interests: BTreeSet::new(),
        consent: Consent {
            given: true,
            at: Some(at.to_string()),
            by: Some(author.user),
            scope: [ConsentScope::Record, ConsentScope::CallBack].into(),
        },
        stage: None,
        follow_ups: Vec::new(),
        notes: None,
        merged_into: None,
    }
}

/// A session with no attendance yet.
pub fn blank_session(author: Author, id: DocumentId, at: &str, topic: &str) -> Session {
    Session {
        common: common(author, id, at),
        kind: SessionKind::Information,
        topic: topic.to_string(),
        starts_at: at.to_string(),
        ends_at: None,
        place: None,
        facilitators: BTreeSet::new(),
        attendance: Vec::new(),
        notes: None,
    }
}

/// A visit with nobody reached yet.
pub fn blank_visit(author: Author, id: DocumentId, at: &str, neighbourhood: &str) -> Visit {
    Visit {
        common: common(author, id, at),
        date: at.get(..10).unwrap_or("2026-11-29").to_string(),
        agents: [author.user].into(),
        neighbourhood: neighbourhood.to_string(),
        place: None,
        reached: 0,
        women_reached: 0,
        topics: [Interest::JobSearch].into(),
        notes: None,
    }
}

/// Create a contact on `device`, shaped by `fill` before it is written.
pub fn create_contact(
    device: &mut Device,
    author: Author,
    at: &str,
    given: &str,
    family: &str,
    fill: impl FnOnce(&mut Contact),
) -> Result<DocumentId, DeviceError> {
    device.create(RecordType::Contact, |doc: &mut AutoCommit, id| {
        let mut contact = blank_contact(author, id, at, given, family);
        fill(&mut contact);
        write::write_contact(doc, &contact)
    })
}

/// Create a session on `device`.
pub fn create_session(device: &mut Device, author: Author, at: &str, topic: &str) -> Result<DocumentId, DeviceError> {
    device.create(RecordType::Session, |doc: &mut AutoCommit, id| {
        write::write_session(doc, &blank_session(author, id, at, topic))
    })
}

/// Create a visit on `device`.
pub fn create_visit(
    device: &mut Device,
    author: Author,
    at: &str,
    neighbourhood: &str,
) -> Result<DocumentId, DeviceError> {
    device.create(RecordType::Visit, |doc: &mut AutoCommit, id| {
        write::write_visit(doc, &blank_visit(author, id, at, neighbourhood))
    })
}

/// Set one string field of a document.
pub fn set_field(device: &mut Device, id: DocumentId, field: &str, value: &str) -> Result<(), DeviceError> {
    device.edit(id, |doc| write::set_str(doc, field, value))
}

/// Mark a contact's attendance at a session.
pub fn mark(
    device: &mut Device,
    author: Author,
    session: DocumentId,
    contact: DocumentId,
    status: AttendanceStatus,
    at: &str,
) -> Result<(), DeviceError> {
    device.edit(session, |doc| {
        write::mark_attendance(
            doc,
            &Attendance {
                contact_id: contact,
                status,
                by: Some(author.user),
                at: Some(at.to_string()),
            },
        )
    })
}
