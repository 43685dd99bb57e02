//! `GET /healthz` and `GET /metrics`.

use std::sync::atomic::Ordering;

use actix_web::{get, web, HttpResponse};

use crate::api_error::ApiError;
use crate::state::AppState;

/// Healthy when the database answers a query.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    web::block(move || store.read(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))).await??;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}

/// Counters in the Prometheus text format.
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let m = &state.metrics;
    let body = format!(
        "# TYPE relais_sync_requests_total counter\nrelais_sync_requests_total {}\n\
         # TYPE relais_sync_errors_total counter\nrelais_sync_errors_total {}\n\
         # TYPE relais_sync_bytes_in_total counter\nrelais_sync_bytes_in_total {}\n\
         # TYPE relais_sync_bytes_out_total counter\nrelais_sync_bytes_out_total {}\n",
        m.syncs.load(Ordering::Relaxed),
        m.sync_errors.load(Ordering::Relaxed),
        m.bytes_in.load(Ordering::Relaxed),
        m.bytes_out.load(Ordering::Relaxed),
    );
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body)
}
