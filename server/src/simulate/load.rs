//! `relais simulate --scenario load`: many phones working and syncing at
//! once, as fast as the server answers, for `--rounds` cycles each.
//!
//! Every phone enrols, fetches its agency, then loops: a little offline
//! work (`--contacts-per-device`, `--edits-per-device`,
//! `--marks-per-device`), then a sync until idle. Every round trip is timed
//! on its own (the time waiting for the answer), so the report gives
//! latency percentiles, round trips and documents per second, and the share
//! of attempts that failed (retried, as a phone does). With `--server-pid`
//! it adds the server's CPU seconds and peak memory over the measured phase.
//! At the end every phone syncs until the fleet is quiet and must hold
//! exactly what a new phone of its agency receives.
//!
//! `--username` may list several logins separated by commas (one password
//! for all): phone i enrols as login i modulo their number, so that a run
//! spreads phones over several agencies as a real deployment does
//! (`bench/load.sh` creates them).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::Rng;
use relais_schema::{write, Attendance, DocumentId, RecordType};
use relais_sync::protocol;
use serde::Serialize;

use super::convergence::{compare, replica};
use super::fleet::{sync_until_idle, with_retries, Budgets, Fleet};
use super::server_process::{ProcessUsage, ServerProcess};
use super::{device_seed, today, SimulateArgs, MAX_PASSES};
use crate::demo::generate::{Author, RecordGenerator};
use crate::phone::{Phone, PhoneError};

/// Round trips one phone may need in one cycle before that is a bug.
const MAX_ROUND_TRIPS: usize = 1_000;
/// Contacts and sessions each agency starts with, for edits and marks.
const SEED_CONTACTS: usize = 10;
const SEED_SESSIONS: usize = 2;

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

impl Latency {
    /// Percentiles of `samples` (nearest rank); zeros when there are none.
    pub fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            if samples.is_empty() {
                return 0.0;
            }
            let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            samples[rank - 1].as_secs_f64() * 1000.0
        };
        Latency {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// What the load run measured.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LoadReport {
    /// Server address.
    pub server: String,
    /// Phones syncing at once.
    pub devices: usize,
    /// Agencies they belong to.
    pub agencies: usize,
    /// Work-then-sync cycles per phone.
    pub rounds: usize,
    /// Seconds of the measured phase.
    pub seconds: f64,
    /// Sync round trips answered.
    pub round_trips: u64,
    /// `round_trips / seconds`.
    pub round_trips_per_second: f64,
    /// Documents pushed and answered.
    pub documents_pushed: u64,
    /// `documents_pushed / seconds`.
    pub documents_per_second: f64,
    /// Time waiting for each sync answer.
    pub latency_ms: Latency,
    /// Attempts that failed (network or 5xx) and were retried.
    pub errors: u64,
    /// `errors / (round_trips + errors)`.
    pub error_rate: f64,
    /// What the server used during the measured phase, with `--server-pid`.
    pub server_usage: Option<ProcessUsage>,
    /// Every phone holds what a new phone of its agency receives.
    pub converged: bool,
    /// The first difference found, if any.
    pub first_difference: Option<String>,
}

/// One phone's measured cycles.
#[derive(Debug, Default)]
struct Cycles {
    latencies: Vec<Duration>,
    pushed: u64,
    errors: u64,
}

/// Run the scenario and print its report; fails when the phones did not converge.
pub fn run(args: &SimulateArgs, server: &str, logins: &[(String, String)]) -> anyhow::Result<()> {
    let logins = split_logins(logins);
    let process = args.server_pid.map(ServerProcess::new);
    let mut fleet = Fleet::enrol(server, &logins, args.devices, args.concurrency, Budgets::of(args))?;
    fleet.sync_until_quiet(MAX_PASSES)?;
    seed_agencies(&mut fleet)?;

    let mark = process.map(|p| p.start_phase());
    let started = Instant::now();
    let cycles = fleet.on_each(|index, phone| {
        let mut cycles = Cycles::default();
        for round in 0..args.rounds {
            offline_work(phone, args, device_seed(args.seed, index, round))?;
            sync_timed(phone, &mut cycles)?;
        }
        Ok(cycles)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let server_usage = process.zip(mark).map(|(p, m)| p.end_phase(m));

    fleet.sync_until_quiet(MAX_PASSES)?;
    let (converged, first_difference) = check_convergence(server, &logins, &fleet, Budgets::of(args))?;
    let mut latencies: Vec<Duration> = cycles.iter().flat_map(|c| c.latencies.iter().copied()).collect();
    let round_trips = latencies.len() as u64;
    let errors: u64 = cycles.iter().map(|c| c.errors).sum();
    let documents_pushed: u64 = cycles.iter().map(|c| c.pushed).sum();
    let report = LoadReport {
        server: server.to_owned(),
        devices: fleet.phones.len(),
        agencies: agencies(&fleet).len(),
        rounds: args.rounds,
        seconds,
        round_trips,
        round_trips_per_second: round_trips as f64 / seconds.max(f64::EPSILON),
        documents_pushed,
        documents_per_second: documents_pushed as f64 / seconds.max(f64::EPSILON),
        latency_ms: Latency::of(&mut latencies),
        errors,
        error_rate: errors as f64 / (round_trips + errors).max(1) as f64,
        server_usage,
        converged,
        first_difference,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("cannot write the report as JSON")?
        );
    } else {
        print!("{}", to_text(&report));
    }
    if !report.converged {
        bail!("the simulated devices did not converge");
    }
    Ok(())
}

/// `a,b,c` with one password becomes three logins.
fn split_logins(logins: &[(String, String)]) -> Vec<(String, String)> {
    logins
        .iter()
        .flat_map(|(names, password)| {
            names
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(move |n| (n.to_owned(), password.clone()))
        })
        .collect()
}

/// The first phone of each agency, by index.
fn agencies(fleet: &Fleet) -> BTreeMap<relais_schema::AgencyId, usize> {
    let mut first = BTreeMap::new();
    for (index, phone) in fleet.phones.iter().enumerate() {
        first.entry(phone.agency).or_insert(index);
    }
    first
}

fn author(phone: &Phone) -> Author {
    Author {
        user: phone.user,
        agency: phone.agency,
    }
}

/// Give every agency contacts to edit and sessions to mark, created by its first phone.
fn seed_agencies(fleet: &mut Fleet) -> anyhow::Result<()> {
    let today = today();
    for (_, index) in agencies(fleet) {
        let phone = &mut fleet.phones[index];
        let author = author(phone);
        let mut generator = RecordGenerator::new(index as u64, today);
        for _ in phone.device.documents_of(RecordType::Session).len()..SEED_SESSIONS {
            phone.device.create(RecordType::Session, |doc, id| {
                write::write_session(doc, &generator.session(id, author, today, today, &[author.user]))
            })?;
        }
        for _ in phone.device.documents_of(RecordType::Contact).len()..SEED_CONTACTS {
            phone.device.create(RecordType::Contact, |doc, id| {
                write::write_contact(doc, &generator.contact(id, author, today))
            })?;
        }
    }
    fleet.sync_until_quiet(MAX_PASSES)?;
    Ok(())
}

/// New contacts, edits of the agency's contacts, attendance marks.
fn offline_work(phone: &mut Phone, args: &SimulateArgs, seed: u64) -> anyhow::Result<()> {
    let today = today();
    let author = author(phone);
    let mut generator = RecordGenerator::new(seed, today);
    let contacts: Vec<DocumentId> = phone.device.documents_of(RecordType::Contact);
    let sessions: Vec<DocumentId> = phone.device.documents_of(RecordType::Session);
    for _ in 0..args.contacts_per_device {
        phone.device.create(RecordType::Contact, |doc, id| {
            write::write_contact(doc, &generator.contact(id, author, today))
        })?;
    }
    if !contacts.is_empty() {
        for _ in 0..args.edits_per_device {
            let contact = contacts[generator.rng().gen_range(0..contacts.len())];
            let edit = generator.contact_edit(author, today);
            phone.device.edit(contact, |doc| edit.apply(doc))?;
        }
    }
    if !contacts.is_empty() && !sessions.is_empty() {
        for _ in 0..args.marks_per_device {
            let session = sessions[generator.rng().gen_range(0..sessions.len())];
            let mark = Attendance {
                contact_id: contacts[generator.rng().gen_range(0..contacts.len())],
                status: generator.attendance_status(),
                by: Some(author.user),
                at: Some(generator.working_time(today)),
            };
            phone.device.edit(session, |doc| write::mark_attendance(doc, &mark))?;
        }
    }
    Ok(())
}

/// Sync until idle, timing each answered round trip and counting failed attempts.
fn sync_timed(phone: &mut Phone, cycles: &mut Cycles) -> anyhow::Result<()> {
    for _ in 0..MAX_ROUND_TRIPS {
        let request = phone.device.next_request(phone.budget())?;
        let pushed = request.push.len() as u64;
        let body = protocol::encode_request(&request);
        let answer = with_retries(|| {
            let sent = Instant::now();
            let result = phone.post_sync(body.clone());
            match &result {
                Ok(_) => cycles.latencies.push(sent.elapsed()),
                Err(PhoneError::Network(_)) => cycles.errors += 1,
                Err(PhoneError::Refused { status, .. }) if *status >= 500 => cycles.errors += 1,
                Err(_) => {}
            }
            result
        })?;
        cycles.pushed += pushed;
        phone.device.handle_response(protocol::decode_response(&answer)?)?;
        if phone.device.is_idle() {
            return Ok(());
        }
    }
    bail!("the device is still not idle after {MAX_ROUND_TRIPS} round trips")
}

/// A new phone per agency fetches the server's copy; every phone of that agency must equal it.
fn check_convergence(
    server: &str,
    logins: &[(String, String)],
    fleet: &Fleet,
    budgets: Budgets,
) -> anyhow::Result<(bool, Option<String>)> {
    for (agency, index) in agencies(fleet) {
        let login = &logins[index % logins.len()];
        let mut fresh = Fleet::enrol(server, std::slice::from_ref(login), 1, 1, budgets)?;
        fresh.on_each(|_, phone| sync_until_idle(phone))?;
        let reference = fresh.phones.first().context("the fresh device did not enrol")?;
        let replicas: Vec<_> = fleet
            .phones
            .iter()
            .filter(|p| p.agency == agency)
            .map(|p| replica(&p.device))
            .collect();
        let convergence = compare(&replica(&reference.device), &replicas);
        if !convergence.converged {
            return Ok((false, convergence.first_difference));
        }
    }
    Ok((true, None))
}

fn to_text(r: &LoadReport) -> String {
    let mut text = format!(
        "load: {} devices in {} agencies, {} rounds each, {:.1} s\n\
         round trips: {} ({:.1}/s); documents pushed: {} ({:.1}/s)\n\
         latency (ms): p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}\n\
         errors: {} ({:.2} %)\n",
        r.devices,
        r.agencies,
        r.rounds,
        r.seconds,
        r.round_trips,
        r.round_trips_per_second,
        r.documents_pushed,
        r.documents_per_second,
        r.latency_ms.p50,
        r.latency_ms.p90,
        r.latency_ms.p99,
        r.latency_ms.max,
        r.errors,
        r.error_rate * 100.0
    );
    if let Some(usage) = r.server_usage {
        text.push_str(&format!(
            "server: {} CPU s, peak RSS {} MiB\n",
            usage.cpu_seconds.map_or("?".into(), |s| format!("{s:.1}")),
            usage.peak_rss_mib.map_or("?".into(), |m| format!("{m:.0}"))
        ));
    }
    text.push_str(if r.converged {
        "converged: every device holds what a new device of its agency receives\n"
    } else {
        "NOT converged\n"
    });
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_over_the_samples() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let latency = Latency::of(&mut samples);
        assert_eq!(
            (latency.p50, latency.p90, latency.p99, latency.max),
            (50.0, 90.0, 99.0, 100.0)
        );
        assert_eq!(Latency::of(&mut []).max, 0.0);
    }

    #[test]
    fn a_comma_separated_username_is_several_logins_with_one_password() {
        let logins = split_logins(&[("a1, a2,,b1".into(), "pw".into())]);
        let names: Vec<&str> = logins.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a1", "a2", "b1"]);
        assert!(logins.iter().all(|(_, p)| p == "pw"));
    }
}
