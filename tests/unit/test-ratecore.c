/* test-ratecore.c — the rating core against billing.md §9 and edge cases. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "rate/ratecore.h"
#include "base/timeparse.h"

static gint64
ms (const char *iso)
{
  TimeParts p;
  gint64 v;
  cr_assert_eq (time_parse_iso8601 (iso, strlen (iso), &p), TIME_OK, "%s", iso);
  cr_assert_eq (time_parts_to_utc_ms (&p, NULL, &v), TIME_OK);
  return v;
}

static TariffRow
row (const char *prefix, const char *group, guint dir, DeckBand band, gint64 rate, gint64 fee,
     gint32 first, gint32 next)
{
  TariffRow r = { .direction = (guint8) dir, .band = (guint8) band, .inc_first = first,
                  .inc_next = next, .rate = rate, .connect_fee = fee, .from_ms = 0,
                  .to_ms = G_MAXINT64, .destination = prefix, .group = group };
  g_strlcpy (r.prefix, prefix, sizeof r.prefix);
  r.prefix_len = (guint8) strlen (prefix);
  return r;
}

/* The deck of billing.md §9. */
static Tariff *
spec_tariff (void)
{
  const TariffRow rows[] = {
    row ("44", "INTL", 0, DECK_BAND_ALL, 100000, 0, 1, 1),
    row ("447", "MOBILE", 0, DECK_BAND_ALL, 250000, 50000, 60, 60),
    row ("4420", "DOMESTIC", 0, DECK_BAND_PEAK, 20000, 0, 60, 1),
    row ("4420", "DOMESTIC", 0, DECK_BAND_OFFPEAK, 10000, 0, 60, 1),
    row ("4480", "TOLLFREE", 1, DECK_BAND_ALL, 30000, 0, 1, 1),
  };
  return tariff_new (rows, G_N_ELEMENTS (rows));
}

typedef struct {
  const char *name;
  guint dir;
  const char *number;
  const char *start;
  gint32 duration;
  int decimals;
  RateStatus status;
  RateReason reason;
  const char *prefix;     /* NULL: no row */
  CallBand band;
  gint32 billable;
  gint64 charge;
} Example;

static const Example examples[] = {
  { "1", 0, "442079460000", "2026-11-03T10:00:00Z", 61, 6, RATE_RATED, 0, "4420", CALL_BAND_PEAK, 61, 20334 },
  { "2", 0, "442079460000", "2026-11-03T19:30:00Z", 61, 6, RATE_RATED, 0, "4420", CALL_BAND_OFFPEAK, 61, 10167 },
  { "3", 0, "442079460000", "2026-11-07T10:00:00Z", 30, 6, RATE_RATED, 0, "4420", CALL_BAND_WEEKEND, 60, 10000 },
  { "4", 0, "447700900123", "2026-11-03T11:00:00Z", 61, 6, RATE_RATED, 0, "447", CALL_BAND_PEAK, 120, 550000 },
  { "5", 0, "4413", "2026-11-03T11:00:00Z", 10, 6, RATE_RATED, 0, "44", CALL_BAND_PEAK, 10, 16667 },
  { "6", 0, "15551234567", "2026-11-03T11:00:00Z", 61, 6, RATE_UNRATED, RATE_REASON_NO_RATE, NULL, CALL_BAND_PEAK, 0, 0 },
  { "7", 1, "448001234567", "2026-11-03T11:00:00Z", 100, 6, RATE_RATED, 0, "4480", CALL_BAND_PEAK, 100, 50000 },
  { "8", 1, "442079460001", "2026-11-03T11:00:00Z", 100, 6, RATE_FREE, 0, NULL, CALL_BAND_PEAK, 0, 0 },
  { "9", 0, "447700900123", "2026-11-03T11:00:00Z", 0, 6, RATE_UNANSWERED, 0, NULL, CALL_BAND_PEAK, 0, 0 },
  { "10", 0, "447700900123", "2026-11-03T11:00:00Z", 1, 2, RATE_RATED, 0, "447", CALL_BAND_PEAK, 60, 300000 },
  { "11", 0, "4413", "2026-11-03T11:00:00Z", 10, 2, RATE_RATED, 0, "44", CALL_BAND_PEAK, 10, 20000 },
  { "12", 0, "442079460000", "2026-06-01T07:30:00Z", 60, 6, RATE_RATED, 0, "4420", CALL_BAND_PEAK, 60, 20000 },
};

static void
fill (RateBatch *b, guint i, gint32 account, const Example *e)
{
  b->account[i] = account;
  b->start_ms[i] = ms (e->start);
  b->duration[i] = e->duration;
  b->direction[i] = (guint8) e->dir;
  b->answered[i] = e->duration > 0;
  memset (b->number[i], 0, 16);
  g_strlcpy (b->number[i], e->number, 16);
  b->number_len[i] = (guint8) strlen (e->number);
}

Test (ratecore, worked_examples_of_billing_md)
{
  g_autoptr(Tariff) tariff = spec_tariff ();
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  const RateAccount accounts[] = { { london, tariff, 1 }, { london, tariff, 10000 } };
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  b->n = G_N_ELEMENTS (examples);
  for (guint i = 0; i < b->n; i++)
    fill (b, i, examples[i].decimals == 6 ? 0 : 1, &examples[i]);
  ratecore_rate (accounts, b);
  for (guint i = 0; i < b->n; i++)
    {
      const Example *e = &examples[i];
      cr_assert_eq (b->status[i], e->status, "example %s: status %d", e->name, b->status[i]);
      cr_assert_eq (b->reason[i], e->reason, "example %s: reason", e->name);
      cr_assert_eq (b->band[i], e->band, "example %s: band %d", e->name, b->band[i]);
      if (e->prefix)
        cr_assert_str_eq (tariff_row (tariff, b->row[i])->prefix, e->prefix, "example %s", e->name);
      else
        cr_assert_eq (b->row[i], -1, "example %s: row", e->name);
      if (e->status == RATE_RATED)
        {
          cr_assert_eq (b->billable[i], e->billable, "example %s: billable %d", e->name, b->billable[i]);
          cr_assert_eq (b->charge[i], e->charge, "example %s: charge %" G_GINT64_FORMAT, e->name, b->charge[i]);
        }
      cr_assert_eq (b->period[i], g_str_has_prefix (e->start, "2026-06") ? 202606 : 202611);
    }
}

/* ratecore_charge, which must not overflow here. */
static gint64
charge (const TariffRow *r, gint64 billable, gint64 covered, gint64 unit)
{
  gint64 c = -1;
  const RateAccount a = { .decimals_unit = unit };
  cr_assert (ratecore_charge (&a, r, billable, covered, &c));
  return c;
}

Test (ratecore, bundle_example_charges)
{
  g_autoptr(Tariff) tariff = spec_tariff ();
  const TariffRow *peak = tariff_row (tariff, 2);
  /* A: 50 s, billable 60, fully covered: 0 even with a connect fee */
  cr_assert_eq (ratecore_billable (50, 60, 1), 60);
  cr_assert_eq (charge (peak, 60, 60, 1), 0);
  const TariffRow *mobile = tariff_row (tariff, 1);
  cr_assert_eq (charge (mobile, 120, 120, 1), 0, "fully covered: no connect fee");
  cr_assert_eq (charge (mobile, 120, 60, 1), 50000 + 250000, "partly covered: fee + the rest");
  /* B: 70 s with the pool spent */
  cr_assert_eq (charge (peak, 70, 0, 1), 23334);
}

Test (ratecore, billable_increments)
{
  cr_assert_eq (ratecore_billable (1, 60, 60), 60);
  cr_assert_eq (ratecore_billable (60, 60, 60), 60);
  cr_assert_eq (ratecore_billable (61, 60, 60), 120);
  cr_assert_eq (ratecore_billable (61, 30, 6), 66);
  cr_assert_eq (ratecore_billable (30, 30, 6), 30);
  cr_assert_eq (ratecore_billable (31, 30, 6), 36);
  cr_assert_eq (ratecore_billable (59, 1, 1), 59);
  cr_assert_eq (ratecore_billable (3601, 60, 1), 3601);
}

static CallBand
band_in (const char *zone, const char *utc)
{
  g_autoptr(TzMap) z = tzmap_new (zone, NULL);
  gint64 t = ms (utc) / 1000;
  return ratecore_band (t + tzmap_offset_at (z, t));
}

Test (ratecore, bands_in_local_time)
{
  /* London: 08:00 GMT in November, 08:00 BST = 07:00 UTC in June */
  cr_assert_eq (band_in ("Europe/London", "2026-11-03T07:59:59Z"), CALL_BAND_OFFPEAK);
  cr_assert_eq (band_in ("Europe/London", "2026-11-03T08:00:00Z"), CALL_BAND_PEAK);
  cr_assert_eq (band_in ("Europe/London", "2026-11-03T17:59:59Z"), CALL_BAND_PEAK);
  cr_assert_eq (band_in ("Europe/London", "2026-11-03T18:00:00Z"), CALL_BAND_OFFPEAK);
  cr_assert_eq (band_in ("Europe/London", "2026-06-01T07:00:00Z"), CALL_BAND_PEAK);
  cr_assert_eq (band_in ("Europe/London", "2026-06-01T06:59:59Z"), CALL_BAND_OFFPEAK);
  /* Saturday begins at local midnight: Friday 23:30 UTC is Saturday 00:30 BST */
  cr_assert_eq (band_in ("Europe/London", "2026-06-05T23:30:00Z"), CALL_BAND_WEEKEND);
  cr_assert_eq (band_in ("Europe/London", "2026-11-06T23:30:00Z"), CALL_BAND_OFFPEAK);
  /* 30- and 45-minute offsets: Kolkata +05:30, Kathmandu +05:45 */
  cr_assert_eq (band_in ("Asia/Kolkata", "2026-11-03T02:29:59Z"), CALL_BAND_OFFPEAK);
  cr_assert_eq (band_in ("Asia/Kolkata", "2026-11-03T02:30:00Z"), CALL_BAND_PEAK);
  cr_assert_eq (band_in ("Asia/Kathmandu", "2026-11-03T02:14:59Z"), CALL_BAND_OFFPEAK);
  cr_assert_eq (band_in ("Asia/Kathmandu", "2026-11-03T02:15:00Z"), CALL_BAND_PEAK);
  cr_assert_eq (band_in ("Asia/Kathmandu", "2026-11-03T12:14:59Z"), CALL_BAND_PEAK);
  cr_assert_eq (band_in ("Asia/Kathmandu", "2026-11-03T12:15:00Z"), CALL_BAND_OFFPEAK);
  /* New York across its DST end (2026-11-01 06:00 UTC) */
  cr_assert_eq (band_in ("America/New_York", "2026-10-30T12:00:00Z"), CALL_BAND_PEAK);   /* 08:00 EDT */
  cr_assert_eq (band_in ("America/New_York", "2026-11-02T12:59:59Z"), CALL_BAND_OFFPEAK); /* 07:59 EST */
  cr_assert_eq (band_in ("America/New_York", "2026-11-02T13:00:00Z"), CALL_BAND_PEAK);
}

Test (ratecore, period_is_the_local_month)
{
  g_autoptr(Tariff) tariff = spec_tariff ();
  g_autoptr(TzMap) ny = tzmap_new ("America/New_York", NULL);
  g_autoptr(TzMap) tokyo = tzmap_new ("Asia/Tokyo", NULL);
  const RateAccount accounts[] = { { ny, tariff, 1 }, { tokyo, tariff, 1 } };
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  Example e = { "p", 0, "442079460000", "2026-12-01T03:00:00Z", 60, 6, 0, 0, NULL, 0, 0, 0 };
  b->n = 3;
  fill (b, 0, 0, &e);   /* 22:00 on 30 November in New York */
  fill (b, 1, 1, &e);   /* 12:00 on 1 December in Tokyo */
  fill (b, 2, -1, &e);  /* unknown account: UTC */
  ratecore_rate (accounts, b);
  cr_assert_eq (b->period[0], 202611);
  cr_assert_eq (b->period[1], 202612);
  cr_assert_eq (b->period[2], 202612);
  cr_assert_eq (b->status[2], RATE_UNRATED);
  cr_assert_eq (b->reason[2], RATE_REASON_UNKNOWN_ACCOUNT);
}

Test (ratecore, unanswered_wins_over_unknown_account)
{
  g_autoptr(Tariff) tariff = spec_tariff ();
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  const RateAccount accounts[] = { { london, tariff, 1 } };
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  b->n = 1;
  fill (b, 0, -1, &examples[8]);
  ratecore_rate (accounts, b);
  cr_assert_eq (b->status[0], RATE_UNANSWERED);
  cr_assert_eq (b->charge[0], 0);
}

/* One call of EXAMPLE 1 (peak DOMESTIC) changed by the caller, rated alone. */
static RateBatch *
rate_one (const RateAccount *accounts, const char *start, gint32 duration)
{
  RateBatch *b = g_new0 (RateBatch, 1);
  Example e = examples[0];
  e.start = start;
  e.duration = duration;
  b->n = 1;
  fill (b, 0, 0, &e);
  b->answered[0] = 1;     /* as stored: a negative duration too */
  ratecore_rate (accounts, b);
  return b;
}

Test (ratecore, implausible_durations_are_unrated_never_narrowed)
{
  g_autoptr(Tariff) tariff = spec_tariff ();
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  const RateAccount accounts[] = { { london, tariff, 1 } };
  /* 7 days is the limit: rated in full */
  g_autofree RateBatch *week = rate_one (accounts, "2026-11-03T10:00:00Z", 604800);
  cr_assert_eq (week->status[0], RATE_RATED);
  cr_assert_eq (week->billable[0], 604800);
  cr_assert_eq (week->charge[0], 604800 * G_GINT64_CONSTANT (20000) / 60);
  /* one second more, and a stored 2^31 s or more (saturated by the reader)
   * used to be billed 0 (2^31) or 61 s (2^32 + 61): unrated now */
  const gint32 bad[] = { 604801, G_MAXINT32, -1 };
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autofree RateBatch *b = rate_one (accounts, "2026-11-03T10:00:00Z", bad[k]);
      cr_assert_eq (b->status[0], RATE_UNRATED, "duration %d", bad[k]);
      cr_assert_eq (b->reason[0], RATE_REASON_IMPLAUSIBLE, "duration %d", bad[k]);
      cr_assert_eq (b->charge[0], 0);
      cr_assert_eq (b->billable[0], 0);
      cr_assert_eq (b->period[0], 202611);
    }
}

Test (ratecore, implausible_starts_are_unrated_in_a_valid_period)
{
  g_autoptr(Tariff) tariff = spec_tariff ();
  g_autoptr(TzMap) ny = tzmap_new ("America/New_York", NULL);
  const RateAccount accounts[] = { { ny, tariff, 1 } };
  g_autofree RateBatch *last = rate_one (accounts, "2199-12-31T23:59:59Z", 60);
  cr_assert_eq (last->status[0], RATE_RATED);
  cr_assert_eq (last->period[0], 219912);
  /* UTC year 10000 (local 9999-12-31 in New York) used to be period 0000-01 */
  const char *bad[] = { "2200-01-01T00:00:00Z", "10000-01-01T04:59:59Z", "1969-12-31T23:59:59Z" };
  const gint32 period[] = { 219912, 219912, 196912 };
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autofree RateBatch *b = g_new0 (RateBatch, 1);
      Example e = examples[0];
      b->n = 1;
      fill (b, 0, 0, &e);
      /* 10000-01-01 cannot be parsed: its milliseconds, computed */
      b->start_ms[0] = k == 1 ? (time_days_from_civil (10000, 1, 1) * 86400 + 4 * 3600 + 59 * 60 + 59) * 1000
                              : ms (bad[k]);
      ratecore_rate (accounts, b);
      cr_assert_eq (b->status[0], RATE_UNRATED, "%s", bad[k]);
      cr_assert_eq (b->reason[0], RATE_REASON_IMPLAUSIBLE, "%s", bad[k]);
      cr_assert_eq (b->charge[0], 0);
      cr_assert_eq (b->period[0], period[k], "%s: period %d", bad[k], b->period[0]);
    }
}

Test (ratecore, charge_overflow_is_unrated_never_wrapped)
{
  /* 9999999999.999999 a minute, as a deck imported before the import limits
   * could hold: 3600 s used to overflow int64 into a large credit */
  const TariffRow rows[] = {
    row ("4420", "DOMESTIC", 0, DECK_BAND_ALL, G_GINT64_CONSTANT (9999999999999999), 0, 1, 1),
    row ("447", "MOBILE", 0, DECK_BAND_ALL, 1000000, G_MAXINT64 - 10, 1, 1),
  };
  g_autoptr(Tariff) tariff = tariff_new (rows, G_N_ELEMENTS (rows));
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  const RateAccount accounts[] = { { london, tariff, 1 } };
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  Example e = examples[0];
  b->n = 4;
  e.duration = 3600;
  fill (b, 0, 0, &e);
  e.duration = 60;        /* 60 s fits: 9999999999.999999 */
  fill (b, 1, 0, &e);
  e.number = "447700900123";
  fill (b, 2, 0, &e);     /* the connect fee plus one unit overflows */
  e.duration = 0;
  fill (b, 3, 0, &e);     /* unanswered: nothing computed */
  ratecore_rate (accounts, b);
  cr_assert_eq (b->status[0], RATE_UNRATED);
  cr_assert_eq (b->reason[0], RATE_REASON_OVERFLOW);
  cr_assert_eq (b->charge[0], 0);
  cr_assert_eq (b->billable[0], 0);
  cr_assert_eq (b->status[1], RATE_RATED);
  cr_assert_eq (b->charge[1], G_GINT64_CONSTANT (9999999999999999));
  cr_assert_eq (b->status[2], RATE_UNRATED);
  cr_assert_eq (b->reason[2], RATE_REASON_OVERFLOW);
  cr_assert_eq (b->status[3], RATE_UNANSWERED);
  /* the bundle pass's charge is checked the same way */
  gint64 c = 1;
  cr_assert_not (ratecore_charge (&(const RateAccount) { .decimals_unit = 1 }, &rows[0], 3600, 0, &c));
  cr_assert_eq (c, 0);
  cr_assert_not (ratecore_charge (&(const RateAccount) { .decimals_unit = 100 }, &rows[0], 120, 0, &c) && c < 0);
  cr_assert (ratecore_charge (&(const RateAccount) { .decimals_unit = 1 }, &rows[0], 3600, 3540, &c));
  cr_assert_eq (c, G_GINT64_CONSTANT (9999999999999999));
  /* rounding up to the plan's decimals cannot overflow either */
  const TariffRow edge = row ("4", "X", 0, DECK_BAND_ALL, 0, G_MAXINT64 - 5, 1, 1);
  cr_assert_not (ratecore_charge (&(const RateAccount) { .decimals_unit = 10000 }, &edge, 1, 0, &c));
  cr_assert (ratecore_charge (&(const RateAccount) { .decimals_unit = 1 }, &edge, 1, 0, &c));
  cr_assert_eq (c, G_MAXINT64 - 5);
}

Test (ratecore, peak_ends_at_18_in_the_batch_pass)
{
  /* the band the batch computes (pass 1, with its zone and month caches),
   * not only ratecore_band(): 17:59:59 local is peak, 18:00:00 offpeak,
   * 07:59:59 offpeak, 08:00:00 peak — in London (GMT) and New York (EST) */
  g_autoptr(Tariff) tariff = spec_tariff ();
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  g_autoptr(TzMap) ny = tzmap_new ("America/New_York", NULL);
  const RateAccount accounts[] = { { london, tariff, 1 }, { ny, tariff, 1 } };
  static const struct { gint32 account; const char *start; CallBand band; gint64 charge; } cases[] = {
    { 0, "2026-11-03T17:59:59Z", CALL_BAND_PEAK, 20334 },
    { 0, "2026-11-03T18:00:00Z", CALL_BAND_OFFPEAK, 10167 },
    { 0, "2026-11-03T07:59:59Z", CALL_BAND_OFFPEAK, 10167 },
    { 0, "2026-11-03T08:00:00Z", CALL_BAND_PEAK, 20334 },
    { 1, "2026-11-03T22:59:59Z", CALL_BAND_PEAK, 20334 },
    { 1, "2026-11-03T23:00:00Z", CALL_BAND_OFFPEAK, 10167 },
    { 0, "2026-11-06T17:59:59Z", CALL_BAND_PEAK, 20334 },
    { 0, "2026-11-06T18:00:00Z", CALL_BAND_OFFPEAK, 10167 },
  };
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  b->n = G_N_ELEMENTS (cases);
  for (guint i = 0; i < b->n; i++)
    {
      Example e = examples[0];
      e.start = cases[i].start;
      fill (b, i, cases[i].account, &e);
    }
  ratecore_rate (accounts, b);
  for (guint i = 0; i < b->n; i++)
    {
      cr_assert_eq (b->band[i], cases[i].band, "%s: band %d", cases[i].start, b->band[i]);
      cr_assert_eq (b->status[i], RATE_RATED, "%s", cases[i].start);
      cr_assert_eq (b->charge[i], cases[i].charge, "%s: charge %" G_GINT64_FORMAT, cases[i].start,
                    b->charge[i]);
    }
}

/* ---- billing.md §10: tariff options, worked examples 13-19 ---- */

/* Row 4420 peak of §9 with options, and its offpeak row. */
static Tariff *
option_tariff (gint32 first, gint32 next, const TariffTier *tiers, guint n_tiers, gint64 min,
               gint64 max)
{
  TariffRow rows[] = {
    row ("4420", "DOMESTIC", 0, DECK_BAND_PEAK, 20000, 0, first, next),
    row ("4420", "DOMESTIC", 0, DECK_BAND_OFFPEAK, 10000, 0, 60, 1),
  };
  rows[0].tiers = tiers, rows[0].n_tiers = n_tiers;
  rows[0].min_charge = min, rows[0].max_charge = max;
  return tariff_new (rows, G_N_ELEMENTS (rows));
}

/* Rate one call to 442079460000 at START (UTC) for DURATION through the
 * batch for ACCOUNT; its band into *BAND, billable into *BILLABLE. */
static gint64
rate_opt (const RateAccount *account, const char *start, gint32 duration, CallBand *band,
          gint32 *billable)
{
  g_autofree RateBatch *b = g_new0 (RateBatch, 1);
  Example e = examples[0];
  e.start = start;
  e.duration = duration;
  b->n = 1;
  fill (b, 0, 0, &e);
  ratecore_rate (account, b);
  cr_assert_eq (b->status[0], RATE_RATED, "%s %d s: status %d", start, duration, b->status[0]);
  if (band)
    *band = b->band[0];
  if (billable)
    *billable = b->billable[0];
  return b->charge[0];
}

#define TUE_10 "2026-11-03T10:00:00Z"

Test (ratecore, example_13_14_tiers)
{
  const TariffTier tiers[] = { { .start = 60, .rate = 10000, .inc_first = 1, .inc_next = 1 } };
  g_autoptr(Tariff) t = option_tariff (60, 60, tiers, 1, 0, 0);
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  const RateAccount a = { london, t, 1 };
  gint32 billable;
  cr_assert_eq (rate_opt (&a, TUE_10, 90, NULL, &billable), 25000);   /* 13 */
  cr_assert_eq (billable, 90);
  cr_assert_eq (rate_opt (&a, TUE_10, 45, NULL, &billable), 20000);   /* 14 */
  cr_assert_eq (billable, 60);
  /* ending exactly at START does not reach the tier */
  cr_assert_eq (rate_opt (&a, TUE_10, 60, NULL, &billable), 20000);
  cr_assert_eq (billable, 60);
  cr_assert_eq (rate_opt (&a, TUE_10, 61, NULL, &billable), 20000 + 167);
  /* bundle cover comes from the earliest interval: 70 covered of 90 leaves 20 s at 0.01 */
  cr_assert_eq (charge (tariff_row (t, 0), 90, 70, 1), 3334);
  cr_assert_eq (charge (tariff_row (t, 0), 90, 30, 1), 10000 + 5000);
  cr_assert_eq (charge (tariff_row (t, 0), 90, 90, 1), 0);
}

Test (ratecore, tiers_each_interval_its_own_increment)
{
  /* 0-60 at 60/60, 60-120 at 0.01 30/30, 120- at 0.006 6/6 */
  const TariffTier tiers[] = { { 60, 30, 30, 10000 }, { 120, 6, 6, 6000 } };
  g_autoptr(Tariff) t = option_tariff (60, 60, tiers, 2, 0, 0);
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  const RateAccount a = { london, t, 1 };
  gint32 billable;
  /* 61 s: 60 + 30 (one 30 s step) */
  cr_assert_eq (rate_opt (&a, TUE_10, 61, NULL, &billable), 20000 + 5000);
  cr_assert_eq (billable, 90);
  /* 121 s: 60 + 60 + 6 */
  cr_assert_eq (rate_opt (&a, TUE_10, 121, NULL, &billable), 20000 + 10000 + 600);
  cr_assert_eq (billable, 126);
  cr_assert_eq (ratecore_billable_row (tariff_row (t, 0), 125), 126);
  cr_assert_eq (ratecore_billable_row (tariff_row (t, 0), 120), 120);
}

Test (ratecore, example_15_16_minimum_and_maximum)
{
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  g_autoptr(Tariff) min = option_tariff (60, 1, NULL, 0, 50000, 0);
  g_autoptr(Tariff) max = option_tariff (60, 1, NULL, 0, 0, 500000);
  const RateAccount am = { london, min, 1 }, ax = { london, max, 1 };
  cr_assert_eq (rate_opt (&am, TUE_10, 61, NULL, NULL), 50000);        /* 15 */
  cr_assert_eq (rate_opt (&ax, TUE_10, 3600, NULL, NULL), 500000);     /* 16 */
  cr_assert_eq (rate_opt (&ax, TUE_10, 61, NULL, NULL), 20334);        /* under the maximum */
  /* a call fully covered by the bundle still costs 0 */
  cr_assert_eq (charge (tariff_row (min, 0), 61, 61, 1), 0);
  cr_assert_eq (charge (tariff_row (min, 0), 61, 60, 1), 50000);
}

Test (ratecore, example_17_rounding_methods)
{
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  g_autoptr(Tariff) t = option_tariff (60, 1, NULL, 0, 0, 0);
  static const struct { guint8 rounding; gint64 c61, c75; } cases[] = {
    { RATE_ROUND_UP, 30000, 30000 },
    { RATE_ROUND_HALF_UP, 20000, 30000 },
    { RATE_ROUND_DOWN, 20000, 20000 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const RateAccount a = { london, t, 10000, NULL, cases[i].rounding };
      cr_assert_eq (rate_opt (&a, TUE_10, 61, NULL, NULL), cases[i].c61, "method %u 61 s", i);
      cr_assert_eq (rate_opt (&a, TUE_10, 75, NULL, NULL), cases[i].c75, "method %u 75 s", i);
      cr_assert_eq (ratecore_charge (&a, tariff_row (t, 0), 75, 0, &(gint64) { 0 }), TRUE);
    }
}

Test (ratecore, example_18_holiday_rates_as_weekend)
{
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  g_autoptr(Tariff) t = option_tariff (60, 1, NULL, 0, 0, 0);
  gint64 day;
  cr_assert_eq (time_parse_date ("2026-11-03", 10, &day), TIME_OK);
  const gint32 holidays[] = { (gint32) day - 30, (gint32) day, (gint32) day + 7 };
  const RateCalendar cal = { 31, 8 * 3600, 18 * 3600, holidays, G_N_ELEMENTS (holidays) };
  const RateAccount a = { london, t, 1, &cal, 0 };
  CallBand band;
  cr_assert_eq (rate_opt (&a, TUE_10, 61, &band, NULL), 10167);
  cr_assert_eq (band, CALL_BAND_WEEKEND);
  /* the day before is an ordinary Monday */
  cr_assert_eq (rate_opt (&a, "2026-11-02T10:00:00Z", 61, &band, NULL), 20334);
  cr_assert_eq (band, CALL_BAND_PEAK);
  /* the holiday is a local date: 00:30 BST on 2026-06-02 is 23:30 UTC on the 1st */
  cr_assert_eq (time_parse_date ("2026-06-02", 10, &day), TIME_OK);
  const gint32 june[] = { (gint32) day };
  const RateCalendar cal2 = { 31, 8 * 3600, 18 * 3600, june, 1 };
  const RateAccount a2 = { london, t, 1, &cal2, 0 };
  rate_opt (&a2, "2026-06-01T23:30:00Z", 61, &band, NULL);
  cr_assert_eq (band, CALL_BAND_WEEKEND);
  rate_opt (&a2, "2026-06-01T22:59:59Z", 61, &band, NULL);
  cr_assert_eq (band, CALL_BAND_OFFPEAK);
}

Test (ratecore, example_19_peak_hours_of_the_plan)
{
  g_autoptr(TzMap) london = tzmap_new ("Europe/London", NULL);
  g_autoptr(Tariff) t = option_tariff (60, 1, NULL, 0, 0, 0);
  const RateCalendar cal = { 31, 11 * 3600, 18 * 3600, NULL, 0 };
  const RateAccount a = { london, t, 1, &cal, 0 };
  CallBand band;
  cr_assert_eq (rate_opt (&a, TUE_10, 61, &band, NULL), 10167);
  cr_assert_eq (band, CALL_BAND_OFFPEAK);
  cr_assert_eq (rate_opt (&a, "2026-11-03T11:00:00Z", 61, &band, NULL), 20334);
  /* peak days 1;3 (Monday, Wednesday): Tuesday is weekend, Saturday too */
  const RateCalendar days = { 1 | 4, 8 * 3600, 19 * 3600, NULL, 0 };
  const RateAccount ad = { london, t, 1, &days, 0 };
  rate_opt (&ad, TUE_10, 61, &band, NULL);
  cr_assert_eq (band, CALL_BAND_WEEKEND);
  rate_opt (&ad, "2026-11-04T18:30:00Z", 61, &band, NULL);
  cr_assert_eq (band, CALL_BAND_PEAK);
  cr_assert_eq (ratecore_band_in (&days, 5 * 86400 + 36000), CALL_BAND_WEEKEND);  /* 1970-01-06, a Tuesday */
  cr_assert_eq (ratecore_band_in (&days, 6 * 86400 + 36000), CALL_BAND_PEAK);     /* a Wednesday */
  cr_assert_eq (ratecore_band_in (NULL, 6 * 86400 + 36000), ratecore_band (6 * 86400 + 36000));
}

Test (ratecore, options_overflow_is_unrated_not_wrapped)
{
  const TariffTier tiers[] = { { 60, 1, 1, G_MAXINT64 / 2 } };
  g_autoptr(Tariff) t = option_tariff (60, 60, tiers, 1, 0, 0);
  const RateAccount a = { .decimals_unit = 1 };
  gint64 c = 1;
  cr_assert_not (ratecore_charge (&a, tariff_row (t, 0), 3600, 0, &c));
  cr_assert_eq (c, 0);
}

Test (ratecore, tariff_copies_the_tiers_and_flags_option_rows)
{
  TariffTier tiers[] = { { 60, 1, 1, 10000 }, { 120, 30, 30, 5000 } };
  g_autoptr(Tariff) t = option_tariff (60, 60, tiers, 2, 0, 0);
  g_autoptr(Tariff) plain = option_tariff (60, 60, NULL, 0, 0, 0);
  g_autoptr(Tariff) min = option_tariff (60, 60, NULL, 0, 1, 0);
  const TariffRow *r = tariff_row (t, 0);
  tiers[0].rate = 99;   /* the caller's array may change or go */
  cr_assert_neq (r->tiers, tiers);
  cr_assert_eq (r->n_tiers, 2);
  cr_assert_eq (r->tiers[0].rate, 10000);
  cr_assert_eq (r->tiers[1].start, 120);
  cr_assert (r->options);
  cr_assert_not (tariff_row (t, 1)->options);
  cr_assert_null (tariff_row (t, 1)->tiers);
  cr_assert_not (tariff_row (plain, 0)->options);
  cr_assert (tariff_row (min, 0)->options);
}
