//! Credentials on requests: device tokens for sync, HTTP Basic for administration.

use std::time::Instant;

use actix_web::http::header;
use actix_web::HttpRequest;
use base64::Engine;
use relais_sync::accounts::{self, DeviceToken, Role, TokenCheck, User};
use relais_sync::semaphore::Semaphore;
use relais_sync::DeviceAuth;

use crate::api_error::ApiError;
use crate::state::AppState;

/// Password checks running at once. Argon2id takes 19 MiB and about 50 ms of
/// CPU per check, so a burst of logins waits here rather than taking the
/// memory and the processors from the rest of the server.
static PASSWORD_CHECKS: Semaphore = Semaphore::new(2);

/// Resolve the `Authorization: Bearer` device token.
pub async fn device(req: &HttpRequest, state: &actix_web::web::Data<AppState>) -> Result<DeviceAuth, ApiError> {
    let token = bearer(req).ok_or(ApiError::Unauthorized(
        "a device token is required (Authorization: Bearer …)",
    ))?;
    let store = state.store.clone();
    let check = actix_web::web::block(move || store.read(|conn| accounts::check_token(conn, &token))).await??;
    match check {
        TokenCheck::Valid(auth) => Ok(auth),
        TokenCheck::Revoked(_) => Err(ApiError::Revoked),
        TokenCheck::Unknown => Err(ApiError::Unauthorized("the device token is not valid")),
    }
}

fn bearer(req: &HttpRequest) -> Option<DeviceToken> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| DeviceToken::from_client(token))
}

/// A rate-limited password check; the key combines the username and the peer address.
pub async fn login(
    req: &HttpRequest,
    state: &actix_web::web::Data<AppState>,
    username: String,
    password: String,
) -> Result<User, ApiError> {
    let peer = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let key = format!("{username}\u{0}{peer}");
    let now = Instant::now();
    let blocked = state
        .logins
        .blocked_for(&key, now)
        .or_else(|| state.user_logins.blocked_for(&username, now));
    if let Some(wait) = blocked {
        tracing::warn!(username = %username, peer = %peer, "login refused: too many failed attempts");
        return Err(ApiError::RateLimited(wait));
    }
    let store = state.store.clone();
    let failed_username = username.clone();
    let user = actix_web::web::block(move || {
        let _turn = PASSWORD_CHECKS.acquire();
        store.read(|conn| accounts::verify_login(conn, &username, &password))
    })
    .await??;
    match user {
        Some(user) => {
            state.logins.record_success(&key);
            Ok(user)
        }
        None => {
            // Logins are staff accounts, not people met in the field: logging them is fine.
            tracing::warn!(username = %failed_username, peer = %peer, "failed login");
            state.logins.record_failure(&key, Instant::now());
            state.user_logins.record_failure(&failed_username, Instant::now());
            Err(ApiError::Unauthorized("wrong username or password"))
        }
    }
}

/// An administrator (or supervisor) by HTTP Basic credentials.
pub async fn basic(
    req: &HttpRequest,
    state: &actix_web::web::Data<AppState>,
    roles: &[Role],
) -> Result<User, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or(ApiError::Unauthorized(
            "credentials are required (Authorization: Basic …)",
        ))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(ApiError::Unauthorized("the Basic credentials are not valid base64"))?;
    let (username, password) = decoded
        .split_once(':')
        .ok_or(ApiError::Unauthorized("the Basic credentials lack a password"))?;
    let user = login(req, state, username.to_string(), password.to_string()).await?;
    if !roles.contains(&user.role) {
        return Err(ApiError::Forbidden("this account's role may not do this".into()));
    }
    Ok(user)
}
