/* cdr-freeswitch.c — FreeSWITCH mod_cdr_csv, default template (no header).
 *
 * Columns by position: caller_id_name, caller_id_number, destination_number,
 * context, start_stamp, answer_stamp, end_stamp, duration, billsec,
 * hangup_cause, uuid, bleg_uuid, accountcode [, read_codec, write_codec].
 * The template quotes every field: a row without quotes has been re-saved by
 * a spreadsheet (which also rewrites dates), so it is rejected, never guessed.
 * An empty answer_stamp means the call was not answered, whatever the cause.
 */
#include "config.h"

#include "ingest/cdr.h"

enum { C_NAME, C_NUMBER, C_DESTINATION, C_CONTEXT, C_START, C_ANSWER, C_END,
       C_DURATION, C_BILLSEC, C_CAUSE, C_UUID, C_BLEG, C_ACCOUNTCODE };

static const guint field_counts[] = { 13, 15 };

extern const CdrFormat cdr_format_freeswitch;   /* below: convert() names it */

static CdrOutcome
convert (gpointer state, const CsvRecord *rec, const CdrContext *ctx, CdrCall *call, CdrReject *rej)
{
  static const int check[] = { C_UUID, C_ACCOUNTCODE };
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
  if (!cdr_switch_call (&f, ctx, call, rej))
    return CDR_REJECT;
  call->call_key = cdr_field (rec, C_UUID);
  cdr_finish_call (call);
  return CDR_CALL;
}

const CdrFormat cdr_format_freeswitch = {
  .name = "freeswitch",
  .description = "FreeSWITCH mod_cdr_csv (default template)",
  .convert = convert,
  CDR_HEADERLESS_FORMAT (field_counts),
};
