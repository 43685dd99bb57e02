//! Login rate limiting: a few failures per key per window, then 429.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per username and address within [`WINDOW`].
pub const MAX_FAILURES: u32 = 5;
/// Failures allowed per username from all addresses together within [`WINDOW`]
/// (a guessing attack spread over many addresses).
pub const MAX_FAILURES_PER_USER: u32 = 20;
/// The window over which failures count.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Counts failed logins per key (username and client address, or username alone).
#[derive(Debug)]
pub struct LoginLimiter {
    max: u32,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(MAX_FAILURES)
    }
}

impl LoginLimiter {
    /// A limiter allowing `max` failures per key within [`WINDOW`].
    pub fn new(max: u32) -> Self {
        Self {
            max,
            failures: Mutex::default(),
        }
    }

    /// Seconds to wait before `key` may try again, if it is blocked at `now`.
    pub fn blocked_for(&self, key: &str, now: Instant) -> Option<u64> {
        let failures = self.failures.lock().ok()?;
        let (start, count) = failures.get(key)?;
        let elapsed = now.duration_since(*start);
        (elapsed < WINDOW && *count >= self.max).then(|| (WINDOW - elapsed).as_secs().max(1))
    }

    /// Record a failed attempt for `key` at `now`.
    pub fn record_failure(&self, key: &str, now: Instant) {
        if let Ok(mut failures) = self.failures.lock() {
            if failures.len() > 100_000 {
                failures.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            }
            let entry = failures.entry(key.to_string()).or_insert((now, 0));
            if now.duration_since(entry.0) >= WINDOW {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
    }

    /// Forget the failures of `key` after a success.
    pub fn record_success(&self, key: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_too_many_failures_and_freed_after_the_window() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.blocked_for("amina", start).is_none());
            limiter.record_failure("amina", start);
        }
        assert!(limiter.blocked_for("amina", start).is_some());
        assert!(limiter.blocked_for("other", start).is_none());
        assert!(limiter.blocked_for("amina", start + WINDOW).is_none());
    }
}
