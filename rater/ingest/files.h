/* files.h — the ingested CDR files: listing them, and taking one back out.
 *
 * Every ingested file has a `files` row (ingest.c): its name, SHA-256, time,
 * the source options it was read with and its counts.  A file ingested with
 * the wrong options (no --country: every row rejected; the wrong direction
 * rule) is corrected by withdrawing it and ingesting it again:
 *
 *   files_withdraw (db, id, reason, &w, error)
 *
 * removes, in one transaction, the file's calls with their ratings, its
 * rejects, its notes in `dropped_records`, its resume mark and its `files`
 * row (so its bytes are no longer "seen": the same file can be ingested
 * again, by hand or through a nightly incoming directory), and records what
 * was removed, why and when in `file_withdrawals`.  The next `rater rate`
 * re-rates the periods it touched: rate reads every call of the open
 * periods, so the withdrawn calls are gone from invoices and reports and a
 * re-ingested file's calls are rated like new ones.
 *
 * A file is refused (RATER_ERROR_DATA, naming the account, period and
 * invoice) when one of its calls is rated in a closed period or was billed
 * late on an issued invoice: an issued invoice never loses a call.
 *
 * Records of OTHER files that were dropped for this file's calls — their
 * duplicates, or legs of the same call that lost to the kept leg — are not
 * brought back: the withdrawal counts them per file (FilesWithdrawal.others)
 * so the command can say which files to withdraw and ingest again.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

/* One `files` row. */
typedef struct {
  gint64 id;
  const char *path;               /* as given to ingest */
  const char *sha256;             /* hex */
  const char *ingested_at;        /* UTC ISO 8601 */
  const char *format;             /* the format read (given or recognised) */
  const char *operator_slug;      /* --operator; NULL: the records' own */
  const char *options;            /* the source options (ingest_options_text); "" before schema 6 */
  gboolean complete;              /* FALSE: a stopped run left it half-ingested */
  gint64 records, calls, duplicates, merged_legs, internal, rejects;
} FilesEntry;

/* Called per row; the strings are valid during the call only. */
typedef gboolean (*FilesEntryFunc) (const FilesEntry *entry, gpointer data, GError **error);

/* Every file ingested on or after SINCE (YYYY-MM-DD, UTC; NULL: all), in id
 * order.  RATER_ERROR_USAGE for a SINCE that is not a date. */
gboolean files_list (StoreDb *db, const char *since, FilesEntryFunc func, gpointer data,
                     GError **error);

/* Records of another file dropped for the withdrawn file's calls. */
typedef struct {
  gint64 file_id;
  char *path;                     /* NULL when that file was withdrawn too */
  gint64 records;                 /* duplicates and merged legs */
} FilesOther;

typedef struct {
  gint64 file_id;
  char *path;
  gint64 calls;                   /* calls removed */
  gint64 ratings;                 /* their ratings removed */
  gint64 rejects;                 /* rejects removed */
  gint64 orphaned;                /* records of other files dropped for these calls */
  GArray *others;                 /* FilesOther, by file id: where ORPHANED are */
} FilesWithdrawal;

void files_withdrawal_clear (FilesWithdrawal *w);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FilesWithdrawal, files_withdrawal_clear)

/* Withdraw the file ID (see above) for REASON (non-empty), filling *OUT
 * (cleared first).  RATER_ERROR_USAGE when there is no such file,
 * RATER_ERROR_DATA when it is refused, RATER_ERROR_SOFTWARE for database
 * errors; nothing changes unless it returns TRUE. */
gboolean files_withdraw (StoreDb *db, gint64 id, const char *reason, FilesWithdrawal *out,
                         GError **error);
