/* adjust.c — adding, listing and removing adjustments (billing.md §11).
 *
 * Rows of the adjustments table (schemas/009-finance.sql); whether the
 * period is open is closed_periods' answer, read in the same transaction as
 * the write, so an adjustment never lands in a period being issued.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "bill/adjust.h"

/* The largest adjustment: 1 000 000 000 currency units. */
#define MAX_ADJUSTMENT (G_GINT64_CONSTANT (1000000000) * DECIMAL_MICRO)

void
adjust_free (Adjustment *a)
{
  if (!a)
    return;
  g_free (a->account);
  g_free (a->period);
  g_free (a->currency);
  g_free (a->description);
  g_free (a->created_at);
  g_free (a->invoice);
  g_free (a);
}

/* The currency's minor digits of ACCOUNT in *MINOR (and the code in
 * *CURRENCY); RATER_ERROR_USAGE for an unknown account. */
static gboolean
account_currency (StoreDb *db, const char *account, guint *minor, char **currency,
                  GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT o.currency FROM accounts a JOIN operators o ON o.operator = a.operator"
    " WHERE a.account = ?1", error);
  if (!st || !store_bind (st, error, STORE_TEXT (account)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_DONE)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "adjust: unknown account '%s'", account);
      return FALSE;
    }
  if (rc != STORE_ROW)
    return store_set_error (error, db, "reading the account");
  int digits = currency_minor_units (store_column_text (st, 0));
  if (digits < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "adjust: account '%s': unknown currency",
                   account);
      return FALSE;
    }
  *minor = (guint) digits;
  *currency = g_strdup (store_column_text (st, 0));
  return TRUE;
}

/* Refuse when PERIOD is closed for ACCOUNT (RATER_ERROR_DATA naming its
 * invoice and the credit note to issue instead). */
static gboolean
check_open (StoreDb *db, const char *account, const char *period, const char *what,
            GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT (SELECT invoice FROM invoices WHERE account = ?1 AND period = ?2)"
    " FROM closed_periods WHERE account = ?1 AND period = ?2", error);
  if (!st || !store_bind (st, error, STORE_TEXT (account), STORE_TEXT (period)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_DONE)
    return TRUE;
  if (rc != STORE_ROW)
    return store_set_error (error, db, "reading closed periods");
  const char *invoice = store_column_text_or_null (st, 0);
  if (invoice)
    g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                 "adjust: %s: period %s of account '%s' is closed (invoice %s): issue a credit"
                 " note instead (rater invoice credit %s --amount X --reason TEXT)",
                 what, period, account, invoice, invoice);
  else
    g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                 "adjust: %s: period %s of account '%s' is closed (issued without an invoice"
                 " for it): a closed period never changes; adjust an open period", what, period,
                 account);
  return FALSE;
}

static gboolean
parse_amount (const char *text, guint minor, const char *currency, gint64 *amount,
              GError **error)
{
  DecimalStatus st = text ? decimal_parse (text, strlen (text), minor, amount) : DECIMAL_SYNTAX;
  if (st == DECIMAL_TOO_PRECISE)
    g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                 "adjust: --amount '%s' has more decimals than %s's %u", text, currency, minor);
  else if (st != DECIMAL_OK || *amount == 0 || *amount > MAX_ADJUSTMENT
           || *amount < -MAX_ADJUSTMENT)
    g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                 "adjust: --amount must be a non-zero decimal like 12.50 or -12.50 (at most"
                 " 1000000000), not '%s'", text ? text : "");
  return st == DECIMAL_OK && *amount != 0 && *amount <= MAX_ADJUSTMENT
         && *amount >= -MAX_ADJUSTMENT;
}

static gboolean
add_in_transaction (StoreDb *db, const char *account, const char *period, gint64 amount,
                    const char *description, gint64 *id, GError **error)
{
  char now[32];
  if (!check_open (db, account, period, "add", error))
    return FALSE;
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO adjustments (account, period, amount, description, created_at)"
    " VALUES (?, ?, ?, ?, ?)", error);
  if (!st || !store_bind (st, error, STORE_TEXT (account), STORE_TEXT (period),
                          STORE_INT (amount), STORE_TEXT (description),
                          STORE_TEXT (time_format_utc (time_now_ms (), now)))
      || !store_step_done (st, error))
    return FALSE;
  *id = store_last_insert_id (db);
  return TRUE;
}

gboolean
adjust_add (StoreDb *db, const char *account, const char *period, const char *amount_text,
            const char *description, gint64 *id, GError **error)
{
  int y, m;
  guint minor = 0;
  gint64 amount = 0;
  g_autofree char *currency = NULL;

  if (!period || time_parse_period (period, strlen (period), &y, &m) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "adjust: --period must be YYYY-MM,"
                   " not '%s'", period ? period : "");
      return FALSE;
    }
  if (!description || strspn (description, " \t\r\n") == strlen (description)
      || strlen (description) > 1024)
    {
      g_set_error_literal (error, RATER_ERROR, RATER_ERROR_USAGE,
                           "adjust: --description must say what the adjustment is for (1 to"
                           " 1024 bytes)");
      return FALSE;
    }
  if (!g_utf8_validate (description, -1, NULL))
    {
      g_set_error_literal (error, RATER_ERROR, RATER_ERROR_USAGE,
                           "adjust: --description is not UTF-8");
      return FALSE;
    }
  if (!account_currency (db, account, &minor, &currency, error)
      || !parse_amount (amount_text, minor, currency, &amount, error))
    return FALSE;
  if (!store_begin (db, error))
    return FALSE;
  if (add_in_transaction (db, account, period, amount, description, id, error)
      && store_commit (db, error))
    return TRUE;
  store_rollback (db);
  return FALSE;
}

/* Row function: an Adjustment of the listing query into the GPtrArray LIST. */
static gboolean
add_row (StoreStmt *st, gpointer list, GError **error)
{
  Adjustment *a = g_new0 (Adjustment, 1);
  a->id = store_column_int64 (st, 0);
  a->account = g_strdup (store_column_text (st, 1));
  a->period = g_strdup (store_column_text (st, 2));
  a->amount = store_column_int64 (st, 3);
  a->description = g_strdup (store_column_text (st, 4));
  a->created_at = g_strdup (store_column_text (st, 5));
  a->invoice = g_strdup (store_column_text_or_null (st, 6));
  a->currency = g_strdup (store_column_text_or_null (st, 7));
  int minor = a->currency ? currency_minor_units (a->currency) : -1;
  a->minor_units = minor < 0 ? 6 : (guint) minor;
  g_ptr_array_add (list, a);
  return TRUE;
}

GPtrArray *
adjust_list (StoreDb *db, const char *account, const char *period, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT j.id, j.account, j.period, j.amount, j.description, j.created_at, j.invoice,"
    " o.currency FROM adjustments j LEFT JOIN accounts a ON a.account = j.account"
    " LEFT JOIN operators o ON o.operator = a.operator"
    " WHERE (?1 IS NULL OR j.account = ?1) AND (?2 IS NULL OR j.period = ?2)"
    " ORDER BY j.account, j.period, j.id", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) adjust_free);
  if (!st || !store_bind (st, error, STORE_TEXT (account), STORE_TEXT (period))
      || !store_each_row (st, add_row, list, "reading adjustments", error))
    return NULL;
  return g_steal_pointer (&list);
}

static gboolean
remove_in_transaction (StoreDb *db, gint64 id, const char *account, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT account, period FROM adjustments WHERE id = ?1 AND (?2 IS NULL OR account = ?2)",
    error);
  if (!st || !store_bind (st, error, STORE_INT (id), STORE_TEXT (account)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_DONE)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "adjust: no adjustment %" G_GINT64_FORMAT
                   "%s%s", id, account ? " of account " : "", account ? account : "");
      return FALSE;
    }
  if (rc != STORE_ROW)
    return store_set_error (error, db, "reading adjustments");
  g_autofree char *acc = g_strdup (store_column_text (st, 0));
  g_autofree char *period = g_strdup (store_column_text (st, 1));
  if (!check_open (db, acc, period, "remove", error))
    return FALSE;
  g_autoptr(StoreStmt) del = store_prepare (db, "DELETE FROM adjustments WHERE id = ?1", error);
  return del && store_bind (del, error, STORE_INT (id)) && store_step_done (del, error);
}

gboolean
adjust_remove (StoreDb *db, gint64 id, const char *account, GError **error)
{
  if (!store_begin (db, error))
    return FALSE;
  if (remove_in_transaction (db, id, account, error) && store_commit (db, error))
    return TRUE;
  store_rollback (db);
  return FALSE;
}
