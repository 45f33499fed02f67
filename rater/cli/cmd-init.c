/* cmd-init.c — 'rater init': create or migrate the database schema. */
#include "config.h"

#include "cli/cmd.h"
#include "base/store.h"

gboolean
cmd_init (RaterContext *ctx, int argc, char **argv, GError **error)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!cmd_parse_options ("init", "", entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return cmd_usage_error (error, "init: unexpected argument '%s'", argv[1]);
  int from = 0, to = 0;
  g_autoptr(StoreDb) db = store_init (ctx->db_path, &from, &to, error);
  if (!db)
    return FALSE;
  if (from == to)
    cmd_summary (ctx, "database '%s' is current (schema version %d)", store_name (db), to);
  else if (from == 0)
    cmd_summary (ctx, "created database '%s' (schema version %d)", store_name (db), to);
  else
    cmd_summary (ctx, "upgraded database '%s' from schema version %d to %d", store_name (db), from, to);
  return TRUE;
}
