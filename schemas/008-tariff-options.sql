-- 008: tariff options (billing.md §10): tiers, minimum and maximum charges,
-- the rounding method, peak hours and holidays.
--
-- Every column has the default that gives §4 and §5's rules, so a catalog
-- imported before (or without the options) rates exactly as it did.
ALTER TABLE deck_rows ADD COLUMN min_charge INTEGER NOT NULL DEFAULT 0;   -- micro-units; 0 = none
ALTER TABLE deck_rows ADD COLUMN max_charge INTEGER NOT NULL DEFAULT 0;   -- micro-units; 0 = none

-- Tier i of a deck row (decks/<deck>.csv column `tiers`): from START seconds
-- of the call on, RATE per minute and increment F/N.
CREATE TABLE deck_tiers (
  deck            TEXT NOT NULL,
  line            INTEGER NOT NULL,       -- the deck row's line
  start           INTEGER NOT NULL,       -- seconds, strictly increasing per row
  rate            INTEGER NOT NULL,       -- micro-units per minute
  inc_first       INTEGER NOT NULL,
  inc_next        INTEGER NOT NULL,
  PRIMARY KEY (deck, line, start)
) STRICT, WITHOUT ROWID;

ALTER TABLE plans ADD COLUMN call_rounding TEXT NOT NULL DEFAULT 'up'
  CHECK (call_rounding IN ('up', 'half_up', 'down'));
ALTER TABLE plans ADD COLUMN peak_days INTEGER NOT NULL DEFAULT 31;       -- bit 0 Monday .. bit 6 Sunday
ALTER TABLE plans ADD COLUMN peak_from INTEGER NOT NULL DEFAULT 28800;    -- second of the day, inclusive
ALTER TABLE plans ADD COLUMN peak_to INTEGER NOT NULL DEFAULT 64800;      -- second of the day, exclusive

-- holidays.csv: a call on one of these local dates of its account's
-- country rates in the weekend band.
CREATE TABLE holidays (
  country         TEXT NOT NULL,          -- ISO 3166 alpha-2
  date            TEXT NOT NULL,          -- YYYY-MM-DD
  name            TEXT NOT NULL,
  PRIMARY KEY (country, date)
) STRICT, WITHOUT ROWID;
