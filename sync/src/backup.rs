//! Consistent copies of the database while it serves.
//!
//! SQLite's online backup copies a consistent snapshot page by page; the copy
//! then gets a fresh epoch, so that a server restored from it is recognised by
//! devices, which re-check their documents and resend what it lacks.

use std::path::Path;

use rusqlite::Connection;

use crate::error::StoreError;
use crate::meta;
use crate::protocol::Epoch;
use crate::store::Store;

/// Write a consistent copy of the store to `out` with a new epoch.
pub fn backup_to(store: &Store, out: &Path) -> Result<Epoch, StoreError> {
    let source = Connection::open(store.path())?;
    source.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut copy = Connection::open(out)?;
    {
        let backup = rusqlite::backup::Backup::new(&source, &mut copy)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
    }
    let epoch = Epoch::random();
    meta::set_epoch(&copy, epoch)?;
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(epoch)
}
