//! Administration over HTTP: erase a document, list and revoke devices.
//!
//! Credentials: HTTP Basic with an administrator's account (or, for erasure, a
//! supervisor of the document's agency). Rate-limited like every login.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use relais_schema::{DeviceId, DocumentId};
use relais_sync::accounts::{self, Role};
use relais_sync::erase;

use crate::api_error::ApiError;
use crate::auth;
use crate::clock;
use crate::state::AppState;

/// Erase a record everywhere: `DELETE /api/v1/documents/{id}`.
#[delete("/api/v1/documents/{id}")]
pub async fn erase_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = auth::basic(&req, &state, &[Role::Admin, Role::Supervisor]).await?;
    let id: DocumentId = path
        .parse()
        .map_err(|_| ApiError::NotFound("document not found".into()))?;
    let scope = match user.role {
        Role::Admin => None,
        _ => Some(user.agencies.clone()),
    };
    let store = state.store.clone();
    let by = user.id;
    web::block(move || {
        store.write(move |conn| match scope {
            None => erase::erase_document(conn, id, None, Some(by), &clock::now()),
            Some(agencies) => {
                let mut last = Err(relais_sync::StoreError::NotFound(format!("document {id}")));
                for agency in agencies {
                    last = erase::erase_document(conn, id, Some(agency), Some(by), &clock::now());
                    if last.is_ok() {
                        break;
                    }
                }
                last
            }
        })
    })
    .await??;
    tracing::info!(document = %id, by = %user.id, "document erased");
    Ok(HttpResponse::NoContent().finish())
}

/// List devices: `GET /api/v1/admin/devices`.
#[get("/api/v1/admin/devices")]
pub async fn list_devices(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    auth::basic(&req, &state, &[Role::Admin]).await?;
    let store = state.store.clone();
    let devices = web::block(move || store.read(accounts::list_devices)).await??;
    let body: Vec<_> = devices
        .iter()
        .map(|d| {
            serde_json::json!({
                "id": d.id.to_string(),
                "user_id": d.user.to_string(),
                "username": d.username,
                "agency_id": d.agency.to_string(),
                "name": d.name,
                "created_at": d.created_at,
                "revoked_at": d.revoked_at,
                "last_sync_at": d.last_sync_at,
                "last_changes": d.last_changes,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Revoke a device: `POST /api/v1/admin/devices/{id}/revoke`.
#[post("/api/v1/admin/devices/{id}/revoke")]
pub async fn revoke_device(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = auth::basic(&req, &state, &[Role::Admin]).await?;
    let id: DeviceId = path
        .parse()
        .map_err(|_| ApiError::NotFound("device not found".into()))?;
    let store = state.store.clone();
    web::block(move || store.write(move |conn| accounts::revoke_device(conn, id, &clock::now()))).await??;
    tracing::info!(device = %id, by = %user.id, "device revoked");
    Ok(HttpResponse::NoContent().finish())
}
