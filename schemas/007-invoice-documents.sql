-- 007: the digest of every issued invoice document written (billing.md §8).
--
-- Issuing a period again (the nightly does, every night after issue_day)
-- must leave its documents as they are, and never replace one with other
-- bytes.  Rendering every PDF again only to compare it took as long as the
-- first issue.  Each document written is recorded here with its SHA-256:
-- a file on disk with that digest is the document issued, and is not
-- rendered again; a missing or different file is rendered and compared as
-- before (a different file is never overwritten).  Drafts are not recorded.
CREATE TABLE invoice_documents (
  invoice         TEXT NOT NULL REFERENCES invoices (invoice),
  format          TEXT NOT NULL CHECK (format IN ('json', 'html', 'pdf')),
  sha256          TEXT NOT NULL,          -- hex, of the file as written
  bytes           INTEGER NOT NULL,
  PRIMARY KEY (invoice, format)
) STRICT, WITHOUT ROWID;
