/* outfile.c — temporary-then-rename output files and CSV field writing.
 *
 * outfile_open() looks at what is at PATH first: nothing or a regular file
 * gets a temporary PATH.rater-tmp-XXXXXX (mode 0640) renamed over it on
 * commit; a device or a FIFO is opened and written directly (never
 * replaced); a symbolic link is refused; "-" (or NULL) is standard output.
 *
 * CSV cells are neutralised against formula injection (csv_neutralise)
 * unless outfile_set_csv_raw() turned that off for the process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/rater-error.h"

struct _OutFile {
  char *path;         /* destination, NULL for stdout */
  char *tmp;          /* temporary beside it; NULL when PATH is written directly */
  FILE *stream;
  gboolean row_started;
  gboolean committed;
  gboolean frozen;    /* never replace different bytes at PATH */
};

static gboolean
cantcreat (GError **error, const char *what, const char *path, int e)
{
  g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "cannot %s '%s': %s", what, path,
               g_strerror (e));
  return FALSE;
}

static gboolean csv_raw;        /* outfile_set_csv_raw(): cells verbatim */

/* A device or FIFO at PATH: written as it is, never replaced (a FIFO blocks
 * here until its reader opens it). */
static OutFile *
open_special (OutFile *out, GError **error)
{
  int fd = g_open (out->path, O_WRONLY | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0 || !(out->stream = fdopen (fd, "w")))
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      cantcreat (error, "open", out->path, e);
      outfile_free (out);
      return NULL;
    }
  out->committed = TRUE;        /* nothing to remove on free */
  return out;
}

OutFile *
outfile_open (const char *path, GError **error)
{
  OutFile *out = g_new0 (OutFile, 1);
  GStatBuf st;
  if (!path || g_str_equal (path, "-"))
    {
      out->stream = stdout;
      return out;
    }
  out->path = g_strdup (path);
  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "cannot write '%s': it is a"
                   " symbolic link (rater neither follows nor replaces one: remove it or give"
                   " the real path)", path);
      outfile_free (out);
      return NULL;
    }
  if (g_lstat (path, &st) == 0 && (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)
                                   || S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode)))
    return open_special (out, error);
  out->tmp = g_strdup_printf ("%s" OUTFILE_TMP_INFIX "XXXXXX", path);
  int fd = g_mkstemp_full (out->tmp, O_WRONLY | O_CLOEXEC, OUTFILE_MODE);
  if (fd < 0 || !(out->stream = fdopen (fd, "w")))
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      cantcreat (error, "create", path, e);
      g_clear_pointer (&out->tmp, g_free);
      outfile_free (out);
      return NULL;
    }
  return out;
}

gboolean
outfile_mkdir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, OUTFILE_DIR_MODE) == 0)
    return TRUE;
  return cantcreat (error, "create", dir, errno);
}

OutFile *
outfile_open_frozen (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  OutFile *out = outfile_open (path, error);
  if (out)
    out->frozen = TRUE;
  return out;
}

void
outfile_free (OutFile *out)
{
  if (!out)
    return;
  if (out->path && !out->tmp && out->stream)
    fclose (out->stream);       /* a device or FIFO written directly */
  else if (out->path && !out->committed)
    {
      if (out->stream)
        fclose (out->stream);
      if (out->tmp)
        g_unlink (out->tmp);
    }
  g_free (out->path);
  g_free (out->tmp);
  g_free (out);
}

FILE *
outfile_stream (OutFile *out)
{
  return out->stream;
}

/* TRUE when PATH does not exist or holds exactly the bytes of TMP. */
static gboolean
same_or_absent (const char *tmp, const char *path, GError **error)
{
  g_autofree char *old = NULL, *new = NULL;
  gsize old_len = 0, new_len = 0;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &old, &old_len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "%s", local->message);
      return FALSE;
    }
  if (!g_file_get_contents (tmp, &new, &new_len, &local))
    {
      g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT, "%s", local->message);
      return FALSE;
    }
  if (old_len == new_len && memcmp (old, new, old_len) == 0)
    return TRUE;
  g_set_error (error, RATER_ERROR, RATER_ERROR_CANTCREAT,
               "'%s' already exists with different content: an issued document is never"
               " overwritten (move it away to write this one)", path);
  return FALSE;
}

/* ---- groups ---- */

typedef struct {
  char *tmp;          /* the temporary, closed, to rename */
  char *path;         /* its destination */
} Pending;

struct _OutGroup {
  GMutex lock;
  GArray *pending;    /* Pending, in commit order */
};

static GPrivate thread_group = G_PRIVATE_INIT (NULL);   /* OutGroup *: the thread-default */

static void
pending_clear (gpointer p)
{
  Pending *pending = p;
  g_free (pending->tmp);
  g_free (pending->path);
}

static GArray *
pending_array_new (void)
{
  GArray *pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_array_set_clear_func (pending, pending_clear);
  return pending;
}

OutGroup *
outgroup_new (void)
{
  OutGroup *group = g_new0 (OutGroup, 1);
  g_mutex_init (&group->lock);
  group->pending = pending_array_new ();
  return group;
}

void
outgroup_free (OutGroup *group)
{
  if (!group)
    return;
  for (guint i = 0; i < group->pending->len; i++)
    g_unlink (g_array_index (group->pending, Pending, i).tmp);
  g_array_unref (group->pending);
  g_mutex_clear (&group->lock);
  g_free (group);
}

void
outgroup_push_thread_default (OutGroup *group)
{
  g_return_if_fail (group != NULL && g_private_get (&thread_group) == NULL);
  g_private_set (&thread_group, group);
}

void
outgroup_pop_thread_default (OutGroup *group)
{
  g_return_if_fail (g_private_get (&thread_group) == group);
  g_private_set (&thread_group, NULL);
}

guint
outgroup_pending (OutGroup *group)
{
  g_mutex_lock (&group->lock);
  guint n = group->pending->len;
  g_mutex_unlock (&group->lock);
  return n;
}

/* OUT's closed temporary becomes GROUP's to rename. */
static gboolean
group_take (OutGroup *group, OutFile *out)
{
  Pending pending = { g_steal_pointer (&out->tmp), g_strdup (out->path) };
  g_mutex_lock (&group->lock);
  g_array_append_val (group->pending, pending);
  g_mutex_unlock (&group->lock);
  out->committed = TRUE;
  return TRUE;
}

/* Make PENDING's temporary durable: once per file system with syncfs(2)
 * (DEVICES: the st_dev already synced), else with fsync(2) of the file. */
static gboolean
sync_pending (const Pending *pending, GArray *devices, GError **error)
{
  GStatBuf st;
  if (g_stat (pending->tmp, &st) != 0)
    return cantcreat (error, "write", pending->path, errno);
  for (guint i = 0; i < devices->len; i++)
    if (g_array_index (devices, dev_t, i) == st.st_dev)
      return TRUE;
  int fd = g_open (pending->tmp, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return cantcreat (error, "write", pending->path, errno);
  int rc = -1;
#ifdef HAVE_SYNCFS
  rc = syncfs (fd);
  if (rc == 0)
    g_array_append_val (devices, st.st_dev);
#endif
  if (rc != 0)
    rc = fsync (fd);
  int e = errno;
  if (close (fd) != 0 && rc == 0)
    {
      rc = -1;
      e = errno;
    }
  return rc == 0 || cantcreat (error, "write", pending->path, e);
}

/* fsync the directory DIR, so a rename in it survives a crash (a file
 * system that cannot sync a directory, EINVAL, has nothing to do). */
static gboolean
sync_dir (const char *dir, GError **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return cantcreat (error, "open", dir, errno);
  int rc = fsync (fd), e = errno;
  close (fd);
  return rc == 0 || e == EINVAL || cantcreat (error, "write", dir, e);
}

gboolean
outgroup_commit (OutGroup *group, GError **error)
{
  g_return_val_if_fail (group != NULL, FALSE);
  g_mutex_lock (&group->lock);
  g_autoptr(GArray) pending = g_steal_pointer (&group->pending);
  group->pending = pending_array_new ();
  g_mutex_unlock (&group->lock);

  g_autoptr(GArray) devices = g_array_new (FALSE, FALSE, sizeof (dev_t));
  g_autoptr(GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < pending->len; i++)
    ok = sync_pending (&g_array_index (pending, Pending, i), devices, error);
  guint renamed = 0;
  while (ok && renamed < pending->len)
    {
      Pending *p = &g_array_index (pending, Pending, renamed);
      if (g_rename (p->tmp, p->path) != 0)
        ok = cantcreat (error, "rename into", p->path, errno);
      else
        {
          g_hash_table_add (dirs, g_path_get_dirname (p->path));
          renamed++;
        }
    }
  for (guint i = renamed; i < pending->len; i++)     /* after a failure: none of the rest */
    g_unlink (g_array_index (pending, Pending, i).tmp);
  GHashTableIter it;
  gpointer dir;
  g_hash_table_iter_init (&it, dirs);
  while (ok && g_hash_table_iter_next (&it, &dir, NULL))
    ok = sync_dir (dir, error);
  return ok;
}

/* Start writing FD's data to disk now, without waiting: a group's files
 * are then mostly on disk when outgroup_commit syncs them, and its sync
 * waits for the last ones only.  A hint: the sync is what makes them
 * durable, so a failure here is nothing. */
static void
start_writeback (int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
  (void) sync_file_range (fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
  (void) fd;
#endif
}

gboolean
outfile_commit (OutFile *out, GError **error)
{
  if (!out->path)
    return fflush (stdout) == 0 || cantcreat (error, "write", "standard output", errno);
  if (!out->tmp)
    return fflush (out->stream) == 0 || cantcreat (error, "write", out->path, errno);
  OutGroup *group = g_private_get (&thread_group);
  if (fflush (out->stream) != 0 || ferror (out->stream)
      || (!group && fsync (fileno (out->stream)) != 0))
    return cantcreat (error, "write", out->path, errno);
  if (group)
    start_writeback (fileno (out->stream));
  int rc = fclose (out->stream);
  out->stream = NULL;
  if (rc != 0)
    return cantcreat (error, "write", out->path, errno);
  if (out->frozen && !same_or_absent (out->tmp, out->path, error))
    return FALSE;
  if (group)
    return group_take (group, out);
  if (g_rename (out->tmp, out->path) != 0)
    return cantcreat (error, "rename into", out->path, errno);
  out->committed = TRUE;
  return TRUE;
}

static gboolean
needs_quotes (const char *v, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r')
      return TRUE;
  return len > 0 && (v[0] == ' ' || v[len - 1] == ' ');
}

void
outfile_set_csv_raw (gboolean raw)
{
  csv_raw = raw;
}

/* TRUE when V (LEN bytes) is a plain number: ^[+-]?[0-9]+(\.[0-9]+)?$ */
static gboolean
plain_number (const char *v, gsize len)
{
  gsize i = len && (v[0] == '+' || v[0] == '-') ? 1 : 0, digits = 0;
  for (; i < len && g_ascii_isdigit (v[i]); i++)
    digits++;
  if (!digits)
    return FALSE;
  if (i < len && v[i] == '.')
    {
      gsize decimals = 0;
      for (i++; i < len && g_ascii_isdigit (v[i]); i++)
        decimals++;
      if (!decimals)
        return FALSE;
    }
  return i == len;
}

/* TRUE when a spreadsheet would read V as a formula (OWASP CSV injection:
 * it starts with = + - @ tab or CR) and it is not a plain number. */
static gboolean
csv_neutralise (const char *v, gsize len)
{
  if (csv_raw || !len || !v[0] || !strchr ("=+-@\t\r", v[0]))
    return FALSE;
  return !plain_number (v, len);
}

void
outfile_csv_field (OutFile *out, const char *value, gssize len)
{
  gsize n = value ? (len < 0 ? strlen (value) : (gsize) len) : 0;
  gboolean guard = csv_neutralise (value, n);
  if (out->row_started)
    fputc (',', out->stream);
  out->row_started = TRUE;
  if (!needs_quotes (value, n))
    {
      if (guard)
        fputc ('\'', out->stream);
      if (n)
        fwrite (value, 1, n, out->stream);
      return;
    }
  fputc ('"', out->stream);
  if (guard)
    fputc ('\'', out->stream);
  for (gsize i = 0; i < n; i++)
    {
      if (value[i] == '"')
        fputc ('"', out->stream);
      fputc (value[i], out->stream);
    }
  fputc ('"', out->stream);
}

void
outfile_csv_int (OutFile *out, gint64 value)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  outfile_csv_field (out, buf, -1);
}

void
outfile_csv_end_row (OutFile *out)
{
  fputc ('\n', out->stream);
  out->row_started = FALSE;
}

void
outfile_csv_header (OutFile *out, const char *names)
{
  g_auto(GStrv) list = g_strsplit (names, ",", -1);
  for (guint i = 0; list[i]; i++)
    outfile_csv_field (out, g_strstrip (list[i]), -1);
  outfile_csv_end_row (out);
}
