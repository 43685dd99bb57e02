use relais_server::records::{create_contact, set_field};
use relais_tests::app::spawn_app;
use relais_tests::world::{content, AT};

/// Both phones hold the contact, then edit it offline: the same field
/// (`phone`) differently, and one different field each.
fn concurrent_edits_then_sync(first_syncs_a: bool) {
    // Arrange
    let app = spawn_app();
    let mut a = app.agent_phone("amina");
    let mut b = app.agent_phone("bilal");
    let author = a.author();
    let id = create_contact(&mut a.device, author, AT, "Fatima", "Haddad", |_| {}).expect("created");
    a.sync_until_idle(10).expect("a syncs");
    b.sync_until_idle(10).expect("b syncs");
    assert!(b.device.heads(id).is_some(), "b received the contact");

    set_field(&mut a.device, id, "phone", "+33 6 11 11 11 11").expect("a edits");
    set_field(&mut a.device, id, "neighbourhood", "Belleville").expect("a edits");
    set_field(&mut b.device, id, "phone", "+33 7 22 22 22 22").expect("b edits");
    set_field(&mut b.device, id, "city", "Paris").expect("b edits");

    // Act
    let (first, second) = if first_syncs_a {
        (&mut a, &mut b)
    } else {
        (&mut b, &mut a)
    };
    first.sync_until_idle(10).expect("first syncs");
    second.sync_until_idle(10).expect("second syncs");
    first.sync_until_idle(10).expect("first syncs again");

    // Assert: identical everywhere
    let server = app.server_heads(id).expect("server has it");
    assert_eq!(a.device.heads(id), Some(server.clone()));
    assert_eq!(b.device.heads(id), Some(server));
    let doc_a = a.device.load(id).expect("a loads");
    let doc_b = b.device.load(id).expect("b loads");
    assert_eq!(content(&doc_a), content(&doc_b), "both phones hold the same document");

    // Both different-field edits survive; the phone field has one winner…
    let contact = relais_schema::Contact::from_doc(&doc_a).expect("valid");
    assert_eq!(contact.neighbourhood.as_deref(), Some("Belleville"));
    assert_eq!(contact.city.as_deref(), Some("Paris"));
    let winner = contact.phone.expect("a phone").as_str().to_string();
    let projected: String = app
        .store
        .read(move |c| {
            Ok(
                c.query_row("SELECT phone FROM contacts WHERE doc_id = ?1", [id.to_string()], |r| {
                    r.get(0)
                })?,
            )
        })
        .expect("projected");
    assert_eq!(projected, winner, "the projection shows the deterministic winner");

    // …and the loser is in `conflicts` with the device that wrote it.
    let loser_device = if winner.starts_with("+33 6") {
        b.device.id()
    } else {
        a.device.id()
    };
    let rows: Vec<(String, bool, Option<String>)> = app
        .store
        .read(move |c| {
            let mut stmt =
                c.prepare("SELECT value, winner, device_id FROM conflicts WHERE doc_id = ?1 AND field = 'phone'")?;
            let rows = stmt
                .query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .expect("conflict rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let losing = rows.iter().find(|(_, w, _)| !w).expect("a losing value");
    assert_ne!(losing.0, winner);
    assert_eq!(
        losing.2.as_deref(),
        Some(loser_device.to_string().as_str()),
        "who wrote the losing value"
    );
}

#[test]
fn concurrent_edits_converge_when_the_first_editor_syncs_first() {
    concurrent_edits_then_sync(true);
}

#[test]
fn concurrent_edits_converge_when_the_second_editor_syncs_first() {
    concurrent_edits_then_sync(false);
}

#[test]
fn a_contact_made_on_a_phone_is_projected_after_one_round_trip() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Yohannes", "Tesfaye", |c| {
        c.nationality = "ER".parse().ok();
    })
    .expect("created");

    phone.sync_once().expect("one round trip");

    assert_eq!(phone.traffic.requests, 1);
    assert_eq!(phone.device.pending(), 0, "the push was acknowledged");
    let row: (String, String) = app
        .store
        .read(move |c| {
            Ok(c.query_row(
                "SELECT given_name, nationality FROM contacts WHERE doc_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .expect("projected row");
    assert_eq!(row, ("Yohannes".to_string(), "ER".to_string()));
}
