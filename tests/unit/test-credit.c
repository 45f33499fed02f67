/* test-credit.c — credit notes (credit.h) against an independent model.
 *
 * Invoices with random lines are stored directly; random credit notes (all,
 * some lines, an amount) are issued against them, and a naive model —
 * cents, __int128, its own rounding — says for each whether it must be
 * accepted and with which totals: never more than the invoice less earlier
 * credit notes, never a line twice, numbers NWT-CN-YYYYMM-NNNN without gaps.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "bill/credit.h"
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

TestSuite (credit, .init = setup, .fini = teardown, .timeout = 120);

/* round_half_up (CENTS * RATE_MICRO_PERCENT / 100) in cents, CENTS >= 0. */
static gint64
naive_tax (gint64 cents, gint64 rate)
{
  __int128 num = (__int128) cents * rate, den = (__int128) 100 * 1000000;
  return (gint64) ((num + den / 2) / den);
}

typedef struct {
  char number[32];
  gint64 rate;                  /* micro-percent */
  guint n_lines;
  gint64 lines[8];              /* cents, > 0 */
  gboolean credited[8];
  gint64 total;                 /* cents */
  gint64 left;                  /* cents */
} ModelInvoice;

static void
store_invoice (ModelInvoice *m, guint seq, GRand *rand)
{
  static const gint64 rates[] = { 20000000, 8875000, 0, 19000000 };
  g_autoptr(GError) error = NULL;
  gint64 subtotal = 0;

  g_snprintf (m->number, sizeof m->number, "NWT-202611-%04u", seq);
  m->rate = rates[g_rand_int_range (rand, 0, 4)];
  m->n_lines = (guint) g_rand_int_range (rand, 1, 8);
  for (guint i = 0; i < m->n_lines; i++)
    subtotal += m->lines[i] = g_rand_int_range (rand, 1, 200000);
  m->total = m->left = subtotal + naive_tax (subtotal, m->rate);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO invoices (invoice, operator, period, seq, account, issued_on, tenant_id,"
    " operator_name, customer_name, currency, minor_units, tax_rate, subtotal, tax, total)"
    " VALUES ('%s', 'northwind', '2026-11', %u, 'acct%u', '2026-12-02', NULL, 'N', 'C', 'EUR',"
    " 2, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
    m->number, seq, seq, m->rate, subtotal * 10000, (m->total - subtotal) * 10000,
    m->total * 10000);
  cr_assert (store_exec (db, sql, &error), "%s", error ? error->message : "");
  for (guint i = 0; i < m->n_lines; i++)
    {
      g_autofree char *line = g_strdup_printf (
        "INSERT INTO invoice_lines (invoice, line, kind, direction, grp, quantity, calls,"
        " billable, covered, amount) VALUES ('%s', %u, 'usage', 'out', 'G%u', 0, 1, 60, 0,"
        " %" G_GINT64_FORMAT ")", m->number, i + 1, i, m->lines[i] * 10000);
      cr_assert (store_exec (db, line, &error), "%s", error ? error->message : "");
    }
}

Test (credit, random_credit_notes_match_the_naive_model)
{
  GRand *rand = g_rand_new_with_seed (1511);
  ModelInvoice inv[12] = { 0 };
  guint next_seq = 1, accepted = 0, refused = 0;

  for (guint i = 0; i < G_N_ELEMENTS (inv); i++)
    store_invoice (&inv[i], i + 1, rand);
  for (int round = 0; round < 400; round++)
    {
      ModelInvoice *m = &inv[g_rand_int_range (rand, 0, G_N_ELEMENTS (inv))];
      int mode = g_rand_int_range (rand, 0, 3);
      guint lines[8], n = 0;
      gint64 amount = 0, sub = 0, tax, total;
      gboolean ok = TRUE;
      char amount_text[32];
      CreditRequest req = { 0 };

      if (mode == CREDIT_ALL)
        {
          for (guint l = 0; l < m->n_lines; l++)
            sub += m->lines[l];
          tax = naive_tax (sub, m->rate);
          total = m->total;     /* all of it: the invoice's own totals */
        }
      else if (mode == CREDIT_LINES)
        {
          for (guint l = 0; l < m->n_lines; l++)
            if (g_rand_boolean (rand))
              {
                lines[n++] = l + 1;
                sub += m->lines[l];
                ok = ok && !m->credited[l];
              }
          if (n == 0)
            continue;
          tax = naive_tax (sub, m->rate);
          total = sub + tax;
        }
      else
        {
          amount = g_rand_int_range (rand, 1, 100000);
          g_snprintf (amount_text, sizeof amount_text, "%" G_GINT64_FORMAT ".%02d", amount / 100,
                      (int) (amount % 100));
          sub = amount;
          tax = naive_tax (sub, m->rate);
          total = sub + tax;
        }
      ok = ok && total <= m->left;
      req = (CreditRequest) { (CreditMode) mode, lines, n, amount_text, "model", "2026-12-10" };
      g_autoptr(GError) error = NULL;
      g_autofree char *number = NULL;
      gboolean issued = credit_issue (db, m->number, &req, &number, &error);
      cr_assert_eq (issued, ok, "round %d (%s, mode %d): model says %s, got %s", round,
                    m->number, mode, ok ? "accept" : "refuse",
                    error ? error->message : "accepted");
      if (!issued)
        {
          cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA), "%s", error->message);
          refused++;
          continue;
        }
      accepted++;
      g_autofree char *expect = g_strdup_printf ("NWT-CN-202612-%04u", next_seq++);
      cr_assert_str_eq (number, expect, "gap-free numbers");
      g_autoptr(InvoiceRecord) rec = credit_load (db, number, &error);
      cr_assert_not_null (rec, "%s", error ? error->message : "");
      cr_assert_eq (rec->invoice->total, -total * 10000, "total of %s", number);
      cr_assert_eq (rec->invoice->tax, -(total - sub) * 10000, "tax of %s", number);
      cr_assert_eq (rec->invoice->subtotal, -sub * 10000);
      gint64 line_sum = 0;
      for (guint l = 0; l < rec->invoice->lines->len; l++)
        line_sum += ((InvoiceLine *) rec->invoice->lines->pdata[l])->amount;
      cr_assert_eq (line_sum, rec->invoice->subtotal, "lines sum to the subtotal");
      m->left -= total;
      for (guint l = 0; l < n; l++)
        m->credited[lines[l] - 1] = TRUE;
      if (mode == CREDIT_ALL)
        for (guint l = 0; l < m->n_lines; l++)
          m->credited[l] = TRUE;
    }
  cr_assert_gt (accepted, 20, "the model accepted %u", accepted);
  cr_assert_gt (refused, 20, "the model refused %u", refused);
  /* the store agrees: never more than an invoice */
  cr_assert_eq (test_count (db, "SELECT count (*) FROM (SELECT i.invoice FROM invoices i"
                                " JOIN credit_notes c ON c.invoice = i.invoice GROUP BY i.invoice"
                                " HAVING -sum (c.total) > i.total)"), 0);
  g_rand_free (rand);
}

Test (credit, bad_requests_are_refused_and_take_no_number)
{
  GRand *rand = g_rand_new_with_seed (7);
  ModelInvoice m = { 0 };
  guint zero[] = { 0 }, twice[] = { 1, 1 };
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;

  store_invoice (&m, 1, rand);
  CreditRequest bad_line = { CREDIT_LINES, zero, 1, NULL, "x", "2026-12-10" };
  CreditRequest dup = { CREDIT_LINES, twice, 2, NULL, "x", "2026-12-10" };
  CreditRequest no_reason = { CREDIT_ALL, NULL, 0, NULL, " ", "2026-12-10" };
  CreditRequest neg = { CREDIT_AMOUNT, NULL, 0, "-1", "x", "2026-12-10" };
  CreditRequest precise = { CREDIT_AMOUNT, NULL, 0, "0.001", "x", "2026-12-10" };
  const CreditRequest *requests[] = { &bad_line, &dup, &no_reason, &neg, &precise };
  for (gsize i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      cr_assert_not (credit_issue (db, m.number, requests[i], &number, &error), "request %zu", i);
      cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "%s", error->message);
      g_clear_error (&error);
    }
  CreditRequest all = { CREDIT_ALL, NULL, 0, NULL, "all", "2026-12-10" };
  cr_assert_not (credit_issue (db, "NWT-202611-9999", &all, &number, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  g_clear_error (&error);
  cr_assert (credit_issue (db, m.number, &all, &number, &error), "%s",
             error ? error->message : "");
  cr_assert_str_eq (number, "NWT-CN-202612-0001");
  g_clear_pointer (&number, g_free);
  cr_assert_not (credit_issue (db, m.number, &all, &number, &error));
  cr_assert (strstr (error->message, "0.00 EUR"), "names what is left: %s", error->message);
  g_rand_free (rand);
}
