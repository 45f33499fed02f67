/* cmd-export.c — 'rater export rejects|calls': stored records as CSV.
 *
 * The file is written to a temporary name beside --out and renamed into
 * place, so a reader never sees half of it; without --out it goes to stdout.
 */
#include "config.h"

#include "cli/cmd.h"
#include "bill/export.h"
#include "base/store.h"

typedef struct {
  char *out;                    /* NULL: standard output */
  char *period;                 /* calls: only this period; NULL: every period */
} ExportArgs;

static void
export_summary (RaterContext *ctx, const ExportArgs *a, const char *what, guint64 rows)
{
  cmd_summary (ctx, "exported %" G_GUINT64_FORMAT " %s%s%s", rows, what, a->out ? " to " : "",
               a->out ? a->out : "");
}

static gboolean
export_rejects_command (RaterContext *ctx, gconstpointer args, GError **error)
{
  const ExportArgs *a = args;
  guint64 rows = 0;
  g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
  if (!db || !export_rejects (db, a->out, &rows, error))
    return FALSE;
  export_summary (ctx, a, "rejects", rows);
  return TRUE;
}

static gboolean
export_calls_command (RaterContext *ctx, gconstpointer args, GError **error)
{
  const ExportArgs *a = args;
  guint64 rows = 0;
  g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
  if (!db || !export_calls (db, a->period, a->out, &rows, error))
    return FALSE;
  export_summary (ctx, a, "calls", rows);
  return TRUE;
}

static const RaterSubcommand export_commands[] = {
  { "rejects", export_rejects_command, "every stored reject: file, line, reason, detail, raw record" },
  { "calls", export_calls_command, "the stored calls with their rating (--period: of one period)" },
};

gboolean
cmd_export (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *out = NULL, *period = NULL;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output file (default: standard output)", "FILE" },
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "Only this period (YYYY-MM)", "P" },
    { NULL }
  };
  g_autofree char *names = cmd_subcommand_names (export_commands, G_N_ELEMENTS (export_commands));
  g_autofree char *help = cmd_subcommand_help (export_commands, G_N_ELEMENTS (export_commands));
  if (!cmd_parse_options_described ("export", names, help, entries, &argc, &argv, error))
    return FALSE;
  const RaterSubcommand *sub = argc == 2 ? cmd_subcommand_find (export_commands,
                                                                G_N_ELEMENTS (export_commands),
                                                                argv[1]) : NULL;
  if (!sub || (period && !cmd_check_period ("export", period, error)))
    return sub ? FALSE : cmd_usage_error (error, "usage: rater export %s [--period YYYY-MM]"
                                          " [--out FILE]", names);
  ExportArgs a = { out, period };
  return sub->func (ctx, &a, error);
}
