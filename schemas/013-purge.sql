-- 013: retention (billing.md §11): `rater purge` deletes the call detail
-- (calls, ratings, dropped records, rejects' raw bytes) of issued periods;
-- invoices, credit notes, their lines, the documents' digests and the
-- aggregates (010) stay.  What it purged is recorded here, and the
-- itemised calls (009 invoice_itemised) of the invoices that billed them
-- are frozen first, so that `rater invoice issue` still writes an issued
-- invoice's documents byte for byte.

-- One row per purged period (ratings.period): when, and what went.  The
-- aggregates of a purged period are no longer rebuilt from the ratings
-- (aggregates_rebuild keeps them as they are).
CREATE TABLE purged_periods (
  period          TEXT PRIMARY KEY,       -- YYYY-MM
  purged_at       TEXT NOT NULL,          -- UTC ISO 8601, the last purge of it
  calls           INTEGER NOT NULL,       -- calls deleted (every purge of it)
  rejects         INTEGER NOT NULL        -- rejects whose raw bytes were cleared
) STRICT, WITHOUT ROWID;

-- A file some of whose calls were purged: `rater files withdraw` refuses
-- it (those calls are gone, and ingesting it again would bill them twice);
-- its files row stays, so ingesting it again is skipped as already
-- ingested.  Once none of its calls is left (whole), its rejects' raw
-- bytes are cleared (their line, reason and detail stay).
CREATE TABLE purged_files (
  file_id         INTEGER PRIMARY KEY,    -- files.id
  purged_at       TEXT NOT NULL,          -- UTC ISO 8601, the last purge of it
  whole           INTEGER NOT NULL CHECK (whole IN (0, 1))
) STRICT;

-- An itemised invoice (invoice_itemised) whose calls were frozen before
-- a purge: its documents read invoice_frozen_calls, not the calls.
CREATE TABLE invoice_frozen (
  invoice         TEXT PRIMARY KEY REFERENCES invoices (invoice),
  calls           INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The billed calls of a frozen invoice, as invoice_calls() (bill/invoice.h)
-- read them when it was frozen.
CREATE TABLE invoice_frozen_calls (
  invoice         TEXT NOT NULL REFERENCES invoice_frozen (invoice),
  seq             INTEGER NOT NULL,       -- 1.. in start order
  start_ms        INTEGER NOT NULL,       -- UTC ms
  local_start     INTEGER NOT NULL,       -- seconds since 1970-01-01T00:00, the zone's
  number          TEXT,                   -- the other party; NULL withheld
  duration        INTEGER NOT NULL,       -- seconds
  charge          INTEGER NOT NULL,       -- micro-units
  PRIMARY KEY (invoice, seq)
) STRICT, WITHOUT ROWID;
