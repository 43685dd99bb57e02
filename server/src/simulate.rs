//! `relais simulate`: phones over HTTP, measured.
//!
//! Each simulated phone is a [`Phone`](crate::phone::Phone): the protocol's
//! device side ([`relais_sync::device::Device`], the same rules as the PWA)
//! with a blocking HTTP client that counts requests and bytes. Phones enrol
//! with a username and password (by default the demo agents', so that
//! `relais simulate --server URL --devices N` works against `serve --demo`;
//! one agent may have several phones), then run a scenario:
//!
//! - `day` (default): every phone makes its first sync, then goes offline and
//!   creates contacts, edits existing ones (some the same as other phones'),
//!   marks attendance on shared sessions; then all sync at once, repeatedly
//!   until a pass where nobody pushes. A fresh phone then fetches the
//!   server's copy, and every phone must hold exactly the same documents at
//!   the same heads.
//! - `ingest`: phones create contacts offline, then push them all at once
//!   without pulling; measures documents stored per second, with the
//!   projection.
//! - `first-sync`: new phones fetch the whole agency; measures bytes and
//!   seconds.
//!
//! With `--server-pid` (a server on this machine) each phase also reports the
//! server's CPU seconds and peak memory. The exit status is non-zero when the
//! devices did not converge (or, for `ingest`, when a push was not
//! acknowledged).

pub mod compare;
pub mod convergence;
pub mod day;
pub mod first_sync;
pub mod fleet;
pub mod ingest;
pub mod load;
pub mod report;
pub mod server_process;

use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use crate::demo::DemoLogins;
use report::Report;

/// Passes over the fleet after which a sync that is still pushing is a bug.
pub const MAX_PASSES: usize = 50;

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// First sync, offline work, all sync at once, convergence check.
    Day,
    /// Phones push batches of new contacts at once: documents stored per second.
    Ingest,
    /// New phones fetch the whole agency.
    FirstSync,
    /// Phones work and sync as fast as answered: latency percentiles, throughput, errors.
    Load,
    /// A `bench/compare` workload file (--workload), devices through their own links (--through).
    Compare,
}

impl Scenario {
    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Day => "day",
            Scenario::Ingest => "ingest",
            Scenario::FirstSync => "first-sync",
            Scenario::Load => "load",
            Scenario::Compare => "compare",
        }
    }
}

/// Options of `relais simulate`.
#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Server base address, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub server: String,
    /// How many phones.
    #[arg(long, default_value_t = 10)]
    pub devices: usize,
    /// What to simulate.
    #[arg(long, value_enum, default_value_t = Scenario::Day)]
    pub scenario: Scenario,
    /// Enrol every phone with this login instead of the demo agents'.
    #[arg(long, requires = "password")]
    pub username: Option<String>,
    /// The password of --username.
    #[arg(long, requires = "username")]
    pub password: Option<String>,
    /// Contacts each phone creates offline (per round).
    #[arg(long, default_value_t = 5)]
    pub contacts_per_device: usize,
    /// Existing contacts each phone edits offline (per round).
    #[arg(long, default_value_t = 3)]
    pub edits_per_device: usize,
    /// Attendance marks each phone makes offline (per round).
    #[arg(long, default_value_t = 3)]
    pub marks_per_device: usize,
    /// Rounds of offline work followed by a sync of every phone.
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
    /// Phones syncing at the same moment at most (one thread each).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Bytes of documents a phone asks for per pull once up to date.
    #[arg(long, default_value_t = crate::phone::PULL_BUDGET)]
    pub pull_budget: u64,
    /// Bytes of documents a phone asks for per pull during its first sync.
    #[arg(long, default_value_t = crate::phone::FIRST_SYNC_BUDGET)]
    pub first_sync_budget: u64,
    /// Seed of the records drawn (the same seed gives the same records).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Process id of the server, when it runs on this machine: report its
    /// CPU seconds and peak memory per phase (Linux).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The workload file of the compare scenario (bench/compare/generate.mjs).
    #[arg(long)]
    pub workload: Option<std::path::PathBuf>,
    /// Compare scenario: each device's address for the measured phase, comma-separated.
    #[arg(long)]
    pub through: Option<String>,
}

/// Run the simulation, print the report, fail when the devices did not converge.
pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    if args.devices == 0 || args.rounds == 0 || args.concurrency == 0 {
        bail!("--devices, --rounds and --concurrency must be at least 1");
    }
    let server = args.server.trim_end_matches('/').to_owned();
    check_health(&server)?;
    let logins = match (&args.username, &args.password) {
        (Some(username), Some(password)) => vec![(username.clone(), password.clone())],
        _ => DemoLogins::fixed()
            .agents()
            .map(|l| (l.username.clone(), l.password.clone()))
            .collect(),
    };
    let report = match args.scenario {
        Scenario::Day => day::run(&args, &server, &logins)?,
        Scenario::Ingest => ingest::run(&args, &server, &logins)?,
        Scenario::FirstSync => first_sync::run(&args, &server, &logins)?,
        Scenario::Load => return load::run(&args, &server, &logins),
        Scenario::Compare => return compare::run(&args, &server, &logins),
    };
    print(&report, args.json)?;
    if !report.converged {
        bail!("the simulated devices did not converge");
    }
    Ok(())
}

fn print(report: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).context("cannot write the report as JSON")?
        );
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}

/// Fail early, with an address in the message, when nothing answers.
fn check_health(server: &str) -> anyhow::Result<()> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .context("cannot build an HTTP client")?;
    let response = client
        .get(format!("{server}/healthz"))
        .send()
        .with_context(|| format!("no Relais server answers at {server}"))?;
    if !response.status().is_success() {
        bail!(
            "the server at {server} is not healthy (GET /healthz answered {})",
            response.status()
        );
    }
    Ok(())
}

/// Today's date, for the records the phones write.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A seed per device and round, derived from `--seed`.
fn device_seed(seed: u64, device: usize, round: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((device as u64) << 20)
        .wrapping_add(round as u64)
}
