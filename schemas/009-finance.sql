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
