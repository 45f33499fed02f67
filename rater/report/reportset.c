/* reportset.c — the table of reports (reportset.h) and the one way to run
 * and write an entry of it.
 *
 * entries[] is the list `rater report` dispatches on and the nightly run
 * writes; by_names[] names the keys of the usage report, which the full
 * names ("usage-user") spell after a dash.
 */
#include "config.h"

#include <string.h>

#include "report/report.h"
#include "report/reportchart.h"
#include "report/reportset.h"

static const ReportSetEntry entries[] = {
  { "usage", "--by user|destination|day [--account A]",
    "calls, seconds, minutes and cost per account and user, destination or day",
    REPORTSET_TABLE, REPORTSET_TAKES_ACCOUNT | REPORTSET_TAKES_BY, report_usage_to },
  { "kpi", "[--operator OP]",
    "attempts, answered, ASR, ACD, minutes, revenue per operator, day, direction, group (* = all)",
    REPORTSET_TABLE, REPORTSET_TAKES_OPERATOR, report_kpi_to },
  { "exceptions", "[--prefix-digits N]",
    "unrated calls by reason and number prefix; every stored reject by file and reason",
    REPORTSET_TABLE, REPORTSET_TAKES_PREFIX, report_exceptions_to },
  { "chart", "--out DIR [--account A]",
    "DIR/ACCOUNT-PERIOD.svg: daily minutes and cost of each account",
    REPORTSET_CHARTS, REPORTSET_TAKES_ACCOUNT, NULL },
};

/* ReportUsageBy in enum order. */
static const char *const by_names[] = { "user", "destination", "day" };

const ReportSetEntry *
reportset_entries (guint *n_entries)
{
  *n_entries = G_N_ELEMENTS (entries);
  return entries;
}

const ReportSetEntry *
reportset_find (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_str_equal (entries[i].name, name))
      return &entries[i];
  return NULL;
}

char *
reportset_names_taking (unsigned takes)
{
  guint n = 0, total = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    total += (entries[i].takes & takes) == takes;
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    if ((entries[i].takes & takes) == takes)
      {
        n++;
        g_string_append_printf (s, "%s%s", n == 1 ? "" : n == total ? " and " : ", ",
                                entries[i].name);
      }
  return g_string_free (s, FALSE);
}

gboolean
reportset_parse_by (const char *text, ReportUsageBy *by)
{
  for (gsize i = 0; i < G_N_ELEMENTS (by_names); i++)
    if (g_str_equal (by_names[i], text))
      return *by = (ReportUsageBy) i, TRUE;
  return FALSE;
}

char **
reportset_names (void)
{
  GPtrArray *names = g_ptr_array_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    if (entries[i].takes & REPORTSET_TAKES_BY)
      for (gsize k = 0; k < G_N_ELEMENTS (by_names); k++)
        g_ptr_array_add (names, g_strdup_printf ("%s-%s", entries[i].name, by_names[k]));
    else
      g_ptr_array_add (names, g_strdup (entries[i].name));
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

gboolean
reportset_parse_name (const char *name, const ReportSetEntry **entry, ReportUsageBy *by)
{
  const char *dash = strchr (name, '-');
  g_autofree char *head = dash ? g_strndup (name, (gsize) (dash - name)) : g_strdup (name);
  const ReportSetEntry *e = reportset_find (head);
  if (!e || !(e->takes & REPORTSET_TAKES_BY) != !dash || (dash && !reportset_parse_by (dash + 1, by)))
    return FALSE;
  *entry = e;
  return TRUE;
}

/* ENTRY made and written to OUT as CSV in one go, row by row; *TABLE (when
 * not NULL) receives the table without its rows (n_rows counts them). */
static gboolean
stream_table (const ReportSetEntry *entry, StoreDb *db, const ReportQuery *query,
              const char *out, ReportTable **table, guint *n_files, GError **error)
{
  g_autoptr(ReportCsvWriter) w = report_csv_open (out, error);
  if (!w)
    return FALSE;
  g_autoptr(ReportTable) t = entry->query (db, query, report_csv_sink (w), error);
  if (!t || !report_csv_commit (w, t, error))
    return FALSE;
  *n_files = out ? 1 : 0;
  if (table)
    *table = g_steal_pointer (&t);
  return TRUE;
}

static gboolean
write_table (const ReportSetEntry *entry, StoreDb *db, const ReportQuery *query,
             const char *out, ReportFormat format, ReportTable **table, guint *n_files,
             GError **error)
{
  /* a CSV streams, also for the command line, which only counts its rows;
   * but the exceptions, few rows, are kept: their summary counts them by kind */
  if (format == REPORT_FORMAT_CSV && (!table || !g_str_equal (entry->name, "exceptions")))
    return stream_table (entry, db, query, out, table, n_files, error);
  g_autoptr(ReportTable) t = entry->query (db, query, NULL, error);
  if (!t || !report_write (t, out, format, error))
    return FALSE;
  *n_files = out ? 1 : 0;
  if (table)
    *table = g_steal_pointer (&t);
  return TRUE;
}

gboolean
reportset_write (const ReportSetEntry *entry, StoreDb *db, const ReportQuery *query,
                 const char *out, ReportFormat format, ReportTable **table, guint *n_files,
                 GError **error)
{
  g_return_val_if_fail (entry && db && query && n_files, FALSE);
  if (table)
    *table = NULL;
  *n_files = 0;
  switch (entry->kind)
    {
    case REPORTSET_TABLE:
      return write_table (entry, db, query, out, format, table, n_files, error);
    case REPORTSET_CHARTS:
      g_return_val_if_fail (out, FALSE);
      return reportchart_write_all (db, query, out, n_files, error);
    }
  g_assert_not_reached ();
}
