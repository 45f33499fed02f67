/* issue.c — numbering, storing and closing a period's invoices (billing.md §8).
 *
 * One transaction per (operator, period): the accounts of the operator are
 * walked in byte order; each that is neither issued nor closed for P and has
 * lines gets the next number, its invoice computed (invoice.h), dressed with
 * names and appendix (invoiceout.h) and stored row for row in invoices,
 * invoice_lines and invoice_destinations; its late ratings are marked with
 * the number; then P is closed for every account of the operator.  Reading
 * back (issue_load) rebuilds the same InvoiceRecord from those rows only.
 * issue_run, the command's and the nightly job's issuing, issues and writes
 * operator after operator.
 */
#include "config.h"

#include <string.h>

#include "bill/docwriter.h"
#include "bill/invoice.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "bill/ubl.h"
#include "base/digest.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "base/tzmap.h"

/* Row function: append column 0 (a key, never NULL) to the GPtrArray LIST. */
static gboolean
add_string (StoreStmt *st, gpointer list, GError **error)
{
  g_ptr_array_add (list, g_strdup (store_column_text (st, 0)));
  return TRUE;
}

/* Strings of the single-column result of SQL with one text param. */
static GPtrArray *
query_strings (StoreDb *db, const char *sql, const char *param, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, sql, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  if (!st || !store_bind (st, error, STORE_TEXT (param))
      || !store_each_row (st, add_string, list, "reading the store", error))
    return NULL;
  return g_steal_pointer (&list);
}

/* The document formats by name: --format's words and
 * invoice_documents.format, with the file name extension.  CSV is one file
 * per run, not per invoice. */
static const struct {
  const char *name;
  InvoiceOutFormats bit;
  const char *extension;
} format_names[] = {
  { "json", INVOICEOUT_JSON, "json" },
  { "csv", INVOICEOUT_CSV, "csv" },
  { "html", INVOICEOUT_HTML, "html" },
  { "pdf", INVOICEOUT_PDF, "pdf" },
  { "ubl", INVOICEOUT_UBL, "xml" },
};

gboolean
issue_parse_format (const char *name, unsigned *format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_str_equal (format_names[i].name, name))
      return *format = format_names[i].bit, TRUE;
  return FALSE;
}

GPtrArray *
issue_operators (StoreDb *db, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  if (!store_query_each (db, "SELECT operator FROM operators ORDER BY operator", add_string, list,
                         "reading the store", error))
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
issue_period_closed (StoreDb *db, const char *period, gboolean *closed, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT count (*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM closed_periods p"
    " WHERE p.account = a.account AND p.period = ?1)", error);
  if (!st || !store_bind (st, error, STORE_TEXT (period)))
    return FALSE;
  if (store_next (st) != STORE_ROW)
    return store_set_error (error, db, "reading closed periods");
  *closed = store_column_int64 (st, 0) == 0;
  return TRUE;
}

/* Issuing {{{1 */

typedef struct {
  StoreDb *db;
  const char *operator_slug;
  const char *period;
  const char *issued_on;
  char *prefix;                 /* operators.invoice_prefix */
  char yyyymm[7];
  gint64 next_seq;
  IssueStats *stats;
  unsigned formats;             /* the documents to be written: with INVOICEOUT_UBL,
                                 * every new invoice must be a valid e-invoice */
  GHashTable *names;            /* invoiceout_names () of the operator */
  StoreStmt *header;         /* the INSERTs and the UPDATE of storing an invoice, */
  StoreStmt *lines;          /* prepared once per issue */
  StoreStmt *destinations;
  StoreStmt *late;
  StoreStmt *late_disputes;
  StoreStmt *parties;
  StoreStmt *adjustments;
  StoreStmt *itemised;
} Issue;

static gboolean
load_operator (Issue *is, GError **error)
{
  int y, m;
  if (!is->period || time_parse_period (is->period, strlen (is->period), &y, &m) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "period '%s' is not YYYY-MM",
                   is->period ? is->period : "");
      return FALSE;
    }
  g_snprintf (is->yyyymm, sizeof is->yyyymm, "%04d%02d", y, m);
  g_autoptr(GPtrArray) prefix = query_strings (is->db,
    "SELECT invoice_prefix FROM operators WHERE operator = ?1", is->operator_slug, error);
  if (!prefix)
    return FALSE;
  if (prefix->len == 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "unknown operator '%s'",
                   is->operator_slug);
      return FALSE;
    }
  is->prefix = g_strdup (prefix->pdata[0]);
  g_autoptr(StoreStmt) st = store_prepare (is->db,
    "SELECT coalesce (max (seq), 0) + 1 FROM invoices WHERE operator = ?1 AND period = ?2", error);
  if (!st || !store_bind (st, error, STORE_TEXT (is->operator_slug), STORE_TEXT (is->period)))
    return FALSE;
  if (store_next (st) != STORE_ROW)
    return store_set_error (error, is->db, "reading invoice numbers");
  is->next_seq = store_column_int64 (st, 0);
  return TRUE;
}

/* Row function: an (account, issued, closed) row into the Issue's stats and
 * the set SKIP of accounts not to issue. */
typedef struct {
  Issue *is;
  GHashTable *skip;
} AccountStates;

static gboolean
add_account_state (StoreStmt *st, gpointer data, GError **error)
{
  AccountStates *states = data;
  gboolean issued = store_column_int (st, 1), closed = store_column_int (st, 2);

  states->is->stats->already += issued;
  if (issued || closed)
    g_hash_table_add (states->skip, g_strdup (store_column_text (st, 0)));
  return TRUE;
}

/* The operator's accounts that already have an invoice for P or have P
 * closed, into the set SKIP (counting the issued ones). */
static gboolean
account_states (Issue *is, GHashTable *skip, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (is->db,
    "SELECT a.account, EXISTS (SELECT 1 FROM invoices i WHERE i.account = a.account"
    " AND i.period = ?2), EXISTS (SELECT 1 FROM closed_periods p WHERE p.account = a.account"
    " AND p.period = ?2) FROM accounts a WHERE a.operator = ?1", error);
  AccountStates states = { is, skip };
  return st && store_bind (st, error, STORE_TEXT (is->operator_slug), STORE_TEXT (is->period))
    && store_each_row (st, add_account_state, &states, "reading invoices", error);
}

/* Prepare the statements of storing an invoice. */
static gboolean
prepare_store (Issue *is, GError **error)
{
  return (is->header = store_prepare (is->db,
            "INSERT INTO invoices (invoice, operator, period, seq, account, issued_on, tenant_id,"
            " operator_name, customer_name, currency, minor_units, tax_rate, subtotal, tax, total)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error))
    && (is->lines = store_prepare (is->db,
          "INSERT INTO invoice_lines (invoice, line, kind, number_type, direction, grp, quantity,"
          " calls, billable, covered, amount, periods, description)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error))
    && (is->destinations = store_prepare (is->db,
          "INSERT INTO invoice_destinations (invoice, row, destination, grp, calls, billable,"
          " amount) VALUES (?, ?, ?, ?, ?, ?, ?)", error))
    /* the rows invoice.c summed into the late_usage lines (ratings_unbilled_late) */
    && (is->late = store_prepare (is->db,
          "UPDATE ratings SET invoice = ?1 WHERE account = ?2 AND status = 'rated' AND late = 1"
          " AND invoice IS NULL AND period < ?3 AND NOT EXISTS (SELECT 1 FROM disputes d"
          " WHERE d.call_id = ratings.call_id AND d.status <> 'rejected')", error))
    /* and the rejected disputes' calls it bills as late usage (dispute.h) */
    && (is->late_disputes = store_prepare (is->db,
          "UPDATE disputes SET late_invoice = ?1 WHERE status = 'rejected' AND held_closed = 1"
          " AND late_invoice IS NULL AND call_id IN (SELECT r.call_id FROM disputes d"
          " JOIN ratings r ON r.call_id = d.call_id WHERE d.status = 'rejected'"
          " AND d.held_closed = 1 AND d.late_invoice IS NULL AND r.account = ?2"
          " AND r.status = 'rated' AND r.late = 0 AND r.period < ?3)", error))
    && (is->adjustments = store_prepare (is->db,
          "UPDATE adjustments SET invoice = ?1 WHERE account = ?2 AND period = ?3"
          " AND invoice IS NULL", error))
    && (is->itemised = store_prepare (is->db,
          "INSERT INTO invoice_itemised (invoice, mode, zone) SELECT ?1, af.itemised, a.timezone"
          " FROM accounts a JOIN account_finance af ON af.account = a.account"
          " WHERE a.account = ?2 AND af.itemised <> 'none'", error))
    && (is->parties = store_prepare (is->db,
          "INSERT INTO invoice_parties (invoice, due_on, terms_days, seller_legal_name,"
          " seller_address, seller_vat_id, seller_email, iban, bic, buyer_legal_name,"
          " buyer_address, buyer_vat_id, reverse_charge, buyer_country)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error));
}

static void
finalize_store (Issue *is)
{
  store_finalize (is->header);
  store_finalize (is->lines);
  store_finalize (is->destinations);
  store_finalize (is->late);
  store_finalize (is->late_disputes);
  store_finalize (is->parties);
  store_finalize (is->adjustments);
  store_finalize (is->itemised);
}

static gboolean
store_header (Issue *is, const InvoiceRecord *rec, gint64 seq, GError **error)
{
  const Invoice *inv = rec->invoice;
  StoreStmt *st = is->header;
  return store_bind (st, error, STORE_TEXT (rec->number), STORE_TEXT (is->operator_slug),
                   STORE_TEXT (is->period), STORE_INT (seq), STORE_TEXT (inv->account),
                   STORE_TEXT (rec->issued_on), STORE_TEXT (inv->tenant_id),
                   STORE_TEXT (rec->operator_name), STORE_TEXT (rec->customer_name),
                   STORE_TEXT (inv->currency), STORE_INT (inv->minor_units),
                   STORE_INT (inv->tax_rate), STORE_INT (inv->subtotal), STORE_INT (inv->tax),
                   STORE_INT (inv->total))
    && store_step_done (st, error);
}

static char *
join_periods (const GPtrArray *periods)
{
  if (!periods)
    return NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  for (guint i = 0; i < periods->len; i++)
    g_string_append_printf (s, i ? ",%s" : "%s", (const char *) periods->pdata[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
store_lines (Issue *is, const InvoiceRecord *rec, GError **error)
{
  StoreStmt *st = is->lines;
  for (guint i = 0; i < rec->invoice->lines->len; i++)
    {
      const InvoiceLine *l = rec->invoice->lines->pdata[i];
      g_autofree char *periods = join_periods (l->periods);
      if (!store_bind (st, error, STORE_TEXT (rec->number), STORE_INT (i + 1),
                       STORE_TEXT (invoice_line_kind_to_string (l->kind)),
                       STORE_TEXT (l->number_type), STORE_TEXT (l->direction),
                       STORE_TEXT (l->group), STORE_INT ((gint64) l->quantity),
                       STORE_INT ((gint64) l->calls), STORE_INT ((gint64) l->billable_seconds),
                       STORE_INT ((gint64) l->covered_seconds), STORE_INT (l->amount),
                       STORE_TEXT_COPY (periods), STORE_TEXT (l->description))
          || !store_step_done (st, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
store_destinations (Issue *is, const InvoiceRecord *rec, GError **error)
{
  StoreStmt *st = is->destinations;
  for (guint i = 0; i < rec->destinations->len; i++)
    {
      const InvoiceDestination *d = rec->destinations->pdata[i];
      if (!store_bind (st, error, STORE_TEXT (rec->number), STORE_INT (i + 1),
                       STORE_TEXT (d->destination), STORE_TEXT (d->group),
                       STORE_INT ((gint64) d->calls), STORE_INT ((gint64) d->billable_seconds),
                       STORE_INT (d->amount))
          || !store_step_done (st, error))
        return FALSE;
    }
  return TRUE;
}

/* The parties and terms printed on the invoice, frozen with it (none
 * stored when it has none). */
static gboolean
store_parties (Issue *is, const InvoiceRecord *rec, GError **error)
{
  const InvoiceParties *p = rec->invoice->parties;
  if (!p)
    return TRUE;
  return store_bind (is->parties, error, STORE_TEXT (rec->number), STORE_TEXT (p->due_on),
                     STORE_INT (p->terms_days), STORE_TEXT (p->seller_legal_name),
                     STORE_TEXT (p->seller_address), STORE_TEXT (p->seller_vat_id),
                     STORE_TEXT (p->seller_email), STORE_TEXT (p->iban), STORE_TEXT (p->bic),
                     STORE_TEXT (p->buyer_legal_name), STORE_TEXT (p->buyer_address),
                     STORE_TEXT (p->buyer_vat_id), STORE_INT (p->reverse_charge),
                     STORE_TEXT (p->buyer_country ? p->buyer_country : ""))
    && store_step_done (is->parties, error);
}

/* The late ratings this invoice bills (the rows invoice.c summed into its
 * late_usage lines), and the calls of rejected disputes it bills as late
 * usage, now belong to it; a held call's rating stays unbilled. */
static gboolean
mark_late_billed (Issue *is, const InvoiceRecord *rec, GError **error)
{
  return store_bind (is->late, error, STORE_TEXT (rec->number),
                     STORE_TEXT (rec->invoice->account), STORE_TEXT (is->period))
    && store_step_done (is->late, error)
    && store_bind (is->late_disputes, error, STORE_TEXT (rec->number),
                   STORE_TEXT (rec->invoice->account), STORE_TEXT (is->period))
    && store_step_done (is->late_disputes, error);
}

/* The adjustments this invoice bills (its adjustment lines) now belong to it. */
static gboolean
mark_adjustments_billed (Issue *is, const InvoiceRecord *rec, GError **error)
{
  return store_bind (is->adjustments, error, STORE_TEXT (rec->number),
                     STORE_TEXT (rec->invoice->account), STORE_TEXT (is->period))
    && store_step_done (is->adjustments, error);
}

/* An itemised account's invoice keeps the mode and zone of its call appendix. */
static gboolean
store_itemised (Issue *is, const InvoiceRecord *rec, GError **error)
{
  return store_bind (is->itemised, error, STORE_TEXT (rec->number),
                     STORE_TEXT (rec->invoice->account))
    && store_step_done (is->itemised, error);
}

/* InvoiceFunc: number and store one invoice of the operator. */
static gboolean
issue_invoice (Invoice *inv, GPtrArray *destinations, gpointer data, GError **error)
{
  Issue *is = data;
  g_autofree char *account = g_strdup (inv->account);
  g_autoptr(InvoiceRecord) rec = invoiceout_record_new_named (is->names, inv, destinations,
                                                              is->issued_on, error);
  gint64 seq = is->next_seq++;

  if (rec)
    rec->number = g_strdup_printf ("%s-%s-%04" G_GINT64_FORMAT, is->prefix, is->yyyymm, seq);
  if (!rec || ((is->formats & INVOICEOUT_UBL) && !ubl_check (rec, error)) || !store_header (is, rec, seq, error) || !store_lines (is, rec, error)
      || !store_destinations (is, rec, error) || !store_parties (is, rec, error)
      || !mark_late_billed (is, rec, error) || !mark_adjustments_billed (is, rec, error)
      || !store_itemised (is, rec, error))
    {
      g_prefix_error (error, "account '%s': ", account);
      return FALSE;
    }
  is->stats->issued++;
  return TRUE;
}

/* The open disputes (dispute.h) whose call's period P is being closed for
 * its account: the invoices of P did not bill them, so a rejection bills
 * them as late usage.  Run before closing: an account closed before keeps
 * its disputes as they are (a dispute opened after issuing is on a call
 * the invoice billed). */
static gboolean
mark_held_disputes (Issue *is, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (is->db,
    "UPDATE disputes SET held_closed = 1 WHERE status = 'open' AND held_closed = 0"
    " AND EXISTS (SELECT 1 FROM ratings r JOIN accounts a ON a.account = r.account"
    " WHERE r.call_id = disputes.call_id AND r.late = 0 AND r.period = ?2"
    " AND a.operator = ?1 AND NOT EXISTS (SELECT 1 FROM closed_periods p"
    " WHERE p.account = r.account AND p.period = ?2))", error);
  return st && store_bind (st, error, STORE_TEXT (is->operator_slug), STORE_TEXT (is->period))
    && store_step_done (st, error);
}

static gboolean
close_period (Issue *is, GError **error)
{
  char now[32];
  if (!mark_held_disputes (is, error))
    return FALSE;
  g_autoptr(StoreStmt) st = store_prepare (is->db,
    "INSERT INTO closed_periods (account, period, closed_at)"
    " SELECT account, ?2, ?3 FROM accounts WHERE operator = ?1 ON CONFLICT DO NOTHING", error);
  if (!st
      || !store_bind (st, error, STORE_TEXT (is->operator_slug), STORE_TEXT (is->period),
                      STORE_TEXT (time_format_utc (time_now_ms (), now)))
      || !store_step_done (st, error))
    return FALSE;
  is->stats->closed = (guint) store_changes (is->db);
  return TRUE;
}

static gboolean
issue_all (Issue *is, GError **error)
{
  g_autoptr(GHashTable) skip = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!load_operator (is, error) || !account_states (is, skip, error))
    return FALSE;
  if (!(is->names = invoiceout_names (is->db, is->operator_slug, error))
      || !prepare_store (is, error))
    return FALSE;
  InvoiceScope scope = { is->period, is->operator_slug, NULL, skip };
  return invoice_compute_period (is->db, &scope, issue_invoice, is, error)
    && close_period (is, error);
}

/* issue_period() for documents of FORMATS: with INVOICEOUT_UBL, nothing is
 * issued unless every new invoice can be an e-invoice (ubl_check), since
 * an issued invoice never changes. */
static gboolean
issue_period_for (StoreDb *db, const char *operator_slug, const char *period,
                  const char *issued_on, unsigned formats, IssueStats *stats, GError **error)
{
  g_return_val_if_fail (db && operator_slug && issued_on && stats, FALSE);
  Issue is = { .db = db, .operator_slug = operator_slug, .period = period,
               .issued_on = issued_on, .stats = stats, .formats = formats };
  *stats = (IssueStats) { 0 };
  gboolean ok = store_begin (db, error) && issue_all (&is, error) && store_commit (db, error);
  if (!ok)
    {
      store_rollback (db);
      *stats = (IssueStats) { 0 };
    }
  g_free (is.prefix);
  if (is.names)
    g_hash_table_unref (is.names);
  finalize_store (&is);
  return ok;
}

gboolean
issue_period (StoreDb *db, const char *operator_slug, const char *period,
              const char *issued_on, IssueStats *stats, GError **error)
{
  return issue_period_for (db, operator_slug, period, issued_on, 0, stats, error);
}

/* Reading back {{{1 */

static gboolean
parse_kind (const char *text, InvoiceLineKind *kind)
{
  for (InvoiceLineKind k = INVOICE_LINE_RECURRING; k <= INVOICE_LINE_ADJUSTMENT; k++)
    if (g_strcmp0 (text, invoice_line_kind_to_string (k)) == 0)
      return *kind = k, TRUE;
  return FALSE;
}

/* Row function: add the invoice_lines row ST to the Invoice INV. */
static gboolean
load_line (StoreStmt *st, gpointer inv, GError **error)
{
  InvoiceLineKind kind;
  if (!parse_kind (store_column_text (st, 0), &kind))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "stored invoice line of unknown kind '%s'",
                   store_column_text (st, 0));
      return FALSE;
    }
  InvoiceLine *l = invoice_add_line (inv, kind);
  l->number_type = g_strdup (store_column_text_or_null (st, 1));
  l->direction = g_strdup (store_column_text_or_null (st, 2));
  l->group = g_strdup (store_column_text_or_null (st, 3));
  l->quantity = (guint64) store_column_int64 (st, 4);
  l->calls = (guint64) store_column_int64 (st, 5);
  l->billable_seconds = (guint64) store_column_int64 (st, 6);
  l->covered_seconds = (guint64) store_column_int64 (st, 7);
  l->amount = store_column_int64 (st, 8);
  l->description = g_strdup (store_column_text_or_null (st, 10));
  if (kind == INVOICE_LINE_LATE_USAGE)
    {
      g_auto(GStrv) periods = g_strsplit (store_column_text (st, 9), ",", -1);
      l->periods = g_ptr_array_new_with_free_func (g_free);
      for (guint p = 0; periods[p]; p++)
        if (*periods[p])
          g_ptr_array_add (l->periods, g_strdup (periods[p]));
    }
  return TRUE;
}

static gboolean
load_lines (StoreDb *db, InvoiceRecord *rec, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT kind, number_type, direction, grp, quantity, calls, billable, covered, amount,"
    " periods, description FROM invoice_lines WHERE invoice = ? ORDER BY line", error);
  return st && store_bind (st, error, STORE_TEXT (rec->number))
    && store_each_row (st, load_line, rec->invoice, "reading invoice lines", error);
}

/* Row function: append the invoice_destinations row ST to the GPtrArray
 * DESTINATIONS. */
static gboolean
load_destination (StoreStmt *st, gpointer destinations, GError **error)
{
  g_ptr_array_add (destinations,
                   invoiceout_destination_new (store_column_text_or_null (st, 0),
                                               store_column_text_or_null (st, 1),
                                               (guint64) store_column_int64 (st, 2),
                                               (guint64) store_column_int64 (st, 3),
                                               store_column_int64 (st, 4)));
  return TRUE;
}

static gboolean
load_destinations (StoreDb *db, InvoiceRecord *rec, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT destination, grp, calls, billable, amount FROM invoice_destinations"
    " WHERE invoice = ? ORDER BY row", error);
  return st && store_bind (st, error, STORE_TEXT (rec->number))
    && store_each_row (st, load_destination, rec->destinations, "reading invoice destinations",
                       error);
}

/* The stored parties of an invoice from columns COL.. of select_invoices'
 * row ST; NULL when it has none. */
static InvoiceParties *
load_parties (StoreStmt *st, int col, const char *issued_on)
{
  if (store_column_is_null (st, col))
    return NULL;
  InvoiceParties *p = invoice_parties_new ();
  p->issued_on = g_strdup (issued_on);
  p->due_on = g_strdup (store_column_text (st, col));
  p->terms_days = store_column_int64 (st, col + 1);
  p->seller_legal_name = g_strdup (store_column_text_or_null (st, col + 2));
  p->seller_address = g_strdup (store_column_text_or_null (st, col + 3));
  p->seller_vat_id = g_strdup (store_column_text_or_null (st, col + 4));
  p->seller_email = g_strdup (store_column_text_or_null (st, col + 5));
  p->iban = g_strdup (store_column_text_or_null (st, col + 6));
  p->bic = g_strdup (store_column_text_or_null (st, col + 7));
  p->buyer_legal_name = g_strdup (store_column_text_or_null (st, col + 8));
  p->buyer_address = g_strdup (store_column_text_or_null (st, col + 9));
  p->buyer_vat_id = g_strdup (store_column_text_or_null (st, col + 10));
  p->reverse_charge = store_column_int (st, col + 11) != 0;
  p->buyer_country = g_strdup (store_column_text_or_null (st, col + 12));
  return p;
}

/* The record of the invoices row ST (the columns of issue_load's query). */
static InvoiceRecord *
load_record (StoreDb *db, StoreStmt *st, GError **error)
{
  g_autoptr(InvoiceRecord) rec = invoiceout_record_new ();
  Invoice *inv = rec->invoice = invoice_new (store_column_text (st, 1), store_column_text (st, 2));
  rec->number = g_strdup (store_column_text (st, 0));
  rec->issued_on = g_strdup (store_column_text (st, 3));
  rec->operator_name = g_strdup (store_column_text (st, 4));
  rec->customer_name = g_strdup (store_column_text (st, 5));
  inv->operator_slug = g_strdup (store_column_text (st, 6));
  inv->tenant_id = g_strdup (store_column_text_or_null (st, 7));
  inv->currency = g_strdup (store_column_text (st, 8));
  inv->minor_units = (guint) store_column_int (st, 9);
  inv->tax_rate = store_column_int64 (st, 10);
  inv->subtotal = store_column_int64 (st, 11);
  inv->tax = store_column_int64 (st, 12);
  inv->total = store_column_int64 (st, 13);
  inv->parties = load_parties (st, 14, rec->issued_on);
  if (!store_column_is_null (st, 27))
    {
      rec->masked = g_str_equal (store_column_text (st, 27), "masked");
      rec->calls = invoice_calls (db, inv->account, inv->period, rec->number,
                                  store_column_text (st, 28), error);
      if (!rec->calls)
        return NULL;
    }
  if (!load_lines (db, rec, error) || !load_destinations (db, rec, error))
    return NULL;
  return g_steal_pointer (&rec);
}

/* Row function: append the record of the invoices row ST to the GPtrArray
 * RECORDS. */
static gboolean
add_record (StoreStmt *st, gpointer records, GError **error)
{
  InvoiceRecord *rec = load_record (store_stmt_db (st), st, error);
  if (!rec)
    return FALSE;
  g_ptr_array_add (records, rec);
  return TRUE;
}

/* The columns load_record reads, of invoices i and invoice_parties p. */
#define INVOICE_COLUMNS                                                                    \
  "SELECT i.invoice, i.account, i.period, i.issued_on, i.operator_name, i.customer_name,"   \
  " i.operator, i.tenant_id, i.currency, i.minor_units, i.tax_rate, i.subtotal, i.tax,"     \
  " i.total, p.due_on, p.terms_days, p.seller_legal_name, p.seller_address,"                \
  " p.seller_vat_id, p.seller_email, p.iban, p.bic, p.buyer_legal_name, p.buyer_address,"   \
  " p.buyer_vat_id, p.reverse_charge, p.buyer_country, it.mode, it.zone FROM invoices i"    \
  " LEFT JOIN invoice_parties p ON p.invoice = i.invoice"                                   \
  " LEFT JOIN invoice_itemised it ON it.invoice = i.invoice"

/* The invoices of OPERATOR_SLUG for PERIOD in number order, as load_record
 * reads them; NULL on error. */
static StoreStmt *
select_invoices (StoreDb *db, const char *operator_slug, const char *period, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    INVOICE_COLUMNS " WHERE i.operator = ?1 AND i.period = ?2 ORDER BY i.seq", error);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (period)))
    return NULL;
  return g_steal_pointer (&st);
}

InvoiceRecord *
issue_load_invoice (StoreDb *db, const char *number, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db, INVOICE_COLUMNS " WHERE i.invoice = ?1", error);
  if (!st || !store_bind (st, error, STORE_TEXT (number)))
    return NULL;
  int rc = store_next (st);
  if (rc == STORE_ROW)
    return load_record (db, st, error);
  if (rc == STORE_DONE)
    g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "no issued invoice '%s'", number);
  else
    store_set_error (error, db, "reading invoices");
  return NULL;
}

GPtrArray *
issue_load (StoreDb *db, const char *operator_slug, const char *period, GError **error)
{
  g_autoptr(StoreStmt) st = select_invoices (db, operator_slug, period, error);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) invoiceout_record_free);
  if (!st || !store_each_row (st, add_record, records, "reading invoices", error))
    return NULL;
  return g_steal_pointer (&records);
}

/* Writing the documents of issued invoices {{{1 */

/* A document queued for writing, whose digest is recorded once written. */
typedef struct {
  char *invoice;
  const char *format;           /* static */
  char *path;
} WrittenDoc;

static void
written_doc_free (gpointer data)
{
  WrittenDoc *d = data;
  g_free (d->invoice);
  g_free (d->path);
  g_free (d);
}

/* What write_issued does with each stored invoice. */
typedef struct {
  const char *dir;
  InvoiceOutFormats formats;
  GHashTable *digests;          /* "INVOICE\nFORMAT" → sha256 recorded (invoice_documents) */
  DocWriter *docs;              /* renders the documents */
  OutFile *csv;                 /* the invoice-lines CSV; NULL: none */
  unsigned columns;             /* the CSV's optional columns */
  GPtrArray *written;           /* WrittenDoc *: queued for writing */
  guint n;                      /* invoices */
  guint kept;                   /* documents on disk as recorded: not rendered again */
} IssuedDocs;

static gboolean
add_digest (StoreStmt *st, gpointer digests, GError **error)
{
  g_hash_table_insert (digests, g_strdup_printf ("%s\n%s", store_column_text (st, 0),
                                                 store_column_text (st, 1)),
                       g_strdup (store_column_text (st, 2)));
  return TRUE;
}

/* The digests recorded for the documents of OPERATOR_SLUG's PERIOD. */
static GHashTable *
load_digests (StoreDb *db, const char *operator_slug, const char *period, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT d.invoice, d.format, d.sha256 FROM invoice_documents d"
    " JOIN invoices i ON i.invoice = d.invoice WHERE i.operator = ?1 AND i.period = ?2", error);
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (period))
      || !store_each_row (st, add_digest, digests, "reading the documents issued", error))
    return NULL;
  return g_steal_pointer (&digests);
}

/* Whether the file at PATH is there with the digest SHA256. */
static gboolean
document_is (const char *path, const char *sha256)
{
  if (!sha256 || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  guint64 bytes;
  g_autofree char *found = digest_file_sha256 (path, &bytes, NULL);
  return found && g_str_equal (found, sha256);
}

/* The formats of REC's documents to write: those not on disk as recorded. */
static InvoiceOutFormats
documents_to_write (IssuedDocs *w, const InvoiceRecord *rec)
{
  g_autofree char *name = invoiceout_basename (rec);
  InvoiceOutFormats todo = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (format_names); i++)
    {
      if (format_names[i].bit == INVOICEOUT_CSV || !(w->formats & format_names[i].bit))
        continue;
      g_autofree char *key = g_strdup_printf ("%s\n%s", rec->number, format_names[i].name);
      g_autofree char *file = g_strdup_printf ("%s.%s", name, format_names[i].extension);
      g_autofree char *path = g_build_filename (w->dir, file, NULL);
      if (document_is (path, g_hash_table_lookup (w->digests, key)))
        {
          w->kept++;
          continue;
        }
      WrittenDoc *d = g_new0 (WrittenDoc, 1);
      d->invoice = g_strdup (rec->number);
      d->format = format_names[i].name;
      d->path = g_steal_pointer (&path);
      g_ptr_array_add (w->written, d);
      todo |= format_names[i].bit;
    }
  return todo;
}

/* Row function: the invoices row ST → its CSV rows now, its documents
 * that are not on disk as recorded queued. */
static gboolean
write_issued (StoreStmt *st, gpointer data, GError **error)
{
  IssuedDocs *w = data;
  InvoiceRecord *rec = load_record (store_stmt_db (st), st, error);
  if (!rec)
    return FALSE;
  if (w->csv)
    invoiceout_csv_rows (w->csv, rec->invoice, rec->number, "issued", w->columns);
  w->n++;
  InvoiceOutFormats todo = documents_to_write (w, rec);
  return docwriter_add (w->docs, rec, todo, error);
}

/* Record the digest of each document of WRITTEN (WrittenDoc *), in one
 * transaction. */
static gboolean
record_digests (StoreDb *db, const GPtrArray *written, GError **error)
{
  if (written->len == 0)
    return TRUE;
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO invoice_documents (invoice, format, sha256, bytes)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (invoice, format)"
    " DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes", error);
  if (!st || !store_begin (db, error))
    return FALSE;
  for (guint i = 0; i < written->len; i++)
    {
      const WrittenDoc *d = written->pdata[i];
      guint64 bytes = 0;
      g_autofree char *sha = digest_file_sha256 (d->path, &bytes, error);
      if (!sha || !store_bind (st, error, STORE_TEXT (d->invoice), STORE_TEXT (d->format),
                               STORE_TEXT (sha), STORE_INT ((gint64) bytes))
          || !store_step_done (st, error))
        {
          store_rollback (db);
          return FALSE;
        }
    }
  return store_commit (db, error);
}

/* The optional lines CSV columns of OPERATOR_SLUG's PERIOD: parties when
 * an issued invoice has them, the description when one has adjustments. */
static gboolean
issued_columns (StoreDb *db, const char *operator_slug, const char *period,
                unsigned *columns, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT EXISTS (SELECT 1 FROM invoices i JOIN invoice_parties p ON p.invoice = i.invoice"
    " WHERE i.operator = ?1 AND i.period = ?2), EXISTS (SELECT 1 FROM invoices i"
    " JOIN invoice_lines l ON l.invoice = i.invoice WHERE i.operator = ?1 AND i.period = ?2"
    " AND l.kind = 'adjustment')", error);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (period)))
    return FALSE;
  if (store_next (st) != STORE_ROW)
    return store_set_error (error, db, "reading invoices");
  *columns = (store_column_int (st, 0) ? INVOICEOUT_COLUMNS_PARTIES : 0)
             | (store_column_int (st, 1) ? INVOICEOUT_COLUMNS_DESCRIPTION : 0);
  return TRUE;
}

gboolean
issue_write_documents (StoreDb *db, const char *operator_slug, const char *period,
                       const char *dir, unsigned formats, guint threads, guint *n_written,
                       GError **error)
{
  g_autoptr(StoreStmt) st = select_invoices (db, operator_slug, period, error);
  g_autoptr(GHashTable) digests = st ? load_digests (db, operator_slug, period, error) : NULL;
  if (!digests || !outfile_mkdir (dir, error))
    return FALSE;
  g_autoptr(OutFile) csv = NULL;
  unsigned columns = 0;
  if (!issued_columns (db, operator_slug, period, &columns, error)
      || ((formats & INVOICEOUT_CSV)
          && !(csv = invoiceout_open_lines_csv (dir, period, operator_slug, columns, error))))
    return FALSE;
  g_autoptr(DocWriter) docs = docwriter_new (dir, threads);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (written_doc_free);
  IssuedDocs w = { dir, formats, digests, docs, csv, columns, written, 0, 0 };
  /* one invoice in memory per rendering thread, never the whole period */
  if (!store_each_row (st, write_issued, &w, "reading invoices", error)
      || !docwriter_finish (docs, error) || (csv && !outfile_commit (csv, error))
      || !record_digests (db, written, error))
    return FALSE;
  if (w.kept)
    g_debug ("%u documents of %s %s already written as issued: not rendered again", w.kept,
             operator_slug, period);
  *n_written = w.n;
  return TRUE;
}

/* When a period ends {{{1 */

/* Where ZONE reaches local midnight of day DAYS: UTC milliseconds. */
static gboolean
zone_midnight (const char *zone, gint64 days, gint64 *utc_ms, GError **error)
{
  g_autoptr(TzMap) map = tzmap_new (zone, error);
  if (!map)
    return FALSE;
  *utc_ms = tzmap_local_to_utc (map, days * 86400) * 1000;
  return TRUE;
}

gboolean
issue_period_ended (StoreDb *db, const char *operator_slug, const char *period, gint64 now_ms,
                    gboolean *ended, gint64 *ends_ms, char **zone, GError **error)
{
  int y, m;
  if (!period || time_parse_period (period, strlen (period), &y, &m) != TIME_OK)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "period '%s' is not YYYY-MM",
                   period ? period : "");
      return FALSE;
    }
  gint64 next = time_days_from_civil (m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
  g_autoptr(GPtrArray) zones = query_strings (db,
    "SELECT DISTINCT timezone FROM accounts WHERE ?1 IS NULL OR operator = ?1"
    " ORDER BY timezone", operator_slug, error);
  if (!zones)
    return FALSE;
  *ends_ms = G_MININT64;
  g_clear_pointer (zone, g_free);
  for (guint i = 0; i < MAX (zones->len, 1); i++)
    {
      const char *z = zones->len ? zones->pdata[i] : "UTC";
      gint64 at;
      if (!zone_midnight (z, next, &at, error))
        return FALSE;
      if (at > *ends_ms)
        {
          *ends_ms = at;
          g_free (*zone);
          *zone = g_strdup (z);
        }
    }
  *ended = now_ms >= *ends_ms;
  return TRUE;
}

/* The run of the command and the nightly job {{{1 */

static gboolean
issue_run_operator (StoreDb *db, const IssueRunOptions *opts, const char *operator_slug,
                    const char *issued_on, IssueRunStats *stats, GError **error)
{
  IssueStats s;
  guint written = 0;
  if (!issue_period_for (db, operator_slug, opts->period, issued_on, opts->formats, &s, error)
      || !issue_write_documents (db, operator_slug, opts->period, opts->dir, opts->formats,
                                 opts->threads, &written, error))
    return FALSE;
  stats->issued += s.issued;
  stats->already += s.already;
  stats->closed += s.closed;
  stats->written += written;
  if (opts->each)
    opts->each (operator_slug, &s, written, opts->each_data);
  return TRUE;
}

gboolean
issue_run (StoreDb *db, const IssueRunOptions *opts, IssueRunStats *stats, GError **error)
{
  g_return_val_if_fail (db && opts && opts->dir && stats, FALSE);
  *stats = (IssueRunStats) { 0 };
  char today[16];
  const char *issued_on = opts->issued_on;
  if (!issued_on)
    issued_on = time_format_utc_date (time_now_ms (), today);
  if (opts->operator_slug)
    return issue_run_operator (db, opts, opts->operator_slug, issued_on, stats, error);
  g_autoptr(GPtrArray) ops = issue_operators (db, error);
  if (!ops)
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    if (!issue_run_operator (db, opts, ops->pdata[i], issued_on, stats, error))
      return FALSE;
  return TRUE;
}
