/* ingest.h — CDR files into normalised calls and rejects (billing.md §3).
 *
 * ingest_file() reads one file through the CdrReader (cdrreader.h, the same
 * reader reconcile uses: format given or recognised, the header bound, each
 * record a call, a skip or a reject) and stores every call (account resolved
 * against the catalog) and every reject (file, line, reason code, detail,
 * raw bytes) together with the file's row in `files`, in transactions of
 * about a million rows, each carrying the file's counts and progress (the
 * line of its last record).  A process killed mid-file leaves whole chunks;
 * the next run over the same bytes resumes after the last one, so nothing is
 * stored twice or lost.  A file whose SHA-256 was ingested completely before
 * is skipped; a call whose (operator, call key) is already stored is a
 * duplicate and dropped, and the legs of one call (Teams Direct Routing,
 * Asterisk forks, FreeSWITCH A and B legs) are one call whose
 * highest-ranked leg is kept whatever the order they arrive in
 * (callwriter.h).  Internal calls are counted, not stored.  The options a
 * file was read with are stored with its row (`rater files list`), and every
 * dialplan context whose direction was guessed by the built-in rule is
 * reported once per file with its count (g_message: stderr and the log).
 * While a file goes in, SQLite's page cache and mmap are sized from the
 * database and the file (the unique key index must stay cached).
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "ingest/cdr.h"

/* Rejects a command shows per file (stderr, the log) before "... N more". */
#define INGEST_REJECTS_SHOWN 20

typedef struct {
  const char *operator_slug;      /* --operator; NULL: the records' operator column */
  const char *format;             /* --format; NULL: recognised from the header */
  const char *country;            /* --country (ISO 3166 alpha-2); NULL: none */
  const char *tz;                 /* --tz (IANA); NULL: none */
  CdrDirectionRule direction_by;  /* --direction-by for PBX formats */
  guint max_reported;             /* rejects logged per file before "... N more" */
  /* Called every few thousand records and once at the end of a file with
   * the bytes read so far and the file's size; NULL for none. */
  void (*progress) (const char *path, guint64 done, guint64 total, gpointer data);
  gpointer progress_data;
  CdrContextGlobs contexts;       /* --inbound-context... for PBX formats (borrowed) */
  const char *area_code;          /* --area-code of local numbers; NULL: none */
} IngestOptions;

typedef struct {
  guint files;                    /* files ingested */
  guint skipped_files;            /* files already ingested before (same bytes) */
  guint64 records;                /* records read: calls + duplicates + merged legs
                                   * + internal + rejects */
  guint64 calls;                  /* new calls stored */
  guint64 duplicates;             /* records whose call was already stored */
  guint64 merged_legs;            /* legs joined to another leg of their call */
  guint64 internal;               /* calls inside the PBX: counted, not stored */
  guint64 guessed;                /* calls whose direction the built-in context rule
                                   * guessed (each context reported once per file) */
  GHashTable *guessed_contexts;   /* NULL, or (set by the caller, who owns it) a
                                   * g_str_hash table that ingest_file fills with
                                   * context -> records guessed (GSIZE_TO_POINTER),
                                   * summed over the files */
  guint64 rejects;                /* records stored as rejects */
  guint64 ignored;                /* records that are not calls (format filters) */
  guint64 unknown_account;        /* new calls whose account did not resolve */
} IngestStats;

typedef struct _Ingest Ingest;

/* Prepare ingestion into DB (loads the catalog). */
Ingest *ingest_new (StoreDb *db, GError **error);
void ingest_free (Ingest *ingest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ingest, ingest_free)

/* Ingest PATH (or the rest of it, after a stopped run), adding this run's
 * counts to *STATS.  Fails with RATER_ERROR_DATA when the file is refused
 * whole (unreadable, empty, wrong header), RATER_ERROR_USAGE for bad options
 * (--tz, --country, --format, an operator missing or not in the catalog),
 * RATER_ERROR_SOFTWARE for database errors; a refused file leaves nothing,
 * a failure mid-file leaves the chunks committed before it (the next run
 * resumes after them).  Errors about the options
 * name no file; the others are prefixed "'PATH': ".  ERROR may be NULL. */
gboolean ingest_file (Ingest *ingest, const char *path, const IngestOptions *opts,
                      IngestStats *stats, GError **error);

/* The source options of OPTS as command-line options
 * ("--country=DE --tz=Europe/Berlin --inbound-context='stadion-*'"), what
 * the `files` row records.  Free with g_free. */
char *ingest_options_text (const IngestOptions *opts);
