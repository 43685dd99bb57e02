use relais_curation::conflicts::{list_conflicts, resolve_conflict};
use relais_curation::CurationError;
use relais_schema::{field_conflicts, Contact, DocumentId};
use relais_server::phone::Phone;
use relais_server::records::{create_contact, set_field};
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::world::AT;

use crate::support::{read, supervisor, supervisor_of, text, write, NOW};

/// A contact both phones know, then edited on each, offline, to another city.
fn city_conflict(app: &TestApp) -> (Phone, Phone, DocumentId) {
    let mut amina = app.agent_phone("amina");
    let mut bilal = app.agent_phone("bilal");
    let author = amina.author();
    let id = create_contact(&mut amina.device, author, AT, "Omar", "Saleh", |_| {}).expect("contact");
    amina.sync_until_idle(10).expect("amina syncs");
    bilal.sync_until_idle(10).expect("bilal syncs");
    set_field(&mut amina.device, id, "city", "Lyon").expect("edit");
    set_field(&mut bilal.device, id, "city", "Villeurbanne").expect("edit");
    amina.sync_until_idle(10).expect("amina syncs");
    bilal.sync_until_idle(10).expect("bilal syncs");
    (amina, bilal, id)
}

#[test]
fn a_conflict_from_two_phones_is_listed_with_who_wrote_each_value() {
    let app = spawn_app();
    let (amina, bilal, id) = city_conflict(&app);

    let queue = read(&app, |conn| list_conflicts(conn, &[app.agency])).expect("queue");

    assert_eq!(queue.len(), 1, "{queue:#?}");
    let item = &queue[0];
    assert_eq!(
        (item.doc_id, item.field.as_str(), item.label.as_str()),
        (id, "city", "Omar Saleh")
    );
    assert_eq!(item.values.len(), 2);
    assert_eq!(item.values.iter().filter(|v| v.winner).count(), 1);
    for (phone, city, username) in [(&amina, "Lyon", "amina"), (&bilal, "Villeurbanne", "bilal")] {
        let value = item
            .values
            .iter()
            .find(|v| v.value == city)
            .expect("each value is listed");
        assert_eq!(value.username.as_deref(), Some(username));
        assert_eq!(value.device_id, Some(phone.device.id()));
    }
}

#[test]
fn a_resolved_conflict_disappears_and_reaches_the_phones_at_their_next_sync() {
    // Arrange
    let app = spawn_app();
    let (mut amina, _bilal, id) = city_conflict(&app);
    let sam = supervisor(&app, "sam");
    let shown = text(&app, "SELECT city FROM contacts WHERE doc_id = ?1", id.to_string()).expect("a city");
    let chosen = if shown == "Lyon" { "Villeurbanne" } else { "Lyon" };

    // Act: the supervisor picks the value that is not shown.
    let agency = app.agency;
    write(&app, move |conn| {
        resolve_conflict(conn, &[agency], sam, id, "city", chosen, NOW)
    })
    .expect("resolved");
    amina.sync_until_idle(10).expect("amina syncs");

    // Assert: no conflict rows, the projection and the phone's document agree.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", id.to_string()),
        0
    );
    assert_eq!(
        text(&app, "SELECT city FROM contacts WHERE doc_id = ?1", id.to_string()).as_deref(),
        Some(chosen)
    );
    let doc = amina.device.load(id).expect("on the phone");
    assert_eq!(Contact::from_doc(&doc).expect("valid").city.as_deref(), Some(chosen));
    assert!(field_conflicts(&doc).is_empty());
    assert_eq!(amina.device.heads(id), app.server_heads(id));
    // The change is logged like a device's, attributed to the supervisor.
    let logged_by = text(
        &app,
        "SELECT user_id FROM log WHERE doc_id = ?1 AND kind = 'change' ORDER BY seq DESC LIMIT 1",
        id.to_string(),
    );
    assert_eq!(logged_by, Some(sam.to_string()));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM actors WHERE user_id = ?1", sam.to_string()),
        1
    );
}

#[test]
fn a_value_nobody_recorded_is_refused_and_changes_nothing() {
    let app = spawn_app();
    let (_amina, _bilal, id) = city_conflict(&app);
    let sam = supervisor(&app, "sam");
    let log_rows = app.count("SELECT COUNT(*) FROM log WHERE agency_id = ?1", app.agency.to_string());
    let agency = app.agency;

    let made_up = write(&app, move |conn| {
        resolve_conflict(conn, &[agency], sam, id, "city", "Paris", NOW)
    });
    let no_conflict = write(&app, move |conn| {
        resolve_conflict(conn, &[agency], sam, id, "given_name", "Omar", NOW)
    });
    let bad_path = write(&app, move |conn| {
        resolve_conflict(conn, &[agency], sam, id, "city.x[", "Lyon", NOW)
    });

    assert!(matches!(made_up, Err(CurationError::Invalid(_))), "{made_up:?}");
    assert!(
        matches!(no_conflict, Err(CurationError::NotFound(_))),
        "{no_conflict:?}"
    );
    assert!(matches!(bad_path, Err(CurationError::Invalid(_))), "{bad_path:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM log WHERE agency_id = ?1", app.agency.to_string()),
        log_rows
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", id.to_string()),
        2
    );
}

#[test]
fn a_supervisor_of_another_agency_neither_sees_nor_resolves_the_conflict() {
    let app = spawn_app();
    let (_amina, _bilal, id) = city_conflict(&app);
    let other = app.other_agency;
    let zoe = supervisor_of(&app, "zoe", other);

    let queue = read(&app, |conn| list_conflicts(conn, &[other])).expect("queue");
    let resolved = write(&app, move |conn| {
        resolve_conflict(conn, &[other], zoe, id, "city", "Lyon", NOW)
    });

    assert!(queue.is_empty());
    assert!(matches!(resolved, Err(CurationError::NotFound(_))), "{resolved:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", id.to_string()),
        2
    );
}
