//! First sync: new phones fetch the whole agency.

use std::time::Instant;

use anyhow::Context;

use super::convergence::{compare, replica};
use super::fleet::{sync_until_idle, Budgets, Fleet};
use super::report::{DocumentCounts, Phase, Report, SecondsSpread};
use super::server_process::ServerProcess;
use super::SimulateArgs;

/// Run the scenario.
pub fn run(args: &SimulateArgs, server: &str, logins: &[(String, String)]) -> anyhow::Result<Report> {
    let process = args.server_pid.map(ServerProcess::new);
    let mut fleet = Fleet::enrol(server, logins, args.devices, args.concurrency, Budgets::of(args))?;
    let mark = process.map(|p| p.start_phase());
    let started = Instant::now();
    let outcomes = fleet.on_each(|_, phone| sync_until_idle(phone))?;
    let seconds = started.elapsed().as_secs_f64();
    let waiting: Vec<_> = outcomes.iter().map(|o| o.waiting).collect();
    let refused: Vec<String> = outcomes.into_iter().flat_map(|o| o.refused).collect();
    let mut phase = Phase::from_traffic(
        "first_sync",
        "new devices fetch every document of the agency".into(),
        seconds,
        &[],
        &fleet.traffic(),
    );
    phase.server = process.zip(mark).map(|(p, m)| p.end_phase(m));
    phase.waiting = SecondsSpread::of(&waiting);
    let first = fleet.phones.first().context("no device was enrolled")?;
    phase.documents = Some(first.device.len() as u64);
    phase.documents_per_second = (seconds > 0.0).then(|| first.device.len() as f64 / seconds);
    // With no other writer, every new device holds the same copy.
    let replicas: Vec<_> = fleet.phones.iter().map(|p| replica(&p.device)).collect();
    let convergence = compare(&replica(&first.device), &replicas);
    Ok(Report {
        scenario: "first-sync",
        server: server.to_owned(),
        devices: fleet.phones.len(),
        documents: Some(DocumentCounts::of(&first.device)),
        work: None,
        phases: vec![phase],
        converged: convergence.converged && refused.is_empty(),
        convergence: Some(convergence),
        refused,
    })
}
