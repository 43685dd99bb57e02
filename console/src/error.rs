//! The one error type of console queries.

/// Why a console query or session operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsoleError {
    /// A filter, cursor or body value that cannot be used; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// The record or account is not there (or not visible to the caller).
    #[error("{0} not found")]
    NotFound(String),
    /// Exists already.
    #[error("{0} already exists")]
    Conflict(String),
    /// The database refused the query.
    #[error(transparent)]
    Database(#[from] rusqlite::Error),
    /// A stored value that the code cannot read back (a bug or a damaged database).
    #[error("inconsistent stored data: {0}")]
    Inconsistent(String),
}

impl From<relais_sync::StoreError> for ConsoleError {
    fn from(e: relais_sync::StoreError) -> Self {
        use relais_sync::StoreError;
        match e {
            StoreError::Database(e) => ConsoleError::Database(e),
            StoreError::NotFound(what) => ConsoleError::NotFound(what),
            StoreError::Conflict(what) => ConsoleError::Conflict(what),
            StoreError::Invalid(why) => ConsoleError::Invalid(why),
            other => ConsoleError::Inconsistent(other.to_string()),
        }
    }
}

/// Parse an id read back from the database.
pub(crate) fn stored<T: std::str::FromStr<Err = relais_schema::InvalidId>>(text: &str) -> Result<T, ConsoleError> {
    text.parse()
        .map_err(|e: relais_schema::InvalidId| ConsoleError::Inconsistent(e.to_string()))
}
