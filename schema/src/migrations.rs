//! SQL migrations of the store and the projection, append-only.
//!
//! Migration `n` (1-based) brings a database from `PRAGMA user_version = n - 1`
//! to `n`. A released migration is never edited: add a new one.

/// Every migration, in order.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_store.sql"),
    include_str!("migrations/0002_projection.sql"),
    include_str!("migrations/0003_exports.sql"),
    include_str!("migrations/0004_console.sql"),
    include_str!("migrations/0005_curation.sql"),
    include_str!("migrations/0006_search.sql"),
    include_str!("migrations/0007_rollups.sql"),
    include_str!("migrations/0008_dismissals.sql"),
    include_str!("migrations/0009_search_batches.sql"),
    include_str!("migrations/0010_batch_rollups.sql"),
];

/// The schema version this code writes and understands.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}
