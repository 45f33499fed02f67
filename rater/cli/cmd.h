/* cmd.h — the command layer: one function per subcommand, same signature.
 *
 * rater-main.c parses the global options and dispatches through a table of
 * RaterCommand.  A command parses its own options, calls the library and
 * returns FALSE with ERROR set on failure; main prints the error once and maps
 * it to an exit status.  A command that finished but wants exit status 1
 * (rejects, unrated calls) sets ctx->status.
 */
#pragma once

#include <glib.h>

#include "base/store.h"
#include "ingest/cdr.h"
#include "ingest/ingest.h"

typedef enum {
  PROGRESS_AUTO,
  PROGRESS_ALWAYS,
  PROGRESS_NEVER,
} RaterProgressMode;

typedef struct {
  const char *db_path;          /* --db, $RATER_DB or "rater.db" */
  gboolean quiet;               /* --quiet: no summary line */
  gboolean verbose;             /* --verbose: debug logging */
  RaterProgressMode progress;   /* --progress */
  int status;                   /* exit status on success: 0, or 1 when partial */
} RaterContext;

typedef gboolean (*RaterCommandFunc) (RaterContext *ctx, int argc, char **argv,
                                      GError **error);

typedef struct {
  const char *name;
  RaterCommandFunc func;
  const char *summary;          /* one line for 'rater --help' */
} RaterCommand;

/* A subcommand ('invoice draft', 'export calls'): the command parses the
 * options its subcommands share into ARGS (its own struct), finds the entry
 * named by its argument in a table of RaterSubcommand and runs it. */
typedef gboolean (*RaterSubcommandFunc) (RaterContext *ctx, gconstpointer args, GError **error);

typedef struct {
  const char *name;
  RaterSubcommandFunc func;
  const char *summary;          /* one line for 'rater COMMAND --help' */
} RaterSubcommand;

/* The entry of TABLE (N_ENTRIES long) named NAME, or NULL. */
const RaterSubcommand *cmd_subcommand_find (const RaterSubcommand *table, gsize n_entries,
                                            const char *name);

/* The names of TABLE joined by '|' ("draft|issue"), for usage texts. */
char *cmd_subcommand_names (const RaterSubcommand *table, gsize n_entries);

/* "Subcommands:" and a line per entry of TABLE, for --help. */
char *cmd_subcommand_help (const RaterSubcommand *table, gsize n_entries);

/* Set ERROR to a usage error (exit status 64) of the printf-style message
 * FORMAT (the whole text: "report: --period YYYY-MM is required") and
 * return FALSE, so a check is one line: return cmd_usage_error (...). */
gboolean cmd_usage_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* TRUE when PERIOD is a period YYYY-MM (month 01..12); else a usage error
 * "COMMAND: --period must be YYYY-MM, not 'PERIOD'". */
gboolean cmd_check_period (const char *command, const char *period, GError **error);

/* COMMAND's --direction-by VALUE (NULL: the default) into *RULE; a usage
 * error naming the value otherwise. */
gboolean cmd_direction_by (const char *command, const char *value, CdrDirectionRule *rule,
                           GError **error);

/* The GOptionEntry rows of --inbound-context, --outbound-context and
 * --internal-context (repeatable globs) into the GStrv variables IN, OUT
 * and INTERNAL, for commands that read PBX CDRs. */
#define CMD_CONTEXT_OPTIONS(in, out, internal)                                              \
  { "inbound-context", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(in),                              \
    "PBX formats: dialplan contexts of calls from the PSTN (glob, repeatable)", "GLOB" },   \
  { "outbound-context", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(out),                            \
    "PBX formats: dialplan contexts of calls to the PSTN (glob, repeatable)", "GLOB" },     \
  { "internal-context", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(internal),                       \
    "PBX formats: contexts of calls inside the PBX, not billed (glob, repeatable)", "GLOB" }

/* The counts of the ingest summary that are shown only when there are any:
 * "N merged legs, N internal, " and "N with direction guessed, " (each
 * ending in ", "; "" when all are 0).  Free with g_free. */
char *cmd_ingest_counts (const IngestStats *stats);

/* Parse a command's options with ENTRIES; PARAMETER is the usage text after
 * the command name.  Returns FALSE with a G_OPTION_ERROR on bad usage;
 * '--help' prints and exits 0. */
gboolean cmd_parse_options (const char *command, const char *parameter,
                            const GOptionEntry *entries, int *argc, char ***argv,
                            GError **error);

/* cmd_parse_options with DESCRIPTION printed after the options by --help. */
gboolean cmd_parse_options_described (const char *command, const char *parameter,
                                      const char *description, const GOptionEntry *entries,
                                      int *argc, char ***argv, GError **error);

/* Print the summary line unless --quiet. */
void cmd_summary (const RaterContext *ctx, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* The ingest progress callback for CTX ("path: 42%" rewritten in place on
 * stderr) when --progress asks for it (auto: stderr is a terminal), else
 * NULL. */
typedef void (*CmdProgressFunc) (const char *path, guint64 done, guint64 total, gpointer data);
CmdProgressFunc cmd_ingest_progress (const RaterContext *ctx);

/* Open the context's database (existing, current schema). */
StoreDb *cmd_open_db (const RaterContext *ctx, GError **error);

/* The same, read-only, for a command that only reads (export, report,
 * invoice draft, reconcile): it works on a read-only file system. */
StoreDb *cmd_open_db_readonly (const RaterContext *ctx, GError **error);

gboolean cmd_init (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_adjust (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_dispute (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_catalog (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_ingest (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_rate (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_invoice (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_export (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_fetch (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_files (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_nightly (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_purge (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_reconcile (RaterContext *ctx, int argc, char **argv, GError **error);
gboolean cmd_report (RaterContext *ctx, int argc, char **argv, GError **error);
