-- 002: rating results and closed periods (billing.md §5, §6, §8).
--
-- One ratings row per call, rewritten by every `rater rate` while the call's
-- period is open; a closed period's rows never change.  A call that arrives
-- for a closed period is rated late (late = 1) and billed on the account's
-- next issued invoice.

CREATE TABLE ratings (
  call_id         INTEGER PRIMARY KEY,    -- calls.id (no FK: a lookup per insert)
  status          TEXT NOT NULL CHECK (status IN ('rated', 'free', 'unanswered', 'unrated')),
  reason          TEXT,                   -- unrated: unknown_account | no_rate
  account         TEXT,
  period          TEXT NOT NULL,          -- YYYY-MM in the account's zone (UTC when unknown)
  band            TEXT,                   -- peak | offpeak | weekend (NULL without account)
  prefix          TEXT,                   -- the deck row that priced the call
  destination     TEXT,
  grp             TEXT,
  billable        INTEGER NOT NULL,       -- seconds
  covered         INTEGER NOT NULL,       -- seconds drawn from the bundle
  charge          INTEGER NOT NULL,       -- micro-units of the operator's currency
  late            INTEGER NOT NULL        -- 1: rated after its period was closed
) STRICT;

CREATE TABLE closed_periods (
  account         TEXT NOT NULL,
  period          TEXT NOT NULL,          -- YYYY-MM
  closed_at       TEXT NOT NULL,          -- UTC ISO 8601
  PRIMARY KEY (account, period)
) STRICT;
