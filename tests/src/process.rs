//! The `relais` binary run as a child process, to be killed and restarted,
//! and the accounts such a server needs, written before it starts.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use relais_schema::AgencyId;
use relais_sync::accounts::{self, NewUser, Role};
use relais_sync::Store;

use crate::app::PASSWORD;
use crate::world::AT;

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

/// A new agency named `agency` with one agent account (password
/// [`PASSWORD`]) per username, written into the database of the data folder
/// `data` before a server runs on it.
pub fn create_agents<I>(data: &Path, agency: &str, usernames: I) -> AgencyId
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    let agency = agency.to_owned();
    let usernames: Vec<String> = usernames.into_iter().map(Into::into).collect();
    let store = Store::open(&data.join("relais.sqlite")).expect("store");
    let id = store
        .write(move |conn| {
            let agency = accounts::create_agency(conn, &agency, AT)?;
            for name in &usernames {
                accounts::create_user(
                    conn,
                    &NewUser {
                        username: name,
                        display_name: name,
                        role: Role::Agent,
                        password: PASSWORD,
                        agencies: &[agency],
                    },
                    AT,
                )?;
            }
            Ok(agency)
        })
        .expect("accounts");
    store.close();
    id
}

/// `agent0`, `agent1`… : `count` usernames for [`create_agents`].
pub fn numbered_agents(count: usize) -> impl Iterator<Item = String> {
    (0..count).map(|i| format!("agent{i}"))
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
        ServerProcess::spawn(Command::new(relais_binary()), data, port)
    }

    /// Like [`ServerProcess::start`], under a file-size limit
    /// (`RLIMIT_FSIZE`, set by `prlimit`): no file the server writes may
    /// grow past `bytes`, as if the disk held no more.
    pub fn start_with_file_size_limit(data: &Path, port: u16, bytes: u64) -> ServerProcess {
        let mut command = Command::new("prlimit");
        command.arg(format!("--fsize={bytes}")).arg("--").arg(relais_binary());
        ServerProcess::spawn(command, data, port)
    }

    fn spawn(mut command: Command, data: &Path, port: u16) -> ServerProcess {
        let child = command
            .args(["serve", "--data"])
            .arg(data)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("RELAIS_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("relais starts");
        let mut server = ServerProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        server.wait_until_healthy();
        server
    }

    fn wait_until_healthy(&mut self) {
        let http = reqwest::blocking::Client::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited before it became healthy: {status}");
            }
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
