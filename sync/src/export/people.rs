//! The names of the exported agencies' contacts, held in memory while
//! attendance is exported.
//!
//! Attendance rows come in session order, so a join to `contacts` looks a
//! person up at a random place of the table for every row: two B-tree
//! descents (the key index, then the row) that cost more than everything
//! else the row needs. The names are read instead in one pass over
//! `contacts`, and each row finds its person in a hash map. The map holds
//! three short texts per contact (about 20 MB for 200,000 people), whatever
//! the number of rows exported. Only the contacts of the agencies the export
//! covers are read: a mark naming a person of another agency (which a
//! session document can name, since its contact ids are whatever its writer
//! put there) gets no name, and a supervisor's export holds only their
//! agencies' people in memory. The caller reads the names and the rows in
//! one transaction, so that both come from the same snapshot.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::export::borrowed_text;
use crate::export::filter::ExportFilter;

/// Which name of a person a column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonName {
    /// `contacts.given_name`.
    Given,
    /// `contacts.family_name`.
    Family,
    /// `contacts.alias`.
    Alias,
}

/// Contacts' names, by contact id.
#[derive(Debug, Default)]
pub struct PeopleNames {
    by_id: HashMap<Box<str>, [Option<Box<str>>; 3]>,
}

impl PeopleNames {
    /// Read the names of the contacts of the agencies `filter` covers.
    pub fn load(conn: &Connection, filter: &ExportFilter) -> rusqlite::Result<Self> {
        let (condition, params) = filter
            .agency_condition("agency_id")
            .map_or((String::new(), Vec::new()), |(c, p)| (format!("WHERE {c}"), p));
        let mut stmt = conn.prepare(&format!(
            "SELECT doc_id, given_name, family_name, alias FROM contacts {condition}"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut by_id = HashMap::new();
        while let Some(row) = rows.next()? {
            let name = |i| -> rusqlite::Result<Option<Box<str>>> { Ok(borrowed_text(row, i)?.map(Box::from)) };
            let id: String = row.get(0)?;
            by_id.insert(id.into_boxed_str(), [name(1)?, name(2)?, name(3)?]);
        }
        Ok(Self { by_id })
    }

    /// The name of the contact `id`; none when the contact or the name is missing.
    pub fn name(&self, id: &str, which: PersonName) -> Option<&str> {
        let names = self.by_id.get(id)?;
        names[which as usize].as_deref()
    }
}

#[cfg(test)]
mod tests {
    use relais_schema::AgencyId;

    use super::*;

    #[test]
    fn a_person_is_found_by_id_and_a_missing_one_or_name_is_none() {
        let conn = Connection::open_in_memory().expect("in-memory database");
        for sql in relais_schema::migrations::MIGRATIONS {
            conn.execute_batch(sql).expect("migration");
        }
        conn.execute(
            "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name, consent_given)
             VALUES ('c1', 'g1', 1, 'u1', '2026-11-29T10:00:00Z', 'محمد', 'Lefèvre', 1)",
            [],
        )
        .expect("a contact");
        let people = PeopleNames::load(&conn, &ExportFilter::default()).expect("names");
        assert_eq!(people.name("c1", PersonName::Given), Some("محمد"));
        assert_eq!(people.name("c1", PersonName::Family), Some("Lefèvre"));
        assert_eq!(people.name("c1", PersonName::Alias), None);
        assert_eq!(people.name("c2", PersonName::Given), None);
    }

    #[test]
    fn only_the_exported_agencies_people_are_named() {
        let conn = Connection::open_in_memory().expect("in-memory database");
        for sql in relais_schema::migrations::MIGRATIONS {
            conn.execute_batch(sql).expect("migration");
        }
        let (ours, theirs) = (AgencyId::random(), AgencyId::random());
        for (doc, agency, name) in [("c1", ours, "Amina"), ("c2", theirs, "Yusuf")] {
            conn.execute(
                "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, consent_given)
                 VALUES (?1, ?2, 1, 'u1', '2026-11-29T10:00:00Z', ?3, 1)",
                [doc, &agency.to_string(), name],
            )
            .expect("a contact");
        }
        let only = |agencies: Vec<AgencyId>| ExportFilter {
            agencies: Some(agencies),
            ..ExportFilter::default()
        };
        let people = PeopleNames::load(&conn, &only(vec![ours])).expect("names");
        assert_eq!(people.name("c1", PersonName::Given), Some("Amina"));
        assert_eq!(people.name("c2", PersonName::Given), None, "another agency's person");
        assert_eq!(
            PeopleNames::load(&conn, &only(Vec::new()))
                .expect("names")
                .name("c1", PersonName::Given),
            None
        );
    }
}
