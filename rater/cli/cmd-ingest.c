/* cmd-ingest.c — 'rater ingest [options] FILE...'. */
#include "config.h"

#include <stdio.h>

#include "cli/cmd.h"
#include "ingest/ingest.h"
#include "base/rater-error.h"
#include "base/store.h"

gboolean
cmd_ingest (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *op = NULL, *format = NULL, *country = NULL, *area_code = NULL, *tz = NULL;
  g_autofree char *direction_by = NULL;
  g_auto(GStrv) inbound = NULL, outbound = NULL, internal = NULL;
  const GOptionEntry entries[] = {
    { "operator", 0, 0, G_OPTION_ARG_STRING, &op, "Operator of the calls (else the records' operator column)", "OP" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "rater, teams-pstn, teams-dr, asterisk, freeswitch, graph-pstn, graph-dr or profile:FILE "
      "(default: from the header, or a Graph response's @odata.context)", "FMT" },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country, "Numbering context for national numbers (ISO 3166)", "CC" },
    { "area-code", 0, 0, G_OPTION_ARG_STRING, &area_code,
      "Area code of local numbers written without it (needs --country)", "CODE" },
    { "tz", 0, 0, G_OPTION_ARG_STRING, &tz, "Zone of timestamps written without an offset (IANA)", "ZONE" },
    { "direction-by", 0, 0, G_OPTION_ARG_STRING, &direction_by,
      "PBX formats: tell in from out by dcontext (default) or number shape", "RULE" },
    CMD_CONTEXT_OPTIONS (inbound, outbound, internal),
    { NULL }
  };
  if (!cmd_parse_options ("ingest", "FILE...", entries, &argc, &argv, error))
    return FALSE;
  IngestOptions opts = {
    .operator_slug = op, .format = format, .country = country, .tz = tz,
    .contexts = { inbound, outbound, internal },
    .max_reported = INGEST_REJECTS_SHOWN, .progress = cmd_ingest_progress (ctx),
    .area_code = area_code,
  };
  if (!cmd_direction_by ("ingest", direction_by, &opts.direction_by, error))
    return FALSE;
  if (argc < 2)
    return cmd_usage_error (error, "ingest: no FILE given");
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  g_autoptr(Ingest) ing = db ? ingest_new (db, error) : NULL;
  if (!ing)
    return FALSE;

  g_autoptr(GHashTable) guessed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  IngestStats s = { .guessed_contexts = guessed };
  g_autoptr(GError) refused = NULL;
  guint n_refused = 0;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) local = NULL;
      if (ingest_file (ing, argv[i], &opts, &s, &local))
        continue;
      if (local->domain != RATER_ERROR || local->code != RATER_ERROR_DATA)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      /* a refused file does not stop the others */
      g_printerr ("rater: %s\n", local->message);
      n_refused++;
      if (!refused)
        refused = g_steal_pointer (&local);
    }
  g_autofree char *extra = cmd_ingest_counts (&s);
  /* lines a format or profile skips (CALL_START reports, syslog noise) */
  g_autofree char *not_calls = s.ignored ? g_strdup_printf ("; %" G_GUINT64_FORMAT " line%s not calls",
                                                            s.ignored, s.ignored == 1 ? "" : "s")
                                         : g_strdup ("");
  cmd_summary (ctx, "ingested %" G_GUINT64_FORMAT " records from %u files%s: %" G_GUINT64_FORMAT
               " calls, %" G_GUINT64_FORMAT " duplicates, %s%" G_GUINT64_FORMAT " rejects"
               " (%u files skipped as already ingested, %u refused, %" G_GUINT64_FORMAT
               " calls with unknown account)",
               s.records, s.files, not_calls, s.calls, s.duplicates, extra, s.rejects, s.skipped_files,
               n_refused, s.unknown_account);
  if (refused)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "%u file%s refused", n_refused,
                   n_refused == 1 ? "" : "s");
      return FALSE;
    }
  ctx->status = s.rejects > 0 ? 1 : 0;
  return TRUE;
}
