/* test-cdrreader.c — the one CDR reader of ingest and reconcile: options
 * checked once, a file opened with a given or recognised format, records
 * returned as calls, skips and rejects with their lines and bytes, files
 * refused whole, and no crash when the caller passes no GError. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "ingest/cdrreader.h"
#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (cdrreader, .init = setup, .fini = teardown);

#define HEADER "call_id,start,duration,caller,callee,direction\n"
#define ROW1 "c-1,2026-11-03T08:00:00Z,61,+441632960001,+442079460000,out"
#define ROW3 "c-3,2026-11-03T08:02:00Z,5,+441632960001,+442079460002,out"

/* An Asterisk Master.csv row (headerless, local times). */
#define AST_ROW(dst, disp, billsec, uid) \
  "\"\",\"2125550100\",\"" dst "\",\"from-internal\",\"\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\"," \
  "\"2026-11-03 10:00:00\",\"2026-11-03 10:00:02\",\"2026-11-03 10:01:00\",60," billsec ",\"" disp \
  "\",\"DOCUMENTATION\",\"" uid "\",\"\"\n"

static const CdrReaderOptions gb = { .country = "GB" };

/* A reader for OPTS opened on a file NAME holding TEXT. */
static CdrReader *
open_text (const CdrReaderOptions *opts, const char *name, const char *text)
{
  g_autofree char *path = test_write (dir, name, text);
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
assert_text (CdrText t, const char *want)
{
  cr_assert_eq (t.len, strlen (want), "'%.*s' is not '%s'", (int) t.len, t.p, want);
  cr_assert (memcmp (t.p, want, t.len) == 0, "'%.*s' is not '%s'", (int) t.len, t.p, want);
}

static void
assert_eof (CdrReader *reader)
{
  CdrRecord rec;
  cr_assert_eq (cdrreader_next (reader, &rec, NULL), CDRREADER_EOF);
}

/* Opening TEXT with OPTS must fail with CODE and MESSAGE, and fail the same
 * way without a GError. */
static void
expect_refused (const CdrReaderOptions *opts, const char *text, int code, const char *message)
{
  g_autofree char *path = test_write (dir, "refused.csv", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdrReader) reader = cdrreader_new (opts, &error);
  cr_assert_not_null (reader, "%s", error ? error->message : "");
  cr_assert_not (cdrreader_open (reader, path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, code), "%s", error->message);
  cr_assert_str_eq (error->message, message);

  g_autoptr(CdrReader) again = cdrreader_new (opts, NULL);
  cr_assert_not (cdrreader_open (again, path, NULL));
}

Test (cdrreader, a_given_format_reads_calls_and_rejects_with_lines_and_bytes)
{
  CdrReaderOptions opts = gb;
  opts.format = "rater";
  g_autoptr(CdrReader) reader = open_text (&opts, "a.csv",
    HEADER ROW1 "\n"
    "c-2,yesterday,61,+441632960001,+442079460001,out\n"
    "c-\"x,1,2\n"
    ROW3 "\n");
  CdrRecord rec;

  cr_assert_str_eq (cdrreader_format (reader)->name, "rater");
  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_CALL);
  cr_assert_eq (rec.line, 2);
  assert_text (rec.call.call_key, "c-1");
  cr_assert_eq (rec.call.duration, 61);
  cr_assert_eq (rec.call.direction, CDR_OUT);
  cr_assert_eq (rec.raw_len, strlen (ROW1));
  cr_assert (memcmp (rec.raw, ROW1, rec.raw_len) == 0);

  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_REJECT);
  cr_assert_eq (rec.line, 3);
  cr_assert_str_eq (cdr_reject_code (rec.reject.reason), "bad_timestamp");

  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_REJECT, "broken CSV is a reject, reading goes on");
  cr_assert_eq (rec.line, 4);
  cr_assert_str_eq (cdr_reject_code (rec.reject.reason), "csv_syntax");
  cr_assert_str_eq (rec.reject.detail, "malformed quotes");

  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_CALL);
  assert_text (rec.call.call_key, "c-3");
  assert_eof (reader);
  cr_assert_eq (cdrreader_position (reader), cdrreader_size (reader));
}

Test (cdrreader, the_format_is_recognised_from_the_header)
{
  g_autoptr(CdrReader) reader = open_text (&gb, "a.csv", HEADER ROW1 "\n");
  CdrRecord rec;

  cr_assert_str_eq (cdrreader_format (reader)->name, "rater");
  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_CALL);
  assert_text (rec.call.call_key, "c-1");
  assert_eof (reader);
}

Test (cdrreader, a_headerless_format_returns_its_first_record)
{
  const CdrReaderOptions opts = { .format = "asterisk", .country = "US", .tz = "America/New_York" };
  g_autoptr(CdrReader) reader = open_text (&opts, "Master.csv",
    AST_ROW ("3125550101", "ANSWERED", "58", "u.1")
    AST_ROW ("3125550102", "ANSWERED", "x", "u.2"));
  CdrRecord rec;

  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_CALL);
  cr_assert_eq (rec.line, 1);
  cr_assert_eq (rec.call.duration, 58);
  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_REJECT);
  cr_assert_eq (rec.line, 2);
  cr_assert_str_eq (cdr_reject_code (rec.reject.reason), "bad_duration");
  assert_eof (reader);
}

Test (cdrreader, a_headerless_file_with_a_broken_first_line)
{
  const CdrReaderOptions opts = { .format = "asterisk", .country = "US", .tz = "America/New_York" };
  g_autoptr(CdrReader) reader = open_text (&opts, "Master.csv",
    "\"\",\"2125550100\",\"3125550199\"x,\"from-internal\"\n"
    AST_ROW ("3125550101", "ANSWERED", "58", "u.1"));
  CdrRecord rec;

  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_REJECT);
  cr_assert_eq (rec.line, 1);
  cr_assert_str_eq (cdr_reject_code (rec.reject.reason), "csv_syntax");
  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_CALL);
  assert_eof (reader);
}

Test (cdrreader, an_empty_headerless_file_has_no_records)
{
  const CdrReaderOptions opts = { .format = "asterisk", .country = "US", .tz = "America/New_York" };
  g_autoptr(CdrReader) reader = open_text (&opts, "Master.csv", "");
  assert_eof (reader);
}

Test (cdrreader, a_profile_is_loaded_and_owned_by_the_reader)
{
  /* a profile with its direction as values and calls told by a filter */
  g_autofree char *profile = test_write (dir, "p.ini",
    "[direction]\ncolumn=dir\nin=I\nout=O\n"
    "[filter]\nkind=END\n"
    "[columns]\ncall_key=id\ncaller=from\ncallee=to\nstart=at\nduration=secs\n");
  g_autofree char *format = g_strconcat ("profile:", profile, NULL);
  CdrReaderOptions opts = gb;
  opts.format = format;
  g_autoptr(CdrReader) reader = open_text (&opts, "p.csv",
    "id,kind,dir,from,to,at,secs\n"
    "k1,START,O,+441632960001,+442079460000,2026-11-03T10:00:00Z,61\n"
    "k1,END,O,+441632960001,+442079460000,2026-11-03T10:00:00Z,61\n");
  CdrRecord rec;

  cr_assert_str_eq (cdrreader_format (reader)->name, "profile");
  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_SKIP);
  next_record (reader, &rec);
  cr_assert_eq (rec.outcome, CDR_CALL);
  assert_text (rec.call.call_key, "k1");
  assert_eof (reader);
}

Test (cdrreader, files_that_are_not_their_format_are_refused)
{
  CdrReaderOptions pstn = gb;
  pstn.format = "teams-pstn";
  CdrReaderOptions hinted = gb;
  hinted.format_hint = "FILE:FMT";
  const CdrReaderOptions no_tz = { .format = "asterisk", .country = "US" };

  expect_refused (&gb, "just,some,columns\n1,2,3\n", RATER_ERROR_DATA,
                  "cannot tell the format from the header: give --format");
  expect_refused (&hinted, "just,some,columns\n", RATER_ERROR_DATA,
                  "cannot tell the format from the header: give FILE:FMT");
  expect_refused (&gb, "", RATER_ERROR_DATA, "empty file: no header");
  expect_refused (&pstn, "", RATER_ERROR_DATA, "empty file: no header");
  expect_refused (&gb, "call_\"id,start\n", RATER_ERROR_DATA, "line 1: header: malformed quotes");
  expect_refused (&pstn, HEADER, RATER_ERROR_DATA,
                  "line 1: header is not a teams-pstn header: no column 'UsageId'");
  expect_refused (&no_tz, AST_ROW ("3125550101", "ANSWERED", "58", "u.1"), RATER_ERROR_USAGE,
                  "asterisk CDRs have local times: give --tz");
}

static gboolean
refuse_rater (const CdrFormat *format, const CsvRecord *first, gpointer data, GError **error)
{
  guint *calls = data;
  (*calls)++;
  cr_assert_eq (first->line, 1);
  if (!g_str_equal (format->name, "rater"))
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "no %s files here", format->name);
  return FALSE;
}

Test (cdrreader, the_accept_hook_sees_the_format_and_can_refuse)
{
  guint calls = 0;
  CdrReaderOptions opts = gb;
  opts.accept = refuse_rater;
  opts.accept_data = &calls;

  expect_refused (&opts, HEADER ROW1 "\n", RATER_ERROR_USAGE, "no rater files here");
  cr_assert_eq (calls, 2);
}

Test (cdrreader, bad_options_are_refused_before_any_file_even_without_a_gerror)
{
  static const struct {
    CdrReaderOptions opts;
    const char *message;
  } cases[] = {
    { { .tz = "Mars/Olympus" }, "--tz: unknown time zone 'Mars/Olympus'" },
    { { .country = "XX" }, "--country 'XX' is not an ISO 3166 alpha-2 code" },
    { { .format = "nonsense" },
      "unknown format 'nonsense' (rater, teams-pstn, teams-dr, asterisk, freeswitch, graph-pstn, graph-dr, profile:FILE)" },
    { { .format = "profile:nope" },
      "profile 'nope': no profile 'nope' (neither a file nor a built-in profile)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      cr_assert_null (cdrreader_new (&cases[i].opts, NULL), "case %zu", i);
      cr_assert_null (cdrreader_new (&cases[i].opts, &error), "case %zu", i);
      cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "case %zu: %s", i,
                 error->message);
      cr_assert_str_eq (error->message, cases[i].message);
    }
}

Test (cdrreader, a_missing_file_is_an_error)
{
  g_autoptr(CdrReader) reader = cdrreader_new (&gb, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "missing.csv", NULL);

  cr_assert_not (cdrreader_open (reader, path, &error));
  cr_assert_not_null (strstr (error->message, "cannot open"), "%s", error->message);
}
