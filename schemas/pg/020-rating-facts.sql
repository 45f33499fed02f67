-- pg/020: the view ratings_of_calls, and nothing else on PostgreSQL.
-- SQLite's 020 (schemas/020-rating-facts.sql) stores a rating's repeated
-- texts once, in ledgers and labels, under a view `ratings` of the same
-- columns as the table was, and adds ratings_of_calls, the same rows in a
-- form SQLite can put on the right of a LEFT JOIN.  PostgreSQL keeps its
-- ratings table: partitioned and distributed on the operator (018), with
-- statement triggers over transition tables, and a COPY not bound by the
-- table's pages; ratings_of_calls is that table.
CREATE VIEW ratings_of_calls AS
  SELECT call_id, status, reason, account, period, band, prefix, destination, grp, billable,
         covered, charge, late, invoice, operator
  FROM ratings;
