/* cdr-teams-dr.c — Teams admin center Direct Routing export,
 * DirectRouting.calls.<date>.csv, in both header layouts (AAD ObjectId, or the
 * older SIP Address).
 *
 * Success = No is an unanswered call.  "Duration (seconds)" runs from the
 * invite, so the talk time of an answered call is End time − Start time.
 * Legs of one call (a forwarded or transferred inbound call) share a
 * "Shared correlation ID": they are stored under that shared key with the
 * leg's own CorrelationId as leg id, and the outbound (forward/transfer) leg
 * outranks the inbound one, so exactly one leg is billed whatever the order
 * the legs arrive in.  An unset time is written 0001-01-01T00:00:00Z.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdr.h"
#include "ingest/cdr-teams.h"

enum { F_CORRELATION, F_SHARED, F_CALL_TYPE, F_CALLER, F_CALLEE, F_INVITE, F_START,
       F_END, F_SUCCESS, F_SIP, F_UPN, F_OBJECT, N_FIELDS };

static const CdrColumn columns[] = {
  { F_CORRELATION, { "CorrelationId", "Correlation ID" }, TRUE },
  { F_SHARED, { "Shared correlation ID" }, FALSE },
  { F_CALL_TYPE, { "Call type" }, TRUE },
  { F_CALLER, { "Caller Number" }, TRUE },
  { F_CALLEE, { "Callee Number" }, TRUE },
  { F_INVITE, { "Invite time" }, TRUE },
  { F_START, { "Start time" }, TRUE },
  { F_END, { "End time" }, TRUE },
  { F_SUCCESS, { "Success" }, TRUE },
  { F_SIP, { "Final SIP code" }, FALSE },
  { F_UPN, { "UPN" }, FALSE },
  { F_OBJECT, { "AAD ObjectId", "SIP Address" }, TRUE },
};

/* Inbound call types; every other known type is outbound. */
static const char *const inbound_types[] = {
  "dr_in", "dr_unassigned_in", "dr_in_bot", "ByotIn", "ByotInUser", "ByotUnassignedIn",
};
static const char *const outbound_prefixes[] = { "dr_out", "dr_emergency_out", "ByotOut",
                                                 "user_out" };

#define LEG_RANK_IN 1
#define LEG_RANK_OUT 2

gboolean
cdr_teams_dr_direction (CdrText type, CdrDirection *dir)
{
  for (gsize i = 0; i < G_N_ELEMENTS (inbound_types); i++)
    if (cdr_text_equal (type, inbound_types[i]))
      return *dir = CDR_IN, TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (outbound_prefixes); i++)
    {
      gsize n = strlen (outbound_prefixes[i]);
      if (type.len >= n && g_ascii_strncasecmp (type.p, outbound_prefixes[i], n) == 0)
        return *dir = CDR_OUT, TRUE;
    }
  return FALSE;
}

gboolean
cdr_teams_time_unset (CdrText t)
{
  return cdr_text_empty (t) || (t.len >= 4 && memcmp (t.p, "0001", 4) == 0);
}

static gboolean
read_times (const int *col, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
            CdrReject *rej)
{
  CdrText start = cdr_field (rec, col[F_START]);
  CdrText end = cdr_field (rec, col[F_END]);
  if (!call->answered || cdr_teams_time_unset (start) || cdr_teams_time_unset (end))
    {
      call->answered = FALSE;
      call->duration = 0;
      return cdr_require (cdr_field (rec, col[F_INVITE]), "Invite time", rej)
             && cdr_time (cdr_field (rec, col[F_INVITE]), "Invite time", NULL, ctx,
                          &call->start_ms, rej);
    }
  gint64 end_ms;
  return cdr_time (start, "Start time", NULL, ctx, &call->start_ms, rej)
         && cdr_time (end, "End time", NULL, ctx, &end_ms, rej)
         && cdr_seconds_between (call->start_ms, end_ms, &call->duration, rej);
}

static gboolean
read_success (CdrText t, gboolean *answered, CdrReject *rej)
{
  if (cdr_text_equal (t, "Yes") || cdr_text_equal (t, "true"))
    *answered = TRUE;
  else if (cdr_text_equal (t, "No") || cdr_text_equal (t, "false"))
    *answered = FALSE;
  else
    {
      cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "Success '%.*s' is not Yes or No",
                  (int) MIN (t.len, 32), t.p);
      return FALSE;
    }
  return TRUE;
}

void
cdr_teams_dr_key (CdrCall *call, CdrText own, CdrText shared)
{
  if (cdr_text_empty (shared) || (shared.len == own.len && memcmp (shared.p, own.p, own.len) == 0))
    {
      call->call_key = own;
      return;
    }
  call->call_key = shared;
  call->leg_id = own;
  call->leg_rank = call->direction == CDR_OUT ? LEG_RANK_OUT : LEG_RANK_IN;
}

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  const int *col = state;
  const int check[] = { col[F_CORRELATION], col[F_SHARED], col[F_UPN] };
  CdrText type = cdr_field (rec, col[F_CALL_TYPE]);

  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, col[F_CORRELATION]), "CorrelationId", rej)
      || !read_success (cdr_field (rec, col[F_SUCCESS]), &call->answered, rej))
    return CDR_REJECT;
  if (!cdr_teams_dr_direction (type, &call->direction))
    {
      cdr_reject (rej, CDR_REJECT_BAD_DIRECTION, "unknown Call type '%.*s'",
                  (int) MIN (type.len, 40), type.p);
      return CDR_REJECT;
    }
  if (!read_times (col, rec, ctx, call, rej)
      || !cdr_number (cdr_field (rec, col[F_CALLER]), "Caller Number", ctx,
                      call->direction == CDR_IN, &call->caller, rej)
      || !cdr_number (cdr_field (rec, col[F_CALLEE]), "Callee Number", ctx, FALSE,
                      &call->callee, rej))
    return CDR_REJECT;

  cdr_teams_dr_key (call, cdr_field (rec, col[F_CORRELATION]), cdr_field (rec, col[F_SHARED]));
  call->user = cdr_field (rec, col[F_UPN]);
  cdr_sip_code (cdr_field (rec, col[F_SIP]), &call->sip_code);
  cdr_finish_call (call);
  return CDR_CALL;
}

const CdrFormat cdr_format_teams_dr = {
  .name = "teams-dr",
  .description = "Teams admin center Direct Routing export",
  .convert = convert,
  CDR_HEADER_FORMAT (columns, N_FIELDS),
};
