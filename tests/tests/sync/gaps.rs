use automerge::ReadDoc;
use relais_server::records::{create_contact, set_field};
use relais_sync::protocol::{self, DocStatus, Pull, PushDoc, SyncRequest};
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

#[test]
fn a_change_whose_dependencies_are_missing_gets_need_and_converges_after_a_resend() {
    // Arrange: a contact with two changes; only the second is pushed.
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Hawa", "Camara", |_| {}).expect("contact");
    set_field(&mut phone.device, id, "city", "Lyon").expect("edit");
    let doc = phone.device.load(id).expect("loads");
    let changes = doc.get_changes(&[]);
    assert_eq!(changes.len(), 2);
    let request = SyncRequest {
        device: phone.device.id(),
        batch: protocol::BatchId::random(),
        epoch: None,
        push: vec![PushDoc {
            id,
            doc_type: relais_schema::RecordType::Contact,
            heads: doc.get_heads(),
            changes: vec![changes[1].clone()],
        }],
        pull: Some(Pull {
            cursor: 0,
            snapshot: None,
            budget: 1 << 20,
            pack: false,
        }),
    };

    // Act
    let answer = phone.post_sync(protocol::encode_request(&request)).expect("answered");
    let answer = protocol::decode_response(&answer).expect("decodes");

    // Assert: nothing stored, `need` with the server's (empty) heads.
    assert_eq!(answer.results[0].status, DocStatus::Need);
    assert!(answer.results[0].heads.is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM log WHERE doc_id = ?1", id.to_string()),
        0
    );

    // The device's own loop resends from there and the document converges.
    phone.sync_until_idle(10).expect("resend");
    assert_eq!(app.server_heads(id), Some(doc.get_heads()));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM contacts WHERE doc_id = ?1 AND city = 'Lyon'",
            id.to_string()
        ),
        1
    );
}

#[test]
fn a_phone_restored_from_an_old_backup_resends_what_the_server_lacks() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Hawa", "Camara", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");
    set_field(&mut phone.device, id, "city", "Lyon").expect("edit");

    // The phone believes the server has everything (a bug or a restore).
    phone.device.recheck_all();
    phone.sync_until_idle(10).expect("sync");

    let doc = phone.device.load(id).expect("loads");
    assert_eq!(app.server_heads(id), Some(doc.get_heads()));
    let city = doc
        .get(automerge::ROOT, "city")
        .expect("read")
        .map(|(v, _)| v.to_string());
    assert!(city.is_some_and(|c| c.contains("Lyon")));
}
