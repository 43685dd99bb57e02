-- Store: accounts, devices, documents, the change log (the sync cursor) and erasure.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE agencies (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
) STRICT;

-- Agencies a user belongs to: exactly one for an agent, one or more for a supervisor.
CREATE TABLE user_agencies (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (user_id, agency_id)
) STRICT;

CREATE TABLE devices (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    agency_id      TEXT NOT NULL REFERENCES agencies(id),
    name           TEXT NOT NULL,
    token_hash     BLOB NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT,
    last_sync_at   TEXT,
    last_changes   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One row per record document. `pos` orders a first sync (an INTEGER PRIMARY
-- KEY, so VACUUM keeps it). `snapshot` is the saved document (Automerge's
-- compressed encoding). `log_bytes` is the size of its rows in `log` since the
-- last compaction.
CREATE TABLE documents (
    pos         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    doc_type    TEXT NOT NULL,
    snapshot    BLOB NOT NULL,
    heads       BLOB NOT NULL,
    log_bytes   INTEGER NOT NULL DEFAULT 0,
    log_changes INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    quarantine  TEXT
) STRICT;
CREATE INDEX documents_agency ON documents(agency_id);

-- The change log. `seq` is the sync cursor: strictly increasing, never reused
-- (AUTOINCREMENT). kind: 'change' (one Automerge change), 'snapshot' (a saved
-- document replacing the document's earlier rows after compaction) or 'erase'
-- (a tombstone: the document was erased).
CREATE TABLE log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id     TEXT NOT NULL,
    agency_id  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('change', 'snapshot', 'erase')),
    hash       BLOB,
    actor      BLOB,
    data       BLOB NOT NULL,
    device_id  TEXT,
    user_id    TEXT,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX log_agency_seq ON log(agency_id, seq);
CREATE INDEX log_doc ON log(doc_id, seq);

-- Which device first sent changes of an actor: answers "who wrote this value".
CREATE TABLE actors (
    actor     BLOB PRIMARY KEY,
    device_id TEXT,
    user_id   TEXT
) STRICT;

-- Erased document ids, kept forever so that no stale device can bring them back.
CREATE TABLE erased (
    doc_id    TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    erased_by TEXT
) STRICT;

-- Answers to push batches, so that a retried batch gets the stored answer.
CREATE TABLE batches (
    device_id TEXT NOT NULL,
    batch_id  TEXT NOT NULL,
    answer    BLOB NOT NULL,
    at        TEXT NOT NULL,
    push_hash BLOB NOT NULL,
    PRIMARY KEY (device_id, batch_id)
) STRICT;
