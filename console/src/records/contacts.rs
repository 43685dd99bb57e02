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
            c.status, c.phone, c.neighbourhood, c.stage, c.created_at, c.created_by
     FROM contacts c WHERE";

/// The `WHERE` clauses of the filters that were asked for (see [`Sql`]).
fn push_filters(sql: &mut Sql, filter: &Filter, query: &ContactQuery) {
    match filter.scope.agencies() {
        [one] => sql.bind("c.agency_id = ?", [text(one.to_string())]),
        _ => sql.bind(
            "c.agency_id IN (SELECT value FROM json_each(?))",
            [text(filter.scope.as_json())],
        ),
    };
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
            None => push_search_scan(sql, search),
        };
    }
}

/// The search as `LIKE` tests on every row in scope, for a text too short for the index.
fn push_search_scan<'s>(sql: &'s mut Sql, search: &Search) -> &'s mut Sql {
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
    }
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

fn contact_row(r: &Row<'_>) -> rusqlite::Result<(ContactRow, Option<String>, Option<String>)> {
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
    let mut list = Sql::new(LIST_COLUMNS);
    push_filters(&mut list, filter, query);
    push_order(&mut list, sort, cursor.as_ref(), limit);
    let rows = conn
        .prepare_cached(list.text())?
        .query_map(list.values(), contact_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut count = Sql::new("SELECT COUNT(*) FROM contacts c WHERE");
    push_filters(&mut count, filter, query);
    let total: i64 = conn
        .prepare_cached(count.text())?
        .query_row(count.values(), |r| r.get(0))?;
    Ok(Page::from_rows(rows, limit, total, |(row, family, given)| {
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
    .map(|(row, _, _)| row))
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
