-- Projection: relational tables rebuilt from the documents. Every row here is
-- derivable from `documents`; `relais reproject` rebuilds them all.

CREATE TABLE contacts (
    doc_id        TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL,
    schema        INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    given_name    TEXT,
    family_name   TEXT,
    alias         TEXT,
    sex           TEXT,
    birth_year    INTEGER,
    age_band      TEXT,
    nationality   TEXT,
    status        TEXT,
    phone         TEXT,
    neighbourhood TEXT,
    city          TEXT,
    education     TEXT,
    skills        TEXT,
    consent_given INTEGER NOT NULL,
    consent_at    TEXT,
    consent_by    TEXT,
    consent_scope TEXT,
    stage         TEXT,
    notes         TEXT
) STRICT;
CREATE INDEX contacts_agency ON contacts(agency_id, created_at);
CREATE INDEX contacts_phone ON contacts(phone);

CREATE TABLE contact_languages (
    doc_id   TEXT NOT NULL,
    language TEXT NOT NULL,
    PRIMARY KEY (doc_id, language)
) STRICT;

CREATE TABLE contact_interests (
    doc_id   TEXT NOT NULL,
    interest TEXT NOT NULL,
    PRIMARY KEY (doc_id, interest)
) STRICT;

CREATE TABLE follow_ups (
    doc_id    TEXT NOT NULL,
    id        TEXT NOT NULL,
    position  INTEGER NOT NULL,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    note      TEXT,
    by_user   TEXT,
    PRIMARY KEY (doc_id, id)
) STRICT;

CREATE TABLE sessions (
    doc_id       TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL,
    schema       INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    topic        TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT,
    place        TEXT,
    facilitators TEXT,
    notes        TEXT
) STRICT;
CREATE INDEX sessions_agency ON sessions(agency_id, starts_at);

CREATE TABLE attendance (
    session_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    marked_by  TEXT,
    marked_at  TEXT,
    PRIMARY KEY (session_id, contact_id)
) STRICT;
CREATE INDEX attendance_contact ON attendance(contact_id);

CREATE TABLE visits (
    doc_id        TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL,
    schema        INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    date          TEXT NOT NULL,
    agents        TEXT,
    neighbourhood TEXT NOT NULL,
    place         TEXT,
    reached       INTEGER NOT NULL,
    women_reached INTEGER NOT NULL,
    topics        TEXT,
    notes         TEXT
) STRICT;
CREATE INDEX visits_agency ON visits(agency_id, date);

-- Fields where concurrent edits left more than one value. One row per value:
-- `winner` is 1 for the value every replica shows, 0 for each losing value.
CREATE TABLE conflicts (
    doc_id    TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    winner    INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    device_id TEXT,
    user_id   TEXT,
    PRIMARY KEY (doc_id, field, actor, value)
) STRICT;
CREATE INDEX conflicts_doc ON conflicts(doc_id);
