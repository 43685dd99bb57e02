//! Supervisor corrections over HTTP, under `/api/v1/console`: a record's
//! history, the conflicts queue, possible duplicates and their dismissal,
//! merges and their undo (`docs/console.md`, "History, conflicts,
//! duplicates and merges").
//!
//! Every handler takes a [`ConsoleUser`] (session cookie, CSRF on unsafe
//! methods, no agents) and passes the user's agencies to
//! `relais_curation`, where a record of another agency is "not found" like
//! one that does not exist. Reads run on a pooled reader; corrections run on
//! the writer thread and go through the sync crate's apply path.

use actix_web::{delete, get, post, web, HttpResponse};
use relais_curation::conflicts::{list_conflicts, resolve_conflict};
use relais_curation::dismissals::{dismiss_pair, list_dismissals, undo_dismissal, ContactPair};
use relais_curation::duplicates::{find_duplicates, DuplicatePair};
use relais_curation::history::record_history;
use relais_curation::merge::{list_merges, merge_contacts, undo_merge};
use relais_curation::stored::load_visible;
use relais_curation::{CurationError, MergeId};
use relais_schema::{AgencyId, DocumentId, RecordType, UserId};
use rusqlite::Connection;
use serde::Deserialize;

use crate::api_error::ApiError;
use crate::clock;
use crate::console_auth::ConsoleUser;
use crate::routes::console::QueryParams;
use crate::state::AppState;

/// Most duplicate pairs listed when the request sets no `limit`.
const DEFAULT_DUPLICATES: usize = 100;
/// Most duplicate pairs one request may ask for.
const MAX_DUPLICATES: usize = 1000;

/// Register the curation routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(contact_history)
        .service(record_history_route)
        .service(conflicts)
        .service(resolve)
        .service(duplicates)
        .service(dismissals)
        .service(dismiss)
        .service(undo_dismiss)
        .service(merges)
        .service(merge)
        .service(undo);
}

impl From<CurationError> for ApiError {
    fn from(e: CurationError) -> Self {
        match e {
            CurationError::NotFound(_) => ApiError::NotFound("not found".into()),
            CurationError::Invalid(why) => ApiError::BadRequest(why),
            CurationError::Refused(why) => ApiError::Conflict(why),
            CurationError::Store(e) => e.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

async fn read<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, CurationError> + Send + 'static,
{
    let store = state.store.clone();
    Ok(web::block(move || store.read(move |conn| Ok(f(conn)))).await???)
}

async fn write<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, CurationError> + Send + 'static,
{
    let store = state.store.clone();
    Ok(web::block(move || store.write(move |conn| Ok(f(conn)))).await???)
}

fn not_found() -> ApiError {
    ApiError::NotFound("not found".into())
}

/// An id from the path or a body; a malformed one is "not found" like an unknown one.
fn document_id(text: &str) -> Result<DocumentId, ApiError> {
    text.parse().map_err(|_| not_found())
}

/// The agencies a list covers: the one asked for with `?agency=` (if the
/// user sees it), or all of the user's.
fn agencies(user: &ConsoleUser, params: &QueryParams) -> Result<Vec<AgencyId>, ApiError> {
    match params.get("agency") {
        None => Ok(user.agencies().to_vec()),
        Some(text) => {
            let agency: AgencyId = text.parse().map_err(|_| not_found())?;
            user.require_agency(agency)?;
            Ok(vec![agency])
        }
    }
}

fn user_id(user: &ConsoleUser) -> UserId {
    user.user.id
}

/// `GET /api/v1/console/contacts/{id}/history`
#[get("/api/v1/console/contacts/{id}/history")]
async fn contact_history(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = document_id(&path)?;
    let scope = user.agencies().to_vec();
    let history = read(&state, move |conn| {
        if load_visible(conn, id, &scope)?.doc_type != RecordType::Contact {
            return Err(CurationError::NotFound(format!("contact {id}")));
        }
        record_history(conn, id, &scope)
    })
    .await?;
    Ok(HttpResponse::Ok().json(history))
}

/// `GET /api/v1/console/records/{id}/history`: any record (contact, session, visit).
#[get("/api/v1/console/records/{id}/history")]
async fn record_history_route(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = document_id(&path)?;
    let scope = user.agencies().to_vec();
    let history = read(&state, move |conn| record_history(conn, id, &scope)).await?;
    Ok(HttpResponse::Ok().json(history))
}

/// `GET /api/v1/console/conflicts?agency`
#[get("/api/v1/console/conflicts")]
async fn conflicts(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &["agency"])?;
    let scope = agencies(&user, &params)?;
    let queue = read(&state, move |conn| list_conflicts(conn, &scope)).await?;
    Ok(HttpResponse::Ok().json(queue))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResolveBody {
    doc_id: String,
    field: String,
    value: String,
}

/// `POST /api/v1/console/conflicts/resolve {docId, field, value}`
#[post("/api/v1/console/conflicts/resolve")]
async fn resolve(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: web::Json<ResolveBody>,
) -> Result<HttpResponse, ApiError> {
    let ResolveBody { doc_id, field, value } = body.into_inner();
    let id = document_id(&doc_id)?;
    let scope = user.agencies().to_vec();
    let by = user_id(&user);
    let logged_field = field.clone();
    write(&state, move |conn| {
        resolve_conflict(conn, &scope, by, id, &field, &value, &clock::now())
    })
    .await?;
    tracing::info!(document = %id, field = %logged_field, by = %by, "conflict resolved");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "resolved": true })))
}

/// `GET /api/v1/console/duplicates?agency&limit`: ranked pairs.
#[get("/api/v1/console/duplicates")]
async fn duplicates(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &["agency", "limit"])?;
    let scope = agencies(&user, &params)?;
    let limit = duplicates_limit(&params)?;
    let pairs = read(&state, move |conn| {
        let mut pairs: Vec<DuplicatePair> = Vec::new();
        for agency in scope {
            pairs.extend(find_duplicates(conn, agency, limit)?);
        }
        pairs.sort_by(|a, b| b.score.total_cmp(&a.score));
        pairs.truncate(limit);
        Ok(pairs)
    })
    .await?;
    Ok(HttpResponse::Ok().json(pairs))
}

/// `?limit=` of the duplicates lists: [`DEFAULT_DUPLICATES`] when absent.
fn duplicates_limit(params: &QueryParams) -> Result<usize, ApiError> {
    let limit = params.parse::<usize>("limit")?.unwrap_or(DEFAULT_DUPLICATES);
    if limit == 0 || limit > MAX_DUPLICATES {
        return Err(ApiError::BadRequest(format!(
            "limit must be from 1 to {MAX_DUPLICATES}"
        )));
    }
    Ok(limit)
}

/// `GET /api/v1/console/duplicates/dismissals?agency&limit`: pairs said to
/// be different people, newest first.
#[get("/api/v1/console/duplicates/dismissals")]
async fn dismissals(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &["agency", "limit"])?;
    let scope = agencies(&user, &params)?;
    let limit = duplicates_limit(&params)?;
    let list = read(&state, move |conn| list_dismissals(conn, &scope, limit)).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairBody {
    a: String,
    b: String,
}

/// Two contact ids as a pair; a malformed id is "not found" like an unknown one.
fn contact_pair(a: &str, b: &str) -> Result<ContactPair, ApiError> {
    Ok(ContactPair::new(document_id(a)?, document_id(b)?)?)
}

/// `POST /api/v1/console/duplicates/dismissals {a, b}`: the two contacts
/// are different people; the pair leaves the duplicates list.
#[post("/api/v1/console/duplicates/dismissals")]
async fn dismiss(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: web::Json<PairBody>,
) -> Result<HttpResponse, ApiError> {
    let pair = contact_pair(&body.a, &body.b)?;
    let scope = user.agencies().to_vec();
    let by = user_id(&user);
    write(&state, move |conn| dismiss_pair(conn, &scope, by, pair, &clock::now())).await?;
    tracing::info!(a = %pair.a(), b = %pair.b(), by = %by, "duplicate pair dismissed");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "dismissed": true })))
}

/// `DELETE /api/v1/console/duplicates/dismissals/{a}/{b}`: undo a
/// dismissal (either order); the pair may be listed again.
#[delete("/api/v1/console/duplicates/dismissals/{a}/{b}")]
async fn undo_dismiss(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let pair = contact_pair(&path.0, &path.1)?;
    let scope = user.agencies().to_vec();
    let by = user_id(&user);
    write(&state, move |conn| undo_dismissal(conn, &scope, pair)).await?;
    tracing::info!(a = %pair.a(), b = %pair.b(), by = %by, "duplicate pair dismissal undone");
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/console/merges?agency`
#[get("/api/v1/console/merges")]
async fn merges(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &["agency"])?;
    let scope = agencies(&user, &params)?;
    let list = read(&state, move |conn| list_merges(conn, &scope)).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    survivor: String,
    other: String,
}

/// `POST /api/v1/console/merges {survivor, other}` → `{id}`
#[post("/api/v1/console/merges")]
async fn merge(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: web::Json<MergeBody>,
) -> Result<HttpResponse, ApiError> {
    let survivor = document_id(&body.survivor)?;
    let other = document_id(&body.other)?;
    let scope = user.agencies().to_vec();
    let by = user_id(&user);
    let id = write(&state, move |conn| {
        merge_contacts(conn, &scope, by, survivor, other, &clock::now())
    })
    .await?;
    tracing::info!(merge = %id, survivor = %survivor, other = %other, by = %by, "contacts merged");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "id": id.to_string() })))
}

/// `DELETE /api/v1/console/merges/{id}`: undo a merge.
#[delete("/api/v1/console/merges/{id}")]
async fn undo(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: MergeId = path.parse().map_err(|_| not_found())?;
    let scope = user.agencies().to_vec();
    let by = user_id(&user);
    write(&state, move |conn| undo_merge(conn, &scope, by, id, &clock::now())).await?;
    tracing::info!(merge = %id, by = %by, "merge undone");
    Ok(HttpResponse::NoContent().finish())
}
