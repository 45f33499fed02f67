-- 003: issued invoices (billing.md §7, §8).
--
-- An issued invoice is frozen: its lines, totals, the names printed on it,
-- its date and the usage-by-destination appendix are stored when it is
-- issued, and its documents are always rendered from these rows, never
-- recomputed, so issuing again reproduces the same bytes.  Numbers are
-- {invoice_prefix}-{YYYYMM}-{seq}, seq from 1 per (operator, period) with no
-- gaps.  Money is INTEGER micro-units of the invoice currency, already
-- rounded to its minor units; the tax rate micro-percent.

CREATE TABLE invoices (
  invoice         TEXT PRIMARY KEY,       -- NWT-202611-0001
  operator        TEXT NOT NULL,
  period          TEXT NOT NULL,          -- YYYY-MM
  seq             INTEGER NOT NULL CHECK (seq >= 1),
  account         TEXT NOT NULL,
  issued_on       TEXT NOT NULL,          -- YYYY-MM-DD (UTC) of the issue
  tenant_id       TEXT,
  operator_name   TEXT NOT NULL,
  customer_name   TEXT NOT NULL,
  currency        TEXT NOT NULL,          -- ISO 4217
  minor_units     INTEGER NOT NULL,
  tax_rate        INTEGER NOT NULL,
  subtotal        INTEGER NOT NULL,
  tax             INTEGER NOT NULL,
  total           INTEGER NOT NULL,
  UNIQUE (operator, period, seq),
  UNIQUE (account, period)
) STRICT;

CREATE TABLE invoice_lines (
  invoice         TEXT NOT NULL REFERENCES invoices (invoice),
  line            INTEGER NOT NULL,       -- 1.. in invoice order
  kind            TEXT NOT NULL CHECK (kind IN ('recurring', 'usage', 'late_usage')),
  number_type     TEXT,
  direction       TEXT,
  grp             TEXT,
  quantity        INTEGER NOT NULL,
  calls           INTEGER NOT NULL,
  billable        INTEGER NOT NULL,
  covered         INTEGER NOT NULL,
  amount          INTEGER NOT NULL,
  periods         TEXT,                   -- late_usage: 'YYYY-MM' list, ',' separated
  PRIMARY KEY (invoice, line)
) STRICT, WITHOUT ROWID;

CREATE TABLE invoice_destinations (
  invoice         TEXT NOT NULL REFERENCES invoices (invoice),
  row             INTEGER NOT NULL,       -- 1.. in display order
  destination     TEXT,
  grp             TEXT,
  calls           INTEGER NOT NULL,
  billable        INTEGER NOT NULL,
  amount          INTEGER NOT NULL,       -- micro-units, unrounded
  PRIMARY KEY (invoice, row)
) STRICT, WITHOUT ROWID;

-- A late rating billed on an issued invoice names it, and never changes again.
ALTER TABLE ratings ADD COLUMN invoice TEXT;

-- Invoices, documents and reports read one period (of one account) at a time.
CREATE INDEX ratings_by_period ON ratings (period, account);
