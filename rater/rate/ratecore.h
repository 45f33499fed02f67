/* ratecore.h — the vectorised rating core (billing.md §4, §5).
 *
 * Calls flow through the core in batches of up to RATE_BATCH_MAX, held as
 * columns (structure of arrays).  For a batch the core computes, in passes
 * over whole columns: local time from the account zone's transition table,
 * band and period; the deck row (one tariff_lookup_batch per distinct deck in
 * the batch); the status; billable seconds and the charge with nothing
 * covered by a bundle.  It touches no database and keeps no state, so
 * batches can be rated on any thread in any order with the same result.
 *
 * Bundles (billing.md §6) depend on other calls and are applied afterwards
 * with ratecore_charge().
 */
#pragma once

#include <glib.h>

#include "rate/tariff.h"
#include "base/tzmap.h"

#define RATE_BATCH_MAX 1024

typedef enum {
  RATE_RATED = 0,
  RATE_FREE = 1,
  RATE_UNANSWERED = 2,
  RATE_UNRATED = 3,
} RateStatus;

typedef enum {
  RATE_REASON_NONE = 0,
  RATE_REASON_UNKNOWN_ACCOUNT = 1,
  RATE_REASON_NO_RATE = 2,
  RATE_REASON_IMPLAUSIBLE = 3,   /* start or duration outside timeparse.h's call limits */
  RATE_REASON_OVERFLOW = 4,      /* the charge does not fit 64 bits (or billable 32) */
} RateReason;

/* How a charge is rounded to the plan's call_decimals (billing.md §10,
 * plan column call_rounding). */
typedef enum {
  RATE_ROUND_UP = 0,          /* ceil: §5's rule, the default */
  RATE_ROUND_HALF_UP = 1,     /* to the nearest, ties up */
  RATE_ROUND_DOWN = 2,        /* floor */
} RateRounding;

/* A plan's peak hours and its account country's holidays (billing.md §10).
 * Days not in PEAK_DAYS, and holidays, are `weekend`; on peak days,
 * [PEAK_FROM, PEAK_TO) is `peak` and the other times `offpeak`. */
typedef struct {
  guint8 peak_days;           /* bit 0 Monday .. bit 6 Sunday */
  gint32 peak_from;           /* second of the local day, inclusive */
  gint32 peak_to;             /* second of the local day, exclusive (<= 86400) */
  const gint32 *holidays;     /* local days since 1970-01-01, sorted, distinct */
  guint n_holidays;
} RateCalendar;

/* What the core needs of an account, resolved once per run.  Zero-filled
 * options are §4 and §5's rules. */
typedef struct {
  const TzMap *zone;
  const Tariff *tariff;       /* the plan's deck */
  gint64 decimals_unit;       /* 10^(6 - call_decimals): charges round to a multiple */
  const RateCalendar *calendar;  /* NULL: Monday-Friday 08:00-18:00 peak, no holidays */
  guint8 rounding;            /* RateRounding */
} RateAccount;

typedef struct {
  guint n;
  /* inputs */
  gint32 account[RATE_BATCH_MAX];        /* index into the RateAccount array; -1 unknown */
  gint64 start_ms[RATE_BATCH_MAX];       /* UTC */
  gint32 duration[RATE_BATCH_MAX];       /* seconds; a stored value beyond 32 bits is
                                          * given saturated (G_MAXINT32, or -1 below 0) */
  guint8 direction[RATE_BATCH_MAX];      /* 0 out, 1 in */
  guint8 answered[RATE_BATCH_MAX];
  char number[RATE_BATCH_MAX][16];       /* the rated number (callee), digits */
  guint8 number_len[RATE_BATCH_MAX];
  /* outputs */
  guint8 status[RATE_BATCH_MAX];         /* RateStatus */
  guint8 reason[RATE_BATCH_MAX];         /* RateReason */
  guint8 band[RATE_BATCH_MAX];           /* CallBand */
  gint32 period[RATE_BATCH_MAX];         /* YYYYMM of the start in the account's zone */
  gint32 row[RATE_BATCH_MAX];            /* deck row index, -1 none */
  gint32 billable[RATE_BATCH_MAX];       /* seconds */
  gint64 charge[RATE_BATCH_MAX];         /* micro-units, nothing covered */
} RateBatch;

/* Rate every call of BATCH against ACCOUNTS.
 *
 * The core never narrows or multiplies a value it has not range-checked:
 * an answered call whose start or duration is outside the limits ingest
 * enforces (timeparse.h: 1970-01-01..2200-01-01 UTC, 0..7 days) — a call
 * stored before those limits existed — is `unrated` with
 * RATE_REASON_IMPLAUSIBLE (its band and period are those of the nearest
 * limit, so it still lands in a valid YYYY-MM); a charge whose arithmetic
 * overflows (a deck imported before the amount limits of catalog-import.c)
 * is `unrated` with RATE_REASON_OVERFLOW.  Neither is ever given a wrapped
 * or truncated value. */
void ratecore_rate (const RateAccount *accounts, RateBatch *batch);

/* Billable seconds of DURATION under increment F/N (billing.md §5). */
gint64 ratecore_billable (gint64 duration, gint64 first, gint64 next);

/* Billable seconds of a call of DURATION (0..7 days) priced by ROW: with
 * tiers, the sum over the intervals the call reaches of each one's span
 * under its own F/N (billing.md §10); else ratecore_billable (). */
gint64 ratecore_billable_row (const TariffRow *row, gint64 duration);

/* The rounding unit of a plan's CALL_DECIMALS (0..6): 10^(6 - call_decimals)
 * micro-units (RateAccount.decimals_unit). */
gint64 ratecore_decimals_unit (gint64 call_decimals);

/* The charge of a call of ACCOUNT priced by ROW with BILLABLE seconds
 * (ratecore_billable_row) of which COVERED came from a bundle, into
 * *CHARGE: the connect fee plus each tier's charged seconds at its rate
 * (the cover taken from the earliest intervals first), raised to the
 * row's min_charge, lowered to its max_charge, rounded to the account's
 * decimals_unit by its rounding method (billing.md §5, §10); 0 when
 * nothing is charged.  FALSE (*CHARGE 0) when it does not fit 64 bits: the
 * call must then be unrated (RATE_REASON_OVERFLOW), never billed.  Tiers
 * must be as import checks them (each interval's billable seconds never
 * exceed its length). */
gboolean ratecore_charge (const RateAccount *account, const TariffRow *row, gint64 billable,
                          gint64 covered, gint64 *charge);

/* The band of a local wall-clock second (seconds since 1970-01-01 local)
 * under §4's fixed hours. */
CallBand ratecore_band (gint64 local_sec);

/* The same under CALENDAR's peak hours and holidays (NULL: §4's). */
CallBand ratecore_band_in (const RateCalendar *calendar, gint64 local_sec);
