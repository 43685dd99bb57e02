//! A dataset synced from phones of two agencies, with what was seeded kept
//! aside so that tests can count it themselves.

use relais_schema::{
    AttendanceStatus, CountryCode, DocumentId, Interest, MigrationStatus, RecordType, Sex, Stage, UserId,
};
use relais_server::records::{blank_visit, create_contact, create_session, mark};
use relais_sync::accounts::Role;
use relais_tests::app::TestApp;
use relais_tests::console::user_id;

/// A contact as seeded.
#[derive(Debug, Clone)]
pub struct SeededContact {
    pub id: DocumentId,
    pub agency_is_home: bool,
    pub by: UserId,
    pub created_at: String,
    pub given: String,
    pub family: String,
    pub sex: Option<Sex>,
    pub nationality: Option<&'static str>,
    pub status: Option<MigrationStatus>,
    pub stage: Option<Stage>,
    pub interests: Vec<Interest>,
    pub phone: Option<String>,
}

/// A session as seeded, with its marks.
#[derive(Debug, Clone)]
pub struct SeededSession {
    pub id: DocumentId,
    pub agency_is_home: bool,
    pub by: UserId,
    pub starts_at: String,
    pub marks: Vec<AttendanceStatus>,
}

/// A visit as seeded.
#[derive(Debug, Clone)]
pub struct SeededVisit {
    pub id: DocumentId,
    pub agency_is_home: bool,
    pub by: UserId,
    pub date: String,
    pub reached: i64,
    pub women: i64,
}

/// Everything seeded.
#[derive(Debug)]
pub struct Seeded {
    pub contacts: Vec<SeededContact>,
    pub sessions: Vec<SeededSession>,
    pub visits: Vec<SeededVisit>,
    pub karim: UserId,
    pub omar: UserId,
}

const NATIONALITIES: [Option<&str>; 5] = [Some("SN"), Some("ML"), Some("SY"), None, Some("AF")];
const GIVEN: [&str; 6] = ["Awa", "Moussa", "Fatou", "Ibrahim", "محمد", "Zoé"];
const FAMILY: [&str; 7] = ["Diallo", "Traoré", "Haddad", "Karimi", "العلي", "Lefèvre", "Ndiaye"];

fn pick<T: Copy>(values: &[T], i: usize) -> T {
    values[i % values.len()]
}

/// The datetime of the `i`-th contact: spread over October to December 2026.
fn created_at(i: usize) -> String {
    let (month, day) = match i % 3 {
        0 => (10, 1 + (i * 7) % 31),
        1 => (11, 1 + (i * 5) % 30),
        _ => (12, 1 + (i * 3) % 31),
    };
    format!("2026-{month:02}-{day:02}T{:02}:{:02}:00Z", 8 + i % 10, (i * 13) % 60)
}

/// Seed `per_agent` contacts for each of amina and karim (home agency) and
/// omar (other agency), sessions with marks and visits; accounts `sup`
/// (home), `sup_other` (other), `admin`, and the agent `agent_only`.
pub fn seed(app: &TestApp, per_agent: usize) -> Seeded {
    let mut contacts = Vec::new();
    let mut sessions = Vec::new();
    let mut visits = Vec::new();
    let mut phones = [
        (app.agent_phone("amina"), true),
        (app.agent_phone("karim"), true),
        (app.foreign_agent_phone("omar"), false),
    ];
    let mut n = 0;
    for (phone, home) in phones.iter_mut() {
        let author = phone.author();
        for _ in 0..per_agent {
            let i = n;
            n += 1;
            let seeded = SeededContact {
                id: DocumentId::random(),
                agency_is_home: *home,
                by: author.user,
                created_at: created_at(i),
                given: pick(&GIVEN, i).to_string(),
                family: pick(&FAMILY, i / 2).to_string(),
                sex: if i % 4 == 3 { None } else { Some(pick(Sex::ALL, i)) },
                nationality: pick(&NATIONALITIES, i),
                status: if i % 5 == 4 {
                    None
                } else {
                    Some(pick(MigrationStatus::ALL, i))
                },
                stage: if i % 8 == 7 { None } else { Some(pick(Stage::ALL, i)) },
                interests: Interest::ALL
                    .iter()
                    .copied()
                    .filter(|x| (i + *x as usize).is_multiple_of(3))
                    .collect(),
                phone: (i % 6 == 0).then(|| format!("+336{:08}", 10_000_000 + i)),
            };
            let made = create_contact(
                &mut phone.device,
                author,
                &seeded.created_at,
                &seeded.given,
                &seeded.family,
                |c| {
                    c.sex = seeded.sex;
                    c.nationality = seeded.nationality.map(|n| n.parse::<CountryCode>().expect("country"));
                    c.status = seeded.status;
                    c.stage = seeded.stage;
                    c.interests = seeded.interests.iter().copied().collect();
                    c.phone = seeded.phone.as_deref().map(|p| p.parse().expect("phone"));
                },
            )
            .expect("contact");
            contacts.push(SeededContact { id: made, ..seeded });
        }
        let mine: Vec<DocumentId> = contacts.iter().filter(|c| c.by == author.user).map(|c| c.id).collect();
        for (s, starts_at) in ["2026-10-20T09:00:00Z", "2026-11-18T14:00:00Z", "2026-12-09T10:00:00Z"]
            .iter()
            .enumerate()
        {
            let id = create_session(&mut phone.device, author, starts_at, &format!("Atelier {s}")).expect("session");
            let mut marks = Vec::new();
            for (k, contact) in mine.iter().enumerate().filter(|(k, _)| (k + s) % 2 == 0) {
                let status = pick(AttendanceStatus::ALL, k + s);
                mark(&mut phone.device, author, id, *contact, status, starts_at).expect("mark");
                marks.push(status);
            }
            sessions.push(SeededSession {
                id,
                agency_is_home: *home,
                by: author.user,
                starts_at: starts_at.to_string(),
                marks,
            });
        }
        for (v, (at, reached, women)) in [("2026-10-12T10:00:00Z", 25, 11), ("2026-12-02T15:00:00Z", 14, 9)]
            .iter()
            .enumerate()
        {
            let id = phone
                .device
                .create(RecordType::Visit, |doc, id| {
                    let mut visit = blank_visit(author, id, at, &format!("Quartier {v}"));
                    visit.reached = *reached;
                    visit.women_reached = *women;
                    relais_schema::write::write_visit(doc, &visit)
                })
                .expect("visit");
            visits.push(SeededVisit {
                id,
                agency_is_home: *home,
                by: author.user,
                date: at[..10].to_string(),
                reached: *reached,
                women: *women,
            });
        }
        phone.sync_until_idle(20).expect("the phone syncs");
    }
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    app.add_user("sup_other", Role::Supervisor, &[app.other_agency]);
    app.add_user("admin", Role::Admin, &[]);
    app.add_user("agent_only", Role::Agent, &[app.agency]);
    Seeded {
        contacts,
        sessions,
        visits,
        karim: user_id(app, "karim"),
        omar: user_id(app, "omar"),
    }
}
