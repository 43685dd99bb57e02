//! The document store of Relais, its sync protocol and the projection.
//!
//! Devices send Automerge changes for many documents in one request; the
//! [`service::sync`] call applies them in one SQLite transaction
//! ([`apply::apply_batch`]) — change log rows (whose integer key is the sync
//! cursor), the documents' new state and their projection into relational
//! tables — and then reads what the device lacks ([`pull::pull_page`]). The
//! device side of the same rules is [`device::Device`].
//!
//! Nothing here knows HTTP; time comes in as an argument (`now`, RFC 3339).

pub mod accounts;
pub mod apply;
pub mod backup;
pub mod deferred;
pub mod device;
pub mod device_auth;
pub mod erase;
pub mod error;
pub mod export;
pub mod merge;
pub mod meta;
pub mod open;
pub mod pack;
pub mod prepare;
pub mod projection;
pub mod protocol;
pub mod pull;
pub mod semaphore;
pub mod service;
pub mod store;
pub mod wire;

pub use device_auth::DeviceAuth;
pub use error::StoreError;
pub use store::Store;
