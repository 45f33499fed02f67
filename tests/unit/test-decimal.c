/* test-decimal.c — unit tests of decimal.c: parsing, rounding, exact
 * mul-div, formatting and ISO 4217 minor units, including the arithmetic of
 * the worked examples of billing.md §9.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "base/decimal.h"

/* Helpers {{{1 */

static DecimalStatus
parse (const char *text, guint max_frac, gint64 *out)
{
  return decimal_parse (text, strlen (text), max_frac, out);
}

static void
expect_value (const char *text, guint max_frac, gint64 expected)
{
  gint64 v = 0x5a5a;

  cr_assert_eq (parse (text, max_frac, &v), DECIMAL_OK, "'%s' should parse", text);
  cr_assert_eq (v, expected, "'%s' gave %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                text, v, expected);
}

static void
expect_status (const char *text, guint max_frac, DecimalStatus expected)
{
  gint64 v = 0x5a5a;

  cr_assert_eq (parse (text, max_frac, &v), expected, "'%s': status", text);
  cr_assert_eq (v, 0x5a5a, "'%s': output written on failure", text);
}

static void
expect_format (gint64 micro, guint decimals, const char *expected)
{
  char buf[32];

  cr_assert_str_eq (decimal_format (micro, decimals, buf), expected,
                    "format(%" G_GINT64_FORMAT ", %u)", micro, decimals);
}

/* Parsing {{{1 */

Test (decimal_parse, plain_values)
{
  expect_value ("0.100000", 6, 100000);
  expect_value ("0", 6, 0);
  expect_value ("-0", 6, 0);
  expect_value ("-3", 6, -3000000);
  expect_value ("+1.5", 6, 1500000);
  expect_value ("1.000001", 6, 1000001);
  expect_value ("0.000001", 6, 1);
  expect_value ("-0.000001", 6, -1);
  expect_value ("007.50", 6, 7500000);
  expect_value ("10.00", 2, 10000000);
  expect_value ("42", 0, 42000000);
}

Test (decimal_parse, tax_rate_precision)
{
  expect_value ("8.875", 4, 8875000);
  expect_value ("8.8750", 4, 8875000);
  expect_status ("8.87501", 4, DECIMAL_TOO_PRECISE);
  expect_status ("1.1234567", 6, DECIMAL_TOO_PRECISE);
  expect_status ("1.5", 0, DECIMAL_TOO_PRECISE);
  /* trailing zeros count as digits: the rule is about what is written */
  expect_status ("1.0000000", 6, DECIMAL_TOO_PRECISE);
}

Test (decimal_parse, syntax_errors)
{
  static const char *const bad[] = {
    "", ".", "1.", ".5", "1e3", "1,5", " 1", "1 ", "--1", "+-1", "-", "+",
    "1.2.3", "0x10", "abc", "1-", "\xd9\xa1", "1.5e", "-.5", "+.",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    expect_status (bad[i], 6, DECIMAL_SYNTAX);
}

Test (decimal_parse, syntax_beats_precision_and_overflow)
{
  expect_status ("1.1234567x", 6, DECIMAL_SYNTAX);
  expect_status ("99999999999999999999x", 6, DECIMAL_SYNTAX);
  expect_status ("99999999999999999999.1234567", 6, DECIMAL_TOO_PRECISE);
}

Test (decimal_parse, exact_limits)
{
  expect_value ("9223372036854.775807", 6, G_MAXINT64);
  expect_value ("+9223372036854.775807", 6, G_MAXINT64);
  expect_value ("-9223372036854.775808", 6, G_MININT64);
  expect_value ("-9223372036854.775807", 6, G_MININT64 + 1);
  expect_value ("0009223372036854.775807", 6, G_MAXINT64);
  expect_status ("9223372036854.775808", 6, DECIMAL_OVERFLOW);
  expect_status ("-9223372036854.775809", 6, DECIMAL_OVERFLOW);
  expect_status ("9223372036855", 6, DECIMAL_OVERFLOW);
  expect_value ("9223372036854", 6, G_GINT64_CONSTANT (9223372036854000000));
  expect_status ("9223372036854.8", 6, DECIMAL_OVERFLOW);
  expect_status ("18446744073709551616", 6, DECIMAL_OVERFLOW);
  expect_status ("99999999999999999999999999999999999999999999999999", 6,
                 DECIMAL_OVERFLOW);
  expect_status ("-99999999999999999999999999999999999999999999999999.5", 6,
                 DECIMAL_OVERFLOW);
}

Test (decimal_parse, not_nul_terminated)
{
  const char text[] = "12.345678";
  gint64 v = 0;

  cr_assert_eq (decimal_parse (text, 5, 6, &v), DECIMAL_OK);
  cr_assert_eq (v, 12340000);
  cr_assert_eq (decimal_parse (text, 2, 6, &v), DECIMAL_OK);
  cr_assert_eq (v, 12000000);
  cr_assert_eq (decimal_parse (text, 3, 6, &v), DECIMAL_SYNTAX);
  cr_assert_eq (decimal_parse (text, 0, 6, &v), DECIMAL_SYNTAX);
  cr_assert_eq (decimal_parse (NULL, 0, 6, &v), DECIMAL_SYNTAX);
}

Test (decimal_parse, status_strings)
{
  cr_assert_str_eq (decimal_status_to_string (DECIMAL_TOO_PRECISE, 6),
                    "more than 6 decimal places");
  cr_assert_str_eq (decimal_status_to_string (DECIMAL_TOO_PRECISE, 4),
                    "more than 4 decimal places");
  cr_assert_str_eq (decimal_status_to_string (DECIMAL_TOO_PRECISE, 1),
                    "more than 1 decimal place");
  cr_assert_str_eq (decimal_status_to_string (DECIMAL_SYNTAX, 6), "not a decimal number");
  cr_assert_str_eq (decimal_status_to_string (DECIMAL_OVERFLOW, 6), "number too large");
  cr_assert_str_eq (decimal_status_to_string (DECIMAL_OK, 6), "ok");
}

/* Rounding {{{1 */

Test (decimal_round, half_up_positive)
{
  cr_assert_eq (decimal_round_half_up (16667, 2), 20000);
  cr_assert_eq (decimal_round_half_up (15000, 2), 20000);
  cr_assert_eq (decimal_round_half_up (14999, 2), 10000);
  cr_assert_eq (decimal_round_half_up (2500000, 0), 3000000);
  cr_assert_eq (decimal_round_half_up (2499999, 0), 2000000);
  cr_assert_eq (decimal_round_half_up (1234500, 3), 1235000);
  cr_assert_eq (decimal_round_half_up (1234499, 3), 1234000);
  cr_assert_eq (decimal_round_half_up (123456, 6), 123456);
  cr_assert_eq (decimal_round_half_up (123455, 5), 123460);
  cr_assert_eq (decimal_round_half_up (0, 0), 0);
}

Test (decimal_round, half_up_negative_ties_away_from_zero)
{
  cr_assert_eq (decimal_round_half_up (-2500000, 0), -3000000);
  cr_assert_eq (decimal_round_half_up (-2499999, 0), -2000000);
  cr_assert_eq (decimal_round_half_up (-15000, 2), -20000);
  cr_assert_eq (decimal_round_half_up (-14999, 2), -10000);
  cr_assert_eq (decimal_round_half_up (-5000, 2), -10000);
  cr_assert_eq (decimal_round_half_up (-4999, 2), 0);
  cr_assert_eq (decimal_round_half_up (-123455, 5), -123460);
  cr_assert_eq (decimal_round_half_up (-1, 6), -1);
}

Test (decimal_round, ceil_towards_plus_infinity)
{
  cr_assert_eq (decimal_ceil (16667, 2), 20000);
  cr_assert_eq (decimal_ceil (20000, 2), 20000);
  cr_assert_eq (decimal_ceil (1, 0), 1000000);
  cr_assert_eq (decimal_ceil (0, 0), 0);
  cr_assert_eq (decimal_ceil (-1, 0), 0);
  cr_assert_eq (decimal_ceil (-16667, 2), -10000);
  cr_assert_eq (decimal_ceil (-2500000, 0), -2000000);
  cr_assert_eq (decimal_ceil (-3000000, 0), -3000000);
  cr_assert_eq (decimal_ceil (300000, 2), 300000);
  cr_assert_eq (decimal_ceil (123456, 6), 123456);
}

Test (decimal_round, extremes_that_fit)
{
  cr_assert_eq (decimal_round_half_up (G_MAXINT64, 6), G_MAXINT64);
  cr_assert_eq (decimal_round_half_up (G_MININT64, 6), G_MININT64);
  cr_assert_eq (decimal_round_half_up (G_GINT64_CONSTANT (9223372036854000000) + 499999, 0),
                G_GINT64_CONSTANT (9223372036854000000));
  cr_assert_eq (decimal_ceil (G_MININT64, 0), G_GINT64_CONSTANT (-9223372036854000000));
  cr_assert_eq (decimal_ceil (G_MAXINT64 - 775807, 0), G_MAXINT64 - 775807);
}

/* Overflow of a result is a programmer error: an assertion aborts the
 * process, the amount never wraps or saturates. */
Test (decimal_round, overflow_is_fatal, .signal = SIGABRT)
{
  decimal_round_half_up (G_MAXINT64, 0);
}

Test (decimal_mul_div, overflow_is_fatal, .signal = SIGABRT)
{
  decimal_mul_div_ceil (G_MAXINT64, 2, 1);
}

/* The checked variants, for sums of stored amounts: FALSE and 0 instead. */
Test (decimal_round, checked_variants_report_overflow)
{
  gint64 out = 7;
  cr_assert_not (decimal_round_half_up_checked (G_MAXINT64, 0, &out));
  cr_assert_eq (out, 0);
  cr_assert_not (decimal_round_half_up_checked (G_MININT64, 2, &out));
  cr_assert (decimal_round_half_up_checked (G_MAXINT64, 6, &out));
  cr_assert_eq (out, G_MAXINT64);
  cr_assert (decimal_round_half_up_checked (G_GINT64_CONSTANT (9223372036854000000) + 499999, 0, &out));
  cr_assert_eq (out, G_GINT64_CONSTANT (9223372036854000000));
  cr_assert (decimal_round_half_up_checked (-15000, 2, &out));
  cr_assert_eq (out, -20000);
  cr_assert (decimal_round_half_up_checked (14999, 2, &out));
  cr_assert_eq (out, 10000);
  out = 7;
  cr_assert_not (decimal_mul_div_round_half_up_checked (G_MAXINT64, 2, 1, &out));
  cr_assert_eq (out, 0);
  cr_assert (decimal_mul_div_round_half_up_checked (G_MAXINT64, G_MAXINT64, G_MAXINT64, &out));
  cr_assert_eq (out, G_MAXINT64);
  cr_assert (decimal_mul_div_round_half_up_checked (10000000, 15, 31, &out));
  cr_assert_eq (out, 4838710);
}

Test (decimal_mul_div, zero_divisor_is_fatal, .signal = SIGABRT)
{
  decimal_mul_div_round_half_up (1, 1, 0);
}

Test (decimal_mul_div, negative_divisor_is_fatal, .signal = SIGABRT)
{
  decimal_mul_div_ceil (1, 1, -3);
}

Test (decimal_round, min_rounded_down_is_fatal, .signal = SIGABRT)
{
  decimal_round_half_up (G_MININT64, 2);
}

Test (decimal_round, too_many_decimals_is_fatal, .signal = SIGABRT)
{
  decimal_ceil (1, 7);
}

/* Exact mul-div {{{1 */

Test (decimal_mul_div, ceil)
{
  cr_assert_eq (decimal_mul_div_ceil (61, 20000, 60), 20334);
  cr_assert_eq (decimal_mul_div_ceil (60, 20000, 60), 20000);
  cr_assert_eq (decimal_mul_div_ceil (0, 20000, 60), 0);
  cr_assert_eq (decimal_mul_div_ceil (-61, 20000, 60), -20333);
  cr_assert_eq (decimal_mul_div_ceil (61, -20000, 60), -20333);
  cr_assert_eq (decimal_mul_div_ceil (1, 1, 3), 1);
  cr_assert_eq (decimal_mul_div_ceil (-1, 1, 3), 0);
}

Test (decimal_mul_div, round_half_up)
{
  cr_assert_eq (decimal_mul_div_round_half_up (10000000, 15, 30), 5000000);
  cr_assert_eq (decimal_mul_div_round_half_up (10000000, 15, 31), 4838710);
  cr_assert_eq (decimal_mul_div_round_half_up (1, 1, 2), 1);
  cr_assert_eq (decimal_mul_div_round_half_up (-1, 1, 2), -1);
  cr_assert_eq (decimal_mul_div_round_half_up (1, 1, 3), 0);
  cr_assert_eq (decimal_mul_div_round_half_up (2, 1, 3), 1);
  cr_assert_eq (decimal_mul_div_round_half_up (-2, 1, 3), -1);
  cr_assert_eq (decimal_mul_div_round_half_up (3, 1, 2), 2);
  cr_assert_eq (decimal_mul_div_round_half_up (-3, 1, 2), -2);
}

Test (decimal_mul_div, needs_128_bits)
{
  /* the product overflows 64 bits, the quotient does not */
  cr_assert_eq (decimal_mul_div_ceil (G_MAXINT64, G_MAXINT64, G_MAXINT64), G_MAXINT64);
  cr_assert_eq (decimal_mul_div_round_half_up (G_MININT64, 3, 3), G_MININT64);
  cr_assert_eq (decimal_mul_div_round_half_up (G_GINT64_CONSTANT (4000000000000000000), 10, 20),
                G_GINT64_CONSTANT (2000000000000000000));
  cr_assert_eq (decimal_mul_div_ceil (G_GINT64_CONSTANT (3000000000000000001), 3, 9),
                G_GINT64_CONSTANT (1000000000000000001));
}

/* billing.md §9, as arithmetic {{{1 */

Test (billing_examples, call_charges)
{
  /* 1: 4420 peak, 61 s at 0.020000/min, 1/1 after the first 60 */
  cr_assert_eq (decimal_mul_div_ceil (61, 20000, 60), 20334);
  /* 2: offpeak 0.010000 */
  cr_assert_eq (decimal_mul_div_ceil (61, 10000, 60), 10167);
  /* 3: weekend -> offpeak, billable 60 */
  cr_assert_eq (decimal_mul_div_ceil (60, 10000, 60), 10000);
  /* 4: 447, 60/60, billable 120, connect fee 0.05 */
  cr_assert_eq (50000 + decimal_mul_div_ceil (120, 250000, 60), 550000);
  /* 5: 44 at 0.1, 10 s: ceil of 16666.67 */
  cr_assert_eq (decimal_mul_div_ceil (10, 100000, 60), 16667);
  /* 7: inbound toll-free 100 s at 0.03 */
  cr_assert_eq (decimal_mul_div_ceil (100, 30000, 60), 50000);
  /* 10: call_decimals 2, billable 60 */
  cr_assert_eq (decimal_ceil (50000 + decimal_mul_div_ceil (60, 250000, 60), 2), 300000);
  /* 11: example 5 with call_decimals 2 */
  cr_assert_eq (decimal_ceil (16667, 2), 20000);
  /* 12: summer peak, 60 s */
  cr_assert_eq (decimal_mul_div_ceil (60, 20000, 60), 20000);
  /* bundle: B pays 70 s */
  cr_assert_eq (decimal_mul_div_ceil (70, 20000, 60), 23334);
}

Test (billing_examples, proration)
{
  gint64 fee = 0;

  cr_assert_eq (parse ("10.00", 6, &fee), DECIMAL_OK);
  cr_assert_eq (decimal_mul_div_round_half_up (fee, 15, 30), 5000000);
  cr_assert_eq (decimal_mul_div_round_half_up (fee, 15, 31), 4838710);
  cr_assert_eq (decimal_round_half_up (4838710, 2), 4840000);
}

Test (billing_examples, tax)
{
  gint64 subtotal = 0, rate = 0, tax_micro, tax, total;
  char buf[32];

  cr_assert_eq (parse ("100.01", 6, &subtotal), DECIMAL_OK);
  cr_assert_eq (parse ("8.875", 4, &rate), DECIMAL_OK);
  cr_assert_eq (subtotal, 100010000);
  cr_assert_eq (rate, 8875000);
  /* subtotal x rate / 100, rate in micro-units: 8.8758875 -> 8.875888 µ-rounded */
  tax_micro = decimal_mul_div_round_half_up (subtotal, rate, 100 * DECIMAL_MICRO);
  cr_assert_eq (tax_micro, 8875888);
  cr_assert_eq (decimal_round_half_up (tax_micro, 2), 8880000);
  /* rounding straight to cents (one rounding step) agrees */
  tax = decimal_mul_div_round_half_up (subtotal, rate, 100 * DECIMAL_MICRO * 10000) * 10000;
  cr_assert_eq (tax, 8880000);
  total = subtotal + tax;
  cr_assert_str_eq (decimal_format (tax, 2, buf), "8.88");
  cr_assert_str_eq (decimal_format (total, 2, buf), "108.89");
}

/* Formatting {{{1 */

Test (decimal_format, decimals)
{
  expect_format (20334, 6, "0.020334");
  expect_format (16667, 6, "0.016667");
  expect_format (16667, 2, "0.02");
  expect_format (-500000, 2, "-0.50");
  expect_format (-12300000, 2, "-12.30");
  expect_format (5000000, 0, "5");
  expect_format (5500000, 0, "6");
  expect_format (-5500000, 0, "-6");
  expect_format (1234500, 3, "1.235");
  expect_format (-1234500, 3, "-1.235");
  expect_format (1234499, 3, "1.234");
  expect_format (994999, 2, "0.99");
  expect_format (995000, 2, "1.00");
  expect_format (999999, 0, "1");
  expect_format (0, 0, "0");
  expect_format (0, 2, "0.00");
  expect_format (0, 6, "0.000000");
  expect_format (108890000, 2, "108.89");
  expect_format (1000000, 3, "1.000");
  expect_format (1, 6, "0.000001");
  expect_format (-1, 6, "-0.000001");
}

Test (decimal_format, no_negative_zero)
{
  expect_format (-1, 2, "0.00");
  expect_format (-4999, 2, "0.00");
  expect_format (-5000, 2, "-0.01");
  expect_format (-499999, 0, "0");
}

Test (decimal_format, extremes)
{
  expect_format (G_MAXINT64, 6, "9223372036854.775807");
  expect_format (G_MININT64, 6, "-9223372036854.775808");
  expect_format (G_MAXINT64, 0, "9223372036855");
  expect_format (G_MININT64, 0, "-9223372036855");
  expect_format (G_MININT64, 2, "-9223372036854.78");
}

Test (decimal_format, round_trip_with_parse)
{
  static const char *const texts[] = {
    "0.000000", "1.500000", "-3.000000", "9223372036854.775807",
    "-9223372036854.775808", "0.020334", "-0.000001",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gint64 v = 0;
      char buf[32];

      cr_assert_eq (parse (texts[i], 6, &v), DECIMAL_OK);
      cr_assert_str_eq (decimal_format (v, 6, buf), texts[i]);
    }
}

/* Currencies {{{1 */

Test (currency, billing_md_list)
{
  static const char *const zero[] = { "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF",
                                      "XPF", "PYG", "RWF", "KMF", "GNF", "DJF", "BIF", "VUV",
                                      "UYI" };
  static const char *const three[] = { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };
  static const char *const two[] = { "EUR", "USD", "GBP", "CHF", "AED", "ZAR", "INR", "CNY",
                                     "AUD", "CAD", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN",
                                     "AFN", "ZWL", "XCD", "HUF", "IDR", "SLE", "VES", "BOV" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (zero); i++)
    cr_assert_eq (currency_minor_units (zero[i]), 0, "%s", zero[i]);
  for (i = 0; i < G_N_ELEMENTS (three); i++)
    cr_assert_eq (currency_minor_units (three[i]), 3, "%s", three[i]);
  for (i = 0; i < G_N_ELEMENTS (two); i++)
    cr_assert_eq (currency_minor_units (two[i]), 2, "%s", two[i]);
}

Test (currency, four_digit_fund_codes)
{
  cr_assert_eq (currency_minor_units ("CLF"), 4);
  cr_assert_eq (currency_minor_units ("UYW"), 4);
}

Test (currency, unknown)
{
  static const char *const bad[] = {
    "eur", "Eur", "EU", "EURO", "", "XXX", "XAU", "XDR", "AAA", "ZZZ", "E1R", "EUR ",
    " EUR", "DEM", "FRF", "HRK",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    cr_assert_eq (currency_minor_units (bad[i]), -1, "'%s'", bad[i]);
  cr_assert_eq (currency_minor_units (NULL), -1);
}

Test (currency, first_and_last)
{
  cr_assert_eq (currency_minor_units ("AED"), 2);
  cr_assert_eq (currency_minor_units ("ZWL"), 2);
  cr_assert_eq (currency_minor_units ("ZWG"), 2);
}
