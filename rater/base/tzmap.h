/* tzmap.h — a time zone as a table of UTC-offset transitions.
 *
 * Built once per zone from GTimeZone (tzdata), a TzMap answers "what is the UTC
 * offset at this instant" and "which instant is this wall clock" by binary search
 * over plain arrays, without a GTimeZone/GDateTime call per record.  The arrays
 * are public so the batch rating core can walk them directly.  Transitions are
 * covered from 1900 to 2200; outside that the nearest offset holds.
 */
#pragma once

#include <glib.h>

typedef struct {
  char *name;          /* IANA identifier as given, e.g. "Europe/London" */
  guint n;             /* number of intervals, >= 1 */
  gint64 *start;       /* [n] UTC seconds where interval i begins, ascending; start[0] = G_MININT64 */
  gint32 *offset;      /* [n] seconds east of UTC during interval i */
} TzMap;

/* Build the map of IANA zone NAME ("UTC", "Europe/London", "Asia/Kathmandu"),
 * a name tzmap_zone_exists() accepts.
 * An unknown name sets a G_IO_ERROR_INVALID_DATA error
 * "unknown time zone 'NAME'" and returns NULL. */
TzMap *tzmap_new (const char *name, GError **error);
void tzmap_free (TzMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TzMap, tzmap_free)

/* TRUE when NAME is a zone of the system's tz database: "UTC", or an IANA
 * identifier with a compiled zone file under $TZDIR (default
 * /usr/share/zoneinfo).  POSIX TZ strings ("GMT+1", "UTC+5"), offsets,
 * paths ("/...", "..") and directories ("Europe") are not.  tzmap_new()
 * accepts exactly the same names: --tz and accounts.csv are checked alike. */
gboolean tzmap_zone_exists (const char *name);

/* Index of the interval containing UTC second T. */
guint tzmap_interval_at (const TzMap *map, gint64 t);

/* Seconds east of UTC at UTC second T. */
gint32 tzmap_offset_at (const TzMap *map, gint64 t);

/* The UTC second of wall-clock LOCAL (seconds since 1970-01-01T00:00 local).
 * A wall clock that occurs twice (autumn fold) gives the earlier instant;
 * one that does not occur (spring gap) is read with the offset in force
 * before the gap (02:30 in a 02:00->03:00 gap becomes 03:30 local). */
gint64 tzmap_local_to_utc (const TzMap *map, gint64 local);

/* A table of zones by name, each built once: tzmap_cache_new() makes the
 * GHashTable (it owns the maps), tzmap_cache_get() returns the zone NAME,
 * building it on first use (NULL with ERROR for an unknown zone). */
GHashTable *tzmap_cache_new (void);
const TzMap *tzmap_cache_get (GHashTable *cache, const char *name, GError **error);
