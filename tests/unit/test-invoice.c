/* test-invoice.c — unit tests of invoice.c (billing.md §7, §9): recurring
 * proration by calendar days, quantities, number reassignment, usage and
 * late-usage grouping and order, rounding to each currency's minor units,
 * tax, "no lines, no invoice", errors, the spec catalog end to end (ingest +
 * rate + invoice), and a randomized property test against a naive model.
 *
 * Databases are built with store_init and plain SQL inserts into the catalog,
 * calls and ratings tables, so each test states exactly the rows it bills.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/decimal.h"
#include "ingest/ingest.h"
#include "bill/invoice.h"
#include "bill/invoiceout.h"
#include "rate/rate.h"
#include "base/rater-error.h"
#include "test-helpers.h"
#include "base/timeparse.h"

#define MICRO(units) ((gint64) (units) * DECIMAL_MICRO)

static char *dir;
static StoreDb *db;
static guint call_seq;

static void
setup (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int from, to;

  dir = test_scratch_new ();
  path = g_build_filename (dir, "rater.db", NULL);
  db = store_init (path, &from, &to, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  /* The property test writes thousands of rows one statement at a time:
   * without this, each is an fsync, and a loaded machine makes that minutes. */
  cr_assert (store_exec (db, "PRAGMA synchronous = OFF", &error), "%s", error ? error->message : "");
  call_seq = 0;
}

static void
teardown (void)
{
  store_close (db);
  test_scratch_free (dir);
}

TestSuite (invoice, .init = setup, .fini = teardown, .timeout = 60);

/* Fixture builders {{{1 */

static StoreStmt *
prepare (const char *sql)
{
  g_autoptr(GError) error = NULL;
  StoreStmt *st = store_prepare (db, sql, &error);

  cr_assert_not_null (st, "%s", error ? error->message : "");
  return st;
}

static void
step_done (StoreStmt *st)
{
  g_autoptr(GError) error = NULL;

  cr_assert (store_step_done (st, &error), "%s", error ? error->message : "");
}

/* Operator OP in CURRENCY (created once), plan "<account>-plan" with the
 * three monthly fees, account ACCOUNT on them with TAX_RATE (micro-percent). */
static void
add_account (const char *op, const char *currency, const char *account, gint64 tax_rate,
             gint64 fee_user, gint64 fee_service, gint64 fee_tollfree)
{
  g_autofree char *plan = g_strdup_printf ("%s-plan", account);
  g_autoptr(StoreStmt) o = prepare ("INSERT OR IGNORE INTO operators VALUES (?1, ?1, ?2, 'INV')");
  g_autoptr(StoreStmt) p = prepare ("INSERT INTO plans (plan, operator, deck, fee_user, fee_service, fee_tollfree, bundle_minutes,"
                                        " bundle_groups, call_decimals) VALUES (?1, ?2, 'spec', ?3, ?4, ?5, 0, '', 6)");
  g_autoptr(StoreStmt) a = prepare ("INSERT INTO accounts VALUES (?1, ?2, NULL, ?1, ?3,"
                                       " 'GB', 'Europe/London', ?4)");

  store_bind_at (o, 1, NULL, STORE_TEXT (op));
  store_bind_at (o, 2, NULL, STORE_TEXT (currency));
  step_done (o);
  store_bind_at (p, 1, NULL, STORE_TEXT (plan));
  store_bind_at (p, 2, NULL, STORE_TEXT (op));
  store_bind_at (p, 3, NULL, STORE_INT (fee_user));
  store_bind_at (p, 4, NULL, STORE_INT (fee_service));
  store_bind_at (p, 5, NULL, STORE_INT (fee_tollfree));
  step_done (p);
  store_bind_at (a, 1, NULL, STORE_TEXT (account));
  store_bind_at (a, 2, NULL, STORE_TEXT (op));
  store_bind_at (a, 3, NULL, STORE_TEXT (plan));
  store_bind_at (a, 4, NULL, STORE_INT (tax_rate));
  step_done (a);
}

/* The usual test account: EUR, 20 %, fees 10.00 / 5.00 / 2.50. */
static void
add_contoso (void)
{
  add_account ("northwind", "EUR", "contoso", MICRO (20), MICRO (10), MICRO (5), 2500000);
}

/* An assignment of NUMBER to ACCOUNT; TO NULL = open. */
static void
add_number (const char *number, const char *account, const char *type, const char *from,
            const char *to)
{
  g_autoptr(StoreStmt) st = prepare ("INSERT INTO numbers VALUES (?1, ?2, ?3, NULL, ?4, ?5)");

  store_bind_at (st, 1, NULL, STORE_TEXT (number));
  store_bind_at (st, 2, NULL, STORE_TEXT (account));
  store_bind_at (st, 3, NULL, STORE_TEXT (type));
  store_bind_at (st, 4, NULL, STORE_TEXT (from));
  store_bind_at (st, 5, NULL, STORE_TEXT (to));
  step_done (st);
}

typedef struct {
  const char *account, *period, *direction, *group, *status;
  gint64 billable, covered, charge;
  int late;
} RatingRow;

/* A call and its rating. */
static void
add_rating (const RatingRow *r)
{
  g_autoptr(StoreStmt) c = prepare (
    "INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee, masked,"
    " start_ms, duration, answered, account, leg_rank) VALUES ('northwind', ?1, 1, ?2, ?3,"
    " '441632960001', '442079460000', 0, 0, ?4, ?5, ?6, 0)");
  g_autoptr(StoreStmt) st = prepare (
    "INSERT INTO ratings VALUES (last_insert_rowid (), ?1, NULL, ?2, ?3, 'peak', '44', 'x', ?4,"
    " ?5, ?6, ?7, ?8, NULL, (SELECT operator FROM calls WHERE id = last_insert_rowid ()))");
  g_autofree char *key = g_strdup_printf ("k%06u", ++call_seq);

  store_bind_at (c, 1, NULL, STORE_TEXT (key));
  store_bind_at (c, 2, NULL, STORE_INT ((int) call_seq));
  store_bind_at (c, 3, NULL, STORE_TEXT (r->direction));
  store_bind_at (c, 4, NULL, STORE_INT (r->billable));
  store_bind_at (c, 5, NULL, STORE_INT (strcmp (r->status, "unanswered") != 0));
  store_bind_at (c, 6, NULL, STORE_TEXT (r->account));
  step_done (c);
  store_bind_at (st, 1, NULL, STORE_TEXT (r->status));
  store_bind_at (st, 2, NULL, STORE_TEXT (r->account));
  store_bind_at (st, 3, NULL, STORE_TEXT (r->period));
  store_bind_at (st, 4, NULL, STORE_TEXT (r->group));
  store_bind_at (st, 5, NULL, STORE_INT (r->billable));
  store_bind_at (st, 6, NULL, STORE_INT (r->covered));
  store_bind_at (st, 7, NULL, STORE_INT (r->charge));
  store_bind_at (st, 8, NULL, STORE_INT (r->late));
  step_done (st);
}

/* A rated, non-late call of ACCOUNT in PERIOD. */
static void
add_rated (const char *account, const char *period, const char *direction, const char *group,
           gint64 billable, gint64 covered, gint64 charge)
{
  RatingRow r = { account, period, direction, group, "rated", billable, covered, charge, 0 };
  add_rating (&r);
}

/* Checking invoices {{{1 */

static Invoice *
compute (const char *account, const char *period)
{
  g_autoptr(GError) error = NULL;
  Invoice *invoice = invoice_compute (db, account, period, &error);

  cr_assert_null (error, "%s", error ? error->message : "");
  cr_assert_not_null (invoice, "expected an invoice for %s %s", account, period);
  return invoice;
}

static const InvoiceLine *
line_at (const Invoice *invoice, guint i)
{
  cr_assert_lt (i, invoice->lines->len, "no line %u", i);
  return invoice->lines->pdata[i];
}

static void
expect_recurring (const Invoice *invoice, guint i, const char *type, guint64 quantity,
                  gint64 amount)
{
  const InvoiceLine *line = line_at (invoice, i);

  cr_assert_eq (line->kind, INVOICE_LINE_RECURRING, "line %u kind", i);
  cr_assert_str_eq (line->number_type, type, "line %u type", i);
  cr_assert_eq (line->quantity, quantity, "line %u (%s) quantity %" G_GUINT64_FORMAT, i, type,
                line->quantity);
  cr_assert_eq (line->amount, amount, "line %u (%s) amount %" G_GINT64_FORMAT ", expected %"
                G_GINT64_FORMAT, i, type, line->amount, amount);
  cr_assert_null (line->direction);
  cr_assert_null (line->periods);
}

static void
expect_usage (const Invoice *invoice, guint i, InvoiceLineKind kind, const char *direction,
              const char *group, guint64 calls, guint64 billable, guint64 covered, gint64 amount)
{
  const InvoiceLine *line = line_at (invoice, i);

  cr_assert_eq (line->kind, kind, "line %u kind %d", i, line->kind);
  cr_assert_str_eq (line->direction, direction, "line %u direction", i);
  cr_assert_str_eq (line->group, group, "line %u group", i);
  cr_assert_eq (line->calls, calls, "line %u calls %" G_GUINT64_FORMAT, i, line->calls);
  cr_assert_eq (line->billable_seconds, billable, "line %u billable", i);
  cr_assert_eq (line->covered_seconds, covered, "line %u covered", i);
  cr_assert_eq (line->amount, amount, "line %u (%s %s) amount %" G_GINT64_FORMAT ", expected %"
                G_GINT64_FORMAT, i, direction, group, line->amount, amount);
  cr_assert_null (line->number_type);
  cr_assert_eq (line->quantity, 0);
  if (kind == INVOICE_LINE_USAGE)
    cr_assert_null (line->periods);
}

static void
expect_periods (const Invoice *invoice, guint i, const char *expected)
{
  const InvoiceLine *line = line_at (invoice, i);

  g_autoptr(GString) joined = g_string_new (NULL);

  cr_assert_not_null (line->periods);
  for (guint k = 0; k < line->periods->len; k++)
    g_string_append_printf (joined, "%s%s", k ? "," : "", (const char *) line->periods->pdata[k]);
  cr_assert_str_eq (joined->str, expected, "line %u periods", i);
}

static void
expect_totals (const Invoice *invoice, gint64 subtotal, gint64 tax, gint64 total)
{
  cr_assert_eq (invoice->subtotal, subtotal, "subtotal %" G_GINT64_FORMAT ", expected %"
                G_GINT64_FORMAT, invoice->subtotal, subtotal);
  cr_assert_eq (invoice->tax, tax, "tax %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                invoice->tax, tax);
  cr_assert_eq (invoice->total, total, "total %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                invoice->total, total);
}

static void
expect_no_invoice (const char *account, const char *period)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Invoice) invoice = invoice_compute (db, account, period, &error);

  cr_assert_null (error, "%s", error ? error->message : "");
  cr_assert_null (invoice, "no invoice expected for %s %s", account, period);
}

static void
expect_error (const char *account, const char *period, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Invoice) invoice = invoice_compute (db, account, period, &error);

  cr_assert_null (invoice);
  cr_assert_not_null (error, "an error expected for '%s' '%s'", account, period ? period : "(null)");
  cr_assert (g_error_matches (error, RATER_ERROR, code), "code %d: %s", error->code, error->message);
  cr_assert (strstr (error->message, fragment), "'%s' should mention '%s'", error->message, fragment);
}

/* Recurring charges {{{1 */

Test (invoice, proration_example_30_day_month)
{
  add_contoso ();
  add_number ("441632960002", "contoso", "user", "2026-11-16", NULL);
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_str_eq (invoice->operator_slug, "northwind");
  cr_assert_str_eq (invoice->account, "contoso");
  cr_assert_null (invoice->tenant_id);
  cr_assert_str_eq (invoice->period, "2026-11");
  cr_assert_str_eq (invoice->currency, "EUR");
  cr_assert_eq (invoice->minor_units, 2);
  cr_assert_eq (invoice->tax_rate, 20000000);
  cr_assert_eq (invoice->lines->len, 1);
  expect_recurring (invoice, 0, "user", 1, 5000000);             /* 15/30 of 10.00 */
  expect_totals (invoice, 5000000, 1000000, 6000000);
}

Test (invoice, proration_example_31_day_month)
{
  add_contoso ();
  add_number ("441632960002", "contoso", "user", "2026-12-17", NULL);
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-12");

  /* round_half_up (10 000 000 * 15 / 31) = 4 838 710 µ, then to cents */
  cr_assert_eq (decimal_mul_div_round_half_up (MICRO (10), 15, 31), 4838710);
  expect_recurring (invoice, 0, "user", 1, 4840000);
  expect_totals (invoice, 4840000, 970000, 5810000);        /* 0.968 → 0.97 */
}

Test (invoice, prorated_micro_units_are_summed_before_rounding)
{
  add_contoso ();
  /* three numbers active one day of 31: 322 581 µ each; 967 743 µ → 0.97,
   * where rounding each to cents first would give 0.96 */
  add_number ("441632960001", "contoso", "user", "2026-12-31", NULL);
  add_number ("441632960002", "contoso", "user", "2026-12-31", NULL);
  add_number ("441632960003", "contoso", "user", "2026-12-31", "2027-01-05");
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-12");

  expect_recurring (invoice, 0, "user", 3, 970000);
}

Test (invoice, numbers_ending_mid_month_and_at_the_edges)
{
  add_contoso ();
  add_number ("441632960001", "contoso", "user", "2026-10-01", "2026-11-10");   /* 9 days */
  add_number ("441632960002", "contoso", "user", "2026-09-01", "2026-11-01");   /* ends before */
  add_number ("441632960003", "contoso", "user", "2026-12-01", NULL);           /* starts after */
  add_number ("441632960004", "contoso", "user", "2026-11-20", "2026-11-20");   /* empty */
  add_number ("441632960005", "contoso", "service", "2026-11-30", "2026-12-01"); /* last day */
  add_number ("441632960006", "contoso", "tollfree", "2026-11-01", "2026-11-02"); /* first day */
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_eq (invoice->lines->len, 3);
  expect_recurring (invoice, 0, "user", 1, 3000000);              /* 10.00 * 9/30 */
  expect_recurring (invoice, 1, "service", 1, 170000);            /* 5.00 / 30 = 0.166667 */
  expect_recurring (invoice, 2, "tollfree", 1, 80000);            /* 2.50 / 30 = 0.083333 */
  expect_totals (invoice, 3250000, 650000, 3900000);
}

Test (invoice, number_reassigned_between_accounts)
{
  add_contoso ();
  add_account ("northwind", "EUR", "fabrikam", 8875000, MICRO (10), MICRO (5), 2500000);
  add_number ("441632960101", "contoso", "user", "2026-10-01", "2026-11-10");
  add_number ("441632960101", "fabrikam", "user", "2026-11-10", NULL);
  g_autoptr(Invoice) a = compute ("contoso", "2026-11");
  g_autoptr(Invoice) b = compute ("fabrikam", "2026-11");

  expect_recurring (a, 0, "user", 1, 3000000);                    /* 9 of 30 days */
  expect_recurring (b, 0, "user", 1, 7000000);                    /* 21 of 30 days */
  expect_totals (b, 7000000, 620000, 7620000);                    /* 0.62125 → 0.62 */
  expect_no_invoice ("contoso", "2026-12");
}

Test (invoice, several_numbers_per_type_in_type_order_with_distinct_quantities)
{
  add_contoso ();
  /* inserted tollfree first: lines still come user, service, tollfree */
  add_number ("448001234567", "contoso", "tollfree", "2026-10-01", NULL);
  add_number ("442079460001", "contoso", "service", "2026-10-01", NULL);
  add_number ("442079460002", "contoso", "service", "2026-11-16", NULL);
  add_number ("441632960001", "contoso", "user", "2026-10-01", NULL);
  add_number ("441632960002", "contoso", "user", "2026-11-16", NULL);
  /* the same number away and back within the month: one number, both stretches */
  add_number ("441632960003", "contoso", "user", "2026-10-01", "2026-11-06");
  add_number ("441632960003", "contoso", "user", "2026-11-21", NULL);
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_eq (invoice->lines->len, 3);
  /* 10 + 5 + (5 + 10) / 30 * 10 = 20.00 */
  expect_recurring (invoice, 0, "user", 3, 20000000);
  expect_recurring (invoice, 1, "service", 2, 7500000);
  expect_recurring (invoice, 2, "tollfree", 1, 2500000);
  expect_totals (invoice, 30000000, 6000000, 36000000);
}

Test (invoice, a_type_with_a_zero_fee_still_has_its_line)
{
  add_account ("northwind", "EUR", "free-tf", 0, MICRO (10), MICRO (5), 0);
  add_number ("448001234567", "free-tf", "tollfree", "2026-10-01", NULL);
  g_autoptr(Invoice) invoice = compute ("free-tf", "2026-11");

  expect_recurring (invoice, 0, "tollfree", 1, 0);
  expect_totals (invoice, 0, 0, 0);
}

Test (invoice, dst_month_counts_calendar_days)
{
  add_contoso ();
  /* Europe/London leaves summer time on 2026-10-25: October still has 31
   * days, one of them 25 hours long.  Split on that day, the two stretches
   * are 24 and 7 days and add up to exactly the monthly fee. */
  add_number ("441632960001", "contoso", "user", "2026-10-01", "2026-10-25");
  add_number ("441632960001", "contoso", "user", "2026-10-25", NULL);
  add_number ("441632960002", "contoso", "service", "2026-10-25", NULL);
  /* spring forward on 2026-03-29: March also has 31 days */
  add_number ("441632960003", "contoso", "tollfree", "2026-03-29", "2026-04-01");
  g_autoptr(Invoice) october = compute ("contoso", "2026-10");
  g_autoptr(Invoice) march = compute ("contoso", "2026-03");

  cr_assert_eq (decimal_mul_div_round_half_up (MICRO (10), 24, 31), 7741935);
  cr_assert_eq (decimal_mul_div_round_half_up (MICRO (10), 7, 31), 2258065);
  expect_recurring (october, 0, "user", 1, MICRO (10));
  expect_recurring (october, 1, "service", 1, 1130000);          /* 5.00 * 7/31 = 1.129032 */
  expect_recurring (march, 0, "tollfree", 1, 240000);            /* 2.50 * 3/31 = 0.241935 */
}

Test (invoice, leap_february)
{
  add_contoso ();
  add_number ("441632960001", "contoso", "user", "2028-02-15", NULL);
  add_number ("441632960002", "contoso", "user", "2027-02-15", NULL);
  g_autoptr(Invoice) leap = compute ("contoso", "2028-02");
  g_autoptr(Invoice) plain = compute ("contoso", "2027-02");

  expect_recurring (leap, 0, "user", 2, 10000000 + 5170000);      /* 15/29 = 5.172414 */
  expect_recurring (plain, 0, "user", 1, 5000000);                /* 14/28 */
}

/* Currencies and tax {{{1 */

Test (invoice, tax_example)
{
  add_account ("northwind", "EUR", "fabrikam", 8875000, 0, 0, 0);
  add_rated ("fabrikam", "2026-11", "out", "INTL", 600, 0, 100010000);
  g_autoptr(Invoice) invoice = compute ("fabrikam", "2026-11");

  /* 100.01 * 8.875 % = 8.8758875 → 8.88 */
  expect_totals (invoice, 100010000, 8880000, 108890000);
}

Test (invoice, tax_is_rounded_once_from_the_exact_value)
{
  /* 0.01 at 49.995 % is exactly 0.0049995: 0.00.  Rounding to micro-units
   * first (0.005000) and then to cents would wrongly give 0.01. */
  add_account ("northwind", "EUR", "a", 49995000, 0, 0, 0);
  add_account ("northwind", "EUR", "b", MICRO (5), 0, 0, 0);
  add_rated ("a", "2026-11", "out", "INTL", 1, 0, 10000);
  add_rated ("b", "2026-11", "out", "INTL", 1, 0, 100000);
  g_autoptr(Invoice) a = compute ("a", "2026-11");
  g_autoptr(Invoice) b = compute ("b", "2026-11");

  expect_totals (a, 10000, 0, 10000);
  expect_totals (b, 100000, 10000, 110000);                       /* 0.005 is a tie: up */
}

Test (invoice, two_decimal_currencies)
{
  static const char *const currencies[] = { "USD", "EUR", "GBP" };

  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    {
      g_autofree char *op = g_strdup_printf ("op-%s", currencies[i]);
      g_autofree char *acct = g_strdup_printf ("acct-%s", currencies[i]);
      add_account (op, currencies[i], acct, 8875000, MICRO (10), MICRO (5), 2500000);
      add_number ("441632960001", acct, "user", "2026-12-17", NULL);
      add_rated (acct, "2026-12", "out", "INTL", 61, 0, 20334);
      add_rated (acct, "2026-12", "out", "INTL", 61, 0, 10167);
      g_autoptr(Invoice) invoice = compute (acct, "2026-12");
      cr_assert_str_eq (invoice->currency, currencies[i]);
      cr_assert_eq (invoice->minor_units, 2);
      expect_recurring (invoice, 0, "user", 1, 4840000);
      expect_usage (invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 2, 122, 0, 30000);
      /* 4.87 * 8.875 % = 0.4322125 → 0.43 */
      expect_totals (invoice, 4870000, 430000, 5300000);
    }
}

Test (invoice, jpy_has_no_decimals)
{
  add_account ("sakura", "JPY", "tokyo", MICRO (10), MICRO (1000), MICRO (500), MICRO (100));
  add_number ("81312345678", "tokyo", "user", "2026-12-17", NULL);
  add_rated ("tokyo", "2026-12", "out", "INTL", 60, 0, 12500000);  /* 12.5 → 13 */
  add_rated ("tokyo", "2026-12", "in", "TOLLFREE", 60, 0, 499999); /* 0.499999 → 0 */
  g_autoptr(Invoice) invoice = compute ("tokyo", "2026-12");

  cr_assert_eq (invoice->minor_units, 0);
  expect_recurring (invoice, 0, "user", 1, MICRO (484));           /* 483.870968 */
  expect_usage (invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 1, 60, 0, MICRO (13));
  expect_usage (invoice, 2, INVOICE_LINE_USAGE, "in", "TOLLFREE", 1, 60, 0, 0);
  expect_totals (invoice, MICRO (497), MICRO (50), MICRO (547));    /* 49.7 → 50 */
}

Test (invoice, bhd_has_three_decimals)
{
  add_account ("gulf", "BHD", "manama", MICRO (10), MICRO (10), MICRO (5), 2500000);
  add_number ("97317000001", "manama", "user", "2026-12-17", NULL);
  add_rated ("manama", "2026-12", "out", "INTL", 60, 0, 12500);     /* 0.0125 → 0.013 */
  g_autoptr(Invoice) invoice = compute ("manama", "2026-12");

  cr_assert_eq (invoice->minor_units, 3);
  expect_recurring (invoice, 0, "user", 1, 4839000);                /* 4.838710 → 4.839 */
  expect_usage (invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 1, 60, 0, 13000);
  expect_totals (invoice, 4852000, 485000, 5337000);                /* 0.4852 → 0.485 */
}

/* Usage {{{1 */

Test (invoice, usage_lines_out_before_in_groups_bytewise)
{
  add_contoso ();
  add_account ("northwind", "EUR", "other", 0, 0, 0, 0);
  add_rated ("contoso", "2026-11", "in", "TOLLFREE", 100, 0, 50000);
  add_rated ("contoso", "2026-11", "out", "MOBILE", 120, 0, 550000);
  add_rated ("contoso", "2026-11", "out", "abc", 10, 0, 1000);
  add_rated ("contoso", "2026-11", "out", "INTL", 10, 0, 16667);
  add_rated ("contoso", "2026-11", "in", "DOMESTIC", 30, 0, 3000);
  add_rated ("contoso", "2026-11", "out", "Zed", 10, 0, 1000);
  add_rated ("contoso", "2026-11", "out", "MOBILE", 60, 60, 0);
  add_rated ("contoso", "2026-11", "out", "DOMESTIC", 61, 0, 20334);
  add_rated ("contoso", "2026-11", "out", "DOMESTIC", 61, 0, 10167);
  add_rated ("contoso", "2026-11", "out", "DOMESTIC", 60, 0, 10000);
  /* none of these is billed as usage of contoso 2026-11 */
  RatingRow excluded[] = {
    { "contoso", "2026-11", "out", "INTL", "unrated", 0, 0, 0, 0 },
    { "contoso", "2026-11", "out", "INTL", "unanswered", 0, 0, 0, 0 },
    { "contoso", "2026-11", "in", "INTL", "free", 100, 0, 0, 0 },
    { "contoso", "2026-11", "out", "INTL", "unrated", 100, 0, 777777, 0 },
    { "contoso", "2026-10", "out", "INTL", "rated", 100, 0, 777777, 0 },
    { "contoso", "2026-12", "out", "INTL", "rated", 100, 0, 777777, 0 },
    { "contoso", "2026-11", "out", "INTL", "rated", 100, 0, 777777, 1 },   /* late, same period */
    { "other", "2026-11", "out", "INTL", "rated", 100, 0, 777777, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (excluded); i++)
    add_rating (&excluded[i]);
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_eq (invoice->lines->len, 7);
  expect_usage (invoice, 0, INVOICE_LINE_USAGE, "out", "DOMESTIC", 3, 182, 0, 40000);
  expect_usage (invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 1, 10, 0, 20000);
  expect_usage (invoice, 2, INVOICE_LINE_USAGE, "out", "MOBILE", 2, 180, 60, 550000);
  expect_usage (invoice, 3, INVOICE_LINE_USAGE, "out", "Zed", 1, 10, 0, 0);
  expect_usage (invoice, 4, INVOICE_LINE_USAGE, "out", "abc", 1, 10, 0, 0);
  expect_usage (invoice, 5, INVOICE_LINE_USAGE, "in", "DOMESTIC", 1, 30, 0, 0);
  expect_usage (invoice, 6, INVOICE_LINE_USAGE, "in", "TOLLFREE", 1, 100, 0, 50000);
  expect_totals (invoice, 660000, 130000, 790000);           /* 0.132 → 0.13 */
}

Test (invoice, usage_is_rounded_per_line_not_per_call)
{
  add_contoso ();
  for (int i = 0; i < 3; i++)
    add_rated ("contoso", "2026-11", "out", "INTL", 1, 0, 4000);  /* 0.004 each */
  add_rated ("contoso", "2026-11", "out", "MOBILE", 1, 0, 4000);
  add_rated ("contoso", "2026-11", "out", "MOBILE", 1, 0, 1000);  /* 0.005: tie, up */
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  expect_usage (invoice, 0, INVOICE_LINE_USAGE, "out", "INTL", 3, 3, 0, 10000);
  expect_usage (invoice, 1, INVOICE_LINE_USAGE, "out", "MOBILE", 2, 2, 0, 10000);
  expect_totals (invoice, 20000, 0, 20000);                  /* 0.004 → 0.00 */
}

Test (invoice, recurring_then_usage_then_late_usage)
{
  add_contoso ();
  add_number ("441632960001", "contoso", "user", "2026-10-01", NULL);
  add_rated ("contoso", "2026-11", "out", "INTL", 60, 0, 100000);
  RatingRow late[] = {
    { "contoso", "2026-10", "out", "INTL", "rated", 60, 0, 1234, 1 },
    { "contoso", "2026-09", "out", "INTL", "rated", 30, 0, 1234, 1 },
    { "contoso", "2026-10", "out", "INTL", "rated", 10, 0, 1234, 1 },
    { "contoso", "2026-10", "in", "TOLLFREE", "rated", 100, 0, 50000, 1 },
    { "contoso", "2025-12", "out", "DOMESTIC", "rated", 60, 0, 20000, 1 },
    /* excluded: late but not before P, not rated, not late, another account */
    { "contoso", "2026-11", "out", "INTL", "rated", 60, 0, 999999, 1 },
    { "contoso", "2026-12", "out", "INTL", "rated", 60, 0, 999999, 1 },
    { "contoso", "2026-10", "out", "INTL", "unanswered", 0, 0, 0, 1 },
    { "contoso", "2026-10", "out", "INTL", "rated", 60, 0, 999999, 0 },
  };
  add_account ("northwind", "EUR", "other", 0, 0, 0, 0);
  RatingRow other = { "other", "2026-10", "out", "INTL", "rated", 60, 0, 999999, 1 };
  for (guint i = 0; i < G_N_ELEMENTS (late); i++)
    add_rating (&late[i]);
  add_rating (&other);
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_eq (invoice->lines->len, 5);
  expect_recurring (invoice, 0, "user", 1, MICRO (10));
  expect_usage (invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 1, 60, 0, 100000);
  expect_usage (invoice, 2, INVOICE_LINE_LATE_USAGE, "out", "DOMESTIC", 1, 60, 0, 20000);
  expect_periods (invoice, 2, "2025-12");
  expect_usage (invoice, 3, INVOICE_LINE_LATE_USAGE, "out", "INTL", 3, 100, 0, 0);  /* 0.003702 */
  expect_periods (invoice, 3, "2026-09,2026-10");
  expect_usage (invoice, 4, INVOICE_LINE_LATE_USAGE, "in", "TOLLFREE", 1, 100, 0, 50000);
  expect_periods (invoice, 4, "2026-10");
  expect_totals (invoice, 10170000, 2030000, 12200000);     /* 2.034 → 2.03 */
  cr_assert_str_eq (invoice_line_kind_to_string (INVOICE_LINE_LATE_USAGE), "late_usage");
  cr_assert_str_eq (invoice_line_kind_to_string (INVOICE_LINE_RECURRING), "recurring");
  cr_assert_str_eq (invoice_line_kind_to_string (INVOICE_LINE_USAGE), "usage");
}

Test (invoice, late_usage_alone_makes_an_invoice)
{
  add_contoso ();
  RatingRow late = { "contoso", "2026-10", "out", "INTL", "rated", 60, 0, 120000, 1 };
  add_rating (&late);
  g_autoptr(Invoice) invoice = compute ("contoso", "2027-01");

  cr_assert_eq (invoice->lines->len, 1);
  expect_usage (invoice, 0, INVOICE_LINE_LATE_USAGE, "out", "INTL", 1, 60, 0, 120000);
  expect_periods (invoice, 0, "2026-10");
  expect_no_invoice ("contoso", "2026-10");
}

/* No invoice, errors {{{1 */

Test (invoice, no_lines_no_invoice)
{
  add_contoso ();
  expect_no_invoice ("contoso", "2026-11");
  add_number ("441632960001", "contoso", "user", "2026-12-01", NULL);
  add_number ("441632960002", "contoso", "user", "2026-09-01", "2026-11-01");
  RatingRow rows[] = {
    { "contoso", "2026-11", "out", "INTL", "unrated", 0, 0, 0, 0 },
    { "contoso", "2026-11", "in", "INTL", "free", 60, 0, 0, 0 },
    { "contoso", "2026-11", "out", "INTL", "unanswered", 0, 0, 0, 0 },
    { "contoso", "2026-12", "out", "INTL", "rated", 60, 0, 100, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    add_rating (&rows[i]);
  expect_no_invoice ("contoso", "2026-11");
}

Test (invoice, unknown_account_and_bad_periods_are_usage_errors)
{
  add_contoso ();
  static const char *const bad[] = { "2026-13", "2026-00", "2026-1", "2026/11", "", "0000-01",
                                     "2026-11-01", "26-11", "2026-1a", "+026-11" };

  expect_error ("nobody", "2026-11", RATER_ERROR_USAGE, "unknown account 'nobody'");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    expect_error ("contoso", bad[i], RATER_ERROR_USAGE, "is not YYYY-MM");
  expect_error ("contoso", NULL, RATER_ERROR_USAGE, "is not YYYY-MM");
}

Test (invoice, bad_stored_values_are_data_errors)
{
  add_contoso ();
  add_account ("mystery", "XXX", "m", 0, 0, 0, 0);
  add_number ("441632960001", "contoso", "user", "2026-11-3", NULL);

  expect_error ("contoso", "2026-11", RATER_ERROR_DATA, "number '441632960001': bad from date");
  expect_error ("m", "2026-11", RATER_ERROR_DATA, "unknown currency 'XXX'");
}

/* The spec catalog end to end {{{1 */

static void
ingest_text (const char *name, const char *text)
{
  static const IngestOptions opts = { "northwind", NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autofree char *path = test_write (dir, name, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(Ingest) ing = ingest_new (db, &error);
  IngestStats s = { 0 };

  cr_assert_not_null (ing, "%s", error ? error->message : "");
  cr_assert (ingest_file (ing, path, &opts, &s, &error), "%s", error ? error->message : "");
}

static void
rate_all (void)
{
  RateOptions opts = { NULL, 1, 0 };
  RateStats s;
  g_autoptr(GError) error = NULL;

  cr_assert (rate_run (db, &opts, &s, &error), "%s", error ? error->message : "");
}

static void
import_spec_catalog (void)
{
  CatalogImportStats stats;
  g_autoptr(GError) error = NULL;

  cr_assert (catalog_import (db, SPEC_CATALOG, &stats, &error), "%s", error ? error->message : "");
}

Test (invoice, spec_catalog_recurring_and_reassignment)
{
  import_spec_catalog ();
  g_autoptr(Invoice) contoso = compute ("contoso", "2026-11");
  g_autoptr(Invoice) fabrikam = compute ("fabrikam", "2026-11");
  g_autoptr(Invoice) adatum = compute ("adatum", "2026-11");
  g_autoptr(Invoice) litware = compute ("litware", "2026-11");

  cr_assert_str_eq (contoso->tenant_id, "8d3c2f4a-1b6e-4c7d-9a0b-1c2d3e4f5a6b");
  expect_recurring (contoso, 0, "user", 2, MICRO (15));           /* alice + bob from the 16th */
  expect_recurring (contoso, 1, "tollfree", 1, 2500000);
  expect_totals (contoso, 17500000, 3500000, 21000000);
  expect_recurring (fabrikam, 0, "user", 1, MICRO (3));           /* carol until the 10th */
  expect_recurring (fabrikam, 1, "service", 1, MICRO (5));
  expect_totals (fabrikam, MICRO (8), 710000, 8710000);           /* 0.71 */
  expect_recurring (adatum, 0, "user", 1, MICRO (7));             /* dave from the 10th */
  expect_totals (adatum, MICRO (7), 0, MICRO (7));
  cr_assert_str_eq (litware->currency, "USD");
  expect_recurring (litware, 0, "user", 1, MICRO (8));
  expect_totals (litware, MICRO (8), 710000, 8710000);
  expect_no_invoice ("fabrikam", "2026-09");
}

Test (invoice, spec_catalog_ingest_rate_invoice)
{
  import_spec_catalog ();
  /* billing.md §9 examples 1, 4, 7, 8 and 9 for contoso (nw-basic) */
  ingest_text ("calls.csv",
               "call_id,start,duration,caller,callee,direction\n"
               "e1,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
               "e4,2026-11-03T11:00:00Z,61,+441632960001,+447700900123,out\n"
               "e7,2026-11-04T11:00:00Z,100,+442079460099,+448001234567,in\n"
               "e8,2026-11-04T12:00:00Z,100,+442079460099,+441632960001,in\n"
               "e9,2026-11-04T13:00:00Z,0,+441632960001,+447700900123,out\n");
  rate_all ();
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_eq (invoice->lines->len, 5);
  expect_recurring (invoice, 0, "user", 2, MICRO (15));
  expect_recurring (invoice, 1, "tollfree", 1, 2500000);
  expect_usage (invoice, 2, INVOICE_LINE_USAGE, "out", "DOMESTIC", 1, 61, 0, 20000);
  expect_usage (invoice, 3, INVOICE_LINE_USAGE, "out", "MOBILE", 1, 120, 0, 550000);
  expect_usage (invoice, 4, INVOICE_LINE_USAGE, "in", "TOLLFREE", 1, 100, 0, 50000);
  /* 18.12 at 20 % = 3.624 → 3.62 */
  expect_totals (invoice, 18120000, 3620000, 21740000);
}

/* Property: a naive model agrees, and the lines add up {{{1 */

typedef struct {
  char *key;                    /* "<0|1 out-first><direction>\x01<group>" */
  char *direction, *group;
  guint64 calls, billable, covered;
  gint64 micro;
  GTree *periods;               /* set of "YYYY-MM" */
} ModelUsage;

static int
compare_strings (gconstpointer a, gconstpointer b, gpointer data)
{
  return strcmp (a, b);
}

static void
model_usage_free (gpointer data)
{
  ModelUsage *u = data;
  g_free (u->key);
  g_free (u->direction);
  g_free (u->group);
  g_tree_unref (u->periods);
  g_free (u);
}

typedef struct {
  GRand *rnd;
  const char *account, *period;
  int year, month;
  guint minor;
  gint64 fees[3];
  gint64 type_micro[3];
  GHashTable *type_numbers[3];  /* distinct numbers with at least one active day */
  GTree *usage[2];              /* key → ModelUsage, [0] usage, [1] late */
} Model;

static char *
format_days (gint64 days)
{
  int y, m, d;
  time_civil_from_days (days, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

static char *
shift_period (int year, int month, int k)
{
  int index = year * 12 + (month - 1) + k;
  return g_strdup_printf ("%04d-%02d", index / 12, index % 12 + 1);
}

/* A random assignment; the model counts its days one by one. */
static void
random_number (Model *m)
{
  static const char *const types[] = { "user", "service", "tollfree" };
  gint64 first = time_days_from_civil (m->year, m->month, 1);
  gint64 dim = time_days_in_month (m->year, m->month);
  gint64 from = first + g_rand_int_range (m->rnd, -40, (gint32) dim + 5);
  gboolean open = g_rand_int_range (m->rnd, 0, 3) == 0;
  gint64 to = from + g_rand_int_range (m->rnd, 0, 60);
  int t = g_rand_int_range (m->rnd, 0, 3);
  g_autofree char *number = g_strdup_printf ("4416329%05d", g_rand_int_range (m->rnd, 0, 8));
  g_autofree char *from_text = format_days (from), *to_text = format_days (to);
  gint64 days = 0;

  add_number (number, m->account, types[t], from_text, open ? NULL : to_text);
  for (gint64 d = first; d < first + dim; d++)
    if (d >= from && (open || d < to))
      days++;
  if (days == 0)
    return;
  g_hash_table_add (m->type_numbers[t], g_strdup (number));
  m->type_micro[t] += decimal_mul_div_round_half_up (m->fees[t], days, dim);
}

static void
model_add_usage (Model *m, const RatingRow *r)
{
  int late = r->late && strcmp (r->period, m->period) < 0;
  g_autofree char *key = g_strdup_printf ("%d%s\x01%s", strcmp (r->direction, "out") != 0,
                                          r->direction, r->group);
  ModelUsage *u = g_tree_lookup (m->usage[late], key);

  if (!u)
    {
      u = g_new0 (ModelUsage, 1);
      u->key = g_strdup (key);
      u->direction = g_strdup (r->direction);
      u->group = g_strdup (r->group);
      u->periods = g_tree_new_full (compare_strings, NULL, g_free, NULL);
      g_tree_insert (m->usage[late], u->key, u);
    }
  u->calls++;
  u->billable += (guint64) r->billable;
  u->covered += (guint64) r->covered;
  u->micro += r->charge;
  if (!g_tree_lookup_extended (u->periods, r->period, NULL, NULL))
    g_tree_insert (u->periods, g_strdup (r->period), NULL);
}

/* A random rating; the model keeps those the invoice must bill. */
static void
random_rating (Model *m)
{
  static const char *const groups[] = { "INTL", "MOBILE", "DOMESTIC", "abc", "Zed", "TOLLFREE" };
  static const char *const statuses[] = { "rated", "rated", "rated", "free", "unanswered", "unrated" };
  g_autofree char *period = shift_period (m->year, m->month, g_rand_int_range (m->rnd, -3, 2));
  gint64 billable = g_rand_int_range (m->rnd, 0, 4000);
  RatingRow r = {
    g_rand_int_range (m->rnd, 0, 5) == 0 ? "other" : m->account, period,
    g_rand_boolean (m->rnd) ? "out" : "in", groups[g_rand_int_range (m->rnd, 0, 6)],
    statuses[g_rand_int_range (m->rnd, 0, 6)], billable, g_rand_int_range (m->rnd, 0, (gint32) billable + 1),
    g_rand_int_range (m->rnd, 0, 3000000), g_rand_int_range (m->rnd, 0, 3) == 0,
  };

  add_rating (&r);
  if (strcmp (r.status, "rated") != 0 || strcmp (r.account, m->account) != 0)
    return;
  if (r.late ? strcmp (r.period, m->period) < 0 : strcmp (r.period, m->period) == 0)
    model_add_usage (m, &r);
}

static gint64
round_minor (gint64 micro, guint minor)
{
  return decimal_round_half_up (micro, minor);
}

static gboolean
check_usage_line (gpointer key, gpointer value, gpointer data)
{
  ModelUsage *u = value;
  gpointer *ctx = data;               /* { invoice, &index, kind } */
  const Invoice *invoice = ctx[0];
  guint *i = ctx[1];
  InvoiceLineKind kind = GPOINTER_TO_INT (ctx[2]);

  expect_usage (invoice, *i, kind, u->direction, u->group, u->calls, u->billable, u->covered,
                round_minor (u->micro, invoice->minor_units));
  if (kind == INVOICE_LINE_LATE_USAGE)
    {
      g_autoptr(GString) joined = g_string_new (NULL);
      GTreeNode *node = g_tree_node_first (u->periods);
      for (; node; node = g_tree_node_next (node))
        g_string_append_printf (joined, "%s%s", joined->len ? "," : "",
                                (const char *) g_tree_node_key (node));
      expect_periods (invoice, *i, joined->str);
    }
  (*i)++;
  return FALSE;
}

/* Exact round_half_up (subtotal * rate / 100) to minor units, independently. */
static gint64
model_tax (gint64 subtotal, gint64 rate, guint minor)
{
  __extension__ __int128 unit = 1, num, den;

  for (guint k = minor; k < 6; k++)
    unit *= 10;
  num = (__int128) subtotal * rate;
  den = (__int128) 100 * DECIMAL_MICRO * unit;
  return (gint64) ((2 * num + den) / (2 * den) * unit);
}

static void
check_model (Model *m, gint64 tax_rate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Invoice) invoice = invoice_compute (db, m->account, m->period, &error);
  static const char *const types[] = { "user", "service", "tollfree" };
  guint i = 0, lines = g_tree_nnodes (m->usage[0]) + g_tree_nnodes (m->usage[1]);

  cr_assert_null (error, "%s", error ? error->message : "");
  for (guint t = 0; t < 3; t++)
    lines += g_hash_table_size (m->type_numbers[t]) > 0;
  if (lines == 0)
    {
      cr_assert_null (invoice);
      return;
    }
  cr_assert_not_null (invoice);
  cr_assert_eq (invoice->lines->len, lines);
  for (guint t = 0; t < 3; t++)
    if (g_hash_table_size (m->type_numbers[t]) > 0)
      expect_recurring (invoice, i++, types[t], g_hash_table_size (m->type_numbers[t]),
                        round_minor (m->type_micro[t], m->minor));
  for (int late = 0; late < 2; late++)
    {
      gpointer ctx[] = { invoice, &i, GINT_TO_POINTER (late ? INVOICE_LINE_LATE_USAGE
                                                            : INVOICE_LINE_USAGE) };
      g_tree_foreach (m->usage[late], check_usage_line, ctx);
    }
  gint64 sum = 0;
  for (guint k = 0; k < invoice->lines->len; k++)
    {
      const InvoiceLine *line = invoice->lines->pdata[k];
      cr_assert_eq (round_minor (line->amount, m->minor), line->amount, "line %u not in minor units", k);
      sum += line->amount;
    }
  cr_assert_eq (sum, invoice->subtotal, "sum of line amounts != subtotal");
  cr_assert_eq (invoice->tax, model_tax (sum, tax_rate, m->minor));
  cr_assert_eq (invoice->total, invoice->subtotal + invoice->tax);
}

static void
run_model (guint32 seed, const char *currency, guint minor, const char *period)
{
  static const gint64 tax_rates[] = { 0, 20000000, 8875000, 49995000, 7500000, 100 };
  Model m = { .rnd = g_rand_new_with_seed (seed), .period = period, .minor = minor };
  g_autofree char *account = g_strdup_printf ("acct-%u", seed);
  gint64 tax_rate = tax_rates[seed % G_N_ELEMENTS (tax_rates)];

  m.account = account;
  m.year = (int) g_ascii_strtoll (period, NULL, 10);
  m.month = (int) g_ascii_strtoll (period + 5, NULL, 10);
  for (guint t = 0; t < 3; t++)
    {
      m.fees[t] = g_rand_int_range (m.rnd, 0, 30000000);
      m.type_numbers[t] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  for (int k = 0; k < 2; k++)
    m.usage[k] = g_tree_new_full (compare_strings, NULL, NULL, model_usage_free);
  g_autofree char *op = g_strdup_printf ("op-%s", currency);
  add_account (op, currency, account, tax_rate, m.fees[0], m.fees[1], m.fees[2]);
  for (int n = g_rand_int_range (m.rnd, 0, 12); n > 0; n--)
    random_number (&m);
  for (int n = g_rand_int_range (m.rnd, 0, 60); n > 0; n--)
    random_rating (&m);
  check_model (&m, tax_rate);
  for (guint t = 0; t < 3; t++)
    g_hash_table_unref (m.type_numbers[t]);
  for (int k = 0; k < 2; k++)
    g_tree_unref (m.usage[k]);
  g_rand_free (m.rnd);
}

Test (invoice, property_lines_match_a_naive_model_and_sum_to_the_subtotal)
{
  static const struct { const char *currency; guint minor; } currencies[] = {
    { "EUR", 2 }, { "JPY", 0 }, { "BHD", 3 }, { "USD", 2 }, { "GBP", 2 },
  };
  static const char *const periods[] = { "2026-11", "2026-10", "2028-02", "2027-02", "2026-12" };

  add_account ("northwind", "EUR", "other", 0, 0, 0, 0);
  for (guint32 seed = 1; seed <= 200; seed++)
    run_model (seed, currencies[seed % G_N_ELEMENTS (currencies)].currency,
               currencies[seed % G_N_ELEMENTS (currencies)].minor,
               periods[(seed / 5) % G_N_ELEMENTS (periods)]);
}

/* One pass over a period {{{1 */

typedef struct {
  GPtrArray *invoices;          /* Invoice *, as invoice_compute_period gave them */
  GPtrArray *destinations;      /* GPtrArray * of InvoiceDestination *, the same order */
} Collected;

static gboolean
collect (Invoice *invoice, GPtrArray *destinations, gpointer data, GError **error)
{
  Collected *c = data;

  g_ptr_array_add (c->invoices, invoice);
  g_ptr_array_add (c->destinations, destinations);
  return TRUE;
}

static void
expect_same_line (const InvoiceLine *a, const InvoiceLine *b, const char *what)
{
  cr_assert_eq (a->kind, b->kind, "%s: kind", what);
  cr_assert_eq (g_strcmp0 (a->number_type, b->number_type), 0, "%s: number type", what);
  cr_assert_eq (g_strcmp0 (a->direction, b->direction), 0, "%s: direction", what);
  cr_assert_eq (g_strcmp0 (a->group, b->group), 0, "%s: group", what);
  cr_assert_eq (a->quantity, b->quantity, "%s: quantity", what);
  cr_assert_eq (a->calls, b->calls, "%s: calls", what);
  cr_assert_eq (a->billable_seconds, b->billable_seconds, "%s: billable", what);
  cr_assert_eq (a->covered_seconds, b->covered_seconds, "%s: covered", what);
  cr_assert_eq (a->amount, b->amount, "%s: amount", what);
  cr_assert_eq (!a->periods, !b->periods, "%s: periods", what);
  for (guint p = 0; a->periods && p < MAX (a->periods->len, b->periods->len); p++)
    {
      cr_assert_lt (p, MIN (a->periods->len, b->periods->len), "%s: period count", what);
      cr_assert_str_eq (a->periods->pdata[p], b->periods->pdata[p], "%s: period %u", what, p);
    }
}

static void
expect_same_invoice (const Invoice *a, const Invoice *b)
{
  const char *what = a->account;

  cr_assert_str_eq (a->account, b->account);
  cr_assert_str_eq (a->period, b->period, "%s", what);
  cr_assert_str_eq (a->operator_slug, b->operator_slug, "%s", what);
  cr_assert_eq (g_strcmp0 (a->tenant_id, b->tenant_id), 0, "%s", what);
  cr_assert_str_eq (a->currency, b->currency, "%s", what);
  cr_assert_eq (a->minor_units, b->minor_units, "%s", what);
  cr_assert_eq (a->tax_rate, b->tax_rate, "%s", what);
  cr_assert_eq (a->lines->len, b->lines->len, "%s %s: %u lines, expected %u", what, a->period,
                a->lines->len, b->lines->len);
  for (guint i = 0; i < a->lines->len; i++)
    expect_same_line (a->lines->pdata[i], b->lines->pdata[i], what);
  cr_assert_eq (a->subtotal, b->subtotal, "%s", what);
  cr_assert_eq (a->tax, b->tax, "%s", what);
  cr_assert_eq (a->total, b->total, "%s", what);
}

static void
expect_same_destinations (const GPtrArray *a, const GPtrArray *b, const char *what)
{
  cr_assert_eq (a->len, b->len, "%s: %u appendix rows, expected %u", what, a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const InvoiceDestination *x = a->pdata[i], *y = b->pdata[i];
      cr_assert_eq (g_strcmp0 (x->destination, y->destination), 0, "%s: row %u destination", what, i);
      cr_assert_eq (g_strcmp0 (x->group, y->group), 0, "%s: row %u group", what, i);
      cr_assert_eq (x->calls, y->calls, "%s: row %u calls", what, i);
      cr_assert_eq (x->billable_seconds, y->billable_seconds, "%s: row %u billable", what, i);
      cr_assert_eq (x->amount, y->amount, "%s: row %u amount", what, i);
    }
}

/* Row function: column 0 appended to the GPtrArray LIST. */
static gboolean
add_text (StoreStmt *st, gpointer list, GError **error)
{
  g_ptr_array_add (list, g_strdup (store_column_text (st, 0)));
  return TRUE;
}

/* invoice_compute_period over SCOPE gives, account after account in byte
 * order, exactly what invoice_compute and invoice_destinations give. */
static guint
expect_batch_matches_single (const InvoiceScope *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) invoices = g_ptr_array_new_with_free_func ((GDestroyNotify) invoice_free);
  g_autoptr(GPtrArray) destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  Collected c = { invoices, destinations };
  g_autoptr(StoreStmt) st = prepare ("SELECT account FROM accounts WHERE (?1 IS NULL OR operator = ?1)"
                                        " AND (?2 IS NULL OR account = ?2) ORDER BY account");
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_free);
  guint next = 0;

  cr_assert (invoice_compute_period (db, scope, collect, &c, &error), "%s",
             error ? error->message : "");
  cr_assert (store_bind (st, &error, STORE_TEXT (scope->operator_slug), STORE_TEXT (scope->account))
             && store_each_row (st, add_text, accounts, "accounts", &error));
  for (guint i = 0; i < accounts->len; i++)
    {
      const char *account = accounts->pdata[i];
      if (scope->skip && g_hash_table_contains (scope->skip, account))
        continue;
      g_autoptr(Invoice) single = invoice_compute (db, account, scope->period, &error);
      cr_assert_null (error, "%s", error ? error->message : "");
      if (!single)
        continue;
      cr_assert_lt (next, invoices->len, "%s %s: missing from the batch", account, scope->period);
      expect_same_invoice (invoices->pdata[next], single);
      g_autoptr(GPtrArray) appendix = invoice_destinations (db, account, scope->period, &error);
      cr_assert_not_null (appendix, "%s", error ? error->message : "");
      expect_same_destinations (destinations->pdata[next], appendix, account);
      next++;
    }
  cr_assert_eq (next, invoices->len, "%s: the batch has %u invoices, expected %u", scope->period,
                invoices->len, next);
  return next;
}

Test (invoice, one_pass_over_the_period_matches_each_account_alone)
{
  static const struct { const char *currency; guint minor; } currencies[] = {
    { "EUR", 2 }, { "JPY", 0 }, { "BHD", 3 },
  };
  static const char *const periods[] = { "2026-11", "2026-10", "2028-02", "2027-02", "2026-12" };
  g_autoptr(GError) error = NULL;

  add_account ("northwind", "EUR", "other", 0, 0, 0, 0);
  for (guint32 seed = 1; seed <= 60; seed++)
    run_model (seed, currencies[seed % G_N_ELEMENTS (currencies)].currency,
               currencies[seed % G_N_ELEMENTS (currencies)].minor,
               periods[(seed / 5) % G_N_ELEMENTS (periods)]);
  /* destinations and groups to sort and fold, NULL and "" among them */
  cr_assert (store_exec (db, "UPDATE ratings SET destination = CASE call_id % 5 WHEN 0 THEN NULL"
                             " WHEN 1 THEN 'Bexley' WHEN 2 THEN 'Acton' WHEN 3 THEN '' ELSE 'x' END;"
                             " UPDATE ratings SET grp = NULL WHERE call_id % 13 = 0;"
                             " UPDATE ratings SET grp = '' WHERE call_id % 17 = 0;"
                             /* a period of two calls, the first and the last: sparse */
                             " UPDATE ratings SET period = '2025-01', status = 'rated', late = 0"
                             " WHERE call_id IN ((SELECT min (call_id) FROM ratings),"
                             " (SELECT max (call_id) FROM ratings));", &error),
             "%s", error ? error->message : "");
  /* every period with calls (dense and sparse in call order), and one
   * without (recurring lines only) */
  g_autoptr(StoreStmt) st = prepare ("SELECT DISTINCT period FROM ratings UNION SELECT '2031-05'");
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  cr_assert (store_each_row (st, add_text, list, "periods", &error));
  guint total = 0;
  for (guint i = 0; i < list->len; i++)
    {
      InvoiceScope all = { list->pdata[i], NULL, NULL, NULL };
      total += expect_batch_matches_single (&all);
    }
  cr_assert_gt (total, 60);

  /* an operator, one account, accounts left out */
  g_autoptr(GHashTable) skip = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (skip, g_strdup ("acct-3"));
  g_hash_table_add (skip, g_strdup ("acct-6"));
  InvoiceScope op = { "2026-11", "op-BHD", NULL, NULL }, one = { "2026-10", NULL, "acct-7", NULL };
  InvoiceScope skipped = { "2026-11", "op-BHD", NULL, skip };
  expect_batch_matches_single (&op);
  expect_batch_matches_single (&one);
  expect_batch_matches_single (&skipped);
}

Test (invoice, one_pass_reports_the_first_account_that_cannot_be_billed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) invoices = g_ptr_array_new_with_free_func ((GDestroyNotify) invoice_free);
  g_autoptr(GPtrArray) destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  Collected c = { invoices, destinations };
  InvoiceScope scope = { "2026-11", NULL, NULL, NULL };

  add_contoso ();
  add_account ("mystery", "XXX", "m", 0, 0, 0, 0);
  add_number ("441632960001", "contoso", "user", "2026-11-03", NULL);
  cr_assert_not (invoice_compute_period (db, &scope, collect, &c, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (strstr (error->message, "account 'm': ") && strstr (error->message, "unknown currency 'XXX'"),
             "%s", error->message);
  cr_assert_eq (invoices->len, 1);    /* contoso, before m in byte order */
  g_clear_error (&error);
  scope.period = "2026-13";
  cr_assert_not (invoice_compute_period (db, &scope, collect, &c, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
}

Test (invoice, drafts_of_a_period_without_calls_or_numbers_are_none)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (dir, "drafts", NULL);
  g_autofree char *csv = g_build_filename (out, "invoice-lines-2031-05-draft.csv", NULL);
  g_autofree char *text = NULL;
  guint n = 7, issued = 7;

  add_contoso ();
  add_number ("441632960001", "contoso", "user", "2026-11-01", "2026-12-01");
  add_rated ("contoso", "2026-11", "out", "INTL", 60, 0, 1000000);
  cr_assert (invoiceout_write_drafts (db, "2031-05", NULL, NULL, out,
                                      INVOICEOUT_JSON | INVOICEOUT_CSV | INVOICEOUT_PDF, 0, &n,
                                      &issued, &error), "%s", error ? error->message : "");
  cr_assert_eq (n, 0);
  cr_assert_eq (issued, 0);
  cr_assert (g_file_get_contents (csv, &text, NULL, NULL));
  cr_assert_eq (strchr (text, '\n') - text + 1, (long) strlen (text), "only the header: %s", text);
  g_autofree char *json = g_build_filename (out, "contoso-2031-05.json", NULL);
  cr_assert_not (g_file_test (json, G_FILE_TEST_EXISTS));
}

/* Amounts past int64 (stored by a catalog or a rating from before the
 * import limits) fail the invoice with an error: never a wrapped amount,
 * and never an abort in the rounding of a line or the tax. */
static void
expect_overflow (const char *account, const char *period)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) invoices = g_ptr_array_new_with_free_func ((GDestroyNotify) invoice_free);
  g_autoptr(GPtrArray) destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  Collected c = { invoices, destinations };
  InvoiceScope scope = { period, NULL, account, NULL };
  InvoiceScope scan = { period, NULL, NULL, NULL };
  g_autoptr(Invoice) invoice = invoice_compute (db, account, period, &error);

  cr_assert_null (invoice, "%s %s: an invoice of %" G_GINT64_FORMAT, account, period,
                  invoice ? invoice->total : 0);
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "overflow"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (invoice_compute_period (db, &scope, collect, &c, &error));
  cr_assert (strstr (error->message, "overflow"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (invoice_compute_period (db, &scan, collect, &c, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA), "%s", error->message);
  cr_assert (strstr (error->message, "overflow"), "%s", error->message);
  cr_assert_eq (invoices->len, 0);
}

Test (invoice, amounts_past_int64_are_an_error_never_wrapped)
{
  add_contoso ();
  /* one charge whose rounding to cents passes int64 */
  add_rated ("contoso", "2026-11", "out", "INTL", 60, 0, G_MAXINT64 - 1);
  expect_overflow ("contoso", "2026-11");
  /* two charges whose sum passes int64 */
  add_rated ("contoso", "2026-12", "out", "INTL", 60, 0, G_MAXINT64 / 2 + 10000);
  add_rated ("contoso", "2026-12", "out", "INTL", 60, 0, G_MAXINT64 / 2 + 10000);
  expect_overflow ("contoso", "2026-12");
  /* a monthly fee whose rounding passes int64 */
  add_account ("northwind", "EUR", "feeder", 0, G_MAXINT64 - 1, 0, 0);
  add_number ("441632960009", "feeder", "user", "2026-10-01", NULL);
  expect_overflow ("feeder", "2026-11");
  /* a tax whose amount passes int64 (a tax rate of 10^9 %) */
  add_account ("northwind", "EUR", "taxed", MICRO (1000000000), 0, 0, 0);
  add_rated ("taxed", "2027-01", "out", "INTL", 60, 0, MICRO (1000000000));
  expect_overflow ("taxed", "2027-01");
}

/* Parties and terms (billing.md §11) {{{1 */

Test (invoice, no_finance_rows_no_parties)
{
  add_contoso ();
  add_number ("441632960002", "contoso", "user", "2026-11-01", NULL);
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_null (invoice->parties, "an account without finance columns has no parties");
  expect_totals (invoice, MICRO (10), MICRO (2), MICRO (12));
}

Test (invoice, parties_from_the_finance_rows_with_the_default_terms)
{
  g_autoptr(GError) error = NULL;

  add_contoso ();
  add_number ("441632960002", "contoso", "user", "2026-11-01", NULL);
  cr_assert (store_exec (db, "INSERT INTO operator_finance (operator, vat_id) VALUES"
                             " ('northwind', 'DE123456789');"
                             "INSERT INTO account_finance VALUES ('contoso', NULL, 'London',"
                             " 'GB1', 0, 'none')", &error), "%s", error ? error->message : "");
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert_not_null (invoice->parties);
  cr_assert_str_eq (invoice->parties->seller_legal_name, "northwind", "the operator's name");
  cr_assert_str_eq (invoice->parties->seller_vat_id, "DE123456789");
  cr_assert_str_eq (invoice->parties->buyer_legal_name, "contoso", "the account's name");
  cr_assert_str_eq (invoice->parties->buyer_address, "London");
  cr_assert_null (invoice->parties->iban);
  cr_assert_eq (invoice->parties->terms_days, 30);
  cr_assert_not (invoice->parties->reverse_charge);
  expect_totals (invoice, MICRO (10), MICRO (2), MICRO (12));
}

Test (invoice, reverse_charge_is_taxed_zero)
{
  g_autoptr(GError) error = NULL;

  add_contoso ();
  add_number ("441632960002", "contoso", "user", "2026-11-01", NULL);
  add_rated ("contoso", "2026-11", "out", "INTL", 60, 0, 1234567);
  cr_assert (store_exec (db, "INSERT INTO account_finance VALUES ('contoso', 'Contoso Ltd',"
                             " NULL, 'IE6388047V', 1, 'none')", &error),
             "%s", error ? error->message : "");
  g_autoptr(Invoice) invoice = compute ("contoso", "2026-11");

  cr_assert (invoice->parties->reverse_charge);
  cr_assert_eq (invoice->tax_rate, 0);
  expect_totals (invoice, 11230000, 0, 11230000);
}

Test (invoice, due_date_is_the_issue_date_plus_the_terms)
{
  static const struct { const char *issued; gint64 days; const char *due; } cases[] = {
    { "2026-12-02", 14, "2026-12-16" },
    { "2026-12-02", 30, "2027-01-01" },
    { "2028-02-15", 14, "2028-02-29" },
    { "2027-02-15", 14, "2027-03-01" },
    { "2026-12-31", 0, "2026-12-31" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InvoiceParties) p = invoice_parties_new ();
      p->terms_days = cases[i].days;
      cr_assert (invoice_parties_set_due (p, cases[i].issued));
      cr_assert_str_eq (p->due_on, cases[i].due, "%s + %" G_GINT64_FORMAT, cases[i].issued,
                        cases[i].days);
      cr_assert_str_eq (p->issued_on, cases[i].issued);
      g_autoptr(InvoiceParties) copy = invoice_parties_copy (p);
      cr_assert_str_eq (copy->due_on, cases[i].due);
    }
  g_autoptr(InvoiceParties) p = invoice_parties_new ();
  cr_assert_not (invoice_parties_set_due (p, "2026-13-01"));
  cr_assert_null (p->due_on);
}

/* Itemised calls (billing.md §11) {{{1 */

Test (invoice, itemised_calls_are_the_charged_calls_it_bills)
{
  g_autoptr(GError) error = NULL;

  add_contoso ();
  add_rated ("contoso", "2026-11", "out", "INTL", 60, 0, 150000);
  add_rated ("contoso", "2026-11", "in", "TOLLFREE", 60, 0, 50000);
  add_rated ("contoso", "2026-11", "out", "MOBILE", 60, 60, 0);           /* free: left out */
  add_rated ("contoso", "2026-12", "out", "INTL", 60, 0, 70000);          /* another period */
  RatingRow late = { "contoso", "2026-10", "out", "INTL", "rated", 30, 0, 90000, 1 };
  add_rating (&late);                                                      /* late, unbilled */
  g_autoptr(GPtrArray) draft = invoice_calls (db, "contoso", "2026-11", NULL, "Europe/London",
                                              &error);
  cr_assert_not_null (draft, "%s", error ? error->message : "");
  cr_assert_eq (draft->len, 3, "two of November and the late one, not the free one");
  const InvoiceCall *out = draft->pdata[0], *in = draft->pdata[1];
  cr_assert_str_eq (out->number, "442079460000", "out: the callee");
  cr_assert_str_eq (in->number, "441632960001", "in: the caller");
  cr_assert_eq (out->charge, 150000);
  /* 1970-01-01T00:00Z was 01:00 in London (British Standard Time all year) */
  cr_assert_eq (out->local_start, 3600);
  /* issued: the late call counts only when this invoice billed it */
  cr_assert (store_exec (db, "UPDATE ratings SET invoice = 'INV-1' WHERE late = 1", &error));
  g_autoptr(GPtrArray) other = invoice_calls (db, "contoso", "2026-11", "INV-2", "UTC", &error);
  g_autoptr(GPtrArray) own = invoice_calls (db, "contoso", "2026-11", "INV-1", "UTC", &error);
  cr_assert_eq (other->len, 2);
  cr_assert_eq (own->len, 3);
  cr_assert_eq (((InvoiceCall *) own->pdata[0])->local_start, 0, "UTC");
  cr_assert_null (invoice_calls (db, "contoso", "2026-11", NULL, "Mars/Olympus", &error));
}
