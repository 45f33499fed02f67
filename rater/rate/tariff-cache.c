/* tariff-cache.c — the stored decks, each compiled once into a Tariff.
 *
 * Data model: TARIFFS maps a deck name to its Tariff, compiled on first use
 * from the deck's deck_rows in line order (a row's index in the Tariff is
 * its place in that order); LABELS interns every row's destination and
 * group, which the TariffRows point at, so they live as long as the cache.
 * A row's tiers (deck_tiers) are gathered while compiling and copied by
 * tariff_new.
 */
#include "config.h"

#include <string.h>

#include "base/store.h"
#include "rate/tariff-cache.h"

struct _TariffCache {
  StoreDb *db;
  GHashTable *tariffs;          /* deck -> Tariff */
  GStringChunk *labels;         /* destinations and groups of every row */
};

TariffCache *
tariff_cache_new (StoreDb *db)
{
  TariffCache *cache = g_new0 (TariffCache, 1);
  cache->db = db;
  cache->tariffs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) tariff_free);
  cache->labels = g_string_chunk_new (4096);
  return cache;
}

void
tariff_cache_free (TariffCache *cache)
{
  if (!cache)
    return;
  g_hash_table_unref (cache->tariffs);
  g_string_chunk_free (cache->labels);
  g_free (cache);
}

static TariffRow
stored_row (TariffCache *cache, StoreStmt *st)
{
  static const char *const bands[] = { "all", "peak", "offpeak", "weekend" };
  TariffRow row = { 0 };
  g_strlcpy (row.prefix, store_column_text (st, 0), sizeof row.prefix);
  row.prefix_len = (guint8) strlen (row.prefix);
  row.destination = g_string_chunk_insert_const (cache->labels, store_column_text (st, 1));
  row.group = g_string_chunk_insert_const (cache->labels, store_column_text (st, 2));
  row.direction = g_str_equal (store_column_text (st, 3), "in") ? 1 : 0;
  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    if (g_str_equal (store_column_text (st, 4), bands[b]))
      row.band = (guint8) b;
  row.rate = store_column_int64 (st, 5);
  row.connect_fee = store_column_int64 (st, 6);
  row.inc_first = store_column_int (st, 7);
  row.inc_next = store_column_int (st, 8);
  row.from_ms = store_column_int64 (st, 9);
  row.to_ms = store_column_is_null (st, 10) ? G_MAXINT64 : store_column_int64 (st, 10);
  row.line = (guint32) store_column_int (st, 11);
  row.min_charge = store_column_int64 (st, 12);
  row.max_charge = store_column_int64 (st, 13);
  return row;
}

/* Index of the row of ROWS (sorted by line) at LINE, or -1. */
static gint
row_at_line (const GArray *rows, guint32 line)
{
  guint lo = 0, hi = rows->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (rows, TariffRow, mid).line < line)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < rows->len && g_array_index (rows, TariffRow, lo).line == line ? (gint) lo : -1;
}

/* The tiers of DECK into TIERS, each row of ROWS pointed at its own
 * (tariff_new copies them before TIERS goes). */
static gboolean
load_tiers (TariffCache *cache, const char *deck, GArray *rows, GArray *tiers, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (cache->db,
    "SELECT line, start, rate, inc_first, inc_next FROM deck_tiers WHERE deck = ?"
    " ORDER BY line, start", error);
  if (!st || !store_bind (st, error, STORE_TEXT (deck)))
    return FALSE;
  g_autoptr(GArray) first = g_array_new (FALSE, TRUE, sizeof (guint));
  g_array_set_size (first, rows->len);
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    {
      gint r = row_at_line (rows, (guint32) store_column_int (st, 0));
      if (r < 0)
        continue;   /* deck_tiers rows are written with their deck row */
      TariffTier tier = {
        .start = store_column_int (st, 1),
        .rate = store_column_int64 (st, 2),
        .inc_first = store_column_int (st, 3),
        .inc_next = store_column_int (st, 4),
      };
      TariffRow *row = &g_array_index (rows, TariffRow, r);
      if (row->n_tiers++ == 0)
        g_array_index (first, guint, r) = tiers->len;
      g_array_append_val (tiers, tier);
    }
  if (rc != STORE_DONE)
    return store_set_error (error, cache->db, "loading deck tiers"), FALSE;
  for (guint r = 0; r < rows->len; r++)
    {
      TariffRow *row = &g_array_index (rows, TariffRow, r);
      if (row->n_tiers > 0)
        row->tiers = &g_array_index (tiers, TariffTier, g_array_index (first, guint, r));
    }
  return TRUE;
}

const Tariff *
tariff_cache_get (TariffCache *cache, const char *deck, GError **error)
{
  Tariff *t = g_hash_table_lookup (cache->tariffs, deck);
  if (t)
    return t;
  g_autoptr(StoreStmt) st = store_prepare (cache->db,
    "SELECT prefix, destination, grp, direction, band, rate, connect_fee, inc_first, inc_next,"
    " effective_from, effective_to, line, min_charge, max_charge FROM deck_rows WHERE deck = ?"
    " ORDER BY line", error);
  if (!st || !store_bind (st, error, STORE_TEXT (deck)))
    return NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (TariffRow));
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    {
      TariffRow row = stored_row (cache, st);
      g_array_append_val (rows, row);
    }
  if (rc != STORE_DONE)
    return store_set_error (error, cache->db, "loading deck"), NULL;
  g_autoptr(GArray) tiers = g_array_new (FALSE, FALSE, sizeof (TariffTier));
  if (!load_tiers (cache, deck, rows, tiers, error))
    return NULL;
  t = tariff_new ((const TariffRow *) (void *) rows->data, rows->len);
  g_hash_table_insert (cache->tariffs, g_strdup (deck), t);
  return t;
}
