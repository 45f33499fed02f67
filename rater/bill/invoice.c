/* invoice.c — computing the invoices of a period (billing.md §7).
 *
 * Data model: the period is a half-open range of calendar days [first, end)
 * as days since 1970-01-01 (number dates are calendar days in the account's
 * zone, so no instant or offset is involved and DST cannot shift a day).
 *
 * Both ways in read the same rows into one AccountRows per account: its
 * terms, its number assignments ordered by (type, number), its unbilled
 * late ratings aggregated by (direction, group, period) in invoice order,
 * and its usage of P — either the rows of a per-account GROUP BY query
 * (invoice_compute, and invoice_compute_period for one account), or sums
 * keyed by (direction, group, destination) that one scan of the period's
 * ratings fills for every account at once (invoice_compute_period).  The
 * scan reads the ratings and their calls forward in call-id order between
 * the period's first and last call, so it never seeks a call at random and
 * costs nothing for a period without calls; the catalog, the numbers and
 * the late ratings (a partial index, schemas/004) are one query each.
 * While the report aggregates are current, invoice_compute_period() fills
 * the same sums from agg_destination instead, one account at a time ("From
 * the aggregates" below says when and how they equal the scan's).
 *
 * One builder then makes the Invoice: recurring lines accumulate per type
 * the prorated micro-units and the count of distinct numbers; usage rows in
 * invoice order fold, consecutive rows of the same (direction, group) into
 * one line, their periods listed for late usage.  Amounts are summed raw and
 * rounded to the currency's minor units once per line.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"
#include "bill/invoice.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"
#include "rate/aggregates.h"

static const char *const number_types[] = { "user", "service", "tollfree" };
#define N_NUMBER_TYPES G_N_ELEMENTS (number_types)

typedef struct {
  gint64 first;                 /* days since epoch of the period's first day */
  gint64 end;                   /* days since epoch of the next period's first day */
} PeriodDays;

typedef struct {
  guint64 quantity;             /* distinct numbers seen */
  gint64 micro;                 /* prorated fees, micro-units, not yet rounded */
  const char *last;             /* the last number counted (rows come ordered by number) */
} RecurringSum;

/* Lifecycle {{{1 */

static void
invoice_line_free (gpointer data)
{
  InvoiceLine *line = data;

  if (!line)
    return;
  g_free (line->number_type);
  g_free (line->direction);
  g_free (line->group);
  if (line->periods)
    g_ptr_array_unref (line->periods);
  g_free (line->description);
  g_free (line);
}

void
invoice_free (Invoice *invoice)
{
  if (!invoice)
    return;
  g_free (invoice->operator_slug);
  g_free (invoice->account);
  g_free (invoice->tenant_id);
  g_free (invoice->period);
  g_free (invoice->currency);
  g_ptr_array_unref (invoice->lines);
  invoice_parties_free (invoice->parties);
  g_free (invoice);
}

InvoiceParties *
invoice_parties_new (void)
{
  InvoiceParties *p = g_new0 (InvoiceParties, 1);

  p->terms_days = INVOICE_DEFAULT_TERMS_DAYS;
  return p;
}

InvoiceParties *
invoice_parties_copy (const InvoiceParties *from)
{
  InvoiceParties *p;

  if (!from)
    return NULL;
  p = g_new0 (InvoiceParties, 1);
  *p = *from;
  p->seller_legal_name = g_strdup (from->seller_legal_name);
  p->seller_address = g_strdup (from->seller_address);
  p->seller_vat_id = g_strdup (from->seller_vat_id);
  p->seller_email = g_strdup (from->seller_email);
  p->iban = g_strdup (from->iban);
  p->bic = g_strdup (from->bic);
  p->buyer_legal_name = g_strdup (from->buyer_legal_name);
  p->buyer_address = g_strdup (from->buyer_address);
  p->buyer_vat_id = g_strdup (from->buyer_vat_id);
  p->buyer_country = g_strdup (from->buyer_country);
  p->issued_on = g_strdup (from->issued_on);
  p->due_on = g_strdup (from->due_on);
  return p;
}

void
invoice_parties_free (InvoiceParties *p)
{
  if (!p)
    return;
  g_free (p->seller_legal_name);
  g_free (p->seller_address);
  g_free (p->seller_vat_id);
  g_free (p->seller_email);
  g_free (p->iban);
  g_free (p->bic);
  g_free (p->buyer_legal_name);
  g_free (p->buyer_address);
  g_free (p->buyer_vat_id);
  g_free (p->buyer_country);
  g_free (p->issued_on);
  g_free (p->due_on);
  g_free (p);
}

gboolean
invoice_parties_set_due (InvoiceParties *p, const char *issued_on)
{
  gint64 days;
  int y, m, d;

  if (!issued_on || time_parse_date (issued_on, strlen (issued_on), &days) != TIME_OK)
    return FALSE;
  time_civil_from_days (days + p->terms_days, &y, &m, &d);
  g_free (p->issued_on);
  p->issued_on = g_strdup (issued_on);
  g_free (p->due_on);
  p->due_on = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return TRUE;
}

Invoice *
invoice_new (const char *account, const char *period)
{
  Invoice *invoice = g_new0 (Invoice, 1);

  invoice->account = g_strdup (account);
  invoice->period = g_strdup (period);
  invoice->lines = g_ptr_array_new_with_free_func (invoice_line_free);
  return invoice;
}

InvoiceLine *
invoice_add_line (Invoice *invoice, InvoiceLineKind kind)
{
  InvoiceLine *line = g_new0 (InvoiceLine, 1);

  line->kind = kind;
  g_ptr_array_add (invoice->lines, line);
  return line;
}

const char *
invoice_line_kind_to_string (InvoiceLineKind kind)
{
  static const char *const names[] = { "recurring", "usage", "late_usage", "adjustment" };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

InvoiceDestination *
invoice_destination_new (const char *destination, const char *group, guint64 calls,
                         guint64 billable_seconds, gint64 amount)
{
  InvoiceDestination *d = g_new0 (InvoiceDestination, 1);

  d->destination = g_strdup (destination);
  d->group = g_strdup (group);
  d->calls = calls;
  d->billable_seconds = billable_seconds;
  d->amount = amount;
  return d;
}

void
invoice_destination_free (gpointer destination)
{
  InvoiceDestination *d = destination;

  if (!d)
    return;
  g_free (d->destination);
  g_free (d->group);
  g_free (d);
}

void
invoice_call_free (gpointer data)
{
  InvoiceCall *c = data;

  if (!c)
    return;
  g_free (c->number);
  g_free (c);
}

typedef struct {
  GPtrArray *calls;
  const TzMap *zone;
} CallRows;

/* Row function: (start_ms, direction, caller, callee, duration, charge). */
static gboolean
add_call_row (StoreStmt *st, gpointer data, GError **error)
{
  CallRows *rows = data;
  InvoiceCall *c = g_new0 (InvoiceCall, 1);
  gboolean in = g_strcmp0 (store_column_text (st, 1), "in") == 0;

  c->start_ms = store_column_int64 (st, 0);
  gint64 seconds = c->start_ms >= 0 ? c->start_ms / 1000 : -((-c->start_ms + 999) / 1000);
  c->local_start = seconds + tzmap_offset_at (rows->zone, seconds);
  c->number = g_strdup (store_column_text_or_null (st, in ? 2 : 3));
  c->duration = store_column_int64 (st, 4);
  c->charge = store_column_int64 (st, 5);
  g_ptr_array_add (rows->calls, c);
  return TRUE;
}

/* Row function: (start_ms, local_start, number, duration, charge) of
 * invoice_frozen_calls into the GPtrArray CALLS. */
static gboolean
add_frozen_call (StoreStmt *st, gpointer calls, GError **error)
{
  InvoiceCall *c = g_new0 (InvoiceCall, 1);

  c->start_ms = store_column_int64 (st, 0);
  c->local_start = store_column_int64 (st, 1);
  c->number = g_strdup (store_column_text_or_null (st, 2));
  c->duration = store_column_int64 (st, 3);
  c->charge = store_column_int64 (st, 4);
  g_ptr_array_add (calls, c);
  return TRUE;
}

/* The calls of issued invoice NUMBER frozen before a purge (schemas/013)
 * in *CALLS, or *CALLS NULL when it is not frozen. */
static gboolean
frozen_calls (StoreDb *db, const char *number, GPtrArray **calls, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT c.start_ms, c.local_start, c.number, c.duration, c.charge"
    " FROM invoice_frozen f LEFT JOIN invoice_frozen_calls c ON c.invoice = f.invoice"
    " WHERE f.invoice = ?1 ORDER BY c.seq", error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (invoice_call_free);
  gboolean frozen = FALSE;

  if (!st || !store_bind (st, error, STORE_TEXT (number)))
    return FALSE;
  for (int rc; (rc = store_next (st)) != STORE_DONE;)
    {
      if (rc != STORE_ROW)
        return store_set_error (error, db, "reading frozen calls");
      frozen = TRUE;
      if (!store_column_is_null (st, 0))
        add_frozen_call (st, rows, error);
    }
  *calls = frozen ? g_steal_pointer (&rows) : NULL;
  return TRUE;
}

GPtrArray *
invoice_calls (StoreDb *db, const char *account, const char *period, const char *number,
               const char *zone, GError **error)
{
  GPtrArray *frozen = NULL;
  if (number && !frozen_calls (db, number, &frozen, error))
    return NULL;
  if (frozen)
    return frozen;
  g_autoptr(TzMap) map = tzmap_new (zone, error);
  g_autoptr(StoreStmt) st = map ? store_prepare (db,
    "SELECT c.start_ms, c.direction, c.caller, c.callee, c.duration, r.charge"
    " FROM ratings r JOIN calls c ON c.id = r.call_id"
    " LEFT JOIN disputes d ON d.call_id = r.call_id"
    " WHERE r.account = ?1 AND r.status = 'rated' AND r.charge > 0"
    /* an issued invoice: what it billed, whatever was disputed since */
    " AND (?3 IS NOT NULL AND ((r.late = 0 AND r.period = ?2 AND coalesce (d.held_closed, 0) = 0"
    " AND NOT (coalesce (d.status, '') = 'upheld' AND d.billed_invoice IS NULL))"
    " OR (r.late = 1 AND r.invoice = ?3) OR d.late_invoice = ?3)"
    /* a draft: what it would bill, held calls left out */
    " OR ?3 IS NULL AND (d.status IS NULL OR d.status = 'rejected')"
    " AND ((r.late = 0 AND r.period = ?2 AND (d.held_closed IS NULL OR d.held_closed = 0))"
    " OR (r.late = 1 AND r.invoice IS NULL AND r.period < ?2)"
    " OR (r.late = 0 AND d.held_closed = 1 AND d.late_invoice IS NULL AND r.period < ?2)))"
    " ORDER BY c.start_ms, c.id", error) : NULL;
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (invoice_call_free);
  CallRows rows = { calls, map };
  if (!st || !store_bind (st, error, STORE_TEXT (account), STORE_TEXT (period),
                          STORE_TEXT (number))
      || !store_each_row (st, add_call_row, &rows, "reading billed calls", error))
    return NULL;
  return g_steal_pointer (&calls);
}

/* Arithmetic {{{1 */

/* Every sum, product and rounding of stored amounts is checked: amounts
 * that no longer fit gint64 fail the invoice with "amounts overflow"
 * (RATER_ERROR_DATA), never a wrapped value and never an abort (the
 * unchecked decimal.h helpers assert). */
static gboolean
overflow_error (GError **error)
{
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_DATA, "amounts overflow");
  return FALSE;
}

static gboolean
add_checked (gint64 *acc, gint64 v, GError **error)
{
  if (!__builtin_add_overflow (*acc, v, acc))
    return TRUE;
  return overflow_error (error);
}

/* *AMOUNT rounded half up to MINOR_UNITS decimals, in place. */
static gboolean
round_checked (gint64 *amount, guint minor_units, GError **error)
{
  return decimal_round_half_up_checked (*amount, minor_units, amount) || overflow_error (error);
}

/* Micro-units in one minor unit of a currency with MINOR_UNITS decimals. */
static gint64
minor_unit (guint minor_units)
{
  gint64 unit = DECIMAL_MICRO;

  for (guint i = 0; i < minor_units; i++)
    unit /= 10;
  return unit;
}

/* round_half_up (SUBTOTAL * TAX_RATE / 100) to MINOR_UNITS decimals, rounded
 * once from the exact value (TAX_RATE in micro-percent). */
static gboolean
compute_tax (gint64 subtotal, gint64 tax_rate, guint minor_units, gint64 *tax, GError **error)
{
  gint64 unit = minor_unit (minor_units);
  gint64 minor;

  if (decimal_mul_div_round_half_up_checked (subtotal, tax_rate, 100 * DECIMAL_MICRO * unit, &minor)
      && !__builtin_mul_overflow (minor, unit, tax))
    return TRUE;
  return overflow_error (error);
}

gboolean
invoice_tax (gint64 subtotal, gint64 tax_rate, guint minor_units, gint64 *tax, GError **error)
{
  return compute_tax (subtotal, tax_rate, minor_units, tax, error);
}

static gboolean
compute_totals (Invoice *invoice, GError **error)
{
  invoice->subtotal = 0;
  for (guint i = 0; i < invoice->lines->len; i++)
    {
      const InvoiceLine *line = invoice->lines->pdata[i];
      if (!add_checked (&invoice->subtotal, line->amount, error))
        return FALSE;
    }
  if (!compute_tax (invoice->subtotal, invoice->tax_rate, invoice->minor_units,
                    &invoice->tax, error))
    return FALSE;
  invoice->total = invoice->subtotal;
  return add_checked (&invoice->total, invoice->tax, error);
}

/* The rows an invoice is made of {{{1 */

/* One numbers row of the account. */
typedef struct {
  char *type;
  char *number;
  char *from_date;              /* "YYYY-MM-DD" as stored (checked when billed) */
  char *to_date;                /* NULL: open */
} NumberRow;

/* What usage is grouped by; NULL group or destination as stored. */
typedef struct {
  const char *direction;        /* "out" | "in" */
  const char *group;
  const char *destination;      /* the period scan's sums; NULL in query rows */
  const char *period;           /* query rows: "YYYY-MM"; NULL in the scan's sums */
} UsageKey;

/* Rated calls of one UsageKey: a row of a GROUP BY query, or a sum of the
 * period scan (then also the key of AccountRows.sums). */
typedef struct {
  UsageKey key;                 /* points into OWNED */
  char *owned;                  /* the key's strings, one allocation */
  guint64 calls;
  guint64 billable;             /* seconds */
  guint64 covered;              /* seconds */
  gint64 charge;                /* micro-units, unrounded */
} UsageRow;

/* One adjustment of the period (adjust.h). */
typedef struct {
  gint64 amount;                /* micro-units, in minor units */
  char *description;
} AdjustRow;

static void
adjust_row_free (gpointer data)
{
  AdjustRow *r = data;

  g_free (r->description);
  g_free (r);
}

/* Everything one account's invoice is computed from. */
typedef struct {
  char *account;
  char *operator_slug;
  char *tenant_id;              /* NULL: none */
  char *currency;               /* NULL: the operator is missing from the catalog */
  gboolean has_plan;            /* FALSE: the plan is missing from the catalog */
  gint64 tax_rate;              /* micro-percent */
  InvoiceParties *parties;      /* NULL: no finance column (billing.md §11) */
  gint64 fees[N_NUMBER_TYPES];  /* micro-units per month, by number_types[] */
  GPtrArray *numbers;           /* NumberRow *, by (type, number, from_date) */
  GPtrArray *late;              /* UsageRow *, unbilled late usage in invoice order */
  GPtrArray *adjustments;       /* AdjustRow *, the adjustments of P in the order added */
  guint64 held_calls;           /* calls held by an open dispute, and */
  gint64 held_charge;           /* their charges summed (micro-units, raw) */
  GPtrArray *usage;             /* UsageRow *, usage of P in invoice order; NULL: SUMS */
  GHashTable *sums;             /* UsageRow * (key and value), by (direction, group,
                                 * destination): the period scan; NULL: USAGE */
} AccountRows;

/* The accounts of a computation. */
typedef struct {
  GPtrArray *accounts;          /* AccountRows *, in byte order */
  GHashTable *by_name;          /* account → AccountRows * of ACCOUNTS */
  gboolean closed;              /* an account of ACCOUNTS has the period closed */
} Batch;

static void
number_row_free (gpointer data)
{
  NumberRow *n = data;

  g_free (n->type);
  g_free (n->number);
  g_free (n->from_date);
  g_free (n->to_date);
  g_free (n);
}

static void
usage_row_free (gpointer data)
{
  UsageRow *u = data;

  g_free (u->owned);
  g_free (u);
}

/* Copy the non-NULL strings of FROM into OWNED at *AT; *TO points to the copy. */
static void
copy_key_string (const char *from, char *owned, gsize *at, const char **to)
{
  gsize len;

  *to = NULL;
  if (!from)
    return;
  len = strlen (from) + 1;
  memcpy (owned + *at, from, len);
  *to = owned + *at;
  *at += len;
}

static UsageRow *
usage_row_new (const UsageKey *key)
{
  const char *parts[] = { key->direction, key->group, key->destination, key->period };
  gsize size = 0, at = 0;
  UsageRow *u = g_new0 (UsageRow, 1);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    size += parts[i] ? strlen (parts[i]) + 1 : 0;
  u->owned = g_malloc (MAX (size, 1));
  copy_key_string (key->direction, u->owned, &at, &u->key.direction);
  copy_key_string (key->group, u->owned, &at, &u->key.group);
  copy_key_string (key->destination, u->owned, &at, &u->key.destination);
  copy_key_string (key->period, u->owned, &at, &u->key.period);
  return u;
}

/* Hash and equality of the scan's sums: (direction, group, destination),
 * NULL distinct from "". */
static guint
usage_key_hash (gconstpointer data)
{
  const UsageKey *k = data;
  guint h = g_str_hash (k->direction);

  h = h * 31 + (k->group ? g_str_hash (k->group) : 7);
  return h * 31 + (k->destination ? g_str_hash (k->destination) : 11);
}

static gboolean
usage_key_equal (gconstpointer a, gconstpointer b)
{
  const UsageKey *x = a, *y = b;

  return strcmp (x->direction, y->direction) == 0 && g_strcmp0 (x->group, y->group) == 0
         && g_strcmp0 (x->destination, y->destination) == 0;
}

static void
account_rows_free (gpointer data)
{
  AccountRows *a = data;

  if (!a)
    return;
  g_free (a->account);
  g_free (a->operator_slug);
  g_free (a->tenant_id);
  g_free (a->currency);
  invoice_parties_free (a->parties);
  g_ptr_array_unref (a->numbers);
  g_ptr_array_unref (a->late);
  g_ptr_array_unref (a->adjustments);
  if (a->usage)
    g_ptr_array_unref (a->usage);
  if (a->sums)
    g_hash_table_unref (a->sums);
  g_free (a);
}

static Batch *
batch_new (void)
{
  Batch *b = g_new0 (Batch, 1);

  b->accounts = g_ptr_array_new_with_free_func (account_rows_free);
  b->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return b;
}

static void
batch_free (Batch *b)
{
  g_hash_table_unref (b->by_name);
  g_ptr_array_unref (b->accounts);
  g_free (b);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

/* Reading the rows {{{1 */

/* The account's terms: (account, operator, tenant_id, tax_rate, currency,
 * fee_user, fee_service, fee_tollfree, plan present), by account. */
#define TERMS_SQL(where)                                                                   \
  "SELECT a.account, a.operator, a.tenant_id, a.tax_rate, o.currency, p.fee_user,"          \
  " p.fee_service, p.fee_tollfree, p.fee_user IS NOT NULL, " PARTIES_COLUMNS                \
  " FROM accounts a LEFT JOIN operators o ON o.operator = a.operator"                       \
  " LEFT JOIN plans p ON p.plan = a.plan " PARTIES_JOINS                                    \
  " WHERE " where " ORDER BY a.account"

/* The finance columns (billing.md §11), from column 9 on: whether any is
 * given, then seller (legal name, address, VAT id, e-mail, IBAN, BIC, terms)
 * and buyer (legal name, address, VAT id, reverse charge, country). */
#define PARTIES_COLUMNS                                                                    \
  "coalesce (of.legal_name, of.address, of.vat_id, of.iban, of.bic, of.email,"              \
  " af.legal_name, af.address, af.vat_id) IS NOT NULL OR of.payment_terms_days IS NOT NULL" \
  " OR coalesce (af.reverse_charge, 0) <> 0, coalesce (of.legal_name, o.name), of.address," \
  " of.vat_id, of.email, of.iban, of.bic, of.payment_terms_days,"                           \
  " coalesce (af.legal_name, a.name), af.address, af.vat_id, coalesce (af.reverse_charge, 0),"       \
  " a.country"

#define PARTIES_JOINS                                                                      \
  "LEFT JOIN operator_finance of ON of.operator = a.operator"                               \
  " LEFT JOIN account_finance af ON af.account = a.account"

/* The InvoiceParties of a row of PARTIES_COLUMNS starting at column COL, or
 * NULL when it gives none. */
static InvoiceParties *
parties_from_row (StoreStmt *st, int col)
{
  InvoiceParties *p;

  if (!store_column_int (st, col))
    return NULL;
  p = invoice_parties_new ();
  p->seller_legal_name = g_strdup (store_column_text_or_null (st, col + 1));
  p->seller_address = g_strdup (store_column_text_or_null (st, col + 2));
  p->seller_vat_id = g_strdup (store_column_text_or_null (st, col + 3));
  p->seller_email = g_strdup (store_column_text_or_null (st, col + 4));
  p->iban = g_strdup (store_column_text_or_null (st, col + 5));
  p->bic = g_strdup (store_column_text_or_null (st, col + 6));
  if (!store_column_is_null (st, col + 7))
    p->terms_days = store_column_int64 (st, col + 7);
  p->buyer_legal_name = g_strdup (store_column_text_or_null (st, col + 8));
  p->buyer_address = g_strdup (store_column_text_or_null (st, col + 9));
  p->buyer_vat_id = g_strdup (store_column_text_or_null (st, col + 10));
  p->reverse_charge = store_column_int (st, col + 11) != 0;
  p->buyer_country = g_strdup (store_column_text_or_null (st, col + 12));
  return p;
}

/* Of ?1 (an account) / of operator ?1 (NULL: any) and account ?2 (NULL: any). */
#define ONE_ACCOUNT "a.account = ?1"
#define SCOPE_ACCOUNTS "(?1 IS NULL OR a.operator = ?1) AND (?2 IS NULL OR a.account = ?2)"

/* Row function: a new AccountRows in the Batch B from a TERMS_SQL row. */
static gboolean
add_account_row (StoreStmt *st, gpointer b, GError **error)
{
  Batch *batch = b;
  AccountRows *a = g_new0 (AccountRows, 1);

  a->account = g_strdup (store_column_text (st, 0));
  a->operator_slug = g_strdup (store_column_text (st, 1));
  a->tenant_id = g_strdup (store_column_text_or_null (st, 2));
  a->tax_rate = store_column_int64 (st, 3);
  a->currency = g_strdup (store_column_text_or_null (st, 4));
  for (guint t = 0; t < N_NUMBER_TYPES; t++)
    a->fees[t] = store_column_int64 (st, 5 + (int) t);
  a->has_plan = store_column_int (st, 8);
  a->parties = parties_from_row (st, 9);
  a->numbers = g_ptr_array_new_with_free_func (number_row_free);
  a->late = g_ptr_array_new_with_free_func (usage_row_free);
  a->adjustments = g_ptr_array_new_with_free_func (adjust_row_free);
  g_ptr_array_add (batch->accounts, a);
  g_hash_table_insert (batch->by_name, a->account, a);
  return TRUE;
}

/* Number assignments (account, type, number, from_date, to_date). */
#define NUMBERS_SQL(where)                                                                 \
  "SELECT n.account, n.type, n.number, n.from_date, n.to_date FROM numbers n"              \
  " JOIN accounts a ON a.account = n.account WHERE " where                                 \
  " ORDER BY n.account, n.type, n.number, n.from_date"

/* Row function: a NUMBERS_SQL row to its account of the Batch B. */
static gboolean
add_number_row (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));
  NumberRow *n;

  if (!a)
    return TRUE;
  n = g_new0 (NumberRow, 1);
  n->type = g_strdup (store_column_text (st, 1));
  n->number = g_strdup (store_column_text (st, 2));
  n->from_date = g_strdup (store_column_text (st, 3));
  n->to_date = g_strdup (store_column_text_or_null (st, 4));
  g_ptr_array_add (a->numbers, n);
  return TRUE;
}

/* Not held by a dispute (dispute.h): no open or upheld dispute on the
 * rating R's call (a primary-key probe of the small disputes table). */
#define NOT_HELD                                                                           \
  " AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.call_id = r.call_id"                   \
  " AND d.status <> 'rejected')"

/* Rated calls aggregated by (direction, group, period) in invoice order:
 * 'out' first, groups and periods in byte order; columns (account,
 * direction, grp, period, calls, billable, covered, charge).  ?1 is the
 * period P.  Late usage: the unbilled late ratings of periods before P,
 * read through the partial index ratings_unbilled_late (schemas/004); the
 * unary + keeps SQLite from ranging over ratings_by_period instead, which
 * would visit every rating of the earlier periods. */
#define USAGE_FROM(from, where, group_by)                                                   \
  "SELECT r.account, c.direction, r.grp, r.period, count (*), sum (r.billable),"            \
  " sum (r.covered), sum (r.charge) FROM " from " JOIN calls c ON c.id = r.call_id"         \
  " WHERE r.status = 'rated' AND " where                                                    \
  " GROUP BY " group_by "c.direction, r.grp, r.period"                                      \
  " ORDER BY " group_by "c.direction <> 'out', c.direction, r.grp, r.period"
#define USAGE_SQL(where, group_by) USAGE_FROM ("ratings r", where, group_by)
/* Late usage: the unbilled late ratings, and the ratings of rejected
 * disputes held off their period's invoice and not billed since (the
 * disputes arm reads only the few disputes). */
#define LATE_FROM(account)                                                                 \
  "(SELECT r.* FROM ratings r WHERE r.late = 1 AND r.invoice IS NULL AND +r.period < ?1"    \
  account NOT_HELD                                                                          \
  " UNION ALL SELECT r.* FROM disputes d JOIN ratings r ON r.call_id = d.call_id"           \
  " WHERE d.status = 'rejected' AND d.held_closed = 1 AND d.late_invoice IS NULL"           \
  " AND r.late = 0 AND r.period < ?1" account ") r"

static const char usage_sql[] = USAGE_SQL ("r.late = 0 AND r.period = ?1 AND r.account = ?2"
                                           NOT_HELD, "r.account, ");
static const char late_sql[] = USAGE_FROM (LATE_FROM (" AND r.account = ?2"), "true", "r.account, ");
static const char late_all_sql[] = USAGE_FROM (LATE_FROM (""), "true", "r.account, ");

/* The held calls (dispute.h) of drafts for ?1 (of account ?2): (account,
 * calls, charge) of the ratings that would be usage or late usage but for
 * an open dispute. */
#define HELD_SQL(where)                                                                    \
  "SELECT r.account, count (*), sum (r.charge) FROM disputes d"                             \
  " JOIN ratings r ON r.call_id = d.call_id WHERE d.status = 'open' AND r.status = 'rated'" \
  " AND ((r.late = 0 AND r.period = ?1) OR (r.late = 1 AND r.invoice IS NULL"               \
  " AND r.period < ?1))" where " GROUP BY r.account ORDER BY r.account"
static const char held_sql[] = HELD_SQL (" AND r.account = ?2");
static const char held_all_sql[] = HELD_SQL ("");

/* The adjustments of period ?1 (of account ?2): (account, amount,
 * description) in the order added. */
#define ADJUST_SQL(where)                                                                  \
  "SELECT account, amount, description FROM adjustments WHERE period = ?1" where            \
  " ORDER BY account, id"
static const char adjust_sql[] = ADJUST_SQL (" AND account = ?2");
static const char adjust_all_sql[] = ADJUST_SQL ("");

/* Row function: an ADJUST_SQL row to its account of the Batch B. */
static gboolean
add_adjust_row (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));

  if (a)
    {
      AdjustRow *r = g_new0 (AdjustRow, 1);
      r->amount = store_column_int64 (st, 1);
      r->description = g_strdup (store_column_text (st, 2));
      g_ptr_array_add (a->adjustments, r);
    }
  return TRUE;
}

/* Row function: a HELD_SQL row to its account of the Batch B. */
static gboolean
add_held_row (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));

  if (a)
    {
      a->held_calls = (guint64) store_column_int64 (st, 1);
      a->held_charge = store_column_int64 (st, 2);
    }
  return TRUE;
}

/* The UsageRow of a USAGE_SQL row. */
static UsageRow *
usage_row_from (StoreStmt *st)
{
  UsageKey key = { store_column_text (st, 1), store_column_text_or_null (st, 2), NULL,
                   store_column_text (st, 3) };
  UsageRow *u = usage_row_new (&key);

  u->calls = (guint64) store_column_int64 (st, 4);
  u->billable = (guint64) store_column_int64 (st, 5);
  u->covered = (guint64) store_column_int64 (st, 6);
  u->charge = store_column_int64 (st, 7);
  return u;
}

/* Row functions: a USAGE_SQL row to the late rows (the usage rows) of its
 * account in the Batch B. */
static gboolean
add_late_row (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));

  if (a)
    g_ptr_array_add (a->late, usage_row_from (st));
  return TRUE;
}

static gboolean
add_usage_row (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));

  if (a)
    g_ptr_array_add (a->usage, usage_row_from (st));
  return TRUE;
}

/* Run SQL with ?1 = P1 and, when it has a ?2, ?2 = P2 (texts, NULL binds
 * NULL), ROW on each row. */
static gboolean
query_rows (StoreDb *db, const char *sql, const char *p1, const char *p2, StoreRowFunc row,
            gpointer data, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);

  return st && store_bind (st, error, STORE_TEXT (p1))
    && (store_param_count (st) < 2 || store_bind_at (st, 2, error, STORE_TEXT (p2)))
    && store_each_row (st, row, data, "reading the store", error);
}

/* The usage of P of each account of B, one indexed query per account. */
static gboolean
read_usage_by_account (StoreDb *db, Batch *b, const char *period, GError **error)
{
  for (guint i = 0; i < b->accounts->len; i++)
    {
      AccountRows *a = b->accounts->pdata[i];
      a->usage = g_ptr_array_new_with_free_func (usage_row_free);
      if (!query_rows (db, usage_sql, period, a->account, add_usage_row, b, error))
        return FALSE;
    }
  return TRUE;
}

/* The period scan: every rated, non-late rating of ?1 with its call's
 * direction, read in call-id order between ?2 and ?3 (the period's first
 * and last call): both tables are read forward (the unary + keeps SQLite
 * off the period index, whose order would make each row a random seek).
 * When the period's calls are few and spread over many others (a period
 * that has only begun, or only some calls across a zone boundary), fewer
 * than one in 16 of the range (store_period_calls), they are read through the period
 * index instead, a seek each. */
#define SCAN_COLUMNS                                                                         "SELECT r.account, c.direction, r.grp, r.destination, r.billable, r.covered, r.charge"      " FROM ratings r JOIN calls c ON c.id = r.call_id WHERE "
static const char scan_sql[] = SCAN_COLUMNS "r.call_id BETWEEN ?2 AND ?3"
  " AND +r.period = ?1 AND r.status = 'rated' AND r.late = 0" NOT_HELD;
static const char scan_sparse_sql[] = SCAN_COLUMNS "r.period = ?1"
  " AND r.status = 'rated' AND r.late = 0" NOT_HELD;

/* Row function: add a scan_sql row to its account's sums in the Batch B. */
static gboolean
add_scan_row (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));
  UsageKey key = { store_column_text (st, 1), store_column_text_or_null (st, 2),
                   store_column_text_or_null (st, 3), NULL };
  UsageRow *u;

  if (!a)
    return TRUE;
  u = g_hash_table_lookup (a->sums, &key);
  if (!u)
    {
      u = usage_row_new (&key);
      g_hash_table_add (a->sums, u);
    }
  u->calls++;
  u->billable += (guint64) store_column_int64 (st, 4);
  u->covered += (guint64) store_column_int64 (st, 5);
  return add_checked (&u->charge, store_column_int64 (st, 6), error);
}

static gboolean
scan_period (StoreDb *db, Batch *b, const char *period, GError **error)
{
  g_autoptr(StoreStmt) st = NULL;
  gint64 first, last, count;
  gboolean sparse;

  for (guint i = 0; i < b->accounts->len; i++)
    {
      AccountRows *a = b->accounts->pdata[i];
      a->sums = g_hash_table_new_full (usage_key_hash, usage_key_equal, usage_row_free, NULL);
    }
  if (!store_period_calls (db, period, &first, &last, &count, &sparse, error))
    return FALSE;
  if (count == 0)
    return TRUE;                /* no call in the period */
  st = store_prepare (db, sparse ? scan_sparse_sql : scan_sql, error);
  return st
    && store_bind (st, error, STORE_TEXT (period))
    && (sparse || store_bind_at (st, 2, error, STORE_INT (first), STORE_INT (last)))
    && store_each_row (st, add_scan_row, b, "reading ratings", error);
}

/* Terms {{{1 */

static gboolean
parse_period (const char *period, PeriodDays *days, GError **error)
{
  int year, month;
  if (!period || time_parse_period (period, strlen (period), &year, &month) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "period '%s' is not YYYY-MM", period ? period : "");
      return FALSE;
    }
  days->first = time_days_from_civil (year, month, 1);
  days->end = days->first + time_days_in_month (year, month);
  return TRUE;
}

/* Fill the invoice's terms from A: operator, tenant, currency, tax rate. */
static gboolean
apply_terms (Invoice *invoice, const AccountRows *a, GError **error)
{
  if (!a->currency || !a->has_plan)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "account '%s': operator or plan missing from the catalog", invoice->account);
      return FALSE;
    }
  invoice->operator_slug = g_strdup (a->operator_slug);
  invoice->tenant_id = g_strdup (a->tenant_id);
  invoice->parties = invoice_parties_copy (a->parties);
  /* reverse charge: the customer accounts for the VAT; none is charged */
  invoice->tax_rate = a->parties && a->parties->reverse_charge ? 0 : a->tax_rate;
  invoice->currency = g_strdup (a->currency);
  int minor = currency_minor_units (invoice->currency);
  if (minor < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "operator '%s': unknown currency '%s'",
                   invoice->operator_slug, invoice->currency);
      return FALSE;
    }
  invoice->minor_units = (guint) minor;
  return TRUE;
}

/* Recurring lines {{{1 */

static int
number_type_index (const char *type)
{
  for (guint t = 0; t < N_NUMBER_TYPES; t++)
    if (strcmp (type, number_types[t]) == 0)
      return (int) t;
  return -1;
}

static gboolean
parse_date (const char *text, const char *what, gint64 *days, GError **error)
{
  if (time_parse_date (text, strlen (text), days) == TIME_OK)
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "bad %s date '%s'", what, text);
  return FALSE;
}

/* Calendar days of the period inside the row's [from_date, to_date). */
static gboolean
active_days (const NumberRow *n, const PeriodDays *period, gint64 *days, GError **error)
{
  gint64 from, to = G_MAXINT64;

  if (!parse_date (n->from_date, "from", &from, error))
    return FALSE;
  if (n->to_date && !parse_date (n->to_date, "to", &to, error))
    return FALSE;
  *days = MAX (0, MIN (to, period->end) - MAX (from, period->first));
  return TRUE;
}

/* Charge one assignment into SUMS. */
static gboolean
add_assignment (const NumberRow *n, const PeriodDays *period, const gint64 fees[N_NUMBER_TYPES],
                RecurringSum sums[N_NUMBER_TYPES], GError **error)
{
  int t = number_type_index (n->type);
  gint64 days;

  if (t < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "unknown type '%s'", n->type);
      return FALSE;
    }
  if (!active_days (n, period, &days, error))
    return FALSE;
  if (days == 0)
    return TRUE;
  if (!sums[t].last || strcmp (sums[t].last, n->number) != 0)
    {
      sums[t].quantity++;
      sums[t].last = n->number;
    }
  gint64 prorated;
  if (!decimal_mul_div_round_half_up_checked (fees[t], days, period->end - period->first, &prorated))
    return overflow_error (error);
  return add_checked (&sums[t].micro, prorated, error);
}

static gboolean
add_recurring_line (Invoice *invoice, guint type, const RecurringSum *sum, GError **error)
{
  InvoiceLine *line = invoice_add_line (invoice, INVOICE_LINE_RECURRING);

  line->number_type = g_strdup (number_types[type]);
  line->quantity = sum->quantity;
  line->amount = sum->micro;
  return round_checked (&line->amount, invoice->minor_units, error);
}

static gboolean
add_recurring_lines (Invoice *invoice, const AccountRows *a, const PeriodDays *period,
                     GError **error)
{
  RecurringSum sums[N_NUMBER_TYPES] = { { 0 } };

  for (guint i = 0; i < a->numbers->len; i++)
    {
      const NumberRow *n = a->numbers->pdata[i];
      if (!add_assignment (n, period, a->fees, sums, error))
        {
          g_prefix_error (error, "number '%s': ", n->number);
          return FALSE;
        }
    }
  for (guint t = 0; t < N_NUMBER_TYPES; t++)
    if (sums[t].quantity > 0 && !add_recurring_line (invoice, t, &sums[t], error))
      return FALSE;
  return TRUE;
}

/* Usage and late-usage lines {{{1 */

/* The line of U's (direction, group): the last line when it matches and is
 * one of this kind's (index >= FIRST), else a new one.  A NULL group reads
 * as "" (and so folds with an empty one). */
static InvoiceLine *
usage_line_for (Invoice *invoice, guint first, InvoiceLineKind kind, const UsageRow *u)
{
  const char *group = u->key.group ? u->key.group : "";
  InvoiceLine *line = invoice->lines->len > first
                      ? invoice->lines->pdata[invoice->lines->len - 1] : NULL;

  if (line && strcmp (line->direction, u->key.direction) == 0 && strcmp (line->group, group) == 0)
    return line;
  line = invoice_add_line (invoice, kind);
  line->direction = g_strdup (u->key.direction);
  line->group = g_strdup (group);
  if (kind == INVOICE_LINE_LATE_USAGE)
    line->periods = g_ptr_array_new_with_free_func (g_free);
  return line;
}

static gboolean
fold_usage_row (Invoice *invoice, guint first, InvoiceLineKind kind, const UsageRow *u,
                GError **error)
{
  InvoiceLine *line = usage_line_for (invoice, first, kind, u);

  line->calls += u->calls;
  line->billable_seconds += u->billable;
  line->covered_seconds += u->covered;
  if (line->periods)
    g_ptr_array_add (line->periods, g_strdup (u->key.period));
  return add_checked (&line->amount, u->charge, error);
}

/* Lines of KIND from ROWS (UsageRow *, in invoice order), each rounded once. */
static gboolean
add_usage_lines (Invoice *invoice, InvoiceLineKind kind, const GPtrArray *rows, GError **error)
{
  guint first = invoice->lines->len;

  for (guint i = 0; i < rows->len; i++)
    if (!fold_usage_row (invoice, first, kind, rows->pdata[i], error))
      return FALSE;
  for (guint i = first; i < invoice->lines->len; i++)
    {
      InvoiceLine *line = invoice->lines->pdata[i];
      if (!round_checked (&line->amount, invoice->minor_units, error))
        return FALSE;
    }
  return TRUE;
}

/* Invoice order of the scan's sums: 'out' first, then direction and group
 * (NULL as "") in byte order. */
static int
compare_usage_order (gconstpointer a, gconstpointer b)
{
  const UsageRow *x = *(UsageRow *const *) a, *y = *(UsageRow *const *) b;
  int out = (strcmp (x->key.direction, "out") != 0) - (strcmp (y->key.direction, "out") != 0);
  int c = out ? out : strcmp (x->key.direction, y->key.direction);

  return c ? c : strcmp (x->key.group ? x->key.group : "", y->key.group ? y->key.group : "");
}

/* Appendix order: destination, then group, NULL first, in byte order. */
static int
compare_destination_order (gconstpointer a, gconstpointer b)
{
  const UsageRow *x = *(UsageRow *const *) a, *y = *(UsageRow *const *) b;
  int c = g_strcmp0 (x->key.destination, y->key.destination);

  return c ? c : g_strcmp0 (x->key.group, y->key.group);
}

/* The scan's sums of A (borrowed) sorted by COMPARE. */
static GPtrArray *
sorted_sums (const AccountRows *a, GCompareFunc compare)
{
  GPtrArray *rows = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, a->sums);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (rows, key);
  g_ptr_array_sort (rows, compare);
  return rows;
}

/* The appendix from the scan's sums: one row per (destination, group). */
static GPtrArray *
destinations_from_sums (const AccountRows *a, GError **error)
{
  g_autoptr(GPtrArray) rows = sorted_sums (a, compare_destination_order);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (invoice_destination_free);
  InvoiceDestination *d = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      const UsageRow *u = rows->pdata[i];
      if (!d || g_strcmp0 (d->destination, u->key.destination) != 0
          || g_strcmp0 (d->group, u->key.group) != 0)
        {
          d = invoice_destination_new (u->key.destination, u->key.group, 0, 0, 0);
          g_ptr_array_add (list, d);
        }
      d->calls += u->calls;
      d->billable_seconds += u->billable;
      if (!add_checked (&d->amount, u->charge, error))
        return NULL;
    }
  return g_steal_pointer (&list);
}

/* The invoice {{{1 */

/* One adjustment line per row of ROWS (AdjustRow *). */
static gboolean
add_adjustment_lines (Invoice *invoice, const GPtrArray *rows, GError **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const AdjustRow *r = rows->pdata[i];
      InvoiceLine *line = invoice_add_line (invoice, INVOICE_LINE_ADJUSTMENT);
      line->description = g_strdup (r->description);
      line->amount = r->amount;
      if (!round_checked (&line->amount, invoice->minor_units, error))
        return FALSE;
    }
  return TRUE;
}

/* A's invoice for PERIOD, or NULL: without ERROR when it has no line. */
static Invoice *
build_invoice (const AccountRows *a, const char *period, const PeriodDays *days,
               GError **error)
{
  g_autoptr(Invoice) invoice = invoice_new (a->account, period);
  g_autoptr(GPtrArray) sums = a->usage ? NULL : sorted_sums (a, compare_usage_order);

  if (!apply_terms (invoice, a, error)
      || !add_recurring_lines (invoice, a, days, error)
      || !add_usage_lines (invoice, INVOICE_LINE_USAGE, a->usage ? a->usage : sums, error)
      || !add_usage_lines (invoice, INVOICE_LINE_LATE_USAGE, a->late, error)
      || !add_adjustment_lines (invoice, a->adjustments, error))
    return NULL;
  if (invoice->lines->len == 0)
    return NULL;
  invoice->held_calls = a->held_calls;
  invoice->held_amount = a->held_charge;
  if (a->held_calls && !round_checked (&invoice->held_amount, invoice->minor_units, error))
    return NULL;
  if (!compute_totals (invoice, error))
    return NULL;
  return g_steal_pointer (&invoice);
}

/* The rows of SCOPE's accounts (ONE_ACCOUNT when SCOPE is NULL: ACCOUNT),
 * but their usage of P. */
static gboolean
read_accounts (StoreDb *db, Batch *b, const InvoiceScope *scope, const char *account,
               const char *period, GError **error)
{
  const char *p1 = scope ? scope->operator_slug : account, *p2 = scope ? scope->account : NULL;

  if (!query_rows (db, scope ? TERMS_SQL (SCOPE_ACCOUNTS) : TERMS_SQL (ONE_ACCOUNT), p1, p2,
                   add_account_row, b, error))
    return FALSE;
  for (guint i = b->accounts->len; scope && scope->skip && i-- > 0;)
    {
      AccountRows *a = b->accounts->pdata[i];
      if (g_hash_table_contains (scope->skip, a->account))
        {
          g_hash_table_remove (b->by_name, a->account);
          g_ptr_array_remove_index (b->accounts, i);
        }
    }
  if (b->accounts->len == 0)
    return TRUE;
  return query_rows (db, scope ? NUMBERS_SQL (SCOPE_ACCOUNTS) : NUMBERS_SQL (ONE_ACCOUNT), p1,
                     p2, add_number_row, b, error)
    && (scope && !scope->account
        ? query_rows (db, late_all_sql, period, NULL, add_late_row, b, error)
          && query_rows (db, adjust_all_sql, period, NULL, add_adjust_row, b, error)
          && query_rows (db, held_all_sql, period, NULL, add_held_row, b, error)
        : query_rows (db, late_sql, period, ((AccountRows *) b->accounts->pdata[0])->account,
                      add_late_row, b, error)
          && query_rows (db, held_sql, period, ((AccountRows *) b->accounts->pdata[0])->account,
                         add_held_row, b, error)
          && query_rows (db, adjust_sql, period,
                         ((AccountRows *) b->accounts->pdata[0])->account, add_adjust_row, b,
                         error));
}

Invoice *
invoice_compute (StoreDb *db, const char *account, const char *period, GError **error)
{
  PeriodDays days;

  g_return_val_if_fail (db && account, NULL);
  if (!parse_period (period, &days, error))
    return NULL;
  g_autoptr(Batch) b = batch_new ();
  if (!read_accounts (db, b, NULL, account, period, error))
    return NULL;
  if (b->accounts->len == 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "unknown account '%s'", account);
      return NULL;
    }
  if (!read_usage_by_account (db, b, period, error))
    return NULL;
  return build_invoice (b->accounts->pdata[0], period, &days, error);
}

/* Row function: append an appendix row (destination, grp, calls, billable,
 * amount) to the GPtrArray LIST. */
static gboolean
add_destination_row (StoreStmt *st, gpointer list, GError **error)
{
  g_ptr_array_add (list, invoice_destination_new (store_column_text_or_null (st, 0),
                                                  store_column_text_or_null (st, 1),
                                                  (guint64) store_column_int64 (st, 2),
                                                  (guint64) store_column_int64 (st, 3),
                                                  store_column_int64 (st, 4)));
  return TRUE;
}

GPtrArray *
invoice_destinations (StoreDb *db, const char *account, const char *period, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (invoice_destination_free);

  if (!query_rows (db, "SELECT r.destination, r.grp, count (*), sum (r.billable),"
                       " sum (r.charge) FROM ratings r WHERE r.period = ?1 AND r.account = ?2"
                       " AND r.status = 'rated' AND r.late = 0" NOT_HELD
                       " GROUP BY r.destination, r.grp ORDER BY r.destination, r.grp",
                   period, account, add_destination_row, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

/* Compute A's invoice and appendix and hand them to EACH (when it has lines). */
static gboolean
bill_account (StoreDb *db, const AccountRows *a, const char *period, const PeriodDays *days,
              InvoiceFunc each, gpointer data, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(Invoice) invoice = build_invoice (a, period, days, &local);
  g_autoptr(GPtrArray) destinations = NULL;

  if (!invoice && !local)
    return TRUE;
  if (invoice)
    destinations = a->sums ? destinations_from_sums (a, &local)
                           : invoice_destinations (db, a->account, period, &local);
  if (local)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "account '%s': ", a->account);
      return FALSE;
    }
  return each (g_steal_pointer (&invoice), g_steal_pointer (&destinations), data, error);
}

/* From the aggregates {{{1 */

/* agg_destination (schemas/010, 014) sums per period, account, direction,
 * group and destination the ratings 'rated' or 'free' of an account;
 * while the aggregates are current (aggregates.h) its rows of P are the
 * period scan's sums but for three differences, each made good here:
 *  - free calls: their rows are those of group '' (a rated rating has its
 *    deck row's group, never empty: catalog-import.c), left out;
 *  - late ratings of P (rated after P was closed for their account): only
 *    an account with P closed has any (closed_periods only grows, and a
 *    rating is late when its account's period was closed as it was
 *    rated), so a batch with such an account reads the ratings instead;
 *  - the ratings held by a dispute (NOT_HELD): the few of P read through
 *    the disputes table and subtracted from their sums, a sum left with no
 *    call then dropped.
 * The rows are read once in primary key order, account by account, and
 * each account is billed as soon as its rows are summed (and every account
 * of the batch before it, with or without usage): the memory follows one
 * account's destinations. */

/* Row function: when an account of the Batch B has period ?1 closed, set
 * B's closed flag. */
static gboolean
note_closed (StoreStmt *st, gpointer b, GError **error)
{
  Batch *batch = b;

  batch->closed |= g_hash_table_contains (batch->by_name, store_column_text (st, 0));
  return TRUE;
}

/* Whether the invoices of B for PERIOD can be summed from agg_destination:
 * the aggregates are current and no account of B has PERIOD closed. */
static gboolean
aggregates_usable (StoreDb *db, Batch *b, const char *period, gboolean *usable, GError **error)
{
  gboolean current = FALSE;

  *usable = FALSE;
  if (!aggregates_current (db, &current, error))
    return FALSE;
  if (!current)
    return TRUE;
  b->closed = FALSE;
  if (!query_rows (db, "SELECT account FROM closed_periods WHERE period = ?1", period, NULL,
                   note_closed, b, error))
    return FALSE;
  *usable = !b->closed;
  return TRUE;
}

/* The sum of A's (direction, group, destination) KEY, new when none. */
static UsageRow *
sum_of (AccountRows *a, const UsageKey *key)
{
  UsageRow *u = g_hash_table_lookup (a->sums, key);

  if (!u)
    {
      u = usage_row_new (key);
      g_hash_table_add (a->sums, u);
    }
  return u;
}

/* The ratings of ?1 the scan leaves out as held (NOT_HELD: a dispute not
 * rejected, so open or upheld), with the scan's columns: read through the
 * disputes table (CROSS JOIN keeps that order: through the period index,
 * SQLite would visit every rating of the period); keyed as agg_destination
 * keys them ('' for none). */
static const char held_ratings_sql[] =
  "SELECT r.account, c.direction, coalesce (r.grp, ''), coalesce (r.destination, ''),"
  " r.billable, r.covered, r.charge"
  " FROM disputes d CROSS JOIN ratings r ON r.call_id = d.call_id"
  " CROSS JOIN calls c ON c.id = r.call_id"
  " WHERE d.status IN ('open', 'upheld') AND r.period = ?1 AND r.status = 'rated'"
  " AND r.late = 0 AND coalesce (r.grp, '') <> ''";

/* Row function: a held_ratings_sql row subtracted from its account's sums
 * in the Batch B (unsigned sums wrap, and come right once the aggregate
 * rows are added). */
static gboolean
subtract_held (StoreStmt *st, gpointer b, GError **error)
{
  AccountRows *a = g_hash_table_lookup (((Batch *) b)->by_name, store_column_text (st, 0));
  UsageKey key = { store_column_text (st, 1), store_column_text (st, 2),
                   store_column_text (st, 3), NULL };
  UsageRow *u;

  if (!a)
    return TRUE;
  u = sum_of (a, &key);
  u->calls--;
  u->billable -= (guint64) store_column_int64 (st, 4);
  u->covered -= (guint64) store_column_int64 (st, 5);
  return add_checked (&u->charge, -store_column_int64 (st, 6), error);
}

/* What the stream over agg_destination bills with. */
typedef struct {
  StoreDb *db;
  Batch *b;
  const char *period;
  const PeriodDays *days;
  InvoiceFunc each;
  gpointer data;
  guint next;                   /* the first account of B not billed yet */
} AggStream;

static gboolean
no_call (gpointer key, gpointer value, gpointer data)
{
  return ((const UsageRow *) key)->calls == 0;
}

/* Bill the accounts of S->b before ACCOUNT (NULL: every one left) and
 * release them. */
static gboolean
bill_before (AggStream *s, const char *account, GError **error)
{
  for (; s->next < s->b->accounts->len; s->next++)
    {
      AccountRows *a = s->b->accounts->pdata[s->next];
      if (account && strcmp (a->account, account) >= 0)
        return TRUE;
      g_hash_table_foreach_remove (a->sums, no_call, NULL);
      if (!bill_account (s->db, a, s->period, s->days, s->each, s->data, error))
        return FALSE;
      g_hash_table_remove (s->b->by_name, a->account);
      account_rows_free (g_steal_pointer (&s->b->accounts->pdata[s->next]));
    }
  return TRUE;
}

/* Row function: an agg_sql row (account, direction, grp, destination,
 * calls, billable, covered, charge) added to its account's sums, once the
 * accounts before it are billed. */
static gboolean
add_agg_row (StoreStmt *st, gpointer data, GError **error)
{
  AggStream *s = data;
  const char *account = store_column_text (st, 0);
  AccountRows *a;
  UsageRow *u;

  if (!bill_before (s, account, error))
    return FALSE;
  if (s->next == s->b->accounts->len
      || strcmp ((a = s->b->accounts->pdata[s->next])->account, account) != 0)
    return TRUE;                /* not an account of the batch */
  UsageKey key = { store_column_text (st, 1), store_column_text (st, 2),
                   store_column_text (st, 3), NULL };
  u = sum_of (a, &key);
  u->calls += (guint64) store_column_int64 (st, 4);
  u->billable += (guint64) store_column_int64 (st, 5);
  u->covered += (guint64) store_column_int64 (st, 6);
  return add_checked (&u->charge, store_column_int64 (st, 7), error);
}

/* The rows of ?1 in primary key order, but free calls' (group ''). */
static const char agg_sql[] =
  "SELECT account, direction, grp, destination, calls, billable, covered, charge"
  " FROM agg_destination WHERE period = ?1 AND grp <> ''"
  " ORDER BY account, direction DESC, grp, destination";

/* Every account of B billed from the aggregates (see above), in order. */
static gboolean
bill_from_aggregates (StoreDb *db, Batch *b, const char *period, const PeriodDays *days,
                      InvoiceFunc each, gpointer data, GError **error)
{
  AggStream s = { db, b, period, days, each, data, 0 };

  for (guint i = 0; i < b->accounts->len; i++)
    {
      AccountRows *a = b->accounts->pdata[i];
      a->sums = g_hash_table_new_full (usage_key_hash, usage_key_equal, usage_row_free, NULL);
    }
  return query_rows (db, held_ratings_sql, period, NULL, subtract_held, b, error)
    && query_rows (db, agg_sql, period, NULL, add_agg_row, &s, error)
    && bill_before (&s, NULL, error);
}

gboolean
invoice_compute_period (StoreDb *db, const InvoiceScope *scope, InvoiceFunc each,
                        gpointer data, GError **error)
{
  PeriodDays days;

  g_return_val_if_fail (db && scope && each, FALSE);
  if (!parse_period (scope->period, &days, error))
    return FALSE;
  g_autoptr(Batch) b = batch_new ();
  if (!read_accounts (db, b, scope, NULL, scope->period, error))
    return FALSE;
  if (b->accounts->len == 0)
    return TRUE;
  gboolean from_aggregates = FALSE;
  if (!scope->account && !scope->from_ratings
      && !aggregates_usable (db, b, scope->period, &from_aggregates, error))
    return FALSE;
  if (from_aggregates)
    return bill_from_aggregates (db, b, scope->period, &days, each, data, error);
  if (!(scope->account ? read_usage_by_account (db, b, scope->period, error)
                       : scan_period (db, b, scope->period, error)))
    return FALSE;
  for (guint i = 0; i < b->accounts->len; i++)
    {
      AccountRows *a = b->accounts->pdata[i];
      if (!bill_account (db, a, scope->period, &days, each, data, error))
        return FALSE;
      g_hash_table_remove (b->by_name, a->account);
      account_rows_free (g_steal_pointer (&b->accounts->pdata[i]));
    }
  return TRUE;
}
