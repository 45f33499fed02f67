/* cdr-teams-pstn.c — Teams admin center PSTN usage export (Calling Plan and
 * Operator Connect), PSTN.calls.<date>.csv.
 *
 * Read by column name: columns move between export versions.  UsageId is the
 * call key (Call ID is not unique).  Direction comes from Call Type — every
 * documented type ends in "_in" or has "_out" in it (user_out_conf, oc_fmc_out)
 * — and, for types Microsoft adds later, from Call Direction.  Duration
 * Seconds is the talk time; without it, End Time − Start Time.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdr.h"
#include "ingest/cdr-teams.h"
#include "base/rater-error.h"

enum { F_USAGE, F_CALL_TYPE, F_CALLER, F_CALLEE, F_START, F_END, F_DURATION,
       F_UPN, F_OPERATOR, F_CALL_DIRECTION, F_TENANT, N_FIELDS };

static const CdrColumn columns[] = {
  { F_USAGE, { "UsageId" }, TRUE },
  { F_CALL_TYPE, { "Call Type" }, TRUE },
  { F_CALLER, { "Caller ID", "Caller Number" }, TRUE },
  { F_CALLEE, { "Destination Number" }, TRUE },
  { F_START, { "Start Time" }, TRUE },
  { F_END, { "End Time" }, FALSE },
  { F_DURATION, { "Duration Seconds" }, FALSE },
  { F_UPN, { "UPN" }, FALSE },
  { F_OPERATOR, { "Operator" }, FALSE },
  { F_CALL_DIRECTION, { "Call Direction" }, FALSE },
  { F_TENANT, { "Tenant ID", "TenantId" }, FALSE },
};

/* The columns, and one of 'Duration Seconds' and 'End Time'. */
static gpointer
bind (const CdrFormat *format, const CsvRecord *header, const CdrContext *ctx, GError **error)
{
  g_autofree int *col = cdr_header_bind (format, header, ctx, error);
  if (!col)
    return NULL;
  if (col[F_END] < 0 && col[F_DURATION] < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                   "line %" G_GUINT64_FORMAT ": header is not a teams-pstn header: "
                   "neither 'Duration Seconds' nor 'End Time'", header->line);
      return NULL;
    }
  return g_steal_pointer (&col);
}

gboolean
cdr_teams_pstn_direction (CdrText type, CdrDirection *dir)
{
  if (type.len >= 3 && g_ascii_strncasecmp (type.p + type.len - 3, "_in", 3) == 0)
    *dir = CDR_IN;
  else if (g_strstr_len (type.p, (gssize) type.len, "_out"))
    *dir = CDR_OUT;
  else
    return FALSE;
  return TRUE;
}

static gboolean
read_direction (const int *col, const CsvRecord *rec, CdrCall *call, CdrReject *rej)
{
  CdrText type = cdr_field (rec, col[F_CALL_TYPE]);
  if (cdr_teams_pstn_direction (type, &call->direction)
      || cdr_direction_word (cdr_field (rec, col[F_CALL_DIRECTION]), &call->direction))
    return TRUE;
  cdr_reject (rej, CDR_REJECT_BAD_DIRECTION, "unknown Call Type '%.*s'", (int) MIN (type.len, 40), type.p);
  return FALSE;
}

static gboolean
read_duration (const int *col, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
               CdrReject *rej)
{
  CdrText d = cdr_field (rec, col[F_DURATION]);
  if (!cdr_text_empty (d))
    return cdr_seconds (d, "Duration Seconds", &call->duration, rej);
  gint64 end_ms;
  if (!cdr_require (cdr_field (rec, col[F_END]), "End Time", rej)
      || !cdr_time (cdr_field (rec, col[F_END]), "End Time", NULL, ctx, &end_ms, rej))
    return FALSE;
  return cdr_seconds_between (call->start_ms, end_ms, &call->duration, rej);
}

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  const int *col = state;
  const int check[] = { col[F_USAGE], col[F_UPN], col[F_OPERATOR], col[F_TENANT] };

  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, col[F_USAGE]), "UsageId", rej)
      || !cdr_require (cdr_field (rec, col[F_START]), "Start Time", rej)
      || !read_direction (col, rec, call, rej)
      || !cdr_time (cdr_field (rec, col[F_START]), "Start Time", NULL, ctx, &call->start_ms, rej)
      || !read_duration (col, rec, ctx, call, rej)
      || !cdr_number (cdr_field (rec, col[F_CALLER]), "Caller ID", ctx,
                      call->direction == CDR_IN, &call->caller, rej)
      || !cdr_number (cdr_field (rec, col[F_CALLEE]), "Destination Number", ctx, FALSE,
                      &call->callee, rej))
    return CDR_REJECT;

  call->call_key = cdr_field (rec, col[F_USAGE]);
  call->user = cdr_field (rec, col[F_UPN]);
  call->tenant_id = cdr_field (rec, col[F_TENANT]);
  call->answered = TRUE;
  cdr_finish_call (call);
  return CDR_CALL;
}

const CdrFormat cdr_format_teams_pstn = {
  .name = "teams-pstn",
  .description = "Teams admin center PSTN / Operator Connect export",
  .delimiter = ',',
  .trim = TRUE,
  .has_header = TRUE,
  .detect = cdr_header_detect,
  .bind = bind,
  .convert = convert,
  .free_state = g_free,
  .columns = columns,
  .n_columns = G_N_ELEMENTS (columns),
  .n_fields = N_FIELDS,
};
