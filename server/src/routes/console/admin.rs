//! Administration (administrators only): agencies, users, devices and the export log.

use actix_web::{get, patch, post, web, HttpResponse};
use relais_console::admin::{self, UserChange};
use relais_console::ConsoleError;
use relais_schema::{AgencyId, DeviceId, UserId};
use relais_sync::accounts::{self, NewUser, Role};
use serde::Deserialize;
use serde_json::json;

use crate::api_error::ApiError;
use crate::clock;
use crate::console_auth::ConsoleUser;
use crate::routes::console::{path_id, read, write};
use crate::routes::export;
use crate::state::AppState;

fn parse_agencies(ids: &[String]) -> Result<Vec<AgencyId>, ApiError> {
    ids.iter()
        .map(|id| {
            id.parse().map_err(|_| {
                ApiError::BadRequest(format!(
                    "agencies: {:?} is not an agency id",
                    id.chars().take(64).collect::<String>()
                ))
            })
        })
        .collect()
}

fn parse_role(text: &str) -> Result<Role, ApiError> {
    text.parse()
        .map_err(|e: relais_sync::StoreError| ApiError::BadRequest(e.to_string()))
}

/// `GET /api/v1/console/agencies`: every agency.
#[get("/api/v1/console/agencies")]
pub async fn list_agencies(user: ConsoleUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let list = read(&state, admin::list_agencies).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The new-agency form.
#[derive(Debug, Deserialize)]
pub struct NewAgency {
    name: String,
}

/// `POST /api/v1/console/agencies {name}` → 201 `{id, name}`.
#[post("/api/v1/console/agencies")]
pub async fn create_agency(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: web::Json<NewAgency>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let name = body.into_inner().name.trim().to_string();
    if name.chars().count() > 100 {
        return Err(ApiError::BadRequest("an agency name has at most 100 characters".into()));
    }
    let created = name.clone();
    let id = write(&state, move |conn| {
        Ok(accounts::create_agency(conn, &created, &clock::now())?)
    })
    .await?;
    tracing::info!(agency = %id, by = %user.user.id, "agency created");
    Ok(HttpResponse::Created().json(json!({ "id": id.to_string(), "name": name })))
}

/// `GET /api/v1/console/users`: every account.
#[get("/api/v1/console/users")]
pub async fn list_users(user: ConsoleUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let list = read(&state, admin::list_users).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The new-user form.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUserForm {
    username: String,
    display_name: String,
    password: String,
    role: String,
    #[serde(default)]
    agencies: Vec<String>,
}

/// `POST /api/v1/console/users {username, displayName, password, role, agencies}` → 201 `{id}`.
#[post("/api/v1/console/users")]
pub async fn create_user(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: web::Json<NewUserForm>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let form = body.into_inner();
    let role = parse_role(&form.role)?;
    let agencies = parse_agencies(&form.agencies)?;
    if form.display_name.trim().is_empty() || form.display_name.chars().count() > 100 {
        return Err(ApiError::BadRequest("a display name has 1 to 100 characters".into()));
    }
    let id = write(&state, move |conn| {
        let new = NewUser {
            username: &form.username,
            display_name: form.display_name.trim(),
            role,
            password: &form.password,
            agencies: &agencies,
        };
        Ok(accounts::create_user(conn, &new, &clock::now())?)
    })
    .await?;
    tracing::info!(user = %id, by = %user.user.id, "user created");
    Ok(HttpResponse::Created().json(json!({ "id": id.to_string() })))
}

/// The user-change form; absent fields stay as they are.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserChangeForm {
    display_name: Option<String>,
    password: Option<String>,
    role: Option<String>,
    agencies: Option<Vec<String>>,
    disabled: Option<bool>,
}

/// `PATCH /api/v1/console/users/{id} {displayName?, password?, role?, agencies?, disabled?}` → the user.
#[patch("/api/v1/console/users/{id}")]
pub async fn update_user(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<UserChangeForm>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let id: UserId = path_id(&path)?;
    let form = body.into_inner();
    if id == user.user.id && (form.disabled == Some(true) || form.role.as_deref().is_some_and(|r| r != "admin")) {
        return Err(ApiError::BadRequest(
            "an administrator cannot disable their own account or give up their own role".into(),
        ));
    }
    let change = UserChange {
        display_name: form.display_name,
        password: form.password,
        role: form.role.as_deref().map(parse_role).transpose()?,
        agencies: form.agencies.as_deref().map(parse_agencies).transpose()?,
        disabled: form.disabled,
    };
    let row = write(&state, move |conn| {
        admin::update_user(conn, id, &change, &clock::now())?;
        admin::list_users(conn)?
            .into_iter()
            .find(|u| u.id == id.to_string())
            .ok_or_else(|| ConsoleError::NotFound(format!("user {id}")))
    })
    .await?;
    tracing::info!(user = %id, by = %user.user.id, "user changed");
    Ok(HttpResponse::Ok().json(row))
}

/// `GET /api/v1/console/devices`: every device, newest first.
#[get("/api/v1/console/devices")]
pub async fn list_devices(user: ConsoleUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let list = read(&state, admin::list_devices).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `POST /api/v1/console/devices/{id}/revoke` → 204: the device is wiped at its next contact.
#[post("/api/v1/console/devices/{id}/revoke")]
pub async fn revoke_device(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let id: DeviceId = path_id(&path)?;
    write(&state, move |conn| {
        Ok(accounts::revoke_device(conn, id, &clock::now())?)
    })
    .await?;
    tracing::info!(device = %id, by = %user.user.id, "device revoked");
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/console/exports/log`: the latest exports, newest first.
#[get("/api/v1/console/exports/log")]
pub async fn export_log(user: ConsoleUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    Ok(HttpResponse::Ok().json(export::log_entries(&state).await?))
}
