/* cdr-rater.c — the canonical rater CSV (formats.md §2).
 *
 * call_id, start, duration, caller, callee, direction are required; end,
 * answered, tenant_id, user, operator, sip_code optional.  `duration` is the
 * talk time; `answered` (true/false, yes/no, 1/0) overrides the default of
 * "answered when the duration is above zero".
 */
#include "config.h"

#include "ingest/cdr.h"

enum { F_KEY, F_START, F_DURATION, F_CALLER, F_CALLEE, F_DIRECTION,
       F_END, F_ANSWERED, F_TENANT, F_USER, F_OPERATOR, F_SIP, N_FIELDS };

static const CdrColumn columns[] = {
  { F_KEY, { "call_id" }, TRUE },
  { F_START, { "start" }, TRUE },
  { F_DURATION, { "duration" }, TRUE },
  { F_CALLER, { "caller" }, TRUE },
  { F_CALLEE, { "callee" }, TRUE },
  { F_DIRECTION, { "direction" }, TRUE },
  { F_END, { "end" }, FALSE },
  { F_ANSWERED, { "answered" }, FALSE },
  { F_TENANT, { "tenant_id" }, FALSE },
  { F_USER, { "user" }, FALSE },
  { F_OPERATOR, { "operator" }, FALSE },
  { F_SIP, { "sip_code" }, FALSE },
};

/* "true"/"yes"/"1" or "false"/"no"/"0"; empty keeps *answered. */
static gboolean
parse_answered (CdrText t, gboolean *answered, CdrReject *rej)
{
  if (cdr_text_empty (t))
    return TRUE;
  if (cdr_text_equal (t, "true") || cdr_text_equal (t, "yes") || cdr_text_equal (t, "1"))
    *answered = TRUE;
  else if (cdr_text_equal (t, "false") || cdr_text_equal (t, "no") || cdr_text_equal (t, "0"))
    *answered = FALSE;
  else
    {
      cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "answered '%.*s' is not true or false",
                  (int) MIN (t.len, 32), t.p);
      return FALSE;
    }
  return TRUE;
}

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  const int *c = state;
  static const int text_fields[] = { F_KEY, F_TENANT, F_USER, F_OPERATOR };
  int check[G_N_ELEMENTS (text_fields)];
  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    check[i] = c[text_fields[i]];

  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, c[F_KEY]), "call_id", rej)
      || !cdr_require (cdr_field (rec, c[F_START]), "start", rej)
      || !cdr_require (cdr_field (rec, c[F_DURATION]), "duration", rej)
      || !cdr_require (cdr_field (rec, c[F_CALLEE]), "callee", rej)
      || !cdr_require (cdr_field (rec, c[F_DIRECTION]), "direction", rej))
    return CDR_REJECT;

  call->call_key = cdr_field (rec, c[F_KEY]);
  call->tenant_id = cdr_field (rec, c[F_TENANT]);
  call->user = cdr_field (rec, c[F_USER]);
  call->operator_slug = cdr_field (rec, c[F_OPERATOR]);
  if (!cdr_direction_word (cdr_field (rec, c[F_DIRECTION]), &call->direction))
    {
      CdrText d = cdr_field (rec, c[F_DIRECTION]);
      cdr_reject (rej, CDR_REJECT_BAD_DIRECTION, "direction '%.*s' is not in or out",
                  (int) MIN (d.len, 32), d.p);
      return CDR_REJECT;
    }
  if (!cdr_time (cdr_field (rec, c[F_START]), "start", NULL, ctx, &call->start_ms, rej)
      || !cdr_seconds (cdr_field (rec, c[F_DURATION]), "duration", &call->duration, rej))
    return CDR_REJECT;
  if (!cdr_text_empty (cdr_field (rec, c[F_END])))
    {
      gint64 end_ms, span;
      if (!cdr_time (cdr_field (rec, c[F_END]), "end", NULL, ctx, &end_ms, rej)
          || !cdr_seconds_between (call->start_ms, end_ms, &span, rej))
        return CDR_REJECT;
    }
  call->answered = TRUE;
  if (!parse_answered (cdr_field (rec, c[F_ANSWERED]), &call->answered, rej))
    return CDR_REJECT;
  if (!cdr_number (cdr_field (rec, c[F_CALLER]), "caller", ctx, call->direction == CDR_IN,
                   &call->caller, rej)
      || !cdr_number (cdr_field (rec, c[F_CALLEE]), "callee", ctx, FALSE, &call->callee, rej))
    return CDR_REJECT;
  cdr_sip_code (cdr_field (rec, c[F_SIP]), &call->sip_code);
  cdr_finish_call (call);
  return CDR_CALL;
}

const CdrFormat cdr_format_rater = {
  .name = "rater",
  .description = "the canonical rater CSV",
  .convert = convert,
  CDR_HEADER_FORMAT (columns, N_FIELDS),
};
