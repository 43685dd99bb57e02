//! What the fuzz targets share: a store in memory with one agency and one
//! device, migrated once per process and copied for each input
//! ([`Template`]), and Automerge documents built from fuzzer bytes.
//!
//! Raw bytes rarely make a valid Automerge change or document, so besides
//! feeding raw bytes the targets also read the input as a script of edits
//! ([`build_edits`]) over the field names and values records use: that
//! produces valid Automerge data of every wrong shape (a number where a
//! name is expected, a list where a map is, an unknown type…) and reaches
//! validation and projection.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, ROOT};
use relais_schema::{AgencyId, DocumentId, UserId};

mod store;

pub use store::{fuzz_device, RolledBack, Template};

/// When the fuzz targets write.
pub const NOW: &str = "2026-11-29T10:00:00Z";

/// The document every input writes to or builds (fixed, like the device).
pub fn fuzz_document() -> DocumentId {
    DocumentId::from_bytes([0xdc; 16])
}

/// A fixed Automerge actor: `0` writes the base contact, `1` the input's
/// edits, so that the same input makes the same changes in every process.
pub fn actor(n: u8) -> ActorId {
    ActorId::from([n; 16])
}

/// Field names records use, and a few they do not.
const KEYS: [&str; 40] = [
    "type",
    "schema",
    "id",
    "agency_id",
    "created_by",
    "created_at",
    "given_name",
    "family_name",
    "alias",
    "sex",
    "birth_year",
    "age_band",
    "nationality",
    "status",
    "phone",
    "languages",
    "city",
    "neighbourhood",
    "education",
    "skills",
    "interests",
    "consent",
    "given",
    "at",
    "by",
    "scope",
    "stage",
    "follow_ups",
    "note",
    "notes",
    "kind",
    "topic",
    "starts_at",
    "ends_at",
    "place",
    "facilitators",
    "attendance",
    "people_reached",
    "women_reached",
    "unknown",
];

/// Values records hold, and a few they must refuse.
fn string_value(agency: AgencyId, id: DocumentId, pick: u8) -> String {
    match pick % 16 {
        0 => "contact".into(),
        1 => "session".into(),
        2 => "visit".into(),
        3 => id.to_string(),
        4 => agency.to_string(),
        5 => NOW.into(),
        6 => "2026-02-30T25:61:00Z".into(),
        7 => "+33 6 12 34 56 78".into(),
        8 => "FR".into(),
        9 => "refugee".into(),
        10 => "female".into(),
        11 => "present".into(),
        12 => "information".into(),
        13 => String::new(),
        14 => "\u{202e}ليلى".into(),
        _ => "x".repeat(usize::from(pick)),
    }
}

/// Read `data` as a script of edits on `doc`: puts of scalars, maps, lists,
/// texts and counters under record field names, nested, plus deletions and
/// counter increments.
pub fn build_edits(doc: &mut AutoCommit, agency: AgencyId, id: DocumentId, data: &[u8]) {
    let mut objects: Vec<(ObjId, ObjType)> = vec![(ROOT, ObjType::Map)];
    for op in data.chunks(3) {
        let [code, key, value] = [op[0], *op.get(1).unwrap_or(&0), *op.get(2).unwrap_or(&0)];
        let (obj, obj_type) = objects[usize::from(value) % objects.len()].clone();
        let name = KEYS[usize::from(key) % KEYS.len()];
        let index = |doc: &AutoCommit| {
            let len = doc.length(&obj);
            usize::from(key) % (len + 1)
        };
        let result: Result<(), automerge::AutomergeError> = match (code % 12, obj_type) {
            (0, ObjType::Map) => doc.put(&obj, name, string_value(agency, id, value)),
            (1, ObjType::Map) => doc.put(&obj, name, i64::from(value) - 64),
            (2, ObjType::Map) => doc.put(&obj, name, value % 2 == 0),
            (3, ObjType::Map) => doc.put(&obj, name, ScalarValue::Null),
            (4, ObjType::Map) => doc.put(&obj, name, ScalarValue::counter(i64::from(value))),
            (5, ObjType::Map) => doc
                .put_object(&obj, name, ObjType::Map)
                .map(|o| objects.push((o, ObjType::Map))),
            (6, ObjType::Map) => doc
                .put_object(&obj, name, ObjType::List)
                .map(|o| objects.push((o, ObjType::List))),
            (7, ObjType::Map) => doc
                .put_object(&obj, name, ObjType::Text)
                .and_then(|o| doc.splice_text(&o, 0, 0, &string_value(agency, id, value))),
            (8, ObjType::Map) => doc.delete(&obj, name),
            (9, ObjType::Map) => doc.increment(&obj, name, i64::from(value)),
            (0..=2, ObjType::List) => {
                let at = index(doc);
                doc.insert(&obj, at, string_value(agency, id, value))
            }
            (3 | 4, ObjType::List) => {
                let at = index(doc);
                doc.insert_object(&obj, at, ObjType::Map)
                    .map(|o| objects.push((o, ObjType::Map)))
            }
            (5, ObjType::List) => {
                let at = index(doc);
                if at < doc.length(&obj) {
                    doc.delete(&obj, at)
                } else {
                    Ok(())
                }
            }
            (_, ObjType::Text) => {
                let at = index(doc);
                doc.splice_text(&obj, at, 0, &string_value(agency, id, value))
            }
            _ => Ok(()),
        };
        // Edits that Automerge itself refuses are not what is being tested.
        let _ = result;
        if code % 7 == 6 {
            doc.commit();
        }
    }
    doc.commit();
}

/// A contact as a phone writes it, enough to be projected.
pub fn base_contact(agency: AgencyId, user: UserId, id: DocumentId) -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(actor(0));
    for (key, value) in [
        ("type", "contact".to_string()),
        ("id", id.to_string()),
        ("agency_id", agency.to_string()),
        ("created_by", user.to_string()),
        ("created_at", NOW.to_string()),
        ("given_name", "Leila".to_string()),
    ] {
        let _ = doc.put(ROOT, key, value);
    }
    let _ = doc.put(ROOT, "schema", 1_i64);
    doc.commit();
    doc
}
