//! End-to-end tests of the sync core through the real HTTP server.

mod attendance;
mod bad_input;
mod convergence;
mod erasure;
mod gaps;
mod property;
mod retries;
mod scale;
