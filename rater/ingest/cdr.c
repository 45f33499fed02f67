/* cdr.c — the helpers every CDR format shares.
 *
 * Formats call these to read the fields of billing.md §3 the same way:
 * timestamps to UTC milliseconds, durations rounded up to whole seconds,
 * numbers through number_normalise(), and every problem reported as a
 * CdrReject with a formats.md §2 reason code and a detail naming the field.
 * Nothing here refers to a format: the table of formats (cdrformats.c) sits
 * above them.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "base/escape.h"
#include "ingest/cdr.h"
#include "base/rater-error.h"
#include "base/timeparse.h"

static const char *const reject_codes[] = {
  [CDR_REJECT_CSV_SYNTAX] = "csv_syntax",
  [CDR_REJECT_MISSING_FIELD] = "missing_field",
  [CDR_REJECT_BAD_TIMESTAMP] = "bad_timestamp",
  [CDR_REJECT_BAD_DURATION] = "bad_duration",
  [CDR_REJECT_BAD_NUMBER] = "bad_number",
  [CDR_REJECT_BAD_DIRECTION] = "bad_direction",
  [CDR_REJECT_TOO_LONG] = "too_long",
  [CDR_REJECT_ENCODING] = "encoding",
  [CDR_REJECT_AMBIGUOUS_NUMBER] = "ambiguous_number",
};

const char *
cdr_reject_code (CdrRejectReason reason)
{
  g_return_val_if_fail ((guint) reason < G_N_ELEMENTS (reject_codes), "csv_syntax");
  return reject_codes[reason];
}

/* ---- header binding ---- */

static CdrText
text_trimmed (const char *p, gsize len)
{
  while (len > 0 && g_ascii_isspace (*p))
    p++, len--;
  while (len > 0 && g_ascii_isspace (p[len - 1]))
    len--;
  return (CdrText) { p, len };
}

static int
header_find (const CsvRecord *header, const char *const *names)
{
  for (guint i = 0; i < header->n; i++)
    {
      CdrText h = text_trimmed (header->field[i], header->len[i]);
      for (guint k = 0; k < 4 && names[k]; k++)
        if (cdr_text_equal (h, names[k]))
          return (int) i;
    }
  return -1;
}

gboolean
cdr_header_matches (const CsvRecord *header, const CdrColumn *columns, guint n_columns)
{
  for (guint c = 0; c < n_columns; c++)
    if (columns[c].required && header_find (header, columns[c].names) < 0)
      return FALSE;
  return TRUE;
}

gboolean
cdr_bind_columns (const CsvRecord *header, const CdrColumn *columns, guint n_columns,
                  int *index, guint n_fields, const char *format_name, GError **error)
{
  for (guint i = 0; i < n_fields; i++)
    index[i] = -1;
  for (guint c = 0; c < n_columns; c++)
    {
      g_assert ((guint) columns[c].field < n_fields);
      index[columns[c].field] = header_find (header, columns[c].names);
      if (index[columns[c].field] < 0 && columns[c].required)
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                       "line %" G_GUINT64_FORMAT ": header is not a %s header: no column '%s'",
                       header->line, format_name, columns[c].names[0]);
          return FALSE;
        }
    }
  return TRUE;
}

gpointer
cdr_bind_state (const CdrFormat *format, const CsvRecord *header, const CdrColumn *columns,
                guint n_columns, guint n_fields, GError **error)
{
  g_autofree int *index = g_new (int, n_fields);
  if (!cdr_bind_columns (header, columns, n_columns, index, n_fields, format->name, error))
    return NULL;
  return g_steal_pointer (&index);
}

gboolean
cdr_header_detect (const CdrFormat *format, const CsvRecord *header)
{
  return cdr_header_matches (header, format->columns, format->n_columns);
}

gpointer
cdr_header_bind (const CdrFormat *format, const CsvRecord *header, const CdrContext *ctx,
                 GError **error)
{
  return cdr_bind_state (format, header, format->columns, format->n_columns, format->n_fields,
                         error);
}

/* ---- fields ---- */

CdrText
cdr_field (const CsvRecord *rec, int idx)
{
  if (idx < 0 || (guint) idx >= rec->n)
    return (CdrText) { "", 0 };
  return (CdrText) { rec->field[idx], rec->len[idx] };
}

gboolean
cdr_text_equal (CdrText t, const char *s)
{
  gsize n = strlen (s);
  return t.len == n && g_ascii_strncasecmp (t.p, s, n) == 0;
}

gboolean
cdr_text_empty (CdrText t)
{
  return text_trimmed (t.p, t.len).len == 0;
}

void
cdr_reject (CdrReject *rej, CdrRejectReason reason, const char *format, ...)
{
  va_list ap;
  char raw[sizeof rej->detail];
  rej->reason = reason;
  va_start (ap, format);
  g_vsnprintf (raw, sizeof raw, format, ap);
  va_end (ap);
  /* the detail quotes field bytes, maybe not UTF-8, with control
   * characters, or cut inside a character: it is echoed to terminals and
   * logs and stored, so it is escaped (escape.h) */
  if (escape_is_plain (raw, strlen (raw), ESCAPE_ALL))
    {
      memcpy (rej->detail, raw, sizeof raw);
      return;
    }
  /* (RAW itself may end inside a character g_vsnprintf cut: escaped too) */
  g_autoptr(GString) escaped = g_string_sized_new (sizeof raw);
  escape_append (escaped, raw, strlen (raw), ESCAPE_ALL, sizeof rej->detail - 1);
  memcpy (rej->detail, escaped->str, escaped->len + 1);
}

static gboolean
text_is_ascii (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) p[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* What makes T no text at all ("is not valid UTF-8", "contains a NUL
 * byte"), or NULL when it is text. */
static const char *
text_encoding_problem (CdrText t)
{
  if (!text_is_ascii (t.p, t.len) && !g_utf8_validate_len (t.p, t.len, NULL))
    return "is not valid UTF-8";
  if (memchr (t.p, '\0', t.len))
    return "contains a NUL byte";
  return NULL;
}

gboolean
cdr_check_fields (const CsvRecord *rec, const int *check_utf8, guint n, CdrReject *rej)
{
  for (guint i = 0; i < rec->n; i++)
    if (rec->len[i] > CDR_MAX_FIELD)
      {
        cdr_reject (rej, CDR_REJECT_TOO_LONG, "field %u is %" G_GSIZE_FORMAT " bytes (limit %d)",
                    i + 1, rec->len[i], CDR_MAX_FIELD);
        return FALSE;
      }
  for (guint k = 0; k < n; k++)
    {
      const char *problem = text_encoding_problem (cdr_field (rec, check_utf8[k]));
      if (problem)
        {
          cdr_reject (rej, CDR_REJECT_ENCODING, "field %d %s", check_utf8[k] + 1, problem);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
cdr_require (CdrText t, const char *name, CdrReject *rej)
{
  if (!cdr_text_empty (t))
    return TRUE;
  cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "missing %s", name);
  return FALSE;
}

gboolean
cdr_time (CdrText t, const char *name, const char *format, const CdrContext *ctx,
          gint64 *ms, CdrReject *rej)
{
  TimeParts parts;
  CdrText v = text_trimmed (t.p, t.len);
  TimeStatus s = format ? time_parse_format (v.p, v.len, format, &parts)
                        : time_parse_iso8601 (v.p, v.len, &parts);
  if (s == TIME_OK)
    s = time_parts_to_utc_ms (&parts, ctx->tz, ms);
  if (s == TIME_OK)
    return TRUE;
  cdr_reject (rej, CDR_REJECT_BAD_TIMESTAMP, "%s '%.*s': %s%s", name,
              (int) MIN (v.len, 64), v.p, time_status_to_string (s),
              s == TIME_NO_ZONE ? " (give --tz)" : "");
  return FALSE;
}

gboolean
cdr_seconds (CdrText t, const char *name, gint64 *seconds, CdrReject *rej)
{
  CdrText v = text_trimmed (t.p, t.len);
  gint64 whole = 0;
  gboolean frac = FALSE, digits = FALSE;
  gsize i = 0;

  for (; i < v.len && g_ascii_isdigit (v.p[i]); i++, digits = TRUE)
    {
      if (whole > G_GINT64_CONSTANT (999999999999))
        goto bad;
      whole = whole * 10 + (v.p[i] - '0');
    }
  if (i < v.len && v.p[i] == '.')
    for (i++; i < v.len && g_ascii_isdigit (v.p[i]); i++)
      frac |= v.p[i] != '0';
  if (!digits || i != v.len)
    goto bad;
  *seconds = whole + (frac ? 1 : 0);
  return TRUE;
bad:
  cdr_reject (rej, CDR_REJECT_BAD_DURATION, "%s '%.*s' is not a number of seconds >= 0",
              name, (int) MIN (v.len, 64), v.p);
  return FALSE;
}

gboolean
cdr_seconds_between (gint64 start_ms, gint64 end_ms, gint64 *seconds, CdrReject *rej)
{
  if (end_ms < start_ms)
    {
      cdr_reject (rej, CDR_REJECT_BAD_DURATION, "end is %" G_GINT64_FORMAT " ms before start",
                  start_ms - end_ms);
      return FALSE;
    }
  *seconds = (end_ms - start_ms + 999) / 1000;
  return TRUE;
}

gboolean
cdr_number (CdrText t, const char *name, const CdrContext *ctx, gboolean withheld_ok,
            RaterNumber *out, CdrReject *rej)
{
  NumberStatus s = number_normalise (t.p, t.len, ctx->country, ctx->area_code, out);
  if (s == NUMBER_OK)
    return TRUE;
  memset (out, 0, sizeof *out);
  if (withheld_ok)
    return TRUE;
  /* bytes that are no text at all are an encoding problem, not letters */
  const char *problem = text_encoding_problem (t);
  if (problem)
    {
      cdr_reject (rej, CDR_REJECT_ENCODING, "%s %s", name, problem);
      return FALSE;
    }
  CdrText v = text_trimmed (t.p, t.len);
  cdr_reject (rej, number_status_is_ambiguous (s) ? CDR_REJECT_AMBIGUOUS_NUMBER
              : CDR_REJECT_BAD_NUMBER, "%s '%.*s': %s%s", name,
              (int) MIN (v.len, 64), v.p, number_status_to_string (s),
              s == NUMBER_NO_CONTEXT ? " (give --country)" : "");
  return FALSE;
}

gboolean
cdr_direction_rule_parse (const char *value, CdrDirectionRule *rule)
{
  if (!value || g_str_equal (value, "dcontext") || g_str_equal (value, "context"))
    *rule = CDR_DIRECTION_BY_CONTEXT;
  else if (g_str_equal (value, "shape"))
    *rule = CDR_DIRECTION_BY_SHAPE;
  else
    return FALSE;
  return TRUE;
}

gboolean
cdr_direction_word (CdrText t, CdrDirection *dir)
{
  CdrText v = text_trimmed (t.p, t.len);
  if (cdr_text_equal (v, "out") || cdr_text_equal (v, "outbound") || cdr_text_equal (v, "outgoing"))
    *dir = CDR_OUT;
  else if (cdr_text_equal (v, "in") || cdr_text_equal (v, "inbound") || cdr_text_equal (v, "incoming"))
    *dir = CDR_IN;
  else
    return FALSE;
  return TRUE;
}

/* Dialplan contexts that carry calls in from the PSTN. */
static gboolean
context_is_inbound (CdrText context)
{
  static const char *const words[] = { "from-pstn", "from-trunk", "from-did", "from-external",
                                       "inbound", "incoming", "public", "ext-did" };
  g_autofree char *c = g_ascii_strdown (context.p, (gssize) context.len);
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (c, words[i]))
      return TRUE;
  return FALSE;
}

/* A short internal number for the shape rule: 2 to 6 digits and nothing else. */
static gboolean
is_short_number (CdrText t)
{
  CdrText v = text_trimmed (t.p, t.len);
  if (v.len < 2 || v.len > 6)
    return FALSE;
  for (gsize i = 0; i < v.len; i++)
    if (!g_ascii_isdigit (v.p[i]))
      return FALSE;
  return TRUE;
}

/* Emergency and service short codes that reach the PSTN from any PBX, in
 * the ITU regions' plans (112, 911, 999, 000, Russia's 101-104, China's
 * 110/119/120/122, France's 15/17/18, ...): never extensions. */
static gboolean
is_emergency_code (CdrText v)
{
  static const char *const codes[] = { "15", "17", "18", "000", "100", "101", "102", "103",
                                       "104", "110", "111", "112", "113", "114", "115", "116",
                                       "117", "118", "119", "120", "122", "123", "190", "191",
                                       "192", "193", "197", "199", "911", "999" };
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (cdr_text_equal (v, codes[i]))
      return TRUE;
  return FALSE;
}

gboolean
cdr_is_extension (CdrText t)
{
  CdrText v = text_trimmed (t.p, t.len);
  if (v.len < CDR_EXTENSION_MIN_DIGITS || v.len > CDR_EXTENSION_MAX_DIGITS || v.p[0] == '0')
    return FALSE;
  for (gsize i = 0; i < v.len; i++)
    if (!g_ascii_isdigit (v.p[i]))
      return FALSE;
  return !is_emergency_code (v);
}

void
cdr_context_clear_globs (CdrContext *ctx)
{
  for (guint k = 0; k < G_N_ELEMENTS (ctx->context_globs); k++)
    g_clear_pointer (&ctx->context_globs[k], g_ptr_array_unref);
}

static gboolean
compile_globs (char **globs, const char *option, GPtrArray **out, GError **error)
{
  if (!globs || !globs[0])
    return TRUE;
  *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
  for (guint i = 0; globs[i]; i++)
    {
      if (!*globs[i])
        {
          g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "%s: an empty glob", option);
          return FALSE;
        }
      g_ptr_array_add (*out, g_pattern_spec_new (globs[i]));
    }
  return TRUE;
}

gboolean
cdr_context_set_globs (CdrContext *ctx, const CdrContextGlobs *globs, GError **error)
{
  cdr_context_clear_globs (ctx);
  if (compile_globs (globs->outbound, "--outbound-context", &ctx->context_globs[CDR_ROUTE_OUT], error)
      && compile_globs (globs->inbound, "--inbound-context", &ctx->context_globs[CDR_ROUTE_IN], error)
      && compile_globs (globs->internal, "--internal-context",
                        &ctx->context_globs[CDR_ROUTE_INTERNAL], error))
    return TRUE;
  cdr_context_clear_globs (ctx);
  return FALSE;
}

char **
cdr_context_globs_split (const char *value)
{
  if (!value)
    return NULL;
  g_auto(GStrv) parts = g_strsplit (value, ";", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; parts[i]; i++)
    if (*g_strstrip (parts[i]))
      g_ptr_array_add (out, g_strdup (parts[i]));
  if (out->len == 0)
    return NULL;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* Does CONTEXT (NUL-terminated) match one of the globs of ROUTE? */
static gboolean
context_matches (const CdrContext *ctx, CdrRoute route, const char *context, gsize len)
{
  GPtrArray *globs = ctx->context_globs[route];
  for (guint i = 0; globs && i < globs->len; i++)
    if (g_pattern_spec_match (globs->pdata[i], len, context, NULL))
      return TRUE;
  return FALSE;
}

/* The route a configured glob gives CONTEXT; CDR_ROUTE_UNKNOWN when none. */
static CdrRoute
context_route (const CdrContext *ctx, CdrText context)
{
  static const CdrRoute order[] = { CDR_ROUTE_INTERNAL, CDR_ROUTE_IN, CDR_ROUTE_OUT };
  char buf[256];
  if (context.len >= sizeof buf)
    return CDR_ROUTE_UNKNOWN;
  memcpy (buf, context.p, context.len);
  buf[context.len] = '\0';
  for (gsize k = 0; k < G_N_ELEMENTS (order); k++)
    if (context_matches (ctx, order[k], buf, context.len))
      return order[k];
  return CDR_ROUTE_UNKNOWN;
}

static CdrRoute
route_by_shape (CdrText caller, CdrText callee)
{
  if (is_short_number (callee) && !is_short_number (caller))
    return CDR_ROUTE_IN;
  if (!is_short_number (callee))
    return CDR_ROUTE_OUT;
  return CDR_ROUTE_UNKNOWN;   /* short to short: not a PSTN call we can tell */
}

/* An extension in CTX: in a country without a trunk prefix (LU, NU, SH,
 * TK...) whose national numbers can be that short, such digits may be a
 * national number dialled as is, so they are not taken for an extension. */
static gboolean
pbx_extension (const CdrContext *ctx, CdrText t)
{
  if (!cdr_is_extension (t))
    return FALSE;
  const PhoneMetaRegion *r = country_dialling (ctx->country);
  return !r || r->trunk_prefix[0] || r->trunk_pattern || text_trimmed (t.p, t.len).len < r->nsn_min;
}

CdrRoute
cdr_route_of_switch (const CdrContext *ctx, CdrText context, CdrText caller, CdrText callee,
                     gboolean *guessed)
{
  CdrText c = text_trimmed (context.p, context.len);
  CdrRoute route = context_route (ctx, c);
  *guessed = FALSE;
  if (route == CDR_ROUTE_INTERNAL
      || (pbx_extension (ctx, caller) && pbx_extension (ctx, callee)))
    return CDR_ROUTE_INTERNAL;
  if (route != CDR_ROUTE_UNKNOWN)
    return route;
  if (ctx->direction_by == CDR_DIRECTION_BY_SHAPE)
    return route_by_shape (caller, callee);
  if (c.len == 0)
    return CDR_ROUTE_UNKNOWN;
  *guessed = TRUE;
  return context_is_inbound (c) ? CDR_ROUTE_IN : CDR_ROUTE_OUT;
}

void
cdr_key_from_raw (CdrCall *call, const CsvRecord *rec)
{
  g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                      (const guchar *) rec->raw, rec->raw_len);
  g_strlcpy (call->key_buf, hex, sizeof call->key_buf);
  call->call_key = (CdrText) { call->key_buf, strlen (call->key_buf) };
}

void
cdr_finish_call (CdrCall *call)
{
  call->answered = call->answered && call->duration > 0;
}

gboolean
cdr_check_plausible (const CdrCall *call, CdrReject *rej)
{
  char when[32];
  if (!time_call_instant_ok (call->start_ms))
    {
      /* parsed years are 1..9999 (plus a zone's offset): printable */
      cdr_reject (rej, CDR_REJECT_BAD_TIMESTAMP, "start %s is outside 1970-01-01..2200-01-01 UTC",
                  time_format_utc (call->start_ms, when));
      return FALSE;
    }
  if (!time_call_duration_ok (call->duration))
    {
      cdr_reject (rej, CDR_REJECT_BAD_DURATION, "duration %" G_GINT64_FORMAT " s is over %"
                  G_GINT64_FORMAT " s (7 days)", call->duration, TIME_CALL_MAX_SECONDS);
      return FALSE;
    }
  return TRUE;
}

gboolean
cdr_sip_code (CdrText t, int *code)
{
  CdrText v = text_trimmed (t.p, t.len);
  if (v.len != 3)
    return FALSE;
  int n = 0;
  for (gsize i = 0; i < 3; i++)
    {
      if (!g_ascii_isdigit (v.p[i]))
        return FALSE;
      n = n * 10 + (v.p[i] - '0');
    }
  if (n < 100 || n > 699)
    return FALSE;
  *code = n;
  return TRUE;
}

/* cdr_number for a PBX's record: a number that cannot be placed and is an
 * extension of the PBX (a leg the PBX placed to one of its extensions, a
 * call from one) gets a detail that says so, not --area-code's advice. */
static gboolean
switch_number (CdrText t, const char *name, const CdrContext *ctx, gboolean withheld_ok,
               RaterNumber *out, CdrReject *rej)
{
  if (cdr_number (t, name, ctx, withheld_ok, out, rej))
    return TRUE;
  if (rej->reason == CDR_REJECT_AMBIGUOUS_NUMBER && pbx_extension (ctx, t))
    {
      CdrText v = text_trimmed (t.p, t.len);
      cdr_reject (rej, CDR_REJECT_AMBIGUOUS_NUMBER,
                  "%s '%.*s' is an extension of the PBX, not a number on the PSTN: name the"
                  " context of such legs with --internal-context, or have the PBX write the"
                  " number the call uses", name, (int) v.len, v.p);
    }
  return FALSE;
}

CdrOutcome
cdr_switch_call (const CdrSwitchFields *f, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  gboolean guessed;
  CdrRoute route = cdr_route_of_switch (ctx, f->context, f->caller, f->callee, &guessed);
  if (route == CDR_ROUTE_INTERNAL)
    return CDR_INTERNAL;
  if (route == CDR_ROUTE_UNKNOWN)
    {
      cdr_reject (rej, CDR_REJECT_BAD_DIRECTION, "cannot tell direction (context '%.*s', %.*s -> %.*s)",
                  (int) MIN (f->context.len, 40), f->context.p, (int) MIN (f->caller.len, 24),
                  f->caller.p, (int) MIN (f->callee.len, 24), f->callee.p);
      return CDR_REJECT;
    }
  call->direction = route == CDR_ROUTE_IN ? CDR_IN : CDR_OUT;
  if (guessed)
    call->guessed_context = text_trimmed (f->context.p, f->context.len);
  gboolean has_answer = !cdr_text_empty (f->answer);
  CdrText start = has_answer ? f->answer : f->start;
  call->answered = f->answered && has_answer;
  gboolean ok = cdr_require (start, has_answer ? "answer time" : "start time", rej)
         && cdr_time (start, has_answer ? "answer time" : "start time", NULL, ctx,
                      &call->start_ms, rej)
         && cdr_seconds (f->billsec, "billsec", &call->duration, rej)
         && switch_number (f->caller, "caller", ctx, call->direction == CDR_IN, &call->caller, rej);
  if (!ok)
    return CDR_REJECT;
  if (switch_number (f->callee, "callee", ctx, FALSE, &call->callee, rej))
    return CDR_CALL;
  /* routed out to a number the rules cannot place that is an extension:
   * the PBX's own leg to that extension (a FreeSWITCH B leg of an inbound
   * call), never a call to the PSTN; its A leg is the call */
  if (call->direction == CDR_OUT && rej->reason == CDR_REJECT_AMBIGUOUS_NUMBER
      && pbx_extension (ctx, f->callee))
    return CDR_INTERNAL;
  return CDR_REJECT;
}

static gboolean
count_allowed (guint n, const guint *counts, guint n_counts)
{
  for (guint i = 0; i < n_counts; i++)
    if (counts[i] == n)
      return TRUE;
  return FALSE;
}

gboolean
cdr_check_headerless (const CdrFormat *format, const CsvRecord *first, const guint *counts,
                      guint n_counts, const CdrContext *ctx, GError **error)
{
  if (ctx->tz == NULL)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE,
                   "%s CDRs have local times: give --tz", format->name);
      return FALSE;
    }
  if (first->n == 0)
    return TRUE;   /* a broken first record is rejected on its own */
  for (guint i = 0; i < first->n; i++)
    if (cdr_text_equal (cdr_field (first, (int) i), "accountcode")
        || cdr_text_equal (cdr_field (first, (int) i), "caller_id_number")
        || cdr_text_equal (cdr_field (first, (int) i), "uuid"))
      {
        g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                     "line %" G_GUINT64_FORMAT ": a header row, but %s files have none",
                     first->line, format->name);
        return FALSE;
      }
  if (!count_allowed (first->n, counts, n_counts))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "line %" G_GUINT64_FORMAT ": %u fields: not a CDR in %s format",
                   first->line, first->n, format->name);
      return FALSE;
    }
  return TRUE;
}

gpointer
cdr_headerless_bind (const CdrFormat *format, const CsvRecord *first, const CdrContext *ctx,
                     GError **error)
{
  if (!cdr_check_headerless (format, first, format->field_counts, format->n_field_counts, ctx,
                             error))
    return NULL;
  return g_new0 (int, 1);
}

gboolean
cdr_check_field_count (const CdrFormat *format, const CsvRecord *rec, CdrReject *rej)
{
  guint fewest = format->field_counts[0];

  if (rec->n >= fewest)
    return TRUE;
  cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "%u fields, %s CDRs have at least %u", rec->n,
              format->name, fewest);
  return FALSE;
}
