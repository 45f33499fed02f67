/* test-issue.c — unit tests of issue.c (billing.md §7, §8): gap-free
 * numbering in account byte order per (operator, period), closing the period
 * of every account, issuing again as a no-op with byte-identical documents,
 * accounts added between two issues, late calls billed exactly once, frozen
 * documents, calendar-day proration in DST months and local month
 * boundaries, invoices that do not follow later catalog changes, and
 * all-or-nothing on an error.
 *
 * Each test writes its own small catalog (catalog_import of a scratch
 * directory) and ingests calls in the rater CSV format, then rates, so the
 * figures come from the real pipeline.  Every amount is checked by hand in
 * the comments.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "base/decimal.h"
#include "ingest/ingest.h"
#include "bill/invoice.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "rate/rate.h"
#include "base/digest.h"
#include "base/rater-error.h"
#include "test-helpers.h"
#include "base/timeparse.h"

#define MICRO(units) ((gint64) (units) * DECIMAL_MICRO)
#define ALL_FORMATS (INVOICEOUT_JSON | INVOICEOUT_CSV | INVOICEOUT_HTML | INVOICEOUT_PDF)

static char *dir;
static StoreDb *db;
static guint n_files;

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
  n_files = 0;
}

static void
teardown (void)
{
  store_close (db);
  test_scratch_free (dir);
}

TestSuite (issue, .init = setup, .fini = teardown, .timeout = 120);

/* Fixtures {{{1 */

static const char operators_csv[] =
  "operator,name,currency,invoice_prefix\n"
  "northwind,Northwind Telecom,EUR,NWT\n"
  "tailspin,Tailspin Communications,USD,TSC\n";

static const char plans_csv[] =
  "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals\n"
  "nw,northwind,spec,10.00,5.00,2.50,0,,6\n"
  "ts,tailspin,spec,8.00,4.00,1.00,0,,6\n";

/* The spec deck (billing.md §9). */
static const char deck_csv[] =
  "prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,effective_to\n"
  "44,United Kingdom,INTL,out,all,0.100000,0,1/1,2026-01-01,\n"
  "447,United Kingdom mobile,MOBILE,out,all,0.250000,0.050000,60/60,2026-01-01,\n"
  "4420,London,DOMESTIC,out,peak,0.020000,0,60/1,2026-01-01,\n"
  "4420,London,DOMESTIC,out,offpeak,0.010000,0,60/1,2026-01-01,\n"
  "4480,UK freephone,TOLLFREE,in,all,0.030000,0,1/1,2026-01-01,\n";

/* Accounts of the numbering tests: byte order is Zeta < alpha < beta <
 * delta ('Z' 0x5a < 'a' 0x61); beta has no number and no call. */
static const char accounts_csv[] =
  "account,operator,tenant_id,name,plan,country,timezone,tax_rate\n"
  "alpha,northwind,,Alpha Ltd,nw,GB,Europe/London,10\n"
  "beta,northwind,,Beta Ltd,nw,GB,Europe/London,20\n"
  "delta,northwind,,Delta Ltd,nw,GB,Europe/London,20\n"
  "Zeta,northwind,,Zeta GmbH,nw,GB,Europe/London,20\n"
  "gamma,tailspin,,Gamma Inc,ts,US,America/New_York,8.875\n";

static const char numbers_csv[] =
  "number,account,type,user,from,to\n"
  "+441632960001,Zeta,user,z@zeta.example,2026-10-01,\n"
  "+441632960002,alpha,user,a@alpha.example,2026-11-16,\n"
  "+441632960003,delta,service,,2026-10-01,\n"
  "+12125550100,gamma,user,g@gamma.example,2026-10-01,\n"
  "+12125550101,gamma,tollfree,,2026-11-11,\n";

/* A catalog directory NAME under the scratch dir with these files. */
static char *
write_catalog (const char *name, const char *operators, const char *plans, const char *deck,
               const char *accounts, const char *numbers)
{
  g_autofree char *cat = g_build_filename (dir, name, NULL);
  g_autofree char *decks = g_build_filename (cat, "decks", NULL);
  cr_assert_eq (g_mkdir_with_parents (decks, 0755), 0);
  g_free (test_write (cat, "operators.csv", operators));
  g_free (test_write (cat, "plans.csv", plans));
  g_free (test_write (decks, "spec.csv", deck));
  g_free (test_write (cat, "accounts.csv", accounts));
  g_free (test_write (cat, "numbers.csv", numbers));
  return g_steal_pointer (&cat);
}

static void
import (const char *catalog_dir)
{
  CatalogImportStats stats;
  g_autoptr(GError) error = NULL;

  cr_assert (catalog_import (db, catalog_dir, &stats, &error), "%s",
             error ? error->message : "");
}

static void
import_catalog (const char *name, const char *accounts, const char *numbers)
{
  g_autofree char *cat = write_catalog (name, operators_csv, plans_csv, deck_csv, accounts,
                                        numbers);
  import (cat);
}

/* Ingest rater-format ROWS (after the header) for OPERATOR in COUNTRY. */
static void
ingest_rows (const char *op, const char *country, const char *rows)
{
  IngestOptions opts = { op, NULL, country, NULL, CDR_DIRECTION_BY_CONTEXT, 0, NULL, NULL };
  g_autofree char *name = g_strdup_printf ("calls-%u.csv", ++n_files);
  g_autofree char *text = g_strconcat ("call_id,start,duration,caller,callee,direction\n", rows,
                                       NULL);
  g_autofree char *path = test_write (dir, name, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(Ingest) ing = ingest_new (db, &error);
  IngestStats s = { 0 };

  cr_assert_not_null (ing, "%s", error ? error->message : "");
  cr_assert (ingest_file (ing, path, &opts, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.rejects, 0, "%s: %" G_GUINT64_FORMAT " rejects", name, s.rejects);
}

static RateStats
rate_all (void)
{
  RateOptions opts = { NULL, 1, 0 };
  RateStats s;
  g_autoptr(GError) error = NULL;

  cr_assert (rate_run (db, &opts, &s, &error), "%s", error ? error->message : "");
  return s;
}

static IssueStats
issue (const char *op, const char *period, const char *issued_on)
{
  IssueStats s;
  g_autoptr(GError) error = NULL;

  cr_assert (issue_period (db, op, period, issued_on, &s, &error), "issue %s %s: %s", op,
             period, error ? error->message : "");
  return s;
}

static GPtrArray *
load (const char *op, const char *period)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = issue_load (db, op, period, &error);

  cr_assert_not_null (records, "%s", error ? error->message : "");
  return records;
}

static const InvoiceRecord *
record_at (const GPtrArray *records, guint i)
{
  cr_assert_lt (i, records->len, "no invoice %u", i);
  return records->pdata[i];
}

static void
expect_record (const GPtrArray *records, guint i, const char *number, const char *account,
               gint64 subtotal, gint64 tax, gint64 total)
{
  const InvoiceRecord *rec = record_at (records, i);
  const Invoice *inv = rec->invoice;

  cr_assert_str_eq (rec->number, number, "invoice %u", i);
  cr_assert_str_eq (inv->account, account, "invoice %u (%s)", i, number);
  cr_assert_eq (inv->subtotal, subtotal, "%s subtotal %" G_GINT64_FORMAT, number, inv->subtotal);
  cr_assert_eq (inv->tax, tax, "%s tax %" G_GINT64_FORMAT, number, inv->tax);
  cr_assert_eq (inv->total, total, "%s total %" G_GINT64_FORMAT, number, inv->total);
}

static const InvoiceLine *
line_at (const Invoice *inv, guint i)
{
  cr_assert_lt (i, inv->lines->len, "no line %u", i);
  return inv->lines->pdata[i];
}

static void
expect_recurring (const Invoice *inv, guint i, const char *type, guint64 quantity, gint64 amount)
{
  const InvoiceLine *l = line_at (inv, i);

  cr_assert_eq (l->kind, INVOICE_LINE_RECURRING, "line %u kind", i);
  cr_assert_str_eq (l->number_type, type, "line %u", i);
  cr_assert_eq (l->quantity, quantity, "line %u quantity %" G_GUINT64_FORMAT, i, l->quantity);
  cr_assert_eq (l->amount, amount, "line %u amount %" G_GINT64_FORMAT, i, l->amount);
}

static void
expect_usage (const Invoice *inv, guint i, InvoiceLineKind kind, const char *direction,
              const char *group, guint64 calls, guint64 billable, gint64 amount)
{
  const InvoiceLine *l = line_at (inv, i);

  cr_assert_eq (l->kind, kind, "line %u kind %d", i, l->kind);
  cr_assert_str_eq (l->direction, direction, "line %u", i);
  cr_assert_str_eq (l->group, group, "line %u", i);
  cr_assert_eq (l->calls, calls, "line %u calls %" G_GUINT64_FORMAT, i, l->calls);
  cr_assert_eq (l->billable_seconds, billable, "line %u billable %" G_GUINT64_FORMAT, i,
                l->billable_seconds);
  cr_assert_eq (l->amount, amount, "line %u amount %" G_GINT64_FORMAT, i, l->amount);
}

static gint64
count_sql (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static gint64
count_sql (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *sql = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return test_count (db, sql);
}

/* The text of the single-value result of SQL (NULL for SQL NULL). */
static char *
text_sql (const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) st = store_prepare (db, sql, &error);

  cr_assert_not_null (st, "%s", error ? error->message : "");
  cr_assert_eq (store_next (st), STORE_ROW, "%s", sql);
  return g_strdup (store_column_text_or_null (st, 0));
}

static char *
subdir (const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
write_docs (const char *op, const char *period, const char *out, unsigned formats,
            guint expect_n)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  cr_assert (issue_write_documents (db, op, period, out, formats, 0, &n, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (n, expect_n, "%u invoices written", n);
}

static char *
slurp (const char *d, const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (d, name, NULL);
  char *text = NULL;
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_get_contents (path, &text, len, &error), "%s", error ? error->message : "");
  return text;
}

/* Every file of directory A exists in B with the same bytes, and B has as many. */
static void
expect_same_files (const char *a, const char *b)
{
  g_autoptr(GDir) da = g_dir_open (a, 0, NULL);
  g_autoptr(GDir) db_ = g_dir_open (b, 0, NULL);
  const char *name;
  guint na = 0, nb = 0;

  cr_assert_not_null (da);
  cr_assert_not_null (db_);
  while ((name = g_dir_read_name (da)))
    {
      gsize la, lb;
      g_autofree char *x = slurp (a, name, &la);
      g_autofree char *y = slurp (b, name, &lb);
      cr_assert (la == lb && memcmp (x, y, la) == 0, "%s differs between %s and %s", name, a, b);
      na++;
    }
  while (g_dir_read_name (db_))
    nb++;
  cr_assert_eq (na, nb, "%u files in %s, %u in %s", na, a, nb, b);
}

/* The numbering catalog with a few calls, rated. */
static void
numbering_fixture (void)
{
  import_catalog ("cat", accounts_csv, numbers_csv);
  /* Zeta: §9 example 1, DOMESTIC peak, 0.020334.
   * alpha: §9 example 4, MOBILE, 0.550000. */
  ingest_rows ("northwind", "GB",
               "z1,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
               "a1,2026-11-17T11:00:00Z,61,+441632960002,+447700900123,out\n");
  /* gamma: 60 s to the UK, 44 INTL 1/1 at 0.10/min = 0.100000 */
  ingest_rows ("tailspin", "US", "g1,2026-11-12T15:00:00Z,60,+12125550100,+441312345678,out\n");
  RateStats rs = rate_all ();
  cr_assert_eq (rs.rated, 3);
  cr_assert_eq (rs.unrated, 0);
}

/* Numbering {{{1 */

Test (issue, numbering_byte_order_gap_free_per_operator)
{
  numbering_fixture ();
  IssueStats s = issue ("northwind", "2026-11", "2026-12-02");
  cr_assert_eq (s.issued, 3);
  cr_assert_eq (s.already, 0);
  cr_assert_eq (s.closed, 4);   /* beta too, though it has no invoice */

  g_autoptr(GPtrArray) nw = load ("northwind", "2026-11");
  cr_assert_eq (nw->len, 3);
  /* Zeta: user 10.00 + DOMESTIC 0.020334 → 0.02: 10.02; 20 % = 2.004 → 2.00 */
  expect_record (nw, 0, "NWT-202611-0001", "Zeta", 10020000, 2000000, 12020000);
  expect_recurring (record_at (nw, 0)->invoice, 0, "user", 1, MICRO (10));
  expect_usage (record_at (nw, 0)->invoice, 1, INVOICE_LINE_USAGE, "out", "DOMESTIC", 1, 61, 20000);
  /* alpha: user from the 16th: 10.00 × 15/30 = 5.00; MOBILE 0.55; 5.55 at
   * 10 % = 0.555 → 0.56 (half up); total 6.11 */
  expect_record (nw, 1, "NWT-202611-0002", "alpha", 5550000, 560000, 6110000);
  expect_recurring (record_at (nw, 1)->invoice, 0, "user", 1, MICRO (5));
  expect_usage (record_at (nw, 1)->invoice, 1, INVOICE_LINE_USAGE, "out", "MOBILE", 1, 120, 550000);
  /* delta: service 5.00, 20 % = 1.00 */
  expect_record (nw, 2, "NWT-202611-0003", "delta", MICRO (5), MICRO (1), MICRO (6));
  expect_recurring (record_at (nw, 2)->invoice, 0, "service", 1, MICRO (5));
  cr_assert_str_eq (record_at (nw, 0)->issued_on, "2026-12-02");
  cr_assert_str_eq (record_at (nw, 0)->customer_name, "Zeta GmbH");
  cr_assert_str_eq (record_at (nw, 0)->operator_name, "Northwind Telecom");

  /* beta: no number, closed */
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices WHERE account = 'beta'"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM closed_periods WHERE period = '2026-11'"
                           " AND account IN ('Zeta', 'alpha', 'beta', 'delta')"), 4);
  /* tailspin is untouched by northwind's issue */
  cr_assert_eq (count_sql ("SELECT count (*) FROM closed_periods WHERE account = 'gamma'"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices WHERE operator = 'tailspin'"), 0);

  /* tailspin has its own sequence from 1 */
  s = issue ("tailspin", "2026-11", "2026-12-02");
  cr_assert_eq (s.issued, 1);
  g_autoptr(GPtrArray) ts = load ("tailspin", "2026-11");
  cr_assert_eq (ts->len, 1);
  /* gamma: user 8.00; tollfree from the 11th: 1.00 × 20/30 = 0.666667 → 0.67;
   * INTL 0.10; 8.77 at 8.875 % = 0.7783375 → 0.78; total 9.55 */
  expect_record (ts, 0, "TSC-202611-0001", "gamma", 8770000, 780000, 9550000);
  expect_recurring (record_at (ts, 0)->invoice, 0, "user", 1, MICRO (8));
  expect_recurring (record_at (ts, 0)->invoice, 1, "tollfree", 1, 670000);
  expect_usage (record_at (ts, 0)->invoice, 2, INVOICE_LINE_USAGE, "out", "INTL", 1, 60, 100000);
  cr_assert_str_eq (record_at (ts, 0)->invoice->currency, "USD");

  /* another period starts again at 0001 */
  s = issue ("northwind", "2026-12", "2027-01-02");
  cr_assert_eq (s.issued, 3);   /* Zeta, alpha (user), delta; beta still nothing */
  g_autoptr(GPtrArray) dec = load ("northwind", "2026-12");
  expect_record (dec, 0, "NWT-202612-0001", "Zeta", MICRO (10), MICRO (2), MICRO (12));
  expect_record (dec, 1, "NWT-202612-0002", "alpha", MICRO (10), MICRO (1), MICRO (11));
  expect_record (dec, 2, "NWT-202612-0003", "delta", MICRO (5), MICRO (1), MICRO (6));
}

Test (issue, numbering_seq_keeps_four_digits_minimum)
{
  /* 10 accounts a00..a09 with one user number each: numbers 0001..0010 */
  g_autoptr(GString) accounts = g_string_new ("account,operator,tenant_id,name,plan,country,"
                                              "timezone,tax_rate\n");
  g_autoptr(GString) numbers = g_string_new ("number,account,type,user,from,to\n");
  for (int i = 9; i >= 0; i--)
    {
      g_string_append_printf (accounts, "a%02d,northwind,,A %d,nw,GB,Europe/London,0\n", i, i);
      g_string_append_printf (numbers, "+4416329600%02d,a%02d,user,,2026-10-01,\n", i, i);
    }
  import_catalog ("cat", accounts->str, numbers->str);
  IssueStats s = issue ("northwind", "2026-11", "2026-12-02");
  cr_assert_eq (s.issued, 10);
  g_autoptr(GPtrArray) nw = load ("northwind", "2026-11");
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *number = g_strdup_printf ("NWT-202611-%04u", i + 1);
      g_autofree char *account = g_strdup_printf ("a%02u", i);
      expect_record (nw, i, number, account, MICRO (10), 0, MICRO (10));
    }
  cr_assert_eq (count_sql ("SELECT max (seq) FROM invoices"), 10);
}

Test (issue, bad_operator_or_period_is_usage_error)
{
  numbering_fixture ();
  IssueStats s;
  g_autoptr(GError) error = NULL;

  cr_assert_not (issue_period (db, "nobody", "2026-11", "2026-12-02", &s, &error));
  cr_assert_eq (error->code, RATER_ERROR_USAGE);
  g_clear_error (&error);
  cr_assert_not (issue_period (db, "northwind", "2026-13", "2026-12-02", &s, &error));
  cr_assert_eq (error->code, RATER_ERROR_USAGE);
  cr_assert_eq (count_sql ("SELECT count (*) FROM closed_periods"), 0);
}

/* Issuing again {{{1 */

static void
expect_same_records (const GPtrArray *a, const GPtrArray *b)
{
  cr_assert_eq (a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const InvoiceRecord *x = a->pdata[i], *y = b->pdata[i];
      g_autofree char *jx = invoiceout_json (x->invoice, x->number, "issued");
      g_autofree char *jy = invoiceout_json (y->invoice, y->number, "issued");
      cr_assert_str_eq (jx, jy);
      cr_assert_str_eq (x->issued_on, y->issued_on);
      cr_assert_str_eq (x->customer_name, y->customer_name);
      cr_assert_str_eq (x->operator_name, y->operator_name);
      cr_assert_eq (x->destinations->len, y->destinations->len);
      for (guint d = 0; d < x->destinations->len; d++)
        {
          const InvoiceDestination *p = x->destinations->pdata[d], *q = y->destinations->pdata[d];
          cr_assert_str_eq (p->destination, q->destination);
          cr_assert_eq (p->amount, q->amount);
          cr_assert_eq (p->calls, q->calls);
        }
    }
}

Test (issue, issue_twice_is_a_noop_with_identical_documents)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");
  g_autoptr(GPtrArray) first = load ("northwind", "2026-11");
  g_autofree char *out1 = subdir ("out1");
  g_autofree char *out2 = subdir ("out2");
  write_docs ("northwind", "2026-11", out1, ALL_FORMATS, 3);

  /* a different date: nothing is re-dated */
  IssueStats s = issue ("northwind", "2026-11", "2027-03-04");
  cr_assert_eq (s.issued, 0);
  cr_assert_eq (s.already, 3);
  cr_assert_eq (s.closed, 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices"), 3);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoice_lines"), 5);
  g_autoptr(GPtrArray) second = load ("northwind", "2026-11");
  expect_same_records (first, second);
  cr_assert_str_eq (record_at (second, 0)->issued_on, "2026-12-02");

  write_docs ("northwind", "2026-11", out2, ALL_FORMATS, 3);
  expect_same_files (out1, out2);
  /* writing again into the same directory is fine: identical bytes */
  write_docs ("northwind", "2026-11", out1, ALL_FORMATS, 3);
  expect_same_files (out1, out2);

  gsize len;
  g_autofree char *pdf = slurp (out1, "NWT-202611-0002-2026-11.pdf", &len);
  cr_assert_gt (len, 5);
  cr_assert_eq (memcmp (pdf, "%PDF-", 5), 0);
  g_autofree char *json = slurp (out1, "NWT-202611-0001-2026-11.json", &len);
  cr_assert_not_null (strstr (json, "\"invoice\" : \"NWT-202611-0001\",\n  \"status\" : \"issued\""));
  cr_assert_not_null (strstr (json, "\"subtotal\" : \"10.02\",\n  \"tax_rate\" : \"20\",\n"
                                    "  \"tax\" : \"2.00\",\n  \"total\" : \"12.02\"\n}\n"), "%s", json);
  g_autofree char *csv = slurp (out1, "invoice-lines-2026-11-northwind.csv", &len);
  g_auto(GStrv) rows = g_strsplit (csv, "\n", -1);
  cr_assert_eq (g_strv_length (rows), 7);       /* header, 5 lines, "" after the last LF */
  cr_assert (g_str_has_prefix (rows[1], "NWT-202611-0001,issued,northwind,Zeta,2026-11,EUR,1,"
                                        "recurring"), "%s", rows[1]);
  cr_assert (g_str_has_prefix (rows[5], "NWT-202611-0003,"), "%s", rows[5]);
}

/* Accounts added between two issues {{{1 */

Test (issue, account_added_after_issue_gets_the_next_number)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");
  g_autoptr(GPtrArray) before = load ("northwind", "2026-11");

  /* "Aardvark" sorts before every other account, yet comes after them */
  g_autofree char *accounts = g_strconcat (accounts_csv,
                                           "Aardvark,northwind,,Aardvark Ltd,nw,GB,Europe/London,20\n",
                                           NULL);
  g_autofree char *numbers = g_strconcat (numbers_csv,
                                          "+441632960009,Aardvark,user,,2026-11-01,\n", NULL);
  import_catalog ("cat2", accounts, numbers);
  /* 70 s to 4413: 44 INTL 1/1 0.10/min = ceil (70 × 100000 / 60) = 116667 */
  ingest_rows ("northwind", "GB", "aa1,2026-11-20T10:00:00Z,70,+441632960009,+441312345678,out\n");
  RateStats rs = rate_all ();
  cr_assert_eq (rs.late, 0, "Aardvark's P was never closed: not late");

  IssueStats s = issue ("northwind", "2026-11", "2026-12-05");
  cr_assert_eq (s.issued, 1);
  cr_assert_eq (s.already, 3);
  cr_assert_eq (s.closed, 1);   /* Aardvark */
  g_autoptr(GPtrArray) after = load ("northwind", "2026-11");
  cr_assert_eq (after->len, 4);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_autoptr(GPtrArray) two = g_ptr_array_new ();
      g_ptr_array_add (one, before->pdata[i]);
      g_ptr_array_add (two, after->pdata[i]);
      expect_same_records (one, two);
    }
  /* Aardvark: user 10.00 + INTL 0.116667 → 0.12 = 10.12; 20 % = 2.024 → 2.02 */
  expect_record (after, 3, "NWT-202611-0004", "Aardvark", 10120000, 2020000, 12140000);
  cr_assert_str_eq (record_at (after, 3)->issued_on, "2026-12-05");
  expect_usage (record_at (after, 3)->invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 1, 70, 120000);

  /* and again: nothing new */
  s = issue ("northwind", "2026-11", "2026-12-06");
  cr_assert_eq (s.issued, 0);
  cr_assert_eq (s.already, 4);
}

/* beta was closed for November with no invoice (no number, no call).  A
 * catalog re-import that gives it a number active all November must not
 * make a second issue bill it: its closed period never changes. */
Test (issue, closed_account_without_invoice_stays_unbilled_after_a_new_number)
{
  numbering_fixture ();
  IssueStats s = issue ("northwind", "2026-11", "2026-12-02");
  cr_assert_eq (s.issued, 3);
  cr_assert_eq (count_sql ("SELECT count (*) FROM closed_periods WHERE account = 'beta'"
                           " AND period = '2026-11'"), 1);

  g_autofree char *numbers = g_strconcat (numbers_csv,
                                          "+441632960008,beta,user,,2026-10-01,\n", NULL);
  import_catalog ("cat2", accounts_csv, numbers);
  /* a draft shows what beta would owe: the number's fee for the month */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Invoice) draft = invoice_compute (db, "beta", "2026-11", &error);
    cr_assert_not_null (draft, "%s", error ? error->message : "");
    expect_recurring (draft, 0, "user", 1, MICRO (10));
  }
  s = issue ("northwind", "2026-11", "2026-12-05");
  cr_assert_eq (s.issued, 0, "beta's closed November was billed");
  cr_assert_eq (s.already, 3);
  cr_assert_eq (s.closed, 0);
  g_autoptr(GPtrArray) nw = load ("northwind", "2026-11");
  cr_assert_eq (nw->len, 3);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices WHERE account = 'beta'"), 0);
  /* December is open: beta is billed there */
  s = issue ("northwind", "2026-12", "2027-01-02");
  cr_assert_eq (s.issued, 4);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices WHERE account = 'beta'"
                           " AND period = '2026-12'"), 1);
}

/* Late calls {{{1 */

static gint64
late_count (const char *where)
{
  return count_sql ("SELECT count (*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                    " WHERE c.call_key = 'late1' AND %s", where);
}

Test (issue, late_call_billed_once_on_the_next_invoice)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");

  /* a call of Zeta's closed November arrives: §9 example 4, MOBILE 0.55 */
  ingest_rows ("northwind", "GB", "late1,2026-11-20T10:00:00Z,61,+441632960001,+447700900123,out\n");
  RateStats rs = rate_all ();
  cr_assert_eq (rs.late, 1);
  cr_assert_eq (late_count ("r.late = 1 AND r.period = '2026-11' AND r.status = 'rated'"
                            " AND r.charge = 550000 AND r.invoice IS NULL"), 1);
  /* the issued November invoice does not move */
  g_autoptr(GPtrArray) nov = load ("northwind", "2026-11");
  expect_record (nov, 0, "NWT-202611-0001", "Zeta", 10020000, 2000000, 12020000);
  cr_assert_eq (record_at (nov, 0)->invoice->lines->len, 2);

  /* draft December: recurring, then late_usage with periods ["2026-11"] */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Invoice) draft = invoice_compute (db, "Zeta", "2026-12", &error);
    cr_assert_not_null (draft, "%s", error ? error->message : "");
    cr_assert_eq (draft->lines->len, 2);
    expect_recurring (draft, 0, "user", 1, MICRO (10));
    expect_usage (draft, 1, INVOICE_LINE_LATE_USAGE, "out", "MOBILE", 1, 120, 550000);
    const InvoiceLine *l = line_at (draft, 1);
    cr_assert_eq (l->periods->len, 1);
    cr_assert_str_eq (l->periods->pdata[0], "2026-11");
    g_autofree char *json = invoiceout_json (draft, NULL, "draft");
    cr_assert_not_null (strstr (json, "{\n      \"kind\" : \"late_usage\",\n      \"direction\" : \"out\",\n"
                                      "      \"group\" : \"MOBILE\",\n      \"calls\" : 1,\n"), "%s", json);
    cr_assert_not_null (strstr (json, "\"periods\" : [\n        \"2026-11\"\n      ],\n"), "%s", json);
  }

  /* issue December: it bills the late call */
  issue ("northwind", "2026-12", "2027-01-02");
  g_autoptr(GPtrArray) dec = load ("northwind", "2026-12");
  /* 10.00 + 0.55 = 10.55; 20 % = 2.11; 12.66 */
  expect_record (dec, 0, "NWT-202612-0001", "Zeta", 10550000, 2110000, 12660000);
  expect_usage (record_at (dec, 0)->invoice, 1, INVOICE_LINE_LATE_USAGE, "out", "MOBILE", 1, 120,
                550000);
  cr_assert_str_eq (line_at (record_at (dec, 0)->invoice, 1)->periods->pdata[0], "2026-11");
  g_autofree char *billed = text_sql ("SELECT r.invoice FROM ratings r JOIN calls c"
                                      " ON c.id = r.call_id WHERE c.call_key = 'late1'");
  cr_assert_str_eq (billed, "NWT-202612-0001");
  /* no other rating was marked */
  cr_assert_eq (count_sql ("SELECT count (*) FROM ratings WHERE invoice IS NOT NULL"), 1);

  /* re-rating keeps it as it is */
  rs = rate_all ();
  cr_assert_eq (rs.late, 0);
  cr_assert_eq (late_count ("r.late = 1 AND r.charge = 550000 AND r.invoice = 'NWT-202612-0001'"), 1);

  /* January does not bill it again */
  issue ("northwind", "2027-01", "2027-02-02");
  g_autoptr(GPtrArray) jan = load ("northwind", "2027-01");
  expect_record (jan, 0, "NWT-202701-0001", "Zeta", MICRO (10), MICRO (2), MICRO (12));
  cr_assert_eq (record_at (jan, 0)->invoice->lines->len, 1);

  /* a catalog change (MOBILE doubled, call_decimals 2) and a re-rate leave
   * the billed late rating alone */
  g_autofree char *deck2 = g_strdup (deck_csv);
  char *p = strstr (deck2, "0.250000,0.050000");
  memcpy (p, "0.500000", 8);
  g_autofree char *cat = write_catalog ("cat2", operators_csv,
    "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals\n"
    "nw,northwind,spec,11.00,5.00,2.50,0,,2\n"
    "ts,tailspin,spec,8.00,4.00,1.00,0,,6\n", deck2, accounts_csv, numbers_csv);
  import (cat);
  rs = rate_all ();
  cr_assert_eq (late_count ("r.late = 1 AND r.charge = 550000 AND r.billable = 120"
                            " AND r.invoice = 'NWT-202612-0001'"), 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(Invoice) feb = invoice_compute (db, "Zeta", "2027-02", &error);
  cr_assert_not_null (feb);
  cr_assert_eq (feb->lines->len, 1, "no late line in February");
}

Test (issue, late_call_after_next_period_issued_goes_to_the_one_after)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");
  issue ("northwind", "2026-12", "2027-01-02");
  /* a November call arrives after December was issued: January bills it */
  ingest_rows ("northwind", "GB", "late1,2026-11-20T10:00:00Z,61,+441632960001,+447700900123,out\n");
  cr_assert_eq (rate_all ().late, 1);
  g_autoptr(GPtrArray) dec = load ("northwind", "2026-12");
  expect_record (dec, 0, "NWT-202612-0001", "Zeta", MICRO (10), MICRO (2), MICRO (12));
  issue ("northwind", "2027-01", "2027-02-02");
  g_autoptr(GPtrArray) jan = load ("northwind", "2027-01");
  expect_record (jan, 0, "NWT-202701-0001", "Zeta", 10550000, 2110000, 12660000);
  cr_assert_eq (late_count ("r.invoice = 'NWT-202701-0001'"), 1);
}

/* Frozen documents {{{1 */

/* Issuing again (the nightly does, every night after issue_day) does not
 * render a document that is on disk with the digest recorded when it was
 * written: here the stored customer name is changed behind rater's back, so
 * a document rendered again would differ and the frozen compare would fail
 * (as it does once the record of the digests is gone). */
Test (issue, documents_on_disk_as_recorded_are_not_rendered_again)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");
  g_autofree char *out = subdir ("out");
  write_docs ("northwind", "2026-11", out, ALL_FORMATS, 3);
  /* one row per document (json, html, pdf of 3 invoices), with the file's digest */
  cr_assert_eq (count_sql ("SELECT count(*) FROM invoice_documents"), 9);
  g_autofree char *pdf = g_build_filename (out, "NWT-202611-0001-2026-11.pdf", NULL);
  guint64 bytes = 0;
  g_autofree char *sha = digest_file_sha256 (pdf, &bytes, NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM invoice_documents WHERE invoice ="
                                          " 'NWT-202611-0001' AND format = 'pdf' AND sha256 = '%s'"
                                          " AND bytes = %" G_GUINT64_FORMAT, sha, bytes);
  cr_assert_eq (count_sql ("%s", sql), 1);

  cr_assert_eq (store_exec (db, "UPDATE invoices SET customer_name = 'Renamed Ltd'", NULL), TRUE);
  write_docs ("northwind", "2026-11", out, ALL_FORMATS, 3);

  /* a missing document is rendered again (from the stored rows) */
  cr_assert_eq (g_unlink (pdf), 0);
  write_docs ("northwind", "2026-11", out, INVOICEOUT_PDF, 3);
  g_autofree char *text = NULL;
  cr_assert (g_file_get_contents (pdf, &text, NULL, NULL));
  g_autofree char *sha2 = digest_file_sha256 (pdf, &bytes, NULL);
  g_autofree char *sql2 = g_strdup_printf ("SELECT count(*) FROM invoice_documents WHERE invoice ="
                                           " 'NWT-202611-0001' AND format = 'pdf' AND sha256 = '%s'",
                                           sha2);
  cr_assert_eq (count_sql ("%s", sql2), 1, "the new document's digest is recorded");

  /* without the record, every document is rendered and compared: they differ */
  cr_assert_eq (store_exec (db, "DELETE FROM invoice_documents", NULL), TRUE);
  g_autoptr(GError) error = NULL;
  guint n = 0;
  cr_assert_not (issue_write_documents (db, "northwind", "2026-11", out, ALL_FORMATS, 0, &n, &error));
  cr_assert_eq (error->code, RATER_ERROR_CANTCREAT, "%s", error->message);
}

Test (issue, frozen_documents_are_never_replaced)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");
  g_autofree char *out = subdir ("out");
  write_docs ("northwind", "2026-11", out, ALL_FORMATS, 3);
  g_autofree char *path = g_build_filename (out, "NWT-202611-0002-2026-11.json", NULL);
  g_autofree char *orig = NULL;
  cr_assert (g_file_get_contents (path, &orig, NULL, NULL));

  /* an identical file is fine */
  write_docs ("northwind", "2026-11", out, ALL_FORMATS, 3);

  /* a tampered file is not replaced */
  g_autofree char *tampered = g_strdup (orig);
  char *total = strstr (tampered, "\"total\" : \"6.11\"");
  cr_assert_not_null (total, "%s", orig);
  total[11] = '9';
  cr_assert (g_file_set_contents (path, tampered, -1, NULL));
  g_autoptr(GError) error = NULL;
  guint n = 0;
  cr_assert_not (issue_write_documents (db, "northwind", "2026-11", out, ALL_FORMATS, 0, &n, &error));
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, RATER_ERROR);
  cr_assert_eq (error->code, RATER_ERROR_CANTCREAT, "%s", error->message);
  g_autofree char *now = NULL;
  cr_assert (g_file_get_contents (path, &now, NULL, NULL));
  cr_assert_str_eq (now, tampered);

  /* the same invoice in another layout (an earlier rater's) is kept as it is */
  g_auto(GStrv) lines = g_strsplit (orig, "\n  ", -1);
  g_autofree char *relaid = g_strjoinv ("\n    ", lines);
  cr_assert (g_file_set_contents (path, relaid, -1, NULL));
  write_docs ("northwind", "2026-11", out, ALL_FORMATS, 3);
  g_autofree char *kept = NULL;
  cr_assert (g_file_get_contents (path, &kept, NULL, NULL));
  cr_assert_str_eq (kept, relaid);

  /* The lines CSV is the run's summary of every issued invoice of the pair
   * (it grows when an account added later is issued), so it is rewritten
   * whole from the stored invoices rather than frozen. */
  cr_assert (g_file_set_contents (path, orig, -1, NULL));
  g_autofree char *csv = g_build_filename (out, "invoice-lines-2026-11-northwind.csv", NULL);
  g_autofree char *csv_orig = NULL;
  cr_assert (g_file_get_contents (csv, &csv_orig, NULL, NULL));
  cr_assert (g_file_set_contents (csv, "invoice\n", -1, NULL));
  write_docs ("northwind", "2026-11", out, INVOICEOUT_CSV, 3);
  g_autofree char *csv_now = NULL;
  cr_assert (g_file_get_contents (csv, &csv_now, NULL, NULL));
  cr_assert_str_eq (csv_now, csv_orig);
  /* no temporaries left behind */
  g_autoptr(GDir) d = g_dir_open (out, 0, NULL);
  const char *name;
  guint files = 0;
  while ((name = g_dir_read_name (d)))
    files++;
  cr_assert_eq (files, 3 * 3 + 1, "%u files in the output directory", files);
}

/* DST months {{{1 */

static const char dst_accounts_csv[] =
  "account,operator,tenant_id,name,plan,country,timezone,tax_rate\n"
  "london,northwind,,London Ltd,nw,GB,Europe/London,20\n"
  "nyc,tailspin,,NYC Inc,ts,US,America/New_York,8.875\n";

static const char dst_numbers_csv[] =
  "number,account,type,user,from,to\n"
  "+441632960001,london,user,,2026-09-01,\n"
  "+441632960002,london,user,,2026-10-25,\n"
  "+441632960003,london,user,,2026-10-01,2026-10-25\n"
  "+12125550100,nyc,user,,2026-02-01,\n"
  "+12125550101,nyc,user,,2026-03-08,\n";

Test (issue, dst_month_prorates_by_calendar_days_and_places_calls_locally)
{
  import_catalog ("cat", dst_accounts_csv, dst_numbers_csv);
  /* London: BST (UTC+1) until 2026-10-25 01:00 UTC, then GMT.  60 s to
   * 4413 = INTL 0.10 each. */
  ingest_rows ("northwind", "GB",
               "l0,2026-09-30T22:59:59Z,60,+441632960001,+441312345678,out\n"  /* 09-30 23:59:59 BST */
               "l1,2026-09-30T23:00:00Z,60,+441632960001,+441312345678,out\n"  /* 10-01 00:00 BST */
               "l2,2026-10-31T23:59:59Z,60,+441632960001,+441312345678,out\n"  /* 10-31 23:59:59 GMT */
               "l3,2026-11-01T00:00:00Z,60,+441632960001,+441312345678,out\n"); /* 11-01 00:00 GMT */
  /* New York: EST (UTC-5) until 2026-03-08 07:00 UTC, then EDT (UTC-4). */
  ingest_rows ("tailspin", "US",
               "n0,2026-03-01T04:59:59Z,60,+12125550100,+441312345678,out\n"  /* 02-28 23:59:59 EST */
               "n1,2026-03-01T05:00:00Z,60,+12125550100,+441312345678,out\n"  /* 03-01 00:00 EST */
               "n2,2026-04-01T03:59:59Z,60,+12125550100,+441312345678,out\n"  /* 03-31 23:59:59 EDT */
               "n3,2026-04-01T04:00:00Z,60,+12125550100,+441312345678,out\n"); /* 04-01 00:00 EDT */
  RateStats rs = rate_all ();
  cr_assert_eq (rs.rated, 8);
  const char *expect[][2] = { { "l0", "2026-09" }, { "l1", "2026-10" }, { "l2", "2026-10" },
                              { "l3", "2026-11" }, { "n0", "2026-02" }, { "n1", "2026-03" },
                              { "n2", "2026-03" }, { "n3", "2026-04" } };
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    cr_assert_eq (count_sql ("SELECT count (*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                             " WHERE c.call_key = '%s' AND r.period = '%s'", expect[i][0],
                             expect[i][1]), 1, "call %s in %s", expect[i][0], expect[i][1]);

  issue ("northwind", "2026-10", "2026-11-02");
  g_autoptr(GPtrArray) oct = load ("northwind", "2026-10");
  /* October has 31 days, the 25-hour 25th counting as one:
   *   ...001 all month        10.00 × 31/31 = 10.000000
   *   ...002 from the 25th    10.00 ×  7/31 =  2.258064.516 → 2.258065
   *   ...003 until the 25th   10.00 × 24/31 =  7.741935.48  → 7.741935
   * user: 3 numbers, 20.000000 → 20.00; INTL l1 + l2 = 0.20;
   * 20.20 at 20 % = 4.04; 24.24 */
  expect_record (oct, 0, "NWT-202610-0001", "london", 20200000, 4040000, 24240000);
  expect_recurring (record_at (oct, 0)->invoice, 0, "user", 3, MICRO (20));
  expect_usage (record_at (oct, 0)->invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 2, 120, 200000);

  issue ("tailspin", "2026-03", "2026-04-02");
  g_autoptr(GPtrArray) mar = load ("tailspin", "2026-03");
  /* March, 31 days with a 23-hour 8th:
   *   ...100 all month        8.00 × 31/31 = 8.000000
   *   ...101 from the 8th     8.00 × 24/31 = 6.193548.387 → 6.193548
   * user 14.193548 → 14.19; INTL n1 + n2 = 0.20; 14.39 at 8.875 % =
   * 1.2771125 → 1.28; 15.67 */
  expect_record (mar, 0, "TSC-202603-0001", "nyc", 14390000, 1280000, 15670000);
  expect_recurring (record_at (mar, 0)->invoice, 0, "user", 2, 14190000);
  expect_usage (record_at (mar, 0)->invoice, 1, INVOICE_LINE_USAGE, "out", "INTL", 2, 120, 200000);
}

/* Catalog changes after issuing {{{1 */

Test (issue, issued_invoice_ignores_later_catalog_changes)
{
  numbering_fixture ();
  issue ("northwind", "2026-11", "2026-12-02");
  g_autoptr(GPtrArray) before = load ("northwind", "2026-11");
  g_autofree char *out1 = subdir ("out1");
  write_docs ("northwind", "2026-11", out1, ALL_FORMATS, 3);

  /* new names, tax rates, fees, deck rates, numbers */
  g_autofree char *cat = write_catalog ("cat2",
    "operator,name,currency,invoice_prefix\n"
    "northwind,Northwind Renamed,EUR,NWX\n"
    "tailspin,Tailspin Communications,USD,TSC\n",
    "plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals\n"
    "nw,northwind,spec,99.00,77.00,2.50,0,,2\n"
    "ts,tailspin,spec,8.00,4.00,1.00,0,,6\n",
    "prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,effective_to\n"
    "44,Elsewhere,INTL,out,all,9.000000,0,1/1,2026-01-01,\n",
    "account,operator,tenant_id,name,plan,country,timezone,tax_rate\n"
    "alpha,northwind,,Alpha Renamed,nw,GB,Europe/London,25\n"
    "beta,northwind,,Beta Ltd,nw,GB,Europe/London,20\n"
    "delta,northwind,,Delta Renamed,nw,GB,Europe/London,5\n"
    "Zeta,northwind,,Zeta Renamed,nw,GB,Europe/London,19\n"
    "gamma,tailspin,,Gamma Inc,ts,US,America/New_York,8.875\n",
    "number,account,type,user,from,to\n"
    "+441632960001,Zeta,user,,2026-10-01,\n"
    "+441632960004,Zeta,user,,2026-10-01,\n"
    "+441632960002,alpha,user,,2026-11-01,\n"
    "+441632960003,delta,service,,2026-10-01,\n"
    "+12125550100,gamma,user,,2026-10-01,\n");
  import (cat);
  RateStats rs = rate_all ();
  cr_assert_eq (rs.late, 0);

  IssueStats s = issue ("northwind", "2026-11", "2027-01-01");
  cr_assert_eq (s.issued, 0);
  g_autoptr(GPtrArray) after = load ("northwind", "2026-11");
  expect_same_records (before, after);
  cr_assert_str_eq (record_at (after, 0)->customer_name, "Zeta GmbH");
  cr_assert_str_eq (record_at (after, 0)->operator_name, "Northwind Telecom");
  cr_assert_eq (record_at (after, 1)->invoice->tax_rate, MICRO (10));
  g_autofree char *out2 = subdir ("out2");
  write_docs ("northwind", "2026-11", out2, ALL_FORMATS, 3);
  expect_same_files (out1, out2);
  /* the November ratings stayed as issued */
  cr_assert_eq (count_sql ("SELECT charge FROM ratings r JOIN calls c ON c.id = r.call_id"
                           " WHERE c.call_key = 'a1'"), 550000);
}

/* All or nothing {{{1 */

Test (issue, error_mid_issue_changes_nothing)
{
  numbering_fixture ();
  /* alpha, the second account in byte order, cannot be billed */
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, "UPDATE numbers SET from_date = '2026-11-3' WHERE account = 'alpha'",
                         &error), "%s", error ? error->message : "");
  IssueStats s = { 7, 7, 7 };
  cr_assert_not (issue_period (db, "northwind", "2026-11", "2026-12-02", &s, &error));
  cr_assert_not_null (error);
  cr_assert_eq (error->code, RATER_ERROR_DATA, "%s", error->message);
  cr_assert_not_null (strstr (error->message, "alpha"), "%s", error->message);
  cr_assert_eq (s.issued, 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoice_lines"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoice_destinations"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM closed_periods"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM ratings WHERE invoice IS NOT NULL"), 0);
  g_autoptr(GPtrArray) none = load ("northwind", "2026-11");
  cr_assert_eq (none->len, 0);

  /* an unknown currency fails the same way */
  g_clear_error (&error);
  cr_assert (store_exec (db, "UPDATE numbers SET from_date = '2026-11-16' WHERE account = 'alpha'",
                         &error), "%s", error ? error->message : "");
  cr_assert (store_exec (db, "UPDATE operators SET currency = 'XXX' WHERE operator = 'northwind'",
                         &error), "%s", error ? error->message : "");
  cr_assert_not (issue_period (db, "northwind", "2026-11", "2026-12-02", &s, &error));
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices"), 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM closed_periods"), 0);

  /* repaired: numbering starts at 0001, no gap */
  g_clear_error (&error);
  cr_assert (store_exec (db, "UPDATE operators SET currency = 'EUR' WHERE operator = 'northwind'",
                         &error), "%s", error ? error->message : "");
  s = issue ("northwind", "2026-11", "2026-12-02");
  cr_assert_eq (s.issued, 3);
  g_autoptr(GPtrArray) nw = load ("northwind", "2026-11");
  expect_record (nw, 0, "NWT-202611-0001", "Zeta", 10020000, 2000000, 12020000);
  expect_record (nw, 1, "NWT-202611-0002", "alpha", 5550000, 560000, 6110000);
  expect_record (nw, 2, "NWT-202611-0003", "delta", MICRO (5), MICRO (1), MICRO (6));
}

/* Catalog changes that move a billed call {{{1 */

Test (issue, rerate_keeps_closed_ratings_whose_call_moved_elsewhere)
{
  numbering_fixture ();
  /* 2026-11-01 03:00 UTC: November in London, October in Los Angeles */
  ingest_rows ("northwind", "GB", "edge,2026-11-01T03:00:00Z,61,+441632960001,+442079460000,out\n");
  rate_all ();
  issue ("northwind", "2026-11", "2026-12-02");
  cr_assert_eq (count_sql ("SELECT count (*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                           " WHERE c.call_key = 'edge' AND r.period = '2026-11'"), 1);

  /* Zeta moves to Los Angeles; +441632960002 moves from alpha to delta */
  g_autofree char *moved = NULL;
  {
    g_auto(GStrv) rows = g_strsplit (accounts_csv, "\n", -1);
    g_autoptr(GString) s = g_string_new (NULL);
    for (guint i = 0; rows[i] && *rows[i]; i++)
      g_string_append_printf (s, "%s\n", g_str_has_prefix (rows[i], "Zeta,") ? "Zeta,northwind,,"
                              "Zeta GmbH,nw,GB,America/Los_Angeles,20" : rows[i]);
    moved = g_string_free (g_steal_pointer (&s), FALSE);
  }
  import_catalog ("cat2", moved,
                  "number,account,type,user,from,to\n"
                  "+441632960001,Zeta,user,z@zeta.example,2026-10-01,\n"
                  "+441632960002,delta,user,a@alpha.example,2026-11-16,\n"
                  "+441632960003,delta,service,,2026-10-01,\n"
                  "+12125550100,gamma,user,g@gamma.example,2026-10-01,\n"
                  "+12125550101,gamma,tollfree,,2026-11-11,\n");
  /* rating again must not fail, and the closed ratings stay as issued */
  RateStats rs = rate_all ();
  cr_assert_eq (rs.late, 0);
  cr_assert_eq (count_sql ("SELECT count (*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                           " WHERE c.call_key = 'edge' AND r.account = 'Zeta' AND r.period = '2026-11'"
                           " AND r.late = 0"), 1);
  cr_assert_eq (count_sql ("SELECT count (*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                           " WHERE c.call_key = 'a1' AND r.account = 'alpha' AND r.charge = 550000"), 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(Invoice) oct = invoice_compute (db, "Zeta", "2026-10", &error);
  cr_assert_not_null (oct);
  cr_assert_eq (oct->lines->len, 1, "the November call did not move into October");
}

/* The run of the command and the nightly job {{{1 */

static void
count_operator (const char *operator_slug, const IssueStats *stats, guint written, gpointer data)
{
  GString *log = data;
  g_string_append_printf (log, "%s:%u/%u/%u/%u;", operator_slug, stats->issued, stats->already,
                          stats->closed, written);
}

Test (issue, run_every_operator_in_byte_order)
{
  numbering_fixture ();
  g_autofree char *out = subdir ("run");
  g_autoptr(GString) log = g_string_new (NULL);
  IssueRunOptions opts = { NULL, "2026-11", "2026-12-02", out, INVOICEOUT_JSON | INVOICEOUT_CSV,
                           count_operator, log };
  IssueRunStats s;
  g_autoptr(GError) error = NULL;
  cr_assert (issue_run (db, &opts, &s, &error), "%s", error ? error->message : "");
  /* northwind: Zeta, alpha, delta numbered, beta closed too; tailspin: gamma */
  cr_assert_str_eq (log->str, "northwind:3/0/4/3;tailspin:1/0/1/1;");
  cr_assert_eq (s.issued, 4);
  cr_assert_eq (s.already, 0);
  cr_assert_eq (s.closed, 5);
  cr_assert_eq (s.written, 4);
  g_autofree char *json = g_build_filename (out, "TSC-202611-0001-2026-11.json", NULL);
  cr_assert (g_file_test (json, G_FILE_TEST_IS_REGULAR), "%s", json);
  g_autofree char *csv = g_build_filename (out, "invoice-lines-2026-11-northwind.csv", NULL);
  cr_assert (g_file_test (csv, G_FILE_TEST_IS_REGULAR), "%s", csv);

  /* again, today's date: nothing new, the same documents */
  g_autofree char *again = subdir ("again");
  opts = (IssueRunOptions) { NULL, "2026-11", NULL, again, INVOICEOUT_JSON | INVOICEOUT_CSV };
  cr_assert (issue_run (db, &opts, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.issued, 0);
  cr_assert_eq (s.already, 4);
  cr_assert_eq (s.written, 4);
  expect_same_files (out, again);
}

/* An issue that fails part-way issues nothing and writes nothing: the
 * documents of the invoices stored before the failure, rendered while
 * issuing, never appear, nor their temporaries, nor the directory. */
Test (issue, run_that_fails_writes_nothing)
{
  numbering_fixture ();
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, "CREATE TRIGGER boom BEFORE INSERT ON invoices WHEN NEW.seq = 3"
                             " BEGIN SELECT RAISE (ABORT, 'boom'); END", &error), "%s",
             error ? error->message : "");
  g_autofree char *out = subdir ("run");
  IssueRunOptions opts = { .operator_slug = "northwind", .period = "2026-11",
                           .issued_on = "2026-12-02", .dir = out,
                           .formats = ALL_FORMATS, .threads = 2 };
  IssueRunStats s;
  cr_assert_not (issue_run (db, &opts, &s, &error));
  cr_assert_not_null (strstr (error->message, "boom"), "%s", error->message);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices"), 0);
  cr_assert_not (g_file_test (out, G_FILE_TEST_EXISTS), "%s made", out);

  /* the same with the directory there: it stays empty */
  cr_assert_eq (g_mkdir (out, 0750), 0);
  g_clear_error (&error);
  cr_assert_not (issue_run (db, &opts, &s, &error));
  g_autoptr(GDir) d = g_dir_open (out, 0, NULL);
  cr_assert_not_null (d);
  const char *name = g_dir_read_name (d);
  cr_assert_null (name, "%s written", name);
}

Test (issue, run_one_operator)
{
  numbering_fixture ();
  g_autofree char *out = subdir ("run");
  IssueRunOptions opts = { .operator_slug = "tailspin", .period = "2026-11",
                           .issued_on = "2026-12-02", .dir = out, .formats = INVOICEOUT_JSON };
  IssueRunStats s;
  g_autoptr(GError) error = NULL;
  cr_assert (issue_run (db, &opts, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.issued, 1);
  cr_assert_eq (s.closed, 1);
  cr_assert_eq (count_sql ("SELECT count (*) FROM invoices WHERE operator = 'northwind'"), 0);
  opts.operator_slug = "nobody";
  cr_assert_not (issue_run (db, &opts, &s, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "%s", error->message);
}

Test (issue, period_closed_everywhere)
{
  numbering_fixture ();
  gboolean closed = TRUE;
  g_autoptr(GError) error = NULL;
  cr_assert (issue_period_closed (db, "2026-11", &closed, &error));
  cr_assert_not (closed);
  issue ("northwind", "2026-11", "2026-12-02");
  cr_assert (issue_period_closed (db, "2026-11", &closed, &error));
  cr_assert_not (closed);       /* tailspin's gamma still open */
  issue ("tailspin", "2026-11", "2026-12-02");
  cr_assert (issue_period_closed (db, "2026-11", &closed, &error));
  cr_assert (closed);
}

Test (issue, parse_format)
{
  unsigned bit = 0;
  cr_assert (issue_parse_format ("json", &bit) && bit == INVOICEOUT_JSON);
  cr_assert (issue_parse_format ("csv", &bit) && bit == INVOICEOUT_CSV);
  cr_assert (issue_parse_format ("html", &bit) && bit == INVOICEOUT_HTML);
  cr_assert (issue_parse_format ("pdf", &bit) && bit == INVOICEOUT_PDF);
  cr_assert_not (issue_parse_format ("xml", &bit));
  cr_assert_not (issue_parse_format ("JSON", &bit));
}

/* A period that has not ended {{{1
 *
 * A period ends at midnight of the next month in an account's zone: it may
 * be issued only once it has ended for every account (the westernmost zone
 * last).  The command and the nightly refuse or postpone it before then. */

static void
expect_ended (const char *op, const char *period, const char *now, gboolean want,
              const char *want_zone, const char *want_end)
{
  gint64 now_ms = 0, ends = 0;
  gboolean ended = !want;
  g_autofree char *zone = NULL;
  g_autoptr(GError) error = NULL;
  TimeParts parts;
  cr_assert_eq (time_parse_iso8601 (now, strlen (now), &parts), TIME_OK);
  cr_assert_eq (time_parts_to_utc_ms (&parts, NULL, &now_ms), TIME_OK);
  cr_assert (issue_period_ended (db, op, period, now_ms, &ended, &ends, &zone, &error),
             "%s", error ? error->message : "");
  char buf[32];
  cr_assert_eq (ended, want, "%s %s at %s", op ? op : "all", period, now);
  cr_assert_str_eq (zone, want_zone);
  cr_assert_str_eq (time_format_utc (ends, buf), want_end);
}

Test (issue, a_period_ends_in_the_last_zone_of_its_accounts)
{
  CatalogImportStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert (catalog_import (db, SPEC_CATALOG, &stats, &error), "%s", error ? error->message : "");
  /* London at 00:00Z, New York (litware, tailspin) at 05:00Z */
  expect_ended (NULL, "2026-11", "2026-12-01T04:00:00Z", FALSE, "America/New_York", "2026-12-01T05:00:00Z");
  expect_ended (NULL, "2026-11", "2026-12-01T05:00:00Z", TRUE, "America/New_York", "2026-12-01T05:00:00Z");
  expect_ended ("northwind", "2026-11", "2026-12-01T04:00:00Z", TRUE, "Europe/London", "2026-12-01T00:00:00Z");
  expect_ended ("northwind", "2026-11", "2026-11-30T23:59:59Z", FALSE, "Europe/London", "2026-12-01T00:00:00Z");
  /* summer time: London ends June at 23:00Z */
  expect_ended ("northwind", "2026-06", "2026-06-30T23:00:00Z", TRUE, "Europe/London", "2026-06-30T23:00:00Z");
  /* a future period, and December into the next year */
  expect_ended (NULL, "2027-03", "2026-12-01T05:00:00Z", FALSE, "America/New_York", "2027-04-01T04:00:00Z");
  expect_ended ("tailspin", "2026-12", "2027-01-01T04:59:59Z", FALSE, "America/New_York", "2027-01-01T05:00:00Z");
}
