//! `GET /api/v1/console/dashboard?from&to&agency&agent`: the indicators.

use actix_web::{get, web, HttpResponse};
use relais_console::dashboard;

use crate::api_error::ApiError;
use crate::console_auth::ConsoleUser;
use crate::routes::console::{read, QueryParams, FILTER_KEYS};
use crate::state::AppState;

/// Every dashboard figure for the filters.
#[get("/api/v1/console/dashboard")]
pub async fn show_dashboard(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::read(query.into_inner(), &FILTER_KEYS)?;
    let filter = params.filter(&user)?;
    let figures = read(&state, move |conn| dashboard::dashboard(conn, &filter)).await?;
    Ok(HttpResponse::Ok().json(figures))
}
