/* report-write.c — printing a ReportTable as CSV or JSON (report.h).
 *
 * The table is already the report: header names, then rows of text cells
 * (NULL for empty).  CSV prints the cells as they are through the OutFile's
 * CSV writer; JSON is one object, "report", the table's parameters in
 * order, then "rows", one object per row with the columns in order: a cell
 * of a numeric column is a JSON number, any other a string, an empty cell
 * null.
 */
#include "config.h"

#include "base/outfile.h"
#include "report/report.h"

static void
json_string (FILE *f, const char *v)
{
  if (!v)
    {
      fputs ("null", f);
      return;
    }
  g_autofree char *valid = g_utf8_make_valid (v, -1);
  fputc ('"', f);
  for (const guchar *p = (const guchar *) valid; *p; p++)
    if (*p == '"' || *p == '\\')
      fprintf (f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf (f, "\\u%04x", *p);
    else
      fputc (*p, f);
  fputc ('"', f);
}

static void
json_row (FILE *f, const ReportTable *t, GPtrArray *cells)
{
  fputs ("    {", f);
  for (guint c = 0; c < t->columns->len; c++)
    {
      const char *v = cells->pdata[c];
      fputs (c ? ", " : "", f);
      json_string (f, t->columns->pdata[c]);
      fputs (": ", f);
      if (v && g_array_index (t->numeric, gboolean, c))
        fputs (v, f);
      else
        json_string (f, v);
    }
  fputc ('}', f);
}

static void
write_json (OutFile *out, const ReportTable *t)
{
  FILE *f = outfile_stream (out);
  fputs ("{\n  \"report\": ", f);
  json_string (f, t->name);
  for (guint i = 0; i + 1 < t->params->len; i += 2)
    {
      fputs (",\n  ", f);
      json_string (f, t->params->pdata[i]);
      fputs (": ", f);
      json_string (f, t->params->pdata[i + 1]);
    }
  fputs (",\n  \"rows\": [", f);
  for (guint r = 0; r < t->rows->len; r++)
    {
      fputs (r ? ",\n" : "\n", f);
      json_row (f, t, t->rows->pdata[r]);
    }
  fputs (t->rows->len ? "\n  ]\n}\n" : "]\n}\n", f);
}

static void
write_csv (OutFile *out, const ReportTable *t)
{
  for (guint c = 0; c < t->columns->len; c++)
    outfile_csv_field (out, t->columns->pdata[c], -1);
  outfile_csv_end_row (out);
  for (guint r = 0; r < t->rows->len; r++)
    {
      GPtrArray *cells = t->rows->pdata[r];
      for (guint c = 0; c < cells->len; c++)
        outfile_csv_field (out, cells->pdata[c], -1);
      outfile_csv_end_row (out);
    }
}

gboolean
report_write (const ReportTable *table, const char *path, ReportFormat format, GError **error)
{
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  if (format == REPORT_FORMAT_JSON)
    write_json (out, table);
  else
    write_csv (out, table);
  return outfile_commit (out, error);
}

