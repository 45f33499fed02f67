/* digest.c — SHA-256 through libcrypto, streaming the file in 64 KiB reads.
 *
 * The read buffer stays below glibc's mmap threshold (128 KiB, fixed since
 * rater-main sets M_TRIM_THRESHOLD): a 1 MiB buffer was an mmap, page
 * faults and an munmap with its TLB shootdown per file, three quarters of
 * hashing the 3000 documents of an issued period.  Larger reads gain
 * nothing measurable on a big file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/infile.h"
#include "base/rater-error.h"

#define READ_SIZE (64u << 10)

static char *
hex (const unsigned char *md, unsigned int len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);
  for (unsigned int i = 0; i < len; i++)
    out[2 * i] = digits[md[i] >> 4], out[2 * i + 1] = digits[md[i] & 15];
  out[len * 2] = '\0';
  return out;
}

char *
digest_sha256 (const void *data, gsize len)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  int ok = EVP_Digest (data, len, md, &n, EVP_sha256 (), NULL);
  g_assert (ok == 1);
  return hex (md, n);
}

static gboolean
read_error (GError **error, const char *path, int e)
{
  g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "cannot read '%s': %s", path, g_strerror (e));
  return FALSE;
}

static gboolean
hash_fd (int fd, EVP_MD_CTX *ctx, guint64 *size, const char *path, GError **error)
{
  g_autofree guchar *buf = g_malloc (READ_SIZE);
  *size = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf, READ_SIZE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return read_error (error, path, errno);
      if (n == 0)
        return TRUE;
      int ok = EVP_DigestUpdate (ctx, buf, (size_t) n);
      g_assert (ok == 1);
      *size += (guint64) n;
    }
}

char *
digest_file_sha256 (const char *path, guint64 *size, GError **error)
{
  int fd = infile_open (path, error);
  if (fd < 0)
    return NULL;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  int started = ctx ? EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) : 0;
  g_assert (started == 1);
  gboolean ok = hash_fd (fd, ctx, size, path, error);
  close (fd);
  if (ok)
    {
      int done = EVP_DigestFinal_ex (ctx, md, &n);
      g_assert (done == 1);
    }
  EVP_MD_CTX_free (ctx);
  return ok ? hex (md, n) : NULL;
}
