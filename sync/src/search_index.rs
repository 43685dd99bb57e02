//! The contacts search index (`contact_search`), brought up to date once per
//! batch instead of once per statement (migration `0009_search_batches.sql`).
//!
//! A writer that projects many documents in one transaction calls
//! [`defer`] first: the triggers then only note which contact rows changed.
//! [`catch_up`] rewrites the index entries of those rows in two statements
//! (so FTS5 flushes its buffer once) and ends the deferral. Both run in the
//! caller's transaction, before its commit: a committed state always has the
//! index matching `contacts`, and a rolled-back one never had the notes.

use rusqlite::Connection;

use crate::error::StoreError;

/// From now until [`catch_up`], in this transaction, note changed contact rows
/// instead of indexing them statement by statement.
pub fn defer(tx: &Connection) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR IGNORE INTO contact_search_deferred (marker) VALUES (1)")?
        .execute([])?;
    Ok(())
}

/// Index the contact rows noted since [`defer`] (deleting the entries of rows
/// that are gone) and index statement by statement again.
pub fn catch_up(tx: &Connection) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM contact_search_deferred")?.execute([])?;
    // `rowid IN (…)` on an FTS5 table is one lookup per noted row.
    tx.prepare_cached("DELETE FROM contact_search WHERE rowid IN (SELECT contact_rowid FROM contact_search_stale)")?
        .execute([])?;
    // The same folding as the triggers of 0006 and 0009.
    tx.prepare_cached(
        "INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
         SELECT c.rowid, lower(c.given_name), lower(c.family_name), lower(c.alias),
                replace(replace(c.phone, ' ', ''), '+', '')
         FROM contact_search_stale s JOIN contacts c ON c.rowid = s.contact_rowid",
    )?
    .execute([])?;
    tx.prepare_cached("DELETE FROM contact_search_stale")?.execute([])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::open_writer;

    fn store() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = open_writer(&dir.path().join("db.sqlite")).expect("store");
        conn.execute_batch(
            "INSERT INTO agencies (id, name, created_at) VALUES ('a', 'Agence', '2026-01-01T00:00:00Z');",
        )
        .expect("agency");
        (dir, conn)
    }

    fn insert(conn: &Connection, doc: &str, given: &str, phone: Option<&str>) {
        conn.execute(
            "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, phone, consent_given)
             VALUES (?1, 'a', 1, 'u', '2026-01-01T00:00:00Z', ?2, ?3, 1)",
            rusqlite::params![doc, given, phone],
        )
        .expect("contact");
    }

    /// The index as the triggers of 0006 would have it: (rowid, given name, phone digits).
    fn index(conn: &Connection) -> Vec<(i64, Option<String>, Option<String>)> {
        conn.prepare("SELECT rowid, given_name, phone_digits FROM contact_search ORDER BY rowid")
            .expect("query")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("index")
    }

    /// What the index must hold: every contact row, folded.
    fn expected(conn: &Connection) -> Vec<(i64, Option<String>, Option<String>)> {
        conn.prepare(
            "SELECT rowid, lower(given_name), replace(replace(phone, ' ', ''), '+', '') FROM contacts ORDER BY rowid",
        )
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("contacts")
    }

    fn matches(conn: &Connection, text: &str) -> i64 {
        conn.query_row(
            "SELECT count(*) FROM contact_search WHERE contact_search MATCH ?1",
            [format!("\"{text}\"")],
            |r| r.get(0),
        )
        .expect("match")
    }

    #[test]
    fn a_deferred_batch_leaves_the_index_as_the_per_statement_triggers_would() {
        let (_dir, mut conn) = store();
        insert(&conn, "d1", "Amina", Some("+33 6 12 34 56 78"));
        insert(&conn, "d2", "Yusuf", None);
        insert(&conn, "d3", "Fatou", None);
        let tx = conn.transaction().expect("tx");
        defer(&tx).expect("defer");
        // New, rewritten (delete then insert, as the projection does), updated and deleted rows.
        insert(&tx, "d4", "Khadija", Some("06 98 76 54 32"));
        tx.execute("DELETE FROM contacts WHERE doc_id = 'd1'", [])
            .expect("delete");
        insert(&tx, "d1", "Aminata", Some("+33 6 12 34 56 78"));
        tx.execute("UPDATE contacts SET given_name = 'Youssef' WHERE doc_id = 'd2'", [])
            .expect("update");
        tx.execute("DELETE FROM contacts WHERE doc_id = 'd3'", [])
            .expect("delete");
        assert_eq!(matches(&tx, "khadija"), 0, "deferred: nothing indexed yet");
        catch_up(&tx).expect("catch up");
        assert_eq!(index(&tx), expected(&tx));
        tx.commit().expect("commit");

        assert_eq!(matches(&conn, "aminata"), 1);
        assert_eq!(matches(&conn, "khadija"), 1);
        assert_eq!(matches(&conn, "youssef"), 1);
        assert_eq!(matches(&conn, "yusuf"), 0);
        assert_eq!(matches(&conn, "fatou"), 0);
        assert_eq!(matches(&conn, "698765"), 1);
        let notes: i64 = conn
            .query_row(
                "SELECT (SELECT count(*) FROM contact_search_stale) + (SELECT count(*) FROM contact_search_deferred)",
                [],
                |r| r.get(0),
            )
            .expect("notes");
        assert_eq!(notes, 0, "no note outlives the batch");
    }

    #[test]
    fn after_a_deferred_batch_other_writers_index_statement_by_statement_again() {
        let (_dir, mut conn) = store();
        let tx = conn.transaction().expect("tx");
        defer(&tx).expect("defer");
        insert(&tx, "d1", "Amina", None);
        catch_up(&tx).expect("catch up");
        tx.commit().expect("commit");
        insert(&conn, "d2", "Mariam", None);
        assert_eq!(matches(&conn, "mariam"), 1);
        assert_eq!(index(&conn), expected(&conn));
    }

    #[test]
    fn a_rolled_back_batch_leaves_neither_notes_nor_deferral() {
        let (_dir, mut conn) = store();
        {
            let tx = conn.transaction().expect("tx");
            defer(&tx).expect("defer");
            insert(&tx, "d1", "Amina", None);
            // Dropped without commit: rolled back.
        }
        insert(&conn, "d2", "Mariam", None);
        assert_eq!(matches(&conn, "mariam"), 1);
        assert_eq!(index(&conn), expected(&conn));
    }
}
