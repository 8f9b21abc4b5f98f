-- Status events reported by sites, in the order they arrived; the id makes a resent event a no-op.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    received_at TEXT NOT NULL,
    key TEXT NOT NULL,
    organization TEXT NOT NULL,
    -- The site the event is about, if any (to read a site's history without parsing bodies).
    site TEXT,
    body TEXT NOT NULL
);
CREATE INDEX events_by_organization ON events (organization, seq);
CREATE INDEX events_by_site ON events (site, seq);
