/* cdr-freeswitch.c — FreeSWITCH mod_cdr_csv, default template (no header).
 *
 * Columns by position: caller_id_name, caller_id_number, destination_number,
 * context, start_stamp, answer_stamp, end_stamp, duration, billsec,
 * hangup_cause, uuid, bleg_uuid, accountcode [, read_codec, write_codec].
 * The template quotes every field: a row without quotes has been re-saved by
 * a spreadsheet (which also rewrites dates), so it is rejected, never guessed.
 * An empty answer_stamp means the call was not answered, whatever the cause.
 *
 * Legs (billing.md §3): with `legs=ab` a bridged call writes an A-leg row
 * and a B-leg row, and the A leg's bleg_uuid is the B leg's uuid (the B row
 * names no A).  Every row is a leg: its own uuid is both its call key and
 * its leg id, and bleg_uuid its leg link; the call writer joins a row to a
 * stored call that has its uuid or its link as key or link, so the two legs
 * are one call, stored under the A leg's uuid, whatever order or files they
 * come in (callwriter.h).  The leg facing the PSTN is kept: an outbound leg
 * to a number that is not an extension, then an inbound leg, then any other
 * (a B leg ringing an extension); answered before unanswered; then the
 * smallest uuid.
 */
#include "config.h"

#include <string.h>

#include "ingest/cdr.h"

enum { C_NAME, C_NUMBER, C_DESTINATION, C_CONTEXT, C_START, C_ANSWER, C_END,
       C_DURATION, C_BILLSEC, C_CAUSE, C_UUID, C_BLEG, C_ACCOUNTCODE };

static const guint field_counts[] = { 13, 15 };

extern const CdrFormat cdr_format_freeswitch;   /* below: convert() names it */

/* The leg's rank: its side of the PBX, then answered. */
static int
leg_rank (const CdrCall *call, CdrText callee)
{
  int side;
  if (call->direction == CDR_OUT && !cdr_is_extension (callee))
    side = 3;   /* out to the PSTN */
  else if (call->direction == CDR_IN)
    side = 2;   /* in from the PSTN */
  else
    side = 1;   /* towards a phone of the PBX */
  return side * 2 + (call->answered ? 1 : 0);
}

static void
set_leg (const CsvRecord *rec, CdrCall *call)
{
  CdrText uuid = cdr_field (rec, C_UUID);
  CdrText bleg = cdr_field (rec, C_BLEG);
  call->call_key = uuid;
  call->leg_id = uuid;
  if (!cdr_text_empty (bleg) && !(bleg.len == uuid.len && memcmp (bleg.p, uuid.p, uuid.len) == 0))
    call->leg_link = bleg;
  call->leg_rank = leg_rank (call, cdr_field (rec, C_DESTINATION));
}

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  static const int check[] = { C_UUID, C_BLEG, C_ACCOUNTCODE };
  if (!cdr_check_field_count (&cdr_format_freeswitch, rec, rej))
    return CDR_REJECT;
  if (rec->raw_len == 0 || rec->raw[0] != '"')
    {
      cdr_reject (rej, CDR_REJECT_CSV_SYNTAX, "fields not quoted (file re-saved by a spreadsheet?)");
      return CDR_REJECT;
    }
  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej)
      || !cdr_require (cdr_field (rec, C_UUID), "uuid", rej))
    return CDR_REJECT;

  CdrSwitchFields f = {
    .caller = cdr_field (rec, C_NUMBER),
    .callee = cdr_field (rec, C_DESTINATION),
    .context = cdr_field (rec, C_CONTEXT),
    .start = cdr_field (rec, C_START),
    .answer = cdr_field (rec, C_ANSWER),
    .billsec = cdr_field (rec, C_BILLSEC),
    .answered = TRUE,
  };
  CdrOutcome outcome = cdr_switch_call (&f, ctx, call, rej);
  if (outcome != CDR_CALL)
    return outcome;
  cdr_finish_call (call);
  set_leg (rec, call);
  return CDR_CALL;
}

const CdrFormat cdr_format_freeswitch = {
  .name = "freeswitch",
  .description = "FreeSWITCH mod_cdr_csv (default template)",
  .convert = convert,
  CDR_HEADERLESS_FORMAT (field_counts),
};
