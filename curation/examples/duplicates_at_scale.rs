//! How long finding duplicates takes in a large agency.
//!
//! `cargo run --release -p relais-curation --example duplicates_at_scale [CONTACTS]`
//! fills the `contacts` projection of a temporary store with synthetic
//! people (default 200,000, all in one agency: the worst case) and times
//! `find_duplicates`. About 1% share a phone; names are random syllables
//! (3,000 given and 6,000 family names), so similar names with the same
//! birth year and nationality exist.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use relais_curation::duplicates::find_duplicates;
use relais_schema::{AgencyId, UserId};
use relais_sync::Store;
use rusqlite::params;

const NATIONALITIES: [&str; 20] = [
    "SN", "ML", "GN", "CI", "SY", "SD", "AF", "ER", "SO", "CD", "CM", "NG", "MA", "DZ", "TN", "UA", "GE", "AL", "BD",
    "PK",
];

/// `count` names of two or three syllables.
fn names(rng: &mut impl Rng, count: usize) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "a", "ma", "di", "ou", "ka", "se", "ri", "to", "na", "la", "mo", "ha", "fa", "ti", "ba", "ke", "sa", "yo",
        "lo", "mi", "dou", "ssa", "ra", "ne",
    ];
    (0..count)
        .map(|_| {
            let parts = rng.gen_range(2..=3);
            let name: String = (0..parts)
                .map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())])
                .collect();
            let mut chars = name.chars();
            chars
                .next()
                .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200_000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("relais.sqlite"))?;
    let agency = AgencyId::random();
    let user = UserId::random();
    let filled = Instant::now();
    store.write(move |conn| {
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO agencies (id, name, created_at) VALUES (?1, 'Agence', '2026-01-01T00:00:00Z')",
            [agency.to_string()],
        )?;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let given = names(&mut rng, 3000);
        let family = names(&mut rng, 6000);
        {
            let mut insert = tx.prepare(
                "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name,
                    birth_year, nationality, phone, consent_given)
                 VALUES (?1, ?2, 1, ?3, '2026-01-01T00:00:00Z', ?4, ?5, ?6, ?7, ?8, 1)",
            )?;
            for _ in 0..count {
                let phone = if rng.gen_bool(0.01) {
                    format!("06 00 00 {:02} {:02}", rng.gen_range(0..10), rng.gen_range(0..100))
                } else {
                    format!("06 {:08}", rng.gen_range(0..100_000_000))
                };
                insert.execute(params![
                    uuid::Uuid::new_v4().to_string(),
                    agency.to_string(),
                    user.to_string(),
                    given[rng.gen_range(0..given.len())],
                    family[rng.gen_range(0..family.len())],
                    rng.gen_range(1950..2008),
                    NATIONALITIES[rng.gen_range(0..NATIONALITIES.len())],
                    phone,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    })?;
    println!("{count} contacts written in {:.1} s", filled.elapsed().as_secs_f64());
    let started = Instant::now();
    let pairs = store
        .read(|conn| find_duplicates(conn, agency, 100).map_err(|e| relais_sync::StoreError::Invalid(e.to_string())))?;
    println!(
        "find_duplicates: {} pairs listed in {:.2} s (best score {:.3})",
        pairs.len(),
        started.elapsed().as_secs_f64(),
        pairs.first().map_or(0.0, |p| p.score)
    );
    store.close();
    Ok(())
}
