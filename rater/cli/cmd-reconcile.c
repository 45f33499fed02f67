/* cmd-reconcile.c — 'rater reconcile --left FILE[:FMT] --right FILE[:FMT] --out DIR'.
 *
 * Reads both sources (reconcile.h), matches them, prices the matched pairs
 * against the catalog when the database exists (reconcilecharge.h) and writes
 * the result files (reconcileout.h).  Exit status 1 when either side had
 * rejected records; mismatches are results, not failures.
 */
#include "config.h"

#include <string.h>

#include "cli/cmd.h"
#include "base/rater-error.h"
#include "ingest/cdrformats.h"
#include "ingest/ingest.h"
#include "reconcile/reconcile.h"
#include "reconcile/reconcilecharge.h"
#include "reconcile/reconcileout.h"
#include "base/store.h"

static const char description[] =
  "Matching: first on the call key where both sides carry the same one, then\n"
  "on caller, callee and start within --tolerance-seconds (|delta| <= N s),\n"
  "nearest first, each call used once; ties go to the earlier left call.\n"
  "A masked number (trailing '*') matches any number with the same visible\n"
  "digits (at least 6).  Records repeating a call key within one file, and\n"
  "the legs of one call (Teams DR Shared correlation ID), count as one call,\n"
  "as in ingest.\n"
  "\n"
  "Durations mismatch when they differ by more than --duration-tolerance.\n"
  "Charges: when the database exists, both calls of a pair are rated against\n"
  "its catalog (account by tenant id or own number, the plan's deck, before\n"
  "bundles; the operator from --operator or the records) and pairs whose\n"
  "charges differ are listed; otherwise the summary says why they were not.\n"
  "\n"
  "Writes under DIR: matched.csv, left-only.csv, right-only.csv,\n"
  "duration-mismatch.csv, charge-mismatch.csv, summary.json.\n"
  "FMT is a --format name of ingest (rater, teams-pstn, teams-dr, asterisk,\n"
  "freeswitch, graph-pstn, graph-dr, profile:FILE); without it the format is\n"
  "told from the header, or from a Graph response's @odata.context.\n"
  "Exit status 1 when records were rejected (listed as file:line on stderr).";

/* Split "FILE[:FMT]": FMT is everything from ":profile:", or what follows
 * the last ':' when that is a built-in format name or SPEC as a whole is no
 * file (so that a misspelt FMT is reported as an unknown format). */
static void
split_spec (const char *spec, char **path, char **format)
{
  const char *profile = strstr (spec, ":profile:");
  const char *colon = strrchr (spec, ':');
  *format = NULL;
  if (profile)
    colon = profile;
  else if (colon)
    {
      const char * const *names = cdrformats_names ();
      gboolean known = !g_file_test (spec, G_FILE_TEST_EXISTS);
      for (guint i = 0; names[i]; i++)
        known = known || g_str_equal (colon + 1, names[i]);
      if (!known)
        colon = NULL;
    }
  *path = colon ? g_strndup (spec, (gsize) (colon - spec)) : g_strdup (spec);
  if (colon)
    *format = g_strdup (colon + 1);
}

static void
report_rejects (const ReconSide *side, guint max_reported)
{
  for (guint i = 0; i < side->messages->len; i++)
    g_message ("%s", (const char *) side->messages->pdata[i]);
  if (side->stats.rejects > max_reported)
    g_message ("%s: %" G_GUINT64_FORMAT " more rejects not shown", side->path,
               side->stats.rejects - max_reported);
}

/* Rate both calls of every pair into *LEFT and *RIGHT (their account names
 * owned by *OUT_CHARGER), or say in *SKIPPED why not. */
static gboolean
price_pairs (const RaterContext *ctx, const ReconSide *l, const ReconSide *r, const ReconMatch *m,
             ReconCharger **out_charger, ReconCharge **left, ReconCharge **right, char **skipped,
             GError **error)
{
  gboolean missing = FALSE;
  g_autoptr(StoreDb) db = store_open_readonly_if_exists (ctx->db_path, &missing, error);
  if (missing)
    {
      *skipped = g_strdup_printf ("no database '%s'", ctx->db_path);
      return TRUE;
    }
  g_autoptr(ReconCharger) charger = db ? reconcilecharge_new (db, error) : NULL;
  if (!charger)
    return FALSE;
  if (reconcilecharge_n_accounts (charger) == 0)
    {
      *skipped = g_strdup_printf ("the catalog of '%s' has no accounts", store_name (db));
      return TRUE;
    }
  guint n = m->pairs->len;
  g_autofree guint32 *li = g_new (guint32, MAX (n, 1)), *ri = g_new (guint32, MAX (n, 1));
  for (guint k = 0; k < n; k++)
    {
      li[k] = g_array_index (m->pairs, ReconPair, k).left;
      ri[k] = g_array_index (m->pairs, ReconPair, k).right;
    }
  *left = g_new0 (ReconCharge, MAX (n, 1));
  *right = g_new0 (ReconCharge, MAX (n, 1));
  reconcilecharge_rate (charger, l, li, n, *left);
  reconcilecharge_rate (charger, r, ri, n, *right);
  *out_charger = g_steal_pointer (&charger);
  return TRUE;
}

typedef struct {
  char *left, *right, *out, *op, *country, *area_code, *tz, *direction_by;
  gint tolerance, duration_tolerance;
  gboolean no_charges;
  char **inbound, **outbound, **internal;
} Args;

static void
args_clear (Args *a)
{
  g_free (a->left), g_free (a->right), g_free (a->out), g_free (a->op);
  g_free (a->country), g_free (a->area_code), g_free (a->tz), g_free (a->direction_by);
  g_strfreev (a->inbound), g_strfreev (a->outbound), g_strfreev (a->internal);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Args, args_clear)

static gboolean
parse_args (Args *a, int argc, char **argv, GError **error)
{
  const GOptionEntry entries[] = {
    { "left", 0, 0, G_OPTION_ARG_FILENAME, &a->left, "The left source (e.g. the operator's SBC CDRs)", "FILE[:FMT]" },
    { "right", 0, 0, G_OPTION_ARG_FILENAME, &a->right, "The right source (e.g. the Teams export)", "FILE[:FMT]" },
    { "tolerance-seconds", 0, 0, G_OPTION_ARG_INT, &a->tolerance, "Largest start difference of a time match (default 5)", "N" },
    { "duration-tolerance", 0, 0, G_OPTION_ARG_INT, &a->duration_tolerance, "Largest duration difference that is no mismatch (default 0)", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &a->out, "Directory for the result files (created)", "DIR" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &a->op, "Operator of the calls, for charges (else the records' operator column)", "OP" },
    { "country", 0, 0, G_OPTION_ARG_STRING, &a->country, "Numbering context for national numbers (ISO 3166)", "CC" },
    { "area-code", 0, 0, G_OPTION_ARG_STRING, &a->area_code,
      "Area code of local numbers written without it (needs --country)", "CODE" },
    { "tz", 0, 0, G_OPTION_ARG_STRING, &a->tz, "Zone of timestamps written without an offset (IANA)", "ZONE" },
    { "direction-by", 0, 0, G_OPTION_ARG_STRING, &a->direction_by, "PBX formats: dcontext (default) or shape", "RULE" },
    CMD_CONTEXT_OPTIONS (a->inbound, a->outbound, a->internal),
    { "no-charges", 0, 0, G_OPTION_ARG_NONE, &a->no_charges, "Do not compare charges even when the database exists", NULL },
    { NULL }
  };
  a->tolerance = 5;
  if (!cmd_parse_options_described ("reconcile", "--left FILE[:FMT] --right FILE[:FMT] --out DIR", description, entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return cmd_usage_error (error, "reconcile: unexpected argument (give --left and --right)");
  if (!a->left || !a->right || !a->out)
    return cmd_usage_error (error, "reconcile: --left, --right and --out are required");
  if (a->tolerance < 0 || a->duration_tolerance < 0)
    return cmd_usage_error (error, "reconcile: tolerances cannot be negative");
  return TRUE;
}

static void
summary_line (const RaterContext *ctx, const ReconSide *l, const ReconSide *r, const ReconMatch *m,
              const ReconcileOutStats *os, gboolean priced)
{
  g_autofree char *charges = priced ? g_strdup_printf ("%" G_GUINT64_FORMAT, os->charge_mismatch)
                                    : g_strdup ("(not compared)");
  cmd_summary (ctx, "reconciled %" G_GUINT64_FORMAT " left and %" G_GUINT64_FORMAT " right calls: %u"
               " matched (%" G_GUINT64_FORMAT " by key, %" G_GUINT64_FORMAT " by time), %u left-only,"
               " %u right-only, %" G_GUINT64_FORMAT " duration mismatches, %s charge mismatches, %"
               G_GUINT64_FORMAT " rejects",
               l->stats.calls, r->stats.calls, m->pairs->len, m->by_key, m->by_time,
               m->left_only->len, m->right_only->len, os->duration_mismatch, charges,
               l->stats.rejects + r->stats.rejects);
}

gboolean
cmd_reconcile (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_auto(Args) a = { 0 };
  if (!parse_args (&a, argc, argv, error))
    return FALSE;
  ReconcileReadOptions ro = {
    .operator_slug = a.op, .country = a.country, .tz = a.tz,
    .contexts = { a.inbound, a.outbound, a.internal }, .max_reported = INGEST_REJECTS_SHOWN,
    .area_code = a.area_code,
  };
  if (!cmd_direction_by ("reconcile", a.direction_by, &ro.direction_by, error))
    return FALSE;
  g_autofree char *lpath = NULL, *lfmt = NULL, *rpath = NULL, *rfmt = NULL;
  split_spec (a.left, &lpath, &lfmt);
  split_spec (a.right, &rpath, &rfmt);

  g_autoptr(ReconSide) left = NULL;
  g_autoptr(ReconSide) right = NULL;
  if (!reconcile_read_pair (lpath, lfmt, rpath, rfmt, &ro, &left, &right, error))
    return FALSE;
  report_rejects (left, ro.max_reported);
  report_rejects (right, ro.max_reported);
  g_autoptr(ReconMatch) match = reconcile_match (left, right, (gint64) a.tolerance * 1000);

  g_autoptr(ReconCharger) charger = NULL;
  g_autofree ReconCharge *lc = NULL, *rc = NULL;
  g_autofree char *skipped = a.no_charges ? g_strdup ("--no-charges") : NULL;
  if (!a.no_charges && !price_pairs (ctx, left, right, match, &charger, &lc, &rc, &skipped, error))
    return FALSE;
  ReconcileOutOptions oo = { (gint64) a.tolerance * 1000, a.duration_tolerance, lc, rc, skipped };
  ReconcileOutStats os;
  if (!reconcileout_write (a.out, left, right, match, &oo, &os, error))
    return FALSE;
  summary_line (ctx, left, right, match, &os, lc != NULL);
  ctx->status = left->stats.rejects + right->stats.rejects > 0 ? 1 : 0;
  return TRUE;
}
