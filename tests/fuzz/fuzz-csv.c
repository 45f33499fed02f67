/* fuzz-csv.c — fuzz target: the streaming CSV reader (see fuzz.h).
 *
 * The first byte picks the delimiter and trimming; the rest is the file.
 * Every field of every record is touched, so a length that lies about its
 * field is an out-of-bounds read under AddressSanitizer.
 */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "base/csvfile.h"

static const char delimiters[] = { ',', ';', '\t', '|' };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *path = fuzz_file_open (0, data + 1, size - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsvFile) file = csvfile_open (path, delimiters[data[0] & 3], (data[0] & 4) != 0, &error);
  if (file != NULL)
    {
      CsvRecord rec;
      CsvFileStatus status;
      volatile guint sum = 0;
      while ((status = csvfile_next (file, &rec, &error)) == CSVFILE_RECORD || status == CSVFILE_BAD)
        {
          for (gsize i = 0; i < rec.raw_len; i++)
            sum += (guint8) rec.raw[i];
          if (status == CSVFILE_RECORD)
            for (guint f = 0; f < rec.n; f++)
              for (gsize i = 0; i <= rec.len[f]; i++)   /* and the terminating NUL */
                sum += (guint8) rec.field[f][i];
        }
    }
  fuzz_files_close ();
  return 0;
}
