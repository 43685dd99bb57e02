//! Signing in and out, the cookie, CSRF and the sign-in rate limit.

use relais_sync::accounts::Role;
use relais_tests::app::{spawn_app, PASSWORD};
use relais_tests::console::{sign_in_attempt, token_of, user_id, Console, API};
use reqwest::Method;
use serde_json::{json, Value};

fn error_code(response: reqwest::blocking::Response) -> String {
    let body: Value = response.json().expect("JSON error");
    body["error"].as_str().expect("error code").to_string()
}

#[test]
fn signing_in_sets_an_http_only_strict_cookie_and_answers_the_user_and_csrf() {
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);

    let console = Console::sign_in(&app, "sup");

    let cookie = &console.set_cookie;
    assert!(cookie.starts_with("relais_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.split("; ").any(|a| a == attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: no Secure flag ({cookie})");
    assert_eq!(console.token.len(), 43, "256 random bits in base64url");
    let user = &console.signed_in["user"];
    assert_eq!(user["username"], "sup");
    assert_eq!(user["role"], "supervisor");
    assert_eq!(user["agencies"][0]["id"], app.agency.to_string());
    assert_eq!(user["agencies"][0]["name"], "Agence Belleville");
    assert_eq!(console.get_json("/session")["csrf"], console.csrf.as_str());
    let stored = app.count(
        "SELECT COUNT(*) FROM console_sessions WHERE instr(CAST(token_hash AS TEXT), ?1) > 0",
        console.token.clone(),
    );
    assert_eq!(stored, 0, "the token itself is never stored");
}

#[test]
fn a_session_id_planted_before_sign_in_is_never_adopted() {
    // Session fixation: an attacker plants a cookie, the victim signs in with it.
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let get_session = |token: &str| {
        app.http
            .get(format!("{}{API}/session", app.address))
            .header("Cookie", format!("relais_session={token}"))
            .send()
            .expect("answer")
            .status()
    };

    let response = app
        .http
        .post(format!("{}{API}/session", app.address))
        .header("Cookie", format!("relais_session={planted}"))
        .json(&json!({ "username": "sup", "password": PASSWORD }))
        .send()
        .expect("answer");

    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"].to_str().expect("text").to_string();
    let issued = token_of(&set_cookie).expect("a new session cookie");
    assert_ne!(issued, planted, "the server draws the session id itself");
    assert_eq!(get_session(planted), 401, "the planted id opens nothing");
    assert_eq!(get_session(&issued), 200);
}

#[test]
fn a_forwarded_proto_header_does_not_make_the_cookie_secure_without_a_trusted_proxy() {
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let response = app
        .http
        .post(format!("{}{API}/session", app.address))
        .header("X-Forwarded-Proto", "https")
        .json(&json!({ "username": "sup", "password": PASSWORD }))
        .send()
        .expect("answer");
    let cookie = response.headers()["set-cookie"].to_str().expect("text").to_string();
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[test]
fn an_agent_cannot_sign_in_nor_use_a_session() {
    let app = spawn_app();
    app.add_user("amina", Role::Agent, &[app.agency]);
    let refused = sign_in_attempt(&app, "amina", PASSWORD);
    assert_eq!(refused.status(), 403);
    assert!(refused.headers().get("set-cookie").is_none());
    assert_eq!(error_code(refused), "forbidden");

    let forged = Console::forged(&app, user_id(&app, "amina"));
    let response = forged.get("/contacts");
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response), "forbidden");
}

#[test]
fn without_a_live_session_every_console_route_is_401() {
    let app = spawn_app();
    for cookie in [
        None,
        Some("relais_session=garbage"),
        Some(&*format!("relais_session={}", "A".repeat(43))),
    ] {
        let mut request = app.http.get(format!("{}{API}/session", app.address));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().expect("answer");
        assert_eq!(response.status(), 401, "{cookie:?}");
        assert_eq!(error_code(response), "unauthorized");
    }
}

#[test]
fn a_wrong_password_is_401_and_repeated_failures_are_rate_limited() {
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(sign_in_attempt(&app, "sup", "wrong password").status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5]);
    assert_eq!(statuses[5], 429);
    let blocked = sign_in_attempt(&app, "sup", PASSWORD);
    assert_eq!(blocked.status(), 429, "even the right password waits");
    assert!(blocked.headers().get("retry-after").is_some());
}

#[test]
fn an_unsafe_request_without_the_right_csrf_value_is_refused_and_changes_nothing() {
    let app = spawn_app();
    app.add_user("admin", Role::Admin, &[]);
    let admin = Console::sign_in(&app, "admin");
    let before = app.count("SELECT COUNT(*) FROM agencies WHERE ?1 = ?1", String::new());

    let missing = admin
        .request_without_csrf(Method::POST, &format!("{API}/agencies"))
        .json(&json!({ "name": "Agence Lyon" }))
        .send()
        .expect("answer");
    assert_eq!(missing.status(), 403);
    assert_eq!(error_code(missing), "csrf");
    let wrong = admin
        .request_without_csrf(Method::POST, &format!("{API}/agencies"))
        .header("X-CSRF-Token", format!("{}x", admin.csrf))
        .json(&json!({ "name": "Agence Lyon" }))
        .send()
        .expect("answer");
    assert_eq!(wrong.status(), 403);
    assert_eq!(error_code(wrong), "csrf");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM agencies WHERE ?1 = ?1", String::new()),
        before
    );

    let created = admin.send(Method::POST, "/agencies", &json!({ "name": "Agence Lyon" }));
    assert_eq!(created.status(), 201);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM agencies WHERE ?1 = ?1", String::new()),
        before + 1
    );
}

#[test]
fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let console = Console::sign_in(&app, "sup");

    let without_csrf = console
        .request_without_csrf(Method::DELETE, &format!("{API}/session"))
        .send()
        .expect("answer");
    assert_eq!(without_csrf.status(), 403);
    assert_eq!(
        console.get("/session").status(),
        200,
        "a refused sign-out leaves the session"
    );

    let out = console.send(Method::DELETE, "/session", &Value::Null);
    assert_eq!(out.status(), 204);
    let cleared = out.headers()["set-cookie"].to_str().expect("text").to_string();
    assert_eq!(token_of(&cleared).as_deref(), Some(""));
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(console.get("/session").status(), 401, "the old cookie is dead");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM console_sessions WHERE ?1 = ?1", String::new()),
        0
    );
}

#[test]
fn disabling_a_user_ends_their_sessions() {
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    app.add_user("admin", Role::Admin, &[]);
    let sup = Console::sign_in(&app, "sup");
    let admin = Console::sign_in(&app, "admin");
    let id = user_id(&app, "sup");

    let disabled = admin.send(Method::PATCH, &format!("/users/{id}"), &json!({ "disabled": true }));
    assert_eq!(disabled.status(), 200);

    assert_eq!(sup.get("/session").status(), 401);
    assert_eq!(sign_in_attempt(&app, "sup", PASSWORD).status(), 401);
}
