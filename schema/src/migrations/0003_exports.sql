-- The export log: every export of records, by whom, of what, with which
-- filters. A row is written before the first byte leaves and completed (row
-- count, outcome) at the end, so an interrupted export is recorded too.

CREATE TABLE exports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    -- The account that asked (NULL for the command line) and a readable name:
    -- the username, or 'cli'.
    user_id        TEXT,
    who            TEXT NOT NULL,
    -- One table name, or 'all'.
    tables         TEXT NOT NULL,
    format         TEXT NOT NULL CHECK (format IN ('csv', 'json', 'xlsx')),
    -- The filters as asked, as a JSON object: {"agencies": [...], "from": ..., "to": ..., "agent": ...}.
    filters        TEXT NOT NULL,
    pseudonymised  INTEGER NOT NULL,
    row_count      INTEGER,
    outcome        TEXT NOT NULL CHECK (outcome IN ('started', 'completed', 'failed'))
) STRICT;
CREATE INDEX exports_started ON exports(started_at);
