//! The fields every record document has: `type`, `schema`, `id`,
//! `agency_id`, `created_by`, `created_at`.

use automerge::ReadDoc;

use crate::ids::{AgencyId, DocumentId, UserId};
use crate::read::{self, MapRef};
use crate::record_type::RecordType;
use crate::validation::{quoted, ValidationError};

/// The schema version this code writes. Readers accept any version ≥ 1.
pub const SCHEMA_VERSION: u32 = 1;

/// The common fields of a record (its `type` is given by the record's enum
/// variant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Common {
    /// The schema version the document was written with, ≥ 1.
    pub schema: u32,
    /// The document id, equal to the id the sync protocol uses.
    pub id: DocumentId,
    /// The agency of the device that created the record.
    pub agency_id: AgencyId,
    /// The user who created the record.
    pub created_by: UserId,
    /// When the record was created, a UTC `datetime`.
    pub created_at: String,
}

impl Common {
    /// The common fields of a document whose `type` must be `expected`.
    pub fn from_doc(doc: &impl ReadDoc, expected: RecordType) -> Result<Self, ValidationError> {
        let found = record_type(doc)?;
        if found != expected {
            return Err(ValidationError::new(
                "type",
                format!("expected {expected}, got {found}"),
            ));
        }
        let root = MapRef::root();
        Ok(Self {
            schema: schema_version(doc)?,
            id: read::required_uuid(doc, &root, "id")?,
            agency_id: read::required_uuid(doc, &root, "agency_id")?,
            created_by: read::required_uuid(doc, &root, "created_by")?,
            created_at: read::required_datetime(doc, &root, "created_at")?,
        })
    }
}

/// The `type` of a record document.
pub fn record_type(doc: &impl ReadDoc) -> Result<RecordType, ValidationError> {
    let name = read::required_str(doc, &MapRef::root(), "type")?;
    name.parse().map_err(|_| {
        ValidationError::new(
            "type",
            format!("expected one of contact, session, visit, got {}", quoted(&name)),
        )
    })
}

/// The `schema` version of a record document: any version ≥ 1 is read, as
/// later versions only add fields.
pub fn schema_version(doc: &impl ReadDoc) -> Result<u32, ValidationError> {
    let version =
        read::optional_int(doc, &MapRef::root(), "schema")?.ok_or_else(|| ValidationError::missing("schema"))?;
    u32::try_from(version)
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| ValidationError::new("schema", format!("expected a version of at least 1, got {version}")))
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn common_doc() -> Result<(AutoCommit, Common), automerge::AutomergeError> {
        let common = Common {
            schema: 1,
            id: DocumentId::random(),
            agency_id: AgencyId::random(),
            created_by: UserId::random(),
            created_at: "2026-11-29T10:15:00Z".to_owned(),
        };
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "type", "visit")?;
        doc.put(ROOT, "schema", 1_i64)?;
        doc.put(ROOT, "id", common.id.to_string())?;
        doc.put(ROOT, "agency_id", common.agency_id.to_string())?;
        doc.put(ROOT, "created_by", common.created_by.to_string())?;
        doc.put(ROOT, "created_at", common.created_at.as_str())?;
        Ok((doc, common))
    }

    #[test]
    fn the_common_fields_are_read_from_the_root() -> TestResult {
        let (doc, common) = common_doc()?;
        assert_eq!(Common::from_doc(&doc, RecordType::Visit)?, common);
        Ok(())
    }

    #[test]
    fn a_document_of_another_type_is_refused() -> TestResult {
        let (doc, _) = common_doc()?;
        let error = Common::from_doc(&doc, RecordType::Contact).expect_err("a visit");
        assert_eq!(error.to_string(), "type: expected contact, got visit");
        Ok(())
    }

    #[test]
    fn an_unknown_type_is_refused() -> TestResult {
        let (mut doc, _) = common_doc()?;
        doc.put(ROOT, "type", "meeting")?;
        assert_eq!(record_type(&doc).expect_err("unknown").path, "type");
        doc.delete(ROOT, "type")?;
        assert_eq!(
            record_type(&doc).expect_err("missing").problem,
            "required field is missing"
        );
        Ok(())
    }

    #[test]
    fn a_missing_or_zero_schema_version_is_refused() -> TestResult {
        let (mut doc, _) = common_doc()?;
        doc.put(ROOT, "schema", 0_i64)?;
        assert_eq!(schema_version(&doc).expect_err("zero").path, "schema");
        doc.put(ROOT, "schema", -3_i64)?;
        assert_eq!(schema_version(&doc).expect_err("negative").path, "schema");
        doc.delete(ROOT, "schema")?;
        assert_eq!(schema_version(&doc).expect_err("missing").path, "schema");
        Ok(())
    }

    #[test]
    fn a_later_schema_version_is_read() -> TestResult {
        let (mut doc, _) = common_doc()?;
        doc.put(ROOT, "schema", 2_i64)?;
        assert_eq!(Common::from_doc(&doc, RecordType::Visit)?.schema, 2);
        Ok(())
    }

    #[test]
    fn each_missing_or_malformed_common_field_is_named() -> TestResult {
        for (key, bad) in [
            ("id", "x"),
            ("agency_id", "12"),
            ("created_by", ""),
            ("created_at", "yesterday"),
        ] {
            let (mut doc, _) = common_doc()?;
            doc.put(ROOT, key, bad)?;
            assert_eq!(
                Common::from_doc(&doc, RecordType::Visit).expect_err("malformed").path,
                key
            );
            doc.delete(ROOT, key)?;
            assert_eq!(
                Common::from_doc(&doc, RecordType::Visit).expect_err("missing").path,
                key
            );
        }
        Ok(())
    }
}
