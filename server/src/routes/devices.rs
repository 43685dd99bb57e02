//! `POST /api/v1/devices`: enrol a device with a username and password.

use actix_web::{post, web, HttpRequest, HttpResponse};
use relais_sync::accounts;
use serde::Deserialize;

use crate::api_error::ApiError;
use crate::auth;
use crate::clock;
use crate::state::AppState;

/// The enrolment form.
#[derive(Debug, Deserialize)]
pub struct Enrolment {
    username: String,
    password: String,
    /// A name for the device, shown to administrators.
    #[serde(default)]
    name: String,
    /// Which agency, for a supervisor of several.
    #[serde(default)]
    agency: Option<String>,
}

/// Check the credentials and return a device token for the user's agency.
#[post("/api/v1/devices")]
pub async fn enrol(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Json<Enrolment>,
) -> Result<HttpResponse, ApiError> {
    let form = form.into_inner();
    let user = auth::login(&req, &state, form.username, form.password).await?;
    let agency = match (&form.agency, user.agencies.as_slice()) {
        (Some(wanted), agencies) => {
            let parsed = wanted
                .parse()
                .map_err(|_| ApiError::BadRequest("agency must be an agency id".into()))?;
            if !agencies.contains(&parsed) {
                return Err(ApiError::Forbidden("the account does not belong to this agency".into()));
            }
            parsed
        }
        (None, [only]) => *only,
        (None, []) => {
            return Err(ApiError::Forbidden(
                "this account belongs to no agency and cannot sync records".into(),
            ))
        }
        (None, _) => {
            return Err(ApiError::BadRequest(
                "this account belongs to several agencies: say which (agency)".into(),
            ))
        }
    };
    let store = state.store.clone();
    let name = form.name;
    let user_for_enrol = user.clone();
    let (device, token) = web::block(move || {
        store.write(move |conn| accounts::enrol_device(conn, &user_for_enrol, agency, &name, &clock::now()))
    })
    .await??;
    tracing::info!(device = %device, user = %user.id, agency = %agency, "device enrolled");
    Ok(HttpResponse::Created().json(serde_json::json!({
        "device_id": device.to_string(),
        "token": token.expose(),
        "user_id": user.id.to_string(),
        "display_name": user.display_name,
        "role": user.role.as_str(),
        "agency_id": agency.to_string(),
    })))
}
