//! Opening the SQLite database: pragmas first, then migrations.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::StoreError;
use relais_schema::migrations::{latest_version, MIGRATIONS};

/// Open (creating if needed) the database at `path` for writing and bring its
/// schema up to date in one transaction. Refuses a database newer than the code.
pub fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    set_pragmas(&conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // The writer keeps the hot pages of the log and documents (16 MB); readers
    // use SQLite's default (2 MB each), so memory stays bounded.
    conn.pragma_update(None, "cache_size", -16_000)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Open a read-only connection to an existing database.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    set_pragmas(&conn)?;
    check_version(&conn)?;
    Ok(conn)
}

fn set_pragmas(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Acknowledged means on disk: FULL syncs the WAL at every commit.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn check_version(conn: &Connection) -> Result<u32, StoreError> {
    let found: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let supported = latest_version();
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    Ok(found)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found = check_version(&tx)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_every_migration() {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = open_writer(&dir.path().join("db.sqlite")).expect("opens");
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(version, latest_version());
    }

    #[test]
    fn reopening_a_database_applies_nothing_twice() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite");
        drop(open_writer(&path).expect("first open"));
        open_writer(&path).expect("second open is fine");
    }

    #[test]
    fn a_database_newer_than_the_code_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite");
        let conn = open_writer(&path).expect("opens");
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .expect("bump");
        drop(conn);
        let err = open_writer(&path).expect_err("refused");
        assert!(matches!(err, StoreError::TooNew { .. }));
        assert!(err.to_string().contains("newer than this program"));
    }
}
