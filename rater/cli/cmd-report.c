/* cmd-report.c — 'rater report usage|kpi|exceptions|chart': aggregate
 * reports of a period as CSV or JSON, and per-account SVG charts.
 *
 * The format is --format when given, else JSON when --out ends in ".json",
 * else CSV.  Files are written to a temporary name and renamed into place
 * (outfile.h).  The summary line is printed only when the report goes to a
 * file: on standard output it would be mixed into the report.
 */
#include "config.h"


#include "cli/cmd.h"
#include "base/rater-error.h"
#include "report/report.h"
#include "report/reportchart.h"
#include "base/store.h"

typedef struct {
  char *period, *account, *op, *by, *out, *format;
  int prefix_digits;
} ReportArgs;

static void
report_args_clear (ReportArgs *a)
{
  g_free (a->period);
  g_free (a->account);
  g_free (a->op);
  g_free (a->by);
  g_free (a->out);
  g_free (a->format);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReportArgs, report_args_clear)

static const char description[] =
  "Reports:\n"
  "  usage --by user|destination|day [--account A]   calls, seconds, minutes, cost per account\n"
  "  kpi [--operator OP]          attempts, answered, ASR, ACD, minutes, revenue per\n"
  "                               operator, day, direction and group (group * = all)\n"
  "  exceptions [--prefix-digits N]  unrated calls by reason and number prefix; rejects\n"
  "                               by file and reason (all stored rejects)\n"
  "  chart --out DIR [--account A]   DIR/ACCOUNT-PERIOD.svg: daily minutes and cost\n"
  "\n"
  "Format: --format csv|json; without it, JSON when --out ends in .json, else CSV.\n"
  "Without --out a report goes to standard output (and no summary line is printed).\n"
  "Only rated calls have a cost; minutes are billable seconds / 60 rounded half up to\n"
  "2 decimals; costs are exact sums of call charges with 6 decimals.";

static gboolean
usage_fail (GError **error, const char *message)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "report: %s", message);
  return FALSE;
}

static gboolean
parse_args (ReportArgs *a, int *argc, char ***argv, GError **error)
{
  const GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &a->period, "The period (required)", "YYYY-MM" },
    { "account", 0, 0, G_OPTION_ARG_STRING, &a->account, "usage, chart: only this account", "A" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &a->op, "kpi: only this operator", "OP" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &a->by, "usage: user, destination or day", "KEY" },
    { "prefix-digits", 0, 0, G_OPTION_ARG_INT, &a->prefix_digits,
      "exceptions: leading digits to group numbers by (default 5)", "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a->out,
      "Output file (default: standard output); chart: output directory", "FILE" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &a->format, "csv or json (see below)", "FMT" },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new ("usage|kpi|exceptions|chart --period YYYY-MM");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc, description);
  if (!g_option_context_parse (oc, argc, argv, error))
    {
      g_prefix_error (error, "report: ");
      return FALSE;
    }
  if (*argc != 2)
    return usage_fail (error, "give one of usage, kpi, exceptions, chart (try --help)");
  if (!a->period)
    return usage_fail (error, "--period YYYY-MM is required");
  if (a->prefix_digits < 0 || a->prefix_digits > 15)
    return usage_fail (error, "--prefix-digits takes 1 to 15");
  return TRUE;
}

static gboolean
parse_format (const ReportArgs *a, ReportFormat *format, GError **error)
{
  if (!a->format)
    *format = a->out && g_str_has_suffix (a->out, ".json") ? REPORT_FORMAT_JSON : REPORT_FORMAT_CSV;
  else if (g_str_equal (a->format, "csv"))
    *format = REPORT_FORMAT_CSV;
  else if (g_str_equal (a->format, "json"))
    *format = REPORT_FORMAT_JSON;
  else
    return usage_fail (error, "--format takes csv or json");
  return TRUE;
}

static gboolean
parse_by (const char *by, ReportUsageBy *out, GError **error)
{
  if (!by)
    return usage_fail (error, "usage needs --by user|destination|day");
  if (g_str_equal (by, "user"))
    *out = REPORT_BY_USER;
  else if (g_str_equal (by, "destination"))
    *out = REPORT_BY_DESTINATION;
  else if (g_str_equal (by, "day"))
    *out = REPORT_BY_DAY;
  else
    return usage_fail (error, "--by takes user, destination or day");
  return TRUE;
}

/* Refuse options that mean nothing to REPORT. */
static gboolean
check_options (const ReportArgs *a, const char *report, GError **error)
{
  gboolean usage = g_str_equal (report, "usage"), chart = g_str_equal (report, "chart");
  if (a->account && !usage && !chart)
    return usage_fail (error, "--account applies to usage and chart");
  if (a->op && !g_str_equal (report, "kpi"))
    return usage_fail (error, "--operator applies to kpi");
  if (a->by && !usage)
    return usage_fail (error, "--by applies to usage");
  if (a->prefix_digits && !g_str_equal (report, "exceptions"))
    return usage_fail (error, "--prefix-digits applies to exceptions");
  if (chart && (!a->out || a->format))
    return usage_fail (error, "chart needs --out DIR and writes SVG");
  return TRUE;
}

static guint64
count_rows (const ReportTable *t, const char *kind)
{
  guint64 n = 0;
  for (guint r = 0; r < t->rows->len; r++)
    if (g_str_equal (report_cell (t, r, "kind"), kind))
      {
        guint64 v = 0;
        g_ascii_string_to_unsigned (report_cell (t, r, "count"), 10, 0, G_MAXUINT64, &v, NULL);
        n += v;
      }
  return n;
}

static void
table_summary (RaterContext *ctx, const ReportArgs *a, const ReportTable *t)
{
  if (!a->out)
    return;
  if (g_str_equal (t->name, "exceptions"))
    cmd_summary (ctx, "reported exceptions for %s: %" G_GUINT64_FORMAT " unrated calls, %"
                 G_GUINT64_FORMAT " rejects to '%s'", a->period, count_rows (t, "unrated"),
                 count_rows (t, "reject"), a->out);
  else
    cmd_summary (ctx, "reported %s%s%s for %s: %u rows to '%s'", t->name, a->by ? " by " : "",
                 a->by ? a->by : "", a->period, t->rows->len, a->out);
}

static gboolean
run_table (RaterContext *ctx, sqlite3 *db, const ReportArgs *a, const char *report,
           GError **error)
{
  ReportQuery q = { .period = a->period, .account = a->account, .operator_slug = a->op,
                    .prefix_digits = (guint) a->prefix_digits };
  ReportFormat format;
  g_autoptr(ReportTable) t = NULL;
  if (!parse_format (a, &format, error))
    return FALSE;
  if (g_str_equal (report, "usage"))
    t = parse_by (a->by, &q.by, error) ? report_usage (db, &q, error) : NULL;
  else if (g_str_equal (report, "kpi"))
    t = report_kpi (db, &q, error);
  else
    t = report_exceptions (db, &q, error);
  if (!t || !report_write (t, a->out, format, error))
    return FALSE;
  table_summary (ctx, a, t);
  return TRUE;
}

static gboolean
run_chart (RaterContext *ctx, sqlite3 *db, const ReportArgs *a, GError **error)
{
  ReportQuery q = { .period = a->period, .account = a->account };
  guint n = 0;
  if (!reportchart_write_all (db, &q, a->out, &n, error))
    return FALSE;
  cmd_summary (ctx, "charted %u account%s for %s in '%s'", n, n == 1 ? "" : "s", a->period,
               a->out);
  return TRUE;
}

gboolean
cmd_report (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_auto(ReportArgs) a = { 0 };
  if (!parse_args (&a, &argc, &argv, error))
    return FALSE;
  const char *report = argv[1];
  if (!(g_str_equal (report, "usage") || g_str_equal (report, "kpi")
        || g_str_equal (report, "exceptions") || g_str_equal (report, "chart")))
    return usage_fail (error, "unknown report (usage, kpi, exceptions or chart)");
  if (!check_options (&a, report, error))
    return FALSE;
  g_autoptr(sqlite3) db = cmd_open_db (ctx, error);
  if (!db)
    return FALSE;
  if (g_str_equal (report, "chart"))
    return run_chart (ctx, db, &a, error);
  return run_table (ctx, db, &a, report, error);
}
