/* cmd-purge.c — `rater purge --before YYYY-MM [--dry-run]`: retention, the
 * call detail of issued periods deleted (billing.md §11, bill/purge.h).
 *
 * One line per period on stdout: purged (or "would purge" with --dry-run)
 * with its counts, open (left alone) or refused (why, and the fix).  Any
 * refused period makes the command exit 65 once the others are purged.
 */
#include "config.h"

#include <stdio.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "bill/purge.h"
#include "cli/cmd.h"

/* Print RESULT; FALSE with RATER_ERROR_DATA when a period was refused. */
static gboolean
cmd_purge_report (const RaterContext *ctx, const PurgeResult *result, gboolean dry_run,
                  GError **error)
{
  guint64 calls = 0;
  for (guint i = 0; i < result->purged->len; i++)
    {
      const PurgedPeriod *p = result->purged->pdata[i];
      printf ("%s\t%s\t%" G_GUINT64_FORMAT " calls\t%" G_GUINT64_FORMAT " files\t%"
              G_GUINT64_FORMAT " rejects cleared\t%" G_GUINT64_FORMAT " itemised invoices"
              " frozen\n", p->period, dry_run ? "would purge" : "purged", p->calls, p->files,
              p->rejects, p->frozen);
      calls += p->calls;
    }
  for (guint i = 0; i < result->open->len; i++)
    printf ("%s\topen: left alone\n", (const char *) result->open->pdata[i]);
  for (guint i = 0; i < result->refused->len; i++)
    printf ("%s\trefused\n", (const char *) result->refused->pdata[i]);
  cmd_summary (ctx, "%s %u period%s (%" G_GUINT64_FORMAT " calls), %u open, %u refused",
               dry_run ? "would purge" : "purged", result->purged->len,
               result->purged->len == 1 ? "" : "s", calls, result->open->len,
               result->refused->len);
  if (result->refused->len == 0)
    return TRUE;
  g_ptr_array_add (result->refused, NULL);
  g_autofree char *why = g_strjoinv ("; ", (char **) result->refused->pdata);
  g_ptr_array_remove_index (result->refused, result->refused->len - 1);
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "purge refused for %s", why);
  return FALSE;
}

gboolean
cmd_purge (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *before = NULL;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = {
    { "before", 0, 0, G_OPTION_ARG_STRING, &before, "purge the issued periods before this"
      " month", "YYYY-MM" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, "say what would be purged, purge nothing",
      NULL },
    { NULL }
  };
  if (!cmd_parse_options ("purge", "", entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1 || !before)
    return cmd_usage_error (error, "usage: rater purge --before YYYY-MM [--dry-run]");
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  g_autoptr(PurgeResult) result = db ? purge_before (db, before, dry_run, error) : NULL;
  return result && cmd_purge_report (ctx, result, dry_run, error);
}
