//! The disk fills up in the middle of a batch: the phone gets a clear
//! `503 disk_full` answer, nothing already acknowledged is lost, and the
//! server takes the batch once space returns.
//!
//! Two ways to fill it, which SQLite reports differently:
//!
//! - a small tmpfs for the data folder (this needs root, as the tests have in
//!   CI): a write past its size fails with `ENOSPC`, `SQLITE_FULL`. Remounting
//!   it larger is space coming back, under the running server;
//! - a file-size limit (`RLIMIT_FSIZE`, set with `prlimit`): a write past it
//!   fails with `EFBIG`, `SQLITE_IOERR_WRITE` (a disk quota, `EDQUOT`, is
//!   reported the same way). The limit is lifted by restarting the server
//!   without it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use relais_server::phone::{Phone, PhoneError};
use relais_server::records::create_contact;
use relais_tests::app::PASSWORD;
use relais_tests::process::{create_agents, free_port, ServerProcess};
use relais_tests::world::AT;
use rusqlite::Connection;

use crate::support::{
    assert_acknowledged_present, assert_intact, assert_projection_equals_reproject, sync_recording, Acked, PATIENCE,
};

/// Room left for the server's files to grow, in bytes.
const ROOM: u64 = 256 * 1024;
/// Contacts stored before the disk fills up.
const FIRST: usize = 5;
/// Contacts in all, the rest in one batch larger than [`ROOM`].
const ALL: usize = 400;

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

/// The size of the largest file of a folder.
fn largest_file(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("data folder")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .max()
        .unwrap_or(0)
}

/// Store [`FIRST`] contacts (acknowledged), then push a batch of the rest,
/// larger than the room left: what the server answered that batch.
fn fill_the_disk(amina: &mut Phone, acked: &Acked) -> Result<(), PhoneError> {
    for n in 0..FIRST {
        create_bulky_contact(amina, n);
    }
    sync_recording(amina, acked).expect("a first small batch is stored");
    assert_eq!(acked.lock().expect("lock").len(), FIRST);
    for n in FIRST..ALL {
        create_bulky_contact(amina, n);
    }
    sync_recording(amina, acked)
}

/// A clear, retryable error that a person can act on.
fn assert_disk_full(refusal: Result<(), PhoneError>) {
    match refusal {
        Err(PhoneError::Refused { status, body }) => {
            assert_eq!(status, 503, "{body}");
            let body: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
            assert_eq!(body["error"], "disk_full");
            assert!(body["message"].as_str().is_some_and(|m| m.contains("disk space")));
        }
        other => panic!("expected a disk_full refusal, got {other:?}"),
    }
}

/// The database is intact and holds the acknowledged contacts, `contacts` in all.
fn assert_stored(database: &Path, acked: &Acked, contacts: i64) {
    let conn = Connection::open(database).expect("open");
    assert_intact(&conn);
    assert_acknowledged_present(&conn, &acked.lock().expect("lock"));
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(stored, contacts);
}

/// Retry until the phone has nothing pending (a restarted server may first
/// drop a kept-alive connection).
fn sync_until_stored(phone: &mut Phone, acked: &Acked) {
    let deadline = Instant::now() + PATIENCE;
    while !phone.device.is_idle() {
        assert!(Instant::now() < deadline, "the phone never got its batch stored");
        match sync_recording(phone, acked) {
            Ok(()) | Err(PhoneError::Network(_)) => {}
            Err(other) => panic!("after space returned: {other}"),
        }
    }
}

#[test]
fn a_full_disk_mid_batch_answers_disk_full_keeps_what_was_acknowledged_and_recovers() {
    // Arrange: a server whose disk has about 256 KiB left.
    let disk = SmallDisk::mount(16 << 20);
    let data = disk.path();
    create_agents(&data, "Agence Disque", ["amina", "bilal"]);
    disk.resize(used_bytes(&data) + ROOM);
    let database = data.join("relais.sqlite");
    let server = ServerProcess::start(&data, free_port());
    let mut amina = Phone::enrol(&server.address, "amina", PASSWORD).expect("enrol");
    let mut bilal = Phone::enrol(&server.address, "bilal", PASSWORD).expect("enrol");
    let acked = Acked::default();

    // Act: a first batch, then one larger than the space left.
    let refusal = fill_the_disk(&mut amina, &acked);

    // Assert: a clear, retryable error; what was acknowledged is intact,
    // nothing of the failed batch was stored.
    assert_disk_full(refusal);
    assert_eq!(acked.lock().expect("lock").len(), FIRST, "nothing more acknowledged");
    assert_stored(&database, &acked, FIRST as i64);
    // Reads still work while the disk is full.
    bilal.sync_until_idle(20).expect("a pull-only sync is served");
    assert_eq!(bilal.device.len(), 5);

    // Space returns: the same batch, retried, is stored whole.
    disk.resize(64 << 20);
    sync_until_stored(&mut amina, &acked);
    bilal.sync_until_idle(50).expect("bilal syncs");
    assert_eq!(bilal.device.len(), ALL, "every contact reached the other phone");
    server.kill();
    assert_stored(&database, &acked, ALL as i64);
    assert_projection_equals_reproject(&data);
}

#[test]
fn a_file_size_limit_mid_batch_answers_disk_full_keeps_what_was_acknowledged_and_recovers() {
    // Arrange: a server whose files may grow by about 256 KiB.
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path();
    create_agents(data, "Agence Quota", ["amina", "bilal"]);
    let database = data.join("relais.sqlite");
    let port = free_port();
    let server = ServerProcess::start_with_file_size_limit(data, port, largest_file(data) + ROOM);
    let mut amina = Phone::enrol(&server.address, "amina", PASSWORD).expect("enrol");
    let mut bilal = Phone::enrol(&server.address, "bilal", PASSWORD).expect("enrol");
    let acked = Acked::default();

    // Act: a first batch, then one larger than the limit allows.
    let refusal = fill_the_disk(&mut amina, &acked);

    // Assert: the same clear error as a full disk; the server is still up,
    // serves reads, and stored nothing of the failed batch.
    assert_disk_full(refusal);
    assert_eq!(acked.lock().expect("lock").len(), FIRST, "nothing more acknowledged");
    bilal.sync_until_idle(20).expect("a pull-only sync is served");
    assert_eq!(bilal.device.len(), FIRST);
    assert_stored(&database, &acked, FIRST as i64);

    // The limit is lifted: the server restarts without it and takes the batch.
    server.kill();
    let server = ServerProcess::start(data, port);
    sync_until_stored(&mut amina, &acked);
    bilal.sync_until_idle(50).expect("bilal syncs");
    assert_eq!(bilal.device.len(), ALL, "every contact reached the other phone");
    server.kill();
    assert_stored(&database, &acked, ALL as i64);
    assert_projection_equals_reproject(data);
}
