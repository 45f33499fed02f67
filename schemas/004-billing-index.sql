-- 004: an index for billing late calls (billing.md §7, §8).
--
-- Every invoice bills the account's late ratings not yet billed; issuing
-- then marks them with its number.  Only ratings_by_period (period,
-- account) served that query, so each account read every rating of the
-- earlier periods.  This partial index holds only the unbilled late
-- ratings — a handful — and a rating leaves it when an invoice bills it.
CREATE INDEX ratings_unbilled_late ON ratings (account, period)
  WHERE late = 1 AND invoice IS NULL;
