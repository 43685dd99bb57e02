//! Kill -9 the server at random moments while phones sync; after every kill
//! the database passes `PRAGMA integrity_check`, holds every change it
//! acknowledged, and its projection equals a fresh `relais reproject`.
//!
//! `RELAIS_CRASH_KILLS` and `RELAIS_CRASH_PHONES` set the size of the run
//! (`scripts/crash-loop.sh` runs 50 kills with 30 phones); the default is the
//! short version run with the other tests.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use relais_schema::{write, RecordType};
use relais_server::demo::generate::RecordGenerator;
use relais_server::phone::{Phone, PhoneError};
use relais_tests::app::PASSWORD;
use relais_tests::process::{create_agents, free_port, numbered_agents, ServerProcess};
use rusqlite::Connection;

use crate::support::{
    assert_acknowledged_present, assert_intact, assert_no_duplicates, assert_projection_equals_reproject,
    assert_replicas_identical, author, sync_recording, sync_until_idle_through_faults, Acked, PATIENCE,
};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Server generation: bumped after each restart, so that phones wait for it instead of spinning.
#[derive(Default)]
struct Generation {
    value: Mutex<u64>,
    changed: Condvar,
}

impl Generation {
    fn current(&self) -> u64 {
        *self.value.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn bump(&self) {
        *self.value.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.changed.notify_all();
    }
    fn wait_past(&self, seen: u64, stop: &AtomicBool) {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = Instant::now() + PATIENCE;
        while *value == seen && !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
            value = self
                .changed
                .wait_timeout(value, PATIENCE)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// Stops the phone threads however the test ends.
struct StopOnDrop(Arc<AtomicBool>, Arc<Generation>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
        self.1.bump();
    }
}

/// One phone's loop: a new contact or an edit of one of its own, then a sync.
fn phone_loop(
    mut phone: Phone,
    index: usize,
    stop: &AtomicBool,
    generation: &Generation,
    acked: &Acked,
    successes: &AtomicUsize,
) -> Phone {
    let author = author(&phone);
    let today = time::macros::date!(2026 - 11 - 29);
    let mut generator = RecordGenerator::new(index as u64 + 1, today);
    let mut mine = Vec::new();
    let mut step = 0usize;
    while !stop.load(Ordering::SeqCst) {
        step += 1;
        if step.is_multiple_of(3) && !mine.is_empty() {
            let id = mine[generator.rng().gen_range(0..mine.len())];
            let edit = generator.contact_edit(author, today);
            phone.device.edit(id, |doc| edit.apply(doc)).expect("edit");
        } else if phone.device.pending() < 20 {
            let id = phone
                .device
                .create(RecordType::Contact, |doc, id| {
                    write::write_contact(doc, &generator.contact(id, author, today))
                })
                .expect("contact");
            mine.push(id);
        }
        let seen = generation.current();
        match sync_recording(&mut phone, acked) {
            Ok(()) => {
                successes.fetch_add(1, Ordering::SeqCst);
            }
            Err(PhoneError::Network(_)) => generation.wait_past(seen, stop),
            Err(PhoneError::Refused { status, .. }) if status >= 500 => generation.wait_past(seen, stop),
            Err(other) => panic!("phone {index}: {other}"),
        }
    }
    phone
}

#[test]
fn every_acknowledged_change_survives_kill_nine_at_random_moments() {
    // Arrange: accounts, the server as a child process, phones syncing in a loop.
    let kills = setting("RELAIS_CRASH_KILLS", 4);
    let phones = setting("RELAIS_CRASH_PHONES", 30);
    let mut rng = rand::rngs::StdRng::seed_from_u64(setting("RELAIS_CRASH_SEED", 5) as u64);
    let dir = tempfile::tempdir().expect("temp");
    create_agents(dir.path(), "Agence Crash", numbered_agents(phones));
    let port = free_port();
    let mut server = Some(ServerProcess::start(dir.path(), port));
    let address = format!("http://127.0.0.1:{port}");
    let generation = Arc::new(Generation::default());
    let stop = Arc::new(AtomicBool::new(false));
    let successes = Arc::new(AtomicUsize::new(0));
    let acked = Acked::default();
    let _stop_guard = StopOnDrop(stop.clone(), generation.clone());
    let enrolled: Vec<Phone> = (0..phones)
        .map(|i| Phone::enrol(&address, &format!("agent{i}"), PASSWORD).expect("enrol"))
        .collect();
    let workers: Vec<_> = enrolled
        .into_iter()
        .enumerate()
        .map(|(i, phone)| {
            let (generation, stop, successes, acked) =
                (generation.clone(), stop.clone(), successes.clone(), acked.clone());
            std::thread::spawn(move || phone_loop(phone, i, &stop, &generation, &acked, &successes))
        })
        .collect();
    let wait_for = |what: &str, target: usize| {
        let deadline = Instant::now() + PATIENCE;
        while successes.load(Ordering::SeqCst) < target {
            assert!(
                workers.iter().all(|w| !w.is_finished()),
                "a phone thread stopped ({what})"
            );
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::yield_now();
        }
    };

    // Act and assert after each kill: a random number of acknowledged syncs, then SIGKILL.
    let started = Instant::now();
    for kill in 0..kills {
        let target = successes.load(Ordering::SeqCst) + rng.gen_range(1..=2 * phones);
        wait_for("acknowledged syncs", target);
        server.take().expect("running").kill();

        let conn = Connection::open(dir.path().join("relais.sqlite")).expect("open");
        assert_intact(&conn);
        let acked_now = acked.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_acknowledged_present(&conn, &acked_now);
        assert_no_duplicates(&conn);
        drop(conn);
        assert_projection_equals_reproject(dir.path());

        server = Some(ServerProcess::start(dir.path(), port));
        generation.bump();
        println!(
            "kill {}/{kills}: {} acknowledgements checked, {:.0} s",
            kill + 1,
            acked_now.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let target = successes.load(Ordering::SeqCst) + phones;
    wait_for("syncs after the last restart", target);
    stop.store(true, Ordering::SeqCst);
    generation.bump();
    let mut phones: Vec<Phone> = workers.into_iter().map(|w| w.join().expect("phone thread")).collect();
    // A phone's pooled connection may still point at a killed process: retry.
    for _ in 0..2 {
        for phone in &mut phones {
            sync_until_idle_through_faults(phone, &acked);
        }
    }
    server.take().expect("running").kill();

    // Assert: the phones converged on everything the server holds.
    let conn = Connection::open(dir.path().join("relais.sqlite")).expect("open");
    assert_intact(&conn);
    let acked = acked.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(acked.len() >= kills, "only {} acknowledgements", acked.len());
    assert_acknowledged_present(&conn, &acked);
    let agency: String = conn
        .query_row("SELECT id FROM agencies WHERE name = 'Agence Crash'", [], |r| r.get(0))
        .expect("agency");
    assert_replicas_identical(&conn, &agency, &phones);
    println!(
        "{kills} kills with {} phones: {} acknowledgements, all present, {:.0} s",
        phones.len(),
        acked.len(),
        started.elapsed().as_secs_f64()
    );
}
