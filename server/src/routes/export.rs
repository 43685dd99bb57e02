//! Exports over HTTP: `GET /api/v1/exports/{table}.{format}` and the export
//! log, `GET /api/v1/exports/log`.
//!
//! Credentials: HTTP Basic, or the console's session cookie when the request
//! has no `Authorization` header, of a supervisor, who exports only their
//! agencies (no `agency` filter means all of theirs; another agency is 403),
//! or an administrator, who exports any. Agents get 403. The export log is
//! for administrators.
//!
//! The query holds the filters: `agency` (name or id, repeatable), `from` and
//! `to` (`YYYY-MM-DD`, inclusive), `agent` (a user id or a username) and
//! `pseudonymise=true`. Everything is checked before the first byte; then a
//! blocking task reads the rows and sends 64 KiB chunks through a small
//! channel that the response body drains, so a slow client slows the
//! export instead of filling memory. If the export fails midway the body is
//! cut off, so a partial file is never mistaken for a whole one.

use std::io::{self, Write};

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use relais_schema::AgencyId;
use relais_sync::accounts::{self, Role, User};
use relais_sync::export::{self as exports, ExportError, ExportFilter, ExportRequest, Requester};
use relais_sync::StoreError;
use tokio::sync::mpsc;

use crate::api_error::ApiError;
use crate::auth;
use crate::clock;
use crate::console_auth::ConsoleUser;
use crate::state::AppState;

/// Chunks in flight between the export thread and the response.
const CHUNKS_IN_FLIGHT: usize = 4;

/// How many log lines `GET /api/v1/exports/log` returns.
const LOG_LINES: u32 = 1000;

/// The routes of this file, under `/api/v1/exports`.
pub fn scope() -> actix_web::Scope {
    web::scope("/api/v1/exports").service(export_log).service(export)
}

/// The latest exports, newest first (administrators only).
#[get("/log")]
async fn export_log(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    requester(&req, &state, &[Role::Admin]).await?;
    Ok(HttpResponse::Ok().json(log_entries(&state).await?))
}

/// The export log as JSON rows, newest first.
pub async fn log_entries(state: &AppState) -> Result<Vec<serde_json::Value>, ApiError> {
    let store = state.store.clone();
    let entries = web::block(move || store.read(|conn| exports::log::list_exports(conn, LOG_LINES))).await??;
    Ok(entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id,
                "started_at": e.started_at,
                "finished_at": e.finished_at,
                "user_id": e.user_id.map(|u| u.to_string()),
                "who": e.who,
                "table": e.tables,
                "format": e.format,
                "filters": serde_json::from_str::<serde_json::Value>(&e.filters).unwrap_or(serde_json::Value::Null),
                "pseudonymised": e.pseudonymised,
                "row_count": e.row_count,
                "outcome": e.outcome,
            })
        })
        .collect())
}

/// Who asks: HTTP Basic credentials when the request carries an
/// `Authorization` header, else the console session cookie (a download is a
/// GET, so it needs no CSRF value). Either way the role must be in `roles`.
async fn requester(req: &HttpRequest, state: &web::Data<AppState>, roles: &[Role]) -> Result<User, ApiError> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        return auth::basic(req, state, roles).await;
    }
    match ConsoleUser::from_cookie_if_present(req).await {
        Some(user) => {
            let user = user?.user;
            if !roles.contains(&user.role) {
                return Err(ApiError::Forbidden("this account's role may not do this".into()));
            }
            Ok(user)
        }
        None => auth::basic(req, state, roles).await,
    }
}

/// `GET /api/v1/exports/{table}.{format}?agency=…&from=…&to=…&agent=…&pseudonymise=true`
#[get("/{file}")]
async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let user = requester(&req, &state, &[Role::Admin, Role::Supervisor]).await?;
    let (table, format) = path
        .rsplit_once('.')
        .ok_or_else(|| ApiError::NotFound("no such export: use /api/v1/exports/{table}.{format}".into()))?;
    let selection = table.parse().map_err(not_found)?;
    let format = format.parse().map_err(not_found)?;
    let asked = Asked::read(query.into_inner())?;
    let pseudonymise = asked.pseudonymise;
    let store = state.store.clone();
    let scope_user = user.clone();
    let filter = web::block(move || store.read(|conn| Ok(asked.resolve(conn, &scope_user)))).await???;
    let request = ExportRequest {
        selection,
        format,
        filter,
        pseudonymise,
    };
    request.check().map_err(api_error)?;

    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_IN_FLIGHT);
    let store = state.store.clone();
    let requester = Requester {
        user_id: Some(user.id),
        who: user.username.clone(),
    };
    let logged = request.clone();
    tokio::task::spawn_blocking(move || {
        let writer = ChunkWriter { sender: sender.clone() };
        if let Err(e) = exports::export_logged(&store, &logged, &requester, &clock::now, writer) {
            tracing::warn!(error = %e, table = logged.selection.as_str(), "export stopped");
            // The receiver may be gone already (the client left); nothing more to do then.
            let _ = sender.blocking_send(Err(io::Error::other("the export stopped")));
        }
    });
    tracing::info!(by = %user.id, table = request.selection.as_str(), format = %request.format, "export started");
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Ok(HttpResponse::Ok()
        .content_type(request.format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", request.file_name()),
        ))
        .streaming(body))
}

/// The filters as asked in the query string, before names are resolved.
#[derive(Debug, Default)]
struct Asked {
    agencies: Vec<String>,
    from: Option<String>,
    to: Option<String>,
    agent: Option<String>,
    pseudonymise: bool,
}

impl Asked {
    fn read(pairs: Vec<(String, String)>) -> Result<Asked, ApiError> {
        let mut asked = Asked::default();
        for (key, value) in pairs {
            match key.as_str() {
                "agency" => asked.agencies.push(value),
                "from" => asked.from = Some(value),
                "to" => asked.to = Some(value),
                "agent" => asked.agent = Some(value),
                "pseudonymise" => {
                    asked.pseudonymise = match value.as_str() {
                        "true" | "1" | "yes" => true,
                        "false" | "0" | "no" => false,
                        other => {
                            return Err(ApiError::BadRequest(format!(
                                "pseudonymise={other:?}: expected true or false"
                            )))
                        }
                    }
                }
                other => {
                    return Err(ApiError::BadRequest(format!(
                        "unknown filter {other:?} (expected agency, from, to, agent or pseudonymise)"
                    )))
                }
            }
        }
        Ok(asked)
    }

    /// Resolve names and apply the user's scope: a supervisor gets their
    /// agencies, and naming any other one (or one that does not exist) is 403,
    /// so that the answer does not tell which agencies exist.
    fn resolve(self, conn: &rusqlite::Connection, user: &User) -> Result<ExportFilter, ApiError> {
        let parse_date = |text: &Option<String>| text.as_deref().map(str::parse).transpose().map_err(api_error);
        let (from, to) = (parse_date(&self.from)?, parse_date(&self.to)?);
        let mut named: Vec<AgencyId> = Vec::new();
        for name in &self.agencies {
            match accounts::find_agency(conn, name) {
                Ok(id) => named.push(id),
                Err(StoreError::NotFound(_)) if user.role != Role::Admin => return Err(outside_scope()),
                Err(e) => return Err(e.into()),
            }
        }
        let agencies = match user.role {
            Role::Admin => (!named.is_empty()).then_some(named),
            _ => {
                if named.iter().any(|a| !user.agencies.contains(a)) {
                    return Err(outside_scope());
                }
                Some(if named.is_empty() { user.agencies.clone() } else { named })
            }
        };
        let agent = self
            .agent
            .as_deref()
            .map(|username| exports::filter::find_user(conn, username))
            .transpose()
            .map_err(api_error)?;
        Ok(ExportFilter {
            agencies,
            from,
            to,
            agent,
        })
    }
}

fn outside_scope() -> ApiError {
    ApiError::Forbidden("this account may only export the agencies it supervises".into())
}

fn not_found(e: ExportError) -> ApiError {
    ApiError::NotFound(e.to_string())
}

fn api_error(e: ExportError) -> ApiError {
    match e {
        ExportError::Invalid(why) => ApiError::BadRequest(why),
        ExportError::NotFound(what) => ApiError::BadRequest(format!("{what} not found")),
        ExportError::Store(e) => e.into(),
        other => ApiError::Internal(other.into()),
    }
}

/// Sends what the export writes as body chunks; fails once the client is gone.
struct ChunkWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
}

impl Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sender
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
