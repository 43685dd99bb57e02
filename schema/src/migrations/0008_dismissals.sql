-- Possible duplicates a supervisor has dismissed: "these two are different
-- people". A dismissed pair leaves the duplicates list for every supervisor
-- of the agency until the dismissal is undone (the row deleted).
--
-- The pair is unordered: `contact_a` is the smaller id (as text), so a pair
-- has one row whichever way round it was dismissed. Erasing either contact
-- deletes the row with its document.
CREATE TABLE duplicate_dismissals (
    contact_a    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    contact_b    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    dismissed_by TEXT NOT NULL REFERENCES users(id),
    dismissed_at TEXT NOT NULL,
    PRIMARY KEY (contact_a, contact_b),
    CHECK (contact_a < contact_b)
) STRICT, WITHOUT ROWID;
CREATE INDEX duplicate_dismissals_agency ON duplicate_dismissals(agency_id, dismissed_at);
CREATE INDEX duplicate_dismissals_b ON duplicate_dismissals(contact_b);
