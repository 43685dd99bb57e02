//! End-to-end tests of the supervisor console through the real HTTP server.

mod access;
mod admin;
mod dashboard;
mod headers;
mod records;
mod rollups;
mod search;
mod seed;
mod session;
