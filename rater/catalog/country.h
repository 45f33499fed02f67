/* country.h — ISO 3166 countries, their calling codes and dialling plans.
 *
 * One static table, one row per ISO 3166-1 alpha-2 code, with the name and
 * the ITU calling code.  The dialling plan the number normaliser needs
 * (international and trunk prefixes, national number and short-code
 * lengths) is libphonenumber's metadata, reached with country_dialling():
 * maintained data, never typed in by hand.
 */
#pragma once

#include <glib.h>

#include "catalog/phonemeta.h"

typedef struct {
  char alpha2[3];             /* ISO 3166-1 alpha-2, upper case */
  const char *name;           /* English short name */
  const char *calling_code;   /* ITU-T E.164 country code digits, "44", "1", "1242" */
  gboolean nanp;              /* member of the North American Numbering Plan */
} RaterCountry;

/* The country for an alpha-2 code (case-insensitive), or NULL when the code is
 * not an assigned ISO 3166-1 alpha-2 code. */
const RaterCountry *country_lookup (const char *alpha2);

/* The dialling plan of COUNTRY from libphonenumber's metadata: its own
 * region, or for a territory libphonenumber does not list (AQ, BV, HM, ...)
 * the main region of its calling code.  NULL only for a NULL COUNTRY. */
const PhoneMetaRegion *country_dialling (const RaterCountry *country);

/* All rows, sorted by alpha2; *n_out receives the count. */
const RaterCountry *country_table (gsize *n_out);

/* Every distinct assigned ITU-T E.164 country calling code (including the
 * non-geographic ones such as 800, 808, 870, 881, 882, 883, 888, 979), sorted
 * bytewise, NULL-terminated.  Used to check that a rate deck covers the world. */
const char * const *country_calling_codes (void);
