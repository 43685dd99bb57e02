//! The Automerge half of applying a push to one document, without SQL.
//!
//! Given the stored document (or none) and the pushed changes, [`merge_push`]
//! loads the document, keeps the changes it lacks, applies them, checks that
//! no dependency or pushed head is missing, orders the new changes causally,
//! saves the result and reads the record for the projection. It decides and
//! computes; [`crate::apply`] writes. Because it needs no connection it runs
//! on a worker before the writer thread takes the batch
//! ([`crate::prepare`]), or on the writer itself when the stored document
//! changed in between; both give the same result for the same stored state.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use automerge::{Automerge, Change, ChangeHash, ReadDoc};
use relais_schema::AgencyId;

use crate::apply::load_document;
use crate::error::StoreError;
use crate::projection::Projection;
use crate::protocol::{DocStatus, PushDoc};

/// A document as stored: its type and saved bytes.
#[derive(Debug, Clone, Copy)]
pub struct Base<'a> {
    /// The stored record type.
    pub doc_type: &'a str,
    /// The saved document.
    pub snapshot: &'a [u8],
}

/// What applying a push to a document comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Merged {
    /// Nothing to store: answer with this status and the server's heads.
    Answer(DocStatus, Vec<ChangeHash>),
    /// New changes to store, with the document's new state.
    Update(Update),
}

/// The new state of a document that received changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The changes the server did not have, each after its dependencies.
    pub changes: Vec<NewChange>,
    /// The saved document with them, uncompressed (see [`save_for_store`]).
    pub snapshot: Vec<u8>,
    /// Its heads.
    pub heads: Vec<ChangeHash>,
    /// Its projection.
    pub projection: Projection,
}

/// A change to append to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    /// Its hash.
    pub hash: ChangeHash,
    /// The actor that made it.
    pub actor: Vec<u8>,
    /// Its uncompressed encoding (chunk type 1), whichever the device sent.
    pub bytes: Vec<u8>,
}

/// Apply `push` to the stored document `base` (none: a new document) of a
/// device of `agency`.
///
/// Fails only when the stored document cannot be loaded.
pub fn merge_push(base: Option<Base<'_>>, push: &PushDoc, agency: AgencyId) -> Result<Merged, StoreError> {
    let mut doc = match base {
        Some(base) if base.doc_type != push.doc_type.as_str() => {
            let reason = format!("the document is a {}, not a {}", base.doc_type, push.doc_type.as_str());
            let doc = load_document(push.id, base.snapshot)?;
            return Ok(Merged::Answer(DocStatus::Rejected(reason), doc.get_heads()));
        }
        Some(base) => load_document(push.id, base.snapshot)?,
        None => Automerge::new(),
    };
    let before = doc.get_heads();

    // A new document has nothing yet; otherwise skip the changes it holds.
    let is_new = base.is_none();
    let mut seen = HashSet::new();
    let fresh: Vec<&Change> = push
        .changes
        .iter()
        .filter(|c| seen.insert(c.hash()) && (is_new || !holds(&doc, c.hash())))
        .collect();
    if let Err(e) = doc.apply_changes(fresh.iter().map(|c| (*c).clone())) {
        let reason = format!("the changes cannot be applied: {e}");
        return Ok(Merged::Answer(DocStatus::Rejected(reason), before));
    }
    // Queued changes (a dependency missing) and pushed heads the document
    // lacks both show up as missing dependencies.
    if !doc.get_missing_deps(&push.heads).is_empty() {
        return Ok(Merged::Answer(DocStatus::Need, before));
    }
    if fresh.is_empty() {
        return Ok(Merged::Answer(DocStatus::Ok, before));
    }
    let heads = doc.get_heads();
    if is_new && heads.is_empty() {
        return Ok(Merged::Answer(DocStatus::Ok, Vec::new()));
    }
    let changes = causal_order(&fresh)
        .into_iter()
        .map(|c| NewChange {
            hash: c.hash(),
            actor: c.actor_id().to_bytes().to_vec(),
            bytes: c.raw_bytes().to_vec(),
        })
        .collect();
    Ok(Merged::Update(Update {
        changes,
        snapshot: save_for_store(&doc),
        heads,
        projection: Projection::of(push.id, agency, push.doc_type, &doc),
    }))
}

/// A document saved the way the store keeps it and the feed sends it:
/// without DEFLATE on its columns. Saving so is about ten times cheaper than
/// `save()`, loads faster, and lets the gzip of a whole sync answer see what
/// repeats from one document to the next (field names, vocabularies, dates),
/// which each document's own DEFLATE cannot: a page of contacts is less than
/// half the bytes on the wire (`docs/benchmarks-compare.md`).
pub fn save_for_store(doc: &Automerge) -> Vec<u8> {
    doc.save_nocompress()
}

/// Whether `doc` has applied the change `hash` (cheaper than fetching it).
fn holds(doc: &Automerge, hash: ChangeHash) -> bool {
    doc.get_missing_deps(&[hash]).is_empty()
}

/// `changes` ordered so that each comes after those of its dependencies that
/// are among them, otherwise in the order they were sent.
fn causal_order<'c>(changes: &[&'c Change]) -> Vec<&'c Change> {
    let index: HashMap<ChangeHash, usize> = changes.iter().enumerate().map(|(i, c)| (c.hash(), i)).collect();
    let mut waiting_on = vec![0usize; changes.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); changes.len()];
    for (i, change) in changes.iter().enumerate() {
        for dep in change.deps() {
            if let Some(&d) = index.get(dep) {
                waiting_on[i] += 1;
                dependents[d].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..changes.len())
        .filter(|&i| waiting_on[i] == 0)
        .map(Reverse)
        .collect();
    let mut ordered = Vec::with_capacity(changes.len());
    while let Some(Reverse(i)) = ready.pop() {
        ordered.push(changes[i]);
        for &next in &dependents[i] {
            waiting_on[next] -= 1;
            if waiting_on[next] == 0 {
                ready.push(Reverse(next));
            }
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, AutoCommit, ROOT};
    use relais_schema::{DocumentId, RecordType};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// Three changes in a chain from one phone.
    fn chain() -> Result<Vec<Change>, automerge::AutomergeError> {
        let mut doc = AutoCommit::new().with_actor(ActorId::from([7u8; 16]));
        for n in 0..3_i64 {
            doc.put(ROOT, "n", n)?;
            doc.commit();
        }
        Ok(doc.get_changes(&[]))
    }

    fn push_of(changes: Vec<Change>) -> PushDoc {
        PushDoc {
            id: DocumentId::random(),
            doc_type: RecordType::Contact,
            heads: Vec::new(),
            changes,
        }
    }

    #[test]
    fn changes_sent_in_reverse_are_logged_after_their_dependencies() -> TestResult {
        let sent = chain()?;
        let reversed: Vec<&Change> = sent.iter().rev().collect();

        let ordered: Vec<ChangeHash> = causal_order(&reversed).iter().map(|c| c.hash()).collect();

        let expected: Vec<ChangeHash> = sent.iter().map(Change::hash).collect();
        assert_eq!(ordered, expected);
        Ok(())
    }

    #[test]
    fn a_new_document_logs_each_change_once_as_sent() -> TestResult {
        let sent = chain()?;
        let mut twice = sent.clone();
        twice.extend(sent.iter().cloned());

        let Merged::Update(update) = merge_push(None, &push_of(twice), relais_schema::AgencyId::random())? else {
            return Err("expected an update".into());
        };

        let bytes: Vec<&[u8]> = update.changes.iter().map(|c| c.bytes.as_slice()).collect();
        let expected: Vec<&[u8]> = sent.iter().map(Change::raw_bytes).collect();
        assert_eq!(bytes, expected);
        Ok(())
    }

    #[test]
    fn a_change_whose_dependency_is_missing_is_answered_need() -> TestResult {
        let sent = chain()?;
        let without_first = sent[1..].to_vec();

        let merged = merge_push(None, &push_of(without_first), relais_schema::AgencyId::random())?;

        assert_eq!(merged, Merged::Answer(DocStatus::Need, Vec::new()));
        Ok(())
    }

    #[test]
    fn changes_the_stored_document_holds_are_not_logged_again() -> TestResult {
        let sent = chain()?;
        let mut stored = Automerge::new();
        stored.apply_changes(sent[..2].iter().cloned())?;
        let snapshot = stored.save();
        let base = Base {
            doc_type: "contact",
            snapshot: &snapshot,
        };

        let merged = merge_push(Some(base), &push_of(sent.clone()), relais_schema::AgencyId::random())?;

        let Merged::Update(update) = merged else {
            return Err("expected an update".into());
        };
        let logged: Vec<ChangeHash> = update.changes.iter().map(|c| c.hash).collect();
        assert_eq!(logged, vec![sent[2].hash()]);
        assert_eq!(update.heads, vec![sent[2].hash()]);
        Ok(())
    }
}
