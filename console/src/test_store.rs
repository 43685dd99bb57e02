//! An in-memory store with every migration, for the unit tests.

use relais_schema::{AgencyId, UserId};
use relais_sync::accounts::{self, Role, User};
use rusqlite::Connection;

/// A fresh in-memory database at the latest schema.
pub fn memory_store() -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory database");
    conn.pragma_update(None, "foreign_keys", true).expect("pragma");
    for sql in relais_schema::migrations::MIGRATIONS {
        conn.execute_batch(sql).expect("migration");
    }
    conn
}

/// The agency named `name`, created if needed.
pub fn agency(conn: &Connection, name: &str) -> AgencyId {
    accounts::find_agency(conn, name)
        .or_else(|_| accounts::create_agency(conn, name, "2026-01-01T00:00:00Z"))
        .expect("agency")
}

/// A user of agency "Belleville" with role `role`.
pub fn user(conn: &Connection, username: &str, role: Role) -> (UserId, User) {
    let home = agency(conn, "Belleville");
    let agencies = if role == Role::Admin { vec![] } else { vec![home] };
    // The password hash is never checked here: sign-in is tested through the server.
    let id = UserId::random();
    conn.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?2, ?3, 'x', '2026-01-01T00:00:00Z')",
        rusqlite::params![id.to_string(), username, role.as_str()],
    )
    .expect("user");
    for a in &agencies {
        conn.execute(
            "INSERT INTO user_agencies (user_id, agency_id) VALUES (?1, ?2)",
            rusqlite::params![id.to_string(), a.to_string()],
        )
        .expect("membership");
    }
    let user = User {
        id,
        username: username.to_string(),
        display_name: username.to_string(),
        role,
        agencies,
    };
    (id, user)
}

/// A contact row as the projection would write it.
#[derive(Debug, Clone)]
pub struct ContactSeed<'a> {
    pub agency: AgencyId,
    pub created_by: UserId,
    pub created_at: &'a str,
    pub given: Option<&'a str>,
    pub family: Option<&'a str>,
    pub sex: Option<&'a str>,
    pub nationality: Option<&'a str>,
    pub status: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub interests: &'a [&'a str],
}

impl<'a> ContactSeed<'a> {
    /// A contact with only the required fields.
    pub fn new(agency: AgencyId, created_by: UserId, created_at: &'a str) -> Self {
        ContactSeed {
            agency,
            created_by,
            created_at,
            given: None,
            family: None,
            sex: None,
            nationality: None,
            status: None,
            stage: None,
            phone: None,
            interests: &[],
        }
    }
}

/// Insert a contact; returns its id.
pub fn contact(conn: &Connection, seed: &ContactSeed<'_>) -> String {
    let id = relais_schema::DocumentId::random().to_string();
    conn.execute(
        "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name, sex,
            nationality, status, stage, phone, consent_given)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)",
        rusqlite::params![
            id,
            seed.agency.to_string(),
            seed.created_by.to_string(),
            seed.created_at,
            seed.given,
            seed.family,
            seed.sex,
            seed.nationality,
            seed.status,
            seed.stage,
            seed.phone
        ],
    )
    .expect("contact");
    for interest in seed.interests {
        conn.execute(
            "INSERT INTO contact_interests (doc_id, interest) VALUES (?1, ?2)",
            rusqlite::params![id, interest],
        )
        .expect("interest");
    }
    id
}

/// Insert a session; returns its id.
pub fn session(conn: &Connection, agency: AgencyId, created_by: UserId, starts_at: &str, topic: &str) -> String {
    let id = relais_schema::DocumentId::random().to_string();
    conn.execute(
        "INSERT INTO sessions (doc_id, agency_id, schema, created_by, created_at, kind, topic, starts_at)
         VALUES (?1, ?2, 1, ?3, ?4, 'information', ?5, ?4)",
        rusqlite::params![id, agency.to_string(), created_by.to_string(), starts_at, topic],
    )
    .expect("session");
    id
}

/// Mark `contact` in `session`.
pub fn mark(conn: &Connection, session: &str, contact: &str, status: &str) {
    conn.execute(
        "INSERT INTO attendance (session_id, contact_id, status) VALUES (?1, ?2, ?3)",
        rusqlite::params![session, contact, status],
    )
    .expect("attendance");
}

/// Insert a visit.
pub fn visit(conn: &Connection, agency: AgencyId, created_by: UserId, date: &str, reached: i64, women: i64) -> String {
    let id = relais_schema::DocumentId::random().to_string();
    conn.execute(
        "INSERT INTO visits (doc_id, agency_id, schema, created_by, created_at, date, neighbourhood, reached,
            women_reached)
         VALUES (?1, ?2, 1, ?3, ?4, ?4, 'Belleville', ?5, ?6)",
        rusqlite::params![id, agency.to_string(), created_by.to_string(), date, reached, women],
    )
    .expect("visit");
    id
}
