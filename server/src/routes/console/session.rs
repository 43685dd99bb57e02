//! Signing in and out of the console: `/api/v1/console/session`.

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use relais_console::admin::{self as accounts_view, Agency};
use relais_console::login_session;
use relais_sync::accounts::Role;
use serde::Deserialize;
use serde_json::json;

use crate::api_error::ApiError;
use crate::auth;
use crate::console_auth::{self, ConsoleUser};
use crate::routes::console::{read, write};
use crate::state::AppState;

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SignIn {
    username: String,
    password: String,
}

fn session_body(user: &ConsoleUser) -> serde_json::Value {
    let agencies: Vec<&Agency> = user.visible_agencies().iter().collect();
    json!({
        "user": {
            "id": user.user.id.to_string(),
            "username": user.user.username,
            "displayName": user.user.display_name,
            "role": user.user.role.as_str(),
            "agencies": agencies,
        },
        "csrf": user.csrf(),
    })
}

/// `POST /api/v1/console/session {username, password}`: sign in.
#[post("/api/v1/console/session")]
pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<SignIn>,
) -> Result<HttpResponse, ApiError> {
    let SignIn { username, password } = body.into_inner();
    let user = auth::login(&req, &state, username, password).await?;
    if user.role == Role::Agent {
        return Err(console_auth::agents_use_the_phone());
    }
    let now = console_auth::unix_now();
    let id = user.id;
    let (token, csrf) = write(&state, move |conn| login_session::start(conn, id, now)).await?;
    let for_agencies = user.clone();
    let visible = read(&state, move |conn| accounts_view::visible_agencies(conn, &for_agencies)).await?;
    tracing::info!(user = %user.id, "console sign-in");
    let cookie = console_auth::session_cookie(&req, &token)?;
    let signed = console_auth::signed_in(user, visible, token, csrf);
    Ok(HttpResponse::Ok()
        .insert_header((header::SET_COOKIE, cookie))
        .json(session_body(&signed)))
}

/// `GET /api/v1/console/session`: who is signed in, and the CSRF value.
#[get("/api/v1/console/session")]
pub async fn current(user: ConsoleUser) -> HttpResponse {
    HttpResponse::Ok().json(session_body(&user))
}

/// `DELETE /api/v1/console/session`: sign out (the session ends on the server too).
#[delete("/api/v1/console/session")]
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ApiError> {
    let token = user.session_token().clone();
    write(&state, move |conn| login_session::end(conn, &token)).await?;
    tracing::info!(user = %user.user.id, "console sign-out");
    Ok(HttpResponse::NoContent()
        .insert_header((header::SET_COOKIE, console_auth::cleared_cookie(&req)?))
        .finish())
}
