/* test-nightly.c — unit tests of the nightly run's config (nightly-config.c)
 * and files (nightly-files.c): a valid config read whole, the defaults, each
 * missing or invalid key named in the error, paths resolved against the
 * config's directory; the lock held once; incoming files filtered and in
 * byte order; archive and quarantine naming (NAME, NAME.1, the same bytes
 * recognised) and the stale temporaries of a killed run; the days a graph
 * source fetches (nightly-graph.c: catch-up after failed nights, the
 * catch_up_days cap, start_date) against a naive day-by-day model, its
 * record in the database and the command that fetches missed days.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/rater-error.h"
#include "base/store.h"
#include "bill/invoiceout.h"
#include "nightly/nightly-config.h"
#include "nightly/nightly-files.h"
#include "nightly/nightly-graph.h"
#include "test-helpers.h"

static char *dir;               /* the scratch directory of a test */
static char *conf_path;         /* DIR/nightly.conf */

static void
setup (void)
{
  dir = test_scratch_new ();
  conf_path = g_build_filename (dir, "nightly.conf", NULL);
}

static void
teardown (void)
{
  g_free (conf_path);
  test_scratch_free (dir);
}

TestSuite (nightly, .init = setup, .fini = teardown, .timeout = 30);

/* Config {{{1 */

static const char minimal_conf[] =
  "[nightly]\n"
  "database = db/rater.db\n"
  "output = output\n"
  "archive = archive\n"
  "quarantine = quarantine\n";

/* Load CONTENT as DIR/nightly.conf; NULL with *ERROR set on failure. */
static NightlyConfig *
load (const char *content, GError **error)
{
  cr_assert (g_file_set_contents (conf_path, content, -1, NULL));
  return nightly_config_load (conf_path, error);
}

/* The error message of loading CONTENT, which must fail with 64. */
static char *
load_error (const char *content)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (content, &error);
  cr_assert_null (c);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "%s", error->message);
  return g_strdup (error->message);
}

static void
assert_error_names (const char *content, const char *group_key)
{
  g_autofree char *message = load_error (content);
  cr_assert (strstr (message, "nightly.conf: ") && strstr (message, group_key),
             "'%s' does not name '%s'", message, group_key);
}

Test (nightly, config_defaults)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (minimal_conf, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  g_autofree char *db = g_build_filename (dir, "db", "rater.db", NULL);
  g_autofree char *lock = g_strconcat (db, ".lock", NULL);
  cr_assert_str_eq (c->database, db);
  cr_assert_str_eq (c->lock, lock);
  cr_assert_null (c->catalog);
  cr_assert_eq (c->issue_day, 0);
  cr_assert (c->drafts);
  cr_assert_eq (c->threads, 0);
  cr_assert_eq (c->invoice_formats,
                INVOICEOUT_JSON | INVOICEOUT_CSV | INVOICEOUT_HTML | INVOICEOUT_PDF);
  g_autofree char *reports = g_strjoinv (";", c->reports);
  cr_assert_str_eq (reports, "usage-user;usage-destination;usage-day;kpi;exceptions;chart");
  cr_assert_not (c->reports_json);
  cr_assert_eq (c->sources->len, 0);
}

Test (nightly, config_valid)
{
  g_autofree char *conf = g_strconcat (minimal_conf,
    "catalog = /srv/rates\n"
    "lock = run/nightly.lock\n"
    "issue_day = 3\n"
    "drafts = false\n"
    "threads = 4\n"
    "invoice_formats = json; pdf\n"
    "reports = kpi;chart\n"
    "report_format = json\n"
    "[source asterisk]\n"
    "dir = incoming/asterisk\n"
    "format = asterisk\n"
    "operator = tailspin\n"
    "country = US\n"
    "tz = America/New_York\n"
    "direction_by = shape\n"
    "pattern = Master*.csv\n"
    "[source plain]\n"
    "dir = /data/plain\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (conf, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  g_autofree char *lock = g_build_filename (dir, "run", "nightly.lock", NULL);
  cr_assert_str_eq (c->catalog, "/srv/rates");
  cr_assert_str_eq (c->lock, lock);
  cr_assert_eq (c->issue_day, 3);
  cr_assert_not (c->drafts);
  cr_assert_eq (c->threads, 4);
  cr_assert_eq (c->invoice_formats, INVOICEOUT_JSON | INVOICEOUT_PDF);
  g_autofree char *reports = g_strjoinv (";", c->reports);
  cr_assert_str_eq (reports, "kpi;chart");
  cr_assert (c->reports_json);
  cr_assert_eq (c->sources->len, 2);
  const NightlySource *s = c->sources->pdata[0];
  g_autofree char *incoming = g_build_filename (dir, "incoming", "asterisk", NULL);
  cr_assert_str_eq (s->name, "asterisk");
  cr_assert_str_eq (s->dir, incoming);
  cr_assert_str_eq (s->format, "asterisk");
  cr_assert_str_eq (s->operator_slug, "tailspin");
  cr_assert_str_eq (s->country, "US");
  cr_assert_str_eq (s->tz, "America/New_York");
  cr_assert_eq (s->direction_by, CDR_DIRECTION_BY_SHAPE);
  cr_assert_str_eq (s->pattern, "Master*.csv");
  const NightlySource *p = c->sources->pdata[1];
  cr_assert_str_eq (p->dir, "/data/plain");
  cr_assert_null (p->format);
  cr_assert_null (p->operator_slug);
  cr_assert_eq (p->direction_by, CDR_DIRECTION_BY_CONTEXT);
  cr_assert_str_eq (p->pattern, "*");
}

Test (nightly, config_missing_keys)
{
  static const char *const required[] = { "database", "output", "archive", "quarantine" };
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s = ", required[i]);
      /* drop the line of the key */
      g_auto(GStrv) lines = g_strsplit (minimal_conf, "\n", -1);
      g_autoptr(GString) conf = g_string_new (NULL);
      for (guint l = 0; lines[l]; l++)
        if (!g_str_has_prefix (lines[l], prefix) && *lines[l])
          g_string_append_printf (conf, "%s\n", lines[l]);
      g_autofree char *named = g_strdup_printf ("[nightly] %s: missing", required[i]);
      assert_error_names (conf->str, named);
    }
  assert_error_names ("[other]\nx = 1\n", "[nightly] : the [nightly] group is missing");
  g_autofree char *no_dir = g_strconcat (minimal_conf, "[source a]\nformat = rater\n", NULL);
  assert_error_names (no_dir, "[source a] dir: missing");
}

Test (nightly, config_invalid_values)
{
  static const struct {
    const char *line;
    const char *named;
  } cases[] = {
    { "issue_day = 29", "[nightly] issue_day: '29' is not a whole number 0..28" },
    { "issue_day = third", "[nightly] issue_day: 'third' is not a whole number 0..28" },
    { "threads = -1", "[nightly] threads: '-1' is not a whole number 0..256" },
    { "drafts = yes", "[nightly] drafts: must be true or false" },
    { "invoice_formats = json;xml", "[nightly] invoice_formats: takes json;csv;html;pdf" },
    { "reports = kpi;usage", "[nightly] reports: takes usage-user;usage-destination;usage-day;"
                             "kpi;exceptions;chart" },
    { "report_format = xml", "[nightly] report_format: must be csv or json" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *conf = g_strconcat (minimal_conf, cases[i].line, "\n", NULL);
      assert_error_names (conf, cases[i].named);
    }
  g_autofree char *by = g_strconcat (minimal_conf, "[source a]\ndir = a\ndirection_by = x\n", NULL);
  assert_error_names (by, "[source a] direction_by: must be dcontext or shape");
  g_autofree char *hidden = g_strconcat (minimal_conf, "[source .a]\ndir = a\n", NULL);
  assert_error_names (hidden, "[source .a] : a source needs a plain name: [source NAME]");
  g_autofree char *group = g_strconcat (minimal_conf, "[sources]\ndir = a\n", NULL);
  assert_error_names (group, "[sources] : unknown group (nightly or 'source NAME')");
}

/* area_code (billing.md §3 rule 7) is checked when the config is read. */
Test (nightly, config_area_code)
{
  g_autofree char *ok = g_strconcat (minimal_conf,
    "[source pbx]\ndir = a\ncountry = RU\narea_code = 4212\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (ok, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  cr_assert_str_eq (((const NightlySource *) c->sources->pdata[0])->area_code, "4212");

  g_autofree char *alone = g_strconcat (minimal_conf, "[source a]\ndir = a\narea_code = 4212\n",
                                        NULL);
  assert_error_names (alone, "[source a] area_code: needs country");
  g_autofree char *bad = g_strconcat (minimal_conf,
    "[source a]\ndir = a\ncountry = RU\narea_code = 42x\n", NULL);
  assert_error_names (bad, "[source a] area_code: area code '42x' is not 1 to 6 digits");
  g_autofree char *nowhere = g_strconcat (minimal_conf,
    "[source a]\ndir = a\ncountry = XX\narea_code = 20\n", NULL);
  assert_error_names (nowhere, "[source a] country: is not an ISO 3166 alpha-2 code");
}

Test (nightly, config_unreadable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "none.conf", NULL);
  cr_assert_null (nightly_config_load (path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert (g_str_has_prefix (error->message, path), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (load ("not a key file\n", &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
}

/* Files {{{1 */

Test (nightly, lock_held_once)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "rater.db.lock", NULL);
  int fd = nightly_files_lock (path, FALSE, &error);
  cr_assert_geq (fd, 0, "%s", error ? error->message : "");
  cr_assert_eq (nightly_files_lock (path, FALSE, &error), -1);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_TEMPFAIL));
  cr_assert (strstr (error->message, path), "%s", error->message);
  g_clear_error (&error);
  close (fd);
  fd = nightly_files_lock (path, FALSE, &error);
  cr_assert_geq (fd, 0, "%s", error ? error->message : "");
  close (fd);
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "lock", NULL);
  cr_assert_eq (nightly_files_lock (nowhere, TRUE, &error), -1);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
}

Test (nightly, incoming_filtered_in_byte_order)
{
  g_autofree char *in = g_build_filename (dir, "in", NULL);
  g_mkdir (in, 0755);
  static const char *const names[] = { "b.csv", "B.csv", "a.csv", ".hidden.csv", "c.csv.part",
                                       "d.csv.tmp", "notes.txt" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (test_write (in, names[i], "x\n"));
  g_autofree char *sub = g_build_filename (in, "sub.csv", NULL);
  g_mkdir (sub, 0755);
  char name[] = "s", pattern[] = "*.csv";
  NightlySource src = { .name = name, .dir = in, .pattern = pattern };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = nightly_files_incoming (&src, &error);
  cr_assert_not_null (files, "%s", error ? error->message : "");
  cr_assert_eq (files->len, 3);
  static const char *const expected[] = { "B.csv", "a.csv", "b.csv" };
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (in, expected[i], NULL);
      cr_assert_str_eq (files->pdata[i], path);
    }
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  src.dir = missing;
  cr_assert_null (nightly_files_incoming (&src, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  cr_assert (g_str_has_prefix (error->message, "source 's': "), "%s", error->message);
}

static char *
read_file (const char *path)
{
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "cannot read %s", path);
  return text;
}

Test (nightly, archive_naming)
{
  g_autofree char *archive = g_build_filename (dir, "archive", "src", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = test_write (dir, "calls.csv", "one\n");
  g_autofree char *moved1 = NULL, *moved2 = NULL, *moved3 = NULL;
  cr_assert (nightly_files_archive (first, archive, &moved1, &error), "%s",
             error ? error->message : "");
  g_autofree char *expect1 = g_build_filename (archive, "calls.csv", NULL);
  cr_assert_str_eq (moved1, expect1);
  cr_assert_not (g_file_test (first, G_FILE_TEST_EXISTS));
  /* other bytes under the same name: NAME.1 */
  g_free (test_write (dir, "calls.csv", "two\n"));
  cr_assert (nightly_files_archive (first, archive, &moved2, &error));
  g_autofree char *expect2 = g_strconcat (expect1, ".1", NULL);
  cr_assert_str_eq (moved2, expect2);
  g_autofree char *two = read_file (moved2);
  cr_assert_str_eq (two, "two\n");
  /* the same bytes again (a killed run moved it already): only removed */
  g_free (test_write (dir, "calls.csv", "two\n"));
  cr_assert (nightly_files_archive (first, archive, &moved3, &error));
  cr_assert_str_eq (moved3, expect2);
  cr_assert_not (g_file_test (first, G_FILE_TEST_EXISTS));
  g_autofree char *expect3 = g_strconcat (expect1, ".2", NULL);
  cr_assert_not (g_file_test (expect3, G_FILE_TEST_EXISTS));
}

Test (nightly, quarantine_writes_reason)
{
  g_autofree char *quarantine = g_build_filename (dir, "quarantine", "src", NULL);
  g_autofree char *path = test_write (dir, "bad.csv", "not,a,cdr\n");
  g_autofree char *moved = NULL;
  g_autoptr(GError) error = NULL;
  cr_assert (nightly_files_quarantine (path, quarantine, "unknown header", &moved, &error),
             "%s", error ? error->message : "");
  g_autofree char *expect = g_build_filename (quarantine, "bad.csv", NULL);
  cr_assert_str_eq (moved, expect);
  g_autofree char *reason_path = g_strconcat (expect, ".reason", NULL);
  g_autofree char *reason = read_file (reason_path);
  cr_assert_str_eq (reason, "unknown header\n");
  g_autofree char *bytes = read_file (expect);
  cr_assert_str_eq (bytes, "not,a,cdr\n");
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS));
}

Test (nightly, stale_temporaries_removed)
{
  /* only rater's own temporaries (outfile.h: NAME.rater-tmp-XXXXXX, regular
   * files) go; a file of the same shape rater did not write stays */
  g_autofree char *sub = g_build_filename (dir, "drafts", "2026-11", NULL);
  cr_assert_eq (g_mkdir_with_parents (sub, 0755), 0);
  g_autofree char *stale = test_write (sub, "a.json.rater-tmp-Ab12Cd", "partial");
  g_autofree char *kept = test_write (sub, "a.json", "{}");
  g_autofree char *foreign = test_write (sub, "upload.csv.tmp-Ab12Cd", "another tool's");
  g_autofree char *other = test_write (dir, "notes.tmp-1", "short suffix: kept");
  g_autofree char *longer = test_write (dir, "x.rater-tmp-Ab12Cd7", "not six: kept");
  g_autofree char *target = test_write (dir, "target.csv", "a link's target");
  g_autofree char *link = g_build_filename (dir, "t.rater-tmp-Ab12Cd", NULL);
  cr_assert_eq (symlink ("target.csv", link), 0);
  nightly_files_remove_temporaries (dir);
  cr_assert_not (g_file_test (stale, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (kept, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (foreign, G_FILE_TEST_EXISTS), "a file rater did not write was removed");
  cr_assert (g_file_test (other, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (longer, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (target, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (link, G_FILE_TEST_IS_SYMLINK), "a symbolic link was removed");
}

/* Files still being written {{{1
 *
 * A file is taken only once it has settled: its size and mtime unchanged
 * for settle_seconds (default NIGHTLY_SETTLE_DEFAULT); one written to a
 * moment ago is waited for, and one that changes meanwhile is left for the
 * next run. */

Test (nightly, config_settle_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (minimal_conf, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  cr_assert_eq (c->settle_seconds, NIGHTLY_SETTLE_DEFAULT);
  cr_assert_geq (NIGHTLY_SETTLE_DEFAULT, 2);
  g_autofree char *zero = g_strconcat (minimal_conf, "settle_seconds = 0\n", NULL);
  g_autoptr(NightlyConfig) z = load (zero, &error);
  cr_assert_not_null (z, "%s", error ? error->message : "");
  cr_assert_eq (z->settle_seconds, 0);
  g_autofree char *bad = g_strconcat (minimal_conf, "settle_seconds = soon\n", NULL);
  assert_error_names (bad, "[nightly] settle_seconds: 'soon' is not a whole number 0..3600");
}

/* Append to PATH every 200 ms, 10 times, from a thread. */
static void *
keep_writing (void *p)
{
  for (int i = 0; i < 10; i++)
    {
      g_usleep (200000);
      FILE *f = fopen (p, "a");
      fprintf (f, "k%d,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n", i);
      fclose (f);
    }
  return NULL;
}

Test (nightly, settle_takes_old_files_at_once_waits_for_new_ones_and_leaves_growing_ones)
{
  g_autofree char *old = test_write (dir, "old.csv", "a\n");
  g_autofree char *fresh = test_write (dir, "fresh.csv", "b\n");
  g_autofree char *growing = test_write (dir, "growing.csv", "c\n");
  struct timeval past[2] = { { time (NULL) - 60, 0 }, { time (NULL) - 60, 0 } };
  cr_assert_eq (utimes (old, past), 0);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (files, g_strdup (fresh));
  g_ptr_array_add (files, g_strdup (growing));
  g_ptr_array_add (files, g_strdup (old));

  pthread_t writer;
  cr_assert_eq (pthread_create (&writer, NULL, keep_writing, growing), 0);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GPtrArray) unsettled = g_ptr_array_new_with_free_func (g_free);
  nightly_files_settle (files, 1, unsettled);
  gint64 waited = g_get_monotonic_time () - t0;
  pthread_join (writer, NULL);

  cr_assert_eq (files->len, 2);
  cr_assert_str_eq (files->pdata[0], fresh);
  cr_assert_str_eq (files->pdata[1], old);
  cr_assert_eq (unsettled->len, 1);
  cr_assert_str_eq (unsettled->pdata[0], growing);
  cr_assert_geq (waited, 900000, "did not wait for the fresh files (%" G_GINT64_FORMAT " us)", waited);

  /* nothing fresh: no wait; settle 0: everything at once */
  g_autoptr(GPtrArray) olds = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (olds, g_strdup (old));
  t0 = g_get_monotonic_time ();
  nightly_files_settle (olds, 5, unsettled);
  cr_assert_lt (g_get_monotonic_time () - t0, 500000);
  cr_assert_eq (olds->len, 1);
  g_ptr_array_add (olds, g_strdup (growing));
  nightly_files_settle (olds, 0, unsettled);
  cr_assert_eq (olds->len, 2);
}

Test (nightly, a_stamp_tells_a_file_that_changed)
{
  g_autofree char *path = test_write (dir, "a.csv", "one\n");
  NightlyFileStamp a, b, c;
  cr_assert (nightly_files_stamp (path, &a));
  cr_assert (nightly_files_stamp (path, &b));
  cr_assert (nightly_files_stamp_equal (&a, &b));
  FILE *f = fopen (path, "a");
  fputs ("two\n", f);
  fclose (f);
  cr_assert (nightly_files_stamp (path, &c));
  cr_assert_not (nightly_files_stamp_equal (&a, &c));
  g_autofree char *gone = g_build_filename (dir, "gone.csv", NULL);
  cr_assert_not (nightly_files_stamp (gone, &c));
}

/* Graph catch-up {{{1 */

/* A day from "YYYY-MM-DD". */
static gint64
day (const char *text)
{
  gint64 d = 0;
  cr_assert (graph_parse_day (text, &d), "%s", text);
  return d;
}

static void
assert_range (const NightlyGraphRange *r, const char *from, const char *to,
              const char *missed_from, const char *missed_to)
{
  if (from)
    {
      cr_assert_eq (r->from_day, day (from), "from %" G_GINT64_FORMAT " not %s", r->from_day, from);
      cr_assert_eq (r->to_day, day (to), "to %" G_GINT64_FORMAT " not %s", r->to_day, to);
    }
  else
    cr_assert_eq (nightly_graph_days (r->from_day, r->to_day), 0, "something to fetch");
  if (missed_from)
    {
      cr_assert_eq (r->missed_from, day (missed_from));
      cr_assert_eq (r->missed_to, day (missed_to));
    }
  else
    cr_assert_eq (nightly_graph_days (r->missed_from, r->missed_to), 0, "days missed");
}

Test (nightly, graph_range_examples)
{
  NightlyGraphRange r;
  gint64 today = day ("2026-11-12"), last, start;
  /* a new source: yesterday only */
  nightly_graph_range (NULL, NULL, today, 7, &r);
  assert_range (&r, "2026-11-11", "2026-11-11", NULL, NULL);
  /* every night ran: yesterday */
  last = day ("2026-11-10");
  nightly_graph_range (&last, NULL, today, 7, &r);
  assert_range (&r, "2026-11-11", "2026-11-11", NULL, NULL);
  /* one night failed: both days */
  last = day ("2026-11-09");
  nightly_graph_range (&last, NULL, today, 7, &r);
  assert_range (&r, "2026-11-10", "2026-11-11", NULL, NULL);
  /* a re-run of the same night: nothing */
  last = day ("2026-11-11");
  nightly_graph_range (&last, NULL, today, 7, &r);
  assert_range (&r, NULL, NULL, NULL, NULL);
  /* a record ahead of the clock (a replay of an older night): nothing */
  last = day ("2026-11-20");
  nightly_graph_range (&last, NULL, today, 7, &r);
  assert_range (&r, NULL, NULL, NULL, NULL);
  /* exactly the cap: all of it */
  last = day ("2026-11-04");
  nightly_graph_range (&last, NULL, today, 7, &r);
  assert_range (&r, "2026-11-05", "2026-11-11", NULL, NULL);
  /* one over: the oldest day is missed */
  last = day ("2026-11-03");
  nightly_graph_range (&last, NULL, today, 7, &r);
  assert_range (&r, "2026-11-05", "2026-11-11", "2026-11-04", "2026-11-04");
  /* over a month and a year's end, cap 1 */
  last = day ("2026-12-30");
  nightly_graph_range (&last, NULL, day ("2027-01-03"), 1, &r);
  assert_range (&r, "2027-01-02", "2027-01-02", "2026-12-31", "2027-01-01");
  /* start_date on a new source, within the cap and over it */
  start = day ("2026-11-08");
  nightly_graph_range (NULL, &start, today, 7, &r);
  assert_range (&r, "2026-11-08", "2026-11-11", NULL, NULL);
  start = day ("2026-10-01");
  nightly_graph_range (NULL, &start, today, 7, &r);
  assert_range (&r, "2026-11-05", "2026-11-11", "2026-10-01", "2026-11-04");
  /* start_date not past yet: nothing; a record older than start_date: from start_date */
  start = day ("2026-11-12");
  nightly_graph_range (NULL, &start, today, 7, &r);
  assert_range (&r, NULL, NULL, NULL, NULL);
  start = day ("2026-11-10");
  last = day ("2026-11-01");
  nightly_graph_range (&last, &start, today, 7, &r);
  assert_range (&r, "2026-11-10", "2026-11-11", NULL, NULL);
  /* a range over Graph's 90-day window (the cap allows it): one range, split later */
  last = day ("2026-01-01");
  nightly_graph_range (&last, NULL, today, 365, &r);
  assert_range (&r, "2026-01-02", "2026-11-11", NULL, NULL);
  g_autoptr(GArray) windows = graph_split_range (r.from_day, r.to_day);
  cr_assert_eq (windows->len, 4);
}

/* The naive model: walk every day of a wide span and decide it alone. */
static void
naive_range (gboolean have_last, gint64 last, gboolean have_start, gint64 start, gint64 today,
             guint cap, GArray *fetched, GArray *missed)
{
  GArray *wanted = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint64 d = today - 2000; d < today + 10; d++)
    {
      gboolean after = have_last ? d > last : have_start ? d >= start : d == today - 1;
      if (after && (!have_start || d >= start) && d <= today - 1)
        g_array_append_val (wanted, d);
    }
  for (guint i = 0; i < wanted->len; i++)
    g_array_append_val (i + cap >= wanted->len ? fetched : missed,
                        g_array_index (wanted, gint64, i));
  g_array_free (wanted, TRUE);
}

static void
assert_days (GArray *days, gint64 from, gint64 to, const char *what)
{
  cr_assert_eq ((gint64) days->len, nightly_graph_days (from, to), "%s: %u days, not %"
                G_GINT64_FORMAT, what, days->len, nightly_graph_days (from, to));
  for (guint i = 0; i < days->len; i++)
    cr_assert_eq (g_array_index (days, gint64, i), from + i, "%s", what);
}

Test (nightly, graph_range_matches_a_naive_model)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261206);
  for (guint n = 0; n < 3000; n++)
    {
      gint64 today = day ("2026-01-01") + g_rand_int_range (rand, 0, 800);
      gboolean have_last = g_rand_boolean (rand), have_start = g_rand_int_range (rand, 0, 3) == 0;
      gint64 last = today - g_rand_int_range (rand, -5, 400);
      gint64 start = today - g_rand_int_range (rand, -5, 400);
      guint cap = g_rand_boolean (rand) ? (guint) g_rand_int_range (rand, 1, 15)
                                        : (guint) g_rand_int_range (rand, 1, NIGHTLY_CATCH_UP_MAX + 1);
      g_autoptr(GArray) fetched = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GArray) missed = g_array_new (FALSE, FALSE, sizeof (gint64));
      naive_range (have_last, last, have_start, start, today, cap, fetched, missed);
      NightlyGraphRange r;
      nightly_graph_range (have_last ? &last : NULL, have_start ? &start : NULL, today, cap, &r);
      assert_days (fetched, r.from_day, r.to_day, "fetched");
      assert_days (missed, r.missed_from, r.missed_to, "missed");
      cr_assert_leq (nightly_graph_days (r.from_day, r.to_day), cap);
    }
}

static const char graph_conf[] =
  "[nightly]\n"
  "database = db/rater.db\n"
  "output = output\n"
  "archive = archive\n"
  "quarantine = quarantine\n"
  "[source teams]\n"
  "type = graph\n"
  "tenant = contoso.onmicrosoft.com\n"
  "client_id = 6731de76\n"
  "kind = dr\n"
  "operator = northwind\n"
  "dir = incoming/my teams\n";

Test (nightly, config_catch_up_keys)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (graph_conf, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  const NightlySource *s = c->sources->pdata[0];
  cr_assert_eq (s->catch_up_days, NIGHTLY_CATCH_UP_DEFAULT);
  cr_assert_not (s->has_start);
  nightly_config_free (g_steal_pointer (&c));
  g_autofree char *set = g_strconcat (graph_conf, "catch_up_days = 30\nstart_date = 2026-10-01\n",
                                      NULL);
  c = load (set, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  s = c->sources->pdata[0];
  cr_assert_eq (s->catch_up_days, 30);
  cr_assert (s->has_start);
  cr_assert_eq (s->start_day, day ("2026-10-01"));
  const char *bad[] = { "catch_up_days = 0\n", "catch_up_days = 366\n", "catch_up_days = x\n",
                        "start_date = 2026-02-30\n", "start_date = yesterday\n" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *conf = g_strconcat (graph_conf, bad[i], NULL);
      g_autofree char *key = g_strdup_printf ("[source teams] %.*s", (int) strcspn (bad[i], " "),
                                              bad[i]);
      assert_error_names (conf, key);
    }
  g_autofree char *files = g_strconcat (minimal_conf, "[source plain]\ndir = x\ncatch_up_days = 3\n",
                                        NULL);
  assert_error_names (files, "[source plain] catch_up_days");
}

Test (nightly, graph_record_per_source_tenant_and_kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (graph_conf, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  NightlySource *s = c->sources->pdata[0];
  g_autofree char *path = g_build_filename (dir, "rater.db", NULL);
  int from, to;
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert_not_null (db, "%s", error ? error->message : "");
  gboolean have = TRUE;
  gint64 last = 0;
  cr_assert (nightly_graph_last_day (db, s, &have, &last, &error));
  cr_assert_not (have);
  cr_assert (nightly_graph_record (db, s, day ("2026-11-10"), 1794355200000, &error));
  cr_assert (nightly_graph_record (db, s, day ("2026-11-11"), 1794441600000, &error));
  cr_assert (nightly_graph_last_day (db, s, &have, &last, &error));
  cr_assert (have);
  cr_assert_eq (last, day ("2026-11-11"));
  cr_assert_eq (test_count (db, "SELECT count(*) FROM graph_fetches"), 1);
  /* another kind, another tenant, another section: new sources */
  s->graph_kind = GRAPH_KIND_PSTN;
  cr_assert (nightly_graph_last_day (db, s, &have, &last, &error));
  cr_assert_not (have);
  s->graph_kind = GRAPH_KIND_DR;
  g_free (s->tenant);
  s->tenant = g_strdup ("fabrikam");
  cr_assert (nightly_graph_last_day (db, s, &have, &last, &error));
  cr_assert_not (have);
  g_free (s->tenant);
  s->tenant = g_strdup ("contoso.onmicrosoft.com");
  g_free (s->name);
  s->name = g_strdup ("teams2");
  cr_assert (nightly_graph_last_day (db, s, &have, &last, &error));
  cr_assert_not (have);
}

Test (nightly, graph_command_fetches_the_missed_days)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NightlyConfig) c = load (graph_conf, &error);
  cr_assert_not_null (c, "%s", error ? error->message : "");
  NightlySource *s = c->sources->pdata[0];
  g_autofree char *cmd = nightly_graph_command (s, day ("2026-11-01"), day ("2026-11-04"));
  g_autofree char *expected = g_strdup_printf ("rater fetch graph --tenant contoso.onmicrosoft.com"
                                               " --client-id 6731de76 --kind dr --from 2026-11-01"
                                               " --to 2026-11-04 --out '%s/incoming/my teams'",
                                               dir);
  cr_assert_str_eq (cmd, expected);
  /* the words a shell would split it into are the options, the directory whole */
  int argc = 0;
  g_auto(GStrv) argv = NULL;
  cr_assert (g_shell_parse_argv (cmd, &argc, &argv, NULL));
  cr_assert_eq (argc, 15);
  g_autofree char *out = g_build_filename (dir, "incoming", "my teams", NULL);
  cr_assert_str_eq (argv[14], out);
}
