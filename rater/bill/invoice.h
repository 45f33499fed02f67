/* invoice.h — what one account owes for one period (billing.md §7).
 *
 * invoice_compute() reads the catalog (account, plan, operator, numbers) and
 * the stored ratings of an account and builds its invoice for period P
 * (YYYY-MM, a calendar month in the account's time zone) as plain data: the
 * lines in their fixed order, subtotal, tax and total.  It writes nothing and
 * knows no document format; writers (JSON, CSV, ...) and issuing/numbering
 * build on it.
 *
 * Lines, in this order:
 *  1. recurring: one per number type present (user, service, tollfree).  Each
 *     assignment (numbers row) of the account with at least one calendar day
 *     of P inside [from_date, to_date) is charged its type's monthly plan fee
 *     prorated by days, round_half_up (fee * active_days / days_in_P) micro-
 *     units; quantity = distinct numbers of the type, amount = the prorated
 *     amounts summed, then rounded half up to the currency's minor units.
 *     Dates are calendar days (account zone), so a DST month still has its
 *     28..31 days.  A type with numbers but a zero fee still has its line.
 *  2. usage: one per (direction, group) of the account's ratings with status
 *     'rated', period P, late = 0; 'out' before 'in', groups in byte order;
 *     amount = the call charges summed, then rounded half up to minor units.
 *  3. late_usage: the same grouping for the account's late ratings (late = 1)
 *     of periods before P not yet billed (ratings.invoice NULL), with the
 *     list of those periods.  Issuing (issue.h) marks them billed.
 *  Calls under an open dispute, or whose dispute was upheld (dispute.h), are
 *  held: on no line, counted in held_calls.  A call whose dispute was
 *  rejected after its period was issued is late usage of the next invoice.
 *  4. adjustment: one per adjustment of the account for P (adjust.h), in
 *     the order they were added, with its description; taxed like usage.
 *     Issuing marks them billed.
 *
 * invoice_compute() reads one account; invoice_compute_period() every
 * account of a period in one pass, giving the same invoices.
 *
 * subtotal = sum of line amounts (exact: each is already in minor units);
 * tax = round_half_up (subtotal * tax_rate / 100) rounded once, exactly, to
 * minor units; total = subtotal + tax.  All money is gint64 micro-units of the
 * operator's currency; no floating point.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef enum {
  INVOICE_LINE_RECURRING,
  INVOICE_LINE_USAGE,
  INVOICE_LINE_LATE_USAGE,
  INVOICE_LINE_ADJUSTMENT,      /* billing.md §11: one per adjustment (adjust.h) */
} InvoiceLineKind;

typedef struct {
  InvoiceLineKind kind;
  char *number_type;            /* recurring: "user" | "service" | "tollfree"; else NULL */
  char *direction;              /* usage, late_usage: "out" | "in"; else NULL */
  char *group;                  /* usage, late_usage: deck group ("INTL"); else NULL */
  guint64 quantity;             /* recurring: distinct numbers; else 0 */
  guint64 calls;                /* usage, late_usage: rated calls; else 0 */
  guint64 billable_seconds;     /* usage, late_usage: sum of billable seconds */
  guint64 covered_seconds;      /* usage, late_usage: sum of bundle-covered seconds */
  gint64 amount;                /* micro-units, rounded half up to the currency's minor units */
  GPtrArray *periods;           /* late_usage: distinct "YYYY-MM" of its calls, ascending
                                 * (owned char *); NULL for other kinds */
  char *description;            /* adjustment: what it is for; else NULL */
} InvoiceLine;

/* Who bills whom and on what terms (billing.md §11): the optional finance
 * columns of operators.csv and accounts.csv.  An invoice has parties only
 * when its operator or account gives at least one of them; without, its
 * documents print exactly as before those columns existed. */
typedef struct {
  char *seller_legal_name;      /* operators.legal_name, else the operator's name */
  char *seller_address;         /* NULL: none; lines separated by '\n' */
  char *seller_vat_id;          /* NULL: none */
  char *seller_email;           /* NULL: none */
  char *iban;                   /* payment details; NULL: none */
  char *bic;
  gint64 terms_days;            /* payment_terms_days (30 when not given) */
  char *buyer_legal_name;       /* accounts.legal_name, else the account's name */
  char *buyer_address;
  char *buyer_vat_id;
  char *buyer_country;          /* accounts.country, ISO 3166 alpha-2 */
  gboolean reverse_charge;      /* taxed 0 with the reverse-charge note */
  char *issued_on;              /* "YYYY-MM-DD" the documents are dated, and */
  char *due_on;                 /* that + terms_days: set together by
                                 * invoice_parties_set_due(), NULL before */
} InvoiceParties;

/* The note a reverse-charge invoice carries (billing.md §11). */
#define INVOICE_REVERSE_CHARGE_NOTE "Reverse charge: VAT to be accounted for by the recipient"

/* Payment terms when the operator gives none (billing.md §11). */
#define INVOICE_DEFAULT_TERMS_DAYS 30

InvoiceParties *invoice_parties_new (void);
InvoiceParties *invoice_parties_copy (const InvoiceParties *parties);
void invoice_parties_free (InvoiceParties *parties);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InvoiceParties, invoice_parties_free)

/* Set PARTIES->issued_on to ISSUED_ON ("YYYY-MM-DD") and PARTIES->due_on to
 * ISSUED_ON + PARTIES->terms_days;
 * FALSE when ISSUED_ON is not a date. */
gboolean invoice_parties_set_due (InvoiceParties *parties, const char *issued_on);

typedef struct {
  char *operator_slug;          /* operators.operator */
  char *account;                /* accounts.account */
  char *tenant_id;              /* Teams tenant id, NULL when the account has none */
  char *period;                 /* "YYYY-MM" */
  char *currency;               /* ISO 4217 code of the operator */
  guint minor_units;            /* decimals of CURRENCY, 0..3 */
  gint64 tax_rate;              /* micro-percent: 8.875 % = 8875000 */
  GPtrArray *lines;             /* InvoiceLine *, owned, in invoice order; never empty */
  gint64 subtotal;              /* micro-units, sum of line amounts */
  gint64 tax;                   /* micro-units, in minor units */
  gint64 total;                 /* micro-units, subtotal + tax */
  guint64 held_calls;           /* drafts: calls held off the invoice by an open dispute
                                 * (dispute.h), of P or unbilled late ones; 0: none
                                 * (and always 0 on an issued invoice) */
  gint64 held_amount;           /* their charges summed, rounded half up to minor units */
  InvoiceParties *parties;      /* owned; NULL: the catalog gives no finance column
                                 * (billing.md §11).  A reverse-charge account's
                                 * invoice has tax_rate 0. */
} Invoice;

/* One row of an invoice's appendix: the usage of one destination over the
 * period (the account's rated, non-late calls of P grouped by destination
 * and group, in that byte order, a NULL destination or group first). */
typedef struct {
  char *destination;            /* destination name ("United Kingdom Mobile") */
  char *group;                  /* deck group ("MOBILE") */
  guint64 calls;                /* rated calls */
  guint64 billable_seconds;     /* sum of billable seconds */
  gint64 amount;                /* micro-units of the invoice currency (rounded to its
                                 * minor units for display) */
} InvoiceDestination;

InvoiceDestination *invoice_destination_new (const char *destination, const char *group,
                                             guint64 calls, guint64 billable_seconds,
                                             gint64 amount);
void invoice_destination_free (gpointer destination);

/* One billed call of an itemised invoice (billing.md §11). */
typedef struct {
  gint64 start_ms;              /* UTC */
  gint64 local_start;           /* seconds since 1970-01-01T00:00 in the account's zone */
  char *number;                 /* the other party, E.164 digits (NULL: withheld) */
  gint64 duration;              /* seconds */
  gint64 charge;                /* micro-units */
} InvoiceCall;

void invoice_call_free (gpointer call);

/* The billed calls (InvoiceCall *, owned) of ACCOUNT's invoice for PERIOD
 * in start order, their local start in ZONE: the account's rated calls of
 * PERIOD (not late) and the late ones the invoice bills — those marked
 * with NUMBER, or for a draft (NUMBER NULL) those not billed yet of
 * earlier periods, and the calls of rejected disputes it bills as late
 * usage (dispute.h); calls held by a dispute are not billed calls.  Free
 * calls (charge 0) are left out.  An issued invoice whose calls were frozen
 * before a purge (bill/purge.h) reads them from invoice_frozen_calls. */
GPtrArray *invoice_calls (StoreDb *db, const char *account, const char *period,
                          const char *number, const char *zone, GError **error);

/* The invoice of ACCOUNT for PERIOD ("YYYY-MM") computed from DB.
 *
 * Returns a new Invoice (free with invoice_free), or NULL:
 *  - without setting ERROR when the account has no line for PERIOD (billing.md
 *    §7: no invoice);
 *  - with RATER_ERROR_USAGE for an unknown account or a PERIOD that is not
 *    YYYY-MM (year 0001..9999, month 01..12);
 *  - with RATER_ERROR_DATA for stored values that cannot be billed (a number
 *    date that is not YYYY-MM-DD, a currency that is not ISO 4217, amounts
 *    that overflow);
 *  - with RATER_ERROR_SOFTWARE for database errors. */
Invoice *invoice_compute (StoreDb *db, const char *account, const char *period, GError **error);

/* The appendix of ACCOUNT for PERIOD (InvoiceDestination *, owned, in
 * display order; empty when it has no rated call in PERIOD). */
GPtrArray *invoice_destinations (StoreDb *db, const char *account, const char *period,
                                 GError **error);

/* Which accounts invoice_compute_period() bills.  Borrowed. */
typedef struct {
  const char *period;           /* "YYYY-MM" */
  const char *operator_slug;    /* NULL: every operator */
  const char *account;          /* NULL: every account (of OPERATOR_SLUG) */
  GHashTable *skip;             /* set of accounts (char *) left out, never computed
                                 * (issued, closed); NULL: none */
  gboolean from_ratings;        /* TRUE: read the ratings even when the aggregates
                                 * would do (tests compare the two) */
} InvoiceScope;

/* Called by invoice_compute_period() for each account that has lines, in
 * account byte order, with its INVOICE and its appendix DESTINATIONS
 * (InvoiceDestination *), both handed over.  FALSE (ERROR set) stops. */
typedef gboolean (*InvoiceFunc) (Invoice *invoice, GPtrArray *destinations, gpointer data,
                                 GError **error);

/* The invoices of every account of SCOPE for SCOPE->period, each exactly
 * what invoice_compute() and invoice_destinations() give it, computed in
 * one pass over the period: the catalog of the accounts, their numbers and
 * their unbilled late ratings in one query each, and the period's ratings
 * read once in call order (with their calls), aggregated in memory per
 * account, direction, group and destination — so the cost follows the
 * period's calls and the memory the invoices, whatever the accounts and
 * the stored history.  With SCOPE->account set, that one account's
 * ratings are read through the period index instead.  While the report
 * aggregates are current (rate/aggregates.h) and no account of SCOPE has
 * the period closed, the usage and the appendices are summed from
 * agg_destination instead of the ratings (the same figures: the few calls
 * held by disputes subtracted), account by account in one pass over the
 * period's rows, each account handed to EACH as soon as it is summed.
 *
 * The accounts are visited in byte order; the first that cannot be billed
 * stops with its invoice_compute() error prefixed "account 'A': ".  An
 * account with no line is skipped (EACH is not called).  A bad period is
 * RATER_ERROR_USAGE; an account of SCOPE that does not exist is no error
 * (nothing matches). */
gboolean invoice_compute_period (StoreDb *db, const InvoiceScope *scope, InvoiceFunc each,
                                 gpointer data, GError **error);

/* An empty invoice of ACCOUNT for PERIOD, for readers of stored invoices
 * (issue.h) that fill in the rest; and a new line of KIND appended to it
 * (all fields zero or NULL; late_usage lines get their PERIODS set by the
 * caller). */
Invoice *invoice_new (const char *account, const char *period);
InvoiceLine *invoice_add_line (Invoice *invoice, InvoiceLineKind kind);

/* round_half_up (SUBTOTAL * TAX_RATE / 100) in minor units of MINOR_UNITS
 * decimals (TAX_RATE micro-percent), as every invoice's tax: *TAX in
 * micro-units; RATER_ERROR_DATA when it overflows. */
gboolean invoice_tax (gint64 subtotal, gint64 tax_rate, guint minor_units, gint64 *tax,
                      GError **error);

void invoice_free (Invoice *invoice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Invoice, invoice_free)

/* Human-readable kind as in the invoice documents (formats.md §3):
 * "recurring", "usage", "late_usage", "adjustment". */
const char *invoice_line_kind_to_string (InvoiceLineKind kind);
