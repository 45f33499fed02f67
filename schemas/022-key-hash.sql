-- 022: calls deduplicated by a 64-bit hash of (operator, call key).
--
-- calls_by_key was a unique index on the key's text: some 45 bytes an
-- entry, 570 MB at 10M calls.  Call keys are GUIDs in Teams and Graph
-- records, so each insert landed on a random page of it: ingest of 10M
-- such calls took 69-74 s, against 25 s with keys that grow with the file.
-- The index is now on key_hash (base/keyhash.h: 8 bytes, a third of the
-- size), and ingest writes each window of calls in hash order
-- (ingest/callwriter.c), so that its inserts walk the index front to back
-- whatever the keys look like.
--
-- Two keys may share a hash.  The second call stored under a taken hash
-- keeps key_hash NULL; a lookup by key reads the hash's row and the NULL
-- rows (calls_by_key_unhashed, unique on the text among them), and ingest
-- tries the NULL rows only when the hash is taken.  So a call inserted by
-- hand must carry its key_hash (rater_key_hash (call_key, operator)) to be
-- found by ingest as a duplicate.
--
-- rater_key_hash() is the connection's function (store-sqlite.c).  The
-- rows' update is not a change of their calls: rate_call_updated is
-- dropped for it and created again, so the next rate does not re-rate
-- every call.  PostgreSQL keeps its unique index on the text
-- (schemas/pg/022-key-hash.sql).

ALTER TABLE calls ADD COLUMN key_hash INTEGER;   -- rater_key_hash (call_key, operator); NULL: taken

DROP TRIGGER rate_call_updated;
UPDATE calls SET key_hash = rater_key_hash (call_key, operator);
-- a hash shared by several keys stays with its first call
UPDATE calls SET key_hash = NULL WHERE id IN (
  SELECT id FROM (SELECT id, row_number () OVER (PARTITION BY key_hash ORDER BY id) AS n FROM calls)
  WHERE n > 1);
CREATE TRIGGER rate_call_updated AFTER UPDATE ON calls
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;

DROP INDEX calls_by_key;
CREATE UNIQUE INDEX calls_by_key_hash ON calls (key_hash);
CREATE UNIQUE INDEX calls_by_key_unhashed ON calls (call_key, operator) WHERE key_hash IS NULL;
