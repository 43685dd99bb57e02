//! A fault-injecting HTTP proxy on 127.0.0.1, between phones and the server.
//!
//! Each client connection carries one HTTP/1.1 request (the proxy asks the
//! server to close after answering, so a response ends at end of stream).
//! For each request, a random generator seeded from the proxy's seed and the
//! connection's number decides what the network does to it:
//!
//! - latency (one way, before the request and before the answer) and
//!   bandwidth caps (up for the request, down for the answer), as on 2G;
//! - the connection cut while the request is on its way (anywhere, or inside
//!   the body): the server gets a prefix, the phone gets no answer;
//! - the connection cut while the answer comes back (anywhere, or inside the
//!   body): the server has done the work, the phone does not know;
//! - the request delivered twice (the phone sees the second answer);
//! - the request held back and delivered later, after requests that were sent
//!   after it (the phone sees a cut connection and retries meanwhile).
//!
//! Phones see every fault as a network error and retry; what the server
//! acknowledged must survive all of it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Longest request head the proxy reads.
const MAX_HEAD: usize = 64 * 1024;
/// Bytes written between two bandwidth pauses.
const SLICE: usize = 1024;
/// How long the proxy waits for the server's answer before giving up.
const UPSTREAM_PATIENCE: Duration = Duration::from_secs(120);

/// What the network does, as probabilities per request and link properties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Added before the request reaches the server and before the answer reaches the phone.
    pub latency: Duration,
    /// Upload cap, in bytes per second (`None`: no cap).
    pub up_bytes_per_second: Option<u64>,
    /// Download cap, in bytes per second (`None`: no cap).
    pub down_bytes_per_second: Option<u64>,
    /// The connection is cut at a random byte of the request.
    pub drop_request: f64,
    /// The request body is cut short (the head arrives whole).
    pub truncate_request: f64,
    /// The connection is cut at a random byte of the answer.
    pub drop_response: f64,
    /// The answer's body is cut short (its head arrives whole).
    pub truncate_response: f64,
    /// The request reaches the server twice.
    pub duplicate: f64,
    /// The request is held back and delivered after later ones.
    pub hold_back: f64,
}

impl Faults {
    /// A perfect network.
    pub fn none() -> Self {
        Faults {
            latency: Duration::ZERO,
            up_bytes_per_second: None,
            down_bytes_per_second: None,
            drop_request: 0.0,
            truncate_request: 0.0,
            drop_response: 0.0,
            truncate_response: 0.0,
            duplicate: 0.0,
            hold_back: 0.0,
        }
    }

    /// A fast but unreliable link: every kind of fault, often.
    pub fn flaky() -> Self {
        Faults {
            latency: Duration::from_millis(5),
            drop_request: 0.05,
            truncate_request: 0.05,
            drop_response: 0.05,
            truncate_response: 0.05,
            duplicate: 0.05,
            hold_back: 0.05,
            ..Faults::none()
        }
    }

    /// 2G: about 50 kbit/s up, 250 kbit/s down, 600 ms round trip, and the
    /// faults of [`Faults::flaky`] at half the rate.
    pub fn two_g() -> Self {
        Faults {
            latency: Duration::from_millis(300),
            up_bytes_per_second: Some(50_000 / 8),
            down_bytes_per_second: Some(250_000 / 8),
            drop_request: 0.025,
            truncate_request: 0.025,
            drop_response: 0.025,
            truncate_response: 0.025,
            duplicate: 0.025,
            hold_back: 0.025,
        }
    }
}

/// What the proxy did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Requests received from phones.
    pub requests: u64,
    /// Requests cut on their way to the server.
    pub dropped_requests: u64,
    /// Requests whose body was cut short.
    pub truncated_requests: u64,
    /// Answers cut on their way to the phone.
    pub dropped_responses: u64,
    /// Answers whose body was cut short.
    pub truncated_responses: u64,
    /// Requests delivered twice.
    pub duplicated: u64,
    /// Requests held back.
    pub held_back: u64,
    /// Held-back requests delivered later.
    pub delivered_late: u64,
    /// Bytes received from phones.
    pub bytes_up: u64,
    /// Bytes sent to phones.
    pub bytes_down: u64,
}

impl FaultStats {
    /// Requests the network damaged in any way.
    pub fn faults(&self) -> u64 {
        self.dropped_requests
            + self.truncated_requests
            + self.dropped_responses
            + self.truncated_responses
            + self.duplicated
            + self.held_back
    }
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    dropped_requests: AtomicU64,
    truncated_requests: AtomicU64,
    dropped_responses: AtomicU64,
    truncated_responses: AtomicU64,
    duplicated: AtomicU64,
    held_back: AtomicU64,
    delivered_late: AtomicU64,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
}

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// What the proxy shares between connections.
#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    faults: Faults,
    counters: Counters,
    /// Requests held back, delivered by later connections.
    held: Mutex<Vec<Vec<u8>>>,
}

/// A running proxy; stopped when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`, to give to phones instead of the server's address.
    pub address: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The upstream address is not `http://IP:PORT`.
    #[error("the upstream address {0:?} is not http://IP:PORT")]
    Upstream(String),
    /// The listener could not be set up.
    #[error("cannot start the proxy: {0}")]
    Io(#[from] std::io::Error),
}

impl FaultProxy {
    /// Listen on a free port of 127.0.0.1 and forward to `upstream` (`http://IP:PORT`).
    pub fn start(upstream: &str, faults: Faults, seed: u64) -> Result<FaultProxy, ProxyError> {
        let upstream: SocketAddr = upstream
            .strip_prefix("http://")
            .and_then(|a| a.trim_end_matches('/').parse().ok())
            .ok_or_else(|| ProxyError::Upstream(upstream.to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            upstream,
            faults,
            counters: Counters::default(),
            held: Mutex::new(Vec::new()),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = shared.clone();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(std_listener) else {
                    return;
                };
                tokio::select! {
                    () = accept_loop(listener, serving, seed) => {}
                    _ = stopped => {}
                }
            });
            // Connections still open are dropped with the runtime.
            runtime.shutdown_background();
        });
        Ok(FaultProxy {
            address: format!("http://127.0.0.1:{port}"),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// What the proxy did so far.
    pub fn stats(&self) -> FaultStats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        FaultStats {
            requests: get(&c.requests),
            dropped_requests: get(&c.dropped_requests),
            truncated_requests: get(&c.truncated_requests),
            dropped_responses: get(&c.dropped_responses),
            truncated_responses: get(&c.truncated_responses),
            duplicated: get(&c.duplicated),
            held_back: get(&c.held_back),
            delivered_late: get(&c.delivered_late),
            bytes_up: get(&c.bytes_up),
            bytes_down: get(&c.bytes_down),
        }
    }

    /// Deliver every request still held back (so that a test can check that
    /// late arrivals change nothing).
    pub fn deliver_held_back(&self) {
        let held = std::mem::take(&mut *self.shared.held.lock().unwrap_or_else(|p| p.into_inner()));
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        runtime.block_on(async {
            for request in held {
                if exchange(self.shared.upstream, &request).await.is_ok() {
                    bump(&self.shared.counters.delivered_late, 1);
                }
            }
        });
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, seed: u64) {
    let mut connection = 0u64;
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        connection += 1;
        let rng = StdRng::seed_from_u64(seed ^ connection.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let shared = shared.clone();
        tokio::spawn(async move {
            // A failed connection is one of the faults a phone must survive.
            let _ = serve_connection(client, &shared, rng).await;
        });
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Deliver,
    DropRequest,
    TruncateRequest,
    DropResponse,
    TruncateResponse,
    Duplicate,
    HoldBack,
}

fn draw_fate(faults: &Faults, rng: &mut StdRng) -> Fate {
    let roll: f64 = rng.gen();
    let mut edge = 0.0;
    for (p, fate) in [
        (faults.drop_request, Fate::DropRequest),
        (faults.truncate_request, Fate::TruncateRequest),
        (faults.drop_response, Fate::DropResponse),
        (faults.truncate_response, Fate::TruncateResponse),
        (faults.duplicate, Fate::Duplicate),
        (faults.hold_back, Fate::HoldBack),
    ] {
        edge += p;
        if roll < edge {
            return fate;
        }
    }
    Fate::Deliver
}

async fn serve_connection(mut client: TcpStream, shared: &Shared, mut rng: StdRng) -> std::io::Result<()> {
    let faults = shared.faults;
    let counters = &shared.counters;
    let Some(request) = read_request(&mut client).await? else {
        return Ok(());
    };
    bump(&counters.requests, 1);
    bump(&counters.bytes_up, request.bytes.len() as u64);
    // The phone's bytes cross the slow link before anything reaches the server.
    tokio::time::sleep(faults.latency + transfer_time(request.bytes.len(), faults.up_bytes_per_second)).await;

    // Sometimes a request held back earlier arrives now, before this one.
    let late = {
        let mut held = shared.held.lock().unwrap_or_else(|p| p.into_inner());
        (!held.is_empty() && rng.gen_bool(0.5)).then(|| {
            let index = rng.gen_range(0..held.len());
            held.swap_remove(index)
        })
    };
    if let Some(late) = late {
        if exchange(shared.upstream, &late).await.is_ok() {
            bump(&counters.delivered_late, 1);
        }
    }

    match draw_fate(&faults, &mut rng) {
        Fate::DropRequest => {
            bump(&counters.dropped_requests, 1);
            let cut = rng.gen_range(0..request.bytes.len().max(1));
            send_prefix(shared.upstream, &request.bytes[..cut]).await;
            Ok(())
        }
        Fate::TruncateRequest => {
            bump(&counters.truncated_requests, 1);
            let body = request.bytes.len() - request.head_len;
            let cut = request.head_len + rng.gen_range(0..body.max(1)).min(body);
            send_prefix(shared.upstream, &request.bytes[..cut]).await;
            Ok(())
        }
        Fate::HoldBack => {
            bump(&counters.held_back, 1);
            shared
                .held
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(request.bytes);
            Ok(())
        }
        fate => {
            let mut answer = exchange(shared.upstream, &request.bytes).await?;
            if fate == Fate::Duplicate {
                bump(&counters.duplicated, 1);
                answer = exchange(shared.upstream, &request.bytes).await?;
            }
            let length = match fate {
                Fate::DropResponse => {
                    bump(&counters.dropped_responses, 1);
                    rng.gen_range(0..answer.len().max(1)).min(answer.len())
                }
                Fate::TruncateResponse => {
                    bump(&counters.truncated_responses, 1);
                    let head = find_head_end(&answer).unwrap_or(0);
                    let body = answer.len() - head;
                    head + rng.gen_range(0..body.max(1)).min(body.saturating_sub(1))
                }
                _ => answer.len(),
            };
            tokio::time::sleep(faults.latency).await;
            write_throttled(&mut client, &answer[..length], faults.down_bytes_per_second, counters).await?;
            client.shutdown().await
        }
    }
}

/// How long `bytes` take at `rate` bytes per second.
fn transfer_time(bytes: usize, rate: Option<u64>) -> Duration {
    match rate {
        Some(rate) if rate > 0 => Duration::from_secs_f64(bytes as f64 / rate as f64),
        _ => Duration::ZERO,
    }
}

async fn write_throttled(
    client: &mut TcpStream,
    bytes: &[u8],
    rate: Option<u64>,
    counters: &Counters,
) -> std::io::Result<()> {
    for slice in bytes.chunks(SLICE) {
        tokio::time::sleep(transfer_time(slice.len(), rate)).await;
        client.write_all(slice).await?;
        bump(&counters.bytes_down, slice.len() as u64);
    }
    Ok(())
}

/// One request as received, rewritten to ask the server to close after answering.
struct Request {
    bytes: Vec<u8>,
    head_len: usize,
}

fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// Read one request (head and `Content-Length` body); `None` when the phone closed first.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find_head_end(&bytes) {
            break end;
        }
        if bytes.len() > MAX_HEAD {
            return Err(std::io::Error::other("request head too long"));
        }
        let read = client.read(&mut buffer).await?;
        if read == 0 {
            return Ok(None);
        }
        bytes.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let mut content_length = 0usize;
    let mut lines = Vec::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") {
            return Err(std::io::Error::other("chunked requests are not proxied"));
        }
        if let Some(value) = lower.strip_prefix("content-length:") {
            content_length = value
                .trim()
                .parse()
                .map_err(|_| std::io::Error::other("bad Content-Length"))?;
        }
        if !lower.starts_with("connection:") {
            lines.push(line.to_string());
        }
    }
    let mut body = bytes.split_off(head_end);
    while body.len() < content_length {
        let read = client.read(&mut buffer).await?;
        if read == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&buffer[..read]);
    }
    body.truncate(content_length);
    let mut rewritten = lines.join("\r\n").into_bytes();
    rewritten.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    let head_len = rewritten.len();
    rewritten.extend_from_slice(&body);
    Ok(Some(Request {
        bytes: rewritten,
        head_len,
    }))
}

/// Send a request on a new connection and read the answer to the end of the stream.
async fn exchange(upstream: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let work = async {
        let mut server = TcpStream::connect(upstream).await?;
        server.write_all(request).await?;
        let mut answer = Vec::new();
        server.read_to_end(&mut answer).await?;
        Ok(answer)
    };
    tokio::time::timeout(UPSTREAM_PATIENCE, work)
        .await
        .map_err(|_| std::io::Error::other("the server did not answer in time"))?
}

/// Send part of a request, then cut the connection.
async fn send_prefix(upstream: SocketAddr, prefix: &[u8]) {
    if let Ok(mut server) = TcpStream::connect(upstream).await {
        let _ = server.write_all(prefix).await;
        let _ = server.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fates_follow_the_configured_probabilities() {
        let mut rng = StdRng::seed_from_u64(7);
        let faults = Faults::flaky();
        let draws: Vec<Fate> = (0..10_000).map(|_| draw_fate(&faults, &mut rng)).collect();
        let delivered = draws.iter().filter(|f| **f == Fate::Deliver).count();
        assert!((6_500..7_500).contains(&delivered), "{delivered} of 10,000 delivered");
        for fate in [Fate::DropRequest, Fate::HoldBack, Fate::Duplicate] {
            assert!(draws.contains(&fate), "{fate:?} never drawn");
        }
        assert!((0..100).all(|_| draw_fate(&Faults::none(), &mut rng) == Fate::Deliver));
    }

    #[test]
    fn two_kilobytes_take_about_a_third_of_a_second_up_on_two_g() {
        let up = transfer_time(2_048, Faults::two_g().up_bytes_per_second);
        assert!((0.3..0.35).contains(&up.as_secs_f64()), "{up:?}");
        assert_eq!(transfer_time(2_048, None), Duration::ZERO);
    }
}
