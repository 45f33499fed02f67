/* number.c — normalisation of CDR party numbers to E.164 digits (billing.md §3).
 *
 * Two stages, no allocation.  The scan reduces the raw bytes to a NumberScan:
 * a leading '+' flag, the digits (the first SCAN_MAX_DIGITS of them kept, all
 * counted) and the number of trailing '*' (masked digits).  Resolution then
 * applies the numbering rules of the context country in the order of §3:
 * '+digits'; international prefix; trunk prefix; NANP 10 digits; short codes;
 * otherwise international.
 *
 * Masked positions count as digits wherever a rule looks at a length (the
 * short-code and NANP tests, "long enough for a national number", the 15-digit
 * maximum), because they stand for real digits; only the visible digits are
 * stored, and the 3-digit minimum applies to those.
 *
 * Beyond the letter of §3, two things follow from "no E.164 country code
 * starts with 0":
 * - "+44 (0)20 ..." — a "(0)" right after a '+' and a country code is the
 *   written trunk prefix and is dropped;
 * - in a country without a trunk prefix, a number starting with 0 is national
 *   (Italy, San Marino, the Vatican, Côte d'Ivoire keep the 0 inside the
 *   national number): the calling code is prepended, the 0 kept.
 */
#include "config.h"

#include "catalog/number.h"

#include <string.h>

/* More digits than this can never shrink to 15: no prefix is over 4 digits. */
#define SCAN_MAX_DIGITS 32
/* A digit string shorter than this is a short code (billing.md §3 step 5). */
#define SHORT_CODE_DIGITS 7
#define NUMBER_MIN_DIGITS 3

typedef struct {
  char digits[SCAN_MAX_DIGITS];  /* the first digits seen, not NUL-terminated */
  gsize n;                       /* digits seen, may exceed SCAN_MAX_DIGITS */
  gsize masked;                  /* trailing '*' seen */
  gboolean plus;                 /* a '+' came before the first digit */
} NumberScan;

/* ---- scan ---------------------------------------------------------------- */

static void
trim_spaces (const char **begin, const char **end)
{
  while (*begin < *end && g_ascii_isspace (**begin))
    (*begin)++;
  while (*end > *begin && g_ascii_isspace ((*end)[-1]))
    (*end)--;
}

/* Skip a "tel:", "sip:" or "sips:" scheme, any case. */
static const char *
skip_scheme (const char *begin, const char *end)
{
  static const char * const schemes[] = { "tel:", "sip:", "sips:" };

  for (gsize i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      gsize len = strlen (schemes[i]);

      if ((gsize) (end - begin) >= len
          && g_ascii_strncasecmp (begin, schemes[i], len) == 0)
        return begin + len;
    }
  return begin;
}

/* End the number at the first '@' (host) or ';' (URI parameters). */
static const char *
cut_host_and_params (const char *begin, const char *end)
{
  for (const char *p = begin; p < end; p++)
    if (*p == '@' || *p == ';')
      return p;
  return end;
}

static gboolean
is_separator (char c)
{
  return g_ascii_isspace (c) || c == '-' || c == '.' || c == '(' || c == ')';
}

/* "(0)" right after "+" and a 1- to 3-digit country code: the written trunk
 * prefix of "+44 (0)20 7946 0000". */
static gboolean
is_written_trunk (const char *p, const char *end, const NumberScan *scan)
{
  return scan->plus && scan->n >= 1 && scan->n <= 3 && scan->masked == 0
         && end - p >= 3 && p[0] == '(' && p[1] == '0' && p[2] == ')';
}

static void
scan_push_digit (NumberScan *scan, char c)
{
  if (scan->n < SCAN_MAX_DIGITS)
    scan->digits[scan->n] = c;
  scan->n++;
}

/* Classify every byte of [p, end): digits, one leading '+', trailing '*',
 * separators.  Anything else is text. */
static NumberStatus
scan_chars (const char *p, const char *end, NumberScan *scan)
{
  for (; p < end; p++)
    {
      char c = *p;

      if (g_ascii_isdigit (c))
        {
          if (scan->masked > 0)
            return NUMBER_TEXT;      /* '*' that is not trailing */
          scan_push_digit (scan, c);
        }
      else if (c == '*')
        scan->masked++;
      else if (c == '+' && !scan->plus && scan->n == 0 && scan->masked == 0)
        scan->plus = TRUE;
      else if (is_written_trunk (p, end, scan))
        p += 2;
      else if (!is_separator (c))
        return NUMBER_TEXT;
    }
  return scan->n == 0 ? NUMBER_EMPTY : NUMBER_OK;
}

static NumberStatus
scan_number (const char *text, gsize len, NumberScan *scan)
{
  const char *begin;
  const char *end;

  memset (scan, 0, sizeof *scan);
  if (text == NULL)
    return NUMBER_EMPTY;
  begin = text;
  end = text + len;
  trim_spaces (&begin, &end);
  begin = skip_scheme (begin, end);
  end = cut_host_and_params (begin, end);
  return scan_chars (begin, end, scan);
}

/* ---- resolve ------------------------------------------------------------- */

/* Write HEAD followed by the scanned digits from index OFFSET on; the masked
 * positions count towards the 15-digit maximum but are not written. */
static NumberStatus
emit (const NumberScan *scan, const char *head, gsize offset, RaterNumber *out)
{
  gsize head_len = strlen (head);
  gsize tail_n = scan->n - offset;
  gsize total = head_len + tail_n;

  if (total < NUMBER_MIN_DIGITS)
    return NUMBER_TOO_SHORT;
  if (total + scan->masked > NUMBER_MAX_DIGITS)
    return NUMBER_TOO_LONG;
  memcpy (out->digits, head, head_len);
  memcpy (out->digits + head_len, scan->digits + offset, tail_n);
  out->digits[total] = '\0';
  out->len = (guint8) total;
  out->masked = scan->masked > 0;
  return NUMBER_OK;
}

static gboolean
scan_has_prefix (const NumberScan *scan, const char *prefix)
{
  gsize len = strlen (prefix);

  return len > 0 && scan->n >= len && memcmp (scan->digits, prefix, len) == 0;
}

/* Digits plus masked positions from OFFSET on. */
static gsize
scan_positions (const NumberScan *scan, gsize offset)
{
  return scan->n - offset + scan->masked;
}

/* Steps 3 to 6: a number without '+' or international prefix, in CTX. */
static NumberStatus
resolve_national (const NumberScan *scan, const RaterCountry *ctx, RaterNumber *out)
{
  gsize trunk_len = strlen (ctx->trunk_prefix);

  if (scan_has_prefix (scan, ctx->trunk_prefix)
      && scan_positions (scan, trunk_len) >= ctx->nsn_min)
    return emit (scan, ctx->nanp ? "1" : ctx->calling_code, trunk_len, out);
  if (ctx->nanp && scan_positions (scan, 0) == 10)
    return emit (scan, "1", 0, out);
  if (scan_positions (scan, 0) < SHORT_CODE_DIGITS)
    return emit (scan, ctx->calling_code, 0, out);
  if (trunk_len == 0 && scan->digits[0] == '0'
      && scan_positions (scan, 0) >= ctx->nsn_min)
    return emit (scan, ctx->calling_code, 0, out);
  return emit (scan, "", 0, out);
}

static NumberStatus
resolve (const NumberScan *scan, const RaterCountry *ctx, RaterNumber *out)
{
  if (scan->plus)
    return emit (scan, "", 0, out);
  if (ctx == NULL)
    {
      if (scan->digits[0] == '0' || scan_positions (scan, 0) < SHORT_CODE_DIGITS)
        return NUMBER_NO_CONTEXT;
      return emit (scan, "", 0, out);
    }
  if (scan_has_prefix (scan, ctx->intl_prefix))
    return emit (scan, "", strlen (ctx->intl_prefix), out);
  return resolve_national (scan, ctx, out);
}

NumberStatus
number_normalise (const char *text, gsize len, const RaterCountry *ctx,
                  RaterNumber *out)
{
  NumberScan scan;
  NumberStatus status;

  g_return_val_if_fail (out != NULL, NUMBER_EMPTY);

  memset (out, 0, sizeof *out);
  status = scan_number (text, len, &scan);
  if (status == NUMBER_OK)
    status = resolve (&scan, ctx, out);
  if (status != NUMBER_OK)
    memset (out, 0, sizeof *out);
  return status;
}

const char *
number_status_to_string (NumberStatus status)
{
  switch (status)
    {
    case NUMBER_OK:
      return "ok";
    case NUMBER_EMPTY:
      return "no digits";
    case NUMBER_TEXT:
      return "letters in number";
    case NUMBER_NO_CONTEXT:
      return "national number without a country context";
    case NUMBER_TOO_SHORT:
      return "fewer than 3 digits";
    case NUMBER_TOO_LONG:
      return "more than 15 digits";
    }
  return "unknown number status";
}
