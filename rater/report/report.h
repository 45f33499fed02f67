/* report.h — `rater report`: aggregate reports over rated calls and rejects.
 *
 * Usage, KPI and charts read the aggregates that rating keeps
 * (rate/aggregates.h, schemas/010) in their output order, one row of the
 * aggregate per output row, and stream; while the aggregates do not match
 * the catalog (an account moved to another zone since the last rate), or
 * with ReportQuery.from_calls, they make one pass over the period's ratings
 * joined with their calls (report.c), summed in memory per output row.
 * Exceptions read the period's unrated calls.  Either way — never a query
 * per account — the rows become a ReportTable: named columns, rows of text cells.  A
 * table knows nothing of files; report_write() (report-write.c, the
 * writers) prints it as CSV (header row, RFC 4180) or JSON (json-glib)
 * through an OutFile (temporary + rename), or a ReportSink takes each row
 * as it is made (a CSV streamed to its file).  Tests read the cells
 * directly.
 *
 * Which calls a period holds: the calls whose rating has ratings.period = P,
 * i.e. the calendar month in the account's time zone (UTC for calls without
 * an account).  Calls never rated (no `rater rate` since they were ingested)
 * appear in no report.  Late calls count in their own period.
 *
 * Figures are integers end to end; no floating point:
 *  - seconds are sums of whole seconds;
 *  - minutes = seconds / 60 rounded half up to 2 decimals ("1.02" for 61 s);
 *  - cost and revenue = the exact sum of the per-call charges, with 6
 *    decimals, in the currency of the account's operator (per-call charges
 *    already carry the plan's call_decimals; invoices round per line, so an
 *    invoice line may differ from the report in the last minor digit);
 *  - ASR = answered * 100 / attempts and ACD = answered talk seconds /
 *    answered, both rounded half up to 2 decimals ("57.14").
 *
 * Empty cells (CSV) are JSON null: a NULL cell.
 */
#pragma once

#include <glib.h>

#include "base/store.h"

typedef enum {
  REPORT_BY_USER,               /* the account's own number on the call */
  REPORT_BY_DESTINATION,        /* direction, deck group and destination of the rated row */
  REPORT_BY_DAY,                /* the call's day in the account's time zone */
} ReportUsageBy;

typedef enum {
  REPORT_FORMAT_CSV,
  REPORT_FORMAT_JSON,
} ReportFormat;

/* What to report on.  Borrowed strings. */
typedef struct {
  const char *period;           /* "YYYY-MM", required */
  const char *account;          /* usage, chart: only this account; NULL: every account */
  const char *operator_slug;    /* kpi: only this operator; NULL: every operator */
  ReportUsageBy by;             /* usage */
  guint prefix_digits;          /* exceptions: leading digits grouped, 1..15; 0: 5 */
  gboolean from_calls;          /* sum the period's calls even when the aggregates are
                                   current (a check of the aggregates; same output) */
  guint threads;                /* chart: drawing threads; 0: one per CPU (at most 16) */
} ReportQuery;

typedef struct {
  char *name;                   /* "usage", "kpi", "exceptions" */
  GPtrArray *params;            /* char *, alternating key and value (JSON header) */
  GPtrArray *columns;           /* char *, column names */
  GArray *numeric;              /* gboolean per column: integer cells, a JSON number;
                                   else a JSON string */
  GPtrArray *rows;              /* GPtrArray * of char * cells (NULL = empty), one per column;
                                   empty when the rows went to a sink */
  guint64 n_rows;               /* rows made, kept or sunk */
  struct ReportSink *sink;      /* where rows go as they are made, or NULL: kept in ROWS */
} ReportTable;

/* Where the rows of a report go while it is made (the report_*_to
 * functions): each row is handed to ROW as soon as it is complete, cells in
 * column order (NULL = empty), then dropped — a report of millions of rows
 * then holds one row of text at a time (its groups are still summed in
 * memory: that is the size of the output, not of the calls).  TABLE has
 * its name, params and columns already. */
typedef struct ReportSink ReportSink;
struct ReportSink {
  void (*row) (ReportSink *sink, const ReportTable *table, const GPtrArray *cells);
};

void report_table_free (ReportTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportTable, report_table_free)

/* The cell of ROW under COLUMN (NULL for an empty cell); asserts both exist. */
const char *report_cell (const ReportTable *table, guint row, const char *column);

/* usage: one row per (account, key) of the accounts with calls in P, by
 * account then key, with the columns
 *   account, period, <key columns>, calls, seconds, billable_seconds,
 *   minutes, cost, currency
 * where the key columns are
 *   user:        number (the account's number: caller of an `out` call,
 *                callee of an `in` call; empty when withheld), user (its UPN
 *                from numbers.csv, empty when none);
 *   destination: direction, group, destination (empty for free calls: they
 *                matched no deck row); `out` before `in`, then byte order;
 *   day:         day (YYYY-MM-DD in the account's zone).
 * calls = answered calls with status rated or free (unanswered calls cost
 * nothing and unrated calls have no price: see the exceptions report);
 * seconds = their talk time; billable_seconds = the rated calls' billable
 * seconds (free calls add none); minutes = billable_seconds / 60; cost = the
 * rated calls' charges.
 * RATER_ERROR_USAGE for a bad period or an unknown QUERY->account. */
ReportTable *report_usage (StoreDb *db, const ReportQuery *query, GError **error);
/* The same, its rows handed to SINK (NULL: kept) as they are made. */
ReportTable *report_usage_to (StoreDb *db, const ReportQuery *query, ReportSink *sink,
                              GError **error);

/* kpi: one row per (operator, day, direction, group), then after each
 * (operator, day, direction) a total row with group "*":
 *   operator, day, direction, group, attempts, answered, asr, acd, seconds,
 *   minutes, revenue, currency
 * attempts = every call of P; answered = those not `unanswered`; day in the
 * account's zone (UTC without account); group = the deck group of rated
 * calls, empty for the others (unanswered, free and unrated calls match no
 * deck row) — so ASR is meaningful on the "*" rows; seconds = answered talk
 * time; minutes = seconds / 60; revenue = charges of the rated calls.
 * RATER_ERROR_USAGE for a bad period or an unknown QUERY->operator_slug. */
ReportTable *report_kpi (StoreDb *db, const ReportQuery *query, GError **error);
ReportTable *report_kpi_to (StoreDb *db, const ReportQuery *query, ReportSink *sink,
                            GError **error);

/* exceptions: what kept calls of P from being billed, and every stored
 * reject (rejects have no reliable time, so they are not filtered by P):
 *   kind, reason, operator, file, prefix, count, first_seen, last_seen,
 *   first_line, last_line, sample
 *  - kind "unrated", per (reason, operator, prefix): prefix = the first
 *    QUERY->prefix_digits digits of the number that failed — the callee
 *    (rated number) for no_rate, the account's number (caller of `out`,
 *    callee of `in`) for unknown_account; first/last_seen = UTC start times;
 *    sample = the smallest such number;
 *  - kind "reject", per (file, reason), in ingest order: operator of the
 *    file, its path, first/last line; sample = the first reject's detail.
 * RATER_ERROR_USAGE for a bad period or prefix_digits above 15. */
ReportTable *report_exceptions (StoreDb *db, const ReportQuery *query, GError **error);
ReportTable *report_exceptions_to (StoreDb *db, const ReportQuery *query, ReportSink *sink,
                                   GError **error);

/* Write TABLE to PATH (NULL: stdout) as FORMAT (report-write.c).  JSON is
 * one object, {"report": NAME, <params>, "rows": [{column: cell, ...}, ...]},
 * printed as every rater JSON document is (rater-json.h); an empty cell is
 * null.  RATER_ERROR_CANTCREAT when PATH cannot be written. */
gboolean report_write (const ReportTable *table, const char *path, ReportFormat format,
                       GError **error);

/* A CSV file written row by row while a report is made: pass
 * report_csv_sink() to a report_*_to function, then commit with the table
 * it returned (the header alone when it made no row).  RATER_ERROR_CANTCREAT
 * when PATH (NULL: stdout) cannot be written. */
typedef struct ReportCsvWriter ReportCsvWriter;
ReportCsvWriter *report_csv_open (const char *path, GError **error);
ReportSink *report_csv_sink (ReportCsvWriter *writer);
gboolean report_csv_commit (ReportCsvWriter *writer, const ReportTable *table, GError **error);
void report_csv_free (ReportCsvWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportCsvWriter, report_csv_free)

/* One account's usage per day of a period, for the chart: every calendar
 * day of P, zeros included. */
typedef struct {
  char *account;                /* accounts.account */
  char *name;                   /* accounts.name */
  char *currency;               /* the operator's ISO 4217 code */
  char *period;                 /* "YYYY-MM" */
  guint n_days;                 /* days in P, 28..31 */
  gint64 *billable_seconds;     /* [n_days] billable seconds of day i + 1 */
  gint64 *cost;                 /* [n_days] micro-units of CURRENCY */
} ReportDaily;

void report_daily_free (ReportDaily *daily);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportDaily, report_daily_free)

/* The accounts with usage (rated or free calls) in QUERY->period, or just
 * QUERY->account when set (whether or not it has usage): owned char *,
 * in byte order.  RATER_ERROR_USAGE for a bad period or an unknown account. */
GPtrArray *report_accounts (StoreDb *db, const ReportQuery *query, GError **error);

/* The daily usage of every account QUERY selects (report_accounts), in
 * one pass over QUERY->period: owned ReportDaily *, by account in byte
 * order.  The errors of report_accounts. */
GPtrArray *report_daily_all (StoreDb *db, const ReportQuery *query, GError **error);

/* The daily usage of ACCOUNT in PERIOD (the same calls as report_usage). */
ReportDaily *report_daily (StoreDb *db, const char *account, const char *period,
                           GError **error);
