-- 018: a rating carries its call's operator (calls.operator), the column
-- PostgreSQL's ratings are hash-partitioned on, as calls are, so that a
-- call and its rating fall in partitions (on Citus, shards) of the same
-- number (schemas/pg/018-partitions.sql says what is partitioned and why).
-- SQLite partitions nothing: the column is here so that both backends hold
-- the same rows.  `rater rate` writes it; a rating written otherwise (by
-- hand) may leave it NULL here, where PostgreSQL requires it.
--
-- The existing ratings take their call's operator.  That is no change to
-- what they rate: the journal is off meanwhile, so neither the aggregates'
-- journal nor rate_changes (which would make the next `rater rate` rate
-- every call again) sees it.
ALTER TABLE ratings ADD COLUMN operator TEXT;

CREATE TEMPORARY TABLE rater_018_journal AS SELECT journal FROM agg_control;
UPDATE agg_control SET journal = 0;
UPDATE ratings SET operator = (SELECT c.operator FROM calls c WHERE c.id = ratings.call_id);
UPDATE agg_control SET journal = (SELECT journal FROM temp.rater_018_journal);
DROP TABLE temp.rater_018_journal;
