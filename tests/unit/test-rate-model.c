/* test-rate-model.c — rate_run against an independent, naive model of
 * billing.md §4-§6 and §10 on random catalogs: several operators and
 * currencies, zones with DST and 30/45-minute offsets, random increments,
 * bands, effective windows, call decimals and bundles; and the tariff
 * options: random tiers, minimum and maximum charges, rounding methods,
 * peak days and hours, holidays (some on the days clocks change).
 *
 * The model shares no code with the rater's core: local time comes from
 * GDateTime, the row from a scan of the deck as written, charges from the
 * formulas of §5, bundles from a sort and a loop. */
#include "config.h"

#include <criterion/criterion.h>

#include "ingest/ingest.h"
#include "rate/rate.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (model, .init = setup, .fini = teardown, .timeout = 300);

static const char *const zones[] = { "Europe/London", "America/New_York", "Asia/Kolkata",
                                     "Asia/Kathmandu", "Australia/Adelaide", "UTC" };
static const char *const groups[] = { "DOMESTIC", "MOBILE", "INTL" };
static const char *const bands[] = { "all", "peak", "offpeak", "weekend" };
static const gint64 day_ms = 86400000;
static const gint64 nov1 = G_GINT64_CONSTANT (1793491200000);   /* 2026-11-01T00:00Z */

typedef struct {
  gint64 start, rate, first, next;
} MTier;

typedef struct {
  char prefix[16];
  int group, direction, band;
  gint64 rate, fee, first, next, from, to;
  int n_tiers;
  MTier tiers[3];
  gint64 min, max;          /* 0: none */
} MRow;

typedef struct {
  char name[16];
  int zone, decimals;
  gint64 bundle_minutes;
  int bundle_group;         /* index into groups */
  char numbers[3][16];      /* user numbers, digits */
  int rounding;             /* 0 up, 1 half_up, 2 down */
  int peak_days;            /* bit 0 Monday .. bit 6 Sunday */
  int peak_from, peak_to;   /* seconds of the day */
  gboolean default_hours;   /* no peak columns written */
} MAccount;

/* Each account's country, and the holidays of the world: some on days the
 * clocks change (2026-11-01 in New York, 2026-10-25 in London). */
static const char *const countries[] = { "GB", "US", "IN", "NP", "AU", "DE" };
static const struct { const char *country, *date; } holidays[] = {
  { "GB", "2026-11-03" }, { "GB", "2026-10-31" }, { "US", "2026-11-01" }, { "US", "2026-11-26" },
  { "IN", "2026-11-09" }, { "AU", "2026-11-30" }, { "NP", "2026-11-14" }, { "DE", "2026-11-18" },
  { "FR", "2026-11-11" },
};
static const char *const roundings[] = { "up", "half_up", "down" };

typedef struct {
  char key[16];
  int account;              /* index into accounts */
  int direction;
  char callee[16];
  gint64 start, duration;
} MCall;

typedef struct {
  GArray *rows;             /* MRow */
  MAccount accounts[6];
  GArray *calls;            /* MCall */
} Model;

/* ---- generating a random world and writing it as a catalog + CDR file ---- */

static void
random_digits (GRand *r, char *out, int n)
{
  for (int i = 0; i < n; i++)
    out[i] = (char) ('0' + g_rand_int_range (r, 0, 10));
  out[n] = '\0';
}

static void
make_rows (Model *m, GRand *r)
{
  static const char *const roots[] = { "44", "1", "91", "61", "33" };
  m->rows = g_array_new (FALSE, TRUE, sizeof (MRow));
  for (int k = 0; k < 120; k++)
    {
      MRow row = { 0 };
      const char *root = roots[g_rand_int_range (r, 0, G_N_ELEMENTS (roots))];
      int extra = g_rand_int_range (r, 0, 4);
      g_strlcpy (row.prefix, root, sizeof row.prefix);
      random_digits (r, row.prefix + strlen (root), extra);
      row.group = g_rand_int_range (r, 0, 3);
      row.direction = g_rand_int_range (r, 0, 5) == 0;
      row.band = g_rand_int_range (r, 0, 4);
      row.rate = g_rand_int_range (r, 0, 500000);
      row.fee = g_rand_boolean (r) ? 0 : g_rand_int_range (r, 0, 100000);
      row.first = g_rand_int_range (r, 1, 61);
      row.next = g_rand_int_range (r, 1, 61);
      /* tiers: each interval F + k N long, so its billable seconds fit it */
      row.n_tiers = g_rand_int_range (r, 0, 3) == 0 ? g_rand_int_range (r, 1, 4) : 0;
      gint64 start = 0, first = row.first, next = row.next;
      for (int t = 0; t < row.n_tiers; t++)
        {
          MTier *tier = &row.tiers[t];
          tier->start = start + first + g_rand_int_range (r, 0, 4) * next;
          tier->rate = g_rand_int_range (r, 0, 500000);
          tier->first = g_rand_int_range (r, 1, 61);
          tier->next = g_rand_int_range (r, 1, 61);
          start = tier->start, first = tier->first, next = tier->next;
        }
      row.min = g_rand_int_range (r, 0, 4) == 0 ? g_rand_int_range (r, 1, 200000) : 0;
      row.max = g_rand_int_range (r, 0, 4) == 0 ? row.min + g_rand_int_range (r, 1, 3000000) : 0;
      /* two successive windows split mid-month, or one open window */
      gboolean split = g_rand_int_range (r, 0, 3) == 0;
      gint64 cut = nov1 + g_rand_int_range (r, 1, 29) * day_ms + g_rand_int_range (r, 0, 86400) * 1000;
      gboolean dup = FALSE;
      for (guint j = 0; j < m->rows->len; j++)
        {
          MRow *o = &g_array_index (m->rows, MRow, j);
          dup |= g_str_equal (o->prefix, row.prefix) && o->direction == row.direction && o->band == row.band;
        }
      if (dup)
        continue;
      row.from = nov1 - 60 * day_ms;
      row.to = split ? cut : G_MAXINT64;
      g_array_append_val (m->rows, row);
      if (split)
        {
          row.from = cut, row.to = G_MAXINT64, row.rate = g_rand_int_range (r, 0, 500000);
          g_array_append_val (m->rows, row);
        }
    }
}

static void
make_accounts (Model *m, GRand *r)
{
  for (int a = 0; a < 6; a++)
    {
      MAccount *acc = &m->accounts[a];
      g_snprintf (acc->name, sizeof acc->name, "acc%d", a);
      acc->zone = a;
      acc->decimals = g_rand_int_range (r, 0, 7);
      acc->bundle_minutes = g_rand_boolean (r) ? g_rand_int_range (r, 1, 40) : 0;
      acc->bundle_group = g_rand_int_range (r, 0, 3);
      for (int n = 0; n < 3; n++)
        g_snprintf (acc->numbers[n], 16, "4416329%d%04d", a, n);
      acc->rounding = a == 0 ? 0 : g_rand_int_range (r, 0, 3);   /* account 0: the default, unwritten */
      acc->default_hours = a < 2;
      acc->peak_days = acc->default_hours ? 31 : g_rand_int_range (r, 1, 128);
      acc->peak_from = acc->default_hours ? 8 * 3600 : g_rand_int_range (r, 0, 24) * 1800;
      acc->peak_to = acc->default_hours ? 18 * 3600
                     : acc->peak_from + g_rand_int_range (r, 1, 48 - acc->peak_from / 1800 + 1) * 1800;
    }
}

static void
make_calls (Model *m, GRand *r, guint n)
{
  m->calls = g_array_new (FALSE, TRUE, sizeof (MCall));
  for (guint i = 0; i < n; i++)
    {
      MCall c = { 0 };
      g_snprintf (c.key, sizeof c.key, "k%05u", g_rand_int_range (r, 0, 100000));
      c.account = g_rand_int_range (r, 0, 6);
      c.direction = g_rand_int_range (r, 0, 6) == 0;
      const MRow *base = &g_array_index (m->rows, MRow, g_rand_int_range (r, 0, m->rows->len));
      g_strlcpy (c.callee, base->prefix, sizeof c.callee);
      random_digits (r, c.callee + strlen (c.callee), 11 - (int) strlen (c.callee));
      if (c.direction)   /* an inbound call's rated number is the account's own */
        g_strlcpy (c.callee, m->accounts[c.account].numbers[0], sizeof c.callee);
      /* starts on whole hours land on band boundaries; several share one */
      c.start = nov1 - 2 * day_ms + g_rand_int_range (r, 0, 33 * 24) * G_GINT64_CONSTANT (3600000)
                + (g_rand_boolean (r) ? 0 : g_rand_int_range (r, 0, 3600) * 1000);
      c.duration = g_rand_int_range (r, 0, 6) == 0 ? 0 : g_rand_int_range (r, 1, 900);
      gboolean seen = FALSE;
      for (guint j = 0; j < m->calls->len; j++)
        seen |= g_str_equal (g_array_index (m->calls, MCall, j).key, c.key);
      if (!seen)
        g_array_append_val (m->calls, c);
    }
}

static char *
micro_text (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, v / 1000000, v % 1000000);
}

static char *
iso (gint64 ms)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (ms / 1000);
  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

/* "HH:MM" of SEC seconds of the day (24:00 allowed). */
static char *
clock_text (int sec)
{
  return g_strdup_printf ("%02d:%02d", sec / 3600, sec / 60 % 60);
}

/* DAYS (bit 0 Monday) as a ;-list of ISO weekdays. */
static char *
days_text (int days)
{
  GString *s = g_string_new (NULL);
  for (int d = 0; d < 7; d++)
    if (days >> d & 1)
      g_string_append_printf (s, "%s%d", s->len ? ";" : "", d + 1);
  return g_string_free (s, FALSE);
}

static char *
tiers_text (const MRow *r)
{
  GString *s = g_string_new (NULL);
  for (int t = 0; t < r->n_tiers; t++)
    {
      g_autofree char *rate = micro_text (r->tiers[t].rate);
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT ":%s:%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                              t ? "|" : "", r->tiers[t].start, rate, r->tiers[t].first, r->tiers[t].next);
    }
  return g_string_free (s, FALSE);
}

static void
write_catalog (const Model *m, const char *cat)
{
  g_autofree char *decks = g_build_filename (cat, "decks", NULL);
  g_mkdir_with_parents (decks, 0700);
  g_free (test_write (cat, "operators.csv", "operator,name,currency,invoice_prefix\nop,Op,JPY,OP\n"));
  g_autoptr(GString) plans = g_string_new ("plan,operator,deck,fee_user,fee_service,fee_tollfree,bundle_minutes,bundle_groups,call_decimals,call_rounding,peak_days,peak_from,peak_to\n");
  g_autoptr(GString) accounts = g_string_new ("account,operator,tenant_id,name,plan,country,timezone,tax_rate\n");
  g_autoptr(GString) numbers = g_string_new ("number,account,type,user,from,to\n");
  for (int a = 0; a < 6; a++)
    {
      const MAccount *acc = &m->accounts[a];
      g_autofree char *days = days_text (acc->peak_days), *from = clock_text (acc->peak_from);
      g_autofree char *to = clock_text (acc->peak_to);
      g_string_append_printf (plans, "p%d,op,d,1,1,1,%" G_GINT64_FORMAT ",%s,%d,%s,%s,%s,%s\n", a,
                              acc->bundle_minutes, groups[acc->bundle_group], acc->decimals,
                              a == 0 ? "" : roundings[acc->rounding], acc->default_hours ? "" : days,
                              acc->default_hours ? "" : from, acc->default_hours ? "" : to);
      g_string_append_printf (accounts, "%s,op,,A,p%d,%s,%s,0\n", acc->name, a, countries[a], zones[acc->zone]);
      for (int n = 0; n < 3; n++)   /* the third number starts on the 20th: one fewer user before */
        g_string_append_printf (numbers, "+%s,%s,%s,,%s,\n", acc->numbers[n], acc->name,
                                n == 1 ? "service" : "user", n == 2 ? "2026-11-20" : "2026-01-01");
    }
  g_autoptr(GString) deck = g_string_new ("prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,effective_to,tiers,min_charge,max_charge\n");
  for (guint i = 0; i < m->rows->len; i++)
    {
      const MRow *r = &g_array_index (m->rows, MRow, i);
      g_autofree char *rate = micro_text (r->rate), *fee = micro_text (r->fee);
      g_autofree char *from = iso (r->from), *to = r->to == G_MAXINT64 ? g_strdup ("") : iso (r->to);
      g_autofree char *tiers = tiers_text (r), *min = r->min ? micro_text (r->min) : g_strdup ("");
      g_autofree char *max = r->max ? micro_text (r->max) : g_strdup ("");
      g_string_append_printf (deck, "%s,D,%s,%s,%s,%s,%s,%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ",%s,%s,%s,%s,%s\n",
                              r->prefix, groups[r->group], r->direction ? "in" : "out", bands[r->band],
                              rate, fee, r->first, r->next, from, to, tiers, min, max);
    }
  g_autoptr(GString) hol = g_string_new ("country,date,name\n");
  for (guint i = 0; i < G_N_ELEMENTS (holidays); i++)
    g_string_append_printf (hol, "%s,%s,Holiday %u\n", holidays[i].country, holidays[i].date, i);
  g_free (test_write (cat, "holidays.csv", hol->str));
  g_free (test_write (cat, "plans.csv", plans->str));
  g_free (test_write (cat, "accounts.csv", accounts->str));
  g_free (test_write (cat, "numbers.csv", numbers->str));
  g_free (test_write (decks, "d.csv", deck->str));
}

static char *
write_calls (const Model *m)
{
  g_autoptr(GString) s = g_string_new ("call_id,start,duration,caller,callee,direction\n");
  for (guint i = 0; i < m->calls->len; i++)
    {
      const MCall *c = &g_array_index (m->calls, MCall, i);
      const MAccount *a = &m->accounts[c->account];
      g_autofree char *start = iso (c->start);
      /* out: the account's first user number calls; in: someone calls it */
      g_string_append_printf (s, "%s,%s,%" G_GINT64_FORMAT ",+%s,+%s,%s\n", c->key, start, c->duration,
                              c->direction ? "15550000000" : a->numbers[0], c->callee,
                              c->direction ? "in" : "out");
    }
  return test_write (dir, "calls.csv", s->str);
}

/* ---- the naive model ---- */

typedef struct {
  char key[16];
  const char *status, *reason;
  int period, band, row, eligible, account;
  gint64 start, billable, covered, charge;
  gint64 parts[4];          /* billable seconds per interval */
} Expect;

static const int chain[3][4] = {   /* deck bands acceptable per call band, best first */
  { 1, 0, -1 },                    /* peak: peak, all */
  { 2, 0, -1 },                    /* offpeak: offpeak, all */
  { 3, 2, 0, -1 },                 /* weekend: weekend, offpeak, all */
};

static int
chain_rank (int call_band, int deck_band)
{
  for (int k = 0; k < 4 && chain[call_band][k] >= 0; k++)
    if (chain[call_band][k] == deck_band)
      return k;
  return -1;
}

static int
model_row (const Model *m, const MCall *c, int band)
{
  int best = -1, best_len = -1, best_rank = 99;
  for (guint i = 0; i < m->rows->len; i++)
    {
      const MRow *r = &g_array_index (m->rows, MRow, i);
      int rank = chain_rank (band, r->band);
      int len = (int) strlen (r->prefix);
      if (r->direction != c->direction || rank < 0 || c->start < r->from || c->start >= r->to
          || strncmp (c->callee, r->prefix, len) != 0)
        continue;
      if (len > best_len || (len == best_len && rank < best_rank))
        best = (int) i, best_len = len, best_rank = rank;
    }
  return best;
}

/* V rounded to DECIMALS places by METHOD (0 up, 1 half up, 2 down). */
static gint64
round_to (gint64 v, int decimals, int method)
{
  gint64 unit = 1;
  for (int i = decimals; i < 6; i++)
    unit *= 10;
  gint64 down = v / unit * unit, rest = v - down;
  if (method == 0)
    return rest > 0 ? down + unit : down;
  if (method == 1)
    return 2 * rest >= unit ? down + unit : down;
  return down;
}

/* The intervals of row R as (start, first, next, rate), N_OUT of them. */
static int
model_intervals (const MRow *r, MTier *out)
{
  out[0] = (MTier) { 0, r->rate, r->first, r->next };
  for (int t = 0; t < r->n_tiers; t++)
    out[t + 1] = r->tiers[t];
  return r->n_tiers + 1;
}

/* Billable seconds of each interval of R for DURATION, into B; the sum. */
static gint64
model_billable (const MRow *r, gint64 duration, gint64 *b)
{
  MTier iv[4];
  int n = model_intervals (r, iv);
  gint64 total = 0;
  for (int k = 0; k < n; k++)
    {
      gint64 end = k + 1 < n ? iv[k + 1].start : G_MAXINT64;
      gint64 span = MIN (duration, end) - iv[k].start;
      b[k] = 0;
      if (span <= 0)
        continue;
      b[k] = span <= iv[k].first ? iv[k].first
             : iv[k].first + (span - iv[k].first + iv[k].next - 1) / iv[k].next * iv[k].next;
      total += b[k];
    }
  return total;
}

static gint64
model_charge (const MRow *r, const gint64 *b, gint64 covered, const MAccount *a)
{
  MTier iv[4];
  int n = model_intervals (r, iv);
  gint64 raw = r->fee, charged = 0;
  for (int k = 0; k < n; k++)   /* the bundle covers the earliest intervals first */
    {
      gint64 cover = MIN (b[k], covered);
      covered -= cover;
      charged += b[k] - cover;
      raw += ((b[k] - cover) * iv[k].rate + 59) / 60;
    }
  if (charged == 0)
    return 0;
  raw = MAX (raw, r->min);
  if (r->max > 0)
    raw = MIN (raw, r->max);
  return round_to (raw, a->decimals, a->rounding);
}

/* Is the local date of LOCAL a holiday of COUNTRY? */
static gboolean
model_holiday (const char *country, GDateTime *local)
{
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");
  for (guint i = 0; i < G_N_ELEMENTS (holidays); i++)
    if (g_str_equal (holidays[i].country, country) && g_str_equal (holidays[i].date, date))
      return TRUE;
  return FALSE;
}

static Expect
model_call (const Model *m, const MCall *c)
{
  const MAccount *a = &m->accounts[c->account];
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zones[a->zone]);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (c->start / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  int dow = g_date_time_get_day_of_week (local);
  int sod = g_date_time_get_hour (local) * 3600 + g_date_time_get_minute (local) * 60
            + g_date_time_get_second (local);
  Expect e = { .account = c->account, .start = c->start };
  g_strlcpy (e.key, c->key, sizeof e.key);
  e.period = g_date_time_get_year (local) * 100 + g_date_time_get_month (local);
  gboolean peak_day = (a->peak_days >> (dow - 1) & 1) && !model_holiday (countries[c->account], local);
  e.band = !peak_day ? 2 : (sod >= a->peak_from && sod < a->peak_to ? 0 : 1);
  e.row = -1;
  if (c->duration == 0)
    return e.status = "unanswered", e;
  e.row = model_row (m, c, e.band);
  if (e.row < 0)
    return c->direction ? (e.status = "free", e) : (e.status = "unrated", e.reason = "no_rate", e);
  const MRow *r = &g_array_index (m->rows, MRow, e.row);
  e.status = "rated";
  e.billable = model_billable (r, c->duration, e.parts);
  e.eligible = !c->direction && a->bundle_minutes > 0 && r->group == a->bundle_group;
  e.charge = model_charge (r, e.parts, 0, a);
  return e;
}

static int
expect_order (gconstpointer pa, gconstpointer pb)
{
  const Expect *a = pa, *b = pb;
  if (a->account != b->account)
    return a->account - b->account;
  if (a->period != b->period)
    return a->period - b->period;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return strcmp (a->key, b->key);
}

static void
model_bundles (const Model *m, GArray *expect)
{
  g_array_sort (expect, expect_order);
  gint64 left = 0;
  for (guint i = 0; i < expect->len; i++)
    {
      Expect *e = &g_array_index (expect, Expect, i);
      const Expect *p = i ? &g_array_index (expect, Expect, i - 1) : NULL;
      const MAccount *a = &m->accounts[e->account];
      if (!p || p->account != e->account || p->period != e->period)
        left = a->bundle_minutes * 60 * (e->period >= 202611 ? 2 : 1);
      if (!e->eligible)
        continue;
      e->covered = MIN (e->billable, left);
      left -= e->covered;
      e->charge = model_charge (&g_array_index (m->rows, MRow, e->row), e->parts, e->covered, a);
    }
}

static void
check_world (guint32 seed, guint n_calls)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  Model m = { 0 };
  make_rows (&m, r);
  make_accounts (&m, r);
  make_calls (&m, r, n_calls);
  g_autofree char *cat = g_strdup_printf ("%s/cat-%u", dir, seed);
  write_catalog (&m, cat);
  g_autofree char *calls = write_calls (&m);
  g_autofree char *db_path = g_strdup_printf ("%s/db-%u", dir, seed);
  int from, to;
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreDb) db = store_init (db_path, &from, &to, &error);
  CatalogImportStats cs;
  cr_assert (catalog_import (db, cat, &cs, &error), "%s", error ? error->message : "");
  IngestOptions io = { "op", NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestStats is = { 0 };
  cr_assert (ingest_file (ing, calls, &io, &is, &error), "%s", error ? error->message : "");
  cr_assert_eq (is.rejects, 0);
  RateOptions ro = { NULL, 2, 100 };
  RateStats rs;
  cr_assert (rate_run (db, &ro, &rs, &error), "%s", error ? error->message : "");

  g_autoptr(GArray) expect = g_array_new (FALSE, TRUE, sizeof (Expect));
  for (guint i = 0; i < m.calls->len; i++)
    {
      Expect e = model_call (&m, &g_array_index (m.calls, MCall, i));
      g_array_append_val (expect, e);
    }
  model_bundles (&m, expect);

  g_autoptr(StoreStmt) q = store_prepare (db,
    "SELECT r.status, coalesce (r.reason, ''), r.period, r.band, coalesce (r.prefix, ''),"
    " r.billable, r.covered, r.charge FROM calls c JOIN ratings r ON r.call_id = c.id"
    " WHERE c.call_key = ?", NULL);
  static const char *const band_names[] = { "peak", "offpeak", "weekend" };
  guint covered = 0;
  for (guint i = 0; i < expect->len; i++)
    {
      const Expect *e = &g_array_index (expect, Expect, i);
      store_bind_at (q, 1, NULL, STORE_TEXT (e->key));
      cr_assert_eq (store_next (q), STORE_ROW, "seed %u: %s not rated", seed, e->key);
      char period[8];
      g_snprintf (period, sizeof period, "%04d-%02d", e->period / 100, e->period % 100);
      const char *prefix = e->row >= 0 ? g_array_index (m.rows, MRow, e->row).prefix : "";
      cr_assert_str_eq (store_column_text_or_null (q, 0), e->status, "seed %u %s", seed, e->key);
      cr_assert_str_eq (store_column_text_or_null (q, 1), e->reason ? e->reason : "", "seed %u %s", seed, e->key);
      cr_assert_str_eq (store_column_text_or_null (q, 2), period, "seed %u %s", seed, e->key);
      cr_assert_str_eq (store_column_text_or_null (q, 3), band_names[e->band], "seed %u %s", seed, e->key);
      cr_assert_str_eq (store_column_text_or_null (q, 4), prefix, "seed %u %s", seed, e->key);
      cr_assert_eq (store_column_int64 (q, 5), e->billable, "seed %u %s billable", seed, e->key);
      cr_assert_eq (store_column_int64 (q, 6), e->covered, "seed %u %s covered", seed, e->key);
      cr_assert_eq (store_column_int64 (q, 7), e->charge, "seed %u %s charge %" G_GINT64_FORMAT " want %"
                    G_GINT64_FORMAT, seed, e->key, store_column_int64 (q, 7), e->charge);
      covered += e->covered > 0;
      store_reset (q);
    }
  cr_assert_gt (covered, 0, "seed %u: no call drew on a bundle", seed);
  /* the options were exercised: calls on tiered, minimum and maximum rows,
   * and on holidays */
  guint tiered = 0, minimum = 0, maximum = 0, holiday = 0;
  for (guint i = 0; i < expect->len; i++)
    {
      const Expect *e = &g_array_index (expect, Expect, i);
      const MRow *row = e->row >= 0 ? &g_array_index (m.rows, MRow, e->row) : NULL;
      tiered += row && e->parts[1] > 0;
      minimum += row && row->min > 0 && e->charge > 0;
      maximum += row && row->max > 0 && e->charge > 0;
      holiday += e->band == 2 && e->start % (7 * day_ms) != 0;
    }
  cr_assert (tiered > 0 && minimum > 0 && maximum > 0 && holiday > 0, "seed %u: options not reached", seed);
  g_array_unref (m.rows);
  g_array_unref (m.calls);
}

Test (model, random_catalogs_match_the_naive_model)
{
  for (guint32 seed = 1; seed <= 6; seed++)
    check_world (seed, 2500);
}
