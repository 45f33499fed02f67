/* cmd-nightly.c — 'rater nightly --config FILE [--wait] [--shard K/N]': the cron job. */
#include "config.h"

#include "cli/cmd.h"
#include "nightly/nightly.h"
#include "rate/rate.h"
#include "base/rater-error.h"

static void
print_summary (RaterContext *ctx, const NightlySummary *s)
{
  g_autofree char *issued = s->shards && !s->last_shard
    ? g_strdup_printf ("issue, drafts and reports left to the last shard")
    : s->issue_run
    ? g_strdup_printf ("issued %u invoices for %s", s->issued, s->previous)
    : s->catalog_refused ? g_strdup_printf ("issuing %s skipped (catalog refused)", s->previous)
    : s->issue_held && s->shards && s->shard != 1
      ? g_strdup_printf ("issuing %s held (shard 1's night: see its log)", s->previous)
    : s->issue_held ? g_strdup_printf ("issuing %s held (Graph calls missing)", s->previous)
    : g_strdup_printf ("%s not due for issuing", s->previous);
  g_autofree char *extra = cmd_ingest_counts (&s->ingest);
  g_autofree char *unsettled = s->unsettled
    ? g_strdup_printf ("; %u file%s left for the next run (still being written)", s->unsettled,
                       s->unsettled == 1 ? "" : "s")
    : g_strdup ("");
  g_autofree char *missed = s->fetch_missed_days
    ? g_strdup_printf (", %u day%s NOT fetched (over catch_up_days)", s->fetch_missed_days,
                       s->fetch_missed_days == 1 ? "" : "s")
    : g_strdup ("");
  g_autofree char *fetched = !s->graph_sources ? g_strdup ("")
    : g_strdup_printf ("; Graph %" G_GUINT64_FORMAT " rows in %u pages fetched%s%s", s->fetched_rows,
                       s->fetched_pages, s->fetch_failed ? ", a fetch FAILED" : "", missed);
  g_autofree char *purged = !s->purge_run ? g_strdup ("")
    : g_strdup_printf ("; purged %u period%s%s", s->purged, s->purged == 1 ? "" : "s",
                       s->purge_refused ? " (some REFUSED)" : "");
  g_autofree char *shard = s->shards ? g_strdup_printf (" shard %u/%u", s->shard, s->shards)
                                     : g_strdup ("");
  g_autofree char *catalog = s->shards && s->shard != 1 ? g_strdup ("shard 1's")
    : g_strdup (s->catalog_refused ? "REFUSED" : s->catalog_imported ? "imported" : "unchanged");
  cmd_summary (ctx, "nightly %s%s: catalog %s%s; %u files (%u archived, %u quarantined, %u seen"
               " before): %" G_GUINT64_FORMAT " calls, %" G_GUINT64_FORMAT " duplicates, %s%"
               G_GUINT64_FORMAT " rejects; rated %" G_GUINT64_FORMAT " calls, %" G_GUINT64_FORMAT
               " unrated; %s; drafted %u invoices; %u report files%s%s",
               s->today, shard, catalog, fetched, s->files, s->archived, s->quarantined, s->skipped, s->ingest.calls,
               s->ingest.duplicates, extra, s->ingest.rejects, s->rated, s->unrated, issued, s->drafted,
               s->reports, purged, unsettled);
}

gboolean
cmd_nightly (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *config_path = NULL;
  gboolean wait = FALSE;
  g_autofree char *shard = NULL;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "The nightly config (required)", "FILE" },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &wait, "Wait for a running nightly instead of exiting 75", NULL },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Only the accounts of shard K of N", "K/N" },
    { NULL }
  };
  if (!cmd_parse_options ("nightly", "--config FILE", entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1 || !config_path)
    return cmd_usage_error (error, "usage: rater nightly --config FILE [--wait] [--shard K/N]");
  NightlyOptions opts = { cmd_ingest_progress (ctx), NULL, wait, 0, 0 };
  if (shard && !rate_parse_shard (shard, &opts.shard, &opts.shards, error))
    return FALSE;
  g_autoptr(NightlyConfig) config = nightly_config_load (config_path, error);
  if (!config)
    return FALSE;
  NightlySummary s;
  if (!nightly_run (config, &opts, &s, error))
    return FALSE;
  print_summary (ctx, &s);
  /* 65, not 75, for days over catch_up_days: running again does not fetch
   * them, a person must (the log names the command) */
  if (s.quarantined || s.catalog_refused || s.fetch_missed_days)
    ctx->status = RATER_ERROR_DATA;
  else if (s.fetch_failed)
    ctx->status = s.fetch_status;   /* 75: run again later; 64: fix the source's access */
  else
    ctx->status = s.ingest.rejects || s.unrated ? 1 : 0;
  return TRUE;
}
