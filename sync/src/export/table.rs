//! What each exported table holds: its columns, how they are read from the
//! projection, and which of them pseudonymisation hashes or drops.

use std::fmt;
use std::str::FromStr;

use crate::export::people::PersonName;
use crate::export::ExportError;

/// A table that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTable {
    /// One row per contact, languages and interests as `;`-separated lists.
    Contacts,
    /// One row per follow-up of a contact.
    FollowUps,
    /// One row per session.
    Sessions,
    /// One row per person per session, with the session's date and topic and the person's name.
    Attendance,
    /// One row per outreach visit.
    Visits,
}

impl ExportTable {
    /// Every table, in the order of an `all` export.
    pub const ALL: [ExportTable; 5] = [
        ExportTable::Contacts,
        ExportTable::FollowUps,
        ExportTable::Sessions,
        ExportTable::Attendance,
        ExportTable::Visits,
    ];

    /// The table's name, as used on the command line, in URLs and as a sheet name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportTable::Contacts => "contacts",
            ExportTable::FollowUps => "follow_ups",
            ExportTable::Sessions => "sessions",
            ExportTable::Attendance => "attendance",
            ExportTable::Visits => "visits",
        }
    }

    /// The columns, in output order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ExportTable::Contacts => CONTACTS,
            ExportTable::FollowUps => FOLLOW_UPS,
            ExportTable::Sessions => SESSIONS,
            ExportTable::Attendance => ATTENDANCE,
            ExportTable::Visits => VISITS,
        }
    }

    /// The `FROM` clause and the expressions that filters and ordering use.
    pub(crate) fn source(self) -> Source {
        match self {
            ExportTable::Contacts => Source {
                from: "contacts c LEFT JOIN agencies g ON g.id = c.agency_id",
                agency: "c.agency_id",
                date: "c.created_at",
                agent: "c.created_by",
                order: "c.doc_id",
            },
            // CROSS JOIN keeps the first table as the outer loop, so rows come
            // in its primary key order straight from the index: no sort, flat memory.
            ExportTable::FollowUps => Source {
                from: "follow_ups f CROSS JOIN contacts c ON c.doc_id = f.doc_id
                       LEFT JOIN agencies g ON g.id = c.agency_id",
                agency: "c.agency_id",
                date: "f.at",
                agent: "f.by_user",
                order: "f.doc_id, f.id",
            },
            ExportTable::Sessions => Source {
                from: "sessions s LEFT JOIN agencies g ON g.id = s.agency_id",
                agency: "s.agency_id",
                date: "s.starts_at",
                agent: "s.created_by",
                order: "s.doc_id",
            },
            ExportTable::Attendance => Source {
                // The person's names come from `PeopleNames`, not a join: see people.rs.
                from: "attendance a CROSS JOIN sessions s ON s.doc_id = a.session_id
                       LEFT JOIN agencies g ON g.id = s.agency_id",
                agency: "s.agency_id",
                date: "s.starts_at",
                agent: "a.marked_by",
                order: "a.session_id, a.contact_id",
            },
            ExportTable::Visits => Source {
                from: "visits v LEFT JOIN agencies g ON g.id = v.agency_id",
                agency: "v.agency_id",
                date: "v.date",
                agent: "v.created_by",
                order: "v.doc_id",
            },
        }
    }
}

impl fmt::Display for ExportTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportTable {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportTable::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            ExportError::Invalid(format!(
                "unknown table {s:?} (expected contacts, follow_ups, sessions, attendance, visits or all)"
            ))
        })
    }
}

/// One table or every table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// One table.
    One(ExportTable),
    /// Every table (XLSX: one sheet each; JSON: one array each).
    All,
}

impl Selection {
    /// The tables selected, in output order.
    pub fn tables(self) -> Vec<ExportTable> {
        match self {
            Selection::One(table) => vec![table],
            Selection::All => ExportTable::ALL.to_vec(),
        }
    }

    /// `all` or the table's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Selection::One(table) => table.as_str(),
            Selection::All => "all",
        }
    }
}

impl FromStr for Selection {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(Selection::All),
            other => other.parse().map(Selection::One),
        }
    }
}

/// Where a table's rows come from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source {
    pub from: &'static str,
    pub agency: &'static str,
    pub date: &'static str,
    pub agent: &'static str,
    pub order: &'static str,
}

/// How a column's values are typed in XLSX and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text (ids, enums, free text, ISO dates and times as written by the phones).
    Text,
    /// A whole number.
    Integer,
}

/// What a pseudonymised export does with a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Kept as it is.
    Keep,
    /// Replaced by a stable keyed hash (names, phone).
    Pseudonymise,
    /// Left out: free text that may name people.
    Drop,
}

/// One exported column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header.
    pub name: &'static str,
    /// The SQL expression reading it.
    pub(crate) sql: &'static str,
    /// Its type.
    pub kind: ColumnKind,
    /// Its fate in a pseudonymised export.
    pub privacy: Privacy,
    /// Set when `sql` reads a contact id whose name the column shows.
    pub(crate) person: Option<PersonName>,
}

const fn text(name: &'static str, sql: &'static str) -> Column {
    Column {
        name,
        sql,
        kind: ColumnKind::Text,
        privacy: Privacy::Keep,
        person: None,
    }
}

const fn integer(name: &'static str, sql: &'static str) -> Column {
    Column {
        name,
        sql,
        kind: ColumnKind::Integer,
        privacy: Privacy::Keep,
        person: None,
    }
}

const fn personal(name: &'static str, sql: &'static str) -> Column {
    Column {
        name,
        sql,
        kind: ColumnKind::Text,
        privacy: Privacy::Pseudonymise,
        person: None,
    }
}

const fn free_text(name: &'static str, sql: &'static str) -> Column {
    Column {
        name,
        sql,
        kind: ColumnKind::Text,
        privacy: Privacy::Drop,
        person: None,
    }
}

/// A name of the person whose id `sql` reads, pseudonymised like [`personal`] columns.
const fn person_name(name: &'static str, sql: &'static str, which: PersonName) -> Column {
    Column {
        name,
        sql,
        kind: ColumnKind::Text,
        privacy: Privacy::Pseudonymise,
        person: Some(which),
    }
}

const CONTACTS: &[Column] = &[
    text("id", "c.doc_id"),
    text("agency_id", "c.agency_id"),
    text("agency", "g.name"),
    text("created_by", "c.created_by"),
    text("created_at", "c.created_at"),
    personal("given_name", "c.given_name"),
    personal("family_name", "c.family_name"),
    personal("alias", "c.alias"),
    text("sex", "c.sex"),
    integer("birth_year", "c.birth_year"),
    text("age_band", "c.age_band"),
    text("nationality", "c.nationality"),
    text("status", "c.status"),
    personal("phone", "c.phone"),
    text(
        "languages",
        "(SELECT group_concat(l.language, ';' ORDER BY l.language) FROM contact_languages l WHERE l.doc_id = c.doc_id)",
    ),
    text(
        "interests",
        "(SELECT group_concat(i.interest, ';' ORDER BY i.interest) FROM contact_interests i WHERE i.doc_id = c.doc_id)",
    ),
    text("neighbourhood", "c.neighbourhood"),
    text("city", "c.city"),
    text("education", "c.education"),
    free_text("skills", "c.skills"),
    integer("consent_given", "c.consent_given"),
    text("consent_at", "c.consent_at"),
    text("consent_by", "c.consent_by"),
    text("consent_scope", "replace(c.consent_scope, ',', ';')"),
    text("stage", "c.stage"),
    free_text("notes", "c.notes"),
];

const FOLLOW_UPS: &[Column] = &[
    text("contact_id", "f.doc_id"),
    text("id", "f.id"),
    text("agency_id", "c.agency_id"),
    text("agency", "g.name"),
    text("at", "f.at"),
    text("kind", "f.kind"),
    free_text("note", "f.note"),
    text("by_user", "f.by_user"),
];

const SESSIONS: &[Column] = &[
    text("id", "s.doc_id"),
    text("agency_id", "s.agency_id"),
    text("agency", "g.name"),
    text("created_by", "s.created_by"),
    text("created_at", "s.created_at"),
    text("kind", "s.kind"),
    text("topic", "s.topic"),
    text("starts_at", "s.starts_at"),
    text("ends_at", "s.ends_at"),
    text("place", "s.place"),
    text("facilitators", "replace(s.facilitators, ',', ';')"),
    free_text("notes", "s.notes"),
];

const ATTENDANCE: &[Column] = &[
    text("session_id", "a.session_id"),
    text("agency_id", "s.agency_id"),
    text("agency", "g.name"),
    text("session_starts_at", "s.starts_at"),
    text("session_kind", "s.kind"),
    text("session_topic", "s.topic"),
    text("contact_id", "a.contact_id"),
    person_name("given_name", "a.contact_id", PersonName::Given),
    person_name("family_name", "a.contact_id", PersonName::Family),
    person_name("alias", "a.contact_id", PersonName::Alias),
    text("status", "a.status"),
    text("marked_by", "a.marked_by"),
    text("marked_at", "a.marked_at"),
];

const VISITS: &[Column] = &[
    text("id", "v.doc_id"),
    text("agency_id", "v.agency_id"),
    text("agency", "g.name"),
    text("created_by", "v.created_by"),
    text("created_at", "v.created_at"),
    text("date", "v.date"),
    text("agents", "replace(v.agents, ',', ';')"),
    text("neighbourhood", "v.neighbourhood"),
    text("place", "v.place"),
    integer("reached", "v.reached"),
    integer("women_reached", "v.women_reached"),
    text("topics", "replace(v.topics, ',', ';')"),
    free_text("notes", "v.notes"),
];
