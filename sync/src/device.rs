//! A device's side of the protocol, without any network: what to send, and
//! what to do with the answer.
//!
//! Used by the device simulator, the tests and the benchmarks; the PWA follows
//! the same rules in TypeScript. Documents are kept saved (bytes), not loaded:
//! a device with 50,000 documents must not hold 50,000 Automerge documents in
//! memory. A request that got no answer is sent again unchanged (same batch
//! id) by [`Device::next_request`] until [`Device::handle_response`] gets one.
//!
//! Documents are kept saved without DEFLATE, as the server keeps them: saving
//! so costs a tenth of `save()`, and a simulated phone saves every document it
//! pulls. Changes are pushed in their uncompressed encoding; the request body
//! is gzipped as a whole by the transport.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{ActorId, AutoCommit, Automerge, Change, ChangeHash, ReadDoc};
use relais_schema::{DeviceId, DocumentId, RecordType};

use crate::pack::{self, UnpackError};
use crate::protocol::{BatchId, DocStatus, Epoch, ItemKind, Pull, PushDoc, SyncRequest, SyncResponse};

/// Bytes of changes a device puts in one request at most (more waits for the next).
pub const PUSH_BUDGET: usize = 2 << 20;

/// Why a device could not do what it was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// No such document on this device.
    #[error("document {0} is not on this device")]
    UnknownDocument(DocumentId),
    /// Automerge refused something.
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    /// The server answered something that does not fit the request.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// A packed change could not be rebuilt: the device no longer asks for
    /// them, and pulls the same page again as plain changes.
    #[error("document {doc}: {source}")]
    Packed {
        /// The document of the item.
        doc: DocumentId,
        /// What did not fit.
        source: UnpackError,
    },
}

#[derive(Debug, Clone)]
struct LocalDoc {
    doc_type: RecordType,
    /// The document saved without DEFLATE.
    saved: Vec<u8>,
    heads: Vec<ChangeHash>,
    /// Heads the server is known to have.
    acked: Vec<ChangeHash>,
    /// Changes exist that the server has not acknowledged (or must be checked).
    dirty: bool,
    /// The server refused this document; it is not pushed again.
    refused: Option<String>,
    /// Send only the heads: the server says whether it has them (after a
    /// restore on either side), instead of resending the whole history.
    check: bool,
}

/// The change of `doc` whose hash starts with `prefix`: usually a head (an
/// edit made on the document as everybody had it), else any change.
fn held_change(doc: &Automerge, prefix: &[u8]) -> Option<ChangeHash> {
    let found = doc.get_heads().into_iter().find(|h| h.0.starts_with(prefix));
    found.or_else(|| {
        doc.get_changes(&[])
            .iter()
            .map(|c| c.hash())
            .find(|h| h.0.starts_with(prefix))
    })
}

/// A simulated phone.
#[derive(Debug)]
pub struct Device {
    id: DeviceId,
    actor: ActorId,
    docs: BTreeMap<DocumentId, LocalDoc>,
    cursor: u64,
    snapshot: Option<u64>,
    epoch: Option<Epoch>,
    in_flight: Option<(SyncRequest, BTreeMap<DocumentId, Vec<ChangeHash>>)>,
    pull_more: bool,
    /// Ask for packed changes (turned off if an answer's could not be rebuilt).
    pack: bool,
    /// Documents the server told this device to delete.
    pub erased: BTreeSet<DocumentId>,
    /// Documents the server stored but could not project, with the reason.
    pub quarantined: BTreeMap<DocumentId, String>,
    /// Pulled documents whose type could not be read; not kept.
    pub unreadable: BTreeSet<DocumentId>,
}

impl Device {
    /// A new device with a fresh actor id (never reused: a reinstall is a new device).
    pub fn new(id: DeviceId) -> Self {
        Device {
            id,
            actor: ActorId::random(),
            docs: BTreeMap::new(),
            cursor: 0,
            snapshot: None,
            epoch: None,
            in_flight: None,
            pull_more: true,
            pack: true,
            erased: BTreeSet::new(),
            quarantined: BTreeMap::new(),
            unreadable: BTreeSet::new(),
        }
    }

    /// This device's id.
    pub fn id(&self) -> DeviceId {
        self.id
    }

    /// Whether this device asks for packed changes (it does unless told not
    /// to, or until one could not be rebuilt).
    pub fn packing(&self) -> bool {
        self.pack
    }

    /// Ask for packed changes, or for changes as they are stored.
    pub fn set_packing(&mut self, pack: bool) {
        self.pack = pack;
    }

    /// The pull cursor.
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// How many documents the device holds.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the device holds no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Ids of the documents held, in order.
    pub fn document_ids(&self) -> Vec<DocumentId> {
        self.docs.keys().copied().collect()
    }

    /// Ids of the documents of one type.
    pub fn documents_of(&self, doc_type: RecordType) -> Vec<DocumentId> {
        self.docs
            .iter()
            .filter(|(_, d)| d.doc_type == doc_type)
            .map(|(id, _)| *id)
            .collect()
    }

    /// A document's heads.
    pub fn heads(&self, id: DocumentId) -> Option<Vec<ChangeHash>> {
        self.docs.get(&id).map(|d| d.heads.clone())
    }

    /// Load a document (a copy).
    pub fn load(&self, id: DocumentId) -> Result<Automerge, DeviceError> {
        let local = self.docs.get(&id).ok_or(DeviceError::UnknownDocument(id))?;
        Ok(Automerge::load(&local.saved)?)
    }

    /// How many documents have changes the server has not acknowledged.
    pub fn pending(&self) -> usize {
        self.docs.values().filter(|d| d.dirty && d.refused.is_none()).count()
    }

    /// Whether the device is in its first sync: it has never received a page,
    /// or the server is still sending it the agency's documents (a
    /// transport may ask for larger pages then, see `docs/protocol.md`).
    pub fn in_first_sync(&self) -> bool {
        self.cursor == 0 || self.snapshot.is_some()
    }

    /// Whether the device has nothing to push and nothing known to pull.
    pub fn is_idle(&self) -> bool {
        self.in_flight.is_none() && self.pending() == 0 && !self.pull_more
    }

    /// Create a document with `write` and keep it as one change.
    pub fn create<F>(&mut self, doc_type: RecordType, write: F) -> Result<DocumentId, DeviceError>
    where
        F: FnOnce(&mut AutoCommit, DocumentId) -> Result<(), automerge::AutomergeError>,
    {
        let id = DocumentId::time_ordered();
        let mut doc = AutoCommit::new().with_actor(self.actor.clone());
        write(&mut doc, id)?;
        let heads = doc.get_heads();
        self.docs.insert(
            id,
            LocalDoc {
                doc_type,
                saved: doc.save_nocompress(),
                heads,
                acked: vec![],
                dirty: true,
                refused: None,
                check: false,
            },
        );
        Ok(id)
    }

    /// Edit a document with `write`; the edit is one change.
    pub fn edit<F>(&mut self, id: DocumentId, write: F) -> Result<(), DeviceError>
    where
        F: FnOnce(&mut AutoCommit) -> Result<(), automerge::AutomergeError>,
    {
        let local = self.docs.get_mut(&id).ok_or(DeviceError::UnknownDocument(id))?;
        let mut doc = AutoCommit::load(&local.saved)?.with_actor(self.actor.clone());
        write(&mut doc)?;
        local.heads = doc.get_heads();
        local.saved = doc.save_nocompress();
        local.dirty = true;
        Ok(())
    }

    /// The next request: the unanswered one again if there is one, otherwise
    /// the pending changes (within [`PUSH_BUDGET`]) and the pull position.
    pub fn next_request(&mut self, pull_budget: u64) -> Result<SyncRequest, DeviceError> {
        if let Some((request, _)) = &self.in_flight {
            return Ok(request.clone());
        }
        let mut push = Vec::new();
        let mut sent_heads = BTreeMap::new();
        let mut bytes = 0usize;
        for (id, local) in self.docs.iter().filter(|(_, d)| d.dirty && d.refused.is_none()) {
            if bytes >= PUSH_BUDGET {
                break;
            }
            let doc = Automerge::load(&local.saved)?;
            let known: Vec<ChangeHash> = local
                .acked
                .iter()
                .filter(|h| doc.get_change_by_hash(h).is_some())
                .copied()
                .collect();
            let changes: Vec<Change> = if local.check {
                Vec::new()
            } else {
                doc.get_changes(&known)
            };
            bytes += changes.iter().map(|c| c.raw_bytes().len()).sum::<usize>();
            sent_heads.insert(*id, local.heads.clone());
            push.push(PushDoc {
                id: *id,
                doc_type: local.doc_type,
                heads: local.heads.clone(),
                changes,
            });
        }
        let request = SyncRequest {
            device: self.id,
            batch: BatchId::random(),
            epoch: self.epoch,
            push,
            pull: Some(Pull {
                cursor: self.cursor,
                snapshot: self.snapshot,
                budget: pull_budget,
                pack: self.pack,
            }),
        };
        self.in_flight = Some((request.clone(), sent_heads));
        Ok(request)
    }

    /// Forget the unanswered request (as a device does after a restart that
    /// lost it): its changes are still pending and go in a new batch.
    pub fn abandon_request(&mut self) {
        self.in_flight = None;
    }

    /// Apply the server's answer to the request in flight.
    pub fn handle_response(&mut self, response: SyncResponse) -> Result<(), DeviceError> {
        let Some((_, sent_heads)) = self.in_flight.take() else {
            return Err(DeviceError::Protocol(
                "an answer arrived with no request in flight".into(),
            ));
        };
        for result in &response.results {
            let Some(local) = self.docs.get_mut(&result.id) else {
                continue;
            };
            match &result.status {
                DocStatus::Ok | DocStatus::Quarantined(_) => {
                    if let DocStatus::Quarantined(reason) = &result.status {
                        self.quarantined.insert(result.id, reason.clone());
                    } else {
                        self.quarantined.remove(&result.id);
                    }
                    // The server has every change up to what we sent.
                    if let Some(sent) = sent_heads.get(&result.id) {
                        local.acked = sent.clone();
                        local.dirty = local.heads != *sent;
                        local.check = false;
                    }
                }
                DocStatus::Need => {
                    local.acked = result.heads.clone();
                    local.dirty = true;
                    local.check = false;
                }
                DocStatus::Rejected(reason) => local.refused = Some(reason.clone()),
                DocStatus::Erased => {
                    self.docs.remove(&result.id);
                    self.erased.insert(result.id);
                }
            }
        }
        if self.epoch.is_some_and(|e| e != response.epoch) {
            // The server was restored from a backup: check every document again.
            self.recheck_all();
        }
        self.epoch = Some(response.epoch);
        if let Some(page) = response.pull {
            for item in page.items {
                let applied = self.apply_item(item.id, item.doc_type, item.kind);
                if let Err(DeviceError::Packed { .. }) = &applied {
                    // The cursor stays where it was: the next request pulls
                    // the same page again, as plain changes.
                    self.pack = false;
                    self.pull_more = true;
                }
                applied?;
            }
            self.cursor = page.cursor;
            self.snapshot = page.snapshot;
            self.pull_more = page.more;
        }
        Ok(())
    }

    fn apply_item(&mut self, id: DocumentId, item_type: Option<RecordType>, kind: ItemKind) -> Result<(), DeviceError> {
        if kind == ItemKind::Erased {
            self.docs.remove(&id);
            self.erased.insert(id);
            return Ok(());
        }
        let (mut doc, was_clean) = match self.docs.get(&id) {
            Some(local) => (Automerge::load(&local.saved)?, !local.dirty),
            None => (Automerge::new(), true),
        };
        let data = match kind {
            ItemKind::Changes(changes) => changes,
            ItemKind::Snapshot(bytes) => vec![bytes],
            // Rebuilt against the local copy, which holds their dependencies.
            ItemKind::Packed(values) => {
                let known = |prefix: &[u8]| held_change(&doc, prefix);
                pack::unpack_item(&values, &known).map_err(|source| DeviceError::Packed { doc: id, source })?
            }
            ItemKind::Erased => Vec::new(),
        };
        for chunk in &data {
            doc.load_incremental(chunk)?;
        }
        let doc_type = match (self.docs.get(&id), item_type) {
            (Some(local), _) => local.doc_type,
            (None, Some(t)) => t,
            (None, None) => match relais_schema::common::record_type(&doc) {
                Ok(t) => t,
                Err(_) => {
                    // A document no type can be read from (quarantined on the
                    // server) is left aside rather than stopping the feed.
                    self.unreadable.insert(id);
                    return Ok(());
                }
            },
        };
        let heads = doc.get_heads();
        let entry = self.docs.entry(id).or_insert_with(|| LocalDoc {
            doc_type,
            saved: vec![],
            heads: vec![],
            acked: vec![],
            dirty: false,
            refused: None,
            check: false,
        });
        entry.saved = doc.save_nocompress();
        if was_clean && doc.get_missing_deps(&[]).is_empty() {
            entry.acked = heads.clone();
        }
        entry.heads = heads;
        Ok(())
    }

    /// Mark every document as needing a check with the server (as after a
    /// restore from an old backup of the phone).
    pub fn recheck_all(&mut self) {
        for local in self.docs.values_mut() {
            local.acked.clear();
            local.dirty = true;
            local.check = true;
        }
    }

    /// Delete every local document and forget the server (a revoked device).
    pub fn wipe(&mut self) {
        self.docs.clear();
        self.in_flight = None;
        self.cursor = 0;
        self.snapshot = None;
        self.epoch = None;
        self.pull_more = true;
    }

    /// Pretend the device never synced: cursor and acknowledgements forgotten.
    pub fn forget_server(&mut self) {
        self.cursor = 0;
        self.snapshot = None;
        self.pull_more = true;
        self.recheck_all();
    }
}
