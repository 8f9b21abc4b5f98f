-- The PostgreSQL schema of migrations/sqlite/0004_organizations.sql, column for column.
-- Organizations registered for API keys without being in the network (an operator's office,
-- a member that runs no site yet); the network's own organizations come with each import.
CREATE TABLE registered_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
