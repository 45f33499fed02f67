/* timeparse.c — CDR timestamps to UTC milliseconds, on integers only.
 *
 * Parsing fills a TimeParts (the wall clock as written and an optional
 * offset) by walking a Cursor over the bytes: hand-rolled digit reads, no
 * sscanf, no allocation, because ISO 8601 parsing runs once per CDR field.
 * A parse reports TIME_SYNTAX before TIME_RANGE: a field that is well formed
 * but out of range (month 13, minute 61, offset +25:00) only counts once the
 * whole text has matched.  Calendar arithmetic is Howard Hinnant's
 * days_from_civil / civil_from_days on the proleptic Gregorian calendar.
 */
#include "config.h"

#include <string.h>

#include "base/timeparse.h"

#define SECONDS_PER_DAY 86400

/* Calendar {{{1 */

static gint64
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

gint64
time_days_from_civil (int year, int month, int day)
{
  gint64 y = (gint64) year - (month <= 2);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;                                   /* [0, 399] */
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */

  return era * 146097 + doe - 719468;
}

void
time_civil_from_days (gint64 days, int *year, int *month, int *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;                                /* [0, 146096] */
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);         /* [0, 365] */
  gint64 mp = (5 * doy + 2) / 153;                              /* [0, 11] */
  int m = (int) (mp < 10 ? mp + 3 : mp - 9);

  *year = (int) (yoe + era * 400 + (m <= 2));
  *month = m;
  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
}

int
time_weekday_from_days (gint64 days)
{
  return (int) ((days % 7 + 7 + 3) % 7);   /* 1970-01-01 was a Thursday (3) */
}

static gboolean
is_leap_year (int year)
{
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/* 0 when MONTH is not 1..12. */
int
time_days_in_month (int year, int month)
{
  static const guint8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month < 1 || month > 12)
    return 0;
  if (month == 2 && is_leap_year (year))
    return 29;
  return days[month - 1];
}

static TimeStatus
parts_check (const TimeParts *p)
{
  if (p->year < 1 || p->year > 9999 || p->month < 1 || p->month > 12
      || p->day < 1 || p->day > time_days_in_month (p->year, p->month))
    return TIME_RANGE;
  if (p->hour < 0 || p->hour > 23 || p->minute < 0 || p->minute > 59
      || p->second < 0 || p->second > 60 || p->msec < 0 || p->msec > 999)
    return TIME_RANGE;
  if (p->has_offset && (p->offset_sec <= -SECONDS_PER_DAY || p->offset_sec >= SECONDS_PER_DAY))
    return TIME_RANGE;
  return TIME_OK;
}

/* The cursor {{{1 */

typedef struct {
  const char *s;
  gsize len;
  gsize pos;
  gboolean out_of_range;   /* a well-formed field is out of range */
} Cursor;

static inline gboolean
cur_at_end (const Cursor *c)
{
  return c->pos >= c->len;
}

static inline guint
digit_at (const Cursor *c, gsize i)
{
  return (guint) ((unsigned char) c->s[c->pos + i] - '0');   /* > 9 if not a digit */
}

/* Exactly N (<= 4) digits. */
static inline gboolean
cur_fixed (Cursor *c, guint n, int *out)
{
  guint v = 0, i;

  if (c->len - c->pos < n)
    return FALSE;
  for (i = 0; i < n; i++)
    {
      guint d = digit_at (c, i);

      if (d > 9)
        return FALSE;
      v = v * 10 + d;
    }
  c->pos += n;
  *out = (int) v;
  return TRUE;
}

/* One or two digits. */
static gboolean
cur_1or2 (Cursor *c, int *out)
{
  if (cur_at_end (c) || digit_at (c, 0) > 9)
    return FALSE;
  if (c->len - c->pos >= 2 && digit_at (c, 1) <= 9)
    return cur_fixed (c, 2, out);
  return cur_fixed (c, 1, out);
}

static inline gboolean
cur_char (Cursor *c, char ch)
{
  if (cur_at_end (c) || c->s[c->pos] != ch)
    return FALSE;
  c->pos++;
  return TRUE;
}

static inline gboolean
cur_char_ci (Cursor *c, char lower)
{
  if (cur_at_end (c) || g_ascii_tolower (c->s[c->pos]) != lower)
    return FALSE;
  c->pos++;
  return TRUE;
}

/* One or more digits of a fraction of a second, truncated to milliseconds. */
static gboolean
cur_fraction (Cursor *c, int *msec)
{
  gsize start = c->pos;
  int ms = 0;

  while (!cur_at_end (c) && digit_at (c, 0) <= 9)
    {
      if (c->pos - start < 3)
        ms = ms * 10 + (int) digit_at (c, 0);
      c->pos++;
    }
  if (c->pos == start)
    return FALSE;
  for (gsize n = c->pos - start; n < 3; n++)
    ms *= 10;
  *msec = ms;
  return TRUE;
}

/* ±HH, ±HH:MM or ±HHMM; ALLOW_HOURS_ONLY for ISO 8601's "+01". */
static gboolean
cur_offset (Cursor *c, gboolean allow_hours_only, int *offset_sec)
{
  int sign, hh, mm = 0;

  if (cur_char (c, '+'))
    sign = 1;
  else if (cur_char (c, '-'))
    sign = -1;
  else
    return FALSE;
  if (!cur_fixed (c, 2, &hh))
    return FALSE;
  if (cur_char (c, ':'))
    {
      if (!cur_fixed (c, 2, &mm))
        return FALSE;
    }
  else if (!cur_fixed (c, 2, &mm) && !allow_hours_only)
    return FALSE;
  if (hh > 23 || mm > 59)
    c->out_of_range = TRUE;
  *offset_sec = sign * (hh * 3600 + mm * 60);
  return TRUE;
}

/* A run of ASCII letters; returns its length (0: none). */
static gsize
cur_word (Cursor *c)
{
  gsize start = c->pos;

  while (!cur_at_end (c) && g_ascii_isalpha (c->s[c->pos]))
    c->pos++;
  return c->pos - start;
}

static void
parts_set_utc (TimeParts *p)
{
  p->has_offset = TRUE;
  p->offset_sec = 0;
}

/* Check the ranges once the text has matched; clamp a leap second. */
static TimeStatus
cur_finish (const Cursor *c, TimeParts *p, TimeParts *out)
{
  TimeStatus st;

  if (!cur_at_end (c))
    return TIME_SYNTAX;
  if (c->out_of_range)
    return TIME_RANGE;
  st = parts_check (p);
  if (st != TIME_OK)
    return st;
  if (p->second == 60)
    p->second = 59;
  *out = *p;
  return TIME_OK;
}

/* ISO 8601 {{{1 */

/* "YYYY-MM-DD" */
static gboolean
cur_iso_date (Cursor *c, TimeParts *p)
{
  return cur_fixed (c, 4, &p->year) && cur_char (c, '-')
         && cur_fixed (c, 2, &p->month) && cur_char (c, '-')
         && cur_fixed (c, 2, &p->day);
}

/* "HH:MM[:SS[.f+]]" */
static gboolean
cur_iso_time (Cursor *c, TimeParts *p)
{
  if (!cur_fixed (c, 2, &p->hour) || !cur_char (c, ':') || !cur_fixed (c, 2, &p->minute))
    return FALSE;
  if (!cur_char (c, ':'))
    return TRUE;
  if (!cur_fixed (c, 2, &p->second))
    return FALSE;
  if (!cur_char (c, '.'))
    return TRUE;
  return cur_fraction (c, &p->msec);
}

/* Nothing, "Z", or an offset. */
static gboolean
cur_iso_zone (Cursor *c, TimeParts *p)
{
  if (cur_at_end (c))
    return TRUE;
  if (cur_char_ci (c, 'z'))
    {
      parts_set_utc (p);
      return TRUE;
    }
  p->has_offset = cur_offset (c, TRUE, &p->offset_sec);
  return p->has_offset;
}

static gboolean
cur_date_time_separator (Cursor *c)
{
  return cur_char_ci (c, 't') || cur_char (c, ' ');
}

TimeStatus
time_parse_iso8601 (const char *s, gsize len, TimeParts *out)
{
  Cursor c = { s, len, 0, FALSE };
  TimeParts p = { 0 };

  if (len == 0)
    return TIME_EMPTY;
  if (!cur_iso_date (&c, &p) || !cur_date_time_separator (&c)
      || !cur_iso_time (&c, &p) || !cur_iso_zone (&c, &p))
    return TIME_SYNTAX;
  return cur_finish (&c, &p, out);
}

TimeStatus
time_parse_date (const char *s, gsize len, gint64 *days)
{
  Cursor c = { s, len, 0, FALSE };
  TimeParts p = { 0 };
  TimeParts checked;
  TimeStatus st;

  if (len == 0)
    return TIME_EMPTY;
  if (!cur_iso_date (&c, &p))
    return TIME_SYNTAX;
  st = cur_finish (&c, &p, &checked);
  if (st == TIME_OK)
    *days = time_days_from_civil (p.year, p.month, p.day);
  return st;
}

/* strptime-like formats {{{1 */

enum {
  SEEN_YEAR = 1 << 0,
  SEEN_MONTH = 1 << 1,
  SEEN_DAY = 1 << 2,
  SEEN_DATE = SEEN_YEAR | SEEN_MONTH | SEEN_DAY,
};

/* Index 0..N-1 of the three-letter NAMES at the cursor (any case), or -1. */
static int
cur_name3 (Cursor *c, const char *const *names, int n)
{
  int i;

  if (c->len - c->pos < 3)
    return -1;
  for (i = 0; i < n; i++)
    if (g_ascii_strncasecmp (c->s + c->pos, names[i], 3) == 0)
      {
        c->pos += 3;
        return i;
      }
  return -1;
}

static gboolean
cur_month_name (Cursor *c, int *month)
{
  static const char *const months[12] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  };
  int i = cur_name3 (c, months, 12);

  if (i < 0)
    return FALSE;
  *month = i + 1;
  return TRUE;
}

static gboolean
cur_day_name (Cursor *c)
{
  static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

  return cur_name3 (c, days, 7) >= 0;
}

/* %Z: a zone word; UTC, GMT and Z mean offset 0, any other is ignored. */
static gboolean
cur_zone_word (Cursor *c, TimeParts *p)
{
  const char *word = c->s + c->pos;
  gsize n = cur_word (c);

  if (n == 0)
    return FALSE;
  if ((n == 3 && (g_ascii_strncasecmp (word, "utc", 3) == 0
                  || g_ascii_strncasecmp (word, "gmt", 3) == 0))
      || (n == 1 && g_ascii_tolower (word[0]) == 'z'))
    parts_set_utc (p);
  return TRUE;
}

/* %z: ±HH[:]MM or Z. */
static gboolean
cur_zone_offset (Cursor *c, TimeParts *p)
{
  if (cur_char_ci (c, 'z'))
    {
      parts_set_utc (p);
      return TRUE;
    }
  p->has_offset = cur_offset (c, FALSE, &p->offset_sec);
  return p->has_offset;
}

static gboolean
cur_spaces (Cursor *c)
{
  gsize start = c->pos;

  while (cur_char (c, ' '))
    ;
  return c->pos > start;
}

/* One % directive DIRECTIVE; *seen collects the date fields. */
static gboolean
cur_directive (Cursor *c, char directive, TimeParts *p, guint *seen)
{
  switch (directive)
    {
    case 'Y':
      *seen |= SEEN_YEAR;
      return cur_fixed (c, 4, &p->year);
    case 'm':
      *seen |= SEEN_MONTH;
      return cur_1or2 (c, &p->month);
    case 'b':
      *seen |= SEEN_MONTH;
      return cur_month_name (c, &p->month);
    case 'e':
      cur_spaces (c);
      /* fall through */
    case 'd':
      *seen |= SEEN_DAY;
      return cur_1or2 (c, &p->day);
    case 'H':
      return cur_1or2 (c, &p->hour);
    case 'M':
      return cur_1or2 (c, &p->minute);
    case 'S':
      return cur_1or2 (c, &p->second);
    case 'f':
      return cur_fraction (c, &p->msec);
    case 'a':
      return cur_day_name (c);
    case 'Z':
      return cur_zone_word (c, p);
    case 'z':
      return cur_zone_offset (c, p);
    case '%':
      return cur_char (c, '%');
    default:
      return FALSE;   /* unknown directive: the format is wrong */
    }
}

char *
time_format_problem (const char *format)
{
  static const char known[] = "YmbedHMSfaZz%";
  guint seen = 0;

  for (const char *f = format; *f; f++)
    {
      if (*f != '%')
        continue;
      f++;
      if (*f == '\0' || !strchr (known, *f))
        return g_strdup_printf ("'%%%.1s' is not a conversion rater reads"
                                " (it reads %%Y %%m %%b %%d %%e %%H %%M %%S %%f %%a %%Z %%z %%%%;"
                                " for seconds since 1970 write time_format=epoch)", f);
      seen |= *f == 'Y' ? SEEN_YEAR : *f == 'm' || *f == 'b' ? SEEN_MONTH
              : *f == 'd' || *f == 'e' ? SEEN_DAY : 0;
    }
  if ((seen & SEEN_DATE) != SEEN_DATE)
    return g_strdup ("has no full date (it needs %Y, %m or %b, and %d or %e)");
  return NULL;
}

TimeStatus
time_parse_format (const char *s, gsize len, const char *format, TimeParts *out)
{
  Cursor c = { s, len, 0, FALSE };
  TimeParts p = { 0 };
  guint seen = 0;
  const char *f = format;

  if (len == 0)
    return TIME_EMPTY;
  while (*f != '\0')
    {
      gboolean ok;

      if (*f == ' ')
        {
          while (*f == ' ')
            f++;
          ok = cur_spaces (&c);
        }
      else if (*f == '%')
        {
          ok = f[1] != '\0' && cur_directive (&c, f[1], &p, &seen);
          f += f[1] != '\0' ? 2 : 1;
        }
      else
        ok = cur_char (&c, *f++);
      if (!ok)
        return TIME_SYNTAX;
    }
  if ((seen & SEEN_DATE) != SEEN_DATE)
    return TIME_SYNTAX;
  return cur_finish (&c, &p, out);
}

/* To UTC {{{1 */

TimeStatus
time_parts_to_utc_ms (const TimeParts *p, const TzMap *tz, gint64 *out_ms)
{
  TimeStatus st = parts_check (p);
  gint64 local, utc;

  if (st != TIME_OK)
    return st;
  if (!p->has_offset && tz == NULL)
    return TIME_NO_ZONE;
  local = time_days_from_civil (p->year, p->month, p->day) * SECONDS_PER_DAY
          + p->hour * 3600 + p->minute * 60 + MIN (p->second, 59);
  if (p->has_offset)
    utc = local - p->offset_sec;
  else
    utc = tzmap_local_to_utc (tz, local);
  *out_ms = utc * 1000 + p->msec;
  return TIME_OK;
}

const char *
time_status_to_string (TimeStatus status)
{
  switch (status)
    {
    case TIME_OK:
      return "ok";
    case TIME_EMPTY:
      return "empty timestamp";
    case TIME_SYNTAX:
      return "not a valid timestamp";
    case TIME_RANGE:
      return "timestamp field out of range";
    case TIME_NO_ZONE:
      return "timestamp has no offset and no time zone was given";
    default:
      return "unknown timestamp error";
    }
}

/* Formatting {{{1 */

static char *
put2 (char *b, int v)
{
  b[0] = (char) ('0' + v / 10);
  b[1] = (char) ('0' + v % 10);
  return b + 2;
}

/* The year: four digits in 0..9999, else as many as it takes. */
static char *
put_year (char *b, int year)
{
  if (year < 0 || year > 9999)
    return b + g_snprintf (b, 16, "%d", year);
  b = put2 (b, year / 100);
  return put2 (b, year % 100);
}

/* "YYYY-MM-DDTHH:MM:SS" of the UTC second of MS; returns the end. */
static char *
put_date_time (char *b, gint64 ms)
{
  gint64 sec = floor_div (ms, 1000);
  gint64 days = floor_div (sec, SECONDS_PER_DAY);
  int rem = (int) (sec - days * SECONDS_PER_DAY);
  int year, month, day;

  time_civil_from_days (days, &year, &month, &day);
  b = put_year (b, year);
  *b++ = '-';
  b = put2 (b, month);
  *b++ = '-';
  b = put2 (b, day);
  *b++ = 'T';
  b = put2 (b, rem / 3600);
  *b++ = ':';
  b = put2 (b, rem / 60 % 60);
  *b++ = ':';
  return put2 (b, rem % 60);
}

char *
time_format_utc (gint64 ms, char *buf)
{
  char *b = put_date_time (buf, ms);

  memcpy (b, "Z", 2);
  return buf;
}

char *
time_format_utc_ms (gint64 ms, char *buf)
{
  char *b = put_date_time (buf, ms);
  int frac = (int) (ms % 1000);

  if (frac < 0)
    frac += 1000;
  *b++ = '.';
  *b++ = (char) ('0' + frac / 100);
  b = put2 (b, frac % 100);
  memcpy (b, "Z", 2);
  return buf;
}

TimeStatus
time_parse_period (const char *s, gsize len, int *year, int *month)
{
  if (len == 0)
    return TIME_EMPTY;
  if (len != 7 || s[4] != '-')
    return TIME_SYNTAX;
  int v[7];
  for (int i = 0; i < 7; i++)
    {
      if (i != 4 && !g_ascii_isdigit (s[i]))
        return TIME_SYNTAX;
      v[i] = s[i] - '0';
    }
  int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], m = v[5] * 10 + v[6];
  if (y < 1 || m < 1 || m > 12)
    return TIME_RANGE;
  *year = y, *month = m;
  return TIME_OK;
}

gint64
time_now_ms (void)
{
  const char *fixed = g_getenv ("RATER_NOW");
  TimeParts parts;
  gint64 ms;

  if (fixed && time_parse_iso8601 (fixed, strlen (fixed), &parts) == TIME_OK
      && time_parts_to_utc_ms (&parts, NULL, &ms) == TIME_OK)
    return ms;
  if (fixed)
    g_warning ("RATER_NOW='%s' is not an ISO 8601 instant with an offset; using the clock", fixed);
  return g_get_real_time () / 1000;
}

char *
time_format_utc_date (gint64 ms, char *buf)
{
  char full[32];

  time_format_utc (ms, full);
  memcpy (buf, full, 10);
  buf[10] = '\0';
  return buf;
}
