/* test-rate.c — rate_run end to end on a database: results independent of
 * thread count, batch size and arrival order; re-rating equals a fresh
 * database; closed periods never change; late calls.  And the accounts as
 * rating loads them (rate-accounts.h). */
#include "config.h"

#include <criterion/criterion.h>

#include "ingest/ingest.h"
#include "rate/rate.h"
#include "rate/rate-accounts.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (rate, .init = setup, .fini = teardown, .timeout = 120);

/* The ratings as one string keyed by call key (ids differ between databases). */
#define DUMP_SQL \
  "SELECT group_concat (line, char (10)) FROM (SELECT c.call_key || ',' || r.status || ','" \
  " || coalesce (r.reason, '') || ',' || coalesce (r.account, '') || ',' || r.period || ','" \
  " || coalesce (r.band, '') || ',' || coalesce (r.prefix, '') || ',' || r.billable || ','" \
  " || r.covered || ',' || r.charge || ',' || r.late AS line" \
  " FROM calls c JOIN ratings r ON r.call_id = c.id ORDER BY c.call_key)"

static char *
dump (StoreDb *db)
{
  g_autoptr(StoreStmt) st = store_prepare (db, DUMP_SQL, NULL);
  cr_assert_eq (store_next (st), STORE_ROW);
  const char *t = store_column_text_or_null (st, 0);
  return g_strdup (t ? t : "");
}

/* N pseudo-random calls of the spec catalog's numbers, in a fixed or shuffled order. */
static char *
random_calls (const char *name, guint n, guint32 shuffle_seed)
{
  static const char *const callers[] = { "+441632960001", "+441632960002", "+441632960101",
                                         "+441632969999", "+12125550100" };
  static const char *const callees[] = { "+442079460", "+447700900", "+4413", "+15551234",
                                         "+448001234", "+33612345" };
  g_autoptr(GRand) rnd = g_rand_new_with_seed (7);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      guint day = 1 + g_rand_int_range (rnd, 0, 30), h = g_rand_int_range (rnd, 0, 24);
      guint c = g_rand_int_range (rnd, 0, G_N_ELEMENTS (callers));
      guint d = g_rand_int_range (rnd, 0, G_N_ELEMENTS (callees));
      gboolean in = d == 4;
      /* several calls share a start so the call key decides the bundle order */
      g_ptr_array_add (lines, g_strdup_printf ("k%05u,2026-11-%02uT%02u:00:00Z,%d,%s,%s%03u,%s\n",
                         i, day, h, g_rand_int_range (rnd, 0, 400), in ? "anonymous" : callers[c],
                         callees[d], g_rand_int_range (rnd, 0, 1000), in ? "in" : "out"));
    }
  if (shuffle_seed)
    {
      g_autoptr(GRand) s = g_rand_new_with_seed (shuffle_seed);
      for (guint i = n - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (s, 0, (gint32) i + 1);
          gpointer t = lines->pdata[i];
          lines->pdata[i] = lines->pdata[j];
          lines->pdata[j] = t;
        }
    }
  g_autoptr(GString) text = g_string_new ("call_id,start,duration,caller,callee,direction\n");
  for (guint i = 0; i < n; i++)
    g_string_append (text, lines->pdata[i]);
  return test_write (dir, name, text->str);
}

static int
sort_start_key (gconstpointer pa, gconstpointer pb)
{
  const char *a = *(const char *const *) pa, *b = *(const char *const *) pb;
  const char *sa = strchr (a, ','), *sb = strchr (b, ',');
  int c = strncmp (sa, sb, 21);   /* ",2026-11-DDTHH:00:00Z" */
  return c ? c : strcmp (a, b);
}

static void
ingest (StoreDb *db, const char *path)
{
  static const IngestOptions opts = { "northwind", NULL, "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 0 };
  g_autoptr(Ingest) ing = ingest_new (db, NULL);
  IngestStats s = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert (ingest_file (ing, path, &opts, &s, &error), "%s", error ? error->message : "");
}

static RateStats
rate (StoreDb *db, guint threads, guint batch, const char *period)
{
  RateOptions opts = { period, threads, batch };
  RateStats s;
  g_autoptr(GError) error = NULL;
  cr_assert (rate_run (db, &opts, &s, &error), "%s", error ? error->message : "");
  return s;
}

static StoreDb *
fresh_db (const char *name)
{
  g_autofree char *sub = g_build_filename (dir, name, NULL);
  g_mkdir (sub, 0700);
  return test_db_with_catalog (sub);
}

Test (rate, same_results_for_any_thread_count_and_batch_size)
{
  g_autoptr(StoreDb) db = fresh_db ("t");
  g_autofree char *path = random_calls ("calls.csv", 3000, 0);
  ingest (db, path);
  RateStats s = rate (db, 1, 1, NULL);
  cr_assert_eq (s.calls, 3000);
  cr_assert_gt (s.rated, 0);
  cr_assert_gt (s.bundled, 0, "the adatum bundle must be used");
  cr_assert_gt (s.unknown_account, 0);
  g_autofree char *one = dump (db);
  static const guint configs[][2] = { { 2, 7 }, { 4, 1024 }, { 3, 100 }, { 1, 1024 } };
  for (guint k = 0; k < G_N_ELEMENTS (configs); k++)
    {
      rate (db, configs[k][0], configs[k][1], NULL);
      g_autofree char *other = dump (db);
      cr_assert_str_eq (other, one, "threads %u batch %u differ", configs[k][0], configs[k][1]);
    }
}

Test (rate, arrival_order_does_not_matter_bundles_included)
{
  g_autoptr(StoreDb) a = fresh_db ("a");
  g_autoptr(StoreDb) b = fresh_db ("b");
  g_autofree char *in_order = random_calls ("ordered.csv", 2000, 0);
  g_autofree char *shuffled = random_calls ("shuffled.csv", 2000, 99);
  ingest (a, in_order);
  ingest (b, shuffled);
  rate (a, 2, 64, NULL);
  rate (b, 2, 64, NULL);
  g_autofree char *da = dump (a), *db_ = dump (b);
  cr_assert_str_eq (da, db_);
  cr_assert_gt (test_count (a, "SELECT count(*) FROM ratings WHERE covered > 0 AND covered < billable"), 0,
                "one call should be partly covered");
}

/* The lines of the CSV file at PATH after its header sorted by start and
 * call key (the order calls draw on a bundle), written to NAME. */
static char *
sorted_by_start (const char *path, const char *name)
{
  g_autofree char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);
  GPtrArray *body = g_ptr_array_new ();
  for (guint i = 1; i < n; i++)
    if (*lines[i])
      g_ptr_array_add (body, lines[i]);
  /* "key,start,...": by start, then key */
  g_ptr_array_sort (body, sort_start_key);
  g_autoptr(GString) out = g_string_new (lines[0]);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < body->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) body->pdata[i]);
  g_ptr_array_unref (body);
  return test_write (dir, name, out->str);
}

/* Calls that come in the order they draw on the bundle are covered as they
 * are written, never rewritten; shuffled, their pools are covered again at
 * the end: the same ratings and aggregates either way. */
Test (rate, bundles_covered_as_calls_come_equal_those_covered_again)
{
  g_autoptr(StoreDb) a = fresh_db ("sorted");
  g_autoptr(StoreDb) b = fresh_db ("shuffled");
  g_autofree char *some = random_calls ("some.csv", 2000, 0);
  g_autofree char *sorted = sorted_by_start (some, "sorted.csv");
  g_autofree char *shuffled = random_calls ("shuffled.csv", 2000, 7);
  ingest (a, sorted);
  ingest (b, shuffled);
  RateStats sa = rate (a, 2, 64, NULL), sb = rate (b, 2, 64, NULL);
  g_autofree char *da = dump (a), *db_ = dump (b);
  cr_assert_str_eq (da, db_);
  cr_assert_eq (sa.bundled, sb.bundled);
  cr_assert_gt (test_count (a, "SELECT count(*) FROM ratings WHERE covered > 0 AND covered < billable"), 0,
                "one call should be partly covered");
  /* adatum's bundle (DOMESTIC) runs out: the calls after it drew nothing */
  cr_assert_gt (test_count (a, "SELECT count(*) FROM ratings WHERE account = 'adatum'"
                               " AND grp = 'DOMESTIC' AND status = 'rated' AND billable > 0"
                               " AND covered = 0"), 0, "some bundle calls find the pool empty");
  for (const char *const *t = (const char *const[]) { "agg_destination", "agg_day", "agg_number",
                                                      "agg_kpi", NULL }; *t; t++)
    {
      g_autofree char *x = test_table_text (a, *t, "1, 2, 3, 4, 5");
      g_autofree char *y = test_table_text (b, *t, "1, 2, 3, 4, 5");
      cr_assert_str_eq (x, y, "%s", *t);
    }
}

static char *
catalog_copy_with_deck (const char *name, const char *deck)
{
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s/%s'", SPEC_CATALOG, dir, name);
  cr_assert_eq (system (cmd), 0);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *decks = g_build_filename (path, "decks", NULL);
  g_free (test_write (decks, "spec.csv", deck));
  return path;
}

static const char new_deck[] =
  "prefix,destination,group,direction,band,rate,connect_fee,increment,effective_from,effective_to\n"
  "44,United Kingdom,INTL,out,all,0.120000,0.010000,30/6,2026-01-01,\n"
  "4420,London,DOMESTIC,out,all,0.015000,0,60/60,2026-01-01,2026-11-15\n"
  "4420,London,DOMESTIC,out,all,0.018000,0,60/60,2026-11-15,\n"
  "1,North America,INTL,out,weekend,0.050000,0,1/1,2026-01-01,\n";

Test (rate, rerating_after_a_catalog_change_equals_a_fresh_database)
{
  g_autoptr(StoreDb) old = fresh_db ("old");
  g_autofree char *calls = random_calls ("calls.csv", 1500, 0);
  ingest (old, calls);
  rate (old, 2, 0, NULL);
  g_autofree char *before = dump (old);
  g_autofree char *changed = catalog_copy_with_deck ("changed", new_deck);
  CatalogImportStats cs;
  cr_assert (catalog_import (old, changed, &cs, NULL));
  rate (old, 2, 0, NULL);
  g_autofree char *rerated = dump (old);
  cr_assert_str_neq (rerated, before, "the new deck must change something");

  g_autofree char *sub = g_build_filename (dir, "fresh", NULL);
  g_mkdir (sub, 0700);
  g_autofree char *path = g_build_filename (sub, "rater.db", NULL);
  int from, to;
  g_autoptr(StoreDb) fresh = store_init (path, &from, &to, NULL);
  cr_assert (catalog_import (fresh, changed, &cs, NULL));
  ingest (fresh, calls);
  rate (fresh, 1, 0, NULL);
  g_autofree char *expected = dump (fresh);
  cr_assert_str_eq (rerated, expected);
}

Test (rate, closed_periods_never_change_and_new_calls_are_late)
{
  g_autoptr(StoreDb) db = fresh_db ("c");
  g_autofree char *calls = random_calls ("calls.csv", 1000, 0);
  ingest (db, calls);
  rate (db, 2, 0, NULL);
  const char *closed_sql = "SELECT group_concat (call_id || ':' || charge || ':' || covered) FROM"
                           " (SELECT * FROM ratings WHERE account = 'adatum' AND period = '2026-11' ORDER BY call_id)";
  g_autoptr(StoreStmt) q = store_prepare (db, closed_sql, NULL);
  cr_assert_eq (store_next (q), STORE_ROW);
  g_autofree char *before = g_strdup (store_column_text_or_null (q, 0));
  store_reset (q);
  cr_assert_eq (store_exec (db, "INSERT INTO closed_periods VALUES ('adatum', '2026-11', '2026-12-01T00:00:00Z')", NULL), TRUE);
  g_autofree char *changed = catalog_copy_with_deck ("changed", new_deck);
  CatalogImportStats cs;
  cr_assert (catalog_import (db, changed, &cs, NULL));
  /* a call that arrives after closing: late, own rows and band, never bundled */
  g_autofree char *late = test_write (dir, "late.csv",
    "call_id,start,duration,caller,callee,direction\n"
    "late-1,2026-11-20T10:00:00Z,30,+441632960101,+442079460000,out\n");
  ingest (db, late);
  RateStats s = rate (db, 2, 0, NULL);
  cr_assert_gt (s.kept, 0);
  cr_assert_eq (s.late, 1);
  cr_assert_eq (store_next (q), STORE_ROW);
  g_autofree char *after_all = g_strdup (store_column_text_or_null (q, 0));
  /* the closed period's old rows are unchanged; the late call is added */
  cr_assert (g_str_has_prefix (after_all, before), "closed period changed:\n%s\n%s", before, after_all);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                                " WHERE c.call_key = 'late-1' AND r.late = 1 AND r.covered = 0"
                                " AND r.charge = 18000 AND r.prefix = '4420'"), 1);
}

Test (rate, period_option_touches_only_that_period)
{
  g_autoptr(StoreDb) db = fresh_db ("p");
  g_autofree char *calls = test_write (dir, "two.csv",
    "call_id,start,duration,caller,callee,direction\n"
    "oct,2026-10-20T10:00:00Z,30,+441632960001,+442079460000,out\n"
    "nov,2026-11-20T10:00:00Z,30,+441632960001,+442079460000,out\n");
  ingest (db, calls);
  RateStats s = rate (db, 1, 0, "2026-10");
  cr_assert_eq (s.calls, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings WHERE period = '2026-10'"), 1);
  /* again, then everything, then one period again: one rating per call */
  cr_assert_eq (rate (db, 1, 0, "2026-10").calls, 1);
  cr_assert_eq (rate (db, 2, 0, NULL).calls, 2);
  cr_assert_eq (rate (db, 2, 0, "2026-11").calls, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings"), 2);
  cr_assert_eq (test_count (db, "SELECT count(DISTINCT period) FROM ratings"), 2);
  RateOptions bad = { "2026-13", 1, 0 };
  RateStats ignored;
  g_autoptr(GError) error = NULL;
  cr_assert_not (rate_run (db, &bad, &ignored, &error));
}

Test (rate, period_option_replaces_a_stale_rating_of_another_period)
{
  g_autoptr(StoreDb) db = fresh_db ("stale");
  g_autoptr(GString) csv = g_string_new ("call_id,start,duration,caller,callee,direction\n");
  for (guint i = 0; i < 150; i++)   /* more than one 64-row insert */
    g_string_append_printf (csv, "s%03u,2026-11-%02uT10:00:00Z,30,+441632960001,+442079460000,out\n",
                            i, 1 + i % 28);
  g_autofree char *path = test_write (dir, "stale.csv", csv->str);
  ingest (db, path);
  /* a rating left from an older catalog, when this call fell in September */
  cr_assert_eq (store_exec (db, "INSERT INTO ratings (call_id, status, account, period, billable, covered,"
                                  " charge, late) SELECT id, 'rated', 'contoso', '2026-09', 1, 0, 1, 0"
                                  " FROM calls WHERE call_key = 's010'", NULL), TRUE);
  RateStats s = rate (db, 2, 0, "2026-11");
  cr_assert_eq (s.calls, 150);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings"), 150);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings WHERE period = '2026-09'"), 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                                " WHERE c.call_key = 's010' AND r.period = '2026-11' AND r.charge = 20000"), 1);
}

Test (rate, period_option_drops_an_open_rating_whose_call_left_the_period)
{
  g_autoptr(StoreDb) db = fresh_db ("left");
  g_autofree char *calls = test_write (dir, "left.csv",
    "call_id,start,duration,caller,callee,direction\n"
    "l1,2026-11-20T10:00:00Z,30,+441632960001,+442079460000,out\n");
  ingest (db, calls);
  /* an open rating from an older catalog, when this call fell in September */
  cr_assert_eq (store_exec (db, "INSERT INTO ratings (call_id, status, account, period, billable, covered,"
                                  " charge, late) SELECT id, 'rated', 'contoso', '2026-09', 1, 0, 1, 0"
                                  " FROM calls", NULL), TRUE);
  /* re-rating September drops it (the call is now November's), as a
   * delete of September's open ratings and an insert of its calls would */
  cr_assert_eq (rate (db, 1, 0, "2026-09").calls, 0);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings"), 0);
  cr_assert_eq (rate (db, 1, 0, "2026-11").calls, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings WHERE period = '2026-11'"), 1);
}

/* The SQL of the ratings (the view, and the table rating_facts under it,
 * schemas/020), their indexes and triggers, in name order. */
static char *
ratings_schema (StoreDb *db)
{
  StoreStmt *st = NULL;
  g_autoptr(GString) out = g_string_new ("");
  cr_assert_eq ((st = store_prepare (db, "SELECT sql FROM sqlite_schema WHERE tbl_name IN"
                                        " ('ratings', 'rating_facts') AND sql IS NOT NULL"
                                        " ORDER BY name", NULL)) != NULL, TRUE);
  while (store_next (st) == STORE_ROW)
    g_string_append_printf (out, "%s;\n", store_column_text_or_null (st, 0));
  store_finalize (st);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

Test (rate, first_rate_keeps_the_ratings_indexes)
{
  g_autoptr(StoreDb) db = fresh_db ("indexes");
  g_autofree char *calls = test_write (dir, "idx.csv",
    "call_id,start,duration,caller,callee,direction\n"
    "i1,2026-11-20T10:00:00Z,30,+441632960001,+442079460000,out\n"
    "i2,2026-11-21T10:00:00Z,30,+441632960001,+442079460000,out\n");
  ingest (db, calls);
  g_autofree char *before = ratings_schema (db);
  gint64 cache = test_count (db, "PRAGMA cache_size");
  rate (db, 1, 0, NULL);   /* more new ratings than stored: indexes built once at the end */
  g_autofree char *after = ratings_schema (db);
  cr_assert_str_eq (after, before);
  /* built in a small page cache, the connection's given back */
  cr_assert_eq (test_count (db, "PRAGMA cache_size"), cache);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM rating_facts INDEXED BY rating_facts_by_ledger"
                                " WHERE ledger IN (SELECT id FROM rating_ledgers"
                                " WHERE period = '2026-11')"), 2);
  cr_assert (strstr (after, "CREATE TRIGGER agg_rating_inserted AFTER INSERT ON rating_facts"));
}

Test (rate, accounts_load_index_and_resolve)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(RateAccounts) accounts = rate_accounts_load (db, &error);
  cr_assert_not_null (accounts, "%s", error ? error->message : "");
  /* account order: adatum, contoso, fabrikam, litware */
  cr_assert_eq (rate_accounts_len (accounts), 4);
  cr_assert_eq (rate_accounts_find (accounts, "fabrikam"), 2);
  cr_assert_eq (rate_accounts_find (accounts, "nobody"), -1);
  const RateAccountInfo *adatum = rate_accounts_info (accounts, 0);
  cr_assert_str_eq (adatum->name, "adatum");
  cr_assert_eq (adatum->bundle_minutes, 1);
  cr_assert_str_eq (adatum->bundle_groups[0], "DOMESTIC");
  cr_assert_null (adatum->bundle_groups[1]);
  const RateAccount *core = rate_accounts_core (accounts);
  cr_assert_eq (core[2].decimals_unit, 10000);   /* nw-cents: 2 decimals */
  cr_assert_eq (core[1].decimals_unit, 1);
  cr_assert_eq (core[0].tariff, core[3].tariff, "one compiled deck per deck name");

  const char *tenant = "8D3C2F4A-1B6E-4C7D-9A0B-1C2D3E4F5A6B";
  RaterNumber none = { 0 };
  cr_assert_eq (rate_accounts_resolve (accounts, "northwind", tenant, strlen (tenant), &none, 0), 1);
  cr_assert_eq (rate_accounts_resolve (accounts, "tailspin", tenant, strlen (tenant), &none, 0), -1);
  cr_assert_eq (rate_accounts_resolve (accounts, NULL, tenant, strlen (tenant), &none, 0), -1);
  cr_assert_eq (rate_accounts_resolve (accounts, "nobody", "", 0, &none, 0), -1);
}

/* The bundle pool counts the user numbers active on at least one day of
 * the period: an assignment that ends (exclusive) on the period's first
 * day is not.  adatum (1 bundle minute for DOMESTIC): one number all
 * November, one ending 2026-11-01 -> pool 60 s, so a 100 s peak DOMESTIC
 * call has 60 s covered and pays 40 s: ceil (40 x 20000 / 60) = 13334. */
Test (rate, bundle_pool_ignores_a_number_ending_on_the_first_day)
{
  g_autoptr(StoreDb) db = fresh_db ("b");
  g_autofree char *cat = catalog_copy_with_deck ("pool", "prefix,destination,group,direction,band,"
    "rate,connect_fee,increment,effective_from,effective_to\n"
    "4420,London,DOMESTIC,out,peak,0.020000,0,60/1,2026-01-01,\n");
  g_autofree char *numbers = g_build_filename (cat, "numbers.csv", NULL);
  cr_assert (g_file_set_contents (numbers,
    "number,account,type,user,from,to\n"
    "+441632960101,adatum,user,dave@adatum.com,2026-10-01,\n"
    "+441632960102,adatum,user,erin@adatum.com,2026-09-01,2026-11-01\n"
    "+441632960103,adatum,service,,2026-10-01,\n", -1, NULL));
  CatalogImportStats cs;
  g_autoptr(GError) error = NULL;
  cr_assert (catalog_import (db, cat, &cs, &error), "%s", error ? error->message : "");
  g_autofree char *calls = test_write (dir, "pool.csv",
    "call_id,start,duration,caller,callee,direction\n"
    "p1,2026-11-03T10:00:00Z,100,+441632960101,+442079460000,out\n");
  ingest (db, calls);
  RateStats s = rate (db, 1, 0, NULL);
  cr_assert_eq (s.rated, 1);
  cr_assert_eq (s.bundled, 1);
  cr_assert_eq (test_count (db, "SELECT covered FROM ratings"), 60, "pool of one user number");
  cr_assert_eq (test_count (db, "SELECT charge FROM ratings"), 13334);
  cr_assert_eq (test_count (db, "SELECT billable FROM ratings"), 100);
}

/* What the core refuses to rate reaches the ratings and the summary as
 * unrated with its reason: a call stored with a duration beyond 32 bits
 * (before ingest checked durations) and a deck row stored with a rate
 * beyond the import limits.  Neither is billed, nor wrapped. */
Test (rate, stored_values_out_of_range_are_unrated_with_a_reason)
{
  g_autoptr(StoreDb) db = fresh_db ("o");
  g_autofree char *calls = test_write (dir, "o.csv",
    "call_id,start,duration,caller,callee,direction\n"
    "long,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
    "dear,2026-11-03T11:00:00Z,3600,+441632960001,+447700900123,out\n"
    "fine,2026-11-03T12:00:00Z,61,+441632960001,+442079460000,out\n");
  ingest (db, calls);
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, "UPDATE calls SET duration = 4294967357 WHERE call_key = 'long';"
                             " UPDATE deck_rows SET rate = 9999999999999999 WHERE prefix = '447'",
                         &error), "%s", error ? error->message : "");
  RateStats s = rate (db, 1, 0, NULL);
  cr_assert_eq (s.unrated, 2);
  cr_assert_eq (s.implausible, 1);
  cr_assert_eq (s.overflow, 1);
  cr_assert_eq (s.rated, 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                                " WHERE c.call_key = 'long' AND r.status = 'unrated'"
                                " AND r.reason = 'implausible_call' AND r.charge = 0"
                                " AND r.billable = 0 AND r.period = '2026-11'"), 1);
  cr_assert_eq (test_count (db, "SELECT count(*) FROM ratings r JOIN calls c ON c.id = r.call_id"
                                " WHERE c.call_key = 'dear' AND r.status = 'unrated'"
                                " AND r.reason = 'charge_overflow' AND r.charge = 0"), 1);
  cr_assert_eq (test_count (db, "SELECT min (charge) FROM ratings"), 0, "no credit");
}
