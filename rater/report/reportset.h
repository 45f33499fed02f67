/* reportset.h — the table of reports: every report rater writes, by name.
 *
 * One entry per report `rater report` runs (usage, kpi, exceptions, chart):
 * its name, its one-line help, the ReportQuery fields it reads beyond the
 * period, and how it is made — a ReportTable query written as CSV or JSON
 * (report.h), or one SVG chart per account (reportchart.h).  The command
 * and the nightly run both go through this table, so a new report is one
 * new row here.
 *
 * The usage report takes a key (ReportQuery.by); the nightly config names
 * each key as its own report, "usage-user", "usage-destination",
 * "usage-day": those are the full names (reportset_names).
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "report/report.h"

typedef enum {
  REPORTSET_TABLE,              /* a ReportTable, one CSV or JSON file (or stdout) */
  REPORTSET_CHARTS,             /* one SVG per account, in a directory */
} ReportSetKind;

/* The ReportQuery fields a report reads beyond the period. */
typedef enum {
  REPORTSET_TAKES_ACCOUNT = 1 << 0,     /* .account */
  REPORTSET_TAKES_OPERATOR = 1 << 1,    /* .operator_slug */
  REPORTSET_TAKES_BY = 1 << 2,          /* .by (required) */
  REPORTSET_TAKES_PREFIX = 1 << 3,      /* .prefix_digits */
} ReportSetTakes;

typedef struct {
  const char *name;             /* "usage", "kpi", "exceptions", "chart" */
  const char *synopsis;         /* its options, for help: "--by user|destination|day [--account A]" */
  const char *help;             /* one line */
  ReportSetKind kind;
  unsigned takes;               /* ReportSetTakes */
  /* REPORTSET_TABLE: the query (report.h), its rows to SINK (NULL: kept in
   * the table); NULL for REPORTSET_CHARTS */
  ReportTable *(*query) (StoreDb *db, const ReportQuery *query, ReportSink *sink,
                         GError **error);
} ReportSetEntry;

/* The entries, in table order; *N_ENTRIES receives their count. */
const ReportSetEntry *reportset_entries (guint *n_entries);

/* The entry named NAME ("usage"), or NULL. */
const ReportSetEntry *reportset_find (const char *name);

/* The names of the entries that take every field of TAKES, joined as
 * "a", "a and b", "a, b and c" (for messages).  Free with g_free. */
char *reportset_names_taking (unsigned takes);

/* The usage key named TEXT ("user", "destination", "day") in *BY; FALSE
 * when TEXT names none. */
gboolean reportset_parse_by (const char *text, ReportUsageBy *by);

/* Every full name, in table order: "usage-user", "usage-destination",
 * "usage-day", "kpi", "exceptions", "chart".  Free with g_strfreev. */
char **reportset_names (void);

/* The entry of the full name NAME in *ENTRY, and for usage its key in *BY
 * (left alone otherwise); FALSE when NAME is no full name. */
gboolean reportset_parse_name (const char *name, const ReportSetEntry **entry, ReportUsageBy *by);

/* Make ENTRY for QUERY and write it: a table to the file OUT (NULL: stdout)
 * as FORMAT, charts as OUT/<account>-<period>.svg (OUT required, created
 * when missing; FORMAT ignored).  *N_FILES receives the count of files
 * written (0 for a table on stdout).  TABLE, when not NULL, receives the
 * table written (NULL for charts), owned by the caller.  A CSV is written
 * while it is made, its rows never held in memory (TABLE then has no rows,
 * only n_rows) — but for the exceptions, whose rows TABLE keeps.  The errors of
 * report.h and reportchart.h. */
gboolean reportset_write (const ReportSetEntry *entry, StoreDb *db, const ReportQuery *query,
                          const char *out, ReportFormat format, ReportTable **table,
                          guint *n_files, GError **error);
