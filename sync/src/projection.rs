//! The projection: relational tables rebuilt from each touched document.
//!
//! Supervisors, exports and indicators read these tables, never the CRDT
//! bytes. A document's rows are deleted and written again from its current
//! state in the same transaction as its changes, so the tables are always
//! derivable from `documents` ([`reproject_all`] proves it). A document that
//! fails validation is kept but has no rows; its reason is stored in
//! `documents.quarantine`.

use std::collections::BTreeSet;

use automerge::{Automerge, ReadDoc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::apply::load_document;
use crate::deferred;
use crate::error::StoreError;
use relais_schema::{
    field_conflicts, AgencyId, Contact, DocumentId, FieldConflict, Record, RecordType, Session, Visit,
};

/// Every projection table, with the column naming the document.
const TABLES: [(&str, &str); 8] = [
    ("contacts", "doc_id"),
    ("contact_languages", "doc_id"),
    ("contact_interests", "doc_id"),
    ("follow_ups", "doc_id"),
    ("sessions", "doc_id"),
    ("attendance", "session_id"),
    ("visits", "doc_id"),
    ("conflicts", "doc_id"),
];

/// Delete every projected row of a document.
pub fn delete_projection(tx: &Connection, id: DocumentId) -> Result<(), StoreError> {
    for (table, column) in TABLES {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE {column} = ?1"))?
            .execute([id.to_string()])?;
    }
    Ok(())
}

/// What a document's rows will be, worked out from the document alone (no
/// SQL), so that it can be computed away from the writer thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    /// The document fails validation: no rows, and this reason.
    Quarantined(String),
    /// The record and its conflicting fields.
    Rows {
        /// The record read from the document.
        record: Box<Record>,
        /// Fields holding concurrent values.
        conflicts: Vec<FieldConflict>,
    },
}

impl Projection {
    /// Read and validate `doc`, pushed as a `declared` of `agency` under `id`.
    pub fn of(id: DocumentId, agency: AgencyId, declared: RecordType, doc: &impl ReadDoc) -> Projection {
        let record = match Record::from_doc(doc) {
            Ok(record) => record,
            Err(e) => return Projection::Quarantined(e.to_string()),
        };
        let common = record.common();
        if record.record_type() != declared {
            return Projection::Quarantined(format!(
                "type: the document is a {}, pushed as a {declared}",
                record.record_type()
            ));
        }
        if common.id != id {
            return Projection::Quarantined(format!("id: {} does not match the document id {id}", common.id));
        }
        if common.agency_id != agency {
            return Projection::Quarantined("agency_id: does not match the agency of the device".to_string());
        }
        Projection::Rows {
            record: Box::new(record),
            conflicts: field_conflicts(doc),
        }
    }
}

/// Rebuild a document's rows. Returns the quarantine reason when the document
/// fails validation (it then has no rows).
pub fn project_document(
    tx: &Connection,
    id: DocumentId,
    agency: AgencyId,
    declared: RecordType,
    doc: &Automerge,
) -> Result<Option<String>, StoreError> {
    delete_projection(tx, id)?;
    write_projection(tx, id, agency, &Projection::of(id, agency, declared, doc))
}

/// Write the rows of a document that has none (a new document, or one whose
/// rows were just deleted). Returns the quarantine reason, if any.
pub fn write_projection(
    tx: &Connection,
    id: DocumentId,
    agency: AgencyId,
    projection: &Projection,
) -> Result<Option<String>, StoreError> {
    let (record, conflicts) = match projection {
        Projection::Quarantined(reason) => return Ok(Some(reason.clone())),
        Projection::Rows { record, conflicts } => (record, conflicts),
    };
    match record.as_ref() {
        // A merged contact is a redirect to its survivor: no rows, so lists,
        // indicators and exports count the person once.
        Record::Contact(contact) if contact.merged_into.is_some() => return Ok(None),
        Record::Contact(contact) => project_contact(tx, id, agency, contact)?,
        Record::Session(session) => project_session(tx, id, agency, session)?,
        Record::Visit(visit) => project_visit(tx, id, agency, visit)?,
    }
    project_conflicts(tx, id, conflicts)?;
    Ok(None)
}

fn joined<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> Option<String> {
    let items: Vec<String> = items.into_iter().map(|i| i.as_ref().to_string()).collect();
    (!items.is_empty()).then(|| items.join(","))
}

/// Write a contact's rows.
pub fn project_contact(tx: &Connection, id: DocumentId, agency: AgencyId, c: &Contact) -> Result<(), StoreError> {
    let doc_id = id.to_string();
    tx.prepare_cached(
        "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name,
            alias, sex, birth_year, age_band, nationality, status, phone, neighbourhood, city, education,
            skills, consent_given, consent_at, consent_by, consent_scope, stage, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24)",
    )?
    .execute(params![
        doc_id,
        agency.to_string(),
        c.common.schema,
        c.common.created_by.to_string(),
        c.common.created_at,
        c.given_name,
        c.family_name,
        c.alias,
        c.sex.map(|v| v.as_str()),
        c.birth_year,
        c.age_band.map(|v| v.as_str()),
        c.nationality.as_ref().map(|v| v.as_str().to_string()),
        c.status.map(|v| v.as_str()),
        c.phone.as_ref().map(|v| v.as_str().to_string()),
        c.neighbourhood,
        c.city,
        c.education.map(|v| v.as_str()),
        c.skills,
        c.consent.given,
        c.consent.at,
        c.consent.by.map(|u| u.to_string()),
        joined(c.consent.scope.iter().map(|s| s.as_str())),
        c.stage.map(|v| v.as_str()),
        c.notes,
    ])?;
    let mut language = tx.prepare_cached("INSERT INTO contact_languages (doc_id, language) VALUES (?1, ?2)")?;
    for code in &c.languages {
        language.execute(params![doc_id, code])?;
    }
    let mut interest = tx.prepare_cached("INSERT INTO contact_interests (doc_id, interest) VALUES (?1, ?2)")?;
    for i in &c.interests {
        interest.execute(params![doc_id, i.as_str()])?;
    }
    let mut follow_up = tx.prepare_cached(
        "INSERT OR REPLACE INTO follow_ups (doc_id, id, position, at, kind, note, by_user)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (position, f) in c.follow_ups.iter().enumerate() {
        follow_up.execute(params![
            doc_id,
            f.id.to_string(),
            position as i64,
            f.at,
            f.kind.as_str(),
            f.note,
            f.by.map(|u| u.to_string()),
        ])?;
    }
    Ok(())
}

/// Write a session's rows (attendance of erased contacts is left out).
pub fn project_session(tx: &Connection, id: DocumentId, agency: AgencyId, s: &Session) -> Result<(), StoreError> {
    let doc_id = id.to_string();
    tx.prepare_cached(
        "INSERT INTO sessions (doc_id, agency_id, schema, created_by, created_at, kind, topic, starts_at,
            ends_at, place, facilitators, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        doc_id,
        agency.to_string(),
        s.common.schema,
        s.common.created_by.to_string(),
        s.common.created_at,
        s.kind.as_str(),
        s.topic,
        s.starts_at,
        s.ends_at,
        s.place,
        joined(&s.facilitators),
        s.notes,
    ])?;
    let mut erased = tx.prepare_cached("SELECT 1 FROM erased WHERE doc_id = ?1")?;
    let mut attendance = tx.prepare_cached(
        "INSERT INTO attendance (session_id, contact_id, status, marked_by, marked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for a in &s.attendance {
        let contact = a.contact_id.to_string();
        if erased.query_row([&contact], |_| Ok(())).optional()?.is_some() {
            continue;
        }
        attendance.execute(params![
            doc_id,
            contact,
            a.status.as_str(),
            a.by.map(|u| u.to_string()),
            a.at
        ])?;
    }
    Ok(())
}

/// Write a visit's row.
pub fn project_visit(tx: &Connection, id: DocumentId, agency: AgencyId, v: &Visit) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO visits (doc_id, agency_id, schema, created_by, created_at, date, agents, neighbourhood,
            place, reached, women_reached, topics, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        id.to_string(),
        agency.to_string(),
        v.common.schema,
        v.common.created_by.to_string(),
        v.common.created_at,
        v.date,
        joined(v.agents.iter().map(|a| a.to_string())),
        v.neighbourhood,
        v.place,
        v.reached,
        v.women_reached,
        joined(v.topics.iter().map(|t| t.as_str())),
        v.notes,
    ])?;
    Ok(())
}

/// Write the document's conflicting fields, with the device that first sent each actor.
fn project_conflicts(tx: &Connection, id: DocumentId, conflicts: &[FieldConflict]) -> Result<(), StoreError> {
    if conflicts.is_empty() {
        return Ok(());
    }
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO conflicts (doc_id, field, value, winner, actor, device_id, user_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut who = tx.prepare_cached("SELECT device_id, user_id FROM actors WHERE actor = ?1")?;
    for conflict in conflicts {
        for value in &conflict.values {
            let (device, user): (Option<String>, Option<String>) = who
                .query_row([value.actor.to_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or((None, None));
            insert.execute(params![
                id.to_string(),
                conflict.field,
                value.value,
                value.winner,
                value.actor.to_hex_string(),
                device,
                user,
            ])?;
        }
    }
    Ok(())
}

/// What a full reprojection did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReprojectReport {
    /// Documents with rows.
    pub projected: u64,
    /// Documents failing validation.
    pub quarantined: u64,
}

/// Empty every projection table and rebuild it from the documents, in one transaction.
pub fn reproject_all(conn: &mut Connection) -> Result<ReprojectReport, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let tables: BTreeSet<&str> = TABLES.iter().map(|(t, _)| *t).collect();
    deferred::defer(&tx)?;
    for table in tables {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let report = reproject_rows(&tx)?;
    deferred::catch_up(&tx)?;
    tx.commit()?;
    Ok(report)
}

fn reproject_rows(tx: &Transaction) -> Result<ReprojectReport, StoreError> {
    let mut report = ReprojectReport::default();
    let mut last_rowid = 0i64;
    loop {
        // In pages, so that memory stays flat however many documents there are.
        let page: Vec<(i64, String, String, String, Vec<u8>)> = tx
            .prepare_cached(
                "SELECT pos, id, agency_id, doc_type, snapshot FROM documents WHERE pos > ?1
                 ORDER BY pos LIMIT 256",
            )?
            .query_map([last_rowid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        if page.is_empty() {
            return Ok(report);
        }
        for (rowid, id, agency, doc_type, snapshot) in page {
            last_rowid = rowid;
            let bad = |e: String| StoreError::Inconsistent(format!("document row {rowid}: {e}"));
            let id: DocumentId = id.parse().map_err(|e: relais_schema::InvalidId| bad(e.to_string()))?;
            let agency: AgencyId = agency
                .parse()
                .map_err(|e: relais_schema::InvalidId| bad(e.to_string()))?;
            let doc_type: RecordType = doc_type
                .parse()
                .map_err(|e: relais_schema::UnknownRecordType| bad(e.to_string()))?;
            let doc = load_document(id, &snapshot)?;
            let quarantine = project_document(tx, id, agency, doc_type, &doc)?;
            if quarantine.is_some() {
                report.quarantined += 1;
            } else {
                report.projected += 1;
            }
            tx.execute(
                "UPDATE documents SET quarantine = ?2 WHERE id = ?1",
                params![id.to_string(), quarantine],
            )?;
        }
    }
}
