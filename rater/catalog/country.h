/* country.h — ISO 3166 countries with their dialling plan.
 *
 * One static table, one row per ISO 3166-1 alpha-2 code, holding what the
 * number normaliser needs to turn a national-format number into E.164:
 * the ITU calling code, the international and trunk prefixes dialled in
 * that country, and the shortest national significant number (so a trunk
 * prefix is only stripped from something long enough to be a national
 * number).  The table is data, never guessed at run time.
 */
#pragma once

#include <glib.h>

typedef struct {
  char alpha2[3];             /* ISO 3166-1 alpha-2, upper case */
  const char *name;           /* English short name */
  const char *calling_code;   /* ITU-T E.164 country code digits, "44", "1", "1242" */
  const char *intl_prefix;    /* international call prefix, "00", "011", "810" */
  const char *trunk_prefix;   /* national trunk prefix, "0", "1", "8", "" for none */
  guint8 nsn_min;             /* shortest national significant number, digits */
  gboolean nanp;              /* member of the North American Numbering Plan */
} RaterCountry;

/* The country for an alpha-2 code (case-insensitive), or NULL when the code is
 * not an assigned ISO 3166-1 alpha-2 code. */
const RaterCountry *country_lookup (const char *alpha2);

/* All rows, sorted by alpha2; *n_out receives the count. */
const RaterCountry *country_table (gsize *n_out);

/* Every distinct assigned ITU-T E.164 country calling code (including the
 * non-geographic ones such as 800, 808, 870, 881, 882, 883, 888, 979), sorted
 * bytewise, NULL-terminated.  Used to check that a rate deck covers the world. */
const char * const *country_calling_codes (void);
