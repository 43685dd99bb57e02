//! Supervisor corrections: a record's change history, the conflicts queue,
//! possible duplicates, and merging two contacts (and undoing it).
//!
//! Everything a supervisor changes is written the way a phone writes: an
//! Automerge change, made by a server actor on the stored document, pushed
//! through the sync crate's normal apply path under the agency's own server
//! device ([`server_edit`]). So corrections are logged with a cursor,
//! reprojected in the same transaction, attributed to the supervisor in the
//! `actors` table, and reach phones at their next pull.
//!
//! - [`history::record_history`]: who changed which field, when, from which device;
//! - [`conflicts::list_conflicts`], [`conflicts::resolve_conflict`];
//! - [`duplicates::find_duplicates`], ranked by a documented score;
//! - [`dismissals::dismiss_pair`], [`dismissals::undo_dismissal`],
//!   [`dismissals::list_dismissals`]: pairs said to be different people;
//! - [`merge::merge_contacts`], [`merge::undo_merge`], [`merge::list_merges`].
//!
//! Every function takes the agencies the caller may see; a record of
//! another agency is "not found", exactly like one that does not exist.
//! Reads run on a reader connection; corrections on the writer thread.

pub mod conflicts;
pub mod dismissals;
pub mod duplicates;
pub mod error;
pub mod field_path;
pub mod history;
mod json;
pub mod merge;
pub mod name_fold;
pub mod owned_value;
pub mod server_edit;
pub mod stored;

pub use error::CurationError;
pub use merge::MergeId;
