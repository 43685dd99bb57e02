use relais_schema::{write, RecordType};
use relais_server::records::{blank_contact, create_contact, set_field};
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

#[test]
fn an_invalid_document_is_kept_not_projected_and_the_phone_is_told_why() {
    // Arrange: a contact whose nationality is not an ISO code.
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = phone
        .device
        .create(RecordType::Contact, |doc, id| {
            write::write_contact(doc, &blank_contact(author, id, AT, "Ali", "Nasser"))?;
            write::set_str(doc, "nationality", "Syria")
        })
        .expect("created");

    // Act
    phone.sync_until_idle(10).expect("sync");

    // Assert
    let reason = phone.device.quarantined.get(&id).expect("the phone was told");
    assert!(reason.contains("nationality"), "{reason}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM documents WHERE id = ?1 AND quarantine IS NOT NULL",
            id.to_string()
        ),
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", id.to_string()),
        0
    );
    assert_eq!(phone.device.pending(), 0, "kept: nothing left to send");

    // A fix is an ordinary change: the document leaves quarantine and is projected.
    set_field(&mut phone.device, id, "nationality", "SY").expect("fix");
    phone.sync_until_idle(10).expect("sync");
    assert!(!phone.device.quarantined.contains_key(&id));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM contacts WHERE doc_id = ?1 AND nationality = 'SY'",
            id.to_string()
        ),
        1
    );
}

#[test]
fn a_document_claiming_another_agency_inside_is_quarantined() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let mut author = phone.author();
    author.agency = app.other_agency;
    let id = create_contact(&mut phone.device, author, AT, "Ali", "Nasser", |_| {}).expect("created");

    phone.sync_until_idle(10).expect("sync");

    assert!(phone
        .device
        .quarantined
        .get(&id)
        .is_some_and(|r| r.contains("agency_id")));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", id.to_string()),
        0
    );
    let scoped = app.store.read(move |c| {
        Ok(
            c.query_row("SELECT agency_id FROM documents WHERE id = ?1", [id.to_string()], |r| {
                r.get::<_, String>(0)
            })?,
        )
    });
    assert_eq!(
        scoped.expect("stored"),
        app.agency.to_string(),
        "scoped by the token, not by the document"
    );
}
