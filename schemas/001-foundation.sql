-- 001: the operator's catalog, ingested files, normalised calls and rejects.
--
-- Money is INTEGER micro-units (10^-6 of the currency unit), tax rates
-- micro-percent, times INTEGER milliseconds since the Unix epoch in UTC,
-- durations INTEGER seconds, calendar dates TEXT 'YYYY-MM-DD'.
-- Catalog rows are keyed by the operator's own slugs so that a re-import can
-- replace them wholesale without touching calls.

CREATE TABLE operators (
  operator        TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  currency        TEXT NOT NULL,          -- ISO 4217
  invoice_prefix  TEXT NOT NULL
) STRICT;

CREATE TABLE plans (
  plan            TEXT PRIMARY KEY,
  operator        TEXT NOT NULL REFERENCES operators (operator),
  deck            TEXT NOT NULL,
  fee_user        INTEGER NOT NULL,       -- micro-units per month
  fee_service     INTEGER NOT NULL,
  fee_tollfree    INTEGER NOT NULL,
  bundle_minutes  INTEGER NOT NULL,       -- per user number, 0 = none
  bundle_groups   TEXT NOT NULL,          -- '|'-separated deck groups
  call_decimals   INTEGER NOT NULL        -- 0..6
) STRICT;

CREATE TABLE accounts (
  account         TEXT PRIMARY KEY,
  operator        TEXT NOT NULL REFERENCES operators (operator),
  tenant_id       TEXT,                   -- Teams tenant GUID, lower case
  name            TEXT NOT NULL,
  plan            TEXT NOT NULL REFERENCES plans (plan),
  country         TEXT NOT NULL,          -- ISO 3166 alpha-2
  timezone        TEXT NOT NULL,          -- IANA
  tax_rate        INTEGER NOT NULL        -- micro-percent: 8.875 % = 8875000
) STRICT;
CREATE INDEX accounts_by_tenant ON accounts (operator, tenant_id);

CREATE TABLE numbers (
  number          TEXT NOT NULL,          -- E.164 digits without '+'
  account         TEXT NOT NULL REFERENCES accounts (account),
  type            TEXT NOT NULL CHECK (type IN ('user', 'service', 'tollfree')),
  user            TEXT,                   -- UPN
  from_date       TEXT NOT NULL,          -- first day, account time zone
  to_date         TEXT                    -- first day no longer assigned; NULL = open
) STRICT;
CREATE INDEX numbers_by_number ON numbers (number);
CREATE INDEX numbers_by_account ON numbers (account);

CREATE TABLE deck_rows (
  deck            TEXT NOT NULL,
  line            INTEGER NOT NULL,       -- line in decks/<deck>.csv
  prefix          TEXT NOT NULL,          -- digits
  destination     TEXT NOT NULL,
  grp             TEXT NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  band            TEXT NOT NULL CHECK (band IN ('all', 'peak', 'offpeak', 'weekend')),
  rate            INTEGER NOT NULL,       -- micro-units per minute
  connect_fee     INTEGER NOT NULL,       -- micro-units
  inc_first       INTEGER NOT NULL,       -- F of F/N, seconds
  inc_next        INTEGER NOT NULL,       -- N of F/N, seconds
  effective_from  INTEGER NOT NULL,       -- UTC ms, inclusive
  effective_to    INTEGER                 -- UTC ms, exclusive; NULL = open
) STRICT;
CREATE INDEX deck_rows_by_deck ON deck_rows (deck, direction, prefix);

-- One row per catalog import: what was imported, from where, when.
CREATE TABLE catalog_imports (
  id              INTEGER PRIMARY KEY,
  imported_at     TEXT NOT NULL,          -- UTC ISO 8601
  dir             TEXT NOT NULL,
  digest          TEXT NOT NULL,          -- SHA-256 over the file hashes below
  files           TEXT NOT NULL           -- "sha256  relative/path" lines
) STRICT;

-- One row per ingested CDR file, written in the same transaction as its calls.
CREATE TABLE files (
  id              INTEGER PRIMARY KEY,
  sha256          TEXT NOT NULL UNIQUE,
  path            TEXT NOT NULL,
  format          TEXT NOT NULL,
  operator        TEXT,
  bytes           INTEGER NOT NULL,
  records         INTEGER NOT NULL,
  calls           INTEGER NOT NULL,
  duplicates      INTEGER NOT NULL,
  rejects         INTEGER NOT NULL,
  ingested_at     TEXT NOT NULL
) STRICT;

CREATE TABLE calls (
  id              INTEGER PRIMARY KEY,
  operator        TEXT NOT NULL,
  call_key        TEXT NOT NULL,
  file_id         INTEGER NOT NULL,
  line            INTEGER NOT NULL,       -- first line of the record in its file
  direction       TEXT NOT NULL,          -- 'in' | 'out'
  caller          TEXT,                   -- E.164 digits; NULL = withheld
  callee          TEXT NOT NULL,          -- E.164 digits: the rated number
  masked          INTEGER NOT NULL,       -- bit 0: caller masked, bit 1: callee masked
  start_ms        INTEGER NOT NULL,       -- UTC ms
  duration        INTEGER NOT NULL,       -- seconds
  answered        INTEGER NOT NULL,       -- 0 | 1
  tenant_id       TEXT,
  user            TEXT,
  sip_code        INTEGER,
  account         TEXT,                   -- resolved at ingest; NULL = unknown
  leg_rank        INTEGER NOT NULL,       -- which of several legs sharing a key is billed
  leg_id          TEXT                    -- the leg's own id when legs share a key
) STRICT;
CREATE UNIQUE INDEX calls_by_key ON calls (call_key, operator);   -- key first: keys differ early

CREATE TABLE rejects (
  id              INTEGER PRIMARY KEY,
  file_id         INTEGER NOT NULL,
  line            INTEGER NOT NULL,
  reason          TEXT NOT NULL,          -- formats.md §2 reason code
  detail          TEXT NOT NULL,
  raw             BLOB NOT NULL           -- the record's bytes as read
) STRICT;
CREATE INDEX rejects_by_file ON rejects (file_id, line);
