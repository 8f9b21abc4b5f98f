-- The PostgreSQL schema of migrations/sqlite/0001_network.sql, column for column.
-- The network tables, one per interchange table; `seq` keeps the order rows were imported in.
-- Lists (naics, certifications) are stored as in CSV: entries joined by ';'.
CREATE TABLE organizations (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sponsor TEXT,
    focus TEXT
);
CREATE TABLE sites (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    organization TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    city TEXT,
    state TEXT,
    country TEXT,
    naics TEXT NOT NULL,
    employees BIGINT,
    certifications TEXT NOT NULL,
    ttr_weeks DOUBLE PRECISION NOT NULL
);
CREATE TABLE capabilities (
    seq BIGSERIAL PRIMARY KEY,
    site TEXT NOT NULL,
    process TEXT NOT NULL,
    hours_per_week DOUBLE PRECISION NOT NULL
);
CREATE TABLE items (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_value DOUBLE PRECISION NOT NULL
);
CREATE TABLE bom (
    seq BIGSERIAL PRIMARY KEY,
    parent TEXT NOT NULL,
    component TEXT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL
);
CREATE TABLE routings (
    seq BIGSERIAL PRIMARY KEY,
    item TEXT NOT NULL,
    process TEXT NOT NULL,
    hours_per_unit DOUBLE PRECISION NOT NULL
);
CREATE TABLE sources (
    seq BIGSERIAL PRIMARY KEY,
    site TEXT NOT NULL,
    item TEXT NOT NULL,
    max_units_per_week DOUBLE PRECISION NOT NULL,
    lead_time_weeks DOUBLE PRECISION NOT NULL,
    unit_cost DOUBLE PRECISION NOT NULL
);
CREATE TABLE links (
    seq BIGSERIAL PRIMARY KEY,
    supplier TEXT NOT NULL,
    customer TEXT NOT NULL,
    item TEXT NOT NULL,
    units_per_week DOUBLE PRECISION NOT NULL,
    lead_time_weeks DOUBLE PRECISION
);
CREATE TABLE inventory (
    seq BIGSERIAL PRIMARY KEY,
    site TEXT NOT NULL,
    item TEXT NOT NULL,
    units DOUBLE PRECISION NOT NULL
);
CREATE TABLE demand (
    seq BIGSERIAL PRIMARY KEY,
    item TEXT NOT NULL,
    site TEXT,
    units_per_week DOUBLE PRECISION NOT NULL
);
-- One row per successful import.
CREATE TABLE imports (
    seq BIGSERIAL PRIMARY KEY,
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL,
    records BIGINT NOT NULL
);
