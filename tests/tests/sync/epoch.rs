use relais_server::records::create_contact;
use relais_tests::app::{spawn_app_in, TestApp};
use relais_tests::world::AT;

fn restore(app: TestApp, backup: &std::path::Path) -> TestApp {
    let dir = app.stop();
    std::fs::copy(backup, dir.path().join("relais.sqlite")).expect("restore the backup");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("relais.sqlite{suffix}")));
    }
    spawn_app_in(dir)
}

#[test]
fn a_server_restored_from_a_backup_gets_a_new_epoch_and_phones_resend_what_it_lacks() {
    // Arrange: a contact synced before the backup, another after it.
    let app = relais_tests::app::spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let before = create_contact(&mut phone.device, author, AT, "Avant", "Sauvegarde", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");
    let backup = app.data_dir().join("backup.sqlite");
    relais_sync::backup::backup_to(&app.store, &backup).expect("backup");
    let after = create_contact(&mut phone.device, author, AT, "Apres", "Sauvegarde", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");

    // Act: the server is restored from the backup; the phone syncs again.
    let app = restore(app, &backup);
    phone.server = app.address.clone();
    phone.sync_until_idle(20).expect("sync after restore");

    // Assert: the restored server has both contacts again.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", before.to_string()),
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", after.to_string()),
        1,
        "resent after the restore"
    );
    assert_eq!(app.server_heads(after), phone.device.heads(after));
}
