/* invoiceout.h — invoices as the files finance imports (formats.md §3).
 *
 * One JSON document per invoice, and the invoice-lines CSV with one row per
 * line of every invoice.  Amounts print with exactly the currency's minor
 * digits, the tax rate as its shortest decimal ("20", "8.875").  A draft has
 * no number: "invoice" is null in JSON and empty in the CSV.
 */
#pragma once

#include <glib.h>

#include "bill/invoice.h"
#include "bill/invoicedoc.h"
#include "base/outfile.h"
#include "base/store.h"

/* The JSON document of INV (built with json-glib, printed as rater-json.h
 * prints every document); NUMBER NULL for a draft, STATUS "draft" or
 * "issued".  Deterministic: the same invoice gives the same bytes. */
char *invoiceout_json (const Invoice *inv, const char *number, const char *status);

/* Optional columns of the invoice-lines CSV (billing.md §11), after the
 * usual ones, in this order.  A file has them when one of its invoices
 * needs them, so without finance data it is the same file as before. */
typedef enum {
  /* description: an adjustment line's (an invoice has adjustments) */
  INVOICEOUT_COLUMNS_DESCRIPTION = 1 << 0,
  /* issued_on, due_on, seller_legal_name, seller_address, seller_vat_id,
   * iban, bic, buyer_legal_name, buyer_address, buyer_vat_id,
   * reverse_charge (an invoice has parties, Invoice.parties) */
  INVOICEOUT_COLUMNS_PARTIES = 1 << 1,
  /* held_calls, held_amount: calls a draft holds under dispute (dispute.h;
   * a draft has them) */
  INVOICEOUT_COLUMNS_HELD = 1 << 2,
} InvoiceOutColumns;

/* The header row of the invoice-lines CSV with the optional COLUMNS. */
void invoiceout_csv_header (OutFile *out, unsigned columns);

/* The rows of INV's lines (with the optional COLUMNS, empty when INV has
 * nothing for them). */
void invoiceout_csv_rows (OutFile *out, const Invoice *inv, const char *number,
                          const char *status, unsigned columns);

/* The optional columns INV needs. */
unsigned invoiceout_csv_columns (const Invoice *inv);

typedef enum {
  INVOICEOUT_JSON = 1 << 0,
  INVOICEOUT_CSV = 1 << 1,
  INVOICEOUT_HTML = 1 << 2,     /* printable page (invoicedoc) */
  INVOICEOUT_PDF = 1 << 3,      /* the same as PDF (invoicedoc) */
  INVOICEOUT_UBL = 1 << 4,      /* UBL 2.1 e-invoice, issued invoices only (ubl.h) */
} InvoiceOutFormats;

/* One invoice with everything its documents show.  A draft has no NUMBER;
 * an issued record comes from the stored invoice (issue.h) and its
 * documents are written frozen: an existing file with different bytes is
 * never replaced.  A JSON document that holds the same value in an earlier
 * layout (rater before json-glib, another json-glib) is left as it is and
 * counts as written, so issuing again in an existing output folder stays a
 * no-op. */
typedef struct {
  Invoice *invoice;             /* owned */
  char *number;                 /* "NWT-202611-0001"; NULL for a draft */
  char *issued_on;              /* "YYYY-MM-DD" printed on the document */
  char *operator_name;          /* display names */
  char *customer_name;
  GPtrArray *destinations;      /* InvoiceDestination *, owned: the appendix */
  char *credited_invoice;       /* a credit note (credit.h): the invoice it credits, and
                                 * NUMBER is the credit note's; NULL for an invoice */
  char *reason;                 /* a credit note: why */
  GArray *invoice_lines;        /* a credit note: guint per line, the credited invoice's
                                 * line (0: an amount); NULL for an invoice */
  GPtrArray *calls;             /* itemised (billing.md §11): InvoiceCall *, owned, the
                                 * appendix of billed calls; NULL: not itemised */
  gboolean masked;              /* itemised = masked: the last three digits hidden */
} InvoiceRecord;

InvoiceRecord *invoiceout_record_new (void);
void invoiceout_record_free (InvoiceRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvoiceRecord, invoiceout_record_free)

InvoiceDestination *invoiceout_destination_new (const char *destination, const char *group,
                                                guint64 calls, guint64 billable_seconds,
                                                gint64 amount);

/* A record of INVOICE (stolen) built from the current catalog and ratings:
 * the display names and the usage-by-destination appendix of its period.
 * NUMBER is left NULL. */
InvoiceRecord *invoiceout_record_from_db (StoreDb *db, Invoice *invoice, const char *issued_on,
                                          GError **error);

/* The display names of every account (of OPERATOR_SLUG when not NULL), for
 * invoiceout_record_new_named(): account → { operator name, customer name }
 * (char **). */
GHashTable *invoiceout_names (StoreDb *db, const char *operator_slug, GError **error);

/* A record of INVOICE and its appendix DESTINATIONS (InvoiceDestination *),
 * both stolen, named from NAMES (invoiceout_names()); NUMBER is left NULL.
 * RATER_ERROR_SOFTWARE when NAMES lacks the account. */
InvoiceRecord *invoiceout_record_new_named (GHashTable *names, Invoice *invoice,
                                            GPtrArray *destinations, const char *issued_on,
                                            GError **error);

/* "YYYY-MM-DD" of the day after PERIOD ends (the date of a draft); NULL
 * when PERIOD is not YYYY-MM. */
char *invoiceout_day_after_period (const char *period);

/* "<number or account>-<period>": the file name of REC's documents
 * without extension (formats.md §3). */
char *invoiceout_basename (const InvoiceRecord *rec);

/* REC's documents of FORMATS (json, html, pdf; csv is per run) under DIR. */
gboolean invoiceout_write_record (const InvoiceRecord *rec, const char *dir,
                                  InvoiceOutFormats formats, GError **error);

/* DIR/invoice-lines-PERIOD-SUFFIX.csv opened with its header row written
 * (SUFFIX "draft", or the operator of issued invoices), with the optional
 * COLUMNS. */
OutFile *invoiceout_open_lines_csv (const char *dir, const char *period, const char *suffix,
                                    unsigned columns, GError **error);

/* The invoice-lines CSV of RECORDS (InvoiceRecord *) at PATH. */
gboolean invoiceout_write_lines_csv (const GPtrArray *records, const char *path, GError **error);

/* Draft invoices (never UBL: an e-invoice needs a number) for PERIOD of every account (of OPERATOR_SLUG and/or
 * ACCOUNT when not NULL) that has lines and is not issued yet for PERIOD,
 * written under DIR (created when missing): <account>-<period>.json, .html
 * and .pdf per invoice and/or invoice-lines-<period>-draft.csv.  A draft's
 * documents are dated the day after the period ends, and rendered on
 * THREADS threads (docwriter.h; 0: one per CPU).  *N_INVOICES receives the
 * count written, *N_ISSUED the accounts skipped as already issued. */
gboolean invoiceout_write_drafts (StoreDb *db, const char *period, const char *operator_slug,
                                  const char *account, const char *dir, InvoiceOutFormats formats,
                                  guint threads, guint *n_invoices, guint *n_issued,
                                  GError **error);
