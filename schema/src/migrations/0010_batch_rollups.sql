-- The dashboard's tables written once per batch of pushed documents, as the
-- search index already is (0009).
--
-- Kept by the triggers of 0004 and 0007, every contact the sync writer
-- projected moved its buckets one by one: an upsert and a search for an
-- empty bucket in `console_daily_contacts`, three more of each in
-- `console_daily_values`, a lookup in `contact_interests`, and for each
-- interest a row in `console_contact_interests` with its own two bucket
-- statements. Measured on the ingest benchmark (bench/sync.sh), these
-- triggers took about a third of the server's time per new contact.
--
-- While `batch_deferred` holds a row, the triggers below only note what
-- changed: each contact row inserted or deleted is appended to
-- `console_daily_pending` (+1 or -1, with its counted columns), each
-- interest row of `console_contact_interests` to `console_interest_pending`,
-- and each contact whose interests or creation columns changed to
-- `console_interests_stale`. Whoever inserted the marker brings the tables
-- up to date from the notes and deletes them before committing, in the same
-- transaction (the sync writer and `relais reproject`:
-- `relais_sync::deferred`): the buckets move by the sum of their moves, and
-- those that fell to zero are deleted. So every committed state still has
-- the tables a fresh count of the contact rows gives. Without the marker
-- (any other writer), the tables are kept statement by statement, as before.
--
-- The marker also defers the search index, which had a marker of its own.

CREATE TABLE batch_deferred (
    marker INTEGER PRIMARY KEY CHECK (marker = 1)
);

CREATE TABLE console_daily_pending (
    agency_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    sex         TEXT,
    nationality TEXT,
    status      TEXT,
    stage       TEXT,
    delta       INTEGER NOT NULL
) STRICT;

CREATE TABLE console_interest_pending (
    agency_id  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    interest   TEXT NOT NULL,
    delta      INTEGER NOT NULL
) STRICT;

CREATE TABLE console_interests_stale (
    doc_id TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- The search index, deferred by the new marker: its triggers (0009) read
-- `contact_search_deferred`, which becomes a view of it.
DROP TABLE contact_search_deferred;
CREATE VIEW contact_search_deferred (marker) AS SELECT marker FROM batch_deferred;

-- Interest rows with their contact's agency, date and author (0004).
DROP TRIGGER console_interest_added;
DROP TRIGGER console_interest_removed;
DROP TRIGGER console_contact_added;
DROP TRIGGER console_contact_changed;
DROP TRIGGER console_contact_removed;

CREATE TRIGGER console_interest_added AFTER INSERT ON contact_interests
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR REPLACE INTO console_contact_interests
        SELECT NEW.doc_id, NEW.interest, c.agency_id, c.created_at, c.created_by FROM contacts c
        WHERE c.doc_id = NEW.doc_id;
END;
CREATE TRIGGER console_interest_removed AFTER DELETE ON contact_interests
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    DELETE FROM console_contact_interests WHERE doc_id = OLD.doc_id AND interest = OLD.interest;
END;
CREATE TRIGGER console_contact_added AFTER INSERT ON contacts
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR REPLACE INTO console_contact_interests
        SELECT i.doc_id, i.interest, NEW.agency_id, NEW.created_at, NEW.created_by FROM contact_interests i
        WHERE i.doc_id = NEW.doc_id;
END;
CREATE TRIGGER console_contact_changed AFTER UPDATE OF agency_id, created_at, created_by ON contacts
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    UPDATE console_contact_interests SET agency_id = NEW.agency_id, created_at = NEW.created_at,
        created_by = NEW.created_by WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER console_contact_removed AFTER DELETE ON contacts
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    DELETE FROM console_contact_interests WHERE doc_id = OLD.doc_id;
END;

CREATE TRIGGER console_interest_added_later AFTER INSERT ON contact_interests
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR IGNORE INTO console_interests_stale (doc_id) VALUES (NEW.doc_id);
END;
CREATE TRIGGER console_interest_removed_later AFTER DELETE ON contact_interests
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR IGNORE INTO console_interests_stale (doc_id) VALUES (OLD.doc_id);
END;
CREATE TRIGGER console_interest_changed_later AFTER UPDATE ON contact_interests
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR IGNORE INTO console_interests_stale (doc_id) VALUES (OLD.doc_id), (NEW.doc_id);
END;
CREATE TRIGGER console_contact_added_later AFTER INSERT ON contacts
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR IGNORE INTO console_interests_stale (doc_id) VALUES (NEW.doc_id);
END;
CREATE TRIGGER console_contact_changed_later AFTER UPDATE OF doc_id, agency_id, created_at, created_by ON contacts
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR IGNORE INTO console_interests_stale (doc_id) VALUES (OLD.doc_id), (NEW.doc_id);
END;
CREATE TRIGGER console_contact_removed_later AFTER DELETE ON contacts
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT OR IGNORE INTO console_interests_stale (doc_id) VALUES (OLD.doc_id);
END;

-- Daily rollups (0007): contact rows.
DROP TRIGGER console_daily_contact_added;
DROP TRIGGER console_daily_contact_removed;
DROP TRIGGER console_daily_contact_changed;

CREATE TRIGGER console_daily_contact_added AFTER INSERT ON contacts
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_contact_moves VALUES
        (NEW.agency_id, NEW.created_at, NEW.created_by, NEW.sex, NEW.nationality, NEW.status, NEW.stage, 1);
END;
CREATE TRIGGER console_daily_contact_removed AFTER DELETE ON contacts
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_contact_moves VALUES
        (OLD.agency_id, OLD.created_at, OLD.created_by, OLD.sex, OLD.nationality, OLD.status, OLD.stage, -1);
END;
CREATE TRIGGER console_daily_contact_changed
AFTER UPDATE OF agency_id, created_at, created_by, sex, nationality, status, stage ON contacts
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_contact_moves VALUES
        (OLD.agency_id, OLD.created_at, OLD.created_by, OLD.sex, OLD.nationality, OLD.status, OLD.stage, -1),
        (NEW.agency_id, NEW.created_at, NEW.created_by, NEW.sex, NEW.nationality, NEW.status, NEW.stage, 1);
END;

CREATE TRIGGER console_daily_contact_added_later AFTER INSERT ON contacts
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_pending VALUES
        (NEW.agency_id, NEW.created_at, NEW.created_by, NEW.sex, NEW.nationality, NEW.status, NEW.stage, 1);
END;
CREATE TRIGGER console_daily_contact_removed_later AFTER DELETE ON contacts
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_pending VALUES
        (OLD.agency_id, OLD.created_at, OLD.created_by, OLD.sex, OLD.nationality, OLD.status, OLD.stage, -1);
END;
CREATE TRIGGER console_daily_contact_changed_later
AFTER UPDATE OF agency_id, created_at, created_by, sex, nationality, status, stage ON contacts
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_pending VALUES
        (OLD.agency_id, OLD.created_at, OLD.created_by, OLD.sex, OLD.nationality, OLD.status, OLD.stage, -1),
        (NEW.agency_id, NEW.created_at, NEW.created_by, NEW.sex, NEW.nationality, NEW.status, NEW.stage, 1);
END;

-- Daily rollups (0007): interest rows.
DROP TRIGGER console_daily_interest_added;
DROP TRIGGER console_daily_interest_removed;
DROP TRIGGER console_daily_interest_changed;

CREATE TRIGGER console_daily_interest_added AFTER INSERT ON console_contact_interests
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_value_moves VALUES (NEW.agency_id, 'interest', NEW.created_at, NEW.interest, 1);
END;
CREATE TRIGGER console_daily_interest_removed AFTER DELETE ON console_contact_interests
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_value_moves VALUES (OLD.agency_id, 'interest', OLD.created_at, OLD.interest, -1);
END;
CREATE TRIGGER console_daily_interest_changed
AFTER UPDATE OF agency_id, created_at, interest ON console_contact_interests
WHEN NOT EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_daily_value_moves VALUES
        (OLD.agency_id, 'interest', OLD.created_at, OLD.interest, -1),
        (NEW.agency_id, 'interest', NEW.created_at, NEW.interest, 1);
END;

CREATE TRIGGER console_daily_interest_added_later AFTER INSERT ON console_contact_interests
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_interest_pending VALUES (NEW.agency_id, NEW.created_at, NEW.interest, 1);
END;
CREATE TRIGGER console_daily_interest_removed_later AFTER DELETE ON console_contact_interests
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_interest_pending VALUES (OLD.agency_id, OLD.created_at, OLD.interest, -1);
END;
CREATE TRIGGER console_daily_interest_changed_later
AFTER UPDATE OF agency_id, created_at, interest ON console_contact_interests
WHEN EXISTS (SELECT 1 FROM batch_deferred) BEGIN
    INSERT INTO console_interest_pending VALUES
        (OLD.agency_id, OLD.created_at, OLD.interest, -1),
        (NEW.agency_id, NEW.created_at, NEW.interest, 1);
END;

-- The noted contact moves as moves of `console_daily_values` buckets, with
-- the noted interest moves: what `relais_sync::deferred` adds up.
CREATE VIEW console_daily_pending_values (agency_id, field, day, value, delta) AS
    SELECT agency_id, 'nationality', substr(created_at, 1, 10), nationality, delta
        FROM console_daily_pending WHERE nationality IS NOT NULL
    UNION ALL
    SELECT agency_id, 'status', substr(created_at, 1, 10), status, delta
        FROM console_daily_pending WHERE status IS NOT NULL
    UNION ALL
    SELECT agency_id, 'stage', substr(created_at, 1, 10), stage, delta
        FROM console_daily_pending WHERE stage IS NOT NULL
    UNION ALL
    SELECT agency_id, 'interest', substr(created_at, 1, 10), interest, delta
        FROM console_interest_pending;
