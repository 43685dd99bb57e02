//! Many phones at once: enrolment, work on a bounded pool of threads, and
//! sync passes until the whole fleet is quiet.

use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use relais_sync::device::DeviceError;
use relais_sync::protocol::{self, DocStatus};

use super::SimulateArgs;
use crate::phone::{Phone, PhoneError, Traffic};

/// Attempts of one round trip before a network failure is fatal.
const ATTEMPTS: u32 = 5;
/// Round trips one device may need in one pass before that is a bug.
const MAX_ROUND_TRIPS: usize = 10_000;

/// Run `work` on every item, on at most `concurrency` threads; results in item order.
pub fn in_parallel<T, R>(
    items: &mut [T],
    concurrency: usize,
    work: impl Fn(usize, &mut T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>>
where
    T: Send,
    R: Send,
{
    let count = items.len();
    let queue = Mutex::new(items.iter_mut().enumerate());
    let joined = thread::scope(|scope| {
        let workers: Vec<_> = (0..concurrency.clamp(1, count.max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = match queue.lock() {
                            Ok(mut queue) => queue.next(),
                            Err(poisoned) => poisoned.into_inner().next(),
                        };
                        let Some((index, item)) = next else {
                            break;
                        };
                        done.push((index, work(index, item)));
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join()).collect::<Vec<_>>()
    });
    let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for worker in joined {
        let done = worker.map_err(|_| anyhow!("a simulated device's thread panicked"))?;
        for (index, result) in done {
            results[index] = Some(result.with_context(|| format!("device {index}"))?);
        }
    }
    results
        .into_iter()
        .collect::<Option<Vec<R>>>()
        .ok_or_else(|| anyhow!("a simulated device was left out"))
}

/// Do `attempt` again after a network failure (a dropped connection, a
/// timeout), as a phone does; a refusal by the server is returned at once.
pub fn with_retries<T>(mut attempt: impl FnMut() -> Result<T, PhoneError>) -> Result<T, PhoneError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt() {
            Err(PhoneError::Network(reason)) if tries < ATTEMPTS => {
                tracing::warn!(tries, "network failure, retrying: {reason}");
                thread::sleep(Duration::from_millis(200 * u64::from(tries)));
            }
            Err(PhoneError::Refused { status, body }) if status >= 500 && tries < ATTEMPTS => {
                tracing::warn!(tries, status, "server error, retrying: {body}");
                thread::sleep(Duration::from_millis(200 * u64::from(tries)));
            }
            other => return other,
        }
    }
}

/// What one device's sync (until idle) did.
#[derive(Debug, Clone, Default)]
pub struct SyncOutcome {
    /// Round trips made.
    pub round_trips: usize,
    /// Documents pushed (answers received for them).
    pub pushed: usize,
    /// Items pulled.
    pub pulled: usize,
    /// Documents the server refused, quarantined or reported erased, with why.
    pub refused: Vec<String>,
    /// Time spent waiting for answers (the rest is the device's own work).
    pub waiting: Duration,
}

/// Push everything pending and pull until the feed is drained.
///
/// This is [`Phone::sync_once`] in a loop, with the time spent waiting for
/// the server measured apart from the time the device spends applying.
pub fn sync_until_idle(phone: &mut Phone) -> anyhow::Result<SyncOutcome> {
    let mut outcome = SyncOutcome::default();
    for _ in 0..MAX_ROUND_TRIPS {
        let request = phone.device.next_request(phone.budget())?;
        let body = protocol::encode_request(&request);
        let sent = Instant::now();
        let answer = with_retries(|| phone.post_sync(body.clone()))?;
        outcome.waiting += sent.elapsed();
        let response = protocol::decode_response(&answer)?;
        outcome.round_trips += 1;
        outcome.pushed += response.results.len();
        outcome.pulled += response.pull.as_ref().map_or(0, |page| page.items.len());
        for result in &response.results {
            match &result.status {
                DocStatus::Ok | DocStatus::Need => {}
                DocStatus::Quarantined(reason) | DocStatus::Rejected(reason) => {
                    outcome
                        .refused
                        .push(format!("{} {}: {reason}", result.id, result.status.as_str()))
                }
                DocStatus::Erased => outcome.refused.push(format!("{} erased", result.id)),
            }
        }
        match phone.device.handle_response(response) {
            // The same page again, as plain changes (the device stopped packing).
            Err(DeviceError::Packed { doc, source }) => tracing::warn!(%doc, "{source}; pulling plain changes"),
            other => other?,
        }
        if phone.device.is_idle() {
            return Ok(outcome);
        }
    }
    bail!("the device is still not idle after {MAX_ROUND_TRIPS} round trips")
}

/// Phones enrolled against one server.
#[derive(Debug)]
pub struct Fleet {
    /// The phones, in enrolment order.
    pub phones: Vec<Phone>,
    /// Threads used at most at once.
    pub concurrency: usize,
}

/// Every pass of [`Fleet::sync_until_quiet`], summed.
#[derive(Debug, Clone, Default)]
pub struct QuietOutcome {
    /// Passes over the whole fleet.
    pub passes: usize,
    /// Documents pushed.
    pub pushed: usize,
    /// Items pulled.
    pub pulled: usize,
    /// Refusals reported to any device.
    pub refused: Vec<String>,
    /// Per device, the time spent waiting for answers.
    pub waiting: Vec<Duration>,
}

/// The pull budgets phones ask for (`--pull-budget`, `--first-sync-budget`).
#[derive(Debug, Clone, Copy)]
pub struct Budgets {
    /// Once up to date.
    pub pull: u64,
    /// During the first sync.
    pub first_sync: u64,
}

impl Budgets {
    /// The budgets of the command line.
    pub fn of(args: &SimulateArgs) -> Budgets {
        Budgets {
            pull: args.pull_budget,
            first_sync: args.first_sync_budget,
        }
    }
}

impl Fleet {
    /// Enrol `count` phones, the i-th with `logins[i % logins.len()]`.
    ///
    /// One after the other, as agents enrol their phones: each enrolment
    /// checks a password with Argon2id (19 MiB and tens of milliseconds on
    /// the server), and a burst of them is not what the measurements are about.
    pub fn enrol(
        server: &str,
        logins: &[(String, String)],
        count: usize,
        concurrency: usize,
        budgets: Budgets,
    ) -> anyhow::Result<Fleet> {
        if logins.is_empty() {
            bail!("no login to enrol devices with");
        }
        let mut phones = Vec::with_capacity(count);
        for slot in 0..count {
            let (username, password) = &logins[slot % logins.len()];
            let mut phone = with_retries(|| Phone::enrol(server, username, password))
                .with_context(|| format!("cannot enrol a device as {username}"))?;
            phone.pull_budget = budgets.pull;
            phone.first_sync_budget = budgets.first_sync;
            phones.push(phone);
        }
        Ok(Fleet { phones, concurrency })
    }

    /// Run `work` on every phone, on the bounded pool.
    pub fn on_each<R: Send>(
        &mut self,
        work: impl Fn(usize, &mut Phone) -> anyhow::Result<R> + Sync,
    ) -> anyhow::Result<Vec<R>> {
        in_parallel(&mut self.phones, self.concurrency, work)
    }

    /// Each phone's traffic so far.
    pub fn traffic(&self) -> Vec<Traffic> {
        self.phones.iter().map(|p| p.traffic).collect()
    }

    /// Every phone syncs until idle, all at once; repeated until a pass in
    /// which nobody pushed anything. The log did not change during that
    /// pass, so every phone ended it holding all of it.
    pub fn sync_until_quiet(&mut self, max_passes: usize) -> anyhow::Result<QuietOutcome> {
        let mut total = QuietOutcome::default();
        for _ in 0..max_passes {
            let outcomes = self.on_each(|_, phone| sync_until_idle(phone))?;
            total.passes += 1;
            total.waiting.resize(outcomes.len(), Duration::ZERO);
            for (waited, outcome) in total.waiting.iter_mut().zip(&outcomes) {
                *waited += outcome.waiting;
            }
            let pushed: usize = outcomes.iter().map(|o| o.pushed).sum();
            total.pushed += pushed;
            total.pulled += outcomes.iter().map(|o| o.pulled).sum::<usize>();
            total.refused.extend(outcomes.into_iter().flat_map(|o| o.refused));
            if pushed == 0 {
                return Ok(total);
            }
        }
        bail!("the fleet was still pushing after {max_passes} passes")
    }
}
