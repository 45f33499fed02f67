/* aggregates.c — keeping the report aggregates of schemas/010 (aggregates.h).
 *
 * Pending sums: per aggregate table, an array of groups and an open
 * addressing index over it, keyed by a fixed Key of small integers: the
 * period as YYYYMM, the direction as 1 (out) or 0 (in), every other text
 * as its id among the interned texts (TEXTS: each distinct account,
 * operator, number, group, destination once, found by a cache on the
 * caller's pointer, checked by strcmp, before a hash), and the day; each
 * group holds its table's signed sums (up to MAX_SUMS, as many as the
 * table has).  aggregates_flush() ranks the interned texts in byte order
 * once, sorts each table's groups by their keys in ranks (integer
 * compares: the order of the texts), adds every group with a non-zero sum
 * to its table by one UPSERT, in primary key order, deletes the rows of
 * groups that lost ratings if their count is now 0, then forgets the
 * groups (the texts stay interned for the run).  (UPSERT ... RETURNING,
 * tried first, cost three times as much as the UPSERT itself.)  On
 * PostgreSQL a statement per group is a round trip per group (205,000 of
 * them at a million calls, most of a rate's time): there the groups of a
 * table go in bulk (one COPY) into a temporary staging table of the same
 * columns and one INSERT ... SELECT ... ON CONFLICT DO UPDATE adds them,
 * in the same order, then one DELETE drops the rows whose count fell to 0
 * (only when a group lost ratings).  A
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

#include "base/rater-error.h"
#include "base/store.h"
#include "rate/aggregates.h"
#include "rate/number-ids.h"

enum { T_KPI, T_DAY, T_NUMBER, T_DESTINATION, N_TABLES };

#define MAX_KEYS 5              /* key columns besides the day */
#define MAX_SUMS 5              /* sums of a table */

/* What a key column holds: the period (YYYYMM), the direction (1 out, 0
 * in) or an interned text's id. */
enum { K_PERIOD, K_DIRECTION, K_TEXT };

/* An aggregate table: its key columns (period first) and their kinds,
 * then day when it has one, then its N_SUMS sums (agg_destination's fifth
 * the covered seconds of schemas/014), the first the count that deletes
 * the row at 0.  ORDER lists the primary key: column I as I + 1,
 * the day as DAY_KEY, the direction (descending) negated, ended by 0; the
 * pending groups are written in this order, so that the UPSERTs walk the
 * B-tree forward. */
#define DAY_KEY 9
static const struct {
  const char *name;
  const char *texts[MAX_KEYS];
  guint8 kinds[MAX_KEYS];
  gboolean has_day;
  int n_sums;
  const char *sums[MAX_SUMS];
  int order[MAX_KEYS + 2];
} tables[N_TABLES] = {
  [T_KPI] = { "agg_kpi", { "period", "operator", "direction", "grp" },
              { K_PERIOD, K_TEXT, K_DIRECTION, K_TEXT }, TRUE,
              4, { "attempts", "answered", "seconds", "revenue" }, { 1, 2, DAY_KEY, -3, 4 } },
  [T_DAY] = { "agg_day", { "period", "account" }, { K_PERIOD, K_TEXT }, TRUE,
              4, { "calls", "seconds", "billable", "charge" }, { 1, 2, DAY_KEY } },
  [T_NUMBER] = { "agg_number", { "period", "account", "number" }, { K_PERIOD, K_TEXT, K_TEXT },
                 FALSE, 4, { "calls", "seconds", "billable", "charge" }, { 1, 2, 3 } },
  [T_DESTINATION] = { "agg_destination", { "period", "account", "direction", "grp", "destination" },
                      { K_PERIOD, K_TEXT, K_DIRECTION, K_TEXT, K_TEXT }, FALSE,
                      5, { "calls", "seconds", "billable", "charge", "covered" },
                      { 1, 2, -3, 4, 5 } },
};

/* A group's key: column I of its table in V[I] (unused columns 0). */
typedef struct {
  guint32 v[MAX_KEYS + 1];      /* one spare: 8-byte aligned DAY, no padding */
  gint64 day;
} Key;

typedef struct {
  Key key;
  gint64 sum[MAX_SUMS];
} Pending;

/* The pending groups of one table: GROUPS (Pending) and an open addressing
 * index over them (INDEX[i]: 0 empty, else the key's hash in the high 32
 * bits and the group's place + 1 in the low, so that a probe reads a
 * group, far in memory, only when its hash matches; MASK + 1 slots, a
 * power of 2, at most half full). */
typedef struct {
  GArray *groups;
  guint64 *index;
  guint32 mask;
} PendingTable;

/* A group's change waiting in the queue (Aggregates.queue): its index slot
 * and then its group are asked of memory (prefetched) while the changes
 * before it are added, so that the misses of the large tables overlap. */
#define QUEUE 16                /* a power of 2 */
typedef struct {
  Key key;
  gint64 sum[MAX_SUMS];
  guint32 hash;
  int t, sign;
} Queued;

/* The pointer cache in front of TEXT_IDS: slot of a caller's text pointer
 * -> its id, trusted only when the text there is still the same. */
#define PTR_CACHE 4096
typedef struct {
  const char *ptr;
  guint32 id;
} PtrSlot;

struct Aggregates {
  StoreDb *db;
  gboolean rebuild;             /* stale at the start: rebuilt by aggregates_finish() */
  GHashTable *zones;            /* account -> const TzMap * (agg_zones) */
  GHashTable *tzmaps;           /* tzmap cache, owning the maps */
  const TzMap *utc;
  PendingTable pending[N_TABLES];
  guint n_pending;
  guint64 pending_max;          /* AGGREGATES_PENDING_MAX; RATER_AGGREGATES_PENDING_MAX (tests) */
  Queued queue[QUEUE];          /* changes not yet added, oldest at QUEUE_HEAD */
  guint queue_head, queue_len;
  GStringChunk *strings;        /* the interned texts */
  GHashTable *text_ids;         /* interned text -> id + 1 */
  GPtrArray *texts;             /* id -> interned text */
  GPtrArray *text_zones;        /* id -> const TzMap * of the account of that name, NULL: not yet */
  PtrSlot ptr_cache[PTR_CACHE];
  NumberIds *number_ids;        /* own numbers' ids by their digits (number-ids.h) */
  StoreStmt *upsert[N_TABLES], *drop[N_TABLES];   /* SQLite */
  StoreBulk *stage[N_TABLES];   /* PostgreSQL: the staging tables' rows */
  char *move[N_TABLES], *move_drop[N_TABLES];   /* and their statements */
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
      g_clear_pointer (&agg->pending[t].groups, g_array_unref);
      g_clear_pointer (&agg->pending[t].index, g_free);
      store_finalize (agg->upsert[t]);
      store_finalize (agg->drop[t]);
      store_bulk_free (agg->stage[t]);
      g_free (agg->move[t]);
      g_free (agg->move_drop[t]);
    }
  g_clear_pointer (&agg->strings, g_string_chunk_free);
  g_clear_pointer (&agg->text_ids, g_hash_table_unref);
  g_clear_pointer (&agg->texts, g_ptr_array_unref);
  g_clear_pointer (&agg->text_zones, g_ptr_array_unref);
  g_clear_pointer (&agg->number_ids, number_ids_free);
  g_clear_pointer (&agg->kept, g_array_unref);
  g_clear_pointer (&agg->kept_strings, g_string_chunk_free);
  g_free (agg);
}

/* ---- whether they match the catalog ---- */

/* Whether every account agg_zones records is in its zone in the catalog. */
static gboolean
zones_current (StoreDb *db, gboolean *current, GError **error)
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
aggregates_current (StoreDb *db, gboolean *current, GError **error)
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
  "INSERT INTO agg_zones (account, timezone) SELECT account, timezone FROM accounts WHERE true"
  " ON CONFLICT DO NOTHING;"
  "INSERT INTO agg_kpi (period, operator, day, direction, grp, attempts, answered, seconds, revenue)"
  " SELECT period, operator, day, direction, grp, count (*), sum (CASE WHEN status <> 'unanswered' THEN 1 ELSE 0 END),"
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
aggregates_rebuild (StoreDb *db, GError **error)
{
  if (store_exec (db, rebuild_sql, error))
    return TRUE;
  g_prefix_error (error, "building the report aggregates: ");
  return FALSE;
}

/* ---- starting ---- */

static gboolean
add_zone (StoreStmt *st, gpointer data, GError **error)
{
  Aggregates *agg = data;
  const TzMap *map = tzmap_cache_get (agg->tzmaps, store_column_text (st, 1), error);
  if (!map)
    return FALSE;
  g_hash_table_insert (agg->zones, g_strdup (store_column_text (st, 0)), (gpointer) (guintptr) map);
  return TRUE;
}

static StoreStmt *
prepare_upsert (StoreDb *db, int t, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_string_append_printf (sql, "INSERT INTO %s (", tables[t].name);
  int n = 0;
  for (int i = 0; i < 5 && tables[t].texts[i]; i++)
    g_string_append_printf (sql, "%s, ", tables[t].texts[i]), n++;
  if (tables[t].has_day)
    g_string_append (sql, "day, "), n++;
  int s = tables[t].n_sums;
  for (int i = 0; i < s; i++)
    g_string_append_printf (sql, "%s%s", tables[t].sums[i], i < s - 1 ? ", " : ") VALUES (");
  for (int i = 1; i <= n + s; i++)
    g_string_append_printf (sql, "?%d%s", i, i < n + s ? ", " : ") ON CONFLICT (");
  for (int i = 0; i < 5 && tables[t].texts[i]; i++)   /* the key: PostgreSQL asks for it */
    g_string_append_printf (sql, "%s%s", i ? ", " : "", tables[t].texts[i]);
  g_string_append (sql, tables[t].has_day ? ", day) DO UPDATE SET " : ") DO UPDATE SET ");
  for (int i = 0; i < s; i++)
    g_string_append_printf (sql, "%s = %s.%s + excluded.%s%s", tables[t].sums[i], tables[t].name,
                            tables[t].sums[i], tables[t].sums[i], i < s - 1 ? ", " : "");
  return store_prepare (db, sql->str, error);
}

static StoreStmt *
prepare_drop (StoreDb *db, int t, GError **error)
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

/* ---- PostgreSQL: the groups in bulk through a staging table ---- */

/* The columns of table T: its key columns, day when it has one, then its
 * sums, separated by commas. */
static char *
table_columns (int t)
{
  GString *cols = g_string_new (NULL);
  for (int i = 0; i < MAX_KEYS && tables[t].texts[i]; i++)
    g_string_append_printf (cols, "%s, ", tables[t].texts[i]);
  if (tables[t].has_day)
    g_string_append (cols, "day, ");
  for (int i = 0; i < tables[t].n_sums; i++)
    g_string_append_printf (cols, "%s%s", tables[t].sums[i], i < tables[t].n_sums - 1 ? ", " : "");
  return g_string_free (cols, FALSE);
}

/* The staging table of T (pg_temp.rater_<table>: T's columns and
 * rater_ord, the order the groups came in), emptied; its bulk rows; the
 * INSERT that adds its groups to T and empties it; and the DELETE of the
 * rows of T whose count a group of it took to 0. */
static gboolean
prepare_stage (Aggregates *agg, int t, GError **error)
{
  const char *name = tables[t].name;
  g_autofree char *cols = table_columns (t);
  g_autofree char *staging = g_strdup_printf ("pg_temp.rater_%s", name);
  g_autofree char *create = g_strdup_printf (
    "CREATE TEMP TABLE IF NOT EXISTS rater_%s (LIKE %s, rater_ord bigint NOT NULL); TRUNCATE %s",
    name, name, staging);
  g_autofree char *stage_cols = g_strdup_printf ("%s, rater_ord", cols);
  if (!store_exec (agg->db, create, error)
      || !(agg->stage[t] = store_bulk_new (agg->db, staging, stage_cols, NULL, NULL, error)))
    return FALSE;
  g_autoptr(GString) move = g_string_new (NULL);
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) match = g_string_new (NULL);
  for (int i = 0; i < MAX_KEYS && tables[t].texts[i]; i++)
    {
      g_string_append_printf (key, "%s%s", i ? ", " : "", tables[t].texts[i]);
      g_string_append_printf (match, " AND a.%s = s.%s", tables[t].texts[i], tables[t].texts[i]);
    }
  if (tables[t].has_day)
    {
      g_string_append (key, ", day");
      g_string_append (match, " AND a.day = s.day");
    }
  g_string_printf (move, "INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY rater_ord"
                   " ON CONFLICT (%s) DO UPDATE SET ", name, cols, cols, staging, key->str);
  for (int i = 0; i < tables[t].n_sums; i++)
    g_string_append_printf (move, "%s = %s.%s + excluded.%s%s", tables[t].sums[i], name,
                            tables[t].sums[i], tables[t].sums[i], i < tables[t].n_sums - 1 ? ", " : "");
  agg->move[t] = g_strdup (move->str);
  agg->move_drop[t] = g_strdup_printf ("DELETE FROM %s a USING %s s WHERE s.%s < 0 AND a.%s = 0%s",
                                       name, staging, tables[t].sums[0], tables[t].sums[0],
                                       match->str);
  return TRUE;
}

/* The journalled rating at ST's row added to the pending sums. */
static gboolean
add_journalled (StoreStmt *st, gpointer data, GError **error)
{
  Aggregates *agg = data;
  static const char *const statuses[] = { "rated", "free", "unanswered", "unrated" };
  const char *period = store_column_text (st, 1), *status = store_column_text (st, 5);
  AggRating r = {
    .account = store_column_text_or_null (st, 2), .operator_slug = store_column_text (st, 3),
    .out = g_str_equal (store_column_text (st, 4), "out"), .status = AGG_UNRATED,
    .grp = store_column_text_or_null (st, 6), .destination = store_column_text_or_null (st, 7),
    .number = store_column_text_or_null (st, 8), .start_ms = store_column_int64 (st, 9),
    .duration = store_column_int64 (st, 10), .billable = store_column_int64 (st, 11),
    .charge = store_column_int64 (st, 12), .covered = store_column_int64 (st, 13),
    .period = (gint32) (g_ascii_strtoll (period, NULL, 10) * 100
                        + (strlen (period) >= 7 ? g_ascii_strtoll (period + 5, NULL, 10) : 0)),
  };
  for (guint k = 0; k < G_N_ELEMENTS (statuses); k++)
    if (g_str_equal (status, statuses[k]))
      r.status = (guint8) k;
  aggregates_add (agg, &r, (int) store_column_int64 (st, 0));
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

/* The journal off and on again on PostgreSQL: with rater.journal for the
 * rest of the transaction, which the ratings' row triggers ask before the
 * table (schemas/pg/019-journal-gate.sql). */
static const char journal_off_pg[] =
  "UPDATE agg_control SET journal = 0; SELECT set_config ('rater.journal', 'off', true)";
static const char journal_on_pg[] =
  "UPDATE agg_control SET journal = 1; SELECT set_config ('rater.journal', 'on', true)";

Aggregates *
aggregates_begin (StoreDb *db, GError **error)
{
  g_autoptr(Aggregates) agg = g_new0 (Aggregates, 1);
  agg->db = db;
  agg->zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  agg->tzmaps = tzmap_cache_new ();
  agg->strings = g_string_chunk_new (1 << 16);
  agg->text_ids = g_hash_table_new (g_str_hash, g_str_equal);
  agg->texts = g_ptr_array_new ();
  agg->text_zones = g_ptr_array_new ();
  agg->number_ids = number_ids_new ();
  agg->kept = g_array_new (FALSE, FALSE, sizeof (AggRating));
  agg->kept_strings = g_string_chunk_new (1 << 16);
  const char *max = g_getenv ("RATER_AGGREGATES_PENDING_MAX");
  if (!max || !g_ascii_string_to_unsigned (max, 10, 1, G_MAXUINT32, &agg->pending_max, NULL))
    agg->pending_max = AGGREGATES_PENDING_MAX;
  for (int t = 0; t < N_TABLES; t++)
    agg->pending[t].groups = g_array_new (FALSE, FALSE, sizeof (Pending));
  gboolean current = FALSE;
  if (!(agg->utc = tzmap_cache_get (agg->tzmaps, "UTC", error))
      || !store_exec (db, store_backend (db) == STORE_POSTGRES ? journal_off_pg
                      : "UPDATE agg_control SET journal = 0", error)
      || !zones_current (db, &current, error))
    return NULL;
  agg->rebuild = !current;
  if (agg->rebuild)
    return g_steal_pointer (&agg);
  if (!store_exec (db, "INSERT INTO agg_zones (account, timezone)"
                   " SELECT account, timezone FROM accounts WHERE true ON CONFLICT DO NOTHING", error)
      || !store_query_each (db, "SELECT account, timezone FROM agg_zones", add_zone, agg,
                            "reading agg_zones", error))
    return NULL;
  gboolean bulk = store_backend (db) == STORE_POSTGRES;
  for (int t = 0; t < N_TABLES; t++)
    if (bulk ? !prepare_stage (agg, t, error)
             : (!(agg->upsert[t] = prepare_upsert (db, t, error))
                || !(agg->drop[t] = prepare_drop (db, t, error))))
      return NULL;
  return apply_journal (agg, error) ? g_steal_pointer (&agg) : NULL;
}

/* ---- pending sums ---- */

/* The id of TEXT among the interned texts, interning it on first sight.
 * The pointer cache answers most calls (the catalog's names and the deck's
 * groups and destinations come at the same addresses) with one strcmp. */
static guint32
intern (Aggregates *agg, const char *text)
{
  PtrSlot *slot = &agg->ptr_cache[((guintptr) text >> 3 ^ (guintptr) text >> 15) & (PTR_CACHE - 1)];
  if (slot->ptr == text && strcmp (agg->texts->pdata[slot->id], text) == 0)
    return slot->id;
  guint32 id = GPOINTER_TO_UINT (g_hash_table_lookup (agg->text_ids, text));
  if (id)
    id--;
  else
    {
      char *t = g_string_chunk_insert (agg->strings, text);
      id = agg->texts->len;
      g_ptr_array_add (agg->texts, t);
      g_ptr_array_add (agg->text_zones, NULL);
      g_hash_table_insert (agg->text_ids, t, GUINT_TO_POINTER (id + 1));
    }
  slot->ptr = text;
  slot->id = id;
  return id;
}

/* intern() for an own number: by its digits when it has a key (most
 * calls), as any text otherwise. */
static guint32
intern_number (Aggregates *agg, const char *text)
{
  guint64 key = number_ids_key (text);
  guint32 id;
  if (!key)
    return intern (agg, text);
  if (!number_ids_find (agg->number_ids, key, &id))
    number_ids_add (agg->number_ids, key, id = intern (agg, text));
  return id;
}

static guint32
key_hash (const Key *k)
{
  guint64 w[4];
  memcpy (w, k, sizeof w);
  guint64 h = w[0] * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  h = (h ^ w[1] ^ h >> 29) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  h = (h ^ w[2] ^ h >> 32) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  h = (h ^ w[3] ^ h >> 29) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (guint32) (h >> 32);
}

G_STATIC_ASSERT (sizeof (Key) == 4 * sizeof (guint64));

/* Double the index of PT (or make its first). */
static void
index_grow (PendingTable *pt)
{
  guint32 size = pt->index ? (pt->mask + 1) * 2 : 1024;
  g_free (pt->index);
  pt->index = g_new0 (guint64, size);
  pt->mask = size - 1;
  for (guint i = 0; i < pt->groups->len; i++)
    {
      guint32 hash = key_hash (&g_array_index (pt->groups, Pending, i).key);
      guint32 h = hash & pt->mask;
      while (pt->index[h])
        h = (h + 1) & pt->mask;
      pt->index[h] = (guint64) hash << 32 | (i + 1);
    }
}

static inline gboolean
key_equal (const Key *a, const Key *b)
{
  guint64 x[4], y[4];
  memcpy (x, a, sizeof x);
  memcpy (y, b, sizeof y);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}

/* Add SIGN x SUM to the group of table T with key K (of hash HASH). */
static void
pending_apply (Aggregates *agg, int t, const Key *k, guint32 hash, const gint64 *sum, int sign)
{
  PendingTable *pt = &agg->pending[t];
  if (!pt->index || pt->groups->len * 2 >= pt->mask)
    index_grow (pt);
  guint32 h = hash & pt->mask;
  Pending *p = NULL;
  for (guint64 e; (e = pt->index[h]); h = (h + 1) & pt->mask)
    {
      if ((guint32) (e >> 32) != hash)
        continue;
      Pending *q = &g_array_index (pt->groups, Pending, (guint32) e - 1);
      if (key_equal (&q->key, k))
        {
          p = q;
          break;
        }
    }
  if (!p)
    {
      Pending fresh = { .key = *k };
      g_array_append_val (pt->groups, fresh);
      pt->index[h] = (guint64) hash << 32 | pt->groups->len;
      p = &g_array_index (pt->groups, Pending, pt->groups->len - 1);
      agg->n_pending++;
    }
  for (int i = 0; i < tables[t].n_sums; i++)
    p->sum[i] += sign * sum[i];
}

/* Add the oldest queued change. */
static void
queue_pop (Aggregates *agg)
{
  Queued *q = &agg->queue[agg->queue_head];
  pending_apply (agg, q->t, &q->key, q->hash, q->sum, q->sign);
  agg->queue_head = (agg->queue_head + 1) & (QUEUE - 1);
  agg->queue_len--;
}

/* Add every queued change. */
static void
queue_drain (Aggregates *agg)
{
  while (agg->queue_len)
    queue_pop (agg);
}

/* Add SIGN x SUM to the group of table T with key K: queued, its index
 * slot prefetched now and its group once half the queue is ahead of it. */
static void
pending_add (Aggregates *agg, int t, const Key *k, const gint64 *sum, int sign)
{
  if (agg->queue_len == QUEUE)
    queue_pop (agg);
  guint tail = (agg->queue_head + agg->queue_len) & (QUEUE - 1);
  Queued *q = &agg->queue[tail];
  q->key = *k;
  memcpy (q->sum, sum, sizeof q->sum);
  q->hash = key_hash (k);
  q->t = t;
  q->sign = sign;
  agg->queue_len++;
  PendingTable *pt = &agg->pending[t];
  if (pt->index)
    __builtin_prefetch (&pt->index[q->hash & pt->mask]);
  if (agg->queue_len > QUEUE / 2)
    {
      const Queued *m = &agg->queue[(tail - QUEUE / 2) & (QUEUE - 1)];
      const PendingTable *mt = &agg->pending[m->t];
      guint64 e = mt->index ? mt->index[m->hash & mt->mask] : 0;
      if (e && (guint32) (e >> 32) == m->hash)
        __builtin_prefetch (&g_array_index (mt->groups, Pending, (guint32) e - 1));
    }
}

/* The zone of ACCOUNT (interned as ID). */
static const TzMap *
zone_of (Aggregates *agg, const char *account, guint32 id)
{
  if (!account)
    return agg->utc;
  const TzMap *z = agg->text_zones->pdata[id];
  if (z)
    return z;
  z = g_hash_table_lookup (agg->zones, account);
  if (!z)
    {
      /* an account neither in the catalog nor summed before: cannot be
       * placed, so the aggregates are built again from the ratings */
      agg->rebuild = TRUE;
      return agg->utc;
    }
  agg->text_zones->pdata[id] = (gpointer) (guintptr) z;
  return z;
}

void
aggregates_add (Aggregates *agg, const AggRating *r, int sign)
{
  if (agg->rebuild)
    return;
  guint32 period = (guint32) r->period, out = r->out ? 1 : 0;
  guint32 account = r->account ? intern (agg, r->account) : 0;
  gint64 day = store_local_day (zone_of (agg, r->account, account), r->start_ms);
  guint32 grp = intern (agg, r->grp ? r->grp : "");
  gboolean answered = r->status != AGG_UNANSWERED;
  const gint64 kpi[MAX_SUMS] = { 1, answered, answered ? r->duration : 0,
                                 r->status == AGG_RATED ? r->charge : 0 };
  Key k = { { period, intern (agg, r->operator_slug), out, grp }, day };
  pending_add (agg, T_KPI, &k, kpi, sign);
  if (!r->account || (r->status != AGG_RATED && r->status != AGG_FREE))
    return;
  const gint64 usage[MAX_SUMS] = { 1, r->duration, r->billable, r->charge };
  k = (Key) { { period, account }, day };
  pending_add (agg, T_DAY, &k, usage, sign);
  k = (Key) { { period, account, intern_number (agg, r->number ? r->number : "") }, 0 };
  pending_add (agg, T_NUMBER, &k, usage, sign);
  const gint64 destination[MAX_SUMS] = { 1, r->duration, r->billable, r->charge, r->covered };
  k = (Key) { { period, account, out, grp, intern (agg, r->destination ? r->destination : "") }, 0 };
  pending_add (agg, T_DESTINATION, &k, destination, sign);
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

/* The key columns of P (table T) in V, day last when T has one; their
 * number.  PERIOD: scratch that must live while V is used. */
static int
key_values (Aggregates *agg, int t, const Pending *p, char period[8], StoreValue *values)
{
  int n = 0;
  for (int i = 0; i < MAX_KEYS && tables[t].texts[i]; i++)
    {
      guint32 v = p->key.v[i];
      const char *text = NULL;
      switch (tables[t].kinds[i])
        {
        case K_PERIOD:
          {
            int y = (int) v / 100 % 10000, m = (int) v % 100;
            period[0] = (char) ('0' + y / 1000), period[1] = (char) ('0' + y / 100 % 10);
            period[2] = (char) ('0' + y / 10 % 10), period[3] = (char) ('0' + y % 10);
            period[4] = '-', period[5] = (char) ('0' + m / 10), period[6] = (char) ('0' + m % 10);
            period[7] = '\0';
            text = period;
            break;
          }
        case K_DIRECTION:
          text = v ? "out" : "in";
          break;
        default:
          text = agg->texts->pdata[v];
          break;
        }
      values[n++] = STORE_TEXT (text);
    }
  if (tables[t].has_day)
    values[n++] = STORE_INT (p->key.day);
  return n;
}

/* Bind the key columns of P (table T) from parameter 1 on; the number
 * bound in *N.  PERIOD: scratch that must live until the step. */
static gboolean
bind_key (Aggregates *agg, StoreStmt *st, int t, const Pending *p, char period[8], int *n,
          GError **error)
{
  StoreValue values[MAX_KEYS + 2];
  *n = key_values (agg, t, p, period, values);
  values[*n] = (StoreValue) { .type = STORE_VALUE_END };
  return store_bind_values (st, 1, values, error);
}

static gboolean
flush_one (Aggregates *agg, int t, const Pending *p, GError **error)
{
  StoreStmt *st = agg->upsert[t];
  char period[8];
  int n = 0;
  if (!bind_key (agg, st, t, p, period, &n, error))
    return FALSE;
  for (int i = 0; i < tables[t].n_sums; i++)
    if (!store_bind_at (st, n + 1 + i, error, STORE_INT (p->sum[i])))
      return FALSE;
  if (!store_step (st, error))
    return FALSE;
  /* the tables hold the true sums (other writers go through the journal),
   * so only a group that lost ratings can have dropped to 0 */
  if (p->sum[0] >= 0)
    return TRUE;
  StoreStmt *drop = agg->drop[t];
  return bind_key (agg, drop, t, p, period, &n, error) && store_step (drop, error);
}

/* A pending group's key in its table's primary key order, as unsigned
 * integers compared one by one: texts by rank (their byte order), the
 * period as YYYYMM, the direction descending, the day offset to unsigned. */
typedef struct {
  guint32 c[MAX_KEYS + 1];
  guint32 group;                /* its place in the table's groups */
} SortKey;

static int
sort_key_cmp (const void *pa, const void *pb)
{
  const SortKey *a = pa, *b = pb;
  for (int k = 0; k < MAX_KEYS + 1; k++)
    if (a->c[k] != b->c[k])
      return a->c[k] < b->c[k] ? -1 : 1;
  return 0;
}

static const char *const *rank_texts;   /* while ranking (qsort has no user data) */

static int
rank_cmp (const void *pa, const void *pb)
{
  return strcmp (rank_texts[*(const guint32 *) pa], rank_texts[*(const guint32 *) pb]);
}

/* The rank of every interned text in byte order (strcmp, as SQLite's
 * BINARY collation for UTF-8), by id. */
static guint32 *
text_ranks (Aggregates *agg)
{
  guint n = agg->texts->len;
  g_autofree guint32 *ids = g_new (guint32, n + 1);
  guint32 *rank = g_new (guint32, n + 1);
  for (guint i = 0; i < n; i++)
    ids[i] = i;
  rank_texts = (const char *const *) agg->texts->pdata;
  qsort (ids, n, sizeof *ids, rank_cmp);
  rank_texts = NULL;
  for (guint i = 0; i < n; i++)
    rank[ids[i]] = i;
  return rank;
}

/* The groups of table T as SortKeys, sorted. */
static SortKey *
sorted_groups (Aggregates *agg, int t, const guint32 *rank)
{
  GArray *groups = agg->pending[t].groups;
  SortKey *keys = g_new0 (SortKey, groups->len + 1);
  const int *order = tables[t].order;
  for (guint g = 0; g < groups->len; g++)
    {
      const Key *k = &g_array_index (groups, Pending, g).key;
      keys[g].group = g;
      for (int o = 0; order[o]; o++)
        {
          if (order[o] == DAY_KEY)
            {
              keys[g].c[o] = (guint32) CLAMP (k->day, G_MININT32, G_MAXINT32) ^ 0x80000000u;
              continue;
            }
          int i = ABS (order[o]) - 1;
          guint32 v = k->v[i];
          if (tables[t].kinds[i] == K_TEXT)
            v = rank[v];
          keys[g].c[o] = order[o] < 0 ? ~v : v;
        }
    }
  qsort (keys, groups->len, sizeof *keys, sort_key_cmp);
  return keys;
}

/* P (table T), the ORD-th group, as a row of T's staging table. */
static gboolean
stage_one (Aggregates *agg, int t, const Pending *p, gint64 ord, GError **error)
{
  StoreValue values[MAX_KEYS + 1 + MAX_SUMS + 2];
  char period[8];
  int n = key_values (agg, t, p, period, values);
  for (int i = 0; i < tables[t].n_sums; i++)
    values[n++] = STORE_INT (p->sum[i]);
  values[n++] = STORE_INT (ord);
  values[n] = (StoreValue) { .type = STORE_VALUE_END };
  return store_bulk_row_values (agg->stage[t], values, error);
}

/* The staged groups of table T added to it (LOST: some lost ratings, so
 * rows may have dropped to a count of 0), the staging table emptied. */
static gboolean
move_staged (Aggregates *agg, int t, gboolean lost, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("%s;%s%s TRUNCATE pg_temp.rater_%s", agg->move[t],
                                          lost ? agg->move_drop[t] : "", lost ? ";" : "",
                                          tables[t].name);
  return store_bulk_flush (agg->stage[t], NULL, error) && store_exec (agg->db, sql, error);
}

static gboolean
flush_table (Aggregates *agg, int t, const guint32 *rank, GError **error)
{
  PendingTable *pt = &agg->pending[t];
  g_autofree SortKey *keys = sorted_groups (agg, t, rank);
  gboolean staged = FALSE, lost = FALSE;
  for (guint i = 0; i < pt->groups->len; i++)
    {
      const Pending *p = &g_array_index (pt->groups, Pending, keys[i].group);
      gboolean nonzero = FALSE;
      for (int s = 0; s < tables[t].n_sums; s++)
        nonzero |= p->sum[s] != 0;
      if (!nonzero)
        continue;
      if (!agg->stage[t])
        {
          if (!flush_one (agg, t, p, error))
            return FALSE;
          continue;
        }
      if (!stage_one (agg, t, p, i, error))
        return FALSE;
      staged = TRUE;
      lost |= p->sum[0] < 0;
    }
  if (staged && !move_staged (agg, t, lost, error))
    return FALSE;
  g_array_set_size (pt->groups, 0);
  g_clear_pointer (&pt->index, g_free);
  pt->mask = 0;
  return TRUE;
}

gboolean
aggregates_flush_due (const Aggregates *agg)
{
  return !agg->rebuild && agg->n_pending > agg->pending_max;
}

gboolean
aggregates_flush (Aggregates *agg, gboolean all, GError **error)
{
  if (!all && !aggregates_flush_due (agg))
    return TRUE;
  if (agg->rebuild)
    return TRUE;
  queue_drain (agg);
  g_autofree guint32 *rank = text_ranks (agg);
  for (int t = 0; t < N_TABLES; t++)
    if (!flush_table (agg, t, rank, error))
      return FALSE;
  agg->n_pending = 0;
  return TRUE;
}

gboolean
aggregates_finish (Aggregates *agg, GError **error)
{
  return apply_journal (agg, error)
         && (agg->rebuild ? aggregates_rebuild (agg->db, error) : aggregates_flush (agg, TRUE, error))
         && store_exec (agg->db, store_backend (agg->db) == STORE_POSTGRES ? journal_on_pg
                        : "UPDATE agg_control SET journal = 1", error);
}
