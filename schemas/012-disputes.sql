-- 012: disputes (billing.md §11).  A call under dispute is held off drafts
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
