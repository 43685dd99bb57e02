//! CSV, JSON and XLSX exports compared field by field with the projection.

use std::collections::BTreeMap;

use calamine::{Data, Reader};
use relais_tests::app::{spawn_app, TestApp};
use rusqlite::types::Value;

use crate::seed::{csv_records, download, seed};

/// The projection's row(s) as text, as an export should show them (NULL: none).
fn projection(app: &TestApp, sql: &'static str) -> Vec<BTreeMap<String, Option<String>>> {
    app.store
        .read(move |conn| {
            let mut stmt = conn.prepare(sql)?;
            let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
            let rows = stmt.query_map([], |row| {
                let mut map = BTreeMap::new();
                for (i, name) in names.iter().enumerate() {
                    let text = match row.get::<_, Value>(i)? {
                        Value::Null => None,
                        Value::Integer(n) => Some(n.to_string()),
                        Value::Real(x) => Some(x.to_string()),
                        Value::Text(t) => Some(t),
                        Value::Blob(_) => panic!("no blobs in the projection"),
                    };
                    map.insert(name.clone(), text);
                }
                Ok(map)
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("projection query")
}

const CONTACTS: &str = "SELECT c.*, c.doc_id AS id,
        (SELECT group_concat(language, ';') FROM (SELECT language FROM contact_languages l
            WHERE l.doc_id = c.doc_id ORDER BY language)) AS languages,
        (SELECT group_concat(interest, ';') FROM (SELECT interest FROM contact_interests i
            WHERE i.doc_id = c.doc_id ORDER BY interest)) AS interests
    FROM contacts c ORDER BY c.doc_id";

const ATTENDANCE: &str = "SELECT a.*, s.starts_at AS session_starts_at, s.topic AS session_topic,
        s.kind AS session_kind, s.agency_id, c.given_name, c.family_name, c.alias
    FROM attendance a JOIN sessions s ON s.doc_id = a.session_id LEFT JOIN contacts c ON c.doc_id = a.contact_id
    ORDER BY a.session_id, a.contact_id";

/// Every column the projection has is in the export with the same value.
fn assert_same_fields(exported: &BTreeMap<String, Option<String>>, expected: &BTreeMap<String, Option<String>>) {
    let mut compared = 0;
    for (name, value) in expected {
        if let Some(got) = exported.get(name) {
            let want = match name.as_str() {
                "consent_scope" | "facilitators" | "agents" | "topics" => value.as_ref().map(|v| v.replace(',', ";")),
                _ => value.clone(),
            };
            assert_eq!(got, &want, "column {name}");
            compared += 1;
        }
    }
    assert!(compared >= 8, "most columns compared ({compared})");
}

#[test]
fn csv_of_contacts_matches_the_projection_field_by_field_arabic_and_accents_included() {
    let app = spawn_app();
    let seeded = seed(&app);

    let bytes = download(&app, "admin", "/api/v1/exports/contacts.csv");

    assert!(bytes.starts_with("\u{feff}id,agency_id,agency,".as_bytes()));
    let rows = csv_records(&bytes);
    let expected = projection(&app, CONTACTS);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(&expected) {
        let got: BTreeMap<_, _> = row
            .iter()
            .map(|(k, v)| (k.clone(), (!v.is_empty()).then(|| v.clone())))
            .collect();
        assert_same_fields(&got, want);
    }
    let by_id = |id: relais_schema::DocumentId| {
        rows.iter()
            .find(|r| r["id"] == id.to_string())
            .expect("the contact is exported")
    };
    assert_eq!(by_id(seeded.arabic)["given_name"], "محمد");
    assert_eq!(by_id(seeded.arabic)["family_name"], "العلي");
    assert_eq!(by_id(seeded.arabic)["languages"], "ar;fr");
    assert_eq!(by_id(seeded.arabic)["interests"], "job_search;vocational_training");
    assert_eq!(by_id(seeded.accented)["family_name"], "Lefèvre-N'Diaye");
    assert_eq!(by_id(seeded.quoted)["alias"], "Le \"grand\", Ali");
    assert_eq!(by_id(seeded.quoted)["notes"], "line one\r\nline two");
    assert_eq!(by_id(seeded.foreign)["agency"], "Agence Marseille Nord");
}

#[test]
fn json_of_attendance_has_one_object_per_person_per_session_as_in_the_projection() {
    let app = spawn_app();
    seed(&app);

    let bytes = download(&app, "admin", "/api/v1/exports/attendance.json");

    let rows: Vec<serde_json::Value> = serde_json::from_slice(&bytes).expect("a JSON array");
    let expected = projection(&app, ATTENDANCE);
    assert_eq!(rows.len(), 4, "three people at one session, one at the other");
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(&expected) {
        let got: BTreeMap<String, Option<String>> = row
            .as_object()
            .expect("an object per row")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
            .collect();
        assert_same_fields(&got, want);
    }
    assert!(rows
        .iter()
        .any(|r| r["given_name"] == "محمد" && r["session_topic"] == "Atelier CV, lettre"));
    assert!(rows.iter().any(|r| r["family_name"] == "Lefèvre-N'Diaye"));
}

#[test]
fn json_of_all_tables_is_an_object_of_arrays_with_numbers_as_numbers() {
    let app = spawn_app();
    seed(&app);

    let bytes = download(&app, "admin", "/api/v1/exports/all.json");

    let all: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    for (table, count) in [
        ("contacts", 4),
        ("follow_ups", 1),
        ("sessions", 2),
        ("attendance", 4),
        ("visits", 1),
    ] {
        assert_eq!(all[table].as_array().map(Vec::len), Some(count), "{table}");
    }
    let arabic = all["contacts"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["given_name"] == "محمد"))
        .expect("the contact");
    assert_eq!(arabic["birth_year"], serde_json::json!(1990));
    assert_eq!(arabic["consent_given"], serde_json::json!(1));
    assert_eq!(all["visits"][0]["reached"], serde_json::json!(0));
    assert_eq!(all["follow_ups"][0]["note"], "rappeler محمد lundi");
}

#[test]
fn xlsx_of_all_tables_has_one_sheet_per_table_with_typed_cells_matching_the_projection() {
    let app = spawn_app();
    seed(&app);

    let bytes = download(&app, "admin", "/api/v1/exports/all.xlsx");

    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    assert_eq!(
        workbook.sheet_names(),
        ["contacts", "follow_ups", "sessions", "attendance", "visits"]
    );
    let sheet = workbook.worksheet_range("contacts").expect("contacts sheet");
    let mut rows = sheet.rows();
    let header: Vec<String> = rows.next().expect("a header").iter().map(|c| c.to_string()).collect();
    let expected = projection(&app, CONTACTS);
    let mut count = 0;
    for (row, want) in rows.zip(&expected) {
        count += 1;
        let got: BTreeMap<String, Option<String>> = header
            .iter()
            .cloned()
            .zip(row.iter().map(|cell| match cell {
                Data::Empty => None,
                Data::Float(x) => Some(format!("{}", *x as i64)),
                // OOXML escapes a carriage return as `_x000D_`; Excel decodes
                // it, calamine leaves inline strings as written.
                Data::String(s) => Some(s.replace("_x000D_", "\r")),
                other => panic!("unexpected cell {other:?}"),
            }))
            .collect();
        assert_same_fields(&got, want);
        let year_column = header.iter().position(|h| h == "birth_year").expect("birth_year");
        let consent_column = header.iter().position(|h| h == "consent_given").expect("consent_given");
        assert!(
            matches!(row[consent_column], Data::Float(_)),
            "numbers are number cells"
        );
        assert!(matches!(row[year_column], Data::Float(_) | Data::Empty));
    }
    assert_eq!(count, 4);
    let attendance = workbook.worksheet_range("attendance").expect("attendance sheet");
    assert_eq!(attendance.rows().count(), 5, "header and four marks");
}

#[test]
fn filters_by_date_range_and_agency_keep_only_matching_rows() {
    let app = spawn_app();
    let seeded = seed(&app);
    let ids = |bytes: Vec<u8>| -> Vec<String> {
        let mut ids: Vec<String> = csv_records(&bytes).into_iter().map(|r| r["id"].clone()).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    let december = ids(download(
        &app,
        "admin",
        "/api/v1/exports/contacts.csv?from=2026-12-01&to=2026-12-10",
    ));
    let belleville = ids(download(
        &app,
        "admin",
        "/api/v1/exports/contacts.csv?agency=Agence%20Belleville",
    ));
    let one_day = ids(download(
        &app,
        "admin",
        "/api/v1/exports/contacts.csv?from=2026-12-03&to=2026-12-03",
    ));
    let late_marks = csv_records(&download(
        &app,
        "admin",
        "/api/v1/exports/attendance.csv?from=2026-12-15",
    ));
    let amina = ids(download(&app, "admin", "/api/v1/exports/contacts.csv?agent=amina"));
    let amina_id: String = rusqlite::Connection::open(app.database())
        .expect("database")
        .query_row("SELECT id FROM users WHERE username = 'amina'", [], |r| r.get(0))
        .expect("amina's id");
    let amina_by_id = ids(download(
        &app,
        "admin",
        &format!("/api/v1/exports/contacts.csv?agent={amina_id}"),
    ));

    assert_eq!(
        december,
        sorted(vec![
            seeded.accented.to_string(),
            seeded.quoted.to_string(),
            seeded.foreign.to_string()
        ]),
        "the last day is included"
    );
    assert_eq!(
        belleville,
        sorted(vec![
            seeded.arabic.to_string(),
            seeded.accented.to_string(),
            seeded.quoted.to_string()
        ])
    );
    assert_eq!(one_day, vec![seeded.accented.to_string()]);
    assert_eq!(late_marks.len(), 1);
    assert_eq!(late_marks[0]["session_id"], seeded.late_session.to_string());
    assert_eq!(late_marks[0]["status"], "absent");
    assert_eq!(amina, belleville, "amina recorded every Belleville contact");
    assert_eq!(
        amina_by_id, amina,
        "the console names an agent by id, the command line by username"
    );
    let early = csv_records(&download(&app, "admin", "/api/v1/exports/sessions.csv?to=2026-11-30"));
    assert_eq!(early.len(), 1);
    assert_eq!(early[0]["id"], seeded.early_session.to_string());
}
