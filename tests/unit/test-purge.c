/* test-purge.c — retention (purge.h): which periods a purge takes, what it
 * deletes and keeps (the aggregates, byte for byte, also through a
 * rebuild), its refusals, the dry run, and the frozen itemised calls
 * invoice_calls() reads. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/rater-error.h"
#include "bill/dispute.h"
#include "bill/invoice.h"
#include "bill/purge.h"
#include "rate/aggregates.h"
#include "test-helpers.h"

static char *dir;
static StoreDb *db;
static guint call_seq;

static void
setup (void)
{
  dir = test_scratch_new ();
  db = test_db_with_catalog (dir);
  call_seq = 0;
}

static void
teardown (void)
{
  store_close (db);
  test_scratch_free (dir);
}

TestSuite (purge, .init = setup, .fini = teardown, .timeout = 120);

static void
exec_ok (const char *sql)
{
  g_autoptr(GError) error = NULL;
  cr_assert (store_exec (db, sql, &error), "%s: %s", sql, error ? error->message : "");
}

/* Files 1 and 2, each with a reject. */
static void
add_files (void)
{
  exec_ok ("INSERT INTO files (id, sha256, path, format, bytes, records, calls, duplicates,"
           " rejects, ingested_at) VALUES (1, 'aa', 'one.csv', 'generic', 10, 3, 2, 0, 1, 'x'),"
           " (2, 'bb', 'two.csv', 'generic', 10, 3, 2, 0, 1, 'x');"
           "INSERT INTO rejects (file_id, line, reason, detail, raw) VALUES"
           " (1, 9, 'bad_timestamp', 'x', X'616263'), (2, 9, 'bad_timestamp', 'x', X'646566')");
}

/* A call of FILE for ACCOUNT rated in PERIOD (late: LATE) charging CHARGE;
 * its key "kNNN" in KEY. */
static void
add_call (gint64 file, const char *account, const char *period, gint64 charge, gboolean late,
          char key[16])
{
  g_snprintf (key, 16, "k%03u", ++call_seq);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee, masked,"
    " start_ms, duration, answered, account, leg_rank) VALUES ('northwind', '%s', %"
    G_GINT64_FORMAT ", %u, 'out', '441632960001', '442079460000', 0, %" G_GINT64_FORMAT
    ", 60, 1, '%s', 0);"
    "INSERT INTO ratings VALUES (last_insert_rowid (), 'rated', NULL, '%s', '%s', 'peak',"
    " '44', 'UK', 'DOMESTIC', 60, 0, %" G_GINT64_FORMAT ", %d, NULL,"
    " (SELECT operator FROM calls WHERE id = last_insert_rowid ()))",
    key, file, call_seq, G_GINT64_CONSTANT (1790000000000) + call_seq * 3600000, account,
    account, period, charge, late ? 1 : 0);
  exec_ok (sql);
}

static void
close_period (const char *account, const char *period)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO closed_periods VALUES ('%s', '%s', 'x')",
                                          account, period);
  exec_ok (sql);
}

/* Every aggregate row, as text. */
static char *
aggregates_dump (void)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT (SELECT group_concat (x, '|') FROM (SELECT period || operator || day || direction"
    " || grp || attempts || answered || seconds || revenue AS x FROM agg_kpi ORDER BY 1)) || '/' ||"
    " (SELECT group_concat (x, '|') FROM (SELECT period || account || day || calls || seconds ||"
    " billable || charge AS x FROM agg_day ORDER BY 1)) || '/' ||"
    " (SELECT group_concat (x, '|') FROM (SELECT period || account || number || calls || charge"
    " AS x FROM agg_number ORDER BY 1)) || '/' ||"
    " (SELECT group_concat (x, '|') FROM (SELECT period || account || destination || calls ||"
    " charge AS x FROM agg_destination ORDER BY 1))", NULL);
  cr_assert (st && store_next (st) == STORE_ROW);
  return g_strdup (store_column_text (st, 0));
}

static void
rebuild (void)
{
  g_autoptr(GError) error = NULL;
  cr_assert (store_begin (db, &error) && aggregates_rebuild (db, &error)
             && store_commit (db, &error), "%s", error ? error->message : "");
}

static PurgeResult *
purge_ok (const char *before, gboolean dry_run)
{
  g_autoptr(GError) error = NULL;
  PurgeResult *r = purge_before (db, before, dry_run, &error);
  cr_assert_not_null (r, "%s", error ? error->message : "");
  return r;
}

Test (purge, months_back)
{
  g_autofree char *a = purge_months_back ("2028-06-15T03:00:00Z", 18);
  g_autofree char *b = purge_months_back ("2027-01", 1);
  g_autofree char *c = purge_months_back ("2027-03", 0);
  cr_assert_str_eq (a, "2026-12");
  cr_assert_str_eq (b, "2026-12");
  cr_assert_str_eq (c, "2027-03");
  cr_assert_null (purge_months_back ("2027-13-01", 1));
  cr_assert_null (purge_months_back ("27-01", 1));
}

Test (purge, bad_month)
{
  g_autoptr(GError) error = NULL;
  cr_assert_null (purge_before (db, "2026-1", FALSE, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
}

Test (purge, closed_periods_only_aggregates_kept)
{
  char key[16];
  add_files ();
  add_call (1, "contoso", "2026-10", 100000, FALSE, key);
  add_call (1, "fabrikam", "2026-10", 200000, FALSE, key);
  add_call (2, "contoso", "2026-10", 300000, FALSE, key);
  add_call (2, "contoso", "2026-11", 400000, FALSE, key);   /* closed, not before */
  add_call (2, "fabrikam", "2026-09", 500000, FALSE, key);  /* open for fabrikam */
  close_period ("contoso", "2026-10");
  close_period ("fabrikam", "2026-10");
  close_period ("contoso", "2026-11");
  rebuild ();
  g_autofree char *before = aggregates_dump ();

  g_autoptr(PurgeResult) r = purge_ok ("2026-11", FALSE);
  cr_assert_eq (r->purged->len, 1);
  const PurgedPeriod *p = r->purged->pdata[0];
  cr_assert_str_eq (p->period, "2026-10");
  cr_assert_eq (p->calls, 3);
  cr_assert_eq (p->files, 1);                /* file 2 still has calls */
  cr_assert_eq (p->rejects, 1);
  cr_assert_eq (r->open->len, 1);
  cr_assert_str_eq (r->open->pdata[0], "2026-09 (open for fabrikam)");
  cr_assert_eq (r->refused->len, 0);

  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings WHERE period = '2026-10'"), 0);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM calls"), 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings"), 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM agg_journal"), 0);
  cr_assert_eq (test_count (db, "SELECT journal FROM agg_control"), 1);
  cr_assert_eq (test_count (db, "SELECT length (raw) FROM rejects WHERE file_id = 1"), 0);
  cr_assert_eq (test_count (db, "SELECT length (raw) FROM rejects WHERE file_id = 2"), 3);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM files"), 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM purged_files WHERE whole"), 1);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM purged_files WHERE NOT whole"), 1);
  g_autofree char *after = aggregates_dump ();
  cr_assert_str_eq (after, before);
  rebuild ();
  g_autofree char *rebuilt = aggregates_dump ();
  cr_assert_str_eq (rebuilt, before);

  /* nothing more to purge: a second run changes nothing */
  g_autoptr(PurgeResult) again = purge_ok ("2026-11", FALSE);
  cr_assert_eq (again->purged->len, 0);
}

/* Every row of the SQLite tables a period's ratings live in and the
 * purge's deletes write to (the journal, the change count), as text. */
static char *
rating_tables_text (const char *facts)
{
  g_autofree char *f = test_table_text (db, facts, "call_id");
  g_autofree char *l = test_table_text (db, "rating_ledgers", "id");
  g_autofree char *b = test_table_text (db, "rating_labels", "id");
  g_autofree char *j = test_table_text (db, "agg_journal", "id");
  g_autofree char *c = test_table_text (db, "agg_control", "1");
  return g_strconcat ("facts\n", f, "ledgers\n", l, "labels\n", b, "journal\n", j,
                      "control\n", c, NULL);
}

/* The rows a purge of October leaves, row for row, as deleting through
 * the view ratings does (schemas/020): the period's facts go, whatever
 * their account (none, too), label or file; the ledgers and labels stay;
 * the journal and its switch are as they were; the change count grows by
 * the calls deleted and the purged_periods row, not by the ratings
 * deleted (journal off). */
Test (purge, deletes_the_periods_facts_row_for_row)
{
  char key[16];
  add_files ();
  add_call (1, "contoso", "2026-10", 100000, FALSE, key);
  add_call (1, "fabrikam", "2026-10", 200000, FALSE, key);
  add_call (2, "contoso", "2026-11", 400000, FALSE, key);
  add_call (2, "contoso", "2026-10", 300000, FALSE, key);
  exec_ok ("UPDATE ratings SET prefix = '4420', destination = 'London', grp = 'LONDON'"
           " WHERE charge = 300000;"
           "INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee,"
           " masked, start_ms, duration, answered, account, leg_rank) VALUES ('northwind',"
           " 'unknown', 2, 40, 'out', '449999999999', '442079460000', 0, 1790000000000, 30, 1,"
           " NULL, 0);"
           "INSERT INTO ratings VALUES (last_insert_rowid (), 'unrated', 'unknown_account',"
           " NULL, '2026-10', NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 'northwind')");
  close_period ("contoso", "2026-10");
  close_period ("fabrikam", "2026-10");
  g_autofree char *want = rating_tables_text (
    "(SELECT * FROM rating_facts WHERE call_id IN (SELECT call_id FROM ratings"
    " WHERE period <> '2026-10'))");
  gint64 changes = test_count (db, "SELECT changes FROM rate_changes");
  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings WHERE period = '2026-10'"), 4);
  cr_assert_gt (test_count (db, "SELECT count (*) FROM agg_journal"), 0);

  g_autoptr(PurgeResult) r = purge_ok ("2026-11", FALSE);
  cr_assert_eq (r->purged->len, 1);
  cr_assert_eq (((PurgedPeriod *) r->purged->pdata[0])->calls, 4);
  g_autofree char *got = rating_tables_text ("rating_facts");
  cr_assert_str_eq (got, want);
  /* 4 calls deleted, the purged_periods row inserted and its counts set */
  cr_assert_eq (test_count (db, "SELECT changes FROM rate_changes"), changes + 4 + 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM calls"), 1);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings WHERE period = '2026-11'"), 1);
}

Test (purge, dry_run_changes_nothing)
{
  char key[16];
  add_files ();
  add_call (1, "contoso", "2026-10", 100000, FALSE, key);
  add_call (2, "contoso", "2026-10", 100000, FALSE, key);
  close_period ("contoso", "2026-10");
  g_autoptr(PurgeResult) r = purge_ok ("2026-12", TRUE);
  cr_assert_eq (r->purged->len, 1);
  cr_assert_eq (((PurgedPeriod *) r->purged->pdata[0])->calls, 2);
  cr_assert_eq (((PurgedPeriod *) r->purged->pdata[0])->files, 2);
  cr_assert_eq (((PurgedPeriod *) r->purged->pdata[0])->rejects, 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM calls"), 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM ratings"), 2);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM purged_periods"), 0);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM rejects WHERE length (raw) = 3"), 2);
}

Test (purge, refused_open_dispute_and_unbilled_late)
{
  char disputed[16], key[16];
  add_files ();
  add_call (1, "contoso", "2026-10", 100000, FALSE, disputed);
  add_call (1, "contoso", "2026-10", 100000, FALSE, key);
  add_call (2, "contoso", "2026-09", 100000, TRUE, key);   /* late, not billed yet */
  close_period ("contoso", "2026-09");
  close_period ("contoso", "2026-10");
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strconcat ("northwind:", disputed, NULL);
  cr_assert (dispute_open (db, ref, "not ours", "tester", &error), "%s",
             error ? error->message : "");
  g_autoptr(PurgeResult) r = purge_ok ("2026-12", FALSE);
  cr_assert_eq (r->purged->len, 0);
  cr_assert_eq (r->refused->len, 2);
  cr_assert_str_eq (r->refused->pdata[0], "2026-09: 1 late call not billed yet; issue the next"
                    " period first (rater invoice issue)");
  g_autofree char *want = g_strdup_printf ("2026-10: open disputes on northwind:%s; resolve"
                                           " them first (rater dispute resolve)", disputed);
  cr_assert_str_eq (r->refused->pdata[1], want);
  cr_assert_eq (test_count (db, "SELECT count (*) FROM calls"), 3);

  /* billed: September goes */
  exec_ok ("UPDATE ratings SET invoice = 'NWT-202610-0001' WHERE late = 1");
  g_autoptr(PurgeResult) r2 = purge_ok ("2026-12", FALSE);
  cr_assert_eq (r2->purged->len, 1);
  cr_assert_str_eq (((PurgedPeriod *) r2->purged->pdata[0])->period, "2026-09");
  cr_assert_eq (r2->refused->len, 1);
}

Test (purge, frozen_calls_read_back)
{
  g_autoptr(GError) error = NULL;
  exec_ok ("PRAGMA foreign_keys = OFF");       /* no invoices rows needed here */
  exec_ok ("INSERT INTO invoice_frozen VALUES ('NWT-202610-0001', 2);"
           "INSERT INTO invoice_frozen_calls VALUES ('NWT-202610-0001', 1, 1000, 3600, NULL, 60,"
           " 5000), ('NWT-202610-0001', 2, 2000, 7200, '447700900123', 61, 7000);"
           "INSERT INTO invoice_frozen VALUES ('NWT-202610-0002', 0)");
  g_autoptr(GPtrArray) calls = invoice_calls (db, "contoso", "2026-10", "NWT-202610-0001",
                                              "Europe/London", &error);
  cr_assert_not_null (calls, "%s", error ? error->message : "");
  cr_assert_eq (calls->len, 2);
  const InvoiceCall *c = calls->pdata[1];
  cr_assert_eq (c->start_ms, 2000);
  cr_assert_eq (c->local_start, 7200);
  cr_assert_str_eq (c->number, "447700900123");
  cr_assert_eq (c->charge, 7000);
  cr_assert_null (((InvoiceCall *) calls->pdata[0])->number);
  g_autoptr(GPtrArray) none = invoice_calls (db, "contoso", "2026-10", "NWT-202610-0002",
                                             "Europe/London", &error);
  cr_assert_not_null (none);
  cr_assert_eq (none->len, 0);
}
