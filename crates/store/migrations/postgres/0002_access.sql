-- The PostgreSQL schema of migrations/sqlite/0002_access.sql, column for column.
-- API keys (only a hash of each secret is kept) and the audit log of writes and confidential reads.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    organization TEXT NOT NULL,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE audit (
    seq BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    key TEXT NOT NULL,
    organization TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL
);
