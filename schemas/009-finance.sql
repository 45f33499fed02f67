-- 009: finance — the parties and terms printed on invoices (billing.md §11,
-- formats.md §1 optional columns), frozen with each issued invoice, and UBL
-- e-invoices among the documents whose digests are recorded.
--
-- The catalog columns are all optional: NULL (or reverse_charge 0, itemised
-- 'none') means the catalog did not give them, and an invoice of an account
-- whose operator and account give none of them has no invoice_parties row
-- and prints exactly as before.

-- One row per operator and per account of the catalog, replaced with it
-- by every import (catalog-import.c); kept beside operators and accounts so
-- their own columns stay as they were.
CREATE TABLE operator_finance (
  operator            TEXT PRIMARY KEY,
  legal_name          TEXT,
  address             TEXT,               -- lines separated by '\n'
  vat_id              TEXT,
  payment_terms_days  INTEGER,            -- NULL: 30
  iban                TEXT,               -- without spaces, upper case, mod-97 checked
  bic                 TEXT,
  email               TEXT
) STRICT;

CREATE TABLE account_finance (
  account             TEXT PRIMARY KEY,
  legal_name          TEXT,
  address             TEXT,
  vat_id              TEXT,
  reverse_charge      INTEGER NOT NULL CHECK (reverse_charge IN (0, 1)),
  itemised            TEXT NOT NULL CHECK (itemised IN ('none', 'masked', 'full'))
) STRICT;

-- What an issued invoice printed about its parties and terms, as it was on
-- the day it was issued (a later catalog import never changes it).
CREATE TABLE invoice_parties (
  invoice           TEXT PRIMARY KEY REFERENCES invoices (invoice),
  due_on            TEXT NOT NULL,        -- YYYY-MM-DD = issued_on + terms_days
  terms_days        INTEGER NOT NULL,
  seller_legal_name TEXT NOT NULL,
  seller_address    TEXT,
  seller_vat_id     TEXT,
  seller_email      TEXT,
  iban              TEXT,
  bic               TEXT,
  buyer_legal_name  TEXT NOT NULL,
  buyer_address     TEXT,
  buyer_vat_id      TEXT,
  buyer_country     TEXT NOT NULL,        -- accounts.country
  reverse_charge    INTEGER NOT NULL CHECK (reverse_charge IN (0, 1))
) STRICT, WITHOUT ROWID;

-- UBL e-invoices are issued documents too.
CREATE TABLE invoice_documents_009 (
  invoice         TEXT NOT NULL REFERENCES invoices (invoice),
  format          TEXT NOT NULL CHECK (format IN ('json', 'html', 'pdf', 'ubl')),
  sha256          TEXT NOT NULL,
  bytes           INTEGER NOT NULL,
  PRIMARY KEY (invoice, format)
) STRICT, WITHOUT ROWID;
INSERT INTO invoice_documents_009 SELECT invoice, format, sha256, bytes FROM invoice_documents;
DROP TABLE invoice_documents;
ALTER TABLE invoice_documents_009 RENAME TO invoice_documents;

-- Adjustments (billing.md §11): a one-off charge (positive) or credit
-- (negative) with a description, on an account's invoice for an open
-- period, taxed like usage.  Issuing marks each with its invoice; an
-- adjustment of an issued (closed) period never changes again.
CREATE TABLE adjustments (
  id              INTEGER PRIMARY KEY,
  account         TEXT NOT NULL,
  period          TEXT NOT NULL,          -- YYYY-MM
  amount          INTEGER NOT NULL CHECK (amount <> 0), -- micro-units, in minor units
  description     TEXT NOT NULL CHECK (description <> ''),
  created_at      TEXT NOT NULL,          -- UTC ISO 8601
  invoice         TEXT                    -- the invoice that billed it; NULL while open
) STRICT;
CREATE INDEX adjustments_by_period ON adjustments (period, account);

-- Invoice lines gain the kind 'adjustment' and its description.
CREATE TABLE invoice_lines_009 (
  invoice         TEXT NOT NULL REFERENCES invoices (invoice),
  line            INTEGER NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('recurring', 'usage', 'late_usage', 'adjustment')),
  number_type     TEXT,
  direction       TEXT,
  grp             TEXT,
  quantity        INTEGER NOT NULL,
  calls           INTEGER NOT NULL,
  billable        INTEGER NOT NULL,
  covered         INTEGER NOT NULL,
  amount          INTEGER NOT NULL,
  periods         TEXT,
  description     TEXT,                   -- adjustment: its description
  PRIMARY KEY (invoice, line)
) STRICT, WITHOUT ROWID;
INSERT INTO invoice_lines_009 (invoice, line, kind, number_type, direction, grp, quantity, calls,
                               billable, covered, amount, periods)
  SELECT invoice, line, kind, number_type, direction, grp, quantity, calls, billable, covered,
         amount, periods FROM invoice_lines;
DROP TABLE invoice_lines;
ALTER TABLE invoice_lines_009 RENAME TO invoice_lines;

-- Credit notes (billing.md §11) against an issued invoice: numbered
-- {invoice_prefix}-CN-{YYYYMM}-{seq}, YYYYMM the month (UTC) of the credit
-- note's date, seq from 1 per (operator, YYYYMM), no gaps; stored frozen.
-- Amounts are negative micro-units; the parties, names, currency and tax
-- rate are the credited invoice's.  A line copies the credited invoice's
-- line INVOICE_LINE (NULL: a credit of an amount, described by the reason).
CREATE TABLE credit_notes (
  credit_note     TEXT PRIMARY KEY,       -- NWT-CN-202612-0001
  operator        TEXT NOT NULL,
  yyyymm          TEXT NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq >= 1),
  invoice         TEXT NOT NULL REFERENCES invoices (invoice),
  issued_on       TEXT NOT NULL,          -- YYYY-MM-DD (UTC)
  reason          TEXT NOT NULL CHECK (reason <> ''),
  subtotal        INTEGER NOT NULL,
  tax             INTEGER NOT NULL,
  total           INTEGER NOT NULL CHECK (total < 0),
  UNIQUE (operator, yyyymm, seq)
) STRICT;
CREATE INDEX credit_notes_by_invoice ON credit_notes (invoice);

CREATE TABLE credit_note_lines (
  credit_note     TEXT NOT NULL REFERENCES credit_notes (credit_note),
  line            INTEGER NOT NULL,       -- 1.. in order
  invoice_line    INTEGER,                -- the credited invoice's line; NULL: an amount
  amount          INTEGER NOT NULL CHECK (amount <> 0), -- the line's amount negated
  PRIMARY KEY (credit_note, line)
) STRICT, WITHOUT ROWID;

-- Itemised calls (billing.md §11): an issued invoice of an account with
-- itemised = masked or full prints every billed call in its printable
-- documents; the mode and the zone of the local start times are frozen with
-- it (the calls themselves are the ratings it billed, which a closed period
-- never changes).
CREATE TABLE invoice_itemised (
  invoice         TEXT PRIMARY KEY REFERENCES invoices (invoice),
  mode            TEXT NOT NULL CHECK (mode IN ('masked', 'full')),
  zone            TEXT NOT NULL           -- IANA, the account's
) STRICT, WITHOUT ROWID;
