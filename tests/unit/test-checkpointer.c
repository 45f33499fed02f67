/* test-checkpointer.c — unit tests of ingest/checkpointer: checkpoints of
 * the write-ahead log on a thread of their own, asked for by the writer.
 *
 * A database whose connection never checkpoints (wal_autocheckpoint off)
 * commits rows: they sit in the log, the database file keeps its size.
 * The cases: nothing asked, nothing done; a request made before the stop is
 * served by the stop (the file grows, the rows are there); a checkpoint
 * beside an open write transaction waits for nothing and leaves it whole.
 */
#include "config.h"

#include <criterion/criterion.h>

#include "ingest/checkpointer.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (checkpointer, .init = setup, .fini = teardown);

/* The database file's size. */
static gint64
db_bytes (void)
{
  g_autofree char *path = g_build_filename (dir, "rater.db", NULL);
  GStatBuf st;
  cr_assert_eq (g_stat (path, &st), 0, "%s", path);
  return (gint64) st.st_size;
}

/* A database with everything checkpointed and a table t; its connection
 * checkpoints no more on its own. */
static StoreDb *
quiet_db (void)
{
  StoreDb *db = test_db_with_catalog (dir);
  cr_assert (store_exec (db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB);"
                             " PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0",
                         NULL));
  return db;
}

/* N rows of 1 KiB in one transaction, committed. */
static void
commit_rows (StoreDb *db, int first, int n)
{
  g_autofree char *sql = g_strdup_printf (
    "BEGIN; WITH RECURSIVE s (i) AS (SELECT %d UNION ALL SELECT i + 1 FROM s WHERE i < %d)"
    " INSERT INTO t SELECT i, zeroblob (1024) FROM s; COMMIT", first, first + n - 1);
  cr_assert (store_exec (db, sql, NULL));
}

Test (checkpointer, nothing_asked_nothing_done)
{
  g_autoptr(StoreDb) db = quiet_db ();
  g_autoptr(GError) error = NULL;
  commit_rows (db, 1, 200);
  gint64 before = db_bytes ();
  Checkpointer *c = checkpointer_start (db, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  cr_assert_eq (checkpointer_done (c), 0);
  cr_assert (checkpointer_stop (c, &error));
  cr_assert_eq (db_bytes (), before);
}

Test (checkpointer, a_request_is_served_by_the_stop_and_the_file_grows)
{
  g_autoptr(StoreDb) db = quiet_db ();
  g_autoptr(GError) error = NULL;
  Checkpointer *c = checkpointer_start (db, &error);
  cr_assert_not_null (c);
  commit_rows (db, 1, 200);
  gint64 before = db_bytes ();
  checkpointer_request (c);
  checkpointer_request (c);    /* two requests before one checkpoint: one or two runs */
  cr_assert (checkpointer_stop (c, &error), "%s", error ? error->message : "");
  gint64 after = db_bytes ();
  cr_assert_gt (after, before + 200 * 1024);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM t"), 200);
}

Test (checkpointer, beside_an_open_write_transaction_it_copies_what_is_committed)
{
  g_autoptr(StoreDb) db = quiet_db ();
  g_autoptr(GError) error = NULL;
  Checkpointer *c = checkpointer_start (db, &error);
  cr_assert_not_null (c);
  commit_rows (db, 1, 200);
  cr_assert (store_begin (db, &error));
  cr_assert (store_exec (db, "INSERT INTO t SELECT k + 1000, v FROM t", &error));
  gint64 before = db_bytes ();
  checkpointer_request (c);
  while (checkpointer_done (c) == 0)
    g_usleep (1000);
  cr_assert_gt (db_bytes (), before + 200 * 1024);
  cr_assert (store_commit (db, &error));
  checkpointer_request (c);
  cr_assert (checkpointer_stop (c, &error), "%s", error ? error->message : "");
  cr_assert_eq (test_count (db, "SELECT count(*) FROM t"), 400);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
}
