/* infile.c — input files: regular files only, opened without blocking on a
 * FIFO, and an advisory lock while a file is ingested (see infile.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/infile.h"
#include "base/rater-error.h"

int
infile_open (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "cannot open '%s': %s", path,
                   g_strerror (e));
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "%s: not a regular file", path);
      return -1;
    }
  int flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    (void) fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);   /* reads of a regular file never block */
  return fd;
}

int
infile_lock (const char *path, GError **error)
{
  int fd = infile_open (path, error);
  if (fd < 0)
    return -1;
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      break;                    /* no lock (a file system without flock): go on unserialised */
  return fd;
}
