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
    /// Whether the failure is the disk refusing to grow a file: no space
    /// left (`ENOSPC`), a quota (`EDQUOT`) or a file-size limit (`EFBIG`,
    /// `RLIMIT_FSIZE`). The write was rolled back; it may succeed once space
    /// returns.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Database(rusqlite::Error::SqliteFailure(e, _)) => is_space_refused(e),
            _ => false,
        }
    }
}

/// SQLite's codes for a file that could not grow. Its unix VFS answers
/// `SQLITE_FULL` for `ENOSPC` only; any other failed `write()` (`EFBIG`,
/// `EDQUOT`) is `SQLITE_IOERR_WRITE`, and a shared-memory index that cannot
/// be extended is `SQLITE_IOERR_SHMSIZE`. Other I/O errors (reads, `fsync`,
/// locks, truncation) say nothing about space and stay internal errors.
fn is_space_refused(e: &rusqlite::ffi::Error) -> bool {
    e.code == rusqlite::ErrorCode::DiskFull
        || matches!(
            e.extended_code,
            rusqlite::ffi::SQLITE_IOERR_WRITE | rusqlite::ffi::SQLITE_IOERR_SHMSIZE
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(extended_code: std::os::raw::c_int) -> StoreError {
        StoreError::Database(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(extended_code),
            None,
        ))
    }

    #[test]
    fn a_full_disk_a_quota_and_a_file_size_limit_are_all_a_full_disk() {
        assert!(failure(rusqlite::ffi::SQLITE_FULL).is_disk_full());
        assert!(failure(rusqlite::ffi::SQLITE_IOERR_WRITE).is_disk_full());
        assert!(failure(rusqlite::ffi::SQLITE_IOERR_SHMSIZE).is_disk_full());
    }

    #[test]
    fn other_io_errors_are_not_a_full_disk() {
        for code in [
            rusqlite::ffi::SQLITE_IOERR,
            rusqlite::ffi::SQLITE_IOERR_READ,
            rusqlite::ffi::SQLITE_IOERR_FSYNC,
            rusqlite::ffi::SQLITE_IOERR_TRUNCATE,
            rusqlite::ffi::SQLITE_CORRUPT,
            rusqlite::ffi::SQLITE_BUSY,
        ] {
            assert!(!failure(code).is_disk_full(), "code {code}");
        }
        assert!(!StoreError::WriteAborted.is_disk_full());
    }
}
