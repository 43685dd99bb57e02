//! The dashboard's daily rollups (`console_daily_contacts`,
//! `console_daily_values`) through edits synced from phones, erasure,
//! merges and reprojection: after each, the tables hold exactly what a fresh
//! count of the projection gives, and the figures follow.

use relais_schema::{write, CountryCode, DocumentId, Interest, Sex, Stage};
use relais_server::records::{create_contact, set_field};
use relais_sync::accounts::Role;
use relais_sync::{erase, projection};
use relais_tests::app::{spawn_app, TestApp};
use relais_tests::console::{user_id, Console, API};
use reqwest::Method;
use serde_json::{json, Value};

fn assert_rollups_are_a_fresh_count(app: &TestApp, when: &str) {
    let off = app
        .store
        .read(|conn| Ok(relais_console::dashboard::rollup_rows_off(conn)))
        .expect("read")
        .expect("rollups compared");
    assert_eq!(off, 0, "rollups off {when}");
}

/// Every rollup row, as sorted text.
fn rollup_rows(app: &TestApp) -> Vec<String> {
    app.store
        .read(|conn| {
            let mut rows = Vec::new();
            for sql in [
                "SELECT agency_id || '|' || day || '|' || created_by || '|' || contacts || '|' || women
                 FROM console_daily_contacts",
                "SELECT agency_id || '|' || field || '|' || day || '|' || value || '|' || contacts
                 FROM console_daily_values",
            ] {
                let mut stmt = conn.prepare(sql)?;
                let found = stmt.query_map([], |r| r.get::<_, String>(0))?;
                for row in found {
                    rows.push(row?);
                }
            }
            rows.sort();
            Ok(rows)
        })
        .expect("rollup rows")
}

/// `[{code|id|period, count}]` as `(key, count)` pairs.
fn pairs(list: &Value, key: &str) -> Vec<(String, u64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|row| {
            (
                row[key].as_str().expect("key").to_string(),
                row["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

fn funnel(figures: &Value) -> Vec<u64> {
    figures["funnel"]
        .as_array()
        .expect("funnel")
        .iter()
        .map(|s| s["count"].as_u64().expect("count"))
        .collect()
}

fn pair(key: &str, count: u64) -> (String, u64) {
    (key.to_string(), count)
}

#[test]
fn a_contact_moves_between_buckets_when_its_nationality_stage_author_or_date_changes() {
    // Arrange: one contact of amina's, synced.
    let app = spawn_app();
    let mut amina = app.agent_phone("amina");
    let mut karim = app.agent_phone("karim");
    let author = amina.author();
    let id = create_contact(
        &mut amina.device,
        author,
        "2026-11-02T10:00:00Z",
        "Awa",
        "Diallo",
        |c| {
            c.sex = Some(Sex::Female);
            c.nationality = Some("SN".parse::<CountryCode>().expect("country"));
            c.stage = Some(Stage::Informed);
            c.interests = [Interest::JobSearch].into_iter().collect();
        },
    )
    .expect("contact");
    amina.sync_until_idle(10).expect("amina syncs");
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let sup = Console::sign_in(&app, "sup");
    assert_rollups_are_a_fresh_count(&app, "after the first sync");
    let before = sup.get_json("/dashboard");
    assert_eq!(pairs(&before["nationalities"], "code"), vec![pair("SN", 1)]);
    assert_eq!(pairs(&before["reached"]["weekly"], "period"), vec![pair("2026-W45", 1)]);
    assert_eq!(funnel(&before), vec![1, 1, 0, 0, 0]);

    // Act: karim's phone changes every counted field of it.
    karim.sync_until_idle(10).expect("karim receives it");
    let karim_id = user_id(&app, "karim");
    set_field(&mut karim.device, id, "nationality", "ML").expect("nationality");
    set_field(&mut karim.device, id, "created_at", "2026-11-20T09:00:00Z").expect("date");
    set_field(&mut karim.device, id, "created_by", &karim_id.to_string()).expect("author");
    set_field(&mut karim.device, id, "sex", "male").expect("sex");
    karim
        .device
        .edit(id, |doc| {
            write::set_stage(doc, Stage::Employed)?;
            write::remove_from_set(doc, "interests", "job_search")?;
            write::add_to_set(doc, "interests", "self_employment")
        })
        .expect("stage and interests");
    karim.sync_until_idle(10).expect("karim syncs");

    // Assert: out of the old buckets, into the new ones.
    assert_rollups_are_a_fresh_count(&app, "after the edits");
    let after = sup.get_json("/dashboard");
    assert_eq!(pairs(&after["nationalities"], "code"), vec![pair("ML", 1)]);
    assert_eq!(pairs(&after["interests"], "code"), vec![pair("self_employment", 1)]);
    assert_eq!(pairs(&after["reached"]["weekly"], "period"), vec![pair("2026-W47", 1)]);
    assert_eq!(pairs(&after["byAgent"], "id"), vec![pair(&karim_id.to_string(), 1)]);
    assert_eq!(after["women"], json!({ "women": 0, "total": 1 }));
    assert_eq!(funnel(&after), vec![1, 1, 1, 1, 1]);
    let old_day = sup.get_json("/dashboard?from=2026-11-02&to=2026-11-02");
    assert_eq!(old_day["women"], json!({ "women": 0, "total": 0 }));
    assert_eq!(old_day["nationalities"], json!([]));
    assert_eq!(old_day["interests"], json!([]));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM console_daily_values WHERE value IN ('SN', 'informed', 'job_search') OR day = ?1",
            "2026-11-02".into()
        ),
        0,
        "no bucket is left at zero"
    );
}

#[test]
fn an_erased_or_merged_contact_leaves_the_rollups_and_an_undone_merge_comes_back() {
    // Arrange: two records of one person (same phone) and a third contact.
    let app = spawn_app();
    let mut amina = app.agent_phone("amina");
    let author = amina.author();
    let person = |phone: &str| {
        let phone = phone.to_string();
        move |c: &mut relais_schema::Contact| {
            c.sex = Some(Sex::Female);
            c.nationality = Some("SY".parse::<CountryCode>().expect("country"));
            c.interests = [Interest::VocationalTraining].into_iter().collect();
            c.phone = Some(phone.parse().expect("phone"));
        }
    };
    let at = "2026-11-10T10:00:00Z";
    let first = create_contact(
        &mut amina.device,
        author,
        at,
        "Leila",
        "Haddad",
        person("06 11 22 33 44"),
    )
    .expect("contact");
    let second = create_contact(
        &mut amina.device,
        author,
        at,
        "Leila",
        "Haddad",
        person("+33 6 11 22 33 44"),
    )
    .expect("contact");
    let erased: DocumentId =
        create_contact(&mut amina.device, author, at, "Omar", "Saleh", person("07 00 00 00 01")).expect("contact");
    amina.sync_until_idle(10).expect("amina syncs");
    app.add_user("sup", Role::Supervisor, &[app.agency]);
    let sup = Console::sign_in(&app, "sup");
    let total = |sup: &Console| sup.get_json("/dashboard")["women"]["total"].as_u64();
    assert_eq!(total(&sup), Some(3));

    // Act and assert: erasure.
    app.store
        .write(move |conn| erase::erase_document(conn, erased, None, None, "2026-11-29T12:00:00Z"))
        .expect("erased");
    assert_rollups_are_a_fresh_count(&app, "after the erasure");
    let figures = sup.get_json("/dashboard");
    assert_eq!(figures["women"], json!({ "women": 2, "total": 2 }));
    assert_eq!(pairs(&figures["nationalities"], "code"), vec![pair("SY", 2)]);

    // A merge leaves one of the two.
    let merge = sup.merge(first, second);
    assert_rollups_are_a_fresh_count(&app, "after the merge");
    let figures = sup.get_json("/dashboard");
    assert_eq!(figures["women"], json!({ "women": 1, "total": 1 }));
    assert_eq!(
        pairs(&figures["interests"], "code"),
        vec![pair("vocational_training", 1)]
    );

    // Undone, both count again.
    let undone = sup
        .request(Method::DELETE, &format!("{API}/merges/{merge}"))
        .send()
        .expect("answer");
    assert_eq!(undone.status(), 204);
    assert_rollups_are_a_fresh_count(&app, "after the undo");
    assert_eq!(total(&sup), Some(2));
}

#[test]
fn reprojecting_rebuilds_the_very_same_rollups() {
    // Arrange: the console suite's dataset, then a few edits.
    let app = spawn_app();
    let seeded = crate::seed::seed(&app, 8);
    let mut amina = app.agent_phone("amina_again");
    amina.sync_until_idle(20).expect("amina syncs");
    for contact in seeded.contacts.iter().filter(|c| c.agency_is_home).take(5) {
        set_field(&mut amina.device, contact.id, "nationality", "ER").expect("edit");
    }
    amina.sync_until_idle(20).expect("amina syncs");
    assert_rollups_are_a_fresh_count(&app, "before reprojecting");
    let before = rollup_rows(&app);
    assert!(before
        .iter()
        .any(|row| row.contains("|nationality|") && row.contains("|ER|")));

    // Act: what `relais reproject` runs.
    let report = app.store.write(projection::reproject_all).expect("reprojected");

    // Assert
    assert_eq!(
        report.projected as usize,
        seeded.contacts.len() + seeded.sessions.len() + seeded.visits.len()
    );
    assert_eq!(rollup_rows(&app), before);
}
