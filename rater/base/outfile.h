/* outfile.h — output files that appear whole or not at all.
 *
 * An OutFile writes to a temporary file beside its destination,
 * NAME.rater-tmp-XXXXXX (OUTFILE_TMP_INFIX: a name only rater makes, so the
 * nightly removes only its own strays), and on outfile_commit() flushes,
 * fsyncs and renames it into place; a run killed half-way leaves at most a
 * stray temporary, never a half-written output.  Files are created
 * OUTFILE_MODE (0640) and directories OUTFILE_DIR_MODE (0750), less the
 * umask: documents and exports hold personal data.
 *
 * A NULL path or "-" writes to standard output.  A path that is a device or
 * a FIFO is written directly, never replaced; a symbolic link is refused
 * (RATER_ERROR_CANTCREAT), neither followed nor replaced.
 *
 * CSV helpers quote a field only when it needs it (RFC 4180), and put a
 * leading ' before a cell a spreadsheet would run as a formula (it starts
 * with = + - @ tab or CR and is not a plain number ^[+-]?[0-9]+(\.[0-9]+)?$,
 * which stays as is: amounts, counts, E.164 numbers), as OWASP recommends.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

#define OUTFILE_TMP_INFIX ".rater-tmp-"   /* PATH OUTFILE_TMP_INFIX XXXXXX */
#define OUTFILE_MODE 0640
#define OUTFILE_DIR_MODE 0750

typedef struct _OutFile OutFile;

OutFile *outfile_open (const char *path, GError **error);
/* Like outfile_open, for a document that must never change once written (an
 * issued invoice): outfile_commit() then replaces an existing PATH only when
 * the new bytes are identical, and otherwise fails with
 * RATER_ERROR_CANTCREAT, leaving PATH as it was. */
OutFile *outfile_open_frozen (const char *path, GError **error);
/* Without a commit, the temporary is removed. */
void outfile_free (OutFile *out);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutFile, outfile_free)

FILE *outfile_stream (OutFile *out);
gboolean outfile_commit (OutFile *out, GError **error);

/* An OutGroup makes many output files durable together: an outfile_commit()
 * in a thread whose thread-default group is G (outgroup_push_thread_default)
 * flushes and closes its temporary (starting its write-back to disk without
 * waiting for it, sync_file_range(2), so the group's sync finds little left
 * to write), checks a frozen file's bytes as usual, and hands the temporary
 * to G instead of fsyncing and renaming it; nothing appears at its path
 * yet.  outgroup_commit() then syncs each file system
 * the group wrote on once (syncfs(2); fsync(2) of each file where that is
 * missing), renames every temporary into place in the order they were
 * committed, and fsyncs their directories — one sync for a thousand
 * invoices instead of a thousand.  A group freed before its commit removes
 * its temporaries: none of its files appears.  A process killed before the
 * renames leaves only temporaries (OUTFILE_TMP_INFIX), never a half-written
 * output.  Any thread may commit into a group (it has a lock); the
 * thread-default is per thread, set and cleared by push and pop, not nested. */
typedef struct _OutGroup OutGroup;

OutGroup *outgroup_new (void);
void outgroup_free (OutGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutGroup, outgroup_free)

void outgroup_push_thread_default (OutGroup *group);
void outgroup_pop_thread_default (OutGroup *group);
/* The files committed into GROUP so far. */
guint outgroup_pending (OutGroup *group);
/* Sync, rename and fsync the directories as above; the group is then empty
 * and can take more.  RATER_ERROR_CANTCREAT naming the path on failure, the
 * temporaries not yet renamed removed. */
gboolean outgroup_commit (OutGroup *group, GError **error);

/* Create DIR and its parents (mode 0750); RATER_ERROR_CANTCREAT naming it
 * on failure. */
gboolean outfile_mkdir (const char *dir, GError **error);

/* One CSV field of LEN bytes (-1: NUL-terminated), preceded by a comma unless
 * it is the first of its row; outfile_csv_end_row ends the row with LF. */
void outfile_csv_field (OutFile *out, const char *value, gssize len);
void outfile_csv_int (OutFile *out, gint64 value);
/* RAW TRUE: every CSV cell written from now on by this process is written
 * verbatim, without the formula guard (rater --csv-raw, for programs that
 * read the files); FALSE (the default) guards them again. */
void outfile_set_csv_raw (gboolean raw);
void outfile_csv_end_row (OutFile *out);
/* A whole header row from a comma-separated list of names. */
void outfile_csv_header (OutFile *out, const char *names);
