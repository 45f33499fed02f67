/* dispute.h — disputed calls (billing.md §11).
 *
 * A customer disputes one call, named OPERATOR:KEY (calls.operator and
 * calls.call_key).  While the dispute is open the call is held: invoice.h
 * leaves it off the usage and late-usage lines of drafts and issuing and
 * counts it as held on the draft (Invoice.held_calls, held_amount).  One
 * dispute per call, ever (schemas/012-disputes.sql).
 *
 * Resolved *upheld*, the call is never billed.  When an issued invoice had
 * already billed it (the dispute was opened after issuing), the dispute
 * records that invoice and the credit due: round_half_up of the call's
 * charge to the currency's minor units, net, for `rater invoice credit
 * INVOICE --amount X` (the caller prints that command; resolving issues
 * no credit note itself).
 *
 * Resolved *rejected*, the call is billed: as usage of its own period
 * while that is still open for the account; when the period was issued
 * while the dispute was open (issue.c sets held_closed), as `late_usage`
 * on the account's next issued invoice, which marks it billed
 * (late_invoice), so exactly once.
 *
 * Errors: RATER_ERROR_USAGE (exit 64) for a reference that is not
 * OPERATOR:KEY, an unknown call, an empty or overlong reason;
 * RATER_ERROR_DATA (exit 65) for a call disputed before (opening) or with
 * no open dispute (resolving).
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef enum {
  DISPUTE_OPEN,
  DISPUTE_UPHELD,
  DISPUTE_REJECTED,
} DisputeStatus;

typedef struct {
  char *operator_slug;
  char *call_key;
  char *account;                /* the rating's account (else the call's); NULL: none */
  char *period;                 /* the rating's period; NULL: not rated */
  gint64 charge;                /* micro-units; 0 when not rated */
  char *currency;               /* NULL: unknown account */
  guint minor_units;
  DisputeStatus status;
  char *reason;
  char *opened_by, *opened_at;  /* UTC ISO 8601 */
  char *resolved_by, *resolved_at; /* NULL while open */
  char *resolution;             /* NULL: none given */
  gboolean held_closed;         /* its period was issued while it was open */
  char *late_invoice;           /* rejected: the invoice that billed it late; NULL: none */
  char *billed_invoice;         /* upheld: the invoice that had billed it; open: the
                                 * invoice that has billed it so far; NULL: none */
  gint64 credit_due;            /* with BILLED_INVOICE: the net amount to credit (when
                                 * upheld), in minor units (micro-units); else 0 */
} Dispute;

void dispute_free (Dispute *dispute);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dispute, dispute_free)

const char *dispute_status_to_string (DisputeStatus status);

/* Open a dispute on the call REF ("OPERATOR:KEY") with REASON, by BY
 * (who; 1..256 bytes), now (time_now_ms: RATER_NOW-aware). */
gboolean dispute_open (StoreDb *db, const char *ref, const char *reason, const char *by,
                       GError **error);

/* Resolve the open dispute on REF as OUTCOME (DISPUTE_UPHELD or
 * DISPUTE_REJECTED), with RESOLUTION (NULL: none) by BY, now.  The
 * dispute as it is afterwards in *RESULT (NULL: not wanted). */
gboolean dispute_resolve (StoreDb *db, const char *ref, DisputeStatus outcome,
                          const char *resolution, const char *by, Dispute **result,
                          GError **error);

/* The disputes (Dispute *), open only when OPEN_ONLY, of ACCOUNT and/or
 * PERIOD (NULL: any), by operator and key. */
GPtrArray *dispute_list (StoreDb *db, gboolean open_only, const char *account,
                         const char *period, GError **error);
