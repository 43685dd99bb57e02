//! Attendance exports take each person's names from every contact read once
//! (not a lookup per row): the rows must still be those of the projection's
//! join, a mark whose person is unknown included.

use std::collections::BTreeMap;

use relais_tests::app::{spawn_app, TestApp};

use crate::seed::{csv_records, download, seed};

/// An id that no contact has.
const UNKNOWN_PERSON: &str = "00000000-0000-4000-8000-00000000dead";

/// Mark a person the projection does not know at `session`, as a session
/// document can before the person's own document has arrived.
fn mark_unknown_person(app: &TestApp, session: String) {
    app.store
        .write(move |conn| {
            conn.execute(
                "INSERT INTO attendance (session_id, contact_id, status, marked_by, marked_at)
                 VALUES (?1, ?2, 'present', NULL, '2026-11-30T09:06:00Z')",
                [session.as_str(), UNKNOWN_PERSON],
            )?;
            Ok(())
        })
        .expect("mark an unknown person");
}

/// The attendance rows of the projection as a left join gives them, as CSV shows them.
fn joined_attendance(app: &TestApp) -> Vec<BTreeMap<String, String>> {
    app.store
        .read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT a.session_id, a.contact_id, c.given_name, c.family_name, c.alias, a.status
                 FROM attendance a JOIN sessions s ON s.doc_id = a.session_id
                 LEFT JOIN contacts c ON c.doc_id = a.contact_id
                 ORDER BY a.session_id, a.contact_id",
            )?;
            let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
            let rows = stmt.query_map([], |row| {
                let mut map = BTreeMap::new();
                for (i, name) in names.iter().enumerate() {
                    map.insert(name.clone(), row.get::<_, Option<String>>(i)?.unwrap_or_default());
                }
                Ok(map)
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .expect("the projection's attendance")
}

#[test]
fn attendance_csv_has_the_names_of_a_left_join_and_none_for_an_unknown_person() {
    let app = spawn_app();
    let seeded = seed(&app);
    mark_unknown_person(&app, seeded.early_session.to_string());

    let exported = csv_records(&download(&app, "admin", "/api/v1/exports/attendance.csv"));

    let expected = joined_attendance(&app);
    assert_eq!(
        exported.len(),
        5,
        "four marks of known people and one of an unknown person"
    );
    assert_eq!(exported.len(), expected.len());
    for (got, want) in exported.iter().zip(&expected) {
        for (name, value) in want {
            assert_eq!(&got[name], value, "column {name} of {}", want["contact_id"]);
        }
    }
    let unknown = exported
        .iter()
        .find(|r| r["contact_id"] == UNKNOWN_PERSON)
        .expect("the unknown person's mark is exported");
    assert_eq!(
        (&*unknown["given_name"], &*unknown["family_name"], &*unknown["alias"]),
        ("", "", "")
    );
    assert!(exported
        .iter()
        .any(|r| r["alias"] == "Le \"grand\", Ali" && r["family_name"] == "Karimi"));
}

#[test]
fn a_pseudonymised_attendance_export_leaves_an_unknown_persons_names_empty() {
    let app = spawn_app();
    let seeded = seed(&app);
    mark_unknown_person(&app, seeded.early_session.to_string());

    let exported = csv_records(&download(
        &app,
        "admin",
        "/api/v1/exports/attendance.csv?pseudonymise=true",
    ));

    for row in &exported {
        let names = [&row["given_name"], &row["family_name"]];
        if row["contact_id"] == UNKNOWN_PERSON {
            assert!(
                names.iter().all(|n| n.is_empty()),
                "no pseudonym of a missing name: {row:?}"
            );
        } else {
            assert!(
                names.iter().all(|n| n.starts_with("p_")),
                "known people are pseudonymised: {row:?}"
            );
        }
    }
    assert_eq!(exported.len(), 5);
}
