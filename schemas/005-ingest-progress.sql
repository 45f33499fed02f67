-- 005: a big CDR file is stored in chunks, one transaction each (billing.md §3).
--
-- Each chunk's transaction also writes the file's counts so far (files) and
-- the line of the last record it stored (here); a run killed mid-file leaves
-- this row behind, and the next run over the same bytes resumes after that
-- line.  The file's last transaction deletes the row: a file without one is
-- complete (as is every file ingested before this migration, one transaction
-- each).  A table of its own, so `files` keeps its shape.
CREATE TABLE ingest_progress (
  file_id         INTEGER PRIMARY KEY,    -- files.id of a file not yet complete
  resume_line     INTEGER NOT NULL        -- line of the last record stored
) STRICT;
