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
#include "base/store.h"
#include "report/report.h"
#include "report/reportset.h"

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

/* The names of the reports, joined by SEP and before the last by LAST. */
static char *
report_names (const char *sep, const char *last)
{
  guint n;
  const ReportSetEntry *entries = reportset_entries (&n);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 == n ? last : sep, entries[i].name);
  return g_string_free (s, FALSE);
}

/* The --help text after the options: the reports of the table, then how
 * the format is chosen and what the figures are. */
static char *
report_help (void)
{
  guint n;
  const ReportSetEntry *entries = reportset_entries (&n);
  GString *s = g_string_new ("Reports:\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "  %s %s\n      %s\n", entries[i].name, entries[i].synopsis,
                            entries[i].help);
  g_string_append (s,
    "\n"
    "Format: --format csv|json; without it, JSON when --out ends in .json, else CSV.\n"
    "Without --out a report goes to standard output (and no summary line is printed).\n"
    "Only rated calls have a cost; minutes are billable seconds / 60 rounded half up to\n"
    "2 decimals; costs are exact sums of call charges with 6 decimals.");
  return g_string_free (s, FALSE);
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
  g_autofree char *help = report_help ();
  g_autofree char *names = report_names ("|", "|");
  g_autofree char *parameter = g_strdup_printf ("%s --period YYYY-MM", names);
  if (!cmd_parse_options_described ("report", parameter, help, entries, argc, argv, error))
    return FALSE;
  if (*argc != 2)
    {
      g_autofree char *list = report_names (", ", ", ");
      return cmd_usage_error (error, "report: give one of %s (try --help)", list);
    }
  if (!a->period)
    return cmd_usage_error (error, "report: --period YYYY-MM is required");
  if (a->prefix_digits < 0 || a->prefix_digits > 15)
    return cmd_usage_error (error, "report: --prefix-digits takes 1 to 15");
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
    return cmd_usage_error (error, "report: --format takes csv or json");
  return TRUE;
}

static gboolean
parse_by (const char *by, ReportUsageBy *out, GError **error)
{
  if (!by)
    return cmd_usage_error (error, "report: usage needs --by user|destination|day");
  if (!reportset_parse_by (by, out))
    return cmd_usage_error (error, "report: --by takes user, destination or day");
  return TRUE;
}

/* Refuse options that mean nothing to ENTRY. */
static gboolean
check_options (const ReportArgs *a, const ReportSetEntry *entry, GError **error)
{
  const struct {
    const char *option;
    gboolean given;
    ReportSetTakes takes;
  } options[] = {
    { "--account", a->account != NULL, REPORTSET_TAKES_ACCOUNT },
    { "--operator", a->op != NULL, REPORTSET_TAKES_OPERATOR },
    { "--by", a->by != NULL, REPORTSET_TAKES_BY },
    { "--prefix-digits", a->prefix_digits != 0, REPORTSET_TAKES_PREFIX },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    if (options[i].given && !(entry->takes & options[i].takes))
      {
        g_autofree char *names = reportset_names_taking (options[i].takes);
        return cmd_usage_error (error, "report: %s applies to %s", options[i].option, names);
      }
  if (entry->kind == REPORTSET_CHARTS && (!a->out || a->format))
    return cmd_usage_error (error, "report: %s needs --out DIR and writes SVG", entry->name);
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
    cmd_summary (ctx, "reported %s%s%s for %s: %" G_GUINT64_FORMAT " rows to '%s'", t->name,
                 a->by ? " by " : "", a->by ? a->by : "", a->period, t->n_rows, a->out);
}

/* Make ENTRY's query from the options (the format and the usage key are
 * read only now, after the database opened, as they always were). */
static gboolean
make_query (const ReportArgs *a, const ReportSetEntry *entry, ReportQuery *q,
            ReportFormat *format, GError **error)
{
  *q = (ReportQuery) { .period = a->period, .account = a->account, .operator_slug = a->op,
                       .prefix_digits = (guint) a->prefix_digits };
  *format = REPORT_FORMAT_CSV;
  if (entry->kind == REPORTSET_TABLE && !parse_format (a, format, error))
    return FALSE;
  return !(entry->takes & REPORTSET_TAKES_BY) || parse_by (a->by, &q->by, error);
}

static gboolean
run_report (RaterContext *ctx, StoreDb *db, const ReportArgs *a, const ReportSetEntry *entry,
            GError **error)
{
  ReportQuery q;
  ReportFormat format;
  g_autoptr(ReportTable) t = NULL;
  guint n = 0;
  if (!make_query (a, entry, &q, &format, error)
      || !reportset_write (entry, db, &q, a->out, format, &t, &n, error))
    return FALSE;
  if (t)
    table_summary (ctx, a, t);
  else
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
  const ReportSetEntry *entry = reportset_find (argv[1]);
  if (!entry)
    {
      g_autofree char *list = report_names (", ", " or ");
      return cmd_usage_error (error, "report: unknown report (%s)", list);
    }
  if (!check_options (&a, entry, error))
    return FALSE;
  g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
  return db && run_report (ctx, db, &a, entry, error);
}
