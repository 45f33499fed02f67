/* adjust.h — adjustments: one-off charges and credits on an open period's
 * invoice (billing.md §11).
 *
 * An adjustment is an amount (positive: a charge, negative: a credit) in
 * the account's currency, at most its minor digits, never 0, with a
 * description, for an account and a period that is still open for it.
 * invoice.h bills the period's adjustments of an account as `adjustment`
 * lines after its usage lines, in the order they were added, taxed like
 * usage; issuing marks each with its invoice.  A closed period (issued) is
 * never adjusted: that is what a credit note is for, and the refusal says
 * so (RATER_ERROR_DATA, exit 65).
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef struct {
  gint64 id;
  char *account;
  char *period;                 /* "YYYY-MM" */
  gint64 amount;                /* micro-units, in the currency's minor units */
  guint minor_units;            /* of the account's currency, for printing */
  char *currency;
  char *description;
  char *created_at;             /* UTC ISO 8601 */
  char *invoice;                /* the invoice that billed it; NULL: open */
} Adjustment;

void adjust_free (Adjustment *adjustment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Adjustment, adjust_free)

/* Add an adjustment of AMOUNT_TEXT ("-12.50") with DESCRIPTION to
 * ACCOUNT's PERIOD; its id in *ID.  RATER_ERROR_USAGE for an unknown
 * account, a bad period, amount (not a decimal, more decimals than the
 * currency, 0, above 1 000 000 000) or an empty description;
 * RATER_ERROR_DATA when the period is closed for the account. */
gboolean adjust_add (StoreDb *db, const char *account, const char *period,
                     const char *amount_text, const char *description, gint64 *id,
                     GError **error);

/* The adjustments (Adjustment *) of ACCOUNT and/or PERIOD (NULL: any), by
 * account, period, id. */
GPtrArray *adjust_list (StoreDb *db, const char *account, const char *period, GError **error);

/* Remove the adjustment ID (of ACCOUNT when not NULL).  RATER_ERROR_USAGE
 * when there is none; RATER_ERROR_DATA when its period is closed (it was
 * billed, or the period was issued without it). */
gboolean adjust_remove (StoreDb *db, gint64 id, const char *account, GError **error);
