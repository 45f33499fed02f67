/* test-cdr-graph.c — Microsoft Graph call records (graph-pstn, graph-dr)
 * through the one CDR reader: each field mapping, the Teams rules shared with
 * the CSV exports (Operator Connect call types, masked numbers, +0 callers,
 * unset times, Direct Routing legs), the file shapes (one response, pages
 * concatenated, JSON Lines), recognition from @odata.context, and broken
 * rows, pages and files. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "ingest/cdrreader.h"
#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (cdr_graph, .init = setup, .fini = teardown);

#define PSTN_CONTEXT \
  "\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)\""
#define DR_CONTEXT \
  "\"@odata.context\": \"https://graph.microsoft.com/v1.0/communications/callRecords/getDirectRoutingCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)\""

/* A pstnCallLogRow on one line, as Microsoft documents it (v1.0). */
#define PSTN_ROW(id, type, caller, callee, start, dur)                                      \
  "{\"id\": \"" id "\", \"callId\": \"1835317186_112562680@61.221.3.176\", "                \
  "\"userId\": \"db03c14b-06eb-4189-939b-7cbf3a20ba27\", "                                  \
  "\"userPrincipalName\": \"richard.malk@contoso.com\", \"userDisplayName\": \"Richard Malk\", " \
  "\"startDateTime\": \"" start "\", \"endDateTime\": \"2026-11-03T10:03:47.2589935Z\", "  \
  "\"duration\": " dur ", \"charge\": 0.05, \"callType\": \"" type "\", \"currency\": \"USD\", " \
  "\"calleeNumber\": \"" callee "\", \"usageCountryCode\": \"US\", \"tenantCountryCode\": \"US\", " \
  "\"connectionCharge\": 0.00, \"callerNumber\": \"" caller "\", \"destinationContext\": null, " \
  "\"destinationName\": \"United States\", \"conferenceId\": null, "                        \
  "\"licenseCapability\": \"MCOPSTNU\", \"inventoryType\": \"Subscriber\", "                \
  "\"operator\": \"Microsoft\", \"callDurationSource\": \"microsoft\"}"

#define OUT_ROW(id) PSTN_ROW (id, "user_out", "+12125550100", "+13125550199", "2026-11-03T10:00:08.2589935Z", "219")

/* A directRoutingLogRow on one line. */
#define DR_ROW(corr, shared, type, ok, caller, callee, start, end, failure)                   \
  "{\"id\": \"9e8bba57-dc14-533a-a7dd-f0da6575eed1\", \"correlationId\": \"" corr "\", "       \
  shared "\"userId\": \"db03c14b-06eb-4189-939b-7cbf3a20ba27\", "                               \
  "\"userPrincipalName\": \"richard.malk@contoso.com\", \"userDisplayName\": \"Richard Malk\", " \
  "\"startDateTime\": \"" start "\", \"inviteDateTime\": \"2026-11-03T10:00:21.949Z\", "      \
  "\"failureDateTime\": \"" failure "\", \"endDateTime\": \"" end "\", \"duration\": 5, "      \
  "\"callType\": \"" type "\", \"successfulCall\": " ok ", \"callerNumber\": \"" caller "\", " \
  "\"calleeNumber\": \"" callee "\", \"mediaPathLocation\": \"USWest\", "                      \
  "\"signalingLocation\": \"EUWest\", \"finalSipCode\": 200, \"callEndSubReason\": 540000, "    \
  "\"finalSipCodePhrase\": \"BYE\", \"trunkFullyQualifiedDomainName\": \"sbc1.adatum.biz\", "  \
  "\"mediaBypassEnabled\": false}"

#define UNSET "0001-01-01T00:00:00Z"

static const CdrReaderOptions us = { .country = "US" };
static const CdrReaderOptions pstn = { .format = "graph-pstn", .country = "US" };
static const CdrReaderOptions dr = { .format = "graph-dr", .country = "US" };

static CdrReader *
open_text (const CdrReaderOptions *opts, const char *text)
{
  g_autofree char *path = test_write (dir, "calls.json", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdrReader) reader = cdrreader_new (opts, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  cr_assert (cdrreader_open (reader, path, &error), "%s", error ? error->message : "");
  return g_steal_pointer (&reader);
}

static void
next_record (CdrReader *reader, CdrRecord *rec)
{
  g_autoptr(GError) error = NULL;
  cr_assert_eq (cdrreader_next (reader, rec, &error), CDRREADER_RECORD);
  cr_assert_null (error);
}

static void
next_call (CdrReader *reader, CdrRecord *rec)
{
  next_record (reader, rec);
  cr_assert_eq (rec->outcome, CDR_CALL, "%s: %s", cdr_reject_code (rec->reject.reason),
                rec->reject.detail);
}

static void
next_reject (CdrReader *reader, CdrRecord *rec, CdrRejectReason reason)
{
  next_record (reader, rec);
  cr_assert_eq (rec->outcome, CDR_REJECT);
  cr_assert_eq (rec->reject.reason, reason, "%s: %s", cdr_reject_code (rec->reject.reason),
                rec->reject.detail);
}

static void
assert_text (CdrText t, const char *want)
{
  cr_assert_eq (t.len, strlen (want), "'%.*s' is not '%s'", (int) t.len, t.p, want);
  cr_assert (memcmp (t.p, want, t.len) == 0, "'%.*s' is not '%s'", (int) t.len, t.p, want);
}

static void
assert_raw (const CdrRecord *rec, const char *want)
{
  assert_text ((CdrText) { rec->raw, rec->raw_len }, want);
}

static void
assert_eof (CdrReader *reader)
{
  CdrRecord rec;
  cr_assert_eq (cdrreader_next (reader, &rec, NULL), CDRREADER_EOF);
}

static void
expect_refused (const CdrReaderOptions *opts, const char *text, const char *message)
{
  g_autofree char *path = test_write (dir, "refused.json", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdrReader) reader = cdrreader_new (opts, &error);
  cr_assert_not (cdrreader_open (reader, path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA), "%s", error->message);
  cr_assert_str_eq (error->message, message);
}

/* ---- graph-pstn fields ---- */

Test (cdr_graph, pstn_fields_from_a_documented_response)
{
  g_autoptr(CdrReader) reader = open_text (&us, "{\n    " PSTN_CONTEXT ",\n    \"@odata.count\": 1,\n"
                                           "    \"value\": [\n        " OUT_ROW ("9c4984c7-6c3c") "\n    ],\n"
                                           "    \"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/x?$skip=1000\"\n}\n");
  CdrRecord rec;
  cr_assert_str_eq (cdrreader_format (reader)->name, "graph-pstn");
  next_call (reader, &rec);
  cr_assert_eq (rec.line, 5);
  assert_raw (&rec, OUT_ROW ("9c4984c7-6c3c"));
  assert_text (rec.call.call_key, "9c4984c7-6c3c");
  assert_text (rec.call.user, "richard.malk@contoso.com");
  cr_assert_eq (rec.call.tenant_id.len, 0);
  cr_assert_eq (rec.call.leg_id.len, 0);
  cr_assert_eq (rec.call.direction, CDR_OUT);
  cr_assert_str_eq (rec.call.caller.digits, "12125550100");
  cr_assert_str_eq (rec.call.callee.digits, "13125550199");
  cr_assert_eq (rec.call.start_ms, 1793700008258);      /* 2026-11-03T10:00:08.258Z */
  cr_assert_eq (rec.call.duration, 219);                /* duration, not end − start */
  cr_assert (rec.call.answered);
  assert_eof (reader);
}

Test (cdr_graph, pstn_duration_from_end_when_null)
{
  g_autoptr(CdrReader) reader = open_text (&pstn, PSTN_ROW ("a", "user_out", "+12125550100", "+13125550199",
                                                            "2026-11-03T10:00:00Z", "null") "\n");
  CdrRecord rec;
  next_call (reader, &rec);
  cr_assert_eq (rec.call.duration, 228);               /* 10:03:47.259 − 10:00:00, rounded up */
}

Test (cdr_graph, pstn_operator_connect_call_types)
{
  g_autoptr(CdrReader) reader = open_text (&pstn,
    PSTN_ROW ("1", "oc_user_in", "+13125550199", "+12125550100", "2026-11-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("2", "oc_user_out", "+12125550100", "+13125550199", "2026-11-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("3", "oc_fmc_in", "+13125550199", "+12125550100", "2026-11-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("4", "oc_fmc_out", "+12125550100", "+13125550199", "2026-11-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("5", "oc_user_out_conf", "+12125550100", "+13125550199", "2026-11-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("6", "ucap_sideways", "+12125550100", "+13125550199", "2026-11-03T10:00:00Z", "10") "\n");
  const CdrDirection want[] = { CDR_IN, CDR_OUT, CDR_IN, CDR_OUT, CDR_OUT };
  CdrRecord rec;
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      next_call (reader, &rec);
      cr_assert_eq (rec.call.direction, want[i], "row %zu", i + 1);
      cr_assert_eq (rec.line, i + 1);
    }
  next_reject (reader, &rec, CDR_REJECT_BAD_DIRECTION);
  cr_assert_str_eq (rec.reject.detail, "unknown callType 'ucap_sideways'");
  cr_assert_eq (rec.line, 6);
  assert_eof (reader);
}

Test (cdr_graph, pstn_masked_numbers)
{
  g_autoptr(CdrReader) reader = open_text (&pstn,
    PSTN_ROW ("1", "oc_user_out", "+441632960001", "+49301234***", "2026-11-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("2", "oc_user_in", "+3361234****", "+441632960001", "2026-11-03T10:00:00Z", "10") "\n");
  CdrRecord rec;
  next_call (reader, &rec);
  cr_assert (rec.call.callee.masked);
  cr_assert_str_eq (rec.call.callee.digits, "49301234");
  next_call (reader, &rec);
  cr_assert (rec.call.caller.masked);
  cr_assert_str_eq (rec.call.caller.digits, "3361234");
}

/* The "+0…" caller of Microsoft's own example reads as the CSV export's
 * Caller ID does: whatever the numbering rules make of it, both agree. */
static CdrRecord
teams_csv_record (const char *type, const char *caller, char **keep)
{
  *keep = g_strdup_printf ("UsageId,Call Type,Caller ID,Destination Number,Start Time,Duration Seconds\n"
                           "u1,%s,%s,+13125550199,2026-11-03T10:00:00Z,10\n", type, caller);
  g_autofree char *path = test_write (dir, "PSTN.calls.csv", *keep);
  g_autoptr(CdrReader) reader = cdrreader_new (&us, NULL);
  cr_assert (cdrreader_open (reader, path, NULL));
  CdrRecord rec;
  next_record (reader, &rec);
  return rec;
}

Test (cdr_graph, pstn_zero_caller_as_the_csv_export)
{
  const char *types[] = { "user_out", "user_in" };
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *keep = NULL;
      CdrRecord csv = teams_csv_record (types[i], "+0123456789", &keep);
      g_autofree char *row = g_strdup_printf (
        "{\"id\":\"u1\",\"callType\":\"%s\",\"callerNumber\":\"+0123456789\","
        "\"calleeNumber\":\"+13125550199\",\"startDateTime\":\"2026-11-03T10:00:00Z\","
        "\"duration\":10,\"charge\":0}\n", types[i]);
      g_autoptr(CdrReader) reader = open_text (&us, row);
      CdrRecord rec;
      next_record (reader, &rec);
      cr_assert_eq (rec.outcome, csv.outcome, "%s", types[i]);
      if (rec.outcome == CDR_REJECT)
        cr_assert_eq (rec.reject.reason, CDR_REJECT_BAD_NUMBER);
      else
        cr_assert_str_eq (rec.call.caller.digits, csv.call.caller.digits);
    }
}

Test (cdr_graph, pstn_bad_values_are_rejects)
{
  g_autoptr(CdrReader) reader = open_text (&pstn,
    "{\"callType\":\"user_out\",\"charge\":0}\n"
    PSTN_ROW ("2", "user_out", "+12125550100", "+13125550199", "2026-13-03T10:00:00Z", "10") "\n"
    PSTN_ROW ("3", "user_out", "+12125550100", "+13125550199", "2026-11-03T10:00:00Z", "-4") "\n"
    PSTN_ROW ("4", "user_out", "+12125550100", "+44 20 7946 OXXX", "2026-11-03T10:00:00Z", "4") "\n");
  CdrRecord rec;
  next_reject (reader, &rec, CDR_REJECT_MISSING_FIELD);
  cr_assert_str_eq (rec.reject.detail, "missing id");
  next_reject (reader, &rec, CDR_REJECT_BAD_TIMESTAMP);
  next_reject (reader, &rec, CDR_REJECT_BAD_DURATION);
  next_reject (reader, &rec, CDR_REJECT_BAD_NUMBER);
  cr_assert_eq (rec.line, 4);
  assert_eof (reader);
}

/* ---- graph-dr ---- */

Test (cdr_graph, dr_fields_and_unset_failure_time)
{
  g_autoptr(CdrReader) reader = open_text (&us, "{" DR_CONTEXT ", \"value\": ["
    DR_ROW ("c98e1515", "", "dr_out", "true", "+12125550100", "+13125550199",
            "2026-11-03T10:00:25.105Z", "2026-11-03T10:01:30.105Z", UNSET) ", "
    DR_ROW ("c98e1516", "", "dr_out", "false", "+12125550100", "+13125550199",
            UNSET, UNSET, "2026-11-03T10:00:30Z") ", "
    DR_ROW ("c98e1517", "", "ByotIn", "\"maybe\"", "+12125550100", "+13125550199",
            UNSET, UNSET, UNSET) "]}");
  CdrRecord rec;
  cr_assert_str_eq (cdrreader_format (reader)->name, "graph-dr");
  next_call (reader, &rec);
  assert_text (rec.call.call_key, "c98e1515");
  assert_text (rec.call.user, "richard.malk@contoso.com");
  cr_assert_eq (rec.call.direction, CDR_OUT);
  cr_assert (rec.call.answered);
  cr_assert_eq (rec.call.duration, 65);                /* end − start, not "duration" */
  cr_assert_eq (rec.call.sip_code, 200);
  cr_assert_eq (rec.call.start_ms, 1793700025105);
  next_call (reader, &rec);
  cr_assert_not (rec.call.answered);
  cr_assert_eq (rec.call.duration, 0);
  cr_assert_eq (rec.call.start_ms, 1793700021949);     /* the invite */
  next_reject (reader, &rec, CDR_REJECT_MISSING_FIELD);
  cr_assert_str_eq (rec.reject.detail, "successfulCall 'maybe' is not true or false");
  assert_eof (reader);
}

#define SHARED "\"sharedCorrelationId\": \"ffff0001\", "
#define LEG_IN DR_ROW ("aaaa0001", SHARED, "dr_in", "true", "+13125550199", "+12125550100", \
                       "2026-11-03T15:00:04.5Z", "2026-11-03T15:02:04.51Z", UNSET)
#define LEG_OUT DR_ROW ("aaaa0002", SHARED, "dr_out_user_forwarding", "true", "+12125550100", \
                        "+13105550142", "2026-11-03T15:00:05Z", "2026-11-03T15:02:04Z", UNSET)

static void
expect_legs (const char *text)
{
  g_autoptr(CdrReader) reader = open_text (&dr, text);
  CdrRecord rec;
  int rank_in = 0, rank_out = 0;
  for (int i = 0; i < 2; i++)
    {
      next_call (reader, &rec);
      assert_text (rec.call.call_key, "ffff0001");
      if (rec.call.direction == CDR_IN)
        assert_text (rec.call.leg_id, "aaaa0001"), rank_in = rec.call.leg_rank;
      else
        assert_text (rec.call.leg_id, "aaaa0002"), rank_out = rec.call.leg_rank;
    }
  cr_assert_gt (rank_out, rank_in);
  cr_assert_gt (rank_in, 0);
  assert_eof (reader);
}

Test (cdr_graph, dr_legs_in_both_orders)
{
  expect_legs (LEG_IN "\n" LEG_OUT "\n");
  expect_legs (LEG_OUT "\n" LEG_IN "\n");
}

/* ---- file shapes and recognition ---- */

Test (cdr_graph, pages_concatenated)
{
  /* compact pages back to back, then a pretty one after a newline */
  g_autoptr(CdrReader) reader = open_text (&us,
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p1-a") "," OUT_ROW ("p1-b") "],\"@odata.nextLink\":\"x\"}"
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p2-a") "],\"@odata.nextLink\":\"y\"}\n"
    "{\n  " PSTN_CONTEXT ",\n  \"value\": [\n    " OUT_ROW ("p3-a") ",\n    " OUT_ROW ("p3-b") "\n  ]\n}\n"
    "{" PSTN_CONTEXT ",\"value\":[]}\n");
  const char *keys[] = { "p1-a", "p1-b", "p2-a", "p3-a", "p3-b" };
  const guint64 lines[] = { 1, 1, 1, 5, 6 };
  CdrRecord rec;
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      next_call (reader, &rec);
      assert_text (rec.call.call_key, keys[i]);
      cr_assert_eq (rec.line, lines[i], "%s", keys[i]);
    }
  assert_raw (&rec, OUT_ROW ("p3-b"));
  assert_eof (reader);
}

Test (cdr_graph, json_lines_recognised_by_their_members)
{
  g_autoptr(CdrReader) reader = open_text (&us, "\xef\xbb\xbf" OUT_ROW ("l1") "\r\n\r\n" OUT_ROW ("l2") "\r\n");
  CdrRecord rec;
  cr_assert_str_eq (cdrreader_format (reader)->name, "graph-pstn");
  next_call (reader, &rec);
  assert_raw (&rec, OUT_ROW ("l1"));
  next_call (reader, &rec);
  cr_assert_eq (rec.line, 3);
  assert_eof (reader);

  g_autoptr(CdrReader) legs = open_text (&us, LEG_IN "\n");
  cr_assert_str_eq (cdrreader_format (legs)->name, "graph-dr");
}

Test (cdr_graph, a_bare_array_of_rows)
{
  g_autoptr(CdrReader) reader = open_text (&pstn, "[\n" OUT_ROW ("a") ",\n" OUT_ROW ("b") "\n]\n");
  CdrRecord rec;
  next_call (reader, &rec);
  next_call (reader, &rec);
  cr_assert_eq (rec.line, 3);
  assert_eof (reader);
}

Test (cdr_graph, a_broken_row_is_a_reject_and_reading_goes_on)
{
  g_autoptr(CdrReader) reader = open_text (&pstn,
    OUT_ROW ("l1") "\n"
    "{\"id\": \"l2\", \"duration\": 12a}\n"
    "[1]\n"
    "{\"id\": \"l4\", \"callType\": \"user_out\n"
    OUT_ROW ("l5") "\n");
  CdrRecord rec;
  next_call (reader, &rec);
  next_reject (reader, &rec, CDR_REJECT_CSV_SYNTAX);
  cr_assert_eq (rec.line, 2);
  assert_raw (&rec, "{\"id\": \"l2\", \"duration\": 12a}");
  cr_assert (g_str_has_prefix (rec.reject.detail, "not valid JSON: "), "%s", rec.reject.detail);
  next_reject (reader, &rec, CDR_REJECT_CSV_SYNTAX);  /* a row that is not an object */
  cr_assert_eq (rec.line, 3);
  cr_assert_str_eq (rec.reject.detail, "a row is not a JSON object");
  next_reject (reader, &rec, CDR_REJECT_CSV_SYNTAX);  /* a string cut by the line end */
  cr_assert_eq (rec.line, 4);
  assert_raw (&rec, "{\"id\": \"l4\", \"callType\": \"user_out");
  cr_assert_str_eq (rec.reject.detail, "unterminated string at line 4");
  next_call (reader, &rec);
  assert_text (rec.call.call_key, "l5");
  cr_assert_eq (rec.line, 5);
  assert_eof (reader);
}

/* A page cut short (a fetch that died mid-write) before the next page: its
 * complete rows count, the cut rest is one reject, the next page reads on. */
Test (cdr_graph, a_truncated_page_in_the_middle)
{
  g_autoptr(CdrReader) reader = open_text (&us,
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p1-a") "]}\n"
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p2-a") ",{\"id\":\"p2-b\",\"dura\n"
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p3-a") "]}\n"
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p4-a") ",{\"id\":\"p4-b\"}\n"
    "{" PSTN_CONTEXT ",\"value\":[" OUT_ROW ("p5-a") "]}");
  CdrRecord rec;
  next_call (reader, &rec);
  next_call (reader, &rec);
  assert_text (rec.call.call_key, "p2-a");
  next_reject (reader, &rec, CDR_REJECT_CSV_SYNTAX);
  cr_assert_eq (rec.line, 2);
  assert_raw (&rec, "{\"id\":\"p2-b\",\"dura");
  next_call (reader, &rec);
  assert_text (rec.call.call_key, "p3-a");
  next_call (reader, &rec);
  assert_text (rec.call.call_key, "p4-a");
  next_reject (reader, &rec, CDR_REJECT_MISSING_FIELD);  /* {"id":"p4-b"} is a whole row */
  next_reject (reader, &rec, CDR_REJECT_CSV_SYNTAX);     /* ... but its page never closes */
  cr_assert_str_eq (rec.reject.detail, "unclosed array: a new value starts at line 5 before this one ended");
  next_call (reader, &rec);
  assert_text (rec.call.call_key, "p5-a");
  assert_eof (reader);
}

Test (cdr_graph, an_empty_page_has_no_records)
{
  g_autoptr(CdrReader) reader = open_text (&us, "{\"@odata.context\": \"https://graph.microsoft.com/v1.0/"
                                                "$metadata#Collection(microsoft.graph.callRecords.directRoutingLogRow)\","
                                                " \"value\": []}\n");
  cr_assert_str_eq (cdrreader_format (reader)->name, "graph-dr");
  assert_eof (reader);
}

Test (cdr_graph, files_that_are_not_json_rows_are_refused)
{
  expect_refused (&pstn, "UsageId,Call Type\n", "line 1: not JSON rows: expected '{' or '[' at line 1");
  expect_refused (&us, "{not json}\n", "line 1: not JSON rows: expected a member name at line 1");
  expect_refused (&us, "\n\n{\"value\": [", "line 3: not JSON rows: unclosed array: the file ends inside a JSON value");
  expect_refused (&us, "{\"@odata.context\": \"https://example.com/$metadata#users\", \"value\": [{\"id\": 1}]}",
                  "cannot tell the format from the JSON (no known @odata.context or row members): give --format");
}
