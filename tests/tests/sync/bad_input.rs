//! Every bad request gets a 4xx JSON error naming the problem; the server
//! keeps serving others and no data changes.

use relais_server::phone::{Phone, PhoneError};
use relais_server::records::create_contact;
use relais_sync::protocol::{self, Pull, PushDoc, SyncRequest};
use relais_sync::wire::{WirePushDoc, WireRequest};
use relais_tests::app::{spawn_app_with, TestApp};
use relais_tests::world::AT;
use serde_bytes::ByteBuf;

const LIMIT: usize = 256 << 10;

/// A server with a small body limit, a phone with one synced contact, and the row counts.
fn arrange() -> (TestApp, Phone, (i64, i64)) {
    let app = spawn_app_with(tempfile::tempdir().expect("temp"), LIMIT);
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, "Aziz", "Rahimi", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");
    let counts = counts(&app);
    (app, phone, counts)
}

fn counts(app: &TestApp) -> (i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM log WHERE ?1 = ?1", String::new()),
        app.count("SELECT COUNT(*) FROM documents WHERE ?1 = ?1", String::new()),
    )
}

fn refused(result: Result<Vec<u8>, PhoneError>) -> (u16, serde_json::Value) {
    match result {
        Err(PhoneError::Refused { status, body }) => (status, serde_json::from_str(&body).expect("a JSON error body")),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The server still syncs a healthy phone, and nothing changed.
fn assert_unharmed(app: &TestApp, before: (i64, i64)) {
    assert_eq!(counts(app), before, "no data changed");
    let mut other = app.agent_phone(&format!("healthy{}", rand::random::<u32>()));
    other.sync_until_idle(10).expect("the server still serves others");
    assert_eq!(other.device.len() as i64, before.1);
}

fn wire_request(phone: &Phone, push: Vec<WirePushDoc>, version: u32) -> Vec<u8> {
    let wire = WireRequest {
        v: version,
        device: ByteBuf::from(phone.device.id().as_bytes().to_vec()),
        batch: ByteBuf::from(vec![9; 16]),
        epoch: None,
        push,
        pull: None,
    };
    let mut out = Vec::new();
    ciborium::into_writer(&wire, &mut out).expect("encodes");
    out
}

#[test]
fn garbage_bytes_are_refused_as_malformed() {
    let (app, mut phone, before) = arrange();
    let (status, body) = refused(phone.post_sync(b"\x00\xffthis is not cbor at all".to_vec()));
    assert_eq!(status, 400);
    assert_eq!(body["error"], "malformed");
    assert_unharmed(&app, before);
}

#[test]
fn a_truncated_body_is_refused_as_malformed() {
    let (app, mut phone, before) = arrange();
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, "Nadia", "Karimi", |_| {}).expect("contact");
    let request = phone.device.next_request(1 << 20).expect("request");
    let bytes = protocol::encode_request(&request);
    let (status, body) = refused(phone.post_sync(bytes[..bytes.len() / 2].to_vec()));
    assert_eq!(status, 400);
    assert_eq!(body["error"], "malformed");
    assert_unharmed(&app, before);
}

#[test]
fn a_body_over_the_size_limit_is_refused_as_too_large() {
    let (app, mut phone, before) = arrange();
    let (status, body) = refused(phone.post_sync(vec![0x41; LIMIT + 1]));
    assert_eq!(status, 413);
    assert_eq!(body["error"], "too_large");
    assert_unharmed(&app, before);
}

#[test]
fn a_change_that_is_not_automerge_is_refused_with_its_position() {
    let (app, mut phone, before) = arrange();
    let push = vec![WirePushDoc {
        id: ByteBuf::from(relais_schema::DocumentId::random().as_bytes().to_vec()),
        doc_type: "contact".into(),
        heads: vec![],
        changes: vec![ByteBuf::from(b"\x85\x6f\x4a\x83not really a change".to_vec())],
    }];
    let (status, body) = refused(phone.post_sync(wire_request(&phone, push, 1)));
    assert_eq!(status, 422);
    assert_eq!(body["error"], "invalid_change");
    assert!(body["message"]
        .as_str()
        .expect("message")
        .contains("push[0].changes[0]"));
    assert_unharmed(&app, before);
}

#[test]
fn a_document_of_an_unknown_type_is_refused() {
    let (app, mut phone, before) = arrange();
    let push = vec![WirePushDoc {
        id: ByteBuf::from(relais_schema::DocumentId::random().as_bytes().to_vec()),
        doc_type: "invoice".into(),
        heads: vec![],
        changes: vec![],
    }];
    let (status, body) = refused(phone.post_sync(wire_request(&phone, push, 1)));
    assert_eq!(status, 422);
    assert_eq!(body["error"], "unknown_type");
    assert!(body["message"].as_str().expect("message").contains("invoice"));
    assert_unharmed(&app, before);
}

#[test]
fn an_unknown_protocol_version_is_refused() {
    let (app, mut phone, before) = arrange();
    let (status, body) = refused(phone.post_sync(wire_request(&phone, vec![], 7)));
    assert_eq!(status, 400);
    assert_eq!(body["error"], "unsupported_version");
    assert_unharmed(&app, before);
}

#[test]
fn a_push_to_a_document_of_another_agency_is_forbidden_and_stores_nothing() {
    // Arrange: a contact of the other agency, and a hostile phone that knows its id.
    let (app, mut phone, _) = arrange();
    let mut foreign = app.foreign_agent_phone("marseille");
    let author = foreign.author();
    let theirs = create_contact(&mut foreign.device, author, AT, "Karim", "Benali", |_| {}).expect("contact");
    foreign.sync_until_idle(10).expect("foreign sync");
    let before = counts(&app);
    let heads_before = app.server_heads(theirs);

    // A change of our own plus one aimed at their document, in one batch.
    let me = phone.author();
    let mine = create_contact(&mut phone.device, me, AT, "Mine", "Too", |_| {}).expect("contact");
    let mut hostile = relais_sync::device::Device::new(phone.device.id());
    let forged = hostile
        .create(relais_schema::RecordType::Contact, |doc, _| {
            relais_schema::write::set_str(doc, "given_name", "Forged")
        })
        .expect("forged doc");
    let forged_changes = hostile.load(forged).expect("loads").get_changes(&[]);
    let own = phone.device.load(mine).expect("loads");
    let request = SyncRequest {
        device: phone.device.id(),
        batch: protocol::BatchId::random(),
        epoch: None,
        push: vec![
            PushDoc {
                id: mine,
                doc_type: relais_schema::RecordType::Contact,
                heads: vec![],
                changes: own.get_changes(&[]),
            },
            PushDoc {
                id: theirs,
                doc_type: relais_schema::RecordType::Contact,
                heads: vec![],
                changes: forged_changes,
            },
        ],
        pull: Some(Pull {
            cursor: 0,
            snapshot: None,
            budget: 1 << 20,
            pack: false,
        }),
    };

    // Act
    let (status, body) = refused(phone.post_sync(protocol::encode_request(&request)));

    // Assert: the whole batch is refused; their document and our rows are untouched.
    assert_eq!(status, 403);
    assert_eq!(body["error"], "forbidden");
    assert_eq!(counts(&app), before);
    assert_eq!(app.server_heads(theirs), heads_before);
    // And the pull feed never shows another agency's documents.
    phone.device.abandon_request();
    let fresh = app.agent_phone("newcomer");
    let mut fresh = fresh;
    fresh.sync_until_idle(10).expect("sync");
    assert!(!fresh.device.document_ids().contains(&theirs));
}

#[test]
fn a_missing_token_is_unauthorized() {
    let (app, _phone, before) = arrange();
    let response = app
        .http
        .post(format!("{}/api/v1/sync", app.address))
        .body(vec![1, 2, 3])
        .send()
        .expect("answered");
    assert_eq!(response.status().as_u16(), 401);
    let body: serde_json::Value = response.json().expect("json");
    assert_eq!(body["error"], "unauthorized");
    assert_unharmed(&app, before);
}

#[test]
fn a_revoked_token_is_unauthorized_and_told_to_wipe() {
    let (app, mut phone, before) = arrange();
    let device = phone.device.id();
    app.store
        .write(move |conn| relais_sync::accounts::revoke_device(conn, device, "2026-11-29T12:00:00Z"))
        .expect("revoked");
    let result = phone.sync_once();
    let Err(PhoneError::Refused { status, body }) = result else {
        panic!("expected a refusal, got {result:?}")
    };
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(status, 401);
    assert_eq!(body["error"], "device_revoked");
    assert_eq!(body["wipe"], true);
    assert!(phone.device.is_empty(), "the revoked phone wiped its documents");
    assert_unharmed(&app, before);
}
