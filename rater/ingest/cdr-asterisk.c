/* cdr-asterisk.c — Asterisk cdr_csv Master.csv (no header).
 *
 * Columns by position: accountcode, src, dst, dcontext, clid, channel,
 * dstchannel, lastapp, lastdata, start, answer, end, duration, billsec,
 * disposition, amaflags [, uniqueid, userfield [, peeraccount, linkedid,
 * sequence]].  Times are the server's local time (--tz).  The call key is
 * uniqueid when logged, else a hash of the row.  The forks of a dial (ring
 * groups, Local channels) are logged as several rows under one uniqueid:
 * they are legs of one call, and the answered one is kept whatever their
 * order (then the row with the smallest hash, so the choice is stable).  `clid` (caller name) may hold
 * any bytes: it is not read, so a Latin-1 name never rejects a billable call.
 */
#include "config.h"

#include "ingest/cdr.h"

enum { C_ACCOUNTCODE, C_SRC, C_DST, C_DCONTEXT, C_CLID, C_CHANNEL, C_DSTCHANNEL,
       C_LASTAPP, C_LASTDATA, C_START, C_ANSWER, C_END, C_DURATION, C_BILLSEC,
       C_DISPOSITION, C_AMAFLAGS, C_UNIQUEID, C_USERFIELD };

static const guint field_counts[] = { 16, 18, 21 };

extern const CdrFormat cdr_format_asterisk;   /* below: convert() names it */

#define LEG_RANK_UNANSWERED 1
#define LEG_RANK_ANSWERED 2

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  static const int check[] = { C_ACCOUNTCODE, C_UNIQUEID };
  if (!cdr_check_field_count (&cdr_format_asterisk, rec, rej))
    return CDR_REJECT;
  if (!cdr_check_fields (rec, check, G_N_ELEMENTS (check), rej))
    return CDR_REJECT;

  CdrSwitchFields f = {
    .caller = cdr_field (rec, C_SRC),
    .callee = cdr_field (rec, C_DST),
    .context = cdr_field (rec, C_DCONTEXT),
    .start = cdr_field (rec, C_START),
    .answer = cdr_field (rec, C_ANSWER),
    .billsec = cdr_field (rec, C_BILLSEC),
    .answered = cdr_text_equal (cdr_field (rec, C_DISPOSITION), "ANSWERED"),
  };
  CdrOutcome outcome = cdr_switch_call (&f, ctx, call, rej);
  if (outcome != CDR_CALL)
    return outcome;
  cdr_finish_call (call);
  cdr_key_from_raw (call, rec);
  if (!cdr_text_empty (cdr_field (rec, C_UNIQUEID)))
    {
      call->leg_id = call->call_key;
      call->leg_rank = call->answered ? LEG_RANK_ANSWERED : LEG_RANK_UNANSWERED;
      call->call_key = cdr_field (rec, C_UNIQUEID);
    }
  return CDR_CALL;
}

const CdrFormat cdr_format_asterisk = {
  .name = "asterisk",
  .description = "Asterisk cdr_csv Master.csv",
  .convert = convert,
  CDR_HEADERLESS_FORMAT (field_counts),
};
