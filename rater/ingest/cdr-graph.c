/* cdr-graph.c — Microsoft Graph call records: callRecords/getPstnCalls
 * (pstnCallLogRow) and callRecords/getDirectRoutingCalls
 * (directRoutingLogRow), as the JSON the API returns.
 *
 * Both are JSON rows formats (cdr.h): the reader hands each row over as the
 * values of the members named below, in the order of the F_* enums, so a
 * row converts like a CSV record of a header format.  Fields are named as
 * Microsoft documents them (v1.0); other members (beta's, or v1.0's that
 * billing does not need) are ignored.  The rules are the Teams export's
 * (cdr-teams.h), so a call reads the same from Graph and from the admin
 * center CSV:
 *  - graph-pstn: `id` is the call key (callId is not unique); direction from
 *    callType ("*_in" / "*_out*", Operator Connect's oc_* too); `duration`
 *    is the talk time, else endDateTime − startDateTime.
 *  - graph-dr: `correlationId` is the call key; successfulCall false is an
 *    unanswered call, dated by its invite (else failure, else start) time;
 *    an answered call lasts endDateTime − startDateTime; a time of
 *    0001-01-01T00:00:00Z is unset.  Graph v1.0 documents no shared
 *    correlation id: a row that carries `sharedCorrelationId` (the admin
 *    center's "Shared correlation ID") is a leg of that call, keyed as
 *    teams-dr keys its legs.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdr.h"
#include "ingest/cdr-teams.h"

/* ---- graph-pstn ---- */

enum { P_ID, P_CALL_TYPE, P_CALLER, P_CALLEE, P_START, P_END, P_DURATION, P_USER_ID, P_UPN,
       P_DURATION_SOURCE, P_CHARGE, P_CONNECTION_CHARGE, P_CURRENCY, P_N_FIELDS };

/* `operator` is not read: it names the carrier ("Microsoft", an Operator
 * Connect operator's display name), never a catalog slug, and a header
 * column of that name would tell ingest that the records carry their
 * operator (formats.md §2): without --operator the file is refused. */
static const CdrColumn pstn_columns[] = {
  { P_ID, { "id" }, TRUE },
  { P_CALL_TYPE, { "callType" }, TRUE },
  { P_CALLER, { "callerNumber" }, TRUE },
  { P_CALLEE, { "calleeNumber" }, TRUE },
  { P_START, { "startDateTime" }, TRUE },
  { P_END, { "endDateTime" }, TRUE },
  { P_DURATION, { "duration" }, TRUE },
  { P_USER_ID, { "userId" }, TRUE },
  { P_UPN, { "userPrincipalName" }, TRUE },
  { P_DURATION_SOURCE, { "callDurationSource" }, TRUE },
  { P_CHARGE, { "charge" }, TRUE },
  { P_CONNECTION_CHARGE, { "connectionCharge" }, TRUE },
  { P_CURRENCY, { "currency" }, TRUE },
};

static gboolean
type_direction (CdrText type, gboolean (*rule) (CdrText, CdrDirection *), CdrDirection *dir,
                CdrReject *rej)
{
  if (rule (type, dir))
    return TRUE;
  cdr_reject (rej, CDR_REJECT_BAD_DIRECTION, "unknown callType '%.*s'", (int) MIN (type.len, 40),
              type.p);
  return FALSE;
}

static gboolean
pstn_duration (const int *col, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
               CdrReject *rej)
{
  CdrText d = cdr_field (rec, col[P_DURATION]);
  if (!cdr_text_empty (d))
    return cdr_seconds (d, "duration", &call->duration, rej);
  CdrText end = cdr_field (rec, col[P_END]);
  gint64 end_ms;
  return cdr_require (end, "endDateTime", rej)
         && cdr_time (end, "endDateTime", NULL, ctx, &end_ms, rej)
         && cdr_seconds_between (call->start_ms, end_ms, &call->duration, rej);
}

static CdrOutcome
pstn_convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
              CdrReject *rej)
{
  const int *col = state;
  const int check[] = { col[P_ID], col[P_UPN], col[P_USER_ID] };

  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, col[P_ID]), "id", rej)
      || !cdr_require (cdr_field (rec, col[P_START]), "startDateTime", rej)
      || !type_direction (cdr_field (rec, col[P_CALL_TYPE]), cdr_teams_pstn_direction,
                          &call->direction, rej)
      || !cdr_time (cdr_field (rec, col[P_START]), "startDateTime", NULL, ctx, &call->start_ms, rej)
      || !pstn_duration (col, rec, ctx, call, rej)
      || !cdr_number (cdr_field (rec, col[P_CALLER]), "callerNumber", ctx,
                      call->direction == CDR_IN, &call->caller, rej)
      || !cdr_number (cdr_field (rec, col[P_CALLEE]), "calleeNumber", ctx, FALSE, &call->callee, rej))
    return CDR_REJECT;

  call->call_key = cdr_field (rec, col[P_ID]);
  call->user = cdr_field (rec, col[P_UPN]);
  call->answered = TRUE;
  cdr_finish_call (call);
  return CDR_CALL;
}

const CdrFormat cdr_format_graph_pstn = {
  .name = "graph-pstn",
  .description = "Microsoft Graph callRecords/getPstnCalls JSON",
  .has_header = TRUE,
  .bind = cdr_header_bind,
  .convert = pstn_convert,
  .free_state = g_free,
  .columns = pstn_columns,
  .n_columns = G_N_ELEMENTS (pstn_columns),
  .n_fields = P_N_FIELDS,
  .json_rows = TRUE,
  .json_contexts = { "getPstnCalls", "pstnCallLogRow" },
  .json_member = "charge",
};

/* ---- graph-dr ---- */

enum { D_CORRELATION, D_SHARED, D_CALL_TYPE, D_CALLER, D_CALLEE, D_INVITE, D_START,
       D_END, D_FAILURE, D_SUCCESS, D_SIP, D_USER_ID, D_UPN, D_TRUNK, D_N_FIELDS };

static const CdrColumn dr_columns[] = {
  { D_CORRELATION, { "correlationId" }, TRUE },
  { D_SHARED, { "sharedCorrelationId" }, TRUE },
  { D_CALL_TYPE, { "callType" }, TRUE },
  { D_CALLER, { "callerNumber" }, TRUE },
  { D_CALLEE, { "calleeNumber" }, TRUE },
  { D_INVITE, { "inviteDateTime" }, TRUE },
  { D_START, { "startDateTime" }, TRUE },
  { D_END, { "endDateTime" }, TRUE },
  { D_FAILURE, { "failureDateTime" }, TRUE },
  { D_SUCCESS, { "successfulCall" }, TRUE },
  { D_SIP, { "finalSipCode" }, TRUE },
  { D_USER_ID, { "userId" }, TRUE },
  { D_UPN, { "userPrincipalName" }, TRUE },
  { D_TRUNK, { "trunkFullyQualifiedDomainName" }, TRUE },
};

static gboolean
dr_success (CdrText t, gboolean *answered, CdrReject *rej)
{
  if (cdr_text_equal (t, "true"))
    *answered = TRUE;
  else if (cdr_text_equal (t, "false"))
    *answered = FALSE;
  else
    {
      cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "successfulCall '%.*s' is not true or false",
                  (int) MIN (t.len, 32), t.p);
      return FALSE;
    }
  return TRUE;
}

/* An unanswered call is dated by the first set time of invite, failure and
 * start. */
static gboolean
dr_unanswered_start (const int *col, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
                     CdrReject *rej)
{
  static const struct { int field; const char *name; } order[] = {
    { D_INVITE, "inviteDateTime" }, { D_FAILURE, "failureDateTime" }, { D_START, "startDateTime" },
  };
  call->answered = FALSE;
  call->duration = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    {
      CdrText t = cdr_field (rec, col[order[i].field]);
      if (!cdr_teams_time_unset (t))
        return cdr_time (t, order[i].name, NULL, ctx, &call->start_ms, rej);
    }
  cdr_reject (rej, CDR_REJECT_MISSING_FIELD, "missing inviteDateTime");
  return FALSE;
}

static gboolean
dr_times (const int *col, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
          CdrReject *rej)
{
  CdrText start = cdr_field (rec, col[D_START]);
  CdrText end = cdr_field (rec, col[D_END]);
  if (!call->answered || cdr_teams_time_unset (start) || cdr_teams_time_unset (end))
    return dr_unanswered_start (col, rec, ctx, call, rej);
  gint64 end_ms;
  return cdr_time (start, "startDateTime", NULL, ctx, &call->start_ms, rej)
         && cdr_time (end, "endDateTime", NULL, ctx, &end_ms, rej)
         && cdr_seconds_between (call->start_ms, end_ms, &call->duration, rej);
}

static CdrOutcome
dr_convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call,
            CdrReject *rej)
{
  const int *col = state;
  const int check[] = { col[D_CORRELATION], col[D_SHARED], col[D_UPN], col[D_USER_ID] };

  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, col[D_CORRELATION]), "correlationId", rej)
      || !dr_success (cdr_field (rec, col[D_SUCCESS]), &call->answered, rej)
      || !type_direction (cdr_field (rec, col[D_CALL_TYPE]), cdr_teams_dr_direction,
                          &call->direction, rej)
      || !dr_times (col, rec, ctx, call, rej)
      || !cdr_number (cdr_field (rec, col[D_CALLER]), "callerNumber", ctx,
                      call->direction == CDR_IN, &call->caller, rej)
      || !cdr_number (cdr_field (rec, col[D_CALLEE]), "calleeNumber", ctx, FALSE, &call->callee, rej))
    return CDR_REJECT;

  cdr_teams_dr_key (call, cdr_field (rec, col[D_CORRELATION]), cdr_field (rec, col[D_SHARED]));
  call->user = cdr_field (rec, col[D_UPN]);
  cdr_sip_code (cdr_field (rec, col[D_SIP]), &call->sip_code);
  cdr_finish_call (call);
  return CDR_CALL;
}

const CdrFormat cdr_format_graph_dr = {
  .name = "graph-dr",
  .description = "Microsoft Graph callRecords/getDirectRoutingCalls JSON",
  .has_header = TRUE,
  .bind = cdr_header_bind,
  .convert = dr_convert,
  .free_state = g_free,
  .columns = dr_columns,
  .n_columns = G_N_ELEMENTS (dr_columns),
  .n_fields = D_N_FIELDS,
  .json_rows = TRUE,
  .json_contexts = { "getDirectRoutingCalls", "directRoutingLogRow" },
  .json_member = "correlationId",
};
