-- 012: disputes (billing.md §11), and the digests of credit note documents.  A call under dispute is held off drafts
-- and issuing; resolved upheld it is never billed (credited when it was),
-- resolved rejected it is billed: as usage of its period while that is
-- open, else as late usage on the account's next issued invoice, once.
-- (Number 010 is another branch's.)
--
-- One dispute per call, ever: a resolved dispute is never reopened.
CREATE TABLE disputes (
  call_id         INTEGER PRIMARY KEY,    -- calls.id of OPERATOR:KEY
  operator        TEXT NOT NULL,
  call_key        TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
  reason          TEXT NOT NULL CHECK (reason <> ''),
  opened_by       TEXT NOT NULL,
  opened_at       TEXT NOT NULL,          -- UTC ISO 8601
  resolved_by     TEXT,                   -- NULL while open
  resolved_at     TEXT,
  resolution      TEXT,                   -- the reason given when resolving; NULL: none
  -- 1: the call's period was closed (issued) while the dispute was open, so
  -- the invoice of that period does not bill it; a rejected dispute's call is
  -- then late usage of the next invoice.  Set by issuing (issue.c).
  held_closed     INTEGER NOT NULL DEFAULT 0 CHECK (held_closed IN (0, 1)),
  late_invoice    TEXT,                   -- the invoice that billed it as late usage
  billed_invoice  TEXT                    -- upheld: the issued invoice that had billed it
                                          -- (a credit note is due); NULL: none
) STRICT;
CREATE INDEX disputes_by_status ON disputes (status);

-- The digest of every credit note document written, as invoice_documents
-- (007) records issued invoices': `rater invoice credit CN --out DIR`
-- again leaves a file on disk with that digest as it is, unrendered.
CREATE TABLE credit_note_documents (
  credit_note     TEXT NOT NULL REFERENCES credit_notes (credit_note),
  format          TEXT NOT NULL CHECK (format IN ('json', 'csv', 'html', 'pdf', 'ubl')),
  sha256          TEXT NOT NULL,          -- hex, of the file as written
  bytes           INTEGER NOT NULL,
  PRIMARY KEY (credit_note, format)
) STRICT, WITHOUT ROWID;
