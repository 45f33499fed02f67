/* reconcilecharge.h — what rater would charge for each side of a matched call.
 *
 * The CDR sources being reconciled rarely state a price (SBC CDRs never do;
 * the Teams PSTN export's Charge column is Microsoft's Calling Plan price, not
 * the operator's), so a charge mismatch is judged on what rater itself would
 * bill: each side's call is rated against the catalog in the database with
 * the in-memory rating core (billing.md §4-§5) — account resolved as ingest
 * does (tenant id, else the own number at the start), the plan's deck, the
 * start's band in the account's zone, the increment and the plan's per-call
 * rounding.  Bundles (§6) are not applied: they depend on the whole period's
 * other calls, so the charge is the call's price before any bundle.  A pair
 * whose durations differ by a second under a 60/60 increment thus costs the
 * same on both sides and is no charge mismatch; a masked number that rates at
 * a shorter prefix, or a start skewed across a band boundary, is.
 *
 * The charger touches the database only in reconcilecharge_new().
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "rate/ratecore.h"
#include "reconcile/reconcile.h"

typedef struct {
  gint64 charge;              /* micro-units of the account's currency; 0 unless rated */
  const char *account;        /* owned by the charger; NULL when it did not resolve */
  guint8 status;              /* RateStatus */
} ReconCharge;

typedef struct _ReconCharger ReconCharger;

/* Load the catalog of DB (accounts, plans, decks, zones). */
ReconCharger *reconcilecharge_new (StoreDb *db, GError **error);
void reconcilecharge_free (ReconCharger *charger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReconCharger, reconcilecharge_free)

/* How many accounts the catalog has (0: nothing can be rated). */
guint reconcilecharge_n_accounts (const ReconCharger *charger);

/* Rate the calls SIDE->records[IDX[k]] for k < N into OUT[k].  The operator
 * of a call is its record's operator (--operator or the operator column); a
 * call without one, or whose account does not resolve, is RATE_UNRATED. */
void reconcilecharge_rate (const ReconCharger *charger, const ReconSide *side, const guint32 *idx,
                           guint n, ReconCharge *out);
