-- Curation by supervisors: the server's own device identity per agency, and
-- the merges of duplicate contacts with what each one changed (to undo it).

-- The device under which the server writes its own changes for an agency
-- (resolved conflicts, merges). Not an enrolled device: it has no token and
-- never syncs; its changes travel to phones like any other device's.
CREATE TABLE server_devices (
    agency_id  TEXT PRIMARY KEY REFERENCES agencies(id),
    device_id  TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

-- One row per merge of `other` into `survivor`. `undo` is JSON: the
-- survivor's previous field values, the follow-ups and set members the merge
-- added, and the attendance marks it moved, so that undoing restores them.
CREATE TABLE merges (
    id         TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    survivor   TEXT NOT NULL,
    other      TEXT NOT NULL,
    merged_by  TEXT NOT NULL,
    merged_at  TEXT NOT NULL,
    undo       TEXT NOT NULL,
    undone_by  TEXT,
    undone_at  TEXT
) STRICT;
CREATE INDEX merges_agency ON merges(agency_id, merged_at);
CREATE INDEX merges_other ON merges(other);

-- A merge, or the undo of one, waiting for its batch of server changes. The
-- trigger below moves it into `merges` in the very transaction that stores
-- the batch's answer in `batches` (the apply path's commit), so a merge is
-- recorded if and only if its changes are. A row left here belongs to a
-- batch that never committed; the next merge of the agency clears it.
CREATE TABLE pending_merges (
    device_id  TEXT NOT NULL,
    batch_id   TEXT NOT NULL,
    id         TEXT NOT NULL,
    agency_id  TEXT NOT NULL,
    survivor   TEXT NOT NULL,
    other      TEXT NOT NULL,
    merged_by  TEXT NOT NULL,
    merged_at  TEXT NOT NULL,
    undo       TEXT NOT NULL,
    -- Set for an undo (who and when), which uses only `id` and these two.
    undone_by  TEXT,
    undone_at  TEXT,
    PRIMARY KEY (device_id, batch_id)
) STRICT;

CREATE TRIGGER pending_merges_commit AFTER INSERT ON batches
WHEN EXISTS (SELECT 1 FROM pending_merges WHERE device_id = NEW.device_id AND batch_id = NEW.batch_id)
BEGIN
    INSERT INTO merges (id, agency_id, survivor, other, merged_by, merged_at, undo)
        SELECT id, agency_id, survivor, other, merged_by, merged_at, undo FROM pending_merges
        WHERE device_id = NEW.device_id AND batch_id = NEW.batch_id AND undone_at IS NULL;
    UPDATE merges SET (undone_by, undone_at) = (
            SELECT p.undone_by, p.undone_at FROM pending_merges p
            WHERE p.device_id = NEW.device_id AND p.batch_id = NEW.batch_id)
        WHERE id IN (SELECT p.id FROM pending_merges p
                     WHERE p.device_id = NEW.device_id AND p.batch_id = NEW.batch_id AND p.undone_at IS NOT NULL);
    DELETE FROM pending_merges WHERE device_id = NEW.device_id AND batch_id = NEW.batch_id;
END;
