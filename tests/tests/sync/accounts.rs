use relais_server::phone::{Phone, PhoneError};
use relais_server::records::create_contact;
use relais_sync::accounts::Role;
use relais_tests::app::{spawn_app, PASSWORD};
use relais_tests::world::AT;

#[test]
fn enrolment_returns_a_token_scoped_to_the_agents_agency_and_stores_only_its_hash() {
    let app = spawn_app();
    app.add_user("amina", Role::Agent, &[app.agency]);

    let phone = Phone::enrol(&app.address, "amina", PASSWORD).expect("enrols");

    assert_eq!(phone.agency, app.agency);
    assert!(phone.token.len() >= 40, "a long random token");
    let stored = app.count(
        "SELECT COUNT(*) FROM devices WHERE token_hash = CAST(?1 AS BLOB)",
        phone.token.clone(),
    );
    assert_eq!(stored, 0, "the token itself is never stored");
    let hashed = app.count(
        "SELECT length(token_hash) FROM devices WHERE id = ?1",
        phone.device.id().to_string(),
    );
    assert_eq!(hashed, 32);
    let argon = app.count(
        "SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%' AND username = ?1",
        "amina".into(),
    );
    assert_eq!(argon, 1, "passwords are hashed with Argon2id");
}

#[test]
fn a_wrong_password_is_refused_and_repeated_attempts_are_rate_limited() {
    let app = spawn_app();
    app.add_user("amina", Role::Agent, &[app.agency]);

    let mut statuses = Vec::new();
    for _ in 0..7 {
        match Phone::enrol(&app.address, "amina", "not the password") {
            Err(PhoneError::Refused { status, .. }) => statuses.push(status),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    assert_eq!(&statuses[..5], &[401; 5]);
    assert_eq!(&statuses[5..], &[429; 2], "blocked after five failures");
    let blocked = Phone::enrol(&app.address, "amina", PASSWORD);
    assert!(
        matches!(blocked, Err(PhoneError::Refused { status: 429, .. })),
        "even the right password waits"
    );
    Phone::enrol(&app.address, "someone-else", PASSWORD).expect_err("unknown user");
}

#[test]
fn an_admin_account_without_an_agency_cannot_enrol_a_syncing_device() {
    let app = spawn_app();
    app.add_user("root-admin", Role::Admin, &[]);
    let result = Phone::enrol(&app.address, "root-admin", PASSWORD);
    assert!(
        matches!(result, Err(PhoneError::Refused { status: 403, .. })),
        "{result:?}"
    );
}

fn basic(user: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{PASSWORD}"))
    )
}

#[test]
fn an_admin_erases_a_document_over_http_and_an_agent_may_not() {
    let app = spawn_app();
    app.add_user("root-admin", Role::Admin, &[]);
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Leila", "Haddad", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");
    let url = format!("{}/api/v1/documents/{id}", app.address);

    let by_agent = app
        .http
        .delete(&url)
        .header("Authorization", basic("amina"))
        .send()
        .expect("answered");
    assert_eq!(by_agent.status().as_u16(), 403);
    let anonymous = app.http.delete(&url).send().expect("answered");
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        1
    );

    let by_admin = app
        .http
        .delete(&url)
        .header("Authorization", basic("root-admin"))
        .send()
        .expect("answered");
    assert_eq!(by_admin.status().as_u16(), 204);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM erased WHERE doc_id = ?1", id.to_string()),
        1
    );
}

#[test]
fn a_supervisor_of_another_agency_cannot_erase_and_learns_nothing() {
    let app = spawn_app();
    app.add_user("sup-marseille", Role::Supervisor, &[app.other_agency]);
    let mut phone = app.agent_phone("amina");
    let author = phone.author();
    let id = create_contact(&mut phone.device, author, AT, "Leila", "Haddad", |_| {}).expect("contact");
    phone.sync_until_idle(10).expect("sync");

    let existing = app
        .http
        .delete(format!("{}/api/v1/documents/{id}", app.address))
        .header("Authorization", basic("sup-marseille"))
        .send()
        .expect("answered");
    let missing = app
        .http
        .delete(format!(
            "{}/api/v1/documents/{}",
            app.address,
            relais_schema::DocumentId::random()
        ))
        .header("Authorization", basic("sup-marseille"))
        .send()
        .expect("answered");

    assert_eq!(
        existing.status().as_u16(),
        404,
        "another agency's id looks like a missing one"
    );
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE id = ?1", id.to_string()),
        1
    );
}

#[test]
fn an_admin_revokes_a_device_over_http_and_its_next_sync_is_refused() {
    let app = spawn_app();
    app.add_user("root-admin", Role::Admin, &[]);
    let mut phone = app.agent_phone("amina");
    phone.sync_until_idle(10).expect("sync");

    let list: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/admin/devices", app.address))
        .header("Authorization", basic("root-admin"))
        .send()
        .expect("answered")
        .json()
        .expect("json");
    assert!(list
        .as_array()
        .expect("array")
        .iter()
        .any(|d| d["id"] == phone.device.id().to_string()));
    let revoked = app
        .http
        .post(format!(
            "{}/api/v1/admin/devices/{}/revoke",
            app.address,
            phone.device.id()
        ))
        .header("Authorization", basic("root-admin"))
        .send()
        .expect("answered");
    assert_eq!(revoked.status().as_u16(), 204);

    let result = phone.sync_once();
    assert!(
        matches!(result, Err(PhoneError::Refused { status: 401, .. })),
        "{result:?}"
    );
}
