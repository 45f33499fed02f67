-- pg/021: nothing on PostgreSQL.  SQLite's 021 (schemas/021-facts-check.sql)
-- writes rating_facts' status check as comparisons instead of an IN list,
-- which SQLite 3.40 evaluates by building an ephemeral index per row;
-- PostgreSQL keeps its ratings table (pg/020) and evaluates an IN list
-- of constants as it is.  The version is kept the same in both dialects;
-- the statement below is there because libpq refuses an empty query.
SELECT 1;
