//! The disk fills up in the middle of a batch: the phone gets a clear
//! `disk_full` answer, nothing already acknowledged is lost, and the server
//! takes the batch once space returns.
//!
//! The data folder is a small tmpfs (this needs root, as the tests have in
//! CI): a write past its size fails with `ENOSPC`, which SQLite reports as a
//! full disk. Remounting it larger is space coming back, under the running
//! server. (A file-size limit, `RLIMIT_FSIZE`, is not the same: the write
//! fails with `EFBIG`, which SQLite reports as an I/O error.)

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use relais_server::phone::{Phone, PhoneError};
use relais_server::records::create_contact;
use relais_sync::accounts::{self, NewUser, Role};
use relais_sync::Store;
use relais_tests::app::PASSWORD;
use relais_tests::process::{free_port, ServerProcess};
use relais_tests::world::AT;
use rusqlite::Connection;

use crate::support::{
    assert_acknowledged_present, assert_intact, assert_projection_equals_reproject, sync_recording, Acked, PATIENCE,
};

/// A tmpfs mounted on a temporary folder; unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(bytes: u64) -> SmallDisk {
        let dir = tempfile::tempdir().expect("temp");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "cannot mount a tmpfs (this test needs root, or CAP_SYS_ADMIN, to fill a disk)"
        );
        SmallDisk { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Give the file system `bytes` in all, under whatever has it open.
    fn resize(&self, bytes: u64) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={bytes}")])
            .arg(self.dir.path())
            .status()
            .expect("mount runs");
        assert!(status.success(), "cannot resize the tmpfs");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn create_accounts(data: &Path) {
    let store = Store::open(&data.join("relais.sqlite")).expect("store");
    store
        .write(|conn| {
            let agency = accounts::create_agency(conn, "Agence Disque", AT)?;
            for name in ["amina", "bilal"] {
                accounts::create_user(
                    conn,
                    &NewUser {
                        username: name,
                        display_name: name,
                        role: Role::Agent,
                        password: PASSWORD,
                        agencies: &[agency],
                    },
                    AT,
                )?;
            }
            Ok(())
        })
        .expect("accounts");
    store.close();
}

/// Bytes the files of a folder take.
fn used_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("data folder")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len().div_ceil(4096) * 4096)
        .sum()
}

/// A contact with a long note, so that a few hundred fill the allowed space.
fn create_bulky_contact(phone: &mut Phone, n: usize) {
    let author = phone.author();
    let note: String = (0..150).map(|i| format!("visite {n}-{i} ")).collect();
    create_contact(&mut phone.device, author, AT, &format!("Prenom{n}"), "Plein", |c| {
        c.notes = Some(note);
    })
    .expect("contact");
}

#[test]
fn a_full_disk_mid_batch_answers_disk_full_keeps_what_was_acknowledged_and_recovers() {
    // Arrange: a server whose disk has about 256 KiB left.
    let disk = SmallDisk::mount(16 << 20);
    let data = disk.path();
    create_accounts(&data);
    disk.resize(used_bytes(&data) + 256 * 1024);
    let database = data.join("relais.sqlite");
    let server = ServerProcess::start(&data, free_port());
    let mut amina = Phone::enrol(&server.address, "amina", PASSWORD).expect("enrol");
    let mut bilal = Phone::enrol(&server.address, "bilal", PASSWORD).expect("enrol");
    let acked = Acked::default();
    for n in 0..5 {
        create_bulky_contact(&mut amina, n);
    }
    sync_recording(&mut amina, &acked).expect("a first small batch is stored");
    assert_eq!(acked.lock().expect("lock").len(), 5);

    // Act: a batch larger than the space left.
    for n in 5..400 {
        create_bulky_contact(&mut amina, n);
    }
    let refusal = sync_recording(&mut amina, &acked);

    // Assert: a clear, retryable error; what was acknowledged is intact.
    match refusal {
        Err(PhoneError::Refused { status, body }) => {
            assert_eq!(status, 503, "{body}");
            let body: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
            assert_eq!(body["error"], "disk_full");
            assert!(body["message"].as_str().is_some_and(|m| m.contains("disk space")));
        }
        other => panic!("expected a disk_full refusal, got {other:?}"),
    }
    assert_eq!(acked.lock().expect("lock").len(), 5, "nothing more acknowledged");
    {
        let conn = Connection::open(&database).expect("open");
        assert_intact(&conn);
        assert_acknowledged_present(&conn, &acked.lock().expect("lock"));
        let contacts: i64 = conn
            .query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))
            .expect("count");
        assert_eq!(contacts, 5, "the failed batch stored nothing");
    }
    // Reads still work while the disk is full.
    bilal.sync_until_idle(20).expect("a pull-only sync is served");
    assert_eq!(bilal.device.len(), 5);

    // Space returns: the same batch, retried, is stored whole.
    disk.resize(64 << 20);
    let deadline = Instant::now() + PATIENCE;
    while !amina.device.is_idle() {
        assert!(Instant::now() < deadline, "the phone never got its batch stored");
        match sync_recording(&mut amina, &acked) {
            Ok(()) | Err(PhoneError::Network(_)) => {}
            Err(other) => panic!("after space returned: {other}"),
        }
    }
    bilal.sync_until_idle(50).expect("bilal syncs");
    assert_eq!(bilal.device.len(), 400, "every contact reached the other phone");
    server.kill();
    let conn = Connection::open(&database).expect("open");
    assert_intact(&conn);
    assert_acknowledged_present(&conn, &acked.lock().expect("lock"));
    let contacts: i64 = conn
        .query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(contacts, 400);
    drop(conn);
    assert_projection_equals_reproject(&data);
}
