/* ubl.h — an issued invoice as a UBL 2.1 e-invoice per Peppol BIS Billing
 * 3.0 / EN 16931 (billing.md §11), written with libxml2's xmlTextWriter.
 *
 * The document is the stored invoice and nothing else: the same record gives
 * the same bytes.  It carries the Peppol customisation and profile ids, the
 * number, issue and due date, type code 380, the currency, the account as
 * buyer reference, the invoice period, seller and buyer (endpoint, postal
 * address with country, VAT id, legal name; the seller's e-mail), payment
 * means (credit transfer to the IBAN, code 58 for EUR (SEPA), else 30) when
 * the operator gives an IBAN, payment terms, one VAT breakdown and one
 * InvoiceLine per invoice line, and the totals.  Every amount is the
 * JSON's to the minor unit: line net amounts are the lines' amounts,
 * LineExtensionAmount and TaxExclusiveAmount the subtotal, TaxAmount the
 * tax, TaxInclusiveAmount and PayableAmount the total.
 *
 * Each line is one unit (C62) priced at its amount (a negative line is
 * quantity -1 at the positive price, EN 16931 BR-27), its counts in the
 * item description, so quantity × price is the line amount exactly.
 *
 * VAT category: AE (reverse charge, 0 %, exemption reason VATEX-EU-AE and
 * the note) for a reverse-charge buyer, S with the account's rate when
 * that is above 0, Z (zero rated) when it is 0.
 *
 * Endpoints (Peppol's EndpointID, scheme from the EAS code list) are the
 * parties' VAT ids under their country's VAT scheme (DE 9930, GB 9932, IE
 * 9935, ...); countries are the VAT ids' prefixes (EL is GR) for the seller
 * and the account's country for the buyer.  What EN 16931 needs and the
 * invoice lacks is refused, never guessed: an invoice without parties, a
 * seller or buyer without a VAT id, a VAT id whose country has no EAS
 * scheme, a currency with more than 2 minor digits (EN 16931 amounts have
 * at most 2 decimals) — RATER_ERROR_DATA naming the catalog column to fill
 * before issuing.
 */
#pragma once

#include <glib.h>

#include "bill/invoiceout.h"

/* The UBL Invoice of the issued REC as UTF-8 XML (g_free), or NULL with
 * RATER_ERROR_DATA when REC cannot be an EN 16931 invoice (see above). */
char *ubl_invoice_xml (const InvoiceRecord *rec, GError **error);

/* Whether REC can be written as UBL (the checks of ubl_invoice_xml). */
gboolean ubl_check (const InvoiceRecord *rec, GError **error);

/* ubl_invoice_xml() of REC written to PATH, frozen (outfile_open_frozen:
 * an existing different file is never replaced). */
gboolean ubl_write (const InvoiceRecord *rec, const char *path, GError **error);
