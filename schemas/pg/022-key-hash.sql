-- pg/022: nothing on PostgreSQL.  SQLite's 022 (schemas/022-key-hash.sql)
-- deduplicates calls by a unique index on a 64-bit hash of (operator,
-- call key), which ingest fills in hash order; PostgreSQL keeps its unique
-- index calls_by_key on the text (pg/016, pg/018), which ingest's COPY
-- ... ON CONFLICT (call_key, operator) needs.  The version is kept the
-- same in both dialects; the statement below is there because libpq
-- refuses an empty query.
SELECT 1;
