//! What a simulation measured, as text for people and JSON for scripts.

use std::fmt::Write as _;

use relais_schema::RecordType;
use relais_sync::device::Device;
use serde::Serialize;

use super::convergence::Convergence;
use super::server_process::ProcessUsage;
use crate::phone::Traffic;

/// A quantity summed over devices, with its spread.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Spread {
    /// Over every device.
    pub total: u64,
    /// Mean per device.
    pub per_device: f64,
    /// Smallest per device.
    pub min: u64,
    /// Largest per device.
    pub max: u64,
}

impl Spread {
    /// The spread of `values` (one per device).
    pub fn of(values: impl IntoIterator<Item = u64>) -> Self {
        let values: Vec<u64> = values.into_iter().collect();
        let total = values.iter().sum();
        Self {
            total,
            per_device: if values.is_empty() {
                0.0
            } else {
                total as f64 / values.len() as f64
            },
            min: values.iter().copied().min().unwrap_or(0),
            max: values.iter().copied().max().unwrap_or(0),
        }
    }
}

/// Seconds per device: the mean and the largest.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct SecondsSpread {
    /// Mean per device.
    pub per_device: f64,
    /// Largest per device.
    pub max: f64,
}

impl SecondsSpread {
    /// The spread of `durations` (one per device).
    pub fn of(durations: &[std::time::Duration]) -> Option<Self> {
        if durations.is_empty() {
            return None;
        }
        let seconds: Vec<f64> = durations.iter().map(|d| d.as_secs_f64()).collect();
        Some(Self {
            per_device: seconds.iter().sum::<f64>() / seconds.len() as f64,
            max: seconds.iter().copied().fold(0.0, f64::max),
        })
    }
}

/// One measured phase of a scenario.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Phase {
    /// `first_sync`, `sync`, `ingest`…
    pub name: &'static str,
    /// What it is, in words.
    pub description: String,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Of which each device spent waiting for the server's answers (the rest
    /// is its own Automerge work, on the simulator's shared CPUs).
    pub waiting: Option<SecondsSpread>,
    /// Devices taking part.
    pub devices: usize,
    /// HTTP requests.
    pub requests: Spread,
    /// Request bytes as sent.
    pub bytes_up: Spread,
    /// Response bytes as received.
    pub bytes_down: Spread,
    /// Documents pushed and acknowledged (ingest) or held at the end (first sync).
    pub documents: Option<u64>,
    /// `documents / seconds`.
    pub documents_per_second: Option<f64>,
    /// Sync passes over the fleet until quiet.
    pub passes: Option<usize>,
    /// What the server process used, with `--server-pid`.
    pub server: Option<ProcessUsage>,
}

impl Phase {
    /// A phase measured by the traffic difference of each device.
    pub fn from_traffic(
        name: &'static str,
        description: String,
        seconds: f64,
        before: &[Traffic],
        after: &[Traffic],
    ) -> Self {
        let delta = |f: fn(&Traffic) -> u64| {
            Spread::of(
                after
                    .iter()
                    .zip(before.iter().chain(std::iter::repeat(&Traffic::default())))
                    .map(move |(a, b)| f(a).saturating_sub(f(b))),
            )
        };
        Self {
            name,
            description,
            seconds,
            waiting: None,
            devices: after.len(),
            requests: delta(|t| t.requests),
            bytes_up: delta(|t| t.bytes_up),
            bytes_down: delta(|t| t.bytes_down),
            documents: None,
            documents_per_second: None,
            passes: None,
            server: None,
        }
    }
}

/// Documents on the server at the end, by type.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct DocumentCounts {
    /// All documents.
    pub total: usize,
    /// Contacts.
    pub contacts: usize,
    /// Sessions.
    pub sessions: usize,
    /// Outreach visits.
    pub visits: usize,
}

impl DocumentCounts {
    /// The documents `device` holds, by type.
    pub fn of(device: &Device) -> Self {
        Self {
            total: device.len(),
            contacts: device.documents_of(RecordType::Contact).len(),
            sessions: device.documents_of(RecordType::Session).len(),
            visits: device.documents_of(RecordType::Visit).len(),
        }
    }
}

/// The offline work the devices did.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct Work {
    /// Contacts created.
    pub contacts_created: usize,
    /// Contact edits.
    pub contact_edits: usize,
    /// Attendance marks.
    pub attendance_marks: usize,
    /// Rounds of offline work then sync.
    pub rounds: usize,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// `day`, `ingest` or `first-sync`.
    pub scenario: &'static str,
    /// Server address.
    pub server: String,
    /// Simulated devices.
    pub devices: usize,
    /// Documents on the server at the end, when known.
    pub documents: Option<DocumentCounts>,
    /// Offline work done, for the day scenario.
    pub work: Option<Work>,
    /// Measured phases, in order.
    pub phases: Vec<Phase>,
    /// Whether the check passed: every device equals the server (day, first
    /// sync) or every pushed document was acknowledged (ingest).
    pub converged: bool,
    /// The comparison of replicas, when one was made.
    pub convergence: Option<Convergence>,
    /// Documents the server refused or quarantined (a bug in the simulator or the server).
    pub refused: Vec<String>,
}

fn bytes(n: f64) -> String {
    if n >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", n / (1024.0 * 1024.0))
    } else if n >= 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{n:.0} B")
    }
}

impl Report {
    /// The report as text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "relais simulate: scenario {} against {}, {} devices",
            self.scenario, self.server, self.devices
        );
        if let Some(d) = self.documents {
            let _ = writeln!(
                out,
                "documents on the server: {} ({} contacts, {} sessions, {} visits)",
                d.total, d.contacts, d.sessions, d.visits
            );
        }
        if let Some(w) = self.work {
            let _ = writeln!(
                out,
                "offline work: {} contacts created, {} contact edits, {} attendance marks over {} round(s)",
                w.contacts_created, w.contact_edits, w.attendance_marks, w.rounds
            );
        }
        for phase in &self.phases {
            let _ = writeln!(
                out,
                "\n{} — {}\n  seconds            {:.2}",
                phase.name, phase.description, phase.seconds
            );
            if let Some(waiting) = phase.waiting {
                let _ = writeln!(
                    out,
                    "  waiting for server {:.2} s per device (max {:.2})",
                    waiting.per_device, waiting.max
                );
            }
            let _ = writeln!(
                out,
                "  requests           {} total, {:.1} per device (min {}, max {})",
                phase.requests.total, phase.requests.per_device, phase.requests.min, phase.requests.max
            );
            for (label, spread) in [("bytes up", phase.bytes_up), ("bytes down", phase.bytes_down)] {
                let _ = writeln!(
                    out,
                    "  {label:<18} {} total, {} per device (max {})",
                    bytes(spread.total as f64),
                    bytes(spread.per_device),
                    bytes(spread.max as f64)
                );
            }
            if let Some(documents) = phase.documents {
                let _ = write!(out, "  documents          {documents}");
                if let Some(rate) = phase.documents_per_second {
                    let _ = write!(out, " ({rate:.0} per second)");
                }
                let _ = writeln!(out);
            }
            if let Some(passes) = phase.passes {
                let _ = writeln!(out, "  passes             {passes}");
            }
            if let Some(server) = phase.server {
                let cpu = server.cpu_seconds.map_or("?".to_owned(), |s| format!("{s:.2}"));
                let peak = server.peak_rss_mib.map_or("?".to_owned(), |m| format!("{m:.1}"));
                let _ = writeln!(
                    out,
                    "  server             {cpu} CPU seconds, peak RSS {peak} MiB{}",
                    if server.peak_is_for_this_phase {
                        ""
                    } else {
                        " (since the server started)"
                    }
                );
            }
        }
        let _ = writeln!(out);
        if let Some(c) = &self.convergence {
            let _ = writeln!(
                out,
                "convergence: {} devices compared with a fresh device's copy of the server ({} documents); {} differ",
                c.devices, c.documents, c.differing_devices
            );
            if let Some(first) = &c.first_difference {
                let _ = writeln!(out, "  first difference: {first}");
            }
        }
        if !self.refused.is_empty() {
            let _ = writeln!(out, "refused or quarantined documents: {}", self.refused.len());
            for line in self.refused.iter().take(5) {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(out, "converged: {}", if self.converged { "yes" } else { "NO" });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spread_sums_and_averages_per_device() {
        let spread = Spread::of([1, 2, 6]);
        assert_eq!(spread.total, 9);
        assert_eq!(spread.per_device, 3.0);
        assert_eq!((spread.min, spread.max), (1, 6));
        assert_eq!(Spread::of([]).per_device, 0.0);
    }

    #[test]
    fn a_phase_counts_only_what_happened_during_it() {
        let before = [Traffic {
            requests: 2,
            bytes_up: 100,
            bytes_down: 1000,
        }];
        let after = [
            Traffic {
                requests: 3,
                bytes_up: 150,
                bytes_down: 1600,
            },
            // A device enrolled during the phase starts from zero.
            Traffic {
                requests: 1,
                bytes_up: 10,
                bytes_down: 20,
            },
        ];
        let phase = Phase::from_traffic("sync", "test".into(), 1.0, &before, &after);
        assert_eq!(phase.requests.total, 2);
        assert_eq!(phase.bytes_up.total, 60);
        assert_eq!(phase.bytes_down.max, 600);
    }
}
