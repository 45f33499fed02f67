/* test-tzmap.c — unit tests of tzmap.c: transition tables of real zones
 * (whole, half and quarter hour offsets, 30-minute DST), wall clock to UTC
 * in folds and gaps, and a property check of every zone against GDateTime.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "base/tzmap.h"

#define Y1900 G_GINT64_CONSTANT (-2208988800)
#define Y2200 G_GINT64_CONSTANT (7258118400)

static const char *const zones[] = {
  "UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
  "Australia/Lord_Howe", "Australia/Adelaide", "Pacific/Chatham", "Pacific/Apia",
  "America/Santiago", "Africa/Casablanca", "Europe/Amsterdam", "Africa/Monrovia",
  "America/St_Johns", "Asia/Tehran", "Europe/Moscow", "Pacific/Kiritimati",
  "America/Sao_Paulo", "Antarctica/Troll", "Europe/Dublin",
};

/* Helpers {{{1 */

/* Seconds since 1970-01-01T00:00 of a wall clock (the "local" of the API). */
static gint64
wall (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);

  cr_assert_not_null (dt);
  return g_date_time_to_unix (dt);
}

static TzMap *
map_new (const char *name)
{
  g_autoptr(GError) error = NULL;
  TzMap *map = tzmap_new (name, &error);

  cr_assert_not_null (map, "tzmap_new (%s): %s", name, error ? error->message : "?");
  cr_assert_null (error);
  return map;
}

/* The UTC offset GLib's GDateTime gives at UTC second T. */
static gint32
glib_offset (GTimeZone *tz, gint64 t)
{
  g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) l = g_date_time_to_timezone (u, tz);

  return (gint32) (g_date_time_get_utc_offset (l) / G_TIME_SPAN_SECOND);
}

static void
expect_transition (const TzMap *map, gint64 t, gint32 before, gint32 after)
{
  guint i = tzmap_interval_at (map, t);

  cr_assert_eq (map->start[i], t, "%s: no transition at %" G_GINT64_FORMAT, map->name, t);
  cr_assert_eq (tzmap_offset_at (map, t - 1), before, "%s: before %" G_GINT64_FORMAT,
                map->name, t);
  cr_assert_eq (tzmap_offset_at (map, t), after, "%s: at %" G_GINT64_FORMAT, map->name, t);
}

/* Construction {{{1 */

Test (tzmap, utc)
{
  g_autoptr(TzMap) map = map_new ("UTC");

  cr_assert_str_eq (map->name, "UTC");
  cr_assert_eq (map->n, 1);
  cr_assert_eq (map->start[0], G_MININT64);
  cr_assert_eq (map->offset[0], 0);
  cr_assert_eq (tzmap_offset_at (map, 0), 0);
  cr_assert_eq (tzmap_offset_at (map, G_MAXINT64), 0);
  cr_assert_eq (tzmap_interval_at (map, G_MININT64), 0);
  cr_assert_eq (tzmap_local_to_utc (map, 1234567890), 1234567890);
}

Test (tzmap, unknown_zone)
{
  static const char *const bad[] = {
    "Nope/Zone", "Europe/Lodnon", "", "+05:30", "-0800", "EST5EDT,M3.2.0,M11.1.0",
    "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Europe/", "Europe//London",
    "Europe/London ",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TzMap) map = tzmap_new (bad[i], &error);
      g_autofree char *msg = g_strdup_printf ("unknown time zone '%s'", bad[i]);

      cr_assert_null (map, "'%s' accepted", bad[i]);
      cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
      cr_assert_str_eq (error->message, msg);
      cr_assert_not (tzmap_zone_exists (bad[i]), "'%s' exists", bad[i]);
    }
  cr_assert_null (tzmap_new ("Nope/Zone", NULL));
  cr_assert_not (tzmap_zone_exists (NULL));
}

Test (tzmap, zone_exists)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (zones); i++)
    cr_assert (tzmap_zone_exists (zones[i]), "%s", zones[i]);
  cr_assert (tzmap_zone_exists ("Etc/GMT+5"));
  cr_assert (tzmap_zone_exists ("America/Port-au-Prince"));
}

/* POSIX TZ strings are not zone names: GLib parsed "GMT+1" as UTC-1 (the
 * POSIX sign), and it used to pass for accounts.csv and --tz alike. */
Test (tzmap, posix_tz_strings_are_not_zones)
{
  static const char *const bad[] = {
    "GMT+1", "UTC+5", "Foo+5", "EST5EDT4", "UTC-3", "GMT-2", "Europe", "Etc", "zone.tab",
    "Europe/../Europe/London", "localtime/",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TzMap) map = tzmap_new (bad[i], &error);

      cr_assert_null (map, "'%s' accepted", bad[i]);
      cr_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
      cr_assert_not (tzmap_zone_exists (bad[i]), "'%s' exists", bad[i]);
    }
  /* real names with a sign or the UTC spellings stay zones */
  cr_assert (tzmap_zone_exists ("UTC"));
  cr_assert (tzmap_zone_exists ("Etc/UTC"));
  cr_assert (tzmap_zone_exists ("GMT+0"));
  g_autoptr(TzMap) etc = tzmap_new ("Etc/GMT+5", NULL);
  cr_assert_not_null (etc);
  cr_assert_eq (tzmap_offset_at (etc, 0), -5 * 3600, "IANA's Etc/GMT+5 is UTC-5");
}

/* The tz database is the one in $TZDIR: a zone only there is found, one
 * only in the default directory is not; UTC needs no file. */
Test (tzmap, honours_tzdir)
{
  const char *system_dir = g_getenv ("TZDIR") ? g_getenv ("TZDIR") : "/usr/share/zoneinfo";
  g_autofree char *kolkata = g_build_filename (system_dir, "Asia", "Kolkata", NULL);
  g_autofree char *dir = g_dir_make_tmp ("rater-tzdir-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "Test", NULL);
  g_autofree char *zone = g_build_filename (sub, "Zone", NULL);
  g_autofree char *bytes = NULL;
  gsize len;

  cr_assert (g_file_get_contents (kolkata, &bytes, &len, NULL));
  cr_assert_eq (g_mkdir (sub, 0700), 0);
  cr_assert (g_file_set_contents (zone, bytes, (gssize) len, NULL));
  g_setenv ("TZDIR", dir, TRUE);
  cr_assert (tzmap_zone_exists ("Test/Zone"));
  g_autoptr(TzMap) map = tzmap_new ("Test/Zone", NULL);
  cr_assert_not_null (map);
  cr_assert_eq (tzmap_offset_at (map, 1700000000), 19800);
  cr_assert_not (tzmap_zone_exists ("Europe/London"));
  cr_assert (tzmap_zone_exists ("UTC"));
  g_unlink (zone);
  g_rmdir (sub);
  g_rmdir (dir);
}

Test (tzmap, invariants)
{
  gsize z;

  for (z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(TzMap) map = map_new (zones[z]);
      guint i;

      cr_assert_geq (map->n, 1);
      cr_assert_eq (map->start[0], G_MININT64);
      for (i = 1; i < map->n; i++)
        {
          cr_assert_gt (map->start[i], map->start[i - 1], "%s[%u]", zones[z], i);
          cr_assert_gt (map->start[i], Y1900, "%s[%u]", zones[z], i);
          cr_assert_leq (map->start[i], Y2200, "%s[%u]", zones[z], i);
          cr_assert_neq (map->offset[i], map->offset[i - 1], "%s[%u] not merged", zones[z], i);
        }
      cr_assert_eq (tzmap_interval_at (map, G_MININT64), 0);
      cr_assert_eq (tzmap_interval_at (map, G_MAXINT64), map->n - 1);
    }
}

/* Offsets of real zones {{{1 */

Test (tzmap, london_2026)
{
  g_autoptr(TzMap) map = map_new ("Europe/London");

  expect_transition (map, 1774746000, 0, 3600);     /* 2026-03-29T01:00:00Z */
  expect_transition (map, 1792890000, 3600, 0);     /* 2026-10-25T01:00:00Z */
  cr_assert_eq (tzmap_offset_at (map, wall (2026, 6, 1, 7, 30, 0)), 3600);
  cr_assert_eq (tzmap_offset_at (map, wall (2026, 11, 3, 10, 0, 0)), 0);
}

Test (tzmap, new_york_2026)
{
  g_autoptr(TzMap) map = map_new ("America/New_York");

  expect_transition (map, 1772953200, -18000, -14400);  /* 2026-03-08T07:00:00Z */
  expect_transition (map, 1793512800, -14400, -18000);  /* 2026-11-01T06:00:00Z */
}

Test (tzmap, half_and_quarter_hours)
{
  g_autoptr(TzMap) kolkata = map_new ("Asia/Kolkata");
  g_autoptr(TzMap) kathmandu = map_new ("Asia/Kathmandu");

  cr_assert_eq (tzmap_offset_at (kolkata, wall (2026, 7, 1, 0, 0, 0)), 19800);
  expect_transition (kolkata, -764145000, 23400, 19800);   /* 1945-10-14T17:30Z */
  cr_assert_eq (tzmap_offset_at (kathmandu, wall (2026, 7, 1, 0, 0, 0)), 20700);
  expect_transition (kathmandu, 504901800, 19800, 20700);  /* 1985-12-31T18:30Z */
}

Test (tzmap, australia_and_chatham_2026)
{
  g_autoptr(TzMap) lord_howe = map_new ("Australia/Lord_Howe");
  g_autoptr(TzMap) adelaide = map_new ("Australia/Adelaide");
  g_autoptr(TzMap) chatham = map_new ("Pacific/Chatham");

  /* Lord Howe moves its clocks by 30 minutes: +11:00 / +10:30 */
  expect_transition (lord_howe, 1775314800, 39600, 37800);  /* 2026-04-04T15:00Z */
  expect_transition (lord_howe, 1791041400, 37800, 39600);  /* 2026-10-03T15:30Z */
  expect_transition (adelaide, 1775320200, 37800, 34200);   /* 2026-04-04T16:30Z */
  expect_transition (adelaide, 1791045000, 34200, 37800);   /* 2026-10-03T16:30Z */
  expect_transition (chatham, 1775311200, 49500, 45900);    /* 2026-04-04T14:00Z */
  expect_transition (chatham, 1790431200, 45900, 49500);    /* 2026-09-26T14:00Z */
}

Test (tzmap, samoa_skips_a_day)
{
  g_autoptr(TzMap) map = map_new ("Pacific/Apia");

  expect_transition (map, 1325239200, -36000, 50400);       /* 2011-12-30T10:00Z */
}

Test (tzmap, outside_coverage_nearest_offset_holds)
{
  g_autoptr(TzMap) london = map_new ("Europe/London");
  g_autoptr(TzMap) kathmandu = map_new ("Asia/Kathmandu");

  /* Kathmandu kept local mean time (+05:41:16) until 1920 */
  cr_assert_eq (tzmap_offset_at (kathmandu, Y1900), 20476);
  cr_assert_eq (tzmap_offset_at (kathmandu, wall (1850, 1, 1, 0, 0, 0)), 20476);
  cr_assert_eq (tzmap_offset_at (london, wall (1800, 7, 1, 0, 0, 0)), 0);
  /* 2200-01-01 is winter: GMT holds for ever after */
  cr_assert_eq (tzmap_offset_at (london, wall (2199, 7, 1, 0, 0, 0)), 3600);
  cr_assert_eq (tzmap_offset_at (london, wall (2250, 7, 1, 0, 0, 0)), 0);
}

/* Wall clock to UTC {{{1 */

Test (tzmap_local, london_gap_and_fold)
{
  g_autoptr(TzMap) map = map_new ("Europe/London");

  /* spring: 01:00..02:00 local does not exist, read with GMT */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 29, 0, 59, 59)), wall (2026, 3, 29, 0, 59, 59));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 29, 1, 0, 0)), wall (2026, 3, 29, 1, 0, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 29, 1, 30, 0)), wall (2026, 3, 29, 1, 30, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 29, 1, 59, 59)), wall (2026, 3, 29, 1, 59, 59));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 29, 2, 0, 0)), wall (2026, 3, 29, 1, 0, 0));
  /* autumn: 01:00..02:00 local happens twice, the BST one is taken */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 25, 0, 59, 59)), wall (2026, 10, 24, 23, 59, 59));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 25, 1, 0, 0)), wall (2026, 10, 25, 0, 0, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 25, 1, 30, 0)), wall (2026, 10, 25, 0, 30, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 25, 1, 59, 59)), wall (2026, 10, 25, 0, 59, 59));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 25, 2, 0, 0)), wall (2026, 10, 25, 2, 0, 0));
  /* ordinary times */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 6, 1, 8, 30, 0)), wall (2026, 6, 1, 7, 30, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 11, 3, 10, 0, 0)), wall (2026, 11, 3, 10, 0, 0));
}

Test (tzmap_local, new_york_gap_and_fold)
{
  g_autoptr(TzMap) map = map_new ("America/New_York");

  /* 02:30 in the 02:00->03:00 gap is read as EST: 07:30Z = 03:30 EDT */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 8, 2, 30, 0)), wall (2026, 3, 8, 7, 30, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 8, 3, 0, 0)), wall (2026, 3, 8, 7, 0, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 3, 8, 1, 59, 59)), wall (2026, 3, 8, 6, 59, 59));
  /* 01:30 on 1 November happens twice: EDT first */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 11, 1, 1, 30, 0)), wall (2026, 11, 1, 5, 30, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 11, 1, 2, 0, 0)), wall (2026, 11, 1, 7, 0, 0));
}

Test (tzmap_local, lord_howe_half_hour)
{
  g_autoptr(TzMap) map = map_new ("Australia/Lord_Howe");

  /* fold 01:30..02:00 on 5 April: +11:00 first */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 4, 5, 1, 45, 0)), wall (2026, 4, 4, 14, 45, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 4, 5, 2, 0, 0)), wall (2026, 4, 4, 15, 30, 0));
  /* gap 02:00..02:30 on 4 October: read with +10:30 */
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 4, 2, 15, 0)), wall (2026, 10, 3, 15, 45, 0));
  cr_assert_eq (tzmap_local_to_utc (map, wall (2026, 10, 4, 2, 30, 0)), wall (2026, 10, 3, 15, 30, 0));
}

Test (tzmap_local, chatham_and_samoa)
{
  g_autoptr(TzMap) chatham = map_new ("Pacific/Chatham");
  g_autoptr(TzMap) apia = map_new ("Pacific/Apia");

  cr_assert_eq (tzmap_local_to_utc (chatham, wall (2026, 7, 1, 12, 45, 0)), wall (2026, 7, 1, 0, 0, 0));
  cr_assert_eq (tzmap_local_to_utc (chatham, wall (2026, 1, 1, 13, 45, 0)), wall (2026, 1, 1, 0, 0, 0));
  /* 30 December 2011 never happened in Samoa: read with -10:00 */
  cr_assert_eq (tzmap_local_to_utc (apia, wall (2011, 12, 30, 12, 0, 0)), wall (2011, 12, 30, 22, 0, 0));
  cr_assert_eq (tzmap_local_to_utc (apia, wall (2011, 12, 31, 0, 0, 0)), wall (2011, 12, 30, 10, 0, 0));
  cr_assert_eq (tzmap_local_to_utc (apia, wall (2011, 12, 29, 23, 59, 59)), wall (2011, 12, 30, 9, 59, 59));
}

Test (tzmap_local, extremes_do_not_overflow)
{
  g_autoptr(TzMap) map = map_new ("Pacific/Kiritimati");

  cr_assert_eq (tzmap_local_to_utc (map, G_MAXINT64), G_MAXINT64 - 50400);
  cr_assert_eq (tzmap_local_to_utc (map, G_MININT64 + 100000),
                G_MININT64 + 100000 - map->offset[0]);
}

/* Property: agreement with GDateTime {{{1 */

static void
check_zone_against_glib (const char *name, GRand *rand)
{
  g_autoptr(TzMap) map = map_new (name);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (name);
  guint i, k;

  cr_assert_not_null (tz);
  /* both sides of every transition */
  for (i = 1; i < map->n; i++)
    {
      cr_assert_eq (glib_offset (tz, map->start[i] - 1), map->offset[i - 1], "%s[%u]", name, i);
      cr_assert_eq (glib_offset (tz, map->start[i]), map->offset[i], "%s[%u]", name, i);
    }
  for (k = 0; k < 3000; k++)
    {
      gint64 t = Y1900 + (gint64) g_rand_int_range (rand, 0, 300 * 366) * 86400 +
                 g_rand_int_range (rand, 0, 86400);
      gint32 off = tzmap_offset_at (map, t);
      gint64 u;

      if (t >= Y2200)
        continue;
      cr_assert_eq (off, glib_offset (tz, t), "%s at %" G_GINT64_FORMAT, name, t);
      /* wall clock back to UTC: the same instant, or an earlier one in a fold */
      u = tzmap_local_to_utc (map, t + off);
      cr_assert_leq (u, t, "%s at %" G_GINT64_FORMAT, name, t);
      cr_assert_eq (u + tzmap_offset_at (map, u), t + off, "%s at %" G_GINT64_FORMAT, name, t);
    }
}

Test (tzmap_property, agrees_with_gdatetime)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261103);
  gsize z;

  for (z = 0; z < G_N_ELEMENTS (zones); z++)
    check_zone_against_glib (zones[z], rand);
}

/* Every wall clock maps to an instant that shows it, or lies in a gap and is
 * read with the offset before the gap. */
Test (tzmap_property, every_wall_clock)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize z;

  for (z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(TzMap) map = map_new (zones[z]);
      guint k;

      for (k = 0; k < 3000; k++)
        {
          gint64 local = Y1900 + (gint64) g_rand_int_range (rand, 0, 299 * 366) * 86400 +
                         g_rand_int_range (rand, 0, 86400);
          gint64 u = tzmap_local_to_utc (map, local);
          guint i = tzmap_interval_at (map, u);

          if (u + map->offset[i] == local)
            continue;
          /* a gap: the instant is just after a forward transition */
          cr_assert_gt (i, 0, "%s local %" G_GINT64_FORMAT, zones[z], local);
          cr_assert_eq (u, local - map->offset[i - 1], "%s local %" G_GINT64_FORMAT,
                        zones[z], local);
          cr_assert_gt (map->offset[i], map->offset[i - 1]);
        }
    }
}
