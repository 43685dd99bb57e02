//! The store's writer with random and with time-ordered record ids.
//!
//! ```text
//! cargo run --release -p relais --example writer_ids [-- BATCHES [ROUNDS]]
//! ```
//!
//! Two fresh stores in a temporary folder receive the same kind of pushes
//! (batches of 1,000 new contacts from the demo generator), one with random
//! (version 4) document ids, the other with time-ordered (version 7) ids, as
//! phones now make them. Batches alternate between the two stores, so both
//! see the same load on a shared machine. Each push is prepared
//! (`prepare::prepare_push`) and applied (`apply::apply_prepared_batch`) on
//! this thread, and the thread's CPU time of each step is summed
//! (`/proc/thread-self/schedstat`). The ratio of the writer's time is the
//! figure to read (`docs/benchmarks.md`, (b)).

use std::path::Path;

use anyhow::Context;
use automerge::AutoCommit;
use relais_schema::{write, DocumentId, RecordType};
use relais_server::demo::generate::{Author, RecordGenerator};
use relais_sync::accounts::{create_agency, create_user, enrol_device, verify_login, NewUser, Role};
use relais_sync::protocol::{BatchId, PushDoc};
use relais_sync::DeviceAuth;
use rusqlite::Connection;

const NOW: &str = "2026-11-29T10:00:00Z";
const BATCH: usize = 1_000;

/// This thread's CPU time, in seconds.
fn thread_cpu() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").context("reading the thread's CPU time")?;
    let nanos: f64 = stat
        .split_whitespace()
        .next()
        .context("empty schedstat")?
        .parse()
        .context("schedstat is not a number")?;
    Ok(nanos * 1e-9)
}

/// One store and what it took.
struct Variant {
    name: &'static str,
    ids: fn() -> DocumentId,
    writer: Connection,
    reader: Connection,
    who: DeviceAuth,
    prepare_seconds: f64,
    writer_seconds: f64,
}

impl Variant {
    fn open(dir: &Path, name: &'static str, ids: fn() -> DocumentId) -> anyhow::Result<Variant> {
        let path = dir.join(format!("{name}.sqlite"));
        let mut writer = relais_sync::open::open_writer(&path)?;
        let reader = relais_sync::open::open_reader(&path)?;
        let agency = create_agency(&writer, "Agence Bench", NOW)?;
        create_user(
            &mut writer,
            &NewUser {
                username: "bench.agent",
                display_name: "Bench Agent",
                role: Role::Agent,
                password: "bench-password",
                agencies: &[agency],
            },
            NOW,
        )?;
        let user = verify_login(&writer, "bench.agent", "bench-password")?.context("the bench agent logs in")?;
        let (device, _token) = enrol_device(&writer, &user, agency, "bench", NOW)?;
        Ok(Variant {
            name,
            ids,
            writer,
            reader,
            who: DeviceAuth {
                device,
                user: user.id,
                agency,
            },
            prepare_seconds: 0.0,
            writer_seconds: 0.0,
        })
    }

    /// Push `BATCH` new contacts made from `seed`.
    fn push_batch(&mut self, seed: u64) -> anyhow::Result<()> {
        let today = time::OffsetDateTime::now_utc().date();
        let author = Author {
            user: self.who.user,
            agency: self.who.agency,
        };
        let mut generator = RecordGenerator::new(seed, today);
        let mut push = Vec::with_capacity(BATCH);
        for _ in 0..BATCH {
            let id = (self.ids)();
            let mut doc = AutoCommit::new();
            write::write_contact(&mut doc, &generator.contact(id, author, today))?;
            let change = doc
                .get_last_local_change()
                .context("a new contact has a change")?
                .clone();
            push.push(PushDoc {
                id,
                doc_type: RecordType::Contact,
                heads: vec![change.hash()],
                changes: vec![change],
            });
        }
        let batch = BatchId::random();
        let started = thread_cpu()?;
        let prepared = relais_sync::prepare::prepare_push(&self.reader, &self.who, batch, &push)?;
        let prepared_at = thread_cpu()?;
        relais_sync::apply::apply_prepared_batch(&mut self.writer, &self.who, batch, &push, prepared, NOW)?;
        self.prepare_seconds += prepared_at - started;
        self.writer_seconds += thread_cpu()? - prepared_at;
        Ok(())
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let batches: usize = args.next().map_or(Ok(10), |a| a.parse()).context("BATCHES")?;
    let rounds: usize = args.next().map_or(Ok(2), |a| a.parse()).context("ROUNDS")?;
    let dir = tempfile::tempdir()?;
    let mut variants = [
        Variant::open(dir.path(), "random ids", DocumentId::random)?,
        Variant::open(dir.path(), "time-ordered ids", DocumentId::time_ordered)?,
    ];
    for round in 0..rounds {
        for batch in 0..batches {
            // Alternate which store goes first, and give both the same records.
            let seed = (round * batches + batch) as u64;
            let order = if batch % 2 == 0 { [0, 1] } else { [1, 0] };
            for index in order {
                variants[index].push_batch(seed)?;
            }
        }
    }
    let documents = (rounds * batches * BATCH) as f64;
    println!(
        "{} rounds of {batches} batches of {BATCH} new contacts per store ({} documents each)",
        rounds, documents
    );
    let first = variants[0].writer_seconds;
    for v in &variants {
        println!(
            "{:>17}: prepare {:.1} µs per document, writer {:.1} µs per document ({:.2} of random ids)",
            v.name,
            v.prepare_seconds * 1e6 / documents,
            v.writer_seconds * 1e6 / documents,
            v.writer_seconds / first
        );
    }
    Ok(())
}
