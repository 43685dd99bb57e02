//! Applying a device's push: one transaction for the whole batch.
//!
//! For each document: skip the changes the server has, apply the rest to the
//! stored document, and if every dependency is present, append the new changes
//! to the log (each gets the next cursor value), save the document, rebuild its
//! projection, and compact it when its log outweighs its snapshot. If a
//! dependency is missing, nothing of that document is stored and the answer is
//! `need` with the server's heads. The answer is stored with the batch id, so a
//! retry gets it back unchanged; the caller answers only after the commit.
//!
//! The Automerge work ([`crate::merge`]) is usually done before the batch
//! reaches the writer thread ([`crate::prepare`]); here each prepared document
//! is used only if the stored document still has the heads it was prepared
//! from, and merged again on the writer otherwise, so the result is the one
//! the serial path gives.

use std::collections::HashSet;

use automerge::{Automerge, ChangeHash};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use crate::deferred;
use crate::device_auth::DeviceAuth;
use crate::error::StoreError;
use crate::merge::{merge_push, Base, Merged, Update};
use crate::prepare::{PreparedDoc, PreparedPush};
use crate::projection;
use crate::protocol::{decode_results, encode_results, BatchId, DocResult, DocStatus, PushDoc};
use relais_schema::{AgencyId, DocumentId, RecordType};

/// A document is compacted once it has at least this many logged changes…
pub const COMPACT_MIN_CHANGES: i64 = 16;
/// …and they weigh more than this many times its snapshot.
pub const COMPACT_RATIO: i64 = 2;

/// How many answered batches are kept per device for retries.
const KEPT_BATCHES: i64 = 64;

/// Apply one push from `who` atomically and return the per-document results.
///
/// A document of another agency fails the whole batch with
/// [`StoreError::ForeignDocument`] before anything is written.
pub fn apply_batch(
    conn: &mut Connection,
    who: &DeviceAuth,
    batch: BatchId,
    push: &[PushDoc],
    now: &str,
) -> Result<Vec<DocResult>, StoreError> {
    apply_prepared_batch(conn, who, batch, push, PreparedPush::none(), now)
}

/// [`apply_batch`] with documents merged beforehand by
/// [`crate::prepare::prepare_push`]; each is checked against the stored heads.
pub fn apply_prepared_batch(
    conn: &mut Connection,
    who: &DeviceAuth,
    batch: BatchId,
    push: &[PushDoc],
    mut prepared: PreparedPush,
    now: &str,
) -> Result<Vec<DocResult>, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let fingerprint = push_fingerprint(push);
    if let Some((stored, stored_fingerprint)) = stored_answer(&tx, who, batch)? {
        if stored_fingerprint != fingerprint {
            return Err(StoreError::BatchReused);
        }
        return Ok(stored);
    }
    for doc in push {
        check_agency(&tx, who.agency, doc.id)?;
    }
    let mut writer = DocWriter {
        tx: &tx,
        who,
        now,
        device: who.device.to_string(),
        user: who.user.to_string(),
        agency: who.agency.to_string(),
        known_actors: HashSet::new(),
    };
    let mut results = Vec::with_capacity(push.len());
    let mut sent = 0i64;
    deferred::defer(&tx)?;
    for (index, doc) in push.iter().enumerate() {
        let (result, stored) = writer.apply_document(doc, prepared.take(index))?;
        sent += stored;
        results.push(result);
    }
    deferred::catch_up(&tx)?;
    tx.prepare_cached("INSERT INTO batches (device_id, batch_id, answer, at, push_hash) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![
            who.device.to_string(),
            batch.to_hex(),
            encode_results(&results),
            now,
            fingerprint
        ])?;
    tx.prepare_cached(
        "DELETE FROM batches WHERE device_id = ?1 AND rowid NOT IN
           (SELECT rowid FROM batches WHERE device_id = ?1 ORDER BY rowid DESC LIMIT ?2)",
    )?
    .execute(params![who.device.to_string(), KEPT_BATCHES])?;
    tx.prepare_cached("UPDATE devices SET last_sync_at = ?2, last_changes = ?3 WHERE id = ?1")?
        .execute(params![who.device.to_string(), now, sent])?;
    tx.commit()?;
    Ok(results)
}

/// What a push contains, so that a reused batch id with other content is caught.
fn push_fingerprint(push: &[PushDoc]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for doc in push {
        hasher.update(doc.id.as_bytes());
        hasher.update(doc.doc_type.as_str());
        hasher.update((doc.heads.len() as u64).to_le_bytes());
        for head in &doc.heads {
            hasher.update(head.0);
        }
        hasher.update((doc.changes.len() as u64).to_le_bytes());
        for change in &doc.changes {
            hasher.update(change.hash().0);
        }
    }
    hasher.finalize().to_vec()
}

/// A stored batch answer and the fingerprint of the push it answered.
type StoredAnswer = (Vec<DocResult>, Vec<u8>);

fn stored_answer(tx: &Transaction, who: &DeviceAuth, batch: BatchId) -> Result<Option<StoredAnswer>, StoreError> {
    let row: Option<(Vec<u8>, Vec<u8>)> = tx
        .prepare_cached("SELECT answer, push_hash FROM batches WHERE device_id = ?1 AND batch_id = ?2")?
        .query_row(params![who.device.to_string(), batch.to_hex()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match row {
        None => Ok(None),
        Some((bytes, fingerprint)) => decode_results(&bytes)
            .map(|results| Some((results, fingerprint)))
            .map_err(|e| StoreError::Inconsistent(format!("stored batch answer: {e}"))),
    }
}

fn check_agency(tx: &Transaction, agency: AgencyId, id: DocumentId) -> Result<(), StoreError> {
    let owner: Option<String> = tx
        .prepare_cached("SELECT agency_id FROM documents WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    let owner = match owner {
        Some(owner) => Some(owner),
        None => tx
            .prepare_cached("SELECT agency_id FROM erased WHERE doc_id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?,
    };
    match owner {
        Some(owner) if owner != agency.to_string() => Err(StoreError::ForeignDocument(id)),
        _ => Ok(()),
    }
}

/// A stored document's row.
struct StoredDoc {
    doc_type: String,
    snapshot: Vec<u8>,
    heads: Vec<u8>,
    log_bytes: i64,
    log_changes: i64,
}

impl StoredDoc {
    fn base(&self) -> Base<'_> {
        Base {
            doc_type: &self.doc_type,
            snapshot: &self.snapshot,
        }
    }
}

/// Load a stored document's row, if any.
fn load_row(tx: &Transaction, id: DocumentId) -> Result<Option<StoredDoc>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT doc_type, snapshot, heads, log_bytes, log_changes FROM documents WHERE id = ?1")?
        .query_row([id.to_string()], |r| {
            Ok(StoredDoc {
                doc_type: r.get(0)?,
                snapshot: r.get(1)?,
                heads: r.get(2)?,
                log_bytes: r.get(3)?,
                log_changes: r.get(4)?,
            })
        })
        .optional()?)
}

/// A stored document's heads and log size, without its snapshot.
struct StoredState {
    heads: Vec<u8>,
    log_bytes: i64,
    log_changes: i64,
}

fn load_state(tx: &Transaction, id: DocumentId) -> Result<Option<StoredState>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT heads, log_bytes, log_changes FROM documents WHERE id = ?1")?
        .query_row([id.to_string()], |r| {
            Ok(StoredState {
                heads: r.get(0)?,
                log_bytes: r.get(1)?,
                log_changes: r.get(2)?,
            })
        })
        .optional()?)
}

/// Load a saved document.
pub fn load_document(id: DocumentId, bytes: &[u8]) -> Result<Automerge, StoreError> {
    Automerge::load(bytes).map_err(|e| StoreError::CorruptDocument {
        id,
        reason: e.to_string(),
    })
}

/// Concatenated change hashes, as stored in `documents.heads`.
pub fn heads_to_blob(heads: &[ChangeHash]) -> Vec<u8> {
    heads.iter().flat_map(|h| h.0).collect()
}

/// The inverse of [`heads_to_blob`].
pub fn heads_from_blob(blob: &[u8]) -> Vec<ChangeHash> {
    blob.chunks_exact(32)
        .filter_map(|c| <[u8; 32]>::try_from(c).ok().map(ChangeHash))
        .collect()
}

fn is_erased(tx: &Transaction, id: DocumentId) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM erased WHERE doc_id = ?1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Writes the documents of one batch inside its transaction.
struct DocWriter<'t> {
    tx: &'t Transaction<'t>,
    who: &'t DeviceAuth,
    now: &'t str,
    device: String,
    user: String,
    agency: String,
    /// Actors already recorded in this batch.
    known_actors: HashSet<Vec<u8>>,
}

impl DocWriter<'_> {
    /// Apply one document's changes; returns its result and how many changes were stored.
    fn apply_document(
        &mut self,
        push: &PushDoc,
        prepared: Option<PreparedDoc>,
    ) -> Result<(DocResult, i64), StoreError> {
        let answer = |status, heads| DocResult {
            id: push.id,
            status,
            heads,
        };
        if is_erased(self.tx, push.id)? {
            return Ok((answer(DocStatus::Erased, vec![]), 0));
        }
        // Use the prepared merge if the document is still what it was
        // prepared from; otherwise merge again here, from the stored row.
        let (merged, stored) = match prepared {
            Some(prepared) => {
                let state = load_state(self.tx, push.id)?;
                if prepared.base_heads() == state.as_ref().map(|s| s.heads.as_slice()) {
                    (prepared.into_merged(), state)
                } else {
                    self.merge_stored(push)?
                }
            }
            None => self.merge_stored(push)?,
        };
        match merged {
            Merged::Answer(status, heads) => Ok((answer(status, heads), 0)),
            Merged::Update(update) => {
                let count = update.changes.len() as i64;
                let (status, heads) = self.store_update(push, update, stored)?;
                Ok((answer(status, heads), count))
            }
        }
    }

    /// Merge `push` into the document as stored now.
    fn merge_stored(&self, push: &PushDoc) -> Result<(Merged, Option<StoredState>), StoreError> {
        let row = load_row(self.tx, push.id)?;
        let merged = merge_push(row.as_ref().map(StoredDoc::base), push, self.who.agency)?;
        let state = row.map(|row| StoredState {
            heads: row.heads,
            log_bytes: row.log_bytes,
            log_changes: row.log_changes,
        });
        Ok((merged, state))
    }

    /// Log the new changes, save the document, rebuild its projection and
    /// compact it if due. `stored` is the document's row before (none: new).
    fn store_update(
        &mut self,
        push: &PushDoc,
        update: Update,
        stored: Option<StoredState>,
    ) -> Result<(DocStatus, Vec<ChangeHash>), StoreError> {
        let tx = self.tx;
        let doc_id = push.id.to_string();
        let mut added_bytes = 0i64;
        {
            let mut insert_log = tx.prepare_cached(
                "INSERT INTO log (doc_id, agency_id, kind, hash, actor, data, device_id, user_id, at)
                 VALUES (?1, ?2, 'change', ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut insert_actor =
                tx.prepare_cached("INSERT OR IGNORE INTO actors (actor, device_id, user_id) VALUES (?1, ?2, ?3)")?;
            for change in &update.changes {
                added_bytes += change.bytes.len() as i64;
                insert_log.execute(params![
                    doc_id,
                    self.agency,
                    change.hash.0.as_slice(),
                    change.actor,
                    change.bytes,
                    self.device,
                    self.user,
                    self.now,
                ])?;
                if !self.known_actors.contains(&change.actor) {
                    insert_actor.execute(params![change.actor, self.device, self.user])?;
                    self.known_actors.insert(change.actor.clone());
                }
            }
        }
        let added_changes = update.changes.len() as i64;
        let (log_bytes, log_changes) = match &stored {
            Some(row) => (row.log_bytes + added_bytes, row.log_changes + added_changes),
            None => (added_bytes, added_changes),
        };
        // A document without a row has no projected rows to delete.
        if stored.is_some() {
            projection::delete_projection(tx, push.id)?;
        }
        let quarantine = projection::write_projection(tx, push.id, self.who.agency, &update.projection)?;
        tx.prepare_cached(
            "INSERT INTO documents (id, agency_id, doc_type, snapshot, heads, log_bytes, log_changes,
                                    created_at, updated_at, quarantine)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, heads = excluded.heads,
                log_bytes = excluded.log_bytes, log_changes = excluded.log_changes,
                updated_at = excluded.updated_at, quarantine = excluded.quarantine",
        )?
        .execute(params![
            doc_id,
            self.agency,
            push.doc_type.as_str(),
            &update.snapshot,
            heads_to_blob(&update.heads),
            log_bytes,
            log_changes,
            self.now,
            quarantine,
        ])?;
        if log_changes >= COMPACT_MIN_CHANGES && log_bytes > COMPACT_RATIO * update.snapshot.len() as i64 {
            compact(tx, push.id, self.who.agency, &update.snapshot, self.now)?;
        }
        let status = match quarantine {
            Some(reason) => DocStatus::Quarantined(reason),
            None => DocStatus::Ok,
        };
        Ok((status, update.heads))
    }
}

/// Replace a document's log rows by one snapshot row at the end of the log.
///
/// Devices whose cursor is before the new row receive the snapshot, which
/// holds every change the dropped rows held; devices after it have them all.
pub fn compact(
    tx: &Transaction,
    id: DocumentId,
    agency: AgencyId,
    snapshot: &[u8],
    now: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM log WHERE doc_id = ?1")?
        .execute([id.to_string()])?;
    tx.prepare_cached("INSERT INTO log (doc_id, agency_id, kind, data, at) VALUES (?1, ?2, 'snapshot', ?3, ?4)")?
        .execute(params![id.to_string(), agency.to_string(), snapshot, now])?;
    tx.prepare_cached("UPDATE documents SET log_bytes = ?2, log_changes = 0 WHERE id = ?1")?
        .execute(params![id.to_string(), snapshot.len() as i64])?;
    Ok(())
}

/// The record type stored for a document, if any.
pub fn stored_type(conn: &Connection, id: DocumentId) -> Result<Option<RecordType>, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT doc_type FROM documents WHERE id = ?1", [id.to_string()], |r| {
            r.get(0)
        })
        .optional()?;
    text.map(|t| {
        t.parse()
            .map_err(|e: relais_schema::UnknownRecordType| StoreError::Inconsistent(e.to_string()))
    })
    .transpose()
}
