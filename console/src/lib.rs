//! The supervisor console's queries over the projection.
//!
//! Everything here takes a `&rusqlite::Connection` (a pooled reader, or the
//! writer for the few writes) and typed, already parsed filters; client text
//! reaches SQL only as bound parameters. The server's console routes are thin
//! wrappers that check who asks and call these functions off the async
//! workers.
//!
//! - [`filter`]: the parsed filters every list and the dashboard share
//!   (date range, agencies in scope, agent).
//! - [`dashboard`]: the indicators, each figure one query.
//! - [`records`]: the contacts, sessions and visits lists (search, filters,
//!   sort, keyset cursor) and their detail pages.
//! - [`admin`]: agencies, users and devices.
//! - [`login_session`]: signed-in browser sessions and their CSRF values.

pub mod admin;
pub mod dashboard;
pub mod error;
pub mod filter;
pub mod login_session;
pub mod records;
#[cfg(test)]
mod test_store;

pub use error::ConsoleError;
