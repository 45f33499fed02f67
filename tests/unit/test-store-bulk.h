/* test-store-bulk.h — the tests of store.h's rows in bulk (store_bulk_*),
 * the same on both backends: included by test-store.c (SQLite: multi-row
 * INSERTs) and test-store-pg.c (PostgreSQL: binary COPY), which define
 *   BULK_SUITE      the Criterion suite the tests belong to
 *   bulk_open ()    a new, empty rater database of their backend (or a skip)
 *   BULK_TABLE_SQL  CREATE TABLE v: id (the rows' order, given by the
 *                   database), k integer NOT NULL, i, n integers, txt text, b blob
 *   BULK_KEYED_SQL  CREATE TABLE u: id (the same), key text UNIQUE NOT NULL,
 *                   line integer NOT NULL
 * (and include test-helpers-like exec/count helpers: bulk_exec, bulk_count).
 */
#pragma once

static StoreBulk *
bulk_new_ok (StoreDb *db, const char *table, const char *columns, const char *conflict,
             const char *tag)
{
  g_autoptr(GError) error = NULL;
  StoreBulk *bulk = store_bulk_new (db, table, columns, conflict, tag, &error);
  cr_assert_not_null (bulk, "%s", error ? error->message : "");
  return bulk;
}

static void
bulk_row_ok (gboolean ok, GError *error)
{
  cr_assert (ok, "store_bulk_row: %s", error ? error->message : "");
}

static guint64
bulk_flush_ok (StoreBulk *bulk)
{
  g_autoptr(GError) error = NULL;
  guint64 written = G_MAXUINT64;
  cr_assert (store_bulk_flush (bulk, &written, &error), "%s", error ? error->message : "");
  cr_assert_eq (store_bulk_pending (bulk), 0);
  return written;
}

static const char bulk_tricky[] =
  "it's \"quoted\", a\\b\ttab\nnew line\r\n\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80 ';-- DROP TABLE v; \\x00";

Test (BULK_SUITE, bulk_writes_every_value_type)
{
  g_autoptr(StoreDb) db = bulk_open ();
  bulk_exec (db, BULK_TABLE_SQL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreBulk) bulk = bulk_new_ok (db, "v", "k, i, n, txt, b", NULL, NULL);
  guint8 all_bytes[3000];
  for (guint i = 0; i < sizeof all_bytes; i++)
    all_bytes[i] = (guint8) (i * 7 + 3);
  char copied[] = "copied";
  {
    char period[] = "2026-11-30";     /* gone once the row is added: the bulk copied it */
    bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (0), STORE_INT (G_MAXINT64),
                                 STORE_INT (2147483647), STORE_TEXT (bulk_tricky),
                                 STORE_BLOB ("\0\xff\x01\\", 4)), error);
    bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (1), STORE_NULL,
                                 STORE_INT (-2147483647 - 1), STORE_TEXT_LEN (period, 7),
                                 STORE_BLOB ("", 0)), error);
    memset (period, 'X', sizeof period - 1);
  }
  bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (2), STORE_INT (G_MININT64), STORE_NULL,
                               STORE_TEXT_COPY (copied), STORE_NULL), error);
  copied[0] = 'X';
  bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (3), STORE_INT (0), STORE_INT (-1),
                               STORE_TEXT (NULL), STORE_BLOB (all_bytes, sizeof all_bytes)), error);
  bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (4), STORE_INT (-1), STORE_INT (5),
                               STORE_TEXT (""), STORE_NULL), error);
  cr_assert_eq (store_bulk_pending (bulk), 5);
  cr_assert_eq (bulk_flush_ok (bulk), 5);
  cr_assert_eq (bulk_flush_ok (bulk), 0, "an empty flush writes nothing");

  g_autoptr(StoreStmt) q = store_prepare (db, "SELECT k, i, n, txt, b FROM v ORDER BY id", &error);
  cr_assert_not_null (q, "%s", error ? error->message : "");
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_eq (store_column_int64 (q, 0), 0);
  cr_assert_eq (store_column_int64 (q, 1), G_MAXINT64);
  cr_assert_eq (store_column_int64 (q, 2), 2147483647);
  cr_assert_str_eq (store_column_text (q, 3), bulk_tricky);
  cr_assert_eq (store_column_bytes (q, 3), (int) strlen (bulk_tricky));
  cr_assert_eq (store_column_type (q, 4), STORE_COLUMN_BLOB);
  cr_assert_eq (store_column_bytes (q, 4), 4);
  cr_assert_eq (memcmp (store_column_blob (q, 4), "\0\xff\x01\\", 4), 0);
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_eq (store_column_int64 (q, 0), 1);
  cr_assert (store_column_is_null (q, 1));
  cr_assert_eq (store_column_int64 (q, 2), G_MININT32);
  cr_assert_str_eq (store_column_text (q, 3), "2026-11");
  cr_assert_not (store_column_is_null (q, 4), "an empty blob is not NULL");
  cr_assert_eq (store_column_bytes (q, 4), 0);
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_eq (store_column_int64 (q, 1), G_MININT64);
  cr_assert (store_column_is_null (q, 2));
  cr_assert_str_eq (store_column_text (q, 3), "copied");
  cr_assert (store_column_is_null (q, 4));
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_eq (store_column_int64 (q, 1), 0);
  cr_assert_eq (store_column_int64 (q, 2), -1);
  cr_assert (store_column_is_null (q, 3), "a NULL text is NULL");
  cr_assert_eq (store_column_bytes (q, 4), (int) sizeof all_bytes);
  cr_assert_eq (memcmp (store_column_blob (q, 4), all_bytes, sizeof all_bytes), 0);
  cr_assert_eq (store_next (q), STORE_ROW);
  cr_assert_not (store_column_is_null (q, 3), "an empty text is not NULL");
  cr_assert_str_eq (store_column_text (q, 3), "");
  cr_assert_eq (store_next (q), STORE_DONE);
}

Test (BULK_SUITE, bulk_writes_100000_rows_in_order_over_several_flushes)
{
  g_autoptr(StoreDb) db = bulk_open ();
  bulk_exec (db, BULK_TABLE_SQL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreBulk) bulk = bulk_new_ok (db, "v", "k, i, n, txt, b", NULL, NULL);
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  guint64 written = 0;
  for (gint64 k = 0; k < 100000; k++)
    {
      char txt[32];
      g_snprintf (txt, sizeof txt, "row %" G_GINT64_FORMAT, k);
      bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (k), STORE_INT (k * 3),
                                   k % 10 ? STORE_INT (k % 1000) : STORE_NULL, STORE_TEXT (txt),
                                   STORE_BLOB (&k, sizeof k)), error);
      if (k % 30001 == 30000)   /* flushes that end mid-way through a multi-row INSERT */
        written += bulk_flush_ok (bulk);
    }
  written += bulk_flush_ok (bulk);
  cr_assert (store_commit (db, &error), "%s", error ? error->message : "");
  cr_assert_eq (written, 100000);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v"), 100000);
  cr_assert_eq (bulk_count (db, "SELECT sum (k) FROM v"), G_GINT64_CONSTANT (4999950000));
  cr_assert_eq (bulk_count (db, "SELECT sum (i) FROM v"), G_GINT64_CONSTANT (14999850000));
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v WHERE n IS NULL"), 10000);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM (SELECT k, row_number () OVER (ORDER BY id)"
                                " AS rn FROM v) x WHERE k <> rn - 1"), 0, "written in order");
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v WHERE txt = 'row 99999' AND k = 99999"), 1);
}

/* Flag K of the last flush is EXPECT. */
#define bulk_assert_flag(bulk, k, expect) \
  cr_assert_eq (store_bulk_inserted ((bulk), (k)), (expect), "row %u", (guint) (k))

Test (BULK_SUITE, bulk_conflicts_are_skipped_and_told_row_by_row)
{
  g_autoptr(StoreDb) db = bulk_open ();
  bulk_exec (db, BULK_KEYED_SQL);
  bulk_exec (db, "INSERT INTO u (key, line) VALUES ('k5', -1)");
  bulk_exec (db, "INSERT INTO u (key, line) VALUES ('k70', -2)");
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreBulk) bulk = bulk_new_ok (db, "u", "key, line", "(key) DO NOTHING", "line");

  /* 152 rows: two keys stored already, one (k3) twice in the flush */
  for (gint64 line = 0; line < 152; line++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "k%" G_GINT64_FORMAT, line == 150 ? 3 : line);
      bulk_row_ok (store_bulk_row (bulk, &error, STORE_TEXT (key), STORE_INT (line)), error);
    }
  cr_assert_eq (bulk_flush_ok (bulk), 149);
  for (guint k = 0; k < 152; k++)
    bulk_assert_flag (bulk, k, k != 5 && k != 70 && k != 150);
  cr_assert_not (store_bulk_inserted (bulk, 152), "past the flush");
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM u"), 151);
  cr_assert_eq (bulk_count (db, "SELECT line FROM u WHERE key = 'k3'"), 3, "the first stays");
  cr_assert_eq (bulk_count (db, "SELECT line FROM u WHERE key = 'k70'"), -2);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM (SELECT line, lag (line) OVER (ORDER BY id)"
                                " AS prev FROM u WHERE line >= 0) x WHERE prev >= line"), 0,
                "written in the order given");

  /* a whole multi-row INSERT of conflicts */
  for (gint64 line = 200; line < 264; line++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "k%" G_GINT64_FORMAT, line - 200);
      bulk_row_ok (store_bulk_row (bulk, &error, STORE_TEXT (key), STORE_INT (line)), error);
    }
  cr_assert_eq (bulk_flush_ok (bulk), 0);
  for (guint k = 0; k < 64; k++)
    bulk_assert_flag (bulk, k, FALSE);

  /* one conflict among 64: told apart exactly */
  for (gint64 line = 300; line < 364; line++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "k%" G_GINT64_FORMAT, line == 330 ? 10 : line + 1000);
      bulk_row_ok (store_bulk_row (bulk, &error, STORE_TEXT (key), STORE_INT (line)), error);
    }
  cr_assert_eq (bulk_flush_ok (bulk), 63);
  for (guint k = 0; k < 64; k++)
    bulk_assert_flag (bulk, k, k != 30);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM u"), 151 + 63);
}

Test (BULK_SUITE, bulk_a_failure_mid_batch_leaves_nothing_after_rollback)
{
  g_autoptr(StoreDb) db = bulk_open ();
  bulk_exec (db, BULK_TABLE_SQL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreBulk) bulk = bulk_new_ok (db, "v", "k, i, n, txt, b", NULL, NULL);
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  gboolean ok = TRUE;
  for (gint64 k = 0; ok && k < 200; k++)   /* row 70: k NULL, refused by NOT NULL */
    ok = store_bulk_row (bulk, &error, k == 70 ? STORE_NULL : STORE_INT (k), STORE_INT (k),
                         STORE_NULL, STORE_TEXT ("x"), STORE_NULL);
  ok = ok && store_bulk_flush (bulk, NULL, &error);
  cr_assert_not (ok, "a NOT NULL column given NULL fails");
  cr_assert_not_null (error);
  cr_assert_eq (store_bulk_pending (bulk), 0, "the rows not written are dropped");
  store_rollback (db);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v"), 0);

  /* the same bulk works again in the next transaction */
  g_clear_error (&error);
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  for (gint64 k = 0; k < 100; k++)
    bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (k), STORE_NULL, STORE_NULL,
                                 STORE_TEXT ("again"), STORE_NULL), error);
  cr_assert_eq (bulk_flush_ok (bulk), 100);
  cr_assert (store_commit (db, &error), "%s", error ? error->message : "");
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v WHERE txt = 'again'"), 100);
}

Test (BULK_SUITE, bulk_refuses_a_wrong_number_of_values_and_a_missing_tag)
{
  g_autoptr(StoreDb) db = bulk_open ();
  bulk_exec (db, BULK_KEYED_SQL);
  g_autoptr(GError) error = NULL;
  cr_assert_null (store_bulk_new (db, "u", "key, line", "(key) DO NOTHING", NULL, &error));
  cr_assert_not_null (strstr (error->message, "tag"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (store_bulk_new (db, "u", "key, line", "(key) DO NOTHING", "nope", &error));
  g_clear_error (&error);
  g_autoptr(StoreBulk) bulk = bulk_new_ok (db, "u", "key, line", "(key) DO NOTHING", "line");
  cr_assert_not (store_bulk_row (bulk, &error, STORE_TEXT ("k")));
  cr_assert_not_null (strstr (error->message, "1 values for 2 columns"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (store_bulk_row (bulk, &error, STORE_TEXT ("k"), STORE_TEXT ("1")));
  cr_assert_not_null (strstr (error->message, "needs an integer"), "%s", error->message);
}

Test (BULK_SUITE, bulk_rewrites_stored_rows_by_key_and_tells_which_were_found)
{
  g_autoptr(StoreDb) db = bulk_open ();
  bulk_exec (db, BULK_TABLE_SQL);
  bulk_exec (db, "CREATE UNIQUE INDEX v_by_k ON v (k)");
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreBulk) add = bulk_new_ok (db, "v", "k, i, n, txt, b", NULL, NULL);
  for (gint64 k = 0; k < 200; k++)
    bulk_row_ok (store_bulk_row (add, &error, STORE_INT (k), STORE_INT (k), STORE_INT (1),
                                 STORE_TEXT ("old"), STORE_NULL), error);
  cr_assert_eq (bulk_flush_ok (add), 200);

  g_autoptr(StoreBulk) rewrite = store_bulk_update_new (db, "v", "k, txt, i", &error);
  cr_assert_not_null (rewrite, "%s", error ? error->message : "");
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  for (gint64 k = 0; k < 150; k++)
    {
      char txt[32];
      g_snprintf (txt, sizeof txt, "new '%" G_GINT64_FORMAT "'\n", k);
      bulk_row_ok (store_bulk_row (rewrite, &error, STORE_INT (k == 70 ? 1000 : k),
                                   STORE_TEXT (txt), k % 2 ? STORE_NULL : STORE_INT (-k)), error);
    }
  cr_assert_eq (bulk_flush_ok (rewrite), 149, "key 1000 names no row");
  for (guint k = 0; k < 150; k++)
    bulk_assert_flag (rewrite, k, k != 70);
  cr_assert (store_commit (db, &error), "%s", error ? error->message : "");
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v"), 200);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v WHERE txt = 'old'"), 51);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v WHERE txt LIKE 'new %'"), 149);
  cr_assert_eq (bulk_count (db, "SELECT count(*) FROM v WHERE k < 150 AND k <> 70 AND k % 2 = 1"
                                " AND i IS NULL"), 75);
  cr_assert_eq (bulk_count (db, "SELECT i FROM v WHERE k = 42"), -42);
  cr_assert_eq (bulk_count (db, "SELECT n FROM v WHERE k = 42"), 1, "a column not named stays");
  cr_assert_eq (bulk_count (db, "SELECT length (txt) FROM v WHERE k = 42"), 9);
  cr_assert_eq (bulk_count (db, "SELECT i FROM v WHERE k = 70"), 70);
}
