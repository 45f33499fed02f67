/* cmd-invoice.c — 'rater invoice draft|issue': a period's invoices as files. */
#include "config.h"

#include "cli/cmd.h"
#include "bill/invoiceout.h"
#include "bill/credit.h"
#include "bill/issue.h"
#include "bill/ubl.h"
#include "rate/rate.h"
#include "base/decimal.h"
#include "base/store.h"
#include "base/timeparse.h"

/* The options the subcommands share.  Borrowed strings. */
typedef struct {
  const char *period;           /* --period YYYY-MM */
  gboolean force;               /* --force: issue a period that has not ended */
  const char *op;               /* --operator; NULL: every operator */
  const char *account;          /* --account (draft only); NULL: every account */
  const char *out;              /* --out DIR */
  InvoiceOutFormats formats;    /* --format */
} InvoiceArgs;

static gboolean
parse_formats (const char *text, InvoiceOutFormats *formats, GError **error)
{
  g_auto(GStrv) names = g_strsplit (text ? text : "json,csv", ",", -1);
  *formats = 0;
  for (guint i = 0; names[i]; i++)
    {
      unsigned bit;
      if (!issue_parse_format (g_strstrip (names[i]), &bit))
        return cmd_usage_error (error, "invoice: --format takes json, csv, html, pdf and ubl, not '%s'",
                                names[i]);
      *formats |= bit;
    }
  return TRUE;
}

static gboolean
invoice_usage (GError **error)
{
  return cmd_usage_error (error, "usage: rater invoice draft|issue --period YYYY-MM [--operator OP]"
                          " [--account A] --out DIR [--format json,csv,html,pdf,ubl] [--force]"
                          " (issue takes no --account)");
}

static gboolean
invoice_draft (RaterContext *ctx, gconstpointer args, GError **error)
{
  const InvoiceArgs *a = args;
  guint n = 0, issued = 0;
  if (a->formats & INVOICEOUT_UBL)
    return cmd_usage_error (error, "invoice draft: --format ubl: an e-invoice is an issued"
                            " document (a draft has no number): use 'invoice issue'");
  g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
  if (!db || !invoiceout_write_drafts (db, a->period, a->op, a->account, a->out, a->formats,
                                       0, &n, &issued, error))
    return FALSE;
  if (issued)
    cmd_summary (ctx, "drafted %u invoice%s for %s in '%s' (%u account%s already issued)", n,
                 n == 1 ? "" : "s", a->period, a->out, issued, issued == 1 ? "" : "s");
  else
    cmd_summary (ctx, "drafted %u invoice%s for %s in '%s'", n, n == 1 ? "" : "s", a->period,
                 a->out);
  return TRUE;
}

/* Refuse a period that has not ended for every account being issued,
 * unless every account has it closed already (issuing again only rewrites
 * the same documents). */
static gboolean
check_period_ended (StoreDb *db, const InvoiceArgs *a, GError **error)
{
  gboolean ended = FALSE, closed = FALSE;
  gint64 ends = 0;
  g_autofree char *zone = NULL;
  char buf[32];
  if (a->force)
    return TRUE;
  if (!issue_period_ended (db, a->op, a->period, time_now_ms (), &ended, &ends, &zone, error)
      || (!ended && !issue_period_closed (db, a->period, &closed, error)))
    return FALSE;
  if (ended || closed)
    return TRUE;
  return cmd_usage_error (error, "invoice: period %s has not ended for every account (it ends"
                          " %s, midnight in %s): issuing it now would close it before its last"
                          " calls; issue it after that, or give --force", a->period,
                          time_format_utc (ends, buf), zone);
}

/* Rate what is pending, then issue and write each operator's invoices. */
static gboolean
invoice_issue (RaterContext *ctx, gconstpointer args, GError **error)
{
  const InvoiceArgs *a = args;
  if (a->account)
    return invoice_usage (error);
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  RateOptions ropts = { NULL, 0, 0 };
  RateStats rs;
  if (!db || !check_period_ended (db, a, error) || !rate_run (db, &ropts, &rs, error))
    return FALSE;
  IssueRunOptions opts = { .operator_slug = a->op, .period = a->period, .dir = a->out,
                           .formats = a->formats };
  IssueRunStats s;
  if (!issue_run (db, &opts, &s, error))
    return FALSE;
  cmd_summary (ctx, "issued %u invoice%s for %s (%u issued before), closed %u account%s;"
               " %u invoice%s written to '%s'; %" G_GUINT64_FORMAT " unrated call%s in open periods",
               s.issued, s.issued == 1 ? "" : "s", a->period, s.already,
               s.closed, s.closed == 1 ? "" : "s", s.written, s.written == 1 ? "" : "s",
               a->out, rs.unrated, rs.unrated == 1 ? "" : "s");
  ctx->status = rs.unrated > 0 ? 1 : 0;
  return TRUE;
}

static const RaterSubcommand invoice_commands[] = {
  { "draft", invoice_draft, "write the period's invoices as drafts (nothing is stored)" },
  { "issue", invoice_issue, "rate, then number, store and close the period and write its invoices" },
  { "credit", NULL, "INVOICE (--all | --line N... | --amount X) --reason TEXT: a credit note" },
};

/* "1,3" and "4" of --line into LINES. */
static gboolean
parse_lines (char **texts, GArray *lines, GError **error)
{
  for (guint i = 0; texts && texts[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (texts[i], ",", -1);
      for (guint j = 0; parts[j]; j++)
        {
          guint64 n;
          if (!g_ascii_string_to_unsigned (g_strstrip (parts[j]), 10, 1, G_MAXUINT, &n, NULL))
            return cmd_usage_error (error, "invoice credit: --line takes line numbers (1..),"
                                    " not '%s'", parts[j]);
          guint line = (guint) n;
          g_array_append_val (lines, line);
        }
    }
  return TRUE;
}

static gboolean
credit_usage (GError **error)
{
  return cmd_usage_error (error, "usage: rater invoice credit INVOICE (--all | --line N... |"
                          " --amount X) --reason TEXT --out DIR [--format json,csv,html,pdf,ubl];"
                          " rater invoice credit CREDIT_NOTE --out DIR [--format ...] writes an"
                          " issued credit note's documents again");
}

/* rater invoice credit: issue a credit note and write its documents. */
static gboolean
invoice_credit (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *amount = NULL, *reason = NULL, *out = NULL, *format = NULL;
  g_auto(GStrv) line_texts = NULL;
  gboolean all = FALSE;
  InvoiceOutFormats formats = 0;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Credit every line of the invoice", NULL },
    { "line", 0, 0, G_OPTION_ARG_STRING_ARRAY, &line_texts,
      "Credit these lines (repeatable, or comma-separated)", "N" },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount, "Credit this net amount (tax added)", "X" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why (required)", "TEXT" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output directory (required)", "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "Any of json,csv,html,pdf,ubl (default json,csv)", "LIST" },
    { NULL }
  };
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (guint));
  if (!cmd_parse_options ("invoice credit", "INVOICE", entries, &argc, &argv, error)
      || !parse_formats (format, &formats, error) || !parse_lines (line_texts, lines, error))
    return FALSE;
  int modes = all + (lines->len > 0) + (amount != NULL);
  if (argc == 2 && out && !reason && modes == 0)
    {
      /* CREDIT_NOTE --out DIR: write an issued credit note's documents (again) */
      g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
      if (!db || !credit_write_documents (db, argv[1], out, formats, error))
        return FALSE;
      cmd_summary (ctx, "wrote credit note %s to '%s'", argv[1], out);
      return TRUE;
    }
  if (argc != 2 || !out || !reason || modes != 1)
    return credit_usage (error);
  char today[16];
  CreditRequest req = { all ? CREDIT_ALL : lines->len ? CREDIT_LINES : CREDIT_AMOUNT,
                        (const guint *) (void *) lines->data, lines->len, amount, reason,
                        time_format_utc_date (time_now_ms (), today) };
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  g_autofree char *number = NULL;
  if (!db)
    return FALSE;
  if (formats & INVOICEOUT_UBL)
    {
      /* a credit note is issued for good: refuse before if it cannot be an e-invoice */
      g_autoptr(InvoiceRecord) invoice = issue_load_invoice (db, argv[1], error);
      if (!invoice || !ubl_check (invoice, error))
        return FALSE;
    }
  if (!credit_issue (db, argv[1], &req, &number, error))
    return FALSE;
  g_autoptr(InvoiceRecord) rec = credit_load (db, number, error);
  if (!rec || !credit_write_documents (db, number, out, formats, error))
    return FALSE;
  char buf[32];
  cmd_summary (ctx, "issued credit note %s of %s %s against %s; written to '%s'", number,
               decimal_format (-rec->invoice->total, rec->invoice->minor_units, buf),
               rec->invoice->currency, argv[1], out);
  return TRUE;
}

gboolean
cmd_invoice (RaterContext *ctx, int argc, char **argv, GError **error)
{
  if (argc >= 2 && g_str_equal (argv[1], "credit"))
    return invoice_credit (ctx, argc - 1, argv + 1, error);
  g_autofree char *period = NULL, *op = NULL, *account = NULL, *out = NULL, *format = NULL;
  InvoiceArgs a = { 0 };
  const GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "The period (required)", "YYYY-MM" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &op, "Only this operator's accounts", "OP" },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, "Only this account (draft only)", "A" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output directory (required)", "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Any of json,csv,html,pdf,ubl (default json,csv)", "LIST" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &a.force,
      "issue: also a period that has not ended in every account's zone", NULL },
    { NULL }
  };
  g_autofree char *names = cmd_subcommand_names (invoice_commands, G_N_ELEMENTS (invoice_commands));
  g_autofree char *parameter = g_strdup_printf ("%s --period YYYY-MM --out DIR", names);
  g_autofree char *help = cmd_subcommand_help (invoice_commands, G_N_ELEMENTS (invoice_commands));
  if (!cmd_parse_options_described ("invoice", parameter, help, entries, &argc, &argv, error)
      || !parse_formats (format, &a.formats, error))
    return FALSE;
  const RaterSubcommand *sub = argc == 2 ? cmd_subcommand_find (invoice_commands,
                                                                G_N_ELEMENTS (invoice_commands),
                                                                argv[1]) : NULL;
  if (!sub || !sub->func || !period || !out)
    return invoice_usage (error);
  a.period = period, a.op = op, a.account = account, a.out = out;
  return sub->func (ctx, &a, error);
}
