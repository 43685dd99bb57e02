//! Hostile bodies: every fixture in `fixtures/decode_request/` (hand-made
//! ones and any input the fuzzer ever crashed on) and damaged versions of a
//! real request are refused with a 4xx JSON error, store nothing, and leave
//! the server serving; a byte flipped anywhere in a real request never
//! gets a 5xx.

use std::path::PathBuf;

use relais_server::phone::PhoneError;
use relais_server::records::create_contact;
use relais_sync::protocol;
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

fn fixtures(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/reliability/fixtures/{target}"));
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("fixture"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn hostile_sync_bodies_are_refused_with_a_4xx_and_store_nothing() {
    // Arrange: a phone with a real request, and the fixtures.
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, "Leila", "Haddad", |_| {}).expect("contact");
    let request = phone.device.next_request(1 << 20).expect("request");
    let real = protocol::encode_request(&request);
    let mut bodies = fixtures("decode_request");
    assert!(bodies.len() >= 8, "the fixtures are missing");
    for cut in [1, real.len() / 3, real.len() / 2, real.len() - 1] {
        bodies.push((format!("real request cut at {cut}"), real[..cut].to_vec()));
    }
    // Act and assert, body by body.
    let mut refused = 0;
    for (name, body) in bodies {
        match phone.post_sync(body) {
            Err(PhoneError::Refused { status, body }) => {
                assert!((400..500).contains(&status), "{name}: answered {status} {body}");
                let json: serde_json::Value =
                    serde_json::from_str(&body).unwrap_or_else(|_| panic!("{name}: not a JSON error: {body}"));
                assert!(
                    json["error"].is_string() && json["message"].is_string(),
                    "{name}: {body}"
                );
                refused += 1;
            }
            Ok(_) => panic!("{name} was accepted"),
            Err(other) => panic!("{name}: {other}"),
        }
    }
    assert!(refused >= 12);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE given_name = ?1", "Leila".into()),
        0,
        "a damaged request stored a contact"
    );
    // A flipped byte may land in a batch id and leave a valid request: never a 5xx.
    let mut flips = Vec::new();
    for at in (0..real.len()).step_by(7) {
        let mut flipped = real.clone();
        flipped[at] ^= 0xff;
        flips.push((format!("real request with byte {at} flipped"), flipped));
    }

    for (name, body) in flips {
        match phone.post_sync(body) {
            Ok(_) => {}
            Err(PhoneError::Refused { status, body }) => {
                assert!((400..500).contains(&status), "{name}: answered {status} {body}")
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }

    // The server still serves, and the real request goes through.
    phone.device.abandon_request();
    phone.sync_until_idle(10).expect("the real request is stored");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE given_name = ?1", "Leila".into()),
        1
    );
}
