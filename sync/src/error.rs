//! Failures of the document store.

use relais_schema::DocumentId;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed (I/O, a full disk, corruption).
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The database was written by a newer version of Relais.
    #[error("the database is at schema version {found}, newer than this program understands ({supported}); upgrade Relais or restore a matching backup")]
    TooNew {
        /// The database's `user_version`.
        found: u32,
        /// The newest version this code knows.
        supported: u32,
    },
    /// A document of another agency was pushed or asked for.
    #[error("document {0} belongs to another agency; nothing was stored")]
    ForeignDocument(DocumentId),
    /// A stored document could not be loaded (a bug or corruption).
    #[error("stored document {id} cannot be loaded: {reason}")]
    CorruptDocument {
        /// The document.
        id: DocumentId,
        /// What Automerge said.
        reason: String,
    },
    /// A stored value is not what the schema promises.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
    /// The single writer thread is gone (the process is shutting down).
    #[error("the database writer has stopped")]
    WriterGone,
    /// A batch id was reused for a different push.
    #[error("this batch id was already used for a different push; use a fresh batch id for new changes")]
    BatchReused,
    /// A write stopped unexpectedly and was rolled back.
    #[error("the write stopped unexpectedly and was rolled back")]
    WriteAborted,
    /// Something asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// Something to create exists already.
    #[error("{0} already exists")]
    Conflict(String),
    /// An argument was refused.
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// Whether the failure is the disk being full.
    pub fn is_disk_full(&self) -> bool {
        matches!(
            self,
            StoreError::Database(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DiskFull
        )
    }
}
