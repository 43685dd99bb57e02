//! Kill -9 the server while phones sync in a loop, restart, repeat: every
//! acknowledged change is present and the phones converge.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use automerge::{ChangeHash, ReadDoc};
use relais_schema::DocumentId;
use relais_server::phone::{Phone, PhoneError};
use relais_server::records::{create_contact, set_field};
use relais_sync::protocol::{self, DocStatus};
use relais_tests::app::PASSWORD;
use relais_tests::process::{create_agents, free_port, numbered_agents, ServerProcess};
use relais_tests::world::AT;

const PHONES: usize = 4;
const KILLS: usize = 6;
/// The longest any wait in this test may take before it fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(180);

/// Wait until `done` holds, failing (not hanging) after [`PATIENCE`] or when a phone thread died.
fn wait_for(what: &str, workers: &[std::thread::JoinHandle<Phone>], done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(
            workers.iter().all(|w| !w.is_finished()),
            "a phone thread stopped while waiting for {what}"
        );
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::yield_now();
    }
}

/// Stops the phone threads however the test ends, so that a failure never leaves them running.
struct StopOnDrop(Arc<AtomicBool>, Arc<Generation>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
        self.1.bump();
    }
}

/// Server generation: bumped after each restart, so that phones wait instead of spinning.
#[derive(Default)]
struct Generation {
    value: Mutex<u64>,
    changed: Condvar,
}

impl Generation {
    fn current(&self) -> u64 {
        *self.value.lock().expect("lock")
    }
    fn bump(&self) {
        *self.value.lock().expect("lock") += 1;
        self.changed.notify_all();
    }
    fn wait_past(&self, seen: u64, stop: &AtomicBool) {
        let mut value = self.value.lock().expect("lock");
        let deadline = Instant::now() + PATIENCE;
        while *value == seen && !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
            value = self.changed.wait_timeout(value, PATIENCE).expect("wait").0;
        }
    }
}

type Acked = Arc<Mutex<Vec<(DocumentId, Vec<ChangeHash>)>>>;

/// One round trip that records what the server acknowledged.
fn sync_recording(phone: &mut Phone, acked: &Acked) -> Result<(), PhoneError> {
    let request = phone.device.next_request(1 << 20)?;
    let sent: BTreeMap<_, _> = request.push.iter().map(|d| (d.id, d.heads.clone())).collect();
    let answer = phone.post_sync(protocol::encode_request(&request))?;
    let response = protocol::decode_response(&answer)?;
    let mut acked = acked.lock().expect("lock");
    for result in &response.results {
        if result.status == DocStatus::Ok {
            if let Some(heads) = sent.get(&result.id) {
                acked.push((result.id, heads.clone()));
            }
        }
    }
    drop(acked);
    phone.device.handle_response(response)?;
    Ok(())
}

#[test]
fn every_acknowledged_change_survives_repeated_kill_nine_and_phones_converge() {
    // Arrange: accounts, then the server as a child process.
    let dir = tempfile::tempdir().expect("temp");
    create_agents(dir.path(), "Agence Kill", numbered_agents(PHONES));
    let port = free_port();
    let mut server = Some(ServerProcess::start(dir.path(), port));
    let address = format!("http://127.0.0.1:{port}");
    let generation = Arc::new(Generation::default());
    let stop = Arc::new(AtomicBool::new(false));
    let successes = Arc::new(AtomicUsize::new(0));
    let acked: Acked = Arc::default();
    let _stop_guard = StopOnDrop(stop.clone(), generation.clone());

    // Act: phones create and edit contacts and sync in a loop while the server is killed.
    let workers: Vec<_> = (0..PHONES)
        .map(|i| {
            let (generation, stop, successes, acked, address) = (
                generation.clone(),
                stop.clone(),
                successes.clone(),
                acked.clone(),
                address.clone(),
            );
            std::thread::spawn(move || {
                let mut phone = Phone::enrol(&address, &format!("agent{i}"), PASSWORD).expect("enrol");
                let author = phone.author();
                let mut mine = Vec::new();
                let mut step = 0usize;
                while !stop.load(Ordering::SeqCst) {
                    step += 1;
                    if step.is_multiple_of(3) && !mine.is_empty() {
                        let id = mine[step % mine.len()];
                        set_field(&mut phone.device, id, "city", &format!("Ville {i}-{step}")).expect("edit");
                    } else {
                        let id = create_contact(
                            &mut phone.device,
                            author,
                            AT,
                            &format!("K{i}"),
                            &format!("N{step}"),
                            |_| {},
                        )
                        .expect("create");
                        mine.push(id);
                    }
                    let seen = generation.current();
                    match sync_recording(&mut phone, &acked) {
                        Ok(()) => {
                            successes.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(PhoneError::Network(_)) => generation.wait_past(seen, &stop),
                        Err(other) => panic!("phone {i}: {other}"),
                    }
                }
                phone
            })
        })
        .collect();

    for kill in 0..KILLS {
        let target = (kill + 1) * 25;
        wait_for("acknowledged syncs", &workers, || {
            successes.load(Ordering::SeqCst) >= target
        });
        server.take().expect("running").kill();
        server = Some(ServerProcess::start(dir.path(), port));
        generation.bump();
    }
    let target = successes.load(Ordering::SeqCst) + 10;
    wait_for("syncs after the last restart", &workers, || {
        successes.load(Ordering::SeqCst) >= target
    });
    stop.store(true, Ordering::SeqCst);
    generation.bump();
    let mut phones: Vec<Phone> = workers.into_iter().map(|w| w.join().expect("worker")).collect();
    for _ in 0..2 {
        for phone in &mut phones {
            phone.sync_until_idle(200).expect("final sync");
        }
    }
    server.take().expect("running").kill();

    // Assert: the database is intact, every acknowledged change is there, phones converged.
    let conn = rusqlite::Connection::open(dir.path().join("relais.sqlite")).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > KILLS * 25, "only {} acknowledgements", acked.len());
    for (id, heads) in &acked {
        let snapshot: Vec<u8> = conn
            .query_row("SELECT snapshot FROM documents WHERE id = ?1", [id.to_string()], |r| {
                r.get(0)
            })
            .expect("every acknowledged document is stored");
        let doc = automerge::Automerge::load(&snapshot).expect("loads");
        for head in heads {
            assert!(
                doc.get_change_by_hash(head).is_some(),
                "acknowledged change {head} of {id} was lost"
            );
        }
    }
    let documents: i64 = conn
        .query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))
        .expect("count");
    for phone in &phones {
        assert_eq!(
            phone.device.len() as i64,
            documents,
            "phone {} holds every document",
            phone.device.id()
        );
        for id in phone.device.document_ids() {
            let heads: Vec<u8> = conn
                .query_row("SELECT heads FROM documents WHERE id = ?1", [id.to_string()], |r| {
                    r.get(0)
                })
                .expect("heads");
            assert_eq!(
                phone.device.heads(id),
                Some(relais_sync::apply::heads_from_blob(&heads))
            );
        }
    }
}
