//! The one error type of the HTTP API and its exhaustive status mapping.
//!
//! Every error answers `{ "error": code, "message": text }`. A 5xx never
//! carries internal text: the cause goes to the log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use relais_sync::protocol::ProtocolError;
use relais_sync::service::SyncError;
use relais_sync::StoreError;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request body cannot be read.
    #[error("{0}")]
    BadRequest(String),
    /// The sync message is malformed, of an unknown version, or holds invalid data.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The body is larger than the limit.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// No credentials, or wrong ones.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The device was revoked: it must wipe its local data.
    #[error("this device was revoked; its local data must be wiped")]
    Revoked,
    /// Authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing console request without the session's `X-CSRF-Token`.
    #[error("the X-CSRF-Token header is missing or does not match this session; reload the page")]
    Csrf,
    /// Not there (or not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// Exists already.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("too many attempts; wait {0} seconds and try again")]
    RateLimited(u64),
    /// The server's disk is full: nothing was stored, try later.
    #[error("the server is out of disk space; nothing was stored, the device will retry")]
    DiskFull,
    /// A bug or an outage; details are in the log.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Protocol(ProtocolError::UnsupportedVersion(_)) => "unsupported_version",
            ApiError::Protocol(ProtocolError::InvalidChange { .. }) => "invalid_change",
            ApiError::Protocol(ProtocolError::UnknownType { .. }) => "unknown_type",
            ApiError::Protocol(_) => "malformed",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Revoked => "device_revoked",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Csrf => "csrf",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::DiskFull => "disk_full",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_disk_full() {
            return ApiError::DiskFull;
        }
        match e {
            e @ StoreError::ForeignDocument(_) => ApiError::Forbidden(e.to_string()),
            e @ StoreError::BatchReused => ApiError::Conflict(e.to_string()),
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            StoreError::Invalid(why) => ApiError::BadRequest(why),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::WrongDevice => ApiError::Forbidden(e.to_string()),
            SyncError::Store(e) => e.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Protocol(ProtocolError::UnsupportedVersion(_)) => StatusCode::BAD_REQUEST,
            ApiError::Protocol(ProtocolError::InvalidChange { .. } | ProtocolError::UnknownType { .. }) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Protocol(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized(_) | ApiError::Revoked => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::DiskFull => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        if matches!(self, ApiError::Revoked) {
            body["wipe"] = serde_json::Value::Bool(true);
        }
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::RateLimited(seconds) = self {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        response.json(body)
    }
}
