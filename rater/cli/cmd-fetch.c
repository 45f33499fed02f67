/* cmd-fetch.c — 'rater fetch graph --tenant T --client-id C [--secret-file F]
 * --from DAY --to DAY [--kind pstn|dr] --out DIR' (graphfetch.h).
 *
 * The secret comes from --secret-file (mode 0600) or $RATER_GRAPH_SECRET,
 * never from the command line.  The summary names the files to ingest.
 */
#include "config.h"

#include "cli/cmd.h"
#include "ingest/graphfetch.h"

typedef struct {
  char *tenant, *client_id, *secret_file, *from, *to, *kind, *out;
  char **args;                  /* the arguments after the subcommand */
} FetchArgs;

static gboolean
fetch_graph_command (RaterContext *ctx, gconstpointer args, GError **error)
{
  const FetchArgs *a = args;
  GraphFetchOptions o = { a->tenant, a->client_id, NULL, GRAPH_KIND_PSTN, 0, 0, a->out };
  if (a->args[0])
    return cmd_usage_error (error, "fetch graph: unexpected argument '%s'", a->args[0]);
  if (!a->tenant || !a->client_id || !a->from || !a->to || !a->out)
    return cmd_usage_error (error, "usage: rater fetch graph --tenant T --client-id C"
                            " [--secret-file F] --from YYYY-MM-DD --to YYYY-MM-DD [--kind pstn|dr]"
                            " --out DIR");
  if (a->kind && !graph_kind_parse (a->kind, &o.kind))
    return cmd_usage_error (error, "fetch graph: --kind must be pstn or dr, not '%s'", a->kind);
  if (!graph_parse_day (a->from, &o.from_day))
    return cmd_usage_error (error, "fetch graph: --from must be a day YYYY-MM-DD, not '%s'", a->from);
  if (!graph_parse_day (a->to, &o.to_day))
    return cmd_usage_error (error, "fetch graph: --to must be a day YYYY-MM-DD, not '%s'", a->to);
  if (o.from_day > o.to_day)
    return cmd_usage_error (error, "fetch graph: --to %s is before --from %s", a->to, a->from);
  g_autofree char *secret = graph_read_secret (a->secret_file, error);
  if (!secret)
    return FALSE;
  o.secret = secret;
  g_auto(GraphFetchStats) stats = { 0 };
  if (!graph_fetch (&o, &stats, error))
    {
      if (stats.pages)
        g_prefix_error (error, "%u complete page%s (%" G_GUINT64_FORMAT " rows) written to"
                        " '%s' before: ", stats.pages, stats.pages == 1 ? "" : "s", stats.rows,
                        a->out);
      return FALSE;
    }
  cmd_summary (ctx, "fetched %" G_GUINT64_FORMAT " %s rows from %s to %s: %u pages in %u"
               " windows written to '%s' (%u retries, %u token renewals); ingest them with"
               " --format %s", stats.rows, graph_kind_name (o.kind), a->from, a->to, stats.pages,
               stats.windows, a->out, stats.retries, stats.token_renewals,
               graph_kind_format (o.kind));
  return TRUE;
}

static const RaterSubcommand fetch_commands[] = {
  { "graph", fetch_graph_command,
    "Microsoft Graph callRecords getPstnCalls / getDirectRoutingCalls into files" },
};

gboolean
cmd_fetch (RaterContext *ctx, int argc, char **argv, GError **error)
{
  g_autofree char *tenant = NULL, *client_id = NULL, *secret_file = NULL, *from = NULL,
                  *to = NULL, *kind = NULL, *out = NULL;
  const GOptionEntry entries[] = {
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &tenant, "graph: the directory (tenant) id or domain", "T" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "graph: the application (client) id", "C" },
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_file,
      "graph: the client secret's file, mode 0600 (else $RATER_GRAPH_SECRET)", "FILE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "graph: the first UTC day", "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "graph: the last UTC day (included)", "YYYY-MM-DD" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "graph: pstn (default) or dr (Direct Routing)", "KIND" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "graph: the directory the pages go to", "DIR" },
    { NULL }
  };
  g_autofree char *names = cmd_subcommand_names (fetch_commands, G_N_ELEMENTS (fetch_commands));
  g_autofree char *help = cmd_subcommand_help (fetch_commands, G_N_ELEMENTS (fetch_commands));
  if (!cmd_parse_options_described ("fetch", names, help, entries, &argc, &argv, error))
    return FALSE;
  const RaterSubcommand *sub = argc >= 2 ? cmd_subcommand_find (fetch_commands,
                                                                G_N_ELEMENTS (fetch_commands),
                                                                argv[1]) : NULL;
  if (!sub)
    return cmd_usage_error (error, "usage: rater fetch graph --tenant T --client-id C"
                            " [--secret-file F] --from YYYY-MM-DD --to YYYY-MM-DD [--kind pstn|dr]"
                            " --out DIR");
  FetchArgs a = { tenant, client_id, secret_file, from, to, kind, out, argv + 2 };
  return sub->func (ctx, &a, error);
}
