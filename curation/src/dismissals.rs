//! Dismissed duplicates: a supervisor's word that two contacts paired as
//! possible duplicates are different people.
//!
//! A dismissal is server data, not a record: it changes no document and
//! never reaches the phones. It is kept per unordered pair of contacts
//! (`duplicate_dismissals`, migration `0008_dismissals.sql`) with the
//! agency, who dismissed it and when, and it hides the pair from
//! [`crate::duplicates::find_duplicates`] for every supervisor of the
//! agency until it is undone. Merging a dismissed pair anyway is allowed
//! (the merge is the later, stronger word); erasing either contact deletes
//! the dismissal with its document.
//!
//! Like every curation function, these take the agencies the caller may
//! see: a contact of another agency is "not found", exactly like one that
//! does not exist.

use std::collections::HashSet;

use relais_schema::{AgencyId, DocumentId, RecordType, UserId};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::duplicates::{summaries, ContactSummary};
use crate::error::CurationError;

/// Two different contacts, in a fixed order (the smaller id first, as
/// text), so that a pair is the same whichever way round it is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactPair {
    a: DocumentId,
    b: DocumentId,
}

impl ContactPair {
    /// The pair of `one` and `other`; refused when they are the same contact.
    pub fn new(one: DocumentId, other: DocumentId) -> Result<Self, CurationError> {
        if one == other {
            return Err(CurationError::Invalid("a contact cannot be paired with itself".into()));
        }
        Ok(if one.to_string() < other.to_string() {
            ContactPair { a: one, b: other }
        } else {
            ContactPair { a: other, b: one }
        })
    }

    /// The contact with the smaller id.
    pub fn a(&self) -> DocumentId {
        self.a
    }

    /// The contact with the larger id.
    pub fn b(&self) -> DocumentId {
        self.b
    }
}

/// A dismissed pair as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dismissal {
    /// The contact with the smaller id.
    pub a: ContactSummary,
    /// The other.
    pub b: ContactSummary,
    /// The agency of both.
    #[serde(serialize_with = "crate::json::display")]
    pub agency_id: AgencyId,
    /// Who said they are different people.
    #[serde(serialize_with = "crate::json::display")]
    pub dismissed_by: UserId,
    /// Their display name.
    pub dismissed_by_name: String,
    /// When.
    pub dismissed_at: String,
}

/// The agency of contact `id` if it is stored under one of `agencies`.
fn visible_contact(conn: &Connection, id: DocumentId, agencies: &[AgencyId]) -> Result<AgencyId, CurationError> {
    let not_found = || CurationError::NotFound(format!("contact {id}"));
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT agency_id, doc_type FROM documents WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (agency, doc_type) = row.ok_or_else(not_found)?;
    let agency: AgencyId = agency.parse().map_err(|_| not_found())?;
    if !agencies.contains(&agency) || doc_type.parse::<RecordType>().ok() != Some(RecordType::Contact) {
        return Err(not_found());
    }
    Ok(agency)
}

/// The agency both contacts of `pair` belong to, checked against `agencies`.
fn pair_agency(conn: &Connection, pair: ContactPair, agencies: &[AgencyId]) -> Result<AgencyId, CurationError> {
    let agency = visible_contact(conn, pair.a, agencies)?;
    if visible_contact(conn, pair.b, agencies)? != agency {
        return Err(CurationError::Invalid(
            "the two contacts belong to different agencies".into(),
        ));
    }
    Ok(agency)
}

/// Record that the two contacts of `pair` are different people. Dismissing
/// a pair already dismissed changes nothing (the first who and when stay).
pub fn dismiss_pair(
    conn: &mut Connection,
    agencies: &[AgencyId],
    user: UserId,
    pair: ContactPair,
    now: &str,
) -> Result<(), CurationError> {
    let tx = conn.transaction()?;
    let agency = pair_agency(&tx, pair, agencies)?;
    tx.execute(
        "INSERT INTO duplicate_dismissals (contact_a, contact_b, agency_id, dismissed_by, dismissed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (contact_a, contact_b) DO NOTHING",
        (
            pair.a.to_string(),
            pair.b.to_string(),
            agency.to_string(),
            user.to_string(),
            now,
        ),
    )?;
    tx.commit()?;
    Ok(())
}

/// Undo a dismissal: the pair may be listed as possible duplicates again.
/// "Not found" when the pair was not dismissed.
pub fn undo_dismissal(conn: &mut Connection, agencies: &[AgencyId], pair: ContactPair) -> Result<(), CurationError> {
    let tx = conn.transaction()?;
    pair_agency(&tx, pair, agencies)?;
    let deleted = tx.execute(
        "DELETE FROM duplicate_dismissals WHERE contact_a = ?1 AND contact_b = ?2",
        [pair.a.to_string(), pair.b.to_string()],
    )?;
    if deleted == 0 {
        return Err(CurationError::NotFound(format!(
            "dismissal of {} and {}",
            pair.a, pair.b
        )));
    }
    tx.commit()?;
    Ok(())
}

/// The dismissed pairs of `agencies`, newest first, at most `limit`. A pair
/// one of whose contacts is not projected (merged into another, or
/// quarantined) is left out while it is so.
pub fn list_dismissals(
    conn: &Connection,
    agencies: &[AgencyId],
    limit: usize,
) -> Result<Vec<Dismissal>, CurationError> {
    let mut statement = conn.prepare_cached(
        "SELECT d.contact_a, d.contact_b, d.agency_id, d.dismissed_by, u.display_name, d.dismissed_at
         FROM duplicate_dismissals d JOIN users u ON u.id = d.dismissed_by
         WHERE d.agency_id = ?1
         ORDER BY d.dismissed_at DESC, d.contact_a, d.contact_b",
    )?;
    let mut rows: Vec<(String, String, String, String, String, String)> = Vec::new();
    for agency in agencies {
        let found = statement.query_map([agency.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
        for row in found {
            rows.push(row?);
        }
    }
    rows.sort_by(|x, y| y.5.cmp(&x.5).then_with(|| (&x.0, &x.1).cmp(&(&y.0, &y.1))));
    let contacts = summaries(conn, rows.iter().flat_map(|r| [&r.0, &r.1]))?;
    let mut out = Vec::new();
    for (a, b, agency, by, by_name, at) in rows {
        let (Some(a), Some(b)) = (contacts.get(&a), contacts.get(&b)) else {
            continue;
        };
        let (Ok(agency_id), Ok(dismissed_by)) = (agency.parse(), by.parse()) else {
            continue;
        };
        out.push(Dismissal {
            a: a.clone(),
            b: b.clone(),
            agency_id,
            dismissed_by,
            dismissed_by_name: by_name,
            dismissed_at: at,
        });
        if out.len() == limit {
            break;
        }
    }
    Ok(out)
}

/// The dismissed pairs of `agency`, as (smaller id, larger id) text.
pub(crate) fn dismissed_pairs(conn: &Connection, agency: AgencyId) -> Result<HashSet<(String, String)>, CurationError> {
    let mut statement =
        conn.prepare_cached("SELECT contact_a, contact_b FROM duplicate_dismissals WHERE agency_id = ?1")?;
    let rows = statement.query_map([agency.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_the_same_whichever_way_round_it_is_named() {
        let (one, other) = (DocumentId::random(), DocumentId::random());
        let pair = ContactPair::new(one, other).expect("a pair");
        assert_eq!(pair, ContactPair::new(other, one).expect("a pair"));
        assert!(pair.a().to_string() < pair.b().to_string());
    }

    #[test]
    fn a_contact_cannot_be_paired_with_itself() {
        let one = DocumentId::random();
        assert!(matches!(ContactPair::new(one, one), Err(CurationError::Invalid(_))));
    }
}
