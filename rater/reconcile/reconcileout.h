/* reconcileout.h — the files `rater reconcile` writes under --out DIR.
 *
 * Every file is written whole or not at all (outfile), in a deterministic
 * order so that runs compare byte for byte:
 *
 *   matched.csv            every pair, by the left call's (start, key, line)
 *   duration-mismatch.csv  pairs whose durations differ by more than the
 *                          duration tolerance, same columns and order
 *   charge-mismatch.csv    pairs whose charges differ (reconcilecharge.h),
 *                          the pair columns plus accounts, statuses, charges
 *   left-only.csv          calls of one side with no partner, by
 *   right-only.csv         (start, key, line)
 *   summary.json           counts and minutes of each side and of the result
 *
 * Pair columns: left_key, right_key, matched_by (key|time), caller, callee,
 * direction (the left call's), left_start, right_start (UTC
 * YYYY-MM-DDTHH:MM:SSZ), start_delta_ms (right - left), left_duration,
 * right_duration, duration_delta (right - left, seconds).  Caller and callee
 * are the left call's, or the right call's where only the left one is
 * masked.  One-side columns: key, line, direction, caller, callee, start,
 * duration, answered.  Numbers print as E.164 digits without '+'; a masked
 * number prints its visible digits followed by one '*'; a withheld caller is
 * empty.  Charges print with 6 decimals.
 */
#pragma once

#include <glib.h>

#include "reconcile/reconcile.h"
#include "reconcile/reconcilecharge.h"

typedef struct {
  gint64 tolerance_ms;            /* --tolerance-seconds, in ms */
  gint64 duration_tolerance;      /* --duration-tolerance, seconds */
  /* per pair of match->pairs, or NULL when charges were not compared */
  const ReconCharge *left_charges, *right_charges;
  const char *charges_skipped;    /* why not (when the arrays are NULL) */
} ReconcileOutOptions;

typedef struct {
  guint64 duration_mismatch;      /* pairs in duration-mismatch.csv */
  guint64 charge_compared;        /* pairs with at least one side rated */
  guint64 charge_mismatch;        /* pairs in charge-mismatch.csv */
} ReconcileOutStats;

/* Create DIR when missing and write every file into it.  Fails with
 * RATER_ERROR_CANTCREAT when a file cannot be written. */
gboolean reconcileout_write (const char *dir, const ReconSide *left, const ReconSide *right,
                             const ReconMatch *match, const ReconcileOutOptions *opts,
                             ReconcileOutStats *stats, GError **error);
