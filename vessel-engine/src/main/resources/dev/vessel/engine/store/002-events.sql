-- The event log. AUTOINCREMENT so that a seq is never reused after the oldest rows are trimmed:
-- clients resume with "after seq N" and must not see a new event under an old number.
CREATE TABLE events (
    seq        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    time       INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    actor_id   TEXT    NOT NULL,
    attributes TEXT    NOT NULL
);

CREATE INDEX events_by_time ON events (time);
