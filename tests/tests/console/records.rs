//! Record lists and pages: search, filters, sort and cursor pagination give the right rows.

use std::collections::BTreeSet;

use relais_tests::app::spawn_app;
use relais_tests::console::Console;
use serde_json::Value;

use crate::seed::{seed, SeededContact};

/// Every row of a list, page by page; checks each page's size and total.
fn all_pages(console: &Console, list: &str, limit: usize) -> Vec<Value> {
    let separator = if list.contains('?') { '&' } else { '?' };
    let mut rows = Vec::new();
    let mut next: Option<String> = None;
    let mut total = None;
    for _ in 0..1000 {
        let path = match &next {
            None => format!("{list}{separator}limit={limit}"),
            Some(cursor) => format!("{list}{separator}limit={limit}&cursor={cursor}"),
        };
        let page = console.get_json(&path);
        let page_rows = page["rows"].as_array().expect("rows").clone();
        assert!(page_rows.len() <= limit);
        match total {
            None => total = Some(page["total"].as_u64().expect("total")),
            Some(t) => assert_eq!(page["total"].as_u64(), Some(t), "the total is the same on every page"),
        }
        rows.extend(page_rows);
        match page["next"].as_str() {
            Some(cursor) => next = Some(cursor.to_string()),
            None => {
                assert_eq!(Some(rows.len() as u64), total, "{list}: the pages add up to the total");
                return rows;
            }
        }
    }
    panic!("{list}: the pages never ended");
}

fn ids(rows: &[Value]) -> BTreeSet<String> {
    rows.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect()
}

fn seeded_ids<'a>(contacts: impl Iterator<Item = &'a SeededContact>) -> BTreeSet<String> {
    contacts.map(|c| c.id.to_string()).collect()
}

#[test]
fn paging_the_contacts_in_each_order_lists_every_contact_of_the_agency_once() {
    let app = spawn_app();
    let seeded = seed(&app, 20);
    let sup = Console::sign_in(&app, "sup");
    let home = seeded_ids(seeded.contacts.iter().filter(|c| c.agency_is_home));
    for sort in ["created", "-created", "name", "-name"] {
        let paged = all_pages(&sup, &format!("/contacts?sort={sort}"), 7);
        let whole = sup.get_json(&format!("/contacts?sort={sort}&limit=500"));
        assert_eq!(
            &paged,
            whole["rows"].as_array().expect("rows"),
            "{sort}: pages join into the whole list"
        );
        assert_eq!(paged.len(), home.len(), "{sort}: no row twice");
        assert_eq!(ids(&paged), home, "{sort}");
        let created: Vec<&str> = paged
            .iter()
            .map(|r| r["createdAt"].as_str().expect("createdAt"))
            .collect();
        match sort {
            "created" => assert!(created.windows(2).all(|w| w[0] <= w[1]), "{sort}"),
            "-created" => assert!(created.windows(2).all(|w| w[0] >= w[1]), "{sort}"),
            _ => {}
        }
    }
}

#[test]
fn search_and_filters_give_exactly_the_matching_contacts() {
    let app = spawn_app();
    let seeded = seed(&app, 20);
    let sup = Console::sign_in(&app, "sup");
    let home = || seeded.contacts.iter().filter(|c| c.agency_is_home);

    let diallo = all_pages(&sup, "/contacts?q=diallo", 5);
    assert_eq!(ids(&diallo), seeded_ids(home().filter(|c| c.family == "Diallo")));
    let arabic = all_pages(&sup, "/contacts?q=%D8%A7%D9%84%D8%B9%D9%84%D9%8A", 5);
    assert_eq!(ids(&arabic), seeded_ids(home().filter(|c| c.family == "العلي")));

    let with_phone = home().find(|c| c.phone.is_some()).expect("a phone");
    let national = format!("0{}", &with_phone.phone.as_deref().expect("phone")[3..]);
    let by_phone = all_pages(&sup, &format!("/contacts?q={national}"), 5);
    assert_eq!(ids(&by_phone), seeded_ids(std::iter::once(with_phone)));

    let registered = all_pages(&sup, "/contacts?stage=registered", 5);
    assert_eq!(
        ids(&registered),
        seeded_ids(home().filter(|c| c.stage.map(|s| s.as_str()) == Some("registered")))
    );
    let senegal = all_pages(&sup, "/contacts?nationality=SN&sort=name", 5);
    assert_eq!(
        ids(&senegal),
        seeded_ids(home().filter(|c| c.nationality == Some("SN")))
    );
    let karim = all_pages(&sup, &format!("/contacts?agent={}", seeded.karim), 5);
    assert_eq!(ids(&karim), seeded_ids(home().filter(|c| c.by == seeded.karim)));
    let november = all_pages(&sup, "/contacts?from=2026-11-01&to=2026-11-30&sort=name", 4);
    assert_eq!(
        ids(&november),
        seeded_ids(home().filter(|c| c.created_at.starts_with("2026-11")))
    );
}

#[test]
fn a_contact_page_shows_its_fields_and_sessions_and_a_session_page_its_marks() {
    let app = spawn_app();
    let seeded = seed(&app, 6);
    let sup = Console::sign_in(&app, "sup");
    let session = seeded
        .sessions
        .iter()
        .find(|s| s.agency_is_home && !s.marks.is_empty())
        .expect("session");
    let page = sup.get_json(&format!("/sessions/{}", session.id));
    let marks = page["attendance"].as_array().expect("attendance");
    assert_eq!(marks.len(), session.marks.len());
    let contact_id = marks[0]["contactId"].as_str().expect("contact").to_string();
    let contact = seeded
        .contacts
        .iter()
        .find(|c| c.id.to_string() == contact_id)
        .expect("seeded");
    assert_eq!(marks[0]["name"], format!("{} {}", contact.given, contact.family));

    let detail = sup.get_json(&format!("/contacts/{contact_id}"));
    assert_eq!(detail["contact"]["givenName"], contact.given.as_str());
    assert_eq!(detail["contact"]["familyName"], contact.family.as_str());
    assert_eq!(detail["contact"]["nationality"].as_str(), contact.nationality);
    let interests: Vec<&str> = detail["contact"]["interests"]
        .as_array()
        .expect("interests")
        .iter()
        .map(|i| i.as_str().expect("text"))
        .collect();
    let mut expected: Vec<&str> = contact.interests.iter().map(|i| i.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(interests, expected);
    assert!(detail["attendance"]
        .as_array()
        .expect("attendance")
        .iter()
        .any(|a| a["sessionId"] == session.id.to_string().as_str()));

    let listed = sup.get_json("/sessions?limit=500");
    let row = listed["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"] == session.id.to_string().as_str())
        .expect("listed")
        .clone();
    assert_eq!(row["registered"], session.marks.len() as u64);
    let visits = all_pages(&sup, "/visits?sort=date", 1);
    let dates: Vec<&str> = visits.iter().map(|v| v["date"].as_str().expect("date")).collect();
    assert_eq!(dates, vec!["2026-10-12", "2026-10-12", "2026-12-02", "2026-12-02"]);
}

#[test]
fn bad_list_parameters_get_a_400_that_names_them() {
    let app = spawn_app();
    seed(&app, 1);
    let sup = Console::sign_in(&app, "sup");
    for (query, names) in [
        ("/contacts?sort=sideways", "sort"),
        ("/contacts?limit=0", "limit"),
        ("/contacts?limit=100000", "limit"),
        ("/contacts?cursor=bm90IGEgY3Vyc29y", "cursor"),
        ("/contacts?from=2026-13-01", "from"),
        ("/contacts?from=2026-12-01&to=2026-11-01", "range"),
        ("/contacts?stage=hired", "stage"),
        ("/contacts?nationality=France", "nationality"),
        ("/contacts?agent=amina", "agent"),
        ("/contacts?colour=red", "colour"),
        ("/contacts?q=a&q=b", "q"),
        ("/sessions?kind=party", "kind"),
        ("/visits?sort=name", "sort"),
        ("/dashboard?limit=5", "limit"),
    ] {
        let response = sup.get(query);
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().expect("JSON");
        assert_eq!(body["error"], "bad_request", "{query}");
        assert!(
            body["message"].as_str().expect("message").contains(names),
            "{query}: {body}"
        );
    }
}
