/* nightly.c — the nightly run: config, lock, catalog, ingest with archive
 * and quarantine, rating, drafts, issuing and reports (see nightly.h).
 *
 * The run is a fixed sequence of idempotent steps over one database
 * connection, all under an flock(2) on the lock file.  Steps log what they do
 * through GLib structured logging (g_message: journald under systemd) and
 * add their counts to the NightlySummary the command prints.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "nightly/nightly.h"
#include "base/outfile.h"
#include "rate/rate.h"
#include "base/rater-error.h"
#include "report/report.h"
#include "report/reportchart.h"
#include "base/store.h"
#include "base/timeparse.h"

#define NIGHTLY_GROUP "nightly"
#define SOURCE_PREFIX "source "

static const char *const report_names[] = {
  "usage-user", "usage-destination", "usage-day", "kpi", "exceptions", "chart", NULL
};

/* Config {{{1 */

static void
source_free (gpointer p)
{
  NightlySource *s = p;
  g_free (s->name);
  g_free (s->dir);
  g_free (s->format);
  g_free (s->operator_slug);
  g_free (s->country);
  g_free (s->tz);
  g_free (s->pattern);
  g_free (s);
}

void
nightly_config_free (NightlyConfig *c)
{
  if (!c)
    return;
  g_free (c->database);
  g_free (c->catalog);
  g_free (c->output);
  g_free (c->archive);
  g_free (c->quarantine);
  g_free (c->lock);
  g_strfreev (c->reports);
  if (c->sources)
    g_ptr_array_unref (c->sources);
  g_free (c);
}

typedef struct {
  GKeyFile *kf;
  const char *path;
  char *base;                   /* directory of the config file */
} ConfigReader;

static gboolean
config_fail (const ConfigReader *r, const char *group, const char *key, GError **error,
             const char *reason)
{
  g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "%s: [%s] %s: %s", r->path, group,
               key, reason);
  return FALSE;
}

/* The string KEY of GROUP, or NULL when absent (not an error). */
static char *
config_string (const ConfigReader *r, const char *group, const char *key)
{
  char *v = g_key_file_get_string (r->kf, group, key, NULL);
  if (v && !*g_strstrip (v))
    g_clear_pointer (&v, g_free);
  return v;
}

/* A path KEY of GROUP resolved against the config's directory. */
static gboolean
config_path (const ConfigReader *r, const char *group, const char *key, gboolean required,
             char **out, GError **error)
{
  g_autofree char *v = config_string (r, group, key);
  if (!v)
    return !required || config_fail (r, group, key, error, "missing");
  *out = g_path_is_absolute (v) ? g_steal_pointer (&v) : g_build_filename (r->base, v, NULL);
  return TRUE;
}

static gboolean
config_uint (const ConfigReader *r, const char *group, const char *key, guint max,
             guint *out, GError **error)
{
  g_autofree char *v = config_string (r, group, key);
  guint64 n;
  if (!v)
    return TRUE;
  if (!g_ascii_string_to_unsigned (v, 10, 0, max, &n, NULL))
    {
      g_autofree char *why = g_strdup_printf ("'%s' is not a whole number 0..%u", v, max);
      return config_fail (r, group, key, error, why);
    }
  *out = (guint) n;
  return TRUE;
}

static gboolean
config_bool (const ConfigReader *r, const char *group, const char *key, gboolean *out,
             GError **error)
{
  g_autofree char *v = config_string (r, group, key);
  if (!v)
    return TRUE;
  if (g_str_equal (v, "true") || g_str_equal (v, "false"))
    return *out = g_str_equal (v, "true"), TRUE;
  return config_fail (r, group, key, error, "must be true or false");
}

static gboolean
config_formats (const ConfigReader *r, unsigned *formats, GError **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (r->kf, NIGHTLY_GROUP, "invoice_formats",
                                                   NULL, NULL);
  static const char *const names[] = { "json", "csv", "html", "pdf" };
  static const unsigned bits[] = { INVOICEOUT_JSON, INVOICEOUT_CSV, INVOICEOUT_HTML, INVOICEOUT_PDF };
  if (!list)
    return TRUE;
  *formats = 0;
  for (guint i = 0; list[i]; i++)
    {
      guint k = 0;
      while (k < G_N_ELEMENTS (names) && !g_str_equal (g_strstrip (list[i]), names[k]))
        k++;
      if (k == G_N_ELEMENTS (names))
        return config_fail (r, NIGHTLY_GROUP, "invoice_formats", error,
                            "takes json;csv;html;pdf");
      *formats |= bits[k];
    }
  return TRUE;
}

static gboolean
config_reports (const ConfigReader *r, NightlyConfig *c, GError **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (r->kf, NIGHTLY_GROUP, "reports", NULL, NULL);
  g_autofree char *format = config_string (r, NIGHTLY_GROUP, "report_format");
  if (list)
    {
      for (guint i = 0; list[i]; i++)
        if (!g_strv_contains (report_names, g_strstrip (list[i])))
          return config_fail (r, NIGHTLY_GROUP, "reports", error,
                              "takes usage-user;usage-destination;usage-day;kpi;exceptions;chart");
      g_strfreev (c->reports);
      c->reports = g_steal_pointer (&list);
    }
  if (format && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return config_fail (r, NIGHTLY_GROUP, "report_format", error, "must be csv or json");
  c->reports_json = format && g_str_equal (format, "json");
  return TRUE;
}

static gboolean
config_source (const ConfigReader *r, const char *group, NightlyConfig *c, GError **error)
{
  NightlySource *s = g_new0 (NightlySource, 1);
  g_ptr_array_add (c->sources, s);
  s->name = g_strdup (group + strlen (SOURCE_PREFIX));
  if (!*s->name || strchr (s->name, '/') || s->name[0] == '.')
    return config_fail (r, group, "", error, "a source needs a plain name: [source NAME]");
  s->format = config_string (r, group, "format");
  s->operator_slug = config_string (r, group, "operator");
  s->country = config_string (r, group, "country");
  s->tz = config_string (r, group, "tz");
  s->pattern = config_string (r, group, "pattern");
  if (!s->pattern)
    s->pattern = g_strdup ("*");
  g_autofree char *by = config_string (r, group, "direction_by");
  s->direction_by = CDR_DIRECTION_BY_CONTEXT;
  if (by && g_str_equal (by, "shape"))
    s->direction_by = CDR_DIRECTION_BY_SHAPE;
  else if (by && !g_str_equal (by, "dcontext"))
    return config_fail (r, group, "direction_by", error, "must be dcontext or shape");
  return config_path (r, group, "dir", TRUE, &s->dir, error);
}

static gboolean
config_read (const ConfigReader *r, NightlyConfig *c, GError **error)
{
  const char *g = NIGHTLY_GROUP;
  if (!g_key_file_has_group (r->kf, g))
    return config_fail (r, g, "", error, "the [nightly] group is missing");
  if (!config_path (r, g, "database", TRUE, &c->database, error)
      || !config_path (r, g, "catalog", FALSE, &c->catalog, error)
      || !config_path (r, g, "output", TRUE, &c->output, error)
      || !config_path (r, g, "archive", TRUE, &c->archive, error)
      || !config_path (r, g, "quarantine", TRUE, &c->quarantine, error)
      || !config_path (r, g, "lock", FALSE, &c->lock, error)
      || !config_uint (r, g, "issue_day", 28, &c->issue_day, error)
      || !config_bool (r, g, "drafts", &c->drafts, error)
      || !config_uint (r, g, "threads", 256, &c->threads, error)
      || !config_formats (r, &c->invoice_formats, error)
      || !config_reports (r, c, error))
    return FALSE;
  if (!c->lock)
    c->lock = g_strconcat (c->database, ".lock", NULL);
  g_auto(GStrv) groups = g_key_file_get_groups (r->kf, NULL);
  for (guint i = 0; groups[i]; i++)
    if (g_str_has_prefix (groups[i], SOURCE_PREFIX))
      {
        if (!config_source (r, groups[i], c, error))
          return FALSE;
      }
    else if (!g_str_equal (groups[i], g))
      return config_fail (r, groups[i], "", error, "unknown group (nightly or 'source NAME')");
  return TRUE;
}

NightlyConfig *
nightly_config_load (const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_USAGE, "%s: %s", path, local->message);
      return NULL;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  ConfigReader r = { kf, path, g_canonicalize_filename (dir, NULL) };
  g_autoptr(NightlyConfig) c = g_new0 (NightlyConfig, 1);
  c->issue_day = 0;
  c->drafts = TRUE;
  c->invoice_formats = INVOICEOUT_JSON | INVOICEOUT_CSV | INVOICEOUT_HTML | INVOICEOUT_PDF;
  c->reports = g_strdupv ((char **) report_names);
  c->sources = g_ptr_array_new_with_free_func (source_free);
  gboolean ok = config_read (&r, c, error);
  g_free (r.base);
  return ok ? g_steal_pointer (&c) : NULL;
}

/* Lock {{{1 */

static int
take_lock (const char *path, gboolean wait, GError **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "cannot open lock file '%s': %s",
                   path, g_strerror (e));
      return -1;
    }
  while (flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      int e = errno;
      if (e == EINTR)
        continue;
      close (fd);
      if (e == EWOULDBLOCK)
        g_set_error (error, RATER_ERROR, RATER_ERROR_TEMPFAIL,
                     "another rater nightly holds the lock '%s' (try later, or --wait)", path);
      else
        g_set_error (error, RATER_ERROR, RATER_ERROR_SOFTWARE, "cannot lock '%s': %s", path,
                     g_strerror (e));
      return -1;
    }
  return fd;
}

/* Files {{{1 */

/* Remove the temporaries (NAME.tmp-XXXXXX, outfile.h) a killed run left
 * under DIR. */
static void
remove_stale_temporaries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      const char *tmp = strstr (name, ".tmp-");
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_stale_temporaries (path);
      else if (tmp && strlen (tmp) == strlen (".tmp-XXXXXX"))
        {
          g_message ("removing '%s', left by an interrupted run", path);
          g_unlink (path);
        }
    }
}

static gboolean
same_bytes (const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize xn, yn;
  return g_file_get_contents (a, &x, &xn, NULL) && g_file_get_contents (b, &y, &yn, NULL)
         && xn == yn && memcmp (x, y, xn) == 0;
}

/* Where PATH goes in DIR: DIR/NAME, or NAME.1, NAME.2... when DIR holds
 * other bytes under that name.  *ALREADY is set when DIR holds the same
 * bytes under the name returned (an interrupted earlier run moved it). */
static char *
destination_in (const char *path, const char *dir, gboolean *already, GError **error)
{
  if (!outfile_mkdir (dir, error))
    return NULL;
  g_autofree char *name = g_path_get_basename (path);
  char *dest = g_build_filename (dir, name, NULL);
  *already = FALSE;
  for (guint n = 1; g_file_test (dest, G_FILE_TEST_EXISTS); n++)
    {
      if (same_bytes (path, dest))
        {
          *already = TRUE;
          return dest;
        }
      g_free (dest);
      dest = g_strdup_printf ("%s/%s.%u", dir, name, n);
    }
  return dest;
}

static gboolean
move_to (const char *path, const char *dest, gboolean already, GError **error)
{
  if (already ? g_unlink (path) == 0 : g_rename (path, dest) == 0)
    return TRUE;
  int e = errno;
  g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT,
               "cannot move '%s' to '%s': %s (archive and quarantine must be on the"
               " file system of the incoming directories)", path, dest, g_strerror (e));
  return FALSE;
}

static gboolean
write_reason (const char *quarantined, const char *reason, GError **error)
{
  g_autofree char *path = g_strconcat (quarantined, ".reason", NULL);
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  fprintf (outfile_stream (out), "%s\n", reason);
  return outfile_commit (out, error);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Names of the files of SOURCE waiting in its directory, in byte order. */
static GPtrArray *
incoming_files (const NightlySource *source, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) d = g_dir_open (source->dir, 0, &local);
  if (!d)
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "source '%s': %s", source->name,
                   local->message);
      return NULL;
    }
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (source->dir, name, NULL);
      if (name[0] == '.' || g_str_has_suffix (name, ".part") || g_str_has_suffix (name, ".tmp")
          || !g_pattern_match_simple (source->pattern, name)
          || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      g_ptr_array_add (files, g_steal_pointer (&path));
    }
  g_ptr_array_sort (files, compare_paths);
  return g_steal_pointer (&files);
}

/* The run {{{1 */

typedef struct {
  const NightlyConfig *config;
  const NightlyOptions *opts;
  NightlySummary *sum;
  sqlite3 *db;
} Night;

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

static gboolean
ingest_one (Night *n, Ingest *ing, const NightlySource *src, const char *path, GError **error)
{
  IngestOptions io = { src->operator_slug, src->format, src->country, src->tz,
                       src->direction_by, 20, n->opts->progress, n->opts->progress_data };
  g_autoptr(GError) local = NULL;
  g_autofree char *moved = NULL;
  guint skipped = n->sum->ingest.skipped_files;
  n->sum->files++;
  if (ingest_file (ing, path, &io, &n->sum->ingest, &local))
    {
      n->sum->skipped += n->sum->ingest.skipped_files - skipped;
      g_autofree char *dir = g_build_filename (n->config->archive, src->name, NULL);
      gboolean already;
      if (!(moved = destination_in (path, dir, &already, error))
          || !move_to (path, moved, already, error))
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
  gboolean already;
  if (!(moved = destination_in (path, dir, &already, error))
      || !write_reason (moved, local->message, error) || !move_to (path, moved, already, error))
    return FALSE;
  n->sum->quarantined++;
  g_warning ("%s: refused, quarantined as '%s': %s", path, moved, local->message);
  return TRUE;
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
      g_autoptr(GPtrArray) files = incoming_files (src, error);
      if (!files)
        return FALSE;
      for (guint f = 0; f < files->len; f++)
        if (!ingest_one (n, ing, src, files->pdata[f], error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
step_rate (Night *n, GError **error)
{
  RateOptions ro = { NULL, n->config->threads, 0 };
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

/* Whether every operator has issued PERIOD (so it needs no drafts). */
static gboolean
period_issued (Night *n, const char *period, gboolean *issued, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_prepare (n->db,
    "SELECT count (*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM closed_periods p"
    " WHERE p.account = a.account AND p.period = ?1)", error);
  if (!st)
    return FALSE;
  sqlite3_bind_text (st, 1, period, -1, SQLITE_STATIC);
  if (sqlite3_step (st) != SQLITE_ROW)
    return store_set_error (error, n->db, "reading closed periods");
  *issued = sqlite3_column_int64 (st, 0) == 0;
  return TRUE;
}

static gboolean
draft_period (Night *n, const char *period, GError **error)
{
  g_autofree char *dir = output_dir (n, "drafts", period);
  guint drafted = 0, issued = 0;
  g_autoptr(GError) local = NULL;
  if (invoiceout_write_drafts (n->db, period, NULL, NULL, dir, n->config->invoice_formats,
                               &drafted, &issued, &local))
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
  if (!period_issued (n, n->sum->previous, &issued, error))
    return FALSE;
  if (!issued && !draft_period (n, n->sum->previous, error))
    return FALSE;
  return draft_period (n, n->sum->period, error);
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
  g_autoptr(GPtrArray) ops = issue_operators (n->db, error);
  g_autofree char *dir = output_dir (n, "invoices", n->sum->previous);
  if (!ops)
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    {
      IssueStats s;
      guint written = 0;
      if (!issue_period (n->db, ops->pdata[i], n->sum->previous, n->sum->today, &s, error)
          || !issue_write_documents (n->db, ops->pdata[i], n->sum->previous, dir,
                                     n->config->invoice_formats, &written, error))
        return FALSE;
      n->sum->issued += s.issued;
      g_message ("issued %u invoices of %s for %s (%u before); %u in '%s'", s.issued,
                 (const char *) ops->pdata[i], n->sum->previous, s.already, written, dir);
    }
  n->sum->issue_run = TRUE;
  return TRUE;
}

static gboolean
write_table (Night *n, ReportTable *table, const char *dir, const char *name, GError **error)
{
  g_autofree char *file = g_strconcat (name, n->config->reports_json ? ".json" : ".csv", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  if (!table || !report_write (table, path, n->config->reports_json
                                              ? REPORT_FORMAT_JSON : REPORT_FORMAT_CSV, error))
    return FALSE;
  n->sum->reports++;
  return TRUE;
}

static gboolean
write_charts (Night *n, const ReportQuery *q, const char *dir, GError **error)
{
  g_autofree char *charts = g_build_filename (dir, "charts", NULL);
  guint written = 0;
  if (!reportchart_write_all (n->db, q, charts, &written, error))
    return FALSE;
  n->sum->reports += written;
  return TRUE;
}

static gboolean
report_one (Night *n, const char *report, const char *period, const char *dir, GError **error)
{
  ReportQuery q = { .period = period };
  if (g_str_has_prefix (report, "usage-"))
    {
      const char *by = report + strlen ("usage-");
      q.by = g_str_equal (by, "user") ? REPORT_BY_USER
             : g_str_equal (by, "destination") ? REPORT_BY_DESTINATION : REPORT_BY_DAY;
      g_autoptr(ReportTable) t = report_usage (n->db, &q, error);
      return write_table (n, t, dir, report, error);
    }
  if (g_str_equal (report, "kpi"))
    {
      g_autoptr(ReportTable) t = report_kpi (n->db, &q, error);
      return write_table (n, t, dir, report, error);
    }
  if (g_str_equal (report, "exceptions"))
    {
      g_autoptr(ReportTable) t = report_exceptions (n->db, &q, error);
      return write_table (n, t, dir, report, error);
    }
  return write_charts (n, &q, dir, error);
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

static gboolean
run_steps (Night *n, GError **error)
{
  int from, to;
  if (!outfile_mkdir (n->config->output, error))
    return FALSE;
  remove_stale_temporaries (n->config->output);
  if (!(n->db = store_init (n->config->database, &from, &to, error)))
    return FALSE;
  if (from != to)
    g_message ("database '%s' migrated from schema %d to %d", n->config->database, from, to);
  return step_catalog (n, error) && step_ingest (n, error) && step_rate (n, error)
         && step_issue (n, error) && step_drafts (n, error) && step_reports (n, error);
}

gboolean
nightly_run (const NightlyConfig *config, const NightlyOptions *opts, NightlySummary *summary,
             GError **error)
{
  g_return_val_if_fail (config && opts && summary, FALSE);
  *summary = (NightlySummary) { 0 };
  set_periods (summary);
  int lock = take_lock (config->lock, opts->wait, error);
  if (lock < 0)
    return FALSE;
  Night n = { config, opts, summary, NULL };
  g_message ("nightly run for %s: periods %s and %s", summary->today, summary->previous,
             summary->period);
  gboolean ok = run_steps (&n, error);
  if (n.db)
    sqlite3_close_v2 (n.db);
  close (lock);
  return ok;
}
