-- The PostgreSQL schema of migrations/sqlite/0005_log_lines.sql: how many lines each
-- append-only log holds, kept by statement triggers in the transaction of every insert, delete
-- and truncation, so that a page of the whole log needs no count of every line (COUNT(*) over
-- a million events took 0.1 s).
CREATE TABLE log_lines (
    log TEXT PRIMARY KEY,
    lines BIGINT NOT NULL
);
INSERT INTO log_lines (log, lines) SELECT 'events', COUNT(*) FROM events;
INSERT INTO log_lines (log, lines) SELECT 'audit', COUNT(*) FROM audit;
CREATE FUNCTION log_lines_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE log_lines SET lines = lines + (SELECT COUNT(*) FROM added) WHERE log = TG_TABLE_NAME;
    RETURN NULL;
END
$$;
CREATE FUNCTION log_lines_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE log_lines SET lines = lines - (SELECT COUNT(*) FROM removed) WHERE log = TG_TABLE_NAME;
    RETURN NULL;
END
$$;
CREATE FUNCTION log_lines_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE log_lines SET lines = 0 WHERE log = TG_TABLE_NAME;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_added AFTER INSERT ON events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION log_lines_added();
CREATE TRIGGER events_removed AFTER DELETE ON events
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION log_lines_removed();
CREATE TRIGGER events_emptied AFTER TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION log_lines_emptied();
CREATE TRIGGER audit_added AFTER INSERT ON audit
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION log_lines_added();
CREATE TRIGGER audit_removed AFTER DELETE ON audit
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION log_lines_removed();
CREATE TRIGGER audit_emptied AFTER TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION log_lines_emptied();
