/* graphfetch.h — 'rater fetch graph': Microsoft Graph call records pulled
 * into files that ingest reads as graph-pstn / graph-dr (cdr-graph.c).
 *
 * A fetch takes the UTC days FROM..TO (both included) of one kind
 * (getPstnCalls or getDirectRoutingCalls), in windows of at most
 * GRAPH_WINDOW_DAYS days (Graph refuses longer ranges): per window
 *   GET {graph}/communications/callRecords/getPstnCalls(
 *         fromDateTime=FROMT00:00:00Z,toDateTime=TOT23:59:59.9999999Z)
 * (both bounds are inclusive in Graph, by the call's start time), then every
 * `@odata.nextLink` (only on the same origin: the token is never sent
 * elsewhere).  Each page's body is written verbatim, through a temporary
 * name renamed into place (outfile.h), as
 *   OUT/graph-pstn-2026-11-01_2026-11-30-0001.json
 * (kind, window, 1-based page): a re-run of the same range writes the same
 * names, and the same bytes when Graph answers the same, so ingest skips
 * them; should Graph's bytes differ, ingest reads them again and every call
 * is a duplicate of its key, never billed twice.
 *
 * Access: the OAuth 2.0 client-credentials grant at
 * {login}/TENANT/oauth2/v2.0/token, scope https://graph.microsoft.com/.default,
 * the application permission CallRecords.Read.All.  The token is renewed a
 * minute before it expires, and once more when Graph answers 401.  429 and
 * 503 are retried GRAPH_MAX_RETRIES times per request after Retry-After
 * (seconds or an HTTP date; 1, 2, 4... s without one; more than
 * GRAPH_MAX_WAIT_SECONDS is not waited for).  The secret is never logged
 * nor put in an error message.
 *
 * Errors (RATER_ERROR): USAGE for what the user must fix (credentials,
 * permission, a secret file others can read, a test URL that is not
 * loopback); TEMPFAIL when Graph or the login cannot answer now (5xx, 429
 * retries spent, network): pages written before stay, complete, and a
 * re-run rewrites them; DATA for a response that is not a Graph page;
 * CANTCREAT when OUT cannot be written.
 *
 * For tests only, RATER_GRAPH_LOGIN_URL, RATER_GRAPH_URL (the base standing
 * for https://graph.microsoft.com/v1.0) and RATER_GRAPH_CA_FILE replace the
 * real endpoints and trust store; they are honoured only for https URLs on
 * 127.0.0.1, ::1 or localhost, and the CA file only with both URLs given.
 */
#pragma once

#include <glib.h>

typedef enum {
  GRAPH_KIND_PSTN,              /* getPstnCalls, ingested as graph-pstn */
  GRAPH_KIND_DR,                /* getDirectRoutingCalls, ingested as graph-dr */
} GraphKind;

#define GRAPH_WINDOW_DAYS 90
#define GRAPH_MAX_RETRIES 5
#define GRAPH_MAX_WAIT_SECONDS 300
#define GRAPH_SECRET_ENV "RATER_GRAPH_SECRET"

/* "pstn" or "dr" into *KIND. */
gboolean graph_kind_parse (const char *name, GraphKind *kind);
/* "pstn" or "dr". */
const char *graph_kind_name (GraphKind kind);
/* The ingest format of KIND's files: "graph-pstn" or "graph-dr". */
const char *graph_kind_format (GraphKind kind);

/* A UTC day "YYYY-MM-DD" into days since 1970-01-01; FALSE when it is not one. */
gboolean graph_parse_day (const char *text, gint64 *day);

/* The days FROM..TO (inclusive, FROM <= TO) as GraphWindow windows of at most
 * GRAPH_WINDOW_DAYS days, in order. */
typedef struct {
  gint64 from_day, to_day;      /* inclusive */
} GraphWindow;
GArray *graph_split_range (gint64 from_day, gint64 to_day);

/* The file name of page PAGE (1-based) of WINDOW:
 * "graph-pstn-2026-11-01_2026-11-30-0001.json". */
char *graph_page_name (GraphKind kind, const GraphWindow *window, guint page);

/* The first request of WINDOW under BASE (".../v1.0"). */
char *graph_window_url (const char *base, GraphKind kind, const GraphWindow *window);

/* A Retry-After VALUE (delta-seconds, or an HTTP date compared with NOW,
 * seconds since the epoch) as seconds to wait (0 for a date passed); FALSE
 * when it is neither. */
gboolean graph_parse_retry_after (const char *value, gint64 now, guint64 *seconds);

/* TRUE when URL is https on a loopback host (127.0.0.1, ::1, localhost):
 * the only test endpoints honoured. */
gboolean graph_url_is_loopback (const char *url);

/* The client secret: the first line of PATH (which must be a regular file
 * neither group nor others can read: the error names the chmod), else, when
 * PATH is NULL, the environment variable GRAPH_SECRET_ENV.  RATER_ERROR_USAGE
 * when neither gives one. */
char *graph_read_secret (const char *path, GError **error);

typedef struct {
  const char *tenant;           /* directory (tenant) id or domain */
  const char *client_id;        /* the application (client) id */
  const char *secret;           /* the client secret */
  GraphKind kind;
  gint64 from_day, to_day;      /* inclusive UTC days */
  const char *out_dir;          /* created when missing */
} GraphFetchOptions;

typedef struct {
  guint windows, pages;
  guint64 rows;
  guint retries;                /* 429/503 answers waited for */
  guint token_renewals;         /* tokens fetched after the first */
  GPtrArray *files;             /* paths written, in order (owned) */
} GraphFetchStats;

void graph_fetch_stats_clear (GraphFetchStats *stats);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GraphFetchStats, graph_fetch_stats_clear)

/* The whole fetch (see above); STATS counts what was done even on failure. */
gboolean graph_fetch (const GraphFetchOptions *opts, GraphFetchStats *stats, GError **error);
