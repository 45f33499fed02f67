/* test-digest.c — unit tests of digest.c: a file's digest is the digest of
 * its bytes whatever the number of reads it takes, with its size; a missing
 * file is an error.  GLib's own SHA-256 is the reference. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "base/digest.h"

/* A scratch file of LEN bytes (not a repeating pattern of the read size),
 * its path returned and its bytes in *DATA. */
static char *
scratch_file (gsize len, guchar **data)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("test-digest-XXXXXX", &path, &error);
  cr_assert (fd >= 0, "%s", error ? error->message : "");
  close (fd);
  *data = g_malloc (len + 1);
  guint32 x = 2463534242u;
  for (gsize i = 0; i < len; i++)
    {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      (*data)[i] = (guchar) x;
    }
  cr_assert (g_file_set_contents (path, (const char *) *data, (gssize) len, &error), "%s",
             error ? error->message : "");
  return path;
}

static void
assert_file_digest (gsize len)
{
  g_autofree guchar *data = NULL;
  g_autofree char *path = scratch_file (len, &data);
  g_autoptr(GError) error = NULL;
  guint64 size = 1;
  g_autofree char *sha = digest_file_sha256 (path, &size, &error);
  g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
  g_unlink (path);
  cr_assert_not_null (sha, "%s", error ? error->message : "");
  cr_assert_str_eq (sha, expected, "a file of %zu bytes digests as its bytes", len);
  cr_assert_eq (size, len, "the size of a file of %zu bytes", len);
}

Test (digest, empty_file)
{
  assert_file_digest (0);
  g_autofree char *empty = digest_sha256 ("", 0);
  cr_assert_str_eq (empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Around and across the 64 KiB read: one read, exactly one, several. */
Test (digest, files_of_one_and_many_reads)
{
  static const gsize sizes[] = { 1, 4095, 65535, 65536, 65537, 3 * 65536 + 17, (1u << 20) + 5 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    assert_file_digest (sizes[i]);
}

Test (digest, a_missing_file_is_an_error)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;
  g_autofree char *sha = digest_file_sha256 ("/nonexistent/test-digest", &size, &error);
  cr_assert_null (sha);
  cr_assert_not_null (error);
}
