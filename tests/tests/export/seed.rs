//! A small dataset synced from phones, and helpers to fetch and read exports.

use relais_schema::{AttendanceStatus, DocumentId, FollowUp, FollowUpId, FollowUpKind, Interest};
use relais_server::records::{create_contact, create_session, create_visit, mark};
use relais_sync::accounts::Role;
use relais_tests::app::{TestApp, PASSWORD};

/// Who and what the dataset holds.
#[derive(Debug)]
pub struct Seeded {
    pub arabic: DocumentId,
    pub accented: DocumentId,
    pub quoted: DocumentId,
    pub foreign: DocumentId,
    pub early_session: DocumentId,
    pub late_session: DocumentId,
}

/// Names and phones of the dataset, none of which may appear in a pseudonymised export.
pub const PERSONAL: &[&str] = &[
    "محمد",
    "العلي",
    "Zoé",
    "Lefèvre-N'Diaye",
    "Le \"grand\", Ali",
    "Hamid",
    "Karimi",
    "Étienne",
    "Müller",
    "+33612345678",
    "0611223344",
    "+21698765432",
];

/// Three contacts of the test agency (Arabic, accented, and one needing CSV
/// quotes), one of the other agency, two sessions with attendance, a visit.
pub fn seed(app: &TestApp) -> Seeded {
    let mut amina = app.agent_phone("amina");
    let author = amina.author();
    let arabic = create_contact(
        &mut amina.device,
        author,
        "2026-11-29T10:00:00Z",
        "محمد",
        "العلي",
        |c| {
            c.phone = Some("+33612345678".parse().expect("phone"));
            c.languages = ["ar".to_string(), "fr".to_string()].into();
            c.interests = [Interest::JobSearch, Interest::VocationalTraining].into();
            c.birth_year = Some(1990);
            c.notes = Some("appelle محمد le soir".into());
            c.skills = Some("cuisinier chez Hamid".into());
            c.follow_ups = vec![FollowUp {
                id: FollowUpId::random(),
                at: "2026-12-01".to_string(),
                kind: FollowUpKind::Call,
                note: Some("rappeler محمد lundi".to_string()),
                by: Some(author.user),
            }];
        },
    )
    .expect("contact");
    let accented = create_contact(
        &mut amina.device,
        author,
        "2026-12-03T09:30:00Z",
        "Zoé",
        "Lefèvre-N'Diaye",
        |c| {
            c.phone = Some("0611223344".parse().expect("phone"));
        },
    )
    .expect("contact");
    let quoted = create_contact(
        &mut amina.device,
        author,
        "2026-12-10T16:00:00Z",
        "Hamid",
        "Karimi",
        |c| {
            c.alias = Some("Le \"grand\", Ali".into());
            c.notes = Some("line one\r\nline two".into());
        },
    )
    .expect("contact");
    let early_session =
        create_session(&mut amina.device, author, "2026-11-30T09:00:00Z", "Atelier CV, lettre").expect("session");
    let late_session =
        create_session(&mut amina.device, author, "2026-12-15T14:00:00Z", "Créer son activité").expect("session");
    for contact in [arabic, accented, quoted] {
        mark(
            &mut amina.device,
            author,
            early_session,
            contact,
            AttendanceStatus::Present,
            "2026-11-30T09:05:00Z",
        )
        .expect("mark");
    }
    mark(
        &mut amina.device,
        author,
        late_session,
        arabic,
        AttendanceStatus::Absent,
        "2026-12-15T14:10:00Z",
    )
    .expect("mark");
    create_visit(&mut amina.device, author, "2026-12-02T11:00:00Z", "Belleville").expect("visit");
    amina.sync_until_idle(10).expect("amina syncs");

    let mut omar = app.foreign_agent_phone("omar");
    let foreign_author = omar.author();
    let foreign = create_contact(
        &mut omar.device,
        foreign_author,
        "2026-12-01T10:00:00Z",
        "Étienne",
        "Müller",
        |c| {
            c.phone = Some("+21698765432".parse().expect("phone"));
        },
    )
    .expect("contact");
    omar.sync_until_idle(10).expect("omar syncs");

    app.add_user("admin", Role::Admin, &[]);
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    app.add_user("sup_other", Role::Supervisor, &[app.other_agency]);
    Seeded {
        arabic,
        accented,
        quoted,
        foreign,
        early_session,
        late_session,
    }
}

/// `GET` an export path as `user`.
pub fn get(app: &TestApp, user: &str, path_and_query: &str) -> reqwest::blocking::Response {
    app.http
        .get(format!("{}{path_and_query}", app.address))
        .basic_auth(user, Some(PASSWORD))
        .send()
        .expect("the server answers")
}

/// `GET` an export that must succeed; returns its bytes.
pub fn download(app: &TestApp, user: &str, path_and_query: &str) -> Vec<u8> {
    let response = get(app, user, path_and_query);
    assert_eq!(response.status(), 200, "{path_and_query} as {user}");
    response.bytes().expect("a body").to_vec()
}

/// Parse RFC 4180 CSV (after the byte order mark): rows of fields, header first.
pub fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "lines end with CRLF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("a bare LF ends a line"),
            (false, c) => field.push(c),
        }
    }
    assert!(row.is_empty() && field.is_empty(), "the last line ends with CRLF");
    rows
}

/// CSV rows as maps from header to value.
pub fn csv_records(bytes: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = parse_csv(bytes);
    let (header, rows) = rows.split_first().expect("a header row");
    rows.iter()
        .map(|row| {
            assert_eq!(row.len(), header.len(), "every row has every column");
            header.iter().cloned().zip(row.iter().cloned()).collect()
        })
        .collect()
}
