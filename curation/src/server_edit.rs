//! The server writing its own changes, as if it were a device.
//!
//! A supervisor's correction is an Automerge change like any phone's: it is
//! made on a copy of the stored document with an actor of the server's, then
//! pushed through [`relais_sync::apply::apply_batch`] under the agency's
//! server device. So it is logged with a cursor, the projection is rebuilt in
//! the same transaction, the `actors` table records the supervisor who made
//! it, and phones receive it at their next pull. Every correction uses fresh
//! actors: an actor id is never reused across stores.
//!
//! Callers run on the writer thread and read the documents there, so no phone
//! change slips in between reading a document and pushing the correction.

use automerge::transaction::{CommitOptions, Transaction};
use automerge::{ActorId, Automerge, AutomergeError, ChangeHash};
use relais_schema::{AgencyId, DeviceId, DocumentId, RecordType, UserId};
use relais_sync::apply::apply_batch;
use relais_sync::protocol::{BatchId, DocStatus, PushDoc};
use relais_sync::DeviceAuth;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::CurationError;

/// Who makes a correction: a supervisor (or admin), in one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrector {
    /// The signed-in user.
    pub user: UserId,
    /// The agency of the records corrected.
    pub agency: AgencyId,
}

/// A document being corrected: the stored state and the server's changes on top.
#[derive(Debug)]
pub struct Correction {
    id: DocumentId,
    doc_type: RecordType,
    before: Vec<ChangeHash>,
    doc: Automerge,
    time: i64,
}

impl Correction {
    /// Start correcting `doc` (as stored); `now` is RFC 3339.
    pub fn new(id: DocumentId, doc_type: RecordType, doc: Automerge, now: &str) -> Self {
        Correction {
            id,
            doc_type,
            before: doc.get_heads(),
            doc,
            time: unix_seconds(now),
        }
    }

    /// The document with the changes made so far.
    pub fn doc(&self) -> &Automerge {
        &self.doc
    }

    /// Make one change as `actor` on the current state.
    pub fn change<F>(&mut self, actor: &ActorId, edit: F) -> Result<(), CurationError>
    where
        F: FnOnce(&mut Transaction<'_>) -> Result<(), AutomergeError>,
    {
        let mut fork = self.fork(actor);
        fork_change(&mut fork, self.time, edit)?;
        self.doc.merge(&mut fork)?;
        Ok(())
    }

    /// Two changes made concurrently from the current state, the first as
    /// `winner`, the second as `loser`: where both write the same key in the
    /// same order, both values stay (a conflict) and `winner`'s is shown.
    pub fn concurrent<F, G>(
        &mut self,
        winner: &ActorId,
        first: F,
        loser: &ActorId,
        second: G,
    ) -> Result<(), CurationError>
    where
        F: FnOnce(&mut Transaction<'_>) -> Result<(), AutomergeError>,
        G: FnOnce(&mut Transaction<'_>) -> Result<(), AutomergeError>,
    {
        let mut a = self.fork(winner);
        let mut b = self.fork(loser);
        fork_change(&mut a, self.time, first)?;
        fork_change(&mut b, self.time, second)?;
        self.doc.merge(&mut a)?;
        self.doc.merge(&mut b)?;
        Ok(())
    }

    fn fork(&self, actor: &ActorId) -> Automerge {
        self.doc.fork().with_actor(actor.clone())
    }

    fn into_push(self) -> Option<PushDoc> {
        let changes = self.doc.get_changes(&self.before);
        (!changes.is_empty()).then(|| PushDoc {
            id: self.id,
            doc_type: self.doc_type,
            heads: self.doc.get_heads(),
            changes,
        })
    }
}

fn fork_change<F>(fork: &mut Automerge, time: i64, edit: F) -> Result<(), CurationError>
where
    F: FnOnce(&mut Transaction<'_>) -> Result<(), AutomergeError>,
{
    let mut tx = fork.transaction();
    edit(&mut tx)?;
    tx.commit_with(CommitOptions::default().with_time(time));
    Ok(())
}

/// Two fresh actors, the first greater (its value wins a tie of counters).
pub fn actor_pair() -> (ActorId, ActorId) {
    let (a, b) = (ActorId::random(), ActorId::random());
    if a > b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Push `corrections` through the normal apply path, in one transaction,
/// under the agency's server device and the corrector's user, as `batch`.
pub fn push_corrections(
    conn: &mut Connection,
    by: Corrector,
    corrections: Vec<Correction>,
    batch: BatchId,
    now: &str,
) -> Result<(), CurationError> {
    let push: Vec<PushDoc> = corrections.into_iter().filter_map(Correction::into_push).collect();
    if push.is_empty() {
        return Ok(());
    }
    let who = DeviceAuth {
        device: server_device(conn, by.agency, now)?,
        user: by.user,
        agency: by.agency,
    };
    let results = apply_batch(conn, &who, batch, &push, now)?;
    for result in results {
        if result.status != DocStatus::Ok {
            return Err(CurationError::NotApplied {
                id: result.id.to_string(),
                status: result.status.as_str().to_string(),
            });
        }
    }
    Ok(())
}

/// The agency's server device, created on first use.
pub fn server_device(conn: &Connection, agency: AgencyId, now: &str) -> Result<DeviceId, CurationError> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT device_id FROM server_devices WHERE agency_id = ?1",
            [agency.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return id.parse().map_err(|_| {
            CurationError::Store(relais_sync::StoreError::Inconsistent(format!(
                "server device of agency {agency} is not an id"
            )))
        });
    }
    let device = DeviceId::random();
    conn.execute(
        "INSERT INTO server_devices (agency_id, device_id, created_at) VALUES (?1, ?2, ?3)",
        params![agency.to_string(), device.to_string(), now],
    )?;
    Ok(device)
}

/// Seconds since the Unix epoch of an RFC 3339 time (0 if it is not one).
fn unix_seconds(now: &str) -> i64 {
    time::OffsetDateTime::parse(now, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ReadDoc, ScalarValue, Value, ROOT};

    use super::*;

    fn city(doc: &Automerge) -> Option<String> {
        match doc.get(ROOT, "city") {
            Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
                ScalarValue::Str(s) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    #[test]
    fn concurrent_writes_keep_both_values_and_show_the_winners() -> Result<(), CurationError> {
        for _ in 0..20 {
            let mut doc = Automerge::new();
            let mut tx = doc.transaction();
            tx.put(ROOT, "city", "Lyon")?;
            tx.put(ROOT, "given_name", "Amina")?;
            tx.commit();
            let mut correction =
                Correction::new(DocumentId::random(), RecordType::Contact, doc, "2026-11-30T09:00:00Z");
            let (winner, loser) = actor_pair();

            correction.concurrent(
                &winner,
                |tx| tx.put(ROOT, "city", "Lyon (Rhône)"),
                &loser,
                |tx| tx.put(ROOT, "city", "Bron"),
            )?;

            assert_eq!(city(correction.doc()).as_deref(), Some("Lyon (Rhône)"));
            assert_eq!(correction.doc().get_all(ROOT, "city")?.len(), 2);
        }
        Ok(())
    }
}
