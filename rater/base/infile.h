/* infile.h — opening input files (CDRs, catalog sheets) safely.
 *
 * An input must be a regular file: a FIFO would block a read forever and a
 * device never ends, so infile_open() opens with O_NONBLOCK (which never
 * waits for a FIFO's writer), checks the descriptor with fstat(2) — race
 * free: the checked file is the one read — and only then clears O_NONBLOCK.
 *
 * infile_lock() serialises two rater processes ingesting the same file: an
 * exclusive flock(2) on it, waited for, held while it is ingested.
 */
#pragma once

#include <glib.h>

/* A descriptor open for reading on the regular file PATH, or -1 with
 * RATER_ERROR_DATA: "cannot open 'PATH': reason" or "PATH: not a regular
 * file". */
int infile_open (const char *path, GError **error);

/* infile_open (PATH) holding an exclusive flock(2), taken after any other
 * holder (another rater ingesting PATH) lets go.  close(2) releases it. */
int infile_lock (const char *path, GError **error);
