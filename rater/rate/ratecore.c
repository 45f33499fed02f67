/* ratecore.c — rating a batch of calls, column by column.
 *
 * Passes: (1) local time -> band and period, per call with a binary search of
 * the zone's transition table (no GTimeZone call); (2) deck rows, grouping
 * the batch by tariff and calling tariff_lookup_batch once per group;
 * (3) status; (4) billable seconds and charges, integer arithmetic on
 * gathered columns, without branches on the data.
 *
 * Nothing is narrowed or multiplied before it is range-checked: a start or
 * duration outside timeparse.h's call limits makes the call unrated
 * (implausible) in pass 3, before any arithmetic uses it, and every product
 * and sum of the charge is overflow-checked (__builtin_*_overflow); an
 * overflow makes the call unrated (overflow), never a wrapped amount.
 */
#include "config.h"

#include <string.h>

#include "rate/ratecore.h"
#include "base/timeparse.h"

#define SECONDS_PER_DAY 86400
#define PEAK_FROM (8 * 3600)
#define PEAK_TO (18 * 3600)
#define MAX_GROUPS 32

static inline gint64
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;
  return q - ((a % b != 0) & ((a < 0) != (b < 0)));
}

/* Is local day DAYS one of CAL's holidays? */
static inline gboolean
is_holiday (const RateCalendar *cal, gint64 days)
{
  guint lo = 0, hi = cal->n_holidays;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (cal->holidays[mid] < days)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < cal->n_holidays && cal->holidays[lo] == days;
}

/* The band of second SOD of local day DAYS under CAL (NULL: §4's hours). */
static inline CallBand
band_of (const RateCalendar *cal, gint64 days, gint64 sod)
{
  int weekday = time_weekday_from_days (days);   /* 0 Monday .. 6 Sunday */

  if (G_LIKELY (cal == NULL))
    return weekday >= 5 ? CALL_BAND_WEEKEND
           : sod >= PEAK_FROM && sod < PEAK_TO ? CALL_BAND_PEAK : CALL_BAND_OFFPEAK;
  if (!(cal->peak_days >> weekday & 1) || (cal->n_holidays > 0 && is_holiday (cal, days)))
    return CALL_BAND_WEEKEND;
  return sod >= cal->peak_from && sod < cal->peak_to ? CALL_BAND_PEAK : CALL_BAND_OFFPEAK;
}

CallBand
ratecore_band_in (const RateCalendar *calendar, gint64 local_sec)
{
  gint64 days = floor_div (local_sec, SECONDS_PER_DAY);
  return band_of (calendar, days, local_sec - days * SECONDS_PER_DAY);
}

CallBand
ratecore_band (gint64 local_sec)
{
  return ratecore_band_in (NULL, local_sec);
}

gint64
ratecore_billable (gint64 duration, gint64 first, gint64 next)
{
  gint64 over = duration - first;
  gint64 steps = over > 0 ? (over + next - 1) / next : 0;
  return first + steps * next;
}

/* What is added before dividing by UNIT to round by method ROUNDING. */
static inline gint64
round_add (gint64 unit, guint rounding)
{
  return rounding == RATE_ROUND_HALF_UP ? unit / 2 : rounding == RATE_ROUND_DOWN ? 0 : unit - 1;
}

/* *OUT = FEE + ceil (CHARGED * RATE / 60) rounded to a multiple of UNIT,
 * ADD added before the division (round_add; CHARGED, RATE, FEE >= 0;
 * UNIT >= 1).  FALSE (*OUT 0) when any step overflows 64 bits. */
static inline gboolean
charge_of (gint64 charged, gint64 rate, gint64 fee, gint64 unit, gint64 add, gint64 *out)
{
  gint64 product, micro, up;
  gboolean overflow = __builtin_mul_overflow (charged, rate, &product);
  overflow |= __builtin_add_overflow (product, 59, &product);
  overflow |= __builtin_add_overflow (fee, product / 60, &micro);
  overflow |= __builtin_add_overflow (micro, add, &up);
  *out = overflow ? 0 : unit == 1 ? micro : up / unit * unit;
  return !overflow;
}

/* Interval K (0: the row's own, K: tier K - 1) of ROW: [*START, *END)
 * seconds (END G_MAXINT64 for the last), increment *FIRST / *NEXT and
 * *RATE per minute. */
static inline void
interval_of (const TariffRow *row, guint k, gint64 *start, gint64 *end, gint64 *first,
             gint64 *next, gint64 *rate)
{
  const TariffTier *t = k > 0 ? &row->tiers[k - 1] : NULL;

  *start = t ? t->start : 0;
  *end = k < row->n_tiers ? row->tiers[k].start : G_MAXINT64;
  *first = t ? t->inc_first : row->inc_first;
  *next = t ? t->inc_next : row->inc_next;
  *rate = t ? t->rate : row->rate;
}

gint64
ratecore_billable_row (const TariffRow *row, gint64 duration)
{
  gint64 total = 0;

  if (row->n_tiers == 0)
    return ratecore_billable (duration, row->inc_first, row->inc_next);
  for (guint k = 0; k <= row->n_tiers; k++)
    {
      gint64 start, end, first, next, rate;
      interval_of (row, k, &start, &end, &first, &next, &rate);
      if (duration <= start)   /* ending exactly at a START does not reach it */
        break;
      total += ratecore_billable (MIN (duration, end) - start, first, next);
    }
  return total;
}

/* charge_raw of billing.md §10 for BILLABLE seconds of which COVERED came
 * from a bundle (the earliest first), before rounding, into *RAW. */
static gboolean
charge_raw (const TariffRow *row, gint64 billable, gint64 covered, gint64 *raw)
{
  gint64 sum = row->connect_fee;
  gboolean overflow = FALSE;

  for (guint k = 0; k <= row->n_tiers; k++)
    {
      gint64 start, end, first, next, rate, product;
      interval_of (row, k, &start, &end, &first, &next, &rate);
      gint64 billed = CLAMP (billable - start, 0, end - start);
      gint64 charged = billed - CLAMP (covered - start, 0, billed);
      overflow |= __builtin_mul_overflow (charged, rate, &product);
      overflow |= __builtin_add_overflow (product, 59, &product);
      overflow |= __builtin_add_overflow (sum, product / 60, &sum);
    }
  if (sum < row->min_charge)
    sum = row->min_charge;
  if (row->max_charge > 0 && sum > row->max_charge)
    sum = row->max_charge;
  *raw = overflow ? 0 : sum;
  return !overflow;
}

gint64
ratecore_decimals_unit (gint64 call_decimals)
{
  gint64 unit = 1;
  for (gint64 i = call_decimals; i < 6; i++)
    unit *= 10;
  return unit;
}

gboolean
ratecore_charge (const RateAccount *account, const TariffRow *row, gint64 billable,
                 gint64 covered, gint64 *charge)
{
  gint64 unit = account->decimals_unit, raw, up;

  *charge = 0;
  if (billable - covered <= 0)
    return TRUE;
  if (row->n_tiers == 0 && row->min_charge == 0 && row->max_charge == 0)
    return charge_of (billable - covered, row->rate, row->connect_fee, unit,
                      round_add (unit, account->rounding), charge);
  if (!charge_raw (row, billable, covered, &raw)
      || __builtin_add_overflow (raw, round_add (unit, account->rounding), &up))
    return FALSE;
  *charge = unit == 1 ? raw : up / unit * unit;
  return TRUE;
}

/* ratecore_billable_row and ratecore_charge with nothing covered, in one
 * pass over ROW's intervals, for the core: DURATION is 0..7 days (pass 3),
 * so the steps divide in 32 bits, as in pass 4. */
static gboolean
charge_options (const RateAccount *acc, const TariffRow *row, gint64 duration, gint64 *billable,
                gint64 *charge)
{
  gint64 total = 0, sum = row->connect_fee, unit = acc->decimals_unit, up;
  gboolean overflow = FALSE;

  for (guint k = 0; k <= row->n_tiers; k++)
    {
      gint64 start, end, first, next, rate, product;
      interval_of (row, k, &start, &end, &first, &next, &rate);
      if (duration <= start)
        break;
      /* an interval the call goes past is billed its length (import checks
       * that its F/N fits it exactly): only the last needs a division */
      gint64 over = duration - start - first;
      gint64 billed = duration >= end ? end - start
                      : first + (gint64) ((guint32) (over > 0 ? over + next - 1 : 0)
                                          / (guint32) next) * next;
      total += billed;
      overflow |= __builtin_mul_overflow (billed, rate, &product);
      overflow |= __builtin_add_overflow (product, 59, &product);
      overflow |= __builtin_add_overflow (sum, product / 60, &sum);
    }
  sum = MAX (sum, row->min_charge);
  sum = row->max_charge > 0 ? MIN (sum, row->max_charge) : sum;
  overflow |= __builtin_add_overflow (sum, round_add (unit, acc->rounding), &up);
  overflow |= total > G_MAXINT32;
  *billable = overflow ? 0 : total;
  *charge = overflow ? 0 : unit == 1 ? sum : up / unit * unit;
  return !overflow;
}

/* Whether the rating core may do arithmetic on call I of B at all. */
static inline gboolean
call_plausible (const RateBatch *b, guint i)
{
  return time_call_instant_ok (b->start_ms[i]) && time_call_duration_ok (b->duration[i]);
}

/* Pass 1: band and period from the start in the account's zone.  Calls of
 * a batch cluster in time, so each zone's current offset interval and the
 * current month are cached: most calls cost two comparisons instead of a
 * binary search and a civil-date conversion. */

#define ZONE_CACHE 8

typedef struct {
  const TzMap *zone;
  gint64 from, to;        /* UTC seconds where the offset holds: [from, to) */
  gint32 offset;
} ZoneSpan;

typedef struct {
  gint64 from, to;        /* local days of the cached month: [from, to) */
  gint32 period;          /* YYYYMM */
} MonthSpan;

static gint32
zone_offset (ZoneSpan *cache, const TzMap *zone, gint64 utc)
{
  ZoneSpan *c = &cache[(GPOINTER_TO_SIZE (zone) >> 4) % ZONE_CACHE];
  if (c->zone == zone && utc >= c->from && utc < c->to)
    return c->offset;
  guint i = tzmap_interval_at (zone, utc);
  c->zone = zone;
  c->from = zone->start[i];
  c->to = i + 1 < zone->n ? zone->start[i + 1] : G_MAXINT64;
  c->offset = zone->offset[i];
  return c->offset;
}

static gint32
month_of (MonthSpan *m, gint64 days)
{
  if (days >= m->from && days < m->to)
    return m->period;
  int y, mo, d;
  time_civil_from_days (days, &y, &mo, &d);
  m->from = days - (d - 1);
  m->to = m->from + time_days_in_month (y, mo);
  m->period = y * 100 + mo;
  return m->period;
}

static void
pass_local_time (const RateAccount *accounts, RateBatch *b)
{
  ZoneSpan zones[ZONE_CACHE] = { { 0 } };
  MonthSpan month = { 1, 0, 0 };
  for (guint i = 0; i < b->n; i++)
    {
      /* an implausible start (unrated in pass 3) takes the nearest limit's
       * band and period, so its period is still a YYYY-MM */
      gint64 start = CLAMP (b->start_ms[i], TIME_CALL_MIN_MS, TIME_CALL_END_MS - 1);
      gint64 utc = floor_div (start, 1000);
      gint64 local = utc;
      const RateCalendar *cal = NULL;
      if (b->account[i] >= 0)
        {
          local += zone_offset (zones, accounts[b->account[i]].zone, utc);
          cal = accounts[b->account[i]].calendar;
        }
      gint64 days = floor_div (local, SECONDS_PER_DAY);
      gint64 sod = local - days * SECONDS_PER_DAY;
      b->period[i] = month_of (&month, days);
      b->band[i] = (guint8) band_of (cal, days, sod);
    }
}

/* Pass 2: deck rows, one batched lookup per distinct tariff. */
typedef struct {
  guint n;
  guint idx[RATE_BATCH_MAX];
  guint8 direction[RATE_BATCH_MAX];
  char number[RATE_BATCH_MAX][16];
  guint8 len[RATE_BATCH_MAX];
  gint64 start_ms[RATE_BATCH_MAX];
  guint8 band[RATE_BATCH_MAX];
  gint32 row[RATE_BATCH_MAX];
} Gather;

static void
lookup_group (const Tariff *tariff, const RateAccount *accounts, RateBatch *b, Gather *g)
{
  g->n = 0;
  for (guint i = 0; i < b->n; i++)
    {
      if (b->account[i] < 0 || !b->answered[i] || accounts[b->account[i]].tariff != tariff)
        continue;
      guint k = g->n++;
      g->idx[k] = i;
      g->direction[k] = b->direction[i];
      memcpy (g->number[k], b->number[i], 16);
      g->len[k] = b->number_len[i];
      g->start_ms[k] = b->start_ms[i];
      g->band[k] = b->band[i];
    }
  tariff_lookup_batch (tariff, g->n, g->direction, (const char (*)[16]) g->number, g->len,
                       g->start_ms, g->band, g->row);
  for (guint k = 0; k < g->n; k++)
    b->row[g->idx[k]] = g->row[k];
}

static void
pass_lookup (const RateAccount *accounts, RateBatch *b)
{
  const Tariff *seen[MAX_GROUPS];
  guint n_seen = 0;
  g_autofree Gather *g = g_new (Gather, 1);

  for (guint i = 0; i < b->n; i++)
    b->row[i] = -1;
  for (guint i = 0; i < b->n; i++)
    {
      if (b->account[i] < 0 || !b->answered[i])
        continue;
      const Tariff *t = accounts[b->account[i]].tariff;
      gboolean done = FALSE;
      for (guint k = 0; k < n_seen && !done; k++)
        done = seen[k] == t;
      if (done || !t)
        continue;
      if (n_seen < MAX_GROUPS)
        seen[n_seen++] = t;
      lookup_group (t, accounts, b, g);
    }
}

/* Pass 3: status and reason. */
static void
pass_status (RateBatch *b)
{
  for (guint i = 0; i < b->n; i++)
    {
      RateStatus s;
      RateReason r = RATE_REASON_NONE;
      if (!b->answered[i])
        s = RATE_UNANSWERED;
      else if (!call_plausible (b, i))
        s = RATE_UNRATED, r = RATE_REASON_IMPLAUSIBLE, b->row[i] = -1;
      else if (b->account[i] < 0)
        s = RATE_UNRATED, r = RATE_REASON_UNKNOWN_ACCOUNT;
      else if (b->row[i] >= 0)
        s = RATE_RATED;
      else if (b->direction[i] == 1)
        s = RATE_FREE;
      else
        s = RATE_UNRATED, r = RATE_REASON_NO_RATE;
      b->status[i] = (guint8) s;
      b->reason[i] = (guint8) r;
    }
}

/* Pass 4: billable seconds and charges.  The row parameters are gathered
 * into columns first so the arithmetic loop is straight-line; the calls
 * whose row has tiers, a minimum or a maximum (billing.md §10) are listed
 * while gathering and computed afterwards, one by one. */
static void
pass_charge_options (const RateAccount *accounts, RateBatch *b, const guint *opt, guint n_opt)
{
  for (guint k = 0; k < n_opt; k++)
    {
      guint i = opt[k];
      const RateAccount *acc = &accounts[b->account[i]];
      gint64 billable, charge;
      gboolean fits = charge_options (acc, tariff_row (acc->tariff, b->row[i]), b->duration[i],
                                      &billable, &charge);
      b->billable[i] = (gint32) billable;
      b->charge[i] = charge;
      b->status[i] = (guint8) (fits ? RATE_RATED : RATE_UNRATED);
      b->reason[i] = (guint8) (fits ? RATE_REASON_NONE : RATE_REASON_OVERFLOW);
    }
}

static void
pass_charge (const RateAccount *accounts, RateBatch *b)
{
  static __thread gint64 first[RATE_BATCH_MAX], next[RATE_BATCH_MAX], rate[RATE_BATCH_MAX],
    fee[RATE_BATCH_MAX], unit[RATE_BATCH_MAX], add[RATE_BATCH_MAX], dur[RATE_BATCH_MAX];
  static __thread guint opt[RATE_BATCH_MAX];
  guint n = b->n, n_opt = 0;

  /* the rows (and their tiers) are spread over the deck: ask for all of
   * them at once, so their cache misses overlap instead of stalling the
   * gathering loop */
  for (guint i = 0; i < n; i++)
    if (b->status[i] == RATE_RATED)
      tariff_prefetch (accounts[b->account[i]].tariff, b->row[i]);
  for (guint i = 0; i < n; i++)
    {
      gboolean rated = b->status[i] == RATE_RATED;
      const RateAccount *acc = rated ? &accounts[b->account[i]] : NULL;
      const TariffRow *row = rated ? tariff_row (acc->tariff, b->row[i]) : NULL;
      if (rated && G_UNLIKELY (row->options))
        {
          /* computed after the loop below: fetch the row's tiers meanwhile */
          __builtin_prefetch (row->tiers);
          opt[n_opt++] = i;
        }
      first[i] = rated ? row->inc_first : 1;
      next[i] = rated ? row->inc_next : 1;
      rate[i] = rated ? row->rate : 0;
      fee[i] = rated ? row->connect_fee : 0;
      unit[i] = rated ? acc->decimals_unit : 1;
      add[i] = rated ? round_add (unit[i], acc->rounding) : 0;
      dur[i] = rated ? b->duration[i] : 0;
    }
  for (guint i = 0; i < n; i++)
    {
      /* a rated duration is 0..7 days (pass 3) and increments 1..G_MAXINT32,
       * so over + next - 1 < 2^32: a 32-bit division, much cheaper, is exact */
      gint64 over = dur[i] - first[i];
      guint32 steps = (guint32) (over > 0 ? over + next[i] - 1 : 0) / (guint32) next[i];
      gint64 billable = dur[i] > 0 ? first[i] + (gint64) steps * next[i] : 0;
      gint64 charge;
      gboolean fits = charge_of (billable, rate[i], fee[i], unit[i], add[i], &charge)
                      && billable <= G_MAXINT32;
      b->billable[i] = fits ? (gint32) billable : 0;
      b->charge[i] = fits && billable > 0 ? charge : 0;
      if (!fits)
        b->status[i] = RATE_UNRATED, b->reason[i] = RATE_REASON_OVERFLOW;
    }
  pass_charge_options (accounts, b, opt, n_opt);
}

void
ratecore_rate (const RateAccount *accounts, RateBatch *b)
{
  g_assert (b->n <= RATE_BATCH_MAX);
  pass_local_time (accounts, b);
  pass_lookup (accounts, b);
  pass_status (b);
  pass_charge (accounts, b);
}
