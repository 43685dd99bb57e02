//! A merge is recorded in the transaction that stores its batch, and only then.

use relais_sync::accounts::create_agency;
use relais_sync::Store;
use rusqlite::{params, Connection};

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

fn pending(conn: &Connection, batch: &str, undone: bool) {
    conn.execute(
        "INSERT INTO pending_merges (device_id, batch_id, id, agency_id, survivor, other, merged_by, merged_at, undo,
                                     undone_by, undone_at)
         VALUES ('server', ?1, 'merge-1', (SELECT id FROM agencies), 's', 'o', 'u', 't', '{}', ?2, ?3)",
        params![batch, undone.then_some("v"), undone.then_some("later")],
    )
    .expect("pending row");
}

fn batch_stored(conn: &Connection, batch: &str) {
    conn.execute(
        "INSERT INTO batches (device_id, batch_id, answer, at, push_hash) VALUES ('server', ?1, x'', 't', x'')",
        [batch],
    )
    .expect("batch row");
}

#[test]
fn a_pending_merge_is_recorded_only_when_its_batch_is_stored() {
    let dir = tempfile::tempdir().expect("folder");
    let store = Store::open(&dir.path().join("relais.sqlite")).expect("store");
    store
        .write(|conn| {
            create_agency(conn, "Agence", "2026-11-29T08:00:00Z")?;
            pending(conn, "b1", false);

            batch_stored(conn, "another");
            assert_eq!(count(conn, "SELECT COUNT(*) FROM merges"), 0);

            let tx = conn.transaction()?;
            batch_stored(&tx, "b1");
            tx.rollback()?;
            assert_eq!(
                count(conn, "SELECT COUNT(*) FROM merges"),
                0,
                "a rolled back batch records nothing"
            );

            batch_stored(conn, "b1");
            assert_eq!(count(conn, "SELECT COUNT(*) FROM merges WHERE undone_at IS NULL"), 1);
            assert_eq!(count(conn, "SELECT COUNT(*) FROM pending_merges"), 0);

            pending(conn, "b2", true);
            batch_stored(conn, "b2");
            assert_eq!(
                count(
                    conn,
                    "SELECT COUNT(*) FROM merges WHERE undone_by = 'v' AND undone_at = 'later'"
                ),
                1
            );
            assert_eq!(count(conn, "SELECT COUNT(*) FROM pending_merges"), 0);
            Ok(())
        })
        .expect("writes");
    store.close();
}
