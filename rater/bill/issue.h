/* issue.h — issuing a period's invoices and closing it (billing.md §8).
 *
 * issue_period() gives, in one transaction, every account of an operator
 * that has lines for period P and no invoice for P yet an invoice number
 * {invoice_prefix}-{YYYYMM}-{seq} (seq continues from the operator's last
 * number for P, 4 digits minimum, new accounts in byte order: no gaps, no
 * reuse), stores each invoice frozen (lines, totals, names, date, appendix:
 * schemas/003-invoices.sql), marks the late ratings it bills with its number,
 * and closes P for every account of the operator.
 *
 * Issuing the same (operator, P) again issues nothing new unless an account
 * gained lines for P without being closed (an account added to the catalog
 * after the first issue): that account gets the next number.  An issued
 * invoice is never recomputed; issue_load() reads it back exactly, so its
 * documents are the same bytes every time.
 *
 * Rating what is pending is the caller's job (rate_run before issuing).
 *
 * issue_run() is what `rater invoice issue` and the nightly run both do:
 * issue_period() then issue_write_documents() for one operator or for every
 * operator in byte order.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "bill/invoiceout.h"

typedef struct {
  guint issued;                 /* invoices numbered by this call */
  guint already;                /* accounts already issued for P before */
  guint closed;                 /* accounts whose P this call closed */
} IssueStats;

/* Issue PERIOD ("YYYY-MM") for OPERATOR_SLUG, dating new invoices
 * ISSUED_ON ("YYYY-MM-DD").  All or nothing: on error nothing changed.
 * (issue_run() with INVOICEOUT_UBL in its formats also refuses, before
 * anything is issued, an invoice that cannot be a UBL e-invoice, ubl.h.)
 * RATER_ERROR_USAGE for an unknown operator or a bad period. */
gboolean issue_period (StoreDb *db, const char *operator_slug, const char *period,
                       const char *issued_on, IssueStats *stats, GError **error);

/* The issued invoices of OPERATOR_SLUG for PERIOD as InvoiceRecord *
 * (invoiceout.h), in number order, exactly as stored. */
GPtrArray *issue_load (StoreDb *db, const char *operator_slug, const char *period,
                       GError **error);

/* The issued invoice NUMBER as stored (as issue_load reads it), or NULL:
 * RATER_ERROR_USAGE when there is none. */
InvoiceRecord *issue_load_invoice (StoreDb *db, const char *number, GError **error);

/* The InvoiceOutFormats bit of the document format NAME ("json", "csv",
 * "html", "pdf") in *FORMAT; FALSE when NAME names none.  The command's
 * --format and the nightly config's invoice_formats both read this way. */
gboolean issue_parse_format (const char *name, unsigned *format);

/* Every operator slug, in byte order. */
GPtrArray *issue_operators (StoreDb *db, GError **error);

/* Whether every account of the catalog has PERIOD closed (*CLOSED; TRUE
 * when there are no accounts): then PERIOD needs no more drafts. */
gboolean issue_period_closed (StoreDb *db, const char *period, gboolean *closed,
                              GError **error);

/* Write the documents of OPERATOR_SLUG's issued invoices for PERIOD under
 * DIR (created when missing): per invoice <number>-<period>.json/.html/.pdf
 * of FORMATS, never replacing an existing file with different bytes,
 * rendered on THREADS threads (docwriter.h; 0: one per CPU), and with
 * INVOICEOUT_CSV invoice-lines-<period>-<operator>.csv, every issued
 * invoice of the pair in number order.  The invoices are read one by one:
 * memory holds one per thread.  *N_WRITTEN receives the count of
 * invoices. */
gboolean issue_write_documents (StoreDb *db, const char *operator_slug, const char *period,
                                const char *dir, unsigned formats, guint threads,
                                guint *n_written, GError **error);

/* Whether PERIOD ("YYYY-MM") has ended at NOW_MS (UTC milliseconds) for
 * every account of OPERATOR_SLUG (NULL: of every operator): it ends at
 * midnight of the next month in an account's zone, so last in the
 * westernmost zone.  *ENDED, *ENDS_MS (that instant) and *ZONE (that zone,
 * owned by the caller; "UTC" when there are no accounts) receive the answer.
 * RATER_ERROR_USAGE for a bad period.  'invoice issue' and the nightly issue
 * only an ended period ('--force' overrides the command). */
gboolean issue_period_ended (StoreDb *db, const char *operator_slug, const char *period,
                             gint64 now_ms, gboolean *ended, gint64 *ends_ms, char **zone,
                             GError **error);

/* Called by issue_run() after each operator: its IssueStats and the count
 * of invoices whose documents were written. */
typedef void (*IssueRunFunc) (const char *operator_slug, const IssueStats *stats,
                              guint written, gpointer data);

/* What issue_run() issues and where it writes.  Borrowed strings. */
typedef struct {
  const char *operator_slug;    /* NULL: every operator, in byte order */
  const char *period;           /* "YYYY-MM" */
  const char *issued_on;        /* "YYYY-MM-DD" of new invoices; NULL: today (UTC) */
  const char *dir;              /* the documents' directory (issue_write_documents) */
  unsigned formats;             /* InvoiceOutFormats */
  IssueRunFunc each;            /* NULL: nothing called */
  gpointer each_data;
  guint threads;                /* rendering threads (docwriter.h); 0: one per CPU */
} IssueRunOptions;

typedef struct {
  guint issued;                 /* IssueStats summed over the operators */
  guint already;
  guint closed;
  guint written;                /* invoices whose documents were written */
} IssueRunStats;

/* Issue OPTS->period for OPTS->operator_slug (or every operator) and write
 * each operator's documents under OPTS->dir, operator by operator: an
 * operator issued before an error stays issued.  RATER_ERROR_USAGE for an
 * unknown operator or a bad period. */
gboolean issue_run (StoreDb *db, const IssueRunOptions *opts, IssueRunStats *stats,
                    GError **error);
