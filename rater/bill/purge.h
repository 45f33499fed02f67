/* purge.h — retention: deleting the call detail of issued periods
 * (billing.md §11 "Retention", cli.md `rater purge`).
 *
 * purge_before() purges every period (ratings.period, YYYY-MM) strictly
 * before a month, one transaction per period, oldest first.  A period is
 * purged only when it is closed: every account with a rating in it has
 * issued it (closed_periods) and at least one has.  It deletes the
 * period's ratings, their calls and the records dropped for them
 * (dropped_records), and clears the raw bytes of the rejects of every file
 * none of whose calls is left (purged_files); the files rows stay, so the
 * same file ingested again is skipped as already ingested.  Invoices,
 * credit notes, their lines, the documents' digests and the aggregates
 * (schemas/010) stay: the purge turns the aggregates' journal off for its
 * deletes (and drops what the delete trigger journalled), so reports of a
 * purged period still read the aggregates, and aggregates_rebuild() keeps
 * a purged period's rows as they are.
 *
 * Itemised invoices (invoice_itemised) that billed a call of the period
 * are frozen first (invoice_frozen_calls, schemas/013): invoice_calls()
 * reads them from there, so `rater invoice issue` still writes an issued
 * invoice's documents byte for byte.
 *
 * A closed period is refused (left as it is, named in the result) while
 *  - a call of it is under an open dispute: resolve the disputes first;
 *  - a late call of it is not billed yet (rated late, or a rejected
 *    dispute's call, waiting for the account's next issued invoice): issue
 *    the next period first.
 * Open periods are left alone, and named in the result too.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef struct {
  char *period;                 /* YYYY-MM */
  guint64 calls;                /* calls (and their ratings) deleted */
  guint64 rejects;              /* rejects whose raw bytes were cleared */
  guint64 files;                /* files none of whose calls is left */
  guint64 frozen;               /* itemised invoices whose calls were frozen */
} PurgedPeriod;

typedef struct {
  GPtrArray *purged;            /* PurgedPeriod *, oldest first */
  GPtrArray *refused;           /* char *: "PERIOD: why; the fix" */
  GPtrArray *open;              /* char *: "PERIOD (open for ACCOUNT...)" */
} PurgeResult;

void purge_result_free (PurgeResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PurgeResult, purge_result_free)

/* Purge the closed periods of DB before BEFORE ("YYYY-MM"): see above.
 * DRY_RUN: every period is purged in its transaction and rolled back, so
 * the result says exactly what a purge would do.  Returns NULL with
 * RATER_ERROR_USAGE for a BEFORE that is not YYYY-MM, or
 * RATER_ERROR_SOFTWARE for a database error (the period being purged rolled
 * back, the ones before it purged).  Refused periods are not an error here:
 * the caller says what to do about them. */
PurgeResult *purge_before (StoreDb *db, const char *before, gboolean dry_run, GError **error);

/* The month N months before the month of DATE ("YYYY-MM-DD..." or
 * "YYYY-MM"), as "YYYY-MM"; NULL when DATE does not start so. */
char *purge_months_back (const char *date, guint n);
