/* test-docwriter.c — unit tests of docwriter.c: documents rendered on
 * worker threads are byte for byte those rendered in order on one thread,
 * every record is written once, and a failed write stops the writer and
 * reaches the caller.
 *
 * Records are built by hand (invoice_new, invoice_add_line), each with a
 * different appendix length, so the threads finish out of order.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "bill/docwriter.h"
#include "test-helpers.h"

#define N_RECORDS 12
#define ALL_DOCS (INVOICEOUT_JSON | INVOICEOUT_HTML | INVOICEOUT_PDF)

static char *dir;

static void
setup (void)
{
  dir = test_scratch_new ();
}

static void
teardown (void)
{
  test_scratch_free (dir);
}

TestSuite (docwriter, .init = setup, .fini = teardown);

/* Record I of the test period: a usage line and 5 × I appendix rows. */
static InvoiceRecord *
record_new (guint i)
{
  g_autofree char *account = g_strdup_printf ("acc%02u", i);
  Invoice *inv = invoice_new (account, "2026-11");
  inv->operator_slug = g_strdup ("northwind");
  inv->currency = g_strdup ("GBP");
  inv->minor_units = 2;
  inv->tax_rate = 20 * DECIMAL_MICRO;
  InvoiceLine *l = invoice_add_line (inv, INVOICE_LINE_USAGE);
  l->direction = g_strdup ("out");
  l->group = g_strdup ("INTL");
  l->calls = 3 * i + 1;
  l->billable_seconds = 60 * l->calls;
  l->amount = (gint64) l->calls * 120000;
  inv->subtotal = l->amount;
  inv->tax = l->amount / 5;
  inv->total = inv->subtotal + inv->tax;

  InvoiceRecord *rec = invoiceout_record_new ();
  rec->invoice = inv;
  rec->number = g_strdup_printf ("NWT-202611-%04u", i + 1);
  rec->issued_on = g_strdup ("2026-12-03");
  rec->operator_name = g_strdup ("Northwind Telecom");
  rec->customer_name = g_strdup_printf ("Customer %u", i);
  for (guint d = 0; d < 5 * i; d++)
    {
      g_autofree char *name = g_strdup_printf ("Destination %u-%u", i, d);
      g_ptr_array_add (rec->destinations,
                       invoiceout_destination_new (name, "INTL", d + 1, 60 * (d + 1), 1000 * d));
    }
  return rec;
}

/* Write the N_RECORDS test records under DIR/SUB on THREADS threads. */
static char *
write_all (const char *sub, guint threads)
{
  char *out = g_build_filename (dir, sub, NULL);
  g_autoptr(GError) error = NULL;
  cr_assert_eq (g_mkdir_with_parents (out, 0750), 0);
  g_autoptr(DocWriter) w = docwriter_new (out, threads);
  for (guint i = 0; i < N_RECORDS; i++)
    cr_assert (docwriter_add (w, record_new (i), ALL_DOCS, &error), "%s",
               error ? error->message : "");
  cr_assert (docwriter_finish (w, &error), "%s", error ? error->message : "");
  return out;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static GPtrArray *
sorted_names (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  cr_assert_not_null (d);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

Test (docwriter, threads_write_the_bytes_of_one_thread)
{
  g_autofree char *one = write_all ("one", 1);
  g_autofree char *four = write_all ("four", 4);
  g_autoptr(GPtrArray) names = sorted_names (one);
  g_autoptr(GPtrArray) names4 = sorted_names (four);

  cr_assert_eq (names->len, 3 * N_RECORDS, "%u files", names->len);
  cr_assert_eq (names4->len, names->len);
  for (guint i = 0; i < names->len; i++)
    {
      cr_assert_str_eq (names->pdata[i], names4->pdata[i]);
      g_autofree char *a = g_build_filename (one, names->pdata[i], NULL);
      g_autofree char *b = g_build_filename (four, names->pdata[i], NULL);
      g_autofree char *da = NULL, *db = NULL;
      gsize la = 0, lb = 0;
      cr_assert (g_file_get_contents (a, &da, &la, NULL));
      cr_assert (g_file_get_contents (b, &db, &lb, NULL));
      cr_assert (la > 0 && la == lb && memcmp (da, db, la) == 0, "%s differs", (char *) names->pdata[i]);
    }
}

Test (docwriter, the_first_error_stops_and_reaches_the_caller)
{
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  cr_assert_eq (g_mkdir_with_parents (out, 0750), 0);
  /* a directory where record 3's PDF must go: its rename fails */
  g_autofree char *blocker = g_build_filename (out, "NWT-202611-0004-2026-11.pdf", NULL);
  cr_assert_eq (g_mkdir (blocker, 0750), 0);

  g_autoptr(GError) error = NULL;
  g_autoptr(DocWriter) w = docwriter_new (out, 2);
  gboolean ok = TRUE;
  for (guint i = 0; i < N_RECORDS && ok; i++)
    ok = docwriter_add (w, record_new (i), INVOICEOUT_PDF, &error);
  if (ok)
    cr_assert_not (docwriter_finish (w, &error), "the blocked PDF was reported written");
  else
    {
      /* docwriter_finish reports the same error again */
      g_autoptr(GError) again = NULL;
      cr_assert_not (docwriter_finish (w, &again));
      cr_assert_str_eq (again->message, error->message);
    }
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, RATER_ERROR);
  cr_assert (strstr (error->message, "NWT-202611-0004") != NULL, "%s", error->message);
  /* after the error no record waits: the writer can be freed at once */
}

Test (docwriter, one_thread_writes_in_the_calling_thread)
{
  g_autofree char *out = write_all ("serial", 1);
  g_autofree char *pdf = g_build_filename (out, "NWT-202611-0012-2026-11.pdf", NULL);
  cr_assert (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  cr_assert_eq (docwriter_threads (1), 1);
  cr_assert_eq (docwriter_threads (99), 16);
  cr_assert (docwriter_threads (0) >= 1);
}

Test (docwriter, documents_appear_together_at_finish_and_none_after_an_error)
{
  g_autofree char *out = g_build_filename (dir, "together", NULL);
  cr_assert_eq (g_mkdir_with_parents (out, 0750), 0);
  g_autoptr(GError) error = NULL;

  DocWriter *w = docwriter_new (out, 2);
  for (guint i = 0; i < 4; i++)
    cr_assert (docwriter_add (w, record_new (i), ALL_DOCS, &error), "%s",
               error ? error->message : "");
  g_autofree char *pdf = g_build_filename (out, "NWT-202611-0001-2026-11.pdf", NULL);
  cr_assert_not (g_file_test (pdf, G_FILE_TEST_EXISTS), "a document appeared before finish");
  cr_assert (docwriter_finish (w, &error), "%s", error ? error->message : "");
  docwriter_free (w);
  g_autoptr(GPtrArray) names = sorted_names (out);
  cr_assert_eq (names->len, 3 * 4, "%u files", names->len);

  /* a writer that fails: none of its documents, no temporary */
  g_autofree char *failed = g_build_filename (dir, "failed", NULL);
  cr_assert_eq (g_mkdir_with_parents (failed, 0750), 0);
  g_autofree char *blocker = g_build_filename (failed, "NWT-202611-0004-2026-11.pdf", NULL);
  cr_assert_eq (g_mkdir (blocker, 0750), 0);
  w = docwriter_new (failed, 2);
  gboolean ok = TRUE;
  for (guint i = 0; i < N_RECORDS && ok; i++)
    ok = docwriter_add (w, record_new (i), ALL_DOCS, &error);
  cr_assert_not (ok && docwriter_finish (w, &error));
  docwriter_free (w);
  g_autoptr(GPtrArray) left = sorted_names (failed);
  cr_assert_eq (left->len, 1, "%u files left, the first %s", left->len, (char *) left->pdata[0]);
  cr_assert_str_eq (left->pdata[0], "NWT-202611-0004-2026-11.pdf");
}
