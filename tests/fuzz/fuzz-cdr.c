/* fuzz-cdr.c — fuzz target: a CDR file through every reader (see fuzz.h).
 *
 * The first byte picks the format (told from the header, or one of the
 * built-in formats, the built-in AudioCodes profile and Graph JSON) and the numbering
 * and time context; the rest is the file.  Every record is read to the end
 * of the file, as ingest and reconcile read them.
 */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "ingest/cdrreader.h"

static const char *const formats[] = {
  NULL, "rater", "teams-pstn", "teams-dr", "asterisk", "freeswitch", "profile:audiocodes",
  "graph-pstn",
};
static const char *const countries[] = { NULL, "GB", "US", "RU" };
/* zone 1 (most seeds) is UTC: a zone with transitions costs a table build per
 * file (tens of ms), which would make the fuzzer crawl */
static const char *const zones[] = { NULL, "UTC", "Etc/GMT-5", "Europe/London" };

static void
quiet_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  (void) domain, (void) level, (void) message, (void) data;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  g_log_set_default_handler (quiet_log, NULL);
  guint8 pick = data[0];
  CdrReaderOptions opts = {
    .format = formats[pick & 7],
    .country = countries[(pick >> 3) & 3],
    .tz = zones[(pick >> 5) & 3],
    .direction_by = (pick & 0x80) ? CDR_DIRECTION_BY_SHAPE : CDR_DIRECTION_BY_CONTEXT,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CdrReader) reader = cdrreader_new (&opts, &error);
  if (reader == NULL)
    return 0;
  const char *path = fuzz_file_open (0, data + 1, size - 1);
  if (cdrreader_open (reader, path, &error))
    {
      CdrRecord rec;
      while (cdrreader_next (reader, &rec, &error) == CDRREADER_RECORD)
        ;
    }
  fuzz_files_close ();
  return 0;
}
