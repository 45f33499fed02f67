-- 014: the seconds drawn from bundles in agg_destination (issue 10), so
-- that invoices are computed from the aggregates (rater/bill/invoice.c)
-- instead of from every rating of the period.
--
-- agg_destination.covered sums ratings.covered (seconds drawn from the
-- bundle) as billable sums ratings.billable; agg_journal carries it, the
-- triggers journal it and agg_facts gives it.  Every other column and
-- table is as 010 made it.
--
-- The existing rows get their covered seconds from the ratings (below).
-- The aggregates of a period `rater purge` purged (013) keep covered 0,
-- their ratings being gone: such a period is issued (closed), and the
-- invoices of a closed period are never computed from the aggregates.

ALTER TABLE agg_destination ADD COLUMN covered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agg_journal ADD COLUMN covered INTEGER NOT NULL DEFAULT 0;

DROP VIEW IF EXISTS agg_facts;
CREATE VIEW agg_facts AS
  SELECT r.call_id, r.period, r.account, c.operator, c.direction, r.status,
         coalesce (r.grp, '') AS grp, coalesce (r.destination, '') AS destination,
         coalesce (CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END, '') AS number,
         c.duration, r.billable, r.covered, r.charge,
         rater_local_day (c.start_ms, coalesce ((SELECT z.timezone FROM agg_zones z
                                                WHERE z.account = r.account), 'UTC')) AS day,
         r.account IS NOT NULL AND r.status IN ('rated', 'free') AS usage
  FROM ratings r JOIN calls c ON c.id = r.call_id;

DROP TRIGGER IF EXISTS agg_rating_inserted;
CREATE TRIGGER agg_rating_inserted AFTER INSERT ON ratings
  WHEN (SELECT journal FROM agg_control)
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT 1, NEW.period, NEW.account, c.operator, c.direction, NEW.status, NEW.grp,
           NEW.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, NEW.billable, NEW.covered, NEW.charge
    FROM calls c WHERE c.id = NEW.call_id;
END;

DROP TRIGGER IF EXISTS agg_rating_updated;
CREATE TRIGGER agg_rating_updated AFTER UPDATE OF call_id, status, account, period, grp,
  destination, billable, covered, charge ON ratings WHEN (SELECT journal FROM agg_control)
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT -1, OLD.period, OLD.account, c.operator, c.direction, OLD.status, OLD.grp,
           OLD.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, OLD.billable, OLD.covered, OLD.charge
    FROM calls c WHERE c.id = OLD.call_id;
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT 1, NEW.period, NEW.account, c.operator, c.direction, NEW.status, NEW.grp,
           NEW.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, NEW.billable, NEW.covered, NEW.charge
    FROM calls c WHERE c.id = NEW.call_id;
END;

DROP TRIGGER IF EXISTS agg_rating_deleted;
CREATE TRIGGER agg_rating_deleted AFTER DELETE ON ratings
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT -1, OLD.period, OLD.account, c.operator, c.direction, OLD.status, OLD.grp,
           OLD.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, OLD.billable, OLD.covered, OLD.charge
    FROM calls c WHERE c.id = OLD.call_id;
END;

DROP TRIGGER IF EXISTS agg_call_updated;
CREATE TRIGGER agg_call_updated AFTER UPDATE OF operator, direction, caller, callee, start_ms,
  duration ON calls
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT -1, r.period, r.account, OLD.operator, OLD.direction, r.status, r.grp, r.destination,
           CASE OLD.direction WHEN 'out' THEN OLD.caller ELSE OLD.callee END,
           OLD.start_ms, OLD.duration, r.billable, r.covered, r.charge
    FROM ratings r WHERE r.call_id = OLD.id;
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT 1, r.period, r.account, NEW.operator, NEW.direction, r.status, r.grp, r.destination,
           CASE NEW.direction WHEN 'out' THEN NEW.caller ELSE NEW.callee END,
           NEW.start_ms, NEW.duration, r.billable, r.covered, r.charge
    FROM ratings r WHERE r.call_id = NEW.id;
END;

-- The covered seconds of the ratings stored before this migration: only
-- the ratings that drew on a bundle have any, so only their groups are
-- read (a tenth of the calls, where building every aggregate again would
-- read them all).
--
-- With a journal not yet added (010) the rows are those of the ratings
-- before it, and the groups it has yet to make are not there to take
-- their covered seconds: the aggregates are marked stale instead (in
-- agg_zones, a zone no account has), so that the next `rater rate` builds
-- them all again from the ratings (aggregates_begin), and reports and
-- invoices read the ratings until then.
UPDATE agg_destination SET covered = s.covered
  FROM (SELECT period, account, direction, grp, destination, sum (covered) AS covered
        FROM agg_facts WHERE usage AND covered <> 0
          AND period NOT IN (SELECT period FROM purged_periods)
        GROUP BY period, account, direction, grp, destination) AS s
  WHERE NOT EXISTS (SELECT 1 FROM agg_journal)
    AND agg_destination.period = s.period AND agg_destination.account = s.account
    AND agg_destination.direction = s.direction AND agg_destination.grp = s.grp
    AND agg_destination.destination = s.destination;
UPDATE agg_zones SET timezone = '' WHERE EXISTS (SELECT 1 FROM agg_journal);
