/* cmd-dispute.c — `rater dispute open|resolve|list`: disputed calls held
 * off invoices until resolved (billing.md §11, bill/dispute.h).
 */
#include "config.h"

#include <stdio.h>

#include "base/decimal.h"
#include "base/escape.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "bill/dispute.h"
#include "cli/cmd.h"

typedef struct {
  const char *call;             /* --call OPERATOR:KEY */
  const char *reason;           /* --reason */
  const char *by;               /* --by; NULL: the user's login name */
  const char *account;          /* --account */
  const char *period;           /* --period */
  gboolean upheld, rejected, open_only;
} DisputeArgs;

static gboolean
dispute_usage (GError **error)
{
  return cmd_usage_error (error, "usage: rater dispute open --call OPERATOR:KEY --reason TEXT"
                          " [--by NAME] | resolve --call OPERATOR:KEY (--upheld | --rejected)"
                          " [--reason TEXT] [--by NAME] | list [--open] [--account A]"
                          " [--period YYYY-MM]");
}

static const char *
who (const DisputeArgs *a)
{
  return a->by ? a->by : g_get_user_name ();
}

static gboolean
dispute_open_cmd (RaterContext *ctx, gconstpointer args, GError **error)
{
  const DisputeArgs *a = args;
  if (!a->call || !a->reason || a->upheld || a->rejected || a->open_only || a->account
      || a->period)
    return dispute_usage (error);
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  if (!db || !dispute_open (db, a->call, a->reason, who (a), error))
    return FALSE;
  cmd_summary (ctx, "opened a dispute on call %s: held off drafts and issuing until resolved (if billed"
               " already, credited when upheld)",
               a->call);
  return TRUE;
}

/* What resolving D leaves to do, on stdout: the credit note to issue when
 * an upheld call had been billed. */
static void
print_resolution (const RaterContext *ctx, const Dispute *d)
{
  char buf[32];
  if (d->status == DISPUTE_UPHELD && d->billed_invoice && d->credit_due > 0)
    {
      g_autofree char *reason = g_strdup_printf ("dispute upheld: call %s:%s", d->operator_slug,
                                                 d->call_key);
      g_autofree char *quoted = g_shell_quote (reason);
      printf ("rater invoice credit %s --amount %s --reason %s --out DIR\n", d->billed_invoice,
              decimal_format (d->credit_due, d->minor_units, buf), quoted);
      cmd_summary (ctx, "dispute on call %s:%s upheld: invoice %s billed it; issue the credit"
                   " note above (%s %s net)", d->operator_slug, d->call_key, d->billed_invoice,
                   decimal_format (d->credit_due, d->minor_units, buf),
                   d->currency ? d->currency : "");
    }
  else if (d->status == DISPUTE_UPHELD)
    cmd_summary (ctx, "dispute on call %s:%s upheld: the call is never billed", d->operator_slug,
                 d->call_key);
  else if (d->held_closed)
    cmd_summary (ctx, "dispute on call %s:%s rejected: billed as late usage on the next issued"
                 " invoice", d->operator_slug, d->call_key);
  else
    cmd_summary (ctx, "dispute on call %s:%s rejected: billed as usage of %s", d->operator_slug,
                 d->call_key, d->period ? d->period : "its period");
}

static gboolean
dispute_resolve_cmd (RaterContext *ctx, gconstpointer args, GError **error)
{
  const DisputeArgs *a = args;
  g_autoptr(Dispute) d = NULL;
  if (!a->call || a->upheld == a->rejected || a->open_only || a->account || a->period)
    return dispute_usage (error);
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  if (!db || !dispute_resolve (db, a->call, a->upheld ? DISPUTE_UPHELD : DISPUTE_REJECTED,
                               a->reason, who (a), &d, error))
    return FALSE;
  print_resolution (ctx, d);
  return TRUE;
}

/* What D means for billing, for the listing. */
static char *
billing_text (const Dispute *d)
{
  char buf[32];
  switch (d->status)
    {
    case DISPUTE_OPEN:
      if (d->billed_invoice)
        return g_strdup_printf ("billed %s", d->billed_invoice);
      return g_strdup (d->held_closed ? "held (period issued)" : "held");
    case DISPUTE_UPHELD:
      if (d->billed_invoice && d->credit_due > 0)
        return g_strdup_printf ("credit due %s %s", d->billed_invoice,
                                decimal_format (d->credit_due, d->minor_units, buf));
      return g_strdup ("not billed");
    case DISPUTE_REJECTED:
      if (d->late_invoice)
        return g_strdup_printf ("late usage %s", d->late_invoice);
      return g_strdup (d->held_closed ? "late usage next invoice" : "usage");
    default:
      return g_strdup ("?");
    }
}

/* One line per dispute, tab-separated: OPERATOR:KEY, account, period,
 * charge, status, billing, opened at, by, reason, resolved at, by,
 * resolution (empty while open).  A dispute whose call is withdrawn or
 * purged has no account, period or charge. */
static gboolean
dispute_list_cmd (RaterContext *ctx, gconstpointer args, GError **error)
{
  const DisputeArgs *a = args;
  if (a->call || a->reason || a->by || a->upheld || a->rejected)
    return dispute_usage (error);
  if (a->period && !cmd_check_period ("dispute", a->period, error))
    return FALSE;
  g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
  g_autoptr(GPtrArray) list = db ? dispute_list (db, a->open_only, a->account, a->period, error)
                                 : NULL;
  if (!list)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      const Dispute *d = list->pdata[i];
      char buf[32];
      g_autofree char *billing = billing_text (d);
      g_autofree char *reason = escape_text (d->reason);
      g_autofree char *resolution = escape_text (d->resolution);
      printf ("%s:%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d->operator_slug, d->call_key,
              d->account ? d->account : "", d->period ? d->period : "",
              d->currency ? decimal_format (d->charge, d->minor_units, buf) : "",
              dispute_status_to_string (d->status),
              billing, d->opened_at, d->opened_by, reason,
              d->resolved_at ? d->resolved_at : "", d->resolved_by ? d->resolved_by : "",
              resolution);
    }
  cmd_summary (ctx, "%u dispute%s", list->len, list->len == 1 ? "" : "s");
  return TRUE;
}

static const RaterSubcommand dispute_commands[] = {
  { "open", dispute_open_cmd, "dispute a call: held off drafts and issuing until resolved" },
  { "resolve", dispute_resolve_cmd, "resolve a call's open dispute: --upheld (never billed;"
                                    " prints the credit note to issue when it was billed) or"
                                    " --rejected (billed, late when its period was issued)" },
  { "list", dispute_list_cmd, "list disputes: call, account, period, charge, status, billing,"
                              " opened at, by, reason, resolved at, by, resolution" },
};

gboolean
cmd_dispute (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *call = NULL, *reason = NULL, *by = NULL, *account = NULL, *period = NULL;
  gboolean upheld = FALSE, rejected = FALSE, open_only = FALSE;
  const GOptionEntry entries[] = {
    { "call", 0, 0, G_OPTION_ARG_STRING, &call, "open, resolve: the call (its operator and"
      " call key)", "OPERATOR:KEY" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "open: why the customer disputes it;"
      " resolve: why it was decided so", "TEXT" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, "open, resolve: who (default: the login name)",
      "NAME" },
    { "upheld", 0, 0, G_OPTION_ARG_NONE, &upheld, "resolve: the customer is right: never"
      " billed", NULL },
    { "rejected", 0, 0, G_OPTION_ARG_NONE, &rejected, "resolve: the call stands: billed",
      NULL },
    { "open", 0, 0, G_OPTION_ARG_NONE, &open_only, "list: open disputes only", NULL },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, "list: of this account", "A" },
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "list: of calls of this period",
      "YYYY-MM" },
    { NULL }
  };
  g_autofree char *names = cmd_subcommand_names (dispute_commands,
                                                 G_N_ELEMENTS (dispute_commands));
  g_autofree char *help = cmd_subcommand_help (dispute_commands, G_N_ELEMENTS (dispute_commands));
  if (!cmd_parse_options_described ("dispute", names, help, entries, &argc, &argv, error))
    return FALSE;
  const RaterSubcommand *sub = argc == 2 ? cmd_subcommand_find (dispute_commands,
                                                                G_N_ELEMENTS (dispute_commands),
                                                                argv[1]) : NULL;
  if (!sub)
    return dispute_usage (error);
  DisputeArgs a = { call, reason, by, account, period, upheld, rejected, open_only };
  return sub->func (ctx, &a, error);
}
