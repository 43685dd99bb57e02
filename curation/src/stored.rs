//! Loading a record document as stored, within the caller's agencies.

use automerge::Automerge;
use relais_schema::{AgencyId, DocumentId, RecordType};
use relais_sync::apply::load_document;
use rusqlite::{Connection, OptionalExtension};

use crate::error::CurationError;

/// A stored record document.
#[derive(Debug)]
pub struct StoredDocument {
    /// Its id.
    pub id: DocumentId,
    /// The agency it is stored under.
    pub agency: AgencyId,
    /// Its record type.
    pub doc_type: RecordType,
    /// The document, with its whole history.
    pub doc: Automerge,
}

/// The document `id` if it is stored under one of `agencies`; otherwise
/// [`CurationError::NotFound`], whether it exists elsewhere or not at all.
pub fn load_visible(conn: &Connection, id: DocumentId, agencies: &[AgencyId]) -> Result<StoredDocument, CurationError> {
    let not_found = || CurationError::NotFound(format!("record {id}"));
    let row: Option<(String, String, Vec<u8>)> = conn
        .query_row(
            "SELECT agency_id, doc_type, snapshot FROM documents WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (agency, doc_type, snapshot) = row.ok_or_else(not_found)?;
    let agency: AgencyId = agency.parse().map_err(|_| not_found())?;
    if !agencies.contains(&agency) {
        return Err(not_found());
    }
    let doc_type: RecordType = doc_type.parse().map_err(|_| not_found())?;
    Ok(StoredDocument {
        id,
        agency,
        doc_type,
        doc: load_document(id, &snapshot)?,
    })
}
