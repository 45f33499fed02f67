/* test-country.c — the ISO 3166 country table and the calling code list.
 *
 * Checks the table's shape (sorted, unique, well-formed rows, NANP rows
 * consistent), country_lookup() against a linear scan for every two-letter
 * code, spot values of the dialling plans the normaliser relies on, and the
 * list of calling codes (sorted, unique, complete for the table).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "catalog/country.h"

static gboolean
all_digits (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
code_listed (const char *code)
{
  for (const char * const *c = country_calling_codes (); *c; c++)
    if (strcmp (*c, code) == 0)
      return TRUE;
  return FALSE;
}

Test (country, lookup_case_insensitive)
{
  const RaterCountry *gb = country_lookup ("GB");

  cr_assert_not_null (gb);
  cr_expect_str_eq (gb->alpha2, "GB");
  cr_expect_str_eq (gb->name, "United Kingdom");
  cr_expect_eq (country_lookup ("gb"), gb);
  cr_expect_eq (country_lookup ("Gb"), gb);
  cr_expect_eq (country_lookup ("gB"), gb);
  cr_expect_eq (country_lookup ("zw"), country_lookup ("ZW"));
  cr_expect_not_null (country_lookup ("ad"));
}

Test (country, lookup_unknown)
{
  static const char * const unknown[] = {
    "XX", "", "GBR", "G", "UK", "XK", "ZZ", "AA", "QM", "EU", "g1", "1G", "G ",
    " G", "G\xc3", "\xff\xff", "usa",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    cr_expect_null (country_lookup (unknown[i]), "'%s' found", unknown[i]);
  cr_expect_null (country_lookup (NULL));
}

/* bsearch agrees with a linear scan for every pair of letters, both cases. */
Test (country, lookup_every_pair)
{
  gsize n;
  const RaterCountry *table = country_table (&n);

  for (char a = 'A'; a <= 'Z'; a++)
    for (char b = 'A'; b <= 'Z'; b++)
      {
        char upper[3] = { a, b, '\0' };
        char lower[3] = { g_ascii_tolower (a), g_ascii_tolower (b), '\0' };
        const RaterCountry *want = NULL;

        for (gsize i = 0; i < n; i++)
          if (strcmp (table[i].alpha2, upper) == 0)
            want = &table[i];
        cr_expect_eq (country_lookup (upper), want, "%s", upper);
        cr_expect_eq (country_lookup (lower), want, "%s", lower);
      }
}

Test (country, table_sorted_unique_complete)
{
  gsize n = 0;
  const RaterCountry *table = country_table (&n);

  cr_assert_not_null (table);
  cr_expect_eq (n, 249, "ISO 3166-1 assigns 249 codes, table has %" G_GSIZE_FORMAT, n);
  for (gsize i = 1; i < n; i++)
    cr_expect_lt (strcmp (table[i - 1].alpha2, table[i].alpha2), 0,
                  "%s before %s", table[i - 1].alpha2, table[i].alpha2);
  cr_expect_not_null (country_table (NULL));
}

static void
check_row (const RaterCountry *c)
{
  gsize code_len = strlen (c->calling_code);

  cr_expect (g_ascii_isupper (c->alpha2[0]) && g_ascii_isupper (c->alpha2[1])
             && c->alpha2[2] == '\0', "bad alpha2 '%s'", c->alpha2);
  cr_expect (c->name != NULL && c->name[0] != '\0', "%s: no name", c->alpha2);
  cr_expect (all_digits (c->calling_code) && c->calling_code[0] != '0',
             "%s: calling code '%s'", c->alpha2, c->calling_code);
  if (c->nanp)
    cr_expect (code_len == 1 || code_len == 4, "%s: NANP code '%s'", c->alpha2,
               c->calling_code);
  else
    cr_expect (code_len >= 1 && code_len <= 3, "%s: calling code '%s'", c->alpha2,
               c->calling_code);
  cr_expect (c->intl_prefix[0] != '\0' && strlen (c->intl_prefix) <= 4
             && all_digits (c->intl_prefix), "%s: intl prefix '%s'", c->alpha2,
             c->intl_prefix);
  cr_expect (strlen (c->trunk_prefix) <= 2 && all_digits (c->trunk_prefix),
             "%s: trunk prefix '%s'", c->alpha2, c->trunk_prefix);
  cr_expect (strcmp (c->intl_prefix, c->trunk_prefix) != 0,
             "%s: trunk and intl prefix equal", c->alpha2);
  cr_expect (c->nsn_min >= 4 && c->nsn_min <= 12, "%s: nsn_min %u", c->alpha2,
             c->nsn_min);
  cr_expect_eq (country_lookup (c->alpha2), c, "%s: lookup", c->alpha2);
}

Test (country, rows_well_formed)
{
  gsize n;
  const RaterCountry *table = country_table (&n);

  for (gsize i = 0; i < n; i++)
    check_row (&table[i]);
}

Test (country, nanp_rows)
{
  gsize n, n_nanp = 0;
  const RaterCountry *table = country_table (&n);

  for (gsize i = 0; i < n; i++)
    {
      const RaterCountry *c = &table[i];

      cr_expect_eq (c->nanp, c->calling_code[0] == '1',
                    "%s: nanp %d with code '%s'", c->alpha2, c->nanp, c->calling_code);
      if (!c->nanp)
        continue;
      n_nanp++;
      cr_expect_str_eq (c->intl_prefix, "011", "%s", c->alpha2);
      cr_expect_str_eq (c->trunk_prefix, "1", "%s", c->alpha2);
      cr_expect_eq (c->nsn_min, 10, "%s", c->alpha2);
    }
  cr_expect_eq (n_nanp, 26, "NANP has 26 ISO rows, table has %" G_GSIZE_FORMAT, n_nanp);
  cr_expect (country_lookup ("US")->nanp);
  cr_expect (country_lookup ("CA")->nanp);
  cr_expect (country_lookup ("JM")->nanp);
  cr_expect_str_eq (country_lookup ("JM")->calling_code, "1876");
  cr_expect_str_eq (country_lookup ("BS")->calling_code, "1242");
  cr_expect_str_eq (country_lookup ("PR")->calling_code, "1787");
  cr_expect (!country_lookup ("MH")->nanp);
}

typedef struct {
  const char *alpha2;
  const char *calling_code;
  const char *intl_prefix;
  const char *trunk_prefix;
} PlanCase;

Test (country, dialling_plans)
{
  static const PlanCase plans[] = {
    { "GB", "44", "00", "0" },    { "US", "1", "011", "1" },   { "CA", "1", "011", "1" },
    { "DE", "49", "00", "0" },    { "FR", "33", "00", "0" },   { "IT", "39", "00", "" },
    { "VA", "39", "00", "" },     { "ES", "34", "00", "" },    { "PT", "351", "00", "" },
    { "DK", "45", "00", "" },     { "NO", "47", "00", "" },    { "GR", "30", "00", "" },
    { "RU", "7", "810", "8" },    { "KZ", "7", "810", "8" },   { "BY", "375", "810", "80" },
    { "JP", "81", "010", "0" },   { "AU", "61", "0011", "0" }, { "KR", "82", "001", "0" },
    { "IN", "91", "00", "0" },    { "BR", "55", "0021", "0" }, { "CH", "41", "00", "0" },
    { "NL", "31", "00", "0" },    { "SE", "46", "00", "0" },   { "IE", "353", "00", "0" },
    { "ZA", "27", "00", "0" },    { "CN", "86", "00", "0" },   { "HU", "36", "00", "06" },
    { "LT", "370", "00", "0" },   { "MX", "52", "00", "" },    { "SH", "290", "00", "" },
    { "FK", "500", "00", "" },    { "NF", "672", "00", "" },   { "BQ", "599", "00", "" },
    { "CW", "599", "00", "" },    { "GG", "44", "00", "0" },   { "AX", "358", "00", "0" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (plans); i++)
    {
      const PlanCase *p = &plans[i];
      const RaterCountry *c = country_lookup (p->alpha2);

      cr_assert_not_null (c, "%s missing", p->alpha2);
      cr_expect_str_eq (c->calling_code, p->calling_code, "%s calling code", p->alpha2);
      cr_expect_str_eq (c->intl_prefix, p->intl_prefix, "%s intl prefix", p->alpha2);
      cr_expect_str_eq (c->trunk_prefix, p->trunk_prefix, "%s trunk prefix", p->alpha2);
    }
}

Test (country, calling_codes_sorted_unique)
{
  const char * const *codes = country_calling_codes ();
  gsize n = 0;

  cr_assert_not_null (codes);
  for (; codes[n] != NULL; n++)
    {
      gsize len = strlen (codes[n]);

      cr_expect (len >= 1 && len <= 3 && all_digits (codes[n]) && codes[n][0] != '0',
                 "bad code '%s'", codes[n]);
      if (n > 0)
        cr_expect_lt (strcmp (codes[n - 1], codes[n]), 0, "'%s' before '%s'",
                      codes[n - 1], codes[n]);
    }
  cr_expect_geq (n, 210, "only %" G_GSIZE_FORMAT " calling codes", n);
  cr_expect_leq (n, 230, "%" G_GSIZE_FORMAT " calling codes", n);
}

Test (country, calling_codes_contents)
{
  static const char * const present[] = {
    "1", "7", "20", "27", "39", "44", "49", "86", "247", "290", "383", "500", "599",
    "672", "800", "808", "870", "878", "881", "882", "883", "888", "979", "998",
  };
  static const char * const absent[] = { "0", "", "1242", "1876", "379", "999", "801", "42" };

  for (gsize i = 0; i < G_N_ELEMENTS (present); i++)
    cr_expect (code_listed (present[i]), "'%s' missing", present[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (absent); i++)
    cr_expect (!code_listed (absent[i]), "'%s' listed", absent[i]);
}

/* Every row's code is listed (NANP rows as "1"). */
Test (country, calling_codes_cover_table)
{
  gsize n;
  const RaterCountry *table = country_table (&n);

  for (gsize i = 0; i < n; i++)
    {
      const char *code = table[i].nanp ? "1" : table[i].calling_code;

      cr_expect (code_listed (code), "%s: code '%s' not listed", table[i].alpha2, code);
    }
}
