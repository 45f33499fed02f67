-- 017: the progress of a night's shards (`rater nightly --shard K/N`,
-- rater/nightly/nightly.h), so that N workers on one database, in parallel
-- or one after another, do the steps that are the whole database's exactly
-- once and in the right order.
--
-- Shard 1 records step 'catalog' once the catalog is imported and the
-- Graph sources fetched (hold: why nothing may be issued tonight, or
-- NULL); the other shards ingest only after that row exists for the night.
-- Every shard records step 'rated' once its accounts are rated; the shard
-- that finds all N 'rated' rows of the night issues, drafts, reports and
-- purges for the whole database.
CREATE TABLE nightly_shards (
  day             TEXT NOT NULL,          -- the night's UTC day, YYYY-MM-DD
  shards          INTEGER NOT NULL CHECK (shards >= 1),
  shard           INTEGER NOT NULL CHECK (shard BETWEEN 1 AND shards),
  step            TEXT NOT NULL CHECK (step IN ('catalog', 'rated')),
  hold            TEXT,                   -- 'catalog': why not to issue, or NULL
  done_at         TEXT NOT NULL,          -- UTC ISO-8601
  PRIMARY KEY (day, shards, shard, step)
) STRICT;
