/* invoice.c — computing an account's invoice for a period (billing.md §7).
 *
 * Data model: the period is a half-open range of calendar days [first, end)
 * as days since 1970-01-01 (number dates are calendar days in the account's
 * zone, so no instant or offset is involved and DST cannot shift a day).
 * Recurring lines come from one pass over the account's number assignments
 * ordered by (type, number), accumulating per type the prorated micro-units
 * and the count of distinct numbers.  Usage and late-usage lines come from
 * one query each, aggregated by (direction, group, period) in invoice order;
 * consecutive rows of the same (direction, group) fold into one line, their
 * periods listed for late usage.  Amounts are summed raw and rounded to the
 * currency's minor units once per line.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"
#include "bill/invoice.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"

static const char *const number_types[] = { "user", "service", "tollfree" };
#define N_NUMBER_TYPES G_N_ELEMENTS (number_types)

typedef struct {
  gint64 first;                 /* days since epoch of the period's first day */
  gint64 end;                   /* days since epoch of the next period's first day */
} PeriodDays;

typedef struct {
  guint64 quantity;             /* distinct numbers seen */
  gint64 micro;                 /* prorated fees, micro-units, not yet rounded */
  char *last;                   /* the last number counted (rows come ordered by number) */
} RecurringSum;

/* Lifecycle {{{1 */

static void
invoice_line_free (gpointer data)
{
  InvoiceLine *line = data;

  if (!line)
    return;
  g_free (line->number_type);
  g_free (line->direction);
  g_free (line->group);
  if (line->periods)
    g_ptr_array_unref (line->periods);
  g_free (line);
}

void
invoice_free (Invoice *invoice)
{
  if (!invoice)
    return;
  g_free (invoice->operator_slug);
  g_free (invoice->account);
  g_free (invoice->tenant_id);
  g_free (invoice->period);
  g_free (invoice->currency);
  g_ptr_array_unref (invoice->lines);
  g_free (invoice);
}

Invoice *
invoice_new (const char *account, const char *period)
{
  Invoice *invoice = g_new0 (Invoice, 1);

  invoice->account = g_strdup (account);
  invoice->period = g_strdup (period);
  invoice->lines = g_ptr_array_new_with_free_func (invoice_line_free);
  return invoice;
}

InvoiceLine *
invoice_add_line (Invoice *invoice, InvoiceLineKind kind)
{
  InvoiceLine *line = g_new0 (InvoiceLine, 1);

  line->kind = kind;
  g_ptr_array_add (invoice->lines, line);
  return line;
}

const char *
invoice_line_kind_to_string (InvoiceLineKind kind)
{
  static const char *const names[] = { "recurring", "usage", "late_usage" };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

/* Arithmetic {{{1 */

static gboolean
add_checked (gint64 *acc, gint64 v, GError **error)
{
  if (!__builtin_add_overflow (*acc, v, acc))
    return TRUE;
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_DATA, "amounts overflow");
  return FALSE;
}

/* Micro-units in one minor unit of a currency with MINOR_UNITS decimals. */
static gint64
minor_unit (guint minor_units)
{
  gint64 unit = DECIMAL_MICRO;

  for (guint i = 0; i < minor_units; i++)
    unit /= 10;
  return unit;
}

/* round_half_up (SUBTOTAL * TAX_RATE / 100) to MINOR_UNITS decimals, rounded
 * once from the exact value (TAX_RATE in micro-percent). */
static gboolean
compute_tax (gint64 subtotal, gint64 tax_rate, guint minor_units, gint64 *tax, GError **error)
{
  gint64 unit = minor_unit (minor_units);
  gint64 minor = decimal_mul_div_round_half_up (subtotal, tax_rate, 100 * DECIMAL_MICRO * unit);

  if (!__builtin_mul_overflow (minor, unit, tax))
    return TRUE;
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_DATA, "amounts overflow");
  return FALSE;
}

static gboolean
compute_totals (Invoice *invoice, GError **error)
{
  invoice->subtotal = 0;
  for (guint i = 0; i < invoice->lines->len; i++)
    {
      const InvoiceLine *line = invoice->lines->pdata[i];
      if (!add_checked (&invoice->subtotal, line->amount, error))
        return FALSE;
    }
  if (!compute_tax (invoice->subtotal, invoice->tax_rate, invoice->minor_units,
                    &invoice->tax, error))
    return FALSE;
  invoice->total = invoice->subtotal;
  return add_checked (&invoice->total, invoice->tax, error);
}

/* Period and account {{{1 */

static gboolean
parse_period (const char *period, PeriodDays *days, GError **error)
{
  int year, month;
  if (!period || time_parse_period (period, strlen (period), &year, &month) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "period '%s' is not YYYY-MM", period ? period : "");
      return FALSE;
    }
  days->first = time_days_from_civil (year, month, 1);
  days->end = days->first + time_days_in_month (year, month);
  return TRUE;
}

/* Fill the account's terms: operator, tenant, currency, tax rate and the
 * plan's fee per number type. */
static gboolean
load_account (sqlite3 *db, Invoice *invoice, gint64 fees[N_NUMBER_TYPES], GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db,
    "SELECT a.operator, a.tenant_id, a.tax_rate, o.currency, p.fee_user, p.fee_service,"
    " p.fee_tollfree FROM accounts a LEFT JOIN operators o ON o.operator = a.operator"
    " LEFT JOIN plans p ON p.plan = a.plan WHERE a.account = ?1", error);
  if (!st || !store_bind (st, error, STORE_TEXT (invoice->account)))
    return FALSE;
  int rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "unknown account '%s'", invoice->account);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return store_set_error (error, db, "reading the account");
  if (sqlite3_column_type (st, 3) == SQLITE_NULL || sqlite3_column_type (st, 4) == SQLITE_NULL)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "account '%s': operator or plan missing from the catalog", invoice->account);
      return FALSE;
    }
  invoice->operator_slug = g_strdup (store_column_text (st, 0));
  invoice->tenant_id = g_strdup (store_column_text_or_null (st, 1));
  invoice->tax_rate = sqlite3_column_int64 (st, 2);
  invoice->currency = g_strdup (store_column_text (st, 3));
  for (guint t = 0; t < N_NUMBER_TYPES; t++)
    fees[t] = sqlite3_column_int64 (st, 4 + (int) t);
  int minor = currency_minor_units (invoice->currency);
  if (minor < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "operator '%s': unknown currency '%s'",
                   invoice->operator_slug, invoice->currency);
      return FALSE;
    }
  invoice->minor_units = (guint) minor;
  return TRUE;
}

/* Recurring lines {{{1 */

static int
number_type_index (const char *type)
{
  for (guint t = 0; t < N_NUMBER_TYPES; t++)
    if (strcmp (type, number_types[t]) == 0)
      return (int) t;
  return -1;
}

static gboolean
column_date (sqlite3_stmt *st, int col, const char *what, gint64 *days, GError **error)
{
  const char *text = store_column_text (st, col);

  if (time_parse_date (text, strlen (text), days) == TIME_OK)
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "bad %s date '%s'", what, text);
  return FALSE;
}

/* Calendar days of the period inside the row's [from_date, to_date). */
static gboolean
active_days (sqlite3_stmt *st, const PeriodDays *period, gint64 *days, GError **error)
{
  gint64 from, to = G_MAXINT64;

  if (!column_date (st, 2, "from", &from, error))
    return FALSE;
  if (sqlite3_column_type (st, 3) != SQLITE_NULL && !column_date (st, 3, "to", &to, error))
    return FALSE;
  *days = MAX (0, MIN (to, period->end) - MAX (from, period->first));
  return TRUE;
}

/* Charge one assignment row (type, number, from_date, to_date) into SUMS. */
static gboolean
add_assignment (sqlite3_stmt *st, const PeriodDays *period, const gint64 fees[N_NUMBER_TYPES],
                RecurringSum sums[N_NUMBER_TYPES], GError **error)
{
  const char *number = store_column_text (st, 1);
  int t = number_type_index (store_column_text (st, 0));
  gint64 days;

  if (t < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "unknown type '%s'", store_column_text (st, 0));
      return FALSE;
    }
  if (!active_days (st, period, &days, error))
    return FALSE;
  if (days == 0)
    return TRUE;
  if (!sums[t].last || strcmp (sums[t].last, number) != 0)
    {
      sums[t].quantity++;
      g_free (sums[t].last);
      sums[t].last = g_strdup (number);
    }
  return add_checked (&sums[t].micro, decimal_mul_div_round_half_up (fees[t], days,
                                                                     period->end - period->first),
                      error);
}

static void
add_recurring_line (Invoice *invoice, guint type, const RecurringSum *sum)
{
  InvoiceLine *line = invoice_add_line (invoice, INVOICE_LINE_RECURRING);

  line->number_type = g_strdup (number_types[type]);
  line->quantity = sum->quantity;
  line->amount = decimal_round_half_up (sum->micro, invoice->minor_units);
}

static gboolean
read_assignments (sqlite3 *db, const char *account, const PeriodDays *period,
                  const gint64 fees[N_NUMBER_TYPES], RecurringSum sums[N_NUMBER_TYPES],
                  GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db,
    "SELECT type, number, from_date, to_date FROM numbers WHERE account = ?1"
    " ORDER BY type, number, from_date", error);
  int rc;

  if (!st || !store_bind (st, error, STORE_TEXT (account)))
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (!add_assignment (st, period, fees, sums, error))
      {
        g_prefix_error (error, "number '%s': ", store_column_text (st, 1));
        return FALSE;
      }
  if (rc != SQLITE_DONE)
    return store_set_error (error, db, "reading numbers");
  return TRUE;
}

static gboolean
add_recurring_lines (sqlite3 *db, Invoice *invoice, const gint64 fees[N_NUMBER_TYPES],
                     const PeriodDays *period, GError **error)
{
  RecurringSum sums[N_NUMBER_TYPES] = { { 0 } };
  gboolean ok = read_assignments (db, invoice->account, period, fees, sums, error);

  for (guint t = 0; t < N_NUMBER_TYPES; t++)
    {
      if (ok && sums[t].quantity > 0)
        add_recurring_line (invoice, t, &sums[t]);
      g_free (sums[t].last);
    }
  return ok;
}

/* Usage and late-usage lines {{{1 */

/* Rated calls of an account aggregated by (direction, group, period) in
 * invoice order: 'out' first, groups and periods in byte order. */
#define USAGE_SQL(where)                                                              \
  "SELECT c.direction, r.grp, r.period, count (*), sum (r.billable), sum (r.covered),"  \
  " sum (r.charge) FROM ratings r JOIN calls c ON c.id = r.call_id"                    \
  " WHERE r.status = 'rated' AND r.account = ?1 AND " where                            \
  " GROUP BY c.direction, r.grp, r.period"                                             \
  " ORDER BY c.direction <> 'out', c.direction, r.grp, r.period"

static const char usage_sql[] = USAGE_SQL ("r.late = 0 AND r.period = ?2");
static const char late_usage_sql[] = USAGE_SQL ("r.late = 1 AND r.invoice IS NULL AND r.period < ?2");

/* The line of the row's (direction, group): the last line when it matches
 * and is one of this query's (index >= FIRST), else a new one. */
static InvoiceLine *
usage_line_for (Invoice *invoice, guint first, InvoiceLineKind kind, sqlite3_stmt *st)
{
  const char *direction = store_column_text (st, 0), *group = store_column_text (st, 1);
  InvoiceLine *line = invoice->lines->len > first
                      ? invoice->lines->pdata[invoice->lines->len - 1] : NULL;

  if (line && strcmp (line->direction, direction) == 0 && strcmp (line->group, group) == 0)
    return line;
  line = invoice_add_line (invoice, kind);
  line->direction = g_strdup (direction);
  line->group = g_strdup (group);
  if (kind == INVOICE_LINE_LATE_USAGE)
    line->periods = g_ptr_array_new_with_free_func (g_free);
  return line;
}

static gboolean
fold_usage_row (Invoice *invoice, guint first, InvoiceLineKind kind, sqlite3_stmt *st,
                GError **error)
{
  InvoiceLine *line = usage_line_for (invoice, first, kind, st);

  line->calls += (guint64) sqlite3_column_int64 (st, 3);
  line->billable_seconds += (guint64) sqlite3_column_int64 (st, 4);
  line->covered_seconds += (guint64) sqlite3_column_int64 (st, 5);
  if (line->periods)
    g_ptr_array_add (line->periods, g_strdup (store_column_text (st, 2)));
  return add_checked (&line->amount, sqlite3_column_int64 (st, 6), error);
}

static gboolean
add_usage_lines (sqlite3 *db, Invoice *invoice, InvoiceLineKind kind, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (db, kind == INVOICE_LINE_LATE_USAGE
                                                  ? late_usage_sql : usage_sql, error);
  guint first = invoice->lines->len;
  int rc;

  if (!st || !store_bind (st, error, STORE_TEXT (invoice->account), STORE_TEXT (invoice->period)))
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (!fold_usage_row (invoice, first, kind, st, error))
      return FALSE;
  if (rc != SQLITE_DONE)
    return store_set_error (error, db, "reading ratings");
  for (guint i = first; i < invoice->lines->len; i++)
    {
      InvoiceLine *line = invoice->lines->pdata[i];
      line->amount = decimal_round_half_up (line->amount, invoice->minor_units);
    }
  return TRUE;
}

/* The invoice {{{1 */

Invoice *
invoice_compute (sqlite3 *db, const char *account, const char *period, GError **error)
{
  PeriodDays days;
  gint64 fees[N_NUMBER_TYPES];

  g_return_val_if_fail (db && account, NULL);
  if (!parse_period (period, &days, error))
    return NULL;
  g_autoptr(Invoice) invoice = invoice_new (account, period);
  if (!load_account (db, invoice, fees, error)
      || !add_recurring_lines (db, invoice, fees, &days, error)
      || !add_usage_lines (db, invoice, INVOICE_LINE_USAGE, error)
      || !add_usage_lines (db, invoice, INVOICE_LINE_LATE_USAGE, error))
    return NULL;
  if (invoice->lines->len == 0)
    return NULL;
  if (!compute_totals (invoice, error))
    return NULL;
  return g_steal_pointer (&invoice);
}
