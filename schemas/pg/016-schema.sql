-- pg/016: the whole rater schema at version 16 for PostgreSQL (issue 13),
-- applied in one transaction to a NEW database: the result of
-- schemas/001-foundation.sql … schemas/016-unrated-index.sql (SQLite) in
-- PostgreSQL 15's dialect.  The comments of those files say what each
-- table and column means; this file says only where PostgreSQL differs.
--
-- A later migration NNN adds both schemas/NNN-what.sql (SQLite, applied
-- on top of the previous ones) and schemas/pg/NNN-what.sql (PostgreSQL,
-- applied on top of this file), and sets rater_meta's schema_version.
-- tests/pg/schema.sh compares this schema with the one `rater init` builds
-- in SQLite: every table's columns in order and their NOT NULL, the
-- primary keys, the index and trigger names.
--
-- The dialect:
--   * every INTEGER is bigint (SQLite integers are 64-bit), TEXT text,
--     BLOB bytea; STRICT and WITHOUT ROWID have no counterpart;
--   * a rowid id that rater inserts without a value (catalog_imports,
--     files, calls, rejects, file_withdrawals, adjustments, agg_journal) is
--     an identity column.  SQLite gives a new row max(id) + 1, so an id
--     freed by deleting the highest row is given again; an identity never
--     gives one twice (ids stay ascending in insertion order, which is all
--     rate_last.last_call relies on).  Ids that rater gives (ratings.call_id,
--     disputes.call_id, ...) are plain bigint keys;
--   * a primary key column is NOT NULL (SQLite allows NULL in the text
--     primary key of a rowid table);
--   * PostgreSQL's primary keys are ascending: agg_kpi's and
--     agg_destination's `direction DESC` is ascending here (the same
--     uniqueness; a report reading 'out' before 'in' sorts);
--   * `user` (numbers, calls) is a reserved word: a query must write
--     "user" — unquoted, PostgreSQL reads it as the session user;
--   * agg_facts.usage is a boolean (SQLite: 0 or 1);
--   * the triggers are PL/pgSQL functions.  The agg_* ones are row triggers
--     as in SQLite (the UPDATE OF column lists alike); their
--     `WHEN (SELECT journal FROM agg_control)` is rater_journal_on(), a
--     trigger's WHEN taking no subquery.  The rate_* ones, which count
--     rows into the one row of rate_changes, are statement triggers that
--     add the number of rows the statement changed (the same count as
--     SQLite's one increment per row, without a new version of that row
--     per changed row: a purge of a million calls would otherwise update
--     it a million times in one transaction);
--   * rater_now() and rater_local_day(), which the SQLite connection
--     defines in C (rater/base/store.c), are SQL functions here.

-- The schema version (SQLite: PRAGMA user_version).
CREATE TABLE rater_meta (
  name            text PRIMARY KEY,
  value           bigint NOT NULL
);
INSERT INTO rater_meta VALUES ('schema_version', 16);

-- rater_now(): the current UTC time as stored, 'YYYY-MM-DDTHH:MM:SS.mmmZ'
-- (the clock's, as SQLite's calls the clock each time), or the instant of
-- the setting rater.now when it is set: the client sets it from RATER_NOW
-- (an ISO 8601 instant with an offset), which thus fixes every stored time.
CREATE FUNCTION rater_now () RETURNS text
  LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT to_char (coalesce (nullif (current_setting ('rater.now', true), '')::timestamptz,
                            clock_timestamp ()) AT TIME ZONE 'UTC',
                  'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- The names rater_local_day() accepts: the zones of the tz database
-- PostgreSQL reads (pg_timezone_names, its files' exact names) — the same
-- files rater reads (rater/base/tzmap.h) — and 'UTC'.  Looking a name up
-- in pg_timezone_names reads every zone file (60 ms): they are copied here
-- once; a name not here is still looked up there (a zone tzdata added
-- since), and an operator refreshes the copy after an upgrade of tzdata with
--   INSERT INTO rater_zones SELECT name FROM pg_timezone_names ON CONFLICT DO NOTHING;
CREATE TABLE rater_zones (
  name            text PRIMARY KEY
);
INSERT INTO rater_zones SELECT 'UTC' UNION SELECT name FROM pg_timezone_names;

-- rater_local_day(MS, ZONE): the local calendar day (days since
-- 1970-01-01, floored, so negative before it) of UTC milliseconds MS in
-- IANA zone ZONE — store_local_day() (rater/base/store.c) exactly: the
-- offset in force at the second (floored) of MS, the offsets of
-- 1900-01-01T00:00Z before it and of 2200-01-01T00:00Z after it (tzmap.c's
-- coverage; pre-1900 local mean time is not used).  ZONE must be an IANA
-- identifier of the tz database ("UTC", "Europe/London"): an unknown
-- name, a POSIX rule ("GMT+1", "UTC+5"), an offset, another case
-- ("europe/london") or NULL is an error, never a guess.
--
-- A name with a '/' is read with AT TIME ZONE.  AT TIME ZONE reads a name
-- without one as an abbreviation first when it is one ('CET' +01:00 all
-- year, where the zone CET has summer time): such a name is read through
-- the TimeZone setting instead, which only reads zone files (set for the
-- call and put back: hence PARALLEL RESTRICTED).
CREATE FUNCTION rater_local_day (ms bigint, zone text) RETURNS bigint
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
  sec bigint;
  probe bigint;
  off bigint;
  local bigint;
  saved text;
BEGIN
  IF zone IS NULL OR zone !~ '^[A-Za-z][A-Za-z0-9/_+-]*$' OR strpos (zone, '//') > 0
     OR right (zone, 1) = '/'
     OR NOT (EXISTS (SELECT 1 FROM rater_zones z WHERE z.name = zone)
             OR EXISTS (SELECT 1 FROM pg_timezone_names t WHERE t.name = zone)) THEN
    RAISE EXCEPTION 'unknown time zone ''%''', coalesce (zone, '(null)')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF ms IS NULL THEN
    RETURN NULL;
  END IF;
  sec := ms / 1000 - (ms % 1000 < 0)::int;
  probe := least (greatest (sec, -2208988800), 7258118400);
  IF strpos (zone, '/') > 0 OR zone = 'UTC' THEN
    off := extract (epoch FROM to_timestamp (probe) AT TIME ZONE zone)::bigint - probe;
  ELSE
    saved := current_setting ('TimeZone');
    PERFORM set_config ('TimeZone', zone, true);
    off := extract (timezone FROM to_timestamp (probe))::bigint;
    PERFORM set_config ('TimeZone', saved, true);
  END IF;
  local := sec + off;
  RETURN local / 86400 - (local % 86400 < 0)::int;
END
$$;

-- 001: the catalog, ingested files, calls and rejects.

CREATE TABLE operators (
  operator        text PRIMARY KEY,
  name            text NOT NULL,
  currency        text NOT NULL,
  invoice_prefix  text NOT NULL
);

CREATE TABLE plans (
  plan            text PRIMARY KEY,
  operator        text NOT NULL REFERENCES operators (operator),
  deck            text NOT NULL,
  fee_user        bigint NOT NULL,
  fee_service     bigint NOT NULL,
  fee_tollfree    bigint NOT NULL,
  bundle_minutes  bigint NOT NULL,
  bundle_groups   text NOT NULL,
  call_decimals   bigint NOT NULL,
  call_rounding   text NOT NULL DEFAULT 'up'                     -- 008
                  CHECK (call_rounding IN ('up', 'half_up', 'down')),
  peak_days       bigint NOT NULL DEFAULT 31,                    -- 008
  peak_from       bigint NOT NULL DEFAULT 28800,                 -- 008
  peak_to         bigint NOT NULL DEFAULT 64800                  -- 008
);

CREATE TABLE accounts (
  account         text PRIMARY KEY,
  operator        text NOT NULL REFERENCES operators (operator),
  tenant_id       text,
  name            text NOT NULL,
  plan            text NOT NULL REFERENCES plans (plan),
  country         text NOT NULL,
  timezone        text NOT NULL,
  tax_rate        bigint NOT NULL
);
CREATE INDEX accounts_by_tenant ON accounts (operator, tenant_id);

CREATE TABLE numbers (
  number          text NOT NULL,
  account         text NOT NULL REFERENCES accounts (account),
  type            text NOT NULL CHECK (type IN ('user', 'service', 'tollfree')),
  "user"          text,
  from_date       text NOT NULL,
  to_date         text
);
CREATE INDEX numbers_by_number ON numbers (number);
CREATE INDEX numbers_by_account ON numbers (account);

CREATE TABLE deck_rows (
  deck            text NOT NULL,
  line            bigint NOT NULL,
  prefix          text NOT NULL,
  destination     text NOT NULL,
  grp             text NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('in', 'out')),
  band            text NOT NULL CHECK (band IN ('all', 'peak', 'offpeak', 'weekend')),
  rate            bigint NOT NULL,
  connect_fee     bigint NOT NULL,
  inc_first       bigint NOT NULL,
  inc_next        bigint NOT NULL,
  effective_from  bigint NOT NULL,
  effective_to    bigint,
  min_charge      bigint NOT NULL DEFAULT 0,                     -- 008
  max_charge      bigint NOT NULL DEFAULT 0                      -- 008
);
CREATE INDEX deck_rows_by_deck ON deck_rows (deck, direction, prefix);

CREATE TABLE catalog_imports (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  imported_at     text NOT NULL,
  dir             text NOT NULL,
  digest          text NOT NULL,
  files           text NOT NULL
);

CREATE TABLE files (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  sha256          text NOT NULL UNIQUE,
  path            text NOT NULL,
  format          text NOT NULL,
  operator        text,
  bytes           bigint NOT NULL,
  records         bigint NOT NULL,
  calls           bigint NOT NULL,
  duplicates      bigint NOT NULL,
  rejects         bigint NOT NULL,
  ingested_at     text NOT NULL,
  options         text NOT NULL DEFAULT '',                      -- 006
  merged_legs     bigint NOT NULL DEFAULT 0,                     -- 006
  internal        bigint NOT NULL DEFAULT 0                      -- 006
);

CREATE TABLE calls (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  operator        text NOT NULL,
  call_key        text NOT NULL,
  file_id         bigint NOT NULL,
  line            bigint NOT NULL,
  direction       text NOT NULL,
  caller          text,
  callee          text NOT NULL,
  masked          bigint NOT NULL,
  start_ms        bigint NOT NULL,
  duration        bigint NOT NULL,
  answered        bigint NOT NULL,
  tenant_id       text,
  "user"          text,
  sip_code        bigint,
  account         text,
  leg_rank        bigint NOT NULL,
  leg_id          text,
  leg_key         text                                           -- 006
);
CREATE UNIQUE INDEX calls_by_key ON calls (call_key, operator);
CREATE INDEX calls_by_leg_key ON calls (leg_key, operator) WHERE leg_key IS NOT NULL;  -- 006

CREATE TABLE rejects (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  file_id         bigint NOT NULL,
  line            bigint NOT NULL,
  reason          text NOT NULL,
  detail          text NOT NULL,
  raw             bytea NOT NULL
);
CREATE INDEX rejects_by_file ON rejects (file_id, line);

-- 002: ratings and closed periods.

CREATE TABLE ratings (
  call_id         bigint PRIMARY KEY,
  status          text NOT NULL CHECK (status IN ('rated', 'free', 'unanswered', 'unrated')),
  reason          text,
  account         text,
  period          text NOT NULL,
  band            text,
  prefix          text,
  destination     text,
  grp             text,
  billable        bigint NOT NULL,
  covered         bigint NOT NULL,
  charge          bigint NOT NULL,
  late            bigint NOT NULL,
  invoice         text                                           -- 003
);
CREATE INDEX ratings_by_period ON ratings (period, account);                            -- 003
CREATE INDEX ratings_unbilled_late ON ratings (account, period)                         -- 004
  WHERE late = 1 AND invoice IS NULL;
CREATE INDEX ratings_unrated ON ratings (period, reason) WHERE status = 'unrated';      -- 016

CREATE TABLE closed_periods (
  account         text NOT NULL,
  period          text NOT NULL,
  closed_at       text NOT NULL,
  PRIMARY KEY (account, period)
);

-- 003: issued invoices (invoice_lines as 009 made it).

CREATE TABLE invoices (
  invoice         text PRIMARY KEY,
  operator        text NOT NULL,
  period          text NOT NULL,
  seq             bigint NOT NULL CHECK (seq >= 1),
  account         text NOT NULL,
  issued_on       text NOT NULL,
  tenant_id       text,
  operator_name   text NOT NULL,
  customer_name   text NOT NULL,
  currency        text NOT NULL,
  minor_units     bigint NOT NULL,
  tax_rate        bigint NOT NULL,
  subtotal        bigint NOT NULL,
  tax             bigint NOT NULL,
  total           bigint NOT NULL,
  UNIQUE (operator, period, seq),
  UNIQUE (account, period)
);

CREATE TABLE invoice_destinations (
  invoice         text NOT NULL REFERENCES invoices (invoice),
  row             bigint NOT NULL,
  destination     text,
  grp             text,
  calls           bigint NOT NULL,
  billable        bigint NOT NULL,
  amount          bigint NOT NULL,
  PRIMARY KEY (invoice, row)
);

-- 005: a file stored in chunks.

CREATE TABLE ingest_progress (
  file_id         bigint PRIMARY KEY,
  resume_line     bigint NOT NULL
);

-- 006: dropped records and withdrawn files.

CREATE TABLE dropped_records (
  file_id         bigint NOT NULL,
  line            bigint NOT NULL,
  call_id         bigint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('duplicate', 'merged_leg'))
);
CREATE INDEX dropped_by_call ON dropped_records (call_id);
CREATE INDEX dropped_by_file ON dropped_records (file_id);

CREATE TABLE file_withdrawals (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  file_id         bigint NOT NULL,
  sha256          text NOT NULL,
  path            text NOT NULL,
  format          text NOT NULL,
  options         text NOT NULL,
  ingested_at     text NOT NULL,
  calls           bigint NOT NULL,
  ratings         bigint NOT NULL,
  rejects         bigint NOT NULL,
  orphaned        bigint NOT NULL,
  reason          text NOT NULL,
  withdrawn_at    text NOT NULL
);

-- 008: tariff options.

CREATE TABLE deck_tiers (
  deck            text NOT NULL,
  line            bigint NOT NULL,
  start           bigint NOT NULL,
  rate            bigint NOT NULL,
  inc_first       bigint NOT NULL,
  inc_next        bigint NOT NULL,
  PRIMARY KEY (deck, line, start)
);

CREATE TABLE holidays (
  country         text NOT NULL,
  date            text NOT NULL,
  name            text NOT NULL,
  PRIMARY KEY (country, date)
);

-- 009: finance (invoice_documents and invoice_lines as 009 rebuilt them).

CREATE TABLE operator_finance (
  operator            text PRIMARY KEY,
  legal_name          text,
  address             text,
  vat_id              text,
  payment_terms_days  bigint,
  iban                text,
  bic                 text,
  email               text
);

CREATE TABLE account_finance (
  account             text PRIMARY KEY,
  legal_name          text,
  address             text,
  vat_id              text,
  reverse_charge      bigint NOT NULL CHECK (reverse_charge IN (0, 1)),
  itemised            text NOT NULL CHECK (itemised IN ('none', 'masked', 'full'))
);

CREATE TABLE invoice_parties (
  invoice           text PRIMARY KEY REFERENCES invoices (invoice),
  due_on            text NOT NULL,
  terms_days        bigint NOT NULL,
  seller_legal_name text NOT NULL,
  seller_address    text,
  seller_vat_id     text,
  seller_email      text,
  iban              text,
  bic               text,
  buyer_legal_name  text NOT NULL,
  buyer_address     text,
  buyer_vat_id      text,
  buyer_country     text NOT NULL,
  reverse_charge    bigint NOT NULL CHECK (reverse_charge IN (0, 1))
);

CREATE TABLE invoice_documents (
  invoice         text NOT NULL REFERENCES invoices (invoice),
  format          text NOT NULL CHECK (format IN ('json', 'html', 'pdf', 'ubl')),
  sha256          text NOT NULL,
  bytes           bigint NOT NULL,
  PRIMARY KEY (invoice, format)
);

CREATE TABLE adjustments (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  account         text NOT NULL,
  period          text NOT NULL,
  amount          bigint NOT NULL CHECK (amount <> 0),
  description     text NOT NULL CHECK (description <> ''),
  created_at      text NOT NULL,
  invoice         text
);
CREATE INDEX adjustments_by_period ON adjustments (period, account);

CREATE TABLE invoice_lines (
  invoice         text NOT NULL REFERENCES invoices (invoice),
  line            bigint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('recurring', 'usage', 'late_usage', 'adjustment')),
  number_type     text,
  direction       text,
  grp             text,
  quantity        bigint NOT NULL,
  calls           bigint NOT NULL,
  billable        bigint NOT NULL,
  covered         bigint NOT NULL,
  amount          bigint NOT NULL,
  periods         text,
  description     text,
  PRIMARY KEY (invoice, line)
);

CREATE TABLE credit_notes (
  credit_note     text PRIMARY KEY,
  operator        text NOT NULL,
  yyyymm          text NOT NULL,
  seq             bigint NOT NULL CHECK (seq >= 1),
  invoice         text NOT NULL REFERENCES invoices (invoice),
  issued_on       text NOT NULL,
  reason          text NOT NULL CHECK (reason <> ''),
  subtotal        bigint NOT NULL,
  tax             bigint NOT NULL,
  total           bigint NOT NULL CHECK (total < 0),
  UNIQUE (operator, yyyymm, seq)
);
CREATE INDEX credit_notes_by_invoice ON credit_notes (invoice);

CREATE TABLE credit_note_lines (
  credit_note     text NOT NULL REFERENCES credit_notes (credit_note),
  line            bigint NOT NULL,
  invoice_line    bigint,
  amount          bigint NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (credit_note, line)
);

CREATE TABLE invoice_itemised (
  invoice         text PRIMARY KEY REFERENCES invoices (invoice),
  mode            text NOT NULL CHECK (mode IN ('masked', 'full')),
  zone            text NOT NULL
);

-- 007: the digests of issued documents (as 009 rebuilt it, above).

-- 010 and 014: the aggregates.

CREATE TABLE agg_zones (
  account         text PRIMARY KEY,
  timezone        text NOT NULL
);

CREATE TABLE agg_kpi (
  period          text NOT NULL,
  operator        text NOT NULL,
  day             bigint NOT NULL,
  direction       text NOT NULL,
  grp             text NOT NULL,
  attempts        bigint NOT NULL,
  answered        bigint NOT NULL,
  seconds         bigint NOT NULL,
  revenue         bigint NOT NULL,
  PRIMARY KEY (period, operator, day, direction, grp)
);

CREATE TABLE agg_day (
  period          text NOT NULL,
  account         text NOT NULL,
  day             bigint NOT NULL,
  calls           bigint NOT NULL,
  seconds         bigint NOT NULL,
  billable        bigint NOT NULL,
  charge          bigint NOT NULL,
  PRIMARY KEY (period, account, day)
);

CREATE TABLE agg_number (
  period          text NOT NULL,
  account         text NOT NULL,
  number          text NOT NULL,
  calls           bigint NOT NULL,
  seconds         bigint NOT NULL,
  billable        bigint NOT NULL,
  charge          bigint NOT NULL,
  PRIMARY KEY (period, account, number)
);

CREATE TABLE agg_destination (
  period          text NOT NULL,
  account         text NOT NULL,
  direction       text NOT NULL,
  grp             text NOT NULL,
  destination     text NOT NULL,
  calls           bigint NOT NULL,
  seconds         bigint NOT NULL,
  billable        bigint NOT NULL,
  charge          bigint NOT NULL,
  covered         bigint NOT NULL DEFAULT 0,                     -- 014
  PRIMARY KEY (period, account, direction, grp, destination)
);

CREATE VIEW agg_facts AS
  SELECT r.call_id, r.period, r.account, c.operator, c.direction, r.status,
         coalesce (r.grp, '') AS grp, coalesce (r.destination, '') AS destination,
         coalesce (CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END, '') AS number,
         c.duration, r.billable, r.covered, r.charge,
         rater_local_day (c.start_ms, coalesce ((SELECT z.timezone FROM agg_zones z
                                                WHERE z.account = r.account), 'UTC')) AS day,
         r.account IS NOT NULL AND r.status IN ('rated', 'free') AS usage
  FROM ratings r JOIN calls c ON c.id = r.call_id;

CREATE TABLE agg_journal (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  sign            bigint NOT NULL CHECK (sign IN (-1, 1)),
  period          text NOT NULL,
  account         text,
  operator        text NOT NULL,
  direction       text NOT NULL,
  status          text NOT NULL,
  grp             text,
  destination     text,
  number          text,
  start_ms        bigint NOT NULL,
  duration        bigint NOT NULL,
  billable        bigint NOT NULL,
  charge          bigint NOT NULL,
  covered         bigint NOT NULL DEFAULT 0                      -- 014
);

CREATE TABLE agg_control (
  id              bigint PRIMARY KEY CHECK (id = 1),
  journal         bigint NOT NULL
);
INSERT INTO agg_control VALUES (1, 1);

-- SQLite's `WHEN (SELECT journal FROM agg_control)`: a nonzero journal.
CREATE FUNCTION rater_journal_on () RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce ((SELECT journal <> 0 FROM agg_control), false)
$$;

-- One journal row of a rating (ROW) and its call's facts (CALL), signed.
CREATE FUNCTION agg_journal_add (sgn bigint, r ratings, c calls) RETURNS void
  LANGUAGE sql VOLATILE AS $$
  INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp, destination,
                           number, start_ms, duration, billable, covered, charge)
    VALUES (sgn, r.period, r.account, c.operator, c.direction, r.status, r.grp, r.destination,
            CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END,
            c.start_ms, c.duration, r.billable, r.covered, r.charge)
$$;

CREATE FUNCTION agg_rating_inserted () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM agg_journal_add (1, NEW, c) FROM calls c WHERE c.id = NEW.call_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER agg_rating_inserted AFTER INSERT ON ratings
  FOR EACH ROW WHEN (rater_journal_on ()) EXECUTE FUNCTION agg_rating_inserted ();

CREATE FUNCTION agg_rating_updated () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM agg_journal_add (-1, OLD, c) FROM calls c WHERE c.id = OLD.call_id;
  PERFORM agg_journal_add (1, NEW, c) FROM calls c WHERE c.id = NEW.call_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER agg_rating_updated AFTER UPDATE OF call_id, status, account, period, grp,
  destination, billable, covered, charge ON ratings
  FOR EACH ROW WHEN (rater_journal_on ()) EXECUTE FUNCTION agg_rating_updated ();

-- Deleted ratings always (rate --period deletes through this too).
CREATE FUNCTION agg_rating_deleted () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM agg_journal_add (-1, OLD, c) FROM calls c WHERE c.id = OLD.call_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER agg_rating_deleted AFTER DELETE ON ratings
  FOR EACH ROW EXECUTE FUNCTION agg_rating_deleted ();

-- A rated call whose facts change (a better leg replaces it at ingest).
CREATE FUNCTION agg_call_updated () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM agg_journal_add (-1, r, OLD) FROM ratings r WHERE r.call_id = OLD.id;
  PERFORM agg_journal_add (1, r, NEW) FROM ratings r WHERE r.call_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER agg_call_updated AFTER UPDATE OF operator, direction, caller, callee, start_ms,
  duration ON calls
  FOR EACH ROW EXECUTE FUNCTION agg_call_updated ();

-- 011: graph fetches.

CREATE TABLE graph_fetches (
  source          text NOT NULL,
  tenant          text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('pstn', 'dr')),
  last_day        text NOT NULL,
  fetched_at      text NOT NULL,
  PRIMARY KEY (source, tenant, kind)
);

-- 012: disputes and credit note documents.

CREATE TABLE disputes (
  call_id         bigint PRIMARY KEY,
  operator        text NOT NULL,
  call_key        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
  reason          text NOT NULL CHECK (reason <> ''),
  opened_by       text NOT NULL,
  opened_at       text NOT NULL,
  resolved_by     text,
  resolved_at     text,
  resolution      text,
  held_closed     bigint NOT NULL DEFAULT 0 CHECK (held_closed IN (0, 1)),
  late_invoice    text,
  billed_invoice  text
);
CREATE INDEX disputes_by_status ON disputes (status);

CREATE TABLE credit_note_documents (
  credit_note     text NOT NULL REFERENCES credit_notes (credit_note),
  format          text NOT NULL CHECK (format IN ('json', 'csv', 'html', 'pdf', 'ubl')),
  sha256          text NOT NULL,
  bytes           bigint NOT NULL,
  PRIMARY KEY (credit_note, format)
);

-- 013: purge.

CREATE TABLE purged_periods (
  period          text PRIMARY KEY,
  purged_at       text NOT NULL,
  calls           bigint NOT NULL,
  rejects         bigint NOT NULL
);

CREATE TABLE purged_files (
  file_id         bigint PRIMARY KEY,
  purged_at       text NOT NULL,
  whole           bigint NOT NULL CHECK (whole IN (0, 1))
);

CREATE TABLE invoice_frozen (
  invoice         text PRIMARY KEY REFERENCES invoices (invoice),
  calls           bigint NOT NULL
);

CREATE TABLE invoice_frozen_calls (
  invoice         text NOT NULL REFERENCES invoice_frozen (invoice),
  seq             bigint NOT NULL,
  start_ms        bigint NOT NULL,
  local_start     bigint NOT NULL,
  number          text,
  duration        bigint NOT NULL,
  charge          bigint NOT NULL,
  PRIMARY KEY (invoice, seq)
);

-- 015: what the last complete rate rated from.

CREATE TABLE rate_changes (
  id              bigint PRIMARY KEY CHECK (id = 1),
  changes         bigint NOT NULL
);
INSERT INTO rate_changes VALUES (1, 0);

CREATE TABLE rate_last (
  id              bigint PRIMARY KEY CHECK (id = 1),
  changes         bigint NOT NULL,
  last_call       bigint NOT NULL,
  catalog         text NOT NULL,
  rules           bigint NOT NULL,
  calls           bigint NOT NULL,
  rated           bigint NOT NULL,
  free            bigint NOT NULL,
  unanswered      bigint NOT NULL,
  unrated         bigint NOT NULL,
  unknown_account bigint NOT NULL,
  no_rate         bigint NOT NULL,
  implausible     bigint NOT NULL,
  overflow        bigint NOT NULL,
  late            bigint NOT NULL,
  kept            bigint NOT NULL,
  bundled         bigint NOT NULL
);

-- The rows the statement changed (transition table "changed") added to
-- rate_changes.changes, as SQLite's triggers add 1 per row.
CREATE FUNCTION rate_changes_add () RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  SELECT count (*) INTO n FROM changed;
  IF n > 0 THEN
    UPDATE rate_changes SET changes = changes + n;
  END IF;
  RETURN NULL;
END
$$;

-- The same for ratings, while agg_control.journal is on (`rater rate`
-- turns it off for its own writes).
CREATE FUNCTION rate_rating_changes_add () RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  IF NOT rater_journal_on () THEN
    RETURN NULL;
  END IF;
  SELECT count (*) INTO n FROM changed;
  IF n > 0 THEN
    UPDATE rate_changes SET changes = changes + n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER rate_call_updated AFTER UPDATE ON calls
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();
CREATE TRIGGER rate_call_deleted AFTER DELETE ON calls
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();

CREATE TRIGGER rate_rating_updated AFTER UPDATE ON ratings
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_rating_changes_add ();
CREATE TRIGGER rate_rating_deleted AFTER DELETE ON ratings
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_rating_changes_add ();

CREATE TRIGGER rate_closed_inserted AFTER INSERT ON closed_periods
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();
CREATE TRIGGER rate_closed_updated AFTER UPDATE ON closed_periods
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();
CREATE TRIGGER rate_closed_deleted AFTER DELETE ON closed_periods
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();

CREATE TRIGGER rate_purged_inserted AFTER INSERT ON purged_periods
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();
CREATE TRIGGER rate_purged_updated AFTER UPDATE ON purged_periods
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();
CREATE TRIGGER rate_purged_deleted AFTER DELETE ON purged_periods
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rate_changes_add ();
