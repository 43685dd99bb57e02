//! Dashboard figures against counts made from the seeded records themselves.

use std::collections::BTreeMap;

use relais_schema::{AgencyId, AttendanceStatus, Sex};
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::console::Console;
use serde_json::Value;

use crate::seed::{seed, Seeded, SeededContact};

/// The filters of one dashboard request, applied by the test on the seed.
struct Case {
    who: &'static str,
    home: bool,
    other: bool,
    from: Option<&'static str>,
    to: Option<&'static str>,
    agent: Option<relais_schema::UserId>,
}

impl Case {
    fn query(&self, app: &TestApp) -> String {
        let mut parts = Vec::new();
        if let Some(from) = self.from {
            parts.push(format!("from={from}"));
        }
        if let Some(to) = self.to {
            parts.push(format!("to={to}"));
        }
        if let Some(agent) = self.agent {
            parts.push(format!("agent={agent}"));
        }
        if self.home != self.other {
            let agency = if self.home { app.agency } else { app.other_agency };
            parts.push(format!("agency={agency}"));
        }
        format!("/dashboard?{}", parts.join("&"))
    }

    fn in_scope(&self, home: bool) -> bool {
        if home {
            self.home
        } else {
            self.other
        }
    }

    fn in_range(&self, day: &str) -> bool {
        self.from.is_none_or(|from| from <= day) && self.to.is_none_or(|to| day <= to)
    }

    fn contacts<'a>(&self, seeded: &'a Seeded) -> Vec<&'a SeededContact> {
        seeded
            .contacts
            .iter()
            .filter(|c| self.in_scope(c.agency_is_home) && self.in_range(&c.created_at[..10]))
            .filter(|c| self.agent.is_none_or(|a| a == c.by))
            .collect()
    }
}

fn counts(values: impl IntoIterator<Item = String>) -> BTreeMap<String, u64> {
    let mut map = BTreeMap::new();
    for v in values {
        *map.entry(v).or_insert(0) += 1;
    }
    map
}

/// `[{key: …, count: …}]` as a map, checking that the list runs from most to fewest.
fn answered(list: &Value, key: &str) -> BTreeMap<String, u64> {
    let rows = list.as_array().expect("a list");
    let mut previous = u64::MAX;
    let mut map = BTreeMap::new();
    for row in rows {
        let count = row["count"].as_u64().expect("count");
        if key != "period" {
            assert!(count <= previous, "most first: {list}");
        }
        previous = count;
        map.insert(row[key].as_str().expect("key").to_string(), count);
    }
    map
}

fn iso_week(day: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, &format).expect("date");
    format!("{:04}-W{:02}", date.to_iso_week_date().0, date.iso_week())
}

fn funnel_rank(stage: Option<&str>) -> usize {
    match stage {
        None | Some("contacted") => 0,
        Some("informed") => 1,
        Some("registered") => 2,
        Some("in_training") | Some("accompanied") => 3,
        Some("employed") | Some("self_employed") => 4,
        Some(other) => panic!("unknown stage {other}"),
    }
}

fn check(app: &TestApp, seeded: &Seeded, case: &Case) {
    let console = Console::sign_in(app, case.who);
    let figures = console.get_json(&case.query(app));
    let contacts = case.contacts(seeded);
    let label = case.query(app);

    let weekly = counts(contacts.iter().map(|c| iso_week(&c.created_at[..10])));
    let monthly = counts(contacts.iter().map(|c| c.created_at[..7].to_string()));
    assert_eq!(answered(&figures["reached"]["weekly"], "period"), weekly, "{label}");
    assert_eq!(answered(&figures["reached"]["monthly"], "period"), monthly, "{label}");

    let mut by_agency = BTreeMap::new();
    for (home, id) in [(true, app.agency), (false, app.other_agency)] {
        if case.in_scope(home) {
            let n = contacts.iter().filter(|c| c.agency_is_home == home).count() as u64;
            by_agency.insert(id.to_string(), n);
        }
    }
    assert_eq!(answered(&figures["byAgency"], "id"), by_agency, "{label}");
    let by_agent = counts(contacts.iter().map(|c| c.by.to_string()));
    assert_eq!(answered(&figures["byAgent"], "id"), by_agent, "{label}");

    let women = contacts.iter().filter(|c| c.sex == Some(Sex::Female)).count() as u64;
    assert_eq!(figures["women"]["women"], women, "{label}");
    assert_eq!(figures["women"]["total"], contacts.len() as u64, "{label}");

    let nationalities = counts(contacts.iter().filter_map(|c| c.nationality.map(str::to_string)));
    assert_eq!(answered(&figures["nationalities"], "code"), nationalities, "{label}");
    let statuses = counts(contacts.iter().filter_map(|c| c.status.map(|s| s.as_str().to_string())));
    assert_eq!(answered(&figures["statuses"], "code"), statuses, "{label}");
    let interests = counts(
        contacts
            .iter()
            .flat_map(|c| c.interests.iter().map(|i| i.as_str().to_string())),
    );
    assert_eq!(answered(&figures["interests"], "code"), interests, "{label}");

    let funnel: Vec<u64> = figures["funnel"]
        .as_array()
        .expect("funnel")
        .iter()
        .map(|s| s["count"].as_u64().expect("count"))
        .collect();
    let expected: Vec<u64> = (0..5)
        .map(|rank| {
            contacts
                .iter()
                .filter(|c| funnel_rank(c.stage.map(|s| s.as_str())) >= rank)
                .count() as u64
        })
        .collect();
    assert_eq!(funnel, expected, "{label}");

    let sessions: Vec<_> = seeded
        .sessions
        .iter()
        .filter(|s| case.in_scope(s.agency_is_home) && case.in_range(&s.starts_at[..10]))
        .filter(|s| case.agent.is_none_or(|a| a == s.by))
        .collect();
    let marks: Vec<AttendanceStatus> = sessions.iter().flat_map(|s| s.marks.iter().copied()).collect();
    let present = marks.iter().filter(|m| **m == AttendanceStatus::Present).count() as u64;
    let absent = marks.iter().filter(|m| **m == AttendanceStatus::Absent).count() as u64;
    assert_eq!(figures["sessions"]["held"], sessions.len() as u64, "{label}");
    assert_eq!(figures["sessions"]["registered"], marks.len() as u64, "{label}");
    assert_eq!(figures["sessions"]["present"], present, "{label}");
    assert_eq!(figures["sessions"]["absent"], absent, "{label}");
    let rate = figures["sessions"]["attendanceRate"].as_f64().expect("rate");
    let expected_rate = if marks.is_empty() {
        0.0
    } else {
        present as f64 / marks.len() as f64
    };
    assert!((rate - expected_rate).abs() < 1e-9, "{label}");

    let visits: Vec<_> = seeded
        .visits
        .iter()
        .filter(|v| case.in_scope(v.agency_is_home) && case.in_range(&v.date))
        .filter(|v| case.agent.is_none_or(|a| a == v.by))
        .collect();
    assert_eq!(figures["visits"]["count"], visits.len() as u64, "{label}");
    assert_eq!(
        figures["visits"]["reached"],
        visits.iter().map(|v| v.reached).sum::<i64>(),
        "{label}"
    );
    assert_eq!(
        figures["visits"]["womenReached"],
        visits.iter().map(|v| v.women).sum::<i64>(),
        "{label}"
    );
}

#[test]
fn every_dashboard_figure_matches_the_seeded_records_under_each_filter() {
    let app = spawn_app();
    let seeded = seed(&app, 24);
    let cases = [
        Case {
            who: "sup",
            home: true,
            other: false,
            from: None,
            to: None,
            agent: None,
        },
        Case {
            who: "sup",
            home: true,
            other: false,
            from: Some("2026-11-01"),
            to: Some("2026-11-30"),
            agent: None,
        },
        Case {
            who: "sup",
            home: true,
            other: false,
            from: Some("2026-10-15"),
            to: None,
            agent: Some(seeded.karim),
        },
        Case {
            who: "admin",
            home: true,
            other: true,
            from: None,
            to: Some("2026-11-18"),
            agent: None,
        },
        Case {
            who: "admin",
            home: false,
            other: true,
            from: Some("2026-12-01"),
            to: None,
            agent: None,
        },
        Case {
            who: "sup_other",
            home: false,
            other: true,
            from: None,
            to: None,
            agent: Some(seeded.omar),
        },
    ];
    for case in &cases {
        check(&app, &seeded, case);
    }
}

#[test]
fn the_projection_holds_exactly_the_seeded_records() {
    // The dashboard test above counts from the seed; this ties the seed to the tables.
    let app = spawn_app();
    let seeded = seed(&app, 6);
    let count = |sql: &'static str, agency: AgencyId| app.count(sql, agency.to_string());
    let home = seeded.contacts.iter().filter(|c| c.agency_is_home).count() as i64;
    assert_eq!(
        count("SELECT COUNT(*) FROM contacts WHERE agency_id = ?1", app.agency),
        home
    );
    let marks: usize = seeded
        .sessions
        .iter()
        .filter(|s| s.agency_is_home)
        .map(|s| s.marks.len())
        .sum();
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM attendance a JOIN sessions s ON s.doc_id = a.session_id WHERE s.agency_id = ?1",
            app.agency
        ),
        marks as i64
    );
    let sup = Console::sign_in(&app, "sup");
    let figures = sup.get_json("/dashboard");
    assert_eq!(figures["women"]["total"], home);
}
