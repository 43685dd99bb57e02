//! The record lists and detail pages: contacts, sessions, visits.

use actix_web::{get, web, HttpResponse};
use relais_console::filter::Scope;
use relais_console::records::contacts::{self, ContactQuery};
use relais_console::records::sessions::{self, SessionQuery};
use relais_console::records::visits::{self, VisitQuery};
use relais_schema::DocumentId;

use crate::api_error::ApiError;
use crate::console_auth::ConsoleUser;
use crate::routes::console::{path_id, read, QueryParams, FILTER_KEYS};
use crate::state::AppState;

fn keys(extra: &[&'static str]) -> Vec<&'static str> {
    FILTER_KEYS.iter().chain(extra).copied().collect()
}

fn not_found() -> ApiError {
    ApiError::NotFound("not found".into())
}

/// `GET /api/v1/console/contacts?q&agency&agent&stage&nationality&from&to&sort&limit&cursor`
#[get("/api/v1/console/contacts")]
pub async fn list_contacts(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(
        query.into_inner(),
        &keys(&["q", "stage", "nationality", "sort", "limit", "cursor"]),
    )?;
    let filter = params.filter(&user)?;
    let list = ContactQuery {
        search: params.parse("q")?,
        stage: params.parse("stage")?,
        nationality: params.parse("nationality")?,
        sort: params.parse("sort")?.unwrap_or_default(),
        limit: params.parse("limit")?.unwrap_or_default(),
        cursor: params.get("cursor").map(str::to_string),
    };
    let page = read(&state, move |conn| contacts::list_contacts(conn, &filter, &list)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /api/v1/console/contacts/{id}`: a contact's page.
#[get("/api/v1/console/contacts/{id}")]
pub async fn contact_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: DocumentId = path_id(&path)?;
    let scope = Scope::new(user.agencies().to_vec());
    let page = read(&state, move |conn| contacts::contact_page(conn, &scope, id)).await?;
    Ok(HttpResponse::Ok().json(page.ok_or_else(not_found)?))
}

/// `GET /api/v1/console/sessions?q&kind&agency&agent&from&to&sort&limit&cursor`
#[get("/api/v1/console/sessions")]
pub async fn list_sessions(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &keys(&["q", "kind", "sort", "limit", "cursor"]))?;
    let filter = params.filter(&user)?;
    let list = SessionQuery {
        search: params.parse("q")?,
        kind: params.parse("kind")?,
        sort: params.parse("sort")?.unwrap_or_default(),
        limit: params.parse("limit")?.unwrap_or_default(),
        cursor: params.get("cursor").map(str::to_string),
    };
    let page = read(&state, move |conn| sessions::list_sessions(conn, &filter, &list)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /api/v1/console/sessions/{id}`: a session and its attendance.
#[get("/api/v1/console/sessions/{id}")]
pub async fn session_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: DocumentId = path_id(&path)?;
    let scope = Scope::new(user.agencies().to_vec());
    let page = read(&state, move |conn| sessions::session_page(conn, &scope, id)).await?;
    Ok(HttpResponse::Ok().json(page.ok_or_else(not_found)?))
}

/// `GET /api/v1/console/visits?q&agency&agent&from&to&sort&limit&cursor`
#[get("/api/v1/console/visits")]
pub async fn list_visits(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &keys(&["q", "sort", "limit", "cursor"]))?;
    let filter = params.filter(&user)?;
    let list = VisitQuery {
        search: params.parse("q")?,
        sort: params.parse("sort")?.unwrap_or_default(),
        limit: params.parse("limit")?.unwrap_or_default(),
        cursor: params.get("cursor").map(str::to_string),
    };
    let page = read(&state, move |conn| visits::list_visits(conn, &filter, &list)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /api/v1/console/visits/{id}`: a visit's fields.
#[get("/api/v1/console/visits/{id}")]
pub async fn visit_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: DocumentId = path_id(&path)?;
    let scope = Scope::new(user.agencies().to_vec());
    let page = read(&state, move |conn| visits::visit_page(conn, &scope, id)).await?;
    Ok(HttpResponse::Ok().json(page.ok_or_else(not_found)?))
}
