/* test-store.c — database creation, migrations and version checks. */
#include "config.h"

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (store, .init = setup, .fini = teardown);

Test (store, init_creates_private_current_database)
{
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  g_autoptr(GError) error = NULL;
  int from = -1, to = -1;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert_eq (from, 0);
  cr_assert_eq (to, store_schema_version ());
  cr_assert_geq (store_schema_version (), 1);
  struct stat st;
  cr_assert_eq (stat (path, &st), 0);
  cr_assert_eq (st.st_mode & 0777, 0600);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                "('operators','plans','accounts','numbers','deck_rows',"
                                "'catalog_imports','files','calls','rejects')"), 9);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
}

Test (store, init_twice_is_a_no_op)
{
  g_autofree char *path = g_build_filename (dir, "twice.db", NULL);
  int from, to;
  g_autoptr(StoreDb) a = store_init (path, &from, &to, NULL);
  cr_assert_not_null (a);
  cr_assert_eq (store_exec (a, "INSERT INTO operators VALUES ('x','X','EUR','X')", NULL), TRUE);
  g_autoptr(StoreDb) b = store_init (path, &from, &to, NULL);
  cr_assert_not_null (b);
  cr_assert_eq (from, to);
  cr_assert_eq (test_count (b, "SELECT count(*) FROM operators"), 1);
}

Test (store, newer_database_is_refused)
{
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);
  int from, to;
  {
    g_autoptr(StoreDb) db = store_init (path, &from, &to, NULL);
    cr_assert_eq (store_exec (db, "PRAGMA user_version = 999", NULL), TRUE);
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) again = store_init (path, &from, &to, &error);
  cr_assert_null (again);
  cr_assert_not_null (strstr (error->message, "newer than this rater"), "%s", error->message);
  g_clear_error (&error);
  g_autoptr(StoreDb) opened = store_open (path, &error);
  cr_assert_null (opened);
  cr_assert_eq (error->code, RATER_ERROR_DATA);
}

Test (store, open_refuses_missing_and_uninitialised)
{
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  g_autoptr(GError) error = NULL;
  cr_assert_null (store_open (missing, &error));
  cr_assert_not_null (strstr (error->message, "rater init"));
  cr_assert_not (g_file_test (missing, G_FILE_TEST_EXISTS), "open must not create the file");
  g_clear_error (&error);

  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  sqlite3 *raw = NULL;
  cr_assert_eq (sqlite3_open (empty, &raw), SQLITE_OK);
  sqlite3_exec (raw, "CREATE TABLE t (x)", NULL, NULL, NULL);
  sqlite3_close (raw);
  cr_assert_null (store_open (empty, &error));
  cr_assert_not_null (strstr (error->message, "schema version 0"), "%s", error->message);
}

Test (store, errors_name_what_failed)
{
  g_autofree char *path = g_build_filename (dir, "e.db", NULL);
  int from, to;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, NULL);
  g_autoptr(GError) error = NULL;
  cr_assert_not (store_exec (db, "SELECT * FROM nowhere", &error));
  cr_assert_not_null (strstr (error->message, "no such table: nowhere"), "%s", error->message);
  cr_assert_eq (rater_error_exit_status (error), RATER_ERROR_SOFTWARE);
  g_clear_error (&error);
  cr_assert_null (store_prepare (db, "SELEC 1", &error));
  cr_assert_not_null (strstr (error->message, "cannot prepare"), "%s", error->message);
}

/* A scratch database with a table t (a, b, c, d, e) of any types. */
static StoreDb *
scratch_table (void)
{
  g_autofree char *path = g_build_filename (dir, "bind.db", NULL);
  int from, to;
  StoreDb *db = store_init (path, &from, &to, NULL);
  cr_assert_not_null (db);
  cr_assert (store_exec (db, "CREATE TABLE t (a, b, c, d, e, f)", NULL));
  return db;
}

Test (store, bind_binds_every_kind_of_value)
{
  g_autoptr(StoreDb) db = scratch_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) ins = store_prepare (db, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", &error);
  cr_assert_not_null (ins);
  char copied[] = "copied";
  cr_assert (store_bind (ins, &error, STORE_INT (G_GINT64_CONSTANT (1) << 40), STORE_TEXT ("text"),
                         STORE_TEXT_LEN ("2026-11-30", 7), STORE_TEXT_COPY (copied),
                         STORE_BLOB ("\0x", 2), STORE_NULL),
             "%s", error ? error->message : "");
  copied[0] = 'X';   /* SQLite has its own copy */
  cr_assert (store_step_done (ins, &error));
  cr_assert (store_bind (ins, &error, STORE_TEXT_OR_NULL (""), STORE_TEXT_OR_NULL (NULL),
                         STORE_TEXT_OR_NULL ("x"), STORE_TEXT (NULL), STORE_INT (-1), STORE_INT (0)));
  cr_assert (store_step_done (ins, &error));

  g_autoptr(StoreStmt) q = store_prepare (db, "SELECT a, typeof (a), b, c, d, typeof (e), length (e),"
                                                 " typeof (f) FROM t ORDER BY rowid", &error);
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_eq (store_column_int64 (q, 0), G_GINT64_CONSTANT (1) << 40);
  cr_assert_str_eq (store_column_text (q, 1), "integer");
  cr_assert_str_eq (store_column_text (q, 2), "text");
  cr_assert_str_eq (store_column_text (q, 3), "2026-11");
  cr_assert_str_eq (store_column_text (q, 4), "copied");
  cr_assert_str_eq (store_column_text (q, 5), "blob");
  cr_assert_eq (store_column_int (q, 6), 2);
  cr_assert_str_eq (store_column_text (q, 7), "null");
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_str_eq (store_column_text (q, 1), "null");
  cr_assert_null (store_column_text_or_null (q, 0));
  cr_assert_str_eq (store_column_text (q, 0), "");
  cr_assert_null (store_column_text_or_null (q, 2));
  cr_assert_str_eq (store_column_text_or_null (q, 3), "x");
  cr_assert_null (store_column_text_or_null (q, 4));
  cr_assert_eq (store_next (q), STORE_DONE);
}

Test (store, bind_at_starts_at_the_given_parameter)
{
  g_autoptr(StoreDb) db = scratch_table ();
  g_autoptr(StoreStmt) ins = store_prepare (db, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)", NULL);
  cr_assert_not_null (ins);
  for (int row = 0; row < 2; row++)
    cr_assert (store_bind_at (ins, 2 * row + 1, NULL, STORE_INT (row), STORE_TEXT (row ? "one" : "zero")));
  cr_assert (store_step_done (ins, NULL));
  cr_assert_eq (test_count (db, "SELECT count(*) FROM t WHERE a = 0 AND b = 'zero'"
                                " OR a = 1 AND b = 'one'"), 2);
}

Test (store, a_failing_bind_is_an_error_naming_the_parameter_and_statement)
{
  g_autoptr(StoreDb) db = scratch_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT ?1 + ?2", &error);
  cr_assert_not_null (st);
  cr_assert_not (store_bind_at (st, 2, &error, STORE_INT (1), STORE_TEXT ("too many")));
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, RATER_ERROR);
  cr_assert_eq (error->code, RATER_ERROR_SOFTWARE);
  cr_assert_str_eq (error->message, "cannot bind parameter 3 of 'SELECT ?1 + ?2': column index out of range");
  g_clear_error (&error);
  cr_assert_not (store_bind (st, &error, STORE_NULL, STORE_NULL, STORE_NULL));
  cr_assert_not_null (strstr (error->message, "parameter 3"), "%s", error->message);
  g_clear_error (&error);
  /* no GError asked for: still FALSE, nothing to crash on */
  cr_assert_not (store_bind_at (st, 0, NULL, STORE_INT (1)));
}

static gboolean
sum_row (StoreStmt *st, gpointer data, GError **error)
{
  gint64 *sum = data;
  if (store_column_int64 (st, 0) < 0)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "negative");
      return FALSE;
    }
  *sum += store_column_int64 (st, 0);
  return TRUE;
}

Test (store, each_row_visits_rows_and_reports_what_failed)
{
  g_autoptr(StoreDb) db = scratch_table ();
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, "INSERT INTO t (a) VALUES (1), (2), (39)", NULL));
  gint64 sum = 0;
  cr_assert (store_query_each (db, "SELECT a FROM t", sum_row, &sum, "summing", &error));
  cr_assert_eq (sum, 42);
  /* the statement is reset: it can run again */
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT a FROM t WHERE a > ?", NULL);
  cr_assert (store_bind (st, NULL, STORE_INT (1)));
  cr_assert (store_each_row (st, sum_row, &sum, "summing", NULL));
  cr_assert (store_each_row (st, sum_row, &sum, "summing", NULL));
  cr_assert_eq (sum, 42 + 2 * 41);

  cr_assert (store_exec (db, "INSERT INTO t (a) VALUES (-1)", NULL));
  cr_assert_not (store_query_each (db, "SELECT a FROM t", sum_row, &sum, "summing", &error));
  cr_assert_str_eq (error->message, "negative");
  g_clear_error (&error);
  /* a failing step: abs() of the smallest integer overflows */
  cr_assert_not (store_query_each (db, "SELECT abs (-9223372036854775807 - 1)", sum_row, &sum,
                                   "reading t", &error));
  cr_assert_str_eq (error->message, "reading t: integer overflow");
  g_clear_error (&error);
  cr_assert_not (store_query_each (db, "SELECT nothing FROM nowhere", sum_row, &sum, "x", &error));
  cr_assert_not_null (strstr (error->message, "cannot prepare"), "%s", error->message);
}

/* store_period_calls: a period's id range, its count, and sparse when its
 * ratings are fewer than one in 16 of that range. */
Test (store, period_calls_gives_the_range_and_tells_a_sparse_period)
{
  g_autofree char *path = g_build_filename (dir, "rater.db", NULL);
  g_autoptr(GError) error = NULL;
  int from, to;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  /* ids 1..100 in 2026-11; 101..400 in 2026-12 but for every 100th, a late
   * 2026-10 call: November is dense, October's 3 calls are spread */
  cr_assert (store_exec (db,
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
    " INSERT INTO ratings (call_id, status, account, period, billable, covered, charge, late)"
    " SELECT i, 'rated', 'a', CASE WHEN i <= 100 THEN '2026-11' WHEN i % 100 = 0 THEN '2026-10'"
    " ELSE '2026-12' END, 1, 0, 1, 0 FROM n", &error), "%s", error ? error->message : "");
  gint64 first, last, count;
  gboolean sparse;

  cr_assert (store_period_calls (db, "2026-11", &first, &last, &count, &sparse, &error));
  cr_expect (first == 1 && last == 100 && count == 100 && !sparse);
  cr_assert (store_period_calls (db, "2026-10", &first, &last, &count, &sparse, &error));
  cr_expect (first == 200 && last == 400 && count == 3 && sparse,
             "%" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, first, last, count);
  cr_assert (store_period_calls (db, "2027-01", &first, &last, &count, &sparse, &error));
  cr_expect (first == 0 && last == 0 && count == 0 && !sparse);
}

/* An existing file that is not a rater database {{{1
 *
 * A truncated (0-byte) file, a file that is not SQLite, and the SQLite file
 * of another application (tables, user_version 0) are refused by init and
 * open alike (RATER_ERROR_DATA, saying what to do) and left byte for byte as
 * they were: never initialised as a new database. */

/* store_init and store_open of PATH both fail with RATER_ERROR_DATA, the
 * message holding WANT, and PATH keeps its LEN bytes of CONTENT. */
static void
expect_refused (const char *path, const char *want, const char *content, gsize len)
{
  int from = -1, to = -1;
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert_null (db, "init accepted '%s'", path);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA), "%s", error->message);
  cr_assert_not_null (strstr (error->message, want), "%s", error->message);
  cr_assert_not_null (strstr (error->message, path), "%s", error->message);
  g_clear_error (&error);
  g_autoptr(StoreDb) opened = store_open (path, &error);
  cr_assert_null (opened);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA), "%s", error->message);
  cr_assert_not_null (strstr (error->message, want), "%s", error->message);

  g_autofree char *now = NULL;
  gsize now_len = 0;
  cr_assert (g_file_get_contents (path, &now, &now_len, NULL));
  cr_assert_eq (now_len, len, "'%s' changed size: %zu bytes, was %zu", path, now_len, len);
  cr_assert_eq (memcmp (now, content, len), 0, "'%s' changed", path);
}

Test (store, an_empty_file_is_refused_not_initialised)
{
  g_autofree char *path = test_write (dir, "truncated.db", "");
  expect_refused (path, "empty (0 bytes)", "", 0);
}

Test (store, a_file_that_is_not_sqlite_is_refused)
{
  const char *text = "call_id,start\n1,2\n";
  g_autofree char *path = test_write (dir, "cdrs.db", text);
  expect_refused (path, "not an SQLite database", text, strlen (text));
}

Test (store, another_applications_sqlite_file_is_refused)
{
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  sqlite3 *raw = NULL;
  cr_assert_eq (sqlite3_open (path, &raw), SQLITE_OK);
  cr_assert_eq (sqlite3_exec (raw, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL),
                SQLITE_OK);
  sqlite3_close (raw);
  g_autofree char *content = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (path, &content, &len, NULL));
  expect_refused (path, "not a rater database", content, len);
}

Test (store, a_new_database_appears_whole_with_no_temporary_left)
{
  g_autofree char *path = g_build_filename (dir, "fresh.db", NULL);
  int from = -1, to = -1;
  g_autoptr(GError) error = NULL;
  {
    g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
    cr_assert_not_null (db, "%s", error ? error->message : "");
  }
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)))
    cr_assert (g_str_has_prefix (name, "fresh.db") && !strstr (name, "tmp"), "stray '%s'", name);
  /* and a second init finds it current */
  g_autoptr(StoreDb) again = store_init (path, &from, &to, &error);
  cr_assert_not_null (again, "%s", error ? error->message : "");
  cr_assert_eq (from, to);
}

/* Read-only {{{1
 *
 * Commands that only read (export, report, invoice draft) open the database
 * read-only: they work on a read-only file system or directory, where a
 * read-write open fails with "unable to open database file". */

/* A current database at DIR/NAME with one operator, closed cleanly. */
static char *
closed_database (const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  int from, to;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, NULL);
  cr_assert_not_null (db);
  cr_assert (store_exec (db, "INSERT INTO operators VALUES ('x','X','EUR','X')", NULL));
  return path;
}

Test (store, a_read_only_open_cannot_write)
{
  g_autofree char *path = closed_database ("ro.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) db = store_open_readonly (path, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM operators"), 1);
  cr_assert_not (store_exec (db, "DELETE FROM operators", &error));
  cr_assert_not_null (strstr (error->message, "readonly"), "%s", error->message);
  g_clear_error (&error);
  g_autofree char *empty = test_write (dir, "empty.db", "");
  cr_assert_null (store_open_readonly (empty, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA), "%s", error->message);
}

Test (store, a_database_in_a_read_only_directory_can_be_read)
{
  if (geteuid () == 0)
    cr_skip_test ("root writes into read-only directories: run as another user to test this");
  g_autofree char *sub = g_build_filename (dir, "ro", NULL);
  cr_assert_eq (g_mkdir (sub, 0755), 0);
  g_autofree char *path = g_build_filename (sub, "rater.db", NULL);
  {
    int from, to;
    g_autoptr(StoreDb) db = store_init (path, &from, &to, NULL);
    cr_assert (store_exec (db, "INSERT INTO operators VALUES ('x','X','EUR','X')", NULL));
  }
  cr_assert_eq (g_chmod (path, 0444), 0);
  cr_assert_eq (g_chmod (sub, 0555), 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) db = store_open_readonly (path, &error);
  g_chmod (sub, 0755);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM operators"), 1);
}

/* A server URI with a password is refused before anything connects, and
 * the message never repeats the password. */
Test (store, a_server_uri_holding_a_password_is_refused_without_echoing_it)
{
  const char *uris[] = {
    "postgresql://rater:s3cr3t-pw@db.example/rater",
    "postgres://rater:s3cr3t-pw@/rater?host=/run/postgresql",
    "postgresql:///rater?host=/tmp&password=s3cr3t-pw",
    "postgresql://db.example/rater?sslmode=verify-full&password=s3cr3t-pw",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      int from = 0, to = 0;
      g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
      cr_assert_null (store_init (uris[i], &from, &to, &e1));
      cr_assert_null (store_open (uris[i], &e2));
      cr_assert_null (store_open_readonly (uris[i], &e3));
      GError *errs[] = { e1, e2, e3 };
      for (gsize k = 0; k < G_N_ELEMENTS (errs); k++)
        {
          cr_assert_not_null (errs[k]);
          cr_assert (g_error_matches (errs[k], RATER_ERROR, RATER_ERROR_USAGE), "%s", errs[k]->message);
          cr_assert (strstr (errs[k]->message, "~/.pgpass"), "%s", errs[k]->message);
          cr_assert_null (strstr (errs[k]->message, "s3cr3t"), "%s", errs[k]->message);
        }
    }
  /* a user without password, or a colon after the host (a port), is no password */
  cr_assert (store_target_is_server ("postgresql://rater@db.example:5433/rater"));
  cr_assert_not (store_target_is_server ("rater.db"));
  cr_assert_not (store_target_is_server ("./postgresql:/x"));
}

/* Rows in bulk: multi-row INSERTs (test-store-bulk.h, shared with test-store-pg.c) {{{1 */

#define BULK_SUITE store
#define BULK_TABLE_SQL \
  "CREATE TABLE v (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, i INTEGER, n INTEGER, txt TEXT," \
  " b BLOB)"
#define BULK_KEYED_SQL \
  "CREATE TABLE u (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, line INTEGER NOT NULL)"

static StoreDb *
bulk_open (void)
{
  g_autofree char *path = g_build_filename (dir, "bulk.db", NULL);
  g_autoptr(GError) error = NULL;
  int from, to;
  StoreDb *db = store_init (path, &from, &to, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  return db;
}

static void
bulk_exec (StoreDb *db, const char *sql)
{
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, sql, &error), "%s: %s", sql, error ? error->message : "");
}

static gint64
bulk_count (StoreDb *db, const char *sql)
{
  return test_count (db, sql);
}

#include "test-store-bulk.h"
