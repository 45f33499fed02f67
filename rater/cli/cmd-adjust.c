/* cmd-adjust.c — `rater adjust add|list|remove`: one-off charges and
 * credits on an open period's invoice (billing.md §11, bill/adjust.h).
 */
#include "config.h"

#include <stdio.h>

#include "base/decimal.h"
#include "base/escape.h"
#include "base/rater-error.h"
#include "base/store.h"
#include "bill/adjust.h"
#include "cli/cmd.h"

typedef struct {
  const char *account;          /* --account */
  const char *period;           /* --period */
  const char *amount;           /* --amount */
  const char *description;      /* --description */
  gint64 id;                    /* --id; 0: none */
} AdjustArgs;

static gboolean
adjust_usage (GError **error)
{
  return cmd_usage_error (error, "usage: rater adjust add --account A --period YYYY-MM"
                          " --amount [-]X --description TEXT | list [--account A]"
                          " [--period YYYY-MM] | remove --id N [--account A]");
}

static gboolean
adjust_add_cmd (RaterContext *ctx, gconstpointer args, GError **error)
{
  const AdjustArgs *a = args;
  gint64 id = 0;
  if (!a->account || !a->period || !a->amount || !a->description || a->id)
    return adjust_usage (error);
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  if (!db || !adjust_add (db, a->account, a->period, a->amount, a->description, &id, error))
    return FALSE;
  cmd_summary (ctx, "added adjustment %" G_GINT64_FORMAT " of %s to account '%s' for %s", id,
               a->amount, a->account, a->period);
  return TRUE;
}

/* One line per adjustment: id, account, period, amount, status, description. */
static gboolean
adjust_list_cmd (RaterContext *ctx, gconstpointer args, GError **error)
{
  const AdjustArgs *a = args;
  if (a->amount || a->description || a->id)
    return adjust_usage (error);
  if (a->period && !cmd_check_period ("adjust", a->period, error))
    return FALSE;
  g_autoptr(StoreDb) db = cmd_open_db_readonly (ctx, error);
  g_autoptr(GPtrArray) list = db ? adjust_list (db, a->account, a->period, error) : NULL;
  if (!list)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      const Adjustment *j = list->pdata[i];
      char buf[32];
      g_autofree char *description = escape_text (j->description);
      printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%s\n", j->id, j->account, j->period,
              decimal_format (j->amount, j->minor_units, buf), j->invoice ? j->invoice : "open",
              description);
    }
  cmd_summary (ctx, "%u adjustment%s", list->len, list->len == 1 ? "" : "s");
  return TRUE;
}

static gboolean
adjust_remove_cmd (RaterContext *ctx, gconstpointer args, GError **error)
{
  const AdjustArgs *a = args;
  if (a->id <= 0 || a->period || a->amount || a->description)
    return adjust_usage (error);
  g_autoptr(StoreDb) db = cmd_open_db (ctx, error);
  if (!db || !adjust_remove (db, a->id, a->account, error))
    return FALSE;
  cmd_summary (ctx, "removed adjustment %" G_GINT64_FORMAT, a->id);
  return TRUE;
}

static const RaterSubcommand adjust_commands[] = {
  { "add", adjust_add_cmd, "add a charge (+X) or credit (-X) to an open period's invoice" },
  { "list", adjust_list_cmd, "list adjustments: id, account, period, amount, invoice or open,"
                             " description" },
  { "remove", adjust_remove_cmd, "remove an adjustment of an open period" },
};

gboolean
cmd_adjust (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *account = NULL, *period = NULL, *amount = NULL, *description = NULL;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, "The account", "A" },
    { "period", 0, 0, G_OPTION_ARG_STRING, &period, "The period, open for the account",
      "YYYY-MM" },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount,
      "add: the amount, negative for a credit (at most the currency's decimals)", "[-]X" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      "add: what it is for (printed on the invoice)", "TEXT" },
    { "id", 0, 0, G_OPTION_ARG_INT64, &id, "remove: the adjustment's id (adjust list)", "N" },
    { NULL }
  };
  g_autofree char *names = cmd_subcommand_names (adjust_commands, G_N_ELEMENTS (adjust_commands));
  g_autofree char *help = cmd_subcommand_help (adjust_commands, G_N_ELEMENTS (adjust_commands));
  if (!cmd_parse_options_described ("adjust", names, help, entries, &argc, &argv, error))
    return FALSE;
  const RaterSubcommand *sub = argc == 2 ? cmd_subcommand_find (adjust_commands,
                                                                G_N_ELEMENTS (adjust_commands),
                                                                argv[1]) : NULL;
  if (!sub)
    return adjust_usage (error);
  AdjustArgs a = { account, period, amount, description, id };
  return sub->func (ctx, &a, error);
}
