/* graphfetch.c — Microsoft Graph call records fetched into files (see
 * graphfetch.h): the pure parts (days, windows, page names, Retry-After,
 * test URLs, the secret), then the fetch over libsoup.
 *
 * A Fetcher holds the session, the endpoints and the current token.  Every
 * request goes through send_with_retries() (429/503 and Retry-After); a
 * Graph page through fetch_page() (the token, and a new one on a 401); a
 * window through fetch_window() (pages in order, each written whole before
 * the next is asked for).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "base/outfile.h"
#include "base/rater-error.h"
#include "base/timeparse.h"
#include "ingest/graphfetch.h"

#define LOGIN_URL "https://login.microsoftonline.com"
#define GRAPH_URL "https://graph.microsoft.com/v1.0"
#define GRAPH_SCOPE "https://graph.microsoft.com/.default"
#define LOGIN_URL_ENV "RATER_GRAPH_LOGIN_URL"
#define GRAPH_URL_ENV "RATER_GRAPH_URL"
#define CA_FILE_ENV "RATER_GRAPH_CA_FILE"
#define TOKEN_MARGIN_SECONDS 60     /* a token is renewed this long before it expires */
#define REQUEST_TIMEOUT_SECONDS 120
#define SECRET_MAX_BYTES 4096
#define MAX_PAGES 1000000          /* per window: a nextLink loop stops here */
#define ERROR_TEXT_MAX 300         /* of an error message quoted from a response */

/* ---- kinds, days, windows, names ---- */

gboolean
graph_kind_parse (const char *name, GraphKind *kind)
{
  if (g_strcmp0 (name, "pstn") == 0)
    return *kind = GRAPH_KIND_PSTN, TRUE;
  if (g_strcmp0 (name, "dr") == 0)
    return *kind = GRAPH_KIND_DR, TRUE;
  return FALSE;
}

const char *
graph_kind_name (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "dr" : "pstn";
}

const char *
graph_kind_format (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "graph-dr" : "graph-pstn";
}

static const char *
kind_function (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "getDirectRoutingCalls" : "getPstnCalls";
}

static const char *
kind_row_type (GraphKind kind)
{
  return kind == GRAPH_KIND_DR ? "directRoutingLogRow" : "pstnCallLogRow";
}

static int
digits (const char *p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return -1;
      v = v * 10 + (p[i] - '0');
    }
  return v;
}

gboolean
graph_parse_day (const char *text, gint64 *day)
{
  if (!text || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  int y = digits (text, 4), m = digits (text + 5, 2), d = digits (text + 8, 2);
  if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 || d > time_days_in_month (y, m))
    return FALSE;
  *day = time_days_from_civil (y, m, d);
  return TRUE;
}

static void
format_day (gint64 day, char buf[11])
{
  int y, m, d;
  time_civil_from_days (day, &y, &m, &d);
  g_snprintf (buf, 11, "%04d-%02d-%02d", y, m, d);
}

GArray *
graph_split_range (gint64 from_day, gint64 to_day)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (GraphWindow));
  for (gint64 start = from_day; start <= to_day; start += GRAPH_WINDOW_DAYS)
    {
      GraphWindow w = { start, MIN (to_day, start + GRAPH_WINDOW_DAYS - 1) };
      g_array_append_val (windows, w);
    }
  return windows;
}

char *
graph_page_name (GraphKind kind, const GraphWindow *window, guint page)
{
  char from[11], to[11];
  format_day (window->from_day, from);
  format_day (window->to_day, to);
  return g_strdup_printf ("%s-%s_%s-%04u.json", graph_kind_format (kind), from, to, page);
}

char *
graph_window_url (const char *base, GraphKind kind, const GraphWindow *window)
{
  char from[11], to[11];
  format_day (window->from_day, from);
  format_day (window->to_day, to);
  return g_strdup_printf ("%s/communications/callRecords/%s(fromDateTime=%sT00:00:00Z,"
                          "toDateTime=%sT23:59:59.9999999Z)", base, kind_function (kind), from,
                          to);
}

gboolean
graph_parse_retry_after (const char *value, gint64 now, guint64 *seconds)
{
  if (!value)
    return FALSE;
  g_autofree char *v = g_strstrip (g_strdup (value));
  if (*v && strspn (v, "0123456789") == strlen (v))
    return g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT32, seconds, NULL);
  g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (v);
  if (!when)
    return FALSE;
  gint64 wait = g_date_time_to_unix (when) - now;
  *seconds = wait > 0 ? (guint64) wait : 0;
  return TRUE;
}

gboolean
graph_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (!uri || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_userinfo (uri))
    return FALSE;
  const char *host = g_uri_get_host (uri);
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0
         || g_strcmp0 (host, "[::1]") == 0 || g_ascii_strcasecmp (host ? host : "", "localhost") == 0;
}

/* ---- the secret ---- */

static gboolean
usage (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage (GError **error, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_USAGE, message);
  return FALSE;
}

/* The first line of the bytes of FD (at most SECRET_MAX_BYTES), trimmed. */
static char *
read_first_line (int fd, const char *path, GError **error)
{
  g_autofree char *buf = g_malloc0 (SECRET_MAX_BYTES + 1);
  gsize len = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, SECRET_MAX_BYTES - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return usage (error, "secret file '%s': %s", path, g_strerror (errno)), NULL;
      if (n == 0 || (len += (gsize) n) == SECRET_MAX_BYTES)
        break;
    }
  buf[strcspn (buf, "\r\n")] = '\0';
  g_strstrip (buf);
  if (!*buf)
    return usage (error, "secret file '%s' is empty: write the client secret on its first line",
                  path), NULL;
  return g_steal_pointer (&buf);
}

static char *
read_secret_file (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return usage (error, "secret file '%s': %s", path, g_strerror (errno)), NULL;
  struct stat st;
  char *secret = NULL;
  if (fstat (fd, &st) != 0)
    usage (error, "secret file '%s': %s", path, g_strerror (errno));
  else if (!S_ISREG (st.st_mode))
    usage (error, "secret file '%s' is not a regular file", path);
  else if (st.st_mode & 077)
    usage (error, "secret file '%s' can be read or written by its group or others (mode %04o):"
           " run 'chmod 600 %s'", path, (unsigned) (st.st_mode & 07777), path);
  else
    secret = read_first_line (fd, path, error);
  close (fd);
  return secret;
}

char *
graph_read_secret (const char *path, GError **error)
{
  if (path)
    return read_secret_file (path, error);
  const char *env = g_getenv (GRAPH_SECRET_ENV);
  if (env && *env)
    return g_strdup (env);
  return usage (error, "no client secret: give --secret-file FILE (mode 0600) or set %s",
                GRAPH_SECRET_ENV), NULL;
}

void
graph_fetch_stats_clear (GraphFetchStats *stats)
{
  g_clear_pointer (&stats->files, g_ptr_array_unref);
  *stats = (GraphFetchStats) { 0 };
}

/* ---- the fetcher ---- */

typedef struct {
  const GraphFetchOptions *opts;
  GraphFetchStats *stats;
  SoupSession *session;
  char *login_url, *graph_url;  /* bases, without a trailing '/' */
  char *token;                  /* NULL: none yet, or dropped */
  gint64 token_renew_at;        /* monotonic seconds */
  guint tokens;
} Fetcher;

static void
fetcher_clear (Fetcher *f)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->login_url, g_free);
  g_clear_pointer (&f->graph_url, g_free);
  g_clear_pointer (&f->token, g_free);
}

static gboolean
tempfail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
tempfail (GError **error, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, RATER_ERROR, RATER_ERROR_TEMPFAIL, message);
  return FALSE;
}

/* The endpoint base of ENV (tests: loopback https only) or FALLBACK. */
static gboolean
endpoint (const char *env, const char *fallback, char **out, gboolean *overridden,
          GError **error)
{
  const char *v = g_getenv (env);
  *overridden = v && *v;
  if (!*overridden)
    return *out = g_strdup (fallback), TRUE;
  if (!graph_url_is_loopback (v))
    return usage (error, "%s='%s' is refused: it is for tests and takes only an https URL on"
                  " 127.0.0.1, ::1 or localhost; unset it to reach Microsoft", env, v);
  *out = g_strdup (v);
  gsize n = strlen (*out);
  while (n > 0 && (*out)[n - 1] == '/')
    (*out)[--n] = '\0';
  return TRUE;
}

static gboolean
fetcher_init (Fetcher *f, GError **error)
{
  gboolean login_test, graph_test;
  if (!endpoint (LOGIN_URL_ENV, LOGIN_URL, &f->login_url, &login_test, error)
      || !endpoint (GRAPH_URL_ENV, GRAPH_URL, &f->graph_url, &graph_test, error))
    return FALSE;
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error_literal (error, RATER_ERROR, RATER_ERROR_SOFTWARE,
                           "GIO has no TLS support: install glib-networking");
      return FALSE;
    }
  f->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS,
                                              "idle-timeout", REQUEST_TIMEOUT_SECONDS,
                                              "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                              NULL);
  const char *ca = g_getenv (CA_FILE_ENV);
  if (login_test && graph_test)
    soup_session_set_proxy_resolver (f->session, NULL);   /* loopback: never a proxy */
  if (ca && *ca)
    {
      if (!login_test || !graph_test)
        return usage (error, "%s is for tests: it is honoured only with %s and %s on loopback",
                      CA_FILE_ENV, LOGIN_URL_ENV, GRAPH_URL_ENV);
      g_autoptr(GError) local = NULL;
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (ca, &local);
      if (!db)
        return usage (error, "%s '%s': %s", CA_FILE_ENV, ca, local->message);
      soup_session_set_tls_database (f->session, db);
    }
  return TRUE;
}

/* A short text of an error response: Graph's {"error":{"code","message"}}
 * or the login's {"error","error_description"} (its first line), else the
 * status phrase. */
static char *
error_text (SoupMessage *msg, GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root = data && json_parser_load_from_data (parser, data, (gssize) len, NULL)
                   ? json_parser_get_root (parser) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *e = o ? json_object_get_member (o, "error") : NULL;
  g_autofree char *text = NULL;
  if (e && JSON_NODE_HOLDS_OBJECT (e))
    {
      JsonObject *eo = json_node_get_object (e);
      text = g_strdup_printf ("%s: %s", json_object_get_string_member_with_default (eo, "code", "?"),
                              json_object_get_string_member_with_default (eo, "message", ""));
    }
  else if (e && JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
    {
      const char *d = json_object_get_string_member_with_default (o, "error_description", "");
      text = g_strdup_printf ("%s: %.*s", json_node_get_string (e), (int) strcspn (d, "\r\n"), d);
    }
  else
    text = g_strdup (soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
  if (strlen (text) > ERROR_TEXT_MAX)
    strcpy (text + ERROR_TEXT_MAX - 3, "...");
  return g_steal_pointer (&text);
}

typedef SoupMessage *(*MessageFunc) (Fetcher *f, gconstpointer data);

static guint64
retry_wait (SoupMessage *msg, guint retry)
{
  const char *v = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                "Retry-After");
  guint64 seconds;
  if (graph_parse_retry_after (v, g_get_real_time () / G_USEC_PER_SEC, &seconds))
    return seconds;
  return (guint64) 1 << MIN (retry, 10u);
}

/* Send the message BUILD makes (again for each retry) to WHAT; *MSG and the
 * returned body are those of the first answer that is neither 429 nor 503. */
static GBytes *
send_with_retries (Fetcher *f, MessageFunc build, gconstpointer data, const char *what,
                   SoupMessage **msg_out, GError **error)
{
  for (guint retry = 0;; retry++)
    {
      g_autoptr(SoupMessage) msg = build (f, data);
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) body = soup_session_send_and_read (f->session, msg, NULL, &local);
      if (!body)
        return tempfail (error, "%s: %s; run again later", what, local->message), NULL;
      guint status = soup_message_get_status (msg);
      if (status != 429 && status != 503)
        {
          *msg_out = g_steal_pointer (&msg);
          return g_steal_pointer (&body);
        }
      g_autofree char *text = error_text (msg, body);
      if (retry == GRAPH_MAX_RETRIES)
        return tempfail (error, "%s: still %u (%s) after %u retries; run again later", what,
                         status, text, retry), NULL;
      guint64 wait = retry_wait (msg, retry);
      if (wait > GRAPH_MAX_WAIT_SECONDS)
        return tempfail (error, "%s: %u, asked to wait %" G_GUINT64_FORMAT " s (more than %d);"
                         " run again later", what, status, wait, GRAPH_MAX_WAIT_SECONDS), NULL;
      g_message ("%s: %u (%s): waiting %" G_GUINT64_FORMAT " s, retry %u of %d", what, status,
                 text, wait, retry + 1, GRAPH_MAX_RETRIES);
      f->stats->retries++;
      g_usleep ((gulong) (wait * G_USEC_PER_SEC));
    }
}

/* ---- the token ---- */

static SoupMessage *
token_message (Fetcher *f, gconstpointer data)
{
  const GraphFetchOptions *o = f->opts;
  g_autofree char *url = g_strdup_printf ("%s/%s/oauth2/v2.0/token", f->login_url, o->tenant);
  char *form = soup_form_encode ("client_id", o->client_id, "client_secret", o->secret,
                                 "scope", GRAPH_SCOPE, "grant_type", "client_credentials", NULL);
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = g_bytes_new_take (form, strlen (form));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  return msg;
}

static gboolean
parse_token (Fetcher *f, GBytes *body, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root = data && json_parser_load_from_data (parser, data, (gssize) len, NULL)
                   ? json_parser_get_root (parser) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *token = o ? json_object_get_string_member_with_default (o, "access_token", NULL)
                        : NULL;
  if (!token || !*token)
    return tempfail (error, "the login's answer holds no access_token; run again later");
  gint64 expires = json_object_get_int_member_with_default (o, "expires_in", 3599);
  g_free (f->token);
  f->token = g_strdup (token);
  f->token_renew_at = g_get_monotonic_time () / G_USEC_PER_SEC
                      + MAX (expires - TOKEN_MARGIN_SECONDS, 1);
  if (f->tokens++)
    f->stats->token_renewals++;
  return TRUE;
}

static gboolean
get_token (Fetcher *f, GError **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = send_with_retries (f, token_message, NULL, "token", &msg, error);
  if (!body)
    return FALSE;
  guint status = soup_message_get_status (msg);
  if (status == 200)
    return parse_token (f, body, error);
  g_autofree char *text = error_text (msg, body);
  if (status == 400 || status == 401)
    return usage (error, "the login refused client '%s' of tenant '%s' (%u %s): check"
                  " --tenant, --client-id and the secret", f->opts->client_id, f->opts->tenant,
                  status, text);
  return tempfail (error, "the login answered %u (%s); run again later", status, text);
}

static gboolean
ensure_token (Fetcher *f, GError **error)
{
  if (f->token && g_get_monotonic_time () / G_USEC_PER_SEC < f->token_renew_at)
    return TRUE;
  return get_token (f, error);
}

/* ---- pages ---- */

static SoupMessage *
graph_message (Fetcher *f, gconstpointer data)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, data);
  g_autofree char *auth = g_strconcat ("Bearer ", f->token, NULL);
  SoupMessageHeaders *h = soup_message_get_request_headers (msg);
  soup_message_headers_replace (h, "Authorization", auth);
  soup_message_headers_replace (h, "Accept", "application/json");
  return msg;
}

/* The body of the Graph page at URL (WHAT names it in messages). */
static GBytes *
fetch_page (Fetcher *f, const char *url, const char *what, GError **error)
{
  for (gboolean renewed = FALSE;; renewed = TRUE)
    {
      g_autoptr(SoupMessage) msg = NULL;
      if (!ensure_token (f, error))
        return NULL;
      g_debug ("GET %s", url);
      g_autoptr(GBytes) body = send_with_retries (f, graph_message, url, what, &msg, error);
      if (!body)
        return NULL;
      guint status = soup_message_get_status (msg);
      if (status == 200)
        return g_steal_pointer (&body);
      g_autofree char *text = error_text (msg, body);
      if (status == 401 && !renewed)
        {
          g_message ("%s: 401 (%s): fetching a new access token", what, text);
          g_clear_pointer (&f->token, g_free);
          continue;
        }
      if (status == 401 || status == 403)
        return usage (error, "%s: Graph refused access (%u %s): the application needs the"
                      " application permission CallRecords.Read.All with an admin's consent",
                      what, status, text), NULL;
      if (status >= 400 && status < 500)
        return usage (error, "%s: Graph refused the request (%u %s)", what, status, text), NULL;
      return tempfail (error, "%s: Graph answered %u (%s); run again later", what, status,
                       text), NULL;
    }
}

/* Check BODY is a page of the kind asked for; its rows into *ROWS and its
 * nextLink (NULL on the last page) into *NEXT. */
static gboolean
parse_page (Fetcher *f, GBytes *body, const char *what, guint *rows, char **next,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  if (!data || !json_parser_load_from_data (parser, data, (gssize) len, &local))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA, "%s: not JSON: %s", what,
                        local ? local->message : "empty"), FALSE;
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *value = o ? json_object_get_member (o, "value") : NULL;
  const char *context = o ? json_object_get_string_member_with_default (o, "@odata.context", "")
                          : "";
  if (!value || !JSON_NODE_HOLDS_ARRAY (value) || !strstr (context, kind_row_type (f->opts->kind)))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                        "%s: not a page of %s (no value array or @odata.context of %s)", what,
                        kind_function (f->opts->kind), kind_row_type (f->opts->kind)), FALSE;
  *rows = json_array_get_length (json_node_get_array (value));
  const char *link = json_object_get_string_member_with_default (o, "@odata.nextLink", NULL);
  g_autofree char *prefix = g_strconcat (f->graph_url, "/", NULL);
  if (link && !g_str_has_prefix (link, prefix))
    return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                        "%s: @odata.nextLink leaves %s: not followed", what, f->graph_url), FALSE;
  *next = g_strdup (link);
  return TRUE;
}

static gboolean
write_page (Fetcher *f, const char *name, GBytes *body, GError **error)
{
  g_autofree char *path = g_build_filename (f->opts->out_dir, name, NULL);
  if (!f->stats->files->len && !outfile_mkdir (f->opts->out_dir, error))
    return FALSE;               /* made for the first page: a refused fetch leaves nothing */
  g_autoptr(OutFile) out = outfile_open (path, error);
  if (!out)
    return FALSE;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  if (len)
    fwrite (data, 1, len, outfile_stream (out));   /* outfile_commit checks the stream */
  if (!outfile_commit (out, error))
    return FALSE;
  g_ptr_array_add (f->stats->files, g_steal_pointer (&path));
  return TRUE;
}

static gboolean
fetch_window (Fetcher *f, const GraphWindow *w, GError **error)
{
  char from[11], to[11];
  format_day (w->from_day, from);
  format_day (w->to_day, to);
  g_autofree char *url = graph_window_url (f->graph_url, f->opts->kind, w);
  for (guint page = 1; url; page++)
    {
      g_autofree char *what = g_strdup_printf ("%s %s..%s page %u", kind_function (f->opts->kind),
                                               from, to, page);
      if (page > MAX_PAGES)
        return g_set_error (error, RATER_ERROR, RATER_ERROR_DATA,
                            "%s: more than %d pages: @odata.nextLink does not end", what,
                            MAX_PAGES), FALSE;
      g_autoptr(GBytes) body = fetch_page (f, url, what, error);
      g_autofree char *next = NULL;
      g_autofree char *name = graph_page_name (f->opts->kind, w, page);
      guint rows = 0;
      if (!body || !parse_page (f, body, what, &rows, &next, error)
          || !write_page (f, name, body, error))
        return FALSE;
      f->stats->pages++;
      f->stats->rows += rows;
      g_debug ("%s: %u rows written to %s", what, rows, name);
      g_free (url);
      url = g_steal_pointer (&next);
    }
  f->stats->windows++;
  return TRUE;
}

/* Remove OUT/graph-KIND-*.rater-tmp-XXXXXX that a killed fetch left. */
static void
remove_stale_temporaries (const GraphFetchOptions *o)
{
  g_autoptr(GDir) dir = g_dir_open (o->out_dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (graph_kind_format (o->kind), "-", NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      const char *tmp = g_strrstr (name, OUTFILE_TMP_INFIX);
      if (!g_str_has_prefix (name, prefix) || !tmp
          || strlen (tmp) != strlen (OUTFILE_TMP_INFIX "XXXXXX"))
        continue;
      g_autofree char *path = g_build_filename (o->out_dir, name, NULL);
      struct stat st;
      if (lstat (path, &st) == 0 && S_ISREG (st.st_mode) && unlink (path) == 0)
        g_message ("removed '%s', left by a fetch that was stopped", path);
    }
}

/* A tenant (GUID or domain) and a client id go into a URL and a form:
 * only their own characters. */
static gboolean
check_names (const GraphFetchOptions *o, GError **error)
{
  const char *tenant_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
  if (!o->tenant || !*o->tenant || strlen (o->tenant) > 253
      || strspn (o->tenant, tenant_chars) != strlen (o->tenant))
    return usage (error, "the tenant must be a directory (tenant) id or a domain, not '%s'",
                  o->tenant ? o->tenant : "");
  if (!o->client_id || !*o->client_id || strlen (o->client_id) > 128
      || strspn (o->client_id, tenant_chars) != strlen (o->client_id))
    return usage (error, "the client id must be an application (client) id, not '%s'",
                  o->client_id ? o->client_id : "");
  if (o->from_day > o->to_day)
    return usage (error, "the range ends before it starts");
  return TRUE;
}

gboolean
graph_fetch (const GraphFetchOptions *opts, GraphFetchStats *stats, GError **error)
{
  g_return_val_if_fail (opts && opts->secret && opts->out_dir && stats, FALSE);
  graph_fetch_stats_clear (stats);
  stats->files = g_ptr_array_new_with_free_func (g_free);
  if (!check_names (opts, error))
    return FALSE;
  Fetcher f = { opts, stats };
  gboolean ok = fetcher_init (&f, error);
  if (ok)
    remove_stale_temporaries (opts);
  g_autoptr(GArray) windows = graph_split_range (opts->from_day, opts->to_day);
  for (guint i = 0; ok && i < windows->len; i++)
    ok = fetch_window (&f, &g_array_index (windows, GraphWindow, i), error);
  fetcher_clear (&f);
  return ok;
}
