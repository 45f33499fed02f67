/* cmd-files.c — 'rater files list [--since DATE] [--format table|csv|json]'
 * and 'rater files withdraw ID --reason TEXT' (files.h).
 *
 * The list is a table for people on stdout by default; --format csv goes
 * through the one CSV writer (outfile), json through rater-json.  A
 * withdrawal prints what it removed and, when records of other files had
 * been dropped for the withdrawn calls, which files to ingest again.
 */
#include "config.h"

#include <stdio.h>

#include "cli/cmd.h"
#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/rater-json.h"
#include "base/store.h"
#include "ingest/files.h"

typedef struct {
  char *since;                  /* list: YYYY-MM-DD, NULL: all */
  char *format;                 /* list: table (default), csv or json */
  char *reason;                 /* withdraw */
  char **args;                  /* the arguments after the subcommand */
} FilesArgs;

#define LIST_COLUMNS "id,name,sha256,ingested_at,format,operator,options,complete,records,calls," \
  "duplicates,merged_legs,internal,rejects"

/* ---- list ---- */

/* A table for people: one line per file, its options on the next. */
static gboolean
print_table_row (const FilesEntry *e, gpointer data, GError **error)
{
  guint *n = data;
  if ((*n)++ == 0)
    printf ("%4s  %-24s  %-12s  %7s %6s %5s %5s %6s %7s  %-10s  %s\n", "ID", "INGESTED",
            "SHA-256", "RECORDS", "CALLS", "DUPS", "LEGS", "INTERN", "REJECTS", "FORMAT", "NAME");
  printf ("%4" G_GINT64_FORMAT "  %-24s  %.12s  %7" G_GINT64_FORMAT " %6" G_GINT64_FORMAT
          " %5" G_GINT64_FORMAT " %5" G_GINT64_FORMAT " %6" G_GINT64_FORMAT " %7" G_GINT64_FORMAT
          "  %-10s  %s%s\n", e->id, e->ingested_at, e->sha256, e->records, e->calls,
          e->duplicates, e->merged_legs, e->internal, e->rejects, e->format, e->path,
          e->complete ? "" : " (incomplete)");
  if (*e->options)
    printf ("%4s  options: %s\n", "", e->options);
  return TRUE;
}

static gboolean
write_csv_row (const FilesEntry *e, gpointer data, GError **error)
{
  OutFile *out = data;
  outfile_csv_int (out, e->id);
  outfile_csv_field (out, e->path, -1);
  outfile_csv_field (out, e->sha256, -1);
  outfile_csv_field (out, e->ingested_at, -1);
  outfile_csv_field (out, e->format, -1);
  outfile_csv_field (out, e->operator_slug ? e->operator_slug : "", -1);
  outfile_csv_field (out, e->options, -1);
  outfile_csv_int (out, e->complete);
  const gint64 counts[] = { e->records, e->calls, e->duplicates, e->merged_legs, e->internal,
                            e->rejects };
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    outfile_csv_int (out, counts[i]);
  outfile_csv_end_row (out);
  return TRUE;
}

static gboolean
add_json_entry (const FilesEntry *e, gpointer data, GError **error)
{
  JsonBuilder *b = data;
  json_builder_begin_object (b);
  rater_json_int (b, "id", e->id);
  rater_json_string (b, "name", e->path);
  rater_json_string (b, "sha256", e->sha256);
  rater_json_string (b, "ingested_at", e->ingested_at);
  rater_json_string (b, "format", e->format);
  rater_json_string (b, "operator", e->operator_slug);
  rater_json_string (b, "options", e->options);
  rater_json_bool (b, "complete", e->complete);
  rater_json_int (b, "records", e->records);
  rater_json_int (b, "calls", e->calls);
  rater_json_int (b, "duplicates", e->duplicates);
  rater_json_int (b, "merged_legs", e->merged_legs);
  rater_json_int (b, "internal", e->internal);
  rater_json_int (b, "rejects", e->rejects);
  json_builder_end_object (b);
  return TRUE;
}

static gboolean
list_csv (StoreDb *db, const FilesArgs *a, GError **error)
{
  g_autoptr(OutFile) out = outfile_open (NULL, error);
  if (!out)
    return FALSE;
  outfile_csv_header (out, LIST_COLUMNS);
  return files_list (db, a->since, write_csv_row, out, error) && outfile_commit (out, error);
}

static gboolean
list_json (StoreDb *db, const FilesArgs *a, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  rater_json_begin_array (b, "files");
  if (!files_list (db, a->since, add_json_entry, b, error))
    return FALSE;
  json_builder_end_array (b);
  json_builder_end_object (b);
  return rater_json_write (b, NULL, error);
}

static gboolean
files_list_command (RaterContext *ctx, gconstpointer args, GError **error)
{
  const FilesArgs *a = args;
  const char *format = a->format ? a->format : "table";
  if (a->args[0])
    return cmd_usage_error (error, "files list: unexpected argument '%s'", a->args[0]);
  if (!g_str_equal (format, "table") && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return cmd_usage_error (error, "files list: --format must be table, csv or json, not '%s'",
                            format);
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  if (!db)
    return FALSE;
  if (g_str_equal (format, "csv"))
    return list_csv (db, a, error);
  if (g_str_equal (format, "json"))
    return list_json (db, a, error);
  guint n = 0;
  if (!files_list (db, a->since, print_table_row, &n, error))
    return FALSE;
  if (n == 0)
    printf ("no files ingested%s%s\n", a->since ? " since " : "", a->since ? a->since : "");
  return TRUE;
}

/* ---- withdraw ---- */

static void
print_others (const FilesWithdrawal *w)
{
  printf ("%" G_GINT64_FORMAT " records of other files had been dropped as duplicates or legs of"
          " these calls and are NOT brought back: withdraw and ingest again", w->orphaned);
  for (guint i = 0; i < w->others->len; i++)
    {
      const FilesOther *o = &g_array_index (w->others, FilesOther, i);
      printf ("%s file %" G_GINT64_FORMAT " '%s' (%" G_GINT64_FORMAT " records)", i ? "," : "",
              o->file_id, o->path ? o->path : "(withdrawn)", o->records);
    }
  printf ("\n");
}

static gboolean
files_withdraw_command (RaterContext *ctx, gconstpointer args, GError **error)
{
  const FilesArgs *a = args;
  gint64 id;
  if (!a->args[0] || a->args[1])
    return cmd_usage_error (error, "usage: rater files withdraw ID --reason TEXT");
  if (!g_ascii_string_to_signed (a->args[0], 10, 1, G_MAXINT64, &id, NULL))
    return cmd_usage_error (error, "files withdraw: ID must be a file id, not '%s'", a->args[0]);
  if (!a->reason || !*g_strstrip (a->reason))
    return cmd_usage_error (error, "files withdraw: --reason TEXT is required");
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  g_auto(FilesWithdrawal) w = { 0 };
  if (!db || !files_withdraw (db, id, a->reason, &w, error))
    return FALSE;
  if (w.orphaned)
    print_others (&w);
  cmd_summary (ctx, "withdrew file %" G_GINT64_FORMAT " '%s': %" G_GINT64_FORMAT " calls, %"
               G_GINT64_FORMAT " ratings, %" G_GINT64_FORMAT " rejects removed; its bytes can be"
               " ingested again ('rater rate' re-rates the periods)", w.file_id, w.path, w.calls,
               w.ratings, w.rejects);
  return TRUE;
}

static const RaterSubcommand files_commands[] = {
  { "list", files_list_command, "the ingested files: id, name, SHA-256, time, options, counts" },
  { "withdraw", files_withdraw_command, "take a file's calls, ratings and rejects back out" },
};

gboolean
cmd_files (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *since = NULL, *format = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "list: files ingested on or after this day (UTC)", "YYYY-MM-DD" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "list: table (default), csv or json", "FMT" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "withdraw: why (kept in the audit)", "TEXT" },
    { NULL }
  };
  g_autofree char *names = cmd_subcommand_names (files_commands, G_N_ELEMENTS (files_commands));
  g_autofree char *help = cmd_subcommand_help (files_commands, G_N_ELEMENTS (files_commands));
  if (!cmd_parse_options_described ("files", names, help, entries, &argc, &argv, error))
    return FALSE;
  const RaterSubcommand *sub = argc >= 2 ? cmd_subcommand_find (files_commands,
                                                                G_N_ELEMENTS (files_commands),
                                                                argv[1]) : NULL;
  if (!sub)
    return cmd_usage_error (error, "usage: rater files list [--since DATE] | files withdraw ID"
                            " --reason TEXT");
  FilesArgs a = { since, format, reason, argv + 2 };
  return sub->func (ctx, &a, error);
}
