//! The demo agency: something to look at the moment the server starts.
//!
//! `relais serve --demo` seeds, once, an agency with an administrator, a
//! supervisor and two agents, and what the agents recorded over the last
//! months: a few hundred contacts, sessions with attendance and outreach
//! visits. The records are written the way phones write them — Automerge
//! documents built by a [`Device`](relais_sync::device::Device) with
//! [`relais_schema::write`], pushed through [`relais_sync::service::sync`] —
//! so they are stored, logged and projected exactly like real ones, and the
//! two agents edit some of the same records concurrently (the supervisor's
//! conflict list is not empty).
//!
//! The content comes from a seeded generator: the same people, sessions and
//! visits every time (only the random document ids differ between databases).
//! The logins are fixed and printed at start; `relais simulate` uses the
//! agents' logins by default.

pub mod contact_edit;
pub mod generate;
pub mod local_phone;
pub mod logins;
pub mod names;

use anyhow::{bail, Context};
use rand::Rng;
use relais_schema::{write, Attendance, DocumentId, RecordType, UserId};
use relais_sync::accounts::{self, NewUser, Role, User};
use relais_sync::{DeviceAuth, Store, StoreError};
use time::{Date, Duration};

use crate::clock;
use generate::RecordGenerator;
use local_phone::LocalPhone;
pub use logins::{print_logins, DemoLogin, DemoLogins, AGENCY_NAME};

/// Contacts the demo agents recorded.
pub const CONTACTS: usize = 300;
/// Sessions at the agency (some upcoming, without attendance yet).
pub const SESSIONS: usize = 20;
/// Outreach visits.
pub const VISITS: usize = 30;
/// The generator's seed: the demo is the same every time.
const SEED: u64 = 2026;
/// How far back the demo history goes, in days.
const HISTORY_DAYS: i64 = 120;

/// Seed the demo agency unless it exists; return its logins either way.
pub fn seed(store: &Store) -> anyhow::Result<DemoLogins> {
    seed_on(store, time::OffsetDateTime::now_utc().date())
}

/// [`seed`], with the records dated up to `today`.
pub fn seed_on(store: &Store, today: Date) -> anyhow::Result<DemoLogins> {
    let logins = DemoLogins::fixed();
    let exists = store.read(|conn| match accounts::find_agency(conn, AGENCY_NAME) {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    })?;
    if exists {
        tracing::info!(agency = AGENCY_NAME, "the demo agency exists already");
        return Ok(logins);
    }
    let started = std::time::Instant::now();
    let mut agents = create_accounts(store, &logins)?;
    let [first, second] = agents.as_mut_slice() else {
        bail!("the demo has two agents");
    };
    record_history(store, today, first, second)?;
    tracing::info!(
        agency = AGENCY_NAME,
        contacts = CONTACTS,
        sessions = SESSIONS,
        visits = VISITS,
        seconds = started.elapsed().as_secs_f64(),
        "demo agency seeded"
    );
    Ok(logins)
}

/// The agency, its users, and one enrolled phone per agent.
fn create_accounts(store: &Store, logins: &DemoLogins) -> anyhow::Result<Vec<LocalPhone>> {
    let now = clock::now();
    let agency = {
        let now = now.clone();
        store
            .write(move |conn| accounts::create_agency(conn, AGENCY_NAME, &now))
            .context("cannot create the demo agency")?
    };
    let mut phones = Vec::new();
    for login in &logins.logins {
        let agencies = if login.role == Role::Admin {
            vec![]
        } else {
            vec![agency]
        };
        let username = &login.username;
        let user = {
            let (login, agencies, now) = (login.clone(), agencies.clone(), now.clone());
            store
                .write(move |conn| {
                    accounts::create_user(
                        conn,
                        &NewUser {
                            username: &login.username,
                            display_name: &login.display_name,
                            role: login.role,
                            password: &login.password,
                            agencies: &agencies,
                        },
                        &now,
                    )
                })
                .with_context(|| format!("cannot create the demo user {username}"))?
        };
        if login.role != Role::Agent {
            continue;
        }
        let account = User {
            id: user,
            username: login.username.clone(),
            display_name: login.display_name.clone(),
            role: login.role,
            agencies,
        };
        let name = format!("Téléphone de {}", login.display_name);
        let now = now.clone();
        let (device, _token) = store
            .write(move |conn| accounts::enrol_device(conn, &account, agency, &name, &now))
            .context("cannot enrol a demo phone")?;
        phones.push(LocalPhone::new(DeviceAuth { device, user, agency }));
    }
    Ok(phones)
}

/// What the two agents recorded: first each on their own phone, then, once
/// both have synced, attendance, follow-ups and head counts on each other's
/// records, some of them concurrently.
fn record_history(store: &Store, today: Date, first: &mut LocalPhone, second: &mut LocalPhone) -> anyhow::Result<()> {
    let mut generator = RecordGenerator::new(SEED, today);
    let agents = [first.auth.user, second.auth.user];

    let mut contacts = Vec::with_capacity(CONTACTS);
    for _ in 0..CONTACTS {
        let back = generator.rng().gen_range(0..HISTORY_DAYS);
        let met = generator.days_ago(back);
        let phone = pick_phone(&mut generator, first, second, 0.55);
        let author = phone.author();
        let id = phone.device.create(RecordType::Contact, |doc, id| {
            write::write_contact(doc, &generator.contact(id, author, met))
        })?;
        contacts.push(id);
    }

    let mut past_sessions = Vec::new();
    for index in 0..SESSIONS {
        // Most sessions are behind us; the last few are coming up.
        let offset = HISTORY_DAYS - 10 - (index as i64 * (HISTORY_DAYS + 5) / SESSIONS as i64);
        let day = today - Duration::days(offset);
        let created = (day - Duration::days(10)).min(today);
        let phone = if index % 2 == 0 { &mut *first } else { &mut *second };
        let author = phone.author();
        let id = phone.device.create(RecordType::Session, |doc, id| {
            write::write_session(doc, &generator.session(id, author, created, day, &agents))
        })?;
        if day <= today {
            past_sessions.push((id, day));
        }
    }

    let mut visits = Vec::with_capacity(VISITS);
    for _ in 0..VISITS {
        let back = generator.rng().gen_range(0..HISTORY_DAYS);
        let day = generator.days_ago(back);
        let together = generator.rng().gen_bool(0.4);
        let phone = pick_phone(&mut generator, first, second, 0.5);
        let author = phone.author();
        let other = agents.into_iter().find(|a| *a != author.user);
        let agents: Vec<UserId> = match (together, other) {
            (true, Some(other)) => vec![author.user, other],
            _ => vec![author.user],
        };
        let id = phone.device.create(RecordType::Visit, |doc, id| {
            write::write_visit(doc, &generator.visit(id, author, day, &agents))
        })?;
        visits.push(id);
    }

    sync_both(store, first, second)?;

    mark_attendance(&mut generator, first, second, &past_sessions, &contacts)?;
    follow_up_contacts(&mut generator, first, second, &contacts)?;
    for visit in visits.iter().take(8) {
        let people = generator.rng().gen_range(1..6);
        let women = generator.rng().gen_range(0..=people);
        let phone = pick_phone(&mut generator, first, second, 0.5);
        phone
            .device
            .edit(*visit, |doc| write::add_reached(doc, people, women))?;
    }

    sync_both(store, first, second)?;
    if first.device.document_ids() != second.device.document_ids()
        || first
            .device
            .document_ids()
            .into_iter()
            .any(|id| first.device.heads(id) != second.device.heads(id))
    {
        bail!("the two demo phones did not converge after syncing");
    }
    Ok(())
}

/// `first` with probability `p`, else `second`.
fn pick_phone<'a>(
    generator: &mut RecordGenerator,
    first: &'a mut LocalPhone,
    second: &'a mut LocalPhone,
    p: f64,
) -> &'a mut LocalPhone {
    if generator.rng().gen_bool(p) {
        first
    } else {
        second
    }
}

/// Both phones push, then the first pulls what the second pushed.
fn sync_both(store: &Store, first: &mut LocalPhone, second: &mut LocalPhone) -> anyhow::Result<()> {
    first.sync_until_idle(store)?;
    second.sync_until_idle(store)?;
    first.sync_until_idle(store)?;
    Ok(())
}

/// Each past session gets its attendance, split between the two agents; a
/// few people are marked by both, not always with the same status.
fn mark_attendance(
    generator: &mut RecordGenerator,
    first: &mut LocalPhone,
    second: &mut LocalPhone,
    sessions: &[(DocumentId, Date)],
    contacts: &[DocumentId],
) -> anyhow::Result<()> {
    for (session, day) in sessions {
        let count = generator.rng().gen_range(6..=18);
        let mut attendees: Vec<DocumentId> = (0..count)
            .map(|_| contacts[generator.rng().gen_range(0..contacts.len())])
            .collect();
        attendees.sort_unstable();
        attendees.dedup();
        for contact in attendees {
            let both = generator.rng().gen_bool(0.1);
            let on_first = generator.rng().gen_bool(0.5);
            let phones: Vec<&mut LocalPhone> = match (both, on_first) {
                (true, _) => vec![&mut *first, &mut *second],
                (false, true) => vec![&mut *first],
                (false, false) => vec![&mut *second],
            };
            for phone in phones {
                let mark = Attendance {
                    contact_id: contact,
                    status: generator.attendance_status(),
                    by: Some(phone.auth.user),
                    at: Some(generator.working_time(*day)),
                };
                phone.device.edit(*session, |doc| write::mark_attendance(doc, &mark))?;
            }
        }
    }
    Ok(())
}

/// Follow-ups and updates on contacts, some on both phones at once.
fn follow_up_contacts(
    generator: &mut RecordGenerator,
    first: &mut LocalPhone,
    second: &mut LocalPhone,
    contacts: &[DocumentId],
) -> anyhow::Result<()> {
    for round in 0..80 {
        let contact = contacts[generator.rng().gen_range(0..contacts.len())];
        // One in eight is edited on both phones before they sync again.
        let phones: Vec<&mut LocalPhone> = if round % 8 == 0 {
            vec![&mut *first, &mut *second]
        } else {
            vec![pick_phone(generator, first, second, 0.5)]
        };
        for phone in phones {
            let edit = generator.contact_edit(phone.author(), generator.today());
            phone.device.edit(contact, |doc| edit.apply(doc))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(store: &Store, sql: &'static str) -> Result<i64, StoreError> {
        store.read(|conn| Ok(conn.query_row(sql, [], |r| r.get(0))?))
    }

    #[test]
    fn seeding_twice_creates_the_demo_once_with_every_record_projected() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("relais.sqlite"))?;
        let today = Date::from_calendar_date(2026, time::Month::November, 29)?;

        let first = seed_on(&store, today)?;
        let documents = count(&store, "SELECT COUNT(*) FROM documents")?;
        let attendance = count(&store, "SELECT COUNT(*) FROM attendance")?;
        let second = seed_on(&store, today)?;

        assert_eq!(first.logins, second.logins);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM agencies")?, 1);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM users")?, 4);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM contacts")?, CONTACTS as i64);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM sessions")?, SESSIONS as i64);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM visits")?, VISITS as i64);
        assert_eq!(
            documents,
            (CONTACTS + SESSIONS + VISITS) as i64,
            "one document per record"
        );
        assert_eq!(count(&store, "SELECT COUNT(*) FROM documents")?, documents);
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM documents WHERE quarantine IS NOT NULL")?,
            0
        );
        assert!(attendance > 100, "sessions have attendance: {attendance}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM attendance")?, attendance);
        assert!(count(&store, "SELECT COUNT(*) FROM follow_ups")? > 100);
        assert!(
            count(&store, "SELECT COUNT(*) FROM conflicts WHERE winner = 0")? > 0,
            "concurrent edits left conflicts to review"
        );
        Ok(())
    }
}
