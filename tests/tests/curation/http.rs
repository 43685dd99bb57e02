//! The curation routes of the console, through a signed-in session.

use relais_schema::DocumentId;
use relais_server::records::{create_contact, set_field};
use relais_sync::accounts::Role;
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::console::{Console, API};
use relais_tests::world::AT;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{supervisor, supervisor_of};

/// A contact whose city two phones set differently, and two records of one
/// person with the same phone.
fn seeded(app: &TestApp) -> (DocumentId, DocumentId, DocumentId) {
    let mut amina = app.agent_phone("amina");
    let mut bilal = app.agent_phone("bilal");
    let author = amina.author();
    let clash = create_contact(&mut amina.device, author, AT, "Omar", "Saleh", |_| {}).expect("contact");
    let first = create_contact(&mut amina.device, author, AT, "Awa", "Ndiaye", |c| {
        c.phone = Some("06 11 22 33 44".parse().expect("phone"));
    })
    .expect("contact");
    let second = create_contact(&mut amina.device, author, AT, "Awa", "Ndiaye", |c| {
        c.phone = Some("+33 6 11 22 33 44".parse().expect("phone"));
    })
    .expect("contact");
    amina.sync_until_idle(10).expect("sync");
    bilal.sync_until_idle(10).expect("sync");
    set_field(&mut amina.device, clash, "city", "Lyon").expect("edit");
    set_field(&mut bilal.device, clash, "city", "Villeurbanne").expect("edit");
    amina.sync_until_idle(10).expect("sync");
    bilal.sync_until_idle(10).expect("sync");
    (clash, first, second)
}

#[test]
fn a_supervisor_resolves_merges_and_undoes_through_the_console_api() {
    // Arrange
    let app = spawn_app();
    let (clash, first, second) = seeded(&app);
    supervisor(&app, "sam");
    let sam = Console::sign_in(&app, "sam");

    // The queue lists the clash; resolving it empties the queue.
    let queue = sam.get_json("/conflicts");
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "{queue}");
    assert_eq!(queue[0]["docId"], clash.to_string());
    assert_eq!(queue[0]["type"], "contact");
    assert_eq!(queue[0]["field"], "city");
    let resolved = sam.send(
        Method::POST,
        "/conflicts/resolve",
        &json!({ "docId": clash.to_string(), "field": "city", "value": "Villeurbanne" }),
    );
    assert_eq!(resolved.status(), 200);
    assert_eq!(resolved.json::<Value>().expect("JSON"), json!({ "resolved": true }));
    assert_eq!(sam.get_json("/conflicts"), json!([]));

    // The history ends with the supervisor's change.
    let history = sam.get_json(&format!("/contacts/{clash}/history"));
    let last = history.as_array().and_then(|h| h.last()).cloned().expect("entries");
    assert_eq!(last["username"], "sam");
    assert_eq!(last["changes"], json!([{ "field": "city", "value": "Villeurbanne" }]));
    assert_eq!(sam.get_json(&format!("/records/{clash}/history")), history);

    // The duplicates pair the two records; merging and undoing work.
    let duplicates = sam.get_json("/duplicates");
    assert_eq!(duplicates[0]["reasons"], json!(["phone"]), "{duplicates}");
    let ids = [duplicates[0]["a"]["id"].clone(), duplicates[0]["b"]["id"].clone()];
    assert!(ids.contains(&json!(first.to_string())) && ids.contains(&json!(second.to_string())));
    let merge = sam.merge(first, second);
    assert_eq!(sam.get_json("/duplicates"), json!([]));
    assert_eq!(sam.get_json("/merges")[0]["id"], merge.as_str());
    let undone = sam
        .request(Method::DELETE, &format!("{API}/merges/{merge}"))
        .send()
        .expect("answer");
    assert_eq!(undone.status(), 204);
    let again = sam
        .request(Method::DELETE, &format!("{API}/merges/{merge}"))
        .send()
        .expect("answer");
    assert_eq!(again.status(), 409);
    assert_eq!(sam.get_json("/duplicates").as_array().map(Vec::len), Some(1));
}

#[test]
fn another_agencys_supervisor_learns_nothing_and_changes_nothing() {
    let app = spawn_app();
    let (clash, first, second) = seeded(&app);
    supervisor_of(&app, "zoe", app.other_agency);
    let zoe = Console::sign_in(&app, "zoe");
    let unknown = DocumentId::random();

    let hidden = zoe.get(&format!("/contacts/{clash}/history"));
    let missing = zoe.get(&format!("/contacts/{unknown}/history"));
    assert_eq!(hidden.status(), 404);
    assert_eq!(missing.status(), 404);
    assert_eq!(hidden.text().expect("body"), missing.text().expect("body"));
    assert_eq!(zoe.get_json("/conflicts"), json!([]));
    assert_eq!(zoe.get_json("/duplicates"), json!([]));
    assert_eq!(zoe.get(&format!("/conflicts?agency={}", app.agency)).status(), 404);
    let resolve = zoe.send(
        Method::POST,
        "/conflicts/resolve",
        &json!({ "docId": clash.to_string(), "field": "city", "value": "Lyon" }),
    );
    assert_eq!(resolve.status(), 404);
    assert_eq!(zoe.merge_attempt(first, second).status(), 404);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", clash.to_string()),
        2
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM merges WHERE ?1 = ?1", String::new()), 0);
}

#[test]
fn curation_requests_without_a_session_csrf_or_supervisor_role_are_refused() {
    let app = spawn_app();
    let (clash, _, _) = seeded(&app);
    supervisor(&app, "sam");
    let sam = Console::sign_in(&app, "sam");
    app.add_user("agent", Role::Agent, &[app.agency]);
    let body = json!({ "docId": clash.to_string(), "field": "city", "value": "Lyon" });

    let anonymous = app
        .http
        .get(format!("{}{API}/conflicts", app.address))
        .send()
        .expect("answer");
    let no_csrf = sam
        .request_without_csrf(Method::POST, &format!("{API}/conflicts/resolve"))
        .json(&body)
        .send()
        .expect("answer");
    let agent = app
        .http
        .post(format!("{}{API}/session", app.address))
        .json(&json!({ "username": "agent", "password": relais_tests::app::PASSWORD }))
        .send()
        .expect("answer");
    let unknown_key = sam.send(
        Method::POST,
        "/conflicts/resolve",
        &json!({ "docId": clash.to_string(), "field": "city", "value": "Lyon", "force": true }),
    );
    let bad_limit = sam.get("/duplicates?limit=0");
    let unknown_parameter = sam.get("/conflicts?agencies=all");

    assert_eq!(anonymous.status(), 401);
    assert_eq!(no_csrf.status(), 403);
    assert_eq!(agent.status(), 403);
    for refused in [unknown_key, bad_limit, unknown_parameter] {
        assert_eq!(refused.status(), 400);
        let error: Value = refused.json().expect("a JSON error");
        assert_eq!(error["error"], "bad_request");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM conflicts WHERE doc_id = ?1", clash.to_string()),
        2
    );
}
