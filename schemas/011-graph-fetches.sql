-- 011: the last UTC day a nightly graph source fetched completely (every
-- page written), so the next night fetches from the day after it up to
-- yesterday and a night whose fetch failed is caught up (nightly-graph.h).
--
-- One row per source, keyed as the config names it: the [source NAME]
-- group, its tenant and its kind (a source whose tenant or kind changes is
-- a new source).  Written only after the fetch succeeded; a failed fetch
-- leaves the row as it was.  (Numbers 008-010 are other branches'.)
CREATE TABLE graph_fetches (
  source          TEXT NOT NULL,          -- NAME of [source NAME]
  tenant          TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('pstn', 'dr')),
  last_day        TEXT NOT NULL,          -- YYYY-MM-DD (UTC), fetched whole
  fetched_at      TEXT NOT NULL,          -- UTC ISO 8601 of the night that fetched it
  PRIMARY KEY (source, tenant, kind)
) STRICT;
