/* test-infile.c — unit tests of base/infile: inputs are regular files,
 * opened without blocking on a FIFO, and a lock serialises two ingests of
 * one file. */
#include "config.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/infile.h"
#include "base/rater-error.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (infile, .init = setup, .fini = teardown, .timeout = 10);

Test (infile, a_regular_file_opens_for_blocking_reads)
{
  g_autofree char *path = test_write (dir, "a.csv", "x,y\n");
  g_autoptr(GError) error = NULL;
  int fd = infile_open (path, &error);
  cr_assert_geq (fd, 0, "%s", error ? error->message : "");
  char buf[8];
  cr_assert_eq (read (fd, buf, sizeof buf), 4);
  cr_assert_eq (fcntl (fd, F_GETFL) & O_NONBLOCK, 0);
  close (fd);
}

/* PATH is refused at once with "PATH: not a regular file" (65). */
static void
expect_not_regular (const char *path)
{
  g_autoptr(GError) error = NULL;
  cr_assert_eq (infile_open (path, &error), -1);
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_DATA));
  g_autofree char *want = g_strdup_printf ("%s: not a regular file", path);
  cr_assert_str_eq (error->message, want);
}

Test (infile, a_fifo_is_refused_without_blocking)
{
  /* no writer ever opens it: a blocking open or read would hang (timeout) */
  g_autofree char *path = g_build_filename (dir, "calls.fifo", NULL);
  cr_assert_eq (mkfifo (path, 0600), 0);
  expect_not_regular (path);
  g_autoptr(GError) error = NULL;
  cr_assert_eq (infile_lock (path, &error), -1);
}

Test (infile, a_directory_and_a_device_are_refused)
{
  expect_not_regular (dir);
  expect_not_regular ("/dev/null");
}

Test (infile, a_missing_file_names_the_path)
{
  g_autofree char *path = g_build_filename (dir, "none.csv", NULL);
  g_autoptr(GError) error = NULL;
  cr_assert_eq (infile_open (path, &error), -1);
  g_autofree char *want = g_strdup_printf ("cannot open '%s': %s", path, g_strerror (ENOENT));
  cr_assert_str_eq (error->message, want);
}

Test (infile, the_lock_waits_for_another_holder)
{
  g_autofree char *path = test_write (dir, "a.csv", "x\n");
  int held = infile_lock (path, NULL);
  cr_assert_geq (held, 0);
  pid_t pid = fork ();
  cr_assert_neq (pid, -1);
  if (pid == 0)
    {
      int fd = open (path, O_RDONLY);
      _exit (flock (fd, LOCK_EX | LOCK_NB) == 0 ? 1 : 0);   /* must be held */
    }
  int status = 0;
  cr_assert_eq (waitpid (pid, &status, 0), pid);
  cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0, "the lock was not held");
  close (held);
  int again = infile_lock (path, NULL);
  cr_assert_geq (again, 0);
  close (again);
}
