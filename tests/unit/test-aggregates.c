/* test-aggregates.c — the report aggregates (rate/aggregates.h,
 * schemas/010, 014) against a naive model, after every step of random
 * sequences of ingest, rate, catalog change (re-rate), issue, late calls,
 * withdrawn files, `rate --period` and disputes opened and resolved.
 *
 * The model shares no code with the aggregates: it reads every rating with
 * its call and sums in C, the local day from GDateTime in the catalog's
 * zone of the account (UTC without one).  After each step where the
 * aggregates are current, every row of the four tables must equal the
 * model's; after every rate they must be current; and every report made
 * from the aggregates must equal the same report summed from the calls
 * (ReportQuery.from_calls), cell by cell; and every invoice computed by
 * invoice_compute_period() (from the aggregates when they are current)
 * must equal the one computed from the ratings (InvoiceScope.from_ratings),
 * whole: lines, appendix, held calls, totals — as must the invoices issue
 * stores.  An upgrade from schema 9 (the tables dropped, user_version 9,
 * `rater init`) builds the same rows, as does one from schema 13 (014's
 * covered seconds). */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "bill/dispute.h"
#include "bill/invoice.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "ingest/files.h"
#include "ingest/ingest.h"
#include "rate/aggregates.h"
#include "rate/rate.h"
#include "report/report.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (aggregates, .init = setup, .fini = teardown, .timeout = 600);

#define N_ACCOUNTS 5

static const char *const zones[] = { "Europe/London", "America/New_York", "Asia/Kathmandu",
                                     "UTC", "Australia/Adelaide" };
static const char *const prefixes[] = { "44", "447", "4420", "33", "331", "1212", "81" };
static const char *const groups[] = { "DOM", "MOB", "DOM", "INTL", "INTL", "INTL", "ASIA" };
static const gint64 oct1 = G_GINT64_CONSTANT (1790812800000);    /* 2026-10-01T00:00Z */

typedef struct {
  GRand *rand;
  int zone[N_ACCOUNTS];
  int rate_scale;               /* changes the deck's rates: a catalog change */
  int n_files;
  guint n_keys;                 /* call keys used so far */
} World;

static const char *
operator_of (int account)
{
  return account % 2 ? "tel" : "op";
}

static char *
write_catalog (World *w)
{
  g_autofree char *cat = g_strdup_printf ("%s/cat-%d-%d", dir, w->rate_scale, w->zone[0]);
  g_autofree char *decks = g_build_filename (cat, "decks", NULL);
  g_mkdir_with_parents (decks, 0700);
  g_free (test_write (cat, "operators.csv", "operator,name,currency,invoice_prefix\n"
                                             "op,Op,EUR,OP\ntel,Tel,JPY,TL\n"));
  g_autoptr(GString) plans = g_string_new ("plan,operator,deck,fee_user,fee_service,fee_tollfree,"
                                           "bundle_minutes,bundle_groups,call_decimals\n");
  g_autoptr(GString) accounts = g_string_new ("account,operator,tenant_id,name,plan,country,"
                                              "timezone,tax_rate\n");
  g_autoptr(GString) numbers = g_string_new ("number,account,type,user,from,to\n");
  for (int a = 0; a < N_ACCOUNTS; a++)
    {
      g_string_append_printf (plans, "p%d,%s,d,1,1,1,%d,DOM|MOB,%d\n", a, operator_of (a),
                              a % 3 == 0 ? 3 : 0, 2 + a % 5);
      g_string_append_printf (accounts, "acc%d,%s,,Account %d,p%d,GB,%s,20\n", a, operator_of (a),
                              a, a, zones[w->zone[a]]);
      for (int n = 0; n < 2; n++)
        g_string_append_printf (numbers, "+44207900%02d%d,acc%d,user,u%d@x,2026-01-01,\n", a, n, a, n);
    }
  g_autoptr(GString) deck = g_string_new ("prefix,destination,group,direction,band,rate,connect_fee,"
                                          "increment,effective_from,effective_to\n");
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_string_append_printf (deck, "%s,Dest %s,%s,out,all,0.%02u%d,0.01,60/60,2026-01-01T00:00:00Z,\n",
                              prefixes[i], prefixes[i], groups[i], i + 1, w->rate_scale);
      g_string_append_printf (deck, "%s,In %s,IN,in,all,0.00%d,0,1/1,2026-01-01T00:00:00Z,\n",
                              prefixes[i], prefixes[i], w->rate_scale);
    }
  g_free (test_write (cat, "plans.csv", plans->str));
  g_free (test_write (cat, "accounts.csv", accounts->str));
  g_free (test_write (cat, "numbers.csv", numbers->str));
  g_free (test_write (decks, "d.csv", deck->str));
  return g_steal_pointer (&cat);
}

static void
import (StoreDb *db, World *w)
{
  g_autofree char *cat = write_catalog (w);
  g_autoptr(GError) error = NULL;
  CatalogImportStats cs;
  cr_assert (catalog_import (db, cat, &cs, &error), "%s", error ? error->message : "");
}

/* A world of SEED and RATE_SCALE (accounts in the zones in turn) in W,
 * and a new database in the scratch directory, named by NAME_FORMAT, with
 * its catalog imported. */
static StoreDb *G_GNUC_PRINTF (4, 5)
world_db (World *w, guint seed, int rate_scale, const char *name_format, ...)
{
  *w = (World) { .rand = g_rand_new_with_seed (seed), .rate_scale = rate_scale };
  for (int a = 0; a < N_ACCOUNTS; a++)
    w->zone[a] = a % (int) G_N_ELEMENTS (zones);
  va_list args;
  va_start (args, name_format);
  g_autofree char *name = g_strdup_vprintf (name_format, args);
  va_end (args);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int from, to;
  g_autoptr(GError) error = NULL;
  StoreDb *db = store_init (path, &from, &to, &error);
  cr_assert (db, "%s", error ? error->message : "");
  import (db, w);
  return db;
}

/* A CDR file of OPERATOR with N random calls starting in [FROM, FROM + SPAN)
 * ms, some of them again under keys used before (duplicates). */
static void
ingest_calls (StoreDb *db, World *w, const char *operator_slug, int n, gint64 from, gint64 span)
{
  GRand *r = w->rand;
  g_autoptr(GString) s = g_string_new ("call_id,start,duration,caller,callee,direction\n");
  for (int i = 0; i < n; i++)
    {
      int a = g_rand_int_range (r, 0, N_ACCOUNTS / 2 + 1) * 2 + (operator_slug[0] == 't');
      a = MIN (a, N_ACCOUNTS - 1);
      if (g_str_equal (operator_of (a), operator_slug) == FALSE)
        a = operator_slug[0] == 't' ? 1 : 0;
      g_autofree char *own = g_strdup_printf ("+44207900%02d%d", a, g_rand_int_range (r, 0, 2));
      if (g_rand_int_range (r, 0, 20) == 0)
        g_free (own), own = g_strdup ("+442079009999");        /* no account */
      const char *prefix = g_rand_int_range (r, 0, 15) == 0 ? "6"      /* no rate */
        : prefixes[g_rand_int_range (r, 0, G_N_ELEMENTS (prefixes))];
      g_autofree char *other = g_strdup_printf ("+%s%07d", prefix, g_rand_int_range (r, 0, 9999999));
      gboolean in = g_rand_int_range (r, 0, 4) == 0;
      gint64 start = from + g_rand_int_range (r, 0, (gint32) (span / 1000)) * G_GINT64_CONSTANT (1000);
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (start / 1000);
      g_autofree char *iso = g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
      int duration = g_rand_int_range (r, 0, 6) == 0 ? 0 : g_rand_int_range (r, 1, 1800);
      guint key = w->n_keys > 10 && g_rand_int_range (r, 0, 30) == 0
        ? (guint) g_rand_int_range (r, 0, (gint32) w->n_keys) : w->n_keys++;
      g_string_append_printf (s, "k%u,%s,%d,%s,%s,%s\n", key, iso, duration, in ? other : own,
                              in ? own : other, in ? "in" : "out");
    }
  g_autofree char *name = g_strdup_printf ("calls-%d.csv", w->n_files++);
  g_autofree char *path = test_write (dir, name, s->str);
  IngestOptions io = { operator_slug, NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(Ingest) ing = ingest_new (db, &error);
  cr_assert (ing, "%s", error ? error->message : "");
  IngestStats is = { 0 };
  cr_assert (ingest_file (ing, path, &io, &is, &error), "%s", error ? error->message : "");
}

static void
rate (StoreDb *db, const char *period)
{
  g_autoptr(GError) error = NULL;
  RateOptions ro = { period, 2, 64 };
  RateStats rs;
  cr_assert (rate_run (db, &ro, &rs, &error), "%s", error ? error->message : "");
}

/* ---- the naive model ---- */

/* Days since 1970-01-01 of UTC MS in ZONE, by GDateTime. */
static gint64
model_day (const char *zone, gint64 ms)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);
  cr_assert (tz, "zone %s", zone);
  gint64 sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (sec);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDate) d = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (local),
                                       (GDateMonth) g_date_time_get_month (local),
                                       (GDateYear) g_date_time_get_year (local));
  g_autoptr(GDate) epoch = g_date_new_dmy (1, 1, 1970);
  return g_date_days_between (epoch, d);
}

/* Every table has four sums, agg_destination a fifth (covered, 014). */
#define N_SUMS 5

static void
model_add (GHashTable *rows, char *key, const gint64 sums[N_SUMS])
{
  gint64 *v = g_hash_table_lookup (rows, key);
  if (!v)
    g_hash_table_insert (rows, key, v = g_new0 (gint64, N_SUMS));
  else
    g_free (key);
  for (int i = 0; i < N_SUMS; i++)
    v[i] += sums[i];
}

static GHashTable *
model_rows (StoreDb *db)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) zone_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(StoreStmt) zs = store_prepare (db, "SELECT account, timezone FROM accounts", NULL);
  while (store_next (zs) == STORE_ROW)
    g_hash_table_insert (zone_of, g_strdup (store_column_text (zs, 0)),
                         g_strdup (store_column_text (zs, 1)));
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT r.period, r.account, c.operator, c.direction, r.status, r.grp, r.destination,"
    " c.caller, c.callee, c.start_ms, c.duration, r.billable, r.charge, r.covered"
    " FROM ratings r JOIN calls c ON c.id = r.call_id", NULL);
  cr_assert (st);
  while (store_next (st) == STORE_ROW)
    {
      const char *period = store_column_text (st, 0), *account = store_column_text_or_null (st, 1);
      const char *op = store_column_text (st, 2), *direction = store_column_text (st, 3);
      const char *status = store_column_text (st, 4);
      const char *grp = store_column_text_or_null (st, 5);
      const char *destination = store_column_text_or_null (st, 6);
      const char *number = store_column_text_or_null (st, g_str_equal (direction, "out") ? 7 : 8);
      gint64 start = store_column_int64 (st, 9), duration = store_column_int64 (st, 10);
      gint64 billable = store_column_int64 (st, 11), charge = store_column_int64 (st, 12);
      gint64 covered = store_column_int64 (st, 13);
      const char *zone = account ? g_hash_table_lookup (zone_of, account) : NULL;
      gint64 day = model_day (zone ? zone : "UTC", start);
      gboolean answered = !g_str_equal (status, "unanswered");
      const gint64 kpi[N_SUMS] = { 1, answered, answered ? duration : 0,
                              g_str_equal (status, "rated") ? charge : 0 };
      model_add (rows, g_strdup_printf ("kpi|%s|%s|%" G_GINT64_FORMAT "|%s|%s", period, op, day,
                                        direction, grp ? grp : ""), kpi);
      if (!account || !(g_str_equal (status, "rated") || g_str_equal (status, "free")))
        continue;
      const gint64 usage[N_SUMS] = { 1, duration, billable, charge };
      const gint64 dest[N_SUMS] = { 1, duration, billable, charge, covered };
      model_add (rows, g_strdup_printf ("day|%s|%s|%" G_GINT64_FORMAT, period, account, day), usage);
      model_add (rows, g_strdup_printf ("number|%s|%s|%s", period, account, number ? number : ""),
                 usage);
      model_add (rows, g_strdup_printf ("destination|%s|%s|%s|%s|%s", period, account, direction,
                                        grp ? grp : "", destination ? destination : ""), dest);
    }
  return rows;
}

static GHashTable *
stored_rows (StoreDb *db)
{
  static const char *const sql[][2] = {
    { "kpi", "SELECT 'kpi|' || period || '|' || operator || '|' || day || '|' || direction || '|' || grp,"
             " attempts, answered, seconds, revenue, 0 FROM agg_kpi" },
    { "day", "SELECT 'day|' || period || '|' || account || '|' || day, calls, seconds, billable,"
             " charge, 0 FROM agg_day" },
    { "number", "SELECT 'number|' || period || '|' || account || '|' || number, calls, seconds,"
                " billable, charge, 0 FROM agg_number" },
    { "destination", "SELECT 'destination|' || period || '|' || account || '|' || direction || '|'"
                     " || grp || '|' || destination, calls, seconds, billable, charge, covered"
                     " FROM agg_destination" },
  };
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint t = 0; t < G_N_ELEMENTS (sql); t++)
    {
      g_autoptr(StoreStmt) st = store_prepare (db, sql[t][1], NULL);
      cr_assert (st);
      while (store_next (st) == STORE_ROW)
        {
          gint64 *v = g_new (gint64, N_SUMS);
          for (int i = 0; i < N_SUMS; i++)
            v[i] = store_column_int64 (st, 1 + i);
          cr_assert_not (g_hash_table_contains (rows, store_column_text (st, 0)));
          g_hash_table_insert (rows, g_strdup (store_column_text (st, 0)), v);
        }
    }
  return rows;
}

static void
check_aggregates (StoreDb *db, const char *step)
{
  g_autoptr(GHashTable) model = model_rows (db);
  g_autoptr(GHashTable) stored = stored_rows (db);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, model);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const gint64 *m = v, *s = g_hash_table_lookup (stored, k);
      cr_assert (s, "%s: no aggregate row %s", step, (const char *) k);
      for (int i = 0; i < N_SUMS; i++)
        cr_assert_eq (m[i], s[i], "%s: %s sum %d: model %" G_GINT64_FORMAT ", stored %"
                      G_GINT64_FORMAT, step, (const char *) k, i, m[i], s[i]);
    }
  cr_assert_eq (g_hash_table_size (model), g_hash_table_size (stored),
                "%s: %u model rows, %u stored", step, g_hash_table_size (model),
                g_hash_table_size (stored));
}

static void
check_tables_equal (const ReportTable *a, const ReportTable *b, const char *what)
{
  cr_assert_eq (a->rows->len, b->rows->len, "%s: %u rows from the aggregates, %u from the calls",
                what, a->rows->len, b->rows->len);
  for (guint r = 0; r < a->rows->len; r++)
    for (guint c = 0; c < a->columns->len; c++)
      {
        const char *x = ((GPtrArray *) a->rows->pdata[r])->pdata[c];
        const char *y = ((GPtrArray *) b->rows->pdata[r])->pdata[c];
        cr_assert (g_strcmp0 (x, y) == 0, "%s row %u column %s: '%s' vs '%s'", what, r,
                   (const char *) a->columns->pdata[c], x ? x : "(null)", y ? y : "(null)");
      }
}

/* Every report of PERIOD from the aggregates equals the one from the calls. */
static void
check_reports (StoreDb *db, const char *period)
{
  g_autoptr(GError) error = NULL;
  for (int by = REPORT_BY_USER; by <= REPORT_BY_DAY; by++)
    for (int acc = -1; acc < 2; acc++)
      {
        g_autofree char *account = acc < 0 ? NULL : g_strdup_printf ("acc%d", acc);
        ReportQuery q = { .period = period, .account = account, .by = (ReportUsageBy) by };
        ReportQuery qc = q;
        qc.from_calls = TRUE;
        g_autoptr(ReportTable) a = report_usage (db, &q, &error);
        cr_assert (a, "%s", error ? error->message : "");
        g_autoptr(ReportTable) b = report_usage (db, &qc, &error);
        cr_assert (b, "%s", error ? error->message : "");
        check_tables_equal (a, b, "usage");
      }
  for (int op = 0; op < 3; op++)
    {
      ReportQuery q = { .period = period, .operator_slug = op == 0 ? NULL : op == 1 ? "op" : "tel" };
      ReportQuery qc = q;
      qc.from_calls = TRUE;
      g_autoptr(ReportTable) a = report_kpi (db, &q, &error);
      g_autoptr(ReportTable) b = report_kpi (db, &qc, &error);
      cr_assert (a && b);
      check_tables_equal (a, b, "kpi");
    }
  ReportQuery q = { .period = period }, qc = { .period = period, .from_calls = TRUE };
  g_autoptr(GPtrArray) a = report_daily_all (db, &q, &error);
  cr_assert (a, "%s", error ? error->message : "");
  g_autoptr(GPtrArray) b = report_daily_all (db, &qc, &error);
  cr_assert (b, "%s", error ? error->message : "");
  cr_assert_eq (a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const ReportDaily *x = a->pdata[i], *y = b->pdata[i];
      cr_assert_str_eq (x->account, y->account);
      cr_assert_eq (x->n_days, y->n_days);
      cr_assert (memcmp (x->billable_seconds, y->billable_seconds, x->n_days * sizeof (gint64)) == 0);
      cr_assert (memcmp (x->cost, y->cost, x->n_days * sizeof (gint64)) == 0);
    }
  g_autoptr(GPtrArray) ka = report_accounts (db, &q, &error);
  g_autoptr(GPtrArray) kb = report_accounts (db, &qc, &error);
  cr_assert (ka && kb && ka->len == kb->len);
  for (guint i = 0; i < ka->len; i++)
    cr_assert_str_eq (ka->pdata[i], kb->pdata[i]);
}

/* ---- invoices: from the aggregates and from the ratings ---- */

/* Everything INV and its appendix DESTINATIONS say, one text (an issued
 * invoice has no held calls: ISSUED leaves them out). */
static void
describe_invoice (GString *out, const Invoice *inv, const GPtrArray *destinations,
                  gboolean issued)
{
  g_string_append_printf (out, "invoice %s %s %s %s %s %u tax rate %" G_GINT64_FORMAT
                          " subtotal %" G_GINT64_FORMAT " tax %" G_GINT64_FORMAT
                          " total %" G_GINT64_FORMAT "\n", inv->account, inv->operator_slug,
                          inv->tenant_id ? inv->tenant_id : "-", inv->period, inv->currency,
                          inv->minor_units, inv->tax_rate, inv->subtotal, inv->tax, inv->total);
  if (!issued)
    g_string_append_printf (out, " held %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                            inv->held_calls, inv->held_amount);
  for (guint i = 0; i < inv->lines->len; i++)
    {
      const InvoiceLine *l = inv->lines->pdata[i];
      g_string_append_printf (out, " line %s %s %s %s q %" G_GUINT64_FORMAT " calls %"
                              G_GUINT64_FORMAT " billable %" G_GUINT64_FORMAT " covered %"
                              G_GUINT64_FORMAT " amount %" G_GINT64_FORMAT " %s",
                              invoice_line_kind_to_string (l->kind),
                              l->number_type ? l->number_type : "-",
                              l->direction ? l->direction : "-", l->group ? l->group : "-",
                              l->quantity, l->calls, l->billable_seconds, l->covered_seconds,
                              l->amount, l->description ? l->description : "-");
      for (guint p = 0; l->periods && p < l->periods->len; p++)
        g_string_append_printf (out, " %s", (const char *) l->periods->pdata[p]);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < destinations->len; i++)
    {
      const InvoiceDestination *d = destinations->pdata[i];
      g_string_append_printf (out, " destination %s|%s calls %" G_GUINT64_FORMAT " billable %"
                              G_GUINT64_FORMAT " amount %" G_GINT64_FORMAT "\n",
                              d->destination ? d->destination : "(null)",
                              d->group ? d->group : "(null)", d->calls, d->billable_seconds,
                              d->amount);
    }
}

static gboolean
collect_invoice (Invoice *invoice, GPtrArray *destinations, gpointer out, GError **error)
{
  describe_invoice (out, invoice, destinations, FALSE);
  invoice_free (invoice);
  g_ptr_array_unref (destinations);
  return TRUE;
}

/* The invoices invoice_compute_period() gives SCOPE, FROM_RATINGS or not,
 * as one text (an error too). */
static char *
compute_invoices (StoreDb *db, InvoiceScope scope, gboolean from_ratings)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  scope.from_ratings = from_ratings;
  if (!invoice_compute_period (db, &scope, collect_invoice, out, &error))
    g_string_append_printf (out, "error: %s\n", error->message);
  return g_strdup (out->str);
}

/* The accounts with PERIOD closed, as issue leaves them out. */
static GHashTable *
closed_accounts (StoreDb *db, const char *period)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(StoreStmt) st = store_prepare (db, "SELECT account FROM closed_periods"
                                              " WHERE period = ?1", NULL);
  cr_assert (st && store_bind (st, NULL, STORE_TEXT (period)));
  while (store_next (st) == STORE_ROW)
    g_hash_table_add (set, g_strdup (store_column_text (st, 0)));
  return set;
}

/* Every invoice of PERIOD (every operator, each one, each one but its
 * closed accounts as issue computes them) the same from the aggregates as
 * from the ratings. */
static void
check_invoices (StoreDb *db, const char *period, const char *step)
{
  static const char *const operators[] = { NULL, "op", "tel" };
  g_autoptr(GHashTable) closed = closed_accounts (db, period);
  for (guint o = 0; o < G_N_ELEMENTS (operators); o++)
    for (int skip = 0; skip < 2; skip++)
      {
        InvoiceScope scope = { period, operators[o], NULL, skip ? closed : NULL };
        g_autofree char *agg = compute_invoices (db, scope, FALSE);
        g_autofree char *scan = compute_invoices (db, scope, TRUE);
        cr_assert_str_eq (agg, scan, "%s: invoices of %s (%s%s) differ", step, period,
                          operators[o] ? operators[o] : "all", skip ? ", closed skipped" : "");
      }
}

/* Open a dispute on a random rated call never disputed, or resolve a
 * random open one. */
/* (a dispute whose call was withdrawn stays open) */
#define CALL_LEFT " AND EXISTS (SELECT 1 FROM calls c WHERE c.id = disputes.call_id"   \
  " AND c.operator = disputes.operator AND c.call_key = disputes.call_key)"
#define UNDISPUTED " AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.call_id = r.call_id)"
static void
dispute_step (StoreDb *db, GRand *rand, gboolean open)
{
  g_autoptr(GError) error = NULL;
  gint64 n = test_count (db, open ? "SELECT count (*) FROM ratings r WHERE status = 'rated'" UNDISPUTED
                                  : "SELECT count (*) FROM disputes WHERE status = 'open'" CALL_LEFT);
  if (n == 0)
    return;
  g_autoptr(StoreStmt) st = store_prepare (db, open
    ? "SELECT c.operator || ':' || c.call_key FROM ratings r JOIN calls c ON c.id = r.call_id"
      " WHERE r.status = 'rated'" UNDISPUTED " ORDER BY r.call_id LIMIT 1 OFFSET ?1"
    : "SELECT operator || ':' || call_key FROM disputes WHERE status = 'open'" CALL_LEFT
      " ORDER BY call_id LIMIT 1 OFFSET ?1", NULL);
  cr_assert (st && store_bind (st, NULL, STORE_INT (g_rand_int_range (rand, 0, (gint32) n))));
  cr_assert_eq (store_next (st), STORE_ROW);
  g_autofree char *ref = g_strdup (store_column_text (st, 0));
  if (open)
    cr_assert (dispute_open (db, ref, "test", "tester", &error), "%s", error->message);
  else
    cr_assert (dispute_resolve (db, ref, g_rand_boolean (rand) ? DISPUTE_UPHELD
                                : DISPUTE_REJECTED, NULL, "tester", NULL, &error),
               "%s", error->message);
}

static gboolean
current (StoreDb *db)
{
  gboolean is = FALSE;
  g_autoptr(GError) error = NULL;
  cr_assert (aggregates_current (db, &is, &error), "%s", error ? error->message : "");
  return is;
}

static void
check_step (StoreDb *db, const char *step, gboolean must_be_current)
{
  gboolean is = current (db);
  cr_assert (is || !must_be_current, "%s: the aggregates are not current", step);
  if (is)
    check_aggregates (db, step);
  check_reports (db, "2026-10");
  check_reports (db, "2026-11");
  check_invoices (db, "2026-10", step);
  check_invoices (db, "2026-11", step);
}

/* The invoices of OPERATOR for October just issued (issue_load) equal
 * DRAFTS, those computed from the ratings before issuing. */
static void
check_issued (StoreDb *db, const char *operator_slug, const char *drafts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issued = issue_load (db, operator_slug, "2026-10", &error);
  cr_assert (issued, "%s", error ? error->message : "");
  g_autoptr(GString) out = g_string_new (NULL);
  for (guint i = 0; i < issued->len; i++)
    {
      const InvoiceRecord *rec = issued->pdata[i];
      describe_invoice (out, rec->invoice, rec->destinations, TRUE);
    }
  g_autoptr(GString) expected = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (drafts, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && !g_str_has_prefix (lines[i], " held "))
      g_string_append_printf (expected, "%s\n", lines[i]);
  cr_assert_str_eq (out->str, expected->str, "issued %s", operator_slug);
}

static void
run_sequence (guint seed, int steps)
{
  World w;
  g_autoptr(StoreDb) db = world_db (&w, seed, 1, "agg-%u.db", seed);
  g_autoptr(GError) error = NULL;
  gboolean issued_oct = FALSE;
  g_autoptr(GRand) disputes_rand = g_rand_new_with_seed (seed + 1000);
  for (int s = 0; s < steps; s++)
    {
      int kind = s < 2 ? s : g_rand_int_range (w.rand, 0, 8);
      g_autofree char *step = NULL;
      gboolean rated = TRUE;
      switch (kind)
        {
        case 0:   /* ingest, then rate */
        case 1:
          ingest_calls (db, &w, g_rand_boolean (w.rand) ? "op" : "tel", 300, oct1,
                        G_GINT64_CONSTANT (61) * 86400000);
          step = g_strdup_printf ("seed %u step %d: ingest", seed, s);
          check_step (db, step, FALSE);
          rate (db, NULL);
          break;
        case 2:   /* catalog change: rates, sometimes a zone */
          w.rate_scale = 1 + w.rate_scale % 8;
          if (g_rand_int_range (w.rand, 0, 3) == 0)
            w.zone[0] = (w.zone[0] + 1) % (int) G_N_ELEMENTS (zones);
          import (db, &w);
          step = g_strdup_printf ("seed %u step %d: catalog change", seed, s);
          check_step (db, step, FALSE);
          rate (db, NULL);
          break;
        case 3:   /* issue October: the invoices stored as computed from the ratings */
          {
            IssueStats is;
            g_autoptr(GHashTable) closed = closed_accounts (db, "2026-10");
            g_autofree char *op = compute_invoices (db, (InvoiceScope) { "2026-10", "op", NULL,
                                                                         closed }, TRUE);
            g_autofree char *tel = compute_invoices (db, (InvoiceScope) { "2026-10", "tel", NULL,
                                                                          closed }, TRUE);
            cr_assert (issue_period (db, "op", "2026-10", "2026-11-05", &is, &error), "%s",
                       error ? error->message : "");
            cr_assert (issue_period (db, "tel", "2026-10", "2026-11-05", &is, &error), "%s",
                       error ? error->message : "");
            if (!issued_oct)
              {
                check_issued (db, "op", op);
                check_issued (db, "tel", tel);
              }
            issued_oct = TRUE;
            rated = FALSE;
            break;
          }
        case 4:   /* late calls in October */
          ingest_calls (db, &w, "op", 40, oct1 + G_GINT64_CONSTANT (2) * 86400000,
                        G_GINT64_CONSTANT (25) * 86400000);
          rate (db, NULL);
          break;
        case 5:   /* a file withdrawn, not rated again yet */
          {
            g_auto(FilesWithdrawal) fw = { 0 };
            gint64 id = 0;
            cr_assert (store_query_int (db, "SELECT max (id) FROM files", &id, &error));
            g_clear_error (&error);
            if (id > 0 && files_withdraw (db, id, "test", &fw, &error))
              {
                step = g_strdup_printf ("seed %u step %d: withdrawn", seed, s);
                check_step (db, step, FALSE);
              }
            g_clear_error (&error);
            rate (db, NULL);
            break;
          }
        case 6:   /* rate one period only */
          rate (db, g_rand_boolean (w.rand) ? "2026-11" : "2026-10");
          break;

        default:  /* a rate with nothing new */
          rate (db, NULL);
          break;
        }
      g_free (step);
      step = g_strdup_printf ("seed %u step %d (kind %d, October %s)", seed, s, kind,
                              issued_oct ? "issued" : "open");
      check_step (db, step, rated);
      /* disputes opened and resolved (upheld or rejected) between the
       * steps, drawn from their own generator */
      int disputes = g_rand_int_range (disputes_rand, 0, 4);
      for (int k = 0; k < disputes; k++)
        dispute_step (db, disputes_rand, g_rand_int_range (disputes_rand, 0, 3) > 0);
      if (disputes)
        {
          g_free (step);
          step = g_strdup_printf ("seed %u step %d: %d disputes", seed, s, disputes);
          check_step (db, step, rated);
        }
    }
  g_rand_free (w.rand);
}

Test (aggregates, equal_the_sums_over_the_ratings_after_random_sequences)
{
  for (guint seed = 1; seed <= 6; seed++)
    run_sequence (seed, 14);
}

/* The same with the pending sums written out every few groups: rate's
 * reading thread flushes them on the writing connection between the
 * writer's slots (rate.c, slot_aggregate_flush), and small batches make
 * many slots. */
Test (aggregates, equal_the_sums_when_flushed_while_rating)
{
  g_setenv ("RATER_AGGREGATES_PENDING_MAX", "7", TRUE);
  for (guint seed = 7; seed <= 9; seed++)
    run_sequence (seed, 10);
  g_unsetenv ("RATER_AGGREGATES_PENDING_MAX");
}

/* Invoices are summed from the aggregates while they are current and no
 * account of the batch has the period closed, and from the ratings
 * otherwise: seen by making the aggregates wrong by hand (which no trigger
 * journals) and comparing with the ratings. */
Test (aggregates, invoices_from_the_aggregates_only_while_current)
{
  World w;
  g_autoptr(StoreDb) db = world_db (&w, 7, 2, "paths.db");
  g_autoptr(GError) error = NULL;
  ingest_calls (db, &w, "op", 300, oct1, G_GINT64_CONSTANT (61) * 86400000);
  ingest_calls (db, &w, "tel", 300, oct1, G_GINT64_CONSTANT (61) * 86400000);
  rate (db, NULL);
  for (int k = 0; k < 6; k++)
    dispute_step (db, w.rand, k < 5);
  cr_assert_gt (test_count (db, "SELECT count (*) FROM disputes WHERE status = 'open'"), 0);
  cr_assert (current (db));
  InvoiceScope all = { "2026-11", NULL, NULL, NULL };
  g_autofree char *scan = compute_invoices (db, all, TRUE);
  g_autofree char *agg = compute_invoices (db, all, FALSE);
  cr_assert_str_eq (agg, scan);
  cr_assert (strstr (scan, " held ") && strstr (scan, " destination "));
  /* wrong by hand, still current: the invoices follow the aggregates */
  cr_assert (store_exec (db, "UPDATE agg_destination SET charge = charge + 1000000,"
                         " covered = covered + 1 WHERE period = '2026-11'", &error));
  cr_assert (current (db));
  g_autofree char *wrong = compute_invoices (db, all, FALSE);
  cr_assert_str_neq (wrong, scan);
  /* a journal not yet added: the ratings are read */
  cr_assert (store_exec (db, "UPDATE ratings SET charge = charge"
                         " WHERE call_id = (SELECT min (call_id) FROM ratings)", &error));
  cr_assert_not (current (db));
  g_autofree char *journalled = compute_invoices (db, all, FALSE);
  cr_assert_str_eq (journalled, scan);
  cr_assert (store_exec (db, "DELETE FROM agg_journal", &error));
  cr_assert (current (db));
  /* November closed for op's accounts: a batch with one of them reads the
   * ratings, one without (tel's; op's, its closed accounts left out as
   * issue leaves them) the aggregates */
  IssueStats is;
  cr_assert (issue_period (db, "op", "2026-11", "2026-12-05", &is, &error), "%s",
             error ? error->message : "");
  cr_assert (current (db));
  g_autofree char *closed_scan = compute_invoices (db, all, TRUE);
  g_autofree char *closed_agg = compute_invoices (db, all, FALSE);
  cr_assert_str_eq (closed_agg, closed_scan);
  InvoiceScope tel = { "2026-11", "tel", NULL, NULL };
  g_autofree char *tel_scan = compute_invoices (db, tel, TRUE);
  g_autofree char *tel_agg = compute_invoices (db, tel, FALSE);
  cr_assert (*tel_scan);
  cr_assert_str_neq (tel_agg, tel_scan);
  g_rand_free (w.rand);
}

/* A database of schema 9 (the last before the aggregates) with ratings:
 * `rater init` builds the aggregates. */

Test (aggregates, built_by_the_upgrade_from_schema_9)
{
  World w = { .rand = g_rand_new_with_seed (99), .rate_scale = 3 };
  for (int a = 0; a < N_ACCOUNTS; a++)
    w.zone[a] = (a + 1) % (int) G_N_ELEMENTS (zones);
  g_autofree char *path = g_strdup_printf ("%s/v9.db", dir);
  int from, to;
  g_autoptr(GError) error = NULL;
  {
    g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
    cr_assert (db);
    import (db, &w);
    ingest_calls (db, &w, "op", 400, oct1, G_GINT64_CONSTANT (61) * 86400000);
    ingest_calls (db, &w, "tel", 400, oct1, G_GINT64_CONSTANT (61) * 86400000);
    rate (db, NULL);
    cr_assert (store_exec (db, TEST_UNDO_RATING_FACTS_SQL, &error), "%s", error ? error->message : "");
    /* back to schema 9, the last before the aggregates: what migrations 010
     * and later added, gone (a new migration adds its DROPs here; 014 only
     * added columns to 010's tables and made 010's view and triggers again) */
    cr_assert (store_exec (db, "DROP VIEW agg_facts; DROP TRIGGER agg_rating_inserted;"
                           " DROP TRIGGER agg_rating_updated; DROP TRIGGER agg_rating_deleted;"
                           " DROP TRIGGER agg_call_updated; DROP TABLE agg_kpi; DROP TABLE agg_day;"
                           " DROP TABLE agg_number; DROP TABLE agg_destination;"
                           " DROP TABLE agg_zones; DROP TABLE agg_journal; DROP TABLE agg_control;"
                           " DROP TABLE graph_fetches; DROP TABLE disputes; DROP TABLE credit_note_documents;"
                           " DROP TABLE purged_periods; DROP TABLE purged_files;"
                           " DROP TABLE invoice_frozen_calls; DROP TABLE invoice_frozen;"
                           " DROP INDEX ratings_unrated;"
                           " DROP TRIGGER rate_call_updated;"
                           " DROP TRIGGER rate_call_deleted; DROP TRIGGER rate_rating_updated;"
                           " DROP TRIGGER rate_rating_deleted; DROP TRIGGER rate_closed_inserted;"
                           " DROP TRIGGER rate_closed_updated; DROP TRIGGER rate_closed_deleted;"
                           " DROP TABLE rate_changes; DROP TABLE rate_last;"
                           " DROP TABLE nightly_shards; ALTER TABLE ratings DROP COLUMN operator;"
                           " PRAGMA user_version = 9", &error), "%s", error ? error->message : "");
  }
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert (db, "%s", error ? error->message : "");
  cr_assert_eq (from, 9);
  cr_assert_eq (to, store_schema_version ());
  /* 018: every rating takes its call's operator, as rate writes it */
  cr_assert_gt (test_count (db, "SELECT count (*) FROM ratings WHERE operator = 'tel'"), 0);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings r WHERE r.operator IS NOT"
                                " (SELECT c.operator FROM calls c WHERE c.id = r.call_id)"), 0);
  cr_assert (current (db));
  cr_assert_gt (test_count (db, "SELECT count (*) FROM agg_destination"), 10);
  check_aggregates (db, "upgraded");
  check_reports (db, "2026-10");
  check_reports (db, "2026-11");
  /* and they are kept from there on */
  ingest_calls (db, &w, "op", 100, oct1, G_GINT64_CONSTANT (61) * 86400000);
  rate (db, NULL);
  check_aggregates (db, "upgraded, then rated");
  g_rand_free (w.rand);
}

/* A database of schema 13 (before agg_destination's covered seconds) with
 * bundles drawn on: `rater init` fills covered from the ratings; with a
 * journal not yet added (ratings withdrawn, and one moved to a destination
 * group it creates) it marks the aggregates stale instead, and the next
 * rate builds them again.  Either way the sums are right and invoices are
 * summed from them. */
static void
upgrade_from_13 (gboolean journal)
{
  World w = { .rand = g_rand_new_with_seed (13), .rate_scale = 4 };
  for (int a = 0; a < N_ACCOUNTS; a++)
    w.zone[a] = a % (int) G_N_ELEMENTS (zones);
  g_autofree char *path = g_strdup_printf ("%s/v13-%d.db", dir, journal);
  int from, to;
  g_autoptr(GError) error = NULL;
  {
    g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
    cr_assert (db);
    import (db, &w);
    ingest_calls (db, &w, "op", 400, oct1, G_GINT64_CONSTANT (61) * 86400000);
    ingest_calls (db, &w, "tel", 400, oct1, G_GINT64_CONSTANT (61) * 86400000);
    rate (db, NULL);
    cr_assert_gt (test_count (db, "SELECT count (*) FROM ratings WHERE covered > 0"), 0);
    /* a journal waiting for the next rate */
    g_auto(FilesWithdrawal) fw = { 0 };
    if (journal)
      {
        cr_assert (files_withdraw (db, 1, "test", &fw, &error), "%s", error ? error->message : "");
        cr_assert (store_exec (db, "UPDATE ratings SET destination = 'Elsewhere' WHERE call_id ="
                               " (SELECT min (call_id) FROM ratings WHERE covered > 0)", &error));
        cr_assert_gt (test_count (db, "SELECT count (*) FROM agg_journal"), 0);
      }
    cr_assert (store_exec (db, TEST_UNDO_RATING_FACTS_SQL, &error), "%s", error ? error->message : "");
    /* back to schema 13: what 014 and later added, gone */
    cr_assert (store_exec (db, "DROP VIEW agg_facts; DROP TRIGGER agg_rating_inserted;"
                           " DROP TRIGGER agg_rating_updated; DROP TRIGGER agg_rating_deleted;"
                           " DROP TRIGGER agg_call_updated;"
                           " ALTER TABLE agg_destination DROP COLUMN covered;"
                           " ALTER TABLE agg_journal DROP COLUMN covered;"
                           " DROP INDEX ratings_unrated;"
                           " DROP TRIGGER rate_call_updated;"
                           " DROP TRIGGER rate_call_deleted; DROP TRIGGER rate_rating_updated;"
                           " DROP TRIGGER rate_rating_deleted; DROP TRIGGER rate_closed_inserted;"
                           " DROP TRIGGER rate_closed_updated; DROP TRIGGER rate_closed_deleted;"
                           " DROP TRIGGER rate_purged_inserted; DROP TRIGGER rate_purged_updated;"
                           " DROP TRIGGER rate_purged_deleted;"
                           " DROP TABLE rate_changes; DROP TABLE rate_last;"
                           " DROP TABLE nightly_shards; ALTER TABLE ratings DROP COLUMN operator;"
                           " PRAGMA user_version = 13", &error), "%s", error ? error->message : "");
  }
  g_autoptr(StoreDb) db = store_init (path, &from, &to, &error);
  cr_assert (db, "%s", error ? error->message : "");
  cr_assert_eq (from, 13);
  cr_assert_eq (to, store_schema_version ());
  if (journal)
    {
      /* stale until the next rate builds them again */
      cr_assert_not (current (db));
      check_invoices (db, "2026-11", "upgraded from 13, journal waiting");
      rate (db, NULL);
    }
  cr_assert (current (db));
  cr_assert_gt (test_count (db, "SELECT count (*) FROM agg_destination WHERE covered > 0"), 0);
  check_aggregates (db, "upgraded from 13");
  check_invoices (db, "2026-10", "upgraded from 13");
  check_invoices (db, "2026-11", "upgraded from 13");
  /* and kept from there on, the triggers journalling covered */
  cr_assert (store_exec (db, "UPDATE ratings SET covered = covered + 1"
                         " WHERE call_id = (SELECT min (call_id) FROM ratings WHERE covered > 0)",
                         &error));
  rate (db, NULL);
  check_aggregates (db, "upgraded from 13, then rated");
  check_invoices (db, "2026-11", "upgraded from 13, then rated");
  g_rand_free (w.rand);
}

Test (aggregates, covered_filled_by_the_upgrade_from_schema_13)
{
  upgrade_from_13 (FALSE);
}

Test (aggregates, rebuilt_after_the_upgrade_from_schema_13_with_a_journal)
{
  upgrade_from_13 (TRUE);
}

/* ---- a rate with nothing to do (rate.h, schemas/015) ---- */

/* The ratings and every aggregate table of DB, as text. */
static char *
rated_state (StoreDb *db)
{
  static const char *const tables[][2] = {
    { "ratings", "call_id" }, { "agg_kpi", "1, 2, 3, 4, 5" }, { "agg_day", "1, 2, 3" },
    { "agg_number", "1, 2, 3" }, { "agg_destination", "1, 2, 3, 4, 5" },
    { "agg_zones", "1" }, { "agg_journal", "id" },
  };
  g_autoptr(GString) out = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *t = test_table_text (db, tables[i][0], tables[i][1]);
      g_string_append_printf (out, "== %s\n%s", tables[i][0], t);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static RateStats
rate_stats (StoreDb *db)
{
  g_autoptr(GError) error = NULL;
  RateOptions ro = { NULL, 2, 64 };
  RateStats rs;
  cr_assert (rate_run (db, &ro, &rs, &error), "%s", error ? error->message : "");
  return rs;
}

/* Rate DB (skipping when it may) and, from a copy of DB as it was, rate
 * without the record of the last rate (everything rated again): the same
 * summary and the same ratings and aggregates.  Whether DB's rate skipped. */
static gboolean
rate_both (StoreDb *db, const char *step)
{
  g_autofree char *copy = g_strdup_printf ("%s/full.db", dir);
  g_unlink (copy);
  g_autofree char *sql = g_strdup_printf ("VACUUM INTO '%s'", copy);
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, sql, &error), "%s", error ? error->message : "");
  g_autoptr(StoreDb) full = store_open (copy, &error);
  cr_assert (full, "%s", error ? error->message : "");
  cr_assert (store_exec (full, "DELETE FROM rate_last", &error), "%s", error ? error->message : "");
  RateStats a = rate_stats (db), b = rate_stats (full);
  cr_assert (!b.skipped, "%s: a rate without a record skipped", step);
  gboolean skipped = a.skipped;
  a.skipped = FALSE;
  cr_assert (memcmp (&a, &b, sizeof a) == 0, "%s: summary %s differs: %" G_GUINT64_FORMAT
             " / %" G_GUINT64_FORMAT " calls, %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " late",
             step, skipped ? "(skipped)" : "", a.calls, b.calls, a.late, b.late);
  g_autofree char *sa = rated_state (db), *sb = rated_state (full);
  cr_assert_str_eq (sa, sb, "%s: %s rate left another state", step, skipped ? "a skipping" : "the");
  return skipped;
}

/* Ingest the last CDR file of W again: already ingested, nothing changes. */
static void
ingest_again (StoreDb *db, World *w)
{
  g_autofree char *path = g_strdup_printf ("%s/calls-%d.csv", dir, w->n_files - 1);
  IngestOptions io = { "op", NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(Ingest) ing = ingest_new (db, &error);
  cr_assert (ing, "%s", error ? error->message : "");
  IngestStats is = { 0 };
  cr_assert (ingest_file (ing, path, &io, &is, &error), "%s", error ? error->message : "");
}

typedef enum { EXPECT_ANY, EXPECT_SKIP, EXPECT_WORK } Expect;

static void
skip_sequence (guint seed, int steps)
{
  World w;
  g_autoptr(StoreDb) db = world_db (&w, seed, 1, "skip-%u.db", seed);
  g_autoptr(GError) error = NULL;
  guint skips = 0, works = 0;
  for (int s = 0; s < steps; s++)
    {
      int kind = s == 0 ? 0 : g_rand_int_range (w.rand, 0, 11);
      Expect expect = EXPECT_WORK;
      switch (kind)
        {
        case 0:   /* new calls */
          ingest_calls (db, &w, g_rand_boolean (w.rand) ? "op" : "tel", 200, oct1,
                        G_GINT64_CONSTANT (61) * 86400000);
          break;
        case 1:   /* a file ingested again */
          ingest_again (db, &w);
          expect = EXPECT_SKIP;
          break;
        case 2:   /* the catalog changed: rates, sometimes a zone */
          w.rate_scale = 1 + w.rate_scale % 8;
          if (g_rand_int_range (w.rand, 0, 3) == 0)
            w.zone[0] = (w.zone[0] + 1) % (int) G_N_ELEMENTS (zones);
          import (db, &w);
          break;
        case 3:   /* the catalog imported again unchanged */
          import (db, &w);
          expect = EXPECT_SKIP;
          break;
        case 4:   /* a file withdrawn */
          {
            g_auto(FilesWithdrawal) fw = { 0 };
            gint64 id = 0;
            cr_assert (store_query_int (db, "SELECT max (id) FROM files", &id, &error));
            if (!(id > 0 && files_withdraw (db, id, "test", &fw, &error)))
              expect = EXPECT_ANY;
            g_clear_error (&error);
            break;
          }
        case 5:   /* October issued (closed periods, late calls billed) */
          {
            IssueStats is;
            gint64 closed = 0;
            cr_assert (store_query_int (db, "SELECT count (*) FROM closed_periods", &closed, &error));
            cr_assert (issue_period (db, "op", "2026-10", "2026-11-05", &is, &error), "%s",
                       error ? error->message : "");
            cr_assert (issue_period (db, "tel", "2026-10", "2026-11-05", &is, &error), "%s",
                       error ? error->message : "");
            if (closed > 0)
              expect = EXPECT_ANY;   /* issued before: maybe nothing new */
            break;
          }
        case 6:   /* late calls in October */
          ingest_calls (db, &w, "op", 30, oct1 + G_GINT64_CONSTANT (2) * 86400000,
                        G_GINT64_CONSTANT (25) * 86400000);
          break;
        case 7:   /* one period only: the next complete rate rates everything */
          rate (db, g_rand_boolean (w.rand) ? "2026-11" : "2026-10");
          break;
        case 8:   /* a dispute: not an input of rating */
          {
            g_autoptr(StoreStmt) st = store_prepare (db,
              "SELECT operator || ':' || call_key FROM calls ORDER BY random () LIMIT 1", &error);
            cr_assert (st);
            if (store_next (st) == STORE_ROW)
              dispute_open (db, store_column_text_or_null (st, 0), "too dear", "test",
                            &error);
            g_clear_error (&error);
            expect = EXPECT_SKIP;
            break;
          }
        case 9:   /* a call changed by hand */
          cr_assert (store_exec (db, "UPDATE calls SET duration = duration + 60"
                                     " WHERE id = (SELECT max (id) FROM calls)", &error));
          break;
        default:  /* nothing */
          expect = EXPECT_SKIP;
          break;
        }
      g_autofree char *step = g_strdup_printf ("seed %u step %d (kind %d)", seed, s, kind);
      gboolean skipped = rate_both (db, step);
      cr_assert (expect != EXPECT_SKIP || skipped, "%s: rated, expected to skip", step);
      cr_assert (expect != EXPECT_WORK || !skipped, "%s: skipped, expected to rate", step);
      skips += skipped;
      works += !skipped;
      /* and a rate right after a rate has nothing to do */
      cr_assert (rate_stats (db).skipped, "%s: a second rate did not skip", step);
    }
  cr_assert (skips > 0 && works > 0, "seed %u: %u skips, %u rates", seed, skips, works);
  g_rand_free (w.rand);
}

/* After random sequences of ingest (new calls, a file again, late calls),
 * catalog imports (changed or not), files withdraw, issue, rate --period,
 * disputes and changes by hand, a rate that skips leaves what a rate of
 * everything leaves and prints the same summary; each change that is an
 * input of rating makes the next rate rate. */
Test (aggregates, a_skipping_rate_equals_a_full_rate)
{
  for (guint seed = 1; seed <= 4; seed++)
    skip_sequence (seed, 16);
}

/* A rate --period never skips, and forgets the last complete rate; a
 * ratings row changed by hand (not by rate) makes the next rate rate. */
Test (aggregates, period_rates_and_hand_changes_are_not_skipped)
{
  World w;
  g_autoptr(StoreDb) db = world_db (&w, 5, 2, "period.db");
  g_autoptr(GError) error = NULL;
  ingest_calls (db, &w, "op", 100, oct1, G_GINT64_CONSTANT (61) * 86400000);
  cr_assert (!rate_stats (db).skipped);
  cr_assert (rate_stats (db).skipped);
  RateOptions ro = { "2026-11", 2, 64 };
  RateStats rs;
  cr_assert (rate_run (db, &ro, &rs, &error), "%s", error ? error->message : "");
  cr_assert (!rs.skipped);
  cr_assert (rate_run (db, &ro, &rs, &error), "%s", error ? error->message : "");
  cr_assert (!rs.skipped, "a rate --period skipped");
  cr_assert (!rate_stats (db).skipped, "the rate after a rate --period skipped");
  cr_assert (rate_stats (db).skipped);
  cr_assert (store_exec (db, "UPDATE ratings SET charge = charge + 1"
                             " WHERE call_id = (SELECT max (call_id) FROM ratings)", &error));
  cr_assert (!rate_stats (db).skipped, "a rating changed by hand was skipped");
  cr_assert (store_exec (db, "UPDATE ratings SET late = 1 - late"
                             " WHERE call_id = (SELECT max (call_id) FROM ratings)", &error));
  cr_assert (!rate_stats (db).skipped, "a rating's late changed by hand was skipped");
  g_rand_free (w.rand);
}
