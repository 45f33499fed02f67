/* decimal.h — exact decimals as integer micro-units (billing.md §2).
 *
 * Money, rates and tax rates enter as decimal text ("0.100000", "8.875") and
 * live as gint64 counts of 10^-6 units.  Parsing refuses more fractional digits
 * than allowed instead of rounding; the rounding helpers implement "round half
 * up" (to nearest, ties away from zero) and "ceil" (towards +infinity) to a
 * number of decimals.  No floating point anywhere.
 */
#pragma once

#include <glib.h>

#define DECIMAL_MICRO G_GINT64_CONSTANT (1000000)

typedef enum {
  DECIMAL_OK = 0,
  DECIMAL_SYNTAX,        /* not [+-]digits[.digits] */
  DECIMAL_TOO_PRECISE,   /* more fractional digits than allowed */
  DECIMAL_OVERFLOW,      /* does not fit in gint64 micro-units */
} DecimalStatus;

/* Parse LEN bytes of TEXT (no surrounding spaces; need not be NUL-terminated):
 * optional sign, at least one digit, optional '.' followed by at least one
 * digit, at most MAX_FRAC (0..6) fractional digits.  "1.", ".5", "1e3", "" are
 * DECIMAL_SYNTAX.  *out_micro receives the value in micro-units. */
DecimalStatus decimal_parse (const char *text, gsize len, guint max_frac,
                             gint64 *out_micro);

/* A short lowercase phrase for a status ("more than 6 decimal places"). */
const char *decimal_status_to_string (DecimalStatus status, guint max_frac);

/* MICRO rounded half up (ties away from zero) to DECIMALS (0..6) places;
 * the result is still in micro-units (a multiple of 10^(6-DECIMALS)). */
gint64 decimal_round_half_up (gint64 micro, guint decimals);

/* decimal_round_half_up into *OUT, or FALSE (*OUT 0) when the result does
 * not fit gint64 — for sums of stored amounts, which no input limit bounds. */
gboolean decimal_round_half_up_checked (gint64 micro, guint decimals, gint64 *out);

/* MICRO rounded towards +infinity to DECIMALS (0..6) places, in micro-units. */
gint64 decimal_ceil (gint64 micro, guint decimals);

/* round_half_up (A * B / D) computed exactly (128-bit intermediate); D > 0.
 * The proration and tax formulas of billing.md §7 are this. */
gint64 decimal_mul_div_round_half_up (gint64 a, gint64 b, gint64 d);

/* decimal_mul_div_round_half_up into *OUT, or FALSE (*OUT 0) when the
 * quotient does not fit gint64. */
gboolean decimal_mul_div_round_half_up_checked (gint64 a, gint64 b, gint64 d, gint64 *out);

/* ceil (A * B / D) computed exactly (128-bit intermediate); D > 0. */
gint64 decimal_mul_div_ceil (gint64 a, gint64 b, gint64 d);

/* Write MICRO with exactly DECIMALS (0..6) places into BUF (at least 32 bytes),
 * rounding half up first when MICRO has more precision: "-12.30", "5", "0.016667".
 * Returns BUF. */
char *decimal_format (gint64 micro, guint decimals, char *buf);

/* ISO 4217: minor units of an active currency code (upper case, 3 letters),
 * 0..3, or -1 when CODE is not an ISO 4217 code. */
int currency_minor_units (const char *code);
