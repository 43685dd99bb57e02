//! Console benchmark: seed a large projection, then time every dashboard
//! query and the records pages (`bench/console.sh` runs both steps and the
//! HTTP export; figures go to `docs/benchmarks.md`).
//!
//! ```text
//! cargo run --release -p relais-console --example bench -- seed DIR [CONTACTS SESSIONS MARKS_PER_SESSION]
//! cargo run --release -p relais-console --example bench -- queries DIR [records]
//! cargo run --release -p relais-console --example bench -- duplicates DIR
//! cargo run --release -p relais-console --example bench -- rewrite DIR
//! ```
//!
//! `seed` creates `DIR/relais.sqlite` (every migration), four agencies, 80
//! agents, a supervisor `bench_sup` of the first agency and an admin
//! `bench_admin` (password `bench password`), then inserts straight into the
//! projection tables: by default 200,000 contacts over two years, 2,000
//! sessions with 500 marks each (1,000,000 attendance rows) and 5,000
//! visits, with generated but realistic values. `queries` opens a read-only
//! connection the way the server's readers do and prints, for each query,
//! the median and slowest wall time of 7 runs and the median CPU time, in
//! milliseconds (`records`: the records pages only), then the possible
//! duplicates of each agency (`duplicates` alone: only those, one run each,
//! wall and CPU time). Each contacts search is also timed as the `LIKE` scan
//! it was before the trigram index, and `seed` (or `rewrite` alone) times
//! rewriting contacts with and without the index's triggers.

use std::path::{Path, PathBuf};
use std::time::Instant;

use relais_console::dashboard::{self, contact_rows, Breakdown};
use relais_console::filter::{DateRange, Filter, Scope};
use relais_console::records::contacts::{list_contacts, ContactQuery, ContactSort};
use relais_console::records::cursor::Cursor;
use relais_console::records::sessions::{list_sessions, SessionQuery};
use relais_console::records::visits::{list_visits, VisitQuery};
use relais_curation::duplicates::find_duplicates;
use relais_schema::{AgencyId, UserId};
use relais_sync::accounts::{self, NewUser, Role};
use rusqlite::{params, Connection};

type Failure = Box<dyn std::error::Error>;

const PASSWORD: &str = "bench password";
const AGENCIES: [&str; 4] = [
    "Agence Belleville",
    "Agence Marseille Nord",
    "Agence Lyon Guillotière",
    "Agence Lille Moulins",
];
const GIVEN: [&str; 16] = [
    "Awa",
    "Moussa",
    "Fatou",
    "Ibrahim",
    "Aminata",
    "Mamadou",
    "Zoé",
    "Ali",
    "محمد",
    "فاطمة",
    "Ahmad",
    "Mariam",
    "Yusuf",
    "Khadija",
    "Omar",
    "Léa",
];
const FAMILY: [&str; 16] = [
    "Diallo",
    "Traoré",
    "Haddad",
    "Karimi",
    "العلي",
    "Lefèvre",
    "Ndiaye",
    "Cissé",
    "Sow",
    "Barry",
    "Hussein",
    "Rahimi",
    "Camara",
    "Keïta",
    "حسن",
    "Diop",
];
const NATIONALITIES: [&str; 12] = ["SN", "ML", "GN", "CI", "SY", "AF", "SD", "ER", "DZ", "MA", "TN", "CM"];
const SEXES: [&str; 4] = ["female", "male", "female", "male"];
const STATUSES: [&str; 5] = ["refugee", "asylum_seeker", "migrant", "other", "undisclosed"];
const STAGES: [&str; 7] = [
    "contacted",
    "informed",
    "registered",
    "in_training",
    "accompanied",
    "employed",
    "self_employed",
];
const INTERESTS: [&str; 4] = ["vocational_training", "job_search", "self_employment", "other"];
const NEIGHBOURHOODS: [&str; 8] = [
    "Belleville",
    "La Chapelle",
    "Goutte d'Or",
    "Noailles",
    "Guillotière",
    "Moulins",
    "Wazemmes",
    "Saint-Mauront",
];
const TOPICS: [&str; 6] = [
    "Atelier CV",
    "Droits au travail",
    "Créer son activité",
    "Français à l'oral",
    "Accès aux soins",
    "Logement",
];

/// A small deterministic generator (the figures must be repeatable).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[self.below(values.len())]
    }

    fn id(&mut self) -> String {
        let bytes: [u8; 16] = std::array::from_fn(|_| self.next() as u8);
        let mut bytes = bytes;
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        relais_schema::DocumentId::from_bytes(bytes).to_string()
    }
}

/// A datetime `day` days after 2025-01-01 (two years of records).
fn datetime(day: usize, rng: &mut Lcg) -> String {
    let date = time::Date::from_calendar_date(2025, time::Month::January, 1).expect("a real date")
        + time::Duration::days(day as i64);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year(),
        u8::from(date.month()),
        date.day(),
        8 + rng.below(10),
        rng.below(60),
        rng.below(60)
    )
}

fn seed(dir: &Path, contacts: usize, sessions: usize, marks: usize) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("relais.sqlite");
    let started = Instant::now();
    let mut conn = relais_sync::open::open_writer(&path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let now = "2026-11-29T08:00:00Z";
    let agencies: Vec<AgencyId> = AGENCIES
        .iter()
        .map(|name| accounts::create_agency(&conn, name, now))
        .collect::<Result<_, _>>()?;
    let mut agents: Vec<(UserId, usize)> = Vec::new();
    for (a, agency) in agencies.iter().enumerate() {
        for k in 0..20 {
            let name = format!("agent{a}_{k:02}");
            let user = NewUser {
                username: &name,
                display_name: &format!("{} {}", GIVEN[k % GIVEN.len()], FAMILY[(k + a) % FAMILY.len()]),
                role: Role::Agent,
                password: PASSWORD,
                agencies: &[*agency],
            };
            agents.push((accounts::create_user(&mut conn, &user, now)?, a));
        }
    }
    for (username, role, scope) in [
        ("bench_sup", Role::Supervisor, vec![agencies[0]]),
        ("bench_admin", Role::Admin, vec![]),
    ] {
        let user = NewUser {
            username,
            display_name: username,
            role,
            password: PASSWORD,
            agencies: &scope,
        };
        accounts::create_user(&mut conn, &user, now)?;
    }

    let mut rng = Lcg(20261129);
    let tx = conn.transaction()?;
    let mut contact_ids: Vec<Vec<String>> = vec![Vec::new(); agencies.len()];
    {
        let mut contact = tx.prepare(
            "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name, sex,
                birth_year, nationality, status, phone, neighbourhood, city, consent_given, consent_at, stage)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?4, ?14)",
        )?;
        let mut interest = tx.prepare("INSERT INTO contact_interests (doc_id, interest) VALUES (?1, ?2)")?;
        let mut language = tx.prepare("INSERT INTO contact_languages (doc_id, language) VALUES (?1, ?2)")?;
        for i in 0..contacts {
            let (agent, a) = agents[rng.below(agents.len())];
            let id = rng.id();
            let day = i * 730 / contacts.max(1);
            let created_at = datetime(day, &mut rng);
            let phone = (rng.below(10) < 7).then(|| format!("+336{:08}", rng.below(100_000_000)));
            contact.execute(params![
                id,
                agencies[a].to_string(),
                agent.to_string(),
                created_at,
                rng.pick(&GIVEN),
                (rng.below(20) != 0).then(|| rng.pick(&FAMILY)),
                (rng.below(10) != 0).then(|| rng.pick(&SEXES)),
                1960 + rng.below(45) as i64,
                (rng.below(12) != 0).then(|| rng.pick(&NATIONALITIES)),
                (rng.below(6) != 0).then(|| rng.pick(&STATUSES)),
                phone,
                rng.pick(&NEIGHBOURHOODS),
                "Paris",
                (rng.below(9) != 0).then(|| rng.pick(&STAGES)),
            ])?;
            for interest_name in INTERESTS {
                if rng.below(3) == 0 {
                    interest.execute(params![id, interest_name])?;
                }
            }
            language.execute(params![id, if rng.below(2) == 0 { "ar" } else { "fr" }])?;
            contact_ids[a].push(id);
        }
        let mut session = tx.prepare(
            "INSERT INTO sessions (doc_id, agency_id, schema, created_by, created_at, kind, topic, starts_at, place)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?4, ?7)",
        )?;
        let mut mark = tx.prepare(
            "INSERT OR IGNORE INTO attendance (session_id, contact_id, status, marked_by, marked_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for s in 0..sessions {
            let (agent, a) = agents[rng.below(agents.len())];
            let id = rng.id();
            let starts_at = datetime(s * 730 / sessions.max(1), &mut rng);
            let kind = if rng.below(2) == 0 { "information" } else { "training" };
            session.execute(params![
                id,
                agencies[a].to_string(),
                agent.to_string(),
                starts_at,
                kind,
                rng.pick(&TOPICS),
                rng.pick(&NEIGHBOURHOODS)
            ])?;
            let people = &contact_ids[a];
            let start = rng.below(people.len().max(1));
            for m in 0..marks.min(people.len()) {
                let status = match rng.below(20) {
                    0..=14 => "present",
                    15..=17 => "absent",
                    _ => "excused",
                };
                mark.execute(params![
                    id,
                    people[(start + m) % people.len()],
                    status,
                    agent.to_string(),
                    starts_at
                ])?;
            }
        }
        let mut visit = tx.prepare(
            "INSERT INTO visits (doc_id, agency_id, schema, created_by, created_at, date, agents, neighbourhood,
                place, reached, women_reached, topics)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?3, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for v in 0..5000 {
            let (agent, a) = agents[rng.below(agents.len())];
            let at = datetime(v * 730 / 5000, &mut rng);
            let reached = 5 + rng.below(40) as i64;
            visit.execute(params![
                rng.id(),
                agencies[a].to_string(),
                agent.to_string(),
                at,
                &at[..10],
                rng.pick(&NEIGHBOURHOODS),
                "Marché",
                reached,
                rng.below(reached as usize + 1) as i64,
                rng.pick(&INTERESTS)
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch("ANALYZE")?;
    rewrite_cost(&mut conn, 500)?;
    let count = |table: &str| -> Result<i64, rusqlite::Error> {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
    };
    println!(
        "seeded {} contacts, {} sessions, {} attendance rows, {} visits in {:.1} s",
        count("contacts")?,
        count("sessions")?,
        count("attendance")?,
        count("visits")?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The writer's cost of the search index: `n` contacts rewritten as a
/// projection rebuild does (delete, then insert) with every trigger and
/// without the index's, and the index's own work for them (delete and
/// insert of their entries). Median of 3 rounds each, rolled back, so the
/// seeded data stays as it was.
fn rewrite_cost(conn: &mut Connection, n: usize) -> Result<(), Failure> {
    let tx = conn.transaction()?;
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE rewrite AS SELECT * FROM contacts ORDER BY doc_id LIMIT {n}"
    ))?;
    let rows: Vec<(i64, String)> = tx
        .prepare("SELECT c.rowid, c.doc_id FROM contacts c JOIN temp.rewrite USING (doc_id)")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let timed = |tx: &Connection, job: &dyn Fn(&Connection, i64, &str) -> Result<(), Failure>| {
        tx.execute_batch("SAVEPOINT rewrite")?;
        let started = Instant::now();
        for (rowid, id) in &rows {
            job(tx, *rowid, id)?;
        }
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        tx.execute_batch("ROLLBACK TO rewrite; RELEASE rewrite")?;
        Ok::<f64, Failure>(elapsed)
    };
    let rewrite = |tx: &Connection, _: i64, id: &str| -> Result<(), Failure> {
        tx.prepare_cached("DELETE FROM contacts WHERE doc_id = ?1")?
            .execute([id])?;
        tx.prepare_cached("INSERT INTO contacts SELECT * FROM temp.rewrite WHERE doc_id = ?1")?
            .execute([id])?;
        Ok(())
    };
    let index_only = |tx: &Connection, rowid: i64, _: &str| -> Result<(), Failure> {
        tx.prepare_cached("DELETE FROM contact_search WHERE rowid = ?1")?
            .execute([rowid])?;
        tx.prepare_cached(
            "INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
             SELECT rowid, lower(given_name), lower(family_name), lower(alias), replace(replace(phone, ' ', ''), '+', '')
             FROM contacts WHERE rowid = ?1",
        )?
        .execute([rowid])?;
        Ok(())
    };
    let (mut all, mut without, mut index) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        all.push(timed(&tx, &rewrite)?);
        index.push(timed(&tx, &index_only)?);
        tx.execute_batch(
            "SAVEPOINT bare; DROP TRIGGER contact_search_added; DROP TRIGGER contact_search_removed;
             DROP TRIGGER contact_search_changed;",
        )?;
        without.push(timed(&tx, &rewrite)?);
        tx.execute_batch("ROLLBACK TO bare; RELEASE bare")?;
    }
    tx.rollback()?;
    for times in [&mut all, &mut without, &mut index] {
        times.sort_by(f64::total_cmp);
    }
    println!(
        "rewriting {n} contacts (delete + insert), median of 3: {:.1} ms with every trigger, {:.1} ms without \
         the search index's; the index's own delete + insert: {:.1} ms",
        all[1], without[1], index[1]
    );
    Ok(())
}

/// CPU time this thread has used, in milliseconds (`/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// Median and slowest wall time of 7 runs, and the median CPU time, in milliseconds.
///
/// The CPU time is what the query itself costs; on a shared, loaded machine
/// the wall time also holds the time spent waiting for a core.
fn time<T>(label: &str, mut run: impl FnMut() -> Result<T, relais_console::ConsoleError>) -> Result<(), Failure> {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..7 {
        let (started, cpu_start) = (Instant::now(), thread_cpu_ms());
        run()?;
        wall.push(started.elapsed().as_secs_f64() * 1000.0);
        cpu.push(thread_cpu_ms() - cpu_start);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "{label:<58} wall median {:>7.1} ms  slowest {:>7.1} ms   cpu median {:>7.1} ms",
        wall[3], wall[6], cpu[3]
    );
    Ok(())
}

fn agency_ids(conn: &Connection) -> Result<Vec<AgencyId>, Failure> {
    let mut ids = Vec::new();
    for name in AGENCIES {
        ids.push(accounts::find_agency(conn, name)?);
    }
    Ok(ids)
}

fn dashboard_figures(conn: &Connection, scenario: &str, filter: &Filter) -> Result<(), Failure> {
    println!("dashboard, {scenario} (each contact figure, then the same counted over the contact rows):");
    time("  reached per week and month", || dashboard::reached(conn, filter))?;
    time("    from the contact rows", || contact_rows::reached(conn, filter))?;
    time("  by agency", || dashboard::by_agency(conn, filter))?;
    time("    from the contact rows", || contact_rows::by_agency(conn, filter))?;
    time("  by agent", || dashboard::by_agent(conn, filter))?;
    time("    from the contact rows", || contact_rows::by_agent(conn, filter))?;
    time("  women", || dashboard::women(conn, filter))?;
    time("    from the contact rows", || contact_rows::women(conn, filter))?;
    for (label, column) in [
        ("  nationalities", Breakdown::Nationality),
        ("  statuses", Breakdown::Status),
    ] {
        time(label, || dashboard::breakdown(conn, filter, column))?;
        time("    from the contact rows", || {
            contact_rows::breakdown(conn, filter, column)
        })?;
    }
    time("  interests", || dashboard::interests(conn, filter))?;
    time("    from the contact rows", || contact_rows::interests(conn, filter))?;
    time("  funnel", || dashboard::funnel(conn, filter))?;
    time("    from the contact rows", || contact_rows::funnel(conn, filter))?;
    time("  sessions and attendance", || dashboard::sessions(conn, filter))?;
    time("  visits", || dashboard::visits(conn, filter))?;
    time("  whole dashboard (every figure)", || {
        dashboard::dashboard(conn, filter)
    })?;
    Ok(())
}

/// The cursor after about `offset` rows of the contacts list in `sort` order, at most four
/// fifths of the list (found once, not timed); and the number of rows before it.
fn deep_cursor(
    conn: &Connection,
    filter: &Filter,
    sort: ContactSort,
    offset: usize,
) -> Result<(String, usize), Failure> {
    let mut query = ContactQuery {
        sort,
        limit: "500".parse()?,
        ..ContactQuery::default()
    };
    let mut seen = 0;
    loop {
        let page = list_contacts(conn, filter, &query)?;
        let target = offset.min(page.total as usize * 4 / 5);
        seen += page.rows.len();
        let next = page.next.ok_or("the list ended before the offset")?;
        if seen >= target {
            return Ok((next, seen));
        }
        query.cursor = Some(next);
    }
}

/// A contacts search page and its total as the list ran it before migration
/// `0006_search.sql`: `LIKE` over the names (and phones) of every contact in scope.
fn like_scan(
    conn: &Connection,
    filter: &Filter,
    text: &str,
    sort: ContactSort,
) -> Result<(usize, i64), relais_console::ConsoleError> {
    let search: relais_console::records::search::Search = text.parse()?;
    let names = search.pattern();
    let phone = search.phone_pattern().unwrap_or_default();
    let order = match sort {
        ContactSort::Name => {
            "ORDER BY ifnull(c.family_name, '') COLLATE NOCASE, ifnull(c.given_name, '') COLLATE NOCASE, c.doc_id"
        }
        _ => "ORDER BY c.created_at DESC, c.doc_id DESC",
    };
    let (scope_sql, scope) = match filter.scope.agencies() {
        [one] => ("c.agency_id = ?1", one.to_string()),
        _ => (
            "c.agency_id IN (SELECT value FROM json_each(?1))",
            filter.scope.as_json(),
        ),
    };
    let filter_sql = format!(
        "{scope_sql} AND (c.given_name LIKE ?2 ESCAPE '\\' OR c.family_name LIKE ?2 ESCAPE '\\' OR c.alias LIKE ?2 ESCAPE '\\'
             OR (?3 != '' AND c.phone LIKE ?3))"
    );
    let rows = conn
        .prepare_cached(&format!(
            "SELECT c.doc_id FROM contacts c WHERE {filter_sql} {order} LIMIT 51"
        ))?
        .query_map(params![scope, names, phone], |r| r.get::<_, String>(0))?
        .count();
    let total = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM contacts c WHERE {filter_sql}"))?
        .query_row(params![scope, names, phone], |r| r.get(0))?;
    Ok((rows, total))
}

fn queries(dir: &Path, records_only: bool) -> Result<(), Failure> {
    let conn = relais_sync::open::open_reader(&dir.join("relais.sqlite"))?;
    let agencies = agency_ids(&conn)?;
    let one = Filter::of(Scope::new(vec![agencies[0]]));
    let all = Filter::of(Scope::new(agencies.clone()));
    let quarter = Filter {
        range: DateRange::new(Some("2026-07-01".parse()?), Some("2026-09-30".parse()?))?,
        ..one.clone()
    };
    let agent: String = conn.query_row(
        "SELECT created_by FROM contacts WHERE agency_id = ?1 LIMIT 1",
        [agencies[0].to_string()],
        |r| r.get(0),
    )?;
    let by_agent = Filter {
        agent: Some(agent.parse()?),
        ..one.clone()
    };
    let in_one: i64 = conn.query_row(
        "SELECT COUNT(*) FROM contacts WHERE agency_id = ?1",
        [agencies[0].to_string()],
        |r| r.get(0),
    )?;
    println!("agency 1 holds {in_one} contacts");
    if !records_only {
        dashboard_figures(&conn, "one agency, all time (a supervisor)", &one)?;
        dashboard_figures(&conn, "every agency, all time (an admin)", &all)?;
        dashboard_figures(&conn, "one agency, one quarter", &quarter)?;
        dashboard_figures(&conn, "one agency, one agent", &by_agent)?;
    }

    println!("records pages (50 rows and the total):");
    let page = |sort: ContactSort| ContactQuery {
        sort,
        ..ContactQuery::default()
    };
    for (label, filter) in [("one agency", &one), ("every agency", &all)] {
        for sort in [ContactSort::CreatedDesc, ContactSort::Name] {
            let first = page(sort);
            time(&format!("  contacts {label}, {}, first page", sort.as_str()), || {
                list_contacts(&conn, filter, &first)
            })?;
            let (cursor, after) = deep_cursor(&conn, filter, sort, 40_000)?;
            let deep = ContactQuery {
                cursor: Some(cursor),
                ..page(sort)
            };
            time(
                &format!("  contacts {label}, {}, page after row {after}", sort.as_str()),
                || list_contacts(&conn, filter, &deep),
            )?;
        }
    }
    println!("contacts search, 50 rows and the total (each followed by the same search as a LIKE scan):");
    for (label, filter, text, sort) in [
        ("one agency, \"diallo\", by name", &one, "diallo", ContactSort::Name),
        (
            "one agency, Arabic \"العلي\", by name",
            &one,
            "العلي",
            ContactSort::Name,
        ),
        (
            "one agency, \"ama\" (12 % of names), by name",
            &one,
            "ama",
            ContactSort::Name,
        ),
        (
            "one agency, phone \"06 12 34\", newest first",
            &one,
            "06 12 34",
            ContactSort::CreatedDesc,
        ),
        ("every agency, \"diallo\", by name", &all, "diallo", ContactSort::Name),
        (
            "one agency, 2 letters \"di\" (no trigram), by name",
            &one,
            "di",
            ContactSort::Name,
        ),
        (
            "one agency, 2 letters \"di\", newest first",
            &one,
            "di",
            ContactSort::CreatedDesc,
        ),
        ("one agency, 1 letter \"é\", by name", &one, "é", ContactSort::Name),
        (
            "one agency, Arabic \"حس\", newest first",
            &one,
            "حس",
            ContactSort::CreatedDesc,
        ),
        (
            "one agency, \"zq\" (no match), newest first",
            &one,
            "zq",
            ContactSort::CreatedDesc,
        ),
        ("every agency, 2 letters \"di\", by name", &all, "di", ContactSort::Name),
        (
            "every agency, 2 letters \"di\", newest first",
            &all,
            "di",
            ContactSort::CreatedDesc,
        ),
        ("every agency, 1 letter \"é\", by name", &all, "é", ContactSort::Name),
        (
            "every agency, Arabic \"حس\", newest first",
            &all,
            "حس",
            ContactSort::CreatedDesc,
        ),
        (
            "every agency, \"zq\" (no match), newest first",
            &all,
            "zq",
            ContactSort::CreatedDesc,
        ),
    ] {
        let search = ContactQuery {
            search: Some(text.parse()?),
            ..page(sort)
        };
        time(&format!("  {label}"), || list_contacts(&conn, filter, &search))?;
        time("    LIKE scan (as before migration 0006)", || {
            like_scan(&conn, filter, text, sort)
        })?;
    }
    let search_deep = ContactQuery {
        search: Some("diallo".parse()?),
        cursor: Some(
            Cursor::after(
                "name",
                vec![
                    "Diallo".into(),
                    "Khadija".into(),
                    "00000000-0000-0000-0000-000000000000".into(),
                ],
            )
            .encode(),
        ),
        ..page(ContactSort::Name)
    };
    time("  one agency, \"diallo\", by name, deep cursor", || {
        list_contacts(&conn, &one, &search_deep)
    })?;
    let filtered = ContactQuery {
        stage: Some("registered".parse()?),
        nationality: Some("SN".parse()?),
        ..page(ContactSort::Name)
    };
    time("  contacts one agency, stage + nationality, by name", || {
        list_contacts(&conn, &one, &filtered)
    })?;
    time("  contacts one agency, one quarter, newest first", || {
        list_contacts(&conn, &quarter, &page(ContactSort::CreatedDesc))
    })?;
    time("  contacts one agency, one agent, newest first", || {
        list_contacts(&conn, &by_agent, &page(ContactSort::CreatedDesc))
    })?;
    time("  sessions one agency, newest first", || {
        list_sessions(&conn, &one, &SessionQuery::default())
    })?;
    time("  visits one agency, newest first", || {
        list_visits(&conn, &one, &VisitQuery::default())
    })?;
    possible_duplicates(&conn, &agencies)
}

/// The possible duplicates of each agency, as the console lists them (100 pairs).
fn possible_duplicates(conn: &Connection, agencies: &[AgencyId]) -> Result<(), Failure> {
    println!("possible duplicates, 100 best pairs:");
    for (n, agency) in agencies.iter().enumerate() {
        let (started, cpu_start) = (Instant::now(), thread_cpu_ms());
        let pairs = find_duplicates(conn, *agency, 100)?;
        println!(
            "  agency {} ({} pairs listed, best score {:.3}): wall {:.1} ms, cpu {:.1} ms",
            n + 1,
            pairs.len(),
            pairs.first().map_or(0.0, |p| p.score),
            started.elapsed().as_secs_f64() * 1000.0,
            thread_cpu_ms() - cpu_start
        );
    }
    Ok(())
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| -> Result<usize, Failure> {
        Ok(args.get(i).map(|a| a.parse()).transpose()?.unwrap_or(default))
    };
    match args.first().map(String::as_str) {
        Some("seed") => {
            let dir = PathBuf::from(args.get(1).ok_or("seed needs a folder")?);
            seed(&dir, number(2, 200_000)?, number(3, 2_000)?, number(4, 500)?)
        }
        Some("rewrite") => {
            let dir = PathBuf::from(args.get(1).ok_or("rewrite needs a folder")?);
            rewrite_cost(&mut relais_sync::open::open_writer(&dir.join("relais.sqlite"))?, 500)
        }
        Some("duplicates") => {
            let dir = PathBuf::from(args.get(1).ok_or("duplicates needs a folder")?);
            let conn = relais_sync::open::open_reader(&dir.join("relais.sqlite"))?;
            possible_duplicates(&conn, &agency_ids(&conn)?)
        }
        Some("queries") => queries(
            Path::new(args.get(1).ok_or("queries needs a folder")?),
            args.get(2).map(String::as_str) == Some("records"),
        ),
        _ => Err("usage: bench seed DIR [CONTACTS SESSIONS MARKS_PER_SESSION] | bench queries DIR [records] | bench duplicates DIR | bench rewrite DIR".into()),
    }
}
