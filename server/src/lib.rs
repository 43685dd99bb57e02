//! The Relais server: HTTP API, accounts, administration commands, the demo
//! seeder and the device simulator. The only crate that knows HTTP.

pub mod api_error;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod console_auth;
pub mod demo;
pub mod phone;
pub mod rate_limit;
pub mod records;
pub mod routes;
pub mod settings;
pub mod simulate;
pub mod startup;
pub mod state;
