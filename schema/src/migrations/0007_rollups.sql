-- Dashboard rollups: contacts counted per agency and day, so that a figure
-- over every agency and all time adds up tens of thousands of rows at most
-- instead of grouping 200,000 contacts (bench/console.sh). A dashboard date
-- range is a range of whole days, and `day` is the first ten characters of
-- `created_at`, so `from <= created_at < to + 1 day` holds exactly when
-- `from <= day < to + 1 day`: the rollups give the very counts the contact
-- rows would.
--
-- Derived data, like the projection, kept by triggers in the transaction that
-- writes the projection: a document's rows are deleted and inserted again,
-- so every delete takes its contact out of its buckets and every insert puts
-- it back; an update of a counted column moves it. A bucket that falls to
-- zero is deleted, so the tables hold exactly what a fresh count of the
-- contact rows gives (`relais reproject` yields the same rows).

-- Contacts per agency, day and author, and how many of them are women:
-- people reached (per week, month, agency, agent) and the share of women.
CREATE TABLE console_daily_contacts (
    agency_id  TEXT NOT NULL,
    day        TEXT NOT NULL,
    created_by TEXT NOT NULL,
    contacts   INTEGER NOT NULL,
    women      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, day, created_by)
) STRICT, WITHOUT ROWID;

-- Contacts per agency, field, day and value of that field: `nationality`,
-- `status`, `stage` (from `contacts`) and `interest` (from
-- `console_contact_interests`, one row per interest of a contact). Contacts
-- without a value have no row. No author column: with one, a bucket would
-- hold about one contact; figures filtered by agent read the contacts.
CREATE TABLE console_daily_values (
    agency_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    day       TEXT NOT NULL,
    value     TEXT NOT NULL,
    contacts  INTEGER NOT NULL,
    PRIMARY KEY (agency_id, field, day, value)
) STRICT, WITHOUT ROWID;

INSERT INTO console_daily_contacts
    SELECT agency_id, substr(created_at, 1, 10), created_by, COUNT(*), SUM(sex IS 'female')
    FROM contacts GROUP BY 1, 2, 3;
INSERT INTO console_daily_values
    SELECT agency_id, 'nationality', substr(created_at, 1, 10), nationality, COUNT(*)
    FROM contacts WHERE nationality IS NOT NULL GROUP BY 1, 3, 4;
INSERT INTO console_daily_values
    SELECT agency_id, 'status', substr(created_at, 1, 10), status, COUNT(*)
    FROM contacts WHERE status IS NOT NULL GROUP BY 1, 3, 4;
INSERT INTO console_daily_values
    SELECT agency_id, 'stage', substr(created_at, 1, 10), stage, COUNT(*)
    FROM contacts WHERE stage IS NOT NULL GROUP BY 1, 3, 4;
INSERT INTO console_daily_values
    SELECT agency_id, 'interest', substr(created_at, 1, 10), interest, COUNT(*)
    FROM console_contact_interests GROUP BY 1, 3, 4;

-- One contact counted into its buckets (`delta` 1) or out of them (-1). The
-- triggers below insert into these two views, so the bucket arithmetic is
-- written once: add `delta`, then drop a bucket that fell to zero.
CREATE VIEW console_daily_contact_moves
    (agency_id, created_at, created_by, sex, nationality, status, stage, delta)
    AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE VIEW console_daily_value_moves (agency_id, field, created_at, value, delta)
    AS SELECT NULL, NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER console_daily_value_move INSTEAD OF INSERT ON console_daily_value_moves BEGIN
    INSERT INTO console_daily_values (agency_id, field, day, value, contacts)
        VALUES (NEW.agency_id, NEW.field, substr(NEW.created_at, 1, 10), NEW.value, NEW.delta)
        ON CONFLICT DO UPDATE SET contacts = contacts + excluded.contacts;
    DELETE FROM console_daily_values
        WHERE agency_id = NEW.agency_id AND field = NEW.field AND day = substr(NEW.created_at, 1, 10)
          AND value = NEW.value AND contacts = 0;
END;

CREATE TRIGGER console_daily_contact_move INSTEAD OF INSERT ON console_daily_contact_moves BEGIN
    INSERT INTO console_daily_contacts (agency_id, day, created_by, contacts, women)
        VALUES (NEW.agency_id, substr(NEW.created_at, 1, 10), NEW.created_by, NEW.delta,
                NEW.delta * (NEW.sex IS 'female'))
        ON CONFLICT DO UPDATE SET contacts = contacts + excluded.contacts, women = women + excluded.women;
    DELETE FROM console_daily_contacts
        WHERE agency_id = NEW.agency_id AND day = substr(NEW.created_at, 1, 10) AND created_by = NEW.created_by
          AND contacts = 0;
    INSERT INTO console_daily_value_moves (agency_id, field, created_at, value, delta)
        SELECT NEW.agency_id, f.field, NEW.created_at, f.value, NEW.delta
        FROM (SELECT 'nationality' AS field, NEW.nationality AS value
              UNION ALL SELECT 'status', NEW.status UNION ALL SELECT 'stage', NEW.stage) f
        WHERE f.value IS NOT NULL;
END;

CREATE TRIGGER console_daily_contact_added AFTER INSERT ON contacts BEGIN
    INSERT INTO console_daily_contact_moves VALUES
        (NEW.agency_id, NEW.created_at, NEW.created_by, NEW.sex, NEW.nationality, NEW.status, NEW.stage, 1);
END;

CREATE TRIGGER console_daily_contact_removed AFTER DELETE ON contacts BEGIN
    INSERT INTO console_daily_contact_moves VALUES
        (OLD.agency_id, OLD.created_at, OLD.created_by, OLD.sex, OLD.nationality, OLD.status, OLD.stage, -1);
END;

-- The projection deletes and inserts rows; an update in place (a repair by
-- hand, a future migration) is counted all the same: out of the old
-- buckets, into the new ones.
CREATE TRIGGER console_daily_contact_changed
AFTER UPDATE OF agency_id, created_at, created_by, sex, nationality, status, stage ON contacts BEGIN
    INSERT INTO console_daily_contact_moves VALUES
        (OLD.agency_id, OLD.created_at, OLD.created_by, OLD.sex, OLD.nationality, OLD.status, OLD.stage, -1),
        (NEW.agency_id, NEW.created_at, NEW.created_by, NEW.sex, NEW.nationality, NEW.status, NEW.stage, 1);
END;

-- Interests follow `console_contact_interests`, which already joins each
-- interest row to its contact's agency and date whatever order the
-- projection writes them in.
CREATE TRIGGER console_daily_interest_added AFTER INSERT ON console_contact_interests BEGIN
    INSERT INTO console_daily_value_moves VALUES (NEW.agency_id, 'interest', NEW.created_at, NEW.interest, 1);
END;

CREATE TRIGGER console_daily_interest_removed AFTER DELETE ON console_contact_interests BEGIN
    INSERT INTO console_daily_value_moves VALUES (OLD.agency_id, 'interest', OLD.created_at, OLD.interest, -1);
END;

CREATE TRIGGER console_daily_interest_changed
AFTER UPDATE OF agency_id, created_at, interest ON console_contact_interests BEGIN
    INSERT INTO console_daily_value_moves VALUES
        (OLD.agency_id, 'interest', OLD.created_at, OLD.interest, -1),
        (NEW.agency_id, 'interest', NEW.created_at, NEW.interest, 1);
END;
