/* outfile.h — output files that appear whole or not at all.
 *
 * An OutFile writes to a temporary file beside its destination, and on
 * outfile_commit() flushes, fsyncs and renames it into place; a run killed
 * half-way leaves at most a stray temporary, never a half-written output.
 * A NULL path writes to standard output instead.  CSV helpers quote a field
 * only when it needs it (RFC 4180).
 */
#pragma once

#include <glib.h>
#include <stdio.h>

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

/* Create DIR and its parents (mode 0755); RATER_ERROR_CANTCREAT naming it
 * on failure. */
gboolean outfile_mkdir (const char *dir, GError **error);

/* One CSV field of LEN bytes (-1: NUL-terminated), preceded by a comma unless
 * it is the first of its row; outfile_csv_end_row ends the row with LF. */
void outfile_csv_field (OutFile *out, const char *value, gssize len);
void outfile_csv_int (OutFile *out, gint64 value);
void outfile_csv_end_row (OutFile *out);
/* A whole header row from a comma-separated list of names. */
void outfile_csv_header (OutFile *out, const char *names);
