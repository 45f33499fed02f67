/* nightly-files.h — the files of the nightly run: its lock, the incoming
 * files of a source, and where an ingested or refused file goes.
 *
 * A file leaves its incoming directory by rename(2) into a directory of
 * ARCHIVE or QUARANTINE (which must be on the same file system): as NAME,
 * or NAME.1, NAME.2... when that directory already holds other bytes under
 * NAME.  When it holds the same bytes under one of those names (a killed
 * run moved it but did not record the move), the incoming copy is only
 * removed.  A quarantined file gets a NAME.reason text beside it.
 */
#pragma once

#include <glib.h>

#include "nightly/nightly-config.h"

/* Open (creating it) and flock(2) the lock file PATH; with WAIT block until
 * it is free, else fail with RATER_ERROR_TEMPFAIL when another process
 * holds it.  Returns the descriptor, to close(2) to release the lock, or -1
 * (RATER_ERROR_CANTCREAT when PATH cannot be opened). */
int nightly_files_lock (const char *path, gboolean wait, GError **error);

/* Claim the incoming file PATH for this worker (sharded nightly runs, which
 * share their incoming directories): flock(2) its directory, waiting while
 * another worker holds it (not the file: ingest locks that itself,
 * infile.h).  Returns the descriptor, to close(2) once the file is
 * archived or quarantined; -1 when PATH is gone (another worker took it);
 * -2 when the directory cannot be locked (the file is then taken
 * unclaimed). */
int nightly_files_claim (const char *path);

/* Remove under DIR, recursively, the temporaries NAME.rater-tmp-XXXXXX
 * (outfile.h) that a killed run left, logging each: regular files of that
 * name only, which no one but rater makes (symbolic links are neither
 * removed nor followed). */
void nightly_files_remove_temporaries (const char *dir);

/* The files of SOURCE waiting in its directory, as paths in byte order:
 * regular files matching its pattern, without hidden files and *.part or
 * *.tmp.  RATER_ERROR_DATA when the directory cannot be read. */
GPtrArray *nightly_files_incoming (const NightlySource *source, GError **error);

/* What tells that a file changed: its size, mtime and inode. */
typedef struct {
  gint64 size;                  /* bytes */
  gint64 mtime_ns;              /* nanoseconds since the epoch */
  guint64 inode;
} NightlyFileStamp;

/* *STAMP of PATH; FALSE when it cannot be stat(2)ed (it went away). */
gboolean nightly_files_stamp (const char *path, NightlyFileStamp *stamp);
gboolean nightly_files_stamp_equal (const NightlyFileStamp *a, const NightlyFileStamp *b);

/* Keep in FILES (paths) only those that have settled: unchanged for SETTLE
 * seconds of the real clock.  A file last modified longer ago is taken at
 * once; for the others this waits (once, until the newest would have
 * settled) and looks again: one that changed meanwhile is moved to
 * UNSETTLED (still being written: for the next run), one that went away is
 * dropped.  SETTLE 0 takes every file at once.  The order is kept. */
void nightly_files_settle (GPtrArray *files, guint settle, GPtrArray *unsettled);

/* Move PATH into DIR (created when missing) as above; *MOVED receives the
 * path it now has.  RATER_ERROR_CANTCREAT when it cannot be moved. */
gboolean nightly_files_archive (const char *path, const char *dir, char **moved,
                                GError **error);

/* nightly_files_archive, with REASON and a newline written to
 * <*MOVED>.reason first. */
gboolean nightly_files_quarantine (const char *path, const char *dir, const char *reason,
                                   char **moved, GError **error);
