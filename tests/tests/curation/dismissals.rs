//! Dismissing a possible duplicate ("these two are different people") and
//! undoing it, through the console API.

use relais_schema::DocumentId;
use relais_server::records::create_contact;
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::console::{Console, API};
use relais_tests::world::AT;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{supervisor, supervisor_of, write, NOW};

/// Two people with the same phone number, so listed as a possible duplicate.
fn same_phone(app: &TestApp) -> (DocumentId, DocumentId) {
    let mut amina = app.agent_phone("amina");
    let author = amina.author();
    let mut person = |given: &str, phone: &str| {
        create_contact(&mut amina.device, author, AT, given, "Keita", |c| {
            c.phone = Some(phone.parse().expect("phone"));
        })
        .expect("contact")
    };
    let fatou = person("Fatou", "06 99 88 77 66");
    let ibrahima = person("Ibrahima", "+33 6 99 88 77 66");
    amina.sync_until_idle(10).expect("sync");
    (fatou, ibrahima)
}

/// The pairs of the duplicates list, each as its two ids sorted.
fn listed(console: &Console) -> Vec<[String; 2]> {
    let list = console.get_json("/duplicates");
    list.as_array().expect("a list").iter().map(ids_of).collect()
}

/// The two contact ids of a listed pair or dismissal, sorted.
fn ids_of(pair: &Value) -> [String; 2] {
    let id = |side: &str| pair[side]["id"].as_str().expect("an id").to_owned();
    let mut ids = [id("a"), id("b")];
    ids.sort();
    ids
}

fn sorted(a: DocumentId, b: DocumentId) -> [String; 2] {
    let mut ids = [a.to_string(), b.to_string()];
    ids.sort();
    ids
}

fn dismiss(console: &Console, a: DocumentId, b: DocumentId) -> reqwest::blocking::Response {
    console.send(
        Method::POST,
        "/duplicates/dismissals",
        &json!({ "a": a.to_string(), "b": b.to_string() }),
    )
}

fn undo(console: &Console, a: DocumentId, b: DocumentId) -> reqwest::blocking::Response {
    console
        .request(Method::DELETE, &format!("{API}/duplicates/dismissals/{a}/{b}"))
        .send()
        .expect("answer")
}

fn dismissals_stored(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM duplicate_dismissals WHERE ?1 = ?1", String::new())
}

#[test]
fn dismissing_a_pair_hides_it_for_every_supervisor_of_the_agency() {
    // Arrange
    let app = spawn_app();
    let (fatou, ibrahima) = same_phone(&app);
    supervisor(&app, "sam");
    supervisor(&app, "sara");
    let sam = Console::sign_in(&app, "sam");
    let sara = Console::sign_in(&app, "sara");
    assert_eq!(listed(&sara), vec![sorted(fatou, ibrahima)]);

    // Act
    let answer = dismiss(&sam, fatou, ibrahima);

    // Assert
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().expect("JSON"), json!({ "dismissed": true }));
    assert!(listed(&sam).is_empty());
    assert!(
        listed(&sara).is_empty(),
        "another supervisor of the agency no longer sees it"
    );
    let dismissed = sara.get_json("/duplicates/dismissals");
    assert_eq!(dismissed.as_array().map(Vec::len), Some(1), "{dismissed}");
    assert_eq!(dismissed[0]["dismissedByName"], "sam");
    assert_eq!(dismissed[0]["agencyId"], app.agency.to_string());
    assert_eq!(ids_of(&dismissed[0]), sorted(fatou, ibrahima));
    // Saying it again, the other way round, changes nothing.
    assert_eq!(dismiss(&sara, ibrahima, fatou).status(), 200);
    assert_eq!(dismissals_stored(&app), 1);
    assert_eq!(sara.get_json("/duplicates/dismissals")[0]["dismissedByName"], "sam");
}

#[test]
fn undoing_a_dismissal_brings_the_pair_back() {
    // Arrange
    let app = spawn_app();
    let (fatou, ibrahima) = same_phone(&app);
    supervisor(&app, "sam");
    supervisor(&app, "sara");
    let sam = Console::sign_in(&app, "sam");
    let sara = Console::sign_in(&app, "sara");
    assert_eq!(dismiss(&sam, fatou, ibrahima).status(), 200);

    // Act: the other supervisor undoes it, naming the pair the other way round.
    let answer = undo(&sara, ibrahima, fatou);

    // Assert
    assert_eq!(answer.status(), 204);
    assert_eq!(listed(&sam), vec![sorted(fatou, ibrahima)]);
    assert_eq!(sam.get_json("/duplicates/dismissals"), json!([]));
    assert_eq!(dismissals_stored(&app), 0);
    assert_eq!(undo(&sara, fatou, ibrahima).status(), 404, "nothing left to undo");
}

#[test]
fn another_agencys_supervisor_can_neither_dismiss_nor_undo_nor_see_a_dismissal() {
    // Arrange
    let app = spawn_app();
    let (fatou, ibrahima) = same_phone(&app);
    supervisor(&app, "sam");
    supervisor_of(&app, "zoe", app.other_agency);
    let sam = Console::sign_in(&app, "sam");
    let zoe = Console::sign_in(&app, "zoe");
    let unknown = DocumentId::random();

    // Act and assert: refused like an unknown contact, and nothing stored.
    let foreign = dismiss(&zoe, fatou, ibrahima);
    let missing = dismiss(&zoe, fatou, unknown);
    assert_eq!(foreign.status(), 404);
    assert_eq!(missing.status(), 404);
    assert_eq!(foreign.text().expect("body"), missing.text().expect("body"));
    assert_eq!(dismissals_stored(&app), 0);
    assert_eq!(listed(&sam), vec![sorted(fatou, ibrahima)]);

    assert_eq!(dismiss(&sam, fatou, ibrahima).status(), 200);
    assert_eq!(undo(&zoe, fatou, ibrahima).status(), 404);
    assert_eq!(dismissals_stored(&app), 1);
    assert_eq!(zoe.get_json("/duplicates/dismissals"), json!([]));
    let other_agency = zoe.get(&format!("/duplicates/dismissals?agency={}", app.agency));
    assert_eq!(other_agency.status(), 404);
}

#[test]
fn a_pair_of_one_contact_a_malformed_id_or_a_missing_csrf_is_refused_and_changes_nothing() {
    let app = spawn_app();
    let (fatou, ibrahima) = same_phone(&app);
    supervisor(&app, "sam");
    let sam = Console::sign_in(&app, "sam");

    let itself = dismiss(&sam, fatou, fatou);
    let malformed = sam.send(
        Method::POST,
        "/duplicates/dismissals",
        &json!({ "a": "not-an-id", "b": ibrahima.to_string() }),
    );
    let no_csrf = sam
        .request_without_csrf(Method::POST, &format!("{API}/duplicates/dismissals"))
        .json(&json!({ "a": fatou.to_string(), "b": ibrahima.to_string() }))
        .send()
        .expect("answer");

    assert_eq!(itself.status(), 400);
    let body: Value = itself.json().expect("JSON error");
    assert_eq!(body["error"], "bad_request");
    assert_eq!(malformed.status(), 404);
    assert_eq!(no_csrf.status(), 403);
    assert_eq!(dismissals_stored(&app), 0);
}

#[test]
fn a_dismissed_pair_that_is_later_merged_is_fine() {
    // Arrange: the pair dismissed, then merged anyway.
    let app = spawn_app();
    let (fatou, ibrahima) = same_phone(&app);
    supervisor(&app, "sam");
    let sam = Console::sign_in(&app, "sam");
    assert_eq!(dismiss(&sam, fatou, ibrahima).status(), 200);

    // Act
    let merge = sam.merge(fatou, ibrahima);

    // Assert: the merge is done; the merged contact is listed nowhere.
    assert!(listed(&sam).is_empty());
    assert_eq!(sam.get_json("/duplicates/dismissals"), json!([]));
    // Undoing the merge brings back the dismissed pair as it was: dismissed.
    let undone = sam
        .request(Method::DELETE, &format!("{API}/merges/{merge}"))
        .send()
        .expect("answer");
    assert_eq!(undone.status(), 204);
    assert!(listed(&sam).is_empty());
    assert_eq!(sam.get_json("/duplicates/dismissals").as_array().map(Vec::len), Some(1));
    assert_eq!(undo(&sam, fatou, ibrahima).status(), 204);
    assert_eq!(listed(&sam), vec![sorted(fatou, ibrahima)]);
}

#[test]
fn erasing_a_contact_deletes_its_dismissals() {
    let app = spawn_app();
    let (fatou, ibrahima) = same_phone(&app);
    supervisor(&app, "sam");
    let sam = Console::sign_in(&app, "sam");
    assert_eq!(dismiss(&sam, fatou, ibrahima).status(), 200);

    write(&app, move |conn| {
        Ok(relais_sync::erase::erase_document(conn, ibrahima, None, None, NOW)?)
    })
    .expect("erased");

    assert_eq!(dismissals_stored(&app), 0);
}
