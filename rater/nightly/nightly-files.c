/* nightly-files.c — the lock, the incoming files, archive and quarantine
 * of the nightly run (see nightly-files.h for the naming rules).
 *
 * destination_in() picks where a file goes (its name, else NAME.N, or the
 * name under which the same bytes already stand); move_to() renames it
 * there, or removes the incoming copy when it was moved already.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/rater-error.h"
#include "nightly/nightly-files.h"

int
nightly_files_lock (const char *path, gboolean wait, GError **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
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

int
nightly_files_claim (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return -2;
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        close (fd);
        return -2;
      }
  /* the worker that held it may have moved the file meanwhile */
  GStatBuf st;
  if (g_lstat (path, &st) != 0 && errno == ENOENT)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* TRUE when NAME is one of outfile's temporaries: NAME.rater-tmp-XXXXXX. */
static gboolean
is_rater_temporary (const char *name)
{
  const char *tmp = g_strrstr (name, OUTFILE_TMP_INFIX);
  return tmp && tmp > name && strlen (tmp) == strlen (OUTFILE_TMP_INFIX "XXXXXX");
}

void
nightly_files_remove_temporaries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;
      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        nightly_files_remove_temporaries (path);
      else if (S_ISREG (st.st_mode) && is_rater_temporary (name))
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

GPtrArray *
nightly_files_incoming (const NightlySource *source, GError **error)
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

gboolean
nightly_files_stamp (const char *path, NightlyFileStamp *stamp)
{
  struct stat st;
  if (stat (path, &st) != 0)
    return FALSE;
  *stamp = (NightlyFileStamp) { st.st_size, (gint64) st.st_mtim.tv_sec * 1000000000
                                + st.st_mtim.tv_nsec, st.st_ino };
  return TRUE;
}

gboolean
nightly_files_stamp_equal (const NightlyFileStamp *a, const NightlyFileStamp *b)
{
  return a->size == b->size && a->mtime_ns == b->mtime_ns && a->inode == b->inode;
}

/* Microseconds until a file of STAMP has been unchanged SETTLE seconds at
 * NOW_US (0: it has); a modification time ahead of the clock counts as now. */
static gint64
settle_wait_us (const NightlyFileStamp *stamp, guint settle, gint64 now_us)
{
  gint64 age = now_us - stamp->mtime_ns / 1000;
  gint64 need = (gint64) settle * G_USEC_PER_SEC;
  return age >= need ? 0 : MIN (need - MAX (age, 0), need);
}

void
nightly_files_settle (GPtrArray *files, guint settle, GPtrArray *unsettled)
{
  if (!settle || !files->len)
    return;
  g_autofree NightlyFileStamp *stamps = g_new0 (NightlyFileStamp, files->len);
  g_autofree gboolean *fresh = g_new0 (gboolean, files->len);
  gint64 now = g_get_real_time (), wait = 0;
  for (guint i = 0; i < files->len; i++)
    if (nightly_files_stamp (files->pdata[i], &stamps[i]))
      {
        gint64 w = settle_wait_us (&stamps[i], settle, now);
        fresh[i] = w > 0;
        wait = MAX (wait, w);
      }
  if (wait)
    {
      g_debug ("waiting %.1f s for incoming files to settle", wait / 1e6);
      g_usleep ((gulong) wait);
    }
  for (guint i = files->len; i-- > 0;)
    {
      NightlyFileStamp again;
      gboolean there = nightly_files_stamp (files->pdata[i], &again);
      if (there && (!fresh[i] || nightly_files_stamp_equal (&stamps[i], &again)))
        continue;
      char *path = g_ptr_array_steal_index (files, i);
      if (there)
        g_ptr_array_insert (unsettled, 0, path);
      else
        g_free (path);
    }
}

gboolean
nightly_files_archive (const char *path, const char *dir, char **moved, GError **error)
{
  gboolean already;
  g_autofree char *dest = destination_in (path, dir, &already, error);
  if (!dest || !move_to (path, dest, already, error))
    return FALSE;
  *moved = g_steal_pointer (&dest);
  return TRUE;
}

gboolean
nightly_files_quarantine (const char *path, const char *dir, const char *reason, char **moved,
                          GError **error)
{
  gboolean already;
  g_autofree char *dest = destination_in (path, dir, &already, error);
  if (!dest || !write_reason (dest, reason, error) || !move_to (path, dest, already, error))
    return FALSE;
  *moved = g_steal_pointer (&dest);
  return TRUE;
}
