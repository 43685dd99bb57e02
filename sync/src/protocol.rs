//! The sync protocol, parsed: typed requests and answers, and their encoding.
//!
//! A device sends one [`SyncRequest`] per round trip: the changes it made to
//! many documents (`push`) and the cursor of the server's change log up to
//! which it has everything (`pull`). The server answers one [`SyncResponse`]:
//! a status per pushed document, committed before the answer is sent, and the
//! page of the feed the device lacks. See `docs/protocol.md`.
//!
//! ```
//! use relais_sync::protocol::{self, SyncRequest, Pull};
//! use relais_schema::DeviceId;
//!
//! let request = SyncRequest {
//!     device: DeviceId::random(),
//!     batch: protocol::BatchId::random(),
//!     epoch: None,
//!     push: vec![],
//!     pull: Some(Pull { cursor: 0, snapshot: None, budget: 1 << 20, pack: true }),
//! };
//! let bytes = protocol::encode_request(&request);
//! let back = protocol::decode_request(&bytes).expect("what we encode decodes");
//! assert_eq!(back.device, request.device);
//! ```

use automerge::{Change, ChangeHash};
use ciborium::Value;
use relais_schema::{DeviceId, DocumentId, RecordType};
use serde_bytes::ByteBuf;

use crate::wire::{WireDocResult, WireItem, WirePage, WirePull, WirePushDoc, WireRequest, WireResponse};

/// The protocol version this code speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The version of packed changes this code reads and writes (`pull.pack`).
pub const PACK_VERSION: u64 = 1;

/// The largest pull budget the server honours, in bytes.
pub const MAX_PULL_BUDGET: u64 = 8 << 20;
/// The smallest pull budget the server honours, in bytes.
pub const MIN_PULL_BUDGET: u64 = 4 << 10;

/// Why a request body could not be read. Each maps to a 4xx answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The body is not a CBOR message of the expected shape.
    #[error("the body is not a valid sync message: {0}")]
    Malformed(String),
    /// A protocol version this server does not speak.
    #[error("protocol version {0} is not supported (this server speaks version 1)")]
    UnsupportedVersion(u32),
    /// A field holds a value of the wrong size or form.
    #[error("{field}: {problem}")]
    InvalidField {
        /// Which field, e.g. `push[3].id`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A pushed change is not an Automerge change.
    #[error("push[{doc}].changes[{change}] is not an Automerge change: {reason}")]
    InvalidChange {
        /// Index of the document in `push`.
        doc: usize,
        /// Index of the change in that document's `changes`.
        change: usize,
        /// What Automerge said.
        reason: String,
    },
    /// A pushed document has a type this server does not know.
    #[error("push[{doc}].type: {source}")]
    UnknownType {
        /// Index of the document in `push`.
        doc: usize,
        /// The unknown type.
        source: relais_schema::UnknownRecordType,
    },
    /// The same document appears twice in one push.
    #[error("push[{0}].id: the document appears twice in this batch")]
    DuplicateDocument(usize),
}

/// A batch id: the device's name for one push, reused when it retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchId([u8; 16]);

impl BatchId {
    /// A fresh random batch id.
    pub fn random() -> Self {
        Self(*uuid::Uuid::new_v4().as_bytes())
    }

    /// The 16 bytes of the id.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Hexadecimal form, for storage.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// The server's epoch: changes when the database is restored from a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Epoch([u8; 16]);

impl Epoch {
    /// A fresh random epoch.
    pub fn random() -> Self {
        Self(*uuid::Uuid::new_v4().as_bytes())
    }

    /// The epoch from its 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 bytes of the epoch.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Hexadecimal form, for storage.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parse the hexadecimal form.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}

/// One document in a push.
#[derive(Debug, Clone)]
pub struct PushDoc {
    /// The document.
    pub id: DocumentId,
    /// Its record type.
    pub doc_type: RecordType,
    /// The device's heads once `changes` are applied.
    pub heads: Vec<ChangeHash>,
    /// The changes, parsed.
    pub changes: Vec<Change>,
}

/// Where a device's pull stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pull {
    /// Last change-log sequence number applied (0: none yet).
    pub cursor: u64,
    /// During a first sync, the snapshot position to resume from.
    pub snapshot: Option<u64>,
    /// Bytes of document data wanted at most.
    pub budget: u64,
    /// The device reads packed changes ([`crate::pack`]).
    pub pack: bool,
}

/// A parsed sync request.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    /// The device that sends it (must match its token).
    pub device: DeviceId,
    /// This push's id.
    pub batch: BatchId,
    /// The epoch the device last saw.
    pub epoch: Option<Epoch>,
    /// Documents with changes.
    pub push: Vec<PushDoc>,
    /// The pull position, if the device wants to pull.
    pub pull: Option<Pull>,
}

/// The outcome for one pushed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocStatus {
    /// Stored (or already there) and projected; `heads` are the server's.
    Ok,
    /// The server lacks dependencies: nothing was stored; resend from `heads`.
    Need,
    /// Stored, but the document fails validation and is not projected.
    Quarantined(String),
    /// Not stored: the push contradicts what the server holds (e.g. another type).
    Rejected(String),
    /// The document was erased; nothing was stored, and the device must delete it.
    Erased,
}

impl DocStatus {
    /// The status name on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Need => "need",
            DocStatus::Quarantined(_) => "quarantined",
            DocStatus::Rejected(_) => "rejected",
            DocStatus::Erased => "erased",
        }
    }
}

/// The answer for one pushed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocResult {
    /// The document.
    pub id: DocumentId,
    /// What happened.
    pub status: DocStatus,
    /// The server's heads for the document.
    pub heads: Vec<ChangeHash>,
}

/// What one pull item carries.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// Automerge changes, in an order the device can apply.
    Changes(Vec<Vec<u8>>),
    /// Automerge changes of which some travelled packed ([`crate::pack`]):
    /// rebuilt against the device's copy of the document, which holds the
    /// changes they depend on outside the item.
    Packed(Vec<Value>),
    /// A saved document, to merge into the local copy (or load when new).
    Snapshot(Vec<u8>),
    /// The document was erased: delete the local copy.
    Erased,
}

/// One document in a pull page.
#[derive(Debug, Clone, PartialEq)]
pub struct PullItem {
    /// The document.
    pub id: DocumentId,
    /// Its record type (absent for an erased document).
    pub doc_type: Option<RecordType>,
    /// Its data.
    pub kind: ItemKind,
}

impl PullItem {
    /// Bytes of document data this item carries.
    pub fn data_len(&self) -> usize {
        match &self.kind {
            ItemKind::Changes(changes) => changes.iter().map(Vec::len).sum(),
            ItemKind::Packed(values) => values
                .iter()
                .map(|v| match v {
                    Value::Bytes(b) => b.len(),
                    // Not counted by the server's budget (it counts the plain bytes).
                    _ => 0,
                })
                .sum(),
            ItemKind::Snapshot(bytes) => bytes.len(),
            ItemKind::Erased => 0,
        }
    }
}

/// One page of the pull feed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PullPage {
    /// Documents to apply.
    pub items: Vec<PullItem>,
    /// The cursor to send next.
    pub cursor: u64,
    /// The snapshot position to send next, during a first sync.
    pub snapshot: Option<u64>,
    /// Whether more remains.
    pub more: bool,
    /// The epoch changed: the device must re-check every document and pull from here.
    pub reset: bool,
    /// Changes may travel packed ([`crate::pack`]): the device asked for it.
    pub packed: bool,
}

/// A parsed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncResponse {
    /// The server's epoch.
    pub epoch: Epoch,
    /// One per pushed document, in push order.
    pub results: Vec<DocResult>,
    /// The pull page, when asked for.
    pub pull: Option<PullPage>,
}

fn fixed<const N: usize>(field: impl Fn() -> String, bytes: &[u8]) -> Result<[u8; N], ProtocolError> {
    bytes.try_into().map_err(|_| ProtocolError::InvalidField {
        field: field(),
        problem: format!("expected {N} bytes, got {}", bytes.len()),
    })
}

fn hashes(field: impl Fn(usize) -> String, list: &[ByteBuf]) -> Result<Vec<ChangeHash>, ProtocolError> {
    list.iter()
        .enumerate()
        .map(|(i, bytes)| fixed::<32>(|| field(i), bytes).map(ChangeHash))
        .collect()
}

fn bufs(hashes: &[ChangeHash]) -> Vec<ByteBuf> {
    hashes.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect()
}

/// Decode and parse a request body (already decompressed).
pub fn decode_request(body: &[u8]) -> Result<SyncRequest, ProtocolError> {
    let wire: WireRequest = ciborium::from_reader(body).map_err(|e| ProtocolError::Malformed(short(&e.to_string())))?;
    if wire.v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnsupportedVersion(wire.v));
    }
    let device = DeviceId::from_bytes(fixed::<16>(|| "device".into(), &wire.device)?);
    let batch = BatchId(fixed::<16>(|| "batch".into(), &wire.batch)?);
    let epoch = match &wire.epoch {
        Some(bytes) => Some(Epoch(fixed::<16>(|| "epoch".into(), bytes)?)),
        None => None,
    };
    let mut push = Vec::with_capacity(wire.push.len());
    let mut seen = std::collections::HashSet::new();
    for (i, doc) in wire.push.into_iter().enumerate() {
        push.push(parse_push_doc(i, doc)?);
        if !seen.insert(push[i].id) {
            return Err(ProtocolError::DuplicateDocument(i));
        }
    }
    let pull = wire.pull.map(|p| Pull {
        cursor: p.cursor,
        snapshot: p.snapshot,
        budget: p.budget,
        // Another packing version (from a newer device) gets plain changes.
        pack: p.pack == Some(PACK_VERSION),
    });
    Ok(SyncRequest {
        device,
        batch,
        epoch,
        push,
        pull,
    })
}

fn parse_push_doc(i: usize, doc: WirePushDoc) -> Result<PushDoc, ProtocolError> {
    let id = DocumentId::from_bytes(fixed::<16>(|| format!("push[{i}].id"), &doc.id)?);
    let doc_type = doc
        .doc_type
        .parse::<RecordType>()
        .map_err(|source| ProtocolError::UnknownType { doc: i, source })?;
    let heads = hashes(|j| format!("push[{i}].heads[{j}]"), &doc.heads)?;
    let mut changes = Vec::with_capacity(doc.changes.len());
    for (j, bytes) in doc.changes.into_iter().enumerate() {
        let change = Change::try_from(&bytes[..]).map_err(|e| ProtocolError::InvalidChange {
            doc: i,
            change: j,
            reason: short(&e.to_string()),
        })?;
        changes.push(change);
    }
    Ok(PushDoc {
        id,
        doc_type,
        heads,
        changes,
    })
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Encode a request.
pub fn encode_request(request: &SyncRequest) -> Vec<u8> {
    let wire = WireRequest {
        v: PROTOCOL_VERSION,
        device: ByteBuf::from(request.device.as_bytes().to_vec()),
        batch: ByteBuf::from(request.batch.0.to_vec()),
        epoch: request.epoch.map(|e| ByteBuf::from(e.0.to_vec())),
        push: request
            .push
            .iter()
            .map(|doc| WirePushDoc {
                id: ByteBuf::from(doc.id.as_bytes().to_vec()),
                doc_type: doc.doc_type.as_str().to_string(),
                heads: bufs(&doc.heads),
                changes: doc
                    .changes
                    .iter()
                    .map(|c| ByteBuf::from(c.raw_bytes().to_vec()))
                    .collect(),
            })
            .collect(),
        pull: request.pull.map(|p| WirePull {
            cursor: p.cursor,
            snapshot: p.snapshot,
            budget: p.budget,
            pack: p.pack.then_some(PACK_VERSION),
        }),
    };
    to_cbor(&wire)
}

fn to_cbor<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and our types always serialise.
    if let Err(e) = ciborium::into_writer(value, &mut out) {
        unreachable!("encoding a sync message into memory failed: {e}");
    }
    out
}

/// Encode an answer.
pub fn encode_response(response: &SyncResponse) -> Vec<u8> {
    to_cbor(&to_wire_response(response))
}

fn to_wire_response(response: &SyncResponse) -> WireResponse {
    WireResponse {
        v: PROTOCOL_VERSION,
        epoch: ByteBuf::from(response.epoch.0.to_vec()),
        results: response.results.iter().map(to_wire_result).collect(),
        pull: response.pull.as_ref().map(|page| WirePage {
            items: page
                .items
                .iter()
                .map(|item| {
                    let (kind, data) = match &item.kind {
                        ItemKind::Changes(changes) if page.packed => ("changes", crate::pack::pack_item(changes)),
                        ItemKind::Changes(changes) => {
                            ("changes", changes.iter().map(|c| Value::Bytes(c.clone())).collect())
                        }
                        ItemKind::Packed(values) => ("changes", values.clone()),
                        ItemKind::Snapshot(bytes) => ("snapshot", vec![Value::Bytes(bytes.clone())]),
                        ItemKind::Erased => ("erased", vec![]),
                    };
                    WireItem {
                        id: ByteBuf::from(item.id.as_bytes().to_vec()),
                        kind: kind.to_string(),
                        doc_type: item.doc_type.map(|t| t.as_str().to_string()),
                        data,
                    }
                })
                .collect(),
            cursor: page.cursor,
            snapshot: page.snapshot,
            more: page.more,
            reset: page.reset,
        }),
    }
}

fn to_wire_result(result: &DocResult) -> WireDocResult {
    let reason = match &result.status {
        DocStatus::Quarantined(r) | DocStatus::Rejected(r) => Some(r.clone()),
        _ => None,
    };
    WireDocResult {
        id: ByteBuf::from(result.id.as_bytes().to_vec()),
        status: result.status.as_str().to_string(),
        heads: bufs(&result.heads),
        reason,
    }
}

/// Encode the per-document results alone (stored to answer a retried batch).
pub fn encode_results(results: &[DocResult]) -> Vec<u8> {
    to_cbor(&results.iter().map(to_wire_result).collect::<Vec<_>>())
}

/// Decode results stored by [`encode_results`].
pub fn decode_results(bytes: &[u8]) -> Result<Vec<DocResult>, ProtocolError> {
    let wire: Vec<WireDocResult> =
        ciborium::from_reader(bytes).map_err(|e| ProtocolError::Malformed(short(&e.to_string())))?;
    wire.into_iter().enumerate().map(|(i, r)| parse_result(i, r)).collect()
}

fn parse_result(i: usize, r: WireDocResult) -> Result<DocResult, ProtocolError> {
    let id = DocumentId::from_bytes(fixed::<16>(|| format!("results[{i}].id"), &r.id)?);
    let heads = hashes(|j| format!("results[{i}].heads[{j}]"), &r.heads)?;
    let reason = r.reason.unwrap_or_default();
    let status = match r.status.as_str() {
        "ok" => DocStatus::Ok,
        "need" => DocStatus::Need,
        "quarantined" => DocStatus::Quarantined(reason),
        "rejected" => DocStatus::Rejected(reason),
        "erased" => DocStatus::Erased,
        other => {
            return Err(ProtocolError::InvalidField {
                field: format!("results[{i}].status"),
                problem: format!("unknown status {other:?}"),
            })
        }
    };
    Ok(DocResult { id, status, heads })
}

/// Decode an answer (used by device clients).
pub fn decode_response(body: &[u8]) -> Result<SyncResponse, ProtocolError> {
    let wire: WireResponse =
        ciborium::from_reader(body).map_err(|e| ProtocolError::Malformed(short(&e.to_string())))?;
    if wire.v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnsupportedVersion(wire.v));
    }
    let epoch = Epoch(fixed::<16>(|| "epoch".into(), &wire.epoch)?);
    let results = wire
        .results
        .into_iter()
        .enumerate()
        .map(|(i, r)| parse_result(i, r))
        .collect::<Result<Vec<_>, _>>()?;
    let pull = match wire.pull {
        None => None,
        Some(page) => {
            let mut items = Vec::with_capacity(page.items.len());
            for (i, item) in page.items.into_iter().enumerate() {
                let id = DocumentId::from_bytes(fixed::<16>(|| format!("pull.items[{i}].id"), &item.id)?);
                let kind = match item.kind.as_str() {
                    "changes" if item.data.iter().any(|v| matches!(v, Value::Array(_))) => ItemKind::Packed(item.data),
                    "changes" => ItemKind::Changes(
                        item.data
                            .into_iter()
                            .enumerate()
                            .map(|(j, v)| match v {
                                Value::Bytes(bytes) => Ok(bytes),
                                _ => Err(ProtocolError::InvalidField {
                                    field: format!("pull.items[{i}].data[{j}]"),
                                    problem: "neither a change nor a packed change".into(),
                                }),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    "snapshot" => match item.data.into_iter().next() {
                        Some(Value::Bytes(bytes)) => ItemKind::Snapshot(bytes),
                        _ => {
                            return Err(ProtocolError::InvalidField {
                                field: format!("pull.items[{i}].data"),
                                problem: "a snapshot item carries no saved document".into(),
                            })
                        }
                    },
                    "erased" => ItemKind::Erased,
                    other => {
                        return Err(ProtocolError::InvalidField {
                            field: format!("pull.items[{i}].kind"),
                            problem: format!("unknown kind {other:?}"),
                        })
                    }
                };
                // An unknown type (from a newer server) is left for the device to read in the document.
                let doc_type = item.doc_type.and_then(|t| t.parse().ok());
                items.push(PullItem { id, doc_type, kind });
            }
            Some(PullPage {
                items,
                cursor: page.cursor,
                snapshot: page.snapshot,
                more: page.more,
                reset: page.reset,
                packed: false,
            })
        }
    };
    Ok(SyncResponse { epoch, results, pull })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_bytes_are_a_malformed_message_not_a_panic() {
        let err = decode_request(b"\xff\x00garbage").expect_err("garbage is refused");
        assert!(matches!(err, ProtocolError::Malformed(_)), "{err:?}");
    }

    #[test]
    fn an_unknown_protocol_version_is_named() {
        let wire = WireRequest {
            v: 9,
            device: ByteBuf::from(vec![0; 16]),
            batch: ByteBuf::from(vec![0; 16]),
            ..Default::default()
        };
        let err = decode_request(&to_cbor(&wire)).expect_err("version 9 is refused");
        assert_eq!(err, ProtocolError::UnsupportedVersion(9));
    }

    #[test]
    fn a_change_that_is_not_automerge_is_refused_with_its_position() {
        let wire = WireRequest {
            v: 1,
            device: ByteBuf::from(vec![1; 16]),
            batch: ByteBuf::from(vec![2; 16]),
            push: vec![WirePushDoc {
                id: ByteBuf::from(vec![3; 16]),
                doc_type: "contact".into(),
                heads: vec![],
                changes: vec![ByteBuf::from(b"not a change".to_vec())],
            }],
            ..Default::default()
        };
        let err = decode_request(&to_cbor(&wire)).expect_err("not a change");
        assert!(
            matches!(err, ProtocolError::InvalidChange { doc: 0, change: 0, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn an_unknown_record_type_is_refused() {
        let wire = WireRequest {
            v: 1,
            device: ByteBuf::from(vec![1; 16]),
            batch: ByteBuf::from(vec![2; 16]),
            push: vec![WirePushDoc {
                id: ByteBuf::from(vec![3; 16]),
                doc_type: "invoice".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let err = decode_request(&to_cbor(&wire)).expect_err("unknown type");
        assert!(matches!(err, ProtocolError::UnknownType { doc: 0, .. }), "{err:?}");
    }

    #[test]
    fn a_response_round_trips_with_its_changes_plain_or_packed() {
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "city", "Lyon").expect("put");
        let change = doc.get_last_local_change().expect("a change").raw_bytes().to_vec();
        for packed in [false, true] {
            let response = SyncResponse {
                epoch: Epoch::random(),
                results: vec![DocResult {
                    id: DocumentId::random(),
                    status: DocStatus::Quarantined("x: bad".into()),
                    heads: vec![ChangeHash([7; 32])],
                }],
                pull: Some(PullPage {
                    items: vec![
                        PullItem {
                            id: DocumentId::random(),
                            doc_type: Some(RecordType::Session),
                            // Not a change: travels as its bytes even in a packed page.
                            kind: ItemKind::Changes(vec![change.clone(), vec![1, 2, 3]]),
                        },
                        PullItem {
                            id: DocumentId::random(),
                            doc_type: None,
                            kind: ItemKind::Erased,
                        },
                    ],
                    cursor: 42,
                    snapshot: Some(7),
                    more: true,
                    reset: false,
                    packed,
                }),
            };
            let mut back = decode_response(&encode_response(&response)).expect("round trip");
            if let Some(page) = back.pull.as_mut() {
                let kind = &mut page.items[0].kind;
                assert_eq!(matches!(kind, ItemKind::Packed(_)), packed);
                if let ItemKind::Packed(values) = kind {
                    *kind = ItemKind::Changes(crate::pack::unpack_item(values, &|_| None).expect("rebuilt"));
                }
            }
            let mut expected = response;
            if let Some(page) = expected.pull.as_mut() {
                page.packed = false; // how the page travelled is not part of it
            }
            assert_eq!(back, expected);
        }
    }
}
