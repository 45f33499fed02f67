/* nightly.c — the nightly run: catalog, ingest with archive and
 * quarantine, rating, issuing, drafts and reports (see nightly.h).
 *
 * The run is a fixed sequence of idempotent steps over one database
 * connection, all under the lock (nightly-files.h).  Steps log what they do
 * through GLib structured logging (g_message: journald under systemd) and
 * add their counts to the NightlySummary the command prints.
 */
#include "config.h"

#include <unistd.h>

#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "base/timeparse.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "bill/purge.h"
#include "catalog/catalog.h"
#include "nightly/nightly-files.h"
#include "nightly/nightly-graph.h"
#include "nightly/nightly.h"
#include "rate/rate.h"
#include "report/reportset.h"

typedef struct {
  const NightlyConfig *config;
  const NightlyOptions *opts;
  NightlySummary *sum;
  StoreDb *db;
} Night;

static gboolean
sharded (const Night *n)
{
  return n->opts->shards > 0;
}

static void
set_periods (NightlySummary *sum)
{
  gint64 now = time_now_ms ();
  int y, m, d;
  time_civil_from_days (now >= 0 ? now / 86400000 : (now - 86399999) / 86400000, &y, &m, &d);
  time_format_utc_date (now, sum->today);
  g_snprintf (sum->period, sizeof sum->period, "%04d-%02d", y, m);
  g_snprintf (sum->previous, sizeof sum->previous, "%04d-%02d", m == 1 ? y - 1 : y,
              m == 1 ? 12 : m - 1);
}

static guint
day_of_month (const NightlySummary *sum)
{
  return (guint) g_ascii_strtoull (sum->today + 8, NULL, 10);
}

static gboolean
step_catalog (Night *n, GError **error)
{
  if (!n->config->catalog)
    return TRUE;
  g_autoptr(GError) local = NULL;
  g_autofree char *digest = catalog_digest (n->config->catalog, &local);
  g_autofree char *last = digest ? catalog_last_digest (n->db, &local) : NULL;
  if (!local && g_strcmp0 (digest, last) == 0)
    return TRUE;
  CatalogImportStats stats;
  if (!local && catalog_import (n->db, n->config->catalog, &stats, &local))
    {
      g_message ("catalog '%s' imported: %u operators, %u accounts, %u deck rows",
                 n->config->catalog, stats.operators, stats.accounts, stats.deck_rows);
      n->sum->catalog_imported = TRUE;
      return TRUE;
    }
  if (g_error_matches (local, RATER_ERROR, RATER_ERROR_SOFTWARE))
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  g_warning ("catalog '%s' refused, the previous catalog stays in force and nothing is issued:"
             " %s", n->config->catalog, local->message);
  n->sum->catalog_refused = TRUE;
  return TRUE;
}

/* Days FROM..TO as "2026-10-26" or "2026-10-26..2026-10-31" into BUF. */
static char *
days_text (gint64 from, gint64 to, char buf[32])
{
  char f[11], t[11];
  time_format_utc_date (from * 86400000, f);
  time_format_utc_date (to * 86400000, t);
  g_snprintf (buf, 32, from == to ? "%s" : "%s..%s", f, t);
  return buf;
}

/* The days of a gap over catch_up_days that SRC does not fetch tonight:
 * logged loudly, with the command that fetches them, and counted. */
static void
report_missed (Night *n, const NightlySource *src, const NightlyGraphRange *r, gboolean have)
{
  char days[32], since[11];
  g_autofree char *cmd = nightly_graph_command (src, r->missed_from, r->missed_to);
  gint64 count = nightly_graph_days (r->missed_from, r->missed_to);
  time_format_utc_date ((r->missed_from - 1) * 86400000, since);
  n->sum->fetch_missed_days += (guint) count;
  g_warning ("source %s: %s (%" G_GINT64_FORMAT " day%s) NOT fetched, their calls are not billed:"
             " %s %s, and a night catches up at most catch_up_days = %u days; fetch them into"
             " the source's directory (the next run ingests them) with: %s", src->name,
             days_text (r->missed_from, r->missed_to, days), count, count == 1 ? "" : "s",
             have ? "the last day fetched whole is" : "start_date is the day after",
             since, src->catch_up_days, cmd);
}

/* Window W of SRC from Graph; its last day is recorded once every page is
 * written (*FETCHED).  A failed fetch is counted and logged, *FETCHED
 * FALSE; only a database error returns FALSE (and stops the run). */
static gboolean
fetch_window (Night *n, const NightlySource *src, const char *secret, const GraphWindow *w,
              gboolean *fetched, GError **error)
{
  GraphFetchOptions o = { src->tenant, src->client_id, secret, src->graph_kind, w->from_day,
                          w->to_day, src->dir };
  g_autoptr(GError) local = NULL;
  g_auto(GraphFetchStats) stats = { 0 };
  char days[32];
  gboolean ok = *fetched = graph_fetch (&o, &stats, &local);
  n->sum->fetched_pages += stats.pages;
  n->sum->fetched_rows += stats.rows;
  if (ok)
    {
      g_message ("source %s: fetched %" G_GUINT64_FORMAT " Graph %s rows of %s in %u pages into"
                 " '%s'", src->name, stats.rows, graph_kind_name (src->graph_kind),
                 days_text (w->from_day, w->to_day, days), stats.pages, src->dir);
      return nightly_graph_record (n->db, src, w->to_day, time_now_ms (), error);
    }
  if (!n->sum->fetch_failed++)
    n->sum->fetch_status = rater_error_exit_status (local);
  g_warning ("source %s: fetching %s from Graph failed (%u complete pages kept; the next run"
             " fetches these days again): %s", src->name, days_text (w->from_day, w->to_day, days),
             stats.pages, local->message);
  return TRUE;
}

/* The days SRC has not fetched whole yet, up to yesterday (UTC), from Graph
 * into its directory (nightly-graph.h); a failure is counted and logged,
 * never the run's end (only a database error is). */
static gboolean
fetch_source (Night *n, const NightlySource *src, GError **error)
{
  gint64 today = 0, last = 0;
  gboolean have = FALSE;
  NightlyGraphRange r;
  char days[32], last_text[32];
  if (!graph_parse_day (n->sum->today, &today))
    g_assert_not_reached ();    /* set_periods wrote it */
  if (!nightly_graph_last_day (n->db, src, &have, &last, error))
    return FALSE;
  nightly_graph_range (have ? &last : NULL, src->has_start ? &src->start_day : NULL, today,
                       src->catch_up_days, &r);
  n->sum->graph_sources++;
  if (nightly_graph_days (r.missed_from, r.missed_to))
    report_missed (n, src, &r, have);
  if (!nightly_graph_days (r.from_day, r.to_day))
    {
      g_message ("source %s: nothing to fetch before %s (%s)", src->name, n->sum->today,
                 have ? "every day up to yesterday is fetched" : "start_date is not past yet");
      return TRUE;
    }
  if (have && r.from_day < today - 1)
    g_message ("source %s: catching up %s (the last day fetched whole is %s)", src->name,
               days_text (r.from_day, r.to_day, days), days_text (last, last, last_text));
  g_autoptr(GError) local = NULL;
  g_autofree char *secret = graph_read_secret (src->secret_file, &local);
  if (!secret)
    {
      if (!n->sum->fetch_failed++)
        n->sum->fetch_status = rater_error_exit_status (local);
      g_warning ("source %s: not fetched from Graph: %s", src->name, local->message);
      return TRUE;
    }
  g_autoptr(GArray) windows = graph_split_range (r.from_day, r.to_day);
  gboolean fetched = TRUE;
  for (guint w = 0; fetched && w < windows->len; w++)
    if (!fetch_window (n, src, secret, &g_array_index (windows, GraphWindow, w), &fetched, error))
      return FALSE;
  return TRUE;
}

static gboolean
step_fetch (Night *n, GError **error)
{
  for (guint s = 0; s < n->config->sources->len; s++)
    {
      const NightlySource *src = n->config->sources->pdata[s];
      if (src->graph && !fetch_source (n, src, error))
        return FALSE;
    }
  return TRUE;
}

/* ingest_one() of a file this worker holds (sharded) or of any file. */
static gboolean
ingest_claimed (Night *n, Ingest *ing, const NightlySource *src, const char *path,
                GError **error)
{
  IngestOptions io = {
    .operator_slug = src->operator_slug, .format = src->format, .country = src->country,
    .tz = src->tz, .direction_by = src->direction_by, .contexts = src->contexts,
    .max_reported = INGEST_REJECTS_SHOWN, .progress = n->opts->progress,
    .progress_data = n->opts->progress_data, .area_code = src->area_code,
  };
  g_autoptr(GError) local = NULL;
  g_autofree char *moved = NULL;
  guint skipped = n->sum->ingest.skipped_files;
  NightlyFileStamp before, after;
  gboolean stamped = nightly_files_stamp (path, &before);
  n->sum->files++;
  if (ingest_file (ing, path, &io, &n->sum->ingest, &local))
    {
      n->sum->skipped += n->sum->ingest.skipped_files - skipped;
      if (stamped && (!nightly_files_stamp (path, &after)
                      || !nightly_files_stamp_equal (&before, &after)))
        {
          n->sum->unsettled++;
          g_warning ("%s: changed while it was read: left in place for the next run (the calls"
                     " read are stored; read again they count as duplicates)", path);
          return TRUE;
        }
      g_autofree char *dir = g_build_filename (n->config->archive, src->name, NULL);
      if (!nightly_files_archive (path, dir, &moved, error))
        return FALSE;
      n->sum->archived++;
      g_message ("%s: archived as '%s'", path, moved);
      return TRUE;
    }
  /* refused whole (RATER_ERROR_DATA) or not ingestible with this source's
   * settings (RATER_ERROR_USAGE: no operator, unknown format...): the file
   * is the problem, not the run */
  if (local->domain != RATER_ERROR
      || (local->code != RATER_ERROR_DATA && local->code != RATER_ERROR_USAGE))
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  g_autofree char *dir = g_build_filename (n->config->quarantine, src->name, NULL);
  if (!nightly_files_quarantine (path, dir, local->message, &moved, error))
    return FALSE;
  n->sum->quarantined++;
  g_warning ("%s: refused, quarantined as '%s': %s", path, moved, local->message);
  return TRUE;
}

/* Ingest PATH of SRC, then archive or quarantine it.  Sharded, the file is
 * claimed first (nightly_files_claim): one that another shard archived or
 * quarantined meanwhile is passed over. */
static gboolean
ingest_one (Night *n, Ingest *ing, const NightlySource *src, const char *path, GError **error)
{
  int claim = sharded (n) ? nightly_files_claim (path) : -2;
  if (claim == -1)
    {
      g_message ("%s: taken by another shard", path);
      return TRUE;
    }
  gboolean ok = ingest_claimed (n, ing, src, path, error);
  if (claim >= 0)
    close (claim);
  return ok;
}

static gboolean
step_ingest (Night *n, GError **error)
{
  g_autoptr(Ingest) ing = ingest_new (n->db, error);
  if (!ing)
    return FALSE;
  for (guint s = 0; s < n->config->sources->len; s++)
    {
      const NightlySource *src = n->config->sources->pdata[s];
      g_autoptr(GPtrArray) files = nightly_files_incoming (src, error);
      g_autoptr(GPtrArray) unsettled = g_ptr_array_new_with_free_func (g_free);
      if (!files)
        return FALSE;
      nightly_files_settle (files, n->config->settle_seconds, unsettled);
      for (guint u = 0; u < unsettled->len; u++)
        g_message ("%s: still being written (changed within %u s): left for the next run",
                   (const char *) unsettled->pdata[u], n->config->settle_seconds);
      n->sum->unsettled += unsettled->len;
      for (guint f = 0; f < files->len; f++)
        if (!ingest_one (n, ing, src, files->pdata[f], error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
step_rate (Night *n, GError **error)
{
  RateOptions ro = { NULL, n->config->threads, 0, n->opts->shard, n->opts->shards };
  RateStats rs;
  if (!rate_run (n->db, &ro, &rs, error))
    return FALSE;
  n->sum->rated = rs.calls;
  n->sum->unrated = rs.unrated;
  g_message ("rated %" G_GUINT64_FORMAT " calls, %" G_GUINT64_FORMAT " unrated, %"
             G_GUINT64_FORMAT " late", rs.calls, rs.unrated, rs.late);
  return TRUE;
}

static char *
output_dir (Night *n, const char *kind, const char *period)
{
  return g_build_filename (n->config->output, kind, period, NULL);
}

static gboolean
draft_period (Night *n, const char *period, GError **error)
{
  g_autofree char *dir = output_dir (n, "drafts", period);
  guint drafted = 0, issued = 0;
  g_autoptr(GError) local = NULL;
  if (invoiceout_write_drafts (n->db, period, NULL, NULL, dir, n->config->invoice_formats,
                               n->config->threads, &drafted, &issued, &local))
    {
      n->sum->drafted += drafted;
      g_message ("drafted %u invoices for %s in '%s'", drafted, period, dir);
      return TRUE;
    }
  if (g_error_matches (local, RATER_ERROR, RATER_ERROR_USAGE))
    return TRUE;                /* no accounts in the catalog yet */
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
step_drafts (Night *n, GError **error)
{
  gboolean issued = FALSE;
  if (!n->config->drafts)
    return TRUE;
  if (!issue_period_closed (n->db, n->sum->previous, &issued, error))
    return FALSE;
  if (!issued && !draft_period (n, n->sum->previous, error))
    return FALSE;
  return draft_period (n, n->sum->period, error);
}

/* What log_issued needs: the period issued and where its documents go. */
typedef struct {
  const char *period;
  const char *dir;
} IssueLog;

static void
log_issued (const char *operator_slug, const IssueStats *s, guint written, gpointer data)
{
  const IssueLog *log = data;
  g_message ("issued %u invoices of %s for %s (%u before); %u in '%s'", s->issued,
             operator_slug, log->period, s->already, written, log->dir);
}

static gboolean
step_issue (Night *n, GError **error)
{
  if (!n->config->issue_day || day_of_month (n->sum) < n->config->issue_day)
    return TRUE;
  if (n->sum->catalog_refused)
    {
      g_warning ("not issuing %s: the catalog was refused", n->sum->previous);
      return TRUE;
    }
  if (n->sum->fetch_failed)
    {
      g_warning ("not issuing %s: a Graph fetch failed (a later run issues it)", n->sum->previous);
      n->sum->issue_held = TRUE;
      return TRUE;
    }
  if (n->sum->fetch_missed_days)
    {
      g_warning ("not issuing %s: days of a Graph source were not fetched (fetch them, a later"
                 " run issues it)", n->sum->previous);
      n->sum->issue_held = TRUE;
      return TRUE;
    }
  gboolean ended = FALSE;
  gint64 ends = 0;
  g_autofree char *zone = NULL;
  char buf[32];
  if (!issue_period_ended (n->db, NULL, n->sum->previous, time_now_ms (), &ended, &ends, &zone,
                           error))
    return FALSE;
  if (!ended)
    {
      g_message ("not issuing %s yet: it ends %s (midnight in %s); a later run issues it",
                 n->sum->previous, time_format_utc (ends, buf), zone);
      return TRUE;
    }
  g_autofree char *dir = output_dir (n, "invoices", n->sum->previous);
  IssueLog log = { n->sum->previous, dir };
  IssueRunOptions opts = { NULL, n->sum->previous, n->sum->today, dir,
                           n->config->invoice_formats, log_issued, &log,
                           n->config->threads };
  IssueRunStats stats;
  if (!issue_run (n->db, &opts, &stats, error))
    return FALSE;
  n->sum->issued += stats.issued;
  n->sum->issue_run = TRUE;
  return TRUE;
}

/* Where REPORT (a full name, reportset.h) of a period goes under DIR. */
static char *
report_path (Night *n, const ReportSetEntry *entry, const char *report, const char *dir)
{
  if (entry->kind == REPORTSET_CHARTS)
    return g_build_filename (dir, "charts", NULL);
  g_autofree char *file = g_strconcat (report, n->config->reports_json ? ".json" : ".csv", NULL);
  return g_build_filename (dir, file, NULL);
}

static gboolean
report_one (Night *n, const char *report, const char *period, const char *dir, GError **error)
{
  ReportQuery q = { .period = period, .threads = n->config->threads };
  const ReportSetEntry *entry = NULL;
  if (!reportset_parse_name (report, &entry, &q.by))
    g_assert_not_reached ();    /* nightly_config_load checked the names */
  g_autofree char *path = report_path (n, entry, report, dir);
  guint written = 0;
  if (!reportset_write (entry, n->db, &q, path,
                        n->config->reports_json ? REPORT_FORMAT_JSON : REPORT_FORMAT_CSV, NULL,
                        &written, error))
    return FALSE;
  n->sum->reports += written;
  return TRUE;
}

static gboolean
step_reports (Night *n, GError **error)
{
  const char *periods[] = { n->sum->previous, n->sum->period };
  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      g_autofree char *dir = output_dir (n, "reports", periods[p]);
      if (n->config->reports[0] && !outfile_mkdir (dir, error))
        return FALSE;
      for (guint r = 0; n->config->reports[r]; r++)
        if (!report_one (n, n->config->reports[r], periods[p], dir, error))
          return FALSE;
    }
  return TRUE;
}

/* The last step, with retention_months: purge the call detail of the
 * issued periods more than that many months before the run's month
 * (bill/purge.h).  A refused period is a warning: the next run tries again. */
static gboolean
step_purge (Night *n, GError **error)
{
  if (!n->config->retention_months)
    return TRUE;
  g_autofree char *before = purge_months_back (n->sum->today, n->config->retention_months);
  g_autoptr(PurgeResult) result = purge_before (n->db, before, FALSE, error);
  if (!result)
    return FALSE;
  for (guint i = 0; i < result->purged->len; i++)
    {
      const PurgedPeriod *p = result->purged->pdata[i];
      g_message ("purged %s: %" G_GUINT64_FORMAT " calls", p->period, p->calls);
    }
  for (guint i = 0; i < result->refused->len; i++)
    g_warning ("not purged %s", (const char *) result->refused->pdata[i]);
  n->sum->purge_run = TRUE;
  n->sum->purged = result->purged->len;
  n->sum->purge_refused = result->refused->len;
  return TRUE;
}

/* ---- shards (nightly.h) ---- */

/* Record, in its own transaction, that this shard did STEP tonight (with
 * HOLD for 'catalog'); with COUNT, how many shards have recorded STEP
 * tonight, this one included. */
static gboolean
shard_record (Night *n, const char *step, const char *hold, gint64 *count, GError **error)
{
  char now[32];
  if (!store_begin (n->db, error))
    return FALSE;
  g_autoptr(StoreStmt) st = store_prepare (n->db,
    "INSERT INTO nightly_shards (day, shards, shard, step, hold, done_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (day, shards, shard, step)"
    " DO UPDATE SET hold = excluded.hold, done_at = excluded.done_at", error);
  g_autoptr(StoreStmt) counted = st ? store_prepare (n->db,
    "SELECT count (*) FROM nightly_shards WHERE day = ?1 AND shards = ?2 AND step = ?3",
    error) : NULL;
  gboolean ok = counted
    && store_bind (st, error, STORE_TEXT (n->sum->today), STORE_INT (n->opts->shards),
                   STORE_INT (n->opts->shard), STORE_TEXT (step),
                   hold ? STORE_TEXT (hold) : STORE_NULL,
                   STORE_TEXT (time_format_utc (time_now_ms (), now)))
    && store_step_done (st, error)
    && store_bind (counted, error, STORE_TEXT (n->sum->today), STORE_INT (n->opts->shards),
                   STORE_TEXT (step));
  if (ok && count)
    {
      ok = store_next (counted) == STORE_ROW;
      if (ok)
        *count = store_column_int64 (counted, 0);
      else
        store_set_error (error, n->db, "counting the night's shards");
    }
  store_reset (counted);
  if (ok && store_commit (n->db, error))
    return TRUE;
  store_rollback (n->db);
  return FALSE;
}

/* Shard 1's 'catalog' record of tonight: *FOUND, and its hold (NULL when
 * nothing holds the issue) into *HOLD. */
static gboolean
shard_catalog (Night *n, gboolean *found, char **hold, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (n->db,
    "SELECT hold FROM nightly_shards WHERE day = ?1 AND shards = ?2 AND shard = 1"
    " AND step = 'catalog'", error);
  if (!st || !store_bind (st, error, STORE_TEXT (n->sum->today), STORE_INT (n->opts->shards)))
    return FALSE;
  int rc = store_next (st);
  *found = rc == STORE_ROW;
  *hold = *found ? g_strdup (store_column_text_or_null (st, 0)) : NULL;
  return rc == STORE_ROW || rc == STORE_DONE || store_set_error (error, n->db,
                                                                 "reading the night's shards");
}

/* Why nothing may be issued tonight, as shard 1 records it, or NULL. */
static char *
shard_hold (const NightlySummary *sum)
{
  if (sum->catalog_refused)
    return g_strdup ("the catalog was refused");
  if (sum->fetch_failed)
    return g_strdup ("a Graph fetch failed");
  if (sum->fetch_missed_days)
    return g_strdup ("days of a Graph source were not fetched");
  return NULL;
}

/* Shards other than 1: wait until shard 1 has recorded tonight's catalog. */
static gboolean
shard_wait_catalog (Night *n, GError **error)
{
  gint64 until = g_get_monotonic_time () + (gint64) NIGHTLY_SHARD_WAIT_S * G_USEC_PER_SEC;
  gboolean found = FALSE, told = FALSE;
  for (;;)
    {
      g_autofree char *hold = NULL;
      if (!shard_catalog (n, &found, &hold, error))
        return FALSE;
      if (found)
        return TRUE;
      if (g_get_monotonic_time () >= until)
        return rater_fail (error, RATER_ERROR_TEMPFAIL, "shard %u/%u: shard 1/%u has not imported"
                           " the catalog of %s after %d s (run it; this shard ingests after it)",
                           n->opts->shard, n->opts->shards, n->opts->shards, n->sum->today,
                           NIGHTLY_SHARD_WAIT_S);
      if (!told)
        g_message ("shard %u/%u: waiting for shard 1/%u to import the catalog", n->opts->shard,
                   n->opts->shards, n->opts->shards);
      told = TRUE;
      g_usleep (G_USEC_PER_SEC / 5);
    }
}

/* What a shard does before ingesting: shard 1 the catalog and the Graph
 * fetch, the others wait for it. */
static gboolean
shard_begin (Night *n, GError **error)
{
  if (n->opts->shard != 1)
    return shard_wait_catalog (n, error);
  nightly_files_remove_temporaries (n->config->quarantine);
  nightly_files_remove_temporaries (n->config->archive);
  g_autofree char *hold = NULL;
  return step_catalog (n, error) && step_fetch (n, error)
         && shard_record (n, "catalog", (hold = shard_hold (n->sum)), NULL, error);
}

/* After rating: whether this shard is the last of the night to have
 * rated, then the whole database's steps. */
static gboolean
shard_finish (Night *n, GError **error)
{
  gint64 rated = 0;
  gboolean found = FALSE;
  g_autofree char *hold = NULL;
  if (!shard_record (n, "rated", NULL, &rated, error))
    return FALSE;
  if (rated < n->opts->shards)
    {
      g_message ("shard %u/%u rated; %" G_GINT64_FORMAT " of %u shards have: the last issues,"
                 " drafts and reports", n->opts->shard, n->opts->shards, rated, n->opts->shards);
      return TRUE;
    }
  n->sum->last_shard = TRUE;
  g_message ("shard %u/%u: every shard has rated: issuing, drafts and reports",
             n->opts->shard, n->opts->shards);
  if (!shard_catalog (n, &found, &hold, error))
    return FALSE;
  nightly_files_remove_temporaries (n->config->output);
  if (hold && !n->sum->catalog_refused && !n->sum->fetch_failed && !n->sum->fetch_missed_days)
    {
      if (n->config->issue_day && day_of_month (n->sum) >= n->config->issue_day)
        {
          g_warning ("not issuing %s: %s (shard 1)", n->sum->previous, hold);
          n->sum->issue_held = TRUE;
        }
    }
  else if (!step_issue (n, error))
    return FALSE;
  return step_drafts (n, error) && step_reports (n, error) && step_purge (n, error);
}

static gboolean
run_sharded (Night *n, GError **error)
{
  return shard_begin (n, error) && step_ingest (n, error) && step_rate (n, error)
         && shard_finish (n, error);
}

static gboolean
run_steps (Night *n, GError **error)
{
  int from, to;
  if (!outfile_mkdir (n->config->output, error))
    return FALSE;
  if (!sharded (n))
    {
      nightly_files_remove_temporaries (n->config->output);
      nightly_files_remove_temporaries (n->config->quarantine);   /* NAME.reason temporaries */
      nightly_files_remove_temporaries (n->config->archive);
    }
  if (!(n->db = store_init (n->config->database, &from, &to, error)))
    return FALSE;
  if (from != to)
    g_message ("database '%s' migrated from schema %d to %d", store_name (n->db), from, to);
  if (sharded (n))
    return run_sharded (n, error);
  return step_catalog (n, error) && step_fetch (n, error) && step_ingest (n, error) && step_rate (n, error)
         && step_issue (n, error) && step_drafts (n, error) && step_reports (n, error)
         && step_purge (n, error);
}

/* The directories the run owns, created (0750) when missing, so a first
 * run on a new machine does not fail on its lock file. */
static gboolean
make_directories (const NightlyConfig *config, GError **error)
{
  g_autofree char *db_dir = store_target_is_server (config->database)
                            ? g_strdup (config->output) : g_path_get_dirname (config->database);
  g_autofree char *lock_dir = g_path_get_dirname (config->lock);
  const char *dirs[] = { db_dir, lock_dir, config->output, config->archive, config->quarantine };
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (!outfile_mkdir (dirs[i], error))
      return FALSE;
  return TRUE;
}

gboolean
nightly_run (const NightlyConfig *config, const NightlyOptions *opts, NightlySummary *summary,
             GError **error)
{
  g_return_val_if_fail (config && opts && summary, FALSE);
  *summary = (NightlySummary) { .shard = opts->shard, .shards = opts->shards };
  set_periods (summary);
  if (!make_directories (config, error))
    return FALSE;
  /* shards run at once: each its own lock */
  g_autofree char *lock_path = opts->shards
    ? g_strdup_printf ("%s.%u-of-%u", config->lock, opts->shard, opts->shards)
    : g_strdup (config->lock);
  int lock = nightly_files_lock (lock_path, opts->wait, error);
  if (lock < 0)
    return FALSE;
  Night n = { config, opts, summary, NULL };
  if (opts->shards)
    g_message ("nightly run for %s, shard %u/%u: periods %s and %s", summary->today, opts->shard,
               opts->shards, summary->previous, summary->period);
  else
    g_message ("nightly run for %s: periods %s and %s", summary->today, summary->previous,
               summary->period);
  gboolean ok = run_steps (&n, error);
  if (n.db)
    store_close (n.db);
  close (lock);
  return ok;
}
