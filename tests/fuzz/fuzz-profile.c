/* fuzz-profile.c — fuzz target: a mapping profile and a file read through it
 * (see fuzz.h).
 *
 * The input is the profile (GKeyFile text), a NUL byte, then a CDR file; the
 * file is read through the profile when the profile loads.  Profiles come
 * from operators, so a bad one must be refused with a message, never crash.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "ingest/cdrreader.h"

static void
quiet_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  (void) domain, (void) level, (void) message, (void) data;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_log_set_default_handler (quiet_log, NULL);
  const uint8_t *nul = memchr (data, 0, size);
  size_t profile_len = nul ? (size_t) (nul - data) : size;
  const uint8_t *cdr = nul ? nul + 1 : data + size;
  const char *profile_path = fuzz_file_open (0, data, profile_len);
  const char *cdr_path = fuzz_file_open (1, cdr, (size_t) (data + size - cdr));

  g_autofree char *format = g_strconcat ("profile:", profile_path, NULL);
  CdrReaderOptions opts = { .format = format, .country = "GB", .tz = "Europe/London" };
  g_autoptr (GError) error = NULL;
  g_autoptr (CdrReader) reader = cdrreader_new (&opts, &error);
  if (reader != NULL && cdrreader_open (reader, cdr_path, &error))
    {
      CdrRecord rec;
      while (cdrreader_next (reader, &rec, &error) == CDRREADER_RECORD)
        ;
    }
  fuzz_files_close ();
  return 0;
}
