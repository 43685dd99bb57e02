use relais_schema::{AttendanceStatus, Session};
use relais_server::records::{create_contact, create_session, mark};
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

#[test]
fn thirty_phones_marking_different_contacts_on_one_session_lose_no_mark() {
    // Arrange: one session and 30 contacts, known to 30 phones.
    let app = spawn_app();
    let mut organiser = app.agent_phone("organiser");
    let author = organiser.author();
    let session = create_session(&mut organiser.device, author, AT, "Accompagnement vers l'emploi").expect("session");
    let contacts: Vec<_> = (0..30)
        .map(|i| {
            create_contact(
                &mut organiser.device,
                author,
                AT,
                &format!("Personne{i}"),
                "Test",
                |_| {},
            )
            .expect("contact")
        })
        .collect();
    organiser.sync_until_idle(10).expect("organiser syncs");
    let mut phones: Vec<_> = (0..30).map(|i| app.agent_phone(&format!("agent{i:02}"))).collect();
    for phone in &mut phones {
        phone.sync_until_idle(10).expect("first sync");
    }

    // Act: each phone marks its own contact offline, then all sync at once.
    std::thread::scope(|scope| {
        for (phone, contact) in phones.iter_mut().zip(&contacts) {
            scope.spawn(move || {
                let author = phone.author();
                mark(
                    &mut phone.device,
                    author,
                    session,
                    *contact,
                    AttendanceStatus::Present,
                    AT,
                )
                .expect("mark");
                phone.sync_until_idle(20).expect("sync");
            });
        }
    });
    for phone in &mut phones {
        phone.sync_until_idle(20).expect("catch up");
    }

    // Assert: 30 marks in the projection and on every phone.
    let marks = app.count(
        "SELECT COUNT(*) FROM attendance WHERE session_id = ?1 AND status = 'present'",
        session.to_string(),
    );
    assert_eq!(marks, 30);
    let server = app.server_heads(session).expect("server has the session");
    for phone in &phones {
        assert_eq!(
            phone.device.heads(session).as_ref(),
            Some(&server),
            "every phone converged"
        );
        let doc = phone.device.load(session).expect("loads");
        assert_eq!(Session::from_doc(&doc).expect("valid").attendance.len(), 30);
    }
}

#[test]
fn the_same_person_marked_by_two_phones_resolves_to_one_status() {
    let app = spawn_app();
    let mut a = app.agent_phone("amina");
    let mut b = app.agent_phone("bilal");
    let author = a.author();
    let session = create_session(&mut a.device, author, AT, "Atelier CV").expect("session");
    let contact = create_contact(&mut a.device, author, AT, "Omar", "Saleh", |_| {}).expect("contact");
    a.sync_until_idle(10).expect("a syncs");
    b.sync_until_idle(10).expect("b syncs");

    let (author_a, author_b) = (a.author(), b.author());
    mark(&mut a.device, author_a, session, contact, AttendanceStatus::Present, AT).expect("a marks");
    mark(&mut b.device, author_b, session, contact, AttendanceStatus::Absent, AT).expect("b marks");
    a.sync_until_idle(10).expect("a syncs");
    b.sync_until_idle(10).expect("b syncs");
    a.sync_until_idle(10).expect("a catches up");

    let rows = app.count(
        "SELECT COUNT(*) FROM attendance WHERE session_id = ?1",
        session.to_string(),
    );
    assert_eq!(rows, 1, "one status for one person");
    let on_a = Session::from_doc(&a.device.load(session).expect("a"))
        .expect("valid")
        .attendance;
    let on_b = Session::from_doc(&b.device.load(session).expect("b"))
        .expect("valid")
        .attendance;
    assert_eq!(on_a, on_b);
    let conflicts = app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", session.to_string());
    assert!(conflicts >= 2, "the other status stays visible as a conflict");
}
