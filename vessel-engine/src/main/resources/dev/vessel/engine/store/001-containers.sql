-- Containers. Instants are nanoseconds since the epoch (exact and ordered); NULL means "never".
-- The implicit rowid breaks ties between containers created in the same nanosecond.
CREATE TABLE containers (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    image           TEXT    NOT NULL,
    config          TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    pid             INTEGER NOT NULL DEFAULT 0,
    exit_code       INTEGER,
    created         INTEGER NOT NULL,
    started         INTEGER,
    finished        INTEGER,
    restart_count   INTEGER NOT NULL DEFAULT 0,
    restart_policy  TEXT    NOT NULL,
    stopped_by_user INTEGER NOT NULL DEFAULT 0,
    health          TEXT
);

CREATE INDEX containers_by_created ON containers (created);
