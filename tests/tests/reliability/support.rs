//! What the reliability tests share: syncing through faults while recording
//! what the server acknowledged, a day's offline work, and the checks made
//! on the database afterwards.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::{ChangeHash, ReadDoc};
use rand::Rng;
use relais_schema::{write, Attendance, DocumentId, RecordType};
use relais_server::demo::generate::{Author, RecordGenerator};
use relais_server::phone::{Phone, PhoneError};
use relais_sync::protocol::{self, DocStatus};
use rusqlite::Connection;

/// The longest any wait in these tests may take before it fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(600);

/// Every (document, heads) pair the server answered `ok` for.
pub type Acked = Arc<Mutex<Vec<(DocumentId, Vec<ChangeHash>)>>>;

/// One round trip that records what the server acknowledged.
pub fn sync_recording(phone: &mut Phone, acked: &Acked) -> Result<(), PhoneError> {
    let request = phone.device.next_request(phone.pull_budget)?;
    let sent: BTreeMap<_, _> = request.push.iter().map(|d| (d.id, d.heads.clone())).collect();
    let answer = phone.post_sync(protocol::encode_request(&request))?;
    let response = protocol::decode_response(&answer)?;
    {
        let mut acked = acked.lock().unwrap_or_else(|p| p.into_inner());
        for result in response.results.iter().filter(|r| r.status == DocStatus::Ok) {
            if let Some(heads) = sent.get(&result.id) {
                acked.push((result.id, heads.clone()));
            }
        }
    }
    phone.device.handle_response(response)?;
    Ok(())
}

/// What one phone's sync until idle took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Effort {
    /// Round trips answered.
    pub answered: usize,
    /// Attempts that failed on the network (or with a 5xx) and were retried.
    pub retried: usize,
    /// Documents pushed and answered.
    pub pushed: usize,
}

/// Sync until idle, retrying network failures and 5xx answers at once (the
/// network in these tests is what delays). Anything else fails the test.
pub fn sync_until_idle_through_faults(phone: &mut Phone, acked: &Acked) -> Effort {
    let deadline = Instant::now() + PATIENCE;
    let mut effort = Effort::default();
    loop {
        assert!(Instant::now() < deadline, "a phone was not idle after {PATIENCE:?}");
        let pending = phone
            .device
            .next_request(phone.pull_budget)
            .expect("request")
            .push
            .len();
        match sync_recording(phone, acked) {
            Ok(()) => {
                effort.answered += 1;
                effort.pushed += pending;
                if phone.device.is_idle() {
                    return effort;
                }
            }
            Err(PhoneError::Network(_)) => effort.retried += 1,
            Err(PhoneError::Refused { status, .. }) if status >= 500 => effort.retried += 1,
            Err(other) => panic!("phone {}: {other}", phone.device.id()),
        }
    }
}

/// The day's shared records: contacts to edit and sessions to mark.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    /// Contacts every phone may edit.
    pub contacts: Vec<DocumentId>,
    /// Sessions every phone marks attendance on.
    pub sessions: Vec<DocumentId>,
}

/// What a phone does offline, per round.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// New contacts.
    pub contacts: usize,
    /// Edits of shared contacts.
    pub edits: usize,
    /// Attendance marks on shared sessions.
    pub marks: usize,
}

/// The author of records made on `phone`.
pub fn author(phone: &Phone) -> Author {
    Author {
        user: phone.user,
        agency: phone.agency,
    }
}

fn today() -> time::Date {
    time::macros::date!(2026 - 11 - 29)
}

/// Sessions and contacts for the day, created on one phone (not yet synced).
pub fn prepare_shared(phone: &mut Phone, contacts: usize, sessions: usize) -> Shared {
    let author = author(phone);
    let mut generator = RecordGenerator::new(0, today());
    let mut shared = Shared::default();
    for _ in 0..sessions {
        let id = phone
            .device
            .create(RecordType::Session, |doc, id| {
                write::write_session(doc, &generator.session(id, author, today(), today(), &[author.user]))
            })
            .expect("session");
        shared.sessions.push(id);
    }
    for _ in 0..contacts {
        let id = phone
            .device
            .create(RecordType::Contact, |doc, id| {
                write::write_contact(doc, &generator.contact(id, author, today()))
            })
            .expect("contact");
        shared.contacts.push(id);
    }
    shared
}

/// One phone's offline work: new contacts (realistic, with names, phones and
/// notes), edits of shared contacts, attendance marks on shared sessions.
pub fn offline_work(phone: &mut Phone, plan: Plan, shared: &Shared, seed: u64) -> Vec<DocumentId> {
    let author = author(phone);
    let mut generator = RecordGenerator::new(seed, today());
    let mut created = Vec::new();
    for _ in 0..plan.contacts {
        let id = phone
            .device
            .create(RecordType::Contact, |doc, id| {
                write::write_contact(doc, &generator.contact(id, author, today()))
            })
            .expect("contact");
        created.push(id);
    }
    let edits = if shared.contacts.is_empty() { 0 } else { plan.edits };
    for _ in 0..edits {
        let contact = shared.contacts[generator.rng().gen_range(0..shared.contacts.len())];
        let edit = generator.contact_edit(author, today());
        phone.device.edit(contact, |doc| edit.apply(doc)).expect("edit");
    }
    if !shared.sessions.is_empty() && !shared.contacts.is_empty() {
        for _ in 0..plan.marks {
            let session = shared.sessions[generator.rng().gen_range(0..shared.sessions.len())];
            let contact = shared.contacts[generator.rng().gen_range(0..shared.contacts.len())];
            let mark = Attendance {
                contact_id: contact,
                status: generator.attendance_status(),
                by: Some(author.user),
                at: Some(generator.working_time(today())),
            };
            phone
                .device
                .edit(session, |doc| write::mark_attendance(doc, &mark))
                .expect("mark");
        }
    }
    created
}

/// `PRAGMA integrity_check` says `ok`.
pub fn assert_intact(conn: &Connection) {
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok", "the database is damaged");
}

/// Every acknowledged change is in its stored document.
pub fn assert_acknowledged_present(conn: &Connection, acked: &[(DocumentId, Vec<ChangeHash>)]) {
    let mut latest: BTreeMap<DocumentId, Vec<Vec<ChangeHash>>> = BTreeMap::new();
    for (id, heads) in acked {
        latest.entry(*id).or_default().push(heads.clone());
    }
    for (id, all_heads) in latest {
        let snapshot: Vec<u8> = conn
            .query_row("SELECT snapshot FROM documents WHERE id = ?1", [id.to_string()], |r| {
                r.get(0)
            })
            .unwrap_or_else(|e| panic!("acknowledged document {id} is not stored: {e}"));
        let doc = automerge::Automerge::load(&snapshot).expect("a stored document loads");
        for head in all_heads.iter().flatten() {
            assert!(
                doc.get_change_by_hash(head).is_some(),
                "acknowledged change {head} of {id} was lost"
            );
        }
    }
}

/// No change is logged twice for a document, and no document is stored twice.
pub fn assert_no_duplicates(conn: &Connection) {
    let twice: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT 1 FROM log WHERE kind = 'change'
               GROUP BY doc_id, hash HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .expect("duplicate query");
    assert_eq!(twice, 0, "changes logged twice");
    let documents: i64 = conn
        .query_row("SELECT COUNT(*) - COUNT(DISTINCT id) FROM documents", [], |r| r.get(0))
        .expect("document query");
    assert_eq!(documents, 0, "documents stored twice");
}

/// Projection tables compared with a rebuild from the documents.
pub const PROJECTION_TABLES: [&str; 8] = [
    "contacts",
    "contact_languages",
    "contact_interests",
    "follow_ups",
    "sessions",
    "attendance",
    "visits",
    "conflicts",
];

/// Every row of the projection tables, as sorted text.
pub fn projection_rows(conn: &Connection) -> BTreeMap<&'static str, Vec<String>> {
    PROJECTION_TABLES
        .iter()
        .map(|table| {
            let mut statement = conn.prepare(&format!("SELECT * FROM {table}")).expect("select");
            let columns = statement.column_count();
            let mut rows: Vec<String> = statement
                .query_map([], |row| {
                    (0..columns)
                        .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|values| values.join("|"))
                })
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("row");
            rows.sort();
            (*table, rows)
        })
        .collect()
}

/// Run `relais reproject` on the data folder and check the tables did not change.
pub fn assert_projection_equals_reproject(data: &Path) {
    let database = data.join("relais.sqlite");
    let before = projection_rows(&Connection::open(&database).expect("open"));
    let status = std::process::Command::new(relais_tests::process::relais_binary())
        .args(["reproject", "--data"])
        .arg(data)
        .env("RELAIS_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("relais reproject runs");
    assert!(status.success(), "relais reproject failed");
    let after = projection_rows(&Connection::open(&database).expect("open"));
    for table in PROJECTION_TABLES {
        assert!(
            before[table] == after[table],
            "table {table} differs from a fresh reprojection ({} rows before, {} after)",
            before[table].len(),
            after[table].len()
        );
    }
}

/// Every phone holds exactly the server's documents at the server's heads.
pub fn assert_replicas_identical(conn: &Connection, agency: &str, phones: &[Phone]) {
    let mut statement = conn
        .prepare("SELECT id, heads FROM documents WHERE agency_id = ?1")
        .expect("select");
    let server: BTreeMap<String, Vec<ChangeHash>> = statement
        .query_map([agency], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .expect("rows")
        .map(|row| {
            let (id, heads) = row.expect("row");
            let mut heads = relais_sync::apply::heads_from_blob(&heads);
            heads.sort_unstable();
            (id, heads)
        })
        .collect();
    for phone in phones {
        let local: BTreeMap<String, Vec<ChangeHash>> = phone
            .device
            .document_ids()
            .into_iter()
            .map(|id| {
                let mut heads = phone.device.heads(id).unwrap_or_default();
                heads.sort_unstable();
                (id.to_string(), heads)
            })
            .collect();
        assert_eq!(local.len(), server.len(), "phone {} document count", phone.device.id());
        assert!(local == server, "phone {} differs from the server", phone.device.id());
    }
}
