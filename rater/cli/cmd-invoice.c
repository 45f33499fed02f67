/* cmd-invoice.c — 'rater invoice draft|issue': a period's invoices as files. */
#include "config.h"

#include "cli/cmd.h"
#include "bill/invoiceout.h"
#include "bill/issue.h"
#include "rate/rate.h"
#include "base/store.h"
#include "base/timeparse.h"

typedef struct {
  char *period, *op, *account, *out, *format;
  InvoiceOutFormats formats;
} InvoiceArgs;

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

static gboolean
invoice_draft (RaterContext *ctx, sqlite3 *db, const InvoiceArgs *a, GError **error)
{
  guint n = 0, issued = 0;
  if (!invoiceout_write_drafts (db, a->period, a->op, a->account, a->out, a->formats, &n,
                                &issued, error))
    return FALSE;
  if (issued)
    cmd_summary (ctx, "drafted %u invoice%s for %s in '%s' (%u account%s already issued)", n,
                 n == 1 ? "" : "s", a->period, a->out, issued, issued == 1 ? "" : "s");
  else
    cmd_summary (ctx, "drafted %u invoice%s for %s in '%s'", n, n == 1 ? "" : "s", a->period,
                 a->out);
  return TRUE;
}

/* Rate what is pending, then issue and write each operator's invoices. */
static gboolean
invoice_issue (RaterContext *ctx, sqlite3 *db, const InvoiceArgs *a, GError **error)
{
  RateOptions ropts = { NULL, 0, 0 };
  RateStats rs;
  if (!rate_run (db, &ropts, &rs, error))
    return FALSE;
  g_autoptr(GPtrArray) ops = a->op ? g_ptr_array_new () : issue_operators (db, error);
  if (!ops)
    return FALSE;
  if (a->op)
    g_ptr_array_add (ops, a->op);
  char today[16];
  time_format_utc_date (time_now_ms (), today);
  IssueStats total = { 0 };
  guint written = 0;
  for (guint i = 0; i < ops->len; i++)
    {
      IssueStats s;
      guint n = 0;
      if (!issue_period (db, ops->pdata[i], a->period, today, &s, error)
          || !issue_write_documents (db, ops->pdata[i], a->period, a->out, a->formats, &n, error))
        return FALSE;
      total.issued += s.issued, total.already += s.already, total.closed += s.closed;
      written += n;
    }
  cmd_summary (ctx, "issued %u invoice%s for %s (%u issued before), closed %u account%s;"
               " %u invoice%s written to '%s'; %" G_GUINT64_FORMAT " unrated call%s in open periods",
               total.issued, total.issued == 1 ? "" : "s", a->period, total.already,
               total.closed, total.closed == 1 ? "" : "s", written, written == 1 ? "" : "s",
               a->out, rs.unrated, rs.unrated == 1 ? "" : "s");
  ctx->status = rs.unrated > 0 ? 1 : 0;
  return TRUE;
}

static gboolean
usage (GError **error)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
               "usage: rater invoice draft|issue --period YYYY-MM [--operator OP] [--account A]"
               " --out DIR [--format json,csv,html,pdf] (issue takes no --account)");
  return FALSE;
}

gboolean
cmd_invoice (RaterContext *ctx, int argc, char **argv, GError **error)
{
  InvoiceArgs a = { 0 };
  const GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &a.period, "The period (required)", "YYYY-MM" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &a.op, "Only this operator's accounts", "OP" },
    { "account", 0, 0, G_OPTION_ARG_STRING, &a.account, "Only this account (draft only)", "A" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out, "Output directory (required)", "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &a.format, "Any of json,csv,html,pdf (default json,csv)", "LIST" },
    { NULL }
  };
  gboolean ok = cmd_parse_options ("invoice", "draft|issue --period YYYY-MM --out DIR", entries,
                                   &argc, &argv, error)
                && parse_formats (a.format, &a.formats, error);
  gboolean draft = ok && argc == 2 && g_str_equal (argv[1], "draft");
  gboolean issue = ok && argc == 2 && g_str_equal (argv[1], "issue");
  if (ok && ((!draft && !issue) || !a.period || !a.out || (issue && a.account)))
    ok = usage (error);
  if (ok)
    {
      g_autoptr(sqlite3) db = cmd_open_db (ctx, error);
      ok = db && (draft ? invoice_draft (ctx, db, &a, error) : invoice_issue (ctx, db, &a, error));
    }
  g_free (a.period), g_free (a.op), g_free (a.account), g_free (a.out), g_free (a.format);
  return ok;
}
