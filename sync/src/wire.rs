//! The CBOR messages of `POST /api/v1/sync`, exactly as they travel.
//!
//! These structs mirror `docs/protocol.md` field by field. They carry raw
//! bytes; [`crate::protocol`] parses them into typed values before anything
//! else looks at them.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// A sync request: what the device pushes and where its pull stands.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WireRequest {
    /// Protocol version.
    pub v: u32,
    /// Device id, 16 bytes.
    pub device: ByteBuf,
    /// Batch id, 16 bytes, fresh for each new batch, reused on retry.
    pub batch: ByteBuf,
    /// The server epoch the device last saw (16 bytes), absent before the first sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<ByteBuf>,
    /// Documents with changes (or a heads check).
    #[serde(default)]
    pub push: Vec<WirePushDoc>,
    /// Where the device's pull stands; absent to push only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull: Option<WirePull>,
}

/// One document in a push.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WirePushDoc {
    /// Document id, 16 bytes.
    pub id: ByteBuf,
    /// Record type: `contact`, `session` or `visit`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The device's heads for this document once the changes are applied (32 bytes each).
    #[serde(default)]
    pub heads: Vec<ByteBuf>,
    /// Automerge changes, each in Automerge's binary change encoding.
    #[serde(default)]
    pub changes: Vec<ByteBuf>,
}

/// The pull position of a device.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WirePull {
    /// The last change-log sequence number the device has applied (0: none).
    pub cursor: u64,
    /// During a first sync: the snapshot position to resume from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<u64>,
    /// How many bytes of document data the device wants at most in this answer.
    pub budget: u64,
    /// The packed form of changes the device reads (`1`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<u64>,
}

/// The answer to a sync request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WireResponse {
    /// Protocol version.
    pub v: u32,
    /// The server's epoch, 16 bytes.
    pub epoch: ByteBuf,
    /// One result per pushed document, in push order.
    #[serde(default)]
    pub results: Vec<WireDocResult>,
    /// What the device lacks, when the request asked to pull.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull: Option<WirePage>,
}

/// The outcome for one pushed document.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WireDocResult {
    /// Document id, 16 bytes.
    pub id: ByteBuf,
    /// `ok`, `need`, `quarantined`, `rejected` or `erased`.
    pub status: String,
    /// The server's heads for the document after this batch.
    #[serde(default)]
    pub heads: Vec<ByteBuf>,
    /// Why, for `quarantined` and `rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One page of the pull feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WirePage {
    /// Documents to apply, in feed order.
    #[serde(default)]
    pub items: Vec<WireItem>,
    /// The cursor to send next time.
    pub cursor: u64,
    /// During a first sync: the snapshot position to send next time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<u64>,
    /// Whether more remains after this page.
    pub more: bool,
    /// The server's epoch changed (restored from a backup): forget server heads and cursor.
    #[serde(default)]
    pub reset: bool,
}

/// One document in a pull page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WireItem {
    /// Document id, 16 bytes.
    pub id: ByteBuf,
    /// `changes`, `snapshot` or `erased`.
    pub kind: String,
    /// The record type, when the server knows it (absent for `erased`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// Changes (for `changes`: byte strings, or packed changes when the
    /// device asked for them), one saved document (for `snapshot`), nothing
    /// for `erased`.
    #[serde(default)]
    pub data: Vec<ciborium::Value>,
}
