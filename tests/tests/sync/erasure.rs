use relais_schema::AttendanceStatus;
use relais_server::records::{create_contact, create_session, mark, set_field};
use relais_sync::erase;
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

#[test]
fn an_erased_contact_leaves_every_table_and_every_phone_and_cannot_come_back() {
    // Arrange: a contact on two phones, with attendance at a session.
    let app = spawn_app();
    let mut a = app.agent_phone("amina");
    let mut stale = app.agent_phone("bilal");
    let author = a.author();
    let id = create_contact(&mut a.device, author, AT, "Leila", "Haddad", |c| {
        c.phone = "+33 6 98 76 54 32".parse().ok();
    })
    .expect("contact");
    let session = create_session(&mut a.device, author, AT, "Information").expect("session");
    mark(&mut a.device, author, session, id, AttendanceStatus::Present, AT).expect("mark");
    a.sync_until_idle(10).expect("a syncs");
    stale.sync_until_idle(10).expect("stale syncs");
    set_field(&mut stale.device, id, "city", "Lyon").expect("an offline edit");

    // Act: erase on the server.
    app.store
        .write(move |conn| erase::erase_document(conn, id, None, None, "2026-11-29T12:00:00Z"))
        .expect("erased");

    // Assert: in no table.
    for (sql, what) in [
        ("SELECT COUNT(*) FROM documents WHERE id = ?1", "documents"),
        ("SELECT COUNT(*) FROM log WHERE doc_id = ?1 AND kind != 'erase'", "log"),
        ("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", "contacts"),
        ("SELECT COUNT(*) FROM follow_ups WHERE doc_id = ?1", "follow_ups"),
        (
            "SELECT COUNT(*) FROM contact_languages WHERE doc_id = ?1",
            "contact_languages",
        ),
        ("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", "conflicts"),
        ("SELECT COUNT(*) FROM attendance WHERE contact_id = ?1", "attendance"),
    ] {
        assert_eq!(app.count(sql, id.to_string()), 0, "{what} still holds the contact");
    }

    // A phone that syncs drops it.
    a.sync_until_idle(10).expect("a syncs");
    assert!(a.device.heads(id).is_none());
    assert!(a.device.erased.contains(&id));

    // A stale phone pushing old changes gets `erased`, and nothing comes back.
    stale.sync_until_idle(10).expect("stale syncs");
    assert!(stale.device.heads(id).is_none(), "the stale phone deleted its copy");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", id.to_string()),
        0
    );

    // A reprojection does not resurrect the attendance row from the session document.
    app.store
        .write(relais_sync::projection::reproject_all)
        .expect("reproject");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM attendance WHERE contact_id = ?1", id.to_string()),
        0
    );
}

#[test]
fn a_push_to_an_erased_document_is_answered_erased() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Leila", "Haddad", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");
    set_field(&mut phone.device, id, "city", "Lyon").expect("edit");
    app.store
        .write(move |conn| erase::erase_document(conn, id, None, None, "2026-11-29T12:00:00Z"))
        .expect("erased");

    let request = phone.device.next_request(1 << 20).expect("request");
    let answer = phone
        .post_sync(relais_sync::protocol::encode_request(&request))
        .expect("answered");
    let answer = relais_sync::protocol::decode_response(&answer).expect("decodes");

    assert_eq!(answer.results[0].status, relais_sync::protocol::DocStatus::Erased);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        0
    );
}
