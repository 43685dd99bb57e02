//! Any record document, read according to its `type`.
//!
//! ```
//! use automerge::AutoCommit;
//! use relais_schema::{write, Record, RecordType};
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
//! #     reached: 12,
//! #     women_reached: 5,
//! #     topics: Default::default(),
//! #     notes: None,
//! # };
//!
//! let mut doc = AutoCommit::new();
//! write::write_visit(&mut doc, &visit)?;
//! let record = Record::from_doc(&doc)?;
//! assert_eq!(record.record_type(), RecordType::Visit);
//! assert_eq!(record.common().id, visit.common.id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cached_doc;

use automerge::ReadDoc;

use self::cached_doc::CachedDoc;
use crate::common::{record_type, Common};
use crate::contact::Contact;
use crate::record_type::RecordType;
use crate::session::Session;
use crate::validation::ValidationError;
use crate::visit::Visit;

/// A valid record document of any type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A person met by an agent.
    Contact(Contact),
    /// A session at the agency.
    Session(Session),
    /// An outreach visit.
    Visit(Visit),
}

impl Record {
    /// The record a document holds, read according to its `type`.
    pub fn from_doc(doc: &impl ReadDoc) -> Result<Self, ValidationError> {
        // Each map of the document is read in one pass rather than key by key.
        let doc = &CachedDoc::new(doc);
        match record_type(doc)? {
            RecordType::Contact => Contact::from_doc(doc).map(Record::Contact),
            RecordType::Session => Session::from_doc(doc).map(Record::Session),
            RecordType::Visit => Visit::from_doc(doc).map(Record::Visit),
        }
    }

    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        match self {
            Record::Contact(_) => RecordType::Contact,
            Record::Session(_) => RecordType::Session,
            Record::Visit(_) => RecordType::Visit,
        }
    }

    /// The fields every record has.
    pub fn common(&self) -> &Common {
        match self {
            Record::Contact(contact) => &contact.common,
            Record::Session(session) => &session.common,
            Record::Visit(visit) => &visit.common,
        }
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    use super::*;
    use crate::fixtures::{self, TestResult};
    use crate::write::{write_contact, write_session, write_visit};

    #[test]
    fn each_record_type_is_read_according_to_its_type_key() -> TestResult {
        let contact = fixtures::full_contact()?;
        let session = fixtures::session();
        let visit = fixtures::visit();
        let (mut a, mut b, mut c) = (AutoCommit::new(), AutoCommit::new(), AutoCommit::new());
        write_contact(&mut a, &contact)?;
        write_session(&mut b, &session)?;
        write_visit(&mut c, &visit)?;

        assert_eq!(Record::from_doc(&a)?, Record::Contact(contact.clone()));
        assert_eq!(Record::from_doc(&b)?, Record::Session(session.clone()));
        assert_eq!(Record::from_doc(&c)?, Record::Visit(visit.clone()));
        assert_eq!(Record::from_doc(&b)?.record_type(), RecordType::Session);
        assert_eq!(Record::from_doc(&c)?.common(), &visit.common);
        Ok(())
    }

    #[test]
    fn an_unknown_or_missing_type_is_refused_at_the_type_key() -> TestResult {
        let mut doc = AutoCommit::new();
        write_visit(&mut doc, &fixtures::visit())?;
        doc.put(ROOT, "type", "meeting")?;
        assert_eq!(
            Record::from_doc(&doc).expect_err("unknown type").to_string(),
            "type: expected one of contact, session, visit, got \"meeting\""
        );
        doc.delete(ROOT, "type")?;
        assert_eq!(Record::from_doc(&doc).expect_err("no type").path, "type");
        Ok(())
    }

    #[test]
    fn an_empty_document_is_refused() {
        assert_eq!(Record::from_doc(&AutoCommit::new()).expect_err("empty").path, "type");
    }
}
