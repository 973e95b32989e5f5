-- Model Heritage metadata, SQLite. Timestamps are epoch milliseconds. Foreign keys have no ON DELETE
-- action on purpose: the store removes dependent rows itself, and a forgotten one fails loudly.

CREATE TABLE families (
    id              TEXT PRIMARY KEY,
    structural_hash TEXT NOT NULL,
    root_model_id   TEXT REFERENCES models (id)
);
CREATE INDEX families_structural_hash ON families (structural_hash);
CREATE INDEX families_root ON families (root_model_id);

CREATE TABLE models (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,  -- lower-case name, computed by the store: search and sort key
    description     TEXT,
    format          TEXT,
    checksum        TEXT NOT NULL UNIQUE,
    byte_size       INTEGER NOT NULL,
    parameter_count INTEGER,
    layer_count     INTEGER,
    structural_hash TEXT,
    family_id       TEXT REFERENCES families (id),
    parent_id       TEXT REFERENCES models (id),
    confidence      REAL,
    status          TEXT NOT NULL,
    failure_message TEXT,
    created_at      INTEGER NOT NULL,
    processed_at    INTEGER
);
CREATE INDEX models_name ON models (name_key, name, id);
CREATE INDEX models_family ON models (family_id);
CREATE INDEX models_parent ON models (parent_id);
CREATE INDEX models_status ON models (status);

CREATE TABLE model_files (
    model_id  TEXT NOT NULL REFERENCES models (id),
    position  INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    byte_size INTEGER NOT NULL,
    PRIMARY KEY (model_id, position)
);
CREATE INDEX model_files_sha256 ON model_files (sha256);

CREATE TABLE lineage_edges (
    child_id   TEXT PRIMARY KEY REFERENCES models (id),
    parent_id  TEXT NOT NULL REFERENCES models (id),
    family_id  TEXT NOT NULL REFERENCES families (id),
    confidence REAL NOT NULL,
    kind       TEXT NOT NULL
);
CREATE INDEX lineage_edges_family ON lineage_edges (family_id);
CREATE INDEX lineage_edges_parent ON lineage_edges (parent_id);

-- Symmetric: the store keeps model_a < model_b.
CREATE TABLE distances (
    model_a TEXT NOT NULL REFERENCES models (id),
    model_b TEXT NOT NULL REFERENCES models (id),
    metric  TEXT NOT NULL,
    value   REAL NOT NULL,
    PRIMARY KEY (model_a, model_b, metric)
);
CREATE INDEX distances_model_b ON distances (model_b);

CREATE TABLE model_statistics (
    model_id TEXT NOT NULL REFERENCES models (id),
    version  TEXT NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (model_id, version)
);

CREATE TABLE jobs (
    model_id    TEXT PRIMARY KEY REFERENCES models (id),
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    enqueued_at INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER,
    last_error  TEXT
);
CREATE INDEX jobs_queue ON jobs (state, enqueued_at, model_id);
