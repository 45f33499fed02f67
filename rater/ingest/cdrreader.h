/* cdrreader.h — one CDR file read record by record through its format.
 *
 * The one way a CDR file is read, by ingest (into the store) and by
 * reconcile (into memory):
 *
 *   reader = cdrreader_new (&opts, error);      the options, checked once
 *   cdrreader_open (reader, path, error);       header read, format bound
 *   while (cdrreader_next (reader, &rec, error) == CDRREADER_RECORD)
 *     ... rec.outcome: a call, a skip or a reject, with its line and bytes
 *   cdrreader_free (reader);
 *
 * cdrreader_new turns the options into a CdrContext (country, area code,
 * zone, direction rule, context globs) and a format (a built-in, a loaded
 * profile, or none yet);
 * its errors are RATER_ERROR_USAGE (or a profile's load error) and name no
 * file.  cdrreader_open reads the file's first record: the header, or for a
 * headerless format the first record, which the first cdrreader_next then
 * returns.  Without a format it is recognised from the header
 * (cdrformats_detect).  A file that is plainly not its format — empty with a
 * header expected, a broken or unknown header, missing columns, a headerless
 * file that starts with a header row — is refused whole with
 * RATER_ERROR_DATA (or RATER_ERROR_USAGE when an option is missing, such as
 * --tz for local times); the message names no file, callers prefix it.
 *
 * A record that is not valid CSV, or that its format rejects, comes back as
 * a CDR_REJECT record with its reason and detail: it never stops reading.
 * Only an I/O error does (CDRREADER_ERROR).
 */
#pragma once

#include <glib.h>

#include "ingest/cdr.h"

typedef struct _CdrReader CdrReader;

typedef struct {
  const char *format;             /* a --format name, "profile:FILE", or NULL: told from the header */
  const char *format_hint;        /* how the user names a format, for "cannot tell the format
                                   * from the header: give HINT"; NULL: "--format" */
  const char *country;            /* --country (ISO 3166 alpha-2); NULL: none */
  const char *area_code;          /* --area-code of local numbers (needs country); NULL: none */
  const char *tz;                 /* --tz (IANA zone); NULL: none */
  CdrDirectionRule direction_by;  /* --direction-by for PBX formats */
  CdrContextGlobs contexts;       /* --inbound-context... for PBX formats (borrowed) */
  /* Called by cdrreader_open once the format is known, before it binds
   * FIRST (the header, or a headerless format's first record): return FALSE
   * with ERROR set to refuse the file.  NULL: every file is accepted. */
  gboolean (*accept) (const CdrFormat *format, const CsvRecord *first, gpointer data,
                      GError **error);
  gpointer accept_data;
} CdrReaderOptions;

typedef enum {
  CDRREADER_RECORD,               /* a record: see CdrRecord */
  CDRREADER_EOF,                  /* no more records */
  CDRREADER_ERROR,                /* I/O error: GError set */
} CdrReaderStatus;

/* One record of the file.  CALL borrows its text from the reader's current
 * record: it is valid until the next cdrreader_next. */
typedef struct {
  CdrOutcome outcome;             /* a call, not a call (skip), or a reject */
  guint64 line;                   /* 1-based line where the record starts */
  const char *raw;                /* the record's bytes, line ending excluded */
  gsize raw_len;
  CdrCall call;                   /* CDR_CALL: the normalised call */
  CdrReject reject;               /* CDR_REJECT: reason and detail (csv_syntax for broken CSV) */
} CdrRecord;

/* A reader for OPTS (copied; its strings are borrowed and must outlive the
 * reader).  NULL on a bad option (see above). */
CdrReader *cdrreader_new (const CdrReaderOptions *opts, GError **error);
void cdrreader_free (CdrReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdrReader, cdrreader_free)

/* Open PATH, read its first record, pick and bind the format.  A reader
 * reads one file: call it once.  FALSE when the file is refused (see above). */
gboolean cdrreader_open (CdrReader *reader, const char *path, GError **error);

/* The format given or recognised; NULL before a successful open when none
 * was given.  Owned by the reader. */
const CdrFormat *cdrreader_format (const CdrReader *reader);

/* The next record of the open file into *RECORD. */
CdrReaderStatus cdrreader_next (CdrReader *reader, CdrRecord *record, GError **error);

/* Bytes read so far and the file's size, for progress. */
guint64 cdrreader_position (const CdrReader *reader);
guint64 cdrreader_size (const CdrReader *reader);
