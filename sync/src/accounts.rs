//! Agencies, users and devices: plain server data, not CRDTs.
//!
//! Passwords are hashed with Argon2id. A device token is 32 random bytes
//! (base64url), shown once at enrolment and stored only as its SHA-256 hash: a
//! token has full entropy, so a fast hash suffices, and a stolen database does
//! not yield usable tokens.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::device_auth::DeviceAuth;
use crate::error::StoreError;
use relais_schema::{AgencyId, DeviceId, UserId};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Records contacts, sessions and visits on a phone.
    Agent,
    /// Follows indicators and exports the records of one or more agencies.
    Supervisor,
    /// Manages agencies, users and devices.
    Admin,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agent" => Ok(Role::Agent),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(StoreError::Invalid(format!(
                "unknown role {other:?} (expected agent, supervisor or admin)"
            ))),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// What it may do.
    pub role: Role,
    /// The agencies it belongs to.
    pub agencies: Vec<AgencyId>,
}

/// A device token, as shown once to the device.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(String);

impl DeviceToken {
    /// The token text to put in `Authorization: Bearer …`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Wrap a token received from a client.
    pub fn from_client(text: &str) -> Self {
        Self(text.to_string())
    }

    fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(…)")
    }
}

/// An enrolled device as listed to administrators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Its id.
    pub id: DeviceId,
    /// The user it was enrolled for.
    pub user: UserId,
    /// That user's login.
    pub username: String,
    /// Its agency.
    pub agency: AgencyId,
    /// A name given at enrolment.
    pub name: String,
    /// When it was enrolled.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// When it last pushed changes.
    pub last_sync_at: Option<String>,
    /// How many changes its last push stored.
    pub last_changes: i64,
}

/// What a presented token resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// A valid device.
    Valid(DeviceAuth),
    /// A device that was revoked: it must wipe its local data.
    Revoked(DeviceId),
    /// No such token.
    Unknown,
}

/// Create an agency.
pub fn create_agency(conn: &Connection, name: &str, now: &str) -> Result<AgencyId, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("an agency needs a name".into()));
    }
    let id = AgencyId::random();
    let inserted = conn.execute(
        "INSERT INTO agencies (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
        params![id.to_string(), name, now],
    )?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!("agency {name:?}")));
    }
    Ok(id)
}

/// Find an agency by name or id.
pub fn find_agency(conn: &Connection, name_or_id: &str) -> Result<AgencyId, StoreError> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM agencies WHERE id = ?1 OR name = ?1",
            [name_or_id],
            |r| r.get(0),
        )
        .optional()?;
    let id = id.ok_or_else(|| StoreError::NotFound(format!("agency {name_or_id:?}")))?;
    id.parse()
        .map_err(|e: relais_schema::InvalidId| StoreError::Inconsistent(e.to_string()))
}

/// Every agency: id and name.
pub fn list_agencies(conn: &Connection) -> Result<Vec<(AgencyId, String)>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, name FROM agencies ORDER BY name")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|(id, name)| Ok((parse(&id)?, name))).collect()
}

fn parse<T: FromStr<Err = relais_schema::InvalidId>>(text: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|e: relais_schema::InvalidId| StoreError::Inconsistent(e.to_string()))
}

/// Hash a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

/// The details of a new user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login name: 3 to 64 characters, no spaces.
    pub username: &'a str,
    /// Name shown to others.
    pub display_name: &'a str,
    /// Role.
    pub role: Role,
    /// Password, at least 8 characters.
    pub password: &'a str,
    /// Agencies: exactly one for an agent, at least one for a supervisor, none needed for an admin.
    pub agencies: &'a [AgencyId],
}

/// Create a user.
pub fn create_user(conn: &mut Connection, user: &NewUser<'_>, now: &str) -> Result<UserId, StoreError> {
    let username = user.username.trim();
    if username.len() < 3 || username.len() > 64 || username.contains(char::is_whitespace) {
        return Err(StoreError::Invalid(
            "a username has 3 to 64 characters and no spaces".into(),
        ));
    }
    if user.password.chars().count() < 8 {
        return Err(StoreError::Invalid("a password has at least 8 characters".into()));
    }
    match (user.role, user.agencies.len()) {
        (Role::Agent, 1) | (Role::Supervisor, 1..) | (Role::Admin, _) => {}
        (Role::Agent, _) => return Err(StoreError::Invalid("an agent belongs to exactly one agency".into())),
        (Role::Supervisor, _) => {
            return Err(StoreError::Invalid(
                "a supervisor belongs to at least one agency".into(),
            ))
        }
    }
    let hash = hash_password(user.password)?;
    let id = UserId::random();
    let tx = conn.transaction()?;
    let inserted = tx.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (username) DO NOTHING",
        params![
            id.to_string(),
            username,
            user.display_name,
            user.role.as_str(),
            hash,
            now
        ],
    )?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!("user {username:?}")));
    }
    for agency in user.agencies {
        tx.execute(
            "INSERT INTO user_agencies (user_id, agency_id) VALUES (?1, ?2)",
            params![id.to_string(), agency.to_string()],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                StoreError::NotFound(format!("agency {agency}"))
            }
            other => StoreError::Database(other),
        })?;
    }
    tx.commit()?;
    Ok(id)
}

fn user_row(conn: &Connection, username: &str) -> Result<Option<(User, String)>, StoreError> {
    let row: Option<(String, String, String, String)> = conn
        .query_row(
            "SELECT id, display_name, role, password_hash FROM users
             WHERE username = ?1 AND disabled_at IS NULL",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((id, display_name, role, hash)) = row else {
        return Ok(None);
    };
    let id: UserId = parse(&id)?;
    let mut stmt = conn.prepare_cached("SELECT agency_id FROM user_agencies WHERE user_id = ?1 ORDER BY agency_id")?;
    let agencies = stmt
        .query_map([id.to_string()], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .map(|a| parse(a))
        .collect::<Result<Vec<AgencyId>, _>>()?;
    let user = User {
        id,
        username: username.to_string(),
        display_name,
        role: role.parse()?,
        agencies,
    };
    Ok(Some((user, hash)))
}

/// Check a username and password. `None` when either is wrong (the two are not told apart).
pub fn verify_login(conn: &Connection, username: &str, password: &str) -> Result<Option<User>, StoreError> {
    let Some((user, hash)) = user_row(conn, username)? else {
        // Spend the same time as a real check so that usernames cannot be probed.
        let _ = hash_password(password);
        return Ok(None);
    };
    let parsed = PasswordHash::new(&hash).map_err(|e| StoreError::Inconsistent(format!("password hash: {e}")))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        .then_some(user))
}

/// Enrol a device for `user` in `agency`; returns its id and its token (shown once).
pub fn enrol_device(
    conn: &Connection,
    user: &User,
    agency: AgencyId,
    name: &str,
    now: &str,
) -> Result<(DeviceId, DeviceToken), StoreError> {
    if !user.agencies.contains(&agency) {
        return Err(StoreError::Invalid("the user does not belong to this agency".into()));
    }
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let token = DeviceToken(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret));
    let id = DeviceId::random();
    let name: String = name.trim().chars().take(100).collect();
    conn.execute(
        "INSERT INTO devices (id, user_id, agency_id, name, token_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id.to_string(),
            user.id.to_string(),
            agency.to_string(),
            name,
            token.hash(),
            now
        ],
    )?;
    Ok((id, token))
}

/// A device row as the token check reads it.
struct TokenRow {
    device: String,
    user: String,
    agency: String,
    revoked: bool,
}

/// Resolve a presented device token.
pub fn check_token(conn: &Connection, token: &DeviceToken) -> Result<TokenCheck, StoreError> {
    let row = conn
        .query_row(
            "SELECT d.id, d.user_id, d.agency_id, d.revoked_at IS NOT NULL OR u.disabled_at IS NOT NULL
             FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?1",
            [token.hash()],
            |r| {
                Ok(TokenRow {
                    device: r.get(0)?,
                    user: r.get(1)?,
                    agency: r.get(2)?,
                    revoked: r.get(3)?,
                })
            },
        )
        .optional()?;
    let Some(row) = row else { return Ok(TokenCheck::Unknown) };
    let device: DeviceId = parse(&row.device)?;
    if row.revoked {
        return Ok(TokenCheck::Revoked(device));
    }
    Ok(TokenCheck::Valid(DeviceAuth {
        device,
        user: parse(&row.user)?,
        agency: parse(&row.agency)?,
    }))
}

/// Revoke a device: its token answers 401 from now on.
pub fn revoke_device(conn: &Connection, device: DeviceId, now: &str) -> Result<(), StoreError> {
    let changed = conn.execute(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
        params![device.to_string(), now],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("device {device}")));
    }
    Ok(())
}

/// Every device, newest first.
pub fn list_devices(conn: &Connection) -> Result<Vec<DeviceInfo>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.user_id, u.username, d.agency_id, d.name, d.created_at, d.revoked_at,
                d.last_sync_at, d.last_changes
         FROM devices d JOIN users u ON u.id = d.user_id ORDER BY d.created_at DESC, d.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(id, user, username, agency, name, created_at, revoked_at, last_sync_at, last_changes)| {
                Ok(DeviceInfo {
                    id: parse(&id)?,
                    user: parse(&user)?,
                    username,
                    agency: parse(&agency)?,
                    name,
                    created_at,
                    revoked_at,
                    last_sync_at,
                    last_changes,
                })
            },
        )
        .collect()
}
