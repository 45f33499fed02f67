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

/* Every row has a dialling plan from libphonenumber, on its own calling
 * code, with prefixes of digits and national lengths. */
static void
check_dialling (const RaterCountry *c)
{
  const PhoneMetaRegion *m = country_dialling (c);

  cr_assert_not_null (m, "%s: no dialling plan", c->alpha2);
  cr_expect_str_eq (m->calling_code, c->nanp ? "1" : c->calling_code, "%s: plan of %s",
                    c->alpha2, m->region);
  cr_expect (all_digits (m->intl_prefix) && all_digits (m->trunk_prefix),
             "%s: prefixes '%s' '%s'", c->alpha2, m->intl_prefix, m->trunk_prefix);
  cr_expect (m->nsn_lengths != 0 && m->nsn_min >= 2 && m->nsn_min <= 12,
             "%s: national lengths from %u", c->alpha2, m->nsn_min);
  cr_expect_eq (m->nanp, c->nanp, "%s: nanp", c->alpha2);
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
  cr_expect_eq (country_lookup (c->alpha2), c, "%s: lookup", c->alpha2);
  check_dialling (c);
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
      cr_expect_str_eq (country_dialling (c)->intl_prefix, "011", "%s", c->alpha2);
      cr_expect_str_eq (country_dialling (c)->trunk_prefix, "1", "%s", c->alpha2);
      cr_expect (country_dialling (c)->nsn_lengths & (1u << 10), "%s", c->alpha2);
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

/* libphonenumber's metadata (8.12.57 as Debian 12 ships it), written out:
 * the international prefix when it is one literal ("" where it is a pattern:
 * AU, KR, BR, CN, MX, AX), the trunk prefix, the shortest national number,
 * the longest short code. */
typedef struct {
  const char *alpha2;
  const char *calling_code;
  const char *intl_prefix;
  const char *trunk_prefix;
  guint8 nsn_min;
  guint8 short_max;
} PlanCase;

Test (country, dialling_plans)
{
  static const PlanCase plans[] = {
    { "GB", "44", "00", "0", 7, 6 },     { "US", "1", "011", "1", 10, 6 },
    { "CA", "1", "011", "1", 7, 8 },     { "DE", "49", "00", "0", 4, 6 },
    { "FR", "33", "00", "0", 9, 6 },     { "IT", "39", "00", "", 6, 7 },
    { "VA", "39", "00", "", 6, 3 },      { "ES", "34", "00", "", 9, 6 },
    { "PT", "351", "00", "", 9, 6 },     { "DK", "45", "00", "", 8, 6 },
    { "NO", "47", "00", "", 5, 6 },      { "GR", "30", "00", "", 10, 6 },
    { "RU", "7", "810", "8", 10, 3 },    { "KZ", "7", "810", "8", 10, 5 },
    { "BY", "375", "810", "8", 6, 3 },   { "JP", "81", "010", "0", 8, 3 },
    { "AU", "61", "", "0", 5, 8 },       { "KR", "82", "", "0", 5, 5 },
    { "IN", "91", "00", "0", 8, 9 },     { "BR", "55", "", "0", 8, 6 },
    { "CH", "41", "00", "0", 9, 6 },     { "NL", "31", "00", "0", 5, 6 },
    { "SE", "46", "00", "0", 6, 6 },     { "IE", "353", "00", "0", 7, 6 },
    { "ZA", "27", "00", "0", 5, 5 },     { "CN", "86", "", "0", 7, 6 },
    { "HU", "36", "00", "06", 8, 6 },    { "LT", "370", "00", "8", 8, 6 },
    { "MX", "52", "", "01", 10, 5 },     { "SH", "290", "00", "", 4, 5 },
    { "FK", "500", "00", "", 5, 3 },     { "NF", "672", "00", "", 6, 3 },
    { "BQ", "599", "00", "", 7, 3 },     { "CW", "599", "00", "", 7, 3 },
    { "GG", "44", "00", "0", 7, 6 },     { "AX", "358", "", "0", 5, 5 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (plans); i++)
    {
      const PlanCase *p = &plans[i];
      const RaterCountry *c = country_lookup (p->alpha2);
      const PhoneMetaRegion *m = country_dialling (c);

      cr_assert_not_null (c, "%s missing", p->alpha2);
      cr_assert_not_null (m, "%s: no plan", p->alpha2);
      cr_expect_str_eq (m->calling_code, p->calling_code, "%s calling code", p->alpha2);
      cr_expect_str_eq (m->intl_prefix, p->intl_prefix, "%s intl prefix", p->alpha2);
      cr_expect_eq (m->intl_pattern != NULL, p->intl_prefix[0] == '\0', "%s intl pattern",
                    p->alpha2);
      cr_expect_str_eq (m->trunk_prefix, p->trunk_prefix, "%s trunk prefix", p->alpha2);
      cr_expect_eq (m->nsn_min, p->nsn_min, "%s shortest national number", p->alpha2);
      cr_expect_eq (m->short_max, p->short_max, "%s longest short code", p->alpha2);
    }
}

/* The metadata's patterns: Korea's international prefixes carry the
 * carrier (001, 002, 005, 006, 008, 00700, ...), Belarus and Lithuania
 * strip more than the one trunk prefix. */
Test (country, prefix_patterns)
{
  const PhoneMetaRegion *kr = country_dialling (country_lookup ("KR"));
  const PhoneMetaRegion *by = country_dialling (country_lookup ("BY"));
  const PhoneMetaRegion *lt = country_dialling (country_lookup ("LT"));
  const PhoneMetaRegion *gb = country_dialling (country_lookup ("GB"));

  cr_expect_eq (phonemeta_intl_prefix_len (kr, "00144", 5), 3);
  cr_expect_eq (phonemeta_intl_prefix_len (kr, "0070044", 7), 5);
  cr_expect_eq (phonemeta_intl_prefix_len (kr, "00344", 5), 0);
  cr_expect_eq (phonemeta_intl_prefix_len (kr, "021234", 6), 0);
  cr_expect_eq (phonemeta_intl_prefix_len (gb, "0044", 4), 2);
  cr_expect_eq (phonemeta_intl_prefix_len (gb, "044", 3), 0);
  cr_expect_eq (phonemeta_trunk_prefix_len (by, "80291234567", 11), 2);
  cr_expect_eq (phonemeta_trunk_prefix_len (by, "0291234567", 10), 1);
  cr_expect_eq (phonemeta_trunk_prefix_len (lt, "052123456", 9), 1);
  cr_expect_eq (phonemeta_trunk_prefix_len (lt, "852123456", 9), 1);
  cr_expect_eq (phonemeta_trunk_prefix_len (gb, "02079460000", 11), 1);
  cr_expect_eq (phonemeta_trunk_prefix_len (gb, "2079460000", 10), 0);
}

Test (country, calling_codes_assigned)
{
  cr_expect_eq (phonemeta_calling_code_len ("442079460000", 12), 2);
  cr_expect_eq (phonemeta_calling_code_len ("12025550100", 11), 1);
  cr_expect_eq (phonemeta_calling_code_len ("38344123456", 11), 3);
  cr_expect_eq (phonemeta_calling_code_len ("88812345678", 11), 3);
  cr_expect_eq (phonemeta_calling_code_len ("0123456789", 10), 0);
  cr_expect_eq (phonemeta_calling_code_len ("281234567", 9), 0);
  cr_expect_eq (phonemeta_calling_code_len ("", 0), 0);
  cr_expect_geq (phonemeta_n_regions (), 240);
}

Test (country, validity)
{
  const PhoneMetaRegion *gb = country_dialling (country_lookup ("GB"));
  const PhoneMetaRegion *kr = country_dialling (country_lookup ("KR"));

  cr_expect (phonemeta_valid_national (gb, "2079460000", 10));
  cr_expect (!phonemeta_valid_national (gb, "4930123456", 10));
  cr_expect (phonemeta_valid_international ("4930123456", 10));
  cr_expect (!phonemeta_valid_international ("91342657", 8));
  cr_expect (!phonemeta_valid_national (kr, "91342657", 8));
  cr_expect (phonemeta_valid_national (kr, "291342657", 9));
  cr_expect (phonemeta_valid_short (gb, "999", 3));
  cr_expect (phonemeta_valid_short (gb, "116123", 6));
  cr_expect (!phonemeta_valid_short (gb, "4413", 4));
  /* twice: the second answer comes from the cache */
  cr_expect (!phonemeta_valid_short (gb, "4413", 4));
}

/* The fast validity (GRegex on the metadata) gives libphonenumber's own
 * answer: every region, random national numbers of every possible length,
 * and the same digits read as international numbers. */
Test (country, validity_agrees_with_libphonenumber)
{
  gsize n;
  const RaterCountry *table = country_table (&n);
  GRand *rand = g_rand_new_with_seed (20261128);
  guint n_valid = 0, n_checked = 0;

  for (gsize i = 0; i < n; i++)
    {
      const PhoneMetaRegion *m = country_dialling (&table[i]);

      for (guint len = 2; len <= 17; len++)
        for (guint k = 0; (m->nsn_lengths & (1u << len)) && k < 40; k++)
          {
            char nsn[20];
            gboolean fast, slow;

            for (guint d = 0; d < len; d++)
              nsn[d] = (char) ('0' + g_rand_int_range (rand, d == 0 ? 1 : 0, 10));
            nsn[len] = '\0';
            fast = phonemeta_valid_national (m, nsn, len);
            slow = phonemeta_reference_valid_national (m, nsn, len);
            cr_expect_eq (fast, slow, "%s national '%s': %d, libphonenumber %d",
                          table[i].alpha2, nsn, fast, slow);
            fast = phonemeta_valid_international (nsn, len);
            slow = phonemeta_reference_valid_international (nsn, len);
            cr_expect_eq (fast, slow, "international '%s': %d, libphonenumber %d", nsn, fast,
                          slow);
            n_valid += fast;
            n_checked++;
          }
    }
  g_rand_free (rand);
  cr_expect_gt (n_valid, n_checked / 40, "%u valid of %u", n_valid, n_checked);
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
