//! What every request handler shares.

use std::sync::atomic::AtomicU64;

use relais_sync::Store;

use crate::rate_limit::LoginLimiter;

/// Counters exposed at `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Sync requests answered with 200.
    pub syncs: AtomicU64,
    /// Sync requests refused.
    pub sync_errors: AtomicU64,
    /// Request body bytes received by `/api/v1/sync` (as sent, before decompression).
    pub bytes_in: AtomicU64,
    /// Response body bytes of `/api/v1/sync` (before compression).
    pub bytes_out: AtomicU64,
}

/// Shared application state.
#[derive(Debug)]
pub struct AppState {
    /// The document store.
    pub store: Store,
    /// Failed logins per username and address.
    pub logins: LoginLimiter,
    /// Failed logins per username, all addresses together.
    pub user_logins: LoginLimiter,
    /// Counters.
    pub metrics: Metrics,
    /// Largest decompressed body accepted.
    pub max_body: usize,
    /// Whether `X-Forwarded-Proto: https` from the reverse proxy in front is
    /// believed (console cookies are then marked `Secure`).
    pub trust_forwarded_proto: bool,
}
