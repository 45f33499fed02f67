/* invoicedoc.c — an invoice as HTML and as an A4 PDF (cairo + pango).
 *
 * Both renderers work from one neutral model built first: DocTable (a title,
 * its columns and rows of already formatted cell strings) for the invoice
 * lines and the appendix, and DocSummary (number, subtotal, tax label, tax,
 * total as text).  So the two documents cannot disagree on a figure, and all
 * money formatting happens in one place, with integer decimals only (cairo
 * coordinates are doubles; amounts never are).  The HTML writer escapes every
 * cell; the PDF writer sets cells as plain text (no markup), one row at a
 * time, starting a new page (and repeating the table header) when the next
 * row does not fit; table cells are shaped by pango once per thread and
 * drawn a page at a time (see "Shaped cells"), the other texts in the
 * regular and bold fonts shaped once per thread too and drawn as pango
 * would draw them (pdf_text).  The PDF is made in memory and written at
 * once.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "base/decimal.h"
#include "bill/invoicedoc.h"
#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/timeparse.h"

/* The document model {{{1 */

typedef struct {
  const char *header;
  double weight;                /* share of the table width */
  gboolean numeric;             /* right-aligned */
} DocColumn;

typedef struct {
  const char *title;
  const DocColumn *cols;
  guint n_cols;
  GPtrArray *rows;              /* GStrv of n_cols cells, owned */
  const char *empty;            /* shown instead of rows when there are none */
} DocTable;

typedef struct {
  char *number;                 /* invoice number, or "DRAFT" */
  char *subtotal;
  char *tax_label;              /* "Tax (20 %)" */
  char *tax;
  char *total;
} DocSummary;

static const DocColumn line_cols[] = {
  { "Kind", 1.0, FALSE },
  { "Description", 2.7, FALSE },
  { "Quantity", 1.0, TRUE },
  { "Minutes", 1.0, TRUE },
  { "Amount", 1.4, TRUE },
};

static const DocColumn dest_cols[] = {
  { "Destination", 2.6, FALSE },
  { "Group", 1.1, FALSE },
  { "Calls", 0.8, TRUE },
  { "Minutes", 1.0, TRUE },
  { "Amount", 1.4, TRUE },
};

static const DocColumn call_cols[] = {
  { "Start (local)", 1.6, FALSE },
  { "Number", 1.6, FALSE },
  { "Duration", 0.9, TRUE },
  { "Charge", 1.3, TRUE },
};

static void
doc_table_free (DocTable *t)
{
  if (!t)
    return;
  g_ptr_array_unref (t->rows);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DocTable, doc_table_free)

static void
doc_summary_free (DocSummary *s)
{
  if (!s)
    return;
  g_free (s->number);
  g_free (s->subtotal);
  g_free (s->tax_label);
  g_free (s->tax);
  g_free (s->total);
  g_free (s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DocSummary, doc_summary_free)

static DocTable *
doc_table_new (const char *title, const DocColumn *cols, guint n_cols, const char *empty)
{
  DocTable *t = g_new0 (DocTable, 1);
  t->title = title;
  t->cols = cols;
  t->n_cols = n_cols;
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  t->empty = empty;
  return t;
}

/* Formatting {{{1 */

/* "118.33 GBP": MICRO with exactly the currency's minor digits. */
static char *
format_money (gint64 micro, const Invoice *inv)
{
  char buf[32];
  return g_strdup_printf ("%s %s", decimal_format (micro, inv->minor_units, buf),
                          inv->currency);
}

/* Billable seconds as minutes with two decimals, rounded half up. */
static char *
format_minutes (guint64 seconds)
{
  char buf[32];
  gint64 s = (gint64) MIN (seconds, (guint64) G_MAXINT64 / DECIMAL_MICRO);
  return g_strdup (decimal_format (decimal_mul_div_round_half_up (s, DECIMAL_MICRO, 60), 2, buf));
}

/* A micro-percent tax rate without trailing zeros: "20", "8.875". */
static char *
format_rate (gint64 micro_percent)
{
  char buf[32];
  char *s = g_strdup (decimal_format (micro_percent, 6, buf));
  char *end = s + strlen (s);
  while (end > s && end[-1] == '0')
    *--end = '\0';
  if (end > s && end[-1] == '.')
    end[-1] = '\0';
  return s;
}

static char *
number_type_label (const char *type)
{
  if (g_strcmp0 (type, "user") == 0)
    return g_strdup ("User numbers");
  if (g_strcmp0 (type, "service") == 0)
    return g_strdup ("Service numbers");
  if (g_strcmp0 (type, "tollfree") == 0)
    return g_strdup ("Toll-free numbers");
  return g_strdup_printf ("Numbers (%s)", type ? type : "?");
}

/* "User numbers", "Usage out MOBILE", "Late usage out INTL (2026-09, 2026-10)". */
static char *
line_description (const InvoiceLine *l)
{
  if (l->kind == INVOICE_LINE_RECURRING)
    return number_type_label (l->number_type);
  if (l->kind == INVOICE_LINE_USAGE)
    return g_strdup_printf ("Usage %s %s", l->direction, l->group);
  if (l->kind == INVOICE_LINE_ADJUSTMENT)
    return g_strdup (l->description);

  g_autoptr(GString) periods = g_string_new (NULL);
  for (guint i = 0; l->periods && i < l->periods->len; i++)
    g_string_append_printf (periods, "%s%s", i ? ", " : "",
                            (const char *) g_ptr_array_index (l->periods, i));
  return g_strdup_printf ("Late usage %s %s (%s)", l->direction, l->group, periods->str);
}

static char **
line_row (const InvoiceLine *l, const Invoice *inv)
{
  gboolean recurring = l->kind == INVOICE_LINE_RECURRING;
  char **row = g_new0 (char *, G_N_ELEMENTS (line_cols) + 1);
  row[0] = g_strdup (invoice_line_kind_to_string (l->kind));
  row[1] = line_description (l);
  gboolean adjustment = l->kind == INVOICE_LINE_ADJUSTMENT;
  row[2] = adjustment ? g_strdup ("")
                      : g_strdup_printf ("%" G_GUINT64_FORMAT, recurring ? l->quantity : l->calls);
  row[3] = recurring || adjustment ? g_strdup ("") : format_minutes (l->billable_seconds);
  row[4] = format_money (l->amount, inv);
  return row;
}

static char **
dest_row (const InvoiceDestination *d, const Invoice *inv)
{
  char **row = g_new0 (char *, G_N_ELEMENTS (dest_cols) + 1);
  row[0] = g_strdup (d->destination ? d->destination : "");
  row[1] = g_strdup (d->group ? d->group : "");
  row[2] = g_strdup_printf ("%" G_GUINT64_FORMAT, d->calls);
  row[3] = format_minutes (d->billable_seconds);
  row[4] = format_money (d->amount, inv);
  return row;
}

static DocTable *
lines_table (const Invoice *inv)
{
  DocTable *t = doc_table_new ("Charges", line_cols, G_N_ELEMENTS (line_cols), "No charges.");
  for (guint i = 0; i < inv->lines->len; i++)
    g_ptr_array_add (t->rows, line_row (g_ptr_array_index (inv->lines, i), inv));
  return t;
}

static DocTable *
appendix_table (const InvoiceDocument *doc)
{
  DocTable *t = doc_table_new ("Appendix: usage by destination", dest_cols,
                               G_N_ELEMENTS (dest_cols), "No usage in this period.");
  for (guint i = 0; doc->destinations && i < doc->destinations->len; i++)
    g_ptr_array_add (t->rows, dest_row (g_ptr_array_index (doc->destinations, i), doc->invoice));
  return t;
}

/* "+4420794600XXX": the number with its last three digits hidden when
 * MASKED; "withheld" for none. */
static char *
format_number (const char *digits, gboolean masked)
{
  if (!digits || !*digits)
    return g_strdup ("withheld");
  char *s = g_strconcat ("+", digits, NULL);
  gsize n = strlen (s);
  for (gsize i = n > 4 ? n - 3 : 1; masked && i < n; i++)
    s[i] = 'X';
  return s;
}

static char **
call_row (const InvoiceCall *c, const Invoice *inv, gboolean masked)
{
  char **row = g_new0 (char *, G_N_ELEMENTS (call_cols) + 1);
  gint64 days = c->local_start >= 0 ? c->local_start / 86400 : -((-c->local_start + 86399) / 86400);
  gint64 secs = c->local_start - days * 86400;
  int y, m, d;
  char buf[32];

  time_civil_from_days (days, &y, &m, &d);
  row[0] = g_strdup_printf ("%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int) (secs / 3600),
                            (int) (secs / 60 % 60), (int) (secs % 60));
  row[1] = format_number (c->number, masked);
  row[2] = g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", c->duration / 3600,
                            (int) (c->duration / 60 % 60), (int) (c->duration % 60));
  row[3] = g_strdup_printf ("%s %s", decimal_format (c->charge, 6, buf), inv->currency);
  return row;
}

/* The itemised calls (billing.md §11), or NULL when the document has none. */
static DocTable *
calls_table (const InvoiceDocument *doc)
{
  if (!doc->calls || doc->credited_invoice)
    return NULL;
  DocTable *t = doc_table_new (doc->masked ? "Appendix: itemised calls (numbers masked)"
                                           : "Appendix: itemised calls",
                               call_cols, G_N_ELEMENTS (call_cols), "No charged calls.");
  for (guint i = 0; i < doc->calls->len; i++)
    g_ptr_array_add (t->rows, call_row (doc->calls->pdata[i], doc->invoice, doc->masked));
  return t;
}

static DocSummary *
doc_summary_new (const InvoiceDocument *doc)
{
  const Invoice *inv = doc->invoice;
  g_autofree char *rate = format_rate (inv->tax_rate);
  DocSummary *s = g_new0 (DocSummary, 1);

  s->number = g_strdup (doc->invoice_number ? doc->invoice_number : "DRAFT");
  s->subtotal = format_money (inv->subtotal, inv);
  s->tax_label = g_strdup_printf ("Tax (%s %%)", rate);
  s->tax = format_money (inv->tax, inv);
  s->total = format_money (inv->total, inv);
  return s;
}

/* "Invoice", or "Credit note" for a credit note. */
static const char *
doc_title (const InvoiceDocument *doc)
{
  return doc->credited_invoice ? "Credit note" : "Invoice";
}

static gboolean
doc_is_draft (const InvoiceDocument *doc)
{
  return doc->invoice_number == NULL || g_strcmp0 (doc->status, "draft") == 0;
}

static const char *
str_or_empty (const char *s)
{
  return s ? s : "";
}

/* "30 days net". */
static char *
terms_text (const InvoiceParties *p)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT " days net", p->terms_days);
}

/* "Held under dispute, not billed: 2 calls, 1.20 GBP" (a draft, dispute.h). */
static char *
held_text (const Invoice *inv)
{
  char buf[32];
  return g_strdup_printf ("Held under dispute, not billed: %" G_GUINT64_FORMAT " call%s, %s %s",
                          inv->held_calls, inv->held_calls == 1 ? "" : "s",
                          decimal_format (inv->held_amount, inv->minor_units, buf), inv->currency);
}

/* The payment details and notes under the totals (billing.md §11), one
 * line each: none for an invoice without parties, but the calls a draft
 * holds under dispute. */
static GPtrArray *
payment_lines (const InvoiceDocument *doc)
{
  const InvoiceParties *p = doc->invoice->parties;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  char buf[32];

  if (doc->credited_invoice)
    {
      g_ptr_array_add (lines, g_strdup_printf ("Credits invoice %s: %s", doc->credited_invoice,
                                               str_or_empty (doc->reason)));
      if (p && p->reverse_charge)
        g_ptr_array_add (lines, g_strdup (INVOICE_REVERSE_CHARGE_NOTE));
      return lines;
    }
  if (doc->invoice->held_calls)
    g_ptr_array_add (lines, held_text (doc->invoice));
  if (!p)
    return lines;
  g_ptr_array_add (lines, g_strdup_printf ("Please pay %s %s by %s%s%s.",
                                           decimal_format (doc->invoice->total,
                                                           doc->invoice->minor_units, buf),
                                           doc->invoice->currency, str_or_empty (p->due_on),
                                           doc->invoice_number ? ", quoting " : "",
                                           doc->invoice_number ? doc->invoice_number : ""));
  if (p->iban)
    g_ptr_array_add (lines, g_strdup_printf ("IBAN %s%s%s", p->iban, p->bic ? " \xc2\xb7 BIC " : "",
                                             p->bic ? p->bic : ""));
  else if (p->bic)
    g_ptr_array_add (lines, g_strdup_printf ("BIC %s", p->bic));
  if (p->reverse_charge)
    g_ptr_array_add (lines, g_strdup (INVOICE_REVERSE_CHARGE_NOTE));
  return lines;
}

/* HTML {{{1 */

static const char html_style[] =
  "@page { size: A4; margin: 18mm 15mm 20mm 15mm; }\n"
  "body { font-family: \"DejaVu Sans\", Arial, sans-serif; font-size: 10pt; color: #111;"
  " margin: 0 auto; max-width: 180mm; }\n"
  "h1 { font-size: 18pt; margin: 0 0 4mm; }\n"
  "h2 { font-size: 12pt; margin: 8mm 0 2mm; }\n"
  ".parties { display: flex; justify-content: space-between; margin-bottom: 6mm; }\n"
  ".parties div { width: 48%; }\n"
  ".label { color: #555; font-size: 8pt; text-transform: uppercase; }\n"
  ".draft { color: #a00; font-weight: bold; letter-spacing: 0.2em; }\n"
  "dl.meta { display: grid; grid-template-columns: 35mm auto; gap: 1mm 4mm; margin: 0; }\n"
  "dl.meta dt { color: #555; } dl.meta dd { margin: 0; }\n"
  "table { width: 100%; border-collapse: collapse; }\n"
  "th, td { padding: 1.2mm 2mm; border-bottom: 0.2mm solid #ccc; text-align: left;"
  " vertical-align: top; }\n"
  "th { background: #eee; border-bottom: 0.3mm solid #888; }\n"
  "td.num, th.num { text-align: right; white-space: nowrap; }\n"
  "thead { display: table-header-group; }\n"
  "tr { page-break-inside: avoid; break-inside: avoid; }\n"
  "table.totals { width: auto; margin: 4mm 0 0 auto; }\n"
  "table.totals td { border: none; padding: 0.8mm 2mm; }\n"
  "table.totals tr.total td { font-weight: bold; border-top: 0.3mm solid #111; }\n"
  ".appendix { page-break-before: auto; }\n"
  "@media print { body { max-width: none; } }\n";

/* TEXT escaped as g_markup_escape_text() escapes it.  Most cells are
 * plain printable ASCII that it returns as they are: those are appended
 * directly (allocating every cell's copy was a third of the page's work). */
static void
html_text (GString *out, const char *text)
{
  text = str_or_empty (text);
  const char *c = text;
  while (*c >= 0x20 && *c <= 0x7e && *c != '&' && *c != '<' && *c != '>' && *c != '\''
         && *c != '"')
    c++;
  if (*c == '\0')
    {
      g_string_append_len (out, text, c - text);
      return;
    }
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

/* <TAG class="CLASS">escaped TEXT</TAG>; CLASS may be NULL. */
static void
html_elem (GString *out, const char *tag, const char *klass, const char *text)
{
  g_string_append_c (out, '<');
  g_string_append (out, tag);
  if (klass)
    {
      g_string_append (out, " class=\"");
      g_string_append (out, klass);
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '>');
  html_text (out, text);
  g_string_append (out, "</");
  g_string_append (out, tag);
  g_string_append_c (out, '>');
}

static void
html_meta (GString *out, const char *term, const char *value)
{
  html_elem (out, "dt", NULL, term);
  html_elem (out, "dd", NULL, value);
  g_string_append_c (out, '\n');
}

static void
html_head (GString *out, const InvoiceDocument *doc, const DocSummary *s)
{
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  g_string_append_printf (out, "<title>%s ", doc_title (doc));
  html_text (out, s->number);
  g_string_append_printf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", html_style);
}

/* "<div>PREFIX escaped TEXT</div>" when TEXT is set. */
static void
html_div_if (GString *out, const char *klass, const char *prefix, const char *text)
{
  if (!text)
    return;
  g_autofree char *line = g_strconcat (prefix, text, NULL);
  html_elem (out, "div", klass, line);
}

/* A party's legal name, address (one div per line), VAT id and e-mail. */
static void
html_party_details (GString *out, const char *legal_name, const char *address,
                    const char *vat_id, const char *email)
{
  html_div_if (out, "legal-name", "", legal_name);
  if (address)
    {
      g_auto(GStrv) lines = g_strsplit (address, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        html_div_if (out, "address", "", lines[i]);
    }
  html_div_if (out, "vat-id", "VAT ID ", vat_id);
  html_div_if (out, "email", "", email);
}

static void
html_parties (GString *out, const InvoiceDocument *doc)
{
  const Invoice *inv = doc->invoice;
  const InvoiceParties *p = inv->parties;

  g_string_append (out, "<div class=\"parties\">\n<div>");
  html_elem (out, "div", "label", "From");
  html_elem (out, "div", "operator", doc->operator_name);
  if (p)
    html_party_details (out, p->seller_legal_name, p->seller_address, p->seller_vat_id,
                        p->seller_email);
  g_string_append (out, "</div>\n<div>");
  html_elem (out, "div", "label", "Bill to");
  html_elem (out, "div", "customer", doc->customer_name);
  if (p)
    html_party_details (out, p->buyer_legal_name, p->buyer_address, p->buyer_vat_id, NULL);
  g_string_append (out, "<div>Account ");
  html_text (out, inv->account);
  g_string_append (out, "</div>");
  if (inv->tenant_id)
    {
      g_string_append (out, "<div>Tenant ");
      html_text (out, inv->tenant_id);
      g_string_append (out, "</div>");
    }
  g_string_append (out, "</div>\n</div>\n");
}

static void
html_title (GString *out, const InvoiceDocument *doc, const DocSummary *s)
{
  g_string_append_printf (out, "<h1>%s ", doc_title (doc));
  html_text (out, s->number);
  g_string_append (out, "</h1>\n");
  if (doc_is_draft (doc))
    html_elem (out, "p", "draft", "DRAFT \xe2\x80\x94 not a valid invoice");
  g_string_append (out, "<dl class=\"meta\">\n");
  html_meta (out, doc->credited_invoice ? "Credit note number" : "Invoice number", s->number);
  if (doc->credited_invoice)
    html_meta (out, "Credits invoice", doc->credited_invoice);
  html_meta (out, "Issue date", doc->issue_date);
  if (doc->invoice->parties && !doc->credited_invoice)
    {
      g_autofree char *terms = terms_text (doc->invoice->parties);
      html_meta (out, "Due date", doc->invoice->parties->due_on);
      html_meta (out, "Payment terms", terms);
    }
  html_meta (out, "Period", doc->invoice->period);
  html_meta (out, "Status", doc->status);
  html_meta (out, "Currency", doc->invoice->currency);
  g_string_append (out, "</dl>\n");
}

static void
html_row (GString *out, const DocTable *t, const char *const *cells, const char *cell_tag)
{
  g_string_append (out, "<tr>");
  for (guint c = 0; c < t->n_cols; c++)
    html_elem (out, cell_tag, t->cols[c].numeric ? "num" : NULL, cells[c]);
  g_string_append (out, "</tr>\n");
}

static void
html_table (GString *out, const DocTable *t)
{
  g_autofree const char **headers = g_new0 (const char *, t->n_cols + 1);
  for (guint c = 0; c < t->n_cols; c++)
    headers[c] = t->cols[c].header;

  html_elem (out, "h2", NULL, t->title);
  g_string_append (out, "\n<table>\n<thead>");
  html_row (out, t, headers, "th");
  g_string_append (out, "</thead>\n<tbody>\n");
  for (guint r = 0; r < t->rows->len; r++)
    html_row (out, t, g_ptr_array_index (t->rows, r), "td");
  if (t->rows->len == 0)
    {
      g_string_append_printf (out, "<tr><td colspan=\"%u\">", t->n_cols);
      html_text (out, t->empty);
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody>\n</table>\n");
}

static void
html_total_row (GString *out, const char *klass, const char *label, const char *value)
{
  g_string_append_printf (out, "<tr class=\"%s\">", klass);
  html_elem (out, "td", NULL, label);
  html_elem (out, "td", "num", value);
  g_string_append (out, "</tr>\n");
}

static void
html_totals (GString *out, const DocSummary *s)
{
  g_string_append (out, "<table class=\"totals\">\n");
  html_total_row (out, "subtotal", "Subtotal", s->subtotal);
  html_total_row (out, "tax", s->tax_label, s->tax);
  html_total_row (out, "total", "Total", s->total);
  g_string_append (out, "</table>\n");
}

char *
invoicedoc_html (const InvoiceDocument *doc)
{
  g_return_val_if_fail (doc != NULL && doc->invoice != NULL, NULL);

  g_autoptr(DocSummary) s = doc_summary_new (doc);
  g_autoptr(DocTable) lines = lines_table (doc->invoice);
  g_autoptr(DocTable) appendix = appendix_table (doc);
  GString *out = g_string_new (NULL);

  html_head (out, doc, s);
  html_parties (out, doc);
  html_title (out, doc, s);
  html_table (out, lines);
  html_totals (out, s);
  g_autoptr(GPtrArray) payment = payment_lines (doc);
  for (guint i = 0; i < payment->len; i++)
    html_elem (out, "p", "payment", payment->pdata[i]);
  if (payment->len)
    g_string_append_c (out, '\n');
  if (!doc->credited_invoice)
    {
      g_string_append (out, "<section class=\"appendix\">\n");
      html_table (out, appendix);
      g_string_append (out, "</section>\n");
    }
  g_autoptr(DocTable) calls = calls_table (doc);
  if (calls)
    {
      g_string_append (out, "<section class=\"appendix calls\">\n");
      html_table (out, calls);
      g_string_append (out, "</section>\n");
    }
  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

/* PDF {{{1 */

/* A4 in PostScript points, and the layout grid. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 48.0
#define MARGIN_TOP 50.0
#define MARGIN_BOTTOM 56.0
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define CELL_PAD 4.0
#define ROW_PAD 3.0

/* Table cells are most of a document (an appendix page is some 250 of
 * them), and a PangoLayout plus a cairo text operation per cell was most of
 * its cost.  So a cell's text is shaped once per thread (PdfShaped: its
 * glyphs, positioned exactly as pango_cairo_show_layout would place them)
 * and a page's cells are drawn as one cairo_show_text_glyphs per font
 * (PdfBatch, with the text clusters pango gives cairo, so the PDF's text
 * is the same), and a page's row rules as one stroke.  Text the cache
 * cannot place exactly as pango would (several lines, right-to-left, a
 * missing glyph, too wide so to be ellipsized) is drawn by pdf_text as
 * before. */

typedef struct {
  cairo_scaled_font_t *font;    /* owned reference */
  int x;                        /* the run's origin on the line, pango units */
  int y;                        /* the run's vertical offset (raised text) */
  int line_x;                   /* its line's logical x, pango units */
  int baseline;                 /* its line's baseline from the top */
  guint n_glyphs;
  guint n_clusters;
  int text_len;
  const cairo_glyph_t *glyphs;  /* the drawn ones, x and y from the run's
                                 * origin (points) */
  const cairo_text_cluster_t *clusters; /* over TEXT and GLYPHS */
  const char *text;
} PdfRun;

/* A text shaped on one line, in one block: this, the text, the runs, their
 * glyphs, clusters and texts. */
typedef struct {
  int width;                    /* the line's logical width, pango units */
  int x;                        /* the line's logical x (with the layout's
                                 * alignment when it has a width) */
  int baseline;                 /* from the top of the cell */
  int height;                   /* the layout's logical height, pango units */
  gboolean drawable;            /* FALSE: pdf_layout_text draws this text */
  guint n_runs;
  PdfRun *runs;
  char key[];                   /* the text; for pdf_text's texts, the
                                 * layout's settings then the text */
} PdfShaped;

typedef struct {
  cairo_scaled_font_t *font;    /* owned reference */
  GArray *glyphs;               /* cairo_glyph_t */
  GArray *clusters;             /* cairo_text_cluster_t */
  GString *text;
  gboolean queued;              /* holds glyphs of the page */
  guint64 order;                /* then: when it was first given some */
} PdfBatch;

/* The cells shaped on this thread, in every document it rendered: names,
 * groups, figures and currencies repeat from row to row and from invoice to
 * invoice, labels, dates and terms from invoice to invoice.  Valid while
 * pango gives the same fonts for the descriptions (each thread has its own
 * font map); dropped when they change or the cache outgrows PDF_SHAPED_MAX,
 * never while a document is drawn. */
enum { PDF_CELL, PDF_CELL_BOLD, PDF_FOOTER, PDF_TEXT, PDF_TEXT_BOLD, PDF_N_SHAPED };

/* Most cells shaped are figures, dates, durations and numbers, new in
 * every row (times, charges), so shaping them was a sixth of a document
 * even with the cache.  Their characters are each one glyph of the cell
 * font, one cluster, placed one after the other: a regular cell made only
 * of PDF_SIMPLE_CHARS whose neighbours pango shapes as each alone (no
 * kerning, no ligature: checked on every pair once per thread) is placed
 * from this table, with the arithmetic pdf_shape and pdf_batch_shaped use,
 * without pango or the cache. */
#define PDF_SIMPLE_CHARS "0123456789 .,:;-+/()%#*ABCDEFGHIJKLMNOPQRSTUVWXYZ"

typedef struct {
  gboolean built;               /* for the cell font of PdfShapeCache.primary */
  cairo_scaled_font_t *font;    /* owned: every simple glyph's; NULL: none */
  int height, baseline;         /* of a line, pango units */
  int width[128];               /* a character's advance; -1: not simple */
  unsigned long glyph[128];
  guint8 pair_ok[128][128];     /* the pair shapes as its two characters */
} PdfSimple;

typedef struct {
  cairo_scaled_font_t *primary[PDF_N_SHAPED]; /* owned: the fonts of SHAPED's texts */
  GHashTable *shaped[PDF_N_SHAPED]; /* key -> PdfShaped: regular and bold cells,
                                 * footers, pdf_text's regular and bold texts */
  GPtrArray *batches;           /* PdfBatch: Pdf's, kept so their arrays are */
  GPtrArray *footer;            /* not grown again for every document */
  GArray *glyphs;               /* cairo_glyph_t: pdf_show_shaped's, kept too */
  GString *key;                 /* pdf_shaped_text's */
  PdfSimple simple;             /* the regular cells' simple characters */
} PdfShapeCache;

#define PDF_SHAPED_MAX 50000

typedef struct {
  const InvoiceDocument *doc;
  const DocSummary *summary;
  cairo_t *cr;
  PangoLayout *layout;
  PangoLayout *shaper;          /* pdf_shape's for cells, made on first use */
  PangoLayout *footer_shaper;   /* and for footers */
  PangoLayout *text_shaper;     /* and for pdf_text's texts */
  PangoFontDescription *regular;
  PangoFontDescription *bold;
  PangoFontDescription *title;
  double y;                     /* top of the next thing to draw */
  guint page;                   /* pages started so far */
  double row_h;                 /* pdf_row_height (), once measured; 0 before */
  PdfShapeCache *shapes;        /* this thread's */
  GPtrArray *batches;           /* PdfBatch by first use; the page's cells */
  GPtrArray *footer;            /* PdfBatch, the footer's while drawn; both
                                 * this thread's (PdfShapeCache) */
  GArray *rules;                /* double: y of the page's pending row rules */
  gboolean pango_only;          /* invoicedoc_pdf_set_pango_only: pdf_text as before */
  guint64 batch_order;          /* PdfBatch.order of the next batch queued */
} Pdf;

/* Draw TEXT at (X, p->y) in a box WIDTH wide; one ellipsized line when
 * SINGLE_LINE, else wrapped: laid out and drawn by pango.  Returns the
 * height used. */
static double
pdf_layout_text (Pdf *p, const char *text, double x, double width, PangoAlignment align,
          const PangoFontDescription *font, gboolean single_line)
{
  int w, h;

  pango_layout_set_font_description (p->layout, font);
  pango_layout_set_width (p->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (p->layout, align);
  pango_layout_set_ellipsize (p->layout, single_line ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_height (p->layout, -1);
  pango_layout_set_wrap (p->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (p->layout, str_or_empty (text), -1);
  cairo_move_to (p->cr, x, p->y);
  pango_cairo_show_layout (p->cr, p->layout);
  pango_layout_get_size (p->layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Shaped cells {{{2 */

#define PDF_ALIGN8(n) (((n) + 7) & ~(gsize) 7)

static void
pdf_shaped_free (PdfShaped *s)
{
  for (guint i = 0; i < s->n_runs; i++)
    cairo_scaled_font_destroy (s->runs[i].font);
  g_free (s);
}

/* Whether pango's cairo renderer would draw RUN as glyphs only (no boxes
 * for missing glyphs, left to right, horizontal, a cairo font), with its
 * scaled font. */
static cairo_scaled_font_t *
pdf_run_font (const PangoGlyphItem *run)
{
  const PangoItem *item = run->item;

  if ((item->analysis.level & 1) || !PANGO_IS_CAIRO_FONT (item->analysis.font)
      || (item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE))
    return NULL;
  for (int i = 0; i < run->glyphs->num_glyphs; i++)
    if (run->glyphs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG)
      return NULL;
  cairo_scaled_font_t *font = pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (item->analysis.font));
  return font && cairo_scaled_font_status (font) == CAIRO_STATUS_SUCCESS ? font : NULL;
}

static guint
pdf_run_clusters (PangoGlyphItem *run, const char *text)
{
  PangoGlyphItemIter iter;
  guint n = 0;
  for (gboolean more = pango_glyph_item_iter_init_start (&iter, run, text); more;
       more = pango_glyph_item_iter_next_cluster (&iter))
    n++;
  return n;
}

/* Fill R from RUN (of a line whose text is TEXT) at X on the line, its
 * arrays taken from *MEM: the glyphs and clusters pango's cairo renderer
 * would give cairo_show_text_glyphs, and RUN's text. */
static void
pdf_run_fill (PdfRun *r, PangoGlyphItem *run, const char *text, int x, char **mem)
{
  PangoGlyphString *gs = run->glyphs;
  cairo_glyph_t *glyphs = (cairo_glyph_t *) (void *) *mem;
  int x_position = 0;

  r->font = cairo_scaled_font_reference (pdf_run_font (run));
  r->x = x;
  r->y = run->y_offset;
  r->glyphs = glyphs;
  for (int i = 0; i < gs->num_glyphs; i++)
    {
      const PangoGlyphInfo *gi = &gs->glyphs[i];
      if (gi->glyph != PANGO_GLYPH_EMPTY)
        glyphs[r->n_glyphs++] = (cairo_glyph_t) {
          gi->glyph, (double) (x_position + gi->geometry.x_offset) / PANGO_SCALE,
          (double) gi->geometry.y_offset / PANGO_SCALE
        };
      x_position += gi->geometry.width;
    }
  *mem += r->n_glyphs * sizeof (cairo_glyph_t);

  cairo_text_cluster_t *clusters = (cairo_text_cluster_t *) (void *) *mem;
  PangoGlyphItemIter iter;
  r->clusters = clusters;
  for (gboolean more = pango_glyph_item_iter_init_start (&iter, run, text); more;
       more = pango_glyph_item_iter_next_cluster (&iter))
    {
      cairo_text_cluster_t c = { iter.end_index - iter.start_index,
                                 iter.end_glyph - iter.start_glyph };
      for (int i = iter.start_glyph; i < iter.end_glyph; i++)
        if (gs->glyphs[i].glyph == PANGO_GLYPH_EMPTY)
          c.num_glyphs--;
      clusters[r->n_clusters++] = c;
    }
  *mem += r->n_clusters * sizeof (cairo_text_cluster_t);

  r->text_len = run->item->length;
  r->text = memcpy (*mem, text + run->item->offset, (gsize) run->item->length);
  *mem += PDF_ALIGN8 ((gsize) run->item->length);
}

/* TEXT at FONT laid out by LAYOUT, as one block keyed KEY; not drawable
 * when pdf_layout_text must draw it, or when it takes several lines but
 * LINES is FALSE. */
static PdfShaped *
pdf_shape (PangoLayout *layout, const char *key, const char *text,
           const PangoFontDescription *font, gboolean lines)
{
  gsize key_size = PDF_ALIGN8 (sizeof (PdfShaped) + strlen (key) + 1);
  PdfShaped *s;
  int height;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, NULL, &height);
  int n_lines = pango_layout_get_line_count (layout);
  gboolean drawable = n_lines == 1 || (lines && n_lines > 1);
  const char *layout_text = pango_layout_get_text (layout);
  guint n_runs = 0;
  gsize data_size = 0;

  for (GSList *ll = drawable ? pango_layout_get_lines_readonly (layout) : NULL; ll && drawable;
       ll = ll->next)
    {
      PangoLayoutLine *line = ll->data;
      drawable = line->resolved_dir == PANGO_DIRECTION_LTR;
      for (GSList *l = line->runs; l && drawable; l = l->next)
        {
          PangoGlyphItem *run = l->data;
          drawable = pdf_run_font (run) != NULL;
          n_runs++;
          data_size += run->glyphs->num_glyphs * sizeof (cairo_glyph_t)
                       + pdf_run_clusters (run, layout_text) * sizeof (cairo_text_cluster_t)
                       + PDF_ALIGN8 ((gsize) run->item->length);
        }
    }
  if (!drawable)
    {
      s = g_malloc0 (key_size);
      strcpy (s->key, key);
      s->height = height;
      return s;
    }

  s = g_malloc0 (key_size + n_runs * sizeof (PdfRun) + data_size);
  strcpy (s->key, key);
  s->height = height;
  s->drawable = TRUE;
  s->n_runs = n_runs;
  s->runs = (PdfRun *) (void *) ((char *) s + key_size);

  /* the lines as pango_renderer_draw_layout iterates them */
  char *mem = (char *) (s->runs + n_runs);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  guint i = 0;
  gboolean first = TRUE;
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      int baseline = pango_layout_iter_get_baseline (iter);
      if (first)
        {
          first = FALSE;
          s->baseline = baseline;
          s->width = logical.width;
          s->x = logical.x;
        }
      int x = 0;
      for (GSList *l = line->runs; l; l = l->next, i++)
        {
          PangoGlyphItem *run = l->data;
          pdf_run_fill (&s->runs[i], run, layout_text, x, &mem);
          s->runs[i].line_x = logical.x;
          s->runs[i].baseline = baseline;
          x += pango_glyph_string_get_width (run->glyphs);
        }
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  return s;
}

static void
pdf_batch_free (PdfBatch *b)
{
  cairo_scaled_font_destroy (b->font);
  g_array_unref (b->glyphs);
  g_array_unref (b->clusters);
  g_string_free (b->text, TRUE);
  g_free (b);
}

/* Empty BATCHES' batches, keeping them and their arrays. */
static void
pdf_batches_clear (GPtrArray *batches)
{
  for (guint i = 0; i < batches->len; i++)
    {
      PdfBatch *b = batches->pdata[i];
      g_array_set_size (b->glyphs, 0);
      g_array_set_size (b->clusters, 0);
      g_string_truncate (b->text, 0);
      b->queued = FALSE;
    }
}

static void
pdf_simple_clear (PdfSimple *t)
{
  if (t->font)
    cairo_scaled_font_destroy (t->font);
  memset (t, 0, sizeof *t);
}

static void
pdf_shape_cache_free (gpointer data)
{
  PdfShapeCache *c = data;
  for (guint i = 0; i < G_N_ELEMENTS (c->shaped); i++)
    {
      g_hash_table_unref (c->shaped[i]);
      if (c->primary[i])
        cairo_scaled_font_destroy (c->primary[i]);
    }
  g_ptr_array_unref (c->batches);
  g_ptr_array_unref (c->footer);
  g_array_unref (c->glyphs);
  g_string_free (c->key, TRUE);
  pdf_simple_clear (&c->simple);
  g_free (c);
}

static GPrivate pdf_shape_cache_key = G_PRIVATE_INIT (pdf_shape_cache_free);
static GPrivate pdf_pango_only_key = G_PRIVATE_INIT (NULL);   /* non-NULL: pdf_text's by pango */

void
invoicedoc_pdf_set_pango_only (gboolean pango_only)
{
  g_private_set (&pdf_pango_only_key, pango_only ? GINT_TO_POINTER (1) : NULL);
}

/* The scaled font CONTEXT gives for FONT (a new reference), or NULL. */
static cairo_scaled_font_t *
pdf_primary_font (PangoContext *context, const PangoFontDescription *font)
{
  g_autoptr(PangoFont) loaded = pango_context_load_font (context, font);
  cairo_scaled_font_t *scaled = loaded && PANGO_IS_CAIRO_FONT (loaded)
    ? pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (loaded)) : NULL;
  return scaled ? cairo_scaled_font_reference (scaled) : NULL;
}

/* This thread's cache, emptied of whatever was not shaped with the fonts
 * CONTEXT gives for REGULAR and BOLD. */
static PdfShapeCache *
pdf_shape_cache (PangoContext *context, const PangoFontDescription *regular,
                 const PangoFontDescription *bold)
{
  PdfShapeCache *c = g_private_get (&pdf_shape_cache_key);

  if (!c)
    {
      c = g_new0 (PdfShapeCache, 1);
      for (guint i = 0; i < G_N_ELEMENTS (c->shaped); i++)
        c->shaped[i] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) pdf_shaped_free);
      c->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) pdf_batch_free);
      c->footer = g_ptr_array_new_with_free_func ((GDestroyNotify) pdf_batch_free);
      c->glyphs = g_array_new (FALSE, FALSE, sizeof (cairo_glyph_t));
      c->key = g_string_new (NULL);
      g_private_set (&pdf_shape_cache_key, c);
    }
  cairo_scaled_font_t *regular_font = pdf_primary_font (context, regular);
  cairo_scaled_font_t *bold_font = pdf_primary_font (context, bold);
  cairo_scaled_font_t *fonts[PDF_N_SHAPED] = {
    [PDF_CELL] = regular_font, [PDF_CELL_BOLD] = bold_font, [PDF_FOOTER] = regular_font,
    [PDF_TEXT] = regular_font, [PDF_TEXT_BOLD] = bold_font,
  };
  for (guint i = 0; i < G_N_ELEMENTS (c->shaped); i++)
    {
      cairo_scaled_font_t *scaled = fonts[i];
      if (scaled == c->primary[i] && g_hash_table_size (c->shaped[i]) < PDF_SHAPED_MAX)
        continue;
      g_hash_table_remove_all (c->shaped[i]);
      if (i == PDF_CELL)
        pdf_simple_clear (&c->simple);
      g_ptr_array_set_size (c->batches, 0);
      g_ptr_array_set_size (c->footer, 0);
      if (c->primary[i])
        cairo_scaled_font_destroy (c->primary[i]);
      c->primary[i] = scaled ? cairo_scaled_font_reference (scaled) : NULL;
    }
  if (regular_font)
    cairo_scaled_font_destroy (regular_font);
  if (bold_font)
    cairo_scaled_font_destroy (bold_font);
  return c;
}

/* TEXT at FONT in a cell (any width, left aligned: pdf_cell aligns it). */
static const PdfShaped *
pdf_shaped (Pdf *p, const char *text, const PangoFontDescription *font)
{
  GHashTable *cache = p->shapes->shaped[font == p->bold ? PDF_CELL_BOLD : PDF_CELL];
  PdfShaped *s = g_hash_table_lookup (cache, text);
  if (!s)
    {
      if (!p->shaper)
        p->shaper = pango_layout_new (pango_layout_get_context (p->layout));
      s = pdf_shape (p->shaper, text, text, font, FALSE);
      g_hash_table_insert (cache, s->key, s);
    }
  return s;
}

/* TEXT as the footer: centred, one line, the regular font; laid out by
 * pango as pdf_text would, so its x includes pango's centring. */
static const PdfShaped *
pdf_shaped_footer (Pdf *p, const char *text)
{
  GHashTable *cache = p->shapes->shaped[PDF_FOOTER];
  PdfShaped *s = g_hash_table_lookup (cache, text);
  if (!s)
    {
      if (!p->footer_shaper)
        {
          p->footer_shaper = pango_layout_new (pango_layout_get_context (p->layout));
          pango_layout_set_width (p->footer_shaper, (int) (CONTENT_W * PANGO_SCALE));
          pango_layout_set_alignment (p->footer_shaper, PANGO_ALIGN_CENTER);
          pango_layout_set_ellipsize (p->footer_shaper, PANGO_ELLIPSIZE_END);
          pango_layout_set_height (p->footer_shaper, -1);
          pango_layout_set_wrap (p->footer_shaper, PANGO_WRAP_WORD_CHAR);
        }
      s = pdf_shape (p->footer_shaper, text, text, p->regular, FALSE);
      if (pango_layout_is_ellipsized (p->footer_shaper))
        s->drawable = FALSE;
      g_hash_table_insert (cache, s->key, s);
    }
  return s;
}

/* TEXT at FONT (regular or bold) laid out as pdf_layout_text would lay it
 * out in a box WIDTH wide with ALIGN, ellipsized when SINGLE_LINE, else
 * wrapped: its lines' x include pango's alignment.  Not drawable when
 * ellipsized. */
static const PdfShaped *
pdf_shaped_text (Pdf *p, const char *text, double width, PangoAlignment align,
                 const PangoFontDescription *font, gboolean single_line)
{
  int box = (int) (width * PANGO_SCALE);
  GString *key = p->shapes->key;
  GHashTable *cache = p->shapes->shaped[font == p->bold ? PDF_TEXT_BOLD : PDF_TEXT];

  g_string_printf (key, "%d %d %d ", box, (int) align, single_line ? 1 : 0);
  g_string_append (key, text);
  PdfShaped *s = g_hash_table_lookup (cache, key->str);
  if (!s)
    {
      if (!p->text_shaper)
        {
          p->text_shaper = pango_layout_new (pango_layout_get_context (p->layout));
          pango_layout_set_height (p->text_shaper, -1);
          pango_layout_set_wrap (p->text_shaper, PANGO_WRAP_WORD_CHAR);
        }
      pango_layout_set_width (p->text_shaper, box);
      pango_layout_set_alignment (p->text_shaper, align);
      pango_layout_set_ellipsize (p->text_shaper,
                                  single_line ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
      s = pdf_shape (p->text_shaper, key->str, text, font, TRUE);
      if (pango_layout_is_ellipsized (p->text_shaper))
        s->drawable = FALSE;
      g_hash_table_insert (cache, s->key, s);
    }
  return s;
}

/* Draw S (drawable) with its layout's top left at (X, p->y) as
 * pango_cairo_show_layout would: a run at a time, in order, each in its
 * font with its glyphs and clusters, at the places pango's cairo renderer
 * computes (from cairo's current point, which cairo keeps in fixed point:
 * not X and p->y exactly). */
static void
pdf_show_shaped (Pdf *p, const PdfShaped *s, double x)
{
  GArray *glyphs = p->shapes->glyphs;
  double origin_x, origin_y;

  cairo_move_to (p->cr, x, p->y);
  cairo_get_current_point (p->cr, &origin_x, &origin_y);
  for (guint i = 0; i < s->n_runs; i++)
    {
      const PdfRun *r = &s->runs[i];
      double base_x = origin_x + (double) (r->line_x + r->x) / PANGO_SCALE;
      double base_y = origin_y + (double) (r->baseline - r->y) / PANGO_SCALE;

      g_array_set_size (glyphs, r->n_glyphs);
      cairo_glyph_t *out = (cairo_glyph_t *) (void *) glyphs->data;
      for (guint g = 0; g < r->n_glyphs; g++)
        {
          out[g].index = r->glyphs[g].index;
          out[g].x = base_x + r->glyphs[g].x;
          out[g].y = r->glyphs[g].y == 0 ? base_y : base_y + r->glyphs[g].y;
        }
      cairo_set_scaled_font (p->cr, r->font);
      cairo_show_text_glyphs (p->cr, r->text, r->text_len, out, (int) r->n_glyphs, r->clusters,
                              (int) r->n_clusters, 0);
    }
}

/* Draw TEXT at (X, p->y) in a box WIDTH wide; one ellipsized line when
 * SINGLE_LINE, else wrapped.  Returns the height used.  Labels, dates,
 * terms and totals repeat from document to document: in the regular and
 * the bold font a text that stays on one line is shaped once per thread
 * (the rest is laid out by pango every time). */
static double
pdf_text (Pdf *p, const char *text, double x, double width, PangoAlignment align,
          const PangoFontDescription *font, gboolean single_line)
{
  if ((font != p->regular && font != p->bold) || p->pango_only)
    return pdf_layout_text (p, text, x, width, align, font, single_line);
  const PdfShaped *s = pdf_shaped_text (p, str_or_empty (text), width, align, font, single_line);
  if (!s->drawable)
    return pdf_layout_text (p, text, x, width, align, font, single_line);
  pdf_show_shaped (p, s, x);
  return (double) s->height / PANGO_SCALE;
}

static PdfBatch *
pdf_batch (GPtrArray *batches, cairo_scaled_font_t *font)
{
  for (guint i = 0; i < batches->len; i++)
    {
      PdfBatch *b = batches->pdata[i];
      if (b->font == font)
        return b;
    }
  PdfBatch *b = g_new0 (PdfBatch, 1);
  b->font = cairo_scaled_font_reference (font);
  b->glyphs = g_array_new (FALSE, FALSE, sizeof (cairo_glyph_t));
  b->clusters = g_array_new (FALSE, FALSE, sizeof (cairo_text_cluster_t));
  b->text = g_string_new (NULL);
  g_ptr_array_add (batches, b);
  return b;
}

/* Queue S's runs on BATCHES with its line at LINE_X (pango units) from X,
 * its top at p->y, with the arithmetic of pango's cairo renderer so every
 * glyph lands where pango_cairo_show_layout would put it. */
static void
pdf_batch_shaped (Pdf *p, GPtrArray *batches, const PdfShaped *s, double x, int line_x)
{
  for (guint i = 0; i < s->n_runs; i++)
    {
      const PdfRun *r = &s->runs[i];
      PdfBatch *b = pdf_batch (batches, r->font);
      if (!b->queued)
        {
          b->queued = TRUE;
          b->order = p->batch_order++;
        }
      double base_x = x + (double) (line_x + r->x) / PANGO_SCALE;
      double base_y = p->y + (double) (s->baseline - r->y) / PANGO_SCALE;

      guint n = b->glyphs->len;
      g_array_set_size (b->glyphs, n + r->n_glyphs);
      cairo_glyph_t *out = &g_array_index (b->glyphs, cairo_glyph_t, n);
      for (guint g = 0; g < r->n_glyphs; g++)
        {
          out[g].index = r->glyphs[g].index;
          out[g].x = base_x + r->glyphs[g].x;
          out[g].y = r->glyphs[g].y == 0 ? base_y : base_y + r->glyphs[g].y;
        }
      g_array_append_vals (b->clusters, r->clusters, r->n_clusters);
      g_string_append_len (b->text, r->text, r->text_len);
    }
}

/* Whether S, shaped by pdf_shape, is one run of one line at the origin,
 * in FONT (NULL: any) with T's line metrics (none yet: taken), its glyphs
 * one per character, each its own cluster, on the baseline. */
static gboolean
pdf_simple_shape_is (PdfSimple *t, const PdfShaped *s, cairo_scaled_font_t *font, guint n)
{
  if (!s->drawable || s->n_runs != 1 || s->x != 0)
    return FALSE;
  const PdfRun *r = &s->runs[0];
  if (r->x != 0 || r->y != 0 || r->line_x != 0 || r->n_glyphs != n || r->n_clusters != n
      || (font && r->font != font) || (t->font && (s->height != t->height || s->baseline != t->baseline)))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (r->glyphs[i].y != 0 || r->clusters[i].num_bytes != 1 || r->clusters[i].num_glyphs != 1)
      return FALSE;
  return TRUE;
}

/* Fill T for the regular cell font: each of PDF_SIMPLE_CHARS shaped alone,
 * then each pair; a pair is simple when pango gives its two glyphs, the
 * second at the first's advance, the width their sum. */
static void
pdf_simple_build (Pdf *p, PdfSimple *t)
{
  const char *chars = PDF_SIMPLE_CHARS;
  t->built = TRUE;
  for (guint c = 0; c < G_N_ELEMENTS (t->width); c++)
    t->width[c] = -1;
  if (!p->shaper)
    p->shaper = pango_layout_new (pango_layout_get_context (p->layout));
  for (const char *c = chars; *c; c++)
    {
      char text[2] = { *c, 0 };
      PdfShaped *s = pdf_shape (p->shaper, text, text, p->regular, FALSE);
      if (pdf_simple_shape_is (t, s, t->font, 1) && s->runs[0].glyphs[0].x == 0)
        {
          if (!t->font)
            {
              t->font = cairo_scaled_font_reference (s->runs[0].font);
              t->height = s->height;
              t->baseline = s->baseline;
            }
          t->width[(guchar) *c] = s->width;
          t->glyph[(guchar) *c] = s->runs[0].glyphs[0].index;
        }
      pdf_shaped_free (s);
    }
  for (const char *a = chars; *a; a++)
    for (const char *b = chars; *b && t->width[(guchar) *a] >= 0; b++)
      {
        guchar ca = (guchar) *a, cb = (guchar) *b;
        if (t->width[cb] < 0)
          continue;
        char text[3] = { *a, *b, 0 };
        PdfShaped *s = pdf_shape (p->shaper, text, text, p->regular, FALSE);
        t->pair_ok[ca][cb] = pdf_simple_shape_is (t, s, t->font, 2)
          && s->width == t->width[ca] + t->width[cb]
          && s->runs[0].glyphs[0].index == t->glyph[ca] && s->runs[0].glyphs[0].x == 0
          && s->runs[0].glyphs[1].index == t->glyph[cb]
          && s->runs[0].glyphs[1].x == (double) t->width[ca] / PANGO_SCALE;
        pdf_shaped_free (s);
      }
}

/* pdf_cell for a regular TEXT of simple characters that fits its box:
 * queued as pdf_batch_shaped would queue pdf_shape's block (the same
 * glyphs, clusters, text and positions); FALSE, nothing done, for any
 * other text. */
static gboolean
pdf_cell_simple (Pdf *p, const char *text, double x, double width, gboolean right)
{
  PdfSimple *t = &p->shapes->simple;
  if (!t->built)
    pdf_simple_build (p, t);
  const guchar *u = (const guchar *) text;
  int w = 0;
  gsize n = 0;
  if (!t->font || !u[0])
    return FALSE;
  for (; u[n]; n++)
    {
      if (u[n] >= G_N_ELEMENTS (t->width) || t->width[u[n]] < 0
          || (n > 0 && !t->pair_ok[u[n - 1]][u[n]]))
        return FALSE;
      w += t->width[u[n]];
    }
  int box = (int) (width * PANGO_SCALE);
  if (w > box)
    return FALSE;

  PdfBatch *b = pdf_batch (p->batches, t->font);
  if (!b->queued)
    {
      b->queued = TRUE;
      b->order = p->batch_order++;
    }
  int line_x = right ? box - w : 0;
  double base_x = x + (double) line_x / PANGO_SCALE;
  double base_y = p->y + (double) t->baseline / PANGO_SCALE;
  guint at = b->glyphs->len;
  g_array_set_size (b->glyphs, at + (guint) n);
  cairo_glyph_t *out = &g_array_index (b->glyphs, cairo_glyph_t, at);
  guint at_cluster = b->clusters->len;
  g_array_set_size (b->clusters, at_cluster + (guint) n);
  cairo_text_cluster_t *clusters = &g_array_index (b->clusters, cairo_text_cluster_t, at_cluster);
  int position = 0;
  for (gsize i = 0; i < n; i++)
    {
      out[i].index = t->glyph[u[i]];
      out[i].x = base_x + (double) position / PANGO_SCALE;
      out[i].y = base_y;
      clusters[i] = (cairo_text_cluster_t) { 1, 1 };
      position += t->width[u[i]];
    }
  g_string_append_len (b->text, text, (gssize) n);
  return TRUE;
}

/* Draw TEXT as one ellipsized line at (X, p->y) in a box WIDTH wide, as
 * pdf_text would; queued on the page's batches when it fits unchanged. */
static void
pdf_cell (Pdf *p, const char *text, double x, double width, gboolean right,
          const PangoFontDescription *font)
{
  if (font == p->regular && !p->pango_only && text
      && pdf_cell_simple (p, text, x, width, right))
    return;
  const PdfShaped *s = pdf_shaped (p, str_or_empty (text), font);
  int box = (int) (width * PANGO_SCALE);

  if (!s->drawable || s->width > box)
    {
      pdf_layout_text (p, text, x, width, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT, font,
                       TRUE);
      return;
    }
  pdf_batch_shaped (p, p->batches, s, x, (right ? box - s->width : 0) + s->x);
}

/* Draw the glyphs queued on BATCHES in the current colour, in the order
 * the page first used their fonts (BATCHES' own order depends on what the
 * thread drew before: the bytes must not), and empty them. */
static void
pdf_show_batches (Pdf *p, GPtrArray *batches)
{
  for (;;)
    {
      PdfBatch *b = NULL;
      for (guint i = 0; i < batches->len; i++)
        {
          PdfBatch *c = batches->pdata[i];
          if (c->queued && (!b || c->order < b->order))
            b = c;
        }
      if (!b)
        break;
      b->queued = FALSE;
      if (b->glyphs->len == 0)
        continue;
      cairo_set_scaled_font (p->cr, b->font);
      cairo_show_text_glyphs (p->cr, b->text->str, (int) b->text->len,
                              (const cairo_glyph_t *) (void *) b->glyphs->data, (int) b->glyphs->len,
                              (const cairo_text_cluster_t *) (void *) b->clusters->data,
                              (int) b->clusters->len, 0);
    }
  pdf_batches_clear (batches);
}

/* Draw the page's queued cells and row rules, in black and light gray. */
static void
pdf_flush (Pdf *p)
{
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  pdf_show_batches (p, p->batches);
  if (p->rules->len == 0)
    return;
  cairo_set_source_rgb (p->cr, 0.8, 0.8, 0.8);
  cairo_set_line_width (p->cr, 0.4);
  for (guint i = 0; i < p->rules->len; i++)
    {
      double y = g_array_index (p->rules, double, i);
      cairo_move_to (p->cr, MARGIN_X, y);
      cairo_line_to (p->cr, MARGIN_X + CONTENT_W, y);
    }
  cairo_stroke (p->cr);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  g_array_set_size (p->rules, 0);
}

static void
pdf_footer (Pdf *p)
{
  g_autofree char *text = g_strdup_printf ("%s \xc2\xb7 %s %s \xc2\xb7 page %u",
                                           str_or_empty (p->doc->operator_name),
                                           doc_title (p->doc),
                                           p->summary->number, p->page);
  double saved = p->y;

  p->y = PAGE_H - MARGIN_BOTTOM + 18;
  cairo_set_source_rgb (p->cr, 0.4, 0.4, 0.4);
  const PdfShaped *s = pdf_shaped_footer (p, text);
  if (s->drawable)
    {
      pdf_batch_shaped (p, p->footer, s, MARGIN_X, s->x);
      pdf_show_batches (p, p->footer);
    }
  else
    pdf_layout_text (p, text, MARGIN_X, CONTENT_W, PANGO_ALIGN_CENTER, p->regular, TRUE);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  p->y = saved;
}

static void
pdf_new_page (Pdf *p)
{
  pdf_flush (p);
  if (p->page > 0)
    cairo_show_page (p->cr);
  p->page++;
  p->y = MARGIN_TOP;
  pdf_footer (p);
}

static gboolean
pdf_fits (const Pdf *p, double height)
{
  return p->y + height <= PAGE_H - MARGIN_BOTTOM;
}

/* The height of one table row at the regular font, measured once per
 * document (a layout per row was a sixth of the appendix's work). */
static double
pdf_row_height (Pdf *p)
{
  int h;
  if (p->row_h > 0)
    return p->row_h;
  pango_layout_set_font_description (p->layout, p->regular);
  pango_layout_set_text (p->layout, "Xg", -1);
  pango_layout_get_size (p->layout, NULL, &h);
  return p->row_h = (double) h / PANGO_SCALE + 2 * ROW_PAD;
}

static double
pdf_col_x (const DocTable *t, guint col, double *width)
{
  double total = 0, before = 0;
  for (guint c = 0; c < t->n_cols; c++)
    {
      total += t->cols[c].weight;
      if (c < col)
        before += t->cols[c].weight;
    }
  *width = CONTENT_W * t->cols[col].weight / total;
  return MARGIN_X + CONTENT_W * before / total;
}

static void
pdf_row (Pdf *p, const DocTable *t, const char *const *cells, const PangoFontDescription *font)
{
  double row_h = pdf_row_height (p);
  double top = p->y;

  p->y = top + ROW_PAD;
  for (guint c = 0; c < t->n_cols; c++)
    {
      double w, x = pdf_col_x (t, c, &w);
      pdf_cell (p, cells[c], x + CELL_PAD, w - 2 * CELL_PAD, t->cols[c].numeric, font);
    }
  p->y = top + row_h;
  g_array_append_val (p->rules, p->y);
}

static void
pdf_table_header (Pdf *p, const DocTable *t)
{
  g_autofree const char **headers = g_new0 (const char *, t->n_cols + 1);
  for (guint c = 0; c < t->n_cols; c++)
    headers[c] = t->cols[c].header;

  cairo_set_source_rgb (p->cr, 0.92, 0.92, 0.92);
  cairo_rectangle (p->cr, MARGIN_X, p->y, CONTENT_W, pdf_row_height (p));
  cairo_fill (p->cr);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  pdf_row (p, t, headers, p->bold);
}

static void
pdf_table (Pdf *p, const DocTable *t)
{
  double row_h = pdf_row_height (p);

  if (!pdf_fits (p, 30 + 3 * row_h))
    pdf_new_page (p);
  p->y += 12;
  p->y += pdf_text (p, t->title, MARGIN_X, CONTENT_W, PANGO_ALIGN_LEFT, p->bold, TRUE) + 4;
  pdf_table_header (p, t);
  for (guint r = 0; r < t->rows->len; r++)
    {
      if (!pdf_fits (p, row_h))
        {
          pdf_new_page (p);
          pdf_table_header (p, t);
        }
      pdf_row (p, t, g_ptr_array_index (t->rows, r), p->regular);
    }
  pdf_flush (p);
  if (t->rows->len == 0)
    p->y += ROW_PAD + pdf_text (p, t->empty, MARGIN_X + CELL_PAD, CONTENT_W, PANGO_ALIGN_LEFT,
                                p->regular, FALSE);
}

/* "From" / "Bill to" blocks side by side; returns their height. */
static double
pdf_party (Pdf *p, double x, const char *label, const char *name, const char *extra)
{
  double top = p->y, w = CONTENT_W / 2 - 10;

  cairo_set_source_rgb (p->cr, 0.35, 0.35, 0.35);
  p->y += pdf_text (p, label, x, w, PANGO_ALIGN_LEFT, p->regular, TRUE) + 2;
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  p->y += pdf_text (p, name, x, w, PANGO_ALIGN_LEFT, p->bold, FALSE) + 2;
  if (extra)
    p->y += pdf_text (p, extra, x, w, PANGO_ALIGN_LEFT, p->regular, FALSE);
  double h = p->y - top;
  p->y = top;
  return h;
}

/* A party's legal name, address, VAT id and e-mail as lines, then TAIL. */
static char *
pdf_party_details (const char *legal_name, const char *address, const char *vat_id,
                   const char *email, const char *tail)
{
  GString *s = g_string_new (NULL);
  const char *parts[] = { legal_name, address };
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i])
      g_string_append_printf (s, "%s%s", s->len ? "\n" : "", parts[i]);
  if (vat_id)
    g_string_append_printf (s, "%sVAT ID %s", s->len ? "\n" : "", vat_id);
  if (email)
    g_string_append_printf (s, "%s%s", s->len ? "\n" : "", email);
  if (tail)
    g_string_append_printf (s, "%s%s", s->len ? "\n" : "", tail);
  return g_string_free (s, FALSE);
}

static void
pdf_parties (Pdf *p)
{
  const Invoice *inv = p->doc->invoice;
  const InvoiceParties *f = inv->parties;
  g_autofree char *account = inv->tenant_id
    ? g_strdup_printf ("Account %s\nTenant %s", inv->account, inv->tenant_id)
    : g_strdup_printf ("Account %s", str_or_empty (inv->account));
  g_autofree char *seller = f ? pdf_party_details (f->seller_legal_name, f->seller_address,
                                                   f->seller_vat_id, f->seller_email, NULL)
                              : NULL;
  g_autofree char *buyer = f ? pdf_party_details (f->buyer_legal_name, f->buyer_address,
                                                  f->buyer_vat_id, NULL, account)
                             : NULL;

  double left = pdf_party (p, MARGIN_X, "FROM", p->doc->operator_name, seller);
  double right = pdf_party (p, MARGIN_X + CONTENT_W / 2 + 10, "BILL TO",
                            p->doc->customer_name, f ? buyer : account);
  p->y += MAX (left, right) + 16;
}

static void
pdf_meta (Pdf *p, const char *term, const char *value)
{
  cairo_set_source_rgb (p->cr, 0.35, 0.35, 0.35);
  pdf_text (p, term, MARGIN_X, 110, PANGO_ALIGN_LEFT, p->regular, TRUE);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  p->y += pdf_text (p, value, MARGIN_X + 110, CONTENT_W - 110, PANGO_ALIGN_LEFT, p->regular,
                    TRUE) + 1;
}

static void
pdf_title (Pdf *p)
{
  g_autofree char *title = g_strdup_printf ("%s %s", doc_title (p->doc), p->summary->number);

  p->y += pdf_text (p, title, MARGIN_X, CONTENT_W, PANGO_ALIGN_LEFT, p->title, FALSE) + 4;
  if (doc_is_draft (p->doc))
    {
      cairo_set_source_rgb (p->cr, 0.65, 0, 0);
      p->y += pdf_text (p, "DRAFT \xe2\x80\x94 not a valid invoice", MARGIN_X, CONTENT_W,
                        PANGO_ALIGN_LEFT, p->bold, TRUE) + 4;
      cairo_set_source_rgb (p->cr, 0, 0, 0);
    }
  pdf_meta (p, p->doc->credited_invoice ? "Credit note number" : "Invoice number",
            p->summary->number);
  if (p->doc->credited_invoice)
    pdf_meta (p, "Credits invoice", p->doc->credited_invoice);
  pdf_meta (p, "Issue date", p->doc->issue_date);
  if (p->doc->invoice->parties && !p->doc->credited_invoice)
    {
      g_autofree char *terms = terms_text (p->doc->invoice->parties);
      pdf_meta (p, "Due date", p->doc->invoice->parties->due_on);
      pdf_meta (p, "Payment terms", terms);
    }
  pdf_meta (p, "Period", p->doc->invoice->period);
  pdf_meta (p, "Status", p->doc->status);
  pdf_meta (p, "Currency", p->doc->invoice->currency);
}

static void
pdf_total_row (Pdf *p, const char *label, const char *value, const PangoFontDescription *font)
{
  double x = MARGIN_X + CONTENT_W * 0.5;
  pdf_text (p, label, x, CONTENT_W * 0.25, PANGO_ALIGN_LEFT, font, TRUE);
  p->y += pdf_text (p, value, x + CONTENT_W * 0.25, CONTENT_W * 0.25 - CELL_PAD,
                    PANGO_ALIGN_RIGHT, font, TRUE) + 3;
}

static void
pdf_totals (Pdf *p)
{
  if (!pdf_fits (p, 4 * pdf_row_height (p) + 10))
    pdf_new_page (p);
  p->y += 8;
  pdf_total_row (p, "Subtotal", p->summary->subtotal, p->regular);
  pdf_total_row (p, p->summary->tax_label, p->summary->tax, p->regular);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  cairo_set_line_width (p->cr, 0.8);
  cairo_move_to (p->cr, MARGIN_X + CONTENT_W * 0.5, p->y);
  cairo_line_to (p->cr, MARGIN_X + CONTENT_W, p->y);
  cairo_stroke (p->cr);
  p->y += 3;
  pdf_total_row (p, "Total", p->summary->total, p->bold);
  g_autoptr(GPtrArray) payment = payment_lines (p->doc);
  if (payment->len)
    p->y += 8;
  for (guint i = 0; i < payment->len; i++)
    {
      if (!pdf_fits (p, pdf_row_height (p)))
        pdf_new_page (p);
      p->y += pdf_text (p, payment->pdata[i], MARGIN_X, CONTENT_W, PANGO_ALIGN_LEFT, p->regular,
                        FALSE) + 2;
    }
}

static void
pdf_draw (Pdf *p, const DocTable *lines, const DocTable *appendix)
{
  pdf_new_page (p);
  pdf_parties (p);
  pdf_title (p);
  pdf_table (p, lines);
  pdf_totals (p);
  if (!p->doc->credited_invoice)
    pdf_table (p, appendix);
  g_autoptr(DocTable) calls = calls_table (p->doc);
  if (calls)
    pdf_table (p, calls);
}

/* Document info; the dates come from ISSUE_DATE so output is reproducible. */
static void
pdf_metadata (cairo_surface_t *surface, const InvoiceDocument *doc, const DocSummary *s)
{
  g_autofree char *title = g_strdup_printf ("%s %s", doc_title (doc), s->number);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR,
                                  str_or_empty (doc->operator_name));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "rater");
  if (!doc->issue_date || strlen (doc->issue_date) != 10)
    return;
  g_autofree char *date = g_strdup_printf ("%sT00:00:00Z", doc->issue_date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* cairo writes a PDF in many small pieces: they are kept in memory (a
 * document is some tens of kilobytes) and written at once. */
static cairo_status_t
pdf_append (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
pdf_init (Pdf *p, cairo_surface_t *surface, const InvoiceDocument *doc, const DocSummary *s)
{
  p->doc = doc;
  p->summary = s;
  p->cr = cairo_create (surface);
  p->layout = pango_cairo_create_layout (p->cr);
  p->regular = pango_font_description_from_string ("DejaVu Sans 8.5");
  p->bold = pango_font_description_from_string ("DejaVu Sans Bold 8.5");
  p->title = pango_font_description_from_string ("DejaVu Sans Bold 18");
  p->shapes = pdf_shape_cache (pango_layout_get_context (p->layout), p->regular, p->bold);
  p->batches = p->shapes->batches;
  p->footer = p->shapes->footer;
  p->rules = g_array_new (FALSE, FALSE, sizeof (double));
  p->pango_only = g_private_get (&pdf_pango_only_key) != NULL;
}

static void
pdf_clear (Pdf *p)
{
  pango_font_description_free (p->regular);
  pango_font_description_free (p->bold);
  pango_font_description_free (p->title);
  pdf_batches_clear (p->batches);         /* empty unless drawing failed */
  pdf_batches_clear (p->footer);
  p->batches = p->footer = NULL;
  g_clear_pointer (&p->rules, g_array_unref);
  g_clear_object (&p->shaper);
  g_clear_object (&p->footer_shaper);
  g_clear_object (&p->text_shaper);
  g_clear_object (&p->layout);
  g_clear_pointer (&p->cr, cairo_destroy);
}

/* Render DOC onto a PDF written to STREAM; returns cairo's final status. */
static cairo_status_t
pdf_render (const InvoiceDocument *doc, FILE *stream)
{
  g_autoptr(DocSummary) s = doc_summary_new (doc);
  g_autoptr(DocTable) lines = lines_table (doc->invoice);
  g_autoptr(DocTable) appendix = appendix_table (doc);
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (64 * 1024);
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (pdf_append, bytes,
                                                                  PAGE_W, PAGE_H);
  Pdf p = { 0 };

  pdf_metadata (surface, doc, s);
  pdf_init (&p, surface, doc, s);
  pdf_draw (&p, lines, appendix);
  cairo_status_t status = cairo_status (p.cr);
  pdf_clear (&p);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status == CAIRO_STATUS_SUCCESS && fwrite (bytes->data, 1, bytes->len, stream) != bytes->len)
    status = CAIRO_STATUS_WRITE_ERROR;
  return status;
}

gboolean
invoicedoc_pdf (const InvoiceDocument *doc, const char *path, GError **error)
{
  g_return_val_if_fail (doc != NULL && doc->invoice != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_autoptr(OutFile) out = doc->invoice_number ? outfile_open_frozen (path, error)
                                                : outfile_open (path, error);
  if (!out)
    return FALSE;
  cairo_status_t status = pdf_render (doc, outfile_stream (out));
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "cannot write '%s': %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return outfile_commit (out, error);
}
