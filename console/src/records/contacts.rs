//! The contacts list and a contact's page.

use std::str::FromStr;

use relais_schema::{CountryCode, DocumentId, Stage};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::ConsoleError;
use crate::filter::{truncate, DateRange, Filter, Limit, Scope};
use crate::records::cursor::Cursor;
use crate::records::search::Search;
use crate::records::sql::{text, Sql};
use crate::records::{split_list, Page};

/// The order of the contacts list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ContactSort {
    /// Family name, then given name, A to Z.
    Name,
    /// Family name, then given name, Z to A.
    NameDesc,
    /// Oldest first.
    Created,
    /// Newest first (the default).
    #[default]
    CreatedDesc,
}

impl ContactSort {
    /// The name used in queries and cursors.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactSort::Name => "name",
            ContactSort::NameDesc => "-name",
            ContactSort::Created => "created",
            ContactSort::CreatedDesc => "-created",
        }
    }

    fn key_parts(self) -> usize {
        match self {
            ContactSort::Name | ContactSort::NameDesc => 3,
            ContactSort::Created | ContactSort::CreatedDesc => 2,
        }
    }
}

impl FromStr for ContactSort {
    type Err = ConsoleError;
    fn from_str(s: &str) -> Result<Self, ConsoleError> {
        [
            ContactSort::Name,
            ContactSort::NameDesc,
            ContactSort::Created,
            ContactSort::CreatedDesc,
        ]
        .into_iter()
        .find(|sort| sort.as_str() == s)
        .ok_or_else(|| {
            ConsoleError::Invalid(format!(
                "sort={:?}: expected name, -name, created or -created",
                truncate(s)
            ))
        })
    }
}

/// What the contacts list shows.
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    /// Search in names, alias and phone.
    pub search: Option<Search>,
    /// Only this journey stage.
    pub stage: Option<Stage>,
    /// Only this nationality.
    pub nationality: Option<CountryCode>,
    /// Order.
    pub sort: ContactSort,
    /// Page size.
    pub limit: Limit,
    /// Continue after this row (from a previous page's `next`).
    pub cursor: Option<String>,
}

/// A row of the contacts list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactRow {
    /// Id.
    pub id: String,
    /// Agency.
    pub agency_id: String,
    /// Given and family name, or the alias when neither is known.
    pub name: String,
    /// Sex.
    pub sex: Option<String>,
    /// Year of birth.
    pub birth_year: Option<i64>,
    /// Country code.
    pub nationality: Option<String>,
    /// Migration status.
    pub status: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Neighbourhood.
    pub neighbourhood: Option<String>,
    /// Journey stage.
    pub stage: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// Who recorded it (user id).
    pub created_by: String,
}

/// The name a list shows.
pub(crate) fn display_name(given: Option<&str>, family: Option<&str>, alias: Option<&str>) -> String {
    let parts: Vec<&str> = [given, family]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.is_empty() {
        alias.unwrap_or_default().to_string()
    } else {
        parts.join(" ")
    }
}

const LIST_COLUMNS: &str =
    "SELECT c.doc_id, c.agency_id, c.given_name, c.family_name, c.alias, c.sex, c.birth_year, c.nationality,
            c.status, c.phone, c.neighbourhood, c.stage, c.created_at, c.created_by";

/// The scope: the caller's agencies.
fn push_scope(sql: &mut Sql, filter: &Filter) {
    match filter.scope.agencies() {
        [one] => sql.bind("c.agency_id = ?", [text(one.to_string())]),
        _ => sql.bind(
            "c.agency_id IN (SELECT value FROM json_each(?))",
            [text(filter.scope.as_json())],
        ),
    };
}

/// The `WHERE` clauses of the filters that were asked for (see [`Sql`]).
///
/// A search too short for the trigram index refers to `matched`, the rows
/// [`push_short_matches`] finds, which the statement must define.
fn push_filters(sql: &mut Sql, filter: &Filter, query: &ContactQuery) {
    push_scope(sql, filter);
    let (from, to) = (filter.range.lower(), filter.range.upper());
    if !from.is_empty() {
        sql.bind("AND c.created_at >= ?", [text(from)]);
    }
    if to != DateRange::all().upper() {
        sql.bind("AND c.created_at < ?", [text(to)]);
    }
    if let Some(agent) = filter.agent {
        sql.bind("AND c.created_by = ?", [text(agent.to_string())]);
    }
    if let Some(stage) = query.stage {
        sql.bind("AND c.stage = ?", [text(stage.as_str())]);
    }
    if let Some(nationality) = &query.nationality {
        sql.bind("AND c.nationality = ?", [text(nationality.as_str())]);
    }
    if let Some(search) = &query.search {
        match search.trigram_query() {
            // `+` keeps SQLite from reading the row of every match in every
            // agency: it walks an index of the scope instead and tests each
            // rowid against the matches, so a common search costs no more
            // than the scope's index entries.
            Some(matches) => sql.bind(
                "AND +c.rowid IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)",
                [text(matches)],
            ),
            None => sql.push("AND +c.rowid IN matched"),
        };
    }
}

/// Where a search too short for the trigram index tests the contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShortScan {
    /// The names in the scope's entries of the name index, the alias and
    /// phone digits in the text the trigram index stores: for a scope that
    /// leaves contacts out.
    Scope,
    /// All four fields in the text the trigram index stores, every contact
    /// in one pass of short rows (about a quarter cheaper than the two
    /// scans of [`ShortScan::Scope`] over the same contacts): for a scope
    /// holding every agency that has contacts, such as an administrator's.
    Store,
}

/// A condition true when the scope (bound as a JSON array) holds every
/// agency that has contacts. The agencies are found by seeking the next
/// one in an index that starts with `agency_id`, one seek per agency,
/// without reading the contacts.
const HOLDS_EVERY_AGENCY: &str = "NOT EXISTS (
    WITH RECURSIVE holder(agency) AS (
        SELECT min(agency_id) FROM contacts
        UNION ALL
        SELECT (SELECT min(agency_id) FROM contacts WHERE agency_id > holder.agency) FROM holder
        WHERE holder.agency IS NOT NULL)
    SELECT 1 FROM holder
    WHERE holder.agency IS NOT NULL AND holder.agency NOT IN (SELECT value FROM json_each(?)))";

/// Which scan serves the scope. Only a matter of speed: the statement
/// checks again, in its own snapshot, before counting the matches alone.
fn short_scan(conn: &Connection, filter: &Filter) -> Result<ShortScan, ConsoleError> {
    let mut holds = Sql::new("SELECT");
    holds.bind(HOLDS_EVERY_AGENCY, [text(filter.scope.as_json())]);
    let every: bool = conn
        .prepare_cached(holds.text())?
        .query_row(holds.values(), |r| r.get(0))?;
    Ok(if every { ShortScan::Store } else { ShortScan::Scope })
}

/// The rowids of the contacts that a search too short for the trigram
/// index finds, each once: a `SELECT` for `WITH matched(r) AS (…)`. With
/// [`ShortScan::Scope`] they are the matches in scope; with
/// [`ShortScan::Store`] the matches in the whole store, which the list
/// keeps to the scope.
///
/// The text the trigram index stores (FTS5's `contact_search_content`,
/// kept equal to `contacts` at every commit) holds the given name, family
/// name and alias lowered (`c0`, `c1`, `c2`: `lower()` changes A–Z only,
/// which `LIKE` does not tell apart) and the phone number's digits (`c3`:
/// the same runs of digits as the number without spaces, since a `+` can
/// only lead it).
///
/// For [`ShortScan::Scope`] the given and family names are tested in the
/// name index (`contacts_agency_name`), without reading contact rows: its
/// entries hold them as `ifnull(…, '') COLLATE NOCASE`, and these same
/// expressions let SQLite take the values from the index (`LIKE` ignores
/// the collation, and an empty name matches no pattern, so the test is the
/// one on the columns). The alias and the phone digits are tested in the
/// stored text, then the row of each match is read to keep it to the scope
/// and leave out the contacts the names already found.
fn push_short_matches(sql: &mut Sql, filter: &Filter, search: &Search, scan: ShortScan) {
    const NAMES: &str = "(ifnull(c.family_name, '') COLLATE NOCASE LIKE ? ESCAPE '\\'
                          OR ifnull(c.given_name, '') COLLATE NOCASE LIKE ? ESCAPE '\\')";
    let pattern = search.pattern();
    if scan == ShortScan::Store {
        sql.bind(
            "SELECT s.id FROM contact_search_content s
             WHERE (s.c0 LIKE ? ESCAPE '\\' OR s.c1 LIKE ? ESCAPE '\\' OR s.c2 LIKE ? ESCAPE '\\'",
            [text(pattern.clone()), text(pattern.clone()), text(pattern)],
        );
        if let Some(phone) = search.phone_pattern() {
            sql.bind("OR s.c3 LIKE ?", [text(phone)]);
        }
        sql.push(")");
        return;
    }
    let names = || [text(pattern.clone()), text(pattern.clone())];
    sql.push("SELECT c.rowid FROM contacts c WHERE");
    push_scope(sql, filter);
    sql.push("AND").bind(NAMES, names());
    sql.bind(
        "UNION ALL SELECT c.rowid FROM contact_search_content s CROSS JOIN contacts c ON c.rowid = s.id
         WHERE (s.c2 LIKE ? ESCAPE '\\'",
        [text(pattern.clone())],
    );
    if let Some(phone) = search.phone_pattern() {
        sql.bind("OR s.c3 LIKE ?", [text(phone)]);
    }
    sql.push(") AND");
    push_scope(sql, filter);
    sql.push("AND NOT").bind(NAMES, names());
}

/// Whether the filters narrow the list within the scope (dates, agent,
/// stage, nationality).
fn narrows(filter: &Filter, query: &ContactQuery) -> bool {
    !filter.range.lower().is_empty()
        || filter.range.upper() != DateRange::all().upper()
        || filter.agent.is_some()
        || query.stage.is_some()
        || query.nationality.is_some()
}

/// The keyset condition after `cursor` and the order, for `sort`.
fn push_order(sql: &mut Sql, sort: ContactSort, cursor: Option<&Cursor>, limit: u32) {
    if let Some(c) = cursor {
        let key = |i: usize| text(c.part(i));
        // The first key column as a range (so an index seeks to it), then the tie-breakers.
        match sort {
            ContactSort::Name => sql.bind(
                "AND ifnull(c.family_name, '') COLLATE NOCASE >= ?
                 AND (ifnull(c.family_name, '') COLLATE NOCASE > ? OR ifnull(c.given_name, '') COLLATE NOCASE > ?
                      OR (ifnull(c.given_name, '') COLLATE NOCASE = ? AND c.doc_id > ?))",
                [key(0), key(0), key(1), key(1), key(2)],
            ),
            ContactSort::NameDesc => sql.bind(
                "AND ifnull(c.family_name, '') COLLATE NOCASE <= ?
                 AND (ifnull(c.family_name, '') COLLATE NOCASE < ? OR ifnull(c.given_name, '') COLLATE NOCASE < ?
                      OR (ifnull(c.given_name, '') COLLATE NOCASE = ? AND c.doc_id < ?))",
                [key(0), key(0), key(1), key(1), key(2)],
            ),
            ContactSort::Created => sql.bind(
                "AND c.created_at >= ? AND (c.created_at > ? OR c.doc_id > ?)",
                [key(0), key(0), key(1)],
            ),
            ContactSort::CreatedDesc => sql.bind(
                "AND c.created_at <= ? AND (c.created_at < ? OR c.doc_id < ?)",
                [key(0), key(0), key(1)],
            ),
        };
    }
    sql.push(match sort {
        ContactSort::Name => {
            "ORDER BY ifnull(c.family_name, '') COLLATE NOCASE, ifnull(c.given_name, '') COLLATE NOCASE, c.doc_id"
        }
        ContactSort::NameDesc => {
            "ORDER BY ifnull(c.family_name, '') COLLATE NOCASE DESC, ifnull(c.given_name, '') COLLATE NOCASE DESC,
                      c.doc_id DESC"
        }
        ContactSort::Created => "ORDER BY c.created_at, c.doc_id",
        ContactSort::CreatedDesc => "ORDER BY c.created_at DESC, c.doc_id DESC",
    });
    sql.bind("LIMIT ?", [rusqlite::types::Value::Integer(i64::from(limit) + 1)]);
}

/// A row of the list, and its family and given names (the name order's cursor).
type ListRow = (ContactRow, Option<String>, Option<String>);

fn contact_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
    let given: Option<String> = r.get(2)?;
    let family: Option<String> = r.get(3)?;
    let alias: Option<String> = r.get(4)?;
    Ok((
        ContactRow {
            id: r.get(0)?,
            agency_id: r.get(1)?,
            name: display_name(given.as_deref(), family.as_deref(), alias.as_deref()),
            sex: r.get(5)?,
            birth_year: r.get(6)?,
            nationality: r.get(7)?,
            status: r.get(8)?,
            phone: r.get(9)?,
            neighbourhood: r.get(10)?,
            stage: r.get(11)?,
            created_at: r.get(12)?,
            created_by: r.get(13)?,
        },
        family,
        given,
    ))
}

/// How many contacts match the filters; `matches`: the search and scan
/// defining `matched` for a short search ([`push_short_matches`]).
fn count_contacts(
    conn: &Connection,
    filter: &Filter,
    query: &ContactQuery,
    matches: Option<(&Search, ShortScan)>,
) -> Result<i64, ConsoleError> {
    let mut count = Sql::default();
    if let Some((search, scan)) = matches {
        count.push("WITH matched(r) AS (");
        push_short_matches(&mut count, filter, search, scan);
        count.push(")");
    }
    count.push("SELECT COUNT(*) FROM contacts c WHERE");
    push_filters(&mut count, filter, query);
    Ok(conn
        .prepare_cached(count.text())?
        .query_row(count.values(), |r| r.get(0))?)
}

/// A page of a search too short for the trigram index, and its total, in
/// one statement: the matching rowids are found once ([`push_short_matches`],
/// the costly part) and serve both the page and the count, which rides on
/// every row as a last column. The count is their number when they are
/// the matches in scope and no filter narrows it (with [`ShortScan::Store`],
/// when the statement finds that the scope holds every agency with
/// contacts); otherwise the contacts in scope that pass the filters and are
/// among them. When nothing matches, the order's index is not walked. An
/// empty page after a cursor is counted apart; an empty first page means
/// nothing matches.
fn short_search_page(
    conn: &Connection,
    filter: &Filter,
    query: &ContactQuery,
    (search, scan): (&Search, ShortScan),
    cursor: Option<&Cursor>,
) -> Result<(Vec<ListRow>, i64), ConsoleError> {
    let mut list = Sql::new("WITH matched(r) AS MATERIALIZED (");
    push_short_matches(&mut list, filter, search, scan);
    list.push(")");
    list.push(LIST_COLUMNS);
    match (narrows(filter, query), scan) {
        (false, ShortScan::Scope) => {
            // `matched` holds the contacts in scope, each once.
            list.push(", (SELECT COUNT(*) FROM matched)");
        }
        (false, ShortScan::Store) => {
            list.push(", (SELECT CASE WHEN")
                .bind(HOLDS_EVERY_AGENCY, [text(filter.scope.as_json())])
                .push("THEN (SELECT COUNT(*) FROM matched) ELSE (SELECT COUNT(*) FROM contacts c WHERE");
            push_filters(&mut list, filter, query);
            list.push(") END)");
        }
        (true, _) => {
            list.push(", (SELECT COUNT(*) FROM contacts c WHERE");
            push_filters(&mut list, filter, query);
            list.push(")");
        }
    }
    // The first condition holds no column: SQLite tests it once, before the walk.
    list.push("FROM contacts c WHERE EXISTS (SELECT 1 FROM matched) AND");
    push_filters(&mut list, filter, query);
    push_order(&mut list, query.sort, cursor, query.limit.get());
    let mut total = 0;
    let rows = conn
        .prepare_cached(list.text())?
        .query_map(list.values(), |r| Ok((contact_row(r)?, r.get::<_, i64>(14)?)))?
        .map(|row| {
            row.map(|(row, count)| {
                total = count;
                row
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() && cursor.is_some() {
        total = count_contacts(conn, filter, query, Some((search, scan)))?;
    }
    Ok((rows, total))
}

/// A page of the contacts list and the number of contacts matching the filters.
pub fn list_contacts(
    conn: &Connection,
    filter: &Filter,
    query: &ContactQuery,
) -> Result<Page<ContactRow>, ConsoleError> {
    let sort = query.sort;
    let cursor = query
        .cursor
        .as_deref()
        .map(|text| Cursor::decode(text, sort.as_str(), sort.key_parts()))
        .transpose()?;
    let limit = query.limit.get();
    let short = query.search.as_ref().filter(|search| search.trigram_query().is_none());
    let (rows, total) = match short {
        None => {
            let mut list = Sql::new(LIST_COLUMNS);
            list.push("FROM contacts c WHERE");
            push_filters(&mut list, filter, query);
            push_order(&mut list, sort, cursor.as_ref(), limit);
            let rows = conn
                .prepare_cached(list.text())?
                .query_map(list.values(), contact_row)?
                .collect::<Result<Vec<_>, _>>()?;
            (rows, count_contacts(conn, filter, query, None)?)
        }
        Some(search) => {
            let scan = short_scan(conn, filter)?;
            short_search_page(conn, filter, query, (search, scan), cursor.as_ref())?
        }
    };
    Ok(page_of(rows, limit, total, sort))
}

/// The page of `rows` (up to `limit + 1`), its cursor keyed for `sort`.
fn page_of(rows: Vec<ListRow>, limit: u32, total: i64, sort: ContactSort) -> Page<ContactRow> {
    Page::from_rows(rows, limit, total, |(row, family, given)| {
        let key = match sort {
            ContactSort::Name | ContactSort::NameDesc => vec![
                family.clone().unwrap_or_default(),
                given.clone().unwrap_or_default(),
                row.id.clone(),
            ],
            ContactSort::Created | ContactSort::CreatedDesc => vec![row.created_at.clone(), row.id.clone()],
        };
        Cursor::after(sort.as_str(), key)
    })
    .map(|(row, _, _)| row)
}

/// Every projected field of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    /// Id.
    pub id: String,
    /// Agency.
    pub agency_id: String,
    /// Record schema version.
    pub schema: i64,
    /// Who recorded it.
    pub created_by: String,
    /// That user's display name, if known.
    pub created_by_name: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// Name as a list shows it.
    pub name: String,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// Sex.
    pub sex: Option<String>,
    /// Year of birth.
    pub birth_year: Option<i64>,
    /// Age band.
    pub age_band: Option<String>,
    /// Country code.
    pub nationality: Option<String>,
    /// Migration status.
    pub status: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Neighbourhood.
    pub neighbourhood: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Education.
    pub education: Option<String>,
    /// Skills.
    pub skills: Option<String>,
    /// Whether consent was given.
    pub consent_given: bool,
    /// When.
    pub consent_at: Option<String>,
    /// Who asked.
    pub consent_by: Option<String>,
    /// What it covers.
    pub consent_scope: Vec<String>,
    /// Journey stage.
    pub stage: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Interests.
    pub interests: Vec<String>,
}

/// A follow-up on a contact's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpRow {
    /// Id.
    pub id: String,
    /// Date.
    pub at: String,
    /// Kind.
    pub kind: String,
    /// Note.
    pub note: Option<String>,
    /// Who (user id).
    pub by: Option<String>,
}

/// A session the contact was marked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactAttendance {
    /// The session.
    pub session_id: String,
    /// Its topic.
    pub topic: String,
    /// When it starts.
    pub starts_at: String,
    /// present, absent or excused.
    pub status: String,
}

/// One of the values of a field in conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictValueRow {
    /// The field path.
    pub field: String,
    /// The value (JSON text).
    pub value: String,
    /// Whether every replica shows this value.
    pub winner: bool,
    /// The actor that wrote it.
    pub actor: String,
    /// Its device, if known.
    pub device_id: Option<String>,
    /// Its user, if known.
    pub user_id: Option<String>,
}

/// A contact's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    /// The fields.
    pub contact: ContactDetail,
    /// Follow-ups, in order.
    pub follow_ups: Vec<FollowUpRow>,
    /// Sessions, latest first.
    pub attendance: Vec<ContactAttendance>,
    /// Fields in conflict.
    pub conflicts: Vec<ConflictValueRow>,
}

fn strings(conn: &Connection, sql: &str, id: &str) -> Result<Vec<String>, ConsoleError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A contact's page, if the contact exists in `scope` (`None` alike for unknown and out of scope).
pub fn contact_page(conn: &Connection, scope: &Scope, id: DocumentId) -> Result<Option<ContactPage>, ConsoleError> {
    let id = id.to_string();
    let contact = conn
        .prepare_cached(
            "SELECT c.doc_id, c.agency_id, c.schema, c.created_by, u.display_name, c.created_at, c.given_name,
                    c.family_name, c.alias, c.sex, c.birth_year, c.age_band, c.nationality, c.status, c.phone,
                    c.neighbourhood, c.city, c.education, c.skills, c.consent_given, c.consent_at, c.consent_by,
                    c.consent_scope, c.stage, c.notes
             FROM contacts c LEFT JOIN users u ON u.id = c.created_by
             WHERE c.doc_id = ?1 AND c.agency_id IN (SELECT value FROM json_each(?2))",
        )?
        .query_row(params![id, scope.as_json()], |r| {
            let given: Option<String> = r.get(6)?;
            let family: Option<String> = r.get(7)?;
            let alias: Option<String> = r.get(8)?;
            Ok(ContactDetail {
                id: r.get(0)?,
                agency_id: r.get(1)?,
                schema: r.get(2)?,
                created_by: r.get(3)?,
                created_by_name: r.get(4)?,
                created_at: r.get(5)?,
                name: display_name(given.as_deref(), family.as_deref(), alias.as_deref()),
                given_name: given,
                family_name: family,
                alias,
                sex: r.get(9)?,
                birth_year: r.get(10)?,
                age_band: r.get(11)?,
                nationality: r.get(12)?,
                status: r.get(13)?,
                phone: r.get(14)?,
                neighbourhood: r.get(15)?,
                city: r.get(16)?,
                education: r.get(17)?,
                skills: r.get(18)?,
                consent_given: r.get(19)?,
                consent_at: r.get(20)?,
                consent_by: r.get(21)?,
                consent_scope: split_list(r.get(22)?),
                stage: r.get(23)?,
                notes: r.get(24)?,
                languages: Vec::new(),
                interests: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut contact) = contact else { return Ok(None) };
    contact.languages = strings(
        conn,
        "SELECT language FROM contact_languages WHERE doc_id = ?1 ORDER BY language",
        &id,
    )?;
    contact.interests = strings(
        conn,
        "SELECT interest FROM contact_interests WHERE doc_id = ?1 ORDER BY interest",
        &id,
    )?;
    let follow_ups = conn
        .prepare_cached("SELECT id, at, kind, note, by_user FROM follow_ups WHERE doc_id = ?1 ORDER BY position, id")?
        .query_map([&id], |r| {
            Ok(FollowUpRow {
                id: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                note: r.get(3)?,
                by: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let attendance = conn
        .prepare_cached(
            "SELECT a.session_id, s.topic, s.starts_at, a.status FROM attendance a
             JOIN sessions s ON s.doc_id = a.session_id
             WHERE a.contact_id = ?1 AND s.agency_id IN (SELECT value FROM json_each(?2))
             ORDER BY s.starts_at DESC, a.session_id",
        )?
        .query_map(params![id, scope.as_json()], |r| {
            Ok(ContactAttendance {
                session_id: r.get(0)?,
                topic: r.get(1)?,
                starts_at: r.get(2)?,
                status: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let conflicts = conn
        .prepare_cached(
            "SELECT field, value, winner, actor, device_id, user_id FROM conflicts WHERE doc_id = ?1
             ORDER BY field, winner DESC, actor",
        )?
        .query_map([&id], |r| {
            Ok(ConflictValueRow {
                field: r.get(0)?,
                value: r.get(1)?,
                winner: r.get(2)?,
                actor: r.get(3)?,
                device_id: r.get(4)?,
                user_id: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(ContactPage {
        contact,
        follow_ups,
        attendance,
        conflicts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::DateRange;
    use crate::records::sql::{text, Sql};
    use crate::test_store::{agency, contact, memory_store, user, ContactSeed};
    use relais_schema::AgencyId;
    use relais_sync::accounts::Role;

    const FAMILIES: [&str; 6] = ["Diallo", "benali", "Ndiaye", "Élise", "Haddad", "Kone"];

    fn seeded() -> (Connection, Filter, AgencyId) {
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        let other = agency(&conn, "Marseille");
        for i in 0..30 {
            let at = format!("2026-11-{:02}T10:{:02}:00Z", 1 + i % 28, i);
            let given = format!("Given{i:02}");
            contact(
                &conn,
                &ContactSeed {
                    given: Some(&given),
                    family: (i % 7 != 0).then_some(FAMILIES[i % FAMILIES.len()]),
                    stage: Some(if i % 3 == 0 { "registered" } else { "informed" }),
                    phone: Some(if i == 4 { "+33612345678" } else { "+22177000000" }),
                    ..ContactSeed::new(home, amina, &at)
                },
            );
        }
        contact(
            &conn,
            &ContactSeed {
                family: Some("Diallo"),
                ..ContactSeed::new(other, amina, "2026-11-02T10:00:00Z")
            },
        );
        (conn, Filter::of(Scope::new(vec![home])), other)
    }

    fn every_page(conn: &Connection, filter: &Filter, query: ContactQuery) -> Vec<ContactRow> {
        let mut rows = Vec::new();
        let mut query = query;
        loop {
            let page = list_contacts(conn, filter, &query).expect("page");
            assert!(page.rows.len() <= query.limit.get() as usize);
            rows.extend(page.rows);
            match page.next {
                Some(next) => query.cursor = Some(next),
                None => return rows,
            }
        }
    }

    #[test]
    fn paging_through_every_order_gives_each_row_once_in_order() {
        let (conn, filter, _) = seeded();
        for sort in [
            ContactSort::Name,
            ContactSort::NameDesc,
            ContactSort::Created,
            ContactSort::CreatedDesc,
        ] {
            let query = ContactQuery {
                sort,
                limit: "7".parse().expect("limit"),
                ..ContactQuery::default()
            };
            let paged = every_page(&conn, &filter, query);
            let whole = list_contacts(
                &conn,
                &filter,
                &ContactQuery {
                    sort,
                    limit: "500".parse().expect("limit"),
                    ..ContactQuery::default()
                },
            )
            .expect("whole");
            assert_eq!(paged, whole.rows, "{sort:?}");
            assert_eq!(whole.total, 30);
            let mut ids: Vec<&str> = paged.iter().map(|r| r.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), 30);
        }
    }

    #[test]
    fn the_name_order_ignores_case_and_puts_contacts_without_a_family_name_first() {
        let (conn, filter, _) = seeded();
        let page = list_contacts(
            &conn,
            &filter,
            &ContactQuery {
                sort: ContactSort::Name,
                limit: "500".parse().expect("limit"),
                ..ContactQuery::default()
            },
        )
        .expect("page");
        let families: Vec<String> = page
            .rows
            .iter()
            .map(|r| r.name.split_once(' ').map(|(_, f)| f.to_string()).unwrap_or_default())
            .collect();
        let first_named = families.iter().position(|f| !f.is_empty()).expect("named");
        assert!(families[..first_named].iter().all(String::is_empty));
        assert_eq!(families[first_named], "benali");
        assert_eq!(families.last().map(String::as_str), Some("Élise"));
    }

    #[test]
    fn search_filters_and_range_narrow_the_list_and_the_total() {
        let (conn, filter, _) = seeded();
        let by_name = list_contacts(
            &conn,
            &filter,
            &ContactQuery {
                search: Some("diallo".parse().expect("search")),
                ..ContactQuery::default()
            },
        )
        .expect("page");
        assert!(by_name.rows.iter().all(|r| r.name.ends_with("Diallo")));
        assert_eq!(by_name.total as usize, by_name.rows.len());
        assert!(by_name.total > 0);
        let by_phone = list_contacts(
            &conn,
            &filter,
            &ContactQuery {
                search: Some("06 12 34 56".parse().expect("search")),
                ..ContactQuery::default()
            },
        )
        .expect("page");
        assert_eq!(by_phone.rows.len(), 1);
        assert_eq!(by_phone.rows[0].phone.as_deref(), Some("+33612345678"));
        let registered = list_contacts(
            &conn,
            &filter,
            &ContactQuery {
                stage: Some(Stage::Registered),
                ..ContactQuery::default()
            },
        )
        .expect("page");
        assert_eq!(registered.total, 10);
        let first_week = Filter {
            range: DateRange::new(
                Some("2026-11-01".parse().expect("day")),
                Some("2026-11-07".parse().expect("day")),
            )
            .expect("range"),
            ..filter
        };
        let page = list_contacts(&conn, &first_week, &ContactQuery::default()).expect("page");
        assert!(page.rows.iter().all(|r| r.created_at.as_str() < "2026-11-08"));
        assert_eq!(page.total, 9);
    }

    /// The ids a `LIKE` scan of every contact of `agency` finds: the list's
    /// search as it was before the trigram index.
    fn like_scan(conn: &Connection, agency: AgencyId, search: &Search) -> Vec<String> {
        let phone = search.phone_pattern().unwrap_or_default();
        let mut ids: Vec<String> = conn
            .prepare(
                "SELECT doc_id FROM contacts WHERE agency_id = ?1
                 AND (given_name LIKE ?2 ESCAPE '\\' OR family_name LIKE ?2 ESCAPE '\\' OR alias LIKE ?2 ESCAPE '\\'
                      OR (?3 != '' AND replace(phone, ' ', '') LIKE ?3))",
            )
            .expect("prepare")
            .query_map(params![agency.to_string(), search.pattern(), phone], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        ids.sort();
        ids
    }

    #[test]
    fn the_index_finds_exactly_what_a_like_scan_finds() {
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        let names = [
            "Diallo",
            "DIALLO",
            "Élise",
            "élise",
            "Lefèvre",
            "محمد",
            "العلي",
            "Keïta",
            "O'Brien",
            "50%_off",
            "Zoé",
        ];
        let phones = [
            "+33 6 12 34 56 78",
            "+33612345678",
            "00221 77 000 11 22",
            "+33 7 00 12 00 00",
        ];
        for (i, name) in names.iter().enumerate() {
            contact(
                &conn,
                &ContactSeed {
                    given: Some(names[(i + 3) % names.len()]),
                    family: Some(name),
                    phone: Some(phones[i % phones.len()]),
                    ..ContactSeed::new(home, amina, "2026-11-01T10:00:00Z")
                },
            );
        }
        let filter = Filter::of(Scope::new(vec![home]));
        let mut searches: Vec<String> = [
            "06 12 34", "0612", "612", "+33 6", "77-000", "0 0 12", "00 12", "ÉLISE", "LEFÈ", "lefè", "\"", "'Br",
            "%_o", "x\"yz", "d", "é", "ï", "محم",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every piece of every name, as typed and in capitals.
        for name in names {
            let chars: Vec<char> = name.chars().collect();
            for len in 1..=chars.len().min(5) {
                for start in 0..=chars.len() - len {
                    let piece: String = chars[start..start + len].iter().collect();
                    searches.push(piece.to_uppercase());
                    searches.push(piece);
                }
            }
        }
        let (mut through_index, mut found) = (0, 0);
        for text in searches {
            let Ok(search) = text.parse::<Search>() else { continue };
            through_index += usize::from(search.trigram_query().is_some());
            let page = list_contacts(
                &conn,
                &filter,
                &ContactQuery {
                    search: Some(search.clone()),
                    limit: "500".parse().expect("limit"),
                    ..ContactQuery::default()
                },
            )
            .expect("page");
            let mut ids: Vec<String> = page.rows.into_iter().map(|r| r.id).collect();
            ids.sort();
            assert_eq!(ids, like_scan(&conn, home, &search), "{text:?}");
            assert_eq!(page.total as usize, ids.len(), "{text:?}");
            found += usize::from(!ids.is_empty());
        }
        assert!(
            through_index > 100 && found > 150,
            "{through_index} through the index, {found} found"
        );
    }

    /// The list as it answered a search too short for the trigram index
    /// before: `LIKE` on the columns of every contact row in scope.
    fn like_scan_page(conn: &Connection, filter: &Filter, query: &ContactQuery) -> Page<ContactRow> {
        let search = query.search.as_ref().expect("a search");
        let like = |sql: &mut Sql| {
            let pattern = search.pattern();
            let names = [text(pattern.clone()), text(pattern.clone()), text(pattern)];
            match search.phone_pattern() {
                Some(phone) => sql.bind(
                    "AND (c.given_name LIKE ? ESCAPE '\\' OR c.family_name LIKE ? ESCAPE '\\'
                          OR c.alias LIKE ? ESCAPE '\\' OR replace(c.phone, ' ', '') LIKE ?)",
                    names.into_iter().chain([text(phone)]),
                ),
                None => sql.bind(
                    "AND (c.given_name LIKE ? ESCAPE '\\' OR c.family_name LIKE ? ESCAPE '\\'
                          OR c.alias LIKE ? ESCAPE '\\')",
                    names,
                ),
            };
        };
        let unsearched = ContactQuery {
            search: None,
            ..query.clone()
        };
        let cursor = query
            .cursor
            .as_deref()
            .map(|c| Cursor::decode(c, query.sort.as_str(), query.sort.key_parts()).expect("cursor"));
        let mut list = Sql::new(LIST_COLUMNS);
        list.push("FROM contacts c WHERE");
        push_filters(&mut list, filter, &unsearched);
        like(&mut list);
        push_order(&mut list, query.sort, cursor.as_ref(), query.limit.get());
        let rows = conn
            .prepare(list.text())
            .expect("list")
            .query_map(list.values(), contact_row)
            .expect("rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows");
        let mut count = Sql::new("SELECT COUNT(*) FROM contacts c WHERE");
        push_filters(&mut count, filter, &unsearched);
        like(&mut count);
        let total = conn
            .query_row(count.text(), count.values(), |r| r.get(0))
            .expect("count");
        page_of(rows, query.limit.get(), total, query.sort)
    }

    #[test]
    fn a_search_too_short_for_the_index_lists_what_a_like_scan_lists_in_the_same_order() {
        // Arrange: two agencies; names, aliases and phones of every kind.
        let conn = memory_store();
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let (home, other) = (agency(&conn, "Belleville"), agency(&conn, "Marseille"));
        let without_contacts = agency(&conn, "Lille");
        let given = [
            Some("Awa"),
            Some("ÉLODIE"),
            Some("zoé"),
            Some("محمد"),
            Some("Li"),
            None,
            Some("O'Brien"),
            Some("50%_off"),
            Some(""),
            Some("Keïta"),
        ];
        let family = [
            Some("Diallo"),
            Some("DIOP"),
            Some("العلي"),
            None,
            Some("Ng"),
            Some("Lefèvre"),
            Some("a\\b"),
            Some("حسن"),
        ];
        let aliases = [None, None, Some("Le tailleur"), Some("Dí"), Some("حس"), None, Some("x")];
        let phones = [
            None,
            Some("+33 6 12 00 00 00"),
            Some("+33612000000"),
            Some("00221 77 000 11 22"),
            Some("06 99 12 34 56"),
        ];
        let mut insert = conn
            .prepare(
                "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name,
                    alias, phone, stage, consent_given)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
            )
            .expect("insert");
        for i in 0..140 {
            insert
                .execute(params![
                    DocumentId::random().to_string(),
                    if i % 5 == 4 { other } else { home }.to_string(),
                    amina.to_string(),
                    format!("2026-11-{:02}T10:00:00Z", 1 + i % 9),
                    given[i % given.len()],
                    family[(i / 2) % family.len()],
                    aliases[i % aliases.len()],
                    phones[(i / 3) % phones.len()],
                    (i % 3 == 0).then_some("registered"),
                ])
                .expect("contact");
        }
        drop(insert);
        let mut searches: Vec<String> = [
            "1", "12", "06", "0 0 12", "00 12", "(0) 12", "+3", "%", "_", "\\", "'", "zq", "é", "É", "ï", "ح", "حس",
            "لي", "DI", "dí", "Dí", "li", "LI", "x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for name in given.iter().chain(&family).chain(&aliases).flatten() {
            let chars: Vec<char> = name.chars().collect();
            for len in 1..=2.min(chars.len()) {
                for piece in chars.windows(len) {
                    let piece: String = piece.iter().collect();
                    searches.push(piece.to_uppercase());
                    searches.push(piece);
                }
            }
        }
        searches.sort();
        searches.dedup();
        let sorts = [
            ContactSort::Name,
            ContactSort::NameDesc,
            ContactSort::Created,
            ContactSort::CreatedDesc,
        ];
        let scopes = [
            Filter::of(Scope::new(vec![home])),
            // Every agency holding contacts, as an administrator sees them.
            Filter::of(Scope::new(vec![home, other, without_contacts])),
            Filter {
                range: DateRange::new(
                    Some("2026-11-02".parse().expect("day")),
                    Some("2026-11-06".parse().expect("day")),
                )
                .expect("range"),
                ..Filter::of(Scope::new(vec![home]))
            },
        ];
        assert_eq!(short_scan(&conn, &scopes[0]).expect("scan"), ShortScan::Scope);
        assert_eq!(short_scan(&conn, &scopes[1]).expect("scan"), ShortScan::Store);
        assert_eq!(short_scan(&conn, &scopes[2]).expect("scan"), ShortScan::Scope);
        let mut checked = 0;
        for (n, text) in searches.iter().enumerate() {
            let Ok(search) = text.parse::<Search>() else { continue };
            if search.trigram_query().is_some() {
                continue;
            }
            for filter in &scopes {
                for sort in sorts {
                    for stage in [None, Some(Stage::Registered)] {
                        // Act and assert: the whole list, then page by page (every few searches).
                        let whole = ContactQuery {
                            search: Some(search.clone()),
                            stage,
                            sort,
                            limit: "500".parse().expect("limit"),
                            ..ContactQuery::default()
                        };
                        let expected = like_scan_page(&conn, filter, &whole);
                        assert_eq!(
                            list_contacts(&conn, filter, &whole).expect("page"),
                            expected,
                            "{text:?}"
                        );
                        // Either scan, whatever the scope holds (the count then checks the scope).
                        for scan in [ShortScan::Scope, ShortScan::Store] {
                            let (rows, total) =
                                short_search_page(&conn, filter, &whole, (&search, scan), None).expect("page");
                            assert_eq!(
                                page_of(rows, whole.limit.get(), total, sort),
                                expected,
                                "{text:?}, {scan:?}"
                            );
                        }
                        checked += usize::from(expected.total > 0);
                        if n % 8 != 0 {
                            continue;
                        }
                        let mut paged = ContactQuery {
                            limit: "4".parse().expect("limit"),
                            ..whole.clone()
                        };
                        loop {
                            let page = list_contacts(&conn, filter, &paged).expect("page");
                            assert_eq!(page, like_scan_page(&conn, filter, &paged), "{text:?}, {sort:?}");
                            match page.next {
                                Some(next) => paged.cursor = Some(next),
                                None => break,
                            }
                        }
                        // A cursor after the last row: an empty page, still with the total.
                        if let Some(last) = expected.rows.last() {
                            let after_last = ContactQuery {
                                cursor: Some(
                                    Cursor::after(
                                        sort.as_str(),
                                        match sort {
                                            ContactSort::Name | ContactSort::NameDesc => {
                                                let row: (Option<String>, Option<String>) = conn
                                                    .query_row(
                                                        "SELECT family_name, given_name FROM contacts WHERE doc_id = ?1",
                                                        [&last.id],
                                                        |r| Ok((r.get(0)?, r.get(1)?)),
                                                    )
                                                    .expect("names");
                                                vec![row.0.unwrap_or_default(), row.1.unwrap_or_default(), last.id.clone()]
                                            }
                                            _ => vec![last.created_at.clone(), last.id.clone()],
                                        },
                                    )
                                    .encode(),
                                ),
                                ..whole.clone()
                            };
                            let empty = list_contacts(&conn, filter, &after_last).expect("page");
                            assert!(empty.rows.is_empty(), "{text:?}, {sort:?}");
                            assert_eq!(empty.total, expected.total, "{text:?}, {sort:?}");
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked} non-empty lists compared");
    }

    #[test]
    fn contacts_stored_before_the_index_existed_are_found_through_it() {
        // Arrange: a database one migration short of the index, with contacts.
        let conn = Connection::open_in_memory().expect("database");
        let migrations = relais_schema::migrations::MIGRATIONS;
        let index = migrations
            .iter()
            .position(|sql| sql.contains("CREATE VIRTUAL TABLE contact_search"))
            .expect("the search migration");
        for sql in &migrations[..index] {
            conn.execute_batch(sql).expect("migration");
        }
        let (amina, _) = user(&conn, "amina", Role::Agent);
        let home = agency(&conn, "Belleville");
        contact(
            &conn,
            &ContactSeed {
                given: Some("Aminata"),
                family: Some("Diallo"),
                phone: Some("+33 6 12 34 56 78"),
                ..ContactSeed::new(home, amina, "2026-11-01T10:00:00Z")
            },
        );

        // Act
        for sql in &migrations[index..] {
            conn.execute_batch(sql).expect("migration");
        }

        // Assert
        let filter = Filter::of(Scope::new(vec![home]));
        for text in ["iall", "06 12 34 56"] {
            let page = list_contacts(
                &conn,
                &filter,
                &ContactQuery {
                    search: Some(text.parse().expect("search")),
                    ..ContactQuery::default()
                },
            )
            .expect("page");
            assert_eq!(page.total, 1, "{text}");
        }
        let indexed: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM contact_search WHERE contact_search MATCH 'diallo'",
                [],
                |r| r.get(0),
            )
            .expect("match");
        assert_eq!(indexed, 1);
    }

    #[test]
    fn a_cursor_of_another_order_is_refused() {
        let (conn, filter, _) = seeded();
        let first = list_contacts(
            &conn,
            &filter,
            &ContactQuery {
                limit: "5".parse().expect("limit"),
                ..ContactQuery::default()
            },
        )
        .expect("page");
        let refused = list_contacts(
            &conn,
            &filter,
            &ContactQuery {
                sort: ContactSort::Name,
                cursor: first.next,
                ..ContactQuery::default()
            },
        );
        assert!(matches!(refused, Err(ConsoleError::Invalid(_))));
    }

    #[test]
    fn a_contact_of_another_agency_is_as_absent_as_an_unknown_one() {
        let (conn, filter, other) = seeded();
        let theirs: String = conn
            .query_row(
                "SELECT doc_id FROM contacts WHERE agency_id = ?1",
                [other.to_string()],
                |r| r.get(0),
            )
            .expect("row");
        let theirs: DocumentId = theirs.parse().expect("id");
        assert!(contact_page(&conn, &filter.scope, theirs).expect("query").is_none());
        assert!(contact_page(&conn, &filter.scope, DocumentId::random())
            .expect("query")
            .is_none());
        assert!(contact_page(&conn, &Scope::new(vec![other]), theirs)
            .expect("query")
            .is_some());
    }
}
