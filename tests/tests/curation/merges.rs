use relais_curation::conflicts::{list_conflicts, resolve_conflict};
use relais_curation::merge::{list_merges, merge_contacts, undo_merge};
use relais_curation::CurationError;
use relais_schema::{write, AttendanceStatus, Contact, DocumentId, FollowUp, FollowUpId, FollowUpKind, Session};
use relais_server::phone::Phone;
use relais_server::records::{create_contact, create_session, mark};
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::world::AT;

use crate::support::{read, supervisor, text, texts, write, NOW};

/// Two records of the same woman, each with a follow-up, and two sessions
/// where the second record was marked (the first also marked at one).
struct Twice {
    phone: Phone,
    survivor: DocumentId,
    other: DocumentId,
    follow_ups: [FollowUpId; 2],
    only_other_marked: DocumentId,
    both_marked: DocumentId,
}

fn follow_up(phone: &mut Phone, contact: DocumentId, note: &str) -> FollowUpId {
    let follow_up = FollowUp {
        id: FollowUpId::random(),
        at: "2026-12-01".to_owned(),
        kind: FollowUpKind::Call,
        note: Some(note.to_owned()),
        by: Some(phone.user),
    };
    phone
        .device
        .edit(contact, |doc| write::add_follow_up(doc, &follow_up))
        .expect("follow-up");
    follow_up.id
}

fn recorded_twice(app: &TestApp) -> Twice {
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let survivor = create_contact(&mut phone.device, author, AT, "Amina", "Diallo", |c| {
        c.city = Some("Lyon".to_owned());
        c.languages = ["fr".to_owned()].into();
    })
    .expect("contact");
    let other = create_contact(&mut phone.device, author, AT, "Amina", "Diallo", |c| {
        c.city = Some("Bron".to_owned());
        c.phone = Some("06 12 34 56 78".parse().expect("phone"));
        c.languages = ["ar".to_owned()].into();
    })
    .expect("contact");
    let follow_ups = [
        follow_up(&mut phone, survivor, "appelée"),
        follow_up(&mut phone, other, "rendez-vous pris"),
    ];
    let only_other_marked = create_session(&mut phone.device, author, AT, "Information CAP").expect("session");
    let both_marked = create_session(&mut phone.device, author, AT, "Atelier CV").expect("session");
    mark(
        &mut phone.device,
        author,
        only_other_marked,
        other,
        AttendanceStatus::Present,
        AT,
    )
    .expect("mark");
    mark(
        &mut phone.device,
        author,
        both_marked,
        other,
        AttendanceStatus::Absent,
        AT,
    )
    .expect("mark");
    mark(
        &mut phone.device,
        author,
        both_marked,
        survivor,
        AttendanceStatus::Present,
        AT,
    )
    .expect("mark");
    phone.sync_until_idle(10).expect("sync");
    Twice {
        phone,
        survivor,
        other,
        follow_ups,
        only_other_marked,
        both_marked,
    }
}

fn marks(app: &TestApp, session: DocumentId) -> Vec<String> {
    texts(
        app,
        "SELECT contact_id || ' ' || status FROM attendance WHERE session_id = ?1 ORDER BY contact_id",
        session.to_string(),
    )
}

fn mark_of(contact: DocumentId, status: &str) -> String {
    format!("{contact} {status}")
}

fn sorted(mut marks: Vec<String>) -> Vec<String> {
    marks.sort();
    marks
}

fn merged(app: &TestApp, twice: &Twice) -> Result<relais_curation::MergeId, CurationError> {
    let sam = supervisor(app, "sam");
    let (agency, survivor, other) = (app.agency, twice.survivor, twice.other);
    write(app, move |conn| {
        merge_contacts(conn, &[agency], sam, survivor, other, NOW)
    })
}

#[test]
fn a_merge_moves_fields_follow_ups_and_attendance_and_a_clash_becomes_a_conflict() {
    // Arrange
    let app = spawn_app();
    let mut twice = recorded_twice(&app);
    let (survivor, other) = (twice.survivor, twice.other);

    // Act
    merged(&app, &twice).expect("merged");
    twice.phone.sync_until_idle(10).expect("the phone syncs");

    // Assert: the survivor has both records' fields and follow-ups…
    let id = survivor.to_string();
    assert_eq!(
        text(&app, "SELECT phone FROM contacts WHERE doc_id = ?1", id.clone()).as_deref(),
        Some("06 12 34 56 78")
    );
    assert_eq!(
        text(&app, "SELECT city FROM contacts WHERE doc_id = ?1", id.clone()).as_deref(),
        Some("Lyon")
    );
    assert_eq!(
        texts(
            &app,
            "SELECT language FROM contact_languages WHERE doc_id = ?1 ORDER BY 1",
            id.clone()
        ),
        ["ar", "fr"]
    );
    assert_eq!(
        texts(
            &app,
            "SELECT id FROM follow_ups WHERE doc_id = ?1 ORDER BY position",
            id.clone()
        ),
        twice.follow_ups.map(|f| f.to_string())
    );
    // …the clashing city is a conflict in the queue…
    let queue = read(&app, |conn| list_conflicts(conn, &[app.agency])).expect("queue");
    assert_eq!(queue.len(), 1, "{queue:#?}");
    assert_eq!((queue[0].doc_id, queue[0].field.as_str()), (survivor, "city"));
    let mut cities: Vec<_> = queue[0].values.iter().map(|v| v.value.as_str()).collect();
    cities.sort();
    assert_eq!(cities, ["Bron", "Lyon"]);
    // …the attendance moved (the survivor's own mark kept)…
    assert_eq!(marks(&app, twice.only_other_marked), [mark_of(survivor, "present")]);
    assert_eq!(marks(&app, twice.both_marked), [mark_of(survivor, "present")]);
    // …and the other is a redirect, out of the lists, that the phone received.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", other.to_string()),
        0
    );
    let redirect = Contact::from_doc(&twice.phone.device.load(other).expect("on the phone")).expect("valid");
    assert_eq!(redirect.merged_into, Some(survivor));
    let on_phone = Contact::from_doc(&twice.phone.device.load(survivor).expect("on the phone")).expect("valid");
    assert_eq!(on_phone.follow_ups.len(), 2);
    let session =
        Session::from_doc(&twice.phone.device.load(twice.only_other_marked).expect("session")).expect("valid");
    assert_eq!(
        session.attendance.iter().map(|m| m.contact_id).collect::<Vec<_>>(),
        [survivor]
    );

    // The supervisor then settles the clash in the queue.
    let sam = supervisor(&app, "sam2");
    let agency = app.agency;
    write(&app, move |conn| {
        resolve_conflict(conn, &[agency], sam, survivor, "city", "Bron", NOW)
    })
    .expect("resolved");
    assert_eq!(
        text(&app, "SELECT city FROM contacts WHERE doc_id = ?1", id).as_deref(),
        Some("Bron")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", survivor.to_string()),
        0
    );
}

#[test]
fn undoing_a_merge_restores_both_contacts_and_the_attendance_and_loses_nothing() {
    // Arrange
    let app = spawn_app();
    let mut twice = recorded_twice(&app);
    let (survivor, other) = (twice.survivor, twice.other);
    let before_only = marks(&app, twice.only_other_marked);
    let before_both = marks(&app, twice.both_marked);
    let merge = merged(&app, &twice).expect("merged");
    let sam = supervisor(&app, "sam2");
    let agency = app.agency;

    // Act
    write(&app, move |conn| undo_merge(conn, &[agency], sam, merge, NOW)).expect("undone");
    twice.phone.sync_until_idle(10).expect("the phone syncs");

    // Assert: the survivor as before…
    let id = survivor.to_string();
    assert_eq!(
        text(&app, "SELECT phone FROM contacts WHERE doc_id = ?1", id.clone()),
        None
    );
    assert_eq!(
        text(&app, "SELECT city FROM contacts WHERE doc_id = ?1", id.clone()).as_deref(),
        Some("Lyon")
    );
    assert_eq!(
        texts(
            &app,
            "SELECT language FROM contact_languages WHERE doc_id = ?1",
            id.clone()
        ),
        ["fr"]
    );
    assert_eq!(
        texts(&app, "SELECT id FROM follow_ups WHERE doc_id = ?1", id.clone()),
        [twice.follow_ups[0].to_string()]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", id), 0);
    // …the other back in the lists with its own fields and follow-up…
    let other_id = other.to_string();
    assert_eq!(
        text(&app, "SELECT city FROM contacts WHERE doc_id = ?1", other_id.clone()).as_deref(),
        Some("Bron")
    );
    assert_eq!(
        texts(&app, "SELECT id FROM follow_ups WHERE doc_id = ?1", other_id),
        [twice.follow_ups[1].to_string()]
    );
    let on_phone = Contact::from_doc(&twice.phone.device.load(other).expect("on the phone")).expect("valid");
    assert_eq!(on_phone.merged_into, None);
    // …and the attendance as it was.
    assert_eq!(sorted(marks(&app, twice.only_other_marked)), sorted(before_only));
    assert_eq!(sorted(marks(&app, twice.both_marked)), sorted(before_both));
    assert_eq!(marks(&app, twice.only_other_marked), [mark_of(other, "present")]);
    // The merge is listed as undone; it was recorded with its changes.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM pending_merges WHERE ?1 = ?1", String::new()),
        0
    );
    let listed = read(&app, |conn| list_merges(conn, &[app.agency])).expect("merges");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].undone_by), (merge, Some(sam)));
    assert_eq!(listed[0].follow_ups, 1);
    assert_eq!(
        (listed[0].survivor_name.as_str(), listed[0].other_name.as_str()),
        ("Amina Diallo", "Amina Diallo")
    );
    assert_eq!(listed[0].attendance, 2);
}

#[test]
fn a_merge_is_refused_across_agencies_with_itself_twice_or_undone_twice() {
    let app = spawn_app();
    let twice = recorded_twice(&app);
    let mut stranger = app.foreign_agent_phone("yasmine");
    let author = stranger.author();
    let foreign = create_contact(&mut stranger.device, author, AT, "Amina", "Diallo", |_| {}).expect("contact");
    stranger.sync_until_idle(10).expect("sync");
    let sam = supervisor(&app, "sam");
    let (agency, survivor, other) = (app.agency, twice.survivor, twice.other);
    let log_rows = app.count("SELECT COUNT(*) FROM log WHERE ?1 = ?1", String::new());

    let across = write(&app, move |conn| {
        merge_contacts(conn, &[agency], sam, survivor, foreign, NOW)
    });
    let itself = write(&app, move |conn| {
        merge_contacts(conn, &[agency], sam, survivor, survivor, NOW)
    });
    assert!(matches!(across, Err(CurationError::NotFound(_))), "{across:?}");
    assert!(matches!(itself, Err(CurationError::Invalid(_))), "{itself:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM log WHERE ?1 = ?1", String::new()),
        log_rows
    );

    let merge = write(&app, move |conn| {
        merge_contacts(conn, &[agency], sam, survivor, other, NOW)
    })
    .expect("merged");
    let again = write(&app, move |conn| {
        merge_contacts(conn, &[agency], sam, survivor, other, NOW)
    });
    assert!(matches!(again, Err(CurationError::Refused(_))), "{again:?}");
    write(&app, move |conn| undo_merge(conn, &[agency], sam, merge, NOW)).expect("undone");
    let undone_again = write(&app, move |conn| undo_merge(conn, &[agency], sam, merge, NOW));
    assert!(
        matches!(undone_again, Err(CurationError::Refused(_))),
        "{undone_again:?}"
    );
    let foreign_agency = app.other_agency;
    let hidden = write(&app, move |conn| undo_merge(conn, &[foreign_agency], sam, merge, NOW));
    assert!(matches!(hidden, Err(CurationError::NotFound(_))), "{hidden:?}");
}
