//! Derived tables brought up to date once per batch instead of once per
//! statement: the contacts search index (`contact_search`, migration
//! `0009_search_batches.sql`) and the dashboard's interest rows and daily
//! rollups (`console_contact_interests`, `console_daily_contacts`,
//! `console_daily_values`, migration `0010_batch_rollups.sql`).
//!
//! A writer that projects many documents in one transaction calls [`defer`]
//! first: the triggers then only note what changed. [`catch_up`] rewrites the
//! notes into the tables in a few set-wise statements (so FTS5 flushes its
//! buffer once, and each rollup bucket moves once by the sum of its moves)
//! and ends the deferral. Both run in the caller's transaction, before its
//! commit: a committed state always has the tables matching `contacts`, and a
//! rolled-back one never had the notes.

use rusqlite::Connection;

use crate::error::StoreError;

/// From now until [`catch_up`], in this transaction, note what changes in
/// the contact rows instead of keeping the derived tables statement by
/// statement.
pub fn defer(tx: &Connection) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR IGNORE INTO batch_deferred (marker) VALUES (1)")?
        .execute([])?;
    Ok(())
}

/// Bring the derived tables up to date from the notes taken since [`defer`],
/// delete the notes, and keep the tables statement by statement again.
pub fn catch_up(tx: &Connection) -> Result<(), StoreError> {
    // Interest rows first, with the marker still set: the rows deleted and
    // inserted there are noted as interest moves for the rollups.
    rewrite_interest_rows(tx)?;
    tx.prepare_cached("DELETE FROM batch_deferred")?.execute([])?;
    move_rollup_buckets(tx)?;
    index_contacts(tx)?;
    for notes in [
        "console_interests_stale",
        "console_daily_pending",
        "console_interest_pending",
        "contact_search_stale",
    ] {
        tx.prepare_cached(&format!("DELETE FROM {notes}"))?.execute([])?;
    }
    Ok(())
}

/// `console_contact_interests` of the noted documents, written again.
fn rewrite_interest_rows(tx: &Connection) -> Result<(), StoreError> {
    tx.prepare_cached(
        "DELETE FROM console_contact_interests WHERE doc_id IN (SELECT doc_id FROM console_interests_stale)",
    )?
    .execute([])?;
    // The same join as the triggers of 0004, from the noted documents
    // (CROSS JOIN keeps that order: the planner would otherwise walk every
    // interest row and look each up among the notes).
    tx.prepare_cached(
        "INSERT OR REPLACE INTO console_contact_interests (doc_id, interest, agency_id, created_at, created_by)
         SELECT i.doc_id, i.interest, c.agency_id, c.created_at, c.created_by
         FROM console_interests_stale s
         CROSS JOIN contact_interests i ON i.doc_id = s.doc_id
         CROSS JOIN contacts c ON c.doc_id = s.doc_id",
    )?
    .execute([])?;
    Ok(())
}

/// Each rollup bucket moved once by the sum of its noted moves; those that
/// fell to zero are deleted, as the triggers of 0007 do one move at a time.
fn move_rollup_buckets(tx: &Connection) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO console_daily_contacts (agency_id, day, created_by, contacts, women)
         SELECT agency_id, substr(created_at, 1, 10), created_by, SUM(delta), SUM(delta * (sex IS 'female'))
         FROM console_daily_pending WHERE true GROUP BY 1, 2, 3
         ON CONFLICT DO UPDATE SET contacts = contacts + excluded.contacts, women = women + excluded.women",
    )?
    .execute([])?;
    tx.prepare_cached(
        "DELETE FROM console_daily_contacts WHERE contacts = 0 AND (agency_id, day, created_by) IN
            (SELECT agency_id, substr(created_at, 1, 10), created_by FROM console_daily_pending)",
    )?
    .execute([])?;
    tx.prepare_cached(
        "INSERT INTO console_daily_values (agency_id, field, day, value, contacts)
         SELECT agency_id, field, day, value, SUM(delta)
         FROM console_daily_pending_values WHERE true GROUP BY 1, 2, 3, 4
         ON CONFLICT DO UPDATE SET contacts = contacts + excluded.contacts",
    )?
    .execute([])?;
    tx.prepare_cached(
        "DELETE FROM console_daily_values WHERE contacts = 0 AND (agency_id, field, day, value) IN
            (SELECT agency_id, field, day, value FROM console_daily_pending_values)",
    )?
    .execute([])?;
    Ok(())
}

/// The search index entries of the noted contact rows, written again (the
/// entries of rows that are gone deleted).
fn index_contacts(tx: &Connection) -> Result<(), StoreError> {
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
                "SELECT (SELECT count(*) FROM contact_search_stale) + (SELECT count(*) FROM batch_deferred)
                      + (SELECT count(*) FROM console_daily_pending) + (SELECT count(*) FROM console_interest_pending)
                      + (SELECT count(*) FROM console_interests_stale)",
                [],
                |r| r.get(0),
            )
            .expect("notes");
        assert_eq!(notes, 0, "no note outlives the batch");
    }

    /// A contact row with what the dashboard counts, and its interests.
    fn counted(
        conn: &Connection,
        doc: &str,
        author: &str,
        day: &str,
        sex: &str,
        nationality: Option<&str>,
        interests: &[&str],
    ) {
        conn.execute(
            "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, sex, nationality, status,
                                   stage, consent_given)
             VALUES (?1, 'a', 1, ?2, ?3 || 'T10:00:00Z', ?4, ?5, 'refugee', 'contacted', 1)",
            rusqlite::params![doc, author, day, sex, nationality],
        )
        .expect("contact");
        for interest in interests {
            conn.execute(
                "INSERT INTO contact_interests (doc_id, interest) VALUES (?1, ?2)",
                [doc, interest],
            )
            .expect("interest");
        }
    }

    /// Delete a contact's rows, as the projection does before writing them again.
    fn unproject(conn: &Connection, doc: &str) {
        conn.execute("DELETE FROM contacts WHERE doc_id = ?1", [doc])
            .expect("contact");
        conn.execute("DELETE FROM contact_interests WHERE doc_id = ?1", [doc])
            .expect("interests");
    }

    type Rows = Vec<Vec<String>>;

    fn rows(conn: &Connection, sql: &str) -> Rows {
        let mut stmt = conn.prepare(sql).expect("query");
        let width = stmt.column_count();
        stmt.query_map([], |r| {
            (0..width)
                .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("values")
    }

    /// The dashboard's tables as they are.
    fn dashboard(conn: &Connection) -> (Rows, Rows, Rows) {
        (
            rows(
                conn,
                "SELECT * FROM console_contact_interests ORDER BY doc_id, interest",
            ),
            rows(conn, "SELECT * FROM console_daily_contacts ORDER BY 1, 2, 3"),
            rows(conn, "SELECT * FROM console_daily_values ORDER BY 1, 2, 3, 4"),
        )
    }

    /// The dashboard's tables as a fresh count of the contact rows gives them
    /// (the queries that filled them in migrations 0004 and 0007).
    fn fresh_count(conn: &Connection) -> (Rows, Rows, Rows) {
        (
            rows(
                conn,
                "SELECT i.doc_id, i.interest, c.agency_id, c.created_at, c.created_by
                 FROM contact_interests i JOIN contacts c ON c.doc_id = i.doc_id ORDER BY 1, 2",
            ),
            rows(
                conn,
                "SELECT agency_id, substr(created_at, 1, 10), created_by, COUNT(*), SUM(sex IS 'female')
                 FROM contacts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            ),
            rows(
                conn,
                "SELECT * FROM (
                    SELECT agency_id, 'nationality', substr(created_at, 1, 10), nationality, COUNT(*)
                        FROM contacts WHERE nationality IS NOT NULL GROUP BY 1, 3, 4
                    UNION ALL SELECT agency_id, 'status', substr(created_at, 1, 10), status, COUNT(*)
                        FROM contacts WHERE status IS NOT NULL GROUP BY 1, 3, 4
                    UNION ALL SELECT agency_id, 'stage', substr(created_at, 1, 10), stage, COUNT(*)
                        FROM contacts WHERE stage IS NOT NULL GROUP BY 1, 3, 4
                    UNION ALL SELECT c.agency_id, 'interest', substr(c.created_at, 1, 10), i.interest, COUNT(*)
                        FROM contact_interests i JOIN contacts c ON c.doc_id = i.doc_id GROUP BY 1, 3, 4)
                 ORDER BY 1, 2, 3, 4",
            ),
        )
    }

    /// The same work on two stores, one deferred as the sync writer does.
    fn both_ways(
        before: impl Fn(&Connection),
        batch: impl Fn(&Connection),
    ) -> ((Rows, Rows, Rows), (Rows, Rows, Rows)) {
        let (_a, immediate) = store();
        before(&immediate);
        batch(&immediate);
        let (_b, mut deferred) = store();
        before(&deferred);
        let tx = deferred.transaction().expect("tx");
        defer(&tx).expect("defer");
        batch(&tx);
        catch_up(&tx).expect("catch up");
        tx.commit().expect("commit");
        assert_eq!(dashboard(&deferred), fresh_count(&deferred), "deferred: a fresh count");
        (dashboard(&immediate), dashboard(&deferred))
    }

    #[test]
    fn a_deferred_batch_leaves_the_dashboard_tables_as_the_per_statement_triggers_would() {
        let before = |conn: &Connection| {
            counted(
                conn,
                "d1",
                "u1",
                "2026-03-02",
                "female",
                Some("SY"),
                &["job_search", "training"],
            );
            counted(conn, "d2", "u1", "2026-03-02", "male", Some("AF"), &["training"]);
            counted(conn, "d3", "u2", "2026-03-03", "female", None, &[]);
            counted(conn, "d4", "u2", "2026-03-04", "male", Some("ML"), &["self_employment"]);
        };
        let batch = |conn: &Connection| {
            // New contacts, two of them in a bucket that does not exist yet.
            counted(conn, "d5", "u3", "2026-03-05", "female", Some("SY"), &["training"]);
            counted(conn, "d6", "u3", "2026-03-05", "male", Some("SY"), &[]);
            // Rewritten: other nationality and interests, same day.
            unproject(conn, "d1");
            counted(conn, "d1", "u1", "2026-03-02", "female", Some("IQ"), &["training"]);
            // Deleted: the last contact of its day and author, and of its values.
            unproject(conn, "d4");
            // Updated in place (a repair by hand).
            conn.execute(
                "UPDATE contacts SET sex = 'female', created_at = '2026-03-06T09:00:00Z' WHERE doc_id = 'd3'",
                [],
            )
            .expect("update");
            // Rewritten with no change at all.
            unproject(conn, "d2");
            counted(conn, "d2", "u1", "2026-03-02", "male", Some("AF"), &["training"]);
        };
        let (immediate, deferred) = both_ways(before, batch);
        assert_eq!(immediate, deferred);
        let (_, days, values) = &deferred;
        assert!(
            !days.iter().any(|r| r[1].contains("2026-03-04")),
            "an emptied bucket is deleted"
        );
        assert!(
            !values.iter().any(|r| r[3].contains("ML")),
            "an emptied value is deleted"
        );
    }

    #[test]
    fn a_batch_that_deletes_and_restores_every_contact_leaves_the_dashboard_as_it_was() {
        // What `relais reproject` does: every row out, then every row in again.
        let before = |conn: &Connection| {
            for i in 0..20 {
                let sex = if i % 3 == 0 { "female" } else { "male" };
                let interests: &[&str] = if i % 2 == 0 { &["training"] } else { &[] };
                counted(
                    conn,
                    &format!("d{i}"),
                    "u1",
                    &format!("2026-03-{:02}", 1 + i % 4),
                    sex,
                    Some("SY"),
                    interests,
                );
            }
        };
        let batch = |conn: &Connection| {
            conn.execute_batch("DELETE FROM contacts; DELETE FROM contact_interests;")
                .expect("delete");
            before(conn);
        };
        let (immediate, deferred) = both_ways(before, batch);
        assert_eq!(immediate, deferred);
        assert_eq!(deferred.1.len(), 4, "four days, one author");
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
