-- The search index, written once per batch of pushed documents.
--
-- FTS5 writes new entries to a buffer in memory, and flushes that buffer to
-- the index whenever a later statement of the same transaction opens a
-- statement savepoint, which nearly every projection statement does. Kept
-- by the triggers of 0006, the index therefore got one tiny segment per
-- contact written (and merges to clean them up): about a sixth of the sync
-- writer's time.
--
-- While `contact_search_deferred` holds a row, the triggers below note the
-- rowids of inserted, updated and deleted contacts in `contact_search_stale`
-- instead; whoever inserted that row brings the index up to date from the
-- notes and deletes both before committing, in the same transaction (the
-- sync writer: `relais_sync::search_index`). So every committed state still
-- has the index matching `contacts`. Without that row (any other writer),
-- the index is kept statement by statement, as before.
CREATE TABLE contact_search_deferred (
    marker INTEGER PRIMARY KEY CHECK (marker = 1)
);
CREATE TABLE contact_search_stale (
    contact_rowid INTEGER PRIMARY KEY
);

DROP TRIGGER contact_search_added;
DROP TRIGGER contact_search_removed;
DROP TRIGGER contact_search_changed;

CREATE TRIGGER contact_search_added AFTER INSERT ON contacts
WHEN NOT EXISTS (SELECT 1 FROM contact_search_deferred) BEGIN
    INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
        VALUES (NEW.rowid, lower(NEW.given_name), lower(NEW.family_name), lower(NEW.alias),
                replace(replace(NEW.phone, ' ', ''), '+', ''));
END;
CREATE TRIGGER contact_search_removed AFTER DELETE ON contacts
WHEN NOT EXISTS (SELECT 1 FROM contact_search_deferred) BEGIN
    DELETE FROM contact_search WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER contact_search_changed AFTER UPDATE ON contacts
WHEN NOT EXISTS (SELECT 1 FROM contact_search_deferred) BEGIN
    DELETE FROM contact_search WHERE rowid = OLD.rowid;
    INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
        VALUES (NEW.rowid, lower(NEW.given_name), lower(NEW.family_name), lower(NEW.alias),
                replace(replace(NEW.phone, ' ', ''), '+', ''));
END;

CREATE TRIGGER contact_search_added_later AFTER INSERT ON contacts
WHEN EXISTS (SELECT 1 FROM contact_search_deferred) BEGIN
    INSERT OR IGNORE INTO contact_search_stale (contact_rowid) VALUES (NEW.rowid);
END;
CREATE TRIGGER contact_search_removed_later AFTER DELETE ON contacts
WHEN EXISTS (SELECT 1 FROM contact_search_deferred) BEGIN
    INSERT OR IGNORE INTO contact_search_stale (contact_rowid) VALUES (OLD.rowid);
END;
CREATE TRIGGER contact_search_changed_later AFTER UPDATE ON contacts
WHEN EXISTS (SELECT 1 FROM contact_search_deferred) BEGIN
    INSERT OR IGNORE INTO contact_search_stale (contact_rowid) VALUES (OLD.rowid), (NEW.rowid);
END;
