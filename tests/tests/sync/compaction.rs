use relais_server::records::{create_contact, set_field};
use relais_sync::apply::COMPACT_MIN_CHANGES;
use relais_tests::app::spawn_app;
use relais_tests::world::{content, AT};

#[test]
fn a_document_with_many_small_changes_is_compacted_and_a_phone_behind_still_converges() {
    // Arrange: a phone that saw the contact once, then goes quiet.
    let app = spawn_app();
    let mut busy = app.agent_phone("amina");
    let mut behind = app.agent_phone("bilal");
    let author = busy.author();
    let id = create_contact(&mut busy.device, author, AT, "Mariam", "Osman", |_| {}).expect("contact");
    busy.sync_until_idle(10).expect("sync");
    behind.sync_until_idle(10).expect("sync");

    // Act: many one-field edits, each synced on its own.
    for i in 0..(COMPACT_MIN_CHANGES * 3) {
        set_field(&mut busy.device, id, "neighbourhood", &format!("Quartier {i}")).expect("edit");
        busy.sync_until_idle(10).expect("sync");
    }

    // Assert: the log holds one snapshot row instead of dozens of changes…
    let rows = app.count("SELECT COUNT(*) FROM log WHERE doc_id = ?1", id.to_string());
    let snapshots = app.count(
        "SELECT COUNT(*) FROM log WHERE doc_id = ?1 AND kind = 'snapshot'",
        id.to_string(),
    );
    assert!(snapshots >= 1, "compacted");
    assert!(rows < COMPACT_MIN_CHANGES, "{rows} log rows left");
    // …and the phone that was behind receives it and ends identical.
    behind.sync_until_idle(10).expect("sync");
    assert_eq!(behind.device.heads(id), app.server_heads(id));
    assert_eq!(
        content(&behind.device.load(id).expect("held")),
        content(&busy.device.load(id).expect("held"))
    );
}
