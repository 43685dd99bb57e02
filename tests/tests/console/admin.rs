//! Administration: agencies, users, devices and the export log.

use relais_sync::accounts::Role;
use relais_tests::app::{spawn_app, PASSWORD};
use relais_tests::console::{sign_in_attempt, Console};
use reqwest::Method;
use serde_json::{json, Value};

#[test]
fn an_admin_creates_an_agency_and_a_supervisor_who_can_then_sign_in() {
    let app = spawn_app();
    app.add_user("admin", Role::Admin, &[]);
    let admin = Console::sign_in(&app, "admin");

    let created = admin.send(Method::POST, "/agencies", &json!({ "name": "Agence Lyon" }));
    assert_eq!(created.status(), 201);
    let agency: Value = created.json().expect("JSON");
    assert_eq!(
        admin
            .send(Method::POST, "/agencies", &json!({ "name": "Agence Lyon" }))
            .status(),
        409
    );
    assert_eq!(
        admin.send(Method::POST, "/agencies", &json!({ "name": "  " })).status(),
        400
    );
    let listed = admin.get_json("/agencies");
    assert!(listed.as_array().expect("list").iter().any(|a| a["id"] == agency["id"]));

    let user = admin.send(
        Method::POST,
        "/users",
        &json!({ "username": "lina", "displayName": "Lina", "password": PASSWORD, "role": "supervisor", "agencies": [agency["id"]] }),
    );
    assert_eq!(user.status(), 201);
    let lina = Console::sign_in(&app, "lina");
    assert_eq!(lina.signed_in["user"]["agencies"][0]["name"], "Agence Lyon");
    assert_eq!(lina.get("/users").status(), 403);

    for bad in [
        json!({ "username": "x", "displayName": "X", "password": PASSWORD, "role": "supervisor", "agencies": [agency["id"]] }),
        json!({ "username": "sami", "displayName": "Sami", "password": "short", "role": "supervisor", "agencies": [agency["id"]] }),
        json!({ "username": "sami", "displayName": "Sami", "password": PASSWORD, "role": "boss", "agencies": [] }),
        json!({ "username": "sami", "displayName": "Sami", "password": PASSWORD, "role": "agent", "agencies": [] }),
        json!({ "username": "sami", "displayName": "Sami", "password": PASSWORD, "role": "agent", "agencies": ["nope"] }),
    ] {
        let response = admin.send(Method::POST, "/users", &bad);
        assert_eq!(response.status(), 400, "{bad}");
    }
    let users = admin.get_json("/users");
    assert!(
        !users.as_array().expect("list").iter().any(|u| u["username"] == "sami"),
        "nothing half-made"
    );
}

#[test]
fn an_admin_changes_a_role_and_password_and_the_old_session_ends() {
    let app = spawn_app();
    app.add_user("admin", Role::Admin, &[]);
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let admin = Console::sign_in(&app, "admin");
    let sup = Console::sign_in(&app, "sup");
    let id = sup.signed_in["user"]["id"].as_str().expect("id").to_string();

    let changed = admin.send(
        Method::PATCH,
        &format!("/users/{id}"),
        &json!({ "password": "a new long password", "agencies": [app.agency.to_string(), app.other_agency.to_string()] }),
    );
    assert_eq!(changed.status(), 200);
    let row: Value = changed.json().expect("JSON");
    assert_eq!(row["agencies"].as_array().expect("agencies").len(), 2);
    assert_eq!(sup.get("/session").status(), 401);
    assert_eq!(sign_in_attempt(&app, "sup", PASSWORD).status(), 401);
    assert_eq!(sign_in_attempt(&app, "sup", "a new long password").status(), 200);

    let to_agent_with_two = admin.send(Method::PATCH, &format!("/users/{id}"), &json!({ "role": "agent" }));
    assert_eq!(
        to_agent_with_two.status(),
        400,
        "an agent belongs to exactly one agency"
    );
    let own = admin.signed_in["user"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        admin
            .send(Method::PATCH, &format!("/users/{own}"), &json!({ "disabled": true }))
            .status(),
        400
    );
    assert_eq!(
        admin
            .send(Method::PATCH, &format!("/users/{id}"), &json!({ "colour": "red" }))
            .status(),
        400
    );
    assert_eq!(
        admin
            .send(
                Method::PATCH,
                &format!("/users/{}", relais_schema::UserId::random()),
                &json!({ "displayName": "X" })
            )
            .status(),
        404
    );
}

#[test]
fn devices_show_their_last_sync_and_changes_and_a_revoked_phone_is_told_to_wipe() {
    let app = spawn_app();
    app.add_user("admin", Role::Admin, &[]);
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    for i in 0..3 {
        relais_server::records::create_contact(
            &mut phone.device,
            author,
            "2026-11-29T10:00:00Z",
            "Awa",
            &format!("N{i}"),
            |_| {},
        )
        .expect("contact");
    }
    phone.sync_until_idle(10).expect("sync");
    let admin = Console::sign_in(&app, "admin");

    let devices = admin.get_json("/devices");
    let device = devices
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["username"] == "amina")
        .expect("amina's phone")
        .clone();
    assert_eq!(device["agencyId"], app.agency.to_string());
    assert_eq!(device["lastChanges"], 3);
    assert!(device["lastSyncAt"].is_string());
    assert_eq!(device["revoked"], false);

    let id = device["id"].as_str().expect("id");
    assert_eq!(
        admin
            .send(Method::POST, &format!("/devices/{id}/revoke"), &Value::Null)
            .status(),
        204
    );
    assert_eq!(
        admin
            .send(
                Method::POST,
                &format!("/devices/{}/revoke", relais_schema::DeviceId::random()),
                &Value::Null
            )
            .status(),
        404
    );
    let after = admin.get_json("/devices");
    assert!(after
        .as_array()
        .expect("list")
        .iter()
        .any(|d| d["id"] == id && d["revoked"] == true));
    let refused = phone.sync_once().expect_err("a revoked phone is refused");
    assert!(
        refused.to_string().to_lowercase().contains("revoked") || refused.to_string().contains("401"),
        "{refused}"
    );
}

#[test]
fn an_export_through_the_console_session_is_in_the_log_administrators_read() {
    let app = spawn_app();
    app.add_user("admin", Role::Admin, &[]);
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let sup = Console::sign_in(&app, "sup");
    let csv = sup
        .request(Method::GET, "/api/v1/exports/visits.csv")
        .send()
        .expect("answer");
    assert_eq!(csv.status(), 200);
    csv.text().expect("the whole export");
    let admin = Console::sign_in(&app, "admin");
    let log = admin.get_json("/exports/log");
    let entry = &log.as_array().expect("list")[0];
    assert_eq!(entry["who"], "sup");
    assert_eq!(entry["table"], "visits");
    assert_eq!(entry["outcome"], "completed");
}
