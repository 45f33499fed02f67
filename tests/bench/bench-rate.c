/* bench-rate.c — `make bench`: the rating core against the naive reference.
 *
 * Measures, in one run on the same in-memory data (no database, no I/O):
 *   core, 1 thread   RateBatches of 1024 filled column by column from the
 *                    calls, ratecore_rate on each (local time, band, period,
 *                    deck row through the index, status, billable, charge)
 *   core, 2 threads  the same batches, handed out to two GThreads
 *   naive reference  per call, the band by the same local-time logic
 *                    (tzmap_offset_at + ratecore_band) and the row by
 *                    tariff_lookup_naive (a scan of every deck row), on a
 *                    sample of the calls, scaled to calls/s
 *   core, tiers      the core on one thread again, with every deck row given
 *                    two tiers (billing.md §10: 60 s on at half the rate in
 *                    6/6, 300 s on at a quarter in 60/60) and a maximum
 * and prints calls/s for each, the 2-thread speed-up, the tiers/plain cost
 * per call and the core/naive ratio.
 * It checks that the core's row and band agree with the reference on every
 * sampled call and that both core runs give the same totals; it exits 1
 * when they do not.
 *
 * Data, deterministic (xorshift64* from --seed): a deck of --rows rows
 * (default 50,000) under ~70 country codes, prefixes nested by extending
 * earlier ones, per prefix the bands all | peak+offpeak | peak+offpeak+weekend
 * | all+weekend, ~3% of prefixes changing price on 2026-11-15 and ~1% only
 * valid from 2026-11-20 (earlier calls fall back to a shorter prefix), ~10%
 * of prefixes inbound; four accounts (Europe/London, America/New_York,
 * Asia/Kolkata, Australia/Adelaide; 6 and 2 call decimals) sharing the
 * Tariff; --calls calls (default $BENCH_CALLS or 10,000,000) over November
 * 2026: random account, 85% outbound, the number a deck prefix of the call's
 * direction extended with random digits to 10..15 digits (2% random numbers
 * that may match nothing), durations 0..3600 s, 95% answered.
 *
 * Rates are printed as floating point; no money is.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "rate/ratecore.h"
#include "rate/tariff.h"
#include "base/decimal.h"
#include "base/timeparse.h"
#include "base/tzmap.h"

#define N_ACCOUNTS 4
#define MS_PER_DAY G_GINT64_CONSTANT (86400000)
#define MAX_NUMBER 15

typedef char NumberSlot[16];  /* a number's digits, not NUL-terminated */

/* The calls, as columns: what `rater rate` reads from the calls table. */
typedef struct {
  guint n;
  gint32 *account;        /* index into the accounts */
  gint64 *start_ms;       /* UTC ms */
  gint32 *duration;       /* seconds */
  guint8 *direction;      /* 0 out, 1 in */
  guint8 *answered;
  NumberSlot *number;
  guint8 *number_len;
} Calls;

/* What a core run produced, summed: equal totals mean equal runs (in
 * practice; the rows are compared exactly on the sample). */
typedef struct {
  guint64 status[4];      /* calls per RateStatus */
  guint64 billable;       /* seconds */
  gint64 charge;          /* micro-units */
  guint64 row_sum;        /* sum of row index + 1 over rated calls */
} Totals;

/* One core run over the calls, shared by its threads. */
typedef struct {
  const Calls *calls;
  const RateAccount *accounts;
  guint n_batches;
  gint next_batch;        /* atomic: the next batch to take */
} CoreRun;

typedef struct {
  CoreRun *run;
  Totals totals;
  gint64 cpu_us;          /* CPU time of the thread: steadier than wall time on a busy machine */
} Worker;

/* --- random numbers: xorshift64*, deterministic --- */

static guint64
rng_next (guint64 *s)
{
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * G_GUINT64_CONSTANT (2685821657736338717);
}

/* Uniform in [0, n), n < 2^32. */
static guint32
rng_below (guint64 *s, guint32 n)
{
  return (guint32) (((rng_next (s) >> 32) * n) >> 32);
}

static char
rng_digit (guint64 *s)
{
  return (char) ('0' + rng_below (s, 10));
}

/* --- the deck --- */

static const char *const country_codes[] = {
  "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44",
  "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61",
  "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95",
  "98", "212", "213", "216", "234", "254", "255", "351", "352", "353", "354", "356", "358",
  "359", "370", "371", "372", "380", "385", "420", "421", "852", "886", "966", "971", "972",
};

static const char *const groups[] = { "INTL", "MOBILE", "DOMESTIC", "TOLLFREE" };

/* Band layouts of one prefix (DeckBand values), each ending in 9. */
static const guint8 layouts[4][4] = {
  { DECK_BAND_ALL, 9 },
  { DECK_BAND_PEAK, DECK_BAND_OFFPEAK, 9 },
  { DECK_BAND_PEAK, DECK_BAND_OFFPEAK, DECK_BAND_WEEKEND, 9 },
  { DECK_BAND_ALL, DECK_BAND_WEEKEND, 9 },
};

typedef struct {
  GArray *rows;           /* TariffRow */
  GHashTable *seen[2];    /* prefixes per direction (strings owned by PREFIXES) */
  GPtrArray *prefixes[2]; /* per direction, owned strings */
  guint64 rng;
} DeckGen;

static gint64
day_ms (int year, int month, int day)
{
  return time_days_from_civil (year, month, day) * MS_PER_DAY;
}

/* A new prefix: a country code plus 0..4 digits, or (half the time) an
 * existing prefix extended by 1..2 digits, so prefixes nest. */
static void
new_prefix (DeckGen *g, guint dir, char *out)
{
  GPtrArray *have = g->prefixes[dir];
  guint extra;

  if (have->len > 0 && rng_below (&g->rng, 2) == 0)
    {
      g_strlcpy (out, have->pdata[rng_below (&g->rng, have->len)], 16);
      extra = 1 + rng_below (&g->rng, 2);
    }
  else
    {
      g_strlcpy (out, country_codes[rng_below (&g->rng, G_N_ELEMENTS (country_codes))], 16);
      extra = rng_below (&g->rng, 5);
    }
  gsize len = strlen (out);
  for (guint i = 0; i < extra && len < 12; i++)
    out[len++] = rng_digit (&g->rng);
  out[len] = '\0';
}

static TariffRow
gen_row (DeckGen *g, const char *prefix, guint dir, guint band)
{
  static const gint32 incs[4][2] = { { 1, 1 }, { 60, 1 }, { 60, 60 }, { 30, 6 } };
  guint inc = rng_below (&g->rng, 4);
  TariffRow r = {
    .prefix_len = (guint8) strlen (prefix),
    .direction = (guint8) dir,
    .band = (guint8) band,
    .inc_first = incs[inc][0],
    .inc_next = incs[inc][1],
    .rate = 1000 + rng_below (&g->rng, 2000000),
    .connect_fee = rng_below (&g->rng, 4) == 0 ? rng_below (&g->rng, 100000) : 0,
    .from_ms = day_ms (2026, 1, 1),
    .to_ms = G_MAXINT64,
    .destination = "Bench destination",
    .group = groups[rng_below (&g->rng, G_N_ELEMENTS (groups))],
    .line = g->rows->len + 2,
  };
  g_strlcpy (r.prefix, prefix, sizeof r.prefix);
  return r;
}

/* The rows of one prefix: its band layout, once, split on 2026-11-15 (a
 * price change) or starting on 2026-11-20 (a new prefix). */
static void
add_prefix_rows (DeckGen *g, const char *prefix, guint dir)
{
  const guint8 *layout = layouts[rng_below (&g->rng, G_N_ELEMENTS (layouts))];
  guint kind = rng_below (&g->rng, 100);   /* 0..2 change, 3 new, else plain */

  for (guint i = 0; layout[i] <= DECK_BAND_WEEKEND; i++)
    {
      TariffRow r = gen_row (g, prefix, dir, layout[i]);
      if (kind == 3)
        r.from_ms = day_ms (2026, 11, 20);
      if (kind < 3)
        {
          TariffRow later = gen_row (g, prefix, dir, layout[i]);
          r.to_ms = later.from_ms = day_ms (2026, 11, 15);
          g_array_append_val (g->rows, r);
          r = later;
        }
      g_array_append_val (g->rows, r);
    }
}

/* A deck of at least N_ROWS rows (the last prefix's rows are kept whole). */
static GArray *
gen_deck (guint n_rows, guint64 seed, GPtrArray **out_prefixes)
{
  DeckGen g = { .rows = g_array_sized_new (FALSE, FALSE, sizeof (TariffRow), n_rows + 8),
                .rng = seed };

  for (guint d = 0; d < 2; d++)
    {
      g.prefixes[d] = g_ptr_array_new_with_free_func (g_free);
      g.seen[d] = g_hash_table_new (g_str_hash, g_str_equal);
    }
  while (g.rows->len < n_rows)
    {
      guint dir = rng_below (&g.rng, 10) == 0 ? 1 : 0;
      char prefix[16];
      new_prefix (&g, dir, prefix);
      if (g_hash_table_contains (g.seen[dir], prefix))
        continue;
      char *own = g_strdup (prefix);
      g_ptr_array_add (g.prefixes[dir], own);
      g_hash_table_add (g.seen[dir], own);
      add_prefix_rows (&g, own, dir);
    }
  for (guint d = 0; d < 2; d++)
    {
      g_hash_table_unref (g.seen[d]);
      out_prefixes[d] = g.prefixes[d];
    }
  return g.rows;
}

/* --- the calls --- */

static void
calls_alloc (Calls *c, guint n)
{
  c->n = n;
  c->account = g_new (gint32, n);
  c->start_ms = g_new (gint64, n);
  c->duration = g_new (gint32, n);
  c->direction = g_new (guint8, n);
  c->answered = g_new (guint8, n);
  c->number = g_new (NumberSlot, n);
  c->number_len = g_new (guint8, n);
}

static void
calls_clear (Calls *c)
{
  g_free (c->account);
  g_free (c->start_ms);
  g_free (c->duration);
  g_free (c->direction);
  g_free (c->answered);
  g_free (c->number);
  g_free (c->number_len);
}

/* Call I's number: a deck prefix of its direction plus random digits to
 * 10..15 digits in all, or 2% of the time 11 random digits. */
static void
gen_number (Calls *c, guint i, GPtrArray *const *prefixes, guint64 *rng)
{
  GPtrArray *have = prefixes[c->direction[i]];
  guint len = 0;

  if (have->len > 0 && rng_below (rng, 50) != 0)
    {
      const char *p = have->pdata[rng_below (rng, have->len)];
      len = (guint) strlen (p);
      memcpy (c->number[i], p, len);
    }
  guint total = MAX (len + 1, 10 + rng_below (rng, 6));
  total = MIN (total, MAX_NUMBER);
  while (len < total)
    c->number[i][len++] = rng_digit (rng);
  c->number_len[i] = (guint8) len;
}

static void
gen_calls (Calls *c, guint n, GPtrArray *const *prefixes, guint64 seed)
{
  gint64 month = day_ms (2026, 11, 1);
  guint64 rng = seed;

  calls_alloc (c, n);
  for (guint i = 0; i < n; i++)
    {
      c->account[i] = (gint32) rng_below (&rng, N_ACCOUNTS);
      c->start_ms[i] = month + rng_below (&rng, 30) * MS_PER_DAY + rng_below (&rng, 86400000);
      c->direction[i] = rng_below (&rng, 100) < 85 ? 0 : 1;
      c->answered[i] = rng_below (&rng, 100) < 95;
      c->duration[i] = c->answered[i] ? (gint32) rng_below (&rng, 3601) : 0;
      gen_number (c, i, prefixes, &rng);
    }
}

/* --- the core, on any number of threads --- */

static void
fill_batch (const Calls *c, guint from, RateBatch *b)
{
  guint n = MIN (RATE_BATCH_MAX, c->n - from);

  b->n = n;
  memcpy (b->account, c->account + from, n * sizeof *b->account);
  memcpy (b->start_ms, c->start_ms + from, n * sizeof *b->start_ms);
  memcpy (b->duration, c->duration + from, n * sizeof *b->duration);
  memcpy (b->direction, c->direction + from, n * sizeof *b->direction);
  memcpy (b->answered, c->answered + from, n * sizeof *b->answered);
  memcpy (b->number, c->number + from, n * sizeof *b->number);
  memcpy (b->number_len, c->number_len + from, n * sizeof *b->number_len);
}

static void
totals_add (Totals *t, const RateBatch *b)
{
  for (guint i = 0; i < b->n; i++)
    {
      t->status[b->status[i]]++;
      t->billable += (guint64) b->billable[i];
      t->charge += b->charge[i];
      t->row_sum += (guint64) (b->row[i] + 1);
    }
}

static void
totals_merge (Totals *into, const Totals *t)
{
  for (guint s = 0; s < G_N_ELEMENTS (t->status); s++)
    into->status[s] += t->status[s];
  into->billable += t->billable;
  into->charge += t->charge;
  into->row_sum += t->row_sum;
}

static gboolean
totals_equal (const Totals *a, const Totals *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gpointer
core_worker (gpointer data)
{
  Worker *w = data;
  gint64 cpu0 = thread_cpu_us ();
  CoreRun *run = w->run;
  g_autofree RateBatch *b = g_new (RateBatch, 1);

  for (;;)
    {
      guint k = (guint) g_atomic_int_add (&run->next_batch, 1);
      if (k >= run->n_batches)
        break;
      fill_batch (run->calls, k * RATE_BATCH_MAX, b);
      ratecore_rate (run->accounts, b);
      totals_add (&w->totals, b);
    }
  w->cpu_us = thread_cpu_us () - cpu0;
  return NULL;
}

/* Rate every call on N_THREADS threads; returns the wall time in µs, the
 * threads' CPU time in *CPU_US. */
static gint64
core_run (const Calls *calls, const RateAccount *accounts, guint n_threads, Totals *totals,
          gint64 *cpu_us)
{
  CoreRun run = { calls, accounts, (calls->n + RATE_BATCH_MAX - 1) / RATE_BATCH_MAX, 0 };
  g_autofree Worker *workers = g_new0 (Worker, n_threads);
  g_autofree GThread **threads = g_new (GThread *, n_threads);

  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n_threads; i++)
    {
      workers[i].run = &run;
      threads[i] = g_thread_new ("bench-rate", core_worker, &workers[i]);
    }
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  gint64 us = g_get_monotonic_time () - t0;

  *totals = (Totals) { { 0 } };
  *cpu_us = 0;
  for (guint i = 0; i < n_threads; i++)
    {
      totals_merge (totals, &workers[i].totals);
      *cpu_us += workers[i].cpu_us;
    }
  return us;
}

/* --- the naive reference on a sample --- */

static CallBand
naive_band (const RateAccount *a, gint64 start_ms)
{
  gint64 utc = start_ms / 1000 - (start_ms % 1000 < 0);
  return ratecore_band (utc + tzmap_offset_at (a->zone, utc));
}

/* Band and row of the first N calls, the slow way; returns the time in µs. */
static gint64
naive_run (const Calls *c, const RateAccount *accounts, guint n, guint8 *band, gint32 *row)
{
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      const RateAccount *a = &accounts[c->account[i]];
      band[i] = (guint8) naive_band (a, c->start_ms[i]);
      row[i] = c->answered[i] ? tariff_lookup_naive (a->tariff, c->direction[i], c->number[i],
                                                     c->number_len[i], c->start_ms[i],
                                                     band[i])
                              : -1;
    }
  return g_get_monotonic_time () - t0;
}

/* Rate the first N calls with the core and count the calls whose band or
 * row differ from the reference's; prints the first few. */
static guint
count_disagreements (const Calls *c, const RateAccount *accounts, guint n, const guint8 *band,
                     const gint32 *row)
{
  g_autofree RateBatch *b = g_new (RateBatch, 1);
  Calls head = *c;
  guint bad = 0;

  head.n = n;
  for (guint from = 0; from < n; from += RATE_BATCH_MAX)
    {
      fill_batch (&head, from, b);
      ratecore_rate (accounts, b);
      for (guint i = 0; i < b->n; i++)
        {
          guint k = from + i;
          if (b->band[i] == band[k] && b->row[i] == row[k])
            continue;
          if (bad++ < 5)
            g_printerr ("call %u '%.*s': core band %u row %d, naive band %u row %d\n", k,
                        (int) c->number_len[k], c->number[k], b->band[i], b->row[i], band[k],
                        row[k]);
        }
    }
  return bad;
}

/* --- output --- */

static double
per_second (guint64 calls, gint64 us)
{
  return us > 0 ? (double) calls * G_USEC_PER_SEC / (double) us : 0;
}

static void
print_line (const char *label, guint64 calls, gint64 us, const char *note)
{
  double rate = per_second (calls, us);
  const char *unit = rate >= 1e6 ? "M" : "K";

  g_print ("%-20s %9" G_GUINT64_FORMAT " calls %7.2f s %7.1f %s calls/s%s\n", label, calls,
           (double) us / G_USEC_PER_SEC, rate >= 1e6 ? rate / 1e6 : rate / 1e3, unit, note);
}

/* --- setup --- */

static gboolean
accounts_init (RateAccount *accounts, TzMap **zones, const Tariff *tariff, GError **error)
{
  static const char *const names[N_ACCOUNTS] = {
    "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide",
  };

  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      zones[i] = tzmap_new (names[i], error);
      if (!zones[i])
        return FALSE;
      accounts[i] = (RateAccount) { zones[i], tariff, i % 2 ? 10000 : 1 };
    }
  return TRUE;
}

static gboolean
parse_options (int *argc, char ***argv, gint *calls, gint *rows, gint *sample, gint64 *seed,
               GError **error)
{
  const GOptionEntry entries[] = {
    { "calls", 0, 0, G_OPTION_ARG_INT, calls, "Calls to rate (default $BENCH_CALLS or 10000000)", "N" },
    { "rows", 0, 0, G_OPTION_ARG_INT, rows, "Deck rows (default 50000)", "N" },
    { "sample", 0, 0, G_OPTION_ARG_INT, sample, "Calls checked against the naive reference (default 20000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, seed, "Random seed (non-zero)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- rating core benchmark");
  const char *env = g_getenv ("BENCH_CALLS");
  gint64 v;

  if (env && g_ascii_string_to_signed (env, 10, 1, G_MAXINT, &v, NULL))
    *calls = (gint) v;
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, error))
    return FALSE;
  if (*calls < 1 || *rows < 1 || *sample < 1 || *seed == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--calls, --rows and --sample must be positive and --seed non-zero");
      return FALSE;
    }
  *sample = MIN (*sample, *calls);
  return TRUE;
}

static void
print_deck (const GArray *rows, GPtrArray *const *prefixes)
{
  guint changes = 0;

  for (guint i = 0; i < rows->len; i++)
    changes += g_array_index (rows, TariffRow, i).to_ms != G_MAXINT64;
  g_print ("deck: %u rows, %u out + %u in prefixes, %u rows end mid-month\n", rows->len,
           prefixes[0]->len, prefixes[1]->len, changes);
}

/* Time the core on 1 and 2 threads; FALSE when their totals differ. */
static gboolean
bench_core (const Calls *calls, const RateAccount *accounts, gint64 *us_one, gint64 *cpu_one)
{
  Totals one, two;
  gint64 us_two, cpu;

  *us_one = core_run (calls, accounts, 1, &one, &cpu);
  g_autofree char *note = g_strdup_printf ("  (CPU %.2f s: %.0f ns a call)", (double) cpu / G_USEC_PER_SEC,
                                           1e3 * (double) cpu / calls->n);
  print_line ("core, 1 thread", calls->n, *us_one, note);
  *cpu_one = cpu;
  us_two = core_run (calls, accounts, 2, &two, &cpu);
  print_line ("core, 2 threads", calls->n, us_two, "");
  g_print ("  2 threads / 1 thread: %.2fx; rated %" G_GUINT64_FORMAT ", free %" G_GUINT64_FORMAT
           ", unanswered %" G_GUINT64_FORMAT ", unrated %" G_GUINT64_FORMAT "\n",
           (double) *us_one / (double) MAX (us_two, 1), one.status[RATE_RATED],
           one.status[RATE_FREE], one.status[RATE_UNANSWERED], one.status[RATE_UNRATED]);
  if (!totals_equal (&one, &two))
    {
      g_printerr ("bench-rate: 1-thread and 2-thread totals differ\n");
      return FALSE;
    }
  return TRUE;
}

/* The deck's rows with two tiers and a maximum charge each (valid for
 * every increment gen_row gives: 60 - F is a multiple of N). */
static Tariff *
tiered_tariff (const GArray *rows, TariffTier (*tiers)[2])
{
  g_autoptr(GArray) copy = g_array_sized_new (FALSE, FALSE, sizeof (TariffRow), rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      TariffRow r = g_array_index (rows, TariffRow, i);
      tiers[i][0] = (TariffTier) { .start = 60, .inc_first = 6, .inc_next = 6, .rate = r.rate / 2 };
      tiers[i][1] = (TariffTier) { .start = 300, .inc_first = 60, .inc_next = 60, .rate = r.rate / 4 };
      r.tiers = tiers[i];
      r.n_tiers = 2;
      r.max_charge = 50 * DECIMAL_MICRO;
      g_array_append_val (copy, r);
    }
  return tariff_new ((const TariffRow *) (void *) copy->data, copy->len);
}

/* Time the core on one thread with every row tiered; prints the cost per
 * call against CPU_PLAIN (µs of CPU for the plain deck). */
static void
bench_tiers (const Calls *calls, const GArray *rows, const RateAccount *plain, gint64 cpu_plain)
{
  g_autofree TariffTier (*tiers)[2] = g_malloc_n (MAX (rows->len, 1), sizeof *tiers);
  g_autoptr(Tariff) tariff = tiered_tariff (rows, tiers);
  RateAccount accounts[N_ACCOUNTS];
  Totals totals;

  for (guint i = 0; i < N_ACCOUNTS; i++)
    accounts[i] = plain[i], accounts[i].tariff = tariff;
  gint64 cpu, us = core_run (calls, accounts, 1, &totals, &cpu);
  g_autofree char *note = g_strdup_printf ("  (CPU %.2f s: %.0f ns a call)", (double) cpu / G_USEC_PER_SEC,
                                           1e3 * (double) cpu / calls->n);
  print_line ("core, tiers, 1 thread", calls->n, us, note);
  g_print ("  tiers on every row / plain: %.2fx CPU time a call\n", (double) cpu / (double) MAX (cpu_plain, 1));
}

/* Time the reference on the sample and compare; FALSE on disagreement. */
static gboolean
bench_naive (const Calls *calls, const RateAccount *accounts, guint sample, gint64 us_core)
{
  g_autofree guint8 *band = g_new (guint8, sample);
  g_autofree gint32 *row = g_new (gint32, sample);
  gint64 us = naive_run (calls, accounts, sample, band, row);
  gint64 scaled = (gint64) ((double) us * calls->n / sample);
  g_autofree char *note = g_strdup_printf ("  (sample; %u calls would take %.0f s)", calls->n,
                                           (double) scaled / G_USEC_PER_SEC);

  print_line ("naive reference", sample, us, note);
  g_print ("  core/naive: %.0fx\n",
           per_second (calls->n, us_core) / MAX (per_second (sample, us), 1e-9));
  guint bad = count_disagreements (calls, accounts, sample, band, row);
  if (bad > 0)
    {
      g_printerr ("bench-rate: core and naive reference disagree on %u of %u calls\n", bad, sample);
      return FALSE;
    }
  g_print ("  core and naive reference agree on all %u sampled calls\n", sample);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  gint n_calls = 10000000, n_rows = 50000, sample = 20000;
  gint64 seed = 20261124, us_core, cpu_core;
  GPtrArray *prefixes[2];
  RateAccount accounts[N_ACCOUNTS];
  TzMap *zones[N_ACCOUNTS] = { NULL };
  Calls calls;

  if (!parse_options (&argc, &argv, &n_calls, &n_rows, &sample, &seed, &error))
    {
      g_printerr ("bench-rate: %s\n", error->message);
      return 2;
    }
  g_autoptr(GArray) rows = gen_deck ((guint) n_rows, (guint64) seed, prefixes);
  g_autoptr(Tariff) tariff = tariff_new ((const TariffRow *) (void *) rows->data, rows->len);
  if (!accounts_init (accounts, zones, tariff, &error))
    {
      g_printerr ("bench-rate: %s\n", error->message);
      return 2;
    }
  print_deck (rows, prefixes);
  gen_calls (&calls, (guint) n_calls, prefixes, (guint64) seed * 7 + 1);
  g_print ("calls: %d in memory, 4 accounts (Europe/London, America/New_York, Asia/Kolkata, "
           "Australia/Adelaide)\n\n", n_calls);

  gboolean ok = bench_core (&calls, accounts, &us_core, &cpu_core);
  if (ok)
    bench_tiers (&calls, rows, accounts, cpu_core);
  ok = ok && bench_naive (&calls, accounts, (guint) sample, us_core);

  calls_clear (&calls);
  for (guint i = 0; i < N_ACCOUNTS; i++)
    tzmap_free (zones[i]);
  for (guint d = 0; d < 2; d++)
    g_ptr_array_unref (prefixes[d]);
  return ok ? 0 : 1;
}
