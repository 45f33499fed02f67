/* test-escape.c — unit tests of escape.c: what passes as it is, what is
 * written as \xHH, and that every output is valid UTF-8 without control
 * characters and can be told back into the bytes. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/escape.h"

static char *
escaped (const char *data, gsize len)
{
  GString *out = g_string_new (NULL);
  escape_append (out, data, len, ESCAPE_ALL, G_MAXSIZE);
  return g_string_free (out, FALSE);
}

/* The bytes an escaped text stands for (\\xHH and \\\\ undone). */
static GString *
unescaped (const char *text)
{
  GString *out = g_string_new (NULL);
  for (const char *p = text; *p;)
    {
      if (p[0] == '\\' && p[1] == '\\')
        g_string_append_c (out, '\\'), p += 2;
      else if (p[0] == '\\' && p[1] == 'x')
        {
          char hex[3] = { p[2], p[3], 0 };
          g_string_append_c (out, (char) strtol (hex, NULL, 16));
          p += 4;
        }
      else
        g_string_append_c (out, *p++);
    }
  return out;
}

Test (escape, printable_text_passes_unchanged)
{
  const char *text = "+44 20 7946 0000, Zürich \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac";
  g_autofree char *e = escaped (text, strlen (text));
  cr_assert_str_eq (e, text);
  cr_assert (escape_is_plain (text, strlen (text), ESCAPE_ALL));
}

Test (escape, controls_nul_and_bad_bytes_become_hex)
{
  const char data[] = "a\0b\tc\r\n\x1b[31md\x7f\xff\xc3(\\e\xc2\x85";
  g_autofree char *e = escaped (data, sizeof data - 1);
  cr_assert_str_eq (e, "a\\x00b\\x09c\\x0D\\x0A\\x1B[31md\\x7F\\xFF\\xC3(\\\\e\\xC2\\x85");
  cr_assert_not (escape_is_plain (data, sizeof data - 1, ESCAPE_ALL));
  cr_assert (g_utf8_validate (e, -1, NULL));
}

Test (escape, every_byte_sequence_is_told_back)
{
  GRand *rand = g_rand_new_with_seed (20261128);
  for (int round = 0; round < 2000; round++)
    {
      guint8 bytes[64];
      gsize len = (gsize) g_rand_int_range (rand, 0, sizeof bytes);
      for (gsize i = 0; i < len; i++)
        bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
      g_autofree char *e = escaped ((const char *) bytes, len);
      cr_assert (g_utf8_validate (e, -1, NULL));
      for (char *p = e; *p; p = g_utf8_next_char (p))
        cr_assert_not (g_unichar_iscntrl (g_utf8_get_char (p)), "control character in '%s'", e);
      g_autoptr(GString) back = unescaped (e);
      cr_assert_eq (back->len, len);
      cr_assert_eq (memcmp (back->str, bytes, len), 0);
    }
  g_rand_free (rand);
}

Test (escape, raw_records_keep_their_line_breaks_and_tabs)
{
  const char data[] = "a\tb\r\n\"c\nd\"\x1b\x00";
  GString *out = g_string_new (NULL);
  escape_append (out, data, sizeof data - 1, ESCAPE_KEEP_SPACE, G_MAXSIZE);
  g_autofree char *e = g_string_free (out, FALSE);
  cr_assert_str_eq (e, "a\tb\r\n\"c\nd\"\\x1B\\x00");
  cr_assert (escape_is_plain ("a\tb\n", 4, ESCAPE_KEEP_SPACE));
  cr_assert_not (escape_is_plain ("a\tb\n", 4, ESCAPE_ALL));
}

Test (escape, a_limit_never_cuts_an_escape_or_a_character)
{
  const char data[] = "ab\xff\xc3\xa9\\";
  for (gsize max = 0; max <= 12; max++)
    {
      GString *out = g_string_new (NULL);
      escape_append (out, data, sizeof data - 1, ESCAPE_ALL, max);
      g_autofree char *e = g_string_free (out, FALSE);
      cr_assert_leq (strlen (e), max);
      /* always a prefix made of whole units */
      static const char *const whole[] = { "", "a", "ab", "ab\\xFF", "ab\\xFF\xc3\xa9",
                                           "ab\\xFF\xc3\xa9\\\\" };
      gboolean found = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (whole); k++)
        found |= g_str_equal (e, whole[k]) && (k + 1 == G_N_ELEMENTS (whole)
                                                 || strlen (whole[k + 1]) > max);
      cr_assert (found, "limit %zu gave '%s'", max, e);
    }
}

Test (escape, text_of_a_listing_keeps_utf8_and_escapes_line_breaks_and_tabs)
{
  g_autofree char *plain = escape_text ("Gutschrift Straße · 5 €");
  g_autofree char *controls = escape_text ("two\tcells\nand a line");
  g_autofree char *none = escape_text (NULL);
  cr_assert_str_eq (plain, "Gutschrift Straße · 5 €");
  cr_assert_str_eq (controls, "two\\x09cells\\x0Aand a line");
  cr_assert_str_eq (none, "");
}
