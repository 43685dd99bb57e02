//! Erasure: a person's record removed everywhere, for good.
//!
//! One transaction deletes the document, its log rows and its projected rows,
//! records the id in `erased` (later pushes are answered `erased` and never
//! stored), and appends a tombstone to the log so that every device deletes
//! its copy on its next sync.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::StoreError;
use crate::projection;
use relais_schema::{AgencyId, DocumentId, UserId};

/// Erase a document. `agency` scopes the request: `None` (an administrator)
/// erases in any agency. Erasing an already erased document is a no-op.
pub fn erase_document(
    conn: &mut Connection,
    id: DocumentId,
    agency: Option<AgencyId>,
    by: Option<UserId>,
    now: &str,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let owner: Option<String> = tx
        .query_row("SELECT agency_id FROM documents WHERE id = ?1", [id.to_string()], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(owner) = owner else {
        let erased: Option<String> = tx
            .query_row(
                "SELECT agency_id FROM erased WHERE doc_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        return match erased {
            Some(a) if agency.is_none_or(|agency| agency.to_string() == a) => Ok(()),
            _ => Err(StoreError::NotFound(format!("document {id}"))),
        };
    };
    if agency.is_some_and(|agency| agency.to_string() != owner) {
        // Not found rather than forbidden: another agency's ids are not revealed.
        return Err(StoreError::NotFound(format!("document {id}")));
    }
    projection::delete_projection(&tx, id)?;
    tx.execute("DELETE FROM documents WHERE id = ?1", [id.to_string()])?;
    tx.execute("DELETE FROM log WHERE doc_id = ?1", [id.to_string()])?;
    tx.execute(
        "INSERT INTO erased (doc_id, agency_id, erased_at, erased_by) VALUES (?1, ?2, ?3, ?4)",
        params![id.to_string(), owner, now, by.map(|u| u.to_string())],
    )?;
    tx.execute(
        "INSERT INTO log (doc_id, agency_id, kind, data, at) VALUES (?1, ?2, 'erase', x'', ?3)",
        params![id.to_string(), owner, now],
    )?;
    // Attendance of the erased person in sessions stays in the session
    // documents only as an id; the projected rows go.
    tx.execute("DELETE FROM attendance WHERE contact_id = ?1", [id.to_string()])?;
    tx.commit()?;
    Ok(())
}
