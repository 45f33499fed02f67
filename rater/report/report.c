/* report.c — usage, KPI and exception reports as tables: what a report holds.
 *
 * Usage, KPIs and charts read the aggregates kept by rating
 * (rate/aggregates.h) when they are current: one SELECT over the period's
 * range of an aggregate's primary key, which is in the report's output
 * order, each aggregate row one output row (KPI adds its "*" totals as the
 * rows stream past), so memory is one row whatever the calls.  An
 * aggregate's '' group, destination or number is the NULL of the calls.
 *
 * Otherwise a report reads its period once (scan_period): the period's ratings in
 * call id order, each joined with its call by rowid, so both tables are
 * read front to back and never a page at random.  Each row is added to a
 * group in a hash table keyed by the report's key columns (Groups); the
 * groups, as many as the output has rows, are sorted as the SQL ORDER BY
 * did (text in byte order, NULL first) and become ReportTable rows.  The
 * catalog is read once per report (Catalog): every account with its name,
 * currency and zone, the zone a TzMap built once and looked up from the
 * interval of the previous call, so that a day boundary follows the
 * account's DST rules exactly; usage by user resolves numbers from a map.
 * Sums are gint64 and every derived figure (minutes, ASR, ACD) is integer
 * arithmetic rounded half up (decimal.h).  Printing a table is
 * report-write.c's job.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"
#include "base/groupkey.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"
#include "rate/aggregates.h"
#include "report/report.h"

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

/* Tables {{{1 */

static ReportTable *
table_new (const char *name, const char *columns, const char *numeric_columns)
{
  ReportTable *t = g_new0 (ReportTable, 1);
  g_auto(GStrv) names = g_strsplit (columns, ",", -1);
  g_auto(GStrv) numeric = g_strsplit (numeric_columns, ",", -1);

  t->name = g_strdup (name);
  t->params = g_ptr_array_new_with_free_func (g_free);
  t->columns = g_ptr_array_new_with_free_func (g_free);
  t->numeric = g_array_new (FALSE, TRUE, sizeof (gboolean));
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; names[i]; i++)
    {
      gboolean is_numeric = g_strv_contains ((const char *const *) numeric, names[i]);
      g_ptr_array_add (t->columns, g_strdup (names[i]));
      g_array_append_val (t->numeric, is_numeric);
    }
  return t;
}

void
report_table_free (ReportTable *table)
{
  if (!table)
    return;
  g_free (table->name);
  g_ptr_array_unref (table->params);
  g_ptr_array_unref (table->columns);
  g_array_unref (table->numeric);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

static void
table_param (ReportTable *t, const char *key, const char *value)
{
  g_ptr_array_add (t->params, g_strdup (key));
  g_ptr_array_add (t->params, g_strdup (value));
}

/* A new empty row of T; cells are added with row_take/row_text in column
 * order, then table_row_end() keeps it or hands it to T's sink. */
static GPtrArray *
table_row (ReportTable *t)
{
  return g_ptr_array_new_full (t->columns->len, g_free);
}

static void
table_row_end (ReportTable *t, GPtrArray *row)
{
  t->n_rows++;
  if (!t->sink)
    {
      g_ptr_array_add (t->rows, row);
      return;
    }
  t->sink->row (t->sink, t, row);
  g_ptr_array_unref (row);
}

static void
row_take (GPtrArray *row, char *cell)
{
  g_ptr_array_add (row, cell);
}

static void
row_text (GPtrArray *row, const char *cell)
{
  g_ptr_array_add (row, g_strdup (cell));
}

static void
row_int (GPtrArray *row, gint64 value)
{
  g_ptr_array_add (row, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

const char *
report_cell (const ReportTable *table, guint row, const char *column)
{
  g_assert (row < table->rows->len);
  GPtrArray *cells = table->rows->pdata[row];
  for (guint c = 0; c < table->columns->len; c++)
    if (g_str_equal (table->columns->pdata[c], column))
      return cells->pdata[c];
  g_assert_not_reached ();
}

/* Figures {{{1 */

/* round_half_up (NUM / DEN) to 2 decimals, DEN > 0: "57.14". */
static char *
fixed2 (gint64 num, gint64 den)
{
  char buf[32];
  gint64 hundredths = decimal_mul_div_round_half_up (num, 100, den);
  return g_strdup (decimal_format (hundredths * (DECIMAL_MICRO / 100), 2, buf));
}

static char *
minutes (gint64 seconds)
{
  return fixed2 (seconds, 60);
}

static char *
money (gint64 micro)
{
  char buf[32];
  return g_strdup (decimal_format (micro, 6, buf));
}

/* A copy of column COL of ST's row, or NULL when the column is NULL. */
static char *
column_dup (StoreStmt *st, int col)
{
  return g_strdup (store_column_text_or_null (st, col));
}

/* The accounts and their zones {{{1 */

static gint64
floor_div (gint64 a, gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* A zone and the interval of its last lookup: calls of a period come
 * mostly in time order, so the next call's offset is usually the same
 * interval's and costs two comparisons instead of a binary search. */
typedef struct {
  const TzMap *map;             /* owned by the Catalog's tzmap cache */
  guint i;                      /* the interval of the last lookup */
} LocalZone;

/* The day number (days since 1970-01-01) of UTC milliseconds MS in Z. */
static gint64
local_zone_day (LocalZone *z, gint64 ms)
{
  gint64 sec = floor_div (ms, 1000);
  const TzMap *m = z->map;
  if (!(sec >= m->start[z->i] && (z->i + 1 == m->n || sec < m->start[z->i + 1])))
    z->i = tzmap_interval_at (m, sec);
  return floor_div (sec + m->offset[z->i], SECONDS_PER_DAY);
}

/* One accounts row, with what reports print of it. */
typedef struct {
  char *account;
  char *name;
  char *timezone;               /* IANA */
  char *currency;               /* of the account's operator */
  LocalZone *zone;              /* TIMEZONE once built (catalog_zone), else NULL */
  GHashTable *users;            /* number -> smallest UPN (usage by user), or NULL */
} AccountInfo;

static void
account_info_free (AccountInfo *a)
{
  g_free (a->account);
  g_free (a->name);
  g_free (a->timezone);
  g_free (a->currency);
  g_clear_pointer (&a->users, g_hash_table_unref);
  g_free (a);
}

/* What a period scan needs of the catalog, read once per report: every
 * account by name, the zones built on first use, operator currencies. */
typedef struct {
  GHashTable *accounts;         /* account -> AccountInfo */
  GHashTable *tzmaps;           /* tzmap cache */
  GHashTable *zones;            /* IANA name -> LocalZone */
  GHashTable *currencies;       /* operator -> currency */
} Catalog;

static void
catalog_clear (Catalog *c)
{
  g_clear_pointer (&c->accounts, g_hash_table_unref);
  g_clear_pointer (&c->zones, g_hash_table_unref);
  g_clear_pointer (&c->tzmaps, g_hash_table_unref);
  g_clear_pointer (&c->currencies, g_hash_table_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Catalog, catalog_clear)

static gboolean
catalog_add_account (StoreStmt *st, gpointer data, GError **error)
{
  Catalog *c = data;
  AccountInfo *a = g_new0 (AccountInfo, 1);
  a->account = column_dup (st, 0);
  a->name = column_dup (st, 1);
  a->timezone = column_dup (st, 2);
  a->currency = column_dup (st, 3);
  g_hash_table_replace (c->accounts, a->account, a);
  return TRUE;
}

static gboolean
catalog_add_currency (StoreStmt *st, gpointer data, GError **error)
{
  g_hash_table_replace (data, column_dup (st, 0), column_dup (st, 1));
  return TRUE;
}

static gboolean
catalog_init (Catalog *c, StoreDb *db, GError **error)
{
  c->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) account_info_free);
  c->tzmaps = tzmap_cache_new ();
  c->zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->currencies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return store_query_each (db, "SELECT a.account, a.name, a.timezone, o.currency FROM accounts a"
                           " JOIN operators o ON o.operator = a.operator",
                           catalog_add_account, c, "reading accounts", error)
         && store_query_each (db, "SELECT operator, currency FROM operators",
                              catalog_add_currency, c->currencies, "reading operators", error);
}

/* The zone NAME, built on first use. */
static LocalZone *
catalog_zone (Catalog *c, const char *name, GError **error)
{
  LocalZone *z = g_hash_table_lookup (c->zones, name);
  if (z)
    return z;
  const TzMap *map = tzmap_cache_get (c->tzmaps, name, error);
  if (!map)
    return NULL;
  z = g_new0 (LocalZone, 1);
  z->map = map;
  g_hash_table_insert (c->zones, g_strdup (name), z);
  return z;
}

/* The local day number of MS for ACCOUNT (NULL: UTC), in *DAY. */
static gboolean
catalog_local_day (Catalog *c, AccountInfo *account, gint64 ms, gint64 *day, GError **error)
{
  LocalZone *z = account ? account->zone : NULL;
  if (!z)
    {
      z = catalog_zone (c, account ? account->timezone : "UTC", error);
      if (!z)
        return FALSE;
      if (account)
        account->zone = z;
    }
  *day = local_zone_day (z, ms);
  return TRUE;
}

static char *
day_text (gint64 day)
{
  int y, m, d;
  time_civil_from_days (day, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

/* The period scan {{{1 */

/* One rated call of the period, as the scan hands it to a report: texts
 * are valid until the next row.  ACCOUNT is the accounts row of
 * ACCOUNT_NAME, NULL when the call has none or it is unknown. */
typedef struct {
  const char *account_name;
  AccountInfo *account;
  const char *status;           /* rated | free | unanswered | unrated */
  const char *grp, *destination;        /* NULL when no deck row matched */
  gint64 billable;              /* seconds */
  gint64 charge;                /* micro-units */
  const char *operator_slug, *direction, *caller, *callee;
  gint64 start_ms;              /* UTC ms */
  gint64 duration;              /* seconds */
} ScanRow;

typedef gboolean (*ScanFunc) (const ScanRow *row, gpointer data, GError **error);

/* One pass over the period's ratings joined with their calls.  The period
 * is read in call id order between its first and last call
 * (store_period_calls; the unary + keeps SQLite off the period index): both
 * tables are read front to back, once, and the other months a database
 * keeps are never read — not through ratings_by_period, whose (period,
 * account) order makes every call fetch a random page.  A sparse period
 * (few calls spread over many) and one account's rows, a small part, do
 * come through it. */
#define SCAN_SELECT \
  "SELECT r.account, r.status, r.grp, r.destination, r.billable, r.charge," \
  " c.operator, c.direction, c.caller, c.callee, c.start_ms, c.duration"
static const char scan_period_sql[] = SCAN_SELECT
  " FROM ratings r CROSS JOIN calls c ON c.id = r.call_id"
  " WHERE r.call_id BETWEEN ?3 AND ?4 AND +r.period = ?1"
  " AND (?2 = 0 OR r.status IN ('rated', 'free'))";
static const char scan_sparse_sql[] = SCAN_SELECT
  " FROM ratings r CROSS JOIN calls c ON c.id = r.call_id"
  " WHERE r.period = ?1 AND (?2 = 0 OR r.status IN ('rated', 'free'))";
static const char scan_account_sql[] = SCAN_SELECT
  " FROM ratings r CROSS JOIN calls c ON c.id = r.call_id"
  " WHERE r.period = ?1 AND (?2 = 0 OR r.status IN ('rated', 'free')) AND r.account = ?3";

static void
scan_row (StoreStmt *st, Catalog *c, ScanRow *row)
{
  row->account_name = store_column_text_or_null (st, 0);
  row->account = row->account_name ? g_hash_table_lookup (c->accounts, row->account_name) : NULL;
  row->status = store_column_text (st, 1);
  row->grp = store_column_text_or_null (st, 2);
  row->destination = store_column_text_or_null (st, 3);
  row->billable = store_column_int64 (st, 4);
  row->charge = store_column_int64 (st, 5);
  row->operator_slug = store_column_text (st, 6);
  row->direction = store_column_text (st, 7);
  row->caller = store_column_text_or_null (st, 8);
  row->callee = store_column_text (st, 9);
  row->start_ms = store_column_int64 (st, 10);
  row->duration = store_column_int64 (st, 11);
}

/* FUNC on every call of PERIOD (of ACCOUNT only, when not NULL; with
 * status rated or free only, when USAGE_ONLY). */
static gboolean
scan_period (StoreDb *db, Catalog *c, const char *period, const char *account,
             gboolean usage_only, ScanFunc func, gpointer data, GError **error)
{
  gint64 first, last, count;
  gboolean sparse;
  if (!store_period_calls (db, period, &first, &last, &count, &sparse, error))
    return FALSE;
  if (count == 0)
    return TRUE;
  const char *sql = account ? scan_account_sql : sparse ? scan_sparse_sql : scan_period_sql;
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  if (!st || !store_bind (st, error, STORE_TEXT (period), STORE_INT (usage_only))
      || (account && !store_bind_at (st, 3, error, STORE_TEXT (account)))
      || (sql == scan_period_sql
          && !store_bind_at (st, 3, error, STORE_INT (first), STORE_INT (last))))
    return FALSE;
  ScanRow row;
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    {
      scan_row (st, c, &row);
      if (!func (&row, data, error))
        return FALSE;
    }
  return rc == STORE_DONE || store_set_error (error, db, "reading rated calls");
}

static gboolean
is_usage (const ScanRow *row)
{
  return row->account && (g_str_equal (row->status, "rated") || g_str_equal (row->status, "free"));
}
/* Whether Q is answered from the aggregates (rate/aggregates.h). */
static gboolean
from_aggregates (StoreDb *db, const ReportQuery *q, gboolean *use, GError **error)
{
  *use = FALSE;
  return q->from_calls || aggregates_current (db, use, error);
}

/* TEXT, or NULL for an aggregate's '' (none). */
static const char *
none_null (const char *text)
{
  return text && *text ? text : NULL;
}

/* Checking the query {{{1 */

#define usage_error(error, ...) rater_fail ((error), RATER_ERROR_USAGE, __VA_ARGS__)

static gboolean
check_period (const char *period, GError **error)
{
  int y, m;
  if (period && time_parse_period (period, strlen (period), &y, &m) == TIME_OK)
    return TRUE;
  return usage_error (error, "period must be YYYY-MM, not '%s'", period ? period : "");
}

/* TRUE when SQL (one parameter) finds a row for VALUE. */
static gboolean
exists (StoreDb *db, const char *sql, const char *value, gboolean *found, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  if (!st)
    return FALSE;
  if (!store_bind (st, error, STORE_TEXT (value)))
    return FALSE;
  int rc = store_next (st);
  *found = rc == STORE_ROW;
  return rc == STORE_ROW || rc == STORE_DONE || store_set_error (error, db, "reading the catalog");
}

static gboolean
check_account (StoreDb *db, const char *account, GError **error)
{
  gboolean found = TRUE;
  if (account && !exists (db, "SELECT 1 FROM accounts WHERE account = ?1", account, &found, error))
    return FALSE;
  return found || usage_error (error, "unknown account '%s'", account);
}

static gboolean
check_operator (StoreDb *db, const char *op, GError **error)
{
  gboolean found = TRUE;
  if (op && !exists (db, "SELECT 1 FROM operators WHERE operator = ?1", op, &found, error))
    return FALSE;
  return found || usage_error (error, "unknown operator '%s'", op);
}

/* Aggregating in memory {{{1 */

/* Group keys are encoded into one string for the hash table (base/groupkey.h). */

/* Byte order, as SQLite orders text (BINARY collation); a NULL part ranks
 * 0, first, as NULL sorts in SQLite. */
static gint
cmp_texts (gconstpointer a, gconstpointer b, gpointer unused)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* One group of a report: its key and its sums. */
typedef struct {
  char *key;                    /* the encoded key (hash key, in the Groups' strings) */
  AccountInfo *account;         /* usage: the account; NULL for kpi */
  const char *part[4];          /* key columns (usage: by the kind; kpi: operator,
                                   direction, group), NULL = empty; in the Groups'
                                   strings, each text stored once */
  guint32 rank[4];              /* of each part in byte order, 0 for NULL (groups_sorted) */
  gint64 day;                   /* day number, when the key has a day */
  gint64 n;                     /* usage: calls; kpi: attempts */
  gint64 answered;              /* kpi */
  gint64 seconds;               /* talk time */
  gint64 billable;              /* usage: billable seconds */
  gint64 charge;                /* micro-units: usage cost, kpi revenue */
} Group;

#define GROUPS_PER_BLOCK 4096

/* The groups of one report, by encoded key: a few big blocks of groups and
 * one string chunk, not several allocations per group (a usage report by
 * destination has about one group per two calls). */
typedef struct {
  GHashTable *groups;           /* key -> Group, both borrowed */
  GPtrArray *blocks;            /* Group[GROUPS_PER_BLOCK], owned */
  guint used;                   /* groups used in the last block */
  GStringChunk *strings;        /* keys and key columns */
  GHashTable *texts;            /* each key column text in STRINGS, once -> its rank */
  GString *key;                 /* the key being built (reused per row) */
} Groups;

static void
groups_init (Groups *gs)
{
  gs->groups = g_hash_table_new (g_str_hash, g_str_equal);
  gs->blocks = g_ptr_array_new_with_free_func (g_free);
  gs->used = GROUPS_PER_BLOCK;
  gs->strings = g_string_chunk_new (1 << 16);
  gs->texts = g_hash_table_new (g_str_hash, g_str_equal);
  gs->key = g_string_sized_new (64);
}

static void
groups_clear (Groups *gs)
{
  g_clear_pointer (&gs->groups, g_hash_table_unref);
  g_clear_pointer (&gs->blocks, g_ptr_array_unref);
  g_clear_pointer (&gs->strings, g_string_chunk_free);
  g_clear_pointer (&gs->texts, g_hash_table_unref);
  if (gs->key)
    g_string_free (g_steal_pointer (&gs->key), TRUE);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Groups, groups_clear)

/* TEXT stored once in GS->strings. */
static const char *
groups_text (Groups *gs, const char *text)
{
  gpointer key;
  if (g_hash_table_lookup_extended (gs->texts, text, &key, NULL))
    return key;
  char *t = g_string_chunk_insert (gs->strings, text);
  g_hash_table_insert (gs->texts, t, NULL);
  return t;
}

static Group *
groups_alloc (Groups *gs)
{
  if (gs->used == GROUPS_PER_BLOCK)
    {
      g_ptr_array_add (gs->blocks, g_new0 (Group, GROUPS_PER_BLOCK));
      gs->used = 0;
    }
  Group *block = g_ptr_array_index (gs->blocks, gs->blocks->len - 1);
  return &block[gs->used++];
}

/* The group of the key in GS->key, created with PARTS (copied) and DAY when
 * new. */
static Group *
groups_get (Groups *gs, const char *const parts[4], gint64 day)
{
  Group *g = g_hash_table_lookup (gs->groups, gs->key->str);
  if (g)
    return g;
  g = groups_alloc (gs);
  g->key = g_string_chunk_insert_len (gs->strings, gs->key->str, (gssize) gs->key->len);
  for (int i = 0; i < 4; i++)
    g->part[i] = parts[i] ? groups_text (gs, parts[i]) : NULL;
  g->day = day;
  g_hash_table_insert (gs->groups, g->key, g);
  return g;
}

/* Every group's RANK from its parts: the texts sorted once, so that
 * sorting the groups compares integers, not strings. */
static void
groups_rank (Groups *gs)
{
  guint n = 0;
  g_autofree gpointer *texts = (gpointer *) g_hash_table_get_keys_as_array (gs->texts, &n);
  g_qsort_with_data (texts, (gint) n, sizeof *texts, cmp_texts, NULL);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (gs->texts, texts[i], GUINT_TO_POINTER (i + 1));
  for (guint b = 0; b < gs->blocks->len; b++)
    {
      Group *block = gs->blocks->pdata[b];
      guint used = b + 1 == gs->blocks->len ? gs->used : GROUPS_PER_BLOCK;
      for (guint i = 0; i < used; i++)
        for (int p = 0; p < 4; p++)
          block[i].rank[p] = block[i].part[p]
            ? GPOINTER_TO_UINT (g_hash_table_lookup (gs->texts, block[i].part[p])) : 0;
    }
}

/* The groups as an array sorted by CMP (which gets pointers to Group *),
 * ranked first. */
static GPtrArray *
groups_sorted (Groups *gs, GCompareFunc cmp)
{
  groups_rank (gs);
  GPtrArray *a = g_ptr_array_sized_new (g_hash_table_size (gs->groups));
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, gs->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (a, value);
  g_ptr_array_sort (a, cmp);
  return a;
}

static int
cmp_rank (guint32 a, guint32 b)
{
  return (a > b) - (a < b);
}

/* Usage {{{1 */

static const struct {
  const char *name;             /* --by */
  const char *keys;             /* key columns */
} usage_kinds[] = {
  [REPORT_BY_USER] = { "user", "number,user" },
  [REPORT_BY_DESTINATION] = { "destination", "direction,group,destination" },
  [REPORT_BY_DAY] = { "day", "day" },
};

typedef struct {
  Catalog *catalog;
  ReportUsageBy by;
  Groups groups;
} UsageScan;

/* The account's own number on the call: caller of `out`, callee of `in`. */
static const char *
own_number (const ScanRow *row)
{
  return g_str_equal (row->direction, "out") ? row->caller : row->callee;
}

static void
usage_scan_clear (UsageScan *u)
{
  groups_clear (&u->groups);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UsageScan, usage_scan_clear)

static gboolean
usage_add (const ScanRow *row, gpointer data, GError **error)
{
  UsageScan *u = data;
  if (!is_usage (row))
    return TRUE;
  const char *parts[4] = { NULL, NULL, NULL, row->account_name };
  gint64 day = 0;
  GString *key = u->groups.key;
  g_string_truncate (key, 0);
  groupkey_add_text (key, row->account_name);
  switch (u->by)
    {
    case REPORT_BY_USER:
      parts[0] = own_number (row);
      groupkey_add_text (key, parts[0]);
      break;
    case REPORT_BY_DESTINATION:
      parts[0] = row->direction, parts[1] = row->grp, parts[2] = row->destination;
      for (int i = 0; i < 3; i++)
        groupkey_add_text (key, parts[i]);
      break;
    case REPORT_BY_DAY:
      if (!catalog_local_day (u->catalog, row->account, row->start_ms, &day, error))
        return FALSE;
      groupkey_add_int (key, day);
      break;
    }
  Group *g = groups_get (&u->groups, parts, day);
  g->account = row->account;
  g->n++;
  g->seconds += row->duration;
  g->billable += row->billable;
  g->charge += row->charge;
  return TRUE;
}

/* Usage groups by account (part 3), then by the kind's key. */
static int
usage_cmp_account (const Group *a, const Group *b)
{
  return cmp_rank (a->rank[3], b->rank[3]);
}

static int
usage_cmp_user (gconstpointer pa, gconstpointer pb)
{
  const Group *a = *(Group *const *) pa, *b = *(Group *const *) pb;
  int c = usage_cmp_account (a, b);
  return c ? c : cmp_rank (a->rank[0], b->rank[0]);
}

/* direction descending ('out' before 'in'), then group and destination */
static int
usage_cmp_destination (gconstpointer pa, gconstpointer pb)
{
  const Group *a = *(Group *const *) pa, *b = *(Group *const *) pb;
  int c = usage_cmp_account (a, b);
  if (!c)
    c = -cmp_rank (a->rank[0], b->rank[0]);
  if (!c)
    c = cmp_rank (a->rank[1], b->rank[1]);
  return c ? c : cmp_rank (a->rank[2], b->rank[2]);
}

static int
usage_cmp_day (gconstpointer pa, gconstpointer pb)
{
  const Group *a = *(Group *const *) pa, *b = *(Group *const *) pb;
  int c = usage_cmp_account (a, b);
  return c ? c : (a->day > b->day) - (a->day < b->day);
}

static const GCompareFunc usage_cmp[] = {
  [REPORT_BY_USER] = usage_cmp_user,
  [REPORT_BY_DESTINATION] = usage_cmp_destination,
  [REPORT_BY_DAY] = usage_cmp_day,
};

/* numbers.user of every number, the smallest UPN per (account, number), into
 * the account's USERS (what `SELECT min (user)` of the number gave). */
static gboolean
add_user (StoreStmt *st, gpointer data, GError **error)
{
  AccountInfo *a = g_hash_table_lookup (data, store_column_text (st, 0));
  if (!a)
    return TRUE;
  if (!a->users)
    a->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *number = store_column_text (st, 1), *user = store_column_text (st, 2);
  const char *old = g_hash_table_lookup (a->users, number);
  if (!old || strcmp (user, old) < 0)
    g_hash_table_replace (a->users, g_strdup (number), g_strdup (user));
  return TRUE;
}

static gboolean
catalog_load_users (Catalog *c, StoreDb *db, GError **error)
{
  return store_query_each (db, "SELECT account, number, \"user\" FROM numbers WHERE \"user\" IS NOT NULL",
                           add_user, c->accounts, "reading numbers", error);
}

static void
usage_row (ReportTable *t, const char *period, ReportUsageBy by, const Group *g)
{
  GPtrArray *row = table_row (t);
  row_text (row, g->account->account);
  row_text (row, period);
  switch (by)
    {
    case REPORT_BY_USER:
      row_text (row, g->part[0]);
      row_text (row, g->part[0] && g->account->users
                     ? g_hash_table_lookup (g->account->users, g->part[0]) : NULL);
      break;
    case REPORT_BY_DESTINATION:
      for (int i = 0; i < 3; i++)
        row_text (row, g->part[i]);
      break;
    case REPORT_BY_DAY:
      row_take (row, day_text (g->day));
      break;
    }
  row_int (row, g->n);
  row_int (row, g->seconds);
  row_int (row, g->billable);
  row_take (row, minutes (g->billable));
  row_take (row, money (g->charge));
  row_text (row, g->account->currency);
  table_row_end (t, row);
}

/* The usage aggregate of each kind, in output order (account, key): the
 * SELECT of the period and its ORDER BY. */
static const char *const usage_aggregate_sql[][2] = {
  [REPORT_BY_USER] = { "SELECT account, number, 0, calls, seconds, billable, charge"
                       " FROM agg_number WHERE period = ?1", " ORDER BY account, number" },
  [REPORT_BY_DESTINATION] = { "SELECT account, direction, grp, destination, calls, seconds,"
                              " billable, charge FROM agg_destination WHERE period = ?1",
                              " ORDER BY account, direction DESC, grp, destination" },
  [REPORT_BY_DAY] = { "SELECT account, day, 0, calls, seconds, billable, charge"
                      " FROM agg_day WHERE period = ?1", " ORDER BY account, day" },
};

/* The rows of T (usage of Q) from the aggregates, streamed in order.  An
 * account no longer in the catalog has no usage rows, as in the scan. */
static gboolean
usage_aggregated (StoreDb *db, Catalog *c, const ReportQuery *q, ReportTable *t, GError **error)
{
  g_autofree char *sql = g_strconcat (usage_aggregate_sql[q->by][0],
                                      q->account ? " AND account = ?2" : "",
                                      usage_aggregate_sql[q->by][1], NULL);
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  if (!st || !store_bind (st, error, STORE_TEXT (q->period))
      || (q->account && !store_bind_at (st, 2, error, STORE_TEXT (q->account))))
    return FALSE;
  int sums = q->by == REPORT_BY_DESTINATION ? 4 : 3, rc;
  while ((rc = store_next (st)) == STORE_ROW)
    {
      Group g = { .account = g_hash_table_lookup (c->accounts, store_column_text (st, 0)) };
      if (!g.account)
        continue;
      if (q->by == REPORT_BY_DAY)
        g.day = store_column_int64 (st, 1);
      else if (q->by == REPORT_BY_USER)
        g.part[0] = none_null (store_column_text (st, 1));
      else
        for (int i = 0; i < 3; i++)
          g.part[i] = none_null (store_column_text (st, 1 + i));
      g.n = store_column_int64 (st, sums);
      g.seconds = store_column_int64 (st, sums + 1);
      g.billable = store_column_int64 (st, sums + 2);
      g.charge = store_column_int64 (st, sums + 3);
      usage_row (t, q->period, q->by, &g);
    }
  return rc == STORE_DONE || store_set_error (error, db, "reading the usage aggregates");
}

ReportTable *
report_usage (StoreDb *db, const ReportQuery *q, GError **error)
{
  return report_usage_to (db, q, NULL, error);
}

ReportTable *
report_usage_to (StoreDb *db, const ReportQuery *q, ReportSink *sink, GError **error)
{
  g_assert (q->by <= REPORT_BY_DAY);
  g_auto(Catalog) catalog = { 0 };
  g_auto(UsageScan) u = { &catalog, q->by, { 0 } };
  gboolean aggregates;
  if (!check_period (q->period, error) || !check_account (db, q->account, error)
      || !catalog_init (&catalog, db, error)
      || (q->by == REPORT_BY_USER && !catalog_load_users (&catalog, db, error))
      || !from_aggregates (db, q, &aggregates, error))
    return NULL;
  groups_init (&u.groups);
  if (!aggregates && !scan_period (db, &catalog, q->period, q->account, TRUE, usage_add, &u, error))
    return NULL;
  g_autofree char *columns = g_strdup_printf ("account,period,%s,calls,seconds,billable_seconds,"
                                              "minutes,cost,currency", usage_kinds[q->by].keys);
  g_autoptr(ReportTable) t = table_new ("usage", columns, "calls,seconds,billable_seconds");
  table_param (t, "period", q->period);
  table_param (t, "by", usage_kinds[q->by].name);
  t->sink = sink;
  if (aggregates)
    return usage_aggregated (db, &catalog, q, t, error) ? g_steal_pointer (&t) : NULL;
  g_autoptr(GPtrArray) sorted = groups_sorted (&u.groups, usage_cmp[q->by]);
  for (guint i = 0; i < sorted->len; i++)
    usage_row (t, q->period, q->by, sorted->pdata[i]);
  return g_steal_pointer (&t);
}

/* KPI {{{1 */

typedef struct {
  gint64 attempts, answered;
  gint64 seconds;               /* answered talk time */
  gint64 revenue;               /* micro-units */
} KpiSums;

static void
kpi_row (ReportTable *t, const char *const key[4], const KpiSums *k, const char *currency)
{
  GPtrArray *row = table_row (t);
  for (int i = 0; i < 4; i++)
    row_text (row, key[i]);
  row_int (row, k->attempts);
  row_int (row, k->answered);
  row_take (row, fixed2 (k->answered * 100, k->attempts));
  row_take (row, k->answered ? fixed2 (k->seconds, k->answered) : NULL);
  row_int (row, k->seconds);
  row_take (row, minutes (k->seconds));
  row_take (row, money (k->revenue));
  row_text (row, currency);
  table_row_end (t, row);
}

typedef struct {
  Catalog *catalog;
  const char *operator_slug;    /* only this operator, or NULL */
  Groups groups;
} KpiScan;

static void
kpi_scan_clear (KpiScan *k)
{
  groups_clear (&k->groups);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KpiScan, kpi_scan_clear)

/* Every call counts, in its account's zone (UTC without one); the group is
 * the deck group, "" when none. */
static gboolean
kpi_add (const ScanRow *row, gpointer data, GError **error)
{
  KpiScan *k = data;
  if (k->operator_slug && !g_str_equal (row->operator_slug, k->operator_slug))
    return TRUE;
  gint64 day;
  if (!catalog_local_day (k->catalog, row->account, row->start_ms, &day, error))
    return FALSE;
  const char *parts[4] = { row->operator_slug, row->direction, row->grp ? row->grp : "", NULL };
  GString *key = k->groups.key;
  g_string_truncate (key, 0);
  for (int i = 0; i < 3; i++)
    groupkey_add_text (key, parts[i]);
  groupkey_add_int (key, day);
  Group *g = groups_get (&k->groups, parts, day);
  gboolean answered = !g_str_equal (row->status, "unanswered");
  g->n++;
  g->answered += answered;
  g->seconds += answered ? row->duration : 0;
  g->charge += g_str_equal (row->status, "rated") ? row->charge : 0;
  return TRUE;
}

/* operator, day, direction descending, group */
static int
kpi_cmp (gconstpointer pa, gconstpointer pb)
{
  const Group *a = *(Group *const *) pa, *b = *(Group *const *) pb;
  int c = cmp_rank (a->rank[0], b->rank[0]);
  if (!c)
    c = (a->day > b->day) - (a->day < b->day);
  if (!c)
    c = -cmp_rank (a->rank[1], b->rank[1]);
  return c ? c : cmp_rank (a->rank[2], b->rank[2]);
}

/* The rows of SORTED, and after each (operator, day, direction) its "*"
 * total. */
static void
kpi_rows (ReportTable *t, Catalog *c, GPtrArray *sorted)
{
  for (guint i = 0; i < sorted->len;)
    {
      const Group *first = sorted->pdata[i];
      const char *currency = g_hash_table_lookup (c->currencies, first->part[0]);
      g_autofree char *day = day_text (first->day);
      KpiSums total = { 0 };
      for (; i < sorted->len; i++)
        {
          const Group *g = sorted->pdata[i];
          if (g->day != first->day || !g_str_equal (g->part[0], first->part[0])
              || !g_str_equal (g->part[1], first->part[1]))
            break;
          const char *const key[4] = { g->part[0], day, g->part[1], g->part[2] };
          KpiSums k = { g->n, g->answered, g->seconds, g->charge };
          kpi_row (t, key, &k, currency);
          total.attempts += k.attempts;
          total.answered += k.answered;
          total.seconds += k.seconds;
          total.revenue += k.revenue;
        }
      const char *const key[4] = { first->part[0], day, first->part[1], "*" };
      kpi_row (t, key, &total, currency);
    }
}

/* The KPI rows of T from agg_kpi, in output order, each (operator, day,
 * direction) followed by its "*" total as the rows stream past. */
static gboolean
kpi_aggregated (StoreDb *db, Catalog *c, const ReportQuery *q, ReportTable *t, GError **error)
{
  g_autofree char *sql = g_strconcat ("SELECT operator, day, direction, grp, attempts, answered,"
                                      " seconds, revenue FROM agg_kpi WHERE period = ?1",
                                      q->operator_slug ? " AND operator = ?2" : "",
                                      " ORDER BY operator, day, direction DESC, grp", NULL);
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  if (!st || !store_bind (st, error, STORE_TEXT (q->period))
      || (q->operator_slug && !store_bind_at (st, 2, error, STORE_TEXT (q->operator_slug))))
    return FALSE;
  g_autofree char *op = NULL, *direction = NULL, *day = NULL;
  const char *currency = NULL;
  gint64 day_number = 0;
  KpiSums total = { 0 };
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    {
      const char *row_op = store_column_text (st, 0), *row_direction = store_column_text (st, 2);
      gint64 row_day = store_column_int64 (st, 1);
      if (!op || !g_str_equal (op, row_op) || day_number != row_day
          || !g_str_equal (direction, row_direction))
        {
          if (op)
            kpi_row (t, (const char *const[4]) { op, day, direction, "*" }, &total, currency);
          g_free (op), g_free (direction), g_free (day);
          op = g_strdup (row_op), direction = g_strdup (row_direction);
          day = day_text (day_number = row_day);
          currency = g_hash_table_lookup (c->currencies, op);
          total = (KpiSums) { 0 };
        }
      KpiSums k = { store_column_int64 (st, 4), store_column_int64 (st, 5),
                    store_column_int64 (st, 6), store_column_int64 (st, 7) };
      kpi_row (t, (const char *const[4]) { op, day, direction, store_column_text (st, 3) }, &k,
               currency);
      total.attempts += k.attempts;
      total.answered += k.answered;
      total.seconds += k.seconds;
      total.revenue += k.revenue;
    }
  if (rc != STORE_DONE)
    return store_set_error (error, db, "reading the KPI aggregates");
  if (op)
    kpi_row (t, (const char *const[4]) { op, day, direction, "*" }, &total, currency);
  return TRUE;
}

ReportTable *
report_kpi (StoreDb *db, const ReportQuery *q, GError **error)
{
  return report_kpi_to (db, q, NULL, error);
}

ReportTable *
report_kpi_to (StoreDb *db, const ReportQuery *q, ReportSink *sink, GError **error)
{
  g_auto(Catalog) catalog = { 0 };
  g_auto(KpiScan) k = { &catalog, q->operator_slug, { 0 } };
  gboolean aggregates;
  if (!check_period (q->period, error) || !check_operator (db, q->operator_slug, error)
      || !catalog_init (&catalog, db, error) || !from_aggregates (db, q, &aggregates, error))
    return NULL;
  groups_init (&k.groups);
  if (!aggregates && !scan_period (db, &catalog, q->period, NULL, FALSE, kpi_add, &k, error))
    return NULL;
  g_autoptr(ReportTable) t = table_new ("kpi", "operator,day,direction,group,attempts,answered,"
                                        "asr,acd,seconds,minutes,revenue,currency",
                                        "attempts,answered,seconds");
  table_param (t, "period", q->period);
  t->sink = sink;
  if (aggregates)
    return kpi_aggregated (db, &catalog, q, t, error) ? g_steal_pointer (&t) : NULL;
  g_autoptr(GPtrArray) sorted = groups_sorted (&k.groups, kpi_cmp);
  kpi_rows (t, &catalog, sorted);
  return g_steal_pointer (&t);
}

/* Exceptions {{{1 */

#define FAILED_NUMBER \
  "CASE WHEN r.reason = 'unknown_account' AND c.direction = 'out' THEN coalesce (c.caller, '')" \
  " ELSE c.callee END"

/* The period's unrated calls (rating_facts_unrated, by account) sorted by
 * id first, so that their calls are read front to back, not a random page
 * each (10M calls: 1.8 -> 1.0 s); the LIMIT keeps SQLite from dropping the
 * ORDER BY of a subquery in FROM. */
static const char unrated_sql[] =
  "SELECT r.reason, c.operator, substr (" FAILED_NUMBER ", 1, CAST (?2 AS INTEGER)) AS number_prefix,"
  " count (*),"
  " min (c.start_ms), max (c.start_ms), min (" FAILED_NUMBER ")"
  " FROM (SELECT call_id, reason FROM ratings WHERE period = ?1 AND status = 'unrated'"
  "       ORDER BY call_id LIMIT 9223372036854775807) r"
  " CROSS JOIN calls c ON c.id = r.call_id"
  " GROUP BY r.reason, c.operator, number_prefix ORDER BY r.reason, c.operator, number_prefix";

static const char rejects_sql[] =
  "SELECT r.reason, f.operator, f.path, count (*), min (r.line), max (r.line),"
  " (SELECT x.detail FROM rejects x WHERE x.file_id = r.file_id AND x.reason = r.reason"
  "  ORDER BY x.line, x.id LIMIT 1)"
  " FROM rejects r JOIN files f ON f.id = r.file_id"
  " GROUP BY r.file_id, f.id, r.reason ORDER BY r.file_id, r.reason";

static gboolean
unrated_row (StoreStmt *st, gpointer t, GError **error)
{
  char buf[32];
  GPtrArray *row = table_row (t);
  row_text (row, "unrated");
  row_take (row, column_dup (st, 0));
  row_take (row, column_dup (st, 1));
  row_take (row, NULL);
  row_take (row, column_dup (st, 2));
  row_int (row, store_column_int64 (st, 3));
  row_text (row, time_format_utc (store_column_int64 (st, 4), buf));
  row_text (row, time_format_utc (store_column_int64 (st, 5), buf));
  row_take (row, NULL);
  row_take (row, NULL);
  row_take (row, column_dup (st, 6));
  table_row_end (t, row);
  return TRUE;
}

static gboolean
reject_row (StoreStmt *st, gpointer t, GError **error)
{
  GPtrArray *row = table_row (t);
  row_text (row, "reject");
  row_take (row, column_dup (st, 0));
  row_take (row, column_dup (st, 1));
  row_take (row, column_dup (st, 2));
  row_take (row, NULL);
  row_int (row, store_column_int64 (st, 3));
  row_take (row, NULL);
  row_take (row, NULL);
  row_int (row, store_column_int64 (st, 4));
  row_int (row, store_column_int64 (st, 5));
  row_take (row, column_dup (st, 6));
  table_row_end (t, row);
  return TRUE;
}

ReportTable *
report_exceptions (StoreDb *db, const ReportQuery *q, GError **error)
{
  return report_exceptions_to (db, q, NULL, error);
}

ReportTable *
report_exceptions_to (StoreDb *db, const ReportQuery *q, ReportSink *sink, GError **error)
{
  guint digits = q->prefix_digits ? q->prefix_digits : 5;
  if (!check_period (q->period, error))
    return NULL;
  if (digits > 15)
    return usage_error (error, "prefix digits must be 1 to 15, not %u", digits), NULL;
  g_autoptr(StoreStmt) unrated = store_prepare (db, unrated_sql, error);
  g_autoptr(StoreStmt) rejects = unrated ? store_prepare (db, rejects_sql, error) : NULL;
  if (!rejects
      || !store_bind (unrated, error, STORE_TEXT_COPY (q->period), STORE_INT (digits)))
    return NULL;
  g_autoptr(ReportTable) t = table_new ("exceptions", "kind,reason,operator,file,prefix,count,"
                                        "first_seen,last_seen,first_line,last_line,sample",
                                        "count,first_line,last_line");
  table_param (t, "period", q->period);
  t->sink = sink;
  if (!store_each_row (unrated, unrated_row, t, "reading unrated calls", error)
      || !store_each_row (rejects, reject_row, t, "reading rejects", error))
    return NULL;
  return g_steal_pointer (&t);
}

/* Daily usage for charts {{{1 */

void
report_daily_free (ReportDaily *daily)
{
  if (!daily)
    return;
  g_free (daily->account);
  g_free (daily->name);
  g_free (daily->currency);
  g_free (daily->period);
  g_free (daily->billable_seconds);
  g_free (daily->cost);
  g_free (daily);
}

/* The charts of a period being summed: one ReportDaily per account seen. */
typedef struct {
  Catalog *catalog;
  const char *period;
  gint64 first_day;             /* day number of the period's first day */
  guint n_days;
  GHashTable *dailies;          /* account -> ReportDaily, owning */
} DailyScan;

static void
daily_scan_clear (DailyScan *d)
{
  g_clear_pointer (&d->dailies, g_hash_table_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DailyScan, daily_scan_clear)

/* A new ReportDaily of ACCOUNT, zeros, without name and currency. */
static ReportDaily *
daily_new (const DailyScan *d, const char *account)
{
  ReportDaily *daily = g_new0 (ReportDaily, 1);
  daily->account = g_strdup (account);
  daily->period = g_strdup (d->period);
  daily->n_days = d->n_days;
  daily->billable_seconds = g_new0 (gint64, d->n_days);
  daily->cost = g_new0 (gint64, d->n_days);
  return daily;
}

/* BILLABLE and CHARGE of ACCOUNT_NAME on DAY added to D. */
static void
daily_sum (DailyScan *d, const char *account_name, gint64 day, gint64 billable, gint64 charge)
{
  ReportDaily *daily = g_hash_table_lookup (d->dailies, account_name);
  if (!daily)
    {
      daily = daily_new (d, account_name);
      g_hash_table_insert (d->dailies, daily->account, daily);
    }
  if (!g_hash_table_contains (d->catalog->accounts, account_name))
    return;                     /* an unknown account: report_daily_all says so */
  /* A rating's period was set in the zone its account had when it was
   * rated: after the account moves to another zone, a rating kept in a
   * closed period, or one not rated again yet, can fall a day outside its
   * period in the new zone.  It counts on the period's nearest day, so
   * that the days add up to what the period bills. */
  day = CLAMP (day, d->first_day, d->first_day + (gint64) d->n_days - 1);
  daily->billable_seconds[day - d->first_day] += billable;
  daily->cost[day - d->first_day] += charge;
}

static gboolean
daily_add (const ScanRow *row, gpointer data, GError **error)
{
  DailyScan *d = data;
  if (!row->account_name || !(g_str_equal (row->status, "rated") || g_str_equal (row->status, "free")))
    return TRUE;
  gint64 day = 0;
  if (row->account && !catalog_local_day (d->catalog, row->account, row->start_ms, &day, error))
    return FALSE;
  daily_sum (d, row->account_name, day, row->billable, row->charge);
  return TRUE;
}

/* The daily sums of D from agg_day (of ACCOUNT only, when not NULL). */
static gboolean
daily_aggregated (StoreDb *db, DailyScan *d, const char *account, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, account
    ? "SELECT account, day, billable, charge FROM agg_day WHERE period = ?1 AND account = ?2"
    : "SELECT account, day, billable, charge FROM agg_day WHERE period = ?1", error);
  if (!st || !store_bind (st, error, STORE_TEXT (d->period))
      || (account && !store_bind_at (st, 2, error, STORE_TEXT (account))))
    return FALSE;
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    daily_sum (d, store_column_text (st, 0), store_column_int64 (st, 1),
               store_column_int64 (st, 2), store_column_int64 (st, 3));
  return rc == STORE_DONE || store_set_error (error, db, "reading the daily aggregates");
}

/* ReportDaily by account name, for sorting */
static int
daily_cmp (gconstpointer pa, gconstpointer pb)
{
  const ReportDaily *a = *(ReportDaily *const *) pa, *b = *(ReportDaily *const *) pb;
  return strcmp (a->account, b->account);
}

/* Every ReportDaily of D, sorted, with its account's name and currency. */
static GPtrArray *
daily_take_all (DailyScan *d, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) report_daily_free);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, d->dailies);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (all, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (all, daily_cmp);
  for (guint i = 0; i < all->len; i++)
    {
      ReportDaily *daily = all->pdata[i];
      AccountInfo *a = g_hash_table_lookup (d->catalog->accounts, daily->account);
      if (!a)
        return usage_error (error, "unknown account '%s'", daily->account), NULL;
      daily->name = g_strdup (a->name);
      daily->currency = g_strdup (a->currency);
    }
  return g_steal_pointer (&all);
}

GPtrArray *
report_daily_all (StoreDb *db, const ReportQuery *q, GError **error)
{
  int y, m;
  g_auto(Catalog) catalog = { 0 };
  gboolean aggregates;
  if (!check_period (q->period, error) || !check_account (db, q->account, error)
      || !catalog_init (&catalog, db, error) || !from_aggregates (db, q, &aggregates, error))
    return NULL;
  time_parse_period (q->period, 7, &y, &m);
  g_auto(DailyScan) d = { &catalog, q->period, time_days_from_civil (y, m, 1),
                          (guint) time_days_in_month (y, m),
                          g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify) report_daily_free) };
  if (q->account)
    {
      ReportDaily *daily = daily_new (&d, q->account);
      g_hash_table_insert (d.dailies, daily->account, daily);
    }
  if (aggregates ? !daily_aggregated (db, &d, q->account, error)
      : !scan_period (db, &catalog, q->period, q->account, TRUE, daily_add, &d, error))
    return NULL;
  return daily_take_all (&d, error);
}

/* The account at ST's row appended to ACCOUNTS. */
static gboolean
add_account (StoreStmt *st, gpointer accounts, GError **error)
{
  g_ptr_array_add (accounts, column_dup (st, 0));
  return TRUE;
}

GPtrArray *
report_accounts (StoreDb *db, const ReportQuery *q, GError **error)
{
  if (!check_period (q->period, error) || !check_account (db, q->account, error))
    return NULL;
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_free);
  if (q->account)
    {
      g_ptr_array_add (accounts, g_strdup (q->account));
      return g_steal_pointer (&accounts);
    }
  gboolean aggregates;
  if (!from_aggregates (db, q, &aggregates, error))
    return NULL;
  g_autoptr(StoreStmt) st = store_prepare (db, aggregates
    ? "SELECT DISTINCT account FROM agg_day WHERE period = ?1 ORDER BY account"
    : "SELECT DISTINCT account FROM ratings WHERE period = ?1 AND status IN ('rated', 'free')"
      " AND account IS NOT NULL ORDER BY account", error);
  if (!st || !store_bind (st, error, STORE_TEXT (q->period))
      || !store_each_row (st, add_account, accounts, "reading accounts", error))
    return NULL;
  return g_steal_pointer (&accounts);
}

ReportDaily *
report_daily (StoreDb *db, const char *account, const char *period, GError **error)
{
  if (!check_period (period, error))
    return NULL;
  ReportQuery q = { .period = period, .account = account };
  g_autoptr(GPtrArray) all = report_daily_all (db, &q, error);
  if (!all)
    return NULL;
  g_assert (all->len == 1);
  return g_ptr_array_steal_index (all, 0);
}
