//! The `relais` command line, run as the real binary over a temporary data
//! folder. Servers are child processes on a free port, polled on `/healthz`
//! and killed by a guard when the test ends.

use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use relais_schema::{
    AgencyId, AttendanceStatus, DeviceId, DocumentId, FollowUp, FollowUpId, FollowUpKind, Interest, UserId,
};
use relais_server::phone::{Phone, PhoneError};
use relais_server::records::{create_contact, create_session, create_visit, mark, set_field};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

const PASSWORD: &str = "correct horse battery";
const AT: &str = "2026-11-29T10:00:00Z";
const AGENCY: &str = "Agence Belleville";

/// How long a child process may take to start or to stop.
const PATIENCE: Duration = Duration::from_secs(60);

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

fn relais_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_relais"));
    command
        .env("RELAIS_LOG", "warn")
        // Error messages as an administrator sees them, without anyhow's backtrace.
        .env("RUST_LIB_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .env_remove("RELAIS_DATA")
        .env_remove("RELAIS_BIND");
    command
}

/// Run `relais ARGS` with nothing on standard input.
fn relais(args: &[&str]) -> Run {
    relais_command()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the relais binary runs")
        .into()
}

/// Run `relais ARGS` with `input` on standard input.
fn relais_with_input(args: &[&str], input: &str) -> Run {
    let mut child = relais_command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the relais binary runs");
    let written = child.stdin.take().expect("stdin is piped").write_all(input.as_bytes());
    // A command that refuses its arguments may end before it reads its input.
    if let Err(error) = written {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "the input is written: {error}"
        );
    }
    child.wait_with_output().expect("the relais binary ends").into()
}

/// A data folder, with helpers that run subcommands over it.
struct Data {
    dir: TempDir,
}

impl Data {
    fn new() -> Data {
        Data {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    fn path(&self) -> &str {
        self.dir.path().to_str().expect("a UTF-8 temporary path")
    }

    fn database(&self) -> PathBuf {
        self.dir.path().join("relais.sqlite")
    }

    /// `relais SUBCOMMAND… --data DIR REST…`
    fn run(&self, subcommand: &[&str], rest: &[&str]) -> Run {
        let mut args = subcommand.to_vec();
        args.extend(["--data", self.path()]);
        args.extend(rest);
        relais(&args)
    }

    fn add_agency(&self, name: &str) -> AgencyId {
        let run = self.run(&["agency", "add"], &[name]);
        assert!(run.success, "agency add failed: {}", run.stderr);
        run.stdout.trim().parse().expect("agency add prints an id")
    }

    fn add_user(&self, login: &str, role: &str, agency: &str, password: &str) -> Run {
        relais_with_input(
            &[
                "user",
                "add",
                "--data",
                self.path(),
                login,
                "--role",
                role,
                "--agency",
                agency,
            ],
            &format!("{password}\n"),
        )
    }

    fn add_agent(&self, login: &str) -> UserId {
        let run = self.add_user(login, "agent", AGENCY, PASSWORD);
        assert!(run.success, "user add failed: {}", run.stderr);
        run.stdout.trim().parse().expect("user add prints an id")
    }

    fn connection(&self) -> Connection {
        Connection::open_with_flags(self.database(), OpenFlags::SQLITE_OPEN_READ_ONLY).expect("the database opens")
    }

    fn count(&self, sql: &str, param: &str) -> i64 {
        self.connection()
            .query_row(sql, [param], |r| r.get(0))
            .expect("count query")
    }
}

/// A `relais serve` child process, killed and reaped when dropped.
struct Server {
    child: Child,
    address: String,
    log: PathBuf,
}

impl Server {
    /// Start `relais serve` over `data` on a free port and wait until it is healthy.
    fn start(data: &Data) -> Server {
        let port = free_port();
        let log = data.dir.path().join(format!("serve-{port}.log"));
        let child = relais_command()
            .args(["serve", "--data", data.path()])
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("log file"))
            .spawn()
            .expect("relais serve starts");
        let mut server = Server {
            child,
            address: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_until_healthy();
        server
    }

    fn wait_until_healthy(&mut self) {
        let http = http();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!(
                    "relais serve exited ({status}) before it was healthy: {}",
                    self.log_text()
                );
            }
            if let Ok(r) = http.get(format!("{}/healthz", self.address)).send() {
                if r.status().is_success() {
                    return;
                }
            }
            std::thread::yield_now();
        }
        panic!("relais serve never became healthy on {}", self.address);
    }

    /// Enrol a phone for `login`; a failure shows the server's log.
    fn enrol(&self, login: &str) -> Phone {
        Phone::enrol(&self.address, login, PASSWORD)
            .unwrap_or_else(|e| panic!("{login} enrols: {e}\nserver log:\n{}", self.log_text()))
    }

    /// Sync `phone` until idle; a failure shows the server's log.
    fn sync(&self, phone: &mut Phone) {
        if let Err(e) = phone.sync_until_idle(10) {
            panic!("the phone syncs: {e}\nserver log:\n{}", self.log_text());
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn stop(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (the binary cannot print the port it bound).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// Every row of every projection table, ordered by all its columns.
fn projection(conn: &Connection) -> Vec<(&'static str, Vec<Vec<Value>>)> {
    [
        "contacts",
        "contact_languages",
        "contact_interests",
        "follow_ups",
        "sessions",
        "attendance",
        "visits",
        "conflicts",
    ]
    .into_iter()
    .map(|table| {
        let columns = conn
            .prepare(&format!("SELECT * FROM {table}"))
            .expect("table exists")
            .column_count();
        let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY {}", order.join(", ")))
            .expect("dump query");
        let rows = stmt
            .query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
            .expect("rows")
            .collect::<Result<Vec<Vec<Value>>, _>>()
            .expect("row values");
        (table, rows)
    })
    .collect()
}

/// Every stored document: id, type and heads.
fn documents(conn: &Connection) -> Vec<(String, String, Vec<u8>)> {
    conn.prepare("SELECT id, doc_type, heads FROM documents ORDER BY id")
        .expect("documents query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("documents")
        .collect::<Result<_, _>>()
        .expect("document rows")
}

fn epoch(conn: &Connection) -> String {
    conn.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))
        .expect("an epoch")
}

/// One contact synced to the server by a new agent.
fn one_synced_contact(data: &Data, server: &Server, login: &str) -> DocumentId {
    data.add_agent(login);
    let mut phone = server.enrol(login);
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Leila", "Haddad", |_| {}).expect("contact");
    server.sync(&mut phone);
    id
}

#[test]
fn agency_add_prints_an_id_that_agency_list_shows() {
    // Arrange
    let data = Data::new();

    // Act
    let added = data.run(&["agency", "add"], &[AGENCY]);
    let listed = data.run(&["agency", "list"], &[]);

    // Assert
    assert!(added.success, "agency add failed: {}", added.stderr);
    let id: AgencyId = added.stdout.trim().parse().expect("agency add prints an agency id");
    assert!(listed.success, "agency list failed: {}", listed.stderr);
    assert!(
        listed.stdout.lines().any(|line| line == format!("{id}\t{AGENCY}")),
        "agency list shows the new agency: {:?}",
        listed.stdout
    );
}

#[test]
fn adding_an_agency_twice_fails_with_a_clear_message() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);

    // Act
    let again = data.run(&["agency", "add"], &[AGENCY]);

    // Assert
    assert!(!again.success, "a second agency of the same name is refused");
    assert!(
        again.stderr.contains("already exists") && again.stderr.contains(AGENCY),
        "the message names the agency and says it exists: {}",
        again.stderr
    );
    let listed = data.run(&["agency", "list"], &[]);
    assert_eq!(listed.stdout.lines().count(), 1, "still one agency");
}

#[test]
fn a_user_added_with_the_password_on_stdin_can_enrol_a_phone() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);

    // Act
    let added = data.add_user("amina", "agent", AGENCY, PASSWORD);

    // Assert
    assert!(added.success, "user add failed: {}", added.stderr);
    let user: UserId = added.stdout.trim().parse().expect("user add prints an id");
    let server = Server::start(&data);
    let response = http()
        .post(format!("{}/api/v1/devices", server.address))
        .json(&serde_json::json!({ "username": "amina", "password": PASSWORD }))
        .send()
        .expect("enrolment answered");
    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value = response.json().expect("JSON answer");
    assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()), "a token: {body}");
    assert_eq!(body["user_id"], user.to_string());
    server.stop();
}

#[test]
fn user_add_refuses_an_unknown_role_with_a_clear_message() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);

    // Act
    let run = data.add_user("amina", "boss", AGENCY, PASSWORD);

    // Assert
    assert!(!run.success, "an unknown role is refused");
    assert!(
        run.stderr.contains("unknown role") && run.stderr.contains("boss"),
        "the message names the role: {}",
        run.stderr
    );
    assert_eq!(data.count("SELECT COUNT(*) FROM users WHERE username = ?1", "amina"), 0);
}

#[test]
fn user_add_refuses_an_unknown_agency_with_a_clear_message() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);

    // Act
    let run = data.add_user("amina", "agent", "Agence Nulle Part", PASSWORD);

    // Assert
    assert!(!run.success, "an unknown agency is refused");
    assert!(
        run.stderr.contains("Agence Nulle Part") && run.stderr.contains("not found"),
        "the message names the agency: {}",
        run.stderr
    );
    assert_eq!(data.count("SELECT COUNT(*) FROM users WHERE username = ?1", "amina"), 0);
}

#[test]
fn user_add_refuses_a_password_shorter_than_eight_characters() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);

    // Act
    let run = data.add_user("amina", "agent", AGENCY, "1234567");

    // Assert
    assert!(!run.success, "a 7-character password is refused");
    assert!(
        run.stderr.contains("at least 8 characters"),
        "the message gives the rule: {}",
        run.stderr
    );
    assert_eq!(data.count("SELECT COUNT(*) FROM users WHERE username = ?1", "amina"), 0);
}

#[test]
fn device_list_shows_an_enrolled_phone() {
    // Arrange
    let data = Data::new();
    let agency = data.add_agency(AGENCY);
    data.add_agent("amina");
    let server = Server::start(&data);
    let phone = server.enrol("amina");
    server.stop();

    // Act
    let run = data.run(&["device", "list"], &[]);

    // Assert
    assert!(run.success, "device list failed: {}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with(&phone.device.id().to_string()))
        .unwrap_or_else(|| panic!("the phone is listed: {:?}", run.stdout));
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(fields[1], "amina");
    assert_eq!(fields[2], agency.to_string());
    assert_eq!(fields[5], "-", "not revoked");
}

#[test]
fn device_revoke_while_the_server_runs_makes_the_token_answer_device_revoked() {
    // Arrange: a phone that syncs.
    let data = Data::new();
    data.add_agency(AGENCY);
    data.add_agent("amina");
    let server = Server::start(&data);
    let mut phone = server.enrol("amina");
    server.sync(&mut phone);

    // Act
    let run = data.run(&["device", "revoke"], &[&phone.device.id().to_string()]);

    // Assert
    assert!(run.success, "device revoke failed: {}", run.stderr);
    match phone.sync_once() {
        Err(PhoneError::Refused { status, body }) => {
            assert_eq!(status, 401);
            let body: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
            assert_eq!(body["error"], "device_revoked");
        }
        other => panic!("the revoked phone is refused, got {other:?}"),
    }
    let listed = data.run(&["device", "list"], &[]);
    let line = listed
        .stdout
        .lines()
        .find(|line| line.starts_with(&phone.device.id().to_string()))
        .expect("the phone is still listed");
    assert_ne!(line.split('\t').nth(5), Some("-"), "listed as revoked");
    server.stop();
}

#[test]
fn device_revoke_of_an_unknown_or_malformed_id_fails() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);
    let unknown = DeviceId::random().to_string();

    // Act
    let missing = data.run(&["device", "revoke"], &[&unknown]);
    let malformed = data.run(&["device", "revoke"], &["phone-7"]);

    // Assert
    assert!(!missing.success, "an unknown device is refused");
    assert!(
        missing.stderr.contains(&unknown) && missing.stderr.contains("not found"),
        "the message names the device: {}",
        missing.stderr
    );
    assert!(!malformed.success, "a malformed id is refused");
    assert!(
        malformed.stderr.contains("not a valid id"),
        "the message says the id is malformed: {}",
        malformed.stderr
    );
}

#[test]
fn reproject_rebuilds_identical_projection_rows() {
    // Arrange: contacts, a session with attendance, a visit and a conflict,
    // all synced by two phones.
    let data = Data::new();
    data.add_agency(AGENCY);
    data.add_agent("amina");
    data.add_agent("bilal");
    let server = Server::start(&data);
    let mut a = server.enrol("amina");
    let mut b = server.enrol("bilal");
    let author = a.author();
    let contact = create_contact(&mut a.device, author, AT, "Fatima", "Haddad", |c| {
        c.languages = ["ar", "fr"].map(String::from).into();
        c.interests = [Interest::JobSearch, Interest::VocationalTraining].into();
        c.follow_ups = vec![FollowUp {
            id: FollowUpId::random(),
            at: "2026-12-01".to_string(),
            kind: FollowUpKind::Call,
            note: Some("rappeler lundi".to_string()),
            by: Some(author.user),
        }];
    })
    .expect("contact");
    let other = create_contact(&mut a.device, author, AT, "Moussa", "Diallo", |_| {}).expect("second contact");
    let session = create_session(&mut a.device, author, AT, "Information").expect("session");
    for person in [contact, other] {
        mark(&mut a.device, author, session, person, AttendanceStatus::Present, AT).expect("mark");
    }
    create_visit(&mut a.device, author, AT, "Belleville").expect("visit");
    server.sync(&mut a);
    server.sync(&mut b);
    set_field(&mut a.device, contact, "city", "Paris").expect("a edits offline");
    set_field(&mut b.device, contact, "city", "Lyon").expect("b edits offline");
    server.sync(&mut a);
    server.sync(&mut b);
    server.stop();
    let before = projection(&data.connection());
    for (table, rows) in &before {
        assert!(!rows.is_empty(), "{table} has rows to compare");
    }

    // Act
    let run = data.run(&["reproject"], &[]);

    // Assert
    assert!(run.success, "reproject failed: {}", run.stderr);
    assert!(
        run.stdout.contains("4 documents projected, 0 quarantined"),
        "reproject reports what it did: {}",
        run.stdout
    );
    assert_eq!(projection(&data.connection()), before);
}

#[test]
fn backup_while_the_server_runs_is_an_intact_copy_with_a_new_epoch() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);
    let server = Server::start(&data);
    one_synced_contact(&data, &server, "amina");
    one_synced_contact(&data, &server, "bilal");
    let out = tempfile::tempdir().expect("backup folder");
    let copy = out.path().join("copy.sqlite");

    // Act
    let run = data.run(&["backup"], &["--out", copy.to_str().expect("UTF-8 path")]);

    // Assert
    assert!(run.success, "backup failed: {}", run.stderr);
    let backup = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("the copy opens");
    let integrity: String = backup
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    let live = data.connection();
    let held = documents(&backup);
    assert_eq!(held.len(), 2, "both contacts are in the copy");
    assert_eq!(held, documents(&live));
    assert_ne!(epoch(&backup), epoch(&live), "the copy has a new epoch");
    server.stop();
}

#[test]
fn backup_refuses_to_overwrite_an_existing_file() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);
    let out = tempfile::tempdir().expect("backup folder");
    let copy = out.path().join("copy.sqlite");
    std::fs::write(&copy, b"keep me").expect("an existing file");

    // Act
    let run = data.run(&["backup"], &["--out", copy.to_str().expect("UTF-8 path")]);

    // Assert
    assert!(!run.success, "overwriting is refused");
    assert!(
        run.stderr.contains("exists already"),
        "the message says why: {}",
        run.stderr
    );
    assert_eq!(std::fs::read(&copy).expect("still there"), b"keep me");
}

#[test]
fn erase_removes_the_document_and_records_it_as_erased() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);
    let server = Server::start(&data);
    let id = one_synced_contact(&data, &server, "amina").to_string();
    server.stop();
    assert_eq!(data.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", &id), 1);

    // Act
    let run = data.run(&["erase"], &["--doc", &id]);

    // Assert
    assert!(run.success, "erase failed: {}", run.stderr);
    for (sql, what) in [
        ("SELECT COUNT(*) FROM documents WHERE id = ?1", "documents"),
        ("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", "contacts"),
    ] {
        assert_eq!(data.count(sql, &id), 0, "{what} still holds the contact");
    }
    assert_eq!(data.count("SELECT COUNT(*) FROM erased WHERE doc_id = ?1", &id), 1);
}

#[test]
fn erase_of_an_unknown_document_fails() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);
    let unknown = DocumentId::random().to_string();

    // Act
    let run = data.run(&["erase"], &["--doc", &unknown]);

    // Assert
    assert!(!run.success, "an unknown document is refused");
    assert!(
        run.stderr.contains(&unknown) && run.stderr.contains("not found"),
        "the message names the document: {}",
        run.stderr
    );
    assert_eq!(data.count("SELECT COUNT(*) FROM erased WHERE doc_id = ?1", &unknown), 0);
}

#[test]
fn erase_of_a_malformed_id_fails_with_a_clear_message() {
    // Arrange
    let data = Data::new();
    data.add_agency(AGENCY);

    // Act
    let run = data.run(&["erase"], &["--doc", "leila-haddad"]);

    // Assert
    assert!(!run.success, "a malformed id is refused");
    assert!(
        run.stderr.contains("document id is not a valid id") && run.stderr.contains("leila-haddad"),
        "the message says the id is malformed: {}",
        run.stderr
    );
}

#[test]
fn serve_refuses_a_database_newer_than_the_program() {
    // Arrange: a database one schema version ahead.
    let data = Data::new();
    data.add_agency(AGENCY);
    {
        let conn = Connection::open(data.database()).expect("the database opens");
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("user_version");
        conn.pragma_update(None, "user_version", version + 1)
            .expect("bump user_version");
    }

    // Act
    let log = data.dir.path().join("serve.log");
    let child = relais_command()
        .args(["serve", "--data", data.path()])
        .args(["--bind", &format!("127.0.0.1:{}", free_port())])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).expect("log file"))
        .spawn()
        .expect("relais serve starts");
    let mut server = Server {
        child,
        address: String::new(),
        log,
    };
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("child status") {
            break status;
        }
        assert!(Instant::now() < deadline, "relais serve did not stop");
        std::thread::yield_now();
    };

    // Assert
    assert!(!status.success(), "the server refuses to start");
    let stderr = std::fs::read_to_string(&server.log).expect("log");
    assert!(
        stderr.contains("newer than this program"),
        "the message says why: {stderr}"
    );
}

#[test]
fn help_lists_every_subcommand() {
    // Arrange
    let expected = [
        "serve",
        "demo",
        "agency",
        "user",
        "device",
        "reproject",
        "backup",
        "erase",
        "simulate",
    ];

    // Act
    let run = relais(&["--help"]);

    // Assert
    assert!(run.success, "--help failed: {}", run.stderr);
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for name in expected {
        assert!(listed.contains(&name), "{name} is listed in: {:?}", run.stdout);
    }
}

#[test]
fn export_writes_csv_to_standard_output_and_xlsx_to_a_file_and_logs_both_as_cli() {
    // Arrange: two contacts, one with an Arabic name, synced by a phone.
    let data = Data::new();
    data.add_agency(AGENCY);
    data.add_agent("amina");
    let server = Server::start(&data);
    let mut a = server.enrol("amina");
    let author = a.author();
    create_contact(&mut a.device, author, AT, "محمد", "العلي", |c| {
        c.phone = Some("+33612345678".parse().expect("phone"));
    })
    .expect("contact");
    create_contact(&mut a.device, author, "2026-12-05T10:00:00Z", "Zoé", "Lefèvre", |_| {}).expect("contact");
    server.sync(&mut a);
    server.stop();
    let workbook = data.dir.path().join("contacts.xlsx");

    // Act
    let csv = data.run(
        &["export"],
        &[
            "--table",
            "contacts",
            "--format",
            "csv",
            "--agency",
            AGENCY,
            "--to",
            "2026-11-30",
        ],
    );
    let pseudonymised = data.run(
        &["export"],
        &["--table", "contacts", "--format", "json", "--pseudonymise"],
    );
    let xlsx = data.run(
        &["export"],
        &[
            "--table",
            "all",
            "--format",
            "xlsx",
            "--out",
            workbook.to_str().expect("UTF-8 path"),
        ],
    );
    let csv_of_all = data.run(&["export"], &["--table", "all", "--format", "csv"]);

    // Assert
    assert!(csv.success, "csv export failed: {}", csv.stderr);
    assert!(csv.stdout.starts_with('\u{feff}'), "a byte order mark for Excel");
    assert!(csv.stdout.contains("محمد,العلي"), "{}", csv.stdout);
    assert!(!csv.stdout.contains("Zoé"), "the date filter leaves December out");
    assert_eq!(csv.stdout.matches("\r\n").count(), 2, "a header and one row");
    assert!(csv.stderr.contains("1 rows exported"), "{}", csv.stderr);
    assert!(pseudonymised.success, "{}", pseudonymised.stderr);
    assert!(!pseudonymised.stdout.contains("محمد") && !pseudonymised.stdout.contains("+33612345678"));
    assert!(xlsx.success, "xlsx export failed: {}", xlsx.stderr);
    let bytes = std::fs::read(&workbook).expect("the workbook is written");
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip");
    assert!(!csv_of_all.success, "CSV holds one table");
    assert!(csv_of_all.stderr.contains("one table"), "{}", csv_of_all.stderr);
    let logged: Vec<(String, String, String, i64, i64)> = data
        .connection()
        .prepare("SELECT who, tables, format, pseudonymised, row_count FROM exports ORDER BY id")
        .expect("the export log")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        logged,
        [
            ("cli".into(), "contacts".into(), "csv".into(), 0, 1),
            ("cli".into(), "contacts".into(), "json".into(), 1, 2),
            ("cli".into(), "all".into(), "xlsx".into(), 0, 2),
        ]
    );
}
