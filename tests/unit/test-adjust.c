/* test-adjust.c — adjustments (adjust.h) and their invoice lines
 * (invoice.h), against the spec catalog. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "bill/adjust.h"
#include "bill/invoice.h"
#include "test-helpers.h"

static char *dir;
static StoreDb *db;

static void
setup (void)
{
  dir = test_scratch_new ();
  db = test_db_with_catalog (dir);
}

static void
teardown (void)
{
  store_close (db);
  test_scratch_free (dir);
}

TestSuite (adjust, .init = setup, .fini = teardown, .timeout = 60);

static gint64
add (const char *account, const char *period, const char *amount, const char *description)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  cr_assert (adjust_add (db, account, period, amount, description, &id, &error), "%s",
             error ? error->message : "");
  return id;
}

static void
refused (const char *account, const char *period, const char *amount, const char *description,
         int code, const char *words)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  cr_assert_not (adjust_add (db, account, period, amount, description, &id, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, code), "%s: code %d", error->message, code);
  cr_assert (strstr (error->message, words), "'%s' says '%s'", error->message, words);
}

Test (adjust, lines_after_usage_in_the_order_added_and_taxed)
{
  g_autoptr(GError) error = NULL;

  add ("contoso", "2026-11", "25", "Installation");
  add ("contoso", "2026-11", "-7.50", "Goodwill");
  add ("contoso", "2026-12", "3", "Another period");
  add ("fabrikam", "2026-11", "4", "Another account");
  g_autoptr(Invoice) inv = invoice_compute (db, "contoso", "2026-11", &error);
  cr_assert_not_null (inv, "%s", error ? error->message : "contoso has numbers");
  cr_assert_geq (inv->lines->len, 2);
  const InvoiceLine *a = inv->lines->pdata[inv->lines->len - 2];
  const InvoiceLine *b = inv->lines->pdata[inv->lines->len - 1];
  cr_assert_eq (a->kind, INVOICE_LINE_ADJUSTMENT);
  cr_assert_str_eq (a->description, "Installation");
  cr_assert_eq (a->amount, 25 * DECIMAL_MICRO);
  cr_assert_eq (b->kind, INVOICE_LINE_ADJUSTMENT);
  cr_assert_str_eq (b->description, "Goodwill");
  cr_assert_eq (b->amount, -7500000);
  gint64 sum = 0;
  for (guint i = 0; i < inv->lines->len; i++)
    {
      const InvoiceLine *l = inv->lines->pdata[i];
      if (i + 2 < inv->lines->len)
        cr_assert_neq (l->kind, INVOICE_LINE_ADJUSTMENT, "adjustments come last");
      sum += l->amount;
    }
  cr_assert_eq (inv->subtotal, sum);
  /* 20 %, rounded half up to cents: the same rule as without adjustments */
  gint64 cents = sum / 10000, tax = (cents * 20 + 50) / 100;
  cr_assert_eq (inv->tax, tax * 10000, "tax %" G_GINT64_FORMAT, inv->tax);
}

Test (adjust, an_account_with_only_an_adjustment_has_an_invoice)
{
  g_autoptr(GError) error = NULL;

  /* litware has no number active in 2020: no invoice until it is adjusted */
  g_autoptr(Invoice) none = invoice_compute (db, "litware", "2020-01", &error);
  cr_assert_null (none);
  cr_assert_null (error);
  add ("litware", "2020-01", "-1", "Credit");
  g_autoptr(Invoice) inv = invoice_compute (db, "litware", "2020-01", &error);
  cr_assert_not_null (inv, "%s", error ? error->message : "");
  cr_assert_eq (inv->lines->len, 1);
  cr_assert_eq (inv->subtotal, -DECIMAL_MICRO);
  cr_assert_eq (inv->total, inv->subtotal + inv->tax);
}

Test (adjust, bad_input_and_closed_periods_are_refused)
{
  g_autoptr(GError) error = NULL;

  refused ("contoso", "2026-11", "1.001", "x", RATER_ERROR_USAGE, "decimals");
  refused ("contoso", "2026-11", "0", "x", RATER_ERROR_USAGE, "non-zero");
  refused ("contoso", "2026-11", "abc", "x", RATER_ERROR_USAGE, "non-zero");
  refused ("contoso", "2026-11", "1000000001", "x", RATER_ERROR_USAGE, "1000000000");
  refused ("contoso", "2026-11", "1", " \t", RATER_ERROR_USAGE, "description");
  refused ("contoso", "11-2026", "1", "x", RATER_ERROR_USAGE, "YYYY-MM");
  refused ("nobody", "2026-11", "1", "x", RATER_ERROR_USAGE, "unknown account");
  gint64 id = add ("contoso", "2026-11", "2", "Before closing");
  cr_assert (store_exec (db, "INSERT INTO closed_periods (account, period, closed_at)"
                             " VALUES ('contoso', '2026-11', '2026-12-02T00:00:00Z')", &error));
  refused ("contoso", "2026-11", "1", "x", RATER_ERROR_DATA, "closed");
  cr_assert_not (adjust_remove (db, id, NULL, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  g_clear_error (&error);
  cr_assert_not (adjust_remove (db, id, "fabrikam", &error), "not fabrikam's");
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  g_clear_error (&error);
  g_autoptr(GPtrArray) list = adjust_list (db, "contoso", NULL, &error);
  cr_assert_eq (list->len, 1);
  cr_assert_eq (((Adjustment *) list->pdata[0])->amount, 2 * DECIMAL_MICRO);
  cr_assert_eq (((Adjustment *) list->pdata[0])->minor_units, 2);
}
