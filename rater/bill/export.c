/* export.c — writing stored rejects (and, later, rated calls) as CSV. */
#include "config.h"

#include "base/decimal.h"
#include "base/escape.h"
#include "bill/export.h"
#include "base/outfile.h"
#include "base/store.h"
#include "base/timeparse.h"

/* Where rows go: the CSV being written and its row count. */
typedef struct {
  OutFile *out;
  guint64 *rows;
} ExportRows;

/* Row function: the rejects row ST as a CSV row of EX. */
static gboolean
write_reject_row (StoreStmt *st, gpointer data, GError **error)
{
  ExportRows *ex = data;
  outfile_csv_field (ex->out, store_column_text (st, 0), -1);
  outfile_csv_int (ex->out, store_column_int64 (st, 1));
  outfile_csv_field (ex->out, store_column_text (st, 2), -1);
  outfile_csv_field (ex->out, store_column_text (st, 3), -1);
  /* the record's bytes as read: escaped (escape.h), so the export is valid
   * UTF-8 text a spreadsheet or CSV reader takes whatever the CDR held */
  const void *raw = store_column_blob (st, 4);
  gsize raw_len = (gsize) store_column_bytes (st, 4);
  g_autoptr(GString) text = g_string_sized_new (raw_len + 16);
  escape_append (text, raw, raw_len, ESCAPE_KEEP_SPACE, G_MAXSIZE);
  outfile_csv_field (ex->out, text->str, (gssize) text->len);
  outfile_csv_end_row (ex->out);
  (*ex->rows)++;
  return TRUE;
}

gboolean
export_rejects (StoreDb *db, const char *path, guint64 *rows, GError **error)
{
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT f.path, r.line, r.reason, r.detail, r.raw FROM rejects r JOIN files f ON f.id = r.file_id"
    " ORDER BY r.file_id, r.line, r.id", error);
  g_autoptr(OutFile) out = st ? outfile_open (path, error) : NULL;
  if (!out)
    return FALSE;
  outfile_csv_header (out, "file,line,reason,detail,raw");
  *rows = 0;
  ExportRows ex = { out, rows };
  return store_each_row (st, write_reject_row, &ex, "reading rejects", error)
    && outfile_commit (out, error);
}

static void
field_text (OutFile *out, StoreStmt *st, int col)
{
  const char *text = store_column_text (st, col);   /* before _bytes, as SQLite asks */
  outfile_csv_field (out, text, store_column_bytes (st, col));
}

/* Row function: the calls/ratings row ST as a CSV row of EX. */
static gboolean
write_call_row (StoreStmt *st, gpointer data, GError **error)
{
  ExportRows *ex = data;
  OutFile *out = ex->out;
  char buf[32];
  for (int c = 0; c <= 6; c++)                      /* operator .. callee */
    field_text (out, st, c);
  outfile_csv_field (out, time_format_utc (store_column_int64 (st, 7), buf), -1);
  outfile_csv_int (out, store_column_int64 (st, 8));
  for (int c = 9; c <= 14; c++)                     /* status .. band */
    field_text (out, st, c);
  for (int c = 15; c <= 16; c++)                    /* billable, covered */
    if (store_column_is_null (st, c))
      outfile_csv_field (out, "", 0);
    else
      outfile_csv_int (out, store_column_int64 (st, c));
  if (store_column_is_null (st, 17))
    outfile_csv_field (out, "", 0);
  else
    outfile_csv_field (out, decimal_format (store_column_int64 (st, 17), 6, buf), -1);
  field_text (out, st, 18);
  outfile_csv_end_row (out);
  (*ex->rows)++;
  return TRUE;
}

gboolean
export_calls (StoreDb *db, const char *period, const char *path, guint64 *rows, GError **error)
{
  /* the rated calls (of PERIOD), then without a period those not rated: an
   * inner join, which SQLite flattens through the view ratings (schemas/020)
   * where a LEFT JOIN would read its texts back one subquery at a time
   * (ratings_of_calls: 1M calls 5.2 -> 8.0 s) */
  g_autoptr(StoreStmt) st = store_prepare (db,
    "SELECT c.operator, c.call_key, coalesce (r.account, c.account), r.period, c.direction,"
    " c.caller, c.callee, c.start_ms, c.duration, r.status, r.reason, r.prefix, r.destination,"
    " r.grp, r.band, r.billable, r.covered, r.charge, r.late"
    " FROM calls c JOIN ratings r ON r.call_id = c.id WHERE ?1 IS NULL OR r.period = ?1"
    " UNION ALL"
    " SELECT c.operator, c.call_key, c.account, NULL, c.direction, c.caller, c.callee, c.start_ms,"
    " c.duration, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM calls c WHERE ?1 IS NULL AND NOT EXISTS (SELECT 1 FROM ratings r"
    " WHERE r.call_id = c.id) ORDER BY 1, 2", error);
  if (!st || !store_bind (st, error, STORE_TEXT (period)))
    return FALSE;
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  outfile_csv_header (out, "operator,call_key,account,period,direction,caller,callee,start,duration,"
                           "status,reason,prefix,destination,group,band,billable_seconds,"
                           "covered_seconds,charge,late");
  *rows = 0;
  ExportRows ex = { out, rows };
  return store_each_row (st, write_call_row, &ex, "reading calls", error)
    && outfile_commit (out, error);
}
