//! The store the targets write to: migrated once per process (a
//! [`Template`]), then for each input either copied whole or used in a
//! transaction that is rolled back, so that every input starts from the same
//! database and a crash reproduces from its input alone.
//!
//! Opening and migrating a store takes tens of milliseconds under the
//! sanitizer; copying its pages into a new in-memory connection (SQLite's
//! backup API) takes a few, and a rolled-back transaction next to nothing.

use std::ops::Deref;
use std::path::Path;

use relais_schema::{AgencyId, DeviceId, UserId};
use relais_sync::DeviceAuth;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::types::Value;
use rusqlite::{Connection, Transaction};

use crate::NOW;

/// The device every input writes as. Fixed ids, so that an input naming its
/// agency (a raw document, a scripted value) means the same in every process.
pub fn fuzz_device() -> DeviceAuth {
    DeviceAuth {
        device: DeviceId::from_bytes([0xd1; 16]),
        user: UserId::from_bytes([0x05; 16]),
        agency: AgencyId::from_bytes([0xa9; 16]),
    }
}

/// The per-connection settings `open_writer` gives a store, read from the
/// template and given to each copy (the backup copies pages, not these).
const CONNECTION_PRAGMAS: [&str; 6] = [
    "busy_timeout",
    "foreign_keys",
    "synchronous",
    "temp_store",
    "journal_mode",
    "cache_size",
];

/// A migrated in-memory store with the fuzz device's agency, and whatever
/// the target's setup wrote; never changed once built.
pub struct Template {
    conn: Connection,
    pragmas: Vec<(&'static str, Value)>,
}

impl Template {
    /// Open and migrate a store as the server does (`open_writer`), add the
    /// fuzz device's agency, then run `setup` (in the target: what every
    /// input starts from, such as a stored contact).
    pub fn new(setup: impl FnOnce(&mut Connection, &DeviceAuth)) -> Template {
        let mut conn = relais_sync::open::open_writer(Path::new(":memory:")).expect("in-memory store");
        let who = fuzz_device();
        // The row `accounts::create_agency` writes, under the fixed id.
        conn.execute(
            "INSERT INTO agencies (id, name, created_at) VALUES (?1, 'Agence Fuzz', ?2)",
            (who.agency.to_string(), NOW),
        )
        .expect("agency");
        setup(&mut conn, &who);
        let pragmas = CONNECTION_PRAGMAS
            .iter()
            .map(|&name| {
                let value: Value = conn.pragma_query_value(None, name, |row| row.get(0)).expect("pragma");
                (name, value)
            })
            .collect();
        Template { conn, pragmas }
    }

    /// A fresh store equal to the template: a new in-memory connection, every
    /// page copied into it, and the template's connection settings.
    pub fn copy(&self) -> Connection {
        let mut copy = Connection::open_in_memory().expect("in-memory connection");
        {
            let backup = Backup::new(&self.conn, &mut copy).expect("backup");
            // A negative count copies every page in one step.
            let step = backup.step(-1).expect("backup step");
            assert!(matches!(step, StepResult::Done), "the copy did not finish: {step:?}");
        }
        for (name, value) in &self.pragmas {
            copy.pragma_update(None, name, value).expect("pragma");
            let set: Value = copy.pragma_query_value(None, name, |row| row.get(0)).expect("pragma");
            assert_eq!(&set, value, "pragma {name} differs from the template's");
        }
        copy
    }

    /// A transaction on the template itself, for code that takes a
    /// transaction and never commits it: it cannot be committed, and
    /// dropping it rolls back everything the input wrote, so the template
    /// stays as built.
    pub fn rolled_back(&self) -> RolledBack<'_> {
        RolledBack {
            conn: &self.conn,
            tx: Some(self.conn.unchecked_transaction().expect("transaction")),
        }
    }
}

/// A transaction that is always rolled back (see [`Template::rolled_back`]).
pub struct RolledBack<'t> {
    conn: &'t Connection,
    tx: Option<Transaction<'t>>,
}

impl<'t> Deref for RolledBack<'t> {
    type Target = Transaction<'t>;

    fn deref(&self) -> &Transaction<'t> {
        self.tx.as_ref().expect("the transaction is open until dropped")
    }
}

impl Drop for RolledBack<'_> {
    /// Roll back, and make sure it happened: a failed rollback (which a
    /// plain drop would ignore) would let one input see the next.
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            tx.rollback().expect("the input's writes are rolled back");
        }
        assert!(self.conn.is_autocommit(), "a transaction is still open on the template");
    }
}
