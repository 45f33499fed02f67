/* cmd-invoice.c — 'rater invoice draft': draft invoices of a period as files. */
#include "config.h"

#include "cmd.h"
#include "invoiceout.h"
#include "store.h"

static gboolean
parse_formats (const char *text, InvoiceOutFormats *formats, GError **error)
{
  g_auto(GStrv) names = g_strsplit (text ? text : "json,csv", ",", -1);
  *formats = 0;
  for (guint i = 0; names[i]; i++)
    if (g_str_equal (g_strstrip (names[i]), "json"))
      *formats |= INVOICEOUT_JSON;
    else if (g_str_equal (names[i], "csv"))
      *formats |= INVOICEOUT_CSV;
    else if (g_str_equal (names[i], "html"))
      *formats |= INVOICEOUT_HTML;
    else if (g_str_equal (names[i], "pdf"))
      *formats |= INVOICEOUT_PDF;
    else
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "invoice: --format takes json, csv, html and pdf, not '%s'", names[i]);
        return FALSE;
      }
  return TRUE;
}

gboolean
cmd_invoice (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *period = NULL, *op = NULL, *account = NULL, *out = NULL, *format = NULL;
  const GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "The period (required)", "YYYY-MM" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &op, "Only this operator's accounts", "OP" },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, "Only this account", "A" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output directory (required)", "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Any of json,csv,html,pdf (default json,csv)", "LIST" },
    { NULL }
  };
  InvoiceOutFormats formats;
  if (!cmd_parse_options ("invoice", "draft --period YYYY-MM --out DIR", entries, &argc, &argv, error)
      || !parse_formats (format, &formats, error))
    return FALSE;
  if (argc != 2 || !g_str_equal (argv[1], "draft") || !period || !out)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "usage: rater invoice draft --period YYYY-MM [--operator OP] [--account A] --out DIR"
                   " [--format json,csv,html,pdf]");
      return FALSE;
    }
  g_autoptr(sqlite3) db = cmd_open_db (ctx, error);
  guint n = 0;
  if (!db || !invoiceout_write_drafts (db, period, op, account, out, formats, &n, error))
    return FALSE;
  cmd_summary (ctx, "drafted %u invoice%s for %s in '%s'", n, n == 1 ? "" : "s", period, out);
  return TRUE;
}
