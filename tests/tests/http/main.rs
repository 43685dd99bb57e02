//! The HTTP surface outside sync: health, metrics, headers, the app shell.

use relais_tests::app::spawn_app;

#[test]
fn every_response_carries_the_security_headers() {
    let app = spawn_app();
    for path in ["/", "/healthz", "/api/v1/nothing", "/contacts/123"] {
        let response = app.http.get(format!("{}{path}", app.address)).send().expect("answered");
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-inline'"), "{path}: no inline script or style");
        assert_eq!(
            headers.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
        assert_eq!(
            headers.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"no-referrer"[..]),
            "{path}"
        );
    }
}

#[test]
fn health_answers_ok_when_the_database_answers() {
    let app = spawn_app();
    let body: serde_json::Value = app
        .http
        .get(format!("{}/healthz", app.address))
        .send()
        .expect("answered")
        .json()
        .expect("json");
    assert_eq!(body["status"], "ok");
}

#[test]
fn metrics_count_sync_requests() {
    let app = spawn_app();
    let mut phone = app.agent_phone("amina");
    phone.sync_once().expect("sync");
    let text = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .expect("answered")
        .text()
        .expect("text");
    assert!(text.lines().any(|l| l == "relais_sync_requests_total 1"), "{text}");
}

#[test]
fn an_unknown_api_route_is_a_json_404_and_never_the_app_shell() {
    let app = spawn_app();
    let response = app
        .http
        .get(format!("{}/api/v1/nothing", app.address))
        .send()
        .expect("answered");
    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = response.json().expect("json");
    assert_eq!(body["error"], "not_found");
    let post = app
        .http
        .post(format!("{}/contacts", app.address))
        .send()
        .expect("answered");
    assert_eq!(post.status().as_u16(), 404);
}

#[test]
fn the_root_serves_an_html_page() {
    let app = spawn_app();
    let response = app.http.get(format!("{}/", app.address)).send().expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(kind.starts_with("text/html"), "{kind}");
    let deep = app
        .http
        .get(format!("{}/contacts/123", app.address))
        .send()
        .expect("answered");
    assert_eq!(deep.status().as_u16(), 200, "client-side routes get the app shell");
}
