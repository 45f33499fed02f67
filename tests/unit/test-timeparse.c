/* test-timeparse.c — unit tests of timeparse.c: the proleptic Gregorian
 * calendar, ISO 8601 and strptime-like parsing, wall clocks to UTC through a
 * TzMap (across DST changes, in folds and gaps), and UTC formatting.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/timeparse.h"
#include "base/tzmap.h"

/* Helpers {{{1 */

static TimeStatus
iso (const char *s, TimeParts *p)
{
  return time_parse_iso8601 (s, strlen (s), p);
}

static TimeStatus
fmt (const char *s, const char *format, TimeParts *p)
{
  return time_parse_format (s, strlen (s), format, p);
}

static void
expect_parts (const TimeParts *p, int y, int mo, int d, int h, int mi, int s, int ms)
{
  cr_assert_eq (p->year, y);
  cr_assert_eq (p->month, mo);
  cr_assert_eq (p->day, d);
  cr_assert_eq (p->hour, h);
  cr_assert_eq (p->minute, mi);
  cr_assert_eq (p->second, s);
  cr_assert_eq (p->msec, ms);
}

static void
expect_offset (const TimeParts *p, gboolean has, int offset_sec)
{
  cr_assert_eq (p->has_offset, has);
  if (has)
    cr_assert_eq (p->offset_sec, offset_sec);
}

/* ISO text to UTC ms through ZONE (NULL: offset must be written). */
static gint64
iso_ms (const char *s, const TzMap *zone)
{
  TimeParts p;
  gint64 ms = 0;

  cr_assert_eq (iso (s, &p), TIME_OK, "'%s' should parse", s);
  cr_assert_eq (time_parts_to_utc_ms (&p, zone, &ms), TIME_OK, "'%s' to UTC", s);
  return ms;
}

static void
expect_iso_status (const char *s, TimeStatus expected)
{
  TimeParts p;

  memset (&p, 0x5a, sizeof p);
  cr_assert_eq (iso (s, &p), expected, "'%s': got %d, expected %d", s, iso (s, &p), expected);
  cr_assert_eq (p.year, 0x5a5a5a5a, "'%s': output written on failure", s);
}

static TzMap *
map_new (const char *name)
{
  g_autoptr(GError) error = NULL;
  TzMap *map = tzmap_new (name, &error);

  cr_assert_not_null (map, "%s", name);
  return map;
}

/* Calendar {{{1 */

Test (calendar, days_from_civil)
{
  cr_assert_eq (time_days_from_civil (1970, 1, 1), 0);
  cr_assert_eq (time_days_from_civil (1969, 12, 31), -1);
  cr_assert_eq (time_days_from_civil (2026, 11, 3), 20760);
  cr_assert_eq (time_days_from_civil (2000, 3, 1), 11017);
  cr_assert_eq (time_days_from_civil (1, 1, 1), -719162);
  cr_assert_eq (time_days_from_civil (9999, 12, 31), 2932896);
  cr_assert_eq (time_days_from_civil (2100, 2, 28), 47540);
  cr_assert_eq (time_days_from_civil (2100, 3, 1), 47541);   /* 2100 is not leap */
  cr_assert_eq (time_days_from_civil (2000, 3, 1) - time_days_from_civil (2000, 2, 28), 2);
  cr_assert_eq (time_days_from_civil (1900, 1, 1), -25567);
  cr_assert_eq (time_days_from_civil (1600, 2, 29), -135081);
}

Test (calendar, round_trip_every_day)
{
  gint64 first = time_days_from_civil (1, 1, 1), last = time_days_from_civil (9999, 12, 31);
  int py, pm, pd;
  gint64 d;

  time_civil_from_days (first, &py, &pm, &pd);
  cr_assert (py == 1 && pm == 1 && pd == 1);
  for (d = first + 1; d <= last; d++)
    {
      int y, m, day;

      time_civil_from_days (d, &y, &m, &day);
      if (day != pd + 1)
        {
          /* a new month: the previous day was the last of its month */
          cr_assert_eq (pd, time_days_in_month (py, pm), "%d-%d-%d", py, pm, pd);
          cr_assert_eq (day, 1);
          cr_assert (m == pm + 1 || (m == 1 && pm == 12 && y == py + 1));
        }
      if (G_UNLIKELY (time_days_from_civil (y, m, day) != d))
        cr_assert_fail ("%d-%02d-%02d != %" G_GINT64_FORMAT, y, m, day, d);
      py = y, pm = m, pd = day;
    }
}

Test (calendar, before_year_one)
{
  int y, m, d;

  time_civil_from_days (time_days_from_civil (0, 2, 29), &y, &m, &d);   /* 1 BC was leap */
  cr_assert (y == 0 && m == 2 && d == 29);
  time_civil_from_days (time_days_from_civil (-400, 3, 1) - 1, &y, &m, &d);
  cr_assert (y == -400 && m == 2 && d == 29);
}

Test (calendar, weekday)
{
  cr_assert_eq (time_weekday_from_days (0), 3);                                  /* Thu */
  cr_assert_eq (time_weekday_from_days (-1), 2);                                 /* Wed */
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (2026, 11, 3)), 1); /* Tue */
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (2026, 11, 7)), 5); /* Sat */
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (2026, 11, 8)), 6); /* Sun */
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (2026, 6, 1)), 0);  /* Mon */
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (1900, 1, 1)), 0);
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (1, 1, 1)), 0);
  cr_assert_eq (time_weekday_from_days (time_days_from_civil (2000, 1, 1)), 5);
}

Test (calendar, days_in_month)
{
  cr_assert_eq (time_days_in_month (2026, 2), 28);
  cr_assert_eq (time_days_in_month (2024, 2), 29);
  cr_assert_eq (time_days_in_month (2000, 2), 29);
  cr_assert_eq (time_days_in_month (2100, 2), 28);
  cr_assert_eq (time_days_in_month (1900, 2), 28);
  cr_assert_eq (time_days_in_month (2026, 1), 31);
  cr_assert_eq (time_days_in_month (2026, 4), 30);
  cr_assert_eq (time_days_in_month (2026, 11), 30);
  cr_assert_eq (time_days_in_month (2026, 12), 31);
  cr_assert_eq (time_days_in_month (2026, 0), 0);
  cr_assert_eq (time_days_in_month (2026, 13), 0);
}

/* ISO 8601 {{{1 */

Test (iso8601, utc_and_local)
{
  TimeParts p;

  cr_assert_eq (iso ("2026-11-03T10:00:00Z", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 0, 0, 0);
  expect_offset (&p, TRUE, 0);
  cr_assert_eq (iso ("2026-11-03 10:00:00", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 0, 0, 0);
  expect_offset (&p, FALSE, 0);
  cr_assert_eq (iso ("2026-11-03t10:00:00z", &p), TIME_OK);
  expect_offset (&p, TRUE, 0);
  cr_assert_eq (iso ("2026-11-03T10:00Z", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 0, 0, 0);
  cr_assert_eq (iso ("2026-11-03T10:07", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 7, 0, 0);
  expect_offset (&p, FALSE, 0);
}

Test (iso8601, fractions_truncate_to_ms)
{
  TimeParts p;

  cr_assert_eq (iso ("2026-11-03T10:00:00.2589935Z", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 0, 0, 258);
  cr_assert_eq (iso ("2026-11-03T10:00:00.5Z", &p), TIME_OK);
  cr_assert_eq (p.msec, 500);
  cr_assert_eq (iso ("2026-11-03T10:00:00.05", &p), TIME_OK);
  cr_assert_eq (p.msec, 50);
  cr_assert_eq (iso ("2026-11-03T10:00:00.999999999Z", &p), TIME_OK);
  cr_assert_eq (p.msec, 999);
  cr_assert_eq (iso ("2026-11-03T10:00:00.000Z", &p), TIME_OK);
  cr_assert_eq (p.msec, 0);
  cr_assert_eq (iso_ms ("2019-11-01T00:00:08.2589935Z", NULL), G_GINT64_CONSTANT (1572566408258));
}

Test (iso8601, offsets)
{
  TimeParts p;

  cr_assert_eq (iso ("2026-11-03T10:00:00+05:30", &p), TIME_OK);
  expect_offset (&p, TRUE, 19800);
  cr_assert_eq (iso ("2026-11-03T10:00:00-0800", &p), TIME_OK);
  expect_offset (&p, TRUE, -28800);
  cr_assert_eq (iso ("2026-11-03T10:00:00+01", &p), TIME_OK);
  expect_offset (&p, TRUE, 3600);
  cr_assert_eq (iso ("2026-11-03T10:00:00.123-00:00", &p), TIME_OK);
  expect_offset (&p, TRUE, 0);
  cr_assert_eq (iso ("2026-11-03T10:00+05:45", &p), TIME_OK);
  expect_offset (&p, TRUE, 20700);
  cr_assert_eq (iso ("2026-11-03T10:00:00-23:59", &p), TIME_OK);
  expect_offset (&p, TRUE, -86340);
  cr_assert_eq (iso_ms ("2026-11-03T10:00:00+05:30", NULL), G_GINT64_CONSTANT (1793680200000));
  cr_assert_eq (iso_ms ("2026-11-03T10:00:00-0800", NULL), G_GINT64_CONSTANT (1793728800000));
  cr_assert_eq (iso_ms ("2026-11-03T10:00:00+01", NULL), G_GINT64_CONSTANT (1793696400000));
  cr_assert_eq (iso_ms ("2026-11-03T10:00:00Z", NULL), G_GINT64_CONSTANT (1793700000000));
}

Test (iso8601, leap_second_clamped)
{
  TimeParts p;

  cr_assert_eq (iso ("2016-12-31T23:59:60Z", &p), TIME_OK);
  expect_parts (&p, 2016, 12, 31, 23, 59, 59, 0);
  cr_assert_eq (iso ("2016-12-31T23:59:60.5Z", &p), TIME_OK);
  expect_parts (&p, 2016, 12, 31, 23, 59, 59, 500);
}

Test (iso8601, range_errors)
{
  static const char *const bad[] = {
    "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-02-30T00:00:00Z",
    "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31 12:00:00",
    "2026-11-00T10:00:00Z", "2026-11-03T24:00:00Z", "2026-11-03T10:60:00Z",
    "2026-11-03T10:00:61Z", "0000-01-01T00:00:00Z", "2026-11-03T10:00:00+24:00",
    "2026-11-03T10:00:00+05:60", "2026-11-03T10:00:00-9900",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    expect_iso_status (bad[i], TIME_RANGE);
}

Test (iso8601, syntax_errors)
{
  static const char *const bad[] = {
    "garbage", "2026-11-03", "2026-11-03T10", "2026-11-03T10:00:00Zx",
    "2026-11-03T10:00:00 ", " 2026-11-03T10:00:00", "2026-11-03T10:00:00.",
    "2026-11-03T10:00:00.Z", "2026-1-03T10:00:00", "2026-11-3T10:00:00",
    "2026-11-03T1:00:00", "2026-11-03T10:00:0", "2026-11-03T10:00:00+5",
    "2026-11-03T10:00:00+05:3", "2026-11-03T10:00:00+053", "2026-11-03X10:00:00",
    "2026/11/03 10:00:00", "2026-11-03T10:00.5Z", "2026-11-03T10:00:00 Z",
    "2026-11-03T10:00:00UTC", "2026-13-01Tgarbage", "26-11-03T10:00:00",
    "+2026-11-03T10:00:00", "2026-11-03T10:00:00,5Z", "2026-11-03  10:00:00",
    "2026-11-03T10:00:00Z+01", "\xef\xbc\x92" "026-11-03T10:00:00",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    expect_iso_status (bad[i], TIME_SYNTAX);
}

Test (iso8601, empty)
{
  expect_iso_status ("", TIME_EMPTY);
}

Test (iso8601, length_bounds)
{
  const char *s = "2026-11-03T10:00:00Z trailing";
  TimeParts p;

  cr_assert_eq (time_parse_iso8601 (s, 20, &p), TIME_OK);
  cr_assert_eq (time_parse_iso8601 (s, 19, &p), TIME_OK);
  expect_offset (&p, FALSE, 0);
  cr_assert_eq (time_parse_iso8601 (s, 18, &p), TIME_SYNTAX);
  cr_assert_eq (time_parse_iso8601 (s, 16, &p), TIME_OK);
  cr_assert_eq (time_parse_iso8601 (s, 21, &p), TIME_SYNTAX);
  cr_assert_eq (time_parse_iso8601 (s, 10, &p), TIME_SYNTAX);
}

/* strptime-like formats {{{1 */

#define AUDIOCODES "%H:%M:%S.%f %Z %a %b %d %Y"

Test (format, audiocodes)
{
  TimeParts p;
  gint64 ms = 0;

  cr_assert_eq (fmt ("18:57:52.320  UTC Mon Dec 05 2022", AUDIOCODES, &p), TIME_OK);
  expect_parts (&p, 2022, 12, 5, 18, 57, 52, 320);
  expect_offset (&p, TRUE, 0);
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_OK);
  cr_assert_eq (ms, G_GINT64_CONSTANT (1670266672320));
  cr_assert_eq (fmt ("18:57:52.320 UTC Mon Dec 05 2022", AUDIOCODES, &p), TIME_OK);
  cr_assert_eq (fmt ("18:57:52.3 gmt mon DEC 5 2022", AUDIOCODES, &p), TIME_OK);
  expect_parts (&p, 2022, 12, 5, 18, 57, 52, 300);
  expect_offset (&p, TRUE, 0);
}

Test (format, audiocodes_other_zone_word_needs_a_zone)
{
  TimeParts p;
  gint64 ms = 0;
  g_autoptr(TzMap) paris = map_new ("Europe/Paris");

  cr_assert_eq (fmt ("18:57:52.320  CET Mon Dec 05 2022", AUDIOCODES, &p), TIME_OK);
  expect_offset (&p, FALSE, 0);
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_NO_ZONE);
  cr_assert_eq (time_parts_to_utc_ms (&p, paris, &ms), TIME_OK);
  cr_assert_eq (ms, G_GINT64_CONSTANT (1670266672320) - 3600000);
}

Test (format, audiocodes_errors)
{
  TimeParts p;

  cr_assert_eq (fmt ("18:57:52.320  UTC Mon Dec 05 2022 ", AUDIOCODES, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("18:57:52.320UTC Mon Dec 05 2022", AUDIOCODES, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("18:57:52  UTC Mon Dec 05 2022", AUDIOCODES, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("18:57:52.320  UTC Xyz Dec 05 2022", AUDIOCODES, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("18:57:52.320  UTC Mon Dez 05 2022", AUDIOCODES, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("18:57:52.320  UTC Mon Dec 32 2022", AUDIOCODES, &p), TIME_RANGE);
  cr_assert_eq (fmt ("25:57:52.320  UTC Mon Dec 05 2022", AUDIOCODES, &p), TIME_RANGE);
  cr_assert_eq (fmt ("18:57:52.320  123 Mon Dec 05 2022", AUDIOCODES, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("", AUDIOCODES, &p), TIME_EMPTY);
}

Test (format, us_style)
{
  TimeParts p;

  cr_assert_eq (fmt ("11/03/2026 10:00:00", "%m/%d/%Y %H:%M:%S", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 0, 0, 0);
  expect_offset (&p, FALSE, 0);
  cr_assert_eq (fmt ("1/5/2026 7:04:09", "%m/%d/%Y %H:%M:%S", &p), TIME_OK);
  expect_parts (&p, 2026, 1, 5, 7, 4, 9, 0);
  cr_assert_eq (fmt ("02/30/2026 10:00:00", "%m/%d/%Y %H:%M:%S", &p), TIME_RANGE);
  cr_assert_eq (fmt ("11/03/26 10:00:00", "%m/%d/%Y %H:%M:%S", &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("111/03/2026 10:00:00", "%m/%d/%Y %H:%M:%S", &p), TIME_SYNTAX);
}

Test (format, numeric_offsets)
{
  TimeParts p;
  const char *f = "%Y-%m-%dT%H:%M:%S%z";

  cr_assert_eq (fmt ("2026-11-03T10:00:00+0530", f, &p), TIME_OK);
  expect_offset (&p, TRUE, 19800);
  cr_assert_eq (fmt ("2026-11-03T10:00:00-05:00", f, &p), TIME_OK);
  expect_offset (&p, TRUE, -18000);
  cr_assert_eq (fmt ("2026-11-03T10:00:00Z", f, &p), TIME_OK);
  expect_offset (&p, TRUE, 0);
  cr_assert_eq (fmt ("2026-11-03T10:00:00+05", f, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("2026-11-03T10:00:00", f, &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("2026-11-03T10:00:00+2500", f, &p), TIME_RANGE);
}

Test (format, day_with_space_and_percent)
{
  TimeParts p;

  cr_assert_eq (fmt ("Dec  5 2022 01:02:03", "%b %e %Y %H:%M:%S", &p), TIME_OK);
  expect_parts (&p, 2022, 12, 5, 1, 2, 3, 0);
  cr_assert_eq (fmt ("Dec 15 2022 01:02:03", "%b %e %Y %H:%M:%S", &p), TIME_OK);
  cr_assert_eq (p.day, 15);
  cr_assert_eq (fmt ("Dec 5 2022 01:02:03", "%b%e %Y %H:%M:%S", &p), TIME_OK);
  cr_assert_eq (p.day, 5);
  cr_assert_eq (fmt ("100% 2026-11-03 10:00", "100%% %Y-%m-%d %H:%M", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 10, 0, 0, 0);
}

Test (format, bad_formats)
{
  TimeParts p;

  cr_assert_eq (fmt ("2026-11-03", "%Y-%m-%Q", &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("2026-11-03%", "%Y-%m-%d%", &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("10:00", "%H:%M", &p), TIME_SYNTAX);              /* no date */
  cr_assert_eq (fmt ("2026-11", "%Y-%m", &p), TIME_SYNTAX);
  cr_assert_eq (fmt ("2026-11-03", "%Y-%m-%d", &p), TIME_OK);
  expect_parts (&p, 2026, 11, 3, 0, 0, 0, 0);
}

/* Dates {{{1 */

Test (date, strict)
{
  gint64 days = 0;

  cr_assert_eq (time_parse_date ("2026-11-03", 10, &days), TIME_OK);
  cr_assert_eq (days, 20760);
  cr_assert_eq (time_parse_date ("2024-02-29", 10, &days), TIME_OK);
  cr_assert_eq (time_parse_date ("0001-01-01", 10, &days), TIME_OK);
  cr_assert_eq (days, -719162);
  cr_assert_eq (time_parse_date ("1969-12-31", 10, &days), TIME_OK);
  cr_assert_eq (days, -1);
  days = 7;
  cr_assert_eq (time_parse_date ("2026-02-29", 10, &days), TIME_RANGE);
  cr_assert_eq (time_parse_date ("2026-11-3", 9, &days), TIME_SYNTAX);
  cr_assert_eq (time_parse_date ("2026-11-03T00", 13, &days), TIME_SYNTAX);
  cr_assert_eq (time_parse_date ("2026-11-03 ", 11, &days), TIME_SYNTAX);
  cr_assert_eq (time_parse_date ("20261103", 8, &days), TIME_SYNTAX);
  cr_assert_eq (time_parse_date ("", 0, &days), TIME_EMPTY);
  cr_assert_eq (days, 7);
}

/* To UTC {{{1 */

Test (to_utc, no_zone)
{
  TimeParts p;
  gint64 ms = 0;

  cr_assert_eq (iso ("2026-11-03 10:00:00", &p), TIME_OK);
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_NO_ZONE);
}

Test (to_utc, written_offset_wins_over_zone)
{
  g_autoptr(TzMap) london = map_new ("Europe/London");

  cr_assert_eq (iso_ms ("2026-06-01T08:30:00+02:00", london), iso_ms ("2026-06-01T06:30:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-06-01T08:30:00Z", london), iso_ms ("2026-06-01T08:30:00Z", NULL));
}

Test (to_utc, london_across_dst)
{
  g_autoptr(TzMap) tz = map_new ("Europe/London");

  cr_assert_eq (iso_ms ("2026-11-03 10:00:00", tz), iso_ms ("2026-11-03T10:00:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-06-01 08:30:00", tz), iso_ms ("2026-06-01T07:30:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-03-29 00:59:59", tz), iso_ms ("2026-03-29T00:59:59Z", NULL));
  /* gap: 01:30 does not exist, read as GMT (= 02:30 BST) */
  cr_assert_eq (iso_ms ("2026-03-29 01:30:00", tz), iso_ms ("2026-03-29T01:30:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-03-29 02:00:00", tz), iso_ms ("2026-03-29T01:00:00Z", NULL));
  /* fold: 01:30 happens twice, the earlier (BST) is taken */
  cr_assert_eq (iso_ms ("2026-10-25 01:30:00.250", tz), iso_ms ("2026-10-25T00:30:00.250Z", NULL));
  cr_assert_eq (iso_ms ("2026-10-25 02:00:00", tz), iso_ms ("2026-10-25T02:00:00Z", NULL));
}

Test (to_utc, new_york_across_dst)
{
  g_autoptr(TzMap) tz = map_new ("America/New_York");

  cr_assert_eq (iso_ms ("2026-03-08 01:59:59", tz), iso_ms ("2026-03-08T06:59:59Z", NULL));
  cr_assert_eq (iso_ms ("2026-03-08 02:30:00", tz), iso_ms ("2026-03-08T07:30:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-03-08 03:00:00", tz), iso_ms ("2026-03-08T07:00:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-11-01 00:59:59", tz), iso_ms ("2026-11-01T04:59:59Z", NULL));
  cr_assert_eq (iso_ms ("2026-11-01 01:30:00", tz), iso_ms ("2026-11-01T05:30:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-11-01 02:00:00", tz), iso_ms ("2026-11-01T07:00:00Z", NULL));
  cr_assert_eq (iso_ms ("2026-07-04 12:00:00.999", tz), iso_ms ("2026-07-04T16:00:00.999Z", NULL));
}

Test (to_utc, format_with_zone)
{
  g_autoptr(TzMap) tz = map_new ("America/New_York");
  TimeParts p;
  gint64 ms = 0;

  cr_assert_eq (fmt ("11/01/2026 01:30:00", "%m/%d/%Y %H:%M:%S", &p), TIME_OK);
  cr_assert_eq (time_parts_to_utc_ms (&p, tz, &ms), TIME_OK);
  cr_assert_eq (ms, iso_ms ("2026-11-01T05:30:00Z", NULL));
}

Test (to_utc, old_and_far_dates)
{
  cr_assert_eq (iso_ms ("1970-01-01T00:00:00Z", NULL), 0);
  cr_assert_eq (iso_ms ("1969-12-31T23:59:59.999Z", NULL), -1);
  cr_assert_eq (iso_ms ("1900-01-01T00:00:00Z", NULL), G_GINT64_CONSTANT (-2208988800000));
  cr_assert_eq (iso_ms ("0001-01-01T00:00:00Z", NULL), G_GINT64_CONSTANT (-62135596800000));
  cr_assert_eq (iso_ms ("0001-01-01T00:00:00+01:00", NULL),
                G_GINT64_CONSTANT (-62135596800000) - 3600000);
  cr_assert_eq (iso_ms ("2000-02-29T12:00:00Z", NULL), G_GINT64_CONSTANT (951825600000));
  cr_assert_eq (iso_ms ("2100-03-01T00:00:00Z", NULL), G_GINT64_CONSTANT (4107542400000));
  cr_assert_eq (iso_ms ("9999-12-31T23:59:59.999Z", NULL), G_GINT64_CONSTANT (253402300799999));
}

Test (to_utc, hand_built_parts_are_checked)
{
  TimeParts p = { 2026, 11, 3, 10, 0, 0, 0, TRUE, 0 };
  gint64 ms = 0;

  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_OK);
  cr_assert_eq (ms, G_GINT64_CONSTANT (1793700000000));
  p.second = 60;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_OK);
  cr_assert_eq (ms, G_GINT64_CONSTANT (1793700000000) + 59000);
  p.second = 61;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_RANGE);
  p.second = 0;
  p.hour = 24;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_RANGE);
  p.hour = 0;
  p.msec = 1000;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_RANGE);
  p.msec = 0;
  p.month = 2;
  p.day = 29;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_RANGE);
  p.day = 28;
  p.offset_sec = 86400;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_RANGE);
  p.year = 0;
  p.offset_sec = 0;
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &ms), TIME_RANGE);
}

/* Formatting {{{1 */

Test (format_utc, basics)
{
  char buf[32];

  cr_assert_str_eq (time_format_utc (0, buf), "1970-01-01T00:00:00Z");
  cr_assert_str_eq (time_format_utc (-1, buf), "1969-12-31T23:59:59Z");
  cr_assert_str_eq (time_format_utc_ms (-1, buf), "1969-12-31T23:59:59.999Z");
  cr_assert_str_eq (time_format_utc (G_GINT64_CONSTANT (1793700000999), buf), "2026-11-03T10:00:00Z");
  cr_assert_str_eq (time_format_utc_ms (G_GINT64_CONSTANT (1793700000007), buf),
                    "2026-11-03T10:00:00.007Z");
  cr_assert_str_eq (time_format_utc_ms (G_GINT64_CONSTANT (1670266672320), buf),
                    "2022-12-05T18:57:52.320Z");
  cr_assert_str_eq (time_format_utc (G_GINT64_CONSTANT (-62135596800000), buf),
                    "0001-01-01T00:00:00Z");
  cr_assert_str_eq (time_format_utc (G_GINT64_CONSTANT (253402300800000), buf),
                    "10000-01-01T00:00:00Z");
  cr_assert_str_eq (time_format_utc (G_GINT64_CONSTANT (951825600000), buf),
                    "2000-02-29T12:00:00Z");
}

Test (format_utc, extremes_fit_the_buffer)
{
  char buf[32];

  cr_assert_lt (strlen (time_format_utc_ms (G_MAXINT64, buf)), 32);
  cr_assert_lt (strlen (time_format_utc_ms (G_MININT64, buf)), 32);
  cr_assert_lt (strlen (time_format_utc (G_MININT64, buf)), 32);
}

Test (format_utc, round_trip)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 lo = G_GINT64_CONSTANT (-62135596800000), hi = G_GINT64_CONSTANT (253402300799999);
  int k;

  for (k = 0; k < 100000; k++)
    {
      gint64 ms = lo + (gint64) (((guint64) g_rand_int (rand) << 32 | g_rand_int (rand))
                                 % (guint64) (hi - lo + 1));
      char buf[32];

      cr_assert_eq (iso_ms (time_format_utc_ms (ms, buf), NULL), ms, "%s", buf);
    }
}

Test (status, strings)
{
  cr_assert_str_eq (time_status_to_string (TIME_OK), "ok");
  cr_assert_str_eq (time_status_to_string (TIME_EMPTY), "empty timestamp");
  cr_assert_not_null (time_status_to_string (TIME_SYNTAX));
  cr_assert_not_null (time_status_to_string (TIME_RANGE));
  cr_assert_not_null (time_status_to_string (TIME_NO_ZONE));
}

Test (timeparse, periods)
{
  int y = 0, m = 0;
  cr_assert_eq (time_parse_period ("2026-11", 7, &y, &m), TIME_OK);
  cr_assert_eq (y, 2026);
  cr_assert_eq (m, 11);
  cr_assert_eq (time_parse_period ("0001-01", 7, &y, &m), TIME_OK);
  cr_assert_eq (time_parse_period ("2026-13", 7, &y, &m), TIME_RANGE);
  cr_assert_eq (time_parse_period ("2026-00", 7, &y, &m), TIME_RANGE);
  cr_assert_eq (time_parse_period ("0000-05", 7, &y, &m), TIME_RANGE);
  cr_assert_eq (time_parse_period ("2026-1", 6, &y, &m), TIME_SYNTAX);
  cr_assert_eq (time_parse_period ("2026/11", 7, &y, &m), TIME_SYNTAX);
  cr_assert_eq (time_parse_period ("2026-1x", 7, &y, &m), TIME_SYNTAX);
  cr_assert_eq (time_parse_period ("2026-11-01", 10, &y, &m), TIME_SYNTAX);
  cr_assert_eq (time_parse_period ("", 0, &y, &m), TIME_EMPTY);
  cr_assert_eq (y, 1, "a failed parse leaves the outputs alone");
}
