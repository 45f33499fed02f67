/* test-number.c — number_normalise() against billing.md §3, table-driven.
 *
 * Each row: numbering context (ISO alpha-2 or NULL), the raw CDR text, the
 * expected status and, when OK, the E.164 digits and the masked flag.  Every
 * input is copied into a heap block of exactly its length (no NUL after it),
 * so AddressSanitizer catches any read past LEN.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "catalog/country.h"
#include "catalog/number.h"

typedef struct {
  const char *ctx;        /* alpha-2 of the numbering context, NULL for none */
  const char *input;      /* raw text, NUL-terminated here, passed without the NUL */
  NumberStatus status;
  const char *digits;     /* expected digits when status is NUMBER_OK */
  gboolean masked;
} NumberCase;

#define OK(ctx, in, out)       { ctx, in, NUMBER_OK, out, FALSE }
#define MASKED(ctx, in, out)   { ctx, in, NUMBER_OK, out, TRUE }
#define BAD(ctx, in, status)   { ctx, in, status, NULL, FALSE }

static const NumberCase cases[] = {
  /* United Kingdom: 00 international, 0 trunk */
  OK ("GB", "+44 20 7946 0000", "442079460000"),
  OK ("GB", "+442079460000", "442079460000"),
  OK ("GB", "0044 20 7946 0000", "442079460000"),
  OK ("GB", "020 7946 0000", "442079460000"),
  OK ("GB", "(020) 7946-0000", "442079460000"),
  OK ("GB", "  07700 900123  ", "447700900123"),
  OK ("GB", "07700-900-123", "447700900123"),
  OK ("GB", "0800 1111", "448001111"),
  OK ("GB", "0800 123 4567", "448001234567"),
  OK ("GB", "999", "44999"),
  OK ("GB", "112", "44112"),
  OK ("GB", "116123", "44116123"),
  OK ("GB", "+44 (0)20 7946 0000", "442079460000"),
  OK ("GB", "+44(0)7700900123", "447700900123"),
  OK ("GB", "442079460000", "442079460000"),
  OK ("GB", "00 1 202 555 0100", "12025550100"),
  OK ("GB", "0033 1 23 45 67 89", "33123456789"),
  OK ("GB", "4413", "444413"),
  /* "0" + 6 digits: too short for a GB national number, not a short code:
   * step 6 takes it as it is (it will find no rate) */
  OK ("GB", "0123456", "0123456"),
  MASKED ("GB", "02079460***", "442079460"),
  BAD ("GB", "00", NUMBER_TOO_SHORT),
  BAD ("GB", "0044", NUMBER_TOO_SHORT),
  BAD ("GB", "00 4420 7946 0000 1234", NUMBER_TOO_LONG),

  /* United States, Canada, Jamaica: NANP, 011 international, 1 trunk */
  OK ("US", "+1 202 555 0100", "12025550100"),
  OK ("US", "tel:+1-202-555-0100", "12025550100"),
  OK ("US", "(202) 555-0100", "12025550100"),
  OK ("US", "202.555.0100", "12025550100"),
  OK ("US", "2025550100", "12025550100"),
  OK ("US", "1 (202) 555-0100", "12025550100"),
  OK ("US", "12025550100", "12025550100"),
  OK ("US", "1-800-555-0199", "18005550199"),
  OK ("US", "011 44 20 7946 0000", "442079460000"),
  OK ("US", "01144 20 7946 0000", "442079460000"),
  OK ("US", "911", "1911"),
  OK ("US", "411", "1411"),
  /* 7-digit local dialling is not in §3: step 6, taken as it is */
  OK ("US", "5550100", "5550100"),
  OK ("US", "+1 202 555 0100;ext=12", "12025550100"),
  MASKED ("US", "202555****", "1202555"),
  MASKED ("US", "1202555****", "1202555"),
  MASKED ("US", "+1 202 555 ****", "1202555"),
  BAD ("US", "011", NUMBER_TOO_SHORT),
  BAD ("US", "1", NUMBER_TOO_SHORT),
  OK ("us", "2025550100", "12025550100"),
  OK ("CA", "613-555-0123", "16135550123"),
  OK ("CA", "+1 613 555 0123", "16135550123"),
  OK ("CA", "1 613 555 0123", "16135550123"),
  OK ("CA", "011 33 1 23 45 67 89", "33123456789"),
  OK ("CA", "911", "1911"),
  OK ("JM", "876-555-1234", "18765551234"),
  OK ("JM", "1 876 555 1234", "18765551234"),
  OK ("JM", "+1 876 555 1234", "18765551234"),
  OK ("JM", "011 44 7700 900123", "447700900123"),
  OK ("JM", "119", "1876119"),
  OK ("JM", "1 305 555 0100", "13055550100"),
  OK ("BS", "242 302 1234", "12423021234"),
  OK ("BS", "919", "1242919"),

  /* Germany */
  OK ("DE", "030 1234567", "49301234567"),
  OK ("DE", "+49 30 1234567", "49301234567"),
  OK ("DE", "0049 30 1234567", "49301234567"),
  OK ("DE", "0171 1234567", "491711234567"),
  OK ("DE", "0800 1234567", "498001234567"),
  OK ("DE", "+49 (0)30 1234567", "49301234567"),
  OK ("DE", "110", "49110"),
  OK ("DE", "112", "49112"),
  OK ("DE", "sip:0049301234@sbc.example.com", "49301234"),
  OK ("DE", "sip:+4930123456@sbc.example.com;user=phone", "4930123456"),
  MASKED ("DE", "4930123***", "4930123"),
  MASKED ("DE", "030 123 45***", "493012345"),
  BAD ("DE", "089/1234567", NUMBER_TEXT),

  /* France: 4 digits masked in Teams exports */
  OK ("FR", "01 23 45 67 89", "33123456789"),
  OK ("FR", "06 12 34 56 78", "33612345678"),
  OK ("FR", "+33 1 23 45 67 89", "33123456789"),
  OK ("FR", "00 33 1 23 45 67 89", "33123456789"),
  OK ("FR", "+33 (0)1 23 45 67 89", "33123456789"),
  OK ("FR", "15", "3315"),
  OK ("FR", "112", "33112"),
  OK ("FR", "3612", "333612"),
  MASKED ("FR", "+33 1 23 45 ****", "3312345"),
  MASKED ("FR", "012345****", "3312345"),

  /* Italy: no trunk prefix, the 0 belongs to the number */
  OK ("IT", "06 1234 5678", "390612345678"),
  OK ("IT", "02 1234567", "39021234567"),
  OK ("IT", "0612345", "390612345"),
  OK ("IT", "+39 06 1234 5678", "390612345678"),
  OK ("IT", "0039 06 12345678", "390612345678"),
  OK ("IT", "+39 347 123 4567", "393471234567"),
  OK ("IT", "112", "39112"),
  /* a national mobile number without 0 cannot be told from an
   * international one: step 6 takes it as international */
  OK ("IT", "347 123 4567", "3471234567"),
  MASKED ("IT", "3912345***", "3912345"),
  OK ("VA", "06 6982", "39066982"),

  /* Spain: no trunk prefix */
  OK ("ES", "+34 912 345 678", "34912345678"),
  OK ("ES", "0034 912 345 678", "34912345678"),
  OK ("ES", "34912345678", "34912345678"),
  OK ("ES", "112", "34112"),
  OK ("ES", "091", "34091"),
  OK ("ES", "016", "34016"),
  OK ("ES", "912345678", "912345678"),
  MASKED ("ES", "+34 612 34 5***", "34612345"),

  /* Russia, Kazakhstan, Belarus: 8 trunk, 8~10 international */
  OK ("RU", "8 495 123 45 67", "74951234567"),
  OK ("RU", "8 (495) 123-45-67", "74951234567"),
  OK ("RU", "+7 495 123 45 67", "74951234567"),
  OK ("RU", "74951234567", "74951234567"),
  OK ("RU", "810 44 20 7946 0000", "442079460000"),
  OK ("RU", "8 10 49 30 1234567", "49301234567"),
  OK ("RU", "8 800 555 35 35", "78005553535"),
  OK ("RU", "8 916 123 45 67", "79161234567"),
  OK ("RU", "112", "7112"),
  OK ("RU", "8123", "78123"),
  MASKED ("RU", "8 495 123 4***", "74951234"),
  OK ("ru", "89161234567", "79161234567"),
  OK ("KZ", "8 727 123 4567", "77271234567"),
  OK ("KZ", "810 49 30 1234567", "49301234567"),
  OK ("BY", "8 029 123 45 67", "375291234567"),
  OK ("BY", "8 10 44 20 7946 0000", "442079460000"),
  OK ("BY", "+375 29 123 45 67", "375291234567"),

  /* Japan: 010 international */
  OK ("JP", "03-1234-5678", "81312345678"),
  OK ("JP", "090-1234-5678", "819012345678"),
  OK ("JP", "+81 3 1234 5678", "81312345678"),
  OK ("JP", "010 44 20 7946 0000", "442079460000"),
  OK ("JP", "0120-123-456", "81120123456"),
  OK ("JP", "110", "81110"),
  OK ("JP", "119", "81119"),

  /* Australia: 0011 international */
  OK ("AU", "02 9374 4000", "61293744000"),
  OK ("AU", "0412 345 678", "61412345678"),
  OK ("AU", "+61 2 9374 4000", "61293744000"),
  OK ("AU", "0011 44 20 7946 0000", "442079460000"),
  OK ("AU", "000", "61000"),
  OK ("AU", "13 11 44", "61131144"),

  /* India */
  OK ("IN", "011 2345 6789", "911123456789"),
  OK ("IN", "098765 43210", "919876543210"),
  OK ("IN", "+91 98765 43210", "919876543210"),
  OK ("IN", "00 1 202 555 0100", "12025550100"),
  OK ("IN", "100", "91100"),
  OK ("IN", "112", "91112"),

  /* Brazil: carrier-selection international prefix (table holds 0021) */
  OK ("BR", "+55 11 91234 5678", "5511912345678"),
  OK ("BR", "0 11 91234 5678", "5511912345678"),
  OK ("BR", "0021 1 202 555 0100", "12025550100"),
  OK ("BR", "190", "55190"),

  /* Switzerland: 4 digits masked */
  OK ("CH", "044 668 18 00", "41446681800"),
  OK ("CH", "+41 44 668 18 00", "41446681800"),
  OK ("CH", "079 123 45 67", "41791234567"),
  OK ("CH", "0041 44 668 18 00", "41446681800"),
  OK ("CH", "117", "41117"),
  OK ("CH", "144", "41144"),
  MASKED ("CH", "+41 44 668 ****", "4144668"),
  MASKED ("CH", "044 668 ****", "4144668"),

  /* Netherlands */
  OK ("NL", "020 123 4567", "31201234567"),
  OK ("NL", "06-12345678", "31612345678"),
  OK ("NL", "+31 20 123 4567", "31201234567"),
  OK ("NL", "0031 20 123 4567", "31201234567"),
  OK ("NL", "0800-1234", "318001234"),
  OK ("NL", "112", "31112"),
  MASKED ("NL", "+31 6 1234 5***", "31612345"),

  /* Sweden */
  OK ("SE", "08-123 456 78", "46812345678"),
  OK ("SE", "070-123 45 67", "46701234567"),
  OK ("SE", "+46 8 123 456 78", "46812345678"),
  OK ("SE", "0046 8 12345678", "46812345678"),
  OK ("SE", "112", "46112"),
  MASKED ("SE", "08-123 45***", "46812345"),

  /* Ireland */
  OK ("IE", "01 234 5678", "35312345678"),
  OK ("IE", "087 123 4567", "353871234567"),
  OK ("IE", "+353 1 234 5678", "35312345678"),
  OK ("IE", "00 44 28 9012 3456", "442890123456"),
  OK ("IE", "999", "353999"),

  /* South Africa */
  OK ("ZA", "011 123 4567", "27111234567"),
  OK ("ZA", "082 123 4567", "27821234567"),
  OK ("ZA", "+27 11 123 4567", "27111234567"),
  OK ("ZA", "0800 123 456", "27800123456"),
  OK ("ZA", "10111", "2710111"),

  /* China */
  OK ("CN", "010 1234 5678", "861012345678"),
  OK ("CN", "+86 138 0013 8000", "8613800138000"),
  OK ("CN", "00 1 202 555 0100", "12025550100"),
  OK ("CN", "110", "86110"),

  /* Korea (001), Hungary (06 trunk), Lithuania, Mexico, Nordics */
  OK ("KR", "02-312-3456", "8223123456"),
  OK ("KR", "010-1234-5678", "821012345678"),
  OK ("KR", "001 44 20 7946 0000", "442079460000"),
  OK ("HU", "06 1 234 5678", "3612345678"),
  OK ("HU", "06 30 123 4567", "36301234567"),
  OK ("HU", "+36 1 234 5678", "3612345678"),
  OK ("HU", "112", "36112"),
  OK ("LT", "0 5 212 3456", "37052123456"),
  OK ("MX", "+52 55 1234 5678", "525512345678"),
  OK ("MX", "00 1 202 555 0100", "12025550100"),
  OK ("MX", "911", "52911"),
  OK ("DK", "+45 32 12 34 56", "4532123456"),
  OK ("DK", "0045 32123456", "4532123456"),
  OK ("DK", "112", "45112"),
  MASKED ("DK", "+45 32 12 3***", "4532123"),
  OK ("NO", "+47 22 12 34 56", "4722123456"),
  OK ("NO", "113", "47113"),
  OK ("PT", "+351 21 123 4567", "351211234567"),
  OK ("PT", "112", "351112"),

  /* no numbering context */
  OK (NULL, "+44 20 7946 0000", "442079460000"),
  OK (NULL, "442079460000", "442079460000"),
  OK (NULL, "1234567", "1234567"),
  OK (NULL, "tel:+1-201-555-0123", "12015550123"),
  OK (NULL, "sip:+4930123456@sbc.example.com", "4930123456"),
  OK (NULL, "+33001@10.0.1.11", "33001"),
  MASKED (NULL, "4930123***", "4930123"),
  MASKED (NULL, "4930123 ***", "4930123"),
  BAD (NULL, "020 7946 0000", NUMBER_NO_CONTEXT),
  BAD (NULL, "0044 20 7946 0000", NUMBER_NO_CONTEXT),
  BAD (NULL, "sip:0049301234@sbc.example.com", NUMBER_NO_CONTEXT),
  BAD (NULL, "112", NUMBER_NO_CONTEXT),
  BAD (NULL, "911", NUMBER_NO_CONTEXT),
  BAD (NULL, "123456", NUMBER_NO_CONTEXT),
  BAD (NULL, "12", NUMBER_NO_CONTEXT),
  BAD (NULL, "493***", NUMBER_NO_CONTEXT),
  BAD (NULL, "0000000000000000000000000000000000000000", NUMBER_NO_CONTEXT),

  /* URIs: scheme any case, host, parameters */
  OK ("GB", "TEL:+44-20-7946-0000", "442079460000"),
  OK ("GB", "Sip:+442079460000@example.com", "442079460000"),
  OK ("GB", "sips:+442079460000@example.com:5061;transport=tls", "442079460000"),
  OK ("GB", "sip:+442079460000;user=phone@example.com", "442079460000"),
  OK ("GB", "tel:07700900123;phone-context=+44", "447700900123"),
  OK ("GB", "  tel:+44 20 7946 0000  ", "442079460000"),
  OK ("GB", "sip:02079460000@10.0.0.1", "442079460000"),
  OK ("US", "tel:+1-201-555-0123;phone-context=example.com", "12015550123"),
  BAD ("GB", "sip:anonymous@anonymous.invalid", NUMBER_TEXT),
  BAD ("GB", "sip:alice@example.com", NUMBER_TEXT),
  BAD ("GB", "<sip:+442079460000@example.com>", NUMBER_TEXT),
  BAD ("GB", "mailto:442079460000", NUMBER_TEXT),
  BAD ("GB", "sip:@example.com", NUMBER_EMPTY),
  BAD ("GB", "tel:", NUMBER_EMPTY),
  BAD ("GB", "@example.com", NUMBER_EMPTY),

  /* withheld callers and other text */
  BAD ("GB", "anonymous", NUMBER_TEXT),
  BAD ("GB", "Anonymous", NUMBER_TEXT),
  BAD ("GB", "Restricted", NUMBER_TEXT),
  BAD ("GB", "unknown", NUMBER_TEXT),
  BAD ("GB", "Private", NUMBER_TEXT),
  BAD ("GB", "N/A", NUMBER_TEXT),
  BAD (NULL, "anonymous", NUMBER_TEXT),
  BAD ("GB", "", NUMBER_EMPTY),
  BAD (NULL, "", NUMBER_EMPTY),
  BAD ("GB", "   ", NUMBER_EMPTY),
  BAD ("GB", "-", NUMBER_EMPTY),
  BAD ("GB", "( ) - .", NUMBER_EMPTY),
  BAD ("GB", "+", NUMBER_EMPTY),
  BAD ("GB", "***", NUMBER_EMPTY),
  BAD ("GB", "#31#02079460000", NUMBER_TEXT),
  BAD ("GB", "*31#02079460000", NUMBER_TEXT),
  BAD ("GB", "12#", NUMBER_TEXT),
  BAD ("GB", "0207*9460000", NUMBER_TEXT),
  BAD ("GB", "*4930", NUMBER_TEXT),
  BAD ("GB", "+49301*2*", NUMBER_TEXT),
  BAD ("GB", "+44 20 7946 0000 ext 12", NUMBER_TEXT),
  BAD ("GB", "+44+20", NUMBER_TEXT),
  BAD ("GB", "++44", NUMBER_TEXT),
  BAD ("GB", "44+", NUMBER_TEXT),
  BAD ("GB", "0x1234", NUMBER_TEXT),
  BAD ("GB", "020/7946 0000", NUMBER_TEXT),
  BAD ("GB", "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", NUMBER_TEXT),  /* fullwidth digits */
  BAD ("GB", "+44\xc2\xa0" "20 7946 0000", NUMBER_TEXT),          /* no-break space */
  BAD ("GB", "\xff\xfe", NUMBER_TEXT),
  BAD ("GB", "12\x80", NUMBER_TEXT),
  OK ("GB", "+44\t20\t7946\t0000\r\n", "442079460000"),

  /* lengths */
  OK (NULL, "+123", "123"),
  BAD (NULL, "+12", NUMBER_TOO_SHORT),
  BAD (NULL, "+1", NUMBER_TOO_SHORT),
  BAD (NULL, "+12***", NUMBER_TOO_SHORT),
  OK (NULL, "+123456789012345", "123456789012345"),
  BAD (NULL, "+1234567890123456", NUMBER_TOO_LONG),
  MASKED (NULL, "+123456789012***", "123456789012"),
  BAD (NULL, "+1234567890123***", NUMBER_TOO_LONG),
  OK ("GB", "00123456789012345", "123456789012345"),
  BAD ("GB", "001234567890123456", NUMBER_TOO_LONG),
  BAD ("GB", "1234567890123456789012345678901234567890", NUMBER_TOO_LONG),
  BAD ("GB", "+1234567890123456789012345678901234567890", NUMBER_TOO_LONG),
  BAD ("GB", "1234567890123456789012345678901234567890x", NUMBER_TEXT),
  BAD ("US", "12345678901234567", NUMBER_TOO_LONG),
};

static const RaterCountry *
context_of (const NumberCase *c)
{
  const RaterCountry *country;

  if (c->ctx == NULL)
    return NULL;
  country = country_lookup (c->ctx);
  cr_assert_not_null (country, "unknown test context '%s'", c->ctx);
  return country;
}

/* Run one case on an exact-size heap copy of its input. */
static void
check_case (const NumberCase *c)
{
  gsize len = strlen (c->input);
  char *copy = g_memdup2 (c->input, len);
  g_autofree char *shown = g_strescape (c->input, NULL);
  RaterNumber out;
  NumberStatus status;

  memset (&out, 0xa5, sizeof out);
  status = number_normalise (copy, len, context_of (c), &out);
  g_free (copy);

  cr_expect_eq (status, c->status, "input '%s' ctx %s: status '%s', expected '%s'",
                shown, c->ctx ? c->ctx : "none", number_status_to_string (status),
                number_status_to_string (c->status));
  if (status != c->status)
    return;
  if (c->status != NUMBER_OK)
    {
      cr_expect_eq (out.len, 0, "input '%s': out not zeroed", shown);
      cr_expect_eq (out.digits[0], '\0', "input '%s': out not zeroed", shown);
      cr_expect_eq (out.masked, FALSE, "input '%s': out not zeroed", shown);
      return;
    }
  cr_expect_str_eq (out.digits, c->digits, "input '%s' ctx %s", shown,
                    c->ctx ? c->ctx : "none");
  cr_expect_eq (out.len, strlen (out.digits), "input '%s': len", shown);
  cr_expect_eq (out.masked, c->masked, "input '%s' ctx %s: masked %d",
                shown, c->ctx ? c->ctx : "none", out.masked);
}

Test (number, table)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_case (&cases[i]);
}

Test (number, table_size)
{
  GHashTable *contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    if (cases[i].ctx != NULL)
      g_hash_table_add (contexts, g_strdup (country_lookup (cases[i].ctx)->alpha2));
  cr_expect_geq (G_N_ELEMENTS (cases), 150);
  cr_expect_geq (g_hash_table_size (contexts), 12);
  g_hash_table_unref (contexts);
}

/* LEN bounds the input: bytes after it are never looked at. */
Test (number, len_bounds_input)
{
  const RaterCountry *gb = country_lookup ("GB");
  RaterNumber out;

  cr_expect_eq (number_normalise ("+442079460000abc", 13, gb, &out), NUMBER_OK);
  cr_expect_str_eq (out.digits, "442079460000");
  cr_expect_eq (number_normalise ("999@host", 3, gb, &out), NUMBER_OK);
  cr_expect_str_eq (out.digits, "44999");
  cr_expect_eq (number_normalise ("anonymous", 0, gb, &out), NUMBER_EMPTY);
  cr_expect_eq (number_normalise (NULL, 0, gb, &out), NUMBER_EMPTY);
}

Test (number, embedded_nul)
{
  const RaterCountry *gb = country_lookup ("GB");
  static const char with_nul[] = "+4420\0" "79460000";
  static const char only_nul[] = "\0";
  RaterNumber out;

  cr_expect_eq (number_normalise (with_nul, sizeof with_nul - 1, gb, &out), NUMBER_TEXT);
  cr_expect_eq (out.len, 0);
  cr_expect_eq (number_normalise (only_nul, 1, gb, &out), NUMBER_TEXT);
  cr_expect_eq (number_normalise ("+442079460000\0", 14, gb, &out), NUMBER_TEXT);
  cr_expect_eq (number_normalise ("tel\0+44", 7, gb, &out), NUMBER_TEXT);
}

/* An input that is exactly its digits, with nothing after it in memory. */
Test (number, unterminated_buffer)
{
  char buf[4] = { '+', '4', '4', '1' };
  char star[5] = { '4', '4', '1', '2', '*' };
  RaterNumber out;

  cr_expect_eq (number_normalise (buf, sizeof buf, NULL, &out), NUMBER_OK);
  cr_expect_str_eq (out.digits, "441");
  cr_expect_eq (number_normalise (star, sizeof star, country_lookup ("GB"), &out),
                NUMBER_OK);
  cr_expect_str_eq (out.digits, "444412");
  cr_expect (out.masked);
}

static void
check_any_result (NumberStatus status, const RaterNumber *out)
{
  cr_assert (status >= NUMBER_OK && status <= NUMBER_TOO_LONG);
  if (status != NUMBER_OK)
    {
      cr_assert_eq (out->len, 0);
      return;
    }
  cr_assert (out->len >= 3 && out->len <= NUMBER_MAX_DIGITS);
  cr_assert_eq (strlen (out->digits), out->len);
  for (guint i = 0; i < out->len; i++)
    cr_assert (g_ascii_isdigit (out->digits[i]));
}

Test (number, every_single_byte)
{
  const RaterCountry *contexts[] = { NULL, country_lookup ("GB"), country_lookup ("US") };

  for (guint b = 0; b < 256; b++)
    for (gsize k = 0; k < G_N_ELEMENTS (contexts); k++)
      {
        char *one = g_malloc (1);
        RaterNumber out;

        one[0] = (char) b;
        check_any_result (number_normalise (one, 1, contexts[k], &out), &out);
        g_free (one);
      }
}

/* Random bytes drawn mostly from the characters the scanner cares about. */
Test (number, random_bytes)
{
  static const char alphabet[] = "0123456789+*-.() @;:telsipTELSIP#/\t\x80\xff";
  gsize n_countries;
  const RaterCountry *table = country_table (&n_countries);
  GRand *rand = g_rand_new_with_seed (20261103);

  for (guint iter = 0; iter < 20000; iter++)
    {
      gsize len = (gsize) g_rand_int_range (rand, 0, 48);
      char *buf = g_malloc (len + 1);
      const RaterCountry *ctx = NULL;
      RaterNumber out;

      for (gsize i = 0; i < len; i++)
        buf[i] = g_rand_boolean (rand)
                 ? alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]
                 : (char) g_rand_int_range (rand, 0, 256);
      if (g_rand_int_range (rand, 0, 4) > 0)
        ctx = &table[g_rand_int_range (rand, 0, (gint32) n_countries)];
      check_any_result (number_normalise (len ? buf : NULL, len, ctx, &out), &out);
      g_free (buf);
    }
  g_rand_free (rand);
}

/* Every country: its own short code and its own '+' number come out right. */
Test (number, every_country_short_code_and_plus)
{
  gsize n;
  const RaterCountry *table = country_table (&n);

  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *plus = g_strconcat ("+", table[i].calling_code, "123456", NULL);
      g_autofree char *want_short = g_strconcat (table[i].calling_code, "112", NULL);
      RaterNumber out;

      cr_expect_eq (number_normalise (plus, strlen (plus), &table[i], &out), NUMBER_OK,
                    "%s: '%s'", table[i].alpha2, plus);
      cr_expect_str_eq (out.digits, plus + 1, "%s", table[i].alpha2);
      cr_expect_eq (number_normalise ("112", 3, &table[i], &out), NUMBER_OK,
                    "%s: '112'", table[i].alpha2);
      cr_expect_str_eq (out.digits, want_short, "%s: '112'", table[i].alpha2);
    }
}

/* Every country with a trunk prefix: trunk + a 10-digit national number. */
Test (number, every_country_trunk_prefix)
{
  gsize n;
  const RaterCountry *table = country_table (&n);

  for (gsize i = 0; i < n; i++)
    {
      const RaterCountry *c = &table[i];
      g_autofree char *national = NULL;
      g_autofree char *want = NULL;
      RaterNumber out;

      if (c->trunk_prefix[0] == '\0')
        continue;
      national = g_strconcat (c->trunk_prefix, "2345678901", NULL);
      want = g_strconcat (c->nanp ? "1" : c->calling_code, "2345678901", NULL);
      cr_expect_eq (number_normalise (national, strlen (national), c, &out), NUMBER_OK,
                    "%s: '%s'", c->alpha2, national);
      cr_expect_str_eq (out.digits, want, "%s: '%s'", c->alpha2, national);
    }
}

Test (number, status_strings)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int s = NUMBER_OK; s <= NUMBER_TOO_LONG; s++)
    {
      const char *text = number_status_to_string ((NumberStatus) s);

      cr_assert_not_null (text);
      cr_expect_gt (strlen (text), 0);
      for (const char *p = text; *p; p++)
        cr_expect (!g_ascii_isupper (*p), "'%s' is not lowercase", text);
      cr_expect (!g_hash_table_contains (seen, text), "'%s' twice", text);
      g_hash_table_add (seen, g_strdup (text));
    }
  g_hash_table_unref (seen);
  cr_expect_str_eq (number_status_to_string (NUMBER_EMPTY), "no digits");
  cr_expect_str_eq (number_status_to_string (NUMBER_TEXT), "letters in number");
  cr_expect_str_eq (number_status_to_string (NUMBER_NO_CONTEXT),
                    "national number without a country context");
  cr_expect_str_eq (number_status_to_string (NUMBER_TOO_SHORT), "fewer than 3 digits");
  cr_expect_str_eq (number_status_to_string (NUMBER_TOO_LONG), "more than 15 digits");
  cr_expect_not_null (number_status_to_string ((NumberStatus) 99));
}
