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
