//! Settings of a running server.

use std::net::SocketAddr;
use std::path::PathBuf;

/// What `relais serve` needs to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Folder holding `relais.sqlite`.
    pub data_dir: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    pub bind: SocketAddr,
    /// Largest request body accepted, after decompression, in bytes.
    pub max_body: usize,
    /// Whether `X-Forwarded-Proto` from a reverse proxy is believed.
    pub trust_forwarded_proto: bool,
}

impl Settings {
    /// The database file inside the data folder.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("relais.sqlite")
    }
}

/// Default largest body: 32 MiB.
pub const DEFAULT_MAX_BODY: usize = 32 << 20;
