//! Shared helpers for the end-to-end suites: a real server on a free port
//! with a temporary database, accounts, and phones that sync over HTTP.

pub mod app;
pub mod process;
pub use relais_server::phone;
pub mod console;
pub mod proxy;
pub mod world;
