//! The supervisor console's API, under `/api/v1/console` (see `docs/console.md`).
//!
//! Every handler takes a [`ConsoleUser`]
//! (session cookie, CSRF on unsafe methods, no agents), parses its query into
//! `relais_console` filters, and runs the query on a pooled reader off the
//! async workers. Routes are registered with their full paths rather than in
//! one `/api/v1/console` scope, so that other console routes can be
//! registered beside them.

pub mod admin;
pub mod dashboard;
pub mod records;
pub mod session;

use std::collections::HashMap;

use actix_web::web;
use relais_console::filter::{DateRange, Filter, Scope};
use relais_console::ConsoleError;
use relais_schema::{AgencyId, UserId};
use rusqlite::Connection;

use crate::api_error::ApiError;
use crate::console_auth::ConsoleUser;
use crate::state::AppState;

/// Register the console routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(session::sign_in)
        .service(session::current)
        .service(session::sign_out)
        .service(dashboard::show_dashboard)
        .service(records::list_contacts)
        .service(records::contact_page)
        .service(records::list_sessions)
        .service(records::session_page)
        .service(records::list_visits)
        .service(records::visit_page)
        .service(admin::list_agencies)
        .service(admin::create_agency)
        .service(admin::list_users)
        .service(admin::create_user)
        .service(admin::update_user)
        .service(admin::list_devices)
        .service(admin::revoke_device)
        .service(admin::export_log);
}

/// Run a console query on a pooled reader, off the async workers.
pub async fn read<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, ConsoleError> + Send + 'static,
{
    let store = state.store.clone();
    Ok(web::block(move || store.read(move |conn| Ok(f(conn)))).await???)
}

/// Run a console write on the store's writer.
pub async fn write<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, ConsoleError> + Send + 'static,
{
    let store = state.store.clone();
    Ok(web::block(move || store.write(move |conn| Ok(f(conn)))).await???)
}

/// A query string, each key at most once, only the keys a route knows.
#[derive(Debug, Default)]
pub struct QueryParams(HashMap<String, String>);

impl QueryParams {
    /// Read `pairs`, refusing unknown or repeated keys with a 400 naming them.
    pub fn read(pairs: Vec<(String, String)>, known: &[&str]) -> Result<QueryParams, ApiError> {
        let mut map = HashMap::new();
        for (key, value) in pairs {
            if !known.contains(&key.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {:?} (expected one of {})",
                    key.chars().take(64).collect::<String>(),
                    known.join(", ")
                )));
            }
            if map.insert(key.clone(), value).is_some() {
                return Err(ApiError::BadRequest(format!("the parameter {key:?} is given twice")));
            }
        }
        Ok(QueryParams(map))
    }

    /// The non-empty value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The value of `key` parsed, or a 400 naming the key.
    pub fn parse<T>(&self, key: &str) -> Result<Option<T>, ApiError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        self.get(key)
            .map(|v| v.parse::<T>().map_err(|e| ApiError::BadRequest(format!("{key}: {e}"))))
            .transpose()
    }

    /// The filters every console list shares: `from`, `to`, `agency`, `agent`.
    /// An agency the user may not read answers 404, like one that does not exist.
    pub fn filter(&self, user: &ConsoleUser) -> Result<Filter, ApiError> {
        let range = DateRange::new(self.parse("from")?, self.parse("to")?)?;
        let scope = match self.get("agency") {
            None => Scope::new(user.agencies().to_vec()),
            Some(text) => {
                let agency: AgencyId = text
                    .parse()
                    .map_err(|_| ApiError::NotFound("agency not found".into()))?;
                user.require_agency(agency)?;
                Scope::new(vec![agency])
            }
        };
        let agent: Option<UserId> = self.parse("agent")?;
        Ok(Filter { scope, range, agent })
    }
}

/// The keys of [`QueryParams::filter`].
pub const FILTER_KEYS: [&str; 4] = ["from", "to", "agency", "agent"];

/// A path id: one that cannot be an id is as absent as one that is not there.
pub fn path_id<T: std::str::FromStr>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| ApiError::NotFound("not found".into()))
}
