//! End-to-end tests of the sync core through the real HTTP server.

mod accounts;
mod attendance;
mod bad_input;
mod compaction;
mod convergence;
mod encodings;
mod epoch;
mod erasure;
mod gaps;
mod packing;
mod property;
mod quarantine;
mod retries;
mod scale;
