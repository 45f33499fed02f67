/* nightly-config.h — the nightly run's config file (cli.md `rater nightly`).
 *
 * A GKeyFile with one [nightly] group and a [source NAME] group per incoming
 * directory; every key is documented in samples/nightly.conf and the README.
 * Relative paths are relative to the directory of the config file.
 *
 * [nightly]: database (an SQLite file's path, or a PostgreSQL URI), output,
 * archive, quarantine (required paths); catalog (path: re-imported when it
 * changes), lock (path, default DATABASE.lock; with a PostgreSQL database,
 * OUTPUT/nightly.lock), issue_day (0..28, default 0: never), drafts (true|false,
 * default true), threads (0..256, default 0: one per CPU), invoice_formats
 * (json;csv;html;pdf, default all four), reports (full names of
 * reportset.h, default all of them), report_format (csv|json, default csv),
 * settle_seconds (0..3600, default NIGHTLY_SETTLE_DEFAULT: an incoming file
 * is taken only once unchanged that long), retention_months (0..1200,
 * default 0: never; N: the run's last step purges the call detail of the
 * issued periods more than N months before the run's month, bill/purge.h).
 *
 * [source NAME]: dir (required path), format, operator, country, area_code
 * (of local numbers, needs country), tz,
 * direction_by (dcontext|shape, default dcontext), pattern (default "*"),
 * type (files, the default, or graph).  A type = graph source also takes
 * tenant, client_id, kind (pstn|dr; all three required) and secret_file
 * (path, mode 0600; else $RATER_GRAPH_SECRET), catch_up_days (1..365,
 * default NIGHTLY_CATCH_UP_DEFAULT) and start_date (YYYY-MM-DD, none by
 * default): the run fetches from Microsoft Graph into dir, before it
 * ingests, the UTC days after the last one fetched whole up to yesterday,
 * at most catch_up_days of them (nightly-graph.h, graphfetch.h).  Its
 * format is graph-KIND and it needs operator (Graph names no catalog
 * operator); the graph keys on another source are an error.
 */
#pragma once

#include <glib.h>

#include "ingest/cdr.h"
#include "ingest/graphfetch.h"

typedef struct {
  char *name;                   /* [source NAME] */
  char *dir;                    /* incoming directory */
  char *format;                 /* NULL: recognised from the header */
  char *operator_slug;          /* NULL: the records' operator column */
  char *country;
  char *area_code;              /* NULL: none */
  char *tz;
  CdrDirectionRule direction_by;
  CdrContextGlobs contexts;     /* inbound_contexts, outbound_contexts, internal_contexts */
  char *pattern;                /* glob of file names, default "*" */
  gboolean graph;               /* type = graph: fetched from Microsoft Graph first */
  GraphKind graph_kind;
  char *tenant, *client_id;     /* type = graph */
  char *secret_file;            /* type = graph; NULL: $RATER_GRAPH_SECRET */
  guint catch_up_days;          /* type = graph: most days fetched in one night */
  gboolean has_start;           /* type = graph: start_date given */
  gint64 start_day;             /* start_date, days since 1970-01-01 */
} NightlySource;

#define NIGHTLY_CATCH_UP_DEFAULT 7   /* days a graph source catches up in one night */
#define NIGHTLY_CATCH_UP_MAX 365
#define NIGHTLY_SETTLE_DEFAULT 5   /* seconds an incoming file must stay unchanged */

typedef struct {
  char *database;
  char *catalog;                /* NULL: never imported by nightly */
  char *output;
  char *archive;
  char *quarantine;
  char *lock;                   /* default DATABASE.lock, or OUTPUT/nightly.lock */
  guint issue_day;              /* 1..28; 0: never issue */
  gboolean drafts;
  unsigned invoice_formats;     /* InvoiceOutFormats */
  char **reports;               /* full names (reportset_names): usage-user ... chart */
  gboolean reports_json;        /* report files as JSON instead of CSV */
  guint threads;                /* rating threads, 0: one per CPU */
  guint settle_seconds;         /* an incoming file unchanged this long is taken */
  guint retention_months;       /* purge periods more than this before the run's; 0: never */
  GPtrArray *sources;           /* NightlySource *, in the order of the file */
} NightlyConfig;

/* Load and check the config at PATH.  RATER_ERROR_USAGE on any problem,
 * as "PATH: [GROUP] KEY: reason" (KEY empty for a problem of the group). */
NightlyConfig *nightly_config_load (const char *path, GError **error);
void nightly_config_free (NightlyConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NightlyConfig, nightly_config_free)
