/* test-helpers.h — small fixtures shared by the unit tests: a scratch
 * directory per test and an initialised database with the spec catalog. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "catalog/catalog.h"
#include "base/store.h"

#define SPEC_CATALOG TEST_SRCDIR "/tests/data/spec-catalog"

/* A new scratch directory (removed by test_scratch_free). */
static inline char *
test_scratch_new (void)
{
  return g_dir_make_tmp ("rater-test-XXXXXX", NULL);
}

static inline void
test_scratch_free (char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (cmd) != 0)
    g_warning ("cannot remove %s", dir);
  g_free (dir);
}

/* Write CONTENT to DIR/NAME; returns the path. */
static inline char *
test_write (const char *dir, const char *name, const char *content)
{
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  return path;
}

/* An initialised database in DIR with the spec catalog imported. */
static inline StoreDb *
test_db_with_catalog (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "rater.db", NULL);
  g_autoptr(GError) error = NULL;
  int from, to;
  StoreDb *db = store_init (path, &from, &to, &error);
  g_assert_no_error (error);
  CatalogImportStats stats;
  g_assert_true (catalog_import (db, SPEC_CATALOG, &stats, &error));
  g_assert_no_error (error);
  return db;
}

/* Every row of TABLE in ORDER, its values as texts joined by '|' (NULL as
 * <null>), one line a row. */
static inline char *
test_table_text (StoreDb *db, const char *table, const char *order)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY %s", table, order);
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreStmt) st = store_prepare (db, sql, &error);
  g_assert_no_error (error);
  g_autoptr(GString) out = g_string_new (NULL);
  while (store_next (st) == STORE_ROW)
    {
      for (int c = 0; c < store_column_count (st); c++)
        {
          const char *t = store_column_text_or_null (st, c);
          g_string_append_printf (out, "%s%s", c ? "|" : "", t ? t : "<null>");
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static inline gint64
test_count (StoreDb *db, const char *sql)
{
  gint64 n = -1;
  g_autoptr(GError) error = NULL;
  g_assert_true (store_query_int (db, sql, &n, &error));
  return n;
}

/* Back to schema 19, before SQLite's compact ratings (schemas/020): the
 * ratings table again, with its rows, indexes, triggers and agg_facts as
 * 019 left them (renamed in legacy mode: the triggers on calls name
 * ratings, which is gone until the rename), and calls without 022's
 * key_hash, under 001's unique index on the key's text. */
#define TEST_UNDO_RATING_FACTS_SQL \
  "CREATE TABLE ratings_v19 (call_id INTEGER PRIMARY KEY," \
  " status TEXT NOT NULL CHECK (status IN ('rated', 'free', 'unanswered', 'unrated'))," \
  " reason TEXT, account TEXT, period TEXT NOT NULL, band TEXT, prefix TEXT, destination TEXT," \
  " grp TEXT, billable INTEGER NOT NULL, covered INTEGER NOT NULL, charge INTEGER NOT NULL," \
  " late INTEGER NOT NULL, invoice TEXT, operator TEXT) STRICT;" \
  " INSERT INTO ratings_v19 SELECT * FROM ratings;" \
  " DROP VIEW agg_facts; DROP VIEW ratings_of_calls; DROP VIEW ratings;" \
  " DROP TABLE rating_facts; DROP TABLE rating_ledgers; DROP TABLE rating_labels;" \
  " PRAGMA legacy_alter_table = ON; ALTER TABLE ratings_v19 RENAME TO ratings;" \
  " PRAGMA legacy_alter_table = OFF;" \
  " CREATE INDEX ratings_by_period ON ratings (period, account);" \
  " CREATE INDEX ratings_unbilled_late ON ratings (account, period)" \
  "   WHERE late = 1 AND invoice IS NULL;" \
  " CREATE INDEX ratings_unrated ON ratings (period, reason) WHERE status = 'unrated';" \
  " CREATE VIEW agg_facts AS" \
  "   SELECT r.call_id, r.period, r.account, c.operator, c.direction, r.status," \
  "   coalesce (r.grp, '') AS grp, coalesce (r.destination, '') AS destination," \
  "   coalesce (CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END, '') AS number," \
  "   c.duration, r.billable, r.covered, r.charge," \
  "   rater_local_day (c.start_ms, coalesce ((SELECT z.timezone FROM agg_zones z" \
  "   WHERE z.account = r.account), 'UTC')) AS day," \
  "   r.account IS NOT NULL AND r.status IN ('rated', 'free') AS usage" \
  "   FROM ratings r JOIN calls c ON c.id = r.call_id;" \
  " CREATE TRIGGER agg_rating_inserted AFTER INSERT ON ratings" \
  "   WHEN (SELECT journal FROM agg_control) BEGIN" \
  "   INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp," \
  "   destination, number, start_ms, duration, billable, covered, charge)" \
  "   SELECT 1, NEW.period, NEW.account, c.operator, c.direction, NEW.status, NEW.grp," \
  "   NEW.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END," \
  "   c.start_ms, c.duration, NEW.billable, NEW.covered, NEW.charge" \
  "   FROM calls c WHERE c.id = NEW.call_id; END;" \
  " CREATE TRIGGER agg_rating_updated AFTER UPDATE OF call_id, status, account, period, grp," \
  "   destination, billable, covered, charge ON ratings WHEN (SELECT journal FROM agg_control)" \
  "   BEGIN" \
  "   INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp," \
  "   destination, number, start_ms, duration, billable, covered, charge)" \
  "   SELECT -1, OLD.period, OLD.account, c.operator, c.direction, OLD.status, OLD.grp," \
  "   OLD.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END," \
  "   c.start_ms, c.duration, OLD.billable, OLD.covered, OLD.charge" \
  "   FROM calls c WHERE c.id = OLD.call_id;" \
  "   INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp," \
  "   destination, number, start_ms, duration, billable, covered, charge)" \
  "   SELECT 1, NEW.period, NEW.account, c.operator, c.direction, NEW.status, NEW.grp," \
  "   NEW.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END," \
  "   c.start_ms, c.duration, NEW.billable, NEW.covered, NEW.charge" \
  "   FROM calls c WHERE c.id = NEW.call_id; END;" \
  " CREATE TRIGGER agg_rating_deleted AFTER DELETE ON ratings BEGIN" \
  "   INSERT INTO agg_journal (sign, period, account, operator, direction, status, grp," \
  "   destination, number, start_ms, duration, billable, covered, charge)" \
  "   SELECT -1, OLD.period, OLD.account, c.operator, c.direction, OLD.status, OLD.grp," \
  "   OLD.destination, CASE c.direction WHEN 'out' THEN c.caller ELSE c.callee END," \
  "   c.start_ms, c.duration, OLD.billable, OLD.covered, OLD.charge" \
  "   FROM calls c WHERE c.id = OLD.call_id; END;" \
  " CREATE TRIGGER rate_rating_updated AFTER UPDATE ON ratings" \
  "   WHEN (SELECT journal FROM agg_control) BEGIN" \
  "   UPDATE rate_changes SET changes = changes + 1; END;" \
  " CREATE TRIGGER rate_rating_deleted AFTER DELETE ON ratings" \
  "   WHEN (SELECT journal FROM agg_control) BEGIN" \
  "   UPDATE rate_changes SET changes = changes + 1; END;" \
  " DROP INDEX calls_by_key_hash; DROP INDEX calls_by_key_unhashed;" \
  " ALTER TABLE calls DROP COLUMN key_hash;" \
  " CREATE UNIQUE INDEX calls_by_key ON calls (call_key, operator);" \
  " PRAGMA user_version = 19;"
