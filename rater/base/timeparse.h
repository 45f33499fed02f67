/* timeparse.h — CDR timestamps to UTC milliseconds.
 *
 * CDRs write times as ISO 8601 with or without an offset and with up to 7
 * fractional digits ("2019-11-01T00:00:08.2589935Z"), as "YYYY-MM-DD HH:MM:SS"
 * in a switch's local time, or in vendor layouts described by a strptime-like
 * format ("%H:%M:%S.%f %Z %a %b %d %Y").  Parsing yields TimeParts (the wall
 * clock as written plus an optional offset); a TzMap turns a wall clock without
 * an offset into UTC.  Fractions below a millisecond are truncated.  Calendar
 * arithmetic is proleptic Gregorian on integers (days_from_civil).
 */
#pragma once

#include <glib.h>
#include "base/tzmap.h"

typedef enum {
  TIME_OK = 0,
  TIME_EMPTY,       /* empty field */
  TIME_SYNTAX,      /* does not match the layout */
  TIME_RANGE,       /* a field out of range: month 13, Feb 30, hour 24, year < 1 */
  TIME_NO_ZONE,     /* no offset written and no zone given */
} TimeStatus;

typedef struct {
  int year, month, day;        /* civil date as written */
  int hour, minute, second;    /* wall clock as written, 0..23, 0..59, 0..60 (60 is clamped to 59) */
  int msec;                    /* 0..999, truncated from the written fraction */
  gboolean has_offset;         /* an offset or 'Z'/'UTC' was written */
  int offset_sec;              /* seconds east of UTC when has_offset */
} TimeParts;

/* Days since 1970-01-01 of a proleptic Gregorian date (negative before). */
gint64 time_days_from_civil (int year, int month, int day);
/* Inverse of time_days_from_civil. */
void time_civil_from_days (gint64 days, int *year, int *month, int *day);
/* 0 = Monday .. 6 = Sunday, for days since 1970-01-01. */
int time_weekday_from_days (gint64 days);
/* Days in MONTH (1..12) of YEAR. */
int time_days_in_month (int year, int month);

/* ISO 8601 / RFC 3339 date-time: "YYYY-MM-DD[T| ]HH:MM[:SS[.f+]][Z|±HH[:MM]|±HHMM]".
 * LEN bytes of S, surrounding spaces not allowed. */
TimeStatus time_parse_iso8601 (const char *s, gsize len, TimeParts *out);

/* A timestamp in a strptime-like FORMAT: %Y %m %d %e %H %M %S, %f (1+ fraction
 * digits), %b (Jan..Dec, any case), %a (Mon..Sun, checked for syntax only),
 * %Z (a zone word: UTC/GMT/Z set offset 0; any other word is ignored),
 * %z (±HH[:]MM or Z), %% ; a space in FORMAT matches one or more spaces; other
 * characters match themselves. */
TimeStatus time_parse_format (const char *s, gsize len, const char *format,
                              TimeParts *out);

/* NULL when every conversion of FORMAT is one time_parse_format reads and
 * it writes a full date; else a phrase saying what is wrong (free it). */
char *time_format_problem (const char *format);

/* A billing period "YYYY-MM" (year 1..9999, month 1..12), exactly 7 bytes. */
TimeStatus time_parse_period (const char *s, gsize len, int *year, int *month);

/* "YYYY-MM-DD" into *days (days since epoch). */
TimeStatus time_parse_date (const char *s, gsize len, gint64 *days);

/* The instant of P in UTC milliseconds: P's own offset when written, else the
 * zone TZ (NULL: TIME_NO_ZONE).  Range-checks the fields. */
TimeStatus time_parts_to_utc_ms (const TimeParts *p, const TzMap *tz,
                                 gint64 *out_ms);

/* A short lowercase phrase for a status. */
const char *time_status_to_string (TimeStatus status);

/* "YYYY-MM-DDTHH:MM:SSZ" of UTC milliseconds MS (sub-second part dropped)
 * into BUF (at least 32 bytes); returns BUF. */
char *time_format_utc (gint64 ms, char *buf);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of UTC milliseconds into BUF (>= 32 bytes). */
char *time_format_utc_ms (gint64 ms, char *buf);

/* What a call can plausibly be (README "Ingest" and "Notes on the spec"):
 * every instant a CDR gives lies in [TIME_CALL_MIN_MS, TIME_CALL_END_MS) —
 * 1970-01-01 to 2200-01-01 UTC, the years the zone tables cover — and a
 * duration is 0 to TIME_CALL_MAX_SECONDS (7 days).  Ingest rejects anything
 * else (bad_timestamp, bad_duration, cdr.c); the rating core refuses to rate
 * a stored call outside them (ratecore.c), so no later stage ever sees a
 * year-10000 start or a duration that does not fit 32 bits. */
#define TIME_CALL_MIN_MS G_GINT64_CONSTANT (0)                /* 1970-01-01T00:00:00Z */
#define TIME_CALL_END_MS G_GINT64_CONSTANT (7258118400000)    /* 2200-01-01T00:00:00Z, excluded */
#define TIME_CALL_MAX_SECONDS G_GINT64_CONSTANT (604800)      /* 7 days */

static inline gboolean
time_call_instant_ok (gint64 ms)
{
  return ms >= TIME_CALL_MIN_MS && ms < TIME_CALL_END_MS;
}

static inline gboolean
time_call_duration_ok (gint64 seconds)
{
  return seconds >= 0 && seconds <= TIME_CALL_MAX_SECONDS;
}

/* The current time as UTC milliseconds.  When the environment variable
 * RATER_NOW holds an ISO 8601 instant with an offset ("2026-12-03T02:00:00Z")
 * that is used instead, so tests and replays of a night can fix the clock;
 * an unparsable RATER_NOW is ignored with a warning. */
gint64 time_now_ms (void);

/* "YYYY-MM-DD" of the UTC day of MS into BUF (at least 11 bytes). */
char *time_format_utc_date (gint64 ms, char *buf);
