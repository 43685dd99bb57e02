//! A day at the agency: phones come back with offline work and sync at once.

use std::time::{Duration, Instant};

use anyhow::Context;
use rand::Rng;
use relais_schema::{write, Attendance, DocumentId, RecordType};

use super::convergence::{compare, replica};
use super::fleet::{sync_until_idle, Budgets, Fleet, QuietOutcome};
use super::report::{DocumentCounts, Phase, Report, SecondsSpread, Work};
use super::server_process::ServerProcess;
use super::{device_seed, today, SimulateArgs, MAX_PASSES};
use crate::demo::generate::{Author, RecordGenerator};
use crate::phone::Phone;

/// Contacts edited by many phones (the ones everybody talks about), drawn
/// from the first ones by id so that every phone picks among the same.
const HOT_CONTACTS: usize = 20;
/// Share of edits that go to the hot contacts.
const HOT_SHARE: f64 = 0.3;
/// Sessions of the day, on which every phone marks attendance.
const SHARED_SESSIONS: usize = 3;
/// Contacts created before the day when the agency has fewer, so that there is something to edit.
const MIN_CONTACTS: usize = HOT_CONTACTS;

/// What each phone does offline in one round.
#[derive(Debug, Clone, Copy)]
struct Plan {
    contacts: usize,
    edits: usize,
    marks: usize,
}

/// The records every phone works on, the same on every phone.
#[derive(Debug, Clone, Default)]
struct Shared {
    contacts: Vec<DocumentId>,
    sessions: Vec<DocumentId>,
}

impl Shared {
    fn of(phone: &Phone) -> Self {
        let mut sessions = phone.device.documents_of(RecordType::Session);
        sessions.truncate(SHARED_SESSIONS);
        Self {
            contacts: phone.device.documents_of(RecordType::Contact),
            sessions,
        }
    }
}

/// Run the scenario.
pub fn run(args: &SimulateArgs, server: &str, logins: &[(String, String)]) -> anyhow::Result<Report> {
    let process = args.server_pid.map(ServerProcess::new);
    let mut fleet = Fleet::enrol(server, logins, args.devices, args.concurrency, Budgets::of(args))?;
    let mut refused = Vec::new();

    // Every phone fetches the agency, as after enrolment.
    let before = fleet.traffic();
    let mark = process.map(|p| p.start_phase());
    let started = Instant::now();
    let first = fleet.sync_until_quiet(MAX_PASSES)?;
    refused.extend(first.refused);
    let mut waiting = first.waiting;
    if let Some(setup) = prepare_shared_records(&mut fleet)? {
        refused.extend(setup.refused);
        for (waited, more) in waiting.iter_mut().zip(setup.waiting) {
            *waited += more;
        }
    }
    let mut first_phase = Phase::from_traffic(
        "first_sync",
        "every device enrols and fetches the agency".into(),
        started.elapsed().as_secs_f64(),
        &before,
        &fleet.traffic(),
    );
    first_phase.documents = fleet.phones.first().map(|p| p.device.len() as u64);
    first_phase.waiting = SecondsSpread::of(&waiting);
    first_phase.server = process.zip(mark).map(|(p, m)| p.end_phase(m));

    // Rounds of offline work, then everybody syncs at once.
    let plan = Plan {
        contacts: args.contacts_per_device,
        edits: args.edits_per_device,
        marks: args.marks_per_device,
    };
    let before = fleet.traffic();
    let mark = process.map(|p| p.start_phase());
    let mut work = Work {
        rounds: args.rounds,
        ..Work::default()
    };
    let mut seconds = 0.0;
    let mut passes = 0;
    let mut waiting = vec![Duration::ZERO; fleet.phones.len()];
    for round in 0..args.rounds {
        let shared = fleet.phones.first().map(Shared::of).unwrap_or_default();
        let done =
            fleet.on_each(|index, phone| offline_work(phone, plan, &shared, device_seed(args.seed, index, round)))?;
        for d in done {
            work.contacts_created += d.contacts_created;
            work.contact_edits += d.contact_edits;
            work.attendance_marks += d.attendance_marks;
        }
        let started = Instant::now();
        let quiet = fleet.sync_until_quiet(MAX_PASSES)?;
        seconds += started.elapsed().as_secs_f64();
        passes += quiet.passes;
        refused.extend(quiet.refused);
        for (waited, more) in waiting.iter_mut().zip(quiet.waiting) {
            *waited += more;
        }
    }
    let mut sync_phase = Phase::from_traffic(
        "sync",
        "devices come back with offline work and sync at once, until every one is idle".into(),
        seconds,
        &before,
        &fleet.traffic(),
    );
    sync_phase.passes = Some(passes);
    sync_phase.waiting = SecondsSpread::of(&waiting);
    sync_phase.server = process.zip(mark).map(|(p, m)| p.end_phase(m));

    // The server's state, as a new phone receives it.
    let mut fresh = Fleet::enrol(server, &logins[..1], 1, 1, Budgets::of(args))?;
    let mark = process.map(|p| p.start_phase());
    let started = Instant::now();
    let outcome = fresh.on_each(|_, phone| sync_until_idle(phone))?;
    let fresh_waiting: Vec<Duration> = outcome.iter().map(|o| o.waiting).collect();
    refused.extend(outcome.into_iter().flat_map(|o| o.refused));
    let mut fresh_phase = Phase::from_traffic(
        "fresh_device",
        "a new device fetches the server's copy, to compare".into(),
        started.elapsed().as_secs_f64(),
        &[],
        &fresh.traffic(),
    );
    fresh_phase.server = process.zip(mark).map(|(p, m)| p.end_phase(m));
    fresh_phase.waiting = SecondsSpread::of(&fresh_waiting);
    let reference = fresh.phones.first().context("the fresh device did not enrol")?;
    fresh_phase.documents = Some(reference.device.len() as u64);
    let replicas: Vec<_> = fleet.phones.iter().map(|p| replica(&p.device)).collect();
    let convergence = compare(&replica(&reference.device), &replicas);

    Ok(Report {
        scenario: "day",
        server: server.to_owned(),
        devices: fleet.phones.len(),
        documents: Some(DocumentCounts::of(&reference.device)),
        work: Some(work),
        phases: vec![first_phase, sync_phase, fresh_phase],
        converged: convergence.converged && refused.is_empty(),
        convergence: Some(convergence),
        refused,
    })
}

/// Make sure there are sessions to mark and contacts to edit: the first
/// phone creates them if the agency lacks them, and every phone fetches them.
fn prepare_shared_records(fleet: &mut Fleet) -> anyhow::Result<Option<QuietOutcome>> {
    let Some(phone) = fleet.phones.first_mut() else {
        return Ok(None);
    };
    let author = author(phone);
    let today = today();
    let mut generator = RecordGenerator::new(0, today);
    let sessions = phone.device.documents_of(RecordType::Session).len();
    let contacts = phone.device.documents_of(RecordType::Contact).len();
    if sessions >= SHARED_SESSIONS && contacts >= MIN_CONTACTS {
        return Ok(None);
    }
    for _ in sessions..SHARED_SESSIONS {
        phone.device.create(RecordType::Session, |doc, id| {
            write::write_session(doc, &generator.session(id, author, today, today, &[author.user]))
        })?;
    }
    for _ in contacts..MIN_CONTACTS {
        phone.device.create(RecordType::Contact, |doc, id| {
            write::write_contact(doc, &generator.contact(id, author, today))
        })?;
    }
    Ok(Some(fleet.sync_until_quiet(MAX_PASSES)?))
}

fn author(phone: &Phone) -> Author {
    Author {
        user: phone.user,
        agency: phone.agency,
    }
}

/// One phone's offline work: new contacts, edits, attendance marks.
fn offline_work(phone: &mut Phone, plan: Plan, shared: &Shared, seed: u64) -> anyhow::Result<Work> {
    let today = today();
    let author = author(phone);
    let mut generator = RecordGenerator::new(seed, today);
    let mut work = Work::default();
    for _ in 0..plan.contacts {
        phone.device.create(RecordType::Contact, |doc, id| {
            write::write_contact(doc, &generator.contact(id, author, today))
        })?;
        work.contacts_created += 1;
    }
    let hot = &shared.contacts[..shared.contacts.len().min(HOT_CONTACTS)];
    if !hot.is_empty() {
        for _ in 0..plan.edits {
            let from = if generator.rng().gen_bool(HOT_SHARE) {
                hot
            } else {
                &shared.contacts
            };
            let contact = from[generator.rng().gen_range(0..from.len())];
            let edit = generator.contact_edit(author, today);
            phone.device.edit(contact, |doc| edit.apply(doc))?;
            work.contact_edits += 1;
        }
    }
    if !shared.sessions.is_empty() && !shared.contacts.is_empty() {
        for _ in 0..plan.marks {
            let session = shared.sessions[generator.rng().gen_range(0..shared.sessions.len())];
            let contact = shared.contacts[generator.rng().gen_range(0..shared.contacts.len())];
            let mark = Attendance {
                contact_id: contact,
                status: generator.attendance_status(),
                by: Some(author.user),
                at: Some(generator.working_time(today)),
            };
            phone.device.edit(session, |doc| write::mark_attendance(doc, &mark))?;
            work.attendance_marks += 1;
        }
    }
    Ok(work)
}
