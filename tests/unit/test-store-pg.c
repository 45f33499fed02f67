/* test-store-pg.c — the PostgreSQL backend (store-pg.c) against a real
 * server: connecting and refusing, statements, parameters, columns,
 * cursors read while other statements run, transactions, secrets.
 *
 * The server is the throwaway cluster of tests/tools/pg-cluster.sh: its env
 * file, named by $RATER_TEST_PG_ENV, holds RATER_TEST_PG (a maintenance
 * URI).  Without it every test is skipped, saying so.  Each test works in a
 * database of its own (CREATE DATABASE t_..., dropped at the end), made
 * with libpq directly where rater's store must not be used (a database
 * that is not rater's yet).  Statement tests give it a stand-in rater_meta
 * at the current version, so store_open() takes it without the schema.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rater-error.h"
#include "base/store-backend.h"
#include "base/store.h"

static char *maint;      /* the maintenance URI */
static char *db_name;    /* this test's database */
static char *db_uri;     /* and its URI */
static char *host, *port, *user;

/* The value of KEY=VALUE lines of the env file, quotes dropped. */
static char *
env_value (const char *contents, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (g_str_has_prefix (line, "export "))
        line += 7;
      gsize n = strlen (key);
      if (strncmp (line, key, n) != 0 || line[n] != '=')
        continue;
      char *v = line + n + 1;
      gsize len = strlen (v);
      if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0])
        return g_strndup (v + 1, len - 2);
      return g_strdup (v);
    }
  return NULL;
}

static PGconn *
raw_connect (const char *uri)
{
  PGconn *c = PQconnectdb (uri);
  cr_assert_eq (PQstatus (c), CONNECTION_OK, "%s", PQerrorMessage (c));
  return c;
}

static void
raw_exec (const char *uri, const char *sql)
{
  PGconn *c = raw_connect (uri);
  PGresult *r = PQexec (c, sql);
  ExecStatusType s = PQresultStatus (r);
  cr_assert (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage (r));
  PQclear (r);
  PQfinish (c);
}

static char *
conninfo (PQconninfoOption *opts, const char *key)
{
  for (PQconninfoOption *o = opts; o->keyword; o++)
    if (strcmp (o->keyword, key) == 0 && o->val)
      return g_strdup (o->val);
  return NULL;
}

/* A new database for this test, or a skip when there is no server. */
static void
need_pg (void)
{
  const char *env = g_getenv ("RATER_TEST_PG_ENV");
  g_autofree char *contents = NULL;
  if (!env || !*env)
    cr_skip_test ("no PostgreSQL server: RATER_TEST_PG_ENV is not set"
                  " (tests/tools/pg-cluster.sh starts one and writes it)");
  cr_assert (g_file_get_contents (env, &contents, NULL, NULL), "cannot read %s", env);
  maint = env_value (contents, "RATER_TEST_PG");
  cr_assert_not_null (maint, "%s holds no RATER_TEST_PG", env);
  PQconninfoOption *opts = PQconninfoParse (maint, NULL);
  cr_assert_not_null (opts);
  host = conninfo (opts, "host");
  port = conninfo (opts, "port");
  user = conninfo (opts, "user");
  PQconninfoFree (opts);
  db_name = g_strdup_printf ("t_%d_%08x", (int) getpid (), g_random_int ());
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", db_name);
  raw_exec (maint, create);
  db_uri = g_strdup_printf ("postgresql://%s@/%s?host=%s&port=%s", user ? user : "", db_name,
                            host ? host : "", port ? port : "5432");
}

static void
teardown (void)
{
  if (db_name)
    {
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", db_name);
      PGconn *c = PQconnectdb (maint);
      PQclear (PQexec (c, drop));
      PQfinish (c);
    }
  g_clear_pointer (&maint, g_free);
  g_clear_pointer (&db_name, g_free);
  g_clear_pointer (&db_uri, g_free);
  g_clear_pointer (&host, g_free);
  g_clear_pointer (&port, g_free);
  g_clear_pointer (&user, g_free);
}

TestSuite (store_pg, .fini = teardown, .timeout = 120);

/* This test's database as a rater database of the current version (a
 * stand-in rater_meta), opened read-write. */
static StoreDb *
open_current (void)
{
  g_autofree char *meta = g_strdup_printf (
    "CREATE TABLE rater_meta (name text PRIMARY KEY, value bigint NOT NULL);"
    " INSERT INTO rater_meta VALUES ('schema_version', %d)", store_schema_version ());
  raw_exec (db_uri, meta);
  g_autoptr(GError) error = NULL;
  StoreDb *db = store_open (db_uri, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  cr_assert_eq (store_backend (db), STORE_POSTGRES);
  return db;
}

static const char *
store_errmsg_for_test (StoreDb *db)
{
  static char buf[512];
  g_autoptr(GError) error = NULL;
  store_set_error (&error, db, "last error");
  g_strlcpy (buf, error->message, sizeof buf);
  return buf;
}

static void
exec_ok (StoreDb *db, const char *sql)
{
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, sql, &error), "%s: %s", sql, error ? error->message : "");
}

static gint64
count (StoreDb *db, const char *sql)
{
  gint64 n = -1;
  g_autoptr(GError) error = NULL;
  cr_assert (store_query_int (db, sql, &n, &error), "%s: %s", sql, error ? error->message : "");
  return n;
}

/* The cursors open on DB but the one asking. */
static gint64
open_cursors (StoreDb *db)
{
  return count (db, "SELECT count(*) FROM pg_cursors WHERE name <> ''"
                    " AND statement NOT LIKE '%pg_cursors%'");
}

static StoreStmt *
prepare (StoreDb *db, const char *sql)
{
  g_autoptr(GError) error = NULL;
  StoreStmt *st = store_prepare (db, sql, &error);
  cr_assert_not_null (st, "%s: %s", sql, error ? error->message : "");
  return st;
}

static void
step_ok (StoreStmt *st)
{
  g_autoptr(GError) error = NULL;
  cr_assert (store_step_done (st, &error), "%s", error ? error->message : "");
}

Test (store_pg, columns_of_every_type_and_null)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(StoreStmt) st = prepare (db,
    "SELECT 42::bigint, 7::int, 3::smallint, true, false, 1.5::float8, 'héllo'::text,"
    " '\\x00ff41'::bytea, NULL::bigint, NULL::text, sum (x), 12.50::numeric(6,2),"
    " '-9223372036854775808'::bigint, ''::text"
    " FROM (VALUES (4000000000::bigint), (5000000000)) v (x)");
  cr_assert_eq (store_next (st), STORE_ROW, "%s", store_errmsg_for_test (db));
  cr_assert_eq (store_column_count (st), 14);
  g_autoptr(StoreStmt) unrun = prepare (db, "SELECT 1, ?1::text, 3");
  cr_assert_eq (store_column_count (unrun), 3, "described before it runs");
  g_autoptr(StoreStmt) none = prepare (db, "CREATE TABLE nothing (x int)");
  cr_assert_eq (store_column_count (none), 0);
  StoreColumnType want[] = { STORE_COLUMN_INT, STORE_COLUMN_INT, STORE_COLUMN_INT, STORE_COLUMN_INT,
                             STORE_COLUMN_INT, STORE_COLUMN_FLOAT, STORE_COLUMN_TEXT,
                             STORE_COLUMN_BLOB, STORE_COLUMN_NULL, STORE_COLUMN_NULL,
                             STORE_COLUMN_INT, STORE_COLUMN_FLOAT, STORE_COLUMN_INT,
                             STORE_COLUMN_TEXT };
  for (int i = 0; i < 14; i++)
    cr_assert_eq (store_column_type (st, i), want[i], "column %d", i);
  cr_assert_eq (store_column_int64 (st, 0), 42);
  cr_assert_eq (store_column_int (st, 1), 7);
  cr_assert_eq (store_column_int (st, 2), 3);
  cr_assert_eq (store_column_int (st, 3), 1);
  cr_assert_eq (store_column_int (st, 4), 0);
  cr_assert_eq (store_column_int64 (st, 5), 1);
  cr_assert_str_eq (store_column_text (st, 6), "héllo");
  cr_assert_eq (store_column_bytes (st, 6), 6);
  cr_assert_eq (store_column_bytes (st, 7), 3);
  cr_assert_eq (memcmp (store_column_blob (st, 7), "\x00\xff" "A", 3), 0);
  cr_assert (store_column_is_null (st, 8));
  cr_assert_eq (store_column_int64 (st, 8), 0);
  cr_assert_null (store_column_text_or_null (st, 9));
  cr_assert_str_eq (store_column_text (st, 9), "");
  cr_assert_null (store_column_blob (st, 9));
  cr_assert_eq (store_column_bytes (st, 9), 0);
  cr_assert_eq (store_column_int64 (st, 10), 9000000000);
  cr_assert_str_eq (store_column_text (st, 10), "9000000000");
  cr_assert_eq (store_column_int64 (st, 11), 12);
  cr_assert_eq (store_column_int64 (st, 12), G_MININT64);
  cr_assert_not (store_column_is_null (st, 13));
  cr_assert_str_eq (store_column_text (st, 13), "");
  cr_assert_eq (store_next (st), STORE_DONE);
}

Test (store_pg, bound_values_round_trip)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  exec_ok (db, "CREATE TABLE t (i bigint, s text, b bytea)");
  g_autoptr(StoreStmt) ins = prepare (db, "INSERT INTO t VALUES (?1, ?2, ?3)");
  static const unsigned char blob[] = { 0, 1, 0xfe, 0xff, '\\', 'x' };
  char copy[] = "copied";
  cr_assert (store_bind (ins, NULL, STORE_INT (G_MAXINT64), STORE_TEXT ("a'b\"c"),
                         STORE_BLOB (blob, sizeof blob)));
  step_ok (ins);
  cr_assert (store_bind (ins, NULL, STORE_INT (-5), STORE_TEXT_COPY (copy), STORE_NULL));
  copy[0] = 'X';
  step_ok (ins);
  cr_assert (store_bind (ins, NULL, STORE_NULL, STORE_TEXT_LEN ("abcdef", 3), STORE_BLOB ("", 0)));
  step_ok (ins);
  g_autoptr(StoreStmt) sel = prepare (db, "SELECT i, s, b FROM t ORDER BY i NULLS LAST");
  cr_assert_eq (store_next (sel), STORE_ROW);
  cr_assert_eq (store_column_int64 (sel, 0), -5);
  cr_assert_str_eq (store_column_text (sel, 1), "copied");
  cr_assert (store_column_is_null (sel, 2));
  cr_assert_eq (store_next (sel), STORE_ROW);
  cr_assert_eq (store_column_int64 (sel, 0), G_MAXINT64);
  cr_assert_str_eq (store_column_text (sel, 1), "a'b\"c");
  cr_assert_eq (store_column_bytes (sel, 2), (int) sizeof blob);
  cr_assert_eq (memcmp (store_column_blob (sel, 2), blob, sizeof blob), 0);
  cr_assert_eq (store_next (sel), STORE_ROW);
  cr_assert (store_column_is_null (sel, 0));
  cr_assert_str_eq (store_column_text (sel, 1), "abc");
  cr_assert_eq (store_column_type (sel, 2), STORE_COLUMN_BLOB);
  cr_assert_eq (store_column_bytes (sel, 2), 0);
  cr_assert_eq (store_next (sel), STORE_DONE);

  /* out of range, and a later run with other types than the first */
  g_autoptr(GError) error = NULL;
  cr_assert_not (store_bind_at (ins, 4, &error, STORE_INT (1)));
  cr_assert_not_null (strstr (error->message, "cannot bind parameter 4"), "%s", error->message);
  g_autoptr(StoreStmt) any = prepare (db, "SELECT ?1::text");
  cr_assert (store_bind (any, NULL, STORE_INT (12)));
  cr_assert_eq (store_next (any), STORE_ROW);
  cr_assert_str_eq (store_column_text (any, 0), "12");
  cr_assert (store_bind (any, NULL, STORE_TEXT ("twelve")));
  cr_assert_eq (store_next (any), STORE_ROW);
  cr_assert_str_eq (store_column_text (any, 0), "twelve");

  /* NULL first (the server infers int4 here), then a 64-bit INT */
  g_autoptr(StoreStmt) co = prepare (db, "SELECT coalesce (?1, -1)");
  cr_assert (store_bind (co, NULL, STORE_NULL));
  cr_assert_eq (store_next (co), STORE_ROW);
  cr_assert_eq (store_column_int64 (co, 0), -1);
  cr_assert (store_bind (co, NULL, STORE_INT (G_GINT64_CONSTANT (1) << 40)));
  cr_assert_eq (store_next (co), STORE_ROW, "%s", store_errmsg_for_test (db));
  cr_assert_eq (store_column_int64 (co, 0), G_GINT64_CONSTANT (1) << 40);
  cr_assert (store_bind (co, NULL, STORE_NULL));
  cr_assert_eq (store_next (co), STORE_ROW);
  cr_assert_eq (store_column_int64 (co, 0), -1);
}

Test (store_pg, numbered_reused_and_bare_parameters)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(StoreStmt) st = prepare (db,
    "SELECT ?2 * ?2 + ?1, '?' || ?, \"?column?\" -- a ? in a comment\n"
    " FROM (SELECT 1 AS \"?column?\") x /* and ?3 here */ WHERE ?1 = ?1");
  cr_assert_eq (store_param_count (st), 3);
  cr_assert (store_bind (st, NULL, STORE_INT (1), STORE_INT (5), STORE_TEXT ("x")));
  cr_assert_eq (store_next (st), STORE_ROW);
  cr_assert_eq (store_column_int64 (st, 0), 26);
  cr_assert_str_eq (store_column_text (st, 1), "?x");
  cr_assert_eq (store_column_int64 (st, 2), 1);
  cr_assert_eq (store_next (st), STORE_DONE);

  g_autoptr(StoreStmt) bare = prepare (db, "SELECT ?, ?, E'\\'?', $$ ? $$");
  cr_assert_eq (store_param_count (bare), 2);
  cr_assert (store_bind (bare, NULL, STORE_INT (10), STORE_INT (20)));
  cr_assert_eq (store_next (bare), STORE_ROW);
  cr_assert_eq (store_column_int64 (bare, 0), 10);
  cr_assert_eq (store_column_int64 (bare, 1), 20);
  cr_assert_str_eq (store_column_text (bare, 2), "'?");
  cr_assert_str_eq (store_column_text (bare, 3), " ? ");
}

/* Read one statement's rows while inserting with another, committing in
 * batches, as the rating loop does on SQLite. */
Test (store_pg, rows_read_while_other_statements_write)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  exec_ok (db, "CREATE TABLE src (id bigint PRIMARY KEY, v bigint);"
               " CREATE TABLE dst (id bigint PRIMARY KEY, v bigint);"
               " INSERT INTO src SELECT g, g * 3 FROM generate_series (1, 10000) g");
  g_autoptr(StoreStmt) sel = prepare (db, "SELECT id, v FROM src WHERE id > ?1 ORDER BY id");
  g_autoptr(StoreStmt) ins = prepare (db, "INSERT INTO dst VALUES (?1, ?2)");
  g_autoptr(StoreStmt) look = prepare (db, "SELECT count(*) FROM dst WHERE id < ?1");
  g_autoptr(GError) error = NULL;
  cr_assert (store_bind (sel, NULL, STORE_INT (0)));
  int n = 0;
  cr_assert (store_begin (db, &error));
  while (store_next (sel) == STORE_ROW)
    {
      gint64 id = store_column_int64 (sel, 0);
      cr_assert_eq (id, n + 1);
      cr_assert (store_bind (ins, &error, STORE_INT (id), STORE_INT (store_column_int64 (sel, 1))));
      step_ok (ins);
      if (++n % 1000 == 0)
        {
          cr_assert (store_commit (db, &error), "%s", error ? error->message : "");
          cr_assert (store_bind (look, NULL, STORE_INT (id + 1)));
          cr_assert_eq (store_next (look), STORE_ROW);
          cr_assert_eq (store_column_int64 (look, 0), n);
          store_reset (look);
          cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
        }
    }
  cr_assert (store_commit (db, &error), "%s", error ? error->message : "");
  cr_assert_eq (n, 10000);
  cr_assert_eq (count (db, "SELECT sum (v) FROM dst"), 3 * 10000 * 10001 / 2);

  /* stopped early, then run again: the cursor is closed and declared anew */
  store_reset (sel);
  for (int i = 0; i < 3; i++)
    {
      cr_assert (store_bind (sel, NULL, STORE_INT (9990)));
      cr_assert_eq (store_next (sel), STORE_ROW);
      cr_assert_eq (store_column_int64 (sel, 0), 9991);
      exec_ok (db, "UPDATE src SET v = v");
      store_reset (sel);
    }
  cr_assert_eq (open_cursors (db), 0);
}

Test (store_pg, transactions_and_rollback)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(GError) error = NULL;
  exec_ok (db, "CREATE TABLE t (x bigint)");
  store_rollback (db);          /* outside a transaction: nothing */
  cr_assert (store_begin (db, &error), "%s", error ? error->message : "");
  exec_ok (db, "INSERT INTO t VALUES (1), (2)");
  store_rollback (db);
  cr_assert_eq (count (db, "SELECT count(*) FROM t"), 0);
  cr_assert (store_begin (db, &error));
  exec_ok (db, "INSERT INTO t VALUES (1), (2), (3)");
  cr_assert_eq (store_changes (db), 3);
  cr_assert (store_commit (db, &error));
  cr_assert_eq (count (db, "SELECT count(*) FROM t"), 3);

  /* a failed statement leaves the transaction to roll back */
  cr_assert (store_begin (db, &error));
  cr_assert_not (store_exec (db, "INSERT INTO t VALUES ('nope')", &error));
  cr_assert_eq (error->code, RATER_ERROR_SOFTWARE);
  g_clear_error (&error);
  store_rollback (db);
  cr_assert_eq (count (db, "SELECT count(*) FROM t"), 3);

  g_autoptr(StoreStmt) up = prepare (db, "UPDATE t SET x = x + 10 WHERE x >= ?1");
  cr_assert (store_bind (up, NULL, STORE_INT (2)));
  step_ok (up);
  cr_assert_eq (store_changes (db), 2);
  g_autoptr(StoreStmt) sel = prepare (db, "SELECT x FROM t");
  while (store_next (sel) == STORE_ROW)
    ;
  cr_assert_eq (store_changes (db), 2, "a query leaves changes alone");
  g_autoptr(StoreStmt) del = prepare (db, "DELETE FROM t WHERE x > ?1 RETURNING x");
  cr_assert (store_bind (del, NULL, STORE_INT (12)));
  cr_assert_eq (store_next (del), STORE_ROW);
  cr_assert_eq (store_column_int64 (del, 0), 13);
  cr_assert_eq (store_next (del), STORE_DONE);
  cr_assert_eq (store_changes (db), 1);
}

/* A cursor its transaction's rollback dropped, and one left open across
 * other statements, are both found out before the statement runs again. */
Test (store_pg, cursors_outlive_resets_and_rollbacks)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) sel = prepare (db, "SELECT g FROM generate_series (1, 10000) g WHERE g >= ?1");
  cr_assert (store_begin (db, &error));
  cr_assert (store_bind (sel, NULL, STORE_INT (5)));
  cr_assert_eq (store_next (sel), STORE_ROW);
  cr_assert_eq (store_column_int64 (sel, 0), 5);
  exec_ok (db, "SELECT 1");
  store_rollback (db);          /* drops the cursor */
  store_reset (sel);
  cr_assert (store_begin (db, &error));
  cr_assert (store_bind (sel, NULL, STORE_INT (7)));
  cr_assert_eq (store_next (sel), STORE_ROW, "%s", store_errmsg_for_test (db));
  cr_assert_eq (store_column_int64 (sel, 0), 7);
  exec_ok (db, "SELECT 1");
  cr_assert (store_commit (db, &error), "%s", error ? error->message : "");   /* keeps it (WITH HOLD) */
  cr_assert_eq (store_next (sel), STORE_ROW, "%s", store_errmsg_for_test (db));
  cr_assert_eq (store_column_int64 (sel, 0), 8);
  exec_ok (db, "SELECT 1");
  store_reset (sel);
  cr_assert (store_bind (sel, NULL, STORE_INT (9999)));
  cr_assert_eq (store_next (sel), STORE_ROW, "%s", store_errmsg_for_test (db));
  cr_assert_eq (store_next (sel), STORE_ROW);
  cr_assert_eq (store_next (sel), STORE_DONE);
  cr_assert_eq (open_cursors (db), 0);
  /* finalised while open: closed with the next round trip */
  cr_assert (store_bind (sel, NULL, STORE_INT (1)));
  cr_assert_eq (store_next (sel), STORE_ROW);
  exec_ok (db, "SELECT 1");
  store_finalize (g_steal_pointer (&sel));
  cr_assert_eq (open_cursors (db), 0);
}

Test (store_pg, last_insert_id)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(GError) error = NULL;
  cr_assert_eq (store_last_insert_id (db), 0, "none yet in this session");
  exec_ok (db, "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, s text)");
  g_autoptr(StoreStmt) ins = prepare (db, "INSERT INTO t (s) VALUES (?1)");
  cr_assert (store_bind (ins, NULL, STORE_TEXT ("a")));
  step_ok (ins);
  cr_assert_eq (store_last_insert_id (db), 1);
  cr_assert (store_begin (db, &error));
  cr_assert (store_bind (ins, NULL, STORE_TEXT ("b")));
  step_ok (ins);
  cr_assert_eq (store_last_insert_id (db), 2);
  cr_assert (store_commit (db, &error), "%s", error ? error->message : "");

  /* in a transaction of a fresh session: no lastval, and the transaction survives */
  g_autoptr(StoreDb) other = store_open (db_uri, &error);
  cr_assert (store_begin (other, &error));
  cr_assert_eq (store_last_insert_id (other), 0);
  exec_ok (other, "INSERT INTO t (s) VALUES ('c')");
  cr_assert (store_commit (other, &error), "%s", error ? error->message : "");
  cr_assert_eq (count (db, "SELECT count(*) FROM t"), 3);
}

Test (store_pg, cursor_walks_100000_rows)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(StoreStmt) st = prepare (db, "SELECT g, 'row ' || g, g % 7 = 0 FROM generate_series (1, ?1) g");
  cr_assert (store_bind (st, NULL, STORE_INT (100000)));
  gint64 n = 0, sum = 0, sevens = 0;
  gint64 t0 = g_get_monotonic_time ();
  while (store_next (st) == STORE_ROW)
    {
      n++;
      sum += store_column_int64 (st, 0);
      sevens += store_column_int64 (st, 2);
      if (n == 54321)
        cr_assert_str_eq (store_column_text (st, 1), "row 54321");
    }
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  cr_log_info ("100000 rows in %.3f s: %.0f rows/s", secs, 100000 / secs);
  cr_assert_eq (n, 100000);
  cr_assert_eq (sum, G_GINT64_CONSTANT (100000) * 100001 / 2);
  cr_assert_eq (sevens, 100000 / 7);
  store_reset (st);
  cr_assert_eq (open_cursors (db), 0);

  /* exactly two batches: the third fetch finds nothing and closes it */
  cr_assert (store_bind (st, NULL, STORE_INT (8192)));
  for (n = 0; store_next (st) == STORE_ROW; n++)
    ;
  cr_assert_eq (n, 8192);
  cr_assert_eq (open_cursors (db), 0);
}

Test (store_pg, rater_now_follows_RATER_NOW)
{
  need_pg ();
  setenv ("RATER_NOW", "2026-12-03T02:00:00+01:00", 1);
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(StoreStmt) st = prepare (db, "SELECT current_setting ('rater.now'), current_setting ('TimeZone')");
  cr_assert_eq (store_next (st), STORE_ROW);
  cr_assert_str_eq (store_column_text (st, 0), "2026-12-03T01:00:00.000Z");
  cr_assert_str_eq (store_column_text (st, 1), "UTC");
  store_reset (st);
  setenv ("RATER_NOW", "not a time", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) clock = store_open (db_uri, &error);
  cr_assert_not_null (clock, "%s", error ? error->message : "");
  g_autoptr(StoreStmt) unset = prepare (clock, "SELECT coalesce (current_setting ('rater.now', true), '')");
  cr_assert_eq (store_next (unset), STORE_ROW);
  cr_assert_str_eq (store_column_text (unset, 0), "", "an unusable RATER_NOW leaves the clock");
}

/* ---- opening and initialising ---- */

Test (store_pg, foreign_database_is_refused_untouched)
{
  need_pg ();
  raw_exec (db_uri, "CREATE TABLE customers (id int); INSERT INTO customers VALUES (1)");
  g_autoptr(GError) error = NULL;
  int from = -1, to = -1;
  cr_assert_null (store_init (db_uri, &from, &to, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  cr_assert_not_null (strstr (error->message, "not a rater database"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "rater never overwrites it"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (store_open (db_uri, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  g_clear_error (&error);
  cr_assert_null (store_open_readonly (db_uri, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  raw_exec (db_uri, "SELECT 1 / (count(*) = 1 AND to_regclass ('rater_meta') IS NULL)::int"
                    " FROM customers");
}

Test (store_pg, newer_and_older_versions_are_refused)
{
  need_pg ();
  raw_exec (db_uri, "CREATE TABLE rater_meta (name text PRIMARY KEY, value bigint NOT NULL);"
                    " INSERT INTO rater_meta VALUES ('schema_version', 999)");
  g_autoptr(GError) error = NULL;
  int from, to;
  cr_assert_null (store_init (db_uri, &from, &to, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  cr_assert_not_null (strstr (error->message, "newer than this rater"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (store_open (db_uri, &error));
  cr_assert_eq (error->code, RATER_ERROR_DATA);
  g_clear_error (&error);

  raw_exec (db_uri, "UPDATE rater_meta SET value = 1");
  cr_assert_null (store_open_readonly (db_uri, &error));
  cr_assert_eq (error->code, RATER_ERROR_USAGE);
  cr_assert_not_null (strstr (error->message, "run 'rater init'"), "%s", error->message);
}

Test (store_pg, empty_database_needs_init)
{
  need_pg ();
  g_autoptr(GError) error = NULL;
  cr_assert_null (store_open (db_uri, &error));
  cr_assert_eq (error->code, RATER_ERROR_USAGE);
  cr_assert_not_null (strstr (error->message, "rater init"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, db_name), "%s", error->message);
}

/* Needs the PostgreSQL schema compiled in (schemas/pg/). */
Test (store_pg, init_creates_then_leaves_alone)
{
  need_pg ();
  g_auto(GStrv) pg = g_resources_enumerate_children ("/org/rater/schemas/pg/", 0, NULL);
  if (!pg || !pg[0])
    cr_skip_test ("this build has no PostgreSQL schema (schemas/pg/)");
  g_autoptr(GError) error = NULL;
  int from = -1, to = -1;
  {
    g_autoptr(StoreDb) db = store_init (db_uri, &from, &to, &error);
    cr_assert_not_null (db, "%s", error ? error->message : "");
    cr_assert_eq (from, 0);
    cr_assert_eq (to, store_schema_version ());
    cr_assert_eq (count (db, "SELECT value FROM rater_meta WHERE name = 'schema_version'"), to);
    cr_assert_eq (count (db, "SELECT count(*) FROM pg_tables WHERE tablename IN"
                             " ('operators', 'files', 'calls', 'ratings')"), 4);
    exec_ok (db, "INSERT INTO operators VALUES ('x', 'X', 'EUR', 'X')");
  }
  g_autoptr(StoreDb) again = store_init (db_uri, &from, &to, &error);
  cr_assert_not_null (again, "%s", error ? error->message : "");
  cr_assert_eq (from, to);
  cr_assert_eq (count (again, "SELECT count(*) FROM operators"), 1);
  g_autoptr(StoreDb) opened = store_open (db_uri, &error);
  cr_assert_not_null (opened, "%s", error ? error->message : "");
  g_autoptr(StoreStmt) now = prepare (opened, "SELECT rater_now ()");
  cr_assert_eq (store_next (now), STORE_ROW);
  cr_assert (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                   store_column_text (now, 0), 0, 0), "%s", store_column_text (now, 0));
}

Test (store_pg, password_is_never_shown)
{
  need_pg ();
  g_autoptr(GError) error = NULL;
  /* (the backend itself: store_open() refuses these before connecting,
   * test-store checks it) */
  const char *uri = "postgresql://rater:Pw0rdInUserinfo@/nodb?host=/nonexistent-rater-socket"
                    "&port=1&password=Pw0rdInQuery&sslpassword=Pw0rdForKey";
  cr_assert_null (store_pg_open (uri, FALSE, &error));
  cr_assert_not_null (strstr (error->message, "postgresql://rater@/nodb?host="), "%s", error->message);
  cr_assert_null (strstr (error->message, "Pw0rd"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (store_pg_open ("postgresql://rater:Pw0/rd@nohost.invalid/db", FALSE, &error));
  cr_assert_null (strstr (error->message, "Pw0"), "%s", error->message);
  cr_assert_eq (error->code, RATER_ERROR_USAGE, "%s", error->message);
  g_clear_error (&error);
  /* a password libpq cannot even parse (a bad %-escape it would quote) */
  cr_assert_null (store_pg_open ("postgresql://rater:Pw0rd%zz@/nodb?host=/nonexistent", FALSE, &error));
  cr_assert_null (strstr (error->message, "Pw0rd"), "%s", error->message);
  g_clear_error (&error);

  /* a connection that works: its name has no password either */
  g_autoptr(StoreDb) db = open_current ();
  store_close (g_steal_pointer (&db));
  g_autofree char *with = g_strdup_printf ("postgres://%s:Pw0rdHidden@/%s?password=Pw0rdToo&host=%s&port=%s",
                                           user, db_name, host, port);
  g_autoptr(StoreDb) named = store_pg_open (with, FALSE, &error);
  cr_assert_not_null (named, "%s", error ? error->message : "");
  cr_assert_null (strstr (store_name (named), "Pw0rd"), "%s", store_name (named));
  cr_assert_not_null (strstr (store_name (named), db_name), "%s", store_name (named));
  cr_assert_not (store_exec (named, "SELECT * FROM no_such_table", &error));
  cr_assert_null (strstr (error->message, "Pw0rd"), "%s", error->message);
}

Test (store_pg, read_only_refuses_writes)
{
  need_pg ();
  g_autoptr(GError) error = NULL;
  {
    g_autoptr(StoreDb) db = open_current ();
    exec_ok (db, "CREATE TABLE t (x bigint); INSERT INTO t VALUES (1)");
    g_autoptr(StoreDb) reader = store_open_reader (db, &error);
    cr_assert_not_null (reader, "%s", error ? error->message : "");
    cr_assert (store_is_readonly (reader));
    cr_assert_eq (count (reader, "SELECT count(*) FROM t"), 1);
    cr_assert_not (store_exec (reader, "INSERT INTO t VALUES (2)", &error));
    g_clear_error (&error);
  }
  g_autoptr(StoreDb) ro = store_open_readonly (db_uri, &error);
  cr_assert_not_null (ro, "%s", error ? error->message : "");
  cr_assert (store_is_readonly (ro));
  g_autoptr(StoreStmt) ins = prepare (ro, "INSERT INTO t VALUES (?1)");
  cr_assert (store_bind (ins, NULL, STORE_INT (3)));
  cr_assert_not (store_step_done (ins, &error));
  cr_assert_not_null (strstr (error->message, "read-only"), "%s", error->message);
  g_clear_error (&error);
  cr_assert (store_begin (ro, &error), "%s", error ? error->message : "");
  cr_assert_eq (count (ro, "SELECT count(*) FROM t"), 1);
  cr_assert (store_commit (ro, &error));
}

Test (store_pg, writers_wait_then_fail_busy)
{
  need_pg ();
  setenv ("RATER_BUSY_TIMEOUT_MS", "300", 1);
  g_autoptr(StoreDb) a = open_current ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) b = store_open (db_uri, &error);
  cr_assert_not_null (b);
  cr_assert (store_begin (a, &error));
  gint64 t0 = g_get_monotonic_time ();
  cr_assert_not (store_begin (b, &error));
  cr_assert_geq (g_get_monotonic_time () - t0, 250000);
  cr_assert_eq (error->code, RATER_ERROR_TEMPFAIL, "%s", error->message);
  cr_assert_not (store_exec (b, "SELECT 1 FROM nothing_here", NULL), "b is out of its transaction");
  g_clear_error (&error);
  cr_assert (store_commit (a, &error));
  cr_assert (store_begin (b, &error), "%s", error ? error->message : "");
  store_rollback (b);
}

Test (store_pg, lost_connection_is_an_error)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) st = prepare (db, "SELECT g FROM generate_series (1, 20000) g");
  cr_assert_eq (store_next (st), STORE_ROW);
  g_autofree char *kill = g_strdup_printf (
    "SELECT pg_terminate_backend (pid) FROM pg_stat_activity WHERE datname = '%s'"
    " AND pid <> pg_backend_pid ()", db_name);
  raw_exec (maint, kill);
  StoreStep rc;
  while ((rc = store_next (st)) == STORE_ROW)
    ;
  cr_assert_eq (rc, STORE_FAILED);
  cr_assert_not (store_exec (db, "SELECT 1", &error));
  cr_assert_not_null (strstr (error->message, "connection"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (store_begin (db, &error));
  g_clear_error (&error);
  store_rollback (db);
  cr_assert_eq (store_last_insert_id (db), 0);
}

/* Commands that refuse a transaction block run prepared too, alone. */
Test (store_pg, commands_outside_any_transaction)
{
  need_pg ();
  g_autoptr(StoreDb) db = open_current ();
  g_autoptr(GError) error = NULL;
  exec_ok (db, "CREATE TABLE t (x bigint)");
  g_autoptr(StoreStmt) sel = prepare (db, "SELECT 1");
  cr_assert_eq (store_next (sel), STORE_ROW);
  store_reset (sel);            /* a CLOSE waits for the next round trip */
  g_autoptr(StoreStmt) idx = prepare (db, "CREATE INDEX CONCURRENTLY t_x ON t (x)");
  cr_assert (store_step (idx, &error), "%s", error ? error->message : "");
  g_autoptr(StoreStmt) vac = prepare (db, "VACUUM t");
  cr_assert (store_step (vac, &error), "%s", error ? error->message : "");
  cr_assert (store_step (vac, &error), "%s", error ? error->message : "");
  cr_assert_eq (count (db, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_x'"), 1);
}

/* Rows in bulk: binary COPY (test-store-bulk.h, shared with test-store.c) */

#define BULK_SUITE store_pg
#define BULK_TABLE_SQL \
  "CREATE TABLE v (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, k bigint NOT NULL," \
  " i bigint, n int, txt text, b bytea)"
#define BULK_KEYED_SQL \
  "CREATE TABLE u (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY," \
  " key text NOT NULL UNIQUE, line bigint NOT NULL)"

static StoreDb *
bulk_open (void)
{
  need_pg ();
  return open_current ();
}

#define bulk_exec exec_ok
#define bulk_count count

#include "test-store-bulk.h"

Test (store_pg, bulk_refuses_a_value_its_column_cannot_take)
{
  g_autoptr(StoreDb) db = bulk_open ();
  exec_ok (db, BULK_TABLE_SQL);
  exec_ok (db, "CREATE TABLE w (f float8)");
  g_autoptr(GError) error = NULL;
  cr_assert_null (store_bulk_new (db, "w", "f", NULL, NULL, &error));
  cr_assert_not_null (strstr (error->message, "column f has a type"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (store_bulk_new (db, "v", "k, nope", NULL, NULL, &error));
  cr_assert_not_null (strstr (error->message, "no column nope"), "%s", error->message);
  g_clear_error (&error);
  g_autoptr(StoreBulk) bulk = bulk_new_ok (db, "v", "k, n, b", NULL, NULL);
  cr_assert_not (store_bulk_row (bulk, &error, STORE_TEXT ("1"), STORE_NULL, STORE_NULL));
  cr_assert_not_null (strstr (error->message, "column k is bigint: a text cannot go there"),
                      "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (store_bulk_row (bulk, &error, STORE_INT (1), STORE_INT (G_MAXINT64), STORE_NULL));
  cr_assert_not_null (strstr (error->message, "column n is integer: this integer does not fit"),
                      "%s", error->message);
  g_clear_error (&error);
  cr_assert_eq (store_bulk_pending (bulk), 0);
  bulk_row_ok (store_bulk_row (bulk, &error, STORE_INT (1), STORE_INT (7), STORE_TEXT ("as bytes")),
               error);
  cr_assert_eq (bulk_flush_ok (bulk), 1);
  cr_assert_eq (count (db, "SELECT count(*) FROM v WHERE n = 7 AND b = 'as bytes'::bytea"), 1);
}

Test (store_pg, bulk_staging_table_goes_with_the_bulk)
{
  g_autoptr(StoreDb) db = bulk_open ();
  exec_ok (db, BULK_KEYED_SQL);
  g_autoptr(GError) error = NULL;
  StoreBulk *bulk = bulk_new_ok (db, "u", "key, line", "(key) DO NOTHING", "line");
  for (gint64 line = 0; line < 5000; line++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "k%" G_GINT64_FORMAT, line % 4000);
      bulk_row_ok (store_bulk_row (bulk, &error, STORE_TEXT (key), STORE_INT (line)), error);
    }
  cr_assert_eq (bulk_flush_ok (bulk), 4000);
  for (guint k = 0; k < 5000; k++)
    bulk_assert_flag (bulk, k, k < 4000);
  cr_assert_eq (count (db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'rater\\_bulk%'"
                           " AND relpersistence = 't'"), 1);
  store_bulk_free (bulk);
  exec_ok (db, "SELECT 1");
  cr_assert_eq (count (db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'rater\\_bulk%'"
                           " AND relpersistence = 't'"), 0, "dropped with the bulk");
}
