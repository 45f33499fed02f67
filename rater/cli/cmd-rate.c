/* cmd-rate.c — 'rater rate [--period YYYY-MM] [--shard K/N]'. */
#include "config.h"

#include "cli/cmd.h"
#include "rate/rate.h"
#include "base/store.h"

gboolean
cmd_rate (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *period = NULL, *shard = NULL;
  int threads = 0, batch = 0;
  const GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "Only calls of this period", "YYYY-MM" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Rating threads (default: one per CPU)", "N" },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &batch, "Calls per batch (default 1024)", "N" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Only the accounts of shard K of N", "K/N" },
    { NULL }
  };
  if (!cmd_parse_options ("rate", "", entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1 || threads < 0 || threads > 256 || batch < 0)
    return cmd_usage_error (error,
                            "usage: rater rate [--period YYYY-MM] [--threads N] [--batch-size N]"
                            " [--shard K/N]");
  RateOptions opts = { period, (guint) threads, (guint) batch, 0, 0 };
  if (shard && !rate_parse_shard (shard, &opts.shard, &opts.shards, error))
    return FALSE;
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  RateStats s;
  if (!db || !rate_run (db, &opts, &s, error))
    return FALSE;
  cmd_summary (ctx, "rated %" G_GUINT64_FORMAT " calls: %" G_GUINT64_FORMAT " rated, %"
               G_GUINT64_FORMAT " free, %" G_GUINT64_FORMAT " unanswered, %" G_GUINT64_FORMAT
               " unrated (%" G_GUINT64_FORMAT " unknown_account, %" G_GUINT64_FORMAT " no_rate); %"
               G_GUINT64_FORMAT " late, %" G_GUINT64_FORMAT " in closed periods kept, %"
               G_GUINT64_FORMAT " drew on bundles",
               s.calls, s.rated, s.free, s.unanswered, s.unrated, s.unknown_account, s.no_rate,
               s.late, s.kept, s.bundled);
  if (s.implausible || s.overflow)
    cmd_summary (ctx, "unrated also: %" G_GUINT64_FORMAT " implausible_call (start or duration"
                 " outside the ingest limits), %" G_GUINT64_FORMAT " charge_overflow",
                 s.implausible, s.overflow);
  ctx->status = s.unrated > 0 ? 1 : 0;
  return TRUE;
}
