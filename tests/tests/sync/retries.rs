use relais_server::records::create_contact;
use relais_sync::protocol;
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

#[test]
fn a_batch_retried_after_a_lost_answer_is_stored_once_and_answered_the_same() {
    // Arrange
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Samira", "Nour", |_| {}).expect("contact");
    let request = phone.device.next_request(1 << 20).expect("request");
    let body = protocol::encode_request(&request);

    // Act: the first answer is lost on the way back; the phone retries the same batch.
    let first = phone.post_sync(body.clone()).expect("first attempt committed");
    let retry_request = phone.device.next_request(1 << 20).expect("the same request again");
    assert_eq!(retry_request.batch, request.batch, "a retry reuses the batch id");
    let second = phone
        .post_sync(protocol::encode_request(&retry_request))
        .expect("retry");

    // Assert
    let first = protocol::decode_response(&first).expect("decodes");
    let second = protocol::decode_response(&second).expect("decodes");
    assert_eq!(first.results, second.results, "same answer");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM log WHERE doc_id = ?1", id.to_string()),
        1,
        "one change row"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", id.to_string()),
        1
    );
    phone.device.handle_response(second).expect("applies");
    assert_eq!(phone.device.pending(), 0);
}

#[test]
fn changes_sent_twice_in_different_batches_are_stored_once() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Samira", "Nour", |_| {}).expect("contact");
    let request = phone.device.next_request(1 << 20).expect("request");
    phone.post_sync(protocol::encode_request(&request)).expect("first");

    // The phone restarted and lost its in-flight batch: same changes, new batch id.
    phone.device.abandon_request();
    phone.sync_until_idle(10).expect("resend");

    assert_eq!(
        app.count("SELECT COUNT(*) FROM log WHERE doc_id = ?1", id.to_string()),
        1
    );
    assert_eq!(phone.device.pending(), 0);
}

#[test]
fn a_batch_id_reused_for_different_changes_is_refused_and_stores_nothing() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, "Samira", "Nour", |_| {}).expect("contact");
    let first = phone.device.next_request(1 << 20).expect("request");
    phone.post_sync(protocol::encode_request(&first)).expect("stored");
    phone.device.abandon_request();
    let other = create_contact(&mut phone.device, author, AT, "Other", "Person", |_| {}).expect("contact");
    let mut second = phone.device.next_request(1 << 20).expect("request");
    second.batch = first.batch;

    let result = phone.post_sync(protocol::encode_request(&second));

    let Err(relais_server::phone::PhoneError::Refused { status, body }) = result else {
        panic!("expected a refusal, got {result:?}")
    };
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("batch id"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", other.to_string()),
        0
    );
}
