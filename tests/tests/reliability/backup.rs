//! `relais backup` while phones sync gives a consistent copy; restoring it
//! gives the server a new epoch, and the phones send again what the restored
//! server lacks: nothing acknowledged before or after the backup is lost.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use relais_server::phone::Phone;
use relais_server::records::{create_contact, set_field};
use relais_tests::app::PASSWORD;
use relais_tests::process::{create_agents, free_port, numbered_agents, relais_binary, ServerProcess};
use relais_tests::world::AT;
use rusqlite::Connection;

use crate::support::{
    assert_acknowledged_present, assert_intact, assert_no_duplicates, assert_projection_equals_reproject,
    assert_replicas_identical, sync_recording, Acked, PATIENCE,
};

const PHONES: usize = 4;

fn relais(args: &[&str], data: &Path, file: &Path) {
    let status = Command::new(relais_binary())
        .args(args)
        .arg("--data")
        .arg(data)
        .arg(if args[0] == "backup" { "--out" } else { "--from" })
        .arg(file)
        .env("RELAIS_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .expect("relais runs");
    assert!(status.success(), "relais {args:?} failed");
}

fn epoch(data: &Path) -> String {
    Connection::open(data.join("relais.sqlite"))
        .expect("open")
        .query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))
        .expect("epoch")
}

#[test]
fn a_backup_taken_while_phones_sync_is_consistent_and_after_a_restore_phones_resend_what_it_lacks() {
    // Arrange: the server as a child process, phones creating and editing in a loop.
    let dir = tempfile::tempdir().expect("temp");
    let agency = create_agents(dir.path(), "Agence Sauvegarde", numbered_agents(PHONES)).to_string();
    let port = free_port();
    let server = ServerProcess::start(dir.path(), port);
    let original_epoch = epoch(dir.path());
    let mut phones: Vec<Phone> = (0..PHONES)
        .map(|i| Phone::enrol(&server.address, &format!("agent{i}"), PASSWORD).expect("enrol"))
        .collect();
    let acked = Acked::default();
    let successes = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let copy = tempfile::tempdir().expect("temp");
    let backup = copy.path().join("relais.sqlite");
    let wait_for = |target: usize| {
        let deadline = Instant::now() + PATIENCE;
        while successes.load(Ordering::SeqCst) < target && !stop.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the phones stopped syncing");
            std::thread::yield_now();
        }
    };

    // Act: a backup in the middle of the traffic.
    let acked_before_backup = std::thread::scope(|scope| {
        for (i, phone) in phones.iter_mut().enumerate() {
            let (acked, successes, stop) = (&acked, &successes, &stop);
            scope.spawn(move || {
                let author = phone.author();
                let mut mine = Vec::new();
                let mut step = 0;
                while !stop.load(Ordering::SeqCst) {
                    step += 1;
                    if step % 3 == 0 {
                        set_field(
                            &mut phone.device,
                            mine[step % mine.len()],
                            "city",
                            &format!("Ville {step}"),
                        )
                        .expect("edit");
                    } else {
                        mine.push(
                            create_contact(
                                &mut phone.device,
                                author,
                                AT,
                                &format!("S{i}"),
                                &format!("N{step}"),
                                |_| {},
                            )
                            .expect("contact"),
                        );
                    }
                    sync_recording(phone, acked).expect("sync");
                    successes.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        wait_for(20);
        let before = acked.lock().expect("lock").clone();
        relais(&["backup"], dir.path(), &backup);
        let target = successes.load(Ordering::SeqCst) + 20;
        wait_for(target);
        stop.store(true, Ordering::SeqCst);
        before
    });
    for phone in &mut phones {
        phone.sync_until_idle(100).expect("sync");
    }
    server.kill();
    let acked = acked.lock().expect("lock").clone();
    let after_backup = acked.len() - acked_before_backup.len();

    // Assert: the copy is consistent and holds everything acknowledged before it began.
    let conn = Connection::open(&backup).expect("open the backup");
    assert_intact(&conn);
    assert_acknowledged_present(&conn, &acked_before_backup);
    assert_no_duplicates(&conn);
    drop(conn);
    let scratch = tempfile::tempdir().expect("temp");
    std::fs::copy(&backup, scratch.path().join("relais.sqlite")).expect("a copy of the backup");
    assert_projection_equals_reproject(scratch.path());

    // Act: restore it and start again; the phones sync.
    relais(&["restore"], dir.path(), &backup);
    let restored_epoch = epoch(dir.path());
    let server = ServerProcess::start(dir.path(), port);
    for _ in 0..2 {
        for phone in &mut phones {
            phone.sync_until_idle(500).expect("sync after the restore");
        }
    }
    server.kill();

    // Assert: a new epoch, and every change acknowledged before or after the backup is back.
    assert_ne!(restored_epoch, original_epoch, "a restored server has a new epoch");
    assert!(after_backup > 0, "nothing was acknowledged after the backup");
    let conn = Connection::open(dir.path().join("relais.sqlite")).expect("open");
    assert_intact(&conn);
    assert_acknowledged_present(&conn, &acked);
    assert_no_duplicates(&conn);
    assert_replicas_identical(&conn, &agency, &phones);
    drop(conn);
    assert_projection_equals_reproject(dir.path());
}
