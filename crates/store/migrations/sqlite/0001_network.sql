-- The network tables, one per interchange table; `seq` keeps the order rows were imported in.
-- Lists (naics, certifications) are stored as in CSV: entries joined by ';'.
CREATE TABLE organizations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sponsor TEXT,
    focus TEXT
);
CREATE TABLE sites (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    organization TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    city TEXT,
    state TEXT,
    country TEXT,
    naics TEXT NOT NULL,
    employees INTEGER,
    certifications TEXT NOT NULL,
    ttr_weeks REAL NOT NULL
);
CREATE TABLE capabilities (
    seq INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    process TEXT NOT NULL,
    hours_per_week REAL NOT NULL
);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_value REAL NOT NULL
);
CREATE TABLE bom (
    seq INTEGER PRIMARY KEY,
    parent TEXT NOT NULL,
    component TEXT NOT NULL,
    quantity REAL NOT NULL
);
CREATE TABLE routings (
    seq INTEGER PRIMARY KEY,
    item TEXT NOT NULL,
    process TEXT NOT NULL,
    hours_per_unit REAL NOT NULL
);
CREATE TABLE sources (
    seq INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    item TEXT NOT NULL,
    max_units_per_week REAL NOT NULL,
    lead_time_weeks REAL NOT NULL,
    unit_cost REAL NOT NULL
);
CREATE TABLE links (
    seq INTEGER PRIMARY KEY,
    supplier TEXT NOT NULL,
    customer TEXT NOT NULL,
    item TEXT NOT NULL,
    units_per_week REAL NOT NULL,
    lead_time_weeks REAL
);
CREATE TABLE inventory (
    seq INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    item TEXT NOT NULL,
    units REAL NOT NULL
);
CREATE TABLE demand (
    seq INTEGER PRIMARY KEY,
    item TEXT NOT NULL,
    site TEXT,
    units_per_week REAL NOT NULL
);
-- One row per successful import.
CREATE TABLE imports (
    seq INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL,
    records INTEGER NOT NULL
);
