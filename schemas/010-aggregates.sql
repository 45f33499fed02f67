-- 010: aggregates maintained by rating (issue 10), so that reports read
-- thousands of rows in their output order instead of every call.
--
-- Exact integer sums over the ratings joined with their calls, per output
-- row of the reports (rater/report/report.c says what each row counts):
--   agg_kpi          operator x local day x direction x group: every rating
--                    (report kpi);
--   agg_day          account x local day: ratings rated or free with an
--                    account (report usage --by day, report chart);
--   agg_number       account x the account's own number (caller of `out`,
--                    callee of `in`; '' when withheld): the same (usage by user);
--   agg_destination  account x direction x group x destination: the same
--                    (usage by destination).
-- Each is keyed by period first, then in the order its report prints
-- (direction descending: 'out' before 'in'), so a report reads one range of
-- the primary key and streams.  A group or destination a rating has none
-- of (free, unanswered and unrated calls) is ''.  A row whose count drops
-- to 0 is deleted.
--
-- The local day is rater_local_day (start_ms, zone) (store.h) in the zone
-- agg_zones records for the rating's account (UTC without one): the
-- account's catalog zone when its first rating was summed, or UTC for an
-- account no longer in the catalog.  When the catalog moves an account to
-- another zone (or drops it) the aggregates no longer match it: reports then
-- read the calls as before, and the next `rater rate` builds the aggregates
-- again (rater/rate/aggregates.h).
--
-- Who keeps them: `rater rate` (rate.c through aggregates.c) subtracts the
-- old rating of every call it rewrites and adds the new one, in its
-- transaction.  Every other change to a rating or to a rated call (files
-- withdraw, a better leg at ingest, rate --period's deletes, sqlite3 by
-- hand) is journalled by the triggers below (agg_journal) and added by the
-- next rate.  This migration builds them for the ratings already stored.

CREATE TABLE agg_zones (
  account         TEXT PRIMARY KEY,
  timezone        TEXT NOT NULL           -- IANA, the zone of the summed days
) STRICT, WITHOUT ROWID;

CREATE TABLE agg_kpi (
  period          TEXT NOT NULL,          -- YYYY-MM, ratings.period
  operator        TEXT NOT NULL,
  day             INTEGER NOT NULL,       -- days since 1970-01-01, local
  direction       TEXT NOT NULL,
  grp             TEXT NOT NULL,          -- '' when none
  attempts        INTEGER NOT NULL,       -- every rating
  answered        INTEGER NOT NULL,       -- status <> 'unanswered'
  seconds         INTEGER NOT NULL,       -- calls.duration of the answered
  revenue         INTEGER NOT NULL,       -- micro-units, charge of status 'rated'
  PRIMARY KEY (period, operator, day, direction DESC, grp)
) STRICT, WITHOUT ROWID;

-- The usage tables count ratings with status 'rated' or 'free' and an account.
CREATE TABLE agg_day (
  period          TEXT NOT NULL,
  account         TEXT NOT NULL,
  day             INTEGER NOT NULL,
  calls           INTEGER NOT NULL,
  seconds         INTEGER NOT NULL,       -- calls.duration
  billable        INTEGER NOT NULL,       -- ratings.billable
  charge          INTEGER NOT NULL,       -- ratings.charge, micro-units
  PRIMARY KEY (period, account, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE agg_number (
  period          TEXT NOT NULL,
  account         TEXT NOT NULL,
  number          TEXT NOT NULL,          -- '' when withheld
  calls           INTEGER NOT NULL,
  seconds         INTEGER NOT NULL,
  billable        INTEGER NOT NULL,
  charge          INTEGER NOT NULL,
  PRIMARY KEY (period, account, number)
) STRICT, WITHOUT ROWID;

CREATE TABLE agg_destination (
  period          TEXT NOT NULL,
  account         TEXT NOT NULL,
  direction       TEXT NOT NULL,
  grp             TEXT NOT NULL,          -- '' when none
  destination     TEXT NOT NULL,          -- '' when none
  calls           INTEGER NOT NULL,
  seconds         INTEGER NOT NULL,
  billable        INTEGER NOT NULL,
  charge          INTEGER NOT NULL,
  PRIMARY KEY (period, account, direction DESC, grp, destination)
) STRICT, WITHOUT ROWID;

-- Each rating with the facts of its call the aggregates are keyed by.
CREATE VIEW agg_facts AS
  SELECT r.call_id, r.period, r.account, c.operator, c.direction, r.status,
         coalesce (r.grp, '') AS grp, coalesce (r.destination, '') AS destination,
         coalesce (CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END, '') AS number,
         c.duration, r.billable, r.charge,
         rater_local_day (c.start_ms, coalesce ((SELECT z.timezone FROM agg_zones z
                                                WHERE z.account = r.account), 'UTC')) AS day,
         r.account IS NOT NULL AND r.status IN ('rated', 'free') AS usage
  FROM ratings r JOIN calls c ON c.id = r.call_id;

-- Ratings and calls changed by other writers than `rater rate`: each
-- change is written here as the old rating with its call's facts (sign -1)
-- and the new one (sign 1), in plain SQL (so that a database written by
-- hand with sqlite3 keeps its aggregates too).  The next rate adds them to
-- the aggregates and empties the table; until then reports read the calls.
CREATE TABLE agg_journal (
  id              INTEGER PRIMARY KEY,
  sign            INTEGER NOT NULL CHECK (sign IN (-1, 1)),
  period          TEXT NOT NULL,
  account         TEXT,
  operator        TEXT NOT NULL,
  direction       TEXT NOT NULL,
  status          TEXT NOT NULL,
  grp             TEXT,
  destination     TEXT,
  number          TEXT,                   -- the account's own number, NULL withheld
  start_ms        INTEGER NOT NULL,
  duration        INTEGER NOT NULL,
  billable        INTEGER NOT NULL,
  charge          INTEGER NOT NULL
) STRICT;

-- One row: whether inserted and updated ratings are journalled.  `rater
-- rate` sets 0 inside its own transaction (no other connection ever sees
-- it) and 1 again before it commits: it keeps the aggregates itself.
CREATE TABLE agg_control (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  journal         INTEGER NOT NULL
) STRICT;
INSERT INTO agg_control VALUES (1, 1);

CREATE TRIGGER agg_rating_inserted AFTER INSERT ON ratings
  WHEN (SELECT journal FROM agg_control)
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, charge)
    SELECT 1, NEW.period, NEW.account, c.operator, c.direction, NEW.status, NEW.grp,
           NEW.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, NEW.billable, NEW.charge FROM calls c WHERE c.id = NEW.call_id;
END;

CREATE TRIGGER agg_rating_updated AFTER UPDATE OF call_id, status, account, period, grp,
  destination, billable, charge ON ratings WHEN (SELECT journal FROM agg_control)
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, charge)
    SELECT -1, OLD.period, OLD.account, c.operator, c.direction, OLD.status, OLD.grp,
           OLD.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, OLD.billable, OLD.charge FROM calls c WHERE c.id = OLD.call_id;
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, charge)
    SELECT 1, NEW.period, NEW.account, c.operator, c.direction, NEW.status, NEW.grp,
           NEW.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, NEW.billable, NEW.charge FROM calls c WHERE c.id = NEW.call_id;
END;

-- Deleted ratings always (rate --period deletes through this too).
CREATE TRIGGER agg_rating_deleted AFTER DELETE ON ratings
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, charge)
    SELECT -1, OLD.period, OLD.account, c.operator, c.direction, OLD.status, OLD.grp,
           OLD.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, OLD.billable, OLD.charge FROM calls c WHERE c.id = OLD.call_id;
END;

-- A rated call whose facts change (a better leg replaces it at ingest).
CREATE TRIGGER agg_call_updated AFTER UPDATE OF operator, direction, caller, callee, start_ms,
  duration ON calls
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, charge)
    SELECT -1, r.period, r.account, OLD.operator, OLD.direction, r.status, r.grp, r.destination,
           CASE OLD.direction WHEN 'out' THEN OLD.caller ELSE OLD.callee END,
           OLD.start_ms, OLD.duration, r.billable, r.charge FROM ratings r WHERE r.call_id = OLD.id;
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, charge)
    SELECT 1, r.period, r.account, NEW.operator, NEW.direction, r.status, r.grp, r.destination,
           CASE NEW.direction WHEN 'out' THEN NEW.caller ELSE NEW.callee END,
           NEW.start_ms, NEW.duration, r.billable, r.charge FROM ratings r WHERE r.call_id = NEW.id;
END;

-- The aggregates of the ratings stored before this migration (the same
-- statements as aggregates_rebuild() in rater/rate/aggregates.c).
INSERT INTO agg_zones (account, timezone)
  SELECT DISTINCT r.account, coalesce (a.timezone, 'UTC')
  FROM ratings r LEFT JOIN accounts a ON a.account = r.account WHERE r.account IS NOT NULL;
INSERT OR IGNORE INTO agg_zones (account, timezone) SELECT account, timezone FROM accounts;
INSERT INTO agg_kpi (period, operator, day, direction, grp, attempts, answered, seconds, revenue)
  SELECT period, operator, day, direction, grp, count (*), sum (status <> 'unanswered'),
         sum (CASE WHEN status <> 'unanswered' THEN duration ELSE 0 END),
         sum (CASE WHEN status = 'rated' THEN charge ELSE 0 END)
  FROM agg_facts GROUP BY period, operator, day, direction, grp;
INSERT INTO agg_day (period, account, day, calls, seconds, billable, charge)
  SELECT period, account, day, count (*), sum (duration), sum (billable), sum (charge)
  FROM agg_facts WHERE usage GROUP BY period, account, day;
INSERT INTO agg_number (period, account, number, calls, seconds, billable, charge)
  SELECT period, account, number, count (*), sum (duration), sum (billable), sum (charge)
  FROM agg_facts WHERE usage GROUP BY period, account, number;
INSERT INTO agg_destination (period, account, direction, grp, destination, calls, seconds,
                             billable, charge)
  SELECT period, account, direction, grp, destination, count (*), sum (duration),
         sum (billable), sum (charge)
  FROM agg_facts WHERE usage GROUP BY period, account, direction, grp, destination;
