//! Every console endpoint × every role × own and other agency.
//!
//! Roles: anonymous, an agent (with a session made straight in the store,
//! since agents cannot sign in), a supervisor of the home agency, a
//! supervisor of the other agency, an administrator. Targets are records of
//! the home agency; a supervisor of the other agency must get exactly the
//! answer an id that does not exist gets.

use relais_schema::DocumentId;
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::console::{user_id, Console, API};
use reqwest::Method;
use serde_json::{json, Value};

use crate::seed::seed;

/// Who asks, in the order of [`Row::expect`].
const ROLES: [&str; 5] = [
    "anonymous",
    "agent",
    "supervisor of the home agency",
    "supervisor of the other agency",
    "admin",
];

struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    /// Expected status per role, in the order of [`ROLES`].
    expect: [u16; 5],
    /// The same request for an id that does not exist, when the path holds one.
    unknown_twin: Option<String>,
}

fn row(method: Method, path: String, expect: [u16; 5]) -> Row {
    Row {
        method,
        path,
        body: None,
        expect,
        unknown_twin: None,
    }
}

fn with_id(method: Method, path: &str, id: impl std::fmt::Display, expect: [u16; 5]) -> Row {
    Row {
        unknown_twin: Some(path.replace("{id}", &DocumentId::random().to_string())),
        ..row(method, path.replace("{id}", &id.to_string()), expect)
    }
}

const READ_HOME: [u16; 5] = [401, 403, 200, 404, 200];
const READ_ANY: [u16; 5] = [401, 403, 200, 200, 200];
const ADMIN_READ: [u16; 5] = [401, 403, 403, 403, 200];

fn send(app: &TestApp, who: Option<&Console>, row: &Row, path: &str) -> (u16, String) {
    let mut request = match who {
        Some(console) => console.request(row.method.clone(), path),
        None => app.http.request(row.method.clone(), format!("{}{path}", app.address)),
    };
    if let Some(body) = &row.body {
        request = request.json(body);
    }
    let response = request.send().expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().expect("body"))
}

#[test]
fn every_endpoint_answers_each_role_as_the_access_rules_say_and_reveals_nothing() {
    let app = spawn_app();
    let seeded = seed(&app, 4);
    let home_contact = seeded
        .contacts
        .iter()
        .find(|c| c.agency_is_home)
        .expect("home contact")
        .id;
    let home_session = seeded
        .sessions
        .iter()
        .find(|s| s.agency_is_home)
        .expect("home session")
        .id;
    let home_visit = seeded.visits.iter().find(|v| v.agency_is_home).expect("home visit").id;
    let agent_only = user_id(&app, "agent_only");
    let omar_device: String = app
        .store
        .read(|conn| {
            Ok(conn.query_row(
                "SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = 'omar'",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("device");
    let consoles: [Option<Console>; 5] = [
        None,
        Some(Console::forged(&app, agent_only)),
        Some(Console::sign_in(&app, "sup")),
        Some(Console::sign_in(&app, "sup_other")),
        Some(Console::sign_in(&app, "admin")),
    ];
    let home = app.agency;
    let c = |p: &str| format!("{API}{p}");

    let mut rows = vec![
        row(Method::GET, c("/session"), READ_ANY),
        row(Method::GET, c("/dashboard"), READ_ANY),
        row(Method::GET, c(&format!("/dashboard?agency={home}")), READ_HOME),
        row(Method::GET, c("/contacts"), READ_ANY),
        row(Method::GET, c(&format!("/contacts?agency={home}")), READ_HOME),
        row(Method::GET, c(&format!("/sessions?agency={home}")), READ_HOME),
        row(Method::GET, c(&format!("/visits?agency={home}")), READ_HOME),
        with_id(Method::GET, &c("/contacts/{id}"), home_contact, READ_HOME),
        with_id(Method::GET, &c("/sessions/{id}"), home_session, READ_HOME),
        with_id(Method::GET, &c("/visits/{id}"), home_visit, READ_HOME),
        // The curation routes share the extractor and the agency rules.
        with_id(Method::GET, &c("/contacts/{id}/history"), home_contact, READ_HOME),
        with_id(Method::GET, &c("/records/{id}/history"), home_session, READ_HOME),
        row(Method::GET, c(&format!("/conflicts?agency={home}")), READ_HOME),
        row(Method::GET, c(&format!("/duplicates?agency={home}")), READ_HOME),
        row(Method::GET, c(&format!("/merges?agency={home}")), READ_HOME),
        row(
            Method::GET,
            c(&format!("/duplicates/dismissals?agency={home}")),
            READ_HOME,
        ),
        // Administration.
        row(Method::GET, c("/agencies"), ADMIN_READ),
        row(Method::GET, c("/users"), ADMIN_READ),
        row(Method::GET, c("/devices"), ADMIN_READ),
        row(Method::GET, c("/exports/log"), ADMIN_READ),
        Row {
            body: Some(json!({ "name": "Agence Lyon" })),
            ..row(Method::POST, c("/agencies"), [401, 403, 403, 403, 201])
        },
        Row {
            body: Some(
                json!({ "username": "new_sup", "displayName": "Nouvelle", "password": "long enough password", "role": "supervisor", "agencies": [home.to_string()] }),
            ),
            ..row(Method::POST, c("/users"), [401, 403, 403, 403, 201])
        },
        Row {
            body: Some(json!({ "displayName": "Agent seul" })),
            ..row(
                Method::PATCH,
                c(&format!("/users/{agent_only}")),
                [401, 403, 403, 403, 200],
            )
        },
        row(
            Method::POST,
            c(&format!("/devices/{omar_device}/revoke")),
            [401, 403, 403, 403, 204],
        ),
        // Exports accept the console session; another agency is refused as before (403).
        row(
            Method::GET,
            format!("/api/v1/exports/contacts.csv?agency={home}"),
            [401, 403, 200, 403, 200],
        ),
        row(Method::GET, "/api/v1/exports/attendance.json".to_string(), READ_ANY),
        row(Method::GET, "/api/v1/exports/log".to_string(), ADMIN_READ),
    ];
    // An unknown agency is as absent as another agency's.
    rows.push(row(
        Method::GET,
        c(&format!("/contacts?agency={}", relais_schema::AgencyId::random())),
        [401, 403, 404, 404, 404],
    ));

    let mut failures = Vec::new();
    for row in &rows {
        for (role, console) in consoles.iter().enumerate() {
            let (status, body) = send(&app, console.as_ref(), row, &row.path);
            if status != row.expect[role] {
                failures.push(format!(
                    "{} {} as {}: {status} (expected {}) {body}",
                    row.method, row.path, ROLES[role], row.expect[role]
                ));
            }
            if let Some(twin) = &row.unknown_twin {
                let unknown = send(&app, console.as_ref(), row, twin);
                if status == 404 && unknown != (status, body.clone()) {
                    failures.push(format!(
                        "{} {} as {}: another agency's id is told apart from an unknown one: {body} vs {:?}",
                        row.method, row.path, ROLES[role], unknown
                    ));
                }
                if role >= 2 && unknown.0 != 404 {
                    failures.push(format!("{twin} as {}: {} for an unknown id", ROLES[role], unknown.0));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_supervisor_sees_only_their_agency_in_lists_and_figures() {
    let app = spawn_app();
    let seeded = seed(&app, 5);
    let sup = Console::sign_in(&app, "sup");
    let home = app.agency.to_string();
    let contacts = sup.get_json("/contacts?limit=500");
    let rows = contacts["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), seeded.contacts.iter().filter(|c| c.agency_is_home).count());
    assert!(rows.iter().all(|r| r["agencyId"] == home.as_str()));
    for list in ["/sessions?limit=500", "/visits?limit=500"] {
        let page = sup.get_json(list);
        assert!(
            page["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .all(|r| r["agencyId"] == home.as_str()),
            "{list}"
        );
    }
    let figures = sup.get_json("/dashboard");
    let agencies: Vec<&str> = figures["byAgency"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(agencies, vec![home.as_str()]);
    let csv = sup
        .request(Method::GET, "/api/v1/exports/contacts.csv")
        .send()
        .expect("answer")
        .text()
        .expect("csv");
    let foreign = seeded.contacts.iter().find(|c| !c.agency_is_home).expect("foreign");
    assert!(!csv.contains(&foreign.id.to_string()));
    assert!(csv.contains(&seeded.contacts[0].id.to_string()));
}

#[test]
fn an_unsafe_curation_request_without_csrf_is_refused_before_anything_happens() {
    let app = spawn_app();
    let seeded = seed(&app, 3);
    let sup = Console::sign_in(&app, "sup");
    let homes: Vec<DocumentId> = seeded
        .contacts
        .iter()
        .filter(|c| c.agency_is_home)
        .map(|c| c.id)
        .take(2)
        .collect();
    let response = sup
        .request_without_csrf(Method::POST, &format!("{API}/merges"))
        .json(&json!({ "survivor": homes[0].to_string(), "other": homes[1].to_string() }))
        .send()
        .expect("answer");
    assert_eq!(response.status(), 403);
    let body: Value = response.json().expect("JSON");
    assert_eq!(body["error"], "csrf");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contacts WHERE doc_id = ?1", homes[1].to_string()),
        1
    );
}
