-- 006: ingested files can be listed and withdrawn; legs of one call join
-- across files; internal calls are counted (billing.md §3, cli.md `files`).
--
-- files: the source options a file was read with (as command-line options,
-- "--country=DE --tz=Europe/Berlin --inbound-context=stadion-pstn"), and the
-- merged legs and internal calls among its records.  Files ingested before
-- this migration have empty options.
ALTER TABLE files ADD COLUMN options TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN merged_legs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;

-- The other key a call is known by: a FreeSWITCH A leg names its B leg's
-- uuid (bleg_uuid); the call is stored under the A leg's uuid with the B
-- leg's here, so a B leg arriving later, in any file, finds its call.
ALTER TABLE calls ADD COLUMN leg_key TEXT;
CREATE INDEX calls_by_leg_key ON calls (leg_key, operator) WHERE leg_key IS NOT NULL;

-- A record dropped for a stored call: a duplicate of it, or a leg of the
-- same call that lost to the kept one, whatever file either came from.
-- Withdrawing the file that holds the call says how many records of other
-- files went with it (they are not brought back behind the user's back).
CREATE TABLE dropped_records (
  file_id         INTEGER NOT NULL,       -- files.id of the dropped record
  line            INTEGER NOT NULL,
  call_id         INTEGER NOT NULL,       -- calls.id it was dropped for
  kind            TEXT NOT NULL CHECK (kind IN ('duplicate', 'merged_leg'))
) STRICT;
CREATE INDEX dropped_by_call ON dropped_records (call_id);
CREATE INDEX dropped_by_file ON dropped_records (file_id);

-- The audit of `rater files withdraw`: the file's row as it was, what was
-- removed, why and when.  The files row itself is deleted, so the same
-- bytes can be ingested again.
CREATE TABLE file_withdrawals (
  id              INTEGER PRIMARY KEY,
  file_id         INTEGER NOT NULL,       -- files.id it had
  sha256          TEXT NOT NULL,
  path            TEXT NOT NULL,
  format          TEXT NOT NULL,
  options         TEXT NOT NULL,
  ingested_at     TEXT NOT NULL,          -- UTC ISO 8601
  calls           INTEGER NOT NULL,       -- calls removed
  ratings         INTEGER NOT NULL,       -- ratings removed
  rejects         INTEGER NOT NULL,       -- rejects removed
  orphaned        INTEGER NOT NULL,       -- records of other files dropped for its calls
  reason          TEXT NOT NULL,
  withdrawn_at    TEXT NOT NULL           -- UTC ISO 8601
) STRICT;
