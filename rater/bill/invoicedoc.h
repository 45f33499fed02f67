/* invoicedoc.h — one computed invoice rendered as a document for people:
 * a self-contained HTML page and an A4 PDF (billing.md §7, formats.md §3).
 *
 * The data model is the Invoice of invoice.h plus what a document needs
 * around it: who bills whom, the invoice number (none for a draft), the
 * issue date and an appendix of usage by destination.  Both renderers show
 * the same content: the parties, period, number ("DRAFT" for a draft) and
 * issue date; a table of the invoice lines (kind, description, quantity or
 * calls, minutes, amount); subtotal, tax with its rate and total; and the
 * appendix table.  Amounts print with exactly the currency's minor digits
 * followed by the currency code ("118.33 GBP", "1200 JPY", "1.250 BHD").
 *
 * Output is deterministic: the only date in it is ISSUE_DATE.  Nothing here
 * reads the database or the clock.
 */
#pragma once

#include <glib.h>

#include "bill/invoice.h"

/* InvoiceDestination, one row of the appendix, is declared in invoice.h. */

/* Everything a document shows.  Borrowed: the renderers copy nothing and
 * free nothing. */
typedef struct {
  const char *operator_name;    /* who bills (display name) */
  const char *customer_name;    /* who is billed (display name) */
  const char *invoice_number;   /* "NWT-202611-0001"; NULL for a draft */
  const char *issue_date;       /* "YYYY-MM-DD" */
  const char *status;           /* "draft" | "issued" */
  const Invoice *invoice;       /* the computed invoice; never NULL */
  const GPtrArray *destinations; /* InvoiceDestination *, appendix rows in display
                                  * order; NULL or empty: no appendix rows */
  const char *credited_invoice; /* a credit note (credit.h): the invoice it credits
                                 * (titled "Credit note", no appendix, no payment
                                 * request); NULL: an invoice */
  const char *reason;           /* a credit note: why */
  const GPtrArray *calls;       /* InvoiceCall *: the appendix of every billed call
                                 * (itemised, billing.md §11); NULL: none */
  gboolean masked;              /* the last three digits of each number hidden */
} InvoiceDocument;

/* DOC as a complete HTML page (UTF-8): an inline print style sheet (A4,
 * margins), no scripts and no external resources; every text from DOC is
 * escaped.  Returns a newly allocated string (g_free). */
char *invoicedoc_html (const InvoiceDocument *doc);

/* DOC as an A4 PDF (cairo + pango) written to PATH: first to a temporary
 * beside PATH, renamed into place when complete, so PATH is either the whole
 * document or untouched.  The appendix continues on new pages as needed
 * (table headers repeated).  The PDF creation and modification dates are
 * ISSUE_DATE at 00:00 UTC so the same DOC gives the same bytes.  An issued
 * document (INVOICE_NUMBER set) never replaces a different file at PATH
 * (outfile_open_frozen).  Returns
 * FALSE with RATER_ERROR_CANTCREAT when the file cannot be written. */
gboolean invoicedoc_pdf (const InvoiceDocument *doc, const char *path, GError **error);

/* For tests: with PANGO_ONLY, invoicedoc_pdf on this thread has pango lay
 * out and draw every text outside the tables (parties, title, dates,
 * totals, payment lines, table titles) each time, where it otherwise draws
 * those it can from the thread's cache of shaped texts, and has table
 * cells of figures, dates and numbers shaped by pango (then cached) where
 * it otherwise places them from its table of simple characters: the bytes
 * must be the same.  (Other table cells and page footers are drawn from
 * their caches either way.) */
void invoicedoc_pdf_set_pango_only (gboolean pango_only);
