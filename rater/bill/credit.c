/* credit.c — issuing, reading back and writing credit notes (billing.md §11).
 *
 * Issuing reads the credited invoice as stored (issue_load_invoice), what
 * its earlier credit notes took, builds the lines and totals, checks them
 * against what is left, and numbers and stores the credit note — all in one
 * transaction, so two credit notes can neither share a number nor together
 * credit more than the invoice.  Reading back rebuilds the record from the
 * credit note's rows and the invoice's, so its documents are the same bytes
 * every time.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"
#include "base/digest.h"
#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "bill/credit.h"
#include "bill/issue.h"

/* One line of a credit note: the credited invoice line (0: an amount) and
 * its (negative) amount. */
typedef struct {
  guint invoice_line;
  gint64 amount;
} CreditLine;

#define usage(error, ...) rater_fail ((error), RATER_ERROR_USAGE, __VA_ARGS__)

static const char *
money (const Invoice *inv, gint64 micro, char buf[32])
{
  return decimal_format (micro, inv->minor_units, buf);
}

/* Issuing {{{1 */

/* The sum of the totals of INVOICE's credit notes (<= 0) in *CREDITED, and
 * the set of its lines they credited (line → credit note) in LINES. */
static gboolean
earlier_credits (StoreDb *db, const char *invoice, gint64 *credited, GHashTable *lines,
                 GError **error)
{
  g_autoptr(StoreStmt) sum = store_prepare (db,
    "SELECT coalesce (sum (total), 0) FROM credit_notes WHERE invoice = ?1", error);
  if (!sum || !store_bind (sum, error, STORE_TEXT (invoice)))
    return FALSE;
  if (store_next (sum) != STORE_ROW)
    return store_set_error (error, db, "reading credit notes");
  *credited = store_column_int64 (sum, 0);
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT l.invoice_line, n.credit_note FROM credit_note_lines l JOIN credit_notes n"
    " ON n.credit_note = l.credit_note WHERE n.invoice = ?1 AND l.invoice_line IS NOT NULL",
    error);
  if (!st || !store_bind (st, error, STORE_TEXT (invoice)))
    return FALSE;
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    g_hash_table_insert (lines, GUINT_TO_POINTER ((guint) store_column_int64 (st, 0)),
                         g_strdup (store_column_text (st, 1)));
  return rc == STORE_DONE || store_set_error (error, db, "reading credit notes");
}

/* The lines of REQ against INV (GArray of CreditLine), or NULL. */
static GArray *
credit_lines (const InvoiceRecord *rec, const CreditRequest *req, GHashTable *credited,
              GError **error)
{
  const Invoice *inv = rec->invoice;
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (CreditLine));

  if (req->mode == CREDIT_AMOUNT)
    {
      gint64 amount;
      if (!req->amount
          || decimal_parse (req->amount, strlen (req->amount), inv->minor_units, &amount)
             != DECIMAL_OK || amount <= 0)
        {
          usage (error, "invoice credit: --amount must be a positive decimal with at most %u"
                 " decimals (%s), not '%s'", inv->minor_units, inv->currency,
                 req->amount ? req->amount : "");
          return NULL;
        }
      CreditLine l = { 0, -amount };
      g_array_append_val (lines, l);
      return g_steal_pointer (&lines);
    }
  for (guint i = 0; i < (req->mode == CREDIT_ALL ? inv->lines->len : req->n_lines); i++)
    {
      guint n = req->mode == CREDIT_ALL ? i + 1 : req->lines[i];
      if (n < 1 || n > inv->lines->len)
        {
          usage (error, "invoice credit: %s has lines 1 to %u, not %u", rec->number,
                 inv->lines->len, n);
          return NULL;
        }
      for (guint j = 0; j < i && req->mode == CREDIT_LINES; j++)
        if (req->lines[j] == n)
          {
            usage (error, "invoice credit: line %u given twice", n);
            return NULL;
          }
      /* all of it after a part: the amount left says it (below) */
      const char *by = req->mode == CREDIT_LINES
                       ? g_hash_table_lookup (credited, GUINT_TO_POINTER (n)) : NULL;
      if (by)
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                       "invoice credit: line %u of %s was credited by %s already", n,
                       rec->number, by);
          return NULL;
        }
      gint64 amount = ((const InvoiceLine *) inv->lines->pdata[n - 1])->amount;
      if (amount <= 0 && req->mode == CREDIT_LINES)
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                       "invoice credit: line %u of %s charges nothing to credit", n,
                       rec->number);
          return NULL;
        }
      if (amount == 0)
        continue;
      CreditLine l = { n, -amount };
      g_array_append_val (lines, l);
    }
  return g_steal_pointer (&lines);
}

/* Subtotal, tax and total of LINES (negative), by the rules of credit.h. */
static gboolean
credit_totals (const Invoice *inv, const CreditRequest *req, const GArray *lines,
               gint64 *subtotal, gint64 *tax, gint64 *total, GError **error)
{
  if (req->mode == CREDIT_ALL)
    {
      *subtotal = -inv->subtotal, *tax = -inv->tax, *total = -inv->total;
      return TRUE;
    }
  gint64 credited = 0, positive_tax;
  for (guint i = 0; i < lines->len; i++)
    credited += g_array_index (lines, CreditLine, i).amount;
  if (!invoice_tax (-credited, inv->tax_rate, inv->minor_units, &positive_tax, error))
    return FALSE;
  *subtotal = credited, *tax = -positive_tax, *total = credited - positive_tax;
  return TRUE;
}

/* The operator's invoice prefix. */
static char *
operator_prefix (StoreDb *db, const char *operator_slug, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT invoice_prefix FROM operators WHERE operator = ?1", error);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug)))
    return NULL;
  int rc = store_next (st);
  if (rc == STORE_ROW)
    return g_strdup (store_column_text (st, 0));
  if (rc == STORE_DONE)
    g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                 "invoice credit: operator '%s' is no longer in the catalog", operator_slug);
  else
    store_set_error (error, db, "reading operators");
  return NULL;
}

/* The next number of OPERATOR_SLUG's credit notes of YYYYMM. */
static char *
next_number (StoreDb *db, const char *operator_slug, const char *yyyymm, gint64 *seq,
             GError **error)
{
  g_autofree char *prefix = operator_prefix (db, operator_slug, error);
  g_autoptr(StoreStmt) st = prefix ? store_prepare (db,
    "SELECT coalesce (max (seq), 0) + 1 FROM credit_notes WHERE operator = ?1 AND yyyymm = ?2",
    error) : NULL;
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (yyyymm)))
    return NULL;
  if (store_next (st) != STORE_ROW)
    {
      store_set_error (error, db, "reading credit notes");
      return NULL;
    }
  *seq = store_column_int64 (st, 0);
  return g_strdup_printf ("%s-CN-%s-%04" G_GINT64_FORMAT, prefix, yyyymm, *seq);
}

typedef struct {
  const char *number, *operator_slug, *yyyymm, *invoice, *issued_on, *reason;
  gint64 seq, subtotal, tax, total;
  const GArray *lines;
} CreditRow;

static gboolean
store_credit (StoreDb *db, const CreditRow *c, GError **error)
{
  g_autoptr(StoreStmt) head = store_prepare (db,
    "INSERT INTO credit_notes (credit_note, operator, yyyymm, seq, invoice, issued_on, reason,"
    " subtotal, tax, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (!head || !store_bind (head, error, STORE_TEXT (c->number), STORE_TEXT (c->operator_slug),
                            STORE_TEXT (c->yyyymm), STORE_INT (c->seq), STORE_TEXT (c->invoice),
                            STORE_TEXT (c->issued_on), STORE_TEXT (c->reason),
                            STORE_INT (c->subtotal), STORE_INT (c->tax), STORE_INT (c->total))
      || !store_step_done (head, error))
    return FALSE;
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO credit_note_lines (credit_note, line, invoice_line, amount)"
    " VALUES (?, ?, ?, ?)", error);
  for (guint i = 0; st && i < c->lines->len; i++)
    {
      const CreditLine *l = &g_array_index (c->lines, CreditLine, i);
      if (!store_bind (st, error, STORE_TEXT (c->number), STORE_INT (i + 1),
                       l->invoice_line ? STORE_INT (l->invoice_line) : STORE_NULL,
                       STORE_INT (l->amount))
          || !store_step_done (st, error))
        return FALSE;
    }
  return st != NULL;
}

static gboolean
issue_in_transaction (StoreDb *db, const char *invoice, const CreditRequest *req,
                      char **number, GError **error)
{
  g_autoptr(InvoiceRecord) rec = issue_load_invoice (db, invoice, error);
  g_autoptr(GHashTable) credited = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                          g_free);
  gint64 before = 0, subtotal, tax, total;
  char a[32], b[32], c[32], d[32];
  if (!rec || !earlier_credits (db, invoice, &before, credited, error))
    return FALSE;
  const Invoice *inv = rec->invoice;
  g_autoptr(GArray) lines = credit_lines (rec, req, credited, error);
  if (!lines || !credit_totals (inv, req, lines, &subtotal, &tax, &total, error))
    return FALSE;
  gint64 left = inv->total + before;
  if (total >= 0 || lines->len == 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "invoice credit: that credits nothing (%s %s)", money (inv, total, a),
                   inv->currency);
      return FALSE;
    }
  if (-total > left)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "invoice credit: a credit note of %s %s is more than is left to credit on"
                   " %s: %s %s (its total %s less earlier credit notes %s)",
                   money (inv, -total, a), inv->currency, invoice,
                   money (inv, MAX (left, 0), b), inv->currency, money (inv, inv->total, c),
                   money (inv, -before, d));
      return FALSE;
    }
  int y = 0, m = 0, day = 0;
  gint64 days;
  if (time_parse_date (req->issued_on, strlen (req->issued_on), &days) != TIME_OK)
    return usage (error, "invoice credit: bad date '%s'", req->issued_on);
  time_civil_from_days (days, &y, &m, &day);
  char yyyymm[16];
  g_snprintf (yyyymm, sizeof yyyymm, "%04d%02d", y, m);
  gint64 seq = 0;
  g_autofree char *cn = next_number (db, inv->operator_slug, yyyymm, &seq, error);
  CreditRow row = { cn, inv->operator_slug, yyyymm, invoice, req->issued_on, req->reason, seq,
                    subtotal, tax, total, lines };
  if (!cn || !store_credit (db, &row, error))
    return FALSE;
  *number = g_steal_pointer (&cn);
  return TRUE;
}

gboolean
credit_issue (StoreDb *db, const char *invoice, const CreditRequest *req, char **number,
              GError **error)
{
  g_return_val_if_fail (db && invoice && req && number, FALSE);
  if (!req->reason || strspn (req->reason, " \t\r\n") == strlen (req->reason)
      || strlen (req->reason) > 1024 || !g_utf8_validate (req->reason, -1, NULL))
    return usage (error, "invoice credit: --reason must say why (1 to 1024 bytes of UTF-8)");
  if (!req->issued_on)
    return usage (error, "invoice credit: no date");
  if (!store_begin (db, error))
    return FALSE;
  if (issue_in_transaction (db, invoice, req, number, error) && store_commit (db, error))
    return TRUE;
  store_rollback (db);
  return FALSE;
}

/* Reading back {{{1 */

/* A copy of the invoice line FROM with AMOUNT, described as crediting
 * line N of INVOICE. */
static void
copy_line (Invoice *to, const InvoiceLine *from, guint n, const char *invoice, gint64 amount)
{
  InvoiceLine *l = invoice_add_line (to, from->kind);
  l->number_type = g_strdup (from->number_type);
  l->direction = g_strdup (from->direction);
  l->group = g_strdup (from->group);
  l->quantity = from->quantity;
  l->calls = from->calls;
  l->billable_seconds = from->billable_seconds;
  l->covered_seconds = from->covered_seconds;
  l->amount = amount;
  if (from->periods)
    {
      l->periods = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < from->periods->len; i++)
        g_ptr_array_add (l->periods, g_strdup (from->periods->pdata[i]));
    }
  l->description = from->description
    ? g_strdup (from->description)
    : g_strdup_printf ("credits %s line %u", invoice, n);
}

/* The credit note's invoice: INV's header, the stored totals. */
static Invoice *
credit_invoice (const Invoice *inv, StoreStmt *head)
{
  Invoice *cn = invoice_new (inv->account, inv->period);
  cn->operator_slug = g_strdup (inv->operator_slug);
  cn->tenant_id = g_strdup (inv->tenant_id);
  cn->currency = g_strdup (inv->currency);
  cn->minor_units = inv->minor_units;
  cn->tax_rate = inv->tax_rate;
  cn->subtotal = store_column_int64 (head, 4);
  cn->tax = store_column_int64 (head, 5);
  cn->total = store_column_int64 (head, 6);
  cn->parties = invoice_parties_copy (inv->parties);
  if (cn->parties)
    {
      g_free (cn->parties->issued_on);
      cn->parties->issued_on = g_strdup (store_column_text (head, 2));
      g_clear_pointer (&cn->parties->due_on, g_free);
    }
  return cn;
}

static gboolean
load_credit_lines (StoreDb *db, InvoiceRecord *rec, const Invoice *inv, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT invoice_line, amount FROM credit_note_lines WHERE credit_note = ?1 ORDER BY line",
    error);
  if (!st || !store_bind (st, error, STORE_TEXT (rec->number)))
    return FALSE;
  int rc;
  while ((rc = store_next (st)) == STORE_ROW)
    {
      guint n = (guint) store_column_int64 (st, 0);
      gint64 amount = store_column_int64 (st, 1);
      if (n > inv->lines->len)
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "credit note %s: no line %u on %s",
                       rec->number, n, rec->credited_invoice);
          return FALSE;
        }
      if (n)
        copy_line (rec->invoice, inv->lines->pdata[n - 1], n, rec->credited_invoice, amount);
      else
        {
          InvoiceLine *l = invoice_add_line (rec->invoice, INVOICE_LINE_ADJUSTMENT);
          l->description = g_strdup (rec->reason);
          l->amount = amount;
        }
      g_array_append_val (rec->invoice_lines, n);
    }
  return rc == STORE_DONE || store_set_error (error, db, "reading credit note lines");
}

InvoiceRecord *
credit_load (StoreDb *db, const char *number, GError **error)
{
  g_autoptr(StoreStmt) head = store_prepare (db,
    "SELECT credit_note, invoice, issued_on, reason, subtotal, tax, total FROM credit_notes"
    " WHERE credit_note = ?1", error);
  if (!head || !store_bind (head, error, STORE_TEXT (number)))
    return NULL;
  int rc = store_next (head);
  if (rc != STORE_ROW)
    {
      if (rc == STORE_DONE)
        usage (error, "no credit note '%s'", number);
      else
        store_set_error (error, db, "reading credit notes");
      return NULL;
    }
  g_autoptr(InvoiceRecord) inv = issue_load_invoice (db, store_column_text (head, 1), error);
  if (!inv)
    return NULL;
  g_autoptr(InvoiceRecord) rec = invoiceout_record_new ();
  rec->number = g_strdup (store_column_text (head, 0));
  rec->credited_invoice = g_strdup (store_column_text (head, 1));
  rec->issued_on = g_strdup (store_column_text (head, 2));
  rec->reason = g_strdup (store_column_text (head, 3));
  rec->operator_name = g_strdup (inv->operator_name);
  rec->customer_name = g_strdup (inv->customer_name);
  rec->invoice = credit_invoice (inv->invoice, head);
  rec->invoice_lines = g_array_new (FALSE, TRUE, sizeof (guint));
  if (!load_credit_lines (db, rec, inv->invoice, error))
    return NULL;
  return g_steal_pointer (&rec);
}

/* Writing {{{1 */

static gboolean
write_lines_csv (const InvoiceRecord *rec, const char *dir, GError **error)
{
  g_autofree char *name = g_strdup_printf ("credit-note-lines-%s.csv", rec->number);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(OutFile) out = outfile_open_frozen (path, error);
  if (!out)
    return FALSE;
  unsigned columns = INVOICEOUT_COLUMNS_DESCRIPTION
                     | (rec->invoice->parties ? INVOICEOUT_COLUMNS_PARTIES : 0);
  invoiceout_csv_header (out, columns);
  invoiceout_csv_rows (out, rec->invoice, rec->number, "credit_note", columns);
  return outfile_commit (out, error);
}

/* The documents of a credit note: format (credit_note_documents.format),
 * its bit, and the file name of credit note NUMBER with BASE its
 * invoiceout_basename(). */
static const struct {
  const char *name;
  InvoiceOutFormats bit;
  const char *extension;        /* NULL: the lines CSV */
} doc_formats[] = {
  { "json", INVOICEOUT_JSON, "json" },
  { "csv", INVOICEOUT_CSV, NULL },
  { "html", INVOICEOUT_HTML, "html" },
  { "pdf", INVOICEOUT_PDF, "pdf" },
  { "ubl", INVOICEOUT_UBL, "xml" },
};

static char *
doc_path (const char *dir, const InvoiceRecord *rec, gsize i)
{
  g_autofree char *base = invoiceout_basename (rec);
  g_autofree char *name = doc_formats[i].extension
    ? g_strdup_printf ("%s.%s", base, doc_formats[i].extension)
    : g_strdup_printf ("credit-note-lines-%s.csv", rec->number);
  return g_build_filename (dir, name, NULL);
}

/* The digest recorded for credit note NUMBER's FORMAT document in *SHA256
 * (NULL: none). */
static gboolean
recorded_digest (StoreDb *db, const char *number, const char *format, char **sha256,
                 GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT sha256 FROM credit_note_documents WHERE credit_note = ?1 AND format = ?2", error);
  if (!st || !store_bind (st, error, STORE_TEXT (number), STORE_TEXT (format)))
    return FALSE;
  int rc = store_next (st);
  if (rc == STORE_ROW)
    *sha256 = g_strdup (store_column_text (st, 0));
  else if (rc != STORE_DONE)
    return store_set_error (error, db, "reading credit note documents");
  return TRUE;
}

/* Whether the file at PATH is there with the digest SHA256 (issue.c's rule). */
static gboolean
document_is (const char *path, const char *sha256)
{
  guint64 bytes;
  if (!sha256 || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  g_autofree char *found = digest_file_sha256 (path, &bytes, NULL);
  return found && g_str_equal (found, sha256);
}

/* Record the digests of REC's documents of FORMATS written under DIR. */
static gboolean
record_digests (StoreDb *db, const InvoiceRecord *rec, const char *dir, unsigned formats,
                GError **error)
{
  if (!formats || store_is_readonly (db))
    return TRUE;                /* a reader writing the documents again records nothing */
  g_autoptr(StoreStmt) st = store_prepare (db,
    "INSERT INTO credit_note_documents (credit_note, format, sha256, bytes)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (credit_note, format)"
    " DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes", error);
  if (!st || !store_begin (db, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (doc_formats); i++)
    {
      if (!(formats & doc_formats[i].bit))
        continue;
      guint64 bytes = 0;
      g_autofree char *path = doc_path (dir, rec, i);
      g_autofree char *sha = digest_file_sha256 (path, &bytes, error);
      if (!sha || !store_bind (st, error, STORE_TEXT (rec->number),
                               STORE_TEXT (doc_formats[i].name), STORE_TEXT (sha),
                               STORE_INT ((gint64) bytes))
          || !store_step_done (st, error))
        {
          store_rollback (db);
          return FALSE;
        }
    }
  return store_commit (db, error);
}

gboolean
credit_write_documents (StoreDb *db, const char *number, const char *dir, unsigned formats,
                        GError **error)
{
  g_autoptr(InvoiceRecord) rec = credit_load (db, number, error);
  unsigned todo = 0;
  if (!rec || !outfile_mkdir (dir, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (doc_formats); i++)
    {
      g_autofree char *sha = NULL;
      g_autofree char *path = NULL;
      if (!(formats & doc_formats[i].bit))
        continue;
      if (!recorded_digest (db, rec->number, doc_formats[i].name, &sha, error))
        return FALSE;
      path = doc_path (dir, rec, i);
      if (!document_is (path, sha))
        todo |= doc_formats[i].bit;
    }
  if ((todo & ~(unsigned) INVOICEOUT_CSV)
      && !invoiceout_write_record (rec, dir, todo & ~(unsigned) INVOICEOUT_CSV, error))
    return FALSE;
  if ((todo & INVOICEOUT_CSV) && !write_lines_csv (rec, dir, error))
    return FALSE;
  return record_digests (db, rec, dir, todo, error);
}
