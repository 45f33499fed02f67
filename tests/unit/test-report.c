/* test-report.c — unit tests of report.c, report-write.c and reportchart.c: usage by user,
 * destination and day (figures worked out by hand in the comments), day
 * boundaries in the account's zone across the end of DST, KPI rows and
 * totals with ASR/ACD rounding half up on exact ties, exceptions by reason
 * and prefix and rejects by file, empty periods, usage errors, the CSV and
 * JSON writers (report-write.c) byte for byte, and the chart's determinism;
 * the one-pass reports against naive sums over random calls of three zones,
 * local days out of time order across DST, and a sink against the table.
 *
 * The database has the spec catalog (tests/data/spec-catalog); calls and
 * their ratings are inserted with plain SQL so every test states exactly the
 * rows it reports on.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "base/rater-error.h"
#include "report/report.h"
#include "report/reportchart.h"
#include "test-helpers.h"
#include "base/timeparse.h"

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

TestSuite (report, .init = setup, .fini = teardown, .timeout = 60);

/* Fixtures {{{1 */

/* UTC milliseconds of Y-MO-D H:MI:S. */
static gint64
utc_ms (int y, int mo, int d, int h, int mi, int s)
{
  return ((time_days_from_civil (y, mo, d) * 86400) + h * 3600 + mi * 60 + s) * 1000;
}

typedef struct {
  const char *op, *account, *direction, *caller, *callee;
  gint64 start_ms, duration;
  const char *status, *reason, *period, *destination, *group;
  gint64 billable, charge;
} Call;

static void
exec_ok (StoreStmt *st)
{
  g_autoptr(GError) error = NULL;
  cr_assert (store_step_done (st, &error), "%s", error ? error->message : "");
}

static StoreStmt *
prepare (const char *sql)
{
  g_autoptr(GError) error = NULL;
  StoreStmt *st = store_prepare (db, sql, &error);
  cr_assert_not_null (st, "%s", error ? error->message : "");
  return st;
}

/* A call and its rating. */
static void
add_call (const Call *c)
{
  g_autoptr(StoreStmt) call = prepare (
    "INSERT INTO calls (operator, call_key, file_id, line, direction, caller, callee, masked,"
    " start_ms, duration, answered, account, leg_rank) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, 0, ?7,"
    " ?8, ?9, ?10, 0)");
  g_autoptr(StoreStmt) rating = prepare (
    "INSERT INTO ratings VALUES (last_insert_rowid (), ?1, ?2, ?3, ?4, 'peak', NULL, ?5, ?6,"
    " ?7, 0, ?8, 0, NULL, (SELECT operator FROM calls WHERE id = last_insert_rowid ()))");
  g_autofree char *key = g_strdup_printf ("k%05u", ++call_seq);
  store_bind_at (call, 1, NULL, STORE_TEXT (c->op ? c->op : "northwind"));
  store_bind_at (call, 2, NULL, STORE_TEXT (key));
  store_bind_at (call, 3, NULL, STORE_INT ((int) call_seq));
  store_bind_at (call, 4, NULL, STORE_TEXT (c->direction ? c->direction : "out"));
  store_bind_at (call, 5, NULL, STORE_TEXT (c->caller));
  store_bind_at (call, 6, NULL, STORE_TEXT (c->callee));
  store_bind_at (call, 7, NULL, STORE_INT (c->start_ms));
  store_bind_at (call, 8, NULL, STORE_INT (c->duration));
  store_bind_at (call, 9, NULL, STORE_INT (strcmp (c->status, "unanswered") != 0));
  store_bind_at (call, 10, NULL, STORE_TEXT (c->account));
  exec_ok (call);
  store_bind_at (rating, 1, NULL, STORE_TEXT (c->status));
  store_bind_at (rating, 2, NULL, STORE_TEXT (c->reason));
  store_bind_at (rating, 3, NULL, STORE_TEXT (c->account));
  store_bind_at (rating, 4, NULL, STORE_TEXT (c->period ? c->period : "2026-11"));
  store_bind_at (rating, 5, NULL, STORE_TEXT (c->destination));
  store_bind_at (rating, 6, NULL, STORE_TEXT (c->group));
  store_bind_at (rating, 7, NULL, STORE_INT (c->billable));
  store_bind_at (rating, 8, NULL, STORE_INT (c->charge));
  exec_ok (rating);
}

/* An answered out call of contoso (alice's number) rated in GROUP. */
static void
add_contoso (gint64 start_ms, gint64 duration, const char *group, gint64 billable, gint64 charge)
{
  Call c = { .account = "contoso", .caller = "441632960001", .callee = "442079460000",
             .start_ms = start_ms, .duration = duration, .status = "rated",
             .destination = "London", .group = group, .billable = billable, .charge = charge };
  add_call (&c);
}

/* A litware (America/New_York, tailspin) out call with STATUS. */
static void
add_litware (gint64 start_ms, gint64 duration, const char *status, gint64 billable, gint64 charge)
{
  gboolean rated = g_str_equal (status, "rated");
  Call c = { .op = "tailspin", .account = "litware", .caller = "12125550100",
             .callee = "12125550199", .start_ms = start_ms, .duration = duration,
             .status = status, .destination = rated ? "New York" : NULL,
             .group = rated ? "DOMESTIC" : NULL, .billable = billable, .charge = charge };
  add_call (&c);
}

static ReportTable *
usage (const char *account, ReportUsageBy by)
{
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2026-11", .account = account, .by = by };
  ReportTable *t = report_usage (db, &q, &error);
  cr_assert_not_null (t, "%s", error ? error->message : "");
  return t;
}

static ReportTable *
kpi (const char *op)
{
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2026-11", .operator_slug = op };
  ReportTable *t = report_kpi (db, &q, &error);
  cr_assert_not_null (t, "%s", error ? error->message : "");
  return t;
}

static ReportTable *
exceptions (guint digits)
{
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2026-11", .prefix_digits = digits };
  ReportTable *t = report_exceptions (db, &q, &error);
  cr_assert_not_null (t, "%s", error ? error->message : "");
  return t;
}

/* Cell (ROW, COLUMN) of T equals EXPECTED (NULL: an empty cell). */
static void
expect_cell (const ReportTable *t, guint row, const char *column, const char *expected)
{
  cr_assert_lt (row, t->rows->len, "no row %u", row);
  const char *v = report_cell (t, row, column);
  if (!expected)
    cr_assert_null (v, "row %u %s: '%s', expected empty", row, column, v);
  else
    cr_assert (v && g_str_equal (v, expected), "row %u %s: '%s', expected '%s'", row, column,
               v ? v : "(null)", expected);
}

/* The cells of ROW joined with commas, empty cells as "". */
static char *
row_text (const ReportTable *t, guint row)
{
  GPtrArray *cells = t->rows->pdata[row];
  GString *s = g_string_new (NULL);
  for (guint c = 0; c < cells->len; c++)
    g_string_append_printf (s, "%s%s", c ? "," : "", cells->pdata[c] ? (char *) cells->pdata[c] : "");
  return g_string_free (s, FALSE);
}

static void
expect_row (const ReportTable *t, guint row, const char *expected)
{
  cr_assert_lt (row, t->rows->len, "no row %u (only %u)", row, t->rows->len);
  g_autofree char *got = row_text (t, row);
  cr_assert_str_eq (got, expected, "row %u", row);
}

static char *
read_file (const char *path)
{
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "cannot read %s", path);
  return text;
}

/* Usage {{{1 */

/* Four contoso calls, one free inbound call of fabrikam, and calls that
 * usage leaves out: unanswered, unrated, another period. */
static void
add_usage_calls (void)
{
  add_contoso (utc_ms (2026, 11, 3, 10, 0, 0), 61, "DOMESTIC", 61, 20334);
  add_contoso (utc_ms (2026, 11, 3, 19, 30, 0), 61, "DOMESTIC", 61, 10167);
  add_contoso (utc_ms (2026, 11, 7, 10, 0, 0), 30, "DOMESTIC", 60, 10000);
  Call mobile = { .account = "contoso", .caller = "441632960001", .callee = "447700900123",
                  .start_ms = utc_ms (2026, 11, 3, 11, 0, 0), .duration = 61, .status = "rated",
                  .destination = "United Kingdom mobile", .group = "MOBILE", .billable = 120,
                  .charge = 550000 };
  add_call (&mobile);
  Call tollfree = { .account = "contoso", .direction = "in", .caller = NULL,
                    .callee = "448001234567", .start_ms = utc_ms (2026, 11, 3, 12, 0, 0),
                    .duration = 100, .status = "rated", .destination = "UK freephone",
                    .group = "TOLLFREE", .billable = 100, .charge = 50000 };
  add_call (&tollfree);
  Call free_in = { .account = "fabrikam", .direction = "in", .caller = "447700900999",
                   .callee = "442079460001", .start_ms = utc_ms (2026, 11, 3, 12, 5, 0),
                   .duration = 100, .status = "free" };
  add_call (&free_in);
  Call unanswered = { .account = "contoso", .caller = "441632960001", .callee = "447700900123",
                      .start_ms = utc_ms (2026, 11, 3, 11, 0, 0), .duration = 0,
                      .status = "unanswered" };
  add_call (&unanswered);
  Call unrated = { .account = "contoso", .caller = "441632960001", .callee = "15551234567",
                   .start_ms = utc_ms (2026, 11, 3, 11, 10, 0), .duration = 61,
                   .status = "unrated", .reason = "no_rate" };
  add_call (&unrated);
  Call october = { .account = "contoso", .caller = "441632960001", .callee = "442079460000",
                   .start_ms = utc_ms (2026, 10, 30, 10, 0, 0), .duration = 60, .status = "rated",
                   .period = "2026-10", .destination = "London", .group = "DOMESTIC",
                   .billable = 60, .charge = 20000 };
  add_call (&october);
}

Test (report, usage_by_user)
{
  add_usage_calls ();
  g_autoptr(ReportTable) t = usage (NULL, REPORT_BY_USER);
  cr_assert_eq (t->rows->len, 3);
  /* alice: 4 out calls, 61+61+30+61 = 213 s talk, 61+61+60+120 = 302 billable
   * = 5.0333 min, 0.020334 + 0.010167 + 0.010000 + 0.550000 = 0.590501 */
  expect_row (t, 0, "contoso,2026-11,441632960001,alice@contoso.com,4,213,302,5.03,0.590501,EUR");
  /* the toll-free number (no UPN) answers the inbound call: 100 s = 1.6667 min */
  expect_row (t, 1, "contoso,2026-11,448001234567,,1,100,100,1.67,0.050000,EUR");
  /* a free inbound call counts as a call with talk time, no billable time, no cost */
  expect_row (t, 2, "fabrikam,2026-11,442079460001,,1,100,0,0.00,0.000000,EUR");
}

Test (report, usage_by_destination_out_before_in)
{
  add_usage_calls ();
  g_autoptr(ReportTable) t = usage ("contoso", REPORT_BY_DESTINATION);
  cr_assert_eq (t->rows->len, 3);
  expect_row (t, 0, "contoso,2026-11,out,DOMESTIC,London,3,152,182,3.03,0.040501,EUR");
  expect_row (t, 1, "contoso,2026-11,out,MOBILE,United Kingdom mobile,1,61,120,2.00,0.550000,EUR");
  expect_row (t, 2, "contoso,2026-11,in,TOLLFREE,UK freephone,1,100,100,1.67,0.050000,EUR");
}

Test (report, usage_free_call_has_empty_destination)
{
  add_usage_calls ();
  g_autoptr(ReportTable) t = usage ("fabrikam", REPORT_BY_DESTINATION);
  cr_assert_eq (t->rows->len, 1);
  expect_cell (t, 0, "group", NULL);
  expect_cell (t, 0, "destination", NULL);
  expect_cell (t, 0, "calls", "1");
}

Test (report, usage_by_day)
{
  add_usage_calls ();
  g_autoptr(ReportTable) t = usage ("contoso", REPORT_BY_DAY);
  cr_assert_eq (t->rows->len, 2);
  /* 19:30 UTC is 19:30 GMT: still the 3rd in London */
  expect_row (t, 0, "contoso,2026-11,2026-11-03,4,283,342,5.70,0.630501,EUR");
  expect_row (t, 1, "contoso,2026-11,2026-11-07,1,30,60,1.00,0.010000,EUR");
}

/* New York leaves DST on 2026-11-01 at 06:00 UTC (EDT -4 -> EST -5). */
Test (report, usage_day_follows_the_account_zone_across_dst)
{
  add_litware (utc_ms (2026, 11, 1, 4, 30, 0), 60, "rated", 60, 1000);   /* 00:30 EDT, 1st */
  add_litware (utc_ms (2026, 11, 2, 4, 30, 0), 60, "rated", 60, 2000);   /* 23:30 EST, 1st */
  add_litware (utc_ms (2026, 11, 2, 5, 0, 0), 60, "rated", 60, 4000);    /* 00:00 EST, 2nd */
  add_litware (utc_ms (2026, 12, 1, 4, 59, 59), 1, "rated", 1, 8000);   /* 23:59:59 EST, 30th */
  g_autoptr(ReportTable) t = usage ("litware", REPORT_BY_DAY);
  cr_assert_eq (t->rows->len, 3);
  expect_row (t, 0, "litware,2026-11,2026-11-01,2,120,120,2.00,0.003000,USD");
  expect_row (t, 1, "litware,2026-11,2026-11-02,1,60,60,1.00,0.004000,USD");
  /* 1 s = 0.01666 min: 0.02 */
  expect_row (t, 2, "litware,2026-11,2026-11-30,1,1,1,0.02,0.008000,USD");

  g_autoptr(GError) error = NULL;
  g_autoptr(ReportDaily) daily = report_daily (db, "litware", "2026-11", &error);
  cr_assert_not_null (daily, "%s", error ? error->message : "");
  cr_assert_eq (daily->n_days, 30);
  cr_assert_eq (daily->billable_seconds[0], 120);
  cr_assert_eq (daily->cost[0], 3000);
  cr_assert_eq (daily->cost[1], 4000);
  cr_assert_eq (daily->cost[2], 0);
  cr_assert_eq (daily->cost[29], 8000);
  cr_assert_str_eq (daily->currency, "USD");
  cr_assert_str_eq (daily->name, "Litware Inc");
}

Test (report, usage_empty_period)
{
  add_usage_calls ();
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2027-01", .by = REPORT_BY_DAY };
  g_autoptr(ReportTable) t = report_usage (db, &q, &error);
  cr_assert_not_null (t);
  cr_assert_eq (t->rows->len, 0);
  ReportQuery k = { .period = "2027-01" };
  g_autoptr(ReportTable) kt = report_kpi (db, &k, &error);
  cr_assert_not_null (kt);
  cr_assert_eq (kt->rows->len, 0);
}

Test (report, usage_errors)
{
  ReportQuery unknown = { .period = "2026-11", .account = "nobody", .by = REPORT_BY_USER };
  ReportQuery bad_period = { .period = "2026-13", .by = REPORT_BY_USER };
  ReportQuery no_op = { .period = "2026-11", .operator_slug = "nobody" };
  ReportQuery digits = { .period = "2026-11", .prefix_digits = 16 };
  GError *error = NULL;

  cr_assert_null (report_usage (db, &unknown, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert_str_eq (error->message, "unknown account 'nobody'");
  g_clear_error (&error);
  cr_assert_null (report_usage (db, &bad_period, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  g_clear_error (&error);
  cr_assert_null (report_kpi (db, &no_op, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  cr_assert_str_eq (error->message, "unknown operator 'nobody'");
  g_clear_error (&error);
  cr_assert_null (report_exceptions (db, &digits, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  g_clear_error (&error);
  cr_assert_null (report_accounts (db, &unknown, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE));
  g_clear_error (&error);
}

/* KPI {{{1 */

Test (report, kpi_rounds_ties_half_up)
{
  /* 10th: 31 unanswered + 1 answered of 61 s: ASR 1/32 = 3.125 % -> 3.13 */
  for (int i = 0; i < 31; i++)
    add_litware (utc_ms (2026, 11, 10, 15, i, 0), 0, "unanswered", 0, 0);
  add_litware (utc_ms (2026, 11, 10, 16, 0, 0), 61, "rated", 61, 20334);
  /* 11th: 8 answered of 7 x 10 s + 11 s = 81 s: ACD 10.125 -> 10.13; 1
   * unanswered: ASR 8/9 = 88.888 -> 88.89 */
  for (int i = 0; i < 7; i++)
    add_litware (utc_ms (2026, 11, 11, 15, i, 0), 10, "rated", 10, 100);
  add_litware (utc_ms (2026, 11, 11, 16, 0, 0), 11, "rated", 11, 110);
  add_litware (utc_ms (2026, 11, 11, 16, 5, 0), 0, "unanswered", 0, 0);
  add_contoso (utc_ms (2026, 11, 11, 9, 0, 0), 60, "DOMESTIC", 60, 20000);

  g_autoptr(ReportTable) t = kpi ("tailspin");
  cr_assert_eq (t->rows->len, 6);
  /* unanswered calls have no group: ACD empty with no answered call */
  expect_row (t, 0, "tailspin,2026-11-10,out,,31,0,0.00,,0,0.00,0.000000,USD");
  expect_row (t, 1, "tailspin,2026-11-10,out,DOMESTIC,1,1,100.00,61.00,61,1.02,0.020334,USD");
  expect_row (t, 2, "tailspin,2026-11-10,out,*,32,1,3.13,61.00,61,1.02,0.020334,USD");
  expect_row (t, 3, "tailspin,2026-11-11,out,,1,0,0.00,,0,0.00,0.000000,USD");
  expect_row (t, 4, "tailspin,2026-11-11,out,DOMESTIC,8,8,100.00,10.13,81,1.35,0.000810,USD");
  expect_row (t, 5, "tailspin,2026-11-11,out,*,9,8,88.89,10.13,81,1.35,0.000810,USD");

  g_autoptr(ReportTable) all = kpi (NULL);
  cr_assert_eq (all->rows->len, 8);
  expect_row (all, 0, "northwind,2026-11-11,out,DOMESTIC,1,1,100.00,60.00,60,1.00,0.020000,EUR");
  expect_row (all, 1, "northwind,2026-11-11,out,*,1,1,100.00,60.00,60,1.00,0.020000,EUR");
}

Test (report, kpi_directions_and_unknown_account)
{
  add_usage_calls ();
  Call nobody = { .caller = "441632969999", .callee = "442079460000",
                  .start_ms = utc_ms (2026, 11, 12, 23, 30, 0), .duration = 70,
                  .status = "unrated", .reason = "unknown_account" };
  add_call (&nobody);
  g_autoptr(ReportTable) t = kpi ("northwind");
  /* 3rd out: '' (unanswered + unrated 61 s), DOMESTIC x2, MOBILE, '*';
   * 3rd in: '' (free), TOLLFREE, '*'; 7th out: DOMESTIC, '*'; 12th: '', '*' */
  cr_assert_eq (t->rows->len, 11, "%u rows", t->rows->len);
  expect_row (t, 0, "northwind,2026-11-03,out,,2,1,50.00,61.00,61,1.02,0.000000,EUR");
  expect_row (t, 1, "northwind,2026-11-03,out,DOMESTIC,2,2,100.00,61.00,122,2.03,0.030501,EUR");
  expect_row (t, 2, "northwind,2026-11-03,out,MOBILE,1,1,100.00,61.00,61,1.02,0.550000,EUR");
  expect_row (t, 3, "northwind,2026-11-03,out,*,5,4,80.00,61.00,244,4.07,0.580501,EUR");
  expect_row (t, 4, "northwind,2026-11-03,in,,1,1,100.00,100.00,100,1.67,0.000000,EUR");
  expect_row (t, 5, "northwind,2026-11-03,in,TOLLFREE,1,1,100.00,100.00,100,1.67,0.050000,EUR");
  expect_row (t, 6, "northwind,2026-11-03,in,*,2,2,100.00,100.00,200,3.33,0.050000,EUR");
  /* without an account the day is the UTC day */
  expect_row (t, 9, "northwind,2026-11-12,out,,1,1,100.00,70.00,70,1.17,0.000000,EUR");
}

/* Exceptions {{{1 */

static void
add_unrated (const char *reason, const char *direction, const char *caller, const char *callee,
             gint64 start_ms)
{
  Call c = { .account = g_str_equal (reason, "no_rate") ? "contoso" : NULL,
             .direction = direction, .caller = caller, .callee = callee, .start_ms = start_ms,
             .duration = 30, .status = "unrated", .reason = reason };
  add_call (&c);
}

static void
add_reject (gint64 file_id, const char *path, gint64 line, const char *reason, const char *detail)
{
  g_autoptr(StoreStmt) f = prepare (
    "INSERT OR IGNORE INTO files VALUES (?1, ?2, ?3, 'rater', 'northwind', 1, 1, 0, 0, 1, 'now', '', 0, 0)");
  g_autoptr(StoreStmt) r = prepare (
    "INSERT INTO rejects (file_id, line, reason, detail, raw) VALUES (?1, ?2, ?3, ?4, x'41')");
  g_autofree char *sha = g_strdup_printf ("sha%" G_GINT64_FORMAT, file_id);
  store_bind_at (f, 1, NULL, STORE_INT (file_id));
  store_bind_at (f, 2, NULL, STORE_TEXT_COPY (sha));
  store_bind_at (f, 3, NULL, STORE_TEXT (path));
  exec_ok (f);
  store_bind_at (r, 1, NULL, STORE_INT (file_id));
  store_bind_at (r, 2, NULL, STORE_INT (line));
  store_bind_at (r, 3, NULL, STORE_TEXT (reason));
  store_bind_at (r, 4, NULL, STORE_TEXT (detail));
  exec_ok (r);
}

Test (report, exceptions_by_reason_and_prefix)
{
  add_unrated ("no_rate", "out", "441632960001", "15551234567", utc_ms (2026, 11, 5, 8, 0, 0));
  add_unrated ("no_rate", "out", "441632960001", "15551999000", utc_ms (2026, 11, 2, 8, 0, 0));
  add_unrated ("no_rate", "out", "441632960001", "15552000000", utc_ms (2026, 11, 9, 8, 0, 0));
  /* unknown account: the account's own number (caller out, callee in) */
  add_unrated ("unknown_account", "out", "441632969999", "442079460000", utc_ms (2026, 11, 7, 1, 2, 3));
  add_unrated ("unknown_account", "in", "15551234567", "441632968888", utc_ms (2026, 11, 8, 1, 2, 3));
  add_unrated ("unknown_account", "out", NULL, "442079460000", utc_ms (2026, 11, 9, 1, 2, 3));
  Call october = { .account = "contoso", .caller = "441632960001", .callee = "15551234567",
                   .start_ms = utc_ms (2026, 10, 5, 8, 0, 0), .duration = 5, .status = "unrated",
                   .reason = "no_rate", .period = "2026-10" };
  add_call (&october);
  add_reject (1, "a.csv", 7, "bad_number", "callee 'x': letters in number");
  add_reject (1, "a.csv", 3, "bad_number", "callee 'y': letters in number");
  add_reject (1, "a.csv", 5, "bad_timestamp", "start '2026-11-31': out of range");
  add_reject (2, "b.csv", 2, "bad_number", "callee 'z': letters in number");

  g_autoptr(ReportTable) t = exceptions (0);
  cr_assert_eq (t->rows->len, 7, "%u rows", t->rows->len);
  expect_row (t, 0, "unrated,no_rate,northwind,,15551,2,2026-11-02T08:00:00Z,2026-11-05T08:00:00Z,,,15551234567");
  expect_row (t, 1, "unrated,no_rate,northwind,,15552,1,2026-11-09T08:00:00Z,2026-11-09T08:00:00Z,,,15552000000");
  /* a withheld caller: no digits at all */
  expect_row (t, 2, "unrated,unknown_account,northwind,,,1,2026-11-09T01:02:03Z,2026-11-09T01:02:03Z,,,");
  expect_row (t, 3, "unrated,unknown_account,northwind,,44163,2,2026-11-07T01:02:03Z,2026-11-08T01:02:03Z,,,441632968888");
  expect_row (t, 4, "reject,bad_number,northwind,a.csv,,2,,,3,7,callee 'y': letters in number");
  expect_row (t, 5, "reject,bad_timestamp,northwind,a.csv,,1,,,5,5,start '2026-11-31': out of range");
  expect_row (t, 6, "reject,bad_number,northwind,b.csv,,1,,,2,2,callee 'z': letters in number");

  g_autoptr(ReportTable) four = exceptions (4);
  expect_cell (four, 0, "prefix", "1555");
  expect_cell (four, 0, "count", "3");
}

/* Writers {{{1 */

/* T written as FORMAT to DIR/NAME, read back. */
static char *
written (const ReportTable *t, const char *name, ReportFormat format)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  cr_assert (report_write (t, path, format, &error), "%s", error ? error->message : "");
  return read_file (path);
}

Test (report, csv_and_json_bytes)
{
  add_usage_calls ();
  g_autoptr(ReportTable) t = usage ("fabrikam", REPORT_BY_DESTINATION);
  g_autofree char *csv_text = written (t, "u.csv", REPORT_FORMAT_CSV);
  g_autofree char *json_text = written (t, "u.json", REPORT_FORMAT_JSON);
  cr_assert_str_eq (csv_text,
    "account,period,direction,group,destination,calls,seconds,billable_seconds,minutes,cost,currency\n"
    "fabrikam,2026-11,in,,,1,100,0,0.00,0.000000,EUR\n");
  cr_assert_str_eq (json_text,
    "{\n"
    "  \"report\" : \"usage\",\n"
    "  \"period\" : \"2026-11\",\n"
    "  \"by\" : \"destination\",\n"
    "  \"rows\" : [\n"
    "    {\n"
    "      \"account\" : \"fabrikam\",\n"
    "      \"period\" : \"2026-11\",\n"
    "      \"direction\" : \"in\",\n"
    "      \"group\" : null,\n"
    "      \"destination\" : null,\n"
    "      \"calls\" : 1,\n"
    "      \"seconds\" : 100,\n"
    "      \"billable_seconds\" : 0,\n"
    "      \"minutes\" : \"0.00\",\n"
    "      \"cost\" : \"0.000000\",\n"
    "      \"currency\" : \"EUR\"\n"
    "    }\n"
    "  ]\n"
    "}\n");
}

Test (report, json_empty_and_escaped)
{
  add_reject (1, "dir/\"odd\",name.csv", 1, "encoding", "field 2 is not valid UTF-8: \xff\x01");
  g_autoptr(ReportTable) t = exceptions (0);
  g_autofree char *json_text = written (t, "e.json", REPORT_FORMAT_JSON);
  g_autofree char *csv_text = written (t, "e.csv", REPORT_FORMAT_CSV);
  cr_assert (strstr (json_text, "\n      \"file\" : \"dir/\\\"odd\\\",name.csv\",\n"), "%s",
             json_text);
  cr_assert (strstr (json_text, "\n      \"sample\" : \"field 2 is not valid UTF-8: \xef\xbf\xbd\\u0001\"\n"),
             "%s", json_text);
  cr_assert (strstr (json_text, "\n      \"first_line\" : 1,\n"), "%s", json_text);
  cr_assert (g_utf8_validate (json_text, -1, NULL));
  cr_assert (strstr (csv_text, ",\"dir/\"\"odd\"\",name.csv\","), "%s", csv_text);

  g_autoptr(ReportTable) none = kpi (NULL);
  g_autofree char *empty = written (none, "e.json", REPORT_FORMAT_JSON);
  cr_assert_str_eq (empty, "{\n  \"report\" : \"kpi\",\n  \"period\" : \"2026-11\",\n  \"rows\" : []\n}\n");
}

/* A table built by hand: params, a numeric column with a negative and an
 * empty cell, text needing escapes and invalid UTF-8. */
static ReportTable *
hand_table (void)
{
  ReportTable *t = g_new0 (ReportTable, 1);
  gboolean numeric[] = { FALSE, TRUE };
  t->name = g_strdup ("hand");
  t->params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (t->params, g_strdup ("period"));
  g_ptr_array_add (t->params, g_strdup ("2026-\xff"));
  t->columns = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (t->columns, g_strdup ("text"));
  g_ptr_array_add (t->columns, g_strdup ("n"));
  t->numeric = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_append_vals (t->numeric, numeric, 2);
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  const char *cells[][2] = { { "a\tb\n\"c\", d", "-9007199254740993" }, { NULL, NULL } };
  for (guint r = 0; r < G_N_ELEMENTS (cells); r++)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (row, g_strdup (cells[r][0]));
      g_ptr_array_add (row, g_strdup (cells[r][1]));
      g_ptr_array_add (t->rows, row);
    }
  return t;
}

Test (report, writers_of_a_table_built_by_hand)
{
  g_autoptr(ReportTable) t = hand_table ();
  g_autofree char *json_text = written (t, "h.json", REPORT_FORMAT_JSON);
  g_autofree char *csv_text = written (t, "h.csv", REPORT_FORMAT_CSV);
  /* integers exactly, beyond a double's 53 bits; an empty numeric cell null */
  cr_assert_str_eq (json_text,
    "{\n"
    "  \"report\" : \"hand\",\n"
    "  \"period\" : \"2026-\xef\xbf\xbd\",\n"
    "  \"rows\" : [\n"
    "    {\n"
    "      \"text\" : \"a\\tb\\n\\\"c\\\", d\",\n"
    "      \"n\" : -9007199254740993\n"
    "    },\n"
    "    {\n"
    "      \"text\" : null,\n"
    "      \"n\" : null\n"
    "    }\n"
    "  ]\n"
    "}\n");
  cr_assert_str_eq (csv_text, "text,n\n\"a\tb\n\"\"c\"\", d\",-9007199254740993\n,\n");
  /* the same table, the same bytes */
  g_autofree char *again = written (t, "h.json", REPORT_FORMAT_JSON);
  cr_assert_str_eq (again, json_text);
}

Test (report, unwritable_output)
{
  g_autoptr(ReportTable) t = kpi (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "missing", "k.csv", NULL);
  cr_assert_not (report_write (t, path, REPORT_FORMAT_CSV, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
}

/* Chart {{{1 */

Test (report, chart_is_deterministic_and_depends_on_the_data)
{
  add_usage_calls ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ReportDaily) daily = report_daily (db, "contoso", "2026-11", &error);
  cr_assert_not_null (daily, "%s", error ? error->message : "");
  cr_assert_eq (daily->billable_seconds[2], 342);
  cr_assert_eq (daily->billable_seconds[6], 60);
  cr_assert_eq (daily->cost[2], 630501);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  reportchart_render (daily, a);
  reportchart_render (daily, b);
  cr_assert_gt (a->len, 1000);
  cr_assert_eq (a->len, b->len);
  cr_assert (memcmp (a->data, b->data, a->len) == 0, "two renderings differ");
  g_autofree char *svg = g_strndup ((const char *) a->data, a->len);
  cr_assert (g_str_has_prefix (svg, "<?xml"));
  cr_assert (strstr (svg, "</svg>"));

  daily->cost[6] += 1000000;
  g_autoptr(GByteArray) c = g_byte_array_new ();
  reportchart_render (daily, c);
  cr_assert (c->len != a->len || memcmp (a->data, c->data, a->len) != 0,
             "a different cost gives the same chart");

  g_autofree char *path = g_build_filename (dir, "contoso.svg", NULL);
  cr_assert (reportchart_write (daily, path, &error), "%s", error ? error->message : "");
  cr_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

Test (report, chart_of_an_account_without_usage)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ReportDaily) daily = report_daily (db, "adatum", "2026-02", &error);
  cr_assert_not_null (daily, "%s", error ? error->message : "");
  cr_assert_eq (daily->n_days, 28);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  reportchart_render (daily, a);
  cr_assert_gt (a->len, 1000);
  ReportQuery q = { .period = "2026-11" };
  g_autoptr(GPtrArray) none = report_accounts (db, &q, &error);
  cr_assert_not_null (none);
  cr_assert_eq (none->len, 0);
}

/* The daily sums of two charts of different sizes (add_usage_calls). */
static void
two_dailies (ReportDaily **a, ReportDaily **b)
{
  g_autoptr(GError) error = NULL;
  add_usage_calls ();
  *a = report_daily (db, "contoso", "2026-11", &error);
  cr_assert_not_null (*a, "%s", error ? error->message : "");
  *b = report_daily (db, "adatum", "2026-02", &error);
  cr_assert_not_null (*b, "%s", error ? error->message : "");
}

/* The buffers a thread keeps from chart to chart leave nothing behind: a
 * small chart written after a larger one is the bytes the small one renders
 * alone, and rendering appends to what BYTES holds. */
Test (report, chart_after_a_larger_one_is_the_same)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ReportDaily) a = NULL;
  g_autoptr(ReportDaily) b = NULL;
  two_dailies (&a, &b);
  g_autoptr(GByteArray) a_svg = g_byte_array_new ();
  g_autoptr(GByteArray) b_svg = g_byte_array_new ();
  reportchart_render (a, a_svg);
  reportchart_render (b, b_svg);
  cr_assert_neq (a_svg->len, b_svg->len, "the charts are of one size");
  gboolean a_larger = a_svg->len > b_svg->len;
  ReportDaily *large = a_larger ? a : b, *small = a_larger ? b : a;
  GByteArray *alone = a_larger ? b_svg : a_svg;

  g_autofree char *large_path = g_build_filename (dir, "large.svg", NULL);
  g_autofree char *small_path = g_build_filename (dir, "small.svg", NULL);
  cr_assert (reportchart_write (large, large_path, &error), "%s", error ? error->message : "");
  cr_assert (reportchart_write (small, small_path, &error), "%s", error ? error->message : "");
  g_autofree char *written = NULL;
  gsize len;
  cr_assert (g_file_get_contents (small_path, &written, &len, NULL));
  cr_assert (len == alone->len && memcmp (written, alone->data, len) == 0,
             "the small chart written after the large one differs");

  g_autoptr(GByteArray) appended = g_byte_array_new ();
  g_byte_array_append (appended, (const guint8 *) "head", 4);
  reportchart_render (small, appended);
  cr_assert (appended->len == 4 + alone->len && memcmp (appended->data, "head", 4) == 0
             && memcmp (appended->data + 4, alone->data, alone->len) == 0,
             "rendering does not append to what the array holds");
}

static gpointer
render_in_thread (gpointer daily)
{
  GByteArray *svg = g_byte_array_new ();
  reportchart_render (daily, svg);
  return svg;
}

/* A thread keeps the texts it laid out from chart to chart: a chart drawn
 * by a thread that drew others (its day numbers, labels and legend laid
 * out already, in another chart's context) is the bytes of the chart drawn
 * by a new thread, and a cold thread's second chart is its first's. */
Test (report, chart_from_a_warm_thread_is_a_cold_thread_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ReportDaily) a = NULL;
  g_autoptr(ReportDaily) b = NULL;
  two_dailies (&a, &b);
  g_autoptr(GByteArray) cold_a = g_thread_join (g_thread_new ("cold-a", render_in_thread, a));
  g_autoptr(GByteArray) cold_b = g_thread_join (g_thread_new ("cold-b", render_in_thread, b));
  g_autoptr(GByteArray) warm_b = g_byte_array_new ();
  g_autoptr(GByteArray) warm_a = g_byte_array_new ();
  reportchart_render (a, warm_a);
  reportchart_render (b, warm_b);
  g_byte_array_set_size (warm_a, 0);
  reportchart_render (a, warm_a);
  cr_assert (warm_a->len == cold_a->len && memcmp (warm_a->data, cold_a->data, warm_a->len) == 0,
             "a chart differs when its thread drew others before");
  cr_assert (warm_b->len == cold_b->len && memcmp (warm_b->data, cold_b->data, warm_b->len) == 0,
             "a chart differs when its thread drew another before");
}

/* The SVG files of DIR, name -> bytes. */
static GHashTable *
read_charts (const char *chart_dir)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) d = g_dir_open (chart_dir, 0, NULL);
  cr_assert_not_null (d);
  for (const char *name; (name = g_dir_read_name (d));)
    {
      g_autofree char *path = g_build_filename (chart_dir, name, NULL);
      char *bytes = NULL;
      cr_assert (g_file_get_contents (path, &bytes, NULL, NULL));
      g_hash_table_insert (files, g_strdup (name), bytes);
    }
  return files;
}

static void add_tokyo_account (void);
static void add_random_calls (gint64 expect_billable[3][31], gint64 expect_cost[3][31]);

Test (report, charts_on_threads_are_the_bytes_of_one_thread)
{
  add_tokyo_account ();
  gint64 billable[3][31] = { { 0 } }, cost[3][31] = { { 0 } };
  add_random_calls (billable, cost);
  g_autoptr(GError) error = NULL;
  g_autofree char *one = g_build_filename (dir, "one", NULL);
  g_autofree char *four = g_build_filename (dir, "four", NULL);
  guint n1 = 0, n4 = 0;
  ReportQuery q = { .period = "2026-11", .threads = 1 };
  cr_assert (reportchart_write_all (db, &q, one, &n1, &error), "%s", error ? error->message : "");
  q.threads = 4;
  cr_assert (reportchart_write_all (db, &q, four, &n4, &error), "%s", error ? error->message : "");
  cr_assert_eq (n1, 3);
  cr_assert_eq (n4, 3);
  g_autoptr(GHashTable) a = read_charts (one);
  g_autoptr(GHashTable) b = read_charts (four);
  cr_assert_eq (g_hash_table_size (a), 3);
  cr_assert_eq (g_hash_table_size (b), 3);
  GHashTableIter iter;
  gpointer name, bytes;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &name, &bytes))
    {
      const char *other = g_hash_table_lookup (b, name);
      cr_assert_not_null (other, "%s missing on four threads", (char *) name);
      cr_assert_str_eq (other, bytes, "%s differs on four threads", (char *) name);
    }
  cr_assert_not_null (g_hash_table_lookup (a, "wingtip-2026-11.svg"));

  /* a chart that cannot be written: one error naming it, on any threads */
  g_autofree char *blocked = g_build_filename (dir, "blocked", NULL);
  g_autofree char *link = g_build_filename (blocked, "litware-2026-11.svg", NULL);
  cr_assert_eq (g_mkdir (blocked, 0700), 0);
  cr_assert_eq (symlink ("/nonexistent", link), 0);
  q.threads = 4;
  cr_assert_not (reportchart_write_all (db, &q, blocked, &n4, &error));
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "litware-2026-11.svg"), "%s", error->message);
}

/* One pass over the period {{{1 */

/* A third zone: an account far east of the other two. */
static void
add_tokyo_account (void)
{
  g_autoptr(StoreStmt) st = prepare (
    "INSERT INTO accounts (account, operator, name, plan, country, timezone, tax_rate)"
    " SELECT 'wingtip', operator, 'Wingtip Toys', plan, 'JP', 'Asia/Tokyo', 0"
    " FROM accounts WHERE account = 'contoso'");
  exec_ok (st);
}

/* The local day of MS in ZONE, by GDateTime: the naive way. */
static int
naive_day (gint64 ms, const char *zone)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  return g_date_time_get_day_of_month (local);
}

static const struct {
  const char *account, *op, *zone, *caller;
} zoned[] = {
  { "contoso", "northwind", "Europe/London", "441632960001" },
  { "litware", "tailspin", "America/New_York", "12125550100" },
  { "wingtip", "northwind", "Asia/Tokyo", "81312345678" },
};

/* 600 calls of the three accounts interleaved at random times of November
 * (local days 1..30 in every zone, across New York's end of DST on the
 * 1st), random statuses; EXPECT_* receive the naive sums per account and
 * local day. */
static void
add_random_calls (gint64 expect_billable[3][31], gint64 expect_cost[3][31])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  static const char *const statuses[] = { "rated", "rated", "free", "unanswered", "unrated" };
  gint64 first = utc_ms (2026, 11, 1, 5, 0, 0), last = utc_ms (2026, 11, 30, 14, 59, 59);
  for (int i = 0; i < 600; i++)
    {
      int a = g_rand_int_range (rand, 0, 3);
      const char *status = statuses[g_rand_int_range (rand, 0, 5)];
      gint64 ms = first + (gint64) (g_rand_double (rand) * (double) (last - first)) / 1000 * 1000;
      gboolean usage = g_str_equal (status, "rated") || g_str_equal (status, "free");
      gint64 billable = usage ? g_rand_int_range (rand, 1, 900) : 0;
      gint64 charge = g_str_equal (status, "rated") ? g_rand_int_range (rand, 1, 5000000) : 0;
      Call c = { .op = zoned[a].op, .account = zoned[a].account, .caller = zoned[a].caller,
                 .callee = "442079460000", .start_ms = ms, .duration = billable,
                 .status = status, .destination = usage ? "London" : NULL,
                 .group = usage ? "UK" : NULL, .billable = billable, .charge = charge };
      add_call (&c);
      if (!usage)
        continue;
      int d = naive_day (ms, zoned[a].zone);
      expect_billable[a][d - 1] += billable;
      expect_cost[a][d - 1] += charge;
    }
}

Test (report, charts_in_one_pass_equal_each_account_alone_and_the_naive_sums)
{
  add_tokyo_account ();
  gint64 billable[3][31] = { { 0 } }, cost[3][31] = { { 0 } };
  add_random_calls (billable, cost);
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2026-11" };
  g_autoptr(GPtrArray) all = report_daily_all (db, &q, &error);
  cr_assert_not_null (all, "%s", error ? error->message : "");
  cr_assert_eq (all->len, 3);
  static const int by_name[3] = { 0, 1, 2 };   /* contoso < litware < wingtip */
  for (guint i = 0; i < 3; i++)
    {
      const ReportDaily *d = all->pdata[i];
      int a = by_name[i];
      cr_assert_str_eq (d->account, zoned[a].account);
      g_autoptr(ReportDaily) alone = report_daily (db, zoned[a].account, "2026-11", &error);
      cr_assert_not_null (alone, "%s", error ? error->message : "");
      cr_assert_str_eq (d->name, alone->name);
      cr_assert_str_eq (d->currency, alone->currency);
      cr_assert_eq (d->n_days, 30);
      for (guint day = 0; day < 30; day++)
        {
          cr_assert_eq (d->billable_seconds[day], billable[a][day], "%s day %u", d->account, day + 1);
          cr_assert_eq (d->cost[day], cost[a][day], "%s day %u", d->account, day + 1);
          cr_assert_eq (alone->billable_seconds[day], billable[a][day]);
          cr_assert_eq (alone->cost[day], cost[a][day]);
        }
    }
}

Test (report, usage_by_day_in_one_pass_equals_the_naive_sums)
{
  add_tokyo_account ();
  gint64 billable[3][31] = { { 0 } }, cost[3][31] = { { 0 } };
  add_random_calls (billable, cost);
  g_autoptr(ReportTable) t = usage (NULL, REPORT_BY_DAY);
  guint row = 0;
  for (int a = 0; a < 3; a++)
    for (int day = 0; day < 30; day++)
      {
        if (!billable[a][day])
          continue;
        g_autofree char *date = g_strdup_printf ("2026-11-%02d", day + 1);
        g_autofree char *secs = g_strdup_printf ("%" G_GINT64_FORMAT, billable[a][day]);
        cr_assert_lt (row, t->rows->len);
        cr_assert_str_eq (report_cell (t, row, "account"), zoned[a].account);
        cr_assert_str_eq (report_cell (t, row, "day"), date);
        cr_assert_str_eq (report_cell (t, row, "billable_seconds"), secs);
        row++;
      }
  cr_assert_eq (row, t->rows->len);
}

/* Calls of two zones interleaved, out of time order, on both sides of
 * each zone's spring DST change and of the local midnights around it: the
 * zone lookup that remembers its last interval must move back as well. */
Test (report, local_days_across_dst_out_of_order_and_interleaved)
{
  const struct { gboolean ny; gint64 ms; const char *day; } calls[] = {
    { TRUE, utc_ms (2026, 3, 9, 4, 0, 0), "2026-03-09" },       /* 00:00 EDT */
    { FALSE, utc_ms (2026, 3, 29, 23, 0, 0), "2026-03-30" },    /* 00:00 BST */
    { TRUE, utc_ms (2026, 3, 8, 4, 59, 59), "2026-03-07" },     /* 23:59:59 EST */
    { FALSE, utc_ms (2026, 3, 28, 23, 59, 59), "2026-03-28" },  /* 23:59:59 GMT */
    { TRUE, utc_ms (2026, 3, 9, 3, 59, 59), "2026-03-08" },     /* 23:59:59 EDT */
    { FALSE, utc_ms (2026, 3, 29, 22, 59, 59), "2026-03-29" },  /* 23:59:59 BST */
    { TRUE, utc_ms (2026, 3, 8, 5, 0, 0), "2026-03-08" },       /* 00:00 EST */
    { FALSE, utc_ms (2026, 3, 29, 0, 0, 0), "2026-03-29" },     /* 00:00 GMT */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (calls); i++)
    if (calls[i].ny)
      {
        Call c = { .op = "tailspin", .account = "litware", .caller = "12125550100",
                   .callee = "12125550199", .start_ms = calls[i].ms, .duration = 60,
                   .status = "rated", .period = "2026-03", .destination = "New York",
                   .group = "DOMESTIC", .billable = 60, .charge = (gint64) i + 1 };
        add_call (&c);
      }
    else
      {
        Call c = { .account = "contoso", .caller = "441632960001", .callee = "442079460000",
                   .start_ms = calls[i].ms, .duration = 60, .status = "rated",
                   .period = "2026-03", .destination = "London", .group = "UK",
                   .billable = 60, .charge = (gint64) i + 1 };
        add_call (&c);
      }
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2026-03", .by = REPORT_BY_DAY };
  g_autoptr(ReportTable) t = report_usage (db, &q, &error);
  cr_assert_not_null (t, "%s", error ? error->message : "");
  cr_assert_eq (t->rows->len, 6);
  /* contoso 28, 29 (two calls), 30; litware 7, 8 (two calls), 9 */
  static const char *const days[] = { "2026-03-28", "2026-03-29", "2026-03-30",
                                      "2026-03-07", "2026-03-08", "2026-03-09" };
  static const char *const counts[] = { "1", "2", "1", "1", "2", "1" };
  for (guint r = 0; r < 6; r++)
    {
      cr_assert_str_eq (report_cell (t, r, "day"), days[r]);
      cr_assert_str_eq (report_cell (t, r, "calls"), counts[r]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(ReportDaily) d = report_daily (db, calls[i].ny ? "litware" : "contoso", "2026-03",
                                               &error);
      cr_assert_not_null (d, "%s", error ? error->message : "");
      guint64 day = 0;
      g_ascii_string_to_unsigned (calls[i].day + 8, 10, 1, 31, &day, NULL);
      cr_assert_gt (d->billable_seconds[day - 1], 0, "call %zu on %s", i, calls[i].day);
    }
}

/* Streaming {{{1 */

typedef struct {
  ReportSink sink;              /* first: the sink is the SeenSink */
  GPtrArray *seen;              /* char *, each row's cells joined with '|' */
} SeenSink;

static void
count_row (ReportSink *sink, const ReportTable *table, const GPtrArray *cells)
{
  GPtrArray *seen = ((SeenSink *) sink)->seen;
  GString *line = g_string_new (NULL);
  for (guint c = 0; c < cells->len; c++)
    g_string_append_printf (line, "%s|", cells->pdata[c] ? (char *) cells->pdata[c] : "");
  g_ptr_array_add (seen, g_string_free (line, FALSE));
}

Test (report, a_sink_gets_the_rows_a_table_keeps)
{
  add_usage_calls ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  SeenSink s = { { count_row }, seen };
  g_autoptr(GError) error = NULL;
  for (int by = REPORT_BY_USER; by <= REPORT_BY_DAY; by++)
    {
      g_ptr_array_set_size (seen, 0);
      ReportQuery q = { .period = "2026-11", .by = (ReportUsageBy) by };
      g_autoptr(ReportTable) kept = report_usage (db, &q, &error);
      g_autoptr(ReportTable) sunk = report_usage_to (db, &q, &s.sink, &error);
      cr_assert_not_null (sunk, "%s", error ? error->message : "");
      cr_assert_eq (sunk->rows->len, 0);
      cr_assert_eq (sunk->n_rows, kept->rows->len);
      cr_assert_eq (seen->len, kept->rows->len);
      for (guint r = 0; r < kept->rows->len; r++)
        {
          GPtrArray *cells = kept->rows->pdata[r];
          GString *line = g_string_new (NULL);
          for (guint c = 0; c < cells->len; c++)
            g_string_append_printf (line, "%s|", cells->pdata[c] ? (char *) cells->pdata[c] : "");
          cr_assert_str_eq (seen->pdata[r], line->str);
          g_string_free (line, TRUE);
        }
    }
}

/* A rating's period was set in the zone its account had when it was rated;
 * moved to another zone since (a closed period keeps its ratings, and a
 * report can run before the next rate), a call can fall a day outside its
 * period.  The daily sums count it on the period's nearest day, so the
 * days still add up to the period: they used to fail with "a call of
 * 2026-11 rated on day '2026-10-31'". */
Test (report, a_call_a_day_outside_its_period_counts_on_the_nearest_day)
{
  Call late = { .account = "contoso", .caller = "441632960001", .callee = "442079460000",
                .start_ms = utc_ms (2026, 11, 30, 23, 30, 0), .duration = 60,
                .status = "rated", .destination = "London", .group = "UK",
                .billable = 60, .charge = 1500000 };
  Call early = { .op = "tailspin", .account = "litware", .caller = "12125550100",
                 .callee = "442079460000", .start_ms = utc_ms (2026, 11, 1, 2, 0, 0),
                 .duration = 30, .status = "rated", .destination = "London", .group = "UK",
                 .billable = 30, .charge = 700000 };
  add_call (&late);    /* London's November 30th, Tokyo's December 1st */
  add_call (&early);   /* New York's October 31st, rated as November (another zone) */
  g_autoptr(StoreStmt) move = prepare ("UPDATE accounts SET timezone = 'Asia/Tokyo'"
                                       " WHERE account = 'contoso'");
  exec_ok (move);
  g_autoptr(GError) error = NULL;
  ReportQuery q = { .period = "2026-11" };
  g_autoptr(GPtrArray) all = report_daily_all (db, &q, &error);
  cr_assert_not_null (all, "%s", error ? error->message : "");
  cr_assert_eq (all->len, 2);
  const ReportDaily *contoso = all->pdata[0], *litware = all->pdata[1];
  cr_assert_str_eq (contoso->account, "contoso");
  cr_assert_eq (contoso->billable_seconds[29], 60);
  cr_assert_eq (contoso->cost[29], 1500000);
  cr_assert_str_eq (litware->account, "litware");
  cr_assert_eq (litware->billable_seconds[0], 30);
  cr_assert_eq (litware->cost[0], 700000);
  g_autoptr(ReportDaily) alone = report_daily (db, "contoso", "2026-11", &error);
  cr_assert_not_null (alone, "%s", error ? error->message : "");
  cr_assert_eq (alone->cost[29], 1500000);
}
