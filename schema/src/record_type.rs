//! The kinds of record documents.

use std::fmt;
use std::str::FromStr;

/// The `type` of a record document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// A person met by an agent.
    Contact,
    /// An information or accompaniment session at the agency.
    Session,
    /// An outreach visit to a neighbourhood.
    Visit,
}

/// A record type name this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record type {0:?} (expected contact, session or visit)")]
pub struct UnknownRecordType(pub String);

impl RecordType {
    /// Every record type.
    pub const ALL: [RecordType; 3] = [RecordType::Contact, RecordType::Session, RecordType::Visit];

    /// The name used in documents and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Contact => "contact",
            RecordType::Session => "session",
            RecordType::Visit => "visit",
        }
    }
}

impl FromStr for RecordType {
    type Err = UnknownRecordType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "contact" => Ok(RecordType::Contact),
            "session" => Ok(RecordType::Session),
            "visit" => Ok(RecordType::Visit),
            other => Err(UnknownRecordType(other.chars().take(64).collect())),
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
