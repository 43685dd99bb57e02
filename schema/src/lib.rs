//! Record types of Relais, their validation, and the SQL migrations.
//!
//! Pure data: no I/O, no async. The sync crate reads documents through
//! [`Record::from_doc`] and projects them into the tables the migrations create.
//!
//! - [`Contact`], [`Session`], [`Visit`] (and [`Record`] for any of them) are
//!   the typed records of `docs/records.md`; `from_doc` reads and validates
//!   one from an Automerge document and fails with a [`ValidationError`]
//!   naming the field.
//! - [`write`](mod@write) writes records in the canonical layout and makes
//!   the edits a device makes (a follow-up, an attendance mark, a head count).
//! - [`field_conflicts`] lists the fields where concurrent edits left more
//!   than one value.
//! - [`read`](mod@read) holds the field readers the records are built from.

pub mod common;
pub mod conflicts;
pub mod contact;
pub mod country_code;
pub mod datetime;
#[cfg(test)]
mod fixtures;
pub mod ids;
pub mod migrations;
pub mod phone_number;
pub mod read;
pub mod record;
pub mod record_type;
pub mod session;
pub mod validation;
pub mod visit;
pub mod vocabulary;
pub mod write;

pub use common::{Common, SCHEMA_VERSION};
pub use conflicts::{field_conflicts, ConflictValue, FieldConflict};
pub use contact::{Consent, Contact, FollowUp};
pub use country_code::{CountryCode, InvalidCountryCode};
pub use ids::{AgencyId, DeviceId, DocumentId, FollowUpId, InvalidId, UserId};
pub use phone_number::{InvalidPhoneNumber, PhoneNumber};
pub use record::Record;
pub use record_type::{RecordType, UnknownRecordType};
pub use session::{Attendance, Session};
pub use validation::ValidationError;
pub use visit::Visit;
pub use vocabulary::{
    AgeBand, AttendanceStatus, ConsentScope, Education, FollowUpKind, Interest, MigrationStatus, SessionKind, Sex,
    Stage, UnknownName, Vocabulary,
};
