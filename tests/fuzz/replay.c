/* replay.c — runs a fuzz target over its seed corpus without libFuzzer.
 *
 * Built once per target by make check (FUZZ_TARGET names it): with no
 * arguments it runs every file of TEST_SRCDIR/tests/fuzz/corpus/FUZZ_TARGET/;
 * with arguments, those files (a crash found by `make fuzz-run`, say).  It
 * fails when the corpus is missing or empty, so a lost corpus is noticed.
 * Under the sanitizer build any crash, leak or undefined behaviour aborts it.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "fuzz.h"

static gboolean
replay_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &data, &len, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  return TRUE;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    {
      for (int i = 1; i < argc; i++)
        if (!replay_file (argv[i]))
          return 1;
      return 0;
    }
  g_autofree char *dir = g_build_filename (TEST_SRCDIR, "tests", "fuzz", "corpus", FUZZ_TARGET, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  guint n = 0;
  for (const char *name; (name = g_dir_read_name (d)) != NULL; n++)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (!replay_file (path))
        return 1;
    }
  if (n == 0)
    {
      g_printerr ("%s: empty seed corpus\n", dir);
      return 1;
    }
  printf ("%s: %u inputs replayed\n", FUZZ_TARGET, n);
  return 0;
}
