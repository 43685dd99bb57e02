//! Pseudonymised exports: no name or phone anywhere, stable keys.

use relais_tests::app::spawn_app;

use crate::seed::{csv_records, download, seed, PERSONAL};

#[test]
fn a_pseudonymised_export_holds_no_name_phone_or_free_text_in_any_format() {
    let app = spawn_app();
    seed(&app);

    for path in [
        "/api/v1/exports/all.json?pseudonymise=true",
        "/api/v1/exports/contacts.csv?pseudonymise=true",
        "/api/v1/exports/attendance.csv?pseudonymise=true",
        "/api/v1/exports/follow_ups.csv?pseudonymise=true",
    ] {
        let text = String::from_utf8(download(&app, "admin", path)).expect("UTF-8");
        for personal in PERSONAL {
            assert!(!text.contains(personal), "{personal:?} leaked in {path}");
        }
        for dropped in ["\"notes\"", "\"skills\"", "\"note\"", ",notes", ",skills", ",note,"] {
            assert!(!text.contains(dropped), "free-text column {dropped} kept in {path}");
        }
    }
    let xlsx = download(&app, "admin", "/api/v1/exports/all.xlsx?pseudonymise=true");
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("XLSX");
    use calamine::Reader;
    for sheet in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet).expect("sheet");
        for cell in range.cells() {
            let text = cell.2.to_string();
            assert!(
                !PERSONAL.iter().any(|p| text.contains(p)),
                "{text:?} leaked in sheet {sheet}"
            );
        }
    }
}

#[test]
fn pseudonyms_are_stable_across_exports_and_tables_and_change_with_the_key() {
    let app = spawn_app();
    let seeded = seed(&app);
    let contacts = |app: &relais_tests::app::TestApp| {
        csv_records(&download(
            app,
            "admin",
            "/api/v1/exports/contacts.csv?pseudonymise=true",
        ))
    };

    let first = contacts(&app);
    let second = contacts(&app);
    let attendance = csv_records(&download(
        &app,
        "admin",
        "/api/v1/exports/attendance.csv?pseudonymise=true",
    ));
    app.store
        .write(|conn| {
            conn.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'pseudonym_key'",
                [hex_key(0x5a)],
            )?;
            Ok(())
        })
        .expect("another key");
    let rekeyed = contacts(&app);

    assert_eq!(first, second, "same key, same pseudonyms");
    let arabic = first
        .iter()
        .find(|r| r["id"] == seeded.arabic.to_string())
        .expect("row");
    assert!(arabic["given_name"].starts_with("p_") && arabic["given_name"].len() == 18);
    assert!(arabic["phone"].starts_with("p_"));
    assert_ne!(arabic["given_name"], arabic["family_name"]);
    assert!(
        attendance
            .iter()
            .any(|a| a["contact_id"] == arabic["id"] && a["given_name"] == arabic["given_name"]),
        "the same person has the same pseudonym in attendance"
    );
    let rekeyed_arabic = rekeyed
        .iter()
        .find(|r| r["id"] == seeded.arabic.to_string())
        .expect("row");
    assert_ne!(rekeyed_arabic["given_name"], arabic["given_name"]);
    assert_ne!(rekeyed_arabic["phone"], arabic["phone"]);
}

fn hex_key(byte: u8) -> String {
    format!("{byte:02x}").repeat(32)
}
