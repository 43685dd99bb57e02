//! Packed changes (docs/protocol.md, "Packed changes"): the same documents
//! in fewer bytes, and a phone that cannot rebuild one pulls the page again
//! as plain changes.

use relais_schema::DocumentId;
use relais_server::phone::Phone;
use relais_server::records::{create_contact, set_field};
use relais_sync::device::DeviceError;
use relais_sync::protocol;
use relais_sync::wire::WireResponse;
use relais_tests::app::spawn_app;
use relais_tests::world::{content, AT};

use crate::encodings::{fill, seed};

/// A day's work of one phone: new contacts, and edits to contacts everybody holds.
fn a_day_of_work(phone: &mut Phone, existing: &[DocumentId]) -> Vec<DocumentId> {
    let author = phone.author();
    let mut touched: Vec<DocumentId> = (0..120)
        .map(|i| {
            create_contact(
                &mut phone.device,
                author,
                AT,
                &format!("Yasmina {i}"),
                "Benali",
                fill(i),
            )
            .expect("contact")
        })
        .collect();
    let edited = existing.len().min(60);
    for (i, id) in existing.iter().enumerate().take(edited) {
        set_field(
            &mut phone.device,
            *id,
            "city",
            if i % 2 == 0 { "Vénissieux" } else { "Bron" },
        )
        .expect("edit");
        set_field(&mut phone.device, *id, "stage", "oriented").expect("edit");
    }
    touched.extend_from_slice(&existing[..edited]);
    phone.sync_until_idle(20).expect("the day's work syncs");
    touched
}

#[test]
fn a_phone_reading_packed_changes_holds_the_same_documents_for_a_third_fewer_bytes() {
    let app = spawn_app();
    let mut author = app.agent_phone("amina");
    let existing = seed(&mut author, 100);
    let mut packed = app.agent_phone("bilal");
    let mut plain = app.agent_phone("chloe");
    plain.device.set_packing(false);
    packed.sync_until_idle(20).expect("first sync");
    plain.sync_until_idle(20).expect("first sync");
    let (packed_before, plain_before) = (packed.traffic.bytes_down, plain.traffic.bytes_down);

    let touched = a_day_of_work(&mut author, &existing);
    packed.sync_until_idle(20).expect("the packed phone syncs");
    plain.sync_until_idle(20).expect("the plain phone syncs");

    for id in &touched {
        let server = app.server_heads(*id);
        assert_eq!(packed.device.heads(*id), server, "{id} on the packed phone");
        assert_eq!(plain.device.heads(*id), server, "{id} on the plain phone");
        assert_eq!(
            content(&packed.device.load(*id).expect("held")),
            content(&author.device.load(*id).expect("held"))
        );
    }
    assert!(packed.device.packing(), "every packed change was rebuilt");
    let packed_bytes = packed.traffic.bytes_down - packed_before;
    let plain_bytes = plain.traffic.bytes_down - plain_before;
    // Measured: about 0.6 of the plain answer's bytes.
    assert!(
        packed_bytes * 4 < plain_bytes * 3,
        "packed {packed_bytes} bytes against plain {plain_bytes}"
    );
}

#[test]
fn a_phone_that_cannot_rebuild_a_packed_change_pulls_the_page_again_as_plain_changes() {
    // Arrange: a reader up to date, then new work on the server.
    let app = spawn_app();
    let mut author = app.agent_phone("amina");
    let existing = seed(&mut author, 20);
    let mut reader = app.agent_phone("bilal");
    reader.sync_until_idle(20).expect("first sync");
    let touched = a_day_of_work(&mut author, &existing);

    // Act: the answer arrives with one packed change altered (its time).
    let request = reader.device.next_request(reader.budget()).expect("request");
    assert!(
        request.pull.is_some_and(|p| p.pack),
        "the phone asks for packed changes"
    );
    let answer = reader.post_sync(protocol::encode_request(&request)).expect("answered");
    let mut wire: WireResponse = ciborium::from_reader(&answer[..]).expect("cbor");
    let altered = wire
        .pull
        .iter_mut()
        .flat_map(|page| page.items.iter_mut())
        .flat_map(|item| item.data.iter_mut())
        .find_map(|value| match value {
            ciborium::Value::Array(fields) => Some(fields),
            _ => None,
        })
        .expect("a packed change");
    altered[4] = ciborium::Value::Integer(1.into());
    let mut body = Vec::new();
    ciborium::into_writer(&wire, &mut body).expect("cbor");
    let cursor = reader.device.cursor();
    let refused = reader
        .device
        .handle_response(protocol::decode_response(&body).expect("decodes"));

    // Assert: refused without moving the cursor; the next round trip asks
    // for plain changes, and the phone converges.
    assert!(matches!(refused, Err(DeviceError::Packed { .. })), "{refused:?}");
    assert_eq!(reader.device.cursor(), cursor);
    assert!(!reader.device.packing());
    let next = reader.device.next_request(reader.budget()).expect("request");
    assert!(next.pull.is_some_and(|p| !p.pack), "plain changes this time");
    reader.sync_until_idle(20).expect("the reader syncs");
    for id in touched {
        assert_eq!(reader.device.heads(id), app.server_heads(id), "{id}");
    }
}
