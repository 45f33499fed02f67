/* test-reconcileout.c — the files `rater reconcile` writes (reconcileout.c),
 * byte for byte: the pair CSVs (matched, duration and charge mismatches),
 * the one-side CSVs with a key that needs quoting, and summary.json with
 * charges compared and not (its reason repaired when not valid UTF-8). */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/rater-error.h"
#include "reconcile/reconcile.h"
#include "reconcile/reconcileout.h"
#include "test-helpers.h"

/* The two sides every test writes: k1 matches by key (2 s longer on the
 * right), a2=b2 by time; a3 and "b,4" have no partner. */
static const char left_csv[] =
  "call_id,start,duration,caller,callee,direction\n"
  "k1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n"
  "a2,2026-11-03T11:00:00Z,60,+441632960001,+442079460001,out\n"
  "a3,2026-11-03T12:00:00Z,30,+441632960001,+442079460002,out\n";
static const char right_csv[] =
  "call_id,start,duration,caller,callee,direction\n"
  "k1,2026-11-03T10:00:02Z,62,+441632960001,+442079460000,out\n"
  "b2,2026-11-03T11:00:01Z,60,+441632960001,+442079460001,out\n"
  "\"b,4\",2026-11-03T13:00:00Z,45,+441632960009,+442079460003,in\n";

static char *dir;
static ReconSide *left, *right;
static ReconMatch *match;

static void
setup (void)
{
  static const ReconcileReadOptions gb = { "northwind", "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 5 };
  g_autoptr(GError) error = NULL;
  dir = test_scratch_new ();
  g_autofree char *l = test_write (dir, "left.csv", left_csv);
  g_autofree char *r = test_write (dir, "right.csv", right_csv);
  cr_assert (reconcile_read_pair (l, "rater", r, "rater", &gb, &left, &right, &error), "%s",
             error ? error->message : "");
  match = reconcile_match (left, right, 5000);
}

static void
teardown (void)
{
  reconcile_match_free (match);
  reconcile_side_free (left);
  reconcile_side_free (right);
  test_scratch_free (dir);
}

TestSuite (reconcileout, .init = setup, .fini = teardown);

/* Write every file into DIR/SUB with OPTS. */
static gboolean
write_into (const char *sub, const ReconcileOutOptions *opts, ReconcileOutStats *stats,
            GError **error)
{
  g_autofree char *out = g_build_filename (dir, sub, NULL);
  return reconcileout_write (out, left, right, match, opts, stats, error);
}

static char *
read_out (const char *sub, const char *name)
{
  g_autofree char *path = g_build_filename (dir, sub, name, NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "cannot read %s", path);
  return text;
}

#define PAIR_HEADER "left_key,right_key,matched_by,caller,callee,direction,left_start," \
  "right_start,start_delta_ms,left_duration,right_duration,duration_delta\n"
#define K1_ROW "k1,k1,key,441632960001,442079460000,out,2026-11-03T10:00:00Z," \
  "2026-11-03T10:00:02Z,2000,60,62,2"
#define A2_ROW "a2,b2,time,441632960001,442079460001,out,2026-11-03T11:00:00Z," \
  "2026-11-03T11:00:01Z,1000,60,60,0"
#define ONLY_HEADER "key,line,direction,caller,callee,start,duration,answered\n"

/* The "left" or "right" member of the summary: 3 records, 3 calls, no
 * duplicates, rejects or ignored records; the seconds and minutes vary. */
#define SIDE_JSON(name, seconds, matched, only) \
  "  \"" name "\" : {\n" \
  "    \"file\" : \"%s/" name ".csv\",\n" \
  "    \"format\" : \"rater\",\n" \
  "    \"records\" : 3,\n" \
  "    \"calls\" : 3,\n" \
  "    \"duplicates\" : 0,\n" \
  "    \"rejects\" : 0,\n" \
  "    \"ignored\" : 0,\n" \
  seconds matched only \
  "  },\n"

/* The summary of left/right with CHARGES the "charges" object's members. */
static char *
expected_summary (const char *charges)
{
  return g_strdup_printf (
    "{\n"
    SIDE_JSON ("left",
               "    \"seconds\" : 150,\n    \"minutes\" : \"2.50\",\n",
               "    \"matched_seconds\" : 120,\n    \"matched_minutes\" : \"2.00\",\n",
               "    \"only\" : 1,\n    \"only_seconds\" : 30,\n    \"only_minutes\" : \"0.50\"\n")
    SIDE_JSON ("right",
               "    \"seconds\" : 167,\n    \"minutes\" : \"2.78\",\n",
               "    \"matched_seconds\" : 122,\n    \"matched_minutes\" : \"2.03\",\n",
               "    \"only\" : 1,\n    \"only_seconds\" : 45,\n    \"only_minutes\" : \"0.75\"\n")
    "  \"tolerance_seconds\" : 5,\n"
    "  \"duration_tolerance_seconds\" : 0,\n"
    "  \"matched\" : 2,\n"
    "  \"matched_by_key\" : 1,\n"
    "  \"matched_by_time\" : 1,\n"
    "  \"left_only\" : 1,\n"
    "  \"right_only\" : 1,\n"
    "  \"duration_mismatch\" : 1,\n"
    "  \"charges\" : {\n"
    "%s"
    "  }\n"
    "}\n", dir, dir, charges);
}

Test (reconcileout, every_file_with_charges)
{
  /* k1 costs 0.020000 on the left, 0.020667 on the right; a2=b2 the same */
  const ReconCharge lc[] = { { 20000, "contoso", RATE_RATED }, { 10000, "contoso", RATE_RATED } };
  const ReconCharge rc[] = { { 20667, "contoso", RATE_RATED }, { 10000, "contoso", RATE_RATED } };
  ReconcileOutOptions opts = { 5000, 0, lc, rc, NULL };
  ReconcileOutStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert (write_into ("out", &opts, &stats, &error), "%s", error ? error->message : "");
  cr_assert_eq (stats.duration_mismatch, 1);
  cr_assert_eq (stats.charge_compared, 2);
  cr_assert_eq (stats.charge_mismatch, 1);

  g_autofree char *matched = read_out ("out", "matched.csv");
  g_autofree char *durations = read_out ("out", "duration-mismatch.csv");
  g_autofree char *charges = read_out ("out", "charge-mismatch.csv");
  g_autofree char *left_only = read_out ("out", "left-only.csv");
  g_autofree char *right_only = read_out ("out", "right-only.csv");
  g_autofree char *summary = read_out ("out", "summary.json");
  cr_assert_str_eq (matched, PAIR_HEADER K1_ROW "\n" A2_ROW "\n");
  cr_assert_str_eq (durations, PAIR_HEADER K1_ROW "\n");
  cr_assert_str_eq (charges,
    "left_key,right_key,matched_by,caller,callee,direction,left_start,right_start,"
    "start_delta_ms,left_duration,right_duration,duration_delta,left_account,right_account,"
    "left_status,right_status,left_charge,right_charge,charge_delta\n"
    K1_ROW ",contoso,contoso,rated,rated,0.020000,0.020667,0.000667\n");
  cr_assert_str_eq (left_only, ONLY_HEADER
                    "a3,4,out,441632960001,442079460002,2026-11-03T12:00:00Z,30,true\n");
  cr_assert_str_eq (right_only, ONLY_HEADER
                    "\"b,4\",4,in,441632960009,442079460003,2026-11-03T13:00:00Z,45,true\n");
  g_autofree char *want = expected_summary ("    \"compared\" : true,\n"
                                            "    \"pairs\" : 2,\n"
                                            "    \"mismatch\" : 1,\n"
                                            "    \"unrated_pairs\" : 0\n");
  cr_assert_str_eq (summary, want);
}

Test (reconcileout, summary_without_charges_is_deterministic)
{
  ReconcileOutOptions opts = { 5000, 0, NULL, NULL, "no \"catalog\" \xff" };
  ReconcileOutStats stats;
  g_autoptr(GError) error = NULL;
  cr_assert (write_into ("one", &opts, &stats, &error));
  cr_assert (write_into ("two", &opts, &stats, &error));
  cr_assert_eq (stats.charge_compared, 0);
  g_autofree char *charges = read_out ("one", "charge-mismatch.csv");
  cr_assert (g_str_has_suffix (charges, "charge_delta\n"), "%s", charges);
  g_autofree char *a = read_out ("one", "summary.json");
  g_autofree char *b = read_out ("two", "summary.json");
  g_autofree char *want = expected_summary ("    \"compared\" : false,\n"
                                            "    \"reason\" : \"no \\\"catalog\\\" \xef\xbf\xbd\"\n");
  cr_assert_str_eq (a, want);
  cr_assert_str_eq (b, a);
}

Test (reconcileout, unwritable_directory)
{
  ReconcileOutOptions opts = { 5000, 0, NULL, NULL, "" };
  ReconcileOutStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = test_write (dir, "plain", "x");
  cr_assert_not (write_into ("plain/out", &opts, &stats, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_CANTCREAT));
}
