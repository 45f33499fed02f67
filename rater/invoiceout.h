/* invoiceout.h — invoices as the files finance imports (formats.md §3).
 *
 * One JSON document per invoice, and the invoice-lines CSV with one row per
 * line of every invoice.  Amounts print with exactly the currency's minor
 * digits, the tax rate as its shortest decimal ("20", "8.875").  A draft has
 * no number: "invoice" is null in JSON and empty in the CSV.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "invoice.h"
#include "outfile.h"

/* The JSON document of INV; NUMBER NULL for a draft, STATUS "draft" or
 * "issued".  Deterministic: the same invoice gives the same bytes. */
char *invoiceout_json (const Invoice *inv, const char *number, const char *status);

/* The header row of the invoice-lines CSV. */
void invoiceout_csv_header (OutFile *out);

/* The rows of INV's lines. */
void invoiceout_csv_rows (OutFile *out, const Invoice *inv, const char *number,
                          const char *status);

typedef enum {
  INVOICEOUT_JSON = 1 << 0,
  INVOICEOUT_CSV = 1 << 1,
  INVOICEOUT_HTML = 1 << 2,     /* printable page (invoicedoc) */
  INVOICEOUT_PDF = 1 << 3,      /* the same as PDF (invoicedoc) */
} InvoiceOutFormats;

/* Draft invoices for PERIOD of every account (of OPERATOR_SLUG and/or
 * ACCOUNT when not NULL) that has lines, written under DIR (created when
 * missing): <account>-<period>.json, .html and .pdf per invoice and/or
 * invoice-lines-<period>-draft.csv, each through a temporary file.  A
 * draft's documents are dated the day after the period ends.
 * *n_invoices receives the count. */
gboolean invoiceout_write_drafts (sqlite3 *db, const char *period, const char *operator_slug,
                                  const char *account, const char *dir, InvoiceOutFormats formats,
                                  guint *n_invoices, GError **error);
