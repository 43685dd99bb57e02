//! Privacy end to end: the server log holds no personal data even at debug
//! level; erasure reaches tables, phones and exports for good; a revoked
//! phone is refused and wiped, and what it had pending is not stored.

use std::path::Path;
use std::process::{Child, Command};
use std::time::Instant;

use relais_schema::{write, RecordType};
use relais_server::demo::generate::RecordGenerator;
use relais_server::phone::{Phone, PhoneError};
use relais_server::records::{create_contact, create_session, mark, set_field};
use relais_sync::accounts::{self, NewUser, Role};
use relais_sync::Store;
use relais_tests::app::{spawn_app, TestApp, PASSWORD};
use relais_tests::process::{free_port, relais_binary};
use relais_tests::world::AT;

use crate::support::{author, PATIENCE};

/// `relais serve` logging at debug level into a file; killed when dropped.
struct LoggedServer {
    child: Child,
    address: String,
}

impl LoggedServer {
    fn start(data: &Path, log: &Path) -> LoggedServer {
        let port = free_port();
        let file = std::fs::File::create(log).expect("log file");
        let child = Command::new(relais_binary())
            .args(["serve", "--data"])
            .arg(data)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("RELAIS_LOG", "debug")
            .env("RUST_LOG", "debug")
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .expect("relais starts");
        let server = LoggedServer {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::blocking::Client::new();
        let deadline = Instant::now() + PATIENCE;
        while !http
            .get(format!("{}/healthz", server.address))
            .send()
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(Instant::now() < deadline, "the server never became healthy");
            std::thread::yield_now();
        }
        server
    }
}

impl Drop for LoggedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn create_accounts(data: &Path) {
    let store = Store::open(&data.join("relais.sqlite")).expect("store");
    store
        .write(|conn| {
            let agency = accounts::create_agency(conn, "Agence Journal", AT)?;
            for (name, role) in [
                ("admin", Role::Admin),
                ("amina", Role::Agent),
                ("bilal", Role::Agent),
                ("chloe", Role::Agent),
            ] {
                accounts::create_user(
                    conn,
                    &NewUser {
                        username: name,
                        display_name: name,
                        role,
                        password: PASSWORD,
                        agencies: &[agency],
                    },
                    AT,
                )?;
            }
            Ok(())
        })
        .expect("accounts");
    store.close();
}

/// Contacts made by the demo generator (names, phones, notes, follow-ups);
/// returns every personal string they hold.
fn record_people(phone: &mut Phone, seed: u64, count: usize) -> Vec<String> {
    let author = author(phone);
    let today = time::macros::date!(2026 - 11 - 29);
    let mut generator = RecordGenerator::new(seed, today);
    let mut personal = Vec::new();
    for _ in 0..count {
        phone
            .device
            .create(RecordType::Contact, |doc, id| {
                let contact = generator.contact(id, author, today);
                personal.extend(contact.given_name.clone());
                personal.extend(contact.family_name.clone());
                personal.extend(contact.alias.clone());
                personal.extend(contact.notes.clone());
                personal.extend(contact.skills.clone());
                if let Some(number) = &contact.phone {
                    personal.push(number.as_str().to_string());
                    personal.push(number.as_str().chars().filter(char::is_ascii_digit).collect());
                }
                personal.extend(contact.follow_ups.iter().filter_map(|f| f.note.clone()));
                write::write_contact(doc, &contact)
            })
            .expect("contact");
    }
    // Short strings (a three-letter name) would match unrelated text.
    personal.retain(|p| p.chars().count() >= 4);
    personal
}

/// Send `request` with the administrator's credentials.
fn admin(request: reqwest::blocking::RequestBuilder) -> reqwest::blocking::Response {
    request
        .basic_auth("admin", Some(PASSWORD))
        .send()
        .expect("the server answers")
}

#[test]
fn the_server_log_at_debug_level_holds_no_name_phone_or_note_after_a_full_scenario() {
    // Arrange: the binary logging at debug level into a file.
    let dir = tempfile::tempdir().expect("temp");
    create_accounts(dir.path());
    let log = dir.path().join("server.log");
    let server = LoggedServer::start(dir.path(), &log);
    let http = reqwest::blocking::Client::new();
    let mut phones: Vec<Phone> = ["amina", "bilal", "chloe"]
        .iter()
        .map(|name| Phone::enrol(&server.address, name, PASSWORD).expect("enrol"))
        .collect();

    // Act: a full scenario — records, edits, attendance, a quarantined
    // record, a malformed request, an erasure, exports, a revocation.
    let mut personal = Vec::new();
    for (i, phone) in phones.iter_mut().enumerate() {
        personal.extend(record_people(phone, i as u64 + 11, 8));
    }
    let amina_author = phones[0].author();
    let quarantined =
        create_contact(&mut phones[0].device, amina_author, AT, "Zoubida", "Benkhelifa", |_| {}).expect("contact");
    set_field(&mut phones[0].device, quarantined, "phone", "Zoubida 0699887766").expect("an invalid phone");
    personal.extend([
        "Zoubida".to_string(),
        "Benkhelifa".to_string(),
        "0699887766".to_string(),
    ]);
    let session = create_session(&mut phones[0].device, amina_author, AT, "Information").expect("session");
    for phone in &mut phones {
        phone.sync_until_idle(50).expect("sync");
    }
    let someone = phones[1].device.documents_of(RecordType::Contact)[0];
    let bilal_author = phones[1].author();
    mark(
        &mut phones[1].device,
        bilal_author,
        session,
        someone,
        relais_schema::AttendanceStatus::Present,
        AT,
    )
    .expect("mark");
    for phone in &mut phones {
        phone.sync_until_idle(50).expect("sync");
    }
    let garbage = format!("not cbor {} {}", personal[0], personal[1]).into_bytes();
    match phones[2].post_sync(garbage) {
        Err(PhoneError::Refused { status, .. }) => assert_eq!(status, 400),
        other => panic!("a malformed body must be refused: {other:?}"),
    }
    let erased = phones[0].device.documents_of(RecordType::Contact)[1];
    let response = admin(http.delete(format!("{}/api/v1/documents/{erased}", server.address)));
    assert!(response.status().is_success(), "erasure: {}", response.status());
    for file in ["contacts.csv", "all.json", "attendance.csv", "follow_ups.csv"] {
        let response = admin(http.get(format!("{}/api/v1/exports/{file}", server.address)));
        assert_eq!(response.status(), 200, "{file}");
    }
    let devices: serde_json::Value = admin(http.get(format!("{}/api/v1/admin/devices", server.address)))
        .json()
        .expect("device list");
    let chloe = phones[2].device.id().to_string();
    assert!(devices.to_string().contains(&chloe));
    let revoked = admin(http.post(format!("{}/api/v1/admin/devices/{chloe}/revoke", server.address)));
    assert!(revoked.status().is_success());
    for phone in &mut phones {
        let _ = phone.sync_until_idle(50);
    }
    drop(server);

    // Assert: the log was written at debug level and holds none of it.
    let log = std::fs::read_to_string(&log).expect("the log");
    assert!(log.contains("DEBUG"), "the server did not log at debug level");
    assert!(
        personal.len() > 40,
        "only {} personal strings to look for",
        personal.len()
    );
    for value in &personal {
        assert!(!log.contains(value.as_str()), "the server log holds {value:?}");
    }
}

fn export_text(app: &TestApp, file: &str) -> String {
    let response = app
        .http
        .get(format!("{}/api/v1/exports/{file}", app.address))
        .basic_auth("admin", Some(PASSWORD))
        .send()
        .expect("export");
    assert_eq!(response.status(), 200, "{file}");
    response.text().expect("text")
}

#[test]
fn an_erased_contact_leaves_exports_and_a_stale_phone_cannot_bring_it_back() {
    // Arrange: a contact with attendance, on two phones; one goes offline and edits it.
    let app = spawn_app();
    app.add_user("admin", Role::Admin, &[app.agency]);
    let mut amina = app.agent_phone("amina");
    let mut stale = app.agent_phone("bilal");
    let author = amina.author();
    let id = create_contact(&mut amina.device, author, AT, "Yasmine", "Belkacemi", |c| {
        c.phone = "+33 6 11 22 33 44".parse().ok();
        c.notes = Some("Cherche une formation de soudeuse".into());
    })
    .expect("contact");
    let session = create_session(&mut amina.device, author, AT, "Information").expect("session");
    mark(
        &mut amina.device,
        author,
        session,
        id,
        relais_schema::AttendanceStatus::Present,
        AT,
    )
    .expect("mark");
    amina.sync_until_idle(10).expect("sync");
    stale.sync_until_idle(10).expect("sync");
    set_field(&mut stale.device, id, "city", "Lyon").expect("an offline edit");
    assert!(export_text(&app, "all.json").contains("Belkacemi"));

    // Act: an administrator erases it over HTTP; both phones sync.
    let response = app
        .http
        .delete(format!("{}/api/v1/documents/{id}", app.address))
        .basic_auth("admin", Some(PASSWORD))
        .send()
        .expect("erase");
    assert!(response.status().is_success(), "{}", response.status());
    amina.sync_until_idle(10).expect("sync");
    stale.sync_until_idle(10).expect("the stale phone syncs");
    amina.sync_until_idle(10).expect("sync again");

    // Assert: in no export, on no phone, and not back on the server.
    for file in ["all.json", "contacts.csv", "attendance.csv", "follow_ups.csv"] {
        let text = export_text(&app, file);
        for value in ["Yasmine", "Belkacemi", "11 22 33 44", "soudeuse", &id.to_string()] {
            assert!(!text.contains(value), "{value:?} is still in {file}");
        }
    }
    for phone in [&amina, &stale] {
        assert!(phone.device.heads(id).is_none(), "a phone still holds the contact");
        assert!(phone.device.erased.contains(&id));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", id.to_string()),
        0
    );
}

#[test]
fn a_revoked_phone_is_refused_wiped_and_what_it_had_pending_is_not_stored() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let kept = create_contact(&mut phone.device, author, AT, "Avant", "Revocation", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");
    let pending = create_contact(&mut phone.device, author, AT, "Apres", "Revocation", |_| {}).expect("contact");
    let device = phone.device.id();
    app.store
        .write(move |conn| accounts::revoke_device(conn, device, "2026-11-29T12:00:00Z"))
        .expect("revoked");

    let refused = phone.sync_once();

    match refused {
        Err(PhoneError::Refused { status, body }) => {
            assert_eq!(status, 401);
            assert!(body.contains("device_revoked"), "{body}");
        }
        other => panic!("a revoked phone must be refused: {other:?}"),
    }
    assert!(phone.device.is_empty(), "the phone wiped every document");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", kept.to_string()),
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", pending.to_string()),
        0
    );
    assert!(matches!(
        phone.sync_once(),
        Err(PhoneError::Refused { status: 401, .. })
    ));
}
