/* fuzz-number.c — fuzz target: party numbers to E.164 (see fuzz.h).
 *
 * The first two bytes pick the numbering context (a country of the table,
 * or none) and an area code of local numbers (bits 14-15: none, "20", "812",
 * "2"); the rest is the number as a CDR writes it.  A result must be
 * what number.h promises: 3..15 digits, NUL-terminated, len its length.
 */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "catalog/number.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  gsize n_countries = 0;
  const RaterCountry *table = country_table (&n_countries);
  guint pick = (guint) data[0] << 8 | data[1];
  const RaterCountry *ctx = pick % (n_countries + 1) == n_countries ? NULL : &table[pick % (n_countries + 1)];
  /* the text as its own allocation, so a read past LEN is caught */
  gsize len = size - 2;
  g_autofree char *text = g_memdup2 (data + 2, len);
  static const char *const area_codes[] = { NULL, "20", "812", "2" };
  const char *area_code = ctx ? area_codes[(data[0] >> 6) & 3] : NULL;
  RaterNumber out;
  if (number_normalise (text, len, ctx, area_code, &out) == NUMBER_OK)
    {
      if (out.len < 3 || out.len > NUMBER_MAX_DIGITS || strlen (out.digits) != out.len)
        abort ();
      for (guint i = 0; i < out.len; i++)
        if (!g_ascii_isdigit (out.digits[i]))
          abort ();
    }
  return 0;
}
