-- How many lines each append-only log holds, kept by the triggers below in the transaction of
-- every insert and delete, so that a page of the whole log needs no count of every line
-- (COUNT(*) over a million events took 0.02 to 0.09 s).
CREATE TABLE log_lines (
    log TEXT PRIMARY KEY,
    lines INTEGER NOT NULL
);
INSERT INTO log_lines (log, lines) SELECT 'events', COUNT(*) FROM events;
INSERT INTO log_lines (log, lines) SELECT 'audit', COUNT(*) FROM audit;
CREATE TRIGGER events_added AFTER INSERT ON events
BEGIN
    UPDATE log_lines SET lines = lines + 1 WHERE log = 'events';
END;
CREATE TRIGGER events_removed AFTER DELETE ON events
BEGIN
    UPDATE log_lines SET lines = lines - 1 WHERE log = 'events';
END;
CREATE TRIGGER audit_added AFTER INSERT ON audit
BEGIN
    UPDATE log_lines SET lines = lines + 1 WHERE log = 'audit';
END;
CREATE TRIGGER audit_removed AFTER DELETE ON audit
BEGIN
    UPDATE log_lines SET lines = lines - 1 WHERE log = 'audit';
END;
