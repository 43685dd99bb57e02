//! Contacts search through the trigram index: what a search finds, and that
//! the index follows every edit, erasure and reprojection.

use std::collections::BTreeSet;

use relais_schema::DocumentId;
use relais_server::phone::Phone;
use relais_server::records::{create_contact, set_field};
use relais_sync::accounts::Role;
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::console::Console;
use relais_tests::world::AT;

/// `text` as a query string value: every byte but unreserved ASCII percent-encoded.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The names the contacts list shows for a search; checks the total.
fn found(console: &Console, text: &str) -> BTreeSet<String> {
    let page = console.get_json(&format!("/contacts?q={}&limit=500", encoded(text)));
    let rows = page["rows"].as_array().expect("rows");
    assert_eq!(
        page["total"].as_u64(),
        Some(rows.len() as u64),
        "{text}: the total counts the rows"
    );
    rows.iter()
        .map(|r| r["name"].as_str().expect("name").to_string())
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|n| n.to_string()).collect()
}

/// A phone of the home agency, a supervisor of it, and a phone of the other agency.
fn agency_with_supervisor(app: &TestApp) -> (Phone, Console, Phone) {
    let phone = app.agent_phone("amina");
    let foreign = app.foreign_agent_phone("omar");
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    (phone, Console::sign_in(app, "sup"), foreign)
}

fn contact(phone: &mut Phone, given: &str, family: &str, number: Option<&str>) -> DocumentId {
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, given, family, |c| {
        c.phone = number.map(|n| n.parse().expect("phone"));
    })
    .expect("contact")
}

#[test]
fn a_search_by_part_of_a_name_finds_every_contact_containing_it_in_any_case() {
    // Arrange
    let app = spawn_app();
    let (mut phone, sup, mut foreign) = agency_with_supervisor(&app);
    contact(&mut phone, "Aminata", "Diallo", None);
    contact(&mut phone, "Fatou", "Diallo", None);
    contact(&mut phone, "Moussa", "Traoré", None);
    contact(&mut phone, "Zoé", "Lefèvre", None);
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, "", "", |c| {
        c.given_name = None;
        c.family_name = None;
        c.alias = Some("Le tailleur".into());
    })
    .expect("alias");
    phone.sync_until_idle(10).expect("sync");
    contact(&mut foreign, "Awa", "Diallo", None);
    foreign.sync_until_idle(10).expect("sync");

    // Act and assert
    assert_eq!(found(&sup, "iall"), names(&["Aminata Diallo", "Fatou Diallo"]));
    assert_eq!(found(&sup, "DIALLO"), names(&["Aminata Diallo", "Fatou Diallo"]));
    assert_eq!(found(&sup, "raor"), names(&["Moussa Traoré"]));
    assert_eq!(found(&sup, "lefè"), names(&["Zoé Lefèvre"]));
    assert_eq!(found(&sup, "taille"), names(&["Le tailleur"]));
    assert_eq!(
        found(&sup, "Diallo Fatou"),
        names(&[]),
        "given and family are searched apart"
    );
    assert_eq!(found(&sup, "xyz"), names(&[]));
}

#[test]
fn the_index_does_not_widen_what_a_search_matches() {
    // `LIKE` folds the case of A–Z only; the index folds every alphabet and
    // only proposes rows, so an accented capital still matches as before.
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    contact(&mut phone, "Zoé", "Lefèvre", None);
    contact(&mut phone, "Élise", "Martin", None);
    phone.sync_until_idle(10).expect("sync");

    assert_eq!(found(&sup, "LEFÈVRE"), names(&[]));
    assert_eq!(found(&sup, "LEFèVRE"), names(&["Zoé Lefèvre"]));
    assert_eq!(found(&sup, "élise"), names(&[]));
    assert_eq!(found(&sup, "Élise"), names(&["Élise Martin"]));
    assert_eq!(found(&sup, "50%"), names(&[]), "wildcards match themselves");
}

#[test]
fn an_arabic_name_is_found_whole_or_in_part() {
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    contact(&mut phone, "محمد", "العلي", None);
    contact(&mut phone, "فاطمة", "حسن", None);
    contact(&mut phone, "Ali", "Haddad", None);
    phone.sync_until_idle(10).expect("sync");

    assert_eq!(found(&sup, "العلي"), names(&["محمد العلي"]));
    assert_eq!(found(&sup, "لعل"), names(&["محمد العلي"]));
    assert_eq!(found(&sup, "حسن"), names(&["فاطمة حسن"]));
    assert_eq!(found(&sup, "ali"), names(&["Ali Haddad"]));
}

#[test]
fn phone_digits_typed_with_spaces_find_numbers_written_with_or_without_spaces() {
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    contact(&mut phone, "Awa", "Sow", Some("+33 6 12 34 56 78"));
    contact(&mut phone, "Omar", "Barry", Some("+33698765432"));
    contact(&mut phone, "Yusuf", "Camara", Some("00221 77 000 11 22"));
    phone.sync_until_idle(10).expect("sync");

    assert_eq!(found(&sup, "06 12 34"), names(&["Awa Sow"]));
    assert_eq!(found(&sup, "+33 6 12 34 56 78"), names(&["Awa Sow"]));
    assert_eq!(found(&sup, "06 98 76"), names(&["Omar Barry"]));
    assert_eq!(found(&sup, "0698765432"), names(&["Omar Barry"]));
    assert_eq!(found(&sup, "77 000 11"), names(&["Yusuf Camara"]));
    assert_eq!(found(&sup, "(221) 77-000"), names(&["Yusuf Camara"]));
    assert_eq!(found(&sup, "33 6"), names(&["Awa Sow", "Omar Barry"]));
    assert_eq!(found(&sup, "06 55 55"), names(&[]));
}

#[test]
fn after_an_edit_the_old_name_no_longer_matches_and_the_new_one_does() {
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    let id = contact(&mut phone, "Leila", "Haddad", Some("+33 6 11 22 33 44"));
    phone.sync_until_idle(10).expect("sync");
    assert_eq!(found(&sup, "haddad"), names(&["Leila Haddad"]));

    set_field(&mut phone.device, id, "family_name", "Mansour").expect("edit");
    set_field(&mut phone.device, id, "phone", "+33 7 55 66 77 88").expect("edit");
    phone.sync_until_idle(10).expect("sync");

    assert_eq!(found(&sup, "haddad"), names(&[]));
    assert_eq!(found(&sup, "06 11 22 33"), names(&[]));
    assert_eq!(found(&sup, "mansour"), names(&["Leila Mansour"]));
    assert_eq!(found(&sup, "07 55 66"), names(&["Leila Mansour"]));
}

#[test]
fn after_erasure_nothing_matches_and_the_index_keeps_no_trace_of_the_name() {
    // Arrange: a name whose trigrams no other contact has.
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    let id = contact(&mut phone, "Qizwak", "Xurbelt", Some("+33 6 40 40 40 40"));
    contact(&mut phone, "Awa", "Diallo", Some("+33 6 41 41 41 41"));
    phone.sync_until_idle(10).expect("sync");
    assert_eq!(found(&sup, "xurbel"), names(&["Qizwak Xurbelt"]));

    // Act
    app.store
        .write(move |conn| relais_sync::erase::erase_document(conn, id, None, None, "2026-11-29T12:00:00Z"))
        .expect("erased");

    // Assert: no search finds it, and its trigrams are gone from the index itself.
    assert_eq!(found(&sup, "xurbel"), names(&[]));
    assert_eq!(found(&sup, "qizwak"), names(&[]));
    assert_eq!(found(&sup, "06 40 40 40"), names(&[]));
    assert_eq!(found(&sup, "06 41 41"), names(&["Awa Diallo"]));
    let left: i64 = app
        .store
        .read(|conn| {
            Ok(conn.query_row(
                "SELECT (SELECT COUNT(*) FROM contact_search_data
                         WHERE instr(block, CAST('xur' AS BLOB)) > 0 OR instr(block, CAST('qiz' AS BLOB)) > 0)
                      + (SELECT COUNT(*) FROM contact_search_content WHERE c1 = 'xurbelt')",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("index pages");
    assert_eq!(left, 0, "the erased contact's trigrams are still indexed");
}

#[test]
fn a_search_of_one_or_two_characters_still_finds_every_match() {
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    contact(&mut phone, "Zoé", "Barry", Some("+33 6 12 00 00 00"));
    contact(&mut phone, "Omar", "Abakar", Some("+33 6 99 00 00 00"));
    contact(&mut phone, "محمد", "حسن", None);
    phone.sync_until_idle(10).expect("sync");

    assert_eq!(found(&sup, "ba"), names(&["Zoé Barry", "Omar Abakar"]));
    assert_eq!(found(&sup, "é"), names(&["Zoé Barry"]));
    assert_eq!(found(&sup, "حس"), names(&["محمد حسن"]));
    // Three digits, but "12" once the leading zeros are dropped.
    assert_eq!(found(&sup, "0 0 12"), names(&["Zoé Barry"]));
}

#[test]
fn a_short_search_lists_in_order_what_a_like_scan_of_the_contact_rows_lists() {
    // Arrange: names, aliases (alone or beside a name) and phones of every kind.
    let app = spawn_app();
    let (mut phone, sup, mut foreign) = agency_with_supervisor(&app);
    let people: [(&str, &str, Option<&str>, Option<&str>); 9] = [
        ("Aminata", "Diallo", None, Some("+33 6 12 00 00 00")),
        ("ÉLODIE", "Diop", Some("Dí"), None),
        ("Zoé", "Lefèvre", None, Some("06 99 12 34 56")),
        ("محمد", "حسن", Some("أبو علي"), None),
        ("Li", "Ng", None, Some("00221 77 000 11 22")),
        ("", "", Some("Le tailleur"), Some("+33612000000")),
        ("O'Brien", "Keïta", None, None),
        ("Fatou", "Sow", Some("La couturière"), None),
        ("Moussa", "Traoré", None, Some("+33 7 00 00 12 00")),
    ];
    for (given, family, alias, number) in people {
        let author = phone.author();
        create_contact(&mut phone.device, author, AT, given, family, |c| {
            if given.is_empty() {
                c.given_name = None;
                c.family_name = None;
            }
            c.alias = alias.map(str::to_string);
            c.phone = number.map(|n| n.parse().expect("phone"));
        })
        .expect("contact");
    }
    phone.sync_until_idle(10).expect("sync");
    contact(&mut foreign, "Awa", "Diallo", Some("+33 6 12 00 00 01"));
    foreign.sync_until_idle(10).expect("sync");
    let agency = app.agency.to_string();
    let mut searches: Vec<String> = ["12", "0 0 12", "00 1 2", "06", "+3", "%", "'", "zq"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (given, family, alias, _) in people {
        for name in [given, family, alias.unwrap_or_default()] {
            let chars: Vec<char> = name.chars().collect();
            for len in 1..=2.min(chars.len()) {
                for piece in chars.windows(len) {
                    let piece: String = piece.iter().collect();
                    searches.push(piece.to_uppercase());
                    searches.push(piece);
                }
            }
        }
    }
    searches.retain(|s| !s.trim().is_empty());
    searches.sort();
    searches.dedup();

    app.add_user("admin", Role::Admin, &[]);
    let admin = Console::sign_in(&app, "admin");

    let mut found_some = 0;
    // A supervisor's agency, then every agency (an administrator's scope holds
    // every agency with contacts, and is searched in another way).
    for (console, agency) in [(&sup, Some(agency)), (&admin, None)] {
        for text in &searches {
            // Act
            let page = console.get_json(&format!("/contacts?q={}&sort=name&limit=500", encoded(text)));

            // Assert: the rows, in order, and the total of a LIKE scan of the rows in scope.
            let listed: Vec<String> = page["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_string())
                .collect();
            let (scope, pattern) = (agency.clone(), like_pattern(text.trim()));
            let phone = phone_pattern(text.trim());
            let scanned: Vec<String> = app
                .store
                .read(move |conn| {
                    let mut statement = conn.prepare(
                        "SELECT doc_id FROM contacts c WHERE (?1 IS NULL OR c.agency_id = ?1)
                         AND (c.given_name LIKE ?2 ESCAPE '\\' OR c.family_name LIKE ?2 ESCAPE '\\'
                              OR c.alias LIKE ?2 ESCAPE '\\' OR (?3 != '' AND replace(c.phone, ' ', '') LIKE ?3))
                         ORDER BY ifnull(c.family_name, '') COLLATE NOCASE, ifnull(c.given_name, '') COLLATE NOCASE,
                                  c.doc_id",
                    )?;
                    let rows = statement.query_map(rusqlite::params![scope, pattern, phone], |r| r.get(0))?;
                    Ok(rows.collect::<Result<Vec<String>, _>>()?)
                })
                .expect("scan");
            assert_eq!(listed, scanned, "{text:?}, agency {agency:?}");
            assert_eq!(page["total"].as_u64(), Some(scanned.len() as u64), "{text:?}");
            found_some += usize::from(!scanned.is_empty());
        }
    }
    assert!(
        found_some > 120,
        "{found_some} of {} searches found something",
        2 * searches.len()
    );
}

/// `LIKE` matching text containing `text` literally (escape character: backslash).
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The digits of a text that looks like a phone number (3 digits or more),
/// leading zeros dropped, as a `LIKE` pattern; empty otherwise.
fn phone_pattern(text: &str) -> String {
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0');
    if phone_like && digits.len() >= 3 && !significant.is_empty() {
        format!("%{significant}%")
    } else {
        String::new()
    }
}

#[test]
fn reprojecting_every_document_keeps_the_index_in_step_with_the_contacts() {
    // Arrange
    let app = spawn_app();
    let (mut phone, sup, _) = agency_with_supervisor(&app);
    for (given, family, number) in [
        ("Aminata", "Diallo", Some("+33 6 12 34 56 78")),
        ("محمد", "العلي", None),
        ("Zoé", "Lefèvre", Some("+221770001122")),
    ] {
        contact(&mut phone, given, family, number);
    }
    phone.sync_until_idle(10).expect("sync");
    let searches = ["diallo", "العلي", "lefè", "06 12 34", "77 000", "zo"];
    let before: Vec<BTreeSet<String>> = searches.iter().map(|s| found(&sup, s)).collect();

    // Act: rows are deleted and written again, under new rowids.
    app.store
        .write(relais_sync::projection::reproject_all)
        .expect("reproject");

    // Assert
    let after: Vec<BTreeSet<String>> = searches.iter().map(|s| found(&sup, s)).collect();
    assert_eq!(before, after);
    assert!(before.iter().take(5).all(|names| names.len() == 1));
    let (indexed, contacts, integrity) = app
        .store
        .write(|conn| {
            let integrity = conn
                .execute(
                    "INSERT INTO contact_search (contact_search) VALUES ('integrity-check')",
                    [],
                )
                .is_ok();
            Ok((
                conn.query_row("SELECT COUNT(*) FROM contact_search", [], |r| r.get::<_, i64>(0))?,
                conn.query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get::<_, i64>(0))?,
                integrity,
            ))
        })
        .expect("counts");
    assert_eq!(indexed, contacts, "one index entry per contact row");
    assert!(integrity, "the index passes its integrity check");
}

#[test]
fn a_search_holding_a_control_character_gets_a_400_that_names_q() {
    let app = spawn_app();
    let (_, sup, _) = agency_with_supervisor(&app);
    for query in [
        "/contacts?q=dia%00llo",
        "/contacts?q=dia%09llo",
        "/sessions?q=ate%00lier",
    ] {
        let response = sup.get(query);
        assert_eq!(response.status(), 400, "{query}");
        let body: serde_json::Value = response.json().expect("JSON");
        assert_eq!(body["error"], "bad_request", "{query}");
        assert!(
            body["message"].as_str().expect("message").contains("q:"),
            "{query}: {body}"
        );
    }
}
