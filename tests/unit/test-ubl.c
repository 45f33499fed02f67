/* test-ubl.c — UBL e-invoices (ubl.h) against the EN 16931 business rules.
 *
 * Every document is parsed back with libxml2 and checked by an independent
 * reader of its own: the mandatory elements (BR-01..BR-16), the sums
 * (BR-CO-10..BR-CO-17, recomputed here in integer cents from the XML's own
 * decimal strings), the VAT category rules (BR-S-*, BR-AE-*, BR-Z-*), and
 * that every amount equals the invoice's to the minor unit.  A property test
 * does it for a few hundred random invoices whose totals are computed here
 * naively (not by invoice.c).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "base/decimal.h"
#include "base/rater-error.h"
#include "bill/ubl.h"

#define NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
#define NS_INV "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"

/* Fixtures {{{1 */

/* An issued record with parties: EUR, the given tax rate (micro-percent),
 * reverse charge or not, no lines yet. */
static InvoiceRecord *
record_new (gint64 tax_rate, gboolean reverse_charge)
{
  InvoiceRecord *rec = invoiceout_record_new ();
  Invoice *inv = rec->invoice = invoice_new ("contoso", "2026-11");
  InvoiceParties *p = inv->parties = invoice_parties_new ();

  rec->number = g_strdup ("NWT-202611-0001");
  rec->issued_on = g_strdup ("2026-12-02");
  rec->operator_name = g_strdup ("Northwind");
  rec->customer_name = g_strdup ("Contoso");
  inv->operator_slug = g_strdup ("northwind");
  inv->currency = g_strdup ("EUR");
  inv->minor_units = 2;
  inv->tax_rate = reverse_charge ? 0 : tax_rate;
  p->seller_legal_name = g_strdup ("Northwind Telecom GmbH");
  p->seller_address = g_strdup ("Hafenstraße 1\n20457 Hamburg\nGermany");
  p->seller_vat_id = g_strdup ("DE123456789");
  p->seller_email = g_strdup ("billing@northwind.example");
  p->iban = g_strdup ("DE89370400440532013000");
  p->bic = g_strdup ("COBADEFFXXX");
  p->terms_days = 14;
  p->buyer_legal_name = g_strdup ("Contoso & <Sons> \"Ltd\"");
  p->buyer_address = g_strdup ("1 Main Street\nLondon");
  p->buyer_vat_id = g_strdup (reverse_charge ? "IE6388047V" : "GB123456789");
  p->buyer_country = g_strdup (reverse_charge ? "IE" : "GB");
  p->reverse_charge = reverse_charge;
  cr_assert (invoice_parties_set_due (p, rec->issued_on));
  return rec;
}

static void
add_line (InvoiceRecord *rec, InvoiceLineKind kind, gint64 cents)
{
  InvoiceLine *l = invoice_add_line (rec->invoice, kind);

  l->amount = cents * 10000;
  if (kind == INVOICE_LINE_RECURRING)
    {
      l->number_type = g_strdup ("user");
      l->quantity = 3;
    }
  else
    {
      l->direction = g_strdup ("out");
      l->group = g_strdup ("INTL");
      l->calls = 7;
      l->billable_seconds = 420;
      if (kind == INVOICE_LINE_LATE_USAGE)
        {
          l->periods = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (l->periods, g_strdup ("2026-10"));
        }
    }
}

/* Subtotal, tax and total computed naively: cents, the tax rounded half up
 * (away from zero) from the exact product in 128 bits. */
static void
naive_totals (InvoiceRecord *rec)
{
  Invoice *inv = rec->invoice;
  __int128 subtotal = 0;

  for (guint i = 0; i < inv->lines->len; i++)
    subtotal += ((InvoiceLine *) inv->lines->pdata[i])->amount / 10000;
  __int128 num = subtotal * inv->tax_rate, den = (__int128) 100 * 1000000;
  __int128 tax = (num >= 0 ? num + den / 2 : num - den / 2) / den;
  inv->subtotal = (gint64) subtotal * 10000;
  inv->tax = (gint64) tax * 10000;
  inv->total = inv->subtotal + inv->tax;
}

/* The checker {{{1 */

typedef struct {
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;
} Parsed;

static Parsed
parse (const char *xml)
{
  Parsed p;

  p.doc = xmlReadMemory (xml, (int) strlen (xml), "ubl.xml", "UTF-8", XML_PARSE_NONET);
  cr_assert_not_null (p.doc, "the UBL is well-formed XML");
  p.ctx = xmlXPathNewContext (p.doc);
  xmlXPathRegisterNs (p.ctx, (const xmlChar *) "cac", (const xmlChar *) NS_CAC);
  xmlXPathRegisterNs (p.ctx, (const xmlChar *) "cbc", (const xmlChar *) NS_CBC);
  xmlXPathRegisterNs (p.ctx, (const xmlChar *) "inv", (const xmlChar *) NS_INV);
  return p;
}

static void
parsed_free (Parsed *p)
{
  xmlXPathFreeContext (p->ctx);
  xmlFreeDoc (p->doc);
}

/* The string value of XPATH ("" when nothing matches). */
static char *
str (Parsed *p, const char *xpath)
{
  g_autofree char *expr = g_strdup_printf ("string(%s)", xpath);
  xmlXPathObjectPtr o = xmlXPathEvalExpression ((const xmlChar *) expr, p->ctx);

  cr_assert_not_null (o, "xpath %s", xpath);
  char *s = g_strdup ((const char *) o->stringval);
  xmlXPathFreeObject (o);
  return s;
}

static int
count (Parsed *p, const char *xpath)
{
  g_autofree char *expr = g_strdup_printf ("count(%s)", xpath);
  xmlXPathObjectPtr o = xmlXPathEvalExpression ((const xmlChar *) expr, p->ctx);

  cr_assert_not_null (o, "xpath %s", xpath);
  int n = (int) o->floatval;
  xmlXPathFreeObject (o);
  return n;
}

/* A UBL amount as cents: at most 2 decimals (BR-DEC), else the test fails. */
static gint64
cents_of (const char *text, const char *what)
{
  gint64 micro;

  cr_assert_eq (decimal_parse (text, strlen (text), 2, &micro), DECIMAL_OK,
                "%s '%s' is a decimal with at most 2 places", what, text);
  return micro / 10000;
}

static gint64
amount (Parsed *p, const char *xpath)
{
  g_autofree char *s = str (p, xpath);
  g_autofree char *cur = g_strdup_printf ("%s/@currencyID", xpath);
  g_autofree char *currency = str (p, cur);

  cr_assert_str_eq (currency, "EUR", "%s has the document currency", xpath);
  return cents_of (s, xpath);
}

static void
present (Parsed *p, const char *rule, const char *xpath)
{
  g_autofree char *s = str (p, xpath);
  cr_assert (*s, "%s: %s is present", rule, xpath);
}

/* Check the EN 16931 rules that apply to rater's invoices, and that the
 * amounts are REC's. */
static void
check_rules (const InvoiceRecord *rec, const char *xml)
{
  const Invoice *inv = rec->invoice;
  Parsed p = parse (xml);

  /* the root and the Peppol ids */
  cr_assert_eq (count (&p, "/inv:Invoice"), 1, "root Invoice in the UBL namespace");
  /* BR-01 .. BR-16 */
  present (&p, "BR-01", "/inv:Invoice/cbc:CustomizationID");
  g_autofree char *cust = str (&p, "/inv:Invoice/cbc:CustomizationID");
  cr_assert_str_eq (cust, "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0");
  g_autofree char *profile = str (&p, "/inv:Invoice/cbc:ProfileID");
  cr_assert_str_eq (profile, "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0");
  g_autofree char *id = str (&p, "/inv:Invoice/cbc:ID");
  cr_assert_str_eq (id, rec->number, "BR-02");
  g_autofree char *issued = str (&p, "/inv:Invoice/cbc:IssueDate");
  cr_assert_str_eq (issued, rec->issued_on, "BR-03");
  g_autofree char *due = str (&p, "/inv:Invoice/cbc:DueDate");
  cr_assert_str_eq (due, inv->parties->due_on, "due date");
  g_autofree char *type = str (&p, "/inv:Invoice/cbc:InvoiceTypeCode");
  cr_assert_str_eq (type, "380", "BR-04");
  g_autofree char *currency = str (&p, "/inv:Invoice/cbc:DocumentCurrencyCode");
  cr_assert_str_eq (currency, inv->currency, "BR-05");
  present (&p, "PEPPOL-R003", "/inv:Invoice/cbc:BuyerReference");
  const char *seller = "/inv:Invoice/cac:AccountingSupplierParty/cac:Party";
  const char *buyer = "/inv:Invoice/cac:AccountingCustomerParty/cac:Party";
  g_autofree char *sname = g_strdup_printf ("%s/cac:PartyLegalEntity/cbc:RegistrationName", seller);
  g_autofree char *bname = g_strdup_printf ("%s/cac:PartyLegalEntity/cbc:RegistrationName", buyer);
  g_autofree char *sn = str (&p, sname), *bn = str (&p, bname);
  cr_assert_str_eq (sn, inv->parties->seller_legal_name, "BR-06");
  cr_assert_str_eq (bn, inv->parties->buyer_legal_name, "BR-07 (escaped and read back)");
  g_autofree char *saddr = g_strdup_printf ("%s/cac:PostalAddress", seller);
  g_autofree char *baddr = g_strdup_printf ("%s/cac:PostalAddress", buyer);
  cr_assert_eq (count (&p, saddr), 1, "BR-08");
  cr_assert_eq (count (&p, baddr), 1, "BR-10");
  g_autofree char *sc = g_strdup_printf ("%s/cac:Country/cbc:IdentificationCode", saddr);
  g_autofree char *bc = g_strdup_printf ("%s/cac:Country/cbc:IdentificationCode", baddr);
  g_autofree char *scountry = str (&p, sc), *bcountry = str (&p, bc);
  cr_assert_str_eq (scountry, "DE", "BR-09");
  cr_assert_str_eq (bcountry, inv->parties->buyer_country, "BR-11");
  g_autofree char *sep = g_strdup_printf ("%s/cbc:EndpointID/@schemeID", seller);
  g_autofree char *bep = g_strdup_printf ("%s/cbc:EndpointID/@schemeID", buyer);
  g_autofree char *sscheme = str (&p, sep), *bscheme = str (&p, bep);
  cr_assert_str_eq (sscheme, "9930", "PEPPOL-R020: DE VAT");
  cr_assert_str_eq (bscheme, inv->parties->reverse_charge ? "9935" : "9932", "PEPPOL-R010");
  const char *total = "/inv:Invoice/cac:LegalMonetaryTotal";
  g_autofree char *lea = g_strdup_printf ("%s/cbc:LineExtensionAmount", total);
  g_autofree char *tea = g_strdup_printf ("%s/cbc:TaxExclusiveAmount", total);
  g_autofree char *tia = g_strdup_printf ("%s/cbc:TaxInclusiveAmount", total);
  g_autofree char *pa = g_strdup_printf ("%s/cbc:PayableAmount", total);
  present (&p, "BR-12", lea);
  present (&p, "BR-13", tea);
  present (&p, "BR-14", tia);
  present (&p, "BR-15", pa);
  int n_lines = count (&p, "/inv:Invoice/cac:InvoiceLine");
  cr_assert_gt (n_lines, 0, "BR-16");
  cr_assert_eq (n_lines, (int) inv->lines->len);

  /* BR-CO-10: the line net amounts sum to LineExtensionAmount; each line
   * is quantity x price exactly (PEPPOL-R120), the price never negative
   * (BR-27), and each line's amount is the invoice's */
  gint64 sum = 0;
  for (int i = 1; i <= n_lines; i++)
    {
      g_autofree char *line = g_strdup_printf ("/inv:Invoice/cac:InvoiceLine[%d]", i);
      g_autofree char *net = g_strdup_printf ("%s/cbc:LineExtensionAmount", line);
      g_autofree char *qx = g_strdup_printf ("%s/cbc:InvoicedQuantity", line);
      g_autofree char *px = g_strdup_printf ("%s/cac:Price/cbc:PriceAmount", line);
      g_autofree char *namex = g_strdup_printf ("%s/cac:Item/cbc:Name", line);
      g_autofree char *catx = g_strdup_printf ("%s/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", line);
      g_autofree char *q = str (&p, qx), *cat = str (&p, catx);
      gint64 a = amount (&p, net), price = amount (&p, px);
      cr_assert_geq (price, 0, "BR-27");
      cr_assert_eq (a, g_ascii_strtoll (q, NULL, 10) * price, "line %d: quantity x price", i);
      cr_assert_eq (a * 10000, ((InvoiceLine *) inv->lines->pdata[i - 1])->amount, "line %d", i);
      present (&p, "BR-25", namex);
      cr_assert (g_str_equal (cat, "S") || g_str_equal (cat, "AE") || g_str_equal (cat, "Z"),
                 "BR-CO-04: line %d has a VAT category", i);
      sum += a;
    }
  cr_assert_eq (amount (&p, lea), sum, "BR-CO-10");
  /* BR-CO-11/12: no document allowances or charges; BR-CO-13 */
  cr_assert_eq (count (&p, "/inv:Invoice/cac:AllowanceCharge"), 0);
  cr_assert_eq (amount (&p, tea), amount (&p, lea), "BR-CO-13");
  /* BR-CO-14: the tax total is the sum of the breakdown */
  cr_assert_eq (count (&p, "/inv:Invoice/cac:TaxTotal"), 1);
  gint64 tax_total = amount (&p, "/inv:Invoice/cac:TaxTotal/cbc:TaxAmount"), tax_sum = 0;
  int n_sub = count (&p, "/inv:Invoice/cac:TaxTotal/cac:TaxSubtotal");
  cr_assert_gt (n_sub, 0, "BR-CO-18");
  for (int i = 1; i <= n_sub; i++)
    {
      g_autofree char *sub = g_strdup_printf ("/inv:Invoice/cac:TaxTotal/cac:TaxSubtotal[%d]", i);
      g_autofree char *tx = g_strdup_printf ("%s/cbc:TaxAmount", sub);
      g_autofree char *bx = g_strdup_printf ("%s/cbc:TaxableAmount", sub);
      g_autofree char *catx = g_strdup_printf ("%s/cac:TaxCategory/cbc:ID", sub);
      g_autofree char *ratex = g_strdup_printf ("%s/cac:TaxCategory/cbc:Percent", sub);
      g_autofree char *reasonx = g_strdup_printf ("%s/cac:TaxCategory/cbc:TaxExemptionReason", sub);
      g_autofree char *codex = g_strdup_printf ("%s/cac:TaxCategory/cbc:TaxExemptionReasonCode", sub);
      g_autofree char *cat = str (&p, catx), *rate = str (&p, ratex), *reason = str (&p, reasonx);
      g_autofree char *code = str (&p, codex);
      gint64 t = amount (&p, tx), base = amount (&p, bx), rate_micro;
      cr_assert_eq (decimal_parse (rate, strlen (rate), 6, &rate_micro), DECIMAL_OK);
      /* BR-CO-17: tax = base x rate / 100, rounded to 2 decimals */
      __int128 num = (__int128) base * rate_micro, den = (__int128) 100 * 1000000;
      gint64 expect = (gint64) ((num >= 0 ? num + den / 2 : num - den / 2) / den);
      cr_assert_eq (t, expect, "BR-CO-17: %s x %s %%", base == 0 ? "0" : "base", rate);
      /* the category's base is the sum of its lines (BR-S-08, BR-AE-08, BR-Z-08) */
      g_autofree char *lines_of = g_strdup_printf (
        "/inv:Invoice/cac:InvoiceLine[cac:Item/cac:ClassifiedTaxCategory/cbc:ID='%s']", cat);
      gint64 cat_sum = 0;
      for (int l = 1; l <= count (&p, lines_of); l++)
        {
          g_autofree char *x = g_strdup_printf ("(%s)[%d]/cbc:LineExtensionAmount", lines_of, l);
          cat_sum += amount (&p, x);
        }
      cr_assert_eq (base, cat_sum, "BR-%s-08", cat);
      if (g_str_equal (cat, "S"))
        {
          cr_assert_gt (rate_micro, 0, "BR-S-05/06");
          cr_assert_str_empty (reason, "BR-S-10");
          cr_assert_str_empty (code, "BR-S-10");
        }
      else if (g_str_equal (cat, "AE"))
        {
          cr_assert_eq (rate_micro, 0, "BR-AE-06");
          cr_assert_eq (t, 0, "BR-AE-09");
          cr_assert (*reason || *code, "BR-AE-10");
          g_autofree char *bvat = g_strdup_printf ("%s/cac:PartyTaxScheme/cbc:CompanyID", buyer);
          present (&p, "BR-AE-02 (buyer VAT)", bvat);
        }
      else
        {
          cr_assert_str_eq (cat, "Z");
          cr_assert_eq (rate_micro, 0, "BR-Z-06");
          cr_assert_eq (t, 0, "BR-Z-09");
        }
      if (!g_str_equal (cat, "Z"))
        {
          g_autofree char *svat = g_strdup_printf ("%s/cac:PartyTaxScheme/cbc:CompanyID", seller);
          present (&p, "BR-S-02 / BR-AE-02 (seller VAT)", svat);
        }
      tax_sum += t;
    }
  cr_assert_eq (tax_total, tax_sum, "BR-CO-14");
  /* BR-CO-15, BR-CO-16 (no prepaid or rounding amounts) */
  cr_assert_eq (amount (&p, tia), amount (&p, tea) + tax_total, "BR-CO-15");
  cr_assert_eq (amount (&p, pa), amount (&p, tia), "BR-CO-16");
  /* the JSON's totals, to the minor unit */
  cr_assert_eq (amount (&p, lea) * 10000, inv->subtotal);
  cr_assert_eq (tax_total * 10000, inv->tax);
  cr_assert_eq (amount (&p, pa) * 10000, inv->total);
  /* BR-CO-25: a positive amount due has a due date or terms */
  present (&p, "BR-CO-25", "/inv:Invoice/cbc:DueDate");
  parsed_free (&p);
}

/* Tests {{{1 */

Test (ubl, standard_rated_invoice_follows_the_rules)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvoiceRecord) rec = record_new (20000000, FALSE);

  add_line (rec, INVOICE_LINE_RECURRING, 1500);
  add_line (rec, INVOICE_LINE_USAGE, 321);
  add_line (rec, INVOICE_LINE_LATE_USAGE, 55);
  naive_totals (rec);
  g_autofree char *xml = ubl_invoice_xml (rec, &error);
  cr_assert_not_null (xml, "%s", error ? error->message : "");
  check_rules (rec, xml);
  Parsed p = parse (xml);
  g_autofree char *cat = str (&p, "//cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID");
  g_autofree char *tax = str (&p, "//cac:TaxTotal/cbc:TaxAmount");
  g_autofree char *means = str (&p, "//cac:PaymentMeans/cbc:PaymentMeansCode");
  g_autofree char *iban = str (&p, "//cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID");
  g_autofree char *street = str (&p, "//cac:AccountingSupplierParty//cac:PostalAddress/cbc:StreetName");
  g_autofree char *line3 = str (&p, "//cac:AccountingSupplierParty//cac:AddressLine/cbc:Line");
  cr_assert_str_eq (cat, "S");
  cr_assert_str_eq (tax, "3.75", "20 %% of 18.76 is 3.752");
  cr_assert_str_eq (means, "58", "SEPA credit transfer for EUR");
  cr_assert_str_eq (iban, "DE89370400440532013000");
  cr_assert_str_eq (street, "Hafenstraße 1");
  cr_assert_str_eq (line3, "Germany");
  cr_assert_eq (count (&p, "/inv:Invoice/cbc:Note"), 0, "no reverse-charge note");
  parsed_free (&p);
  /* the same record, the same bytes */
  g_autofree char *again = ubl_invoice_xml (rec, &error);
  cr_assert_str_eq (again, xml);
}

Test (ubl, reverse_charge_is_category_ae_with_the_note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvoiceRecord) rec = record_new (20000000, TRUE);

  add_line (rec, INVOICE_LINE_RECURRING, 800);
  add_line (rec, INVOICE_LINE_USAGE, 32);
  naive_totals (rec);
  g_autofree char *xml = ubl_invoice_xml (rec, &error);
  cr_assert_not_null (xml, "%s", error ? error->message : "");
  check_rules (rec, xml);
  Parsed p = parse (xml);
  g_autofree char *cat = str (&p, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID");
  g_autofree char *code = str (&p, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode");
  g_autofree char *note = str (&p, "/inv:Invoice/cbc:Note");
  cr_assert_str_eq (cat, "AE");
  cr_assert_str_eq (code, "VATEX-EU-AE");
  cr_assert_str_eq (note, INVOICE_REVERSE_CHARGE_NOTE);
  parsed_free (&p);
}

Test (ubl, zero_rate_is_category_z_and_a_negative_line_has_quantity_minus_one)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvoiceRecord) rec = record_new (0, FALSE);

  add_line (rec, INVOICE_LINE_USAGE, 1000);
  add_line (rec, INVOICE_LINE_USAGE, -250);
  g_clear_pointer (&rec->invoice->parties->iban, g_free);
  naive_totals (rec);
  g_autofree char *xml = ubl_invoice_xml (rec, &error);
  cr_assert_not_null (xml, "%s", error ? error->message : "");
  check_rules (rec, xml);
  Parsed p = parse (xml);
  g_autofree char *q = str (&p, "/inv:Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity");
  cr_assert_str_eq (q, "-1");
  cr_assert_eq (count (&p, "//cac:PaymentMeans"), 0, "no IBAN, no payment means");
  cr_assert_eq (count (&p, "//cac:PaymentTerms"), 1);
  parsed_free (&p);
}

Test (ubl, random_invoices_follow_the_rules)
{
  GRand *rand = g_rand_new_with_seed (15);

  for (int n = 0; n < 300; n++)
    {
      g_autoptr(GError) error = NULL;
      static const gint64 rates[] = { 20000000, 8875000, 19000000, 7700000, 21000000, 0, 1 };
      gboolean reverse = g_rand_int_range (rand, 0, 5) == 0;
      g_autoptr(InvoiceRecord) rec = record_new (rates[g_rand_int_range (rand, 0, 7)], reverse);
      int lines = g_rand_int_range (rand, 1, 12);
      for (int i = 0; i < lines; i++)
        add_line (rec, (InvoiceLineKind) g_rand_int_range (rand, 0, 3),
                  g_rand_int_range (rand, -5000, 5000000));
      naive_totals (rec);
      g_autofree char *xml = ubl_invoice_xml (rec, &error);
      cr_assert_not_null (xml, "%s", error ? error->message : "");
      check_rules (rec, xml);
    }
  g_rand_free (rand);
}

Test (ubl, what_en_16931_needs_and_the_invoice_lacks_is_refused)
{
  g_autoptr(GError) error = NULL;

  g_autoptr(InvoiceRecord) draft = record_new (20000000, FALSE);
  add_line (draft, INVOICE_LINE_USAGE, 1);
  g_clear_pointer (&draft->number, g_free);
  cr_assert_null (ubl_invoice_xml (draft, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (strstr (error->message, "draft"), "%s", error->message);
  g_clear_error (&error);

  g_autoptr(InvoiceRecord) bare = record_new (20000000, FALSE);
  add_line (bare, INVOICE_LINE_USAGE, 1);
  g_clear_pointer (&bare->invoice->parties, invoice_parties_free);
  cr_assert_not (ubl_check (bare, &error));
  cr_assert (strstr (error->message, "operators.csv vat_id"), "%s", error->message);
  g_clear_error (&error);

  g_autoptr(InvoiceRecord) seller = record_new (20000000, FALSE);
  add_line (seller, INVOICE_LINE_USAGE, 1);
  g_clear_pointer (&seller->invoice->parties->seller_vat_id, g_free);
  cr_assert_not (ubl_check (seller, &error));
  cr_assert (strstr (error->message, "operators.csv vat_id"), "%s", error->message);
  g_clear_error (&error);

  g_autoptr(InvoiceRecord) buyer = record_new (20000000, FALSE);
  add_line (buyer, INVOICE_LINE_USAGE, 1);
  g_free (buyer->invoice->parties->buyer_vat_id);
  buyer->invoice->parties->buyer_vat_id = g_strdup ("123456789");
  cr_assert_not (ubl_check (buyer, &error));
  cr_assert (strstr (error->message, "accounts.csv vat_id"), "%s", error->message);
  g_clear_error (&error);

  g_autoptr(InvoiceRecord) bhd = record_new (20000000, FALSE);
  add_line (bhd, INVOICE_LINE_USAGE, 1);
  bhd->invoice->minor_units = 3;
  cr_assert_not (ubl_check (bhd, &error));
  cr_assert (strstr (error->message, "2 decimals"), "%s", error->message);
}

Test (ubl, credit_note_is_a_creditnote_with_positive_amounts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InvoiceRecord) rec = record_new (20000000, FALSE);

  add_line (rec, INVOICE_LINE_RECURRING, -1500);
  add_line (rec, INVOICE_LINE_USAGE, -3);
  naive_totals (rec);           /* rounds -300.6 cents away from zero: -3.01 */
  rec->credited_invoice = g_strdup ("NWT-202611-0002");
  rec->reason = g_strdup ("Billed twice");
  g_free (rec->number);
  rec->number = g_strdup ("NWT-CN-202612-0001");
  g_clear_pointer (&rec->invoice->parties->due_on, g_free);
  g_autofree char *xml = ubl_invoice_xml (rec, &error);
  cr_assert_not_null (xml, "%s", error ? error->message : "");
  Parsed p = parse (xml);
  xmlXPathRegisterNs (p.ctx, (const xmlChar *) "cn",
                      (const xmlChar *) "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2");
  cr_assert_eq (count (&p, "/cn:CreditNote"), 1);
  g_autofree char *type = str (&p, "/cn:CreditNote/cbc:CreditNoteTypeCode");
  g_autofree char *ref = str (&p, "/cn:CreditNote/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID");
  g_autofree char *note = str (&p, "/cn:CreditNote/cbc:Note");
  cr_assert_str_eq (type, "381");
  cr_assert_str_eq (ref, "NWT-202611-0002");
  cr_assert_str_eq (note, "Billed twice");
  cr_assert_eq (count (&p, "/cn:CreditNote/cbc:DueDate"), 0);
  cr_assert_eq (count (&p, "/cn:CreditNote/cac:PaymentMeans"), 0);
  cr_assert_eq (count (&p, "/cn:CreditNote/cac:CreditNoteLine"), 2);
  gint64 sum = 0;
  for (int i = 1; i <= 2; i++)
    {
      g_autofree char *net = g_strdup_printf ("/cn:CreditNote/cac:CreditNoteLine[%d]/cbc:LineExtensionAmount", i);
      g_autofree char *qx = g_strdup_printf ("/cn:CreditNote/cac:CreditNoteLine[%d]/cbc:CreditedQuantity", i);
      g_autofree char *px = g_strdup_printf ("/cn:CreditNote/cac:CreditNoteLine[%d]/cac:Price/cbc:PriceAmount", i);
      g_autofree char *q = str (&p, qx);
      gint64 a = amount (&p, net), price = amount (&p, px);
      cr_assert_gt (a, 0, "credited amounts are positive in a CreditNote");
      cr_assert_eq (a, g_ascii_strtoll (q, NULL, 10) * price);
      sum += a;
    }
  const char *t = "/cn:CreditNote/cac:LegalMonetaryTotal";
  g_autofree char *lea = g_strdup_printf ("%s/cbc:LineExtensionAmount", t);
  g_autofree char *tia = g_strdup_printf ("%s/cbc:TaxInclusiveAmount", t);
  g_autofree char *pa = g_strdup_printf ("%s/cbc:PayableAmount", t);
  cr_assert_eq (amount (&p, lea), sum, "BR-CO-10");
  cr_assert_eq (amount (&p, lea) * 10000, -rec->invoice->subtotal);
  gint64 tax = amount (&p, "/cn:CreditNote/cac:TaxTotal/cbc:TaxAmount");
  cr_assert_eq (tax * 10000, -rec->invoice->tax);
  cr_assert_eq (amount (&p, tia), sum + tax, "BR-CO-15");
  cr_assert_eq (amount (&p, pa) * 10000, -rec->invoice->total);
  parsed_free (&p);
}

/* Documents are rendered on a thread pool (bill/docwriter), so the first
 * e-invoices of a process may be written on several threads at once.
 * libxml2 must be initialised once before that (xmlInitParser): without it
 * the threads race to set up its encoding handlers, and the sanitizer build
 * of the CI crashed in xmlTextWriterStartDocument.  Each Criterion test runs
 * in a process of its own, so this one is the process's first use of
 * libxml2; the race is timing-dependent, hence sixteen threads started at
 * the same moment, in eight processes (before the fix, about one run in
 * three of these eight failed in the sanitizer build). */
typedef struct {
  const InvoiceRecord *rec;
  GMutex lock;
  GCond go;
  gboolean started;
} Start;

static gpointer
write_when_started (gpointer data)
{
  Start *s = data;
  g_mutex_lock (&s->lock);
  while (!s->started)
    g_cond_wait (&s->go, &s->lock);
  g_mutex_unlock (&s->lock);
  return ubl_invoice_xml (s->rec, NULL);
}

static void
first_documents_on_threads (void)
{
  g_autoptr(InvoiceRecord) rec = record_new (20000000, FALSE);
  add_line (rec, INVOICE_LINE_USAGE, 321);
  naive_totals (rec);
  Start s = { .rec = rec };
  GThread *threads[16];

  g_mutex_init (&s.lock);
  g_cond_init (&s.go);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("ubl", write_when_started, &s);
  g_mutex_lock (&s.lock);
  s.started = TRUE;
  g_cond_broadcast (&s.go);
  g_mutex_unlock (&s.lock);
  g_autofree char *first = g_thread_join (threads[0]);
  cr_assert_not_null (first);
  for (guint i = 1; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *xml = g_thread_join (threads[i]);
      cr_assert_str_eq (xml, first, "thread %u wrote other bytes", i);
    }
  g_mutex_clear (&s.lock);
  g_cond_clear (&s.go);
}

Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_0) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_1) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_2) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_3) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_4) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_5) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_6) { first_documents_on_threads (); }
Test (ubl, first_documents_of_a_process_on_sixteen_threads_at_once_7) { first_documents_on_threads (); }
