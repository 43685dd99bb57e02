//! HTTP routes, one file per resource.

pub mod admin;
pub mod app;
pub mod console;
pub mod curation;
pub mod devices;
pub mod export;
pub mod health;
pub mod sync;
