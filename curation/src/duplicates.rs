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

use std::collections::{BTreeMap, HashMap};

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
    /// Its folded name, an index into [`Candidates::names`].
    name: u32,
    /// Its phone key ([`phone_key`]) as a number ([`phone_number`]).
    phone: Option<u64>,
    /// Birth year and nationality (by its number), when both are known.
    born: Option<(i64, u32)>,
}

/// A folded name, ready to compare.
struct Name {
    /// Its words, sorted.
    tokens: Vec<String>,
    /// The words joined by spaces.
    joined: String,
    /// Characters in `joined`.
    chars: usize,
    /// Its blocking keys ([`Name::blocking_keys`]), interned.
    keys: Vec<u32>,
}

impl Name {
    fn new(tokens: Vec<String>) -> Self {
        let joined = tokens.join(" ");
        Name {
            chars: joined.chars().count(),
            tokens,
            joined,
            keys: Vec::new(),
        }
    }

    /// What two names must share to be compared at all: the first three
    /// letters of one of their words.
    fn blocking_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.tokens.iter().map(|t| first_chars(t, 3)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// The first `n` characters of `text`.
fn first_chars(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(end, _)| &text[..end])
}

/// An agency's contacts in id order, each name folded once: people share
/// names, so a name is folded, and compared with another, only once.
struct Candidates {
    people: Vec<Candidate>,
    names: Vec<Name>,
}

/// The index of a contact in [`Candidates::people`]; smaller is a smaller id.
type Person = u32;

/// Two contacts, the one with the smaller id first.
type PairKey = (Person, Person);

/// The possible duplicates of `agency`, best first, at most `limit`.
///
/// Candidate pairs are gathered in plain vectors, sorted, so that each is
/// judged once (no hashing of pairs); names are compared through a memo of
/// name pairs, since the same two names meet in many blocks.
pub fn find_duplicates(conn: &Connection, agency: AgencyId, limit: usize) -> Result<Vec<DuplicatePair>, CurationError> {
    let candidates = Candidates::read(conn, agency)?;
    let people = &candidates.people;
    let mut memo = NameMemo::default();
    let phone_pairs = same_phone_pairs(people);
    let mut name_pairs = Vec::new();
    for (i, j) in same_birth_pairs(&candidates) {
        if memo.similar(&candidates, i, j) {
            name_pairs.push((i, j));
        }
    }
    let dismissed = dismissed_pairs(conn, agency)?;
    let mut ranked: Vec<Ranked> = Vec::with_capacity(phone_pairs.len() + name_pairs.len());
    for (pair, reasons) in merge_reasons(&phone_pairs, &name_pairs) {
        let (a, b) = (&people[pair.0 as usize], &people[pair.1 as usize]);
        if !dismissed.is_empty() && dismissed.contains(&(a.id.clone(), b.id.clone())) {
            continue;
        }
        let same_birth = a.born.is_some() && a.born == b.born;
        let score = 0.5 * f64::from(u8::from(reasons.contains(&Reason::Phone)))
            + 0.3 * memo.similarity(&candidates, pair.0, pair.1)
            + 0.2 * f64::from(u8::from(same_birth));
        ranked.push(Ranked {
            score: (score * 1000.0).round() / 1000.0,
            reasons,
            pair,
        });
    }
    // Highest score first, then by the ids (the indexes follow id order); no
    // two entries are equal, so only the first `limit` need sorting.
    let order = |x: &Ranked, y: &Ranked| y.score.total_cmp(&x.score).then_with(|| x.pair.cmp(&y.pair));
    if ranked.len() > limit && limit > 0 {
        ranked.select_nth_unstable_by(limit - 1, order);
    }
    ranked.truncate(limit);
    ranked.sort_unstable_by(order);
    let summaries = summaries(
        conn,
        ranked
            .iter()
            .flat_map(|r| [&people[r.pair.0 as usize].id, &people[r.pair.1 as usize].id]),
    )?;
    let mut out = Vec::with_capacity(ranked.len());
    for Ranked { score, reasons, pair } in ranked {
        let (Some(a), Some(b)) = (
            summaries.get(&people[pair.0 as usize].id).cloned(),
            summaries.get(&people[pair.1 as usize].id).cloned(),
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

/// A pair with its score, before the summaries are read.
struct Ranked {
    score: f64,
    reasons: Vec<Reason>,
    pair: PairKey,
}

/// Every pair of contacts with the same phone key, sorted.
fn same_phone_pairs(people: &[Candidate]) -> Vec<PairKey> {
    let mut keyed: Vec<(u64, Person)> = people
        .iter()
        .zip(0..)
        .filter_map(|(c, index)| Some((c.phone?, index)))
        .collect();
    keyed.sort_unstable();
    let mut pairs = Vec::new();
    for group in keyed.chunk_by(|x, y| x.0 == y.0) {
        for_each_pair(group.iter().map(|&(_, index)| index), |i, j| pairs.push((i, j)));
    }
    pairs.sort_unstable();
    pairs
}

/// Every pair of contacts with the same birth year, nationality and the
/// beginning of a word of their names, once each, sorted. Names are
/// compared only within these blocks, so that the work stays near linear
/// in the agency's size.
fn same_birth_pairs(candidates: &Candidates) -> Vec<PairKey> {
    let mut keyed: Vec<((i64, u32), u32, Person)> = Vec::new();
    for (c, index) in candidates.people.iter().zip(0..) {
        if let Some(born) = c.born {
            for &key in &candidates.names[c.name as usize].keys {
                keyed.push((born, key, index));
            }
        }
    }
    keyed.sort_unstable();
    let mut pairs = Vec::new();
    for group in keyed.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        for_each_pair(group.iter().map(|&(_, _, index)| index), |i, j| pairs.push((i, j)));
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The union of two sorted lists of pairs, with the reasons of each pair.
fn merge_reasons(phone: &[PairKey], names: &[PairKey]) -> Vec<(PairKey, Vec<Reason>)> {
    let mut out = Vec::with_capacity(phone.len() + names.len());
    let (mut p, mut n) = (phone.iter().peekable(), names.iter().peekable());
    loop {
        let next = match (p.peek(), n.peek()) {
            (Some(&&x), Some(&&y)) if x == y => {
                p.next();
                n.next();
                (x, vec![Reason::Phone, Reason::NameBirthYearNationality])
            }
            (Some(&&x), Some(&&y)) if x < y => {
                p.next();
                (x, vec![Reason::Phone])
            }
            (Some(&&x), None) => {
                p.next();
                (x, vec![Reason::Phone])
            }
            (_, Some(&&y)) => {
                n.next();
                (y, vec![Reason::NameBirthYearNationality])
            }
            (None, None) => return out,
        };
        out.push(next);
    }
}

fn for_each_pair(group: impl Iterator<Item = Person> + Clone, mut f: impl FnMut(Person, Person)) {
    let mut rest = group;
    while let Some(i) = rest.next() {
        for j in rest.clone() {
            f(i.min(j), i.max(j));
        }
    }
}

/// Name comparisons already made, by the (ordered) pair of names: both
/// functions depend on the two names alone, in that order.
#[derive(Default)]
struct NameMemo {
    similar: HashMap<(u32, u32), bool>,
    similarity: HashMap<(u32, u32), f64>,
}

impl NameMemo {
    fn similar(&mut self, candidates: &Candidates, i: Person, j: Person) -> bool {
        let key = candidates.name_pair(i, j);
        if key.0 == key.1 {
            return !candidates.names[key.0 as usize].tokens.is_empty();
        }
        *self
            .similar
            .entry(key)
            .or_insert_with(|| similar(&candidates.names[key.0 as usize], &candidates.names[key.1 as usize]))
    }

    fn similarity(&mut self, candidates: &Candidates, i: Person, j: Person) -> f64 {
        let key = candidates.name_pair(i, j);
        if key.0 == key.1 {
            return if candidates.names[key.0 as usize].tokens.is_empty() {
                0.0
            } else {
                1.0
            };
        }
        *self
            .similarity
            .entry(key)
            .or_insert_with(|| similarity(&candidates.names[key.0 as usize], &candidates.names[key.1 as usize]))
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

/// The number of `text` in `table`, given the next number when it is new.
fn intern(table: &mut HashMap<String, u32>, text: &str) -> u32 {
    if let Some(&number) = table.get(text) {
        return number;
    }
    let number = table.len() as u32;
    table.insert(text.to_owned(), number);
    number
}

/// [`phone_key`] as a number, without building the key: its digits and
/// how many there are, so that `0612345` and `612345` stay apart.
fn phone_number(phone: &str) -> Option<u64> {
    let digits = phone.bytes().filter(u8::is_ascii_digit).count();
    if digits < 6 {
        return None;
    }
    let kept = digits.min(9);
    let value = phone
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip(digits - kept)
        .fold(0u64, |n, digit| n * 10 + u64::from(digit - b'0'));
    Some(value * 16 + kept as u64)
}

/// Below this share of every contact, an agency's rows are found through
/// its index; from it on, reading the whole table in order is cheaper than
/// seeking each row (measured: about 0.25 µs a row read in order, 3 µs a
/// row sought).
const SCAN_SHARE: i64 = 8;

impl Candidates {
    fn read(conn: &Connection, agency: AgencyId) -> Result<Candidates, CurationError> {
        let agency = agency.to_string();
        let (in_agency, in_all): (i64, i64) = conn.query_row(
            "SELECT (SELECT COUNT(*) FROM contacts WHERE agency_id = ?1), (SELECT COUNT(*) FROM contacts)",
            [&agency],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut statement = conn.prepare_cached(if in_agency * SCAN_SHARE >= in_all {
            "SELECT doc_id, given_name, family_name, alias, birth_year, nationality, phone
             FROM contacts NOT INDEXED WHERE agency_id = ?1"
        } else {
            "SELECT doc_id, given_name, family_name, alias, birth_year, nationality, phone
             FROM contacts WHERE agency_id = ?1"
        })?;
        let mut interned: HashMap<String, u32> = HashMap::new();
        let mut prefixes: HashMap<String, u32> = HashMap::new();
        let mut nationalities: HashMap<String, u32> = HashMap::new();
        let mut names: Vec<Name> = Vec::new();
        let mut people: Vec<Candidate> = Vec::new();
        let mut display = String::new();
        let mut rows = statement.query([&agency])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| r.get_ref(i).and_then(|v| Ok(v.as_str_or_null()?));
            push_display_name(&mut display, text(1)?, text(2)?, text(3)?);
            let name = match interned.get(display.as_str()) {
                Some(&name) => name,
                None => {
                    let mut folded = Name::new(sorted_tokens(&display));
                    folded.keys = folded
                        .blocking_keys()
                        .into_iter()
                        .map(|key| intern(&mut prefixes, key))
                        .collect();
                    names.push(folded);
                    intern(&mut interned, &display)
                }
            };
            let year: Option<i64> = r.get(4)?;
            let born = match (year, text(5)?) {
                (Some(year), Some(nationality)) => Some((year, intern(&mut nationalities, nationality))),
                _ => None,
            };
            people.push(Candidate {
                id: r.get(0)?,
                name,
                phone: text(6)?.and_then(phone_number),
                born,
            });
        }
        // Text compares byte by byte in SQLite and in Rust: this is `ORDER BY doc_id`.
        people.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        Ok(Candidates { people, names })
    }

    /// The names of two contacts, in the contacts' order.
    fn name_pair(&self, i: Person, j: Person) -> (u32, u32) {
        (self.people[i as usize].name, self.people[j as usize].name)
    }
}

/// Given and family name, or the alias when there is neither.
pub fn display_name(given: Option<String>, family: Option<String>, alias: Option<String>) -> String {
    let mut name = String::new();
    push_display_name(&mut name, given.as_deref(), family.as_deref(), alias.as_deref());
    name
}

/// [`display_name`] written into `out`, replacing what it held.
fn push_display_name(out: &mut String, given: Option<&str>, family: Option<&str>, alias: Option<&str>) {
    out.clear();
    for part in [given, family]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    if out.is_empty() {
        out.push_str(alias.unwrap_or_default());
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

    #[test]
    fn a_phone_number_keeps_the_key_of_its_last_nine_digits() {
        for phone in [
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "612345",
            "0612345",
            "12345",
            "",
            "+221 77 000 11 22",
        ] {
            let expected = phone_key(phone).map(|key| (key.parse::<u64>().expect("digits"), key.len()));
            let number = phone_number(phone).map(|n| (n / 16, (n % 16) as usize));
            assert_eq!(number, expected, "{phone}");
        }
    }

    #[test]
    fn the_display_name_joins_trimmed_names_or_falls_back_to_the_alias() {
        let name = |g: Option<&str>, f: Option<&str>, a: Option<&str>| {
            display_name(g.map(str::to_owned), f.map(str::to_owned), a.map(str::to_owned))
        };
        assert_eq!(name(Some(" Awa "), Some("Diallo"), Some("x")), "Awa Diallo");
        assert_eq!(name(None, Some("Diallo "), None), "Diallo");
        assert_eq!(name(Some("  "), None, Some(" le tailleur")), " le tailleur");
        assert_eq!(name(None, None, None), "");
    }

    mod against_a_reference {
        use super::*;
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};

        const GIVEN: [&str; 12] = [
            "Amina",
            "Aminata",
            "Mohamed",
            "Mohammed",
            "Fatou",
            "Aïcha",
            "aicha",
            "محمد",
            "فاطمة",
            "Ali",
            "Awa",
            "Zoé",
        ];
        const FAMILY: [&str; 10] = [
            "Diallo",
            "DIALLO",
            "Traoré",
            "Traore",
            "Keïta",
            "Benali",
            "العلي",
            "Ndiaye",
            "Sow",
            "Lefèvre",
        ];

        /// `name` with one letter changed, dropped or doubled, now and then.
        fn typo(rng: &mut StdRng, name: &str) -> String {
            let mut chars: Vec<char> = name.chars().collect();
            if chars.is_empty() || rng.gen_range(0..4) != 0 {
                return name.to_owned();
            }
            let at = rng.gen_range(0..chars.len());
            match rng.gen_range(0..3) {
                0 => chars[at] = 'x',
                1 => {
                    chars.remove(at);
                }
                _ => chars.insert(at, chars[at]),
            }
            chars.into_iter().collect()
        }

        fn id(rng: &mut StdRng) -> String {
            uuid::Builder::from_random_bytes(rng.gen()).into_uuid().to_string()
        }

        /// An in-memory projection with `count` generated contacts in `agency`
        /// (and a few in another agency), two of its pairs dismissed.
        fn generated(count: usize, agency: AgencyId) -> Connection {
            let conn = Connection::open_in_memory().expect("database");
            for sql in relais_schema::migrations::MIGRATIONS {
                conn.execute_batch(sql).expect("migration");
            }
            // Dismissals refer to documents, users and agencies this projection alone lacks.
            conn.pragma_update(None, "foreign_keys", false).expect("pragma");
            let mut rng = StdRng::seed_from_u64(20261129);
            let author = id(&mut rng);
            let other = id(&mut rng);
            let mut insert = conn
                .prepare(
                    "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name,
                        alias, birth_year, nationality, phone, consent_given)
                     VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)",
                )
                .expect("insert");
            for n in 0..count + count / 10 {
                let agency = if n < count { agency.to_string() } else { other.clone() };
                let (g, f) = (
                    GIVEN[rng.gen_range(0..GIVEN.len())],
                    FAMILY[rng.gen_range(0..FAMILY.len())],
                );
                let given = (rng.gen_range(0..8) != 0).then(|| typo(&mut rng, g));
                let family = (rng.gen_range(0..6) != 0).then(|| typo(&mut rng, f));
                let alias = (rng.gen_range(0..5) == 0).then(|| typo(&mut rng, "Le tailleur"));
                let year = (rng.gen_range(0..8) != 0).then(|| rng.gen_range(1990..1994));
                let nationality = (rng.gen_range(0..8) != 0).then(|| ["ML", "SN", "SY"][rng.gen_range(0..3)]);
                let phone = match rng.gen_range(0..6) {
                    0 => None,
                    1 => Some(format!("+33 6 12 34 5{} {}", rng.gen_range(0..3), rng.gen_range(0..2))),
                    2 => Some(format!("06 12 34 5{}{}", rng.gen_range(0..3), rng.gen_range(0..2))),
                    3 => Some(format!("{}", rng.gen_range(100..103))),
                    _ => Some(format!("+221 77 {:07}", rng.gen_range(0..10_000_000))),
                };
                let created_at = format!("2026-11-{:02}T10:00:00Z", rng.gen_range(1..29));
                insert
                    .execute(rusqlite::params![
                        id(&mut rng),
                        agency,
                        author,
                        created_at,
                        given,
                        family,
                        alias,
                        year,
                        nationality,
                        phone
                    ])
                    .expect("contact");
            }
            drop(insert);
            let found = find_duplicates(&conn, agency, 1000).expect("duplicates");
            for pair in [&found[3], &found[found.len() / 2]] {
                let (a, b) = (pair.a.id.to_string(), pair.b.id.to_string());
                conn.execute(
                    "INSERT INTO duplicate_dismissals (contact_a, contact_b, agency_id, dismissed_by, dismissed_at)
                     VALUES (min(?1, ?2), max(?1, ?2), ?3, ?4, '2026-11-29T10:00:00Z')",
                    rusqlite::params![a, b, agency.to_string(), author],
                )
                .expect("dismissal");
            }
            conn
        }

        /// The pairs every pair of the agency's contacts gives, compared one by
        /// one and sorted: the definition of the module documentation, as
        /// plainly as it can be written. Each as (score, reasons, smaller id, larger id).
        fn reference(conn: &Connection, agency: AgencyId) -> Vec<(f64, Vec<Reason>, String, String)> {
            type Row = (String, Vec<String>, Option<String>, Option<(i64, String)>);
            let people: Vec<Row> = conn
                .prepare(
                    "SELECT doc_id, given_name, family_name, alias, birth_year, nationality, phone FROM contacts
                     WHERE agency_id = ?1 ORDER BY doc_id",
                )
                .expect("select")
                .query_map([agency.to_string()], |r| {
                    let name = display_name(r.get(1)?, r.get(2)?, r.get(3)?);
                    let phone: Option<String> = r.get(6)?;
                    let year: Option<i64> = r.get(4)?;
                    let nationality: Option<String> = r.get(5)?;
                    Ok((
                        r.get(0)?,
                        sorted_tokens(&name),
                        phone.as_deref().and_then(phone_key),
                        year.zip(nationality),
                    ))
                })
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            let dismissed = dismissed_pairs(conn, agency).expect("dismissed");
            let mut pairs = Vec::new();
            for (n, a) in people.iter().enumerate() {
                for b in &people[n + 1..] {
                    let (name_a, name_b) = (Name::new(a.1.clone()), Name::new(b.1.clone()));
                    let same_phone = a.2.is_some() && a.2 == b.2;
                    let same_birth = a.3.is_some() && a.3 == b.3;
                    let shared_word = name_a
                        .blocking_keys()
                        .iter()
                        .any(|k| name_b.blocking_keys().contains(k));
                    let similar_names = same_birth && shared_word && similar(&name_a, &name_b);
                    if !(same_phone || similar_names) || dismissed.contains(&(a.0.clone(), b.0.clone())) {
                        continue;
                    }
                    let reasons: Vec<Reason> = [
                        same_phone.then_some(Reason::Phone),
                        similar_names.then_some(Reason::NameBirthYearNationality),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    let score = 0.5 * f64::from(u8::from(same_phone))
                        + 0.3 * similarity(&name_a, &name_b)
                        + 0.2 * f64::from(u8::from(same_birth));
                    pairs.push(((score * 1000.0).round() / 1000.0, reasons, a.0.clone(), b.0.clone()));
                }
            }
            pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| (&x.2, &x.3).cmp(&(&y.2, &y.3))));
            pairs
        }

        #[test]
        fn the_pairs_their_scores_and_their_order_are_those_of_comparing_every_pair() {
            // Arrange
            let agency = AgencyId::random();
            let conn = generated(700, agency);
            let expected = reference(&conn, agency);

            // Act
            let found = find_duplicates(&conn, agency, 100_000).expect("duplicates");
            let first = find_duplicates(&conn, agency, 25).expect("duplicates");

            // Assert
            let found: Vec<(f64, Vec<Reason>, String, String)> = found
                .into_iter()
                .map(|p| {
                    let (a, b) = (p.a.id.to_string(), p.b.id.to_string());
                    assert!(p.a.created_at <= p.b.created_at, "the earlier recorded first");
                    (p.score, p.reasons, a.clone().min(b.clone()), a.max(b))
                })
                .collect();
            let kinds = |reason: Reason| expected.iter().filter(|p| p.1.contains(&reason)).count();
            assert!(
                expected.len() > 1000 && kinds(Reason::Phone) > 100 && kinds(Reason::NameBirthYearNationality) > 200,
                "the generated set holds both kinds of pairs: {} pairs, {} by phone, {} by name",
                expected.len(),
                kinds(Reason::Phone),
                kinds(Reason::NameBirthYearNationality)
            );
            assert_eq!(found, expected);
            let first: Vec<String> = first.iter().map(|p| format!("{}{}", p.a.id, p.b.id)).collect();
            assert_eq!(first.len(), 25);
            let best = find_duplicates(&conn, agency, 100_000).expect("duplicates");
            let best: Vec<String> = best[..25].iter().map(|p| format!("{}{}", p.a.id, p.b.id)).collect();
            assert_eq!(first, best, "a shorter list is the start of the longer one");
        }
    }
}
