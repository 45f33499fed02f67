-- rater-app.sql — the role the rater commands run as on PostgreSQL, with
-- only the privileges they need (issue 13).
--
-- Run as the database's owner, who also runs `rater init` (the schema and
-- its upgrades are the owner's: rater_app creates no tables), once after the
-- first init and again after each upgrade (new tables):
--
--   psql -v ON_ERROR_STOP=1 -d rater -f schemas/pg/rater-app.sql
--   psql -d rater -c '\password rater_app'     -- then put it in ~/.pgpass
--
-- rater_app reads and writes the working tables, creates only temporary
-- tables (purge; bulk loads), and can never change or delete what has been
-- billed: issued invoices, credit notes, their lines and parties, closed
-- periods, the frozen calls of itemised invoices, the record of withdrawn
-- files and of catalog imports.  Credit notes are how a bill changes.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rater_app') THEN
    CREATE ROLE rater_app LOGIN;
  END IF;
END
$$;

DO $$
BEGIN
  EXECUTE format ('GRANT CONNECT, TEMPORARY ON DATABASE %I TO rater_app', current_database ());
END
$$;
GRANT USAGE ON SCHEMA public TO rater_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rater_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO rater_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO rater_app;

-- the schema's own records: read only
REVOKE INSERT, UPDATE, DELETE ON rater_meta, rater_zones FROM rater_app;
-- what was billed, and the trail of what was done: written once, never changed
REVOKE UPDATE, DELETE ON
  invoices, invoice_lines, invoice_destinations, invoice_parties, invoice_itemised,
  invoice_frozen, invoice_frozen_calls, credit_notes, credit_note_lines,
  closed_periods, file_withdrawals, catalog_imports
FROM rater_app;
