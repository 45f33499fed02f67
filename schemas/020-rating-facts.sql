-- 020: compact rating facts (issue 10).  A rating was a row of eight
-- texts (status, reason, account, period, band, prefix, destination,
-- group) and four integers, ~85 bytes; at 10M calls the table was 770 MB
-- and its (period, account) index 230 MB, sorted from text keys in every
-- first rate.  The texts that repeat across calls now live once:
--
--   rating_ledgers   one row per (period, account, operator) rated
--   rating_labels    one row per (prefix, destination, group) that priced
--                    a call; id 0 is the label of none (all three NULL)
--   rating_facts     one row per rated call: its ledger and label ids,
--                    the short texts status, reason and band, the integers
--
-- and `ratings` is a view of the same columns, in the same order, as the
-- table was: every reader is unchanged.  Every fact has its ledger and
-- label, so the view's LEFT JOINs are inner joins that SQLite leaves out
-- when a query reads nothing of the table (a label, mostly) and plans as
-- inner joins when it filters on it (a period).  Writes through the view (tests,
-- purge, issue, a withdrawn file, sql by hand) go through the INSTEAD OF
-- triggers below, which find or add the ledger and label; `rater rate`
-- writes rating_facts directly (rate/rate.c).  The journal triggers of
-- 010/014/015 move to rating_facts and read the texts back from the
-- ledger and label.
--
-- A query must not put that view on the right of a LEFT JOIN: SQLite
-- cannot flatten a join there, and would copy every rating into a
-- temporary table first.  `ratings_of_calls` is the same rows for that
-- place: one table, its texts read by id, which SQLite flattens (export.c,
-- dispute.c; PostgreSQL has it too, as its ratings).  INDEXED BY cannot
-- name an index through a view either.
--
-- PostgreSQL keeps its ratings table (schemas/pg/020-rating-facts.sql): it
-- is partitioned and distributed on the operator (pg/018), and its pages
-- are not the cost there.

CREATE TABLE rating_ledgers (
  id              INTEGER PRIMARY KEY,
  period          TEXT NOT NULL,          -- YYYY-MM in the account's zone (UTC when unknown)
  account         TEXT,                   -- NULL: the call's account is unknown
  operator        TEXT                    -- the call's operator (018)
) STRICT;
CREATE INDEX rating_ledgers_by_period ON rating_ledgers (period, account, operator);
CREATE INDEX rating_ledgers_by_account ON rating_ledgers (account);

CREATE TABLE rating_labels (
  id              INTEGER PRIMARY KEY,
  prefix          TEXT,                   -- the deck row that priced the call
  destination     TEXT,
  grp             TEXT
) STRICT;
CREATE INDEX rating_labels_by_text ON rating_labels (prefix, destination, grp);
INSERT INTO rating_labels (id, prefix, destination, grp) VALUES (0, NULL, NULL, NULL);

CREATE TABLE rating_facts (
  call_id         INTEGER PRIMARY KEY,    -- calls.id (no FK: a lookup per insert)
  status          TEXT NOT NULL CHECK (status IN ('rated', 'free', 'unanswered', 'unrated')),
  reason          TEXT,                   -- unrated: unknown_account | no_rate
  ledger          INTEGER NOT NULL,       -- rating_ledgers.id (no FK, as call_id)
  band            TEXT,                   -- peak | offpeak | weekend (NULL without account)
  label           INTEGER NOT NULL,       -- rating_labels.id
  billable        INTEGER NOT NULL,       -- seconds
  covered         INTEGER NOT NULL,       -- seconds drawn from the bundle
  charge          INTEGER NOT NULL,       -- micro-units of the operator's currency
  late            INTEGER NOT NULL,       -- 1: rated after its period was closed
  invoice         TEXT                    -- the invoice that billed it late
) STRICT;

-- ---- the ratings stored before, moved ----

INSERT INTO rating_ledgers (period, account, operator)
  SELECT DISTINCT period, account, operator FROM ratings ORDER BY period, account, operator;
INSERT INTO rating_labels (prefix, destination, grp)
  SELECT DISTINCT prefix, destination, grp FROM ratings
  WHERE prefix IS NOT NULL OR destination IS NOT NULL OR grp IS NOT NULL
  ORDER BY prefix, destination, grp;
INSERT INTO rating_facts (call_id, status, reason, ledger, band, label, billable, covered, charge,
                          late, invoice)
  SELECT r.call_id, r.status, r.reason,
         (SELECT l.id FROM rating_ledgers l
          WHERE l.period = r.period AND l.account IS r.account AND l.operator IS r.operator),
         r.band,
         (SELECT b.id FROM rating_labels b
          WHERE b.prefix IS r.prefix AND b.destination IS r.destination AND b.grp IS r.grp),
         r.billable, r.covered, r.charge, r.late, r.invoice
  FROM ratings r ORDER BY r.call_id;

-- the view agg_facts (010) reads ratings: made again over the view
DROP VIEW agg_facts;
DROP TABLE ratings;

CREATE VIEW ratings AS
  SELECT f.call_id AS call_id, f.status AS status, f.reason AS reason, l.account AS account,
         l.period AS period, f.band AS band, b.prefix AS prefix, b.destination AS destination,
         b.grp AS grp, f.billable AS billable, f.covered AS covered, f.charge AS charge,
         f.late AS late, f.invoice AS invoice, l.operator AS operator
  FROM rating_facts f
  LEFT JOIN rating_ledgers l ON l.id = f.ledger
  LEFT JOIN rating_labels b ON b.id = f.label;

-- the same rows, for the right of a LEFT JOIN on call_id (above)
CREATE VIEW ratings_of_calls AS
  SELECT f.call_id AS call_id, f.status AS status, f.reason AS reason,
         (SELECT l.account FROM rating_ledgers l WHERE l.id = f.ledger) AS account,
         (SELECT l.period FROM rating_ledgers l WHERE l.id = f.ledger) AS period,
         f.band AS band,
         (SELECT b.prefix FROM rating_labels b WHERE b.id = f.label) AS prefix,
         (SELECT b.destination FROM rating_labels b WHERE b.id = f.label) AS destination,
         (SELECT b.grp FROM rating_labels b WHERE b.id = f.label) AS grp,
         f.billable AS billable, f.covered AS covered, f.charge AS charge, f.late AS late,
         f.invoice AS invoice,
         (SELECT l.operator FROM rating_ledgers l WHERE l.id = f.ledger) AS operator
  FROM rating_facts f;

CREATE VIEW agg_facts AS
  SELECT r.call_id, r.period, r.account, c.operator, c.direction, r.status,
         coalesce (r.grp, '') AS grp, coalesce (r.destination, '') AS destination,
         coalesce (CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END, '') AS number,
         c.duration, r.billable, r.covered, r.charge,
         rater_local_day (c.start_ms, coalesce ((SELECT z.timezone FROM agg_zones z
                                                WHERE z.account = r.account), 'UTC')) AS day,
         r.account IS NOT NULL AND r.status IN ('rated', 'free') AS usage
  FROM ratings r JOIN calls c ON c.id = r.call_id;

-- ratings_by_period, ratings_unbilled_late and ratings_unrated (003, 004,
-- 016), on the ledger that holds (period, account)
CREATE INDEX rating_facts_by_ledger ON rating_facts (ledger);
CREATE INDEX rating_facts_unbilled_late ON rating_facts (ledger) WHERE late = 1 AND invoice IS NULL;
CREATE INDEX rating_facts_unrated ON rating_facts (ledger, reason) WHERE status = 'unrated';

-- ---- writes through the view ----

CREATE TRIGGER ratings_insert INSTEAD OF INSERT ON ratings
BEGIN
  INSERT INTO rating_ledgers (period, account, operator)
    SELECT NEW.period, NEW.account, NEW.operator
    WHERE NOT EXISTS (SELECT 1 FROM rating_ledgers WHERE period = NEW.period
                      AND account IS NEW.account AND operator IS NEW.operator);
  INSERT INTO rating_labels (prefix, destination, grp)
    SELECT NEW.prefix, NEW.destination, NEW.grp
    WHERE NOT EXISTS (SELECT 1 FROM rating_labels WHERE prefix IS NEW.prefix
                      AND destination IS NEW.destination AND grp IS NEW.grp);
  INSERT INTO rating_facts (call_id, status, reason, ledger, band, label, billable, covered,
                            charge, late, invoice)
    VALUES (NEW.call_id, NEW.status, NEW.reason,
            (SELECT id FROM rating_ledgers WHERE period = NEW.period AND account IS NEW.account
             AND operator IS NEW.operator),
            NEW.band,
            (SELECT id FROM rating_labels WHERE prefix IS NEW.prefix
             AND destination IS NEW.destination AND grp IS NEW.grp),
            NEW.billable, NEW.covered, NEW.charge, NEW.late, NEW.invoice);
END;

-- the invoice alone (issue marks the late ratings it bills): no journal
CREATE TRIGGER ratings_invoice INSTEAD OF UPDATE OF invoice ON ratings
BEGIN
  UPDATE rating_facts SET invoice = NEW.invoice WHERE call_id = OLD.call_id;
END;

CREATE TRIGGER ratings_update INSTEAD OF UPDATE OF call_id, status, reason, account, period,
  band, prefix, destination, grp, billable, covered, charge, late, operator ON ratings
BEGIN
  INSERT INTO rating_ledgers (period, account, operator)
    SELECT NEW.period, NEW.account, NEW.operator
    WHERE NOT EXISTS (SELECT 1 FROM rating_ledgers WHERE period = NEW.period
                      AND account IS NEW.account AND operator IS NEW.operator);
  INSERT INTO rating_labels (prefix, destination, grp)
    SELECT NEW.prefix, NEW.destination, NEW.grp
    WHERE NOT EXISTS (SELECT 1 FROM rating_labels WHERE prefix IS NEW.prefix
                      AND destination IS NEW.destination AND grp IS NEW.grp);
  UPDATE rating_facts SET
    call_id = NEW.call_id, status = NEW.status, reason = NEW.reason,
    ledger = (SELECT id FROM rating_ledgers WHERE period = NEW.period
              AND account IS NEW.account AND operator IS NEW.operator),
    band = NEW.band,
    label = (SELECT id FROM rating_labels WHERE prefix IS NEW.prefix
             AND destination IS NEW.destination AND grp IS NEW.grp),
    billable = NEW.billable, covered = NEW.covered, charge = NEW.charge, late = NEW.late
  WHERE call_id = OLD.call_id;
END;

CREATE TRIGGER ratings_delete INSTEAD OF DELETE ON ratings
BEGIN
  DELETE FROM rating_facts WHERE call_id = OLD.call_id;
END;

-- ---- the journal (010, 014) and the change count (015), on the facts ----

CREATE TRIGGER agg_rating_inserted AFTER INSERT ON rating_facts
  WHEN (SELECT journal FROM agg_control)
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT 1, l.period, l.account, c.operator, c.direction, NEW.status, b.grp,
           b.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, NEW.billable, NEW.covered, NEW.charge
    FROM calls c, rating_ledgers l, rating_labels b
    WHERE c.id = NEW.call_id AND l.id = NEW.ledger AND b.id = NEW.label;
END;

CREATE TRIGGER agg_rating_updated AFTER UPDATE OF call_id, status, ledger, label, billable,
  covered, charge ON rating_facts WHEN (SELECT journal FROM agg_control)
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT -1, l.period, l.account, c.operator, c.direction, OLD.status, b.grp,
           b.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, OLD.billable, OLD.covered, OLD.charge
    FROM calls c, rating_ledgers l, rating_labels b
    WHERE c.id = OLD.call_id AND l.id = OLD.ledger AND b.id = OLD.label;
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT 1, l.period, l.account, c.operator, c.direction, NEW.status, b.grp,
           b.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, NEW.billable, NEW.covered, NEW.charge
    FROM calls c, rating_ledgers l, rating_labels b
    WHERE c.id = NEW.call_id AND l.id = NEW.ledger AND b.id = NEW.label;
END;

-- deleted ratings always (rate --period deletes through this too)
CREATE TRIGGER agg_rating_deleted AFTER DELETE ON rating_facts
BEGIN
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    SELECT -1, l.period, l.account, c.operator, c.direction, OLD.status, b.grp,
           b.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
           c.start_ms, c.duration, OLD.billable, OLD.covered, OLD.charge
    FROM calls c, rating_ledgers l, rating_labels b
    WHERE c.id = OLD.call_id AND l.id = OLD.ledger AND b.id = OLD.label;
END;

CREATE TRIGGER rate_rating_updated AFTER UPDATE ON rating_facts
  WHEN (SELECT journal FROM agg_control)
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;

CREATE TRIGGER rate_rating_deleted AFTER DELETE ON rating_facts
  WHEN (SELECT journal FROM agg_control)
BEGIN
  UPDATE rate_changes SET changes = changes + 1;
END;
