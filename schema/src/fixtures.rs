//! Records and documents shared by the unit tests.

use std::collections::BTreeSet;

use automerge::{ActorId, AutoCommit};

use crate::common::Common;
use crate::contact::{Consent, Contact, FollowUp};
use crate::ids::{AgencyId, DocumentId, FollowUpId, UserId};
use crate::session::{Attendance, Session};
use crate::visit::Visit;
use crate::vocabulary::{
    AgeBand, AttendanceStatus, ConsentScope, Education, FollowUpKind, Interest, MigrationStatus, SessionKind, Sex,
    Stage,
};

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

pub(crate) fn common() -> Common {
    Common {
        schema: 1,
        id: DocumentId::random(),
        agency_id: AgencyId::random(),
        created_by: UserId::random(),
        created_at: "2026-11-29T10:15:00Z".to_owned(),
    }
}

/// A contact with every field filled.
pub(crate) fn full_contact() -> Result<Contact, Box<dyn std::error::Error>> {
    let agent = UserId::random();
    Ok(Contact {
        common: common(),
        given_name: Some("Amina".to_owned()),
        family_name: Some("Diallo".to_owned()),
        alias: Some("Mina".to_owned()),
        sex: Some(Sex::Female),
        birth_year: Some(1994),
        age_band: Some(AgeBand::From26To35),
        nationality: Some("ML".parse()?),
        status: Some(MigrationStatus::AsylumSeeker),
        phone: Some("+33 6 12 34 56 78".parse()?),
        languages: ["ff", "fr", "bm"].map(String::from).into(),
        neighbourhood: Some("La Duchère".to_owned()),
        city: Some("Lyon".to_owned()),
        education: Some(Education::Secondary),
        skills: Some("couture, cuisine".to_owned()),
        interests: [Interest::VocationalTraining, Interest::SelfEmployment].into(),
        consent: Consent {
            given: true,
            at: Some("2026-11-29T10:16:00Z".to_owned()),
            by: Some(agent),
            scope: [ConsentScope::Record, ConsentScope::CallBack].into(),
        },
        stage: Some(Stage::Informed),
        follow_ups: vec![
            FollowUp {
                id: FollowUpId::random(),
                at: "2026-12-01".to_owned(),
                kind: FollowUpKind::Call,
                note: Some("rappeler lundi".to_owned()),
                by: Some(agent),
            },
            FollowUp {
                id: FollowUpId::random(),
                at: "2026-12-08".to_owned(),
                kind: FollowUpKind::Meeting,
                note: None,
                by: None,
            },
        ],
        notes: Some("préfère être appelée le matin".to_owned()),
        merged_into: None,
    })
}

/// A contact with only the required fields.
pub(crate) fn minimal_contact() -> Contact {
    Contact {
        common: common(),
        given_name: None,
        family_name: None,
        alias: Some("Abu Karim".to_owned()),
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
            given: false,
            at: None,
            by: None,
            scope: BTreeSet::new(),
        },
        stage: None,
        follow_ups: Vec::new(),
        notes: None,
        merged_into: None,
    }
}

pub(crate) fn session() -> Session {
    let agent = UserId::random();
    let mut attendance = vec![
        Attendance {
            contact_id: DocumentId::random(),
            status: AttendanceStatus::Present,
            by: Some(agent),
            at: Some("2026-12-02T09:05:00Z".to_owned()),
        },
        Attendance {
            contact_id: DocumentId::random(),
            status: AttendanceStatus::Excused,
            by: None,
            at: None,
        },
    ];
    attendance.sort_by_key(|mark| mark.contact_id);
    Session {
        common: common(),
        kind: SessionKind::Information,
        topic: "Formations du bâtiment".to_owned(),
        starts_at: "2026-12-02T09:00:00Z".to_owned(),
        ends_at: Some("2026-12-02T11:00:00Z".to_owned()),
        place: Some("Agence Lyon Nord, salle 2".to_owned()),
        facilitators: [agent.to_string(), "Mme Benali".to_owned()].into(),
        attendance,
        notes: Some("apporter les plaquettes".to_owned()),
    }
}

pub(crate) fn visit() -> Visit {
    Visit {
        common: common(),
        date: "2026-11-29".to_owned(),
        agents: [UserId::random(), UserId::random()].into(),
        neighbourhood: "La Duchère".to_owned(),
        place: Some("marché du samedi".to_owned()),
        reached: 14,
        women_reached: 6,
        topics: [Interest::JobSearch, Interest::Other].into(),
        notes: Some("beaucoup de questions sur le permis".to_owned()),
    }
}

/// A document with a fixed actor, so that tests of conflicts are deterministic.
pub(crate) fn doc_with_actor(byte: u8) -> AutoCommit {
    AutoCommit::new().with_actor(ActorId::from([byte; 16]))
}

/// A copy of `doc` edited by another device (actor `[byte; 16]`).
pub(crate) fn fork_with_actor(doc: &mut AutoCommit, byte: u8) -> AutoCommit {
    doc.fork().with_actor(ActorId::from([byte; 16]))
}
