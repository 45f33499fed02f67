/* test-ingest.c — files into calls: atomicity, duplicates, skipped files,
 * account resolution, rejects, order independence. */
#include "config.h"

#include <criterion/criterion.h>

#include "ingest/ingest.h"
#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (ingest, .init = setup, .fini = teardown);

#define HEADER "call_id,start,duration,caller,callee,direction\n"

static const IngestOptions northwind_gb = { "northwind", NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };

/* N canonical calls c-0000.. from alice to London, one a minute. */
static char *
calls_file (const char *name, guint first, guint n, gboolean reverse)
{
  g_autoptr(GString) s = g_string_new (HEADER);
  for (guint k = 0; k < n; k++)
    {
      guint i = reverse ? first + n - 1 - k : first + k;
      g_string_append_printf (s, "c-%04u,2026-11-03T%02u:%02u:00Z,%u,+441632960001,+44207946%04u,out\n",
                              i, 8 + i / 60, i % 60, 1 + i % 300, i);
    }
  return test_write (dir, name, s->str);
}

static gboolean
ingest (StoreDb *db, const char *path, IngestStats *stats, GError **error)
{
  g_autoptr(Ingest) ing = ingest_new (db, error);
  cr_assert_not_null (ing);
  return ingest_file (ing, path, &northwind_gb, stats, error);
}

Test (ingest, a_failure_mid_file_leaves_no_trace_and_a_rerun_lands_once)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = calls_file ("a.csv", 0, 100, FALSE);
  /* the 51st insert fails, as a crash half-way through the file would */
  cr_assert_eq (store_exec (db, "CREATE TEMP TRIGGER boom BEFORE INSERT ON calls"
                                  " WHEN NEW.call_key = 'c-0050' BEGIN SELECT RAISE (ABORT, 'boom'); END", NULL), TRUE);
  IngestStats stats = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not (ingest (db, path, &stats, &error));
  cr_assert_not_null (strstr (error->message, "boom"), "%s", error->message);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM files"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects"), 0);
  cr_assert_eq (stats.files, 0);

  cr_assert_eq (store_exec (db, "DROP TRIGGER boom", NULL), TRUE);
  g_clear_error (&error);
  cr_assert (ingest (db, path, &stats, &error));
  cr_assert_eq (stats.calls, 100);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 100);
  cr_assert_eq (test_count (db, "SELECT calls FROM files"), 100);
  IngestStats again = { 0 };
  cr_assert (ingest (db, path, &again, &error));
  cr_assert_eq (again.skipped_files, 1);
  cr_assert_eq (again.calls + again.records, 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 100);
}

/* Ingest sizes SQLite's page cache and mmap from the file and sets both
 * back when the file is in: the connection goes on (a nightly rates,
 * issues and reports on it), and pages still mapped count in its memory. */
Test (ingest, the_page_cache_and_mmap_are_set_back_after_a_file)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = calls_file ("a.csv", 0, 100, FALSE);
  cr_assert_eq (store_exec (db, "PRAGMA cache_size = -2000; PRAGMA mmap_size = 0", NULL), TRUE);
  IngestStats stats = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest (db, path, &stats, &error), "%s", error ? error->message : "");
  cr_assert_eq (stats.calls, 100);
  cr_assert_eq (test_count (db, "PRAGMA cache_size"), -2000);
  cr_assert_eq (test_count (db, "PRAGMA mmap_size"), 0);
}

static gint64
file_bytes (const char *path)
{
  GStatBuf st;
  cr_assert_eq (g_stat (path, &st), 0, "%s", path);
  return (gint64) st.st_size;
}

/* The chunks committed while a file goes in are checkpointed into the
 * database file on a thread of their own (checkpointer.h), not by the
 * writing connection: with the connection's autocheckpoint off, the file
 * still grows by the chunks, and the autocheckpoint is set back after the
 * file, on success and on failure alike. */
Test (ingest, chunks_are_checkpointed_beside_the_writer_and_the_autocheckpoint_set_back)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *dbpath = g_build_filename (dir, "rater.db", NULL);
  g_autofree char *path = calls_file ("a.csv", 0, 900, FALSE);
  cr_assert_eq (store_exec (db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0",
                            NULL), TRUE);
  gint64 before = file_bytes (dbpath);
  g_setenv ("RATER_INGEST_CHUNK_ROWS", "100", TRUE);
  IngestStats stats = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = ingest (db, path, &stats, &error);
  g_unsetenv ("RATER_INGEST_CHUNK_ROWS");
  cr_assert (ok, "%s", error ? error->message : "");
  cr_assert_eq (stats.calls, 900);
  cr_assert_gt (file_bytes (dbpath), before);
  cr_assert_eq (test_count (db, "PRAGMA wal_autocheckpoint"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 900);

  /* a failure mid-file (in the writer's second batch of 4096 rows): the
   * committed chunks stay, the setting comes back */
  g_autoptr(GString) rows = g_string_new (HEADER);
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (rows, "x-%05u,2026-11-04T%02u:%02u:00Z,60,+441632960001,+442079460001,out\n",
                            i, 8 + i / 60 % 12, i % 60);
  g_autofree char *c = test_write (dir, "c.csv", rows->str);
  cr_assert_eq (store_exec (db, "PRAGMA wal_autocheckpoint = 777; CREATE TEMP TRIGGER boom"
                                  " BEFORE INSERT ON calls WHEN NEW.call_key = 'x-04500'"
                                  " BEGIN SELECT RAISE (ABORT, 'boom'); END", NULL), TRUE);
  g_setenv ("RATER_INGEST_CHUNK_ROWS", "1000", TRUE);
  ok = ingest (db, c, &stats, &error);
  g_unsetenv ("RATER_INGEST_CHUNK_ROWS");
  cr_assert_not (ok);
  cr_assert_not_null (strstr (error->message, "boom"), "%s", error->message);
  cr_assert_eq (test_count (db, "PRAGMA wal_autocheckpoint"), 777);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key LIKE 'x-%'"), 4096);
  cr_assert_eq (test_count (db, "SELECT resume_line FROM ingest_progress"), 4097);
  cr_assert (store_begin (db, NULL));   /* no transaction left open */
  store_rollback (db);
}

Test (ingest, duplicates_across_files_are_dropped_and_counted)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *a = calls_file ("a.csv", 0, 60, FALSE);
  g_autofree char *b = calls_file ("b.csv", 40, 60, TRUE);
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest (db, a, &s, &error));
  cr_assert (ingest (db, b, &s, &error));
  cr_assert_eq (s.files, 2);
  cr_assert_eq (s.records, 120);
  cr_assert_eq (s.calls, 100);
  cr_assert_eq (s.duplicates, 20);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls"), 100);
  cr_assert_eq (test_count (db, "SELECT sum(duplicates) FROM files"), 20);
  /* the first arrival is kept */
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls c JOIN files f ON f.id = c.file_id"
                                " WHERE f.path LIKE '%a.csv' AND c.call_key BETWEEN 'c-0040' AND 'c-0059'"), 20);
}

Test (ingest, same_calls_in_any_order_give_the_same_table)
{
  const char *sql = "SELECT group_concat (call_key || caller || callee || start_ms || duration || answered"
                    " || coalesce (account, '-'), '|') FROM (SELECT * FROM calls ORDER BY call_key)";
  g_autofree char *d1 = g_build_filename (dir, "one", NULL), *d2 = g_build_filename (dir, "two", NULL);
  g_mkdir (d1, 0700), g_mkdir (d2, 0700);
  g_autoptr(StoreDb) db1 = test_db_with_catalog (d1);
  g_autoptr(StoreDb) db2 = test_db_with_catalog (d2);
  g_autofree char *fwd = calls_file ("fwd.csv", 0, 80, FALSE);
  g_autofree char *rev = calls_file ("rev.csv", 0, 80, TRUE);
  IngestStats s = { 0 };
  cr_assert (ingest (db1, fwd, &s, NULL));
  cr_assert (ingest (db2, rev, &s, NULL));
  g_autoptr(StoreStmt) q1 = store_prepare (db1, sql, NULL);
  g_autoptr(StoreStmt) q2 = store_prepare (db2, sql, NULL);
  cr_assert_eq (store_next (q1), STORE_ROW);
  cr_assert_eq (store_next (q2), STORE_ROW);
  cr_assert_str_eq (store_column_text_or_null (q1, 0), store_column_text_or_null (q2, 0));
}

Test (ingest, rejects_keep_file_line_reason_and_raw_bytes)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = test_write (dir, "r.csv",
    HEADER
    "ok1,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
    "bad1,2026-11-03T10:00:00Z,61,+441632960001,+44 20 CALL,out\n"
    "\n"
    "bad2,\"2026-11-03\"T,61,+441632960001,+442079460000,out\n"
    "ok2,2026-11-03T10:05:00Z,61,+441632960001,+442079460000,out\n");
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest (db, path, &s, &error));
  cr_assert_eq (s.calls, 2);
  cr_assert_eq (s.rejects, 2);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects WHERE line = 3 AND reason = 'bad_number'"
                                " AND raw = CAST ('bad1,2026-11-03T10:00:00Z,61,+441632960001,+44 20 CALL,out' AS BLOB)"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects WHERE line = 5 AND reason = 'csv_syntax'"), 1);
  cr_assert_eq (test_count (db, "SELECT line FROM calls WHERE call_key = 'ok2'"), 6);
}

Test (ingest, accounts_resolve_and_unknown_ones_are_counted)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = test_write (dir, "acc.csv",
    "call_id,start,duration,caller,callee,direction,tenant_id\n"
    "t1,2026-11-03T10:00:00Z,61,+15550000000,+442079460000,out,8D3C2F4A-1B6E-4C7D-9A0B-1C2D3E4F5A6B\n"
    "n1,2026-11-09T10:00:00Z,61,+441632960101,+442079460000,out,\n"
    "n2,2026-11-10T10:00:00Z,61,+441632960101,+442079460000,out,\n"
    "in1,2026-11-10T10:00:00Z,61,anonymous,+448001234567,in,\n"
    "u1,2026-11-10T10:00:00Z,61,+441632960999,+442079460000,out,\n");
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest (db, path, &s, &error));
  cr_assert_eq (s.calls, 5);
  cr_assert_eq (s.unknown_account, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key = 't1' AND account = 'contoso'"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key = 'n1' AND account = 'fabrikam'"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key = 'n2' AND account = 'adatum'"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key = 'in1' AND account = 'contoso'"
                                " AND caller IS NULL"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE call_key = 'u1' AND account IS NULL"), 1);
}

Test (ingest, refused_files_store_nothing)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *wrong = test_write (dir, "wrong.csv", "a,b,c\n1,2,3\n");
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not (ingest_file (ing, wrong, &northwind_gb, &s, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  g_clear_error (&error);
  IngestOptions as_pstn = northwind_gb;
  as_pstn.format = "teams-pstn";
  g_autofree char *canonical = calls_file ("c.csv", 0, 3, FALSE);
  cr_assert_not (ingest_file (ing, canonical, &as_pstn, &s, &error));
  cr_assert_not_null (strstr (error->message, "not a teams-pstn header"), "%s", error->message);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM files"), 0);
  cr_assert_eq (s.files, 0);
}

Test (ingest, operator_from_the_records)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = test_write (dir, "ops.csv",
    "call_id,start,duration,caller,callee,direction,operator\n"
    "a,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out,northwind\n"
    "a,2026-11-03T10:00:00Z,61,+12125550100,+12125550199,out,tailspin\n"
    "b,2026-11-03T10:00:00Z,61,+12125550100,+12125550199,out,unknown-op\n");
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestOptions opts = { NULL, NULL, NULL, NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest_file (ing, path, &opts, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.calls, 2, "same call key under two operators is two calls");
  cr_assert_eq (s.rejects, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM calls WHERE operator = 'tailspin' AND account = 'litware'"), 1);
}

#define AST_ROW(dst, disp, billsec, uid) \
  "\"\",\"2125550100\",\"" dst "\",\"from-internal\",\"\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\"," \
  "\"2026-11-03 10:00:00\",\"2026-11-03 10:00:02\",\"2026-11-03 10:01:00\",60," billsec ",\"" disp \
  "\",\"DOCUMENTATION\",\"" uid "\",\"\"\n"

static gint64
answered_of_fork (const char *name, const char *content)
{
  g_autofree char *sub_name = g_strconcat ("db-", name, NULL);
  g_autofree char *sub = g_build_filename (dir, sub_name, NULL);
  g_mkdir (sub, 0700);
  g_autoptr(StoreDb) db = test_db_with_catalog (sub);
  g_autofree char *path = test_write (dir, name, content);
  IngestOptions opts = { "tailspin", "asterisk", "US", "America/New_York", CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest_file (ing, path, &opts, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.calls, 1);
  cr_assert_eq (s.merged_legs, 2);
  cr_assert_eq (s.duplicates, 0);
  return test_count (db, "SELECT answered * 1000 + duration FROM calls WHERE call_key = 'fork.1'");
}

Test (ingest, asterisk_forks_keep_the_answered_row_in_any_order)
{
  const char *no1 = AST_ROW ("3125550101", "NO ANSWER", "0", "fork.1");
  const char *yes = AST_ROW ("3125550102", "ANSWERED", "58", "fork.1");
  const char *no2 = AST_ROW ("3125550103", "BUSY", "0", "fork.1");
  g_autofree char *a = g_strconcat (no1, yes, no2, NULL);
  g_autofree char *b = g_strconcat (yes, no2, no1, NULL);
  g_autofree char *c = g_strconcat (no2, no1, yes, NULL);
  cr_assert_eq (answered_of_fork ("a.csv", a), 1058);
  cr_assert_eq (answered_of_fork ("b.csv", b), 1058);
  cr_assert_eq (answered_of_fork ("c.csv", c), 1058);
}

Test (ingest, headerless_file_with_a_broken_first_line)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = test_write (dir, "broken-first.csv",
    "\"\",\"2125550100\",\"3125550199\"x,\"from-internal\"\n"
    AST_ROW ("3125550102", "ANSWERED", "58", "ok.1"));
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestOptions no_tz = { "tailspin", "asterisk", "US", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not (ingest_file (ing, path, &no_tz, &s, &error), "asterisk without --tz must be refused");
  cr_assert_not_null (strstr (error->message, "give --tz"), "%s", error->message);
  g_clear_error (&error);
  IngestOptions ok = no_tz;
  ok.tz = "America/New_York";
  cr_assert (ingest_file (ing, path, &ok, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.records, 2);
  cr_assert_eq (s.calls, 1);
  cr_assert_eq (s.rejects, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects WHERE line = 1 AND reason = 'csv_syntax'"), 1);
}

Test (ingest, headerless_profile_with_a_broken_first_line_and_short_records)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *profile = test_write (dir, "p.ini",
    "[profile]\ndelimiter=;\nheader=false\n"
    "[columns]\ncall_key=1\ncaller=2\ncallee=3\nstart=4\nduration=5\n"
    "[filter]\n6=END\n"
    "[direction]\nrule=words\ncolumn=7\n");
  g_autofree char *path = test_write (dir, "p.csv",
    "x;\"broken\"y;z\n"
    "k1;+441632960001;+442079460000;2026-11-03T10:00:00Z;61;END;out\n"
    "k2;+441632960001;+442079460000;2026-11-03T10:00:00Z;61;START;out\n"
    "k3;+441632960001;+442079460000;2026-11-03T10:00:00Z;61\n");
  g_autofree char *format = g_strconcat ("profile:", profile, NULL);
  IngestOptions opts = { "northwind", format, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest_file (ing, path, &opts, &s, &error), "%s", error ? error->message : "");
  cr_assert_eq (s.calls, 1);
  cr_assert_eq (s.ignored, 1, "START is not a call");
  cr_assert_eq (s.rejects, 2, "the broken line and the truncated one are kept");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rejects WHERE line = 4 AND reason = 'missing_field'"), 1);
}

Test (ingest, a_bad_zone_is_refused_without_a_gerror)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autofree char *path = calls_file ("a.csv", 0, 1, FALSE);
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestOptions mars = northwind_gb;
  IngestStats s = { 0 };
  mars.tz = "Mars/Olympus";
  /* the caller wants no error message: the failure alone must come back */
  cr_assert_not (ingest_file (ing, path, &mars, &s, NULL));
  g_autoptr(GError) error = NULL;
  cr_assert_not (ingest_file (ing, path, &mars, &s, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "%s", error->message);
  cr_assert_str_eq (error->message, "--tz: unknown time zone 'Mars/Olympus'");
  cr_assert_eq (s.files, 0);
}
