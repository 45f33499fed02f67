/* reconcilecharge.c — rating reconciled calls against the stored catalog.
 *
 * Data model: the catalog's accounts as `rater rate` loads them
 * (rate-accounts.h: a RateAccount per account for the core — zone, compiled
 * deck, rounding unit — its name beside it, and the resolver from a call to
 * its account).  Calls are rated RATE_BATCH_MAX at a time through
 * ratecore_rate(); nothing is written anywhere.
 */
#include "config.h"

#include <string.h>

#include "rate/rate-accounts.h"
#include "reconcile/reconcilecharge.h"

struct _ReconCharger {
  RateAccounts *accounts;     /* the catalog's accounts, plans, decks, zones */
};

void
reconcilecharge_free (ReconCharger *c)
{
  if (!c)
    return;
  g_clear_pointer (&c->accounts, rate_accounts_free);
  g_free (c);
}

ReconCharger *
reconcilecharge_new (StoreDb *db, GError **error)
{
  g_autoptr(ReconCharger) c = g_new0 (ReconCharger, 1);
  if (!(c->accounts = rate_accounts_load (db, error)))
    return NULL;
  return g_steal_pointer (&c);
}

guint
reconcilecharge_n_accounts (const ReconCharger *c)
{
  return rate_accounts_len (c->accounts);
}

/* The index of R's account, or -1. */
static gint32
resolve (const ReconCharger *c, const ReconSide *side, const ReconRecord *r)
{
  const RaterNumber *own = r->direction == CDR_OUT ? &r->caller : &r->callee;
  CdrText tenant = reconcile_record_tenant (side, r);
  return rate_accounts_resolve (c->accounts, r->operator_slug, tenant.p, tenant.len, own, r->start_ms);
}

static void
batch_set (RateBatch *b, guint k, gint32 account, const ReconRecord *r)
{
  b->account[k] = account;
  b->start_ms[k] = r->start_ms;
  b->duration[k] = (gint32) MIN (r->duration, G_MAXINT32);
  b->direction[k] = r->direction;
  b->answered[k] = r->answered;
  memcpy (b->number[k], r->callee.digits, sizeof b->number[k]);
  b->number_len[k] = r->callee.len;
}

void
reconcilecharge_rate (const ReconCharger *c, const ReconSide *side, const guint32 *idx, guint n,
                      ReconCharge *out)
{
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  const RateAccount *accounts = rate_accounts_core (c->accounts);
  for (guint from = 0; from < n; from += RATE_BATCH_MAX)
    {
      b->n = MIN (n - from, RATE_BATCH_MAX);
      for (guint k = 0; k < b->n; k++)
        {
          const ReconRecord *r = &g_array_index (side->records, ReconRecord, idx[from + k]);
          batch_set (b, k, resolve (c, side, r), r);
        }
      ratecore_rate (accounts, b);
      for (guint k = 0; k < b->n; k++)
        out[from + k] = (ReconCharge) {
          .charge = b->status[k] == RATE_RATED ? b->charge[k] : 0,
          .account = b->account[k] >= 0 ? rate_accounts_info (c->accounts, b->account[k])->name : NULL,
          .status = b->status[k],
        };
    }
}
