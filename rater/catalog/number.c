/* number.c — normalisation of CDR party numbers to E.164 digits (billing.md §3).
 *
 * Two stages.  The scan reduces the raw bytes to a NumberScan: a leading '+'
 * flag, the digits (the first SCAN_MAX_DIGITS of them kept, all counted) and
 * the number of trailing '*' (masked digits).  Resolution then applies the
 * eight rules of §3 in order, with the context country's dialling metadata
 * from libphonenumber (country_dialling(), phonemeta.h):
 *   1 '+digits': an assigned country calling code must lead;
 *   2 the international prefix (a literal "00"/"011"/"810" or, KR, AU, BR...,
 *     the metadata's pattern): stripped, then as 1;
 *   3 the trunk prefix and a national significant number length after it;
 *   4 NANP and 10 digits;
 *   5 no longer than the country's longest short code (and, where that
 *     length is also a national or local one, a short number the metadata
 *     knows);
 *   6 no trunk prefix in the country and a national length;
 *   7 a local number: shorter than every national number and longer than the
 *     short codes, or of a length the metadata lists as dialled only locally
 *     (never in the few regions with no short-code data: there a short number
 *     cannot be told from a local one and goes on to rule 8);
 *     placed with the area code, else NUMBER_LOCAL;
 *   8 the international and national readings, each checked for validity by
 *     libphonenumber; exactly one valid wins; with an area code, and neither
 *     valid, the local reading (country, area, digits) if it is valid; else
 *     NUMBER_AMBIGUOUS or NUMBER_UNPLACED.
 *
 * Masked positions count as digits wherever a rule looks at a length (they
 * stand for real digits); only the visible digits are stored, and the 3-digit
 * minimum applies to those.  Patterns cannot be checked on hidden digits: in
 * rule 8 a masked reading is "valid" when its length is possible.
 *
 * Without a country context a number needs one unless it carries its
 * country code: '+', or 7 digits or more not starting with 0 that start with
 * an assigned calling code (taken as international, as before rule 8 had a
 * context to compare with).
 *
 * "+44 (0)20 ..." — a "(0)" right after a '+' and a country code is the
 * written trunk prefix and is dropped.
 */
#include "config.h"

#include "catalog/number.h"

#include <string.h>

#include "base/rater-error.h"

/* More digits than this can never shrink to 15: no prefix is over 4 digits. */
#define SCAN_MAX_DIGITS 32
/* Without a country context, fewer digits than this cannot be international. */
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

/* Digits plus masked positions from OFFSET on. */
static gsize
scan_positions (const NumberScan *scan, gsize offset)
{
  return scan->n - offset + scan->masked;
}

static gboolean
has_length (guint32 lengths, gsize len)
{
  return len < 32 && (lengths & (1u << len)) != 0;
}

/* Rule 1 on the digits from OFFSET on: an assigned calling code must lead. */
static NumberStatus
resolve_international (const NumberScan *scan, gsize offset, RaterNumber *out)
{
  if (scan->n > offset && scan->n <= SCAN_MAX_DIGITS
      && phonemeta_calling_code_len (scan->digits + offset, scan->n - offset) == 0)
    return NUMBER_NO_COUNTRY_CODE;
  return emit (scan, "", offset, out);
}

/* Is the whole scan a valid number read as international (country code
 * first)?  Masked: is its length possible in the code's main region? */
static gboolean
valid_as_international (const NumberScan *scan)
{
  gsize cc_len = phonemeta_calling_code_len (scan->digits, MIN (scan->n, SCAN_MAX_DIGITS));
  char code[4];

  if (cc_len == 0 || scan->n > NUMBER_MAX_DIGITS)
    return FALSE;
  if (scan->masked == 0)
    return phonemeta_valid_international (scan->digits, scan->n);
  memcpy (code, scan->digits, cc_len);
  code[cc_len] = '\0';
  const PhoneMetaRegion *region = phonemeta_region_for_code (code);
  return region != NULL && has_length (region->nsn_lengths, scan_positions (scan, cc_len));
}

/* Is HEAD followed by the scan a valid national significant number of META? */
static gboolean
valid_as_national (const NumberScan *scan, const PhoneMetaRegion *meta, const char *head)
{
  gsize head_len = strlen (head);
  char nsn[NUMBER_MAX_DIGITS + NUMBER_MAX_AREA_CODE + 1];

  if (scan->masked > 0)
    return has_length (meta->nsn_lengths, head_len + scan_positions (scan, 0));
  if (head_len + scan->n > NUMBER_MAX_DIGITS)
    return FALSE;
  memcpy (nsn, head, head_len);
  memcpy (nsn + head_len, scan->digits, scan->n);
  return phonemeta_valid_national (meta, nsn, head_len + scan->n);
}

/* Shorter than every national number, or of a length the metadata lists as
 * dialled only within an area. */
static gboolean
is_local_length (const PhoneMetaRegion *meta, gsize len)
{
  return len < meta->nsn_min || has_length (meta->local_lengths, len);
}

/* Rule 5: no longer than the country's short codes.  Where that length is
 * also one of its national or local lengths (CA has 8-digit short codes and
 * 7-digit numbers, GB 6-digit ones and 6-digit local numbers), the short
 * number must be one the metadata knows. */
static gboolean
is_short (const NumberScan *scan, const PhoneMetaRegion *meta)
{
  gsize len = scan_positions (scan, 0);

  if (len > meta->short_max)
    return FALSE;
  if (len < meta->nsn_min && !has_length (meta->local_lengths, len))
    return TRUE;
  return scan->masked == 0 && phonemeta_valid_short (meta, scan->digits, scan->n);
}

/* Rule 7 (once is_short said no): shorter than the national numbers, longer
 * than the short codes or not one of them.  Never in the few regions with
 * no short-code data: there a short number cannot be told from a local one
 * and goes on to rule 8. */
static gboolean
is_local (const NumberScan *scan, const PhoneMetaRegion *meta)
{
  return meta->short_max > 0 && is_local_length (meta, scan_positions (scan, 0));
}

static NumberStatus
resolve_local (const NumberScan *scan, const PhoneMetaRegion *meta, const char *area_code,
               RaterNumber *out)
{
  g_autofree char *head = NULL;

  if (area_code == NULL || area_code[0] == '\0')
    return NUMBER_LOCAL;
  head = g_strconcat (meta->calling_code, area_code, NULL);
  return emit (scan, head, 0, out);
}

/* Rule 8: the international reading against the national one. */
static NumberStatus
resolve_unprefixed (const NumberScan *scan, const PhoneMetaRegion *meta, const char *area_code,
                    RaterNumber *out)
{
  gboolean intl;
  gboolean national;

  if (scan_positions (scan, 0) > NUMBER_MAX_DIGITS)
    return NUMBER_TOO_LONG;
  intl = valid_as_international (scan);
  national = valid_as_national (scan, meta, "");
  if (intl && !national)
    return emit (scan, "", 0, out);
  if (national && !intl)
    return emit (scan, meta->calling_code, 0, out);
  if (intl)
    return NUMBER_AMBIGUOUS;
  if (area_code != NULL && area_code[0] != '\0' && valid_as_national (scan, meta, area_code))
    return resolve_local (scan, meta, area_code, out);
  return NUMBER_UNPLACED;
}

/* Rules 2 to 8: a number without '+', in CTX, whose dialling plan is META.
 * A short code gets CTX's own code, which in NANP names the country ("1876"
 * Jamaica) where the plan's calling code is only "1". */
static NumberStatus
resolve_national (const NumberScan *scan, const RaterCountry *ctx, const PhoneMetaRegion *meta,
                  const char *area_code, RaterNumber *out)
{
  gsize idd_len = phonemeta_intl_prefix_len (meta, scan->digits, MIN (scan->n, SCAN_MAX_DIGITS));
  gsize trunk_len = phonemeta_trunk_prefix_len (meta, scan->digits, MIN (scan->n, SCAN_MAX_DIGITS));
  gsize len = scan_positions (scan, 0);

  if (idd_len > 0)
    return resolve_international (scan, idd_len, out);
  if (trunk_len > 0 && has_length (meta->nsn_lengths, scan_positions (scan, trunk_len)))
    return emit (scan, meta->calling_code, trunk_len, out);
  if (meta->nanp && len == 10)
    return emit (scan, "1", 0, out);
  if (is_short (scan, meta))
    return emit (scan, ctx->calling_code, 0, out);
  if (meta->trunk_prefix[0] == '\0' && has_length (meta->nsn_lengths, len))
    return emit (scan, meta->calling_code, 0, out);
  if (is_local (scan, meta))
    return resolve_local (scan, meta, area_code, out);
  return resolve_unprefixed (scan, meta, area_code, out);
}

/* Without a country: only what carries its own country code. */
static NumberStatus
resolve_without_context (const NumberScan *scan, RaterNumber *out)
{
  if (scan->digits[0] == '0' || scan_positions (scan, 0) < SHORT_CODE_DIGITS
      || scan->n > SCAN_MAX_DIGITS
      || phonemeta_calling_code_len (scan->digits, scan->n) == 0)
    return NUMBER_NO_CONTEXT;
  return emit (scan, "", 0, out);
}

static NumberStatus
resolve (const NumberScan *scan, const RaterCountry *ctx, const char *area_code,
         RaterNumber *out)
{
  if (scan->plus)
    return resolve_international (scan, 0, out);
  if (ctx == NULL)
    return resolve_without_context (scan, out);
  return resolve_national (scan, ctx, country_dialling (ctx), area_code, out);
}

NumberStatus
number_normalise (const char *text, gsize len, const RaterCountry *ctx,
                  const char *area_code, RaterNumber *out)
{
  NumberScan scan;
  NumberStatus status;

  g_return_val_if_fail (out != NULL, NUMBER_EMPTY);

  memset (out, 0, sizeof *out);
  status = scan_number (text, len, &scan);
  if (status == NUMBER_OK)
    status = resolve (&scan, ctx, area_code, out);
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
    case NUMBER_NO_COUNTRY_CODE:
      return "no assigned country calling code after '+' or the international prefix";
    case NUMBER_LOCAL:
      return "local number without area code: give --area-code (source key area_code)";
    case NUMBER_AMBIGUOUS:
      return "valid both as an international number without its prefix and as a national "
             "number without its trunk prefix: the source must write it with '+' or the "
             "trunk prefix";
    case NUMBER_UNPLACED:
      return "valid neither as an international nor as a national number: check --country "
             "(source key country), or give --area-code (source key area_code) if it is "
             "a local number";
    }
  return "unknown number status";
}

gboolean
number_status_is_ambiguous (NumberStatus status)
{
  return status == NUMBER_LOCAL || status == NUMBER_AMBIGUOUS || status == NUMBER_UNPLACED;
}

gboolean
number_area_code_parse (const RaterCountry *country, const char *text, char *out,
                        GError **error)
{
  const PhoneMetaRegion *meta = country_dialling (country);
  gsize n = 0;

  if (meta == NULL)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "an area code needs a country");
      return FALSE;
    }
  for (const char *p = text; p && *p; p++)
    {
      if (*p == ' ' || *p == '-')
        continue;
      if (!g_ascii_isdigit (*p) || n == NUMBER_MAX_AREA_CODE)
        goto bad;
      out[n++] = *p;
    }
  out[n] = '\0';
  if (n > 0 && out[0] == '0' && g_str_equal (meta->trunk_prefix, "0"))
    memmove (out, out + 1, n--);
  if (n >= 1 && n <= NUMBER_MAX_AREA_CODE)
    return TRUE;
bad:
  out[0] = '\0';
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
               "area code '%s' is not 1 to %d digits", text ? text : "",
               NUMBER_MAX_AREA_CODE);
  return FALSE;
}
