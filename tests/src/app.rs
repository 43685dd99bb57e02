//! Starting the real server for a test.

use std::path::{Path, PathBuf};
use std::time::Duration;

use relais_schema::AgencyId;
use relais_server::settings::{Settings, DEFAULT_MAX_BODY};
use relais_server::startup::Application;
use relais_sync::accounts::{self, NewUser, Role};
use relais_sync::Store;
use tempfile::TempDir;

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery";

/// A server running in the background of a test.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// The store, for assertions on the database.
    pub store: Store,
    /// Data folder (deleted at the end).
    pub dir: TempDir,
    /// The demo-free agency every test gets.
    pub agency: AgencyId,
    /// A second agency, for scoping tests.
    pub other_agency: AgencyId,
    /// A blocking HTTP client.
    pub http: reqwest::blocking::Client,
    server: Option<(actix_web::dev::ServerHandle, std::thread::JoinHandle<()>)>,
}

/// Start a server on a free port with an empty database and two agencies.
pub fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    spawn_app_in(dir)
}

/// Start a server over an existing data folder.
pub fn spawn_app_in(dir: TempDir) -> TestApp {
    spawn_app_with(dir, DEFAULT_MAX_BODY)
}

/// Start a server over a data folder with a given body limit.
pub fn spawn_app_with(dir: TempDir, max_body: usize) -> TestApp {
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        bind: "127.0.0.1:0".parse().expect("loopback address"),
        max_body,
        trust_forwarded_proto: false,
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let app = Application::build(&settings).expect("the server starts");
            sender
                .send((app.port(), app.store().clone(), app.handle()))
                .expect("test is waiting");
            let _ = app.run_until_stopped().await;
        });
    });
    let (port, store, handle) = receiver.recv().expect("the server reports its port");
    let agency = ensure_agency(&store, "Agence Belleville");
    let other_agency = ensure_agency(&store, "Agence Marseille Nord");
    let app = TestApp {
        address: format!("http://127.0.0.1:{port}"),
        store,
        dir,
        agency,
        other_agency,
        http: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("client"),
        server: Some((handle, thread)),
    };
    wait_until_healthy(&app);
    app
}

fn ensure_agency(store: &Store, name: &'static str) -> AgencyId {
    store
        .write(move |conn| match accounts::find_agency(conn, name) {
            Ok(id) => Ok(id),
            Err(_) => accounts::create_agency(conn, name, "2026-11-29T08:00:00Z"),
        })
        .expect("agency")
}

/// Poll `/healthz` until it answers (never sleeps blindly).
pub fn wait_until_healthy(app: &TestApp) {
    for _ in 0..500 {
        if let Ok(r) = app.http.get(format!("{}/healthz", app.address)).send() {
            if r.status().is_success() {
                return;
            }
        }
        std::thread::yield_now();
    }
    panic!("the server never became healthy");
}

impl TestApp {
    /// Stop the server and close the database; returns the data folder.
    pub fn stop(mut self) -> TempDir {
        if let Some((handle, thread)) = self.server.take() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(handle.stop(true));
            thread.join().expect("the server thread ends");
        }
        self.store.close();
        let TestApp { dir, .. } = self;
        dir
    }

    /// Create a user with [`PASSWORD`].
    pub fn add_user(&self, username: &str, role: Role, agencies: &[AgencyId]) {
        let username = username.to_string();
        let agencies = agencies.to_vec();
        self.store
            .write(move |conn| {
                accounts::create_user(
                    conn,
                    &NewUser {
                        username: &username,
                        display_name: &username,
                        role,
                        password: PASSWORD,
                        agencies: &agencies,
                    },
                    "2026-11-29T08:00:00Z",
                )
            })
            .expect("user created");
    }

    /// The database file.
    pub fn database(&self) -> PathBuf {
        self.dir.path().join("relais.sqlite")
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Count rows matching a query that returns one integer.
    pub fn count(&self, sql: &'static str, param: String) -> i64 {
        self.store
            .read(move |conn| Ok(conn.query_row(sql, [param], |r| r.get(0))?))
            .expect("count query")
    }
}
