//! The `relais` binary run as a child process, to be killed and restarted.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The `relais` binary built next to this test (`cargo test --workspace` builds it).
pub fn relais_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target profile folder");
    let binary = dir.join(format!("relais{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: build it first (cargo build -p relais, or cargo test --workspace)",
        binary.display()
    );
    binary
}

/// A free port on the loopback interface.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}

/// A `relais serve` child process, killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub address: String,
}

impl ServerProcess {
    /// Start `relais serve` on `port` over `data` and wait until it is healthy.
    pub fn start(data: &Path, port: u16) -> ServerProcess {
        let child = Command::new(relais_binary())
            .args(["serve", "--data"])
            .arg(data)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("RELAIS_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("relais starts");
        let server = ServerProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        server.wait_until_healthy();
        server
    }

    fn wait_until_healthy(&self) {
        let http = reqwest::blocking::Client::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while std::time::Instant::now() < deadline {
            if let Ok(r) = http.get(format!("{}/healthz", self.address)).send() {
                if r.status().is_success() {
                    return;
                }
            }
            std::thread::yield_now();
        }
        panic!("the server never became healthy within two minutes");
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
