use relais_curation::history::record_history;
use relais_curation::CurationError;
use relais_schema::{write, FollowUp, FollowUpId, FollowUpKind};
use relais_server::records::{create_contact, set_field};
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

use crate::support::read;

#[test]
fn the_history_says_who_changed_which_field_when_and_from_which_device() {
    // Arrange: Amina records a contact; Bilal, on another phone, edits it.
    let app = spawn_app();
    let mut amina = app.agent_phone("amina");
    let mut bilal = app.agent_phone("bilal");
    let author = amina.author();
    let id = create_contact(&mut amina.device, author, AT, "Omar", "Saleh", |_| {}).expect("contact");
    amina.sync_until_idle(10).expect("amina syncs");
    bilal.sync_until_idle(10).expect("bilal syncs");
    set_field(&mut bilal.device, id, "phone", "06 12 34 56 78").expect("edit");
    set_field(&mut bilal.device, id, "stage", "informed").expect("edit");
    bilal.sync_until_idle(10).expect("bilal syncs");

    // Act
    let history = read(&app, |conn| record_history(conn, id, &[app.agency])).expect("history");

    // Assert: oldest first, each change with its device, user and fields.
    assert_eq!(history.len(), 3, "{history:#?}");
    let created = &history[0];
    assert_eq!(created.username.as_deref(), Some("amina"));
    assert_eq!(created.device_id, Some(amina.device.id()));
    assert!(created
        .changes
        .iter()
        .any(|c| c.field == "given_name" && c.value == "Omar"));
    assert!(created
        .changes
        .iter()
        .any(|c| c.field == "consent.given" && c.value == true));
    let phone = &history[1];
    assert_eq!(phone.username.as_deref(), Some("bilal"));
    assert_eq!(phone.device_id, Some(bilal.device.id()));
    assert_eq!(phone.user_id, Some(bilal.user));
    assert_eq!(phone.changes.len(), 1);
    assert_eq!(phone.changes[0].field, "phone");
    assert_eq!(phone.changes[0].value, "06 12 34 56 78");
    assert_eq!(history[2].changes[0].field, "stage");
    assert!(history
        .iter()
        .all(|entry| entry.at.is_some() && entry.received_at.is_some()));
}

#[test]
fn the_history_outlives_the_compaction_of_the_change_log() {
    // Arrange: enough edits for the store to replace the log rows by a snapshot.
    let app = spawn_app();
    let mut amina = app.agent_phone("amina");
    let author = amina.author();
    let id = create_contact(&mut amina.device, author, AT, "Awa", "Ndiaye", |_| {}).expect("contact");
    let follow_up = FollowUp {
        id: FollowUpId::random(),
        at: "2026-12-01".to_owned(),
        kind: FollowUpKind::Call,
        note: Some("rappeler lundi".to_owned()),
        by: Some(author.user),
    };
    amina
        .device
        .edit(id, |doc| write::add_follow_up(doc, &follow_up))
        .expect("follow-up");
    for n in 0..40 {
        set_field(&mut amina.device, id, "neighbourhood", &format!("Quartier {n}")).expect("edit");
        amina.sync_until_idle(10).expect("sync");
    }
    let logged = app.count(
        "SELECT COUNT(*) FROM log WHERE doc_id = ?1 AND kind = 'change'",
        id.to_string(),
    );
    assert!(logged < 42, "the log was compacted ({logged} change rows left)");

    // Act
    let history = read(&app, |conn| record_history(conn, id, &[app.agency])).expect("history");

    // Assert: every change is still there, named.
    assert_eq!(history.len(), 42);
    let note = format!("follow_ups[{}].note", follow_up.id);
    assert!(
        history[1]
            .changes
            .iter()
            .any(|c| c.field == note && c.value == "rappeler lundi"),
        "{:#?}",
        history[1]
    );
    assert_eq!(history[41].changes[0].field, "neighbourhood");
    assert_eq!(history[41].changes[0].value, "Quartier 39");
    assert!(history.iter().all(|entry| entry.username.as_deref() == Some("amina")));
}

#[test]
fn a_record_of_another_agency_has_no_history_to_show() {
    let app = spawn_app();
    let mut amina = app.agent_phone("amina");
    let author = amina.author();
    let id = create_contact(&mut amina.device, author, AT, "Omar", "Saleh", |_| {}).expect("contact");
    amina.sync_until_idle(10).expect("sync");

    let result = read(&app, |conn| record_history(conn, id, &[app.other_agency]));

    assert!(matches!(result, Err(CurationError::NotFound(_))), "{result:?}");
}
