/* fuzz-time.c — fuzz target: CDR timestamps, periods and dates (see fuzz.h).
 *
 * The first byte picks the parser (ISO 8601, one of the vendor layouts the
 * readers use, a period, a date) and the zone; the rest is the text.  A
 * parsed time must convert to UTC without overflow, and format back.
 */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "base/timeparse.h"
#include "base/tzmap.h"

static const char *const layouts[] = {
  "%Y-%m-%d %H:%M:%S",
  "%H:%M:%S.%f %Z %a %b %d %Y",
  "%Y-%m-%dT%H:%M:%S%z",
  "%d/%m/%Y %H:%M:%S",
};
static const char *const zones[] = { NULL, "Europe/London", "America/New_York", "Australia/Lord_Howe" };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  static TzMap *maps[G_N_ELEMENTS (zones)];
  static gboolean loaded;
  if (!loaded)
    {
      for (gsize i = 1; i < G_N_ELEMENTS (zones); i++)
        maps[i] = tzmap_new (zones[i], NULL);
      loaded = TRUE;
    }
  guint8 pick = data[0];
  gsize len = size - 1;
  g_autofree char *text = g_memdup2 (data + 1, len);
  TimeParts parts;
  TimeStatus status;
  switch (pick & 7)
    {
    case 0: case 1: case 2:
      status = time_parse_iso8601 (text, len, &parts);
      break;
    case 3: case 4: case 5: case 6:
      status = time_parse_format (text, len, layouts[(pick & 7) - 3], &parts);
      break;
    default:
      {
        int year, month;
        gint64 days;
        if (pick & 8)
          (void) time_parse_period (text, len, &year, &month);
        else if (time_parse_date (text, len, &days) == TIME_OK)
          {
            int y, m, d;
            time_civil_from_days (days, &y, &m, &d);
          }
        return 0;
      }
    }
  gint64 ms;
  if (status == TIME_OK && time_parts_to_utc_ms (&parts, maps[(pick >> 4) & 3], &ms) == TIME_OK)
    {
      char buf[64];
      time_format_utc_ms (ms, buf);
    }
  return 0;
}
