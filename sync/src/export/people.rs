//! The names of every contact, held in memory while attendance is exported.
//!
//! Attendance rows come in session order, so a join to `contacts` looks a
//! person up at a random place of the table for every row: two B-tree
//! descents (the key index, then the row) that cost more than everything
//! else the row needs. The names are read instead in one pass over
//! `contacts`, and each row finds its person in a hash map. The map holds
//! three short texts per contact (about 20 MB for 200,000 people), whatever
//! the number of rows exported. The caller reads the names and the rows in
//! one transaction, so that both come from the same snapshot.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::export::borrowed_text;

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

/// Every contact's names, by contact id.
#[derive(Debug, Default)]
pub struct PeopleNames {
    by_id: HashMap<Box<str>, [Option<Box<str>>; 3]>,
}

impl PeopleNames {
    /// Read the names of every contact.
    pub fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let mut stmt = conn.prepare("SELECT doc_id, given_name, family_name, alias FROM contacts")?;
        let mut rows = stmt.query([])?;
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
        let people = PeopleNames::load(&conn).expect("names");
        assert_eq!(people.name("c1", PersonName::Given), Some("محمد"));
        assert_eq!(people.name("c1", PersonName::Family), Some("Lefèvre"));
        assert_eq!(people.name("c1", PersonName::Alias), None);
        assert_eq!(people.name("c2", PersonName::Given), None);
    }
}
