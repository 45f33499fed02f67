-- 014: the seconds drawn from bundles in agg_destination (issue 10), so
-- that invoices are computed from the aggregates (rater/bill/invoice.c)
-- instead of from every rating of the period.
--
-- agg_destination.covered sums ratings.covered (seconds drawn from the
-- bundle) as billable sums ratings.billable; agg_journal carries it, the
-- triggers journal it and agg_facts gives it.  Every other column and
-- table is as 010 made it.
--
-- The existing sums are built again here from the ratings, every aggregate
-- table at once (the statements of aggregates_rebuild() in
-- rater/rate/aggregates.c), so that a journal written before this
-- migration is never added on top of them.  The aggregates of a period
-- `rater purge` purged (013) stay as they were, their covered 0: such a
-- period is issued (closed), and invoices of a closed period are never
-- computed from the aggregates.

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

-- Every aggregate built again from the ratings (aggregates_rebuild()'s
-- statements, rater/rate/aggregates.c), but for the purged periods.
DELETE FROM agg_kpi WHERE period NOT IN (SELECT period FROM purged_periods);
DELETE FROM agg_day WHERE period NOT IN (SELECT period FROM purged_periods);
DELETE FROM agg_number WHERE period NOT IN (SELECT period FROM purged_periods);
DELETE FROM agg_destination WHERE period NOT IN (SELECT period FROM purged_periods);
DELETE FROM agg_zones;
DELETE FROM agg_journal;
INSERT INTO agg_zones (account, timezone)
  SELECT DISTINCT r.account, coalesce (a.timezone, 'UTC')
  FROM ratings r LEFT JOIN accounts a ON a.account = r.account WHERE r.account IS NOT NULL;
INSERT OR IGNORE INTO agg_zones (account, timezone) SELECT account, timezone FROM accounts;
INSERT INTO agg_kpi (period, operator, day, direction, grp, attempts, answered, seconds, revenue)
  SELECT period, operator, day, direction, grp, count (*), sum (status <> 'unanswered'),
         sum (CASE WHEN status <> 'unanswered' THEN duration ELSE 0 END),
         sum (CASE WHEN status = 'rated' THEN charge ELSE 0 END)
  FROM agg_facts WHERE period NOT IN (SELECT period FROM purged_periods)
  GROUP BY period, operator, day, direction, grp;
INSERT INTO agg_day (period, account, day, calls, seconds, billable, charge)
  SELECT period, account, day, count (*), sum (duration), sum (billable), sum (charge)
  FROM agg_facts WHERE usage AND period NOT IN (SELECT period FROM purged_periods)
  GROUP BY period, account, day;
INSERT INTO agg_number (period, account, number, calls, seconds, billable, charge)
  SELECT period, account, number, count (*), sum (duration), sum (billable), sum (charge)
  FROM agg_facts WHERE usage AND period NOT IN (SELECT period FROM purged_periods)
  GROUP BY period, account, number;
INSERT INTO agg_destination (period, account, direction, grp, destination, calls, seconds,
                             billable, charge, covered)
  SELECT period, account, direction, grp, destination, count (*), sum (duration),
         sum (billable), sum (charge), sum (covered)
  FROM agg_facts WHERE usage AND period NOT IN (SELECT period FROM purged_periods)
  GROUP BY period, account, direction, grp, destination;
