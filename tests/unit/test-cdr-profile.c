/* test-cdr-profile.c — the mapping-profile language (ingest/cdr-profile.c)
 * feature by feature, through the one CDR reader (cdrreader.h): epoch times,
 * date and time in separate columns, a zone column, duration units,
 * key=value records, line prefixes and skipped lines, [exclude], header
 * variants, extends=, records cut short, and every load error.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "ingest/cdrreader.h"
#include "ingest/cdrformats.h"
#include "ingest/cdr-profile.h"
#include "base/rater-error.h"
#include "base/timeparse.h"
#include "test-helpers.h"

typedef struct {
  char *dir;
  char *format;                /* "profile:DIR/p.ini", borrowed by the reader */
  CdrReader *reader;
  CdrRecord rec;
} Run;

/* Write PROFILE and CDR into a scratch directory and open the CDR file
 * through the profile; NULL (ERROR set) when the profile or file is refused. */
static CdrReader *
run_open (Run *r, const char *profile, const char *cdr, const char *tz, GError **error)
{
  memset (r, 0, sizeof *r);
  r->dir = test_scratch_new ();
  g_autofree char *ini = test_write (r->dir, "p.ini", profile);
  g_autofree char *file = test_write (r->dir, "cdr.txt", cdr);
  r->format = g_strconcat ("profile:", ini, NULL);
  CdrReaderOptions opts = { .format = r->format, .country = "GB", .tz = tz };
  r->reader = cdrreader_new (&opts, error);
  if (r->reader && !cdrreader_open (r->reader, file, error))
    g_clear_pointer (&r->reader, cdrreader_free);
  return r->reader;
}

static void
run_start (Run *r, const char *profile, const char *cdr, const char *tz)
{
  g_autoptr(GError) error = NULL;
  cr_assert_not_null (run_open (r, profile, cdr, tz, &error), "open: %s", error ? error->message : "?");
}

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->reader, cdrreader_free);
  g_clear_pointer (&r->format, g_free);
  if (r->dir)
    test_scratch_free (g_steal_pointer (&r->dir));
}

static CdrOutcome
next (Run *r)
{
  g_autoptr(GError) error = NULL;
  cr_assert_eq (cdrreader_next (r->reader, &r->rec, &error), CDRREADER_RECORD, "a record wanted: %s",
                error ? error->message : "end of file");
  return r->rec.outcome;
}

static void
assert_text (CdrText t, const char *want, const char *what)
{
  g_autofree char *got = g_strndup (t.p, t.len);
  cr_assert_str_eq (got, want, "%s", what);
}

typedef struct {
  const char *key, *caller, *callee, *start;
  CdrDirection dir;
  gint64 duration;
  gboolean answered;
} Want;

static void
expect_call (Run *r, const Want *w)
{
  CdrOutcome o = next (r);
  char buf[32];
  cr_assert_eq (o, CDR_CALL, "line %" G_GUINT64_FORMAT ": outcome %d (%s)", r->rec.line, o,
                r->rec.reject.detail);
  const CdrCall *c = &r->rec.call;
  assert_text (c->call_key, w->key, "call key");
  cr_assert_str_eq (c->caller.digits, w->caller);
  cr_assert_str_eq (c->callee.digits, w->callee);
  cr_assert_str_eq (time_format_utc_ms (c->start_ms, buf), w->start, "%s: start", w->key);
  cr_assert_eq (c->direction, w->dir, "%s: direction", w->key);
  cr_assert_eq (c->duration, w->duration, "%s: duration %" G_GINT64_FORMAT, w->key, c->duration);
  cr_assert_eq (c->answered, w->answered, "%s: answered", w->key);
}

static void
expect_skip (Run *r)
{
  CdrOutcome o = next (r);
  cr_assert_eq (o, CDR_SKIP, "line %" G_GUINT64_FORMAT ": outcome %d (%s)", r->rec.line, o,
                r->rec.reject.detail);
}

static void
expect_reject (Run *r, const char *code, const char *detail)
{
  CdrOutcome o = next (r);
  cr_assert_eq (o, CDR_REJECT, "line %" G_GUINT64_FORMAT ": outcome %d", r->rec.line, o);
  cr_assert_str_eq (cdr_reject_code (r->rec.reject.reason), code, "%s", r->rec.reject.detail);
  cr_assert_str_eq (r->rec.reject.detail, detail);
}

static void
expect_end (Run *r)
{
  g_autoptr(GError) error = NULL;
  cr_assert_eq (cdrreader_next (r->reader, &r->rec, &error), CDRREADER_EOF, "end of file wanted");
}

/* epoch times {{{1 */

Test (cdr_profile, epoch_times_and_never)
{
  static const char profile[] =
    "[profile]\ntime_format=epoch\n"
    "[columns]\ncall_key=id\ncaller=from\ncallee=to\nsetup=orig\nstart=conn\nduration=secs\n"
    "[direction]\nrule=words\ncolumn=dir\n";
  Run r;
  run_start (&r, profile,
             "id,from,to,orig,conn,secs,dir\n"
             "a,+442079460001,+442079460002,1795424400,1795424404,61,out\n"
             /* 0: never connected, the start is the origination */
             "b,+442079460001,+442079460002,1795424400,0,0,out\n"
             /* a fraction (Kamailio's seconds.microseconds) */
             "c,+442079460001,+442079460002,1795424400,1795424404.250999,61,out\n"
             "d,+442079460001,+442079460002,1795424400,17:02,61,out\n"
             "e,+442079460001,+442079460002,0,0,0,out\n"
             "f,+442079460001,+442079460002,1795424400,-5,61,out\n",
             NULL);
  expect_call (&r, &(Want) { "a", "442079460001", "442079460002", "2026-11-23T09:00:04.000Z", CDR_OUT, 61, TRUE });
  expect_call (&r, &(Want) { "b", "442079460001", "442079460002", "2026-11-23T09:00:00.000Z", CDR_OUT, 0, FALSE });
  expect_call (&r, &(Want) { "c", "442079460001", "442079460002", "2026-11-23T09:00:04.250Z", CDR_OUT, 61, TRUE });
  expect_reject (&r, "bad_timestamp", "conn '17:02': not seconds since 1970");
  expect_reject (&r, "bad_timestamp", "orig '0': not seconds since 1970");
  expect_reject (&r, "bad_timestamp", "conn '-5': not seconds since 1970");
  expect_end (&r);
  run_clear (&r);
}

/* date and time in separate columns, the zone in another {{{1 */

Test (cdr_profile, date_time_columns_and_zone_column)
{
  static const char profile[] =
    "[profile]\nheader=false\ntime_format=%m/%d/%Y %H:%M:%S.%f\n"
    "[columns]\ncall_key=2\nzone=3\nsetup_date=4\nsetup=5\nduration=6\ncaller=7\ncallee=8\n"
    "[direction]\nrule=shape\n"
    "[timezones]\nCET-SBC=Europe/Paris\nEAST=-05:00\n";
  Run r;
  run_start (&r, profile,
             "STOP,k1,GMT,11/23/2026,09:00:00.5,61,+442079460001,+442079460002\n"
             "STOP,k2,GMT-05:00,11/23/2026,04:10:00.0,61,+442079460001,+442079460002\n"
             "STOP,k3,CET-SBC,07/01/2026,10:30:00.0,61,+442079460001,+442079460002\n"
             "STOP,k4,EAST,11/23/2026,04:10:00.0,61,+442079460001,+442079460002\n"
             "STOP,k5,Europe/London,07/01/2026,10:30:00.0,61,+442079460001,+442079460002\n"
             "STOP,k6,UTC+01:30,11/23/2026,10:30:00.0,61,+442079460001,+442079460002\n"
             "STOP,k7,MARS,11/23/2026,10:30:00.0,61,+442079460001,+442079460002\n"
             "STOP,k8,GMT,23/11/2026,10:30:00.0,61,+442079460001,+442079460002\n"
             "STOP,k9,GMT,,,61,+442079460001,+442079460002\n",
             NULL);
  expect_call (&r, &(Want) { "k1", "442079460001", "442079460002", "2026-11-23T09:00:00.500Z", CDR_OUT, 61, TRUE });
  expect_call (&r, &(Want) { "k2", "442079460001", "442079460002", "2026-11-23T09:10:00.000Z", CDR_OUT, 61, TRUE });
  /* CEST in July: two hours east */
  expect_call (&r, &(Want) { "k3", "442079460001", "442079460002", "2026-07-01T08:30:00.000Z", CDR_OUT, 61, TRUE });
  expect_call (&r, &(Want) { "k4", "442079460001", "442079460002", "2026-11-23T09:10:00.000Z", CDR_OUT, 61, TRUE });
  expect_call (&r, &(Want) { "k5", "442079460001", "442079460002", "2026-07-01T09:30:00.000Z", CDR_OUT, 61, TRUE });
  expect_call (&r, &(Want) { "k6", "442079460001", "442079460002", "2026-11-23T09:00:00.000Z", CDR_OUT, 61, TRUE });
  expect_reject (&r, "bad_timestamp", "zone 'MARS' is not one rater knows: map it in the profile's [timezones]");
  expect_reject (&r, "bad_timestamp", "5 '23/11/2026 10:30:00.0': timestamp field out of range");
  expect_reject (&r, "missing_field", "missing 5");
  expect_end (&r);
  run_clear (&r);
}

/* duration units {{{1 */

Test (cdr_profile, duration_units)
{
  static const struct { const char *unit, *value; gint64 seconds; } cases[] = {
    { "centiseconds", "6120", 62 }, { "centiseconds", "6100", 61 }, { "centiseconds", "0", 0 },
    { "deciseconds", "611", 62 }, { "milliseconds", "61001", 62 }, { "milliseconds", "999", 1 },
    { "seconds", "61.2", 62 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *profile = g_strdup_printf (
        "[profile]\ntimezone=UTC\nduration_unit=%s\n"
        "[columns]\ncall_key=id\ncaller=from\ncallee=to\nstart=t\nduration=d\n"
        "[direction]\nrule=shape\n", cases[i].unit);
      g_autofree char *cdr = g_strdup_printf ("id,from,to,t,d\nk,+442079460001,+442079460002,"
                                              "2026-11-23T09:00:00Z,%s\n", cases[i].value);
      Run r;
      run_start (&r, profile, cdr, NULL);
      expect_call (&r, &(Want) { "k", "442079460001", "442079460002", "2026-11-23T09:00:00.000Z",
                                 CDR_OUT, cases[i].seconds, cases[i].seconds > 0 });
      run_clear (&r);
    }
  Run r;
  run_start (&r, "[profile]\ntimezone=UTC\nduration_unit=centiseconds\n"
                 "[columns]\ncall_key=id\ncaller=from\ncallee=to\nstart=t\nduration=d\n"
                 "[direction]\nrule=shape\n",
             "id,from,to,t,d\n"
             "k,+442079460001,+442079460002,2026-11-23T09:00:00Z,61s\n"
             "k,+442079460001,+442079460002,2026-11-23T09:00:00Z,61.5\n", NULL);
  expect_reject (&r, "bad_duration", "d '61s' is not a whole number of centiseconds");
  expect_reject (&r, "bad_duration", "d '61.5' is not a whole number of centiseconds");
  expect_end (&r);
  run_clear (&r);
}

/* key=value records, syslog prefixes, lines that are not CDRs {{{1 */

static const char kv_profile[] =
  "[profile]\nrecord=keyvalue\nline_prefix=^.*?ACC: call ended: *\ntime_format=epoch\n"
  "[columns]\ncall_key=call_id;callid\ncaller=src_user\ncallee=dst_user\nstart=call_start_time\n"
  "duration=duration\nsip_code=code\n"
  "[filter]\nmethod=INVITE\n"
  "[direction]\nrule=shape\n";

Test (cdr_profile, keyvalue_records_after_a_prefix)
{
  Run r;
  run_start (&r, kv_profile,
             "Nov 23 09:00:00 sip2 opensips[1]: INFO: started\n"
             "Nov 23 09:01:02 sip2 opensips[2]: ACC: call ended: call_start_time=1795424401;"
               "duration=61;method=INVITE;call_id=o1;code=200;src_user=+442079460001;"
               "dst_user=+442079460002\n"
             /* keys in another order, spaces around, the other name of the key */
             "Nov 23 09:02:00 sip2 opensips[2]: ACC: call ended:  dst_user = +442079460003 ; "
               "src_user=+442079460001;callid=o2;method=INVITE;duration=0;call_start_time=1795424520;"
               "reason=Busy Here\n"
             /* a quote in a syslog message is no CSV quote */
             "Nov 23 09:03:00 sip2 opensips[2]: ERROR: unable to \"send\" reply\n"
             "Nov 23 09:04:00 sip2 opensips[2]: ACC: call ended: call_start_time=1795424640;"
               "duration=5;method=INVITE;call_id=o3;src_user=+442079460001\n"
             "Nov 23 09:05:00 sip2 opensips[2]: ACC: call ended: method=MESSAGE;call_id=o4\n"
             "Nov 23 09:06:00 sip2 opensips[2]: ACC: call ended: call_start_time=1795424760;"
               "duration=5;method=INVITE;src_user=+442079460001;dst_user=+442079460002\n",
             NULL);
  expect_skip (&r);
  expect_call (&r, &(Want) { "o1", "442079460001", "442079460002", "2026-11-23T09:00:01.000Z", CDR_OUT, 61, TRUE });
  cr_assert_eq (r.rec.call.sip_code, 200);
  expect_call (&r, &(Want) { "o2", "442079460001", "442079460003", "2026-11-23T09:02:00.000Z", CDR_OUT, 0, FALSE });
  expect_skip (&r);
  expect_reject (&r, "missing_field", "missing dst_user");
  expect_skip (&r);       /* not an INVITE */
  expect_reject (&r, "missing_field", "missing call_id");
  expect_end (&r);
  run_clear (&r);
}

Test (cdr_profile, header_after_a_prefix_and_skipped_lines)
{
  static const char profile[] =
    "[profile]\ndelimiter=|\ntrim=true\nline_prefix=\\[S=[0-9]+\\] *\nskip_lines=^ *#\ntimezone=UTC\n"
    "[columns]\ncall_key=Id\ncaller=From\ncallee=To\nstart=Start\nduration=Secs\n"
    "[direction]\nrule=shape\n";
  Run r;
  run_start (&r, profile,
             "<134>Nov 23 09:00:00 10.0.0.1 [S=1] |Id |From          |To            |Start               |Secs\n"
             "<134>Nov 23 09:01:00 10.0.0.1 [S=2] |k1 |+442079460001 |+442079460002 |2026-11-23T09:00:00Z |61\n"
             "<134>Nov 23 09:01:00 10.0.0.1 [S=3] # a comment line\n"
             "<134>Nov 23 09:01:01 10.0.0.1 board started \"fine\"\n"
             "<134>Nov 23 09:02:00 10.0.0.1 [S=4] |k2 |+442079460001 |\"+442079460003\n",
             NULL);
  expect_call (&r, &(Want) { "k1", "442079460001", "442079460002", "2026-11-23T09:00:00.000Z", CDR_OUT, 61, TRUE });
  expect_skip (&r);
  expect_skip (&r);
  /* cut short: the first column it lacks is named */
  expect_reject (&r, "missing_field", "4 fields: no 'Start' column");
  expect_end (&r);
  run_clear (&r);

  /* a header line without the prefix is no header of this profile */
  g_autoptr(GError) error = NULL;
  cr_assert_null (run_open (&r, profile, "Id|From|To|Start|Secs\n", NULL, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (strstr (error->message, "header does not match profile") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "no line_prefix in it") != NULL, "%s", error->message);
  run_clear (&r);
}

Test (cdr_profile, skip_lines_in_a_csv_file)
{
  static const char profile[] =
    "[profile]\nskip_lines=^INTEGER,\ntime_format=epoch\n"
    "[columns]\ncall_key=pkid\ncaller=callingPartyNumber\ncallee=finalCalledPartyNumber\n"
    "setup=dateTimeOrigination\nstart=dateTimeConnect\nduration=duration\n"
    "[filter]\ncdrRecordType=1\n[direction]\nrule=shape\n";
  Run r;
  run_start (&r, profile,
             "\"cdrRecordType\",\"dateTimeOrigination\",\"callingPartyNumber\",\"finalCalledPartyNumber\","
               "\"dateTimeConnect\",\"pkid\",\"duration\"\n"
             "INTEGER,INTEGER,VARCHAR(50),VARCHAR(50),INTEGER,UNIQUEIDENTIFIER,INTEGER\n"
             "1,1795424400,\"+442079460001\",\"+442079460002\",1795424404,\"p1\",61\n"
             "0,1795424400,\"+442079460001\",\"+442079460002\",0,\"p2\",0\n"
             "1,1795424400,\"2001\",\"2002\",1795424404,\"p3\",61\n",
             NULL);
  expect_skip (&r);
  expect_call (&r, &(Want) { "p1", "442079460001", "442079460002", "2026-11-23T09:00:04.000Z", CDR_OUT, 61, TRUE });
  expect_skip (&r);
  cr_assert_eq (next (&r), CDR_INTERNAL);
  expect_end (&r);
  run_clear (&r);
}

/* [exclude], header variants, extends {{{1 */

static const char ac_profile[] =
  "[profile]\ndelimiter=|\ntrim=true\ntimezone=UTC\n"
  "[columns]\ncall_key=SessionId\ncaller=SrcURI\ncallee=DstURI\nstart=ConnectTime\n"
  "duration=Duration;Durat\n"
  "[filter]\nSBCReportType=CALL_END\n"
  "[exclude]\nSourceIp=52.112.*;52.114.*\nDestIp=52.112.*;52.114.*\n"
  "[direction]\ncolumn=Orig\nin=RMT\nout=LCL\n";

static const char ac_rows[] =
  "|CALL_START |s1 |RMT |52.114.1.1 |10.0.0.5 |+442079460001@ms |+442079460002@sbc |0  |                     |Teams\n"
  "|CALL_END   |s1 |RMT |52.114.1.1 |10.0.0.5 |+442079460001@ms |+442079460002@sbc |61 |2026-11-23T09:00:00Z |Teams\n"
  "|CALL_END   |s1 |LCL |10.0.0.5   |10.0.1.1 |+442079460001@gw |+442079460002@gw  |61 |2026-11-23T09:00:00Z |PSTN-1\n"
  "|CALL_END   |s2 |RMT |10.0.1.1   |10.0.0.5 |+441632960001@gw |+442079460001@gw  |30 |2026-11-23T09:05:00Z |PSTN-1\n"
  "|CALL_END   |s2 |LCL |10.0.0.5   |52.112.9.9 |+441632960001@sbc |+442079460001@ms |30 |2026-11-23T09:05:00Z |Teams\n";

static void
check_ac (Run *r)
{
  expect_skip (r);
  expect_skip (r);        /* the Teams leg */
  expect_call (r, &(Want) { "s1", "442079460001", "442079460002", "2026-11-23T09:00:00.000Z", CDR_OUT, 61, TRUE });
  expect_call (r, &(Want) { "s2", "441632960001", "442079460001", "2026-11-23T09:05:00.000Z", CDR_IN, 30, TRUE });
  expect_skip (r);
  expect_end (r);
}

Test (cdr_profile, exclude_and_header_variants)
{
  /* 7.4 titles, and 7.2's Durat with "(name)" suffixes and a column more */
  static const char *const headers[] = {
    "|SBCReportType |SessionId |Orig |SourceIp |DestIp |SrcURI |DstURI |Duration |ConnectTime |IPGroup (name)\n",
    "|SBCReportType |SessionId |Orig |SourceIp |DestIp |SrcURI |DstURI |Durat |ConnectTime |IPGroup (name) |SIPMethod\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *cdr = g_strconcat (headers[i], ac_rows, NULL);
      Run r;
      run_start (&r, ac_profile, cdr, NULL);
      check_ac (&r);
      run_clear (&r);
    }
}

Test (cdr_profile, extends_overlays_a_profile)
{
  g_autofree char *cdr = g_strconcat (
    "|SBCReportType |SessionId |Orig |SourceIp |DestIp |SrcURI |DstURI |Durat |ConnectTime |IPGroup (name)\n",
    ac_rows, NULL);
  Run r;
  run_start (&r, ac_profile, cdr, NULL);
  /* a site profile next to the first, naming it relatively: its [filter]
   * key is added, the rest inherited */
  g_autofree char *site = test_write (r.dir, "site.ini", "[profile]\nextends=p.ini\n[filter]\nIPGroup=PSTN-1\n");
  g_autofree char *file = g_build_filename (r.dir, "cdr.txt", NULL);
  g_autofree char *spec = g_strconcat ("profile:", site, NULL);
  CdrReaderOptions opts = { .format = spec, .country = "GB" };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdrReader) site_reader = cdrreader_new (&opts, &error);
  cr_assert_not_null (site_reader, "%s", error ? error->message : "?");
  cr_assert (cdrreader_open (site_reader, file, &error), "%s", error ? error->message : "?");
  CdrReader *first = r.reader;
  r.reader = site_reader;
  check_ac (&r);
  r.reader = first;
  run_clear (&r);

  /* a loop of profiles extending each other is refused */
  char *dir = test_scratch_new ();
  g_autofree char *a = test_write (dir, "a.ini", "[profile]\nextends=b.ini\n");
  g_autofree char *b = test_write (dir, "b.ini", "[profile]\nextends=a.ini\n");
  g_autofree char *loop = g_strconcat ("profile:", a, NULL);
  CdrFormat *format = NULL;
  g_autoptr(GError) loop_error = NULL;
  cr_assert_null (cdrformats_lookup (loop, &format, &loop_error));
  cr_assert (g_error_matches (loop_error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert (strstr (loop_error->message, "more than 4 profiles deep (a loop?)") != NULL, "%s",
             loop_error->message);
  test_scratch_free (dir);
}

/* built-in profiles {{{1 */

Test (cdr_profile, builtins_load)
{
  static const char *const names[] = {
    "audiocodes", "cucm", "ribbon", "kamailio-acc", "kamailio-acc-csv", "opensips-acc",
    "opensips-acc-csv",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *spec = g_strconcat ("profile:", names[i], NULL);
      g_autoptr(GError) error = NULL;
      CdrFormat *profile = NULL;
      cr_assert_not_null (cdrformats_lookup (spec, &profile, &error), "%s: %s", names[i],
                          error ? error->message : "?");
      cdr_profile_free (profile);
    }
}

/* load errors {{{1 */

#define COLS "[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\nduration=e\n[direction]\nrule=shape\n"

Test (cdr_profile, load_errors_name_the_key_and_the_fix)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "[profile]\ntime_format=%s\n" COLS,
      "[profile] time_format '%s': '%s' is not a conversion rater reads (it reads %Y %m %b %d %e"
      " %H %M %S %f %a %Z %z %%; for seconds since 1970 write time_format=epoch)" },
    { "[profile]\ntime_format=%H:%M:%S\n" COLS,
      "[profile] time_format '%H:%M:%S': has no full date (it needs %Y, %m or %b, and %d or %e)" },
    { "[profile]\ntime_format=%Y-%m-%d %\n" COLS,
      "[profile] time_format '%Y-%m-%d %': '%' is not a conversion rater reads (it reads %Y %m %b"
      " %d %e %H %M %S %f %a %Z %z %%; for seconds since 1970 write time_format=epoch)" },
    { "[profile]\ntimeformat=epoch\n" COLS,
      "[profile] has no key 'timeformat' (it has description, extends, delimiter, header, trim,"
      " record, line_prefix, skip_lines, time_format, timezone, duration_unit)" },
    { "[columns]\ncall_key=a\ncaller=b\ncallee=c\nstart=d\nduration=e\nanswer=f\n[direction]\nrule=shape\n",
      "[columns] has no key 'answer' (it has call_key, caller, callee, start, setup, end, duration,"
      " tenant_id, user, sip_code, start_date, setup_date, end_date, zone)" },
    { "[direction]\nrule=shape\ncontext=x\n" COLS,
      "[direction] has no key 'context' (it has rule, column, in, out, inbound_contexts,"
      " outbound_contexts, internal_contexts)" },
    { "[filters]\nType=STOP\n" COLS,
      "no group [filters] in the profile language (groups: [profile], [columns], [filter],"
      " [exclude], [direction], [answered], [timezones])" },
    { "[profile]\nrecord=json\n" COLS, "[profile] record 'json' is not csv or keyvalue" },
    { "[profile]\nrecord=keyvalue\nheader=true\n" COLS,
      "[profile] header=true does not fit record=keyvalue (its columns are keys)" },
    { "[profile]\nheader=maybe\n" COLS, "[profile] header 'maybe' is not true or false" },
    { "[profile]\ntrim=1\n" COLS, "[profile] trim '1' is not true or false" },
    { "[profile]\nduration_unit=ticks\n" COLS,
      "[profile] duration_unit 'ticks' is not seconds, deciseconds, centiseconds or milliseconds" },
    { "[profile]\nline_prefix=ACC: (call\n" COLS, NULL /* GRegex's own words follow */ },
    { "[profile]\nskip_lines=[\n" COLS, NULL },
    { "[profile]\ntime_format=epoch\n" COLS "[columns]\nstart_date=x\n",
      "[columns] start_date needs start (the time column) and a time_format for \"DATE TIME\""
      " (such as %m/%d/%Y %H:%M:%S.%f)" },
    { COLS "[timezones]\nEST=Eastern\n",
      "[timezones] EST 'Eastern' is not an IANA zone (Europe/Berlin) or an offset (+01:00)" },
    { COLS "[answered]\ncolumn=x\n", "[answered] column needs yes= values" },
    { "[profile]\ndelimiter==\nrecord=keyvalue\n" COLS,
      "[profile] delimiter '=' is not one character (write tab for a tab)" },
    { "[profile]\nextends=no-such-profile\n" COLS,
      "[profile] extends 'no-such-profile': no profile 'no-such-profile' (neither a file nor a"
      " built-in profile)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *dir = test_scratch_new ();
      g_autofree char *path = test_write (dir, "p.ini", cases[i].text);
      g_autofree char *spec = g_strconcat ("profile:", path, NULL);
      g_autoptr(GError) error = NULL;
      CdrFormat *format = NULL;
      cr_assert_null (cdrformats_lookup (spec, &format, &error), "case %zu loaded", i);
      cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "case %zu: %s", i,
                 error->message);
      g_autofree char *prefix = g_strdup_printf ("profile '%s': ", path);
      cr_assert (g_str_has_prefix (error->message, prefix), "case %zu: %s", i, error->message);
      if (cases[i].message)
        cr_assert_str_eq (error->message + strlen (prefix), cases[i].message, "case %zu", i);
      else
        cr_assert (strstr (error->message, "is not a regular expression: ") != NULL, "case %zu: %s",
                   i, error->message);
      test_scratch_free (dir);
    }
}

Test (cdr_profile, time_format_problem)
{
  cr_assert_null (time_format_problem ("%H:%M:%S.%f %Z %a %b %d %Y"));
  cr_assert_null (time_format_problem ("%m/%d/%Y %H:%M:%S.%f"));
  cr_assert_null (time_format_problem ("%e.%m.%Y %%"));
  g_autofree char *s = time_format_problem ("%s");
  cr_assert (g_str_has_prefix (s, "'%s' is not a conversion"), "%s", s);
  g_autofree char *y = time_format_problem ("%y-%m-%d");
  cr_assert (g_str_has_prefix (y, "'%y' is not a conversion"), "%s", y);
  g_autofree char *d = time_format_problem ("%Y-%m");
  cr_assert (g_str_has_prefix (d, "has no full date"), "%s", d);
}

Test (cdr_profile, many_zone_names_are_all_read)
{
  /* more distinct zone values than the per-file cache holds */
  g_autoptr(GString) profile = g_string_new (
    "[profile]\nheader=false\n"
    "[columns]\ncall_key=1\nzone=2\nstart=3\nduration=4\ncaller=5\ncallee=6\n"
    "[direction]\nrule=shape\n[timezones]\n");
  g_autoptr(GString) cdr = g_string_new (NULL);
  for (int i = 0; i < 300; i++)
    {
      g_string_append_printf (profile, "Z%d=%s\n", i, i % 2 ? "+01:00" : "Europe/London");
      g_string_append_printf (cdr, "k%d,Z%d,2026-11-23 10:00:00,61,+442079460001,+442079460002\n", i, i);
    }
  Run r;
  run_start (&r, profile->str, cdr->str, NULL);
  for (int i = 0; i < 300; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%d", i);
      expect_call (&r, &(Want) { key, "442079460001", "442079460002",
                                 i % 2 ? "2026-11-23T09:00:00.000Z" : "2026-11-23T10:00:00.000Z",
                                 CDR_OUT, 61, TRUE });
    }
  expect_end (&r);
  run_clear (&r);
}
