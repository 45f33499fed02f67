/* rate-accounts.c — loading the catalog's accounts for rating, once.
 *
 * Data model: CORE (RateAccount) and INFO (RateAccountInfo) are parallel,
 * indexed by the account's place in account order; BY_NAME maps a name to
 * its index + 1 (0 is "absent" in a GHashTable).  The decks and zones the
 * RateAccounts point at are owned by TARIFFS and ZONES; CATALOG resolves a
 * call to an account name, which BY_NAME turns into the index.  An account
 * whose plan has peak hours of its own, or whose country has holidays, gets
 * a RateCalendar (owned by CALENDARS; HOLIDAYS holds the days); the others
 * keep §4's fixed hours (calendar NULL).
 */
#include "config.h"

#include <string.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"
#include "catalog/catalog.h"
#include "rate/rate-accounts.h"
#include "rate/tariff-cache.h"

struct _RateAccounts {
  RaterCatalog *catalog;      /* the account resolver */
  GArray *core;               /* RateAccount */
  GPtrArray *info;            /* RateAccountInfo, same index */
  GHashTable *by_name;        /* name -> index + 1 */
  TariffCache *tariffs;       /* the plans' decks */
  GHashTable *zones;          /* zone -> TzMap */
  GHashTable *holidays;       /* country -> GArray of gint32 local days, sorted */
  GPtrArray *calendars;       /* RateCalendar, those the RateAccounts point at */
};

static void
account_info_free (gpointer p)
{
  RateAccountInfo *a = p;
  g_free (a->name);
  g_strfreev (a->bundle_groups);
  g_free (a);
}

void
rate_accounts_free (RateAccounts *accounts)
{
  if (!accounts)
    return;
  g_clear_pointer (&accounts->catalog, catalog_free);
  g_clear_pointer (&accounts->core, g_array_unref);
  g_clear_pointer (&accounts->by_name, g_hash_table_unref);
  g_clear_pointer (&accounts->info, g_ptr_array_unref);
  g_clear_pointer (&accounts->tariffs, tariff_cache_free);
  g_clear_pointer (&accounts->zones, g_hash_table_unref);
  g_clear_pointer (&accounts->holidays, g_hash_table_unref);
  g_clear_pointer (&accounts->calendars, g_ptr_array_unref);
  g_free (accounts);
}

/* One holiday at ST's row (country, date) into ACCOUNTS->holidays. */
static gboolean
load_holiday (StoreStmt *st, gpointer data, GError **error)
{
  RateAccounts *accounts = data;
  const char *country = store_column_text (st, 0), *date = store_column_text (st, 1);
  gint64 days;
  if (time_parse_date (date, strlen (date), &days) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "holiday '%s' of %s is not a date: "
                   "import the catalog again", date, country);
      return FALSE;
    }
  GArray *list = g_hash_table_lookup (accounts->holidays, country);
  if (!list)
    {
      list = g_array_new (FALSE, FALSE, sizeof (gint32));
      g_hash_table_insert (accounts->holidays, g_strdup (country), list);
    }
  gint32 day = (gint32) days;
  g_array_append_val (list, day);   /* the query sorts them */
  return TRUE;
}

/* The calendar of a plan (peak days, from, to) in a COUNTRY, or NULL when
 * it is §4's with no holidays. */
static const RateCalendar *
account_calendar (RateAccounts *accounts, const char *country, gint64 peak_days,
                  gint64 peak_from, gint64 peak_to)
{
  GArray *days = g_hash_table_lookup (accounts->holidays, country);
  if (!days && peak_days == 31 && peak_from == 8 * 3600 && peak_to == 18 * 3600)
    return NULL;
  RateCalendar *cal = g_new0 (RateCalendar, 1);
  cal->peak_days = (guint8) peak_days;
  cal->peak_from = (gint32) peak_from;
  cal->peak_to = (gint32) peak_to;
  cal->holidays = days ? (const gint32 *) (void *) days->data : NULL;
  cal->n_holidays = days ? days->len : 0;
  g_ptr_array_add (accounts->calendars, cal);
  return cal;
}

static RateRounding
rounding_of (const char *name)
{
  return g_str_equal (name, "half_up") ? RATE_ROUND_HALF_UP
         : g_str_equal (name, "down") ? RATE_ROUND_DOWN : RATE_ROUND_UP;
}

/* The account at ST's row (account, timezone, deck, call_decimals,
 * bundle_minutes, bundle_groups, call_rounding, peak_days, peak_from,
 * peak_to, country). */
static gboolean
load_account (StoreStmt *st, gpointer data, GError **error)
{
  RateAccounts *accounts = data;
  RateAccount a = {
    .zone = tzmap_cache_get (accounts->zones, store_column_text (st, 1), error),
    .tariff = a.zone ? tariff_cache_get (accounts->tariffs, store_column_text (st, 2), error) : NULL,
    .decimals_unit = ratecore_decimals_unit (store_column_int64 (st, 3)),
    .calendar = account_calendar (accounts, store_column_text (st, 10), store_column_int64 (st, 7),
                                  store_column_int64 (st, 8), store_column_int64 (st, 9)),
    .rounding = (guint8) rounding_of (store_column_text (st, 6)),
  };
  if (!a.zone || !a.tariff)
    return FALSE;
  RateAccountInfo *info = g_new0 (RateAccountInfo, 1);
  info->name = g_strdup (store_column_text (st, 0));
  info->bundle_minutes = store_column_int64 (st, 4);
  info->bundle_groups = g_strsplit (store_column_text (st, 5), "|", -1);
  g_array_append_val (accounts->core, a);
  g_ptr_array_add (accounts->info, info);
  g_hash_table_insert (accounts->by_name, info->name, GUINT_TO_POINTER (accounts->core->len));
  return TRUE;
}

RateAccounts *
rate_accounts_load (StoreDb *db, GError **error)
{
  g_autoptr(RateAccounts) accounts = g_new0 (RateAccounts, 1);
  accounts->core = g_array_new (FALSE, FALSE, sizeof (RateAccount));
  accounts->info = g_ptr_array_new_with_free_func (account_info_free);
  accounts->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  accounts->tariffs = tariff_cache_new (db);
  accounts->zones = tzmap_cache_new ();
  accounts->holidays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  accounts->calendars = g_ptr_array_new_with_free_func (g_free);
  if (!(accounts->catalog = catalog_load (db, error))
      || !store_query_each (db, "SELECT country, date FROM holidays ORDER BY country, date",
                            load_holiday, accounts, "loading holidays", error)
      || !store_query_each (db, "SELECT a.account, a.timezone, p.deck, p.call_decimals,"
                                " p.bundle_minutes, p.bundle_groups, p.call_rounding, p.peak_days,"
                                " p.peak_from, p.peak_to, a.country FROM accounts a"
                                " JOIN plans p USING (plan) ORDER BY a.account",
                            load_account, accounts, "loading accounts", error))
    return NULL;
  return g_steal_pointer (&accounts);
}

guint
rate_accounts_len (const RateAccounts *accounts)
{
  return accounts->core->len;
}

const RateAccount *
rate_accounts_core (const RateAccounts *accounts)
{
  return (const RateAccount *) (void *) accounts->core->data;
}

const RateAccountInfo *
rate_accounts_info (const RateAccounts *accounts, gint32 index)
{
  g_assert (index >= 0 && (guint) index < accounts->info->len);
  return accounts->info->pdata[index];
}

gint32
rate_accounts_find (const RateAccounts *accounts, const char *name)
{
  return (gint32) GPOINTER_TO_UINT (g_hash_table_lookup (accounts->by_name, name)) - 1;
}

gint32
rate_accounts_resolve (const RateAccounts *accounts, const char *operator_slug, const char *tenant,
                       gsize tenant_len, const RaterNumber *number, gint64 start_ms)
{
  const CatalogOperator *op = operator_slug ? catalog_operator (accounts->catalog, operator_slug) : NULL;
  if (!op)
    return -1;
  const char *name = catalog_resolve_account (op, tenant, tenant_len, number, start_ms);
  return name ? rate_accounts_find (accounts, name) : -1;
}
