//! Security headers on every response: pages, API answers and errors alike.

use relais_sync::accounts::Role;
use relais_tests::app::spawn_app;
use relais_tests::console::{Console, API};
use reqwest::blocking::Response;
use reqwest::Method;

fn assert_security_headers(response: &Response, what: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{name} on {what}"))
            .to_string()
    };
    let csp = header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    let script = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("{what}: script-src in {csp}"));
    assert!(!script.contains("unsafe-inline"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
}

#[test]
fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app();
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let sup = Console::sign_in(&app, "sup");
    let url = |path: &str| format!("{}{path}", app.address);

    let responses: Vec<(&str, Response)> = vec![
        ("the app shell", app.http.get(url("/")).send().expect("answer")),
        (
            "a client-side route",
            app.http.get(url("/console/contacts")).send().expect("answer"),
        ),
        ("health", app.http.get(url("/healthz")).send().expect("answer")),
        (
            "an unknown API path",
            app.http.get(url("/api/v1/nothing")).send().expect("answer"),
        ),
        (
            "a console 401",
            app.http.get(url(&format!("{API}/dashboard"))).send().expect("answer"),
        ),
        ("a console 200", sup.get("/dashboard")),
        (
            "a console 404",
            sup.get("/contacts/00000000-0000-4000-8000-000000000000"),
        ),
        ("a console 400", sup.get("/contacts?sort=sideways")),
        ("a console 403", sup.get("/users")),
        (
            "a csrf 403",
            sup.request_without_csrf(Method::DELETE, &format!("{API}/session"))
                .send()
                .expect("answer"),
        ),
        (
            "a malformed JSON body",
            app.http
                .post(url(&format!("{API}/session")))
                .header("Content-Type", "application/json")
                .body("{not json")
                .send()
                .expect("answer"),
        ),
        (
            "an export 401",
            app.http
                .get(url("/api/v1/exports/contacts.csv"))
                .send()
                .expect("answer"),
        ),
        (
            "an export 200",
            sup.request(Method::GET, "/api/v1/exports/contacts.csv")
                .send()
                .expect("answer"),
        ),
        ("a sync 401", app.http.post(url("/api/v1/sync")).send().expect("answer")),
    ];
    for (what, response) in &responses {
        assert_security_headers(response, what);
    }
    let statuses: Vec<u16> = responses.iter().map(|(_, r)| r.status().as_u16()).collect();
    assert!(statuses.contains(&200) && statuses.contains(&401) && statuses.contains(&404) && statuses.contains(&400));
}
