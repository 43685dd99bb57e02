//! CPU time and memory of the server process, read from Linux's `/proc`
//! when the server runs on the same machine (`--server-pid`).

use std::fs;

use serde::Serialize;

/// `/proc/PID/stat` counts CPU time in clock ticks of 1/100 s (`USER_HZ`,
/// which Linux fixes at 100 for user space on every common architecture).
const TICKS_PER_SECOND: f64 = 100.0;

/// The server process to measure.
#[derive(Debug, Clone, Copy)]
pub struct ServerProcess {
    pid: u32,
}

/// Where a measured phase started.
#[derive(Debug, Clone, Copy)]
pub struct PhaseStart {
    ticks: Option<u64>,
    peak_reset: bool,
}

/// What the server used during a phase.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct ProcessUsage {
    /// User plus system CPU seconds.
    pub cpu_seconds: Option<f64>,
    /// Peak resident memory (`VmHWM`), in MiB.
    pub peak_rss_mib: Option<f64>,
    /// Resident memory at the end (`VmRSS`), in MiB.
    pub rss_mib: Option<f64>,
    /// Whether the peak was reset at the start of the phase (otherwise it is
    /// the peak since the server started).
    pub peak_is_for_this_phase: bool,
}

impl ServerProcess {
    /// The process with this id.
    pub fn new(pid: u32) -> Self {
        Self { pid }
    }

    /// Note the CPU time so far and reset the peak-memory mark.
    pub fn start_phase(&self) -> PhaseStart {
        // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
        let peak_reset = fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok();
        PhaseStart {
            ticks: self.cpu_ticks(),
            peak_reset,
        }
    }

    /// What the process used since `start`.
    pub fn end_phase(&self, start: PhaseStart) -> ProcessUsage {
        let cpu_seconds = match (start.ticks, self.cpu_ticks()) {
            (Some(before), Some(after)) => Some(after.saturating_sub(before) as f64 / TICKS_PER_SECOND),
            _ => None,
        };
        ProcessUsage {
            cpu_seconds,
            peak_rss_mib: self.status_kib("VmHWM").map(mib),
            rss_mib: self.status_kib("VmRSS").map(mib),
            peak_is_for_this_phase: start.peak_reset,
        }
    }

    /// utime + stime, in ticks.
    fn cpu_ticks(&self) -> Option<u64> {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.pid)).ok()?;
        parse_cpu_ticks(&stat)
    }

    fn status_kib(&self, key: &str) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        parse_status_kib(&status, key)
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// utime (field 14) + stime (field 15) of a `/proc/PID/stat` line. The
/// command name (field 2) may hold spaces, so fields are counted after its `)`.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // fields[0] is field 3 (state), so field 14 is fields[11].
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// A `Key:   1234 kB` line of `/proc/PID/status`.
fn parse_status_kib(status: &str, key: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        value.split_whitespace().next()?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_after_a_command_name_with_spaces() {
        let stat = "4242 (relais (x) y) S 1 4242 4242 0 -1 4194560 1200 0 0 0 350 45 0 0 20 0 9 0";
        assert_eq!(parse_cpu_ticks(stat), Some(395));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn memory_lines_of_proc_status_are_read_in_kib() {
        let status = "Name:\trelais\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n";
        assert_eq!(parse_status_kib(status, "VmHWM"), Some(51200));
        assert_eq!(parse_status_kib(status, "VmRSS"), Some(40960));
        assert_eq!(parse_status_kib(status, "VmSwap"), None);
    }

    #[test]
    fn this_process_can_be_measured() {
        let me = ServerProcess::new(std::process::id());
        let usage = me.end_phase(me.start_phase());
        assert!(usage.cpu_seconds.is_some_and(|s| s >= 0.0));
        assert!(usage.peak_rss_mib.is_some_and(|m| m > 0.0));
    }
}
