/* aggregates.c — keeping the report aggregates of schemas/010 (aggregates.h).
 *
 * Pending sums: one hash table per aggregate table, keyed by the group's
 * key encoded into one string (per text part "+" LENGTH ":" TEXT, then the
 * day), each holding the group's texts (interned once in a string chunk),
 * its day and four signed sums.  aggregates_flush() adds every group with a
 * non-zero sum to its table by one UPSERT, in primary key order, deletes
 * the rows of groups that lost ratings if their count is now 0, then forgets
 * the groups.  (UPSERT ... RETURNING, tried first, cost three times as much
 * as the UPSERT itself.)  A
 * rating changes four groups at most, and a run of a million calls has
 * about one destination group per two calls: the pending groups are
 * written out whenever there are more than AGGREGATES_PENDING_MAX.
 *
 * The local day of a rating is store_local_day() in the zone agg_zones
 * records for its account (loaded once, after the catalog's new accounts
 * were added), exactly what SQL's rater_local_day() gives the triggers and
 * the rebuild.
 */
#include "config.h"

#include <string.h>

#include "base/groupkey.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "rate/aggregates.h"

enum { T_KPI, T_DAY, T_NUMBER, T_DESTINATION, N_TABLES };

/* An aggregate table: its text key columns (period first), then day when
 * it has one, then its sums (four; agg_destination five, its fifth the
 * covered seconds of schemas/014), the first the count that deletes the
 * row at 0. */
/* ORDER lists the primary key: text I as I + 1, the day as DAY_KEY, the
 * direction (descending) negated, ended by 0; the pending groups are
 * written in this order, so that the UPSERTs walk the B-tree forward. */
#define DAY_KEY 9
#define N_SUMS 5
static const struct {
  const char *name;
  const char *texts[5];
  gboolean has_day;
  const char *sums[N_SUMS];     /* NULL-terminated when fewer */
  int order[6];
} tables[N_TABLES] = {
  [T_KPI] = { "agg_kpi", { "period", "operator", "direction", "grp" }, TRUE,
              { "attempts", "answered", "seconds", "revenue" }, { 1, 2, DAY_KEY, -3, 4 } },
  [T_DAY] = { "agg_day", { "period", "account" }, TRUE,
              { "calls", "seconds", "billable", "charge" }, { 1, 2, DAY_KEY } },
  [T_NUMBER] = { "agg_number", { "period", "account", "number" }, FALSE,
                 { "calls", "seconds", "billable", "charge" }, { 1, 2, 3 } },
  [T_DESTINATION] = { "agg_destination", { "period", "account", "direction", "grp", "destination" },
                      FALSE, { "calls", "seconds", "billable", "charge", "covered" },
                      { 1, 2, -3, 4, 5 } },
};

typedef struct {
  const char *text[5];          /* interned in Aggregates.strings */
  gint64 day;
  gint64 sum[N_SUMS];           /* 0 past the table's sums */
} Pending;

struct Aggregates {
  sqlite3 *db;
  gboolean rebuild;             /* stale at the start: rebuilt by aggregates_finish() */
  GHashTable *zones;            /* account -> const TzMap * (agg_zones) */
  GHashTable *tzmaps;           /* tzmap cache, owning the maps */
  const TzMap *utc;
  GHashTable *pending[N_TABLES]; /* encoded key (in STRINGS) -> Pending (owned) */
  guint n_pending;
  GStringChunk *strings;        /* pending keys and texts; cleared by each flush */
  GHashTable *texts;            /* interned texts in STRINGS */
  GString *key;                 /* scratch */
  sqlite3_stmt *upsert[N_TABLES], *drop[N_TABLES];
  GArray *kept;                 /* AggRating, strings in KEPT_STRINGS */
  GStringChunk *kept_strings;
};

void
aggregates_free (Aggregates *agg)
{
  if (!agg)
    return;
  g_clear_pointer (&agg->zones, g_hash_table_unref);
  g_clear_pointer (&agg->tzmaps, g_hash_table_unref);
  for (int t = 0; t < N_TABLES; t++)
    {
      g_clear_pointer (&agg->pending[t], g_hash_table_unref);
      sqlite3_finalize (agg->upsert[t]);
      sqlite3_finalize (agg->drop[t]);
    }
  g_clear_pointer (&agg->strings, g_string_chunk_free);
  g_clear_pointer (&agg->texts, g_hash_table_unref);
  if (agg->key)
    g_string_free (agg->key, TRUE);
  g_clear_pointer (&agg->kept, g_array_unref);
  g_clear_pointer (&agg->kept_strings, g_string_chunk_free);
  g_free (agg);
}

/* ---- whether they match the catalog ---- */

/* Whether every account agg_zones records is in its zone in the catalog. */
static gboolean
zones_current (sqlite3 *db, gboolean *current, GError **error)
{
  gint64 stale = 0;
  if (!store_query_int (db, "SELECT EXISTS (SELECT 1 FROM agg_zones z LEFT JOIN accounts a"
                        " ON a.account = z.account WHERE coalesce (a.timezone, 'UTC') <> z.timezone)",
                        &stale, error))
    return FALSE;
  *current = !stale;
  return TRUE;
}

gboolean
aggregates_current (sqlite3 *db, gboolean *current, GError **error)
{
  gint64 journal = 0;
  if (!zones_current (db, current, error)
      || !store_query_int (db, "SELECT EXISTS (SELECT 1 FROM agg_journal)", &journal, error))
    return FALSE;
  *current = *current && !journal;
  return TRUE;
}

/* The statements of aggregates_rebuild(), as schemas/010 runs them (with
 * agg_destination's covered seconds, schemas/014), but
 * for the periods `rater purge` purged (schemas/013): their aggregates stay
 * as they are, their ratings being gone (those rated since, late, are in
 * them already). */
#define NOT_PURGED "period NOT IN (SELECT period FROM purged_periods)"
static const char rebuild_sql[] =
  "DELETE FROM agg_kpi WHERE " NOT_PURGED "; DELETE FROM agg_day WHERE " NOT_PURGED ";"
  "DELETE FROM agg_number WHERE " NOT_PURGED "; DELETE FROM agg_destination WHERE " NOT_PURGED ";"
  "DELETE FROM agg_zones; DELETE FROM agg_journal;"
  "INSERT INTO agg_zones (account, timezone)"
  " SELECT DISTINCT r.account, coalesce (a.timezone, 'UTC')"
  " FROM ratings r LEFT JOIN accounts a ON a.account = r.account WHERE r.account IS NOT NULL;"
  "INSERT OR IGNORE INTO agg_zones (account, timezone) SELECT account, timezone FROM accounts;"
  "INSERT INTO agg_kpi (period, operator, day, direction, grp, attempts, answered, seconds, revenue)"
  " SELECT period, operator, day, direction, grp, count (*), sum (status <> 'unanswered'),"
  " sum (CASE WHEN status <> 'unanswered' THEN duration ELSE 0 END),"
  " sum (CASE WHEN status = 'rated' THEN charge ELSE 0 END)"
  " FROM agg_facts WHERE " NOT_PURGED " GROUP BY period, operator, day, direction, grp;"
  "INSERT INTO agg_day (period, account, day, calls, seconds, billable, charge)"
  " SELECT period, account, day, count (*), sum (duration), sum (billable), sum (charge)"
  " FROM agg_facts WHERE usage AND " NOT_PURGED " GROUP BY period, account, day;"
  "INSERT INTO agg_number (period, account, number, calls, seconds, billable, charge)"
  " SELECT period, account, number, count (*), sum (duration), sum (billable), sum (charge)"
  " FROM agg_facts WHERE usage AND " NOT_PURGED " GROUP BY period, account, number;"
  "INSERT INTO agg_destination (period, account, direction, grp, destination, calls, seconds,"
  " billable, charge, covered)"
  " SELECT period, account, direction, grp, destination, count (*), sum (duration),"
  " sum (billable), sum (charge), sum (covered)"
  " FROM agg_facts WHERE usage AND " NOT_PURGED " GROUP BY period, account, direction, grp, destination;";

gboolean
aggregates_rebuild (sqlite3 *db, GError **error)
{
  if (store_exec (db, rebuild_sql, error))
    return TRUE;
  g_prefix_error (error, "building the report aggregates: ");
  return FALSE;
}

/* ---- starting ---- */

static gboolean
add_zone (sqlite3_stmt *st, gpointer data, GError **error)
{
  Aggregates *agg = data;
  const TzMap *map = tzmap_cache_get (agg->tzmaps, store_column_text (st, 1), error);
  if (!map)
    return FALSE;
  g_hash_table_insert (agg->zones, g_strdup (store_column_text (st, 0)), (gpointer) (guintptr) map);
  return TRUE;
}

/* The number of sums of table T. */
static int
n_sums (int t)
{
  int k = 0;
  while (k < N_SUMS && tables[t].sums[k])
    k++;
  return k;
}

static sqlite3_stmt *
prepare_upsert (sqlite3 *db, int t, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_string_append_printf (sql, "INSERT INTO %s (", tables[t].name);
  int n = 0;
  for (int i = 0; i < 5 && tables[t].texts[i]; i++)
    g_string_append_printf (sql, "%s, ", tables[t].texts[i]), n++;
  if (tables[t].has_day)
    g_string_append (sql, "day, "), n++;
  int k = n_sums (t);
  for (int i = 0; i < k; i++)
    g_string_append_printf (sql, "%s%s", tables[t].sums[i], i < k - 1 ? ", " : ") VALUES (");
  for (int i = 1; i <= n + k; i++)
    g_string_append_printf (sql, "?%d%s", i, i < n + k ? ", " : ") ON CONFLICT DO UPDATE SET ");
  for (int i = 0; i < k; i++)
    g_string_append_printf (sql, "%s = %s + excluded.%s%s", tables[t].sums[i], tables[t].sums[i],
                            tables[t].sums[i], i < k - 1 ? ", " : "");
  return store_prepare (db, sql->str, error);
}

static sqlite3_stmt *
prepare_drop (sqlite3 *db, int t, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_string_append_printf (sql, "DELETE FROM %s WHERE %s = 0", tables[t].name, tables[t].sums[0]);
  int n = 0;
  for (int i = 0; i < 5 && tables[t].texts[i]; i++)
    g_string_append_printf (sql, " AND %s = ?%d", tables[t].texts[i], ++n);
  if (tables[t].has_day)
    g_string_append_printf (sql, " AND day = ?%d", ++n);
  return store_prepare (db, sql->str, error);
}

/* The journalled rating at ST's row added to the pending sums. */
static gboolean
add_journalled (sqlite3_stmt *st, gpointer data, GError **error)
{
  Aggregates *agg = data;
  static const char *const statuses[] = { "rated", "free", "unanswered", "unrated" };
  const char *period = store_column_text (st, 1), *status = store_column_text (st, 5);
  AggRating r = {
    .account = store_column_text_or_null (st, 2), .operator_slug = store_column_text (st, 3),
    .out = g_str_equal (store_column_text (st, 4), "out"), .status = AGG_UNRATED,
    .grp = store_column_text_or_null (st, 6), .destination = store_column_text_or_null (st, 7),
    .number = store_column_text_or_null (st, 8), .start_ms = sqlite3_column_int64 (st, 9),
    .duration = sqlite3_column_int64 (st, 10), .billable = sqlite3_column_int64 (st, 11),
    .charge = sqlite3_column_int64 (st, 12), .covered = sqlite3_column_int64 (st, 13),
    .period = (gint32) (g_ascii_strtoll (period, NULL, 10) * 100
                        + (strlen (period) >= 7 ? g_ascii_strtoll (period + 5, NULL, 10) : 0)),
  };
  for (guint k = 0; k < G_N_ELEMENTS (statuses); k++)
    if (g_str_equal (status, statuses[k]))
      r.status = (guint8) k;
  aggregates_add (agg, &r, (int) sqlite3_column_int64 (st, 0));
  return aggregates_flush (agg, FALSE, error);
}

/* The journal (schemas/010) added to the pending sums and emptied. */
static gboolean
apply_journal (Aggregates *agg, GError **error)
{
  return agg->rebuild
         || (store_query_each (agg->db, "SELECT sign, period, account, operator, direction, status,"
                               " grp, destination, number, start_ms, duration, billable, charge,"
                               " covered FROM agg_journal ORDER BY id", add_journalled, agg,
                               "reading agg_journal", error)
             && store_exec (agg->db, "DELETE FROM agg_journal", error));
}

Aggregates *
aggregates_begin (sqlite3 *db, GError **error)
{
  g_autoptr(Aggregates) agg = g_new0 (Aggregates, 1);
  agg->db = db;
  agg->zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  agg->tzmaps = tzmap_cache_new ();
  agg->strings = g_string_chunk_new (1 << 16);
  agg->texts = g_hash_table_new (g_str_hash, g_str_equal);
  agg->key = g_string_sized_new (128);
  agg->kept = g_array_new (FALSE, FALSE, sizeof (AggRating));
  agg->kept_strings = g_string_chunk_new (1 << 16);
  for (int t = 0; t < N_TABLES; t++)
    agg->pending[t] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gboolean current = FALSE;
  if (!(agg->utc = tzmap_cache_get (agg->tzmaps, "UTC", error))
      || !store_exec (db, "UPDATE agg_control SET journal = 0", error)
      || !zones_current (db, &current, error))
    return NULL;
  agg->rebuild = !current;
  if (agg->rebuild)
    return g_steal_pointer (&agg);
  if (!store_exec (db, "INSERT OR IGNORE INTO agg_zones (account, timezone)"
                   " SELECT account, timezone FROM accounts", error)
      || !store_query_each (db, "SELECT account, timezone FROM agg_zones", add_zone, agg,
                            "reading agg_zones", error))
    return NULL;
  for (int t = 0; t < N_TABLES; t++)
    if (!(agg->upsert[t] = prepare_upsert (db, t, error))
        || !(agg->drop[t] = prepare_drop (db, t, error)))
      return NULL;
  return apply_journal (agg, error) ? g_steal_pointer (&agg) : NULL;
}

/* ---- pending sums ---- */

static const char *
intern (Aggregates *agg, const char *text)
{
  gpointer key;
  if (g_hash_table_lookup_extended (agg->texts, text, &key, NULL))
    return key;
  char *t = g_string_chunk_insert (agg->strings, text);
  g_hash_table_add (agg->texts, t);
  return t;
}

/* Add SIGN x SUM to the group of table T with TEXTS (N of them) and DAY. */
static void
pending_add (Aggregates *agg, int t, const char *const *texts, int n, gint64 day,
             const gint64 sum[N_SUMS], int sign)
{
  GString *key = agg->key;
  g_string_truncate (key, 0);
  for (int i = 0; i < n; i++)
    groupkey_add_text (key, texts[i]);
  groupkey_add_int (key, day);
  Pending *p = g_hash_table_lookup (agg->pending[t], key->str);
  if (!p)
    {
      p = g_new0 (Pending, 1);
      for (int i = 0; i < n; i++)
        p->text[i] = intern (agg, texts[i]);
      p->day = day;
      g_hash_table_insert (agg->pending[t], g_string_chunk_insert_len (agg->strings, key->str,
                                                                      (gssize) key->len), p);
      agg->n_pending++;
    }
  for (int i = 0; i < N_SUMS; i++)
    p->sum[i] += sign * sum[i];
}

static const TzMap *
zone_of (Aggregates *agg, const char *account)
{
  if (!account)
    return agg->utc;
  const TzMap *z = g_hash_table_lookup (agg->zones, account);
  if (!z)
    {
      /* an account neither in the catalog nor summed before: cannot be
       * placed, so the aggregates are built again from the ratings */
      agg->rebuild = TRUE;
      return agg->utc;
    }
  return z;
}

void
aggregates_add (Aggregates *agg, const AggRating *r, int sign)
{
  if (agg->rebuild)
    return;
  char period[8];
  int y = r->period / 100 % 10000, m = r->period % 100;
  period[0] = (char) ('0' + y / 1000), period[1] = (char) ('0' + y / 100 % 10);
  period[2] = (char) ('0' + y / 10 % 10), period[3] = (char) ('0' + y % 10), period[4] = '-';
  period[5] = (char) ('0' + m / 10), period[6] = (char) ('0' + m % 10), period[7] = '\0';
  gint64 day = store_local_day (zone_of (agg, r->account), r->start_ms);
  const char *direction = r->out ? "out" : "in";
  const char *grp = r->grp ? r->grp : "", *destination = r->destination ? r->destination : "";
  gboolean answered = r->status != AGG_UNANSWERED;
  const gint64 kpi[N_SUMS] = { 1, answered, answered ? r->duration : 0,
                          r->status == AGG_RATED ? r->charge : 0 };
  const char *const kpi_texts[] = { period, r->operator_slug, direction, grp };
  pending_add (agg, T_KPI, kpi_texts, 4, day, kpi, sign);
  if (!r->account || (r->status != AGG_RATED && r->status != AGG_FREE))
    return;
  const gint64 usage[N_SUMS] = { 1, r->duration, r->billable, r->charge };
  const gint64 destination_sums[N_SUMS] = { 1, r->duration, r->billable, r->charge, r->covered };
  const char *const texts[] = { period, r->account, r->number ? r->number : "", direction, grp,
                                destination };
  pending_add (agg, T_DAY, texts, 2, day, usage, sign);
  pending_add (agg, T_NUMBER, texts, 3, 0, usage, sign);
  const char *const dest_texts[] = { period, r->account, direction, grp, destination };
  pending_add (agg, T_DESTINATION, dest_texts, 5, 0, destination_sums, sign);
}

static const char *
kept_text (Aggregates *agg, const char *text)
{
  return text ? g_string_chunk_insert_const (agg->kept_strings, text) : NULL;
}

guint
aggregates_keep (Aggregates *agg, const AggRating *r)
{
  AggRating k = *r;
  k.account = kept_text (agg, r->account);
  k.operator_slug = kept_text (agg, r->operator_slug);
  k.number = kept_text (agg, r->number);
  k.grp = kept_text (agg, r->grp);
  k.destination = kept_text (agg, r->destination);
  g_array_append_val (agg->kept, k);
  return agg->kept->len - 1;
}

const AggRating *
aggregates_kept (Aggregates *agg, guint handle)
{
  g_assert (handle < agg->kept->len);
  return &g_array_index (agg->kept, AggRating, handle);
}

/* ---- writing ---- */

static gboolean
flush_one (Aggregates *agg, int t, const Pending *p, GError **error)
{
  sqlite3_stmt *st = agg->upsert[t];
  int n = 0;
  for (int i = 0; i < 5 && tables[t].texts[i]; i++)
    if (!store_bind_at (st, ++n, error, STORE_TEXT (p->text[i])))
      return FALSE;
  if (tables[t].has_day && !store_bind_at (st, ++n, error, STORE_INT (p->day)))
    return FALSE;
  if (!store_bind_at (st, n + 1, error, STORE_INT (p->sum[0]), STORE_INT (p->sum[1]),
                      STORE_INT (p->sum[2]), STORE_INT (p->sum[3]))
      || (n_sums (t) > 4 && !store_bind_at (st, n + 5, error, STORE_INT (p->sum[4]))))
    return FALSE;
  if (!store_step (st, error))
    return FALSE;
  /* the tables hold the true sums (other writers go through the journal),
   * so only a group that lost ratings can have dropped to 0 */
  if (p->sum[0] >= 0)
    return TRUE;
  sqlite3_stmt *drop = agg->drop[t];
  n = 0;
  for (int i = 0; i < 5 && tables[t].texts[i]; i++)
    if (!store_bind_at (drop, ++n, error, STORE_TEXT (p->text[i])))
      return FALSE;
  return (!tables[t].has_day || store_bind_at (drop, ++n, error, STORE_INT (p->day)))
         && store_step (drop, error);
}

/* Pending groups of table GPOINTER_TO_INT (DATA) in primary key order. */
static int
pending_cmp (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const Pending *a = *(Pending *const *) pa, *b = *(Pending *const *) pb;
  const int *order = tables[GPOINTER_TO_INT (data)].order;
  for (int k = 0; order[k]; k++)
    {
      int c;
      if (order[k] == DAY_KEY)
        c = (a->day > b->day) - (a->day < b->day);
      else
        {
          int i = ABS (order[k]) - 1;
          c = strcmp (a->text[i], b->text[i]);
          c = order[k] < 0 ? -c : c;
        }
      if (c)
        return c;
    }
  return 0;
}

gboolean
aggregates_flush (Aggregates *agg, gboolean all, GError **error)
{
  if (agg->rebuild || (!all && agg->n_pending <= AGGREGATES_PENDING_MAX))
    return TRUE;
  for (int t = 0; t < N_TABLES; t++)
    {
      guint n = 0;
      g_autofree gpointer *sorted = g_new (gpointer, g_hash_table_size (agg->pending[t]) + 1);
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, agg->pending[t]);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        sorted[n++] = value;
      g_qsort_with_data (sorted, (gint) n, sizeof (gpointer), pending_cmp, GINT_TO_POINTER (t));
      for (guint i = 0; i < n; i++)
        {
          const Pending *p = sorted[i];
          if ((p->sum[0] || p->sum[1] || p->sum[2] || p->sum[3] || p->sum[4]) && !flush_one (agg, t, p, error))
            return FALSE;
        }
      g_hash_table_remove_all (agg->pending[t]);
    }
  agg->n_pending = 0;
  g_hash_table_remove_all (agg->texts);
  g_string_chunk_clear (agg->strings);
  return TRUE;
}

gboolean
aggregates_finish (Aggregates *agg, GError **error)
{
  return apply_journal (agg, error)
         && (agg->rebuild ? aggregates_rebuild (agg->db, error) : aggregates_flush (agg, TRUE, error))
         && store_exec (agg->db, "UPDATE agg_control SET journal = 1", error);
}
