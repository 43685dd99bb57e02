//! An up-to-date phone's sync costs what changed, not what exists.

use relais_schema::Contact;
use relais_server::phone::FIRST_SYNC_BUDGET;
use relais_server::records::{create_contact, set_field, Author};
use relais_sync::device::Device;
use relais_sync::protocol::{SyncResponse, MAX_PULL_BUDGET};
use relais_sync::service;
use relais_sync::DeviceAuth;
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::world::AT;

/// Fill the agency with `n` contacts through the store's own sync path (fast: no HTTP).
fn seed(app: &TestApp, n: usize) {
    seed_with(app, n, |_| {});
}

/// Like [`seed`], each contact shaped by `fill` before it is written.
fn seed_with(app: &TestApp, n: usize, fill: impl Fn(&mut Contact)) {
    let mut phone = app.agent_phone(&format!("seeder{n}"));
    let who = DeviceAuth {
        device: phone.device.id(),
        user: phone.user,
        agency: phone.agency,
    };
    let author = Author {
        user: phone.user,
        agency: phone.agency,
    };
    let mut device = Device::new(phone.device.id());
    let mut made = 0;
    while made < n {
        for _ in 0..1000.min(n - made) {
            create_contact(&mut device, author, AT, &format!("Personne{made}"), "Seed", &fill).expect("contact");
            made += 1;
        }
        loop {
            let request = device.next_request(64 << 10).expect("request");
            let response = service::sync(&app.store, who, request, AT.to_string()).expect("sync");
            device.handle_response(response).expect("handled");
            if device.pending() == 0 {
                break;
            }
        }
        device = Device::new(phone.device.id());
    }
    phone.device.abandon_request();
}

/// Bytes (up + down) of one 5-edit sync by an up-to-date phone in an agency of `n` contacts.
fn five_edit_sync_bytes(n: usize) -> (u64, u64) {
    let app = spawn_app();
    seed(&app, n);
    let mut phone = app.agent_phone("amina");
    phone.pull_budget = 4 << 20;
    phone.sync_until_idle(1000).expect("first sync");
    assert_eq!(phone.device.len(), n);
    let targets: Vec<_> = phone.device.document_ids().into_iter().take(5).collect();
    for (i, id) in targets.iter().enumerate() {
        set_field(&mut phone.device, *id, "city", &format!("Ville {i}")).expect("edit");
    }
    let before = phone.traffic;
    phone.sync_once().expect("one round trip");
    assert!(phone.device.is_idle(), "one request was enough");
    let requests = phone.traffic.requests - before.requests;
    let bytes = phone.traffic.bytes_up + phone.traffic.bytes_down - before.bytes_up - before.bytes_down;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM contacts WHERE city LIKE ?1",
            "Ville %".to_string()
        ),
        5
    );
    (requests, bytes)
}

#[test]
fn five_edits_in_an_agency_of_fifty_thousand_cost_what_they_cost_in_one_of_a_thousand() {
    let (small_requests, small_bytes) = five_edit_sync_bytes(1_000);
    let (large_requests, large_bytes) = five_edit_sync_bytes(50_000);

    assert_eq!(small_requests, 1);
    assert_eq!(large_requests, 1);
    assert!(
        large_bytes <= 2 * small_bytes,
        "50,000 documents: {large_bytes} bytes; 1,000 documents: {small_bytes} bytes"
    );
}

#[test]
fn an_up_to_date_phone_with_nothing_to_send_syncs_in_one_small_round_trip() {
    let app = spawn_app();
    seed(&app, 200);
    let mut phone = app.agent_phone("amina");
    phone.sync_until_idle(100).expect("first sync");
    let before = phone.traffic;

    phone.sync_once().expect("sync");

    assert_eq!(phone.traffic.requests - before.requests, 1);
    assert!(phone.device.is_idle());
    let bytes = phone.traffic.bytes_up + phone.traffic.bytes_down - before.bytes_up - before.bytes_down;
    assert!(bytes < 200, "an idle sync costs {bytes} bytes");
}

#[test]
fn a_first_sync_is_paged_and_resumes_after_a_dropped_connection() {
    let app = spawn_app();
    seed(&app, 600);
    let mut phone = app.agent_phone("amina");
    phone.pull_budget = 16 << 10;
    phone.first_sync_budget = 16 << 10;

    // Two pages, then the connection drops: the phone keeps what it got.
    phone.sync_once().expect("page 1");
    phone.sync_once().expect("page 2");
    let kept = phone.device.len();
    assert!(kept > 0 && kept < 600, "paged: {kept} documents after two pages");
    let request = phone.device.next_request(16 << 10).expect("page 3 request");
    drop(request);
    phone.device.abandon_request();

    // It resumes where it stopped, not from zero.
    let rounds = phone.sync_until_idle(1000).expect("resume");
    assert_eq!(phone.device.len(), 600);
    assert!(rounds < 600 / 10, "resumed in {rounds} requests");
}

/// Bytes of document data in an answer's page.
fn page_bytes(answer: &SyncResponse) -> usize {
    answer
        .pull
        .as_ref()
        .map_or(0, |page| page.items.iter().map(|item| item.data_len()).sum())
}

#[test]
fn a_first_sync_page_holds_at_most_eight_mebibytes_however_much_the_phone_asks_for() {
    // 200 contacts of about 50 KB each: about 10 MB of documents.
    let app = spawn_app();
    seed_with(&app, 200, |contact| contact.city = Some("Villeurbanne ".repeat(4_000)));
    let mut greedy = app.agent_phone("amina");
    greedy.first_sync_budget = u64::MAX;
    let mut default = app.agent_phone("karim");

    let greedy_page = greedy.sync_once().expect("greedy page");
    let default_page = default.sync_once().expect("default page");

    assert_eq!(FIRST_SYNC_BUDGET, 8 << 20);
    assert_eq!(MAX_PULL_BUDGET, 8 << 20);
    for page in [&greedy_page, &default_page] {
        let bytes = page_bytes(page);
        assert!(bytes <= 8 << 20, "a page of {bytes} bytes");
        assert!(
            bytes > (8 << 20) - 60_000,
            "the page stops short of the budget: {bytes} bytes"
        );
        assert!(
            page.pull.as_ref().is_some_and(|p| p.more),
            "10 MB do not fit in one page"
        );
    }
    assert_eq!(greedy.device.len(), default.device.len());
    // The rest comes in one more request.
    assert_eq!(default.sync_until_idle(10).expect("rest"), 1);
    assert_eq!(default.device.len(), 200);
    assert_eq!(default.traffic.requests, 2);
}

/// Post `phone`'s next request with `accept` as its `Accept-Encoding`; the
/// answer's `Content-Encoding` and body as received.
fn next_answer(app: &TestApp, phone: &mut relais_server::phone::Phone, accept: &str) -> (String, Vec<u8>) {
    let request = phone.device.next_request(phone.pull_budget).expect("request");
    let response = app
        .http
        .post(format!("{}/api/v1/sync", app.address))
        .bearer_auth(&phone.token)
        .header("Content-Type", "application/cbor")
        .header("Accept-Encoding", accept)
        .body(relais_sync::protocol::encode_request(&request))
        .send()
        .expect("answered");
    assert!(response.status().is_success());
    let encoding = response
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_string();
    (encoding, response.bytes().expect("body").to_vec())
}

/// The answer's `Content-Encoding` and length when the phone accepts gzip only.
fn encoding_of_next_answer(app: &TestApp, phone: &mut relais_server::phone::Phone) -> (String, usize) {
    let (encoding, body) = next_answer(app, phone, "gzip");
    (encoding, body.len())
}

fn decompressed(encoding: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        "br" => brotli::Decompressor::new(body, 4096).read_to_end(&mut out),
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut out),
        _ => return body.to_vec(),
    }
    .expect("the answer decompresses");
    out
}

#[test]
fn a_small_answer_travels_uncompressed_and_a_large_one_gzipped() {
    let app = spawn_app();
    seed(&app, 50);
    let mut phone = app.agent_phone("amina");

    let (encoding, _) = encoding_of_next_answer(&app, &mut phone);
    assert_eq!(encoding, "gzip", "fifty contacts are worth compressing");

    phone.sync_until_idle(100).expect("first sync");
    let (encoding, length) = encoding_of_next_answer(&app, &mut phone);
    assert_eq!(encoding, "identity", "an idle answer of {length} bytes is sent as is");
}

#[test]
fn a_device_that_accepts_brotli_gets_brotli_whatever_its_order_and_the_same_answer_as_with_gzip() {
    let app = spawn_app();
    seed(&app, 50);
    let mut phone = app.agent_phone("amina");

    // The same page three times: the phone does not apply the answers, so
    // its position does not move.
    let (gzip_encoding, gzipped) = next_answer(&app, &mut phone, "gzip");
    let (browser_encoding, from_browser) = next_answer(&app, &mut phone, "gzip, deflate, br, zstd");
    let (brotli_encoding, brotli) = next_answer(&app, &mut phone, "br;q=1.0, gzip;q=0.8");
    let (refused_encoding, plain) = next_answer(&app, &mut phone, "br;q=0, gzip;q=0");

    assert_eq!(gzip_encoding, "gzip");
    assert_eq!(browser_encoding, "br", "a browser lists gzip first but accepts brotli");
    assert_eq!(brotli_encoding, "br");
    assert_eq!(
        refused_encoding, "identity",
        "a device that refuses both gets the answer as is"
    );
    let answer = decompressed("gzip", &gzipped);
    assert_eq!(decompressed("br", &from_browser), answer);
    assert_eq!(decompressed("br", &brotli), answer);
    assert_eq!(plain, answer);
    assert!(
        brotli.len() < gzipped.len(),
        "fifty contacts: {} bytes with brotli, {} with gzip",
        brotli.len(),
        gzipped.len()
    );
}
