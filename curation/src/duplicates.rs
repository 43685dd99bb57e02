//! Possible duplicates: people recorded twice in one agency.
//!
//! Two contacts of the same agency are a candidate pair when
//!
//! - they have the same phone number (`phone`): compared on digits only, by
//!   the last 9 digits when both have that many, so `06 12 34 56 78` and
//!   `+33 6 12 34 56 78` match; or
//! - their names are similar and they have the same birth year and
//!   nationality (`name_birth_year_nationality`).
//!
//! Name similarity `s` (0 to 1) compares the folded names
//! ([`crate::name_fold`]) with their words sorted: 1 when equal, otherwise
//! the normalised Levenshtein similarity, at least 0.85 when every word of
//! one name is a word of the other (`Amina` and `Amina Diallo`). The alias
//! stands for the name when a contact has neither given nor family name.
//! Names are "similar" from `s ≥ 0.8`.
//!
//! The score ranks the pairs (highest first):
//! `0.5 × same phone + 0.3 × s + 0.2 × same birth year and nationality`.
//! A pair with both reasons and identical names scores 1.
//!
//! Merged contacts have no projected row, so they never appear here; nor
//! do pairs a supervisor dismissed as different people
//! ([`crate::dismissals`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use relais_schema::{AgencyId, DocumentId, UserId};
use rusqlite::Connection;
use serde::Serialize;

use crate::dismissals::dismissed_pairs;
use crate::error::CurationError;
use crate::name_fold::sorted_tokens;

/// From this name similarity on, names count as similar.
pub const SIMILAR_NAMES: f64 = 0.8;

/// Why two contacts may be the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The same phone number.
    Phone,
    /// Similar names, the same birth year and the same nationality.
    NameBirthYearNationality,
}

/// A contact as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactSummary {
    /// The contact.
    #[serde(serialize_with = "crate::json::display")]
    pub id: DocumentId,
    /// Its agency.
    #[serde(serialize_with = "crate::json::display")]
    pub agency_id: AgencyId,
    /// Given and family name (or the alias).
    pub name: String,
    /// Sex.
    pub sex: Option<String>,
    /// Year of birth.
    pub birth_year: Option<u16>,
    /// Nationality.
    pub nationality: Option<String>,
    /// Migration status.
    pub status: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Neighbourhood.
    pub neighbourhood: Option<String>,
    /// Journey stage.
    pub stage: Option<String>,
    /// When it was recorded.
    pub created_at: String,
    /// Who recorded it.
    #[serde(serialize_with = "crate::json::display")]
    pub created_by: UserId,
}

/// Two contacts that may be the same person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicatePair {
    /// How likely, from 0 to 1 (see the module documentation).
    pub score: f64,
    /// Why they were paired.
    pub reasons: Vec<Reason>,
    /// One contact (the earlier recorded).
    pub a: ContactSummary,
    /// The other.
    pub b: ContactSummary,
}

/// What matching needs of a contact.
struct Candidate {
    id: String,
    name: Name,
    phone_key: Option<String>,
    born: Option<(i64, String)>,
}

/// A folded name, ready to compare.
struct Name {
    /// Its words, sorted.
    tokens: Vec<String>,
    /// The words joined by spaces.
    joined: String,
    /// Characters in `joined`.
    chars: usize,
}

impl Name {
    fn new(tokens: Vec<String>) -> Self {
        let joined = tokens.join(" ");
        Name {
            chars: joined.chars().count(),
            tokens,
            joined,
        }
    }

    /// What two names must share to be compared at all: the first three
    /// letters of one of their words.
    fn blocking_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.tokens.iter().map(|t| t.chars().take(3).collect()).collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// The possible duplicates of `agency`, best first, at most `limit`.
pub fn find_duplicates(conn: &Connection, agency: AgencyId, limit: usize) -> Result<Vec<DuplicatePair>, CurationError> {
    let candidates = candidates(conn, agency)?;
    let mut pairs: HashMap<(usize, usize), Vec<Reason>> = HashMap::new();
    let mut by_phone: HashMap<&str, Vec<usize>> = HashMap::new();
    // Names are compared only within the same birth year, nationality and
    // word beginning, so that the work stays near linear in the agency's size.
    let mut by_birth: HashMap<(i64, &str, String), Vec<usize>> = HashMap::new();
    for (index, c) in candidates.iter().enumerate() {
        if let Some(key) = &c.phone_key {
            by_phone.entry(key).or_default().push(index);
        }
        if let Some((year, nationality)) = &c.born {
            for key in c.name.blocking_keys() {
                by_birth.entry((*year, nationality, key)).or_default().push(index);
            }
        }
    }
    for group in by_phone.values() {
        for_each_pair(group, |i, j| pairs.entry((i, j)).or_default().push(Reason::Phone));
    }
    let mut compared: HashSet<(usize, usize)> = HashSet::new();
    for group in by_birth.values() {
        for_each_pair(group, |i, j| {
            if compared.insert((i, j)) && similar(&candidates[i].name, &candidates[j].name) {
                pairs.entry((i, j)).or_default().push(Reason::NameBirthYearNationality);
            }
        });
    }
    let dismissed = dismissed_pairs(conn, agency)?;
    if !dismissed.is_empty() {
        pairs.retain(|&(i, j), _| {
            let (a, b) = (&candidates[i].id, &candidates[j].id);
            let key = if a < b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            };
            !dismissed.contains(&key)
        });
    }
    let mut ranked: Vec<(f64, Vec<Reason>, usize, usize)> = pairs
        .into_iter()
        .map(|((i, j), mut reasons)| {
            reasons.sort();
            let (a, b) = (&candidates[i], &candidates[j]);
            let same_birth = a.born.is_some() && a.born == b.born;
            let score = 0.5 * f64::from(u8::from(reasons.contains(&Reason::Phone)))
                + 0.3 * similarity(&a.name, &b.name)
                + 0.2 * f64::from(u8::from(same_birth));
            ((score * 1000.0).round() / 1000.0, reasons, i, j)
        })
        .collect();
    ranked.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| candidates[x.2].id.cmp(&candidates[y.2].id))
            .then_with(|| candidates[x.3].id.cmp(&candidates[y.3].id))
    });
    ranked.truncate(limit);
    let summaries = summaries(
        conn,
        ranked.iter().flat_map(|r| [&candidates[r.2].id, &candidates[r.3].id]),
    )?;
    let mut out = Vec::with_capacity(ranked.len());
    for (score, reasons, i, j) in ranked {
        let (Some(a), Some(b)) = (
            summaries.get(&candidates[i].id).cloned(),
            summaries.get(&candidates[j].id).cloned(),
        ) else {
            continue;
        };
        let (a, b) = if (&a.created_at, a.id) <= (&b.created_at, b.id) {
            (a, b)
        } else {
            (b, a)
        };
        out.push(DuplicatePair { score, reasons, a, b });
    }
    Ok(out)
}

fn for_each_pair(group: &[usize], mut f: impl FnMut(usize, usize)) {
    for (n, &i) in group.iter().enumerate() {
        for &j in &group[n + 1..] {
            f(i.min(j), i.max(j));
        }
    }
}

/// How similar two names are, from their sorted folded words (0 to 1).
pub fn name_similarity(a: &[String], b: &[String]) -> f64 {
    similarity(&Name::new(a.to_vec()), &Name::new(b.to_vec()))
}

fn similarity(a: &Name, b: &Name) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    if a.tokens == b.tokens {
        return 1.0;
    }
    let (short, long) = if a.tokens.len() <= b.tokens.len() {
        (&a.tokens, &b.tokens)
    } else {
        (&b.tokens, &a.tokens)
    };
    let contained = short.iter().any(|t| t.chars().count() >= 3) && short.iter().all(|t| long.contains(t));
    let floor: f64 = if contained { 0.85 } else { 0.0 };
    floor.max(strsim::normalized_levenshtein(&a.joined, &b.joined))
}

/// Whether two names are similar, skipping the edit distance when their
/// lengths alone keep them apart (the distance is at least the difference).
fn similar(a: &Name, b: &Name) -> bool {
    let longest = a.chars.max(b.chars).max(1) as f64;
    let bound = 1.0 - a.chars.abs_diff(b.chars) as f64 / longest;
    if bound < SIMILAR_NAMES && a.tokens.len() == b.tokens.len() {
        return false;
    }
    similarity(a, b) >= SIMILAR_NAMES
}

/// The digits that identify a phone number.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return None;
    }
    Some(if digits.len() >= 9 {
        digits[digits.len() - 9..].to_owned()
    } else {
        digits
    })
}

fn candidates(conn: &Connection, agency: AgencyId) -> Result<Vec<Candidate>, CurationError> {
    let mut statement = conn.prepare_cached(
        "SELECT doc_id, given_name, family_name, alias, birth_year, nationality, phone
         FROM contacts WHERE agency_id = ?1 ORDER BY doc_id",
    )?;
    let rows = statement.query_map([agency.to_string()], |r| {
        let given: Option<String> = r.get(1)?;
        let family: Option<String> = r.get(2)?;
        let alias: Option<String> = r.get(3)?;
        let year: Option<i64> = r.get(4)?;
        let nationality: Option<String> = r.get(5)?;
        let phone: Option<String> = r.get(6)?;
        Ok(Candidate {
            id: r.get(0)?,
            name: Name::new(sorted_tokens(&display_name(given, family, alias))),
            phone_key: phone.as_deref().and_then(phone_key),
            born: year.zip(nationality),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Given and family name, or the alias when there is neither.
pub fn display_name(given: Option<String>, family: Option<String>, alias: Option<String>) -> String {
    let full = [given, family]
        .into_iter()
        .flatten()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if full.is_empty() {
        alias.unwrap_or_default()
    } else {
        full
    }
}

/// The summaries of the contacts `ids`.
pub fn summaries<'a>(
    conn: &Connection,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<BTreeMap<String, ContactSummary>, CurationError> {
    let mut statement = conn.prepare_cached(
        "SELECT doc_id, agency_id, given_name, family_name, alias, sex, birth_year, nationality, status, phone,
                neighbourhood, stage, created_at, created_by
         FROM contacts WHERE doc_id = ?1",
    )?;
    let mut found = BTreeMap::new();
    for id in ids {
        if found.contains_key(id) {
            continue;
        }
        let row = statement.query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                display_name(r.get(2)?, r.get(3)?, r.get(4)?),
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<u16>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<String>>(11)?,
                r.get::<_, String>(12)?,
                r.get::<_, String>(13)?,
            ))
        });
        let (
            doc_id,
            agency_id,
            name,
            sex,
            birth_year,
            nationality,
            status,
            phone,
            neighbourhood,
            stage,
            created_at,
            created_by,
        ) = match row {
            Ok(row) => row,
            Err(rusqlite::Error::QueryReturnedNoRows) => continue,
            Err(e) => return Err(e.into()),
        };
        let (Ok(parsed_id), Ok(agency_id), Ok(created_by)) = (doc_id.parse(), agency_id.parse(), created_by.parse())
        else {
            continue;
        };
        found.insert(
            doc_id,
            ContactSummary {
                id: parsed_id,
                agency_id,
                name,
                sex,
                birth_year,
                nationality,
                status,
                phone,
                neighbourhood,
                stage,
                created_at,
                created_by,
            },
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_and_an_international_spelling_of_a_phone_match() {
        assert_eq!(phone_key("06 12 34 56 78"), phone_key("+33 6 12 34 56 78"));
        assert_ne!(phone_key("06 12 34 56 78"), phone_key("06 12 34 56 79"));
    }

    #[test]
    fn a_typo_an_accent_or_a_missing_family_name_keeps_names_similar() {
        let similar = |a: &str, b: &str| name_similarity(&sorted_tokens(a), &sorted_tokens(b));
        assert_eq!(similar("Aïcha Benali", "aicha BENALI"), 1.0);
        assert!(similar("Mohamed Traoré", "Mohammed Traore") >= SIMILAR_NAMES);
        assert!(similar("Amina", "Amina Diallo") >= SIMILAR_NAMES);
        assert!(similar("Amina Diallo", "Fatou Keita") < SIMILAR_NAMES);
    }
}
