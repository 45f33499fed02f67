/* cmd-export.c — 'rater export rejects|calls': stored records as CSV.
 *
 * The file is written to a temporary name beside --out and renamed into
 * place, so a reader never sees half of it; without --out it goes to stdout.
 */
#include "config.h"

#include "cli/cmd.h"
#include "bill/export.h"
#include "base/store.h"
#include "base/rater-error.h"

gboolean
cmd_export (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *out = NULL, *period = NULL;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output file (default: standard output)", "FILE" },
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "Only this period (YYYY-MM)", "P" },
    { NULL }
  };
  if (!cmd_parse_options ("export", "rejects|calls", entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2 || !(g_str_equal (argv[1], "rejects") || g_str_equal (argv[1], "calls")))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "usage: rater export rejects|calls [--out FILE]");
      return FALSE;
    }
  gboolean calls = g_str_equal (argv[1], "calls");
  g_autoptr(sqlite3) db = cmd_open_db (ctx, error);
  guint64 rows = 0;
  if (!db || !(calls ? export_calls (db, period, out, &rows, error)
                     : export_rejects (db, out, &rows, error)))
    return FALSE;
  cmd_summary (ctx, "exported %" G_GUINT64_FORMAT " %s%s%s", rows, argv[1], out ? " to " : "", out ? out : "");
  return TRUE;
}
