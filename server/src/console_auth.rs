//! Console credentials: the session cookie, the CSRF header and the roles.
//!
//! `POST /api/v1/console/session` checks a password (rate-limited like every
//! login) and sets the `relais_session` cookie: a random 256-bit token whose
//! SHA-256 alone is stored (`relais_console::login_session`). Handlers take a
//! [`ConsoleUser`] argument, which refuses a request
//!
//! - without a live session: 401 `unauthorized`;
//! - with an unsafe method (anything but GET, HEAD, OPTIONS) whose
//!   `X-CSRF-Token` header is not the session's value: 403 `csrf`;
//! - of an agent's account: 403 `forbidden` (agents use the phone app).
//!
//! The cookie is `HttpOnly; SameSite=Strict; Path=/`, plus `Secure` when the
//! connection is TLS or, with `--trust-forwarded-proto`, when the reverse
//! proxy says `X-Forwarded-Proto: https`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpRequest};
use relais_console::admin::{self, Agency};
use relais_console::login_session::{self, ActiveSession, CsrfToken, SessionToken, ABSOLUTE_SECONDS};
use relais_console::ConsoleError;
use relais_schema::AgencyId;
use relais_sync::accounts::{Role, User};

use crate::api_error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "relais_session";
/// The header carrying the CSRF value on unsafe requests.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// A signed-in supervisor or administrator.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    /// The account.
    pub user: User,
    visible: Vec<Agency>,
    agencies: Vec<AgencyId>,
    csrf: CsrfToken,
    token: SessionToken,
}

impl ConsoleUser {
    /// Whether the user is an administrator.
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// The agencies this user may read (admin: all of them, looked up).
    pub fn agencies(&self) -> &[AgencyId] {
        &self.agencies
    }

    /// The same agencies with their names, by name.
    pub fn visible_agencies(&self) -> &[Agency] {
        &self.visible
    }

    /// Ok when the user may see `agency`; otherwise ApiError::NotFound (never reveal that an id exists elsewhere).
    pub fn require_agency(&self, agency: AgencyId) -> Result<(), ApiError> {
        if self.agencies.contains(&agency) {
            Ok(())
        } else {
            Err(ApiError::NotFound("not found".into()))
        }
    }

    /// Ok for an administrator; 403 otherwise.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only an administrator may do this".into()))
        }
    }

    /// The session's CSRF value, to hand back to the browser.
    pub fn csrf(&self) -> &str {
        self.csrf.expose()
    }

    /// The session's token (for signing out).
    pub fn session_token(&self) -> &SessionToken {
        &self.token
    }

    /// The user behind a request's session cookie, if it carries one; `None`
    /// when there is no cookie at all (so that other credentials may be tried).
    pub async fn from_cookie_if_present(req: &HttpRequest) -> Option<Result<ConsoleUser, ApiError>> {
        cookie_value(req, COOKIE)?;
        Some(resolve(req).await)
    }
}

impl FromRequest for ConsoleUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<ConsoleUser, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve(&req).await })
    }
}

impl From<ConsoleError> for ApiError {
    fn from(e: ConsoleError) -> Self {
        match e {
            ConsoleError::Invalid(why) => ApiError::BadRequest(why),
            e @ ConsoleError::NotFound(_) => ApiError::NotFound(e.to_string()),
            e @ ConsoleError::Conflict(_) => ApiError::Conflict(e.to_string()),
            other => ApiError::Internal(other.into()),
        }
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the application state is missing")))
}

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn resolve(req: &HttpRequest) -> Result<ConsoleUser, ApiError> {
    let state = state(req)?;
    let token = cookie_value(req, COOKIE)
        .and_then(|v| SessionToken::from_cookie(&v))
        .ok_or(ApiError::Unauthorized("sign in first"))?;
    let now = unix_now();
    let store = state.store.clone();
    let lookup = token.clone();
    let found = web::block(move || {
        store.read(move |conn| {
            Ok(
                login_session::find(conn, &lookup, now).and_then(|session| match session {
                    Some(session) => {
                        let visible = admin::visible_agencies(conn, &session.user)?;
                        Ok(Some((session, visible)))
                    }
                    None => Ok(None),
                }),
            )
        })
    })
    .await???;
    let Some((session, visible)) = found else {
        return Err(ApiError::Unauthorized("the session has ended; sign in again"));
    };
    if !is_safe(req.method()) {
        let presented = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !session.csrf.matches(presented) {
            return Err(ApiError::Csrf);
        }
    }
    if session.user.role == Role::Agent {
        return Err(agents_use_the_phone());
    }
    if session.needs_touch(now) {
        let store = state.store.clone();
        let touched = token.clone();
        web::block(move || store.write(move |conn| Ok(login_session::touch(conn, &touched, now)))).await???;
    }
    Ok(build(session, visible, token))
}

fn build(session: ActiveSession, visible: Vec<Agency>, token: SessionToken) -> ConsoleUser {
    let agencies = visible.iter().filter_map(|a| a.id.parse().ok()).collect();
    ConsoleUser {
        user: session.user,
        visible,
        agencies,
        csrf: session.csrf,
        token,
    }
}

/// A signed-in user straight after sign-in.
pub fn signed_in(user: User, visible: Vec<Agency>, token: SessionToken, csrf: CsrfToken) -> ConsoleUser {
    build(ActiveSession { user, csrf, seen_at: 0 }, visible, token)
}

/// The refusal an agent's account gets from the console.
pub fn agents_use_the_phone() -> ApiError {
    ApiError::Forbidden("agents use the phone app; the console is for supervisors and administrators".into())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
}

/// Whether the browser reached us over HTTPS (directly, or through a trusted proxy).
fn over_https(req: &HttpRequest, trust_forwarded_proto: bool) -> bool {
    req.app_config().secure()
        || (trust_forwarded_proto
            && req
                .headers()
                .get("X-Forwarded-Proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

/// The `Set-Cookie` value that stores `token`.
pub fn session_cookie(req: &HttpRequest, token: &SessionToken) -> Result<String, ApiError> {
    let state = state(req)?;
    Ok(cookie_text(
        token.expose(),
        ABSOLUTE_SECONDS,
        over_https(req, state.trust_forwarded_proto),
    ))
}

/// The `Set-Cookie` value that clears the session cookie.
pub fn cleared_cookie(req: &HttpRequest) -> Result<String, ApiError> {
    let state = state(req)?;
    Ok(cookie_text("", 0, over_https(req, state.trust_forwarded_proto)))
}

fn cookie_text(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_only_over_https() {
        let plain = cookie_text("abc", 60, false);
        assert_eq!(
            plain,
            "relais_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict"
        );
        assert!(cookie_text("abc", 60, true).ends_with("; Secure"));
    }

    #[test]
    fn a_forwarded_proto_counts_only_when_the_proxy_is_trusted() {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("X-Forwarded-Proto", "https"))
            .to_http_request();
        assert!(!over_https(&req, false));
        assert!(over_https(&req, true));
        let plain = actix_web::test::TestRequest::default().to_http_request();
        assert!(!over_https(&plain, true));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "theme=dark; relais_session=tok; lang=fr"))
            .to_http_request();
        assert_eq!(cookie_value(&req, COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie_value(&req, "missing"), None);
    }
}
