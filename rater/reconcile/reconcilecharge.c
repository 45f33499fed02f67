/* reconcilecharge.c — rating reconciled calls against the stored catalog.
 *
 * Data model: the accounts of the catalog as a RateAccount array (zone,
 * compiled deck, rounding unit) with a name -> index table, the same view
 * `rater rate` builds, and the catalog's operator/tenant/number index for
 * account resolution.  Calls are rated RATE_BATCH_MAX at a time through
 * ratecore_rate(); nothing is written anywhere.
 */
#include "config.h"

#include <string.h>

#include "catalog/catalog.h"
#include "reconcile/reconcilecharge.h"
#include "base/store.h"
#include "rate/tariff-cache.h"

struct _ReconCharger {
  RaterCatalog *catalog;
  GArray *accounts;           /* RateAccount */
  GPtrArray *names;           /* account names, same index */
  GHashTable *index;          /* name -> index + 1 */
  TariffCache *tariffs;       /* the plans' decks */
  GHashTable *zones;          /* zone -> TzMap */
};

void
reconcilecharge_free (ReconCharger *c)
{
  if (!c)
    return;
  g_clear_pointer (&c->catalog, catalog_free);
  g_clear_pointer (&c->accounts, g_array_unref);
  g_clear_pointer (&c->index, g_hash_table_unref);
  g_clear_pointer (&c->names, g_ptr_array_unref);
  g_clear_pointer (&c->tariffs, tariff_cache_free);
  g_clear_pointer (&c->zones, g_hash_table_unref);
  g_free (c);
}

static const char *
column_text (sqlite3_stmt *st, int i)
{
  const char *t = (const char *) sqlite3_column_text (st, i);
  return t ? t : "";
}

static gboolean
load_account (ReconCharger *c, sqlite3 *db, sqlite3_stmt *st, GError **error)
{
  RateAccount a = {
    .zone = tzmap_cache_get (c->zones, column_text (st, 1), error),
    .tariff = a.zone ? tariff_cache_get (c->tariffs, column_text (st, 2), error) : NULL,
    .decimals_unit = ratecore_decimals_unit (sqlite3_column_int64 (st, 3)),
  };
  if (!a.zone || !a.tariff)
    return FALSE;
  char *name = g_strdup (column_text (st, 0));
  g_array_append_val (c->accounts, a);
  g_ptr_array_add (c->names, name);
  g_hash_table_insert (c->index, name, GUINT_TO_POINTER (c->accounts->len));
  return TRUE;
}

static gboolean
load_accounts (ReconCharger *c, sqlite3 *db, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db,
    "SELECT a.account, a.timezone, p.deck, p.call_decimals"
    " FROM accounts a JOIN plans p USING (plan) ORDER BY a.account", error);
  if (!st)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (!load_account (c, db, st, error))
      return FALSE;
  return rc == SQLITE_DONE || store_set_error (error, db, "loading accounts");
}

ReconCharger *
reconcilecharge_new (sqlite3 *db, GError **error)
{
  g_autoptr(ReconCharger) c = g_new0 (ReconCharger, 1);
  c->accounts = g_array_new (FALSE, FALSE, sizeof (RateAccount));
  c->names = g_ptr_array_new_with_free_func (g_free);
  c->index = g_hash_table_new (g_str_hash, g_str_equal);
  c->tariffs = tariff_cache_new (db);
  c->zones = tzmap_cache_new ();
  if (!(c->catalog = catalog_load (db, error)) || !load_accounts (c, db, error))
    return NULL;
  return g_steal_pointer (&c);
}

guint
reconcilecharge_n_accounts (const ReconCharger *c)
{
  return c->accounts->len;
}

/* The index of R's account, or -1. */
static gint32
resolve (const ReconCharger *c, const ReconSide *side, const ReconRecord *r)
{
  const CatalogOperator *op = r->operator_slug ? catalog_operator (c->catalog, r->operator_slug) : NULL;
  if (!op)
    return -1;
  const RaterNumber *own = r->direction == CDR_OUT ? &r->caller : &r->callee;
  CdrText tenant = reconcile_record_tenant (side, r);
  const char *name = catalog_resolve_account (op, tenant.p, tenant.len, own, r->start_ms);
  return name ? (gint32) GPOINTER_TO_UINT (g_hash_table_lookup (c->index, name)) - 1 : -1;
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
  const RateAccount *accounts = (const RateAccount *) (void *) c->accounts->data;
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
          .account = b->account[k] >= 0 ? c->names->pdata[b->account[k]] : NULL,
          .status = b->status[k],
        };
    }
}
