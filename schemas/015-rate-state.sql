-- 015: what the last complete `rater rate` rated from, so that a rate with
-- nothing to do returns at once (rater/rate/rate.h).
--
-- rate_changes counts the changes to what rating reads besides the
-- catalog: calls updated or deleted (a better leg, files withdraw, purge), closed periods opened or closed, purged periods, and
-- ratings changed by another writer than `rater rate` (issue billing late
-- calls, purge, sqlite3 by hand).  A rating inserted by hand is journalled
-- by agg_rating_inserted (010), and a rate never skips while agg_journal
-- has rows.  The catalog is compared by content (rate_last.catalog), so a
-- catalog imported again unchanged changes nothing.  Calls inserted are
-- told by the highest call id (rate_last.last_call): ingest never gives an
-- id, so SQLite gives each new call one above the highest, and a call
-- deleted counts as a change; a trigger per inserted call instead cost
-- ingest three times its time (SQLite then journals every multi-row
-- INSERT statement).
CREATE TABLE rate_changes (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  changes         INTEGER NOT NULL
) STRICT;
INSERT INTO rate_changes VALUES (1, 0);

-- One row, written by every complete rate (no --period) in its own
-- transaction and deleted by a rate --period: the state it left and the
-- figures of its summary.
CREATE TABLE rate_last (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  changes         INTEGER NOT NULL,       -- rate_changes.changes
  last_call       INTEGER NOT NULL,       -- the highest calls.id, 0 without calls
  catalog         TEXT NOT NULL,          -- SHA-256 of the catalog tables and their zones' files
  rules           INTEGER NOT NULL,       -- the binary's rating rules (RATE_RULES, rate.c)
  calls           INTEGER NOT NULL,       -- RateStats (rate.h)
  rated           INTEGER NOT NULL,
  free            INTEGER NOT NULL,
  unanswered      INTEGER NOT NULL,
  unrated         INTEGER NOT NULL,
  unknown_account INTEGER NOT NULL,
  no_rate         INTEGER NOT NULL,
  implausible     INTEGER NOT NULL,
  overflow        INTEGER NOT NULL,
  late            INTEGER NOT NULL,
  kept            INTEGER NOT NULL,
  bundled         INTEGER NOT NULL
) STRICT;

CREATE TRIGGER rate_call_updated AFTER UPDATE ON calls
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
CREATE TRIGGER rate_call_deleted AFTER DELETE ON calls
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;

-- `rater rate` turns agg_control.journal off for its own writes (010).
CREATE TRIGGER rate_rating_updated AFTER UPDATE ON ratings
  WHEN (SELECT journal FROM agg_control)
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
CREATE TRIGGER rate_rating_deleted AFTER DELETE ON ratings
  WHEN (SELECT journal FROM agg_control)
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;

CREATE TRIGGER rate_closed_inserted AFTER INSERT ON closed_periods
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
CREATE TRIGGER rate_closed_updated AFTER UPDATE ON closed_periods
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
CREATE TRIGGER rate_closed_deleted AFTER DELETE ON closed_periods
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;

CREATE TRIGGER rate_purged_inserted AFTER INSERT ON purged_periods
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
CREATE TRIGGER rate_purged_updated AFTER UPDATE ON purged_periods
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
CREATE TRIGGER rate_purged_deleted AFTER DELETE ON purged_periods
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
