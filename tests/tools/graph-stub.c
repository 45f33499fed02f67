/* graph-stub.c — a local HTTPS stand-in for Microsoft's token endpoint and
 * Graph callRecords getPstnCalls / getDirectRoutingCalls, for the
 * fetch-graph golden cases (loopback only; the certificate is made by the
 * test with openssl).
 *
 *   graph-stub --cert C --key K --dir DIR --secret S --pstn ROWS.jsonl
 *              [--dr ROWS.jsonl] [--page-size N] [--lifetime SECONDS]
 *
 * It listens on an ephemeral port of 127.0.0.1, writes the port to DIR/port
 * and appends one line per request to DIR/requests.log (never the secret
 * or a token's value: "secret ok" / "secret WRONG").  ROWS files hold one
 * Graph row per line; a window (fromDateTime..toDateTime, inclusive, by
 * startDateTime) is served PAGE-SIZE rows a page, with @odata.nextLink
 * ...?$skip=K while rows remain, as Graph pages.  A range of more than 90
 * days is refused with 400, as Graph does.
 *
 * The tenant of the token request picks a behaviour (per stub process):
 *   throttle  the first token request gets 429 Retry-After: 0, the first
 *             Graph request 429 Retry-After: 1, the third 503 Retry-After: 0
 *   expired   its first token is refused with 401 from the second page on
 *   short     tokens live 61 s (renewed by rater after 1 s) and the first
 *             Graph request gets 429 Retry-After: 1
 *   fail500   the second page of every window answers 500
 *   down      every Graph request answers 500
 *   busy      every Graph request gets 429 Retry-After: 0
 *   patient   every Graph request gets 429 Retry-After: 3600
 *   denied    Graph answers 403
 *   anything else: plain paging.
 * A file DIR/behave, while present, holds fail500 or down: that behaviour
 * then applies to every tenant, so a test turns Graph off and on between
 * runs of the same config.
 * It exits after --lifetime seconds (default 120), so a test that dies
 * leaves no server behind for long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

typedef struct {
  char *text;                   /* the row as given */
  char start[20];               /* YYYY-MM-DDTHH:MM:SS of startDateTime */
} Row;

static GArray *pstn_rows, *dr_rows;   /* of Row */
static const char *secret, *dir;
static guint page_size = 5;
static GHashTable *tokens;      /* token -> tenant (issued, valid) */
static GHashTable *counters;    /* "tenant/what" -> count */
static GHashTable *first_token; /* tenant -> the first token issued to it */
static guint token_serial;

static guint
bump (const char *tenant, const char *what)
{
  char *key = g_strdup_printf ("%s/%s", tenant, what);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counters, key)) + 1;
  g_hash_table_replace (counters, key, GUINT_TO_POINTER (n));
  return n;
}

static void
log_line (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
log_line (const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *line = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_autofree char *path = g_build_filename (dir, "requests.log", NULL);
  FILE *f = fopen (path, "a");
  if (!f)
    g_error ("%s: cannot append", path);
  fprintf (f, "%s\n", line);
  fclose (f);
}

static GArray *
load_rows (const char *path)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autofree char *text = NULL;
  if (!path)
    return rows;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("%s: cannot read", path);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (!*g_strstrip (lines[i]))
        continue;
      g_autoptr(JsonParser) p = json_parser_new ();
      if (!json_parser_load_from_data (p, lines[i], -1, NULL))
        g_error ("%s:%u: not JSON", path, i + 1);
      JsonObject *o = json_node_get_object (json_parser_get_root (p));
      Row r = { g_strdup (lines[i]), "" };
      g_strlcpy (r.start, json_object_get_string_member (o, "startDateTime"), sizeof r.start);
      g_array_append_val (rows, r);
    }
  return rows;
}

static void
respond (SoupServerMessage *msg, guint status, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
retry_after (SoupServerMessage *msg, const char *seconds)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                seconds);
  respond (msg, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}");
}

static void
handle_token (SoupServerMessage *msg, const char *path)
{
  g_autofree char *tenant = g_strndup (path + 1, strcspn (path + 1, "/"));
  SoupMessageBody *req = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (req);
  g_autofree char *form_text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (form_text);
  const char *s = g_hash_table_lookup (form, "client_secret");
  gboolean secret_ok = g_strcmp0 (s, secret) == 0;
  guint status = 200;
  guint n = bump (tenant, "token");
  if (g_str_equal (tenant, "throttle") && n == 1)
    {
      retry_after (msg, "0");
      status = 429;
    }
  else if (!secret_ok || g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "client_credentials")
           || g_strcmp0 (g_hash_table_lookup (form, "scope"), "https://graph.microsoft.com/.default"))
    {
      status = 401;
      respond (msg, status, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215:"
               " Invalid client secret provided.\\r\\nTrace ID: 0\"}");
    }
  else
    {
      g_autofree char *token = g_strdup_printf ("tok-%u", ++token_serial);
      int lifetime = g_str_equal (tenant, "short") ? 61 : 3599;
      g_autofree char *body = g_strdup_printf ("{\"token_type\":\"Bearer\",\"expires_in\":%d,"
                                               "\"ext_expires_in\":%d,\"access_token\":\"%s\"}",
                                               lifetime, lifetime, token);
      if (!g_hash_table_contains (first_token, tenant))
        g_hash_table_insert (first_token, g_strdup (tenant), g_strdup (token));
      g_hash_table_replace (tokens, g_steal_pointer (&token), g_strdup (tenant));
      respond (msg, status, body);
    }
  log_line ("POST %s client_id=%s scope=%s grant_type=%s secret %s -> %u", path,
            (const char *) g_hash_table_lookup (form, "client_id"),
            (const char *) g_hash_table_lookup (form, "scope"),
            (const char *) g_hash_table_lookup (form, "grant_type"), secret_ok ? "ok" : "WRONG",
            status);
}

/* The value of NAME= in the function call of PATH ("...(a=1,b=2)"). */
static char *
parameter (const char *path, const char *name)
{
  g_autofree char *key = g_strconcat (name, "=", NULL);
  const char *p = strstr (path, key);
  if (!p)
    return NULL;
  p += strlen (key);
  return g_strndup (p, strcspn (p, ",)"));
}

static gint64
day_number (const char *iso)
{
  int y, m, d;
  if (!iso || sscanf (iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return -1;
  g_autoptr(GDateTime) t = g_date_time_new_utc (y, m, d, 0, 0, 0);
  return t ? g_date_time_to_unix (t) / 86400 : -1;
}

static char *
page_body (const char *base, const char *function, const char *row_type, GArray *rows,
           const char *from, const char *to, guint skip)
{
  GString *b = g_string_new (NULL);
  g_string_append_printf (b, "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata"
                          "#Collection(microsoft.graph.callRecords.%s)\",", row_type);
  GString *values = g_string_new (NULL);
  guint matched = 0, n = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      const Row *r = &g_array_index (rows, Row, i);
      if (strncmp (r->start, from, 19) < 0 || strncmp (r->start, to, 19) > 0)
        continue;
      if (matched++ >= skip && n < page_size)
        g_string_append_printf (values, "%s%s", n++ ? "," : "", r->text);
    }
  g_string_append_printf (b, "\"@odata.count\":%u,\"value\":[%s]", n, values->str);
  if (skip + n < matched)
    g_string_append_printf (b, ",\"@odata.nextLink\":\"%s/communications/callRecords/%s("
                            "fromDateTime=%s,toDateTime=%s)?$skip=%u\"", base, function, from, to,
                            skip + n);
  g_string_append_c (b, '}');   /* one line, as Graph sends it */
  g_string_free (values, TRUE);
  return g_string_free (b, FALSE);
}

/* The behaviour DIR/behave forces on every tenant, or NULL. */
static char *
forced_behaviour (void)
{
  g_autofree char *path = g_build_filename (dir, "behave", NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

static guint
serve_graph (SoupServerMessage *msg, const char *path, GHashTable *query, const char *tenant)
{
  gboolean dr = strstr (path, "/getDirectRoutingCalls(") != NULL;
  if (!dr && !strstr (path, "/getPstnCalls("))
    return respond (msg, 404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"no such path\"}}"), 404;
  g_autofree char *from = parameter (path, "fromDateTime");
  g_autofree char *to = parameter (path, "toDateTime");
  gint64 from_day = day_number (from), to_day = day_number (to);
  if (from_day < 0 || to_day < from_day || to_day - from_day >= 90)
    return respond (msg, 400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"The date range"
                    " cannot exceed 90 days.\"}}"), 400;
  const char *skip_text = query ? g_hash_table_lookup (query, "$skip") : NULL;
  guint skip = skip_text ? (guint) atoi (skip_text) : 0;
  g_autofree char *forced = forced_behaviour ();
  const char *how = forced ? forced : tenant;
  if ((g_str_equal (how, "fail500") && skip > 0) || g_str_equal (how, "down"))
    return respond (msg, 500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"An"
                    " internal server error occurred.\"}}"), 500;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *base = g_strdup_printf ("https://%s:%d/v1.0", g_uri_get_host (uri),
                                           g_uri_get_port (uri));
  g_autofree char *body = page_body (base, dr ? "getDirectRoutingCalls" : "getPstnCalls",
                                     dr ? "directRoutingLogRow" : "pstnCallLogRow",
                                     dr ? dr_rows : pstn_rows, from, to, skip);
  respond (msg, 200, body);
  return 200;
}

static void
handle_graph (SoupServerMessage *msg, const char *path, GHashTable *query)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *token = auth && g_str_has_prefix (auth, "Bearer ") ? auth + 7 : "";
  const char *tenant = g_hash_table_lookup (tokens, token);
  const char *q = query ? g_hash_table_lookup (query, "$skip") : NULL;
  guint status;
  guint n = tenant ? bump (tenant, "graph") : 0;
  if (!tenant)
    status = 401, respond (msg, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\","
                           "\"message\":\"Access token is empty or unknown.\"}}");
  else if (((g_str_equal (tenant, "throttle") || g_str_equal (tenant, "short")) && n == 1)
           || g_str_equal (tenant, "busy"))
    status = 429, retry_after (msg, g_str_equal (tenant, "busy") ? "0" : "1");
  else if (g_str_equal (tenant, "throttle") && n == 3)
    {
      status = 503;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "0");
      respond (msg, 503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"Try later\"}}");
    }
  else if (g_str_equal (tenant, "patient"))
    status = 429, retry_after (msg, "3600");
  else if (g_str_equal (tenant, "denied"))
    status = 403, respond (msg, 403, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Insufficient"
                           " privileges to complete the operation.\"}}");
  else if (g_str_equal (tenant, "expired") && q
           && g_str_equal (token, g_hash_table_lookup (first_token, tenant)))
    status = 401, respond (msg, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\","
                           "\"message\":\"Lifetime validation failed, the token is expired.\"}}");
  else
    status = serve_graph (msg, path, query, tenant);
  log_line ("GET %s%s%s [%s] -> %u", path, q ? "?$skip=" : "", q ? q : "",
            tenant ? token : "no token", status);
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer data)
{
  if (g_str_equal (soup_server_message_get_method (msg), "POST")
      && g_str_has_suffix (path, "/oauth2/v2.0/token"))
    handle_token (msg, path);
  else if (g_str_equal (soup_server_message_get_method (msg), "GET")
           && g_str_has_prefix (path, "/v1.0/communications/callRecords/"))
    handle_graph (msg, path, query);
  else
    {
      respond (msg, 404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"no such path\"}}");
      log_line ("%s %s -> 404", soup_server_message_get_method (msg), path);
    }
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autofree char *cert = NULL, *key = NULL, *pstn = NULL, *drf = NULL, *sec = NULL, *d = NULL;
  int lifetime = 120, size = 5;
  const GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "certificate (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, "its key (PEM)", "FILE" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &d, "where port and requests.log go", "DIR" },
    { "secret", 0, 0, G_OPTION_ARG_STRING, &sec, "the client secret expected", "S" },
    { "pstn", 0, 0, G_OPTION_ARG_FILENAME, &pstn, "getPstnCalls rows, JSON Lines", "FILE" },
    { "dr", 0, 0, G_OPTION_ARG_FILENAME, &drf, "getDirectRoutingCalls rows, JSON Lines", "FILE" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &size, "rows per page (5)", "N" },
    { "lifetime", 0, 0, G_OPTION_ARG_INT, &lifetime, "exit after this many seconds (120)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new ("- a local Graph stand-in for tests");
  g_autoptr(GError) error = NULL;
  g_option_context_add_main_entries (oc, entries, NULL);
  if (!g_option_context_parse (oc, &argc, &argv, &error) || !cert || !key || !d || !sec
      || size < 1)
    {
      fprintf (stderr, "graph-stub: %s\n", error ? error->message : "--cert, --key, --dir and --secret are required");
      return 2;
    }
  secret = sec;
  dir = d;
  page_size = (guint) size;
  pstn_rows = load_rows (pstn);
  dr_rows = load_rows (drf);
  tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  first_token = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GTlsCertificate) tls = g_tls_certificate_new_from_files (cert, key, &error);
  if (!tls)
    {
      fprintf (stderr, "graph-stub: %s\n", error->message);
      return 1;
    }
  g_autoptr(SoupServer) server = soup_server_new ("tls-certificate", tls, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  if (!soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error))
    {
      fprintf (stderr, "graph-stub: %s\n", error->message);
      return 1;
    }
  GSList *uris = soup_server_get_uris (server);
  g_autofree char *port = g_strdup_printf ("%d\n", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_autofree char *tmp = g_build_filename (dir, "port.tmp", NULL);
  g_autofree char *final = g_build_filename (dir, "port", NULL);
  if (!g_file_set_contents (tmp, port, -1, &error) || rename (tmp, final) != 0)
    {
      fprintf (stderr, "graph-stub: cannot write %s\n", final);
      return 1;
    }
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  g_timeout_add_seconds ((guint) lifetime, quit, loop);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  return 0;
}
