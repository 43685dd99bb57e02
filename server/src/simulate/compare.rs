//! `compare`: a workload of `bench/compare` played on Relais.
//!
//! `bench/compare/generate.mjs` writes one workload file (JSON Lines): base
//! records the server holds first, each device's offline operations, and
//! what every replica must show afterwards. The PouchDB and automerge-repo
//! adapters in `bench/compare` play the same file. Here:
//!
//! 1. a seeding phone pushes the base records through `--server` (direct);
//! 2. the workload's devices enrol and sync fully, also direct; when the
//!    workload has no operations (W0, a device joining) that first sync is
//!    the measured phase instead;
//! 3. each device applies its operations offline, then all sync through
//!    their own link (`--through`, one address per device: the counting
//!    proxy), pass after pass until nobody pushes;
//! 4. a fresh phone fetches the server's copy: every device must hold it,
//!    at the same heads, and it must hold every document, every field edit
//!    (one of the values written, when several devices wrote the field) and
//!    every attendance mark.
//!
//! The result is one JSON object on stdout. The exit status is non-zero when
//! anything was lost or the devices differ.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use relais_schema::{write, Attendance, AttendanceStatus, DocumentId, RecordType};
use serde::{Deserialize, Serialize};

use super::convergence::{compare, replica};
use super::fleet::{sync_until_idle, Budgets, Fleet};
use super::{SimulateArgs, MAX_PASSES};
use crate::phone::Phone;
use crate::records::Author;

/// Root keys written as collaborative Text (`docs/records.md`).
const TEXT_FIELDS: &[&str] = &["skills", "notes", "note"];
/// Keys written as counters.
const COUNTERS: &[&str] = &["reached", "women_reached"];

/// One line of a workload file.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Line {
    Header { workload: String, users: Vec<String> },
    Base { record: serde_json::Value },
    Op(Op),
    Expect(Expect),
}

/// What one device does offline.
#[derive(Debug, Deserialize)]
struct Op {
    device: usize,
    #[serde(flatten)]
    action: Action,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Action {
    Create {
        record: serde_json::Value,
    },
    Edit {
        id: String,
        fields: BTreeMap<String, String>,
    },
    Mark {
        session: String,
        contact: String,
        status: String,
        at: String,
    },
}

/// What every replica must show afterwards.
#[derive(Debug, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
enum Expect {
    Field {
        id: String,
        field: String,
        values: Vec<String>,
    },
    Mark {
        session: String,
        contact: String,
        values: Vec<String>,
    },
    Documents {
        count: usize,
    },
}

/// A workload file, read whole.
#[derive(Debug, Default)]
struct Workload {
    name: String,
    devices: usize,
    base: Vec<serde_json::Value>,
    ops: Vec<Op>,
    expects: Vec<Expect>,
}

impl Workload {
    fn read(path: &Path) -> anyhow::Result<Workload> {
        let file = File::open(path).with_context(|| format!("cannot open the workload {}", path.display()))?;
        let mut workload = Workload::default();
        for (number, line) in BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Line = serde_json::from_str(&line)
                .with_context(|| format!("{} line {}: not a workload line", path.display(), number + 1))?;
            match parsed {
                Line::Header { workload: name, users } => {
                    workload.name = name;
                    workload.devices = users.len();
                }
                Line::Base { record } => workload.base.push(record),
                Line::Op(op) => workload.ops.push(op),
                Line::Expect(expect) => workload.expects.push(expect),
            }
        }
        if workload.devices == 0 {
            bail!("{}: the header names no device", path.display());
        }
        if let Some(op) = workload.ops.iter().find(|op| op.device >= workload.devices) {
            bail!(
                "{}: an operation of device {} beyond the header's",
                path.display(),
                op.device
            );
        }
        Ok(workload)
    }
}

/// The outcome, as the comparison's tables read it.
#[derive(Debug, Serialize)]
pub struct CompareResult {
    system: &'static str,
    workload: String,
    devices: usize,
    /// Documents the server's copy holds at the end.
    documents: usize,
    /// Documents the workload says it must hold.
    documents_expected: usize,
    /// Seconds of the measured phase, until every device is idle.
    seconds: f64,
    /// Sync requests in the measured phase, all devices.
    requests: u64,
    /// Most round trips one device made in the measured phase.
    round_trips_max: usize,
    /// Passes over the fleet until nobody pushed.
    passes: usize,
    edits_checked: usize,
    lost_edits: usize,
    marks_checked: usize,
    lost_marks: usize,
    differing_devices: usize,
    first_difference: Option<String>,
    refused: Vec<String>,
    correct: bool,
}

/// Run the workload named by `--workload`, print the result, fail when something was lost.
pub fn run(args: &SimulateArgs, server: &str, logins: &[(String, String)]) -> anyhow::Result<()> {
    let path = args
        .workload
        .as_deref()
        .context("the compare scenario needs --workload FILE (bench/compare/generate.mjs)")?;
    let workload = Workload::read(path)?;
    let links = links(args, server, workload.devices)?;

    // 1. The server's records before the day.
    let mut seeder = Fleet::enrol(server, &logins[..1], 1, 1, Budgets::of(args))?;
    let mut ids: HashMap<String, DocumentId> = HashMap::new();
    {
        let phone = seeder.phones.first_mut().context("the seeding device did not enrol")?;
        for record in &workload.base {
            let (key, id) = create(phone, record, &ids)?;
            ids.insert(key, id);
        }
        sync_until_idle(phone).context("the seeding device could not push the base records")?;
    }

    // 2. The devices, fully synced (unless joining is what is measured).
    let mut fleet = Fleet::enrol(server, logins, workload.devices, args.concurrency, Budgets::of(args))?;
    let joining = workload.ops.is_empty();
    if !joining {
        fleet.on_each(|_, phone| sync_until_idle(phone))?;
    }

    // 3. Offline work, then every device syncs through its link.
    let mut per_device: Vec<Vec<&Op>> = (0..workload.devices).map(|_| Vec::new()).collect();
    for op in &workload.ops {
        per_device[op.device].push(op);
    }
    let ids_ref = &ids;
    let per_device_ref = &per_device;
    fleet.on_each(|index, phone| {
        for op in &per_device_ref[index] {
            apply(phone, &op.action, ids_ref)?;
        }
        Ok(())
    })?;
    for (phone, link) in fleet.phones.iter_mut().zip(&links) {
        phone.server = link.clone();
    }
    let before: u64 = fleet.phones.iter().map(|p| p.traffic.requests).sum();
    measure("start");
    let started = Instant::now();
    let mut round_trips = vec![0usize; workload.devices];
    let mut refused = Vec::new();
    let mut passes = 0;
    loop {
        if passes == MAX_PASSES {
            bail!("the devices were still pushing after {MAX_PASSES} passes");
        }
        let outcomes = fleet.on_each(|_, phone| sync_until_idle(phone))?;
        passes += 1;
        let pushed: usize = outcomes.iter().map(|o| o.pushed).sum();
        for (count, outcome) in round_trips.iter_mut().zip(outcomes) {
            *count += outcome.round_trips;
            refused.extend(outcome.refused);
        }
        // A lone device has nobody's changes to fetch: one pass is its whole sync.
        if pushed == 0 || joining || workload.devices == 1 {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    measure("end");
    let requests = fleet.phones.iter().map(|p| p.traffic.requests).sum::<u64>() - before;

    // 4. The server's copy, as a new phone receives it, against every device and the expectations.
    let mut fresh = Fleet::enrol(server, &logins[..1], 1, 1, Budgets::of(args))?;
    let reference = fresh.phones.first_mut().context("the checking device did not enrol")?;
    sync_until_idle(reference)?;
    let replicas: Vec<_> = fleet.phones.iter().map(|p| replica(&p.device)).collect();
    let convergence = compare(&replica(&reference.device), &replicas);
    let check = check(&reference.device, &workload.expects, &ids);

    let documents = reference.device.len();
    let correct = convergence.converged
        && refused.is_empty()
        && check.lost_edits == 0
        && check.lost_marks == 0
        && documents == check.documents_expected;
    let result = CompareResult {
        system: "relais",
        workload: workload.name,
        devices: workload.devices,
        documents,
        documents_expected: check.documents_expected,
        seconds,
        requests,
        round_trips_max: round_trips.iter().copied().max().unwrap_or(0),
        passes,
        edits_checked: check.edits_checked,
        lost_edits: check.lost_edits,
        marks_checked: check.marks_checked,
        lost_marks: check.lost_marks,
        differing_devices: convergence.differing_devices,
        first_difference: convergence.first_difference,
        refused,
        correct,
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&result).context("cannot write the result as JSON")?
    );
    if !result.correct {
        bail!("Relais lost data or the devices differ on this workload");
    }
    Ok(())
}

/// Tell the runner (bench/compare/run.mjs) that the measured phase starts or
/// ends, on stderr, and wait for its go (a line on stdin, or stdin's end), so
/// that it reads the server's CPU time and resets its peak memory exactly there.
fn measure(marker: &str) {
    eprintln!("@@measure {marker}");
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        let _ = stdin.read_line(&mut line);
    }
}

/// One address per device: `--through` (comma-separated), or the server for all.
fn links(args: &SimulateArgs, server: &str, devices: usize) -> anyhow::Result<Vec<String>> {
    let Some(through) = &args.through else {
        return Ok(vec![server.to_owned(); devices]);
    };
    let links: Vec<String> = through
        .split(',')
        .map(|l| l.trim().trim_end_matches('/').to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if links.len() < devices {
        bail!("--through names {} links for {devices} devices", links.len());
    }
    Ok(links)
}

/// Create a workload record on `phone`: its key in the workload and its Relais id.
fn create(
    phone: &mut Phone,
    record: &serde_json::Value,
    ids: &HashMap<String, DocumentId>,
) -> anyhow::Result<(String, DocumentId)> {
    let key = record["id"].as_str().context("a record without an id")?.to_owned();
    let doc_type = record["type"].as_str().context("a record without a type")?;
    let doc_type = RecordType::from_str(doc_type).map_err(|e| anyhow!("record {key}: {e}"))?;
    let author = phone.author();
    let id = phone
        .device
        .create(doc_type, |doc, id| write_record(doc, record, id, author, ids))?;
    Ok((key, id))
}

/// One offline operation on `phone`.
fn apply(phone: &mut Phone, action: &Action, ids: &HashMap<String, DocumentId>) -> anyhow::Result<()> {
    let known = |key: &str| {
        ids.get(key)
            .copied()
            .ok_or_else(|| anyhow!("the workload names {key}, which is not a base record"))
    };
    match action {
        Action::Create { record } => {
            create(phone, record, ids)?;
        }
        Action::Edit { id, fields } => {
            phone.device.edit(known(id)?, |doc| {
                fields
                    .iter()
                    .try_for_each(|(field, value)| write::set_str(doc, field, value))
            })?;
        }
        Action::Mark {
            session,
            contact,
            status,
            at,
        } => {
            let mark = Attendance {
                contact_id: known(contact)?,
                status: AttendanceStatus::from_str(status).map_err(|e| anyhow!("attendance status: {e}"))?,
                by: Some(phone.user),
                at: Some(at.clone()),
            };
            phone
                .device
                .edit(known(session)?, |doc| write::mark_attendance(doc, &mark))?;
        }
    }
    Ok(())
}

/// Write a workload record (`docs/records.md` layout in JSON) at the root of
/// `tx`, as `author`'s record `id`. Attendance keys name base contacts.
fn write_record(
    tx: &mut impl Transactable,
    record: &serde_json::Value,
    id: DocumentId,
    author: Author,
    ids: &HashMap<String, DocumentId>,
) -> Result<(), AutomergeError> {
    let Some(fields) = record.as_object() else {
        return Ok(());
    };
    for (key, value) in fields {
        match key.as_str() {
            "id" => tx.put(ROOT, "id", id.to_string())?,
            "agency_id" => tx.put(ROOT, "agency_id", author.agency.to_string())?,
            "created_by" => tx.put(ROOT, "created_by", author.user.to_string())?,
            "attendance" => {
                let attendance = tx.put_object(ROOT, "attendance", ObjType::Map)?;
                for (contact, mark) in value.as_object().into_iter().flatten() {
                    let contact = ids.get(contact).map_or_else(|| contact.clone(), |id| id.to_string());
                    put_value(tx, &attendance, &contact, mark)?;
                }
            }
            _ => put_value(tx, &ROOT, key, value)?,
        }
    }
    Ok(())
}

fn put_value(
    tx: &mut impl Transactable,
    obj: &ObjId,
    key: &str,
    value: &serde_json::Value,
) -> Result<(), AutomergeError> {
    use serde_json::Value as Json;
    match value {
        Json::Null => Ok(()),
        Json::Bool(b) => tx.put(obj, key, *b),
        Json::Number(n) => {
            let n = n.as_i64().unwrap_or_default();
            if COUNTERS.contains(&key) {
                tx.put(obj, key, ScalarValue::counter(n))
            } else {
                tx.put(obj, key, n)
            }
        }
        Json::String(s) if TEXT_FIELDS.contains(&key) => {
            let text = tx.put_object(obj, key, ObjType::Text)?;
            tx.splice_text(&text, 0, 0, s)
        }
        Json::String(s) => tx.put(obj, key, s.as_str()),
        Json::Object(map) => {
            let inner = tx.put_object(obj, key, ObjType::Map)?;
            map.iter().try_for_each(|(k, v)| put_value(tx, &inner, k, v))
        }
        Json::Array(items) => {
            let list = tx.put_object(obj, key, ObjType::List)?;
            for (index, item) in items.iter().enumerate() {
                let entry = tx.insert_object(&list, index, ObjType::Map)?;
                for (k, v) in item.as_object().into_iter().flatten() {
                    put_value(tx, &entry, k, v)?;
                }
            }
            Ok(())
        }
    }
}

/// What the server's copy holds of the workload's expectations.
#[derive(Debug, Default, PartialEq, Eq)]
struct Check {
    edits_checked: usize,
    lost_edits: usize,
    marks_checked: usize,
    lost_marks: usize,
    documents_expected: usize,
}

fn check(reference: &relais_sync::device::Device, expects: &[Expect], ids: &HashMap<String, DocumentId>) -> Check {
    let mut check = Check::default();
    let mut loaded: HashMap<DocumentId, automerge::Automerge> = HashMap::new();
    for expect in expects {
        match expect {
            Expect::Field { id, field, values } => {
                check.edits_checked += 1;
                let found = load(&mut loaded, reference, ids, id).and_then(|d| string_at(d, &ROOT, field));
                if !found.is_some_and(|f| values.contains(&f)) {
                    check.lost_edits += 1;
                }
            }
            Expect::Mark {
                session,
                contact,
                values,
            } => {
                check.marks_checked += 1;
                let contact = ids.get(contact).map(|id| id.to_string()).unwrap_or_default();
                let status = load(&mut loaded, reference, ids, session).and_then(|d| {
                    let (_, attendance) = d.get(ROOT, "attendance").ok().flatten()?;
                    let (_, entry) = d.get(&attendance, contact.as_str()).ok().flatten()?;
                    string_at(d, &entry, "status")
                });
                if !status.is_some_and(|s| values.contains(&s)) {
                    check.lost_marks += 1;
                }
            }
            Expect::Documents { count } => check.documents_expected = *count,
        }
    }
    check
}

/// The document of workload record `key`, loaded once; `None` when the reference lacks it.
fn load<'a>(
    loaded: &'a mut HashMap<DocumentId, automerge::Automerge>,
    reference: &relais_sync::device::Device,
    ids: &HashMap<String, DocumentId>,
    key: &str,
) -> Option<&'a automerge::Automerge> {
    let id = ids.get(key).copied()?;
    match loaded.entry(id) {
        Entry::Occupied(doc) => Some(doc.into_mut()),
        Entry::Vacant(slot) => Some(slot.insert(reference.load(id).ok()?)),
    }
}

/// The string at `obj.key`, scalar or Text.
fn string_at(doc: &automerge::Automerge, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok().flatten()? {
        (Value::Scalar(scalar), _) => match scalar.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        (Value::Object(ObjType::Text), text) => doc.text(&text).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::AutoCommit;
    use relais_schema::{AgencyId, Contact, Session, UserId};

    fn author() -> Author {
        Author {
            user: UserId::random(),
            agency: AgencyId::random(),
        }
    }

    #[test]
    fn a_workload_contact_is_written_in_the_layout_relais_reads() -> anyhow::Result<()> {
        let record = serde_json::json!({
            "type": "contact", "schema": 1, "id": "x", "agency_id": "y", "created_by": "z",
            "created_at": "2026-11-29T09:00:00Z", "given_name": "Rim", "family_name": "الحمود",
            "nationality": "SY", "languages": {"ar": true, "fr": true}, "skills": "Couturière",
            "consent": {"given": true, "scope": {"record": true}}, "birth_year": 1990,
            "follow_ups": [{"id": "6f1c0a52-8a57-4c1e-9d8e-0b6f0a5f8c11", "at": "2026-11-01", "kind": "call", "note": "Rappel"}]
        });
        let (id, author) = (DocumentId::random(), author());
        let mut doc = AutoCommit::new();
        write_record(&mut doc, &record, id, author, &HashMap::new())?;

        let contact = Contact::from_doc(&doc)?;
        assert_eq!(contact.common.id, id);
        assert_eq!(contact.common.agency_id, author.agency);
        assert_eq!(contact.family_name.as_deref(), Some("الحمود"));
        assert_eq!(contact.languages.len(), 2);
        assert_eq!(contact.skills.as_deref(), Some("Couturière"));
        assert_eq!(contact.birth_year, Some(1990));
        assert_eq!(contact.follow_ups.len(), 1);
        Ok(())
    }

    #[test]
    fn a_lost_edit_or_mark_is_counted_and_one_of_concurrent_values_is_enough() -> anyhow::Result<()> {
        let mut device = relais_sync::device::Device::new(relais_schema::DeviceId::random());
        let author = author();
        let session = serde_json::json!({
            "type": "session", "schema": 1, "id": "s", "agency_id": "a", "created_by": "u", "kind": "information", "topic": "CV",
            "starts_at": "2026-11-29T09:00:00Z", "created_at": "2026-11-29T09:00:00Z", "attendance": {}
        });
        let mut ids = HashMap::new();
        let contact = DocumentId::random();
        ids.insert("c".to_owned(), contact);
        let id = device.create(RecordType::Session, |doc, id| {
            write_record(doc, &session, id, author, &ids)
        })?;
        ids.insert("s".to_owned(), id);
        let mark = Attendance {
            contact_id: contact,
            status: AttendanceStatus::Present,
            by: None,
            at: None,
        };
        device.edit(id, |doc| {
            write::mark_attendance(doc, &mark)?;
            write::set_str(doc, "place", "Salle 1")
        })?;
        assert_eq!(Session::from_doc(&device.load(id)?)?.attendance.len(), 1);

        let expects = vec![
            Expect::Field {
                id: "s".into(),
                field: "place".into(),
                values: vec!["Salle 2".into(), "Salle 1".into()],
            },
            Expect::Field {
                id: "s".into(),
                field: "topic".into(),
                values: vec!["Atelier".into()],
            },
            Expect::Mark {
                session: "s".into(),
                contact: "c".into(),
                values: vec!["present".into()],
            },
            Expect::Mark {
                session: "s".into(),
                contact: "nobody".into(),
                values: vec!["present".into()],
            },
            Expect::Documents { count: 1 },
        ];
        let found = check(&device, &expects, &ids);
        assert_eq!(
            found,
            Check {
                edits_checked: 2,
                lost_edits: 1,
                marks_checked: 2,
                lost_marks: 1,
                documents_expected: 1,
            }
        );
        Ok(())
    }
}
