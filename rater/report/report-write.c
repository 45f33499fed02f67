/* report-write.c — printing a ReportTable as CSV or JSON (report.h).
 *
 * The table is already the report: header names, then rows of text cells
 * (NULL for empty).  CSV prints the cells as they are through the OutFile's
 * CSV writer; JSON is built with json-glib (rater-json.h) as one object,
 * "report", the table's parameters in order, then "rows", one object per
 * row with the columns in order: a cell of a numeric column is a JSON
 * integer, any other a string, an empty cell null.
 *
 * A CSV can also be written while the report is made (ReportCsvWriter, a
 * ReportSink): each row goes to the file as soon as it is complete, so the
 * table never holds the rows.  JSON is always built whole: json-glib
 * prints a tree.
 */
#include "config.h"

#include "base/outfile.h"
#include "base/rater-json.h"
#include "report/report.h"

/* A numeric cell: the decimal text of a gint64 (report.c's row_int). */
static void
json_number (JsonBuilder *b, const char *column, const char *cell)
{
  gint64 value = 0;
  gboolean ok = g_ascii_string_to_signed (cell, 10, G_MININT64, G_MAXINT64, &value, NULL);
  g_assert (ok);
  rater_json_int (b, column, value);
}

static void
json_row (JsonBuilder *b, const ReportTable *t, const GPtrArray *cells)
{
  json_builder_begin_object (b);
  for (guint c = 0; c < t->columns->len; c++)
    {
      const char *column = t->columns->pdata[c], *cell = cells->pdata[c];
      if (cell && g_array_index (t->numeric, gboolean, c))
        json_number (b, column, cell);
      else
        rater_json_string (b, column, cell);
    }
  json_builder_end_object (b);
}

static void
json_table (JsonBuilder *b, const ReportTable *t)
{
  json_builder_begin_object (b);
  rater_json_string (b, "report", t->name);
  for (guint i = 0; i + 1 < t->params->len; i += 2)
    rater_json_string (b, t->params->pdata[i], t->params->pdata[i + 1]);
  rater_json_begin_array (b, "rows");
  for (guint r = 0; r < t->rows->len; r++)
    json_row (b, t, t->rows->pdata[r]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static gboolean
write_json (const ReportTable *t, const char *path, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_table (b, t);
  return rater_json_write (b, path, error);
}

static void
csv_row (OutFile *out, const GPtrArray *cells)
{
  for (guint c = 0; c < cells->len; c++)
    outfile_csv_field (out, cells->pdata[c], -1);
  outfile_csv_end_row (out);
}

static gboolean
write_csv (const ReportTable *t, const char *path, GError **error)
{
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  csv_row (out, t->columns);
  for (guint r = 0; r < t->rows->len; r++)
    csv_row (out, t->rows->pdata[r]);
  return outfile_commit (out, error);
}

gboolean
report_write (const ReportTable *table, const char *path, ReportFormat format, GError **error)
{
  if (format == REPORT_FORMAT_JSON)
    return write_json (table, path, error);
  return write_csv (table, path, error);
}

/* Streaming CSV {{{1 */

/* The OutFile of a report being made, and whether its header is out. */
struct ReportCsvWriter {
  ReportSink sink;              /* first: report_csv_row gets the writer back */
  OutFile *out;
  gboolean header;              /* the header row is written */
};

static void
csv_header (ReportCsvWriter *w, const ReportTable *t)
{
  if (!w->header)
    csv_row (w->out, t->columns);
  w->header = TRUE;
}

static void
report_csv_row (ReportSink *sink, const ReportTable *t, const GPtrArray *cells)
{
  ReportCsvWriter *w = (ReportCsvWriter *) sink;
  csv_header (w, t);
  csv_row (w->out, cells);
}

ReportCsvWriter *
report_csv_open (const char *path, GError **error)
{
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return NULL;
  ReportCsvWriter *w = g_new0 (ReportCsvWriter, 1);
  w->sink.row = report_csv_row;
  w->out = g_steal_pointer (&out);
  return w;
}

ReportSink *
report_csv_sink (ReportCsvWriter *writer)
{
  return &writer->sink;
}

gboolean
report_csv_commit (ReportCsvWriter *writer, const ReportTable *table, GError **error)
{
  csv_header (writer, table);
  for (guint r = 0; r < table->rows->len; r++)      /* rows kept, if any */
    csv_row (writer->out, table->rows->pdata[r]);
  return outfile_commit (writer->out, error);
}

void
report_csv_free (ReportCsvWriter *writer)
{
  if (!writer)
    return;
  outfile_free (writer->out);
  g_free (writer);
}
