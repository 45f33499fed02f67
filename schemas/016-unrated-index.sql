-- 016: the unrated calls of a period through their own index.
--
-- `rater report exceptions` lists the period's unrated calls (a few in a
-- hundred) grouped by reason, operator and number prefix; without an index
-- it read every rating of the period (1M rows for 25,000 unrated ones).
-- Only unrated ratings are in this index, so rating pays for it only on
-- them, and `rater rate` builds it again with the others after a first rate.
CREATE INDEX ratings_unrated ON ratings (period, reason) WHERE status = 'unrated';
