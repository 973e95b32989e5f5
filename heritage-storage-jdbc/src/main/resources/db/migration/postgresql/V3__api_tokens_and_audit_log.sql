-- Who may do what: API tokens (only the SHA-256 of each secret is kept) and the audit log of
-- uploads, deletes and token changes. Neither refers to models: a model's deletion leaves its
-- history, and the audit log is only ever appended to.

CREATE TABLE api_tokens (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT,
    created_by  TEXT
);

CREATE TABLE audit_log (
    id     TEXT COLLATE "C" PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    client TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX audit_log_newest ON audit_log (at DESC, id DESC);
