/* test-reconcile.c — matching two CDR sources: call keys, the tolerance
 * boundary, nearest first with competing candidates, each call used once,
 * masked numbers, duplicates and legs, empty inputs, and charges. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "base/rater-error.h"
#include "reconcile/reconcile.h"
#include "reconcile/reconcilecharge.h"
#include "test-helpers.h"

static char *dir;

static void setup (void) { dir = test_scratch_new (); }
static void teardown (void) { test_scratch_free (dir); }

TestSuite (reconcile, .init = setup, .fini = teardown);

#define HEADER "call_id,start,duration,caller,callee,direction\n"

static const ReconcileReadOptions gb = { "northwind", "GB", NULL, CDR_DIRECTION_BY_CONTEXT, 5 };

static ReconSide *
side_of (const char *name, const char *rows)
{
  g_autofree char *text = g_strconcat (HEADER, rows, NULL);
  g_autofree char *path = test_write (dir, name, text);
  g_autoptr(GError) error = NULL;
  ReconSide *side = reconcile_side_read (path, "rater", &gb, &error);
  cr_assert_null (error, "%s", error ? error->message : "");
  cr_assert_not_null (side);
  return side;
}

static const char *
key_of (const ReconSide *side, guint32 i)
{
  static char buf[2][80];
  static int which;
  CdrText k = reconcile_record_key (side, &g_array_index (side->records, ReconRecord, i));
  which ^= 1;
  g_snprintf (buf[which], sizeof buf[which], "%.*s", (int) k.len, k.p);
  return buf[which];
}

/* "left=right" of pair K. */
static char *
pair_text (const ReconSide *l, const ReconSide *r, const ReconMatch *m, guint k)
{
  const ReconPair *p = &g_array_index (m->pairs, ReconPair, k);
  return g_strdup_printf ("%s=%s", key_of (l, p->left), key_of (r, p->right));
}

static void
assert_pairs (const ReconSide *l, const ReconSide *r, const ReconMatch *m, const char *const *want)
{
  guint n = 0;
  while (want[n])
    n++;
  cr_assert_eq (m->pairs->len, n, "pairs: %u, want %u", m->pairs->len, n);
  for (guint k = 0; k < n; k++)
    {
      g_autofree char *got = pair_text (l, r, m, k);
      cr_assert_str_eq (got, want[k]);
    }
}

Test (reconcile, key_match_ignores_times)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "k1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T11:00:00Z,60,+441632960001,+442079460001,out\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "k1,2026-11-03T10:30:00Z,61,+441632960001,+442079469999,out\n"
                                              "b2,2026-11-03T11:00:01Z,60,+441632960001,+442079460001,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  const char *want[] = { "k1=k1", "a2=b2", NULL };
  assert_pairs (l, r, m, want);
  cr_assert_eq (m->by_key, 1);
  cr_assert_eq (m->by_time, 1);
  cr_assert_eq (g_array_index (m->pairs, ReconPair, 0).delta_ms, 30 * 60 * 1000);
}

Test (reconcile, tolerance_boundary)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T11:00:00Z,60,+441632960001,+442079460000,out\n"
                                              "a3,2026-11-03T12:00:00Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:05Z,60,+441632960001,+442079460000,out\n"
                                              "b2,2026-11-03T11:00:06Z,60,+441632960001,+442079460000,out\n"
                                              "b3,2026-11-03T11:59:55Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  const char *want[] = { "a1=b1", "a3=b3", NULL };
  assert_pairs (l, r, m, want);
  cr_assert_eq (m->left_only->len, 1);
  cr_assert_str_eq (key_of (l, g_array_index (m->left_only, guint32, 0)), "a2");
  cr_assert_eq (m->right_only->len, 1);
  cr_assert_str_eq (key_of (r, g_array_index (m->right_only, guint32, 0)), "b2");
}

Test (reconcile, tolerance_is_compared_in_milliseconds)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:00.000Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:05.001Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  cr_assert_eq (m->pairs->len, 0);
}

Test (reconcile, nearest_first_with_competing_candidates)
{
  /* a1 is 1 s from b1 and 2 s from b2; a2 is 0.5 s from b1 and 4 s from b2.
   * Left-to-right first fit would give a1=b1 and a2=b2; nearest first gives
   * a2=b1 (0.5 s), then a1=b2 (2 s). */
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:02Z,60,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T10:00:03.500Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:03Z,60,+441632960001,+442079460000,out\n"
                                              "b2,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  const char *want[] = { "a1=b2", "a2=b1", NULL };
  assert_pairs (l, r, m, want);
}

Test (reconcile, each_record_used_once)
{
  /* three left calls compete for two right calls at the same instant */
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T10:00:01Z,60,+441632960001,+442079460000,out\n"
                                              "a3,2026-11-03T10:00:02Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:01Z,60,+441632960001,+442079460000,out\n"
                                              "b2,2026-11-03T10:00:01Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  /* a2=b1 at 0 s; a2 is taken, so b2 goes to the earlier of a1, a3 (1 s each) */
  const char *want[] = { "a1=b2", "a2=b1", NULL };
  assert_pairs (l, r, m, want);
  cr_assert_eq (m->left_only->len, 1);
  cr_assert_str_eq (key_of (l, g_array_index (m->left_only, guint32, 0)), "a3");
}

Test (reconcile, numbers_must_agree)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T10:00:00Z,60,+441632960002,+442079460000,out\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:00Z,60,+441632960001,+442079460009,out\n"
                                              "b2,2026-11-03T10:00:00Z,60,+441632960002,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  const char *want[] = { "a2=b2", NULL };
  assert_pairs (l, r, m, want);
}

Test (reconcile, masked_numbers)
{
  RaterNumber full = { "49301234567", 11, FALSE };
  RaterNumber other = { "49301299567", 11, FALSE };
  RaterNumber mask = { "49301234", 8, TRUE };
  RaterNumber shortmask = { "4930123", 7, TRUE };
  RaterNumber withheld = { "", 0, FALSE };
  cr_assert (reconcile_numbers_agree (&full, &mask));
  cr_assert (reconcile_numbers_agree (&mask, &full));
  cr_assert_not (reconcile_numbers_agree (&other, &mask));
  cr_assert (reconcile_numbers_agree (&mask, &shortmask));
  cr_assert_not (reconcile_numbers_agree (&full, &other));
  cr_assert_not (reconcile_numbers_agree (&withheld, &mask));
  cr_assert (reconcile_numbers_agree (&withheld, &withheld));

  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:00Z,60,+441632960001,+49301234567,out\n"
                                              "a2,2026-11-03T10:00:01Z,60,+441632960001,+49301299567,out\n"
                                              "a3,2026-11-03T11:00:00Z,60,+33612345678,+441632960001,in\n");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:03Z,60,+441632960001,+49301234***,out\n"
                                              "b3,2026-11-03T11:00:00Z,60,+3361234****,+441632960001,in\n");
  cr_assert (g_array_index (r->records, ReconRecord, 0).callee.masked);
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  const char *want[] = { "a1=b1", "a3=b3", NULL };
  assert_pairs (l, r, m, want);
}

Test (reconcile, duplicates_collapse_first_kept)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n"
                                              "a1,2026-11-03T10:00:00Z,99,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T10:10:00Z,60,+441632960001,+442079460000,out\n");
  cr_assert_eq (l->stats.records, 3);
  cr_assert_eq (l->stats.calls, 2);
  cr_assert_eq (l->stats.duplicates, 1);
  cr_assert_eq (l->stats.seconds, 120);
  cr_assert_eq (g_array_index (l->records, ReconRecord, 1).duplicate, TRUE);
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  const char *want[] = { "a1=b1", NULL };
  assert_pairs (l, r, m, want);
  cr_assert_eq (m->left_only->len, 1);   /* a2, never the duplicate a1 */
  cr_assert_str_eq (key_of (l, g_array_index (m->left_only, guint32, 0)), "a2");
}

#define DR_HEADER "CorrelationId,AAD ObjectId,Invite time,Start time,End time,Success,Caller Number," \
  "Callee Number,Call type,Shared correlation ID\n"

Test (reconcile, teams_dr_legs_are_one_call)
{
  const char *legs[] = {
    "leg-in,obj,2026-11-03T15:00:00Z,2026-11-03T15:00:04Z,2026-11-03T15:02:04Z,Yes,+13125550199,+12125550100,dr_in,shared-1\n",
    "leg-out,obj,2026-11-03T15:00:01Z,2026-11-03T15:00:05Z,2026-11-03T15:02:04Z,Yes,+12125550100,+13105550142,dr_out_user_forwarding,shared-1\n",
  };
  ReconcileReadOptions us = { "tailspin", "US", NULL, CDR_DIRECTION_BY_CONTEXT, 5 };
  for (int order = 0; order < 2; order++)
    {
      g_autofree char *text = g_strconcat (DR_HEADER, legs[order], legs[1 - order], NULL);
      g_autofree char *path = test_write (dir, "dr.csv", text);
      g_autoptr(GError) error = NULL;
      g_autoptr(ReconSide) r = reconcile_side_read (path, NULL, &us, &error);
      cr_assert_not_null (r, "%s", error ? error->message : "");
      cr_assert_str_eq (r->format, "teams-dr");
      cr_assert_eq (r->stats.calls, 1);
      cr_assert_eq (r->stats.duplicates, 1);
      const ReconRecord *kept = &g_array_index (r->records, ReconRecord, r->order[0]);
      cr_assert_str_eq (kept->callee.digits, "13105550142");
      cr_assert_str_eq (key_of (r, r->order[0]), "shared-1");
    }
}

Test (reconcile, empty_inputs)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "");
  g_autoptr(ReconSide) r = side_of ("r.csv", "b1,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n");
  g_autoptr(ReconMatch) m = reconcile_match (l, r, 5000);
  cr_assert_eq (m->pairs->len, 0);
  cr_assert_eq (m->left_only->len, 0);
  cr_assert_eq (m->right_only->len, 1);
  g_autoptr(ReconMatch) m2 = reconcile_match (l, l, 5000);
  cr_assert_eq (m2->pairs->len, 0);
}

Test (reconcile, rejects_are_counted_and_described)
{
  g_autoptr(ReconSide) l = side_of ("l.csv", "a1,yesterday,60,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T10:00:00Z,60,+441632960001,+442079460000,out\n");
  cr_assert_eq (l->stats.records, 2);
  cr_assert_eq (l->stats.rejects, 1);
  cr_assert_eq (l->stats.calls, 1);
  cr_assert_eq (l->messages->len, 1);
  cr_assert_not_null (strstr (g_ptr_array_index (l->messages, 0), "l.csv:2: bad_timestamp"));
}

Test (reconcile, wrong_header_is_refused)
{
  g_autofree char *path = test_write (dir, "x.csv", "foo,bar\n1,2\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ReconSide) side = reconcile_side_read (path, NULL, &gb, &error);
  cr_assert_null (side);
  cr_assert_eq (error->code, RATER_ERROR_DATA);
}

Test (reconcile, charges_against_the_catalog)
{
  g_autoptr(StoreDb) db = test_db_with_catalog (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(ReconCharger) charger = reconcilecharge_new (db, &error);
  cr_assert_not_null (charger);
  cr_assert_eq (reconcilecharge_n_accounts (charger), 4);
  /* London peak 0.02/min 60/1: 61 s and 62 s cost differently; a mobile
   * 60/60 call costs the same for 30 s and 31 s */
  g_autoptr(ReconSide) s = side_of ("l.csv", "a1,2026-11-03T10:00:00Z,61,+441632960001,+442079460000,out\n"
                                              "a2,2026-11-03T10:00:00Z,62,+441632960001,+442079460000,out\n"
                                              "a3,2026-11-03T10:00:00Z,30,+441632960001,+447700900123,out\n"
                                              "a4,2026-11-03T10:00:00Z,31,+441632960001,+447700900123,out\n"
                                              "a5,2026-11-03T10:00:00Z,31,+15550000000,+447700900123,out\n");
  guint32 idx[] = { 0, 1, 2, 3, 4 };
  ReconCharge out[5];
  reconcilecharge_rate (charger, s, idx, 5, out);
  cr_assert_eq (out[0].charge, 20334);
  cr_assert_eq (out[1].charge, 20667);
  cr_assert_eq (out[2].charge, out[3].charge);
  cr_assert_str_eq (out[0].account, "contoso");
  cr_assert_eq (out[4].status, RATE_UNRATED);
  cr_assert_null (out[4].account);
}

Test (reconcile, a_bad_zone_is_refused_without_a_gerror)
{
  g_autofree char *path = test_write (dir, "a.csv", HEADER);
  ReconcileReadOptions mars = gb;
  mars.tz = "Mars/Olympus";
  /* the caller wants no error message: the failure alone must come back */
  cr_assert_null (reconcile_side_read (path, "rater", &mars, NULL));
  g_autoptr(GError) error = NULL;
  cr_assert_null (reconcile_side_read (path, "rater", &mars, &error));
  cr_assert (g_error_matches (error, RATER_ERROR, RATER_ERROR_USAGE), "%s", error->message);
  cr_assert_str_eq (error->message, "--tz: unknown time zone 'Mars/Olympus'");
}
