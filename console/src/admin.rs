//! Administration: agencies, users and their roles, devices.
//!
//! Listing is read-only; the few writes (changing a user) run on the store's
//! writer like every other write.

use relais_schema::{AgencyId, DeviceId, UserId};
use relais_sync::accounts::{self, Role, User};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{stored, ConsoleError};
use crate::login_session;

/// An agency as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// An enabled user by id, with their agencies; `None` when unknown or disabled.
pub fn load_user(conn: &Connection, id: UserId) -> Result<Option<User>, ConsoleError> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached("SELECT username, display_name, role FROM users WHERE id = ?1 AND disabled_at IS NULL")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((username, display_name, role)) = row else {
        return Ok(None);
    };
    Ok(Some(User {
        id,
        username,
        display_name,
        role: role.parse()?,
        agencies: user_agencies(conn, id)?,
    }))
}

fn user_agencies(conn: &Connection, id: UserId) -> Result<Vec<AgencyId>, ConsoleError> {
    let mut stmt = conn.prepare_cached("SELECT agency_id FROM user_agencies WHERE user_id = ?1 ORDER BY agency_id")?;
    let ids = stmt
        .query_map([id.to_string()], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter().map(|a| stored(a)).collect()
}

/// The agencies `user` may read: every agency for an administrator, their own otherwise; by name.
pub fn visible_agencies(conn: &Connection, user: &User) -> Result<Vec<Agency>, ConsoleError> {
    let all = list_agencies(conn)?;
    Ok(match user.role {
        Role::Admin => all,
        _ => all
            .into_iter()
            .filter(|a| user.agencies.iter().any(|id| id.to_string() == a.id))
            .collect(),
    })
}

/// Every agency, by name.
pub fn list_agencies(conn: &Connection) -> Result<Vec<Agency>, ConsoleError> {
    Ok(accounts::list_agencies(conn)?
        .into_iter()
        .map(|(id, name)| Agency {
            id: id.to_string(),
            name,
        })
        .collect())
}

/// A user as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// `agent`, `supervisor` or `admin`.
    pub role: String,
    /// Agency ids.
    pub agencies: Vec<String>,
    /// When created.
    pub created_at: String,
    /// Whether the account is disabled.
    pub disabled: bool,
}

/// Every user, by username.
pub fn list_users(conn: &Connection) -> Result<Vec<UserRow>, ConsoleError> {
    let mut stmt = conn.prepare(
        "SELECT u.id, u.username, u.display_name, u.role, u.created_at, u.disabled_at IS NOT NULL,
                COALESCE((SELECT group_concat(agency_id, ' ') FROM
                    (SELECT agency_id FROM user_agencies a WHERE a.user_id = u.id ORDER BY agency_id)), '')
         FROM users u ORDER BY u.username",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let agencies: String = r.get(6)?;
            Ok(UserRow {
                id: r.get(0)?,
                username: r.get(1)?,
                display_name: r.get(2)?,
                role: r.get(3)?,
                created_at: r.get(4)?,
                disabled: r.get(5)?,
                agencies: agencies.split_whitespace().map(str::to_string).collect(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The changes an administrator asks for on a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// New display name.
    pub display_name: Option<String>,
    /// New password (at least 8 characters).
    pub password: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New agencies (replacing the old ones).
    pub agencies: Option<Vec<AgencyId>>,
    /// Disable (true) or enable (false) the account.
    pub disabled: Option<bool>,
}

/// Apply `change` to `user` in one transaction. A new password, a new role,
/// new agencies or disabling ends the user's console sessions.
pub fn update_user(conn: &mut Connection, user: UserId, change: &UserChange, now: &str) -> Result<(), ConsoleError> {
    let tx = conn.transaction()?;
    let current: Option<String> = tx
        .query_row("SELECT role FROM users WHERE id = ?1", [user.to_string()], |r| r.get(0))
        .optional()?;
    let current: Role = current
        .ok_or_else(|| ConsoleError::NotFound(format!("user {user}")))?
        .parse()?;
    let role = change.role.unwrap_or(current);
    let agencies = match &change.agencies {
        Some(list) => list.clone(),
        None => user_agencies(&tx, user)?,
    };
    match (role, agencies.len()) {
        (Role::Agent, 1) | (Role::Supervisor, 1..) | (Role::Admin, _) => {}
        (Role::Agent, _) => return Err(ConsoleError::Invalid("an agent belongs to exactly one agency".into())),
        (Role::Supervisor, _) => {
            return Err(ConsoleError::Invalid(
                "a supervisor belongs to at least one agency".into(),
            ))
        }
    }
    if let Some(name) = &change.display_name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ConsoleError::Invalid("a display name has 1 to 100 characters".into()));
        }
        tx.execute(
            "UPDATE users SET display_name = ?2 WHERE id = ?1",
            params![user.to_string(), name],
        )?;
    }
    if let Some(password) = &change.password {
        if password.chars().count() < 8 {
            return Err(ConsoleError::Invalid("a password has at least 8 characters".into()));
        }
        let hash = accounts::hash_password(password)?;
        tx.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![user.to_string(), hash],
        )?;
    }
    if change.role.is_some() {
        tx.execute(
            "UPDATE users SET role = ?2 WHERE id = ?1",
            params![user.to_string(), role.as_str()],
        )?;
    }
    if let Some(list) = &change.agencies {
        tx.execute("DELETE FROM user_agencies WHERE user_id = ?1", [user.to_string()])?;
        for agency in list {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM agencies WHERE id = ?1)",
                [agency.to_string()],
                |r| r.get(0),
            )?;
            if !known {
                return Err(ConsoleError::NotFound(format!("agency {agency}")));
            }
            tx.execute(
                "INSERT INTO user_agencies (user_id, agency_id) VALUES (?1, ?2)",
                params![user.to_string(), agency.to_string()],
            )?;
        }
    }
    match change.disabled {
        Some(true) => {
            tx.execute(
                "UPDATE users SET disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1",
                params![user.to_string(), now],
            )?;
        }
        Some(false) => {
            tx.execute("UPDATE users SET disabled_at = NULL WHERE id = ?1", [user.to_string()])?;
        }
        None => {}
    }
    if change.password.is_some() || change.role.is_some() || change.agencies.is_some() || change.disabled == Some(true)
    {
        login_session::end_all_of(&tx, user)?;
    }
    tx.commit()?;
    Ok(())
}

/// A device as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceRow {
    /// Id.
    pub id: String,
    /// The user it was enrolled for.
    pub user_id: String,
    /// That user's login.
    pub username: String,
    /// Its agency.
    pub agency_id: String,
    /// The name given at enrolment.
    pub label: String,
    /// When enrolled.
    pub enrolled_at: String,
    /// When it last sent changes.
    pub last_sync_at: Option<String>,
    /// How many changes its last sync with changes carried.
    pub last_changes: i64,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// Every device, newest first.
pub fn list_devices(conn: &Connection) -> Result<Vec<DeviceRow>, ConsoleError> {
    Ok(accounts::list_devices(conn)?
        .into_iter()
        .map(|d| DeviceRow {
            id: d.id.to_string(),
            user_id: d.user.to_string(),
            username: d.username,
            agency_id: d.agency.to_string(),
            label: d.name,
            enrolled_at: d.created_at,
            last_sync_at: d.last_sync_at,
            last_changes: d.last_changes,
            revoked: d.revoked_at.is_some(),
        })
        .collect())
}

/// Whether device `id` exists (for a 404 before revoking).
pub fn device_exists(conn: &Connection, id: DeviceId) -> Result<bool, ConsoleError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1)",
        [id.to_string()],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store::{agency, memory_store, user};

    #[test]
    fn an_administrator_sees_every_agency_and_a_supervisor_only_theirs() {
        let conn = memory_store();
        let (_, sara) = user(&conn, "sara", Role::Supervisor);
        let (_, root) = user(&conn, "root", Role::Admin);
        agency(&conn, "Autre");
        assert_eq!(visible_agencies(&conn, &sara).expect("agencies").len(), 1);
        assert_eq!(visible_agencies(&conn, &root).expect("agencies").len(), 2);
    }

    #[test]
    fn changing_a_role_checks_the_agencies_and_ends_the_sessions() {
        let mut conn = memory_store();
        let (id, _) = user(&conn, "sara", Role::Supervisor);
        let (token, _) = login_session::start(&conn, id, 0).expect("session");
        let other = agency(&conn, "Autre");
        let current = user_agencies(&conn, id).expect("agencies");
        let two_agencies = UserChange {
            role: Some(Role::Agent),
            agencies: Some(vec![current[0], other]),
            ..UserChange::default()
        };
        assert!(matches!(
            update_user(&mut conn, id, &two_agencies, "t"),
            Err(ConsoleError::Invalid(_))
        ));
        assert!(login_session::find(&conn, &token, 1).expect("query").is_some());
        let to_admin = UserChange {
            role: Some(Role::Admin),
            ..UserChange::default()
        };
        update_user(&mut conn, id, &to_admin, "t").expect("update");
        assert_eq!(load_user(&conn, id).expect("load").expect("user").role, Role::Admin);
        assert!(login_session::find(&conn, &token, 1).expect("query").is_none());
    }

    #[test]
    fn a_disabled_user_is_listed_as_disabled_and_cannot_be_loaded() {
        let mut conn = memory_store();
        let (id, _) = user(&conn, "sara", Role::Supervisor);
        let disable = UserChange {
            disabled: Some(true),
            ..UserChange::default()
        };
        update_user(&mut conn, id, &disable, "t").expect("update");
        assert!(load_user(&conn, id).expect("load").is_none());
        let rows = list_users(&conn).expect("users");
        assert!(rows.iter().any(|u| u.username == "sara" && u.disabled));
    }
}
