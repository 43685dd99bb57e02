//! Who may export what, and the export log.

use relais_tests::app::spawn_app;

use crate::seed::{csv_records, download, get, seed};

#[test]
fn a_supervisor_exports_only_their_agencies_and_gets_403_for_another() {
    let app = spawn_app();
    let seeded = seed(&app);

    let own = csv_records(&download(&app, "sup", "/api/v1/exports/contacts.csv"));
    let other = get(
        &app,
        "sup",
        "/api/v1/exports/contacts.csv?agency=Agence%20Marseille%20Nord",
    );
    let mixed = get(
        &app,
        "sup",
        "/api/v1/exports/contacts.csv?agency=Agence%20Belleville&agency=Agence%20Marseille%20Nord",
    );
    let unknown = get(&app, "sup", "/api/v1/exports/contacts.csv?agency=Nowhere");
    let foreign_supervisor = csv_records(&download(&app, "sup_other", "/api/v1/exports/contacts.csv"));

    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|r| r["agency"] == "Agence Belleville"));
    assert_eq!(other.status(), 403);
    assert_eq!(mixed.status(), 403);
    assert_eq!(unknown.status(), 403, "a supervisor cannot probe which agencies exist");
    assert_eq!(foreign_supervisor.len(), 1);
    assert_eq!(foreign_supervisor[0]["id"], seeded.foreign.to_string());
}

#[test]
fn an_agent_or_a_stranger_cannot_export() {
    let app = spawn_app();
    seed(&app);

    let agent = get(&app, "amina", "/api/v1/exports/contacts.csv");
    let stranger = app
        .http
        .get(format!("{}/api/v1/exports/contacts.csv", app.address))
        .send()
        .expect("answer");
    let agent_log = get(&app, "amina", "/api/v1/exports/log");
    let supervisor_log = get(&app, "sup", "/api/v1/exports/log");

    assert_eq!(agent.status(), 403);
    assert_eq!(stranger.status(), 401);
    assert_eq!(agent_log.status(), 403);
    assert_eq!(supervisor_log.status(), 403);
}

#[test]
fn bad_tables_formats_and_filters_are_refused_before_any_byte() {
    let app = spawn_app();
    seed(&app);

    for (path, status) in [
        ("/api/v1/exports/people.csv", 404),
        ("/api/v1/exports/contacts.pdf", 404),
        ("/api/v1/exports/all.csv", 400),
        ("/api/v1/exports/contacts.csv?from=01/12/2026", 400),
        ("/api/v1/exports/contacts.csv?from=2026-12-10&to=2026-12-01", 400),
        ("/api/v1/exports/contacts.csv?agent=nobody", 400),
        ("/api/v1/exports/contacts.csv?colour=red", 400),
        ("/api/v1/exports/contacts.csv?pseudonymise=maybe", 400),
    ] {
        assert_eq!(get(&app, "admin", path).status(), status, "{path}");
    }
}

#[test]
fn the_export_log_records_who_what_which_filters_and_how_many_rows() {
    let app = spawn_app();
    seed(&app);
    download(
        &app,
        "sup",
        "/api/v1/exports/attendance.json?from=2026-11-01&to=2026-11-30&agent=amina&pseudonymise=true",
    );

    let log: serde_json::Value = get(&app, "admin", "/api/v1/exports/log").json().expect("JSON");

    let entry = &log[0];
    assert_eq!(entry["who"], "sup");
    assert!(entry["user_id"].is_string());
    assert_eq!(entry["table"], "attendance");
    assert_eq!(entry["format"], "json");
    assert_eq!(entry["pseudonymised"], true);
    assert_eq!(entry["outcome"], "completed");
    assert_eq!(entry["row_count"], 3);
    assert_eq!(entry["filters"]["from"], "2026-11-01");
    assert_eq!(entry["filters"]["to"], "2026-11-30");
    assert_eq!(
        entry["filters"]["agencies"],
        serde_json::json!([app.agency.to_string()])
    );
    assert!(entry["filters"]["agent"].is_string());
    assert!(entry["finished_at"].is_string());
}
