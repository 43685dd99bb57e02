//! Why a curation request failed.

use relais_sync::StoreError;

/// A failed history, conflict, duplicate or merge request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CurationError {
    /// The record (or merge) does not exist, or is of an agency the caller
    /// cannot see: the two are never told apart.
    #[error("{0} not found")]
    NotFound(String),
    /// The request names something that cannot be done as asked.
    #[error("{0}")]
    Invalid(String),
    /// The records are not in a state that allows it (already merged, undone…).
    #[error("{0}")]
    Refused(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Automerge refused an edit the server made (a bug).
    #[error("automerge refused the server's edit: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    /// The sync path did not store the server's changes.
    #[error("the server's changes to {id} were not stored: {status}")]
    NotApplied {
        /// The document.
        id: String,
        /// The status the apply path answered.
        status: String,
    },
    /// A stored merge record cannot be read (a bug or corruption).
    #[error("merge record {id} cannot be read: {reason}")]
    CorruptMerge {
        /// The merge.
        id: String,
        /// Why.
        reason: String,
    },
}

impl From<rusqlite::Error> for CurationError {
    fn from(e: rusqlite::Error) -> Self {
        CurationError::Store(StoreError::Database(e))
    }
}
