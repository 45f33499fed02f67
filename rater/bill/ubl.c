/* ubl.c — UBL 2.1 invoices (Peppol BIS Billing 3.0) with xmlTextWriter.
 *
 * The elements are written in the order of the UBL 2.1 schema's sequences
 * (Invoice, Party, PostalAddress, TaxCategory, InvoiceLine, Item), through
 * a few helpers that remember the first libxml2 failure so the writer reads
 * as the document it writes.  libxml2 escapes every text and attribute;
 * nothing here pastes markup.  Amounts come from decimal_format() of the
 * integer micro-units with the currency's minor digits.
 */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <string.h>

#include "base/decimal.h"
#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/timeparse.h"
#include "bill/ubl.h"

#define NS_INVOICE "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define NS_CREDIT_NOTE "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#define NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
#define CUSTOMIZATION_ID \
  "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
#define PROFILE_ID "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

/* Peppol EAS codes of the VAT number schemes, by VAT prefix (the Peppol
 * code list "Electronic Address Scheme"; Greece's prefix is EL). */
static const struct {
  const char prefix[3];
  const char *country;
  const char *scheme;
} vat_schemes[] = {
  { "AD", "AD", "9922" }, { "AL", "AL", "9923" }, { "AT", "AT", "9914" },
  { "BA", "BA", "9924" }, { "BE", "BE", "9925" }, { "BG", "BG", "9926" },
  { "CH", "CH", "9927" }, { "CY", "CY", "9928" }, { "CZ", "CZ", "9929" },
  { "DE", "DE", "9930" }, { "EE", "EE", "9931" }, { "EL", "GR", "9933" },
  { "ES", "ES", "9920" }, { "FR", "FR", "9957" }, { "GB", "GB", "9932" },
  { "GR", "GR", "9933" }, { "HR", "HR", "9934" }, { "HU", "HU", "9910" },
  { "IE", "IE", "9935" }, { "IT", "IT", "0211" }, { "LI", "LI", "9936" },
  { "LT", "LT", "9937" }, { "LU", "LU", "9938" }, { "LV", "LV", "9939" },
  { "MC", "MC", "9940" }, { "ME", "ME", "9941" }, { "MK", "MK", "9942" },
  { "MT", "MT", "9943" }, { "NL", "NL", "9944" }, { "PL", "PL", "9945" },
  { "PT", "PT", "9946" }, { "RO", "RO", "9947" }, { "RS", "RS", "9948" },
  { "SE", "SE", "9955" }, { "SI", "SI", "9949" }, { "SK", "SK", "9950" },
  { "SM", "SM", "9951" }, { "TR", "TR", "9952" }, { "VA", "VA", "9953" },
};

/* The VAT scheme entry of VAT_ID's prefix, or -1. */
static int
vat_scheme (const char *vat_id)
{
  for (gsize i = 0; vat_id && i < G_N_ELEMENTS (vat_schemes); i++)
    if (g_ascii_strncasecmp (vat_id, vat_schemes[i].prefix, 2) == 0)
      return (int) i;
  return -1;
}

/* libxml2's strings are UTF-8 bytes as xmlChar. */
static const xmlChar *
X (const char *s)
{
  return (const xmlChar *) s;
}

/* Checks {{{1 */

static gboolean
refuse (GError **error, const InvoiceRecord *rec, const char *what)
{
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "invoice %s: no UBL e-invoice: %s",
               rec->number ? rec->number : rec->invoice->account, what);
  return FALSE;
}

gboolean
ubl_check (const InvoiceRecord *rec, GError **error)
{
  const Invoice *inv = rec->invoice;
  const InvoiceParties *p = inv->parties;

  if (!rec->number)
    return refuse (error, rec, "a draft has no number (e-invoices are issued documents)");
  if (!p)
    return refuse (error, rec, "it was issued without parties: give operators.csv vat_id"
                               " (and accounts.csv vat_id) before issuing");
  if (!p->seller_vat_id || vat_scheme (p->seller_vat_id) < 0)
    return refuse (error, rec, "the seller needs a VAT id with a European country prefix"
                               " (operators.csv vat_id)");
  if (!p->buyer_vat_id || vat_scheme (p->buyer_vat_id) < 0)
    return refuse (error, rec, "the buyer needs a VAT id with a European country prefix"
                               " (accounts.csv vat_id), its Peppol address");
  if (inv->minor_units > 2)
    return refuse (error, rec, "EN 16931 amounts have at most 2 decimals");
  if ((!p->due_on && !rec->credited_invoice) || !rec->issued_on)
    return refuse (error, rec, "no issue or due date");
  return TRUE;
}

/* The writer {{{1 */

typedef struct {
  xmlTextWriterPtr w;
  const Invoice *inv;
  gboolean failed;              /* a libxml2 call failed */
  gboolean credit;              /* a CreditNote: amounts printed negated (positive) */
} Ubl;

static void
check (Ubl *u, int rc)
{
  if (rc < 0)
    u->failed = TRUE;
}

/* <PREFIX:NAME> opened. */
static void
start (Ubl *u, const char *prefix, const char *name)
{
  check (u, xmlTextWriterStartElementNS (u->w, X (prefix), X (name), NULL));
}

static void
end (Ubl *u)
{
  check (u, xmlTextWriterEndElement (u->w));
}

static void
attr (Ubl *u, const char *name, const char *value)
{
  check (u, xmlTextWriterWriteAttribute (u->w, X (name), X (value)));
}

/* <cbc:NAME [ATTR="VALUE"]>TEXT</cbc:NAME>; nothing when TEXT is NULL. */
static void
cbc_attr (Ubl *u, const char *name, const char *attr_name, const char *attr_value,
          const char *text)
{
  if (!text)
    return;
  start (u, "cbc", name);
  if (attr_name)
    attr (u, attr_name, attr_value);
  check (u, xmlTextWriterWriteString (u->w, X (text)));
  end (u);
}

static void
cbc (Ubl *u, const char *name, const char *text)
{
  cbc_attr (u, name, NULL, NULL, text);
}

/* <cbc:NAME currencyID="EUR">MICRO as money</cbc:NAME> */
static void
cbc_amount (Ubl *u, const char *name, gint64 micro)
{
  char buf[32];
  cbc_attr (u, name, "currencyID", u->inv->currency,
            decimal_format (u->credit ? -micro : micro, u->inv->minor_units, buf));
}

/* A micro-percent as its shortest decimal: "20", "8.875". */
static char *
percent_text (gint64 micro_percent)
{
  char buf[32];
  char *s = g_strdup (decimal_format (micro_percent, 6, buf));
  char *e = s + strlen (s);
  while (e > s && e[-1] == '0')
    *--e = '\0';
  if (e > s && e[-1] == '.')
    e[-1] = '\0';
  return s;
}

/* Parties {{{2 */

/* <cac:PostalAddress>: the address's first two non-empty lines as street
 * names, the others joined as one address line, and the country. */
static void
postal_address (Ubl *u, const char *address, const char *country)
{
  g_auto(GStrv) split = g_strsplit (address ? address : "", "\n", -1);
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();

  for (guint i = 0; split[i]; i++)
    if (*g_strstrip (split[i]))
      g_ptr_array_add (lines, split[i]);
  start (u, "cac", "PostalAddress");
  if (lines->len > 0)
    cbc (u, "StreetName", lines->pdata[0]);
  if (lines->len > 1)
    cbc (u, "AdditionalStreetName", lines->pdata[1]);
  if (lines->len > 2)
    {
      g_ptr_array_add (lines, NULL);
      g_autofree char *rest = g_strjoinv (", ", (char **) lines->pdata + 2);
      start (u, "cac", "AddressLine");
      cbc (u, "Line", rest);
      end (u);
    }
  start (u, "cac", "Country");
  cbc (u, "IdentificationCode", country);
  end (u);
  end (u);
}

/* <cac:Party> of one side. */
static void
party (Ubl *u, const char *display_name, const char *legal_name, const char *address,
       const char *vat_id, const char *country, const char *email)
{
  int scheme = vat_scheme (vat_id);

  start (u, "cac", "Party");
  cbc_attr (u, "EndpointID", "schemeID", vat_schemes[scheme].scheme, vat_id);
  start (u, "cac", "PartyName");
  cbc (u, "Name", display_name);
  end (u);
  postal_address (u, address, country);
  start (u, "cac", "PartyTaxScheme");
  cbc (u, "CompanyID", vat_id);
  start (u, "cac", "TaxScheme");
  cbc (u, "ID", "VAT");
  end (u);
  end (u);
  start (u, "cac", "PartyLegalEntity");
  cbc (u, "RegistrationName", legal_name);
  end (u);
  if (email)
    {
      start (u, "cac", "Contact");
      cbc (u, "ElectronicMail", email);
      end (u);
    }
  end (u);
}

static void
parties (Ubl *u, const InvoiceRecord *rec)
{
  const InvoiceParties *p = u->inv->parties;

  start (u, "cac", "AccountingSupplierParty");
  party (u, rec->operator_name, p->seller_legal_name, p->seller_address, p->seller_vat_id,
         vat_schemes[vat_scheme (p->seller_vat_id)].country, p->seller_email);
  end (u);
  start (u, "cac", "AccountingCustomerParty");
  party (u, rec->customer_name, p->buyer_legal_name, p->buyer_address, p->buyer_vat_id,
         p->buyer_country && *p->buyer_country ? p->buyer_country
                                               : vat_schemes[vat_scheme (p->buyer_vat_id)].country,
         NULL);
  end (u);
}

/* Header, payment, tax {{{2 */

/* The period's first and last day. */
static void
invoice_period (Ubl *u)
{
  int y = 1970, m = 1;
  char first[16], last[16];

  time_parse_period (u->inv->period, strlen (u->inv->period), &y, &m);
  g_snprintf (first, sizeof first, "%04d-%02d-01", y, m);
  g_snprintf (last, sizeof last, "%04d-%02d-%02d", y, m, time_days_in_month (y, m));
  start (u, "cac", "InvoicePeriod");
  cbc (u, "StartDate", first);
  cbc (u, "EndDate", last);
  end (u);
}

static void
payment (Ubl *u, const InvoiceRecord *rec)
{
  const InvoiceParties *p = u->inv->parties;
  g_autofree char *terms = g_strdup_printf ("%" G_GINT64_FORMAT " days net", p->terms_days);

  if (u->credit)
    return;                     /* nothing to pay: no means, no terms */
  if (p->iban)
    {
      /* 58: SEPA credit transfer, for euros; else 30: credit transfer */
      start (u, "cac", "PaymentMeans");
      cbc (u, "PaymentMeansCode", g_str_equal (u->inv->currency, "EUR") ? "58" : "30");
      cbc (u, "PaymentID", rec->number);
      start (u, "cac", "PayeeFinancialAccount");
      cbc (u, "ID", p->iban);
      if (p->bic)
        {
          start (u, "cac", "FinancialInstitutionBranch");
          cbc (u, "ID", p->bic);
          end (u);
        }
      end (u);
      end (u);
    }
  start (u, "cac", "PaymentTerms");
  cbc (u, "Note", terms);
  end (u);
}

/* The VAT category of the invoice: "AE", "S" or "Z". */
static const char *
tax_category (const Invoice *inv)
{
  if (inv->parties->reverse_charge)
    return "AE";
  return inv->tax_rate > 0 ? "S" : "Z";
}

/* <cac:TaxCategory> or <cac:ClassifiedTaxCategory> (NAME). */
static void
tax_category_element (Ubl *u, const char *name, gboolean with_reason)
{
  const char *cat = tax_category (u->inv);
  g_autofree char *rate = percent_text (u->inv->tax_rate);

  start (u, "cac", name);
  cbc (u, "ID", cat);
  cbc (u, "Percent", rate);
  if (with_reason && g_str_equal (cat, "AE"))
    {
      cbc (u, "TaxExemptionReasonCode", "VATEX-EU-AE");
      cbc (u, "TaxExemptionReason", INVOICE_REVERSE_CHARGE_NOTE);
    }
  start (u, "cac", "TaxScheme");
  cbc (u, "ID", "VAT");
  end (u);
  end (u);
}

static void
tax_total (Ubl *u)
{
  start (u, "cac", "TaxTotal");
  cbc_amount (u, "TaxAmount", u->inv->tax);
  start (u, "cac", "TaxSubtotal");
  cbc_amount (u, "TaxableAmount", u->inv->subtotal);
  cbc_amount (u, "TaxAmount", u->inv->tax);
  tax_category_element (u, "TaxCategory", TRUE);
  end (u);
  end (u);
}

static void
monetary_total (Ubl *u)
{
  start (u, "cac", "LegalMonetaryTotal");
  cbc_amount (u, "LineExtensionAmount", u->inv->subtotal);
  cbc_amount (u, "TaxExclusiveAmount", u->inv->subtotal);
  cbc_amount (u, "TaxInclusiveAmount", u->inv->total);
  cbc_amount (u, "PayableAmount", u->inv->total);
  end (u);
}

/* Lines {{{2 */

static const char *
number_type_name (const char *type)
{
  if (g_strcmp0 (type, "user") == 0)
    return "User numbers";
  if (g_strcmp0 (type, "service") == 0)
    return "Service numbers";
  if (g_strcmp0 (type, "tollfree") == 0)
    return "Toll-free numbers";
  return "Numbers";
}

/* The item's name and description of line L. */
static void
line_item_texts (const InvoiceLine *l, char **name, char **description)
{
  if (l->kind == INVOICE_LINE_RECURRING)
    {
      *name = g_strdup (number_type_name (l->number_type));
      *description = g_strdup_printf ("%" G_GUINT64_FORMAT " numbers", l->quantity);
      return;
    }
  if (l->kind == INVOICE_LINE_ADJUSTMENT)
    {
      *name = g_strdup (l->description);
      *description = g_strdup (l->amount < 0 ? "Adjustment (credit)" : "Adjustment (charge)");
      return;
    }
  *name = g_strdup_printf ("%s %s %s", l->kind == INVOICE_LINE_USAGE ? "Usage" : "Late usage",
                           l->direction, l->group);
  g_autoptr(GString) d = g_string_new (NULL);
  g_string_append_printf (d, "%" G_GUINT64_FORMAT " calls, %" G_GUINT64_FORMAT
                          " billable seconds, %" G_GUINT64_FORMAT " covered seconds",
                          l->calls, l->billable_seconds, l->covered_seconds);
  for (guint i = 0; l->periods && i < l->periods->len; i++)
    g_string_append_printf (d, "%s%s", i ? ", " : "; periods ",
                            (const char *) l->periods->pdata[i]);
  *description = g_string_free (g_steal_pointer (&d), FALSE);
}

static void
invoice_line (Ubl *u, guint index, const InvoiceLine *l)
{
  g_autofree char *id = g_strdup_printf ("%u", index + 1);
  g_autofree char *name = NULL, *description = NULL;

  gint64 printed = u->credit ? -l->amount : l->amount;

  line_item_texts (l, &name, &description);
  start (u, "cac", u->credit ? "CreditNoteLine" : "InvoiceLine");
  cbc (u, "ID", id);
  cbc_attr (u, u->credit ? "CreditedQuantity" : "InvoicedQuantity", "unitCode", "C62",
            printed < 0 ? "-1" : "1");
  cbc_amount (u, "LineExtensionAmount", l->amount);
  start (u, "cac", "Item");
  cbc (u, "Description", description);
  cbc (u, "Name", name);
  tax_category_element (u, "ClassifiedTaxCategory", FALSE);
  end (u);
  start (u, "cac", "Price");
  gint64 price = printed < 0 ? -printed : printed;   /* never negative (BR-27) */
  cbc_amount (u, "PriceAmount", u->credit ? -price : price);
  end (u);
  end (u);
}

/* The document {{{1 */

static void
write_invoice (Ubl *u, const InvoiceRecord *rec)
{
  const Invoice *inv = u->inv;

  check (u, xmlTextWriterStartDocument (u->w, NULL, "UTF-8", NULL));
  check (u, xmlTextWriterStartElementNS (u->w, NULL, X (u->credit ? "CreditNote" : "Invoice"),
                                        X (u->credit ? NS_CREDIT_NOTE : NS_INVOICE)));
  check (u, xmlTextWriterWriteAttributeNS (u->w, X ("xmlns"), X ("cac"), NULL,
                                          X (NS_CAC)));
  check (u, xmlTextWriterWriteAttributeNS (u->w, X ("xmlns"), X ("cbc"), NULL,
                                          X (NS_CBC)));
  cbc (u, "CustomizationID", CUSTOMIZATION_ID);
  cbc (u, "ProfileID", PROFILE_ID);
  cbc (u, "ID", rec->number);
  cbc (u, "IssueDate", rec->issued_on);
  if (!u->credit)
    cbc (u, "DueDate", inv->parties->due_on);
  cbc (u, u->credit ? "CreditNoteTypeCode" : "InvoiceTypeCode", u->credit ? "381" : "380");
  /* Peppol allows one document note (PEPPOL-EN16931-R002): the reason and
   * the reverse-charge note in one */
  g_autofree char *note = g_strjoin (". ", u->credit ? rec->reason : INVOICE_REVERSE_CHARGE_NOTE,
                                     u->credit && inv->parties->reverse_charge
                                     ? INVOICE_REVERSE_CHARGE_NOTE : NULL, NULL);
  if (u->credit || inv->parties->reverse_charge)
    cbc (u, "Note", note);
  cbc (u, "DocumentCurrencyCode", inv->currency);
  cbc (u, "BuyerReference", inv->account);
  invoice_period (u);
  if (u->credit)
    {
      start (u, "cac", "BillingReference");
      start (u, "cac", "InvoiceDocumentReference");
      cbc (u, "ID", rec->credited_invoice);
      end (u);
      end (u);
    }
  parties (u, rec);
  payment (u, rec);
  tax_total (u);
  monetary_total (u);
  for (guint i = 0; i < inv->lines->len; i++)
    invoice_line (u, i, inv->lines->pdata[i]);
  end (u);
  check (u, xmlTextWriterEndDocument (u->w));
}

/* libxml2 set up once, before any thread writes with it: documents are
 * rendered on a thread pool (bill/docwriter), and threads that each set up
 * its encoding handlers on first use race (a crash in
 * xmlTextWriterStartDocument, seen in the sanitizer build). */
static void
xml_init_once (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      xmlInitParser ();
      g_once_init_leave (&done, 1);
    }
}

char *
ubl_invoice_xml (const InvoiceRecord *rec, GError **error)
{
  g_return_val_if_fail (rec && rec->invoice, NULL);
  if (!ubl_check (rec, error))
    return NULL;

  xml_init_once ();

  xmlBufferPtr buf = xmlBufferCreate ();
  xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory (buf, 0) : NULL;
  Ubl u = { w, rec->invoice, w == NULL, rec->credited_invoice != NULL };

  if (w)
    {
      check (&u, xmlTextWriterSetIndent (w, 1));
      check (&u, xmlTextWriterSetIndentString (w, X ("  ")));
      write_invoice (&u, rec);
      xmlFreeTextWriter (w);     /* flushes into BUF */
    }
  char *xml = u.failed || !buf ? NULL : g_strndup ((const char *) xmlBufferContent (buf),
                                                   (gsize) xmlBufferLength (buf));
  if (buf)
    xmlBufferFree (buf);
  if (!xml)
    g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "invoice %s: writing UBL failed",
                 rec->number);
  return xml;
}

gboolean
ubl_write (const InvoiceRecord *rec, const char *path, GError **error)
{
  g_autofree char *xml = ubl_invoice_xml (rec, error);
  if (!xml)
    return FALSE;
  g_autoptr(OutFile) out = outfile_open_frozen (path, error);
  if (!out)
    return FALSE;
  fputs (xml, outfile_stream (out));
  return outfile_commit (out, error);
}
