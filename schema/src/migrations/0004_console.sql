-- Supervisor console: signed-in browser sessions, and what keeps the
-- console's lists and dashboard fast at 200,000 contacts and 1,000,000
-- attendance rows (bench/console.sh).

-- A console session. The cookie holds a random 256-bit token; only its
-- SHA-256 is stored, so a copy of the database does not yield usable
-- sessions. Times are Unix seconds: idle and absolute expiry are compared
-- as numbers.
CREATE TABLE console_sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX console_sessions_user ON console_sessions(user_id);

-- Dashboard figures over contacts read this index alone (no table rows):
-- the agency and date range narrow it, the other columns are counted.
-- It replaces contacts_agency, whose columns it starts with.
DROP INDEX contacts_agency;
CREATE INDEX contacts_figures ON contacts(agency_id, created_at, created_by, sex, nationality, status, stage);

-- Record lists, newest first or by name, within an agency or across them
-- (the document id is the keyset tie-breaker; the trailing agency lets the
-- cross-agency walk check the scope inside the index).
CREATE INDEX contacts_agency_created ON contacts(agency_id, created_at, doc_id);
CREATE INDEX contacts_created ON contacts(created_at, doc_id, agency_id);
CREATE INDEX contacts_agency_name ON contacts(
    agency_id, ifnull(family_name, '') COLLATE NOCASE, ifnull(given_name, '') COLLATE NOCASE, doc_id);
CREATE INDEX contacts_name ON contacts(
    ifnull(family_name, '') COLLATE NOCASE, ifnull(given_name, '') COLLATE NOCASE, doc_id, agency_id);
CREATE INDEX sessions_starts ON sessions(starts_at, doc_id, agency_id);
CREATE INDEX visits_date ON visits(date, doc_id, agency_id);

-- Interests counted per agency, date and agent without reading every
-- contact: the interest rows with their contact's agency, creation time and
-- author, kept by triggers whatever order the projection writes rows in.
-- Derived data, like the projection: rebuilt with it.
CREATE TABLE console_contact_interests (
    doc_id     TEXT NOT NULL,
    interest   TEXT NOT NULL,
    agency_id  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (doc_id, interest)
) STRICT, WITHOUT ROWID;
CREATE INDEX console_contact_interests_figures
    ON console_contact_interests(agency_id, created_at, created_by, interest);
INSERT INTO console_contact_interests
    SELECT i.doc_id, i.interest, c.agency_id, c.created_at, c.created_by
    FROM contact_interests i JOIN contacts c ON c.doc_id = i.doc_id;
CREATE TRIGGER console_interest_added AFTER INSERT ON contact_interests BEGIN
    INSERT OR REPLACE INTO console_contact_interests
        SELECT NEW.doc_id, NEW.interest, c.agency_id, c.created_at, c.created_by FROM contacts c
        WHERE c.doc_id = NEW.doc_id;
END;
CREATE TRIGGER console_interest_removed AFTER DELETE ON contact_interests BEGIN
    DELETE FROM console_contact_interests WHERE doc_id = OLD.doc_id AND interest = OLD.interest;
END;
CREATE TRIGGER console_contact_added AFTER INSERT ON contacts BEGIN
    INSERT OR REPLACE INTO console_contact_interests
        SELECT i.doc_id, i.interest, NEW.agency_id, NEW.created_at, NEW.created_by FROM contact_interests i
        WHERE i.doc_id = NEW.doc_id;
END;
CREATE TRIGGER console_contact_changed AFTER UPDATE OF agency_id, created_at, created_by ON contacts BEGIN
    UPDATE console_contact_interests SET agency_id = NEW.agency_id, created_at = NEW.created_at,
        created_by = NEW.created_by WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER console_contact_removed AFTER DELETE ON contacts BEGIN
    DELETE FROM console_contact_interests WHERE doc_id = OLD.doc_id;
END;

-- Marks per session, so that attendance figures read one row per session
-- instead of every mark; kept by triggers on attendance.
CREATE TABLE console_attendance_counts (
    session_id TEXT PRIMARY KEY,
    registered INTEGER NOT NULL,
    present    INTEGER NOT NULL,
    absent     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO console_attendance_counts
    SELECT session_id, COUNT(*), SUM(status = 'present'), SUM(status = 'absent') FROM attendance GROUP BY session_id;
CREATE TRIGGER console_mark_added AFTER INSERT ON attendance BEGIN
    INSERT INTO console_attendance_counts (session_id, registered, present, absent)
        VALUES (NEW.session_id, 1, NEW.status = 'present', NEW.status = 'absent')
        ON CONFLICT (session_id) DO UPDATE SET registered = registered + 1,
            present = present + (NEW.status = 'present'), absent = absent + (NEW.status = 'absent');
END;
CREATE TRIGGER console_mark_removed AFTER DELETE ON attendance BEGIN
    UPDATE console_attendance_counts SET registered = registered - 1,
        present = present - (OLD.status = 'present'), absent = absent - (OLD.status = 'absent')
        WHERE session_id = OLD.session_id;
END;
CREATE TRIGGER console_mark_changed AFTER UPDATE OF status, session_id ON attendance BEGIN
    UPDATE console_attendance_counts SET registered = registered - 1,
        present = present - (OLD.status = 'present'), absent = absent - (OLD.status = 'absent')
        WHERE session_id = OLD.session_id;
    INSERT INTO console_attendance_counts (session_id, registered, present, absent)
        VALUES (NEW.session_id, 1, NEW.status = 'present', NEW.status = 'absent')
        ON CONFLICT (session_id) DO UPDATE SET registered = registered + 1,
            present = present + (NEW.status = 'present'), absent = absent + (NEW.status = 'absent');
END;
