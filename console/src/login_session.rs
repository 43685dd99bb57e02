//! Signed-in console sessions.
//!
//! Signing in creates a row in `console_sessions` keyed by the SHA-256 of a
//! random 256-bit token; the browser keeps the token in a cookie and the
//! server never stores it. Each session also holds a random CSRF value that
//! the browser must echo in `X-CSRF-Token` on every unsafe request. A session
//! ends after [`IDLE_SECONDS`] without use, after [`ABSOLUTE_SECONDS`] in all,
//! when its user signs out, or when its user is disabled.

use std::fmt;

use base64::Engine;
use rand::RngCore;
use relais_schema::UserId;
use relais_sync::accounts::User;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::admin::load_user;
use crate::error::{stored, ConsoleError};

/// A session ends after this long without a request (8 hours).
pub const IDLE_SECONDS: i64 = 8 * 3600;
/// A session ends this long after sign-in, however busy (24 hours).
pub const ABSOLUTE_SECONDS: i64 = 24 * 3600;
/// `seen_at` is written at most this often, so that reads stay reads.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

/// Length of a token's text: 32 bytes in unpadded base64url.
const TOKEN_CHARS: usize = 43;

fn random_text() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn is_token_text(text: &str) -> bool {
    text.len() == TOKEN_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The secret a browser presents in the session cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// Parse a cookie value; `None` when it cannot be a token.
    pub fn from_cookie(text: &str) -> Option<SessionToken> {
        is_token_text(text).then(|| SessionToken(text.to_string()))
    }

    /// The cookie value.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// The value a browser must echo in `X-CSRF-Token` on unsafe requests.
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken(String);

impl CsrfToken {
    /// The value to hand to the browser.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is this value, compared in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken(…)")
    }
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// The signed-in user (enabled).
    pub user: User,
    /// Its CSRF value.
    pub csrf: CsrfToken,
    /// Last request, Unix seconds.
    pub seen_at: i64,
}

impl ActiveSession {
    /// Whether `seen_at` is old enough to be written again at `now`.
    pub fn needs_touch(&self, now: i64) -> bool {
        now - self.seen_at >= TOUCH_EVERY_SECONDS
    }
}

/// Start a session for `user` at `now` (Unix seconds); returns the cookie token and the CSRF value.
/// Expired sessions of every user are cleared on the way.
pub fn start(conn: &Connection, user: UserId, now: i64) -> Result<(SessionToken, CsrfToken), ConsoleError> {
    clear_expired(conn, now)?;
    let token = SessionToken(random_text());
    let csrf = CsrfToken(random_text());
    conn.execute(
        "INSERT INTO console_sessions (token_hash, user_id, csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![token.hash(), user.to_string(), csrf.0, now],
    )?;
    Ok((token, csrf))
}

/// The live session behind `token` at `now`, if there is one and its user is enabled.
pub fn find(conn: &Connection, token: &SessionToken, now: i64) -> Result<Option<ActiveSession>, ConsoleError> {
    let row: Option<(String, String, i64)> = conn
        .prepare_cached(
            "SELECT s.user_id, s.csrf, s.seen_at FROM console_sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND u.disabled_at IS NULL AND s.seen_at > ?2 AND s.created_at > ?3",
        )?
        .query_row(params![token.hash(), now - IDLE_SECONDS, now - ABSOLUTE_SECONDS], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((user, csrf, seen_at)) = row else {
        return Ok(None);
    };
    let Some(user) = load_user(conn, stored(&user)?)? else {
        return Ok(None);
    };
    Ok(Some(ActiveSession {
        user,
        csrf: CsrfToken(csrf),
        seen_at,
    }))
}

/// Record a request on the session at `now`.
pub fn touch(conn: &Connection, token: &SessionToken, now: i64) -> Result<(), ConsoleError> {
    conn.execute(
        "UPDATE console_sessions SET seen_at = ?2 WHERE token_hash = ?1",
        params![token.hash(), now],
    )?;
    Ok(())
}

/// End the session behind `token` (sign-out). Ending an unknown session is not an error.
pub fn end(conn: &Connection, token: &SessionToken) -> Result<(), ConsoleError> {
    conn.execute("DELETE FROM console_sessions WHERE token_hash = ?1", [token.hash()])?;
    Ok(())
}

/// End every session of `user` (disabled, or password or role changed).
pub fn end_all_of(conn: &Connection, user: UserId) -> Result<usize, ConsoleError> {
    Ok(conn.execute("DELETE FROM console_sessions WHERE user_id = ?1", [user.to_string()])?)
}

/// Delete sessions that can no longer be used at `now`.
pub fn clear_expired(conn: &Connection, now: i64) -> Result<usize, ConsoleError> {
    Ok(conn.execute(
        "DELETE FROM console_sessions WHERE seen_at <= ?1 OR created_at <= ?2",
        params![now - IDLE_SECONDS, now - ABSOLUTE_SECONDS],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store::{memory_store, user};
    use relais_sync::accounts::Role;

    #[test]
    fn a_session_is_found_by_its_token_until_it_idles_out() {
        let conn = memory_store();
        let (id, _) = user(&conn, "sara", Role::Supervisor);
        let (token, csrf) = start(&conn, id, 1_000).expect("session");
        let found = find(&conn, &token, 1_000 + IDLE_SECONDS - 1)
            .expect("query")
            .expect("live");
        assert_eq!(found.user.id, id);
        assert!(found.csrf.matches(csrf.expose()));
        assert!(find(&conn, &token, 1_000 + IDLE_SECONDS).expect("query").is_none());
    }

    #[test]
    fn a_busy_session_still_ends_after_the_absolute_limit() {
        let conn = memory_store();
        let (id, _) = user(&conn, "sara", Role::Supervisor);
        let (token, _) = start(&conn, id, 0).expect("session");
        let mut now = 0;
        while now < ABSOLUTE_SECONDS - 3600 {
            now += 3600;
            touch(&conn, &token, now).expect("touch");
        }
        assert!(find(&conn, &token, now).expect("query").is_some());
        assert!(find(&conn, &token, ABSOLUTE_SECONDS).expect("query").is_none());
    }

    #[test]
    fn only_the_hash_of_the_token_is_stored() {
        let conn = memory_store();
        let (id, _) = user(&conn, "sara", Role::Supervisor);
        let (token, _) = start(&conn, id, 0).expect("session");
        let stored: Vec<u8> = conn
            .query_row("SELECT token_hash FROM console_sessions", [], |r| r.get(0))
            .expect("row");
        assert_ne!(stored, token.expose().as_bytes());
        assert_eq!(stored, Sha256::digest(token.expose().as_bytes()).to_vec());
    }

    #[test]
    fn an_ended_session_or_a_disabled_user_is_not_found() {
        let conn = memory_store();
        let (id, _) = user(&conn, "sara", Role::Supervisor);
        let (first, _) = start(&conn, id, 0).expect("session");
        let (second, _) = start(&conn, id, 0).expect("session");
        end(&conn, &first).expect("end");
        assert!(find(&conn, &first, 1).expect("query").is_none());
        assert!(find(&conn, &second, 1).expect("query").is_some());
        conn.execute("UPDATE users SET disabled_at = 'now' WHERE id = ?1", [id.to_string()])
            .expect("disable");
        assert!(find(&conn, &second, 1).expect("query").is_none());
    }

    #[test]
    fn a_cookie_that_cannot_be_a_token_is_refused_and_csrf_compares_exactly() {
        assert!(SessionToken::from_cookie("short").is_none());
        assert!(SessionToken::from_cookie(&"a".repeat(43)).is_some());
        assert!(SessionToken::from_cookie(&format!("{}=", "a".repeat(42))).is_none());
        let csrf = CsrfToken("abc".into());
        assert!(csrf.matches("abc"));
        assert!(!csrf.matches("abd"));
        assert!(!csrf.matches("ab"));
    }
}
