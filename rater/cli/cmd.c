/* cmd.c — helpers shared by the command functions: option parsing, usage
 * errors, subcommand tables, the summary line, the database, progress. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "base/store.h"
#include "base/timeparse.h"

gboolean
cmd_parse_options (const char *command, const char *parameter,
                   const GOptionEntry *entries, int *argc, char ***argv,
                   GError **error)
{
  return cmd_parse_options_described (command, parameter, NULL, entries, argc, argv, error);
}

gboolean
cmd_parse_options_described (const char *command, const char *parameter, const char *description,
                             const GOptionEntry *entries, int *argc, char ***argv,
                             GError **error)
{
  g_autofree char *usage = g_strdup_printf ("%s%s%s", command, *parameter ? " " : "", parameter);
  g_autoptr(GOptionContext) oc = g_option_context_new (usage);
  g_option_context_add_main_entries (oc, entries, NULL);
  if (description)
    g_option_context_set_description (oc, description);
  g_option_context_set_help_enabled (oc, TRUE);
  if (!g_option_context_parse (oc, argc, argv, error))
    {
      g_prefix_error (error, "%s: ", command);
      return FALSE;
    }
  return TRUE;
}

gboolean
cmd_usage_error (GError **error, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  GError *usage = g_error_new_valist (G_OPTION_ERROR, G_OPTION_ERROR_FAILED, format, ap);
  va_end (ap);
  g_propagate_error (error, usage);
  return FALSE;
}

gboolean
cmd_check_period (const char *command, const char *period, GError **error)
{
  int year, month;
  if (time_parse_period (period, strlen (period), &year, &month) == TIME_OK)
    return TRUE;
  return cmd_usage_error (error, "%s: --period must be YYYY-MM, not '%s'", command, period);
}

gboolean
cmd_direction_by (const char *command, const char *value, CdrDirectionRule *rule,
                  GError **error)
{
  if (cdr_direction_rule_parse (value, rule))
    return TRUE;
  return cmd_usage_error (error, "%s: --direction-by must be dcontext or shape, not '%s'",
                          command, value);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* " (context 'a' 2, 'b' 5: set --inbound-context or --outbound-context)" */
static void
append_guessed_contexts (GString *t, GHashTable *contexts)
{
  guint n = 0;
  g_autofree gpointer *names = g_hash_table_get_keys_as_array (contexts, &n);
  qsort (names, n, sizeof *names, compare_strings);
  g_string_append (t, " (context ");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (t, "%s'%s' %" G_GSIZE_FORMAT, i ? ", " : "", (const char *) names[i],
                            GPOINTER_TO_SIZE (g_hash_table_lookup (contexts, names[i])));
  g_string_append (t, ": set --inbound-context or --outbound-context)");
}

char *
cmd_ingest_counts (const IngestStats *s)
{
  GString *t = g_string_new (NULL);
  if (s->merged_legs)
    g_string_append_printf (t, "%" G_GUINT64_FORMAT " merged legs, ", s->merged_legs);
  if (s->internal)
    g_string_append_printf (t, "%" G_GUINT64_FORMAT " internal, ", s->internal);
  if (s->guessed)
    g_string_append_printf (t, "%" G_GUINT64_FORMAT " with direction guessed", s->guessed);
  if (s->guessed && s->guessed_contexts && g_hash_table_size (s->guessed_contexts))
    append_guessed_contexts (t, s->guessed_contexts);
  if (s->guessed)
    g_string_append (t, ", ");
  return g_string_free (t, FALSE);
}

const RaterSubcommand *
cmd_subcommand_find (const RaterSubcommand *table, gsize n_entries, const char *name)
{
  for (gsize i = 0; i < n_entries; i++)
    if (g_str_equal (table[i].name, name))
      return &table[i];
  return NULL;
}

char *
cmd_subcommand_names (const RaterSubcommand *table, gsize n_entries)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n_entries; i++)
    g_string_append_printf (s, "%s%s", i ? "|" : "", table[i].name);
  return g_string_free (s, FALSE);
}

char *
cmd_subcommand_help (const RaterSubcommand *table, gsize n_entries)
{
  GString *s = g_string_new ("Subcommands:");
  for (gsize i = 0; i < n_entries; i++)
    g_string_append_printf (s, "\n  %-10s %s", table[i].name, table[i].summary);
  return g_string_free (s, FALSE);
}

void
cmd_summary (const RaterContext *ctx, const char *format, ...)
{
  if (ctx->quiet)
    return;
  va_list ap;
  va_start (ap, format);
  g_autofree char *line = g_strdup_vprintf (format, ap);
  va_end (ap);
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

StoreDb *
cmd_open_db (const RaterContext *ctx, GError **error)
{
  return store_open (ctx->db_path, error);
}

StoreDb *
cmd_open_db_readonly (const RaterContext *ctx, GError **error)
{
  return store_open_readonly (ctx->db_path, error);
}

static void
show_progress (const char *path, guint64 done, guint64 total, gpointer data)
{
  guint percent = total ? (guint) (done * 100 / total) : 100;
  fprintf (stderr, "\r%s: %3u%%%s", path, percent, done >= total ? "\n" : "");
  fflush (stderr);
}

CmdProgressFunc
cmd_ingest_progress (const RaterContext *ctx)
{
  gboolean wanted = ctx->progress == PROGRESS_ALWAYS
                    || (ctx->progress == PROGRESS_AUTO && isatty (STDERR_FILENO));
  return wanted ? show_progress : NULL;
}
