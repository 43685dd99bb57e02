//! Applying a device's push: one transaction for the whole batch.
//!
//! For each document: skip the changes the server has, apply the rest to the
//! stored document, and if every dependency is present, append the new changes
//! to the log (each gets the next cursor value), save the document, rebuild its
//! projection, and compact it when its log outweighs its snapshot. If a
//! dependency is missing, nothing of that document is stored and the answer is
//! `need` with the server's heads. The answer is stored with the batch id, so a
//! retry gets it back unchanged; the caller answers only after the commit.

use std::collections::HashSet;

use automerge::{Automerge, Change, ChangeHash, ReadDoc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use crate::device_auth::DeviceAuth;
use crate::error::StoreError;
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
    let mut results = Vec::with_capacity(push.len());
    let mut sent = 0i64;
    for doc in push {
        let (result, stored) = apply_document(&tx, who, doc, now)?;
        sent += stored;
        results.push(result);
    }
    tx.execute(
        "INSERT INTO batches (device_id, batch_id, answer, at, push_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            who.device.to_string(),
            batch.to_hex(),
            encode_results(&results),
            now,
            fingerprint
        ],
    )?;
    tx.execute(
        "DELETE FROM batches WHERE device_id = ?1 AND rowid NOT IN
           (SELECT rowid FROM batches WHERE device_id = ?1 ORDER BY rowid DESC LIMIT ?2)",
        params![who.device.to_string(), KEPT_BATCHES],
    )?;
    tx.execute(
        "UPDATE devices SET last_sync_at = ?2, last_changes = ?3 WHERE id = ?1",
        params![who.device.to_string(), now, sent],
    )?;
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
        .query_row(
            "SELECT answer, push_hash FROM batches WHERE device_id = ?1 AND batch_id = ?2",
            params![who.device.to_string(), batch.to_hex()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
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
        .query_row("SELECT agency_id FROM documents WHERE id = ?1", [id.to_string()], |r| {
            r.get(0)
        })
        .optional()?;
    let owner = match owner {
        Some(owner) => Some(owner),
        None => tx
            .query_row(
                "SELECT agency_id FROM erased WHERE doc_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?,
    };
    match owner {
        Some(owner) if owner != agency.to_string() => Err(StoreError::ForeignDocument(id)),
        _ => Ok(()),
    }
}

struct StoredDoc {
    doc_type: String,
    snapshot: Vec<u8>,
    log_bytes: i64,
    log_changes: i64,
}

/// Load a stored document's row, if any.
fn load_row(tx: &Transaction, id: DocumentId) -> Result<Option<StoredDoc>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT doc_type, snapshot, log_bytes, log_changes FROM documents WHERE id = ?1",
            [id.to_string()],
            |r| {
                Ok(StoredDoc {
                    doc_type: r.get(0)?,
                    snapshot: r.get(1)?,
                    log_bytes: r.get(2)?,
                    log_changes: r.get(3)?,
                })
            },
        )
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
        .query_row("SELECT 1 FROM erased WHERE doc_id = ?1", [id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Apply one document's changes; returns its result and how many changes were stored.
fn apply_document(
    tx: &Transaction,
    who: &DeviceAuth,
    push: &PushDoc,
    now: &str,
) -> Result<(DocResult, i64), StoreError> {
    let answer = |status, heads| DocResult {
        id: push.id,
        status,
        heads,
    };
    if is_erased(tx, push.id)? {
        return Ok((answer(DocStatus::Erased, vec![]), 0));
    }
    let row = load_row(tx, push.id)?;
    let mut doc = match &row {
        Some(row) if row.doc_type != push.doc_type.as_str() => {
            let reason = format!("the document is a {}, not a {}", row.doc_type, push.doc_type.as_str());
            let doc = load_document(push.id, &row.snapshot)?;
            return Ok((answer(DocStatus::Rejected(reason), doc.get_heads()), 0));
        }
        Some(row) => load_document(push.id, &row.snapshot)?,
        None => Automerge::new(),
    };
    let before = doc.get_heads();

    let mut seen = HashSet::new();
    let fresh: Vec<Change> = push
        .changes
        .iter()
        .filter(|c| doc.get_change_by_hash(&c.hash()).is_none() && seen.insert(c.hash()))
        .cloned()
        .collect();
    if let Err(e) = doc.apply_changes(fresh.iter().cloned()) {
        let reason = format!("the changes cannot be applied: {e}");
        return Ok((answer(DocStatus::Rejected(reason), before), 0));
    }
    let gaps = !doc.get_missing_deps(&[]).is_empty() || push.heads.iter().any(|h| doc.get_change_by_hash(h).is_none());
    if gaps {
        return Ok((answer(DocStatus::Need, before), 0));
    }
    if fresh.is_empty() {
        return Ok((answer(DocStatus::Ok, before), 0));
    }
    if row.is_none() && doc.get_heads().is_empty() {
        return Ok((answer(DocStatus::Ok, vec![]), 0));
    }

    // Automerge may have applied them in another order than sent; log them in
    // an order where each change follows its dependencies.
    let ordered = causal_order(&doc, &before, &fresh);
    let mut added_bytes = 0i64;
    {
        let mut insert_log = tx.prepare_cached(
            "INSERT INTO log (doc_id, agency_id, kind, hash, actor, data, device_id, user_id, at)
             VALUES (?1, ?2, 'change', ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut insert_actor =
            tx.prepare_cached("INSERT OR IGNORE INTO actors (actor, device_id, user_id) VALUES (?1, ?2, ?3)")?;
        for change in &ordered {
            let mut change = change.clone();
            let bytes = change.bytes().into_owned();
            added_bytes += bytes.len() as i64;
            insert_log.execute(params![
                push.id.to_string(),
                who.agency.to_string(),
                change.hash().0.to_vec(),
                change.actor_id().to_bytes(),
                bytes,
                who.device.to_string(),
                who.user.to_string(),
                now,
            ])?;
            insert_actor.execute(params![
                change.actor_id().to_bytes(),
                who.device.to_string(),
                who.user.to_string(),
            ])?;
        }
    }

    let snapshot = doc.save();
    let heads = doc.get_heads();
    let (log_bytes, log_changes) = match &row {
        Some(row) => (row.log_bytes + added_bytes, row.log_changes + ordered.len() as i64),
        None => (added_bytes, ordered.len() as i64),
    };
    let quarantine = projection::project_document(tx, push.id, who.agency, push.doc_type, &doc)?;
    tx.execute(
        "INSERT INTO documents (id, agency_id, doc_type, snapshot, heads, log_bytes, log_changes,
                                created_at, updated_at, quarantine)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, heads = excluded.heads,
            log_bytes = excluded.log_bytes, log_changes = excluded.log_changes,
            updated_at = excluded.updated_at, quarantine = excluded.quarantine",
        params![
            push.id.to_string(),
            who.agency.to_string(),
            push.doc_type.as_str(),
            &snapshot,
            heads_to_blob(&heads),
            log_bytes,
            log_changes,
            now,
            quarantine,
        ],
    )?;
    if log_changes >= COMPACT_MIN_CHANGES && log_bytes > COMPACT_RATIO * snapshot.len() as i64 {
        compact(tx, push.id, who.agency, &snapshot, now)?;
    }
    let status = match quarantine {
        Some(reason) => DocStatus::Quarantined(reason),
        None => DocStatus::Ok,
    };
    Ok((answer(status, heads), ordered.len() as i64))
}

/// Order `changes` so that each comes after those of its dependencies that are among them.
fn causal_order(doc: &Automerge, before: &[ChangeHash], changes: &[Change]) -> Vec<Change> {
    let wanted: HashSet<ChangeHash> = changes.iter().map(Change::hash).collect();
    // `get_changes` is in causal order; keep the ones we are adding.
    doc.get_changes(before)
        .into_iter()
        .filter(|c| wanted.contains(&c.hash()))
        .collect()
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
    tx.execute("DELETE FROM log WHERE doc_id = ?1", [id.to_string()])?;
    tx.execute(
        "INSERT INTO log (doc_id, agency_id, kind, data, at) VALUES (?1, ?2, 'snapshot', ?3, ?4)",
        params![id.to_string(), agency.to_string(), snapshot, now],
    )?;
    tx.execute(
        "UPDATE documents SET log_bytes = ?2, log_changes = 0 WHERE id = ?1",
        params![id.to_string(), snapshot.len() as i64],
    )?;
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
