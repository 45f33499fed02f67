/* tzmap.c — a time zone flattened into arrays of UTC-offset transitions.
 *
 * GTimeZone numbers its intervals 0..N in time order, and
 * g_time_zone_find_interval (UNIVERSAL, t) tells which one holds UTC second t.
 * Because that index only ever grows with t, every transition between two
 * probes with different indices can be found by bisection down to the exact
 * second, with no assumption about how far apart transitions are (the
 * bisection runs on a 15-minute grid first, where nearly all transitions
 * fall, and finishes to the second only where one does not).  Adjacent
 * intervals with the same offset (a change of abbreviation or of the DST flag
 * only) are merged, so each entry of the map is a real change of UTC offset.
 *
 * Coverage is [1900-01-01, 2200-01-01) UTC: before it the 1900 offset holds
 * (start[0] = G_MININT64), after it the last offset does.  Pre-1900 local
 * mean times are deliberately not represented.
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "base/tzmap.h"

#define TZMAP_FIRST G_GINT64_CONSTANT (-2208988800)   /* 1900-01-01T00:00:00Z */
#define TZMAP_LAST  G_GINT64_CONSTANT (7258118400)    /* 2200-01-01T00:00:00Z */

/* Transitions almost always fall on a quarter hour of UTC: bisect on that
 * grid first, then confirm with one probe (falling back to seconds). */
#define TZMAP_GRID 900

/* UTC offsets never exceed a day; local_to_utc searches this far around. */
#define TZMAP_MAX_OFFSET 93600                         /* 26 h */

/* Building {{{1 */

typedef struct {
  GTimeZone *tz;
  GArray *start;   /* gint64 */
  GArray *offset;  /* gint32 */
} Builder;

static int
builder_probe (const Builder *b, gint64 t)
{
  return g_time_zone_find_interval (b->tz, G_TIME_TYPE_UNIVERSAL, t);
}

static void
builder_append (Builder *b, gint64 t, int interval)
{
  gint32 off = g_time_zone_get_offset (b->tz, interval);

  if (g_array_index (b->offset, gint32, b->offset->len - 1) == off)
    return;
  g_array_append_val (b->start, t);
  g_array_append_val (b->offset, off);
}

/* Append the transitions in (LO, HI], where interval ILO holds LO and IHI
 * holds HI, in ascending order. */
static void
builder_bisect (Builder *b, gint64 lo, int ilo, gint64 hi, int ihi)
{
  gint64 mid;
  int imid;

  if (ilo == ihi)
    return;
  if (hi - lo == 1)
    {
      builder_append (b, hi, ihi);
      return;
    }
  mid = lo + (hi - lo) / 2;
  imid = builder_probe (b, mid);
  builder_bisect (b, lo, ilo, mid, imid);
  builder_bisect (b, mid, imid, hi, ihi);
}

/* As builder_bisect, for LO and HI on the TZMAP_GRID. */
static void
builder_bisect_grid (Builder *b, gint64 lo, int ilo, gint64 hi, int ihi)
{
  gint64 mid;
  int imid;

  if (ilo == ihi)
    return;
  if (hi - lo == TZMAP_GRID)
    {
      if (builder_probe (b, hi - 1) == ilo)
        builder_append (b, hi, ihi);
      else
        builder_bisect (b, lo, ilo, hi, ihi);
      return;
    }
  mid = lo + (hi - lo) / TZMAP_GRID / 2 * TZMAP_GRID;
  imid = builder_probe (b, mid);
  builder_bisect_grid (b, lo, ilo, mid, imid);
  builder_bisect_grid (b, mid, imid, hi, ihi);
}

static TzMap *
tzmap_from_time_zone (const char *name, GTimeZone *tz)
{
  Builder b = { tz, g_array_new (FALSE, FALSE, sizeof (gint64)),
                g_array_new (FALSE, FALSE, sizeof (gint32)) };
  gint64 first = G_MININT64;
  int ifirst = builder_probe (&b, TZMAP_FIRST);
  gint32 off0 = g_time_zone_get_offset (tz, ifirst);
  TzMap *map = g_new0 (TzMap, 1);

  g_array_append_val (b.start, first);
  g_array_append_val (b.offset, off0);
  builder_bisect_grid (&b, TZMAP_FIRST, ifirst, TZMAP_LAST,
                       builder_probe (&b, TZMAP_LAST));

  map->name = g_strdup (name);
  map->n = b.start->len;
  map->start = (gint64 *) g_array_free (b.start, FALSE);
  map->offset = (gint32 *) g_array_free (b.offset, FALSE);
  return map;
}

/* GLib also accepts offsets ("+05:30") and POSIX TZ rules ("EST5EDT,M3.2.0,
 * M11.1.0", "GMT+1", "UTC+5", "Foo+5" — read with the POSIX sign, the
 * opposite of what their readers expect); a zone name here is an IANA
 * identifier: a letter first (so never a leading "/"), then letters, digits
 * and "/_+-" (as in "Etc/GMT+5", "America/Port-au-Prince"; so never ".."). */
static gboolean
is_zone_identifier (const char *name)
{
  const char *p;

  if (name == NULL || !g_ascii_isalpha (name[0]))
    return FALSE;
  for (p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '/' && *p != '_' && *p != '+' && *p != '-')
      return FALSE;
  return strstr (name, "//") == NULL && p[-1] != '/';
}

/* The tz database GLib reads zones from: $TZDIR, else /usr/share/zoneinfo. */
static const char *
tz_dir (void)
{
  const char *dir = g_getenv ("TZDIR");

  return dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

/* TRUE when the tz database has a compiled zone file (TZif) named NAME:
 * the only test that tells "Etc/GMT+5" (a zone) from "GMT+1" (a POSIX rule
 * GLib would parse anyway) and "Europe" (a directory). */
static gboolean
zone_file_exists (const char *name)
{
  g_autofree char *path = g_build_filename (tz_dir (), name, NULL);
  char magic[4];
  FILE *f;
  gboolean ok;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || (f = fopen (path, "rb")) == NULL)
    return FALSE;
  ok = fread (magic, 1, sizeof magic, f) == sizeof magic && memcmp (magic, "TZif", 4) == 0;
  fclose (f);
  return ok;
}

/* The zone NAME names in the tz database, or NULL.  "UTC" needs no file. */
static GTimeZone *
time_zone_lookup (const char *name)
{
  if (g_strcmp0 (name, "UTC") == 0)
    return g_time_zone_new_utc ();
  if (!is_zone_identifier (name) || !zone_file_exists (name))
    return NULL;
  return g_time_zone_new_identifier (name);
}

TzMap *
tzmap_new (const char *name, GError **error)
{
  g_autoptr(GTimeZone) tz = time_zone_lookup (name);

  if (tz == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "unknown time zone '%s'", name != NULL ? name : "(null)");
      return NULL;
    }
  return tzmap_from_time_zone (name, tz);
}

void
tzmap_free (TzMap *map)
{
  if (map == NULL)
    return;
  g_free (map->name);
  g_free (map->start);
  g_free (map->offset);
  g_free (map);
}

gboolean
tzmap_zone_exists (const char *name)
{
  g_autoptr(GTimeZone) tz = time_zone_lookup (name);

  return tz != NULL;
}

/* Lookups {{{1 */

guint
tzmap_interval_at (const TzMap *map, gint64 t)
{
  guint lo = 0, hi = map->n;   /* answer in [lo, hi): last i with start[i] <= t */

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (map->start[mid] <= t)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

gint32
tzmap_offset_at (const TzMap *map, gint64 t)
{
  return map->offset[tzmap_interval_at (map, t)];
}

static gint64
saturating_add (gint64 a, gint64 b)
{
  gint64 r;

  if (__builtin_add_overflow (a, b, &r))
    return b > 0 ? G_MAXINT64 : G_MININT64;
  return r;
}

/* TRUE when wall clock LOCAL read with the offset of interval I is an
 * instant inside interval I; *utc receives that instant. */
static gboolean
interval_holds_local (const TzMap *map, guint i, gint64 local, gint64 *utc)
{
  gint64 u = saturating_add (local, -(gint64) map->offset[i]);

  *utc = u;
  return map->start[i] <= u && (i + 1 == map->n || u < map->start[i + 1]);
}

/* The transition K in [LO, HI] whose forward jump skips wall clock LOCAL:
 * start[k] + offset[k-1] <= local < start[k] + offset[k].  0 if none. */
static guint
gap_containing (const TzMap *map, guint lo, guint hi, gint64 local)
{
  guint k;

  for (k = MAX (lo, 1); k <= hi; k++)
    if (map->start[k] + map->offset[k - 1] <= local
        && local < map->start[k] + map->offset[k])
      return k;
  return 0;
}

gint64
tzmap_local_to_utc (const TzMap *map, gint64 local)
{
  guint lo = tzmap_interval_at (map, saturating_add (local, -TZMAP_MAX_OFFSET));
  guint hi = tzmap_interval_at (map, saturating_add (local, TZMAP_MAX_OFFSET));
  guint i, k;
  gint64 u;

  /* Intervals are in time order: the first that holds LOCAL is the earlier
   * instant of a fold. */
  for (i = lo; i <= hi; i++)
    if (interval_holds_local (map, i, local, &u))
      return u;
  k = gap_containing (map, lo, hi, local);
  if (k > 0)
    return local - map->offset[k - 1];
  return saturating_add (local, -(gint64) map->offset[lo]);   /* not reached */
}

GHashTable *
tzmap_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) tzmap_free);
}

const TzMap *
tzmap_cache_get (GHashTable *cache, const char *name, GError **error)
{
  TzMap *map = g_hash_table_lookup (cache, name);
  if (!map && (map = tzmap_new (name, error)))
    g_hash_table_insert (cache, g_strdup (name), map);
  return map;
}
