-- pg/019: the journal's gate without a query per row.  The ratings' row
-- triggers of 010 fire only while agg_control.journal is on, and asked it
-- through rater_journal_on (), a query of its own run for every rating
-- written: about 40% of the server's time in the COPY of a rate's new
-- ratings, and half of each rewrite of a bundle call (issue 13).
--
-- `rater rate` turns the journal off for its own writes (aggregates_begin,
-- rate/aggregates.h) and now also sets rater.journal to 'off' for the rest of
-- its transaction (set_config (..., true)), both undone together (the
-- journal turned on again and rater.journal 'on' by aggregates_finish, or
-- both rolled back).  The triggers ask the setting first, a call of no
-- query: 'off' means the journal is off, and the table is asked only when
-- the setting is not 'off' (any other writer, sql by hand), as before.
DROP TRIGGER agg_rating_inserted ON ratings;
CREATE TRIGGER agg_rating_inserted AFTER INSERT ON ratings
  FOR EACH ROW
  WHEN (current_setting ('rater.journal', true) IS DISTINCT FROM 'off' AND rater_journal_on ())
  EXECUTE FUNCTION agg_rating_inserted ();

DROP TRIGGER agg_rating_updated ON ratings;
CREATE TRIGGER agg_rating_updated AFTER UPDATE OF call_id, status, account, period, grp,
  destination, billable, covered, charge ON ratings
  FOR EACH ROW
  WHEN (current_setting ('rater.journal', true) IS DISTINCT FROM 'off' AND rater_journal_on ())
  EXECUTE FUNCTION agg_rating_updated ();
