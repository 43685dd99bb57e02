//! A browser's view of the supervisor console: a signed-in session (cookie
//! and CSRF value) against a [`TestApp`].

use std::fmt::Display;

use relais_schema::UserId;
use reqwest::blocking::{RequestBuilder, Response};
use reqwest::Method;
use serde_json::Value;

use crate::app::{TestApp, PASSWORD};

/// Where the console API lives.
pub const API: &str = "/api/v1/console";

/// A signed-in console session, as a browser holds it.
#[derive(Debug, Clone)]
pub struct Console {
    address: String,
    http: reqwest::blocking::Client,
    /// The `relais_session` cookie value.
    pub token: String,
    /// The CSRF value to echo on unsafe requests.
    pub csrf: String,
    /// The whole `Set-Cookie` header of the sign-in.
    pub set_cookie: String,
    /// The sign-in answer's body.
    pub signed_in: Value,
}

/// The answer to `POST /session` with `username` and `password`.
pub fn sign_in_attempt(app: &TestApp, username: &str, password: &str) -> Response {
    app.http
        .post(format!("{}{API}/session", app.address))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .expect("the server answers")
}

/// The session token in a `Set-Cookie` header.
pub fn token_of(set_cookie: &str) -> Option<String> {
    set_cookie
        .split(';')
        .next()?
        .trim()
        .strip_prefix("relais_session=")
        .map(str::to_string)
}

impl Console {
    /// Sign `username` in with the test password; panics unless it works.
    pub fn sign_in(app: &TestApp, username: &str) -> Console {
        let response = sign_in_attempt(app, username, PASSWORD);
        assert_eq!(response.status(), 200, "{username} signs in");
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie")
            .to_string();
        let signed_in: Value = response.json().expect("JSON");
        Console {
            address: app.address.clone(),
            http: app.http.clone(),
            token: token_of(&set_cookie).expect("the cookie holds a token"),
            csrf: signed_in["csrf"].as_str().expect("csrf").to_string(),
            set_cookie,
            signed_in,
        }
    }

    /// A session made straight in the store for `user` (whatever their role), bypassing sign-in.
    pub fn forged(app: &TestApp, user: UserId) -> Console {
        let (token, csrf) = app
            .store
            .write(move |conn| {
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                relais_console::login_session::start(conn, user, now)
                    .map_err(|e| relais_sync::StoreError::Invalid(e.to_string()))
            })
            .expect("session stored");
        Console {
            address: app.address.clone(),
            http: app.http.clone(),
            token: token.expose().to_string(),
            csrf: csrf.expose().to_string(),
            set_cookie: String::new(),
            signed_in: Value::Null,
        }
    }

    /// A request with the session cookie and the CSRF header.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.request_without_csrf(method, path)
            .header("X-CSRF-Token", &self.csrf)
    }

    /// A request with the session cookie only.
    pub fn request_without_csrf(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.address))
            .header("Cookie", format!("relais_session={}", self.token))
    }

    /// `GET` a console path (below [`API`]).
    pub fn get(&self, path: &str) -> Response {
        self.request(Method::GET, &format!("{API}{path}"))
            .send()
            .expect("the server answers")
    }

    /// `GET` a console path that must answer 200; its JSON.
    pub fn get_json(&self, path: &str) -> Value {
        let response = self.get(path);
        let status = response.status();
        let body = response.text().expect("body");
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// An unsafe request to a console path with a JSON body (and the CSRF header).
    pub fn send(&self, method: Method, path: &str, body: &Value) -> Response {
        self.request(method, &format!("{API}{path}"))
            .json(body)
            .send()
            .expect("the server answers")
    }

    /// Ask to merge `other` into `survivor`; the answer as it comes.
    pub fn merge_attempt(&self, survivor: impl Display, other: impl Display) -> Response {
        self.send(
            Method::POST,
            "/merges",
            &serde_json::json!({ "survivor": survivor.to_string(), "other": other.to_string() }),
        )
    }

    /// Merge `other` into `survivor`, which must succeed; the merge's id.
    pub fn merge(&self, survivor: impl Display, other: impl Display) -> String {
        let response = self.merge_attempt(survivor, other);
        let status = response.status();
        let body: Value = response.json().expect("JSON");
        assert_eq!(status, 200, "merge: {body}");
        body["id"].as_str().expect("the merge's id").to_owned()
    }
}

/// The id of the user called `username`.
pub fn user_id(app: &TestApp, username: &str) -> UserId {
    let username = username.to_string();
    let id: String = app
        .store
        .read(move |conn| Ok(conn.query_row("SELECT id FROM users WHERE username = ?1", [username], |r| r.get(0))?))
        .expect("user");
    id.parse().expect("user id")
}
