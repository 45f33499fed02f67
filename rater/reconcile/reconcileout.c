/* reconcileout.c — writing the reconciliation CSVs and summary.json.
 *
 * The pair files are written in one pass over the pairs (already in output
 * order), each row going to matched.csv and, when it qualifies, to the
 * mismatch files; the one-side files from the match's index lists.  The
 * summary is built with json-glib (rater-json.h) and written last, so its
 * presence means the other files are complete.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "base/decimal.h"
#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/rater-json.h"
#include "base/timeparse.h"
#include "reconcile/reconcileout.h"

#define PAIR_COLUMNS "left_key,right_key,matched_by,caller,callee,direction,left_start," \
  "right_start,start_delta_ms,left_duration,right_duration,duration_delta"
#define CHARGE_COLUMNS PAIR_COLUMNS ",left_account,right_account,left_status,right_status," \
  "left_charge,right_charge,charge_delta"
#define ONLY_COLUMNS "key,line,direction,caller,callee,start,duration,answered"

static const char *const status_names[] = { "rated", "free", "unanswered", "unrated" };

typedef struct {
  const ReconSide *left, *right;
  const ReconMatch *match;
  const ReconcileOutOptions *opts;
  ReconcileOutStats *stats;
} Writer;

static const ReconRecord *
record (const ReconSide *side, guint32 i)
{
  return &g_array_index (side->records, ReconRecord, i);
}

static OutFile *
open_csv (const char *dir, const char *name, const char *columns, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  OutFile *out = outfile_open (path, error);
  if (out)
    outfile_csv_header (out, columns);
  return out;
}

static void
field_text (OutFile *out, CdrText t)
{
  outfile_csv_field (out, t.p, (gssize) t.len);
}

static void
field_number (OutFile *out, const RaterNumber *n)
{
  char buf[NUMBER_MAX_DIGITS + 2];
  g_strlcpy (buf, n->digits, sizeof buf);
  if (n->masked)
    buf[n->len] = '*', buf[n->len + 1] = '\0';
  outfile_csv_field (out, buf, -1);
}

static void
field_time (OutFile *out, gint64 ms)
{
  char buf[32];
  outfile_csv_field (out, time_format_utc (ms, buf), -1);
}

static void
field_money (OutFile *out, gint64 micro)
{
  char buf[32];
  outfile_csv_field (out, decimal_format (micro, 6, buf), -1);
}

/* The number to show for a pair: the left one unless only it is masked. */
static const RaterNumber *
pair_number (const RaterNumber *l, const RaterNumber *r)
{
  return l->masked && !r->masked ? r : l;
}

static void
pair_fields (const Writer *w, OutFile *out, const ReconPair *p)
{
  const ReconRecord *l = record (w->left, p->left), *r = record (w->right, p->right);
  field_text (out, reconcile_record_key (w->left, l));
  field_text (out, reconcile_record_key (w->right, r));
  outfile_csv_field (out, p->by_key ? "key" : "time", -1);
  field_number (out, pair_number (&l->caller, &r->caller));
  field_number (out, pair_number (&l->callee, &r->callee));
  outfile_csv_field (out, l->direction == CDR_IN ? "in" : "out", -1);
  field_time (out, l->start_ms);
  field_time (out, r->start_ms);
  outfile_csv_int (out, p->delta_ms);
  outfile_csv_int (out, l->duration);
  outfile_csv_int (out, r->duration);
  outfile_csv_int (out, r->duration - l->duration);
}

static void
charge_fields (OutFile *out, const ReconCharge *l, const ReconCharge *r)
{
  outfile_csv_field (out, l->account ? l->account : "", -1);
  outfile_csv_field (out, r->account ? r->account : "", -1);
  outfile_csv_field (out, status_names[l->status], -1);
  outfile_csv_field (out, status_names[r->status], -1);
  field_money (out, l->charge);
  field_money (out, r->charge);
  field_money (out, r->charge - l->charge);
}

/* Compared when at least one side rated; a mismatch when they differ. */
static gboolean
charge_mismatch (const Writer *w, guint k)
{
  if (!w->opts->left_charges)
    return FALSE;
  const ReconCharge *l = &w->opts->left_charges[k], *r = &w->opts->right_charges[k];
  if (l->status == RATE_UNRATED && r->status == RATE_UNRATED)
    return FALSE;
  w->stats->charge_compared++;
  return l->status != r->status || l->charge != r->charge;
}

static void
pair_row (const Writer *w, guint k, OutFile *matched, OutFile *durations, OutFile *charges)
{
  const ReconPair *p = &g_array_index (w->match->pairs, ReconPair, k);
  gint64 dd = record (w->right, p->right)->duration - record (w->left, p->left)->duration;
  pair_fields (w, matched, p);
  outfile_csv_end_row (matched);
  if (ABS (dd) > w->opts->duration_tolerance)
    {
      w->stats->duration_mismatch++;
      pair_fields (w, durations, p);
      outfile_csv_end_row (durations);
    }
  if (charge_mismatch (w, k))
    {
      w->stats->charge_mismatch++;
      pair_fields (w, charges, p);
      charge_fields (charges, &w->opts->left_charges[k], &w->opts->right_charges[k]);
      outfile_csv_end_row (charges);
    }
}

static gboolean
write_pairs (const Writer *w, const char *dir, GError **error)
{
  g_autoptr(OutFile) matched = open_csv (dir, "matched.csv", PAIR_COLUMNS, error);
  g_autoptr(OutFile) durations = matched ? open_csv (dir, "duration-mismatch.csv", PAIR_COLUMNS, error) : NULL;
  g_autoptr(OutFile) charges = durations ? open_csv (dir, "charge-mismatch.csv", CHARGE_COLUMNS, error) : NULL;
  if (!charges)
    return FALSE;
  for (guint k = 0; k < w->match->pairs->len; k++)
    pair_row (w, k, matched, durations, charges);
  return outfile_commit (matched, error) && outfile_commit (durations, error)
         && outfile_commit (charges, error);
}

static gboolean
write_only (const ReconSide *side, const GArray *only, const char *dir, const char *name,
            GError **error)
{
  g_autoptr(OutFile) out = open_csv (dir, name, ONLY_COLUMNS, error);
  if (!out)
    return FALSE;
  for (guint k = 0; k < only->len; k++)
    {
      const ReconRecord *r = record (side, g_array_index (only, guint32, k));
      field_text (out, reconcile_record_key (side, r));
      outfile_csv_int (out, (gint64) r->line);
      outfile_csv_field (out, r->direction == CDR_IN ? "in" : "out", -1);
      field_number (out, &r->caller);
      field_number (out, &r->callee);
      field_time (out, r->start_ms);
      outfile_csv_int (out, r->duration);
      outfile_csv_field (out, r->answered ? "true" : "false", -1);
      outfile_csv_end_row (out);
    }
  return outfile_commit (out, error);
}

/* ---- summary.json ---- */

/* SECONDS as minutes with 2 decimals, as a JSON string ("12.50"). */
static void
json_minutes (JsonBuilder *b, const char *name, guint64 seconds)
{
  char buf[32];
  gint64 micro = decimal_mul_div_round_half_up ((gint64) seconds, DECIMAL_MICRO, 60);
  rater_json_string (b, name, decimal_format (micro, 2, buf));
}

static guint64
only_seconds (const ReconSide *side, const GArray *only)
{
  guint64 total = 0;
  for (guint k = 0; k < only->len; k++)
    total += (guint64) record (side, g_array_index (only, guint32, k))->duration;
  return total;
}

static void
json_side (JsonBuilder *b, const char *name, const ReconSide *side, const GArray *only,
           guint64 matched_seconds)
{
  const ReconSideStats *st = &side->stats;
  guint64 os = only_seconds (side, only);
  rater_json_begin_object (b, name);
  rater_json_string (b, "file", side->path);
  rater_json_string (b, "format", side->format);
  rater_json_int (b, "records", (gint64) st->records);
  rater_json_int (b, "calls", (gint64) st->calls);
  rater_json_int (b, "duplicates", (gint64) st->duplicates);
  rater_json_int (b, "rejects", (gint64) st->rejects);
  rater_json_int (b, "ignored", (gint64) st->ignored);
  rater_json_int (b, "seconds", (gint64) st->seconds);
  json_minutes (b, "minutes", st->seconds);
  rater_json_int (b, "matched_seconds", (gint64) matched_seconds);
  json_minutes (b, "matched_minutes", matched_seconds);
  rater_json_int (b, "only", only->len);
  rater_json_int (b, "only_seconds", (gint64) os);
  json_minutes (b, "only_minutes", os);
  json_builder_end_object (b);
}

static void
json_charges (JsonBuilder *b, const Writer *w)
{
  rater_json_begin_object (b, "charges");
  rater_json_bool (b, "compared", w->opts->left_charges != NULL);
  if (w->opts->left_charges)
    {
      rater_json_int (b, "pairs", (gint64) w->stats->charge_compared);
      rater_json_int (b, "mismatch", (gint64) w->stats->charge_mismatch);
      rater_json_int (b, "unrated_pairs",
                      (gint64) (w->match->pairs->len - w->stats->charge_compared));
    }
  else
    rater_json_string (b, "reason", w->opts->charges_skipped ? w->opts->charges_skipped : "");
  json_builder_end_object (b);
}

/* The talk seconds of the matched calls of each side. */
static void
matched_seconds (const Writer *w, guint64 *left, guint64 *right)
{
  *left = *right = 0;
  for (guint k = 0; k < w->match->pairs->len; k++)
    {
      const ReconPair *p = &g_array_index (w->match->pairs, ReconPair, k);
      *left += (guint64) record (w->left, p->left)->duration;
      *right += (guint64) record (w->right, p->right)->duration;
    }
}

static void
summary_json (JsonBuilder *b, const Writer *w)
{
  guint64 ls, rs;
  matched_seconds (w, &ls, &rs);
  json_builder_begin_object (b);
  json_side (b, "left", w->left, w->match->left_only, ls);
  json_side (b, "right", w->right, w->match->right_only, rs);
  rater_json_int (b, "tolerance_seconds", w->opts->tolerance_ms / 1000);
  rater_json_int (b, "duration_tolerance_seconds", w->opts->duration_tolerance);
  rater_json_int (b, "matched", w->match->pairs->len);
  rater_json_int (b, "matched_by_key", (gint64) w->match->by_key);
  rater_json_int (b, "matched_by_time", (gint64) w->match->by_time);
  rater_json_int (b, "left_only", w->match->left_only->len);
  rater_json_int (b, "right_only", w->match->right_only->len);
  rater_json_int (b, "duration_mismatch", (gint64) w->stats->duration_mismatch);
  json_charges (b, w);
  json_builder_end_object (b);
}

static gboolean
write_summary (const Writer *w, const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  summary_json (b, w);
  return rater_json_write (b, path, error);
}

gboolean
reconcileout_write (const char *dir, const ReconSide *left, const ReconSide *right,
                    const ReconMatch *match, const ReconcileOutOptions *opts,
                    ReconcileOutStats *stats, GError **error)
{
  Writer w = { left, right, match, opts, stats };
  *stats = (ReconcileOutStats) { 0 };
  if (!outfile_mkdir (dir, error))
    return FALSE;
  return write_pairs (&w, dir, error)
         && write_only (left, match->left_only, dir, "left-only.csv", error)
         && write_only (right, match->right_only, dir, "right-only.csv", error)
         && write_summary (&w, dir, error);
}
