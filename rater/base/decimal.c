/* decimal.c — exact decimals as gint64 micro-units (billing.md §2).
 *
 * A value is a signed count of 10^-6 units.  Parsing accumulates the digits
 * as an unsigned magnitude checked against the limit of its sign (2^63 - 1
 * for positive, 2^63 for negative values), so overflow is detected exactly
 * and G_MININT64 itself parses.  Products go through a 128-bit intermediate.
 *
 * A result that does not fit in gint64 (rounding G_MAXINT64 up, A * B / D
 * beyond the range), a divisor <= 0 or more than 6 decimals are programmer
 * errors: amounts of that size cannot come from validated input.  They fail
 * an assertion (SIGABRT) rather than saturate or wrap, because a wrong amount
 * of money must never be written; unlike g_assert() the check is kept under
 * G_DISABLE_ASSERT.
 *
 * No floating point anywhere.
 */
#include "config.h"

#include <string.h>

#include "base/decimal.h"

__extension__ typedef __int128 Int128;

/* 10^k for k = 0..6 */
static const gint64 pow10_table[7] = {
  1, 10, 100, 1000, 10000, 100000, 1000000,
};

/* g_assert() that G_DISABLE_ASSERT cannot remove. */
#define DECIMAL_CHECK(expr)                                               \
  G_STMT_START {                                                          \
    if (G_LIKELY (expr)) ;                                                \
    else                                                                  \
      g_assertion_message_expr (G_LOG_DOMAIN, __FILE__, __LINE__,         \
                                G_STRFUNC, #expr);                        \
  } G_STMT_END

static gint64
unit_of (guint decimals)
{
  DECIMAL_CHECK (decimals <= 6);
  return pow10_table[6 - decimals];
}

/* Q * UNIT, which must fit. */
static gint64
checked_mul (gint64 q, gint64 unit)
{
  gint64 r = 0;

  DECIMAL_CHECK (!__builtin_mul_overflow (q, unit, &r));
  return r;
}

static gint64
int128_to_gint64 (Int128 v)
{
  DECIMAL_CHECK (v >= G_MININT64 && v <= G_MAXINT64);
  return (gint64) v;
}

/* Parsing {{{1 */

typedef struct {
  guint64 mag;       /* magnitude so far, in units of the last digit */
  guint64 limit;     /* largest magnitude allowed for the sign */
  gboolean overflow; /* sticky: mag went past limit */
} Accum;

static inline void
accum_digit (Accum *a, guint digit)
{
  if (a->overflow)
    return;
  if (a->mag > a->limit / 10)
    {
      a->overflow = TRUE;
      return;
    }
  a->mag = a->mag * 10 + digit; /* <= limit + 9: no guint64 wrap */
  if (a->mag > a->limit)
    a->overflow = TRUE;
}

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Consume a run of digits from TEXT[*pos..LEN) into A; returns the count. */
static gsize
accum_digits (Accum *a, const char *text, gsize len, gsize *pos)
{
  gsize start = *pos;

  while (*pos < len && is_digit (text[*pos]))
    accum_digit (a, (guint) (text[(*pos)++] - '0'));
  return *pos - start;
}

DecimalStatus
decimal_parse (const char *text, gsize len, guint max_frac, gint64 *out_micro)
{
  gboolean negative = FALSE;
  gsize pos = 0, n_int, n_frac = 0, i;
  Accum a = { 0, (guint64) G_MAXINT64, FALSE };

  g_return_val_if_fail (max_frac <= 6, DECIMAL_SYNTAX);
  g_return_val_if_fail (text != NULL || len == 0, DECIMAL_SYNTAX);

  if (len > 0 && (text[0] == '+' || text[0] == '-'))
    {
      negative = text[0] == '-';
      pos++;
    }
  if (negative)
    a.limit = (guint64) G_MAXINT64 + 1;

  n_int = accum_digits (&a, text, len, &pos);
  if (n_int == 0)
    return DECIMAL_SYNTAX;
  if (pos < len && text[pos] == '.')
    {
      pos++;
      n_frac = accum_digits (&a, text, len, &pos);
      if (n_frac == 0)
        return DECIMAL_SYNTAX;
    }
  if (pos != len)
    return DECIMAL_SYNTAX;
  if (n_frac > max_frac)
    return DECIMAL_TOO_PRECISE;
  for (i = n_frac; i < 6; i++)
    accum_digit (&a, 0);
  if (a.overflow)
    return DECIMAL_OVERFLOW;

  /* -(2^63) is representable; negate in unsigned arithmetic. */
  *out_micro = negative ? (gint64) (0 - a.mag) : (gint64) a.mag;
  return DECIMAL_OK;
}

const char *
decimal_status_to_string (DecimalStatus status, guint max_frac)
{
  static const char *const too_precise[7] = {
    "decimal places not allowed",
    "more than 1 decimal place",
    "more than 2 decimal places",
    "more than 3 decimal places",
    "more than 4 decimal places",
    "more than 5 decimal places",
    "more than 6 decimal places",
  };

  switch (status)
    {
    case DECIMAL_OK:
      return "ok";
    case DECIMAL_SYNTAX:
      return "not a decimal number";
    case DECIMAL_TOO_PRECISE:
      return too_precise[MIN (max_frac, 6)];
    case DECIMAL_OVERFLOW:
      return "number too large";
    default:
      return "unknown decimal error";
    }
}

/* Rounding {{{1 */

gboolean
decimal_round_half_up_checked (gint64 micro, guint decimals, gint64 *out)
{
  gint64 unit = unit_of (decimals);
  gint64 q = micro / unit, r = micro % unit; /* r has the sign of micro */

  *out = micro;
  if (unit == 1)
    return TRUE;
  if (r >= unit - r)          /* r >= unit / 2, without overflow */
    q++;
  else if (-r >= unit + r)    /* r <= -unit / 2 */
    q--;
  if (!__builtin_mul_overflow (q, unit, out))
    return TRUE;
  *out = 0;
  return FALSE;
}

gint64
decimal_round_half_up (gint64 micro, guint decimals)
{
  gint64 r = 0;

  DECIMAL_CHECK (decimal_round_half_up_checked (micro, decimals, &r));
  return r;
}

gint64
decimal_ceil (gint64 micro, guint decimals)
{
  gint64 unit = unit_of (decimals);
  gint64 q = micro / unit;

  if (micro % unit > 0)
    q++;
  return checked_mul (q, unit);
}

/* round_half_up (A * B / D), exact, as 128 bits. */
static Int128
mul_div_round_half_up (gint64 a, gint64 b, gint64 d)
{
  Int128 p, q, r;

  DECIMAL_CHECK (d > 0);
  p = (Int128) a * b;
  q = p / d;
  r = p % d;                  /* |r| < d <= 2^63: 2|r| fits */
  if (2 * r >= d)
    q++;
  else if (-2 * r >= d)
    q--;
  return q;
}

gint64
decimal_mul_div_round_half_up (gint64 a, gint64 b, gint64 d)
{
  return int128_to_gint64 (mul_div_round_half_up (a, b, d));
}

gboolean
decimal_mul_div_round_half_up_checked (gint64 a, gint64 b, gint64 d, gint64 *out)
{
  Int128 q = mul_div_round_half_up (a, b, d);
  gboolean fits = q >= G_MININT64 && q <= G_MAXINT64;

  *out = fits ? (gint64) q : 0;
  return fits;
}

gint64
decimal_mul_div_ceil (gint64 a, gint64 b, gint64 d)
{
  Int128 p, q;

  DECIMAL_CHECK (d > 0);
  p = (Int128) a * b;
  q = p / d;                  /* truncation: already the ceiling when p < 0 */
  if (p % d > 0)
    q++;
  return int128_to_gint64 (q);
}

/* Formatting {{{1 */

/* Write the decimal digits of V into BUF (no NUL); returns the count. */
static gsize
put_uint (guint64 v, char *buf)
{
  char tmp[24];
  gsize n = 0, i;

  do
    {
      tmp[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  for (i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  return n;
}

/* Exactly WIDTH digits of V, zero-padded. */
static void
put_uint_width (guint64 v, guint width, char *buf)
{
  while (width > 0)
    {
      buf[--width] = (char) ('0' + v % 10);
      v /= 10;
    }
}

char *
decimal_format (gint64 micro, guint decimals, char *buf)
{
  /* Work on the unsigned magnitude so that no input can overflow. */
  guint64 mag = micro < 0 ? 0 - (guint64) micro : (guint64) micro;
  guint64 unit = (guint64) unit_of (decimals);
  guint64 ip = mag / 1000000, fp = mag % 1000000;
  guint64 fq = fp / unit, rem = fp % unit;
  gsize n = 0;

  if (unit > 1 && rem >= unit - rem)
    fq++;
  if (fq == (guint64) pow10_table[decimals])
    {
      ip++;
      fq = 0;
    }
  if (micro < 0 && (ip != 0 || fq != 0))
    buf[n++] = '-';
  n += put_uint (ip, buf + n);
  if (decimals > 0)
    {
      buf[n++] = '.';
      put_uint_width (fq, decimals, buf + n);
      n += decimals;
    }
  buf[n] = '\0';
  return buf;
}

/* Currencies {{{1 */

typedef struct {
  char code[4];
  gint8 minor;
} Currency;

/* ISO 4217 list one (active codes), sorted by code.  Fund codes (BOV, CHE,
 * CHW, CLF, COU, MXV, USN, UYI, UYW) are included; CLF and UYW have 4 minor
 * units, the only values above 3.  Codes whose minor unit is "N.A." (precious
 * metals XAU/XAG/XPD/XPT, bond units XBA..XBD, XDR, XSU, XUA, XTS, XXX) are
 * left out: nothing can be invoiced in them, so they answer -1. */
static const Currency currencies[] = {
  { "AED", 2 }, { "AFN", 2 }, { "ALL", 2 }, { "AMD", 2 }, { "ANG", 2 },
  { "AOA", 2 }, { "ARS", 2 }, { "AUD", 2 }, { "AWG", 2 }, { "AZN", 2 },
  { "BAM", 2 }, { "BBD", 2 }, { "BDT", 2 }, { "BGN", 2 }, { "BHD", 3 },
  { "BIF", 0 }, { "BMD", 2 }, { "BND", 2 }, { "BOB", 2 }, { "BOV", 2 },
  { "BRL", 2 }, { "BSD", 2 }, { "BTN", 2 }, { "BWP", 2 }, { "BYN", 2 },
  { "BZD", 2 }, { "CAD", 2 }, { "CDF", 2 }, { "CHE", 2 }, { "CHF", 2 },
  { "CHW", 2 }, { "CLF", 4 }, { "CLP", 0 }, { "CNY", 2 }, { "COP", 2 },
  { "COU", 2 }, { "CRC", 2 }, { "CUC", 2 }, { "CUP", 2 }, { "CVE", 2 },
  { "CZK", 2 }, { "DJF", 0 }, { "DKK", 2 }, { "DOP", 2 }, { "DZD", 2 },
  { "EGP", 2 }, { "ERN", 2 }, { "ETB", 2 }, { "EUR", 2 }, { "FJD", 2 },
  { "FKP", 2 }, { "GBP", 2 }, { "GEL", 2 }, { "GHS", 2 }, { "GIP", 2 },
  { "GMD", 2 }, { "GNF", 0 }, { "GTQ", 2 }, { "GYD", 2 }, { "HKD", 2 },
  { "HNL", 2 }, { "HTG", 2 }, { "HUF", 2 }, { "IDR", 2 }, { "ILS", 2 },
  { "INR", 2 }, { "IQD", 3 }, { "IRR", 2 }, { "ISK", 0 }, { "JMD", 2 },
  { "JOD", 3 }, { "JPY", 0 }, { "KES", 2 }, { "KGS", 2 }, { "KHR", 2 },
  { "KMF", 0 }, { "KPW", 2 }, { "KRW", 0 }, { "KWD", 3 }, { "KYD", 2 },
  { "KZT", 2 }, { "LAK", 2 }, { "LBP", 2 }, { "LKR", 2 }, { "LRD", 2 },
  { "LSL", 2 }, { "LYD", 3 }, { "MAD", 2 }, { "MDL", 2 }, { "MGA", 2 },
  { "MKD", 2 }, { "MMK", 2 }, { "MNT", 2 }, { "MOP", 2 }, { "MRU", 2 },
  { "MUR", 2 }, { "MVR", 2 }, { "MWK", 2 }, { "MXN", 2 }, { "MXV", 2 },
  { "MYR", 2 }, { "MZN", 2 }, { "NAD", 2 }, { "NGN", 2 }, { "NIO", 2 },
  { "NOK", 2 }, { "NPR", 2 }, { "NZD", 2 }, { "OMR", 3 }, { "PAB", 2 },
  { "PEN", 2 }, { "PGK", 2 }, { "PHP", 2 }, { "PKR", 2 }, { "PLN", 2 },
  { "PYG", 0 }, { "QAR", 2 }, { "RON", 2 }, { "RSD", 2 }, { "RUB", 2 },
  { "RWF", 0 }, { "SAR", 2 }, { "SBD", 2 }, { "SCR", 2 }, { "SDG", 2 },
  { "SEK", 2 }, { "SGD", 2 }, { "SHP", 2 }, { "SLE", 2 }, { "SLL", 2 },
  { "SOS", 2 }, { "SRD", 2 }, { "SSP", 2 }, { "STN", 2 }, { "SVC", 2 },
  { "SYP", 2 }, { "SZL", 2 }, { "THB", 2 }, { "TJS", 2 }, { "TMT", 2 },
  { "TND", 3 }, { "TOP", 2 }, { "TRY", 2 }, { "TTD", 2 }, { "TWD", 2 },
  { "TZS", 2 }, { "UAH", 2 }, { "UGX", 0 }, { "USD", 2 }, { "USN", 2 },
  { "UYI", 0 }, { "UYU", 2 }, { "UYW", 4 }, { "UZS", 2 }, { "VED", 2 },
  { "VES", 2 }, { "VND", 0 }, { "VUV", 0 }, { "WST", 2 }, { "XAF", 0 },
  { "XCD", 2 }, { "XCG", 2 }, { "XOF", 0 }, { "XPF", 0 }, { "YER", 2 },
  { "ZAR", 2 }, { "ZMW", 2 }, { "ZWG", 2 }, { "ZWL", 2 },
};

static gboolean
is_currency_shape (const char *code)
{
  int i;

  for (i = 0; i < 3; i++)
    if (code[i] < 'A' || code[i] > 'Z')
      return FALSE;
  return code[3] == '\0';
}

/* Returns the ISO 4217 minor units of CODE, -1 if unknown.  CLF and UYW answer
 * 4 (the header's "0..3" covers every circulating currency). */
int
currency_minor_units (const char *code)
{
  gsize lo = 0, hi = G_N_ELEMENTS (currencies);

  if (code == NULL || !is_currency_shape (code))
    return -1;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      int c = memcmp (code, currencies[mid].code, 3);

      if (c == 0)
        return currencies[mid].minor;
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return -1;
}
