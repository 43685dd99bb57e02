//! What travels inside `data`: uncompressed Automerge encodings, gzipped
//! with the whole answer (docs/protocol.md, "Encodings of `data`").

use automerge::{Automerge, Change};
use relais_schema::{Contact, DocumentId, Interest};
use relais_server::phone::Phone;
use relais_server::records::{create_contact, set_field};
use relais_sync::protocol::{self, ItemKind, SyncResponse};
use relais_sync::wire::WireRequest;
use relais_tests::app::spawn_app;
use relais_tests::world::{content, AT};

/// Byte 8 of a chunk: 0 document, 1 change, 2 deflated change.
const CHUNK_TYPE: usize = 8;

const NEIGHBOURHOODS: &[&str] = &["La Guillotière", "Vaulx-en-Velin", "Les Minguettes", "La Duchère"];
const SKILLS: &[&str] = &[
    "Couturière",
    "Maçon, carreleur",
    "Aide-soignante",
    "Cuisinier",
    "Chauffeur",
];
const NOTES: &[&str] = &[
    "Rencontrée au marché, intéressée par une formation qualifiante. À rappeler après le ramadan.",
    "Arrivé il y a six mois, cherche un emploi dans le bâtiment. Parle arabe et un peu français.",
    "Souhaite créer une activité de couture à domicile ; orientée vers l'atelier création d'entreprise.",
];

/// A contact filled the way agents fill them: names, places, languages,
/// interests, skills and a note.
pub(crate) fn fill(i: usize) -> impl FnOnce(&mut Contact) {
    move |c: &mut Contact| {
        c.neighbourhood = Some(NEIGHBOURHOODS[i % NEIGHBOURHOODS.len()].to_string());
        c.city = Some("Lyon".to_string());
        c.languages = ["ar", "fr"].iter().map(|l| l.to_string()).collect();
        c.interests = [Interest::VocationalTraining, Interest::JobSearch].into();
        c.skills = Some(SKILLS[i % SKILLS.len()].to_string());
        c.notes = Some(NOTES[i % NOTES.len()].to_string());
    }
}

/// `n` filled contacts pushed by a phone of the test agency.
pub(crate) fn seed(phone: &mut Phone, n: usize) -> Vec<DocumentId> {
    let author = phone.author();
    let ids = (0..n)
        .map(|i| {
            create_contact(&mut phone.device, author, AT, &format!("Mariam {i}"), "Osman", fill(i)).expect("contact")
        })
        .collect();
    phone.sync_until_idle(100).expect("the seeding phone syncs");
    ids
}

/// Post `phone`'s next request and apply the answer, returning it.
fn round_trip(phone: &mut Phone) -> SyncResponse {
    let request = phone.device.next_request(phone.budget()).expect("request");
    let answer = phone.post_sync(protocol::encode_request(&request)).expect("answered");
    let response = protocol::decode_response(&answer).expect("a sync answer");
    phone.device.handle_response(response.clone()).expect("applied");
    response
}

#[test]
fn a_first_sync_page_carries_documents_saved_without_deflate_that_load_in_a_fresh_document() {
    let app = spawn_app();
    let mut author = app.agent_phone("amina");
    let ids = seed(&mut author, 20);
    let mut joining = app.agent_phone("bilal");

    let response = round_trip(&mut joining);

    let page = response.pull.expect("a page");
    assert_eq!(page.items.len(), ids.len());
    for item in page.items {
        let ItemKind::Snapshot(bytes) = item.kind else {
            panic!("a first sync sends documents, got {:?}", item.kind);
        };
        assert_eq!(bytes[CHUNK_TYPE], 0, "a document chunk");
        let fresh = Automerge::load(&bytes).expect("the document loads on its own");
        assert_eq!(bytes, fresh.save_nocompress(), "saved without deflate");
        assert!(fresh.save().len() < bytes.len(), "deflate would have made it smaller");
        assert_eq!(Some(fresh.get_heads()), app.server_heads(item.id));
        assert_eq!(
            content(&fresh),
            content(&author.device.load(item.id).expect("the author holds it"))
        );
    }
}

#[test]
fn pulled_changes_are_uncompressed_even_when_the_phone_pushed_them_deflated() {
    // Arrange: a contact whose creating change Automerge deflates (over 256 bytes).
    let app = spawn_app();
    let mut old_client = app.agent_phone("amina");
    let mut other = app.agent_phone("bilal");
    // Changes as they are stored (packed ones are rebuilt: tests/tests/sync/packing.rs).
    other.device.set_packing(false);
    seed(&mut old_client, 1);
    other.sync_until_idle(10).expect("the other phone is up to date");
    let author = old_client.author();
    let id = create_contact(&mut old_client.device, author, AT, "Rim", "Haddad", fill(1)).expect("contact");

    // Act: push it the way an older client did, each change deflated.
    let request = old_client.device.next_request(old_client.budget()).expect("request");
    let mut wire: WireRequest = ciborium::from_reader(&protocol::encode_request(&request)[..]).expect("cbor");
    let mut deflated = 0;
    for doc in &mut wire.push {
        for bytes in &mut doc.changes {
            let mut change = Change::from_bytes(bytes.to_vec()).expect("a change");
            *bytes = serde_bytes::ByteBuf::from(change.bytes().into_owned());
            deflated += usize::from(bytes[CHUNK_TYPE] == 2);
        }
    }
    assert_eq!(deflated, 1, "the creating change travels deflated");
    let mut body = Vec::new();
    ciborium::into_writer(&wire, &mut body).expect("cbor");
    let answer = old_client.post_sync(body).expect("answered");
    old_client
        .device
        .handle_response(protocol::decode_response(&answer).expect("a sync answer"))
        .expect("applied");
    set_field(&mut old_client.device, id, "city", "Villeurbanne").expect("edit");
    old_client.sync_until_idle(10).expect("the later edit syncs");
    let response = round_trip(&mut other);

    // Assert: the other phone gets both changes uncompressed, and converges.
    let page = response.pull.expect("a page");
    let changes: Vec<Vec<u8>> = page
        .items
        .into_iter()
        .filter(|item| item.id == id)
        .flat_map(|item| match item.kind {
            ItemKind::Changes(changes) => changes,
            other => panic!("expected changes, got {other:?}"),
        })
        .collect();
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| c[CHUNK_TYPE] == 1), "uncompressed changes");
    assert_eq!(other.device.heads(id), old_client.device.heads(id));
    assert_eq!(other.device.heads(id), app.server_heads(id));
    assert_eq!(
        content(&other.device.load(id).expect("held")),
        content(&old_client.device.load(id).expect("held"))
    );
}

#[test]
fn a_first_sync_of_a_thousand_contacts_costs_under_200_bytes_each_in_one_request() {
    let app = spawn_app();
    let mut author = app.agent_phone("amina");
    seed(&mut author, 1_000);
    let mut joining = app.agent_phone("bilal");

    let rounds = joining.sync_until_idle(100).expect("first sync");

    assert_eq!(joining.device.len(), 1_000);
    assert_eq!(rounds, 1, "about 1 MiB of documents fits one first-sync page");
    let per_contact = joining.traffic.bytes_down / 1_000;
    // Measured: 113 bytes (144 at gzip's fastest level; 314 with deflated documents).
    assert!(per_contact < 200, "{per_contact} bytes per contact on the wire");
}
