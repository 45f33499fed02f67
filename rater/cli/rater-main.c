/* rater-main.c — entry point: global options, the command table, exit status.
 *
 * This is the only place that prints an error or chooses an exit status
 * (cli.md): every command returns a GError and main maps it.
 */
#include "config.h"

#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "base/outfile.h"
#include "base/rater-error.h"

static const RaterCommand commands[] = {
  { "init", cmd_init, "create or migrate the database schema" },
  { "catalog", cmd_catalog, "import operators, plans, accounts, numbers and decks" },
  { "fetch", cmd_fetch, "pull Microsoft Graph PSTN / Direct Routing call records into files" },
  { "ingest", cmd_ingest, "normalise CDR files into calls" },
  { "rate", cmd_rate, "rate or re-rate every call of open periods" },
  { "invoice", cmd_invoice, "draft or issue invoices (JSON, lines CSV, HTML, PDF, UBL)" },
  { "adjust", cmd_adjust, "add, list or remove one-off charges and credits of open periods" },
  { "dispute", cmd_dispute, "open, resolve or list disputed calls (held off invoices)" },
  { "nightly", cmd_nightly, "the cron job: catalog, ingest, rate, invoices, reports" },
  { "export", cmd_export, "write stored records as CSV" },
  { "files", cmd_files, "list the ingested files; withdraw one to ingest it again" },
  { "purge", cmd_purge, "delete the call detail of issued periods (retention)" },
  { "reconcile", cmd_reconcile, "match two CDR sources call by call" },
  { "report", cmd_report, "usage, KPI and exception reports (CSV, JSON), usage charts (SVG)" },
};

static const RaterCommand *
command_find (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static char *
commands_help (void)
{
  GString *s = g_string_new ("Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %-10s %s\n", commands[i].name, commands[i].summary);
  g_string_append (s, "\nRun 'rater COMMAND --help' for a command's options.\n"
                      "Exit status: 0 ok, 1 rejects or unrated calls, 64 usage, "
                      "65 bad input refused, 70 internal error, 73 cannot write output, "
                      "75 try again later (locked, or Microsoft Graph unavailable).");
  return g_string_free (s, FALSE);
}

static gboolean
parse_progress (const char *name, const char *value, gpointer data, GError **error)
{
  RaterContext *ctx = data;
  if (g_str_equal (value, "auto"))
    ctx->progress = PROGRESS_AUTO;
  else if (g_str_equal (value, "always"))
    ctx->progress = PROGRESS_ALWAYS;
  else if (g_str_equal (value, "never"))
    ctx->progress = PROGRESS_NEVER;
  else
    return cmd_usage_error (error, "--progress must be auto, always or never, not '%s'", value);
  return TRUE;
}

/* Parse the global options, which stop at the first non-option (the command). */
static gboolean
parse_global_options (RaterContext *ctx, int *argc, char ***argv, GError **error)
{
  g_autofree char *db = NULL;
  gboolean csv_raw = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database file (default $RATER_DB or rater.db)", "PATH" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &ctx->quiet, "No summary line", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &ctx->verbose, "Debug logging", NULL },
    { "progress", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_progress,
      "Progress on stderr: auto (a terminal), always, never", "WHEN" },
    { "csv-raw", 0, 0, G_OPTION_ARG_NONE, &csv_raw,
      "CSV cells verbatim, without the ' before formula-like cells (for programs)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new ("COMMAND [ARGS...]");
  g_autofree char *help = commands_help ();
  GOptionGroup *group = g_option_group_new ("rater", "", "", ctx, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (oc, group);
  g_option_context_set_summary (oc, "Rate call detail records and bill them.");
  g_option_context_set_description (oc, help);
  g_option_context_set_strict_posix (oc, TRUE);
  if (!g_option_context_parse (oc, argc, argv, error))
    return FALSE;
  outfile_set_csv_raw (csv_raw);
  if (db)
    ctx->db_path = g_intern_string (db);
  else if (g_getenv ("RATER_DB"))
    ctx->db_path = g_intern_string (g_getenv ("RATER_DB"));
  else
    ctx->db_path = "rater.db";
  return TRUE;
}

/* Log lines: to the journal when run by systemd, else "rater: message" on
 * stderr; debug messages only with --verbose (G_MESSAGES_DEBUG). */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (g_log_writer_is_journald (fileno (stderr)))
    return g_log_writer_journald (level, fields, n_fields, data);
  if ((level & G_LOG_LEVEL_DEBUG) && !g_getenv ("G_MESSAGES_DEBUG"))
    return G_LOG_WRITER_HANDLED;
  const char *message = NULL;
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  const char *tag = (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) ? "error: "
                    : (level & G_LOG_LEVEL_WARNING) ? "warning: "
                    : (level & G_LOG_LEVEL_DEBUG) ? "debug: " : "";
  fprintf (stderr, "rater: %s%s\n", tag, message ? message : "");
  return G_LOG_WRITER_HANDLED;
}

static gboolean
run (RaterContext *ctx, int argc, char **argv, GError **error)
{
  if (!parse_global_options (ctx, &argc, &argv, error))
    return FALSE;
  if (ctx->verbose)
    g_setenv ("G_MESSAGES_DEBUG", "rater", TRUE);
  if (argc < 2)
    return cmd_usage_error (error, "no command given (try 'rater --help')");
  const RaterCommand *cmd = command_find (argv[1]);
  if (!cmd)
    return cmd_usage_error (error, "unknown command '%s' (try 'rater --help')", argv[1]);
  return cmd->func (ctx, argc - 1, argv + 1, error);
}

/* glibc gives freed heap back to the kernel as soon as 128 KiB lie free
 * at the top of an arena, and each thread's arena does so on its frees:
 * drafting 1,000 PDF invoices on two threads spent 12.6 s of 65 s in the
 * kernel faulting the same pages in again (20.5 s instead of 34.8 s wall
 * once up to 64 MiB are kept; peak memory the same). */
static void
tune_malloc (void)
{
#if defined (HAVE_MALLOPT) && defined (HAVE_MALLOC_H)
  if (mallopt (M_TRIM_THRESHOLD, 64 << 20) != 1)
    g_debug ("mallopt (M_TRIM_THRESHOLD) refused: running with glibc's default");
#endif
}

int
main (int argc, char **argv)
{
  tune_malloc ();
  setlocale (LC_ALL, "");
  g_log_set_writer_func (log_writer, NULL, NULL);
  RaterContext ctx = { .progress = PROGRESS_AUTO };
  g_autoptr(GError) error = NULL;

  if (!run (&ctx, argc, argv, &error))
    {
      g_printerr ("rater: %s\n", error->message);
      return rater_error_exit_status (error);
    }
  return ctx.status;
}
