/* outfile.c — temporary-then-rename output files and CSV field writing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/rater-error.h"

struct _OutFile {
  char *path;         /* destination, NULL for stdout */
  char *tmp;          /* temporary beside it */
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

OutFile *
outfile_open (const char *path, GError **error)
{
  OutFile *out = g_new0 (OutFile, 1);
  if (!path)
    {
      out->stream = stdout;
      return out;
    }
  out->path = g_strdup (path);
  out->tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  int fd = g_mkstemp_full (out->tmp, O_WRONLY | O_CLOEXEC, 0644);
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
  if (g_mkdir_with_parents (dir, 0755) == 0)
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
  if (out->path && !out->committed)
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

gboolean
outfile_commit (OutFile *out, GError **error)
{
  if (!out->path)
    return fflush (stdout) == 0 || cantcreat (error, "write", "standard output", errno);
  if (fflush (out->stream) != 0 || ferror (out->stream) || fsync (fileno (out->stream)) != 0)
    return cantcreat (error, "write", out->path, errno);
  int rc = fclose (out->stream);
  out->stream = NULL;
  if (rc != 0)
    return cantcreat (error, "write", out->path, errno);
  if (out->frozen && !same_or_absent (out->tmp, out->path, error))
    return FALSE;
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
outfile_csv_field (OutFile *out, const char *value, gssize len)
{
  gsize n = value ? (len < 0 ? strlen (value) : (gsize) len) : 0;
  if (out->row_started)
    fputc (',', out->stream);
  out->row_started = TRUE;
  if (!needs_quotes (value, n))
    {
      if (n)
        fwrite (value, 1, n, out->stream);
      return;
    }
  fputc ('"', out->stream);
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
