//! Server-wide values kept in the `meta` table: the epoch.

use rusqlite::{Connection, OptionalExtension};

use crate::error::StoreError;
use crate::protocol::Epoch;

/// Make sure the database has an epoch; return it.
pub fn ensure_epoch(conn: &mut Connection) -> Result<Epoch, StoreError> {
    if let Some(epoch) = epoch(conn)? {
        return Ok(epoch);
    }
    let fresh = Epoch::random();
    set_epoch(conn, fresh)?;
    Ok(fresh)
}

/// The database's epoch, if set.
pub fn epoch(conn: &Connection) -> Result<Option<Epoch>, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(None),
        Some(text) => Epoch::from_hex(&text)
            .map(Some)
            .ok_or_else(|| StoreError::Inconsistent(format!("epoch {text:?} is not 16 hex bytes"))),
    }
}

/// Give the database a new epoch (done to every backup copy, so that a restored
/// server is recognised by devices).
pub fn set_epoch(conn: &Connection, epoch: Epoch) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('epoch', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [epoch.to_hex()],
    )?;
    Ok(())
}
