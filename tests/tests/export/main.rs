//! End-to-end tests of exports through the real HTTP server.

mod access;
mod attendance;
mod formats;
mod privacy;
mod seed;
