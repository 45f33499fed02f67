/* invoiceout.c — writing invoices as JSON and as invoice-lines CSV rows.
 *
 * The JSON document is built with json-glib (rater-json.h) member by member
 * in the order of formats.md §3; amounts and the tax rate are decimal
 * strings made from the integer micro-units, never doubles.  HTML and PDF
 * come from invoicedoc; an issued record's files are written frozen.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "base/rater-json.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "bill/docwriter.h"
#include "bill/invoicedoc.h"
#include "bill/invoiceout.h"
#include "bill/ubl.h"

static const char *const kinds[] = { "recurring", "usage", "late_usage", "adjustment" };

/* AMOUNT (micro-units) with exactly the currency's minor digits. */
static const char *
money (const Invoice *inv, gint64 amount, char buf[32])
{
  return decimal_format (amount, inv->minor_units, buf);
}

/* A tax rate in micro-percent as its shortest decimal: "20", "8.875". */
static const char *
tax_rate_text (gint64 micro_percent, char buf[32])
{
  decimal_format (micro_percent, 6, buf);
  char *end = buf + strlen (buf) - 1;
  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  return buf;
}

static void
json_line (JsonBuilder *b, const Invoice *inv, const InvoiceLine *l, guint invoice_line)
{
  char buf[32];
  json_builder_begin_object (b);
  if (invoice_line)
    rater_json_int (b, "invoice_line", invoice_line);
  rater_json_string (b, "kind", kinds[l->kind]);
  if (l->kind == INVOICE_LINE_RECURRING)
    {
      rater_json_string (b, "number_type", l->number_type);
      rater_json_int (b, "quantity", (gint64) l->quantity);
    }
  else if (l->kind == INVOICE_LINE_ADJUSTMENT)
    rater_json_string (b, "description", l->description);
  else
    {
      rater_json_string (b, "direction", l->direction);
      rater_json_string (b, "group", l->group);
      rater_json_int (b, "calls", (gint64) l->calls);
      rater_json_int (b, "billable_seconds", (gint64) l->billable_seconds);
      rater_json_int (b, "covered_seconds", (gint64) l->covered_seconds);
    }
  if (l->periods && l->periods->len)
    {
      rater_json_begin_array (b, "periods");
      for (guint p = 0; p < l->periods->len; p++)
        rater_json_string (b, NULL, l->periods->pdata[p]);
      json_builder_end_array (b);
    }
  rater_json_string (b, "amount", money (inv, l->amount, buf));
  json_builder_end_object (b);
}

/* The parties, dates and payment terms of INV (billing.md §11), printed
 * only when it has parties. */
static void
json_parties (JsonBuilder *b, const InvoiceParties *p)
{
  rater_json_string (b, "issued_on", p->issued_on);
  if (p->due_on)
    rater_json_string (b, "due_on", p->due_on);
  rater_json_begin_object (b, "seller");
  rater_json_string (b, "legal_name", p->seller_legal_name);
  rater_json_string (b, "address", p->seller_address);
  rater_json_string (b, "vat_id", p->seller_vat_id);
  rater_json_string (b, "email", p->seller_email);
  json_builder_end_object (b);
  rater_json_begin_object (b, "buyer");
  rater_json_string (b, "legal_name", p->buyer_legal_name);
  rater_json_string (b, "address", p->buyer_address);
  rater_json_string (b, "vat_id", p->buyer_vat_id);
  rater_json_bool (b, "reverse_charge", p->reverse_charge);
  json_builder_end_object (b);
  rater_json_begin_object (b, "payment");
  rater_json_int (b, "terms_days", p->terms_days);
  rater_json_string (b, "iban", p->iban);
  rater_json_string (b, "bic", p->bic);
  json_builder_end_object (b);
}

/* The invoice document of INV in B (formats.md §3). */
static void
json_invoice (JsonBuilder *b, const Invoice *inv, const char *number, const char *status)
{
  char buf[32];
  json_builder_begin_object (b);
  rater_json_string (b, "invoice", number);
  rater_json_string (b, "status", status);
  rater_json_string (b, "operator", inv->operator_slug);
  rater_json_string (b, "account", inv->account);
  rater_json_string (b, "tenant_id", inv->tenant_id);
  rater_json_string (b, "period", inv->period);
  rater_json_string (b, "currency", inv->currency);
  if (inv->parties)
    json_parties (b, inv->parties);
  rater_json_begin_array (b, "lines");
  for (guint i = 0; i < inv->lines->len; i++)
    json_line (b, inv, inv->lines->pdata[i], 0);
  json_builder_end_array (b);
  rater_json_string (b, "subtotal", money (inv, inv->subtotal, buf));
  rater_json_string (b, "tax_rate", tax_rate_text (inv->tax_rate, buf));
  rater_json_string (b, "tax", money (inv, inv->tax, buf));
  rater_json_string (b, "total", money (inv, inv->total, buf));
  if (inv->held_calls)
    {
      rater_json_begin_object (b, "held");
      rater_json_int (b, "calls", (gint64) inv->held_calls);
      rater_json_string (b, "amount", money (inv, inv->held_amount, buf));
      json_builder_end_object (b);
    }
  if (inv->parties && inv->parties->reverse_charge)
    rater_json_string (b, "note", INVOICE_REVERSE_CHARGE_NOTE);
  json_builder_end_object (b);
}

/* The credit note document of REC (formats.md §3's invoice layout with
 * the credit note's number, the credited invoice and the reason; each line
 * names the invoice line it credits). */
static void
json_credit_note (JsonBuilder *b, const InvoiceRecord *rec)
{
  const Invoice *inv = rec->invoice;
  char buf[32];
  json_builder_begin_object (b);
  rater_json_string (b, "credit_note", rec->number);
  rater_json_string (b, "status", "issued");
  rater_json_string (b, "invoice", rec->credited_invoice);
  rater_json_string (b, "reason", rec->reason);
  rater_json_string (b, "operator", inv->operator_slug);
  rater_json_string (b, "account", inv->account);
  rater_json_string (b, "tenant_id", inv->tenant_id);
  rater_json_string (b, "period", inv->period);
  rater_json_string (b, "currency", inv->currency);
  if (inv->parties)
    json_parties (b, inv->parties);
  else
    rater_json_string (b, "issued_on", rec->issued_on);
  rater_json_begin_array (b, "lines");
  for (guint i = 0; i < inv->lines->len; i++)
    json_line (b, inv, inv->lines->pdata[i], g_array_index (rec->invoice_lines, guint, i));
  json_builder_end_array (b);
  rater_json_string (b, "subtotal", money (inv, inv->subtotal, buf));
  rater_json_string (b, "tax_rate", tax_rate_text (inv->tax_rate, buf));
  rater_json_string (b, "tax", money (inv, inv->tax, buf));
  rater_json_string (b, "total", money (inv, inv->total, buf));
  if (inv->parties && inv->parties->reverse_charge)
    rater_json_string (b, "note", INVOICE_REVERSE_CHARGE_NOTE);
  json_builder_end_object (b);
}

char *
invoiceout_json (const Invoice *inv, const char *number, const char *status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_invoice (b, inv, number, status);
  return rater_json_text (b);
}

/* The columns of the parties (billing.md §11), after the usual ones. */
#define PARTIES_CSV_COLUMNS                                                                \
  ",issued_on,due_on,seller_legal_name,seller_address,seller_vat_id,iban,bic,"              \
  "buyer_legal_name,buyer_address,buyer_vat_id,reverse_charge"

void
invoiceout_csv_header (OutFile *out, unsigned columns)
{
  static const char *const headers[] = {
    "invoice,status,operator,account,period,currency,line,kind,direction,"
    "group,number_type,quantity,calls,billable_seconds,covered_seconds,"
    "amount,subtotal,tax,total",
    "invoice,status,operator,account,period,currency,line,kind,direction,"
    "group,number_type,quantity,calls,billable_seconds,covered_seconds,"
    "amount,subtotal,tax,total,description",
    "invoice,status,operator,account,period,currency,line,kind,direction,"
    "group,number_type,quantity,calls,billable_seconds,covered_seconds,"
    "amount,subtotal,tax,total" PARTIES_CSV_COLUMNS,
    "invoice,status,operator,account,period,currency,line,kind,direction,"
    "group,number_type,quantity,calls,billable_seconds,covered_seconds,"
    "amount,subtotal,tax,total,description" PARTIES_CSV_COLUMNS,
  };
  if (!(columns & INVOICEOUT_COLUMNS_HELD))
    {
      outfile_csv_header (out, headers[columns & 3]);
      return;
    }
  g_autofree char *header = g_strconcat (headers[columns & 3], ",held_calls,held_amount", NULL);
  outfile_csv_header (out, header);
}

unsigned
invoiceout_csv_columns (const Invoice *inv)
{
  unsigned columns = inv->parties ? INVOICEOUT_COLUMNS_PARTIES : 0;
  if (inv->held_calls)
    columns |= INVOICEOUT_COLUMNS_HELD;
  for (guint i = 0; i < inv->lines->len; i++)
    if (((const InvoiceLine *) inv->lines->pdata[i])->kind == INVOICE_LINE_ADJUSTMENT)
      columns |= INVOICEOUT_COLUMNS_DESCRIPTION;
  return columns;
}

static void
csv_text (OutFile *out, const char *text)
{
  outfile_csv_field (out, text ? text : "", -1);
}

/* The parties' fields of a row (empty for an invoice without parties). */
static void
csv_parties (OutFile *out, const InvoiceParties *p)
{
  const char *fields[] = {
    p ? p->issued_on : NULL, p ? p->due_on : NULL, p ? p->seller_legal_name : NULL,
    p ? p->seller_address : NULL, p ? p->seller_vat_id : NULL, p ? p->iban : NULL,
    p ? p->bic : NULL, p ? p->buyer_legal_name : NULL, p ? p->buyer_address : NULL,
    p ? p->buyer_vat_id : NULL, p ? (p->reverse_charge ? "true" : "false") : NULL,
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    csv_text (out, fields[i]);
}

static void
csv_count (OutFile *out, gboolean present, guint64 value)
{
  if (present)
    outfile_csv_int (out, (gint64) value);
  else
    outfile_csv_field (out, "", 0);
}

static void
csv_line (OutFile *out, const Invoice *inv, guint i, const char *number, const char *status,
          unsigned columns)
{
  const InvoiceLine *l = inv->lines->pdata[i];
  gboolean recurring = l->kind == INVOICE_LINE_RECURRING;
  gboolean counted = l->kind == INVOICE_LINE_USAGE || l->kind == INVOICE_LINE_LATE_USAGE;
  char buf[32];
  outfile_csv_field (out, number ? number : "", -1);
  outfile_csv_field (out, status, -1);
  outfile_csv_field (out, inv->operator_slug, -1);
  outfile_csv_field (out, inv->account, -1);
  outfile_csv_field (out, inv->period, -1);
  outfile_csv_field (out, inv->currency, -1);
  outfile_csv_int (out, i + 1);
  outfile_csv_field (out, kinds[l->kind], -1);
  outfile_csv_field (out, l->direction ? l->direction : "", -1);
  outfile_csv_field (out, l->group ? l->group : "", -1);
  outfile_csv_field (out, l->number_type ? l->number_type : "", -1);
  csv_count (out, recurring, l->quantity);
  csv_count (out, counted, l->calls);
  csv_count (out, counted, l->billable_seconds);
  csv_count (out, counted, l->covered_seconds);
  outfile_csv_field (out, money (inv, l->amount, buf), -1);
  outfile_csv_field (out, money (inv, inv->subtotal, buf), -1);
  outfile_csv_field (out, money (inv, inv->tax, buf), -1);
  outfile_csv_field (out, money (inv, inv->total, buf), -1);
  if (columns & INVOICEOUT_COLUMNS_DESCRIPTION)
    csv_text (out, l->description);
  if (columns & INVOICEOUT_COLUMNS_PARTIES)
    csv_parties (out, inv->parties);
  if (columns & INVOICEOUT_COLUMNS_HELD)
    {
      outfile_csv_int (out, (gint64) inv->held_calls);
      outfile_csv_field (out, money (inv, inv->held_amount, buf), -1);
    }
  outfile_csv_end_row (out);
}

void
invoiceout_csv_rows (OutFile *out, const Invoice *inv, const char *number, const char *status,
                     unsigned columns)
{
  for (guint i = 0; i < inv->lines->len; i++)
    csv_line (out, inv, i, number, status, columns);
}

/* ---- records ---- */

InvoiceDestination *
invoiceout_destination_new (const char *destination, const char *group, guint64 calls,
                            guint64 billable_seconds, gint64 amount)
{
  return invoice_destination_new (destination, group, calls, billable_seconds, amount);
}

InvoiceRecord *
invoiceout_record_new (void)
{
  InvoiceRecord *rec = g_new0 (InvoiceRecord, 1);
  rec->destinations = g_ptr_array_new_with_free_func (invoice_destination_free);
  return rec;
}

void
invoiceout_record_free (InvoiceRecord *rec)
{
  if (!rec)
    return;
  invoice_free (rec->invoice);
  g_free (rec->number);
  g_free (rec->issued_on);
  g_free (rec->operator_name);
  g_free (rec->customer_name);
  g_ptr_array_unref (rec->destinations);
  g_free (rec->credited_invoice);
  g_free (rec->reason);
  if (rec->invoice_lines)
    g_array_unref (rec->invoice_lines);
  if (rec->calls)
    g_ptr_array_unref (rec->calls);
  g_free (rec);
}

/* Display names of the operator and the customer. */
static gboolean
load_names (StoreDb *db, InvoiceRecord *rec, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT o.name, a.name FROM accounts a JOIN operators o ON o.operator = a.operator"
    " WHERE a.account = ?", error);
  if (!st || !store_bind (st, error, STORE_TEXT (rec->invoice->account)))
    return FALSE;
  if (store_next (st) != STORE_ROW)
    return store_set_error (error, db, "reading account names");
  rec->operator_name = g_strdup (store_column_text (st, 0));
  rec->customer_name = g_strdup (store_column_text (st, 1));
  return TRUE;
}

/* The issue and due dates of REC's parties, when it has them. */
static gboolean
set_due (InvoiceRecord *rec, GError **error)
{
  if (!rec->invoice->parties || invoice_parties_set_due (rec->invoice->parties, rec->issued_on))
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "issue date '%s' is not YYYY-MM-DD",
               rec->issued_on ? rec->issued_on : "");
  return FALSE;
}

InvoiceRecord *
invoiceout_record_from_db (StoreDb *db, Invoice *invoice, const char *issued_on, GError **error)
{
  g_autoptr(InvoiceRecord) rec = invoiceout_record_new ();
  rec->invoice = invoice;
  rec->issued_on = g_strdup (issued_on);
  g_ptr_array_unref (rec->destinations);
  rec->destinations = invoice_destinations (db, invoice->account, invoice->period, error);
  if (!rec->destinations || !load_names (db, rec, error) || !set_due (rec, error))
    return NULL;
  return g_steal_pointer (&rec);
}

char *
invoiceout_day_after_period (const char *period)
{
  int y = 1970, m = 1;
  if (!period || time_parse_period (period, strlen (period), &y, &m) != TIME_OK)
    return NULL;
  return g_strdup_printf ("%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
}

/* ---- writing ---- */

static OutFile *
open_document (const InvoiceRecord *rec, const char *path, GError **error)
{
  return rec->number ? outfile_open_frozen (path, error) : outfile_open (path, error);
}

static gboolean
write_text (const InvoiceRecord *rec, const char *path, const char *text, GError **error)
{
  g_autoptr(OutFile) out = open_document (rec, path, error);
  if (!out)
    return FALSE;
  fputs (text, outfile_stream (out));
  return outfile_commit (out, error);
}

/* REC's JSON document at BASE.json; an issued one frozen (rater-json.h: an
 * existing file with the same value in an earlier layout is kept). */
static gboolean
write_json (const InvoiceRecord *rec, const char *base, const char *status, GError **error)
{
  g_autofree char *path = g_strconcat (base, ".json", NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  if (rec->credited_invoice)
    json_credit_note (b, rec);
  else
    json_invoice (b, rec->invoice, rec->number, status);
  return rec->number ? rater_json_write_frozen (b, path, error) : rater_json_write (b, path, error);
}

char *
invoiceout_basename (const InvoiceRecord *rec)
{
  return g_strdup_printf ("%s-%s", rec->number ? rec->number : rec->invoice->account,
                          rec->invoice->period);
}

gboolean
invoiceout_write_record (const InvoiceRecord *rec, const char *dir, InvoiceOutFormats formats,
                         GError **error)
{
  const char *status = rec->number ? "issued" : "draft";
  g_autofree char *name = invoiceout_basename (rec);
  g_autofree char *base = g_build_filename (dir, name, NULL);
  InvoiceDocument doc = { rec->operator_name, rec->customer_name, rec->number, rec->issued_on,
                          status, rec->invoice, rec->destinations, rec->credited_invoice,
                          rec->reason, rec->calls, rec->masked };
  if ((formats & INVOICEOUT_JSON) && !write_json (rec, base, status, error))
    return FALSE;
  if (formats & INVOICEOUT_HTML)
    {
      g_autofree char *path = g_strconcat (base, ".html", NULL);
      g_autofree char *html = invoicedoc_html (&doc);
      if (!write_text (rec, path, html, error))
        return FALSE;
    }
  g_autofree char *pdf = g_strconcat (base, ".pdf", NULL);
  if ((formats & INVOICEOUT_PDF) && !invoicedoc_pdf (&doc, pdf, error))
    return FALSE;
  g_autofree char *xml = g_strconcat (base, ".xml", NULL);
  return !(formats & INVOICEOUT_UBL) || ubl_write (rec, xml, error);
}

gboolean
invoiceout_write_lines_csv (const GPtrArray *records, const char *path, GError **error)
{
  g_autoptr(OutFile) out = outfile_open (path, error);
  unsigned columns = 0;
  if (!out)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    columns |= invoiceout_csv_columns (((const InvoiceRecord *) records->pdata[i])->invoice);
  invoiceout_csv_header (out, columns);
  for (guint i = 0; i < records->len; i++)
    {
      const InvoiceRecord *rec = records->pdata[i];
      invoiceout_csv_rows (out, rec->invoice, rec->number, rec->number ? "issued" : "draft",
                           columns);
    }
  return outfile_commit (out, error);
}

/* ---- names ---- */

/* Row function: (account, operator name, customer name) into the
 * GHashTable NAMES: account → { operator name, customer name }. */
static gboolean
add_names (StoreStmt *st, gpointer names, GError **error)
{
  char **pair = g_new0 (char *, 3);

  pair[0] = g_strdup (store_column_text (st, 1));
  pair[1] = g_strdup (store_column_text (st, 2));
  g_hash_table_insert (names, g_strdup (store_column_text (st, 0)), pair);
  return TRUE;
}

GHashTable *
invoiceout_names (StoreDb *db, const char *operator_slug, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT a.account, o.name, a.name FROM accounts a JOIN operators o ON o.operator = a.operator"
    " WHERE ?1 IS NULL OR a.operator = ?1", error);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_strfreev);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug))
      || !store_each_row (st, add_names, names, "reading account names", error))
    return NULL;
  return g_steal_pointer (&names);
}

InvoiceRecord *
invoiceout_record_new_named (GHashTable *names, Invoice *invoice, GPtrArray *destinations,
                             const char *issued_on, GError **error)
{
  g_autoptr(InvoiceRecord) rec = invoiceout_record_new ();
  char **pair = g_hash_table_lookup (names, invoice->account);

  rec->invoice = invoice;
  g_ptr_array_unref (rec->destinations);
  rec->destinations = destinations;
  if (!pair)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE,
                   "reading account names: account '%s' has none", invoice->account);
      return NULL;
    }
  rec->issued_on = g_strdup (issued_on);
  rec->operator_name = g_strdup (pair[0]);
  rec->customer_name = g_strdup (pair[1]);
  if (!set_due (rec, error))
    return NULL;
  return g_steal_pointer (&rec);
}

/* ---- a draft run ---- */

/* Row function: column 0 (an account) into the set ISSUED when column 1
 * says it has an invoice; counts the accounts in *N. */
typedef struct {
  GHashTable *issued;           /* set of accounts */
  guint n;                      /* accounts that match */
} DraftAccounts;

static gboolean
add_draft_account (StoreStmt *st, gpointer data, GError **error)
{
  DraftAccounts *d = data;

  d->n++;
  if (store_column_int (st, 1))
    g_hash_table_add (d->issued, g_strdup (store_column_text (st, 0)));
  return TRUE;
}

/* The accounts that match and those of them already issued for PERIOD. */
static gboolean
draft_accounts (StoreDb *db, const char *period, const char *operator_slug, const char *account,
                DraftAccounts *d, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT a.account, EXISTS (SELECT 1 FROM invoices i WHERE i.account = a.account"
    " AND i.period = ?3) FROM accounts a WHERE (?1 IS NULL OR a.operator = ?1)"
    " AND (?2 IS NULL OR a.account = ?2)", error);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (account),
                          STORE_TEXT (period))
      || !store_each_row (st, add_draft_account, d, "listing accounts", error))
    return FALSE;
  if (d->n > 0)
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "no account matches%s%s%s%s",
               operator_slug ? " operator " : "", operator_slug ? operator_slug : "",
               account ? " account " : "", account ? account : "");
  return FALSE;
}

typedef struct {
  GHashTable *names;            /* invoiceout_names () */
  const char *date;             /* "YYYY-MM-DD" of the drafts */
  InvoiceOutFormats formats;
  DocWriter *docs;              /* renders each draft's documents */
  OutFile *csv;                 /* the invoice-lines CSV; NULL: none */
  unsigned columns;             /* the CSV's optional columns */
  guint n;                      /* drafts written */
  StoreDb *db;                  /* for the itemised calls */
  GHashTable *itemised;         /* account → { mode, zone } (char **) of itemised accounts */
} DraftRun;

/* InvoiceFunc: write one draft's CSV rows, and queue its documents. */
static gboolean
write_draft (Invoice *invoice, GPtrArray *destinations, gpointer data, GError **error)
{
  DraftRun *run = data;
  InvoiceRecord *rec = invoiceout_record_new_named (run->names, invoice, destinations,
                                                    run->date, error);

  if (!rec)
    return FALSE;
  char **itemised = g_hash_table_lookup (run->itemised, rec->invoice->account);
  if (itemised
      && !(rec->calls = invoice_calls (run->db, rec->invoice->account, rec->invoice->period,
                                       NULL, itemised[1], error)))
    {
      invoiceout_record_free (rec);
      return FALSE;
    }
  rec->masked = itemised && g_str_equal (itemised[0], "masked");
  if (run->csv)
    invoiceout_csv_rows (run->csv, rec->invoice, NULL, "draft", run->columns);
  run->n++;
  return docwriter_add (run->docs, rec, run->formats, error);
}

OutFile *
invoiceout_open_lines_csv (const char *dir, const char *period, const char *suffix,
                           unsigned columns, GError **error)
{
  g_autofree char *name = g_strdup_printf ("invoice-lines-%s-%s.csv", period, suffix);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  OutFile *out = outfile_open (path, error);

  if (out)
    invoiceout_csv_header (out, columns);
  return out;
}

/* The optional CSV columns of the drafts' scope: parties when an account
 * has them (invoice.c's PARTIES_COLUMNS test), the description when one
 * has an adjustment in PERIOD. */
static gboolean
draft_columns (StoreDb *db, const char *operator_slug, const char *account, const char *period,
               unsigned *columns, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT EXISTS (SELECT 1 FROM adjustments j JOIN accounts a ON a.account = j.account"
    " WHERE j.period = ?3 AND (?1 IS NULL OR a.operator = ?1)"
    " AND (?2 IS NULL OR a.account = ?2)),"
    " EXISTS (SELECT 1 FROM accounts a"
    " LEFT JOIN operator_finance of ON of.operator = a.operator"
    " LEFT JOIN account_finance af ON af.account = a.account WHERE (?1 IS NULL OR a.operator = ?1) AND (?2 IS NULL OR a.account = ?2)"
    " AND (coalesce (of.legal_name, of.address, of.vat_id, of.iban, of.bic, of.email,"
    " af.legal_name, af.address, af.vat_id) IS NOT NULL OR of.payment_terms_days IS NOT NULL"
    " OR coalesce (af.reverse_charge, 0) <> 0)),"
    /* a call held under dispute (dispute.h; invoice.c's HELD_SQL) */
    " EXISTS (SELECT 1 FROM disputes d JOIN ratings r ON r.call_id = d.call_id"
    " JOIN accounts a ON a.account = r.account WHERE d.status = 'open'"
    " AND r.status = 'rated' AND ((r.late = 0 AND r.period = ?3)"
    " OR (r.late = 1 AND r.invoice IS NULL AND r.period < ?3))"
    " AND (?1 IS NULL OR a.operator = ?1) AND (?2 IS NULL OR a.account = ?2))", error);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (account),
                          STORE_TEXT (period)))
    return FALSE;
  if (store_next (st) != STORE_ROW)
    return store_set_error (error, db, "reading the catalog");
  *columns = (store_column_int (st, 0) ? INVOICEOUT_COLUMNS_DESCRIPTION : 0)
             | (store_column_int (st, 1) ? INVOICEOUT_COLUMNS_PARTIES : 0)
             | (store_column_int (st, 2) ? INVOICEOUT_COLUMNS_HELD : 0);
  return TRUE;
}

/* Row function: (account, mode, zone) into the GHashTable ITEMISED. */
static gboolean
add_itemised (StoreStmt *st, gpointer itemised, GError **error)
{
  char **pair = g_new0 (char *, 3);

  pair[0] = g_strdup (store_column_text (st, 1));
  pair[1] = g_strdup (store_column_text (st, 2));
  g_hash_table_insert (itemised, g_strdup (store_column_text (st, 0)), pair);
  return TRUE;
}

/* The itemised accounts of the drafts' scope: account → { mode, zone }. */
static GHashTable *
itemised_accounts (StoreDb *db, const char *operator_slug, const char *account, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT a.account, af.itemised, a.timezone FROM accounts a"
    " JOIN account_finance af ON af.account = a.account WHERE af.itemised <> 'none'"
    " AND (?1 IS NULL OR a.operator = ?1) AND (?2 IS NULL OR a.account = ?2)", error);
  g_autoptr(GHashTable) itemised = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_strfreev);
  if (!st || !store_bind (st, error, STORE_TEXT (operator_slug), STORE_TEXT (account))
      || !store_each_row (st, add_itemised, itemised, "reading accounts", error))
    return NULL;
  return g_steal_pointer (&itemised);
}

gboolean
invoiceout_write_drafts (StoreDb *db, const char *period, const char *operator_slug,
                         const char *account, const char *dir, InvoiceOutFormats formats,
                         guint threads, guint *n_invoices, guint *n_issued, GError **error)
{
  g_autofree char *date = invoiceout_day_after_period (period);
  formats &= ~(unsigned) INVOICEOUT_UBL;   /* e-invoices are issued documents only */
  if (!date)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "period '%s' is not YYYY-MM", period);
      return FALSE;
    }
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  DraftAccounts accounts = { issued, 0 };
  if (!draft_accounts (db, period, operator_slug, account, &accounts, error)
      || !outfile_mkdir (dir, error))
    return FALSE;
  g_autoptr(GHashTable) names = invoiceout_names (db, operator_slug, error);
  g_autoptr(OutFile) csv = NULL;
  unsigned columns = 0;
  if (!names || !draft_columns (db, operator_slug, account, period, &columns, error)
      || ((formats & INVOICEOUT_CSV)
          && !(csv = invoiceout_open_lines_csv (dir, period, "draft", columns, error))))
    return FALSE;
  g_autoptr(GHashTable) itemised = itemised_accounts (db, operator_slug, account, error);
  if (!itemised)
    return FALSE;
  g_autoptr(DocWriter) docs = docwriter_new (dir, threads);
  DraftRun run = { names, date, formats, docs, csv, columns, 0, db, itemised };
  InvoiceScope scope = { period, operator_slug, account, issued };
  if (!invoice_compute_period (db, &scope, write_draft, &run, error))
    return FALSE;
  if (!docwriter_finish (docs, error) || (csv && !outfile_commit (csv, error)))
    return FALSE;
  *n_invoices = run.n;
  *n_issued = g_hash_table_size (issued);
  return TRUE;
}
