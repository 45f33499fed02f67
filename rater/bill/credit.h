/* credit.h — credit notes against issued invoices (billing.md §11).
 *
 * A credit note credits all of an issued invoice, some of its lines, or an
 * amount (net, before tax, like a line) with a reason.  It is numbered
 * {invoice_prefix}-CN-{YYYYMM}-{seq}: YYYYMM the month of its date (UTC),
 * seq from 1 per (operator, YYYYMM), gap-free, given in the transaction
 * that stores it (schemas/009-finance.sql), and it never changes again.
 * Its lines are negative: a credited line is the invoice's line with the
 * amount negated, a credited amount one `adjustment` line described by the
 * reason.  Tax: all of an invoice is exactly its tax negated; otherwise
 * -round_half_up (|subtotal| × rate / 100), the invoice's rule on the
 * credited amount.  Parties, names, currency and tax rate are the
 * invoice's.
 *
 * Never more in total than the invoice less its earlier credit notes: a
 * credit note whose |total| exceeds that is refused (RATER_ERROR_DATA,
 * exit 65) naming the amount left; so is a line an earlier credit note
 * credited, or an invoice with nothing left.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "bill/invoiceout.h"

typedef enum {
  CREDIT_ALL,                   /* every line */
  CREDIT_LINES,                 /* LINES */
  CREDIT_AMOUNT,                /* AMOUNT, net */
} CreditMode;

/* What to credit.  Borrowed. */
typedef struct {
  CreditMode mode;
  const guint *lines;           /* CREDIT_LINES: invoice line numbers (1..) */
  guint n_lines;
  const char *amount;           /* CREDIT_AMOUNT: a positive decimal, at most the
                                 * currency's minor digits */
  const char *reason;           /* required, 1..1024 bytes of UTF-8 */
  const char *issued_on;        /* "YYYY-MM-DD" of the credit note */
} CreditRequest;

/* Issue a credit note against the issued INVOICE; its number in *NUMBER
 * (g_free).  All or nothing.  RATER_ERROR_USAGE for an unknown invoice, a
 * bad line number, amount or reason; RATER_ERROR_DATA when it would credit
 * more than is left, or a line already credited. */
gboolean credit_issue (StoreDb *db, const char *invoice, const CreditRequest *req,
                       char **number, GError **error);

/* The credit note NUMBER as stored, as a record (InvoiceRecord with
 * credited_invoice, reason and invoice_lines set), or NULL:
 * RATER_ERROR_USAGE when there is none. */
InvoiceRecord *credit_load (StoreDb *db, const char *number, GError **error);

/* Write the credit note NUMBER's documents of FORMATS under DIR (created
 * when missing), frozen: <number>-<period>.json/.html/.pdf/.xml and, with
 * INVOICEOUT_CSV, credit-note-lines-<number>.csv (the invoice-lines CSV
 * layout, status "credit_note", negative amounts, the description column
 * saying what each line credits). */
gboolean credit_write_documents (StoreDb *db, const char *number, const char *dir,
                                 unsigned formats, GError **error);
