/* cmd-catalog.c — 'rater catalog import DIR'. */
#include "config.h"

#include "catalog/catalog.h"
#include "cli/cmd.h"
#include "base/store.h"

gboolean
cmd_catalog (RaterContext *ctx, int argc, char **argv, GError **error)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!cmd_parse_options ("catalog", "import DIR", entries, &argc, &argv, error))
    return FALSE;
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    return cmd_usage_error (error, "usage: rater catalog import DIR");
  g_autoptr(sqlite3) db = cmd_open_db (ctx, error);
  CatalogImportStats s;
  if (!db || !catalog_import (db, argv[2], &s, error))
    return FALSE;
  cmd_summary (ctx, "imported catalog '%s': %u operators, %u plans, %u accounts, %u numbers, "
               "%u decks with %u rows", argv[2], s.operators, s.plans, s.accounts, s.numbers,
               s.decks, s.deck_rows);
  return TRUE;
}
