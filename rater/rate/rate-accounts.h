/* rate-accounts.h — the catalog's accounts as rating sees them, loaded once.
 *
 * rate_accounts_load() reads every account of the stored catalog with its
 * plan, in account order, and gives each an index: the same index in the
 * RateAccount array the rating core takes (zone, compiled deck, rounding
 * unit) and in the RateAccountInfo beside it (name, bundle).  It also loads
 * the catalog's resolver (catalog_load), so that a call's operator, tenant
 * and own number name its account's index.  Used by `rater rate` and by
 * reconcile's charges; it touches the database only while loading.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "catalog/number.h"
#include "rate/ratecore.h"

/* What rating needs of an account besides its RateAccount. */
typedef struct {
  char *name;                 /* the account's slug */
  gint64 bundle_minutes;      /* minutes per user number and period; 0: no bundle */
  char **bundle_groups;       /* deck groups the bundle covers, NULL-terminated */
} RateAccountInfo;

typedef struct _RateAccounts RateAccounts;

/* The accounts, plans, decks and zones of DB's catalog; RATER_ERROR_SOFTWARE
 * on database errors, a zone error for an unknown time zone. */
RateAccounts *rate_accounts_load (StoreDb *db, GError **error);
void rate_accounts_free (RateAccounts *accounts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RateAccounts, rate_accounts_free)

/* How many accounts (0: nothing can be rated). */
guint rate_accounts_len (const RateAccounts *accounts);

/* The array ratecore_rate() takes, rate_accounts_len() long, owned by
 * ACCOUNTS. */
const RateAccount *rate_accounts_core (const RateAccounts *accounts);

/* The account at INDEX (0 <= INDEX < rate_accounts_len()). */
const RateAccountInfo *rate_accounts_info (const RateAccounts *accounts, gint32 index);

/* The index of the account named NAME, or -1. */
gint32 rate_accounts_find (const RateAccounts *accounts, const char *name);

/* The index of the account of a call of OPERATOR_SLUG (may be NULL) resolved
 * as catalog_resolve_account() does, or -1 when it does not resolve. */
gint32 rate_accounts_resolve (const RateAccounts *accounts, const char *operator_slug,
                              const char *tenant, gsize tenant_len, const RaterNumber *number,
                              gint64 start_ms);
