/* test-export.c — unit tests of bill/export: stored calls and rejects as CSV
 * (formats.md §3), byte for byte.
 *
 * The database is the spec's: the spec catalog (tests/data/spec-catalog) and
 * the spec calls (tests/data/cdr/spec-calls.csv, ingested from the scratch
 * directory as "spec-calls.csv", so the file column reads as it does for a
 * user), rated or not.  The cases cover every call before and after rating,
 * the period filter, every reject with its raw bytes quoted as RFC 4180
 * wants, empty databases, standard output, and an unwritable output that
 * leaves nothing behind.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <string.h>

#include "base/rater-error.h"
#include "bill/export.h"
#include "ingest/ingest.h"
#include "rate/rate.h"
#include "test-helpers.h"

#define SPEC_CALLS TEST_SRCDIR "/tests/data/cdr/spec-calls.csv"

static char *dir;

/* Work in the scratch directory: the stored file path is "spec-calls.csv". */
static void
setup (void)
{
  dir = test_scratch_new ();
  cr_assert_eq (g_chdir (dir), 0);
}

static void
teardown (void)
{
  cr_assert_eq (g_chdir ("/"), 0);
  test_scratch_free (dir);
}

TestSuite (export, .init = setup, .fini = teardown);

/* Helpers {{{1 */

static StoreDb *
spec_db (gboolean rated)
{
  StoreDb *db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len = 0;

  cr_assert (g_file_get_contents (SPEC_CALLS, &bytes, &len, &error), "%s", error ? error->message : "");
  cr_assert (g_file_set_contents ("spec-calls.csv", bytes, (gssize) len, &error));

  g_autoptr(Ingest) ing = ingest_new (db, &error);
  cr_assert_not_null (ing, "%s", error ? error->message : "");
  IngestOptions opts = { .operator_slug = "northwind", .country = "GB" };
  IngestStats stats = { 0 };
  cr_assert (ingest_file (ing, "spec-calls.csv", &opts, &stats, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (stats.calls, 20);
  cr_assert_eq (stats.rejects, 11);
  if (rated)
    {
      RateOptions ropts = { NULL, 1, 0 };
      RateStats rs;
      cr_assert (rate_run (db, &ropts, &rs, &error), "%s", error ? error->message : "");
      cr_assert_eq (rs.calls, 20);
    }
  return db;
}

/* FILE must hold exactly WANT (LEN bytes; -1: NUL-terminated). */
static void
expect_file (const char *file, const char *want, gssize len)
{
  g_autofree char *got = NULL;
  gsize got_len = 0, want_len = len < 0 ? strlen (want) : (gsize) len;
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_get_contents (file, &got, &got_len, &error), "%s", error ? error->message : "");
  cr_assert_eq (got_len, want_len, "'%s': %zu bytes, expected %zu:\n%s", file, got_len, want_len, got);
  cr_assert (memcmp (got, want, want_len) == 0, "'%s' differs:\n%s\nexpected:\n%s", file, got, want);
}

static guint64
export_calls_ok (StoreDb *db, const char *period, const char *path)
{
  g_autoptr(GError) error = NULL;
  guint64 rows = G_MAXUINT64;

  cr_assert (export_calls (db, period, path, &rows, &error), "%s", error ? error->message : "");
  cr_assert_null (error);
  return rows;
}

static guint64
export_rejects_ok (StoreDb *db, const char *path)
{
  g_autoptr(GError) error = NULL;
  guint64 rows = G_MAXUINT64;

  cr_assert (export_rejects (db, path, &rows, &error), "%s", error ? error->message : "");
  cr_assert_null (error);
  return rows;
}

#define CALLS_HEADER "operator,call_key,account,period,direction,caller,callee,start,duration," \
  "status,reason,prefix,destination,group,band,billable_seconds,covered_seconds,charge,late\n"

/* Rated calls {{{1 */

/* billing.md §9's worked examples, as rated from the spec catalog (the same
 * bytes the rate-spec golden case pins). */
static const char rated_calls[] = CALLS_HEADER
  "northwind,adatum1,adatum,2026-11,out,441632960101,442079460000,2026-11-12T10:00:00Z,50,rated,,4420,London,DOMESTIC,peak,60,60,0.000000,0\n"
  "northwind,ex01,contoso,2026-11,out,441632960001,442079460000,2026-11-03T10:00:00Z,61,rated,,4420,London,DOMESTIC,peak,61,0,0.020334,0\n"
  "northwind,ex02,contoso,2026-11,out,441632960001,442079460000,2026-11-03T19:30:00Z,61,rated,,4420,London,DOMESTIC,offpeak,61,0,0.010167,0\n"
  "northwind,ex03,contoso,2026-11,out,441632960001,442079460000,2026-11-07T10:00:00Z,30,rated,,4420,London,DOMESTIC,weekend,60,0,0.010000,0\n"
  "northwind,ex04,contoso,2026-11,out,441632960001,447700900123,2026-11-03T11:00:00Z,61,rated,,447,United Kingdom mobile,MOBILE,peak,120,0,0.550000,0\n"
  "northwind,ex05,contoso,2026-11,out,441632960001,4413,2026-11-03T11:05:00Z,10,rated,,44,United Kingdom,INTL,peak,10,0,0.016667,0\n"
  "northwind,ex06,contoso,2026-11,out,441632960001,15551234567,2026-11-03T11:10:00Z,61,unrated,no_rate,,,,peak,0,0,0.000000,0\n"
  "northwind,ex07,contoso,2026-11,in,,448001234567,2026-11-03T12:00:00Z,100,rated,,4480,UK freephone,TOLLFREE,peak,100,0,0.050000,0\n"
  "northwind,ex08,fabrikam,2026-11,in,,442079460001,2026-11-03T12:05:00Z,100,free,,,,,peak,0,0,0.000000,0\n"
  "northwind,ex09,contoso,2026-11,out,441632960001,447700900123,2026-11-03T11:00:00Z,0,unanswered,,,,,peak,0,0,0.000000,0\n"
  "northwind,ex10,fabrikam,2026-11,out,441632960101,447700900123,2026-11-03T13:00:00Z,1,rated,,447,United Kingdom mobile,MOBILE,peak,60,0,0.300000,0\n"
  "northwind,ex11,fabrikam,2026-11,out,441632960101,4413,2026-11-03T13:05:00Z,10,rated,,44,United Kingdom,INTL,peak,10,0,0.020000,0\n"
  "northwind,ex12,contoso,2026-06,out,441632960001,442079460000,2026-06-01T07:30:00Z,60,rated,,4420,London,DOMESTIC,peak,60,0,0.020000,0\n"
  "northwind,frac,contoso,2026-11,out,441632960001,4930123456,2026-11-04T09:00:00Z,62,unrated,no_rate,,,,peak,0,0,0.000000,0\n"
  "northwind,last,contoso,2026-11,out,441632960001,44999,2026-11-03T10:50:00Z,9,rated,,44,United Kingdom,INTL,peak,9,0,0.015000,0\n"
  "northwind,multi,contoso,2026-11,out,441632960001,442079460000,2026-11-03T10:30:00Z,5,rated,,4420,London,DOMESTIC,peak,60,0,0.020000,0\n"
  "northwind,nobody,,2026-11,out,441632969999,442079460000,2026-11-12T10:10:00Z,70,unrated,unknown_account,,,,,0,0,0.000000,0\n"
  "northwind,quoted,contoso,2026-11,out,441632960001,442079460000,2026-11-03T10:20:00Z,5,rated,,4420,London,DOMESTIC,peak,60,0,0.020000,0\n"
  "northwind,tenant1,adatum,2026-11,out,15551230000,442079460000,2026-11-12T10:05:00Z,70,rated,,4420,London,DOMESTIC,peak,70,0,0.023334,0\n"
  "northwind,unans,contoso,2026-11,out,441632960001,33612345678,2026-11-04T09:10:00Z,35,unanswered,,,,,peak,0,0,0.000000,0\n";

Test (export, every_rated_call_with_its_rating)
{
  g_autoptr(StoreDb) db = spec_db (TRUE);

  cr_assert_eq (export_calls_ok (db, NULL, "calls.csv"), 20);
  expect_file ("calls.csv", rated_calls, -1);
}

Test (export, a_period_keeps_only_its_calls)
{
  g_autoptr(StoreDb) db = spec_db (TRUE);

  cr_assert_eq (export_calls_ok (db, "2026-06", "june.csv"), 1);
  expect_file ("june.csv", CALLS_HEADER
               "northwind,ex12,contoso,2026-06,out,441632960001,442079460000,2026-06-01T07:30:00Z,60,"
               "rated,,4420,London,DOMESTIC,peak,60,0,0.020000,0\n", -1);

  cr_assert_eq (export_calls_ok (db, "2026-11", "november.csv"), 19);
  g_autofree char *november = g_strdup (rated_calls);
  char *ex12 = strstr (november, "northwind,ex12,");
  char *next = strchr (ex12, '\n') + 1;
  memmove (ex12, next, strlen (next) + 1);
  expect_file ("november.csv", november, -1);

  cr_assert_eq (export_calls_ok (db, "2026-12", "december.csv"), 0);
  expect_file ("december.csv", CALLS_HEADER, -1);
}

/* The calls as ingested, before any rating: the rating columns are empty. */
Test (export, calls_not_rated_yet_have_empty_rating_columns)
{
  g_autoptr(StoreDb) db = spec_db (FALSE);

  cr_assert_eq (export_calls_ok (db, NULL, "calls.csv"), 20);
  expect_file ("calls.csv", CALLS_HEADER
    "northwind,adatum1,adatum,,out,441632960101,442079460000,2026-11-12T10:00:00Z,50,,,,,,,,,,\n"
    "northwind,ex01,contoso,,out,441632960001,442079460000,2026-11-03T10:00:00Z,61,,,,,,,,,,\n"
    "northwind,ex02,contoso,,out,441632960001,442079460000,2026-11-03T19:30:00Z,61,,,,,,,,,,\n"
    "northwind,ex03,contoso,,out,441632960001,442079460000,2026-11-07T10:00:00Z,30,,,,,,,,,,\n"
    "northwind,ex04,contoso,,out,441632960001,447700900123,2026-11-03T11:00:00Z,61,,,,,,,,,,\n"
    "northwind,ex05,contoso,,out,441632960001,4413,2026-11-03T11:05:00Z,10,,,,,,,,,,\n"
    "northwind,ex06,contoso,,out,441632960001,15551234567,2026-11-03T11:10:00Z,61,,,,,,,,,,\n"
    "northwind,ex07,contoso,,in,,448001234567,2026-11-03T12:00:00Z,100,,,,,,,,,,\n"
    "northwind,ex08,fabrikam,,in,,442079460001,2026-11-03T12:05:00Z,100,,,,,,,,,,\n"
    "northwind,ex09,contoso,,out,441632960001,447700900123,2026-11-03T11:00:00Z,0,,,,,,,,,,\n"
    "northwind,ex10,fabrikam,,out,441632960101,447700900123,2026-11-03T13:00:00Z,1,,,,,,,,,,\n"
    "northwind,ex11,fabrikam,,out,441632960101,4413,2026-11-03T13:05:00Z,10,,,,,,,,,,\n"
    "northwind,ex12,contoso,,out,441632960001,442079460000,2026-06-01T07:30:00Z,60,,,,,,,,,,\n"
    "northwind,frac,contoso,,out,441632960001,4930123456,2026-11-04T09:00:00Z,62,,,,,,,,,,\n"
    "northwind,last,contoso,,out,441632960001,44999,2026-11-03T10:50:00Z,9,,,,,,,,,,\n"
    "northwind,multi,contoso,,out,441632960001,442079460000,2026-11-03T10:30:00Z,5,,,,,,,,,,\n"
    "northwind,nobody,,,out,441632969999,442079460000,2026-11-12T10:10:00Z,70,,,,,,,,,,\n"
    "northwind,quoted,contoso,,out,441632960001,442079460000,2026-11-03T10:20:00Z,5,,,,,,,,,,\n"
    "northwind,tenant1,adatum,,out,15551230000,442079460000,2026-11-12T10:05:00Z,70,,,,,,,,,,\n"
    "northwind,unans,contoso,,out,441632960001,33612345678,2026-11-04T09:10:00Z,35,,,,,,,,,,\n",
    -1);

  /* no call has a period yet */
  cr_assert_eq (export_calls_ok (db, "2026-11", "november.csv"), 0);
  expect_file ("november.csv", CALLS_HEADER, -1);
}

Test (export, an_empty_database_exports_headers_only)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);

  cr_assert_eq (export_calls_ok (db, NULL, "calls.csv"), 0);
  expect_file ("calls.csv", CALLS_HEADER, -1);
  cr_assert_eq (export_rejects_ok (db, "rejects.csv"), 0);
  expect_file ("rejects.csv", "file,line,reason,detail,raw\n", -1);
}

/* Rejects {{{1 */

Test (export, every_reject_by_line_with_its_raw_bytes)
{
  g_autoptr(StoreDb) db = spec_db (FALSE);
  g_autofree char *xs = g_strnfill (1100, 'x');
  g_autofree char *want = g_strconcat (
    "file,line,reason,detail,raw\n"
    "spec-calls.csv,20,bad_timestamp,start '2026-11-31T10:00:00Z': timestamp field out of range,"
    "\"bad-ts,2026-11-31T10:00:00Z,61,+441632960001,+442079460000,out,,,,\"\n"
    "spec-calls.csv,21,bad_duration,duration '-5' is not a number of seconds >= 0,"
    "\"bad-dur,2026-11-03T10:00:00Z,-5,+441632960001,+442079460000,out,,,,\"\n"
    "spec-calls.csv,22,bad_number,callee '+44 20 CALL NOW': letters in number,"
    "\"bad-num,2026-11-03T10:00:00Z,61,+441632960001,+44 20 CALL NOW,out,,,,\"\n"
    "spec-calls.csv,23,bad_direction,direction 'sideways' is not in or out,"
    "\"bad-dir,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,sideways,,,,\"\n"
    "spec-calls.csv,24,missing_field,missing call_id,"
    "\",2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out,,,,\"\n"
    "spec-calls.csv,25,bad_timestamp,start '2026-11-03 10:00:00': timestamp has no offset and no"
    " time zone was given (give --tz),"
    "\"no-tz,2026-11-03 10:00:00,61,+441632960001,+442079460000,out,,,,\"\n"
    "spec-calls.csv,26,bad_number,caller 'restricted': letters in number,"
    "\"withheld-out,2026-11-03T10:00:00Z,61,restricted,+442079460000,out,,,,\"\n"
    /* the raw record's own quotes are doubled */
    "spec-calls.csv,28,csv_syntax,malformed quotes,"
    "\"broken,\"\"2026-11-03T10:00:00Z\"\"x,61,+441632960001,+442079460000,out,,,,\"\n"
    "spec-calls.csv,31,missing_field,missing direction,"
    "\"short,2026-11-03T10:40:00Z,5,+441632960001,+442079460000\"\n"
    /* Latin-1 bytes are escaped, so the export is valid UTF-8 (issue 12) */
    "spec-calls.csv,33,encoding,field 8 is not valid UTF-8,"
    "\"latin1,2026-11-03T10:55:00Z,9,+441632960001,+442079460000,out,,Jos\\xE9,,\"\n"
    "spec-calls.csv,34,too_long,field 8 is 1100 bytes (limit 1024),"
    "\"toolong,2026-11-03T10:55:00Z,9,+441632960001,+442079460000,out,,", xs, ",,\"\n", NULL);

  cr_assert_eq (export_rejects_ok (db, "rejects.csv"), 11);
  expect_file ("rejects.csv", want, -1);
}

Test (export, rejects_are_ordered_by_file_then_line)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  cr_assert_eq (store_exec (db,
    "INSERT INTO files (id, sha256, path, format, operator, bytes, records, calls, duplicates,"
    " rejects, ingested_at) VALUES"
    " (1, 'a', 'b.csv', 'rater', 'northwind', 0, 0, 0, 0, 0, '2026-11-30T00:00:00Z'),"
    " (2, 'b', 'a.csv', 'rater', 'northwind', 0, 0, 0, 0, 0, '2026-11-30T00:00:00Z');"
    "INSERT INTO rejects (file_id, line, reason, detail, raw) VALUES"
    " (2, 5, 'bad_number', 'x', CAST ('a5' AS BLOB)),"
    " (1, 9, 'bad_number', 'y', CAST ('b9' AS BLOB)),"
    " (2, 1, 'encoding', 'field 1 is not valid UTF-8', X'FF00FE'),"
    " (1, 2, 'missing_field', 'missing call_id, start', CAST (' lead' AS BLOB))", NULL), TRUE);

  cr_assert_eq (export_rejects_ok (db, "rejects.csv"), 4);
  static const char want[] = "file,line,reason,detail,raw\n"
                             "b.csv,2,missing_field,\"missing call_id, start\",\" lead\"\n"
                             "b.csv,9,bad_number,y,b9\n"
                             "a.csv,1,encoding,field 1 is not valid UTF-8,\\xFF\\x00\\xFE\n"
                             "a.csv,5,bad_number,x,a5\n";
  expect_file ("rejects.csv", want, sizeof want - 1);
}

/* Where the output goes {{{1 */

static void
setup_stdout (void)
{
  setup ();
  cr_redirect_stdout ();
}

TestSuite (export_stdout, .init = setup_stdout, .fini = teardown);

Test (export_stdout, a_null_path_writes_to_standard_output)
{
  g_autoptr(StoreDb) db = spec_db (TRUE);

  cr_assert_eq (export_calls_ok (db, "2026-06", NULL), 1);
  fflush (stdout);
  cr_assert_stdout_eq_str (CALLS_HEADER
                           "northwind,ex12,contoso,2026-06,out,441632960001,442079460000,"
                           "2026-06-01T07:30:00Z,60,rated,,4420,London,DOMESTIC,peak,60,0,"
                           "0.020000,0\n");
}

Test (export, an_unwritable_output_fails_naming_it_and_leaves_nothing)
{
  g_autoptr(StoreDb) db = spec_db (TRUE);
  g_autofree char *calls = g_build_filename (dir, "missing", "calls.csv", NULL);
  g_autofree char *rejects = g_build_filename (dir, "missing", "rejects.csv", NULL);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  cr_assert_not (export_calls (db, NULL, calls, &rows, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot create '%s': %s", calls, g_strerror (ENOENT));
  cr_assert_str_eq (error->message, want);

  g_clear_error (&error);
  cr_assert_not (export_rejects (db, rejects, &rows, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  cr_assert_not_null (strstr (error->message, rejects), "%s", error->message);

  /* only what the set-up wrote is there */
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (!g_str_has_prefix (name, "rater.db"))
      g_ptr_array_add (names, g_strdup (name));
  cr_assert_eq (names->len, 1);
  cr_assert_str_eq (g_ptr_array_index (names, 0), "spec-calls.csv");
}

Test (export, a_bad_database_is_an_error_and_writes_nothing)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  guint64 rows = 0;

  cr_assert_eq (store_exec (db, "DROP TABLE rejects", NULL), TRUE);
  cr_assert_not (export_rejects (db, "rejects.csv", &rows, &error));
  cr_assert_not_null (error);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_SOFTWARE), "%s", error->message);
  cr_assert_not (g_file_test ("rejects.csv", G_FILE_TEST_EXISTS));
}
