/* test-invoicedoc.c — unit tests of invoicedoc.c: the HTML page (escaping,
 * amounts in GBP, JPY and BHD minor digits, tax rate, drafts, no scripts or
 * external references) and the PDF (a real PDF, page 1 not blank when
 * rasterised by pdftoppm, a long appendix spilling onto more pages,
 * reproducible bytes, write errors) and its table cells read back with
 * pdftotext (rows at page boundaries, alignment, text pango still draws,
 * the same bytes whatever the per-thread cache holds, the texts outside the
 * tables drawn from the cache as pango draws them, on two threads at once).
 *
 * Invoices are built by hand with invoice_free-compatible allocations (every
 * string g_malloc'd, lines in a GPtrArray that frees them), so each test
 * states exactly what it renders.  Set INVOICEDOC_SAMPLE=FILE.pdf to have the
 * sample test keep a rendered PDF (and FILE.pdf.html) for eyes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "base/decimal.h"
#include "bill/invoicedoc.h"
#include "base/rater-error.h"
#include "test-helpers.h"

#define MICRO(units) ((gint64) (units) * DECIMAL_MICRO)

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

TestSuite (invoicedoc, .init = setup, .fini = teardown);

/* Building invoices {{{1 */

static void
line_free (gpointer data)
{
  InvoiceLine *l = data;
  g_free (l->number_type);
  g_free (l->direction);
  g_free (l->group);
  if (l->periods)
    g_ptr_array_unref (l->periods);
  g_free (l);
}

static Invoice *
invoice_new_test (const char *currency, guint minor_units, gint64 tax_rate)
{
  Invoice *inv = g_new0 (Invoice, 1);
  inv->operator_slug = g_strdup ("northwind");
  inv->account = g_strdup ("contoso");
  inv->tenant_id = g_strdup ("8d3c0000-1111-2222-3333-444455556666");
  inv->period = g_strdup ("2026-11");
  inv->currency = g_strdup (currency);
  inv->minor_units = minor_units;
  inv->tax_rate = tax_rate;
  inv->lines = g_ptr_array_new_with_free_func (line_free);
  return inv;
}

static InvoiceLine *
add_recurring (Invoice *inv, const char *type, guint64 quantity, gint64 amount)
{
  InvoiceLine *l = g_new0 (InvoiceLine, 1);
  l->kind = INVOICE_LINE_RECURRING;
  l->number_type = g_strdup (type);
  l->quantity = quantity;
  l->amount = amount;
  g_ptr_array_add (inv->lines, l);
  inv->subtotal += amount;
  return l;
}

static InvoiceLine *
add_usage (Invoice *inv, InvoiceLineKind kind, const char *dir_, const char *group,
           guint64 calls, guint64 seconds, gint64 amount)
{
  InvoiceLine *l = g_new0 (InvoiceLine, 1);
  l->kind = kind;
  l->direction = g_strdup (dir_);
  l->group = g_strdup (group);
  l->calls = calls;
  l->billable_seconds = seconds;
  l->amount = amount;
  if (kind == INVOICE_LINE_LATE_USAGE)
    {
      l->periods = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (l->periods, g_strdup ("2026-10"));
    }
  g_ptr_array_add (inv->lines, l);
  inv->subtotal += amount;
  return l;
}

static void
set_totals (Invoice *inv)
{
  inv->tax = decimal_mul_div_round_half_up (inv->subtotal, inv->tax_rate, MICRO (100));
  inv->tax = decimal_round_half_up (inv->tax, inv->minor_units);
  inv->total = inv->subtotal + inv->tax;
}

/* A GBP invoice at 20 %: 118.33 + 5.00 + 12.34 + 0.56 + 3.21 = 139.44,
 * tax 27.89 (27.888 rounded), total 167.33. */
static Invoice *
invoice_gbp (void)
{
  Invoice *inv = invoice_new_test ("GBP", 2, MICRO (20));
  add_recurring (inv, "user", 12, 118330000);
  add_recurring (inv, "service", 1, MICRO (5));
  add_usage (inv, INVOICE_LINE_USAGE, "out", "MOBILE", 40, 12345, 12340000);
  add_usage (inv, INVOICE_LINE_USAGE, "in", "TOLLFREE", 3, 125, 560000);
  add_usage (inv, INVOICE_LINE_LATE_USAGE, "out", "INTL", 2, 600, 3210000);
  set_totals (inv);
  return inv;
}

static void
destination_free (gpointer data)
{
  InvoiceDestination *d = data;
  g_free (d->destination);
  g_free (d->group);
  g_free (d);
}

static GPtrArray *
destinations_new (guint n)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (destination_free);
  for (guint i = 0; i < n; i++)
    {
      InvoiceDestination *d = g_new0 (InvoiceDestination, 1);
      d->destination = i == 0 ? g_strdup ("C\xc3\xb4te d'Ivoire <Mobile>")
                              : g_strdup_printf ("Destination %u", i);
      d->group = g_strdup (i % 2 ? "INTL" : "MOBILE");
      d->calls = i + 1;
      d->billable_seconds = 60 * (i + 1) + 30;
      d->amount = 1234567 + (gint64) i * 10000;
      g_ptr_array_add (a, d);
    }
  return a;
}

static InvoiceDocument
document (const Invoice *inv, const GPtrArray *destinations)
{
  InvoiceDocument doc = {
    .operator_name = "Northwind \"Telecom\" Ltd",
    .customer_name = "Smith & <Jones>",
    .invoice_number = "NWT-202611-0001",
    .issue_date = "2026-12-01",
    .status = "issued",
    .invoice = inv,
    .destinations = destinations,
  };
  return doc;
}

static void
assert_contains (const char *haystack, const char *needle)
{
  cr_assert (strstr (haystack, needle) != NULL, "missing \"%s\"", needle);
}

/* HTML {{{1 */

Test (invoicedoc, html_content_and_escaping)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (3);
  InvoiceDocument doc = document (inv, dests);
  g_autofree char *html = invoicedoc_html (&doc);

  cr_assert (g_str_has_prefix (html, "<!DOCTYPE html>"));
  assert_contains (html, "Smith &amp; &lt;Jones&gt;");
  cr_assert_null (strstr (html, "Smith & <Jones>"));
  assert_contains (html, "Northwind &quot;Telecom&quot; Ltd");
  assert_contains (html, "C\xc3\xb4te d&apos;Ivoire &lt;Mobile&gt;");
  assert_contains (html, "NWT-202611-0001");
  assert_contains (html, "2026-12-01");
  assert_contains (html, "2026-11");
  assert_contains (html, "User numbers");
  assert_contains (html, "Service numbers");
  assert_contains (html, "Usage out MOBILE");
  assert_contains (html, "Usage in TOLLFREE");
  assert_contains (html, "Late usage out INTL (2026-10)");
  assert_contains (html, "late_usage");
  assert_contains (html, ">205.75<");      /* 12345 s in minutes */
  assert_contains (html, "118.33 GBP");
  assert_contains (html, "5.00 GBP");
  assert_contains (html, "12.34 GBP");
  assert_contains (html, "0.56 GBP");
  assert_contains (html, "3.21 GBP");
  assert_contains (html, "139.44 GBP");
  assert_contains (html, "Tax (20 %)");
  assert_contains (html, "27.89 GBP");
  assert_contains (html, "167.33 GBP");
  assert_contains (html, "1.23 GBP");      /* appendix: 1.234567 rounded */
  assert_contains (html, "@page");
  assert_contains (html, "size: A4");
  cr_assert_null (strstr (html, "DRAFT"));
  cr_assert_null (strstr (html, "http"));
  cr_assert_null (strstr (html, "<script"));
  cr_assert_null (strstr (html, "<link"));
  cr_assert_null (strstr (html, "src="));
}

/* Every text is escaped as g_markup_escape_text() escapes it: control
 * characters, DEL, C1 controls, tabs and newlines as well as the five
 * markup characters, whatever the fast path for plain ASCII cells. */
Test (invoicedoc, html_escapes_as_markup)
{
  static const char *const names[] = {
    "Plain Ltd 123-456 (x) [y] {z} ~!@#$%^*_+=|\\/?,.;:",
    "Tab\there", "Line\nbreak\r", "Bell\x01\x1f end", "Del\x7f end",
    "C1 \xc2\x85 \xc2\x9f end", "O'Brien", "say \"hi\"", "A & B", "a < b", "a > b", "",
  };
  g_autoptr(Invoice) inv = invoice_gbp ();
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      InvoiceDocument doc = document (inv, NULL);
      doc.customer_name = names[i];
      g_autofree char *html = invoicedoc_html (&doc);
      g_autofree char *escaped = g_markup_escape_text (names[i], -1);
      g_autofree char *cell = g_strdup_printf ("<div class=\"customer\">%s</div>", escaped);
      assert_contains (html, cell);
    }
}

Test (invoicedoc, html_draft)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  InvoiceDocument doc = document (inv, NULL);
  doc.invoice_number = NULL;
  doc.status = "draft";
  g_autofree char *html = invoicedoc_html (&doc);

  assert_contains (html, "<h1>Invoice DRAFT</h1>");
  assert_contains (html, "No usage in this period.");
}

Test (invoicedoc, html_jpy_no_decimals)
{
  g_autoptr(Invoice) inv = invoice_new_test ("JPY", 0, MICRO (10));
  add_recurring (inv, "user", 3, MICRO (1200));
  add_usage (inv, INVOICE_LINE_USAGE, "out", "INTL", 5, 300, MICRO (87));
  set_totals (inv);
  InvoiceDocument doc = document (inv, NULL);
  g_autofree char *html = invoicedoc_html (&doc);

  assert_contains (html, "1200 JPY");
  assert_contains (html, "87 JPY");
  assert_contains (html, "1287 JPY");
  assert_contains (html, "Tax (10 %)");
  assert_contains (html, "129 JPY");       /* 128.7 rounded half up */
  assert_contains (html, "1416 JPY");
  cr_assert_null (strstr (html, "1200.0"));
}

Test (invoicedoc, html_bhd_three_decimals)
{
  g_autoptr(Invoice) inv = invoice_new_test ("BHD", 3, 8875000);
  add_recurring (inv, "tollfree", 2, 1250000);
  add_usage (inv, INVOICE_LINE_LATE_USAGE, "in", "TOLLFREE", 1, 61, 7000);
  set_totals (inv);
  InvoiceDocument doc = document (inv, NULL);
  g_autofree char *html = invoicedoc_html (&doc);

  assert_contains (html, "Toll-free numbers");
  assert_contains (html, "1.250 BHD");
  assert_contains (html, "0.007 BHD");
  assert_contains (html, "1.257 BHD");
  assert_contains (html, "Tax (8.875 %)");
  assert_contains (html, "0.112 BHD");     /* 0.11155875 */
  assert_contains (html, "1.369 BHD");
  assert_contains (html, "Late usage in TOLLFREE (2026-10)");
}

/* PDF {{{1 */

static char *
read_all (const char *path, gsize *len)
{
  char *data = NULL;
  g_autoptr(GError) error = NULL;
  cr_assert (g_file_get_contents (path, &data, len, &error), "%s", error ? error->message : "");
  return data;
}

static void
skip_without_pdftoppm (void)
{
  g_autofree char *prog = g_find_program_in_path ("pdftoppm");
  if (!prog)
    cr_skip_test ("pdftoppm is not installed");
}

/* pdftoppm -gray -r 50 PDF PREFIX: PREFIX-N.pgm per page. */
static void
rasterise (const char *pdf, const char *prefix)
{
  g_autofree char *pdf_arg = g_strdup (pdf);
  g_autofree char *prefix_arg = g_strdup (prefix);
  char prog[] = "pdftoppm", gray[] = "-gray", res[] = "-r", dpi[] = "50";
  char *argv[] = { prog, gray, res, dpi, pdf_arg, prefix_arg, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                           NULL, &status, &error), "%s", error ? error->message : "");
  cr_assert (g_spawn_check_wait_status (status, &error), "pdftoppm: %s", error->message);
}

/* The next decimal header field of a binary PGM ("P5 W H MAX\n") from *POS;
 * *POS is left just after it. */
static guint64
pgm_token (const char *data, gsize len, gsize *pos)
{
  guint64 v = 0;
  while (*pos < len && g_ascii_isspace (data[*pos]))
    (*pos)++;
  while (*pos < len && g_ascii_isdigit (data[*pos]))
    v = v * 10 + (guint64) (data[(*pos)++] - '0');
  return v;
}

/* Pixels darker than mid-grey in a binary 8-bit PGM. */
static guint64
pgm_dark_pixels (const char *path)
{
  gsize len, pos = 2;
  g_autofree char *data = read_all (path, &len);

  cr_assert (len > 2 && data[0] == 'P' && data[1] == '5', "%s is not a binary PGM", path);
  guint64 w = pgm_token (data, len, &pos);
  guint64 h = pgm_token (data, len, &pos);
  guint64 max = pgm_token (data, len, &pos);
  pos++;                        /* the single whitespace before the pixels */
  cr_assert_eq (max, 255);
  cr_assert (w > 0 && h > 0 && pos + w * h <= len, "truncated PGM %s", path);
  guint64 dark = 0;
  for (guint64 i = 0; i < w * h; i++)
    dark += (guint8) data[pos + i] < 128;
  return dark;
}

static char *
render_pdf (const InvoiceDocument *doc, const char *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  cr_assert (invoicedoc_pdf (doc, path, &error), "%s", error ? error->message : "");
  return path;
}

Test (invoicedoc, pdf_renders_a_page)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (5);
  InvoiceDocument doc = document (inv, dests);
  g_autofree char *pdf = render_pdf (&doc, "invoice.pdf");
  gsize len;
  g_autofree char *data = read_all (pdf, &len);

  cr_assert (len > 1000 && g_str_has_prefix (data, "%PDF-"));
  skip_without_pdftoppm ();
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *page1 = g_build_filename (dir, "page-1.pgm", NULL);
  g_autofree char *page2 = g_build_filename (dir, "page-2.pgm", NULL);
  rasterise (pdf, prefix);
  guint64 dark = pgm_dark_pixels (page1);
  cr_assert (dark > 500, "page 1 looks blank: %" G_GUINT64_FORMAT " dark pixels", dark);
  cr_assert_not (g_file_test (page2, G_FILE_TEST_EXISTS), "a short invoice has one page");
}

Test (invoicedoc, pdf_long_appendix_spans_pages)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (200);
  InvoiceDocument doc = document (inv, dests);
  g_autofree char *pdf = render_pdf (&doc, "long.pdf");

  skip_without_pdftoppm ();
  g_autofree char *prefix = g_build_filename (dir, "long", NULL);
  g_autofree char *page2 = g_build_filename (dir, "long-2.pgm", NULL);
  rasterise (pdf, prefix);
  cr_assert (g_file_test (page2, G_FILE_TEST_EXISTS), "200 destinations fit on one page?");
  cr_assert (pgm_dark_pixels (page2) > 500, "page 2 looks blank");
}

Test (invoicedoc, pdf_is_reproducible)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (3);
  InvoiceDocument doc = document (inv, dests);
  doc.invoice_number = NULL;
  doc.status = "draft";
  g_autofree char *a = render_pdf (&doc, "a.pdf");
  g_usleep (1100 * 1000);       /* a clock-based date would now differ */
  g_autofree char *b = render_pdf (&doc, "b.pdf");
  gsize la, lb;
  g_autofree char *da = read_all (a, &la);
  g_autofree char *db = read_all (b, &lb);

  cr_assert (la == lb && memcmp (da, db, la) == 0, "two renderings differ");
  cr_assert_not_null (memmem (da, la, "20261201000000", 14),
                     "creation date not set from the issue date");
}

Test (invoicedoc, pdf_cannot_create)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  InvoiceDocument doc = document (inv, NULL);
  g_autofree char *path = g_build_filename (dir, "missing", "invoice.pdf", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_not (invoicedoc_pdf (&doc, path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT), "%s",
             error ? error->message : "no error");
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Table cells: shaped once per thread, drawn a page at a time {{{1 */

static void
skip_without_pdftotext (void)
{
  g_autofree char *prog = g_find_program_in_path ("pdftotext");
  if (!prog)
    cr_skip_test ("pdftotext is not installed");
}

/* pdftotext OPTION PDF -: the text, pages separated by form feeds. */
static char *
pdf_to_text (const char *pdf, const char *option)
{
  g_autofree char *pdf_arg = g_strdup (pdf);
  g_autofree char *opt_arg = g_strdup (option);
  char prog[] = "pdftotext", out[] = "-";
  char *argv[] = { prog, opt_arg, pdf_arg, out, NULL };
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  int status = -1;

  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, &text, NULL, &status, &error),
             "%s", error ? error->message : "");
  cr_assert (g_spawn_check_wait_status (status, &error), "pdftotext: %s", error->message);
  return text;
}

/* The pages of TEXT (pdftotext's, a form feed after each). */
static GStrv
text_pages (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\f", -1);
  guint n = g_strv_length (parts);
  if (n > 0 && parts[n - 1][0] == '\0')
    {
      g_free (parts[n - 1]);
      parts[n - 1] = NULL;
    }
  return g_steal_pointer (&parts);
}

static guint
count_lines_with (const char *text, const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;
  for (guint i = 0; lines[i]; i++)
    n += strstr (lines[i], needle) != NULL;
  return n;
}

/* "Destination K" rows of the appendix: every one of N once, in order,
 * each on a line of its own with its group and amount (but row BROKEN). */
static void
assert_rows_in_order_but (const char *layout_text, guint n, guint broken)
{
  g_auto(GStrv) lines = g_strsplit (layout_text, "\n", -1);
  guint next = 1, i = 0;
  for (; lines[i] && next < n; i++)
    {
      g_autofree char *want = g_strdup_printf ("Destination %u ", next);
      if (!strstr (lines[i], want))
        continue;
      cr_assert (next == broken
                 || (strstr (lines[i], next % 2 ? "INTL" : "MOBILE") && strstr (lines[i], "GBP")),
                 "row %u is not whole: \"%s\"", next, lines[i]);
      next++;
    }
  cr_assert_eq (next, n, "row %u missing or out of order", next);
  for (; lines[i]; i++)
    cr_assert_null (strstr (lines[i], "Destination 1 "), "a row twice: \"%s\"", lines[i]);
}

/* The box of the Nth word in pdftotext -bbox output BBOX that contains
 * WORD (the text an ellipsis stands for is one "word"). */
static gboolean
word_box_nth (const char *bbox, const char *word, guint nth, double *x_min, double *x_max,
              double *y_min)
{
  g_auto(GStrv) lines = g_strsplit (bbox, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char w[256];
      if (sscanf (lines[i], " <word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%*f\">%255[^<]",
                  x_min, y_min, x_max, w) == 4
          && strstr (w, word) && nth-- == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
word_box (const char *bbox, const char *word, double *x_min, double *x_max, double *y_min)
{
  return word_box_nth (bbox, word, 0, x_min, x_max, y_min);
}

static void
assert_rows_in_order (const char *layout_text, guint n)
{
  assert_rows_in_order_but (layout_text, n, 0);
}

static char *
render_destinations (guint n, const char *name)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (n);
  InvoiceDocument doc = document (inv, dests);
  return render_pdf (&doc, name);
}

/* Rows per page read from a long appendix, then appendices that end one
 * row before, exactly at and one row after the end of a page: no row lost,
 * doubled or moved, the header repeated on each new page, the page count
 * as the rows need. */
Test (invoicedoc, pdf_rows_at_page_boundaries)
{
  skip_without_pdftotext ();
  g_autofree char *long_pdf = render_destinations (200, "long.pdf");
  g_autofree char *long_text = pdf_to_text (long_pdf, "-layout");
  g_auto(GStrv) pages = text_pages (long_text);
  guint n_pages = g_strv_length (pages);

  cr_assert_geq (n_pages, 4, "200 rows on %u pages", n_pages);
  assert_rows_in_order (long_text, 200);
  /* the header, and row 0 (Côte d'Ivoire) for the header on page 1 */
  guint first = count_lines_with (pages[0], "Destination ");
  guint full = count_lines_with (pages[1], "Destination ") - 1;
  cr_assert (first > 0 && full > first, "rows per page: %u then %u", first, full);
  for (guint pg = 1; pg < n_pages; pg++)
    {
      const char *top = pages[pg];
      while (g_ascii_isspace (*top))
        top++;
      cr_assert (g_str_has_prefix (top, "Destination"), "page %u has no header", pg + 1);
      cr_assert (count_lines_with (pages[pg], "page ") == 1, "page %u footer", pg + 1);
    }
  for (guint pg = 1; pg + 1 < n_pages; pg++)
    cr_assert_eq (count_lines_with (pages[pg], "Destination ") - 1, full, "page %u not full", pg + 1);

  /* N rows end on page 2 exactly when N == first + full. */
  guint exact = first + full;
  for (guint n = exact - 1; n <= exact + 1; n++)
    {
      g_autofree char *name = g_strdup_printf ("rows-%u.pdf", n);
      g_autofree char *pdf = render_destinations (n, name);
      g_autofree char *text = pdf_to_text (pdf, "-layout");
      g_auto(GStrv) p = text_pages (text);
      guint want = n <= exact ? 2 : 3;
      cr_assert_eq (g_strv_length (p), want, "%u rows: %u pages, not %u", n, g_strv_length (p), want);
      assert_rows_in_order (text, n);
      g_autofree char *last = g_strdup_printf ("Destination %u ", n - 1);
      cr_assert (strstr (p[want - 1], last), "%u rows: the last row is not on the last page", n);
      if (n > exact)
        cr_assert_eq (count_lines_with (p[2], "Destination "), 2, "the header and one row");
    }
}

/* The right edges of the numeric columns line up whatever the widths of
 * their texts, the left edges of the text columns too. */
Test (invoicedoc, pdf_cells_aligned)
{
  skip_without_pdftotext ();
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (12);
  for (guint i = 1; i < dests->len; i++)
    {
      InvoiceDestination *d = dests->pdata[i];
      d->amount = (gint64) i * i * i * i * 1000000 + 10000;   /* 1.01 to 14641.01 */
    }
  InvoiceDocument doc = document (inv, dests);
  g_autofree char *pdf = render_pdf (&doc, "aligned.pdf");
  g_autofree char *bbox = pdf_to_text (pdf, "-bbox");
  g_auto(GStrv) lines = g_strsplit (bbox, "\n", -1);
  double gbp_right = -1, dest_left = -1;
  guint gbp = 0, dests_seen = 0;
  gboolean in_appendix = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      double x_min, x_max;
      char word[64];
      if (sscanf (lines[i], " <word xMin=\"%lf\" yMin=\"%*f\" xMax=\"%lf\" yMax=\"%*f\">%63[^<]",
                  &x_min, &x_max, word) != 3)
        continue;
      if (strcmp (word, "Appendix:") == 0)
        in_appendix = TRUE;
      if (!in_appendix)
        continue;
      if (strcmp (word, "GBP") == 0)
        {
          if (gbp_right < 0)
            gbp_right = x_max;
          cr_assert (fabs (x_max - gbp_right) < 0.05, "amount %u ends at %f, not %f", gbp, x_max,
                     gbp_right);
          gbp++;
        }
      if (strcmp (word, "Destination") == 0)
        {
          if (dest_left < 0)
            dest_left = x_min;
          cr_assert (fabs (x_min - dest_left) < 0.05, "destination starts at %f, not %f", x_min,
                     dest_left);
          dests_seen++;
        }
    }
  cr_assert_eq (gbp, 12, "%u amounts", gbp);
  cr_assert_eq (dests_seen, 12, "%u destinations (with the header)", dests_seen);
}

/* Texts the shaped cells do not draw themselves go through pango as
 * before: a destination too long for its column is ellipsized on its
 * line, right-to-left text and a character no font has are drawn, and
 * the rest of their rows stays in place. */
Test (invoicedoc, pdf_cells_pango_draws)
{
  skip_without_pdftotext ();
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (5);
  InvoiceDestination *d1 = dests->pdata[1], *d2 = dests->pdata[2], *d3 = dests->pdata[3];
  g_free (d1->destination);
  d1->destination = g_strdup ("Destination 1 with a name far too long for its column TAILEND");
  g_free (d2->destination);
  d2->destination = g_strdup ("Destination 2 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");  /* Hebrew */
  g_free (d3->destination);
  d3->destination = g_strdup ("Destination 3 \xf3\xb0\x80\x80 end"); /* U+F0000, private use */
  InvoiceDocument doc = document (inv, dests);
  g_autofree char *pdf = render_pdf (&doc, "fallback.pdf");
  g_autofree char *text = pdf_to_text (pdf, "-layout");

  assert_rows_in_order_but (text, 5, 3);       /* pango's box for U+F0000 shows its hex */
  assert_contains (text, "\xd7\xa9\xd7\x9c");   /* pdftotext splits the Hebrew word */
  assert_contains (text, "end");

  /* The ellipsis stands for the elided words in the PDF's text (pdftotext
   * reads them all), so their boxes tell: they end before the next column
   * starts, where they would reach far beyond it unellipsized. */
  g_autofree char *bbox = pdf_to_text (pdf, "-bbox");
  double tail_min, tail_max, tail_y, intl_min, intl_max, intl_y = -1, name_min, name_max, name_y;
  cr_assert (word_box (bbox, "TAILEND", &tail_min, &tail_max, &tail_y), "no TAILEND");
  cr_assert (word_box (bbox, "with", &name_min, &name_max, &name_y), "no name");
  for (guint i = 0; fabs (intl_y - tail_y) > 0.5; i++)
    cr_assert (word_box_nth (bbox, "INTL", i, &intl_min, &intl_max, &intl_y), "no INTL on the row");
  cr_assert (fabs (name_y - tail_y) < 0.5, "the name is on two lines");
  cr_assert (tail_max <= intl_min, "the name ends at %f, past the group at %f", tail_max, intl_min);
}

static gpointer
render_in_thread (gpointer data)
{
  const InvoiceDocument *doc = data;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "thread.pdf", NULL);
  if (!invoicedoc_pdf (doc, path, &error))
    g_clear_pointer (&path, g_free);
  return path;
}

/* The shaped cells are cached per thread: a document drawn with a cold
 * cache (a new thread), with a warm one, and after another document
 * filled the cache with other texts, has the same bytes. */
Test (invoicedoc, pdf_same_bytes_whatever_the_cache)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (120);
  InvoiceDocument doc = document (inv, dests);
  g_autoptr(Invoice) other_inv = invoice_new_test ("JPY", 0, MICRO (10));
  add_recurring (other_inv, "user", 3, MICRO (1500));
  set_totals (other_inv);
  g_autoptr(GPtrArray) other_dests = destinations_new (70);
  InvoiceDocument other = document (other_inv, other_dests);

  GThread *thread = g_thread_new ("pdf", render_in_thread, &doc);
  g_autofree char *cold = g_thread_join (thread);
  cr_assert_not_null (cold, "rendering on a new thread failed");
  gsize lc, lw, lo;
  g_autofree char *cold_data = read_all (cold, &lc);
  g_autofree char *first = render_pdf (&doc, "first.pdf");
  g_autofree char *other_pdf = render_pdf (&other, "other.pdf");
  g_autofree char *warm = render_pdf (&doc, "warm.pdf");
  g_autofree char *first_data = read_all (first, &lw);
  g_autofree char *warm_data = read_all (warm, &lo);

  cr_assert (lc == lw && memcmp (cold_data, first_data, lc) == 0, "cold and first differ");
  cr_assert (lc == lo && memcmp (cold_data, warm_data, lc) == 0, "cold and warm differ");
}

static void
set_destination (GPtrArray *dests, guint i, const char *name)
{
  InvoiceDestination *d = dests->pdata[i];
  g_free (d->destination);
  d->destination = g_strdup (name);
}

/* A page's glyphs are drawn a font at a time, in the order the page first
 * used them, not the order the thread first used them: here "𝔄" (U+1D504,
 * only in DejaVu Math TeX Gyre) and "ᴕ" (U+1D15, only in DejaVu Serif)
 * come from fallback fonts, which the warm thread met the other way round
 * (without those fonts both are boxes, drawn by pango: the test then
 * checks less). */
Test (invoicedoc, pdf_same_bytes_whatever_fonts_the_thread_used)
{
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests_a = destinations_new (3);
  g_autoptr(GPtrArray) dests_b = destinations_new (3);
  set_destination (dests_a, 1, "Destination 1 \xe1\xb4\x95");
  set_destination (dests_b, 1, "Destination 1 \xf0\x9d\x94\x84");
  set_destination (dests_b, 2, "Destination 2 \xe1\xb4\x95");
  InvoiceDocument a = document (inv, dests_a);
  InvoiceDocument b = document (inv, dests_b);

  GThread *thread = g_thread_new ("pdf", render_in_thread, &b);
  g_autofree char *cold = g_thread_join (thread);
  cr_assert_not_null (cold, "rendering on a new thread failed");
  gsize lc, lw;
  g_autofree char *cold_data = read_all (cold, &lc);
  g_autofree char *first = render_pdf (&a, "a.pdf");
  g_autofree char *warm = render_pdf (&b, "b.pdf");
  g_autofree char *warm_data = read_all (warm, &lw);

  cr_assert (lc == lw && memcmp (cold_data, warm_data, lc) == 0,
             "the same document differs after another one");
}

/* Texts outside the tables: shaped once per thread {{{1 */

/* An invoice with every kind of text pdf_text draws: parties with
 * addresses on several lines and one wrapped for its box, payment details,
 * the reverse-charge note, a name too long for its line (ellipsized), a
 * right-to-left one, a character no font has, the held calls of a draft,
 * and itemised calls. */
static Invoice *
invoice_with_parties (void)
{
  Invoice *inv = invoice_gbp ();
  InvoiceParties *p = invoice_parties_new ();
  p->seller_legal_name = g_strdup ("Northwind Telecom Limited");
  p->seller_address = g_strdup ("1 Harbour Street\nLondon E1 6AN\nUnited Kingdom");
  p->seller_vat_id = g_strdup ("GB123456789");
  p->seller_email = g_strdup ("billing@northwind.example");
  p->iban = g_strdup ("GB33BUKB20201555555555");
  p->bic = g_strdup ("BUKBGB22");
  p->terms_days = 14;
  p->buyer_legal_name = g_strdup ("Contoso Trading and Shipping Holdings of the Northern "
                                  "Hemisphere, a company with a name far too long for one line");
  p->buyer_address = g_strdup ("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d Street 5\n"
                               "Box \xf3\xb0\x80\x80\nParis");
  p->buyer_vat_id = g_strdup ("FR12345678901");
  p->reverse_charge = TRUE;
  cr_assert (invoice_parties_set_due (p, "2026-12-01"));
  inv->parties = p;
  inv->held_calls = 2;
  inv->held_amount = 1200000;
  return inv;
}

static GPtrArray *
calls_new (guint n)
{
  GPtrArray *calls = g_ptr_array_new_with_free_func (invoice_call_free);
  for (guint i = 0; i < n; i++)
    {
      InvoiceCall *c = g_new0 (InvoiceCall, 1);
      c->local_start = 1793577600 + (gint64) i * 3671;
      c->number = i % 7 ? g_strdup_printf ("44207946%04u", i) : NULL;
      c->duration = 17 + (gint64) i * 61;
      c->charge = 10000 + (gint64) i * 3301;
      g_ptr_array_add (calls, c);
    }
  return calls;
}

/* DOC rendered as NAME, then again with every text laid out and drawn by
 * pango (invoicedoc_pdf_set_pango_only): the same bytes. */
static void
assert_pango_bytes (const InvoiceDocument *doc, const char *name)
{
  g_autofree char *cached_name = g_strconcat ("cached-", name, NULL);
  g_autofree char *pango_name = g_strconcat ("pango-", name, NULL);
  g_autofree char *cached = render_pdf (doc, cached_name);
  invoicedoc_pdf_set_pango_only (TRUE);
  g_autofree char *pango = render_pdf (doc, pango_name);
  invoicedoc_pdf_set_pango_only (FALSE);
  gsize lc, lp;
  g_autofree char *cached_data = read_all (cached, &lc);
  g_autofree char *pango_data = read_all (pango, &lp);

  cr_assert (lc == lp && memcmp (cached_data, pango_data, lc) == 0,
             "%s: drawn from the cache (%zu bytes), not as pango draws it (%zu bytes)", name,
             lc, lp);
}

/* The texts outside the tables drawn from the cache (parties, title,
 * dates, totals, payment lines, table titles) give the bytes pango gives,
 * in an invoice, a draft, a credit note, and one without parties; the
 * second time from a warm cache. */
Test (invoicedoc, pdf_cached_texts_same_bytes_as_pango)
{
  g_autoptr(Invoice) inv = invoice_with_parties ();
  g_autoptr(GPtrArray) dests = destinations_new (60);
  g_autoptr(GPtrArray) calls = calls_new (150);
  InvoiceDestination *d1 = dests->pdata[1], *d2 = dests->pdata[2], *d3 = dests->pdata[3];
  g_free (d1->destination);
  d1->destination = g_strdup ("Destination 1 with a name far too long for its column TAILEND");
  g_free (d2->destination);
  d2->destination = g_strdup ("Destination 2 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
  g_free (d3->destination);
  d3->destination = g_strdup ("Destination 3 \xf3\xb0\x80\x80 end");

  InvoiceDocument doc = document (inv, dests);
  doc.calls = calls;
  doc.masked = TRUE;
  for (guint round = 0; round < 2; round++)
    assert_pango_bytes (&doc, "issued.pdf");

  InvoiceDocument draft = doc;
  draft.invoice_number = NULL;
  draft.status = "draft";
  assert_pango_bytes (&draft, "draft.pdf");

  InvoiceDocument credit = document (inv, NULL);
  credit.invoice_number = "NWT-202612-0001";
  credit.credited_invoice = "NWT-202611-0001";
  credit.reason = "Calls to a number that was not the customer\'s, refunded in full after "
                  "the dispute of 3 December, as agreed with the account manager on the phone";
  assert_pango_bytes (&credit, "credit.pdf");

  g_autoptr(Invoice) plain = invoice_gbp ();
  InvoiceDocument no_parties = document (plain, NULL);
  no_parties.operator_name = NULL;
  assert_pango_bytes (&no_parties, "plain.pdf");
}

/* Cells of figures, dates, numbers, and capitals that pango kerns or does
 * not ("AV", "LT", "TY", "W.", "Y,"), placed from the table of simple
 * characters where they can be: the bytes pango's shaping gives, in a
 * cold and a warm thread, whether a cell fits its column or not. */
Test (invoicedoc, pdf_simple_cells_same_bytes_as_pango)
{
  static const char *const names[] = {
    "AVATAR LTD", "LTYW.AV", "TY, WA. YO", "ATLAS 24/7 (FREE)", "P.O. BOX 12-34",
    "+44 20 7946 0000", "100% ON-NET", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", " 1  2 ", "#*;:",
  };
  g_autoptr(Invoice) inv = invoice_with_parties ();
  g_autoptr(GPtrArray) dests = destinations_new (2 * G_N_ELEMENTS (names));
  g_autoptr(GPtrArray) calls = calls_new (120);
  for (guint i = 0; i < dests->len; i++)
    {
      InvoiceDestination *d = dests->pdata[i];
      g_free (d->destination);
      g_free (d->group);
      d->destination = g_strdup (names[i % G_N_ELEMENTS (names)]);
      d->group = g_strdup (names[(i + 3) % G_N_ELEMENTS (names)]);
      d->amount = -(gint64) i * 1234567891;
    }
  InvoiceDocument doc = document (inv, dests);
  doc.calls = calls;
  for (guint round = 0; round < 2; round++)
    assert_pango_bytes (&doc, "simple.pdf");
}

typedef struct {
  const InvoiceDocument *docs;
  guint n_docs;
  guint rounds;
  char *dir;                    /* where this thread writes */
  gboolean same;                /* every rendering equal to the first of its doc */
} RenderLoop;

/* Render every document of L ROUNDS times, in a thread of its own, and
 * check that each rendering of a document gives the bytes of its first. */
static gpointer
render_loop (gpointer data)
{
  RenderLoop *l = data;
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  l->same = TRUE;
  for (guint r = 0; r < l->rounds; r++)
    for (guint i = 0; i < l->n_docs; i++)
      {
        g_autofree char *name = g_strdup_printf ("doc-%u.pdf", i);
        g_autofree char *path = g_build_filename (l->dir, name, NULL);
        g_autoptr(GError) error = NULL;
        gsize len;
        if (!invoicedoc_pdf (&l->docs[i], path, &error))
          {
            l->same = FALSE;
            return NULL;
          }
        char *bytes = NULL;
        if (!g_file_get_contents (path, &bytes, &len, NULL))
          {
            l->same = FALSE;
            return NULL;
          }
        GBytes *b = g_bytes_new_take (bytes, len);
        if (r == 0)
          g_ptr_array_add (first, b);
        else
          {
            l->same = l->same && g_bytes_equal (b, first->pdata[i]);
            g_bytes_unref (b);
          }
      }
  return NULL;
}

/* Two threads rendering the same documents at the same time, each with its
 * own cache, give the bytes one thread gives alone. */
Test (invoicedoc, pdf_cached_texts_two_threads)
{
  g_autoptr(Invoice) inv = invoice_with_parties ();
  g_autoptr(Invoice) plain = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (80);
  InvoiceDocument docs[3] = { document (inv, dests), document (plain, dests),
                              document (inv, NULL) };
  docs[2].invoice_number = NULL;
  docs[2].status = "draft";

  g_autofree char *alone_dir = g_build_filename (dir, "alone", NULL);
  g_autofree char *dir_a = g_build_filename (dir, "a", NULL);
  g_autofree char *dir_b = g_build_filename (dir, "b", NULL);
  cr_assert (g_mkdir (alone_dir, 0700) == 0 && g_mkdir (dir_a, 0700) == 0
             && g_mkdir (dir_b, 0700) == 0);
  RenderLoop alone = { docs, G_N_ELEMENTS (docs), 1, alone_dir, FALSE };
  RenderLoop a = { docs, G_N_ELEMENTS (docs), 4, dir_a, FALSE };
  RenderLoop b = { docs, G_N_ELEMENTS (docs), 4, dir_b, FALSE };

  g_thread_join (g_thread_new ("alone", render_loop, &alone));
  GThread *ta = g_thread_new ("a", render_loop, &a);
  GThread *tb = g_thread_new ("b", render_loop, &b);
  g_thread_join (ta);
  g_thread_join (tb);
  cr_assert (a.same && b.same, "a thread gave different bytes for the same document");
  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autofree char *name = g_strdup_printf ("doc-%u.pdf", i);
      g_autofree char *pa = g_build_filename (alone_dir, name, NULL);
      g_autofree char *pb = g_build_filename (dir_a, name, NULL);
      g_autofree char *pc = g_build_filename (dir_b, name, NULL);
      gsize la, lb, lc;
      g_autofree char *da = read_all (pa, &la);
      g_autofree char *db = read_all (pb, &lb);
      g_autofree char *dc = read_all (pc, &lc);
      cr_assert (la == lb && memcmp (da, db, la) == 0, "document %u differs on thread a", i);
      cr_assert (la == lc && memcmp (da, dc, la) == 0, "document %u differs on thread b", i);
    }
}

/* With INVOICEDOC_SAMPLE=FILE.pdf, keep one rendering to look at (and its
 * HTML as FILE.pdf.html). */
Test (invoicedoc, sample)
{
  const char *sample = g_getenv ("INVOICEDOC_SAMPLE");
  if (!sample)
    cr_skip_test ("INVOICEDOC_SAMPLE not set");
  g_autoptr(Invoice) inv = invoice_gbp ();
  g_autoptr(GPtrArray) dests = destinations_new (60);
  InvoiceDocument doc = document (inv, dests);
  g_autoptr(GError) error = NULL;

  cr_assert (invoicedoc_pdf (&doc, sample, &error), "%s", error ? error->message : "");
  g_autofree char *html = invoicedoc_html (&doc);
  g_autofree char *html_path = g_strconcat (sample, ".html", NULL);
  cr_assert (g_file_set_contents (html_path, html, -1, NULL));
}
