//! Preparing a push away from the writer thread.
//!
//! Loading, merging and saving Automerge documents and reading their records
//! is most of the cost of a push, and none of it needs the writer. So before
//! a push goes to the writer, [`prepare_push`] reads each pushed document on
//! a read-only connection (with its heads, in the same statement) and merges
//! it there ([`crate::merge::merge_push`]). The writer then only writes SQL
//! for each prepared document whose stored heads are still those it was
//! prepared from; a document written in between (by another device's batch,
//! an erasure, or earlier in the same batch) is merged again on the writer.
//! Either way the batch is one transaction and its result is the serial one.
//!
//! Preparation runs on the caller's thread, at most as many at once as the
//! store allows ([`crate::store::Store::compute`]), so that a burst of pushes
//! cannot take every core from the writer.

use rusqlite::{params, Connection, OptionalExtension};

use crate::device_auth::DeviceAuth;
use crate::error::StoreError;
use crate::merge::{merge_push, Base, Merged};
use crate::protocol::{BatchId, PushDoc};

/// One document merged ahead of the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedDoc {
    /// The stored heads it was merged from (none: the document did not exist).
    base_heads: Option<Vec<u8>>,
    merged: Merged,
}

impl PreparedDoc {
    /// Prepared from the stored document with `base_heads` (none: no document).
    pub fn new(base_heads: Option<Vec<u8>>, merged: Merged) -> Self {
        PreparedDoc { base_heads, merged }
    }

    /// The stored heads it was merged from, as in `documents.heads`.
    pub fn base_heads(&self) -> Option<&[u8]> {
        self.base_heads.as_deref()
    }

    /// The merge result.
    pub fn into_merged(self) -> Merged {
        self.merged
    }
}

/// A push's documents, each prepared or left to the writer.
#[derive(Debug, Default)]
pub struct PreparedPush {
    docs: Vec<Option<PreparedDoc>>,
}

impl PreparedPush {
    /// Nothing prepared: the writer merges every document.
    pub fn none() -> Self {
        PreparedPush::default()
    }

    /// `docs[i]` is the preparation of the push's document `i`, if any.
    pub fn from_docs(docs: Vec<Option<PreparedDoc>>) -> Self {
        PreparedPush { docs }
    }

    /// The preparation of document `index`, taken out.
    pub fn take(&mut self, index: usize) -> Option<PreparedDoc> {
        self.docs.get_mut(index).and_then(Option::take)
    }

    /// How many documents are prepared.
    pub fn len(&self) -> usize {
        self.docs.iter().filter(|d| d.is_some()).count()
    }

    /// Whether no document is prepared.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A stored document read for preparation.
struct Stored {
    agency_id: String,
    doc_type: String,
    snapshot: Vec<u8>,
    heads: Vec<u8>,
}

/// Merge each document of `push` from `who` against the store as `conn` sees it.
///
/// A document is left to the writer when it belongs to another agency (the
/// writer refuses the batch), or its stored form cannot be loaded (the writer
/// reports it); a batch already answered is not prepared at all.
pub fn prepare_push(
    conn: &Connection,
    who: &DeviceAuth,
    batch: BatchId,
    push: &[PushDoc],
) -> Result<PreparedPush, StoreError> {
    // One read transaction for the whole push: one snapshot of the store,
    // and the page cache is not revalidated for every document.
    let tx = conn.unchecked_transaction()?;
    let answered = tx
        .prepare_cached("SELECT 1 FROM batches WHERE device_id = ?1 AND batch_id = ?2")?
        .query_row(params![who.device.to_string(), batch.to_hex()], |_| Ok(()))
        .optional()?
        .is_some();
    if answered {
        return Ok(PreparedPush::none());
    }
    let agency = who.agency.to_string();
    let mut read = tx.prepare_cached("SELECT agency_id, doc_type, snapshot, heads FROM documents WHERE id = ?1")?;
    let mut docs = Vec::with_capacity(push.len());
    for doc in push {
        let stored = read
            .query_row([doc.id.to_string()], |r| {
                Ok(Stored {
                    agency_id: r.get(0)?,
                    doc_type: r.get(1)?,
                    snapshot: r.get(2)?,
                    heads: r.get(3)?,
                })
            })
            .optional()?;
        let prepared = match stored {
            None => merge_push(None, doc, who.agency)
                .ok()
                .map(|merged| PreparedDoc::new(None, merged)),
            Some(stored) if stored.agency_id != agency => None,
            Some(stored) => {
                let base = Base {
                    doc_type: &stored.doc_type,
                    snapshot: &stored.snapshot,
                };
                merge_push(Some(base), doc, who.agency)
                    .ok()
                    .map(|merged| PreparedDoc::new(Some(stored.heads), merged))
            }
        };
        docs.push(prepared);
    }
    drop(read);
    tx.finish()?;
    Ok(PreparedPush::from_docs(docs))
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, AutoCommit, Change, ObjType, ROOT};
    use relais_schema::{AgencyId, DeviceId, DocumentId, RecordType, UserId};

    use super::*;
    use crate::apply::{apply_batch, apply_prepared_batch};
    use crate::protocol::{DocResult, DocStatus};
    use crate::store::Store;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const NOW: &str = "2026-11-29T10:00:00Z";

    /// Everything a push can change, in a comparable form.
    type Dump = (
        Vec<(String, Vec<u8>, Vec<u8>, i64, Option<String>)>,
        Vec<(String, Vec<u8>)>,
        Vec<Vec<String>>,
    );

    struct World {
        store: Store,
        agency: AgencyId,
        contact: DocumentId,
        _dir: tempfile::TempDir,
    }

    impl World {
        fn new(agency: AgencyId, contact: DocumentId) -> Result<World, Box<dyn std::error::Error>> {
            let dir = tempfile::tempdir()?;
            let store = Store::open(&dir.path().join("relais.sqlite"))?;
            store.write(move |conn| {
                conn.execute(
                    "INSERT INTO agencies (id, name, created_at) VALUES (?1, 'Agence', ?2)",
                    [agency.to_string(), NOW.to_string()],
                )?;
                Ok(())
            })?;
            Ok(World {
                store,
                agency,
                contact,
                _dir: dir,
            })
        }

        fn device(&self, byte: u8) -> DeviceAuth {
            let mut id = [0u8; 16];
            id[0] = byte;
            DeviceAuth {
                device: DeviceId::from_bytes(id),
                user: UserId::from_bytes(id),
                agency: self.agency,
            }
        }

        fn push(&self, changes: Vec<Change>) -> Vec<PushDoc> {
            vec![PushDoc {
                id: self.contact,
                doc_type: RecordType::Contact,
                heads: Vec::new(),
                changes,
            }]
        }

        /// Apply serially, as the writer does without preparation.
        fn apply(&self, who: DeviceAuth, batch: BatchId, push: Vec<PushDoc>) -> Result<Vec<DocResult>, StoreError> {
            self.store.write(move |conn| apply_batch(conn, &who, batch, &push, NOW))
        }

        fn prepare(&self, who: DeviceAuth, batch: BatchId, push: &[PushDoc]) -> Result<PreparedPush, StoreError> {
            self.store.compute(|conn| prepare_push(conn, &who, batch, push))
        }

        fn apply_prepared(
            &self,
            who: DeviceAuth,
            batch: BatchId,
            push: Vec<PushDoc>,
            prepared: PreparedPush,
        ) -> Result<Vec<DocResult>, StoreError> {
            self.store
                .write(move |conn| apply_prepared_batch(conn, &who, batch, &push, prepared, NOW))
        }

        fn stored_heads(&self) -> Result<Option<Vec<u8>>, StoreError> {
            let id = self.contact.to_string();
            self.store.read(|conn| {
                Ok(conn
                    .query_row("SELECT heads FROM documents WHERE id = ?1", [&id], |r| r.get(0))
                    .optional()?)
            })
        }

        fn dump(&self) -> Result<Dump, StoreError> {
            self.store.read(|conn| {
                let documents = conn
                    .prepare("SELECT id, heads, snapshot, log_changes, quarantine FROM documents ORDER BY id")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                    .collect::<Result<_, _>>()?;
                let log = conn
                    .prepare("SELECT kind, data FROM log ORDER BY seq")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                let rows = conn
                    .prepare(
                        "SELECT doc_id || '|' || coalesce(alias, '') || '|' || coalesce(city, '') FROM contacts
                         UNION ALL SELECT doc_id || '|' || field || '|' || value || '|' || winner || '|' ||
                           coalesce(device_id, '') FROM conflicts ORDER BY 1",
                    )?
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<String>, _>>()?;
                Ok((documents, log, vec![rows]))
            })
        }
    }

    /// A contact created on phone 1, and the change that created it.
    fn created(world: &World) -> Result<(AutoCommit, Change), Box<dyn std::error::Error>> {
        let mut doc = AutoCommit::new().with_actor(ActorId::from([1u8; 16].as_slice()));
        doc.put(ROOT, "type", "contact")?;
        doc.put(ROOT, "schema", 1_i64)?;
        doc.put(ROOT, "id", world.contact.to_string())?;
        doc.put(ROOT, "agency_id", world.agency.to_string())?;
        doc.put(ROOT, "created_by", world.device(1).user.to_string())?;
        doc.put(ROOT, "created_at", NOW)?;
        doc.put(ROOT, "alias", "Amina")?;
        let consent = doc.put_object(ROOT, "consent", ObjType::Map)?;
        doc.put(&consent, "given", true)?;
        doc.commit();
        let change = doc.get_last_local_change().ok_or("no change")?;
        Ok((doc, change))
    }

    /// Set `city` on `doc` and return the change.
    fn set_city(doc: &mut AutoCommit, city: &str) -> Result<Change, Box<dyn std::error::Error>> {
        doc.put(ROOT, "city", city)?;
        doc.commit();
        Ok(doc.get_last_local_change().ok_or("no change")?)
    }

    /// Two worlds with the same contact: one applies serially, one prepares.
    fn twin_worlds() -> Result<(World, World), Box<dyn std::error::Error>> {
        let (agency, contact) = (AgencyId::random(), DocumentId::random());
        Ok((World::new(agency, contact)?, World::new(agency, contact)?))
    }

    #[test]
    fn a_preparation_made_stale_by_another_push_is_redone_and_gives_the_serial_result() -> TestResult {
        let (serial, prepared) = twin_worlds()?;
        let (mut phone_a, creation) = created(&serial)?;
        let mut phone_b = phone_a.fork().with_actor(ActorId::from([2u8; 16].as_slice()));
        let from_a = set_city(&mut phone_a, "Lyon")?;
        let from_b = set_city(&mut phone_b, "Bron")?;
        for world in [&serial, &prepared] {
            world.apply(world.device(1), BatchId::random(), world.push(vec![creation.clone()]))?;
        }

        // Serially: A's edit, then B's.
        serial.apply(serial.device(1), BatchId::random(), serial.push(vec![from_a.clone()]))?;
        let expected = serial.apply(serial.device(2), BatchId::random(), serial.push(vec![from_b.clone()]))?;
        // Prepared: B's push is prepared, then A's edit lands before B's reaches the writer.
        let b_push = prepared.push(vec![from_b]);
        let early = prepared.prepare(prepared.device(2), BatchId::random(), &b_push)?;
        let prepared_from = early.docs[0].as_ref().and_then(|d| d.base_heads().map(<[u8]>::to_vec));
        prepared.apply(prepared.device(1), BatchId::random(), prepared.push(vec![from_a]))?;
        assert_ne!(prepared_from, prepared.stored_heads()?, "the preparation must be stale");
        let answer = prepared.apply_prepared(prepared.device(2), BatchId::random(), b_push, early)?;

        assert_eq!(answer, expected);
        assert_eq!(answer[0].status, DocStatus::Ok);
        assert_eq!(prepared.dump()?, serial.dump()?);
        let (_, _, rows) = prepared.dump()?;
        assert!(
            rows[0].iter().any(|r| r.contains("|city|")),
            "the conflict is projected: {rows:?}"
        );
        Ok(())
    }

    #[test]
    fn a_preparation_still_current_gives_the_serial_result() -> TestResult {
        let (serial, prepared) = twin_worlds()?;
        let (mut phone_a, creation) = created(&serial)?;
        let edit = set_city(&mut phone_a, "Lyon")?;
        for world in [&serial, &prepared] {
            world.apply(world.device(1), BatchId::random(), world.push(vec![creation.clone()]))?;
        }

        let expected = serial.apply(serial.device(1), BatchId::random(), serial.push(vec![edit.clone()]))?;
        let push = prepared.push(vec![edit]);
        let early = prepared.prepare(prepared.device(1), BatchId::random(), &push)?;
        assert_eq!(early.len(), 1);
        let answer = prepared.apply_prepared(prepared.device(1), BatchId::random(), push, early)?;

        assert_eq!(answer, expected);
        assert_eq!(answer[0].heads, phone_a.get_heads());
        assert_eq!(prepared.dump()?, serial.dump()?);
        Ok(())
    }

    #[test]
    fn a_document_pushed_twice_in_one_batch_is_merged_again_for_its_second_entry() -> TestResult {
        let (serial, prepared) = twin_worlds()?;
        let (mut phone_a, creation) = created(&serial)?;
        let edit = set_city(&mut phone_a, "Lyon")?;
        let twice = |world: &World| {
            let mut push = world.push(vec![creation.clone()]);
            push.extend(world.push(vec![edit.clone()]));
            push
        };

        let expected = serial.apply(serial.device(1), BatchId::random(), twice(&serial))?;
        let push = twice(&prepared);
        let early = prepared.prepare(prepared.device(1), BatchId::random(), &push)?;
        let answer = prepared.apply_prepared(prepared.device(1), BatchId::random(), push, early)?;

        assert_eq!(answer, expected);
        assert_eq!(answer[1].status, DocStatus::Ok);
        assert_eq!(answer[1].heads, phone_a.get_heads());
        assert_eq!(prepared.dump()?, serial.dump()?);
        Ok(())
    }

    #[test]
    fn a_batch_already_answered_is_not_prepared_again() -> TestResult {
        let (world, _) = twin_worlds()?;
        let (_, creation) = created(&world)?;
        let push = world.push(vec![creation]);
        let batch = BatchId::random();
        world.apply(world.device(1), batch, push.clone())?;

        let early = world.prepare(world.device(1), batch, &push)?;

        assert!(early.is_empty());
        Ok(())
    }
}
