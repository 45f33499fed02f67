/* tariff-cache.h — the stored decks, compiled once each (billing.md §4).
 *
 * A TariffCache reads the deck_rows of a database and owns the Tariffs
 * compiled from them and their rows' labels; tariff_cache_get() returns deck
 * DECK, loading and compiling it on first use (an unknown deck compiles to
 * no rows).  RATER_ERROR_SOFTWARE on database errors.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "rate/tariff.h"

typedef struct _TariffCache TariffCache;

/* A cache reading DB, which must outlive it. */
TariffCache *tariff_cache_new (StoreDb *db);
const Tariff *tariff_cache_get (TariffCache *cache, const char *deck, GError **error);
void tariff_cache_free (TariffCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TariffCache, tariff_cache_free)
