//! A phone that syncs over HTTP: a [`Device`] plus a token and a client.
//!
//! Used by `relais simulate`, the demo checks, the tests and the benchmarks.

use std::time::Duration;

use relais_schema::{AgencyId, DeviceId, UserId};
use relais_sync::device::Device;
use relais_sync::device::DeviceError;
use relais_sync::protocol::{self, SyncResponse, MAX_PULL_BUDGET};

/// Bytes of document data a phone asks for per page once it is up to date:
/// about 250 KiB on the wire, some 8 seconds on a 2G link, so a connection
/// that drops still keeps whole pages.
pub const PULL_BUDGET: u64 = 1 << 20;

/// Bytes asked for per page during a first sync: the most the server sends
/// (8 MiB of uncompressed documents, about 2 MB compressed: the 10,000
/// contacts of a large agency in one page). A first sync
/// happens at enrolment, on the agency's connection, and moves the whole
/// agency, so fewer, larger pages save round trips while a page stays small
/// enough for a cheap phone to hold and apply.
pub const FIRST_SYNC_BUDGET: u64 = MAX_PULL_BUDGET;

/// What a phone has sent and received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// HTTP requests made to `/api/v1/sync`.
    pub requests: u64,
    /// Request body bytes as sent (gzip when it helped).
    pub bytes_up: u64,
    /// Response body bytes as received (compressed when the server compressed).
    pub bytes_down: u64,
}

/// Why a sync attempt failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// The connection failed or timed out; the request will be retried.
    #[error("network: {0}")]
    Network(String),
    /// The server refused the request.
    #[error("server answered {status}: {body}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The JSON error body.
        body: String,
    },
    /// The device could not apply the answer.
    #[error(transparent)]
    Device(#[from] relais_sync::device::DeviceError),
    /// The answer is not a sync message.
    #[error(transparent)]
    Protocol(#[from] protocol::ProtocolError),
}

/// An enrolled phone.
#[derive(Debug)]
pub struct Phone {
    /// The device state.
    pub device: Device,
    /// The device token.
    pub token: String,
    /// The user it was enrolled for.
    pub user: UserId,
    /// Its agency.
    pub agency: AgencyId,
    /// Server base address.
    pub server: String,
    /// Traffic so far.
    pub traffic: Traffic,
    /// Pull budget per request once the first sync is done, in bytes.
    pub pull_budget: u64,
    /// Pull budget per request during the first sync, in bytes.
    pub first_sync_budget: u64,
    http: reqwest::blocking::Client,
}

/// How long an idle connection is kept for the next request: under the
/// server's keep-alive (actix-web's 5 s), so that a phone idle for a few
/// seconds (creating records between syncs) opens a new connection instead
/// of sending on one the server is closing, which fails and is retried.
const IDLE_CONNECTION: Duration = Duration::from_secs(4);

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .pool_idle_timeout(IDLE_CONNECTION)
        .build()
        .unwrap_or_else(|_| reqwest::blocking::Client::new())
}

impl Phone {
    /// Enrol with a username and password.
    pub fn enrol(server: &str, username: &str, password: &str) -> Result<Phone, PhoneError> {
        let http = client();
        let response = http
            .post(format!("{server}/api/v1/devices"))
            .json(&serde_json::json!({ "username": username, "password": password, "name": format!("{username}'s phone") }))
            .send()
            .map_err(|e| PhoneError::Network(e.to_string()))?;
        let status = response.status();
        let body = response.text().map_err(|e| PhoneError::Network(e.to_string()))?;
        if !status.is_success() {
            return Err(PhoneError::Refused {
                status: status.as_u16(),
                body,
            });
        }
        let json: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| PhoneError::Network(format!("enrolment answer: {e}")))?;
        let field = |name: &str| json[name].as_str().unwrap_or_default().to_string();
        let parse_err = |what: &str| PhoneError::Network(format!("enrolment answer lacks a valid {what}"));
        let device: DeviceId = field("device_id").parse().map_err(|_| parse_err("device_id"))?;
        Ok(Phone {
            device: Device::new(device),
            token: field("token"),
            user: field("user_id").parse().map_err(|_| parse_err("user_id"))?,
            agency: field("agency_id").parse().map_err(|_| parse_err("agency_id"))?,
            server: server.to_string(),
            traffic: Traffic::default(),
            pull_budget: PULL_BUDGET,
            first_sync_budget: FIRST_SYNC_BUDGET,
            http,
        })
    }

    /// Who writes on this phone.
    pub fn author(&self) -> crate::records::Author {
        crate::records::Author {
            user: self.user,
            agency: self.agency,
        }
    }

    /// The pull budget of the next request: the first-sync one while the
    /// device is in its first sync.
    pub fn budget(&self) -> u64 {
        if self.device.in_first_sync() {
            self.first_sync_budget
        } else {
            self.pull_budget
        }
    }

    /// Send raw bytes to the sync endpoint with this phone's token.
    pub fn post_sync(&mut self, body: Vec<u8>) -> Result<Vec<u8>, PhoneError> {
        self.post_body(&SyncBody::new(body))
    }

    /// Send a body prepared with [`SyncBody::new`] (sending it again is a retry).
    pub fn post_body(&mut self, body: &SyncBody) -> Result<Vec<u8>, PhoneError> {
        self.traffic.requests += 1;
        self.traffic.bytes_up += body.bytes.len() as u64;
        let mut request = self
            .http
            .post(format!("{}/api/v1/sync", self.server))
            .bearer_auth(&self.token)
            .header("Content-Type", "application/cbor")
            .header("Accept-Encoding", "br, gzip");
        if body.gzip {
            request = request.header("Content-Encoding", "gzip");
        }
        let response = request
            .body(body.bytes.clone())
            .send()
            .map_err(|e| PhoneError::Network(e.to_string()))?;
        let status = response.status();
        let coding = response
            .headers()
            .get("Content-Encoding")
            .map(|v| v.as_bytes().to_vec());
        let bytes = response.bytes().map_err(|e| PhoneError::Network(e.to_string()))?;
        self.traffic.bytes_down += bytes.len() as u64;
        let bytes = match coding.as_deref() {
            Some(b"br") => unbrotli_bytes(&bytes)?,
            Some(b"gzip") => gunzip_bytes(&bytes)?,
            _ => bytes.to_vec(),
        };
        if !status.is_success() {
            let body = String::from_utf8_lossy(&bytes).into_owned();
            let wipe = serde_json::from_str::<serde_json::Value>(&body)
                .is_ok_and(|json| json["wipe"] == serde_json::Value::Bool(true));
            if status.as_u16() == 401 && wipe {
                // A revoked phone deletes what it holds.
                self.device.wipe();
            }
            return Err(PhoneError::Refused {
                status: status.as_u16(),
                body,
            });
        }
        Ok(bytes)
    }

    /// One round trip: push what is pending, pull one page.
    pub fn sync_once(&mut self) -> Result<SyncResponse, PhoneError> {
        let request = self.device.next_request(self.budget())?;
        let body = protocol::encode_request(&request);
        let answer = self.post_sync(body)?;
        let response = protocol::decode_response(&answer)?;
        match self.device.handle_response(response.clone()) {
            // The next round trip pulls the same page as plain changes.
            Err(DeviceError::Packed { doc, source }) => tracing::warn!(%doc, "{source}; pulling plain changes"),
            other => other?,
        }
        Ok(response)
    }

    /// Sync until nothing is pending and the feed is drained (at most `max_rounds` round trips).
    pub fn sync_until_idle(&mut self, max_rounds: usize) -> Result<usize, PhoneError> {
        for round in 0..max_rounds {
            self.sync_once()?;
            if self.device.is_idle() {
                return Ok(round + 1);
            }
        }
        Ok(max_rounds)
    }
}

/// A sync request body as it goes on the wire: gzipped unless it is small.
#[derive(Debug, Clone)]
pub struct SyncBody {
    bytes: Vec<u8>,
    gzip: bool,
}

impl SyncBody {
    /// Compress an encoded request (see [`protocol::encode_request`]).
    pub fn new(body: Vec<u8>) -> SyncBody {
        if body.len() <= 1024 {
            return SyncBody {
                bytes: body,
                gzip: false,
            };
        }
        match gzip_bytes(&body) {
            Ok(bytes) => SyncBody { bytes, gzip: true },
            Err(_) => SyncBody {
                bytes: body,
                gzip: false,
            },
        }
    }
}

fn gzip_bytes(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    // The default level (6), not the fastest: a push of new records is
    // uncompressed changes that share most of their field names and values.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body)?;
    encoder.finish()
}

fn unbrotli_bytes(body: &[u8]) -> Result<Vec<u8>, PhoneError> {
    use std::io::Read;
    let mut out = Vec::new();
    brotli::Decompressor::new(body, 64 << 10)
        .read_to_end(&mut out)
        .map_err(|e| PhoneError::Network(format!("damaged brotli answer: {e}")))?;
    Ok(out)
}

fn gunzip_bytes(body: &[u8]) -> Result<Vec<u8>, PhoneError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .map_err(|e| PhoneError::Network(format!("damaged gzip answer: {e}")))?;
    Ok(out)
}
