//! Server ingest rate: phones push batches of new contacts at once.
//!
//! The contacts are created and the requests encoded and gzipped before the
//! clock starts (as a phone does on its own processor, which here would
//! share the server's), and the requests carry no pull, so the time measured
//! is the server's: receiving, gunzipping, parsing, applying, projecting and
//! committing, plus the HTTP round trip and the phones reading the answers.

use std::sync::Mutex;
use std::time::Instant;

use anyhow::bail;
use relais_schema::{write, RecordType};
use relais_sync::protocol::{self, DocStatus};

use super::fleet::{with_retries, Budgets, Fleet};
use super::report::{Phase, Report};
use super::server_process::ServerProcess;
use super::{device_seed, today, SimulateArgs};
use crate::demo::generate::{Author, RecordGenerator};
use crate::phone::SyncBody;

/// Push rounds after which contacts still pending are a bug.
const MAX_PUSH_ROUNDS: usize = 1_000;

/// Run the scenario.
pub fn run(args: &SimulateArgs, server: &str, logins: &[(String, String)]) -> anyhow::Result<Report> {
    let process = args.server_pid.map(ServerProcess::new);
    let mut fleet = Fleet::enrol(server, logins, args.devices, args.concurrency, Budgets::of(args))?;

    let started = Instant::now();
    let today = today();
    let contacts = args.contacts_per_device;
    fleet.on_each(|index, phone| {
        let author = Author {
            user: phone.user,
            agency: phone.agency,
        };
        let mut generator = RecordGenerator::new(device_seed(args.seed, index, 0), today);
        for _ in 0..contacts {
            phone.device.create(RecordType::Contact, |doc, id| {
                write::write_contact(doc, &generator.contact(id, author, today))
            })?;
        }
        Ok(())
    })?;
    let generation = Phase::from_traffic(
        "generation",
        "devices create contacts offline (no network)".into(),
        started.elapsed().as_secs_f64(),
        &fleet.traffic(),
        &fleet.traffic(),
    );

    let before = fleet.traffic();
    let mark = process.map(|p| p.start_phase());
    let mut seconds = 0.0;
    let mut acknowledged = 0u64;
    let mut refused = Vec::new();
    for _ in 0..MAX_PUSH_ROUNDS {
        if fleet.phones.iter().all(|p| p.device.pending() == 0) {
            break;
        }
        let bodies: Vec<Mutex<Option<SyncBody>>> = fleet
            .on_each(|_, phone| {
                if phone.device.pending() == 0 {
                    return Ok(None);
                }
                let mut request = phone.device.next_request(phone.budget())?;
                request.pull = None;
                Ok(Some(SyncBody::new(protocol::encode_request(&request))))
            })?
            .into_iter()
            .map(Mutex::new)
            .collect();
        let started = Instant::now();
        let outcomes = fleet.on_each(|index, phone| {
            let body = bodies
                .get(index)
                .and_then(|slot| slot.lock().ok().and_then(|mut b| b.take()));
            let Some(body) = body else {
                return Ok((0u64, Vec::new()));
            };
            let answer = with_retries(|| phone.post_body(&body))?;
            let response = protocol::decode_response(&answer)?;
            let mut ok = 0u64;
            let mut refused = Vec::new();
            for result in &response.results {
                match &result.status {
                    DocStatus::Ok => ok += 1,
                    other => refused.push(format!("{} {}", result.id, other.as_str())),
                }
            }
            phone.device.handle_response(response)?;
            Ok((ok, refused))
        })?;
        seconds += started.elapsed().as_secs_f64();
        for (ok, r) in outcomes {
            acknowledged += ok;
            refused.extend(r);
        }
    }
    let pending: usize = fleet.phones.iter().map(|p| p.device.pending()).sum();
    if pending > 0 {
        bail!("{pending} documents are still pending after {MAX_PUSH_ROUNDS} pushes");
    }
    let mut ingest = Phase::from_traffic(
        "ingest",
        "devices push their new contacts at once (no pull): documents stored and projected per second".into(),
        seconds,
        &before,
        &fleet.traffic(),
    );
    ingest.documents = Some(acknowledged);
    ingest.documents_per_second = (seconds > 0.0).then(|| acknowledged as f64 / seconds);
    ingest.server = process.zip(mark).map(|(p, m)| p.end_phase(m));

    let expected = (contacts * fleet.phones.len()) as u64;
    Ok(Report {
        scenario: "ingest",
        server: server.to_owned(),
        devices: fleet.phones.len(),
        documents: None,
        work: None,
        phases: vec![generation, ingest],
        converged: acknowledged == expected && refused.is_empty(),
        convergence: None,
        refused,
    })
}
