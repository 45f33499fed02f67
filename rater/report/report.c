/* report.c — usage, KPI and exception reports as tables: what a report holds.
 *
 * Every report is one aggregate query; the only per-call work is the SQL
 * function rater_local_day (start_ms, zone), which this module registers on
 * the connection: the call's calendar day "YYYY-MM-DD" in an IANA zone, read
 * from a TzMap (built once per zone) so that a day boundary follows the
 * account's DST rules exactly.  Query results become ReportTable rows of
 * text cells; sums are gint64 and every derived figure (minutes, ASR, ACD)
 * is integer arithmetic rounded half up (decimal.h).  Printing a table is
 * report-write.c's job.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"
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

/* A new empty row of T; cells are added with row_take/row_text in column order. */
static GPtrArray *
table_row (ReportTable *t)
{
  GPtrArray *row = g_ptr_array_new_full (t->columns->len, g_free);
  g_ptr_array_add (t->rows, row);
  return row;
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
column_dup (sqlite3_stmt *st, int col)
{
  return g_strdup (store_column_text_or_null (st, col));
}

/* The local day SQL function {{{1 */

static gint64
floor_div (gint64 a, gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The user data of rater_local_day: every zone built once, and the last
 * one used (calls come in runs of the same account, so of the same zone). */
typedef struct {
  GHashTable *zones;            /* tzmap cache */
  char *last_name;
  const TzMap *last;            /* the zone LAST_NAME, owned by ZONES */
} LocalDayZones;

static void
local_day_zones_free (void *data)
{
  LocalDayZones *z = data;
  g_hash_table_unref (z->zones);
  g_free (z->last_name);
  g_free (z);
}

static const TzMap *
local_day_zone (LocalDayZones *z, const char *name, GError **error)
{
  if (z->last && g_str_equal (z->last_name, name))
    return z->last;
  const TzMap *map = tzmap_cache_get (z->zones, name, error);
  if (map)
    {
      g_free (z->last_name);
      z->last_name = g_strdup (name);
      z->last = map;
    }
  return map;
}

/* rater_local_day (start_ms, zone): "YYYY-MM-DD" of the instant in ZONE
 * (NULL: UTC). */
static void
local_day_func (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const char *zone = (const char *) sqlite3_value_text (argv[1]);
  g_autoptr(GError) error = NULL;
  const TzMap *map = local_day_zone (sqlite3_user_data (context), zone ? zone : "UTC", &error);
  if (!map)
    {
      sqlite3_result_error (context, error->message, -1);
      return;
    }
  gint64 sec = floor_div (sqlite3_value_int64 (argv[0]), 1000);
  gint64 days = floor_div (sec + tzmap_offset_at (map, sec), SECONDS_PER_DAY);
  int y, m, d;
  char buf[32];
  time_civil_from_days (days, &y, &m, &d);
  g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  sqlite3_result_text (context, buf, -1, SQLITE_TRANSIENT);
}

static gboolean
register_functions (sqlite3 *db, GError **error)
{
  LocalDayZones *zones = g_new0 (LocalDayZones, 1);
  zones->zones = tzmap_cache_new ();
  /* on failure SQLite calls the destructor itself */
  int rc = sqlite3_create_function_v2 (db, "rater_local_day", 2,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC, zones,
                                       local_day_func, NULL, NULL, local_day_zones_free);
  return rc == SQLITE_OK || store_set_error (error, db, "registering rater_local_day");
}

/* Checking the query {{{1 */

static gboolean usage_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError **error, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_USAGE, message);
  return FALSE;
}

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
exists (sqlite3 *db, const char *sql, const char *value, gboolean *found, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db, sql, error);
  if (!st)
    return FALSE;
  if (!store_bind (st, error, STORE_TEXT (value)))
    return FALSE;
  int rc = sqlite3_step (st);
  *found = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE || store_set_error (error, db, "reading the catalog");
}

static gboolean
check_account (sqlite3 *db, const char *account, GError **error)
{
  gboolean found = TRUE;
  if (account && !exists (db, "SELECT 1 FROM accounts WHERE account = ?1", account, &found, error))
    return FALSE;
  return found || usage_error (error, "unknown account '%s'", account);
}

static gboolean
check_operator (sqlite3 *db, const char *op, GError **error)
{
  gboolean found = TRUE;
  if (op && !exists (db, "SELECT 1 FROM operators WHERE operator = ?1", op, &found, error))
    return FALSE;
  return found || usage_error (error, "unknown operator '%s'", op);
}

/* Prepare SQL for a report of QUERY: functions registered, ?1 = period,
 * ?2 = FILTER (account or operator, may be NULL). */
static sqlite3_stmt *
prepare_report (sqlite3 *db, const char *sql, const char *period, const char *filter,
                GError **error)
{
  if (!register_functions (db, error))
    return NULL;
  g_autoptr(sqlite3_stmt) st = store_prepare (db, sql, error);
  if (!st || !store_bind (st, error, STORE_TEXT_COPY (period), STORE_TEXT_COPY (filter)))
    return NULL;
  return g_steal_pointer (&st);
}

/* Usage {{{1 */

/* Every usage query selects: account, the key columns, calls, seconds,
 * billable seconds, charges, currency. */
#define USAGE_SUMS \
  " count (*), sum (c.duration), sum (r.billable), sum (r.charge), o.currency" \
  " FROM ratings r JOIN calls c ON c.id = r.call_id JOIN accounts a ON a.account = r.account" \
  " JOIN operators o ON o.operator = a.operator" \
  " WHERE r.period = ?1 AND (?2 IS NULL OR r.account = ?2) AND r.status IN ('rated', 'free')"

#define OWN_NUMBER "CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END"

static const struct {
  const char *name;             /* --by */
  const char *keys;             /* key columns */
  guint n_keys;
  const char *sql;
} usage_kinds[] = {
  [REPORT_BY_USER] = { "user", "number,user", 2,
    "SELECT r.account, " OWN_NUMBER ", (SELECT min (n.user) FROM numbers n"
    " WHERE n.number = " OWN_NUMBER " AND n.account = r.account)," USAGE_SUMS
    " GROUP BY r.account, " OWN_NUMBER " ORDER BY r.account, " OWN_NUMBER },
  [REPORT_BY_DESTINATION] = { "destination", "direction,group,destination", 3,
    "SELECT r.account, c.direction, r.grp, r.destination," USAGE_SUMS
    " GROUP BY r.account, c.direction, r.grp, r.destination"
    " ORDER BY r.account, c.direction DESC, r.grp, r.destination" },
  [REPORT_BY_DAY] = { "day", "day", 1,
    "SELECT r.account, rater_local_day (c.start_ms, a.timezone) AS local_day," USAGE_SUMS
    " GROUP BY r.account, local_day ORDER BY r.account, local_day" },
};

static void
usage_row (ReportTable *t, const char *period, sqlite3_stmt *st, guint n_keys)
{
  GPtrArray *row = table_row (t);
  int s = (int) n_keys + 1;           /* first sum column */
  row_take (row, column_dup (st, 0));
  row_text (row, period);
  for (int k = 1; k <= (int) n_keys; k++)
    row_take (row, column_dup (st, k));
  row_int (row, sqlite3_column_int64 (st, s));
  row_int (row, sqlite3_column_int64 (st, s + 1));
  row_int (row, sqlite3_column_int64 (st, s + 2));
  row_take (row, minutes (sqlite3_column_int64 (st, s + 2)));
  row_take (row, money (sqlite3_column_int64 (st, s + 3)));
  row_take (row, column_dup (st, s + 4));
}

ReportTable *
report_usage (sqlite3 *db, const ReportQuery *q, GError **error)
{
  g_assert (q->by <= REPORT_BY_DAY);
  if (!check_period (q->period, error) || !check_account (db, q->account, error))
    return NULL;
  g_autoptr(sqlite3_stmt) st = prepare_report (db, usage_kinds[q->by].sql, q->period,
                                               q->account, error);
  if (!st)
    return NULL;
  g_autofree char *columns = g_strdup_printf ("account,period,%s,calls,seconds,billable_seconds,"
                                              "minutes,cost,currency", usage_kinds[q->by].keys);
  g_autoptr(ReportTable) t = table_new ("usage", columns, "calls,seconds,billable_seconds");
  table_param (t, "period", q->period);
  table_param (t, "by", usage_kinds[q->by].name);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    usage_row (t, q->period, st, usage_kinds[q->by].n_keys);
  if (rc != SQLITE_DONE)
    return store_set_error (error, db, "reading usage"), NULL;
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
}

static const char kpi_sql[] =
  "SELECT c.operator, rater_local_day (c.start_ms, a.timezone) AS local_day, c.direction,"
  " coalesce (r.grp, '') AS group_or_empty, count (*), sum (r.status <> 'unanswered'),"
  " sum (CASE WHEN r.status <> 'unanswered' THEN c.duration ELSE 0 END),"
  " sum (CASE WHEN r.status = 'rated' THEN r.charge ELSE 0 END), o.currency"
  " FROM ratings r JOIN calls c ON c.id = r.call_id"
  " LEFT JOIN accounts a ON a.account = r.account LEFT JOIN operators o ON o.operator = c.operator"
  " WHERE r.period = ?1 AND (?2 IS NULL OR c.operator = ?2)"
  " GROUP BY c.operator, local_day, c.direction, group_or_empty"
  " ORDER BY c.operator, local_day, c.direction DESC, group_or_empty";

/* The state of the running "*" total of one (operator, day, direction). */
typedef struct {
  char *key[3];                 /* operator, day, direction (the group is "*") */
  char *currency;
  KpiSums sums;
  gboolean open;
} KpiTotal;

static void
kpi_total_flush (ReportTable *t, KpiTotal *total)
{
  const char *const key[4] = { total->key[0], total->key[1], total->key[2], "*" };
  if (total->open)
    kpi_row (t, key, &total->sums, total->currency);
  for (int i = 0; i < 3; i++)
    g_clear_pointer (&total->key[i], g_free);
  g_clear_pointer (&total->currency, g_free);
  total->open = FALSE;
}

static void
kpi_step (ReportTable *t, sqlite3_stmt *st, KpiTotal *total)
{
  const char *key[4];
  for (int i = 0; i < 4; i++)
    key[i] = store_column_text (st, i);
  const char *currency = store_column_text_or_null (st, 8);
  KpiSums k = { sqlite3_column_int64 (st, 4), sqlite3_column_int64 (st, 5),
                sqlite3_column_int64 (st, 6), sqlite3_column_int64 (st, 7) };
  if (total->open && !(g_str_equal (total->key[0], key[0]) && g_str_equal (total->key[1], key[1])
                       && g_str_equal (total->key[2], key[2])))
    kpi_total_flush (t, total);
  if (!total->open)
    {
      for (int i = 0; i < 3; i++)
        total->key[i] = g_strdup (key[i]);
      total->currency = g_strdup (currency);
      total->sums = (KpiSums) { 0 };
      total->open = TRUE;
    }
  total->sums.attempts += k.attempts;
  total->sums.answered += k.answered;
  total->sums.seconds += k.seconds;
  total->sums.revenue += k.revenue;
  kpi_row (t, key, &k, currency);
}

ReportTable *
report_kpi (sqlite3 *db, const ReportQuery *q, GError **error)
{
  if (!check_period (q->period, error) || !check_operator (db, q->operator_slug, error))
    return NULL;
  g_autoptr(sqlite3_stmt) st = prepare_report (db, kpi_sql, q->period, q->operator_slug, error);
  if (!st)
    return NULL;
  g_autoptr(ReportTable) t = table_new ("kpi", "operator,day,direction,group,attempts,answered,"
                                        "asr,acd,seconds,minutes,revenue,currency",
                                        "attempts,answered,seconds");
  table_param (t, "period", q->period);
  KpiTotal total = { 0 };
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    kpi_step (t, st, &total);
  kpi_total_flush (t, &total);
  if (rc != SQLITE_DONE)
    return store_set_error (error, db, "reading calls for KPIs"), NULL;
  return g_steal_pointer (&t);
}

/* Exceptions {{{1 */

#define FAILED_NUMBER \
  "CASE WHEN r.reason = 'unknown_account' AND c.direction = 'out' THEN coalesce (c.caller, '')" \
  " ELSE c.callee END"

static const char unrated_sql[] =
  "SELECT r.reason, c.operator, substr (" FAILED_NUMBER ", 1, ?2) AS number_prefix, count (*),"
  " min (c.start_ms), max (c.start_ms), min (" FAILED_NUMBER ")"
  " FROM ratings r JOIN calls c ON c.id = r.call_id"
  " WHERE r.period = ?1 AND r.status = 'unrated'"
  " GROUP BY r.reason, c.operator, number_prefix ORDER BY r.reason, c.operator, number_prefix";

static const char rejects_sql[] =
  "SELECT r.reason, f.operator, f.path, count (*), min (r.line), max (r.line),"
  " (SELECT x.detail FROM rejects x WHERE x.file_id = r.file_id AND x.reason = r.reason"
  "  ORDER BY x.line, x.id LIMIT 1)"
  " FROM rejects r JOIN files f ON f.id = r.file_id"
  " GROUP BY r.file_id, r.reason ORDER BY r.file_id, r.reason";

static gboolean
unrated_row (sqlite3_stmt *st, gpointer t, GError **error)
{
  char buf[32];
  GPtrArray *row = table_row (t);
  row_text (row, "unrated");
  row_take (row, column_dup (st, 0));
  row_take (row, column_dup (st, 1));
  row_take (row, NULL);
  row_take (row, column_dup (st, 2));
  row_int (row, sqlite3_column_int64 (st, 3));
  row_text (row, time_format_utc (sqlite3_column_int64 (st, 4), buf));
  row_text (row, time_format_utc (sqlite3_column_int64 (st, 5), buf));
  row_take (row, NULL);
  row_take (row, NULL);
  row_take (row, column_dup (st, 6));
  return TRUE;
}

static gboolean
reject_row (sqlite3_stmt *st, gpointer t, GError **error)
{
  GPtrArray *row = table_row (t);
  row_text (row, "reject");
  row_take (row, column_dup (st, 0));
  row_take (row, column_dup (st, 1));
  row_take (row, column_dup (st, 2));
  row_take (row, NULL);
  row_int (row, sqlite3_column_int64 (st, 3));
  row_take (row, NULL);
  row_take (row, NULL);
  row_int (row, sqlite3_column_int64 (st, 4));
  row_int (row, sqlite3_column_int64 (st, 5));
  row_take (row, column_dup (st, 6));
  return TRUE;
}

ReportTable *
report_exceptions (sqlite3 *db, const ReportQuery *q, GError **error)
{
  guint digits = q->prefix_digits ? q->prefix_digits : 5;
  if (!check_period (q->period, error))
    return NULL;
  if (digits > 15)
    return usage_error (error, "prefix digits must be 1 to 15, not %u", digits), NULL;
  g_autoptr(sqlite3_stmt) unrated = store_prepare (db, unrated_sql, error);
  g_autoptr(sqlite3_stmt) rejects = unrated ? store_prepare (db, rejects_sql, error) : NULL;
  if (!rejects
      || !store_bind (unrated, error, STORE_TEXT_COPY (q->period), STORE_INT (digits)))
    return NULL;
  g_autoptr(ReportTable) t = table_new ("exceptions", "kind,reason,operator,file,prefix,count,"
                                        "first_seen,last_seen,first_line,last_line,sample",
                                        "count,first_line,last_line");
  table_param (t, "period", q->period);
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

/* The account at ST's row appended to ACCOUNTS. */
static gboolean
add_account (sqlite3_stmt *st, gpointer accounts, GError **error)
{
  g_ptr_array_add (accounts, column_dup (st, 0));
  return TRUE;
}

GPtrArray *
report_accounts (sqlite3 *db, const ReportQuery *q, GError **error)
{
  if (!check_period (q->period, error) || !check_account (db, q->account, error))
    return NULL;
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_free);
  if (q->account)
    {
      g_ptr_array_add (accounts, g_strdup (q->account));
      return g_steal_pointer (&accounts);
    }
  g_autoptr(sqlite3_stmt) st = store_prepare (db,
    "SELECT DISTINCT account FROM ratings WHERE period = ?1 AND status IN ('rated', 'free')"
    " AND account IS NOT NULL ORDER BY account", error);
  if (!st || !store_bind (st, error, STORE_TEXT (q->period))
      || !store_each_row (st, add_account, accounts, "reading accounts", error))
    return NULL;
  return g_steal_pointer (&accounts);
}

/* The account's name and currency into DAILY. */
static gboolean
daily_account (sqlite3 *db, ReportDaily *daily, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db,
    "SELECT a.name, o.currency FROM accounts a JOIN operators o ON o.operator = a.operator"
    " WHERE a.account = ?1", error);
  if (!st || !store_bind (st, error, STORE_TEXT (daily->account)))
    return FALSE;
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    return usage_error (error, "unknown account '%s'", daily->account);
  if (rc != SQLITE_ROW)
    return store_set_error (error, db, "reading the account");
  daily->name = column_dup (st, 0);
  daily->currency = column_dup (st, 1);
  return TRUE;
}

/* Add one "YYYY-MM-DD" result row of ST to DAILY. */
static gboolean
daily_add (sqlite3_stmt *st, gpointer data, GError **error)
{
  ReportDaily *daily = data;
  const char *day = store_column_text (st, 0);
  guint64 d = 0;
  if (strncmp (day, daily->period, 7) != 0
      || !g_ascii_string_to_unsigned (day + 8, 10, 1, daily->n_days, &d, NULL))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "a call of %s rated on day '%s'",
                   daily->period, day);
      return FALSE;
    }
  daily->billable_seconds[d - 1] = sqlite3_column_int64 (st, 1);
  daily->cost[d - 1] = sqlite3_column_int64 (st, 2);
  return TRUE;
}

ReportDaily *
report_daily (sqlite3 *db, const char *account, const char *period, GError **error)
{
  int y, m;
  if (!check_period (period, error))
    return NULL;
  time_parse_period (period, 7, &y, &m);
  g_autoptr(ReportDaily) daily = g_new0 (ReportDaily, 1);
  daily->account = g_strdup (account);
  daily->period = g_strdup (period);
  daily->n_days = (guint) time_days_in_month (y, m);
  daily->billable_seconds = g_new0 (gint64, daily->n_days);
  daily->cost = g_new0 (gint64, daily->n_days);
  if (!daily_account (db, daily, error))
    return NULL;
  g_autoptr(sqlite3_stmt) st = prepare_report (db,
    "SELECT rater_local_day (c.start_ms, a.timezone) AS local_day, sum (r.billable), sum (r.charge)"
    " FROM ratings r JOIN calls c ON c.id = r.call_id JOIN accounts a ON a.account = r.account"
    " WHERE r.period = ?1 AND r.account = ?2 AND r.status IN ('rated', 'free')"
    " GROUP BY local_day ORDER BY local_day", period, account, error);
  if (!st || !store_each_row (st, daily_add, daily, "reading daily usage", error))
    return NULL;
  return g_steal_pointer (&daily);
}
